//! Encryption at rest, end to end: `argus serve` driven by the AWS CLI on
//! SQLite and PostgreSQL; keys managed with `argus admin key`; the stored
//! bytes searched for the code that was uploaded.

#[path = "service/harness.rs"]
mod harness;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::*;

/// Code whose flagged line carries a unique marker: it lands in the
/// finding's snippet, code and fix.
fn canary_code() -> (tempfile::TempDir, String) {
    let marker = format!("argus-plaintext-canary-{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/auth.py"),
        format!(
            "import hashlib\n\n\ndef hash_password(password: str) -> str:\n    \
             return hashlib.md5(password.encode(\"utf-8\")).hexdigest()  # {marker}\n"
        ),
    )
    .unwrap();
    (dir, marker)
}

/// A zip that stores its files uncompressed: plaintext in it would be
/// found by a byte search, so the search proves the stored copy is sealed.
fn stored_zip(dir: &Path) -> tempfile::NamedTempFile {
    use std::io::Write;
    let file = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    let mut zip = zip::ZipWriter::new(file.reopen().unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("app/auth.py", options).unwrap();
    zip.write_all(&std::fs::read(dir.join("app/auth.py")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    file
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Every file under `dir` that holds `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if contains(&std::fs::read(&path).unwrap_or_default(), needle) {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Every row of every table of a PostgreSQL database, as text.
fn dump_postgres(url: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sqlx::{Connection, Row};
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        let tables: Vec<String> = sqlx::query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
        assert!(tables.iter().any(|t| t == "findings"), "{tables:?}");
        let mut dump = String::new();
        for table in tables {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT t::text FROM {table} t"
            )))
            .fetch_all(&mut conn)
            .await
            .unwrap();
            for row in rows {
                dump.push_str(&row.get::<String, _>(0));
                dump.push('\n');
            }
        }
        let _ = conn.close().await;
        dump
    })
}

// The marker is in what the API returns, and nowhere in the database or
// the artifact files.
service_test!(no_plaintext_code_at_rest, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let (code, marker) = canary_code();
    let zip = stored_zip(code.path());
    assert!(contains(&std::fs::read(zip.path()).unwrap(), &marker));
    server.scan_and_wait("canary", zip.path());
    let findings = server.findings("canary", "All");
    assert!(
        findings.iter().any(|f| f.to_string().contains(&marker)),
        "the API serves the code: {findings:#?}"
    );
    // A revision: the finding is matched (decrypted) and rewritten.
    server.scan_and_wait("canary", zip.path());
    assert_eq!(server.findings("canary", "Open").len(), findings.len());

    let data_dir = server.data_dir.path();
    assert!(data_dir.join("artifacts").is_dir());
    assert!(data_dir.join("master.key").is_file());
    let leaks = files_containing(data_dir, &marker);
    assert!(leaks.is_empty(), "plaintext in {leaks:?}");
    if let Some(db) = &server.database {
        let dump = dump_postgres(&db.url);
        assert!(dump.contains("canary"), "the dump has the scan: {dump}");
        assert!(!dump.contains(&marker), "plaintext in the database");
    }
});

// A customer key: selected with UpdateAccountConfiguration; disabling it
// makes findings and metrics unreadable and scans fail with the reason;
// enabling it restores everything; deleting it is for good.
service_test!(customer_key_lifecycle, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let key = server.admin(&[
        "key",
        "create",
        "--account",
        ACCOUNT_ID,
        "--description",
        "ci",
    ]);
    let arn = key["arn"].as_str().unwrap().to_string();
    assert!(
        arn.starts_with(&format!("arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/")),
        "{key}"
    );
    assert_eq!(key["keyState"], "Enabled");
    let listed = server.admin(&["key", "list", "--account", ACCOUNT_ID]);
    assert_eq!(listed["keys"][0]["arn"], arn.as_str());

    // Keys that cannot be used are refused, naming the field or the key.
    let unknown = format!(
        "kmsKeyArn=arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{}",
        uuid::Uuid::new_v4()
    );
    let err = server.aws(&[
        "update-account-configuration",
        "--encryption-config",
        &unknown,
    ]);
    assert!(err.error("ResourceNotFoundException").contains("not found"));
    let foreign = format!(
        "kmsKeyArn=arn:aws:kms:{REGION}:210987654321:key/{}",
        uuid::Uuid::new_v4()
    );
    let err = server.aws(&[
        "update-account-configuration",
        "--encryption-config",
        &foreign,
    ]);
    assert!(err.error("AccessDeniedException").contains("210987654321"));
    let elsewhere = arn.replace(REGION, "eu-west-1");
    let err = server.aws(&[
        "update-account-configuration",
        "--encryption-config",
        &format!("kmsKeyArn={elsewhere}"),
    ]);
    assert!(
        err.error("ValidationException")
            .contains("encryptionConfig.kmsKeyArn"),
        "{}",
        err.stderr
    );

    let config = server.ok(&[
        "update-account-configuration",
        "--encryption-config",
        &format!("kmsKeyArn={arn}"),
    ]);
    assert_eq!(config["encryptionConfig"]["kmsKeyArn"], arn.as_str());
    let config = server.ok(&["get-account-configuration"]);
    assert_eq!(config["encryptionConfig"]["kmsKeyArn"], arn.as_str());

    let (code, marker) = canary_code();
    server.scan_and_wait("keyed", code.path());
    let findings = server.findings("keyed", "All");
    assert!(findings.iter().any(|f| f.to_string().contains(&marker)));
    let id = findings[0]["id"].as_str().unwrap().to_string();
    // Uploaded now, scanned once the key is disabled.
    let artifact = server.upload_zip("keyed", zip_dir(code.path()).path());

    let disabled = server.admin(&["key", "disable", &arn]);
    assert_eq!(disabled["keyState"], "Disabled");
    let err = server.aws(&["get-findings", "--scan-name", "keyed"]);
    let message = err.error("AccessDeniedException");
    assert!(
        message.contains(&arn) && message.contains("disabled"),
        "{message}"
    );
    let err = server.aws(&[
        "batch-get-findings",
        "--finding-identifiers",
        &format!("scanName=keyed,findingId={id}"),
    ]);
    assert!(err.error("AccessDeniedException").contains(&arn));
    let err = server.aws(&["get-metrics-summary", "--date", "2026-01-01T00:00:00Z"]);
    assert!(err.error("AccessDeniedException").contains("disabled"));
    let run = server.ok(&[
        "create-scan",
        "--scan-name",
        "keyed",
        "--resource-id",
        &format!("codeArtifactId={artifact}"),
    ]);
    let scan = server.wait("keyed", run["runId"].as_str().unwrap());
    assert_eq!(scan["scanState"], "Failed", "{scan}");
    let reason = scan["errorMessage"].as_str().unwrap();
    assert!(
        reason.contains(&arn) && reason.contains("disabled"),
        "{reason}"
    );
    // New uploads cannot be encrypted either.
    let upload = server.ok(&["create-upload-url", "--scan-name", "keyed"]);
    let put = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "PUT",
            "-T",
        ])
        .arg(zip_dir(code.path()).path())
        .arg(upload["s3Url"].as_str().unwrap())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&put.stdout), "403");
    // Nor can a disabled key be selected.
    let err = server.aws(&[
        "update-account-configuration",
        "--encryption-config",
        &format!("kmsKeyArn={arn}"),
    ]);
    assert!(err.error("ValidationException").contains("disabled"));

    server.admin(&["key", "enable", &arn]);
    let again = server.findings("keyed", "All");
    assert_eq!(again.len(), findings.len());
    assert!(again.iter().any(|f| f.to_string().contains(&marker)));
    server.scan_and_wait("keyed", code.path());

    // Back to the service-owned key: old data stays under the customer key.
    let config = server.ok(&["update-account-configuration", "--encryption-config", "{}"]);
    assert_eq!(config["encryptionConfig"], serde_json::json!({}));
    server.scan_and_wait("other", code.path());
    let refused = server.admin_command(&["key", "delete", &arn]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    let deleted = server.admin(&["key", "delete", &arn, "--yes"]);
    assert_eq!(deleted["keyState"], "Deleted");
    let err = server.aws(&["get-findings", "--scan-name", "keyed"]);
    assert!(err.error("AccessDeniedException").contains("deleted"));
    assert!(
        !server.findings("other", "All").is_empty(),
        "other data is unaffected"
    );
    let enable = server.admin_command(&["key", "enable", &arn]);
    assert!(!enable.status.success(), "a deleted key stays deleted");
});

/// Starts `argus serve` on `data_dir` and the database; returns its exit
/// status and log when it stops by itself, `None` while it still runs
/// after it printed that it listens (it is then killed).
fn serve_once(data_dir: &Path, database_url: &str, extra: &[&str]) -> Option<(bool, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_argus"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--workers",
            "0",
            "--data-dir",
        ])
        .arg(data_dir)
        .args(["--database-url", database_url])
        .args(extra)
        .env_remove("ARGUS_MASTER_KEY_FILE")
        .env_remove("ARGUS_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        assert!(
            Instant::now() < deadline,
            "argus serve neither started nor stopped: {log}"
        );
        if line.contains("listening on") {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
    }
    let status = child.wait().unwrap();
    Some((status.success(), log))
}

// Nodes of one database must share the master key: another one is refused
// with a clear error, before anything is served.
service_test!(another_master_key_is_refused, |backend| {
    let Some(mut server) = Server::start(backend, &[]) else {
        return;
    };
    let (code, _) = canary_code();
    server.scan_and_wait("first", code.path());
    server.stop();
    let url = match &server.database {
        Some(db) => db.url.clone(),
        None => format!(
            "sqlite://{}",
            server.data_dir.path().join("argus.db").display()
        ),
    };
    // A second node with a data directory of its own: no key file there.
    let node = tempfile::tempdir().unwrap();
    let (ok, log) = serve_once(node.path(), &url, &[]).expect("refused");
    assert!(!ok);
    assert!(
        log.contains("does not exist") && log.contains("same --master-key-file"),
        "{log}"
    );
    // A key file with another key.
    let other = node.path().join("other.key");
    std::fs::write(&other, format!("{}\n", "5a".repeat(32))).unwrap();
    let (ok, log) = serve_once(
        node.path(),
        &url,
        &["--master-key-file", other.to_str().unwrap()],
    )
    .expect("refused");
    assert!(!ok);
    assert!(
        log.contains("is not the one") && log.contains("same --master-key-file"),
        "{log}"
    );
    // The first node's key, from the configuration file: it starts.
    let shared = server.data_dir.path().join("master.key");
    let config = node.path().join("argus.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nmaster_key_file = {:?}\n",
            shared.to_str().unwrap()
        ),
    )
    .unwrap();
    assert!(
        serve_once(node.path(), &url, &["--config", config.to_str().unwrap()]).is_none(),
        "starts with the shared key"
    );
    server.restart_with(&[]);
    assert!(!server.findings("first", "All").is_empty());
});
