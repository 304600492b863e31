//! The store's side of the transparency log (`pressroom-ledger`): the rows a
//! backend appends in the same transaction as a revision, and what it reads
//! back for checkpoints and proofs.

use jiff::Timestamp;
use pressroom_domain::{Action, ReleaseContent, ReleaseId, ReleasePath};
use pressroom_ledger::{LeafEvent, LeafParts, LedgerError, canonical_leaf_bytes};

use crate::{StoreError, StoreResult};

/// One entry of the log as stored: its index, the revision it records and
/// the leaf's canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Dense from 0, in commit order.
    pub index: u64,
    pub release_id: ReleaseId,
    pub revision: u32,
    /// The leaf's canonical JSON, hashed by the tree.
    pub leaf: Vec<u8>,
}

/// A leaf to append, built before the append so that its bytes are fixed.
#[derive(Debug, Clone)]
pub struct NewLeaf {
    pub release_id: i64,
    pub revision: u32,
    pub bytes: Vec<u8>,
}

impl NewLeaf {
    /// The leaf of any event: what the editorial workflow calls for publish,
    /// correct and withdraw, and the importer for import.
    pub fn new(
        release_id: i64,
        path: &ReleasePath,
        revision: u32,
        event: LeafEvent,
        at: Timestamp,
        content: &ReleaseContent,
        change_note: Option<&str>,
    ) -> StoreResult<Self> {
        let bytes = canonical_leaf_bytes(LeafParts {
            path: &path.to_string(),
            revision,
            event,
            at,
            content,
            change_note,
        })
        .map_err(ledger_error)?;
        Ok(Self {
            release_id,
            revision,
            bytes,
        })
    }
}

/// A ledger failure inside a backend: a bug or corrupt stored hashes.
pub fn ledger_error(e: LedgerError) -> StoreError {
    StoreError::Corrupt {
        what: "transparency log",
        reason: e.to_string(),
    }
}

/// The log index of a stored row, refusing negative values.
pub fn index_from_db(value: i64) -> StoreResult<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        what: "transparency log",
        reason: format!("negative log index {value}"),
    })
}

/// A stored hash read back, refusing any that is not 32 bytes.
pub fn hash_from_db(index: u64, bytes: &[u8]) -> StoreResult<pressroom_ledger::Hash> {
    let arr: [u8; 32] = bytes.try_into().map_err(|_| StoreError::Corrupt {
        what: "transparency log",
        reason: format!("stored hash {index} has {} bytes", bytes.len()),
    })?;
    Ok(pressroom_ledger::Hash(arr))
}

/// The log event of a workflow action that writes a public revision: a
/// publication, a correction or a withdrawal; `None` for every other action,
/// which changes nothing the public can read.
pub fn leaf_event(action: Action) -> Option<LeafEvent> {
    match action {
        Action::Publish => Some(LeafEvent::Publish),
        Action::Correct => Some(LeafEvent::Correct),
        Action::Withdraw => Some(LeafEvent::Withdraw),
        _ => None,
    }
}
