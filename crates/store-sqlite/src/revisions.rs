//! The one place a row enters `revisions`, for every path that writes one
//! (an import's first revisions, a restored history): whatever must happen
//! with each revision in its transaction (a transparency-log leaf, say) is
//! added here once; and the one place a revision's content is read back
//! ([`content_of`]).
//!
//! A public import's first revision keeps an empty `content`
//! ([`IN_LEAF`]): its ledger leaf, appended in the same transaction and
//! never changed, holds the same content as canonical JSON, and storing it
//! twice was a quarter of what an archive import wrote. Readers select the
//! leaf beside the row ([`LEAF_OF_REVISION`]).

use pressroom_domain::ReleaseContent;
use pressroom_ledger::Leaf;
use pressroom_store::{StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};

use crate::rows::{Built, INSERT_ROWS, backend, run_all};

/// The `content` of a revision whose ledger leaf holds its content: no
/// JSON document is empty, so this never stands for real content.
const IN_LEAF: &str = "";

/// Joins a revision row (`r`) to its ledger leaf (`l`), for [`content_of`].
pub(crate) const LEAF_OF_REVISION: &str =
    "LEFT JOIN ledger_leaves l ON l.release_id = r.release_id AND l.revision = r.number";

/// The leaf's bytes, selected only where the row's content is in it.
pub(crate) const LEAF_COLUMN: &str = "CASE WHEN r.content = '' THEN l.leaf END AS leaf";

/// Rows per multi-row insert: 6 bound values each, well under SQLite's
/// limit of bound parameters per statement.
const ROWS_PER_INSERT: usize = 400;

/// One revision to append.
pub(crate) struct NewRevision<'a> {
    pub(crate) release_id: i64,
    pub(crate) number: u32,
    pub(crate) event: &'a str,
    pub(crate) content: &'a ReleaseContent,
    pub(crate) change_note: Option<&'a str>,
    pub(crate) created_at_us: i64,
    /// The caller appends this revision's ledger leaf in the same
    /// transaction, so the row need not hold the content a second time.
    pub(crate) in_leaf: bool,
}

/// Appends revisions inside the caller's transaction, in order.
pub(crate) async fn insert_revisions(
    tx: &mut Transaction<'_, Sqlite>,
    revisions: &[NewRevision<'_>],
) -> StoreResult<()> {
    run_all(tx, revision_statements(revisions)?).await
}

/// The statements that append `revisions`, in order, built to run later
/// ([`Built`]).
pub(crate) fn revision_statements(revisions: &[NewRevision<'_>]) -> StoreResult<Vec<Built>> {
    revisions
        .chunks(ROWS_PER_INSERT)
        .map(|chunk| {
            let contents = chunk
                .iter()
                .map(|r| {
                    if r.in_leaf {
                        Ok(IN_LEAF.to_owned())
                    } else {
                        serde_json::to_string(r.content)
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let mut q = Built::rows(
                &format!(
                    "{INSERT_ROWS} revisions (release_id, number, event, content, change_note, created_at)"
                ),
                6,
                chunk.len(),
                "",
            );
            for (r, content) in chunk.iter().zip(contents) {
                q.bind(r.release_id)
                    .bind(i64::from(r.number))
                    .bind(r.event.to_owned())
                    .bind(content)
                    .bind(r.change_note.map(str::to_owned))
                    .bind(r.created_at_us);
            }
            Ok(q)
        })
        .collect()
}

/// A revision's content from a row that selected `content` and
/// [`LEAF_COLUMN`] (through [`LEAF_OF_REVISION`]).
pub(crate) fn content_of(row: &SqliteRow) -> StoreResult<ReleaseContent> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: "revision content",
        reason,
    };
    let content: String = row.try_get("content").map_err(backend)?;
    if content != IN_LEAF {
        return serde_json::from_str(&content).map_err(|e| corrupt(e.to_string()));
    }
    let leaf: Option<Vec<u8>> = row.try_get("leaf").map_err(backend)?;
    let leaf =
        leaf.ok_or_else(|| corrupt("its content is in a ledger leaf that is missing".to_owned()))?;
    Leaf::from_bytes(&leaf)
        .map(|leaf| leaf.content)
        .map_err(|e| corrupt(e.to_string()))
}
