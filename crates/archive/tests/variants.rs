//! The same releases in other formattings that legacy dumps produce must give
//! the same content and fingerprints as the seed file itself.

use std::path::PathBuf;

use pressroom_archive::{ParsedRelease, ReportKind, parse_text};

fn seed() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seeds/001_1dd0781987d0f294.txt");
    std::fs::read_to_string(path).unwrap()
}

fn releases(text: &str) -> Vec<ParsedRelease> {
    parse_text("variant.txt", text)
        .unwrap_or_else(|e| panic!("{e}"))
        .releases
}

fn assert_same_as_seed(variant: &str, what: &str) {
    let expected = releases(&seed());
    let got = releases(variant);
    assert_eq!(got.len(), expected.len(), "{what}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g.content, e.content, "{what}");
        assert_eq!(g.fingerprint, e.fingerprint, "{what}");
    }
}

#[test]
fn windows_line_endings() {
    assert_same_as_seed(&seed().replace('\n', "\r\n"), "CRLF");
}

#[test]
fn other_date_forms() {
    let v = seed()
        .replace("December 19, 2018", "19 December 2018")
        .replace("December 20, 2018", "Dec. 20, 2018");
    assert_same_as_seed(&v, "day-month-year and abbreviated month");
    assert_same_as_seed(
        &seed().replace("December 19, 2018", "2018-12-19"),
        "ISO date",
    );
}

#[test]
fn invisible_junk_and_nbsp() {
    let v = seed()
        .replace("Media Note", "Media\u{A0}Note\u{200B}")
        .replace("Washington, DC", "\u{FEFF}Washington, DC\u{25A1}")
        .replace("December 19, 2018", "December 19, 2018\u{25A1}");
    assert_same_as_seed(&v, "glyphs");
    let report = parse_text("v.txt", &v).unwrap().report;
    assert!(report.iter().any(|e| e.kind == ReportKind::StrayGlyph));
}

#[test]
fn link_titles_and_no_section_labels() {
    let v = seed()
        .lines()
        .map(|l| match l.strip_prefix("Press Releases: ") {
            Some(t) => format!("[{t}](https://www.state.gov/r/pa/prs/ps/2018/12/1.htm)"),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_same_as_seed(&v, "link titles");
    let bare = seed().replace("Press Releases: ", "");
    assert_same_as_seed(&bare, "bare titles");
}

#[test]
fn no_blank_lines_inside_headers_and_more_between_releases() {
    let v = seed()
        .replace(
            "Office of the Spokesperson\n\nWashington",
            "Office of the Spokesperson\nWashington",
        )
        .replace("\n\nPress Releases: ", "\n\n\n\nPress Releases: ");
    assert_same_as_seed(&v, "compact headers");
}

#[test]
fn every_header_line_on_its_own_paragraph() {
    let v = seed()
        .replace("Media Note\nOffice", "Media Note\n\nOffice")
        .replace("Readout\nOffice", "Readout\n\nOffice")
        .replace("Washington, DC\nDecember", "Washington, DC\n\nDecember");
    assert_same_as_seed(&v, "feed layout with blank lines");
}

#[test]
fn hard_wrapped_body_lines() {
    // Wrap every body paragraph at about 70 columns.
    let v = seed()
        .lines()
        .map(|l| {
            if l.len() < 200 {
                return l.to_owned();
            }
            let mut out = String::new();
            let mut width = 0;
            for w in l.split(' ') {
                if width + w.len() > 70 && width > 0 {
                    out.push('\n');
                    width = 0;
                } else if width > 0 {
                    out.push(' ');
                    width += 1;
                }
                out.push_str(w);
                width += w.len();
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_same_as_seed(&v, "hard-wrapped");
}

#[test]
fn an_italic_footer_everywhere() {
    let footer = "The Office of Website Management, Bureau of Public Affairs, manages this site as a portal for information from the U.S. State Department. External links to other Internet sites should not be construed as an endorsement of the views or privacy policies contained therein.";
    let v = seed().replace(footer, &format!("*{footer}*"));
    assert_same_as_seed(&v, "italic footer");
}

#[test]
fn a_repeated_title_is_dropped_and_reported() {
    let v = seed().replacen(
        "Press Releases: Sanctions Announcement on Russia",
        "Sanctions Announcement on Russia\n\nPress Releases: Sanctions Announcement on Russia",
        1,
    );
    assert_same_as_seed(&v, "repeated title");
    let report = parse_text("v.txt", &v).unwrap().report;
    assert_eq!(
        report
            .iter()
            .filter(|e| e.kind == ReportKind::RepeatedTitle)
            .count(),
        1
    );
}
