//! The key hierarchy: the master key, the key-encryption keys in the
//! database (service-owned and customer keys), and data keys, unwrapped
//! once per process and cached.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, KeyInit as _, Mac};
use sha2::Sha256;
use sqlx::Row;
use uuid::Uuid;

use super::envelope::{DataKey, KEY_LEN, random_key};
use crate::{Store, StoreError, now_millis};

/// The id of the service-owned key-encryption key.
const SERVICE_KEY: &str = "service";
/// Unwrapped data keys kept per process.
const CACHE_LIMIT: usize = 4096;
const CHECK_SETTING: &str = "master_key_check";
/// How long a data key seals new data.
const DATA_KEY_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

/// Whether a key can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Enabled,
    Disabled,
    /// Its material was destroyed: what it protected is gone for good.
    Deleted,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::Deleted => "Deleted",
        }
    }

    fn parse(s: &str) -> Result<KeyState, StoreError> {
        match s {
            "Enabled" => Ok(KeyState::Enabled),
            "Disabled" => Ok(KeyState::Disabled),
            "Deleted" => Ok(KeyState::Deleted),
            other => Err(StoreError::Corrupt(format!("unknown key state {other}"))),
        }
    }
}

/// A customer key, without its material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerKey {
    pub key_id: String,
    pub account_id: String,
    pub arn: String,
    pub description: String,
    pub state: KeyState,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The master key and the data keys unwrapped so far.
pub(crate) struct Keyring {
    master: DataKey,
    cache: Mutex<HashMap<Uuid, DataKey>>,
}

impl Keyring {
    fn cached(&self, id: &Uuid) -> Option<DataKey> {
        self.cache.lock().ok()?.get(id).cloned()
    }

    fn remember(&self, key: &DataKey) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(key.id, key.clone());
        }
    }
}

fn master_check(master: &[u8; KEY_LEN]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(master).expect("HMAC takes any key");
    mac.update(b"argus master key check v1");
    hex::encode(mac.finalize().into_bytes())
}

/// Reads a master key file: 64 hex digits.
fn read_master(path: &Path) -> Result<[u8; KEY_LEN], StoreError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        StoreError::Invalid(format!(
            "cannot read the master key file {}: {e}",
            path.display()
        ))
    })?;
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; KEY_LEN]>::try_from(bytes).ok())
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "the master key file {} must hold 64 hex digits (32 bytes)",
                path.display()
            ))
        })
}

/// Creates a master key file, owner-only, failing if one appeared meanwhile.
fn create_master(path: &Path) -> Result<[u8; KEY_LEN], StoreError> {
    use std::io::Write;
    let key = random_key();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let cannot = |e: std::io::Error| {
        StoreError::Invalid(format!(
            "cannot create the master key file {}: {e}",
            path.display()
        ))
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    let mut file = options.open(path).map_err(cannot)?;
    file.write_all(format!("{}\n", hex::encode(key)).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(cannot)?;
    tracing::info!(file = %path.display(), "created the master key; back it up: without it the data cannot be read");
    Ok(key)
}

fn kek_aad(key_id: &str) -> Vec<u8> {
    format!("argus key-encryption key {key_id}").into_bytes()
}

fn dek_aad(dek_id: &Uuid, account_id: &str, key_id: &str) -> Vec<u8> {
    format!("argus data key {dek_id} {account_id} {key_id}").into_bytes()
}

fn unavailable(arn: Option<String>, state: KeyState) -> StoreError {
    StoreError::KeyUnavailable {
        arn: arn.unwrap_or_else(|| "(service-owned key)".into()),
        state,
    }
}

fn customer_key_from(row: &sqlx::any::AnyRow) -> Result<CustomerKey, StoreError> {
    Ok(CustomerKey {
        key_id: row.get(0),
        account_id: row.get(1),
        arn: row.get(2),
        description: row.get(3),
        state: KeyState::parse(&row.get::<String, _>(4))?,
        created_at: row.get(5),
        updated_at: row.get(6),
    })
}

const CUSTOMER_KEY_COLUMNS: &str =
    "key_id, account_id, arn, description, state, created_at, updated_at";

impl Store {
    /// Loads the master key from `path` (creating it, owner-only, when the
    /// database has no encrypted data yet), checks that it is the key the
    /// database was encrypted with, and creates the service-owned key on
    /// first use. Every node of one database needs the same master key.
    pub async fn unlock(&self, path: &Path) -> Result<(), StoreError> {
        let recorded: Option<String> = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(CHECK_SETTING)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.get(0));
        let master = if path.exists() {
            read_master(path)?
        } else if recorded.is_some() {
            return Err(StoreError::Invalid(format!(
                "the master key file {} does not exist, but this database's data is encrypted under a master key: \
                 give every node the same --master-key-file (ARGUS_MASTER_KEY_FILE)",
                path.display()
            )));
        } else {
            create_master(path)?
        };
        let check = master_check(&master);
        let stored = self.setting(CHECK_SETTING, || check.clone()).await?;
        if stored != check {
            return Err(StoreError::Invalid(format!(
                "the master key in {} is not the one this database's data is encrypted with: \
                 give every node the same --master-key-file (ARGUS_MASTER_KEY_FILE)",
                path.display()
            )));
        }
        let keyring = Keyring {
            master: DataKey::new(Uuid::nil(), &master),
            cache: Mutex::new(HashMap::new()),
        };
        let now = now_millis();
        sqlx::query(
            "INSERT INTO encryption_keys (key_id, account_id, arn, description, state, material, created_at, updated_at) \
             VALUES ($1, NULL, NULL, 'service-owned key', 'Enabled', $2, $3, $4) ON CONFLICT (key_id) DO NOTHING",
        )
        .bind(SERVICE_KEY)
        .bind(hex::encode(keyring.master.wrap(&kek_aad(SERVICE_KEY), &random_key())))
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        // Another clone may have unlocked already: the same key, by the check.
        let _ = self.keyring.set(Arc::new(keyring));
        self.seal_legacy_findings().await
    }

    fn keyring(&self) -> Result<&Keyring, StoreError> {
        self.keyring.get().map(Arc::as_ref).ok_or_else(|| {
            StoreError::Invalid("the store is locked: no master key was loaded".into())
        })
    }

    /// Creates an enabled customer key for an account.
    pub async fn create_customer_key(
        &self,
        account_id: &str,
        region: &str,
        description: &str,
    ) -> Result<CustomerKey, StoreError> {
        let keyring = self.keyring()?;
        let exists = sqlx::query("SELECT 1 FROM accounts WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(format!(
                "account {account_id} does not exist"
            )));
        }
        let key_id = Uuid::new_v4().to_string();
        let arn = format!("arn:aws:kms:{region}:{account_id}:key/{key_id}");
        let now = now_millis();
        sqlx::query(
            "INSERT INTO encryption_keys (key_id, account_id, arn, description, state, material, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'Enabled', $5, $6, $7)",
        )
        .bind(&key_id)
        .bind(account_id)
        .bind(&arn)
        .bind(description)
        .bind(hex::encode(keyring.master.wrap(&kek_aad(&key_id), &random_key())))
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(CustomerKey {
            key_id,
            account_id: account_id.to_string(),
            arn,
            description: description.to_string(),
            state: KeyState::Enabled,
            created_at: now,
            updated_at: now,
        })
    }

    /// An account's customer keys, oldest first.
    pub async fn customer_keys(&self, account_id: &str) -> Result<Vec<CustomerKey>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CUSTOMER_KEY_COLUMNS} FROM encryption_keys WHERE account_id = $1 ORDER BY created_at, key_id"
        )))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(customer_key_from).collect()
    }

    pub async fn customer_key(&self, arn: &str) -> Result<Option<CustomerKey>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CUSTOMER_KEY_COLUMNS} FROM encryption_keys WHERE arn = $1"
        )))
        .bind(arn)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(customer_key_from).transpose()
    }

    /// Enables or disables a customer key; a deleted key stays deleted.
    pub async fn set_customer_key_enabled(
        &self,
        arn: &str,
        enabled: bool,
    ) -> Result<CustomerKey, StoreError> {
        let state = if enabled {
            KeyState::Enabled
        } else {
            KeyState::Disabled
        };
        let updated = sqlx::query(
            "UPDATE encryption_keys SET state = $1, updated_at = $2 WHERE arn = $3 AND state <> 'Deleted'",
        )
        .bind(state.as_str())
        .bind(now_millis())
        .bind(arn)
        .execute(&self.pool)
        .await?;
        let key = self
            .customer_key(arn)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("no key {arn}")))?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Invalid(format!(
                "the key {arn} was deleted: it cannot be enabled or disabled"
            )));
        }
        Ok(key)
    }

    /// Destroys a customer key's material: what it protected can never be
    /// read again.
    pub async fn delete_customer_key(&self, arn: &str) -> Result<CustomerKey, StoreError> {
        sqlx::query(
            "UPDATE encryption_keys SET state = 'Deleted', material = NULL, updated_at = $1 WHERE arn = $2",
        )
        .bind(now_millis())
        .bind(arn)
        .execute(&self.pool)
        .await?;
        self.customer_key(arn)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("no key {arn}")))
    }

    /// Fails with [`StoreError::KeyUnavailable`] when the account's key
    /// cannot be used.
    pub async fn check_account_key(&self, account_id: &str) -> Result<(), StoreError> {
        self.account_kek(account_id).await.map(|_| ())
    }

    /// The account's key-encryption key: id and unwrapped material.
    async fn account_kek(&self, account_id: &str) -> Result<(String, DataKey), StoreError> {
        let arn = self.kms_key_arn(account_id).await?;
        let row = match &arn {
            Some(arn) => sqlx::query(
                "SELECT key_id, state, material FROM encryption_keys WHERE arn = $1 AND account_id = $2",
            )
            .bind(arn)
            .bind(account_id),
            None => sqlx::query("SELECT key_id, state, material FROM encryption_keys WHERE key_id = $1")
                .bind(SERVICE_KEY),
        }
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("the key of account {account_id} is missing")))?;
        let key_id: String = row.get(0);
        let state = KeyState::parse(&row.get::<String, _>(1))?;
        if state != KeyState::Enabled {
            return Err(unavailable(arn, state));
        }
        let kek = self.unwrap_kek(&key_id, row.get(2))?;
        Ok((key_id, kek))
    }

    fn unwrap_kek(&self, key_id: &str, material: Option<String>) -> Result<DataKey, StoreError> {
        let wrapped = material
            .and_then(|m| hex::decode(m).ok())
            .ok_or_else(|| StoreError::Corrupt(format!("key {key_id} has no material")))?;
        let bytes = self
            .keyring()?
            .master
            .unwrap(&kek_aad(key_id), &wrapped)
            .map_err(|e| StoreError::Corrupt(format!("key {key_id}: {e}")))?;
        let bytes: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| StoreError::Corrupt(format!("key {key_id} has the wrong length")))?;
        Ok(DataKey::new(Uuid::nil(), &bytes))
    }

    /// The data key new data of the account is sealed with: under the
    /// account's current key, made the first time it is needed.
    pub(crate) async fn write_key(&self, account_id: &str) -> Result<DataKey, StoreError> {
        let keyring = self.keyring()?;
        let (key_id, kek) = self.account_kek(account_id).await?;
        // A data key serves a while, then a new one is made: random
        // 96-bit nonces stay far below the 2^32 seals one key allows.
        let existing = sqlx::query(
            "SELECT dek_id FROM data_keys WHERE account_id = $1 AND key_id = $2 AND created_at > $3 \
             ORDER BY created_at DESC, dek_id LIMIT 1",
        )
        .bind(account_id)
        .bind(&key_id)
        .bind(now_millis() - DATA_KEY_LIFETIME_MS)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = existing {
            let id: String = row.get(0);
            let id = Uuid::parse_str(&id)
                .map_err(|_| StoreError::Corrupt(format!("data key id {id}")))?;
            return self.read_key(&id).await;
        }
        let id = Uuid::new_v4();
        let material = random_key();
        sqlx::query(
            "INSERT INTO data_keys (dek_id, account_id, key_id, wrapped, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.to_string())
        .bind(account_id)
        .bind(&key_id)
        .bind(hex::encode(kek.wrap(&dek_aad(&id, account_id, &key_id), &material)))
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        let key = DataKey::new(id, &material);
        keyring.remember(&key);
        Ok(key)
    }

    /// A data key by id, if the key it was wrapped under is enabled.
    pub(crate) async fn read_key(&self, id: &Uuid) -> Result<DataKey, StoreError> {
        let keyring = self.keyring()?;
        // The state is read every time (a disabled key takes effect at
        // once, on every node); the unwrapped key comes from the cache.
        let row = sqlx::query(
            "SELECT d.account_id, d.key_id, d.wrapped, k.state, k.arn, k.material \
             FROM data_keys d JOIN encryption_keys k ON k.key_id = d.key_id WHERE d.dek_id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("data key {id} is missing")))?;
        let state = KeyState::parse(&row.get::<String, _>(3))?;
        if state != KeyState::Enabled {
            return Err(unavailable(row.get(4), state));
        }
        if let Some(key) = keyring.cached(id) {
            return Ok(key);
        }
        let account_id: String = row.get(0);
        let key_id: String = row.get(1);
        let kek = self.unwrap_kek(&key_id, row.get(5))?;
        let wrapped = hex::decode(row.get::<String, _>(2))
            .map_err(|_| StoreError::Corrupt(format!("data key {id} is not hex")))?;
        let material: [u8; KEY_LEN] = kek
            .unwrap(&dek_aad(id, &account_id, &key_id), &wrapped)
            .map_err(|e| StoreError::Corrupt(format!("data key {id}: {e}")))?
            .try_into()
            .map_err(|_| StoreError::Corrupt(format!("data key {id} has the wrong length")))?;
        let key = DataKey::new(*id, &material);
        keyring.remember(&key);
        Ok(key)
    }
}
