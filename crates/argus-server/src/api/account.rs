//! GetAccountConfiguration and UpdateAccountConfiguration.

use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::decode;
use crate::error::ApiError;
use crate::state::{Caller, SharedState};

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
    let arn = decode::update_account_configuration(&body)?;
    state
        .store
        .set_kms_key_arn(&caller.account_id, arn.as_deref())
        .await?;
    Ok(Json(configuration(arn)))
}
