use axum::http::header;
use axum::response::IntoResponse;

pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        pressroom_render::STYLESHEET,
    )
}
