//! `argus serve`: settings from flags, environment variables and a
//! configuration file (in that order of precedence), then the server until
//! SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use argus_server::{Quotas, ServerConfig};
use argus_store::{ArtifactStoreConfig, S3Config};
use serde::Deserialize;

use crate::cli::ServeArgs;

/// The `[server]` table of the configuration file: the same settings as
/// the flags, snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    region: Option<String>,
    account_id: Option<String>,
    public_url: Option<String>,
    workers: Option<usize>,
    s3_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    requests_per_second: Option<f64>,
    create_requests_per_second: Option<f64>,
    max_upload_bytes: Option<u64>,
    // -- encryption at rest --
    master_key_file: Option<PathBuf>,
    // -- audit log, events and metrics --
    audit_log: Option<PathBuf>,
    metrics_listen: Option<SocketAddr>,
    // -- TLS and retention --
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    code_retention_days: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    server: FileSettings,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    init_logging(args.log_format_json);
    let config = server_config(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async move {
        let running = argus_server::start(config).await?;
        announce(&running);
        running.until_signal().await
    });
    // A scan handed back at shutdown may still be running on a blocking
    // thread; its job is queued again, so do not wait for it.
    runtime.shutdown_timeout(Duration::from_secs(2));
    result?;
    Ok(ExitCode::SUCCESS)
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ARGUS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Tells the operator where the server is and, on first start, the
/// credentials it created (shown this once; also saved owner-only).
fn announce(running: &argus_server::Running) {
    let b = &running.bootstrap;
    eprintln!(
        "argus serve: listening on {}://{} (account {}, region {})",
        running.scheme(),
        running.local_addr,
        b.account_id,
        b.region
    );
    if let Some(credentials) = &b.generated {
        eprintln!(
            "\nCreated the root access key. It is shown this once and saved (owner-only) in {file}:\n\n  aws_access_key_id     = {}\n  aws_secret_access_key = {}\n\nUse it as the profile 'argus' of that file:\n\n  export AWS_SHARED_CREDENTIALS_FILE={file} AWS_PROFILE=argus AWS_REGION={}\n  aws codeguru-security list-scans --endpoint-url {}://{}\n",
            credentials.access_key_id,
            credentials.secret_access_key,
            b.region,
            running.scheme(),
            running.local_addr,
            file = credentials.file.display(),
        );
    }
}

fn server_config(args: ServeArgs) -> Result<ServerConfig> {
    let file = match &args.config {
        Some(path) => read_config(path)?,
        None => FileSettings::default(),
    };
    let data_dir = args
        .data_dir
        .or(file.data_dir)
        .unwrap_or_else(default_data_dir);
    let mut config = ServerConfig::new(data_dir);
    if let Some(listen) = args.listen.or(file.listen) {
        config.listen = listen;
    }
    config.database_url = args.database_url.or(file.database_url);
    if let Some(url) = &config.database_url
        && !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
    {
        bail!("--database-url must start with sqlite:, postgres:// or postgresql://");
    }
    if let Some(region) = args.region.or(file.region) {
        config.region = region;
    }
    config.account_id = args.account_id.or(file.account_id);
    config.public_url = args.public_url.or(file.public_url);
    if let Some(workers) = args.workers.or(file.workers) {
        config.workers = workers;
    }
    config.quotas = Quotas {
        requests_per_second: args
            .requests_per_second
            .or(file.requests_per_second)
            .unwrap_or(config.quotas.requests_per_second),
        create_requests_per_second: args
            .create_requests_per_second
            .or(file.create_requests_per_second)
            .unwrap_or(config.quotas.create_requests_per_second),
    };
    if let Some(limit) = args.max_upload_bytes.or(file.max_upload_bytes) {
        config.upload_limit = limit;
    }
    config.root_access_key = match (args.root_access_key_id, args.root_secret_access_key) {
        (Some(id), Some(secret)) => Some((id, secret)),
        (None, None) => None,
        _ => {
            bail!("set both ARGUS_ROOT_ACCESS_KEY_ID and ARGUS_ROOT_SECRET_ACCESS_KEY, or neither")
        }
    };
    if let Some(bucket) = args.s3_bucket.or(file.s3_bucket) {
        let (Some(access_key_id), Some(secret_access_key)) =
            (args.s3_access_key_id, args.s3_secret_access_key)
        else {
            bail!(
                "S3 mode needs ARGUS_S3_ACCESS_KEY_ID and ARGUS_S3_SECRET_ACCESS_KEY in the environment"
            );
        };
        config.artifacts = Some(ArtifactStoreConfig::S3(S3Config {
            bucket,
            endpoint: args.s3_endpoint.or(file.s3_endpoint),
            region: args
                .s3_region
                .or(file.s3_region)
                .unwrap_or_else(|| config.region.clone()),
            access_key_id,
            secret_access_key,
        }));
    }
    // -- encryption at rest --
    config.master_key_file = args.master_key_file.or(file.master_key_file);

    // -- audit log, events and metrics --
    config.audit_log = args.audit_log.or(file.audit_log);
    config.metrics_listen = args.metrics_listen.or(file.metrics_listen);
    if let Some(ms) = args.debug_event_retry_ms {
        config.event_retry_base = Duration::from_millis(ms.max(1));
    }

    // -- TLS and retention --
    config.tls = match (
        args.tls_cert.or(file.tls_cert),
        args.tls_key.or(file.tls_key),
    ) {
        (Some(certificate), Some(private_key)) => Some(argus_server::TlsFiles {
            certificate,
            private_key,
        }),
        (None, None) => None,
        _ => bail!("TLS needs both --tls-cert and --tls-key"),
    };
    if let Some(days) = args.code_retention_days.or(file.code_retention_days) {
        if !(days.is_finite() && days > 0.0) {
            bail!("--code-retention-days must be a positive number of days");
        }
        config.code_retention = Duration::from_secs_f64(days * 86_400.0);
    }

    if let Some(ms) = args.debug_scan_delay_ms {
        config.scan_delay = Duration::from_millis(ms);
    }
    if let Some(seconds) = args.debug_job_lease_seconds {
        config.job_lease = Duration::from_secs(seconds.max(1));
    }
    Ok(config)
}

/// Where the service keeps its data, as `argus serve` would resolve it
/// (flags and environment, then the configuration file, then defaults).
pub struct StoreLocation {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub region: String,
    /// The master key file (see `argus serve --master-key-file`).
    pub master_key_file: PathBuf,
    /// The audit log `argus serve` writes (`audit_log` in the file).
    pub audit_log: PathBuf,
}

pub fn store_location(
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    master_key_file: Option<PathBuf>,
    config: Option<&Path>,
) -> Result<StoreLocation> {
    let file = match config {
        Some(path) => read_config(path)?,
        None => FileSettings::default(),
    };
    let region = std::env::var("ARGUS_REGION")
        .ok()
        .filter(|r| !r.is_empty())
        .or(file.region)
        .unwrap_or_else(|| "us-east-1".into());
    let mut config = ServerConfig::new(data_dir.or(file.data_dir).unwrap_or_else(default_data_dir));
    config.database_url = database_url.or(file.database_url);
    config.master_key_file = master_key_file.or(file.master_key_file);
    config.audit_log = file.audit_log;
    Ok(StoreLocation {
        master_key_file: config.master_key_file(),
        audit_log: config.audit_log(),
        database_url: config.database_url(),
        data_dir: config.data_dir,
        region,
    })
}

fn read_config(path: &Path) -> Result<FileSettings> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: ConfigFile = toml::from_str(&text)
        .with_context(|| format!("invalid configuration in {}", path.display()))?;
    Ok(file.server)
}

/// `$XDG_DATA_HOME/argus`, else `~/.local/share/argus`, else `./argus-data`.
fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("argus");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(home).join(".local/share/argus");
    }
    PathBuf::from("argus-data")
}
