//! The transparency log's public face: the signed checkpoint, the published
//! keys, log entries, consistency proofs, each release's proof bundle and
//! the "Verify this statement" page. Reads through `PublicView` only; the
//! log holds public revisions alone.

pub(crate) mod log;
pub(crate) mod proof;
pub(crate) mod verify;

use pressroom_ledger::tree::{self, Need};
use pressroom_ledger::{Hash, HashSource, LedgerError, SiteKeys, sign_checkpoint};
use pressroom_store::PublicView;
use pressroom_store::ledger::ledger_error;

use crate::AppError;

pub(crate) fn ledger_failure(e: LedgerError) -> AppError {
    AppError::Store(ledger_error(e))
}

/// The log as it stands: its size, root and signed checkpoint, with the
/// stored hashes that `extra` computations need fetched in the same read.
pub(crate) struct Head {
    pub size: u64,
    pub root: Hash,
    pub checkpoint: String,
    pub hashes: HashSource,
}

pub(crate) async fn head(
    public: &PublicView,
    keys: &SiteKeys,
    extra: impl Fn(u64) -> Vec<Need>,
) -> Result<Head, AppError> {
    // Hashes below a committed size never change, so reading the size and
    // then its hashes needs no transaction.
    let size = public.ledger_size().await?;
    let mut wanted = tree::needs(Need::TreeHash { size }).map_err(ledger_failure)?;
    for need in extra(size) {
        wanted.extend(tree::needs(need).map_err(ledger_failure)?);
    }
    let hashes = public.ledger_hashes(&wanted).await?;
    let root = tree::tree_hash(size, &hashes).map_err(ledger_failure)?;
    let checkpoint = sign_checkpoint(&keys.current, size, root).map_err(ledger_failure)?;
    Ok(Head {
        size,
        root,
        checkpoint,
        hashes,
    })
}
