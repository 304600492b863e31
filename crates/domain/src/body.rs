use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::{single_line, single_line_owned, text_newtype};

/// One paragraph of a release body, in Markdown. Line breaks inside it are
/// folded to spaces: a paragraph is one block of text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Paragraph(String);

impl Paragraph {
    pub const MAX_CHARS: usize = 20_000;

    /// Line breaks inside a paragraph are hard wraps, folded like any other
    /// run of white space.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        single_line("paragraph", input, Self::MAX_CHARS).map(Self)
    }

    /// [`Paragraph::parse`] of an owned text, kept without a copy when it
    /// is already in normal form (an importer's paragraphs, mostly).
    pub fn parse_owned(input: String) -> Result<Self, FieldError> {
        single_line_owned("paragraph", input, Self::MAX_CHARS).map(Self)
    }
}

text_newtype!(Paragraph);

/// The body of a release: one or more Markdown paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "Vec<String>")]
pub struct Body(Vec<Paragraph>);

/// A list of strings, written from the paragraphs in place: `into =
/// "Vec<String>"` copied every paragraph of every body each time one was
/// stored or exported.
impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.texts())
    }
}

impl Body {
    /// Enough for the longest transcripts of remarks.
    pub const MAX_PARAGRAPHS: usize = 2_000;

    pub fn new(paragraphs: Vec<Paragraph>) -> Result<Self, FieldError> {
        if paragraphs.is_empty() {
            return Err(FieldError::Empty { field: "body" });
        }
        if paragraphs.len() > Self::MAX_PARAGRAPHS {
            return Err(FieldError::TooLong {
                field: "body",
                max: Self::MAX_PARAGRAPHS,
                actual: paragraphs.len(),
            });
        }
        Ok(Self(paragraphs))
    }

    /// Parses paragraph texts; blank ones are skipped, not errors, because a
    /// blank paragraph carries nothing.
    pub fn from_texts<S: AsRef<str>>(texts: &[S]) -> Result<Self, FieldError> {
        let paragraphs = texts
            .iter()
            .map(AsRef::as_ref)
            .filter(|t| !t.trim().is_empty())
            .map(Paragraph::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(paragraphs)
    }

    /// Splits Markdown text on blank lines.
    pub fn from_markdown(text: &str) -> Result<Self, FieldError> {
        let normalized = text.replace("\r\n", "\n");
        let blocks: Vec<&str> = normalized.split("\n\n").collect();
        Self::from_texts(&blocks)
    }

    pub fn paragraphs(&self) -> &[Paragraph] {
        &self.0
    }

    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(Paragraph::as_str)
    }

    /// The paragraphs as Markdown, separated by blank lines.
    pub fn to_markdown(&self) -> String {
        self.texts().collect::<Vec<_>>().join("\n\n")
    }
}

impl TryFrom<Vec<String>> for Body {
    type Error = FieldError;
    fn try_from(v: Vec<String>) -> Result<Self, FieldError> {
        Self::from_texts(&v)
    }
}

impl From<Body> for Vec<String> {
    fn from(b: Body) -> Vec<String> {
        b.0.into_iter().map(String::from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hard_wrapped_paragraph_becomes_one_line() {
        let p = Paragraph::parse("one\ntwo  three\n").unwrap();
        assert_eq!(p.as_str(), "one two three");
    }

    #[test]
    fn a_body_needs_at_least_one_paragraph() {
        assert_eq!(
            Body::from_texts::<&str>(&[]),
            Err(FieldError::Empty { field: "body" })
        );
        assert_eq!(
            Body::from_texts(&["  ", ""]),
            Err(FieldError::Empty { field: "body" })
        );
    }

    #[test]
    fn markdown_splits_on_blank_lines() {
        let b = Body::from_markdown("First para\nstill first.\r\n\r\nSecond.").unwrap();
        assert_eq!(
            b.texts().collect::<Vec<_>>(),
            ["First para still first.", "Second."]
        );
        assert_eq!(b.to_markdown(), "First para still first.\n\nSecond.");
    }

    #[test]
    fn a_body_is_written_as_the_list_of_its_paragraphs_and_read_back() {
        let b = Body::from_texts(&["First \"one\".", "Second."]).unwrap();
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, r#"["First \"one\".","Second."]"#);
        assert_eq!(serde_json::from_str::<Body>(&json).unwrap(), b);
    }

    #[test]
    fn an_over_long_paragraph_is_rejected() {
        let long = "a".repeat(Paragraph::MAX_CHARS + 1);
        assert!(matches!(
            Paragraph::parse(&long),
            Err(FieldError::TooLong {
                field: "paragraph",
                ..
            })
        ));
    }
}
