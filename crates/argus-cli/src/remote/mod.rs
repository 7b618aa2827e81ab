//! `argus remote scan`: zip, upload, CreateScan, wait, fetch the findings
//! and report them as `argus scan` does — with the service's finding ids
//! and tracking (a finding fixed since the last run of the scan is closed
//! there and absent here).

mod archive;
mod client;
mod credentials;
mod report;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use argus_model::Severity;
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cli::{RemoteCommand, RemoteScanArgs};
use client::{Client, encode};
use credentials::Credentials;

pub fn run(command: RemoteCommand) -> Result<ExitCode> {
    match command {
        RemoteCommand::Scan(args) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            runtime.block_on(scan(args))
        }
    }
}

fn endpoint(args: &RemoteScanArgs) -> Result<String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    args.endpoint_url
        .clone()
        .or_else(|| env("ARGUS_ENDPOINT_URL"))
        .or_else(|| env("AWS_ENDPOINT_URL_CODEGURU_SECURITY"))
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .context("no service to talk to: pass --endpoint-url http://HOST:PORT (or set ARGUS_ENDPOINT_URL) naming an `argus serve`")
}

/// Status messages on standard error: a spinner on a terminal, lines
/// otherwise.
struct Status {
    bar: Option<ProgressBar>,
    last: std::cell::RefCell<String>,
}

impl Status {
    fn new(enabled: bool) -> Status {
        let bar = enabled.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}")
                    .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Status {
            bar,
            last: Default::default(),
        }
    }

    /// Shows `message`; without a terminal, each distinct one once.
    fn say(&self, message: String) {
        match &self.bar {
            Some(bar) => bar.set_message(message),
            None if *self.last.borrow() != message => {
                eprintln!("argus: {message}");
                *self.last.borrow_mut() = message;
            }
            None => {}
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

async fn scan(args: RemoteScanArgs) -> Result<ExitCode> {
    let endpoint = endpoint(&args)?;
    let credentials = Credentials::resolve()?;
    let client = Client::new(&endpoint, credentials, args.ca_bundle.as_deref())?;
    let tags = parse_tags(&args.tag)?;
    let status = Status::new(!args.no_progress && std::io::stderr().is_terminal());

    status.say(format!("packaging {}", args.path.display()));
    let path = args.path.clone();
    let archive = tokio::task::spawn_blocking(move || archive::build(&path)).await??;
    let zip_size = archive.file.as_file().metadata()?.len();

    let upload = client
        .call(
            "CreateUploadUrl",
            Method::POST,
            "/uploadUrl",
            &[],
            Some(&json!({"scanName": args.scan_name})),
        )
        .await?;
    let url = upload["s3Url"]
        .as_str()
        .context("CreateUploadUrl returned no s3Url")?;
    let artifact_id = upload["codeArtifactId"]
        .as_str()
        .context("CreateUploadUrl returned no codeArtifactId")?;
    status.say(format!(
        "uploading {} files ({} KiB, {} KiB zipped)",
        archive.files,
        archive.bytes.div_ceil(1024),
        zip_size.div_ceil(1024)
    ));
    put_file(
        &client,
        url,
        &upload["requestHeaders"],
        archive.file.path(),
        zip_size,
    )
    .await?;

    let mut request = json!({
        "scanName": args.scan_name,
        "resourceId": {"codeArtifactId": artifact_id},
        "clientToken": uuid::Uuid::new_v4().to_string(),
    });
    if let Some(analysis_type) = args.analysis_type {
        request["analysisType"] = json!(argus_model::AnalysisType::from(analysis_type).as_str());
    }
    if !tags.is_empty() {
        request["tags"] = json!(tags);
    }
    let created = client
        .call("CreateScan", Method::POST, "/scans", &[], Some(&request))
        .await?;
    let run_id = created["runId"]
        .as_str()
        .context("CreateScan returned no runId")?
        .to_string();

    let started = Instant::now();
    let scan_path = format!("/scans/{}", encode(&args.scan_name));
    let mut poll = Duration::from_millis(100);
    let scan = loop {
        let scan = client
            .call(
                "GetScan",
                Method::GET,
                &scan_path,
                &[("runId", run_id.clone())],
                None,
            )
            .await?;
        match scan["scanState"].as_str() {
            Some("Successful") => break scan,
            Some("Failed") => {
                status.done();
                bail!(
                    "scan {} (run {run_id}) failed: {}",
                    args.scan_name,
                    scan["errorMessage"].as_str().unwrap_or("no reason given")
                );
            }
            _ => {}
        }
        if started.elapsed() > Duration::from_secs(args.timeout) {
            status.done();
            bail!(
                "scan {} (run {run_id}) is still in progress after {} s; check later with: aws codeguru-security get-scan --scan-name {} --run-id {run_id}",
                args.scan_name,
                args.timeout,
                args.scan_name
            );
        }
        status.say(format!("scanning {} (run {run_id})", args.scan_name));
        tokio::time::sleep(poll).await;
        // GetScan is cheap: poll briskly while a scan is likely to end
        // soon, then back off for long ones.
        if started.elapsed() > Duration::from_secs(10) {
            poll = (poll * 2).min(Duration::from_secs(2));
        }
    };

    status.say("fetching findings".into());
    let findings_path = format!("/findings/{}", encode(&args.scan_name));
    let mut findings = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        let mut query = vec![
            ("status", "Open".to_string()),
            ("maxResults", "1000".to_string()),
        ];
        if let Some(token) = &next_token {
            query.push(("nextToken", token.clone()));
        }
        let page = client
            .call("GetFindings", Method::GET, &findings_path, &query, None)
            .await?;
        if let Some(items) = page["findings"].as_array() {
            findings.extend(items.iter().cloned());
        }
        match page["nextToken"].as_str() {
            Some(token) => next_token = Some(token.to_string()),
            None => break,
        }
    }
    status.done();

    let report = report::build(&args.scan_name, &scan, &findings);
    crate::scan::write_report(
        &report,
        args.format.into(),
        args.output.as_deref(),
        args.color,
        args.verbose,
    )?;
    let threshold: Option<Severity> = args.fail_on_severity.map(Into::into);
    let failed = threshold.is_some_and(|t| report.worst_severity().is_some_and(|worst| worst >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// PUTs the zip to the upload URL with the headers CreateUploadUrl asked
/// for, streamed from disk.
async fn put_file(
    client: &Client,
    url: &str,
    headers: &Value,
    path: &std::path::Path,
    size: u64,
) -> Result<()> {
    let file = tokio::fs::File::open(path).await?;
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
    let mut request = client
        .http()
        .put(url)
        .header(reqwest::header::CONTENT_LENGTH, size)
        .body(body);
    if let Some(headers) = headers.as_object() {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                request = request.header(name.as_str(), value);
            }
        }
    }
    let response = request.send().await.context("cannot upload the code")?;
    if !response.status().is_success() {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_string))
            .unwrap_or(text);
        bail!("the upload was refused ({status}): {}", message.trim());
    }
    Ok(())
}

fn parse_tags(tags: &[String]) -> Result<serde_json::Map<String, Value>> {
    let mut map = serde_json::Map::new();
    for tag in tags {
        let Some((key, value)) = tag.split_once('=') else {
            bail!("--tag '{tag}' must be KEY=VALUE");
        };
        map.insert(key.to_string(), json!(value));
    }
    Ok(map)
}
