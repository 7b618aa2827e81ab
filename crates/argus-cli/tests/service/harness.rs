//! Starts `argus serve` as a user would (the built binary, a temporary data
//! directory, SQLite or a fresh PostgreSQL database) and drives it with the
//! real AWS CLI and boto3 from the test virtualenv.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const ACCESS_KEY_ID: &str = "AKIDARGUSTEST0000001";
pub const SECRET_ACCESS_KEY: &str = "argus-test-secret-0123456789abcdefghijklmn";
pub const ACCOUNT_ID: &str = "123456789012";
pub const REGION: &str = "us-east-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service")
}

/// The virtualenv with awscli and boto3 (`.ci/run` creates it).
pub fn venv() -> PathBuf {
    let venv = std::env::var_os("ARGUS_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv"));
    assert!(
        venv.join("bin/aws").exists() && venv.join("bin/python").exists(),
        "the service tests drive argus with the real AWS CLI and boto3: create {} with \
         `python3 -m venv .venv && .venv/bin/pip install awscli==1.46.3 boto3==1.44.8` (bash .ci/run does this) \
         or point ARGUS_TEST_VENV at one",
        venv.display()
    );
    venv
}

/// A PostgreSQL database created for one test and dropped after it.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    /// `None` when ARGUS_TEST_DATABASE_URL is not set.
    pub fn create() -> Option<TestDatabase> {
        let admin_url = std::env::var("ARGUS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("argus_test_{}", uuid::Uuid::new_v4().simple());
        run_sql(&admin_url, &format!("CREATE DATABASE {name}"));
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        Some(TestDatabase {
            admin_url,
            name,
            url,
        })
    }

    pub fn execute(&self, sql: &str) {
        run_sql(&self.url, sql);
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        run_sql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

fn run_sql(url: &str, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = conn.close().await;
    });
}

/// A running `argus serve`.
pub struct Server {
    pub backend: Backend,
    pub endpoint: String,
    pub data_dir: tempfile::TempDir,
    pub database: Option<TestDatabase>,
    extra_args: Vec<String>,
    env: Vec<(String, String)>,
    child: Option<Child>,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts a server; `None` when the backend is PostgreSQL and no test
    /// database is configured (the test then says so and passes).
    pub fn start(backend: Backend, extra_args: &[&str]) -> Option<Server> {
        let env = [
            ("ARGUS_ROOT_ACCESS_KEY_ID", ACCESS_KEY_ID),
            ("ARGUS_ROOT_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
            ("ARGUS_ACCOUNT_ID", ACCOUNT_ID),
        ];
        Server::start_env(backend, extra_args, &env)
    }

    /// The same with only this environment for argus.
    pub fn start_env(
        backend: Backend,
        extra_args: &[&str],
        env: &[(&str, &str)],
    ) -> Option<Server> {
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => match TestDatabase::create() {
                Some(db) => Some(db),
                None => {
                    eprintln!("ARGUS_TEST_DATABASE_URL is not set: skipping the PostgreSQL run");
                    return None;
                }
            },
        };
        let mut server = Server {
            backend,
            endpoint: String::new(),
            data_dir: tempfile::tempdir().unwrap(),
            database,
            extra_args: extra_args.iter().map(|s| s.to_string()).collect(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            child: None,
            log: Arc::new(Mutex::new(String::new())),
        };
        server.spawn(None);
        Some(server)
    }

    fn spawn(&mut self, listen: Option<&str>) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_argus"));
        let listen = listen.unwrap_or("127.0.0.1:0");
        command
            .args(["serve", "--listen", listen, "--data-dir"])
            .arg(self.data_dir.path())
            .args([
                "--requests-per-second",
                "0",
                "--create-requests-per-second",
                "0",
                "--workers",
                "2",
            ])
            .args(&self.extra_args)
            .env_remove("ARGUS_ROOT_ACCESS_KEY_ID")
            .env_remove("ARGUS_ROOT_SECRET_ACCESS_KEY")
            .env_remove("ARGUS_DATABASE_URL")
            .env_remove("ARGUS_ACCOUNT_ID")
            .env("ARGUS_LOG", "info,sqlx=warn")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(db) = &self.database {
            command.args(["--database-url", &db.url]);
        }
        let mut child = command.spawn().expect("argus serve starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = self.log.clone();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent && let Some(rest) = line.split("listening on ").nth(1) {
                    let address = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .trim_start_matches("http://")
                        .trim_start_matches("https://")
                        .to_string();
                    let _ = tx.send(address);
                    sent = true;
                }
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => self.endpoint = address,
            Err(_) => {
                let _ = child.kill();
                panic!("argus serve did not start:\n{}", self.log());
            }
        }
        self.child = Some(child);
    }

    /// Waits until the log contains `text` (or 10 s pass).
    pub fn wait_for_log(&self, text: &str) -> bool {
        self.wait_for_log_since(0, text)
    }

    /// Waits until the log past byte `from` (see [`Server::log_len`])
    /// contains `text` (or 10 s pass).
    pub fn wait_for_log_since(&self, from: usize, text: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self
                .log()
                .get(from..)
                .is_some_and(|tail| tail.contains(text))
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// How much the server has logged so far.
    pub fn log_len(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// Everything the server wrote to standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGKILL: no shutdown, as when a machine dies.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM and wait: a graceful stop. True when the server exited by
    /// itself within a minute, false when it had to be killed.
    pub fn stop(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }

    /// Starts again on the same data directory and database, with these
    /// extra arguments instead of the original ones.
    pub fn restart_with(&mut self, extra_args: &[&str]) {
        self.extra_args = extra_args.iter().map(|s| s.to_string()).collect();
        self.spawn(None);
    }

    /// Runs `aws codeguru-security ARGS` against this server.
    pub fn aws(&self, args: &[&str]) -> AwsResult {
        self.aws_as(args, ACCESS_KEY_ID, SECRET_ACCESS_KEY, &[])
    }

    /// The same with other credentials and extra environment.
    /// An empty `key` leaves credentials to the profile `env` names.
    pub fn aws_as(
        &self,
        args: &[&str],
        key: &str,
        secret: &str,
        env: &[(&str, &str)],
    ) -> AwsResult {
        let mut command = Command::new(venv().join("bin/aws"));
        if key.is_empty() {
            command
                .env_remove("AWS_ACCESS_KEY_ID")
                .env_remove("AWS_SECRET_ACCESS_KEY");
        } else {
            command
                .env("AWS_ACCESS_KEY_ID", key)
                .env("AWS_SECRET_ACCESS_KEY", secret);
        }
        let output = command
            .arg("codeguru-security")
            .args(args)
            .args(["--endpoint-url", &self.url(), "--output", "json"])
            .env("AWS_DEFAULT_REGION", REGION)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_ENDPOINT_URL")
            .envs(env.iter().copied())
            .output()
            .expect("the aws CLI runs");
        AwsResult::from(args, output)
    }

    pub fn url(&self) -> String {
        let tls = self.extra_args.iter().any(|a| a == "--tls-cert");
        format!("{}://{}", if tls { "https" } else { "http" }, self.endpoint)
    }

    /// Runs SQL on this server's database (SQLite file or PostgreSQL).
    pub fn sql(&self, sql: &str) {
        match &self.database {
            Some(db) => db.execute(sql),
            None => {
                let path = self.data_dir.path().join("argus.db");
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    use sqlx::Connection;
                    let url = format!("sqlite://{}", path.display());
                    let mut conn = sqlx::SqliteConnection::connect(&url)
                        .await
                        .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                        .execute(&mut conn)
                        .await
                        .unwrap_or_else(|e| panic!("{sql}: {e}"));
                    let _ = conn.close().await;
                });
            }
        }
    }

    /// `argus admin ARGS` on this server's data directory and database;
    /// its JSON output. Panics (with the output) unless it succeeds.
    pub fn admin(&self, args: &[&str]) -> Value {
        let output = self.admin_command(args);
        assert!(
            output.status.success(),
            "argus admin {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "argus admin {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// `argus admin ARGS`, which must succeed; its standard output.
    pub fn admin_text(&self, args: &[&str]) -> String {
        let output = self.admin_command(args);
        assert!(
            output.status.success(),
            "argus admin {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `argus admin ARGS`, as it went.
    pub fn admin_command(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_argus"));
        command
            .arg("admin")
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .env_remove("ARGUS_DATABASE_URL")
            .env_remove("ARGUS_CONFIG")
            .env_remove("ARGUS_DATA_DIR")
            .env_remove("ARGUS_MASTER_KEY_FILE")
            .env_remove("ARGUS_AUDIT_LOG")
            .env_remove("ARGUS_REGION");
        if let Some(db) = &self.database {
            command.args(["--database-url", &db.url]);
        }
        command.args(args).output().expect("argus admin runs")
    }

    /// The aws CLI call, which must succeed; its JSON output.
    pub fn ok(&self, args: &[&str]) -> Value {
        let result = self.aws(args);
        assert!(
            result.status == 0,
            "aws {args:?} failed: {}\nserver log:\n{}",
            result.stderr,
            self.log()
        );
        result.json
    }

    /// CreateUploadUrl, then `curl -X PUT -T code.zip` with the headers it
    /// gave: the flow of the spec. Returns the code artifact id.
    pub fn upload_zip(&self, scan_name: &str, zip: &Path) -> String {
        let upload = self.ok(&["create-upload-url", "--scan-name", scan_name]);
        let url = upload["s3Url"].as_str().unwrap();
        let mut curl = Command::new("curl");
        curl.args(["-sS", "--fail-with-body", "-X", "PUT", "-T"])
            .arg(zip)
            .arg(url);
        for (name, value) in upload["requestHeaders"].as_object().unwrap() {
            curl.args(["-H", &format!("{name}: {}", value.as_str().unwrap())]);
        }
        let output = curl.output().expect("curl runs");
        assert!(
            output.status.success(),
            "upload failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        upload["codeArtifactId"].as_str().unwrap().to_string()
    }

    /// Zips `dir` (a `.zip` file is sent as is), uploads it and starts a
    /// scan; returns the run id.
    pub fn scan_dir(&self, scan_name: &str, dir: &Path, extra: &[&str]) -> String {
        let artifact = if dir.is_file() {
            self.upload_zip(scan_name, dir)
        } else {
            self.upload_zip(scan_name, zip_dir(dir).path())
        };
        let resource = format!("codeArtifactId={artifact}");
        let mut args = vec![
            "create-scan",
            "--scan-name",
            scan_name,
            "--resource-id",
            &resource,
        ];
        args.extend_from_slice(extra);
        let created = self.ok(&args);
        assert_eq!(created["scanState"], "InProgress", "{created}");
        created["runId"].as_str().unwrap().to_string()
    }

    /// Polls GetScan until the run is no longer InProgress.
    pub fn wait(&self, scan_name: &str, run_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let scan = self.ok(&["get-scan", "--scan-name", scan_name, "--run-id", run_id]);
            if scan["scanState"] != "InProgress" {
                return scan;
            }
            assert!(
                Instant::now() < deadline,
                "run {run_id} still InProgress:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// Scans `dir` and waits for success.
    pub fn scan_and_wait(&self, scan_name: &str, dir: &Path) -> Value {
        let run = self.scan_dir(scan_name, dir, &[]);
        let scan = self.wait(scan_name, &run);
        assert_eq!(scan["scanState"], "Successful", "{scan}\n{}", self.log());
        scan
    }

    /// Every finding of a scan with a status, through CLI auto-pagination.
    pub fn findings(&self, scan_name: &str, status: &str) -> Vec<Value> {
        let out = self.ok(&["get-findings", "--scan-name", scan_name, "--status", status]);
        out["findings"].as_array().cloned().unwrap_or_default()
    }

    /// Runs a Python script from tests/service with the venv's Python.
    pub fn python(&self, script: &str, env: &[(&str, &str)]) -> Output {
        Command::new(venv().join("bin/python"))
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/service")
                    .join(script),
            )
            .env("ARGUS_ENDPOINT", self.url())
            .env("FIXTURES", fixtures())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_DEFAULT_REGION", REGION)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .envs(env.iter().copied())
            .output()
            .expect("python runs")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What an aws CLI call did.
#[derive(Debug)]
pub struct AwsResult {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub json: Value,
}

impl AwsResult {
    fn from(_args: &[&str], output: Output) -> AwsResult {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        AwsResult {
            status: output.status.code().unwrap_or(-1),
            json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
            stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the CLI failed with this error code, and returns its message.
    pub fn error(&self, code: &str) -> &str {
        assert_eq!(
            self.status, 255,
            "expected {code}, got exit {}: {}{}",
            self.status, self.stdout, self.stderr
        );
        let marker = format!("An error occurred ({code}) when calling the ");
        assert!(
            self.stderr.contains(&marker),
            "expected {code}, got: {}",
            self.stderr
        );
        self.stderr
            .split("operation")
            .nth(1)
            .unwrap_or_default()
            .trim_start_matches(|c| c != ':')
            .trim_start_matches(':')
            .trim()
    }
}

/// A zip of a directory's files.
pub fn zip_dir(dir: &Path) -> tempfile::NamedTempFile {
    use std::io::Write;
    let file = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    let mut zip = zip::ZipWriter::new(file.reopen().unwrap());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&current)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                zip.start_file(name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
            }
        }
    }
    zip.finish().unwrap();
    file
}

/// A finding's identity for assertions: detector and rule.
pub fn by_detector<'a>(findings: &'a [Value], detector_prefix: &str, rule: &str) -> &'a Value {
    findings
        .iter()
        .find(|f| {
            f["detectorId"]
                .as_str()
                .unwrap_or_default()
                .starts_with(detector_prefix)
                && f["ruleId"] == rule
        })
        .unwrap_or_else(|| panic!("no {detector_prefix} {rule} finding in {findings:#?}"))
}

/// Runs `body` against SQLite and PostgreSQL: `service_test!(name, |backend| ...)`.
#[macro_export]
macro_rules! service_test {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                ($body)(Backend::Sqlite)
            }
            #[test]
            fn postgres() {
                ($body)(Backend::Postgres)
            }
        }
    };
}
