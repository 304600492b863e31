//! The two real seed files fix what the importer must get right.

use std::collections::HashSet;
use std::path::PathBuf;

use pressroom_archive::{ParsedRelease, ReportKind, dedup, parse_text};
use pressroom_domain::{IssuerType, Kind};

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

fn parse_seed(name: &str) -> pressroom_archive::ParsedFile {
    let text = std::fs::read_to_string(seeds_dir().join(name)).unwrap();
    parse_text(name, &text).unwrap_or_else(|e| panic!("{e}"))
}

const FILE_A: &str = "000_be0a978681663934.txt";
const FILE_B: &str = "001_1dd0781987d0f294.txt";

fn all() -> Vec<ParsedRelease> {
    let mut v = parse_seed(FILE_A).releases;
    v.extend(parse_seed(FILE_B).releases);
    v
}

fn by_title<'a>(releases: &'a [ParsedRelease], title: &str) -> &'a ParsedRelease {
    releases
        .iter()
        .find(|r| r.content.title.as_str() == title)
        .unwrap_or_else(|| panic!("no release titled {title:?}"))
}

const JOINT: &str = "Joint Statement by Secretary of State Michael R. Pompeo and Secretary of Homeland Security Kirstjen Nielsen: Chinese Actors Compromise Global Managed Service Providers";
const OMAN: &str = "Secretary Pompeo's Meeting With Omani Minister Responsible for Foreign Affairs Yusuf bin Alawi bin Abdullah";
const LECG: &str = "Seventh Meeting of the Law Enforcement Coordination Group Focused on Countering Hizballah's Terrorist Activities";
const RUSSIA: &str = "Sanctions Announcement on Russia";
const NORWAY: &str = "Secretary Pompeo's Meeting With Norwegian Foreign Minister Ine Soreide";
const ATTRIBUTION: &str = "The below is attributable to Deputy Spokesperson Robert Palladino:";

#[test]
fn both_files_hold_six_releases_and_five_distinct_ones() {
    let a = parse_seed(FILE_A);
    let b = parse_seed(FILE_B);
    assert_eq!(a.releases.len(), 1);
    assert_eq!(b.releases.len(), 5);
    let all = all();
    let distinct: HashSet<&str> = all.iter().map(|r| r.fingerprint.as_str()).collect();
    assert_eq!(distinct.len(), 5);
    let (first, copies) = dedup(all.clone());
    assert_eq!(first.len(), 5);
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].content.title.as_str(), JOINT);
}

#[test]
fn the_joint_statement_gets_one_fingerprint_in_both_formattings() {
    let a = &parse_seed(FILE_A).releases[0];
    let b = &parse_seed(FILE_B).releases[0];
    assert_eq!(a.fingerprint, b.fingerprint);
    assert_eq!(a.content, b.content);
    assert_eq!(a.line, 3);
    assert_eq!(b.line, 3);
}

#[test]
fn the_joint_statement_has_every_field_right() {
    let all = all();
    let r = &by_title(&all, JOINT).content;
    assert_eq!(r.kind, Some(Kind::MediaNote));
    let issuer = r.issuer.as_ref().unwrap();
    assert_eq!(issuer.as_str(), "Office of the Spokesperson");
    assert_eq!(issuer.issuer_type(), IssuerType::Office);
    assert_eq!(r.dateline.as_ref().unwrap().as_str(), "Washington, DC");
    assert_eq!(r.date.to_string(), "2018-12-20");
    assert_eq!(r.attribution, None);
    let body: Vec<&str> = r.body.texts().collect();
    assert_eq!(body.len(), 3);
    assert!(body[0].starts_with("Since at least 2014, Chinese cyber actors"));
    assert!(body[1].contains("\"cyber-enabled theft of intellectual property"));
    assert!(body[2].ends_with("will take appropriate measures to defend our interests."));
}

#[test]
fn the_omani_readout_keeps_its_attribution_without_the_glyph() {
    let all = all();
    let r = &by_title(&all, OMAN).content;
    assert_eq!(r.kind, Some(Kind::Readout));
    assert_eq!(r.date.to_string(), "2018-12-19");
    assert_eq!(r.attribution.as_ref().unwrap().as_str(), ATTRIBUTION);
    assert_eq!(
        r.issuer.as_ref().unwrap().as_str(),
        "Office of the Spokesperson"
    );
    assert_eq!(r.dateline.as_ref().unwrap().as_str(), "Washington, DC");
    assert_eq!(r.body.paragraphs().len(), 1);
    assert!(
        r.body
            .texts()
            .next()
            .unwrap()
            .starts_with("Secretary Michael R. Pompeo met today")
    );
}

#[test]
fn the_lecg_note_loses_its_split_italic_footer() {
    let all = all();
    let r = &by_title(&all, LECG).content;
    assert_eq!(r.kind, Some(Kind::MediaNote));
    assert_eq!(r.date.to_string(), "2018-12-19");
    let body: Vec<&str> = r.body.texts().collect();
    assert_eq!(body.len(), 3);
    assert!(body[2].ends_with("The LECG will convene again in Europe in 2019."));
}

#[test]
fn the_russia_note_rejoins_its_broken_paragraph() {
    let all = all();
    let r = &by_title(&all, RUSSIA).content;
    assert_eq!(r.kind, Some(Kind::MediaNote));
    assert_eq!(r.date.to_string(), "2018-12-19");
    let body: Vec<&str> = r.body.texts().collect();
    assert_eq!(body.len(), 5);
    assert!(body[3].contains(
        "Russian intelligence services' cyber operations continue to seek to undermine democratic elections"
    ));
    assert!(
        body[3].ends_with(
            "a violation of Russia's obligations under the Chemical Weapons Convention."
        )
    );
}

#[test]
fn the_norwegian_readout_has_kind_attribution_and_one_paragraph() {
    let all = all();
    let r = &by_title(&all, NORWAY).content;
    assert_eq!(r.kind, Some(Kind::Readout));
    assert_eq!(r.date.to_string(), "2018-12-19");
    assert_eq!(r.attribution.as_ref().unwrap().as_str(), ATTRIBUTION);
    assert_eq!(r.body.paragraphs().len(), 1);
}

#[test]
fn no_body_carries_footer_glyph_or_markup() {
    for r in all() {
        for p in r.content.body.texts() {
            assert!(!p.contains("Office of Website Management"), "{p}");
            assert!(!p.contains('\u{25A1}'), "{p}");
            assert!(!p.contains('*'), "{p}");
        }
        let title = r.content.title.as_str();
        assert!(!title.starts_with("Press Releases"), "{title}");
        assert!(!title.contains("](#)"), "{title}");
    }
}

#[test]
fn every_repair_is_reported_with_its_line() {
    let a = parse_seed(FILE_A);
    let kinds: Vec<(u32, ReportKind)> = a.report.iter().map(|e| (e.line, e.kind)).collect();
    assert_eq!(
        kinds,
        [
            (3, ReportKind::TitleLinkMarkup),
            (3, ReportKind::SectionPrefix),
            (17, ReportKind::RemovedFooter),
        ]
    );
    assert!(a.report.iter().all(|e| e.source == FILE_A));

    let b = parse_seed(FILE_B);
    let count = |k: ReportKind| b.report.iter().filter(|e| e.kind == k).count();
    assert_eq!(count(ReportKind::SectionPrefix), 5);
    assert_eq!(count(ReportKind::StrayGlyph), 2);
    assert_eq!(count(ReportKind::RemovedFooter), 5);
    assert_eq!(count(ReportKind::JoinedBrokenParagraph), 1);
    assert_eq!(count(ReportKind::Unplaced), 0);
    assert_eq!(count(ReportKind::TitleLinkMarkup), 0);
    let glyph_lines: Vec<u32> = b
        .report
        .iter()
        .filter(|e| e.kind == ReportKind::StrayGlyph)
        .map(|e| e.line)
        .collect();
    let text = std::fs::read_to_string(seeds_dir().join(FILE_B)).unwrap();
    for line in glyph_lines {
        let printed = text.lines().nth(line as usize - 1).unwrap();
        assert!(printed.contains('\u{25A1}'), "line {line}: {printed}");
    }
}

#[test]
fn release_lines_point_at_their_titles() {
    let b = parse_seed(FILE_B);
    let text = std::fs::read_to_string(seeds_dir().join(FILE_B)).unwrap();
    for r in &b.releases {
        let printed = text.lines().nth(r.line as usize - 1).unwrap();
        assert!(printed.ends_with(r.content.title.as_str()), "{printed}");
    }
}
