//! Findings in the CodeGuru Security API's `Finding` shape.
//!
//! The document is `{"scanName", "analysisType", "findings": [...],
//! "suppressedFindings": [...], "summary", "skipped", "warnings"}`; each
//! finding has exactly the members `GetFindings` returns (plus, for
//! notebooks, `filePath.cellNumber`, and for suppressed findings a
//! `suppression` member — clients ignore members they do not know).

use argus_model::{DetectorInfo, Finding, ScanReport, cwe_url};
use serde_json::{Value, json};

/// Renders the report as pretty JSON.
pub fn render(report: &ScanReport) -> String {
    let (suppressed, open): (Vec<&Finding>, Vec<&Finding>) =
        crate::shown(report).partition(|f| f.suppression.is_some());
    let document = json!({
        "scanName": report.scan_name,
        "analysisType": report.analysis_type.as_str(),
        "toolVersion": report.tool_version,
        "findings": open.iter().map(|f| api_finding(report, f)).collect::<Vec<_>>(),
        "suppressedFindings": suppressed.iter().map(|f| api_finding(report, f)).collect::<Vec<_>>(),
        "summary": report.summary,
        "skipped": report.skipped,
        "warnings": report.warnings,
    });
    serde_json::to_string_pretty(&document).expect("JSON values always serialize") + "\n"
}

/// One finding as the API's `Finding` structure, as a local scan reports
/// it: open, and dated at the end of the scan.
pub fn api_finding(report: &ScanReport, finding: &Finding) -> Value {
    let mut value = finding_body(
        &report.scan_name,
        finding,
        report.detector(&finding.detector_id),
    );
    value["id"] = json!(finding.id);
    value["status"] = json!("Open");
    value["createdAt"] = json!(report.finished_at);
    value["updatedAt"] = json!(report.finished_at);
    value
}

/// The members of a finding that do not depend on tracking (everything
/// but `id`, `status`, `createdAt` and `updatedAt`), which the service
/// stores and completes when it serves the finding.
pub fn finding_body(scan_name: &str, finding: &Finding, detector: Option<&DetectorInfo>) -> Value {
    let file_name = finding
        .location
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&finding.location.path);
    let mut file_path = json!({
        "name": file_name,
        "path": finding.location.path,
        "startLine": finding.location.start_line,
        "endLine": finding.location.end_line,
        "codeSnippet": finding.snippet.iter().map(|l| json!({"number": l.number, "content": l.content})).collect::<Vec<_>>(),
    });
    if let Some(cell) = finding.location.cell {
        file_path["cellNumber"] = json!(cell + 1);
    }
    let mut value = json!({
        "severity": finding.severity.as_str(),
        "title": finding.detector_name,
        "description": description(finding, detector),
        "type": match finding.category {
            argus_model::Category::Security => "Security",
            argus_model::Category::Quality => "Quality",
        },
        "generatorId": "argus",
        "detectorId": finding.detector_id,
        "detectorName": finding.detector_name,
        "ruleId": finding.rule_id,
        "detectorTags": detector.map(|d| d.tags.clone()).unwrap_or_default(),
        "resource": {"id": scan_name, "subResourceId": finding.location.path},
        "vulnerability": {
            "id": finding.fingerprint,
            "referenceUrls": reference_urls(detector),
            "relatedVulnerabilities": detector.map(|d| d.cwe_ids().collect::<Vec<_>>()).unwrap_or_default(),
            "filePath": file_path,
        },
        "remediation": {
            "recommendation": {
                "text": detector.map(|d| d.remediation.clone()).unwrap_or_default(),
                "url": detector.and_then(|d| d.doc.reference_urls().into_iter().next()).unwrap_or_default(),
            },
            "suggestedFixes": finding.fixes.iter().map(|f| json!({"description": f.description, "code": f.diff})).collect::<Vec<_>>(),
        },
    });
    if let Some(suppression) = &finding.suppression {
        value["suppression"] = json!({"reason": suppression.reason, "line": suppression.line});
    }
    value
}

/// The finding's own message, then what the detector looks for and why.
pub fn description(finding: &Finding, detector: Option<&DetectorInfo>) -> String {
    match detector {
        Some(d) if !d.doc.why_bad.is_empty() => format!("{}\n\n{}", finding.message, d.doc.why_bad),
        _ => finding.message.clone(),
    }
}

fn reference_urls(detector: Option<&DetectorInfo>) -> Vec<String> {
    let Some(detector) = detector else {
        return Vec::new();
    };
    let mut urls = detector.doc.reference_urls();
    for cwe in &detector.cwes {
        let url = cwe_url(*cwe);
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    urls
}
