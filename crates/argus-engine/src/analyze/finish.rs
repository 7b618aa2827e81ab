//! From a raw finding (a detector, a byte range, a violation) to a reported
//! one: positions (cell and line for notebooks), a snippet with every
//! secret of the file redacted, a fingerprint, rendered fixes and the
//! matching suppression.

use std::ops::Range;

use argus_model::{Finding, FlowStep, Location, SnippetLine, Suppression as ModelSuppression};

use super::Unit;
use crate::dataflow::Step;
use crate::detectors::{RawFinding, registry};
use crate::fingerprint::{FingerprintInput, fingerprint, secret_digest};
use crate::fix;
use crate::secrets::redact::redact_line;
use crate::suppress::Suppression;
use crate::text::LineIndex;

/// Lines of context shown before and after the flagged lines.
const SNIPPET_CONTEXT: usize = 2;
/// Longest snippet line kept, in characters.
const SNIPPET_LINE_CHARS: usize = 400;
/// Most lines a snippet shows.
const SNIPPET_MAX_LINES: usize = 12;

impl Unit<'_> {
    pub(super) fn finish(
        &self,
        path: &str,
        raw: &str,
        index: &LineIndex,
        raw_finding: RawFinding,
        suppressions: &[Suppression],
        secrets: &[Range<usize>],
    ) -> Finding {
        let detector = registry().detector(raw_finding.detector);
        let start = raw_finding.range.start;
        // An end offset right after a newline belongs to the previous line.
        let end = raw_finding.range.end.max(start + 1).min(self.text.len()) - 1;
        let first_line = index.line_of(start);
        let last_line = index.line_of(end);
        let location = self.location(path, index, raw_finding.range.clone());
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
        // A secret is identified by its value (through a keyed digest), not
        // by where it is: moving it does not make it new.
        let digest;
        let (scope, code, extra) = match &raw_finding.secret {
            Some(value) => {
                digest = secret_digest(value);
                ("", "", digest.as_str())
            }
            None => (
                raw_finding.scope.as_str(),
                raw_finding.code.as_str(),
                raw_finding.source.as_deref().unwrap_or(""),
            ),
        };
        let flow = raw_finding
            .flow
            .iter()
            .map(|step| match step {
                Step::Here(range, message) => FlowStep {
                    location: self.location(path, index, range.clone()),
                    message: message.clone(),
                },
                Step::There(located) => FlowStep {
                    location: located.location.clone(),
                    message: located.message.clone(),
                },
            })
            .collect();
        let fingerprint = fingerprint(FingerprintInput {
            detector: argus_model::unversioned(detector.id),
            scope,
            code,
            extra,
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
            snippet: self.snippet(index, first_line, last_line, secrets),
            fingerprint,
            occurrence: 0,
            fixes,
            flow,
            suppression,
            baselined: false,
        }
    }

    /// Where a byte range of the analysed text is, in the scanned file's
    /// coordinates (cell and line for notebooks).
    fn location(&self, path: &str, index: &LineIndex, range: Range<usize>) -> Location {
        let start = range.start.min(self.text.len());
        let end = range.end.max(start + 1).min(self.text.len()).max(1) - 1;
        let location = index.location(path, self.text, start..range.end.min(self.text.len()));
        match self.notebook {
            // Lines count within the cell.
            Some(nb) => {
                let (cell, line) = nb.origin(index.line_of(start));
                let (_, last) = nb.origin(index.line_of(end));
                Location {
                    start_line: line + 1,
                    end_line: last + 1,
                    cell: Some(cell),
                    ..location
                }
            }
            None => location,
        }
    }

    fn snippet(
        &self,
        index: &LineIndex,
        first: usize,
        last: usize,
        secrets: &[Range<usize>],
    ) -> Vec<SnippetLine> {
        let from = first.saturating_sub(SNIPPET_CONTEXT);
        // The empty "line" after a final newline is not part of the file.
        let last_line = index.line_count()
            - 1
            - usize::from(self.text.ends_with('\n') && index.line_count() > 1);
        let to = (last + SNIPPET_CONTEXT)
            .min(last_line)
            .min(first + SNIPPET_MAX_LINES);
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
            let line_start = index.line_start(line);
            let text = index.line_text(self.text, line);
            let line_end = line_start + text.len();
            let on_line: Vec<(Range<usize>, bool)> = secrets
                .iter()
                .filter(|s| s.start < line_end && line_start < s.end)
                .map(|s| {
                    let whole = s.start >= line_start && s.end <= line_end;
                    (
                        s.start.max(line_start) - line_start..s.end.min(line_end) - line_start,
                        whole,
                    )
                })
                .collect();
            let content = if on_line.is_empty() {
                text.to_string()
            } else {
                redact_line(text, &on_line)
            };
            let content: String = if content.chars().count() > SNIPPET_LINE_CHARS {
                content
                    .chars()
                    .take(SNIPPET_LINE_CHARS)
                    .chain("…".chars())
                    .collect()
            } else {
                content
            };
            lines.push(SnippetLine { number, content });
        }
        lines
    }
}
