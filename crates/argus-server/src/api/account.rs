//! GetAccountConfiguration and UpdateAccountConfiguration.

use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::{Caller, SharedState};
use crate::validate;

fn configuration(arn: Option<String>) -> Value {
    match arn {
        Some(arn) => json!({"encryptionConfig": {"kmsKeyArn": arn}}),
        None => json!({"encryptionConfig": {}}),
    }
}

/// GET /accountConfiguration/get
pub async fn get_account_configuration(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(configuration(
        state.store.kms_key_arn(&caller.account_id).await?,
    )))
}

/// PUT /updateAccountConfiguration
pub async fn update_account_configuration(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request = validate::json_object(&body)?;
    let config = match request.get("encryptionConfig") {
        Some(Value::Object(config)) => config,
        Some(_) => return Err(ApiError::field("encryptionConfig", "must be an object")),
        None => return Err(ApiError::field("encryptionConfig", "is required")),
    };
    let arn = validate::optional_str(config, "kmsKeyArn")
        .map_err(|_| ApiError::field("encryptionConfig.kmsKeyArn", "must be a string"))?;
    if let Some(arn) = arn {
        validate::kms_key_arn("encryptionConfig.kmsKeyArn", arn)?;
    }
    state.store.set_kms_key_arn(&caller.account_id, arn).await?;
    Ok(Json(configuration(arn.map(str::to_string))))
}
