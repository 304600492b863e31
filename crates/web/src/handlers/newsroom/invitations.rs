//! Accepting an invitation: the invited person chooses a name and a
//! password and, for roles that need it, enrols a TOTP app.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pressroom_domain::FieldError;
use pressroom_newsroom::AccountError;
use pressroom_newsroom::accounts::totp;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::{FieldErrors, InvitationPage};
use serde::Deserialize;

use super::ClientAddress;
use crate::{AppError, NewsroomState};

fn page(
    site: &SiteConfig,
    invitation: &pressroom_store::Invitation,
    name: String,
    secret: Option<String>,
    errors: FieldErrors,
) -> Result<String, AppError> {
    let otpauth = secret
        .as_deref()
        .map(|s| totp::otpauth_uri(s, &site.name, invitation.email.as_str()))
        .unwrap_or_default();
    Ok(InvitationPage {
        site,
        who: None,
        email: invitation.email.to_string(),
        role: invitation.role.to_string(),
        name,
        totp_secret: secret,
        otpauth,
        errors,
    }
    .to_html()?)
}

/// `GET /newsroom/invitations/{token}`
pub(crate) async fn show(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    Path(token): Path<String>,
) -> Result<Html<String>, AppError> {
    let invitation = newsroom.accounts.invitation(&token).await?;
    let secret = if invitation.role.requires_second_factor() {
        Some(totp::new_secret()?)
    } else {
        None
    };
    Ok(Html(page(
        &site,
        &invitation,
        String::new(),
        secret,
        FieldErrors::default(),
    )?))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp_secret: String,
    #[serde(default)]
    code: String,
}

/// `POST /newsroom/invitations/{token}`: the account, then sign in.
pub(crate) async fn accept(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, AppError> {
    match newsroom
        .accounts
        .accept_invitation(
            &token,
            &form.name,
            &form.password,
            &form.totp_secret,
            &form.code,
            &address,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/newsroom/login").into_response()),
        Err(AccountError::Field(FieldError::Invalid { field, reason })) => {
            let invitation = newsroom.accounts.invitation(&token).await?;
            let mut errors = FieldErrors::default();
            errors.add(field, reason);
            let secret = (!form.totp_secret.is_empty()).then_some(form.totp_secret);
            let html = page(&site, &invitation, form.name, secret, errors)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
