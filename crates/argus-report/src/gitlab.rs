//! GitLab SAST report (security report schema 15.2.1), for
//! `artifacts: reports: sast:` in `.gitlab-ci.yml`.

use argus_model::{Finding, ScanReport, Severity, cwe_url};
use serde_json::{Value, json};

/// The schema version the report declares.
pub const SCHEMA_VERSION: &str = "15.2.1";

/// Renders the report. Suppressed findings are left out: GitLab has no
/// notion of an accepted in-source suppression.
pub fn render(report: &ScanReport) -> String {
    let tool = json!({
        "id": "argus",
        "name": "argus",
        "version": report.tool_version,
        "vendor": {"name": "argus"},
    });
    let vulnerabilities: Vec<Value> = crate::active(report)
        .map(|f| vulnerability(report, f))
        .collect();
    let document = json!({
        "version": SCHEMA_VERSION,
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "sast",
            "start_time": crate::time::gitlab(report.started_at),
            "end_time": crate::time::gitlab(report.finished_at),
            "status": "success",
        },
        "vulnerabilities": vulnerabilities,
    });
    serde_json::to_string_pretty(&document).expect("JSON values always serialize") + "\n"
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

fn vulnerability(report: &ScanReport, finding: &Finding) -> Value {
    let detector = report.detector(&finding.detector_id);
    let mut identifiers = vec![json!({
        "type": "argus_detector",
        "name": format!("argus {}", argus_model::unversioned(&finding.detector_id)),
        "value": finding.detector_id,
    })];
    for cwe in detector.map(|d| d.cwes.as_slice()).unwrap_or_default() {
        identifiers.push(json!({
            "type": "cwe",
            "name": format!("CWE-{cwe}"),
            "value": cwe.to_string(),
            "url": cwe_url(*cwe),
        }));
    }
    let links: Vec<Value> = detector
        .map(|d| d.doc.reference_urls())
        .unwrap_or_default()
        .into_iter()
        .map(|url| json!({"url": url}))
        .collect();
    let mut value = json!({
        "id": uuid_shaped(&finding.id),
        "name": finding.detector_name,
        "description": crate::json::description(finding, detector),
        "severity": severity(finding.severity),
        "solution": detector.map(|d| d.remediation.clone()).unwrap_or_default(),
        "identifiers": identifiers,
        "location": {
            "file": finding.location.path,
            "start_line": finding.location.start_line,
            "end_line": finding.location.end_line,
        },
    });
    if !links.is_empty() {
        value["links"] = json!(links);
    }
    value
}

/// A 32-hex id written as a UUID (8-4-4-4-12), the form GitLab recommends.
fn uuid_shaped(id: &str) -> String {
    if id.len() != 32 {
        return id.to_string();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &id[..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..]
    )
}
