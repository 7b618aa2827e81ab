//! The database: connection, migrations, and the one place that knows
//! which backend is behind the pool.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::ArtifactStore;
use crate::crypto::Keyring;

/// Which SQL database holds the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Anything that went wrong while storing or loading.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("artifact store: {0}")]
    Artifacts(#[from] object_store::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The key that protects the data is disabled or deleted.
    #[error("{}", key_message(arn, *state))]
    KeyUnavailable { arn: String, state: crate::KeyState },
}

impl StoreError {
    /// An object that is not (or no longer) stored.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            StoreError::Artifacts(object_store::Error::NotFound { .. })
        )
    }
}

fn key_message(arn: &str, state: crate::KeyState) -> String {
    match state {
        crate::KeyState::Deleted => format!(
            "The KMS key {arn} that encrypts this account's data was deleted: the findings and code encrypted with it can no longer be decrypted"
        ),
        _ => format!(
            "The KMS key {arn} that encrypts this account's data is disabled: findings cannot be read and scans fail until the key is enabled again"
        ),
    }
}

/// Handle on the database and the artifact store.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    pub artifacts: ArtifactStore,
    /// Set once by [`Store::unlock`].
    pub(crate) keyring: Arc<OnceLock<Arc<Keyring>>>,
}

/// Schema migrations, applied in order, each once.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "identities_retention",
        include_str!("../migrations/0002_identities_retention.sql"),
    ),
    (
        3,
        "encryption",
        include_str!("../migrations/0003_encryption.sql"),
    ),
    (4, "events", include_str!("../migrations/0004_events.sql")),
];

impl Store {
    /// Connects to `database_url` (`sqlite://path` or `postgres://...`),
    /// creating the SQLite file if needed, and applies migrations.
    pub async fn open(database_url: &str, artifacts: ArtifactStore) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            Backend::Postgres
        } else if database_url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL '{database_url}': use sqlite://FILE or postgres://..."
            )));
        };
        let url = match backend {
            Backend::Sqlite if !database_url.contains("mode=") => {
                let sep = if database_url.contains('?') { '&' } else { '?' };
                format!("{database_url}{sep}mode=rwc")
            }
            _ => database_url.to_string(),
        };
        let options = AnyPoolOptions::new()
            // While the database is down (a restart, a failover) a request
            // fails with an internal error after this long instead of
            // waiting the default 30 s; connections are checked before use,
            // so the pool recovers by itself when the database is back.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers do not block the writer; a crash loses
                        // nothing committed. busy_timeout: writers queue.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await?;
        let store = Store {
            pool,
            backend,
            artifacts,
            keyring: Arc::new(OnceLock::new()),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS argus_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .await?;
        for (version, name, sql) in MIGRATIONS {
            let mut tx = self.write_tx().await?;
            let applied: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM argus_migrations WHERE version = $1")
                    .bind(*version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if applied.is_some() {
                continue;
            }
            tx.execute(sqlx::raw_sql(*sql)).await?;
            sqlx::query(
                "INSERT INTO argus_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(*version)
            .bind(*name)
            .bind(crate::now_millis())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// A transaction that will write. SQLite takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then
    /// writes fails with SQLITE_BUSY when another writer went first, while
    /// an immediate one waits its turn (busy_timeout).
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Closes the pool (waits for connections to return).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl FromStr for Backend {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" => Ok(Backend::Postgres),
            other => Err(StoreError::Invalid(format!("unknown backend {other}"))),
        }
    }
}
