//! The newsroom's release pages, dashboard, settings and JSON API over real
//! HTTP: a release taken through every workflow action by the roles that
//! may, with only their buttons shown and refusals beside the form.

use jiff::SignedDuration;
use pressroom_domain::{Clock, ReleaseId, Role, Status};
use pressroom_newsroom::workflow;
use pressroom_testkit::{HtmlPage, NewsroomSession, StaffUser, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

async fn staff(app: &TestApp, role: Role) -> (StaffUser, NewsroomSession) {
    let user = app.add_user(&format!("{role}@example.org"), role).await;
    let session = app.login(&user).await;
    (user, session)
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn page(app: &TestApp, s: &NewsroomSession, path: &str) -> HtmlPage {
    let res = app.get_as(s, path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    HtmlPage::parse(&res.text().await.expect("body"))
}

/// The actions whose forms the page offers, by name.
fn offered(p: &HtmlPage) -> Vec<String> {
    p.attrs("form.action", "class")
        .iter()
        .filter_map(|c| c.split(' ').find_map(|w| w.strip_prefix("action-")))
        .map(str::to_owned)
        .collect()
}

async fn status_of(app: &TestApp, id: ReleaseId) -> Status {
    app.store
        .get(id)
        .await
        .expect("read")
        .expect("exists")
        .status
}

const FIELDS: [(&str, &str); 5] = [
    ("title", "Statement on the Harbour Agreement"),
    ("kind", "Press Statement"),
    ("issuer", "Office of the Spokesperson"),
    ("date", "2026-06-01"),
    ("body", "The agreement was *signed* today."),
];

#[tokio::test]
async fn a_release_goes_from_draft_to_withdrawn_through_its_page_offering_each_role_only_its_actions()
 {
    let app = spawn_app().await;
    let (_, writer) = staff(&app, Role::Writer).await;
    let (_, clearer) = staff(&app, Role::Clearer).await;
    let (_, publisher) = staff(&app, Role::Publisher).await;

    let made = app
        .post_form(&writer, "/newsroom/releases/new", &FIELDS)
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let href = location(&made);
    let id = ReleaseId(
        href.rsplit('/')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("the new release's page"),
    );
    let p = page(&app, &writer, &href).await;
    assert_eq!(p.text("h1"), FIELDS[0].1);
    assert_eq!(offered(&p), ["submit"], "a writer's draft: submit only");
    assert!(
        p.source.contains("data-unsaved-warning"),
        "the editor warns on leaving"
    );
    assert!(p.source.contains("/newsroom/static/editor.js"));

    // Saving with a wrong field: the message is beside it, nothing saved.
    let bad = app
        .post_form(&writer, &href, &[("title", ""), ("date", "June 1")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = HtmlPage::parse(&bad.text().await.expect("body"));
    assert!(!bad.text("#f-title-error").is_empty());
    assert!(!bad.text("#f-date-error").is_empty());

    // A clearer cannot approve a draft: refused beside the form, not a 500.
    let early = app
        .post_form(&clearer, &format!("{href}/approve"), &[])
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let early = HtmlPage::parse(&early.text().await.expect("body"));
    assert!(
        early
            .text("#refusal")
            .contains("cannot approve a release that is draft"),
        "{}",
        early.text("main")
    );

    let sent = app.post_form(&writer, &format!("{href}/submit"), &[]).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, Status::InClearance);
    assert!(offered(&page(&app, &writer, &href).await).is_empty());
    assert_eq!(
        offered(&page(&app, &clearer, &href).await),
        ["approve", "return"]
    );

    // Returning needs comments; they are kept in the history.
    let empty = app
        .post_form(&clearer, &format!("{href}/return"), &[("comments", " ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let empty = HtmlPage::parse(&empty.text().await.expect("body"));
    assert!(empty.text("#return-error").contains("must not be empty"));
    app.post_form(
        &clearer,
        &format!("{href}/return"),
        &[("comments", "Name the harbour.")],
    )
    .await;
    assert_eq!(status_of(&app, id).await, Status::Draft);
    assert!(
        page(&app, &writer, &href)
            .await
            .text("#events")
            .contains("Name the harbour.")
    );

    app.post_form(&writer, &format!("{href}/submit"), &[]).await;
    let ok = app
        .post_form(
            &clearer,
            &format!("{href}/approve"),
            &[("comment", "Good.")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, Status::Approved);
    assert!(offered(&page(&app, &clearer, &href).await).is_empty());
    assert_eq!(
        offered(&page(&app, &publisher, &href).await),
        ["schedule", "embargo", "publish"]
    );

    // A time in a zone; a zone that does not exist is named.
    let wrong = app
        .post_form(
            &publisher,
            &format!("{href}/schedule"),
            &[("at", "2030-01-01T09:00"), ("zone", "Mars/Base")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = HtmlPage::parse(&wrong.text().await.expect("body"));
    assert!(wrong.text("#schedule-error").contains("Mars/Base"));
    app.post_form(
        &publisher,
        &format!("{href}/schedule"),
        &[("at", "2030-01-01T09:00"), ("zone", "America/New_York")],
    )
    .await;
    let r = app.store.get(id).await.expect("read").expect("exists");
    assert_eq!(r.status, Status::Scheduled);
    assert_eq!(
        r.published_at.map(|t| t.to_string()),
        Some("2030-01-01T14:00:00Z".to_owned())
    );
    assert_eq!(
        offered(&page(&app, &publisher, &href).await),
        ["schedule", "embargo", "unschedule", "publish"]
    );
    app.post_form(&publisher, &format!("{href}/unschedule"), &[])
        .await;
    assert_eq!(status_of(&app, id).await, Status::Approved);
    app.post_form(&publisher, &format!("{href}/publish"), &[])
        .await;
    assert_eq!(status_of(&app, id).await, Status::Published);

    // A correction: the editor again, with a required public change note.
    let p = page(&app, &publisher, &href).await;
    assert_eq!(offered(&p), ["withdraw"]);
    assert!(p.source.contains(&format!("action=\"{href}/correct\"")));
    let mut fields = FIELDS.to_vec();
    fields[4] = ("body", "The agreement was signed today in Oslo.");
    let no_note = app
        .post_form(&publisher, &format!("{href}/correct"), &fields)
        .await;
    assert_eq!(no_note.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let no_note = HtmlPage::parse(&no_note.text().await.expect("body"));
    assert!(
        no_note
            .text("#f-change_note-error")
            .contains("must not be empty")
    );
    fields.push(("change_note", "Added the city."));
    let corrected = app
        .post_form(&publisher, &format!("{href}/correct"), &fields)
        .await;
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    let r = app.store.get(id).await.expect("read").expect("exists");
    assert_eq!(r.revision, 2);

    let no_reason = app
        .post_form(&publisher, &format!("{href}/withdraw"), &[])
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.post_form(
        &publisher,
        &format!("{href}/withdraw"),
        &[("reason", "Superseded by a joint statement.")],
    )
    .await;
    assert_eq!(status_of(&app, id).await, Status::Withdrawn);
    let p = page(&app, &publisher, &href).await;
    assert!(offered(&p).is_empty());
    assert!(
        p.text("#events")
            .contains("Superseded by a joint statement.")
    );

    // Every action is in the audit log with the client's address.
    let log = app.accounts.audit_after(0, 1000).await.expect("audit");
    for action in [
        "release.create_draft",
        "release.submit",
        "release.return",
        "release.approve",
        "release.schedule",
        "release.unschedule",
        "release.publish",
        "release.correct",
        "release.withdraw",
        "release.approve.refused",
    ] {
        let rec = log
            .iter()
            .find(|r| r.event.action == action)
            .unwrap_or_else(|| panic!("{action} in the audit log"));
        assert_eq!(rec.event.address, "127.0.0.1", "{action}");
    }
}

#[tokio::test]
async fn the_dashboard_shows_own_drafts_the_queues_of_each_role_and_flags_overdue_releases() {
    let app = spawn_app().await;
    let (writer_user, writer) = staff(&app, Role::Writer).await;
    let (clearer_user, clearer) = staff(&app, Role::Clearer).await;
    let (publisher_user, publisher) = staff(&app, Role::Publisher).await;
    let store = app.store.as_ref();
    let clock = app.clock.as_ref();
    let w = pressroom_domain::Actor {
        user_id: writer_user.id.0,
        role: Role::Writer,
    };
    let c = pressroom_domain::Actor {
        user_id: clearer_user.id.0,
        role: Role::Clearer,
    };
    let p = pressroom_domain::Actor {
        user_id: publisher_user.id.0,
        role: Role::Publisher,
    };
    let draft = |title: &str| pressroom_store::conformance::content(title, 2026, 6, 1);
    workflow::create_draft(store, clock, w, draft("My Draft"))
        .await
        .expect("draft");
    let queued = workflow::create_draft(store, clock, w, draft("Waiting Clearance"))
        .await
        .expect("draft");
    workflow::submit(store, clock, w, queued.id)
        .await
        .expect("submit");
    let cleared = workflow::create_draft(store, clock, w, draft("Cleared One"))
        .await
        .expect("draft");
    workflow::submit(store, clock, w, cleared.id)
        .await
        .expect("submit");
    workflow::approve(store, clock, c, cleared.id, None)
        .await
        .expect("approve");
    let late = workflow::create_draft(store, clock, w, draft("Late One"))
        .await
        .expect("draft");
    workflow::submit(store, clock, w, late.id)
        .await
        .expect("submit");
    workflow::approve(store, clock, c, late.id, None)
        .await
        .expect("approve");
    let due = clock
        .now()
        .checked_add(SignedDuration::from_mins(5))
        .expect("time");
    workflow::schedule(store, clock, p, late.id, due)
        .await
        .expect("schedule");
    // No scheduler runs in this test: ten minutes later it is overdue.
    app.clock.advance(SignedDuration::from_mins(10));

    let mine = page(&app, &writer, "/newsroom").await;
    let drafts = mine.texts("section[aria-labelledby=drafts-h] li a");
    assert_eq!(drafts, ["My Draft"]);
    assert!(
        mine.texts("section[aria-labelledby=waiting-h] li a")
            .is_empty()
    );

    let theirs = page(&app, &clearer, "/newsroom").await;
    assert_eq!(
        theirs.texts("section[aria-labelledby=waiting-h] li a"),
        ["Waiting Clearance"]
    );
    assert!(
        theirs.texts("#overdue-h").is_empty(),
        "clearers are not told"
    );

    let pubs = page(&app, &publisher, "/newsroom").await;
    assert_eq!(
        pubs.texts("section[aria-labelledby=waiting-h] li a"),
        ["Cleared One", "Waiting Clearance"]
    );
    let overdue = pubs.texts("section[aria-labelledby=overdue-h] li");
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert!(overdue[0].contains("Late One") && overdue[0].contains("overdue"));
}

#[tokio::test]
async fn a_publisher_issues_a_preview_link_shown_once_and_sees_every_access() {
    let app = spawn_app().await;
    let (publisher_user, publisher) = staff(&app, Role::Publisher).await;
    let (writer_user, writer) = staff(&app, Role::Writer).await;
    let store = app.store.as_ref();
    let clock = app.clock.as_ref();
    let w = pressroom_domain::Actor {
        user_id: writer_user.id.0,
        role: Role::Writer,
    };
    let p = pressroom_domain::Actor {
        user_id: publisher_user.id.0,
        role: Role::Publisher,
    };
    let content = pressroom_store::conformance::content("Embargoed Budget", 2026, 6, 1);
    let r = workflow::create_draft(store, clock, w, content)
        .await
        .expect("draft");
    workflow::submit(store, clock, p, r.id)
        .await
        .expect("submit");
    workflow::approve(store, clock, p, r.id, None)
        .await
        .expect("approve");
    let lift = clock
        .now()
        .checked_add(SignedDuration::from_hours(24))
        .expect("time");
    workflow::embargo(store, clock, p, r.id, lift)
        .await
        .expect("embargo");
    let href = format!("/newsroom/releases/{}", r.id);

    assert!(
        page(&app, &writer, &href)
            .await
            .texts("#preview-h")
            .is_empty(),
        "writers see no preview links"
    );
    let refused = app
        .post_form(
            &writer,
            &format!("{href}/preview-links"),
            &[("journalist", "A. Reporter"), ("days", "2")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let too_long = app
        .post_form(
            &publisher,
            &format!("{href}/preview-links"),
            &[("journalist", "A. Reporter"), ("days", "30")],
        )
        .await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        HtmlPage::parse(&too_long.text().await.expect("body"))
            .text("#journalist-error")
            .contains("days")
    );

    let issued = app
        .post_form(
            &publisher,
            &format!("{href}/preview-links"),
            &[("journalist", "A. Reporter, Daily Post"), ("days", "2")],
        )
        .await;
    assert_eq!(issued.status(), StatusCode::OK);
    let issued = HtmlPage::parse(&issued.text().await.expect("body"));
    let link = issued.text("#new-preview-link");
    let token = link.rsplit('/').next().expect("token").to_owned();
    assert!(link.contains("/preview/") && token.len() == 64, "{link}");

    // Shown once: the page read again has no token.
    let again = page(&app, &publisher, &href).await;
    assert!(!again.source.contains(&token));
    assert!(
        again
            .text("section[aria-labelledby=preview-h]")
            .contains("No one has opened")
    );

    // The public side (another part) opens it through the use-case.
    let opened = workflow::open_preview(store, clock, &token)
        .await
        .expect("open")
        .expect("a valid link");
    assert_eq!(opened.release.id, r.id);
    let after = page(&app, &publisher, &href).await;
    let accesses = after.texts("section[aria-labelledby=preview-h] tbody td");
    assert_eq!(
        accesses.first().map(String::as_str),
        Some("A. Reporter, Daily Post")
    );
    let log = app.accounts.audit_after(0, 1000).await.expect("audit");
    assert!(log.iter().any(|r| r.event.action == "release.preview_link"));
}

#[tokio::test]
async fn an_admin_lets_publication_skip_clearance_and_only_an_admin_can() {
    let app = spawn_app().await;
    let (_, admin) = staff(&app, Role::Admin).await;
    let (_, publisher) = staff(&app, Role::Publisher).await;
    let (_, writer) = staff(&app, Role::Writer).await;
    assert_eq!(
        app.get_as(&publisher, "/newsroom/settings").await.status(),
        StatusCode::FORBIDDEN
    );
    let p = page(&app, &admin, "/newsroom/settings").await;
    assert!(
        p.attrs("input[name=allow_skip_clearance][checked]", "name")
            .is_empty()
    );

    let made = app
        .post_form(&writer, "/newsroom/releases/new", &FIELDS)
        .await;
    let href = location(&made);
    let before = app
        .post_form(&publisher, &format!("{href}/publish"), &[])
        .await;
    assert_eq!(before.status(), StatusCode::CONFLICT);

    let saved = app
        .post_form(
            &admin,
            "/newsroom/settings",
            &[("allow_skip_clearance", "on")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let p = page(&app, &admin, "/newsroom/settings?saved=1").await;
    assert_eq!(
        p.attrs("input[name=allow_skip_clearance][checked]", "name")
            .len(),
        1
    );
    assert!(offered(&page(&app, &publisher, &href).await).contains(&"publish".to_owned()));
    let now = app
        .post_form(&publisher, &format!("{href}/publish"), &[])
        .await;
    assert_eq!(now.status(), StatusCode::SEE_OTHER);
    let log = app.accounts.audit_after(0, 1000).await.expect("audit");
    assert!(log.iter().any(|r| r.event.action == "workflow.settings"));
}

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, String, serde_json::Value) {
    let mut req = app
        .client
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = res.text().await.expect("body");
    (
        status,
        kind,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

async fn token_for(app: &TestApp, user: &StaffUser) -> String {
    app.accounts()
        .create_api_token(
            &pressroom_newsroom::Actor {
                user: user.id,
                role: user.role,
                email: pressroom_domain::Email::parse(&user.email).expect("email"),
            },
            "api test",
            user.role,
            "test",
        )
        .await
        .expect("token")
        .token
}

#[tokio::test]
async fn the_api_takes_a_release_through_the_workflow_and_answers_refusals_with_problem_details() {
    use reqwest::Method;
    let app = spawn_app().await;
    let (writer_user, writer_session) = staff(&app, Role::Writer).await;
    let (clearer_user, _) = staff(&app, Role::Clearer).await;
    let (publisher_user, _) = staff(&app, Role::Publisher).await;
    let w = token_for(&app, &writer_user).await;
    let c = token_for(&app, &clearer_user).await;
    let p = token_for(&app, &publisher_user).await;

    let (status, _, made) = api(
        &app,
        &w,
        Method::POST,
        "/api/newsroom/releases",
        Some(json!({
            "title": "API Statement",
            "kind": "Readout",
            "issuer": "Office of the Spokesperson",
            "date": "2026-06-03",
            "body": "Made by **another system**."
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(made["status"], "draft");
    let id = made["id"].as_i64().expect("id");
    let base = format!("/api/newsroom/releases/{id}");

    let (status, kind, problem) = api(
        &app,
        &w,
        Method::POST,
        "/api/newsroom/releases",
        Some(json!({ "title": "", "kind": "Readout" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kind, "application/problem+json");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("title")
    );

    let (status, _, list) = api(
        &app,
        &w,
        Method::GET,
        "/api/newsroom/releases?status=draft&mine=true",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], id);

    let (status, _, problem) = api(&app, &c, Method::POST, &format!("{base}/approve"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, _, _) = api(&app, &w, Method::POST, &format!("{base}/submit"), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, problem) = api(&app, &w, Method::POST, &format!("{base}/approve"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, _, r) = api(
        &app,
        &c,
        Method::POST,
        &format!("{base}/approve"),
        Some(json!({ "comment": "Fine." })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["status"], "approved");
    let (status, _, problem) = api(
        &app,
        &p,
        Method::POST,
        &format!("{base}/embargo"),
        Some(json!({ "at": "yesterday" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem["detail"].as_str().expect("detail").contains("at"));
    let (status, _, r) = api(
        &app,
        &p,
        Method::POST,
        &format!("{base}/embargo"),
        Some(json!({ "at": "2030-03-01T08:00", "zone": "Europe/Brussels" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["published_at"], "2030-03-01T07:00:00Z");
    let (status, _, link) = api(
        &app,
        &p,
        Method::POST,
        &format!("{base}/preview-links"),
        Some(json!({ "journalist": "B. Writer", "valid_days": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(link["url"].as_str().expect("url").contains("/preview/"));
    let (status, _, r) = api(&app, &p, Method::POST, &format!("{base}/publish"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r["status"], "published");
    let (status, _, shown) = api(&app, &w, Method::GET, &base, None).await;
    assert_eq!(status, StatusCode::OK);
    let events: Vec<_> = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        events,
        ["create", "submit", "approve", "embargo", "publish"]
    );

    let (status, _, _) = api(&app, &w, Method::GET, "/api/newsroom/releases/999999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = api(&app, "not-a-token", Method::GET, &base, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A session works with its CSRF token in a header, never alone.
    let alone = app.get_as(&writer_session, &base).await;
    assert_eq!(alone.status(), StatusCode::UNAUTHORIZED);
    let with = app
        .client
        .get(format!("{}{base}", app.address))
        .header("cookie", &writer_session.cookie)
        .header("x-csrf-token", &writer_session.csrf)
        .send()
        .await
        .expect("request");
    assert_eq!(with.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_publisher_sees_every_preview_link_of_a_release_and_revokes_one_on_its_page_or_through_the_api()
 {
    let app = spawn_app().await;
    let (publisher_user, publisher) = staff(&app, Role::Publisher).await;
    let (writer_user, writer) = staff(&app, Role::Writer).await;
    let (store, clock) = (app.store.as_ref(), app.clock.as_ref());
    let w = pressroom_domain::Actor {
        user_id: writer_user.id.0,
        role: Role::Writer,
    };
    let p = pressroom_domain::Actor {
        user_id: publisher_user.id.0,
        role: Role::Publisher,
    };
    let content = pressroom_store::conformance::content("Embargoed Links", 2026, 6, 1);
    let r = workflow::create_draft(store, clock, w, content)
        .await
        .expect("draft");
    workflow::submit(store, clock, p, r.id)
        .await
        .expect("submit");
    workflow::approve(store, clock, p, r.id, None)
        .await
        .expect("approve");
    let lift = clock
        .now()
        .checked_add(SignedDuration::from_hours(24))
        .expect("time");
    workflow::embargo(store, clock, p, r.id, lift)
        .await
        .expect("embargo");
    let mut links = Vec::new();
    for who in ["Ann Daily", "Bo Weekly", "Cy Monthly"] {
        links.push(
            workflow::create_preview_link(
                store,
                clock,
                p,
                r.id,
                who,
                std::time::Duration::from_secs(86_400),
            )
            .await
            .expect("link"),
        );
    }
    for _ in 0..2 {
        workflow::open_preview(store, clock, &links[0].token)
            .await
            .expect("open")
            .expect("opens");
    }
    let href = format!("/newsroom/releases/{}", r.id);

    // The page: one row per link, who issued it, openings, a revoke button.
    let before = page(&app, &publisher, &href).await;
    let rows = before.texts("#preview-links tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].contains("Ann Daily") && rows[0].contains(&publisher_user.email));
    assert_eq!(
        before.texts("#preview-links tbody tr td:nth-child(6)"),
        ["2", "0", "0"]
    );
    let buttons = before.attrs("#preview-links form", "action");
    assert_eq!(buttons.len(), 3);
    assert_eq!(
        buttons[1],
        format!("{href}/preview-links/{}/revoke", links[1].link.id)
    );

    // A writer cannot revoke; a link of another release is not this one's.
    let refused = app.post_form(&writer, &buttons[1], &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let wrong = app
        .post_form(
            &publisher,
            &format!(
                "/newsroom/releases/{}/preview-links/{}/revoke",
                r.id.0 + 99,
                links[1].link.id
            ),
            &[],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

    let revoked = app.post_form(&publisher, &buttons[1], &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&revoked),
        format!("{href}?done=preview-link-revoked")
    );
    let after = page(&app, &publisher, &location(&revoked)).await;
    assert!(after.source.contains("the preview link was revoked"));
    assert!(
        workflow::open_preview(store, clock, &links[1].token)
            .await
            .expect("open")
            .is_none(),
        "revoked: it opens nothing"
    );
    let again = app.post_form(&publisher, &buttons[1], &[]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "once");

    // The API: the same list, and a revocation.
    let token = token_for(&app, &publisher_user).await;
    let (status, _, list) = api(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/api/newsroom/releases/{}/preview-links", r.id),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let summary: Vec<_> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| {
            (
                l["journalist"].as_str().unwrap_or_default().to_owned(),
                l["revoked_at"].is_string(),
                l["accesses"].as_u64(),
                l["issued_by"].as_i64(),
            )
        })
        .collect();
    let me = Some(publisher_user.id.0);
    assert_eq!(
        summary,
        [
            ("Ann Daily".to_owned(), false, Some(2), me),
            ("Bo Weekly".to_owned(), true, Some(0), me),
            ("Cy Monthly".to_owned(), false, Some(0), me),
        ]
    );
    assert!(list[0].get("token").is_none(), "never the token");
    let (status, _, one) = api(
        &app,
        &token,
        reqwest::Method::POST,
        &format!(
            "/api/newsroom/releases/{}/preview-links/{}/revoke",
            r.id, links[2].link.id
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(one["revoked_at"].is_string());

    // Only the active link is left with a button; both revocations audited.
    let last = page(&app, &publisher, &href).await;
    assert_eq!(last.attrs("#preview-links form", "action").len(), 1);
    let revoked_rows = last.texts("#preview-links tbody tr td:nth-child(5)");
    assert_eq!(revoked_rows[0], "no");
    assert_ne!(revoked_rows[1], "no");
    let log = app.accounts.audit_after(0, 1000).await.expect("audit");
    let done = log
        .iter()
        .filter(|e| e.event.action == "release.preview_link_revoked")
        .count();
    assert_eq!(done, 2);
    assert!(
        log.iter()
            .any(|e| e.event.action == "release.preview_link_revoked.refused")
    );
}
