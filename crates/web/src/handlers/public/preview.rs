//! `/preview/{token}`: an embargoed release as one named journalist reads it
//! before the lift, through the personal link the press office sent.
//!
//! The one public route that reads past the visibility gate, so it is held
//! tighter than the rest: only [`Previews`] (a token in, at most one
//! embargoed release out, the access logged by
//! `newsroom::workflow::open_preview`) is extracted, never the store; a
//! malformed, unknown, expired or revoked token, and one whose release is
//! already public, get the very 404 of an address that never existed; the
//! page is `no-store` (so neither the `PageCache` nor the validators layer
//! nor a CDN keeps it), `noindex`, sends no referrer, and carries the
//! journalist's name in its text, its watermark and its print.

use std::sync::Arc;

use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use pressroom_domain::{Clock, Status};
use pressroom_newsroom::workflow::{self, Preview, WorkflowError};
use pressroom_render::{PreviewMark, ReleasePage, SiteConfig};
use pressroom_store::Store;

use crate::{AppError, AppState};

/// What the preview route may do with the store: open a token.
#[derive(Clone)]
pub(crate) struct Previews {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl FromRef<AppState> for Previews {
    fn from_ref(state: &AppState) -> Self {
        Self {
            store: state.newsroom.store.clone(),
            clock: state.newsroom.clock.clone(),
        }
    }
}

impl Previews {
    /// The embargoed release `token` opens now, the access logged; `None`
    /// for anything else.
    async fn open(&self, token: &str) -> Result<Option<Preview>, AppError> {
        let preview = workflow::open_preview(self.store.as_ref(), self.clock.as_ref(), token)
            .await
            .map_err(|e| match e {
                WorkflowError::Store(e) => AppError::Store(e),
                // open_preview refuses nothing else; should it ever, the
                // reader still learns nothing about the token.
                _ => AppError::NotFound,
            })?;
        // Belt and braces over the store's own check: a release already
        // public is read at its public address.
        let now = self.clock.now();
        Ok(preview.filter(|p| {
            p.release.status == Status::Embargoed
                && p.release.published_at.is_some_and(|lift| lift > now)
        }))
    }
}

/// Headers that keep a preview out of every cache, index and referrer.
const PREVIEW_HEADERS: [(HeaderName, &str); 3] = [
    (header::CACHE_CONTROL, "no-store, private"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        HeaderName::from_static("x-robots-tag"),
        "noindex, nofollow, noarchive",
    ),
];

pub(crate) async fn show(
    State(previews): State<Previews>,
    State(site): State<Arc<SiteConfig>>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let preview = previews.open(&token).await?.ok_or(AppError::NotFound)?;
    let release = &preview.release;
    let lift = release.published_at.ok_or(AppError::NotFound)?;
    let page = ReleasePage::new(&site, release, None, None).as_preview(PreviewMark::new(
        &site,
        &preview.journalist,
        lift,
        preview.expires_at,
    ));
    let mut res = Html(page.to_html()?).into_response();
    for (name, value) in PREVIEW_HEADERS {
        res.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    Ok(res)
}
