use url::Url;

use crate::SiteConfig;

/// Where the exit notice lives; it takes the outside address as `?to=`.
pub const EXIT_NOTICE_PATH: &str = "/leaving";

/// Decides which links of a release body leave the site for a domain the
/// operator has not vouched for, and so go through the exit notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPolicy {
    own_host: Option<String>,
    /// Lower-case, without a leading dot.
    allowed: Vec<String>,
}

impl LinkPolicy {
    pub fn new(site: &SiteConfig) -> Self {
        Self {
            own_host: Url::parse(&site.base_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase)),
            allowed: site
                .allowed_domains
                .iter()
                .map(|d| d.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .collect(),
        }
    }

    /// True for an absolute http(s) address on a host that is neither the
    /// site's own nor under an allowed domain. Relative links, `mailto:` and
    /// allowed hosts go straight through.
    pub fn needs_notice(&self, href: &str) -> bool {
        let Some(host) = external_host(href) else {
            return false;
        };
        if self.own_host.as_deref() == Some(host.as_str()) {
            return false;
        }
        !self.allowed.iter().any(|d| {
            host == *d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|s| s.ends_with('.'))
        })
    }

    /// The href to print for a body link: the notice for outside addresses,
    /// the address itself otherwise.
    pub fn href_for(&self, href: &str) -> String {
        if self.needs_notice(href) {
            exit_notice_href(href)
        } else {
            href.to_owned()
        }
    }
}

/// The host of an absolute http(s) URL, lower-cased; `None` for anything
/// else (relative, mailto, malformed).
pub fn external_host(href: &str) -> Option<String> {
    let url = Url::parse(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.host_str().map(str::to_ascii_lowercase)
}

/// `/leaving?to=<address>`, the address percent-encoded.
pub fn exit_notice_href(target: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("{EXIT_NOTICE_PATH}?to={encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(base: &str, allowed: &[&str]) -> LinkPolicy {
        LinkPolicy::new(&SiteConfig {
            base_url: base.into(),
            allowed_domains: allowed.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        })
    }

    #[test]
    fn outside_links_need_the_notice_and_own_or_allowed_ones_do_not() {
        let p = policy("https://press.norvia.example", &[".gov", "un.org"]);
        assert!(p.needs_notice("https://www.example.com/a"));
        assert!(p.needs_notice("http://evil.example/?u=https://press.norvia.example"));
        assert!(!p.needs_notice("https://press.norvia.example/releases/x"));
        assert!(!p.needs_notice("https://PRESS.norvia.example/"));
        assert!(!p.needs_notice("https://www.state.gov/x"));
        assert!(!p.needs_notice("https://un.org/"));
        assert!(!p.needs_notice("https://news.un.org/en"));
        assert!(
            p.needs_notice("https://notun.org/"),
            "a suffix is not a subdomain"
        );
        assert!(p.needs_notice("https://un.org.evil.example/"));
        assert!(!p.needs_notice("/releases/2026/01/01/x"));
        assert!(!p.needs_notice("mailto:press@norvia.example"));
    }

    #[test]
    fn the_notice_address_carries_the_target_encoded() {
        assert_eq!(
            exit_notice_href("https://example.org/a?b=1&c=2"),
            "/leaving?to=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1%26c%3D2"
        );
        let p = policy("https://press.example", &[]);
        assert_eq!(p.href_for("/x"), "/x");
        assert!(
            p.href_for("https://other.example/")
                .starts_with("/leaving?to=")
        );
    }
}
