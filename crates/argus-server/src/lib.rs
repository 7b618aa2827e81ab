//! `argus serve`: the CodeGuru Security API on top of the argus engine.
//!
//! Clients (the AWS CLI, boto3, `argus remote`) sign requests with SigV4;
//! code is uploaded to a pre-signed URL; CreateScan queues a durable job
//! that workers run with the same engine as `argus scan`; findings are
//! tracked across the runs of a scan and feed the account metrics.
//!
//! This crate serves HTTP and schedules work; persistence is argus-store's,
//! analysis argus-engine's.

mod api;
mod audit;
mod auth;
mod authz;
mod bootstrap;
mod config;
pub mod decode;
mod error;
mod events;
pub mod fuzzing;
pub mod identity;
mod metrics;
pub mod policy;
mod request_id;
pub mod retention;
pub mod sigv4;
mod state;
mod telemetry;
mod throttle;
mod tls;
mod token;
mod tracking;
mod validate;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;

use argus_store::{ArtifactStore, Store};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

pub use bootstrap::{Bootstrap, RootCredentials};
pub use config::{Quotas, ServerConfig};
pub use error::{ApiError, FieldError};
pub use tls::TlsFiles;

use crate::state::AppState;
use crate::token::Tokens;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Store(#[from] argus_store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Config(String),
}

/// A started server: its address and the bootstrap outcome.
pub struct Running {
    pub local_addr: SocketAddr,
    pub bootstrap: Bootstrap,
    /// Serving TLS.
    pub tls: bool,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    workers: Vec<tokio::task::JoinHandle<()>>,
    store: Store,
    // -- audit log, events and metrics --
    monitoring: Monitoring,
}

/// The audit log, the event dispatcher and the metrics listener of a node.
struct Monitoring {
    audit: Arc<audit::AuditLog>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Where `/metrics` is served, when it is.
    metrics_addr: Option<SocketAddr>,
}

impl Running {
    /// `https` or `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// Stops accepting requests, lets workers finish their current step and
    /// waits for everything to end.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        let _ = self.shutdown.send(true);
        self.server
            .await
            .map_err(|e| ServeError::Config(e.to_string()))??;
        for worker in self.workers {
            let _ = worker.await;
        }
        for task in self.monitoring.tasks {
            let _ = task.await;
        }
        self.monitoring.audit.close().await;
        self.store.close().await;
        Ok(())
    }

    /// Where `/metrics` is served, when `metrics_listen` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.monitoring.metrics_addr
    }

    /// Runs until SIGINT or SIGTERM, then shuts down.
    pub async fn until_signal(self) -> Result<(), ServeError> {
        wait_for_signal().await;
        tracing::info!("shutting down");
        self.shutdown().await
    }
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("signal handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Opens the store, bootstraps the account and key, binds, and starts the
/// API and the workers.
pub async fn start(config: ServerConfig) -> Result<Running, ServeError> {
    create_private_dir(&config.data_dir).map_err(|e| {
        ServeError::Config(format!(
            "cannot create data directory {}: {e}",
            config.data_dir.display()
        ))
    })?;
    // Scratch space of scans this node was running when it last stopped.
    let work = config.data_dir.join("work");
    if work.exists() {
        let _ = std::fs::remove_dir_all(&work);
    }
    let artifacts = ArtifactStore::open(&config.artifact_store())?;
    let store = Store::open(&config.database_url(), artifacts).await?;
    store.unlock(&config.master_key_file()).await?;
    let bootstrap = bootstrap::run(&store, &config).await?;
    let token_key = hex::decode(store.setting("token_key", random_hex).await?).unwrap_or_default();
    let upload_key =
        hex::decode(store.setting("upload_key", random_hex).await?).unwrap_or_default();
    let tls_config = match &config.tls {
        Some(files) => Some(tls::load(files).map_err(ServeError::Config)?),
        None => None,
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    let local_addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        store: store.clone(),
        public_url: config.public_url(local_addr),
        tokens: Tokens::new(&token_key),
        throttle: throttle::Throttle::new(config.quotas),
        upload_key,
        jobs_ready: Notify::new(),
        config,
    });
    let (shutdown, shutdown_rx) = watch::channel(false);
    // -- audit log, events and metrics --
    // (Before the workers: nothing is left running if this fails.)
    let audit_path = state.config.audit_log();
    let audit_log = Arc::new(audit::AuditLog::open(&audit_path).map_err(|e| {
        ServeError::Config(format!(
            "cannot open the audit log {}: {e}",
            audit_path.display()
        ))
    })?);
    let telemetry = Arc::new(telemetry::Telemetry::default());
    let mut monitoring = Monitoring {
        audit: audit_log.clone(),
        tasks: Vec::new(),
        metrics_addr: None,
    };
    if let Some(addr) = state.config.metrics_listen {
        let (bound, task) = telemetry::serve(
            addr,
            telemetry.clone(),
            audit_log.clone(),
            store.clone(),
            shutdown_rx.clone(),
        )
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
        tracing::info!(%bound, "metrics listening");
        monitoring.metrics_addr = Some(bound);
        monitoring.tasks.push(task);
    }
    monitoring
        .tasks
        .push(events::spawn(state.clone(), shutdown_rx.clone()));
    let mut workers = worker::spawn(state.clone(), state.config.workers, shutdown_rx.clone());
    workers.push(retention::spawn(state.clone(), shutdown_rx.clone()));
    let app = api::router(
        state.clone(),
        audit::Audit {
            state: state.clone(),
            log: audit_log,
            telemetry,
        },
    )
    .into_make_service_with_connect_info::<tls::PeerAddr>();
    let mut graceful = shutdown_rx;
    let stop = async move {
        let _ = graceful.wait_for(|stop| *stop).await;
    };
    let server = match tls_config {
        Some(tls_config) => {
            let listener = tls::TlsListener::new(listener, tls_config)?;
            tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(stop)
                    .await
            })
        }
        None => tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
        }),
    };
    tracing::info!(%local_addr, "argus serve listening");
    Ok(Running {
        local_addr,
        bootstrap,
        tls: state.config.tls.is_some(),
        shutdown,
        server,
        workers,
        store,
        monitoring,
    })
}

/// Creates the data directory, or tightens an existing one, so that only
/// its owner can enter it: it holds the database (with access keys) and
/// uploaded code.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::info!(dir = %dir.display(), "making the data directory private (mode 0700)");
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// 32 random bytes, hex.
pub(crate) fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    hex::encode(bytes)
}
