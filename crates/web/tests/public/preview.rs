//! `/preview/{token}`: a journalist's personal link to an embargoed release.
//! Valid, it shows the release watermarked with the journalist's name,
//! `noindex`, kept by no cache, each access logged; unknown, expired,
//! revoked or after the lift, it answers exactly as an address that never
//! existed. The server runs with its page cache; time moves by the
//! injected clock.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::Clock;
use pressroom_newsroom::workflow as wf;

use crate::embargo::{PUBLISHER, Portal, SENTENCES, TITLE, portal};

const NEVER: &str = "/releases/2026/06/01/no-release-was-ever-here";

/// A portal with the embargoed release (lift in an hour) and a link for
/// Ada Reporter valid for `valid_for`.
async fn with_link(valid_for: Duration) -> (Portal, pressroom_domain::Release, wf::IssuedPreview) {
    let mut p = portal().await;
    let lift: Timestamp = p.clock.now() + SignedDuration::from_hours(1);
    let r = p.embargo(lift).await;
    let issued = wf::create_preview_link(
        p.store.as_ref(),
        p.clock.as_ref(),
        PUBLISHER,
        r.id,
        "Ada Reporter",
        valid_for,
    )
    .await
    .expect("link");
    (p, r, issued)
}

async fn accesses(p: &Portal, r: &pressroom_domain::Release) -> usize {
    p.store.preview_accesses(r.id).await.expect("log").len()
}

/// The answer for `path` must be the answer for an address that never
/// existed: same status, same body.
async fn assert_answers_as_never_existed(p: &Portal, path: &str) {
    let (mine, never) = (p.get(path).await, p.get(NEVER).await);
    assert_eq!(mine.0, 404, "{path}");
    assert_eq!(mine, never, "{path} answers as {NEVER}");
    assert!(!mine.1.contains(TITLE));
}

#[tokio::test]
async fn a_journalists_link_shows_the_release_watermarked_with_their_name_uncached_and_logged() {
    let (p, r, issued) = with_link(Duration::from_secs(7200)).await;
    let address = format!("{}/preview/{}", p.address, issued.token);
    for n in 1..=2 {
        let res = p.client.get(&address).send().await.expect("request");
        assert_eq!(res.status(), 200);
        let headers = res.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("cache-control"), "no-store, private");
        assert_eq!(header("x-robots-tag"), "noindex, nofollow, noarchive");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert!(
            headers.get("etag").is_none(),
            "no validator for a shared cache"
        );
        assert!(headers.get("last-modified").is_none());
        assert_ne!(header("x-cache"), "hit", "never from the page cache");
        let body = res.text().await.expect("body");
        assert!(body.contains(TITLE));
        assert!(SENTENCES.iter().all(|s| body.contains(s)), "the whole body");
        assert!(body.contains(r#"<meta name="robots" content="noindex, nofollow, noarchive">"#));
        // The name is in the page's text (banner and closing line), in the
        // watermark, and the print stylesheet keeps all three on paper.
        assert!(
            body.contains(
                "Personal preview for <strong class=\"preview-journalist\">Ada Reporter</strong>"
            ),
            "{body}"
        );
        assert!(body.contains("Preview for Ada Reporter."));
        assert!(body.contains("EMBARGOED • Ada Reporter •"));
        // The lift and the link's end, with their zone.
        assert!(
            body.contains("not for publication or broadcast before <time datetime=\"2026-06-01T13:00:00+00:00\">June 1, 2026, 1:00 PM UTC</time>"),
            "{body}"
        );
        assert_eq!(accesses(&p, &r).await, n, "every access is logged");
        assert_eq!(p.cache.len(), 0, "the page cache keeps no preview");
    }
    let print = p.get("/static/print.css").await.1;
    assert!(print.contains(".preview-watermark { display: block !important;"));
    // Its public address still answers as if it did not exist.
    assert_answers_as_never_existed(&p, &r.path().to_string()).await;
}

#[tokio::test]
async fn an_unknown_expired_or_revoked_token_answers_as_a_page_that_never_existed() {
    let (p, r, issued) = with_link(Duration::from_secs(600)).await;
    let second = wf::create_preview_link(
        p.store.as_ref(),
        p.clock.as_ref(),
        PUBLISHER,
        r.id,
        "Ben Writer",
        Duration::from_secs(3000),
    )
    .await
    .expect("link");
    for unknown in [
        "0".repeat(64),
        issued.token.replace(&issued.token[..1], "z"),
        issued.token[..63].to_owned(),
        format!("{}0", issued.token),
        wf::token_hash(&issued.token),
        r.slug.as_str().to_owned(),
    ] {
        assert_answers_as_never_existed(&p, &format!("/preview/{unknown}")).await;
    }
    wf::revoke_preview_link(
        p.store.as_ref(),
        p.clock.as_ref(),
        PUBLISHER,
        r.id,
        second.link.id,
    )
    .await
    .expect("revoke");
    assert_answers_as_never_existed(&p, &format!("/preview/{}", second.token)).await;

    let valid = format!("/preview/{}", issued.token);
    p.clock.advance(SignedDuration::from_secs(599));
    assert_eq!(p.get(&valid).await.0, 200, "valid until it expires");
    p.clock.advance(SignedDuration::from_secs(1));
    assert_answers_as_never_existed(&p, &valid).await;
    assert_eq!(accesses(&p, &r).await, 1, "only the opening that showed it");
}

#[tokio::test]
async fn a_link_opens_nothing_from_the_lift_on_and_the_public_page_takes_over() {
    let (p, r, issued) = with_link(Duration::from_secs(7200)).await;
    let valid = format!("/preview/{}", issued.token);
    let lift = r.published_at.expect("lift");
    p.clock.set(lift - SignedDuration::from_micros(1));
    assert_eq!(p.get(&valid).await.0, 200);
    p.clock.set(lift);
    assert_answers_as_never_existed(&p, &valid).await;
    let (status, page) = p.get(&r.path().to_string()).await;
    assert_eq!(status, 200);
    assert!(page.contains(TITLE));
    assert!(
        !page.contains("Ada Reporter"),
        "the public page is nobody's"
    );
    // Once the scheduler has published it, still nothing through the link.
    wf::publish_due(p.store.as_ref(), p.clock.as_ref())
        .await
        .expect("scheduler");
    p.cache.invalidate();
    assert_answers_as_never_existed(&p, &valid).await;
    assert_eq!(accesses(&p, &r).await, 1);
}
