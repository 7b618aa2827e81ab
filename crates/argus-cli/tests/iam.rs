//! Access control end to end: principals, keys, temporary credentials and
//! identity policies made with `argus admin`, decided on requests from the
//! real AWS CLI; account isolation; SigV4 edge cases signed by hand.

#[path = "service/harness.rs"]
mod harness;

use std::collections::BTreeMap;

use harness::*;
use serde_json::Value;

fn v1() -> std::path::PathBuf {
    fixtures().join("v1")
}

/// A user with these policies (managed names or inline JSON) and tags;
/// returns its ARN and a fresh access key.
fn user(
    server: &Server,
    name: &str,
    tags: &[&str],
    managed: &[&str],
    inline: &[&str],
) -> (String, String, String) {
    let mut args = vec!["user", "create", "--account", ACCOUNT_ID, name];
    for tag in tags {
        args.extend(["--tag", tag]);
    }
    let arn = server.admin(&args)["arn"].as_str().unwrap().to_string();
    for policy in managed {
        server.admin(&["policy", "attach", &arn, policy]);
    }
    for (i, document) in inline.iter().enumerate() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), document).unwrap();
        server.admin(&[
            "policy",
            "put",
            &arn,
            "--name",
            &format!("inline-{i}"),
            "--document",
            file.path().to_str().unwrap(),
        ]);
    }
    let key = server.admin(&["access-key", "create", &arn]);
    (
        arn,
        key["accessKey"]["accessKeyId"]
            .as_str()
            .unwrap()
            .to_string(),
        key["accessKey"]["secretAccessKey"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

fn denied_message(result: &AwsResult) -> String {
    result.error("AccessDeniedException").to_string()
}

// Managed and inline policies, conditions on tags, principal tags, source
// address, transport and time, explicit denies; temporary credentials.
service_test!(identity_policies_decide_requests, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let run = server.scan_dir("payments", &v1(), &["--tags", "team=appsec"]);
    server.wait("payments", &run);
    let run = server.scan_dir("billing", &v1(), &["--tags", "team=finance"]);
    server.wait("billing", &run);

    // The spec's ScanAccess managed policy.
    let (scanner, key, secret) = user(
        &server,
        "scanner",
        &[],
        &["AmazonCodeGuruSecurityScanAccess"],
        &[],
    );
    assert!(scanner.ends_with(":user/scanner"), "{scanner}");
    let as_scanner = |args: &[&str]| server.aws_as(args, &key, &secret, &[]);
    assert_eq!(
        as_scanner(&["get-findings", "--scan-name", "payments"]).status,
        0
    );
    assert_eq!(
        as_scanner(&["get-scan", "--scan-name", "billing"]).status,
        0
    );
    assert_eq!(
        as_scanner(&["create-upload-url", "--scan-name", "payments"]).status,
        0
    );
    let message = denied_message(&as_scanner(&["list-scans"]));
    assert!(
        message.starts_with(&format!(
            "User: {scanner} is not authorized to perform: codeguru-security:ListScans on resource: *"
        )),
        "{message}"
    );
    let message = denied_message(&as_scanner(&[
        "update-account-configuration",
        "--encryption-config",
        "{}",
    ]));
    assert!(
        message.contains("codeguru-security:UpdateAccountConfiguration"),
        "{message}"
    );

    // Inline policies: scans of the caller's own team only (a policy
    // variable from its principal tag), tags other than `team`, and new
    // scans only when tagged for the team.
    let team_policy = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "OwnTeamScans", "Effect": "Allow",
         "Action": ["codeguru-security:Get*", "codeguru-security:*Tag*"],
         "Resource": "arn:aws:codeguru-security:*:*:scans/*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
        {"Sid": "NeverRetag", "Effect": "Deny",
         "Action": ["codeguru-security:TagResource", "codeguru-security:UntagResource"],
         "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}},
        {"Sid": "Upload", "Effect": "Allow", "Action": "codeguru-security:CreateUploadUrl", "Resource": "*"},
        {"Sid": "NewScansForTheTeam", "Effect": "Allow", "Action": "codeguru-security:CreateScan",
         "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}}
      ]
    }"#;
    let (appsec, key, secret) = user(&server, "alice", &["team=appsec"], &[], &[team_policy]);
    let as_alice = |args: &[&str]| server.aws_as(args, &key, &secret, &[]);
    assert_eq!(
        as_alice(&["get-findings", "--scan-name", "payments"]).status,
        0
    );
    let message = denied_message(&as_alice(&["get-findings", "--scan-name", "billing"]));
    assert!(
        message.contains(&format!(
            "User: {appsec} is not authorized to perform: codeguru-security:GetFindings on resource: arn:aws:codeguru-security:{REGION}:{ACCOUNT_ID}:scans/billing"
        )),
        "{message}"
    );
    let payments_arn = format!("arn:aws:codeguru-security:{REGION}:{ACCOUNT_ID}:scans/payments");
    assert_eq!(
        as_alice(&[
            "tag-resource",
            "--resource-arn",
            &payments_arn,
            "--tags",
            "owner=alice"
        ])
        .status,
        0
    );
    let message = denied_message(&as_alice(&[
        "tag-resource",
        "--resource-arn",
        &payments_arn,
        "--tags",
        "team=finance",
    ]));
    assert!(message.contains("explicit deny"), "{message}");
    denied_message(&as_alice(&[
        "untag-resource",
        "--resource-arn",
        &payments_arn,
        "--tag-keys",
        "team",
    ]));
    assert_eq!(
        as_alice(&[
            "untag-resource",
            "--resource-arn",
            &payments_arn,
            "--tag-keys",
            "owner"
        ])
        .status,
        0
    );
    // Uploading is allowed; a scan without the team tag is not.
    let upload = as_alice(&["create-upload-url", "--scan-name", "alice-app"]);
    assert_eq!(upload.status, 0, "{}", upload.stderr);
    let resource = format!(
        "codeArtifactId={}",
        upload.json["codeArtifactId"].as_str().unwrap()
    );
    denied_message(&as_alice(&[
        "create-scan",
        "--scan-name",
        "alice-app",
        "--resource-id",
        &resource,
    ]));
    denied_message(&as_alice(&[
        "create-scan",
        "--scan-name",
        "alice-app",
        "--resource-id",
        &resource,
        "--tags",
        "team=finance",
    ]));
    denied_message(&as_alice(&["list-scans"]));

    // Source address, transport and time conditions.
    let network_policy = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": "codeguru-security:ListScans", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"]},
                       "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}},
        {"Effect": "Allow", "Action": "codeguru-security:GetMetricsSummary", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Effect": "Allow", "Action": "codeguru-security:ListFindingsMetrics", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": "127.0.0.1/32"}}},
        {"Effect": "Allow", "Action": "codeguru-security:GetAccountConfiguration", "Resource": "*",
         "Condition": {"DateLessThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}}
      ]
    }"#;
    let (_, key, secret) = user(&server, "network", &[], &[], &[network_policy]);
    let as_network = |args: &[&str]| server.aws_as(args, &key, &secret, &[]);
    assert_eq!(as_network(&["list-scans"]).status, 0);
    denied_message(&as_network(&[
        "get-metrics-summary",
        "--date",
        "2026-01-01T00:00:00Z",
    ]));
    denied_message(&as_network(&[
        "list-findings-metrics",
        "--start-date",
        "2026-01-01T00:00:00Z",
        "--end-date",
        "2026-01-02T00:00:00Z",
    ]));
    denied_message(&as_network(&["get-account-configuration"]));

    // Invalid documents are refused when attached, naming the problem.
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codeguru-security:ListScans", "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "x"}}}]}"#).unwrap();
    let output = server.admin_command(&[
        "policy",
        "put",
        &appsec,
        "--name",
        "bad",
        "--document",
        bad.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("StringEqualz"),
        "{stderr}"
    );
    std::fs::write(bad.path(), r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "codeguru-security:ListScan", "Resource": "*"}}"#).unwrap();
    let output = server.admin_command(&[
        "policy",
        "put",
        &appsec,
        "--name",
        "typo",
        "--document",
        bad.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("codeguru-security:ListScan"),
        "{stderr}"
    );

    // A deactivated key stops working until activated again.
    server.admin(&["access-key", "deactivate", &key]);
    as_network(&["list-scans"]).error("UnrecognizedClientException");
    server.admin(&["access-key", "activate", &key]);
    assert_eq!(as_network(&["list-scans"]).status, 0);

    // A role's temporary credentials, with the token the AWS CLI sends.
    let role = server.admin(&["role", "create", "--account", ACCOUNT_ID, "ci"]);
    let role_arn = role["arn"].as_str().unwrap();
    server.admin(&[
        "policy",
        "attach",
        role_arn,
        "AmazonCodeGuruSecurityFullAccess",
    ]);
    let session = server.admin(&[
        "session-token",
        "create",
        role_arn,
        "--session-name",
        "build-42",
    ]);
    let credentials = &session["credentials"];
    let (id, secret, token) = (
        credentials["accessKeyId"].as_str().unwrap(),
        credentials["secretAccessKey"].as_str().unwrap(),
        credentials["sessionToken"].as_str().unwrap(),
    );
    assert!(id.starts_with("ASIA"), "{session}");
    assert_eq!(
        session["arn"],
        format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/ci/build-42")
    );
    let with_token = server.aws_as(&["list-scans"], id, secret, &[("AWS_SESSION_TOKEN", token)]);
    assert_eq!(with_token.status, 0, "{}", with_token.stderr);
    server
        .aws_as(&["list-scans"], id, secret, &[])
        .error("UnrecognizedClientException");
    server
        .aws_as(
            &["list-scans"],
            id,
            secret,
            &[("AWS_SESSION_TOKEN", "not-the-token")],
        )
        .error("UnrecognizedClientException");
    // A role without policies is denied, named as its session.
    let empty = server.admin(&["role", "create", "--account", ACCOUNT_ID, "nothing"]);
    let session = server.admin(&[
        "session-token",
        "create",
        empty["arn"].as_str().unwrap(),
        "--session-name",
        "s1",
    ]);
    let c = &session["credentials"];
    let result = server.aws_as(
        &["list-scans"],
        c["accessKeyId"].as_str().unwrap(),
        c["secretAccessKey"].as_str().unwrap(),
        &[("AWS_SESSION_TOKEN", c["sessionToken"].as_str().unwrap())],
    );
    assert!(
        denied_message(&result).starts_with(&format!(
            "User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/nothing/s1 is not authorized"
        )),
        "{}",
        result.stderr
    );
    // Expired credentials: moved into the past in the database.
    server.sql(&format!(
        "UPDATE access_keys SET expires_at = 1000 WHERE access_key_id = '{id}'"
    ));
    server
        .aws_as(&["list-scans"], id, secret, &[("AWS_SESSION_TOKEN", token)])
        .error("ExpiredTokenException");
    // Deleting the role removes its keys.
    server.admin(&["principal", "delete", role_arn]);
    let keys = server.admin(&["access-key", "list", "--account", ACCOUNT_ID]);
    assert!(
        !keys
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["accessKeyId"] == id),
        "{keys}"
    );
});

// No operation, token, id or URL of one account reaches another's data.
service_test!(accounts_are_isolated, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let run = server.scan_dir("shared-name", &v1(), &["--tags", "team=a"]);
    server.wait("shared-name", &run);
    let a_findings = server.findings("shared-name", "Open");
    assert!(!a_findings.is_empty());
    let first = server.ok(&[
        "get-findings",
        "--scan-name",
        "shared-name",
        "--max-items",
        "1",
    ]);
    let a_token = first["NextToken"]
        .as_str()
        .expect("more than one finding")
        .to_string();

    let other = "210987654321";
    let account = server.admin(&["account", "create", "--account-id", other]);
    assert_eq!(account["accountId"], other);
    let key = server.admin(&[
        "access-key",
        "create",
        &format!("arn:aws:iam::{other}:root"),
    ]);
    let (id, secret) = (
        key["accessKey"]["accessKeyId"]
            .as_str()
            .unwrap()
            .to_string(),
        key["accessKey"]["secretAccessKey"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let as_b = |args: &[&str]| server.aws_as(args, &id, &secret, &[]);
    let listed = as_b(&["list-scans"]);
    assert_eq!(
        listed.json["summaries"],
        Value::Array(vec![]),
        "{}",
        listed.stdout
    );
    as_b(&["get-scan", "--scan-name", "shared-name"]).error("ResourceNotFoundException");
    as_b(&["get-findings", "--scan-name", "shared-name"]).error("ResourceNotFoundException");
    as_b(&[
        "get-findings",
        "--scan-name",
        "shared-name",
        "--starting-token",
        &a_token,
    ])
    .error("ResourceNotFoundException");
    let a_arn = format!("arn:aws:codeguru-security:{REGION}:{ACCOUNT_ID}:scans/shared-name");
    as_b(&["list-tags-for-resource", "--resource-arn", &a_arn]).error("AccessDeniedException");
    as_b(&["tag-resource", "--resource-arn", &a_arn, "--tags", "x=y"])
        .error("AccessDeniedException");
    as_b(&[
        "untag-resource",
        "--resource-arn",
        &a_arn,
        "--tag-keys",
        "team",
    ])
    .error("AccessDeniedException");
    let identifiers: Vec<String> = a_findings
        .iter()
        .map(|f| {
            format!(
                "scanName=shared-name,findingId={}",
                f["id"].as_str().unwrap()
            )
        })
        .collect();
    let mut args = vec!["batch-get-findings", "--finding-identifiers"];
    args.extend(identifiers.iter().map(String::as_str));
    let batch = as_b(&args);
    assert_eq!(batch.status, 0, "{}", batch.stderr);
    assert_eq!(
        batch.json["findings"],
        Value::Array(vec![]),
        "{}",
        batch.stdout
    );
    assert_eq!(
        batch.json["failedFindings"].as_array().unwrap().len(),
        identifiers.len()
    );
    // A's uploaded code cannot be scanned by B.
    let a_artifact = server.upload_zip("shared-name", zip_dir(&v1()).path());
    let resource = format!("codeArtifactId={a_artifact}");
    let refused = as_b(&[
        "create-scan",
        "--scan-name",
        "shared-name",
        "--resource-id",
        &resource,
    ]);
    assert_ne!(refused.status, 0, "{}", refused.stdout);
    // B's own scan of the same name is its own: B sees only its findings,
    // and A's are untouched.
    let upload = as_b(&["create-upload-url", "--scan-name", "shared-name"]);
    assert_eq!(upload.status, 0, "{}", upload.stderr);
    let zip = zip_dir(&fixtures().join("v2"));
    let put = std::process::Command::new("curl")
        .args([
            "-sS",
            "--fail-with-body",
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/zip",
            "-T",
        ])
        .arg(zip.path())
        .arg(upload.json["s3Url"].as_str().unwrap())
        .output()
        .unwrap();
    assert!(
        put.status.success(),
        "{}",
        String::from_utf8_lossy(&put.stderr)
    );
    let resource = format!(
        "codeArtifactId={}",
        upload.json["codeArtifactId"].as_str().unwrap()
    );
    let created = as_b(&[
        "create-scan",
        "--scan-name",
        "shared-name",
        "--resource-id",
        &resource,
    ]);
    assert_eq!(created.status, 0, "{}", created.stderr);
    let run = created.json["runId"].as_str().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let scan = as_b(&["get-scan", "--scan-name", "shared-name", "--run-id", run]);
        if scan.json["scanState"] == "Successful" {
            assert_eq!(scan.json["numberOfRevisions"], 1, "{}", scan.stdout);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", scan.stdout);
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    // Finding ids come from the code, so the same code has the same ids in
    // both accounts; what B sees is B's run, and its metrics count B's
    // open findings only.
    let b_findings = as_b(&[
        "get-findings",
        "--scan-name",
        "shared-name",
        "--status",
        "Open",
    ]);
    let b_open = b_findings.json["findings"].as_array().unwrap();
    assert!(!b_open.is_empty(), "{}", b_findings.stdout);
    let summary = as_b(&["get-metrics-summary", "--date", &time_now()]);
    assert_eq!(summary.status, 0, "{}", summary.stderr);
    let open = &summary.json["metricsSummary"]["openFindings"];
    let counted: f64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|severity| open[severity].as_f64().unwrap_or(0.0))
        .sum();
    assert_eq!(counted as usize, b_open.len(), "{}", summary.stdout);
    assert_eq!(
        server.findings("shared-name", "Open").len(),
        a_findings.len()
    );
});

fn time_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

// Signatures bent one way at a time; each is refused with the error AWS
// gives, and the good ones pass.
service_test!(sigv4_edge_cases, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let role = server.admin(&["user", "create", "--account", ACCOUNT_ID, "temp"]);
    let arn = role["arn"].as_str().unwrap();
    server.admin(&["policy", "attach", arn, "AmazonCodeGuruSecurityFullAccess"]);
    let session = server.admin(&["session-token", "create", arn]);
    let c = &session["credentials"];
    let upload = server.ok(&["create-upload-url", "--scan-name", "edge"]);
    let output = server.python(
        "sigv4_edges.py",
        &[
            ("SESSION_KEY_ID", c["accessKeyId"].as_str().unwrap()),
            ("SESSION_SECRET", c["secretAccessKey"].as_str().unwrap()),
            ("SESSION_TOKEN", c["sessionToken"].as_str().unwrap()),
            ("UPLOAD_URL", upload["s3Url"].as_str().unwrap()),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: BTreeMap<String, Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (v["case"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let expect = |case: &str, status: u64, kind: Option<&str>, text: &str| {
        let r = &results[case];
        assert_eq!(r["status"], status, "{case}: {r}");
        if let Some(kind) = kind {
            assert_eq!(r["type"], kind, "{case}: {r}");
        }
        assert!(
            r["message"].as_str().unwrap_or_default().contains(text),
            "{case}: {r}"
        );
    };
    expect("valid", 200, None, "");
    expect("valid_post", 200, None, "");
    expect("skew_within", 200, None, "");
    expect(
        "skew_past",
        403,
        Some("InvalidSignatureException"),
        "Signature expired",
    );
    expect(
        "skew_future",
        403,
        Some("InvalidSignatureException"),
        "Signature expired",
    );
    expect(
        "wrong_region",
        403,
        Some("InvalidSignatureException"),
        "eu-west-1",
    );
    expect(
        "wrong_service",
        403,
        Some("InvalidSignatureException"),
        "codeguru-security",
    );
    expect(
        "body_changed",
        403,
        Some("InvalidSignatureException"),
        "does not match",
    );
    expect(
        "payload_header_mismatch",
        403,
        Some("InvalidSignatureException"),
        "x-amz-content-sha256",
    );
    expect(
        "duplicate_signed_header",
        403,
        Some("IncompleteSignatureException"),
        "unique",
    );
    expect(
        "host_not_signed",
        403,
        Some("IncompleteSignatureException"),
        "'host'",
    );
    expect(
        "signed_header_missing",
        403,
        Some("IncompleteSignatureException"),
        "x-custom",
    );
    expect(
        "no_authorization",
        403,
        Some("MissingAuthenticationTokenException"),
        "",
    );
    expect("unknown_key", 403, Some("UnrecognizedClientException"), "");
    expect("wrong_secret", 403, Some("InvalidSignatureException"), "");
    expect(
        "token_on_permanent_key",
        403,
        Some("UnrecognizedClientException"),
        "",
    );
    expect("session_valid", 200, None, "");
    expect(
        "session_no_token",
        403,
        Some("UnrecognizedClientException"),
        "",
    );
    expect(
        "session_wrong_token",
        403,
        Some("UnrecognizedClientException"),
        "",
    );
    expect(
        "session_token_unsigned",
        403,
        Some("IncompleteSignatureException"),
        "x-amz-security-token",
    );
    expect(
        "upload_tampered_signature",
        403,
        Some("AccessDeniedException"),
        "signature",
    );
    expect(
        "upload_extended_expiry",
        403,
        Some("AccessDeniedException"),
        "signature",
    );
    expect(
        "upload_other_artifact",
        403,
        Some("AccessDeniedException"),
        "",
    );
});
