use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::single_line;

/// The kind of statement. The known kinds get one canonical spelling (so
/// filters and feeds group them); any other label is kept exactly as written,
/// because an archive's own vocabulary is part of the record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Kind {
    MediaNote,
    Readout,
    PressStatement,
    Statement,
    JointStatement,
    Remarks,
    FactSheet,
    NoticeToThePress,
    TakingQuestion,
    Travel,
    /// A label the portal does not know, kept as written.
    Other(String),
}

impl Kind {
    pub const MAX_CHARS: usize = 60;

    /// Every known kind, in the order a filter lists them.
    pub const KNOWN: [Kind; 10] = [
        Kind::PressStatement,
        Kind::MediaNote,
        Kind::Readout,
        Kind::Statement,
        Kind::JointStatement,
        Kind::Remarks,
        Kind::FactSheet,
        Kind::NoticeToThePress,
        Kind::TakingQuestion,
        Kind::Travel,
    ];

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = single_line("kind", input, Self::MAX_CHARS)?;
        let key = Self::key_of(&s);
        if key.is_empty() {
            return Err(FieldError::Invalid {
                field: "kind",
                reason: format!("{s:?} has no letters"),
            });
        }
        Ok(Self::known_by_key(&key).unwrap_or(Kind::Other(s)))
    }

    /// The form in which labels are compared: lower-case letters and digits
    /// only ("Notice to the Press" and "NOTICE TO THE PRESS" are one kind).
    pub fn key_of(label: &str) -> String {
        if label.is_ascii() {
            return label
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase()))
                .collect();
        }
        label
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// The known kind whose [`Kind::key_of`] is `key`. Compared with
    /// constant keys: an importer asks this of every short line of an
    /// archive.
    pub fn known_by_key(key: &str) -> Option<Kind> {
        const KEYS: [&str; 10] = [
            "pressstatement",
            "medianote",
            "readout",
            "statement",
            "jointstatement",
            "remarks",
            "factsheet",
            "noticetothepress",
            "takingquestion",
            "travel",
        ];
        KEYS.iter()
            .position(|k| *k == key)
            .map(|i| Self::KNOWN[i].clone())
    }

    /// Whether this is one of the kinds the portal knows.
    pub fn is_known(&self) -> bool {
        !matches!(self, Kind::Other(_))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Kind::MediaNote => "Media Note",
            Kind::Readout => "Readout",
            Kind::PressStatement => "Press Statement",
            Kind::Statement => "Statement",
            Kind::JointStatement => "Joint Statement",
            Kind::Remarks => "Remarks",
            Kind::FactSheet => "Fact Sheet",
            Kind::NoticeToThePress => "Notice to the Press",
            Kind::TakingQuestion => "Taking Question",
            Kind::Travel => "Travel",
            Kind::Other(s) => s,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Kind {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<Kind> for String {
    fn from(k: Kind) -> String {
        k.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_kinds_parse_whatever_their_case_and_spacing() {
        assert_eq!(Kind::parse("Media Note").unwrap(), Kind::MediaNote);
        assert_eq!(Kind::parse("MEDIA  NOTE").unwrap(), Kind::MediaNote);
        assert_eq!(
            Kind::parse("notice to the press").unwrap(),
            Kind::NoticeToThePress
        );
    }

    #[test]
    fn every_known_kind_round_trips_through_its_label() {
        for k in Kind::KNOWN {
            assert_eq!(Kind::parse(k.as_str()).unwrap(), k);
        }
    }

    #[test]
    fn an_unknown_kind_is_kept_as_written() {
        let k = Kind::parse("Taken Question").unwrap();
        assert_eq!(k, Kind::Other("Taken Question".into()));
        assert_eq!(k.to_string(), "Taken Question");
        assert!(!k.is_known());
    }

    #[test]
    fn empty_or_letterless_kinds_are_rejected() {
        assert!(Kind::parse("").is_err());
        assert!(Kind::parse("--").is_err());
        assert!(Kind::parse(&"k".repeat(61)).is_err());
    }
}
