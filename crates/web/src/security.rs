//! The newsroom's request and response guards (ASVS 5.0 V3.3, V3.4, V3.5):
//! [`cross_site_guard`] refuses any state-changing request a browser says
//! came from another site; [`newsroom_headers`] marks every newsroom
//! response `Cache-Control: no-store` with the newsroom's CSP (which lets
//! the editor load its own script file, never an inline one), and adds
//! HSTS to every response when the site is served over HTTPS.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pressroom_render::SiteConfig;

/// The public CSP plus `script-src 'self'`, for the editor's external file.
pub(crate) const NEWSROOM_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; \
     object-src 'none'";

/// Whether a path belongs to the newsroom (pages or API).
pub(crate) fn is_newsroom_path(path: &str) -> bool {
    path == "/newsroom"
        || path.starts_with("/newsroom/")
        || path == "/api/newsroom"
        || path.starts_with("/api/newsroom/")
}

/// The origin (`scheme://host[:port]`) of the site's base URL.
pub(crate) fn site_origin(site: &SiteConfig) -> String {
    match url::Url::parse(&site.base_url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => site.base_url.trim_end_matches('/').to_owned(),
    }
}

/// Refuses a state-changing request sent from another site: by
/// `Sec-Fetch-Site` when the browser sends it, by `Origin` otherwise. A
/// request with neither comes from no browser (a script, an API client),
/// which carries no ambient cookie worth forging; session forms also check
/// their CSRF token.
pub(crate) async fn cross_site_guard(
    State(site): State<Arc<SiteConfig>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("cross-site"));
    let refused = match fetch_site {
        Some(v) => !matches!(v, "same-origin" | "none"),
        None => headers
            .get(header::ORIGIN)
            .is_some_and(|o| o.to_str().unwrap_or("") != site_origin(&site)),
    };
    if refused {
        tracing::warn!(
            path = %request.uri().path(),
            sec_fetch_site = ?fetch_site,
            "cross-site request refused"
        );
        return (
            StatusCode::FORBIDDEN,
            "A request from another site cannot change anything here.",
        )
            .into_response();
    }
    next.run(request).await
}

/// No-store and the newsroom CSP on newsroom responses; HSTS everywhere
/// when served over HTTPS.
pub(crate) async fn newsroom_headers(
    State(site): State<Arc<SiteConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let newsroom = is_newsroom_path(request.uri().path());
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let unauthorized = response.status() == StatusCode::UNAUTHORIZED;
    let headers = response.headers_mut();
    if newsroom && api && unauthorized {
        // Set here: the problem-details page is built after the handler.
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if newsroom {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NEWSROOM_CSP),
        );
    }
    if site.base_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newsroom_paths_are_told_from_public_ones() {
        for p in ["/newsroom", "/newsroom/login", "/api/newsroom/me"] {
            assert!(is_newsroom_path(p), "{p}");
        }
        for p in [
            "/",
            "/newsroomx",
            "/api/releases",
            "/releases/2020/01/01/newsroom",
        ] {
            assert!(!is_newsroom_path(p), "{p}");
        }
    }

    #[test]
    fn the_origin_of_the_base_url_has_no_path() {
        let site = SiteConfig {
            base_url: "https://press.example.org/".into(),
            ..SiteConfig::default()
        };
        assert_eq!(site_origin(&site), "https://press.example.org");
    }
}
