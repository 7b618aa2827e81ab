//! `argus serve` under hostile input and faults, driven by the real AWS
//! CLI: archives built to hurt the extractor, PostgreSQL restarting under
//! running scans, a disk filling up. Each time the server stays up, every
//! scan ends Successful or Failed with a reason, and nothing stored is lost
//! or duplicated.

#[path = "service/harness.rs"]
mod harness;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use harness::*;
use serde_json::Value;
use zip::write::SimpleFileOptions;

const GOOD: &[u8] =
    b"import hashlib\ndef h(password):\n    return hashlib.md5(password).hexdigest()\n";

fn zip_file(build: impl FnOnce(&mut zip::ZipWriter<std::fs::File>)) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    let mut zip = zip::ZipWriter::new(file.reopen().unwrap());
    build(&mut zip);
    zip.finish().unwrap();
    file
}

/// Replaces `from` by `to` (same length) everywhere in a file.
fn patch(path: &Path, from: &[u8], to: &[u8]) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    std::fs::write(path, bytes).unwrap();
}

/// A request signed by curl (`--aws-sigv4`): the raw answer, with the
/// members the AWS CLI drops (GetScan's `argus` summary).
fn signed_curl(server: &Server, method: &str, path: &str, extra: &[&str]) -> (String, String) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-X", method])
        .args([
            "--aws-sigv4",
            &format!("aws:amz:{REGION}:codeguru-security"),
        ])
        .args(["--user", &format!("{ACCESS_KEY_ID}:{SECRET_ACCESS_KEY}")])
        .args(extra)
        .arg(format!("{}{path}", server.url()))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    (status.to_string(), body.to_string())
}

/// Uploads `zip`, starts a scan, waits for its end; GetScan's raw answer.
fn scan(server: &Server, name: &str, zip: &Path) -> Value {
    let run = server.scan_dir(name, zip, &[]);
    server.wait(name, &run);
    let (status, body) = signed_curl(server, "GET", &format!("/scans/{name}?runId={run}"), &[]);
    assert_eq!(status, "200", "{body}");
    serde_json::from_str(&body).unwrap()
}

fn skipped(scan: &Value) -> Vec<String> {
    scan["argus"]["skipped"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|s| format!("{}: {}", s["path"], s["reason"]))
                .collect()
        })
        .unwrap_or_default()
}

// Whole archives refused fail their run with the reason; hostile entries
// are skipped with theirs and the rest is scanned; the server stays up.
service_test!(hostile_uploads, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let plain = SimpleFileOptions::default();

    // Entries that escape, link, name devices, nest archives, or expand
    // a thousandfold, beside one good file.
    let entries = zip_file(|zip| {
        zip.start_file("app/auth.py", plain).unwrap();
        zip.write_all(GOOD).unwrap();
        zip.start_file("../../escaped.py", plain).unwrap();
        zip.write_all(GOOD).unwrap();
        zip.add_symlink("app/passwd.py", "/etc/passwd", plain)
            .unwrap();
        zip.start_file("app/tty.py", plain.external_attributes(0o020644 << 16))
            .unwrap();
        zip.start_file("lib/vendor.zip", plain).unwrap();
        zip.write_all(b"PK\x05\x06").unwrap();
        zip.start_file(
            "app/zeros.py",
            plain.compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        zip.write_all(&vec![b' '; 4 * 1024 * 1024]).unwrap();
        zip.start_file("app/AUTH.py", plain).unwrap();
        zip.write_all(GOOD).unwrap();
    });
    let scan_entries = scan(&server, "entries", entries.path());
    assert_eq!(scan_entries["scanState"], "Successful", "{scan_entries}");
    let reasons = skipped(&scan_entries).join("\n");
    for expected in [
        "path escapes the archive root",
        "symbolic link",
        "character device",
        "nested archive not scanned",
        "compression ratio",
        "duplicate entry",
    ] {
        assert!(reasons.contains(expected), "{expected} not in:\n{reasons}");
    }
    let findings = server.findings("entries", "All");
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f["vulnerability"]["filePath"]["path"] == "app/auth.py"),
        "{findings:#?}"
    );

    // A central directory that claims more than the input limit.
    let lying = zip_file(|zip| {
        for name in ["a.py", "b.py"] {
            zip.start_file(
                name,
                plain.compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
            zip.write_all(&[b'#'; 0x1234]).unwrap();
        }
    });
    patch(
        lying.path(),
        &0x1234u32.to_le_bytes(),
        &0xFFFF_FFF0u32.to_le_bytes(),
    );
    let refused = scan(&server, "lying", lying.path());
    assert_eq!(refused["scanState"], "Failed", "{refused}");
    let message = refused["errorMessage"].as_str().unwrap();
    assert!(
        message.contains("more than the limit") || message.contains("zip"),
        "{message}"
    );

    // Too many entries for the archive limit (200,000).
    let many = zip_file(|zip| {
        let stored = plain.compression_method(zip::CompressionMethod::Stored);
        for i in 0..200_001u32 {
            zip.start_file(format!("{i:x}"), stored).unwrap();
        }
    });
    let refused = scan(&server, "many", many.path());
    assert_eq!(refused["scanState"], "Failed", "{refused}");
    assert!(
        refused["errorMessage"]
            .as_str()
            .unwrap()
            .contains("more than the limit of 200000"),
        "{refused}"
    );

    // Zip magic, then garbage.
    let garbage = tempfile::NamedTempFile::new().unwrap();
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(garbage.path(), &bytes).unwrap();
    let refused = scan(&server, "garbage", garbage.path());
    assert_eq!(refused["scanState"], "Failed", "{refused}");
    assert!(
        refused["errorMessage"]
            .as_str()
            .unwrap()
            .contains("not a valid zip archive"),
        "{refused}"
    );

    // Deep nesting that used to overflow a worker's stack and abort the
    // whole server: skipped with its reason.
    let deep = zip_file(|zip| {
        zip.start_file("app/deep.js", plain).unwrap();
        let depth = 50_000;
        zip.write_all(
            format!("var x = {}1{};\n", "[\n".repeat(depth), "]\n".repeat(depth)).as_bytes(),
        )
        .unwrap();
        zip.start_file("app/auth.py", plain).unwrap();
        zip.write_all(GOOD).unwrap();
    });
    let deep_scan = scan(&server, "deep", deep.path());
    assert_eq!(deep_scan["scanState"], "Successful", "{deep_scan}");
    assert!(
        skipped(&deep_scan)
            .join("\n")
            .contains("\"app/deep.js\": {\"kind\":\"too-deep\""),
        "{deep_scan}"
    );

    // Still serving: a good scan after all that.
    let good = zip_file(|zip| {
        zip.start_file("app/auth.py", plain).unwrap();
        zip.write_all(GOOD).unwrap();
    });
    let after = scan(&server, "after", good.path());
    assert_eq!(after["scanState"], "Successful", "{after}");
    assert!(!server.log().contains("panicked"), "{}", server.log());
});

/// A PostgreSQL instance of one test's own, which it may stop and start
/// (the machine's shared one serves other tests). Stopped and deleted when
/// dropped.
struct PrivatePostgres {
    dir: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    const BIN: &str = "/usr/lib/postgresql/15/bin";

    /// `None` (with a notice) when PostgreSQL 15 is not installed or
    /// cannot be run here.
    fn start() -> Option<PrivatePostgres> {
        if !Path::new(Self::BIN).join("initdb").exists() {
            eprintln!("PostgreSQL 15 is not installed: skipping");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("argus-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = free_port();
        let pg = PrivatePostgres { dir, port };
        // initdb refuses to run as root: run it as the postgres user then.
        if is_root() {
            let owned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&pg.dir)
                .status()
                .is_ok_and(|s| s.success());
            if !owned {
                eprintln!(
                    "cannot hand {} to the postgres user: skipping",
                    pg.dir.display()
                );
                return None;
            }
        }
        let data = pg.data();
        let init = pg.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        if !init {
            eprintln!("initdb failed: skipping");
            return None;
        }
        assert!(pg.ctl("start"), "pg_ctl start");
        Some(pg)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) -> bool {
        let binary = Path::new(Self::BIN).join(tool);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&binary);
            c
        } else {
            Command::new(&binary)
        };
        let output = command
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("PostgreSQL tools run");
        if !output.status.success() {
            eprintln!(
                "{tool} {args:?}: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        output.status.success()
    }

    fn ctl(&self, action: &str) -> bool {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        let data = self.data();
        let mut args = vec!["-D", &data, "-l", &log, "-w", "-t", "60"];
        if action != "stop" {
            args.extend(["-o", &options]);
        }
        args.extend(["-m", "fast", action]);
        self.run("pg_ctl", &args)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.ctl("stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// PostgreSQL restarts while scans run and requests arrive: requests fail
// fast and cleanly during the outage, and afterwards every scan has ended
// with its findings stored once.
#[test]
fn postgres_restarting_under_scans() {
    let Some(pg) = PrivatePostgres::start() else {
        return;
    };
    let url = pg.url();
    let Some(server) = Server::start(
        Backend::Sqlite,
        &[
            "--database-url",
            &url,
            "--debug-job-lease-seconds",
            "2",
            "--debug-scan-delay-ms",
            "1500",
        ],
    ) else {
        return;
    };
    let fixtures = fixtures().join("v1");
    let runs: Vec<(String, String)> = (0..4)
        .map(|i| {
            let name = format!("pg-{i}");
            let run = server.scan_dir(&name, &fixtures, &[]);
            (name, run)
        })
        .collect();

    // Down while the scans run (each waits 1.5 s before scanning).
    assert!(pg.ctl("stop"), "pg_ctl stop");
    let started = Instant::now();
    let during = server.aws_as(
        &["list-scans"],
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        &[("AWS_MAX_ATTEMPTS", "1")],
    );
    let took = started.elapsed();
    assert_ne!(during.status, 0, "answered without its database?");
    assert!(
        during.stderr.contains("InternalServerException") && during.stderr.contains("request id"),
        "a clean error during the outage: {}",
        during.stderr
    );
    assert!(
        took < Duration::from_secs(30),
        "the request hung for {took:?}"
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(pg.ctl("start"), "pg_ctl start");

    // A restart too, as an operator would do it.
    std::thread::sleep(Duration::from_secs(1));
    assert!(pg.ctl("restart"), "pg_ctl restart");

    for (name, run) in &runs {
        let scan = server.wait(name, run);
        match scan["scanState"].as_str() {
            Some("Successful") => {}
            Some("Failed") => assert!(scan["errorMessage"].is_string(), "{scan}"),
            other => panic!("{name}: {other:?}\n{}", server.log()),
        }
        let findings = server.findings(name, "All");
        let ids: HashSet<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), findings.len(), "duplicate findings in {name}");
        if scan["scanState"] == "Successful" {
            assert_eq!(findings.len(), 4, "{name}: {findings:#?}");
        }
    }
    // Serving as before.
    assert_eq!(
        server.ok(&["list-scans"])["summaries"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let again = server.scan_dir("pg-after", &fixtures, &[]);
    assert_eq!(server.wait("pg-after", &again)["scanState"], "Successful");
}

/// A small tmpfs mounted for one test; unmounted when dropped.
struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    /// `None` (with a notice) when this process may not mount.
    fn mount(dir: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("cannot mount a tmpfs (not root?): skipping the full-disk test");
            return None;
        }
        Some(SmallDisk {
            dir: dir.to_path_buf(),
        })
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// PUTs a file to an upload URL; the HTTP status and body.
fn put(url: &str, file: &Path) -> (String, String) {
    let out = Command::new("curl")
        .args([
            "-s",
            "-w",
            "\n%{http_code}",
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
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    (status.to_string(), body.to_string())
}

// The artifact store's disk fills up: the upload that does not fit gets a
// clean error, what was stored before stays, and once there is room again
// uploads and scans work.
#[test]
fn a_full_disk() {
    let Some(server) = Server::start(Backend::Sqlite, &[]) else {
        return;
    };
    let artifacts = server.data_dir.path().join("artifacts");
    let Some(disk) = SmallDisk::mount(&artifacts, "6m") else {
        return;
    };
    let name = "disk";
    let first = server.scan_dir(name, &fixtures().join("v1"), &[]);
    assert_eq!(server.wait(name, &first)["scanState"], "Successful");
    let before = server.findings(name, "All");
    assert_eq!(before.len(), 4);

    // Incompressible bytes in a stored entry, larger than what is left.
    let big = zip_file(|zip| {
        zip.start_file(
            "blob.bin",
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: Vec<u8> = (0..8 * 1024 * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        zip.write_all(&noise).unwrap();
    });
    let upload = server.ok(&["create-upload-url", "--scan-name", name]);
    let (status, body) = put(upload["s3Url"].as_str().unwrap(), big.path());
    assert_eq!(status, "500", "{body}");
    assert!(body.contains("request id"), "{body}");
    assert!(
        server.log().contains("No space left on device"),
        "the log says why: {}",
        server.log()
    );
    // The failed upload did not keep the space it took.
    let used: u64 = walk_size(&artifacts);
    assert!(used < 2 * 1024 * 1024, "{used} bytes left behind");
    // What was stored before is intact; the server still serves.
    assert_eq!(server.findings(name, "All"), before);
    let err = server.aws(&[
        "create-scan",
        "--scan-name",
        name,
        "--resource-id",
        &format!(
            "codeArtifactId={}",
            upload["codeArtifactId"].as_str().unwrap()
        ),
    ]);
    assert!(
        err.error("ValidationException")
            .contains("no uploaded code"),
        "{}",
        err.stderr
    );

    // Room again: the same upload and a scan go through.
    disk.resize("64m");
    let upload = server.ok(&["create-upload-url", "--scan-name", name]);
    let (status, body) = put(upload["s3Url"].as_str().unwrap(), big.path());
    assert_eq!(status, "200", "{body}");
    let run = server.scan_dir(name, &fixtures().join("v2"), &[]);
    assert_eq!(server.wait(name, &run)["scanState"], "Successful");
    drop(server);
}

fn walk_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            walk_size(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

/// Sends raw bytes as one HTTP request; the status line and the rest.
fn raw_http(server: &Server, request: &[u8]) -> (String, String) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(&server.endpoint).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The server may answer before reading everything (a 413, a 431).
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (status, rest) = text.split_once("\r\n").unwrap_or((&text, ""));
    (status.to_string(), rest.to_string())
}

// Oversized and malformed requests get an HTTP answer naming the problem,
// never a dropped connection; signed requests with bad members name them.
service_test!(malformed_requests_on_the_wire, |backend| {
    let Some(server) = Server::start(backend, &[]) else {
        return;
    };
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let (status, _) = raw_http(
        &server,
        format!("GET /scans HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{many}\r\n").as_bytes(),
    );
    assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large");
    let big = "x".repeat(600_000);
    let (status, _) = raw_http(
        &server,
        format!("GET /scans HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: {big}\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large");
    let body = vec![b'{'; 2 * 1024 * 1024];
    let mut request = format!(
        "POST /scans HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend(&body);
    let (status, rest) = raw_http(&server, &request);
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large", "{rest}");
    assert!(
        rest.to_ascii_lowercase()
            .contains("x-amzn-errortype: validationexception"),
        "{rest}"
    );

    // Signed, well-formed HTTP, bad members.
    for (body, field) in [
        (r#"{"scanName": 7}"#, "\"name\":\"scanName\""),
        (
            r#"{"scanName":"s","resourceId":{"codeArtifactId":"x"}}"#,
            "\"name\":\"resourceId.codeArtifactId\"",
        ),
        (
            r#"{"scanName":"s","resourceId":{"codeArtifactId":"3f2b9c1e-8d4a-4b7e-9f10-2a6c5d7e8f90"},"analysisType":"Everything"}"#,
            "\"name\":\"analysisType\"",
        ),
        (r#"{"scanName":"#, "\"reason\":\"cannotParse\""),
    ] {
        let (status, answer) = signed_curl(
            &server,
            "POST",
            "/scans",
            &[
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                body,
            ],
        );
        assert_eq!(status, "400", "{body}: {answer}");
        assert!(answer.contains(field), "{body}: {answer}");
    }
    let (status, answer) = signed_curl(&server, "GET", "/scans?maxResults=abc", &[]);
    assert_eq!(status, "400", "{answer}");
    assert!(answer.contains("\"name\":\"maxResults\""), "{answer}");
    // Still serving.
    server.ok(&["list-scans"]);
});
