//! `Store::import` for SQLite, in set-wise statements: an archive of
//! hundreds of thousands of releases is imported at the speed of SQLite, not
//! of one round trip to the database thread per row. [`Known`] is what
//! planning needs (read from the store a few hundred fingerprints and slugs
//! at a time, or kept in memory through a load into an empty store);
//! [`Known::plan`] assigns ids and slugs in memory; [`statements`] builds the
//! multi-row inserts of releases, revisions and sources ([`Built`]), to run
//! inside the caller's transaction. Planning and building touch no
//! connection, so the caller does both on another thread while SQLite runs
//! the statements of the file before.
use std::collections::{HashMap, HashSet};

use pressroom_domain::{ReleaseId, ReleasePath, Slug};
use pressroom_store::{ImportOutcome, ImportRecord, StoreError, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use crate::revisions::{NewRevision, revision_statements};
use crate::rows::{Built, INSERT_ROWS, NewReleaseRow, backend, path_from_row};

/// Rows per statement: well under SQLite's limit of bound variables with
/// the 17 columns of `releases`.
const CHUNK: usize = 400;

/// A release to insert, planned in memory.
struct NewRow<'a> {
    id: i64,
    slug: Slug,
    record: &'a ImportRecord,
}

/// A file's releases placed in memory: ids and slugs of the new ones, and
/// what becomes of every record. Nothing is written yet.
pub(crate) struct Plan<'a> {
    batch: &'a [ImportRecord],
    new_rows: Vec<NewRow<'a>>,
    planned: Vec<(i64, bool)>,
    pub(crate) outcomes: Vec<ImportOutcome>,
}

/// What planning a file needs to know of the store: the release of every
/// fingerprint stored, the slugs taken (per date), the next free id, and
/// the path of every release a fingerprint leads to.
///
/// Read from the store for each file ([`Known::read`]); or, for a load
/// into a store that held no release when its transaction began, kept in
/// memory across the load's files ([`Known::empty`]): everything the store
/// holds is then what the load itself wrote, and asking SQLite again for
/// every file was an eighth of an archive's import.
#[derive(Debug, Default)]
pub(crate) struct Known {
    fingerprints: HashMap<String, i64>,
    taken: HashSet<(String, String)>,
    next_id: i64,
    paths: HashMap<i64, ReleasePath>,
}

impl Known {
    /// A store that holds no release.
    pub(crate) fn empty() -> Self {
        Self {
            next_id: 1,
            ..Self::default()
        }
    }

    /// Reads what the store holds of a file's releases: their fingerprints
    /// (and the paths of the releases they lead to), the slugs taken that
    /// their slugs could collide with, and the highest id. Inside the
    /// caller's transaction, which holds the single writer, so it stays
    /// true until the plan is written.
    pub(crate) async fn read(
        tx: &mut Transaction<'_, Sqlite>,
        batch: &[ImportRecord],
    ) -> StoreResult<Self> {
        let mut known = Self::default();
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
                known.fingerprints.insert(fp, id);
            }
        }

        // Slugs taken that a new release's slug could collide with: on its
        // date, starting with its title's slug (the base and its numbered
        // variants). Reading every slug of every date instead fetched a whole
        // archive's worth of rows per file on a large import.
        let wanted: Vec<(String, String)> = batch
            .iter()
            .filter(|r| !known.fingerprints.contains_key(&r.fingerprint))
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
        for chunk in wanted.chunks(CHUNK) {
            let mut q =
                QueryBuilder::<Sqlite>::new("SELECT release_date, slug FROM releases WHERE ");
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
                known.taken.insert((date, slug));
            }
        }

        // Ids are assigned in memory: the store has a single writer
        // connection and this runs inside its transaction, so nothing else
        // inserts meanwhile.
        let max_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM releases")
            .fetch_one(&mut **tx)
            .await
            .map_err(backend)?;
        known.next_id = max_id + 1;

        // Paths of the releases stored before this file.
        let old: Vec<i64> = known
            .fingerprints
            .values()
            .copied()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in old.chunks(CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT id, release_date, slug FROM releases WHERE id IN (",
            );
            push_list(&mut q, chunk.iter().copied());
            for row in q.build().fetch_all(&mut **tx).await.map_err(backend)? {
                let id: i64 = row.try_get("id").map_err(backend)?;
                known.paths.insert(id, path_from_row(&row)?);
            }
        }
        Ok(known)
    }

    /// Places a file's releases: a record whose fingerprint is known is a
    /// duplicate of its release; each other release gets the next id and the
    /// first slug of its title free on its date. What the plan adds is
    /// known from then on (a later copy in the same file or a later file is
    /// its duplicate), until [`Known::forget`] takes it back.
    pub(crate) fn plan<'a>(&mut self, batch: &'a [ImportRecord]) -> StoreResult<Plan<'a>> {
        let mut new_rows: Vec<NewRow<'_>> = Vec::new();
        let mut planned: Vec<(i64, bool)> = Vec::with_capacity(batch.len());
        let mut outcomes = Vec::with_capacity(batch.len());
        for record in batch {
            if let Some(&id) = self.fingerprints.get(&record.fingerprint) {
                let path = self.paths.get(&id).cloned().ok_or_else(|| {
                    StoreError::Backend(format!("release {id} vanished during import"))
                })?;
                planned.push((id, false));
                outcomes.push(ImportOutcome::Duplicate {
                    id: ReleaseId(id),
                    path,
                });
                continue;
            }
            let date = record.content.date.date();
            let date_text = date.to_string();
            let base = Slug::from_title(record.content.title.as_str());
            let slug = std::iter::once(base.clone())
                .chain((2..).map(|n| base.with_suffix(n)))
                .take(100_000)
                .find(|s| {
                    !self
                        .taken
                        .contains(&(date_text.clone(), s.as_str().to_owned()))
                })
                .ok_or_else(|| {
                    StoreError::Conflict(format!("no free slug for {base} on {date}"))
                })?;
            self.taken.insert((date_text, slug.as_str().to_owned()));
            let id = self.next_id;
            self.next_id += 1;
            self.fingerprints.insert(record.fingerprint.clone(), id);
            let path = ReleasePath {
                date,
                slug: slug.clone(),
            };
            self.paths.insert(id, path.clone());
            new_rows.push(NewRow { id, slug, record });
            planned.push((id, true));
            outcomes.push(ImportOutcome::Inserted {
                id: ReleaseId(id),
                path,
            });
        }
        Ok(Plan {
            batch,
            new_rows,
            planned,
            outcomes,
        })
    }

    /// The id the next new release gets: what [`Known::forget_from`]
    /// takes back to.
    pub(crate) fn next_id(&self) -> i64 {
        self.next_id
    }

    /// Takes back every release planned from id `first` on, after their
    /// files were rolled back: their fingerprints, slugs and ids are free
    /// again. Only on a failure, so a scan is fine.
    pub(crate) fn forget_from(&mut self, first: i64) {
        self.fingerprints.retain(|_, id| *id < first);
        for id in first..self.next_id {
            if let Some(path) = self.paths.remove(&id) {
                self.taken
                    .remove(&(path.date.to_string(), path.slug.as_str().to_owned()));
            }
        }
        self.next_id = self.next_id.min(first);
    }
}

/// The statements that write a planned file: its new releases, their first
/// revisions, and a source row for every record; built to run later
/// ([`Built`]). Also returns what becomes of each record.
pub(crate) fn statements(
    plan: Plan<'_>,
    now_us: i64,
) -> StoreResult<(Vec<Built>, Vec<ImportOutcome>)> {
    let Plan {
        new_rows,
        planned,
        outcomes,
        batch,
    } = plan;
    let mut statements = Vec::new();
    for chunk in new_rows.chunks(CHUNK) {
        statements.push(insert_releases(chunk, now_us)?);
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
    statements.extend(revision_statements(&revisions)?);
    for chunk in batch.iter().zip(&planned).collect::<Vec<_>>().chunks(CHUNK) {
        let mut q = Built::rows(
            &format!(
                "{INSERT_ROWS} release_sources (release_id, fingerprint, path, line, imported_at)"
            ),
            5,
            chunk.len(),
            " ON CONFLICT (release_id, path, line) DO NOTHING",
        );
        for (record, (id, _)) in chunk {
            q.bind(*id)
                .bind(record.fingerprint.clone())
                .bind(record.source.path.clone())
                .bind(i64::from(record.source.line))
                .bind(now_us);
        }
        statements.push(q);
    }
    Ok((statements, outcomes))
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

fn insert_releases(rows: &[NewRow<'_>], now_us: i64) -> StoreResult<Built> {
    let mut q = NewReleaseRow::insert(rows.len(), "");
    for row in rows {
        let status = row.record.status;
        NewReleaseRow {
            id: Some(row.id),
            slug: &row.slug,
            content: &row.record.content,
            status,
            revision: 1,
            published_at_us: status.is_public().then_some(now_us),
            created_at_us: now_us,
            updated_at_us: now_us,
        }
        .bind(&mut q)?;
    }
    Ok(q)
}
