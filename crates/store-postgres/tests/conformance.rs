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
