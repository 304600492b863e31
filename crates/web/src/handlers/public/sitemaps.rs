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
use pressroom_store::{Facet, PublicView, ReleaseFilter};

use crate::AppError;
use crate::middleware::LastModified;

const XML: &str = "application/xml; charset=utf-8";

/// Public paths read per step of a sitemap walk.
const WALK_BATCH: u32 = 5000;

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

/// Public releases `skip..skip+take` in id order, walked in batches of
/// paths (keyset, no deep offsets, no counts, no bodies).
async fn release_entries(
    public: &PublicView,
    site: &SiteConfig,
    skip: u64,
    take: u64,
) -> Result<Vec<SitemapEntry>, AppError> {
    let mut after = None;
    let mut skipped = 0u64;
    let mut out = Vec::new();
    while (out.len() as u64) < take {
        let batch = public.paths_after(after, WALK_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for e in batch {
            if skipped < skip {
                skipped += 1;
            } else if (out.len() as u64) < take {
                out.push(SitemapEntry {
                    loc: site.absolute(&e.path.to_string()),
                    lastmod: Some(e.updated_at),
                });
            }
        }
    }
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
    // The same releases the walk below lists (withdrawn pages stay public),
    // not the listing's count, which leaves withdrawn ones out.
    let total = public.public_count().await?;
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
/// `/sitemaps/N.xml` (public releases `(N-1)*50,000` on, in id order),
/// named by the index.
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
