//! Users, for admins: the list, invitations, role changes, disabling.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pressroom_newsroom::AccountError;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::{UserView, UsersPage};
use pressroom_store::UserId;
use serde::Deserialize;

use super::session::CsrfForm;
use super::{SignedIn, parse_role, role_names};
use crate::{AppError, NewsroomState};

async fn page(
    site: &SiteConfig,
    newsroom: &NewsroomState,
    me: &SignedIn,
    invitation_link: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let users = newsroom.accounts.users(&me.actor).await?;
    let page = UsersPage {
        site,
        who: Some(me.who()),
        csrf: me.csrf.clone(),
        users: users
            .into_iter()
            .map(|u| UserView {
                id: u.id.0,
                is_me: u.id == me.actor.user,
                name: u.name.to_string(),
                email: u.email.to_string(),
                role: u.role.to_string(),
                disabled: u.disabled,
            })
            .collect(),
        roles: role_names(),
        invitation_link,
        error: error.clone(),
    };
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(page.to_html()?)).into_response())
}

/// `GET /newsroom/users`
pub(crate) async fn index(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    page(&site, &newsroom, &me, None, None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    csrf: String,
    email: String,
    role: String,
}

/// `POST /newsroom/users/invitations`: the link is shown once.
pub(crate) async fn invite(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    let role = parse_role(&form.role)?;
    match newsroom
        .accounts
        .invite(&me.actor, &form.email, role, &me.address)
        .await
    {
        Ok(issued) => {
            let link = site.absolute(&format!("/newsroom/invitations/{}", issued.token));
            page(&site, &newsroom, &me, Some(link), None).await
        }
        Err(e @ (AccountError::Field(_) | AccountError::EmailTaken)) => {
            page(&site, &newsroom, &me, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RoleForm {
    #[serde(default)]
    csrf: String,
    role: String,
}

/// `POST /newsroom/users/{id}/role`: the user's sessions end.
pub(crate) async fn set_role(
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Redirect, AppError> {
    me.check_csrf(&form.csrf)?;
    let role = parse_role(&form.role)?;
    newsroom
        .accounts
        .set_role(&me.actor, UserId(id), role, &me.address)
        .await?;
    Ok(Redirect::to("/newsroom/users"))
}

/// `POST /newsroom/users/{id}/disable`: the user's sessions end.
pub(crate) async fn disable(
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, AppError> {
    me.check_csrf(&form.csrf)?;
    newsroom
        .accounts
        .set_disabled(&me.actor, UserId(id), true, &me.address)
        .await?;
    Ok(Redirect::to("/newsroom/users"))
}

/// `POST /newsroom/users/{id}/enable`
pub(crate) async fn enable(
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, AppError> {
    me.check_csrf(&form.csrf)?;
    newsroom
        .accounts
        .set_disabled(&me.actor, UserId(id), false, &me.address)
        .await?;
    Ok(Redirect::to("/newsroom/users"))
}
