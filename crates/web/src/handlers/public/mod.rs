//! Handlers of the public site. Each reads through `PublicView` only.

pub(crate) mod archive;
pub(crate) mod assets;
pub(crate) mod exit;
pub(crate) mod feeds;
pub(crate) mod listing;
pub(crate) mod preview;
pub(crate) mod release;
pub(crate) mod search;
pub(crate) mod sitemaps;

use crate::AppError;

/// Any address no route claims.
pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}
