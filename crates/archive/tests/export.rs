//! The export record of a seed release, pinned by a snapshot.

use std::path::PathBuf;

use jiff::Timestamp;
use pressroom_archive::{export_record, parse_text};
use pressroom_domain::{Release, ReleaseId, Slug, Status};

fn seed_release(title_start: &str) -> Release {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seeds/001_1dd0781987d0f294.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = parse_text("001.txt", &text).unwrap();
    let content = parsed
        .releases
        .into_iter()
        .find(|r| r.content.title.as_str().starts_with(title_start))
        .unwrap()
        .content;
    let at: Timestamp = "2018-12-19T17:00:00Z".parse().unwrap();
    Release {
        id: ReleaseId(2),
        slug: Slug::from_title(content.title.as_str()),
        status: Status::Published,
        revision: 1,
        published_at: Some(at),
        created_at: at,
        updated_at: at,
        content,
    }
}

#[test]
fn the_omani_readout_exports_as_pinned() {
    let record = export_record(
        &seed_release("Secretary Pompeo's Meeting With Omani"),
        "https://press.example.gov/",
    );
    insta::assert_snapshot!(serde_json::to_string_pretty(&record).unwrap());
}

#[test]
fn the_export_is_one_json_line() {
    let record = export_record(&seed_release("Sanctions"), "https://press.example.gov");
    let line = serde_json::to_string(&record).unwrap();
    assert!(!line.contains('\n'));
    assert_eq!(
        record["url"],
        "https://press.example.gov/releases/2018/12/19/sanctions-announcement-on-russia"
    );
    assert_eq!(record["body"].as_array().unwrap().len(), 5);
}
