use std::time::Duration;

use crate::serve::{start, terminate};
use crate::{Cli, ONE_RELEASE, path_str, seeds, stderr, stdout};

pub async fn hits(addr: &str, q: &str) -> Vec<String> {
    let res = reqwest::Client::new()
        .get(format!("{addr}/search"))
        .query(&[("q", q)])
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    let page = pressroom_testkit::HtmlPage::parse(&res.text().await.expect("body"));
    page.attrs(".search-hit h3 a", "href")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_in_another_process_reaches_a_running_server_and_reindex_rebuilds() {
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));

    // The server builds its index on start, beside the database.
    let (mut child, addr) = start(&cli, &[]);
    assert!(cli.dir.path().join("pressroom.db.index").is_dir());
    let found = hits(&addr, "Hizballah").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("law-enforcement-coordination-group"));

    // An import by another process reaches the server's index through the
    // store's change feed (polled across processes on SQLite).
    let file = cli.write("one.txt", ONE_RELEASE);
    let out = cli.run(&["import", path_str(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut seen = Vec::new();
    for _ in 0..150 {
        seen = hits(&addr, "\"valid release\"").await;
        if !seen.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, ["/releases/2021/03/03/a-valid-release"]);
    assert!(terminate(&mut child).success());

    std::fs::remove_dir_all(cli.dir.path().join("pressroom.db.index")).expect("rm");
    let out = cli.run(&["reindex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("6 of 6 releases searchable"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_is_searchable() {
    let cli = Cli::new();
    let (mut child, addr) = start(&cli, &["--demo"]);

    let found = hits(&addr, "Norvia").await;

    assert!(!found.is_empty());
    assert!(terminate(&mut child).success());
}

#[test]
fn an_index_of_another_layout_is_refused_with_the_command_that_fixes_it() {
    let cli = Cli::new();
    let index = cli.dir.path().join("pressroom.db.index");
    std::fs::create_dir_all(&index).expect("mkdir");
    std::fs::write(index.join("meta.json"), "{not json").expect("write");

    let out = cli.run(&["reindex"]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("search index"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reindex_is_refused_at_once_while_a_server_holds_the_index() {
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (mut child, _addr) = start(&cli, &[]);

    let out = cli.run(&["reindex"]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("pressroom serve"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(terminate(&mut child).success());
    // A clean stop leaves every commit on disk and the index free.
    let index = cli.dir.path().join("pressroom.db.index");
    assert!(!index.join("meta.durable.json").exists());
    let out = cli.run(&["reindex"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_before_its_index_is_synced_finds_every_release_after_a_restart() {
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (mut child, addr) = start(&cli, &["--change-poll-ms", "20"]);
    assert_eq!(hits(&addr, "Hizballah").await.len(), 1);
    let file = cli.write("one.txt", ONE_RELEASE);
    let out = cli.run(&["import", path_str(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for _ in 0..150 {
        if !hits(&addr, "\"valid release\"").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    let (mut child, addr) = start(&cli, &[]);

    assert_eq!(
        hits(&addr, "\"valid release\"").await,
        ["/releases/2021/03/03/a-valid-release"]
    );
    assert_eq!(hits(&addr, "Hizballah").await.len(), 1);
    assert!(terminate(&mut child).success());
}
