//! The feeds of the listing, in three formats, for the same filters as the
//! listing (`/feed.atom?kind=Readout`), and of any search (`/feed.atom?q=
//! visa`, with the search's filters): its newest matches.
//!
//! A feed document holds [`FEED_ENTRIES`] entries and links to the older
//! ones (RFC 5005 paged feeds: `rel="next"`, and `rel="first"` on every
//! page), so that every release stays reachable from the feed. A listing
//! feed's older page is named by a keyset cursor (`cursor=2018-12-19~slug`,
//! the read API's: the last entry of the page before), so a release
//! published while a reader walks the pages neither repeats nor hides an
//! entry, and a deep page costs what the first does; a search feed's by
//! its page number, as search pages are.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pressroom_domain::{Release, ReleaseId, ReleasePath};
use pressroom_render::{
    ATOM_TYPE, EntryChange, Feed, FeedPaging, JSON_FEED_TYPE, RSS_TYPE, SiteConfig,
};
use pressroom_search::{SearchRequest, Sort};
use pressroom_store::{ListPosition, PublicView};

use super::listing::{feed_title, parse_query, store_filter};
use crate::AppError;
use crate::middleware::LastModified;
use crate::search::{PublicSearch, SearchParams, feed_page_query, feed_query};

/// Entries per feed document: the newest releases of the view, the older
/// ones a `rel="next"` away. Readers poll often and the document is sent
/// whole each time, so it is kept to what peers send (GOV.UK 20, Ghost
/// 15, WordPress and Drupal 10), each entry with its full content.
pub(crate) const FEED_ENTRIES: u32 = 20;

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
    let cursor = parse_cursor(raw)?;
    let filter = store_filter(&q);
    let after = match &cursor {
        None => None,
        Some(path) => Some(position_after(public, path).await?),
    };
    // By keyset, without counting what the filter matches: a feed shows
    // no total, and at a million releases the count is most of the render.
    // One more than a page tells whether an older page exists.
    let mut releases = public
        .list_after(filter.clone(), after, FEED_ENTRIES + 1)
        .await?;
    let more = releases.len() > FEED_ENTRIES as usize;
    releases.truncate(FEED_ENTRIES as usize);
    let listing = q.with_page(1).to_url();
    let first = listing.strip_prefix('/').unwrap_or(&listing).to_owned();
    let paging = FeedPaging {
        this: cursor.as_ref().map(|c| with_cursor(&first, c)),
        previous: None,
        next: more
            .then(|| releases.last().map(|r| with_cursor(&first, &r.path())))
            .flatten(),
    };
    if cursor.is_none() {
        // After the newest, the recently corrected or withdrawn ones the
        // window does not hold, so that the news of a change to an old
        // release reaches subscribers too (on the first page: the one
        // readers poll).
        let amended = public
            .recently_amended(&filter, AMENDMENTS_WITHIN, AMENDED_ENTRIES)
            .await?;
        for r in amended {
            if !releases.iter().any(|e| e.id == r.id) {
                releases.push(r);
            }
        }
    }
    Ok(Feed::new(
        site,
        &listing,
        feed_title(site, &q),
        &releases,
        &entry_changes(public, &releases).await?,
    )
    .paged(paging))
}

/// The older page's cursor, if the query names one: `cursor=DATE~SLUG`,
/// the last entry of the page before (the read API's cursor). Refused
/// with what it takes when malformed.
fn parse_cursor(raw: Option<&str>) -> Result<Option<ReleasePath>, AppError> {
    let Some((_, value)) = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, v)| k == "cursor" && !v.trim().is_empty())
    else {
        return Ok(None);
    };
    crate::handlers::api::releases::parse_cursor(value.trim())
        .map(Some)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "The cursor {value:?} is not one this feed gave out: follow the feed's next link as it is."
            ))
        })
}

/// Where the page after `path` starts. A release the cursor names that is
/// no longer public there (its date corrected, say) still places the page:
/// from the start of the cursor's date, so entries may repeat but none is
/// skipped.
async fn position_after(public: &PublicView, path: &ReleasePath) -> Result<ListPosition, AppError> {
    Ok(match public.release(path).await? {
        Some(r) => ListPosition::after(&r),
        None => ListPosition {
            date: path.date,
            id: ReleaseId(i64::MAX),
        },
    })
}

/// The first page's query (`?kind=Readout` or empty) with a cursor after
/// `path`.
fn with_cursor(first: &str, path: &ReleasePath) -> String {
    let cursor = crate::handlers::api::releases::cursor_for(path);
    let pair = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("cursor", &cursor)
        .finish();
    if first.is_empty() {
        format!("?{pair}")
    } else {
        format!("{first}&{pair}")
    }
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
    let asked = params.to_request()?;
    let req = SearchRequest {
        sort: Sort::Newest,
        page: asked.page,
        per_page: FEED_ENTRIES,
        ..asked
    };
    let (results, releases) = search.search_with_releases(req.clone()).await?;
    let first = feed_query(&req);
    let page_query = |page: u32| feed_page_query(&req, page);
    let more = u64::from(req.page) * u64::from(FEED_ENTRIES) < results.total
        && req.page < SearchRequest::MAX_PAGE;
    let paging = FeedPaging {
        this: (req.page > 1).then(|| page_query(req.page)),
        previous: (req.page > 1).then(|| page_query(req.page - 1)),
        next: more.then(|| page_query(req.page + 1)),
    };
    let mut feed = Feed::new(
        site,
        &format!("/{first}"),
        format!("{}: search for {}", site.name, req.q.trim()),
        &releases,
        &entry_changes(public, &releases).await?,
    )
    .paged(paging);
    feed.html_url = site.absolute(&format!("/search{first}"));
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
