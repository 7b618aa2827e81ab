//! A [`ScanReport`] from what the service returned, so remote results
//! render exactly like local ones. argus stores the engine's finding with
//! each API finding (the `argus` member the AWS SDKs ignore); for a finding
//! without it the report is rebuilt from the API's members.

use argus_model::{
    AnalysisType, Category, Finding, Location, ScanReport, ScanSummary, Severity, SnippetLine,
    SuggestedFix,
};
use serde_json::Value;

pub fn build(scan_name: &str, scan: &Value, api_findings: &[Value]) -> ScanReport {
    let extension = &scan["argus"];
    let analysis_type = match scan["analysisType"].as_str() {
        Some("All") => AnalysisType::All,
        _ => AnalysisType::Security,
    };
    let mut findings: Vec<Finding> = api_findings.iter().filter_map(finding).collect();
    findings.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.start_line,
            a.location.start_column,
            &a.detector_id,
        )
            .cmp(&(
                &b.location.path,
                b.location.start_line,
                b.location.start_column,
                &b.detector_id,
            ))
    });
    let mut summary: ScanSummary =
        serde_json::from_value(extension["summary"].clone()).unwrap_or_default();
    let suppressed = summary.suppressed;
    summary.count_findings(&findings);
    // Suppressed findings stay in the code, not in the service: keep the
    // engine's count.
    summary.suppressed = suppressed;
    let mut detectors: Vec<_> = argus_engine::detectors::registry()
        .all()
        .iter()
        .filter(|d| analysis_type == AnalysisType::All || d.info.category == Category::Security)
        .map(|d| d.info.clone())
        .collect();
    detectors.sort_by(|a, b| a.id.cmp(&b.id));
    let seconds = |key: &str| {
        extension[key]
            .as_f64()
            .or_else(|| scan["updatedAt"].as_f64())
            .unwrap_or(0.0)
    };
    ScanReport {
        tool_version: extension["toolVersion"]
            .as_str()
            .unwrap_or(env!("CARGO_PKG_VERSION"))
            .to_string(),
        scan_name: scan_name.to_string(),
        root: None,
        analysis_type,
        started_at: seconds("startedAt"),
        finished_at: seconds("finishedAt"),
        findings,
        detectors,
        skipped: serde_json::from_value(extension["skipped"].clone()).unwrap_or_default(),
        warnings: serde_json::from_value(extension["warnings"].clone()).unwrap_or_default(),
        summary,
    }
}

/// The engine's finding with the service's id, or one rebuilt from the
/// API members.
fn finding(api: &Value) -> Option<Finding> {
    let id = api["id"].as_str()?.to_string();
    if let Ok(mut engine) = serde_json::from_value::<Finding>(api["argus"].clone()) {
        engine.id = id;
        return Some(engine);
    }
    let file = &api["vulnerability"]["filePath"];
    let line = |key: &str| file[key].as_u64().map_or(1, |n| n as u32);
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    let description = text(&api["description"]);
    Some(Finding {
        id,
        detector_id: text(&api["detectorId"]),
        detector_name: text(&api["detectorName"]),
        rule_id: text(&api["ruleId"]),
        category: if api["type"].as_str() == Some("Quality") {
            Category::Quality
        } else {
            Category::Security
        },
        severity: api["severity"]
            .as_str()
            .and_then(|s| s.parse::<Severity>().ok())
            .unwrap_or(Severity::Info),
        message: description
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .to_string(),
        location: Location {
            path: text(&file["path"]),
            start_line: line("startLine"),
            start_column: 1,
            end_line: line("endLine"),
            end_column: 1,
            cell: file["cellNumber"]
                .as_u64()
                .map(|c| (c as u32).saturating_sub(1)),
        },
        snippet: file["codeSnippet"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .map(|l| SnippetLine {
                        number: l["number"].as_u64().unwrap_or(0) as u32,
                        content: text(&l["content"]),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        fingerprint: text(&api["vulnerability"]["id"]),
        occurrence: 0,
        fixes: api["remediation"]["suggestedFixes"]
            .as_array()
            .map(|fixes| {
                fixes
                    .iter()
                    .map(|f| SuggestedFix {
                        description: text(&f["description"]),
                        diff: text(&f["code"]),
                        replacements: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        flow: Vec::new(),
        suppression: None,
        baselined: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rebuilds_a_finding_from_api_members_alone() {
        let api = json!({
            "id": "abc", "severity": "High", "type": "Security", "detectorId": "python/x@v1.0",
            "detectorName": "X", "ruleId": "r", "description": "Found it.\n\nWhy it matters.",
            "vulnerability": {"id": "fp", "filePath": {"path": "a/b.py", "startLine": 3, "endLine": 4,
                "codeSnippet": [{"number": 3, "content": "x = 1"}]}},
            "remediation": {"suggestedFixes": [{"description": "d", "code": "--- a/a/b.py"}]}
        });
        let finding = finding(&api).unwrap();
        assert_eq!(finding.id, "abc");
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.message, "Found it.");
        assert_eq!(
            (finding.location.start_line, finding.location.end_line),
            (3, 4)
        );
        assert_eq!(finding.fingerprint, "fp");
        assert_eq!(finding.fixes.len(), 1);
        let report = build(
            "s",
            &json!({"analysisType": "Security", "updatedAt": 5.0}),
            &[api],
        );
        assert_eq!(report.summary.active_findings(), 1);
        assert_eq!(report.finished_at, 5.0);
    }
}
