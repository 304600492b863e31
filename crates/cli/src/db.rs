use std::sync::Arc;

use anyhow::{Context, bail};
use pressroom_store::Store;
use pressroom_store_sqlite::SqliteStore;

/// Opens the store a database URL names; the scheme picks the backend.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::open(url).await?;
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!("PostgreSQL is not supported by this build yet; use a sqlite:// URL");
    }
    let shown = url.split('@').next_back().unwrap_or(url);
    Err(anyhow::anyhow!(
        "unsupported database URL {shown:?}: use sqlite://path/to/file.db or postgres://..."
    ))
    .context("cannot open the database")
}
