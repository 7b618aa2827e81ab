//! The CodeGuru Security REST-JSON API: routes and thin handlers. Each
//! handler validates its input, calls the store, and shapes the answer;
//! errors are one enum rendered in one place.

mod account;
mod findings;
mod metrics;
mod scans;
mod tags;
mod upload;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post, put};

use crate::audit::{self, Audit};
use crate::auth;
use crate::error::ApiError;
use crate::request_id;
use crate::state::SharedState;

/// The whole HTTP surface: the signed API and the upload endpoint, every
/// request audited.
pub fn router(state: SharedState, audit: Audit) -> Router {
    let api = Router::new()
        .route("/uploadUrl", post(upload::create_upload_url))
        .route("/scans", post(scans::create_scan).get(scans::list_scans))
        .route("/scans/{scan_name}", get(scans::get_scan))
        .route("/findings/{scan_name}", get(findings::get_findings))
        .route("/batchGetFindings", post(findings::batch_get_findings))
        .route(
            "/tags/{resource_arn}",
            get(tags::list_tags)
                .post(tags::tag_resource)
                .delete(tags::untag_resource),
        )
        .route("/metrics/summary", get(metrics::get_metrics_summary))
        .route("/metrics/findings", get(metrics::list_findings_metrics))
        .route(
            "/accountConfiguration/get",
            get(account::get_account_configuration),
        )
        .route(
            "/updateAccountConfiguration",
            put(account::update_account_configuration),
        )
        .fallback(unknown_operation)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    Router::new()
        .route(audit::UPLOAD_ROUTE, put(upload::put_artifact))
        .merge(api)
        .layer(middleware::from_fn_with_state(audit, audit::record))
        .layer(middleware::from_fn(request_id::request_id))
        .with_state(state)
}

async fn unknown_operation() -> ApiError {
    crate::decode::unknown_operation()
}

/// Unix milliseconds as the API's timestamps (epoch seconds).
pub(crate) fn seconds(millis: i64) -> f64 {
    millis as f64 / 1000.0
}
