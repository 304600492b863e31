//! What a search asks and what it answers.

use jiff::civil::Date;
use serde::Serialize;

use crate::Notice;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first; a match in the title counts most.
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
        }
    }

    /// Reads `relevance`, `newest` or `oldest`; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [Sort::Relevance, Sort::Newest, Sort::Oldest]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// One search: the reader's query text plus the facet values chosen on the
/// page (exact values, as the facet lists show them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    pub q: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<i16>,
    pub sort: Sort,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl SearchRequest {
    /// Deepest page served: results beyond it are better found by narrowing
    /// the search.
    pub const MAX_PAGE: u32 = 500;
    pub const MAX_PER_PAGE: u32 = 50;
}

/// A piece of a snippet; `mark` pieces matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub mark: bool,
}

/// One matching release, with what a result list shows of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The store's id, to re-check the hit at the visibility gate.
    #[serde(skip)]
    pub id: i64,
    pub path: String,
    pub title: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub dateline: Option<String>,
    pub date: Date,
    /// The relevance score; `None` when sorted by date.
    pub score: Option<f32>,
    /// Text around the best match in the body, matches marked.
    pub snippet: Vec<SnippetPart>,
}

/// One value of a facet and how many results carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// Counts of the results per kind, issuer and year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub kind: Vec<FacetValue>,
    pub issuer: Vec<FacetValue>,
    pub year: Vec<FacetValue>,
}

/// "Did you mean": the query with misspelled words replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub q: String,
    /// The corrected words, for emphasis on the page.
    pub corrected: Vec<String>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// How many releases match in all.
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub suggestion: Option<Suggestion>,
    pub notices: Vec<Notice>,
    /// False when the query asked for nothing searchable (empty, or only
    /// very common words): no search ran.
    pub searched: bool,
}
