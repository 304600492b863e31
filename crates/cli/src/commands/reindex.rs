use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use pressroom_newsroom::rebuild_index;

use crate::db;

/// Rebuilds the search index from the store: every published release, in
/// one commit at the end (searches see the old index until then).
pub async fn run(database: &str, index_dir: &Path) -> anyhow::Result<ExitCode> {
    let store = db::open_store(database).await?;
    let index = db::open_index(index_dir)?;
    let started = Instant::now();
    let mut last_report = Instant::now();
    let read = rebuild_index(store.as_ref(), &index, |n| {
        if last_report.elapsed().as_secs() >= 10 {
            eprintln!("  {n} releases read ...");
            last_report = Instant::now();
        }
    })
    .await
    .context("cannot rebuild the search index")?;
    println!(
        "search index rebuilt at {}: {} of {read} releases searchable (published) in {:.1} s",
        index_dir.display(),
        index.num_docs(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
