//! Retention of uploaded code: the artifacts whose time is up, and the
//! record that their code is gone. Callers pass the clock, so tests can
//! move it.

use sqlx::Row;

use crate::{Store, StoreError};

/// An artifact whose code is to be deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredArtifact {
    pub artifact_id: String,
    pub account_id: String,
    pub object_key: String,
}

impl Store {
    /// Up to `limit` artifacts uploaded (or, never uploaded, created)
    /// before `cutoff` (Unix ms) whose code is still stored, leaving out
    /// any that a queued or running scan still needs.
    pub async fn artifacts_due_for_deletion(
        &self,
        cutoff: i64,
        limit: i64,
    ) -> Result<Vec<ExpiredArtifact>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.artifact_id, a.account_id, a.object_key FROM artifacts a \
             WHERE a.purged_at IS NULL AND COALESCE(a.uploaded_at, a.created_at) < $1 \
             AND NOT EXISTS (SELECT 1 FROM runs r JOIN jobs j ON j.run_id = r.run_id \
                             WHERE r.artifact_id = a.artifact_id AND j.state <> 'done') \
             ORDER BY a.created_at LIMIT $2",
        )
        .bind(cutoff)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| ExpiredArtifact {
                artifact_id: r.get(0),
                account_id: r.get(1),
                object_key: r.get(2),
            })
            .collect())
    }

    /// Records that an artifact's code was deleted at `at`.
    pub async fn mark_artifact_purged(&self, artifact_id: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE artifacts SET purged_at = $1 WHERE artifact_id = $2")
            .bind(at)
            .bind(artifact_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// When an artifact's code was deleted, if it was.
    pub async fn artifact_purged_at(&self, artifact_id: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT purged_at FROM artifacts WHERE artifact_id = $1")
            .bind(artifact_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(|r| r.get::<Option<i64>, _>(0)))
    }
}
