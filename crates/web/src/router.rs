//! Every route of the portal, in one place.

use axum::Router;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::public;
use crate::{AppState, middleware};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(public::listing::index))
        .route(
            "/releases/{year}/{month}/{day}/{slug}",
            get(public::release::show),
        )
        .route("/static/style.css", get(public::assets::stylesheet))
        .fallback(public::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::error_pages,
        ))
        .layer(middleware::security_headers())
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
