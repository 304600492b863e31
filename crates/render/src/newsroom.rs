//! The newsroom's pages: server-rendered forms, every value escaped by
//! askama, no inline script (the editor's one behaviour, the warning on
//! leaving with unsaved changes, is the external [`EDITOR_JS`]). The web
//! layer fills these views; this module does no IO.

use askama::Template;

use crate::SiteConfig;
use crate::pages::{RenderError, render};

/// The editor's script: warns before leaving a form with unsaved changes.
pub const EDITOR_JS: &str = include_str!("../static/editor.js");

/// Who is signed in, for the header of every newsroom page.
#[derive(Debug, Clone)]
pub struct Who {
    pub email: String,
    pub role: String,
    pub admin: bool,
    /// The session's CSRF token, carried by every form.
    pub csrf: String,
}

/// Messages beside the fields of a form, by field name.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Template)]
#[template(path = "newsroom/login.html")]
pub struct LoginPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub error: Option<String>,
    pub email: String,
}

/// A release in a dashboard list.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub title: String,
    pub status: String,
    pub href: String,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/dashboard.html")]
pub struct DashboardPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub drafts: Vec<WorkItem>,
    pub waiting: Vec<WorkItem>,
}

#[derive(Debug, Clone)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub disabled: bool,
    pub is_me: bool,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/users.html")]
pub struct UsersPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub csrf: String,
    pub users: Vec<UserView>,
    pub roles: Vec<&'static str>,
    pub invitation_link: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/invitation.html")]
pub struct InvitationPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub email: String,
    pub role: String,
    pub name: String,
    pub totp_secret: Option<String>,
    pub otpauth: String,
    pub errors: FieldErrors,
}

#[derive(Debug, Clone)]
pub struct TokenView {
    pub id: i64,
    pub label: String,
    pub role: String,
    pub owner: String,
    pub created: String,
    pub revoked: bool,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/tokens.html")]
pub struct TokensPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub csrf: String,
    pub tokens: Vec<TokenView>,
    pub roles: Vec<&'static str>,
    pub new_token: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub who: String,
    pub action: String,
    pub subject: String,
    pub address: String,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/audit.html")]
pub struct AuditPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub records: Vec<AuditView>,
}

/// One field of the release editor.
#[derive(Debug, Clone)]
pub struct EditorField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub required: bool,
    pub multiline: bool,
}

/// A submit button of the editor (save, submit for clearance...).
#[derive(Debug, Clone)]
pub struct EditorButton {
    pub value: String,
    pub label: String,
    pub formaction: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/editor.html")]
pub struct EditorPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub csrf: String,
    pub heading: String,
    pub action: String,
    pub fields: Vec<EditorField>,
    pub errors: FieldErrors,
    pub buttons: Vec<EditorButton>,
    pub notice: Option<String>,
}

macro_rules! to_html {
    ($($page:ident),*) => {$(
        impl $page<'_> {
            pub fn to_html(&self) -> Result<String, RenderError> {
                render(self)
            }
        }
    )*};
}

to_html!(
    LoginPage,
    DashboardPage,
    UsersPage,
    InvitationPage,
    TokensPage,
    AuditPage,
    EditorPage
);
