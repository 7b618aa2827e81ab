//! Uploaded code: zip archives in a local directory or an S3-compatible
//! bucket, streamed in and out so an upload is never held in memory.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::signer::{Method, Signer};
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncWriteExt;

use crate::StoreError;

/// Where artifacts go.
#[derive(Debug, Clone)]
pub enum ArtifactStoreConfig {
    /// A directory on this machine.
    Local(PathBuf),
    /// An S3-compatible bucket.
    S3(S3Config),
}

/// An S3-compatible bucket and how to reach it.
#[derive(Debug, Clone)]
pub struct S3Config {
    pub bucket: String,
    /// `http://127.0.0.1:8333` for a local S3-compatible server; `None` for AWS.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// Artifact storage.
#[derive(Clone, Debug)]
pub struct ArtifactStore {
    inner: Arc<dyn ObjectStore>,
    /// Set in S3 mode: clients upload straight to the bucket.
    signer: Option<Arc<AmazonS3>>,
}

/// Size of the parts of a streamed upload.
const PART_BYTES: usize = 8 * 1024 * 1024;

/// Why a streamed upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload exceeds the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("reading the upload failed: {0}")]
    Body(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl ArtifactStore {
    pub fn open(config: &ArtifactStoreConfig) -> Result<ArtifactStore, StoreError> {
        match config {
            ArtifactStoreConfig::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Invalid(format!("cannot create {}: {e}", dir.display()))
                })?;
                Ok(ArtifactStore {
                    inner: Arc::new(LocalFileSystem::new_with_prefix(dir)?),
                    signer: None,
                })
            }
            ArtifactStoreConfig::S3(s3) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(&s3.secret_access_key);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                let s3 = Arc::new(builder.build()?);
                Ok(ArtifactStore {
                    inner: s3.clone(),
                    signer: Some(s3),
                })
            }
        }
    }

    /// Whether clients upload straight to the bucket (S3 mode).
    pub fn presigns(&self) -> bool {
        self.signer.is_some()
    }

    /// A pre-signed PUT URL for `key` (S3 mode only).
    pub async fn presigned_put(
        &self,
        key: &str,
        expires_in: Duration,
    ) -> Result<Option<String>, StoreError> {
        let Some(signer) = &self.signer else {
            return Ok(None);
        };
        let url = signer
            .signed_url(Method::PUT, &Path::from(key), expires_in)
            .await?;
        Ok(Some(url.to_string()))
    }

    /// Streams a body into `key`, refusing more than `limit` bytes. Returns
    /// the number of bytes stored.
    pub async fn put_stream<S, E>(
        &self,
        key: &str,
        mut body: S,
        limit: u64,
    ) -> Result<u64, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = Path::from(key);
        let upload = self
            .inner
            .put_multipart(&path)
            .await
            .map_err(StoreError::from)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut total: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(UploadError::Body(e.to_string()));
                }
            };
            total += chunk.len() as u64;
            if total > limit {
                let _ = writer.abort().await;
                return Err(UploadError::TooLarge { limit });
            }
            // A failed part (a full disk) aborts the upload, so that its
            // staged parts do not keep the space.
            if let Err(e) = writer.wait_for_capacity(4).await {
                let _ = writer.abort().await;
                return Err(StoreError::from(e).into());
            }
            writer.write(&chunk);
        }
        writer.finish().await.map_err(StoreError::from)?;
        Ok(total)
    }

    /// The size of `key`, or `None` when it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self.inner.head(&Path::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The first `len` bytes of `key` (fewer when it is shorter).
    pub async fn prefix(&self, key: &str, len: u64, size: u64) -> Result<Bytes, StoreError> {
        let end = len.min(size);
        if end == 0 {
            return Ok(Bytes::new());
        }
        Ok(self.inner.get_range(&Path::from(key), 0..end).await?)
    }

    /// The bytes of `key`, as they arrive.
    pub async fn stream(
        &self,
        key: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, StoreError>> + Unpin + Send + use<>, StoreError>
    {
        let stream = self.inner.get(&Path::from(key)).await?.into_stream();
        Ok(stream.map(|chunk| chunk.map_err(StoreError::from)))
    }

    /// Streams `key` into a local file.
    pub async fn download(&self, key: &str, to: &FsPath) -> Result<(), StoreError> {
        let mut stream = self.inner.get(&Path::from(key)).await?.into_stream();
        let mut file = tokio::fs::File::create(to)
            .await
            .map_err(|e| StoreError::Invalid(format!("cannot create {}: {e}", to.display())))?;
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk?)
                .await
                .map_err(|e| StoreError::Invalid(format!("cannot write {}: {e}", to.display())))?;
        }
        file.flush()
            .await
            .map_err(|e| StoreError::Invalid(format!("cannot write {}: {e}", to.display())))?;
        Ok(())
    }

    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
