//! The transparency log in SQLite: [`append_log_leaves`] is called wherever
//! revision rows are inserted, inside the same transaction, so a committed
//! revision event is always in the log and a rolled-back one never is.

use pressroom_domain::ReleaseId;
use pressroom_ledger::{Appender, HashSource, tree};
use pressroom_store::ledger::{hash_from_db, index_from_db, ledger_error};
use pressroom_store::{LedgerEntry, NewLeaf, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, Transaction};

use crate::rows::{Built, INSERT_ROWS, backend, run_all};

/// Rows per multi-row insert (4 bound values each).
const CHUNK: usize = 200;

/// Appends `leaves`, in order, with dense indexes after the current end,
/// and writes the tree hashes they complete. The caller's transaction holds
/// SQLite's single writer, so nothing else appends meanwhile.
pub(crate) async fn append_log_leaves(
    tx: &mut Transaction<'_, Sqlite>,
    leaves: Vec<NewLeaf>,
) -> StoreResult<()> {
    if leaves.is_empty() {
        return Ok(());
    }
    let mut end = LogEnd::read(tx).await?;
    let rows = end.append(leaves)?;
    rows.write(tx).await
}

/// The log's size and the hashes an append builds on, read inside the
/// writer's transaction: leaves can then be hashed in memory (on another
/// thread, say) while the transaction writes other rows, as long as
/// nothing else appends before [`LogRows::write`].
#[derive(Debug, Clone)]
pub(crate) struct LogEnd {
    size: u64,
    frontier: HashSource,
}

impl LogEnd {
    pub(crate) async fn read(tx: &mut Transaction<'_, Sqlite>) -> StoreResult<Self> {
        let size = size(tx).await?;
        let frontier = hashes(tx, &tree::frontier_indexes(size)).await?;
        Ok(Self { size, frontier })
    }

    /// Numbers the leaves after the end and computes the tree hashes they
    /// complete, and moves the end past them. Pure. On an error the end is
    /// left unusable: callers drop it, or put back a copy from before.
    pub(crate) fn append(&mut self, leaves: Vec<NewLeaf>) -> StoreResult<LogRows> {
        let mut appender = Appender::new(self.size, std::mem::take(&mut self.frontier));
        let mut hash_rows = Vec::new();
        let mut leaf_rows = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            let (index, rows) = appender.append(&leaf.bytes).map_err(ledger_error)?;
            leaf_rows.push((index, leaf));
            hash_rows.extend(rows);
        }
        (self.size, self.frontier) = appender.end();
        Ok(LogRows {
            leaf_rows,
            hash_rows,
        })
    }
}

/// Leaves with their indexes and the tree hashes they complete, to write.
pub(crate) struct LogRows {
    leaf_rows: Vec<(u64, NewLeaf)>,
    hash_rows: Vec<(u64, pressroom_ledger::Hash)>,
}

impl LogRows {
    pub(crate) async fn write(self, tx: &mut Transaction<'_, Sqlite>) -> StoreResult<()> {
        run_all(tx, self.statements()).await
    }

    /// The statements that write the leaves and hashes, built to run later
    /// ([`Built`]).
    pub(crate) fn statements(self) -> Vec<Built> {
        let mut statements = Vec::new();
        let mut leaf_rows = self.leaf_rows;
        for chunk in leaf_rows.chunks_mut(CHUNK) {
            let mut q = Built::rows(
                &format!("{INSERT_ROWS} ledger_leaves (idx, release_id, revision, leaf)"),
                4,
                chunk.len(),
                "",
            );
            for (index, leaf) in chunk {
                q.bind(*index as i64)
                    .bind(leaf.release_id)
                    .bind(i64::from(leaf.revision))
                    .bind(std::mem::take(&mut leaf.bytes));
            }
            statements.push(q);
        }
        for chunk in self.hash_rows.chunks(CHUNK * 2) {
            let mut q = Built::rows(
                &format!("{INSERT_ROWS} ledger_hashes (idx, hash)"),
                2,
                chunk.len(),
                "",
            );
            for (index, hash) in chunk {
                q.bind(*index as i64).bind(hash.0.to_vec());
            }
            statements.push(q);
        }
        statements
    }
}

pub(crate) async fn size(conn: &mut SqliteConnection) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")
        .fetch_one(conn)
        .await
        .map_err(backend)?;
    index_from_db(n)
}

pub(crate) async fn hashes(
    conn: &mut SqliteConnection,
    indexes: &[u64],
) -> StoreResult<HashSource> {
    let mut src = HashSource::new();
    let mut found = 0;
    for chunk in indexes.chunks(CHUNK) {
        let mut q =
            QueryBuilder::<Sqlite>::new("SELECT idx, hash FROM ledger_hashes WHERE idx IN (");
        let mut list = q.separated(", ");
        for i in chunk {
            list.push_bind(*i as i64);
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await.map_err(backend)? {
            let idx = index_from_db(row.try_get("idx").map_err(backend)?)?;
            let hash: Vec<u8> = row.try_get("hash").map_err(backend)?;
            src.insert(idx, hash_from_db(idx, &hash)?);
            found += 1;
        }
    }
    let mut wanted = indexes.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if found != wanted.len() {
        return Err(ledger_error(pressroom_ledger::LedgerError::Tree(format!(
            "{} of {} stored hashes are missing",
            wanted.len() - found,
            wanted.len()
        ))));
    }
    Ok(src)
}

fn entry(row: &sqlx::sqlite::SqliteRow) -> StoreResult<LedgerEntry> {
    let revision: i64 = row.try_get("revision").map_err(backend)?;
    Ok(LedgerEntry {
        index: index_from_db(row.try_get("idx").map_err(backend)?)?,
        release_id: ReleaseId(row.try_get("release_id").map_err(backend)?),
        revision: u32::try_from(revision).unwrap_or(0),
        leaf: row.try_get("leaf").map_err(backend)?,
    })
}

pub(crate) async fn entry_at(
    conn: &mut SqliteConnection,
    index: u64,
) -> StoreResult<Option<LedgerEntry>> {
    let Ok(index) = i64::try_from(index) else {
        return Ok(None);
    };
    sqlx::query("SELECT idx, release_id, revision, leaf FROM ledger_leaves WHERE idx = ?")
        .bind(index)
        .fetch_optional(conn)
        .await
        .map_err(backend)?
        .as_ref()
        .map(entry)
        .transpose()
}

pub(crate) async fn entries_of(
    conn: &mut SqliteConnection,
    release: ReleaseId,
) -> StoreResult<Vec<LedgerEntry>> {
    sqlx::query(
        "SELECT idx, release_id, revision, leaf FROM ledger_leaves \
         WHERE release_id = ? ORDER BY idx",
    )
    .bind(release.0)
    .fetch_all(conn)
    .await
    .map_err(backend)?
    .iter()
    .map(entry)
    .collect()
}
