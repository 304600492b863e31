//! What tells crawlers what there is: `/robots.txt`, `/sitemap.xml` (one
//! sitemap, or an index once a release's id is past the first span) and
//! the numbered release sitemaps `/sitemaps/N.xml` the index points at,
//! each the public releases of one span of ids (`SiteConfig::sitemap_span`).

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::ops::RangeInclusive;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use pressroom_domain::ReleaseId;
use pressroom_render::{
    MAX_SITEMAP_URLS, SiteConfig, SitemapEntry, robots_txt, sitemap_file_ids, sitemap_file_of,
    sitemap_index, urlset,
};
use pressroom_store::{Facet, PublicView, ReleaseFilter};

use crate::AppError;
use crate::cache::CacheScope;
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

/// The span of ids each numbered file lists, as configured (a bad value
/// is refused when the settings load; clamped here all the same).
fn span(site: &SiteConfig) -> u64 {
    site.sitemap_span.clamp(1, MAX_SITEMAP_URLS)
}

/// The public releases whose id is in `ids`, in id order: one keyset seek to
/// the span's start, then batches of paths (no counts, no bodies).
async fn release_entries(
    public: &PublicView,
    site: &SiteConfig,
    ids: RangeInclusive<i64>,
) -> Result<Vec<SitemapEntry>, AppError> {
    let mut after = ids.start() - 1;
    let mut out = Vec::new();
    while after < *ids.end() {
        // Ids are distinct, so the span holds at most this many rows.
        let want = u32::try_from(ids.end() - after).map_or(WALK_BATCH, |n| n.min(WALK_BATCH));
        let batch = public.paths_after(Some(ReleaseId(after)), want).await?;
        let Some(last) = batch.last() else { break };
        after = last.id.0;
        let short = batch.len() < want as usize;
        out.extend(
            batch
                .into_iter()
                .take_while(|e| e.id.0 <= *ids.end())
                .map(|e| SitemapEntry {
                    loc: site.absolute(&e.path.to_string()),
                    lastmod: Some(e.updated_at),
                }),
        );
        if short {
            break;
        }
    }
    Ok(out)
}

/// The numbered files that list at least one public release, each with
/// its first public id: one seek per file to the first public id past the
/// previous file, all in one read.
async fn release_files(public: &PublicView, span: u64) -> Result<BTreeMap<u64, i64>, AppError> {
    // `span` is at most MAX_SITEMAP_URLS.
    let ids = u32::try_from(span)
        .ok()
        .and_then(NonZeroU32::new)
        .unwrap_or(NonZeroU32::MIN);
    let firsts = public.first_ids_of_spans(ids).await?;
    Ok(firsts
        .into_iter()
        .map(|id| (sitemap_file_of(id.0, span), id.0))
        .collect())
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

/// `/sitemap.xml`: every public page while the releases' ids all fit in
/// the first span, otherwise the index of the sitemap files.
pub(crate) async fn index(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
) -> Result<Response, AppError> {
    let span = span(&site);
    let files = release_files(&public, span).await?;
    if files.keys().all(|&n| n == 1) {
        let mut entries = fixed_pages(&public, &site).await?;
        if let Some(ids) = sitemap_file_ids(1, span) {
            entries.extend(release_entries(&public, &site, ids).await?);
        }
        let changed = newest(&entries);
        return Ok(xml(urlset(&entries), changed));
    }
    let mut entries = vec![SitemapEntry {
        loc: site.absolute("/sitemaps/pages.xml"),
        lastmod: None,
    }];
    entries.extend(files.keys().map(|n| SitemapEntry {
        loc: site.absolute(&format!("/sitemaps/{n}.xml")),
        lastmod: None,
    }));
    let mut res = xml(sitemap_index(&entries), None);
    // A publication into a file it names leaves it as it is: at a million
    // releases it is hundreds of seeks to take again.
    res.extensions_mut().insert(CacheScope::SitemapFiles {
        span,
        firsts: files,
    });
    Ok(res)
}

/// `/sitemaps/pages.xml` (the pages that are not releases) and
/// `/sitemaps/N.xml` (the public releases of the N-th span of ids), named
/// by the index. A file with no public release is not found, as the index
/// does not name it.
pub(crate) async fn file(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    if name == "pages.xml" {
        return Ok(xml(urlset(&fixed_pages(&public, &site).await?), None));
    }
    let ids = name
        .strip_suffix(".xml")
        .filter(|n| !n.starts_with('0'))
        .and_then(|n| n.parse().ok())
        .and_then(|n| sitemap_file_ids(n, span(&site)))
        .ok_or(AppError::NotFound)?;
    let entries = release_entries(&public, &site, ids.clone()).await?;
    if entries.is_empty() {
        return Err(AppError::NotFound);
    }
    let changed = newest(&entries);
    let mut res = xml(urlset(&entries), changed);
    // Only a change to one of its own releases alters it.
    res.extensions_mut().insert(CacheScope::ReleaseIds(ids));
    Ok(res)
}

/// `/robots.txt`.
pub(crate) async fn robots(State(site): State<Arc<SiteConfig>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        robots_txt(&site),
    )
        .into_response()
}
