//! Every route of the portal, in one place.

use axum::Router;
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::{api, newsroom, public};
use crate::{AppState, middleware, security};

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
        .route("/search", get(public::search::show))
        .route("/api/search", get(api::search::search))
        .route("/leaving", get(public::exit::show))
        // The newsroom (issue 7): accounts, sessions, tokens, audit, editor.
        .route("/newsroom", get(newsroom::dashboard::show))
        .route(
            "/newsroom/login",
            get(newsroom::session::form).post(newsroom::session::submit),
        )
        .route("/newsroom/logout", post(newsroom::session::logout))
        .route("/newsroom/users", get(newsroom::users::index))
        .route("/newsroom/users/invitations", post(newsroom::users::invite))
        .route("/newsroom/users/{id}/role", post(newsroom::users::set_role))
        .route(
            "/newsroom/users/{id}/disable",
            post(newsroom::users::disable),
        )
        .route("/newsroom/users/{id}/enable", post(newsroom::users::enable))
        .route(
            "/newsroom/invitations/{token}",
            get(newsroom::invitations::show).post(newsroom::invitations::accept),
        )
        .route(
            "/newsroom/tokens",
            get(newsroom::tokens::index).post(newsroom::tokens::create),
        )
        .route(
            "/newsroom/tokens/{id}/revoke",
            post(newsroom::tokens::revoke),
        )
        .route("/newsroom/audit", get(newsroom::audit::index))
        .route("/newsroom/audit.jsonl", get(newsroom::audit::export))
        .route(
            "/newsroom/releases/new",
            get(newsroom::editor::new).post(newsroom::editor::create),
        )
        .route(
            "/newsroom/releases/preview",
            post(newsroom::editor::preview),
        )
        .route(
            "/newsroom/static/editor.js",
            get(newsroom::assets::editor_js),
        )
        .route("/api/newsroom/me", get(api::newsroom::me))
        .route("/api/newsroom/audit", get(api::newsroom::audit))
        .route("/static/style.css", get(public::assets::stylesheet))
        .route("/static/print.css", get(public::assets::print_stylesheet))
        .route("/favicon.svg", get(public::assets::favicon))
        .fallback(public::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::error_pages,
        ))
        // Newsroom headers outside the error pages, so errors get no-store too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::newsroom_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::cross_site_guard,
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
