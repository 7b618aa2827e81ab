//! CreateScan, GetScan, ListScans.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use argus_store::{CreateRun, CreateRunOutcome, Run, Scan};

use super::seconds;
use crate::decode::{self, CreateScan as CreateScanRequest, Page};
use crate::error::ApiError;
use crate::state::{Caller, SharedState};

/// POST /scans
pub async fn create_scan(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request = decode::create_scan(&body)?;
    let CreateScanRequest {
        scan_name,
        artifact_id,
        scan_type,
        analysis_type,
        client_token,
        tags,
    } = request;
    let (scan_name, artifact_id) = (scan_name.as_str(), artifact_id.as_str());
    let client_token = client_token.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());

    let artifact = state
        .store
        .artifact(artifact_id)
        .await?
        .filter(|a| a.account_id == caller.account_id)
        .ok_or_else(|| ApiError::NotFound {
            message: format!(
                "Code artifact {artifact_id} not found; create one with CreateUploadUrl"
            ),
            resource_id: artifact_id.to_string(),
            resource_type: "CodeArtifact",
        })?;
    if artifact.scan_name != scan_name {
        return Err(ApiError::field(
            "resourceId.codeArtifactId",
            format!(
                "was created for scan '{}', not '{scan_name}'",
                artifact.scan_name
            ),
        ));
    }
    let size = match artifact.size_bytes {
        Some(size) => Some(size as u64),
        // In S3 mode the client uploaded straight to the bucket.
        None => state.store.artifacts.size(&artifact.object_key).await?,
    };
    let size = match size {
        None => {
            return Err(ApiError::field(
                "resourceId.codeArtifactId",
                "has no uploaded code: PUT the zip to the s3Url from CreateUploadUrl first",
            ));
        }
        Some(0) => {
            return Err(ApiError::field(
                "resourceId.codeArtifactId",
                "the uploaded code is empty",
            ));
        }
        Some(size) => size,
    };
    if size > state.config.upload_limit {
        return Err(ApiError::field(
            "resourceId.codeArtifactId",
            format!(
                "the uploaded code is {size} bytes; the limit is {}",
                state.config.upload_limit
            ),
        ));
    }
    // Local file headers start "PK\x03\x04"; an empty archive is only its
    // end record, "PK\x05\x06".
    // A sealed upload's first bytes were noted as it was sealed; in S3
    // mode the object is plaintext until a worker seals it.
    let magic = match state.store.artifact_head(&artifact.artifact_id).await? {
        Some(head) => head.into(),
        None => {
            state
                .store
                .artifacts
                .prefix(&artifact.object_key, 4, size)
                .await?
        }
    };
    if magic.as_ref() != b"PK\x03\x04" && magic.as_ref() != b"PK\x05\x06" {
        return Err(ApiError::field(
            "resourceId.codeArtifactId",
            "the uploaded code is not a zip archive: zip the code and upload it again",
        ));
    }

    let digest = hex::encode(Sha256::digest(
        format!("{scan_name}\n{artifact_id}\n{scan_type}\n{analysis_type}\n{tags:?}").as_bytes(),
    ));
    let outcome = state
        .store
        .create_run(&CreateRun {
            run_id: uuid::Uuid::new_v4().to_string(),
            account_id: caller.account_id.clone(),
            scan_name: scan_name.to_string(),
            artifact_id: artifact_id.to_string(),
            analysis_type: analysis_type.to_string(),
            scan_type: scan_type.to_string(),
            client_token: client_token.clone(),
            request_digest: digest,
            tags,
        })
        .await?;
    let run = match outcome {
        CreateRunOutcome::Created(run) => {
            state.jobs_ready.notify_waiters();
            run
        }
        CreateRunOutcome::Replayed(run) => run,
        CreateRunOutcome::TokenReused => {
            return Err(ApiError::Conflict {
                message: format!(
                    "clientToken {client_token} was already used for a different CreateScan request"
                ),
                resource_id: scan_name.to_string(),
                resource_type: "Scan",
            });
        }
        CreateRunOutcome::TooManyTags { limit } => {
            return Err(ApiError::field(
                "tags",
                format!("a scan carries at most {limit} tags"),
            ));
        }
    };
    Ok(Json(json!({
        "scanName": run.scan_name,
        "runId": run.run_id,
        "resourceId": {"codeArtifactId": run.artifact_id},
        "scanState": run.state,
        "scanNameArn": state.scan_arn(&caller.account_id, &run.scan_name),
    })))
}

/// GET /scans/{scanName}?runId=
pub async fn get_scan(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(scan_name): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let run_id = decode::get_scan(&scan_name, query.as_deref())?;
    let scan = state
        .store
        .scan(&caller.account_id, &scan_name)
        .await?
        .ok_or_else(|| ApiError::scan_not_found(&scan_name))?;
    let run_id = run_id
        .or_else(|| scan.latest_run_id.clone())
        .ok_or_else(|| ApiError::scan_not_found(&scan_name))?;
    let run = state
        .store
        .run(&run_id)
        .await?
        .filter(|r| r.account_id == caller.account_id && r.scan_name == scan_name)
        .ok_or_else(|| ApiError::NotFound {
            message: format!("Run {run_id} of scan {scan_name} not found"),
            resource_id: run_id.clone(),
            resource_type: "ScanRun",
        })?;
    Ok(Json(scan_description(&state, &scan, &run)))
}

fn scan_description(state: &SharedState, scan: &Scan, run: &Run) -> Value {
    let mut value = json!({
        "scanName": scan.scan_name,
        "runId": run.run_id,
        "scanState": run.state,
        "createdAt": seconds(run.created_at),
        "analysisType": run.analysis_type,
        "numberOfRevisions": scan.revisions,
        "scanNameArn": state.scan_arn(&scan.account_id, &scan.scan_name),
    });
    if run.scan_type == "Standard" {
        value["updatedAt"] = json!(seconds(run.updated_at));
    }
    if let Some(message) = &run.error_message {
        value["errorMessage"] = json!(message);
    }
    // An argus extension the AWS SDKs ignore (they keep modeled members
    // only): what the engine scanned, for `argus remote` reports.
    if let Some(summary) = run
        .summary
        .as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
    {
        value["argus"] = summary;
    }
    value
}

/// GET /scans?nextToken=&maxResults=
pub async fn list_scans(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let Page {
        max_results: limit,
        next_token,
    } = decode::list_scans(query.as_deref())?;
    let scope = format!("{}/ListScans", caller.account_id);
    let after = match next_token {
        Some(token) => {
            let cursor = state.tokens.open(&scope, &token)?;
            let (time, name) = cursor
                .split_once('/')
                .ok_or_else(|| ApiError::field("nextToken", "is corrupt"))?;
            Some((
                time.parse()
                    .map_err(|_| ApiError::field("nextToken", "is corrupt"))?,
                name.to_string(),
            ))
        }
        None => None,
    };
    let rows = state
        .store
        .list_scans(&caller.account_id, after, limit + 1)
        .await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let summaries: Vec<Value> = rows
        .iter()
        .map(|(scan, run)| {
            json!({
                "scanState": run.state,
                "createdAt": seconds(scan.created_at),
                "updatedAt": seconds(scan.updated_at),
                "scanName": scan.scan_name,
                "runId": run.run_id,
                "scanNameArn": state.scan_arn(&scan.account_id, &scan.scan_name),
            })
        })
        .collect();
    let mut response = json!({"summaries": summaries});
    if more && let Some((scan, _)) = rows.last() {
        response["nextToken"] = json!(
            state
                .tokens
                .issue(&scope, &format!("{}/{}", scan.updated_at, scan.scan_name))
        );
    }
    Ok(Json(response))
}
