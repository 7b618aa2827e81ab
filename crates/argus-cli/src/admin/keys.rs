//! `argus admin key`: customer keys, the KMS keys of this service. An
//! account selects one with UpdateAccountConfiguration; its new findings
//! and uploads are then encrypted under it. Disabling a key makes what it
//! encrypted unreadable and the account's scans fail until it is enabled;
//! deleting it makes that permanent.

use std::process::ExitCode;

use anyhow::{Result, bail};
use argus_store::CustomerKey;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{AdminContext, print_json};

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create an enabled key for an account; prints it with its ARN.
    Create(CreateArgs),
    /// List an account's keys.
    List(ListArgs),
    /// Disable a key: the account's data encrypted with it cannot be read,
    /// and its scans fail, until the key is enabled again.
    Disable(ArnArgs),
    /// Enable a disabled key again.
    Enable(ArnArgs),
    /// Delete a key: its material is destroyed at once. IRREVERSIBLE: the
    /// findings and code encrypted with it can never be read again.
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The account (12 digits) the key belongs to.
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// What the key is for.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub description: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_name = "ID")]
    pub account: String,
}

#[derive(Debug, Args)]
pub struct ArnArgs {
    /// The key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID).
    pub arn: String,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The key's ARN.
    pub arn: String,
    /// Confirm that the data encrypted with the key is to be lost for good.
    #[arg(long)]
    pub yes: bool,
}

pub async fn run(context: &AdminContext, command: KeyCommand) -> Result<ExitCode> {
    let store = &context.store;
    store.unlock(&context.master_key_file).await?;
    match command {
        KeyCommand::Create(args) => {
            if args.account.len() != 12 || !args.account.bytes().all(|b| b.is_ascii_digit()) {
                bail!("--account must be 12 digits, got '{}'", args.account);
            }
            let key = store
                .create_customer_key(&args.account, &context.region, &args.description)
                .await?;
            print_json(&describe(&key));
        }
        KeyCommand::List(args) => {
            let keys = store.customer_keys(&args.account).await?;
            print_json(&json!({"keys": keys.iter().map(describe).collect::<Vec<_>>()}));
        }
        KeyCommand::Disable(args) => {
            existing(context, &args.arn).await?;
            print_json(&describe(
                &store.set_customer_key_enabled(&args.arn, false).await?,
            ));
        }
        KeyCommand::Enable(args) => {
            existing(context, &args.arn).await?;
            print_json(&describe(
                &store.set_customer_key_enabled(&args.arn, true).await?,
            ));
        }
        KeyCommand::Delete(args) => {
            existing(context, &args.arn).await?;
            if !args.yes {
                bail!(
                    "deleting {} destroys it: the data encrypted with it can never be read again; \
                     add --yes to confirm",
                    args.arn
                );
            }
            print_json(&describe(&store.delete_customer_key(&args.arn).await?));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn existing(context: &AdminContext, arn: &str) -> Result<CustomerKey> {
    match context.store.customer_key(arn).await? {
        Some(key) => Ok(key),
        None => bail!("no key {arn}: see `argus admin key list --account ID`"),
    }
}

/// A key as KMS's DescribeKey names its members.
fn describe(key: &CustomerKey) -> Value {
    let created =
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(key.created_at) * 1_000_000)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
    json!({
        "keyId": key.key_id,
        "arn": key.arn,
        "accountId": key.account_id,
        "description": key.description,
        "keyState": key.state.as_str(),
        "enabled": key.state == argus_store::KeyState::Enabled,
        "creationDate": created,
    })
}
