//! The render cache's precise invalidation, over real HTTP: two servers on
//! one database and clock, one behind the `PageCache` and one without it.
//! Every page is warmed in the cache, a release is published, corrected or
//! withdrawn, and `invalidate_releases` is called as `pressroom serve` does
//! after each change-feed batch. Then every page served by the cache must
//! be byte for byte what the uncached server renders now (nothing stale),
//! and the pages the change cannot touch must still be answered from the
//! cache (`x-cache: hit`).

use std::sync::Arc;

use pressroom_domain::{
    Actor, Body, Clock, FixedClock, Issuer, Kind, Release, ReleaseContent, ReleaseDate, Role, Title,
};
use pressroom_newsroom::IndexSync;
use pressroom_newsroom::workflow as wf;
use pressroom_render::SiteConfig;
use pressroom_store::Store;
use pressroom_store_sqlite::SqliteStore;
use pressroom_web::PageCache;

const WRITER: Actor = Actor {
    user_id: 1,
    role: Role::Writer,
};
const CLEARER: Actor = Actor {
    user_id: 2,
    role: Role::Clearer,
};
const PUBLISHER: Actor = Actor {
    user_id: 3,
    role: Role::Publisher,
};

struct Portal {
    cached: String,
    fresh: String,
    client: reqwest::Client,
    store: Arc<dyn Store>,
    clock: Arc<FixedClock>,
    cache: PageCache,
    index_sync: IndexSync,
    _dir: tempfile::TempDir,
}

async fn portal() -> Portal {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let sqlite = Arc::new(SqliteStore::open(&url).await.expect("open"));
    let store: Arc<dyn Store> = sqlite.clone();
    let accounts: Arc<dyn pressroom_store::AccountStore> = sqlite;
    let clock = Arc::new(FixedClock::new(
        pressroom_testkit::TEST_NOW.parse().expect("time"),
    ));
    let cached_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let fresh_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let cached = format!("http://{}", cached_listener.local_addr().expect("addr"));
    let fresh = format!("http://{}", fresh_listener.local_addr().expect("addr"));
    // Both servers print the same base address, so their pages compare.
    // Sitemap files of three ids: the archive's six releases fill two.
    let site = Arc::new(SiteConfig {
        base_url: "http://portal.test".to_owned(),
        sitemap_span: 3,
        ..SiteConfig::default()
    });
    let (state, index_sync) = pressroom_testkit::app_state(
        store.clone(),
        accounts,
        clock.clone(),
        site,
        &dir.path().join("c.db.index"),
    )
    .await;
    let cache = PageCache::new(std::time::Duration::from_secs(3600)).with_clock(clock.clone());
    let app = cache.wrap(pressroom_web::router(state.clone()));
    tokio::spawn(pressroom_web::serve(
        cached_listener,
        app,
        std::future::pending(),
    ));
    tokio::spawn(pressroom_web::serve(
        fresh_listener,
        pressroom_web::router(state),
        std::future::pending(),
    ));
    Portal {
        cached,
        fresh,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        store,
        clock,
        cache,
        index_sync,
        _dir: dir,
    }
}

fn content(title: &str, kind: Kind, issuer: &str, date: (i16, i8, i8)) -> ReleaseContent {
    ReleaseContent {
        title: Title::parse(title).expect("title"),
        kind: Some(kind),
        issuer: Some(Issuer::parse(issuer).expect("issuer")),
        dateline: None,
        date: ReleaseDate::from_date(jiff::civil::date(date.0, date.1, date.2)).expect("date"),
        attribution: None,
        body: Body::from_texts(&[format!("The text of {title}.")]).expect("body"),
        language: Default::default(),
    }
}

impl Portal {
    /// Status, `x-cache` and body of `path` from the cached server.
    async fn cached(&self, path: &str) -> (u16, String, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.cached))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let outcome = res
            .headers()
            .get("x-cache")
            .map_or("", |v| v.to_str().expect("ascii"))
            .to_owned();
        (status, outcome, res.text().await.expect("body"))
    }

    async fn fresh(&self, path: &str) -> String {
        self.client
            .get(format!("{}{path}", self.fresh))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body")
    }

    async fn publish(&self, content: ReleaseContent) -> Release {
        let s = self.store.as_ref();
        let clock: &dyn Clock = self.clock.as_ref();
        let r = wf::create_draft(s, clock, WRITER, content)
            .await
            .expect("draft");
        wf::submit(s, clock, WRITER, r.id).await.expect("submit");
        wf::approve(s, clock, CLEARER, r.id, None)
            .await
            .expect("approve");
        wf::publish_now(s, clock, PUBLISHER, r.id)
            .await
            .expect("publish")
    }

    /// What `pressroom serve` does after a change-feed batch.
    async fn follow(&mut self, changed: &[&Release]) -> usize {
        self.index_sync.catch_up().await.expect("index follows");
        let ids: Vec<_> = changed.iter().map(|r| r.id).collect();
        self.cache
            .invalidate_releases(self.store.as_ref(), &ids)
            .await
            .expect("invalidation reads the store")
    }

    /// Requests every address until it is a cache hit.
    async fn warm(&self, addresses: &[String]) {
        for a in addresses {
            let (status, _, _) = self.cached(a).await;
            assert_eq!(status, 200, "{a}");
            let (_, outcome, _) = self.cached(a).await;
            assert_eq!(outcome, "hit", "{a} is cached");
        }
    }

    /// Asserts every address is served as the uncached server renders it
    /// now, and returns those the cache answered without rendering.
    async fn still_cached(&self, addresses: &[String]) -> Vec<String> {
        let mut hits = Vec::new();
        for a in addresses {
            let (_, outcome, body) = self.cached(a).await;
            assert_eq!(body, self.fresh(a).await, "{a} is stale ({outcome})");
            if outcome == "hit" {
                hits.push(a.clone());
            }
        }
        hits
    }
}

/// A small archive over two years, three kinds and two issuers.
async fn archive(p: &Portal) -> Vec<Release> {
    let mut out = Vec::new();
    for (i, (kind, issuer, date)) in [
        (Kind::Readout, "Office of the Spokesperson", (2025, 3, 4)),
        (Kind::Readout, "Office of the Spokesperson", (2025, 5, 6)),
        (Kind::MediaNote, "Bureau of Consular Affairs", (2025, 4, 1)),
        (Kind::MediaNote, "Bureau of Consular Affairs", (2024, 9, 9)),
        (
            Kind::PressStatement,
            "Bureau of Consular Affairs",
            (2024, 2, 2),
        ),
        (
            Kind::PressStatement,
            "Office of the Spokesperson",
            (2024, 7, 7),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let title = format!("Archived {} Number {i}", kind.as_str());
        out.push(p.publish(content(&title, kind, issuer, date)).await);
    }
    out
}

fn addresses(archive: &[Release]) -> Vec<String> {
    let mut out: Vec<String> = [
        "/",
        "/?page=1&kind=Readout",
        "/?kind=Media+Note",
        "/?kind=Media+Note&issuer=Bureau+of+Consular+Affairs",
        "/?kind=Press+Statement&year=2024",
        "/?year=2024&month=2",
        "/feed.atom",
        "/feed.rss?kind=Readout",
        "/feed.json?kind=Media+Note",
        "/feed.atom?kind=Press+Statement",
        "/archive",
        "/archive/2024",
        "/archive/2025",
        "/sitemap.xml",
        "/sitemaps/1.xml",
        "/sitemaps/2.xml",
        "/search?q=archived",
        "/api/releases?kind=Media+Note",
        "/static/style.css",
        "/robots.txt",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for r in archive {
        out.push(r.path().to_string());
        out.push(format!("/api{}", r.path()));
    }
    // Older pages of the feeds, after a cursor (RFC 5005 paged feeds).
    let cursor = |r: &Release| format!("{}~{}", r.path().date, r.path().slug);
    out.push(format!("/feed.atom?cursor={}", cursor(&archive[2])));
    out.push(format!(
        "/feed.rss?kind=Readout&cursor={}",
        cursor(&archive[1])
    ));
    out
}

#[tokio::test]
async fn a_publication_drops_only_the_pages_it_is_on_and_every_page_after_it_is_fresh() {
    let mut p = portal().await;
    let archive = archive(&p).await;
    p.follow(&archive.iter().collect::<Vec<_>>()).await;
    let all = addresses(&archive);
    p.warm(&all).await;
    let warmed = p.cache.len();

    // A new Readout of 2025 from the Spokesperson, after the two others.
    let new = p
        .publish(content(
            "Readout of the Minister's Call",
            Kind::Readout,
            "Office of the Spokesperson",
            (2025, 6, 1),
        ))
        .await;
    let dropped = p.follow(&[&new]).await;
    let hits = p.still_cached(&all).await;

    let untouched = [
        // Another kind: neither the page nor a neighbour.
        archive[2].path().to_string(),
        format!("/api{}", archive[3].path()),
        archive[4].path().to_string(),
        // The older Readout, two positions away, is not a neighbour.
        archive[0].path().to_string(),
        // Fails two parts of the filter (kind and issuer).
        "/?kind=Media+Note&issuer=Bureau+of+Consular+Affairs".to_owned(),
        "/?kind=Press+Statement&year=2024".to_owned(),
        "/feed.json?kind=Media+Note".to_owned(),
        "/feed.atom?kind=Press+Statement".to_owned(),
        "/api/releases?kind=Media+Note".to_owned(),
        "/static/style.css".to_owned(),
        "/robots.txt".to_owned(),
        // The new release opens a third sitemap file; the two full ones
        // list none of it.
        "/sitemaps/1.xml".to_owned(),
        "/sitemaps/2.xml".to_owned(),
    ];
    for a in &untouched {
        assert!(
            hits.contains(a),
            "{a} was dropped by an unrelated publication"
        );
    }
    let touched = [
        "/",
        "/?page=1&kind=Readout",
        // Counted beside "Readout" in the kind facet.
        "/?kind=Media+Note",
        "/feed.atom",
        "/feed.rss?kind=Readout",
        "/archive",
        // Every year's page counts every year.
        "/archive/2024",
        "/sitemap.xml",
        "/search?q=archived",
    ];
    for a in touched {
        assert!(!hits.iter().any(|h| h == a), "{a} was kept");
    }
    // Its neighbour now links to it.
    let neighbour = archive[1].path().to_string();
    assert!(!hits.contains(&neighbour));
    assert!(
        p.cached(&neighbour)
            .await
            .2
            .contains(&new.path().to_string())
    );
    assert!(
        dropped < warmed / 2,
        "{dropped} of {warmed} pages dropped: not precise"
    );
    let (status, _, body) = p.cached(&new.path().to_string()).await;
    assert_eq!(status, 200);
    assert!(body.contains("Readout of the Minister"));
}

#[tokio::test]
async fn a_correction_drops_the_pages_of_its_old_and_new_kind_and_a_withdrawal_its_listings() {
    let mut p = portal().await;
    let archive = archive(&p).await;
    p.follow(&archive.iter().collect::<Vec<_>>()).await;
    let all = addresses(&archive);
    p.warm(&all).await;

    // A Media Note becomes a Press Statement: both kinds' pages change.
    let moved = &archive[3];
    let mut corrected = moved.content.clone();
    corrected.kind = Some(Kind::PressStatement);
    let (store, fixed) = (p.store.clone(), p.clock.clone());
    let s = store.as_ref();
    let clock: &dyn Clock = fixed.as_ref();
    let after = wf::correct(s, clock, PUBLISHER, moved.id, corrected, "Wrong kind.")
        .await
        .expect("correct");
    p.follow(&[&after]).await;
    let hits = p.still_cached(&all).await;
    for a in [
        "/feed.json?kind=Media+Note",
        "/feed.atom?kind=Press+Statement",
        "/api/releases?kind=Media+Note",
    ] {
        assert!(!hits.iter().any(|h| h == a), "{a} was kept");
    }
    assert!(hits.iter().any(|h| h == "/feed.rss?kind=Readout"));
    assert!(hits.contains(&archive[0].path().to_string()));
    // Its sitemap file (ids 4 to 6) gives its new date; the other is kept.
    assert!(!hits.iter().any(|h| h == "/sitemaps/2.xml"));
    assert!(hits.iter().any(|h| h == "/sitemaps/1.xml"));

    // Withdrawn: it leaves the listings; its page stays, with the notice.
    p.warm(&all).await;
    let gone = wf::withdraw(s, clock, PUBLISHER, archive[0].id, "Issued in error.")
        .await
        .expect("withdraw");
    p.follow(&[&gone]).await;
    let hits = p.still_cached(&all).await;
    for a in ["/", "/?page=1&kind=Readout", "/feed.rss?kind=Readout"] {
        assert!(!hits.iter().any(|h| h == a), "{a} was kept");
    }
    assert!(!hits.contains(&archive[0].path().to_string()));
    assert!(hits.contains(&archive[2].path().to_string()));
    assert!(hits.iter().any(|h| h == "/feed.atom?kind=Press+Statement"));
    assert!(!hits.iter().any(|h| h == "/sitemaps/1.xml"));
    assert!(hits.iter().any(|h| h == "/sitemaps/2.xml"));
}

#[tokio::test]
async fn the_sitemap_index_is_dropped_only_when_a_file_opens_or_its_first_release_changes() {
    let mut p = portal().await;
    let archive = archive(&p).await;
    p.follow(&archive.iter().collect::<Vec<_>>()).await;
    let mut all = addresses(&archive);
    all.push("/sitemaps/3.xml".to_owned());
    let later = |title: &str, day| {
        content(
            title,
            Kind::Readout,
            "Office of the Spokesperson",
            (2025, 6, day),
        )
    };
    // Id 7 opens a third file of three ids: the index names it from now on.
    let opens = p.publish(later("Readout Opening a File", 1)).await;
    p.follow(&[&opens]).await;
    p.warm(&all).await;
    let hits = p.still_cached(&all).await;
    assert!(hits.iter().any(|h| h == "/sitemap.xml"));

    // Id 8 goes into that file behind its first release: the index stands,
    // and every page is still as the uncached server renders it.
    let joins = p.publish(later("Readout Joining a File", 2)).await;
    p.follow(&[&joins]).await;
    let hits = p.still_cached(&all).await;
    assert!(
        hits.iter().any(|h| h == "/sitemap.xml"),
        "the index was dropped"
    );
    assert!(!hits.iter().any(|h| h == "/sitemaps/3.xml"));

    // A change to the first release of a file may empty it: dropped.
    p.warm(&all).await;
    let gone = wf::withdraw(
        p.store.as_ref(),
        p.clock.as_ref(),
        PUBLISHER,
        opens.id,
        "Issued in error.",
    )
    .await
    .expect("withdraw");
    p.follow(&[&gone]).await;
    let hits = p.still_cached(&all).await;
    assert!(!hits.iter().any(|h| h == "/sitemap.xml"));
}

#[tokio::test]
async fn a_change_read_from_the_feed_is_searchable_only_once_the_index_applies_it() {
    let mut p = portal().await;
    let new = p
        .publish(content(
            "Readout of the Lighthouse Talks",
            Kind::Readout,
            "Office of the Spokesperson",
            (2025, 6, 1),
        ))
        .await;
    let path = new.path().to_string();
    // What `pressroom serve` does between the two: drop the pages that do
    // not read the index.
    let named = tokio::time::timeout(std::time::Duration::from_secs(10), p.index_sync.read_next())
        .await
        .expect("the change is read at once")
        .expect("feed");
    assert_eq!(named, vec![new.id]);
    assert!(!p.fresh("/search?q=lighthouse").await.contains(&path));
    p.index_sync.apply().await.expect("index takes it");
    assert!(p.fresh("/search?q=lighthouse").await.contains(&path));
}

impl Portal {
    /// `x-cache` and every other header of `path` from `base`, sorted, as
    /// a client sending `accept_encoding` (none when empty) gets them.
    /// `date` is left out: it is the second the answer was sent.
    async fn headers(
        &self,
        base: &str,
        path: &str,
        accept_encoding: &str,
    ) -> (String, Vec<(String, String)>) {
        let mut request = self.client.get(format!("{base}{path}"));
        if !accept_encoding.is_empty() {
            request = request.header("accept-encoding", accept_encoding);
        }
        let res = request.send().await.expect("request");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let mut outcome = String::new();
        let mut headers = Vec::new();
        for (name, value) in res.headers() {
            let value = value.to_str().expect("ascii").to_owned();
            match name.as_str() {
                "x-cache" => outcome = value,
                "date" => {}
                _ => headers.push((name.as_str().to_owned(), value)),
            }
        }
        headers.sort();
        (outcome, headers)
    }
}

#[tokio::test]
async fn a_hit_sends_the_headers_its_miss_sent_in_every_encoding_and_the_routers_security_headers()
{
    let p = portal().await;
    let archive = archive(&p).await;
    for a in addresses(&archive) {
        for (i, coding) in ["br, gzip", "gzip", ""].into_iter().enumerate() {
            let (first, sent) = p.headers(&p.cached, &a, coding).await;
            // The first request renders the page; it is kept in every
            // coding at once.
            assert_eq!(first, if i == 0 { "miss" } else { "hit" }, "{a} {coding}");
            let (again, hit) = p.headers(&p.cached, &a, coding).await;
            assert_eq!(again, "hit", "{a} {coding}");
            assert_eq!(hit, sent, "{a} with Accept-Encoding '{coding}'");
        }
        // Uncompressed, a hit is what the router itself sends: the same
        // validators, freshness and security headers.
        let (_, hit) = p.headers(&p.cached, &a, "").await;
        let (_, routed) = p.headers(&p.fresh, &a, "").await;
        for name in [
            "content-type",
            "etag",
            "last-modified",
            "cache-control",
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "cross-origin-opener-policy",
            "x-frame-options",
        ] {
            let of = |headers: &[(String, String)]| {
                headers
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(of(&hit), of(&routed), "{name} of {a}");
            assert!(
                !of(&hit).is_empty() || name == "last-modified",
                "{a} sends {name}"
            );
        }
    }
}
