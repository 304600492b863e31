use pressroom_domain::{Clock, Status};
use pressroom_store::conformance::content;
use pressroom_testkit::{spawn_app, spawn_app_with};
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

#[tokio::test]
async fn the_index_names_each_span_of_ids_with_a_public_release_once_and_together_they_list_every_release_once()
 {
    // Files of two ids: the five seeds (ids 1 to 5), four drafts (6 to 9),
    // a published release (10) and one public only in an hour (11).
    let app = spawn_app_with(|site| site.sitemap_span = 2).await;
    app.import_seeds().await;
    for i in 0..4 {
        app.store_release(
            content(&format!("Draft Plan {i}"), 2021, 5, 5),
            Status::Draft,
        )
        .await;
    }
    let last = app
        .store_release(content("Closing Statement", 2022, 1, 1), Status::Published)
        .await;
    app.store_release_at(
        content("Not Yet Public", 2022, 2, 2),
        Status::Published,
        app.clock.now() + jiff::SignedDuration::from_hours(1),
    )
    .await;

    let index = app.get_sitemap(None).await.text().await.expect("body");
    assert!(index.contains("<sitemapindex"), "{index}");
    let files: Vec<String> = locs(&index)
        .into_iter()
        .map(|l| l.replace(&app.address, ""))
        .collect();
    assert_eq!(
        files,
        [
            "/sitemaps/pages.xml",
            "/sitemaps/1.xml",
            "/sitemaps/2.xml",
            "/sitemaps/3.xml",
            "/sitemaps/5.xml",
        ],
        "the drafts' span and the scheduled one's are not named"
    );
    let mut listed = Vec::new();
    for file in &files {
        let res = app.get(file).await;
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        let xml = res.text().await.expect("body");
        let releases: Vec<String> = locs(&xml)
            .into_iter()
            .filter(|l| l.contains("/releases/"))
            .collect();
        assert!(releases.len() <= 2, "{file} lists {releases:?}");
        listed.extend(releases);
    }
    let mut want: Vec<String> = SEEDS
        .iter()
        .map(|s| format!("{}{}", app.address, s.path))
        .chain([format!("{}{last}", app.address)])
        .collect();
    listed.sort();
    want.sort();
    assert_eq!(listed, want, "every public release once, nothing else");
    for n in ["4", "6"] {
        assert_eq!(
            app.get_sitemap(Some(n)).await.status(),
            StatusCode::NOT_FOUND,
            "file {n} has no public release"
        );
    }
}

/// The `<loc>`s of a sitemap or an index, in order.
fn locs(xml: &str) -> Vec<String> {
    xml.lines()
        .filter_map(|l| l.trim().strip_prefix("<loc>")?.strip_suffix("</loc>"))
        .map(str::to_owned)
        .collect()
}
