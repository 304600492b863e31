use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{Clock, Status};
use pressroom_store::conformance::content;
use pressroom_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;

use crate::SEEDS;

const LECG: usize = 2;
const OMAN: usize = 1;
const NORWAY: usize = 4;
const JOINT: usize = 0;

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.import_seeds().await;
    app
}

async fn hit_paths(app: &TestApp, params: &[(&str, &str)]) -> Vec<String> {
    let (status, page) = app.get_search(params).await;
    assert_eq!(status, StatusCode::OK, "{params:?}");
    page.attrs(".search-hit h3 a", "href")
}

#[tokio::test]
async fn hizballah_finds_the_law_enforcement_coordination_group_media_note_first() {
    let app = seeded().await;

    let hits = hit_paths(&app, &[("q", "Hizballah")]).await;

    assert_eq!(hits.first().map(String::as_str), Some(SEEDS[LECG].path));
}

#[tokio::test]
async fn the_phrase_visa_reciprocity_finds_the_oman_readout_only() {
    let app = seeded().await;

    let hits = hit_paths(&app, &[("q", "\"visa reciprocity\"")]).await;
    // The same words, not together, do not make the phrase.
    let apart = hit_paths(&app, &[("q", "\"reciprocity visa\"")]).await;

    assert_eq!(hits, [SEEDS[OMAN].path]);
    assert!(apart.is_empty(), "{apart:?}");
}

#[tokio::test]
async fn facet_counts_are_right_and_combine_with_the_query() {
    let app = seeded().await;

    let (_, page) = app.get_search(&[("q", "Spokesperson")]).await;
    let (_, readouts) = app
        .get_search(&[("q", "Spokesperson"), ("kind", "Readout")])
        .await;
    let (_, pompeo_2018) = app.get_search(&[("q", "Pompeo"), ("year", "2018")]).await;

    assert_eq!(page.text(".result-count"), "5 releases found");
    assert_eq!(
        page.texts("#facet-kind li"),
        ["Media Note (3)", "Readout (2)"]
    );
    assert_eq!(page.texts("#facet-year li"), ["2018 (5)"]);
    assert_eq!(
        page.texts("#facet-issuer li"),
        ["Office of the Spokesperson (5)"]
    );
    assert_eq!(readouts.text(".result-count"), "2 releases found");
    assert_eq!(readouts.texts("#facet-kind li"), ["Readout (2)"]);
    assert_eq!(
        readouts.attrs("#facet-kind .facet-clear a", "href"),
        ["/search?q=Spokesperson"]
    );
    let pompeo = pompeo_2018.texts("#facet-kind li");
    assert_eq!(
        pompeo,
        ["Readout (2)", "Media Note (1)"],
        "Pompeo is in three"
    );
}

#[tokio::test]
async fn a_withdrawn_unpublished_or_future_release_is_never_found() {
    let app = seeded().await;
    let now = app.clock.now();
    let mut hidden = Vec::new();
    for (n, status) in [
        Status::Draft,
        Status::Embargoed,
        Status::Scheduled,
        Status::Withdrawn,
    ]
    .into_iter()
    .enumerate()
    {
        let c = content(&format!("Hizballah Hidden Statement {n}"), 2018, 12, 21);
        hidden.push(app.store_release_at(c, status, now).await.to_string());
    }
    let future = content("Hizballah Future Statement", 2018, 12, 22);
    let later = now + SignedDuration::from_hours(24);
    hidden.push(
        app.store_release_at(future, Status::Published, later)
            .await
            .to_string(),
    );

    let hits = hit_paths(&app, &[("q", "Hizballah")]).await;
    let by_date = hit_paths(&app, &[("q", "Hizballah"), ("sort", "newest")]).await;
    let (_, api) = app.get_api_search(&[("q", "hidden statement")]).await;
    let (_, page) = app.get_search(&[("q", "Hizballah")]).await;

    assert_eq!(hits, [SEEDS[LECG].path]);
    assert_eq!(by_date, [SEEDS[LECG].path]);
    assert_eq!(api["total"], 0);
    assert_eq!(page.text(".result-count"), "1 release found");
    assert!(!page.source.contains("Hidden"));

    // Once its time comes, the scheduled publication appears.
    app.clock.advance(SignedDuration::from_hours(25));
    let hits = hit_paths(&app, &[("q", "Hizballah"), ("sort", "newest")]).await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits[0].ends_with("hizballah-future-statement"));
}

#[tokio::test]
async fn accents_case_and_word_forms_do_not_matter() {
    let app = seeded().await;
    let c = {
        let mut c = content(
            "Statement by Foreign Minister Ine Eriksen Søreide",
            2024,
            3,
            1,
        );
        c.body = pressroom_domain::Body::from_texts(&["Minister Søreide spoke in Oslo."]).unwrap();
        c
    };
    let soreide_2024 = app.store_release(c, Status::Published).await.to_string();

    let accented = hit_paths(&app, &[("q", "Søreide"), ("sort", "oldest")]).await;
    let plain = hit_paths(&app, &[("q", "SOREIDE"), ("sort", "oldest")]).await;
    let stemmed = hit_paths(&app, &[("q", "meetings")]).await;

    assert_eq!(accented, [SEEDS[NORWAY].path, soreide_2024.as_str()]);
    assert_eq!(plain, accented);
    assert!(
        stemmed.contains(&SEEDS[LECG].path.to_owned()),
        "meeting ~ meetings"
    );
}

#[tokio::test]
async fn query_syntax_excludes_filters_and_limits_dates() {
    let app = seeded().await;

    let without_oman = hit_paths(&app, &[("q", "Pompeo -Oman")]).await;
    let readouts = hit_paths(&app, &[("q", "kind:readout"), ("sort", "oldest")]).await;
    let by_issuer = hit_paths(
        &app,
        &[("q", "issuer:\"Office of the Spokesperson\" Europol")],
    )
    .await;
    let on_the_20th = hit_paths(&app, &[("q", "Pompeo date:2018-12-20")]).await;
    let range = hit_paths(&app, &[("q", "Pompeo date:2018-12-01..2018-12-19")]).await;

    assert!(!without_oman.is_empty());
    assert!(!without_oman.contains(&SEEDS[OMAN].path.to_owned()));
    assert_eq!(readouts.len(), 2);
    assert!(readouts.contains(&SEEDS[OMAN].path.to_owned()));
    assert_eq!(by_issuer, [SEEDS[LECG].path]);
    assert_eq!(on_the_20th, [SEEDS[JOINT].path]);
    assert_eq!(range.len(), 2, "the two Pompeo readouts of the 19th");
}

#[tokio::test]
async fn snippets_mark_the_matches_and_escape_the_text() {
    let app = seeded().await;
    let text = "A Hostile Release\n\nPress Statement\nOffice of the Spokesperson\n\nWashington, DC\nJanuary 5, 2021\n\nHello <script>alert(1)</script> zanzibar <b>bold</b>.\n";
    app.import("hostile.txt", text).await;

    let (_, europol) = app.get_search(&[("q", "Europol")]).await;
    let (_, hostile) = app.get_search(&[("q", "zanzibar")]).await;

    assert!(
        europol
            .texts(".snippet mark")
            .iter()
            .all(|m| m == "Europol")
    );
    assert!(!europol.texts(".snippet mark").is_empty());
    assert_eq!(hostile.texts(".snippet mark"), ["zanzibar"]);
    assert!(
        !hostile.source.contains("<script>alert"),
        "{}",
        hostile.source
    );
    assert!(!hostile.source.contains("<b>bold"));
}

#[tokio::test]
async fn a_misspelled_word_gets_a_did_you_mean() {
    let app = seeded().await;

    let (_, page) = app.get_search(&[("q", "Hizbolah")]).await;
    let (_, api) = app.get_api_search(&[("q", "Hizbolah terrorist")]).await;

    assert_eq!(page.text(".result-count"), "0 releases found");
    assert_eq!(page.text(".did-you-mean a"), "hizballah");
    assert_eq!(
        page.attrs(".did-you-mean a", "href"),
        ["/search?q=hizballah"]
    );
    assert_eq!(api["suggestion"]["q"], "hizballah terrorist");
}

#[tokio::test]
async fn results_paginate_and_sort_by_date() {
    let app = seeded().await;
    let q = [("q", "Spokesperson"), ("per_page", "2"), ("sort", "newest")];

    let (_, first) = app.get_search(&q).await;
    let (_, last) = app.get_search(&[q[0], q[1], q[2], ("page", "3")]).await;

    assert_eq!(
        first.attrs(".search-hit h3 a", "href")[0],
        SEEDS[JOINT].path
    );
    assert_eq!(first.attrs(".search-hit h3 a", "href").len(), 2);
    assert_eq!(first.text(".page-position"), "Page 1 of 3");
    assert_eq!(
        first.attrs(".pagination a[rel=next]", "href"),
        ["/search?q=Spokesperson&sort=newest&per_page=2&page=2"]
    );
    assert_eq!(last.attrs(".search-hit h3 a", "href").len(), 1);
}

#[tokio::test]
async fn any_query_text_gets_a_normal_page_never_a_server_error() {
    let app = seeded().await;
    let long = "visa ".repeat(2_100);
    let queries = [
        "\"visa reciprocity",
        long.as_str(),
        "visa\u{0}\u{7}\u{1b}[31m reciprocity",
        "the of and",
        "kind:",
        "date:2018-99-99",
        "date:..",
        "-",
        "\"\"",
        "a:b:c ::: \"\" \"",
        "((visa)) AND OR NOT * ? ~ ^2 [1 TO 5] {x}",
        "-date:2018",
        "issuer:\"",
        "\u{202e}\u{feff}ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ];
    for q in queries {
        let (status, page) = app.get_search(&[("q", q)]).await;
        let (api_status, _) = app.get_api_search(&[("q", q)]).await;
        assert_eq!(status, StatusCode::OK, "{q:?}");
        assert_eq!(api_status, StatusCode::OK, "{q:?}");
        assert_eq!(page.text("h1"), "Search releases", "{q:?}");
    }

    let (_, unclosed) = app.get_search(&[("q", "\"visa reciprocity")]).await;
    let (_, common) = app.get_search(&[("q", "the of and")]).await;
    let (_, shortened) = app.get_search(&[("q", long.as_str())]).await;
    assert_eq!(
        unclosed.attrs(".search-hit h3 a", "href"),
        [SEEDS[OMAN].path]
    );
    assert!(unclosed.text(".search-notice").contains("quotation mark"));
    assert!(common.text(".search-notice").contains("the, of, and"));
    assert!(common.texts(".search-hit").is_empty());
    assert!(shortened.texts(".search-notice")[0].contains("first 500 characters"));
}

#[tokio::test]
async fn malformed_parameters_get_a_clear_400_on_the_page_and_the_api() {
    let app = seeded().await;

    let (status, page) = app.get_search(&[("q", "visa"), ("page", "zero")]).await;
    let (api_status, api) = app.get_api_search(&[("q", "visa"), ("year", "18")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.texts("main p")
            .join(" ")
            .contains("The page \"zero\" is not valid"),
        "{}",
        page.source
    );
    assert_eq!(api_status, StatusCode::BAD_REQUEST);
    assert!(
        api["detail"].as_str().unwrap_or("").contains("\"18\""),
        "{api}"
    );
}

#[tokio::test]
async fn a_parameter_given_twice_is_a_clear_400_not_a_framework_rejection() {
    let app = seeded().await;

    let (status, page) = app.get_search(&[("year", "2018"), ("year", "2019")]).await;
    let (api_status, api) = app
        .get_api_search(&[("year", "2018"), ("year", "2019")])
        .await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.texts("main p")
            .join(" ")
            .contains("give each parameter at most once"),
        "{}",
        page.source
    );
    assert_eq!(api_status, StatusCode::BAD_REQUEST);
    assert!(
        api["detail"]
            .as_str()
            .unwrap_or("")
            .contains("duplicate field"),
        "{api}"
    );
}

#[tokio::test]
async fn the_empty_search_page_shows_the_form_and_the_help() {
    let app = seeded().await;

    let (status, page) = app.get_search(&[]).await;

    assert_eq!(status, StatusCode::OK);
    assert!(page.texts(".search-hit").is_empty());
    assert!(page.text(".search-help").contains("quotation marks"));
    assert_eq!(page.attrs("form.search-box", "action"), ["/search"]);
}

#[tokio::test]
async fn the_json_api_answers_the_same_parameters() {
    let app = seeded().await;

    let (status, api) = app
        .get_api_search(&[("q", "Pompeo"), ("kind", "Readout"), ("per_page", "1")])
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(api["total"], 2);
    assert_eq!(api["hits"].as_array().map(Vec::len), Some(1));
    let hit = &api["hits"][0];
    assert!(
        hit["path"]
            .as_str()
            .unwrap_or("")
            .starts_with("/releases/2018/12/19/")
    );
    assert_eq!(hit["kind"], "Readout");
    assert_eq!(hit["date"], "2018-12-19");
    assert_eq!(api["facets"]["kind"][0]["value"], "Readout");
    assert_eq!(api["facets"]["kind"][0]["count"], 2);
    assert_eq!(
        api["next"],
        "/api/search?q=Pompeo&kind=Readout&per_page=1&page=2"
    );
}

#[tokio::test]
async fn a_hit_the_store_no_longer_shows_is_dropped_at_the_gate() {
    let app = seeded().await;
    let now = app.clock.now();
    let path = app
        .store_release_at(
            content("Hizballah Stale Statement", 2018, 12, 21),
            Status::Draft,
            now,
        )
        .await;
    // A stale index (as when another process changed the release a moment
    // ago) claims the draft is published.
    let mut stale = app
        .store
        .find_by_path(&path, pressroom_store::Visibility::Everything)
        .await
        .expect("read")
        .expect("stored");
    stale.status = Status::Published;
    stale.published_at = Some(Timestamp::UNIX_EPOCH);
    let mut updater = app.search.updater().expect("writer");
    updater.upsert(&stale).expect("upsert");
    updater.commit().expect("commit");

    let hits = hit_paths(&app, &[("q", "stale")]).await;
    let (_, api) = app.get_api_search(&[("q", "stale")]).await;

    assert!(hits.is_empty(), "{hits:?}");
    assert_eq!(api["hits"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_search_has_feeds_in_every_format_announced_on_its_page() {
    let app = seeded().await;
    let now = app.clock.now();
    app.store_release_at(
        content("Hizballah Withdrawn Statement", 2018, 12, 21),
        Status::Withdrawn,
        now,
    )
    .await;
    app.store_release_at(
        content("Hizballah Future Statement", 2018, 12, 22),
        Status::Published,
        now + SignedDuration::from_hours(24),
    )
    .await;

    let (_, page) = app
        .get_search(&[("q", "Hizballah"), ("sort", "oldest"), ("page", "1")])
        .await;
    let atom = app.get_feed("atom", "?q=Hizballah").await;
    let atom_type = atom.headers()["content-type"].clone();
    let atom = atom.text().await.expect("body");
    let rss = app
        .get_feed("rss", "?q=Hizballah")
        .await
        .text()
        .await
        .expect("body");
    let json: serde_json::Value = app
        .get_feed("json", "?q=Hizballah")
        .await
        .json()
        .await
        .expect("JSON Feed");
    let none = app
        .get_feed("atom", "?q=zzzqqq")
        .await
        .text()
        .await
        .expect("body");

    assert_eq!(
        page.attrs("link[rel=alternate]", "href"),
        [
            "/feed.atom?q=Hizballah",
            "/feed.rss?q=Hizballah",
            "/feed.json?q=Hizballah"
        ],
        "the search's feeds, not the site's, whatever the page's order"
    );
    assert_eq!(atom_type, "application/atom+xml; charset=utf-8");
    let lecg = format!("{}{}", app.address, SEEDS[LECG].path);
    for (name, body) in [("atom", &atom), ("rss", &rss)] {
        assert!(body.contains(&lecg), "{name}: {body}");
        assert!(!body.contains("Withdrawn Statement"), "{name}");
        assert!(!body.contains("Future Statement"), "{name}");
        assert!(body.contains("search for Hizballah"), "{name}");
    }
    assert_eq!(json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["items"][0]["url"], lecg.as_str());
    assert_eq!(
        json["feed_url"],
        format!("{}/feed.json?q=Hizballah", app.address)
    );
    assert_eq!(
        json["home_page_url"],
        format!("{}/search?q=Hizballah", app.address)
    );
    assert!(!none.contains("<entry>"), "{none}");
}

#[tokio::test]
async fn the_search_page_html_is_as_reviewed() {
    let app = seeded().await;
    let html = app.get_html_snapshot("/search?q=Pompeo&kind=Readout").await;
    insta::assert_snapshot!("search", html);
}

#[tokio::test]
async fn the_openapi_document_describes_the_search_endpoint() {
    let app = spawn_app().await;
    let (status, _, doc) = app.get_api("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let op = &doc["paths"]["/api/search"]["get"];
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["q", "kind", "issuer", "year", "sort", "page", "per_page"]
    );
    assert!(doc["components"]["schemas"]["SearchResults"].is_object());
}
