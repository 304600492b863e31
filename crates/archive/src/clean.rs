use std::borrow::Cow;

use crate::report::{ReportKind, Reporter};

/// One line of the input after cleaning, with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    pub(crate) no: u32,
    /// Trimmed, stray glyphs removed; empty for a blank line. Borrowed from
    /// the file's text when cleaning changed nothing but the ends, as for
    /// most lines: no copy per line.
    pub(crate) text: Cow<'a, str>,
}

impl Line<'_> {
    pub(crate) fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// What to do with one character of scraped text.
enum Fix {
    Keep,
    /// Spacing that looks like a space to a reader (NBSP, tab).
    Space,
    /// Junk that a scraper left behind; reported.
    Drop,
}

fn fix(c: char) -> Fix {
    match c {
        '\t' | '\u{A0}' | '\u{2007}' | '\u{202F}' => Fix::Space,
        // Geometric shapes: the "□" of the seeds and its relatives, which
        // scrapers emit for glyphs the page's font drew as icons.
        '\u{25A0}'..='\u{25FF}' => Fix::Drop,
        '\u{FFFD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => Fix::Drop,
        c if c.is_control() => Fix::Drop,
        _ => Fix::Keep,
    }
}

/// Shapes that lists use as bullets. "□" (U+25A1) is not among them: in
/// these dumps it is always junk.
const BULLET_SHAPES: [char; 8] = ['■', '▪', '●', '○', '◦', '◆', '◇', '►'];

/// Splits text into cleaned lines. Every removed glyph is reported with its
/// line so the repair can be checked.
pub(crate) fn lines<'a>(text: &'a str, report: &mut Reporter<'_>) -> Vec<Line<'a>> {
    // A byte-order mark is an encoding marker, not text: drop it unreported.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.contains('\r') {
        // Lines cannot borrow from the text with its line ends rewritten,
        // which lives only here: each is copied.
        let unified = text.replace("\r\n", "\n").replace('\r', "\n");
        return split_lines(&unified, report)
            .into_iter()
            .map(|l| Line {
                no: l.no,
                text: Cow::Owned(l.text.into_owned()),
            })
            .collect();
    }
    split_lines(text, report)
}

fn split_lines<'a>(text: &'a str, report: &mut Reporter<'_>) -> Vec<Line<'a>> {
    let mut out = Vec::with_capacity(text.len() / 40);
    for (i, raw) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (cleaned, removed) = clean_line(raw);
        if !removed.is_empty() {
            let list: Vec<String> = removed.iter().map(|c| describe(*c)).collect();
            report.add(
                no,
                ReportKind::StrayGlyph,
                format!("removed {}", list.join(", ")),
            );
        }
        out.push(Line { no, text: cleaned });
    }
    out
}

/// Cleans one line; returns it trimmed and the distinct characters removed.
fn clean_line(raw: &str) -> (Cow<'_, str>, Vec<char>) {
    // Most lines are plain printable ASCII: nothing to fix.
    if raw.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return (Cow::Borrowed(raw.trim()), Vec::new());
    }
    let mut out = String::with_capacity(raw.len());
    let mut removed: Vec<char> = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match fix(c) {
            Fix::Keep => out.push(c),
            Fix::Space => out.push(' '),
            Fix::Drop => {
                // A shape that opens a line and is followed by a space is a
                // list bullet ("▪ item"), which is text, not junk.
                let is_bullet = BULLET_SHAPES.contains(&c)
                    && out.trim().is_empty()
                    && chars.peek().is_some_and(|n| n.is_whitespace());
                if is_bullet {
                    out.push(c);
                } else if !removed.contains(&c) {
                    removed.push(c);
                }
            }
        }
    }
    (Cow::Owned(out.trim().to_owned()), removed)
}

fn describe(c: char) -> String {
    let code = format!("U+{:04X}", c as u32);
    if c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
        )
    {
        code
    } else {
        format!("{code} {c:?}")
    }
}

/// Removes Markdown emphasis wrapped around a whole line ("*text*",
/// "**text**", "_text_"), which legacy dumps put on footers and headers.
pub(crate) fn strip_emphasis(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        for mark in ["**", "__", "*", "_"] {
            if let Some(inner) = s.strip_prefix(mark).and_then(|t| t.strip_suffix(mark))
                && !inner.trim().is_empty()
            {
                s = inner.trim();
            }
        }
        if s == before {
            return s;
        }
    }
}

/// Lower-case letters and digits only, words joined by one space: the form in
/// which two copies of the same text compare equal whatever their
/// punctuation, quotes or markup.
pub(crate) fn normalize_words(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    push_normalized_words(s, &mut out, 0);
    // Only whole characters are written: always UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Each ASCII byte's normalized form: itself lower-cased for a letter or a
/// digit, 0 for anything else.
static ASCII_WORD_BYTE: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// [`normalize_words`] appended, as UTF-8 bytes, to `out`: words already
/// there after byte `from` are continued, one space after them; what comes
/// before `from` is another field. Bytes rather than a `String`: the
/// fingerprint hashes them as they are, with no second pass to check they
/// are UTF-8.
pub(crate) fn push_normalized_words(s: &str, out: &mut Vec<u8>, from: usize) {
    let mut pending_space = out.len() > from;
    if s.is_ascii() {
        // Byte by byte through a table and without a branch per byte (a
        // word boundary every few bytes defeats branch prediction): each
        // byte writes a space and its normalized form, and the length
        // advances past what is kept. Most of an archive goes this way.
        let start = out.len();
        out.resize(start + 2 * s.len() + 1, 0);
        let mut len = start;
        let mut has_words = start > from;
        for &b in s.as_bytes() {
            let n = ASCII_WORD_BYTE[usize::from(b & 0x7f)];
            let word = n != 0;
            out[len] = b' ';
            len += usize::from(word & pending_space & has_words);
            out[len] = n;
            len += usize::from(word);
            pending_space = !word;
            has_words |= word;
        }
        out.truncate(len);
        return;
    }
    let mut buf = [0u8; 4];
    for c in s.chars() {
        // ASCII first: almost all of an archive, and far cheaper than the
        // Unicode case tables.
        let alnum = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if alnum {
            if pending_space && out.len() > from {
                out.push(b' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase() as u8);
            } else {
                for l in c.to_lowercase() {
                    out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                }
            }
        } else {
            pending_space = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> (Vec<String>, Vec<String>) {
        let mut r = Reporter::new("t");
        let ls = lines(text, &mut r);
        (
            ls.into_iter().map(|l| l.text.into_owned()).collect(),
            r.entries.into_iter().map(|e| e.detail).collect(),
        )
    }

    #[test]
    fn the_seed_box_glyph_is_removed_and_reported() {
        let (ls, rep) = clean("Robert Palladino:\u{25A1}");
        assert_eq!(ls, ["Robert Palladino:"]);
        assert_eq!(rep, ["removed U+25A1 '□'"]);
    }

    #[test]
    fn invisible_junk_goes_and_nbsp_becomes_a_space() {
        let (ls, rep) = clean("a\u{200B}b\u{A0}c\u{FFFD}d\u{7}");
        assert_eq!(ls, ["ab cd"]);
        assert_eq!(rep.len(), 1);
    }

    #[test]
    fn letters_of_any_language_are_kept() {
        let (ls, rep) = clean("Søreide, Çavuşoğlu, Bogotá, ¡Viva México!");
        assert_eq!(ls, ["Søreide, Çavuşoğlu, Bogotá, ¡Viva México!"]);
        assert!(rep.is_empty());
    }

    #[test]
    fn a_leading_shape_used_as_a_bullet_is_kept() {
        let (ls, rep) = clean("\u{25AA} first item");
        assert_eq!(ls, ["\u{25AA} first item"]);
        assert!(rep.is_empty());
    }

    #[test]
    fn the_seed_box_is_junk_even_where_a_bullet_would_stand() {
        let (ls, rep) = clean("\u{25A1} The below is attributable to X:");
        assert_eq!(ls, ["The below is attributable to X:"]);
        assert_eq!(rep.len(), 1);
    }

    #[test]
    fn line_endings_of_every_kind_split_lines() {
        let (ls, _) = clean("a\r\nb\rc\nd");
        assert_eq!(ls, ["a", "b", "c", "d"]);
    }

    #[test]
    fn emphasis_around_a_whole_line_is_stripped() {
        assert_eq!(strip_emphasis("*as a portal.*"), "as a portal.");
        assert_eq!(strip_emphasis("**Media Note**"), "Media Note");
        assert_eq!(strip_emphasis("* item"), "* item");
        assert_eq!(strip_emphasis("a*b*"), "a*b*");
    }

    #[test]
    fn words_normalize_to_lower_case_alphanumerics() {
        assert_eq!(
            normalize_words("Pompeo’s  Meeting: *With* Søreide!"),
            "pompeo s meeting with søreide"
        );
    }
}
