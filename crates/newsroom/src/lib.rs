//! The use-cases of pressroom, shared by the web handlers and the CLI so that
//! both do exactly the same thing: today [`ImportRun`] (a legacy archive ->
//! store, with its [`ImportReport`]) and [`import_text`] (one file); keeping
//! the search index in step with the store ([`IndexSync`], [`rebuild_index`]);
//! drafting, clearance, scheduling, publication, correction and
//! withdrawal join it as the editorial pipeline grows.
//!
//! Each use-case takes its `Store` and `Clock` as arguments: no globals, and
//! time is always injected.

mod import;
mod search;

pub use import::{
    FileCounts, FileFailure, FileImport, Fragment, ImportError, ImportReport, ImportRun, Merged,
    Progress, ReleaseCounts, import_text,
};
pub use search::{IndexError, IndexStart, IndexSync, rebuild_index};
