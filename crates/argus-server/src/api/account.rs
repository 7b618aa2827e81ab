//! GetAccountConfiguration and UpdateAccountConfiguration.

use argus_store::KeyState;
use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::decode;
use crate::error::ApiError;
use crate::state::{Caller, SharedState};

const FIELD: &str = "encryptionConfig.kmsKeyArn";

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
///
/// New data of the account is encrypted under the key set here; data
/// written before stays under the key it was written with.
pub async fn update_account_configuration(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let arn = decode::update_account_configuration(&body)?;
    if let Some(arn) = &arn {
        usable_key(&state, &caller, arn).await?;
    }
    state
        .store
        .set_kms_key_arn(&caller.account_id, arn.as_deref())
        .await?;
    Ok(Json(configuration(arn)))
}

/// The key must be one of the caller's account, in this region, enabled.
async fn usable_key(state: &SharedState, caller: &Caller, arn: &str) -> Result<(), ApiError> {
    // arn:aws:kms:<region>:<account>:key/<id>, as validated.
    let mut parts = arn.splitn(6, ':').skip(3);
    let (region, account) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if account != caller.account_id {
        return Err(ApiError::AccessDenied {
            message: format!(
                "The KMS key {arn} belongs to account {account}: CodeGuru Security can only use keys of account {}",
                caller.account_id
            ),
        });
    }
    if region != state.config.region {
        return Err(ApiError::field(
            FIELD,
            format!(
                "must be a key in {}, the region of your scans (the key is in {region})",
                state.config.region
            ),
        ));
    }
    let key = state
        .store
        .customer_key(arn)
        .await?
        .filter(|key| key.account_id == caller.account_id)
        .ok_or_else(|| ApiError::NotFound {
            message: format!("KMS key {arn} not found: create one with `argus admin key create`"),
            resource_id: arn.to_string(),
            resource_type: "KmsKey",
        })?;
    match key.state {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(ApiError::field(
            FIELD,
            format!("the KMS key {arn} is disabled: enable it before using it"),
        )),
        KeyState::Deleted => Err(ApiError::field(
            FIELD,
            format!("the KMS key {arn} was deleted"),
        )),
    }
}
