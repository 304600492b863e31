//! The site's signing key and the public keys readers check with, in the
//! text forms of C2SP signed-note (the same strings Go's `sumdb/note` reads):
//! `PRIVATE+KEY+<name>+<id>+<base64>` and `<name>+<id>+<base64>`.

use rand_core::CryptoRngCore;
use signed_note::{Signer, StandardSigner, StandardVerifier, Verifier};

use crate::LedgerError;

/// The site's Ed25519 signing key. Its `Debug` never shows the secret, so
/// logging one by mistake leaks nothing.
#[derive(Clone)]
pub struct SiteKey {
    secret: String,
    signer: StandardSigner,
    verifier: VerifierKey,
}

impl std::fmt::Debug for SiteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteKey")
            .field("public", &self.verifier.as_str())
            .finish_non_exhaustive()
    }
}

impl SiteKey {
    /// A new key for the log named `name` (the site's origin, see
    /// [`origin_from_base_url`]).
    pub fn generate<R: CryptoRngCore + ?Sized>(
        rng: &mut R,
        name: &str,
    ) -> Result<Self, LedgerError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(LedgerError::BadKey(format!(
                "{name:?} is not a valid key name (no spaces or '+')"
            )));
        }
        let (secret, _) = signed_note::generate_key(rng, name);
        Self::parse(&secret)
    }

    /// The key with the given Ed25519 seed: for tests that need the same
    /// key on every run, and for importing a key made elsewhere.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, LedgerError> {
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        let mut tagged = vec![0x01];
        tagged.extend_from_slice(public.as_bytes());
        let mut private = vec![0x01];
        private.extend_from_slice(&seed);
        Self::parse(&format!(
            "PRIVATE+KEY+{name}+{:08x}+{}",
            signed_note::key_id(name, &tagged),
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, private)
        ))
    }

    /// Reads a key from the text of a key file.
    pub fn parse(text: &str) -> Result<Self, LedgerError> {
        let secret = text.trim().to_owned();
        let signer = StandardSigner::new(&secret)
            .map_err(|e| LedgerError::BadKey(format!("not a signed-note private key: {e}")))?;
        // The public half, in its published form, derived from the secret.
        let key = secret
            .splitn(5, '+')
            .nth(4)
            .ok_or_else(|| LedgerError::BadKey("no key material".to_owned()))?;
        let raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, key)
            .map_err(|e| LedgerError::BadKey(e.to_string()))?;
        let seed: [u8; 32] = raw
            .get(1..)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| LedgerError::BadKey("an Ed25519 key has 32 bytes".to_owned()))?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        let verifier = VerifierKey::parse(&signed_note::new_ed25519_verifier_key(
            signer.name(),
            &public,
        ))?;
        Ok(Self {
            secret,
            signer,
            verifier,
        })
    }

    /// The text to write to the key file (with a closing newline). Secret.
    pub fn to_file_text(&self) -> String {
        format!("{}\n", self.secret)
    }

    /// The log's name, which every checkpoint carries as its origin.
    pub fn name(&self) -> &str {
        self.signer.name()
    }

    /// The public key to publish.
    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    pub(crate) fn signer(&self) -> &StandardSigner {
        &self.signer
    }
}

/// A published public key, `<name>+<id hex>+<base64 of 0x01 || key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    text: String,
    name: String,
    id: u32,
}

impl VerifierKey {
    /// Parses a public key as published.
    pub fn parse(text: &str) -> Result<Self, LedgerError> {
        let text = text.trim();
        let v = StandardVerifier::new(text)
            .map_err(|e| LedgerError::BadKey(format!("not a signed-note public key: {e}")))?;
        Ok(Self {
            text: text.to_owned(),
            name: v.name().to_owned(),
            id: v.key_id(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The log name the key signs for.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's 32-bit id, as on signature lines.
    pub fn id(&self) -> u32 {
        self.id
    }

    pub(crate) fn verifier(&self) -> Result<StandardVerifier, LedgerError> {
        StandardVerifier::new(&self.text).map_err(|e| LedgerError::BadKey(e.to_string()))
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The log's name for a site at `base_url`: its host and path, as C2SP
/// tlog-checkpoint recommends (`https://press.example.gov/` ->
/// `press.example.gov`).
pub fn origin_from_base_url(base_url: &str) -> Result<String, LedgerError> {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .trim_end_matches('/');
    if rest.is_empty() || !signed_note::is_key_name_valid(rest) {
        return Err(LedgerError::BadKey(format!(
            "cannot name the log after the base URL {base_url:?}"
        )));
    }
    Ok(rest.to_owned())
}

/// The keys a site publishes: the one that signs now, and the retired ones
/// that signed before a rotation, still listed so that old checkpoints and
/// saved proofs keep verifying.
#[derive(Debug, Clone)]
pub struct SiteKeys {
    pub current: SiteKey,
    pub retired: Vec<VerifierKey>,
}

impl SiteKeys {
    /// Every public key, the current one first.
    pub fn published(&self) -> Vec<VerifierKey> {
        std::iter::once(self.current.verifier().clone())
            .chain(self.retired.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of Go's `sumdb/note` tests.
    pub(crate) const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    pub(crate) const GO_VKEY: &str =
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn the_public_key_of_go_s_test_key_is_derived_exactly() {
        let key = SiteKey::parse(GO_SKEY).unwrap();
        assert_eq!(key.verifier().as_str(), GO_VKEY);
        assert_eq!(key.verifier().id(), 0xc74f_20a3);
        assert_eq!(key.name(), "PeterNeumann");
    }

    #[test]
    fn a_generated_key_reads_back_from_its_file_text() {
        let mut rng = rand_core::OsRng;
        let key = SiteKey::generate(&mut rng, "press.example.gov").unwrap();
        let again = SiteKey::parse(&key.to_file_text()).unwrap();
        assert_eq!(again.verifier(), key.verifier());
        assert!(!format!("{key:?}").contains(&key.secret));
    }

    #[test]
    fn malformed_keys_are_refused_with_a_reason() {
        assert!(SiteKey::parse("PRIVATE+KEY+x+00000000+AAAA").is_err());
        assert!(VerifierKey::parse("nobody+00000000+AAAA").is_err());
        assert!(SiteKey::generate(&mut rand_core::OsRng, "has space").is_err());
    }

    #[test]
    fn the_origin_is_the_base_url_without_scheme() {
        assert_eq!(
            origin_from_base_url("https://press.example.gov/").unwrap(),
            "press.example.gov"
        );
        assert_eq!(
            origin_from_base_url("http://127.0.0.1:8080/press").unwrap(),
            "127.0.0.1:8080/press"
        );
        assert!(origin_from_base_url("https://").is_err());
    }
}
