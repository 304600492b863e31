//! The HTML of every page type, as a reader's browser receives it. The
//! random port is replaced so the snapshots are stable.

use pressroom_testkit::{TestApp, spawn_app};

use crate::listing::EXTRA;

async fn app() -> TestApp {
    let app = spawn_app().await;
    app.import_seeds().await;
    app.import("extra.txt", EXTRA).await;
    app
}

#[tokio::test]
async fn the_home_page_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!("home", app.get_html_snapshot("/").await);
}

#[tokio::test]
async fn the_filtered_listing_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!(
        "filtered_listing",
        app.get_html_snapshot("/?kind=Readout&year=2018&month=12")
            .await
    );
}

#[tokio::test]
async fn the_release_page_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!(
        "release",
        app.get_html_snapshot("/releases/2018/12/19/seventh-meeting-of-the-law-enforcement-coordination-group-focused-on-countering")
            .await
    );
}

#[tokio::test]
async fn the_release_page_with_an_outside_link_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!(
        "release_with_outside_link",
        app.get_html_snapshot("/releases/2019/01/05/visa-portal-opens")
            .await
    );
}

#[tokio::test]
async fn the_archive_pages_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!("archive", app.get_html_snapshot("/archive").await);
    insta::assert_snapshot!("archive_year", app.get_html_snapshot("/archive/2019").await);
}

#[tokio::test]
async fn the_exit_notice_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!(
        "exit_notice",
        app.get_html_snapshot(&pressroom_render::exit_notice_href(
            "https://visas.example.org/apply?lang=en&step=1"
        ))
        .await
    );
}

#[tokio::test]
async fn the_not_found_page_html_is_as_reviewed() {
    let app = app().await;
    insta::assert_snapshot!("not_found", app.get_html_snapshot("/no/such/page").await);
}
