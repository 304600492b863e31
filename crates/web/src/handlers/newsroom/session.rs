//! Signing in and out.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pressroom_newsroom::AccountError;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::LoginPage;
use serde::Deserialize;

use super::{ClientAddress, SignedIn, cleared_cookie, session_cookie};
use crate::{AppError, NewsroomState};

/// `GET /newsroom/login`
pub(crate) async fn form(State(site): State<Arc<SiteConfig>>) -> Result<Html<String>, AppError> {
    Ok(Html(
        LoginPage {
            site: &site,
            who: None,
            error: None,
            email: String::new(),
        }
        .to_html()?,
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    code: String,
}

/// `POST /newsroom/login`: a new session (and a new token) on success; the
/// form again with one vague message otherwise.
pub(crate) async fn submit(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    ClientAddress(address): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    match newsroom
        .accounts
        .login(&form.email, &form.password, &form.code, &address)
        .await
    {
        Ok(signed_in) => Ok((
            [(header::SET_COOKIE, session_cookie(&site, &signed_in.token))],
            Redirect::to("/newsroom"),
        )
            .into_response()),
        Err(e @ (AccountError::BadCredentials | AccountError::Locked)) => {
            let page = LoginPage {
                site: &site,
                who: None,
                error: Some(e.to_string()),
                email: form.email.chars().take(254).collect(),
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page.to_html()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /newsroom/logout`: the session ends on the server and the cookie
/// in the browser.
pub(crate) async fn logout(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    newsroom
        .accounts
        .logout(&me.token, &me.actor, &me.address)
        .await?;
    Ok((
        [(header::SET_COOKIE, cleared_cookie(&site))],
        Redirect::to("/newsroom/login"),
    )
        .into_response())
}
