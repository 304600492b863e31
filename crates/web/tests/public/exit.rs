use pressroom_domain::{Body, Status};
use pressroom_store::conformance::content;
use pressroom_testkit::{HtmlPage, TestApp, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

const PORTAL: &str = "https://visas.example.org/apply?lang=en&step=1";

async fn with_links(app: &TestApp) {
    app.import("extra.txt", crate::listing::EXTRA).await;
}

async fn notice(app: &TestApp, target: &str) -> (StatusCode, Option<String>, HtmlPage) {
    let res = app.get_exit_notice(target).await;
    let status = res.status();
    let location = res
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().expect("ascii").to_owned());
    (
        status,
        location,
        HtmlPage::parse(&res.text().await.expect("body")),
    )
}

#[tokio::test]
async fn an_outside_link_in_a_release_goes_through_the_exit_notice() {
    let app = spawn_app().await;
    with_links(&app).await;

    let (_, release) = app.get_page("/releases/2019/01/05/visa-portal-opens").await;
    let href = release.attrs(".release-body a", "href");
    assert_eq!(
        href,
        ["/leaving?to=https%3A%2F%2Fvisas.example.org%2Fapply%3Flang%3Den%26step%3D1"]
    );

    let (status, location, page) = notice(&app, PORTAL).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(location, None, "the notice never redirects by itself");
    assert_eq!(page.text("h1"), "You are leaving Press Releases");
    assert!(
        page.text(".notice")
            .contains("should not be construed as an endorsement")
    );
    assert_eq!(page.text(".exit-url"), PORTAL);
    assert_eq!(page.text(".exit-host"), "visas.example.org");
    let actions = page.attrs(".exit-actions a", "href");
    assert_eq!(actions, [PORTAL, "/releases/2019/01/05/visa-portal-opens"]);
    assert_eq!(page.attrs("meta[name=robots]", "content"), ["noindex"]);
}

#[tokio::test]
async fn the_notice_offers_no_address_that_a_published_release_does_not_link_to() {
    let app = spawn_app().await;
    with_links(&app).await;
    let mut draft = content("Embargoed Plan", 2019, 2, 1);
    draft.body = Body::from_texts(&["See [the plan](https://secret.example/plan)."]).expect("body");
    app.store_release(draft, Status::Draft).await;

    for target in [
        "https://evil.example/phish",
        "https://secret.example/plan",
        // A prefix or a variant of a real link is not that link.
        "https://visas.example.org/apply",
        "https://visas.example.org/apply?lang=en&step=1&x=y",
        "HTTPS://VISAS.EXAMPLE.ORG/apply?lang=en&step=1",
    ] {
        let (status, location, page) = notice(&app, target).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{target}");
        assert_eq!(location, None);
        assert!(
            !page.source.contains(target),
            "{target} is not echoed as a link"
        );
    }
    for (query, says) in [
        ("", "No address was given"),
        (
            "?to=javascript%3Aalert(1)",
            "is not the address of another website",
        ),
        ("?to=%2Freleases", "is not the address of another website"),
    ] {
        let (status, page) = app.get_page(&format!("/leaving{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.text("main").contains(says), "{query}");
    }
}

#[tokio::test]
async fn links_to_allowed_domains_and_to_the_site_itself_go_straight_there() {
    let app = spawn_app_with(|site| site.allowed_domains = vec!["example.org".into()]).await;
    let own = format!("{}/archive", app.address);
    app.import(
        "links.txt",
        &format!(
            "Links\n\nMedia Note\nOffice of the Spokesperson\n\nWashington, DC\nJanuary 5, 2019\n\n\
             [a]({PORTAL}) [b]({own}) [c](https://www.example.com/) [d](/archive)\n\n\n"
        ),
    )
    .await;

    let (_, page) = app.get_page("/releases/2019/01/05/links").await;

    assert_eq!(
        page.attrs(".release-body a", "href"),
        [
            PORTAL,
            own.as_str(),
            "/leaving?to=https%3A%2F%2Fwww.example.com%2F",
            "/archive"
        ]
    );
}
