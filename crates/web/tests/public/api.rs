use pressroom_domain::Status;
use pressroom_store::conformance::content;
use pressroom_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;

use crate::SEEDS;

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.import_seeds().await;
    app
}

#[tokio::test]
async fn the_list_gives_every_public_release_newest_first_with_stable_fields() {
    let app = seeded().await;
    app.store_release(content("Draft Plan", 2021, 5, 5), Status::Draft)
        .await;

    let (status, ctype, list) = app.get_api("/api/releases").await;

    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/json"));
    assert_eq!(list["total"], 5);
    assert_eq!(list["next_cursor"], serde_json::Value::Null);
    let first = &list["items"][0];
    assert_eq!(first["title"], SEEDS[0].title);
    assert_eq!(first["url"], format!("{}{}", app.address, SEEDS[0].path));
    assert_eq!(first["id"], SEEDS[0].path.trim_start_matches("/releases/"));
    assert_eq!(first["kind"], "Media Note");
    assert_eq!(first["date"], "2018-12-20");
    assert_eq!(first["status"], "published");
    assert_eq!(first["published_at"], "2026-06-01T12:00:00+00:00");
    assert!(
        first["body_html"]
            .as_str()
            .expect("html")
            .starts_with("<p>Since at least 2014")
    );
    let mut keys: Vec<_> = first.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "attribution",
            "body_html",
            "body_text",
            "date",
            "dateline",
            "id",
            "issued_at",
            "issuer",
            "kind",
            "language",
            "proof_url",
            "published_at",
            "revision",
            "status",
            "summary",
            "title",
            "updated_at",
            "url"
        ]
    );
}

#[tokio::test]
async fn the_cursor_walks_every_page_once_and_filters_hold_across_pages() {
    let app = seeded().await;
    let mut seen = Vec::new();
    let mut next = Some(format!(
        "{}/api/releases?kind=Media+Note&limit=2",
        app.address
    ));
    while let Some(url) = next {
        let path = url.trim_start_matches(&app.address).to_owned();
        let (status, _, page) = app.get_api(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for item in page["items"].as_array().expect("items") {
            assert_eq!(item["kind"], "Media Note");
            seen.push(item["id"].as_str().expect("id").to_owned());
        }
        next = page["next"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 3);
    seen.dedup();
    assert_eq!(seen.len(), 3, "no release twice");
}

#[tokio::test]
async fn a_release_published_between_pages_neither_repeats_nor_skips_an_item() {
    let app = seeded().await;
    let (_, _, first) = app.get_api("/api/releases?limit=1").await;
    let first_id = first["items"][0]["id"].as_str().expect("id").to_owned();
    // Newer than everything: with offsets it would push the first item onto
    // the second page.
    app.store_release(
        content("Published Meanwhile", 2030, 1, 1),
        Status::Published,
    )
    .await;
    let next = first["next"].as_str().expect("a next page");
    let (status, _, second) = app.get_api(next.trim_start_matches(&app.address)).await;
    assert_eq!(status, StatusCode::OK);
    let second_id = second["items"][0]["id"].as_str().expect("id");
    assert_ne!(second_id, first_id);
    assert_ne!(second["items"][0]["title"], "Published Meanwhile");
}

#[tokio::test]
async fn a_cursor_naming_an_unpublished_release_is_refused_as_one_naming_nothing() {
    let app = seeded().await;
    let hidden = app
        .store_release(content("Embargoed Cursor", 2021, 5, 4), Status::Embargoed)
        .await;
    let hidden_cursor = hidden
        .to_string()
        .trim_start_matches("/releases/")
        .replacen('/', "-", 2)
        .replacen('/', "~", 1);
    let (status, _, hidden_problem) = app
        .get_api(&format!("/api/releases?cursor={hidden_cursor}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, missing_problem) = app
        .get_api("/api/releases?cursor=2021-05-04~never-was")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        hidden_problem["detail"]
            .as_str()
            .expect("detail")
            .contains("names no public release")
    );
    assert!(
        missing_problem["detail"]
            .as_str()
            .expect("detail")
            .contains("names no public release")
    );
}

#[tokio::test]
async fn a_release_is_found_by_id_and_by_url_and_unpublished_ones_are_not() {
    let app = seeded().await;
    let path = app
        .store_release(content("Embargoed Plan", 2021, 5, 4), Status::Embargoed)
        .await;
    let id = SEEDS[1].path.trim_start_matches("/releases/");

    let (status, _, by_id) = app.get_api(&format!("/api/releases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id["title"], SEEDS[1].title);
    assert_eq!(by_id["attribution"], crate::ATTRIBUTION);

    let absolute = format!("{}{}", app.address, SEEDS[1].path);
    for url in [absolute.as_str(), SEEDS[1].path] {
        let q: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
        let (status, _, by_url) = app.get_api(&format!("/api/releases/by-url?url={q}")).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(by_url, by_id);
    }

    let (status, ctype, problem) = app
        .get_api(&format!(
            "/api/releases{}",
            path.to_string().trim_start_matches("/releases")
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(problem["status"], 404);
}

#[tokio::test]
async fn bad_requests_get_problem_details_that_name_what_was_wrong() {
    let app = seeded().await;
    for (path, status, says) in [
        (
            "/api/releases?limit=500",
            StatusCode::BAD_REQUEST,
            "limit \"500\"",
        ),
        (
            "/api/releases?cursor=zzz",
            StatusCode::BAD_REQUEST,
            "cursor \"zzz\"",
        ),
        (
            "/api/releases?month=4",
            StatusCode::BAD_REQUEST,
            "month needs year",
        ),
        (
            "/api/releases?year=20x6",
            StatusCode::BAD_REQUEST,
            "\"20x6\"",
        ),
        (
            "/api/releases/by-url",
            StatusCode::BAD_REQUEST,
            "url is required",
        ),
        (
            "/api/releases/by-url?url=https%3A%2F%2Felsewhere.example%2Freleases%2F2018%2F12%2F19%2Fx",
            StatusCode::BAD_REQUEST,
            "not an address on this site",
        ),
        (
            "/api/nothing-here",
            StatusCode::NOT_FOUND,
            "no page at this address",
        ),
    ] {
        let (got, ctype, problem) = app.get_api(path).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(ctype, "application/problem+json", "{path}");
        assert_eq!(problem["type"], "about:blank");
        assert_eq!(problem["status"], status.as_u16());
        assert_eq!(problem["instance"], path.split('?').next().unwrap_or(path));
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.contains(says), "{path}: {detail}");
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_with_this_site_as_its_server() {
    let app = spawn_app().await;
    let (status, _, doc) = app.get_api("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], format!("{}/", app.address));
    for path in [
        "/api/releases",
        "/api/releases/{year}/{month}/{day}/{slug}",
        "/api/releases/by-url",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
}
