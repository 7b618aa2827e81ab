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
use argus_store::{ArtifactStore, ArtifactStoreConfig, PrincipalType, Store};
use clap::{Args, Subcommand};

use crate::serve;

mod identity;
mod keys;
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

    /// The service's master key file [default: as `argus serve`].
    #[arg(
        long,
        env = "ARGUS_MASTER_KEY_FILE",
        value_name = "FILE",
        global = true
    )]
    pub master_key_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Create(identity::CreatePrincipalArgs),
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Create a role.
    Create(identity::CreatePrincipalArgs),
}

#[derive(Debug, Subcommand)]
pub enum SessionTokenCommand {
    /// Issue temporary credentials for a user or role, as STS does:
    /// credentials.accessKeyId/secretAccessKey/sessionToken/expiration.
    Create(identity::SessionTokenArgs),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    // -- identities: accounts, principals, access keys, policies --
    /// Accounts: each holds its own scans, findings, keys and settings.
    #[command(subcommand)]
    Account(identity::AccountCommand),
    /// Create a user (`arn:aws:iam::ACCOUNT:user/NAME`).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Create a role (`arn:aws:iam::ACCOUNT:role/NAME`); callers act as it
    /// with temporary credentials from `session-token create`.
    Role {
        #[command(subcommand)]
        command: RoleCommand,
    },
    /// List, tag and delete users and roles.
    #[command(subcommand)]
    Principal(identity::PrincipalCommand),
    /// Identity policies of users and roles (IAM JSON; default deny,
    /// explicit deny wins).
    #[command(subcommand)]
    Policy(identity::PolicyCommand),
    /// Permanent access keys of users and account roots.
    #[command(subcommand)]
    AccessKey(identity::AccessKeyCommand),
    /// Temporary credentials (sent with X-Amz-Security-Token).
    #[command(subcommand)]
    SessionToken(SessionTokenCommand),
    // -- encryption keys --
    /// Customer keys: create, list, disable, enable, delete.
    #[command(subcommand)]
    Key(keys::KeyCommand),
    // -- audit log and event targets --
    /// Search the audit log: one CloudTrail-shaped record per request.
    Audit(audit::AuditArgs),
    /// Webhook targets for scan state and finding status events.
    #[command(subcommand)]
    Webhook(webhooks::WebhookCommand),
}

/// What every admin command works on.
#[allow(dead_code)] // data_dir and region serve the command groups that need them
pub struct AdminContext {
    pub store: Store,
    pub data_dir: PathBuf,
    /// The region ARNs carry.
    pub region: String,
    /// The master key file the encryption keys need.
    pub master_key_file: PathBuf,
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
            args.master_key_file.clone(),
            args.config.as_deref(),
        )?;
        // Never create an empty service by mistake: the database must exist.
        if let Some(file) = location.database_url.strip_prefix("sqlite://") {
            let file = file.split('?').next().unwrap_or(file);
            if !std::path::Path::new(file).exists() {
                anyhow::bail!(
                    "no argus database at {file}: start `argus serve` once with this data directory, or pass the server's --data-dir / --database-url"
                );
            }
        }
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
            master_key_file: location.master_key_file,
            audit_log: location.audit_log,
        };
        let result = dispatch(&context, args.command).await;
        context.store.close().await;
        result
    })
}

async fn dispatch(context: &AdminContext, command: AdminCommand) -> Result<ExitCode> {
    match command {
        // -- identities --
        AdminCommand::Account(command) => identity::account(context, command).await,
        AdminCommand::User {
            command: UserCommand::Create(args),
        } => identity::create_principal(context, PrincipalType::User, args).await,
        AdminCommand::Role {
            command: RoleCommand::Create(args),
        } => identity::create_principal(context, PrincipalType::Role, args).await,
        AdminCommand::Principal(command) => identity::principal(context, command).await,
        AdminCommand::Policy(command) => identity::policy(context, command).await,
        AdminCommand::AccessKey(command) => identity::access_key(context, command).await,
        AdminCommand::SessionToken(SessionTokenCommand::Create(args)) => {
            identity::session_token(context, args).await
        }
        // -- encryption keys --
        AdminCommand::Key(command) => keys::run(context, command).await,
        // -- audit log and event targets --
        AdminCommand::Audit(args) => audit::run(context, args),
        AdminCommand::Webhook(command) => webhooks::run(context, command).await,
    }
}

/// Prints a JSON value, pretty, on standard output.
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
