use pressroom_domain::Status;
use pressroom_store::conformance::content;
use pressroom_testkit::spawn_app;
use reqwest::StatusCode;

use crate::SEEDS;

#[tokio::test]
async fn an_unknown_address_gets_a_real_404_page() {
    let app = spawn_app().await;

    let (status, page) = app.get_page("/no/such/page").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(page.text("h1"), "Page not found");
    assert!(
        page.text(".site-footer").contains("endorsement"),
        "the 404 is a full page"
    );
}

#[tokio::test]
async fn malformed_release_addresses_are_404s() {
    let app = spawn_app().await;
    app.import_seeds().await;

    for path in [
        "/releases/2018/13/19/sanctions-announcement-on-russia",
        "/releases/2018/12/32/sanctions-announcement-on-russia",
        "/releases/18/12/19/sanctions-announcement-on-russia",
        "/releases/2018/12/19/Sanctions-Announcement-On-Russia",
        "/releases/2018/12/18/sanctions-announcement-on-russia",
        "/releases/2018/12/19/..%2F..%2Fetc%2Fpasswd",
    ] {
        assert_eq!(
            app.get_release(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_unpublished_release_is_neither_listed_nor_reachable() {
    let app = spawn_app().await;
    app.import_seeds().await;
    let draft = content("Embargoed Statement on Norvia", 2018, 12, 21);
    let path = app.store_release(draft, Status::Embargoed).await;

    let (status, page) = app.get_page(&path.to_string()).await;
    let (_, listing) = app.get_page("/").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        page.text("h1"),
        "Page not found",
        "indistinguishable from a missing page"
    );
    assert!(!listing.source.contains("Embargoed Statement"));
    assert_eq!(listing.text(".result-count"), "5 releases");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    app.import_seeds().await;

    for path in ["/", SEEDS[0].path, "/static/style.css", "/missing"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("object-src 'none'"), "{path}");
        assert!(csp.contains("base-uri 'none'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(
            !csp.contains("script-src"),
            "no script is allowed at all: {path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{path}");
    }
}

#[tokio::test]
async fn markup_in_a_release_body_cannot_run_script() {
    let app = spawn_app().await;
    let text = "A Hostile Release\n\nPress Statement\nOffice of the Spokesperson\n\nWashington, DC\nJanuary 5, 2021\n\nHello <script>alert(1)</script> and [x](javascript:alert(2)) <img src=x onerror=alert(3)>.\n";
    let imported = app.import("hostile.txt", text).await;
    let path = imported.inserted[0].to_string();

    let (status, page) = app.get_page(&path).await;

    assert_eq!(status, StatusCode::OK);
    let body = page.html.root_element().html();
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("javascript:"), "{body}");
    assert!(!body.contains("onerror"), "{body}");
    assert!(page.text(".release-body").starts_with("Hello"));
}
