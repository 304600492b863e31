//! Checks that the demo archive keeps the seed format, so the real importer
//! (in another crate) reads every release of it. The small parser here is
//! deliberately strict: it accepts only the exact layout the brief fixes.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use pressroom_domain::{
    Attribution, Body, Dateline, Issuer, IssuerType, Kind, ReleaseContent, ReleaseDate, Title,
};

use crate::DEMO_RELEASES;
use crate::vocab::MONTHS;

fn parse_long_date(line: &str) -> Date {
    let (month, rest) = line.split_once(' ').unwrap();
    let (day, year) = rest.split_once(", ").unwrap();
    let m = MONTHS.iter().position(|&x| x == month).unwrap() + 1;
    Date::new(year.parse().unwrap(), m as i8, day.parse().unwrap()).unwrap()
}

fn parse_release(chunk: &str) -> ReleaseContent {
    let lines: Vec<&str> = chunk.split('\n').collect();
    assert!(lines.len() >= 9, "too short: {chunk}");
    assert_eq!(lines[1], "", "{chunk}");
    assert_eq!(lines[4], "", "{chunk}");
    assert_eq!(lines[7], "", "{chunk}");
    let date = ReleaseDate::from_date(parse_long_date(lines[6])).unwrap();
    assert_eq!(
        date.long_form(),
        lines[6],
        "the date is printed the seed way"
    );

    let rest = lines[8..].join("\n");
    let mut blocks: Vec<&str> = rest.split("\n\n").collect();
    let attribution = if Attribution::looks_like(blocks[0]) {
        Some(Attribution::parse(blocks.remove(0)).unwrap())
    } else {
        None
    };
    for b in &blocks {
        assert!(!b.trim().is_empty() && !b.contains('\n'), "{b:?}");
        assert!(
            !b.starts_with('['),
            "a paragraph that reads like a title link"
        );
    }
    ReleaseContent {
        title: Title::parse(lines[0]).unwrap(),
        kind: Some(Kind::parse(lines[2]).unwrap()),
        issuer: Some(Issuer::parse(lines[3]).unwrap()),
        dateline: Some(Dateline::parse(lines[5]).unwrap()),
        date,
        attribution,
        body: Body::from_texts(&blocks).unwrap(),
        language: Default::default(),
    }
}

fn releases() -> Vec<ReleaseContent> {
    assert!(DEMO_RELEASES.ends_with('\n') && !DEMO_RELEASES.ends_with("\n\n"));
    assert!(!DEMO_RELEASES.starts_with('\n'));
    DEMO_RELEASES
        .trim_end()
        .split("\n\n\n")
        .map(parse_release)
        .collect()
}

#[test]
fn the_demo_holds_at_least_25_releases() {
    let n = releases().len();
    assert!(n >= 25, "{n}");
    let date_lines = DEMO_RELEASES
        .lines()
        .filter(|l| {
            l.split_once(' ')
                .is_some_and(|(m, rest)| MONTHS.contains(&m) && rest.len() <= 8)
        })
        .count();
    assert_eq!(date_lines, n, "one date line per release");
}

#[test]
fn releases_are_separated_by_exactly_two_blank_lines() {
    assert!(!DEMO_RELEASES.contains("\n\n\n\n"));
    assert!(!DEMO_RELEASES.contains("\r"));
    assert!(
        !DEMO_RELEASES.lines().any(|l| l != l.trim_end()),
        "trailing white space"
    );
}

#[test]
fn every_known_kind_and_an_unknown_one_appear() {
    let kinds: BTreeSet<String> = releases()
        .into_iter()
        .filter_map(|r| r.kind)
        .map(|k| k.as_str().to_owned())
        .collect();
    for k in Kind::KNOWN {
        assert!(kinds.contains(k.as_str()), "{k}");
    }
    assert!(
        kinds
            .iter()
            .any(|k| Kind::parse(k).is_ok_and(|k| !k.is_known()))
    );
}

#[test]
fn dates_run_from_2024_to_late_2026() {
    let dates: Vec<Date> = releases().iter().map(|r| r.date.date()).collect();
    let years: BTreeSet<i16> = dates.iter().map(|d| d.year()).collect();
    assert_eq!(years, BTreeSet::from([2024, 2025, 2026]));
    let latest = dates.iter().max().unwrap();
    assert_eq!((latest.year(), latest.month()), (2026, 11));
}

#[test]
fn the_demo_carries_no_legacy_clutter() {
    assert!(!DEMO_RELEASES.contains("Press Releases:"));
    assert!(!DEMO_RELEASES.contains("Website Management"));
    assert!(!DEMO_RELEASES.contains('\u{25A1}'));
}

#[test]
fn the_demo_exercises_bylines_attributions_markdown_and_accents() {
    let rs = releases();
    let issuers: Vec<(&str, IssuerType)> = rs
        .iter()
        .filter_map(|r| r.issuer.as_ref())
        .map(|i| (i.as_str(), i.issuer_type()))
        .collect();
    assert!(issuers.contains(&("Office of the Spokesperson", IssuerType::Office)));
    assert!(issuers.contains(&(
        "Elena Varga, Minister of Foreign Affairs",
        IssuerType::Person
    )));
    assert!(issuers.contains(&("Tomas Reyes, Deputy Minister", IssuerType::Person)));

    let attributions: BTreeSet<&str> = rs
        .iter()
        .filter_map(|r| r.attribution.as_ref())
        .map(|a| a.as_str())
        .collect();
    assert_eq!(
        attributions,
        BTreeSet::from(["The below is attributable to Spokesperson Mara Lind:"])
    );

    let body = |r: &ReleaseContent| r.body.to_markdown();
    assert!(
        rs.iter()
            .any(|r| body(r).contains("](https://www.norvia.example/"))
    );
    assert!(rs.iter().any(|r| body(r).contains("**")));
    assert!(rs.iter().any(|r| body(r).contains(" *")));
    for name in ["José Brandão", "Ana Łukasiewicz", "Ingrid Sæbø"] {
        assert!(DEMO_RELEASES.contains(name), "{name}");
    }
    for r in &rs {
        assert!((1..=6).contains(&r.body.paragraphs().len()), "{}", r.title);
    }
}

#[test]
fn two_releases_share_a_title_on_different_dates() {
    let mut by_title: BTreeMap<String, Vec<Date>> = BTreeMap::new();
    for r in releases() {
        by_title
            .entry(r.title.as_str().to_owned())
            .or_default()
            .push(r.date.date());
    }
    let shared: Vec<_> = by_title.iter().filter(|(_, d)| d.len() > 1).collect();
    assert_eq!(shared.len(), 1, "{shared:?}");
    let dates = shared[0].1;
    assert_ne!(dates[0], dates[1]);
}
