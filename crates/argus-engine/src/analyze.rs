//! One file in, findings out: parse once, walk once, run the active
//! detectors, then turn their raw findings into reported ones (positions,
//! snippets, fingerprints, diffs, suppressions).
//!
//! A file with syntax errors is analysed on the partial tree tree-sitter
//! recovers, with a warning; nothing here aborts a scan.

use std::sync::OnceLock;
use std::time::Duration;

use argus_model::{
    AnalysisType, Category, Finding, Language, Location, SkipReason, SnippetLine,
    Suppression as ModelSuppression, Warning,
};
use tree_sitter::{Node, Tree};

use crate::config::ScanConfig;
use crate::detectors::{Check, Checker, Detector, RawFinding, Violation, meta, registry};
use crate::discover::{FileKind, content};
use crate::fingerprint::{FingerprintInput, fingerprint, normalized_code};
use crate::fix;
use crate::lang::notebook::Notebook;
use crate::lang::{Grammar, ParseOutcome, cloudformation, enclosing_scopes, parse};
use crate::semantic::SemanticModel;
use crate::suppress::{self, Parsed, Suppression};
use crate::text::LineIndex;

/// Lines of context shown before and after the flagged lines.
const SNIPPET_CONTEXT: usize = 2;
/// Longest snippet line kept, in characters.
const SNIPPET_LINE_CHARS: usize = 400;

/// What the analysis of a file needs to know about the scan.
#[derive(Debug, Clone)]
pub struct Settings {
    pub analysis_type: AnalysisType,
    pub config: ScanConfig,
    /// Parse every file and stop there (a benchmark baseline).
    pub parse_only: bool,
}

impl Settings {
    fn parse_budget(&self) -> Duration {
        Duration::from_secs(self.config.limits.parse_timeout_seconds.max(1))
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

/// Analyses the text of one file.
pub fn analyze_text(path: &str, kind: FileKind, raw: &str, settings: &Settings) -> FileOutcome {
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
    let unit = match kind {
        FileKind::Source(language, grammar) => Unit {
            grammar,
            language,
            text: analysed,
            notebook: None,
        },
        FileKind::Notebook => match Notebook::parse(analysed) {
            Ok(notebook) => {
                let outcome = analyze_notebook(path, raw, &notebook, settings, report);
                return outcome;
            }
            Err(reason) => return FileOutcome::Skipped(SkipReason::Notebook { reason }),
        },
        FileKind::Data(grammar) => {
            if !may_be_template(analysed) {
                return FileOutcome::Analysed(report);
            }
            let tree = match parse(grammar, analysed, settings.parse_budget()) {
                ParseOutcome::Parsed(tree) => tree,
                ParseOutcome::TimedOut => return timed_out(settings),
            };
            if !cloudformation::is_template(&tree, analysed) {
                return FileOutcome::Analysed(report);
            }
            let unit = Unit {
                grammar,
                language: Language::CloudFormation,
                text: analysed,
                notebook: None,
            };
            return match unit.run_on(tree, path, raw, settings, &mut report) {
                Ok(()) => FileOutcome::Analysed(report),
                Err(reason) => FileOutcome::Skipped(reason),
            };
        }
        FileKind::Text => return FileOutcome::Analysed(report),
    };
    match unit.run(path, raw, settings, &mut report) {
        Ok(()) => FileOutcome::Analysed(report),
        Err(reason) => FileOutcome::Skipped(reason),
    }
}

fn analyze_notebook(
    path: &str,
    raw: &str,
    notebook: &Notebook,
    settings: &Settings,
    mut report: FileReport,
) -> FileOutcome {
    let unit = Unit {
        grammar: Grammar::Python,
        language: Language::Python,
        text: &notebook.text,
        notebook: Some(notebook),
    };
    match unit.run(path, raw, settings, &mut report) {
        Ok(()) => FileOutcome::Analysed(report),
        Err(reason) => FileOutcome::Skipped(reason),
    }
}

fn timed_out(settings: &Settings) -> FileOutcome {
    FileOutcome::Skipped(SkipReason::Timeout {
        seconds: settings.config.limits.parse_timeout_seconds,
    })
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

/// YAML/JSON worth parsing as a possible CloudFormation template.
fn may_be_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion") || text.contains("Resources")
}

/// The text a grammar parses: a file, or the code cells of a notebook.
struct Unit<'a> {
    grammar: Grammar,
    language: Language,
    text: &'a str,
    notebook: Option<&'a Notebook>,
}

/// Per-grammar flags by node kind id: observed by the semantic model,
/// comments.
struct KindFlags {
    observed: Vec<bool>,
    comment: Vec<bool>,
}

fn kind_flags(grammar: Grammar) -> &'static KindFlags {
    static FLAGS: OnceLock<Vec<KindFlags>> = OnceLock::new();
    let all = FLAGS.get_or_init(|| {
        Grammar::ALL
            .iter()
            .map(|&g| {
                let language = g.ts_language();
                let observed_kinds = SemanticModel::observed_kinds(g);
                let names: Vec<Option<&str>> = (0..language.node_kind_count() as u16)
                    .map(|id| language.node_kind_for_id(id))
                    .collect();
                KindFlags {
                    observed: names
                        .iter()
                        .map(|n| n.is_some_and(|n| observed_kinds.contains(&n)))
                        .collect(),
                    comment: names
                        .iter()
                        .map(|n| n.is_some_and(|n| g.is_comment(n)))
                        .collect(),
                }
            })
            .collect()
    });
    &all[grammar.index()]
}

impl Unit<'_> {
    fn run(
        &self,
        path: &str,
        raw: &str,
        settings: &Settings,
        report: &mut FileReport,
    ) -> Result<(), SkipReason> {
        let tree = match parse(self.grammar, self.text, settings.parse_budget()) {
            ParseOutcome::Parsed(tree) => tree,
            ParseOutcome::TimedOut => {
                return Err(SkipReason::Timeout {
                    seconds: settings.config.limits.parse_timeout_seconds,
                });
            }
        };
        self.run_on(tree, path, raw, settings, report)
    }

    fn run_on(
        &self,
        tree: Tree,
        path: &str,
        raw: &str,
        settings: &Settings,
        report: &mut FileReport,
    ) -> Result<(), SkipReason> {
        if settings.parse_only {
            report.syntax_errors = tree.root_node().has_error();
            return Ok(());
        }
        let index = LineIndex::new(self.text);
        if let Some(error) = first_error(&tree) {
            report.syntax_errors = true;
            let (line, col) = index.position(self.text, error.start_byte());
            let place = self.describe_position(&index, error.start_byte(), line, col);
            report.warnings.push(Warning {
                path: path.to_string(),
                message: format!(
                    "syntax error at {place}; the rest of the file was analysed as far as it parses"
                ),
            });
        }
        let registry = registry();
        let active = registry.active(Some(self.language), self.text, &|d| settings.wants(d));
        // When the prefilter leaves no detector able to fire and no
        // suppression comment can be malformed, the walk has nothing to do.
        let any_node_check = active
            .iter()
            .enumerate()
            .any(|(i, &on)| on && matches!(registry.detector(i).spec.check, Check::Node { .. }));
        if !any_node_check
            && memchr::memmem::find(self.text.as_bytes(), suppress::MARKER.as_bytes()).is_none()
        {
            return Ok(());
        }
        let table = registry.dispatch_table(self.grammar);
        let flags = kind_flags(self.grammar);
        let mut semantic = SemanticModel::new(self.grammar);
        let mut comments: Vec<Node<'_>> = Vec::new();
        let mut pending: Vec<(Node<'_>, u16)> = Vec::new();

        // The one walk: feed the semantic model, collect comments, queue the
        // nodes detectors asked for.
        let mut cursor = tree.walk();
        'walk: loop {
            let node = cursor.node();
            let kind = node.kind_id() as usize;
            if flags.observed.get(kind).copied().unwrap_or(false) {
                semantic.observe(node, self.text);
            }
            if flags.comment.get(kind).copied().unwrap_or(false) {
                comments.push(node);
            }
            if let Some(detectors) = table.get(kind) {
                pending.extend(
                    detectors
                        .iter()
                        .filter(|&&d| active[d as usize])
                        .map(|&d| (node, d)),
                );
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }

        let mut checker = Checker::new(self.text, self.grammar, &semantic);
        for (node, detector) in pending {
            if let Check::Node { run, .. } = registry.detector(detector as usize).spec.check {
                checker.current = detector as usize;
                run(node, &mut checker);
            }
        }
        let mut raw_findings = std::mem::take(&mut checker.findings);

        let suppressions = self.suppressions(&comments, &index, &mut raw_findings, settings);

        for raw_finding in raw_findings {
            report
                .findings
                .push(self.finding(path, raw, &index, raw_finding, &suppressions));
        }
        Ok(())
    }

    fn describe_position(&self, index: &LineIndex, offset: usize, line: u32, col: u32) -> String {
        match self.notebook {
            Some(nb) => {
                let (cell, cell_line) = nb.origin(index.line_of(offset));
                format!("cell {} line {}:{col}", cell + 1, cell_line + 1)
            }
            None => format!("line {line}:{col}"),
        }
    }

    /// Parses suppression comments; malformed ones become findings.
    fn suppressions(
        &self,
        comments: &[Node<'_>],
        index: &LineIndex,
        raw_findings: &mut Vec<RawFinding>,
        settings: &Settings,
    ) -> Vec<Suppression> {
        let mut out = Vec::new();
        let invalid = registry()
            .find(meta::INVALID_SUPPRESSION.ids[0])
            .map(|(i, _)| i);
        // Lines holding nothing but comments.
        let mut comment_lines = std::collections::HashSet::new();
        for comment in comments {
            let first = index.line_of(comment.start_byte());
            let last = index.line_of(
                comment
                    .end_byte()
                    .saturating_sub(1)
                    .max(comment.start_byte()),
            );
            let before = &self.text[index.line_start(first)..comment.start_byte()];
            let line_end = index.line_start(last) + index.line_text(self.text, last).len();
            let after = self.text.get(comment.end_byte()..line_end).unwrap_or("");
            if before.trim().is_empty() && after.trim().is_empty() {
                comment_lines.extend(first..=last);
            }
        }
        let comment_only = |line: usize| comment_lines.contains(&line);
        for comment in comments {
            let body = &self.text[comment.byte_range()];
            match suppress::parse_comment(body) {
                Parsed::None => {}
                Parsed::Valid { ids, reason } => out.push(Suppression {
                    comment_line: index.line_of(comment.start_byte()),
                    target_line: suppress::target_line(
                        self.text,
                        comment.start_byte(),
                        comment.end_byte(),
                        index,
                        &comment_only,
                    ),
                    ids,
                    reason,
                }),
                Parsed::Invalid(message) => {
                    if let Some(detector) =
                        invalid.filter(|&i| settings.wants(registry().detector(i)))
                    {
                        raw_findings.push(RawFinding {
                            detector,
                            range: comment.byte_range(),
                            violation: Violation::new("malformed", message),
                            scope: enclosing_scopes(self.grammar, *comment, self.text),
                            code: normalized_code(self.grammar, *comment, self.text),
                        });
                    }
                }
            }
        }
        out
    }

    fn finding(
        &self,
        path: &str,
        raw: &str,
        index: &LineIndex,
        raw_finding: RawFinding,
        suppressions: &[Suppression],
    ) -> Finding {
        let detector = registry().detector(raw_finding.detector);
        let start = raw_finding.range.start;
        // An end offset right after a newline belongs to the previous line.
        let end = raw_finding.range.end.max(start + 1).min(self.text.len()) - 1;
        let (start_line, start_column) = index.position(self.text, start);
        let (end_line, end_column) = index.position(self.text, raw_finding.range.end);
        let first_line = index.line_of(start);
        let last_line = index.line_of(end);
        let location = match self.notebook {
            Some(nb) => {
                let (cell, line) = nb.origin(first_line);
                let (_, last) = nb.origin(last_line);
                Location {
                    path: path.to_string(),
                    start_line: line + 1,
                    start_column,
                    end_line: last + 1,
                    end_column,
                    cell: Some(cell),
                }
            }
            None => Location {
                path: path.to_string(),
                start_line,
                start_column,
                end_line,
                end_column,
                cell: None,
            },
        };
        let suppression = suppressions
            .iter()
            .find(|s| s.covers(detector.id, first_line))
            .map(|s| ModelSuppression {
                reason: s.reason.clone(),
                line: match self.notebook {
                    Some(nb) => nb.origin(s.comment_line).1 + 1,
                    None => s.comment_line as u32 + 1,
                },
            });
        let fixes = raw_finding
            .violation
            .fixes
            .iter()
            .filter_map(|fix| {
                let edits = match self.notebook {
                    Some(nb) => nb.translate_edits(&fix.edits)?,
                    None => fix.edits.clone(),
                };
                fix::render(path, raw, &fix.description, &edits)
            })
            .collect();
        let fingerprint = fingerprint(FingerprintInput {
            detector: argus_model::unversioned(detector.id),
            scope: &raw_finding.scope,
            code: &raw_finding.code,
            extra: "",
        });
        Finding {
            id: String::new(),
            detector_id: detector.id.to_string(),
            detector_name: detector.spec.name.to_string(),
            rule_id: format!(
                "{}:{}",
                argus_model::unversioned(detector.id),
                raw_finding.violation.rule
            ),
            category: detector.spec.category,
            severity: detector.info.severity,
            message: raw_finding.violation.message,
            location,
            snippet: self.snippet(index, first_line, last_line),
            fingerprint,
            occurrence: 0,
            fixes,
            flow: Vec::new(),
            suppression,
            baselined: false,
        }
    }

    fn snippet(&self, index: &LineIndex, first: usize, last: usize) -> Vec<SnippetLine> {
        let from = first.saturating_sub(SNIPPET_CONTEXT);
        // The empty "line" after a final newline is not part of the file.
        let last_line = index.line_count()
            - 1
            - usize::from(self.text.ends_with('\n') && index.line_count() > 1);
        let to = (last + SNIPPET_CONTEXT).min(last_line).min(first + 12);
        let cell = self.notebook.map(|nb| nb.origin(first).0);
        let mut lines: Vec<SnippetLine> = Vec::new();
        for line in from..=to {
            let number = match self.notebook {
                Some(nb) => {
                    let (line_cell, in_cell) = nb.origin(line);
                    // Only lines of the flagged cell; the blank separator
                    // after a cell maps onto its last line and is dropped.
                    if Some(line_cell) != cell
                        || lines.last().is_some_and(|l| l.number == in_cell + 1)
                    {
                        continue;
                    }
                    in_cell + 1
                }
                None => line as u32 + 1,
            };
            let content = index.line_text(self.text, line);
            let content: String = if content.chars().count() > SNIPPET_LINE_CHARS {
                content
                    .chars()
                    .take(SNIPPET_LINE_CHARS)
                    .chain("…".chars())
                    .collect()
            } else {
                content.to_string()
            };
            lines.push(SnippetLine { number, content });
        }
        lines
    }
}
