//! Accounts, their access keys and their configuration.

use sqlx::Row;

use crate::scans::AccessKey;
use crate::{Store, StoreError, now_millis};

impl Store {
    /// A server-wide setting, created with `make()` the first time (the
    /// first node to start wins; every node then reads the same value).
    pub async fn setting(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get(0))
    }

    /// Creates the account if it does not exist.
    pub async fn ensure_account(&self, account_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO accounts (account_id, created_at) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING",
        )
        .bind(account_id)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds (or replaces the secret of) an access key.
    pub async fn put_access_key(&self, key: &AccessKey) -> Result<(), StoreError> {
        self.ensure_account(&key.account_id).await?;
        sqlx::query(
            "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, principal_arn, created_at, active) \
             VALUES ($1, $2, $3, $4, $5, 1) \
             ON CONFLICT (access_key_id) DO UPDATE SET secret_access_key = $2, account_id = $3, principal_arn = $4, active = 1",
        )
        .bind(&key.access_key_id)
        .bind(&key.secret_access_key)
        .bind(&key.account_id)
        .bind(&key.principal_arn)
        .bind(now_millis())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn access_key(&self, access_key_id: &str) -> Result<Option<AccessKey>, StoreError> {
        let row = sqlx::query(
            "SELECT access_key_id, secret_access_key, account_id, principal_arn FROM access_keys \
             WHERE access_key_id = $1 AND active = 1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| AccessKey {
            access_key_id: row.get(0),
            secret_access_key: row.get(1),
            account_id: row.get(2),
            principal_arn: row.get(3),
        }))
    }

    pub async fn count_access_keys(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM access_keys")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get(0))
    }

    /// The account's customer key ARN (`None`: the service-owned key).
    pub async fn kms_key_arn(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT kms_key_arn FROM accounts WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(|r| r.get::<Option<String>, _>(0)))
    }

    pub async fn set_kms_key_arn(
        &self,
        account_id: &str,
        arn: Option<&str>,
    ) -> Result<(), StoreError> {
        self.ensure_account(account_id).await?;
        sqlx::query("UPDATE accounts SET kms_key_arn = $1 WHERE account_id = $2")
            .bind(arn)
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
