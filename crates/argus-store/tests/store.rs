//! The store on SQLite and on PostgreSQL (`ARGUS_TEST_DATABASE_URL`): the
//! job queue's leases, idempotent runs, findings tracking transactions.

use argus_store::{
    Artifact, ArtifactStore, ArtifactStoreConfig, CreateRun, CreateRunOutcome, FindingFilter,
    JobOutcome, NewFinding, Store, TrackingPlan, now_millis,
};
use sqlx::Connection;

struct Database {
    store: Store,
    _dir: tempfile::TempDir,
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

async fn open(postgres: bool) -> Option<Database> {
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
        _dir: dir,
        drop_url,
    })
}

async fn queue_run(store: &Store, scan: &str, token: &str) -> String {
    let artifact_id = uuid::Uuid::new_v4().to_string();
    store
        .create_artifact(&Artifact {
            artifact_id: artifact_id.clone(),
            account_id: "111111111111".into(),
            scan_name: scan.into(),
            object_key: format!("artifacts/{artifact_id}.zip"),
            created_at: now_millis(),
            expires_at: now_millis() + 60_000,
            uploaded_at: None,
            size_bytes: None,
        })
        .await
        .unwrap();
    store.ensure_account("111111111111").await.unwrap();
    let request = CreateRun {
        run_id: uuid::Uuid::new_v4().to_string(),
        account_id: "111111111111".into(),
        scan_name: scan.into(),
        artifact_id,
        analysis_type: "Security".into(),
        scan_type: "Standard".into(),
        client_token: token.into(),
        request_digest: format!("digest-{token}"),
        tags: vec![("team".into(), "appsec".into())],
    };
    match store.create_run(&request).await.unwrap() {
        CreateRunOutcome::Created(run) => {
            // The same token and request: the same run, nothing new queued.
            match store
                .create_run(&CreateRun {
                    run_id: uuid::Uuid::new_v4().to_string(),
                    ..request.clone()
                })
                .await
                .unwrap()
            {
                CreateRunOutcome::Replayed(again) => assert_eq!(again.run_id, run.run_id),
                other => panic!("{other:?}"),
            }
            // The same token, another request: refused.
            let reused = store
                .create_run(&CreateRun {
                    run_id: uuid::Uuid::new_v4().to_string(),
                    request_digest: "other".into(),
                    ..request
                })
                .await
                .unwrap();
            assert!(matches!(reused, CreateRunOutcome::TokenReused));
            run.run_id
        }
        other => panic!("{other:?}"),
    }
}

fn finding(id: &str, fingerprint: &str) -> NewFinding {
    NewFinding {
        finding_id: id.into(),
        fingerprint: fingerprint.into(),
        detector_id: "python/insecure-hashing@v1.0".into(),
        detector_name: "Insecure hashing".into(),
        category: "security".into(),
        severity: "High".into(),
        file_path: "app.py".into(),
        start_line: 3,
        code: "hashlib.md5(password)".into(),
        body: "{}".into(),
    }
}

async fn leases_are_exclusive_expire_and_guard_the_results(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    let store = &db.store;
    let run = queue_run(store, "leases", "t1").await;
    assert_eq!(store.pending_jobs().await.unwrap(), 1);

    let first = store
        .lease_job("worker-a", 60_000)
        .await
        .unwrap()
        .expect("a queued job");
    assert_eq!(first.run.run_id, run);
    assert_eq!(first.attempts, 1);
    assert!(
        store.lease_job("worker-b", 60_000).await.unwrap().is_none(),
        "a held lease is exclusive"
    );
    assert!(store.renew_lease(&run, "worker-a", 1).await.unwrap());
    assert!(
        !store.renew_lease(&run, "worker-b", 60_000).await.unwrap(),
        "only the holder renews"
    );
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // worker-a's lease ran out (it died): worker-b takes over.
    let second = store
        .lease_job("worker-b", 60_000)
        .await
        .unwrap()
        .expect("an expired lease");
    assert_eq!(second.attempts, 2);
    // worker-a wakes up and tries to store its results: refused, nothing written.
    let outcome = store
        .complete_run(&run, "worker-a", "{}", |_| TrackingPlan {
            matched: Vec::new(),
            created: vec![finding("stale", "fp-stale")],
        })
        .await
        .unwrap();
    assert!(matches!(outcome, JobOutcome::LeaseLost));
    let outcome = store
        .complete_run(&run, "worker-b", "{\"summary\":{}}", |existing| {
            assert!(existing.is_empty());
            TrackingPlan {
                matched: Vec::new(),
                created: vec![finding("f1", "fp-1"), finding("f2", "fp-2")],
            }
        })
        .await
        .unwrap();
    assert!(matches!(outcome, JobOutcome::Succeeded));
    assert_eq!(store.pending_jobs().await.unwrap(), 0);
    let stored = store.run(&run).await.unwrap().unwrap();
    assert_eq!(stored.state, "Successful");
    assert_eq!(stored.summary.as_deref(), Some("{\"summary\":{}}"));
    let page = store
        .findings_page("111111111111", "leases", FindingFilter::All, 0, 10)
        .await
        .unwrap();
    let ids: Vec<&str> = page
        .findings
        .iter()
        .map(|f| f.finding_id.as_str())
        .collect();
    assert_eq!(ids, ["f1", "f2"]);

    // The next run matches f1, drops f2 (closed); a later one brings f2 back.
    let run2 = queue_run(store, "leases", "t2").await;
    store.lease_job("worker-a", 60_000).await.unwrap().unwrap();
    store
        .complete_run(&run2, "worker-a", "{}", |existing| {
            let f1 = existing.iter().find(|f| f.fingerprint == "fp-1").unwrap();
            TrackingPlan {
                matched: vec![(f1.finding_id.clone(), finding("new-id", "fp-1"))],
                created: Vec::new(),
            }
        })
        .await
        .unwrap();
    let open = store
        .findings_page("111111111111", "leases", FindingFilter::Open, 0, 10)
        .await
        .unwrap();
    assert_eq!(
        open.findings
            .iter()
            .map(|f| f.finding_id.as_str())
            .collect::<Vec<_>>(),
        ["f1"]
    );
    let closed = store
        .findings_page("111111111111", "leases", FindingFilter::Closed, 0, 10)
        .await
        .unwrap();
    assert_eq!(closed.findings[0].finding_id, "f2");
    assert!(closed.findings[0].closed_at.is_some());
    let run3 = queue_run(store, "leases", "t3").await;
    store.lease_job("worker-a", 60_000).await.unwrap().unwrap();
    store
        .complete_run(&run3, "worker-a", "{}", |existing| TrackingPlan {
            matched: existing
                .iter()
                .map(|f| (f.finding_id.clone(), finding("x", &f.fingerprint)))
                .collect(),
            created: Vec::new(),
        })
        .await
        .unwrap();
    let open = store
        .findings_page("111111111111", "leases", FindingFilter::Open, 0, 10)
        .await
        .unwrap();
    assert_eq!(open.findings.len(), 2, "f2 reopened, not duplicated");
    // Its history: open, closed, open again; only the first period is new.
    let periods = store
        .open_periods("111111111111", now_millis() + 1)
        .await
        .unwrap();
    let f2: Vec<_> = periods.iter().filter(|p| p.finding_id == "f2").collect();
    assert_eq!(f2.len(), 2);
    assert_eq!(f2.iter().filter(|p| p.first).count(), 1);
    assert_eq!(f2.iter().filter(|p| p.closed_at.is_none()).count(), 1);
}

async fn concurrent_workers_never_share_a_job(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    let store = db.store.clone();
    for i in 0..20 {
        queue_run(&store, &format!("scan-{i}"), &format!("token-{i}")).await;
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                match store.lease_job(&format!("w{w}"), 60_000).await {
                    Ok(Some(job)) => mine.push(job.run.run_id),
                    Ok(None) => break,
                    Err(e) => panic!("leasing failed under contention: {e}"),
                }
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!((count, all.len()), (20, 20), "each job leased exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leases_sqlite() {
    leases_are_exclusive_expire_and_guard_the_results(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leases_postgres() {
    leases_are_exclusive_expire_and_guard_the_results(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_sqlite() {
    concurrent_workers_never_share_a_job(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_postgres() {
    concurrent_workers_never_share_a_job(true).await;
}
