//! The use-cases of pressroom, shared by the web handlers and the CLI so that
//! both do exactly the same thing: today [`ImportRun`] (a legacy archive ->
//! store, with its [`ImportReport`]) and [`import_text`] (one file); drafting, clearance, scheduling, publication, correction and
//! withdrawal join it as the editorial pipeline grows.
//!
//! Each use-case takes its `Store` and `Clock` as arguments: no globals, and
//! time is always injected.

mod import;

pub use import::{
    FileCounts, FileFailure, FileImport, Fragment, Held, ImportError, ImportReport, ImportRun,
    Merged, Progress, ReleaseCounts, import_text,
};
