//! What the store's integration tests share: a fresh store on SQLite or
//! on a PostgreSQL database of its own, unlocked with a master key.

#![allow(dead_code)]

use argus_store::{Artifact, ArtifactStore, ArtifactStoreConfig, Store, now_millis};
use sqlx::Connection;

pub struct Database {
    pub store: Store,
    pub url: String,
    pub _dir: tempfile::TempDir,
    drop_url: Option<(String, String)>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.drop_url.take() {
            // Drop runs inside the test's runtime: use a thread of our own.
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                });
            })
            .join()
            .unwrap();
        }
    }
}

pub async fn open(postgres: bool) -> Option<Database> {
    let dir = tempfile::tempdir().unwrap();
    let artifacts =
        ArtifactStore::open(&ArtifactStoreConfig::Local(dir.path().join("artifacts"))).unwrap();
    let (url, drop_url) = if postgres {
        let Some(admin) = std::env::var("ARGUS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            eprintln!("ARGUS_TEST_DATABASE_URL is not set: skipping the PostgreSQL run");
            return None;
        };
        let name = format!("argus_store_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        (format!("{base}/{name}"), Some((admin.clone(), name)))
    } else {
        (
            format!("sqlite://{}", dir.path().join("argus.db").display()),
            None,
        )
    };
    let master = dir.path().join("master.key");
    let store = Store::open(&url, artifacts.clone()).await.unwrap();
    store.unlock(&master).await.unwrap();
    // Opening again applies no migration twice.
    store.close().await;
    let store = Store::open(&url, artifacts).await.unwrap();
    store.unlock(&master).await.unwrap();
    Some(Database {
        store,
        url,
        _dir: dir,
        drop_url,
    })
}

/// A new, never-used upload slot of `scan` in `account` (created too);
/// its artifact id.
pub async fn upload_slot(store: &Store, account: &str, scan: &str) -> String {
    let artifact_id = uuid::Uuid::new_v4().to_string();
    store
        .create_artifact(&Artifact {
            artifact_id: artifact_id.clone(),
            account_id: account.into(),
            scan_name: scan.into(),
            object_key: format!("artifacts/{artifact_id}.zip"),
            created_at: now_millis(),
            expires_at: now_millis() + 60_000,
            uploaded_at: None,
            size_bytes: None,
        })
        .await
        .unwrap();
    store.ensure_account(account).await.unwrap();
    artifact_id
}
