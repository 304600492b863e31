//! Copying PostgreSQL rows into the backend-neutral [`ReleaseRow`]. Dates
//! and times are selected as text so that both backends hand the parser the
//! same strings.

use pressroom_domain::{Release, ReleasePath};
use pressroom_store::row::{ReleaseRow, path_from_columns};
use pressroom_store::{StoreError, StoreResult};
use sqlx::Row;
use sqlx::postgres::PgRow;

/// The `releases` columns in [`pressroom_store::row::RELEASE_COLUMNS`]
/// order, with native types cast to the text the parser reads.
pub(crate) const PG_RELEASE_COLUMNS: &str = "id, slug, release_date::text AS release_date, \
    release_time::text AS release_time, release_zone, status, revision::bigint AS revision, \
    title, kind, issuer, issuer_type, dateline, attribution, body::text AS body, language, \
    published_at, created_at, updated_at";

fn get<'r, T>(row: &'r PgRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(col)
        .map_err(|e| StoreError::Backend(e.to_string()))
}

pub(crate) fn path_from_row(row: &PgRow) -> StoreResult<ReleasePath> {
    path_from_columns(
        &get::<String>(row, "release_date")?,
        &get::<String>(row, "slug")?,
    )
}

pub(crate) fn release_from_row(row: &PgRow) -> StoreResult<Release> {
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
