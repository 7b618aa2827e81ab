//! Accounts, their access keys and their configuration.

use sqlx::Row;

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

    /// Every account, oldest first, with its creation time.
    pub async fn accounts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT account_id, created_at FROM accounts ORDER BY created_at, account_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub async fn account_exists(&self, account_id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM accounts WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
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
