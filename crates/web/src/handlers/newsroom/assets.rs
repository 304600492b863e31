//! The newsroom's own static file: the editor's script.

use axum::http::header;
use axum::response::IntoResponse;
use pressroom_render::newsroom::EDITOR_JS;

/// `GET /newsroom/static/editor.js`
pub(crate) async fn editor_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        EDITOR_JS,
    )
}
