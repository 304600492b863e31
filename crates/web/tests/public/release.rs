use pressroom_testkit::spawn_app;
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
    assert!(page.text("title").starts_with(SEEDS[0].title));
}
