use serde::Deserialize;

/// Who runs the portal and how its pages are framed. Loaded by the binary
/// from a TOML file and the environment; every page shows its footer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// Shown in the header and in page titles.
    pub name: String,
    /// The organisation that operates the site, named in the footer.
    pub operator: String,
    /// The footer disclaimer; `{operator}` is replaced by the operator.
    pub footer: String,
    /// The public origin, without a trailing slash, for absolute URLs.
    pub base_url: String,
    /// IANA zone in which dates without their own zone are read, and in
    /// which publication times are shown.
    pub time_zone: String,
    /// Domains that release bodies may link to directly; links anywhere else
    /// go through the exit notice. `gov` allows every `*.gov` host;
    /// `example.org` allows it and its subdomains. The site's own host is
    /// always allowed.
    pub allowed_domains: Vec<String>,
    /// Release ids per numbered sitemap file: `/sitemaps/N.xml` lists the
    /// public releases whose id is in the N-th span, so a file starts by a
    /// seek on the id and changes only when one of its own releases does,
    /// and stays small enough for the render cache to keep. At most
    /// [`crate::MAX_SITEMAP_URLS`].
    pub sitemap_span: u64,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            name: "Press Releases".to_owned(),
            operator: "the Ministry of Foreign Affairs".to_owned(),
            footer: "The Office of the Spokesperson manages this site as a portal for the \
                     official statements of {operator}. External links to other Internet \
                     sites should not be construed as an endorsement of the views or privacy \
                     policies contained therein."
                .to_owned(),
            base_url: "http://127.0.0.1:8080".to_owned(),
            time_zone: "UTC".to_owned(),
            allowed_domains: Vec::new(),
            sitemap_span: crate::DEFAULT_SITEMAP_SPAN,
        }
    }
}

impl SiteConfig {
    /// The footer text with the operator filled in.
    pub fn footer_text(&self) -> String {
        self.footer.replace("{operator}", &self.operator)
    }

    /// An absolute URL for a site path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_footer_names_the_operator_and_disclaims_external_links() {
        let f = SiteConfig::default().footer_text();
        assert!(f.contains("the Ministry of Foreign Affairs"));
        assert!(f.contains("should not be construed as an endorsement"));
    }

    #[test]
    fn absolute_urls_do_not_double_the_slash() {
        let s = SiteConfig {
            base_url: "https://press.example/".into(),
            ..Default::default()
        };
        assert_eq!(
            s.absolute("/releases/x"),
            "https://press.example/releases/x"
        );
    }
}
