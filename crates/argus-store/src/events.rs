//! Events for webhook targets: the targets, and the outbox their
//! deliveries wait in. Events are written by the transaction that makes the
//! change they report (a run's state, a finding's status), one delivery row
//! per matching target; dispatchers on any node lease due rows, so an event
//! survives restarts and is delivered at least once. Deliveries to one
//! target go out in the order the events were written (a per-target
//! sequence): a row is due only when no earlier row of its target is still
//! pending. Changes that follow each other (a run's start, end, its
//! findings) are ordered exactly; concurrent writers on PostgreSQL may
//! share a number, and then their order is arbitrary.

use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::findings::{StoredFinding, TrackingPlan};
use crate::{Store, StoreError, now_millis};

/// A run of a scan changed state (InProgress, Successful, Failed).
pub const SCAN_STATE_CHANGE: &str = "ScanStateChange";
/// A finding was opened, closed or reopened.
pub const FINDING_STATUS_CHANGE: &str = "FindingStatusChange";
/// Every event type a target can ask for.
pub const EVENT_TYPES: [&str; 2] = [SCAN_STATE_CHANGE, FINDING_STATUS_CHANGE];

/// Where an account's events are POSTed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    pub target_id: String,
    pub account_id: String,
    pub url: String,
    /// The HMAC key deliveries are signed with.
    pub secret: String,
    /// The event types sent; empty for all.
    pub event_types: Vec<String>,
    pub created_at: i64,
}

/// One event to send to one target, as a dispatcher holds it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub delivery_id: String,
    pub event_id: String,
    pub account_id: String,
    pub event_type: String,
    pub scan_name: String,
    /// The event's detail, JSON.
    pub detail: String,
    pub created_at: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub target_id: String,
    pub url: String,
    pub secret: String,
}

/// An event a transaction records.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub event_type: &'static str,
    pub scan_name: String,
    pub detail: Value,
}

/// A run's state change.
pub(crate) fn scan_event(
    scan_name: &str,
    run_id: &str,
    state: &str,
    error_message: Option<&str>,
    counts: Option<Value>,
) -> NewEvent {
    let mut detail = json!({"scanName": scan_name, "runId": run_id, "scanState": state});
    if let Some(message) = error_message {
        detail["errorMessage"] = json!(message);
    }
    if let Some(counts) = counts {
        detail["findingCounts"] = counts;
    }
    NewEvent {
        event_type: SCAN_STATE_CHANGE,
        scan_name: scan_name.to_string(),
        detail,
    }
}

/// The status changes a tracking plan makes, computed before it is
/// applied: new findings open, closed ones reopen, open ones not seen
/// again close. Details name the finding and where it is, never its code.
pub(crate) fn finding_events(
    scan_name: &str,
    run_id: &str,
    existing: &[StoredFinding],
    plan: &TrackingPlan,
) -> Vec<NewEvent> {
    let event = |id: &str,
                 detector: &str,
                 severity: &str,
                 path: &str,
                 line: Value,
                 status: &str,
                 previous: Value| NewEvent {
        event_type: FINDING_STATUS_CHANGE,
        scan_name: scan_name.to_string(),
        detail: json!({
            "findingId": id,
            "scanName": scan_name,
            "runId": run_id,
            "detectorId": detector,
            "severity": severity,
            "status": status,
            "previousStatus": previous,
            "filePath": path,
            "line": line,
        }),
    };
    let closed: std::collections::HashSet<&str> = existing
        .iter()
        .filter(|old| old.status == "Closed")
        .map(|old| old.finding_id.as_str())
        .collect();
    let matched: std::collections::HashSet<&str> =
        plan.matched.iter().map(|(id, _)| id.as_str()).collect();
    let mut events = Vec::new();
    for (id, new) in &plan.matched {
        if closed.contains(id.as_str()) {
            events.push(event(
                id,
                &new.detector_id,
                &new.severity,
                &new.file_path,
                json!(new.start_line),
                "Open",
                json!("Closed"),
            ));
        }
    }
    for new in &plan.created {
        events.push(event(
            &new.finding_id,
            &new.detector_id,
            &new.severity,
            &new.file_path,
            json!(new.start_line),
            "Open",
            Value::Null,
        ));
    }
    for old in existing
        .iter()
        .filter(|old| old.status == "Open" && !matched.contains(old.finding_id.as_str()))
    {
        // The stored finding keeps no line of its own outside its body.
        events.push(event(
            &old.finding_id,
            &old.detector_id,
            &old.severity,
            &old.file_path,
            Value::Null,
            "Closed",
            json!("Open"),
        ));
    }
    events
}

/// Queues `events` for every target of the account that wants them, in
/// the caller's transaction.
pub(crate) async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    events: &[NewEvent],
    now: i64,
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let targets: Vec<(String, String)> =
        sqlx::query("SELECT target_id, event_types FROM webhook_targets WHERE account_id = $1")
            .bind(account_id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let mut next_seq = Vec::with_capacity(targets.len());
    for (target_id, _) in &targets {
        let row = sqlx::query("SELECT MAX(seq) FROM event_deliveries WHERE target_id = $1")
            .bind(target_id)
            .fetch_one(&mut **tx)
            .await?;
        let last: Option<i64> = row.get(0);
        next_seq.push(last.unwrap_or(0) + 1);
    }
    for event in events {
        let event_id = uuid::Uuid::new_v4().to_string();
        let detail = event.detail.to_string();
        for ((target_id, types), seq) in targets.iter().zip(next_seq.iter_mut()) {
            if !types.is_empty() && !types.split(',').any(|t| t == event.event_type) {
                continue;
            }
            sqlx::query(
                "INSERT INTO event_deliveries (delivery_id, event_id, target_id, account_id, event_type, scan_name, \
                 detail, created_at, seq, state, attempts, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(&event_id)
            .bind(target_id)
            .bind(account_id)
            .bind(event.event_type)
            .bind(&event.scan_name)
            .bind(&detail)
            .bind(now)
            .bind(*seq)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            *seq += 1;
        }
    }
    Ok(())
}

const TARGET_COLUMNS: &str = "target_id, account_id, url, secret, event_types, created_at";

fn target_from(row: &AnyRow) -> WebhookTarget {
    let types: String = row.get(4);
    WebhookTarget {
        target_id: row.get(0),
        account_id: row.get(1),
        url: row.get(2),
        secret: row.get(3),
        event_types: types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: row.get(5),
    }
}

impl Store {
    /// Adds a target; events from now on are queued for it.
    pub async fn add_webhook_target(&self, target: &WebhookTarget) -> Result<(), StoreError> {
        if let Some(unknown) = target
            .event_types
            .iter()
            .find(|t| !EVENT_TYPES.contains(&t.as_str()))
        {
            return Err(StoreError::Invalid(format!(
                "unknown event type '{unknown}': use {}",
                EVENT_TYPES.join(" or ")
            )));
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO webhook_targets ({TARGET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        )))
        .bind(&target.target_id)
        .bind(&target.account_id)
        .bind(&target.url)
        .bind(&target.secret)
        .bind(target.event_types.join(","))
        .bind(target.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The targets of an account, or of every account.
    pub async fn webhook_targets(
        &self,
        account_id: Option<&str>,
    ) -> Result<Vec<WebhookTarget>, StoreError> {
        let rows = match account_id {
            Some(account) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {TARGET_COLUMNS} FROM webhook_targets WHERE account_id = $1 ORDER BY created_at, target_id"
                )))
                .bind(account)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {TARGET_COLUMNS} FROM webhook_targets ORDER BY created_at, target_id"
                )))
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.iter().map(target_from).collect())
    }

    /// Removes a target and the deliveries still waiting for it; `false`
    /// when there is no such target.
    pub async fn remove_webhook_target(&self, target_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM event_deliveries WHERE target_id = $1 AND state = 'pending'")
            .bind(target_id)
            .execute(&mut *tx)
            .await?;
        let removed = sqlx::query("DELETE FROM webhook_targets WHERE target_id = $1")
            .bind(target_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed == 1)
    }

    /// Leases up to `limit` due deliveries, each the oldest pending one of
    /// its target, for `lease_ms`; counts the attempt.
    pub async fn lease_deliveries(
        &self,
        owner: &str,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let now = now_millis();
        let candidates: Vec<String> = sqlx::query(
            "SELECT d.delivery_id FROM event_deliveries d \
             WHERE d.state = 'pending' AND d.next_attempt_at <= $1 \
             AND (d.lease_expires_at IS NULL OR d.lease_expires_at < $2) \
             AND NOT EXISTS (SELECT 1 FROM event_deliveries e WHERE e.target_id = d.target_id AND e.state = 'pending' \
               AND (e.seq < d.seq OR (e.seq = d.seq AND e.delivery_id < d.delivery_id))) \
             ORDER BY d.created_at, d.seq LIMIT $3",
        )
        .bind(now)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
        let mut leased = Vec::new();
        for delivery_id in candidates {
            let mut tx = self.write_tx().await?;
            // Another dispatcher may have taken it since the SELECT.
            let updated = sqlx::query(
                "UPDATE event_deliveries SET lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
                 WHERE delivery_id = $3 AND state = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at < $4)",
            )
            .bind(owner)
            .bind(now + lease_ms)
            .bind(&delivery_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                continue;
            }
            let row = sqlx::query(
                "SELECT d.delivery_id, d.event_id, d.account_id, d.event_type, d.scan_name, d.detail, d.created_at, \
                 d.attempts, t.target_id, t.url, t.secret \
                 FROM event_deliveries d JOIN webhook_targets t ON t.target_id = d.target_id WHERE d.delivery_id = $1",
            )
            .bind(&delivery_id)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            if let Some(row) = row {
                leased.push(Delivery {
                    delivery_id: row.get(0),
                    event_id: row.get(1),
                    account_id: row.get(2),
                    event_type: row.get(3),
                    scan_name: row.get(4),
                    detail: row.get(5),
                    created_at: row.get(6),
                    attempts: row.get(7),
                    target_id: row.get(8),
                    url: row.get(9),
                    secret: row.get(10),
                });
            }
        }
        Ok(leased)
    }

    /// Records a delivery's outcome (if `owner` still holds it): delivered,
    /// retried at `retry_at`, or given up when `retry_at` is `None`.
    pub async fn finish_delivery(
        &self,
        delivery_id: &str,
        owner: &str,
        outcome: Result<(), (&str, Option<i64>)>,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        let query = match outcome {
            Ok(()) => sqlx::query(
                "UPDATE event_deliveries SET state = 'delivered', finished_at = $1, lease_owner = NULL, \
                 lease_expires_at = NULL, last_error = NULL WHERE delivery_id = $2 AND lease_owner = $3",
            )
            .bind(now),
            Err((error, Some(retry_at))) => sqlx::query(
                "UPDATE event_deliveries SET next_attempt_at = $1, last_error = $2, lease_owner = NULL, \
                 lease_expires_at = NULL WHERE delivery_id = $3 AND lease_owner = $4",
            )
            .bind(retry_at)
            .bind(error.to_string()),
            Err((error, None)) => sqlx::query(
                "UPDATE event_deliveries SET state = 'failed', finished_at = $1, last_error = $2, \
                 lease_owner = NULL, lease_expires_at = NULL WHERE delivery_id = $3 AND lease_owner = $4",
            )
            .bind(now)
            .bind(error.to_string()),
        };
        query
            .bind(delivery_id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets deliveries that ended (delivered or given up) before
    /// `finished_before`; returns how many.
    pub async fn prune_deliveries(&self, finished_before: i64) -> Result<u64, StoreError> {
        let deleted = sqlx::query(
            "DELETE FROM event_deliveries WHERE state <> 'pending' AND finished_at < $1",
        )
        .bind(finished_before)
        .execute(&self.pool)
        .await?;
        Ok(deleted.rows_affected())
    }

    /// Deliveries not yet delivered or given up.
    pub async fn pending_deliveries(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM event_deliveries WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get(0))
    }
}
