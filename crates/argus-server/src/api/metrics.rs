//! GetMetricsSummary and ListFindingsMetrics.

use axum::extract::{RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Value, json};

use argus_store::now_millis;

use crate::error::ApiError;
use crate::metrics::{DAY_MS, daily, day_start, summary};
use crate::state::{Caller, SharedState};
use crate::validate;

/// How far back metrics reach (the model: "within the last two years").
const HISTORY_MS: i64 = 2 * 366 * DAY_MS;

fn required_date(pairs: &[(String, String)], field: &str) -> Result<i64, ApiError> {
    let raw = validate::query_value(pairs, field)?
        .ok_or_else(|| ApiError::field(field, "is required"))?;
    Ok(day_start(validate::timestamp(field, raw)?))
}

/// GET /metrics/summary?date=
pub async fn get_metrics_summary(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let pairs = validate::query_pairs(query.as_deref())?;
    let day = required_date(&pairs, "date")?;
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
    let pairs = validate::query_pairs(query.as_deref())?;
    let start = required_date(&pairs, "startDate")?;
    let end = required_date(&pairs, "endDate")?;
    state.store.check_account_key(&caller.account_id).await?;
    if end < start {
        return Err(ApiError::field("endDate", "must not be before startDate"));
    }
    if start < day_start(now_millis() - HISTORY_MS) {
        return Err(ApiError::field(
            "startDate",
            "must be within the last two years",
        ));
    }
    let limit = validate::max_results(
        "maxResults",
        validate::query_value(&pairs, "maxResults")?,
        1000,
        1000,
    )?;
    let scope = format!("{}/ListFindingsMetrics/{start}/{end}", caller.account_id);
    let first = match validate::query_value(&pairs, "nextToken")? {
        Some(token) => state
            .tokens
            .open(&scope, token)?
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
