//! Every route of the portal, in one place.

use axum::Router;
use axum::routing::{MethodRouter, get, post};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::{api, ledger, newsroom, public};
use crate::{AppState, middleware, security};

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
        // An embargoed release read through a journalist's personal link;
        // any other token is the 404 of an address that never existed.
        ("/preview/{token}", get(public::preview::show)),
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
        // A release and every workflow action on it (each decided again on
        // the server by its use-case).
        .route(
            "/newsroom/releases/{id}",
            get(newsroom::releases::show).post(newsroom::releases::save),
        )
        .route(
            "/newsroom/releases/{id}/submit",
            post(newsroom::releases::submit),
        )
        .route(
            "/newsroom/releases/{id}/approve",
            post(newsroom::releases::approve),
        )
        .route(
            "/newsroom/releases/{id}/return",
            post(newsroom::releases::return_for_changes),
        )
        .route(
            "/newsroom/releases/{id}/schedule",
            post(newsroom::releases::schedule),
        )
        .route(
            "/newsroom/releases/{id}/embargo",
            post(newsroom::releases::embargo),
        )
        .route(
            "/newsroom/releases/{id}/unschedule",
            post(newsroom::releases::unschedule),
        )
        .route(
            "/newsroom/releases/{id}/publish",
            post(newsroom::releases::publish),
        )
        .route(
            "/newsroom/releases/{id}/correct",
            post(newsroom::releases::correct),
        )
        .route(
            "/newsroom/releases/{id}/withdraw",
            post(newsroom::releases::withdraw),
        )
        .route(
            "/newsroom/releases/{id}/preview-links",
            post(newsroom::releases::issue_preview),
        )
        .route(
            "/newsroom/releases/{id}/preview-links/{link}/revoke",
            post(newsroom::releases::revoke_preview),
        )
        .route(
            "/newsroom/settings",
            get(newsroom::settings::show).post(newsroom::settings::save),
        )
        .route(
            "/newsroom/static/editor.js",
            get(newsroom::assets::editor_js),
        )
        .route("/api/newsroom/me", get(api::newsroom::me))
        .route("/api/newsroom/audit", get(api::newsroom::audit))
        .route(
            "/api/newsroom/releases",
            get(api::newsroom_releases::list).post(api::newsroom_releases::create),
        )
        .route(
            "/api/newsroom/releases/{id}",
            get(api::newsroom_releases::show).put(api::newsroom_releases::edit),
        )
        .route(
            "/api/newsroom/releases/{id}/submit",
            post(api::newsroom_releases::submit),
        )
        .route(
            "/api/newsroom/releases/{id}/approve",
            post(api::newsroom_releases::approve),
        )
        .route(
            "/api/newsroom/releases/{id}/return",
            post(api::newsroom_releases::return_for_changes),
        )
        .route(
            "/api/newsroom/releases/{id}/schedule",
            post(api::newsroom_releases::schedule),
        )
        .route(
            "/api/newsroom/releases/{id}/embargo",
            post(api::newsroom_releases::embargo),
        )
        .route(
            "/api/newsroom/releases/{id}/unschedule",
            post(api::newsroom_releases::unschedule),
        )
        .route(
            "/api/newsroom/releases/{id}/publish",
            post(api::newsroom_releases::publish),
        )
        .route(
            "/api/newsroom/releases/{id}/correct",
            post(api::newsroom_releases::correct),
        )
        .route(
            "/api/newsroom/releases/{id}/withdraw",
            post(api::newsroom_releases::withdraw),
        )
        .route(
            "/api/newsroom/releases/{id}/preview-links",
            get(api::newsroom_releases::preview_links)
                .post(api::newsroom_releases::create_preview_link),
        )
        .route(
            "/api/newsroom/releases/{id}/preview-links/{link}/revoke",
            post(api::newsroom_releases::revoke_preview_link),
        )
        .route(
            "/api/newsroom/releases/{id}/preview-accesses",
            get(api::newsroom_releases::preview_accesses),
        )
        // Users and API tokens (admins for users; tokens as the pages).
        .route("/api/newsroom/users", get(api::newsroom_users::list))
        .route(
            "/api/newsroom/users/invitations",
            post(api::newsroom_users::invite),
        )
        .route(
            "/api/newsroom/users/{id}/role",
            post(api::newsroom_users::set_role),
        )
        .route(
            "/api/newsroom/users/{id}/disable",
            post(api::newsroom_users::disable),
        )
        .route(
            "/api/newsroom/users/{id}/enable",
            post(api::newsroom_users::enable),
        )
        .route(
            "/api/newsroom/tokens",
            get(api::newsroom_tokens::list).post(api::newsroom_tokens::create),
        )
        .route(
            "/api/newsroom/tokens/{id}/revoke",
            post(api::newsroom_tokens::revoke),
        )
        .route(
            "/api/newsroom/settings",
            get(api::newsroom_releases::settings).put(api::newsroom_releases::set_settings),
        )
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
