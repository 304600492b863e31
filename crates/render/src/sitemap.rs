//! The sitemaps protocol (sitemaps.org 0.9): [`urlset`] for one sitemap,
//! [`sitemap_index`] for the index that replaces it once the site has more
//! releases than one span of ids ([`sitemap_file_ids`]: the numbered files
//! cut the release ids into fixed spans, so any file starts by a seek), and
//! [`robots_txt`] that points crawlers at it.

use std::ops::RangeInclusive;

use jiff::Timestamp;

use crate::{SiteConfig, rfc3339, xml_escape};

/// The protocol's limit of URLs in one sitemap file.
pub const MAX_SITEMAP_URLS: u64 = 50_000;

/// [`SiteConfig::sitemap_span`] unless set: a file of 5,000 releases is
/// about 850 KB, rendered and compressed in milliseconds and kept by the
/// render cache (a file of 50,000 was 8.4 MB, more than it keeps).
pub const DEFAULT_SITEMAP_SPAN: u64 = 5_000;

const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// One `<url>` of a sitemap, or one `<sitemap>` of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Absolute.
    pub loc: String,
    pub lastmod: Option<Timestamp>,
}

/// A `<urlset>` of at most [`MAX_SITEMAP_URLS`] entries.
pub fn urlset(entries: &[SitemapEntry]) -> String {
    document("urlset", "url", entries)
}

/// A `<sitemapindex>` naming each sitemap file.
pub fn sitemap_index(entries: &[SitemapEntry]) -> String {
    document("sitemapindex", "sitemap", entries)
}

fn document(root: &str, item: &str, entries: &[SitemapEntry]) -> String {
    let mut x = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{NS}\">\n");
    for e in entries {
        x.push_str(&format!(
            "  <{item}>\n    <loc>{}</loc>\n",
            xml_escape(&e.loc)
        ));
        if let Some(t) = e.lastmod {
            x.push_str(&format!("    <lastmod>{}</lastmod>\n", rfc3339(t)));
        }
        x.push_str(&format!("  </{item}>\n"));
    }
    x.push_str(&format!("</{root}>\n"));
    x
}

/// The release ids numbered sitemap file `n` (from 1) lists when each file
/// spans `span` ids; `None` for a file no id can be in.
pub fn sitemap_file_ids(n: u64, span: u64) -> Option<RangeInclusive<i64>> {
    let last = i64::try_from(n.checked_mul(span)?).ok()?;
    let first = last
        .checked_sub(i64::try_from(span).ok()?)?
        .checked_add(1)?;
    (n >= 1 && span >= 1).then_some(first..=last)
}

/// The numbered sitemap file that lists release `id` (at least 1).
pub fn sitemap_file_of(id: i64, span: u64) -> u64 {
    (id.max(1) as u64 - 1) / span.max(1) + 1
}

/// Crawlers may read everything but the exit notice (a page per outside
/// link, with nothing of its own), and are told where the sitemap is.
pub fn robots_txt(site: &SiteConfig) -> String {
    format!(
        "User-agent: *\nDisallow: {}\n\nSitemap: {}\n",
        crate::EXIT_NOTICE_PATH,
        site.absolute("/sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_files_cut_the_ids_into_spans_and_every_id_has_one_file() {
        assert_eq!(sitemap_file_ids(1, 5_000), Some(1..=5_000));
        assert_eq!(sitemap_file_ids(3, 5_000), Some(10_001..=15_000));
        assert_eq!(sitemap_file_ids(0, 5_000), None);
        assert_eq!(sitemap_file_ids(1, 0), None);
        assert_eq!(sitemap_file_ids(u64::MAX, 5_000), None);
        for id in [1, 4_999, 5_000, 5_001, 1_000_000] {
            let n = sitemap_file_of(id, 5_000);
            assert!(sitemap_file_ids(n, 5_000).is_some_and(|r| r.contains(&id)));
        }
        assert_eq!(sitemap_file_of(5_000, 5_000), 1);
        assert_eq!(sitemap_file_of(5_001, 5_000), 2);
    }

    #[test]
    fn locations_are_escaped_and_lastmod_is_a_w3c_datetime() {
        let at: Timestamp = "2026-06-01T12:00:00Z".parse().expect("ts");
        let x = urlset(&[SitemapEntry {
            loc: "https://press.example/?a=1&b=2".into(),
            lastmod: Some(at),
        }]);
        assert!(x.contains("<loc>https://press.example/?a=1&amp;b=2</loc>"));
        assert!(x.contains("<lastmod>2026-06-01T12:00:00Z</lastmod>"));
        let i = sitemap_index(&[SitemapEntry {
            loc: "https://press.example/sitemaps/1.xml".into(),
            lastmod: None,
        }]);
        assert!(i.starts_with("<?xml") && i.contains("<sitemapindex xmlns="));
        assert!(i.contains(
            "<sitemap>\n    <loc>https://press.example/sitemaps/1.xml</loc>\n  </sitemap>"
        ));
    }

    #[test]
    fn robots_txt_names_the_sitemap() {
        let site = SiteConfig {
            base_url: "https://press.example".into(),
            ..Default::default()
        };
        assert_eq!(
            robots_txt(&site),
            "User-agent: *\nDisallow: /leaving\n\nSitemap: https://press.example/sitemap.xml\n"
        );
    }
}
