//! Test support shared by the integration tests of every crate:
//! [`spawn_app`] starts the real server on a random loopback port over its
//! own SQLite database and returns a [`TestApp`] with a helper per endpoint;
//! [`HtmlPage`] reads what a response shows; [`seeds_dir`] finds the seed
//! releases; `newsroom.rs` adds staff users, sign-in and CSRF-carrying
//! forms ([`StaffUser`], [`NewsroomSession`]).

use pressroom_ledger::SiteKeys;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use pressroom_domain::FixedClock;
use pressroom_newsroom::{FileImport, IndexSync, import_text};
use pressroom_render::SiteConfig;
use pressroom_search::SearchIndex;
use pressroom_store::{PublicView, Store};
use pressroom_store_sqlite::SqliteStore;
use pressroom_web::AppState;
use tokio::sync::oneshot;

mod newsroom;
pub use newsroom::{NewsroomSession, StaffUser};

/// The instant test clocks start at.
pub const TEST_NOW: &str = "2026-06-01T12:00:00Z";

/// A running server with its own database and clock.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub clock: Arc<FixedClock>,
    pub site: Arc<SiteConfig>,
    /// The newsroom's accounts (the same SQLite database as `store`).
    pub accounts: Arc<dyn pressroom_store::AccountStore>,
    /// The transparency log's keys the server signs with.
    pub keys: Arc<SiteKeys>,
    /// The server's search index (`test.db.index` beside the database).
    pub search: Arc<SearchIndex>,
    /// Follows the store's change feed into `search`, as `pressroom serve`
    /// does, but only when told ([`TestApp::sync_search`]), so tests know
    /// when the index has caught up.
    index_sync: tokio::sync::Mutex<IndexSync>,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// The log keys of a test server: the same seed every run, named after the
/// server's address as `pressroom serve` names its log.
pub fn test_keys(base_url: &str) -> SiteKeys {
    let name = pressroom_ledger::origin_from_base_url(base_url).expect("log name");
    SiteKeys {
        current: pressroom_ledger::SiteKey::from_seed(&name, [7; 32]).expect("test key"),
        retired: vec![
            pressroom_ledger::SiteKey::from_seed(&name, [6; 32])
                .expect("retired test key")
                .verifier()
                .clone(),
        ],
    }
}

/// Starts the portal on `127.0.0.1:0` over a fresh SQLite database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with site settings changed by `configure` (the base URL is
/// the test server's own, set before `configure` runs).
/// The server's state over `store` as the tests build it: the seeded log
/// keys for `site`'s address, a search index in `index_dir` following the
/// store (the returned [`IndexSync`] applies what changed), and `clock` for
/// every visibility decision.
pub async fn app_state(
    store: Arc<dyn Store>,
    accounts: Arc<dyn pressroom_store::AccountStore>,
    clock: Arc<FixedClock>,
    site: Arc<SiteConfig>,
    index_dir: &std::path::Path,
) -> (AppState, IndexSync) {
    let ledger = Arc::new(test_keys(&site.base_url));
    let search = Arc::new(SearchIndex::open_or_create(index_dir).expect("open search index"));
    let (index_sync, _) = IndexSync::start(store.clone(), search.clone())
        .await
        .expect("search index follows the store");
    let state = AppState {
        public: PublicView::new(store.clone(), clock.clone()),
        site,
        newsroom: pressroom_web::NewsroomState::new(store, accounts, clock),
        search,
        ledger,
    };
    (state, index_sync)
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut SiteConfig)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let sqlite = Arc::new(SqliteStore::open(&url).await.expect("open store"));
    let store: Arc<dyn Store> = sqlite.clone();
    let accounts: Arc<dyn pressroom_store::AccountStore> = sqlite;
    let clock = Arc::new(FixedClock::new(
        TEST_NOW.parse::<Timestamp>().expect("time"),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let mut site = SiteConfig {
        base_url: address.clone(),
        ..SiteConfig::default()
    };
    configure(&mut site);
    let site = Arc::new(site);
    let (state, index_sync) = app_state(
        store.clone(),
        accounts.clone(),
        clock.clone(),
        site.clone(),
        &dir.path().join("test.db.index"),
    )
    .await;
    let keys = state.ledger.clone();
    let search = state.search.clone();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(pressroom_web::serve(
        listener,
        pressroom_web::router(state),
        async move {
            let _ = rx.await;
        },
    ));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        store,
        clock,
        site,
        accounts,
        keys,
        search,
        index_sync: tokio::sync::Mutex::new(index_sync),
        shutdown: Some(tx),
        _dir: dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// Imports one file's text through the same use-case as the CLI, then
    /// lets the search index catch up with the change feed.
    pub async fn import(&self, source: &str, text: &str) -> FileImport {
        let done = import_text(self.store.as_ref(), self.clock.as_ref(), source, text)
            .await
            .expect("import succeeds");
        self.sync_search().await;
        done
    }

    /// Applies every change the store has committed to the search index,
    /// as the change-feed follower of `pressroom serve` does.
    pub async fn sync_search(&self) {
        self.index_sync
            .lock()
            .await
            .catch_up()
            .await
            .expect("search index catches up");
    }

    /// Stores one release with the given status straight into the store
    /// (drafts, embargoed or withdrawn releases, times of day), returning
    /// its public path.
    pub async fn store_release(
        &self,
        content: pressroom_domain::ReleaseContent,
        status: pressroom_domain::Status,
    ) -> pressroom_domain::ReleasePath {
        use pressroom_domain::Clock;
        self.store_release_at(content, status, self.clock.now())
            .await
    }

    /// [`TestApp::store_release`] as if written at `at` (a published release
    /// then becomes public at `at`: a time in the future holds it back), with
    /// the search index brought up to date.
    pub async fn store_release_at(
        &self,
        content: pressroom_domain::ReleaseContent,
        status: pressroom_domain::Status,
        at: Timestamp,
    ) -> pressroom_domain::ReleasePath {
        let fingerprint = format!("{}/{}", content.date, content.title);
        let out = self
            .store
            .import(
                vec![pressroom_store::ImportRecord {
                    content,
                    fingerprint,
                    source: pressroom_store::Source {
                        path: "test".into(),
                        line: 1,
                    },
                    status,
                }],
                at,
            )
            .await
            .expect("stored");
        let path = match out.into_iter().next() {
            Some(
                pressroom_store::ImportOutcome::Inserted { path, .. }
                | pressroom_store::ImportOutcome::Duplicate { path, .. },
            ) => path,
            None => panic!("nothing stored"),
        };
        self.sync_search().await;
        path
    }

    /// `/search` with these query parameters.
    pub async fn get_search(&self, params: &[(&str, &str)]) -> (reqwest::StatusCode, HtmlPage) {
        let res = self
            .client
            .get(format!("{}/search", self.address))
            .query(params)
            .send()
            .await
            .expect("request succeeds");
        let status = res.status();
        (status, HtmlPage::parse(&res.text().await.expect("body")))
    }

    /// `/api/search` with these query parameters, as JSON.
    pub async fn get_api_search(
        &self,
        params: &[(&str, &str)],
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let res = self
            .client
            .get(format!("{}/api/search", self.address))
            .query(params)
            .send()
            .await
            .expect("request succeeds");
        let status = res.status();
        (status, res.json().await.expect("a JSON body"))
    }

    /// Imports every file of `../shared/seeds`.
    pub async fn import_seeds(&self) -> Vec<FileImport> {
        let mut out = Vec::new();
        for (name, text) in seed_files() {
            out.push(self.import(&name, &text).await);
        }
        out
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request succeeds")
    }

    /// The listing at `/`, page `page` if given.
    pub async fn get_listing(&self, page: Option<&str>) -> reqwest::Response {
        match page {
            Some(p) => self.get(&format!("/?page={p}")).await,
            None => self.get("/").await,
        }
    }

    /// A release page by its path.
    pub async fn get_release(&self, path: &str) -> reqwest::Response {
        self.get(path).await
    }

    /// The archive: all years (`None`) or one year's months.
    pub async fn get_archive(&self, year: Option<&str>) -> reqwest::Response {
        match year {
            Some(y) => self.get(&format!("/archive/{y}")).await,
            None => self.get("/archive").await,
        }
    }

    /// The exit notice for an outside address.
    pub async fn get_exit_notice(&self, target: &str) -> reqwest::Response {
        self.get(&pressroom_render::exit_notice_href(target)).await
    }

    /// A feed: `format` is `atom`, `rss` or `json`; `query` the listing's
    /// filters (`?kind=Readout`) or empty.
    pub async fn get_feed(&self, format: &str, query: &str) -> reqwest::Response {
        self.get(&format!("/feed.{format}{query}")).await
    }

    /// A read-API address (`/api/releases?kind=Readout`), parsed as JSON,
    /// with its status and content type.
    pub async fn get_api(&self, path: &str) -> (reqwest::StatusCode, String, serde_json::Value) {
        let res = self.get(path).await;
        let status = res.status();
        let ctype = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = res.text().await.expect("body");
        let json = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"));
        (status, ctype, json)
    }

    /// `/sitemap.xml`, or with `Some(n)` the file `/sitemaps/{n}.xml`.
    pub async fn get_sitemap(&self, file: Option<&str>) -> reqwest::Response {
        match file {
            Some(n) => self.get(&format!("/sitemaps/{n}.xml")).await,
            None => self.get("/sitemap.xml").await,
        }
    }

    /// A page's HTML with the random port replaced, for snapshots.
    pub async fn get_html_snapshot(&self, path: &str) -> String {
        let body = self.get(path).await.text().await.expect("body");
        body.replace(&self.address, "http://127.0.0.1:PORT")
    }

    /// Fetches a page and parses it, returning the status too.
    pub async fn get_page(&self, path: &str) -> (reqwest::StatusCode, HtmlPage) {
        let res = self.get(path).await;
        let status = res.status();
        let body = res.text().await.expect("body");
        (status, HtmlPage::parse(&body))
    }
}

/// A parsed HTML page, for asserting what a reader sees.
pub struct HtmlPage {
    pub html: scraper::Html,
    pub source: String,
}

impl HtmlPage {
    pub fn parse(source: &str) -> Self {
        Self {
            html: scraper::Html::parse_document(source),
            source: source.to_owned(),
        }
    }

    fn selector(css: &str) -> scraper::Selector {
        scraper::Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"))
    }

    /// The text of every element matching `css`, white space folded.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.html
            .select(&Self::selector(css))
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The text of the one element matching `css`; panics if none or several.
    pub fn text(&self, css: &str) -> String {
        let all = self.texts(css);
        assert_eq!(all.len(), 1, "expected one {css}, found {all:?}");
        all.into_iter().next().unwrap_or_default()
    }

    /// An attribute of every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.html
            .select(&Self::selector(css))
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }
}

/// The repository's root folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `../shared/seeds` beside the repository. Missing seeds fail the test
/// loudly: they are part of what CI checks.
pub fn seeds_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/seeds");
    assert!(dir.is_dir(), "seed releases not found at {}", dir.display());
    dir
}

/// The seed files as (name, text), in name order.
pub fn seed_files() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(seeds_dir())
        .expect("read seeds")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read seed");
            (p.display().to_string(), text)
        })
        .collect()
}
