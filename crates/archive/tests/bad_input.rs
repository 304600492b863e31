//! Bad input gets a clear error naming the file and line, and a file is all
//! or nothing.

use pressroom_archive::parse_text;

const NO_RELEASE: &str =
    "no release found: expected a title line followed by a kind, an issuer and a date";

const GOOD: &str = "Sanctions Announcement on Russia\n\nMedia Note\nOffice of the Spokesperson\n\n\
    Washington, DC\nDecember 19, 2018\n\nToday, the Departments acted.\n";

#[test]
fn text_that_is_no_release_is_an_error_at_its_first_line() {
    let e = parse_text("notes.txt", "hello world\nthis is not a release\n").unwrap_err();
    assert_eq!(e.source, "notes.txt");
    assert_eq!(e.line, 1);
    assert_eq!(e.reason, NO_RELEASE);
    assert_eq!(e.to_string(), format!("notes.txt:1: {NO_RELEASE}"));

    let e = parse_text("notes.txt", "\n\n  \nhello world\n").unwrap_err();
    assert_eq!(e.line, 4);
}

#[test]
fn an_empty_file_is_an_error_at_line_one() {
    for text in ["", "\n\n\n", "   "] {
        let e = parse_text("empty.txt", text).unwrap_err();
        assert_eq!((e.line, e.reason.as_str()), (1, NO_RELEASE), "{text:?}");
    }
}

#[test]
fn binary_junk_is_an_error_not_a_panic() {
    let bytes: Vec<u8> = (0..2048u32)
        .map(|i| u8::try_from((i * 7919 + 13) % 251).unwrap())
        .collect();
    let text = String::from_utf8_lossy(&bytes);
    let e = parse_text("image.png", &text).unwrap_err();
    assert_eq!(e.reason, NO_RELEASE);
    assert!(e.line >= 1);
}

#[test]
fn an_unreadable_date_names_its_line() {
    let text = GOOD.replace("December 19, 2018", "Decembr 19, 2018");
    let e = parse_text("a.txt", &text).unwrap_err();
    assert_eq!(e.line, 7);
    assert_eq!(
        e.to_string(),
        "a.txt:7: date line \"Decembr 19, 2018\" is not a date: \"Decembr\" is not the name of a month"
    );

    let text = GOOD.replace("December 19, 2018", "February 30, 2018");
    let e = parse_text("a.txt", &text).unwrap_err();
    assert_eq!(e.line, 7);
    assert!(e.reason.contains("not a day of the calendar"), "{e}");
}

#[test]
fn a_header_without_any_date_is_an_error() {
    let text = GOOD.replace("December 19, 2018\n", "");
    let e = parse_text("a.txt", &text).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(
        e.reason.starts_with("release header has no date line"),
        "{e}"
    );
}

#[test]
fn a_title_the_domain_rejects_is_an_error_with_the_field_text() {
    let long = "Long ".repeat(100);
    let text = GOOD.replace("Sanctions Announcement on Russia", long.trim());
    let e = parse_text("a.txt", &text).unwrap_err();
    assert_eq!(e.line, 1);
    assert_eq!(
        e.reason,
        "title is 499 characters long; at most 400 are allowed"
    );
}

#[test]
fn a_header_without_a_title_is_held_with_its_other_fields() {
    let text = "Taken Question\nOffice of the Spokesperson\nWashington, DC\nJuly 8, 2011\n\n\
        QUESTION: Does U.S. law require notification?\n";
    let f = parse_text("a.txt", text).unwrap();
    assert!(f.releases.is_empty());
    let [held] = f.held.as_slice() else {
        panic!("one held release: {f:?}");
    };
    assert_eq!(held.line, 1);
    assert!(held.reason.starts_with("no title"), "{}", held.reason);
    let r = held.record();
    assert_eq!(r["title"], serde_json::Value::Null);
    assert_eq!(r["kind"], "Taken Question");
    assert_eq!(r["date"], "2011-07-08");
    assert_eq!(
        r["body"][0],
        "QUESTION: Does U.S. law require notification?"
    );
}

#[test]
fn a_date_without_a_year_holds_the_release_and_keeps_the_date_as_printed() {
    let text = "First Release\n\n3 Sep\n\nOffice of the Spokesperson\n\nIt was said.\n\n\
        Second Release\n\n30 Sep\n\nAntony J. Blinken, Secretary of State\n\nWe note it.\n";
    let f = parse_text("a.txt", text).unwrap();
    assert!(f.releases.is_empty());
    let lines: Vec<u32> = f.held.iter().map(|h| h.line).collect();
    assert_eq!(lines, [1, 9]);
    let r = f.held[1].record();
    assert_eq!(r["title"], "Second Release");
    assert_eq!(r["date"], serde_json::Value::Null);
    assert_eq!(r["date_without_year"], "30 Sep");
    assert_eq!(r["issuer"], "Antony J. Blinken, Secretary of State");
    assert!(f.held[1].reason.contains("\"30 Sep\" has no year"));
}

#[test]
fn a_day_and_month_ending_a_hard_wrapped_sentence_is_body_text() {
    let text = GOOD.replace(
        "Today, the Departments acted.",
        "Today, the Departments acted.\n\nThe Secretary will travel to Paris from\nJuly 28.\n\n\
         The talks will continue.",
    );
    let f = parse_text("a.txt", &text).unwrap();
    assert!(f.held.is_empty(), "{:?}", f.held);
    let texts: Vec<&str> = f.releases[0].content.body.texts().collect();
    assert_eq!(
        texts,
        [
            "Today, the Departments acted.",
            "The Secretary will travel to Paris from July 28.",
            "The talks will continue."
        ]
    );
}

#[test]
fn a_headline_over_an_attribution_is_a_release_held_for_its_date() {
    // After a dated release: not read as more of its body.
    let text = format!(
        "{GOOD}\n[Meeting with the Director General](#)\n\n\
         The following is attributable to Spokesperson Ned Price:\n\nThey met today.\n"
    );
    let f = parse_text("a.txt", &text).unwrap();
    assert_eq!(f.releases.len(), 1);
    assert!(
        !f.releases[0]
            .content
            .body
            .texts()
            .any(|p| p.contains("met today"))
    );
    let [held] = f.held.as_slice() else {
        panic!("one held release: {f:?}");
    };
    assert!(held.reason.starts_with("no date"), "{}", held.reason);
    let r = held.record();
    assert_eq!(r["title"], "Meeting with the Director General");
    assert_eq!(
        r["attribution"],
        "The following is attributable to Spokesperson Ned Price:"
    );
    assert_eq!(r["body"], serde_json::json!(["They met today."]));
}

#[test]
fn a_date_before_1900_is_rejected_by_the_domain() {
    let text = GOOD.replace("December 19, 2018", "December 19, 1850");
    let e = parse_text("a.txt", &text).unwrap_err();
    assert_eq!(e.line, 7);
    assert!(e.reason.contains("before 1900"), "{e}");
}

#[test]
fn one_bad_release_fails_the_whole_file() {
    let bad = GOOD
        .replace("Sanctions Announcement on Russia", "Second Release")
        .replace("December 19, 2018", "December 45, 2018");
    let text = format!("{GOOD}\n{bad}");
    let e = parse_text("two.txt", &text).unwrap_err();
    assert_eq!(e.line, 17);
    assert!(parse_text("one.txt", GOOD).is_ok());
}

#[test]
fn a_header_with_no_body_is_an_error() {
    let text = GOOD.replace("Today, the Departments acted.\n", "");
    let e = parse_text("a.txt", &text).unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.reason.contains("has no body text"), "{e}");
}

#[test]
fn a_footer_is_not_a_body() {
    let text = GOOD.replace("Today, the Departments acted.\n", "PRN: 2018/1234\n");
    assert!(parse_text("a.txt", &text).is_err());
}
