//! [`PageCache`]: each serving node keeps the public pages it rendered in
//! memory and drops them all when the store's change feed reports a write
//! (from this node or any other on the same database). Pages already cached
//! keep serving while the database is out of reach; `max_age` bounds how
//! long a page can outlive a change no feed reported (a release whose
//! publication time arrives without a write).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

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
}

#[derive(Debug, Clone)]
struct Page {
    stored: Instant,
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
            }),
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

    /// Wraps a router so that its successful GET responses are cached.
    pub fn wrap(&self, router: Router) -> Router {
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
        return respond(page, "hit");
    }
    let generation = cache.inner.generation.load(Ordering::SeqCst);
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
        status: parts.status,
        headers: parts.headers,
        body,
    };
    cache.put(key, page.clone(), generation);
    respond(page, "miss")
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
