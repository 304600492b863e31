pub(crate) mod api;
pub(crate) mod newsroom;
pub(crate) mod public;
