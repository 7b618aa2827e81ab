//! SigV4 authentication of every API request, as a middleware: the body is
//! read (bounded) so its hash can be checked, and the caller's identity is
//! attached to the request for the handlers.

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::authz;
use crate::error::ApiError;
use crate::sigv4::{self, SERVICE, SignatureError};
use crate::state::{Caller, SharedState};
use crate::throttle;
use crate::tls::PeerAddr;

/// Largest API request body (uploads go to their own endpoint).
pub const MAX_API_BODY: usize = 1024 * 1024;
/// Largest accepted difference between the client's clock and ours.
const MAX_SKEW_SECONDS: i64 = 15 * 60;

fn auth_error(kind: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Authentication {
        kind,
        message: message.into(),
    }
}

/// The middleware.
pub async fn authenticate(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_API_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::TooLarge {
                message: format!("The request body exceeds {MAX_API_BODY} bytes"),
            }
            .into_response();
        }
    };
    let operation = parts
        .extensions
        .get::<MatchedPath>()
        .map_or("Unknown", |path| {
            throttle::operation(&parts.method, path.as_str())
        });
    let caller = match verify(&state, &parts.method, &parts.uri, &parts.headers, &bytes).await {
        Ok(caller) => caller,
        Err(error) => {
            tracing::info!(operation, error = ?error_kind(&error), "request refused");
            return error.into_response();
        }
    };
    if let Err(error) = state.throttle.admit(&caller.account_id, operation) {
        tracing::info!(operation, access_key_id = %caller.access_key_id, "request throttled");
        return with_caller(error.into_response(), caller);
    }
    let asked = authz::Request {
        operation,
        path: parts.uri.path(),
        query: parts.uri.query(),
        body: &bytes,
        source_ip: parts
            .extensions
            .get::<ConnectInfo<PeerAddr>>()
            .map(|info| info.0.0.ip()),
        secure_transport: state.config.tls.is_some(),
    };
    if let Err(error) = authz::authorize(&state, &caller, &asked).await {
        return with_caller(error.into_response(), caller);
    }
    let started = std::time::Instant::now();
    let principal = caller.principal_arn.clone();
    let access_key_id = caller.access_key_id.clone();
    parts.extensions.insert(caller.clone());
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    response = with_caller(response, caller);
    tracing::info!(
        operation,
        %principal,
        %access_key_id,
        status = response
            .extensions()
            .get::<ApiError>()
            .map_or(response.status(), ApiError::status)
            .as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// Layers outside this one (the audit log) learn who called.
fn with_caller(mut response: Response, caller: Caller) -> Response {
    response.extensions_mut().insert(caller);
    response
}

fn error_kind(error: &ApiError) -> &'static str {
    match error {
        ApiError::Authentication { kind, .. } => kind,
        ApiError::TooLarge { .. } => "TooLarge",
        _ => "Other",
    }
}

async fn verify(
    state: &SharedState,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Caller, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(authorization) = header("authorization") else {
        return Err(auth_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let auth = sigv4::parse_authorization(authorization)
        .map_err(|e| auth_error("IncompleteSignatureException", e.to_string()))?;
    if auth.service != SERVICE {
        return Err(auth_error(
            "InvalidSignatureException",
            format!("Credential should be scoped to correct service: '{SERVICE}'."),
        ));
    }
    if auth.region != state.config.region {
        return Err(auth_error(
            "InvalidSignatureException",
            format!(
                "Credential should be scoped to a valid region, not '{}'. This server serves '{}'.",
                auth.region, state.config.region
            ),
        ));
    }
    let amz_date = header("x-amz-date").ok_or_else(|| {
        auth_error(
            "IncompleteSignatureException",
            "The X-Amz-Date header is required",
        )
    })?;
    let signed_at = time::PrimitiveDateTime::parse(
        amz_date,
        format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .map_err(|_| {
        auth_error(
            "IncompleteSignatureException",
            format!("X-Amz-Date '{amz_date}' is not YYYYMMDDTHHMMSSZ"),
        )
    })?
    .assume_utc();
    if !amz_date.starts_with(&auth.date) {
        return Err(auth_error(
            "InvalidSignatureException",
            "The credential scope date does not match X-Amz-Date",
        ));
    }
    let now = OffsetDateTime::now_utc();
    if (now - signed_at).whole_seconds().abs() > MAX_SKEW_SECONDS {
        return Err(auth_error(
            "InvalidSignatureException",
            format!(
                "Signature expired: {amz_date} is more than 15 minutes away from the server time {}",
                now.unix_timestamp()
            ),
        ));
    }
    for required in ["host", "x-amz-date"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(auth_error(
                "IncompleteSignatureException",
                format!("The '{required}' header must be signed"),
            ));
        }
    }
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let values: Vec<&str> = headers
            .get_all(name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            return Err(auth_error(
                "IncompleteSignatureException",
                SignatureError::MissingHeader(format!(
                    "signed header '{name}' is not in the request"
                ))
                .to_string(),
            ));
        }
        signed.push((name.clone(), values.join(",")));
    }
    let invalid_token = || {
        auth_error(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    };
    let key = state
        .store
        .access_key(&auth.access_key_id)
        .await?
        .ok_or_else(invalid_token)?;
    // Temporary credentials come with their session token; permanent keys
    // never do.
    let session_token = header("x-amz-security-token");
    match (&key.session_token_sha256, session_token) {
        (None, None) => {}
        (None, Some(_)) | (Some(_), None) => return Err(invalid_token()),
        (Some(expected), Some(token)) => {
            if !sigv4::signatures_match(expected, &sigv4::payload_hash(token.as_bytes())) {
                return Err(invalid_token());
            }
            if !auth
                .signed_headers
                .iter()
                .any(|h| h == "x-amz-security-token")
            {
                return Err(auth_error(
                    "IncompleteSignatureException",
                    "The 'x-amz-security-token' header must be signed",
                ));
            }
        }
    }
    let payload = sigv4::payload_hash(body);
    if let Some(declared) = header("x-amz-content-sha256")
        && declared != "UNSIGNED-PAYLOAD"
        && !declared.eq_ignore_ascii_case(&payload)
    {
        return Err(auth_error(
            "InvalidSignatureException",
            "The provided 'x-amz-content-sha256' header does not match the SHA-256 of the request body",
        ));
    }
    let canonical =
        sigv4::canonical_request(method.as_str(), uri.path(), uri.query(), &signed, &payload);
    let expected = sigv4::signature(&key.secret_access_key, amz_date, &auth.region, &canonical);
    if !sigv4::signatures_match(&expected, &auth.signature) {
        return Err(auth_error(
            "InvalidSignatureException",
            SignatureError::Mismatch.to_string(),
        ));
    }
    // Checked after the signature, so that only the key's holder learns
    // that it expired.
    if let Some(expires_at) = key.expires_at
        && expires_at <= now.unix_timestamp() * 1000
    {
        return Err(auth_error(
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ));
    }
    Ok(Caller {
        issued_at: key.session_token_sha256.as_ref().map(|_| key.created_at),
        account_id: key.account_id,
        principal_arn: key.principal_arn,
        access_key_id: key.access_key_id,
        policy_principal_arn: key.policy_principal_arn,
        region: auth.region,
    })
}
