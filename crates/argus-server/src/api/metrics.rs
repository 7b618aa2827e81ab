//! GetMetricsSummary and ListFindingsMetrics.

use axum::extract::{RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Value, json};

use argus_store::now_millis;

use crate::decode::{self, Page};
use crate::error::ApiError;
use crate::metrics::{DAY_MS, daily, day_start, summary};
use crate::state::{Caller, SharedState};

/// How far back metrics reach (the model: "within the last two years").
const HISTORY_MS: i64 = 2 * 366 * DAY_MS;

/// GET /metrics/summary?date=
pub async fn get_metrics_summary(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let day = decode::get_metrics_summary(query.as_deref())?;
    // The spec: with the account's key disabled or deleted, its dashboard
    // metrics are unavailable too.
    state.store.check_account_key(&caller.account_id).await?;
    if day < day_start(now_millis() - HISTORY_MS) {
        return Err(ApiError::field("date", "must be within the last two years"));
    }
    let periods = state
        .store
        .open_periods(&caller.account_id, day + DAY_MS)
        .await?;
    Ok(Json(json!({"metricsSummary": summary(&periods, day)})))
}

/// GET /metrics/findings?startDate=&endDate=&maxResults=&nextToken=
pub async fn list_findings_metrics(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (
        start,
        end,
        Page {
            max_results: limit,
            next_token,
        },
    ) = decode::list_findings_metrics(query.as_deref())?;
    state.store.check_account_key(&caller.account_id).await?;
    if start < day_start(now_millis() - HISTORY_MS) {
        return Err(ApiError::field(
            "startDate",
            "must be within the last two years",
        ));
    }
    let scope = format!("{}/ListFindingsMetrics/{start}/{end}", caller.account_id);
    let first = match next_token {
        Some(token) => state
            .tokens
            .open(&scope, &token)?
            .parse::<i64>()
            .map_err(|_| ApiError::field("nextToken", "is corrupt"))?,
        None => start,
    };
    // Days that have not begun have no metrics yet.
    let end = end.min(day_start(now_millis()));
    let last = (first + (limit - 1) * DAY_MS).min(end);
    let periods = state
        .store
        .open_periods(&caller.account_id, last + DAY_MS)
        .await?;
    let mut metrics = Vec::new();
    let mut day = first;
    while day <= last {
        metrics.push(daily(&periods, day));
        day += DAY_MS;
    }
    let mut response = json!({"findingsMetrics": metrics});
    if last < end {
        response["nextToken"] = json!(state.tokens.issue(&scope, &(last + DAY_MS).to_string()));
    }
    Ok(Json(response))
}
