use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Html;
use pressroom_domain::ReleaseDate;
use pressroom_render::{
    Pagination, SearchFacetGroup, SearchFacetLink, SearchHitView, SearchPage, SiteConfig,
    SnippetPiece, SortLink, SuggestionView,
};
use pressroom_search::{FacetValue, SearchRequest, SearchResults, Sort};

use crate::AppError;
use crate::search::{PublicSearch, SearchParams, feed_query, search_url};

/// `/search`: the form, its help, and the results with facets, snippets,
/// sorting, pagination and "did you mean". Any query text gives a page;
/// only malformed parameters (a page number that is not a number) get 400.
pub(crate) async fn show(
    State(search): State<PublicSearch>,
    State(site): State<Arc<SiteConfig>>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Html<String>, AppError> {
    let req = SearchParams::from_query(params)?.to_request()?;
    let results = search.search(req.clone()).await?;
    let page = view(&site, &req, results);
    Ok(Html(page.to_html()?))
}

fn view<'a>(site: &'a SiteConfig, req: &SearchRequest, results: SearchResults) -> SearchPage<'a> {
    let per_page = u64::from(req.per_page.max(1));
    let page_count = u32::try_from(results.total.div_ceil(per_page))
        .unwrap_or(u32::MAX)
        .clamp(1, SearchRequest::MAX_PAGE);
    let url_for = |n: u32| search_url("/search", req, n);
    let hits = results
        .hits
        .into_iter()
        .map(|h| SearchHitView {
            title: h.title,
            path: h.path,
            kind: h.kind,
            issuer: h.issuer,
            dateline: h.dateline,
            date_iso: h.date.to_string(),
            date_long: ReleaseDate::from_date(h.date)
                .map(|d| d.long_form())
                .unwrap_or_else(|_| h.date.to_string()),
            snippet: h
                .snippet
                .into_iter()
                .map(|p| SnippetPiece {
                    text: p.text,
                    mark: p.mark,
                })
                .collect(),
        })
        .collect();
    let group = |name: &'static str,
                 key: &'static str,
                 values: Vec<FacetValue>,
                 selected: Option<String>,
                 set: &dyn Fn(&mut SearchRequest, Option<String>)| {
        let with = |v: Option<String>| {
            let mut r = req.clone();
            set(&mut r, v);
            search_url("/search", &r, 1)
        };
        SearchFacetGroup {
            name,
            key,
            links: values
                .into_iter()
                .map(|v| SearchFacetLink {
                    selected: selected.as_deref() == Some(v.value.as_str()),
                    url: with(Some(v.value.clone())),
                    label: v.value,
                    count: v.count,
                })
                .collect(),
            clear_url: selected.is_some().then(|| with(None)),
        }
    };
    let facets = vec![
        group(
            "Kind",
            "kind",
            results.facets.kind,
            req.kind.clone(),
            &|r, v| r.kind = v,
        ),
        group(
            "Year",
            "year",
            results.facets.year,
            req.year.map(|y| y.to_string()),
            &|r, v| {
                r.year = v.and_then(|y| y.parse().ok());
            },
        ),
        group(
            "Issuer",
            "issuer",
            results.facets.issuer,
            req.issuer.clone(),
            &|r, v| r.issuer = v,
        ),
    ];
    let sorts = [
        (Sort::Relevance, "best match"),
        (Sort::Newest, "newest"),
        (Sort::Oldest, "oldest"),
    ]
    .into_iter()
    .map(|(sort, label)| SortLink {
        label,
        url: search_url(
            "/search",
            &SearchRequest {
                sort,
                ..req.clone()
            },
            1,
        ),
        selected: req.sort == sort,
    })
    .collect();
    let suggestion = results.suggestion.map(|s| SuggestionView {
        url: search_url(
            "/search",
            &SearchRequest {
                q: s.q.clone(),
                ..req.clone()
            },
            1,
        ),
        q: s.q,
    });
    SearchPage {
        site,
        q: req.q.clone(),
        sort: req.sort.as_str(),
        searched: results.searched,
        total: results.total,
        hits,
        facets,
        sorts,
        suggestion,
        notices: results.notices.iter().map(ToString::to_string).collect(),
        pagination: Pagination::new(req.page, page_count, url_for),
        canonical: site.absolute(&url_for(req.page)),
        feed_query: results
            .searched
            .then(|| feed_query(req).trim_start_matches('?').to_owned())
            .filter(|q| !q.is_empty()),
    }
}
