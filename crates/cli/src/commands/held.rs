use std::process::ExitCode;

use crate::db;

/// Prints the held list: one JSON object a line (id, fingerprint, reason,
/// fields, sources, held_at), oldest first, for an editor to complete.
pub async fn run(database: &str) -> anyhow::Result<ExitCode> {
    let store = db::open_store(database).await?;
    let held = store.held_imports().await?;
    for entry in &held {
        println!("{}", serde_json::to_string(entry)?);
    }
    eprintln!("{} held releases", held.len());
    Ok(ExitCode::SUCCESS)
}
