use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Access, Effort, Language, ParseEnumError, Severity};

/// Whether a detector reports security weaknesses or code quality issues.
/// Quality findings run only with `analysisType All` and never count in
/// security metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Security,
    Quality,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Quality => "quality",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "security" => Ok(Category::Security),
            "quality" | "code-quality" => Ok(Category::Quality),
            _ => Err(ParseEnumError {
                what: "category",
                value: s.to_string(),
                expected: "security, quality",
            }),
        }
    }
}

/// A detector's documentation, split into the fixed sections of its doc
/// comment. The same text feeds `argus detectors show`, SARIF `help` and the
/// console's detector pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectorDoc {
    /// "What it does": one paragraph.
    pub what_it_does: String,
    /// "Why is this bad?": the risk.
    pub why_bad: String,
    /// "Example": non-compliant code (without the fence).
    pub example: String,
    /// "Use instead": compliant code (without the fence).
    pub use_instead: String,
    /// "References": one URL or citation per entry.
    pub references: Vec<String>,
    /// The whole doc comment as Markdown.
    pub markdown: String,
}

impl DetectorDoc {
    /// The URLs of the references (`[text](url)` or bare URLs).
    pub fn reference_urls(&self) -> Vec<String> {
        self.references
            .iter()
            .filter_map(|r| {
                if let Some(start) = r.find("](") {
                    let rest = &r[start + 2..];
                    return rest.find(')').map(|end| rest[..end].to_string());
                }
                r.split_whitespace()
                    .find(|w| w.starts_with("https://") || w.starts_with("http://"))
                    .map(str::to_string)
            })
            .collect()
    }
}

/// Everything a report or the service needs to know about a detector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectorInfo {
    /// `<language>/<kebab-name>@v<major>.<minor>`.
    pub id: String,
    pub name: String,
    /// The language whose files the detector analyses; `None` for detectors
    /// that look at every file (secrets, suppression checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    pub category: Category,
    /// Most specific weakness first.
    pub cwes: Vec<u16>,
    pub tags: Vec<String>,
    pub access: Access,
    pub effort: Effort,
    pub severity: Severity,
    pub remediation: String,
    /// Where the detector's page lives, relative to the docs root
    /// (`detectors/python/insecure-hashing.md`).
    pub doc_path: String,
    pub doc: DetectorDoc,
}

impl DetectorInfo {
    /// The id without its version (`python/insecure-hashing`), which is what
    /// suppressions, configuration and fingerprints use so that a version bump
    /// does not reopen every finding.
    pub fn unversioned_id(&self) -> &str {
        unversioned(&self.id)
    }

    pub fn cwe_ids(&self) -> impl Iterator<Item = String> + '_ {
        self.cwes.iter().map(|c| format!("CWE-{c}"))
    }
}

/// Strips `@vX.Y` from a detector id.
pub fn unversioned(id: &str) -> &str {
    id.split_once('@').map_or(id, |(base, _)| base)
}

/// The MITRE page of a CWE.
pub fn cwe_url(cwe: u16) -> String {
    format!("https://cwe.mitre.org/data/definitions/{cwe}.html")
}
