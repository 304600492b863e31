//! The newsroom API's tokens: list, create (the token is in the answer
//! only, then only its hash exists) and revoke, through the same
//! use-cases as the tokens page. Anyone lists and revokes their own; an
//! admin sees and revokes everyone's; a token's role is never above the
//! caller's.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pressroom_store::{ApiToken, ApiTokenId};
use serde::Deserialize;

use super::newsroom::TokenActor;
use super::newsroom_releases::{body, rfc3339};
use crate::handlers::newsroom::parse_role;
use crate::{AppError, NewsroomState};

/// A token as the API lists it: never the token, nor its hash.
fn token_json(t: &ApiToken) -> serde_json::Value {
    serde_json::json!({
        "id": t.id.0,
        "label": t.label,
        "role": t.role.as_str(),
        "user_id": t.user_id.0,
        "created_at": rfc3339(t.created_at),
        "revoked_at": t.revoked_at.map(rfc3339),
    })
}

/// `GET /api/newsroom/tokens`: the caller's tokens; an admin's lists all.
pub(crate) async fn list(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
) -> Result<Response, AppError> {
    let tokens = newsroom.accounts.api_tokens(&who.actor).await?;
    Ok(Json(tokens.iter().map(token_json).collect::<Vec<_>>()).into_response())
}

/// What a new token takes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenIn {
    #[serde(default)]
    label: String,
    #[serde(default)]
    role: String,
}

/// `POST /api/newsroom/tokens`: a new token of the caller, acting with a
/// role no higher than the caller's; 201, the token in this answer only.
pub(crate) async fn create(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let input: TokenIn = body(&bytes)?;
    let role = parse_role(&input.role)?;
    let issued = newsroom
        .accounts
        .create_api_token(&who.actor, &input.label, role, &who.address)
        .await?;
    let mut answer = token_json(&issued.record);
    answer["token"] = serde_json::Value::String(issued.token);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `POST /api/newsroom/tokens/{id}/revoke`: one's own, or any as an admin;
/// the token as it now stands.
pub(crate) async fn revoke(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ApiTokenId)
        .ok_or(AppError::NotFound)?;
    newsroom
        .accounts
        .revoke_api_token(&who.actor, id, &who.address)
        .await?;
    let token = newsroom
        .accounts
        .store
        .api_token_by_id(id)
        .await
        .map_err(pressroom_newsroom::AccountError::from)?
        .ok_or(AppError::NotFound)?;
    Ok(Json(token_json(&token)).into_response())
}
