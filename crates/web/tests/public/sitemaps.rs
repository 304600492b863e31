use pressroom_domain::{Clock, Status};
use pressroom_store::conformance::content;
use pressroom_testkit::spawn_app;
use reqwest::StatusCode;

use crate::SEEDS;

#[tokio::test]
async fn the_sitemap_lists_the_listing_the_archive_and_every_public_release() {
    let app = spawn_app().await;
    app.import_seeds().await;
    app.store_release(content("Draft Plan", 2021, 5, 5), Status::Draft)
        .await;

    let res = app.get_sitemap(None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/xml")
    );
    let xml = res.text().await.expect("body");
    for seed in &SEEDS {
        assert!(xml.contains(&format!("<loc>{}{}</loc>", app.address, seed.path)));
    }
    assert!(xml.contains(&format!("<loc>{}/archive/2018</loc>", app.address)));
    assert!(
        !xml.contains("draft-plan"),
        "an unpublished release is listed"
    );
    insta::assert_snapshot!(
        "sitemap",
        xml.replace(&app.address, "http://127.0.0.1:PORT")
    );
}

#[tokio::test]
async fn the_sitemap_counts_and_lists_exactly_the_public_releases_withdrawn_pages_included() {
    let app = spawn_app().await;
    // Stored first, so that they come first in the walk's id order: a count
    // that left the withdrawn one out would cut the newest seed off.
    let withdrawn = app
        .store_release(content("Withdrawn Notice", 2017, 3, 3), Status::Withdrawn)
        .await;
    let later = app
        .store_release_at(
            content("Not Yet Public", 2018, 1, 1),
            Status::Published,
            app.clock.now() + jiff::SignedDuration::from_hours(1),
        )
        .await;
    app.import_seeds().await;
    let xml = app.get_sitemap(None).await.text().await.expect("body");
    let releases: Vec<&str> = xml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<loc>"))
        .filter(|l| l.contains("/releases/"))
        .collect();
    assert_eq!(releases.len(), SEEDS.len() + 1, "{xml}");
    for seed in &SEEDS {
        assert!(xml.contains(&format!("<loc>{}{}</loc>", app.address, seed.path)));
    }
    assert!(
        xml.contains(&withdrawn.to_string()),
        "its page stays public"
    );
    assert!(!xml.contains(&later.to_string()), "not public yet");
}

#[tokio::test]
async fn release_sitemap_files_past_the_last_are_not_found() {
    let app = spawn_app().await;
    app.import_seeds().await;
    assert_eq!(app.get_sitemap(Some("1")).await.status(), StatusCode::OK);
    for n in [
        "2",
        "0",
        "01",
        "x",
        "18446744073709551615",
        "99999999999999999999",
    ] {
        assert_eq!(
            app.get_sitemap(Some(n)).await.status(),
            StatusCode::NOT_FOUND,
            "{n}"
        );
    }
    let pages = app
        .get_sitemap(Some("pages"))
        .await
        .text()
        .await
        .expect("body");
    assert!(pages.contains("/archive</loc>") && !pages.contains("/releases/"));
}

#[tokio::test]
async fn robots_txt_lets_crawlers_in_and_names_the_sitemap() {
    let app = spawn_app().await;
    let res = app.get("/robots.txt").await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.expect("body");
    assert!(text.contains("User-agent: *"));
    assert!(text.contains("Disallow: /leaving"));
    assert!(text.contains(&format!("Sitemap: {}/sitemap.xml", app.address)));
}
