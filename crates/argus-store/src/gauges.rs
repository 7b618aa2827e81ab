//! Counts the metrics endpoint reads at scrape time: cheap, indexed
//! aggregate queries.

use sqlx::Row;

use crate::{Store, StoreError};

/// The queue, scans and outbox right now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gauges {
    pub jobs_queued: i64,
    pub jobs_running: i64,
    /// Scans by the state of their latest run.
    pub scans_by_state: Vec<(String, i64)>,
    pub events_pending: i64,
}

impl Store {
    pub async fn gauges(&self) -> Result<Gauges, StoreError> {
        let mut gauges = Gauges::default();
        let jobs = sqlx::query(
            "SELECT state, COUNT(*) FROM jobs WHERE state IN ('queued', 'running') GROUP BY state",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in jobs {
            let state: String = row.get(0);
            let count: i64 = row.get(1);
            match state.as_str() {
                "queued" => gauges.jobs_queued = count,
                _ => gauges.jobs_running = count,
            }
        }
        gauges.scans_by_state = sqlx::query(
            "SELECT r.state, COUNT(*) FROM scans s JOIN runs r ON r.run_id = s.latest_run_id \
             GROUP BY r.state ORDER BY r.state",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
        gauges.events_pending = self.pending_deliveries().await?;
        Ok(gauges)
    }
}
