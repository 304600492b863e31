//! `Store::import` for SQLite, in set-wise statements: an archive of
//! hundreds of thousands of releases is imported at the speed of SQLite, not
//! of one round trip to the database thread per row. Looks up the batch's
//! fingerprints and the slugs taken on its dates a few hundred at a time,
//! assigns ids and slugs in memory ([`plan`]), and writes releases,
//! revisions and sources in multi-row inserts ([`write`]), all inside the
//! caller's transaction. Planning before writing lets the caller build the
//! log leaves of the new releases on another thread while the rows are
//! written.

use std::collections::{HashMap, HashSet};

use pressroom_domain::{ReleaseId, ReleasePath, Slug};
use pressroom_store::{ImportOutcome, ImportRecord, StoreError, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use crate::revisions::{NewRevision, insert_revisions};
use crate::rows::{INSERT_ROWS, backend, path_from_row};

/// Rows per statement: well under SQLite's limit of bound variables with
/// the 17 columns of `releases`.
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

/// A file's releases placed in memory: ids and slugs of the new ones, and
/// what becomes of every record. Nothing is written yet.
pub(crate) struct Plan<'a> {
    new_rows: Vec<NewRow<'a>>,
    planned: Vec<(i64, bool)>,
    pub(crate) outcomes: Vec<ImportOutcome>,
}

/// Reads what the store already holds of a file's releases (fingerprints,
/// slugs taken, the highest id, the paths of releases stored before) and
/// plans the file in memory. Inside the caller's transaction, which holds
/// the single writer, so the plan stays true until it is written.
pub(crate) async fn plan<'a>(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &'a [ImportRecord],
) -> StoreResult<Plan<'a>> {
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

    let outcomes = planned
        .iter()
        .map(|&(id, inserted)| {
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
        })?;
    Ok(Plan {
        new_rows,
        planned,
        outcomes,
    })
}

/// Writes a planned file: its new releases, their first revisions, and a
/// source row for every record. Returns what became of each record.
pub(crate) async fn write(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &[ImportRecord],
    plan: Plan<'_>,
    now_us: i64,
) -> StoreResult<Vec<ImportOutcome>> {
    let Plan {
        new_rows,
        planned,
        outcomes,
    } = plan;
    for chunk in new_rows.chunks(CHUNK) {
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
    for chunk in batch.iter().zip(&planned).collect::<Vec<_>>().chunks(CHUNK) {
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "{INSERT_ROWS} release_sources (release_id, fingerprint, path, line, imported_at) "
        ));
        q.push_values(chunk, |mut b, (record, (id, _))| {
            b.push_bind(*id)
                .push_bind(record.fingerprint.as_str())
                .push_bind(record.source.path.as_str())
                .push_bind(i64::from(record.source.line))
                .push_bind(now_us);
        });
        q.push(" ON CONFLICT (release_id, path, line) DO NOTHING");
        q.build().execute(&mut **tx).await.map_err(backend)?;
    }
    Ok(outcomes)
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

async fn insert_releases(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[NewRow<'_>],
    now_us: i64,
) -> StoreResult<()> {
    let bodies = rows
        .iter()
        .map(|r| serde_json::to_string(&r.record.content.body))
        .collect::<Result<Vec<_>, _>>()
        .map_err(json_error)?;
    let mut q = QueryBuilder::<Sqlite>::new(format!(
        "{INSERT_ROWS} releases (id, slug, release_date, release_time, release_zone, \
         status, revision, title, kind, issuer, issuer_type, dateline, \
         attribution, body, language, published_at, created_at, updated_at) "
    ));
    q.push_values(rows.iter().zip(bodies), |mut b, (row, body)| {
        let r = row.record;
        let c = &r.content;
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
    });
    q.build().execute(&mut **tx).await.map_err(backend)?;
    Ok(())
}
