//! The embedded default backend: [`SqliteStore`] implements
//! [`pressroom_store::Store`] on one SQLite file, with WAL, foreign keys and
//! `synchronous=FULL` so that an acknowledged write survives a power cut. Its
//! migrations live in `migrations/` and are applied at open.
//!
//! Writes go through a single-connection pool, reads through a pool of
//! several: SQLite allows one writer at a time, and a dedicated writer avoids
//! the lock-upgrade failures of concurrent read-then-write transactions.
//! It implements [`pressroom_store::AccountStore`] too (`accounts.rs`).

mod accounts;
mod bulk;
mod held;
mod import;
mod ledger;
mod portal;
mod revisions;
mod rows;
mod tally;
mod workflow;

use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseId, ReleasePath};
use pressroom_ledger::LeafEvent;
use pressroom_store::row::{RELEASE_COLUMNS, from_micros};
use pressroom_store::{
    Change, Facet, FacetCount, FacetShift, ImportOutcome, ImportRecord, IssuedPreviewLink, Lease,
    LedgerEntry, ListPage, ListPosition, ListQuery, Neighbours, NewDraft, NewLeaf, NewPreviewLink,
    PathEntry, PreviewAccess, PreviewLink, ReleaseDump, ReleaseFilter, RevisionDump, Source,
    SourceDump, Store, StoreError, StoreResult, Visibility, WorkflowEvent, WorkflowSettings,
    WorkflowWrite,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use revisions::{LEAF_COLUMN, LEAF_OF_REVISION, NewRevision, content_of, insert_revisions};
use rows::{
    Built, INSERT_ROWS, NewReleaseRow, backend, path_from_row, release_from_row, run_all, to_micros,
};

/// Rows per multi-row insert into the change feed; well under SQLite's
/// limit of bound parameters per statement.
const CHANGE_ROWS_PER_INSERT: usize = 300;

/// The page size of a new database file.
const PAGE_SIZE: u32 = 16_384;

/// A pressroom store in one SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// One file has one writer process, so an in-process signal after each
    /// commit is the whole change notification.
    changed: Arc<tokio::sync::watch::Sender<u64>>,
    /// Reads go through the writer's one connection ([`Self::open_alone`]):
    /// with no other connection of this process open, a first import may
    /// set the write-ahead log aside ([`bulk::RollbackJournal`]).
    alone: bool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://` URL and
    /// applies pending migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        Self::connect(url, false).await
    }

    /// Opens the store with a single connection for reads and writes, for
    /// a process that only loads (the `import` command). An import into an
    /// empty store then writes each page of the database once, not into
    /// the write-ahead log and again at its checkpoint, when no other
    /// process has the file open ([`bulk::RollbackJournal`]).
    pub async fn open_alone(url: &str) -> StoreResult<Self> {
        Self::connect(url, true).await
    }

    async fn connect(url: &str, alone: bool) -> StoreResult<Self> {
        let unavailable = |reason: String| StoreError::Unavailable {
            url: url.to_owned(),
            reason,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl {
                url: url.to_owned(),
                reason: e.to_string(),
            })?
            .create_if_missing(true)
            // New databases only (an existing file keeps its size): a
            // release's body, its leaf and its revision are each 2-3 KB, so
            // on 4 KB pages most rows filled a page alone and the file (and
            // every write to it) was a third larger than its rows.
            .page_size(PAGE_SIZE)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // The writer's page cache holds the indexes an import updates at
        // random (fingerprints, slugs per day); SQLite's default of 2 MB
        // makes a large import wait on the disk for every insert. Memory
        // only: durability is unchanged.
        // Temporary storage in memory: the statement journal a multi-row
        // insert keeps inside a transaction, and the sorts that build an
        // index after a bulk load (`bulk.rs`), would otherwise go through
        // temporary files. Nothing durable is in them.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                options
                    .clone()
                    .pragma("cache_size", "-131072")
                    .pragma("temp_store", "memory"),
            )
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let reader = if alone {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options.read_only(true))
                .await
                .map_err(|e| unavailable(describe(&e)))?
        };
        Ok(Self {
            writer,
            reader,
            changed: Arc::new(tokio::sync::watch::Sender::new(0)),
            alone,
        })
    }

    /// Wakes change-feed followers after a commit that added releases; a
    /// duplicate changes no page.
    fn signal_if_inserted(&self, outcomes: &[ImportOutcome]) {
        if outcomes
            .iter()
            .any(|o| matches!(o, ImportOutcome::Inserted { .. }))
        {
            self.changed.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// The durability settings in force on the writer connection: journal
    /// mode, `synchronous` level (2 = FULL) and whether foreign keys are on.
    pub async fn pragmas(&self) -> StoreResult<(String, i64, i64)> {
        let mut conn = self.writer.acquire().await.map_err(backend)?;
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        Ok((journal, sync, fk))
    }

    /// One transaction for a group of files, a savepoint around each: a
    /// file the store refuses is rolled back to its savepoint alone.
    ///
    /// Into a store that holds no release yet (an archive's first
    /// migration), the listing indexes and the tally's trigger are set
    /// aside for the group and built from the rows before the same commit
    /// ([`bulk::BulkLoad`]): one sort per index instead of a B-tree insert
    /// per row, and a failure anywhere rolls back to the store as it was,
    /// indexes and all.
    async fn import_group(
        &self,
        files: Arc<Vec<Vec<ImportRecord>>>,
        now_us: i64,
    ) -> StoreResult<Vec<StoreResult<Vec<ImportOutcome>>>> {
        let journal = if self.alone {
            bulk::RollbackJournal::enter_if_empty(&self.writer).await?
        } else {
            None
        };
        let result = self.import_group_in_one_commit(files, now_us).await;
        if let Some(journal) = journal {
            journal.leave(&self.writer).await;
        }
        result
    }

    async fn import_group_in_one_commit(
        &self,
        files: Arc<Vec<Vec<ImportRecord>>>,
        now_us: i64,
    ) -> StoreResult<Vec<StoreResult<Vec<ImportOutcome>>>> {
        // A load runs first without a savepoint per file; if the store
        // refuses one of its files, it is rolled back whole and runs again
        // with them (`load_files`).
        let mut savepoints = false;
        let (mut tx, bulk, results) = loop {
            let mut tx = self.begin_import().await?;
            let bulk = bulk::BulkLoad::begin_if_empty(&mut tx).await?;
            if bulk.is_none() {
                let results = import_each(&mut tx, &files, now_us).await?;
                break (tx, bulk, results);
            }
            match load_files(&mut tx, &files, now_us, savepoints).await? {
                Some(results) => break (tx, bulk, results),
                None => {
                    tx.rollback().await.map_err(backend)?;
                    savepoints = true;
                }
            }
        };
        // An archive's records are millions of allocations: freed on another
        // thread while SQLite builds the indexes and commits, not after.
        tokio::task::spawn_blocking(move || drop(files));
        if let Some(bulk) = bulk {
            bulk.finish(&mut tx).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(results)
    }

    /// An import's transaction, holding the write lock from its start. An
    /// import reads (fingerprints, slugs, the log's end) before it writes;
    /// begun deferred, it failed at once with "database is locked" when
    /// another process (a running server's scheduler) committed in between,
    /// since a read snapshot that is no longer the latest cannot become a
    /// write. Taken up front, the lock waits out the other writer instead
    /// (`busy_timeout`).
    async fn begin_import(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// The driver's message without its debug wrapping: "unable to open
/// database file", not a struct dump.
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// [`Visibility::ListedAt`]: listings (and their counts, filters and
/// neighbours) leave out withdrawn releases, whose pages stay reachable at
/// their address with the notice.
fn push_listed(q: &mut QueryBuilder<'_, Sqlite>, visibility: Visibility) {
    if let Visibility::ListedAt(_) = visibility {
        q.push(" AND status <> 'withdrawn'");
    }
}

/// Appends the WHERE clause for a visibility and a filter.
fn push_conditions(
    q: &mut QueryBuilder<'_, Sqlite>,
    visibility: Visibility,
    filter: &ReleaseFilter,
) {
    q.push(" WHERE 1=1");
    if let Visibility::PublicAt(now) | Visibility::ListedAt(now) = visibility {
        // The unary + keeps the planner off the `releases_public` index
        // for row reads: it would pick it for this range and then sort
        // every public row instead of walking the date or kind index.
        // Counts and facets still use it, as a covering scan.
        // Scheduled and embargoed releases are public from their time on,
        // before the scheduler marks them published: the lift is exact.
        q.push(
            " AND +status IN ('published', 'withdrawn', 'scheduled', 'embargoed') \
             AND published_at <= ",
        )
        .push_bind(to_micros(now));
    }
    push_filter(q, filter);
}

/// Appends ` AND ...` for each part of a filter.
fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, filter: &ReleaseFilter) {
    if let Some(kind) = &filter.kind {
        q.push(" AND kind = ").push_bind(kind.clone());
    }
    if let Some(issuer) = &filter.issuer {
        q.push(" AND issuer = ").push_bind(issuer.clone());
    }
    if let Some((from, to)) = filter.date_range() {
        q.push(" AND release_date >= ")
            .push_bind(from)
            .push(" AND release_date < ")
            .push_bind(to);
    }
}

/// Writes a `releases` row; `id` is given when restoring, chosen by the
/// database for a new draft.
async fn insert_release(
    tx: &mut Transaction<'_, Sqlite>,
    id: Option<i64>,
    r: &Release,
) -> StoreResult<i64> {
    let mut q = NewReleaseRow::insert(1, " RETURNING id");
    NewReleaseRow {
        id,
        slug: &r.slug,
        content: &r.content,
        status: r.status,
        revision: r.revision,
        published_at_us: r.published_at.map(to_micros),
        created_at_us: to_micros(r.created_at),
        updated_at_us: to_micros(r.updated_at),
    }
    .bind(&mut q)?;
    q.fetch_id(tx).await
}

/// One revision of the workflow (publish, correct, withdraw), through the
/// one function that writes `revisions` rows.
async fn insert_revision(
    tx: &mut Transaction<'_, Sqlite>,
    release_id: i64,
    rev: &RevisionDump,
) -> StoreResult<()> {
    insert_revisions(
        tx,
        &[NewRevision {
            release_id,
            number: rev.number,
            event: &rev.event,
            content: &rev.content,
            change_note: rev.change_note.as_deref(),
            created_at_us: to_micros(rev.created_at),
            in_leaf: false,
        }],
    )
    .await
}

/// Records a source; the same file and line twice is recorded once.
async fn insert_source(
    tx: &mut Transaction<'_, Sqlite>,
    release_id: i64,
    src: &SourceDump,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO release_sources (release_id, fingerprint, path, line, imported_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (release_id, path, line) DO NOTHING",
    )
    .bind(release_id)
    .bind(&src.fingerprint)
    .bind(&src.path)
    .bind(i64::from(src.line))
    .bind(to_micros(src.imported_at))
    .execute(&mut **tx)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// A unique value already taken is a conflict the caller can name.
pub(crate) fn write_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_owned())
        }
        _ => backend(e),
    }
}

/// One file's releases (`files[f]`) inside the caller's transaction: the
/// releases, their first revisions and sources, a log leaf for each new
/// public release and a change-feed row for each new release. What the
/// store holds of them, and the log's end, are read first; nothing else
/// writes before the statements run, in this same transaction.
async fn import_file(
    tx: &mut Transaction<'_, Sqlite>,
    files: &Arc<Vec<Vec<ImportRecord>>>,
    f: usize,
    now_us: i64,
) -> StoreResult<Vec<ImportOutcome>> {
    let mut known = import::Known::read(tx, &files[f]).await?;
    let mut end = ledger::LogEnd::read(tx).await?;
    let files = Arc::clone(files);
    let prepared =
        tokio::task::spawn_blocking(move || prepare_file(&files[f], &mut known, &mut end, now_us))
            .await
            .map_err(preparing_failed)??;
    run_all(tx, prepared.statements).await?;
    Ok(prepared.outcomes)
}

/// Each file inside its savepoint, one after the other: a file the store
/// refuses is rolled back alone.
async fn import_each(
    tx: &mut Transaction<'_, Sqlite>,
    files: &Arc<Vec<Vec<ImportRecord>>>,
    now_us: i64,
) -> StoreResult<Vec<StoreResult<Vec<ImportOutcome>>>> {
    let mut results = Vec::with_capacity(files.len());
    for f in 0..files.len() {
        savepoint(tx, "SAVEPOINT import_file").await?;
        let result = import_file(tx, files, f, now_us).await;
        if result.is_err() {
            savepoint(tx, "ROLLBACK TO import_file").await?;
        }
        savepoint(tx, "RELEASE import_file").await?;
        results.push(result);
    }
    Ok(results)
}

/// What a load into an empty store knows as it plans file after file,
/// kept in memory: the releases planned so far, and the log's end.
struct Ahead {
    known: import::Known,
    end: ledger::LogEnd,
}

/// A file prepared ahead, with what the plan knew before it: the next id
/// and the log's end, to take the plan back to should the file be refused.
struct Ready {
    f: usize,
    before: (i64, ledger::LogEnd),
    prepared: StoreResult<Prepared>,
}

/// How many files wait, prepared, for SQLite's thread: with one, each of
/// the two threads waited on the other whenever a file took longer on one
/// side than the file beside it on the other.
const FILES_AHEAD: usize = 4;

/// Prepares files `from..` one after the other on a blocking thread,
/// handing each over as it is ready (at most [`FILES_AHEAD`] waiting). It
/// stops when the receiver is dropped, and returns what it knows by then.
fn prepare_ahead(
    files: &Arc<Vec<Vec<ImportRecord>>>,
    from: usize,
    mut ahead: Ahead,
    now_us: i64,
) -> (
    tokio::sync::mpsc::Receiver<Ready>,
    tokio::task::JoinHandle<Ahead>,
) {
    let (hand_over, ready) = tokio::sync::mpsc::channel(FILES_AHEAD);
    let files = Arc::clone(files);
    let preparer = tokio::task::spawn_blocking(move || {
        for f in from..files.len() {
            let before = (ahead.known.next_id(), ahead.end.clone());
            let prepared = prepare_file(&files[f], &mut ahead.known, &mut ahead.end, now_us);
            if hand_over
                .blocking_send(Ready {
                    f,
                    before,
                    prepared,
                })
                .is_err()
            {
                break;
            }
        }
        ahead
    });
    (ready, preparer)
}

/// The files of a load into a store that held no release. The files ahead
/// are planned and their statements built on a blocking thread
/// ([`prepare_ahead`]) while SQLite's thread runs the statements of the
/// ones before: one after the other, the two took turns and an archive's
/// import used one core at a time.
///
/// Without `savepoints`, the files run bare: a savepoint around each made
/// SQLite copy every page a file changed that existed before it (the
/// pages of the indexes that take rows at random places) into a statement
/// journal, a sixth of the load. Then a statement the store refuses
/// returns `None`, and the caller rolls the load back and runs it again
/// with `savepoints`: a file refused is then rolled back to its savepoint
/// alone. Either way, a file that cannot be planned (no free slug, say)
/// writes nothing and fails alone, and the files after it, planned on top
/// of it, are planned again without it.
async fn load_files(
    tx: &mut Transaction<'_, Sqlite>,
    files: &Arc<Vec<Vec<ImportRecord>>>,
    now_us: i64,
    savepoints: bool,
) -> StoreResult<Option<Vec<StoreResult<Vec<ImportOutcome>>>>> {
    let first = Ahead {
        known: import::Known::empty(),
        end: ledger::LogEnd::read(tx).await?,
    };
    let (mut ready, mut preparer) = prepare_ahead(files, 0, first, now_us);
    let mut results = Vec::with_capacity(files.len());
    while results.len() < files.len() {
        let Some(Ready {
            f,
            before: (first_id, end_before),
            prepared,
        }) = ready.recv().await
        else {
            // The preparer stopped before the last file: it panicked.
            drop(ready);
            return Err(match preparer.await {
                Err(e) => preparing_failed(e),
                Ok(_) => StoreError::Backend("the load's files stopped coming".to_owned()),
            });
        };
        if savepoints {
            savepoint(tx, "SAVEPOINT import_file").await?;
        }
        let result = match prepared {
            Ok(p) => match run_all(tx, p.statements).await {
                Ok(()) => Ok(p.outcomes),
                Err(e) if !savepoints => {
                    tracing::debug!(file = f, error = %e, "a load's file was refused: running the load again with a savepoint per file");
                    return Ok(None);
                }
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        if result.is_err() {
            if savepoints {
                savepoint(tx, "ROLLBACK TO import_file").await?;
            }
            // The files prepared after this one were planned on top of it.
            drop(ready);
            let mut ahead = preparer.await.map_err(preparing_failed)?;
            ahead.known.forget_from(first_id);
            ahead.end = end_before;
            (ready, preparer) = prepare_ahead(files, f + 1, ahead, now_us);
        }
        if savepoints {
            savepoint(tx, "RELEASE import_file").await?;
        }
        results.push(result);
    }
    Ok(Some(results))
}

fn preparing_failed(e: tokio::task::JoinError) -> StoreError {
    StoreError::Backend(format!("preparing an import's rows failed: {e}"))
}

async fn savepoint(tx: &mut Transaction<'_, Sqlite>, sql: &str) -> StoreResult<()> {
    sqlx::query(sql).execute(&mut **tx).await.map_err(backend)?;
    Ok(())
}

/// A file's statements, built, and what becomes of each of its records.
struct Prepared {
    statements: Vec<Built>,
    outcomes: Vec<ImportOutcome>,
}

/// Plans a file against what is `known` and builds every statement it
/// needs: its rows, the log leaves of its new public releases (each a
/// release's canonical JSON, hashed into the log's tree after `end`), and
/// its change-feed rows. Pure; moves `known` and `end` past the file.
fn prepare_file(
    batch: &[ImportRecord],
    known: &mut import::Known,
    end: &mut ledger::LogEnd,
    now_us: i64,
) -> StoreResult<Prepared> {
    let plan = known.plan(batch)?;
    let at = from_micros(now_us)?;
    // Unpublished imports stay out of the public log.
    let leaves = batch
        .iter()
        .zip(&plan.outcomes)
        .filter_map(|(record, outcome)| match outcome {
            ImportOutcome::Inserted { id, path } if record.status.is_public() => Some(
                NewLeaf::new(id.0, path, 1, LeafEvent::Import, at, &record.content, None),
            ),
            _ => None,
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let (mut statements, outcomes) = import::statements(plan, now_us)?;
    if !leaves.is_empty() {
        statements.extend(end.append(leaves)?.statements());
    }
    // Every new release enters the change feed in the same transaction,
    // with where it stands in the counts, for the serving nodes' memos.
    let mut inserted: Vec<(i64, String)> = batch
        .iter()
        .zip(&outcomes)
        .filter_map(|(record, o)| match o {
            ImportOutcome::Inserted { id, .. } => {
                Some((id.0, FacetShift::imported(record, at).to_json()))
            }
            ImportOutcome::Duplicate { .. } => None,
        })
        .collect();
    for chunk in inserted.chunks_mut(CHANGE_ROWS_PER_INSERT) {
        let mut q = Built::rows(
            &format!("{INSERT_ROWS} changes (release_id, event, at, facets)"),
            4,
            chunk.len(),
            "",
        );
        for (id, facets) in chunk {
            q.bind(*id)
                .bind("import")
                .bind(now_us)
                .bind(std::mem::take(facets));
        }
        statements.push(q);
    }
    Ok(Prepared {
        statements,
        outcomes,
    })
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn import(
        &self,
        batch: Vec<ImportRecord>,
        now: Timestamp,
    ) -> StoreResult<Vec<ImportOutcome>> {
        let now_us = to_micros(now);
        let mut tx = self.begin_import().await?;
        let outcomes = import_file(&mut tx, &Arc::new(vec![batch]), 0, now_us).await?;
        tx.commit().await.map_err(backend)?;
        self.signal_if_inserted(&outcomes);
        Ok(outcomes)
    }

    /// One transaction for all the files, a savepoint around each: a file
    /// the store refuses is rolled back to its savepoint alone, and nothing
    /// is reported stored before the one commit has made it durable.
    async fn import_files(
        &self,
        files: Vec<Vec<ImportRecord>>,
        now: Timestamp,
    ) -> StoreResult<Vec<StoreResult<Vec<ImportOutcome>>>> {
        let now_us = to_micros(now);
        let results = self.import_group(Arc::new(files), now_us).await?;
        for outcomes in results.iter().flatten() {
            self.signal_if_inserted(outcomes);
        }
        Ok(results)
    }
    async fn hold_imports(
        &self,
        held: Vec<pressroom_store::HeldImport>,
        now: Timestamp,
    ) -> StoreResult<Vec<bool>> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let new = held::hold(&mut tx, &held, to_micros(now)).await?;
        tx.commit().await.map_err(backend)?;
        Ok(new)
    }

    async fn held_imports(&self) -> StoreResult<Vec<pressroom_store::HeldEntry>> {
        held::list(&self.reader).await
    }

    async fn get(&self, id: ReleaseId) -> StoreResult<Option<Release>> {
        let sql = format!("SELECT {RELEASE_COLUMNS} FROM releases WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(release_from_row).transpose()
    }

    async fn find_by_path(
        &self,
        path: &ReleasePath,
        visibility: Visibility,
    ) -> StoreResult<Option<Release>> {
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {RELEASE_COLUMNS} FROM releases"));
        push_conditions(&mut q, visibility, &ReleaseFilter::default());
        q.push(" AND release_date = ")
            .push_bind(path.date.to_string())
            .push(" AND slug = ")
            .push_bind(path.slug.as_str().to_owned());
        let row = q
            .build()
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(release_from_row).transpose()
    }

    async fn list(&self, query: &ListQuery) -> StoreResult<ListPage> {
        let tallied = match query.known_total {
            Some(total) => Some(total),
            None => tally::total(&self.reader, &query.filter, query.visibility).await?,
        };
        let total = match tallied {
            Some(total) => total,
            None => {
                let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM releases");
                push_conditions(&mut count, query.visibility, &query.filter);
                push_listed(&mut count, query.visibility);
                let total: i64 = count
                    .build_query_scalar()
                    .fetch_one(&self.reader)
                    .await
                    .map_err(backend)?;
                u64::try_from(total).unwrap_or(0)
            }
        };
        // The page's ids first, by an index-only scan of the listing order
        // (migration 0009), then only those rows: an OFFSET over the wide
        // rows themselves reads every row it skips, bodies and all.
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {RELEASE_COLUMNS} FROM releases WHERE id IN (SELECT id FROM releases"
        ));
        push_conditions(&mut q, query.visibility, &query.filter);
        push_listed(&mut q, query.visibility);
        let offset = match query.start {
            Some(start) => {
                q.push(" AND release_date < ")
                    .push_bind(start.older_than.to_string());
                start.offset
            }
            None => query.page.offset(),
        };
        q.push(" ORDER BY release_date DESC, id DESC LIMIT ")
            .push_bind(i64::from(query.page.per_page))
            .push(" OFFSET ")
            .push_bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .push(") ORDER BY release_date DESC, id DESC");
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        Ok(ListPage {
            items: rows
                .iter()
                .map(release_from_row)
                .collect::<StoreResult<_>>()?,
            total,
            page: query.page,
        })
    }

    async fn facet_counts(
        &self,
        facet: Facet,
        filter: &ReleaseFilter,
        visibility: Visibility,
    ) -> StoreResult<Vec<FacetCount>> {
        if let Some(counts) = tally::facet_counts(&self.reader, facet, filter, visibility).await? {
            return Ok(counts);
        }
        let (expr, order) = match facet {
            Facet::Kind => ("kind", "n DESC, v"),
            Facet::Issuer => ("issuer", "n DESC, v"),
            Facet::Year => ("substr(release_date, 1, 4)", "v DESC"),
            Facet::Month => ("substr(release_date, 1, 7)", "v DESC"),
        };
        // Left to itself the planner walks the kind or issuer index to save
        // a sort, then reads every wide row to check visibility. What is
        // left here (months, month filters) is bounded by dates: a listing
        // order index (migration 0009) covers the visibility columns and
        // seeks to the dates, where `releases_public` would be read whole.
        let dated = filter.date_range().is_some();
        let from = match visibility {
            Visibility::PublicAt(_) | Visibility::ListedAt(_) => match (dated, filter) {
                (true, ReleaseFilter { kind: Some(_), .. }) => {
                    "releases INDEXED BY releases_by_kind_public"
                }
                (
                    true,
                    ReleaseFilter {
                        issuer: Some(_), ..
                    },
                ) => "releases INDEXED BY releases_by_issuer_public",
                (true, _) => "releases INDEXED BY releases_by_date_public",
                (false, _) => "releases INDEXED BY releases_public",
            },
            Visibility::Everything => "releases",
        };
        let mut q =
            QueryBuilder::<Sqlite>::new(format!("SELECT {expr} AS v, COUNT(*) AS n FROM {from}"));
        push_conditions(&mut q, visibility, filter);
        push_listed(&mut q, visibility);
        q.push(format!(
            " AND {expr} IS NOT NULL GROUP BY v ORDER BY {order}"
        ));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(FacetCount {
                    value: r.try_get("v").map_err(backend)?,
                    count: u64::try_from(r.try_get::<i64, _>("n").map_err(backend)?).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn neighbours(
        &self,
        release: &Release,
        visibility: Visibility,
    ) -> StoreResult<Neighbours> {
        let date = release.content.date.date().to_string();
        let kind = release.content.kind.as_ref().map(|k| k.as_str().to_owned());
        // Listing order is (release_date, id); the neighbours are the rows
        // just beyond this one on each side of that order.
        let side = |newer: bool| {
            let mut q =
                QueryBuilder::<Sqlite>::new(format!("SELECT {RELEASE_COLUMNS} FROM releases"));
            push_conditions(&mut q, visibility, &ReleaseFilter::default());
            push_listed(&mut q, visibility);
            match &kind {
                Some(k) => q.push(" AND kind = ").push_bind(k.clone()),
                None => q.push(" AND kind IS NULL"),
            };
            let (cmp, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
            // A row value, not an OR of two cases: SQLite walks the kind
            // index from this point instead of sorting every older row.
            q.push(format!(" AND (release_date, id) {cmp} ("))
                .push_bind(date.clone())
                .push(", ")
                .push_bind(release.id.0)
                .push(format!(
                    ") ORDER BY release_date {order}, id {order} LIMIT 1"
                ));
            q
        };
        let mut older = side(false);
        let mut newer = side(true);
        let older = older
            .build()
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        let newer = newer
            .build()
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        Ok(Neighbours {
            older: older.as_ref().map(release_from_row).transpose()?,
            newer: newer.as_ref().map(release_from_row).transpose()?,
        })
    }

    async fn amended_since(
        &self,
        visibility: Visibility,
        filter: &ReleaseFilter,
        since: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Release>> {
        // Read from the small partial index on correction and withdrawal
        // revisions (migration 0008 in SQLite, 0006 in PostgreSQL).
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {RELEASE_COLUMNS} FROM releases"));
        push_conditions(&mut q, visibility, filter);
        q.push(
            " AND id IN (SELECT release_id FROM revisions \
             WHERE event IN ('correct', 'withdraw') AND created_at >= ",
        )
        .push_bind(to_micros(since))
        .push(") ORDER BY updated_at DESC, id DESC LIMIT ")
        .push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter().map(release_from_row).collect()
    }

    async fn containing_text(
        &self,
        needle: &str,
        visibility: Visibility,
        limit: u32,
    ) -> StoreResult<Vec<Release>> {
        if needle.is_empty() {
            return Ok(Vec::new());
        }
        // The body is stored as a JSON array of paragraphs, so the needle is
        // looked for as JSON would write it; instr() is exact and
        // case-sensitive, unlike LIKE.
        let encoded =
            serde_json::to_string(needle).map_err(|e| StoreError::Backend(e.to_string()))?;
        let encoded = encoded
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(&encoded)
            .to_owned();
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {RELEASE_COLUMNS} FROM releases"));
        push_conditions(&mut q, visibility, &ReleaseFilter::default());
        q.push(" AND instr(body, ")
            .push_bind(encoded)
            .push(") > 0 ORDER BY release_date DESC, id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter().map(release_from_row).collect()
    }

    async fn batch_after(&self, after: Option<ReleaseId>, limit: u32) -> StoreResult<Vec<Release>> {
        let sql =
            format!("SELECT {RELEASE_COLUMNS} FROM releases WHERE id > ? ORDER BY id LIMIT ?");
        let rows = sqlx::query(&sql)
            .bind(after.map_or(0, |id| id.0))
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(release_from_row).collect()
    }

    async fn list_after(
        &self,
        visibility: Visibility,
        filter: &ReleaseFilter,
        after: Option<ListPosition>,
        limit: u32,
    ) -> StoreResult<Vec<Release>> {
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {RELEASE_COLUMNS} FROM releases"));
        push_conditions(&mut q, visibility, filter);
        push_listed(&mut q, visibility);
        if let Some(pos) = after {
            // A row value walks the (release_date, id) index from the
            // position instead of re-reading every earlier row.
            q.push(" AND (release_date, id) < (")
                .push_bind(pos.date.to_string())
                .push(", ")
                .push_bind(pos.id.0)
                .push(")");
        }
        q.push(" ORDER BY release_date DESC, id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter().map(release_from_row).collect()
    }

    async fn paths_after(
        &self,
        visibility: Visibility,
        after: Option<ReleaseId>,
        limit: u32,
    ) -> StoreResult<Vec<PathEntry>> {
        let mut q =
            QueryBuilder::<Sqlite>::new("SELECT id, slug, release_date, updated_at FROM releases");
        push_conditions(&mut q, visibility, &ReleaseFilter::default());
        q.push(" AND id > ")
            .push_bind(after.map_or(0, |id| id.0))
            .push(" ORDER BY id LIMIT ")
            .push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(PathEntry {
                    id: ReleaseId(r.try_get("id").map_err(backend)?),
                    path: path_from_row(r)?,
                    updated_at: from_micros(r.try_get("updated_at").map_err(backend)?)?,
                })
            })
            .collect()
    }

    async fn first_ids_of_spans(
        &self,
        visibility: Visibility,
        span: NonZeroU32,
    ) -> StoreResult<Vec<ReleaseId>> {
        let span = i64::from(span.get());
        // A skip scan: each step seeks the first visible id past the span
        // the step before found one in.
        let mut q = QueryBuilder::<Sqlite>::new(
            "WITH RECURSIVE firsts(id) AS (SELECT (SELECT id FROM releases",
        );
        push_conditions(&mut q, visibility, &ReleaseFilter::default());
        q.push(" ORDER BY id LIMIT 1) UNION ALL SELECT (SELECT id FROM releases");
        push_conditions(&mut q, visibility, &ReleaseFilter::default());
        q.push(" AND id > (firsts.id - 1) / ")
            .push_bind(span)
            .push(" * ")
            .push_bind(span)
            .push(" + ")
            .push_bind(span)
            .push(" ORDER BY id LIMIT 1) FROM firsts WHERE firsts.id IS NOT NULL)")
            .push(" SELECT id FROM firsts WHERE id IS NOT NULL");
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter()
            .map(|r| Ok(ReleaseId(r.try_get("id").map_err(backend)?)))
            .collect()
    }

    async fn paths_of(
        &self,
        visibility: Visibility,
        ids: &[ReleaseId],
    ) -> StoreResult<Vec<PathEntry>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q =
            QueryBuilder::<Sqlite>::new("SELECT id, slug, release_date, updated_at FROM releases");
        push_conditions(&mut q, visibility, &ReleaseFilter::default());
        push_listed(&mut q, visibility);
        q.push(" AND id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(id.0);
        }
        q.push(") ORDER BY id");
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(PathEntry {
                    id: ReleaseId(r.try_get("id").map_err(backend)?),
                    path: path_from_row(r)?,
                    updated_at: from_micros(r.try_get("updated_at").map_err(backend)?)?,
                })
            })
            .collect()
    }

    async fn sources(&self, id: ReleaseId) -> StoreResult<Vec<Source>> {
        let rows =
            sqlx::query("SELECT path, line FROM release_sources WHERE release_id = ? ORDER BY id")
                .bind(id.0)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(Source {
                    path: r.try_get("path").map_err(backend)?,
                    line: u32::try_from(r.try_get::<i64, _>("line").map_err(backend)?).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn dump_after(
        &self,
        after: Option<ReleaseId>,
        limit: u32,
    ) -> StoreResult<Vec<ReleaseDump>> {
        let releases = self.batch_after(after, limit).await?;
        let (Some(first), Some(last)) = (releases.first(), releases.last()) else {
            return Ok(Vec::new());
        };
        let (from, to) = (first.id.0, last.id.0);
        let revisions = sqlx::query(&format!(
            "SELECT r.release_id, r.number, r.event, r.content, r.change_note, r.created_at, \
             {LEAF_COLUMN} FROM revisions r {LEAF_OF_REVISION} \
             WHERE r.release_id BETWEEN ? AND ? ORDER BY r.release_id, r.number",
        ))
        .bind(from)
        .bind(to)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        let sources = sqlx::query(
            "SELECT release_id, fingerprint, path, line, imported_at FROM release_sources \
             WHERE release_id BETWEEN ? AND ? ORDER BY release_id, id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        let mut revs = Vec::with_capacity(revisions.len());
        for r in &revisions {
            revs.push((
                r.try_get::<i64, _>("release_id").map_err(backend)?,
                RevisionDump {
                    number: u32::try_from(r.try_get::<i64, _>("number").map_err(backend)?)
                        .unwrap_or(0),
                    event: r.try_get("event").map_err(backend)?,
                    content: content_of(r)?,
                    change_note: r.try_get("change_note").map_err(backend)?,
                    created_at: from_micros(r.try_get("created_at").map_err(backend)?)?,
                },
            ));
        }
        let mut srcs = Vec::with_capacity(sources.len());
        for r in &sources {
            srcs.push((
                r.try_get::<i64, _>("release_id").map_err(backend)?,
                SourceDump {
                    fingerprint: r.try_get("fingerprint").map_err(backend)?,
                    path: r.try_get("path").map_err(backend)?,
                    line: u32::try_from(r.try_get::<i64, _>("line").map_err(backend)?).unwrap_or(0),
                    imported_at: from_micros(r.try_get("imported_at").map_err(backend)?)?,
                },
            ));
        }
        Ok(ReleaseDump::assemble(releases, revs, srcs))
    }

    async fn restore(&self, batch: Vec<ReleaseDump>) -> StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        for dump in &batch {
            let id = insert_release(&mut tx, Some(dump.release.id.0), &dump.release).await?;
            let revisions: Vec<NewRevision<'_>> = dump
                .revisions
                .iter()
                .map(|rev| NewRevision {
                    release_id: id,
                    number: rev.number,
                    event: &rev.event,
                    content: &rev.content,
                    change_note: rev.change_note.as_deref(),
                    created_at_us: to_micros(rev.created_at),
                    // A copy's leaves come byte for byte after its
                    // releases, from the portal rows: not in this
                    // transaction, so the row keeps its content.
                    in_leaf: false,
                })
                .collect();
            insert_revisions(&mut tx, &revisions).await?;
            for src in &dump.sources {
                insert_source(&mut tx, id, src).await?;
            }
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    async fn export_rows(
        &self,
        table: pressroom_store::PortalTable,
        after: Option<pressroom_store::Cell>,
        limit: u32,
    ) -> StoreResult<Vec<pressroom_store::Row>> {
        portal::export(&self.reader, table, after, limit).await
    }

    async fn import_rows(
        &self,
        table: pressroom_store::PortalTable,
        rows: Vec<pressroom_store::Row>,
    ) -> StoreResult<()> {
        portal::import(&self.writer, table, rows).await
    }

    async fn count_rows(&self, table: pressroom_store::PortalTable) -> StoreResult<u64> {
        portal::count(&self.reader, table).await
    }

    async fn erase_portal(&self) -> StoreResult<()> {
        portal::erase(&self.writer).await?;
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    async fn last_change(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes")
            .fetch_one(&self.reader)
            .await
            .map_err(backend)
    }

    async fn changes_after(&self, after: i64, limit: u32) -> StoreResult<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, release_id, event, at, facets FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(Change {
                    seq: r.try_get("seq").map_err(backend)?,
                    release_id: ReleaseId(r.try_get("release_id").map_err(backend)?),
                    event: r.try_get("event").map_err(backend)?,
                    at: from_micros(r.try_get("at").map_err(backend)?)?,
                    facets: FacetShift::from_json(
                        r.try_get::<Option<String>, _>("facets")
                            .map_err(backend)?
                            .as_deref(),
                    ),
                })
            })
            .collect()
    }

    fn change_signal(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    async fn try_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
        now: Timestamp,
    ) -> StoreResult<Option<Lease>> {
        let until = Lease::end(now, ttl)?;
        let row = sqlx::query(LEASE_UPSERT)
            .bind(name)
            .bind(holder)
            .bind(to_micros(until))
            .bind(to_micros(now))
            .fetch_optional(&self.writer)
            .await
            .map_err(backend)?;
        row.map(|r| {
            Ok(Lease {
                name: name.to_owned(),
                holder: holder.to_owned(),
                token: r.try_get("token").map_err(backend)?,
                until,
            })
        })
        .transpose()
    }

    async fn create_draft(&self, draft: NewDraft, now: Timestamp) -> StoreResult<Release> {
        self.wf_create_draft(draft, now).await
    }

    async fn apply(
        &self,
        id: ReleaseId,
        write: WorkflowWrite,
        now: Timestamp,
    ) -> StoreResult<Release> {
        self.wf_apply(id, write, now).await
    }

    async fn author(&self, id: ReleaseId) -> StoreResult<Option<i64>> {
        self.wf_author(id).await
    }

    async fn revisions(&self, id: ReleaseId) -> StoreResult<Vec<RevisionDump>> {
        self.wf_revisions(id).await
    }

    async fn workflow_events(&self, id: ReleaseId) -> StoreResult<Vec<WorkflowEvent>> {
        self.wf_events(id).await
    }

    async fn due(&self, at: Timestamp, limit: u32) -> StoreResult<Vec<Release>> {
        self.wf_due(at, limit).await
    }

    async fn next_due(&self) -> StoreResult<Option<Timestamp>> {
        self.wf_next_due().await
    }

    async fn next_public_after(&self, now: Timestamp) -> StoreResult<Option<Timestamp>> {
        self.wf_next_public_after(now).await
    }

    async fn workflow_settings(&self) -> StoreResult<WorkflowSettings> {
        self.wf_settings().await
    }

    async fn set_workflow_settings(
        &self,
        settings: WorkflowSettings,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.wf_set_settings(settings, now).await
    }

    async fn create_preview_link(
        &self,
        link: NewPreviewLink,
        now: Timestamp,
    ) -> StoreResult<PreviewLink> {
        self.wf_create_preview_link(link, now).await
    }

    async fn open_preview(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(PreviewLink, Release)>> {
        self.wf_open_preview(token_hash, now).await
    }

    async fn revoke_preview_link(&self, link_id: i64, now: Timestamp) -> StoreResult<bool> {
        self.wf_revoke_preview_link(link_id, now).await
    }

    async fn preview_links(&self, id: ReleaseId) -> StoreResult<Vec<IssuedPreviewLink>> {
        self.wf_preview_links(id).await
    }

    async fn preview_accesses(&self, id: ReleaseId) -> StoreResult<Vec<PreviewAccess>> {
        self.wf_preview_accesses(id).await
    }

    async fn desk(&self, query: &pressroom_store::DeskQuery) -> StoreResult<Vec<Release>> {
        self.wf_desk(query).await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        // Expire rather than delete, so the next holder's token still grows.
        sqlx::query("UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?")
            .bind(name)
            .bind(holder)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn ledger_size(&self) -> StoreResult<u64> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        ledger::size(&mut conn).await
    }

    async fn ledger_hashes(&self, indexes: &[u64]) -> StoreResult<pressroom_ledger::HashSource> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        ledger::hashes(&mut conn, indexes).await
    }

    async fn ledger_entry(&self, index: u64) -> StoreResult<Option<LedgerEntry>> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        ledger::entry_at(&mut conn, index).await
    }

    async fn ledger_entries_of(&self, release: ReleaseId) -> StoreResult<Vec<LedgerEntry>> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        ledger::entries_of(&mut conn, release).await
    }
}

/// Takes a free or expired lease, or renews one's own, in one statement;
/// returns no row when another holder's lease is still running.
const LEASE_UPSERT: &str = "INSERT INTO leases (name, holder, token, expires_at) \
     VALUES (?1, ?2, 1, ?3) \
     ON CONFLICT (name) DO UPDATE SET \
       token = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ?4 \
               THEN leases.token ELSE leases.token + 1 END, \
       holder = excluded.holder, expires_at = excluded.expires_at \
     WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4 \
     RETURNING token";
