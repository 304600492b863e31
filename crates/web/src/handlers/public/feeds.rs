//! The feeds of the listing, in three formats, for the same filters as the
//! listing (`/feed.atom?kind=Readout`), and of any search (`/feed.atom?q=
//! visa`, with the search's filters): its newest matches.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pressroom_domain::{Release, ReleaseId};
use pressroom_render::{ATOM_TYPE, EntryChange, Feed, JSON_FEED_TYPE, RSS_TYPE, SiteConfig};
use pressroom_search::{SearchRequest, Sort};
use pressroom_store::PublicView;

use super::listing::{feed_title, parse_query, store_filter};
use crate::AppError;
use crate::middleware::LastModified;
use crate::search::{PublicSearch, SearchParams, feed_query};

/// Entries per feed: the newest releases of the view. Readers poll often,
/// so a feed is a window, not an archive.
pub(crate) const FEED_ENTRIES: u32 = 50;

/// How long a correction or withdrawal stays in the feeds as news, and how
/// many such entries at most are added to the newest ones.
const AMENDMENTS_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(30 * 24);
const AMENDED_ENTRIES: u32 = 20;

async fn feed(
    public: &PublicView,
    search: &PublicSearch,
    site: &SiteConfig,
    raw: Option<&str>,
) -> Result<Feed, AppError> {
    let params = SearchParams::from_raw(raw);
    if params.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        return search_feed(public, search, site, &params).await;
    }
    let q = parse_query(raw)?;
    let filter = store_filter(&q);
    // By keyset, without counting what the filter matches: a feed shows
    // no total, and at a million releases the count is most of the render.
    let mut releases = public
        .list_after(filter.clone(), None, FEED_ENTRIES)
        .await?;
    // After the newest, the recently corrected or withdrawn ones the window
    // does not hold, so that the news of a change to an old release reaches
    // subscribers too.
    let amended = public
        .recently_amended(&filter, AMENDMENTS_WITHIN, AMENDED_ENTRIES)
        .await?;
    for r in amended {
        if !releases.iter().any(|e| e.id == r.id) {
            releases.push(r);
        }
    }
    Ok(Feed::new(
        site,
        &q.with_page(1).to_url(),
        feed_title(site, &q),
        &releases,
        &entry_changes(public, &releases).await?,
    ))
}

/// What each corrected or withdrawn release's entry announces: its latest
/// public change note, and when.
async fn entry_changes(
    public: &PublicView,
    releases: &[Release],
) -> Result<HashMap<ReleaseId, EntryChange>, AppError> {
    Ok(public
        .latest_changes(releases)
        .await?
        .into_iter()
        .map(|(id, rev)| {
            let change = EntryChange {
                withdrawal: rev.event == "withdraw",
                note: rev.change_note.unwrap_or_default(),
                at: rev.created_at,
            };
            (id, change)
        })
        .collect())
}

/// The newest public releases matching a search, whatever order the page
/// was sorted in: a feed is read for what is new.
async fn search_feed(
    public: &PublicView,
    search: &PublicSearch,
    site: &SiteConfig,
    params: &SearchParams,
) -> Result<Feed, AppError> {
    let req = SearchRequest {
        sort: Sort::Newest,
        page: 1,
        per_page: FEED_ENTRIES,
        ..params.to_request()?
    };
    let (_, releases) = search.search_with_releases(req.clone()).await?;
    let query = feed_query(&req);
    let mut feed = Feed::new(
        site,
        &format!("/{query}"),
        format!("{}: search for {}", site.name, req.q.trim()),
        &releases,
        &entry_changes(public, &releases).await?,
    );
    feed.html_url = site.absolute(&format!("/search{query}"));
    Ok(feed)
}

fn respond(feed: &Feed, content_type: &'static str, body: String) -> Response {
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    res.extensions_mut().insert(LastModified(feed.updated()));
    res
}

/// Atom 1.0.
pub(crate) async fn atom(
    State(public): State<PublicView>,
    State(search): State<PublicSearch>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let f = feed(&public, &search, &site, raw.as_deref()).await?;
    Ok(respond(&f, ATOM_TYPE, f.to_atom()))
}

/// RSS 2.0.
pub(crate) async fn rss(
    State(public): State<PublicView>,
    State(search): State<PublicSearch>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let f = feed(&public, &search, &site, raw.as_deref()).await?;
    Ok(respond(&f, RSS_TYPE, f.to_rss()))
}

/// JSON Feed 1.1.
pub(crate) async fn json(
    State(public): State<PublicView>,
    State(search): State<PublicSearch>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let f = feed(&public, &search, &site, raw.as_deref()).await?;
    Ok(respond(&f, JSON_FEED_TYPE, f.to_json()))
}
