//! The store conformance suite against PostgreSQL, one fresh database per
//! test on the server `PRESSROOM_TEST_POSTGRES` names (127.0.0.1:5432 by
//! default). An unreachable server fails every test: nothing is skipped.

use std::sync::Arc;

use pressroom_store::Store;
use pressroom_store_postgres::PgStore;
use pressroom_store_postgres::scratch::ScratchDatabase;

async fn fresh() -> (Arc<dyn Store>, ScratchDatabase) {
    let db = ScratchDatabase::create()
        .await
        .expect("PostgreSQL must be reachable (scripts/test starts it)");
    let store = PgStore::open(db.url()).await.expect("open postgres store");
    (Arc::new(store), db)
}

pressroom_store::store_conformance_tests!(fresh());

async fn fresh_accounts() -> (Arc<dyn pressroom_store::AccountStore>, ScratchDatabase) {
    let db = ScratchDatabase::create()
        .await
        .expect("PostgreSQL must be reachable (scripts/test starts it)");
    let store = PgStore::open(db.url()).await.expect("open postgres store");
    (Arc::new(store), db)
}

mod accounts {
    use super::*;
    pressroom_store::account_conformance_tests!(fresh_accounts());
}

async fn fresh_both() -> (pressroom_store::portal_conformance::Both, ScratchDatabase) {
    let db = ScratchDatabase::create()
        .await
        .expect("PostgreSQL must be reachable (scripts/test starts it)");
    let store = Arc::new(PgStore::open(db.url()).await.expect("open postgres store"));
    ((store.clone(), store), db)
}

mod portal {
    use super::*;
    pressroom_store::portal_conformance_tests!(fresh_both());
}

#[tokio::test]
async fn the_test_server_makes_acknowledged_writes_durable() {
    let db = ScratchDatabase::create().await.expect("scratch database");
    let store = PgStore::open(db.url()).await.expect("open");
    let (fsync, sync) = store.durability_settings().await.expect("settings");
    assert_eq!((fsync.as_str(), sync.as_str()), ("on", "on"));
}

#[tokio::test]
async fn an_unreachable_server_is_reported_unavailable_without_the_password() {
    let err = PgStore::open("postgres://app:s3cret@127.0.0.1:1/nothing")
        .await
        .expect_err("nothing listens on port 1");
    let msg = err.to_string();
    assert!(
        matches!(err, pressroom_store::StoreError::Unavailable { .. }),
        "{msg}"
    );
    assert!(msg.contains("127.0.0.1:1/nothing"), "{msg}");
    assert!(!msg.contains("s3cret"), "{msg}");
}

#[tokio::test]
async fn a_malformed_url_is_a_bad_url() {
    let err = PgStore::open("postgres://127.0.0.1:notaport/x")
        .await
        .expect_err("bad port");
    assert!(
        matches!(err, pressroom_store::StoreError::BadUrl { .. }),
        "{err}"
    );
}

/// Two nodes (two stores, each with its own pool, as two processes would
/// have) run a scheduler loop against one database: each round, both try
/// to take the expired lease at the same instant and only the winner runs
/// the round's job. Every round runs exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_contending_for_the_scheduler_lease_run_each_round_exactly_once() {
    use std::time::Duration;

    use jiff::Timestamp;

    let db = ScratchDatabase::create().await.expect("scratch database");
    let a: Arc<dyn Store> = Arc::new(PgStore::open(db.url()).await.expect("node a"));
    let b: Arc<dyn Store> = Arc::new(PgStore::open(db.url()).await.expect("node b"));
    let ttl = Duration::from_secs(10);
    let rounds = 40;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let node = |store: Arc<dyn Store>, name: &'static str| {
        let barrier = barrier.clone();
        tokio::spawn(async move {
            let mut ran = Vec::new();
            for round in 0..rounds {
                // Each round starts after the previous lease expired.
                let now = Timestamp::from_second(1_700_000_000 + round * 11).expect("ts");
                barrier.wait().await;
                if let Some(lease) = store
                    .try_lease("scheduler", name, ttl, now)
                    .await
                    .expect("lease")
                {
                    ran.push((round, lease.token));
                }
            }
            ran
        })
    };
    let (ran_a, ran_b) = tokio::join!(node(a, "node-a"), node(b, "node-b"));
    let (ran_a, ran_b) = (ran_a.expect("node a"), ran_b.expect("node b"));
    let mut all: Vec<_> = ran_a.iter().chain(ran_b.iter()).copied().collect();
    all.sort();
    let rounds_run: Vec<_> = all.iter().map(|(round, _)| *round).collect();
    assert_eq!(
        rounds_run,
        (0..rounds).collect::<Vec<_>>(),
        "each round once"
    );
    assert!(
        all.windows(2).all(|w| w[0].1 <= w[1].1),
        "fencing tokens never go back: {all:?}"
    );
    assert!(
        !ran_a.is_empty() && !ran_b.is_empty(),
        "both nodes contended and won some rounds: a {} b {}",
        ran_a.len(),
        ran_b.len()
    );
}

/// A log append that fails rolls the whole import back: no revision is
/// ever acknowledged without its leaf.
#[tokio::test]
async fn an_import_whose_log_append_fails_stores_nothing() {
    let (store, db) = fresh().await;
    let at = jiff::Timestamp::from_second(1_700_000_000).expect("time");
    let record = |title: &str, fp: &str| pressroom_store::ImportRecord {
        content: pressroom_store::conformance::content(title, 2020, 5, 5),
        fingerprint: fp.to_owned(),
        source: pressroom_store::Source {
            path: "f".to_owned(),
            line: 1,
        },
        status: pressroom_domain::Status::Published,
    };
    store
        .import(vec![record("First", "1")], at)
        .await
        .expect("import");
    // Lose the tree's stored hashes behind the store's back.
    let raw = sqlx::PgPool::connect(db.url()).await.expect("raw");
    sqlx::query("DELETE FROM ledger_hashes")
        .execute(&raw)
        .await
        .expect("delete");
    raw.close().await;

    let err = store
        .import(vec![record("Second", "2")], at)
        .await
        .expect_err("the append cannot find the tree's frontier");
    assert!(err.to_string().contains("transparency log"), "{err}");
    assert_eq!(store.ledger_size().await.expect("size"), 1);
    assert_eq!(store.batch_after(None, 10).await.expect("batch").len(), 1);
    assert_eq!(store.changes_after(0, 10).await.expect("changes").len(), 1);
}
