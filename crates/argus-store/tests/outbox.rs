//! The event outbox on SQLite and on PostgreSQL (`ARGUS_TEST_DATABASE_URL`):
//! events are queued by the transactions that make the changes, for the
//! targets that want them, and leased one target at a time in order.

use argus_store::{
    CreateRun, CreateRunOutcome, JobOutcome, NewFinding, Store, TrackingPlan, WebhookTarget,
    now_millis,
};
use serde_json::Value;

const ACCOUNT: &str = "111111111111";

mod common;

use common::{open, upload_slot};

fn target(id: &str, account: &str, types: &[&str]) -> WebhookTarget {
    WebhookTarget {
        target_id: id.into(),
        account_id: account.into(),
        url: format!("http://127.0.0.1:9/{id}"),
        secret: format!("secret-{id}"),
        event_types: types.iter().map(|t| t.to_string()).collect(),
        created_at: now_millis(),
    }
}

async fn start_run(store: &Store, scan: &str) -> String {
    let artifact_id = upload_slot(store, ACCOUNT, scan).await;
    let run_id = uuid::Uuid::new_v4().to_string();
    let outcome = store
        .create_run(&CreateRun {
            run_id: run_id.clone(),
            account_id: ACCOUNT.into(),
            scan_name: scan.into(),
            artifact_id,
            analysis_type: "Security".into(),
            scan_type: "Standard".into(),
            client_token: run_id.clone(),
            request_digest: "digest".into(),
            tags: Vec::new(),
        })
        .await
        .unwrap();
    assert!(matches!(outcome, CreateRunOutcome::Created(_)));
    run_id
}

fn finding(id: &str) -> NewFinding {
    NewFinding {
        finding_id: id.into(),
        fingerprint: format!("fp-{id}"),
        detector_id: "python/insecure-hashing@v1.0".into(),
        detector_name: "Insecure hashing".into(),
        category: "security".into(),
        severity: "High".into(),
        file_path: "app.py".into(),
        start_line: 7,
        code: "hashlib.md5(password)".into(),
        body: "{}".into(),
    }
}

fn detail(delivery: &argus_store::Delivery) -> Value {
    serde_json::from_str(&delivery.detail).unwrap()
}

async fn outbox(postgres: bool) {
    let Some(db) = open(postgres).await else {
        return;
    };
    let store = &db.store;
    store
        .add_webhook_target(&target("all", ACCOUNT, &[]))
        .await
        .unwrap();
    store
        .add_webhook_target(&target("scans", ACCOUNT, &["ScanStateChange"]))
        .await
        .unwrap();
    store
        .add_webhook_target(&target("other", "222222222222", &[]))
        .await
        .unwrap();
    let bad = store
        .add_webhook_target(&target("bad", ACCOUNT, &["Nope"]))
        .await;
    assert!(bad.unwrap_err().to_string().contains("Nope"));

    let run = start_run(store, "outbox").await;
    let job = store.lease_job("worker", 60_000).await.unwrap().unwrap();
    let outcome = store
        .complete_run(&job.run.run_id, "worker", "{}", |_| TrackingPlan {
            matched: Vec::new(),
            created: vec![finding("f1"), finding("f2")],
        })
        .await
        .unwrap();
    assert!(matches!(outcome, JobOutcome::Succeeded));
    // "all": InProgress, f1, f2, Successful; "scans": InProgress, Successful.
    assert_eq!(store.pending_deliveries().await.unwrap(), 6);

    // One delivery per target at a time, each target's oldest first.
    let mut heads = store.lease_deliveries("a", 60_000, 16).await.unwrap();
    heads.sort_by(|x, y| x.target_id.cmp(&y.target_id));
    assert_eq!(heads.len(), 2, "{heads:#?}");
    for head in &heads {
        assert_eq!(detail(head)["scanState"], "InProgress");
        assert_eq!(detail(head)["runId"], run);
        assert_eq!(head.attempts, 1);
        assert_eq!(head.account_id, ACCOUNT);
    }
    let (all, scans) = (&heads[0], &heads[1]);
    assert_eq!(all.secret, "secret-all");
    assert!(
        store
            .lease_deliveries("b", 60_000, 16)
            .await
            .unwrap()
            .is_empty()
    );

    // "all" fails and waits; "scans" succeeds and its next event is due.
    store
        .finish_delivery(
            &all.delivery_id,
            "a",
            Err(("503", Some(now_millis() + 1500))),
        )
        .await
        .unwrap();
    store
        .finish_delivery(&scans.delivery_id, "a", Ok(()))
        .await
        .unwrap();
    // A stale owner changes nothing.
    store
        .finish_delivery(&all.delivery_id, "b", Ok(()))
        .await
        .unwrap();
    let next = store.lease_deliveries("b", 60_000, 16).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].target_id, "scans");
    assert_eq!(detail(&next[0])["scanState"], "Successful");
    assert_eq!(detail(&next[0])["findingCounts"]["opened"], 2);
    store
        .finish_delivery(&next[0].delivery_id, "b", Ok(()))
        .await
        .unwrap();

    // Due again: the same event, a second attempt; then given up, and the
    // target's next event follows.
    tokio::time::sleep(std::time::Duration::from_millis(1800)).await;
    let again = store.lease_deliveries("c", 60_000, 16).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_id, all.event_id);
    assert_eq!(again[0].attempts, 2);
    store
        .finish_delivery(&again[0].delivery_id, "c", Err(("503", None)))
        .await
        .unwrap();
    let mut order = Vec::new();
    loop {
        let leased = store.lease_deliveries("d", 60_000, 16).await.unwrap();
        let Some(delivery) = leased.first() else {
            break;
        };
        assert_eq!(leased.len(), 1);
        let d = detail(delivery);
        order.push(
            d["findingId"]
                .as_str()
                .or(d["scanState"].as_str())
                .unwrap()
                .to_string(),
        );
        if delivery.event_type == "FindingStatusChange" {
            assert_eq!(d["status"], "Open");
            assert_eq!(d["line"], 7);
            assert!(!delivery.detail.contains("md5"), "code in an event");
        }
        store
            .finish_delivery(&delivery.delivery_id, "d", Ok(()))
            .await
            .unwrap();
    }
    assert_eq!(order, ["f1", "f2", "Successful"]);
    assert_eq!(store.pending_deliveries().await.unwrap(), 0);

    // A second run closes f2: a Closed event; removing a target drops
    // what waits for it.
    start_run(store, "outbox").await;
    let job = store.lease_job("worker", 60_000).await.unwrap().unwrap();
    store
        .complete_run(&job.run.run_id, "worker", "{}", |existing| TrackingPlan {
            matched: vec![(existing[0].finding_id.clone(), finding("f1"))],
            created: Vec::new(),
        })
        .await
        .unwrap();
    store
        .fail_run(&job.run.run_id, "late failure")
        .await
        .unwrap();
    assert!(store.remove_webhook_target("scans").await.unwrap());
    assert!(!store.remove_webhook_target("scans").await.unwrap());
    let mut seen = Vec::new();
    loop {
        let leased = store.lease_deliveries("e", 60_000, 16).await.unwrap();
        let Some(delivery) = leased.first() else {
            break;
        };
        seen.push(detail(delivery));
        store
            .finish_delivery(&delivery.delivery_id, "e", Ok(()))
            .await
            .unwrap();
    }
    let summary: Vec<String> = seen
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["findingId"].as_str().unwrap_or("scan"),
                d["status"].as_str().or(d["scanState"].as_str()).unwrap()
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "scan:InProgress",
            "f2:Closed",
            "scan:Successful",
            "scan:Failed"
        ]
    );
    assert_eq!(seen[3]["errorMessage"], "late failure");
    // Ended deliveries are pruned once old enough; pending ones never.
    assert_eq!(store.prune_deliveries(0).await.unwrap(), 0);
    let ended = store.prune_deliveries(now_millis() + 1).await.unwrap();
    assert_eq!(
        ended, 10,
        "6 of run 1 (one given up), 4 of run 2 to the remaining target"
    );
    assert_eq!(store.webhook_targets(Some(ACCOUNT)).await.unwrap().len(), 1);
    assert_eq!(store.webhook_targets(None).await.unwrap().len(), 2);
}

#[tokio::test]
async fn outbox_sqlite() {
    outbox(false).await;
}

#[tokio::test]
async fn outbox_postgres() {
    outbox(true).await;
}
