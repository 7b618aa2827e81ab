//! `argus admin webhook`: where an account's events go. Targets live in the
//! database, so every node delivers to them; each gets a signing secret,
//! shown once when it is added.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use argus_store::{EVENT_TYPES, WebhookTarget, now_millis};
use clap::Subcommand;
use serde_json::json;

use super::{AdminContext, print_json};

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Send an account's events to a URL (POST, EventBridge-shaped JSON,
    /// signed); prints the target id and its signing secret, once.
    Add {
        /// The account (12 digits) whose events are sent.
        #[arg(long, value_name = "ID")]
        account: String,
        /// The http:// or https:// URL events are POSTed to.
        #[arg(long, value_name = "URL")]
        url: String,
        /// Only these event types (ScanStateChange, FindingStatusChange);
        /// repeat for several [default: all].
        #[arg(long = "event", value_name = "TYPE")]
        events: Vec<String>,
    },
    /// The targets (without their secrets).
    List {
        /// Only this account's targets.
        #[arg(long, value_name = "ID")]
        account: Option<String>,
    },
    /// Stop sending to a target; its undelivered events are dropped.
    Remove {
        /// The target id `webhook add` printed.
        target_id: String,
    },
}

pub async fn run(context: &AdminContext, command: WebhookCommand) -> Result<ExitCode> {
    let store = &context.store;
    match command {
        WebhookCommand::Add {
            account,
            url,
            events,
        } => {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                bail!("--account must be an account id of 12 digits, not '{account}'");
            }
            let parsed =
                reqwest::Url::parse(&url).with_context(|| format!("--url '{url}' is not a URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                bail!("--url must be an http:// or https:// URL with a host");
            }
            if let Some(unknown) = events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
                bail!(
                    "--event '{unknown}' is not an event type: use {}",
                    EVENT_TYPES.join(" or ")
                );
            }
            let mut random = [0u8; 32];
            getrandom::fill(&mut random)
                .map_err(|e| anyhow::anyhow!("the OS gave no randomness: {e}"))?;
            let target = WebhookTarget {
                target_id: format!("wh-{}", uuid::Uuid::new_v4().simple()),
                account_id: account,
                url,
                secret: format!("whsec_{}", hex::encode(random)),
                event_types: events,
                created_at: now_millis(),
            };
            store.add_webhook_target(&target).await?;
            eprintln!(
                "argus admin webhook: the signing secret is shown this once; keep it where the receiver can read it"
            );
            print_json(&json!({
                "targetId": target.target_id,
                "accountId": target.account_id,
                "url": target.url,
                "events": event_list(&target),
                "secret": target.secret,
            }));
        }
        WebhookCommand::List { account } => {
            let targets = store.webhook_targets(account.as_deref()).await?;
            let list: Vec<_> = targets
                .iter()
                .map(|t| {
                    json!({
                        "targetId": t.target_id,
                        "accountId": t.account_id,
                        "url": t.url,
                        "events": event_list(t),
                        "createdAt": t.created_at / 1000,
                    })
                })
                .collect();
            print_json(&json!({ "targets": list }));
        }
        WebhookCommand::Remove { target_id } => {
            if !store.remove_webhook_target(&target_id).await? {
                bail!("no webhook target '{target_id}'");
            }
            print_json(&json!({ "removed": target_id }));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn event_list(target: &WebhookTarget) -> Vec<&str> {
    if target.event_types.is_empty() {
        EVENT_TYPES.to_vec()
    } else {
        target.event_types.iter().map(String::as_str).collect()
    }
}
