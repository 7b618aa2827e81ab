//! Artifacts, scans, runs and tags.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, now_millis};

/// An upload slot and, once used, the code it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub artifact_id: String,
    pub account_id: String,
    pub scan_name: String,
    pub object_key: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub uploaded_at: Option<i64>,
    pub size_bytes: Option<i64>,
}

/// A named scan: the runs over the revisions of one code base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub account_id: String,
    pub scan_name: String,
    pub scan_type: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub latest_run_id: Option<String>,
    pub revisions: i64,
}

/// One run of a scan over one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub run_id: String,
    pub account_id: String,
    pub scan_name: String,
    pub artifact_id: String,
    pub analysis_type: String,
    pub scan_type: String,
    pub state: String,
    pub error_message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The engine's summary of a finished run (JSON).
    pub summary: Option<String>,
}

/// What CreateScan asks for.
#[derive(Debug, Clone)]
pub struct CreateRun {
    pub run_id: String,
    pub account_id: String,
    pub scan_name: String,
    pub artifact_id: String,
    pub analysis_type: String,
    pub scan_type: String,
    pub client_token: String,
    /// Digest of the request, to tell a retry from a reuse of the token.
    pub request_digest: String,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub enum CreateRunOutcome {
    Created(Run),
    /// The same client token with the same request: the earlier run.
    Replayed(Run),
    /// The same client token with a different request.
    TokenReused,
    /// Adding the tags would exceed the per-scan limit.
    TooManyTags {
        limit: usize,
    },
}

const RUN_COLUMNS: &str = "run_id, account_id, scan_name, artifact_id, analysis_type, scan_type, state, error_message, created_at, updated_at, summary";

fn run_from(row: &AnyRow) -> Run {
    Run {
        run_id: row.get(0),
        account_id: row.get(1),
        scan_name: row.get(2),
        artifact_id: row.get(3),
        analysis_type: row.get(4),
        scan_type: row.get(5),
        state: row.get(6),
        error_message: row.get(7),
        created_at: row.get(8),
        updated_at: row.get(9),
        summary: row.get(10),
    }
}

const SCAN_COLUMNS: &str =
    "account_id, scan_name, scan_type, created_at, updated_at, latest_run_id, revisions";

fn scan_from(row: &AnyRow, offset: usize) -> Scan {
    Scan {
        account_id: row.get(offset),
        scan_name: row.get(offset + 1),
        scan_type: row.get(offset + 2),
        created_at: row.get(offset + 3),
        updated_at: row.get(offset + 4),
        latest_run_id: row.get(offset + 5),
        revisions: row.get(offset + 6),
    }
}

/// Most tags a scan may carry.
pub const MAX_TAGS: usize = 200;

impl Store {
    pub async fn create_artifact(&self, artifact: &Artifact) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO artifacts (artifact_id, account_id, scan_name, object_key, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&artifact.artifact_id)
        .bind(&artifact.account_id)
        .bind(&artifact.scan_name)
        .bind(&artifact.object_key)
        .bind(artifact.created_at)
        .bind(artifact.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn artifact(&self, artifact_id: &str) -> Result<Option<Artifact>, StoreError> {
        let row = sqlx::query(
            "SELECT artifact_id, account_id, scan_name, object_key, created_at, expires_at, uploaded_at, size_bytes \
             FROM artifacts WHERE artifact_id = $1",
        )
        .bind(artifact_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| Artifact {
            artifact_id: row.get(0),
            account_id: row.get(1),
            scan_name: row.get(2),
            object_key: row.get(3),
            created_at: row.get(4),
            expires_at: row.get(5),
            uploaded_at: row.get(6),
            size_bytes: row.get(7),
        }))
    }

    pub async fn mark_artifact_uploaded(
        &self,
        artifact_id: &str,
        size: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE artifacts SET uploaded_at = $1, size_bytes = $2 WHERE artifact_id = $3",
        )
        .bind(now_millis())
        .bind(size as i64)
        .bind(artifact_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Starts a new run of a scan (creating the scan on its first run) and
    /// queues its job, in one transaction; idempotent on the client token.
    pub async fn create_run(&self, request: &CreateRun) -> Result<CreateRunOutcome, StoreError> {
        for attempt in 0..2 {
            match self.try_create_run(request).await {
                Err(StoreError::Database(sqlx::Error::Database(e)))
                    if attempt == 0 && e.is_unique_violation() =>
                {
                    // A concurrent request with the same token won the race:
                    // answer with its run.
                    continue;
                }
                other => return other,
            }
        }
        self.try_create_run(request).await
    }

    async fn try_create_run(&self, request: &CreateRun) -> Result<CreateRunOutcome, StoreError> {
        let mut tx = self.write_tx().await?;
        let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS}, request_digest FROM runs WHERE account_id = $1 AND client_token = $2"
        )))
        .bind(&request.account_id)
        .bind(&request.client_token)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            let digest: String = row.get(11);
            return Ok(if digest == request.request_digest {
                CreateRunOutcome::Replayed(run_from(&row))
            } else {
                CreateRunOutcome::TokenReused
            });
        }
        let now = now_millis();
        let scan_exists =
            sqlx::query("SELECT 1 FROM scans WHERE account_id = $1 AND scan_name = $2")
                .bind(&request.account_id)
                .bind(&request.scan_name)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        if scan_exists {
            sqlx::query(
                "UPDATE scans SET updated_at = $1, latest_run_id = $2, revisions = revisions + 1 \
                 WHERE account_id = $3 AND scan_name = $4",
            )
            .bind(now)
            .bind(&request.run_id)
            .bind(&request.account_id)
            .bind(&request.scan_name)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO scans ({SCAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 1)"
            )))
            .bind(&request.account_id)
            .bind(&request.scan_name)
            .bind(&request.scan_type)
            .bind(now)
            .bind(now)
            .bind(&request.run_id)
            .execute(&mut *tx)
            .await?;
        }
        if !request.tags.is_empty() {
            let existing: Vec<String> = sqlx::query(
                "SELECT tag_key FROM scan_tags WHERE account_id = $1 AND scan_name = $2",
            )
            .bind(&request.account_id)
            .bind(&request.scan_name)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
            let added = request
                .tags
                .iter()
                .filter(|(k, _)| !existing.contains(k))
                .count();
            if existing.len() + added > MAX_TAGS {
                return Ok(CreateRunOutcome::TooManyTags { limit: MAX_TAGS });
            }
            for (key, value) in &request.tags {
                upsert_tag(&mut tx, &request.account_id, &request.scan_name, key, value).await?;
            }
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO runs ({RUN_COLUMNS}, client_token, request_digest) \
             VALUES ($1, $2, $3, $4, $5, $6, 'InProgress', NULL, $7, $8, NULL, $9, $10)"
        )))
        .bind(&request.run_id)
        .bind(&request.account_id)
        .bind(&request.scan_name)
        .bind(&request.artifact_id)
        .bind(&request.analysis_type)
        .bind(&request.scan_type)
        .bind(now)
        .bind(now)
        .bind(&request.client_token)
        .bind(&request.request_digest)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO jobs (run_id, state, attempts, created_at) VALUES ($1, 'queued', 0, $2)",
        )
        .bind(&request.run_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let started = crate::events::scan_event(
            &request.scan_name,
            &request.run_id,
            "InProgress",
            None,
            None,
        );
        crate::events::enqueue(&mut tx, &request.account_id, &[started], now).await?;
        tx.commit().await?;
        let run = self
            .run(&request.run_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("run vanished after insert".into()))?;
        Ok(CreateRunOutcome::Created(run))
    }

    pub async fn scan(
        &self,
        account_id: &str,
        scan_name: &str,
    ) -> Result<Option<Scan>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE account_id = $1 AND scan_name = $2"
        )))
        .bind(account_id)
        .bind(scan_name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| scan_from(&r, 0)))
    }

    pub async fn run(&self, run_id: &str) -> Result<Option<Run>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE run_id = $1"
        )))
        .bind(run_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| run_from(&r)))
    }

    /// Scans of an account, most recent activity first, after a keyset
    /// cursor `(updated_at, scan_name)`; Express scans are not listed.
    pub async fn list_scans(
        &self,
        account_id: &str,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<(Scan, Run)>, StoreError> {
        let (cursor_time, cursor_name) = after.unwrap_or((i64::MAX, String::new()));
        let rows = sqlx::query(
            "SELECT s.account_id, s.scan_name, s.scan_type, s.created_at, s.updated_at, s.latest_run_id, s.revisions, \
             r.run_id, r.account_id, r.scan_name, r.artifact_id, r.analysis_type, r.scan_type, r.state, r.error_message, r.created_at, r.updated_at \
             FROM scans s JOIN runs r ON r.run_id = s.latest_run_id \
             WHERE s.account_id = $1 AND s.scan_type <> 'Express' \
             AND (s.updated_at < $2 OR (s.updated_at = $3 AND s.scan_name > $4)) \
             ORDER BY s.updated_at DESC, s.scan_name ASC LIMIT $5"
        )
        .bind(account_id)
        .bind(cursor_time)
        .bind(cursor_time)
        .bind(cursor_name)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                let scan = scan_from(row, 0);
                let run = Run {
                    run_id: row.get(7),
                    account_id: row.get(8),
                    scan_name: row.get(9),
                    artifact_id: row.get(10),
                    analysis_type: row.get(11),
                    scan_type: row.get(12),
                    state: row.get(13),
                    error_message: row.get(14),
                    created_at: row.get(15),
                    updated_at: row.get(16),
                    // Listing does not need it; it can be large.
                    summary: None,
                };
                (scan, run)
            })
            .collect())
    }

    pub async fn tags(
        &self,
        account_id: &str,
        scan_name: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT tag_key, tag_value FROM scan_tags WHERE account_id = $1 AND scan_name = $2 ORDER BY tag_key",
        )
        .bind(account_id)
        .bind(scan_name)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Adds or replaces tags; `Err(limit)` when the scan would carry more
    /// than the limit.
    pub async fn put_tags(
        &self,
        account_id: &str,
        scan_name: &str,
        tags: &[(String, String)],
    ) -> Result<Result<(), usize>, StoreError> {
        let mut tx = self.write_tx().await?;
        let existing: Vec<String> =
            sqlx::query("SELECT tag_key FROM scan_tags WHERE account_id = $1 AND scan_name = $2")
                .bind(account_id)
                .bind(scan_name)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
        let added = tags.iter().filter(|(k, _)| !existing.contains(k)).count();
        if existing.len() + added > MAX_TAGS {
            return Ok(Err(MAX_TAGS));
        }
        for (key, value) in tags {
            upsert_tag(&mut tx, account_id, scan_name, key, value).await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    pub async fn delete_tags(
        &self,
        account_id: &str,
        scan_name: &str,
        keys: &[String],
    ) -> Result<(), StoreError> {
        for key in keys {
            sqlx::query(
                "DELETE FROM scan_tags WHERE account_id = $1 AND scan_name = $2 AND tag_key = $3",
            )
            .bind(account_id)
            .bind(scan_name)
            .bind(key)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }
}

async fn upsert_tag(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account_id: &str,
    scan_name: &str,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO scan_tags (account_id, scan_name, tag_key, tag_value) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id, scan_name, tag_key) DO UPDATE SET tag_value = $5",
    )
    .bind(account_id)
    .bind(scan_name)
    .bind(key)
    .bind(value)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
