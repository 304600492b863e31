//! The dashboard: the user's drafts and what waits for their action.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Html;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::DashboardPage;

use super::SignedIn;
use crate::AppError;

/// `GET /newsroom`
pub(crate) async fn show(
    State(site): State<Arc<SiteConfig>>,
    me: SignedIn,
) -> Result<Html<String>, AppError> {
    // Drafts and the clearance queue come from the editorial workflow's
    // use-cases once they exist; until then both lists are empty.
    let page = DashboardPage {
        site: &site,
        who: Some(me.who()),
        drafts: Vec::new(),
        waiting: Vec::new(),
    };
    Ok(Html(page.to_html()?))
}
