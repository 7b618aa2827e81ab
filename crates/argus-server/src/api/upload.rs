//! CreateUploadUrl and the upload endpoint it points to.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, body::Bytes};
use futures::TryStreamExt;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use argus_store::{Artifact, UploadError, now_millis};

use crate::error::ApiError;
use crate::state::{Caller, SharedState};
use crate::{decode, validate};

/// The object key of an artifact.
fn object_key(account_id: &str, artifact_id: &str) -> String {
    format!("artifacts/{account_id}/{artifact_id}.zip")
}

fn upload_signature(key: &[u8], artifact_id: &str, expires: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(format!("PUT\n{artifact_id}\n{expires}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// POST /uploadUrl
pub async fn create_upload_url(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let scan_name = decode::create_upload_url(&body)?;
    let scan_name = scan_name.as_str();
    let artifact_id = uuid::Uuid::new_v4().to_string();
    let key = object_key(&caller.account_id, &artifact_id);
    let ttl = state.config.upload_url_ttl;
    let now = now_millis();
    let expires_at = now + ttl.as_millis() as i64;
    state
        .store
        .create_artifact(&Artifact {
            artifact_id: artifact_id.clone(),
            account_id: caller.account_id.clone(),
            scan_name: scan_name.to_string(),
            object_key: key.clone(),
            created_at: now,
            expires_at,
            uploaded_at: None,
            size_bytes: None,
        })
        .await?;
    let url = match state.store.artifacts.presigned_put(&key, ttl).await? {
        Some(url) => url,
        None => {
            let expires = expires_at / 1000;
            let signature = upload_signature(&state.upload_key, &artifact_id, expires);
            format!(
                "{}/upload/{artifact_id}?X-Argus-Expires={expires}&X-Argus-Signature={signature}",
                state.public_url
            )
        }
    };
    Ok(Json(json!({
        "s3Url": url,
        "requestHeaders": {"Content-Type": "application/zip"},
        "codeArtifactId": artifact_id,
    })))
}

/// PUT /upload/{artifactId}?X-Argus-Expires=..&X-Argus-Signature=..
///
/// Authorized by the URL's own signature (clients do not sign the PUT);
/// the body streams to the artifact store.
pub async fn put_artifact(
    State(state): State<SharedState>,
    Path(artifact_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let denied = |message: &str| ApiError::AccessDenied {
        message: message.to_string(),
    };
    let pairs = validate::query_pairs(query.as_deref())?;
    let expires: i64 = validate::query_value(&pairs, "X-Argus-Expires")?
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| denied("The upload URL is missing its expiry"))?;
    let signature = validate::query_value(&pairs, "X-Argus-Signature")?
        .ok_or_else(|| denied("The upload URL is missing its signature"))?;
    let expected = upload_signature(&state.upload_key, &artifact_id, expires);
    if !crate::sigv4::signatures_match(&expected, signature) {
        return Err(denied("The upload URL signature does not match"));
    }
    if expires * 1000 < now_millis() {
        return Err(denied(
            "The upload URL has expired; ask for a new one with CreateUploadUrl",
        ));
    }
    let artifact = state
        .store
        .artifact(&artifact_id)
        .await?
        .ok_or_else(|| denied("The upload URL does not name an upload slot"))?;
    let limit = state.config.upload_limit;
    if let Some(length) = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && length > limit
    {
        return Err(ApiError::TooLarge {
            message: format!("The upload is {length} bytes; the limit is {limit}"),
        });
    }
    let stream = body.into_data_stream().map_err(|e| e.to_string());
    // Sealed as it streams in: the plaintext is never stored.
    match state
        .store
        .put_artifact(&artifact, Box::pin(stream), limit)
        .await
    {
        Ok(_) => {}
        Err(UploadError::TooLarge { limit }) => {
            return Err(ApiError::TooLarge {
                message: format!("The upload exceeds the limit of {limit} bytes"),
            });
        }
        Err(UploadError::Body(message)) => {
            return Err(ApiError::cannot_parse(format!(
                "The upload was interrupted: {message}"
            )));
        }
        Err(UploadError::Store(e)) => return Err(e.into()),
    };
    let mut response = StatusCode::OK.into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{artifact_id}\"")) {
        response.headers_mut().insert("ETag", etag);
    }
    Ok(response)
}
