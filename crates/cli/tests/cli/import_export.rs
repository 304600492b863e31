use serde_json::json;

use crate::{Cli, ONE_RELEASE, path_str, seeds, stderr, stdout};

#[test]
fn importing_the_seeds_stores_five_releases_with_every_field_right() {
    let cli = Cli::new();

    let out = cli.run(&["import", path_str(&seeds())]);

    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "imported 5 new releases (0 already stored, 1 copy merged) from 2 files; 0 failed"
        ),
        "{}",
        stdout(&out)
    );
    let releases = cli.export();
    assert_eq!(releases.len(), 5);
    let sanctions = releases
        .iter()
        .find(|r| r["title"] == "Sanctions Announcement on Russia")
        .expect("sanctions release");
    assert_eq!(sanctions["kind"], "Media Note");
    assert_eq!(sanctions["issuer"], "Office of the Spokesperson");
    assert_eq!(sanctions["dateline"], "Washington, DC");
    assert_eq!(sanctions["date"], "2018-12-19");
    assert_eq!(sanctions["attribution"], json!(null));
    assert_eq!(sanctions["status"], "published");
    assert_eq!(sanctions["slug"], "sanctions-announcement-on-russia");
    assert_eq!(
        sanctions["url"],
        "http://127.0.0.1:8080/releases/2018/12/19/sanctions-announcement-on-russia"
    );
    let body = sanctions["body"].as_array().expect("body array");
    assert_eq!(body.len(), 5);
    assert!(
        body[3]
            .as_str()
            .expect("text")
            .contains("continue to seek to undermine")
    );

    let oman = releases
        .iter()
        .find(|r| r["title"].as_str().is_some_and(|t| t.contains("Omani")))
        .expect("oman readout");
    assert_eq!(oman["kind"], "Readout");
    assert_eq!(
        oman["attribution"],
        "The below is attributable to Deputy Spokesperson Robert Palladino:"
    );
    for r in &releases {
        let title = r["title"].as_str().expect("title");
        assert!(!title.starts_with("Press Releases"), "{title}");
        assert!(!title.contains("](#)"), "{title}");
        for p in r["body"].as_array().expect("body") {
            let p = p.as_str().expect("paragraph");
            assert!(!p.contains('□') && !p.contains("Website Management"), "{p}");
        }
        for key in [
            "title",
            "kind",
            "issuer",
            "dateline",
            "date",
            "attribution",
            "body",
            "slug",
            "url",
            "status",
        ] {
            assert!(r.get(key).is_some(), "export lacks {key}");
        }
    }
}

#[test]
fn importing_the_same_archive_again_changes_nothing() {
    let cli = Cli::new();
    let seeds = seeds();
    let first = cli.run(&["import", path_str(&seeds)]);
    let before = cli.export();

    let second = cli.run(&["import", path_str(&seeds)]);

    assert!(first.status.success() && second.status.success());
    assert!(
        stdout(&second).contains("imported 0 new releases (5 already stored, 1 copy merged)"),
        "{}",
        stdout(&second)
    );
    assert_eq!(cli.export(), before);
}

#[test]
fn a_file_that_is_not_a_release_is_named_with_its_line_and_the_others_still_import() {
    let cli = Cli::new();
    cli.write("archive/a-good.txt", ONE_RELEASE);
    cli.write(
        "archive/b-bad.txt",
        "\n\nthis is a shopping list\nmilk\neggs\n",
    );
    cli.write(
        "archive/c-also-good.txt",
        &ONE_RELEASE.replace("A Valid Release", "Another Valid Release"),
    );

    let out = cli.run(&["import", "archive"]);

    assert!(
        !out.status.success(),
        "a failed file makes the exit status non-zero"
    );
    let err = stderr(&out);
    assert!(
        err.contains("archive/b-bad.txt:3:"),
        "names the file and line: {err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        stdout(&out).contains("imported 2 new releases"),
        "{}",
        stdout(&out)
    );
    let titles: Vec<_> = cli
        .export()
        .iter()
        .map(|r| r["title"].to_string())
        .collect();
    assert_eq!(titles.len(), 2, "nothing from the bad file: {titles:?}");
}

#[test]
fn the_synthetic_generator_writes_releases_the_importer_reads() {
    let cli = Cli::new();
    let generated = cli.run(&[
        "bench",
        "generate",
        "--count",
        "40",
        "--format",
        "text",
        "--output",
        "corpus.txt",
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));

    let out = cli.run(&["import", "corpus.txt"]);

    assert!(out.status.success(), "{}", stderr(&out));
    let releases = cli.export();
    assert_eq!(releases.len(), 40);
    let jsonl = cli.run(&["bench", "generate", "--count", "25", "--format", "jsonl"]);
    let lines: Vec<serde_json::Value> = stdout(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 25);
    assert!(
        lines
            .iter()
            .all(|l| l["body"].as_array().is_some_and(|b| !b.is_empty()))
    );
}

#[test]
fn an_export_imported_into_an_empty_database_exports_identically() {
    let first = Cli::new();
    let corpus = seeds().join("../corpus");
    let out = first.run(&[
        "import",
        path_str(&seeds()),
        path_str(&corpus.join("raw")),
        path_str(&corpus.join("messy")),
    ]);
    assert!(stdout(&out).contains("imported"), "{}", stderr(&out));
    let exported = first.run(&["export", "--format", "jsonl", "--output", "first.jsonl"]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let first_bytes = std::fs::read(first.dir.path().join("first.jsonl")).expect("export");
    assert!(first_bytes.iter().filter(|&&b| b == b'\n').count() >= 20);

    let second = Cli::new();
    let copy = second.dir.path().join("first.jsonl");
    std::fs::write(&copy, &first_bytes).expect("copy");
    let out = second.run(&["import", path_str(&copy)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = second.run(&["export", "--format", "jsonl", "--output", "second.jsonl"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let second_bytes = std::fs::read(second.dir.path().join("second.jsonl")).expect("export");
    assert_eq!(
        String::from_utf8_lossy(&first_bytes),
        String::from_utf8_lossy(&second_bytes)
    );

    // And importing the export into the database it came from changes
    // nothing: the same fingerprints.
    let out = first.run(&["import", "first.jsonl"]);
    assert!(
        stdout(&out).contains("imported 0 new releases"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_release_without_a_year_is_kept_in_the_held_list_once_and_never_published() {
    let cli = Cli::new();
    let held = "Call with the Foreign Minister\n\n3 Sep\n\nOffice of the Spokesperson\n\n\
        They spoke today.\n";
    cli.write("archive/a.txt", &format!("{ONE_RELEASE}\n{held}"));
    cli.write("archive/b.txt", held);

    let first = cli.run(&["import", "archive"]);
    let again = cli.run(&["import", "archive"]);

    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("held: 1 ") && stdout(&first).contains("1 new to it"),
        "{}",
        stdout(&first)
    );
    assert!(stdout(&again).contains("0 new to it"), "{}", stdout(&again));
    assert_eq!(cli.export().len(), 1, "the held release is not published");
    let listed = cli.run(&["held"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let entries: Vec<serde_json::Value> = stdout(&listed)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let [entry] = entries.as_slice() else {
        panic!("one held release: {entries:?}");
    };
    assert!(
        entry["reason"]
            .as_str()
            .is_some_and(|r| r.contains("has no year")),
        "{entry}"
    );
    assert_eq!(entry["fields"]["date_without_year"], "3 Sep");
    assert_eq!(entry["fields"]["title"], "Call with the Foreign Minister");
    let sources = entry["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2, "both files: {sources:?}");
}
