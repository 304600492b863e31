//! The use-cases of pressroom, shared by the web handlers and the CLI so that
//! both do exactly the same thing: today [`import_text`] (legacy archive ->
//! store); drafting, clearance, scheduling, publication, correction and
//! withdrawal join it as the editorial pipeline grows.
//!
//! Each use-case takes its `Store` and `Clock` as arguments: no globals, and
//! time is always injected.

mod import;

pub use import::{FileImport, ImportError, import_text};
