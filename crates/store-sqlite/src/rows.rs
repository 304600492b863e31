//! Copying SQLite rows into the backend-neutral [`ReleaseRow`], which parses
//! them back into the domain model.

use jiff::Timestamp;
use pressroom_domain::{ReleaseContent, ReleasePath, Slug, Status};
use pressroom_store::row::{ReleaseRow, path_from_columns};
use pressroom_store::{StoreError, StoreResult};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, Encode, Row, Sqlite, Transaction, Type};

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

/// A multi-row insert built with its values, to run later: an import
/// builds its statements on another thread while SQLite's runs the ones
/// before them. Values are owned (`'static`): sqlx copies borrowed ones
/// before it runs them anyway.
pub(crate) struct Built {
    sql: String,
    args: SqliteArguments<'static>,
    /// The first value that could not be bound, reported by [`Built::run`]
    /// as `QueryBuilder` reports its own.
    refused: Option<String>,
}

impl Built {
    /// `head`, then `VALUES` and a group of `width` placeholders for each
    /// of `rows` rows, then `tail`; the values are bound after, row by row.
    pub(crate) fn rows(head: &str, width: usize, rows: usize, tail: &str) -> Self {
        let group = format!("({})", vec!["?"; width].join(", "));
        let mut sql = String::with_capacity(head.len() + tail.len() + rows * (group.len() + 2) + 8);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        for i in 0..rows {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&group);
        }
        sql.push_str(tail);
        Self {
            sql,
            args: SqliteArguments::default(),
            refused: None,
        }
    }

    /// Binds the next value.
    pub(crate) fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Encode<'static, Sqlite> + Type<Sqlite>,
    {
        if let Err(e) = self.args.add(value) {
            self.refused.get_or_insert_with(|| e.to_string());
        }
        self
    }

    /// Runs the statement inside the caller's transaction.
    pub(crate) async fn run(self, tx: &mut Transaction<'_, Sqlite>) -> StoreResult<()> {
        if let Some(reason) = self.refused {
            return Err(StoreError::Backend(reason));
        }
        sqlx::query_with(&self.sql, self.args)
            .execute(&mut **tx)
            .await
            .map_err(crate::write_error)?;
        Ok(())
    }

    /// Runs a statement that returns one id (`RETURNING id`).
    pub(crate) async fn fetch_id(self, tx: &mut Transaction<'_, Sqlite>) -> StoreResult<i64> {
        if let Some(reason) = self.refused {
            return Err(StoreError::Backend(reason));
        }
        sqlx::query_scalar_with(&self.sql, self.args)
            .fetch_one(&mut **tx)
            .await
            .map_err(crate::write_error)
    }
}

/// A `releases` row to insert, whoever writes it (an import, a restore, a
/// new draft): the one place its columns are listed and bound.
pub(crate) struct NewReleaseRow<'a> {
    /// Given by an import or a restore; chosen by the database when `None`.
    pub(crate) id: Option<i64>,
    pub(crate) slug: &'a Slug,
    pub(crate) content: &'a ReleaseContent,
    pub(crate) status: Status,
    pub(crate) revision: u32,
    pub(crate) published_at_us: Option<i64>,
    pub(crate) created_at_us: i64,
    pub(crate) updated_at_us: i64,
}

impl NewReleaseRow<'_> {
    /// The insert of `rows` such rows, each bound by [`NewReleaseRow::bind`].
    pub(crate) fn insert(rows: usize, tail: &str) -> Built {
        Built::rows(
            &format!(
                "{INSERT_ROWS} releases (id, slug, release_date, release_time, release_zone, \
                 status, revision, title, kind, issuer, issuer_type, dateline, \
                 attribution, body, language, published_at, created_at, updated_at)"
            ),
            18,
            rows,
            tail,
        )
    }

    pub(crate) fn bind(self, q: &mut Built) -> StoreResult<()> {
        let c = self.content;
        let body =
            serde_json::to_string(&c.body).map_err(|e| StoreError::Backend(e.to_string()))?;
        q.bind(self.id)
            .bind(self.slug.as_str().to_owned())
            .bind(c.date.date().to_string())
            .bind(c.date.time().map(|t| t.time.to_string()))
            .bind(c.date.time().map(|t| t.zone.clone()))
            .bind(self.status.as_str())
            .bind(i64::from(self.revision))
            .bind(c.title.as_str().to_owned())
            .bind(c.kind.as_ref().map(|k| k.as_str().to_owned()))
            .bind(c.issuer.as_ref().map(|i| i.as_str().to_owned()))
            .bind(c.issuer.as_ref().map(|i| i.issuer_type().as_str()))
            .bind(c.dateline.as_ref().map(|d| d.as_str().to_owned()))
            .bind(c.attribution.as_ref().map(|a| a.as_str().to_owned()))
            .bind(body)
            .bind(c.language.as_str().to_owned())
            .bind(self.published_at_us)
            .bind(self.created_at_us)
            .bind(self.updated_at_us);
        Ok(())
    }
}

/// Runs statements in order inside the caller's transaction.
pub(crate) async fn run_all(
    tx: &mut Transaction<'_, Sqlite>,
    statements: Vec<Built>,
) -> StoreResult<()> {
    for statement in statements {
        statement.run(tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_insert_has_a_group_of_placeholders_per_row() {
        let built = Built::rows("INSERT INTO t (a, b)", 2, 3, " ON CONFLICT DO NOTHING");
        assert_eq!(
            built.sql,
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT DO NOTHING"
        );
    }
}
