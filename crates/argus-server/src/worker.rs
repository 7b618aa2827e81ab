//! Scan workers: each leases a job, keeps the lease alive while it runs the
//! engine on the uploaded zip, and stores the tracked findings in the same
//! transaction that ends the run. A run always ends Successful or Failed:
//! a worker that dies loses its lease and the job is retried, and a job
//! that keeps failing is given up with a reason.

use std::time::Duration;

use argus_engine::{ScanError, ScanOptions, ScanRunner};
use argus_model::{AnalysisType, Finding, ScanReport};
use argus_store::{JobOutcome, LeasedJob, NewFinding, StoreError};
use tokio::sync::watch;
use tracing::Instrument;

use crate::state::SharedState;
use crate::tracking;

/// How often an idle worker looks for work when nothing wakes it.
const POLL: Duration = Duration::from_millis(500);

/// Starts `count` workers; they stop when `shutdown` turns true.
pub fn spawn(
    state: SharedState,
    count: usize,
    shutdown: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let node = uuid::Uuid::new_v4().simple().to_string();
    (0..count)
        .map(|i| {
            let state = state.clone();
            let mut shutdown = shutdown.clone();
            let owner = format!("{}-{i}", &node[..12]);
            tokio::spawn(async move {
                loop {
                    if *shutdown.borrow() {
                        break;
                    }
                    let lease = state.config.job_lease.as_millis() as i64;
                    match state.store.lease_job(&owner, lease).await {
                        Ok(Some(job)) => process(&state, &owner, job, shutdown.clone()).await,
                        Ok(None) => {
                            tokio::select! {
                                _ = state.jobs_ready.notified() => {}
                                _ = tokio::time::sleep(POLL) => {}
                                _ = shutdown.changed() => {}
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot lease a job; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            })
        })
        .collect()
}

async fn process(
    state: &SharedState,
    owner: &str,
    job: LeasedJob,
    shutdown: watch::Receiver<bool>,
) {
    let span = tracing::info_span!("scan", run_id = %job.run.run_id, scan = %job.run.scan_name);
    run_job(state, owner, job, shutdown).instrument(span).await;
}

async fn run_job(
    state: &SharedState,
    owner: &str,
    job: LeasedJob,
    mut shutdown: watch::Receiver<bool>,
) {
    let run_id = job.run.run_id.clone();
    tracing::info!(attempt = job.attempts, "scan started");
    if job.attempts > state.config.max_attempts {
        let message = format!(
            "The scan did not complete in {} attempts (the worker running it stopped each time); it was abandoned",
            state.config.max_attempts
        );
        if let Err(e) = state.store.fail_run(&run_id, &message).await {
            tracing::error!(error = %e, "cannot fail the run");
        }
        return;
    }
    // Keep the lease alive while we work.
    let (stop_renewal, mut renewal_stopped) = watch::channel(false);
    let renewal = {
        let state = state.clone();
        let owner = owner.to_string();
        let run_id = run_id.clone();
        tokio::spawn(async move {
            let every = state.config.job_lease / 3;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = renewal_stopped.changed() => break,
                }
                match state
                    .store
                    .renew_lease(&run_id, &owner, state.config.job_lease.as_millis() as i64)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => tracing::warn!(error = %e, "cannot renew the lease"),
                }
            }
        })
    };
    // A stopping server does not wait for a long scan: it hands the job
    // back so that the next worker (here after a restart, or on another
    // node) starts it at once.
    let outcome = tokio::select! {
        outcome = run_scan(state, &job) => outcome,
        // (The guard `wait_for` returns must not live across the awaits below.)
        _ = async { let _ = shutdown.wait_for(|stop| *stop).await; } => {
            let _ = stop_renewal.send(true);
            let _ = renewal.await;
            match state.store.release_job(&run_id, owner).await {
                Ok(()) => tracing::info!("shutting down: the scan goes back to the queue"),
                Err(e) => tracing::warn!(error = %e, "cannot release the job; it is retried when its lease expires"),
            }
            return;
        }
    };
    let result = match outcome {
        Ok(report) => {
            let findings = new_findings(&report);
            let count = findings.len();
            let summary = run_summary(&report);
            match state
                .store
                .complete_run(&run_id, owner, &summary, move |existing| {
                    tracking::plan(existing, findings)
                })
                .await
            {
                Ok(JobOutcome::Succeeded) => {
                    tracing::info!(findings = count, "scan finished");
                    Ok(())
                }
                Ok(JobOutcome::LeaseLost) => {
                    tracing::warn!("lease lost while scanning; another worker will redo the scan");
                    Ok(())
                }
                // The account's key was disabled during the scan.
                Err(e @ StoreError::KeyUnavailable { .. }) => state
                    .store
                    .fail_run(&run_id, &e.to_string())
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(format!("cannot store the results: {e}")),
            }
        }
        Err(Failure::Permanent(message)) => state
            .store
            .fail_run(&run_id, &message)
            .await
            .map_err(|e| e.to_string()),
        Err(Failure::Transient(message)) => {
            // Leave the job leased: when the lease runs out it is retried.
            tracing::warn!(%message, "scan attempt failed; it will be retried");
            Ok(())
        }
    };
    if let Err(message) = result {
        tracing::error!(%message, "scan could not be recorded; it will be retried");
    }
    let _ = stop_renewal.send(true);
    let _ = renewal.await;
}

enum Failure {
    /// The code cannot be scanned (bad zip, ...): the run fails with this.
    Permanent(String),
    /// Try again later (storage unavailable, ...).
    Transient(String),
}

async fn run_scan(state: &SharedState, job: &LeasedJob) -> Result<ScanReport, Failure> {
    let work_dir = state.config.data_dir.join("work");
    tokio::fs::create_dir_all(&work_dir)
        .await
        .map_err(|e| Failure::Transient(format!("cannot create {}: {e}", work_dir.display())))?;
    let dir = tempfile::tempdir_in(&work_dir).map_err(|e| Failure::Transient(e.to_string()))?;
    let zip = dir.path().join("code.zip");
    fetch_code(state, job, &zip).await?;
    if !state.config.scan_delay.is_zero() {
        tokio::time::sleep(state.config.scan_delay).await;
    }
    let analysis_type = match job.run.analysis_type.as_str() {
        "All" => AnalysisType::All,
        _ => AnalysisType::Security,
    };
    let scan_name = job.run.scan_name.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let runner = ScanRunner::new(ScanOptions {
            analysis_type: Some(analysis_type),
            scan_name: Some(scan_name),
            // The upload's own argus.toml may tune detectors, not lift the
            // caps that keep a worker safe from it.
            limits: Some(argus_engine::config::Limits::default()),
            ..ScanOptions::default()
        });
        let report = runner.run(&zip);
        drop(dir);
        report
    });
    match handle.await {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(ScanError::Archive { source, .. })) => Err(Failure::Permanent(format!(
            "The uploaded code was refused: {source}"
        ))),
        Ok(Err(e)) => Err(Failure::Permanent(format!("The scan failed: {e}"))),
        Err(e) => {
            tracing::error!(error = %e, "the engine panicked");
            Err(Failure::Permanent(
                "The scan failed with an internal error".into(),
            ))
        }
    }
}

/// Opens the run's sealed upload into the worker's private directory,
/// sealing it first if a client put it in the bucket as plaintext.
async fn fetch_code(
    state: &SharedState,
    job: &LeasedJob,
    zip: &std::path::Path,
) -> Result<(), Failure> {
    let gone =
        || Failure::Permanent("The uploaded code is no longer stored; upload it again".into());
    let failure = |e: StoreError| match e {
        StoreError::KeyUnavailable { .. } => Failure::Permanent(e.to_string()),
        StoreError::Corrupt(detail) => {
            tracing::error!(%detail, "stored code failed its integrity check");
            Failure::Permanent(
                "The stored code failed its integrity check (it was altered or cut short); upload it again".into(),
            )
        }
        e if e.is_not_found() => gone(),
        e => Failure::Transient(e.to_string()),
    };
    let artifact_id = &job.run.artifact_id;
    let artifact = state
        .store
        .artifact(artifact_id)
        .await
        .map_err(failure)?
        .ok_or_else(gone)?;
    let sealed = state
        .store
        .artifact_head(artifact_id)
        .await
        .map_err(failure)?
        .is_some();
    if !sealed && let Err(e) = state.store.seal_artifact(&artifact).await {
        // Code that cannot be kept encrypted is not kept at all.
        if matches!(e, StoreError::KeyUnavailable { .. })
            && let Err(e) = state.store.artifacts.delete(&artifact.object_key).await
        {
            tracing::warn!(error = %e, "cannot delete the plaintext upload");
        }
        return Err(failure(e));
    }
    // Sealing moved the object: read where it is now.
    let artifact = state
        .store
        .artifact(artifact_id)
        .await
        .map_err(failure)?
        .ok_or_else(gone)?;
    state
        .store
        .open_artifact(&artifact, zip)
        .await
        .map_err(failure)
}

/// Most skipped files and warnings a run's summary keeps.
const SUMMARY_LIST_LIMIT: usize = 1000;

/// What the engine reported about a run besides findings, as stored JSON.
fn run_summary(report: &ScanReport) -> String {
    serde_json::json!({
        "toolVersion": report.tool_version,
        "startedAt": report.started_at,
        "finishedAt": report.finished_at,
        "summary": report.summary,
        "skipped": report.skipped.iter().take(SUMMARY_LIST_LIMIT).collect::<Vec<_>>(),
        "warnings": report.warnings.iter().take(SUMMARY_LIST_LIMIT).collect::<Vec<_>>(),
    })
    .to_string()
}

/// The findings a run reports to the service: everything not suppressed in
/// the code.
fn new_findings(report: &ScanReport) -> Vec<NewFinding> {
    report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| to_new_finding(report, f))
        .collect()
}

fn to_new_finding(report: &ScanReport, finding: &Finding) -> NewFinding {
    let code: Vec<&str> = finding
        .snippet
        .iter()
        .filter(|l| {
            l.number >= finding.location.start_line && l.number <= finding.location.end_line
        })
        .map(|l| l.content.trim())
        .collect();
    let mut body = argus_report::json::finding_body(
        &report.scan_name,
        finding,
        report.detector(&finding.detector_id),
    );
    // The engine's finding, whole (columns, fix replacements, taint flow),
    // as an extension member the AWS SDKs ignore: `argus remote` renders
    // SARIF and GitLab reports from it exactly as `argus scan` would.
    body["argus"] = serde_json::to_value(finding).unwrap_or_default();
    NewFinding {
        finding_id: finding.id.clone(),
        fingerprint: finding.fingerprint.clone(),
        detector_id: finding.detector_id.clone(),
        detector_name: finding.detector_name.clone(),
        category: finding.category.as_str().to_string(),
        severity: finding.severity.as_str().to_string(),
        file_path: finding.location.path.clone(),
        start_line: i64::from(finding.location.start_line),
        code: code.join("\n"),
        body: body.to_string(),
    }
}
