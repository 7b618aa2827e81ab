//! Request decoding, table-driven: every malformed input is a
//! ValidationException that names the field at fault (or says the body or
//! query cannot be parsed), never a panic or a success.

use argus_server::ApiError;
use argus_server::decode::{Request, decode_request};

const ARTIFACT: &str = "3f2b9c1e-8d4a-4b7e-9f10-2a6c5d7e8f90";
const ARN: &str = "arn%3Aaws%3Acodeguru-security%3Aus-east-1%3A123456789012%3Ascans%2Fdemo";

/// The field list of a validation error, or its reason when it names none.
fn fields(error: &ApiError) -> Vec<String> {
    match error {
        ApiError::Validation { fields, reason, .. } if fields.is_empty() => {
            vec![format!("<{reason}>")]
        }
        ApiError::Validation { fields, .. } => fields.iter().map(|f| f.name.clone()).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

fn create_scan(extra: &str) -> String {
    format!(r#"{{"scanName":"demo","resourceId":{{"codeArtifactId":"{ARTIFACT}"}}{extra}}}"#)
}

type Case = (&'static str, String, Option<String>, String, &'static str);

fn body(method: &'static str, path: &str, body: impl Into<String>, field: &'static str) -> Case {
    (method, path.to_string(), None, body.into(), field)
}

fn query(method: &'static str, path: &str, query: &str, field: &'static str) -> Case {
    (
        method,
        path.to_string(),
        (!query.is_empty()).then(|| query.to_string()),
        String::new(),
        field,
    )
}

#[test]
fn bad_requests_name_their_field() {
    let long_name = "x".repeat(141);
    let long_key = "k".repeat(129);
    let long_value = "v".repeat(257);
    let many_tags: String = (0..201)
        .map(|i| format!("\"t{i}\":\"v\""))
        .collect::<Vec<_>>()
        .join(",");
    let tags_path = format!("/tags/{ARN}");
    let cases: Vec<Case> = vec![
        // Malformed bodies.
        body("POST", "/scans", "{", "<cannotParse>"),
        body("POST", "/scans", "[1,2]", "<cannotParse>"),
        body("POST", "/scans", "\"demo\"", "<cannotParse>"),
        body("POST", "/scans", "\u{0}", "<cannotParse>"),
        body("POST", "/scans", "{}", "scanName"),
        body("POST", "/uploadUrl", "{\"scanName\": 7}", "scanName"),
        body("POST", "/uploadUrl", "{\"scanName\": null}", "scanName"),
        body(
            "POST",
            "/uploadUrl",
            format!("{{\"scanName\":\"{long_name}\"}}"),
            "scanName",
        ),
        body("POST", "/uploadUrl", "{\"scanName\":\"a b\"}", "scanName"),
        body("POST", "/uploadUrl", "{\"scanName\":\"\"}", "scanName"),
        // CreateScan members: wrong types, invalid enums, bad identifiers.
        body("POST", "/scans", r#"{"scanName":"demo"}"#, "resourceId"),
        body(
            "POST",
            "/scans",
            r#"{"scanName":"demo","resourceId":"x"}"#,
            "resourceId",
        ),
        body(
            "POST",
            "/scans",
            r#"{"scanName":"demo","resourceId":{}}"#,
            "resourceId",
        ),
        body(
            "POST",
            "/scans",
            r#"{"scanName":"demo","resourceId":{"codeArtifactId":1}}"#,
            "resourceId.codeArtifactId",
        ),
        body(
            "POST",
            "/scans",
            r#"{"scanName":"demo","resourceId":{"codeArtifactId":"nope"}}"#,
            "resourceId.codeArtifactId",
        ),
        body(
            "POST",
            "/scans",
            create_scan(r#","scanType":"Deep""#),
            "scanType",
        ),
        body(
            "POST",
            "/scans",
            create_scan(r#","scanType":5"#),
            "scanType",
        ),
        body(
            "POST",
            "/scans",
            create_scan(r#","analysisType":"security""#),
            "analysisType",
        ),
        body(
            "POST",
            "/scans",
            create_scan(r#","analysisType":["All"]"#),
            "analysisType",
        ),
        body(
            "POST",
            "/scans",
            create_scan(r#","clientToken":"has space""#),
            "clientToken",
        ),
        body(
            "POST",
            "/scans",
            create_scan(&format!(r#","clientToken":"{}""#, "t".repeat(65))),
            "clientToken",
        ),
        body("POST", "/scans", create_scan(r#","tags":"a=b""#), "tags"),
        body(
            "POST",
            "/scans",
            create_scan(r#","tags":{"a":1}"#),
            "tags.a",
        ),
        body(
            "POST",
            "/scans",
            create_scan(r#","tags":{"aws:x":"y"}"#),
            "tags",
        ),
        body("POST", "/scans", create_scan(r#","tags":{"":"y"}"#), "tags"),
        body(
            "POST",
            "/scans",
            create_scan(&format!(r#","tags":{{"{long_key}":"y"}}"#)),
            "tags",
        ),
        body(
            "POST",
            "/scans",
            create_scan(&format!(r#","tags":{{"k":"{long_value}"}}"#)),
            "tags.k",
        ),
        body(
            "POST",
            "/scans",
            create_scan(&format!(r#","tags":{{{many_tags}}}"#)),
            "tags",
        ),
        // Path and query parameters.
        query("GET", "/scans/bad%20name", "", "scanName"),
        query("GET", "/scans/demo", "runId=NOT-A-UUID", "runId"),
        query(
            "GET",
            "/scans/demo",
            &format!("runId={ARTIFACT}&runId={ARTIFACT}"),
            "runId",
        ),
        query("GET", "/scans/%FF", "", "<cannotParse>"),
        query("GET", "/scans", "maxResults=0", "maxResults"),
        query("GET", "/scans", "maxResults=101", "maxResults"),
        query("GET", "/scans", "maxResults=ten", "maxResults"),
        query(
            "GET",
            "/scans",
            "maxResults=99999999999999999999",
            "maxResults",
        ),
        query("GET", "/scans", "nextToken=", "nextToken"),
        query("GET", "/scans", "maxResults=%FF", "<cannotParse>"),
        query("GET", "/findings/demo", "status=Bogus", "status"),
        query("GET", "/findings/demo", "status=open", "status"),
        query("GET", "/findings/demo", "maxResults=1001", "maxResults"),
        query("GET", "/findings/bad!", "", "scanName"),
        body("POST", "/batchGetFindings", "{}", "findingIdentifiers"),
        body(
            "POST",
            "/batchGetFindings",
            r#"{"findingIdentifiers":{}}"#,
            "findingIdentifiers",
        ),
        body(
            "POST",
            "/batchGetFindings",
            r#"{"findingIdentifiers":[]}"#,
            "findingIdentifiers",
        ),
        body(
            "POST",
            "/batchGetFindings",
            r#"{"findingIdentifiers":[1]}"#,
            "findingIdentifiers[0]",
        ),
        body(
            "POST",
            "/batchGetFindings",
            r#"{"findingIdentifiers":[{"scanName":"s"}]}"#,
            "findingIdentifiers[0].findingId",
        ),
        query(
            "GET",
            "/tags/arn%3Aaws%3As3%3A%3A%3Abucket",
            "",
            "resourceArn",
        ),
        query(
            "GET",
            "/tags/arn%3Aaws%3Acodeguru-security%3Aus-east-1%3A12345%3Ascans%2Fdemo",
            "",
            "resourceArn",
        ),
        body("POST", &tags_path, "{}", "tags"),
        body("POST", &tags_path, r#"{"tags":[]}"#, "tags"),
        query("DELETE", &tags_path, "", "tagKeys"),
        query("DELETE", &tags_path, "tagKeys=", "tagKeys"),
        query("GET", "/metrics/summary", "", "date"),
        query("GET", "/metrics/summary", "date=June", "date"),
        query("GET", "/metrics/summary", "date=2025-13-45", "date"),
        query(
            "GET",
            "/metrics/findings",
            "startDate=2025-06-02&endDate=2025-06-01",
            "endDate",
        ),
        query(
            "GET",
            "/metrics/findings",
            "endDate=2025-06-01",
            "startDate",
        ),
        query(
            "GET",
            "/metrics/findings",
            "startDate=2025-06-01&endDate=2025-06-02&maxResults=-1",
            "maxResults",
        ),
        body(
            "PUT",
            "/updateAccountConfiguration",
            "{}",
            "encryptionConfig",
        ),
        body(
            "PUT",
            "/updateAccountConfiguration",
            r#"{"encryptionConfig":"x"}"#,
            "encryptionConfig",
        ),
        body(
            "PUT",
            "/updateAccountConfiguration",
            r#"{"encryptionConfig":{"kmsKeyArn":3}}"#,
            "encryptionConfig.kmsKeyArn",
        ),
        body(
            "PUT",
            "/updateAccountConfiguration",
            r#"{"encryptionConfig":{"kmsKeyArn":"not-an-arn"}}"#,
            "encryptionConfig.kmsKeyArn",
        ),
        // No such operation.
        query("PATCH", "/scans", "", "<unknownOperation>"),
        query("GET", "/scans/a/b", "", "<unknownOperation>"),
        query("GET", "/", "", "<unknownOperation>"),
    ];
    let mut wrong = Vec::new();
    for (method, path, query, body, field) in &cases {
        match decode_request(method, path, query.as_deref(), body.as_bytes()) {
            Ok(request) => wrong.push(format!("{method} {path} {body}: accepted as {request:?}")),
            Err(error) => {
                let names = fields(&error);
                if names != [*field] {
                    wrong.push(format!(
                        "{method} {path} {query:?} {body}: {names:?}, expected {field}"
                    ));
                }
                if let ApiError::Validation { message, .. } = &error
                    && !field.starts_with('<')
                {
                    assert!(message.contains(field), "{message}");
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn good_requests_decode() {
    let request = decode_request(
        "POST",
        "/scans",
        None,
        create_scan(r#","analysisType":"All","tags":{"team":"appsec"},"clientToken":"t-1""#)
            .as_bytes(),
    )
    .unwrap();
    let Request::CreateScan(scan) = request else {
        panic!("{request:?}")
    };
    assert_eq!(
        (scan.scan_name.as_str(), scan.analysis_type, scan.scan_type),
        ("demo", "All", "Standard")
    );
    assert_eq!(scan.tags, [("team".to_string(), "appsec".to_string())]);
    assert_eq!(scan.client_token.as_deref(), Some("t-1"));

    let request = decode_request(
        "DELETE",
        &format!("/tags/{ARN}"),
        Some("tagKeys=a&tagKeys=b"),
        b"",
    )
    .unwrap();
    let Request::UntagResource { resource, keys } = request else {
        panic!("{request:?}")
    };
    assert_eq!(resource.scan_name, "demo");
    assert_eq!(keys, ["a", "b"]);
    assert!(matches!(
        decode_request(
            "GET",
            "/findings/demo",
            Some("status=Open&maxResults=5"),
            b""
        ),
        Ok(Request::GetFindings { status: "Open", .. })
    ));
    assert!(matches!(
        decode_request("GET", "/accountConfiguration/get", None, b""),
        Ok(Request::GetAccountConfiguration)
    ));
    assert!(matches!(
        decode_request(
            "GET",
            "/metrics/findings",
            Some("startDate=2025-06-01T10:00:00Z&endDate=2025-06-01T08:00:00Z"),
            b""
        ),
        Ok(Request::ListFindingsMetrics { .. })
    ));
}
