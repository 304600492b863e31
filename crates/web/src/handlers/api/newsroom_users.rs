//! The newsroom API's users, for admins: the list, invitations (the link
//! is in the answer only), role changes, disabling and enabling. The same
//! use-cases as the users page (`Accounts`), which check the role and write
//! the audit log, so the API can do nothing the page would refuse.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pressroom_newsroom::AccountError;
use pressroom_render::SiteConfig;
use pressroom_store::{User, UserId};
use serde::Deserialize;

use super::newsroom::TokenActor;
use super::newsroom_releases::{body, rfc3339};
use crate::handlers::newsroom::parse_role;
use crate::{AppError, NewsroomState};

/// A user as the API shows them (never a secret).
fn user_json(u: &User) -> serde_json::Value {
    serde_json::json!({
        "id": u.id.0,
        "email": u.email.as_str(),
        "name": u.name.to_string(),
        "role": u.role.as_str(),
        "disabled": u.disabled,
        "created_at": rfc3339(u.created_at),
    })
}

/// A user id from the address; anything but a positive number is a 404.
fn user_id(raw: &str) -> Result<UserId, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(UserId)
        .ok_or(AppError::NotFound)
}

/// The user as they now stand, after a change.
async fn answer(newsroom: &NewsroomState, id: UserId) -> Result<Response, AppError> {
    let user = newsroom
        .accounts
        .store
        .user(id)
        .await
        .map_err(AccountError::from)?
        .ok_or(AccountError::NotFound("user"))?;
    Ok(Json(user_json(&user)).into_response())
}

/// `GET /api/newsroom/users`: every user (admins).
pub(crate) async fn list(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
) -> Result<Response, AppError> {
    let users = newsroom.accounts.users(&who.actor).await?;
    Ok(Json(users.iter().map(user_json).collect::<Vec<_>>()).into_response())
}

/// What an invitation takes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InviteIn {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// `POST /api/newsroom/users/invitations`: an invitation link for an email
/// address and a role (admins); 201, the link in this answer only.
pub(crate) async fn invite(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let input: InviteIn = body(&bytes)?;
    let role = parse_role(&input.role)?;
    let issued = newsroom
        .accounts
        .invite(&who.actor, &input.email, role, &who.address)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "email": issued.invitation.email.as_str(),
            "role": issued.invitation.role.as_str(),
            "url": site.absolute(&format!("/newsroom/invitations/{}", issued.token)),
            "expires_at": rfc3339(issued.invitation.expires_at),
        })),
    )
        .into_response())
}

/// What a role change takes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleIn {
    #[serde(default)]
    role: String,
}

/// `POST /api/newsroom/users/{id}/role`: the user's sessions end (admins).
pub(crate) async fn set_role(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let id = user_id(&id)?;
    let input: RoleIn = body(&bytes)?;
    let role = parse_role(&input.role)?;
    newsroom
        .accounts
        .set_role(&who.actor, id, role, &who.address)
        .await?;
    answer(&newsroom, id).await
}

async fn set_disabled(
    newsroom: NewsroomState,
    who: TokenActor,
    id: String,
    disabled: bool,
) -> Result<Response, AppError> {
    let id = user_id(&id)?;
    newsroom
        .accounts
        .set_disabled(&who.actor, id, disabled, &who.address)
        .await?;
    answer(&newsroom, id).await
}

/// `POST /api/newsroom/users/{id}/disable`: the user's sessions end and
/// their tokens stop working (admins).
pub(crate) async fn disable(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(newsroom, who, id, true).await
}

/// `POST /api/newsroom/users/{id}/enable` (admins).
pub(crate) async fn enable(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(newsroom, who, id, false).await
}
