//! The read API: public releases as JSON, through `PublicView` only, like
//! every public surface. Errors become RFC 9457 problem details in the
//! error middleware, from the same `AppError` the pages use.

pub(crate) mod newsroom;
pub(crate) mod newsroom_releases;
pub(crate) mod newsroom_tokens;
pub(crate) mod newsroom_users;
pub(crate) mod openapi;
pub(crate) mod releases;
pub(crate) mod search;
