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

async fn fresh_both() -> (pressroom_store::portal_conformance::Both, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Arc::new(SqliteStore::open(&url).await.expect("open sqlite store"));
    ((store.clone(), store), dir)
}

mod portal {
    use super::*;
    pressroom_store::portal_conformance_tests!(fresh_both());
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

/// A log append that fails rolls the whole import back: no revision is
/// ever acknowledged without its leaf.
#[tokio::test]
async fn an_import_whose_log_append_fails_stores_nothing() {
    let (store, dir) = fresh().await;
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
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let raw = sqlx::SqlitePool::connect(&url).await.expect("raw");
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

/// A public import's first revision is written once, in its log leaf: the
/// revision row stays empty and every reader gets the content from the
/// leaf; an unpublished import, which has no leaf, keeps its content.
#[tokio::test]
async fn a_public_import_keeps_its_first_revision_in_its_log_leaf_alone() {
    let (store, dir) = fresh().await;
    let at = jiff::Timestamp::from_second(1_700_000_000).expect("time");
    let record = |title: &str, status| pressroom_store::ImportRecord {
        content: pressroom_store::conformance::content(title, 2020, 5, 5),
        fingerprint: title.to_owned(),
        source: pressroom_store::Source {
            path: "f".to_owned(),
            line: 1,
        },
        status,
    };
    let public = record("Public", pressroom_domain::Status::Published);
    let draft = record("Draft", pressroom_domain::Status::Draft);
    store
        .import_files(vec![vec![public.clone()], vec![draft.clone()]], at)
        .await
        .expect("import");

    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let raw = sqlx::SqlitePool::connect(&url).await.expect("raw");
    let stored: Vec<(i64, String)> =
        sqlx::query_as("SELECT release_id, content FROM revisions ORDER BY release_id")
            .fetch_all(&raw)
            .await
            .expect("revisions");
    raw.close().await;
    assert_eq!(stored.len(), 2);
    assert_eq!(
        stored[0].1, "",
        "the public import's content is in its leaf"
    );
    assert!(stored[1].1.contains("Draft"), "the draft has no leaf");

    let dumps = store.dump_after(None, 10).await.expect("dump");
    let contents: Vec<_> = dumps.iter().map(|d| &d.revisions[0].content).collect();
    assert_eq!(contents, [&public.content, &draft.content]);
    let history = store.revisions(dumps[0].release.id).await.expect("history");
    assert_eq!(history[0].content, public.content);
}

/// Releases' rows are 2-3 KB each: a new file uses 16 KB pages, so that
/// several fit on a page.
#[tokio::test]
async fn a_new_database_is_made_of_16_kb_pages() {
    let (_store, dir) = fresh().await;
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let raw = sqlx::SqlitePool::connect(&url).await.expect("raw");
    let size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&raw)
        .await
        .expect("page size");
    raw.close().await;
    assert_eq!(size, 16_384);
}

/// The tally of published releases per kind, issuer and year (migration
/// 0012) as kept, and as counted from the releases themselves.
async fn tally_kept_and_counted(
    raw: &sqlx::SqlitePool,
) -> (
    Vec<(String, String, String, String, i64)>,
    Vec<(String, String, String, String, i64)>,
) {
    let kept = sqlx::query_as(
        "SELECT status, kind, issuer, year, n FROM release_tally WHERE n > 0 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(raw)
    .await
    .expect("tally");
    let counted = sqlx::query_as(
        "SELECT status, coalesce(kind, ''), coalesce(issuer, ''), substr(release_date, 1, 4), \
         COUNT(*) FROM releases WHERE status IN ('published', 'withdrawn') \
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(raw)
    .await
    .expect("count");
    (kept, counted)
}

/// In a group of files committed together, a file the store refuses fails
/// alone, the tally counts exactly the stored releases, and its row
/// trigger is in place for later writes.
#[tokio::test]
async fn a_refused_file_fails_alone_and_the_tally_counts_what_was_stored() {
    let (store, dir) = fresh().await;
    let at = jiff::Timestamp::from_second(1_700_000_000).expect("time");
    let record = |title: &str, year, status, path: &str| pressroom_store::ImportRecord {
        content: pressroom_store::conformance::content(title, year, 5, 5),
        fingerprint: format!("{title}/{year}"),
        source: pressroom_store::Source {
            path: path.to_owned(),
            line: 1,
        },
        status,
    };
    use pressroom_domain::Status::{Draft, Published};
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let raw = sqlx::SqlitePool::connect(&url).await.expect("raw");
    sqlx::query(
        "CREATE TRIGGER refuse BEFORE INSERT ON releases WHEN NEW.title = 'Refused' \
         BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
    )
    .execute(&raw)
    .await
    .expect("trigger");

    let results = store
        .import_files(
            vec![
                vec![
                    record("One", 2019, Published, "a"),
                    record("Two", 2020, Draft, "a"),
                ],
                vec![
                    record("Three", 2020, Published, "b"),
                    record("Refused", 2020, Published, "b"),
                ],
                vec![
                    record("Four", 2020, Published, "c"),
                    record("One", 2019, Published, "c"),
                ],
            ],
            at,
        )
        .await
        .expect("the group commits");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().expect("a stored").len(), 2);
    let refused = results[1].as_ref().expect_err("b is refused");
    assert!(
        refused.to_string().contains("refused for the test"),
        "{refused}"
    );
    let c = results[2].as_ref().expect("c stored");
    assert!(
        matches!(c[1], pressroom_store::ImportOutcome::Duplicate { .. }),
        "{c:?}"
    );

    let titles: Vec<String> = sqlx::query_scalar("SELECT title FROM releases ORDER BY id")
        .fetch_all(&raw)
        .await
        .expect("titles");
    assert_eq!(
        titles,
        ["One", "Two", "Four"],
        "nothing of the refused file is stored"
    );
    let (kept, counted) = tally_kept_and_counted(&raw).await;
    assert_eq!(kept, counted);
    assert_eq!(
        kept.iter().map(|r| r.4).sum::<i64>(),
        2,
        "two published: {kept:?}"
    );

    // The row trigger is in place: a later single import is counted by it.
    store
        .import(vec![record("Five", 2021, Published, "d")], at)
        .await
        .expect("import");
    let triggers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'release_tally_insert'",
    )
    .fetch_one(&raw)
    .await
    .expect("trigger");
    assert_eq!(triggers, 1);
    let (kept, counted) = tally_kept_and_counted(&raw).await;
    assert_eq!(kept, counted);
    assert_eq!(kept.iter().map(|r| r.4).sum::<i64>(), 3);
    raw.close().await;
}
