//! The newsroom's accounts: [`AccountStore`] keeps staff users, their
//! password hashes and TOTP secrets, server-side sessions, invitations,
//! failed sign-ins, API tokens and the append-only audit log.
//!
//! Secrets that grant access (session tokens, invitation tokens, API
//! tokens) are never stored: callers pass a hash (SHA-256 of the random
//! token), so a copy of the database does not let anyone in.

use async_trait::async_trait;
use jiff::Timestamp;
use pressroom_domain::{Email, PersonName, Role};
use serde::Serialize;

use crate::StoreResult;

/// A staff user's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UserId(pub i64);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A staff user as stored, secrets included: only the accounts use-cases
/// read `password_hash` and `totp_secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: PersonName,
    pub role: Role,
    /// A disabled user cannot sign in and has no sessions or tokens that work.
    pub disabled: bool,
    /// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
    pub password_hash: String,
    /// Base32 TOTP secret, once enrolled.
    pub totp_secret: Option<String>,
    pub created_at: Timestamp,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: PersonName,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<String>,
}

/// A server-side session, found by the hash of its cookie's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    /// The token every form of this session carries (not a credential on
    /// its own: it is useless without the session cookie).
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An invitation to join the newsroom with a role, until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub token_hash: String,
    pub email: Email,
    pub role: Role,
    pub invited_by: UserId,
    pub expires_at: Timestamp,
}

/// An API token's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ApiTokenId(pub i64);

/// An API token as stored: its hash, whose it is, the role it acts with
/// (never more than its owner's), and whether it was revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub token_hash: String,
    pub user_id: UserId,
    pub label: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// One line of the audit log, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub at: Timestamp,
    /// Who did it, when known (a failed sign-in has no user yet).
    pub actor: Option<UserId>,
    /// How the actor is shown: an email address, or what was typed.
    pub actor_label: String,
    /// What was done: `login.failed`, `user.invited`, `release.publish`...
    pub action: String,
    /// What it was done to: a user, a release, a token; empty if nothing.
    pub subject: String,
    /// The client address the request came from.
    pub address: String,
}

/// A stored audit line, numbered in the order it was appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
}

/// Where the newsroom's accounts live. Each call that writes is one
/// transaction.
#[async_trait]
pub trait AccountStore: Send + Sync + std::fmt::Debug {
    /// Creates a user; an email already taken is a
    /// [`StoreError::Conflict`](crate::StoreError::Conflict).
    async fn create_user(&self, user: NewUser, now: Timestamp) -> StoreResult<User>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>>;
    /// Every user, by id.
    async fn users(&self) -> StoreResult<Vec<User>>;
    /// How many users there are, disabled ones included.
    async fn user_count(&self) -> StoreResult<u64>;
    async fn set_password_hash(&self, id: UserId, hash: &str) -> StoreResult<()>;
    async fn set_totp_secret(&self, id: UserId, secret: Option<&str>) -> StoreResult<()>;
    /// Records that the TOTP time step `step` was used, if it is later than
    /// the last one used: `false` means the code was already spent (a
    /// replay).
    async fn use_totp_step(&self, id: UserId, step: i64) -> StoreResult<bool>;
    /// Changes a user's role and, in the same transaction, ends every one
    /// of their sessions.
    async fn set_role(&self, id: UserId, role: Role) -> StoreResult<()>;
    /// Disables or re-enables a user; disabling ends every session in the
    /// same transaction.
    async fn set_disabled(&self, id: UserId, disabled: bool) -> StoreResult<()>;

    async fn create_session(&self, session: Session) -> StoreResult<()>;
    /// The live session with this token hash and its user, if it has not
    /// expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Session, User)>>;
    /// Moves a session's idle clock.
    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Records one failed sign-in for a user.
    async fn record_login_failure(&self, id: UserId, at: Timestamp) -> StoreResult<()>;
    /// How many failed sign-ins a user had at or after `since`.
    async fn login_failures_since(&self, id: UserId, since: Timestamp) -> StoreResult<u32>;

    async fn create_invitation(&self, invitation: Invitation) -> StoreResult<()>;
    /// An unexpired invitation, without using it up.
    async fn invitation(&self, token_hash: &str, now: Timestamp)
    -> StoreResult<Option<Invitation>>;
    /// Uses up an unexpired invitation and creates its user in one
    /// transaction; `None` (and nothing written) if the invitation is
    /// unknown, used or expired.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        user: NewUser,
        now: Timestamp,
    ) -> StoreResult<Option<User>>;

    async fn create_api_token(
        &self,
        token_hash: &str,
        user_id: UserId,
        label: &str,
        role: Role,
        now: Timestamp,
    ) -> StoreResult<ApiToken>;
    /// An unrevoked token and its user.
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, User)>>;
    /// Every token (revoked ones too), newest first; only `user`'s if given.
    async fn api_tokens(&self, user: Option<UserId>) -> StoreResult<Vec<ApiToken>>;
    async fn api_token_by_id(&self, id: ApiTokenId) -> StoreResult<Option<ApiToken>>;
    /// Revokes a token; revoking it again changes nothing.
    async fn revoke_api_token(&self, id: ApiTokenId, now: Timestamp) -> StoreResult<()>;

    /// Appends one line to the audit log. There is no call that edits or
    /// deletes one.
    async fn append_audit(&self, event: AuditEvent) -> StoreResult<i64>;
    /// Audit lines with a sequence number above `after`, oldest first.
    async fn audit_after(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditRecord>>;
    /// The newest `limit` audit lines, newest first.
    async fn audit_latest(&self, limit: u32) -> StoreResult<Vec<AuditRecord>>;
}

/// A user's columns as both SQL backends read them, parsed back into a
/// [`User`] (a row that no longer parses is corrupt, never skipped).
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub disabled: bool,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub created_at: i64,
}

impl UserRow {
    pub fn into_user(self) -> StoreResult<User> {
        let corrupt = |reason: String| crate::StoreError::Corrupt {
            what: "user",
            reason,
        };
        Ok(User {
            id: UserId(self.id),
            email: Email::parse(&self.email).map_err(|e| corrupt(e.to_string()))?,
            name: PersonName::parse(&self.name).map_err(|e| corrupt(e.to_string()))?,
            role: Role::parse(&self.role).map_err(|e| corrupt(e.to_string()))?,
            disabled: self.disabled,
            password_hash: self.password_hash,
            totp_secret: self.totp_secret,
            created_at: crate::row::from_micros(self.created_at)?,
        })
    }
}

/// The user columns, in [`UserRow`] order, for both backends' queries.
pub const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.role, u.disabled, u.password_hash, u.totp_secret, u.created_at";
