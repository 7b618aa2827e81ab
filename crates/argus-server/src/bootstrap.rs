//! First start: the account and the root access key. A key given in the
//! environment is installed as is; otherwise one is generated once, shown
//! once, and written to a file only its owner can read.

use std::io::Write;

use argus_store::{AccessKey, Store};

use crate::config::ServerConfig;
use crate::{ServeError, random_hex};

/// Credentials created on this start (printed once by the CLI).
#[derive(Debug, Clone)]
pub struct RootCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Where they were saved.
    pub file: std::path::PathBuf,
}

/// What bootstrapping did.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub account_id: String,
    pub region: String,
    /// Set when a key was generated on this start.
    pub generated: Option<RootCredentials>,
}

pub(crate) async fn run(store: &Store, config: &ServerConfig) -> Result<Bootstrap, ServeError> {
    let account_id = match &config.account_id {
        Some(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => id.clone(),
        Some(id) => {
            return Err(ServeError::Config(format!(
                "account id '{id}' must be 12 digits"
            )));
        }
        None => {
            store
                .setting("default_account_id", random_account_id)
                .await?
        }
    };
    store.ensure_account(&account_id).await?;
    let principal_arn = format!("arn:aws:iam::{account_id}:root");
    let mut generated = None;
    match &config.root_access_key {
        Some((id, secret)) => {
            if id.is_empty() || secret.is_empty() {
                return Err(ServeError::Config(
                    "the root access key id and secret must not be empty".into(),
                ));
            }
            store
                .put_access_key(&AccessKey::permanent(
                    id.clone(),
                    secret.clone(),
                    account_id.clone(),
                    principal_arn,
                    None,
                ))
                .await?;
        }
        None if store.count_access_keys().await? == 0 => {
            let random = random_hex().to_ascii_uppercase();
            let access_key_id = format!("AKAR{}", &random[..16]);
            let secret_access_key = random_hex()[..40].to_string();
            store
                .put_access_key(&AccessKey::permanent(
                    access_key_id.clone(),
                    secret_access_key.clone(),
                    account_id.clone(),
                    principal_arn,
                    None,
                ))
                .await?;
            let file = config.data_dir.join("root-credentials");
            write_private(
                &file,
                &format!(
                    "# argus root credentials, created on first start. Keep this file private.\n[argus]\naws_access_key_id = {access_key_id}\naws_secret_access_key = {secret_access_key}\nregion = {}\n",
                    config.region
                ),
            )?;
            generated = Some(RootCredentials {
                access_key_id,
                secret_access_key,
                file,
            });
        }
        None => {}
    }
    Ok(Bootstrap {
        account_id,
        region: config.region.clone(),
        generated,
    })
}

fn random_account_id() -> String {
    let bytes = random_hex();
    // 12 digits from random hex, never starting with 0.
    let digits: String = bytes
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .take(12)
        .collect();
    format!("9{}", &digits[1..])
}

/// Writes a file readable only by its owner.
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}
