//! The importer's accuracy on real releases: every release of
//! `../shared/corpus` (raw pages and their messy variants, imported together
//! in one run) is scored field by field against its truth record, through
//! the real binary, the real database and the export. Each true record must
//! come out as exactly one release.
//!
//! The expected score is written down below with the reason for every field
//! that is not yet right, so that a regression and an improvement both show.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

use crate::{Cli, path_str, stderr, stdout};

fn corpus() -> PathBuf {
    pressroom_testkit::seeds_dir().join("../corpus")
}

/// Whitespace folded and curly quotes made straight: the scoring's notion of
/// the same text.
fn norm(s: &str) -> String {
    s.replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn field(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(norm)
}

fn paragraphs(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(norm).collect())
        .unwrap_or_default()
}

/// The fields of an exported release that differ from its truth record.
/// The date is only scored where the text states it (`date_inferred`).
/// Returns how many fields were scored and which were wrong.
fn wrong_fields(release: &Value, truth: &Value) -> (usize, BTreeSet<&'static str>) {
    let mut wrong = BTreeSet::new();
    let mut scored = 6;
    for key in ["title", "kind", "issuer", "dateline", "attribution"] {
        if field(release, key) != field(truth, key) {
            wrong.insert(key);
        }
    }
    if truth["issuer"].is_string() {
        scored += 1;
        if field(release, "issuer_type") != field(truth, "issuer_type") {
            wrong.insert("issuer_type");
        }
    }
    if truth["date_inferred"] != Value::Bool(true) {
        scored += 1;
        if field(release, "date") != field(truth, "date") {
            wrong.insert("date");
        }
    }
    if paragraphs(release, "body") != paragraphs(truth, "paragraphs") {
        wrong.insert("paragraphs");
    }
    (scored, wrong)
}

/// Records the importer cannot turn into a release, and why: the domain
/// requires a title and a full date, and these pages do not print one. The
/// importer names the file and line instead of inventing a value.
const NOT_IMPORTABLE: [(&str, &str); 5] = [
    ("005", "the page starts at the kind line: no title"),
    ("037", "'3 Sep': no year in the text"),
    ("041", "'30 Sep': no year in the text"),
    ("043", "no date in the text (the mirror's publication date)"),
    ("045", "no date in the text (the mirror's publication date)"),
];

/// Fields known to be wrong, with the reason. None today.
fn known_wrong(_id: &str) -> BTreeSet<&'static str> {
    BTreeSet::new()
}

#[test]
fn every_release_of_the_corpus_is_imported_once_with_its_fields_right() {
    let cli = Cli::new();
    let raw = corpus().join("raw");
    let messy = corpus().join("messy");
    let out = cli.run(&["import", path_str(&raw), path_str(&messy)]);
    let report = stdout(&out);
    let errors = stderr(&out);
    let releases = cli.export();

    let mut truths: BTreeMap<String, Value> = BTreeMap::new();
    for entry in std::fs::read_dir(corpus().join("truth")).expect("truth folder") {
        let path = entry.expect("entry").path();
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("truth file");
        truths.insert(id, serde_json::from_str(&text).expect("truth json"));
    }
    assert!(truths.len() >= 20);

    // Each release is matched to the truth records that share its body.
    let mut matched: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    let mut strays = Vec::new();
    for r in &releases {
        let ids: Vec<&str> = truths
            .iter()
            .filter(|(_, t)| paragraphs(r, "body") == paragraphs(t, "paragraphs"))
            .map(|(id, _)| id.as_str())
            .collect();
        if ids.is_empty() {
            strays.push(r["title"].to_string());
        }
        for id in ids {
            matched.entry(id).or_default().push(r);
        }
    }
    assert!(
        strays.is_empty(),
        "releases that match no truth record: {strays:#?}\n{report}"
    );

    let (mut right, mut scored) = (0usize, 0usize);
    let mut failures = Vec::new();
    for (id, truth) in &truths {
        let skip = NOT_IMPORTABLE.iter().find(|(n, _)| n == id);
        let got = matched.get(id.as_str()).map_or(&[][..], Vec::as_slice);
        match (skip, got) {
            (Some((_, why)), []) => {
                // Refused with a clear error naming the file, not dropped.
                let named = format!("raw/{id}.txt:");
                if !errors.lines().any(|l| l.contains(&named)) {
                    failures.push(format!("{id} ({why}): no error names {named}\n{errors}"));
                }
            }
            (Some(_), _) => failures.push(format!("{id}: now imported: update NOT_IMPORTABLE")),
            (None, [one]) => {
                let (n, wrong) = wrong_fields(one, truth);
                scored += n;
                right += n - wrong.len();
                if wrong != known_wrong(id) {
                    failures.push(format!("{id}: wrong {wrong:?}"));
                }
            }
            (None, many) => failures.push(format!("{id}: {} releases, expected one", many.len())),
        }
    }
    println!(
        "accuracy: {right}/{scored} fields right over {} releases",
        releases.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
