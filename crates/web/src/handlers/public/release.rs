use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use pressroom_domain::ReleasePath;
use pressroom_render::{PublicRevision, ReleasePage, SiteConfig};
use pressroom_store::PublicView;

use crate::AppError;
use crate::middleware::LastModified;

/// One release at `/releases/YYYY/MM/DD/slug`, with the releases of the same
/// kind before and after it. A malformed address and an unpublished release
/// get the same 404 as one that never existed.
pub(crate) async fn show(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    Path((year, month, day, slug)): Path<(String, String, String, String)>,
) -> Result<Response, AppError> {
    let path =
        ReleasePath::from_segments(&year, &month, &day, &slug).map_err(|_| AppError::NotFound)?;
    let release = public.release(&path).await?.ok_or(AppError::NotFound)?;
    let around = public.neighbours(&release).await?;
    let revisions = public.revisions(&release).await?;
    let public_revisions: Vec<PublicRevision<'_>> = revisions
        .iter()
        .map(|r| PublicRevision {
            number: r.number,
            event: &r.event,
            note: r.change_note.as_deref(),
            at: r.created_at,
            content: &r.content,
        })
        .collect();
    let page = ReleasePage::new(
        &site,
        &release,
        around.older.as_ref(),
        around.newer.as_ref(),
    )
    .with_revisions(&public_revisions);
    // The page shows the neighbours' titles too: a new neighbour is a change.
    let changed = [Some(&release), around.older.as_ref(), around.newer.as_ref()]
        .into_iter()
        .flatten()
        .map(|r| r.updated_at)
        .max()
        .unwrap_or(release.updated_at);
    let mut res = Html(page.to_html()?).into_response();
    res.extensions_mut().insert(LastModified(changed));
    Ok(res)
}
