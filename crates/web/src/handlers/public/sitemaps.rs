//! What tells crawlers what there is: `/robots.txt`, `/sitemap.xml` (one
//! sitemap, or an index once past the protocol's 50,000 URLs) and the
//! numbered release sitemaps `/sitemaps/N.xml` the index points at.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use pressroom_render::{
    MAX_SITEMAP_URLS, SiteConfig, SitemapEntry, release_sitemap_count, robots_txt, sitemap_index,
    urlset,
};
use pressroom_store::{Facet, PageRequest, PublicView, ReleaseFilter};

use crate::AppError;
use crate::middleware::LastModified;

const XML: &str = "application/xml; charset=utf-8";

/// The pages that are not releases: the listing, the archive and each
/// archive year.
async fn fixed_pages(
    public: &PublicView,
    site: &SiteConfig,
) -> Result<Vec<SitemapEntry>, AppError> {
    let years = public
        .facet_counts(Facet::Year, &ReleaseFilter::default())
        .await?;
    let mut entries = vec![
        SitemapEntry {
            loc: site.absolute("/"),
            lastmod: None,
        },
        SitemapEntry {
            loc: site.absolute("/archive"),
            lastmod: None,
        },
    ];
    entries.extend(years.iter().map(|y| SitemapEntry {
        loc: site.absolute(&format!("/archive/{}", y.value)),
        lastmod: None,
    }));
    Ok(entries)
}

/// Releases `skip..skip+take` in listing order, read a page at a time so
/// that no more than a page of bodies is in memory.
async fn release_entries(
    public: &PublicView,
    site: &SiteConfig,
    skip: u64,
    take: u64,
) -> Result<Vec<SitemapEntry>, AppError> {
    let per = u64::from(PageRequest::MAX_PER_PAGE);
    // Sitemap files hold a multiple of the page size, so `skip` is aligned.
    let mut page = u32::try_from(skip / per + 1).map_err(|_| AppError::NotFound)?;
    let mut out = Vec::new();
    while (out.len() as u64) < take {
        let batch = public
            .list(
                ReleaseFilter::default(),
                PageRequest::new(page, PageRequest::MAX_PER_PAGE),
            )
            .await?;
        if batch.items.is_empty() {
            break;
        }
        out.extend(batch.items.iter().map(|r| SitemapEntry {
            loc: site.absolute(&r.path().to_string()),
            lastmod: Some(r.updated_at),
        }));
        page += 1;
    }
    out.truncate(usize::try_from(take).unwrap_or(usize::MAX));
    Ok(out)
}

fn xml(body: String, changed: Option<Timestamp>) -> Response {
    let mut res = ([(header::CONTENT_TYPE, XML)], body).into_response();
    if let Some(t) = changed {
        res.extensions_mut().insert(LastModified(t));
    }
    res
}

fn newest(entries: &[SitemapEntry]) -> Option<Timestamp> {
    entries.iter().filter_map(|e| e.lastmod).max()
}

/// `/sitemap.xml`: every public page, or the index of the sitemap files.
pub(crate) async fn index(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
) -> Result<Response, AppError> {
    let fixed = fixed_pages(&public, &site).await?;
    let total = public
        .list(ReleaseFilter::default(), PageRequest::new(1, 1))
        .await?
        .total;
    let files = release_sitemap_count(fixed.len() as u64, total);
    if files == 0 {
        let mut entries = fixed;
        entries.extend(release_entries(&public, &site, 0, total).await?);
        let changed = newest(&entries);
        return Ok(xml(urlset(&entries), changed));
    }
    let mut entries = vec![SitemapEntry {
        loc: site.absolute("/sitemaps/pages.xml"),
        lastmod: None,
    }];
    entries.extend((1..=files).map(|n| SitemapEntry {
        loc: site.absolute(&format!("/sitemaps/{n}.xml")),
        lastmod: None,
    }));
    Ok(xml(sitemap_index(&entries), None))
}

/// `/sitemaps/pages.xml` (the pages that are not releases) and
/// `/sitemaps/N.xml` (releases `(N-1)*50,000` on), named by the index.
pub(crate) async fn file(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    if name == "pages.xml" {
        return Ok(xml(urlset(&fixed_pages(&public, &site).await?), None));
    }
    let n: u64 = name
        .strip_suffix(".xml")
        .filter(|n| !n.starts_with('0'))
        .and_then(|n| n.parse().ok())
        .ok_or(AppError::NotFound)?;
    let skip = n
        .checked_sub(1)
        .and_then(|k| k.checked_mul(MAX_SITEMAP_URLS))
        .ok_or(AppError::NotFound)?;
    let entries = release_entries(&public, &site, skip, MAX_SITEMAP_URLS).await?;
    if entries.is_empty() {
        return Err(AppError::NotFound);
    }
    let changed = newest(&entries);
    Ok(xml(urlset(&entries), changed))
}

/// `/robots.txt`.
pub(crate) async fn robots(State(site): State<Arc<SiteConfig>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        robots_txt(&site),
    )
        .into_response()
}
