//! The newsroom API's releases: create, edit, read, list and every
//! workflow action as JSON, through the same use-cases (and the same
//! [`perform`]) as the newsroom's pages, so the server decides every action
//! the same way whichever door it came through. Errors are problem details:
//! 401 without credentials, 403 beyond the caller's role, 404, 409 when the
//! release's status does not allow the action, 422 naming a wrong field.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseContent, ReleaseId, Role, Status, WorkflowSettings};
use pressroom_newsroom::workflow;
use pressroom_render::SiteConfig;
use pressroom_store::{DeskQuery, MAX_DESK_PAGE};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::newsroom::TokenActor;
use crate::handlers::newsroom::acts::{Act, audit_outcome, local_time, perform};
use crate::handlers::newsroom::editor::ReleaseForm;
use crate::handlers::newsroom::releases::{audit_revocation, release_id};
use crate::{AppError, NewsroomState};

/// A release's content as the API takes it. The body is Markdown.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContentIn {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    dateline: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    attribution: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    language: String,
    /// A correction's public note (the correct action only).
    #[serde(default)]
    change_note: String,
}

impl ContentIn {
    /// The content, or a 422 naming every wrong field.
    fn parse(&self) -> Result<ReleaseContent, AppError> {
        let form = ReleaseForm {
            csrf: String::new(),
            title: self.title.clone(),
            kind: self.kind.clone(),
            issuer: self.issuer.clone(),
            dateline: self.dateline.clone(),
            date: self.date.clone(),
            attribution: self.attribution.clone(),
            body: self.body.clone(),
            language: self.language.clone(),
            change_note: String::new(),
        };
        form.parse().map_err(|errors| {
            AppError::Unprocessable(
                errors
                    .0
                    .iter()
                    .map(|(field, message)| format!("{field}: {message}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    }
}

/// What an action takes (each action reads only its own fields).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionIn {
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    comments: String,
    #[serde(default)]
    reason: String,
    /// RFC 3339 with an offset, or a local time when `zone` is given.
    #[serde(default)]
    at: String,
    /// An IANA time zone for a local `at`.
    #[serde(default)]
    zone: Option<String>,
}

/// A release as the newsroom API shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeskRelease {
    id: i64,
    status: &'static str,
    revision: u32,
    /// Its public address (public once published).
    path: String,
    title: String,
    kind: Option<String>,
    issuer: Option<String>,
    dateline: Option<String>,
    date: String,
    attribution: Option<String>,
    body: String,
    language: String,
    published_at: Option<String>,
    created_at: String,
    updated_at: String,
}

pub(crate) fn rfc3339(t: Timestamp) -> String {
    t.to_string()
}

impl From<&Release> for DeskRelease {
    fn from(r: &Release) -> Self {
        let c = &r.content;
        Self {
            id: r.id.0,
            status: r.status.as_str(),
            revision: r.revision,
            path: r.path().to_string(),
            title: c.title.to_string(),
            kind: c.kind.as_ref().map(ToString::to_string),
            issuer: c.issuer.as_ref().map(ToString::to_string),
            dateline: c.dateline.as_ref().map(ToString::to_string),
            date: c.date.date().to_string(),
            attribution: c.attribution.as_ref().map(ToString::to_string),
            body: c.body.to_markdown(),
            language: c.language.to_string(),
            published_at: r.published_at.map(rfc3339),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

/// A JSON body, or the type's default when the body is empty (actions that
/// need nothing may be posted bare); malformed JSON is a 422.
pub(crate) fn body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, AppError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
        .map_err(|e| AppError::Unprocessable(format!("the JSON body is not valid: {e}")))
}

fn id_of(raw: &str) -> Result<ReleaseId, AppError> {
    release_id(raw)
}

/// `GET /api/newsroom/releases?status=&mine=&before=&limit=`: releases of
/// any status, newest first, by keyset (`next_before` asks for the next page).
pub(crate) async fn list(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let mut q = DeskQuery {
        limit: 50,
        ..DeskQuery::default()
    };
    let mut seen = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if seen.contains(&key) {
            return Err(AppError::BadRequest(format!(
                "the parameter {key:?} is given more than once"
            )));
        }
        seen.push(key.clone());
        match key.as_ref() {
            "status" => {
                for s in value.split(',').filter(|s| !s.is_empty()) {
                    q.statuses.push(Status::parse(s).map_err(|_| {
                        AppError::Unprocessable(format!("status: {s:?} is not a status"))
                    })?);
                }
            }
            "mine" => match value.as_ref() {
                "true" => q.author = Some(who.actor.user.0),
                "false" => {}
                other => {
                    return Err(AppError::Unprocessable(format!(
                        "mine: {other:?} is not true or false"
                    )));
                }
            },
            "before" => {
                q.before = Some(ReleaseId(
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            AppError::Unprocessable(format!(
                                "before: {value:?} is not a release id"
                            ))
                        })?,
                ));
            }
            "limit" => {
                q.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_DESK_PAGE).contains(n))
                    .ok_or_else(|| {
                        AppError::Unprocessable(format!(
                            "limit: {value:?} is not a number from 1 to {MAX_DESK_PAGE}"
                        ))
                    })?;
            }
            other => {
                return Err(AppError::Unprocessable(format!(
                    "{other:?} is not a parameter of this list (status, mine, before, limit)"
                )));
            }
        }
    }
    let items = newsroom.store.desk(&q).await?;
    let next_before = (items.len() == q.bounded_limit() as usize)
        .then(|| items.last().map(|r| r.id.0))
        .flatten();
    Ok(Json(serde_json::json!({
        "items": items.iter().map(DeskRelease::from).collect::<Vec<_>>(),
        "next_before": next_before,
    }))
    .into_response())
}

/// `POST /api/newsroom/releases`: a new draft of the caller; 201.
pub(crate) async fn create(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let input: ContentIn = body(&bytes)?;
    let content = input.parse()?;
    let release = workflow::create_draft(
        newsroom.store.as_ref(),
        newsroom.clock.as_ref(),
        who.actor.workflow(),
        content,
    )
    .await?;
    newsroom
        .accounts
        .audit(
            Some(&who.actor),
            "",
            "release.create_draft",
            &format!("release {}", release.id),
            &who.address,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/newsroom/releases/{}", release.id),
        )],
        Json(DeskRelease::from(&release)),
    )
        .into_response())
}

/// `GET /api/newsroom/releases/{id}`: the release with its history.
pub(crate) async fn show(
    State(newsroom): State<NewsroomState>,
    _who: TokenActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let store = newsroom.store.as_ref();
    let release = store.get(id).await?.ok_or(AppError::NotFound)?;
    let author = store.author(id).await?;
    let (events, revisions) = workflow::history(store, id).await?;
    Ok(Json(serde_json::json!({
        "release": DeskRelease::from(&release),
        "author": author,
        "events": events.iter().map(|e| serde_json::json!({
            "action": e.action,
            "from": e.from.as_str(),
            "to": e.to.as_str(),
            "actor": e.actor,
            "note": e.note,
            "at": rfc3339(e.at),
        })).collect::<Vec<_>>(),
        "revisions": revisions.iter().map(|r| serde_json::json!({
            "number": r.number,
            "event": r.event,
            "change_note": r.change_note,
            "at": rfc3339(r.created_at),
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

async fn run(
    newsroom: &NewsroomState,
    who: &TokenActor,
    id: ReleaseId,
    act: Act,
) -> Result<Response, AppError> {
    let release = perform(newsroom, &who.actor, &who.address, id, act).await??;
    Ok(Json(DeskRelease::from(&release)).into_response())
}

/// `PUT /api/newsroom/releases/{id}`: replaces a draft's content.
pub(crate) async fn edit(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let input: ContentIn = body(&bytes)?;
    let content = input.parse()?;
    run(&newsroom, &who, id, Act::Edit(content)).await
}

/// `POST /api/newsroom/releases/{id}/correct`: a new public revision.
pub(crate) async fn correct(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let input: ContentIn = body(&bytes)?;
    let content = input.parse()?;
    run(
        &newsroom,
        &who,
        id,
        Act::Correct(content, input.change_note),
    )
    .await
}

/// An instant from `at`: RFC 3339 with an offset, or a local time in `zone`.
fn instant(field: &str, input: &ActionIn) -> Result<Timestamp, AppError> {
    let parsed = match &input.zone {
        Some(zone) => local_time(&input.at, zone),
        None => input.at.trim().parse::<Timestamp>().map_err(|_| {
            format!(
                "{:?} is not an RFC 3339 time with an offset (or give a zone)",
                input.at
            )
        }),
    };
    parsed.map_err(|reason| AppError::Unprocessable(format!("{field}: {reason}")))
}

async fn action(
    newsroom: NewsroomState,
    who: TokenActor,
    id: String,
    bytes: Bytes,
    make: impl FnOnce(ActionIn) -> Result<Act, AppError>,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let input: ActionIn = body(&bytes)?;
    let act = make(input)?;
    run(&newsroom, &who, id, act).await
}

macro_rules! api_action {
    ($($name:ident => $make:expr),* $(,)?) => {$(
        #[doc = concat!("`POST /api/newsroom/releases/{id}/", stringify!($name), "`")]
        pub(crate) async fn $name(
            State(newsroom): State<NewsroomState>,
            who: TokenActor,
            Path(id): Path<String>,
            bytes: Bytes,
        ) -> Result<Response, AppError> {
            action(newsroom, who, id, bytes, $make).await
        }
    )*};
}

api_action!(
    submit => |_| Ok(Act::Submit),
    approve => |i: ActionIn| Ok(Act::Approve(i.comment.filter(|c| !c.trim().is_empty()))),
    return_for_changes => |i: ActionIn| Ok(Act::Return(i.comments)),
    schedule => |i: ActionIn| instant("at", &i).map(Act::Schedule),
    embargo => |i: ActionIn| instant("at", &i).map(Act::Embargo),
    unschedule => |_| Ok(Act::Unschedule),
    publish => |_| Ok(Act::Publish),
    withdraw => |i: ActionIn| Ok(Act::Withdraw(i.reason)),
);

/// What a preview link request takes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PreviewIn {
    #[serde(default)]
    journalist: String,
    #[serde(default)]
    valid_days: u32,
}

/// `POST /api/newsroom/releases/{id}/preview-links`: a personal link for a
/// named journalist; the token is in this answer only.
pub(crate) async fn create_preview_link(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let input: PreviewIn = body(&bytes)?;
    let result = workflow::create_preview_link(
        newsroom.store.as_ref(),
        newsroom.clock.as_ref(),
        who.actor.workflow(),
        id,
        &input.journalist,
        Duration::from_secs(u64::from(input.valid_days) * 86_400),
    )
    .await;
    audit_outcome(
        &newsroom,
        &who.actor,
        &who.address,
        "release.preview_link",
        id,
        &result,
    )
    .await?;
    let issued = result?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "journalist": issued.link.journalist,
            "token": issued.token,
            "url": site.absolute(&format!("/preview/{}", issued.token)),
            "expires_at": rfc3339(issued.link.expires_at),
        })),
    )
        .into_response())
}

/// A preview link as the API lists it (never its token).
fn link_json(l: &pressroom_store::IssuedPreviewLink) -> serde_json::Value {
    serde_json::json!({
        "id": l.link.id,
        "journalist": l.link.journalist,
        "issued_by": l.link.created_by,
        "created_at": rfc3339(l.link.created_at),
        "expires_at": rfc3339(l.link.expires_at),
        "revoked_at": l.revoked_at.map(rfc3339),
        "accesses": l.accesses,
    })
}

/// `GET /api/newsroom/releases/{id}/preview-links`: every link issued for
/// the release, oldest first, with its revocation and openings
/// (publishers).
pub(crate) async fn preview_links(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let links = workflow::preview_links(newsroom.store.as_ref(), who.actor.workflow(), id).await?;
    Ok(Json(links.iter().map(link_json).collect::<Vec<_>>()).into_response())
}

/// `POST /api/newsroom/releases/{id}/preview-links/{link}/revoke`: from now
/// on the link opens nothing (publishers); the link as it now stands.
pub(crate) async fn revoke_preview_link(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path((id, link)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    let link = id_of(&link)?.0;
    let store = newsroom.store.as_ref();
    let result = workflow::revoke_preview_link(
        store,
        newsroom.clock.as_ref(),
        who.actor.workflow(),
        id,
        link,
    )
    .await;
    audit_revocation(&newsroom, &who.actor, &who.address, id, link, &result).await?;
    result?;
    let links = workflow::preview_links(store, who.actor.workflow(), id).await?;
    let revoked = links
        .iter()
        .find(|l| l.link.id == link)
        .ok_or(AppError::NotFound)?;
    Ok(Json(link_json(revoked)).into_response())
}

/// `GET /api/newsroom/releases/{id}/preview-accesses`: who opened the
/// release's preview links, when (publishers).
pub(crate) async fn preview_accesses(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_of(&id)?;
    if who.actor.role < Role::Publisher {
        return Err(AppError::Forbidden(format!(
            "a {} cannot see preview accesses; it needs a publisher",
            who.actor.role
        )));
    }
    newsroom.store.get(id).await?.ok_or(AppError::NotFound)?;
    let accesses = newsroom.store.preview_accesses(id).await?;
    Ok(Json(
        accesses
            .iter()
            .map(|a| serde_json::json!({ "journalist": a.journalist, "at": rfc3339(a.at) }))
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// `GET /api/newsroom/settings` (admins).
pub(crate) async fn settings(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
) -> Result<Response, AppError> {
    if who.actor.role != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "only an admin can see the workflow settings (you are a {})",
            who.actor.role
        )));
    }
    let s = workflow::settings(newsroom.store.as_ref()).await?;
    Ok(Json(s).into_response())
}

/// `PUT /api/newsroom/settings` (admins).
pub(crate) async fn set_settings(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    bytes: Bytes,
) -> Result<Response, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct In {
        allow_skip_clearance: bool,
    }
    let input: In = serde_json::from_slice(&bytes)
        .map_err(|e| AppError::Unprocessable(format!("the JSON body is not valid: {e}")))?;
    let settings = WorkflowSettings {
        allow_skip_clearance: input.allow_skip_clearance,
    };
    crate::handlers::newsroom::settings::set(&newsroom, &who.actor, &who.address, settings).await?;
    Ok(Json(settings).into_response())
}
