use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use pressroom_render::{ErrorPage, SiteConfig};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ErrorInfo;

/// Renders the full HTML page for any response an [`crate::AppError`] made,
/// or, under `/api/`, its RFC 9457 problem details.
pub(crate) async fn error_pages(
    State(site): State<Arc<SiteConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let api_path = request
        .uri()
        .path()
        .starts_with("/api/")
        .then(|| request.uri().path().to_owned());
    let response = next.run(request).await;
    let Some(info) = response.extensions().get::<ErrorInfo>().cloned() else {
        return response;
    };
    let status = response.status();
    if let Some(instance) = api_path {
        // RFC 9457: "about:blank" says the status code is all the type
        // there is; the detail says what was wrong.
        let problem = serde_json::json!({
            "type": "about:blank",
            "title": info.heading,
            "status": status.as_u16(),
            "detail": info.message,
            "instance": instance,
        });
        return (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            problem.to_string(),
        )
            .into_response();
    }
    let page = ErrorPage {
        site: &site,
        status: status.as_u16(),
        heading: info.heading.to_owned(),
        message: info.message,
    };
    match page.to_html() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            response
        }
    }
}

type HeaderLayers = Stack<
    SetResponseHeaderLayer<HeaderValue>,
    Stack<
        SetResponseHeaderLayer<HeaderValue>,
        Stack<
            SetResponseHeaderLayer<HeaderValue>,
            Stack<
                SetResponseHeaderLayer<HeaderValue>,
                Stack<SetResponseHeaderLayer<HeaderValue>, Identity>,
            >,
        >,
    >,
>;

/// The security headers every response carries, public pages included: no
/// script may run, nothing may frame the site, no MIME sniffing.
pub(crate) fn security_headers() -> ServiceBuilder<HeaderLayers> {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(set(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'; object-src 'none'",
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(set(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
}

/// When what a response shows last changed, set by handlers that know it
/// (the newest `updated_at` among the releases shown). Responses without
/// it are dated when they were made, by the view's clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LastModified(pub jiff::Timestamp);

/// What a CDN and a browser may do with a public page: keep it a minute,
/// then serve it stale for up to five more while fetching a fresh copy, and
/// for a day if the site is down.
pub(crate) const PUBLIC_CACHE_CONTROL: &str =
    "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400";

/// The largest body the caching layer hashes; larger ones pass unvalidated.
const MAX_HASHED_BODY: usize = 16 * 1024 * 1024;

/// HTTP validators and freshness for every successful GET or HEAD:
/// a strong ETag (a hash of the exact bytes sent, so each content coding has
/// its own), `Last-Modified`, `Cache-Control`, and `304 Not Modified` when
/// the client's copy is current. A handler's own `Cache-Control` is kept
/// (assets say an hour); one that says `no-store` or `private` gets no
/// validators either.
pub(crate) async fn http_caching(
    State(public): State<pressroom_store::PublicView>,
    request: Request,
    next: Next,
) -> Response {
    use axum::http::{Method, StatusCode};
    use sha2::{Digest, Sha256};

    let method = request.method().clone();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let if_modified_since = request
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            jiff::fmt::rfc2822::DateTimeParser::new()
                .parse_timestamp(v)
                .ok()
        });
    let response = next.run(request).await;
    if !matches!(method, Method::GET | Method::HEAD)
        || response.status() != StatusCode::OK
        || response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"))
    {
        return response;
    }
    let known = response.extensions().get::<LastModified>().map(|m| m.0);
    let last_modified = known.unwrap_or_else(|| public.now());
    // HTTP dates have whole seconds; compare as the client will.
    let last_modified = jiff::Timestamp::from_second(last_modified.as_second())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_HASHED_BODY).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "response body could not be read for its ETag");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let digest = Sha256::digest(&bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{hex}\"");
    let lm = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&last_modified)
        .ok();
    let set = |headers: &mut axum::http::HeaderMap| {
        if let Ok(v) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, v);
        }
        if let Some(v) = lm.as_deref().and_then(|s| HeaderValue::from_str(s).ok()) {
            headers.insert(header::LAST_MODIFIED, v);
        }
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(PUBLIC_CACHE_CONTROL));
    };
    // RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only without it.
    let not_modified = match if_none_match {
        Some(inm) => inm.to_str().is_ok_and(|v| etag_matches(v, &etag)),
        // A response dated "now" cannot tell a change within the same
        // second: only the ETag may validate it.
        None => known.is_some() && if_modified_since.is_some_and(|since| last_modified <= since),
    };
    set(&mut parts.headers);
    if not_modified {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        for name in [
            header::ETAG,
            header::LAST_MODIFIED,
            header::CACHE_CONTROL,
            header::VARY,
            header::CONTENT_LOCATION,
        ] {
            for v in parts.headers.get_all(&name) {
                res.headers_mut().append(name.clone(), v.clone());
            }
        }
        return res;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, as the
/// RFC asks for this header: `W/"x"` matches `"x"`), or is `*`.
fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.trim() == "*"
        || header_value
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag)
}

#[cfg(test)]
mod tests {
    use super::etag_matches;

    #[test]
    fn if_none_match_lists_star_and_weak_tags_match_by_the_weak_rule() {
        assert!(etag_matches("\"a\"", "\"a\""));
        assert!(etag_matches("\"b\", W/\"a\"", "\"a\""));
        assert!(etag_matches("*", "\"a\""));
        assert!(!etag_matches("\"b\"", "\"a\""));
        assert!(!etag_matches("a", "\"a\""));
    }
}
