//! Every error the API returns, and how it looks on the wire: the
//! `x-amzn-ErrorType` header the AWS CLI and boto3 read, a JSON body with
//! `message` and the modeled members. Internal details never leave the
//! server: they are logged with the request id the client sees.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Why a field failed validation.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub name: String,
    pub message: String,
}

/// An API error.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// 400: the request is malformed or a field is invalid.
    Validation {
        message: String,
        /// `unknownOperation`, `cannotParse`, `fieldValidationFailed`, `other`.
        reason: &'static str,
        fields: Vec<FieldError>,
    },
    /// 404.
    NotFound {
        message: String,
        resource_id: String,
        resource_type: &'static str,
    },
    /// 409.
    Conflict {
        message: String,
        resource_id: String,
        resource_type: &'static str,
    },
    /// 403, an authorization failure.
    AccessDenied { message: String },
    /// 429.
    Throttling { message: String },
    /// 413: a body larger than the API accepts.
    TooLarge { message: String },
    /// 403: authentication failures, as AWS names them
    /// (`InvalidSignatureException`, `UnrecognizedClientException`,
    /// `MissingAuthenticationTokenException`, ...).
    Authentication { kind: &'static str, message: String },
    /// 500: logged in full, answered with the request id only.
    Internal { detail: String },
}

impl ApiError {
    /// A single invalid field.
    pub fn field(name: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Validation {
            message: format!("Invalid {name}: {message}"),
            reason: "fieldValidationFailed",
            fields: vec![FieldError {
                name: name.to_string(),
                message,
            }],
        }
    }

    /// A body or query that cannot be parsed.
    pub fn cannot_parse(message: impl Into<String>) -> ApiError {
        ApiError::Validation {
            message: message.into(),
            reason: "cannotParse",
            fields: Vec::new(),
        }
    }

    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError::Internal {
            detail: detail.to_string(),
        }
    }

    pub fn scan_not_found(scan_name: &str) -> ApiError {
        ApiError::NotFound {
            message: format!("Scan {scan_name} not found"),
            resource_id: scan_name.to_string(),
            resource_type: "Scan",
        }
    }

    fn parts(&self, request_id: &str) -> (StatusCode, &'static str, Value) {
        match self {
            ApiError::Validation {
                message,
                reason,
                fields,
            } => (
                StatusCode::BAD_REQUEST,
                "ValidationException",
                json!({
                    "message": message,
                    "errorCode": "ValidationError",
                    "reason": reason,
                    "fieldList": fields.iter().map(|f| json!({"name": f.name, "message": f.message})).collect::<Vec<_>>(),
                }),
            ),
            ApiError::NotFound {
                message,
                resource_id,
                resource_type,
            } => (
                StatusCode::NOT_FOUND,
                "ResourceNotFoundException",
                json!({"message": message, "errorCode": "ResourceNotFound", "resourceId": resource_id, "resourceType": resource_type}),
            ),
            ApiError::Conflict {
                message,
                resource_id,
                resource_type,
            } => (
                StatusCode::CONFLICT,
                "ConflictException",
                json!({"message": message, "errorCode": "Conflict", "resourceId": resource_id, "resourceType": resource_type}),
            ),
            ApiError::AccessDenied { message } => (
                StatusCode::FORBIDDEN,
                "AccessDeniedException",
                json!({"message": message, "errorCode": "AccessDenied"}),
            ),
            ApiError::Throttling { message } => (
                StatusCode::TOO_MANY_REQUESTS,
                "ThrottlingException",
                json!({"message": message, "errorCode": "Throttling", "serviceCode": "codeguru-security"}),
            ),
            ApiError::TooLarge { message } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "ValidationException",
                json!({"message": message, "errorCode": "ValidationError", "reason": "other", "fieldList": []}),
            ),
            ApiError::Authentication { kind, message } => {
                (StatusCode::FORBIDDEN, kind, json!({"message": message}))
            }
            ApiError::Internal { .. } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerException",
                json!({
                    "message": format!("The server had an internal error; request id {request_id}"),
                    "error": "InternalServerError",
                }),
            ),
        }
    }

    /// The `x-amzn-ErrorType` this error is answered with (for the audit
    /// log's `errorCode`).
    pub(crate) fn code(&self) -> &'static str {
        self.parts("").1
    }

    /// The message the client sees (internal details stay out).
    pub(crate) fn client_message(&self) -> String {
        match self {
            ApiError::Internal { .. } => "The server had an internal error".to_string(),
            other => other.parts("").2["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.parts("").0
    }

    /// The response for this error under a request id.
    pub fn into_response_with(self, request_id: &str) -> Response {
        if let ApiError::Internal { detail } = &self {
            tracing::error!(request_id, detail, "internal error");
        }
        let (status, kind, body) = self.parts(request_id);
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert("x-amzn-ErrorType", HeaderValue::from_static(kind));
        if let Ok(id) = HeaderValue::from_str(request_id) {
            headers.insert("x-amzn-RequestId", id);
        }
        response
    }
}

impl IntoResponse for ApiError {
    /// A placeholder carrying the error: the request-id middleware renders
    /// it, so every error names the request id the client sees.
    fn into_response(self) -> Response {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl From<argus_store::StoreError> for ApiError {
    fn from(error: argus_store::StoreError) -> ApiError {
        match error {
            // The customer's own key is disabled or deleted: their doing,
            // and theirs to fix, so they are told which key and why.
            e @ argus_store::StoreError::KeyUnavailable { .. } => ApiError::AccessDenied {
                message: e.to_string(),
            },
            e => ApiError::internal(e),
        }
    }
}
