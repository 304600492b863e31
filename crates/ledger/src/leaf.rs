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
        if self.format != LEAF_FORMAT {
            return Err(LedgerError::BadLeaf(format!(
                "unknown leaf format {:?}",
                self.format
            )));
        }
        canonical_leaf_bytes(LeafParts {
            path: &self.path,
            revision: self.revision,
            event: self.event,
            at: self.at,
            content: &self.content,
            change_note: self.change_note.as_deref(),
        })
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

/// A leaf's fields, borrowed: what [`canonical_leaf_bytes`] encodes.
#[derive(Debug, Clone, Copy)]
pub struct LeafParts<'a> {
    pub path: &'a str,
    pub revision: u32,
    pub event: LeafEvent,
    pub at: Timestamp,
    pub content: &'a ReleaseContent,
    pub change_note: Option<&'a str>,
}

/// The RFC 8785 canonical JSON of a leaf in today's format, written
/// directly from borrowed fields: an import writes one leaf per release,
/// and a general canonicalizer (a copy of the content, a tree of values,
/// sorted maps) cost a tenth of a whole import's time. The keys are
/// written in their sorted order (all ASCII, so byte order is the RFC's
/// UTF-16 order); every value is a string, a small integer or null, and
/// `serde_json` writes those exactly as the RFC does (the same short
/// escapes, `\u00xx` in lower-case hex for other control characters,
/// everything else as UTF-8). Tested against `serde_json_canonicalizer`.
pub fn canonical_leaf_bytes(leaf: LeafParts<'_>) -> Result<Vec<u8>, LedgerError> {
    let c = leaf.content;
    let text: usize = c.body.texts().map(|p| p.len() + 3).sum::<usize>()
        + c.title.as_str().len()
        + leaf.path.len();
    let mut out = Vec::with_capacity(text + 384);
    write_leaf(&mut out, &leaf).map_err(|e| LedgerError::BadLeaf(e.to_string()))?;
    Ok(out)
}

fn write_leaf(out: &mut Vec<u8>, leaf: &LeafParts<'_>) -> serde_json::Result<()> {
    let c = leaf.content;
    out.extend_from_slice(b"{\"at\":");
    serde_json::to_writer(&mut *out, &leaf.at)?;
    out.extend_from_slice(b",\"change_note\":");
    serde_json::to_writer(&mut *out, &leaf.change_note)?;
    out.extend_from_slice(b",\"content\":{\"attribution\":");
    serde_json::to_writer(&mut *out, &c.attribution.as_ref().map(|a| a.as_str()))?;
    out.extend_from_slice(b",\"body\":[");
    for (i, paragraph) in c.body.texts().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, paragraph)?;
    }
    out.extend_from_slice(b"],\"date\":{\"date\":");
    serde_json::to_writer(&mut *out, &c.date.date())?;
    if let Some(time) = c.date.time() {
        out.extend_from_slice(b",\"time\":{\"time\":");
        serde_json::to_writer(&mut *out, &time.time)?;
        out.extend_from_slice(b",\"zone\":");
        serde_json::to_writer(&mut *out, &time.zone)?;
        out.push(b'}');
    }
    out.extend_from_slice(b"},\"dateline\":");
    serde_json::to_writer(&mut *out, &c.dateline.as_ref().map(|d| d.as_str()))?;
    out.extend_from_slice(b",\"issuer\":");
    match &c.issuer {
        None => out.extend_from_slice(b"null"),
        Some(issuer) => {
            out.extend_from_slice(b"{\"name\":");
            serde_json::to_writer(&mut *out, issuer.as_str())?;
            out.extend_from_slice(b",\"type\":");
            serde_json::to_writer(&mut *out, issuer.issuer_type().as_str())?;
            out.push(b'}');
        }
    }
    out.extend_from_slice(b",\"kind\":");
    serde_json::to_writer(&mut *out, &c.kind.as_ref().map(|k| k.as_str()))?;
    out.extend_from_slice(b",\"language\":");
    serde_json::to_writer(&mut *out, c.language.as_str())?;
    out.extend_from_slice(b",\"title\":");
    serde_json::to_writer(&mut *out, c.title.as_str())?;
    out.extend_from_slice(b"},\"event\":");
    serde_json::to_writer(&mut *out, leaf.event.as_str())?;
    out.extend_from_slice(b",\"format\":");
    serde_json::to_writer(&mut *out, LEAF_FORMAT)?;
    out.extend_from_slice(b",\"path\":");
    serde_json::to_writer(&mut *out, leaf.path)?;
    out.extend_from_slice(b",\"revision\":");
    serde_json::to_writer(&mut *out, &leaf.revision)?;
    out.push(b'}');
    Ok(())
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

    /// Every leaf shape, with text that needs escaping.
    fn awkward_leaves() -> Vec<Leaf> {
        let controls: String = (0u8..0x20).map(char::from).collect();
        let note = format!("{controls}\u{7f} \" \\ / \u{2028} é 😀 <&>");
        let mut full = leaf();
        full.at = "2026-11-23T10:00:00.123456Z".parse().unwrap();
        full.change_note = Some(note.clone());
        full.path = format!("/releases/2018/02/09/{note}");
        full.event = LeafEvent::Correct;
        full.revision = u32::MAX;
        full.content.kind = Some(pressroom_domain::Kind::parse("Media Note").unwrap());
        full.content.issuer =
            Some(pressroom_domain::Issuer::parse("Michael R. Pompeo, Secretary of State").unwrap());
        full.content.dateline =
            Some(pressroom_domain::Dateline::parse("BOGOTÁ, \"Colombia\"").unwrap());
        full.content.attribution = Some(
            pressroom_domain::Attribution::parse("Ned Price, Department Spokesperson").unwrap(),
        );
        full.content.date = ReleaseDate::parse_iso("2018-02-09")
            .unwrap()
            .with_time(jiff::civil::time(14, 30, 5, 0), "America/New_York")
            .unwrap();
        full.content.title = Title::parse("Çavuşoğlu \\ \"quoted\" \t tab").unwrap();
        full.content.body = Body::from_texts(&["\"Søreide\"", "a\\b / c", "€ 10 😀"]).unwrap();
        full.content.language = pressroom_domain::Language::parse("pt-BR").unwrap();
        let mut office = full.clone();
        office.content.issuer =
            Some(pressroom_domain::Issuer::parse("Office of the Spokesperson").unwrap());
        office.change_note = None;
        vec![leaf(), full, office]
    }

    #[test]
    fn the_direct_encoder_writes_what_a_general_rfc_8785_canonicalizer_writes() {
        for leaf in awkward_leaves() {
            let general = serde_json_canonicalizer::to_vec(&leaf).unwrap();
            let direct = leaf.canonical_bytes().unwrap();
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(general).unwrap()
            );
        }
    }

    #[test]
    fn a_leaf_of_another_format_is_not_encoded_as_today_s() {
        let mut other = leaf();
        other.format = "pressroom-leaf/2".to_owned();
        assert!(other.canonical_bytes().is_err());
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
