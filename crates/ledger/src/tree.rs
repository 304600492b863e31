//! The Merkle tree of RFC 9162 (leaf hash `SHA-256(0x00 || leaf)`, node hash
//! `SHA-256(0x01 || left || right)`), kept as Go's `sumdb/tlog` keeps it: a
//! dense array of "stored hashes", the hash of every complete subtree, at the
//! index `tlog_tiles::stored_hash_index(level, n)`. Appending leaf `n` writes
//! at most `1 + log2 n` of them; a tree head or a proof reads `O(log n)`.
//!
//! The store reads hashes asynchronously while `tlog_tiles` asks for them
//! synchronously, so each computation runs in two passes: [`needs`] lists
//! the indexes a computation will read (they depend only on the sizes), the
//! store fetches exactly those into a [`HashSource`], and the computation
//! runs on it.

use std::cell::RefCell;
use std::collections::BTreeMap;

use tlog_tiles::{Hash, HashReader};

use crate::LedgerError;

fn tree_error(e: tlog_tiles::Error) -> LedgerError {
    LedgerError::Tree(e.to_string())
}

/// Stored hashes by index, fetched for one computation.
#[derive(Debug, Default, Clone)]
pub struct HashSource(BTreeMap<u64, Hash>);

impl HashSource {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, index: u64, hash: Hash) {
        self.0.insert(index, hash);
    }
}

impl FromIterator<(u64, Hash)> for HashSource {
    fn from_iter<I: IntoIterator<Item = (u64, Hash)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl HashReader for HashSource {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|i| {
                self.0
                    .get(i)
                    .copied()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

/// A reader that answers anything and remembers what was asked: the first
/// pass of a two-pass computation.
#[derive(Default)]
struct Recorder(RefCell<Vec<u64>>);

impl HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Ok(vec![tlog_tiles::EMPTY_HASH; indexes.len()])
    }
}

/// A computation on the tree that the store can prepare for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The root hash of the tree of `size` leaves.
    TreeHash { size: u64 },
    /// The inclusion proof of leaf `index` in the tree of `size`.
    Inclusion { size: u64, index: u64 },
    /// The consistency proof from the tree of `old` leaves to that of `size`.
    Consistency { size: u64, old: u64 },
}

/// The stored-hash indexes that a computation reads.
pub fn needs(need: Need) -> Result<Vec<u64>, LedgerError> {
    let r = Recorder::default();
    match need {
        Need::TreeHash { size } => tlog_tiles::tree_hash(size, &r).map(|_| ()),
        Need::Inclusion { size, index } => tlog_tiles::prove_record(size, index, &r).map(|_| ()),
        Need::Consistency { size, old } => tlog_tiles::prove_tree(size, old, &r).map(|_| ()),
    }
    .map_err(tree_error)?;
    let mut v = r.0.into_inner();
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

/// The root hash of the tree of `size` leaves.
pub fn tree_hash(size: u64, src: &HashSource) -> Result<Hash, LedgerError> {
    tlog_tiles::tree_hash(size, src).map_err(tree_error)
}

/// The audit path of leaf `index` in the tree of `size` (RFC 9162 2.1.3).
pub fn prove_inclusion(size: u64, index: u64, src: &HashSource) -> Result<Vec<Hash>, LedgerError> {
    tlog_tiles::prove_record(size, index, src).map_err(tree_error)
}

/// The consistency proof from the tree of `old` leaves to that of `size`
/// (RFC 9162 2.1.4).
pub fn prove_consistency(size: u64, old: u64, src: &HashSource) -> Result<Vec<Hash>, LedgerError> {
    tlog_tiles::prove_tree(size, old, src).map_err(tree_error)
}

/// Whether `proof` shows the leaf with hash `leaf` at `index` in the tree of
/// `size` whose root is `root`.
pub fn check_inclusion(
    proof: &[Hash],
    size: u64,
    root: Hash,
    index: u64,
    leaf: Hash,
) -> Result<(), LedgerError> {
    if index >= size {
        return Err(LedgerError::NotIncluded { index, size });
    }
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, leaf)
        .map_err(|_| LedgerError::NotIncluded { index, size })
}

/// Whether `proof` shows the tree of `old` leaves with root `old_root` to be
/// a prefix of the tree of `size` with root `root`.
pub fn check_consistency(
    proof: &[Hash],
    size: u64,
    root: Hash,
    old: u64,
    old_root: Hash,
) -> Result<(), LedgerError> {
    let inconsistent = LedgerError::Inconsistent {
        old_size: old,
        new_size: size,
    };
    if old > size {
        return Err(LedgerError::Shrunk {
            old_size: old,
            new_size: size,
        });
    }
    if old == 0 {
        // The empty tree is a prefix of every tree; there is nothing to prove.
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(inconsistent)
        };
    }
    tlog_tiles::check_tree(&proof.to_vec(), size, root, old, old_root).map_err(|_| inconsistent)
}

/// The hash of a leaf's bytes, `SHA-256(0x00 || bytes)`.
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    tlog_tiles::record_hash(bytes)
}

/// The stored hashes a tree of `size` leaves needs to take its next leaf:
/// the roots of its maximal complete subtrees, one per set bit of `size`.
pub fn frontier_indexes(size: u64) -> Vec<u64> {
    (0..64u8)
        .filter(|level| size >> level & 1 == 1)
        .map(|level| tlog_tiles::stored_hash_index(level, (size >> level) - 1))
        .collect()
}

/// Appends leaves to a tree in memory, given its frontier, and says which
/// stored hashes to write. The store runs one inside the transaction that
/// writes the revisions, so the leaves and the hashes commit with them.
#[derive(Debug)]
pub struct Appender {
    size: u64,
    hashes: HashSource,
}

impl Appender {
    /// Starts from a tree of `size` leaves; `frontier` holds (at least) the
    /// hashes at [`frontier_indexes`]`(size)`.
    pub fn new(size: u64, frontier: HashSource) -> Self {
        Self {
            size,
            hashes: frontier,
        }
    }

    /// The number of leaves so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf; returns its index and the stored hashes to write,
    /// each with its stored-hash index.
    pub fn append(&mut self, leaf: &[u8]) -> Result<(u64, Vec<(u64, Hash)>), LedgerError> {
        let index = self.size;
        let hashes = tlog_tiles::stored_hashes(index, leaf, &self.hashes).map_err(tree_error)?;
        let first = tlog_tiles::stored_hash_count(index);
        let rows: Vec<(u64, Hash)> = (first..).zip(hashes).collect();
        for (i, h) in &rows {
            self.hashes.insert(*i, *h);
        }
        self.size += 1;
        Ok((index, rows))
    }

    /// Where the tree stands: its size and the stored hashes its next
    /// leaf needs, which another `Appender` can go on from
    /// ([`Appender::new`]) without the hashes of every leaf appended here.
    pub fn end(&self) -> (u64, HashSource) {
        let frontier = frontier_indexes(self.size)
            .into_iter()
            .filter_map(|i| self.hashes.0.get(&i).map(|h| (i, *h)))
            .collect();
        (self.size, frontier)
    }

    /// The root hash of the tree as it stands.
    pub fn root(&self) -> Result<Hash, LedgerError> {
        tree_hash(self.size, &self.hashes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appender_that_goes_on_from_another_ones_end_builds_the_same_tree() {
        let leaves: Vec<Vec<u8>> = (0..37u8).map(|i| vec![i; 3]).collect();
        let (whole, _) = build(&leaves);
        for cut in [0, 1, 5, 16, 36] {
            let (first, _) = build(&leaves[..cut]);
            let (size, frontier) = first.end();
            assert_eq!(size, cut as u64);
            let mut rest = Appender::new(size, frontier);
            for l in &leaves[cut..] {
                rest.append(l).unwrap();
            }
            assert_eq!(rest.root().unwrap(), whole.root().unwrap(), "cut at {cut}");
        }
    }

    /// Builds a tree of `n` leaves in memory, every stored hash kept.
    pub(crate) fn build(leaves: &[Vec<u8>]) -> (Appender, HashSource) {
        let mut a = Appender::new(0, HashSource::new());
        let mut all = HashSource::new();
        for l in leaves {
            let (_, rows) = a.append(l).unwrap();
            for (i, h) in rows {
                all.insert(i, h);
            }
        }
        (a, all)
    }

    fn hex(h: Hash) -> String {
        h.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The test inputs of RFC 6962's reference implementation
    /// (certificate-transparency's merkle_tree_test), which RFC 9162 keeps.
    fn ct_leaves() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|s| unhex(s))
        .collect()
    }

    #[test]
    fn the_empty_tree_hashes_to_sha256_of_nothing() {
        assert_eq!(
            hex(tree_hash(0, &HashSource::new()).unwrap()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn tree_heads_match_the_rfc_6962_reference_vectors() {
        let want = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves = ct_leaves();
        for (n, want) in want.iter().enumerate() {
            let (a, _) = build(&leaves[..=n]);
            assert_eq!(hex(a.root().unwrap()), *want, "tree of {}", n + 1);
        }
    }

    #[test]
    fn inclusion_proofs_match_the_rfc_6962_reference_vectors() {
        // (leaf index, tree size, audit path) from the reference tests.
        let cases: [(u64, u64, &[&str]); 4] = [
            (0, 1, &[]),
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
        ];
        let (_, all) = build(&ct_leaves());
        for (index, size, path) in cases {
            let proof = prove_inclusion(size, index, &all).unwrap();
            let got: Vec<String> = proof.iter().map(|h| hex(*h)).collect();
            assert_eq!(got, path, "leaf {index} of {size}");
        }
    }

    #[test]
    fn consistency_proofs_match_the_rfc_6962_reference_vectors() {
        let cases: [(u64, u64, &[&str]); 3] = [
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        let (_, all) = build(&ct_leaves());
        for (old, size, path) in cases {
            let proof = prove_consistency(size, old, &all).unwrap();
            let got: Vec<String> = proof.iter().map(|h| hex(*h)).collect();
            assert_eq!(got, path, "{old} -> {size}");
        }
    }

    #[test]
    fn consistency_proofs_verify_for_every_pair_up_to_256_and_fail_when_altered() {
        let leaves: Vec<Vec<u8>> = (0..256u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let (_, all) = build(&leaves);
        let roots: Vec<Hash> = (0..=256).map(|n| tree_hash(n, &all).unwrap()).collect();
        for size in 1..=256u64 {
            for old in 1..=size {
                let proof = prove_consistency(size, old, &all).unwrap();
                check_consistency(&proof, size, roots[size as usize], old, roots[old as usize])
                    .unwrap_or_else(|e| panic!("{old} -> {size}: {e}"));
                if old < size {
                    // The wrong old root, or any altered hash, is caught.
                    assert!(
                        check_consistency(
                            &proof,
                            size,
                            roots[size as usize],
                            old,
                            roots[old as usize - 1]
                        )
                        .is_err()
                    );
                    if let Some(first) = proof.first() {
                        let mut bad = proof.clone();
                        bad[0].0[0] ^= 1;
                        assert_ne!(*first, bad[0]);
                        assert!(
                            check_consistency(
                                &bad,
                                size,
                                roots[size as usize],
                                old,
                                roots[old as usize]
                            )
                            .is_err(),
                            "{old} -> {size}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn inclusion_proofs_verify_for_every_leaf_up_to_256() {
        let leaves: Vec<Vec<u8>> = (0..256u32).map(|i| i.to_le_bytes().to_vec()).collect();
        let (_, all) = build(&leaves);
        for size in [1u64, 2, 3, 7, 8, 100, 255, 256] {
            let root = tree_hash(size, &all).unwrap();
            for index in 0..size {
                let proof = prove_inclusion(size, index, &all).unwrap();
                let h = leaf_hash(&leaves[index as usize]);
                check_inclusion(&proof, size, root, index, h).unwrap();
                let other = leaf_hash(b"forged");
                assert!(check_inclusion(&proof, size, root, index, other).is_err());
            }
        }
    }

    #[test]
    fn two_pass_computations_read_only_what_they_announce() {
        let leaves: Vec<Vec<u8>> = (0..300u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let (_, all) = build(&leaves);
        let only = |need: Need| -> HashSource {
            needs(need)
                .unwrap()
                .into_iter()
                .map(|i| (i, all.read_hashes(&[i]).unwrap()[0]))
                .collect()
        };
        for size in [1u64, 5, 256, 257, 300] {
            let src = only(Need::TreeHash { size });
            assert_eq!(
                tree_hash(size, &src).unwrap(),
                tree_hash(size, &all).unwrap()
            );
            let src = only(Need::Inclusion {
                size,
                index: size / 2,
            });
            assert_eq!(
                prove_inclusion(size, size / 2, &src).unwrap(),
                prove_inclusion(size, size / 2, &all).unwrap()
            );
            let src = only(Need::Consistency {
                size,
                old: size / 3 + 1,
            });
            assert_eq!(
                prove_consistency(size, size / 3 + 1, &src).unwrap(),
                prove_consistency(size, size / 3 + 1, &all).unwrap()
            );
        }
    }

    #[test]
    fn appending_from_the_frontier_alone_gives_the_same_tree() {
        let leaves: Vec<Vec<u8>> = (0..600u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let (full, all) = build(&leaves);
        // Resume at several sizes with only the frontier, as the store does
        // at the start of each transaction.
        for start in [0u64, 1, 2, 3, 255, 256, 257, 511, 599] {
            let frontier: HashSource = frontier_indexes(start)
                .into_iter()
                .map(|i| (i, all.read_hashes(&[i]).unwrap()[0]))
                .collect();
            let mut a = Appender::new(start, frontier);
            for l in &leaves[start as usize..] {
                let (_, rows) = a.append(l).unwrap();
                for (i, h) in rows {
                    assert_eq!(all.read_hashes(&[i]).unwrap()[0], h, "stored hash {i}");
                }
            }
            assert_eq!(a.root().unwrap(), full.root().unwrap());
        }
    }
}
