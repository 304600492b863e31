pub(crate) mod api;
pub(crate) mod ledger;
pub(crate) mod public;
