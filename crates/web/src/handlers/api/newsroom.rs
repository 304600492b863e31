//! The newsroom API: the same use-cases as the newsroom's pages, for other
//! systems, authenticated by `Authorization: Bearer TOKEN` (an API token,
//! acting with the token's role), or by a newsroom session together with
//! its CSRF token in `X-CSRF-Token`. A session cookie alone is no key: a
//! browser's session can never be ridden into the API by another site,
//! which cannot read the CSRF token.

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use pressroom_newsroom::Actor;

use crate::handlers::newsroom::{ClientAddress, session_token};
use crate::{AppError, AppState, NewsroomState};

/// A request carrying a live API token, or a live session with its CSRF
/// token in `X-CSRF-Token`.
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
        let newsroom = NewsroomState::from_ref(state);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let actor = if let Some(token) = bearer {
            newsroom
                .accounts
                .bearer(token)
                .await
                .map_err(|e| AppError::from(e).into_response())?
                .ok_or_else(unauthorized)?
        } else {
            let site = std::sync::Arc::<pressroom_render::SiteConfig>::from_ref(state);
            let csrf = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(unauthorized)?;
            let token = session_token(&parts.headers, &site).ok_or_else(unauthorized)?;
            let (session, actor) = newsroom
                .accounts
                .session(&token)
                .await
                .map_err(|e| AppError::from(e).into_response())?
                .ok_or_else(unauthorized)?;
            if !pressroom_newsroom::accounts::same_secret(csrf, &session.csrf_token) {
                return Err(unauthorized());
            }
            actor
        };
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
