use askama::Template;
use pressroom_domain::Release;
use thiserror::Error;

use crate::{SiteConfig, markdown_to_html};

/// A template failed to render; this is a bug in a template, never bad input.
#[derive(Debug, Error)]
#[error("rendering failed: {0}")]
pub struct RenderError(#[from] askama::Error);

/// One release in a listing: what a reader scans to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingItem {
    pub title: String,
    pub path: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub dateline: Option<String>,
    pub date_iso: String,
    pub date_long: String,
}

impl From<&Release> for ListingItem {
    fn from(r: &Release) -> Self {
        let c = &r.content;
        Self {
            title: c.title.to_string(),
            path: r.path().to_string(),
            kind: c.kind.as_ref().map(ToString::to_string),
            issuer: c.issuer.as_ref().map(ToString::to_string),
            dateline: c.dateline.as_ref().map(ToString::to_string),
            date_iso: c.date.date().to_string(),
            date_long: c.date.long_form(),
        }
    }
}

/// Where a listing page stands among its pages, with the links around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub page: u32,
    pub page_count: u32,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

impl Pagination {
    /// `url_for(n)` gives the address of page n (keeping any filters).
    pub fn new(page: u32, page_count: u32, url_for: impl Fn(u32) -> String) -> Self {
        Self {
            page,
            page_count,
            prev_url: (page > 1).then(|| url_for(page - 1)),
            next_url: (page < page_count).then(|| url_for(page + 1)),
        }
    }
}

#[derive(Debug, Template)]
#[template(path = "listing.html")]
pub struct ListingPage<'a> {
    pub site: &'a SiteConfig,
    pub heading: String,
    pub items: Vec<ListingItem>,
    pub total: u64,
    pub pagination: Pagination,
    pub canonical: String,
}

#[derive(Debug, Template)]
#[template(path = "release.html")]
pub struct ReleasePage<'a> {
    pub site: &'a SiteConfig,
    pub title: String,
    pub lang: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub dateline: Option<String>,
    pub date_iso: String,
    pub date_long: String,
    pub time: Option<String>,
    pub attribution: Option<String>,
    pub body_html: String,
    pub canonical: String,
}

impl<'a> ReleasePage<'a> {
    pub fn new(site: &'a SiteConfig, r: &Release) -> Self {
        let c = &r.content;
        Self {
            site,
            title: c.title.to_string(),
            lang: c.language.to_string(),
            kind: c.kind.as_ref().map(ToString::to_string),
            issuer: c.issuer.as_ref().map(ToString::to_string),
            dateline: c.dateline.as_ref().map(ToString::to_string),
            date_iso: c.date.date().to_string(),
            date_long: c.date.long_form(),
            time: c.date.time_form(),
            attribution: c.attribution.as_ref().map(ToString::to_string),
            body_html: markdown_to_html(&c.body.to_markdown()),
            canonical: site.absolute(&r.path().to_string()),
        }
    }
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub site: &'a SiteConfig,
    pub status: u16,
    pub heading: String,
    pub message: String,
}

/// Renders any page of this crate.
pub fn render<T: Template>(page: &T) -> Result<String, RenderError> {
    Ok(page.render()?)
}

impl ListingPage<'_> {
    pub fn to_html(&self) -> Result<String, RenderError> {
        render(self)
    }
}

impl ReleasePage<'_> {
    pub fn to_html(&self) -> Result<String, RenderError> {
        render(self)
    }
}

impl ErrorPage<'_> {
    pub fn to_html(&self) -> Result<String, RenderError> {
        render(self)
    }
}
