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

async fn body(app: &TestApp, format: &str, query: &str) -> (StatusCode, String, String) {
    let res = app.get_feed(format, query).await;
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, ctype, res.text().await.expect("body"))
}

#[tokio::test]
async fn each_feed_format_carries_every_seed_release_with_its_media_type() {
    let app = seeded().await;
    for (format, media) in [
        ("atom", "application/atom+xml"),
        ("rss", "application/rss+xml"),
        ("json", "application/feed+json"),
    ] {
        let (status, ctype, text) = body(&app, format, "").await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert!(ctype.starts_with(media), "{format}: {ctype}");
        for seed in &SEEDS {
            assert!(
                text.contains(&format!("{}{}", app.address, seed.path)),
                "{format} lacks {}",
                seed.path
            );
        }
    }
}

#[tokio::test]
async fn a_kind_feed_holds_only_that_kind() {
    let app = seeded().await;
    let (_, _, text) = body(&app, "json", "?kind=Readout").await;
    let feed: serde_json::Value = serde_json::from_str(&text).expect("json");
    let items = feed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["tags"][0] == "Readout"));
    assert_eq!(feed["title"], "Press Releases: Readout");
    assert_eq!(
        feed["feed_url"],
        format!("{}/feed.json?kind=Readout", app.address)
    );
}

#[tokio::test]
async fn an_issuer_feed_holds_only_that_issuer() {
    let app = seeded().await;
    app.store_release(
        {
            let mut c = content("From Another Office", 2020, 2, 3);
            c.issuer =
                Some(pressroom_domain::Issuer::parse("Office of the Secretary").expect("issuer"));
            c
        },
        Status::Published,
    )
    .await;
    let (_, _, text) = body(&app, "atom", "?issuer=Office+of+the+Secretary").await;
    assert_eq!(text.matches("<entry>").count(), 1, "{text}");
    assert!(text.contains("<title>From Another Office</title>"));
    assert!(text.contains("<name>Office of the Secretary</name>"));
}

#[tokio::test]
async fn a_malformed_filter_is_refused_with_what_was_wrong() {
    let app = seeded().await;
    let (status, _, text) = body(&app, "rss", "?year=20x6").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        text.contains("20x6") && text.contains("four-digit year"),
        "{text}"
    );
}

#[tokio::test]
async fn a_withdrawn_release_is_announced_as_an_updated_entry_with_the_notice() {
    let app = spawn_app().await;
    app.store_release(
        content("Retracted Statement", 2021, 5, 4),
        Status::Withdrawn,
    )
    .await;
    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(atom.contains("<title>Withdrawn: Retracted Statement</title>"));
    assert!(atom.contains(pressroom_render::WITHDRAWAL_NOTICE));
    let (_, _, json) = body(&app, "json", "").await;
    let feed: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(feed["items"][0]["_pressroom"]["withdrawn"], true);
}

#[tokio::test]
async fn unpublished_releases_never_reach_a_feed() {
    let app = spawn_app().await;
    app.store_release(content("Embargoed Plan", 2021, 5, 4), Status::Embargoed)
        .await;
    app.store_release(content("Draft Plan", 2021, 5, 5), Status::Draft)
        .await;
    for format in ["atom", "rss", "json"] {
        let (_, _, text) = body(&app, format, "").await;
        assert!(!text.contains("Plan"), "{format}: {text}");
    }
}

#[tokio::test]
async fn markup_in_a_title_is_escaped_in_the_xml_feeds() {
    let app = spawn_app().await;
    app.store_release(
        content("Rates <b>up</b> & \"down\"", 2021, 5, 4),
        Status::Published,
    )
    .await;
    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(atom.contains("<title>Rates &lt;b&gt;up&lt;/b&gt; &amp; &quot;down&quot;</title>"));
    let (_, _, rss) = body(&app, "rss", "").await;
    assert!(!rss.contains("<b>up"));
}

#[tokio::test]
async fn pages_link_to_the_feeds_of_what_they_show() {
    let app = seeded().await;
    let (_, page) = app.get_page("/?kind=Readout").await;
    assert_eq!(
        page.attrs("link[rel=alternate]", "href"),
        [
            "/feed.atom?kind=Readout",
            "/feed.rss?kind=Readout",
            "/feed.json?kind=Readout"
        ]
    );
    let (_, page) = app.get_page(SEEDS[0].path).await;
    assert_eq!(
        page.attrs("link[rel=alternate]", "type"),
        [
            "application/atom+xml",
            "application/rss+xml",
            "application/feed+json"
        ]
    );
}

#[tokio::test]
async fn each_feed_is_as_reviewed() {
    let app = seeded().await;
    for (name, format, query) in [
        ("feed_atom", "atom", ""),
        ("feed_rss", "rss", ""),
        ("feed_json", "json", ""),
        ("feed_atom_readout", "atom", "?kind=Readout"),
        (
            "feed_rss_issuer",
            "rss",
            "?issuer=Office+of+the+Spokesperson",
        ),
    ] {
        let (_, _, text) = body(&app, format, query).await;
        insta::assert_snapshot!(name, text.replace(&app.address, "http://127.0.0.1:PORT"));
    }
}

#[tokio::test]
async fn the_listing_offers_its_feeds_to_follow() {
    let app = seeded().await;
    let (_, page) = app.get_page("/?kind=Readout").await;
    assert_eq!(page.text("#follow-heading"), "Follow these releases");
    assert_eq!(
        page.attrs(".feed-links a", "href"),
        [
            "/feed.atom?kind=Readout",
            "/feed.rss?kind=Readout",
            "/feed.json?kind=Readout"
        ]
    );
}

/// A release published, then corrected two hours later; another published,
/// then withdrawn an hour after that. Returns their addresses.
async fn corrected_and_withdrawn(app: &TestApp) -> (String, String) {
    use pressroom_domain::{Actor, Body, Clock, Role, Title};
    use pressroom_newsroom::workflow as wf;
    let clock: &dyn Clock = app.clock.as_ref();
    let s = app.store.as_ref();
    let publisher = Actor {
        user_id: 3,
        role: Role::Publisher,
    };
    let mut published = Vec::new();
    for title in ["Budget Surplus Announced", "Bread Tax Abolished"] {
        let mut c = crate::embargo::embargoed_content();
        c.title = Title::parse(title).expect("title");
        let r = wf::create_draft(s, clock, publisher, c)
            .await
            .expect("draft");
        wf::submit(s, clock, publisher, r.id).await.expect("submit");
        let clearer = Actor {
            user_id: 2,
            role: Role::Clearer,
        };
        wf::approve(s, clock, clearer, r.id, None)
            .await
            .expect("approve");
        published.push(
            wf::publish_now(s, clock, publisher, r.id)
                .await
                .expect("publish"),
        );
    }
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    let mut fixed = published[0].content.clone();
    fixed.body = Body::from_texts(&[
        "The ministry will announce a surplus of 3.9 billion zephyrs.",
        "Taxes on bread will be abolished from the first of July.",
    ])
    .expect("body");
    wf::correct(
        s,
        clock,
        publisher,
        published[0].id,
        fixed,
        "The surplus is 3.9 billion, not 4.2.",
    )
    .await
    .expect("correct");
    app.clock.advance(jiff::SignedDuration::from_hours(1));
    wf::withdraw(
        s,
        clock,
        publisher,
        published[1].id,
        "Issued in error: the tax stays.",
    )
    .await
    .expect("withdraw");
    app.sync_search().await;
    (
        published[0].path().to_string(),
        published[1].path().to_string(),
    )
}

#[tokio::test]
async fn a_correction_moves_the_entrys_updated_time_and_every_feed_says_what_changed() {
    let app = spawn_app().await;
    let (corrected, _) = corrected_and_withdrawn(&app).await;
    let url = format!("{}{corrected}", app.address);
    let said = "Corrected June 1, 2026, 2:00 PM UTC: The surplus is 3.9 billion, not 4.2.";

    let (_, _, atom) = body(&app, "atom", "").await;
    let entry = atom
        .split("<entry>")
        .find(|e| e.contains(&format!("<id>{url}</id>")))
        .expect("the corrected entry");
    assert!(
        entry.contains("<published>2026-06-01T12:00:00Z</published>"),
        "{entry}"
    );
    assert!(
        entry.contains("<updated>2026-06-01T14:00:00Z</updated>"),
        "{entry}"
    );
    // The content, whole and once (no summary repeating it), opens with
    // what changed.
    assert!(!entry.contains("<summary>"), "{entry}");
    assert!(
        entry.contains(&format!(
            "<![CDATA[<p class=\"change-note\"><strong>{said}</strong></p>\n<p>The ministry"
        )),
        "{entry}"
    );

    let (_, _, rss) = body(&app, "rss", "").await;
    let item = rss
        .split("<item>")
        .find(|e| e.contains(&format!("<link>{url}</link>")))
        .expect("the corrected item");
    assert!(
        item.contains("<dc:date>2026-06-01T14:00:00Z</dc:date>"),
        "{item}"
    );
    assert!(item.contains(said), "{item}");

    let (_, _, json) = body(&app, "json", "").await;
    let feed: serde_json::Value = serde_json::from_str(&json).expect("json");
    let item = feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["url"] == url.as_str())
        .expect("the corrected item");
    assert_eq!(item["date_modified"], "2026-06-01T14:00:00Z");
    assert!(item["summary"].as_str().expect("summary").starts_with(said));
    assert!(item["content_html"].as_str().expect("html").contains(said));
    assert_eq!(
        item["_pressroom"]["change_note"],
        "The surplus is 3.9 billion, not 4.2."
    );
    assert_eq!(item["_pressroom"]["withdrawn"], false);
    // The same in the feed of a search that finds it.
    let (_, _, found) = body(&app, "atom", "?q=surplus").await;
    assert!(
        found.contains(&format!("<strong>{said}</strong>")),
        "{found}"
    );
}

#[tokio::test]
async fn a_withdrawal_is_an_updated_entry_with_notice_and_reason_and_an_atom_deleted_entry() {
    let app = spawn_app().await;
    let (_, withdrawn) = corrected_and_withdrawn(&app).await;
    let url = format!("{}{withdrawn}", app.address);
    let said = "Withdrawn June 1, 2026, 3:00 PM UTC: Issued in error: the tax stays.";

    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(atom.contains("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\""));
    let entry = atom
        .split("<entry>")
        .find(|e| e.contains(&format!("<id>{url}</id>")))
        .expect("the withdrawn entry stays: its page does");
    assert!(entry.contains("<title>Withdrawn: Bread Tax Abolished</title>"));
    assert!(
        entry.contains("<updated>2026-06-01T15:00:00Z</updated>"),
        "{entry}"
    );
    assert!(entry.contains(said), "{entry}");
    assert!(
        atom.contains(&format!(
            "<at:deleted-entry ref=\"{url}\" when=\"2026-06-01T15:00:00Z\">"
        )),
        "{atom}"
    );
    assert!(atom.contains("<at:comment>Issued in error: the tax stays.</at:comment>"));
    assert_eq!(
        atom.matches("<at:deleted-entry").count(),
        1,
        "only the withdrawn release"
    );

    let (_, _, rss) = body(&app, "rss", "").await;
    assert!(rss.contains("<title>Withdrawn: Bread Tax Abolished</title>"));
    assert!(rss.contains(said));
    let (_, _, json) = body(&app, "json", "").await;
    let feed: serde_json::Value = serde_json::from_str(&json).expect("json");
    let item = feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["url"] == url.as_str())
        .expect("the withdrawn item");
    assert_eq!(item["_pressroom"]["withdrawn"], true);
    assert_eq!(
        item["_pressroom"]["change_note"],
        "Issued in error: the tax stays."
    );
    assert!(item["summary"].as_str().expect("summary").contains(said));
}

/// The feeds after a correction and a withdrawal, as reviewed; also read by
/// feedparser in tests/feeds/check.py.
#[tokio::test]
async fn the_feeds_after_a_correction_and_a_withdrawal_are_as_reviewed() {
    let app = spawn_app().await;
    corrected_and_withdrawn(&app).await;
    for format in ["atom", "rss", "json"] {
        let (_, _, text) = body(&app, format, "").await;
        insta::assert_snapshot!(
            format!("feed_{format}_changes"),
            text.replace(&app.address, "http://127.0.0.1:PORT")
        );
    }
}

#[tokio::test]
async fn a_correction_to_a_release_older_than_the_feeds_newest_is_still_announced() {
    use pressroom_domain::{Actor, Body, Clock, Role};
    let app = spawn_app().await;
    let old = app
        .store_release(content("Old Figures", 2001, 2, 3), Status::Published)
        .await;
    let newer: Vec<_> = (0..60)
        .map(|n| pressroom_store::ImportRecord {
            content: content(&format!("Newer Release {n}"), 2020, 1, 1 + (n % 28) as i8),
            fingerprint: format!("newer-{n}"),
            source: pressroom_store::Source {
                path: "newer".into(),
                line: 1,
            },
            status: Status::Published,
        })
        .collect();
    app.store
        .import(newer, app.clock.now())
        .await
        .expect("newer releases");
    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(!atom.contains("Old Figures"), "outside the first page");

    let r = app
        .store
        .find_by_path(&old, pressroom_store::Visibility::Everything)
        .await
        .expect("read")
        .expect("stored");
    let mut fixed = r.content.clone();
    fixed.body = Body::from_texts(&["Revised figures."]).expect("body");
    app.clock.advance(jiff::SignedDuration::from_hours(1));
    pressroom_newsroom::workflow::correct(
        app.store.as_ref(),
        app.clock.as_ref(),
        Actor {
            user_id: 3,
            role: Role::Publisher,
        },
        r.id,
        fixed,
        "The figures were revised.",
    )
    .await
    .expect("correct");
    for format in ["atom", "rss", "json"] {
        let (_, _, text) = body(&app, format, "").await;
        assert!(text.contains("Old Figures"), "{format}");
        assert!(text.contains("The figures were revised."), "{format}");
    }
    let (_, _, readouts) = body(&app, "atom", "?kind=Readout").await;
    assert!(!readouts.contains("Old Figures"), "the feed's filter holds");
    // A month later it is old news.
    app.clock.advance(jiff::SignedDuration::from_hours(31 * 24));
    let (_, _, atom) = body(&app, "atom", "").await;
    assert!(!atom.contains("Old Figures"));
}

/// `n` published releases titled "Release 0" (the oldest) to "Release
/// {n-1}", three to a day, every third one a Readout, in one import.
async fn many_releases(app: &TestApp, n: usize) {
    use pressroom_domain::{Clock, Kind};
    let records = (0..n)
        .map(|i| {
            let mut c = content(
                &format!("Release {i}"),
                2020,
                1 + (i / 3 / 28) as i8,
                1 + (i / 3 % 28) as i8,
            );
            if i % 3 == 0 {
                c.kind = Some(Kind::Readout);
            }
            pressroom_store::ImportRecord {
                content: c,
                fingerprint: format!("many-{i}"),
                source: pressroom_store::Source {
                    path: "many".into(),
                    line: 1 + i as u32,
                },
                status: Status::Published,
            }
        })
        .collect();
    app.store
        .import(records, app.clock.now())
        .await
        .expect("releases");
    app.sync_search().await;
}

/// The value of the feed-level `<link rel="{rel}" .../>` of an Atom (or,
/// with `atom:link`, RSS) document, as a path on the site.
fn link(app: &TestApp, doc: &str, element: &str, rel: &str) -> Option<String> {
    let head = doc.split("<entry>").next().unwrap_or(doc);
    let head = head.split("<item>").next().unwrap_or(head);
    let start = format!("<{element} rel=\"{rel}\" ");
    let tag = &head[head.find(&start)?..];
    let tag = &tag[..tag.find("/>")?];
    let href = tag.split("href=\"").nth(1)?.split('"').next()?;
    Some(
        href.replace("&amp;", "&")
            .strip_prefix(&app.address)
            .expect("on the site")
            .to_owned(),
    )
}

/// Follows `rel="next"` from `first` to the last page; returns each page's
/// entry titles, in order.
async fn walk(app: &TestApp, first: &str, format: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut at = Some(first.to_owned());
    while let Some(path) = at {
        let res = app.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let text = res.text().await.expect("body");
        let (titles, next) = match format {
            "json" => {
                let feed: serde_json::Value = serde_json::from_str(&text).expect("json");
                let titles = feed["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|i| i["title"].as_str().expect("title").to_owned())
                    .collect();
                let next = feed["next_url"].as_str().map(|u| {
                    u.strip_prefix(&app.address)
                        .expect("on the site")
                        .to_owned()
                });
                (titles, next)
            }
            _ => {
                let (element, item) = match format {
                    "atom" => ("link", "<entry>"),
                    _ => ("atom:link", "<item>"),
                };
                let first_link = link(app, &text, element, "first").expect("rel=first");
                assert_eq!(
                    first_link, first,
                    "every page names the feed's first page: {path}"
                );
                let titles = text
                    .split(item)
                    .skip(1)
                    .map(|e| {
                        e.split("<title>")
                            .nth(1)
                            .expect("title")
                            .split("</title>")
                            .next()
                            .expect("title")
                            .to_owned()
                    })
                    .collect();
                (titles, link(app, &text, element, "next"))
            }
        };
        pages.push(titles);
        assert!(pages.len() < 100, "the pages never end");
        at = next;
    }
    pages
}

#[tokio::test]
async fn a_feed_holds_twenty_entries_and_every_release_is_reachable_by_its_next_links() {
    let app = spawn_app().await;
    many_releases(&app, 47).await;
    let want: Vec<String> = (0..47).rev().map(|i| format!("Release {i}")).collect();
    for format in ["atom", "rss", "json"] {
        let pages = walk(&app, &format!("/feed.{format}"), format).await;
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            [20, 20, 7],
            "{format}"
        );
        assert_eq!(pages.concat(), want, "{format}: each once, newest first");
    }
}

#[tokio::test]
async fn a_filtered_feeds_pages_reach_every_release_of_its_filter_and_no_other() {
    let app = spawn_app().await;
    many_releases(&app, 75).await;
    let want: Vec<String> = (0..75)
        .rev()
        .filter(|i| i % 3 == 0)
        .map(|i| format!("Release {i}"))
        .collect();
    let pages = walk(&app, "/feed.atom?kind=Readout", "atom").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [20, 5]);
    assert_eq!(pages.concat(), want);
    let (_, _, second) = body(&app, "atom", "").await;
    let next = link(&app, &second, "link", "next").expect("next");
    assert!(
        !next.contains("kind"),
        "the unfiltered feed's pages stay unfiltered: {next}"
    );
}

#[tokio::test]
async fn a_release_published_while_a_reader_walks_the_pages_neither_repeats_nor_hides_an_entry() {
    let app = spawn_app().await;
    many_releases(&app, 30).await;
    let (_, _, first) = body(&app, "atom", "").await;
    let next = link(&app, &first, "link", "next").expect("an older page");
    app.store_release(
        content("Published Meanwhile", 2021, 1, 1),
        Status::Published,
    )
    .await;
    let res = app.get(&next).await;
    let older = res.text().await.expect("body");
    let titles: Vec<&str> = older
        .split("<entry>")
        .skip(1)
        .filter_map(|e| e.split("<title>").nth(1)?.split("</title>").next())
        .collect();
    let want: Vec<String> = (0..10).rev().map(|i| format!("Release {i}")).collect();
    assert_eq!(titles, want);
    assert!(
        link(&app, &older, "link", "next").is_none(),
        "the last page has no next"
    );
    assert!(
        link(&app, &older, "link", "previous").is_none(),
        "a keyset page does not know the page before it"
    );
    assert_eq!(
        link(&app, &older, "link", "self").as_deref(),
        Some(next.as_str())
    );
}

#[tokio::test]
async fn a_cursor_naming_no_public_release_continues_from_its_date_and_skips_nothing() {
    let app = spawn_app().await;
    many_releases(&app, 9).await;
    // Releases 6, 7 and 8 are of 2020-01-03; none is called "gone".
    let (status, _, atom) = body(&app, "atom", "?cursor=2020-01-03~gone").await;
    assert_eq!(status, StatusCode::OK);
    let titles: Vec<&str> = atom
        .split("<entry>")
        .skip(1)
        .filter_map(|e| e.split("<title>").nth(1)?.split("</title>").next())
        .collect();
    assert_eq!(
        titles,
        (0..9)
            .rev()
            .map(|i| format!("Release {i}"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_malformed_cursor_is_refused_with_what_it_takes() {
    let app = seeded().await;
    let (status, _, text) = body(&app, "atom", "?cursor=p3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        text.contains("p3") && text.contains("follow the feed") && text.contains("next link"),
        "{text}"
    );
}

#[tokio::test]
async fn a_search_feed_pages_by_number_with_first_previous_and_next() {
    let app = spawn_app().await;
    many_releases(&app, 45).await;
    let pages = walk(&app, "/feed.atom?q=release", "atom").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [20, 20, 5]);
    assert_eq!(
        pages.concat().len(),
        pages
            .concat()
            .into_iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        "no entry twice"
    );
    let (_, _, second) = body(&app, "atom", "?q=release&page=2").await;
    assert_eq!(
        link(&app, &second, "link", "previous").as_deref(),
        Some("/feed.atom?q=release")
    );
    assert_eq!(
        link(&app, &second, "link", "next").as_deref(),
        Some("/feed.atom?q=release&page=3")
    );
    assert_eq!(
        link(&app, &second, "link", "self").as_deref(),
        Some("/feed.atom?q=release&page=2")
    );
}
