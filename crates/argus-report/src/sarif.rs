//! SARIF 2.1.0 with what GitHub code scanning reads: rules with help and
//! tags (`security`, `external/cwe/cwe-N`), `security-severity`,
//! `partialFingerprints`, in-source suppressions, fixes and code flows.

use argus_model::{DetectorInfo, Finding, Location, ScanReport, Severity};
use serde_json::{Value, json};

use crate::security_severity;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key; the value is the finding fingerprint and
/// its occurrence, so identical findings stay distinct alerts.
pub const FINGERPRINT_KEY: &str = "argusFindingFingerprint/v1";

/// Renders the report as a SARIF log with one run.
pub fn render(report: &ScanReport) -> String {
    let rules: Vec<Value> = report.detectors.iter().map(rule).collect();
    let results: Vec<Value> = crate::shown(report).map(|f| result(report, f)).collect();
    let notifications: Vec<Value> = report
        .warnings
        .iter()
        .map(|w| {
            json!({
                "level": "warning",
                "message": {"text": w.message},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&w.path)}}],
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "argus",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": true,
            "startTimeUtc": crate::time::rfc3339(report.started_at),
            "endTimeUtc": crate::time::rfc3339(report.finished_at),
            "toolExecutionNotifications": notifications,
        }],
        "properties": {
            "scanName": report.scan_name,
            "analysisType": report.analysis_type.as_str(),
            "filesScanned": report.summary.files_scanned,
            "skipped": report.summary.skipped,
        },
    });
    if let Some(root) = &report.root {
        let mut uri = file_uri(root);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({"%SRCROOT%": {"uri": uri}});
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&log).expect("JSON values always serialize") + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The rule id SARIF consumers group alerts by: the detector id without its
/// version, so a detector update does not close and reopen every alert.
fn rule_id(detector_id: &str) -> &str {
    argus_model::unversioned(detector_id)
}

fn rule(detector: &DetectorInfo) -> Value {
    let mut tags: Vec<String> = Vec::new();
    if detector.category == argus_model::Category::Security {
        tags.push("security".into());
    } else {
        tags.push("quality".into());
    }
    tags.extend(detector.tags.iter().cloned());
    tags.extend(
        detector
            .cwes
            .iter()
            .map(|c| format!("external/cwe/cwe-{c}")),
    );
    let mut properties = json!({
        "tags": tags,
        "precision": "high",
        "problem.severity": level(detector.severity),
        "argusDetectorId": detector.id,
    });
    if detector.category == argus_model::Category::Security {
        properties["security-severity"] = json!(security_severity(detector.severity));
    }
    let mut help_markdown = detector.doc.markdown.clone();
    help_markdown.push_str("\n\n## Remediation\n");
    help_markdown.push_str(&detector.remediation);
    let mut value = json!({
        "id": rule_id(&detector.id),
        "name": pascal_case(rule_id(&detector.id).rsplit('/').next().unwrap_or_default()),
        "shortDescription": {"text": detector.name},
        "fullDescription": {"text": detector.doc.what_it_does},
        "help": {
            "text": format!("{}\n\n{}\n\nRemediation: {}", detector.doc.what_it_does, detector.doc.why_bad, detector.remediation),
            "markdown": help_markdown,
        },
        "defaultConfiguration": {"level": level(detector.severity)},
        "properties": properties,
    });
    if let Some(url) = detector.doc.reference_urls().into_iter().next() {
        value["helpUri"] = json!(url);
    }
    value
}

fn result(report: &ScanReport, finding: &Finding) -> Value {
    let rule_index = report
        .detectors
        .iter()
        .position(|d| d.id == finding.detector_id)
        .unwrap_or(0);
    let flagged: Vec<&str> = finding
        .snippet
        .iter()
        .filter(|l| {
            l.number >= finding.location.start_line && l.number <= finding.location.end_line
        })
        .map(|l| l.content.as_str())
        .collect();
    let mut primary_region = region(&finding.location);
    if !flagged.is_empty() {
        primary_region["snippet"] = json!({"text": flagged.join("\n")});
    }
    let mut properties = json!({
        "severity": finding.severity.as_str(),
        "findingId": finding.id,
        "detectorId": finding.detector_id,
        "ruleId": finding.rule_id,
    });
    if let Some(cell) = finding.location.cell {
        properties["notebookCell"] = json!(cell + 1);
    }
    let mut value = json!({
        "ruleId": rule_id(&finding.detector_id),
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(&finding.location.path),
                "region": primary_region,
            }
        }],
        "partialFingerprints": {FINGERPRINT_KEY: format!("{}:{}", finding.fingerprint, finding.occurrence)},
        "properties": properties,
    });
    if let Some(suppression) = &finding.suppression {
        value["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": suppression.reason,
        }]);
    }
    if !finding.fixes.is_empty() {
        value["fixes"] = json!(
            finding
                .fixes
                .iter()
                .map(|fix| json!({
                    "description": {"text": fix.description},
                    "artifactChanges": [{
                        "artifactLocation": artifact(&finding.location.path),
                        "replacements": fix.replacements.iter().map(|r| json!({
                            "deletedRegion": {
                                "startLine": r.start_line,
                                "startColumn": r.start_column,
                                "endLine": r.end_line,
                                "endColumn": r.end_column,
                            },
                            "insertedContent": {"text": r.text},
                        })).collect::<Vec<_>>(),
                    }],
                }))
                .collect::<Vec<_>>()
        );
    }
    if !finding.flow.is_empty() {
        value["codeFlows"] = json!([{
            "threadFlows": [{
                "locations": finding.flow.iter().map(|step| json!({
                    "location": {
                        "physicalLocation": {
                            "artifactLocation": artifact(&step.location.path),
                            "region": region(&step.location),
                        },
                        "message": {"text": step.message},
                    }
                })).collect::<Vec<_>>(),
            }]
        }]);
    }
    value
}

fn region(location: &Location) -> Value {
    json!({
        "startLine": location.start_line,
        "startColumn": location.start_column,
        "endLine": location.end_line,
        "endColumn": location.end_column,
    })
}

fn artifact(path: &str) -> Value {
    json!({"uri": uri_path(path), "uriBaseId": "%SRCROOT%"})
}

/// Percent-encodes what a URI reference cannot hold literally.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b'+'
            | b'@'
            | b'='
            | b',' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}", uri_path(&path))
}

fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_paths_and_names() {
        assert_eq!(uri_path("src/my file#1.py"), "src/my%20file%231.py");
        assert_eq!(file_uri("/work/my repo"), "file:///work/my%20repo");
        assert_eq!(pascal_case("public-read-bucket-acl"), "PublicReadBucketAcl");
    }
}
