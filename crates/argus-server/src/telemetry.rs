//! `/metrics` in the Prometheus text format, on a listener of its own
//! (off by default). It is unauthenticated, as Prometheus scrapes: bind it
//! to loopback or a private network. Request counters live in memory (per
//! node); queue, scan and outbox gauges are read from the database at
//! scrape time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use argus_store::{Gauges, Store};
use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::audit::AuditLog;

/// Upper bounds of the request duration buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Run states every scrape reports, even at zero.
const SCAN_STATES: [&str; 3] = ["InProgress", "Successful", "Failed"];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Request counters of this node.
#[derive(Default)]
pub struct Telemetry {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    durations: Mutex<BTreeMap<&'static str, Histogram>>,
}

impl Telemetry {
    pub fn observe_request(&self, operation: &'static str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((operation, status))
            .or_default() += 1;
        let mut durations = self.durations.lock().unwrap_or_else(|e| e.into_inner());
        let histogram = durations.entry(operation).or_default();
        for (bucket, bound) in histogram.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The exposition text.
    pub fn render(&self, gauges: &Gauges, audit: &AuditLog) -> String {
        let mut out = String::new();
        family(
            &mut out,
            "argus_build_info",
            "gauge",
            "The running argus version.",
        );
        let _ = writeln!(
            out,
            "argus_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        family(
            &mut out,
            "argus_requests_total",
            "counter",
            "API requests by operation and HTTP status code.",
        );
        for ((operation, code), count) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "argus_requests_total{{operation=\"{}\",code=\"{code}\"}} {count}",
                escape(operation)
            );
        }
        family(
            &mut out,
            "argus_request_duration_seconds",
            "histogram",
            "API request durations by operation.",
        );
        for (operation, histogram) in self
            .durations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let operation = escape(operation);
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                let _ = writeln!(
                    out,
                    "argus_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "argus_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}\n\
                 argus_request_duration_seconds_sum{{operation=\"{operation}\"}} {}\n\
                 argus_request_duration_seconds_count{{operation=\"{operation}\"}} {}",
                histogram.count, histogram.sum, histogram.count
            );
        }
        gauge(
            &mut out,
            "argus_jobs_queued",
            "Scan jobs waiting for a worker.",
            gauges.jobs_queued,
        );
        gauge(
            &mut out,
            "argus_jobs_running",
            "Scan jobs a worker holds.",
            gauges.jobs_running,
        );
        gauge(
            &mut out,
            "argus_events_pending",
            "Event deliveries waiting to be sent or retried.",
            gauges.events_pending,
        );
        let _ = writeln!(
            out,
            "# HELP argus_scans Scans by the state of their latest run.\n# TYPE argus_scans gauge"
        );
        let mut states: BTreeMap<&str, i64> = SCAN_STATES.iter().map(|s| (*s, 0)).collect();
        for (state, count) in &gauges.scans_by_state {
            *states.entry(state.as_str()).or_default() += count;
        }
        for (state, count) in states {
            let _ = writeln!(out, "argus_scans{{state=\"{}\"}} {count}", escape(state));
        }
        let _ = writeln!(
            out,
            "# HELP argus_audit_records_total Audit records written by this node.\n\
             # TYPE argus_audit_records_total counter\nargus_audit_records_total {}\n\
             # HELP argus_audit_records_dropped_total Audit records dropped because the writer fell behind.\n\
             # TYPE argus_audit_records_dropped_total counter\nargus_audit_records_dropped_total {}",
            audit.written(),
            audit.dropped()
        );
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn gauge(out: &mut String, name: &str, help: &str, value: i64) {
    family(out, name, "gauge", help);
    let _ = writeln!(out, "{name} {value}");
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[derive(Clone)]
struct Scrape {
    telemetry: Arc<Telemetry>,
    audit: Arc<AuditLog>,
    store: Store,
}

async fn metrics(State(scrape): State<Scrape>) -> Response {
    match scrape.store.gauges().await {
        Ok(gauges) => (
            [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
            scrape.telemetry.render(&gauges, &scrape.audit),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the metrics gauges");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable\n",
            )
                .into_response()
        }
    }
}

/// Binds the metrics listener and serves `/metrics` until `shutdown`.
pub async fn serve(
    addr: SocketAddr,
    telemetry: Arc<Telemetry>,
    audit: Arc<AuditLog>,
    store: Store,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(Scrape {
            telemetry,
            audit,
            store,
        });
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the metrics listener failed");
        }
    });
    Ok((local, task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_exposition_has_every_series_with_consistent_histograms() {
        let telemetry = Telemetry::default();
        telemetry.observe_request("GetScan", 200, 0.003);
        telemetry.observe_request("GetScan", 200, 0.2);
        telemetry.observe_request("GetScan", 404, 40.0);
        let dir = tempfile::tempdir().unwrap();
        let audit = AuditLog::open(&dir.path().join("a.jsonl")).unwrap();
        let gauges = Gauges {
            jobs_queued: 2,
            jobs_running: 1,
            scans_by_state: vec![("Successful".into(), 5)],
            events_pending: 3,
        };
        let text = telemetry.render(&gauges, &audit);
        audit.close().await;
        for line in [
            "argus_build_info{version=\"",
            "argus_requests_total{operation=\"GetScan\",code=\"200\"} 2",
            "argus_requests_total{operation=\"GetScan\",code=\"404\"} 1",
            "argus_request_duration_seconds_bucket{operation=\"GetScan\",le=\"0.005\"} 1",
            "argus_request_duration_seconds_bucket{operation=\"GetScan\",le=\"0.25\"} 2",
            "argus_request_duration_seconds_bucket{operation=\"GetScan\",le=\"30\"} 2",
            "argus_request_duration_seconds_bucket{operation=\"GetScan\",le=\"+Inf\"} 3",
            "argus_request_duration_seconds_count{operation=\"GetScan\"} 3",
            "argus_jobs_queued 2",
            "argus_jobs_running 1",
            "argus_events_pending 3",
            "argus_scans{state=\"Successful\"} 5",
            "argus_scans{state=\"Failed\"} 0",
            "argus_audit_records_total 0",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
