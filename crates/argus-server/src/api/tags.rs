//! ListTagsForResource, TagResource, UntagResource.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{Map, Value, json};

use crate::decode::{self, ScanArn};
use crate::error::ApiError;
use crate::state::{Caller, SharedState};

/// The scan an ARN names, in the caller's account.
async fn resolve(
    state: &SharedState,
    caller: &Caller,
    arn: &str,
    action: &str,
) -> Result<String, ApiError> {
    let ScanArn {
        region,
        account,
        scan_name: name,
        ..
    } = decode::scan_arn(arn)?;
    let not_found = || ApiError::NotFound {
        message: format!("Resource {arn} not found"),
        resource_id: arn.to_string(),
        resource_type: "Scan",
    };
    // No cross-account access, answered as IAM answers it.
    if account != caller.account_id {
        return Err(ApiError::AccessDenied {
            message: format!(
                "User: {} is not authorized to perform: codeguru-security:{action} on resource: {arn}",
                caller.principal_arn
            ),
        });
    }
    if region != state.config.region {
        return Err(not_found());
    }
    state
        .store
        .scan(&caller.account_id, &name)
        .await?
        .ok_or_else(not_found)?;
    Ok(name)
}

/// GET /tags/{resourceArn}
pub async fn list_tags(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(arn): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let name = resolve(&state, &caller, &arn, "ListTagsForResource").await?;
    let tags: Map<String, Value> = state
        .store
        .tags(&caller.account_id, &name)
        .await?
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Ok(Json(json!({"tags": tags})))
}

/// POST /tags/{resourceArn}
pub async fn tag_resource(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(arn): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let tags = decode::tag_resource(&body)?;
    let name = resolve(&state, &caller, &arn, "TagResource").await?;
    if let Err(limit) = state
        .store
        .put_tags(&caller.account_id, &name, &tags)
        .await?
    {
        return Err(ApiError::field(
            "tags",
            format!("a scan carries at most {limit} tags"),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// DELETE /tags/{resourceArn}?tagKeys=..&tagKeys=..
pub async fn untag_resource(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(arn): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, ApiError> {
    let keys = decode::untag_resource(query.as_deref())?;
    let name = resolve(&state, &caller, &arn, "UntagResource").await?;
    state
        .store
        .delete_tags(&caller.account_id, &name, &keys)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
