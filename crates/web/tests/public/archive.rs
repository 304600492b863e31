use pressroom_testkit::{HtmlPage, spawn_app};
use reqwest::StatusCode;

use crate::listing::EXTRA;

async fn page(res: reqwest::Response) -> (StatusCode, HtmlPage) {
    let status = res.status();
    (status, HtmlPage::parse(&res.text().await.expect("body")))
}

#[tokio::test]
async fn the_archive_lists_every_year_with_its_count() {
    let app = spawn_app().await;
    app.import_seeds().await;
    app.import("extra.txt", EXTRA).await;

    let (status, page) = page(app.get_archive(None).await).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Archive");
    assert_eq!(page.texts(".archive-years li"), ["2019 (3)", "2018 (5)"]);
    assert_eq!(
        page.attrs(".archive-years a", "href"),
        ["/archive/2019", "/archive/2018"]
    );
    assert_eq!(
        page.attrs("svg.bar-chart a", "href"),
        ["/archive/2019", "/archive/2018"]
    );
    assert_eq!(
        page.attrs("svg.bar-chart a", "aria-label"),
        ["2019, 3 releases", "2018, 5 releases"]
    );
}

#[tokio::test]
async fn a_year_shows_a_bar_per_month_each_linking_to_that_month() {
    let app = spawn_app().await;
    app.import_seeds().await;
    app.import("extra.txt", EXTRA).await;

    let (status, year) = page(app.get_archive(Some("2019")).await).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(year.text("h1"), "Archive: 2019");
    assert_eq!(
        year.texts("svg.bar-chart .bar-label").len(),
        12,
        "every month has a row"
    );
    assert_eq!(
        year.attrs("svg.bar-chart a", "aria-label"),
        ["January 2019, 1 release", "March 2019, 2 releases"],
        "only months with releases are links"
    );
    let links = year.attrs("svg.bar-chart a", "href");
    assert_eq!(links, ["/?year=2019&month=1", "/?year=2019&month=3"]);
    let widths: Vec<u32> = year
        .attrs("svg.bar-chart rect.bar", "width")
        .iter()
        .map(|w| w.parse().expect("number"))
        .collect();
    assert_eq!(widths.len(), 2);
    assert!(
        widths[1] > widths[0],
        "two releases draw a longer bar than one"
    );
    // Following a bar gives exactly that month's releases.
    let (_, march) = app.get_page(&links[1]).await;
    let mut titles = march.texts(".release-item-title");
    titles.sort();
    assert_eq!(
        titles,
        ["Readout of a Call", "Remarks at the Harbour Forum"]
    );
    assert_eq!(
        year.attrs(".archive-years a[aria-current=page]", "href"),
        ["/archive/2019"]
    );
}

#[tokio::test]
async fn a_year_without_releases_and_a_malformed_year_are_not_found() {
    let app = spawn_app().await;
    app.import_seeds().await;

    for y in ["2017", "18", "20x8", "0000", "99999"] {
        assert_eq!(
            app.get_archive(Some(y)).await.status(),
            StatusCode::NOT_FOUND,
            "{y}"
        );
    }
}
