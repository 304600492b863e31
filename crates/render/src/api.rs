//! The read API's representation of a release ([`ApiRelease`]): stable
//! field names, times in RFC 3339 with an offset, the body both as
//! sanitized HTML and as plain text. Its shape is what `/api/openapi.json`
//! (`OPENAPI`) documents; a test holds the two together.

use pressroom_domain::{Release, Status};
use serde::Serialize;

use crate::{
    LinkPolicy, SiteConfig, absolute_links, body_to_html, issued_at, markdown_to_text, site_time,
};

/// The OpenAPI 3.1 description of the read API, served at
/// `/api/openapi.json` with the site's address as its server.
pub const OPENAPI: &str = include_str!("../api/openapi.json");

/// One public release, as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiRelease {
    /// `2018/12/19/sanctions-announcement-on-russia`: the date and slug,
    /// unique and permanent; also the tail of the API and page addresses.
    pub id: String,
    /// The release page, absolute.
    pub url: String,
    pub title: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub dateline: Option<String>,
    /// The statement's date, `YYYY-MM-DD`.
    pub date: String,
    /// With a time of day: when it was issued, in its own zone's offset.
    pub issued_at: Option<String>,
    pub attribution: Option<String>,
    pub language: String,
    /// `published` or `withdrawn`.
    pub status: &'static str,
    pub revision: u32,
    /// When it went public on this site.
    pub published_at: String,
    /// When its public record last changed.
    pub updated_at: String,
    /// The first paragraph, as plain text.
    pub summary: String,
    /// The sanitized body, links absolute.
    pub body_html: String,
    pub body_text: String,
    /// The proof that this revision is in the site's transparency log.
    pub proof_url: String,
}

impl ApiRelease {
    pub fn new(site: &SiteConfig, r: &Release) -> Self {
        let c = &r.content;
        let path = r.path().to_string();
        Self {
            id: path.trim_start_matches("/releases/").to_owned(),
            url: site.absolute(&path),
            title: c.title.to_string(),
            kind: c.kind.as_ref().map(ToString::to_string),
            issuer: c.issuer.as_ref().map(ToString::to_string),
            dateline: c.dateline.as_ref().map(ToString::to_string),
            date: c.date.date().to_string(),
            issued_at: issued_at(&c.date),
            attribution: c.attribution.as_ref().map(ToString::to_string),
            language: c.language.to_string(),
            status: if r.status == Status::Withdrawn {
                "withdrawn"
            } else {
                "published"
            },
            revision: r.revision,
            published_at: site_time(site, r.published_at.unwrap_or(r.created_at)),
            updated_at: site_time(site, r.updated_at),
            summary: markdown_to_text(c.body.texts().next().unwrap_or_default()),
            body_html: absolute_links(
                &body_to_html(&c.body.to_markdown(), &LinkPolicy::new(site)),
                site,
            ),
            body_text: c
                .body
                .texts()
                .map(markdown_to_text)
                .collect::<Vec<_>>()
                .join("\n\n"),
            proof_url: site.absolute(&format!("{path}/proof")),
        }
    }
}
