//! Principals (users and roles), their identity policies, and the access
//! keys — permanent or temporary — that act for them. Policies are stored
//! as given; parsing and evaluating them is the server's job.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, now_millis};

/// A credential argus accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub account_id: String,
    /// Who the caller is: `arn:aws:iam::<account>:root`, a user's ARN, or
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub principal_arn: String,
    /// The user or role whose policies and tags apply; `None` for root.
    pub policy_principal_arn: Option<String>,
    /// SHA-256 (hex) of the session token of temporary credentials.
    pub session_token_sha256: Option<String>,
    /// When temporary credentials stop working (Unix ms).
    pub expires_at: Option<i64>,
    pub active: bool,
    pub created_at: i64,
}

impl AccessKey {
    /// A permanent key of `principal_arn` (root when `policy_principal_arn` is `None`).
    pub fn permanent(
        access_key_id: String,
        secret_access_key: String,
        account_id: String,
        principal_arn: String,
        policy_principal_arn: Option<String>,
    ) -> AccessKey {
        AccessKey {
            access_key_id,
            secret_access_key,
            account_id,
            principal_arn,
            policy_principal_arn,
            session_token_sha256: None,
            expires_at: None,
            active: true,
            created_at: now_millis(),
        }
    }
}

/// Users and roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    User,
    Role,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "User",
            PrincipalType::Role => "Role",
        }
    }

    /// The ARN path segment: `user` or `role`.
    pub fn arn_segment(self) -> &'static str {
        match self {
            PrincipalType::User => "user",
            PrincipalType::Role => "role",
        }
    }
}

/// A user or role of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub arn: String,
    pub account_id: String,
    pub principal_type: PrincipalType,
    pub name: String,
    /// `aws:userid`.
    pub principal_id: String,
    pub tags: BTreeMap<String, String>,
    pub created_at: i64,
}

/// What `create_principal` needs.
#[derive(Debug, Clone)]
pub struct NewPrincipal {
    pub account_id: String,
    pub principal_type: PrincipalType,
    pub name: String,
    pub principal_id: String,
    pub tags: BTreeMap<String, String>,
}

/// A policy attached to a principal: a managed policy's ARN or an inline
/// document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub managed_arn: Option<String>,
    pub document: Option<String>,
    pub created_at: i64,
}

// Column lists as macros: sqlx takes only static query strings.
macro_rules! key_columns {
    () => {
        "access_key_id, secret_access_key, account_id, principal_arn, \
         policy_principal_arn, session_token_sha256, expires_at, active, created_at"
    };
}

fn access_key(row: &AnyRow) -> AccessKey {
    AccessKey {
        access_key_id: row.get(0),
        secret_access_key: row.get(1),
        account_id: row.get(2),
        principal_arn: row.get(3),
        policy_principal_arn: row.get(4),
        session_token_sha256: row.get(5),
        expires_at: row.get(6),
        active: row.get::<i32, _>(7) != 0,
        created_at: row.get(8),
    }
}

fn principal(row: &AnyRow) -> Result<Principal, StoreError> {
    let principal_type = match row.get::<String, _>(2).as_str() {
        "User" => PrincipalType::User,
        "Role" => PrincipalType::Role,
        other => return Err(StoreError::Corrupt(format!("principal type {other}"))),
    };
    let tags: String = row.get(5);
    Ok(Principal {
        arn: row.get(0),
        account_id: row.get(1),
        principal_type,
        name: row.get(3),
        principal_id: row.get(4),
        tags: serde_json::from_str(&tags)
            .map_err(|e| StoreError::Corrupt(format!("principal tags: {e}")))?,
        created_at: row.get(6),
    })
}

macro_rules! principal_columns {
    () => {
        "principal_arn, account_id, principal_type, name, principal_id, tags, created_at"
    };
}

impl Store {
    /// Adds (or replaces the secret and owner of) an access key.
    pub async fn put_access_key(&self, key: &AccessKey) -> Result<(), StoreError> {
        self.ensure_account(&key.account_id).await?;
        sqlx::query(
            "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, principal_arn, \
             policy_principal_arn, session_token_sha256, expires_at, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (access_key_id) DO UPDATE SET secret_access_key = $2, account_id = $3, \
             principal_arn = $4, policy_principal_arn = $5, session_token_sha256 = $6, \
             expires_at = $7, active = $8",
        )
        .bind(&key.access_key_id)
        .bind(&key.secret_access_key)
        .bind(&key.account_id)
        .bind(&key.principal_arn)
        .bind(&key.policy_principal_arn)
        .bind(&key.session_token_sha256)
        .bind(key.expires_at)
        .bind(i32::from(key.active))
        .bind(key.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// An active access key.
    pub async fn access_key(&self, access_key_id: &str) -> Result<Option<AccessKey>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            key_columns!(),
            " FROM access_keys WHERE access_key_id = $1 AND active = 1"
        ))
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(access_key))
    }

    /// The keys of an account, or of one principal, active or not.
    pub async fn access_keys(
        &self,
        account_id: &str,
        principal_arn: Option<&str>,
    ) -> Result<Vec<AccessKey>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            key_columns!(),
            " FROM access_keys WHERE account_id = $1 \
             AND ($2 IS NULL OR principal_arn = $2 OR policy_principal_arn = $2) \
             ORDER BY created_at, access_key_id"
        ))
        .bind(account_id)
        .bind(principal_arn)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(access_key).collect())
    }

    /// Activates or deactivates a key; false when there is no such key.
    pub async fn set_access_key_active(
        &self,
        access_key_id: &str,
        active: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE access_keys SET active = $1 WHERE access_key_id = $2")
            .bind(i32::from(active))
            .bind(access_key_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn delete_access_key(&self, access_key_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM access_keys WHERE access_key_id = $1")
            .bind(access_key_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets temporary credentials that expired before `before` (Unix ms).
    pub async fn delete_expired_credentials(&self, before: i64) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM access_keys WHERE expires_at IS NOT NULL AND expires_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    /// Creates a user or role; `Invalid` when the name is taken.
    pub async fn create_principal(
        &self,
        new: &NewPrincipal,
        arn: &str,
    ) -> Result<Principal, StoreError> {
        if !self.account_exists(&new.account_id).await? {
            return Err(StoreError::Invalid(format!(
                "account {} does not exist (create it with `argus admin account create`)",
                new.account_id
            )));
        }
        if self.principal(arn).await?.is_some() {
            return Err(StoreError::Invalid(format!("{arn} already exists")));
        }
        let created_at = now_millis();
        let tags = serde_json::to_string(&new.tags).unwrap_or_else(|_| "{}".into());
        sqlx::query(concat!(
            "INSERT INTO principals (",
            principal_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(arn)
        .bind(&new.account_id)
        .bind(new.principal_type.as_str())
        .bind(&new.name)
        .bind(&new.principal_id)
        .bind(&tags)
        .bind(created_at)
        .execute(&self.pool)
        .await?;
        Ok(Principal {
            arn: arn.to_string(),
            account_id: new.account_id.clone(),
            principal_type: new.principal_type,
            name: new.name.clone(),
            principal_id: new.principal_id.clone(),
            tags: new.tags.clone(),
            created_at,
        })
    }

    pub async fn principal(&self, arn: &str) -> Result<Option<Principal>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            principal_columns!(),
            " FROM principals WHERE principal_arn = $1"
        ))
        .bind(arn)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(principal).transpose()
    }

    pub async fn principals(&self, account_id: &str) -> Result<Vec<Principal>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            principal_columns!(),
            " FROM principals WHERE account_id = $1 ORDER BY principal_type, name"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(principal).collect()
    }

    /// Replaces a principal's tags.
    pub async fn set_principal_tags(
        &self,
        arn: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE principals SET tags = $1 WHERE principal_arn = $2")
            .bind(serde_json::to_string(tags).unwrap_or_else(|_| "{}".into()))
            .bind(arn)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes a principal with its policies and every key acting for it.
    pub async fn delete_principal(&self, arn: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM principal_policies WHERE principal_arn = $1")
            .bind(arn)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM access_keys WHERE principal_arn = $1 OR policy_principal_arn = $1",
        )
        .bind(arn)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("DELETE FROM principals WHERE principal_arn = $1")
            .bind(arn)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Attaches (or replaces) a policy under `name`.
    pub async fn put_policy(
        &self,
        principal_arn: &str,
        policy: &AttachedPolicy,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO principal_policies (principal_arn, policy_name, managed_arn, document, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (principal_arn, policy_name) DO UPDATE SET managed_arn = $3, document = $4",
        )
        .bind(principal_arn)
        .bind(&policy.name)
        .bind(&policy.managed_arn)
        .bind(&policy.document)
        .bind(policy.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_policy(&self, principal_arn: &str, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM principal_policies WHERE principal_arn = $1 AND policy_name = $2",
        )
        .bind(principal_arn)
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn policies(&self, principal_arn: &str) -> Result<Vec<AttachedPolicy>, StoreError> {
        let rows = sqlx::query(
            "SELECT policy_name, managed_arn, document, created_at FROM principal_policies \
             WHERE principal_arn = $1 ORDER BY policy_name",
        )
        .bind(principal_arn)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| AttachedPolicy {
                name: r.get(0),
                managed_arn: r.get(1),
                document: r.get(2),
                created_at: r.get(3),
            })
            .collect())
    }
}
