//! The transparency log in PostgreSQL: [`PgStore::append_log_leaves`] is
//! called wherever revision rows are inserted, inside the same transaction
//! and after it has taken the writers' advisory lock, so log indexes are
//! dense and in commit order across every node.

use pressroom_domain::ReleaseId;
use pressroom_ledger::{Appender, HashSource, tree};
use pressroom_store::ledger::{hash_from_db, index_from_db, ledger_error};
use pressroom_store::{LedgerEntry, NewLeaf, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row, Transaction};

use crate::PgStore;

/// Rows per multi-row insert.
const CHUNK: usize = 1000;

impl PgStore {
    /// Appends `leaves`, in order, after the current end of the log, with
    /// the tree hashes they complete. The caller must hold `WRITE_LOCK`.
    pub(crate) async fn append_log_leaves(
        &self,
        tx: &mut Transaction<'_, Postgres>,
        leaves: &[NewLeaf],
    ) -> StoreResult<()> {
        if leaves.is_empty() {
            return Ok(());
        }
        let size = self.ledger_size_in(tx).await?;
        let frontier = self
            .ledger_hashes_in(tx, &tree::frontier_indexes(size))
            .await?;
        let mut appender = Appender::new(size, frontier);
        let mut hash_rows = Vec::new();
        let mut leaf_rows = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            let (index, rows) = appender.append(&leaf.bytes).map_err(ledger_error)?;
            leaf_rows.push((index, leaf));
            hash_rows.extend(rows);
        }
        for chunk in leaf_rows.chunks(CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO ledger_leaves (idx, release_id, revision, leaf) ",
            );
            q.push_values(chunk, |mut b, (index, leaf)| {
                b.push_bind(*index as i64)
                    .push_bind(leaf.release_id)
                    .push_bind(leaf.revision as i32)
                    .push_bind(leaf.bytes.as_slice());
            });
            q.build()
                .execute(&mut **tx)
                .await
                .map_err(|e| self.error(e))?;
        }
        for chunk in hash_rows.chunks(CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new("INSERT INTO ledger_hashes (idx, hash) ");
            q.push_values(chunk, |mut b, (index, hash)| {
                b.push_bind(*index as i64).push_bind(hash.0.to_vec());
            });
            q.build()
                .execute(&mut **tx)
                .await
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    pub(crate) async fn ledger_size_in(&self, conn: &mut PgConnection) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaves")
            .fetch_one(conn)
            .await
            .map_err(|e| self.error(e))?;
        index_from_db(n)
    }

    pub(crate) async fn ledger_hashes_in(
        &self,
        conn: &mut PgConnection,
        indexes: &[u64],
    ) -> StoreResult<HashSource> {
        let mut wanted: Vec<i64> = indexes.iter().map(|i| *i as i64).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let rows = sqlx::query("SELECT idx, hash FROM ledger_hashes WHERE idx = ANY($1)")
            .bind(&wanted)
            .fetch_all(conn)
            .await
            .map_err(|e| self.error(e))?;
        if rows.len() != wanted.len() {
            return Err(ledger_error(pressroom_ledger::LedgerError::Tree(format!(
                "{} of {} stored hashes are missing",
                wanted.len() - rows.len(),
                wanted.len()
            ))));
        }
        let mut src = HashSource::new();
        for row in rows {
            let idx = index_from_db(row.try_get("idx").map_err(|e| self.error(e))?)?;
            let hash: Vec<u8> = row.try_get("hash").map_err(|e| self.error(e))?;
            src.insert(idx, hash_from_db(idx, &hash)?);
        }
        Ok(src)
    }

    fn ledger_row(&self, row: &PgRow) -> StoreResult<LedgerEntry> {
        let revision: i32 = row.try_get("revision").map_err(|e| self.error(e))?;
        Ok(LedgerEntry {
            index: index_from_db(row.try_get("idx").map_err(|e| self.error(e))?)?,
            release_id: ReleaseId(row.try_get("release_id").map_err(|e| self.error(e))?),
            revision: u32::try_from(revision).unwrap_or(0),
            leaf: row.try_get("leaf").map_err(|e| self.error(e))?,
        })
    }

    pub(crate) async fn ledger_entry_at(&self, index: u64) -> StoreResult<Option<LedgerEntry>> {
        let Ok(index) = i64::try_from(index) else {
            return Ok(None);
        };
        sqlx::query("SELECT idx, release_id, revision, leaf FROM ledger_leaves WHERE idx = $1")
            .bind(index)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.error(e))?
            .as_ref()
            .map(|r| self.ledger_row(r))
            .transpose()
    }

    pub(crate) async fn ledger_entries(&self, release: ReleaseId) -> StoreResult<Vec<LedgerEntry>> {
        sqlx::query(
            "SELECT idx, release_id, revision, leaf FROM ledger_leaves \
             WHERE release_id = $1 ORDER BY idx",
        )
        .bind(release.0)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.error(e))?
        .iter()
        .map(|r| self.ledger_row(r))
        .collect()
    }
}
