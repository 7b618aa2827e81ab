//! Uploaded code, sealed: the upload is sealed as it streams in (or, when
//! clients PUT straight to S3, by the first worker that takes its scan)
//! and opened into the worker's private directory to be scanned.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use sqlx::Row;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::envelope::{HEADER_LEN, StreamOpener, StreamSealer, stream_key_id};
use crate::{Artifact, Store, StoreError, UploadError, now_millis};

/// Plaintext bytes of an artifact remembered unsealed: CreateScan checks
/// that they open a zip archive.
const HEAD_LEN: usize = 4;

fn context(artifact_id: &str) -> Vec<u8> {
    format!("argus artifact {artifact_id}").into_bytes()
}

fn sealed_object_key(artifact: &Artifact) -> String {
    format!(
        "artifacts/{}/{}.sealed",
        artifact.account_id, artifact.artifact_id
    )
}

fn corrupt(artifact_id: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("the stored code of artifact {artifact_id}: {e}"))
}

impl Store {
    /// Seals a plaintext upload as it streams into the artifact's object,
    /// refusing more than `limit` plaintext bytes; records its size.
    pub async fn put_artifact<S, E>(
        &self,
        artifact: &Artifact,
        body: S,
        limit: u64,
    ) -> Result<u64, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        let key = self.write_key(&artifact.account_id).await?;
        let (size, head) = self
            .seal_stream(artifact, key, body, &artifact.object_key, limit)
            .await?;
        self.mark_sealed(artifact, &artifact.object_key, size, &head)
            .await?;
        Ok(size)
    }

    /// Seals an artifact a client uploaded straight to the bucket: the
    /// sealed copy replaces the plaintext object, which is deleted. Does
    /// nothing when it is sealed already.
    pub async fn seal_artifact(&self, artifact: &Artifact) -> Result<(), StoreError> {
        if self.artifact_head(&artifact.artifact_id).await?.is_some() {
            return Ok(());
        }
        let key = self.write_key(&artifact.account_id).await?;
        let plaintext = self.artifacts.stream(&artifact.object_key).await?;
        let sealed_key = sealed_object_key(artifact);
        let (size, head) = self
            .seal_stream(artifact, key, plaintext, &sealed_key, u64::MAX)
            .await
            .map_err(|e| match e {
                UploadError::Store(e) => e,
                other => StoreError::Invalid(other.to_string()),
            })?;
        self.mark_sealed(artifact, &sealed_key, size, &head).await?;
        self.artifacts.delete(&artifact.object_key).await
    }

    async fn seal_stream<S, E>(
        &self,
        artifact: &Artifact,
        key: super::envelope::DataKey,
        body: S,
        object_key: &str,
        limit: u64,
    ) -> Result<(u64, Vec<u8>), UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        let too_large = Arc::new(AtomicBool::new(false));
        let head = Arc::new(std::sync::Mutex::new(Vec::with_capacity(HEAD_LEN)));
        let total = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let sealer = StreamSealer::new(key, &context(&artifact.artifact_id));
        let (flag, head_out, counted) = (too_large.clone(), head.clone(), total.clone());
        let sealed = futures::stream::unfold(Some((body, sealer)), move |state| {
            let (flag, head, counted) = (flag.clone(), head.clone(), counted.clone());
            async move {
                let (mut body, mut sealer) = state?;
                match body.next().await {
                    Some(Ok(chunk)) => {
                        let seen = counted.fetch_add(chunk.len() as u64, Ordering::Relaxed)
                            + chunk.len() as u64;
                        if seen > limit {
                            flag.store(true, Ordering::Relaxed);
                            return Some((Err("too large".to_string()), None));
                        }
                        if let Ok(mut head) = head.lock()
                            && head.len() < HEAD_LEN
                        {
                            let take = (HEAD_LEN - head.len()).min(chunk.len());
                            head.extend_from_slice(&chunk[..take]);
                        }
                        let out = sealer.push(&chunk);
                        Some((Ok(Bytes::from(out)), Some((body, sealer))))
                    }
                    Some(Err(e)) => Some((Err(e.to_string()), None)),
                    None => Some((Ok(Bytes::from(sealer.finish())), None)),
                }
            }
        });
        match self
            .artifacts
            .put_stream(object_key, Box::pin(sealed), u64::MAX)
            .await
        {
            Ok(_) => {}
            Err(_) if too_large.load(Ordering::Relaxed) => {
                return Err(UploadError::TooLarge { limit });
            }
            Err(e) => return Err(e),
        }
        let head = head_out.lock().map(|h| h.clone()).unwrap_or_default();
        Ok((total.load(Ordering::Relaxed), head))
    }

    async fn mark_sealed(
        &self,
        artifact: &Artifact,
        object_key: &str,
        size: u64,
        head: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE artifacts SET object_key = $1, size_bytes = $2, head = $3, sealed_at = $4, \
             uploaded_at = COALESCE(uploaded_at, $5) WHERE artifact_id = $6",
        )
        .bind(object_key)
        .bind(size as i64)
        .bind(hex::encode(head))
        .bind(now_millis())
        .bind(now_millis())
        .bind(&artifact.artifact_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The first plaintext bytes of a sealed artifact (`None`: not sealed,
    /// its object is plaintext in the bucket).
    pub async fn artifact_head(&self, artifact_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query(
            "SELECT head FROM artifacts WHERE artifact_id = $1 AND sealed_at IS NOT NULL",
        )
        .bind(artifact_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            hex::decode(row.get::<String, _>(0)).map_err(|_| corrupt(artifact_id, "bad head"))
        })
        .transpose()
    }

    /// Opens a sealed artifact into a local file.
    pub async fn open_artifact(&self, artifact: &Artifact, to: &Path) -> Result<(), StoreError> {
        let mut stream = self.artifacts.stream(&artifact.object_key).await?;
        let cannot =
            |e: std::io::Error| StoreError::Invalid(format!("cannot write {}: {e}", to.display()));
        let mut file = tokio::fs::File::create(to).await.map_err(cannot)?;
        let mut header = Vec::with_capacity(HEADER_LEN);
        let mut opener: Option<StreamOpener> = None;
        while let Some(chunk) = stream.next().await {
            let mut chunk: &[u8] = &chunk?;
            if opener.is_none() {
                let take = (HEADER_LEN - header.len()).min(chunk.len());
                header.extend_from_slice(&chunk[..take]);
                chunk = &chunk[take..];
                if header.len() < HEADER_LEN {
                    continue;
                }
                let id: Uuid =
                    stream_key_id(&header).map_err(|e| corrupt(&artifact.artifact_id, e))?;
                let key = self.read_key(&id).await?;
                opener = Some(
                    StreamOpener::new(key, &header, &context(&artifact.artifact_id))
                        .map_err(|e| corrupt(&artifact.artifact_id, e))?,
                );
            }
            if let Some(opener) = opener.as_mut() {
                let plain = opener
                    .push(chunk)
                    .map_err(|e| corrupt(&artifact.artifact_id, e))?;
                file.write_all(&plain).await.map_err(cannot)?;
            }
        }
        let opener = opener.ok_or_else(|| corrupt(&artifact.artifact_id, "no header"))?;
        let last = opener
            .finish()
            .map_err(|e| corrupt(&artifact.artifact_id, e))?;
        file.write_all(&last).await.map_err(cannot)?;
        file.flush().await.map_err(cannot)?;
        Ok(())
    }
}
