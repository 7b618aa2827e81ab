//! The durable job queue: workers lease jobs, renew their lease while they
//! run, and finish them in the same transaction that stores the results. A
//! lease that expires (a crashed or killed worker) makes the job available
//! again; a job that keeps failing ends its run as Failed.

use sqlx::Row;

use crate::events;
use crate::findings::{StoredFinding, TrackingPlan, apply_plan, load_findings};
use crate::scans::Run;
use crate::{Backend, Store, StoreError, now_millis};

/// A job a worker holds.
#[derive(Debug, Clone)]
pub struct LeasedJob {
    pub run: Run,
    pub attempts: i64,
    pub object_key: String,
}

/// How a job ended.
#[derive(Debug)]
pub enum JobOutcome {
    Succeeded,
    /// The lease was lost to another worker: nothing was written.
    LeaseLost,
}

impl Store {
    /// Leases the oldest job that is queued or whose lease expired.
    pub async fn lease_job(
        &self,
        owner: &str,
        lease_ms: i64,
    ) -> Result<Option<LeasedJob>, StoreError> {
        let now = now_millis();
        let pick = match self.backend {
            Backend::Postgres => {
                "SELECT run_id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < $1) \
                 ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED"
            }
            Backend::Sqlite => {
                "SELECT run_id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < $1) \
                 ORDER BY created_at LIMIT 1"
            }
        };
        let mut tx = self.write_tx().await?;
        let Some(row) = sqlx::query(pick).bind(now).fetch_optional(&mut *tx).await? else {
            return Ok(None);
        };
        let run_id: String = row.get(0);
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
             WHERE run_id = $3 AND (state = 'queued' OR (state = 'running' AND lease_expires_at < $4))",
        )
        .bind(owner)
        .bind(now + lease_ms)
        .bind(&run_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT j.attempts, a.object_key FROM jobs j JOIN runs r ON r.run_id = j.run_id \
             JOIN artifacts a ON a.artifact_id = r.artifact_id WHERE j.run_id = $1",
        )
        .bind(&run_id)
        .fetch_one(&mut *tx)
        .await?;
        let attempts: i64 = row.get(0);
        let object_key: String = row.get(1);
        tx.commit().await?;
        let run = self
            .run(&run_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("job {run_id} has no run")))?;
        Ok(Some(LeasedJob {
            run,
            attempts,
            object_key,
        }))
    }

    /// Gives a job back to the queue (the worker is shutting down): another
    /// worker takes it at once, and the attempt does not count.
    pub async fn release_job(&self, run_id: &str, owner: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1 \
             WHERE run_id = $1 AND lease_owner = $2 AND state = 'running'",
        )
        .bind(run_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Extends a lease; `false` when the lease is no longer ours.
    pub async fn renew_lease(
        &self,
        run_id: &str,
        owner: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let updated = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $1 WHERE run_id = $2 AND lease_owner = $3 AND state = 'running'",
        )
        .bind(now_millis() + lease_ms)
        .bind(run_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Stores a run's findings (tracked against the scan's earlier ones by
    /// `plan`), marks the run Successful and the job done — all in one
    /// transaction, only if `owner` still holds the lease.
    pub async fn complete_run(
        &self,
        run_id: &str,
        owner: &str,
        summary: &str,
        plan: impl FnOnce(&[StoredFinding]) -> TrackingPlan,
    ) -> Result<JobOutcome, StoreError> {
        // The data key comes first: making one writes, which must not wait
        // behind the transaction below (SQLite has one writer).
        let account_id = self
            .run(run_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("run {run_id} is missing")))?
            .account_id;
        let key = self.write_key(&account_id).await?;
        let mut tx = self.write_tx().await?;
        let run = sqlx::query(
            "SELECT r.account_id, r.scan_name FROM runs r JOIN jobs j ON j.run_id = r.run_id \
                               WHERE r.run_id = $1 AND j.lease_owner = $2 AND j.state = 'running'",
        )
        .bind(run_id)
        .bind(owner)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(run) = run else {
            return Ok(JobOutcome::LeaseLost);
        };
        let account_id: String = run.get(0);
        let scan_name: String = run.get(1);
        let existing = load_findings(self, &mut tx, &account_id, &scan_name).await?;
        let plan = plan(&existing);
        let now = now_millis();
        let mut events = events::finding_events(&scan_name, run_id, &existing, &plan);
        let opened = events
            .iter()
            .filter(|e| e.detail["status"] == "Open")
            .count();
        let counts = serde_json::json!({
            "open": plan.matched.len() + plan.created.len(),
            "opened": opened,
            "closed": events.len() - opened,
        });
        events.push(events::scan_event(
            &scan_name,
            run_id,
            "Successful",
            None,
            Some(counts),
        ));
        apply_plan(
            &mut tx,
            &key,
            &account_id,
            &scan_name,
            run_id,
            &existing,
            plan,
            now,
        )
        .await?;
        sqlx::query(
            "UPDATE runs SET state = 'Successful', summary = $1, updated_at = $2 WHERE run_id = $3",
        )
        .bind(summary)
        .bind(now)
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE scans SET updated_at = $1 WHERE account_id = $2 AND scan_name = $3")
            .bind(now)
            .bind(&account_id)
            .bind(&scan_name)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE jobs SET state = 'done', lease_owner = NULL WHERE run_id = $1")
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        events::enqueue(&mut tx, &account_id, &events, now).await?;
        tx.commit().await?;
        Ok(JobOutcome::Succeeded)
    }

    /// Ends a run as Failed with a reason (and its job as done).
    pub async fn fail_run(&self, run_id: &str, message: &str) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let now = now_millis();
        sqlx::query("UPDATE runs SET state = 'Failed', error_message = $1, updated_at = $2 WHERE run_id = $3")
            .bind(message)
            .bind(now)
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE jobs SET state = 'done', lease_owner = NULL WHERE run_id = $1")
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        let run = sqlx::query("SELECT account_id, scan_name FROM runs WHERE run_id = $1")
            .bind(run_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(run) = run {
            let (account_id, scan_name): (String, String) = (run.get(0), run.get(1));
            let failed = events::scan_event(&scan_name, run_id, "Failed", Some(message), None);
            events::enqueue(&mut tx, &account_id, &[failed], now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Jobs not done yet (queued or running).
    pub async fn pending_jobs(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM jobs WHERE state <> 'done'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get(0))
    }
}
