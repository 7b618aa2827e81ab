//! Load test of `argus serve` on loopback: many concurrent signed clients
//! for a bounded time, mixing reads (ListScans, GetScan, GetFindings,
//! GetMetricsSummary) with a few uploads and scans. Prints throughput,
//! latency percentiles, answers by status and the server's memory; exits 1
//! if any request got a 5xx or failed to connect.
//!
//! cargo run --release -p argus-cli --example load -- --argus target/release/argus
//! (see bench/README.md, "Service load").

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

const KEY: &str = "AKIDARGUSLOAD0000001";
const SECRET: &str = "argus-load-secret-0123456789abcdefghijklm";
const REGION: &str = "us-east-1";

struct Options {
    argus: String,
    clients: usize,
    seconds: u64,
    database_url: Option<String>,
}

fn options() -> Result<Options> {
    let mut options = Options {
        argus: "target/release/argus".into(),
        clients: 64,
        seconds: 20,
        database_url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{flag} needs a value"));
        match flag.as_str() {
            "--argus" => options.argus = value()?,
            "--clients" => options.clients = value()?.parse()?,
            "--seconds" => options.seconds = value()?.parse()?,
            "--database-url" => options.database_url = Some(value()?),
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(options)
}

/// The server process; killed when dropped.
struct Serve {
    child: Child,
    endpoint: String,
    _data: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(options: &Options) -> Result<Serve> {
    let data = tempfile::tempdir()?;
    let mut command = Command::new(&options.argus);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .args([
            "--requests-per-second",
            "0",
            "--create-requests-per-second",
            "0",
        ])
        .env("ARGUS_ROOT_ACCESS_KEY_ID", KEY)
        .env("ARGUS_ROOT_SECRET_ACCESS_KEY", SECRET)
        .env("ARGUS_ACCOUNT_ID", "123456789012")
        .env("ARGUS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(url) = &options.database_url {
        command.args(["--database-url", url]);
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {}", options.argus))?;
    let stderr = child.stderr.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent && let Some(rest) = line.split("listening on ").nth(1) {
                let address = rest.split_whitespace().next().unwrap_or_default();
                let _ = tx.send(address.trim_start_matches("http://").to_string());
                sent = true;
            }
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(60))
        .context("argus serve did not start")?;
    Ok(Serve {
        child,
        endpoint: address,
        _data: data,
    })
}

/// VmRSS and VmHWM of a process, in KiB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Client {
    http: reqwest::Client,
    endpoint: String,
}

impl Client {
    /// A signed API call: its status and JSON answer.
    async fn call(
        &self,
        method: &str,
        path: &str,
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(u16, Value)> {
        let amz_date = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .expect("formats");
        let payload = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let authorization = argus_server::sigv4::sign(
            KEY,
            SECRET,
            REGION,
            &amz_date,
            method,
            path,
            query,
            &self.endpoint,
            body.map(|_| "application/json"),
            &payload,
        );
        let url = match query {
            Some(q) => format!("http://{}{path}?{q}", self.endpoint),
            None => format!("http://{}{path}", self.endpoint),
        };
        let mut request = self
            .http
            .request(method.parse()?, url)
            .header("x-amz-date", amz_date)
            .header("authorization", authorization);
        if body.is_some() {
            request = request
                .header("content-type", "application/json")
                .body(payload);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// CreateUploadUrl, PUT, CreateScan: the run id (or the failing status).
    async fn upload_and_scan(&self, name: &str, zip: &[u8]) -> Result<(u16, String)> {
        let (status, upload) = self
            .call("POST", "/uploadUrl", None, Some(&json!({"scanName": name})))
            .await?;
        if status != 200 {
            return Ok((status, String::new()));
        }
        let url = upload["s3Url"].as_str().unwrap_or_default();
        let put = self
            .http
            .put(url)
            .header("content-type", "application/zip")
            .body(zip.to_vec())
            .send()
            .await?;
        if !put.status().is_success() {
            return Ok((put.status().as_u16(), String::new()));
        }
        let artifact = upload["codeArtifactId"].as_str().unwrap_or_default();
        let (status, created) = self
            .call(
                "POST",
                "/scans",
                None,
                Some(&json!({"scanName": name, "resourceId": {"codeArtifactId": artifact}})),
            )
            .await?;
        Ok((
            status,
            created["runId"].as_str().unwrap_or_default().to_string(),
        ))
    }
}

fn code_zip() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..5 {
        zip.start_file(
            format!("app/m{i}.py"),
            zip::write::SimpleFileOptions::default(),
        )
        .expect("zip entry");
        let code = format!(
            "import hashlib\n\ndef h{i}(password):\n    return hashlib.md5(password).hexdigest()\n\ndef s{i}(password):\n    return hashlib.sha1(password).hexdigest()\n"
        );
        zip.write_all(code.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statuses: BTreeMap<String, u64>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    let serve = start(&options)?;
    let pid = serve.child.id();
    let client = Arc::new(Client {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(options.clients)
            .build()?,
        endpoint: serve.endpoint.clone(),
    });
    let zip = Arc::new(code_zip());

    // One scan with findings for the reads.
    let (status, run) = client.upload_and_scan("load-seed", &zip).await?;
    if status != 200 {
        bail!("seeding failed with {status}");
    }
    loop {
        let (_, scan) = client
            .call(
                "GET",
                "/scans/load-seed",
                Some(&format!("runId={run}")),
                None,
            )
            .await?;
        match scan["scanState"].as_str() {
            Some("InProgress") => tokio::time::sleep(Duration::from_millis(200)).await,
            Some("Successful") => break,
            other => bail!("the seed scan ended {other:?}"),
        }
    }
    let (rss_before, _) = memory(pid);
    let today = time::OffsetDateTime::now_utc().date().to_string();

    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let tasks: Vec<_> = (0..options.clients)
        .map(|c| {
            let client = client.clone();
            let zip = zip.clone();
            let today = today.clone();
            let run = run.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut i: u64 = c as u64;
                while Instant::now() < deadline {
                    let begun = Instant::now();
                    let outcome = match i % 25 {
                        0 => client
                            .upload_and_scan(&format!("load-{c}"), &zip)
                            .await
                            .map(|(s, _)| s),
                        n if n % 4 == 1 => client
                            .call("GET", "/scans", Some("maxResults=20"), None)
                            .await
                            .map(|r| r.0),
                        n if n % 4 == 2 => client
                            .call(
                                "GET",
                                "/scans/load-seed",
                                Some(&format!("runId={run}")),
                                None,
                            )
                            .await
                            .map(|r| r.0),
                        n if n % 4 == 3 => client
                            .call(
                                "GET",
                                "/findings/load-seed",
                                Some("maxResults=100&status=All"),
                                None,
                            )
                            .await
                            .map(|r| r.0),
                        _ => client
                            .call(
                                "GET",
                                "/metrics/summary",
                                Some(&format!("date={today}")),
                                None,
                            )
                            .await
                            .map(|r| r.0),
                    };
                    tally.latencies.push(begun.elapsed());
                    let key = match outcome {
                        Ok(status) => status.to_string(),
                        Err(e) => format!("error ({e})"),
                    };
                    *tally.statuses.entry(key).or_default() += 1;
                    i += 1;
                }
                tally
            })
        })
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await?;
        all.latencies.extend(tally.latencies);
        for (k, v) in tally.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed();
    let (rss_after, hwm) = memory(pid);
    all.latencies.sort();
    let percentile = |p: f64| {
        let i = ((all.latencies.len() as f64 - 1.0) * p).round() as usize;
        all.latencies
            .get(i)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let total = all.latencies.len();
    println!(
        "{} clients for {:.1} s: {total} requests, {:.0} req/s",
        options.clients,
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency ms: p50 {:.1}, p99 {:.1}, max {:.1}",
        percentile(0.5),
        percentile(0.99),
        percentile(1.0)
    );
    println!("by status: {:?}", all.statuses);
    println!(
        "server memory: RSS {} MiB before, {} MiB after, peak {} MiB",
        rss_before / 1024,
        rss_after / 1024,
        hwm / 1024
    );
    let failures: u64 = all
        .statuses
        .iter()
        .filter(|(k, _)| k.starts_with('5') || k.starts_with("error"))
        .map(|(_, v)| v)
        .sum();
    if failures > 0 {
        eprintln!("{failures} requests failed with a 5xx or no answer");
        std::process::exit(1);
    }
    Ok(())
}
