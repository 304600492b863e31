//! An import into a store that holds no release yet sets the listing
//! indexes and the tally's trigger aside and builds them again before its
//! commit (`src/bulk.rs`). These tests check that the schema, the tally and
//! the outcomes come out as a row-by-row import's would, and that a failure
//! at any point leaves the store as it was, every index in place.

use std::str::FromStr;

use jiff::Timestamp;
use pressroom_domain::Status;
use pressroom_store::conformance::content;
use pressroom_store::{ImportOutcome, ImportRecord, Source, Store};
use pressroom_store_sqlite::SqliteStore;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

fn now() -> Timestamp {
    Timestamp::from_second(1_700_000_000).expect("valid timestamp")
}

fn record(title: &str, day: i8, fingerprint: &str, path: &str, status: Status) -> ImportRecord {
    ImportRecord {
        content: content(title, 2021, 3, day),
        fingerprint: fingerprint.to_owned(),
        source: Source {
            path: path.to_owned(),
            line: u32::try_from(day).expect("a small day"),
        },
        status,
    }
}

/// Three files: a release found twice, two releases with one title on one
/// day, an unpublished one (no tally row, no leaf).
fn archive() -> Vec<Vec<ImportRecord>> {
    vec![
        vec![
            record("Readout", 4, "r1", "a.txt", Status::Published),
            record("Statement", 5, "s", "a.txt", Status::Published),
        ],
        vec![
            record("Readout", 4, "r2", "b.txt", Status::Published),
            record("Readout", 4, "r1", "b.txt", Status::Published),
            record("Notice", 6, "n", "b.txt", Status::Draft),
        ],
        vec![record("Remarks", 7, "m", "c.txt", Status::Withdrawn)],
    ]
}

struct Fixture {
    store: SqliteStore,
    /// A second connection to the same file, to read the schema and to
    /// plant the failures a test needs.
    raw: SqlitePool,
    _dir: tempfile::TempDir,
}

/// A temporary folder and the URL of a database file in it.
fn new_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    (dir, url)
}

async fn fresh() -> Fixture {
    let (dir, url) = new_file();
    let store = SqliteStore::open(&url).await.expect("open sqlite store");
    let raw = second_connection(&url).await;
    Fixture {
        store,
        raw,
        _dir: dir,
    }
}

/// Every index and trigger of the schema, with its SQL.
async fn schema(raw: &SqlitePool) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name",
    )
    .fetch_all(raw)
    .await
    .expect("read the schema")
}

/// Whether `release_tally` holds exactly the counts of the rows.
async fn tally_matches_rows(raw: &SqlitePool) -> bool {
    sqlx::query_scalar(
        "SELECT (SELECT group_concat(x) FROM (SELECT status || '|' || kind || '|' || issuer || '|' \
         || year || ':' || n AS x FROM release_tally WHERE n > 0 ORDER BY 1)) IS \
         (SELECT group_concat(x) FROM (SELECT status || '|' || coalesce(kind, '') || '|' || \
         coalesce(issuer, '') || '|' || substr(release_date, 1, 4) || ':' || COUNT(*) AS x \
         FROM releases WHERE status IN ('published', 'withdrawn') \
         GROUP BY status, coalesce(kind, ''), coalesce(issuer, ''), substr(release_date, 1, 4) \
         ORDER BY 1))",
    )
    .fetch_one(raw)
    .await
    .expect("compare the tally")
}

/// Makes the store refuse any release titled "Notice", as a file the
/// store cannot take.
async fn refuse_notices(raw: &SqlitePool) {
    sqlx::query(
        "CREATE TRIGGER refuse_notice BEFORE INSERT ON releases WHEN NEW.title = 'Notice' \
         BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
    )
    .execute(raw)
    .await
    .expect("plant the failure");
}

async fn count(raw: &SqlitePool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(raw)
        .await
        .expect("count rows")
}

fn summary(outcome: &ImportOutcome) -> String {
    match outcome {
        ImportOutcome::Inserted { id, path } => format!("new {} {path}", id.0),
        ImportOutcome::Duplicate { id, path } => format!("dup {} {path}", id.0),
    }
}

#[tokio::test]
async fn a_first_import_keeps_every_index_and_trigger_and_a_tally_equal_to_its_rows() {
    let f = fresh().await;
    let before = schema(&f.raw).await;
    let results = f
        .store
        .import_files(archive(), now())
        .await
        .expect("import");
    let outcomes: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            r.as_ref()
                .expect("file stored")
                .iter()
                .map(summary)
                .collect()
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            vec![
                "new 1 /releases/2021/03/04/readout",
                "new 2 /releases/2021/03/05/statement"
            ],
            vec![
                "new 3 /releases/2021/03/04/readout-2",
                "dup 1 /releases/2021/03/04/readout",
                "new 4 /releases/2021/03/06/notice"
            ],
            vec!["new 5 /releases/2021/03/07/remarks"],
        ]
    );
    assert_eq!(
        schema(&f.raw).await,
        before,
        "the same indexes and triggers"
    );
    assert!(tally_matches_rows(&f.raw).await);
    // One leaf per new public release (the draft has none).
    assert_eq!(count(&f.raw, "ledger_leaves").await, 4);
    assert_eq!(count(&f.raw, "release_sources").await, 6);
    // The tally's trigger is back at work for the next write.
    f.store
        .import_files(
            vec![vec![record("Later", 8, "l", "d.txt", Status::Published)]],
            now(),
        )
        .await
        .expect("a second import");
    assert!(tally_matches_rows(&f.raw).await);
}

#[tokio::test]
async fn importing_the_same_archive_again_after_a_first_import_changes_nothing() {
    let f = fresh().await;
    f.store
        .import_files(archive(), now())
        .await
        .expect("first import");
    let rows = |raw| async move {
        let mut n = Vec::new();
        for table in [
            "releases",
            "revisions",
            "release_sources",
            "changes",
            "ledger_leaves",
            "ledger_hashes",
        ] {
            n.push(count(raw, table).await);
        }
        n
    };
    let first = rows(&f.raw).await;
    let again = f
        .store
        .import_files(archive(), now())
        .await
        .expect("second import");
    for file in again {
        for outcome in file.expect("file stored") {
            assert!(
                matches!(outcome, ImportOutcome::Duplicate { .. }),
                "{outcome:?}"
            );
        }
    }
    assert_eq!(rows(&f.raw).await, first);
    assert!(tally_matches_rows(&f.raw).await);
}

#[tokio::test]
async fn a_first_import_that_fails_before_its_commit_leaves_the_store_empty_with_its_indexes() {
    let f = fresh().await;
    let before = schema(&f.raw).await;
    // The tally is written after every file, just before the indexes are
    // built again: refusing it fails the whole import at its last step.
    sqlx::query(
        "CREATE TRIGGER refuse_tally BEFORE INSERT ON release_tally \
         BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
    )
    .execute(&f.raw)
    .await
    .expect("plant the failure");
    let err = f
        .store
        .import_files(archive(), now())
        .await
        .expect_err("the import fails");
    assert!(err.to_string().contains("refused for the test"), "{err}");
    sqlx::query("DROP TRIGGER refuse_tally")
        .execute(&f.raw)
        .await
        .expect("remove the failure");
    assert_eq!(schema(&f.raw).await, before, "every index and trigger kept");
    for table in ["releases", "revisions", "release_sources", "ledger_leaves"] {
        assert_eq!(count(&f.raw, table).await, 0, "{table} is empty");
    }
    // The store is as it was: the same import now succeeds.
    let results = f
        .store
        .import_files(archive(), now())
        .await
        .expect("import");
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(schema(&f.raw).await, before);
    assert!(tally_matches_rows(&f.raw).await);
}

#[tokio::test]
async fn a_file_refused_during_a_first_import_fails_alone_and_the_rest_is_indexed() {
    let f = fresh().await;
    let before = schema(&f.raw).await;
    refuse_notices(&f.raw).await;
    let results = f
        .store
        .import_files(archive(), now())
        .await
        .expect("import");
    assert!(results[0].is_ok());
    assert!(results[1].is_err(), "the file with the notice is refused");
    assert!(results[2].is_ok());
    sqlx::query("DROP TRIGGER refuse_notice")
        .execute(&f.raw)
        .await
        .expect("remove the failure");
    assert_eq!(schema(&f.raw).await, before);
    assert_eq!(count(&f.raw, "releases").await, 3);
    assert!(tally_matches_rows(&f.raw).await);
    // Listing reads through the rebuilt indexes.
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT id FROM releases \
         WHERE kind = 'media_note' ORDER BY release_date DESC",
    )
    .fetch_all(&f.raw)
    .await
    .expect("query plan");
    assert!(
        plan.iter()
            .any(|(_, _, _, d)| d.contains("releases_by_kind_public")),
        "{plan:?}"
    );
}

/// The bytes in the database's write-ahead log file (none if it is absent).
fn log_bytes(dir: &std::path::Path) -> u64 {
    std::fs::metadata(dir.join("test.db-wal")).map_or(0, |m| m.len())
}

async fn journal_mode(raw: &SqlitePool) -> String {
    sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(raw)
        .await
        .expect("read the journal mode")
}

async fn second_connection(url: &str) -> SqlitePool {
    SqlitePool::connect_with(SqliteConnectOptions::from_str(url).expect("url"))
        .await
        .expect("second connection")
}

#[tokio::test]
async fn a_first_import_by_a_store_opened_alone_writes_its_pages_once_and_keeps_the_log_mode() {
    let (dir, url) = new_file();
    let store = SqliteStore::open_alone(&url).await.expect("open alone");
    let results = store.import_files(archive(), now()).await.expect("import");
    assert!(results.iter().all(Result::is_ok));
    // Written straight into the database: nothing went through the log.
    assert_eq!(log_bytes(dir.path()), 0, "the load wrote no log frame");
    let (journal, _, foreign_keys) = store.pragmas().await.expect("pragmas");
    assert_eq!(journal, "wal");
    assert_eq!(foreign_keys, 1, "foreign keys are checked again");
    // The next write goes through the log again, and reads see it all.
    store
        .import_files(
            vec![vec![record("Later", 8, "l", "d.txt", Status::Published)]],
            now(),
        )
        .await
        .expect("a second import");
    assert!(log_bytes(dir.path()) > 0, "a later import is logged");
    store.close().await;
    let raw = second_connection(&url).await;
    assert_eq!(journal_mode(&raw).await, "wal");
    assert_eq!(count(&raw, "releases").await, 6);
    assert_eq!(count(&raw, "ledger_leaves").await, 5);
    assert!(tally_matches_rows(&raw).await);
}

#[tokio::test]
async fn a_first_import_goes_through_the_log_while_another_connection_has_the_file_open() {
    let (dir, url) = new_file();
    let store = SqliteStore::open_alone(&url).await.expect("open alone");
    // Another process's connection, as a running server's would be.
    let raw = second_connection(&url).await;
    assert_eq!(count(&raw, "releases").await, 0);
    let results = store.import_files(archive(), now()).await.expect("import");
    assert!(results.iter().all(Result::is_ok));
    assert!(log_bytes(dir.path()) > 0, "the load went through the log");
    assert_eq!(journal_mode(&raw).await, "wal");
    assert_eq!(count(&raw, "releases").await, 5);
    assert!(tally_matches_rows(&raw).await);
}

#[tokio::test]
async fn a_first_import_alone_that_fails_leaves_the_store_empty_with_its_indexes_and_log_mode() {
    let (_dir, url) = new_file();
    let store = SqliteStore::open_alone(&url).await.expect("open alone");
    let raw = second_connection(&url).await;
    let before = schema(&raw).await;
    sqlx::query(
        "CREATE TRIGGER refuse_tally BEFORE INSERT ON release_tally \
         BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
    )
    .execute(&raw)
    .await
    .expect("plant the failure");
    raw.close().await;
    let err = store
        .import_files(archive(), now())
        .await
        .expect_err("the import fails");
    assert!(err.to_string().contains("refused for the test"), "{err}");
    assert_eq!(store.pragmas().await.expect("pragmas").0, "wal");
    store.close().await;
    let raw = second_connection(&url).await;
    sqlx::query("DROP TRIGGER refuse_tally")
        .execute(&raw)
        .await
        .expect("remove the failure");
    assert_eq!(schema(&raw).await, before, "every index and trigger kept");
    for table in ["releases", "revisions", "release_sources", "ledger_leaves"] {
        assert_eq!(count(&raw, table).await, 0, "{table} is empty");
    }
    assert_eq!(journal_mode(&raw).await, "wal");
}

#[tokio::test]
async fn a_first_import_alone_that_leaves_a_dangling_reference_fails_whole() {
    let (_dir, url) = new_file();
    let store = SqliteStore::open_alone(&url).await.expect("open alone");
    let raw = second_connection(&url).await;
    // A change about a release that does not exist, written with the load.
    sqlx::query(
        "CREATE TRIGGER dangle AFTER INSERT ON release_sources WHEN NEW.path = 'c.txt' \
         BEGIN INSERT INTO changes (release_id, event, at) VALUES (999999, 'import', 0); END",
    )
    .execute(&raw)
    .await
    .expect("plant the dangling reference");
    raw.close().await;
    let err = store
        .import_files(archive(), now())
        .await
        .expect_err("the load is refused");
    assert!(err.to_string().contains("changes"), "{err}");
    let (journal, _, foreign_keys) = store.pragmas().await.expect("pragmas");
    assert_eq!((journal.as_str(), foreign_keys), ("wal", 1));
    store.close().await;
    let raw = second_connection(&url).await;
    for table in ["releases", "changes", "release_sources", "ledger_leaves"] {
        assert_eq!(count(&raw, table).await, 0, "{table} is empty");
    }
}

#[tokio::test]
async fn a_release_of_a_file_refused_during_a_first_import_is_new_when_a_later_file_carries_it() {
    let f = fresh().await;
    refuse_notices(&f.raw).await;
    let files = vec![
        vec![record("Readout", 4, "r", "a.txt", Status::Published)],
        // Refused whole: its statement is planned, then rolled back.
        vec![
            record("Statement", 5, "s", "b.txt", Status::Published),
            record("Notice", 6, "n", "b.txt", Status::Published),
        ],
        vec![
            record("Statement", 5, "s", "c.txt", Status::Published),
            record("Statement", 5, "s2", "c.txt", Status::Published),
        ],
    ];
    let results = f.store.import_files(files, now()).await.expect("import");
    assert!(results[1].is_err(), "the file with the notice is refused");
    let outcomes = |i: usize| -> Vec<String> {
        results[i]
            .as_ref()
            .expect("stored")
            .iter()
            .map(summary)
            .collect()
    };
    assert_eq!(outcomes(0), ["new 1 /releases/2021/03/04/readout"]);
    // The rolled-back statement's id, slug and fingerprint are free again:
    // the later copy is new, not a duplicate of a release never stored.
    assert_eq!(
        outcomes(2),
        [
            "new 2 /releases/2021/03/05/statement",
            "new 3 /releases/2021/03/05/statement-2"
        ]
    );
    assert_eq!(count(&f.raw, "releases").await, 3);
    assert_eq!(count(&f.raw, "release_sources").await, 3);
    assert!(tally_matches_rows(&f.raw).await);
}

#[tokio::test]
async fn a_file_refused_during_a_first_import_alone_fails_alone_and_the_journal_comes_back() {
    let (dir, url) = new_file();
    // Planted through a connection closed before the import, so the import
    // has the file alone and loads through a rollback journal.
    {
        let plant = SqliteStore::open(&url).await.expect("create the schema");
        plant.close().await;
        let raw = second_connection(&url).await;
        refuse_notices(&raw).await;
        raw.close().await;
    }
    let store = SqliteStore::open_alone(&url).await.expect("open alone");
    let results = store.import_files(archive(), now()).await.expect("import");
    assert!(results[0].is_ok());
    assert!(results[1].is_err(), "the file with the notice is refused");
    assert!(results[2].is_ok());
    assert_eq!(log_bytes(dir.path()), 0, "the load went through no log");
    let (journal, _, foreign_keys) = store.pragmas().await.expect("pragmas");
    assert_eq!((journal.as_str(), foreign_keys), ("wal", 1));
    store.close().await;
    let raw = second_connection(&url).await;
    assert_eq!(count(&raw, "releases").await, 3);
    // The two of the first file and the withdrawn remarks of the third.
    assert_eq!(count(&raw, "ledger_leaves").await, 3);
    assert!(tally_matches_rows(&raw).await);
}
