//! Copying SQLite rows into the backend-neutral [`ReleaseRow`], which parses
//! them back into the domain model.

use jiff::Timestamp;
use pressroom_domain::ReleasePath;
use pressroom_store::row::{ReleaseRow, path_from_columns};
use pressroom_store::{StoreError, StoreResult};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

pub(crate) fn to_micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

fn get<'r, T>(row: &'r SqliteRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(col).map_err(backend)
}

pub(crate) fn path_from_row(row: &SqliteRow) -> StoreResult<ReleasePath> {
    path_from_columns(
        &get::<String>(row, "release_date")?,
        &get::<String>(row, "slug")?,
    )
}

pub(crate) fn release_from_row(row: &SqliteRow) -> StoreResult<pressroom_domain::Release> {
    ReleaseRow {
        id: get(row, "id")?,
        slug: get(row, "slug")?,
        release_date: get(row, "release_date")?,
        release_time: get(row, "release_time")?,
        release_zone: get(row, "release_zone")?,
        status: get(row, "status")?,
        revision: get(row, "revision")?,
        title: get(row, "title")?,
        kind: get(row, "kind")?,
        issuer: get(row, "issuer")?,
        issuer_type: get(row, "issuer_type")?,
        dateline: get(row, "dateline")?,
        attribution: get(row, "attribution")?,
        body: get(row, "body")?,
        language: get(row, "language")?,
        published_at: get(row, "published_at")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    }
    .into_release()
}

/// How a multi-row insert inside a caller's transaction begins. `OR FAIL`
/// stops at a refused row without undoing the statement's earlier rows,
/// so SQLite keeps no statement journal for it: under the default `ABORT`
/// every such statement copied each page it touched into an in-memory
/// journal, freed at its end, a sixth of an import's database time. The
/// earlier rows are never kept: every caller fails its transaction or
/// rolls back to its savepoint on the error.
pub(crate) const INSERT_ROWS: &str = "INSERT OR FAIL INTO";
