//! How `argus serve` is configured. The CLI fills this from flags,
//! environment variables and a configuration file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use argus_store::ArtifactStoreConfig;

pub use crate::throttle::Quotas;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Holds the SQLite database, artifacts and credentials by default.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; default `sqlite://<data_dir>/argus.db`.
    pub database_url: Option<String>,
    /// Default: a local directory under the data directory.
    pub artifacts: Option<ArtifactStoreConfig>,
    /// The region clients sign for and ARNs carry.
    pub region: String,
    /// The bootstrap account (12 digits); generated on first start if unset.
    pub account_id: Option<String>,
    /// The bootstrap access key; generated and printed once if unset.
    pub root_access_key: Option<(String, String)>,
    /// Base URL clients reach this server at (upload URLs point there);
    /// default `http://<listen>`.
    pub public_url: Option<String>,
    /// Concurrent scans on this node; 0 runs no workers (API-only node).
    pub workers: usize,
    /// How long a worker's claim on a job lasts without renewal.
    pub job_lease: Duration,
    /// Attempts before a scan is given up as Failed.
    pub max_attempts: i64,
    /// Largest upload accepted.
    pub upload_limit: u64,
    /// How long an upload URL stays valid.
    pub upload_url_ttl: Duration,
    /// Requests per second per account and operation.
    pub quotas: Quotas,
    /// Pause before each scan (a testing aid to observe restarts mid-scan).
    pub scan_delay: Duration,
    // -- encryption at rest --
    /// The master key that wraps the encryption keys in the database;
    /// default `<data_dir>/master.key`. Every node needs the same one.
    pub master_key_file: Option<PathBuf>,
    // -- audit log, events and metrics --
    /// The audit log (JSON lines); default `<data_dir>/audit/argus-audit.jsonl`.
    /// Each node writes its own.
    pub audit_log: Option<PathBuf>,
    /// Where `/metrics` is served (unauthenticated); off when unset.
    pub metrics_listen: Option<SocketAddr>,
    /// The first pause before an event delivery is retried (it doubles).
    pub event_retry_base: Duration,
    /// How old an undelivered event may grow before it is given up.
    pub event_max_age: Duration,
    // -- TLS and retention --
    /// Serve the API over TLS with these files.
    pub tls: Option<crate::tls::TlsFiles>,
    /// Uploaded code is deleted this long after it was uploaded (scans
    /// and findings stay).
    pub code_retention: Duration,
}

impl ServerConfig {
    /// Defaults for a data directory.
    pub fn new(data_dir: PathBuf) -> ServerConfig {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir,
            database_url: None,
            artifacts: None,
            region: "us-east-1".into(),
            account_id: None,
            root_access_key: None,
            public_url: None,
            workers: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(4),
            job_lease: Duration::from_secs(60),
            max_attempts: 3,
            upload_limit: 5 * 1024 * 1024 * 1024,
            upload_url_ttl: Duration::from_secs(15 * 60),
            quotas: Quotas::default(),
            scan_delay: Duration::ZERO,
            // -- encryption at rest --
            master_key_file: None,
            // -- audit log, events and metrics --
            audit_log: None,
            metrics_listen: None,
            event_retry_base: Duration::from_secs(5),
            event_max_age: Duration::from_secs(24 * 3600),
            // -- TLS and retention --
            tls: None,
            code_retention: Duration::from_secs(10 * 86_400),
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("argus.db").display()))
    }

    pub fn master_key_file(&self) -> PathBuf {
        self.master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master.key"))
    }

    pub fn artifact_store(&self) -> ArtifactStoreConfig {
        self.artifacts
            .clone()
            .unwrap_or_else(|| ArtifactStoreConfig::Local(self.data_dir.join("artifacts")))
    }

    pub fn audit_log(&self) -> PathBuf {
        self.audit_log
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit").join("argus-audit.jsonl"))
    }

    pub fn public_url(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| {
                let scheme = if self.tls.is_some() { "https" } else { "http" };
                format!("{scheme}://{bound}")
            })
            .trim_end_matches('/')
            .to_string()
    }
}
