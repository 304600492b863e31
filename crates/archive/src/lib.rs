//! Legacy archive dumps -> releases. [`parse_text`] reads one file's text
//! into [`ParsedFile`]: the [`ParsedRelease`]s it holds (each with its
//! [`fingerprint`]) and a report ([`ReportEntry`], [`ReportKind`]) of every
//! repair made and every piece of text that belongs to no release. A file that
//! cannot be read as releases is a [`ParseError`] naming the file and line.
//! [`dedup`] sets aside later copies of a release found in several files, and
//! [`export_record`] is the way back out: one stable JSON object per release.
//!
//! In the reading pipeline this crate comes first (archive -> store -> search
//! index -> render -> web): it turns scraped pages into domain values, and the
//! store keeps them. It is pure: callers read the files, this crate only sees
//! their text.
//!
//! A file is parsed in four steps: its lines are cleaned of stray glyphs
//! (`clean`), release headers are found by their date line and read upwards
//! to the title (`header`), each body is cut into paragraphs and repaired
//! (`body`), and the fields are validated by the domain's constructors.

mod body;
mod clean;
mod date;
mod error;
mod export;
mod fingerprint;
mod header;
mod html;
mod input;
mod jsonl;
mod parse;
mod report;

pub use date::DateOrder;
pub use error::ParseError;
pub use export::export_record;
pub use fingerprint::{dedup, fingerprint};
pub use input::{
    Decoded, Encoding, Format, MAX_INFLATED_BYTES, MAX_LINE_BYTES, decode, parse_bytes,
    parse_document,
};
pub use parse::{
    HeldRelease, ParseOptions, ParsedFile, ParsedRelease, parse_text, parse_text_with,
};
pub use report::{ReportEntry, ReportKind};
