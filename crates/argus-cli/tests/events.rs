//! Events and the audit log end to end: `argus serve` delivers signed,
//! EventBridge-shaped events to a webhook receiver this test runs, retries
//! them, and keeps them across a restart; every request lands in the audit
//! log without secrets or code; `/metrics` reports what happened.

#[path = "service/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use harness::*;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
    status: u16,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A webhook receiver on 127.0.0.1: answers 500 to the very first delivery
/// and 200 to every other one.
struct Receiver {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(port: u16, received: Arc<Mutex<Vec<Received>>>) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, received) = (stop.clone(), received.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve_one(stream, &received);
                    }
                }
            })
        };
        Receiver {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// Closes the port: deliveries are refused until a new receiver binds it.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve_one(stream: TcpStream, received: &Mutex<Vec<Received>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    let length: usize = headers["content-length"].parse().unwrap();
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let mut received = received.lock().unwrap();
    let status = if received.is_empty() { 500 } else { 200 };
    assert!(request_line.starts_with("POST /hook "), "{request_line}");
    received.push(Received {
        headers,
        body: String::from_utf8(body).unwrap(),
        status,
    });
    let reason = if status == 200 {
        "OK"
    } else {
        "Internal Server Error"
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

fn wait_until(what: &str, server: &Server, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn verify_signature(secret: &str, delivery: &Received) {
    let header = &delivery.headers["x-argus-signature"];
    let (t, v1) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
        .unwrap_or_else(|| panic!("bad signature header {header}"));
    let age = time::OffsetDateTime::now_utc().unix_timestamp() - t.parse::<i64>().unwrap();
    assert!((0..600).contains(&age), "signed {age} s ago");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", delivery.body).as_bytes());
    assert_eq!(v1, hex::encode(mac.finalize().into_bytes()), "signature");
}

/// The acknowledged events of a run, in the order they arrived.
fn run_events(received: &[Received], run_id: &str) -> Vec<Value> {
    received
        .iter()
        .filter(|r| r.status == 200)
        .map(Received::json)
        .filter(|e| e["detail"]["runId"] == run_id)
        .collect()
}

fn scan_state(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e["detail-type"] == "CodeGuru Security Scan State Change")
        .map(|e| e["detail"]["scanState"].as_str().unwrap())
        .collect()
}

fn check_run_events(events: &[Value], scan: &str, opened: &[Value], closed: &[Value]) {
    assert_eq!(
        scan_state(events),
        ["InProgress", "Successful"],
        "{events:#?}"
    );
    assert_eq!(events.first().unwrap()["detail"]["scanState"], "InProgress");
    assert_eq!(events.last().unwrap()["detail"]["scanState"], "Successful");
    let arn = format!("arn:aws:codeguru-security:{REGION}:{ACCOUNT_ID}:scans/{scan}");
    for event in events {
        assert_eq!(event["version"], "0");
        assert_eq!(event["source"], "aws.codeguru-security");
        assert_eq!(event["account"], ACCOUNT_ID);
        assert_eq!(event["region"], REGION);
        assert_eq!(event["resources"], serde_json::json!([arn]));
        assert!(event["time"].as_str().unwrap().ends_with('Z'), "{event}");
        assert!(event["id"].as_str().is_some_and(|id| id.len() == 36));
        assert_eq!(event["detail"]["scanName"], scan);
    }
    let findings: Vec<&Value> = events
        .iter()
        .filter(|e| e["detail-type"] == "CodeGuru Security Finding Status Change")
        .collect();
    let with_status = |status: &str| -> Vec<String> {
        let mut ids: Vec<String> = findings
            .iter()
            .filter(|e| e["detail"]["status"] == status)
            .map(|e| e["detail"]["findingId"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let ids = |list: &[Value]| -> Vec<String> {
        let mut ids: Vec<String> = list
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(with_status("Open"), ids(opened), "opened findings");
    assert_eq!(with_status("Closed"), ids(closed), "closed findings");
    for event in &findings {
        let detail = &event["detail"];
        for field in ["detectorId", "severity", "filePath", "findingId"] {
            assert!(detail[field].is_string(), "{field} in {detail}");
        }
        if detail["status"] == "Open" {
            assert!(detail["line"].as_i64().is_some_and(|l| l > 0), "{detail}");
        }
    }
    let counts = &events.last().unwrap()["detail"]["findingCounts"];
    assert_eq!(counts["opened"], opened.len());
    assert_eq!(counts["closed"], closed.len());
}

/// Lines of flagged code, which neither events nor the audit log may hold.
fn snippet_lines(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .flat_map(|f| {
            f["vulnerability"]["filePath"]["codeSnippet"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|l| l["content"].as_str().map(|c| c.trim().to_string()))
        .filter(|c| c.len() >= 12)
        .collect()
}

// Run 1 is delivered despite a failed first attempt; run 2 happens while
// the receiver is down, the server stops, and its events arrive after the
// restart: in order, signed, each acknowledged once.
service_test!(webhook_events_survive_failures_and_restarts, |backend| {
    let received = Arc::new(Mutex::new(Vec::new()));
    let mut receiver = Receiver::start(0, received.clone());
    let args = ["--debug-event-retry-ms", "300"];
    let Some(mut server) = Server::start(backend, &args) else {
        return;
    };
    let added: Value = serde_json::from_str(&server.admin_text(&[
        "webhook",
        "add",
        "--account",
        ACCOUNT_ID,
        "--url",
        &receiver.url(),
    ]))
    .unwrap();
    let secret = added["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{added}");
    let listed = server.admin_text(&["webhook", "list", "--account", ACCOUNT_ID]);
    assert!(
        listed.contains(added["targetId"].as_str().unwrap()),
        "{listed}"
    );
    assert!(!listed.contains(&secret), "the secret is listed: {listed}");
    let refused = server.admin_command(&[
        "webhook",
        "add",
        "--account",
        ACCOUNT_ID,
        "--url",
        "ftp://x",
        "--event",
        "ScanStateChange",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--url"));

    let name = "events-service";
    let run1 = server.scan_dir(name, &harness::fixtures().join("v1"), &[]);
    assert_eq!(server.wait(name, &run1)["scanState"], "Successful");
    let open1 = server.findings(name, "Open");
    assert!(!open1.is_empty());
    wait_until("run 1's events", &server, || {
        scan_state(&run_events(&received.lock().unwrap(), &run1)) == ["InProgress", "Successful"]
    });
    {
        let received = received.lock().unwrap();
        // The first delivery failed and the same event came again.
        assert_eq!(received[0].status, 500);
        assert_eq!(
            received[0].headers["x-argus-event-id"],
            received[1].headers["x-argus-event-id"]
        );
        for delivery in received.iter() {
            verify_signature(&secret, delivery);
            assert_eq!(delivery.headers["content-type"], "application/json");
            assert_eq!(delivery.headers["x-argus-event-id"], delivery.json()["id"]);
        }
        check_run_events(&run_events(&received, &run1), name, &open1, &[]);
    }

    // Run 2 while the receiver is down: the events wait in the outbox.
    receiver.stop();
    let mark = server.log_len();
    let run2 = server.scan_dir(name, &harness::fixtures().join("v2"), &[]);
    assert_eq!(server.wait(name, &run2)["scanState"], "Successful");
    let closed2: Vec<Value> = server.findings(name, "Closed").into_iter().collect();
    let open_ids1: Vec<&Value> = open1.iter().map(|f| &f["id"]).collect();
    let opened2: Vec<Value> = server
        .findings(name, "Open")
        .into_iter()
        .filter(|f| !open_ids1.contains(&&f["id"]))
        .collect();
    assert!(!closed2.is_empty(), "v2 closes findings");
    assert!(
        server.wait_for_log_since(mark, "event delivery failed; retrying"),
        "{}",
        server.log()
    );
    assert!(server.stop(), "graceful stop");
    let before_restart = received.lock().unwrap().len();
    let mut receiver = Receiver::start(receiver.port, received.clone());
    server.restart_with(&args);
    wait_until("run 2's events after the restart", &server, || {
        scan_state(&run_events(&received.lock().unwrap(), &run2)) == ["InProgress", "Successful"]
    });
    let received = received.lock().unwrap().clone();
    assert!(
        received[before_restart..]
            .iter()
            .any(|r| r.json()["detail"]["runId"] == run2),
        "run 2's events came after the restart"
    );
    check_run_events(&run_events(&received, &run2), name, &opened2, &closed2);
    // At least once, and once acknowledged: an id seen again is a retry
    // of a refused delivery.
    let mut acknowledged: HashMap<String, usize> = HashMap::new();
    for delivery in &received {
        verify_signature(&secret, delivery);
        if delivery.status == 200 {
            *acknowledged
                .entry(delivery.headers["x-argus-event-id"].clone())
                .or_default() += 1;
        }
    }
    assert!(acknowledged.values().all(|&n| n == 1), "{acknowledged:?}");
    // No code in any event.
    let all_findings = server.findings(name, "All");
    let bodies: String = received.iter().map(|r| r.body.as_str()).collect();
    for line in snippet_lines(&all_findings) {
        assert!(!bodies.contains(&line), "code in an event: {line}");
    }
    receiver.stop();

    // A removed target gets nothing more.
    let target = added["targetId"].as_str().unwrap();
    server.admin_text(&["webhook", "remove", target]);
    assert!(!server.admin_text(&["webhook", "list"]).contains(target));
    assert!(
        !server
            .admin_command(&["webhook", "remove", target])
            .status
            .success()
    );
});

fn audit_records(server: &Server) -> Vec<Value> {
    let path = server.data_dir.path().join("audit/argus-audit.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn curl(args: &[&str]) -> String {
    let output = Command::new("curl").arg("-sS").args(args).output().unwrap();
    assert!(output.status.success(), "curl {args:?}");
    String::from_utf8(output.stdout).unwrap()
}

// Every request is recorded, refused ones too, with who, what and from
// where, and without secrets or code; admin audit filters the file;
// /metrics counts the same requests.
service_test!(audit_log_and_metrics, |backend| {
    let metrics_port = free_port().to_string();
    let metrics_listen = format!("127.0.0.1:{metrics_port}");
    let Some(server) = Server::start(backend, &["--metrics-listen", &metrics_listen]) else {
        return;
    };
    let name = "audited";
    let upload = server.ok(&["create-upload-url", "--scan-name", name]);
    let url = upload["s3Url"].as_str().unwrap();
    let upload_signature = url.split("X-Argus-Signature=").nth(1).unwrap().to_string();
    assert!(upload_signature.len() >= 32);
    let zip = zip_dir(&fixtures().join("v1"));
    curl(&[
        "--fail-with-body",
        "-X",
        "PUT",
        "-T",
        zip.path().to_str().unwrap(),
        url,
    ]);
    let artifact = upload["codeArtifactId"].as_str().unwrap();
    let created = server.ok(&[
        "create-scan",
        "--scan-name",
        name,
        "--resource-id",
        &format!("codeArtifactId={artifact}"),
        "--tags",
        "team=appsec",
    ]);
    let run = created["runId"].as_str().unwrap();
    assert_eq!(server.wait(name, run)["scanState"], "Successful");
    let findings = server.findings(name, "All");
    assert!(!findings.is_empty());
    let wrong_secret = "wrong-secret-0000000000000000000000000000";
    server
        .aws_as(&["list-scans"], ACCESS_KEY_ID, wrong_secret, &[])
        .error("InvalidSignatureException");
    server
        .aws(&["get-scan", "--scan-name", "no-such-scan"])
        .error("ResourceNotFoundException");
    let unsigned = curl(&["-i", &format!("{}/scans", server.url())]);
    let request_id = unsigned
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-amzn-requestid:")
                .map(|_| l[17..].trim().to_string())
        })
        .unwrap_or_else(|| panic!("no request id in {unsigned}"));

    // The writer is asynchronous: wait for the last request's record.
    wait_until("the audit records", &server, || {
        audit_records(&server)
            .iter()
            .any(|r| r["requestID"] == request_id.as_str())
    });
    let text =
        std::fs::read_to_string(server.data_dir.path().join("audit/argus-audit.jsonl")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(server.data_dir.path().join("audit/argus-audit.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    for secret in [SECRET_ACCESS_KEY, wrong_secret, upload_signature.as_str()] {
        assert!(!text.contains(secret), "a secret in the audit log");
    }
    for line in snippet_lines(&findings) {
        assert!(!text.contains(&line), "code in the audit log: {line}");
    }
    let records = audit_records(&server);
    let by_name = |event: &str| -> Vec<&Value> {
        records.iter().filter(|r| r["eventName"] == event).collect()
    };
    for record in &records {
        for field in [
            "eventVersion",
            "userIdentity",
            "eventTime",
            "eventSource",
            "eventName",
            "awsRegion",
            "sourceIPAddress",
            "userAgent",
            "requestParameters",
            "responseElements",
            "requestID",
            "eventID",
            "readOnly",
            "eventType",
            "managementEvent",
            "recipientAccountId",
            "eventCategory",
        ] {
            assert!(record.get(field).is_some(), "{field} missing in {record}");
        }
        assert_eq!(record["eventSource"], "codeguru-security.amazonaws.com");
        assert_eq!(record["eventType"], "AwsApiCall");
        assert_eq!(record["awsRegion"], REGION);
        assert_eq!(record["sourceIPAddress"], "127.0.0.1");
    }
    let ids: std::collections::HashSet<&str> = records
        .iter()
        .map(|r| r["eventID"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), records.len(), "event ids are unique");

    let create_url = by_name("CreateUploadUrl")[0];
    assert_eq!(create_url["requestParameters"]["scanName"], name);
    assert_eq!(create_url["readOnly"], false);
    let s3_url = create_url["responseElements"]["s3Url"].as_str().unwrap();
    assert!(s3_url.ends_with(&format!("/upload/{artifact}")), "{s3_url}");
    assert_eq!(create_url["userIdentity"]["accessKeyId"], ACCESS_KEY_ID);
    assert_eq!(create_url["userIdentity"]["accountId"], ACCOUNT_ID);
    assert_eq!(create_url["recipientAccountId"], ACCOUNT_ID);
    assert!(
        create_url["userAgent"]
            .as_str()
            .unwrap()
            .contains("aws-cli")
    );

    let put = by_name("PutCodeArtifact")[0];
    assert_eq!(put["userIdentity"]["accountId"], ACCOUNT_ID);
    assert_eq!(put["requestParameters"]["codeArtifactId"], artifact);
    assert_eq!(
        put["requestParameters"]["X-Argus-Signature"],
        "HIDDEN_DUE_TO_SECURITY_REASONS"
    );
    assert!(put["errorCode"].is_null());

    let create_scan = by_name("CreateScan")[0];
    assert_eq!(
        create_scan["requestParameters"]["resourceId"]["codeArtifactId"],
        artifact
    );
    assert_eq!(create_scan["requestParameters"]["tags"]["team"], "appsec");
    assert_eq!(create_scan["responseElements"]["runId"], run);
    assert_eq!(create_scan["responseElements"]["scanState"], "InProgress");

    let get_findings = by_name("GetFindings");
    assert!(!get_findings.is_empty());
    for record in get_findings {
        assert!(record["responseElements"].is_null());
        assert_eq!(record["readOnly"], true);
        assert_eq!(record["requestParameters"]["scanName"], name);
    }

    let refused: Vec<&Value> = by_name("ListScans")
        .into_iter()
        .filter(|r| r["errorCode"] == "InvalidSignatureException")
        .collect();
    assert_eq!(refused.len(), 1, "{records:#?}");
    assert_eq!(refused[0]["userIdentity"]["accessKeyId"], ACCESS_KEY_ID);
    assert!(
        refused[0]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("signature")
    );
    let missing = by_name("GetScan")
        .into_iter()
        .find(|r| r["errorCode"] == "ResourceNotFoundException")
        .expect("the GetScan of a missing scan");
    assert_eq!(missing["requestParameters"]["scanName"], "no-such-scan");
    let anonymous = records
        .iter()
        .find(|r| r["requestID"] == request_id.as_str())
        .unwrap();
    assert_eq!(
        anonymous["errorCode"],
        "MissingAuthenticationTokenException"
    );
    assert_eq!(anonymous["userIdentity"]["type"], "Unknown");
    assert!(anonymous["recipientAccountId"].is_null());

    // argus admin audit.
    let lines = |out: String| -> Vec<Value> {
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let scans = lines(server.admin_text(&["audit", "--event-name", "CreateScan", "--json"]));
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0]["eventID"], create_scan["eventID"]);
    let errors = lines(server.admin_text(&["audit", "--errors-only", "--json", "--since", "-1h"]));
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors.iter().all(|r| !r["errorCode"].is_null()));
    let mine = lines(server.admin_text(&["audit", "--user", ACCESS_KEY_ID, "--json"]));
    assert_eq!(
        mine.len(),
        records
            .iter()
            .filter(|r| r["userIdentity"]["accessKeyId"] == ACCESS_KEY_ID)
            .count()
    );
    let last_two = lines(server.admin_text(&["audit", "--limit", "2", "--json"]));
    assert_eq!(last_two.len(), 2);
    assert_eq!(last_two[1]["requestID"], request_id.as_str());
    assert!(lines(server.admin_text(&["audit", "--until", "-1h", "--json"])).is_empty());
    let table = server.admin_text(&["audit", "--event-name", "CreateScan"]);
    assert!(table.starts_with("TIME"), "{table}");
    assert!(
        table.contains("CreateScan") && table.contains("arn:aws:iam::"),
        "{table}"
    );
    let bad = server.admin_command(&["audit", "--since", "yesterday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since"));

    // /metrics.
    let metrics = curl(&[&format!("http://{metrics_listen}/metrics")]);
    for line in [
        "argus_requests_total{operation=\"CreateScan\",code=\"200\"} 1",
        // The wrong secret and the unsigned request.
        "argus_requests_total{operation=\"ListScans\",code=\"403\"} 2",
        "argus_requests_total{operation=\"GetScan\",code=\"404\"} 1",
        "argus_request_duration_seconds_count{operation=\"CreateScan\"} 1",
        "argus_scans{state=\"Successful\"} 1",
        "argus_scans{state=\"InProgress\"} 0",
        "argus_jobs_queued 0",
        "argus_jobs_running 0",
        "argus_events_pending 0",
        "argus_audit_records_dropped_total 0",
        "argus_build_info{version=\"",
    ] {
        assert!(metrics.contains(line), "{line} missing in\n{metrics}");
    }
    let written: usize = metrics
        .lines()
        .find_map(|l| l.strip_prefix("argus_audit_records_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(written >= records.len(), "{written} < {}", records.len());
});
