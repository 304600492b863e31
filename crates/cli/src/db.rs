use std::sync::Arc;

use anyhow::Context;
use pressroom_store::Store;
use pressroom_store_postgres::PgStore;
use pressroom_store_sqlite::SqliteStore;

/// Opens the store a database URL names, applying pending migrations; the
/// scheme picks the backend, so one binary serves both.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::open(url).await?;
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::open(url).await?;
        return Ok(Arc::new(store));
    }
    let shown = url.split('@').next_back().unwrap_or(url);
    Err(anyhow::anyhow!(
        "unsupported database URL {shown:?}: use sqlite://path/to/file.db or postgres://..."
    ))
    .context("cannot open the database")
}
