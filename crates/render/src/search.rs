//! The search page's view: what the web layer hands the `search.html`
//! template once a search has run (or not, for the empty form).

use askama::Template;

use crate::SiteConfig;
use crate::pages::{Pagination, RenderError, render};

/// A piece of a result's snippet; `mark` pieces matched the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPiece {
    pub text: String,
    pub mark: bool,
}

/// One result as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHitView {
    pub title: String,
    pub path: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub dateline: Option<String>,
    pub date_iso: String,
    pub date_long: String,
    pub snippet: Vec<SnippetPiece>,
}

/// A link that narrows (or, when selected, widens) the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFacetLink {
    pub label: String,
    pub count: u64,
    pub url: String,
    pub selected: bool,
}

/// The values of one facet, with a link that removes its filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFacetGroup {
    pub name: &'static str,
    /// A stable id for the markup ("kind", "issuer", "year").
    pub key: &'static str,
    pub links: Vec<SearchFacetLink>,
    pub clear_url: Option<String>,
}

/// A choice of result order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortLink {
    pub label: &'static str,
    pub url: String,
    pub selected: bool,
}

/// "Did you mean": the corrected search and its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionView {
    pub q: String,
    pub url: String,
}

#[derive(Debug, Template)]
#[template(path = "search.html")]
pub struct SearchPage<'a> {
    pub site: &'a SiteConfig,
    pub q: String,
    /// Sort kept when the form is submitted again.
    pub sort: &'static str,
    /// Whether a search ran (false for the empty form or a query with only
    /// very common words).
    pub searched: bool,
    pub total: u64,
    pub hits: Vec<SearchHitView>,
    pub facets: Vec<SearchFacetGroup>,
    pub sorts: Vec<SortLink>,
    pub suggestion: Option<SuggestionView>,
    pub notices: Vec<String>,
    pub pagination: Pagination,
    pub canonical: String,
    /// The search's feed addresses (Atom, RSS, JSON Feed), for
    /// autodiscovery; `None` when no search ran.
    pub feed_query: Option<String>,
}

impl SearchPage<'_> {
    pub fn to_html(&self) -> Result<String, RenderError> {
        render(self)
    }
}
