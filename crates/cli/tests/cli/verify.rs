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

/// A TLS front for a plain server, as a reverse proxy would be: loopback
/// only, with a certificate made for 127.0.0.1 by the test.
async fn tls_front(plain: &str, cert: &rcgen::CertifiedKey) -> String {
    use tokio_rustls::rustls::ServerConfig;
    use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let backend = plain.trim_start_matches("http://").to_owned();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key_pair.serialize_der()));
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let backend = backend.clone();
            tokio::spawn(async move {
                // A refused handshake (an untrusted certificate) ends here.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                if let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    format!("https://127.0.0.1:{port}")
}

fn self_signed() -> rcgen::CertifiedKey {
    rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_statement_verifies_over_https_with_a_private_ca_and_a_wrong_certificate_is_refused() {
    let cli = Cli::new();
    assert!(cli.run(&["import", path_str(&seeds())]).status.success());
    let (mut child, addr) = start(&cli, &["--page-cache-seconds", "0"]);
    let url = first_release(&addr).await;
    let cert = self_signed();
    let site = tls_front(&addr, &cert).await;
    let https = url.replacen(&addr, &site, 1);
    assert!(https.starts_with("https://"), "{https}");
    let ca = cli.write("site-ca.pem", &cert.cert.pem());
    let ca = path_str(&ca).to_owned();

    let (ok, out) = verify(&cli, &[&https, "--ca", &ca]);
    assert!(ok, "{out}");
    assert!(out.contains("ok  inclusion"), "{out}");
    let (ok, out) = verify(&cli, &["--log", &site, "--ca", &ca]);
    assert!(ok, "{out}");

    // Not among the web's roots, and not the CA given: refused, saying why.
    let (ok, out) = verify(&cli, &[&https]);
    assert!(!ok, "{out}");
    assert!(out.contains("TLS certificate is not trusted"), "{out}");
    assert!(out.contains("--ca FILE"), "{out}");
    let other = cli.write("other-ca.pem", &self_signed().cert.pem());
    let (ok, out) = verify(&cli, &[&https, "--ca", path_str(&other)]);
    assert!(
        !ok && out.contains("TLS certificate is not trusted"),
        "{out}"
    );
    let junk = cli.write("junk.pem", "not a certificate");
    let out = cli
        .command()
        .args(["verify", &https, "--ca", path_str(&junk)])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        crate::stderr(&out).contains("holds no PEM certificate"),
        "{}",
        crate::stderr(&out)
    );

    terminate(&mut child);
}
