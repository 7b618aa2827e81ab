//! Renders an argus [`ScanReport`] for people and for other tools.
//!
//! - [`sarif`]: SARIF 2.1.0 as GitHub code scanning reads it;
//! - [`gitlab`]: a GitLab SAST report;
//! - [`json`]: findings in the CodeGuru Security API's `Finding` shape, so
//!   local and service results compare one to one;
//! - [`text`]: grouped by severity with snippets and fixes, for a terminal.
//!
//! Renderers only format: they never read files or decide what is a
//! finding. Findings the user accepted through a baseline are not
//! rendered; suppressed ones are, marked as such, where the format can say
//! so (SARIF, JSON, text).

pub mod gitlab;
pub mod json;
pub mod sarif;
pub mod text;
mod time;

use std::fmt;
use std::str::FromStr;

use argus_model::{Finding, ParseEnumError, ScanReport};

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Gitlab,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Gitlab];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Gitlab => "gitlab",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseEnumError {
                what: "format",
                value: s.to_string(),
                expected: "text, json, sarif, gitlab",
            })
    }
}

/// Renders `report` in a machine format (text has its own options).
pub fn render(report: &ScanReport, format: Format, text_options: &text::TextOptions) -> String {
    match format {
        Format::Text => text::render(report, text_options),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}

/// The findings a report shows: everything but what a baseline accepted.
pub(crate) fn shown(report: &ScanReport) -> impl Iterator<Item = &Finding> {
    report.findings.iter().filter(|f| !f.baselined)
}

/// The findings that count: shown and not suppressed.
pub(crate) fn active(report: &ScanReport) -> impl Iterator<Item = &Finding> {
    report.findings.iter().filter(|f| f.is_active())
}

/// The score GitHub reads from `security-severity` (0.0–10.0; it buckets
/// >= 9.0 critical, >= 7.0 high, >= 4.0 medium, else low).
pub fn security_severity(severity: argus_model::Severity) -> &'static str {
    match severity {
        argus_model::Severity::Critical => "9.5",
        argus_model::Severity::High => "8.0",
        argus_model::Severity::Medium => "5.5",
        argus_model::Severity::Low => "3.0",
        argus_model::Severity::Info => "0.0",
    }
}
