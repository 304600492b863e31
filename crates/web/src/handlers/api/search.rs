use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use pressroom_search::{Facets, Hit, Notice, Suggestion};
use serde::Serialize;

use crate::AppError;
use crate::search::{PublicSearch, SearchParams, search_url};

/// The answer of `/api/search`.
#[derive(Debug, Serialize)]
pub(crate) struct ApiResults {
    query: String,
    page: u32,
    per_page: u32,
    sort: &'static str,
    total: u64,
    searched: bool,
    hits: Vec<Hit>,
    facets: Facets,
    suggestion: Option<Suggestion>,
    /// What the reader should know about the query, in plain words.
    messages: Vec<String>,
    notices: Vec<Notice>,
    /// The next page of results, if there is one.
    next: Option<String>,
}

/// `/api/search`: the same parameters and results as `/search`, as JSON.
pub(crate) async fn search(
    State(search): State<PublicSearch>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<ApiResults>, AppError> {
    let req = SearchParams::from_query(params)?.to_request()?;
    let results = search.search(req.clone()).await?;
    let seen = u64::from(req.page) * u64::from(req.per_page);
    let next = (seen < results.total && req.page < pressroom_search::SearchRequest::MAX_PAGE)
        .then(|| search_url("/api/search", &req, req.page + 1));
    Ok(Json(ApiResults {
        query: req.q.clone(),
        page: req.page,
        per_page: req.per_page,
        sort: req.sort.as_str(),
        total: results.total,
        searched: results.searched,
        hits: results.hits,
        facets: results.facets,
        suggestion: results.suggestion,
        messages: results.notices.iter().map(ToString::to_string).collect(),
        notices: results.notices,
        next,
    }))
}
