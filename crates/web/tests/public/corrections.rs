//! A corrected release says "Updated" and shows its public history: each
//! revision's change note and what it changed. A withdrawn one keeps its
//! page with the reason and date, leaves the listing, and the feeds say so.

use jiff::SignedDuration;
use pressroom_domain::{Actor, Body, Clock, Role, Title};
use pressroom_newsroom::workflow as wf;
use pressroom_testkit::spawn_app;

use crate::embargo::embargoed_content;

#[tokio::test]
async fn a_corrected_then_withdrawn_release_shows_its_notes_its_changes_and_the_reason() {
    let app = spawn_app().await;
    let clock: &dyn Clock = app.clock.as_ref();
    let s = app.store.as_ref();
    let writer = Actor {
        user_id: 1,
        role: Role::Writer,
    };
    let publisher = Actor {
        user_id: 3,
        role: Role::Publisher,
    };
    let r = wf::create_draft(s, clock, writer, embargoed_content())
        .await
        .expect("draft");
    wf::submit(s, clock, writer, r.id).await.expect("submit");
    wf::approve(
        s,
        clock,
        Actor {
            user_id: 2,
            role: Role::Clearer,
        },
        r.id,
        None,
    )
    .await
    .expect("approve");
    let r = wf::publish_now(s, clock, publisher, r.id)
        .await
        .expect("publish");
    let path = r.path().to_string();
    let page = app.get(&path).await.text().await.expect("page");
    assert!(!page.contains("Updated"), "not corrected yet");

    app.clock.advance(SignedDuration::from_hours(2));
    let mut fixed = r.content.clone();
    // Markup in a correction is text, in the page and in its diff.
    fixed.title = Title::parse(&format!("{} <b>Revised</b>", r.content.title)).expect("title");
    fixed.body = Body::from_texts(&[
        "The ministry will announce a surplus of 3.9 billion zephyrs.",
        "Taxes on bread will be abolished from the first of July.",
    ])
    .expect("body");
    wf::correct(
        s,
        clock,
        publisher,
        r.id,
        fixed,
        "Corrected the size of the surplus.",
    )
    .await
    .expect("correct");
    let page = app.get(&path).await.text().await.expect("page");
    // The date of the correction, with its zone.
    assert!(
        page.contains(
            "<time datetime=\"2026-06-01T14:00:00Z\">Updated June 1, 2026, 2:00 PM UTC</time>"
        ),
        "{page}"
    );
    assert!(page.contains("Corrected the size of the surplus."));
    // What changed, word by word where a paragraph was edited, whole where
    // one was dropped, escaped.
    assert!(
        page.contains(
            "<span class=\"change-place\">Paragraph 1 changed:</span> The ministry will \
             announce a surplus of <del>4.2</del><ins>3.9</ins> billion zephyrs.</li>"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "<span class=\"change-place\">Paragraph 3 removed:</span> <del>Further details \
             follow in the annex at the annex.</del></li>"
        ),
        "{page}"
    );
    assert!(
        page.contains("<ins> &#60;b&#62;Revised&#60;/b&#62;</ins>"),
        "{page}"
    );
    assert!(!page.contains("<b>Revised"), "markup is never live");

    app.clock.advance(SignedDuration::from_hours(1));
    wf::withdraw(
        s,
        clock,
        publisher,
        r.id,
        "Superseded by the spring budget.",
    )
    .await
    .expect("withdraw");
    let res = app.get(&path).await;
    assert_eq!(res.status(), 200, "the page stays");
    let page = res.text().await.expect("page");
    assert!(page.contains("This release has been withdrawn."));
    assert!(page.contains("Superseded by the spring budget."));
    let listing = app.get("/").await.text().await.expect("listing");
    assert!(
        !listing.contains(r.content.title.as_str()),
        "left the listing"
    );
    let atom = app.get("/feed.atom").await.text().await.expect("feed");
    assert!(
        atom.contains(&format!("Withdrawn: {}", r.content.title)),
        "{atom}"
    );
}
