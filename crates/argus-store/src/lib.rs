//! Persistence for `argus serve`.
//!
//! Scans, runs, the durable job queue, findings with their open/closed
//! history, tags, access keys and account settings live in SQL — SQLite by
//! default (one file, WAL), PostgreSQL to scale out — through one schema
//! and one set of queries written in portable SQL. Uploaded code lives in
//! an object store: a local directory by default, any S3-compatible bucket
//! to scale out.
//!
//! This crate stores and retrieves; it does not authenticate, validate API
//! input or decide how findings are tracked (the server computes the plan,
//! the store applies it in one transaction). Source code, snippets and
//! fixes are sealed before they are stored (see `crypto`).

mod accounts;
mod artifacts;
mod crypto;
mod db;
mod events;
mod findings;
mod gauges;
mod identities;
mod jobs;
mod metrics;
mod retention;
mod scans;

pub use artifacts::{ArtifactStore, ArtifactStoreConfig, S3Config, UploadError};
pub use crypto::envelope;
pub use crypto::{CustomerKey, KeyState};
pub use db::{Backend, Store, StoreError};
pub use events::{Delivery, EVENT_TYPES, FINDING_STATUS_CHANGE, SCAN_STATE_CHANGE, WebhookTarget};
pub use findings::{FindingFilter, FindingPage, NewFinding, StoredFinding, TrackingPlan};
pub use gauges::Gauges;
pub use identities::{AccessKey, AttachedPolicy, NewPrincipal, Principal, PrincipalType};
pub use jobs::{JobOutcome, LeasedJob};
pub use metrics::OpenPeriod;
pub use retention::ExpiredArtifact;
pub use scans::{Artifact, CreateRun, CreateRunOutcome, MAX_TAGS, Run, Scan};

/// Milliseconds since the Unix epoch, as stored.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
