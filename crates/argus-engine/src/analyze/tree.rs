//! The one walk of a file's tree: feed the semantic model, collect
//! comments, queue the nodes detectors asked for; then run the detectors.

use std::ops::Range;
use std::sync::OnceLock;

use argus_model::Language;
use tree_sitter::{Node, Tree};

use super::{Settings, Unit};
use crate::dataflow::python::FileContext;
use crate::dataflow::{self, ActiveSpec, Options, TaintFinding};
use crate::detectors::{Check, Checker, RawFinding, Violation, registry};
use crate::fingerprint::normalized_code;
use crate::lang::{Grammar, enclosing_scopes};
use crate::semantic::SemanticModel;
use crate::suppress;

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
    /// Runs the node detectors; returns the byte ranges of the comments
    /// (for suppressions).
    pub(super) fn run_detectors(
        &self,
        tree: &Tree,
        grammar: Grammar,
        path: &str,
        settings: &Settings,
        raw_findings: &mut Vec<RawFinding>,
    ) -> Vec<Range<usize>> {
        let registry = registry();
        let active = registry.active(self.language, self.text, &|d| settings.wants(d));
        // Taint detectors run on every Python file whatever its words: a
        // call into another module may reach a sink there.
        // JavaScript, TypeScript and Java files are analysed alone, so their
        // taint detectors obey the keyword prefilter like the others.
        let specs: Vec<ActiveSpec> = match grammar {
            Grammar::Python => taint_specs(Language::Python, settings),
            Grammar::Java => taint_specs(Language::Java, settings)
                .into_iter()
                .filter(|s| active[s.detector])
                .collect(),
            Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => {
                let language = self.language.unwrap_or(Language::JavaScript);
                taint_specs(language, settings)
                    .into_iter()
                    .filter(|s| active[s.detector])
                    .collect()
            }
            _ => Vec::new(),
        };
        // When the prefilter leaves no detector able to fire and no
        // suppression comment exists, the walk has nothing to do.
        let any_node_check = !specs.is_empty()
            || active
                .iter()
                .enumerate()
                .any(|(i, &on)| on && registry.detector(i).spec.check.node_check().is_some());
        let has_suppression =
            memchr::memmem::find(self.text.as_bytes(), suppress::MARKER.as_bytes()).is_some();
        if !any_node_check && !has_suppression {
            return Vec::new();
        }
        let table = registry.dispatch_table(grammar);
        let flags = kind_flags(grammar);
        let mut semantic = SemanticModel::new(grammar);
        let mut comments: Vec<Range<usize>> = Vec::new();
        let mut pending: Vec<(Node<'_>, u16)> = Vec::new();

        let mut cursor = tree.walk();
        'walk: loop {
            if crate::budget::exceeded() {
                break;
            }
            let node = cursor.node();
            let kind = node.kind_id() as usize;
            if flags.observed.get(kind).copied().unwrap_or(false) {
                semantic.observe(node, self.text);
            }
            if flags.comment.get(kind).copied().unwrap_or(false) {
                comments.push(node.byte_range());
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

        let mut checker = Checker::new(self.text, grammar, &semantic);
        for (node, detector) in pending {
            if crate::budget::exceeded() {
                break;
            }
            if let Some((_, run)) = registry.detector(detector as usize).spec.check.node_check() {
                checker.current = detector as usize;
                run(node, &mut checker);
            }
        }
        raw_findings.append(&mut checker.findings);

        if !specs.is_empty() {
            let options = Options {
                local_threats: settings.config.local_threats,
                rules: &settings.rules,
            };
            let file = FileContext {
                path,
                project: settings.project.as_deref(),
            };
            let found = match grammar {
                Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => {
                    dataflow::javascript::analyze(
                        tree.root_node(),
                        self.text,
                        &semantic,
                        &specs,
                        options,
                    )
                }
                Grammar::Java => {
                    dataflow::java::analyze(tree.root_node(), self.text, &semantic, &specs, options)
                }
                _ => dataflow::python::analyze(
                    tree.root_node(),
                    self.text,
                    &semantic,
                    &specs,
                    options,
                    file,
                ),
            };
            raw_findings.extend(
                found
                    .into_iter()
                    .map(|f| taint_finding(f, grammar, tree, self.text)),
            );
        }
        comments
    }
}

/// The taint detectors of a language that the scan wants (at most 64, the
/// width of the engine's masks).
pub(crate) fn taint_specs(language: Language, settings: &Settings) -> Vec<ActiveSpec> {
    registry()
        .all()
        .iter()
        .enumerate()
        .filter(|(_, d)| d.language == Some(language) && settings.wants(d))
        .filter_map(|(i, d)| match d.spec.check {
            Check::Taint { spec, .. } => Some(ActiveSpec { detector: i, spec }),
            _ => None,
        })
        .take(64)
        .collect()
}

/// A taint finding as the framework reports it: the sink is the flagged
/// code; the source joins the fingerprint, so another input reaching the
/// same call is another finding.
fn taint_finding(found: TaintFinding, grammar: Grammar, tree: &Tree, text: &str) -> RawFinding {
    let node = tree
        .root_node()
        .descendant_for_byte_range(found.range.start, found.range.end)
        .unwrap_or_else(|| tree.root_node());
    let mut violation = Violation::new(found.rule, found.message);
    violation.fixes = found.fixes;
    RawFinding {
        detector: found.detector,
        range: found.range,
        violation,
        scope: enclosing_scopes(grammar, node, text),
        code: normalized_code(grammar, node, text),
        secret: None,
        flow: found.path,
        source: Some(found.source),
    }
}
