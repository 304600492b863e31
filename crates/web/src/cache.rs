//! [`PageCache`]: the render cache. Each serving node keeps the public
//! pages and feeds it rendered in memory, by address, each stored once as
//! it was rendered and once compressed with gzip and with brotli, so a hit
//! costs a map lookup whatever encoding the client takes (each encoding its
//! own ETag, `Vary: Accept-Encoding`).
//!
//! A change reported by the store's change feed (from this node or any
//! other on the same database) drops only the pages it touches
//! ([`PageCache::invalidate_releases`]): the changed release's page and its
//! neighbours', the listings, feeds and archive years whose filters it
//! matches before or after the change, a numbered sitemap file when the
//! release is in its span of ids, and every page that may show any
//! release (search, the sitemap index, the log). The rules are in
//! `scope.rs`. Pages already cached keep serving while the database is out
//! of reach;
//! `max_age` bounds how long a page can outlive a change no feed reported.
//! `pressroom serve --page-cache-seconds` sets it (0 turns the cache off)
//! and `--page-cache-mb` bounds its memory: beyond it the least recently
//! served pages go.
//!
//! A scheduled or embargoed release becomes public at its time without any
//! write, so a page rendered before that instant must not be served after
//! it: with a clock ([`PageCache::with_clock`]) and the next publication
//! time ([`PageCache::set_next_lift`], kept current by `pressroom serve`
//! from the store after every change), a page rendered before the lift is a
//! miss from the lift on.
//!
//! A storm after a change must not render one page once per waiting
//! client: a miss renders each address once while the other requests for
//! it wait for that render (`Flight`), and a page only past `max_age` (no
//! change reported) keeps answering while one request renders it again.

mod encode;
mod scope;

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use pressroom_domain::{Clock, Release, ReleaseId};
use pressroom_store::{Store, StoreError, Visibility};
use tokio::sync::watch;
use tower::ServiceExt;

use encode::{Encoding, Variants};
use scope::{Facets, Scope, Touched};

/// What a handler tells the cache its page depends on, when it knows more
/// than the address says (a response extension).
#[derive(Debug, Clone)]
pub(crate) enum CacheScope {
    /// The page lists the public releases with these ids and nothing else.
    ReleaseIds(std::ops::RangeInclusive<i64>),
    /// The sitemap index: the numbered files of `span` ids that hold a
    /// public release, each with the first such id.
    SitemapFiles {
        span: u64,
        firsts: std::collections::BTreeMap<u64, i64>,
    },
}

/// Rendered public pages by address, for one node.
#[derive(Debug, Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pages: RwLock<HashMap<String, Arc<Page>>>,
    /// The bytes the pages hold, bodies and keys.
    bytes: AtomicUsize,
    max_bytes: AtomicUsize,
    /// Bumped by every invalidation: a page rendered across one is not
    /// stored if that invalidation would have dropped it, since it may
    /// predate the change.
    generation: AtomicU64,
    /// The latest invalidations, each with the generation it began
    /// (changed only under the `pages` lock, with `generation`).
    drops: Mutex<VecDeque<(u64, Dropped)>>,
    /// Counts lookups, to find the least recently served pages.
    tick: AtomicU64,
    max_age: Duration,
    /// The clock the public view reads; without it pages are not dated.
    clock: OnceLock<Arc<dyn Clock>>,
    /// The next instant a release becomes public by itself, in UTC
    /// microseconds (`i64::MAX` for none).
    next_lift: AtomicI64,
    /// The addresses being rendered now, each with the channel its render
    /// reports on: `Some(page)` when one was made and kept, `Some(None)`
    /// when the answer was not one to share (an error, a 304, `no-store`).
    flights: Mutex<HashMap<String, watch::Sender<Option<Shared>>>>,
}

/// What an invalidation dropped, remembered for a while: a page whose
/// render began before it is still kept when the invalidation would have
/// left it kept (see `PageCache::put`). At a million releases a sitemap
/// file takes tens of milliseconds to render and compress, and a
/// publication meanwhile (of a release it does not list) made every
/// request for it render it again until one render fell between two
/// publications.
#[derive(Debug)]
enum Dropped {
    Everything,
    Touched(Touched),
    Unscoped,
}

impl Dropped {
    fn drops(&self, scope: &Scope) -> bool {
        match self {
            Dropped::Everything => true,
            Dropped::Touched(touched) => scope.touched_by(touched),
            Dropped::Unscoped => *scope == Scope::Any,
        }
    }
}

/// How many invalidations are remembered ([`Dropped`]): a render that
/// spans more is not kept.
const REMEMBERED_DROPS: usize = 64;

/// What a render reports to the requests that waited for it.
type Shared = Option<Arc<Page>>;

/// What the cache holds for an address.
enum Lookup {
    /// Serve it.
    Fresh(Arc<Page>),
    /// Past `max_age` but not dropped by any change nor outlived by a lift:
    /// served while one request renders it again.
    Stale(Arc<Page>),
    Missing,
}

/// The one render of an address in progress. Dropped without
/// [`Flight::land`] (the client hung up, the handler panicked), it lets the
/// waiting requests go and render for themselves.
struct Flight {
    cache: PageCache,
    key: String,
    tx: watch::Sender<Option<Shared>>,
}

impl Flight {
    fn land(self, page: Shared) {
        self.tx.send_replace(Some(page));
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        if let Ok(mut flights) = self.cache.inner.flights.lock() {
            flights.remove(&self.key);
        }
    }
}

/// A request's part in rendering a missing page.
enum Role {
    /// Render it and tell the others.
    Lead(Flight),
    /// Another request renders it: wait for its answer.
    Wait(watch::Receiver<Option<Shared>>),
}

#[derive(Debug)]
struct Page {
    stored: Instant,
    /// The clock's time when rendering began.
    rendered: Option<Timestamp>,
    scope: Scope,
    variants: Variants,
    /// What it costs the byte budget.
    size: usize,
    last_used: AtomicU64,
}

impl PageCache {
    /// The default byte budget (`pressroom serve --page-cache-mb`).
    pub const DEFAULT_MAX_BYTES: usize = 64 << 20;
    /// Bodies larger than this are served but not kept.
    const MAX_BODY: usize = 16 << 20;
    /// Bodies from this size are compressed on the blocking pool, after
    /// the request that rendered them is answered uncompressed.
    const COMPRESS_ASIDE: usize = 32 << 10;

    pub fn new(max_age: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                pages: RwLock::new(HashMap::new()),
                bytes: AtomicUsize::new(0),
                max_bytes: AtomicUsize::new(Self::DEFAULT_MAX_BYTES),
                generation: AtomicU64::new(0),
                drops: Mutex::default(),
                tick: AtomicU64::new(0),
                max_age,
                clock: OnceLock::new(),
                next_lift: AtomicI64::new(i64::MAX),
                flights: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Bounds the memory the pages take (bodies in every encoding and
    /// keys); beyond it the least recently served pages are dropped.
    pub fn with_max_bytes(self, max_bytes: usize) -> Self {
        self.inner.max_bytes.store(max_bytes, Ordering::SeqCst);
        self
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

    /// Forgets every page: something they may show has changed, and what
    /// is not known (the change feed failed).
    pub fn invalidate(&self) {
        self.drop_where(Dropped::Everything);
    }

    /// Forgets the pages that changes to `ids` may have altered, reading
    /// each release's current state and earlier revisions (a correction may
    /// have moved it to another kind, issuer or date) and its neighbours
    /// now, which are the pages whose links to it changed. Returns how many
    /// pages were dropped. A release no longer in the store, or a cache
    /// without a clock, drops everything.
    pub async fn invalidate_releases(
        &self,
        store: &dyn Store,
        ids: &[ReleaseId],
    ) -> Result<usize, StoreError> {
        let Some(now) = self.now() else {
            let n = self.len();
            self.invalidate();
            return Ok(n);
        };
        let mut touched = Touched::default();
        for &id in ids {
            let Some(current) = store.get(id).await? else {
                let n = self.len();
                self.invalidate();
                return Ok(n);
            };
            touched.ids.insert(id.0);
            let mut states: Vec<Release> = vec![current.clone()];
            for revision in store.revisions(id).await? {
                if states.iter().all(|s| s.content != revision.content) {
                    states.push(Release {
                        content: revision.content,
                        ..current.clone()
                    });
                }
            }
            let mut asked = std::collections::HashSet::new();
            for state in &states {
                let path = state.path().to_string();
                touched.states.insert(Facets::of(&state.content));
                // The neighbours depend on the kind and the position only.
                if asked.insert((path.clone(), state.content.kind.clone())) {
                    let around = store.neighbours(state, Visibility::ListedAt(now)).await?;
                    for r in [around.older, around.newer].into_iter().flatten() {
                        touched.paths.insert(r.path().to_string());
                    }
                }
                touched.paths.insert(path);
            }
        }
        Ok(self.drop_where(Dropped::Touched(touched)))
    }

    /// Forgets the pages whose address does not tell which releases they
    /// show (search, the sitemap index, the archive, the log): after the
    /// search index took a change, since [`PageCache::invalidate_releases`]
    /// may have run before it. Returns how many pages were dropped.
    pub fn invalidate_unscoped(&self) -> usize {
        self.drop_where(Dropped::Unscoped)
    }

    fn drop_where(&self, dropped: Dropped) -> usize {
        let mut pages = self
            .inner
            .pages
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let began = self.inner.generation.fetch_add(1, Ordering::SeqCst);
        let before = pages.len();
        pages.retain(|_, page| {
            let keep = !dropped.drops(&page.scope);
            if !keep {
                self.inner.bytes.fetch_sub(page.size, Ordering::SeqCst);
            }
            keep
        });
        let mut drops = self
            .inner
            .drops
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        drops.push_back((began, dropped));
        if drops.len() > REMEMBERED_DROPS {
            drops.pop_front();
        }
        before - pages.len()
    }

    /// Whether no invalidation since `generation` would have dropped a
    /// page of `scope`. Called under the `pages` lock.
    fn untouched_since(&self, generation: u64, scope: &Scope) -> bool {
        let now = self.inner.generation.load(Ordering::SeqCst);
        if now == generation {
            return true;
        }
        let drops = self
            .inner
            .drops
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let since: Vec<&Dropped> = drops
            .iter()
            .filter(|(began, _)| *began >= generation)
            .map(|(_, dropped)| dropped)
            .collect();
        // Every one remembered, and none that drops it.
        since.len() as u64 == now - generation && since.iter().all(|d| !d.drops(scope))
    }

    /// How many pages are kept now.
    pub fn len(&self) -> usize {
        self.inner.pages.read().map_or(0, |p| p.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the kept pages take (bodies in every encoding and keys).
    pub fn bytes(&self) -> usize {
        self.inner.bytes.load(Ordering::SeqCst)
    }

    /// Puts the cache in front of a router: its successful GET responses
    /// are kept, and a request for a kept page is answered before the
    /// router sees it. A zero `max_age` passes every request through.
    pub fn wrap(&self, router: Router) -> CachedRouter {
        CachedRouter {
            cache: (!self.inner.max_age.is_zero()).then(|| self.clone()),
            router,
        }
    }

    fn lookup(&self, key: &str) -> Lookup {
        let Ok(pages) = self.inner.pages.read() else {
            return Lookup::Missing;
        };
        let Some(page) = pages.get(key) else {
            return Lookup::Missing;
        };
        if self.outlived_by_a_lift(page.rendered) {
            // Never served again: it may hide a release now public.
            return Lookup::Missing;
        }
        let tick = self.inner.tick.fetch_add(1, Ordering::Relaxed);
        page.last_used.store(tick, Ordering::Relaxed);
        if page.stored.elapsed() < self.inner.max_age {
            Lookup::Fresh(page.clone())
        } else {
            Lookup::Stale(page.clone())
        }
    }

    /// Leads the render of `key`, or joins the one in progress.
    fn board(&self, key: &str) -> Role {
        let mut flights = match self.inner.flights.lock() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(tx) = flights.get(key) {
            return Role::Wait(tx.subscribe());
        }
        let (tx, _) = watch::channel(None);
        flights.insert(key.to_owned(), tx.clone());
        Role::Lead(Flight {
            cache: self.clone(),
            key: key.to_owned(),
            tx,
        })
    }

    /// Leads the render of `key` unless one is in progress already.
    fn lead(&self, key: &str) -> Option<Flight> {
        match self.board(key) {
            Role::Lead(flight) => Some(flight),
            Role::Wait(_) => None,
        }
    }

    /// Keeps `page`, rendered from `generation` on, unless an invalidation
    /// since would have dropped it. Returns whether it is still current
    /// (kept, or too large to keep but fit to share with the requests that
    /// waited for it).
    fn put(&self, key: String, page: Arc<Page>, generation: u64) -> bool {
        let mut pages = self
            .inner
            .pages
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !self.untouched_since(generation, &page.scope) {
            return false;
        }
        let max = self.inner.max_bytes.load(Ordering::SeqCst);
        // A page that would take more than an eighth of the budget would
        // push out too many others.
        if page.size > max / 8 {
            return true;
        }
        self.inner.bytes.fetch_add(page.size, Ordering::SeqCst);
        if let Some(old) = pages.insert(key, page) {
            self.inner.bytes.fetch_sub(old.size, Ordering::SeqCst);
        }
        if self.inner.bytes.load(Ordering::SeqCst) > max {
            self.evict(&mut pages, max - max / 4);
        }
        true
    }

    /// Drops the least recently served pages until `target` bytes remain:
    /// a quarter of the budget at once, so the sort is rare.
    fn evict(&self, pages: &mut HashMap<String, Arc<Page>>, target: usize) {
        let mut by_use: Vec<(u64, String)> = pages
            .iter()
            .map(|(k, p)| (p.last_used.load(Ordering::Relaxed), k.clone()))
            .collect();
        by_use.sort_unstable();
        for (_, key) in by_use {
            if self.inner.bytes.load(Ordering::SeqCst) <= target {
                break;
            }
            if let Some(page) = pages.remove(&key) {
                self.inner.bytes.fetch_sub(page.size, Ordering::SeqCst);
            }
        }
    }
}

/// Whether the cache may answer this request, and keep its answer.
fn cacheable(request: &Request) -> bool {
    // Never the newsroom, nor anything a credential may personalise: one
    // user's page must not be served to another.
    request.method() == Method::GET
        && !crate::security::is_newsroom_path(request.uri().path())
        && !request.headers().contains_key(header::AUTHORIZATION)
}

/// A router behind the [`PageCache`] ([`PageCache::wrap`]). A hit is one
/// lookup by address and encoding before any routing: the router, its
/// middleware and the state each route's layers clone per request are only
/// reached by a miss. What a hit sends is what the router answered when the
/// page was rendered (validators, `Vary`, security headers), in the
/// client's encoding.
#[derive(Clone)]
pub struct CachedRouter {
    /// `None` when the cache is off.
    cache: Option<PageCache>,
    router: Router,
}

impl std::fmt::Debug for CachedRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedRouter")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// The answer of a [`CachedRouter`]: ready at once for a hit, else the
/// router's work (or the wait for another request's render).
pub enum CachedFuture {
    /// A fresh page's answer (taken by the one poll).
    Hit(Option<Response>),
    /// A miss, a stale page, or a request the cache does not answer.
    Routed(Pin<Box<dyn Future<Output = Response> + Send>>),
}

impl Future for CachedFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            CachedFuture::Hit(response) => Poll::Ready(Ok(response.take().unwrap_or_default())),
            CachedFuture::Routed(future) => future.as_mut().poll(cx).map(Ok),
        }
    }
}

impl tower::Service<Request> for CachedRouter {
    type Response = Response;
    type Error = Infallible;
    type Future = CachedFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The router is always ready; a clone of it answers each miss.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> CachedFuture {
        let cache = match &self.cache {
            Some(cache) if cacheable(&request) => cache,
            _ => return CachedFuture::Routed(Box::pin(route(self.router.clone(), request))),
        };
        let first = cache.lookup(cache_key(&request));
        if let Lookup::Fresh(page) = &first {
            let encoding = Encoding::preferred(request.headers());
            let if_none_match = request.headers().get(header::IF_NONE_MATCH);
            return CachedFuture::Hit(Some(respond(
                &page.variants,
                encoding,
                if_none_match,
                "hit",
            )));
        }
        let (cache, router) = (cache.clone(), self.router.clone());
        CachedFuture::Routed(Box::pin(serve_cached(cache, request, router, first)))
    }
}

/// The router's answer to `request`.
async fn route(router: Router, request: Request) -> Response {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The address a page is kept under: the path and query, what the router
/// reads (borrowed: a hit allocates nothing to find its page).
fn cache_key(request: &Request) -> &str {
    request
        .uri()
        .path_and_query()
        .map_or(request.uri().path(), |pq| pq.as_str())
}

/// A request the cache may answer that was not a fresh hit when it came:
/// `first` is what the cache held then.
async fn serve_cached(
    cache: PageCache,
    request: Request,
    router: Router,
    first: Lookup,
) -> Response {
    let encoding = Encoding::preferred(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let key = cache_key(&request);
    let mut found = Some(first);
    let flight = loop {
        match found.take().unwrap_or_else(|| cache.lookup(key)) {
            Lookup::Fresh(page) => {
                return respond(&page.variants, encoding, if_none_match.as_ref(), "hit");
            }
            Lookup::Stale(page) => match cache.lead(key) {
                Some(flight) => break flight,
                None => return respond(&page.variants, encoding, if_none_match.as_ref(), "stale"),
            },
            Lookup::Missing => match cache.board(key) {
                Role::Lead(flight) => break flight,
                Role::Wait(mut rx) => match rx.wait_for(Option::is_some).await.map(|v| v.clone()) {
                    Ok(Some(Some(page))) => {
                        return respond(
                            &page.variants,
                            encoding,
                            if_none_match.as_ref(),
                            "coalesced",
                        );
                    }
                    // The answer was not one to share (an error, a 304):
                    // this request gets its own.
                    Ok(_) => return route(router, request).await,
                    // The request rendering it went away (its client hung
                    // up): look again, and render if nobody else does.
                    Err(_) => continue,
                },
            },
        }
    };
    let rendered = match render(&cache, request, router).await {
        Ok(rendered) => rendered,
        Err(response) => {
            flight.land(None);
            return response.unwrap_or_else(|| {
                Response::builder()
                    .status(StatusCode::INTERNAL_SERVER_ERROR)
                    .body(Body::empty())
                    .unwrap_or_default()
            });
        }
    };
    if rendered.body.len() >= PageCache::COMPRESS_ASIDE {
        // Brotli over a large page (a feed, a sitemap) takes milliseconds:
        // the request that rendered it is answered at once, as rendered,
        // and the page is compressed on the blocking pool, off the threads
        // that answer requests. Every other request for it waits for the
        // page in every coding (the flight stays open until it is kept),
        // as it would for any render.
        let now = Variants::uncompressed(rendered.headers.clone(), rendered.body.clone());
        let response = respond(&now, encoding, if_none_match.as_ref(), "miss");
        tokio::spawn(async move {
            let kept = keep(&cache, rendered).await;
            land(flight, kept);
        });
        return response;
    }
    let kept = keep(&cache, rendered).await;
    let response = kept
        .as_ref()
        .map(|(page, _)| respond(&page.variants, encoding, if_none_match.as_ref(), "miss"));
    land(flight, kept);
    response.unwrap_or_else(|| {
        Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::empty())
            .unwrap_or_default()
    })
}

/// Hands a kept page to the requests that waited for its render: only one
/// no change overtook, since those that came after the change must not get
/// what predates it.
fn land(flight: Flight, kept: Option<(Arc<Page>, bool)>) {
    match kept {
        Some((page, true)) => flight.land(Some(page)),
        _ => flight.land(None),
    }
}

/// A page as the router rendered it, not yet compressed nor kept.
struct Rendered {
    key: String,
    scope: Scope,
    generation: u64,
    rendered: Option<Timestamp>,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

/// Renders a page through the router. The response as it came when it is
/// not one to keep (`None` when its body could not be read).
async fn render(
    cache: &PageCache,
    mut request: Request,
    router: Router,
) -> Result<Rendered, Option<Response>> {
    let key = cache_key(&request).to_owned();
    let scope = Scope::of(request.uri().path(), request.uri().query());
    let generation = cache.inner.generation.load(Ordering::SeqCst);
    let rendered = cache.now();
    // Rendered uncompressed: the cache compresses it once for every
    // client. A 304 the validators earn passes through uncached.
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    let response = route(router, request).await;
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::CONTENT_ENCODING)
        || response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"))
    {
        return Err(Some(response));
    }
    let scope = match response.extensions().get::<CacheScope>() {
        Some(CacheScope::ReleaseIds(ids)) => Scope::Ids(ids.clone()),
        Some(CacheScope::SitemapFiles { span, firsts }) => Scope::Files {
            span: *span,
            firsts: firsts.clone(),
        },
        None => scope,
    };
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, PageCache::MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "cannot buffer a page for the cache");
            return Err(None);
        }
    };
    Ok(Rendered {
        key,
        scope,
        generation,
        rendered,
        headers: parts.headers,
        body,
    })
}

/// Compresses a rendered page (on the blocking pool when large) and keeps
/// it. Returns the page and whether no invalidation came since its render
/// began; `None` when compressing failed.
async fn keep(cache: &PageCache, r: Rendered) -> Option<(Arc<Page>, bool)> {
    let Rendered {
        key,
        scope,
        generation,
        rendered,
        headers,
        body,
    } = r;
    let variants = if body.len() >= PageCache::COMPRESS_ASIDE {
        match tokio::task::spawn_blocking(move || Variants::compress(headers, body)).await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "compressing a page failed");
                return None;
            }
        }
    } else {
        Variants::compress(headers, body)
    };
    let page = Arc::new(Page {
        stored: Instant::now(),
        rendered,
        scope,
        size: variants.size() + key.len(),
        variants,
        last_used: AtomicU64::new(cache.inner.tick.fetch_add(1, Ordering::Relaxed)),
    });
    let current = cache.put(key, page.clone(), generation);
    Some((page, current))
}

/// The page in the client's encoding, or a 304 when `If-None-Match` names
/// that encoding's ETag (weak comparison, as RFC 9110 asks for it).
fn respond(
    variants: &Variants,
    accepted: Encoding,
    if_none_match: Option<&HeaderValue>,
    outcome: &'static str,
) -> Response {
    let (headers, body) = variants.pick(accepted);
    let matches = |etag: &str| {
        let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
        if_none_match
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == "*" || bare(t) == bare(etag))
            })
    };
    let not_modified = headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .is_some_and(matches);
    let mut response = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        let mut headers: HeaderMap = headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        *r.headers_mut() = headers;
        r
    } else {
        let mut r = Response::new(Body::from(body.clone()));
        *r.headers_mut() = headers.clone();
        r
    };
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

    async fn body(router: &CachedRouter, uri: &str) -> (StatusCode, String) {
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

    /// A router whose `/` counts its renders and answers only once `gate`
    /// lets it, so a test can hold a render in progress.
    fn gated(status: StatusCode) -> (Router, Arc<AtomicUsize>, Arc<tokio::sync::Semaphore>) {
        gated_at("/", status)
    }

    /// [`gated`] at `path`.
    fn gated_at(
        path: &str,
        status: StatusCode,
    ) -> (Router, Arc<AtomicUsize>, Arc<tokio::sync::Semaphore>) {
        let renders = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let (r, g) = (renders.clone(), gate.clone());
        let router = Router::new().route(
            path,
            get(move || {
                let (r, g) = (r.clone(), g.clone());
                async move {
                    let n = r.fetch_add(1, Ordering::SeqCst) + 1;
                    g.acquire().await.expect("gate").forget();
                    (status, format!("render {n}"))
                }
            }),
        );
        (router, renders, gate)
    }

    /// Lets spawned requests run until `n` of them take part in the render
    /// of `key` (the one rendering and those waiting for it).
    async fn until_boarded(cache: &PageCache, key: &str, n: usize) {
        for _ in 0..10_000 {
            let boarded = cache
                .inner
                .flights
                .lock()
                .expect("flights")
                .get(key)
                .map_or(0, |tx| 1 + tx.receiver_count());
            if boarded >= n {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the requests never boarded the render of {key}");
    }

    fn spawn_get(
        app: &CachedRouter,
        uri: &str,
    ) -> tokio::task::JoinHandle<(StatusCode, String, String)> {
        let (app, uri) = (app.clone(), uri.to_owned());
        tokio::spawn(async move {
            let res = app
                .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let outcome = res
                .headers()
                .get("x-cache")
                .map(|v| v.to_str().expect("ascii").to_owned())
                .unwrap_or_default();
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .expect("body");
            (
                status,
                String::from_utf8_lossy(&bytes).into_owned(),
                outcome,
            )
        })
    }

    #[tokio::test]
    async fn concurrent_misses_for_one_address_render_it_once_and_all_get_that_render() {
        let cache = PageCache::new(Duration::from_secs(60));
        let (router, renders, gate) = gated(StatusCode::OK);
        let app = cache.wrap(router);
        let requests: Vec<_> = (0..8).map(|_| spawn_get(&app, "/")).collect();
        until_boarded(&cache, "/", 8).await;
        gate.add_permits(1);
        let mut outcomes = Vec::new();
        for r in requests {
            let (status, body, outcome) = r.await.expect("request task");
            assert_eq!((status, body.as_str()), (StatusCode::OK, "render 1"));
            outcomes.push(outcome);
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "rendered once");
        outcomes.sort();
        assert_eq!(outcomes.iter().filter(|o| *o == "coalesced").count(), 7);
        assert_eq!(outcomes.iter().filter(|o| *o == "miss").count(), 1);
        assert!(cache.inner.flights.lock().expect("flights").is_empty());
    }

    #[tokio::test]
    async fn waiting_requests_render_for_themselves_when_the_shared_render_is_an_error() {
        let cache = PageCache::new(Duration::from_secs(60));
        let (router, renders, gate) = gated(StatusCode::SERVICE_UNAVAILABLE);
        let app = cache.wrap(router);
        let requests: Vec<_> = (0..3).map(|_| spawn_get(&app, "/")).collect();
        until_boarded(&cache, "/", 3).await;
        gate.add_permits(3);
        for r in requests {
            let (status, _, _) = r.await.expect("request task");
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        }
        assert_eq!(
            renders.load(Ordering::SeqCst),
            3,
            "an error is nobody's page"
        );
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn waiting_requests_render_for_themselves_when_the_rendering_client_hangs_up() {
        let cache = PageCache::new(Duration::from_secs(60));
        let (router, renders, gate) = gated(StatusCode::OK);
        let app = cache.wrap(router);
        let leader = spawn_get(&app, "/");
        until_boarded(&cache, "/", 1).await;
        let waiter = spawn_get(&app, "/");
        until_boarded(&cache, "/", 2).await;
        // The connection of the request rendering the page closes.
        leader.abort();
        assert!(leader.await.is_err());
        gate.add_permits(1);
        let (status, body, outcome) = waiter.await.expect("request task");
        assert_eq!((status, body.as_str()), (StatusCode::OK, "render 2"));
        assert_eq!(outcome, "miss");
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_page_past_its_age_answers_while_one_request_renders_it_again() {
        let cache = PageCache::new(Duration::from_nanos(1));
        let (router, renders, gate) = gated(StatusCode::OK);
        let app = cache.wrap(router);
        gate.add_permits(1);
        assert_eq!(body(&app, "/").await.1, "render 1");
        tokio::time::sleep(Duration::from_millis(2)).await;

        let renewing = spawn_get(&app, "/");
        until_boarded(&cache, "/", 1).await;
        let (status, body_now, outcome) = spawn_get(&app, "/").await.expect("request task");
        assert_eq!(
            (status, body_now.as_str(), outcome.as_str()),
            (StatusCode::OK, "render 1", "stale")
        );
        gate.add_permits(1);
        let (_, renewed, outcome) = renewing.await.expect("request task");
        assert_eq!((renewed.as_str(), outcome.as_str()), ("render 2", "miss"));
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_page_outlived_by_a_lift_is_never_served_stale_while_it_renders_again() {
        let t0: Timestamp = "2026-06-01T12:00:00Z".parse().expect("time");
        let clock = Arc::new(pressroom_domain::FixedClock::new(t0));
        let cache = PageCache::new(Duration::from_nanos(1)).with_clock(clock.clone());
        let lift = t0 + jiff::SignedDuration::from_secs(30);
        cache.set_next_lift(Some(lift));
        let (router, _, gate) = gated(StatusCode::OK);
        let app = cache.wrap(router);
        gate.add_permits(1);
        assert_eq!(body(&app, "/").await.1, "render 1");
        clock.set(lift);

        let renewing = spawn_get(&app, "/");
        until_boarded(&cache, "/", 1).await;
        let waiting = spawn_get(&app, "/");
        until_boarded(&cache, "/", 2).await;
        gate.add_permits(1);
        assert_eq!(renewing.await.expect("request task").1, "render 2");
        let (_, body_now, outcome) = waiting.await.expect("request task");
        assert_eq!(
            (body_now.as_str(), outcome.as_str()),
            ("render 2", "coalesced")
        );
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
    async fn a_page_is_rendered_once_for_every_encoding_and_each_gets_its_own_etag() {
        let cache = PageCache::new(Duration::from_secs(60));
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let app = cache.wrap(Router::new().route(
            "/",
            get(move || {
                h.fetch_add(1, Ordering::SeqCst);
                async {
                    (
                        [
                            (header::ETAG, "\"abc\""),
                            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                        ],
                        "<p>A statement.</p>".repeat(100),
                    )
                }
            }),
        ));
        let mut etags = Vec::new();
        for accept in ["br, gzip", "gzip", ""] {
            let res = app
                .clone()
                .oneshot(
                    Request::get("/")
                        .header(header::ACCEPT_ENCODING, accept)
                        .body(Body::empty())
                        .expect("request"),
                )
                .await
                .expect("response");
            assert_eq!(res.headers()[header::VARY], "accept-encoding");
            let coding = res
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().expect("ascii").to_owned());
            etags.push((coding, res.headers()[header::ETAG].clone()));
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1, "rendered once");
        assert_eq!(etags[0].0.as_deref(), Some("br"));
        assert_eq!(etags[1].0.as_deref(), Some("gzip"));
        assert_eq!(etags[2].0, None);
        assert_ne!(etags[0].1, etags[1].1);
        assert_ne!(etags[1].1, etags[2].1);
        assert!(cache.bytes() > 0);
    }

    #[tokio::test]
    async fn a_large_page_answers_the_request_that_rendered_it_at_once_and_is_then_kept_in_every_coding()
     {
        let cache = PageCache::new(Duration::from_secs(60));
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let page = "<p>A statement of the ministry, long enough to compress.</p>\n"
            .repeat(PageCache::COMPRESS_ASIDE / 40);
        let p = page.clone();
        let app = cache.wrap(Router::new().route(
            "/feed.atom",
            get(move || {
                h.fetch_add(1, Ordering::SeqCst);
                let p = p.clone();
                async move {
                    (
                        [
                            (header::ETAG, "\"abc\""),
                            (header::CONTENT_TYPE, "application/atom+xml"),
                        ],
                        p,
                    )
                }
            }),
        ));
        let get_with = |accept: &'static str| {
            let app = app.clone();
            async move {
                let res = app
                    .oneshot(
                        Request::get("/feed.atom")
                            .header(header::ACCEPT_ENCODING, accept)
                            .body(Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("response");
                let coding = res
                    .headers()
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().expect("ascii").to_owned());
                let outcome = res.headers()["x-cache"].to_str().expect("ascii").to_owned();
                assert_eq!(res.headers()[header::VARY], "accept-encoding");
                let body = axum::body::to_bytes(res.into_body(), 1 << 22)
                    .await
                    .expect("body");
                (outcome, coding, body.len())
            }
        };
        let (outcome, coding, len) = get_with("br, gzip").await;
        assert_eq!((outcome.as_str(), coding, len), ("miss", None, page.len()));
        // The next request waits for the compression, or finds it done.
        let (outcome, coding, len) = get_with("br, gzip").await;
        assert!(outcome == "coalesced" || outcome == "hit", "{outcome}");
        assert_eq!(coding.as_deref(), Some("br"));
        assert!(len < page.len() / 4);
        let (_, coding, _) = get_with("gzip").await;
        assert_eq!(coding.as_deref(), Some("gzip"));
        assert_eq!(hits.load(Ordering::SeqCst), 1, "rendered once");
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test]
    async fn the_least_recently_served_pages_go_when_the_byte_budget_is_spent() {
        let cache = PageCache::new(Duration::from_secs(60)).with_max_bytes(64 * 1024);
        let app = cache.wrap(Router::new().route("/{n}", get(|| async { "x".repeat(2000) })));
        for n in 0..100 {
            body(&app, &format!("/{n}")).await;
            // Page 0 stays in use.
            body(&app, "/0").await;
        }
        assert!(cache.bytes() <= 64 * 1024, "{} bytes", cache.bytes());
        assert!(cache.len() < 100);
        let res = app
            .clone()
            .oneshot(Request::get("/0").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(res.headers()["x-cache"], "hit");
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

    #[tokio::test]
    async fn after_the_search_index_takes_a_change_only_pages_of_no_known_scope_are_dropped() {
        let cache = PageCache::new(Duration::from_secs(60));
        let app = cache.wrap(
            Router::new()
                .route("/search", get(|| async { "hits" }))
                .route("/feed.atom", get(|| async { "entries" }))
                .route("/static/{file}", get(|| async { "style" })),
        );
        for uri in [
            "/search?q=visa",
            "/feed.atom?q=visa",
            "/feed.atom",
            "/static/a.css",
        ] {
            body(&app, uri).await;
        }
        assert_eq!(cache.len(), 4);
        assert_eq!(cache.invalidate_unscoped(), 2, "the two searches");
        let kept: Vec<String> = cache
            .inner
            .pages
            .read()
            .expect("pages")
            .keys()
            .cloned()
            .collect();
        assert!(
            kept.contains(&"/feed.atom".to_owned()) && kept.contains(&"/static/a.css".to_owned())
        );
    }

    /// Renders `uri` (a route of `path`) with `invalidations` made while
    /// the render is in progress, then asks for it again: returns how many
    /// times it was rendered.
    async fn renders_across(path: &str, uri: &str, invalidations: impl Fn(&PageCache)) -> usize {
        let cache = PageCache::new(Duration::from_secs(60));
        let (router, renders, gate) = gated_at(path, StatusCode::OK);
        let app = cache.wrap(router);
        let first = spawn_get(&app, uri);
        until_boarded(&cache, uri, 1).await;
        invalidations(&cache);
        gate.add_permits(1);
        assert_eq!(first.await.expect("request task").1, "render 1");
        gate.add_permits(1);
        body(&app, uri).await;
        renders.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_page_rendered_across_an_invalidation_that_leaves_it_is_kept() {
        // The listing is not dropped when only searches are.
        let renders = renders_across("/", "/", |cache| {
            cache.invalidate_unscoped();
        })
        .await;

        assert_eq!(renders, 1);
    }

    #[tokio::test]
    async fn a_page_rendered_across_an_invalidation_that_drops_it_is_rendered_again() {
        let search = renders_across("/search", "/search?q=visa", |cache| {
            cache.invalidate_unscoped();
        })
        .await;
        let listing = renders_across("/", "/", |cache| {
            cache.invalidate_unscoped();
            cache.invalidate();
            cache.invalidate_unscoped();
        })
        .await;

        assert_eq!(search, 2, "a search across a change to the index");
        assert_eq!(listing, 2, "anything across a change not known");
    }

    #[tokio::test]
    async fn a_page_rendered_across_more_invalidations_than_are_remembered_is_rendered_again() {
        let remembered = renders_across("/", "/", |cache| {
            for _ in 0..REMEMBERED_DROPS {
                cache.invalidate_unscoped();
            }
        })
        .await;
        let more = renders_across("/", "/", |cache| {
            for _ in 0..=REMEMBERED_DROPS {
                cache.invalidate_unscoped();
            }
        })
        .await;

        assert_eq!(remembered, 1);
        assert_eq!(more, 2);
    }
}
