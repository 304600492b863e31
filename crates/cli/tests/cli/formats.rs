//! What an archive arrives as: folders of mixed formats, gzip, standard
//! input, saved pages, our own export; and what goes wrong with it.

use std::io::Write;
use std::process::Stdio;

use crate::{Cli, ONE_RELEASE, path_str, seeds, stderr, stdout};

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).expect("gzip");
    gz.finish().expect("gzip")
}

const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Press | Site</title></head><body>
<header><nav><a href="/">Home</a></nav><p>Updated December 1, 2020</p></header>
<article><h1>A Saved Page Release</h1>
<p class="article-meta__content-type">Media Note</p>
<p class="article-meta__author-bureau">Office of the Spokesperson</p>
<p class="article-meta__publish-date">May 4, 2018</p>
<div class="entry-content"><p>The text of the page release.</p></div></article>
<footer>Site footer text</footer></body></html>"#;

#[test]
fn a_folder_of_text_markdown_html_and_gzip_imports_recursively() {
    let cli = Cli::new();
    cli.write("archive/one.txt", ONE_RELEASE);
    cli.write(
        "archive/2018/two.md",
        &ONE_RELEASE
            .replace("A Valid Release", "## A Markdown Release")
            .replace("The body of a valid release.", "*The body, in emphasis.*"),
    );
    cli.write("archive/2018/05/page.html", PAGE);
    std::fs::write(
        cli.dir.path().join("archive/old.txt.gz"),
        gzip(&ONE_RELEASE.replace("A Valid Release", "A Compressed Release")),
    )
    .expect("write");
    cli.write("archive/photo.jpg", "not read: not an archive format");
    let out = cli.run(&["import", "archive"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let releases = cli.export();
    let mut titles: Vec<&str> = releases
        .iter()
        .filter_map(|r| r["title"].as_str())
        .collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        [
            "A Compressed Release",
            "A Markdown Release",
            "A Saved Page Release",
            "A Valid Release"
        ]
    );
    let md = releases
        .iter()
        .find(|r| r["title"] == "A Markdown Release")
        .expect("md");
    assert_eq!(md["body"][0], "The body, in emphasis.");
    let page = releases
        .iter()
        .find(|r| r["title"] == "A Saved Page Release")
        .expect("html");
    assert_eq!(page["kind"], "Media Note");
    assert_eq!(page["date"], "2018-05-04");
    assert_eq!(page["body"][0], "The text of the page release.");
    let report = stdout(&out);
    assert!(report.contains("emphasis_markup 1"), "{report}");
    assert!(report.contains("title_markup 1"), "{report}");
}

#[test]
fn standard_input_is_read_when_the_path_is_a_dash() {
    let cli = Cli::new();
    let mut child = cli
        .command()
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&gzip(ONE_RELEASE))
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 1 new releases"),
        "{}",
        stdout(&out)
    );
    assert_eq!(cli.export()[0]["title"], "A Valid Release");
}

#[test]
fn a_dry_run_reports_and_writes_nothing_and_the_report_is_json() {
    let cli = Cli::new();
    let out = cli.run(&[
        "import",
        "--dry-run",
        "--report",
        "report.json",
        path_str(&seeds()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("dry run: would import 5 releases (1 copies merged)"),
        "{}",
        stdout(&out)
    );
    assert!(
        !cli.dir.path().join("pressroom.db").exists(),
        "a dry run creates no database"
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cli.dir.path().join("report.json")).expect("report written"),
    )
    .expect("json");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["files"]["read"], 2);
    assert_eq!(report["releases"]["found"], 6);
    assert_eq!(report["releases"]["duplicates_merged"], 1);
    assert!(report["repairs"]["title_link_markup"].as_u64() >= Some(1));
    assert!(report["repairs"]["stray_glyph"].as_u64() >= Some(1));
    assert!(report["repairs"]["removed_footer"].as_u64() >= Some(1));
    assert_eq!(
        report["merged"][0]["sources"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn bad_files_get_a_clear_error_each_and_the_rest_still_imports() {
    let cli = Cli::new();
    cli.write("archive/a-good.txt", ONE_RELEASE);
    cli.write("archive/b-empty.txt", "");
    std::fs::write(
        cli.dir.path().join("archive/c-binary.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .expect("write");
    let long = format!("A Long Line\n\n{}\n", "word ".repeat(20_000_000));
    cli.write("archive/d-long-line.txt", &long);
    cli.write(
        "archive/e-unknown-date.txt",
        &ONE_RELEASE.replace("March 3, 2021", "Marhc 3, 2021"),
    );
    let latin = ONE_RELEASE
        .replace("A Valid Release", "Caf\u{e9} Diplomacy")
        .replace("valid release.", "release \u{201c}quoted\u{201d}.");
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&latin);
    std::fs::write(cli.dir.path().join("archive/f-cp1252.txt"), &cp1252).expect("write");

    let out = cli.run(&["import", "--report", "r.json", "archive"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for (file, why) in [
        ("b-empty.txt:1:", "no release found"),
        ("c-binary.txt:", "binary data"),
        ("d-long-line.txt:3:", "line is too long"),
        (
            "e-unknown-date.txt:7:",
            "\"Marhc\" is not the name of a month",
        ),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no error for {file}: {err}"));
        assert!(line.contains(why), "{line}");
    }
    assert_eq!(err.lines().count(), 4, "{err}");
    let report = stdout(&out);
    assert!(report.contains("read as Windows-1252"), "{report}");
    let mut titles: Vec<String> = cli
        .export()
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    titles.sort();
    assert_eq!(titles, ["A Valid Release", "Café Diplomacy"]);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cli.dir.path().join("r.json")).expect("report"),
    )
    .expect("json");
    assert_eq!(json["files"]["failed"], 4);
    assert_eq!(json["errors"].as_array().map(Vec::len), Some(4));
}

#[test]
fn numeric_dates_follow_the_date_order_option() {
    let cli = Cli::new();
    cli.write("a.txt", &ONE_RELEASE.replace("March 3, 2021", "04/05/2021"));
    let out = cli.run(&["import", "--date-order", "dmy", "a.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(cli.export()[0]["date"], "2021-05-04");
}
