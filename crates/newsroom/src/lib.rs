//! The use-cases of pressroom, shared by the web handlers and the CLI so that
//! both do exactly the same thing: today [`ImportRun`] (a legacy archive ->
//! store, with its [`ImportReport`]) and [`import_text`] (one file); keeping
//! the search index in step with the store ([`IndexSync`], [`rebuild_index`]);
//! and the editorial [`workflow`]: drafting, clearance, scheduling, embargo with
//! preview links, publication (by hand or by the scheduler's
//! [`workflow::publish_due`]), correction and withdrawal, each a checked
//! transition of the domain's state machine.
//!
//! Each use-case takes its `Store` and `Clock` as arguments: no globals, and
//! time is always injected.

mod import;
mod search;
pub mod workflow;

pub use import::{
    FileCounts, FileFailure, FileImport, Fragment, ImportError, ImportReport, ImportRun, Merged,
    Progress, ReleaseCounts, import_text,
};
pub use search::{IndexError, IndexStart, IndexSync, rebuild_index};
pub use workflow::{WorkflowError, WorkflowResult};
