//! The store conformance suite against SQLite, one fresh database file per
//! test.

use std::sync::Arc;

use pressroom_store::Store;
use pressroom_store_sqlite::SqliteStore;

async fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = SqliteStore::open(&url).await.expect("open sqlite store");
    (Arc::new(store), dir)
}

pressroom_store::store_conformance_tests!(fresh());

async fn fresh_accounts() -> (Arc<dyn pressroom_store::AccountStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = SqliteStore::open(&url).await.expect("open sqlite store");
    (Arc::new(store), dir)
}

mod accounts {
    use super::*;
    pressroom_store::account_conformance_tests!(fresh_accounts());
}

#[tokio::test]
async fn opening_a_database_in_a_missing_directory_names_the_url() {
    let err = SqliteStore::open("sqlite:///nonexistent-dir/sub/x.db")
        .await
        .expect_err("must fail");
    let msg = err.to_string();
    assert!(msg.contains("/nonexistent-dir/sub/x.db"), "{msg}");
    assert!(msg.contains("unable to open database file"), "{msg}");
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_full_sync_and_foreign_keys() {
    let (_store, dir) = fresh().await;
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = SqliteStore::open(&url).await.expect("reopen");
    let (journal, sync, fk) = store.pragmas().await.expect("pragmas");
    assert_eq!(journal, "wal");
    assert_eq!(sync, 2, "synchronous=FULL is 2");
    assert_eq!(fk, 1);
}
