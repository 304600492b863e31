//! The ledger: authenticity for pressroom's statements, in the manner of
//! Certificate Transparency and Go's checksum database.
//!
//! Every publication event (and every release brought in by the importer)
//! becomes one [`Leaf`]: the RFC 8785 canonical JSON of the revision and its
//! event. Leaves are the records of an append-only Merkle tree hashed as RFC
//! 9162 specifies ([`tree`]: stored hashes in the layout of Go's `sumdb/tlog`,
//! so an append writes at most `1 + log2 n` hashes and a checkpoint or a proof
//! reads at most `O(log n)`). The tree head is published as a C2SP
//! `tlog-checkpoint` inside a C2SP `signed-note`, signed with the site's
//! Ed25519 key ([`SiteKey`], [`checkpoint`]). A reader holds a
//! [`ProofBundle`] (leaf, inclusion proof, signed checkpoint) and checks it
//! with [`verify_bundle`] against the published keys.
//!
//! In the pipelines: the store backends call [`canonical_leaf_bytes`] and
//! [`tree::Appender`] inside the transaction that writes a revision; the web
//! serves checkpoints and proofs; the CLI's `verify` checks them. Pure: no IO.
//! The hashing, proofs, checkpoint and note formats are the `tlog_tiles` and
//! `signed_note` crates (ports of Go's `golang.org/x/mod/sumdb`), the
//! signatures `ed25519-dalek`; the canonical JSON is written directly
//! ([`canonical_leaf_bytes`]) and tested against `serde_json_canonicalizer`.

pub mod bundle;
pub mod checkpoint;
mod error;
pub mod key;
pub mod leaf;
pub mod tree;

pub use bundle::{ConsistencyProof, ProofBundle, Verified, verify_bundle, verify_consistency};
pub use checkpoint::{SignedCheckpoint, open_checkpoint, sign_checkpoint};
pub use error::LedgerError;
pub use key::{SiteKey, SiteKeys, VerifierKey, origin_from_base_url};
pub use leaf::{Leaf, LeafEvent, LeafParts, canonical_leaf_bytes};
pub use tlog_tiles::Hash;
pub use tree::{Appender, HashSource};
