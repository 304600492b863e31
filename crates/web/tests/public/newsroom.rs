//! The newsroom over real HTTP: sign-in, sessions, CSRF, TOTP, roles,
//! tokens, invitations and the audit log (issue 7, OWASP ASVS 5.0 L2).

use pressroom_domain::Role;
use pressroom_newsroom::AccountAction;
use pressroom_testkit::{HtmlPage, NewsroomSession, StaffUser, TestApp, spawn_app};
use reqwest::StatusCode;

async fn staff(app: &TestApp, role: Role) -> StaffUser {
    app.add_user(&format!("{role}@example.org"), role).await
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_token_even_over_an_old_cookie() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let first = app.login(&writer).await;
    // A sign-in that arrives with a (possibly planted) cookie still gets a fresh one.
    let res = app
        .client
        .post(format!("{}/newsroom/login", app.address))
        .header("cookie", &first.cookie)
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", writer.email.as_str()),
            ("password", writer.password.as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(!set.contains(&first.token), "a new token: {set}");
    let second = app.login(&writer).await;
    assert_ne!(first.token, second.token);
    assert_ne!(first.csrf, second.csrf);
    // Plain HTTP on the loopback: HttpOnly, SameSite=Lax, no Secure.
    assert!(set.starts_with("pressroom_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent() {
    let app =
        pressroom_testkit::spawn_app_with(|s| s.base_url = "https://press.example.org".into())
            .await;
    let writer = staff(&app, Role::Writer).await;
    let res = app.post_login(&writer.email, &writer.password, "").await;
    let set = res.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(set.starts_with("__Host-pressroom_session="), "{set}");
    assert!(set.contains("; Secure") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Domain"), "{set}");
    let public = app.get("/").await;
    assert_eq!(
        public.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn an_old_cookie_after_sign_out_is_sent_to_the_sign_in_page() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let s = app.login(&writer).await;
    let out = app.post_form(&s, "/newsroom/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .expect("ascii")
            .contains("Max-Age=0")
    );
    let res = app.get_as(&s, "/newsroom").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/newsroom/login");
    let res = app
        .post_form(
            &s,
            "/newsroom/tokens",
            &[("label", "x"), ("role", "writer")],
        )
        .await;
    assert_eq!(
        location(&res),
        "/newsroom/login",
        "no write with a dead session"
    );
}

#[tokio::test]
async fn disabling_a_user_or_changing_their_role_ends_their_sessions() {
    let app = spawn_app().await;
    let admin = staff(&app, Role::Admin).await;
    let writer = staff(&app, Role::Writer).await;
    let clearer = staff(&app, Role::Clearer).await;
    let a = app.login(&admin).await;
    let w = app.login(&writer).await;
    let c = app.login(&clearer).await;

    let res = app
        .post_form(&a, &format!("/newsroom/users/{}/disable", writer.id), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&app.get_as(&w, "/newsroom").await),
        "/newsroom/login"
    );
    let again = app.post_login(&writer.email, &writer.password, "").await;
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled user cannot sign in"
    );

    let res = app
        .post_form(
            &a,
            &format!("/newsroom/users/{}/role", clearer.id),
            &[("role", "writer")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&app.get_as(&c, "/newsroom").await),
        "/newsroom/login"
    );
    assert_eq!(app.get_as(&a, "/newsroom").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_account_locks_after_a_hundred_failures_in_an_hour_and_failures_are_logged() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    for _ in 0..100 {
        let res = app.post_login(&writer.email, "wrong password!", "").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.post_login(&writer.email, &writer.password, "").await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "locked even with the right password"
    );
    let page = HtmlPage::parse(&res.text().await.expect("body"));
    assert!(page.text("#login-error").contains("locked"));
    let log = app.accounts.audit_after(0, 1000).await.expect("audit");
    assert_eq!(
        log.iter()
            .filter(|r| r.event.action == "login.failed")
            .count(),
        100
    );
    assert_eq!(
        log.iter()
            .filter(|r| r.event.action == "login.locked")
            .count(),
        1
    );
    assert!(
        log.iter()
            .filter(|r| r.event.action.starts_with("login"))
            .all(|r| r.event.address == "127.0.0.1")
    );
    // An hour after the first failures, the right password works again.
    app.clock.advance(jiff::SignedDuration::from_mins(61));
    let res = app.post_login(&writer.email, &writer.password, "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn publishers_and_admins_need_a_one_time_code_and_a_code_works_once() {
    let app = spawn_app().await;
    for role in [Role::Publisher, Role::Admin] {
        let user = staff(&app, role).await;
        app.clock.advance(jiff::SignedDuration::from_secs(30));
        let no_code = app.post_login(&user.email, &user.password, "").await;
        assert_eq!(
            no_code.status(),
            StatusCode::UNAUTHORIZED,
            "{role} without a code"
        );
        let wrong = app.post_login(&user.email, &user.password, "000000").await;
        assert_eq!(
            wrong.status(),
            StatusCode::UNAUTHORIZED,
            "{role} with a wrong code"
        );
        let code = app.totp_code(&user);
        let ok = app.post_login(&user.email, &user.password, &code).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{role} with the code");
        let replay = app.post_login(&user.email, &user.password, &code).await;
        assert_eq!(
            replay.status(),
            StatusCode::UNAUTHORIZED,
            "{role}: a code is used once"
        );
    }
    for role in [Role::Writer, Role::Clearer] {
        let user = staff(&app, role).await;
        let res = app.post_login(&user.email, &user.password, "").await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{role} signs in with a password"
        );
    }
}

#[tokio::test]
async fn a_cross_site_post_or_one_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let s = app.login(&writer).await;
    let fields = [
        ("csrf", s.csrf.as_str()),
        ("label", "feed"),
        ("role", "writer"),
    ];
    let cross = app
        .post_form_raw(Some(&s), "/newsroom/tokens", &fields, "cross-site")
        .await;
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let same_site = app
        .post_form_raw(Some(&s), "/newsroom/tokens", &fields, "same-site")
        .await;
    assert_eq!(
        same_site.status(),
        StatusCode::FORBIDDEN,
        "a sibling subdomain is another site"
    );
    let foreign_origin = app
        .client
        .post(format!("{}/newsroom/tokens", app.address))
        .header("cookie", &s.cookie)
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(foreign_origin.status(), StatusCode::FORBIDDEN);
    let cross_login = app
        .post_form_raw(
            None,
            "/newsroom/login",
            &[("email", "x@y.z"), ("password", "p")],
            "cross-site",
        )
        .await;
    assert_eq!(cross_login.status(), StatusCode::FORBIDDEN, "no login CSRF");
    let no_token = app
        .post_form_raw(
            Some(&s),
            "/newsroom/tokens",
            &[("label", "feed"), ("role", "writer")],
            "same-origin",
        )
        .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let wrong_token = app
        .post_form_raw(
            Some(&s),
            "/newsroom/tokens",
            &[("csrf", "forged"), ("label", "feed"), ("role", "writer")],
            "same-origin",
        )
        .await;
    assert_eq!(wrong_token.status(), StatusCode::FORBIDDEN);
    assert!(
        app.accounts
            .api_tokens(None)
            .await
            .expect("tokens")
            .is_empty(),
        "nothing was made"
    );
    let ok = app
        .post_form(
            &s,
            "/newsroom/tokens",
            &[("label", "feed"), ("role", "writer")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

/// One request that performs `action` as the session's user, and whether
/// it succeeded. The match is exhaustive: a new action does not compile
/// until it has a request here, so the matrix covers it.
async fn perform(
    app: &TestApp,
    s: &NewsroomSession,
    action: AccountAction,
    victim: &StaffUser,
) -> bool {
    let res = match action {
        AccountAction::ViewDashboard => app.get_as(s, "/newsroom").await,
        AccountAction::ViewUsers => app.get_as(s, "/newsroom/users").await,
        AccountAction::InviteUser => {
            let email = format!(
                "invitee{}@example.org",
                s.csrf.len() + s.token.as_bytes()[0] as usize
            );
            app.post_form(
                s,
                "/newsroom/users/invitations",
                &[("email", &email), ("role", "writer")],
            )
            .await
        }
        AccountAction::ChangeRole => {
            app.post_form(
                s,
                &format!("/newsroom/users/{}/role", victim.id),
                &[("role", "clearer")],
            )
            .await
        }
        AccountAction::DisableUser => {
            app.post_form(s, &format!("/newsroom/users/{}/enable", victim.id), &[])
                .await
        }
        AccountAction::ViewAudit => app.get_as(s, "/newsroom/audit").await,
        AccountAction::ExportAudit => app.get_as(s, "/newsroom/audit.jsonl").await,
        AccountAction::CreateApiToken => {
            app.post_form(
                s,
                "/newsroom/tokens",
                &[("label", "matrix"), ("role", "writer")],
            )
            .await
        }
        AccountAction::RevokeApiToken => {
            let mine = app
                .accounts()
                .create_api_token(
                    &pressroom_newsroom::Actor {
                        user: victim.id,
                        role: victim.role,
                        email: pressroom_domain::Email::parse(&victim.email).expect("email"),
                    },
                    "victim's",
                    Role::Writer,
                    "test",
                )
                .await
                .expect("token");
            let own = app.get_as(s, "/newsroom/tokens").await;
            assert_eq!(own.status(), StatusCode::OK);
            app.post_form(
                s,
                &format!("/newsroom/tokens/{}/revoke", mine.record.id.0),
                &[],
            )
            .await
        }
    };
    let status = res.status();
    assert!(
        status.is_success()
            || status.is_redirection()
            || status == StatusCode::FORBIDDEN
            || status == StatusCode::NOT_FOUND,
        "{action:?}: unexpected {status}"
    );
    status.is_success() || status.is_redirection()
}

/// What each role may do to another user's things: revoking someone
/// else's token is an admin's; everyone revokes their own (shown in
/// `api_tokens_are_shown_once_act_with_their_role_and_stop_when_revoked`).
fn expected(action: AccountAction, role: Role) -> bool {
    match action {
        AccountAction::RevokeApiToken => role == Role::Admin,
        other => other.allowed(role),
    }
}

#[tokio::test]
async fn no_role_does_more_than_its_role_allows_and_every_role_does_what_it_should() {
    let app = spawn_app().await;
    let victim = app.add_user("victim@example.org", Role::Writer).await;
    let mut failures = Vec::new();
    for role in Role::ALL {
        let user = staff(&app, role).await;
        let s = app.login(&user).await;
        for action in AccountAction::ALL {
            let did = perform(&app, &s, action, &victim).await;
            if did != expected(action, role) {
                failures.push(format!(
                    "{role} {action:?}: did {did}, expected {}",
                    expected(action, role)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn api_tokens_are_shown_once_act_with_their_role_and_stop_when_revoked() {
    let app = spawn_app().await;
    let publisher = staff(&app, Role::Publisher).await;
    let s = app.login(&publisher).await;
    let too_high = app
        .post_form(&s, "/newsroom/tokens", &[("label", "x"), ("role", "admin")])
        .await;
    assert_eq!(
        too_high.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no token above one's role"
    );
    let res = app
        .post_form(
            &s,
            "/newsroom/tokens",
            &[("label", "wire"), ("role", "writer")],
        )
        .await;
    let page = HtmlPage::parse(&res.text().await.expect("body"));
    let token = page.text("#new-token");
    assert!(token.starts_with("prt_"), "{token}");
    let listing = app
        .get_as(&s, "/newsroom/tokens")
        .await
        .text()
        .await
        .expect("body");
    assert!(!listing.contains(&token), "shown once only");
    let stored = app.accounts.api_tokens(None).await.expect("tokens");
    assert_ne!(stored[0].token_hash, token, "stored hashed");

    let me = app
        .api_as(reqwest::Method::GET, &token, "/api/newsroom/me")
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.headers()["cache-control"], "no-store");
    let me: serde_json::Value = me.json().await.expect("json");
    assert_eq!(me["role"], "writer", "the token's role, not its owner's");
    let audit = app
        .api_as(reqwest::Method::GET, &token, "/api/newsroom/audit")
        .await;
    assert_eq!(audit.status(), StatusCode::FORBIDDEN);
    assert_eq!(audit.headers()["content-type"], "application/problem+json");

    let res = app
        .post_form(
            &s,
            &format!("/newsroom/tokens/{}/revoke", stored[0].id.0),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = app
        .api_as(reqwest::Method::GET, &token, "/api/newsroom/me")
        .await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(after.headers()["www-authenticate"], "Bearer");
    let none = app.get("/api/newsroom/me").await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    // A session cookie is no key to the API.
    let cookie = app.get_as(&s, "/api/newsroom/me").await;
    assert_eq!(cookie.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_invitation_link_makes_one_account_with_a_64_character_password_refuses_a_common_one_and_expires()
 {
    let app = spawn_app().await;
    let admin = staff(&app, Role::Admin).await;
    let a = app.login(&admin).await;
    let res = app
        .post_form(
            &a,
            "/newsroom/users/invitations",
            &[("email", "new@example.org"), ("role", "clearer")],
        )
        .await;
    let page = HtmlPage::parse(&res.text().await.expect("body"));
    let link = page.text("#invitation-link");
    let path = link
        .strip_prefix(&app.address)
        .expect("a link to this site")
        .to_owned();
    let token = path.rsplit('/').next().expect("token");
    assert!(token.len() >= 43, "at least 256 bits, base64: {token}");

    let weak = app
        .post_form_raw(
            None,
            &path,
            &[("name", "New Person"), ("password", "password1")],
            "same-origin",
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let weak = HtmlPage::parse(&weak.text().await.expect("body"));
    assert!(
        weak.text("#password-error").contains("common"),
        "the message is beside the field"
    );

    // 64 characters (ASVS asks that at least 64 be accepted), whole.
    let long: String = "a long and unusual passphrase "
        .repeat(3)
        .chars()
        .take(64)
        .collect();
    assert_eq!(long.chars().count(), 64);
    let ok = app
        .post_form_raw(
            None,
            &path,
            &[("name", "New Person"), ("password", long.as_str())],
            "same-origin",
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let truncated = app.post_login("new@example.org", &long[..63], "").await;
    assert_eq!(
        truncated.status(),
        StatusCode::UNAUTHORIZED,
        "not cut short"
    );
    let signed = app.post_login("new@example.org", &long, "").await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let reused = app.get(&path).await;
    assert_eq!(reused.status(), StatusCode::NOT_FOUND, "used once");

    let res = app
        .post_form(
            &a,
            "/newsroom/users/invitations",
            &[("email", "late@example.org"), ("role", "writer")],
        )
        .await;
    let link = HtmlPage::parse(&res.text().await.expect("body")).text("#invitation-link");
    app.clock.advance(jiff::SignedDuration::from_hours(73));
    let late = app
        .get(link.strip_prefix(&app.address).expect("path"))
        .await;
    assert_eq!(late.status(), StatusCode::NOT_FOUND, "expired");
}

#[tokio::test]
async fn a_crlf_in_a_user_name_yields_one_audit_line() {
    let app = spawn_app().await;
    // A name with a line break never becomes an account...
    let err = app
        .accounts()
        .add_user(
            "crlf@example.org",
            "Ana\r\n2026-06-01 INFO forged",
            Role::Writer,
            "a long and unusual passphrase",
        )
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("name"), "{err}");
    // ...and one typed at sign-in is one line of the log and its export.
    let res = app
        .post_login(
            "evil\r\n{\"action\":\"login\"}@example.org",
            "whatever!",
            "",
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let admin = staff(&app, Role::Admin).await;
    let a = app.login(&admin).await;
    let export = app.get_as(&a, "/newsroom/audit.jsonl").await;
    assert_eq!(export.headers()["cache-control"], "no-store");
    let body = export.text().await.expect("body");
    let lines: Vec<&str> = body.lines().collect();
    let records = app.accounts.audit_after(0, 100).await.expect("audit");
    assert_eq!(lines.len(), records.len(), "{body}");
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).expect("each line is one JSON object");
        assert!(v["at"].is_string() && v["action"].is_string());
    }
    let failed: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
    assert_eq!(failed["action"], "login.failed");
    assert!(
        failed["actor_label"]
            .as_str()
            .expect("label")
            .contains("\r\n")
    );
    let page = app
        .get_as(&a, "/newsroom/audit")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("login.failed"));
}

#[tokio::test]
async fn a_refused_change_to_users_is_in_the_audit_log_with_who_and_what() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let admin = staff(&app, Role::Admin).await;
    let w = app.login(&writer).await;
    for (path, fields) in [
        (
            "/newsroom/users/invitations".to_owned(),
            vec![("email", "friend@example.org"), ("role", "admin")],
        ),
        (
            format!("/newsroom/users/{}/role", admin.id.0),
            vec![("role", "writer")],
        ),
        (format!("/newsroom/users/{}/disable", admin.id.0), vec![]),
    ] {
        let res = app.post_form(&w, &path, &fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let lines = app.accounts.audit_after(0, 100).await.expect("audit");
    let refused: Vec<(&str, &str, &str)> = lines
        .iter()
        .filter(|l| l.event.action.ends_with(".refused"))
        .map(|l| {
            (
                l.event.action.as_str(),
                l.event.actor_label.as_str(),
                l.event.subject.as_str(),
            )
        })
        .collect();
    let who = writer.email.as_str();
    assert_eq!(
        refused,
        vec![
            ("user.invite.refused", who, "friend@example.org as admin"),
            (
                "user.role_change.refused",
                who,
                format!("user {} -> writer", admin.id.0).as_str()
            ),
            (
                "user.disable.refused",
                who,
                format!("user {}", admin.id.0).as_str()
            ),
        ]
    );
    assert!(
        lines
            .iter()
            .filter(|l| l.event.action.ends_with(".refused"))
            .all(|l| !l.event.address.is_empty()),
        "each refusal says from which address"
    );
    let a = app.login(&admin).await;
    let page = app
        .get_as(&a, "/newsroom/audit")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("user.invite.refused"));
}

#[tokio::test]
async fn newsroom_responses_are_never_stored_and_carry_a_strict_policy() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let s = app.login(&writer).await;
    for res in [
        app.get("/newsroom/login").await,
        app.get_as(&s, "/newsroom").await,
        app.get("/newsroom/nothing").await,
    ] {
        let h = res.headers();
        assert_eq!(h["cache-control"], "no-store", "{}", res.url());
        assert!(h.get("etag").is_none());
        let csp = h["content-security-policy"].to_str().expect("ascii");
        for part in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
        ] {
            assert!(csp.contains(part), "{csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
        assert_eq!(h["cross-origin-opener-policy"], "same-origin");
        assert!(
            h.get("strict-transport-security").is_none(),
            "not over plain HTTP"
        );
    }
    let public = app.get("/").await;
    let csp = public.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(
        csp.contains("object-src 'none'")
            && csp.contains("base-uri 'none'")
            && csp.contains("frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn the_editor_shows_messages_beside_fields_and_previews_the_public_page() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let s = app.login(&writer).await;
    let editor = HtmlPage::parse(
        &app.get_as(&s, "/newsroom/releases/new")
            .await
            .text()
            .await
            .expect("body"),
    );
    assert_eq!(
        editor.attrs("script", "src"),
        ["/newsroom/static/editor.js"]
    );
    assert!(
        editor.texts("script").iter().all(String::is_empty),
        "no inline script"
    );
    let bad = app
        .post_form(
            &s,
            "/newsroom/releases/preview",
            &[
                ("title", ""),
                ("kind", "Readout"),
                ("issuer", "Office of the Spokesperson"),
                ("date", "2026-13-01"),
                ("body", "Text."),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = HtmlPage::parse(&bad.text().await.expect("body"));
    assert_eq!(
        bad.texts(".field-error").len(),
        2,
        "{:?}",
        bad.texts(".field-error")
    );
    assert_eq!(bad.attrs("#f-title-error", "id").len(), 1);
    assert_eq!(bad.attrs("#f-date-error", "id").len(), 1);
    assert_eq!(
        bad.attrs("#f-kind", "value"),
        ["Readout"],
        "what was typed is kept"
    );

    let fields = [
        ("title", "Preview Test"),
        ("kind", "Readout"),
        ("issuer", "Office of the Spokesperson"),
        ("dateline", "Washington, DC"),
        ("date", "2026-05-30"),
        ("body", "First *para*.\n\nSecond."),
    ];
    let ok = app
        .post_form(&s, "/newsroom/releases/preview", &fields)
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let page = HtmlPage::parse(&ok.text().await.expect("body"));
    assert_eq!(page.text("h1"), "Preview Test");
    assert!(page.source.contains("<em>para</em>"));
    let js = app.get("/newsroom/static/editor.js").await;
    assert!(
        js.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn saving_the_editor_makes_a_draft_of_the_writer_through_the_workflow() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let s = app.login(&writer).await;
    let fields = [
        ("title", "Saved Draft"),
        ("kind", "Readout"),
        ("issuer", "Office of the Spokesperson"),
        ("date", "2026-05-30"),
        ("body", "Text."),
    ];
    let res = app.post_form(&s, "/newsroom/releases/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let all = app.store.batch_after(None, 100).await.expect("releases");
    let draft = all
        .iter()
        .find(|r| r.content.title.as_str() == "Saved Draft")
        .expect("stored");
    assert_eq!(draft.status, pressroom_domain::Status::Draft);
    assert_eq!(app.get("/api/releases").await.status(), StatusCode::OK);
    let log = app.accounts.audit_after(0, 100).await.expect("audit");
    assert!(
        log.iter()
            .any(|r| r.event.action == "release.create_draft" && r.event.actor == Some(writer.id))
    );
    let bad = app
        .post_form(&s, "/newsroom/releases/new", &[("title", "")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// The `<article>` of a release page: the release as the reader sees it.
fn article(html: &str) -> &str {
    let start = html.find("<article").expect("an article");
    let end = html.find("</article>").expect("its end") + "</article>".len();
    &html[start..end]
}

#[tokio::test]
async fn the_editors_preview_is_the_public_page_the_release_becomes_byte_for_byte() {
    let app = spawn_app().await;
    let writer = staff(&app, Role::Writer).await;
    let clearer = staff(&app, Role::Clearer).await;
    let publisher = staff(&app, Role::Publisher).await;
    let s = app.login(&writer).await;
    // Markdown, an outside link (sent to the exit notice), raw HTML (to be
    // sanitized) and every optional field.
    let fields = [
        ("title", "Preview Equals Page"),
        ("kind", "Readout"),
        ("issuer", "Office of the Spokesperson"),
        ("dateline", "Washington, DC"),
        ("date", "2026-05-30"),
        (
            "attribution",
            "The below is attributable to the Spokesperson:",
        ),
        (
            "body",
            "First *para* with [a link](https://example.org/a?b=1).\n\n\
             <b onclick=\"x()\">Raw</b> HTML.\n\n- one\n- two",
        ),
    ];
    let preview = app
        .post_form(&s, "/newsroom/releases/preview", &fields)
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let preview = preview.text().await.expect("body");

    let made = app.post_form(&s, "/newsroom/releases/new", &fields).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let id = pressroom_domain::ReleaseId(
        location(&made)
            .rsplit('/')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("the draft's id"),
    );
    let as_actor = |u: &StaffUser| pressroom_domain::Actor {
        user_id: u.id.0,
        role: u.role,
    };
    let (store, clock) = (app.store.as_ref(), app.clock.as_ref());
    use pressroom_newsroom::workflow;
    workflow::submit(store, clock, as_actor(&writer), id)
        .await
        .expect("submit");
    workflow::approve(store, clock, as_actor(&clearer), id, None)
        .await
        .expect("approve");
    let published = workflow::publish_now(store, clock, as_actor(&publisher), id)
        .await
        .expect("publish");
    let public = app.get(&published.path().to_string()).await;
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.expect("body");
    assert!(article(&public).contains("<em>para</em>"));
    assert!(!article(&public).contains("onclick"));
    assert_eq!(article(&preview), article(&public));
}
