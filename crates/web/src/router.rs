//! Every route of the portal, in one place.

use axum::Router;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::{api, ledger, public};
use crate::{AppState, middleware};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(public::listing::index))
        .route(
            "/releases/{year}/{month}/{day}/{slug}",
            get(public::release::show),
        )
        .route("/archive", get(public::archive::index))
        .route("/archive/{year}", get(public::archive::year))
        .route("/feed.atom", get(public::feeds::atom))
        .route("/feed.rss", get(public::feeds::rss))
        .route("/feed.json", get(public::feeds::json))
        .route("/sitemap.xml", get(public::sitemaps::index))
        .route("/sitemaps/{file}", get(public::sitemaps::file))
        .route("/robots.txt", get(public::sitemaps::robots))
        .route("/api/releases", get(api::releases::list))
        .route("/api/releases/by-url", get(api::releases::by_url))
        .route(
            "/api/releases/{year}/{month}/{day}/{slug}",
            get(api::releases::show),
        )
        .route("/api/openapi.json", get(api::openapi::document))
        // The transparency log (crates/ledger): checkpoint, keys, entries,
        // proofs and the page that explains the check.
        .route(
            "/.well-known/pressroom/checkpoint",
            get(ledger::log::checkpoint),
        )
        .route("/.well-known/pressroom/keys", get(ledger::log::keys))
        .route(
            "/.well-known/pressroom/log/entries/{index}",
            get(ledger::log::entry),
        )
        .route(
            "/.well-known/pressroom/log/consistency/{old}/{new}",
            get(ledger::log::consistency),
        )
        .route(
            "/releases/{year}/{month}/{day}/{slug}/proof",
            get(ledger::proof::show),
        )
        .route("/verify", get(ledger::verify::page))
        .route("/leaving", get(public::exit::show))
        .route("/static/style.css", get(public::assets::stylesheet))
        .route("/static/print.css", get(public::assets::print_stylesheet))
        .route("/favicon.svg", get(public::assets::favicon))
        .fallback(public::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::error_pages,
        ))
        .layer(middleware::security_headers())
        .layer(CompressionLayer::new())
        // Outside compression, so that each encoding has its own ETag.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::http_caching,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
