//! The behaviour of [`Store::export_rows`], [`Store::import_rows`],
//! [`Store::count_rows`] and [`Store::erase_portal`] that every backend must
//! show, run per backend with
//! [`portal_conformance_tests!`](crate::portal_conformance_tests). Each case
//! fills one store through the ordinary writes (accounts, workflow,
//! previews, publication into the log) and moves it into a second, empty one.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{Action, Email, PersonName, Role, Status};

use crate::conformance::content;
use crate::{
    AccountStore, AuditEvent, Cell, Invitation, NewDraft, NewPreviewLink, NewUser, PortalTable,
    PublishAt, Row, Store, StoreError, WorkflowSettings, WorkflowWrite,
};

/// A store seen through both of its traits.
pub type Both = (Arc<dyn Store>, Arc<dyn AccountStore>);

/// One `#[tokio::test]` per case. `$make` is an async expression giving
/// `(Both, guard)` over an empty database of its own; each case makes two.
#[macro_export]
macro_rules! portal_conformance_tests {
    ($make:expr) => {
        $crate::portal_conformance_tests!(@cases $make;
            a_whole_portal_moved_row_by_row_reads_back_identical_and_keeps_working,
            importing_a_key_that_is_taken_is_a_conflict_that_writes_nothing,
            erasing_a_portal_empties_every_table_and_leaves_it_usable,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let (from, _g1): ($crate::portal_conformance::Both, _) = $make.await;
                let (to, _g2): ($crate::portal_conformance::Both, _) = $make.await;
                $crate::portal_conformance::$case(from, to).await;
            }
        )*
    };
}

fn now() -> Timestamp {
    Timestamp::from_second(1_700_000_000).expect("valid timestamp")
}

fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: Email::parse(email).expect("email"),
        name: PersonName::parse("Ana Ruiz").expect("name"),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        totp_secret: Some("JBSWY3DPEHPK3PXP".to_owned()),
    }
}

fn step(r: &pressroom_domain::Release, action: Action, status: Status) -> WorkflowWrite {
    WorkflowWrite {
        action,
        actor: 1,
        expect_status: r.status,
        expect_revision: r.revision,
        status,
        publish_at: PublishAt::Keep,
        content: None,
        public_revision: None,
        note: Some(format!("{action:?} noted")),
    }
}

/// Fills a store with a row in every [`PortalTable`].
async fn fill((store, accounts): &Both) {
    let ana = accounts
        .create_user(new_user("ana@example.org", Role::Admin), now())
        .await
        .expect("user");
    let bo = accounts
        .create_user(new_user("bo@example.org", Role::Writer), now())
        .await
        .expect("user");
    accounts.set_disabled(bo.id, true).await.expect("disable");
    accounts
        .record_login_failure(bo.id, now())
        .await
        .expect("failure");
    accounts
        .create_invitation(Invitation {
            token_hash: "ee".repeat(32),
            email: Email::parse("cy@example.org").expect("email"),
            role: Role::Clearer,
            invited_by: ana.id,
            expires_at: now() + SignedDuration::from_hours(48),
        })
        .await
        .expect("invitation");
    let token = accounts
        .create_api_token(
            &"aa".repeat(32),
            ana.id,
            "wire feed",
            Role::Publisher,
            now(),
        )
        .await
        .expect("token");
    accounts
        .create_api_token(&"bb".repeat(32), ana.id, "old", Role::Writer, now())
        .await
        .expect("token");
    accounts
        .revoke_api_token(token.id, now())
        .await
        .expect("revoke");
    accounts
        .append_audit(AuditEvent {
            at: now(),
            actor: Some(ana.id),
            actor_label: "ana@example.org".to_owned(),
            action: "user.create".to_owned(),
            subject: "bo@example.org".to_owned(),
            address: "127.0.0.1".to_owned(),
        })
        .await
        .expect("audit");
    store
        .set_workflow_settings(
            WorkflowSettings {
                allow_skip_clearance: true,
            },
            now(),
        )
        .await
        .expect("settings");
    let mut ids = Vec::new();
    for title in ["Published Figures", "Embargoed Budget"] {
        let r = store
            .create_draft(
                NewDraft {
                    content: content(title, 2026, 6, 1),
                    author: ana.id.0,
                },
                now(),
            )
            .await
            .expect("draft");
        let r = store
            .apply(r.id, step(&r, Action::Submit, Status::InClearance), now())
            .await
            .expect("submit");
        let r = store
            .apply(r.id, step(&r, Action::Approve, Status::Approved), now())
            .await
            .expect("approve");
        ids.push(r);
    }
    let mut publish = step(&ids[0], Action::Publish, Status::Published);
    publish.publish_at = PublishAt::Set(now());
    publish.public_revision = Some(None);
    store
        .apply(ids[0].id, publish, now())
        .await
        .expect("publish");
    let mut embargo = step(&ids[1], Action::Embargo, Status::Embargoed);
    embargo.publish_at = PublishAt::Set(now() + SignedDuration::from_hours(3));
    store
        .apply(ids[1].id, embargo, now())
        .await
        .expect("embargo");
    store
        .create_preview_link(
            NewPreviewLink {
                release_id: ids[1].id,
                journalist: "Ada Reporter".into(),
                token_hash: "cc".repeat(32),
                created_by: ana.id.0,
                expires_at: now() + SignedDuration::from_hours(1),
            },
            now(),
        )
        .await
        .expect("link");
    store
        .open_preview(&"cc".repeat(32), now())
        .await
        .expect("open")
        .expect("valid link");
    // A held import (no full date) moves with its sources.
    store
        .hold_imports(
            vec![crate::HeldImport {
                fingerprint: "fp-held".into(),
                reason: "no full date".into(),
                fields: serde_json::json!({"title": "Undated Statement"}),
                sources: vec![crate::Source {
                    path: "old/undated.txt".into(),
                    line: 3,
                }],
            }],
            now(),
        )
        .await
        .expect("hold");
    // A revoked link must stay revoked on the copy.
    let revoked = store
        .create_preview_link(
            NewPreviewLink {
                release_id: ids[1].id,
                journalist: "Wrong Recipient".into(),
                token_hash: "dd".repeat(32),
                created_by: ana.id.0,
                expires_at: now() + SignedDuration::from_hours(1),
            },
            now(),
        )
        .await
        .expect("link");
    assert!(
        store
            .revoke_preview_link(revoked.id, now())
            .await
            .expect("revoke")
    );
}

async fn rows(store: &Arc<dyn Store>, table: PortalTable) -> Vec<Row> {
    let mut all = Vec::new();
    let mut after: Option<Cell> = None;
    loop {
        // Pages of one row walk the keyset edge by edge.
        let page = store.export_rows(table, after, 1).await.expect("export");
        let Some(last) = page.last() else { break };
        after = table
            .key()
            .map(|_| last.first().cloned().expect("a key cell"));
        all.extend(page);
        if after.is_none() {
            break;
        }
    }
    all
}

/// Moves every release and every portal table from one store to another.
async fn copy(from: &Arc<dyn Store>, to: &Arc<dyn Store>) {
    let dumps = from.dump_after(None, 1_000).await.expect("dump");
    to.restore(dumps).await.expect("restore");
    for table in PortalTable::ALL {
        let rows = rows(from, table).await;
        if !rows.is_empty() {
            to.import_rows(table, rows).await.expect("import");
        }
    }
}

pub async fn a_whole_portal_moved_row_by_row_reads_back_identical_and_keeps_working(
    from: Both,
    to: Both,
) {
    fill(&from).await;
    copy(&from.0, &to.0).await;

    for table in PortalTable::ALL {
        let want = rows(&from.0, table).await;
        assert!(!want.is_empty(), "the fixture fills {}", table.table());
        assert_eq!(rows(&to.0, table).await, want, "{}", table.table());
        assert_eq!(
            to.0.count_rows(table).await.expect("count"),
            want.len() as u64,
            "{}",
            table.table()
        );
    }
    // Read back through the ordinary reads, not only as rows.
    let (src, dst) = (&from.1, &to.1);
    assert_eq!(
        dst.users().await.expect("users"),
        src.users().await.expect("users")
    );
    assert_eq!(
        dst.api_tokens(None).await.expect("tokens"),
        src.api_tokens(None).await.expect("tokens")
    );
    assert!(
        dst.api_token(&"bb".repeat(32))
            .await
            .expect("token")
            .is_some()
    );
    assert_eq!(
        dst.invitation(&"ee".repeat(32), now()).await.expect("inv"),
        src.invitation(&"ee".repeat(32), now()).await.expect("inv")
    );
    assert_eq!(
        dst.audit_after(0, 100).await.expect("audit"),
        src.audit_after(0, 100).await.expect("audit")
    );
    let size = from.0.ledger_size().await.expect("size");
    assert!(size > 0, "the publication entered the log");
    assert_eq!(to.0.ledger_size().await.expect("size"), size);
    for r in from.0.batch_after(None, 10).await.expect("releases") {
        assert_eq!(
            to.0.workflow_events(r.id).await.expect("events"),
            from.0.workflow_events(r.id).await.expect("events")
        );
        assert_eq!(
            to.0.author(r.id).await.expect("author"),
            from.0.author(r.id).await.expect("author")
        );
        assert_eq!(
            to.0.preview_accesses(r.id).await.expect("accesses"),
            from.0.preview_accesses(r.id).await.expect("accesses")
        );
        assert_eq!(
            to.0.ledger_entries_of(r.id).await.expect("entries"),
            from.0.ledger_entries_of(r.id).await.expect("entries")
        );
    }
    assert_eq!(
        to.0.workflow_settings().await.expect("settings"),
        from.0.workflow_settings().await.expect("settings")
    );
    assert!(
        to.0.open_preview(&"dd".repeat(32), now())
            .await
            .expect("open")
            .is_none(),
        "a link revoked on the original opens nothing on the copy"
    );
    assert_eq!(
        to.0.held_imports().await.expect("held"),
        from.0.held_imports().await.expect("held")
    );
    assert_eq!(to.0.held_imports().await.expect("held").len(), 1);

    // New keys on the copy follow the copied ones.
    let users = src.users().await.expect("users");
    let cy = dst
        .create_user(new_user("cy@example.org", Role::Writer), now())
        .await
        .expect("a new user on the copy");
    assert!(users.iter().all(|u| u.id.0 < cy.id.0), "{cy:?}");
    let seq = dst
        .append_audit(AuditEvent {
            at: now(),
            actor: None,
            actor_label: "system".to_owned(),
            action: "copy".to_owned(),
            subject: "portal".to_owned(),
            address: "-".to_owned(),
        })
        .await
        .expect("audit on the copy");
    assert!(seq > 1, "{seq}");
    let t = dst
        .create_api_token(&"dd".repeat(32), cy.id, "new", Role::Writer, now())
        .await
        .expect("a new token on the copy");
    assert!(t.id.0 > 2, "{t:?}");
}

pub async fn importing_a_key_that_is_taken_is_a_conflict_that_writes_nothing(from: Both, to: Both) {
    fill(&from).await;
    copy(&from.0, &to.0).await;
    let users = rows(&from.0, PortalTable::Users).await;
    let mut fresh = users[0].clone();
    fresh[0] = Cell::Int(1_000);
    fresh[1] = Cell::Text("new@example.org".to_owned());
    let err =
        to.0.import_rows(PortalTable::Users, vec![fresh, users[0].clone()])
            .await
            .expect_err("the second row's id is taken");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(
        to.0.count_rows(PortalTable::Users).await.expect("count"),
        users.len() as u64,
        "the first row of the failed batch was not kept"
    );
}

pub async fn erasing_a_portal_empties_every_table_and_leaves_it_usable(from: Both, to: Both) {
    fill(&from).await;
    copy(&from.0, &to.0).await;

    to.0.erase_portal().await.expect("erase");

    for table in PortalTable::ALL {
        assert_eq!(
            to.0.count_rows(table).await.expect("count"),
            0,
            "{}",
            table.table()
        );
    }
    assert!(to.0.batch_after(None, 1).await.expect("read").is_empty());
    copy(&from.0, &to.0).await;
    for table in PortalTable::ALL {
        assert_eq!(
            rows(&to.0, table).await,
            rows(&from.0, table).await,
            "{}",
            table.table()
        );
    }
}
