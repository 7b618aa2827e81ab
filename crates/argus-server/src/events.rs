//! Delivers events to webhook targets: a dispatcher on every node leases
//! due deliveries from the outbox (the store orders them per target),
//! POSTs each as EventBridge-shaped JSON signed with the target's secret,
//! and records the outcome. A failed delivery is retried with exponential
//! backoff and jitter until it is a day old, then given up and logged.
//!
//! Signature: `X-Argus-Signature: t=<unix seconds>,v1=<hex>` where hex is
//! HMAC-SHA256(secret, "<t>.<body>"); receivers recompute it over the raw
//! body, compare in constant time, and reject stale `t`.

use std::time::Duration;

use argus_store::{Delivery, FINDING_STATUS_CHANGE, now_millis};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::watch;

use crate::state::SharedState;

/// How long a dispatcher holds a delivery: longer than a request may take.
const LEASE: Duration = Duration::from_secs(60);
/// Longest a target may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle dispatcher looks for due deliveries.
const POLL: Duration = Duration::from_millis(500);
/// Most deliveries (to distinct targets) sent at once.
const BATCH: i64 = 16;
/// Longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long ended deliveries are kept (to look into with SQL), and how
/// often they are pruned.
const KEEP_FINISHED: Duration = Duration::from_secs(7 * 24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Starts the dispatcher; it stops when `shutdown` turns true (a delivery
/// in flight finishes first).
pub fn spawn(
    state: SharedState,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let owner = format!(
        "events-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("argus/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(client) => client,
            Err(e) => {
                tracing::error!(error = %e, "cannot start the event dispatcher");
                return;
            }
        };
        let mut pruned_at: Option<std::time::Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                pruned_at = Some(std::time::Instant::now());
                let before = now_millis() - KEEP_FINISHED.as_millis() as i64;
                match state.store.prune_deliveries(before).await {
                    Ok(0) => {}
                    Ok(count) => tracing::info!(count, "pruned old event deliveries"),
                    Err(e) => tracing::warn!(error = %e, "cannot prune old event deliveries"),
                }
            }
            let leased = state
                .store
                .lease_deliveries(&owner, LEASE.as_millis() as i64, BATCH)
                .await;
            match leased {
                Ok(deliveries) if !deliveries.is_empty() => {
                    let sends = deliveries
                        .into_iter()
                        .map(|delivery| deliver(&state, &client, &owner, delivery));
                    futures::future::join_all(sends).await;
                }
                Ok(_) => {
                    tokio::select! {
                        _ = tokio::time::sleep(POLL) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot lease event deliveries; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    })
}

async fn deliver(state: &SharedState, client: &reqwest::Client, owner: &str, delivery: Delivery) {
    let body = envelope(state, &delivery).to_string();
    let signed_at = OffsetDateTime::now_utc().unix_timestamp();
    let result = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("X-Argus-Event-Id", &delivery.event_id)
        .header(
            "X-Argus-Signature",
            signature(&delivery.secret, signed_at, &body),
        )
        .body(body)
        .send()
        .await;
    let error = match result {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => Some(format!("the target answered {}", response.status())),
        // Without the URL: some carry tokens in their path.
        Err(e) => Some(describe(&e)),
    };
    let outcome = match &error {
        None => Ok(()),
        Some(message) => {
            let age = Duration::from_millis((now_millis() - delivery.created_at).max(0) as u64);
            let delay = backoff(state.config.event_retry_base, delivery.attempts);
            if age + delay > state.config.event_max_age {
                tracing::error!(
                    event_id = %delivery.event_id,
                    target_id = %delivery.target_id,
                    attempts = delivery.attempts,
                    error = %message,
                    "event delivery given up"
                );
                Err((message.as_str(), None))
            } else {
                tracing::warn!(
                    event_id = %delivery.event_id,
                    target_id = %delivery.target_id,
                    attempts = delivery.attempts,
                    retry_in_ms = delay.as_millis() as u64,
                    error = %message,
                    "event delivery failed; retrying"
                );
                Err((
                    message.as_str(),
                    Some(now_millis() + delay.as_millis() as i64),
                ))
            }
        }
    };
    if error.is_none() {
        tracing::info!(event_id = %delivery.event_id, target_id = %delivery.target_id, "event delivered");
    }
    if let Err(e) = state
        .store
        .finish_delivery(&delivery.delivery_id, owner, outcome)
        .await
    {
        tracing::warn!(error = %e, event_id = %delivery.event_id, "cannot record the delivery; it is retried");
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the target did not answer in time".into()
    } else if error.is_connect() {
        "cannot connect to the target".into()
    } else {
        "the request to the target failed".into()
    }
}

/// The event as EventBridge shapes it.
fn envelope(state: &SharedState, delivery: &Delivery) -> Value {
    let detail: Value = serde_json::from_str(&delivery.detail).unwrap_or(Value::Null);
    let detail_type = if delivery.event_type == FINDING_STATUS_CHANGE {
        "CodeGuru Security Finding Status Change"
    } else {
        "CodeGuru Security Scan State Change"
    };
    let time = OffsetDateTime::from_unix_timestamp(delivery.created_at / 1000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok());
    json!({
        "version": "0",
        "id": delivery.event_id,
        "detail-type": detail_type,
        "source": "aws.codeguru-security",
        "account": delivery.account_id,
        "time": time,
        "region": state.config.region,
        "resources": [state.scan_arn(&delivery.account_id, &delivery.scan_name)],
        "detail": detail,
    })
}

/// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{unix}.{body}").as_bytes());
    format!("t={unix},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The pause after `attempts` failed attempts: doubling from `base`, at
/// most an hour, with ±20% jitter so that targets coming back are not hit
/// by every node at once.
fn backoff(base: Duration, attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 30) - 1;
    let plain = base
        .saturating_mul(1u32 << exponent.min(20))
        .min(MAX_BACKOFF);
    let mut byte = [0u8; 1];
    let jitter = match getrandom::fill(&mut byte) {
        Ok(()) => 0.8 + 0.4 * f64::from(byte[0]) / 255.0,
        Err(_) => 1.0,
    };
    plain.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_stops_growing_at_an_hour() {
        let base = Duration::from_secs(5);
        for (attempts, plain) in [
            (1, 5.0),
            (2, 10.0),
            (3, 20.0),
            (10, 2560.0),
            (11, 3600.0),
            (40, 3600.0),
        ] {
            let delay = backoff(base, attempts).as_secs_f64();
            assert!(
                delay >= plain * 0.8 - 1e-9 && delay <= plain * 1.2 + 1e-9,
                "attempt {attempts}: {delay}"
            );
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_time_dot_body() {
        // Computed independently: Python's hmac.new(b"whsec_test",
        // b'1700000000.{"id":"e1"}', hashlib.sha256).hexdigest()
        assert_eq!(
            signature("whsec_test", 1700000000, r#"{"id":"e1"}"#),
            "t=1700000000,v1=6a85cb117c993612a34c72b4cfb5a16baed25a80d26e298ce0e6671320fd07c8"
        );
    }
}
