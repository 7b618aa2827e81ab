//! One file in, findings out: parse once, walk once, run the active
//! detectors and the secrets rules, then turn raw findings into reported
//! ones (positions, redacted snippets, fingerprints, diffs, suppressions).
//!
//! A file with syntax errors is analysed on the partial tree tree-sitter
//! recovers, with a warning; nothing here aborts a scan.

mod finish;
mod tree;

use std::time::Duration;

use argus_model::{AnalysisType, Category, Finding, Language, SkipReason, Warning};
use tree_sitter::{Node, Tree};

use crate::config::ScanConfig;
use crate::detectors::{Detector, RawFinding, Violation, meta, registry};
use crate::discover::{FileKind, content};
use crate::lang::notebook::Notebook;
use crate::lang::{Grammar, ParseOutcome, cloudformation, parse};
use crate::secrets;
use crate::suppress::{self, Parsed, Suppression};
use crate::text::{LineIndex, fold_whitespace};

/// How much of the analysis runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Detectors and secrets.
    #[default]
    Full,
    /// Secrets only: no code detectors, and files are parsed only when a
    /// credential needs its syntactic context (a docstring, a template).
    SecretsOnly,
    /// Parse every file and stop there (a benchmark baseline).
    ParseOnly,
}

pub(crate) use tree::taint_specs;

/// What the analysis of a file needs to know about the scan.
#[derive(Debug, Clone)]
pub struct Settings {
    pub analysis_type: AnalysisType,
    pub config: ScanConfig,
    pub mode: Mode,
    /// Summaries of the project's Python modules, for taint paths that
    /// cross files (built by the runner before the files are analysed).
    pub project: Option<std::sync::Arc<crate::dataflow::ProjectSummaries>>,
    /// The user's taint rules (`[rules]` and rule packs), checked.
    pub rules: std::sync::Arc<crate::dataflow::TaintRules>,
}

impl Settings {
    pub(crate) fn parse_budget(&self) -> Duration {
        Duration::from_secs(self.config.limits.parse_timeout_seconds.max(1))
    }

    /// The wall-clock budget of one file's whole analysis.
    pub(crate) fn file_budget(&self) -> Duration {
        Duration::from_secs(self.config.limits.file_timeout_seconds.max(1))
    }

    /// A parsed tree the walks can follow, or why not.
    pub(crate) fn check_depth(&self, tree: &Tree) -> Result<(), SkipReason> {
        let limit = self.config.limits.max_syntax_depth;
        if crate::lang::deeper_than(tree, limit) {
            return Err(SkipReason::TooDeep { limit });
        }
        Ok(())
    }

    /// Whether a detector runs in this scan.
    pub fn wants(&self, detector: &Detector) -> bool {
        let category_ok =
            detector.spec.category == Category::Security || self.analysis_type == AnalysisType::All;
        category_ok && !self.config.is_disabled(detector.id)
    }
}

/// The result of analysing one file.
#[derive(Debug)]
pub enum FileOutcome {
    Analysed(FileReport),
    Skipped(SkipReason),
}

/// Findings and facts of one analysed file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    pub lines: u64,
    pub bytes: u64,
    pub syntax_errors: bool,
}

/// Analyses file content (`bytes` as read from disk).
pub fn analyze_bytes(path: &str, kind: FileKind, bytes: &[u8], settings: &Settings) -> FileOutcome {
    // Compiled classes are scanned for secrets in their string constants.
    if path.ends_with(".class") {
        return analyze_text(path, kind, &content::printable_strings(bytes), settings);
    }
    if content::is_binary(bytes) {
        return FileOutcome::Skipped(SkipReason::Binary);
    }
    let mut warnings = Vec::new();
    let (text, exact) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), true),
        Err(_) => {
            warnings.push(Warning {
                path: path.to_string(),
                message:
                    "not valid UTF-8: analysed with replacement characters; fixes are not offered"
                        .into(),
            });
            (String::from_utf8_lossy(bytes).into_owned(), false)
        }
    };
    match analyze_text(path, kind, &text, settings) {
        FileOutcome::Analysed(mut report) => {
            if !exact {
                for finding in &mut report.findings {
                    finding.fixes.clear();
                }
            }
            report.warnings.splice(0..0, warnings);
            FileOutcome::Analysed(report)
        }
        skipped => skipped,
    }
}

/// Analyses the text of one file, within the file's time budget.
pub fn analyze_text(path: &str, kind: FileKind, raw: &str, settings: &Settings) -> FileOutcome {
    let budget = crate::budget::FileBudget::start(settings.file_budget());
    let outcome = analyze_text_unbudgeted(path, kind, raw, settings);
    if budget.expired() {
        return FileOutcome::Skipped(SkipReason::Timeout {
            seconds: settings.config.limits.file_timeout_seconds,
        });
    }
    outcome
}

fn analyze_text_unbudgeted(
    path: &str,
    kind: FileKind,
    raw: &str,
    settings: &Settings,
) -> FileOutcome {
    let generated_ok = settings.config.include_generated;
    if !generated_ok && let Some(marker) = content::generated_marker(raw) {
        return FileOutcome::Skipped(SkipReason::Generated {
            marker: marker.to_string(),
        });
    }
    if !generated_ok
        && matches!(
            kind,
            FileKind::Source(Language::JavaScript | Language::TypeScript, _)
        )
        && content::looks_minified(raw)
    {
        return FileOutcome::Skipped(SkipReason::Minified);
    }
    // A byte-order mark becomes spaces of the same length, so offsets into
    // the analysed text are offsets into the file.
    let analysed_owned;
    let analysed = match raw.strip_prefix('\u{feff}') {
        Some(rest) => {
            analysed_owned = format!("   {rest}");
            analysed_owned.as_str()
        }
        None => raw,
    };
    let mut report = FileReport {
        lines: raw.lines().count() as u64,
        bytes: raw.len() as u64,
        ..FileReport::default()
    };
    let notebook;
    let (unit, tree) = match kind {
        FileKind::Source(language, grammar) => {
            (Unit::code(grammar, language, analysed), Some(grammar))
        }
        FileKind::Notebook => {
            notebook = match Notebook::parse(analysed) {
                Ok(notebook) => notebook,
                Err(reason) => return FileOutcome::Skipped(SkipReason::Notebook { reason }),
            };
            let mut unit = Unit::code(Grammar::Python, Language::Python, &notebook.text);
            unit.notebook = Some(&notebook);
            (unit, Some(Grammar::Python))
        }
        FileKind::Data(grammar) => (
            Unit::text(analysed),
            may_be_template(analysed).then_some(grammar),
        ),
        FileKind::Text => (Unit::text(analysed), None),
    };
    // Secrets-only scans parse lazily, when a credential needs its context.
    let (tree, lazy_grammar) = match settings.mode {
        Mode::SecretsOnly if !matches!(kind, FileKind::Data(_)) => (None, tree),
        _ => (tree, None),
    };
    let tree = match tree {
        Some(grammar) => match parse(grammar, unit.text, settings.parse_budget()) {
            ParseOutcome::Parsed(tree) => {
                if let Err(reason) = settings.check_depth(&tree) {
                    return FileOutcome::Skipped(reason);
                }
                Some(tree)
            }
            ParseOutcome::TimedOut => {
                return FileOutcome::Skipped(SkipReason::Timeout {
                    seconds: settings.config.limits.parse_timeout_seconds,
                });
            }
        },
        None => None,
    };
    // YAML and JSON are analysed as CloudFormation only when they are templates.
    let (unit, tree) = match (kind, tree) {
        (FileKind::Data(grammar), Some(tree)) if cloudformation::is_template(&tree, analysed) => (
            Unit::code(grammar, Language::CloudFormation, analysed),
            Some(tree),
        ),
        (FileKind::Data(_), _) => (unit, None),
        (_, tree) => (unit, tree),
    };
    let unit = Unit {
        profile: secrets_profile(path),
        lazy_grammar,
        ..unit
    };
    unit.analyze(tree, path, raw, settings, &mut report);
    FileOutcome::Analysed(report)
}

/// How secrets rules read a file, from its path: configuration files take
/// unquoted `KEY=value`; documentation and examples only count token
/// formats.
fn secrets_profile(path: &str) -> secrets::Profile {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower_name = name.to_ascii_lowercase();
    let ext = lower_name.rsplit_once('.').map_or("", |(_, e)| e);
    let config_file = lower_name.starts_with(".env")
        || matches!(
            ext,
            "env" | "properties" | "ini" | "cfg" | "conf" | "cnf" | "cf" | "yaml" | "yml" | "toml"
        );
    let doc_dir = path.split('/').rev().skip(1).any(|dir| {
        matches!(
            dir.to_ascii_lowercase().as_str(),
            "doc"
                | "docs"
                | "documentation"
                | "example"
                | "examples"
                | "sample"
                | "samples"
                | "demo"
                | "demos"
        )
    });
    let doc_name = ["example", "sample", "template"]
        .iter()
        .any(|w| lower_name.contains(w));
    let documentation =
        doc_dir || doc_name || matches!(ext, "md" | "rst" | "txt" | "text" | "html" | "htm");
    secrets::Profile {
        config_file,
        documentation,
    }
}

/// YAML/JSON worth parsing as a possible CloudFormation template.
fn may_be_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("Resources")
}

/// The text analysed for one file: the file itself, or the code cells of
/// a notebook; with its grammar and language when detectors apply.
pub(crate) struct Unit<'a> {
    pub grammar: Option<Grammar>,
    pub language: Option<Language>,
    pub text: &'a str,
    pub notebook: Option<&'a Notebook>,
    /// How the secrets rules read the text.
    pub profile: secrets::Profile,
    /// The grammar to parse with on demand when no tree was built.
    pub lazy_grammar: Option<Grammar>,
}

impl<'a> Unit<'a> {
    fn code(grammar: Grammar, language: Language, text: &'a str) -> Unit<'a> {
        Unit {
            grammar: Some(grammar),
            language: Some(language),
            text,
            notebook: None,
            profile: secrets::Profile::default(),
            lazy_grammar: None,
        }
    }

    fn text(text: &'a str) -> Unit<'a> {
        Unit {
            grammar: None,
            language: None,
            text,
            notebook: None,
            profile: secrets::Profile::default(),
            lazy_grammar: None,
        }
    }

    fn analyze(
        &self,
        tree: Option<Tree>,
        path: &str,
        raw: &str,
        settings: &Settings,
        report: &mut FileReport,
    ) {
        let index = LineIndex::new(self.text);
        if let Some(tree) = &tree
            && let Some(error) = first_error(tree)
        {
            report.syntax_errors = true;
            report.warnings.push(Warning {
                path: path.to_string(),
                message: format!(
                    "syntax error at {}; the rest of the file was analysed as far as it parses",
                    self.describe(&index, error.start_byte())
                ),
            });
        }
        if settings.mode == Mode::ParseOnly {
            return;
        }
        let mut raw_findings = Vec::new();
        let comments = match (&tree, self.grammar) {
            (Some(tree), Some(grammar)) => {
                self.run_detectors(tree, grammar, path, settings, &mut raw_findings)
            }
            _ => suppress::text_comments(self.text),
        };
        let suppressions = self.suppressions(&comments, &index, &mut raw_findings, settings);
        // Ranges shown nowhere: reported secrets and credential-looking
        // values in documentation alike.
        let mut secrets: Vec<std::ops::Range<usize>> = Vec::new();
        if raw.len() as u64 <= settings.config.limits.max_secrets_file_bytes {
            self.find_secrets(
                path,
                settings,
                tree.as_ref(),
                &mut raw_findings,
                &mut secrets,
            );
        }
        // A credential a detector found in code is shown nowhere either;
        // when the secrets scan reports the same bytes, that finding stands
        // for both.
        let reported: Vec<std::ops::Range<usize>> = raw_findings
            .iter()
            .filter(|f| f.secret.is_some())
            .map(|f| f.range.clone())
            .collect();
        // In documentation and examples they are illustrations, as the
        // secrets scan's name-based credentials are there: redacted only.
        let documentation = self.profile.documentation;
        secrets.extend(
            raw_findings
                .iter()
                .filter_map(|f| f.violation.secret.clone()),
        );
        raw_findings.retain(|f| {
            f.violation.secret.as_ref().is_none_or(|r| {
                !documentation && !reported.iter().any(|s| s.start < r.end && r.start < s.end)
            })
        });
        for raw_finding in raw_findings {
            report.findings.push(self.finish(
                path,
                raw,
                &index,
                raw_finding,
                &suppressions,
                &secrets,
            ));
        }
    }

    /// `line 3:5`, or `cell 2 line 3:5` in a notebook.
    fn describe(&self, index: &LineIndex, offset: usize) -> String {
        let (line, col) = index.position(self.text, offset);
        match self.notebook {
            Some(nb) => {
                let (cell, cell_line) = nb.origin(index.line_of(offset));
                format!("cell {} line {}:{col}", cell + 1, cell_line + 1)
            }
            None => format!("line {line}:{col}"),
        }
    }

    fn find_secrets(
        &self,
        path: &str,
        settings: &Settings,
        tree: Option<&Tree>,
        raw_findings: &mut Vec<RawFinding>,
        masked: &mut Vec<std::ops::Range<usize>>,
    ) {
        let registry = registry();
        let wants = |spec: &'static crate::detectors::DetectorSpec| {
            registry
                .index_of(spec)
                .is_some_and(|i| settings.wants(registry.detector(i)))
        };
        let mut lazy_tree: Option<Tree> = None;
        for hit in secrets::scan(self.text, path, self.profile, &wants) {
            let Some(detector) = registry.index_of(hit.detector) else {
                continue;
            };
            masked.push(hit.range.clone());
            // Credentials recognised by their names inside documentation in
            // code -- docstrings, doc comments, multi-line text templates --
            // are examples (`password: "secret"` in an EXAMPLES block).
            if hit.in_documentation {
                continue;
            }
            if hit.generic {
                if tree.is_none() && lazy_tree.is_none() {
                    lazy_tree = self.lazy_grammar.and_then(|grammar| {
                        match parse(grammar, self.text, settings.parse_budget()) {
                            ParseOutcome::Parsed(tree) => {
                                settings.check_depth(&tree).is_ok().then_some(tree)
                            }
                            ParseOutcome::TimedOut => None,
                        }
                    });
                }
                let context = tree.or(lazy_tree.as_ref());
                if context
                    .is_some_and(|t| in_embedded_documentation(t, self.text, hit.range.clone()))
                {
                    continue;
                }
            }
            raw_findings.push(RawFinding {
                detector,
                range: hit.range,
                violation: Violation::new("value", hit.message),
                scope: String::new(),
                code: String::new(),
                secret: Some(hit.value),
                flow: Vec::new(),
                source: None,
            });
        }
    }

    /// Parses suppression comments (byte ranges of comments); malformed
    /// ones become findings.
    fn suppressions(
        &self,
        comments: &[std::ops::Range<usize>],
        index: &LineIndex,
        raw_findings: &mut Vec<RawFinding>,
        settings: &Settings,
    ) -> Vec<Suppression> {
        let registry = registry();
        let invalid = registry.index_of(&meta::INVALID_SUPPRESSION);
        // Lines holding nothing but comments.
        let mut comment_lines = std::collections::HashSet::new();
        for comment in comments {
            let first = index.line_of(comment.start);
            let last = index.line_of(comment.end.saturating_sub(1).max(comment.start));
            let before = &self.text[index.line_start(first)..comment.start];
            let line_end = index.line_start(last) + index.line_text(self.text, last).len();
            let after = self.text.get(comment.end..line_end).unwrap_or("");
            if before.trim().is_empty() && after.trim().is_empty() {
                comment_lines.extend(first..=last);
            }
        }
        let comment_only = |line: usize| comment_lines.contains(&line);
        let mut out = Vec::new();
        for comment in comments {
            let body = &self.text[comment.clone()];
            match suppress::parse_comment(body) {
                Parsed::None => {}
                Parsed::Valid { ids, reason } => out.push(Suppression {
                    comment_line: index.line_of(comment.start),
                    target_line: suppress::target_line(
                        self.text,
                        comment.start,
                        comment.end,
                        index,
                        &comment_only,
                    ),
                    ids,
                    reason,
                }),
                Parsed::Invalid(message) => {
                    if let Some(detector) =
                        invalid.filter(|&i| settings.wants(registry.detector(i)))
                    {
                        raw_findings.push(RawFinding {
                            detector,
                            range: comment.clone(),
                            violation: Violation::new("malformed", message),
                            scope: String::new(),
                            code: fold_whitespace(body),
                            secret: None,
                            flow: Vec::new(),
                            source: None,
                        });
                    }
                }
            }
        }
        out
    }
}

/// Whether a byte range lies inside text that documents rather than runs:
/// a string or comment spanning several lines, or a Python docstring.
fn in_embedded_documentation(tree: &Tree, text: &str, range: std::ops::Range<usize>) -> bool {
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end);
    while let Some(n) = node {
        let kind = n.kind();
        if kind.contains("string")
            || kind.contains("template")
            || kind.contains("heredoc")
            || kind.contains("comment")
        {
            let multi_line = text[n.byte_range()].contains('\n');
            let docstring = n
                .parent()
                .is_some_and(|p| p.kind() == "expression_statement" && p.named_child_count() == 1);
            if multi_line || docstring {
                return true;
            }
        }
        node = n.parent();
    }
    false
}

/// The first syntax error of a tree (an ERROR or MISSING node), found by
/// descending only into subtrees that contain one.
fn first_error(tree: &Tree) -> Option<Node<'_>> {
    let mut node = tree.root_node();
    if !node.has_error() {
        return None;
    }
    'descend: loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'descend;
            }
        }
        return Some(node);
    }
}
