use serde::{Deserialize, Serialize};

use crate::{Category, Severity};

/// A span of source. Lines and columns are 1-based; columns count Unicode
/// scalar values. For a notebook, `cell` is the 0-based index of the code
/// cell in the notebook and the lines count within that cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Path relative to the scan root, with `/` separators.
    pub path: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<u32>,
}

impl Location {
    /// `path:line:col`, or `path[cell 3]:line:col` for a notebook.
    pub fn display(&self) -> String {
        match self.cell {
            Some(cell) => format!(
                "{} [cell {}]:{}:{}",
                self.path,
                cell + 1,
                self.start_line,
                self.start_column
            ),
            None => format!("{}:{}:{}", self.path, self.start_line, self.start_column),
        }
    }
}

/// One line of code shown with a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetLine {
    pub number: u32,
    pub content: String,
}

/// Replace the text between two positions (1-based lines, columns in
/// Unicode scalar values, end exclusive) of the finding's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub text: String,
}

/// A suggested code change that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedFix {
    pub description: String,
    /// A unified diff against the scanned file (`a/<path>` / `b/<path>`)
    /// that `git apply` accepts from the scan root.
    pub diff: String,
    /// The same change as replacements, for SARIF and editors. Positions are
    /// in the scanned file's own coordinates (for a notebook, the raw
    /// `.ipynb` text), so they can be applied without knowing about cells.
    pub replacements: Vec<Replacement>,
}

/// One hop of a taint path: source, intermediate steps, sink.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowStep {
    pub location: Location,
    pub message: String,
}

/// Why a finding was suppressed in source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The justification written after `argus-ignore[...]:`.
    pub reason: String,
    /// Where the suppression comment is.
    pub line: u32,
}

/// A weakness found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Unique within a scan: the fingerprint plus the occurrence index.
    pub id: String,
    pub detector_id: String,
    pub detector_name: String,
    /// The specific rule inside the detector that fired (e.g. `md5`).
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    /// What was found here, in one sentence.
    pub message: String,
    pub location: Location,
    /// The flagged lines with a little context. Secrets are redacted.
    pub snippet: Vec<SnippetLine>,
    /// Stable identity across revisions (see DESIGN: fingerprints).
    pub fingerprint: String,
    /// 0 for the first finding with this fingerprint in the scan, 1 for the
    /// second identical one, and so on.
    pub occurrence: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<SuggestedFix>,
    /// Source -> hops -> sink for taint findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<FlowStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// Present in the baseline given with `--baseline`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baselined: bool,
}

impl Finding {
    /// Counts towards exit codes and totals: neither suppressed nor baselined.
    pub fn is_active(&self) -> bool {
        self.suppression.is_none() && !self.baselined
    }
}
