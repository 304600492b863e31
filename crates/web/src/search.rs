//! Search as the public may use it: [`PublicSearch`] runs a query on the
//! index for what is public now and re-checks every hit through the
//! [`PublicView`] gate; [`SearchParams`] are the query-string parameters
//! the page and the JSON API share.

use std::collections::HashMap;
use std::sync::Arc;

use pressroom_domain::{Release, ReleaseId, ReleasePath, Status};
use pressroom_search::{SearchIndex, SearchRequest, SearchResults, Sort};
use pressroom_store::PublicView;
use serde::Deserialize;

use crate::AppError;

/// Results per page unless `per_page` asks otherwise.
pub(crate) const PER_PAGE: u32 = 10;

/// The search index behind the visibility gate. The index holds only
/// published releases and filters on `published_at <= now`; each hit is
/// then looked up through `PublicView` (all of a page's hits in one read)
/// and dropped unless it is listed now at the same address, so a stale
/// index (a withdrawal another process made a moment ago) still cannot
/// show a release that is not public.
#[derive(Debug, Clone)]
pub struct PublicSearch {
    index: Arc<SearchIndex>,
    view: PublicView,
}

impl PublicSearch {
    pub fn new(index: Arc<SearchIndex>, view: PublicView) -> Self {
        Self { index, view }
    }

    /// Runs the search, or answers "nothing asked" (no search ran) for an
    /// empty query without filters: the bare form needs no work.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResults, AppError> {
        let Some(mut results) = self.search_index(request).await? else {
            return Ok(SearchResults::default());
        };
        // The page's hits pass the gate in one read of their ids and paths
        // (no bodies): a hit the store no longer lists, or lists at another
        // address, is dropped.
        let ids: Vec<ReleaseId> = results.hits.iter().map(|h| ReleaseId(h.id)).collect();
        let listed: HashMap<ReleaseId, String> = self
            .view
            .listed_paths(&ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e.path.to_string()))
            .collect();
        let before = results.hits.len();
        results.hits.retain(|hit| {
            let public = listed.get(&ReleaseId(hit.id)) == Some(&hit.path);
            if !public {
                tracing::warn!(path = %hit.path, "search index is stale: dropped a hit that is not public");
            }
            public
        });
        let dropped = before - results.hits.len();
        results.total = results.total.saturating_sub(dropped as u64);
        Ok(results)
    }

    /// The index's answer, before the gate; `None` when nothing was asked.
    async fn search_index(
        &self,
        request: SearchRequest,
    ) -> Result<Option<SearchResults>, AppError> {
        let nothing_asked = request.q.trim().is_empty()
            && request.kind.is_none()
            && request.issuer.is_none()
            && request.year.is_none();
        if nothing_asked {
            return Ok(None);
        }
        let index = self.index.clone();
        let now = self.view.now();
        let results = tokio::task::spawn_blocking(move || index.search(&request, now))
            .await
            .map_err(|e| AppError::Internal(format!("search task failed: {e}")))??;
        Ok(Some(results))
    }

    /// [`PublicSearch::search`] with the public release of each hit kept,
    /// in the same order (what the search feeds are made of).
    pub async fn search_with_releases(
        &self,
        request: SearchRequest,
    ) -> Result<(SearchResults, Vec<Release>), AppError> {
        let Some(mut results) = self.search_index(request).await? else {
            return Ok((SearchResults::default(), Vec::new()));
        };
        let mut kept = Vec::with_capacity(results.hits.len());
        let mut releases = Vec::with_capacity(results.hits.len());
        for hit in std::mem::take(&mut results.hits) {
            if let Some(release) = self.public_release(&hit.path, hit.id).await? {
                kept.push(hit);
                releases.push(release);
            } else {
                tracing::warn!(path = %hit.path, "search index is stale: dropped a hit that is not public");
                results.total = results.total.saturating_sub(1);
            }
        }
        results.hits = kept;
        Ok((results, releases))
    }

    /// The release a hit names, if the gate says it is public now and it is
    /// not withdrawn (a withdrawn release keeps its page but leaves search).
    /// A scheduled or embargoed release passes from its time, as everywhere.
    async fn public_release(&self, path: &str, id: i64) -> Result<Option<Release>, AppError> {
        let segments: Vec<&str> = path.trim_start_matches("/releases/").split('/').collect();
        let [y, m, d, slug] = segments.as_slice() else {
            return Ok(None);
        };
        let Ok(path) = ReleasePath::from_segments(y, m, d, slug) else {
            return Ok(None);
        };
        Ok(self
            .view
            .release(&path)
            .await?
            .filter(|r| r.id.0 == id && r.status != Status::Withdrawn))
    }
}

/// The parameters of `/search` and `/api/search`, as given. Every one is
/// optional; malformed values are the reader's mistake, told plainly.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl SearchParams {
    /// The parameters, or a 400 that names what could not be read (a
    /// parameter given twice, say), as a page or as problem details like
    /// every other error, never the framework's plain-text rejection.
    pub(crate) fn from_query(
        query: Result<axum::extract::Query<Self>, axum::extract::rejection::QueryRejection>,
    ) -> Result<Self, AppError> {
        query.map(|axum::extract::Query(p)| p).map_err(|e| {
            AppError::BadRequest(format!(
                "The search parameters could not be read ({}): give each parameter at most once.",
                e.body_text()
            ))
        })
    }
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl SearchParams {
    /// The parameters of a raw query string (the feeds read it raw, since
    /// they also serve the listing's filters). Unknown keys are ignored.
    pub(crate) fn from_raw(raw: Option<&str>) -> Self {
        let mut p = Self::default();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let slot = match key.as_ref() {
                "q" => &mut p.q,
                "kind" => &mut p.kind,
                "issuer" => &mut p.issuer,
                "year" => &mut p.year,
                "sort" => &mut p.sort,
                "page" => &mut p.page,
                "per_page" => &mut p.per_page,
                _ => continue,
            };
            *slot = Some(value.into_owned());
        }
        p
    }

    pub(crate) fn to_request(&self) -> Result<SearchRequest, AppError> {
        // Numbers and the order must be well formed when given at all (an
        // empty `year=` is refused, as the OpenAPI document says); the
        // texts may be empty, which means "any".
        let year = match self.year.as_deref().map(str::trim) {
            None => None,
            Some(y) => Some(
                y.parse::<i16>()
                    .ok()
                    .filter(|y| (1000..=9999).contains(y))
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "The year {y:?} is not valid: use four digits, such as 2018."
                        ))
                    })?,
            ),
        };
        let sort = match self.sort.as_deref().map(str::trim) {
            None => Sort::Relevance,
            Some(s) => Sort::parse(s).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The sort {s:?} is not valid: use relevance, newest or oldest."
                ))
            })?,
        };
        let page =
            whole_number("page", self.page.as_deref(), 1, SearchRequest::MAX_PAGE)?.unwrap_or(1);
        let per_page = whole_number(
            "per_page",
            self.per_page.as_deref(),
            1,
            SearchRequest::MAX_PER_PAGE,
        )?
        .unwrap_or(PER_PAGE);
        Ok(SearchRequest {
            q: self.q.clone().unwrap_or_default(),
            kind: facet_value("kind", &self.kind)?,
            issuer: facet_value("issuer", &self.issuer)?,
            year,
            sort,
            page,
            per_page,
        })
    }
}

/// Longest kind or issuer accepted as a filter (the read API's limit).
const MAX_FACET_CHARS: usize = 200;

fn facet_value(name: &str, v: &Option<String>) -> Result<Option<String>, AppError> {
    match non_empty(v) {
        Some(s) if s.chars().count() > MAX_FACET_CHARS => Err(AppError::BadRequest(format!(
            "The {name} filter is too long: at most {MAX_FACET_CHARS} characters."
        ))),
        other => Ok(other),
    }
}

fn whole_number(
    name: &str,
    raw: Option<&str>,
    min: u32,
    max: u32,
) -> Result<Option<u32>, AppError> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "The {name} {s:?} is not valid: use a whole number from {min} to {max}."
                ))
            }),
    }
}

/// The address of a search with these parameters (empty ones left out).
pub(crate) fn search_url(base: &str, req: &SearchRequest, page: u32) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !req.q.is_empty() {
        pairs.push(("q", req.q.clone()));
    }
    if let Some(k) = &req.kind {
        pairs.push(("kind", k.clone()));
    }
    if let Some(i) = &req.issuer {
        pairs.push(("issuer", i.clone()));
    }
    if let Some(y) = req.year {
        pairs.push(("year", y.to_string()));
    }
    if req.sort != Sort::Relevance {
        pairs.push(("sort", req.sort.as_str().to_owned()));
    }
    if req.per_page != PER_PAGE {
        pairs.push(("per_page", req.per_page.to_string()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let qs = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if qs.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{qs}")
    }
}

/// The query string (`?q=...`) that names a search's feeds and page: the
/// query and filters, not the page or the order (a feed is always newest
/// first).
pub(crate) fn feed_query(req: &SearchRequest) -> String {
    feed_page_query(req, 1)
}

/// The query string of page `page` of a search's feed: [`feed_query`]
/// with `page=` from the second page on.
pub(crate) fn feed_page_query(req: &SearchRequest, page: u32) -> String {
    let base = SearchRequest {
        sort: Sort::Relevance,
        per_page: PER_PAGE,
        ..req.clone()
    };
    search_url("", &base, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> SearchParams {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let uri: axum::http::Uri = format!("/search?{qs}").parse().unwrap();
        axum::extract::Query::<SearchParams>::try_from_uri(&uri)
            .unwrap()
            .0
    }

    #[test]
    fn parameters_parse_or_say_what_is_wrong() {
        let req = params(&[
            ("q", "visa"),
            ("year", "2018"),
            ("sort", "newest"),
            ("page", "2"),
        ])
        .to_request()
        .unwrap();
        assert_eq!(
            (req.year, req.sort, req.page),
            (Some(2018), Sort::Newest, 2)
        );
        for (k, v) in [
            ("year", "18"),
            ("sort", "best"),
            ("page", "0"),
            ("page", "x"),
            ("per_page", "1000"),
        ] {
            let Err(AppError::BadRequest(msg)) = params(&[(k, v)]).to_request() else {
                panic!("{k}={v} should be refused");
            };
            assert!(msg.contains(v), "{msg}");
        }
    }

    #[test]
    fn a_search_url_keeps_only_what_is_set() {
        let req = params(&[("q", "visa & co"), ("kind", "Media Note")])
            .to_request()
            .unwrap();
        assert_eq!(
            search_url("/search", &req, 2),
            "/search?q=visa+%26+co&kind=Media+Note&page=2"
        );
        assert_eq!(
            search_url(
                "/search",
                &SearchRequest {
                    per_page: PER_PAGE,
                    ..Default::default()
                },
                1
            ),
            "/search"
        );
    }
}
