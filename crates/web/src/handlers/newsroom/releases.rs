//! A release in the newsroom: its page (fields in the editor while they may
//! change, its state, the actions the signed-in user may take now, its
//! history and embargo preview links) and one POST route per workflow
//! action. The page offers only what `transition` allows the user; every
//! POST is decided again on the server by the use-case, and a refusal comes
//! back as the page with the reason beside the form, never a 500.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use pressroom_domain::workflow::transition;
use pressroom_domain::{Action, Release, ReleaseId, Status};
use pressroom_newsroom::workflow::{self, WorkflowError};
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::{
    ActionForm, EditorButton, EditorField, FieldErrors, HistoryItem, NoteInput, PreviewAccessView,
    PreviewLinkView, PreviewPanel, ReleaseDeskPage, RevisionItem,
};
use pressroom_store::UserId;
use serde::Deserialize;

use super::SignedIn;
use super::acts::{Act, ZONES, audit_outcome, local_time, perform};
use super::editor::ReleaseForm;
use crate::{AppError, NewsroomState};

/// A release id from the address; anything but a positive number is a 404.
pub(crate) fn release_id(raw: &str) -> Result<ReleaseId, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ReleaseId)
        .ok_or(AppError::NotFound)
}

/// What an action's form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ActionData {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub comments: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub at: String,
    #[serde(default)]
    pub zone: String,
}

/// `?done=ACTION` after a redirect: what was just done.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// The state of the page being drawn: what was typed and what went wrong.
#[derive(Default)]
struct Draw {
    form: Option<ReleaseForm>,
    errors: FieldErrors,
    notice: Option<String>,
    failed: Option<(Action, String, ActionData)>,
    preview_error: Option<String>,
    new_link: Option<(String, String)>,
}

fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Names for user ids, looked up once each.
async fn names(newsroom: &NewsroomState, ids: impl Iterator<Item = i64>) -> HashMap<i64, String> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) {
            continue;
        }
        let name = if id == 0 {
            "the scheduler".to_owned()
        } else {
            match newsroom.accounts.store.user(UserId(id)).await {
                Ok(Some(u)) => format!("{} <{}>", u.name, u.email),
                _ => format!("user {id}"),
            }
        };
        out.insert(id, name);
    }
    out
}

fn action_label(action: Action) -> &'static str {
    match action {
        Action::Edit => "Save draft",
        Action::Submit => "Submit for clearance",
        Action::Approve => "Approve",
        Action::Return => "Return for changes",
        Action::Schedule => "Schedule",
        Action::Embargo => "Embargo",
        Action::Unschedule => "Take off the timetable",
        Action::Publish => "Publish now",
        Action::Correct => "Publish correction",
        Action::Withdraw => "Withdraw",
    }
}

/// The route segment of an action's POST.
fn action_segment(action: Action) -> &'static str {
    match action {
        Action::Publish => "publish",
        other => other.as_str(),
    }
}

fn action_form(
    id: ReleaseId,
    action: Action,
    failed: &Option<(Action, String, ActionData)>,
) -> ActionForm {
    let (note, time) = match action {
        Action::Approve => (
            Some(NoteInput {
                name: "comment",
                label: "Comment (optional)",
                required: false,
            }),
            None,
        ),
        Action::Return => (
            Some(NoteInput {
                name: "comments",
                label: "What to change",
                required: true,
            }),
            None,
        ),
        Action::Withdraw => (
            Some(NoteInput {
                name: "reason",
                label: "Public reason for the withdrawal",
                required: true,
            }),
            None,
        ),
        Action::Schedule => (None, Some("Publication time")),
        Action::Embargo => (None, Some("Lift time (public everywhere from then)")),
        _ => (None, None),
    };
    let mine = failed.as_ref().filter(|(a, _, _)| *a == action);
    let data = mine.map(|(_, _, d)| d.clone()).unwrap_or_default();
    ActionForm {
        name: action.as_str(),
        label: action_label(action),
        href: format!("/newsroom/releases/{id}/{}", action_segment(action)),
        note_value: match action {
            Action::Approve => data.comment,
            Action::Return => data.comments,
            Action::Withdraw => data.reason,
            _ => String::new(),
        },
        time_value: data.at,
        zone_value: if data.zone.is_empty() {
            "UTC".to_owned()
        } else {
            data.zone
        },
        note,
        time,
        error: mine.map(|(_, e, _)| e.clone()),
    }
}

/// The release form filled from stored content.
pub(crate) fn form_of(release: &Release) -> ReleaseForm {
    let c = &release.content;
    ReleaseForm {
        csrf: String::new(),
        title: c.title.to_string(),
        kind: c.kind.as_ref().map(ToString::to_string).unwrap_or_default(),
        issuer: c
            .issuer
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        dateline: c
            .dateline
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        date: c.date.date().to_string(),
        attribution: c
            .attribution
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        body: c.body.to_markdown(),
        language: c.language.to_string(),
        change_note: String::new(),
    }
}

async fn draw(
    site: &SiteConfig,
    newsroom: &NewsroomState,
    me: &SignedIn,
    release: Release,
    d: Draw,
) -> Result<String, AppError> {
    let id = release.id;
    let store = newsroom.store.as_ref();
    let author = store.author(id).await?;
    let own = author == Some(me.actor.user.0);
    let settings = store.workflow_settings().await?;
    let may = |a: Action| transition(release.status, a, me.actor.role, own, &settings).is_ok();
    let (events, revisions) = workflow::history(store, id).await?;
    let who = names(newsroom, events.iter().map(|e| e.actor).chain(author)).await;

    let form = d.form.unwrap_or_else(|| form_of(&release));
    let (editable, action, buttons, mut fields) = if may(Action::Edit) {
        (
            true,
            format!("/newsroom/releases/{id}"),
            vec![EditorButton {
                value: "save".to_owned(),
                label: "Save draft".to_owned(),
                formaction: None,
            }],
            form.fields(),
        )
    } else if may(Action::Correct) {
        (
            true,
            format!("/newsroom/releases/{id}/correct"),
            vec![EditorButton {
                value: "correct".to_owned(),
                label: "Publish correction".to_owned(),
                formaction: None,
            }],
            form.fields(),
        )
    } else {
        (false, String::new(), Vec::new(), Vec::new())
    };
    if may(Action::Correct) {
        fields.push(EditorField {
            name: "change_note",
            label: "Change note (public: what was corrected and why)",
            value: form.change_note.clone(),
            required: true,
            multiline: true,
        });
    }
    let readonly = if editable {
        Vec::new()
    } else {
        form.fields()
            .into_iter()
            .map(|f| (f.label, f.value))
            .collect()
    };
    let actions: Vec<ActionForm> = Action::ALL
        .into_iter()
        .filter(|a| !matches!(a, Action::Edit | Action::Correct))
        .filter(|a| may(*a))
        .map(|a| action_form(id, a, &d.failed))
        .collect();
    let refusal = d
        .failed
        .as_ref()
        .filter(|(a, _, _)| !actions.iter().any(|f| f.name == a.as_str()))
        .map(|(_, message, _)| message.clone());
    let preview = if me.actor.role >= pressroom_domain::Role::Publisher
        && matches!(
            release.status,
            Status::Embargoed | Status::Published | Status::Withdrawn
        ) {
        let links = workflow::preview_links(store, me.actor.workflow(), id).await?;
        let accesses = store.preview_accesses(id).await?;
        let embargoed = release.status == Status::Embargoed;
        let issuers = names(newsroom, links.iter().map(|l| l.link.created_by)).await;
        let now = newsroom.clock.now();
        (embargoed || !links.is_empty()).then(|| PreviewPanel {
            can_issue: embargoed,
            new_link: d.new_link.as_ref().map(|(l, _)| l.clone()),
            journalist: d.new_link.map(|(_, j)| j).unwrap_or_default(),
            error: d.preview_error,
            links: links
                .into_iter()
                .map(|l| PreviewLinkView {
                    id: l.link.id,
                    // Revocable while it could still open the release.
                    revoke_href: (embargoed && l.revoked_at.is_none() && l.link.expires_at > now)
                        .then(|| {
                            format!("/newsroom/releases/{id}/preview-links/{}/revoke", l.link.id)
                        }),
                    issued_by: issuers.get(&l.link.created_by).cloned().unwrap_or_default(),
                    journalist: l.link.journalist,
                    created: when(l.link.created_at),
                    expires: when(l.link.expires_at),
                    revoked: l.revoked_at.map(when),
                    accesses: l.accesses,
                })
                .collect(),
            accesses: accesses
                .into_iter()
                .map(|a| PreviewAccessView {
                    journalist: a.journalist,
                    at: when(a.at),
                })
                .collect(),
        })
    } else {
        None
    };
    let public = matches!(release.status, Status::Published | Status::Withdrawn);
    Ok(ReleaseDeskPage {
        site,
        who: Some(me.who()),
        csrf: me.csrf.clone(),
        id: id.0,
        heading: release.content.title.to_string(),
        status: release.status.to_string(),
        author: author.map_or_else(
            || "imported from the archive".to_owned(),
            |a| who.get(&a).cloned().unwrap_or_default(),
        ),
        public_href: public.then(|| release.path().to_string()),
        publish_at: release.published_at.map(when),
        editable,
        action,
        fields,
        errors: d.errors,
        buttons,
        readonly,
        notice: d.notice,
        actions,
        refusal,
        zones: ZONES.to_vec(),
        history: events
            .into_iter()
            .map(|e| HistoryItem {
                at: when(e.at),
                who: who.get(&e.actor).cloned().unwrap_or_default(),
                action: e.action,
                from: e.from.to_string(),
                to: e.to.to_string(),
                note: e.note,
            })
            .collect(),
        revisions: revisions
            .into_iter()
            .map(|r| RevisionItem {
                number: r.number,
                event: r.event,
                at: when(r.created_at),
                note: r.change_note,
            })
            .collect(),
        preview,
    }
    .to_html()?)
}

async fn load(newsroom: &NewsroomState, id: ReleaseId) -> Result<Release, AppError> {
    newsroom.store.get(id).await?.ok_or(AppError::NotFound)
}

/// `GET /newsroom/releases/{id}`
pub(crate) async fn show(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Html<String>, AppError> {
    let id = release_id(&id)?;
    let release = load(&newsroom, id).await?;
    let notice = done.done.and_then(|d| {
        if d == PREVIEW_LINK_REVOKED {
            return Some("Done: the preview link was revoked; it opens nothing now.".to_owned());
        }
        Action::parse(&d)
            .ok()
            .map(|a| format!("Done: {}.", action_label(a)))
    });
    Ok(Html(
        draw(
            &site,
            &newsroom,
            &me,
            release,
            Draw {
                notice,
                ..Draw::default()
            },
        )
        .await?,
    ))
}

/// The HTTP status of a workflow refusal shown on the page, as
/// `From<WorkflowError> for AppError` gives it elsewhere.
fn refusal_status(e: &WorkflowError) -> StatusCode {
    use pressroom_domain::Refusal as R;
    match e {
        WorkflowError::Refused(R::Role { .. } | R::NotOwn { .. } | R::OwnClearance { .. })
        | WorkflowError::NotAdmin(_) => StatusCode::FORBIDDEN,
        WorkflowError::Refused(_) | WorkflowError::Changed(_) => StatusCode::CONFLICT,
        WorkflowError::NotFound(_) => StatusCode::NOT_FOUND,
        WorkflowError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        WorkflowError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// After an action: back to the release on success, or the page again with
/// the reason beside the action's form.
async fn answer(
    site: &SiteConfig,
    newsroom: &NewsroomState,
    me: &SignedIn,
    id: ReleaseId,
    action: Action,
    result: Result<Release, WorkflowError>,
    mut d: Draw,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/newsroom/releases/{id}?done={action}")).into_response())
        }
        Err(e @ (WorkflowError::Store(_) | WorkflowError::NotFound(_))) => Err(e.into()),
        Err(e) => {
            let status = refusal_status(&e);
            let release = load(newsroom, id).await?;
            let message = e.to_string();
            if matches!(action, Action::Edit | Action::Correct) {
                if let WorkflowError::Invalid { field, reason } = &e {
                    d.errors.add(&field.replace(' ', "_"), reason.clone());
                }
                d.notice = Some(message);
            } else {
                let data = d.failed.take().map(|(_, _, data)| data).unwrap_or_default();
                d.failed = Some((action, message, data));
            }
            let html = draw(site, newsroom, me, release, d).await?;
            Ok((status, Html(html)).into_response())
        }
    }
}

/// `POST /newsroom/releases/{id}`: saves the editor over a draft.
pub(crate) async fn save(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ReleaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    let id = release_id(&id)?;
    edit_like(&site, &newsroom, &me, id, form, Action::Edit).await
}

/// `POST /newsroom/releases/{id}/correct`: a new public revision with its
/// public change note.
pub(crate) async fn correct(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ReleaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    let id = release_id(&id)?;
    edit_like(&site, &newsroom, &me, id, form, Action::Correct).await
}

async fn edit_like(
    site: &SiteConfig,
    newsroom: &NewsroomState,
    me: &SignedIn,
    id: ReleaseId,
    form: ReleaseForm,
    action: Action,
) -> Result<Response, AppError> {
    let content = match form.parse() {
        Ok(content) => content,
        Err(errors) => {
            let release = load(newsroom, id).await?;
            let html = draw(
                site,
                newsroom,
                me,
                release,
                Draw {
                    form: Some(form),
                    errors,
                    ..Draw::default()
                },
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    let act = match action {
        Action::Correct => Act::Correct(content, form.change_note.clone()),
        _ => Act::Edit(content),
    };
    let result = perform(newsroom, &me.actor, &me.address, id, act).await?;
    let d = Draw {
        form: Some(form),
        ..Draw::default()
    };
    answer(site, newsroom, me, id, action, result, d).await
}

/// One of the actions without content: decodes the form's values for it.
async fn simple(
    site: Arc<SiteConfig>,
    newsroom: NewsroomState,
    me: SignedIn,
    id: String,
    data: ActionData,
    action: Action,
) -> Result<Response, AppError> {
    me.check_csrf(&data.csrf)?;
    let id = release_id(&id)?;
    let act = match action {
        Action::Submit => Ok(Act::Submit),
        Action::Approve => Ok(Act::Approve(
            Some(data.comment.clone()).filter(|c| !c.trim().is_empty()),
        )),
        Action::Return => Ok(Act::Return(data.comments.clone())),
        Action::Withdraw => Ok(Act::Withdraw(data.reason.clone())),
        Action::Unschedule => Ok(Act::Unschedule),
        Action::Publish => Ok(Act::Publish),
        Action::Schedule => local_time(&data.at, &data.zone).map(Act::Schedule),
        Action::Embargo => local_time(&data.at, &data.zone).map(Act::Embargo),
        Action::Edit | Action::Correct => return Err(AppError::NotFound),
    };
    let result = match act {
        Ok(act) => perform(&newsroom, &me.actor, &me.address, id, act).await?,
        Err(reason) => Err(WorkflowError::Invalid {
            field: if action == Action::Embargo {
                "lift time"
            } else {
                "publication time"
            },
            reason,
        }),
    };
    let d = Draw {
        failed: Some((action, String::new(), data)),
        ..Draw::default()
    };
    answer(&site, &newsroom, &me, id, action, result, d).await
}

macro_rules! action_route {
    ($($name:ident => $action:expr),* $(,)?) => {$(
        #[doc = concat!("`POST /newsroom/releases/{id}/", stringify!($name), "`")]
        pub(crate) async fn $name(
            State(site): State<Arc<SiteConfig>>,
            State(newsroom): State<NewsroomState>,
            me: SignedIn,
            Path(id): Path<String>,
            Form(data): Form<ActionData>,
        ) -> Result<Response, AppError> {
            simple(site, newsroom, me, id, data, $action).await
        }
    )*};
}

action_route!(
    submit => Action::Submit,
    approve => Action::Approve,
    return_for_changes => Action::Return,
    schedule => Action::Schedule,
    embargo => Action::Embargo,
    unschedule => Action::Unschedule,
    publish => Action::Publish,
    withdraw => Action::Withdraw,
);

/// What the preview link form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PreviewData {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub journalist: String,
    #[serde(default)]
    pub days: String,
}

/// `POST /newsroom/releases/{id}/preview-links`: a personal link for a
/// named journalist, shown once on the page that answers.
pub(crate) async fn issue_preview(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<String>,
    Form(data): Form<PreviewData>,
) -> Result<Response, AppError> {
    me.check_csrf(&data.csrf)?;
    let id = release_id(&id)?;
    let days = data.days.trim().parse::<u64>().unwrap_or(0);
    let result = workflow::create_preview_link(
        newsroom.store.as_ref(),
        newsroom.clock.as_ref(),
        me.actor.workflow(),
        id,
        &data.journalist,
        Duration::from_secs(days.saturating_mul(86_400)),
    )
    .await;
    audit_outcome(
        &newsroom,
        &me.actor,
        &me.address,
        "release.preview_link",
        id,
        &result,
    )
    .await?;
    let release = load(&newsroom, id).await?;
    let (status, d) = match result {
        Ok(issued) => (
            StatusCode::OK,
            Draw {
                new_link: Some((
                    site.absolute(&format!("/preview/{}", issued.token)),
                    issued.link.journalist,
                )),
                ..Draw::default()
            },
        ),
        Err(
            e @ WorkflowError::Invalid {
                field: "journalist" | "validity",
                ..
            },
        ) => (
            refusal_status(&e),
            Draw {
                preview_error: Some(e.to_string()),
                ..Draw::default()
            },
        ),
        Err(e) => return Err(e.into()),
    };
    let html = draw(&site, &newsroom, &me, release, d).await?;
    Ok((status, Html(html)).into_response())
}

/// `?done=` after a preview link was revoked.
const PREVIEW_LINK_REVOKED: &str = "preview-link-revoked";

/// What a revoke button sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RevokeData {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /newsroom/releases/{id}/preview-links/{link}/revoke`: from now on
/// the link opens nothing. Audited, refusals included.
pub(crate) async fn revoke_preview(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path((id, link)): Path<(String, String)>,
    Form(data): Form<RevokeData>,
) -> Result<Response, AppError> {
    me.check_csrf(&data.csrf)?;
    let id = release_id(&id)?;
    let link = release_id(&link)?.0;
    let result = workflow::revoke_preview_link(
        newsroom.store.as_ref(),
        newsroom.clock.as_ref(),
        me.actor.workflow(),
        id,
        link,
    )
    .await;
    audit_revocation(&newsroom, &me.actor, &me.address, id, link, &result).await?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/newsroom/releases/{id}?done={PREVIEW_LINK_REVOKED}"
        ))
        .into_response()),
        Err(e @ WorkflowError::Invalid { .. }) => {
            let release = load(&newsroom, id).await?;
            let d = Draw {
                preview_error: Some(e.to_string()),
                ..Draw::default()
            };
            let html = draw(&site, &newsroom, &me, release, d).await?;
            Ok((refusal_status(&e), Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Audits a preview link's revocation, naming the link: done, or refused
/// with why.
pub(crate) async fn audit_revocation(
    newsroom: &NewsroomState,
    actor: &pressroom_newsroom::Actor,
    address: &str,
    id: ReleaseId,
    link: i64,
    result: &Result<(), WorkflowError>,
) -> Result<(), AppError> {
    let (action, subject) = match result {
        Ok(()) => (
            "release.preview_link_revoked".to_owned(),
            format!("release {id} link {link}"),
        ),
        Err(WorkflowError::Store(_)) => return Ok(()),
        Err(e) => (
            "release.preview_link_revoked.refused".to_owned(),
            format!("release {id} link {link}: {e}"),
        ),
    };
    newsroom
        .accounts
        .audit(Some(actor), "", &action, &subject, address)
        .await?;
    Ok(())
}
