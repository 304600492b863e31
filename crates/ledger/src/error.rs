use thiserror::Error;

/// What went wrong building or checking a piece of the ledger. The messages
/// are what `pressroom verify` shows a reader, so each names the failed check.
#[derive(Debug, Error)]
pub enum LedgerError {
    /// A leaf's bytes are not the canonical JSON of a revision and its event.
    #[error("the log entry is not a well-formed revision: {0}")]
    BadLeaf(String),
    /// The Merkle tree arithmetic or a stored hash was missing or wrong.
    #[error("the log's tree could not be computed: {0}")]
    Tree(String),
    /// A key string (private or public) could not be read.
    #[error("the key is malformed: {0}")]
    BadKey(String),
    /// The checkpoint text or its signed note could not be parsed.
    #[error("the checkpoint is malformed: {0}")]
    BadCheckpoint(String),
    /// The checkpoint's signature does not verify with any published key.
    #[error("the checkpoint's signature does not verify with the published key(s): {0}")]
    BadSignature(String),
    /// The checkpoint is for another log than the one asked about.
    #[error("the checkpoint is for the log {found:?}, not {expected:?}")]
    WrongOrigin {
        /// The origin the caller expected.
        expected: String,
        /// The origin the checkpoint names.
        found: String,
    },
    /// The proof bundle (the saved file or the served JSON) could not be read.
    #[error("the proof is malformed: {0}")]
    BadBundle(String),
    /// The inclusion proof does not lead from the leaf to the signed tree head.
    #[error(
        "the statement is not in the log at index {index}: the inclusion proof does not match the signed checkpoint (tree of {size})"
    )]
    NotIncluded {
        /// The log index the bundle claims.
        index: u64,
        /// The size of the signed tree.
        size: u64,
    },
    /// A newer checkpoint does not extend an older one: history was rewritten.
    #[error(
        "the log's history was rewritten: the tree of {new_size} does not contain the tree of {old_size} seen before"
    )]
    Inconsistent {
        /// The size of the tree seen before.
        old_size: u64,
        /// The size of the newer tree.
        new_size: u64,
    },
    /// A newer checkpoint is smaller than one seen before.
    #[error("the log shrank: it had {old_size} entries and now claims {new_size}")]
    Shrunk {
        /// The size of the tree seen before.
        old_size: u64,
        /// The size claimed now.
        new_size: u64,
    },
    /// Signing failed (an invalid key name).
    #[error("signing failed: {0}")]
    Sign(String),
}
