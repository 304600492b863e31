//! What a reader keeps to check a statement later: the leaf, its index, the
//! inclusion proof and the signed checkpoint it leads to. Checking it needs
//! nothing but the site's published keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use tlog_tiles::Hash;

use crate::checkpoint::{SignedCheckpoint, open_checkpoint};
use crate::tree::{check_consistency, check_inclusion, leaf_hash};
use crate::{Leaf, LedgerError, VerifierKey};

/// The value of [`ProofBundle::format`].
pub const BUNDLE_FORMAT: &str = "pressroom-proof/1";
/// The value of [`ConsistencyProof::format`].
pub const CONSISTENCY_FORMAT: &str = "pressroom-consistency/1";

/// The proof that one revision is in the log, as served at a release's
/// `/proof` address and saved by readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofBundle {
    pub format: String,
    /// The log's name (the checkpoint's origin).
    pub log: String,
    /// The leaf's index in the log.
    pub index: u64,
    /// The leaf's bytes (canonical JSON), in base64.
    pub leaf: String,
    /// The audit path from the leaf to the checkpoint's root, base64 hashes.
    pub inclusion: Vec<String>,
    /// The signed checkpoint (a C2SP signed note).
    pub checkpoint: String,
}

impl ProofBundle {
    pub fn new(log: &str, index: u64, leaf: &[u8], inclusion: &[Hash], checkpoint: &str) -> Self {
        Self {
            format: BUNDLE_FORMAT.to_owned(),
            log: log.to_owned(),
            index,
            leaf: STANDARD.encode(leaf),
            inclusion: inclusion.iter().map(Hash::to_string).collect(),
            checkpoint: checkpoint.to_owned(),
        }
    }

    /// The bundle as served and saved: compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A consistency proof between two tree sizes, as served at
/// `/.well-known/pressroom/log/consistency/<old>/<new>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    pub format: String,
    pub log: String,
    pub old_size: u64,
    pub size: u64,
    pub proof: Vec<String>,
}

impl ConsistencyProof {
    pub fn new(log: &str, old_size: u64, size: u64, proof: &[Hash]) -> Self {
        Self {
            format: CONSISTENCY_FORMAT.to_owned(),
            log: log.to_owned(),
            old_size,
            size,
            proof: proof.iter().map(Hash::to_string).collect(),
        }
    }
}

/// A statement that checked out.
#[derive(Debug, Clone)]
pub struct Verified {
    pub leaf: Leaf,
    pub index: u64,
    pub checkpoint: SignedCheckpoint,
}

fn parse_hashes(list: &[String]) -> Result<Vec<Hash>, LedgerError> {
    list.iter()
        .map(|s| {
            Hash::parse_hash(s)
                .map_err(|_| LedgerError::BadBundle(format!("{s:?} is not a base64 SHA-256 hash")))
        })
        .collect()
}

/// Checks a proof bundle: the checkpoint is signed by one of `keys` and is
/// of the log the bundle names, the leaf is a canonical revision, and the
/// inclusion proof leads from the leaf at its index to the signed root.
pub fn verify_bundle(bytes: &[u8], keys: &[VerifierKey]) -> Result<Verified, LedgerError> {
    let bundle: ProofBundle =
        serde_json::from_slice(bytes).map_err(|e| LedgerError::BadBundle(e.to_string()))?;
    if bundle.format != BUNDLE_FORMAT {
        return Err(LedgerError::BadBundle(format!(
            "unknown format {:?}",
            bundle.format
        )));
    }
    let checkpoint = open_checkpoint(bundle.checkpoint.as_bytes(), keys)?;
    if checkpoint.origin != bundle.log {
        return Err(LedgerError::WrongOrigin {
            expected: bundle.log,
            found: checkpoint.origin,
        });
    }
    let leaf_bytes = STANDARD
        .decode(&bundle.leaf)
        .map_err(|e| LedgerError::BadBundle(format!("the leaf is not base64: {e}")))?;
    let leaf = Leaf::from_bytes(&leaf_bytes)?;
    let proof = parse_hashes(&bundle.inclusion)?;
    check_inclusion(
        &proof,
        checkpoint.size,
        checkpoint.root,
        bundle.index,
        leaf_hash(&leaf_bytes),
    )?;
    Ok(Verified {
        leaf,
        index: bundle.index,
        checkpoint,
    })
}

/// Checks that `new` extends `old` (both already opened with the keys) by
/// the served consistency proof.
pub fn verify_consistency(
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
    proof: &ConsistencyProof,
) -> Result<(), LedgerError> {
    if old.origin != new.origin {
        return Err(LedgerError::WrongOrigin {
            expected: old.origin.clone(),
            found: new.origin.clone(),
        });
    }
    if new.size < old.size {
        return Err(LedgerError::Shrunk {
            old_size: old.size,
            new_size: new.size,
        });
    }
    if proof.format != CONSISTENCY_FORMAT
        || proof.old_size != old.size
        || proof.size != new.size
        || proof.log != new.origin
    {
        return Err(LedgerError::BadBundle(format!(
            "the consistency proof is for {} -> {} of {:?}, not {} -> {} of {:?}",
            proof.old_size, proof.size, proof.log, old.size, new.size, new.origin
        )));
    }
    let hashes = parse_hashes(&proof.proof)?;
    if old.size == new.size {
        return if old.root == new.root && hashes.is_empty() {
            Ok(())
        } else {
            Err(LedgerError::Inconsistent {
                old_size: old.size,
                new_size: new.size,
            })
        };
    }
    check_consistency(&hashes, new.size, new.root, old.size, old.root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Appender, HashSource, prove_consistency, prove_inclusion, tree_hash};
    use crate::{LeafEvent, SiteKey, sign_checkpoint};
    use pressroom_domain::{Body, Language, ReleaseContent, ReleaseDate, Title};

    const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    fn leaf(i: u32) -> Vec<u8> {
        Leaf::new(
            format!("/releases/2024/01/02/statement-{i}"),
            1,
            LeafEvent::Import,
            "2026-11-23T10:00:00Z".parse().unwrap(),
            ReleaseContent {
                title: Title::parse(&format!("Statement number {i}")).unwrap(),
                kind: None,
                issuer: None,
                dateline: None,
                date: ReleaseDate::parse_iso("2024-01-02").unwrap(),
                attribution: None,
                body: Body::from_texts(&["The minister said: “we stand firm”."]).unwrap(),
                language: Language::default(),
            },
            None,
        )
        .canonical_bytes()
        .unwrap()
    }

    /// A log of `n` leaves, every stored hash kept, and a signed head.
    fn log(n: u32) -> (Vec<Vec<u8>>, HashSource, SiteKey) {
        let key = SiteKey::parse(GO_SKEY).unwrap();
        let mut a = Appender::new(0, HashSource::new());
        let mut all = HashSource::new();
        let leaves: Vec<Vec<u8>> = (0..n).map(leaf).collect();
        for l in &leaves {
            for (i, h) in a.append(l).unwrap().1 {
                all.insert(i, h);
            }
        }
        (leaves, all, key)
    }

    fn bundle(n: u32, index: u64) -> (String, SiteKey) {
        let (leaves, all, key) = log(n);
        let size = u64::from(n);
        let root = tree_hash(size, &all).unwrap();
        let cp = sign_checkpoint(&key, size, root).unwrap();
        let proof = prove_inclusion(size, index, &all).unwrap();
        let b = ProofBundle::new(key.name(), index, &leaves[index as usize], &proof, &cp);
        (b.to_json(), key)
    }

    #[test]
    fn a_served_bundle_verifies_with_the_published_key() {
        let (json, key) = bundle(11, 6);
        let v = verify_bundle(json.as_bytes(), &[key.verifier().clone()]).unwrap();
        assert_eq!(v.index, 6);
        assert_eq!(v.checkpoint.size, 11);
        assert_eq!(v.leaf.content.title.as_str(), "Statement number 6");
    }

    #[test]
    fn a_bundle_checked_with_another_key_fails_on_the_signature() {
        let (json, _) = bundle(3, 0);
        let other = SiteKey::generate(&mut rand_core::OsRng, "PeterNeumann").unwrap();
        let err = verify_bundle(json.as_bytes(), &[other.verifier().clone()]).unwrap_err();
        assert!(matches!(err, LedgerError::BadSignature(_)), "{err}");
    }

    #[test]
    fn a_thousand_random_single_byte_changes_are_all_detected() {
        // Changes land in the stored revision (the leaf), the log entry (its
        // index and audit path) and the checkpoint alike: every byte of the
        // bundle is one of those or the JSON around them.
        let (json, key) = bundle(37, 21);
        let keys = [key.verifier().clone()];
        verify_bundle(json.as_bytes(), &keys).unwrap();
        let bytes = json.into_bytes();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            // xorshift64*: deterministic, so a failure reproduces.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        for round in 0..1000 {
            let mut tampered = bytes.clone();
            let at = (next() % bytes.len() as u64) as usize;
            let delta = (next() % 255 + 1) as u8;
            tampered[at] = tampered[at].wrapping_add(delta);
            assert!(
                verify_bundle(&tampered, &keys).is_err(),
                "round {round}: changing byte {at} to {:?} went unnoticed",
                tampered[at] as char
            );
        }
    }

    #[test]
    fn a_rewritten_history_is_caught_by_the_consistency_check() {
        let (_, all, key) = log(20);
        let keys = [key.verifier().clone()];
        let head = |n: u64, src: &HashSource| {
            open_checkpoint(
                sign_checkpoint(&key, n, tree_hash(n, src).unwrap())
                    .unwrap()
                    .as_bytes(),
                &keys,
            )
            .unwrap()
        };
        let old = head(9, &all);
        let new = head(20, &all);
        let proof =
            ConsistencyProof::new(key.name(), 9, 20, &prove_consistency(20, 9, &all).unwrap());
        verify_consistency(&old, &new, &proof).unwrap();

        // The same log with leaf 4 quietly replaced, signed by the same key.
        let mut a = Appender::new(0, HashSource::new());
        let mut forged = HashSource::new();
        for i in 0..20u32 {
            let l = if i == 4 { leaf(99) } else { leaf(i) };
            for (x, h) in a.append(&l).unwrap().1 {
                forged.insert(x, h);
            }
        }
        let rewritten = head(20, &forged);
        let proof = ConsistencyProof::new(
            key.name(),
            9,
            20,
            &prove_consistency(20, 9, &forged).unwrap(),
        );
        let err = verify_consistency(&old, &rewritten, &proof).unwrap_err();
        assert!(matches!(err, LedgerError::Inconsistent { .. }), "{err}");
        let err = verify_consistency(&new, &old, &proof).unwrap_err();
        assert!(matches!(err, LedgerError::Shrunk { .. }), "{err}");
    }
}
