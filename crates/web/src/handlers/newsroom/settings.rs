//! The workflow settings an admin controls (whether publication may skip
//! clearance).

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pressroom_domain::{Role, WorkflowSettings};
use pressroom_newsroom::workflow;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::SettingsPage;
use serde::Deserialize;

use super::SignedIn;
use crate::{AppError, NewsroomState};

/// Only admins see or change the settings.
fn admin_only(me: &SignedIn) -> Result<(), AppError> {
    if me.actor.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only an admin can change the workflow settings (you are a {})",
            me.actor.role
        )))
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /newsroom/settings`
pub(crate) async fn show(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    axum::extract::Query(saved): axum::extract::Query<Saved>,
) -> Result<Html<String>, AppError> {
    admin_only(&me)?;
    let settings = workflow::settings(newsroom.store.as_ref()).await?;
    Ok(Html(
        SettingsPage {
            site: &site,
            who: Some(me.who()),
            csrf: me.csrf.clone(),
            allow_skip_clearance: settings.allow_skip_clearance,
            notice: saved.saved.map(|_| "The settings are saved.".to_owned()),
        }
        .to_html()?,
    ))
}

/// What the settings form sends: an unchecked box sends nothing.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    allow_skip_clearance: Option<String>,
}

/// `POST /newsroom/settings`
pub(crate) async fn save(
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&form.csrf)?;
    let settings = WorkflowSettings {
        allow_skip_clearance: form.allow_skip_clearance.is_some(),
    };
    set(&newsroom, &me.actor, &me.address, settings).await?;
    Ok(Redirect::to("/newsroom/settings?saved=1").into_response())
}

/// Changes the settings through the use-case (admins only) and audits it,
/// refusals included; shared with the API.
pub(crate) async fn set(
    newsroom: &NewsroomState,
    actor: &pressroom_newsroom::Actor,
    address: &str,
    settings: WorkflowSettings,
) -> Result<(), AppError> {
    let result = workflow::set_settings(
        newsroom.store.as_ref(),
        newsroom.clock.as_ref(),
        actor.workflow(),
        settings,
    )
    .await;
    let (action, subject) = match &result {
        Ok(()) => (
            "workflow.settings",
            format!("allow_skip_clearance={}", settings.allow_skip_clearance),
        ),
        Err(e) => ("workflow.settings.refused", e.to_string()),
    };
    newsroom
        .accounts
        .audit(Some(actor), "", action, &subject, address)
        .await?;
    Ok(result?)
}
