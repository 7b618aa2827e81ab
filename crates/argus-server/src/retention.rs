//! Deletes uploaded code when its retention period is over (10 days by
//! default, as the service does); scans and findings stay. Expired
//! temporary credentials are forgotten on the same round. Every node
//! sweeps; deleting an object twice is harmless, so they need no lock.

use std::time::Duration;

use argus_store::{Store, now_millis};
use tokio::sync::watch;

use crate::state::SharedState;

/// How often a node looks for expired code.
const SWEEP_EVERY: Duration = Duration::from_secs(15 * 60);
/// Artifacts deleted per batch.
const BATCH: i64 = 200;

pub fn spawn(
    state: SharedState,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let cutoff = now_millis() - state.config.code_retention.as_millis() as i64;
            match sweep(&state.store, cutoff, now_millis).await {
                Ok(0) => {}
                Ok(count) => {
                    tracing::info!(count, "deleted uploaded code past its retention period")
                }
                Err(e) => tracing::warn!(error = %e, "retention sweep failed; retrying later"),
            }
            // Expired temporary credentials are refused anyway; a day later
            // they are forgotten.
            if let Err(e) = state
                .store
                .delete_expired_credentials(now_millis() - 86_400_000)
                .await
            {
                tracing::warn!(error = %e, "cannot delete expired credentials");
            }
            tokio::select! {
                _ = tokio::time::sleep(SWEEP_EVERY) => {}
                _ = shutdown.wait_for(|stop| *stop) => break,
            }
        }
    })
}

/// Deletes the code of every artifact uploaded before `cutoff` (Unix ms);
/// `now` stamps the deletions. Returns how many were deleted.
pub async fn sweep(
    store: &Store,
    cutoff: i64,
    now: impl Fn() -> i64,
) -> Result<usize, argus_store::StoreError> {
    let mut deleted = 0;
    loop {
        let due = store.artifacts_due_for_deletion(cutoff, BATCH).await?;
        if due.is_empty() {
            return Ok(deleted);
        }
        for artifact in &due {
            store.artifacts.delete(&artifact.object_key).await?;
            store
                .mark_artifact_purged(&artifact.artifact_id, now())
                .await?;
            deleted += 1;
        }
        if (due.len() as i64) < BATCH {
            return Ok(deleted);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argus_store::{Artifact, ArtifactStore, ArtifactStoreConfig, CreateRun, CreateRunOutcome};
    use bytes::Bytes;

    const DAY: i64 = 86_400_000;

    async fn artifact(store: &Store, uploaded_days_ago: i64, now: i64) -> Artifact {
        let id = uuid::Uuid::new_v4().to_string();
        let at = now - uploaded_days_ago * DAY;
        let artifact = Artifact {
            artifact_id: id.clone(),
            account_id: "111111111111".into(),
            scan_name: "retained".into(),
            object_key: format!("artifacts/111111111111/{id}.zip"),
            created_at: at,
            expires_at: at + 900_000,
            uploaded_at: Some(at),
            size_bytes: Some(4),
        };
        store.create_artifact(&artifact).await.unwrap();
        let body = futures::stream::iter(vec![Ok::<_, String>(Bytes::from_static(b"PK\x05\x06"))]);
        store
            .artifacts
            .put_stream(&artifact.object_key, Box::pin(body), 1024)
            .await
            .unwrap();
        artifact
    }

    // The clock is injected: "now" is eleven days ahead of the real one, so
    // code uploaded today is past a ten-day retention, code uploaded
    // "yesterday" of that clock is not, and code a queued scan still needs
    // stays until the scan is done.
    #[tokio::test]
    async fn code_past_retention_is_deleted_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let artifacts =
            ArtifactStore::open(&ArtifactStoreConfig::Local(dir.path().join("artifacts"))).unwrap();
        let url = format!("sqlite://{}", dir.path().join("argus.db").display());
        let store = Store::open(&url, artifacts).await.unwrap();
        store.ensure_account("111111111111").await.unwrap();
        let clock = now_millis() + 11 * DAY;
        let old = artifact(&store, 11, clock).await;
        let recent = artifact(&store, 1, clock).await;
        let queued = artifact(&store, 12, clock).await;
        let run = store
            .create_run(&CreateRun {
                run_id: uuid::Uuid::new_v4().to_string(),
                account_id: "111111111111".into(),
                scan_name: "retained".into(),
                artifact_id: queued.artifact_id.clone(),
                analysis_type: "Security".into(),
                scan_type: "Standard".into(),
                client_token: "t".into(),
                request_digest: "d".into(),
                tags: Vec::new(),
            })
            .await
            .unwrap();
        let CreateRunOutcome::Created(run) = run else {
            panic!("{run:?}")
        };

        let cutoff = clock - 10 * DAY;
        assert_eq!(sweep(&store, cutoff, || clock).await.unwrap(), 1);
        assert_eq!(store.artifacts.size(&old.object_key).await.unwrap(), None);
        assert_eq!(
            store.artifact_purged_at(&old.artifact_id).await.unwrap(),
            Some(clock)
        );
        assert!(
            store
                .artifacts
                .size(&recent.object_key)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .artifacts
                .size(&queued.object_key)
                .await
                .unwrap()
                .is_some()
        );
        // Sweeping again finds nothing new.
        assert_eq!(sweep(&store, cutoff, || clock).await.unwrap(), 0);

        // Once its scan has run, the queued scan's code goes too; the scan
        // and the artifact's record stay.
        store
            .fail_run(&run.run_id, "stopped by the test")
            .await
            .unwrap();
        assert_eq!(sweep(&store, cutoff, || clock).await.unwrap(), 1);
        assert_eq!(
            store.artifacts.size(&queued.object_key).await.unwrap(),
            None
        );
        assert!(store.run(&run.run_id).await.unwrap().is_some());
        assert!(store.artifact(&queued.artifact_id).await.unwrap().is_some());
        store.close().await;
    }
}
