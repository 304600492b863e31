use std::sync::Arc;

use axum::extract::FromRef;
use pressroom_ledger::SiteKeys;
use pressroom_render::SiteConfig;
use pressroom_search::SearchIndex;
use pressroom_store::PublicView;

use crate::search::PublicSearch;

/// What the handlers share. Each handler extracts only the part it needs
/// (`State<PublicView>`, `State<Arc<SiteConfig>>`), so a public handler's
/// signature shows that it cannot reach unpublished releases.
#[derive(Debug, Clone)]
pub struct AppState {
    pub public: PublicView,
    pub site: Arc<SiteConfig>,
    /// The transparency log's signing key and the published keys.
    pub ledger: Arc<SiteKeys>,
    /// This node's search index; handlers reach it only through
    /// [`PublicSearch`], which re-checks every hit at the visibility gate.
    pub search: Arc<SearchIndex>,
    /// The newsroom's side: accounts and the store it edits through.
    pub newsroom: NewsroomState,
}

/// What newsroom handlers share. Public handlers cannot extract it by
/// accident: it is a different type from `PublicView`.
#[derive(Debug, Clone)]
pub struct NewsroomState {
    pub accounts: pressroom_newsroom::Accounts,
    pub store: Arc<dyn pressroom_store::Store>,
    pub clock: Arc<dyn pressroom_domain::Clock>,
}

impl NewsroomState {
    pub fn new(
        store: Arc<dyn pressroom_store::Store>,
        accounts: Arc<dyn pressroom_store::AccountStore>,
        clock: Arc<dyn pressroom_domain::Clock>,
    ) -> Self {
        Self {
            accounts: pressroom_newsroom::Accounts::new(accounts, clock.clone()),
            store,
            clock,
        }
    }
}

impl FromRef<AppState> for NewsroomState {
    fn from_ref(state: &AppState) -> Self {
        state.newsroom.clone()
    }
}

impl FromRef<AppState> for PublicSearch {
    fn from_ref(state: &AppState) -> Self {
        PublicSearch::new(state.search.clone(), state.public.clone())
    }
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
