use std::sync::Arc;

use axum::extract::FromRef;
use pressroom_ledger::SiteKeys;
use pressroom_render::SiteConfig;
use pressroom_store::PublicView;

/// What the handlers share. Each handler extracts only the part it needs
/// (`State<PublicView>`, `State<Arc<SiteConfig>>`), so a public handler's
/// signature shows that it cannot reach unpublished releases.
#[derive(Debug, Clone)]
pub struct AppState {
    pub public: PublicView,
    pub site: Arc<SiteConfig>,
    /// The transparency log's signing key and the published keys.
    pub ledger: Arc<SiteKeys>,
}

impl FromRef<AppState> for PublicView {
    fn from_ref(state: &AppState) -> Self {
        state.public.clone()
    }
}

impl FromRef<AppState> for Arc<SiteConfig> {
    fn from_ref(state: &AppState) -> Self {
        state.site.clone()
    }
}

impl FromRef<AppState> for Arc<SiteKeys> {
    fn from_ref(state: &AppState) -> Self {
        state.ledger.clone()
    }
}
