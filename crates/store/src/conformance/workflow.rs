//! Conformance cases for the editorial workflow's writes and reads.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{Action, FixedClock, Release, ReleaseId, Status, Title};

use super::{content, now};
use crate::{
    DeskQuery, NewDraft, NewPreviewLink, PageRequest, PublicView, PublishAt, ReleaseFilter, Store,
    StoreError, Visibility, WorkflowSettings, WorkflowWrite,
};

const WRITER: i64 = 11;
const CLEARER: i64 = 22;
const PUBLISHER: i64 = 33;

fn view_at(store: &Arc<dyn Store>, at: Timestamp) -> PublicView {
    PublicView::new(store.clone(), Arc::new(FixedClock::new(at)))
}

/// A transition from where `r` stands.
fn step(r: &Release, action: Action, actor: i64, status: Status) -> WorkflowWrite {
    WorkflowWrite {
        action,
        actor,
        expect_status: r.status,
        expect_revision: r.revision,
        status,
        publish_at: PublishAt::Keep,
        content: None,
        public_revision: None,
        note: None,
    }
}

async fn draft(store: &Arc<dyn Store>, title: &str) -> Release {
    store
        .create_draft(
            NewDraft {
                content: content(title, 2026, 6, 1),
                author: WRITER,
            },
            now(),
        )
        .await
        .expect("create draft")
}

/// A draft taken through clearance to approved.
async fn approved(store: &Arc<dyn Store>, title: &str) -> Release {
    let r = draft(store, title).await;
    let r = store
        .apply(
            r.id,
            step(&r, Action::Submit, WRITER, Status::InClearance),
            now(),
        )
        .await
        .expect("submit");
    store
        .apply(
            r.id,
            step(&r, Action::Approve, CLEARER, Status::Approved),
            now(),
        )
        .await
        .expect("approve")
}

async fn public_titles(view: &PublicView) -> Vec<String> {
    view.list(ReleaseFilter::default(), PageRequest::default())
        .await
        .expect("list")
        .items
        .iter()
        .map(|r| r.content.title.to_string())
        .collect()
}

pub async fn a_draft_goes_through_clearance_to_publication_with_one_public_revision(
    store: Arc<dyn Store>,
) {
    let r = draft(&store, "Working Title").await;
    assert_eq!(
        (r.status, r.revision, r.published_at),
        (Status::Draft, 1, None)
    );
    assert_eq!(store.author(r.id).await.expect("author"), Some(WRITER));
    assert!(store.revisions(r.id).await.expect("revisions").is_empty());

    // Editing a draft's title moves its path with it.
    let mut edit = step(&r, Action::Edit, WRITER, Status::Draft);
    let mut new_content = r.content.clone();
    new_content.title = Title::parse("Minister Meets Envoy").expect("title");
    edit.content = Some(new_content.clone());
    let r = store.apply(r.id, edit, now()).await.expect("edit");
    assert_eq!(
        r.path().to_string(),
        "/releases/2026/06/01/minister-meets-envoy"
    );
    assert_eq!(store.get(r.id).await.expect("get"), Some(r.clone()));

    let r = store
        .apply(
            r.id,
            step(&r, Action::Submit, WRITER, Status::InClearance),
            now(),
        )
        .await
        .expect("submit");
    let mut back = step(&r, Action::Return, CLEARER, Status::Draft);
    back.note = Some("Name the envoy.".into());
    let r = store.apply(r.id, back, now()).await.expect("return");
    let r = store
        .apply(
            r.id,
            step(&r, Action::Submit, WRITER, Status::InClearance),
            now(),
        )
        .await
        .expect("resubmit");
    let r = store
        .apply(
            r.id,
            step(&r, Action::Approve, CLEARER, Status::Approved),
            now(),
        )
        .await
        .expect("approve");
    assert!(
        view_at(&store, now())
            .release(&r.path())
            .await
            .expect("read")
            .is_none()
    );

    let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
    publish.publish_at = PublishAt::Set(now());
    publish.public_revision = Some(None);
    let r = store.apply(r.id, publish, now()).await.expect("publish");
    assert_eq!(
        (r.status, r.revision, r.published_at),
        (Status::Published, 1, Some(now()))
    );
    let seen = view_at(&store, now())
        .release(&r.path())
        .await
        .expect("read")
        .expect("public now");
    assert_eq!(seen.content, new_content);

    let revisions = store.revisions(r.id).await.expect("revisions");
    assert_eq!(revisions.len(), 1);
    assert_eq!(
        (revisions[0].number, revisions[0].event.as_str()),
        (1, "publish")
    );
    assert_eq!(revisions[0].content, new_content);

    let events = store.workflow_events(r.id).await.expect("events");
    let trail: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.from, e.to, e.actor))
        .collect();
    assert_eq!(
        trail,
        [
            ("create", Status::Draft, Status::Draft, WRITER),
            ("edit", Status::Draft, Status::Draft, WRITER),
            ("submit", Status::Draft, Status::InClearance, WRITER),
            ("return", Status::InClearance, Status::Draft, CLEARER),
            ("submit", Status::Draft, Status::InClearance, WRITER),
            ("approve", Status::InClearance, Status::Approved, CLEARER),
            ("publish", Status::Approved, Status::Published, PUBLISHER),
        ]
    );
    assert_eq!(events[3].note.as_deref(), Some("Name the envoy."));
    // Every write entered the change feed.
    let feed = store.changes_after(0, 100).await.expect("changes");
    assert_eq!(feed.len(), 7);
    assert!(feed.iter().all(|c| c.release_id == r.id));
    assert_eq!(feed.last().map(|c| c.event.as_str()), Some("publish"));
}

pub async fn a_transition_from_a_status_the_release_has_left_writes_nothing(store: Arc<dyn Store>) {
    let r = approved(&store, "Contested").await;
    let before = store.last_change().await.expect("last change");
    // Someone else published first; a second publish with the old view of
    // the release fails whole.
    let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
    publish.publish_at = PublishAt::Set(now());
    publish.public_revision = Some(None);
    store
        .apply(r.id, publish.clone(), now())
        .await
        .expect("first publish");
    let err = store
        .apply(r.id, publish.clone(), now())
        .await
        .expect_err("second publish is stale");
    assert!(matches!(err, StoreError::Stale { .. }), "{err}");
    assert!(err.to_string().contains("expected approved"), "{err}");
    assert_eq!(store.revisions(r.id).await.expect("revisions").len(), 1);
    assert_eq!(store.last_change().await.expect("last") - before, 1);

    let missing = store
        .apply(ReleaseId(999_999), publish, now())
        .await
        .expect_err("no such release");
    assert!(
        matches!(missing, StoreError::NotFound(ReleaseId(999_999))),
        "{missing}"
    );
}

pub async fn concurrent_publications_of_one_release_succeed_exactly_once(store: Arc<dyn Store>) {
    let r = approved(&store, "Raced").await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let r = r.clone();
            tokio::spawn(async move {
                let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
                publish.publish_at = PublishAt::Set(now());
                publish.public_revision = Some(None);
                store.apply(r.id, publish, now()).await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => won += 1,
            Err(StoreError::Stale { .. }) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.revisions(r.id).await.expect("revisions").len(), 1);
}

pub async fn an_embargoed_release_is_public_from_its_lift_time_exactly(store: Arc<dyn Store>) {
    let r = approved(&store, "Embargoed Budget").await;
    let lift = now() + SignedDuration::from_hours(2);
    let mut embargo = step(&r, Action::Embargo, PUBLISHER, Status::Embargoed);
    embargo.publish_at = PublishAt::Set(lift);
    let r = store.apply(r.id, embargo, now()).await.expect("embargo");
    assert_eq!(store.next_due().await.expect("next"), Some(lift));

    let before = view_at(&store, lift - SignedDuration::from_micros(1));
    assert!(before.release(&r.path()).await.expect("read").is_none());
    assert!(public_titles(&before).await.is_empty());
    assert!(
        before
            .containing_text("Body of", 10)
            .await
            .expect("text")
            .is_empty()
    );
    assert!(
        before
            .paths_after(None, 100)
            .await
            .expect("paths")
            .is_empty()
    );
    assert!(
        store
            .due(lift - SignedDuration::from_micros(1), 10)
            .await
            .expect("due")
            .is_empty()
    );

    let at = view_at(&store, lift);
    assert!(at.release(&r.path()).await.expect("read").is_some());
    assert_eq!(public_titles(&at).await, ["Embargoed Budget"]);
    assert_eq!(
        at.containing_text("Body of", 10).await.expect("text").len(),
        1
    );
    assert_eq!(at.paths_after(None, 100).await.expect("paths").len(), 1);
    let due: Vec<_> = store
        .due(lift, 10)
        .await
        .expect("due")
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(due, [r.id]);

    // Taken off the timetable, it is neither due nor public.
    let mut off = step(&r, Action::Unschedule, PUBLISHER, Status::Approved);
    off.publish_at = PublishAt::Clear;
    let r = store.apply(r.id, off, now()).await.expect("unschedule");
    assert_eq!(r.published_at, None);
    assert!(
        view_at(&store, lift)
            .release(&r.path())
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(store.next_due().await.expect("next"), None);
}

pub async fn a_correction_adds_a_revision_and_a_withdrawal_leaves_listings_but_not_the_address(
    store: Arc<dyn Store>,
) {
    let r = approved(&store, "Trade Figures").await;
    let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
    publish.publish_at = PublishAt::Set(now());
    publish.public_revision = Some(None);
    let r = store.apply(r.id, publish, now()).await.expect("publish");
    let later = now() + SignedDuration::from_hours(1);

    let mut fixed = r.content.clone();
    fixed.body = pressroom_domain::Body::from_texts(&["Exports rose 4 percent."]).expect("body");
    let mut correct = step(&r, Action::Correct, PUBLISHER, Status::Published);
    correct.content = Some(fixed.clone());
    correct.public_revision = Some(Some("Corrected the export figure.".into()));
    let r = store.apply(r.id, correct, later).await.expect("correct");
    assert_eq!((r.revision, r.published_at), (2, Some(now())));
    assert_eq!(r.path().to_string(), "/releases/2026/06/01/trade-figures");

    let mut withdraw = step(&r, Action::Withdraw, PUBLISHER, Status::Withdrawn);
    withdraw.public_revision = Some(Some("Superseded by the annual report.".into()));
    let r = store.apply(r.id, withdraw, later).await.expect("withdraw");
    assert_eq!((r.status, r.revision), (Status::Withdrawn, 3));

    let history = store.revisions(r.id).await.expect("revisions");
    let summary: Vec<_> = history
        .iter()
        .map(|h| (h.number, h.event.as_str(), h.change_note.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, "publish", None),
            (2, "correct", Some("Corrected the export figure.")),
            (3, "withdraw", Some("Superseded by the annual report.")),
        ]
    );
    assert_ne!(history[0].content, history[1].content);
    assert_eq!(history[1].content, fixed);

    let view = view_at(&store, later);
    let page = view
        .release(&r.path())
        .await
        .expect("read")
        .expect("page stays");
    assert_eq!(page.status, Status::Withdrawn);
    assert!(public_titles(&view).await.is_empty(), "left the listings");
    assert!(
        view.listed_paths(&[r.id]).await.expect("paths").is_empty(),
        "left search's gate"
    );
    let kinds = view
        .facet_counts(crate::Facet::Kind, &ReleaseFilter::default())
        .await
        .expect("facets");
    assert!(kinds.is_empty(), "{kinds:?}");
}

pub async fn publication_correction_and_withdrawal_each_append_one_log_leaf_in_their_transaction(
    store: Arc<dyn Store>,
) {
    let r = approved(&store, "Logged Figures").await;
    assert_eq!(
        store.ledger_size().await.expect("size"),
        0,
        "drafts are not logged"
    );
    let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
    publish.publish_at = PublishAt::Set(now());
    publish.public_revision = Some(None);
    let r = store.apply(r.id, publish, now()).await.expect("publish");
    assert_eq!(store.ledger_size().await.expect("size"), 1);

    // A stale write is refused whole: no leaf either.
    let mut stale = step(&r, Action::Correct, PUBLISHER, Status::Published);
    stale.expect_revision = 7;
    stale.public_revision = Some(Some("Never written.".into()));
    assert!(store.apply(r.id, stale, now()).await.is_err());
    assert_eq!(store.ledger_size().await.expect("size"), 1);

    let mut fixed = r.content.clone();
    fixed.body = pressroom_domain::Body::from_texts(&["Exports rose 5 percent."]).expect("body");
    let mut correct = step(&r, Action::Correct, PUBLISHER, Status::Published);
    correct.content = Some(fixed.clone());
    correct.public_revision = Some(Some("Corrected the figure.".into()));
    let r = store.apply(r.id, correct, now()).await.expect("correct");
    let mut withdraw = step(&r, Action::Withdraw, PUBLISHER, Status::Withdrawn);
    withdraw.public_revision = Some(Some("Superseded.".into()));
    let r = store.apply(r.id, withdraw, now()).await.expect("withdraw");

    let entries = store.ledger_entries_of(r.id).await.expect("entries");
    let summary: Vec<_> = entries
        .iter()
        .map(|e| {
            let leaf = pressroom_ledger::Leaf::from_bytes(&e.leaf).expect("canonical leaf");
            (e.index, e.revision, leaf.event.as_str())
        })
        .collect();
    assert_eq!(
        summary,
        [(0, 1, "publish"), (1, 2, "correct"), (2, 3, "withdraw")]
    );
}

pub async fn workflow_settings_default_to_clearance_and_keep_what_an_admin_sets(
    store: Arc<dyn Store>,
) {
    assert_eq!(
        store.workflow_settings().await.expect("settings"),
        WorkflowSettings::default()
    );
    let lax = WorkflowSettings {
        allow_skip_clearance: true,
    };
    store.set_workflow_settings(lax, now()).await.expect("set");
    assert_eq!(store.workflow_settings().await.expect("settings"), lax);
    store
        .set_workflow_settings(WorkflowSettings::default(), now())
        .await
        .expect("set back");
    assert!(
        !store
            .workflow_settings()
            .await
            .expect("settings")
            .allow_skip_clearance
    );
}

pub async fn a_preview_link_opens_only_its_embargoed_release_until_it_expires_logging_each_access(
    store: Arc<dyn Store>,
) {
    let r = approved(&store, "Under Embargo").await;
    let token_hash = "ab".repeat(32);
    let expires = now() + SignedDuration::from_hours(1);
    let link = NewPreviewLink {
        release_id: r.id,
        journalist: "Ada Reporter".into(),
        token_hash: token_hash.clone(),
        created_by: PUBLISHER,
        expires_at: expires,
    };
    store
        .create_preview_link(link.clone(), now())
        .await
        .expect("link");
    // Not embargoed yet: the link opens nothing.
    assert!(
        store
            .open_preview(&token_hash, now())
            .await
            .expect("open")
            .is_none()
    );
    let mut embargo = step(&r, Action::Embargo, PUBLISHER, Status::Embargoed);
    embargo.publish_at = PublishAt::Set(now() + SignedDuration::from_hours(3));
    store.apply(r.id, embargo, now()).await.expect("embargo");

    let (opened, release) = store
        .open_preview(&token_hash, now())
        .await
        .expect("open")
        .expect("valid link");
    assert_eq!(
        (opened.journalist.as_str(), release.id),
        ("Ada Reporter", r.id)
    );
    store
        .open_preview(&token_hash, expires - SignedDuration::from_secs(1))
        .await
        .expect("open")
        .expect("still valid");
    assert!(
        store
            .open_preview(&token_hash, expires)
            .await
            .expect("open")
            .is_none()
    );
    assert!(
        store
            .open_preview(&"cd".repeat(32), now())
            .await
            .expect("open")
            .is_none()
    );
    let log = store.preview_accesses(r.id).await.expect("accesses");
    let log: Vec<_> = log.iter().map(|a| (a.journalist.as_str(), a.at)).collect();
    assert_eq!(
        log,
        [
            ("Ada Reporter", now()),
            ("Ada Reporter", expires - SignedDuration::from_secs(1))
        ]
    );
    // A token is unique.
    let err = store
        .create_preview_link(link, now())
        .await
        .expect_err("same token twice");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
}

pub async fn the_desk_reads_releases_by_status_and_author_newest_first_in_bounded_pages(
    store: Arc<dyn Store>,
) {
    // An imported public release is on no desk query by author.
    let imported = super::import(
        &store,
        vec![super::record(
            content("Imported", 2026, 5, 1),
            "fp-imported",
            "a.txt",
        )],
    )
    .await;
    let imported = match imported.first() {
        Some(crate::ImportOutcome::Inserted { id, .. }) => *id,
        other => panic!("one release imported, got {other:?}"),
    };
    let mine_a = draft(&store, "Mine A").await;
    let other = store
        .create_draft(
            NewDraft {
                content: content("Someone else's", 2026, 6, 2),
                author: CLEARER,
            },
            now(),
        )
        .await
        .expect("create draft");
    let mine_b = draft(&store, "Mine B").await;
    let cleared = approved(&store, "Cleared").await;
    let titles = |rs: Vec<Release>| -> Vec<String> {
        rs.iter().map(|r| r.content.title.to_string()).collect()
    };

    let my_drafts = store
        .desk(&DeskQuery {
            statuses: vec![Status::Draft],
            author: Some(WRITER),
            before: None,
            limit: 10,
        })
        .await
        .expect("desk");
    assert_eq!(
        titles(my_drafts),
        ["Mine B", "Mine A"],
        "own drafts, newest first"
    );

    let approved_ones = store
        .desk(&DeskQuery {
            statuses: vec![Status::Approved, Status::InClearance],
            ..DeskQuery::default()
        })
        .await
        .expect("desk");
    assert_eq!(titles(approved_ones), ["Cleared"]);

    // Every status, every author, read in pages of two by keyset.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .desk(&DeskQuery {
                before,
                limit: 2,
                ..DeskQuery::default()
            })
            .await
            .expect("desk page");
        assert!(page.len() <= 2, "a page is bounded by its limit");
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        seen.extend(page.iter().map(|r| r.id));
    }
    assert_eq!(
        seen,
        [cleared.id, mine_b.id, other.id, mine_a.id, imported],
        "every release once, newest id first"
    );

    let huge = store
        .desk(&DeskQuery {
            limit: u32::MAX,
            ..DeskQuery::default()
        })
        .await
        .expect("a huge limit is capped, not an error");
    assert_eq!(huge.len(), 5);
    let none = store
        .desk(&DeskQuery {
            author: Some(999),
            ..DeskQuery::default()
        })
        .await
        .expect("desk");
    assert!(none.is_empty());
}

pub async fn a_preview_link_opens_nothing_once_revoked_or_once_its_release_is_public(
    store: Arc<dyn Store>,
) {
    let r = approved(&store, "Lifted Soon").await;
    let lift = now() + SignedDuration::from_hours(2);
    let mut embargo = step(&r, Action::Embargo, PUBLISHER, Status::Embargoed);
    embargo.publish_at = PublishAt::Set(lift);
    store.apply(r.id, embargo, now()).await.expect("embargo");
    let mut links = Vec::new();
    for (token, who) in [("01", "Kept Reporter"), ("02", "Revoked Reporter")] {
        let link = store
            .create_preview_link(
                NewPreviewLink {
                    release_id: r.id,
                    journalist: who.into(),
                    token_hash: token.repeat(32),
                    created_by: PUBLISHER,
                    expires_at: lift + SignedDuration::from_hours(24),
                },
                now(),
            )
            .await
            .expect("link");
        links.push(link);
    }
    let open = |token: &str, at: Timestamp| {
        let store = store.clone();
        let hash = token.repeat(32);
        async move { store.open_preview(&hash, at).await.expect("open") }
    };
    assert!(open("02", now()).await.is_some());
    assert!(
        store
            .revoke_preview_link(links[1].id, now() + SignedDuration::from_mins(1))
            .await
            .expect("revoke")
    );
    assert!(
        !store
            .revoke_preview_link(links[1].id, now() + SignedDuration::from_mins(2))
            .await
            .expect("revoke again"),
        "a link is revoked once"
    );
    assert!(
        !store
            .revoke_preview_link(links[1].id + 1_000, now())
            .await
            .expect("revoke unknown"),
        "no such link"
    );
    assert!(
        open("02", now() + SignedDuration::from_mins(2))
            .await
            .is_none(),
        "revoked"
    );
    assert!(
        open("01", lift - SignedDuration::from_micros(1))
            .await
            .is_some(),
        "the other link still opens just before the lift"
    );
    assert!(open("01", lift).await.is_none(), "public from the lift on");
    // The scheduler publishes it: still nothing through the link.
    let current = store.get(r.id).await.expect("get").expect("release");
    let mut publish = step(&current, Action::Publish, PUBLISHER, Status::Published);
    publish.public_revision = Some(None);
    store.apply(r.id, publish, lift).await.expect("publish");
    assert!(
        open("01", lift + SignedDuration::from_hours(1))
            .await
            .is_none()
    );
    // Only the openings that showed the release are logged.
    let log = store.preview_accesses(r.id).await.expect("accesses");
    let log: Vec<_> = log.iter().map(|a| (a.journalist.as_str(), a.at)).collect();
    assert_eq!(
        log,
        [
            ("Revoked Reporter", now()),
            ("Kept Reporter", lift - SignedDuration::from_micros(1)),
        ]
    );
    // The newsroom's list: every link, oldest first, with its revocation
    // and how often it opened; another release's links are not in it.
    let other = approved(&store, "Another Embargo").await;
    let listed = store.preview_links(r.id).await.expect("links");
    let listed: Vec<_> = listed
        .iter()
        .map(|l| (l.link.clone(), l.revoked_at, l.accesses))
        .collect();
    assert_eq!(
        listed,
        [
            (links[0].clone(), None, 1),
            (
                links[1].clone(),
                Some(now() + SignedDuration::from_mins(1)),
                1
            ),
        ]
    );
    assert!(
        store
            .preview_links(other.id)
            .await
            .expect("links")
            .is_empty()
    );
}

pub async fn releases_corrected_or_withdrawn_since_an_instant_are_found_latest_change_first(
    store: Arc<dyn Store>,
) {
    let mut public = Vec::new();
    for title in [
        "Corrected Early",
        "Corrected Late",
        "Withdrawn",
        "Untouched",
    ] {
        let r = approved(&store, title).await;
        let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
        publish.publish_at = PublishAt::Set(now());
        publish.public_revision = Some(None);
        public.push(store.apply(r.id, publish, now()).await.expect("publish"));
    }
    let correct = |r: &Release, minutes: i64| {
        let mut fixed = r.content.clone();
        fixed.body =
            pressroom_domain::Body::from_texts(&[format!("Fixed at {minutes}.")]).expect("body");
        let mut w = step(r, Action::Correct, PUBLISHER, Status::Published);
        w.content = Some(fixed);
        w.public_revision = Some(Some(format!("Fixed at minute {minutes}.")));
        (w, now() + SignedDuration::from_mins(minutes))
    };
    let (w, at) = correct(&public[0], 10);
    store.apply(public[0].id, w, at).await.expect("correct");
    let (w, at) = correct(&public[1], 30);
    store.apply(public[1].id, w, at).await.expect("correct");
    let mut withdraw = step(&public[2], Action::Withdraw, PUBLISHER, Status::Withdrawn);
    withdraw.public_revision = Some(Some("Issued in error.".into()));
    store
        .apply(
            public[2].id,
            withdraw,
            now() + SignedDuration::from_mins(20),
        )
        .await
        .expect("withdraw");

    let titles = |rs: Vec<Release>| -> Vec<String> {
        rs.into_iter()
            .map(|r| r.content.title.to_string())
            .collect()
    };
    let later = now() + SignedDuration::from_hours(1);
    let all = store
        .amended_since(
            Visibility::PublicAt(later),
            &ReleaseFilter::default(),
            now(),
            10,
        )
        .await
        .expect("amended");
    assert_eq!(
        titles(all),
        ["Corrected Late", "Withdrawn", "Corrected Early"]
    );
    let since_15 = store
        .amended_since(
            Visibility::PublicAt(later),
            &ReleaseFilter::default(),
            now() + SignedDuration::from_mins(15),
            1,
        )
        .await
        .expect("amended");
    assert_eq!(titles(since_15), ["Corrected Late"], "since, and the limit");
    let other_kind = ReleaseFilter {
        kind: Some("Readout".into()),
        ..ReleaseFilter::default()
    };
    assert!(
        store
            .amended_since(Visibility::PublicAt(later), &other_kind, now(), 10)
            .await
            .expect("amended")
            .is_empty(),
        "under the filter"
    );
    assert!(
        store
            .amended_since(
                Visibility::PublicAt(now() - SignedDuration::from_secs(1)),
                &ReleaseFilter::default(),
                now(),
                10
            )
            .await
            .expect("amended")
            .is_empty(),
        "only what the visibility admits"
    );
}

/// Every public count under several filters at `at`, checked against the
/// rows themselves: what the backend's counts (a tally kept by triggers,
/// corrected for the instant) must equal however the releases got there.
async fn assert_counts_match_the_rows(store: &Arc<dyn Store>, view: &PublicView, at: Timestamp) {
    use crate::{Facet, ListQuery};
    use std::collections::BTreeMap;
    let all = store
        .list(&ListQuery {
            visibility: Visibility::Everything,
            filter: ReleaseFilter::default(),
            page: PageRequest::new(1, PageRequest::MAX_PER_PAGE),
            known_total: None,
            start: None,
        })
        .await
        .expect("every release")
        .items;
    let filters = [
        ReleaseFilter::default(),
        ReleaseFilter {
            kind: Some("Media Note".into()),
            ..ReleaseFilter::default()
        },
        ReleaseFilter {
            kind: Some("Readout".into()),
            ..ReleaseFilter::default()
        },
        ReleaseFilter {
            issuer: Some("Office of the Spokesperson".into()),
            year: Some(2026),
            ..ReleaseFilter::default()
        },
        ReleaseFilter {
            year: Some(2025),
            ..ReleaseFilter::default()
        },
    ];
    for filter in &filters {
        let selected = |r: &&Release, listed: bool| {
            let visible = if listed {
                Visibility::ListedAt(at)
            } else {
                Visibility::PublicAt(at)
            };
            visible.admits(r)
                && filter
                    .kind
                    .as_deref()
                    .is_none_or(|k| r.content.kind.as_ref().map(|x| x.as_str()) == Some(k))
                && filter
                    .issuer
                    .as_deref()
                    .is_none_or(|i| r.content.issuer.as_ref().map(|x| x.as_str()) == Some(i))
                && filter
                    .year
                    .is_none_or(|y| r.content.date.date().year() == y)
        };
        let listed: Vec<&Release> = all.iter().filter(|r| selected(r, true)).collect();
        let public = all.iter().filter(|r| selected(r, false)).count() as u64;
        let total = view
            .list(filter.clone(), PageRequest::default())
            .await
            .expect("list")
            .total;
        assert_eq!(
            total,
            listed.len() as u64,
            "listed total under {filter:?} at {at}"
        );
        let feed_total = view
            .feed_entries(filter.clone(), PageRequest::default())
            .await
            .expect("feed")
            .total;
        assert_eq!(feed_total, public, "public total under {filter:?} at {at}");
        for facet in [Facet::Kind, Facet::Issuer, Facet::Year, Facet::Month] {
            let mut expected: BTreeMap<String, u64> = BTreeMap::new();
            for r in &listed {
                let date = r.content.date.date();
                let value = match facet {
                    Facet::Kind => r.content.kind.as_ref().map(|k| k.as_str().to_owned()),
                    Facet::Issuer => r.content.issuer.as_ref().map(|i| i.as_str().to_owned()),
                    Facet::Year => Some(format!("{:04}", date.year())),
                    Facet::Month => Some(format!("{:04}-{:02}", date.year(), date.month())),
                };
                if let Some(v) = value {
                    *expected.entry(v).or_default() += 1;
                }
            }
            let got: BTreeMap<String, u64> = view
                .facet_counts(facet, filter)
                .await
                .expect("facets")
                .iter()
                .map(|c| (c.value.clone(), c.count))
                .collect();
            assert_eq!(got, expected, "{facet:?} under {filter:?} at {at}");
        }
    }
}

/// A serving node's kept counts, shifted by the change feed as `pressroom
/// serve` shifts them.
struct KeptCounts {
    memo: Arc<crate::CountMemo>,
    cursor: i64,
}

impl KeptCounts {
    async fn new(store: &Arc<dyn Store>) -> Self {
        Self {
            memo: Arc::new(crate::CountMemo::new()),
            cursor: store.last_change().await.expect("last change"),
        }
    }

    /// Reads the feed at `at` and shifts the counts by what it says;
    /// returns how many counts were shifted rather than dropped.
    async fn follow(&mut self, store: &Arc<dyn Store>, at: Timestamp) -> usize {
        let changes = store
            .changes_after(self.cursor, 1_000)
            .await
            .expect("changes");
        assert!(!changes.is_empty(), "every write is in the feed");
        assert!(
            changes.iter().all(|c| c.facets.is_some()),
            "every change says where its release stood: {changes:?}"
        );
        self.cursor = changes.last().map_or(self.cursor, |c| c.seq);
        let kept = self.memo.len();
        self.memo.shift(&changes, at);
        self.memo
            .set_next_lift(store.next_due().await.expect("timetable"));
        assert!(self.memo.len() <= kept);
        self.memo.len()
    }

    fn view(&self, store: &Arc<dyn Store>, at: Timestamp) -> PublicView {
        view_at(store, at).with_counts(self.memo.clone())
    }
}

pub async fn public_counts_follow_every_write_and_the_clock(store: Arc<dyn Store>) {
    let kept = Arc::new(tokio::sync::Mutex::new(KeptCounts::new(&store).await));
    // Each instant is checked twice: counted afresh, and from the counts
    // kept since the start, shifted by every change since.
    let check = |at: Timestamp| {
        let (store, kept) = (store.clone(), kept.clone());
        async move {
            assert_counts_match_the_rows(&store, &view_at(&store, at), at).await;
            let kept = kept.lock().await.view(&store, at);
            assert_counts_match_the_rows(&store, &kept, at).await;
        }
    };
    let follow = |at: Timestamp| {
        let (store, kept) = (store.clone(), kept.clone());
        async move { kept.lock().await.follow(&store, at).await }
    };
    // Imported (published at once) and drafted releases side by side.
    let mut imported = Vec::new();
    for (i, (title, y)) in [("Counted One", 2025), ("Counted Two", 2026)]
        .iter()
        .enumerate()
    {
        imported.push(super::record(
            content(title, *y, 3, 1),
            &format!("count-{i}"),
            "f",
        ));
    }
    super::import(&store, imported).await;
    follow(now()).await;
    check(now()).await;
    // Before the import's publication time nothing is public.
    check(now() - SignedDuration::from_hours(1)).await;

    // Published by the newsroom.
    let r = approved(&store, "Counted Three").await;
    // The counts kept were taken an hour early: they end at the imports'
    // publication, and are taken again.
    follow(now()).await;
    check(now()).await;
    let mut publish = step(&r, Action::Publish, PUBLISHER, Status::Published);
    publish.publish_at = PublishAt::Set(now());
    publish.public_revision = Some(None);
    let r = store.apply(r.id, publish, now()).await.expect("publish");
    assert!(follow(now()).await > 0, "a publication shifts the counts");
    check(now()).await;

    // A correction that moves it to another kind.
    let mut other = r.content.clone();
    other.kind = Some(pressroom_domain::Kind::Readout);
    let mut correct = step(&r, Action::Correct, PUBLISHER, Status::Published);
    correct.content = Some(other);
    correct.public_revision = Some(Some("It was a readout.".into()));
    let r = store.apply(r.id, correct, now()).await.expect("correct");
    assert!(follow(now()).await > 0, "a correction shifts the counts");
    check(now()).await;

    // Withdrawn: out of the listing's counts, still in the feeds' totals.
    let mut withdraw = step(&r, Action::Withdraw, PUBLISHER, Status::Withdrawn);
    withdraw.public_revision = Some(Some("Withdrawn.".into()));
    store.apply(r.id, withdraw, now()).await.expect("withdraw");
    assert!(follow(now()).await > 0, "a withdrawal shifts the counts");
    check(now()).await;

    // Embargoed: counted from its lift exactly, before and after the
    // scheduler marks it published.
    let e = approved(&store, "Counted Embargo").await;
    let lift = now() + SignedDuration::from_hours(2);
    let mut embargo = step(&e, Action::Embargo, PUBLISHER, Status::Embargoed);
    embargo.publish_at = PublishAt::Set(lift);
    let e = store.apply(e.id, embargo, now()).await.expect("embargo");
    follow(now()).await;
    check(lift - SignedDuration::from_micros(1)).await;
    check(lift).await;
    let mut lifted = step(&e, Action::Publish, PUBLISHER, Status::Published);
    lifted.public_revision = Some(None);
    store.apply(e.id, lifted, lift).await.expect("lift");
    assert!(
        follow(lift).await > 0,
        "the scheduler's publication shifts the counts"
    );
    check(lift).await;
    check(lift - SignedDuration::from_micros(1)).await;
}
