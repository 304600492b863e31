use std::collections::HashSet;

use jiff::civil::Date;
use pressroom_domain::{Body, ReleaseContent};
use sha2::{Digest, Sha256};

use crate::clean::push_normalized_words;
use crate::parse::ParsedRelease;

/// Identifies a release whatever its formatting: the hex SHA-256 of its
/// normalized title, its ISO date and its normalized body text, one per line.
/// Normalizing keeps only lower-case letters and digits, with words joined by
/// one space, so quotes, markup and paragraph breaks do not matter. Kind,
/// issuer and dateline are left out because copies of one release print them
/// differently (or not at all).
pub fn fingerprint(content: &ReleaseContent) -> String {
    fingerprint_parts(
        content.title.as_str(),
        Some(content.date.date()),
        &content.body,
    )
}

/// The fingerprint of a title, a date (empty when unknown) and a body.
pub(crate) fn fingerprint_parts(title: &str, date: Option<Date>, body: &Body) -> String {
    // One buffer of bytes, hashed as it is: the title's words, the date and
    // the body's words (paragraph by paragraph, the same words joined by one
    // space as normalizing the whole body at once).
    let mut canonical: Vec<u8> =
        Vec::with_capacity(title.len() + 12 + body.texts().map(|p| p.len() + 1).sum::<usize>());
    push_normalized_words(title, &mut canonical, 0);
    canonical.push(b'\n');
    if let Some(d) = date {
        canonical.extend_from_slice(d.to_string().as_bytes());
    }
    canonical.push(b'\n');
    let body_start = canonical.len();
    for p in body.texts() {
        push_normalized_words(p, &mut canonical, body_start);
    }
    let digest = Sha256::digest(&canonical);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    hex
}

/// Splits releases into the first of each fingerprint and the later copies,
/// both in input order. The copies are returned, not dropped, so the caller
/// can record where else each release was found.
pub fn dedup(releases: Vec<ParsedRelease>) -> (Vec<ParsedRelease>, Vec<ParsedRelease>) {
    let mut seen = HashSet::new();
    let (mut first, mut copies) = (Vec::new(), Vec::new());
    for r in releases {
        if seen.insert(r.fingerprint.clone()) {
            first.push(r);
        } else {
            copies.push(r);
        }
    }
    (first, copies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pressroom_domain::{Body, Kind, Language, ReleaseDate, Title};

    fn content(title: &str, body: &[&str], kind: Option<Kind>) -> ReleaseContent {
        ReleaseContent {
            title: Title::parse(title).unwrap(),
            kind,
            issuer: None,
            dateline: None,
            date: ReleaseDate::parse_iso("2018-12-19").unwrap(),
            attribution: None,
            body: Body::from_texts(body).unwrap(),
            language: Language::default(),
        }
    }

    #[test]
    fn formatting_does_not_change_the_fingerprint() {
        let a = content("Pompeo's Meeting", &["One two.", "Three."], None);
        let b = content(
            "POMPEO’S  MEETING",
            &["One *two*.  Three."],
            Some(Kind::Readout),
        );
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 64);
    }

    #[test]
    fn different_text_changes_the_fingerprint() {
        let a = content("Pompeo's Meeting", &["One two."], None);
        assert_ne!(
            fingerprint(&a),
            fingerprint(&content("Pompeo's Meeting", &["One three."], None))
        );
        assert_ne!(
            fingerprint(&a),
            fingerprint(&content("Pompeo's Meetings", &["One two."], None))
        );
    }

    #[test]
    fn the_canonical_text_is_what_the_contract_says() {
        let a = content("A b", &["C."], None);
        let expected = Sha256::digest(b"a b\n2018-12-19\nc");
        let hex: String = expected.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(fingerprint(&a), hex);
    }
}
