//! One record of the log: a revision of a release and the event that made
//! it, as RFC 8785 canonical JSON. The store keeps these exact bytes, so a
//! leaf hashes the same on every machine and in every language.

use jiff::Timestamp;
use pressroom_domain::ReleaseContent;
use serde::{Deserialize, Serialize};

use crate::LedgerError;

/// What happened to a release to make this revision public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeafEvent {
    /// Brought in from a legacy archive by `pressroom import`.
    Import,
    /// First published by the newsroom.
    Publish,
    /// A correction: a new revision of a published release.
    Correct,
    /// Withdrawn: the page stays with its notice.
    Withdraw,
}

impl LeafEvent {
    /// The name stored in `revisions.event`.
    pub fn as_str(self) -> &'static str {
        match self {
            LeafEvent::Import => "import",
            LeafEvent::Publish => "publish",
            LeafEvent::Correct => "correct",
            LeafEvent::Withdraw => "withdraw",
        }
    }
}

/// The statement a leaf makes: "the release at `path`, revision `revision`,
/// said `content`, made public by `event` at `at`". The release's internal
/// id is left out: public URLs never show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leaf {
    /// The leaf format; a later format gets another number.
    pub format: String,
    /// The release's public path, `/releases/YYYY/MM/DD/slug`.
    pub path: String,
    /// The revision number, from 1.
    pub revision: u32,
    pub event: LeafEvent,
    /// When the event was committed.
    pub at: Timestamp,
    pub content: ReleaseContent,
    /// The reason given for a correction or a withdrawal.
    pub change_note: Option<String>,
}

/// The value of [`Leaf::format`] written today.
pub const LEAF_FORMAT: &str = "pressroom-leaf/1";

impl Leaf {
    /// A leaf in today's format.
    pub fn new(
        path: String,
        revision: u32,
        event: LeafEvent,
        at: Timestamp,
        content: ReleaseContent,
        change_note: Option<String>,
    ) -> Self {
        Self {
            format: LEAF_FORMAT.to_owned(),
            path,
            revision,
            event,
            at,
            content,
            change_note,
        }
    }

    /// The RFC 8785 canonical JSON of this leaf: the bytes the log hashes.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, LedgerError> {
        serde_json_canonicalizer::to_vec(self).map_err(|e| LedgerError::BadLeaf(e.to_string()))
    }

    /// Reads a leaf back from its bytes, refusing any that are not exactly
    /// the canonical form: two encodings of one statement would let the same
    /// statement hash two ways.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LedgerError> {
        let leaf: Leaf =
            serde_json::from_slice(bytes).map_err(|e| LedgerError::BadLeaf(e.to_string()))?;
        if leaf.format != LEAF_FORMAT {
            return Err(LedgerError::BadLeaf(format!(
                "unknown leaf format {:?}",
                leaf.format
            )));
        }
        if leaf.canonical_bytes()? != bytes {
            return Err(LedgerError::BadLeaf(
                "the bytes are not in RFC 8785 canonical form".to_owned(),
            ));
        }
        Ok(leaf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pressroom_domain::{Body, Language, ReleaseDate, Title};

    fn leaf() -> Leaf {
        Leaf::new(
            "/releases/2018/02/09/media-note".to_owned(),
            1,
            LeafEvent::Import,
            "2026-11-23T10:00:00Z".parse().unwrap(),
            ReleaseContent {
                title: Title::parse("Media Note: Zoë's “visit”").unwrap(),
                kind: None,
                issuer: None,
                dateline: None,
                date: ReleaseDate::parse_iso("2018-02-09").unwrap(),
                attribution: None,
                body: Body::from_texts(&["First.", "Second € 10"]).unwrap(),
                language: Language::default(),
            },
            None,
        )
    }

    #[test]
    fn rfc_8785_sorts_keys_and_writes_utf8_unescaped() {
        // The RFC's own example (section 3.2.3): keys sorted by UTF-16 code
        // units, literals and numbers in ECMAScript form.
        let value: serde_json::Value = serde_json::from_str(
            r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                "literals": [null, true, false]}"#,
        )
        .unwrap();
        let out = serde_json_canonicalizer::to_string(&value).unwrap();
        assert_eq!(
            out,
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn a_leaf_round_trips_through_its_canonical_bytes() {
        let bytes = leaf().canonical_bytes().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with(r#"{"at":"2026-11-23T10:00:00Z","change_note":null,"content":{"#));
        assert!(text.contains("Zoë's “visit”"));
        assert_eq!(Leaf::from_bytes(&bytes).unwrap(), leaf());
    }

    #[test]
    fn a_leaf_not_in_canonical_form_is_refused() {
        let bytes = leaf().canonical_bytes().unwrap();
        let pretty = serde_json::to_vec_pretty(&leaf()).unwrap();
        assert!(Leaf::from_bytes(&pretty).is_err());
        let mut extra = bytes.clone();
        extra.insert(bytes.len() - 1, b' ');
        assert!(Leaf::from_bytes(&extra).is_err());
    }
}
