//! The use-cases of pressroom, shared by the web handlers and the CLI so that
//! both do exactly the same thing: today [`ImportRun`] (a legacy archive ->
//! store, with its [`ImportReport`]) and [`import_text`] (one file); drafting, clearance, scheduling, publication, correction and
//! withdrawal join it as the editorial pipeline grows.
//!
//! [`accounts`] holds the newsroom's accounts ([`Accounts`]: sign-in,
//! sessions, invitations, API tokens, the audit log) and the [`Actor`]
//! every editorial use-case is given.
//!
//! Each use-case takes its `Store` and `Clock` as arguments: no globals, and
//! time is always injected.

pub mod accounts;
mod import;

pub use accounts::{AccountAction, AccountError, Accounts, Actor};
pub use import::{
    FileCounts, FileFailure, FileImport, Fragment, ImportError, ImportReport, ImportRun, Merged,
    Progress, ReleaseCounts, import_text,
};
