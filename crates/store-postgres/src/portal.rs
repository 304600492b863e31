//! [`PortalTable`] rows in and out of PostgreSQL, for `pressroom copy`.

use pressroom_store::portal::ERASE_ORDER;
use pressroom_store::{Cell, CellKind, PortalTable, Row, StoreError, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::query_builder::Separated;
use sqlx::{Postgres, QueryBuilder, Row as _};

use crate::{PgStore, WRITE_LOCK};

/// Rows per insert statement: at most 9 columns, well under PostgreSQL's
/// 65,535 bound parameters.
const ROWS_PER_INSERT: usize = 1_000;

impl PgStore {
    fn cell(&self, row: &PgRow, i: usize, kind: CellKind) -> StoreResult<Cell> {
        let e = |e| self.error(e);
        let cell = match kind {
            CellKind::Int => row.try_get::<Option<i64>, _>(i).map_err(e)?.map(Cell::Int),
            CellKind::Text => row
                .try_get::<Option<String>, _>(i)
                .map_err(e)?
                .map(Cell::Text),
            CellKind::Bool => row
                .try_get::<Option<bool>, _>(i)
                .map_err(e)?
                .map(Cell::Bool),
            CellKind::Bytes => row
                .try_get::<Option<Vec<u8>>, _>(i)
                .map_err(e)?
                .map(Cell::Bytes),
        };
        Ok(cell.unwrap_or(Cell::Null))
    }

    pub(crate) async fn portal_export(
        &self,
        table: PortalTable,
        after: Option<Cell>,
        limit: u32,
    ) -> StoreResult<Vec<Row>> {
        let columns = table.columns();
        // INTEGER columns read as BIGINT, so that one cell type fits both
        // backends; text keys compare bytewise ("C"), as SQLite's do, so
        // both walk a table in the same order and checksums agree.
        let select: Vec<String> = columns
            .iter()
            .map(|c| match c.kind {
                CellKind::Int => format!("{}::bigint", c.name),
                _ => c.name.to_owned(),
            })
            .collect();
        let mut q = QueryBuilder::<Postgres>::new(format!(
            "SELECT {} FROM {} WHERE {}",
            select.join(", "),
            table.table(),
            table.condition()
        ));
        match table.key() {
            Some(key) => {
                let order = match key.kind {
                    CellKind::Text => format!("{} COLLATE \"C\"", key.name),
                    _ => key.name.to_owned(),
                };
                if let Some(after) = after {
                    q.push(format!(" AND {order} > "));
                    push_cell(&mut q.separated(""), after, key.kind);
                }
                q.push(format!(" ORDER BY {order} LIMIT "))
                    .push_bind(i64::from(limit));
            }
            None if after.is_some() => return Ok(Vec::new()),
            None => {
                q.push(format!(" ORDER BY {}", table.column_list()));
            }
        }
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        rows.iter()
            .map(|r| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.cell(r, i, c.kind))
                    .collect()
            })
            .collect()
    }

    pub(crate) async fn portal_import(
        &self,
        table: PortalTable,
        rows: Vec<Row>,
    ) -> StoreResult<()> {
        let width = table.columns().len();
        if let Some(bad) = rows.iter().find(|r| r.len() != width) {
            return Err(StoreError::Backend(format!(
                "a row of {} has {} cells, not {width}",
                table.table(),
                bad.len()
            )));
        }
        let mut tx = self.pool.begin().await.map_err(|e| self.error(e))?;
        // The log's leaves and hashes are written under the lock every
        // appender takes, so no publication interleaves with them.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(e))?;
        if table == PortalTable::ReleaseAuthors {
            for row in rows {
                let mut row = row.into_iter();
                let (Some(id), Some(by)) = (row.next(), row.next()) else {
                    continue;
                };
                let mut q = QueryBuilder::<Postgres>::new("UPDATE releases SET created_by = ");
                push_cell(&mut q.separated(""), by, CellKind::Int);
                q.push(" WHERE id = ");
                push_cell(&mut q.separated(""), id, CellKind::Int);
                let done = q
                    .build()
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.error(e))?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Backend(
                        "an author names a release the copy does not hold".to_owned(),
                    ));
                }
            }
        } else {
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                let chunk: Vec<Row> = rows.by_ref().take(ROWS_PER_INSERT).collect();
                // Copied keys override identity columns, even GENERATED ALWAYS.
                let mut q = QueryBuilder::<Postgres>::new(format!(
                    "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE ",
                    table.table(),
                    table.column_list()
                ));
                q.push_values(chunk, |mut b, row| {
                    for (c, col) in row.into_iter().zip(table.columns()) {
                        push_cell(&mut b, c, col.kind);
                    }
                });
                q.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| self.write_error(e))?;
            }
            if let (true, Some(key)) = (table.generated_key(), table.key()) {
                // Explicit keys do not move the sequence: move it past them
                // so that the next account or audit line does not collide.
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', '{k}'), \
                     (SELECT MAX({k}) FROM {t})) WHERE EXISTS (SELECT 1 FROM {t})",
                    t = table.table(),
                    k = key.name
                ))
                .execute(&mut *tx)
                .await
                .map_err(|e| self.error(e))?;
            }
        }
        tx.commit().await.map_err(|e| self.error(e))
    }

    pub(crate) async fn portal_count(&self, table: PortalTable) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {} WHERE {}",
            table.table(),
            table.condition()
        ))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(crate) async fn portal_erase(&self) -> StoreResult<()> {
        // TRUNCATE fires no row triggers, so the audit log's append-only
        // guard stays in place for every other writer; for the same reason
        // the releases' tally (migration 0011) is emptied with them.
        sqlx::query(&format!(
            "TRUNCATE {}, release_tally RESTART IDENTITY CASCADE",
            ERASE_ORDER.join(", ")
        ))
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(())
    }
}

fn push_cell(q: &mut Separated<'_, '_, Postgres, &'static str>, c: Cell, kind: CellKind) {
    // A NULL is bound with its column's type: an untyped one would not
    // fit every column.
    match (c, kind) {
        (Cell::Null, CellKind::Int) => q.push_bind(None::<i64>),
        (Cell::Null, CellKind::Text) => q.push_bind(None::<String>),
        (Cell::Null, CellKind::Bool) => q.push_bind(None::<bool>),
        (Cell::Null, CellKind::Bytes) => q.push_bind(None::<Vec<u8>>),
        (Cell::Int(v), _) => q.push_bind(v),
        (Cell::Text(v), _) => q.push_bind(v),
        (Cell::Bool(v), _) => q.push_bind(v),
        (Cell::Bytes(v), _) => q.push_bind(v),
    };
}
