//! [`PortalTable`] rows in and out of SQLite, for `pressroom copy`.

use pressroom_store::portal::ERASE_ORDER;
use pressroom_store::{Cell, CellKind, PortalTable, Row, StoreError, StoreResult};
use sqlx::query_builder::Separated;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row as _, Sqlite, SqlitePool};

use crate::rows::backend;
use crate::write_error;

/// Rows per insert statement: at most 9 columns, well under SQLite's limit
/// of bound parameters.
const ROWS_PER_INSERT: usize = 300;

/// The trigger that keeps the audit log append-only, as 0004 creates it;
/// dropped and re-created inside the transaction that erases a failed copy.
const AUDIT_NO_DELETE: &str = "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END";

fn cell(row: &SqliteRow, i: usize, kind: CellKind) -> StoreResult<Cell> {
    let cell = match kind {
        CellKind::Int => row
            .try_get::<Option<i64>, _>(i)
            .map_err(backend)?
            .map(Cell::Int),
        CellKind::Text => row
            .try_get::<Option<String>, _>(i)
            .map_err(backend)?
            .map(Cell::Text),
        CellKind::Bool => row
            .try_get::<Option<bool>, _>(i)
            .map_err(backend)?
            .map(Cell::Bool),
        CellKind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)
            .map_err(backend)?
            .map(Cell::Bytes),
    };
    Ok(cell.unwrap_or(Cell::Null))
}

fn push_cell(q: &mut Separated<'_, '_, Sqlite, &'static str>, c: Cell, kind: CellKind) {
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

pub(crate) async fn export(
    pool: &SqlitePool,
    table: PortalTable,
    after: Option<Cell>,
    limit: u32,
) -> StoreResult<Vec<Row>> {
    let columns = table.columns();
    let mut q = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {} FROM {} WHERE {}",
        table.column_list(),
        table.table(),
        table.condition()
    ));
    match table.key() {
        Some(key) => {
            if let Some(after) = after {
                q.push(format!(" AND {} > ", key.name));
                push_cell(&mut q.separated(""), after, key.kind);
            }
            q.push(format!(" ORDER BY {} LIMIT ", key.name))
                .push_bind(i64::from(limit));
        }
        None if after.is_some() => return Ok(Vec::new()),
        None => {
            q.push(format!(" ORDER BY {}", table.column_list()));
        }
    }
    let rows = q.build().fetch_all(pool).await.map_err(backend)?;
    rows.iter()
        .map(|r| {
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| cell(r, i, c.kind))
                .collect()
        })
        .collect()
}

pub(crate) async fn import(
    pool: &SqlitePool,
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
    let mut tx = pool.begin().await.map_err(backend)?;
    if table == PortalTable::ReleaseAuthors {
        for row in rows {
            let mut row = row.into_iter();
            let (Some(id), Some(by)) = (row.next(), row.next()) else {
                continue;
            };
            let mut q = QueryBuilder::<Sqlite>::new("UPDATE releases SET created_by = ");
            push_cell(&mut q.separated(""), by, CellKind::Int);
            q.push(" WHERE id = ");
            push_cell(&mut q.separated(""), id, CellKind::Int);
            let done = q.build().execute(&mut *tx).await.map_err(backend)?;
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
            let mut q = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO {} ({}) ",
                table.table(),
                table.column_list()
            ));
            q.push_values(chunk, |mut b, row| {
                for (c, col) in row.into_iter().zip(table.columns()) {
                    push_cell(&mut b, c, col.kind);
                }
            });
            q.build().execute(&mut *tx).await.map_err(write_error)?;
        }
    }
    tx.commit().await.map_err(backend)
}

pub(crate) async fn count(pool: &SqlitePool, table: PortalTable) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {} WHERE {}",
        table.table(),
        table.condition()
    ))
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(crate) async fn erase(pool: &SqlitePool) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    for table in ERASE_ORDER {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
    }
    sqlx::query("DELETE FROM sqlite_sequence")
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    sqlx::query(AUDIT_NO_DELETE)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)
}
