//! `argus admin account|user|role|principal|policy|access-key|session-token`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use argus_server::identity::{self, MAX_SESSION, MIN_SESSION};
use argus_server::policy::{MANAGED_POLICY_NAMES, Policy, managed_policy, managed_policy_arn};
use argus_store::{AccessKey, AttachedPolicy, NewPrincipal, Principal, PrincipalType, now_millis};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{AdminContext, print_json};

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account (12 digits, random unless given). Give its root
    /// an access key with `argus admin access-key create arn:aws:iam::ID:root`.
    Create {
        #[arg(long, value_name = "ID")]
        account_id: Option<String>,
    },
    /// List the accounts.
    List,
}

#[derive(Debug, Args)]
pub struct CreatePrincipalArgs {
    /// The account the user or role belongs to.
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Its name (1 to 64 of letters, digits and +=,.@_-).
    pub name: String,
    /// A tag, KEY=VALUE (repeatable): the `aws:PrincipalTag/KEY` condition key.
    #[arg(long, value_name = "KEY=VALUE")]
    pub tag: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PrincipalCommand {
    /// List an account's users and roles.
    List {
        #[arg(long, value_name = "ID")]
        account: String,
    },
    /// Replace a user's or role's tags.
    SetTags {
        arn: String,
        /// KEY=VALUE (repeatable); none removes every tag.
        #[arg(long, value_name = "KEY=VALUE")]
        tag: Vec<String>,
    },
    /// Delete a user or role with its policies and every key acting for it.
    Delete { arn: String },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Attach a built-in managed policy (AmazonCodeGuruSecurityFullAccess,
    /// AmazonCodeGuruSecurityScanAccess) by name or ARN.
    Attach { arn: String, policy: String },
    /// Add or replace an inline policy from a JSON file (`-` reads
    /// standard input). The document is validated first.
    Put {
        arn: String,
        /// The inline policy's name.
        #[arg(long)]
        name: String,
        /// The policy document (IAM JSON).
        #[arg(long, value_name = "FILE")]
        document: PathBuf,
    },
    /// Remove a policy (inline name, or managed policy name/ARN).
    Detach { arn: String, policy: String },
    /// List a principal's policies with their documents.
    List { arn: String },
    /// Show the built-in managed policies.
    Managed,
}

#[derive(Debug, Subcommand)]
pub enum AccessKeyCommand {
    /// Create a permanent access key for a user, or for an account's root
    /// (arn:aws:iam::ID:root). The secret is shown this once.
    Create {
        arn: String,
    },
    /// List an account's keys (never their secrets).
    List {
        #[arg(long, value_name = "ID")]
        account: String,
        /// Only the keys acting for this user or role.
        #[arg(long, value_name = "ARN")]
        principal: Option<String>,
    },
    /// Stop a key from working (it can be activated again).
    Deactivate {
        access_key_id: String,
    },
    Activate {
        access_key_id: String,
    },
    /// Delete a key for good.
    Delete {
        access_key_id: String,
    },
}

#[derive(Debug, Args)]
pub struct SessionTokenArgs {
    /// The user (as STS GetSessionToken) or role (as STS AssumeRole).
    pub arn: String,
    /// The role session's name, shown in the caller's ARN.
    #[arg(long, default_value = "argus-session")]
    pub session_name: String,
    /// How long the credentials work: 900 to 43200 seconds.
    #[arg(long, default_value_t = 3600)]
    pub duration_seconds: u64,
}

fn parse_tags(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| anyhow!("--tag '{pair}' must be KEY=VALUE"))?;
        if key.is_empty() || key.len() > 128 || value.len() > 256 {
            bail!("--tag '{pair}': keys are 1 to 128 characters, values at most 256");
        }
        tags.insert(key.to_string(), value.to_string());
    }
    Ok(tags)
}

fn principal_json(p: &Principal) -> Value {
    json!({
        "arn": p.arn,
        "accountId": p.account_id,
        "type": p.principal_type.as_str(),
        "name": p.name,
        "principalId": p.principal_id,
        "tags": p.tags,
        "createdAt": millis_rfc3339(p.created_at),
    })
}

fn key_json(key: &AccessKey) -> Value {
    json!({
        "accessKeyId": key.access_key_id,
        "accountId": key.account_id,
        "arn": key.principal_arn,
        "status": if key.active { "Active" } else { "Inactive" },
        "temporary": key.session_token_sha256.is_some(),
        "expiration": key.expires_at.map(millis_rfc3339),
        "createdAt": millis_rfc3339(key.created_at),
    })
}

fn millis_rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

async fn existing_principal(context: &AdminContext, arn: &str) -> Result<Principal> {
    context.store.principal(arn).await?.ok_or_else(|| {
        anyhow!("no user or role {arn} (see `argus admin principal list --account ID`)")
    })
}

async fn existing_account(context: &AdminContext, account: &str) -> Result<()> {
    identity::check_account_id(account).map_err(|e| anyhow!(e))?;
    if !context.store.account_exists(account).await? {
        bail!("no account {account} (create it with `argus admin account create`)");
    }
    Ok(())
}

pub async fn account(context: &AdminContext, command: AccountCommand) -> Result<ExitCode> {
    match command {
        AccountCommand::Create { account_id } => {
            let id = match account_id {
                Some(id) => {
                    identity::check_account_id(&id).map_err(|e| anyhow!(e))?;
                    if context.store.account_exists(&id).await? {
                        bail!("account {id} already exists");
                    }
                    id
                }
                None => loop {
                    let candidate = random_account_id();
                    if !context.store.account_exists(&candidate).await? {
                        break candidate;
                    }
                },
            };
            context.store.ensure_account(&id).await?;
            print_json(&json!({"accountId": id, "rootArn": identity::root_arn(&id)}));
        }
        AccountCommand::List => {
            let accounts = context.store.accounts().await?;
            print_json(&Value::Array(
                accounts
                    .iter()
                    .map(|(id, created)| json!({"accountId": id, "createdAt": millis_rfc3339(*created)}))
                    .collect(),
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn random_account_id() -> String {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    let digits: String = bytes[1..12]
        .iter()
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    // Never a leading zero.
    format!("{}{digits}", char::from(b'1' + bytes[0] % 9))
}

pub async fn create_principal(
    context: &AdminContext,
    kind: PrincipalType,
    args: CreatePrincipalArgs,
) -> Result<ExitCode> {
    existing_account(context, &args.account).await?;
    identity::check_name("name", &args.name, 64).map_err(|e| anyhow!(e))?;
    let arn = identity::principal_arn(&args.account, kind, &args.name);
    let principal = context
        .store
        .create_principal(
            &NewPrincipal {
                account_id: args.account.clone(),
                principal_type: kind,
                name: args.name.clone(),
                principal_id: identity::new_principal_id(kind),
                tags: parse_tags(&args.tag)?,
            },
            &arn,
        )
        .await?;
    print_json(&principal_json(&principal));
    Ok(ExitCode::SUCCESS)
}

pub async fn principal(context: &AdminContext, command: PrincipalCommand) -> Result<ExitCode> {
    match command {
        PrincipalCommand::List { account } => {
            existing_account(context, &account).await?;
            let principals = context.store.principals(&account).await?;
            print_json(&Value::Array(
                principals.iter().map(principal_json).collect(),
            ));
        }
        PrincipalCommand::SetTags { arn, tag } => {
            existing_principal(context, &arn).await?;
            context
                .store
                .set_principal_tags(&arn, &parse_tags(&tag)?)
                .await?;
            print_json(&principal_json(&existing_principal(context, &arn).await?));
        }
        PrincipalCommand::Delete { arn } => {
            existing_principal(context, &arn).await?;
            context.store.delete_principal(&arn).await?;
            print_json(&json!({"deleted": arn}));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn policy(context: &AdminContext, command: PolicyCommand) -> Result<ExitCode> {
    match command {
        PolicyCommand::Attach { arn, policy } => {
            existing_principal(context, &arn).await?;
            let name = policy.rsplit('/').next().unwrap_or(&policy).to_string();
            if managed_policy(&policy).is_none() {
                bail!(
                    "'{policy}' is not a built-in managed policy; they are: {}",
                    MANAGED_POLICY_NAMES.join(", ")
                );
            }
            context
                .store
                .put_policy(
                    &arn,
                    &AttachedPolicy {
                        managed_arn: Some(managed_policy_arn(&name)),
                        name,
                        document: None,
                        created_at: now_millis(),
                    },
                )
                .await?;
            list_policies(context, &arn).await?;
        }
        PolicyCommand::Put {
            arn,
            name,
            document,
        } => {
            existing_principal(context, &arn).await?;
            identity::check_name("policy name", &name, 128).map_err(|e| anyhow!(e))?;
            let text = if document.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
            } else {
                std::fs::read_to_string(&document)
                    .with_context(|| format!("cannot read {}", document.display()))?
            };
            let parsed = Policy::parse(&text)
                .map_err(|e| anyhow!("{}: invalid policy: {e}", document.display()))?;
            let unknown = parsed.unmatched_action_patterns();
            if !unknown.is_empty() {
                bail!(
                    "{}: these actions match no codeguru-security operation: {} (a typo?)",
                    document.display(),
                    unknown.join(", ")
                );
            }
            context
                .store
                .put_policy(
                    &arn,
                    &AttachedPolicy {
                        name,
                        managed_arn: None,
                        document: Some(text),
                        created_at: now_millis(),
                    },
                )
                .await?;
            list_policies(context, &arn).await?;
        }
        PolicyCommand::Detach { arn, policy } => {
            existing_principal(context, &arn).await?;
            let name = policy.rsplit('/').next().unwrap_or(&policy);
            if !context.store.delete_policy(&arn, name).await? {
                bail!("{arn} has no policy named {name}");
            }
            list_policies(context, &arn).await?;
        }
        PolicyCommand::List { arn } => {
            existing_principal(context, &arn).await?;
            list_policies(context, &arn).await?;
        }
        PolicyCommand::Managed => {
            print_json(&Value::Array(
                MANAGED_POLICY_NAMES
                    .iter()
                    .filter_map(|name| {
                        let policy = managed_policy(name)?;
                        Some(json!({
                            "policyName": name,
                            "arn": managed_policy_arn(name),
                            "document": serde_json::from_str::<Value>(&policy.to_json()).ok()?,
                        }))
                    })
                    .collect(),
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn list_policies(context: &AdminContext, arn: &str) -> Result<()> {
    let policies = context.store.policies(arn).await?;
    print_json(&json!({
        "arn": arn,
        "attachedPolicies": policies.iter().filter(|p| p.managed_arn.is_some()).map(|p| json!({
            "policyName": p.name,
            "policyArn": p.managed_arn,
        })).collect::<Vec<_>>(),
        "inlinePolicies": policies.iter().filter_map(|p| Some(json!({
            "policyName": p.name,
            "policyDocument": serde_json::from_str::<Value>(p.document.as_deref()?).ok()?,
        }))).collect::<Vec<_>>(),
    }));
    Ok(())
}

pub async fn access_key(context: &AdminContext, command: AccessKeyCommand) -> Result<ExitCode> {
    match command {
        AccessKeyCommand::Create { arn } => {
            let (account, principal) = match arn
                .strip_prefix("arn:aws:iam::")
                .and_then(|rest| rest.strip_suffix(":root"))
            {
                Some(account) => {
                    existing_account(context, account).await?;
                    (account.to_string(), None)
                }
                None => {
                    let principal = existing_principal(context, &arn).await?;
                    if principal.principal_type == PrincipalType::Role {
                        bail!(
                            "roles have no access keys; issue temporary credentials with `argus admin session-token create {arn}`"
                        );
                    }
                    (principal.account_id.clone(), Some(principal))
                }
            };
            let key =
                identity::create_access_key(&context.store, &account, principal.as_ref()).await?;
            let mut shown = key_json(&key);
            shown["secretAccessKey"] = json!(key.secret_access_key);
            print_json(&json!({"accessKey": shown}));
        }
        AccessKeyCommand::List { account, principal } => {
            existing_account(context, &account).await?;
            let keys = context
                .store
                .access_keys(&account, principal.as_deref())
                .await?;
            print_json(&Value::Array(keys.iter().map(key_json).collect()));
        }
        AccessKeyCommand::Deactivate { access_key_id } => {
            set_active(context, &access_key_id, false).await?;
        }
        AccessKeyCommand::Activate { access_key_id } => {
            set_active(context, &access_key_id, true).await?;
        }
        AccessKeyCommand::Delete { access_key_id } => {
            if !context.store.delete_access_key(&access_key_id).await? {
                bail!("no access key {access_key_id}");
            }
            print_json(&json!({"deleted": access_key_id}));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn set_active(context: &AdminContext, id: &str, active: bool) -> Result<()> {
    if !context.store.set_access_key_active(id, active).await? {
        bail!("no access key {id}");
    }
    print_json(&json!({"accessKeyId": id, "status": if active { "Active" } else { "Inactive" }}));
    Ok(())
}

pub async fn session_token(context: &AdminContext, args: SessionTokenArgs) -> Result<ExitCode> {
    let principal = existing_principal(context, &args.arn).await?;
    let duration = Duration::from_secs(args.duration_seconds);
    if duration < MIN_SESSION || duration > MAX_SESSION {
        bail!(
            "--duration-seconds must be {} to {}",
            MIN_SESSION.as_secs(),
            MAX_SESSION.as_secs()
        );
    }
    identity::check_name("--session-name", &args.session_name, 64).map_err(|e| anyhow!(e))?;
    let issued =
        identity::issue_session(&context.store, &principal, &args.session_name, duration).await?;
    // STS's fields, in the camelCase of every other admin output.
    print_json(&json!({
        "credentials": {
            "accessKeyId": issued.key.access_key_id,
            "secretAccessKey": issued.key.secret_access_key,
            "sessionToken": issued.session_token,
            "expiration": issued.key.expires_at.map(millis_rfc3339),
        },
        "arn": issued.key.principal_arn,
    }));
    Ok(ExitCode::SUCCESS)
}
