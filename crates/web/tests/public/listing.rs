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
    let kinds = page.texts(".release-item .kind");
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

/// Three releases besides the seeds: another issuer, another year, a link.
pub const EXTRA: &str = "Remarks at the Harbour Forum\n\nRemarks\nElena Varga, Minister of Foreign Affairs\n\nVelhavn, Norvia\nMarch 3, 2019\n\nGood morning.\n\n\n\
Readout of a Call\n\nReadout\nOffice of the Spokesperson\n\nWashington, DC\nMarch 9, 2019\n\nThe Secretary spoke today.\n\n\n\
Visa Portal Opens\n\nMedia Note\nBureau of Consular Affairs\n\nWashington, DC\nJanuary 5, 2019\n\nApply at [the portal](https://visas.example.org/apply?lang=en&step=1).\n\n\n";

#[tokio::test]
async fn filters_combine_stay_in_the_url_and_show_counts_beside_each_value() {
    let app = spawn_app().await;
    app.import_seeds().await;
    app.import("extra.txt", EXTRA).await;

    let (status, page) = app.get_page("/?kind=Readout&year=2018&month=12").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page.text(".result-count"),
        "2 releases matching Readout, December 2018"
    );
    assert_eq!(
        page.text("title"),
        "Press Releases: Readout, December 2018 | Press Releases"
    );
    let titles = page.texts(".release-item-title");
    assert!(
        titles.iter().all(|t| t.contains("Meeting With")),
        "{titles:?}"
    );
    // Each facet counts under the other filters.
    let kinds = page.texts("#facet-kind + ul li");
    assert_eq!(
        kinds,
        [
            "Media Note (3)",
            "✓ Readout (2), selected; choose to remove"
        ]
    );
    let years = page.texts("#facet-year + ul li");
    assert_eq!(
        years,
        ["2019 (1)", "✓ 2018 (2), selected; choose to remove"]
    );
    let months = page.texts("#facet-month + ul li");
    assert_eq!(months, ["✓ December (2), selected; choose to remove"]);
    // Choosing a value keeps the other filters; choosing the selected one removes it.
    assert_eq!(
        page.attrs("#facet-kind + ul a", "href"),
        [
            "/?kind=Media+Note&year=2018&month=12",
            "/?year=2018&month=12"
        ]
    );
    assert_eq!(
        page.attrs("#facet-year + ul a", "href"),
        ["/?kind=Readout&year=2019", "/?kind=Readout"],
        "changing the year drops the month"
    );
    let chips = page.attrs(".active-filters a.filter-chip", "href");
    assert_eq!(
        chips,
        [
            "/?year=2018&month=12",
            "/?kind=Readout",
            "/?kind=Readout&year=2018"
        ]
    );

    let (_, by_issuer) = app
        .get_page("/?issuer=Elena+Varga%2C+Minister+of+Foreign+Affairs")
        .await;
    assert_eq!(
        by_issuer.texts(".release-item-title"),
        ["Remarks at the Harbour Forum"]
    );
    assert!(
        by_issuer
            .texts("#facet-issuer + ul li")
            .contains(&"Office of the Spokesperson (6)".to_owned())
    );
}

#[tokio::test]
async fn pages_of_a_filtered_listing_keep_the_filters() {
    let app = spawn_app().await;
    let text: String = (1..=25)
        .map(|n| {
            format!(
                "Note {n}\n\nMedia Note\nOffice of the Spokesperson\n\nWashington, DC\nMay {n}, 2020\n\nText {n}.\n\n\n"
            )
        })
        .collect();
    app.import("notes.txt", &text).await;

    let (_, first) = app.get_page("/?kind=Media+Note&year=2020").await;
    let (_, second) = app.get_page("/?kind=Media+Note&year=2020&page=2").await;

    assert_eq!(
        first.attrs("a[rel=next]", "href"),
        ["/?kind=Media+Note&year=2020&page=2"]
    );
    assert_eq!(second.texts(".release-item").len(), 5);
    assert_eq!(
        second.attrs("a[rel=prev]", "href"),
        ["/?kind=Media+Note&year=2020"]
    );
    assert_eq!(
        first.attrs("#facet-kind + ul a", "href"),
        ["/?year=2020"],
        "choosing a filter starts again from page 1"
    );
}

#[tokio::test]
async fn malformed_filters_get_a_page_that_says_what_was_wrong() {
    let app = spawn_app().await;
    app.import_seeds().await;

    for (query, says) in [
        ("year=18", "The year \"18\" is not valid"),
        ("year=2018&month=13", "The month \"13\" is not valid"),
        ("month=12", "A month filter needs a year"),
        (
            "kind=Readout&kind=Remarks",
            "\"kind\" is given more than once",
        ),
    ] {
        let (status, page) = app.get_page(&format!("/?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            page.text("main").contains(says),
            "{query}: {}",
            page.text("main")
        );
        assert!(
            page.text(".site-footer").contains("endorsement"),
            "a full page"
        );
    }
    let (status, page) = app.get_page("/?kind=Unheard+Of").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "an unknown kind is an empty result, not an error"
    );
    assert_eq!(page.text(".result-count"), "0 releases matching Unheard Of");
}
