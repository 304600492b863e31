//! The statement model of pressroom: [`Release`] and the newtypes it is built
//! from ([`Title`], [`Kind`], [`Issuer`], [`Dateline`], [`ReleaseDate`],
//! [`Attribution`], [`Body`], [`Language`], [`Slug`]), its [`Status`], the
//! [`Role`]s of the press office, and the
//! editorial state machine ([`workflow`]: [`Action`], [`workflow::transition`]), and the
//! [`Clock`] that every time-dependent decision takes `now` from.
//!
//! Both pipelines start here: the archive parses legacy text into these types,
//! the newsroom builds them from forms, and every later stage (store, render,
//! web) can rely on a value being valid because it could not be constructed
//! otherwise. This crate does no IO.

mod attribution;
mod body;
mod clock;
mod dateline;
mod error;
mod issuer;
mod kind;
mod language;
mod release;
mod release_date;
mod role;
mod slug;
mod status;
mod text;
mod title;
pub mod workflow;

pub use attribution::Attribution;
pub use body::{Body, Paragraph};
pub use clock::{Clock, FixedClock, SystemClock};
pub use dateline::Dateline;
pub use error::FieldError;
pub use issuer::{Issuer, IssuerType};
pub use kind::Kind;
pub use language::Language;
pub use release::{Release, ReleaseContent, ReleaseId, ReleasePath};
pub use release_date::ReleaseDate;
pub use release_date::ZonedTime;
pub use role::Role;
pub use slug::Slug;
pub use status::Status;
pub use title::Title;
pub use workflow::{Action, Actor, Refusal, WorkflowSettings};
