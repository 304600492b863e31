use pressroom_store::conformance::content;
use pressroom_testkit::spawn_app;
use reqwest::StatusCode;

use crate::SEEDS;

#[tokio::test]
async fn the_listing_shows_the_five_seed_releases_newest_first() {
    let app = spawn_app().await;
    app.import_seeds().await;

    let (status, page) = app.get_page("/").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Press Releases");
    assert_eq!(page.text(".result-count"), "5 releases");
    let titles = page.texts(".release-item-title");
    assert_eq!(titles.len(), 5);
    assert_eq!(
        titles[0], SEEDS[0].title,
        "the December 20 release comes first"
    );
    let mut expected: Vec<_> = SEEDS.iter().map(|s| s.title.to_owned()).collect();
    let mut got = titles.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    let links = page.attrs(".release-item-title a", "href");
    for seed in &SEEDS {
        assert!(
            links.iter().any(|l| l == seed.path),
            "no link to {}",
            seed.path
        );
    }
    let kinds = page.texts(".release-item-meta .kind");
    assert_eq!(kinds.iter().filter(|k| *k == "Readout").count(), 2);
    assert_eq!(
        page.texts(".release-item-meta .issuer")[0],
        "Office of the Spokesperson"
    );
    assert_eq!(
        page.texts(".release-item-meta .dateline")[0],
        "Washington, DC"
    );
}

#[tokio::test]
async fn the_listing_pages_through_releases_twenty_at_a_time() {
    let app = spawn_app().await;
    let text: String = (1..=45)
        .map(|n| {
            let c = content(&format!("Statement number {n}"), 2020, 1 + (n % 12) as i8, 1 + (n % 28) as i8);
            format!(
                "{}\n\nPress Statement\nOffice of the Spokesperson\n\nWashington, DC\n{}\n\n{}\n\n\n",
                c.title,
                c.date.long_form(),
                c.body.to_markdown()
            )
        })
        .collect();
    let imported = app.import("many.txt", &text).await;
    assert_eq!(imported.inserted.len(), 45);

    let (_, first) = app.get_page("/").await;
    let (_, second) = app.get_page("/?page=2").await;
    let (_, third) = app.get_page("/?page=3").await;

    assert_eq!(first.texts(".release-item").len(), 20);
    assert_eq!(second.texts(".release-item").len(), 20);
    assert_eq!(third.texts(".release-item").len(), 5);
    assert_eq!(first.text(".page-position"), "Page 1 of 3");
    assert_eq!(first.attrs("a[rel=next]", "href"), ["/?page=2"]);
    assert!(first.attrs("a[rel=prev]", "href").is_empty());
    assert_eq!(second.attrs("a[rel=prev]", "href"), ["/"]);
    assert_eq!(third.text(".page-position"), "Page 3 of 3");
    let all: Vec<_> = [&first, &second, &third]
        .iter()
        .flat_map(|p| p.texts(".release-item-title"))
        .collect();
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 45, "every release appears exactly once");
    let dates: Vec<_> = [&first, &second, &third]
        .iter()
        .flat_map(|p| p.attrs(".release-item time", "datetime"))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first across pages");
}

#[tokio::test]
async fn a_page_past_the_end_is_not_found_and_a_bad_page_number_is_explained() {
    let app = spawn_app().await;
    app.import_seeds().await;

    let (past_end, _) = app.get_page("/?page=2").await;
    let (bad, page) = app.get_page("/?page=abc").await;

    assert_eq!(past_end, StatusCode::NOT_FOUND);
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    assert!(page.texts("main p")[0].contains("\"abc\" is not valid"));
}

#[tokio::test]
async fn an_empty_portal_says_there_is_nothing_yet() {
    let app = spawn_app().await;

    let (status, page) = app.get_page("/").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.text(".result-count"), "0 releases");
    assert!(page.source.contains("There are no releases to show."));
}
