//! The transparency log over HTTP: what `pressroom verify` and Go's sumdb
//! packages read (tests/ledger/run checks the same with Go).

use pressroom_domain::Status;
use pressroom_ledger::{
    ConsistencyProof, VerifierKey, open_checkpoint, verify_bundle, verify_consistency,
};
use pressroom_store::conformance::content;
use pressroom_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;

use crate::SEEDS;

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.import_seeds().await;
    app
}

fn published(app: &TestApp) -> Vec<VerifierKey> {
    app.keys.published()
}

#[tokio::test]
async fn the_checkpoint_is_a_signed_note_of_every_public_release() {
    let app = seeded().await;
    app.store_release(content("Draft Plan", 2021, 5, 5), Status::Draft)
        .await;
    let res = app.get("/.well-known/pressroom/checkpoint").await;
    assert_eq!(res.status(), StatusCode::OK);
    let note = res.text().await.expect("body");
    let cp = open_checkpoint(note.as_bytes(), &published(&app)).expect("signed by the site key");
    // The five seeds, not the draft.
    assert_eq!(cp.size, 5);
    assert_eq!(cp.origin, app.keys.current.name());
}

#[tokio::test]
async fn the_keys_list_the_current_key_and_the_retired_ones() {
    let app = spawn_app().await;
    let (status, _, keys) = app.get_api("/.well-known/pressroom/keys").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(keys["current"], app.keys.current.verifier().to_string());
    assert_eq!(keys["retired"][0], app.keys.retired[0].to_string());
}

#[tokio::test]
async fn every_release_page_links_to_a_proof_that_verifies() {
    let app = seeded().await;
    for seed in &SEEDS {
        let (status, page) = app.get_page(seed.path).await;
        assert_eq!(status, StatusCode::OK);
        let proof = format!("{}{}/proof", app.address, seed.path);
        assert_eq!(
            page.attrs(".authenticity a[type]", "href"),
            std::slice::from_ref(&proof)
        );
        let bundle = app
            .client
            .get(&proof)
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body");
        let v = verify_bundle(&bundle, &published(&app)).expect("the proof verifies");
        assert_eq!(v.leaf.path, seed.path);
        assert_eq!(v.leaf.content.title.as_str(), seed.title);
        let (_, _, api) = app.get_api(&format!("/api{}", seed.path)).await;
        assert_eq!(api["proof_url"], proof);
    }
}

#[tokio::test]
async fn consistency_proofs_link_every_earlier_head_to_the_current_one() {
    let app = spawn_app().await;
    let keys = published(&app);
    let mut heads = Vec::new();
    for i in 0..6 {
        app.store_release(
            content(&format!("Statement {i}"), 2022, 1, 1 + i),
            Status::Published,
        )
        .await;
        let note = app
            .get("/.well-known/pressroom/checkpoint")
            .await
            .text()
            .await
            .expect("note");
        heads.push(open_checkpoint(note.as_bytes(), &keys).expect("open"));
    }
    let new = heads.last().expect("head").clone();
    for old in &heads {
        let (status, _, proof) = app
            .get_api(&format!(
                "/.well-known/pressroom/log/consistency/{}/{}",
                old.size, new.size
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        let proof: ConsistencyProof = serde_json::from_value(proof).expect("proof");
        verify_consistency(old, &new, &proof).expect("consistent");
    }
    let res = app.get("/.well-known/pressroom/log/consistency/3/99").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let text = res.text().await.expect("body");
    assert!(text.contains("the log has 6 entries"), "{text}");
}

#[tokio::test]
async fn an_unpublished_release_has_no_proof_and_no_entry() {
    let app = spawn_app().await;
    let r = app
        .store_release(content("Draft Plan", 2021, 5, 5), Status::Draft)
        .await;
    let res = app.get(&format!("{r}/proof")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.get("/.well-known/pressroom/log/entries/0").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_verify_page_explains_the_check_and_gives_the_command() {
    let app = seeded().await;
    let (status, page) = app
        .get_page(&format!("/verify?release={}", SEEDS[1].path))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Verify this statement");
    let commands = page.texts("pre.command code");
    assert_eq!(
        commands[0],
        format!("pressroom verify {}{}", app.address, SEEDS[1].path)
    );
    assert!(page.text(".verify-release").contains(SEEDS[1].title));
    assert!(
        page.text(".verify-facts")
            .contains(&app.keys.current.verifier().to_string())
    );
    let (status, _) = app.get_page("/verify?release=/not/a/release").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
