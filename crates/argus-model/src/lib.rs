//! Plain data shared by every argus crate.
//!
//! This crate holds the vocabulary of the product — severities, languages,
//! detector metadata, findings, fixes, and the result of a scan — as plain
//! serde-friendly values. It does no I/O and knows nothing about parsing,
//! reports or storage; every other crate depends on it and it depends on none.

mod detector;
mod finding;
mod language;
mod scan;
mod severity;

pub use detector::{Category, DetectorDoc, DetectorInfo, cwe_url, unversioned};
pub use finding::{
    Finding, FlowStep, Location, Replacement, SnippetLine, SuggestedFix, Suppression,
};
pub use language::Language;
pub use scan::{AnalysisType, ScanReport, ScanSummary, SkipReason, SkippedFile, Warning};
pub use severity::{Access, Effort, ParseEnumError, Severity};
