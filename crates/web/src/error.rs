use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pressroom_render::RenderError;
use pressroom_store::StoreError;

/// Everything a handler can fail with. The response shows a safe message;
/// the cause of a server error is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing public lives at this address.
    #[error("not found")]
    NotFound,
    /// The request itself is malformed; the message says how, for the reader.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The search index failed; the detail is logged, never shown.
    #[error(transparent)]
    Search(#[from] pressroom_search::SearchError),
    /// Something else on the server failed (a background task); the detail
    /// is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Marks an error response so that the error-page middleware, which knows
/// the site, can render the full page around it.
#[derive(Debug, Clone)]
pub(crate) struct ErrorInfo {
    pub heading: &'static str,
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address. If you followed a link to a release, it may \
                 have been mistyped."
                    .to_owned(),
            ),
            AppError::BadRequest(message) => (StatusCode::BAD_REQUEST, "Bad request", message),
            AppError::Store(ref e) if matches!(e, StoreError::Unavailable { .. }) => {
                tracing::error!(error = %e, "store unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service unavailable",
                    "The site cannot reach its database just now. Please try again shortly."
                        .to_owned(),
                )
            }
            AppError::Store(e) => {
                tracing::error!(error = %e, "store error");
                internal()
            }
            AppError::Render(e) => {
                tracing::error!(error = %e, "render error");
                internal()
            }
            AppError::Search(e) => {
                tracing::error!(error = %e, "search index error");
                internal()
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                internal()
            }
        };
        let mut res = (status, message.clone()).into_response();
        res.extensions_mut().insert(ErrorInfo { heading, message });
        res
    }
}

fn internal() -> (StatusCode, &'static str, String) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Something went wrong on our side. The error has been logged.".to_owned(),
    )
}
