//! The release editor: a server-rendered form for every field of a
//! release, validation messages beside the fields, and a preview rendered
//! by the public page's own template, so it is exactly what readers will
//! see. Saving and the editorial actions call the workflow's use-cases.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use pressroom_domain::{
    Attribution, Body, Dateline, FieldError, Issuer, Kind, Language, Release, ReleaseContent,
    ReleaseDate, ReleaseId, Slug, Status, Title,
};
use pressroom_render::newsroom::{EditorField, EditorPage, FieldErrors};
use pressroom_render::{ReleasePage, SiteConfig};
use serde::Deserialize;

use super::SignedIn;
use crate::{AppError, NewsroomState};

/// Every field of a release as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ReleaseForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub dateline: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub attribution: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub language: String,
    /// A correction's public note (the correct form only).
    #[serde(default)]
    pub change_note: String,
}

fn optional(s: &str) -> Option<&str> {
    (!s.trim().is_empty()).then_some(s)
}

impl ReleaseForm {
    /// The content, or a message per field that is wrong. Kind and issuer
    /// are required for new releases (only legacy ones lack them).
    pub fn parse(&self) -> Result<ReleaseContent, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut note = |name: &str, e: FieldError| errors.add(name, message(e));
        let title = Title::parse(&self.title).map_err(|e| note("title", e)).ok();
        let kind = Kind::parse(&self.kind).map_err(|e| note("kind", e)).ok();
        let issuer = Issuer::parse(&self.issuer)
            .map_err(|e| note("issuer", e))
            .ok();
        let dateline = optional(&self.dateline)
            .map(|s| Dateline::parse(s).map_err(|e| note("dateline", e)).ok())
            .unwrap_or(None);
        let date = ReleaseDate::parse_iso(self.date.trim())
            .map_err(|e| note("date", e))
            .ok();
        let attribution = optional(&self.attribution)
            .map(|s| {
                Attribution::parse(s)
                    .map_err(|e| note("attribution", e))
                    .ok()
            })
            .unwrap_or(None);
        let body = Body::from_markdown(&self.body)
            .map_err(|e| note("body", e))
            .ok();
        let language = if self.language.trim().is_empty() {
            Some(Language::default())
        } else {
            Language::parse(&self.language)
                .map_err(|e| note("language", e))
                .ok()
        };
        match (title, kind, issuer, date, body, language) {
            (Some(title), Some(kind), Some(issuer), Some(date), Some(body), Some(language))
                if errors.is_empty() =>
            {
                Ok(ReleaseContent {
                    title,
                    kind: Some(kind),
                    issuer: Some(issuer),
                    dateline,
                    date,
                    attribution,
                    body,
                    language,
                })
            }
            _ => Err(errors),
        }
    }

    /// The form's fields with what was typed, for the editor page.
    pub fn fields(&self) -> Vec<EditorField> {
        let f = |name, label, value: &str, required, multiline| EditorField {
            name,
            label,
            value: value.to_owned(),
            required,
            multiline,
        };
        vec![
            f("title", "Title", &self.title, true, false),
            f(
                "kind",
                "Kind (Press Statement, Readout, Media Note...)",
                &self.kind,
                true,
                false,
            ),
            f(
                "issuer",
                "Issuer (office or person)",
                &self.issuer,
                true,
                false,
            ),
            f(
                "dateline",
                "Dateline (Washington, DC)",
                &self.dateline,
                false,
                false,
            ),
            f("date", "Date (YYYY-MM-DD)", &self.date, true, false),
            f(
                "attribution",
                "Attribution",
                &self.attribution,
                false,
                false,
            ),
            f(
                "body",
                "Body (Markdown; a blank line between paragraphs)",
                &self.body,
                true,
                true,
            ),
            f(
                "language",
                "Language (en, fr...)",
                &self.language,
                false,
                false,
            ),
        ]
    }
}

/// A field error's reason, without the field's name (it is shown beside
/// the field already).
fn message(e: FieldError) -> String {
    match e {
        FieldError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// The editor page for `form`, with `errors` beside the fields.
pub(crate) fn editor_page(
    site: &SiteConfig,
    me: &SignedIn,
    heading: &str,
    action: &str,
    form: &ReleaseForm,
    errors: FieldErrors,
    buttons: Vec<pressroom_render::newsroom::EditorButton>,
) -> Result<String, AppError> {
    Ok(EditorPage {
        site,
        who: Some(me.who()),
        csrf: me.csrf.clone(),
        heading: heading.to_owned(),
        action: action.to_owned(),
        fields: form.fields(),
        errors,
        buttons,
        notice: None,
    }
    .to_html()?)
}

/// `GET /newsroom/releases/new`: an empty editor.
pub(crate) async fn new(
    State(site): State<Arc<SiteConfig>>,
    me: SignedIn,
) -> Result<Html<String>, AppError> {
    Ok(Html(editor_page(
        &site,
        &me,
        "New release",
        "/newsroom/releases/new",
        &ReleaseForm::default(),
        FieldErrors::default(),
        save_buttons(),
    )?))
}

/// Editorial refusals as HTTP: a missing right is a 403, an action that
/// does not fit the release as it stands (its status, a change meanwhile,
/// clearance required) a 409, a wrong value a 422 naming the field.
impl From<pressroom_newsroom::workflow::WorkflowError> for AppError {
    fn from(e: pressroom_newsroom::workflow::WorkflowError) -> Self {
        use pressroom_domain::Refusal as R;
        use pressroom_newsroom::workflow::WorkflowError as W;
        match e {
            W::Refused(R::Role { .. } | R::NotOwn { .. } | R::OwnClearance { .. })
            | W::NotAdmin(_) => AppError::Forbidden(e.to_string()),
            W::Refused(R::WrongStatus { .. } | R::ClearanceRequired { .. }) | W::Changed(_) => {
                AppError::Conflict(e.to_string())
            }
            W::NotFound(_) => AppError::NotFound,
            W::Invalid { .. } => AppError::Unprocessable(e.to_string()),
            W::Store(s) => AppError::Store(s),
        }
    }
}

/// `POST /newsroom/releases/new`: saves the form as a new draft of the
/// signed-in user (the workflow's `create_draft`), or shows the editor with
/// messages beside the wrong fields.
pub(crate) async fn create(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Form(form): Form<ReleaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    let content = match form.parse() {
        Ok(content) => content,
        Err(errors) => {
            let html = editor_page(
                &site,
                &me,
                "New release",
                "/newsroom/releases/new",
                &form,
                errors,
                save_buttons(),
            )?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    let release = pressroom_newsroom::workflow::create_draft(
        newsroom.store.as_ref(),
        newsroom.clock.as_ref(),
        me.actor.workflow(),
        content,
    )
    .await?;
    newsroom
        .accounts
        .audit(
            Some(&me.actor),
            "",
            "release.create_draft",
            &format!("release {}", release.id),
            &me.address,
        )
        .await?;
    Ok(axum::response::Redirect::to(&format!("/newsroom/releases/{}", release.id)).into_response())
}

/// The editor's save button.
fn save_buttons() -> Vec<pressroom_render::newsroom::EditorButton> {
    vec![pressroom_render::newsroom::EditorButton {
        value: "save".to_owned(),
        label: "Save draft".to_owned(),
        formaction: None,
    }]
}

/// `POST /newsroom/releases/preview`: the public page's template over the
/// form's content, or the editor with messages beside the wrong fields.
pub(crate) async fn preview(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Form(form): Form<ReleaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    match form.parse() {
        Ok(content) => {
            let now = newsroom.clock.now();
            let release = Release {
                id: ReleaseId(0),
                slug: Slug::from_title(content.title.as_str()),
                status: Status::Published,
                revision: 1,
                published_at: Some(now),
                created_at: now,
                updated_at: now,
                content,
            };
            Ok(Html(ReleasePage::new(&site, &release, None, None).to_html()?).into_response())
        }
        Err(errors) => {
            let html = editor_page(
                &site,
                &me,
                "New release",
                "/newsroom/releases/new",
                &form,
                errors,
                save_buttons(),
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
