use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Html;
use pressroom_render::{ExitPage, SiteConfig, external_host, links_in};
use pressroom_store::PublicView;

use crate::AppError;

/// How many candidate releases are checked for the link; the newest that
/// carries it is the one the reader is sent back to.
const CANDIDATES: u32 = 50;

/// `/leaving?to=URL`: the notice between a release and an outside site. It
/// never redirects by itself, and it only offers an address that a
/// published release links to: anything else is a 404, so the site cannot
/// be used to lend its name to an arbitrary link.
pub(crate) async fn show(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, AppError> {
    let target = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "to")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if target.is_empty() {
        return Err(AppError::BadRequest(
            "No address was given: this page needs the outside address as ?to=.".to_owned(),
        ));
    }
    let host = external_host(&target).ok_or_else(|| {
        AppError::BadRequest(format!(
            "{target:?} is not the address of another website (http or https)."
        ))
    })?;
    // The body holds the address as written in Markdown; the exact URL is
    // the quick way in, the host catches an address the renderer encoded.
    let mut candidates = public.containing_text(&target, CANDIDATES).await?;
    if candidates.is_empty() {
        candidates = public.containing_text(&host, CANDIDATES).await?;
    }
    let from = candidates
        .iter()
        .find(|r| links_in(&r.content.body.to_markdown()).contains(&target))
        .ok_or(AppError::NotFound)?;
    let view = ExitPage {
        site: &site,
        host,
        from_title: from.content.title.to_string(),
        from_path: from.path().to_string(),
        target,
    };
    Ok(Html(view.to_html()?))
}
