//! `Store::import` for SQLite, in set-wise statements: an archive of
//! hundreds of thousands of releases is imported at the speed of SQLite, not
//! of one round trip to the database thread per row. Looks up the batch's
//! fingerprints and the slugs taken on its dates a few hundred at a time,
//! assigns ids and slugs in memory, and writes releases, revisions and
//! sources in multi-row inserts, all inside the caller's transaction.

use std::collections::{HashMap, HashSet};

use pressroom_domain::{ReleaseId, ReleasePath, Slug};
use pressroom_store::{ImportOutcome, ImportRecord, StoreError, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use crate::revisions::{NewRevision, insert_revisions};
use crate::rows::{backend, path_from_row};

/// Values per look-up (`IN` lists, `OR`ed ranges): well under SQLite's
/// limit of bound variables per statement.
const CHUNK: usize = 400;

fn json_error(e: serde_json::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A release to insert, planned in memory.
struct NewRow<'a> {
    id: i64,
    slug: Slug,
    record: &'a ImportRecord,
}

pub(crate) async fn import(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &[ImportRecord],
    now_us: i64,
) -> StoreResult<Vec<ImportOutcome>> {
    // Fingerprints already stored, each with its release.
    let mut known: HashMap<String, i64> = HashMap::new();
    let fingerprints: Vec<&str> = batch
        .iter()
        .map(|r| r.fingerprint.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in fingerprints.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT fingerprint, MIN(release_id) AS release_id FROM release_sources \
             WHERE fingerprint IN (",
        );
        push_list(&mut q, chunk.iter().copied());
        q.push(" GROUP BY fingerprint");
        for row in q.build().fetch_all(&mut **tx).await.map_err(backend)? {
            let fp: String = row.try_get("fingerprint").map_err(backend)?;
            let id: i64 = row.try_get("release_id").map_err(backend)?;
            known.insert(fp, id);
        }
    }

    // Slugs taken that a new release's slug could collide with: on its
    // date, starting with its title's slug (the base and its numbered
    // variants). Reading every slug of every date instead fetched a whole
    // archive's worth of rows per file on a large import.
    let wanted: Vec<(String, String)> = batch
        .iter()
        .filter(|r| !known.contains_key(&r.fingerprint))
        .map(|r| {
            let base = Slug::from_title(r.content.title.as_str());
            (
                r.content.date.date().to_string(),
                slug_prefix(&base).to_owned(),
            )
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut taken: HashSet<(String, String)> = HashSet::new();
    for chunk in wanted.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT release_date, slug FROM releases WHERE ");
        for (i, (date, prefix)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            // Slugs are lower-case ASCII letters, digits and hyphens, all
            // below '{': the range is exactly the slugs with this prefix.
            q.push("(release_date = ")
                .push_bind(date.as_str())
                .push(" AND slug >= ")
                .push_bind(prefix.as_str())
                .push(" AND slug < ")
                .push_bind(format!("{prefix}{{"))
                .push(")");
        }
        for row in q.build().fetch_all(&mut **tx).await.map_err(backend)? {
            let date: String = row.try_get("release_date").map_err(backend)?;
            let slug: String = row.try_get("slug").map_err(backend)?;
            taken.insert((date, slug));
        }
    }

    // Ids are assigned here: the store has a single writer connection and
    // this runs inside its transaction, so nothing else inserts meanwhile.
    let max_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM releases")
        .fetch_one(&mut **tx)
        .await
        .map_err(backend)?;
    let mut next_id = max_id + 1;

    let mut new_rows: Vec<NewRow<'_>> = Vec::new();
    let mut new_paths: HashMap<i64, ReleasePath> = HashMap::new();
    let mut planned: Vec<(i64, bool)> = Vec::with_capacity(batch.len());
    for record in batch {
        if let Some(&id) = known.get(&record.fingerprint) {
            planned.push((id, false));
            continue;
        }
        let date = record.content.date.date();
        let date_text = date.to_string();
        let base = Slug::from_title(record.content.title.as_str());
        let slug = std::iter::once(base.clone())
            .chain((2..).map(|n| base.with_suffix(n)))
            .take(100_000)
            .find(|s| !taken.contains(&(date_text.clone(), s.as_str().to_owned())))
            .ok_or_else(|| StoreError::Conflict(format!("no free slug for {base} on {date}")))?;
        taken.insert((date_text, slug.as_str().to_owned()));
        let id = next_id;
        next_id += 1;
        known.insert(record.fingerprint.clone(), id);
        new_paths.insert(
            id,
            ReleasePath {
                date,
                slug: slug.clone(),
            },
        );
        new_rows.push(NewRow { id, slug, record });
        planned.push((id, true));
    }

    let mut rest = new_rows.as_slice();
    for size in statement_counts(rest.len()) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        insert_releases(tx, chunk, now_us).await?;
    }
    let revisions: Vec<NewRevision<'_>> = new_rows
        .iter()
        .map(|row| NewRevision {
            release_id: row.id,
            number: 1,
            event: "import",
            content: &row.record.content,
            change_note: None,
            created_at_us: now_us,
            // `import_file` appends a leaf for each new public release.
            in_leaf: row.record.status.is_public(),
        })
        .collect();
    insert_revisions(tx, &revisions).await?;
    let sources: Vec<_> = batch.iter().zip(&planned).collect();
    let mut rest = sources.as_slice();
    for size in statement_counts(rest.len()) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let mut q = QueryBuilder::<Sqlite>::new("");
        for (record, (id, _)) in chunk {
            q.push(
                "INSERT INTO release_sources (release_id, fingerprint, path, line, imported_at) \
                 VALUES (",
            );
            let mut values = q.separated(", ");
            values
                .push_bind(*id)
                .push_bind(record.fingerprint.as_str())
                .push_bind(record.source.path.as_str())
                .push_bind(i64::from(record.source.line))
                .push_bind(now_us);
            q.push(") ON CONFLICT (release_id, path, line) DO NOTHING;");
        }
        q.build().execute(&mut **tx).await.map_err(backend)?;
    }

    // Paths of releases stored before this batch.
    let old: Vec<i64> = planned
        .iter()
        .filter(|(id, _)| !new_paths.contains_key(id))
        .map(|(id, _)| *id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut old_paths: HashMap<i64, ReleasePath> = HashMap::new();
    for chunk in old.chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT id, release_date, slug FROM releases WHERE id IN (",
        );
        push_list(&mut q, chunk.iter().copied());
        for row in q.build().fetch_all(&mut **tx).await.map_err(backend)? {
            let id: i64 = row.try_get("id").map_err(backend)?;
            old_paths.insert(id, path_from_row(&row)?);
        }
    }

    planned
        .into_iter()
        .map(|(id, inserted)| {
            let path = new_paths
                .get(&id)
                .or_else(|| old_paths.get(&id))
                .cloned()
                .ok_or_else(|| {
                    StoreError::Backend(format!("release {id} vanished during import"))
                })?;
            let id = ReleaseId(id);
            // Only the first record of a new release inserted it; later copies
            // in the same batch are duplicates of it.
            Ok((id, path, inserted))
        })
        .collect::<StoreResult<Vec<_>>>()
        .map(|rows| {
            let mut first = HashSet::new();
            rows.into_iter()
                .map(|(id, path, inserted)| {
                    if inserted && first.insert(id) {
                        ImportOutcome::Inserted { id, path }
                    } else {
                        ImportOutcome::Duplicate { id, path }
                    }
                })
                .collect()
        })
}

/// The part of a title's slug that every numbered variant of it
/// ([`Slug::with_suffix`], which shortens a long base to fit) starts with.
fn slug_prefix(base: &Slug) -> &str {
    /// The longest suffix: "-" and the digits of a `u32`.
    const LONGEST_SUFFIX: usize = 11;
    let s = base.as_str();
    let keep = s.len().min(Slug::MAX_CHARS.saturating_sub(LONGEST_SUFFIX));
    s[..keep].trim_end_matches('-')
}

/// Binds the values of an `IN (` list and closes it.
fn push_list<'q, T>(q: &mut QueryBuilder<'q, Sqlite>, items: impl Iterator<Item = T>)
where
    T: 'q + sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite>,
{
    let mut list = q.separated(", ");
    for item in items {
        list.push_bind(item);
    }
    q.push(")");
}

/// Inserts releases one row per statement, all the statements in one
/// query (one round trip to the database thread). A multi-row `INSERT`
/// (or a row trigger) is a statement that may abort half-way, so SQLite
/// copied every index page it touched into a statement journal first; at
/// 200,000 releases that copying was most of the import's time.
async fn insert_releases(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[NewRow<'_>],
    now_us: i64,
) -> StoreResult<()> {
    let mut q = QueryBuilder::<Sqlite>::new("");
    for row in rows {
        let body = serde_json::to_string(&row.record.content.body).map_err(json_error)?;
        let r = row.record;
        let c = &r.content;
        q.push(
            "INSERT INTO releases (id, slug, release_date, release_time, release_zone, \
             status, revision, title, kind, issuer, issuer_type, dateline, \
             attribution, body, language, published_at, created_at, updated_at) VALUES (",
        );
        let mut b = q.separated(", ");
        b.push_bind(row.id)
            .push_bind(row.slug.as_str().to_owned())
            .push_bind(c.date.date().to_string())
            .push_bind(c.date.time().map(|t| t.time.to_string()))
            .push_bind(c.date.time().map(|t| t.zone.clone()))
            .push_bind(r.status.as_str())
            .push_bind(1_i64)
            .push_bind(c.title.as_str().to_owned())
            .push_bind(c.kind.as_ref().map(|k| k.as_str().to_owned()))
            .push_bind(c.issuer.as_ref().map(|i| i.as_str().to_owned()))
            .push_bind(c.issuer.as_ref().map(|i| i.issuer_type().as_str()))
            .push_bind(c.dateline.as_ref().map(|d| d.as_str().to_owned()))
            .push_bind(c.attribution.as_ref().map(|a| a.as_str().to_owned()))
            .push_bind(body)
            .push_bind(c.language.as_str().to_owned())
            .push_bind(r.status.is_public().then_some(now_us))
            .push_bind(now_us)
            .push_bind(now_us);
        q.push(");");
    }
    q.build().execute(&mut **tx).await.map_err(backend)?;
    Ok(())
}

/// Statements per query, largest first: a batch of `n` rows is sent as
/// queries of these sizes, so that only these few query texts are ever
/// prepared (and then found in the connection's statement cache), whatever
/// the size of a file.
const STATEMENTS_PER_QUERY: [usize; 3] = [64, 8, 1];

/// The sizes of the queries that send `n` rows one statement each.
fn statement_counts(mut n: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    for size in STATEMENTS_PER_QUERY {
        while n >= size {
            sizes.push(size);
            n -= size;
        }
    }
    sizes
}

/// The name of `release_tally`'s row trigger on insert (migration 0012).
const TALLY_TRIGGER: &str = "release_tally_insert";

/// `release_tally`'s insert trigger, set aside for the length of an
/// import's transaction ([`suspend_tally`], [`resume_tally`]).
pub(crate) struct SuspendedTally {
    /// The trigger's `CREATE TRIGGER` text, as stored by the migration.
    sql: Option<String>,
    /// The largest release id before the import: rows above it are new.
    before: i64,
}

/// Drops the tally's row trigger inside the caller's transaction. A row
/// trigger made every imported row a statement that may abort half-way
/// (the statement-journal copying above) and cost as much again as the
/// row itself; [`resume_tally`] counts the new rows in one statement and
/// puts the trigger back before the commit, so no reader ever sees the
/// tally without its trigger or behind its rows.
pub(crate) async fn suspend_tally(tx: &mut Transaction<'_, Sqlite>) -> StoreResult<SuspendedTally> {
    let sql: Option<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?")
            .bind(TALLY_TRIGGER)
            .fetch_optional(&mut **tx)
            .await
            .map_err(backend)?;
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM releases")
        .fetch_one(&mut **tx)
        .await
        .map_err(backend)?;
    if sql.is_some() {
        sqlx::query(&format!("DROP TRIGGER {TALLY_TRIGGER}"))
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(SuspendedTally { sql, before })
}

/// Adds the releases inserted since [`suspend_tally`] to the tally, as its
/// trigger would have one by one, and restores the trigger.
pub(crate) async fn resume_tally(
    tx: &mut Transaction<'_, Sqlite>,
    suspended: SuspendedTally,
) -> StoreResult<()> {
    let Some(sql) = suspended.sql else {
        return Ok(());
    };
    // The trigger's rule (migration 0012): published and withdrawn
    // releases, counted by status, kind, issuer and year, '' for none.
    sqlx::query(
        "INSERT INTO release_tally (status, kind, issuer, year, n) \
         SELECT status, coalesce(kind, ''), coalesce(issuer, ''), substr(release_date, 1, 4), \
                COUNT(*) \
         FROM releases WHERE id > ? AND status IN ('published', 'withdrawn') \
         GROUP BY 1, 2, 3, 4 \
         ON CONFLICT (status, kind, issuer, year) DO UPDATE SET n = n + excluded.n",
    )
    .bind(suspended.before)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    sqlx::query(&sql)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}
