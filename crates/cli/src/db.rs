use std::sync::Arc;

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
    Err(unsupported(url))
}

fn unsupported(url: &str) -> anyhow::Error {
    let shown = url.split('@').next_back().unwrap_or(url);
    anyhow::anyhow!(
        "unsupported database URL {shown:?}: use sqlite://path/to/file.db or postgres://..."
    )
    .context("cannot open the database")
}

/// Opens the database a URL names as both the release store and the
/// newsroom's account store (one connection pool, one database).
pub async fn open_stores(
    url: &str,
) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn pressroom_store::AccountStore>)> {
    if url.starts_with("sqlite:") {
        let store = Arc::new(SqliteStore::open(url).await?);
        return Ok((store.clone(), store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = Arc::new(PgStore::open(url).await?);
        return Ok((store.clone(), store));
    }
    Err(unsupported(url))
}
