//! Full-text search over public releases, on tantivy: [`SearchIndex`]
//! (open, query with facets, snippets and spelling suggestions),
//! [`IndexUpdater`] (upsert and remove releases, rebuild), the reader's
//! tolerant query language in [`query`] ([`parse`], [`Notice`]), and the
//! request and result types ([`SearchRequest`], [`SearchResults`]).
//!
//! In the reading pipeline: store -> **search index** -> web. The index is
//! derived state: it holds only releases that are published (never drafts,
//! scheduled, embargoed or withdrawn ones), each with its publication time,
//! and every query filters on `published_at <= now`; `pressroom reindex`
//! rebuilds it from the store at any time. Depends on the domain only.

mod directory;
mod error;
mod facets;
mod index;
#[cfg(test)]
mod oracle_tests;
pub mod query;
mod results;
mod schema;

pub use error::SearchError;
pub use index::{IndexUpdater, SearchIndex};
pub use query::{Clause, Notice, ParsedQuery, parse};
pub use results::{
    FacetValue, Facets, Hit, SearchRequest, SearchResults, SnippetPart, Sort, Suggestion,
};
