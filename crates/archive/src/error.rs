use pressroom_domain::FieldError;
use thiserror::Error;

/// Why a file could not be read as releases, with the file and line to look
/// at. A file is all or nothing: when this is returned, none of its releases
/// were kept.
///
/// `Display` is exactly `"{source}:{line}: {reason}"`, the form editors and
/// terminals turn into a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub source: String,
    pub line: u32,
    pub reason: String,
}

// Written by hand rather than derived: thiserror treats a field named `source`
// as the underlying error, and here it is the file's path label.
impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.reason)
    }
}

impl std::error::Error for ParseError {}

/// What was wrong, before it is tied to a file: the parser's steps return
/// this with the line, and [`parse_text`](crate::parse_text) adds the source.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum Problem {
    /// Nothing in the text has the shape of a release header.
    #[error("no release found: expected a title line followed by a kind, an issuer and a date")]
    NoRelease,
    /// A header whose kind and issuer lines are not followed by a date.
    #[error(
        "release header has no date line: expected a date such as \"December 19, 2018\" after {0:?}"
    )]
    NoDate(String),
    /// The only date in the text has a day and month but no year.
    #[error(
        "the date {0:?} has no year, and the importer does not guess one: add the year to the file"
    )]
    NoYear(String),
    /// The date line has the shape of a date but is not one.
    #[error("date line {line:?} is not a date: {why}")]
    BadDate { line: String, why: String },
    /// A release with a header but no body text.
    #[error("release {0:?} has no body text")]
    NoBody(String),
    /// The file starts like gzip but does not inflate.
    #[error("not a readable gzip file: {0}")]
    Gzip(String),
    /// The bytes hold a NUL or many control bytes: an image, a PDF, ...
    #[error("binary data, not text (at byte offset {0})")]
    Binary(usize),
    /// Neither UTF-8 nor Windows-1252 text.
    #[error(
        "not text: invalid UTF-8 at byte offset {invalid_at}, and not Windows-1252 either \
         (undefined byte at character {char_at})"
    )]
    NotText { invalid_at: usize, char_at: usize },
    /// A line longer than [`crate::MAX_LINE_BYTES`].
    #[error("line is too long ({0} bytes; the importer reads lines of up to 1 MiB)")]
    LineTooLong(usize),
    /// A line of a JSON Lines file that is not a release record.
    #[error("not a release record: {0}")]
    Record(String),
    /// A field the domain rejects (too long, empty, ...).
    #[error(transparent)]
    Field(#[from] FieldError),
}

impl Problem {
    pub(crate) fn at(self, line: u32) -> LineProblem {
        LineProblem {
            line,
            problem: self,
        }
    }
}

/// A [`Problem`] and the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineProblem {
    pub(crate) line: u32,
    pub(crate) problem: Problem,
}

impl LineProblem {
    pub(crate) fn in_file(self, source: &str) -> ParseError {
        ParseError {
            source: source.to_owned(),
            line: self.line,
            reason: self.problem.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_source_line_reason() {
        let e = Problem::NoRelease.at(4).in_file("dump/a.txt");
        assert_eq!(
            e.to_string(),
            "dump/a.txt:4: no release found: expected a title line followed by a kind, an issuer and a date"
        );
    }

    #[test]
    fn a_field_error_keeps_the_domain_text() {
        let fe = FieldError::Empty { field: "title" };
        let e = Problem::from(fe).at(1).in_file("x");
        assert_eq!(e.to_string(), "x:1: title must not be empty");
    }
}
