//! `argus admin`: manage what the service's API does not — accounts,
//! principals, access keys, temporary credentials, identity policies,
//! encryption keys, the audit log and event targets.
//!
//! It works on the service's database directly (the same `--data-dir`,
//! `--database-url` and `--config` as `argus serve`), on the machine that
//! runs the service; changes take effect on the next request. Output is
//! JSON on standard output, so scripts can read it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use argus_store::{ArtifactStore, ArtifactStoreConfig, Store};
use clap::{Args, Subcommand};

use crate::serve;

// -- audit log and event targets --
mod audit;
mod webhooks;

#[derive(Debug, Args)]
pub struct AdminArgs {
    /// The service's data directory [default: as `argus serve`].
    #[arg(long, env = "ARGUS_DATA_DIR", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// The service's database [default: SQLite in the data directory].
    #[arg(long, env = "ARGUS_DATABASE_URL", value_name = "URL", global = true)]
    pub database_url: Option<String>,

    /// Read the data directory and database from the [server] table of
    /// this TOML file.
    #[arg(long, env = "ARGUS_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    // -- identities: accounts, principals, access keys, policies --

    // -- encryption keys --

    // -- audit log and event targets --
    /// Search the audit log: one CloudTrail-shaped record per request.
    Audit(audit::AuditArgs),
    /// Webhook targets for scan state and finding status events.
    #[command(subcommand)]
    Webhook(webhooks::WebhookCommand),
}

/// What every admin command works on.
#[allow(dead_code)] // filled in as the command groups land
pub struct AdminContext {
    pub store: Store,
    pub data_dir: PathBuf,
    /// The region ARNs carry.
    pub region: String,
    /// The audit log `argus serve` writes.
    pub audit_log: PathBuf,
}

pub fn run(args: AdminArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let location = serve::store_location(
            args.data_dir.clone(),
            args.database_url.clone(),
            args.config.as_deref(),
        )?;
        let artifacts = ArtifactStore::open(&ArtifactStoreConfig::Local(
            location.data_dir.join("artifacts"),
        ))?;
        let store = Store::open(&location.database_url, artifacts)
            .await
            .with_context(|| {
                format!(
                    "cannot open the service's database {}",
                    location.database_url
                )
            })?;
        let context = AdminContext {
            store,
            data_dir: location.data_dir,
            region: location.region,
            audit_log: location.audit_log,
        };
        let result = dispatch(&context, args.command).await;
        context.store.close().await;
        result
    })
}

async fn dispatch(context: &AdminContext, command: AdminCommand) -> Result<ExitCode> {
    let _ = context;
    match command {
        // -- identities --

        // -- encryption keys --

        // -- audit log and event targets --
        AdminCommand::Audit(args) => audit::run(context, args),
        AdminCommand::Webhook(command) => webhooks::run(context, command).await,
    }
}

/// Prints a JSON value, pretty, on standard output.
#[allow(dead_code)]
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
