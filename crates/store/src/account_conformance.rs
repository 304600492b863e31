//! The behaviour every [`AccountStore`] backend must show, written once and
//! run per backend with
//! [`account_conformance_tests!`](crate::account_conformance_tests).

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{Email, PersonName, Role};

use crate::{AccountStore, AuditEvent, Invitation, NewUser, Session, StoreError};

/// One `#[tokio::test]` per case. `$make` is an async expression giving
/// `(Arc<dyn AccountStore>, guard)` over an empty database of its own.
#[macro_export]
macro_rules! account_conformance_tests {
    ($make:expr) => {
        $crate::account_conformance_tests!(@cases $make;
            a_user_reads_back_and_an_email_is_taken_once,
            a_role_change_or_disabling_ends_every_session_of_the_user,
            a_session_expires_and_can_be_deleted,
            failed_logins_are_counted_within_a_window,
            a_totp_step_can_be_used_once,
            an_invitation_is_used_once_and_only_before_it_expires,
            an_api_token_is_found_by_its_hash_until_revoked,
            the_audit_log_keeps_every_line_in_order,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let (store, _guard): (::std::sync::Arc<dyn $crate::AccountStore>, _) = $make.await;
                $crate::account_conformance::$case(store).await;
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
        totp_secret: None,
    }
}

fn session(token: &str, user: crate::UserId, hours: i64) -> Session {
    Session {
        token_hash: token.to_owned(),
        user_id: user,
        csrf_token: format!("csrf-{token}"),
        created_at: now(),
        last_seen_at: now(),
        expires_at: now() + SignedDuration::from_hours(hours),
    }
}

pub async fn a_user_reads_back_and_an_email_is_taken_once(store: Arc<dyn AccountStore>) {
    let mut wanted = new_user("ana@example.org", Role::Publisher);
    wanted.totp_secret = Some("JBSWY3DPEHPK3PXP".to_owned());
    let user = store
        .create_user(wanted.clone(), now())
        .await
        .expect("create");
    assert_eq!(user.email, wanted.email);
    assert_eq!(user.role, Role::Publisher);
    assert_eq!(user.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    assert!(!user.disabled);
    assert_eq!(store.user(user.id).await.expect("read"), Some(user.clone()));
    assert_eq!(
        store.user_by_email(&wanted.email).await.expect("read"),
        Some(user.clone())
    );
    let err = store
        .create_user(new_user("ana@example.org", Role::Writer), now())
        .await
        .expect_err("email taken");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    store
        .set_password_hash(user.id, "new")
        .await
        .expect("password");
    store.set_totp_secret(user.id, None).await.expect("totp");
    let back = store.user(user.id).await.expect("read").expect("user");
    assert_eq!(
        (back.password_hash.as_str(), back.totp_secret),
        ("new", None)
    );
    assert_eq!(store.user_count().await.expect("count"), 1);
    assert_eq!(store.users().await.expect("users").len(), 1);
}

pub async fn a_role_change_or_disabling_ends_every_session_of_the_user(
    store: Arc<dyn AccountStore>,
) {
    let a = store
        .create_user(new_user("a@example.org", Role::Writer), now())
        .await
        .expect("a");
    let b = store
        .create_user(new_user("b@example.org", Role::Writer), now())
        .await
        .expect("b");
    for (t, u) in [("a1", a.id), ("a2", a.id), ("b1", b.id)] {
        store
            .create_session(session(t, u, 1))
            .await
            .expect("session");
    }
    store.set_role(a.id, Role::Clearer).await.expect("role");
    assert!(store.session("a1", now()).await.expect("read").is_none());
    assert!(store.session("a2", now()).await.expect("read").is_none());
    let (s, u) = store
        .session("b1", now())
        .await
        .expect("read")
        .expect("b's");
    assert_eq!((s.csrf_token.as_str(), u.id), ("csrf-b1", b.id));
    assert_eq!(
        store.user(a.id).await.expect("read").expect("a").role,
        Role::Clearer
    );

    store.set_disabled(b.id, true).await.expect("disable");
    assert!(store.session("b1", now()).await.expect("read").is_none());
    store
        .create_session(session("b2", b.id, 1))
        .await
        .expect("session");
    assert!(
        store.session("b2", now()).await.expect("read").is_none(),
        "a disabled user's session is never found"
    );
    store.set_disabled(b.id, false).await.expect("enable");
    assert!(store.session("b2", now()).await.expect("read").is_some());
}

pub async fn a_session_expires_and_can_be_deleted(store: Arc<dyn AccountStore>) {
    let a = store
        .create_user(new_user("a@example.org", Role::Writer), now())
        .await
        .expect("a");
    store
        .create_session(session("s", a.id, 2))
        .await
        .expect("session");
    let later = now() + SignedDuration::from_mins(30);
    store.touch_session("s", later).await.expect("touch");
    let (s, _) = store
        .session("s", later)
        .await
        .expect("read")
        .expect("live");
    assert_eq!(s.last_seen_at, later);
    let expired = now() + SignedDuration::from_hours(2);
    assert!(store.session("s", expired).await.expect("read").is_none());
    store.delete_session("s").await.expect("delete");
    assert!(store.session("s", now()).await.expect("read").is_none());
}

pub async fn failed_logins_are_counted_within_a_window(store: Arc<dyn AccountStore>) {
    let a = store
        .create_user(new_user("a@example.org", Role::Writer), now())
        .await
        .expect("a");
    for m in [0, 10, 70] {
        store
            .record_login_failure(a.id, now() + SignedDuration::from_mins(m))
            .await
            .expect("record");
    }
    let at = |m| now() + SignedDuration::from_mins(m);
    assert_eq!(store.login_failures_since(a.id, at(0)).await.expect("n"), 3);
    assert_eq!(
        store.login_failures_since(a.id, at(10)).await.expect("n"),
        2
    );
    assert_eq!(
        store.login_failures_since(a.id, at(11)).await.expect("n"),
        1
    );
}

pub async fn a_totp_step_can_be_used_once(store: Arc<dyn AccountStore>) {
    let a = store
        .create_user(new_user("a@example.org", Role::Admin), now())
        .await
        .expect("a");
    assert!(store.use_totp_step(a.id, 100).await.expect("use"));
    assert!(!store.use_totp_step(a.id, 100).await.expect("replay"));
    assert!(!store.use_totp_step(a.id, 99).await.expect("older"));
    assert!(store.use_totp_step(a.id, 101).await.expect("next"));
}

pub async fn an_invitation_is_used_once_and_only_before_it_expires(store: Arc<dyn AccountStore>) {
    let admin = store
        .create_user(new_user("admin@example.org", Role::Admin), now())
        .await
        .expect("admin");
    let inv = |hash: &str| Invitation {
        token_hash: hash.to_owned(),
        email: Email::parse("new@example.org").expect("email"),
        role: Role::Clearer,
        invited_by: admin.id,
        expires_at: now() + SignedDuration::from_hours(72),
    };
    store.create_invitation(inv("i1")).await.expect("invite");
    store.create_invitation(inv("i2")).await.expect("invite");
    assert_eq!(
        store.invitation("i1", now()).await.expect("read"),
        Some(inv("i1"))
    );
    let late = now() + SignedDuration::from_hours(72);
    assert!(store.invitation("i2", late).await.expect("read").is_none());
    assert!(
        store
            .accept_invitation("i2", new_user("new@example.org", Role::Clearer), late)
            .await
            .expect("accept")
            .is_none(),
        "an expired invitation creates nobody"
    );
    let user = store
        .accept_invitation("i1", new_user("new@example.org", Role::Clearer), now())
        .await
        .expect("accept")
        .expect("created");
    assert_eq!(user.role, Role::Clearer);
    assert!(
        store
            .accept_invitation("i1", new_user("other@example.org", Role::Clearer), now())
            .await
            .expect("accept")
            .is_none(),
        "an invitation is used once"
    );
    assert_eq!(store.user_count().await.expect("count"), 2);
}

pub async fn an_api_token_is_found_by_its_hash_until_revoked(store: Arc<dyn AccountStore>) {
    let a = store
        .create_user(new_user("a@example.org", Role::Publisher), now())
        .await
        .expect("a");
    let t = store
        .create_api_token("h1", a.id, "wire service", Role::Writer, now())
        .await
        .expect("token");
    assert_eq!((t.role, t.label.as_str()), (Role::Writer, "wire service"));
    let (found, owner) = store.api_token("h1").await.expect("read").expect("found");
    assert_eq!((found.id, owner.id), (t.id, a.id));
    assert!(store.api_token("h2").await.expect("read").is_none());
    store.set_disabled(a.id, true).await.expect("disable");
    assert!(store.api_token("h1").await.expect("read").is_none());
    store.set_disabled(a.id, false).await.expect("enable");
    store.revoke_api_token(t.id, now()).await.expect("revoke");
    assert!(store.api_token("h1").await.expect("read").is_none());
    let listed = store.api_tokens(Some(a.id)).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(now()));
    assert_eq!(
        store
            .api_token_by_id(t.id)
            .await
            .expect("read")
            .map(|t| t.id),
        Some(t.id)
    );
    assert_eq!(store.api_tokens(None).await.expect("all").len(), 1);
}

pub async fn the_audit_log_keeps_every_line_in_order(store: Arc<dyn AccountStore>) {
    let a = store
        .create_user(new_user("a@example.org", Role::Admin), now())
        .await
        .expect("a");
    let event = |action: &str, actor| AuditEvent {
        at: now(),
        actor,
        actor_label: "a@example.org".to_owned(),
        action: action.to_owned(),
        subject: "user 2".to_owned(),
        address: "127.0.0.1".to_owned(),
    };
    let s1 = store
        .append_audit(event("login.failed", None))
        .await
        .expect("append");
    let s2 = store
        .append_audit(event("user.invited", Some(a.id)))
        .await
        .expect("append");
    assert!(s2 > s1);
    let all = store.audit_after(0, 10).await.expect("read");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].event, event("login.failed", None));
    assert_eq!(all[1].event, event("user.invited", Some(a.id)));
    assert_eq!(store.audit_after(s1, 10).await.expect("read").len(), 1);
    let latest = store.audit_latest(1).await.expect("read");
    assert_eq!(latest[0].seq, s2);
}
