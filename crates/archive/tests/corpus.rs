//! The real releases of ../shared/corpus against their true fields. Files the
//! importer cannot read (no title, no year in the date) must fail with a
//! clear error rather than produce wrong releases; the few known deviations
//! are listed so that any change in them shows up here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use pressroom_archive::{ParsedRelease, parse_text};
use serde_json::Value;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(corpus().join(rel)).unwrap()
}

fn truth(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap()
}

fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fields of `r` that differ from the truth record.
fn differences(r: &ParsedRelease, t: &Value) -> BTreeSet<&'static str> {
    let c = &r.content;
    let s = |k: &str| t[k].as_str().map(folded);
    let mut diff = BTreeSet::new();
    if Some(c.title.as_str().to_owned()) != s("title") {
        diff.insert("title");
    }
    if c.kind.as_ref().map(|k| k.as_str().to_owned()) != s("kind") {
        diff.insert("kind");
    }
    if c.issuer.as_ref().map(|i| i.as_str().to_owned()) != s("issuer") {
        diff.insert("issuer");
    }
    if c.issuer
        .as_ref()
        .map(|i| i.issuer_type().as_str().to_owned())
        != s("issuer_type")
    {
        diff.insert("issuer_type");
    }
    if c.dateline.as_ref().map(|d| d.as_str().to_owned()) != s("dateline") {
        diff.insert("dateline");
    }
    if Some(c.date.to_string()) != s("date") {
        diff.insert("date");
    }
    if c.attribution.as_ref().map(|a| a.as_str().to_owned()) != s("attribution") {
        diff.insert("attribution");
    }
    let truth_paras: Vec<String> = t["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| folded(p.as_str().unwrap()))
        .collect();
    let paras: Vec<String> = c.body.texts().map(str::to_owned).collect();
    if paras != truth_paras {
        diff.insert("paragraphs");
    }
    diff
}

/// Releases whose source cannot give a valid release: the domain needs a
/// title and a full date.
const UNREADABLE: [&str; 5] = [
    "005", // no title line (mobile-site copy starts at the kind)
    "037", // "3 Sep": no year
    "041", // "30 Sep": no year
    "043", // no date at all
    "045", // no date at all
];

/// Known deviations, each with its reason. None today.
fn known(_id: &str) -> BTreeSet<&'static str> {
    BTreeSet::new()
}

#[test]
fn raw_releases_match_their_truth() {
    let mut ids: Vec<String> = std::fs::read_dir(corpus().join("truth"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect();
    ids.sort();
    assert!(ids.len() >= 20);
    let mut failures = Vec::new();
    for id in &ids {
        let source = format!("raw/{id}.txt");
        let parsed = parse_text(&source, &read(&source));
        if UNREADABLE.contains(&id.as_str()) {
            match parsed {
                Err(e) => assert!(e.to_string().starts_with(&format!("{source}:"))),
                Ok(f) => failures.push(format!("{id}: expected an error, got {f:?}")),
            }
            continue;
        }
        let f = parsed.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.releases.len(), 1, "{source}");
        let diff = differences(&f.releases[0], &truth(&format!("truth/{id}.json")));
        if diff != known(id) {
            failures.push(format!("{id}: {diff:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn messy_files_match_their_truth_and_duplicates_share_fingerprints() {
    let manifest = truth("messy/manifest.json");
    let mut fingerprints: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in manifest["files"].as_array().unwrap() {
        let source = file["file"].as_str().unwrap();
        let parts: Vec<&str> = file["contains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let ids: Vec<&str> = parts
            .iter()
            .map(|p| &p["truth/".len()..p.len() - ".json".len()])
            .collect();
        let parsed = parse_text(source, &read(source));
        if ids.iter().any(|id| UNREADABLE.contains(id)) {
            // All or nothing: one unreadable release fails the whole file.
            assert!(parsed.is_err(), "{source}");
            continue;
        }
        let f = parsed.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.releases.len(), parts.len(), "{source}");
        for ((r, part), id) in f.releases.iter().zip(&parts).zip(&ids) {
            let diff = differences(r, &truth(part));
            if diff != known(id) {
                failures.push(format!("{source} {id}: {diff:?}"));
            }
            fingerprints
                .entry((*id).to_owned())
                .or_default()
                .insert(r.fingerprint.clone());
            // The same release parsed from raw/ gets the same fingerprint.
            let raw = format!("raw/{id}.txt");
            let from_raw = parse_text(&raw, &read(&raw)).unwrap();
            if from_raw.releases[0].fingerprint != r.fingerprint {
                failures.push(format!("{source} {id}: fingerprint differs from {raw}"));
            }
        }
        for p in f.releases.iter().flat_map(|r| r.content.body.texts()) {
            assert!(!p.contains("Office of Website Management"), "{source}: {p}");
            assert!(!p.contains('\u{25A1}'), "{source}: {p}");
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    for (id, fps) in fingerprints {
        assert_eq!(fps.len(), 1, "truth {id} got several fingerprints");
    }
}
