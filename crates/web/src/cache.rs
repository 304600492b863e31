//! [`PageCache`]: each serving node keeps the public pages it rendered in
//! memory and drops them all when the store's change feed reports a write
//! (from this node or any other on the same database). Pages already cached
//! keep serving while the database is out of reach; `max_age` bounds how
//! long a page can outlive a change no feed reported (a release whose
//! publication time arrives without a write). `pressroom serve
//! --page-cache-seconds` sets it; 0 turns the cache off.
//!
//! A scheduled or embargoed release becomes public at its time without any
//! write, so a page rendered before that instant must not be served after
//! it: with a clock ([`PageCache::with_clock`]) and the next publication
//! time ([`PageCache::set_next_lift`], kept current by `pressroom serve`
//! from the store after every change), a page rendered before the lift is a
//! miss from the lift on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use jiff::Timestamp;
use pressroom_domain::Clock;

/// Rendered public pages by address, for one node.
#[derive(Debug, Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pages: Mutex<HashMap<String, Page>>,
    /// Bumped by every invalidation: a page rendered across one is not
    /// stored, since it may predate the change.
    generation: AtomicU64,
    max_age: Duration,
    /// The clock the public view reads; without it pages are not dated.
    clock: OnceLock<Arc<dyn Clock>>,
    /// The next instant a release becomes public by itself, in UTC
    /// microseconds (`i64::MAX` for none).
    next_lift: AtomicI64,
}

#[derive(Debug, Clone)]
struct Page {
    stored: Instant,
    /// The clock's time when rendering began.
    rendered: Option<Timestamp>,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl PageCache {
    /// Pages kept at most; beyond it the cache starts over.
    const MAX_PAGES: usize = 10_000;
    /// Bodies larger than this are served but not kept.
    const MAX_BODY: usize = 2 << 20;

    pub fn new(max_age: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                pages: Mutex::new(HashMap::new()),
                generation: AtomicU64::new(0),
                max_age,
                clock: OnceLock::new(),
                next_lift: AtomicI64::new(i64::MAX),
            }),
        }
    }

    /// Dates each page by `clock` (the one the public view reads), so that
    /// pages rendered before the next lift stop being served at the lift.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        let _ = self.inner.clock.set(clock);
        self
    }

    /// The next instant a release becomes public without a write (the
    /// earliest scheduled or embargo lift time), `None` if there is none.
    pub fn set_next_lift(&self, at: Option<Timestamp>) {
        self.inner.next_lift.store(
            at.map_or(i64::MAX, |t| t.as_microsecond()),
            Ordering::SeqCst,
        );
    }

    fn now(&self) -> Option<Timestamp> {
        self.inner.clock.get().map(|c| c.now())
    }

    /// Whether a page rendered at `rendered` may predate a lift that has
    /// now happened.
    fn outlived_by_a_lift(&self, rendered: Option<Timestamp>) -> bool {
        let lift = self.inner.next_lift.load(Ordering::SeqCst);
        if lift == i64::MAX {
            return false;
        }
        match (rendered, self.now()) {
            (Some(rendered), Some(now)) => {
                rendered.as_microsecond() < lift && now.as_microsecond() >= lift
            }
            // Undated pages cannot be judged: never serve them across a
            // pending lift.
            _ => true,
        }
    }

    /// Forgets every page: something they may show has changed.
    pub fn invalidate(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut pages) = self.inner.pages.lock() {
            pages.clear();
        }
    }

    /// How many pages are kept now.
    pub fn len(&self) -> usize {
        self.inner.pages.lock().map_or(0, |p| p.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Wraps a router so that its successful GET responses are cached; a
    /// zero `max_age` leaves it as it is.
    pub fn wrap(&self, router: Router) -> Router {
        if self.inner.max_age.is_zero() {
            return router;
        }
        router.layer(axum::middleware::from_fn_with_state(
            self.clone(),
            serve_cached,
        ))
    }

    fn get(&self, key: &str) -> Option<Page> {
        let pages = self.inner.pages.lock().ok()?;
        pages
            .get(key)
            .filter(|p| p.stored.elapsed() < self.inner.max_age)
            .filter(|p| !self.outlived_by_a_lift(p.rendered))
            .cloned()
    }

    fn put(&self, key: String, page: Page, generation: u64) {
        if let Ok(mut pages) = self.inner.pages.lock()
            && self.inner.generation.load(Ordering::SeqCst) == generation
        {
            if pages.len() >= Self::MAX_PAGES {
                pages.clear();
            }
            pages.insert(key, page);
        }
    }
}

/// The cache key: the address and the encodings the client accepts, since
/// the compressed body differs by encoding.
fn key(request: &Request) -> String {
    let encoding = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    format!("{}\n{encoding}", request.uri())
}

async fn serve_cached(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let key = key(&request);
    if let Some(page) = cache.get(&key) {
        // The validators were set when the page was rendered; a client that
        // already holds these bytes gets a 304 from the cache too.
        if etag_matches(&request, &page) {
            return not_modified(page);
        }
        return respond(page, "hit");
    }
    let generation = cache.inner.generation.load(Ordering::SeqCst);
    let rendered = cache.now();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, PageCache::MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "cannot buffer a page for the cache");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .unwrap_or_default();
        }
    };
    let page = Page {
        stored: Instant::now(),
        rendered,
        status: parts.status,
        headers: parts.headers,
        body,
    };
    cache.put(key, page.clone(), generation);
    respond(page, "miss")
}

/// Whether `If-None-Match` names the cached page's ETag (weak comparison,
/// as RFC 9110 asks for this header).
fn etag_matches(request: &Request, page: &Page) -> bool {
    let Some(etag) = page.headers.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// A 304 with the cached page's headers but no body.
fn not_modified(page: Page) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    let mut headers = page.headers;
    headers.remove(header::CONTENT_LENGTH);
    *response.headers_mut() = headers;
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static("hit"));
    response
}

fn respond(page: Page, outcome: &'static str) -> Response {
    let mut response = Response::new(Body::from(page.body));
    *response.status_mut() = page.status;
    *response.headers_mut() = page.headers;
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static(outcome));
    response
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// A router whose `/` says how many times it was rendered.
    fn counting() -> (Router, Arc<AtomicUsize>) {
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let router = Router::new()
            .route(
                "/",
                get(move || {
                    let h = h.clone();
                    async move { format!("render {}", h.fetch_add(1, Ordering::SeqCst) + 1) }
                }),
            )
            .route("/missing", get(|| async { StatusCode::NOT_FOUND }));
        (router, hits)
    }

    async fn body(router: &Router, uri: &str) -> (StatusCode, String) {
        let res = router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn a_cached_page_answers_a_matching_if_none_match_with_304() {
        let cache = PageCache::new(Duration::from_secs(60));
        let router = cache.wrap(
            Router::new().route("/", get(|| async { ([(header::ETAG, "\"abc\"")], "page") })),
        );
        let request = |etag: Option<&str>| {
            let mut b = Request::get("/");
            if let Some(e) = etag {
                b = b.header(header::IF_NONE_MATCH, e);
            }
            b.body(Body::empty()).expect("request")
        };
        let first = router
            .clone()
            .oneshot(request(None))
            .await
            .expect("response");
        assert_eq!(first.status(), StatusCode::OK);

        let same = router
            .clone()
            .oneshot(request(Some("W/\"x\", \"abc\"")))
            .await
            .expect("response");
        let other = router
            .clone()
            .oneshot(request(Some("\"zzz\"")))
            .await
            .expect("response");

        assert_eq!(same.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(same.headers()["etag"], "\"abc\"");
        assert_eq!(same.headers()["x-cache"], "hit");
        let empty = axum::body::to_bytes(same.into_body(), 1024)
            .await
            .expect("body");
        assert!(empty.is_empty());
        assert_eq!(other.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn a_page_is_rendered_once_until_a_change_invalidates_it() {
        let cache = PageCache::new(Duration::from_secs(60));
        let (router, hits) = counting();
        let app = cache.wrap(router);
        assert_eq!(body(&app, "/").await.1, "render 1");
        assert_eq!(body(&app, "/").await.1, "render 1");
        cache.invalidate();
        assert_eq!(body(&app, "/").await.1, "render 2");
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_page_rendered_before_a_lift_is_not_served_from_the_lift_on() {
        let t0: Timestamp = "2026-06-01T12:00:00Z".parse().expect("time");
        let clock = Arc::new(pressroom_domain::FixedClock::new(t0));
        let cache = PageCache::new(Duration::from_secs(600)).with_clock(clock.clone());
        let lift = t0 + jiff::SignedDuration::from_secs(30);
        cache.set_next_lift(Some(lift));
        let (router, _) = counting();
        let app = cache.wrap(router);
        assert_eq!(body(&app, "/").await.1, "render 1");
        clock.set(lift - jiff::SignedDuration::from_micros(1));
        assert_eq!(body(&app, "/").await.1, "render 1", "cached until the lift");
        clock.set(lift);
        assert_eq!(
            body(&app, "/").await.1,
            "render 2",
            "re-rendered at the lift"
        );
        assert_eq!(body(&app, "/").await.1, "render 2", "and cached again");
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_a_zero_max_age_turns_the_cache_off() {
        let cache = PageCache::new(Duration::from_secs(60));
        let (router, _) = counting();
        let app = cache.wrap(router);
        assert_eq!(body(&app, "/missing").await.0, StatusCode::NOT_FOUND);
        assert!(cache.is_empty());

        let off = PageCache::new(Duration::ZERO);
        let (router, hits) = counting();
        let app = off.wrap(router);
        body(&app, "/").await;
        body(&app, "/").await;
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }
}
