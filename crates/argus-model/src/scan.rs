use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DetectorInfo, Finding, ParseEnumError, Severity};

/// `Security` runs security detectors and secrets detection; `All` adds the
/// quality detectors (Info findings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum AnalysisType {
    #[default]
    Security,
    All,
}

impl AnalysisType {
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisType::Security => "Security",
            AnalysisType::All => "All",
        }
    }
}

impl fmt::Display for AnalysisType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AnalysisType {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "security" => Ok(AnalysisType::Security),
            "all" => Ok(AnalysisType::All),
            _ => Err(ParseEnumError {
                what: "analysis type",
                value: s.to_string(),
                expected: "Security, All",
            }),
        }
    }
}

/// Why a file was not analysed. Every skipped file carries one, so nothing
/// is lost silently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SkipReason {
    /// No detector and no secrets rule applies to this file type.
    Unsupported,
    /// Matched an exclude glob (`--exclude` or `argus.toml`).
    Excluded { pattern: String },
    /// Not matched by any `include` glob of `argus.toml`.
    NotIncluded,
    /// Test code (`tests/`, `test_*.py`, `*Test.java`, ...).
    TestCode,
    /// Third-party code (`node_modules/`, `vendor/`, virtualenvs, ...).
    ThirdParty { marker: String },
    /// A minified bundle.
    Minified,
    /// Generated code (`DO NOT EDIT` headers, `*_pb2.py`, ...).
    Generated { marker: String },
    /// Larger than the per-file limit.
    TooLarge { size: u64, limit: u64 },
    /// The language's source quota for one scan is used up.
    QuotaExceeded { language: String, limit: u64 },
    /// Binary content.
    Binary,
    /// Could not be read.
    Unreadable { error: String },
    /// A notebook whose kernel is not a supported language, or a malformed one.
    Notebook { reason: String },
    /// An archive entry refused by the defensive unzip.
    ArchiveEntry { reason: String },
    /// Parsing or analysis exceeded its time budget.
    Timeout { seconds: u64 },
    /// The syntax tree is nested deeper than the analysis follows.
    TooDeep { limit: u64 },
}

impl SkipReason {
    /// A short stable key for counting (`test-code`, `third-party`, ...).
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::Unsupported => "unsupported",
            SkipReason::Excluded { .. } => "excluded",
            SkipReason::NotIncluded => "not-included",
            SkipReason::TestCode => "test-code",
            SkipReason::ThirdParty { .. } => "third-party",
            SkipReason::Minified => "minified",
            SkipReason::Generated { .. } => "generated",
            SkipReason::TooLarge { .. } => "too-large",
            SkipReason::QuotaExceeded { .. } => "quota-exceeded",
            SkipReason::Binary => "binary",
            SkipReason::Unreadable { .. } => "unreadable",
            SkipReason::Notebook { .. } => "notebook",
            SkipReason::ArchiveEntry { .. } => "archive-entry",
            SkipReason::Timeout { .. } => "timeout",
            SkipReason::TooDeep { .. } => "too-deep",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported => f.write_str("unsupported file type"),
            SkipReason::Excluded { pattern } => write!(f, "excluded by '{pattern}'"),
            SkipReason::NotIncluded => f.write_str("not matched by any include pattern"),
            SkipReason::TestCode => f.write_str("test code"),
            SkipReason::ThirdParty { marker } => write!(f, "third-party code ({marker})"),
            SkipReason::Minified => f.write_str("minified code"),
            SkipReason::Generated { marker } => write!(f, "generated code ({marker})"),
            SkipReason::TooLarge { size, limit } => {
                write!(f, "file too large ({size} bytes, limit {limit})")
            }
            SkipReason::QuotaExceeded { language, limit } => {
                write!(f, "{language} source quota of {limit} bytes reached")
            }
            SkipReason::Binary => f.write_str("binary content"),
            SkipReason::Unreadable { error } => write!(f, "unreadable: {error}"),
            SkipReason::Notebook { reason } => write!(f, "notebook: {reason}"),
            SkipReason::ArchiveEntry { reason } => write!(f, "archive entry refused: {reason}"),
            SkipReason::Timeout { seconds } => write!(f, "analysis exceeded {seconds}s"),
            SkipReason::TooDeep { limit } => {
                write!(f, "syntax nested deeper than {limit} levels")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: SkipReason,
}

/// Something the user should know that did not stop the scan (a file with
/// syntax errors, a bad suppression comment in config, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

/// Totals of one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanSummary {
    pub files_scanned: u64,
    pub lines_scanned: u64,
    pub bytes_scanned: u64,
    /// Files with syntax errors (analysed on the partial tree).
    pub files_with_syntax_errors: u64,
    /// Skipped files by [`SkipReason::key`].
    pub skipped: BTreeMap<String, u64>,
    /// Active findings (not suppressed, not baselined) per severity.
    pub findings: BTreeMap<Severity, u64>,
    pub suppressed: u64,
    pub baselined: u64,
    pub duration_ms: u64,
}

impl ScanSummary {
    /// Recounts the finding totals (after suppression or a baseline changed).
    pub fn count_findings(&mut self, findings: &[Finding]) {
        self.findings.clear();
        self.suppressed = 0;
        self.baselined = 0;
        for finding in findings {
            if finding.suppression.is_some() {
                self.suppressed += 1;
            } else if finding.baselined {
                self.baselined += 1;
            } else {
                *self.findings.entry(finding.severity).or_default() += 1;
            }
        }
    }

    pub fn active_findings(&self) -> u64 {
        self.findings.values().sum()
    }

    pub fn skipped_files(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// The outcome of one scan: what every renderer consumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanReport {
    pub tool_version: String,
    /// A name for what was scanned (directory or archive name).
    pub scan_name: String,
    /// Absolute path of the scan root, when it is a real directory.
    pub root: Option<String>,
    pub analysis_type: AnalysisType,
    /// Unix seconds.
    pub started_at: f64,
    pub finished_at: f64,
    /// Sorted by path, then position, then detector.
    pub findings: Vec<Finding>,
    /// Metadata of every detector that ran, sorted by id.
    pub detectors: Vec<DetectorInfo>,
    pub skipped: Vec<SkippedFile>,
    pub warnings: Vec<Warning>,
    pub summary: ScanSummary,
}

impl ScanReport {
    pub fn detector(&self, id: &str) -> Option<&DetectorInfo> {
        self.detectors
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.detectors[i])
    }

    /// The most severe active finding, if any.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.is_active())
            .map(|f| f.severity)
            .max()
    }
}
