//! The sitemaps protocol (sitemaps.org 0.9): [`urlset`] for one sitemap,
//! [`sitemap_index`] for the index that replaces it once the site has more
//! URLs than one sitemap may hold ([`MAX_SITEMAP_URLS`]), and [`robots_txt`]
//! that points crawlers at it.

use jiff::Timestamp;

use crate::{SiteConfig, rfc3339, xml_escape};

/// The protocol's limit of URLs in one sitemap file.
pub const MAX_SITEMAP_URLS: u64 = 50_000;

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

/// How many release sitemap files `releases` releases need when the site
/// has `fixed` other pages: 0 means everything fits in one sitemap and no
/// index is needed.
pub fn release_sitemap_count(fixed: u64, releases: u64) -> u64 {
    if fixed + releases <= MAX_SITEMAP_URLS {
        0
    } else {
        releases.div_ceil(MAX_SITEMAP_URLS)
    }
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
    fn a_site_within_the_limit_has_one_sitemap_and_past_it_an_index() {
        assert_eq!(release_sitemap_count(3, 49_997), 0);
        assert_eq!(release_sitemap_count(3, 49_998), 1);
        assert_eq!(release_sitemap_count(3, 100_000), 2);
        assert_eq!(release_sitemap_count(3, 100_001), 3);
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
