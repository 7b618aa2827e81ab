//! Baselines: "report only what is new since this file was written".
//!
//! A baseline records the fingerprints of a scan's findings *with their
//! counts*. Applied to a later scan, the first `count` findings with a
//! fingerprint (in path and position order) are baselined and the rest are
//! new — so two identical new findings beside one baselined one still show
//! as new, where a set of fingerprints would hide them.

use std::collections::HashMap;
use std::path::Path;

use argus_model::{Finding, ScanReport};
use serde::{Deserialize, Serialize};

/// The format version this build writes and reads.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub entries: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub detector_id: String,
    pub count: u32,
    /// Where the findings were when the baseline was written (for people;
    /// matching uses only the fingerprint).
    pub locations: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error(
        "{path}: baseline version {found} is not supported (this argus reads version {BASELINE_VERSION})"
    )]
    Version { path: String, found: u32 },
}

impl Baseline {
    /// The unsuppressed findings of a scan.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<BaselineEntry> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for finding in findings.iter().filter(|f| f.suppression.is_none()) {
            let slot = *index
                .entry(finding.fingerprint.as_str())
                .or_insert_with(|| {
                    entries.push(BaselineEntry {
                        fingerprint: finding.fingerprint.clone(),
                        detector_id: finding.detector_id.clone(),
                        count: 0,
                        locations: Vec::new(),
                    });
                    entries.len() - 1
                });
            entries[slot].count += 1;
            entries[slot].locations.push(finding.location.display());
        }
        entries.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        Baseline {
            version: BASELINE_VERSION,
            tool: format!("argus {}", env!("CARGO_PKG_VERSION")),
            entries,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let read_error = |message: String| BaselineError::Read {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| read_error(e.to_string()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| read_error(format!("not an argus baseline: {e}")))?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.display().to_string(),
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("baselines always serialize") + "\n"
    }

    /// Marks the findings of `report` that the baseline accounts for.
    pub fn apply(&self, report: &mut ScanReport) {
        let mut remaining: HashMap<&str, u32> = self
            .entries
            .iter()
            .map(|e| (e.fingerprint.as_str(), e.count))
            .collect();
        for finding in report.findings.iter_mut() {
            if finding.suppression.is_some() {
                continue;
            }
            if let Some(left) = remaining.get_mut(finding.fingerprint.as_str())
                && *left > 0
            {
                *left -= 1;
                finding.baselined = true;
            }
        }
        let findings = std::mem::take(&mut report.findings);
        report.summary.count_findings(&findings);
        report.findings = findings;
    }
}
