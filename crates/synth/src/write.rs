use std::fmt::Write as _;
use std::io;

use pressroom_domain::ReleaseContent;

use crate::Generator;
use crate::vocab::MONTHS;

/// Writes `count` releases as text in the seed format, so `pressroom import`
/// reads them like a legacy dump: title, blank, kind, issuer, blank,
/// dateline, date ("December 19, 2018"), blank, the attribution and a blank
/// when there is one, then the paragraphs separated by blank lines. Releases
/// are separated by one blank line; there is no site footer.
pub fn write_text<W: io::Write>(generator: &mut Generator, count: u64, out: W) -> io::Result<()> {
    write_each(generator, count, out, |release, buf, first| {
        if !first {
            buf.push('\n');
        }
        format_text(release, buf);
    })
}

/// Writes `count` releases as JSON Lines, one object per line with the keys
/// `title`, `kind`, `issuer`, `dateline`, `date` (YYYY-MM-DD), `attribution`
/// (string or null), `body` (array of strings) and `language`: the export
/// format without slug, url and status.
pub fn write_jsonl<W: io::Write>(generator: &mut Generator, count: u64, out: W) -> io::Result<()> {
    write_each(generator, count, out, |release, buf, _| {
        format_json_line(release, buf);
    })
}

/// Formats each release into one reused buffer and hands it to the writer
/// whole: one `write_all` per release keeps an unbuffered writer usable and
/// costs a buffered one nothing.
fn write_each<W: io::Write>(
    generator: &mut Generator,
    count: u64,
    mut out: W,
    mut format: impl FnMut(&ReleaseContent, &mut String, bool),
) -> io::Result<()> {
    let mut buf = String::with_capacity(16 * 1024);
    for i in 0..count {
        buf.clear();
        let release = generator.next_release();
        format(&release, &mut buf, i == 0);
        out.write_all(buf.as_bytes())?;
    }
    out.flush()
}

/// Appends one release in the seed text format, ending with a newline after
/// its last paragraph. Absent optional lines (kind, issuer, dateline) are
/// left out, as legacy dumps do.
pub fn format_text(release: &ReleaseContent, out: &mut String) {
    out.push_str(release.title.as_str());
    out.push_str("\n\n");
    if let Some(kind) = &release.kind {
        out.push_str(kind.as_str());
        out.push('\n');
    }
    if let Some(issuer) = &release.issuer {
        out.push_str(issuer.as_str());
        out.push('\n');
    }
    out.push('\n');
    if let Some(dateline) = &release.dateline {
        out.push_str(dateline.as_str());
        out.push('\n');
    }
    push_long_date(release, out);
    out.push_str("\n\n");
    if let Some(attribution) = &release.attribution {
        out.push_str(attribution.as_str());
        out.push_str("\n\n");
    }
    for (i, paragraph) in release.body.texts().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(paragraph);
    }
    out.push('\n');
}

/// Appends one release as a JSON object followed by a newline.
pub fn format_json_line(release: &ReleaseContent, out: &mut String) {
    out.push_str("{\"title\":");
    push_json_string(release.title.as_str(), out);
    out.push_str(",\"kind\":");
    push_json_opt(release.kind.as_ref().map(|k| k.as_str()), out);
    out.push_str(",\"issuer\":");
    push_json_opt(release.issuer.as_ref().map(|i| i.as_str()), out);
    out.push_str(",\"dateline\":");
    push_json_opt(release.dateline.as_ref().map(|d| d.as_str()), out);
    // Writing to a String cannot fail.
    let _ = write!(out, ",\"date\":\"{}\"", release.date.date());
    out.push_str(",\"attribution\":");
    push_json_opt(release.attribution.as_ref().map(|a| a.as_str()), out);
    out.push_str(",\"body\":[");
    for (i, paragraph) in release.body.texts().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(paragraph, out);
    }
    out.push_str("],\"language\":");
    push_json_string(release.language.as_str(), out);
    out.push_str("}\n");
}

/// "December 19, 2018", without going through strftime, which would
/// allocate and parse a format string for every release.
fn push_long_date(release: &ReleaseContent, out: &mut String) {
    let date = release.date.date();
    let month = usize::try_from(date.month() - 1).unwrap_or(0);
    out.push_str(MONTHS[month.min(11)]);
    let _ = write!(out, " {}, {}", date.day(), date.year());
}

fn push_json_opt(value: Option<&str>, out: &mut String) {
    match value {
        Some(s) => push_json_string(s, out),
        None => out.push_str("null"),
    }
}

/// A JSON string literal. Only `"`, `\` and control characters need
/// escaping; everything else, non-ASCII included, is valid as UTF-8. All of
/// those are ASCII, so scanning bytes is safe and cuts only at character
/// boundaries; runs of plain bytes are copied in one piece.
fn push_json_string(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escaped.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escaped);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(seed: u64, n: u64) -> String {
        let mut out = Vec::new();
        write_text(&mut Generator::new(seed), n, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn jsonl(seed: u64, n: u64) -> String {
        let mut out = Vec::new();
        write_jsonl(&mut Generator::new(seed), n, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_is_deterministic_per_seed() {
        assert_eq!(text(1, 200), text(1, 200));
        assert_ne!(text(1, 200), text(2, 200));
        assert_eq!(jsonl(1, 200), jsonl(1, 200));
        assert_ne!(jsonl(1, 200), jsonl(2, 200));
    }

    /// Walks the text line by line against the releases the same seed
    /// yields, checking each release's block and the single blank line
    /// between releases, as the importer will segment them.
    #[test]
    fn the_text_has_the_seed_shape() {
        let n = 500;
        let out = text(99, n);
        let mut generator = Generator::new(99);
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines.last(), Some(&""), "the output ends with a newline");
        let mut at = 0;
        for i in 0..n {
            let r = generator.next_release();
            if i > 0 {
                assert_eq!(lines[at], "", "release {i} is not preceded by a blank line");
                at += 1;
            }
            let kind = r.kind.as_ref().unwrap();
            let issuer = r.issuer.as_ref().unwrap();
            let dateline = r.dateline.as_ref().unwrap();
            let expected_head = [
                r.title.as_str(),
                "",
                kind.as_str(),
                issuer.as_str(),
                "",
                dateline.as_str(),
                &r.date.long_form(),
                "",
            ];
            assert_eq!(&lines[at..at + 8], &expected_head[..], "release {i}");
            at += 8;
            if let Some(a) = &r.attribution {
                assert_eq!(lines[at], a.as_str());
                assert_eq!(lines[at + 1], "");
                at += 2;
            } else {
                assert!(!lines[at].starts_with("The below is attributable"));
            }
            for (j, p) in r.body.texts().enumerate() {
                if j > 0 {
                    assert_eq!(lines[at], "");
                    at += 1;
                }
                assert_eq!(lines[at], p);
                assert!(!p.is_empty());
                at += 1;
            }
        }
        assert_eq!(at, lines.len() - 1);
        // The second line of the file, and of every release, is blank and
        // the third a kind; the title never carries a section prefix.
        assert_eq!(lines[1], "");
        assert!(!out.contains("Press Releases:"));
    }

    #[test]
    fn json_lines_parse_and_match_the_releases() {
        let n = 500;
        let out = jsonl(5, n);
        let mut generator = Generator::new(5);
        let mut lines = 0;
        for line in out.lines() {
            lines += 1;
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let r = generator.next_release();
            let obj = v.as_object().unwrap();
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            let mut expected = [
                "title",
                "kind",
                "issuer",
                "dateline",
                "date",
                "attribution",
                "body",
                "language",
            ];
            expected.sort_unstable();
            let mut keys_sorted = keys.clone();
            keys_sorted.sort_unstable();
            assert_eq!(keys_sorted, expected);
            assert_eq!(v["title"], r.title.as_str());
            assert_eq!(v["kind"], r.kind.as_ref().unwrap().as_str());
            assert_eq!(v["issuer"], r.issuer.as_ref().unwrap().as_str());
            assert_eq!(v["dateline"], r.dateline.as_ref().unwrap().as_str());
            assert_eq!(v["date"], r.date.to_string());
            match &r.attribution {
                Some(a) => assert_eq!(v["attribution"], a.as_str()),
                None => assert!(v["attribution"].is_null()),
            }
            let body: Vec<&str> = v["body"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            assert_eq!(body, r.body.texts().collect::<Vec<_>>());
            assert_eq!(v["language"], "en");
        }
        assert_eq!(lines, n);
    }

    #[test]
    fn json_strings_are_escaped() {
        let tricky = "a \"quoted\" back\\slash\nnew\tline \u{1} é 中 \u{2028}";
        let mut out = String::new();
        push_json_string(tricky, &mut out);
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, tricky);
        assert!(out.contains("\\u0001"));
    }

    #[test]
    fn a_count_of_zero_writes_nothing() {
        assert_eq!(text(1, 0), "");
        assert_eq!(jsonl(1, 0), "");
    }

    /// Run with `cargo test --release -p pressroom-synth -- --ignored
    /// --nocapture` to see the generation rate.
    #[test]
    #[ignore = "a throughput measurement, not a check"]
    fn throughput() {
        use std::time::Instant;
        let n = 200_000;
        for name in ["text", "jsonl"] {
            let mut generator = Generator::new(1);
            let start = Instant::now();
            if name == "text" {
                write_text(&mut generator, n, io::sink()).unwrap();
            } else {
                write_jsonl(&mut generator, n, io::sink()).unwrap();
            }
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{name}: {n} releases in {secs:.2}s = {:.0} releases/s",
                n as f64 / secs
            );
        }
        let mut generator = Generator::new(1);
        let start = Instant::now();
        let mut bytes = 0usize;
        for _ in 0..n {
            let r = generator.next_release();
            bytes += r.body.texts().map(str::len).sum::<usize>();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "next_release: {:.0} releases/s, {:.0} body bytes per release",
            n as f64 / secs,
            bytes as f64 / n as f64
        );
    }
}
