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
//! Kept while loading: the unique `(release_date, slug)` index and the
//! fingerprint index of `release_sources`, which the import itself reads
//! (slugs taken, releases already stored) and which enforce uniqueness.

use sqlx::{Row, Sqlite, Transaction};

use pressroom_store::StoreResult;

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
        let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM releases)")
            .fetch_one(&mut **tx)
            .await
            .map_err(backend)?;
        if !empty {
            return Ok(None);
        }
        // Every index created on `releases` by a migration: the automatic
        // index of its UNIQUE constraint has no SQL and stays.
        let rows = sqlx::query(
            "SELECT name, sql FROM sqlite_master \
             WHERE tbl_name = 'releases' AND sql IS NOT NULL \
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
        sqlx::query(TALLY_OF_ALL_ROWS)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        for (_, sql) in &self.set_aside {
            sqlx::query(sql).execute(&mut **tx).await.map_err(backend)?;
        }
        Ok(())
    }
}
