//! Newsroom helpers for [`TestApp`]: staff users made through the same
//! use-case as `pressroom user add`, sign-in over HTTP, and requests that
//! carry the session cookie and the form's CSRF token the way a browser
//! on the site itself would (`Sec-Fetch-Site: same-origin`).

use jiff::SignedDuration;
use pressroom_domain::{Clock, Role};
use pressroom_newsroom::Accounts;
use pressroom_newsroom::accounts::totp;

use crate::{HtmlPage, TestApp};

/// A password that passes the policy.
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// A staff user and what they sign in with.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: pressroom_store::UserId,
    pub email: String,
    pub role: Role,
    pub password: String,
    /// Base32 TOTP secret, for roles that need a second factor.
    pub totp_secret: Option<String>,
}

/// A signed-in browser: its session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct NewsroomSession {
    /// `name=value`, as sent in `Cookie`.
    pub cookie: String,
    /// The raw cookie token.
    pub token: String,
    pub csrf: String,
}

impl TestApp {
    /// The accounts use-cases over this app's database and clock.
    pub fn accounts(&self) -> Accounts {
        Accounts::new(self.accounts.clone(), self.clock.clone())
    }

    /// Adds a user with `role` (TOTP enrolled when the role needs it).
    pub async fn add_user(&self, email: &str, role: Role) -> StaffUser {
        let (user, totp_secret) = self
            .accounts()
            .add_user(email, "Test User", role, TEST_PASSWORD)
            .await
            .expect("user added");
        StaffUser {
            id: user.id,
            email: email.to_owned(),
            role,
            password: TEST_PASSWORD.to_owned(),
            totp_secret,
        }
    }

    /// The user's current one-time code at the test clock's time, or "".
    pub fn totp_code(&self, user: &StaffUser) -> String {
        let Some(secret) = &user.totp_secret else {
            return String::new();
        };
        let unix = u64::try_from(self.clock.now().as_second()).expect("after 1970");
        let raw = totp_rs::Secret::Encoded(secret.clone())
            .to_bytes()
            .expect("base32");
        totp::code_at(&raw, 6, unix)
    }

    /// Posts the sign-in form as a browser on this site would.
    pub async fn post_login(&self, email: &str, password: &str, code: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/newsroom/login", self.address))
            .header("sec-fetch-site", "same-origin")
            .form(&[("email", email), ("password", password), ("code", code)])
            .send()
            .await
            .expect("request succeeds")
    }

    /// Signs `user` in and reads the CSRF token from the dashboard. A code
    /// is used once, so the clock first moves on one TOTP step.
    pub async fn login(&self, user: &StaffUser) -> NewsroomSession {
        self.clock.advance(SignedDuration::from_secs(30));
        let res = self
            .post_login(&user.email, &user.password, &self.totp_code(user))
            .await;
        assert_eq!(res.status(), 303, "sign-in of {} succeeds", user.email);
        let set_cookie = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie")
            .to_owned();
        let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
        let token = cookie
            .split_once('=')
            .map(|(_, v)| v.to_owned())
            .expect("value");
        let mut session = NewsroomSession {
            cookie,
            token,
            csrf: String::new(),
        };
        let page = self.get_as(&session, "/newsroom").await;
        assert_eq!(page.status(), 200, "the dashboard after sign-in");
        let html = HtmlPage::parse(&page.text().await.expect("body"));
        session.csrf = html
            .attrs("input[name=csrf]", "value")
            .into_iter()
            .next()
            .expect("a CSRF token in the page's forms");
        session
    }

    /// A GET with the session's cookie.
    pub async fn get_as(&self, session: &NewsroomSession, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("cookie", &session.cookie)
            .send()
            .await
            .expect("request succeeds")
    }

    /// A same-site form POST with the session's cookie and CSRF token.
    pub async fn post_form(
        &self,
        session: &NewsroomSession,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(Some(session), path, &all, "same-origin")
            .await
    }

    /// A form POST exactly as given: no CSRF token added, `sec_fetch_site`
    /// as the browser would send it ("" for none).
    pub async fn post_form_raw(
        &self,
        session: Option<&NewsroomSession>,
        path: &str,
        fields: &[(&str, &str)],
        sec_fetch_site: &str,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}{path}", self.address))
            .form(fields);
        if let Some(s) = session {
            req = req.header("cookie", &s.cookie);
        }
        if !sec_fetch_site.is_empty() {
            req = req.header("sec-fetch-site", sec_fetch_site);
        }
        req.send().await.expect("request succeeds")
    }

    /// A request to the newsroom API with a bearer token.
    pub async fn api_as(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
    ) -> reqwest::Response {
        self.client
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .expect("request succeeds")
    }
}
