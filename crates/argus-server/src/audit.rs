//! The audit log: one CloudTrail-shaped record per request, refused ones
//! included, appended to a JSON-lines file. The layer sits outside
//! authentication, so it sees every request, and inside the request-id
//! layer, so records and error bodies share the id.
//!
//! Records hold the request's parameters (path, query, JSON body) with
//! secrets hidden, and the response only for calls that change something;
//! reads answer with findings and code, which stay out as in CloudTrail.
//! Uploads are recorded without their body.

mod redact;
mod writer;

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing::Instrument;

pub use writer::AuditLog;

use crate::auth::MAX_API_BODY;
use crate::error::ApiError;
use crate::request_id::RequestId;
use crate::sigv4;
use crate::state::{Caller, SharedState};
use crate::telemetry::Telemetry;
use crate::throttle;
use crate::validate;

/// The upload endpoint's route, recorded as `PutCodeArtifact`.
pub const UPLOAD_ROUTE: &str = "/upload/{artifact_id}";

/// Operations that change something: their responses are recorded.
const MUTATING: [&str; 6] = [
    "CreateUploadUrl",
    "CreateScan",
    "TagResource",
    "UntagResource",
    "UpdateAccountConfiguration",
    "PutCodeArtifact",
];

/// Largest response body read back for `responseElements`.
const MAX_RECORDED_RESPONSE: usize = 64 * 1024;

/// What the layer needs.
#[derive(Clone)]
pub struct Audit {
    pub state: SharedState,
    pub log: Arc<AuditLog>,
    pub telemetry: Arc<Telemetry>,
}

/// The middleware.
pub async fn record(State(audit): State<Audit>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let operation = match route.as_deref() {
        Some(UPLOAD_ROUTE) => "PutCodeArtifact",
        Some(route) => throttle::operation(request.method(), route),
        None => "Unknown",
    };
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        operation,
        account = tracing::field::Empty
    );
    let headers = request.headers();
    let user_agent = header(headers, "user-agent").map(str::to_string);
    let presented_key = header(headers, "authorization")
        .and_then(|h| sigv4::parse_authorization(h).ok())
        .map(|auth| auth.access_key_id);
    let source_ip = request
        .extensions()
        .get::<ConnectInfo<crate::tls::PeerAddr>>()
        .map(|c| c.0.0.ip().to_string());
    let mut parameters = path_parameters(route.as_deref(), request.uri().path());
    if let Ok(pairs) = validate::query_pairs(request.uri().query()) {
        for (key, value) in pairs {
            parameters.insert(key, Value::String(value));
        }
    }
    // The API's bodies are small JSON (authentication reads them whole
    // anyway); an upload's body is code and streams past untouched.
    let (request, too_large) = if operation == "PutCodeArtifact" {
        (request, false)
    } else {
        let (parts, body) = request.into_parts();
        match to_bytes(body, MAX_API_BODY).await {
            Ok(bytes) => {
                if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&bytes) {
                    parameters.extend(body);
                }
                (Request::from_parts(parts, Body::from(bytes)), false)
            }
            Err(_) => (Request::from_parts(parts, Body::empty()), true),
        }
    };
    let response = if too_large {
        ApiError::TooLarge {
            message: format!("The request body exceeds {MAX_API_BODY} bytes"),
        }
        .into_response()
    } else {
        next.run(request).instrument(span.clone()).await
    };
    let error = response.extensions().get::<ApiError>().cloned();
    let status = error
        .as_ref()
        .map_or(response.status(), ApiError::status)
        .as_u16();
    let elapsed = started.elapsed();
    audit
        .telemetry
        .observe_request(operation, status, elapsed.as_secs_f64());
    let mut identity = match response.extensions().get::<Caller>() {
        Some(caller) => caller_identity(caller),
        None => json!({"type": "Unknown", "accessKeyId": presented_key}),
    };
    if operation == "PutCodeArtifact"
        && let Some(Value::String(artifact_id)) = parameters.get("codeArtifactId")
        && let Ok(Some(artifact)) = audit.state.store.artifact(artifact_id).await
    {
        // Pre-signed uploads carry no credentials: the URL was issued to
        // the artifact's account.
        identity = json!({"type": "AWSAccount", "accountId": artifact.account_id});
    }
    let account = identity["accountId"].as_str().map(str::to_string);
    if let Some(account) = &account {
        span.record("account", account.as_str());
    }
    let (response, elements) =
        if error.is_none() && MUTATING.contains(&operation) && operation != "PutCodeArtifact" {
            response_elements(response).await
        } else {
            (response, Value::Null)
        };
    let mut parameters = Value::Object(parameters);
    redact::redact(&mut parameters);
    let record = json!({
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok()),
        "eventSource": "codeguru-security.amazonaws.com",
        "eventName": operation,
        "awsRegion": audit.state.config.region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
        "requestParameters": parameters,
        "responseElements": elements,
        "errorCode": error.as_ref().map(ApiError::code),
        "errorMessage": error.as_ref().map(ApiError::client_message),
        "additionalEventData": {
            "httpStatus": status,
            "durationMs": elapsed.as_millis() as u64,
        },
        "requestID": request_id,
        "eventID": uuid::Uuid::new_v4().to_string(),
        "readOnly": !MUTATING.contains(&operation),
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": account,
        "eventCategory": "Management",
    });
    audit.log.submit(record.to_string());
    response
}

fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// CloudTrail's `userIdentity` for an authenticated caller.
fn caller_identity(caller: &Caller) -> Value {
    let arn = &caller.principal_arn;
    let (kind, principal_id) = if arn.ends_with(":root") {
        ("Root", caller.account_id.clone())
    } else if arn.contains(":assumed-role/") {
        (
            "AssumedRole",
            arn.rsplit(':').next().unwrap_or(arn).to_string(),
        )
    } else {
        ("IAMUser", arn.rsplit('/').next().unwrap_or(arn).to_string())
    };
    json!({
        "type": kind,
        "principalId": principal_id,
        "arn": arn,
        "accountId": caller.account_id,
        "accessKeyId": caller.access_key_id,
    })
}

/// The route's path parameter under its API name.
fn path_parameters(route: Option<&str>, path: &str) -> Map<String, Value> {
    let mut parameters = Map::new();
    let name = match route {
        Some("/scans/{scan_name}" | "/findings/{scan_name}") => "scanName",
        Some("/tags/{resource_arn}") => "resourceArn",
        Some(UPLOAD_ROUTE) => "codeArtifactId",
        _ => return parameters,
    };
    if let Some(last) = path.rsplit('/').next()
        && let Ok(value) = percent_encoding::percent_decode_str(last).decode_utf8()
    {
        parameters.insert(name.into(), Value::String(value.into_owned()));
    }
    parameters
}

/// The JSON a mutating call answered with (secrets are redacted by the
/// caller); the response is rebuilt from the bytes read.
async fn response_elements(response: Response) -> (Response, Value) {
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_RECORDED_RESPONSE).await {
        Ok(bytes) => {
            let mut elements = match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(map)) if !map.is_empty() => Value::Object(map),
                _ => Value::Null,
            };
            redact::redact(&mut elements);
            (Response::from_parts(parts, Body::from(bytes)), elements)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the response for the audit log");
            (
                ApiError::internal("the response body could not be read").into_response(),
                Value::Null,
            )
        }
    }
}
