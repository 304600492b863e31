//! Loading an archive into a store that holds no release yet: the first
//! migration of a press office's archive, the importer's common case.
//!
//! Keeping the listing indexes of `releases` up to date row by row was the
//! largest part of SQLite's work in such an import (a B-tree insert into
//! each of six indexes per release, at random places), and the tally's row
//! trigger added a statement per release. Into an empty store, [`BulkLoad`]
//! drops those indexes and that trigger at the start of the import's
//! transaction and, after the rows, creates them again from their own
//! definitions (read from `sqlite_master`, so the migrations stay their one
//! source) and adds the new rows to `release_tally` in one grouped
//! statement. Creating an index from the rows is one sort.
//!
//! Everything happens inside the caller's one transaction, and SQLite's
//! schema changes are transactional: a failure at any point, or a crash
//! before the commit, leaves the store exactly as it was, every index and
//! trigger in place. Nothing else can see the store without its indexes:
//! readers see the last commit, and the store has a single writer.
//!
//! The fingerprint index of `release_sources` is set aside too: a load plans
//! its files in memory (`import::Known`) and never reads it, and its
//! fingerprints are hashes, each inserted at a random place. Kept while
//! loading: the automatic indexes of UNIQUE constraints (`(release_date,
//! slug)`, a source's `(release_id, path, line)`), which have no SQL to
//! create them again and which enforce uniqueness.
//!
//! A load also writes each page twice under the write-ahead log: into the
//! log at its commit, and into the database at the checkpoint after; the
//! kernel's copying of those bytes was a third of the writer thread's time.
//! When the loading process is the only one with the file open,
//! [`RollbackJournal`] switches the file to a rollback journal for the
//! load: pages beyond the file's size before the load (every page of an
//! archive loaded into an empty store) are written once, straight into the
//! database, and need no journal at all, since undoing them is cutting the
//! file back to its old size. Atomicity is SQLite's as ever: a crash leaves
//! a hot journal that the next opening rolls back.

use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use pressroom_store::{StoreError, StoreResult};

use crate::rows::backend;

/// The tally's row trigger, set aside while loading (its definition is
/// kept and replayed, and its effect is applied by [`TALLY_OF_ALL_ROWS`]).
const TALLY_TRIGGER: &str = "release_tally_insert";

/// What `release_tally_insert` would have added for every row of
/// `releases`: the store was empty when the load began, so every row is
/// one the load inserted.
const TALLY_OF_ALL_ROWS: &str = "INSERT INTO release_tally (status, kind, issuer, year, n) \
     SELECT status, coalesce(kind, ''), coalesce(issuer, ''), substr(release_date, 1, 4), COUNT(*) \
     FROM releases WHERE status IN ('published', 'withdrawn') GROUP BY 1, 2, 3, 4 \
     ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = n + excluded.n";

/// Whether the store holds no release: the case both kinds of load are for.
const STORE_IS_EMPTY: &str = "SELECT NOT EXISTS (SELECT 1 FROM releases)";

/// The schema objects set aside during a load, each with the SQL that
/// creates it again.
#[derive(Debug)]
pub(crate) struct BulkLoad {
    set_aside: Vec<(String, String)>,
}

impl BulkLoad {
    /// Sets the listing indexes and the tally's trigger aside if the store
    /// holds no release; `None` (and nothing changed) otherwise.
    pub(crate) async fn begin_if_empty(
        tx: &mut Transaction<'_, Sqlite>,
    ) -> StoreResult<Option<Self>> {
        let empty: bool = sqlx::query_scalar(STORE_IS_EMPTY)
            .fetch_one(&mut **tx)
            .await
            .map_err(backend)?;
        if !empty {
            return Ok(None);
        }
        // Every index created on `releases` and `release_sources` by a
        // migration: the automatic indexes of their UNIQUE constraints have
        // no SQL and stay.
        let rows = sqlx::query(
            "SELECT name, sql FROM sqlite_master \
             WHERE tbl_name IN ('releases', 'release_sources') AND sql IS NOT NULL \
               AND (type = 'index' OR (type = 'trigger' AND name = ?)) \
             ORDER BY type, name",
        )
        .bind(TALLY_TRIGGER)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
        let mut set_aside = Vec::with_capacity(rows.len());
        for row in rows {
            let name: String = row.try_get("name").map_err(backend)?;
            let sql: String = row.try_get("sql").map_err(backend)?;
            set_aside.push((name, sql));
        }
        for (name, sql) in &set_aside {
            let what = if sql
                .trim_start()
                .to_ascii_uppercase()
                .starts_with("CREATE TRIGGER")
            {
                "TRIGGER"
            } else {
                "INDEX"
            };
            sqlx::query(&format!("DROP {what} \"{name}\""))
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
        }
        Ok(Some(Self { set_aside }))
    }

    /// Brings the tally up to the rows loaded and creates every index and
    /// the trigger again, inside the same transaction, before its commit.
    pub(crate) async fn finish(self, tx: &mut Transaction<'_, Sqlite>) -> StoreResult<()> {
        check_foreign_keys_if_off(tx).await?;
        for (_, sql) in &self.set_aside {
            sqlx::query(sql).execute(&mut **tx).await.map_err(backend)?;
        }
        // After the indexes: the tally's counts read `releases_public`, a
        // covering index, rather than every page of the table.
        sqlx::query(TALLY_OF_ALL_ROWS)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// With foreign keys off on this connection (a load through
/// [`RollbackJournal`]), checks every one over the whole store: it held no
/// release when the load began, so this is the load's rows. A dangling
/// reference fails the load, whole, as the row-by-row check would have.
async fn check_foreign_keys_if_off(tx: &mut Transaction<'_, Sqlite>) -> StoreResult<()> {
    let on: bool = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut **tx)
        .await
        .map_err(backend)?;
    if on {
        return Ok(());
    }
    let dangling = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
    match dangling.first() {
        None => Ok(()),
        Some(row) => {
            let table: String = row.try_get(0).map_err(backend)?;
            let parent: String = row.try_get(2).map_err(backend)?;
            Err(StoreError::Backend(format!(
                "the load left {} row(s) referring to nothing, the first in {table} \
                 (to {parent})",
                dangling.len()
            )))
        }
    }
}

/// How much of the file a load maps (SQLite caps it at its own limit).
const LOAD_MMAP_BYTES: i64 = 1 << 31;

/// The store's file switched from its write-ahead log to a rollback
/// journal for a load into an empty store, switched back by [`Self::leave`].
#[derive(Debug)]
pub(crate) struct RollbackJournal {
    flusher: Option<Flusher>,
}

/// How often a load's written pages are sent to the disk.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Sends a load's written pages to the disk while the load goes on, from a
/// thread of its own. The kernel otherwise keeps them all in its cache
/// until the commit's `fsync` (it starts writing on its own only after 30
/// seconds or a tenth of the memory), and the commit then waited while a
/// whole archive went to the disk: 0.8 s of a 200,000-release load.
///
/// It syncs the file system of the store's folder (`syncfs` on the
/// folder), never a descriptor of the store's own file: closing any
/// descriptor of that file would drop SQLite's POSIX locks on it. Extra
/// writes of pages are always safe: a crash mid-load still leaves the hot
/// journal that undoes it.
#[derive(Debug)]
struct Flusher {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Flusher {
    /// Starts flushing the file system of `folder`; `None` if the folder
    /// cannot be opened (the load goes on, just without early writes).
    fn start(folder: &std::path::Path) -> Option<Self> {
        let dir = match std::fs::File::open(folder) {
            Ok(dir) => dir,
            Err(e) => {
                tracing::debug!(error = %e, folder = %folder.display(), "a load's pages stay in the cache until its commit");
                return None;
            }
        };
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("pressroom-load-flusher".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(FLUSH_EVERY)
                {
                    if let Err(e) = rustix::fs::syncfs(&dir) {
                        tracing::debug!(error = %e, "flushing a load's pages failed; the commit will");
                        return;
                    }
                }
            })
            .ok()?;
        Some(Self { stop, thread })
    }

    fn stop(self) {
        drop(self.stop);
        if self.thread.join().is_err() {
            tracing::warn!("a load's flusher thread panicked");
        }
    }
}

/// The folder of the store's main file, `None` for a store in memory.
async fn folder_of(writer: &SqlitePool) -> Option<std::path::PathBuf> {
    let rows = sqlx::query("PRAGMA database_list")
        .fetch_all(writer)
        .await
        .ok()?;
    let file: String = rows.iter().find_map(|row| {
        let name: String = row.try_get("name").ok()?;
        (name == "main").then(|| row.try_get("file").ok()).flatten()
    })?;
    if file.is_empty() {
        return None;
    }
    std::path::Path::new(&file)
        .parent()
        .map(std::path::Path::to_path_buf)
}

impl RollbackJournal {
    /// Switches to a rollback journal if the store holds no release and no
    /// other connection has the file open; `None` (and the log kept)
    /// otherwise. A server or another tool with the file open keeps it in
    /// the log: SQLite refuses to leave the log while another connection
    /// uses it, and that refusal is the check.
    pub(crate) async fn enter_if_empty(writer: &SqlitePool) -> StoreResult<Option<Self>> {
        let empty: bool = sqlx::query_scalar(STORE_IS_EMPTY)
            .fetch_one(writer)
            .await
            .map_err(backend)?;
        if !empty {
            return Ok(None);
        }
        match sqlx::query_scalar::<_, String>("PRAGMA journal_mode = DELETE")
            .fetch_one(writer)
            .await
        {
            Ok(mode) if mode.eq_ignore_ascii_case("delete") => {
                // Building each index after the rows reads the whole table
                // again; through a mapping of the file, not a copy of every
                // page out of the kernel's cache per index. Pages written
                // are still written with `write`.
                sqlx::query(&format!("PRAGMA mmap_size = {LOAD_MMAP_BYTES}"))
                    .execute(writer)
                    .await
                    .map_err(backend)?;
                // Foreign keys checked once, over the loaded rows, before the
                // commit (`BulkLoad::finish`), not row by row: SQLite keeps
                // a statement journal for every multi-row insert into a
                // table with an immediate foreign key (`rows::INSERT_ROWS`).
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(writer)
                    .await
                    .map_err(backend)?;
                let flusher = folder_of(writer).await.and_then(|f| Flusher::start(&f));
                Ok(Some(Self { flusher }))
            }
            Ok(mode) => {
                tracing::debug!(%mode, "the store kept its journal mode for the load");
                Ok(None)
            }
            Err(e) => {
                tracing::debug!(error = %e, "another connection has the store open: the load goes through the write-ahead log");
                Ok(None)
            }
        }
    }

    /// Switches back to the write-ahead log. If SQLite refuses (another
    /// process opened the file after the load), the file stays in rollback
    /// mode, which is just as safe, until the next opening sets the log
    /// again (every connection asks for it).
    pub(crate) async fn leave(self, writer: &SqlitePool) {
        if let Some(flusher) = self.flusher {
            // Joining waits out at most one `syncfs`: off the runtime's threads.
            if let Err(e) = tokio::task::spawn_blocking(move || flusher.stop()).await {
                tracing::warn!(error = %e, "a load's flusher did not stop cleanly");
            }
        }
        for (pragma, what) in [
            ("PRAGMA foreign_keys = ON", "checking foreign keys"),
            ("PRAGMA mmap_size = 0", "reading without a mapping"),
        ] {
            if let Err(e) = sqlx::query(pragma).execute(writer).await {
                tracing::warn!(error = %e, "the store did not go back to {what} after a load");
            }
        }
        match sqlx::query_scalar::<_, String>("PRAGMA journal_mode = WAL")
            .fetch_one(writer)
            .await
        {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => {}
            Ok(mode) => {
                tracing::warn!(%mode, "the store did not return to its write-ahead log after a load")
            }
            Err(e) => {
                tracing::warn!(error = %e, "the store did not return to its write-ahead log after a load")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[tokio::test]
    async fn a_load_flushes_the_folder_of_a_store_file_and_nothing_for_a_store_in_memory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("folder.db");
        let options =
            sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
                .expect("url")
                .create_if_missing(true);
        let pool = SqlitePool::connect_with(options).await.expect("open");
        let folder = folder_of(&pool).await.expect("a file's folder");
        assert_eq!(
            folder.canonicalize().expect("folder"),
            dir.path().canonicalize().expect("temp dir")
        );
        let memory = SqlitePool::connect("sqlite::memory:")
            .await
            .expect("memory");
        assert_eq!(folder_of(&memory).await, None);
        // It flushes until told to stop, then its thread ends.
        let flusher = Flusher::start(&folder).expect("a flusher");
        std::thread::sleep(FLUSH_EVERY * 2);
        flusher.stop();
    }
}
