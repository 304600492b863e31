//! The newsroom API: the same use-cases as the newsroom's pages, for other
//! systems, authenticated by `Authorization: Bearer TOKEN` (an API token,
//! acting with the token's role). No cookie is read here, so a browser's
//! session can never be ridden into the API.

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use pressroom_newsroom::Actor;

use crate::handlers::newsroom::ClientAddress;
use crate::{AppError, AppState, NewsroomState};

/// A request carrying a live API token.
#[derive(Debug, Clone)]
pub(crate) struct TokenActor {
    pub actor: Actor,
    pub address: String,
}

impl FromRequestParts<AppState> for TokenActor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // `security::newsroom_headers` adds `WWW-Authenticate: Bearer`.
        let unauthorized = || AppError::Unauthorized.into_response();
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(unauthorized)?;
        let newsroom = NewsroomState::from_ref(state);
        let actor = newsroom
            .accounts
            .bearer(token)
            .await
            .map_err(|e| AppError::from(e).into_response())?
            .ok_or_else(unauthorized)?;
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        Ok(Self { actor, address })
    }
}

/// `GET /api/newsroom/me`: who the token acts as.
pub(crate) async fn me(who: TokenActor) -> Response {
    axum::Json(serde_json::json!({
        "user_id": who.actor.user.0,
        "email": who.actor.email.as_str(),
        "role": who.actor.role.as_str(),
    }))
    .into_response()
}

/// `GET /api/newsroom/audit`: the whole audit log as JSON Lines (admins).
pub(crate) async fn audit(
    State(newsroom): State<NewsroomState>,
    who: TokenActor,
) -> Result<Response, AppError> {
    let body = newsroom
        .accounts
        .audit_export(&who.actor, &who.address)
        .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/jsonl; charset=utf-8")],
        body,
    )
        .into_response())
}
