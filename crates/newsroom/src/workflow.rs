//! The editorial use-cases: every action a member of the press office takes
//! on a release, and the scheduler's publications, go through these
//! functions. Each one reads the release, asks
//! [`pressroom_domain::workflow::transition`] whether `actor` may take the
//! action from where the release stands, and writes with
//! [`Store::apply`], which succeeds only if the release is still as it was
//! read: two people acting at once, or two scheduler nodes, cannot both
//! succeed, and a refused action writes nothing.
//!
//! Web handlers and CLI commands call these with the signed-in user as the
//! [`Actor`]; the scheduler calls [`publish_due`] as [`Actor::SCHEDULER`].

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use pressroom_domain::workflow::transition;
use pressroom_domain::{
    Action, Actor, Clock, Refusal, Release, ReleaseContent, ReleaseId, Role, Status,
    WorkflowSettings,
};
use pressroom_store::{
    IssuedPreviewLink, NewDraft, NewPreviewLink, PreviewLink, PublishAt, RevisionDump, Store,
    StoreError, WorkflowEvent, WorkflowWrite,
};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Why an editorial action was not carried out. Nothing was written.
#[derive(Debug, Error)]
pub enum WorkflowError {
    /// The workflow does not allow this actor this action on this release
    /// as it stands (wrong status, role too low, not their draft, ...).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// There is no release with this id.
    #[error("no release {0}")]
    NotFound(ReleaseId),
    /// Someone else changed the release between reading and writing; read
    /// it again and decide again.
    #[error("release {0} was changed by someone else meanwhile; reload it and try again")]
    Changed(ReleaseId),
    /// A value the action needs is missing or wrong; `field` names it.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// Only an admin may change the workflow's settings.
    #[error("only an admin can change the workflow settings (you are a {0})")]
    NotAdmin(Role),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(id) => WorkflowError::NotFound(id),
            StoreError::Stale { id, .. } => WorkflowError::Changed(id),
            other => WorkflowError::Store(other),
        }
    }
}

pub type WorkflowResult<T> = Result<T, WorkflowError>;

/// The longest a public note (change note, withdrawal reason, clearance
/// comment) may be, in characters.
pub const MAX_NOTE: usize = 2_000;

fn required_note(field: &'static str, text: &str) -> WorkflowResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(WorkflowError::Invalid {
            field,
            reason: "must not be empty".into(),
        });
    }
    let n = text.chars().count();
    if n > MAX_NOTE {
        return Err(WorkflowError::Invalid {
            field,
            reason: format!("is {n} characters long; at most {MAX_NOTE} are allowed"),
        });
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(WorkflowError::Invalid {
            field,
            reason: format!("contains a control character (U+{:04X})", u32::from(c)),
        });
    }
    Ok(text.to_owned())
}

fn future(field: &'static str, at: Timestamp, now: Timestamp) -> WorkflowResult<()> {
    if at <= now {
        return Err(WorkflowError::Invalid {
            field,
            reason: format!(
                "{} is not in the future (it is now {})",
                at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                now.strftime("%Y-%m-%d %H:%M:%S UTC")
            ),
        });
    }
    Ok(())
}

/// Reads a release and decides `action` for `actor`; returns the release
/// as read and the status the action leads to.
async fn decide(
    store: &dyn Store,
    actor: Actor,
    id: ReleaseId,
    action: Action,
) -> WorkflowResult<(Release, Status)> {
    let release = store.get(id).await?.ok_or(WorkflowError::NotFound(id))?;
    let own = store.author(id).await? == Some(actor.user_id);
    let settings = store.workflow_settings().await?;
    let to = transition(release.status, action, actor.role, own, &settings)?;
    Ok((release, to))
}

fn write(release: &Release, action: Action, actor: Actor, to: Status) -> WorkflowWrite {
    WorkflowWrite {
        action,
        actor: actor.user_id,
        expect_status: release.status,
        expect_revision: release.revision,
        status: to,
        publish_at: PublishAt::Keep,
        content: None,
        public_revision: None,
        note: None,
    }
}

/// Starts a draft written by `actor` (any role may write).
pub async fn create_draft(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    content: ReleaseContent,
) -> WorkflowResult<Release> {
    Ok(store
        .create_draft(
            NewDraft {
                content,
                author: actor.user_id,
            },
            clock.now(),
        )
        .await?)
}

/// Replaces a draft's content; while it is a draft its address follows its
/// title and day.
pub async fn edit_draft(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    content: ReleaseContent,
) -> WorkflowResult<Release> {
    let (release, to) = decide(store, actor, id, Action::Edit).await?;
    let mut w = write(&release, Action::Edit, actor, to);
    w.content = Some(content);
    Ok(store.apply(id, w, clock.now()).await?)
}

/// Sends a draft to clearance.
pub async fn submit(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
) -> WorkflowResult<Release> {
    simple(store, clock, actor, id, Action::Submit, None).await
}

/// Clears a release for publication, with an optional comment.
pub async fn approve(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    comment: Option<&str>,
) -> WorkflowResult<Release> {
    let note = comment
        .filter(|c| !c.trim().is_empty())
        .map(|c| required_note("comment", c))
        .transpose()?;
    simple(store, clock, actor, id, Action::Approve, note).await
}

/// Sends a release in clearance back to its writer; the comments are
/// required (they say what to change) and kept in the release's events.
pub async fn return_with_comments(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    comments: &str,
) -> WorkflowResult<Release> {
    let note = required_note("comments", comments)?;
    simple(store, clock, actor, id, Action::Return, Some(note)).await
}

async fn simple(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    action: Action,
    note: Option<String>,
) -> WorkflowResult<Release> {
    let (release, to) = decide(store, actor, id, action).await?;
    let mut w = write(&release, action, actor, to);
    w.note = note;
    Ok(store.apply(id, w, clock.now()).await?)
}

/// Sets the instant a cleared release goes live by itself. It is public
/// from `at` exactly, on every surface; the scheduler then marks it
/// published.
pub async fn schedule(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    at: Timestamp,
) -> WorkflowResult<Release> {
    timed(store, clock, actor, id, Action::Schedule, at).await
}

/// Embargoes a cleared release until `lift`: invisible on every public
/// surface until then (except to journalists holding a preview link), then
/// public everywhere at once.
pub async fn embargo(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    lift: Timestamp,
) -> WorkflowResult<Release> {
    timed(store, clock, actor, id, Action::Embargo, lift).await
}

async fn timed(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    action: Action,
    at: Timestamp,
) -> WorkflowResult<Release> {
    let now = clock.now();
    let field = if action == Action::Embargo {
        "lift time"
    } else {
        "publication time"
    };
    future(field, at, now)?;
    let (release, to) = decide(store, actor, id, action).await?;
    let mut w = write(&release, action, actor, to);
    w.publish_at = PublishAt::Set(at);
    Ok(store.apply(id, w, now).await?)
}

/// Takes a scheduled or embargoed release off the timetable (back to
/// approved).
pub async fn unschedule(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
) -> WorkflowResult<Release> {
    let (release, to) = decide(store, actor, id, Action::Unschedule).await?;
    let mut w = write(&release, Action::Unschedule, actor, to);
    w.publish_at = PublishAt::Clear;
    Ok(store.apply(id, w, clock.now()).await?)
}

/// Publishes a release now, with its first public revision.
pub async fn publish_now(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
) -> WorkflowResult<Release> {
    let now = clock.now();
    let (release, to) = decide(store, actor, id, Action::Publish).await?;
    let mut w = write(&release, Action::Publish, actor, to);
    w.publish_at = PublishAt::Set(now);
    w.public_revision = Some(None);
    Ok(store.apply(id, w, now).await?)
}

/// Publishes a new revision of a public release. The change note is
/// public and required; the release keeps its address and date (a new
/// statement on another day is a new release).
pub async fn correct(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    content: ReleaseContent,
    change_note: &str,
) -> WorkflowResult<Release> {
    let note = required_note("change note", change_note)?;
    let (release, to) = decide(store, actor, id, Action::Correct).await?;
    if content.date.date() != release.content.date.date() {
        return Err(WorkflowError::Invalid {
            field: "date",
            reason: format!(
                "a correction keeps the release's date ({}); publish a new release instead",
                release.content.date.date()
            ),
        });
    }
    if content == release.content {
        return Err(WorkflowError::Invalid {
            field: "content",
            reason: "the correction changes nothing".into(),
        });
    }
    let mut w = write(&release, Action::Correct, actor, to);
    w.content = Some(content);
    w.public_revision = Some(Some(note));
    Ok(store.apply(id, w, clock.now()).await?)
}

/// Withdraws a public release: it leaves listings, feeds list the
/// withdrawal, and its page stays with the public reason and date.
pub async fn withdraw(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    reason: &str,
) -> WorkflowResult<Release> {
    let reason = required_note("reason", reason)?;
    let (release, to) = decide(store, actor, id, Action::Withdraw).await?;
    let mut w = write(&release, Action::Withdraw, actor, to);
    w.public_revision = Some(Some(reason.clone()));
    w.note = Some(reason);
    Ok(store.apply(id, w, clock.now()).await?)
}

/// Publishes every scheduled or embargoed release whose time has come, as
/// [`Actor::SCHEDULER`], each exactly once: a release another node (or a
/// publisher) published first is skipped. Its publication time stays the
/// scheduled one. Returns the releases this call published.
pub async fn publish_due(store: &dyn Store, clock: &dyn Clock) -> WorkflowResult<Vec<Release>> {
    const BATCH: u32 = 200;
    let mut published = Vec::new();
    loop {
        let now = clock.now();
        let due = store.due(now, BATCH).await?;
        let full = due.len() == BATCH as usize;
        let mut progressed = false;
        for release in due {
            let actor = Actor::SCHEDULER;
            let to = transition(
                release.status,
                Action::Publish,
                actor.role,
                false,
                &WorkflowSettings::default(),
            )?;
            let mut w = write(&release, Action::Publish, actor, to);
            w.public_revision = Some(None);
            match store.apply(release.id, w, now).await {
                Ok(r) => {
                    progressed = true;
                    published.push(r);
                }
                // Someone else published or re-timed it meanwhile.
                Err(StoreError::Stale { .. } | StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if !full || !progressed {
            return Ok(published);
        }
    }
}

/// Scheduled or embargoed releases whose time passed more than `grace`
/// ago and are still not marked published: the scheduler is not running,
/// or failing. The dashboard shows them to publishers.
pub async fn overdue(
    store: &dyn Store,
    clock: &dyn Clock,
    grace: Duration,
) -> WorkflowResult<Vec<Release>> {
    let grace = SignedDuration::try_from(grace).map_err(|e| WorkflowError::Invalid {
        field: "grace",
        reason: e.to_string(),
    })?;
    let before = clock
        .now()
        .checked_sub(grace)
        .map_err(|e| WorkflowError::Invalid {
            field: "grace",
            reason: e.to_string(),
        })?;
    Ok(store.due(before, 1_000).await?)
}

/// The settings in force.
pub async fn settings(store: &dyn Store) -> WorkflowResult<WorkflowSettings> {
    Ok(store.workflow_settings().await?)
}

/// Changes the workflow settings; admins only.
pub async fn set_settings(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    settings: WorkflowSettings,
) -> WorkflowResult<()> {
    if actor.role != Role::Admin {
        return Err(WorkflowError::NotAdmin(actor.role));
    }
    Ok(store.set_workflow_settings(settings, clock.now()).await?)
}

/// What the newsroom knows of a release: its events (who did what, with
/// clearance comments) and its public revisions.
pub async fn history(
    store: &dyn Store,
    id: ReleaseId,
) -> WorkflowResult<(Vec<WorkflowEvent>, Vec<RevisionDump>)> {
    Ok((store.workflow_events(id).await?, store.revisions(id).await?))
}

/// A new preview link and the token to send to the journalist. The token
/// is shown once: only its hash is stored.
#[derive(Debug, Clone)]
pub struct IssuedPreview {
    pub link: PreviewLink,
    /// 256 random bits, hex; the link is `/preview/{token}`.
    pub token: String,
}

/// The longest a preview link may stay valid.
pub const MAX_PREVIEW_VALIDITY: Duration = Duration::from_secs(14 * 24 * 3600);

/// Gives a named journalist a personal link to read an embargoed release
/// before its lift; publishers only.
pub async fn create_preview_link(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    journalist: &str,
    valid_for: Duration,
) -> WorkflowResult<IssuedPreview> {
    let journalist = required_note("journalist", journalist)?;
    if journalist.chars().count() > 200 || journalist.contains('\n') {
        return Err(WorkflowError::Invalid {
            field: "journalist",
            reason: "must be one line of at most 200 characters".into(),
        });
    }
    if valid_for.is_zero() || valid_for > MAX_PREVIEW_VALIDITY {
        return Err(WorkflowError::Invalid {
            field: "validity",
            reason: format!(
                "must be between 1 second and {} days",
                MAX_PREVIEW_VALIDITY.as_secs() / 86_400
            ),
        });
    }
    require_publisher(actor)?;
    let release = store.get(id).await?.ok_or(WorkflowError::NotFound(id))?;
    if release.status != Status::Embargoed {
        return Err(WorkflowError::Invalid {
            field: "release",
            reason: format!(
                "only an embargoed release has preview links; this one is {}",
                release.status
            ),
        });
    }
    let token = new_token().map_err(|reason| WorkflowError::Invalid {
        field: "token",
        reason,
    })?;
    let now = clock.now();
    let expires_at = now
        .checked_add(
            SignedDuration::try_from(valid_for).map_err(|e| WorkflowError::Invalid {
                field: "validity",
                reason: e.to_string(),
            })?,
        )
        .map_err(|e| WorkflowError::Invalid {
            field: "validity",
            reason: e.to_string(),
        })?;
    let link = store
        .create_preview_link(
            NewPreviewLink {
                release_id: id,
                journalist,
                token_hash: token_hash(&token),
                created_by: actor.user_id,
                expires_at,
            },
            now,
        )
        .await?;
    Ok(IssuedPreview { link, token })
}

/// What a valid preview token shows: the release and whose link it is.
#[derive(Debug, Clone)]
pub struct Preview {
    pub journalist: String,
    pub release: Release,
    pub expires_at: Timestamp,
}

/// Opens a preview link, logging the access; `None` (and nothing logged)
/// for a token that is malformed, unknown, expired or revoked, or whose
/// release is not embargoed or already past its lift: the public page is
/// the one to read then.
pub async fn open_preview(
    store: &dyn Store,
    clock: &dyn Clock,
    token: &str,
) -> WorkflowResult<Option<Preview>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let opened = store
        .open_preview(&token_hash(&token.to_ascii_lowercase()), clock.now())
        .await?;
    Ok(opened.map(|(link, release)| Preview {
        journalist: link.journalist,
        release,
        expires_at: link.expires_at,
    }))
}

/// Publishers only, as every preview-link action: the refusal names the
/// embargo, the action whose links they are.
fn require_publisher(actor: Actor) -> WorkflowResult<()> {
    if actor.role < Role::Publisher {
        return Err(Refusal::Role {
            action: Action::Embargo,
            role: actor.role,
            needs: Role::Publisher,
        }
        .into());
    }
    Ok(())
}

/// Every preview link issued for release `id`, oldest first, with whether
/// it was revoked and how often it was opened; publishers only.
pub async fn preview_links(
    store: &dyn Store,
    actor: Actor,
    id: ReleaseId,
) -> WorkflowResult<Vec<IssuedPreviewLink>> {
    require_publisher(actor)?;
    store.get(id).await?.ok_or(WorkflowError::NotFound(id))?;
    Ok(store.preview_links(id).await?)
}

/// Revokes preview link `link_id` of release `id` before it expires;
/// publishers only. A link of another release, one revoked already or one
/// that does not exist is [`WorkflowError::Invalid`], and nothing changes.
pub async fn revoke_preview_link(
    store: &dyn Store,
    clock: &dyn Clock,
    actor: Actor,
    id: ReleaseId,
    link_id: i64,
) -> WorkflowResult<()> {
    require_publisher(actor)?;
    let not_active = || WorkflowError::Invalid {
        field: "link",
        reason: format!("release {id} has no preview link {link_id} that is still active"),
    };
    let links = preview_links(store, actor, id).await?;
    if !links
        .iter()
        .any(|l| l.link.id == link_id && l.revoked_at.is_none())
    {
        return Err(not_active());
    }
    // Decided again by the store: a revocation that raced this one wins.
    if !store.revoke_preview_link(link_id, clock.now()).await? {
        return Err(not_active());
    }
    Ok(())
}

/// 256 bits from the operating system's generator, as hex.
fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness available: {e}"))?;
    Ok(hex(&bytes))
}

/// The stored form of a token: hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
