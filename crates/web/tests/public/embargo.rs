//! The embargo leak test. Every public route is taken from the router's own
//! list (`pressroom_web::public_paths`), so a route added later is covered
//! without anyone remembering it. Before the lift no response, on any
//! route with any of the queries below, contains the embargoed title or any
//! sentence of its body, and the release's own addresses answer exactly as
//! addresses that never existed; from the lift instant on it is on every
//! surface that shows releases. The server runs with its page cache, so a
//! page cached before the lift must not be served after it. Time is moved
//! by the injected clock; the scheduler has not run at the lift, so what
//! makes it visible is the gate itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{
    Actor, Body, Clock, FixedClock, Issuer, Kind, Release, ReleaseContent, ReleaseDate, Role, Title,
};
use pressroom_newsroom::IndexSync;
use pressroom_newsroom::workflow as wf;
use pressroom_render::SiteConfig;
use pressroom_store::Store;
use pressroom_store_sqlite::SqliteStore;
use pressroom_web::PageCache;

pub(crate) const TITLE: &str = "Zephyrine Budget Surplus Announced Under Embargo";
pub(crate) const SENTENCES: [&str; 3] = [
    "The ministry will announce a surplus of 4.2 billion zephyrs",
    "Taxes on bread will be abolished from the first of July",
    "Further details follow in the annex at",
];
const LINK: &str = "https://embargo.example.org/annex";

pub(crate) struct Portal {
    pub(crate) address: String,
    pub(crate) client: reqwest::Client,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<FixedClock>,
    pub(crate) cache: PageCache,
    index_sync: IndexSync,
    _dir: tempfile::TempDir,
}

/// The portal as `pressroom serve` runs it, with its page cache, on a
/// SQLite store and the injected clock.
pub(crate) async fn portal() -> Portal {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("e.db").display());
    let sqlite = Arc::new(SqliteStore::open(&url).await.expect("open"));
    let store: Arc<dyn Store> = sqlite.clone();
    let accounts: Arc<dyn pressroom_store::AccountStore> = sqlite;
    let clock = Arc::new(FixedClock::new(
        pressroom_testkit::TEST_NOW.parse().expect("time"),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("addr"));
    let site = Arc::new(SiteConfig {
        base_url: address.clone(),
        ..SiteConfig::default()
    });
    let (state, index_sync) = pressroom_testkit::app_state(
        store.clone(),
        accounts,
        clock.clone(),
        site,
        &dir.path().join("e.db.index"),
    )
    .await;
    let cache = PageCache::new(std::time::Duration::from_secs(3600)).with_clock(clock.clone());
    let app = cache.wrap(pressroom_web::router(state));
    tokio::spawn(pressroom_web::serve(listener, app, std::future::pending()));
    Portal {
        address,
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

impl Portal {
    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }
}

/// The publisher who embargoes the release and issues its preview links.
pub(crate) const PUBLISHER: Actor = Actor {
    user_id: 3,
    role: Role::Publisher,
};

impl Portal {
    /// The embargoed release, written, cleared and embargoed until `lift`,
    /// then what `pressroom serve` does after every change.
    pub(crate) async fn embargo(&mut self, lift: Timestamp) -> Release {
        let (s, clock): (&dyn Store, &dyn Clock) = (self.store.as_ref(), self.clock.as_ref());
        let writer = Actor {
            user_id: 1,
            role: Role::Writer,
        };
        let clearer = Actor {
            user_id: 2,
            role: Role::Clearer,
        };
        let r = wf::create_draft(s, clock, writer, embargoed_content())
            .await
            .expect("draft");
        wf::submit(s, clock, writer, r.id).await.expect("submit");
        wf::approve(s, clock, clearer, r.id, None)
            .await
            .expect("approve");
        let r = wf::embargo(s, clock, PUBLISHER, r.id, lift)
            .await
            .expect("embargo");
        self.index_sync.catch_up().await.expect("index follows");
        self.cache.invalidate();
        self.cache
            .set_next_lift(s.next_due().await.expect("next due"));
        r
    }
}

pub fn embargoed_content() -> ReleaseContent {
    ReleaseContent {
        title: Title::parse(TITLE).expect("title"),
        kind: Some(Kind::PressStatement),
        issuer: Some(Issuer::parse("Office of the Spokesperson").expect("issuer")),
        dateline: None,
        date: ReleaseDate::from_date(jiff::civil::date(2026, 6, 1)).expect("date"),
        attribution: None,
        body: Body::from_texts(&[
            format!("{}.", SENTENCES[0]),
            format!("{}.", SENTENCES[1]),
            format!("{} [the annex]({LINK}).", SENTENCES[2]),
        ])
        .expect("body"),
        language: Default::default(),
    }
}

/// Every address to request: each public route with its parameters filled
/// in, with and without each query a reader or a crawler might send.
fn addresses(slug: &str, full_url: &str) -> Vec<String> {
    let values: BTreeMap<&str, Vec<&str>> = BTreeMap::from([
        ("year", vec!["2026"]),
        ("month", vec!["06"]),
        ("day", vec!["01"]),
        ("slug", vec![slug]),
        ("file", vec!["1.xml", "pages.xml"]),
        ("index", vec!["0", "2", "3"]),
        ("old", vec!["1"]),
        ("new", vec!["3", "4"]),
        // Tokens no link was ever issued for: well formed, malformed, and
        // the release's own slug. A valid one is tested in preview.rs.
        ("token", vec![UNKNOWN_TOKEN, "x", slug]),
    ]);
    let encoded_url = full_url.replace(':', "%3A").replace('/', "%2F");
    let encoded_link = LINK.replace(':', "%3A").replace('/', "%2F");
    let queries = [
        String::new(),
        format!("?url={encoded_url}"),
        format!("?to={encoded_link}"),
        "?kind=Press+Statement".to_owned(),
        "?year=2026&month=6".to_owned(),
        "?issuer=Office+of+the+Spokesperson&per_page=100".to_owned(),
        "?q=zephyrine+surplus".to_owned(),
        "?q=%22bread+will+be+abolished%22&sort=date".to_owned(),
    ];
    let mut out = Vec::new();
    for pattern in pressroom_web::public_paths() {
        let mut paths = vec![String::new()];
        for segment in pattern.split('/').skip(1) {
            let options: Vec<String> =
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(param) => values
                        .get(param)
                        .unwrap_or_else(|| {
                            panic!("route {pattern}: give the leak test values for {{{param}}}")
                        })
                        .iter()
                        .map(|v| (*v).to_owned())
                        .collect(),
                    None => vec![segment.to_owned()],
                };
            paths = paths
                .iter()
                .flat_map(|p| options.iter().map(move |o| format!("{p}/{o}")))
                .collect();
        }
        for path in paths {
            for q in &queries {
                out.push(format!("{path}{q}"));
            }
        }
    }
    out
}

/// Routes that show releases only as counts (the archive's years and
/// months): the release is on them once their answer changes at the lift.
const SHOWN_AS_COUNTS: &[&str] = &["/archive", "/archive/{year}"];

/// Routes that never show a release's title or address, by design.
const NOT_ABOUT_RELEASES: &[&str] = &[
    "/robots.txt",
    "/.well-known/pressroom/checkpoint",
    "/.well-known/pressroom/keys",
    "/verify",
    "/api/openapi.json",
    "/static/style.css",
    "/static/print.css",
    "/favicon.svg",
];

/// A preview link opens an embargoed release only for a token the press
/// office issued; the leak test asks only tokens never issued, which answer
/// as a page that does not exist, before the lift and after it.
const PERSONAL_LINKS: &[&str] = &["/preview/{token}"];

/// 256 bits, as a real token, that no link was issued for.
const UNKNOWN_TOKEN: &str = "5f0e3c8b9a7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";

/// The transparency log's entries and proofs: a release enters the log with
/// its publication (the scheduler's write right after the lift), not at the
/// lift instant, so these are held to "nothing before the lift" and then
/// checked once the scheduler has run.
const LOGGED_AT_PUBLICATION: &[&str] = &[
    "/.well-known/pressroom/log/entries/{index}",
    "/.well-known/pressroom/log/consistency/{old}/{new}",
    "/releases/{year}/{month}/{day}/{slug}/proof",
];

fn leaks(body: &str) -> Option<&'static str> {
    std::iter::once(TITLE)
        .chain(SENTENCES)
        .find(|s| body.contains(*s))
}

#[tokio::test]
async fn an_embargoed_release_is_on_no_public_route_before_its_lift_and_on_every_one_from_it() {
    let mut p = portal().await;
    let (store, clock) = (p.store.clone(), p.clock.clone());
    let (s, clock): (&dyn Store, &dyn Clock) = (store.as_ref(), clock.as_ref());
    for (name, text) in pressroom_testkit::seed_files() {
        pressroom_newsroom::import_text(s, clock, &name, &text)
            .await
            .expect("seeds");
    }
    let lift: Timestamp = p.clock.now() + SignedDuration::from_hours(1);
    let r = p.embargo(lift).await;

    let path = r.path().to_string();
    let full_url = format!("{}{path}", p.address);
    let all = addresses(r.slug.as_str(), &full_url);
    assert!(all.len() > 100, "{} addresses", all.len());

    // Just before the lift: nothing, twice (the second time from the cache).
    p.clock.set(lift - SignedDuration::from_micros(1));
    let mut before: BTreeMap<String, (u16, String)> = BTreeMap::new();
    for round in 0..2 {
        for address in &all {
            let (status, body) = p.get(address).await;
            before.insert(address.clone(), (status, body.clone()));
            if let Some(leak) = leaks(&body) {
                panic!("{address} (round {round}, {status}) leaks {leak:?}");
            }
            // An error may echo the address asked for; no other page may
            // name the release's address.
            if !address.contains(r.slug.as_str()) {
                assert!(!body.contains(r.slug.as_str()), "{address} names the slug");
            }
        }
    }
    // Its addresses answer exactly as addresses that never existed.
    let never = "/releases/2026/06/01/no-release-was-ever-here";
    for (mine, other) in [
        (path.clone(), never.to_owned()),
        (format!("/api{path}"), format!("/api{never}")),
        (
            format!("/api/releases/by-url?url={full_url}"),
            format!("/api/releases/by-url?url={}{never}", p.address),
        ),
        (format!("/preview/{UNKNOWN_TOKEN}"), never.to_owned()),
    ] {
        let (a, b) = (p.get(&mine).await, p.get(&other).await);
        assert_eq!(a.0, b.0, "{mine} and {other}: same status");
        assert_eq!(
            a.1.replace(&mine, "ADDRESS"),
            b.1.replace(&other, "ADDRESS"),
            "{mine} and {other}: same body"
        );
    }

    // At the lift instant, with no write and no scheduler run: everywhere.
    p.clock.set(lift);
    let mut shown_on: BTreeMap<&str, bool> = BTreeMap::new();
    for pattern in pressroom_web::public_paths() {
        shown_on.insert(pattern, false);
    }
    for address in &all {
        let (status, body) = p.get(address).await;
        let pattern = pressroom_web::public_paths()
            .into_iter()
            .find(|pat| matches_pattern(pat, address))
            .expect("a route");
        let counted = SHOWN_AS_COUNTS.contains(&pattern)
            && status == 200
            && before.get(address) != Some(&(status, body.clone()));
        if body.contains(TITLE) || body.contains(&path) || counted {
            assert!(status < 400, "{address}: {status}");
            shown_on.insert(pattern, true);
        }
    }
    let missing: Vec<_> = shown_on
        .iter()
        .filter(|(pat, shown)| {
            !**shown
                && !NOT_ABOUT_RELEASES.contains(pat)
                && !LOGGED_AT_PUBLICATION.contains(pat)
                && !PERSONAL_LINKS.contains(pat)
        })
        .map(|(pat, _)| *pat)
        .collect();
    assert!(
        missing.is_empty(),
        "not shown right after the lift on {missing:?}"
    );
    let (status, body) = p.get(&path).await;
    assert_eq!(status, 200);
    assert!(SENTENCES.iter().all(|s| body.contains(s)), "the whole body");

    // The scheduler then marks it published; it stays where it is.
    let published = wf::publish_due(s, clock).await.expect("scheduler");
    assert_eq!(published.len(), 1);
    p.cache.invalidate();
    let (status, body) = p.get(&path).await;
    assert_eq!(status, 200);
    assert!(body.contains(TITLE));
    // ...and the publication is in the transparency log.
    let (status, proof) = p.get(&format!("{path}/proof")).await;
    assert_eq!(status, 200, "{proof}");
    assert!(
        proof.contains("\"format\":\"pressroom-proof/1\""),
        "{proof}"
    );
}

fn matches_pattern(pattern: &str, address: &str) -> bool {
    let path = address.split('?').next().unwrap_or(address);
    let (a, b): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(p, s)| p.starts_with('{') || p == s)
}
