use pressroom_domain::Status;
use pressroom_store::conformance::content;
use pressroom_testkit::{spawn_app, spawn_app_with};
use reqwest::StatusCode;

use crate::SEEDS;

#[tokio::test]
async fn every_seed_release_page_shows_every_field() {
    let app = spawn_app().await;
    app.import_seeds().await;

    for seed in &SEEDS {
        let (status, page) = app.get_page(seed.path).await;

        assert_eq!(status, StatusCode::OK, "{}", seed.path);
        assert_eq!(page.text("h1"), seed.title);
        assert_eq!(page.text(".release-header .kind"), seed.kind);
        assert_eq!(
            page.text(".release-meta .issuer"),
            "Office of the Spokesperson"
        );
        assert_eq!(page.text(".release-meta .dateline"), "Washington, DC");
        assert_eq!(page.text(".release-meta time"), seed.date_long);
        assert_eq!(
            page.attrs(".release-meta time", "datetime"),
            [seed.date_iso]
        );
        match seed.attribution {
            Some(a) => assert_eq!(page.text(".attribution"), a),
            None => assert!(page.texts(".attribution").is_empty()),
        }
        let paragraphs = page.texts(".release-body p");
        assert_eq!(paragraphs.len(), seed.paragraphs, "{}", seed.title);
        assert!(
            paragraphs[0].starts_with(seed.first_words),
            "{}",
            paragraphs[0]
        );
        for p in &paragraphs {
            assert!(!p.contains('□'), "stray glyph in {p}");
            assert!(
                !p.contains("Office of Website Management"),
                "footer in body: {p}"
            );
        }
        let canonical = format!("{}{}", app.address, seed.path);
        assert_eq!(page.attrs("link[rel=canonical]", "href"), [canonical]);
        assert!(
            page.text(".site-footer")
                .contains("should not be construed as an endorsement")
        );
    }
}

#[tokio::test]
async fn the_paragraph_broken_mid_sentence_reads_as_one() {
    let app = spawn_app().await;
    app.import_seeds().await;

    let (_, page) = app.get_page(SEEDS[3].path).await;

    let joined = page
        .texts(".release-body p")
        .into_iter()
        .find(|p| p.contains("cyber operations continue"))
        .expect("the paragraph is there");
    assert!(joined.contains("cyber operations continue to seek to undermine democratic elections"));
}

#[tokio::test]
async fn a_release_page_is_in_its_own_language() {
    let app = spawn_app().await;
    app.import_seeds().await;

    let (_, page) = app.get_page(SEEDS[0].path).await;

    assert_eq!(page.attrs("html", "lang"), ["en"]);
    assert_eq!(page.attrs("article.release", "lang"), ["en"]);
    assert!(
        page.texts(".notice-warning").is_empty(),
        "no withdrawal notice"
    );
    assert!(page.text("title").starts_with(SEEDS[0].title));
}

#[tokio::test]
async fn a_release_links_to_the_previous_and_next_of_its_kind() {
    let app = spawn_app().await;
    app.import_seeds().await;

    // Media Notes, oldest first: the two of December 19 (in import order),
    // then the joint statement of December 20.
    let (_, newest) = app.get_page(SEEDS[0].path).await;
    let older = newest.attrs(".neighbours a[rel=prev]", "href");
    assert_eq!(older.len(), 1);
    assert!(newest.attrs(".neighbours a[rel=next]", "href").is_empty());
    assert_eq!(newest.text(".neighbours-heading"), "More in Media Note");

    let (_, middle) = app.get_page(&older[0]).await;
    assert_eq!(middle.text(".release-header .kind"), "Media Note");
    assert_eq!(
        middle.attrs(".neighbours a[rel=next]", "href"),
        [SEEDS[0].path]
    );
    let (_, oldest) = app
        .get_page(&middle.attrs(".neighbours a[rel=prev]", "href")[0])
        .await;
    assert!(oldest.attrs(".neighbours a[rel=prev]", "href").is_empty());
    assert_eq!(oldest.text(".release-header .kind"), "Media Note");

    // The two Readouts point at each other and at no Media Note.
    let (_, readout) = app.get_page(SEEDS[1].path).await;
    let around: Vec<_> = readout
        .attrs(".neighbours a", "href")
        .into_iter()
        .chain([SEEDS[1].path.to_owned()])
        .collect();
    let mut around = around;
    around.sort();
    let mut readouts = vec![SEEDS[1].path.to_owned(), SEEDS[4].path.to_owned()];
    readouts.sort();
    assert_eq!(around, readouts);
}

#[tokio::test]
async fn a_release_page_shows_the_time_with_its_zone_its_history_and_a_print_stylesheet() {
    let app = spawn_app_with(|site| site.time_zone = "Europe/Oslo".into()).await;
    let mut c = content("Statement at Noon", 2026, 3, 2);
    c.date = c
        .date
        .with_time(jiff::civil::time(12, 0, 0, 0), "America/New_York")
        .expect("zone");
    app.store_release(c, Status::Published).await;

    let (_, page) = app.get_page("/releases/2026/03/02/statement-at-noon").await;

    assert_eq!(
        page.text(".release-meta time"),
        "March 2, 2026, 12:00 PM EST"
    );
    assert_eq!(
        page.attrs(".release-meta time", "datetime"),
        ["2026-03-02T12:00:00-05:00"]
    );
    // Published at the test clock's 12:00 UTC, shown in the site's zone.
    assert_eq!(
        page.text(".history li"),
        "Published on this site: June 1, 2026, 2:00 PM CEST"
    );
    assert_eq!(
        page.attrs(".history time", "datetime"),
        ["2026-06-01T12:00:00Z"]
    );
    assert_eq!(
        page.attrs("link[media=print]", "href"),
        ["/static/print.css"]
    );
    let css = app.get("/static/print.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.expect("css").contains("@page"));
    assert_eq!(
        page.attrs(".permalink a", "href"),
        [format!(
            "{}/releases/2026/03/02/statement-at-noon",
            app.address
        )]
    );
}

#[tokio::test]
async fn a_withdrawn_release_stays_readable_with_a_notice() {
    let app = spawn_app().await;
    app.store_release(
        content("Retracted Statement", 2021, 5, 4),
        Status::Withdrawn,
    )
    .await;

    let (status, page) = app
        .get_page("/releases/2021/05/04/retracted-statement")
        .await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        page.text(".notice-warning")
            .contains("This release has been withdrawn.")
    );
}

#[tokio::test]
async fn a_release_page_describes_itself_to_crawlers_as_a_news_article() {
    let app = spawn_app().await;
    app.import_seeds().await;
    let seed = &crate::SEEDS[0];

    let (_, page) = app.get_page(seed.path).await;

    let scripts = page.texts("script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1);
    let ld: serde_json::Value = serde_json::from_str(&scripts[0]).expect("JSON-LD parses");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], seed.title);
    assert_eq!(ld["url"], format!("{}{}", app.address, seed.path));
    assert_eq!(ld["datePublished"], seed.date_iso);
    assert_eq!(ld["dateModified"], "2026-06-01T12:00:00Z");
    assert_eq!(ld["author"]["name"], "Office of the Spokesperson");
    assert_eq!(ld["articleSection"], seed.kind);
    let og = |p: &str| page.attrs(&format!("meta[property=\"{p}\"]"), "content");
    assert_eq!(og("og:type"), ["article"]);
    assert_eq!(og("og:title"), [seed.title]);
    assert_eq!(og("og:url"), [format!("{}{}", app.address, seed.path)]);
    assert!(og("og:description")[0].starts_with(seed.first_words));
    assert_eq!(og("article:section"), [seed.kind]);
}

#[tokio::test]
async fn markup_in_a_title_cannot_close_the_json_ld_script() {
    let app = spawn_app().await;
    app.store_release(
        content("Beware </script><script>alert(1)</script>", 2021, 5, 4),
        Status::Published,
    )
    .await;
    let (_, page) = app.get_page("/").await;
    let href = page.attrs(".release-item-title a", "href");
    let (_, page) = app.get_page(&href[0]).await;
    assert_eq!(page.texts("script").len(), 1, "only the JSON-LD script");
    let ld: serde_json::Value =
        serde_json::from_str(&page.texts("script")[0]).expect("JSON-LD parses");
    assert_eq!(ld["headline"], "Beware </script><script>alert(1)</script>");
}
