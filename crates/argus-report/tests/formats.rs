//! Every renderer on a real scan of `tests/sample`: SARIF validates against
//! the OASIS schema and carries what GitHub reads; the GitLab report has
//! the v15 structure; JSON findings match the API model's `Finding` shape;
//! text and JSON match their golden snapshots.

use std::path::Path;

use argus_engine::{ScanOptions, ScanRunner};
use argus_model::{AnalysisType, ScanReport};
use argus_report::text::TextOptions;
use argus_report::{gitlab, json, sarif, text};
use serde_json::Value;

fn sample_report() -> ScanReport {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sample");
    let mut report = ScanRunner::new(ScanOptions {
        analysis_type: Some(AnalysisType::All),
        ..ScanOptions::default()
    })
    .run(&sample)
    .unwrap();
    // Make the report reproducible.
    report.root = Some("/src/sample".into());
    report.started_at = 1_764_144_000.0;
    report.finished_at = 1_764_144_001.5;
    report.summary.duration_ms = 1500;
    report.tool_version = "0.0.0-test".into();
    report
}

fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn sample_has_the_expected_findings() {
    let report = sample_report();
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.location.display(),
                f.detector_id,
                f.suppression.is_some()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "app/tokens.py:6:12 python/insecure-hashing@v1.0 false",
            "app/tokens.py:10:12 python/insecure-hashing@v1.0 true",
            "app/tokens.py:14:12 python/hashlib-constructor@v1.0 false",
            "infra/main.tf:7:3 terraform/public-read-bucket-acl-terraform@v1.0 false",
            "notebooks/explore.ipynb [cell 1]:2:17 python/insecure-hashing@v1.0 false",
            "web/etag.js:4:10 javascript/insecure-hashing@v1.0 false",
        ]
    );
}

#[test]
fn sarif_is_valid_and_has_what_github_reads() {
    let report = sample_report();
    let log: Value = serde_json::from_str(&sarif::render(&report)).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema("sarif-schema-2.1.0.json"))
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let hashing = rules
        .iter()
        .find(|r| r["id"] == "python/insecure-hashing")
        .unwrap();
    assert!(
        hashing["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad?")
    );
    assert_eq!(hashing["properties"]["security-severity"], "5.5");
    let tags: Vec<&str> = hashing["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"security") && tags.contains(&"external/cwe/cwe-328"),
        "{tags:?}"
    );
    let quality = rules
        .iter()
        .find(|r| r["id"] == "python/hashlib-constructor")
        .unwrap();
    assert!(quality["properties"].get("security-severity").is_none());

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the rule"
        );
        let fingerprint = result["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert!(fingerprint.starts_with("v1:"));
    }
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    let with_fix = results
        .iter()
        .find(|r| r["ruleId"] == "terraform/public-read-bucket-acl-terraform")
        .unwrap();
    let replacement = &with_fix["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "private");
    assert_eq!(replacement["deletedRegion"]["startLine"], 7);
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///src/sample/"
    );
}

#[test]
fn gitlab_report_has_the_v15_structure() {
    let report = sample_report();
    let doc: Value = serde_json::from_str(&gitlab::render(&report)).unwrap();
    assert_eq!(doc["version"], gitlab::SCHEMA_VERSION);
    let scan = &doc["scan"];
    for key in ["analyzer", "scanner"] {
        for field in ["id", "name", "version"] {
            assert!(
                !scan[key][field].as_str().unwrap().is_empty(),
                "scan.{key}.{field}"
            );
        }
        assert!(!scan[key]["vendor"]["name"].as_str().unwrap().is_empty());
    }
    assert_eq!(scan["type"], "sast");
    assert_eq!(scan["status"], "success");
    assert!(is_gitlab_time(scan["start_time"].as_str().unwrap()));
    assert!(is_gitlab_time(scan["end_time"].as_str().unwrap()));
    let vulnerabilities = doc["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulnerabilities.len(), 5, "suppressed findings are left out");
    let mut ids = std::collections::HashSet::new();
    for v in vulnerabilities {
        assert!(
            ids.insert(v["id"].as_str().unwrap().to_string()),
            "ids are unique"
        );
        assert!(
            ["Critical", "High", "Medium", "Low", "Info", "Unknown"]
                .contains(&v["severity"].as_str().unwrap())
        );
        assert!(v["location"]["file"].is_string() && v["location"]["start_line"].is_u64());
        let identifiers = v["identifiers"].as_array().unwrap();
        assert!(!identifiers.is_empty());
        for identifier in identifiers {
            for field in ["type", "name", "value"] {
                assert!(!identifier[field].as_str().unwrap().is_empty());
            }
        }
        assert!(
            identifiers.iter().any(|i| i["type"] == "cwe"),
            "every vulnerability names its CWE"
        );
        assert!(v["name"].as_str().unwrap().len() <= 255);
    }
}

#[test]
fn json_findings_have_the_api_finding_shape() {
    let report = sample_report();
    let doc: Value = serde_json::from_str(&json::render(&report)).unwrap();
    let model = schema("codeguru-security.model.json");
    let shapes = &model["service"]["shapes"];
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 5);
    assert_eq!(doc["suppressedFindings"].as_array().unwrap().len(), 1);
    let extensions = ["cellNumber", "suppression"];
    for finding in findings
        .iter()
        .chain(doc["suppressedFindings"].as_array().unwrap())
    {
        let mut problems = Vec::new();
        check_shape(
            shapes,
            "Finding",
            finding,
            "finding",
            &extensions,
            &mut problems,
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    let notebook = findings
        .iter()
        .find(|f| f["vulnerability"]["filePath"]["name"] == "explore.ipynb")
        .unwrap();
    assert_eq!(notebook["vulnerability"]["filePath"]["cellNumber"], 1);
    assert_eq!(notebook["vulnerability"]["filePath"]["startLine"], 2);
    let tf = findings
        .iter()
        .find(|f| f["detectorId"] == "terraform/public-read-bucket-acl-terraform@v1.0")
        .unwrap();
    assert_eq!(tf["severity"], "High");
    assert_eq!(tf["vulnerability"]["relatedVulnerabilities"][0], "CWE-732");
    assert!(
        tf["remediation"]["suggestedFixes"][0]["code"]
            .as_str()
            .unwrap()
            .starts_with("--- a/infra/main.tf")
    );
}

#[test]
fn text_and_json_match_their_snapshots() {
    let report = sample_report();
    insta::assert_snapshot!(
        "text",
        text::render(
            &report,
            &TextOptions {
                color: false,
                verbose: true
            }
        )
    );
    let mut doc: Value = serde_json::from_str(&json::render(&report)).unwrap();
    // Skipped and warnings are environment-independent here; keep them.
    doc["summary"]["durationMs"] = Value::from(0);
    insta::assert_json_snapshot!("json", doc);
}

#[test]
fn text_is_colored_only_when_asked() {
    let report = sample_report();
    assert!(!text::render(&report, &TextOptions::default()).contains('\u{1b}'));
    assert!(
        text::render(
            &report,
            &TextOptions {
                color: true,
                verbose: false
            }
        )
        .contains('\u{1b}')
    );
}

/// Checks a JSON value against a botocore shape.
fn check_shape(
    shapes: &Value,
    shape: &str,
    value: &Value,
    at: &str,
    extensions: &[&str],
    problems: &mut Vec<String>,
) {
    let definition = &shapes[shape];
    match definition["type"].as_str().unwrap() {
        "structure" => {
            let Some(object) = value.as_object() else {
                problems.push(format!("{at}: expected an object for {shape}"));
                return;
            };
            for (key, member) in object {
                match definition["members"].get(key) {
                    Some(m) => check_shape(
                        shapes,
                        m["shape"].as_str().unwrap(),
                        member,
                        &format!("{at}.{key}"),
                        extensions,
                        problems,
                    ),
                    None if extensions.contains(&key.as_str()) => {}
                    None => problems.push(format!("{at}.{key}: not a member of {shape}")),
                }
            }
        }
        "list" => match value.as_array() {
            Some(items) => {
                let member = definition["member"]["shape"].as_str().unwrap();
                for (i, item) in items.iter().enumerate() {
                    check_shape(
                        shapes,
                        member,
                        item,
                        &format!("{at}[{i}]"),
                        extensions,
                        problems,
                    );
                }
            }
            None => problems.push(format!("{at}: expected a list for {shape}")),
        },
        "string" => match value.as_str() {
            Some(s) => {
                if let Some(values) = definition["enum"].as_array()
                    && !values.iter().any(|v| v == s)
                {
                    problems.push(format!("{at}: '{s}' is not a {shape}"));
                }
            }
            None => problems.push(format!("{at}: expected a string for {shape}")),
        },
        "integer" | "long" => {
            if !value.is_i64() && !value.is_u64() {
                problems.push(format!("{at}: expected an integer for {shape}"));
            }
        }
        "double" | "float" | "timestamp" => {
            if !value.is_number() {
                problems.push(format!("{at}: expected a number for {shape}"));
            }
        }
        "boolean" => {
            if !value.is_boolean() {
                problems.push(format!("{at}: expected a boolean for {shape}"));
            }
        }
        other => problems.push(format!("{at}: unhandled shape type {other}")),
    }
}

/// `YYYY-MM-DDTHH:MM:SS`, the schema's pattern for scan times.
fn is_gitlab_time(s: &str) -> bool {
    s.len() == 19
        && s.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            _ => c.is_ascii_digit(),
        })
}
