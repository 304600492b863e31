use pressroom_domain::ReleaseId;
use thiserror::Error;

/// What can go wrong in a store. Backends map their driver errors here so
/// that callers never depend on a particular database.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is malformed or names a backend this build lacks.
    #[error("unsupported database URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    /// The database could not be opened or reached (missing directory, no
    /// permission, server down).
    #[error("cannot open database {url}: {reason}")]
    Unavailable { url: String, reason: String },
    /// The database would acknowledge writes it has not made durable
    /// (PostgreSQL with `fsync` or `synchronous_commit` off); the message
    /// says which setting and how to fix it.
    #[error("refusing an unsafe database: {0}")]
    NotDurable(String),
    /// Applying the schema migrations failed.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A stored row could not be read back into the domain model: the
    /// database was changed outside pressroom, or there is a bug.
    #[error("stored {what} is invalid: {reason}")]
    Corrupt { what: &'static str, reason: String },
    /// The write conflicts with what is stored (a unique value taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The release named does not exist.
    #[error("no release {0}")]
    NotFound(ReleaseId),
    /// The release changed between reading it and writing: someone else
    /// acted first. Nothing was written; read it again and retry.
    #[error("release {id} changed meanwhile: expected {expected}, found {found}")]
    Stale {
        id: ReleaseId,
        expected: String,
        found: String,
    },
    /// Any other database error; the message is the driver's.
    #[error("database error: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;
