//! The store on SQLite and on PostgreSQL (`ARGUS_TEST_DATABASE_URL`): the
//! job queue's leases, idempotent runs, findings tracking transactions.

use argus_store::{
    Artifact, CreateRun, CreateRunOutcome, FindingFilter, JobOutcome, KeyState, NewFinding, Store,
    StoreError, TrackingPlan, UploadError, now_millis,
};
use sqlx::Connection;

mod common;

use common::{open, upload_slot};

async fn queue_run(store: &Store, scan: &str, token: &str) -> String {
    let artifact_id = upload_slot(store, "111111111111", scan).await;
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

const ACCOUNT: &str = "111111111111";

/// Every `code` and `body` as stored, straight from the database.
async fn raw_findings(url: &str) -> Vec<(String, String)> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let rows = sqlx::query("SELECT code, body FROM findings")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// Runs the oldest queued job to completion with `plan`.
async fn complete(
    store: &Store,
    plan: impl FnOnce(&[argus_store::StoredFinding]) -> TrackingPlan,
) -> Result<JobOutcome, StoreError> {
    let job = store.lease_job("w1", 60_000).await.unwrap().unwrap();
    store.complete_run(&job.run.run_id, "w1", "{}", plan).await
}

async fn findings_are_sealed_under_the_accounts_key(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    let store = &db.store;
    let canary = format!("argus-canary-{}", uuid::Uuid::new_v4().simple());
    let mut sealed = finding("f1", "fp1");
    sealed.code = format!("hashlib.md5({canary})");
    sealed.body = serde_json::json!({"description": format!("uses {canary}")}).to_string();

    // Under the service-owned key: readable through the store, sealed in the database.
    queue_run(store, "sealed", "t1").await;
    let created = sealed.clone();
    let outcome = complete(store, move |_| TrackingPlan {
        created: vec![created],
        ..TrackingPlan::default()
    })
    .await
    .unwrap();
    assert!(matches!(outcome, JobOutcome::Succeeded));
    let page = store
        .findings_page(ACCOUNT, "sealed", FindingFilter::All, 0, 10)
        .await
        .unwrap();
    assert_eq!(page.findings[0].code, sealed.code);
    assert_eq!(page.findings[0].body, sealed.body);
    let raw = raw_findings(&db.url).await;
    assert_eq!(raw.len(), 1);
    for (code, body) in &raw {
        assert!(
            !code.contains(&canary) && !body.contains(&canary),
            "{raw:?}"
        );
        assert!(argus_store::envelope::value_key_id(code).is_ok());
    }

    // A customer key: the next run rewrites the finding under it.
    let key = store
        .create_customer_key(ACCOUNT, "us-east-1", "test key")
        .await
        .unwrap();
    assert_eq!(
        key.arn,
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{}", key.key_id)
    );
    assert!(
        store
            .create_customer_key("999999999999", "us-east-1", "")
            .await
            .is_err(),
        "no such account"
    );
    store
        .set_kms_key_arn(ACCOUNT, Some(&key.arn))
        .await
        .unwrap();
    queue_run(store, "sealed", "t2").await;
    let matched = sealed.clone();
    complete(store, move |existing| {
        assert_eq!(existing[0].code, matched.code, "decrypted for tracking");
        TrackingPlan {
            matched: vec![("f1".into(), matched)],
            ..TrackingPlan::default()
        }
    })
    .await
    .unwrap();
    assert_ne!(
        raw_findings(&db.url).await,
        raw,
        "sealed again, under the customer key"
    );

    // Disabled: nothing of the account reads, no run completes.
    store
        .set_customer_key_enabled(&key.arn, false)
        .await
        .unwrap();
    let unavailable = |result: Result<_, StoreError>, expected: KeyState| match result {
        Err(StoreError::KeyUnavailable { arn, state }) => {
            assert_eq!((arn.as_str(), state), (key.arn.as_str(), expected))
        }
        Err(other) => panic!("expected the key to be unavailable, got {other}"),
        Ok(_) => panic!("expected the key to be unavailable"),
    };
    unavailable(
        store
            .findings_page(ACCOUNT, "sealed", FindingFilter::All, 0, 10)
            .await
            .map(|_| ()),
        KeyState::Disabled,
    );
    unavailable(store.check_account_key(ACCOUNT).await, KeyState::Disabled);
    queue_run(store, "sealed", "t3").await;
    unavailable(
        complete(store, |_| TrackingPlan::default())
            .await
            .map(|_| ()),
        KeyState::Disabled,
    );
    // Enabled again: readable again.
    store
        .set_customer_key_enabled(&key.arn, true)
        .await
        .unwrap();
    let page = store
        .findings_page(ACCOUNT, "sealed", FindingFilter::All, 0, 10)
        .await
        .unwrap();
    assert_eq!(page.findings[0].code, sealed.code);
    // Deleted: gone for good.
    let deleted = store.delete_customer_key(&key.arn).await.unwrap();
    assert_eq!(deleted.state, KeyState::Deleted);
    unavailable(
        store.finding(ACCOUNT, "sealed", "f1").await.map(|_| ()),
        KeyState::Deleted,
    );
    assert!(
        store
            .set_customer_key_enabled(&key.arn, true)
            .await
            .is_err()
    );
}

async fn uploads_are_sealed_as_they_stream(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    let store = &db.store;
    store.ensure_account("222222222222").await.unwrap();
    let canary = format!("argus-canary-{}", uuid::Uuid::new_v4().simple());
    let mut code = b"PK\x03\x04".to_vec();
    while code.len() < 200_000 {
        code.extend_from_slice(format!("line {} {canary}\n", code.len()).as_bytes());
    }
    let artifact = Artifact {
        artifact_id: uuid::Uuid::new_v4().to_string(),
        account_id: "222222222222".into(),
        scan_name: "upload".into(),
        object_key: "artifacts/222222222222/a.zip".into(),
        created_at: now_millis(),
        expires_at: now_millis() + 60_000,
        uploaded_at: None,
        size_bytes: None,
    };
    store.create_artifact(&artifact).await.unwrap();
    let chunks: Vec<Result<bytes::Bytes, String>> = code
        .chunks(7000)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let size = store
        .put_artifact(&artifact, futures::stream::iter(chunks.clone()), 1 << 30)
        .await
        .unwrap();
    assert_eq!(size, code.len() as u64);
    let stored = store
        .artifact(&artifact.artifact_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.size_bytes, Some(code.len() as i64));
    assert_eq!(
        store.artifact_head(&artifact.artifact_id).await.unwrap(),
        Some(b"PK\x03\x04".to_vec())
    );
    let file = db
        ._dir
        .path()
        .join("artifacts/artifacts/222222222222/a.zip");
    let on_disk = std::fs::read(&file).unwrap();
    assert!(on_disk.len() > code.len());
    assert!(
        !on_disk
            .windows(canary.len())
            .any(|w| w == canary.as_bytes()),
        "no plaintext in the artifact file"
    );
    let opened = db._dir.path().join("opened.zip");
    store.open_artifact(&stored, &opened).await.unwrap();
    assert_eq!(std::fs::read(&opened).unwrap(), code);
    // Cut short on disk: refused.
    std::fs::write(&file, &on_disk[..on_disk.len() - 100]).unwrap();
    assert!(matches!(
        store.open_artifact(&stored, &opened).await,
        Err(StoreError::Corrupt(_))
    ));
    // The limit counts plaintext.
    let refused = store
        .put_artifact(&artifact, futures::stream::iter(chunks), 100_000)
        .await;
    assert!(matches!(
        refused,
        Err(UploadError::TooLarge { limit: 100_000 })
    ));
    // A data key seals for a week; then a new one is made.
    let first = argus_store::envelope::stream_key_id(&on_disk).unwrap();
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE data_keys SET created_at = 0")
        .execute(&mut conn)
        .await
        .unwrap();
    let chunks: Vec<Result<bytes::Bytes, String>> = vec![Ok(bytes::Bytes::from(code.clone()))];
    store
        .put_artifact(&artifact, futures::stream::iter(chunks), 1 << 30)
        .await
        .unwrap();
    let resealed = std::fs::read(&file).unwrap();
    assert_ne!(
        argus_store::envelope::stream_key_id(&resealed).unwrap(),
        first
    );
    store.open_artifact(&stored, &opened).await.unwrap();
    assert_eq!(std::fs::read(&opened).unwrap(), code);
}

async fn another_master_key_is_refused(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    let other = db._dir.path().join("other.key");
    std::fs::write(&other, format!("{}\n", "ab".repeat(32))).unwrap();
    let error = db.store.unlock(&other).await.unwrap_err().to_string();
    assert!(error.contains("same --master-key-file"), "{error}");
    let missing = db._dir.path().join("missing.key");
    let error = db.store.unlock(&missing).await.unwrap_err().to_string();
    assert!(error.contains("does not exist"), "{error}");
    assert!(
        !missing.exists(),
        "no new key is made for an encrypted database"
    );
    let master = std::fs::read_to_string(db._dir.path().join("master.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(db._dir.path().join("master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(master.trim().len(), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sealed_findings_sqlite() {
    findings_are_sealed_under_the_accounts_key(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sealed_findings_postgres() {
    findings_are_sealed_under_the_accounts_key(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sealed_uploads_sqlite() {
    uploads_are_sealed_as_they_stream(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sealed_uploads_postgres() {
    uploads_are_sealed_as_they_stream(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn master_key_sqlite() {
    another_master_key_is_refused(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn master_key_postgres() {
    another_master_key_is_refused(true).await;
}

async fn findings_from_before_encryption_are_sealed(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    // A row as an argus without encryption at rest stored it.
    sqlx::query(
        "INSERT INTO findings (account_id, scan_name, finding_id, fingerprint, detector_id, detector_name, \
         category, severity, status, file_path, code, body, created_at, updated_at, last_run_id, seq) \
         VALUES ($1, 'old', 'f0', 'fp0', 'd', 'D', 'security', 'High', 'Open', 'a.py', 'md5(old_secret_code)', '{\"old\":1}', 1, 1, 'r0', 1)",
    )
    .bind(ACCOUNT)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query("DELETE FROM settings WHERE name = 'legacy_findings_sealed'")
        .execute(&mut conn)
        .await
        .unwrap();
    db.store
        .unlock(&db._dir.path().join("master.key"))
        .await
        .unwrap();
    let raw = raw_findings(&db.url).await;
    assert!(!raw[0].0.contains("old_secret_code"), "{raw:?}");
    let found = db
        .store
        .finding(ACCOUNT, "old", "f0")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.code.as_str(), found.body.as_str()),
        ("md5(old_secret_code)", "{\"old\":1}")
    );
    // Sealed once: a second unlock leaves the rows alone.
    db.store
        .unlock(&db._dir.path().join("master.key"))
        .await
        .unwrap();
    assert_eq!(raw_findings(&db.url).await, raw);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_findings_sqlite() {
    findings_from_before_encryption_are_sealed(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_findings_postgres() {
    findings_from_before_encryption_are_sealed(true).await;
}
