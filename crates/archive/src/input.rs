//! From a file's bytes to releases: gzip, text encodings, and the formats an
//! archive arrives in (plain text, Markdown, saved HTML pages, our own JSON
//! Lines export). Still pure: the caller reads the bytes.

use std::borrow::Cow;
use std::io::Read;

use crate::error::{ParseError, Problem};
use crate::parse::{ParseOptions, ParsedFile, parse_text_with};
use crate::report::ReportKind;
use crate::{html, jsonl};

/// The formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scraped text in the seed layout.
    Text,
    /// Markdown: read as text, its markup repaired away.
    Markdown,
    /// A saved web page of a press-release site.
    Html,
    /// JSON Lines in the `pressroom export --format jsonl` format.
    Jsonl,
}

impl Format {
    /// The format a file name says, looking through a ".gz" ending; `None`
    /// for an ending the importer does not read.
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "txt" | "text" => Some(Self::Text),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" | "xhtml" => Some(Self::Html),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }

    /// The format of text that came without a telling name (standard input,
    /// an unknown ending): a page opens with a tag, an export line with "{".
    pub fn sniff(text: &str) -> Self {
        let head = text.trim_start_matches('\u{FEFF}').trim_start();
        let lower: String = head.chars().take(200).collect::<String>().to_lowercase();
        if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
            Self::Html
        } else if head.starts_with('{') {
            Self::Jsonl
        } else {
            Self::Text
        }
    }
}

/// How a file's bytes were read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Not valid UTF-8; read as Windows-1252, the usual encoding of old
    /// Western pages.
    Windows1252 {
        /// Offset of the first byte that is not UTF-8.
        invalid_at: usize,
    },
}

/// A file's text and how it was decoded: borrowed from the bytes when they
/// are already UTF-8, so the common file is not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    /// Whether the bytes were gzip-compressed.
    pub gzipped: bool,
}

/// The longest line the importer reads. Real releases have paragraphs of a
/// few thousand characters; a longer line is a dump of something else, and
/// refusing it keeps one bad file from holding gigabytes of memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The most a gzip file may inflate to: an archive file is text of some
/// megabytes, not a decompression bomb.
pub const MAX_INFLATED_BYTES: u64 = 4 << 30;

/// Reads bytes as text: inflates gzip, refuses binary data, and tries
/// Windows-1252 before giving up on bytes that are not UTF-8.
pub fn decode<'a>(source: &str, bytes: &'a [u8]) -> Result<Decoded<'a>, ParseError> {
    let err = |line: u32, p: Problem| p.at(line).in_file(source);
    let (bytes, gzipped) = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .take(MAX_INFLATED_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| err(1, Problem::Gzip(e.to_string())))?;
        if out.len() as u64 > MAX_INFLATED_BYTES {
            return Err(err(1, Problem::Gzip("inflates to more than 4 GiB".into())));
        }
        (Cow::Owned(out), true)
    } else {
        (Cow::Borrowed(bytes), false)
    };
    if let Some(at) = binary_at(&bytes) {
        let line = line_of(&bytes, at);
        return Err(err(line, Problem::Binary(at)));
    }
    let (text, encoding) = match utf8(bytes) {
        Ok(text) => (text, Encoding::Utf8),
        Err((bytes, invalid_at)) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            // Windows-1252 leaves five bytes undefined; they decode to C1
            // controls, which no real page holds.
            if let Some(pos) = text
                .chars()
                .position(|c| ('\u{80}'..='\u{9F}').contains(&c))
            {
                let line = line_of(&bytes, invalid_at);
                return Err(err(
                    line,
                    Problem::NotText {
                        invalid_at,
                        char_at: pos,
                    },
                ));
            }
            (
                Cow::Owned(text.into_owned()),
                Encoding::Windows1252 { invalid_at },
            )
        }
    };
    check_line_lengths(&text).map_err(|p| p.in_file(source))?;
    Ok(Decoded {
        text,
        encoding,
        gzipped,
    })
}

/// The bytes as text without a copy, or the bytes back with the offset of
/// the first one that is not UTF-8.
fn utf8(bytes: Cow<'_, [u8]>) -> Result<Cow<'_, str>, (Cow<'_, [u8]>, usize)> {
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b)
            .map(Cow::Borrowed)
            .map_err(|e| (Cow::Borrowed(b), e.valid_up_to())),
        Cow::Owned(v) => String::from_utf8(v).map(Cow::Owned).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            (Cow::Owned(e.into_bytes()), at)
        }),
    }
}

/// Where bytes stop looking like text: a NUL byte, or many control bytes
/// in the first kilobytes.
fn binary_at(bytes: &[u8]) -> Option<usize> {
    if let Some(at) = memchr_nul(bytes) {
        return Some(at);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    (controls * 10 > head.len().max(1)).then_some(0)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    // `contains` on bytes is a vectorized memchr; text has no NUL, so the
    // byte-by-byte search for its place runs only on binary data.
    if !bytes.contains(&0) {
        return None;
    }
    bytes.iter().position(|&b| b == 0)
}

fn line_of(bytes: &[u8], at: usize) -> u32 {
    let n = bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

fn check_line_lengths(text: &str) -> Result<(), crate::error::LineProblem> {
    for (i, line) in text.split('\n').enumerate() {
        if line.len() > MAX_LINE_BYTES {
            let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            return Err(Problem::LineTooLong(line.len()).at(no));
        }
    }
    Ok(())
}

/// Parses a file's bytes in the given format, or the one its content shows
/// when `format` is `None`. The decoding is reported (a Windows-1252
/// fallback is an entry of the report), so nothing about the reading is
/// silent.
pub fn parse_bytes(
    source: &str,
    bytes: &[u8],
    format: Option<Format>,
    options: &ParseOptions,
) -> Result<ParsedFile, ParseError> {
    let decoded = decode(source, bytes)?;
    let format = format.unwrap_or_else(|| Format::sniff(&decoded.text));
    let mut parsed = parse_document(source, &decoded.text, format, options)?;
    if let Encoding::Windows1252 { invalid_at } = decoded.encoding {
        parsed.report.insert(
            0,
            crate::ReportEntry {
                source: source.to_owned(),
                line: line_of(bytes, invalid_at),
                kind: ReportKind::Encoding,
                detail: format!("not UTF-8 (byte offset {invalid_at}); read as Windows-1252"),
            },
        );
    }
    Ok(parsed)
}

/// Parses text in one format.
pub fn parse_document(
    source: &str,
    text: &str,
    format: Format,
    options: &ParseOptions,
) -> Result<ParsedFile, ParseError> {
    match format {
        Format::Text | Format::Markdown => parse_text_with(source, text, options),
        Format::Html => html::parse_html(source, text, options),
        Format::Jsonl => jsonl::parse_jsonl(source, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn formats_come_from_the_name_through_gz() {
        assert_eq!(Format::from_name("a/b.TXT"), Some(Format::Text));
        assert_eq!(Format::from_name("b.md.gz"), Some(Format::Markdown));
        assert_eq!(Format::from_name("page.htm"), Some(Format::Html));
        assert_eq!(Format::from_name("all.jsonl.gz"), Some(Format::Jsonl));
        assert_eq!(Format::from_name("photo.png"), None);
        assert_eq!(Format::from_name("README"), None);
    }

    #[test]
    fn content_tells_the_format_of_nameless_input() {
        assert_eq!(Format::sniff("<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(Format::sniff("{\"title\":\"x\"}\n"), Format::Jsonl);
        assert_eq!(Format::sniff("Title\n\nMedia Note"), Format::Text);
    }

    #[test]
    fn gzip_is_inflated() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all("héllo\n".as_bytes()).unwrap();
        let bytes = gz.finish().unwrap();
        let d = decode("a.txt.gz", &bytes).unwrap();
        assert_eq!(d.text, "héllo\n");
        assert!(d.gzipped);
    }

    #[test]
    fn a_broken_gzip_is_an_error() {
        let e = decode("a.txt.gz", &[0x1f, 0x8b, 8, 0, 1, 2]).unwrap_err();
        assert!(e.reason.contains("gzip"), "{e}");
    }

    #[test]
    fn windows_1252_is_the_fallback_and_says_so() {
        let bytes = b"Caf\xe9 \x93quoted\x94\n";
        let d = decode("a.txt", bytes).unwrap();
        assert_eq!(d.text, "Café “quoted”\n");
        assert_eq!(d.encoding, Encoding::Windows1252 { invalid_at: 3 });
    }

    #[test]
    fn binary_data_is_refused_with_its_offset() {
        let e = decode("img.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
        assert!(e.reason.contains("binary"), "{e}");
    }

    #[test]
    fn a_line_too_long_is_refused() {
        let text = format!("Title\n{}\n", "a".repeat(MAX_LINE_BYTES + 1));
        let e = decode("a.txt", text.as_bytes()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("too long"), "{e}");
    }
}
