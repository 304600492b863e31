//! PostgreSQL as operators run it: several `pressroom serve` processes on
//! one database, `copy` between backends, and a server that goes away and
//! comes back. The shared server on 127.0.0.1:5432 holds one scratch
//! database per test; the restart and durability tests run their own
//! throwaway cluster on another port, never touching the shared one.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use pressroom_store_postgres::scratch::ScratchDatabase;

use crate::serve::start;
use crate::{Cli, ONE_RELEASE, path_str, seeds, stderr, stdout};

/// A release in the legacy format with a given title.
fn release_text(title: &str) -> String {
    ONE_RELEASE.replace("A Valid Release", title)
}

async fn scratch() -> ScratchDatabase {
    ScratchDatabase::create()
        .await
        .expect("PostgreSQL must be reachable on 127.0.0.1:5432 (scripts/test starts it)")
}

/// The listing page of a node, with whether it came from the node's cache.
async fn listing(addr: &str) -> (u16, String, Option<String>) {
    let res = reqwest::get(format!("{addr}/")).await.expect("get");
    let status = res.status().as_u16();
    let cache = res
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, res.text().await.expect("body"), cache)
}

/// Polls a node's listing until it shows `title`; returns how long it took.
async fn wait_for_title(addr: &str, title: &str, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        let (status, html, _) = listing(addr).await;
        if status == 200 && html.contains(title) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

struct Node {
    child: Child,
    addr: String,
}

impl Node {
    /// Starts `pressroom serve` on a database; `--database` wins over the
    /// SQLite default the `Cli` sets.
    fn start(cli: &Cli, database: &str) -> Self {
        // Each node keeps its own search index, as on separate machines.
        static NODES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NODES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let index = cli.dir.path().join(format!("node-{n}.index"));
        let (child, addr) = start(cli, &["--database", database, "--index", path_str(&index)]);
        Self { child, addr }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_imported_through_one_node_shows_on_another_within_a_second() {
    let db = scratch().await;
    let cli = Cli::new();
    let a = Node::start(&cli, db.url());
    let b = Node::start(&cli, db.url());

    // B caches its listing: without the change feed it would keep serving
    // this copy for --page-cache-seconds (30 s by default).
    let (status, html, _) = listing(&b.addr).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Fresh From Node A"));
    let (_, _, cache) = listing(&b.addr).await;
    assert_eq!(
        cache.as_deref(),
        Some("hit"),
        "B serves its listing from cache"
    );

    // Written through node A's database connection: the same store, the
    // same use-case, another process.
    let file = cli.write("a.txt", &release_text("Fresh From Node A"));
    let out = cli
        .command()
        .args(["--database", db.url(), "import", path_str(&file)])
        .output()
        .expect("import runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = wait_for_title(&b.addr, "Fresh From Node A", Duration::from_secs(1)).await;
    assert!(seen.is_some(), "node B did not show the release within 1 s");
    // B kept its counts from before the write (an empty portal): the
    // change feed dropped them with the pages.
    let (_, html, _) = listing(&b.addr).await;
    assert!(
        html.contains(r#"id="result-count">1 release<"#),
        "B counts the new release"
    );
    assert!(html.contains(r#"Press Statement <span class="count">(1)</span>"#));
    assert!(
        wait_for_title(&a.addr, "Fresh From Node A", Duration::from_secs(1))
            .await
            .is_some()
    );
    let path = "/releases/2021/03/03/fresh-from-node-a";
    let page = reqwest::get(format!("{}{path}", b.addr))
        .await
        .expect("get");
    assert_eq!(page.status(), 200);
    // Each node's own search index followed the same feed: the page cache
    // is dropped only after the index took the change.
    for node in [&a, &b] {
        let found = crate::search::hits(&node.addr, "\"fresh from node a\"").await;
        assert_eq!(found, [path], "{}", node.addr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_applies_the_postgres_schema_and_is_idempotent() {
    let db = scratch().await;
    let cli = Cli::new();
    for _ in 0..2 {
        let out = cli.run(&["--database", db.url(), "migrate"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out).trim(), "postgres: migrations applied");
    }
}

/// Newsroom state of every kind `copy` moves, written straight into a
/// SQLite portal (the store conformance suite shows each is what the
/// newsroom's own writes leave), plus a session, which `copy` leaves behind.
const NEWSROOM_ROWS: &str = "
INSERT INTO users (id, email, name, role, disabled, password_hash, totp_secret, totp_last_step, created_at)
  VALUES (7, 'ana@example.org', 'Ana Ruiz', 'admin', 0, '$argon2id$v=19$a', NULL, 0, 1700000000000000),
         (9, 'bo@example.org', 'Bo Li', 'writer', 1, '$argon2id$v=19$b', 'JBSWY3DPEHPK3PXP', 55, 1700000000000001);
INSERT INTO login_failures (user_id, at) VALUES (9, 1700000000000002), (9, 1700000000000003);
INSERT INTO invitations (token_hash, email, role, invited_by, expires_at)
  VALUES ('eeee', 'cy@example.org', 'clearer', 7, 1800000000000000);
INSERT INTO api_tokens (id, token_hash, user_id, label, role, created_at, revoked_at)
  VALUES (3, 'aaaa', 7, 'wire feed', 'publisher', 1700000000000004, NULL),
         (4, 'bbbb', 7, 'old', 'writer', 1700000000000005, 1700000000000006);
INSERT INTO audit_log (seq, at, actor, actor_label, action, subject, address)
  VALUES (1, 1700000000000007, 7, 'ana@example.org', 'user.create', 'bo@example.org', '127.0.0.1');
INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
  VALUES ('ffff', 7, 'csrf', 1, 1, 4000000000000000);
UPDATE releases SET created_by = 7 WHERE id = 1;
INSERT INTO workflow_events (id, release_id, action, from_status, to_status, actor, note, at)
  VALUES (5, 1, 'publish', 'approved', 'published', 7, 'Cleared by legal', 1700000000000008);
INSERT INTO workflow_settings (id, allow_skip_clearance, updated_at) VALUES (1, 1, 1700000000000009);
INSERT INTO preview_links (id, release_id, journalist, token_hash, created_by, created_at, expires_at)
  VALUES (2, 1, 'Ada Reporter', 'cccc', 7, 1700000000000010, 1800000000000000);
INSERT INTO preview_accesses (id, link_id, at) VALUES (6, 2, 1700000000000011);
";

/// Every row of a table in a SQLite file, quoted (blobs as X'..').
fn sqlite_rows(db: &std::path::Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .args(["-cmd", ".mode quote"])
        .arg(db)
        .arg(sql)
        .output()
        .expect("sqlite3 runs");
    assert!(out.status.success(), "sqlite3: {}", stderr(&out));
    stdout(&out)
}

fn pressroom_verify(cli: &Cli, args: &[&str]) -> (bool, String) {
    let out = cli
        .command()
        .arg("verify")
        .args(args)
        .output()
        .expect("runs");
    (out.status.success(), stdout(&out))
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_moves_a_whole_portal_to_postgres_and_back_and_verifies_it() {
    let pg = scratch().await;
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A log monitor sees the original's checkpoint first.
    let state = cli.dir.path().join("seen.json");
    let state = path_str(&state);
    let (mut original, addr) = start(&cli, &[]);
    let (ok, said) = pressroom_verify(&cli, &["--log", &addr, "--state", state]);
    assert!(ok && said.contains("first sight"), "{said}");
    crate::serve::terminate(&mut original);
    let db = cli.dir.path().join("pressroom.db");
    sqlite_rows(&db, NEWSROOM_ROWS);
    let original = cli.export();

    let out = cli.run(&["copy", "--from", &cli.database(), "--to", pg.url()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains(
            "copied 5 releases, 5 revisions, 6 sources and 26 other rows from sqlite to postgres"
        ),
        "{said}"
    );
    assert!(said.contains("verified"), "{said}");

    let back_db = cli.dir.path().join("back.db");
    let back = format!("sqlite://{}", back_db.display());
    let out = cli.run(&["copy", "--from", pg.url(), "--to", &back]);
    assert!(out.status.success(), "{}", stderr(&out));
    let checksum = |s: &str| s.split("sha256 ").nth(1).map(str::to_owned);
    assert_eq!(
        checksum(&stdout(&out)),
        checksum(&said),
        "same checksums both ways"
    );

    let out = cli
        .command()
        .env("PRESSROOM_DATABASE", &back)
        .args(["export"])
        .output()
        .expect("export");
    let round_trip: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(round_trip, original, "every release, field for field");
    // Row for row, read by sqlite3 itself rather than by pressroom.
    for sql in [
        "SELECT * FROM releases ORDER BY id",
        "SELECT * FROM revisions ORDER BY release_id, number",
        "SELECT release_id, fingerprint, path, line, imported_at FROM release_sources ORDER BY 1, 3, 4",
        "SELECT * FROM users ORDER BY id",
        "SELECT * FROM login_failures ORDER BY 1, 2",
        "SELECT * FROM invitations ORDER BY 1",
        "SELECT * FROM api_tokens ORDER BY id",
        "SELECT * FROM audit_log ORDER BY seq",
        "SELECT * FROM workflow_events ORDER BY id",
        "SELECT * FROM workflow_settings",
        "SELECT * FROM preview_links ORDER BY id",
        "SELECT * FROM preview_accesses ORDER BY id",
        "SELECT * FROM ledger_leaves ORDER BY idx",
        "SELECT * FROM ledger_hashes ORDER BY idx",
    ] {
        let want = sqlite_rows(&db, sql);
        assert!(!want.is_empty(), "the fixture fills: {sql}");
        assert_eq!(sqlite_rows(&back_db, sql), want, "{sql}");
    }
    assert_eq!(
        sqlite_rows(&back_db, "SELECT COUNT(*) FROM sessions").trim(),
        "0",
        "sign-in sessions stay behind"
    );

    // A server on the copy proves its statements with the same log: a
    // release verifies, and the monitor finds the copy's checkpoint
    // consistent with the one it saw on the original.
    let node = Node::start(&cli, pg.url());
    let list: serde_json::Value = reqwest::get(format!("{}/api/releases?limit=1", node.addr))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let url = list["items"][0]["url"].as_str().expect("url");
    let (ok, said) = pressroom_verify(&cli, &[url]);
    assert!(ok && said.contains("ok  inclusion"), "{said}");
    let (ok, said) = pressroom_verify(&cli, &["--log", &node.addr, "--state", state]);
    assert!(ok && said.contains("ok  consistency"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_that_fails_half_way_takes_back_what_it_wrote() {
    let pg = scratch().await;
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));
    // SQLite keeps a NUL in text; PostgreSQL refuses it. The releases are
    // written by then, the accounts are not.
    sqlite_rows(
        &cli.dir.path().join("pressroom.db"),
        "INSERT INTO users (email, name, role, password_hash, created_at) \
         VALUES ('ana@example.org', 'Ana' || char(0), 'admin', 'x', 1)",
    );

    let out = cli.run(&["copy", "--from", &cli.database(), "--to", pg.url()]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot write the users"), "{err}");
    assert!(err.contains("the target is empty"), "{err}");
    let out = cli.run(&["--database", pg.url(), "export"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "no release was left behind");
    // Being empty again, the target takes a good copy.
    let pool = sqlx::SqlitePool::connect(&cli.database())
        .await
        .expect("raw");
    sqlx::query("DELETE FROM users")
        .execute(&pool)
        .await
        .expect("fix");
    pool.close().await;
    let out = cli.run(&["copy", "--from", &cli.database(), "--to", pg.url()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn copy_refuses_a_target_that_already_holds_releases_and_changes_nothing() {
    let pg = scratch().await;
    let cli = Cli::new();
    let out = cli.run(&["import", path_str(&seeds())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = cli.run(&["copy", "--from", &cli.database(), "--to", pg.url()]);
    assert!(first.status.success(), "{}", stderr(&first));

    let again = cli.run(&["copy", "--from", &cli.database(), "--to", pg.url()]);

    assert!(!again.status.success());
    let err = stderr(&again);
    assert!(err.contains("already holds releases (5)"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let out = cli.run(&["--database", pg.url(), "export"]);
    assert_eq!(stdout(&out).lines().count(), 5, "nothing was added");
}

/// A PostgreSQL cluster of the test's own, in a temporary directory on a
/// free port, which the test may stop and start at will.
struct ThrowawayCluster {
    dir: tempfile::TempDir,
    port: u16,
    bin: PathBuf,
    options: String,
}

impl ThrowawayCluster {
    fn bin() -> PathBuf {
        if let Ok(b) = std::env::var("PRESSROOM_PG_BIN") {
            return PathBuf::from(b);
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server tools must be installed (scripts/test installs them)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .collect();
        found.sort();
        found
            .pop()
            .expect("initdb must be installed (scripts/test installs PostgreSQL)")
    }

    fn as_postgres(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        // initdb and postgres refuse to run as root.
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn create(extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        if is_root() {
            let ok = Command::new("chown")
                .args(["postgres", path_str(dir.path())])
                .status()
                .expect("chown");
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let cluster = Self {
            port,
            bin: Self::bin(),
            options: format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {} {extra}",
                dir.path().display()
            ),
            dir,
        };
        let out = cluster
            .as_postgres("initdb")
            .args([
                "-D",
                &cluster.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "-N",
            ])
            .output()
            .expect("initdb runs");
        assert!(out.status.success(), "initdb: {}", stderr(&out));
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        format!("{}/data", self.dir.path().display())
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let log = format!("{}/log", self.dir.path().display());
        let out = self
            .as_postgres("pg_ctl")
            .args([
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &self.options,
                "-w",
                "start",
            ])
            .output()
            .expect("pg_ctl runs");
        assert!(out.status.success(), "pg_ctl start: {}", stderr(&out));
    }

    fn stop(&self) {
        let out = self
            .as_postgres("pg_ctl")
            .args(["-D", &self.data(), "-m", "fast", "-w", "stop"])
            .output()
            .expect("pg_ctl runs");
        assert!(out.status.success(), "pg_ctl stop: {}", stderr(&out));
    }
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        let _ = self
            .as_postgres("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .output();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| stdout(&o).trim() == "0")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_serves_cached_pages_through_a_database_restart_and_recovers_by_itself() {
    let cluster = ThrowawayCluster::create("");
    let url = cluster.url();
    let cli = Cli::new();
    let file = cli.write("one.txt", &release_text("Before The Restart"));
    let out = cli.run(&["--database", &url, "import", path_str(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut add = cli
        .command()
        .args(["--database", &url, "user", "add", "--role", "writer"])
        .arg("wanda@example.org")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("user add");
    {
        use std::io::Write as _;
        let mut stdin = add.stdin.take().expect("stdin");
        stdin
            .write_all(b"correct horse battery staple\n")
            .expect("password");
    }
    assert!(add.wait().expect("user add").success());
    let node = Node::start(&cli, &url);
    let release = "/releases/2021/03/03/before-the-restart";
    listing(&node.addr).await;
    assert_eq!(listing(&node.addr).await.2.as_deref(), Some("hit"));
    let browser = Browser::sign_in(&node.addr, "wanda@example.org").await;

    cluster.stop();

    let (status, html, _) = listing(&node.addr).await;
    assert_eq!(status, 200, "a cached page keeps serving");
    assert!(html.contains("Before The Restart"));
    let uncached = reqwest::get(format!("{}{release}", node.addr))
        .await
        .expect("get");
    assert_eq!(uncached.status(), 503, "what needs the database is a 503");
    assert!(
        uncached
            .text()
            .await
            .expect("body")
            .contains("cannot reach its database")
    );
    // Writes fail with a clear 503: the sign-in form, the editor's save,
    // and the API (as problem details).
    let res = Browser::login(&node.addr, "wanda@example.org").await;
    assert_eq!(res.status(), 503, "sign-in while the database is down");
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("cannot reach its database")
    );
    let res = browser.save_draft("Written In The Outage").await;
    assert_eq!(
        res.status(),
        503,
        "saving a draft while the database is down"
    );
    let page = res.text().await.expect("body");
    assert!(page.contains("cannot reach its database"), "{page}");
    assert!(page.contains("<html"), "an error page, not bare text");
    let res = reqwest::Client::new()
        .get(format!("{}/api/newsroom/me", node.addr))
        .bearer_auth("pr_0123456789abcdef")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 503, "the API while the database is down");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: serde_json::Value = res.json().await.expect("problem details");
    assert_eq!(problem["status"], 503);
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot reach its database")),
        "{problem}"
    );

    let file = cli.write("two.txt", &release_text("After The Restart"));
    let write = cli.run(&["--database", &url, "import", path_str(&file)]);
    assert!(!write.status.success(), "a write fails while it is down");
    assert!(
        stderr(&write).contains("cannot open database"),
        "{}",
        stderr(&write)
    );

    cluster.start();

    let started = Instant::now();
    loop {
        let res = reqwest::get(format!("{}{release}", node.addr))
            .await
            .expect("get");
        if res.status() == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the node did not recover within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let write = cli.run(&["--database", &url, "import", path_str(&file)]);
    assert!(write.status.success(), "{}", stderr(&write));
    assert!(
        wait_for_title(&node.addr, "After The Restart", Duration::from_secs(10))
            .await
            .is_some(),
        "the change feed reconnected and invalidated the cache"
    );
    // The session made before the outage still writes, and signing in works.
    let res = browser.save_draft("Written After The Outage").await;
    assert_eq!(res.status(), 303, "the draft is saved after recovery");
    assert_eq!(
        Browser::login(&node.addr, "wanda@example.org")
            .await
            .status(),
        303
    );
}

/// A signed-in newsroom browser on a node: its session cookie and CSRF
/// token, sending what a browser on the site itself sends.
struct Browser {
    addr: String,
    cookie: String,
    csrf: String,
}

impl Browser {
    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    async fn login(addr: &str, email: &str) -> reqwest::Response {
        Self::client()
            .post(format!("{addr}/newsroom/login"))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("email", email),
                ("password", "correct horse battery staple"),
                ("code", ""),
            ])
            .send()
            .await
            .expect("post")
    }

    async fn sign_in(addr: &str, email: &str) -> Self {
        let res = Self::login(addr, email).await;
        assert_eq!(res.status(), 303, "sign-in succeeds");
        let cookie = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_owned();
        let html = Self::client()
            .get(format!("{addr}/newsroom/releases/new"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        let csrf = pressroom_testkit::HtmlPage::parse(&html)
            .attrs("input[name=csrf]", "value")
            .into_iter()
            .next()
            .expect("a CSRF token in the editor");
        Self {
            addr: addr.to_owned(),
            cookie,
            csrf,
        }
    }

    async fn save_draft(&self, title: &str) -> reqwest::Response {
        Self::client()
            .post(format!("{}/newsroom/releases/new", self.addr))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("csrf", self.csrf.as_str()),
                ("title", title),
                ("kind", "Press release"),
                ("issuer", "Ministry of Finance"),
                ("date", "2021-03-04"),
                ("body", "A paragraph written in the newsroom."),
            ])
            .send()
            .await
            .expect("post")
    }
}

#[test]
fn the_server_refuses_a_postgres_that_runs_with_fsync_off() {
    let cluster = ThrowawayCluster::create("-c fsync=off");
    let cli = Cli::new();

    let out = cli.run(&[
        "--database",
        &cluster.url(),
        "serve",
        "--bind",
        "127.0.0.1:0",
    ]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("fsync = off"), "{err}");
    assert!(err.contains("can be lost in a crash"), "{err}");
}

#[test]
fn the_server_refuses_a_postgres_that_runs_with_synchronous_commit_off() {
    let cluster = ThrowawayCluster::create("-c synchronous_commit=off");
    let cli = Cli::new();

    let out = cli.run(&["--database", &cluster.url(), "migrate"]);

    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("synchronous_commit = off"),
        "{}",
        stderr(&out)
    );
}
