use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = "text/css; charset=utf-8";
/// An hour, then a day of serving the old copy while a fresh one is
/// fetched: a changed stylesheet reaches readers the same day.
const CACHE: &str = "public, max-age=3600, stale-while-revalidate=86400";

pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, CSS), (header::CACHE_CONTROL, CACHE)],
        pressroom_render::STYLESHEET,
    )
}

pub(crate) async fn print_stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, CSS), (header::CACHE_CONTROL, CACHE)],
        pressroom_render::PRINT_STYLESHEET,
    )
}

pub(crate) async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
        ],
        pressroom_render::FAVICON,
    )
}
