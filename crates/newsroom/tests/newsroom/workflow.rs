//! Every editorial action through the use-cases, as each role, from every
//! status: what the state machine allows is written, what it refuses
//! writes nothing.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::workflow::transition;
use pressroom_domain::{
    Action, Actor, Body, FixedClock, Issuer, Kind, Refusal, Release, ReleaseContent, ReleaseDate,
    ReleaseId, Role, Status, Title, WorkflowSettings,
};
use pressroom_newsroom::workflow::{self as wf, WorkflowError};
use pressroom_store::Store;
use pressroom_store_sqlite::SqliteStore;

const AUTHOR: Actor = Actor {
    user_id: 1,
    role: Role::Writer,
};

fn someone(role: Role) -> Actor {
    Actor {
        user_id: 10 + role as i64,
        role,
    }
}

const ADMIN: Actor = Actor {
    user_id: 99,
    role: Role::Admin,
};

struct Newsroom {
    store: Arc<dyn Store>,
    clock: Arc<FixedClock>,
    _dir: tempfile::TempDir,
}

async fn newsroom() -> Newsroom {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("n.db").display());
    Newsroom {
        store: Arc::new(SqliteStore::open(&url).await.expect("open")),
        clock: Arc::new(FixedClock::new(
            "2026-06-01T09:00:00Z".parse().expect("time"),
        )),
        _dir: dir,
    }
}

fn content(title: &str) -> ReleaseContent {
    ReleaseContent {
        title: Title::parse(title).expect("title"),
        kind: Some(Kind::PressStatement),
        issuer: Some(Issuer::parse("Office of the Spokesperson").expect("issuer")),
        dateline: None,
        date: ReleaseDate::from_date(jiff::civil::date(2026, 6, 1)).expect("date"),
        attribution: None,
        body: Body::from_texts(&[format!("The text of {title}.")]).expect("body"),
        language: Default::default(),
    }
}

impl Newsroom {
    fn now(&self) -> Timestamp {
        use pressroom_domain::Clock;
        self.clock.now()
    }

    /// A release by AUTHOR brought to `status` by the people whose job it is.
    async fn release_in(&self, status: Status, title: &str) -> Release {
        let (s, c) = (self.store.as_ref(), self.clock.as_ref());
        let r = wf::create_draft(s, c, AUTHOR, content(title))
            .await
            .expect("draft");
        if status == Status::Draft {
            return r;
        }
        let r = wf::submit(s, c, AUTHOR, r.id).await.expect("submit");
        if status == Status::InClearance {
            return r;
        }
        let r = wf::approve(s, c, someone(Role::Clearer), r.id, None)
            .await
            .expect("approve");
        let publisher = someone(Role::Publisher);
        let later = self.now() + SignedDuration::from_hours(1);
        match status {
            Status::Approved => r,
            Status::Scheduled => wf::schedule(s, c, publisher, r.id, later)
                .await
                .expect("schedule"),
            Status::Embargoed => wf::embargo(s, c, publisher, r.id, later)
                .await
                .expect("embargo"),
            Status::Published | Status::Withdrawn => {
                let r = wf::publish_now(s, c, publisher, r.id)
                    .await
                    .expect("publish");
                if status == Status::Published {
                    return r;
                }
                wf::withdraw(s, c, publisher, r.id, "Issued in error.")
                    .await
                    .expect("withdraw")
            }
            Status::Draft | Status::InClearance => unreachable!("returned above"),
        }
    }

    async fn take(
        &self,
        action: Action,
        actor: Actor,
        r: &Release,
    ) -> Result<Release, WorkflowError> {
        let (s, c) = (self.store.as_ref(), self.clock.as_ref());
        let at = self.now() + SignedDuration::from_hours(2);
        let mut changed = r.content.clone();
        changed.body = Body::from_texts(&["Changed text."]).expect("body");
        match action {
            Action::Edit => wf::edit_draft(s, c, actor, r.id, changed).await,
            Action::Submit => wf::submit(s, c, actor, r.id).await,
            Action::Approve => wf::approve(s, c, actor, r.id, Some("Fine.")).await,
            Action::Return => wf::return_with_comments(s, c, actor, r.id, "Add a quote.").await,
            Action::Schedule => wf::schedule(s, c, actor, r.id, at).await,
            Action::Embargo => wf::embargo(s, c, actor, r.id, at).await,
            Action::Unschedule => wf::unschedule(s, c, actor, r.id).await,
            Action::Publish => wf::publish_now(s, c, actor, r.id).await,
            Action::Correct => wf::correct(s, c, actor, r.id, changed, "Fixed a figure.").await,
            Action::Withdraw => wf::withdraw(s, c, actor, r.id, "Superseded.").await,
        }
    }
}

#[tokio::test]
async fn every_action_by_every_role_from_every_status_is_applied_or_refused_as_the_state_machine_says()
 {
    let n = newsroom().await;
    let mut allowed = 0;
    let mut refused = 0;
    for from in Status::ALL {
        for action in Action::ALL {
            for role in Role::ALL {
                let r = n.release_in(from, &format!("{from} {action} {role}")).await;
                let own = matches!(action, Action::Edit | Action::Submit);
                let actor = if own {
                    Actor {
                        user_id: AUTHOR.user_id,
                        role,
                    }
                } else {
                    someone(role)
                };
                let events_before = n.store.workflow_events(r.id).await.expect("events").len();
                let expected = transition(from, action, role, own, &WorkflowSettings::default());
                let got = n.take(action, actor, &r).await;
                let stored = n.store.get(r.id).await.expect("get").expect("stored");
                let events = n.store.workflow_events(r.id).await.expect("events");
                match expected {
                    Ok(to) => {
                        let done = got.unwrap_or_else(|e| panic!("{from} {action} by {role}: {e}"));
                        assert_eq!(
                            (done.status, stored.status),
                            (to, to),
                            "{from} {action} {role}"
                        );
                        assert_eq!(events.len(), events_before + 1);
                        let last = events.last().expect("event");
                        assert_eq!(
                            (last.action.as_str(), last.actor),
                            (action.as_str(), actor.user_id)
                        );
                        allowed += 1;
                    }
                    Err(refusal) => {
                        match got {
                            Err(WorkflowError::Refused(r)) => assert_eq!(r, refusal),
                            other => panic!(
                                "{from} {action} by {role}: expected {refusal}, got {other:?}"
                            ),
                        }
                        assert_eq!(stored, r, "a refused {action} changed nothing");
                        assert_eq!(events.len(), events_before, "and recorded nothing");
                        refused += 1;
                    }
                }
            }
        }
    }
    // 17 (status, action) pairs are allowed: edit and submit by all four
    // roles, approve and return by three, the 13 publishing ones by two.
    assert_eq!(
        (allowed, refused),
        (2 * 4 + 2 * 3 + 13 * 2, 7 * 10 * 4 - 40)
    );
}

#[tokio::test]
async fn publishing_skips_clearance_only_once_an_admin_allows_it() {
    let n = newsroom().await;
    let (s, c) = (n.store.as_ref(), n.clock.as_ref());
    let publisher = someone(Role::Publisher);
    let r = n.release_in(Status::Draft, "Urgent Statement").await;
    let err = wf::publish_now(s, c, publisher, r.id)
        .await
        .expect_err("not cleared");
    assert!(
        matches!(
            err,
            WorkflowError::Refused(Refusal::ClearanceRequired { .. })
        ),
        "{err}"
    );
    let on = WorkflowSettings {
        allow_skip_clearance: true,
    };
    let err = wf::set_settings(s, c, publisher, on)
        .await
        .expect_err("not an admin");
    assert_eq!(
        err.to_string(),
        "only an admin can change the workflow settings (you are a publisher)"
    );
    wf::set_settings(s, c, ADMIN, on).await.expect("admin");
    let done = wf::publish_now(s, c, publisher, r.id)
        .await
        .expect("allowed now");
    assert_eq!(done.status, Status::Published);
}

#[tokio::test]
async fn two_clearers_approving_at_once_succeed_once_and_the_other_is_told_to_reload() {
    let n = newsroom().await;
    let r = n
        .release_in(Status::InClearance, "Contested Approval")
        .await;
    let approve = |user_id| {
        let store = n.store.clone();
        let clock = n.clock.clone();
        async move {
            wf::approve(
                store.as_ref(),
                clock.as_ref(),
                Actor {
                    user_id,
                    role: Role::Clearer,
                },
                r.id,
                None,
            )
            .await
        }
    };
    let (a, b) = tokio::join!(approve(50), approve(51));
    let outcomes = [a, b];
    let ok = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(ok, 1, "{outcomes:?}");
    assert!(outcomes.iter().any(|o| matches!(
        o,
        Err(WorkflowError::Changed(_)) | Err(WorkflowError::Refused(Refusal::WrongStatus { .. }))
    )));
    let approvals = n
        .store
        .workflow_events(r.id)
        .await
        .expect("events")
        .iter()
        .filter(|e| e.action == "approve")
        .count();
    assert_eq!(approvals, 1);
}

#[tokio::test]
async fn the_scheduler_publishes_each_due_release_once_at_its_own_time_and_flags_none_overdue() {
    let n = newsroom().await;
    let (s, c) = (n.store.as_ref(), n.clock.as_ref());
    let first = n.release_in(Status::Scheduled, "Morning Note").await;
    let second = n.release_in(Status::Embargoed, "Embargoed Note").await;
    assert!(
        wf::publish_due(s, c).await.expect("run").is_empty(),
        "nothing due yet"
    );
    // The server was down across both times; it comes back 10 minutes late.
    n.clock.advance(SignedDuration::from_mins(70));
    let overdue = wf::overdue(s, c, Duration::from_secs(60))
        .await
        .expect("overdue");
    assert_eq!(overdue.len(), 2, "flagged to publishers until published");
    let published = wf::publish_due(s, c).await.expect("run");
    let ids: Vec<ReleaseId> = published.iter().map(|r| r.id).collect();
    assert_eq!(ids, [first.id, second.id]);
    for (r, was) in published.iter().zip([&first, &second]) {
        assert_eq!(r.status, Status::Published);
        assert_eq!(r.published_at, was.published_at, "keeps its scheduled time");
        let events = n.store.workflow_events(r.id).await.expect("events");
        assert_eq!(
            events.last().map(|e| (e.action.as_str(), e.actor)),
            Some(("publish", 0))
        );
    }
    assert!(
        wf::publish_due(s, c).await.expect("again").is_empty(),
        "exactly once"
    );
    assert!(
        wf::overdue(s, c, Duration::from_secs(60))
            .await
            .expect("overdue")
            .is_empty()
    );
}

#[tokio::test]
async fn times_in_the_past_notes_left_empty_and_dates_changed_by_a_correction_are_refused_by_name()
{
    let n = newsroom().await;
    let (s, c) = (n.store.as_ref(), n.clock.as_ref());
    let publisher = someone(Role::Publisher);
    let approved = n.release_in(Status::Approved, "Timed").await;
    let err = wf::schedule(s, c, publisher, approved.id, n.now())
        .await
        .expect_err("now is not future");
    assert!(
        err.to_string()
            .starts_with("publication time: 2026-06-01 09:00:00 UTC is not in the future"),
        "{err}"
    );
    let err = wf::embargo(
        s,
        c,
        publisher,
        approved.id,
        n.now() - SignedDuration::from_secs(1),
    )
    .await
    .expect_err("past");
    assert!(err.to_string().starts_with("lift time:"), "{err}");

    let clearing = n.release_in(Status::InClearance, "Needs Comments").await;
    let err = wf::return_with_comments(s, c, someone(Role::Clearer), clearing.id, "  ")
        .await
        .expect_err("comments required");
    assert_eq!(err.to_string(), "comments: must not be empty");

    let public = n.release_in(Status::Published, "Figures").await;
    let mut moved = public.content.clone();
    moved.date = ReleaseDate::from_date(jiff::civil::date(2026, 6, 2)).expect("date");
    let err = wf::correct(s, c, publisher, public.id, moved, "Moved.")
        .await
        .expect_err("date");
    assert!(
        err.to_string()
            .starts_with("date: a correction keeps the release's date"),
        "{err}"
    );
    let err = wf::correct(
        s,
        c,
        publisher,
        public.id,
        public.content.clone(),
        "Nothing.",
    )
    .await
    .expect_err("no change");
    assert_eq!(err.to_string(), "content: the correction changes nothing");
    let err = wf::withdraw(s, c, publisher, public.id, "")
        .await
        .expect_err("reason");
    assert_eq!(err.to_string(), "reason: must not be empty");
    assert_eq!(n.store.get(public.id).await.expect("get"), Some(public));
    let err = wf::submit(s, c, AUTHOR, ReleaseId(12345))
        .await
        .expect_err("missing");
    assert_eq!(err.to_string(), "no release 12345");
}

#[tokio::test]
async fn a_preview_link_carries_a_256_bit_token_that_is_stored_only_as_its_hash() {
    let n = newsroom().await;
    let (s, c) = (n.store.as_ref(), n.clock.as_ref());
    let publisher = someone(Role::Publisher);
    let r = n
        .release_in(Status::Embargoed, "Budget Under Embargo")
        .await;
    let err = wf::create_preview_link(
        s,
        c,
        someone(Role::Clearer),
        r.id,
        "Ada",
        Duration::from_secs(60),
    )
    .await
    .expect_err("clearers cannot");
    assert!(
        matches!(err, WorkflowError::Refused(Refusal::Role { .. })),
        "{err}"
    );
    let issued = wf::create_preview_link(
        s,
        c,
        publisher,
        r.id,
        "Ada Reporter",
        Duration::from_secs(3600),
    )
    .await
    .expect("link");
    let other = wf::create_preview_link(
        s,
        c,
        publisher,
        r.id,
        "Ben Writer",
        Duration::from_secs(3600),
    )
    .await
    .expect("link");
    assert_eq!(issued.token.len(), 64);
    assert!(issued.token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(issued.token, other.token);
    assert_ne!(wf::token_hash(&issued.token), issued.token);

    let seen = wf::open_preview(s, c, &issued.token)
        .await
        .expect("open")
        .expect("valid");
    assert_eq!(
        (seen.journalist.as_str(), seen.release.id),
        ("Ada Reporter", r.id)
    );
    assert!(
        wf::open_preview(s, c, "not-a-token")
            .await
            .expect("open")
            .is_none()
    );
    assert!(
        wf::open_preview(s, c, &"0".repeat(64))
            .await
            .expect("open")
            .is_none()
    );
    n.clock.advance(SignedDuration::from_secs(3600));
    assert!(
        wf::open_preview(s, c, &issued.token)
            .await
            .expect("open")
            .is_none(),
        "expired"
    );
    let log = n.store.preview_accesses(r.id).await.expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].journalist, "Ada Reporter");

    let draft = n.release_in(Status::Draft, "Not Embargoed").await;
    let err = wf::create_preview_link(s, c, publisher, draft.id, "Ada", Duration::from_secs(60))
        .await
        .expect_err("only embargoed");
    assert!(
        err.to_string().contains("only an embargoed release"),
        "{err}"
    );
}

#[tokio::test]
async fn only_a_publisher_revokes_a_preview_link_and_a_revoked_link_opens_nothing() {
    let n = newsroom().await;
    let (s, c) = (n.store.as_ref(), n.clock.as_ref());
    let publisher = someone(Role::Publisher);
    let r = n.release_in(Status::Embargoed, "Revocable Preview").await;
    let issued = wf::create_preview_link(
        s,
        c,
        publisher,
        r.id,
        "Ada Reporter",
        Duration::from_secs(600),
    )
    .await
    .expect("link");
    let err = wf::revoke_preview_link(s, c, someone(Role::Clearer), r.id, issued.link.id)
        .await
        .expect_err("clearers cannot");
    assert!(
        matches!(err, WorkflowError::Refused(Refusal::Role { .. })),
        "{err}"
    );
    assert!(
        wf::open_preview(s, c, &issued.token)
            .await
            .expect("open")
            .is_some(),
        "still valid: the clearer's attempt changed nothing"
    );
    wf::revoke_preview_link(s, c, publisher, r.id, issued.link.id)
        .await
        .expect("revoke");
    assert!(
        wf::open_preview(s, c, &issued.token)
            .await
            .expect("open")
            .is_none(),
        "revoked"
    );
    let err = wf::revoke_preview_link(s, c, publisher, r.id, issued.link.id)
        .await
        .expect_err("twice");
    assert!(err.to_string().starts_with("link: "), "{err}");
    assert_eq!(n.store.preview_accesses(r.id).await.expect("log").len(), 1);

    // A link is revoked only through its own release.
    let other = n.release_in(Status::Embargoed, "Other Preview").await;
    let kept = wf::create_preview_link(s, c, publisher, r.id, "Bo", Duration::from_secs(600))
        .await
        .expect("link");
    let err = wf::revoke_preview_link(s, c, publisher, other.id, kept.link.id)
        .await
        .expect_err("not this release's link");
    assert!(err.to_string().starts_with("link: "), "{err}");
    assert!(
        wf::open_preview(s, c, &kept.token)
            .await
            .expect("open")
            .is_some(),
        "still valid"
    );
    // The list: both links of the release, the first revoked, each with
    // its openings; clearers may not see it.
    let listed = wf::preview_links(s, publisher, r.id).await.expect("list");
    let listed: Vec<_> = listed
        .iter()
        .map(|l| {
            (
                l.link.journalist.as_str(),
                l.revoked_at.is_some(),
                l.accesses,
            )
        })
        .collect();
    assert_eq!(listed, [("Ada Reporter", true, 1), ("Bo", false, 1)]);
    assert!(matches!(
        wf::preview_links(s, someone(Role::Clearer), r.id).await,
        Err(WorkflowError::Refused(Refusal::Role { .. }))
    ));
}
