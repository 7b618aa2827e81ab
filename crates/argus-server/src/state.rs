//! What every request handler and worker shares.

use std::sync::Arc;

use argus_store::Store;
use tokio::sync::Notify;

use crate::config::ServerConfig;
use crate::throttle::Throttle;
use crate::token::Tokens;

/// The authenticated principal of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    /// Who called: the root, a user, or a role session.
    pub principal_arn: String,
    pub access_key_id: String,
    /// The user or role whose policies apply; `None` for the account's root.
    pub policy_principal_arn: Option<String>,
    /// When the temporary credentials (a session token) the request was
    /// signed with were issued (Unix ms); `None` for permanent keys.
    pub issued_at: Option<i64>,
    /// The region the request was signed for.
    pub region: String,
}

/// Shared server state.
pub struct AppState {
    pub store: Store,
    pub config: ServerConfig,
    pub tokens: Tokens,
    /// Per-account request quotas.
    pub throttle: Throttle,
    /// Signs the upload URLs argus serves itself.
    pub upload_key: Vec<u8>,
    /// Wakes idle workers when a scan is queued.
    pub jobs_ready: Notify,
    /// Where clients reach this server (upload URLs point there).
    pub public_url: String,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    /// `arn:aws:codeguru-security:<region>:<account>:scans/<name>`
    pub fn scan_arn(&self, account_id: &str, scan_name: &str) -> String {
        format!(
            "arn:aws:codeguru-security:{}:{account_id}:scans/{scan_name}",
            self.config.region
        )
    }
}
