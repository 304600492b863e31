//! The one place a row enters `revisions`, for every path that writes one
//! (an import's first revisions, a restored history): whatever must happen
//! with each revision in its transaction (a transparency-log leaf, say) is
//! added here once.

use pressroom_domain::ReleaseContent;
use pressroom_store::{StoreError, StoreResult};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::rows::backend;

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
}

/// Appends revisions inside the caller's transaction, in order.
pub(crate) async fn insert_revisions(
    tx: &mut Transaction<'_, Sqlite>,
    revisions: &[NewRevision<'_>],
) -> StoreResult<()> {
    for chunk in revisions.chunks(ROWS_PER_INSERT) {
        let contents = chunk
            .iter()
            .map(|r| serde_json::to_string(r.content))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO revisions (release_id, number, event, content, change_note, created_at) ",
        );
        q.push_values(chunk.iter().zip(contents), |mut b, (r, content)| {
            b.push_bind(r.release_id)
                .push_bind(i64::from(r.number))
                .push_bind(r.event)
                .push_bind(content)
                .push_bind(r.change_note)
                .push_bind(r.created_at_us);
        });
        q.build().execute(&mut **tx).await.map_err(backend)?;
    }
    Ok(())
}
