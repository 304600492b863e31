//! The role x action matrix: every newsroom action, through the pages and
//! through the JSON API, tried by anonymous, writer, clearer, publisher and
//! admin against a fresh release in the state the action needs. The table
//! below says who may do what; the test asserts that nobody succeeds beyond
//! it, that everyone it allows does succeed, that an allowed request really
//! changed the release (or the settings), that a refused one changed
//! nothing, and that every success lands in the audit log under its actor.

use jiff::SignedDuration;
use pressroom_domain::workflow::transition;
use pressroom_domain::{
    Action, Actor, Body, Clock, Issuer, Kind, Language, ReleaseContent, ReleaseDate, ReleaseId,
    Role, Status, Title, WorkflowSettings,
};
use pressroom_newsroom::AccountAction;
use pressroom_newsroom::workflow;
use pressroom_testkit::{NewsroomSession, StaffUser, TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Which door a request comes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    Page,
    Api,
}

/// One thing to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The account and administration pages (users, invitations, roles,
    /// disabling, tokens, audit).
    Account(AccountAction),
    ViewSettings,
    SaveSettings,
    NewDraft,
    ViewRelease,
    ListReleases,
    /// A workflow action on a release someone else wrote.
    Others(Action),
    /// A workflow action on the actor's own draft.
    Own(Action),
    IssuePreviewLink,
    /// Revoking a preview link another publisher issued.
    RevokePreviewLink,
    ListPreviewLinks,
    ViewPreviewAccesses,
    WhoAmI,
    ExportAudit,
    /// Enabling a disabled user (the other half of `DisableUser`).
    EnableUser,
    /// The editor's preview of the public page.
    EditorPreview,
    /// One's own API tokens (an admin's lists everyone's).
    ListTokens,
}

const W: usize = 0;
const C: usize = 1;
const P: usize = 2;
const A: usize = 3;

/// Who may: [writer, clearer, publisher, admin]; anonymous never may.
/// Written out by hand, independently of the code under test.
const TABLE: &[(Door, Op, [bool; 4])] = {
    use Action::*;
    use Door::*;
    use Op::*;
    const ALL: [bool; 4] = [true, true, true, true];
    const CLEARERS: [bool; 4] = [false, true, true, true];
    const PUBLISHERS: [bool; 4] = [false, false, true, true];
    const ADMIN: [bool; 4] = [false, false, false, true];
    &[
        (Page, Account(AccountAction::ViewDashboard), ALL),
        (Page, Account(AccountAction::ViewUsers), ADMIN),
        (Page, Account(AccountAction::InviteUser), ADMIN),
        (Page, Account(AccountAction::ChangeRole), ADMIN),
        (Page, Account(AccountAction::DisableUser), ADMIN),
        (Page, Account(AccountAction::ViewAudit), ADMIN),
        (Page, Account(AccountAction::ExportAudit), ADMIN),
        (Page, Account(AccountAction::CreateApiToken), ALL),
        // Someone else's token: an admin's to revoke.
        (Page, Account(AccountAction::RevokeApiToken), ADMIN),
        (Page, ViewSettings, ADMIN),
        (Page, SaveSettings, ADMIN),
        (Page, NewDraft, ALL),
        (Page, ViewRelease, ALL),
        (Page, Own(Edit), ALL),
        (Page, Own(Submit), ALL),
        (Page, Others(Edit), CLEARERS),
        (Page, Others(Submit), CLEARERS),
        (Page, Others(Approve), CLEARERS),
        (Page, Others(Return), CLEARERS),
        (Page, Others(Schedule), PUBLISHERS),
        (Page, Others(Embargo), PUBLISHERS),
        (Page, Others(Unschedule), PUBLISHERS),
        (Page, Others(Publish), PUBLISHERS),
        (Page, Others(Correct), PUBLISHERS),
        (Page, Others(Withdraw), PUBLISHERS),
        (Page, IssuePreviewLink, PUBLISHERS),
        (Page, RevokePreviewLink, PUBLISHERS),
        (Page, EnableUser, ADMIN),
        (Page, EditorPreview, ALL),
        (Api, WhoAmI, ALL),
        (Api, ExportAudit, ADMIN),
        (Api, ViewSettings, ADMIN),
        (Api, SaveSettings, ADMIN),
        (Api, NewDraft, ALL),
        (Api, ViewRelease, ALL),
        (Api, ListReleases, ALL),
        (Api, Own(Edit), ALL),
        (Api, Own(Submit), ALL),
        (Api, Others(Edit), CLEARERS),
        (Api, Others(Submit), CLEARERS),
        (Api, Others(Approve), CLEARERS),
        (Api, Others(Return), CLEARERS),
        (Api, Others(Schedule), PUBLISHERS),
        (Api, Others(Embargo), PUBLISHERS),
        (Api, Others(Unschedule), PUBLISHERS),
        (Api, Others(Publish), PUBLISHERS),
        (Api, Others(Correct), PUBLISHERS),
        (Api, Others(Withdraw), PUBLISHERS),
        (Api, IssuePreviewLink, PUBLISHERS),
        (Api, ViewPreviewAccesses, PUBLISHERS),
        (Api, ListPreviewLinks, PUBLISHERS),
        (Api, RevokePreviewLink, PUBLISHERS),
        (Api, Account(AccountAction::ViewUsers), ADMIN),
        (Api, Account(AccountAction::InviteUser), ADMIN),
        (Api, Account(AccountAction::ChangeRole), ADMIN),
        (Api, Account(AccountAction::DisableUser), ADMIN),
        (Api, EnableUser, ADMIN),
        (Api, ListTokens, ALL),
        (Api, Account(AccountAction::CreateApiToken), ALL),
        (Api, Account(AccountAction::RevokeApiToken), ADMIN),
    ]
};

fn role_index(role: Role) -> usize {
    match role {
        Role::Writer => W,
        Role::Clearer => C,
        Role::Publisher => P,
        Role::Admin => A,
    }
}

#[test]
fn the_table_agrees_with_the_least_role_of_every_workflow_action() {
    for action in Action::ALL {
        for door in [Door::Page, Door::Api] {
            // On one's own draft, or on anyone's release for clearing and
            // publishing, the table is exactly `least_role`.
            let op = match action {
                Action::Edit | Action::Submit => Op::Own(action),
                other => Op::Others(other),
            };
            let row = TABLE
                .iter()
                .find(|(d, o, _)| *d == door && *o == op)
                .unwrap_or_else(|| panic!("{door:?} {op:?} is in the table"));
            for role in Role::ALL {
                assert_eq!(
                    row.2[role_index(role)],
                    role >= action.least_role(),
                    "{door:?} {action} by {role}"
                );
            }
            // Someone else's draft is a clearer's at least.
            if matches!(action, Action::Edit | Action::Submit) {
                assert!(
                    TABLE
                        .iter()
                        .any(|(d, o, _)| *d == door && *o == Op::Others(action))
                );
            }
        }
    }
    for action in AccountAction::ALL {
        assert!(
            TABLE
                .iter()
                .any(|(d, o, _)| *d == Door::Page && *o == Op::Account(action)),
            "{action:?} is in the table"
        );
        // Through the API too, but for the pages that are only pages (the
        // dashboard, the audit page; the export is `Op::ExportAudit`).
        let page_only = matches!(
            action,
            AccountAction::ViewDashboard | AccountAction::ViewAudit | AccountAction::ExportAudit
        );
        assert_eq!(
            TABLE
                .iter()
                .any(|(d, o, _)| *d == Door::Api && *o == Op::Account(action)),
            !page_only,
            "{action:?} through the API is in the table"
        );
        // The same rule whichever door.
        for door in [Door::Page, Door::Api] {
            if let Some(row) = TABLE
                .iter()
                .find(|(d, o, _)| *d == door && *o == Op::Account(action))
            {
                for role in Role::ALL {
                    let own_token = action == AccountAction::RevokeApiToken;
                    if !own_token {
                        assert_eq!(
                            row.2[role_index(role)],
                            action.allowed(role),
                            "{door:?} {action:?} by {role}"
                        );
                    }
                }
            }
        }
    }
}

/// Every route the matrix tries, as `router.rs` writes it.
const TRIED: &[&str] = &[
    "/newsroom",
    "/newsroom/users",
    "/newsroom/users/invitations",
    "/newsroom/users/{id}/role",
    "/newsroom/users/{id}/disable",
    "/newsroom/users/{id}/enable",
    "/newsroom/tokens",
    "/newsroom/tokens/{id}/revoke",
    "/newsroom/audit",
    "/newsroom/audit.jsonl",
    "/newsroom/releases/new",
    "/newsroom/releases/preview",
    "/newsroom/releases/{id}",
    "/newsroom/releases/{id}/submit",
    "/newsroom/releases/{id}/approve",
    "/newsroom/releases/{id}/return",
    "/newsroom/releases/{id}/schedule",
    "/newsroom/releases/{id}/embargo",
    "/newsroom/releases/{id}/unschedule",
    "/newsroom/releases/{id}/publish",
    "/newsroom/releases/{id}/correct",
    "/newsroom/releases/{id}/withdraw",
    "/newsroom/releases/{id}/preview-links",
    "/newsroom/releases/{id}/preview-links/{link}/revoke",
    "/newsroom/settings",
    "/api/newsroom/me",
    "/api/newsroom/audit",
    "/api/newsroom/releases",
    "/api/newsroom/releases/{id}",
    "/api/newsroom/releases/{id}/submit",
    "/api/newsroom/releases/{id}/approve",
    "/api/newsroom/releases/{id}/return",
    "/api/newsroom/releases/{id}/schedule",
    "/api/newsroom/releases/{id}/embargo",
    "/api/newsroom/releases/{id}/unschedule",
    "/api/newsroom/releases/{id}/publish",
    "/api/newsroom/releases/{id}/correct",
    "/api/newsroom/releases/{id}/withdraw",
    "/api/newsroom/releases/{id}/preview-links",
    "/api/newsroom/releases/{id}/preview-links/{link}/revoke",
    "/api/newsroom/releases/{id}/preview-accesses",
    "/api/newsroom/settings",
    "/api/newsroom/users",
    "/api/newsroom/users/invitations",
    "/api/newsroom/users/{id}/role",
    "/api/newsroom/users/{id}/disable",
    "/api/newsroom/users/{id}/enable",
    "/api/newsroom/tokens",
    "/api/newsroom/tokens/{id}/revoke",
];

/// Routes that are no role's action: signing in and out, accepting an
/// invitation (before one has an account) and the editor's script.
const NOT_ROLE_ACTIONS: &[&str] = &[
    "/newsroom/login",
    "/newsroom/logout",
    "/newsroom/invitations/{token}",
    "/newsroom/static/editor.js",
];

#[test]
fn the_matrix_tries_every_newsroom_and_newsroom_api_route_of_the_router() {
    let router = include_str!("../../src/router.rs");
    let routes: Vec<&str> = router
        .split('"')
        .filter(|s| s.starts_with("/newsroom") || s.starts_with("/api/newsroom"))
        .collect();
    assert!(routes.len() > 40, "router.rs read: {routes:?}");
    for route in &routes {
        assert!(
            TRIED.contains(route) || NOT_ROLE_ACTIONS.contains(route),
            "{route} is a newsroom route the matrix does not try"
        );
    }
    for tried in TRIED {
        assert!(routes.contains(tried), "{tried} is not a route any more");
    }
}

fn content(title: &str) -> ReleaseContent {
    ReleaseContent {
        title: Title::parse(title).expect("title"),
        kind: Some(Kind::parse("Readout").expect("kind")),
        issuer: Some(Issuer::parse("Office of the Spokesperson").expect("issuer")),
        dateline: None,
        date: ReleaseDate::parse_iso("2026-06-01").expect("date"),
        attribution: None,
        body: Body::from_markdown("Original text.").expect("body"),
        language: Language::default(),
    }
}

/// The status a release must be in for `action`, and the one it goes to.
fn statuses(action: Action) -> (Status, Status) {
    let from = match action {
        Action::Edit | Action::Submit => Status::Draft,
        Action::Approve | Action::Return => Status::InClearance,
        Action::Schedule | Action::Embargo | Action::Publish => Status::Approved,
        Action::Unschedule => Status::Scheduled,
        Action::Correct | Action::Withdraw => Status::Published,
    };
    let to = transition(
        from,
        action,
        Role::Admin,
        true,
        &WorkflowSettings::default(),
    )
    .or_else(|_| {
        transition(
            from,
            action,
            Role::Admin,
            false,
            &WorkflowSettings::default(),
        )
    })
    .expect("the action applies");
    (from, to)
}

/// The people who prepare fixtures.
struct Crew {
    author: Actor,
    clearer: Actor,
    publisher: Actor,
    /// Whose role admins change and whom they disable.
    victim: StaffUser,
    /// Whose API token admins revoke (not the disabled victim: a disabled
    /// user holds no working token).
    token_owner: StaffUser,
}

/// A fresh release written by `author` (the crew's writer unless given),
/// taken through the workflow to `status`.
async fn release_in(
    app: &TestApp,
    crew: &Crew,
    author: Actor,
    status: Status,
    n: usize,
) -> ReleaseId {
    let store = app.store.as_ref();
    let clock = app.clock.as_ref();
    let r = workflow::create_draft(
        store,
        clock,
        author,
        content(&format!("Matrix release {n}")),
    )
    .await
    .expect("draft");
    let id = r.id;
    if status == Status::Draft {
        return id;
    }
    workflow::submit(store, clock, crew.clearer, id)
        .await
        .expect("submit");
    if status == Status::InClearance {
        return id;
    }
    workflow::approve(store, clock, crew.clearer, id, None)
        .await
        .expect("approve");
    match status {
        Status::Approved => {}
        Status::Scheduled => {
            workflow::schedule(store, clock, crew.publisher, id, later(app))
                .await
                .expect("schedule");
        }
        Status::Embargoed => {
            workflow::embargo(store, clock, crew.publisher, id, later(app))
                .await
                .expect("embargo");
        }
        Status::Published => {
            workflow::publish_now(store, clock, crew.publisher, id)
                .await
                .expect("publish");
        }
        other => panic!("no fixture for {other}"),
    }
    id
}

fn later(app: &TestApp) -> jiff::Timestamp {
    app.clock
        .now()
        .checked_add(SignedDuration::from_hours(48))
        .expect("in range")
}

/// A signed-in role: its user, browser session and API token.
struct Member {
    user: StaffUser,
    session: NewsroomSession,
    token: String,
}

fn actor_of(user: &StaffUser) -> Actor {
    Actor {
        user_id: user.id.0,
        role: user.role,
    }
}

/// A fresh API token of `owner`: its id.
async fn token_of(app: &TestApp, owner: &StaffUser) -> i64 {
    let actor = pressroom_newsroom::Actor {
        user: owner.id,
        role: owner.role,
        email: pressroom_domain::Email::parse(&owner.email).expect("email"),
    };
    app.accounts()
        .create_api_token(&actor, "someone else's", Role::Writer, "test")
        .await
        .expect("token")
        .record
        .id
        .0
}

fn form_fields(action: Action) -> Vec<(&'static str, String)> {
    match action {
        Action::Edit | Action::Correct => vec![
            ("title", "Matrix release corrected".to_owned()),
            ("kind", "Readout".to_owned()),
            ("issuer", "Office of the Spokesperson".to_owned()),
            ("date", "2026-06-01".to_owned()),
            ("body", "Changed text.".to_owned()),
            ("change_note", "A name was misspelled.".to_owned()),
        ],
        Action::Approve => vec![("comment", "Fine.".to_owned())],
        Action::Return => vec![("comments", "Shorter, please.".to_owned())],
        Action::Withdraw => vec![("reason", "Issued in error.".to_owned())],
        Action::Schedule | Action::Embargo => {
            vec![
                ("at", "2030-01-01T09:30".to_owned()),
                ("zone", "Europe/Brussels".to_owned()),
            ]
        }
        _ => Vec::new(),
    }
}

fn json_body(action: Action) -> serde_json::Value {
    match action {
        Action::Edit | Action::Correct => json!({
            "title": "Matrix release corrected",
            "kind": "Readout",
            "issuer": "Office of the Spokesperson",
            "date": "2026-06-01",
            "body": "Changed text.",
            "change_note": "A name was misspelled."
        }),
        Action::Approve => json!({ "comment": "Fine." }),
        Action::Return => json!({ "comments": "Shorter, please." }),
        Action::Withdraw => json!({ "reason": "Issued in error." }),
        Action::Schedule | Action::Embargo => json!({ "at": "2030-01-01T09:30:00+01:00" }),
        _ => json!({}),
    }
}

fn segment(action: Action) -> &'static str {
    match action {
        Action::Edit => "",
        other => other.as_str(),
    }
}

async fn page_post(
    app: &TestApp,
    who: Option<&Member>,
    path: &str,
    fields: &[(&str, String)],
) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = Vec::new();
    if let Some(m) = who {
        all.push(("csrf", m.session.csrf.as_str()));
    }
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    app.post_form_raw(who.map(|m| &m.session), path, &all, "same-origin")
        .await
}

async fn page_get(app: &TestApp, who: Option<&Member>, path: &str) -> reqwest::Response {
    match who {
        Some(m) => app.get_as(&m.session, path).await,
        None => app.get(path).await,
    }
}

async fn api(
    app: &TestApp,
    who: Option<&Member>,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, format!("{}{path}", app.address));
    if let Some(m) = who {
        req = req.bearer_auth(&m.token);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request succeeds")
}

/// What a request is expected to have changed, checked after it.
enum Effect {
    /// The release is now in this status (and was in `from` before).
    Release {
        id: ReleaseId,
        from: Status,
        to: Status,
    },
    /// The number of releases grew by one.
    NewRelease {
        before: usize,
    },
    Settings,
    /// Nothing to check beyond the answer (reads).
    Read,
    /// A state change the audit log records (accounts, tokens, links).
    Audited,
    /// This preview link of this release is revoked (and was not before).
    PreviewLink {
        id: ReleaseId,
        link: i64,
    },
}

async fn count(app: &TestApp) -> usize {
    app.store
        .batch_after(None, 10_000)
        .await
        .expect("releases")
        .len()
}

async fn status_of(app: &TestApp, id: ReleaseId) -> Status {
    app.store
        .get(id)
        .await
        .expect("read")
        .expect("exists")
        .status
}

/// Tries `op` through `door` as `who`; returns the answer's status and what
/// to check afterwards.
#[allow(clippy::too_many_lines)]
async fn attempt(
    app: &TestApp,
    crew: &Crew,
    door: Door,
    op: Op,
    who: Option<&Member>,
    n: usize,
) -> (StatusCode, Option<String>, Effect) {
    let res;
    let effect;
    match (door, op) {
        (Door::Page, Op::Account(action)) => {
            effect = match action {
                AccountAction::ViewDashboard
                | AccountAction::ViewUsers
                | AccountAction::ViewAudit => Effect::Read,
                _ => Effect::Audited,
            };
            res = match action {
                AccountAction::ViewDashboard => page_get(app, who, "/newsroom").await,
                AccountAction::ViewUsers => page_get(app, who, "/newsroom/users").await,
                AccountAction::ViewAudit => page_get(app, who, "/newsroom/audit").await,
                AccountAction::ExportAudit => page_get(app, who, "/newsroom/audit.jsonl").await,
                AccountAction::InviteUser => {
                    let email = format!("invitee{n}@example.org");
                    page_post(
                        app,
                        who,
                        "/newsroom/users/invitations",
                        &[("email", email), ("role", "writer".to_owned())],
                    )
                    .await
                }
                AccountAction::ChangeRole => {
                    let role = if n.is_multiple_of(2) {
                        "clearer"
                    } else {
                        "writer"
                    };
                    page_post(
                        app,
                        who,
                        &format!("/newsroom/users/{}/role", crew.victim.id),
                        &[("role", role.to_owned())],
                    )
                    .await
                }
                AccountAction::DisableUser => {
                    page_post(
                        app,
                        who,
                        &format!("/newsroom/users/{}/disable", crew.victim.id),
                        &[],
                    )
                    .await
                }
                AccountAction::CreateApiToken => {
                    page_post(
                        app,
                        who,
                        "/newsroom/tokens",
                        &[
                            ("label", "matrix".to_owned()),
                            ("role", "writer".to_owned()),
                        ],
                    )
                    .await
                }
                AccountAction::RevokeApiToken => {
                    // Someone else's token (the disabled victim can hold none).
                    let theirs = token_of(app, &crew.token_owner).await;
                    page_post(app, who, &format!("/newsroom/tokens/{theirs}/revoke"), &[]).await
                }
            };
        }
        (_, Op::ViewSettings) => {
            effect = Effect::Read;
            res = match door {
                Door::Page => page_get(app, who, "/newsroom/settings").await,
                Door::Api => api(app, who, Method::GET, "/api/newsroom/settings", None).await,
            };
        }
        (_, Op::SaveSettings) => {
            effect = Effect::Settings;
            res = match door {
                Door::Page => {
                    page_post(
                        app,
                        who,
                        "/newsroom/settings",
                        &[("allow_skip_clearance", "on".to_owned())],
                    )
                    .await
                }
                Door::Api => {
                    api(
                        app,
                        who,
                        Method::PUT,
                        "/api/newsroom/settings",
                        Some(json!({ "allow_skip_clearance": true })),
                    )
                    .await
                }
            };
        }
        (_, Op::NewDraft) => {
            effect = Effect::NewRelease {
                before: count(app).await,
            };
            res = match door {
                Door::Page => {
                    let mut fields = form_fields(Action::Edit);
                    fields.pop();
                    page_post(app, who, "/newsroom/releases/new", &fields).await
                }
                Door::Api => {
                    api(
                        app,
                        who,
                        Method::POST,
                        "/api/newsroom/releases",
                        Some(json!({
                            "title": "Made through the API",
                            "kind": "Readout",
                            "issuer": "Office of the Spokesperson",
                            "date": "2026-06-02",
                            "body": "Text."
                        })),
                    )
                    .await
                }
            };
        }
        (_, Op::ViewRelease) => {
            let id = release_in(app, crew, crew.author, Status::Draft, n).await;
            effect = Effect::Read;
            res = match door {
                Door::Page => page_get(app, who, &format!("/newsroom/releases/{id}")).await,
                Door::Api => {
                    api(
                        app,
                        who,
                        Method::GET,
                        &format!("/api/newsroom/releases/{id}"),
                        None,
                    )
                    .await
                }
            };
        }
        (_, Op::ListReleases) => {
            effect = Effect::Read;
            res = api(
                app,
                who,
                Method::GET,
                "/api/newsroom/releases?limit=5",
                None,
            )
            .await;
        }
        (_, Op::WhoAmI) => {
            effect = Effect::Read;
            res = api(app, who, Method::GET, "/api/newsroom/me", None).await;
        }
        (_, Op::ExportAudit) => {
            effect = Effect::Audited;
            res = api(app, who, Method::GET, "/api/newsroom/audit", None).await;
        }
        (_, Op::Own(action) | Op::Others(action)) => {
            let author = match (op, who) {
                (Op::Own(_), Some(m)) => actor_of(&m.user),
                _ => crew.author,
            };
            let (from, to) = statuses(action);
            let id = release_in(app, crew, author, from, n).await;
            effect = Effect::Release { id, from, to };
            res = match door {
                Door::Page => {
                    let seg = segment(action);
                    let path = if seg.is_empty() {
                        format!("/newsroom/releases/{id}")
                    } else {
                        format!("/newsroom/releases/{id}/{seg}")
                    };
                    page_post(app, who, &path, &form_fields(action)).await
                }
                Door::Api => {
                    let seg = segment(action);
                    let (method, path) = if seg.is_empty() {
                        (Method::PUT, format!("/api/newsroom/releases/{id}"))
                    } else {
                        (Method::POST, format!("/api/newsroom/releases/{id}/{seg}"))
                    };
                    api(app, who, method, &path, Some(json_body(action))).await
                }
            };
        }
        (_, Op::IssuePreviewLink) => {
            let id = release_in(app, crew, crew.author, Status::Embargoed, n).await;
            effect = Effect::Audited;
            res = match door {
                Door::Page => {
                    page_post(
                        app,
                        who,
                        &format!("/newsroom/releases/{id}/preview-links"),
                        &[
                            ("journalist", "A. Reporter, Daily".to_owned()),
                            ("days", "3".to_owned()),
                        ],
                    )
                    .await
                }
                Door::Api => {
                    api(
                        app,
                        who,
                        Method::POST,
                        &format!("/api/newsroom/releases/{id}/preview-links"),
                        Some(json!({ "journalist": "A. Reporter, Daily", "valid_days": 3 })),
                    )
                    .await
                }
            };
        }
        (_, Op::ViewPreviewAccesses) => {
            let id = release_in(app, crew, crew.author, Status::Embargoed, n).await;
            effect = Effect::Read;
            res = api(
                app,
                who,
                Method::GET,
                &format!("/api/newsroom/releases/{id}/preview-accesses"),
                None,
            )
            .await;
        }
        (Door::Api, Op::Account(action)) => {
            effect = match action {
                AccountAction::ViewUsers => Effect::Read,
                _ => Effect::Audited,
            };
            res = match action {
                AccountAction::ViewUsers => {
                    api(app, who, Method::GET, "/api/newsroom/users", None).await
                }
                AccountAction::InviteUser => api(
                    app,
                    who,
                    Method::POST,
                    "/api/newsroom/users/invitations",
                    Some(
                        json!({ "email": format!("api-invitee{n}@example.org"), "role": "writer" }),
                    ),
                )
                .await,
                AccountAction::ChangeRole => {
                    let role = if n.is_multiple_of(2) {
                        "clearer"
                    } else {
                        "writer"
                    };
                    api(
                        app,
                        who,
                        Method::POST,
                        &format!("/api/newsroom/users/{}/role", crew.victim.id),
                        Some(json!({ "role": role })),
                    )
                    .await
                }
                AccountAction::DisableUser => {
                    api(
                        app,
                        who,
                        Method::POST,
                        &format!("/api/newsroom/users/{}/disable", crew.victim.id),
                        None,
                    )
                    .await
                }
                AccountAction::CreateApiToken => {
                    api(
                        app,
                        who,
                        Method::POST,
                        "/api/newsroom/tokens",
                        Some(json!({ "label": "matrix", "role": "writer" })),
                    )
                    .await
                }
                AccountAction::RevokeApiToken => {
                    let theirs = token_of(app, &crew.token_owner).await;
                    api(
                        app,
                        who,
                        Method::POST,
                        &format!("/api/newsroom/tokens/{theirs}/revoke"),
                        None,
                    )
                    .await
                }
                other => unreachable!("{other:?} is a page only"),
            };
        }
        (_, Op::EnableUser) => {
            effect = Effect::Audited;
            let path = format!("/newsroom/users/{}/enable", crew.victim.id);
            res = match door {
                Door::Page => page_post(app, who, &path, &[]).await,
                Door::Api => api(app, who, Method::POST, &format!("/api{path}"), None).await,
            };
        }
        (_, Op::ListTokens) => {
            effect = Effect::Read;
            res = api(app, who, Method::GET, "/api/newsroom/tokens", None).await;
        }
        (_, Op::EditorPreview) => {
            effect = Effect::Read;
            let mut fields = form_fields(Action::Edit);
            fields.pop();
            res = page_post(app, who, "/newsroom/releases/preview", &fields).await;
        }
        (_, Op::ListPreviewLinks) => {
            let id = release_in(app, crew, crew.author, Status::Embargoed, n).await;
            effect = Effect::Read;
            res = api(
                app,
                who,
                Method::GET,
                &format!("/api/newsroom/releases/{id}/preview-links"),
                None,
            )
            .await;
        }
        (_, Op::RevokePreviewLink) => {
            let id = release_in(app, crew, crew.author, Status::Embargoed, n).await;
            let issued = workflow::create_preview_link(
                app.store.as_ref(),
                app.clock.as_ref(),
                crew.publisher,
                id,
                "A. Reporter, Daily",
                std::time::Duration::from_secs(3600),
            )
            .await
            .expect("link");
            effect = Effect::PreviewLink {
                id,
                link: issued.link.id,
            };
            let path = format!(
                "/newsroom/releases/{id}/preview-links/{}/revoke",
                issued.link.id
            );
            res = match door {
                Door::Page => page_post(app, who, &path, &[]).await,
                Door::Api => api(app, who, Method::POST, &format!("/api{path}"), None).await,
            };
        }
    }
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (res.status(), location, effect)
}

#[tokio::test]
async fn no_role_succeeds_beyond_its_role_at_any_newsroom_page_or_api_action_and_every_role_does_what_it_should()
 {
    let app = spawn_app().await;
    let crew_users = [
        app.add_user("author@example.org", Role::Writer).await,
        app.add_user("crew-clearer@example.org", Role::Clearer)
            .await,
        app.add_user("crew-publisher@example.org", Role::Publisher)
            .await,
    ];
    let crew = Crew {
        author: actor_of(&crew_users[0]),
        clearer: actor_of(&crew_users[1]),
        publisher: actor_of(&crew_users[2]),
        victim: app.add_user("victim@example.org", Role::Writer).await,
        token_owner: crew_users[0].clone(),
    };
    let mut members = Vec::new();
    for role in Role::ALL {
        let user = app.add_user(&format!("{role}@example.org"), role).await;
        let session = app.login(&user).await;
        let token = app
            .accounts()
            .create_api_token(
                &pressroom_newsroom::Actor {
                    user: user.id,
                    role,
                    email: pressroom_domain::Email::parse(&user.email).expect("email"),
                },
                "matrix",
                role,
                "test",
            )
            .await
            .expect("token")
            .token;
        members.push(Member {
            user,
            session,
            token,
        });
    }

    let mut failures = Vec::new();
    let mut n = 0;
    for (door, op, allowed) in TABLE {
        for who in std::iter::once(None).chain(members.iter().map(Some)) {
            n += 1;
            // Each try starts from the strict default settings.
            app.store
                .set_workflow_settings(WorkflowSettings::default(), app.clock.now())
                .await
                .expect("settings");
            let expected = who.is_some_and(|m| allowed[role_index(m.user.role)]);
            let label = format!(
                "{door:?} {op:?} by {}",
                who.map_or("anonymous".to_owned(), |m| m.user.role.to_string())
            );
            let audit_before = app
                .accounts
                .audit_after(0, 100_000)
                .await
                .expect("audit")
                .len();
            let (status, location, effect) = attempt(&app, &crew, *door, *op, who, n).await;
            let to_login = location.as_deref() == Some("/newsroom/login");
            let succeeded = status.is_success() || (status.is_redirection() && !to_login);
            if status.is_server_error() {
                failures.push(format!("{label}: server error {status}"));
                continue;
            }
            if succeeded != expected {
                failures.push(format!(
                    "{label}: answered {status}, expected allowed={expected}"
                ));
                continue;
            }
            if !succeeded {
                let fine = match who {
                    None => status == StatusCode::UNAUTHORIZED || to_login,
                    Some(_) => matches!(
                        status,
                        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::CONFLICT
                    ),
                };
                if !fine {
                    failures.push(format!("{label}: refused with {status}"));
                }
            }
            // What the request did to the state.
            let changed = match effect {
                Effect::Release { id, from, to } => {
                    let now = status_of(&app, id).await;
                    if succeeded { now == to } else { now == from }
                }
                Effect::NewRelease { before } => {
                    count(&app).await == before + usize::from(succeeded)
                }
                Effect::Settings => {
                    let s = app.store.workflow_settings().await.expect("settings");
                    s.allow_skip_clearance == succeeded
                }
                Effect::PreviewLink { id, link } => {
                    let links = app.store.preview_links(id).await.expect("links");
                    let revoked = links
                        .iter()
                        .any(|l| l.link.id == link && l.revoked_at.is_some());
                    revoked == succeeded
                }
                Effect::Read | Effect::Audited => true,
            };
            if !changed {
                failures.push(format!(
                    "{label}: the state does not match the answer {status}"
                ));
            }
            // Every success that changes something is in the audit log
            // under its actor; nothing is logged as done when refused.
            let log = app.accounts.audit_after(0, 100_000).await.expect("audit");
            let done: Vec<_> = log[audit_before..]
                .iter()
                .filter(|r| {
                    who.is_some_and(|m| r.event.actor == Some(m.user.id))
                        && !r.event.action.ends_with(".refused")
                        && r.event.action != "audit.exported"
                })
                .collect();
            let mutating = !matches!(effect, Effect::Read)
                && !matches!(
                    op,
                    Op::Account(AccountAction::ExportAudit) | Op::ExportAudit
                );
            if mutating && succeeded && done.is_empty() {
                failures.push(format!("{label}: succeeded but is not in the audit log"));
            }
            if !succeeded && !done.is_empty() {
                failures.push(format!("{label}: refused but logged as done: {done:?}"));
            }
            if mutating
                && succeeded
                && done
                    .iter()
                    .any(|r| r.event.address.is_empty() || r.event.address == "unknown")
            {
                failures.push(format!("{label}: logged without the client's address"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{failures:#?}",
        failures.len()
    );
}
