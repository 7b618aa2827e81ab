//! GetFindings and BatchGetFindings.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Value, json};

use argus_store::{FindingFilter, StoredFinding};

use super::seconds;
use crate::decode::{self, Page};
use crate::error::ApiError;
use crate::state::{Caller, SharedState};
use crate::validate;

/// A stored finding as the API's `Finding`.
pub fn served(finding: &StoredFinding) -> Result<Value, ApiError> {
    let mut value: Value = serde_json::from_str(&finding.body).map_err(|e| {
        ApiError::internal(format!(
            "finding {} has a corrupt body: {e}",
            finding.finding_id
        ))
    })?;
    value["id"] = json!(finding.finding_id);
    value["status"] = json!(finding.status);
    value["createdAt"] = json!(seconds(finding.created_at));
    value["updatedAt"] = json!(seconds(finding.updated_at));
    Ok(value)
}

/// GET /findings/{scanName}?status=&maxResults=&nextToken=
pub async fn get_findings(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(scan_name): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (
        status,
        Page {
            max_results: limit,
            next_token,
        },
    ) = decode::get_findings(&scan_name, query.as_deref())?;
    let filter = match status {
        "Open" => FindingFilter::Open,
        "Closed" => FindingFilter::Closed,
        _ => FindingFilter::All,
    };
    let scope = format!("{}/GetFindings/{scan_name}/{status}", caller.account_id);
    let after = match next_token {
        Some(token) => state
            .tokens
            .open(&scope, &token)?
            .parse()
            .map_err(|_| ApiError::field("nextToken", "is corrupt"))?,
        None => 0,
    };
    if state
        .store
        .scan(&caller.account_id, &scan_name)
        .await?
        .is_none()
    {
        return Err(ApiError::scan_not_found(&scan_name));
    }
    let page = state
        .store
        .findings_page(&caller.account_id, &scan_name, filter, after, limit)
        .await?;
    let findings = page
        .findings
        .iter()
        .map(served)
        .collect::<Result<Vec<_>, _>>()?;
    let mut response = json!({"findings": findings});
    if page.more
        && let Some(last) = page.last_seq
    {
        response["nextToken"] = json!(state.tokens.issue(&scope, &last.to_string()));
    }
    Ok(Json(response))
}

/// POST /batchGetFindings
pub async fn batch_get_findings(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let identifiers = decode::batch_get_findings(&body)?;
    let mut failed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut lookups: Vec<(String, String)> = Vec::new();
    for (scan_name, finding_id) in &identifiers {
        let (scan_name, finding_id) = (scan_name.as_str(), finding_id.as_str());
        let problem = if !seen.insert((scan_name.to_string(), finding_id.to_string())) {
            Some((
                "DUPLICATE_IDENTIFIER",
                "The identifier appears more than once in the request".to_string(),
            ))
        } else if validate::scan_name("scanName", scan_name).is_err() {
            Some((
                "INVALID_SCAN_NAME",
                format!("'{scan_name}' is not a valid scan name"),
            ))
        } else if finding_id.is_empty() || finding_id.len() > 128 {
            Some((
                "INVALID_FINDING_ID",
                format!("'{finding_id}' is not a valid finding id"),
            ))
        } else {
            None
        };
        match problem {
            Some((code, message)) => failed.push(failure(scan_name, finding_id, code, &message)),
            None => lookups.push((scan_name.to_string(), finding_id.to_string())),
        }
    }
    let mut findings = Vec::new();
    match state
        .store
        .findings_by_id(&caller.account_id, &lookups)
        .await
    {
        Ok(stored) => {
            // Answer in the order asked.
            for (scan_name, finding_id) in &lookups {
                let found = stored
                    .iter()
                    .find(|f| &f.finding_id == finding_id && &f.scan_name == scan_name);
                match found.map(served) {
                    Some(Ok(value)) => findings.push(value),
                    Some(Err(_)) => failed.push(failure(
                        scan_name,
                        finding_id,
                        "INTERNAL_ERROR",
                        "The finding could not be read",
                    )),
                    None => failed.push(failure(
                        scan_name,
                        finding_id,
                        "ITEM_DOES_NOT_EXIST",
                        &format!("Finding {finding_id} of scan {scan_name} does not exist"),
                    )),
                }
            }
        }
        Err(e @ argus_store::StoreError::KeyUnavailable { .. }) => return Err(e.into()),
        Err(e) => {
            tracing::error!(error = %e, "batch get findings");
            for (scan_name, finding_id) in &lookups {
                failed.push(failure(
                    scan_name,
                    finding_id,
                    "INTERNAL_ERROR",
                    "The finding could not be read",
                ));
            }
        }
    }
    Ok(Json(
        json!({"findings": findings, "failedFindings": failed}),
    ))
}

fn failure(scan_name: &str, finding_id: &str, code: &str, message: &str) -> Value {
    json!({"scanName": scan_name, "findingId": finding_id, "errorCode": code, "message": message})
}
