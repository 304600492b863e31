//! Tree heads as C2SP `tlog-checkpoint` bodies (origin, size, base64 root
//! hash, one per line), wrapped in a C2SP `signed-note` signed by the site key.

use signed_note::{Note, Verifier, VerifierList};
use tlog_tiles::{Checkpoint, Hash};

use crate::{LedgerError, SiteKey, VerifierKey};

/// A checkpoint whose signature has been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedCheckpoint {
    /// The log's name.
    pub origin: String,
    /// The number of leaves.
    pub size: u64,
    /// The root hash of the tree of `size` leaves.
    pub root: Hash,
    /// The whole signed note, as served.
    pub note: String,
}

/// Signs the tree head of `size` leaves with root `root`.
pub fn sign_checkpoint(key: &SiteKey, size: u64, root: Hash) -> Result<String, LedgerError> {
    let body = Checkpoint::new(key.name(), size, root, "")
        .map_err(|e| LedgerError::BadCheckpoint(e.to_string()))?
        .to_bytes();
    let mut note = Note::new(&body, &[]).map_err(|e| LedgerError::Sign(e.to_string()))?;
    note.add_sigs(&[key.signer()])
        .map_err(|e| LedgerError::Sign(e.to_string()))?;
    String::from_utf8(note.to_bytes()).map_err(|e| LedgerError::Sign(e.to_string()))
}

/// Opens a signed checkpoint: it must carry a valid signature by one of
/// `keys`, and its origin must be the name of the key that signed it.
pub fn open_checkpoint(text: &[u8], keys: &[VerifierKey]) -> Result<SignedCheckpoint, LedgerError> {
    let note = Note::from_bytes(text).map_err(|e| LedgerError::BadCheckpoint(e.to_string()))?;
    let verifiers = keys
        .iter()
        .map(|k| k.verifier().map(|v| Box::new(v) as Box<dyn Verifier>))
        .collect::<Result<Vec<_>, _>>()?;
    let (verified, _) = note
        .verify(&VerifierList::new(verifiers))
        .map_err(|e| LedgerError::BadSignature(e.to_string()))?;
    let cp = Checkpoint::from_bytes(note.text())
        .map_err(|e| LedgerError::BadCheckpoint(e.to_string()))?;
    if !verified.iter().any(|s| s.name() == cp.origin()) {
        return Err(LedgerError::WrongOrigin {
            expected: verified
                .first()
                .map(|s| s.name().to_owned())
                .unwrap_or_default(),
            found: cp.origin().to_owned(),
        });
    }
    if !cp.extension().is_empty() {
        return Err(LedgerError::BadCheckpoint(
            "unexpected extension lines".to_owned(),
        ));
    }
    let note =
        String::from_utf8(text.to_vec()).map_err(|e| LedgerError::BadCheckpoint(e.to_string()))?;
    Ok(SignedCheckpoint {
        origin: cp.origin().to_owned(),
        size: cp.size(),
        root: *cp.hash(),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn a_note_signed_with_go_s_test_key_is_byte_for_byte_go_s_answer() {
        // sumdb/note's TestSign: Ed25519 is deterministic, so the signature
        // line is a known answer.
        let key = SiteKey::parse(GO_SKEY).unwrap();
        let text = b"If you think cryptography is the answer to your problem,\n\
                     then you don't know what your problem is.\n";
        let mut note = Note::new(text, &[]).unwrap();
        note.add_sigs(&[key.signer()]).unwrap();
        assert_eq!(
            String::from_utf8(note.to_bytes()).unwrap(),
            "If you think cryptography is the answer to your problem,\n\
             then you don't know what your problem is.\n\
             \n\
             — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        );
    }

    #[test]
    fn a_checkpoint_is_the_c2sp_body_signed_and_opens_with_the_public_key() {
        let key = SiteKey::parse(GO_SKEY).unwrap();
        let root = tlog_tiles::record_hash(b"x");
        let note = sign_checkpoint(&key, 7, root).unwrap();
        let body = format!("PeterNeumann\n7\n{root}\n\n— PeterNeumann ");
        assert!(note.starts_with(&body), "{note}");
        let cp = open_checkpoint(note.as_bytes(), &[VerifierKey::parse(GO_VKEY).unwrap()]).unwrap();
        assert_eq!(
            (cp.size, cp.root, cp.origin.as_str()),
            (7, root, "PeterNeumann")
        );
    }

    #[test]
    fn a_checkpoint_signed_by_another_key_is_refused() {
        let other = SiteKey::generate(&mut rand_core::OsRng, "PeterNeumann").unwrap();
        let note = sign_checkpoint(&other, 1, tlog_tiles::record_hash(b"x")).unwrap();
        let err =
            open_checkpoint(note.as_bytes(), &[VerifierKey::parse(GO_VKEY).unwrap()]).unwrap_err();
        assert!(matches!(err, LedgerError::BadSignature(_)), "{err}");
    }
}
