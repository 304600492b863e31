//! The embedded default backend: [`SqliteStore`] implements
//! [`pressroom_store::Store`] on one SQLite file, with WAL, foreign keys and
//! `synchronous=FULL` so that an acknowledged write survives a power cut. Its
//! migrations live in `migrations/` and are applied at open.
//!
//! Writes go through a single-connection pool, reads through a pool of
//! several: SQLite allows one writer at a time, and a dedicated writer avoids
//! the lock-upgrade failures of concurrent read-then-write transactions.

mod import;
mod rows;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseId, ReleasePath};
use pressroom_store::{
    Facet, FacetCount, ImportOutcome, ImportRecord, ListPage, ListQuery, Neighbours, ReleaseFilter,
    Source, Store, StoreError, StoreResult, Visibility,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite};

use rows::{RELEASE_COLUMNS, backend, release_from_row, to_micros};

/// A pressroom store in one SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://` URL and
    /// applies pending migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
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
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        Ok(Self { writer, reader })
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

/// Appends the WHERE clause for a visibility and a filter.
fn push_conditions(
    q: &mut QueryBuilder<'_, Sqlite>,
    visibility: Visibility,
    filter: &ReleaseFilter,
) {
    q.push(" WHERE 1=1");
    if let Visibility::PublicAt(now) = visibility {
        // The unary + keeps the planner off the `releases_public` index
        // for row reads: it would pick it for this range and then sort
        // every public row instead of walking the date or kind index.
        // Counts and facets still use it, as a covering scan.
        q.push(" AND +status IN ('published', 'withdrawn') AND published_at <= ")
            .push_bind(to_micros(now));
    }
    if let Some(kind) = &filter.kind {
        q.push(" AND kind = ").push_bind(kind.clone());
    }
    if let Some(issuer) = &filter.issuer {
        q.push(" AND issuer = ").push_bind(issuer.clone());
    }
    if let Some(year) = filter.year {
        let (from, to) = match filter.month {
            Some(m) if (1..=12).contains(&m) => (
                format!("{year:04}-{m:02}-01"),
                if m == 12 {
                    format!("{:04}-01-01", year + 1)
                } else {
                    format!("{year:04}-{:02}-01", m + 1)
                },
            ),
            _ => (format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1)),
        };
        q.push(" AND release_date >= ")
            .push_bind(from)
            .push(" AND release_date < ")
            .push_bind(to);
    }
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
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let outcomes = import::import(&mut tx, &batch, now_us).await?;
        tx.commit().await.map_err(backend)?;
        Ok(outcomes)
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
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM releases");
        push_conditions(&mut count, query.visibility, &query.filter);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {RELEASE_COLUMNS} FROM releases"));
        push_conditions(&mut q, query.visibility, &query.filter);
        q.push(" ORDER BY release_date DESC, id DESC LIMIT ")
            .push_bind(i64::from(query.page.per_page))
            .push(" OFFSET ")
            .push_bind(i64::try_from(query.page.offset()).unwrap_or(i64::MAX));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        Ok(ListPage {
            items: rows
                .iter()
                .map(release_from_row)
                .collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            page: query.page,
        })
    }

    async fn facet_counts(
        &self,
        facet: Facet,
        filter: &ReleaseFilter,
        visibility: Visibility,
    ) -> StoreResult<Vec<FacetCount>> {
        let (expr, order) = match facet {
            Facet::Kind => ("kind", "n DESC, v"),
            Facet::Issuer => ("issuer", "n DESC, v"),
            Facet::Year => ("substr(release_date, 1, 4)", "v DESC"),
            Facet::Month => ("substr(release_date, 1, 7)", "v DESC"),
        };
        // Left to itself the planner walks the kind or issuer index to save
        // a sort, then reads every wide row to check visibility; the
        // covering index of public columns is many times faster.
        let from = match visibility {
            Visibility::PublicAt(_) => "releases INDEXED BY releases_public",
            Visibility::Everything => "releases",
        };
        let mut q =
            QueryBuilder::<Sqlite>::new(format!("SELECT {expr} AS v, COUNT(*) AS n FROM {from}"));
        push_conditions(&mut q, visibility, filter);
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
}
