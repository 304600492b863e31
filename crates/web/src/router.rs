//! Every route of the portal, in one place.

use axum::Router;
use axum::routing::{MethodRouter, get};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::{api, ledger, public};
use crate::{AppState, middleware};

/// Every public route: what anyone may request without signing in. The
/// router is built from this list, and the embargo leak test requests
/// every entry of it, so a public route added here is covered by that test
/// without anyone remembering to add it.
pub fn public_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(public::listing::index)),
        (
            "/releases/{year}/{month}/{day}/{slug}",
            get(public::release::show),
        ),
        ("/archive", get(public::archive::index)),
        ("/archive/{year}", get(public::archive::year)),
        ("/feed.atom", get(public::feeds::atom)),
        ("/feed.rss", get(public::feeds::rss)),
        ("/feed.json", get(public::feeds::json)),
        ("/sitemap.xml", get(public::sitemaps::index)),
        ("/sitemaps/{file}", get(public::sitemaps::file)),
        ("/robots.txt", get(public::sitemaps::robots)),
        ("/api/releases", get(api::releases::list)),
        ("/api/releases/by-url", get(api::releases::by_url)),
        (
            "/api/releases/{year}/{month}/{day}/{slug}",
            get(api::releases::show),
        ),
        // The transparency log (crates/ledger): checkpoint, keys, entries,
        // proofs and the page that explains the check.
        (
            "/.well-known/pressroom/checkpoint",
            get(ledger::log::checkpoint),
        ),
        ("/.well-known/pressroom/keys", get(ledger::log::keys)),
        (
            "/.well-known/pressroom/log/entries/{index}",
            get(ledger::log::entry),
        ),
        (
            "/.well-known/pressroom/log/consistency/{old}/{new}",
            get(ledger::log::consistency),
        ),
        (
            "/releases/{year}/{month}/{day}/{slug}/proof",
            get(ledger::proof::show),
        ),
        ("/verify", get(ledger::verify::page)),
        ("/api/openapi.json", get(api::openapi::document)),
        ("/search", get(public::search::show)),
        ("/api/search", get(api::search::search)),
        ("/leaving", get(public::exit::show)),
        ("/static/style.css", get(public::assets::stylesheet)),
        ("/static/print.css", get(public::assets::print_stylesheet)),
        ("/favicon.svg", get(public::assets::favicon)),
    ]
}

/// The address patterns of [`public_routes`], for tests that walk them.
pub fn public_paths() -> Vec<&'static str> {
    public_routes().into_iter().map(|(path, _)| path).collect()
}

pub fn router(state: AppState) -> Router {
    let mut routes = Router::new();
    for (path, handler) in public_routes() {
        routes = routes.route(path, handler);
    }
    routes
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
