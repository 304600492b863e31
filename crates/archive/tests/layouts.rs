//! Header layouts beyond the seeds that legacy dumps print.

use pressroom_archive::{ParsedRelease, ReportKind, parse_text};
use pressroom_domain::{IssuerType, Kind};

fn one(text: &str) -> ParsedRelease {
    let mut f = parse_text("layout.txt", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.releases.len(), 1, "{:?}", f.releases);
    f.releases.remove(0)
}

#[test]
fn a_byline_without_kind_in_the_feed_layout() {
    let r = one(
        "Press Releases: Remarks at the Forum\n\nRex W. Tillerson\n\nSecretary of State\n\n\
         Washington, DC\n\nMay 26, 2017\n\nThank you all.",
    );
    let c = &r.content;
    assert_eq!(c.title.as_str(), "Remarks at the Forum");
    assert_eq!(c.kind, Some(Kind::Remarks));
    let issuer = c.issuer.as_ref().unwrap();
    assert_eq!(issuer.as_str(), "Rex W. Tillerson, Secretary of State");
    assert_eq!(issuer.issuer_type(), IssuerType::Person);
}

#[test]
fn a_title_and_a_date_alone_make_a_header() {
    let r = one("A Simple Title\n\nDecember 19, 2018\n\nBody text here.");
    assert_eq!(r.content.title.as_str(), "A Simple Title");
    assert_eq!(r.content.kind, None);
    assert_eq!(r.content.issuer, None);
}

#[test]
fn a_date_inside_a_body_does_not_start_a_release() {
    let r = one(
        "Title One\n\nMedia Note\nOffice of the Spokesperson\nWashington, DC\nDecember 19, 2018\n\n\
         Dear all.\n\nWashington, DC\nJanuary 5, 2019\n\nMore text.",
    );
    assert_eq!(r.content.body.paragraphs().len(), 3);
}

#[test]
fn an_unfamiliar_kind_label_is_kept_as_written() {
    let r = one(
        "First\n\nPolicy Statement\nOffice of the Spokesperson\nWashington, DC\nDecember 19, 2018\n\nBody.",
    );
    assert_eq!(r.content.kind, Some(Kind::Other("Policy Statement".into())));
    assert_eq!(
        r.content.issuer.as_ref().unwrap().issuer_type(),
        IssuerType::Office
    );
}

#[test]
fn a_title_naming_an_office_is_still_the_title() {
    let r = one(
        "Statement by the Office of the Spokesperson on Syria\n\nWashington, DC\nDecember 19, 2018\n\nBody.",
    );
    assert_eq!(
        r.content.title.as_str(),
        "Statement by the Office of the Spokesperson on Syria"
    );
    assert_eq!(r.content.issuer, None);
}

#[test]
fn markdown_emphasis_on_header_lines_is_removed() {
    let f = parse_text(
        "m.txt",
        "# Heading Title\n\n**Media Note**\n*Office of the Spokesperson*\n\nWashington, DC\n\
         *December 19, 2018*\n\n_The below is attributable to Spokesperson X:_\n\nBody.",
    )
    .unwrap();
    let c = &f.releases[0].content;
    assert_eq!(c.title.as_str(), "Heading Title");
    assert_eq!(c.kind, Some(Kind::MediaNote));
    assert_eq!(
        c.issuer.as_ref().unwrap().as_str(),
        "Office of the Spokesperson"
    );
    assert_eq!(
        c.attribution.as_ref().unwrap().as_str(),
        "The below is attributable to Spokesperson X:"
    );
    assert_eq!(f.report[0].kind, ReportKind::TitleMarkup);
}

#[test]
fn a_hard_wrapped_title_is_one_title() {
    let r = one(
        "Title wrapped over\ntwo lines here\n\nMedia Note\nOffice of the Spokesperson\n\
         December 19, 2018\n\nBody.",
    );
    assert_eq!(
        r.content.title.as_str(),
        "Title wrapped over two lines here"
    );
    assert_eq!(r.line, 1);
}

#[test]
fn a_venue_line_is_reported_not_kept() {
    let f = parse_text(
        "v.txt",
        "Remarks With the Foreign Minister\n\nJohn Kerry\nSecretary of State\nWinfield House\n\
         London, United Kingdom\nMarch 14, 2014\n\nSECRETARY KERRY: Good morning.",
    )
    .unwrap();
    let c = &f.releases[0].content;
    assert_eq!(
        c.dateline.as_ref().unwrap().as_str(),
        "London, United Kingdom"
    );
    assert_eq!(
        c.issuer.as_ref().unwrap().as_str(),
        "John Kerry, Secretary of State"
    );
    assert!(
        f.report
            .iter()
            .any(|e| e.kind == ReportKind::HeaderLineNotKept
                && e.detail == "Winfield House"
                && e.line == 5)
    );
}

#[test]
fn an_issuer_printed_after_the_date() {
    let r = one(
        "Travel of the Special Envoy\n\n3 May 2021\nUnited States Department of State (Washington, DC)\n\
         document By Office of the Spokesperson\n\nThe Special Envoy will travel.",
    );
    assert_eq!(r.content.date.to_string(), "2021-05-03");
    assert_eq!(
        r.content.issuer.as_ref().unwrap().as_str(),
        "Office of the Spokesperson"
    );
}
