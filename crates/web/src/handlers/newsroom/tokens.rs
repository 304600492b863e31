//! API tokens: create (shown once), list, revoke.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pressroom_newsroom::AccountError;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::{TokenView, TokensPage};
use pressroom_store::ApiTokenId;
use serde::Deserialize;

use super::session::CsrfForm;
use super::{SignedIn, parse_role};
use crate::{AppError, NewsroomState};

async fn page(
    site: &SiteConfig,
    newsroom: &NewsroomState,
    me: &SignedIn,
    new_token: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let tokens = newsroom.accounts.api_tokens(&me.actor).await?;
    let users = if me.actor.role == pressroom_domain::Role::Admin {
        newsroom.accounts.store.users().await?
    } else {
        Vec::new()
    };
    let owner = |id| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| me.actor.email.to_string(), |u| u.email.to_string())
    };
    let page = TokensPage {
        site,
        who: Some(me.who()),
        csrf: me.csrf.clone(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id.0,
                label: t.label,
                role: t.role.to_string(),
                owner: owner(t.user_id),
                created: t.created_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        // A token's role can be no more than its owner's.
        roles: pressroom_domain::Role::ALL
            .into_iter()
            .filter(|r| *r <= me.actor.role)
            .map(|r| r.as_str())
            .collect(),
        new_token,
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.to_html()?)).into_response())
}

/// `GET /newsroom/tokens`
pub(crate) async fn index(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    page(&site, &newsroom, &me, None, None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewTokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    label: String,
    role: String,
}

/// `POST /newsroom/tokens`
pub(crate) async fn create(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Form(form): Form<NewTokenForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    let role = parse_role(&form.role)?;
    match newsroom
        .accounts
        .create_api_token(&me.actor, &form.label, role, &me.address)
        .await
    {
        Ok(issued) => page(&site, &newsroom, &me, Some(issued.token), None).await,
        Err(e @ AccountError::Field(_)) => {
            page(&site, &newsroom, &me, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /newsroom/tokens/{id}/revoke`
pub(crate) async fn revoke(
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, AppError> {
    me.check_csrf(&form.csrf)?;
    newsroom
        .accounts
        .revoke_api_token(&me.actor, ApiTokenId(id), &me.address)
        .await?;
    Ok(Redirect::to("/newsroom/tokens"))
}
