//! Turning releases into what readers get: [`markdown_to_html`] and
//! [`body_to_html`] (sanitized with ammonia, outside links sent through the
//! exit notice by a [`LinkPolicy`]), the [`SiteConfig`] every page is framed
//! by, [`ListingQuery`] (the listing's filters as a URL), server-drawn SVG
//! [`BarChart`]s, and the page views ([`ListingPage`], [`ArchivePage`],
//! [`ReleasePage`], [`ExitPage`], [`ErrorPage`], [`SearchPage`]) rendered by askama
//! templates, the syndication [`Feed`] (Atom, RSS, JSON Feed), the sitemaps
//! ([`urlset`], [`sitemap_index`], [`robots_txt`]), the [`newsroom`]'s
//! pages (sign-in, dashboard, users, tokens, audit log, editor), and the read API's
//! [`ApiRelease`] with its OpenAPI description. Pure: no IO, no clock; the web layer hands it what to show.
//!
//! In the reading pipeline this is the last step before the web: store ->
//! render -> web.

mod api;
mod chart;
mod feeds;
mod links;
mod listing_query;
mod markdown;
pub mod newsroom;
mod pages;
mod search;
mod site;
mod sitemap;
mod verify;

pub use api::{ApiRelease, OPENAPI};
pub use chart::{Bar, BarChart, ChartRow};
pub use feeds::{
    ATOM_TYPE, EntryChange, Feed, FeedEntry, FeedPaging, JSON_FEED_TYPE, RSS_TYPE,
    WITHDRAWAL_NOTICE, absolute_links, cdata, rfc2822, rfc3339, xml_escape,
};
pub use links::{EXIT_NOTICE_PATH, LinkPolicy, exit_notice_href, external_host};
pub use listing_query::ListingQuery;
pub use markdown::{body_to_html, links_in, markdown_to_html, markdown_to_text};
pub use pages::{
    ActiveFilter, ArchivePage, ArchiveYear, DiffKind, DiffLine, DiffPiece, ErrorPage, ExitPage,
    FacetGroup, FacetOption, HistoryEntry, ListingItem, ListingPage, NeighbourLink, Pagination,
    PreviewMark, PublicRevision, ReleasePage, RenderError, WithdrawalNotice, issued_at, moment,
    month_name, revision_diff, site_time,
};
pub use search::{
    SearchFacetGroup, SearchFacetLink, SearchHitView, SearchPage, SnippetPiece, SortLink,
    SuggestionView,
};
pub use site::SiteConfig;
pub use sitemap::{
    DEFAULT_SITEMAP_SPAN, MAX_SITEMAP_URLS, SitemapEntry, robots_txt, sitemap_file_ids,
    sitemap_file_of, sitemap_index, urlset,
};
pub use verify::{VerifyPage, VerifyRelease};

/// The portal's stylesheet, served by the web layer.
pub const STYLESHEET: &str = include_str!("../static/style.css");

/// The print stylesheet: a release on paper, without the site's chrome.
pub const PRINT_STYLESHEET: &str = include_str!("../static/print.css");

/// The site's icon.
pub const FAVICON: &str = include_str!("../static/favicon.svg");
