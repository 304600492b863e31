//! `pressroom verify` against a running server: a genuine statement passes;
//! a changed stored revision, a changed log entry, a changed remembered
//! checkpoint and a rewritten log each fail, naming what failed.

use std::process::Output;

use crate::serve::{start, terminate};
use crate::{Cli, path_str, seeds, stdout};

fn verify(cli: &Cli, args: &[&str]) -> (bool, String) {
    let out: Output = cli
        .command()
        .arg("verify")
        .args(args)
        .output()
        .expect("runs");
    (out.status.success(), stdout(&out))
}

async fn raw(cli: &Cli, sql: &str) {
    let pool = sqlx::SqlitePool::connect(&cli.database())
        .await
        .expect("raw");
    sqlx::query(sql).execute(&pool).await.expect("tamper");
    pool.close().await;
}

async fn first_release(addr: &str) -> String {
    let list: serde_json::Value = reqwest::get(format!("{addr}/api/releases?limit=1"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    list["items"][0]["url"].as_str().expect("url").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_genuine_statement_verifies_and_a_changed_one_is_named() {
    let cli = Cli::new();
    assert!(cli.run(&["import", path_str(&seeds())]).status.success());
    let (mut child, addr) = start(&cli, &["--page-cache-seconds", "0"]);
    let url = first_release(&addr).await;

    let (ok, out) = verify(&cli, &[&url]);
    assert!(ok, "{out}");
    assert!(out.contains("ok  signature"), "{out}");
    assert!(out.contains("ok  inclusion"), "{out}");
    assert!(out.contains("ok  content"), "{out}");

    // A proof saved by a reader verifies offline with the published key.
    let proof = reqwest::get(format!("{url}/proof"))
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let saved = cli.write("saved-proof.json", &proof);
    let keys: serde_json::Value = reqwest::get(format!("{addr}/.well-known/pressroom/keys"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let key = keys["current"].as_str().expect("key");
    let (ok, out) = verify(&cli, &[path_str(&saved), "--key", key]);
    assert!(ok, "{out}");
    let (ok, out) = verify(&cli, &[path_str(&saved)]);
    assert!(!ok && out.contains("--key"), "{out}");

    // The page quietly rewritten in the database: the log still says otherwise.
    raw(&cli, "UPDATE releases SET title = 'We surrender' WHERE id = (SELECT release_id FROM ledger_leaves WHERE idx = 0)").await;
    let target = reqwest::get(format!("{addr}/api/releases?limit=100"))
        .await
        .expect("get")
        .json::<serde_json::Value>()
        .await
        .expect("json")["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["title"] == "We surrender")
        .expect("tampered release")["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let (ok, out) = verify(&cli, &[&target]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("FAILED: the page does not show what the log says"),
        "{out}"
    );
    assert!(out.contains("\"We surrender\""), "{out}");

    // The stored log entry changed instead: it no longer fits the tree.
    raw(&cli, "UPDATE ledger_leaves SET leaf = CAST(replace(CAST(leaf AS TEXT), 'Statement', 'Statemenx') AS BLOB)").await;
    let (ok, out) = verify(&cli, &[&url]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("FAILED: the statement is not in the log"),
        "{out}"
    );

    terminate(&mut child);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_monitor_remembers_checkpoints_and_catches_a_rewritten_history() {
    let cli = Cli::new();
    let keys = cli.dir.path().join("keys");
    let keys = path_str(&keys);
    assert!(cli.run(&["init", "--keys", keys]).status.success());
    assert!(cli.run(&["import", path_str(&seeds())]).status.success());
    let (mut first, addr) = start(&cli, &["--keys", keys]);
    let state = cli.dir.path().join("seen.json");
    let state = path_str(&state);

    let (ok, out) = verify(&cli, &["--log", &addr, "--state", state]);
    assert!(ok && out.contains("first sight"), "{out}");
    let (ok, out) = verify(&cli, &["--log", &addr, "--state", state]);
    assert!(ok && out.contains("ok  consistency"), "{out}");
    terminate(&mut first);

    // Same site key, another history: the seeds were never there.
    let other = format!("sqlite://{}", cli.dir.path().join("other.db").display());
    let corpus = cli.dir.path().join("corpus.txt");
    let out = cli.run(&[
        "bench",
        "generate",
        "--count",
        "12",
        "--format",
        "text",
        "-o",
        path_str(&corpus),
    ]);
    assert!(out.status.success());
    assert!(
        cli.run(&["--database", &other, "import", path_str(&corpus)])
            .status
            .success()
    );
    let (mut second, addr2) = start(&cli, &["--keys", keys, "--database", &other]);
    let (ok, out) = verify(&cli, &["--log", &addr2, "--state", state]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("FAILED: the log's history was rewritten"),
        "{out}"
    );

    // The remembered checkpoint itself edited: its signature breaks.
    let saved = std::fs::read_to_string(state).expect("state");
    std::fs::write(state, saved.replacen("\\n5\\n", "\\n4\\n", 1)).expect("write");
    let (ok, out) = verify(&cli, &["--log", &addr2, "--state", state]);
    assert!(!ok && out.contains("signature"), "{out}");
    terminate(&mut second);
}
