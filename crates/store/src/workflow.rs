//! What the editorial workflow writes and reads: a [`WorkflowWrite`] is one
//! checked transition (the newsroom decides it with
//! `pressroom_domain::workflow::transition`, the store applies it only if
//! the release is still as the decision saw it), [`WorkflowEvent`]s are the
//! newsroom's record of who did what, and [`PreviewLink`]s let named
//! journalists read an embargoed release before its lift.

use jiff::Timestamp;
use pressroom_domain::{Action, ReleaseContent, ReleaseId, Status};

/// A new draft, written by `author`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDraft {
    pub content: ReleaseContent,
    pub author: i64,
}

/// What a write does to the publication time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishAt {
    /// Leaves it as it is.
    Keep,
    /// Sets it: the release becomes public at this instant (scheduling,
    /// embargo lift, publication now).
    Set(Timestamp),
    /// Clears it: the release is off the timetable.
    Clear,
}

/// One transition of one release, applied as one transaction: the status
/// and publication time change, the content is replaced if given, a public
/// revision is appended if asked, a [`WorkflowEvent`] is recorded and the
/// change feed gets a row. Nothing is written unless the release is still in
/// `expect_status` at `expect_revision`, so two people acting at once, or
/// two scheduler nodes, cannot both succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowWrite {
    pub action: Action,
    /// The user acting (0 for the scheduler).
    pub actor: i64,
    pub expect_status: Status,
    pub expect_revision: u32,
    pub status: Status,
    pub publish_at: PublishAt,
    /// The release's new content (an edited draft, a correction).
    pub content: Option<ReleaseContent>,
    /// Appends a public revision (publication, correction, withdrawal)
    /// numbered after the last, with this public note; `Some(None)` for a
    /// revision without a note (a first publication).
    pub public_revision: Option<Option<String>>,
    /// The newsroom's note on the event: clearance comments, a withdrawal
    /// reason.
    pub note: Option<String>,
}

/// One thing done to a release in the newsroom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowEvent {
    pub release_id: ReleaseId,
    pub action: String,
    pub from: Status,
    pub to: Status,
    pub actor: i64,
    pub note: Option<String>,
    pub at: Timestamp,
}

/// The admin settings that change the workflow, as stored.
pub use pressroom_domain::WorkflowSettings;

/// A personal link to read one embargoed release before its lift. Only the
/// hash of its token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPreviewLink {
    pub release_id: ReleaseId,
    /// The journalist's name, as the watermark shows it.
    pub journalist: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    pub created_by: i64,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewLink {
    pub id: i64,
    pub release_id: ReleaseId,
    pub journalist: String,
    pub created_by: i64,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A preview link as the newsroom lists it: whether it was revoked and
/// how many times it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedPreviewLink {
    pub link: PreviewLink,
    pub revoked_at: Option<Timestamp>,
    pub accesses: u64,
}

/// One reading of a release through a preview link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewAccess {
    pub link_id: i64,
    pub journalist: String,
    pub at: Timestamp,
}

/// The most releases one [`DeskQuery`] returns.
pub const MAX_DESK_PAGE: u32 = 200;

/// A page of the newsroom's releases, whatever their status (the newsroom
/// sees drafts; the public never reads through this). Newest first by id,
/// read by keyset: the next page starts `before` the last id of this one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskQuery {
    /// Only releases in one of these statuses; every status when empty.
    pub statuses: Vec<Status>,
    /// Only releases this user created in the newsroom.
    pub author: Option<i64>,
    /// Only releases with a lower id than this one.
    pub before: Option<ReleaseId>,
    /// At most this many, capped at [`MAX_DESK_PAGE`].
    pub limit: u32,
}

impl DeskQuery {
    /// The limit actually used: at least one, at most [`MAX_DESK_PAGE`].
    pub fn bounded_limit(&self) -> u32 {
        self.limit.clamp(1, MAX_DESK_PAGE)
    }
}
