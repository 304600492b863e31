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
    /// No valid credentials (API: no or a revoked bearer token).
    #[error("unauthorized")]
    Unauthorized,
    /// Signed in, but the role (or the request's origin) does not allow it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The action does not fit the resource as it stands (a release in
    /// another status, changed by someone else meanwhile).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value sent is well-formed but wrong; the message names the field.
    #[error("invalid: {0}")]
    Unprocessable(String),
    /// A newsroom use-case refused or failed.
    #[error(transparent)]
    Account(#[from] pressroom_newsroom::AccountError),
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
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "Sign-in required",
                "This needs a valid session or API token.".to_owned(),
            ),
            AppError::Forbidden(message) => (StatusCode::FORBIDDEN, "Forbidden", message),
            AppError::Conflict(message) => (StatusCode::CONFLICT, "Conflict", message),
            AppError::Unprocessable(message) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", message)
            }
            AppError::Account(e) => {
                use pressroom_newsroom::AccountError as A;
                match e {
                    A::Forbidden => (StatusCode::FORBIDDEN, "Forbidden", e.to_string()),
                    A::NotFound(_) | A::InvitationInvalid => {
                        (StatusCode::NOT_FOUND, "Not found", e.to_string())
                    }
                    A::BadCredentials | A::Locked => {
                        (StatusCode::UNAUTHORIZED, "Sign-in refused", e.to_string())
                    }
                    A::Field(_) | A::EmailTaken => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Invalid input",
                        e.to_string(),
                    ),
                    A::Store(ref s) if matches!(s, StoreError::Unavailable { .. }) => {
                        tracing::error!(error = %e, "store unavailable");
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "Service unavailable",
                            "The site cannot reach its database just now. Please try again shortly."
                                .to_owned(),
                        )
                    }
                    A::Store(_) | A::Hashing(_) | A::Random(_) => {
                        tracing::error!(error = %e, "newsroom error");
                        internal()
                    }
                }
            }
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
