pub(crate) mod public;
