pub(crate) mod api;
pub(crate) mod ledger;
pub(crate) mod newsroom;
pub(crate) mod public;
