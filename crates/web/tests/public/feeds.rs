use pressroom_domain::Status;
use pressroom_store::conformance::content;
use pressroom_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;

use crate::SEEDS;

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.import_seeds().await;
    app
}

async fn body(app: &TestApp, format: &str, query: &str) -> (StatusCode, String, String) {
    let res = app.get_feed(format, query).await;
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, ctype, res.text().await.expect("body"))
}

#[tokio::test]
async fn each_feed_format_carries_every_seed_release_with_its_media_type() {
    let app = seeded().await;
    for (format, media) in [
        ("atom", "application/atom+xml"),
        ("rss", "application/rss+xml"),
        ("json", "application/feed+json"),
    ] {
        let (status, ctype, text) = body(&app, format, "").await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert!(ctype.starts_with(media), "{format}: {ctype}");
        for seed in &SEEDS {
            assert!(
                text.contains(&format!("{}{}", app.address, seed.path)),
                "{format} lacks {}",
                seed.path
            );
        }
    }
}

#[tokio::test]
async fn a_kind_feed_holds_only_that_kind() {
    let app = seeded().await;
    let (_, _, text) = body(&app, "json", "?kind=Readout").await;
    let feed: serde_json::Value = serde_json::from_str(&text).expect("json");
    let items = feed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["tags"][0] == "Readout"));
    assert_eq!(feed["title"], "Press Releases: Readout");
    assert_eq!(
        feed["feed_url"],
        format!("{}/feed.json?kind=Readout", app.address)
    );
}

#[tokio::test]
async fn an_issuer_feed_holds_only_that_issuer() {
    let app = seeded().await;
    app.store_release(
        {
            let mut c = content("From Another Office", 2020, 2, 3);
            c.issuer =
                Some(pressroom_domain::Issuer::parse("Office of the Secretary").expect("issuer"));
            c
        },
        Status::Published,
    )
    .await;
    let (_, _, text) = body(&app, "atom", "?issuer=Office+of+the+Secretary").await;
    assert_eq!(text.matches("<entry>").count(), 1, "{text}");
    assert!(text.contains("<title>From Another Office</title>"));
    assert!(text.contains("<name>Office of the Secretary</name>"));
}

#[tokio::test]
async fn a_malformed_filter_is_refused_with_what_was_wrong() {
    let app = seeded().await;
    let (status, _, text) = body(&app, "rss", "?year=20x6").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        text.contains("20x6") && text.contains("four-digit year"),
        "{text}"
    );
}

#[tokio::test]
async fn a_withdrawn_release_is_announced_as_an_updated_entry_with_the_notice() {
    let app = spawn_app().await;
    app.store_release(
        content("Retracted Statement", 2021, 5, 4),
        Status::Withdrawn,
    )
    .await;
    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(atom.contains("<title>Withdrawn: Retracted Statement</title>"));
    assert!(atom.contains(pressroom_render::WITHDRAWAL_NOTICE));
    let (_, _, json) = body(&app, "json", "").await;
    let feed: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(feed["items"][0]["_pressroom"]["withdrawn"], true);
}

#[tokio::test]
async fn unpublished_releases_never_reach_a_feed() {
    let app = spawn_app().await;
    app.store_release(content("Embargoed Plan", 2021, 5, 4), Status::Embargoed)
        .await;
    app.store_release(content("Draft Plan", 2021, 5, 5), Status::Draft)
        .await;
    for format in ["atom", "rss", "json"] {
        let (_, _, text) = body(&app, format, "").await;
        assert!(!text.contains("Plan"), "{format}: {text}");
    }
}

#[tokio::test]
async fn markup_in_a_title_is_escaped_in_the_xml_feeds() {
    let app = spawn_app().await;
    app.store_release(
        content("Rates <b>up</b> & \"down\"", 2021, 5, 4),
        Status::Published,
    )
    .await;
    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(atom.contains("<title>Rates &lt;b&gt;up&lt;/b&gt; &amp; &quot;down&quot;</title>"));
    let (_, _, rss) = body(&app, "rss", "").await;
    assert!(!rss.contains("<b>up"));
}

#[tokio::test]
async fn pages_link_to_the_feeds_of_what_they_show() {
    let app = seeded().await;
    let (_, page) = app.get_page("/?kind=Readout").await;
    assert_eq!(
        page.attrs("link[rel=alternate]", "href"),
        [
            "/feed.atom?kind=Readout",
            "/feed.rss?kind=Readout",
            "/feed.json?kind=Readout"
        ]
    );
    let (_, page) = app.get_page(SEEDS[0].path).await;
    assert_eq!(
        page.attrs("link[rel=alternate]", "type"),
        [
            "application/atom+xml",
            "application/rss+xml",
            "application/feed+json"
        ]
    );
}

#[tokio::test]
async fn each_feed_is_as_reviewed() {
    let app = seeded().await;
    for (name, format, query) in [
        ("feed_atom", "atom", ""),
        ("feed_rss", "rss", ""),
        ("feed_json", "json", ""),
        ("feed_atom_readout", "atom", "?kind=Readout"),
        (
            "feed_rss_issuer",
            "rss",
            "?issuer=Office+of+the+Spokesperson",
        ),
    ] {
        let (_, _, text) = body(&app, format, query).await;
        insta::assert_snapshot!(name, text.replace(&app.address, "http://127.0.0.1:PORT"));
    }
}

#[tokio::test]
async fn the_listing_offers_its_feeds_to_follow() {
    let app = seeded().await;
    let (_, page) = app.get_page("/?kind=Readout").await;
    assert_eq!(page.text("#follow-heading"), "Follow these releases");
    assert_eq!(
        page.attrs(".feed-links a", "href"),
        [
            "/feed.atom?kind=Readout",
            "/feed.rss?kind=Readout",
            "/feed.json?kind=Readout"
        ]
    );
}
