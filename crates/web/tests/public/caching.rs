use pressroom_domain::Status;
use pressroom_store::conformance::content;
use pressroom_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};

use crate::SEEDS;

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.import_seeds().await;
    app
}

fn header(res: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    res.headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_owned()
}

const PUBLIC_PATHS: [&str; 8] = [
    "/",
    "/?kind=Readout",
    "/archive",
    "/feed.atom",
    "/feed.rss",
    "/feed.json",
    "/static/style.css",
    "/favicon.svg",
];

#[tokio::test]
async fn every_public_response_carries_validators_and_cdn_friendly_cache_control() {
    let app = seeded().await;
    for path in PUBLIC_PATHS.into_iter().chain([SEEDS[0].path]) {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let etag = header(&res, ETAG);
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34,
            "{path}: a strong ETag, got {etag}"
        );
        assert!(header(&res, LAST_MODIFIED).ends_with(" GMT"), "{path}");
        let cc = header(&res, CACHE_CONTROL);
        assert!(
            cc.contains("public") && cc.contains("max-age="),
            "{path}: {cc}"
        );
        assert!(cc.contains("stale-while-revalidate"), "{path}: {cc}");
    }
}

#[tokio::test]
async fn a_matching_if_none_match_gets_304_without_a_body_and_a_stale_one_gets_the_page() {
    let app = seeded().await;
    for path in PUBLIC_PATHS.into_iter().chain([SEEDS[0].path]) {
        let first = app.get(path).await;
        let etag = header(&first, ETAG);
        let again = app
            .client
            .get(format!("{}{path}", app.address))
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .expect("request");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(&again, ETAG), etag);
        assert!(header(&again, CACHE_CONTROL).contains("public"));
        assert!(again.text().await.expect("body").is_empty());

        let other = app
            .client
            .get(format!("{}{path}", app.address))
            .header(IF_NONE_MATCH, "\"0000\"")
            .send()
            .await
            .expect("request");
        assert_eq!(other.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn if_modified_since_gets_304_when_nothing_changed_and_the_page_once_something_did() {
    let app = seeded().await;
    let first = app.get("/feed.atom").await;
    let lm = header(&first, LAST_MODIFIED);
    let conditional = |since: String| {
        app.client
            .get(format!("{}/feed.atom", app.address))
            .header(IF_MODIFIED_SINCE, since)
            .send()
    };
    assert_eq!(
        conditional(lm.clone()).await.expect("request").status(),
        StatusCode::NOT_MODIFIED
    );

    app.clock.advance(jiff::SignedDuration::from_hours(1));
    app.store_release(content("A Later Statement", 2021, 5, 4), Status::Published)
        .await;
    let res = conditional(lm.clone()).await.expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(header(&res, LAST_MODIFIED), lm);
}

#[tokio::test]
async fn a_page_dated_by_the_clock_is_never_validated_by_date_alone() {
    let app = seeded().await;
    let first = app.get("/archive").await;
    let res = app
        .client
        .get(format!("{}/archive", app.address))
        .header(IF_MODIFIED_SINCE, header(&first, LAST_MODIFIED))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn each_content_coding_has_its_own_etag() {
    let app = seeded().await;
    let plain = app.get("/").await;
    let gzip = app
        .client
        .get(format!("{}/", app.address))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(header(&gzip, reqwest::header::CONTENT_ENCODING), "gzip");
    assert_ne!(header(&plain, ETAG), header(&gzip, ETAG));
    assert!(header(&gzip, reqwest::header::VARY).contains("accept-encoding"));
}

#[tokio::test]
async fn errors_are_not_given_public_cache_validators() {
    let app = seeded().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers().get(ETAG).is_none());
}
