use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::{Cli, ONE_RELEASE, path_str, seeds, stderr};

/// Starts `pressroom serve` and reads the address it prints.
pub fn start(cli: &Cli, extra: &[&str]) -> (Child, String) {
    start_logging(cli, extra, "warn")
}

/// [`start`] with the log at `level` (on the child's piped stderr).
pub fn start_logging(cli: &Cli, extra: &[&str], level: &str) -> (Child, String) {
    let mut child = cli
        .command()
        .env("PRESSROOM_LOG", level)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read");
    let addr = line
        .trim()
        .strip_prefix("pressroom is serving on ")
        .unwrap_or_else(|| {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            }
            panic!("unexpected first line {line:?}; stderr: {err}")
        })
        .to_owned();
    (child, addr)
}

pub fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("server did not stop within 5 s of SIGTERM");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_serves_sample_releases_and_stops_cleanly_on_sigterm() {
    let cli = Cli::new();
    let (mut child, addr) = start(&cli, &["--demo"]);

    let listing = reqwest::get(format!("{addr}/")).await.expect("get");
    let status = listing.status();
    let html = listing.text().await.expect("body");

    assert_eq!(status, 200);
    assert!(
        html.contains("Norvia"),
        "the demo names its fictional ministry"
    );
    let page = pressroom_testkit::HtmlPage::parse(&html);
    assert_eq!(page.texts(".release-item").len(), 20, "a full first page");
    let first = page.attrs(".release-item-title a", "href")[0].clone();
    let release = reqwest::get(format!("{addr}{first}")).await.expect("get");
    assert_eq!(release.status(), 200);

    let exit = terminate(&mut child);
    assert!(exit.success(), "graceful shutdown exits 0: {exit:?}");
    assert!(
        !cli.dir.path().join("pressroom.db").exists(),
        "the demo does not touch the configured database"
    );
}

#[test]
fn a_port_in_use_gives_a_one_line_error() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let cli = Cli::new();

    let out = cli.run(&["serve", "--bind", &addr]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert!(err.contains("in use"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crlf_typed_as_the_name_at_sign_in_is_one_line_of_the_server_log() {
    let cli = Cli::new();
    // The audit lines are at info.
    let (mut child, addr) = start_logging(&cli, &[], "info");
    let forged = "ana@example.org\r\n2026-06-01T00:00:00Z  INFO audit: actor=admin action=login";
    let res = reqwest::Client::new()
        .post(format!("{addr}/newsroom/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", forged), ("password", "wrong"), ("code", "")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 401);
    terminate(&mut child);
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut log)
        .expect("read the log");
    let failed: Vec<&str> = log.lines().filter(|l| l.contains("login.failed")).collect();
    assert_eq!(failed.len(), 1, "one line for the failed sign-in:\n{log}");
    assert!(
        failed[0].contains(r"ana@example.org\r\n2026"),
        "the line break is shown escaped: {}",
        failed[0]
    );
    assert!(
        !log.lines().any(|l| l.starts_with("2026-06-01T00:00:00Z")),
        "no forged line:\n{log}"
    );
}

/// What a listing says it counts: its total and every facet line.
async fn counts(addr: &str, query: &str) -> (String, Vec<String>) {
    let html = reqwest::get(format!("{addr}/{query}"))
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let page = pressroom_testkit::HtmlPage::parse(&html);
    (page.text("#result-count"), page.texts(".facet li"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_running_servers_listing_counts_follow_an_import_by_another_process() {
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (mut child, addr) = start(&cli, &["--change-poll-ms", "20"]);
    let pages = ["", "?kind=Press+Statement", "?year=2021"];
    let mut before = Vec::new();
    for query in pages {
        before.push(counts(&addr, query).await);
    }

    // The server keeps these counts and shifts them by the change feed.
    let file = cli.write("one.txt", ONE_RELEASE);
    let out = cli.run(&["import", path_str(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut shown = false;
    for _ in 0..250 {
        let html = reqwest::get(format!("{addr}/"))
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        if html.contains("/releases/2021/03/03/a-valid-release") {
            shown = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(shown, "the import reached the listing");
    let mut shifted = Vec::new();
    for query in pages {
        shifted.push(counts(&addr, query).await);
    }
    assert_ne!(shifted, before, "the counts moved");
    assert!(terminate(&mut child).success());

    // A server started now counts everything afresh: the same numbers.
    let (mut fresh, addr) = start(&cli, &[]);
    for (query, kept) in pages.iter().zip(&shifted) {
        assert_eq!(&counts(&addr, query).await, kept, "listing /{query}");
    }
    assert!(terminate(&mut fresh).success());
}

/// Whether the kernel gives transparent huge pages to process `pid`, from
/// its `THP_enabled` line (Linux 5.0 on).
fn transparent_huge_pages(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("THP_enabled:"))
        .expect("the kernel reports THP_enabled");
    line.trim() == "1"
}

#[test]
fn a_serving_node_turns_transparent_huge_pages_off_for_itself_alone() {
    let cli = Cli::new();
    let (mut child, _addr) = start(&cli, &["--demo"]);
    // The server prints its address after turning them off.
    let serving = transparent_huge_pages(child.id());
    terminate(&mut child);
    assert!(
        !serving,
        "a search commit's fresh memory must not wait on huge-page compaction"
    );
    assert!(
        transparent_huge_pages(std::process::id()),
        "the process that started it keeps them (an import runs with them)"
    );
}
