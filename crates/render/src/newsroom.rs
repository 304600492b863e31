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
    /// Shown beside the item, flagged: why it needs attention now (an
    /// overdue scheduled release).
    pub alert: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "newsroom/dashboard.html")]
pub struct DashboardPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub drafts: Vec<WorkItem>,
    pub waiting: Vec<WorkItem>,
    /// Scheduled or embargoed releases past their time and still not
    /// published (the scheduler is down): publishers only.
    pub overdue: Vec<WorkItem>,
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

/// A text box an action's form asks for (a comment, a reason).
#[derive(Debug, Clone)]
pub struct NoteInput {
    pub name: &'static str,
    pub label: &'static str,
    pub required: bool,
}

/// One workflow action the signed-in user may take on a release now, as
/// its own small form.
#[derive(Debug, Clone)]
pub struct ActionForm {
    /// The action's name (`submit`, `approve`...), for ids.
    pub name: &'static str,
    pub label: &'static str,
    /// Where the form posts.
    pub href: String,
    pub note: Option<NoteInput>,
    /// The label of a time field (with its zone), if the action needs one.
    pub time: Option<&'static str>,
    /// What was typed, kept when the form comes back with an error.
    pub note_value: String,
    pub time_value: String,
    pub zone_value: String,
    /// Why this action was just refused, shown beside its form.
    pub error: Option<String>,
}

/// One line of a release's newsroom history.
#[derive(Debug, Clone)]
pub struct HistoryItem {
    pub at: String,
    pub who: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub note: Option<String>,
}

/// One public revision of a release.
#[derive(Debug, Clone)]
pub struct RevisionItem {
    pub number: u32,
    pub event: String,
    pub at: String,
    pub note: Option<String>,
}

/// A preview link issued for an embargoed release.
#[derive(Debug, Clone)]
pub struct PreviewLinkView {
    pub id: i64,
    pub journalist: String,
    /// Who issued it.
    pub issued_by: String,
    pub created: String,
    pub expires: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
    /// How many times it was opened.
    pub accesses: u64,
    /// Where its revoke button posts, while it still opens the release.
    pub revoke_href: Option<String>,
}

/// One reading through a preview link.
#[derive(Debug, Clone)]
pub struct PreviewAccessView {
    pub journalist: String,
    pub at: String,
}

/// The embargo preview panel of a release page (publishers, embargoed
/// releases).
#[derive(Debug, Clone, Default)]
pub struct PreviewPanel {
    /// May the signed-in user issue links now (embargoed, publisher)?
    pub can_issue: bool,
    /// A link just issued: its address, shown only now.
    pub new_link: Option<String>,
    pub error: Option<String>,
    pub journalist: String,
    pub links: Vec<PreviewLinkView>,
    pub accesses: Vec<PreviewAccessView>,
}

/// A release in the newsroom: its fields (in the editor when they may be
/// changed), its state, the actions the signed-in user may take, its
/// history and, when embargoed, its preview links.
#[derive(Debug, Template)]
#[template(path = "newsroom/release.html")]
pub struct ReleaseDeskPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub csrf: String,
    pub id: i64,
    pub heading: String,
    pub status: String,
    pub author: String,
    /// The public address, once the release is public.
    pub public_href: Option<String>,
    /// When it goes or went public, in UTC.
    pub publish_at: Option<String>,
    /// The editor form, when the user may change the content (a draft, or
    /// a correction of a published release).
    pub editable: bool,
    pub action: String,
    pub fields: Vec<EditorField>,
    pub errors: FieldErrors,
    pub buttons: Vec<EditorButton>,
    /// The content, read-only, when not editable.
    pub readonly: Vec<(&'static str, String)>,
    pub notice: Option<String>,
    pub actions: Vec<ActionForm>,
    /// Why an action just posted was refused, when its form is not offered
    /// (the role or the release's status does not allow it).
    pub refusal: Option<String>,
    pub zones: Vec<&'static str>,
    pub history: Vec<HistoryItem>,
    pub revisions: Vec<RevisionItem>,
    pub preview: Option<PreviewPanel>,
}

/// The workflow settings an admin controls.
#[derive(Debug, Template)]
#[template(path = "newsroom/settings.html")]
pub struct SettingsPage<'a> {
    pub site: &'a SiteConfig,
    pub who: Option<Who>,
    pub csrf: String,
    pub allow_skip_clearance: bool,
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
    EditorPage,
    ReleaseDeskPage,
    SettingsPage
);
