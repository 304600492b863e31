use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use pressroom_search::SearchIndex;
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

/// Opens the store for a process that only loads (`import`): on SQLite
/// with one connection, so that a first import into an empty store can
/// write the file without its write-ahead log when no other process has it
/// open (`pressroom-store-sqlite`'s `bulk.rs`).
pub async fn open_store_to_load(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::open_alone(url).await?;
        return Ok(Arc::new(store));
    }
    open_store(url).await
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

/// Where the search index lives: `--index` (or `PRESSROOM_INDEX`) if given,
/// else beside a SQLite database (`pressroom.db` -> `pressroom.db.index/`),
/// else `pressroom.index/` in the working directory (each PostgreSQL node
/// keeps its own index, in step through the change feed).
pub fn index_dir(database: &str, explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    match database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
    {
        Some(file) => {
            let file = file.split('?').next().unwrap_or(file);
            PathBuf::from(format!("{file}.index"))
        }
        None => PathBuf::from("pressroom.index"),
    }
}

/// Opens (creating if needed) the search index in `dir`. An index of
/// another layout (written by an older build) is derived state: it is
/// emptied, and rebuilt by `serve` or `reindex`.
pub fn open_index(dir: &Path) -> anyhow::Result<Arc<SearchIndex>> {
    let index = match SearchIndex::open_or_create(dir) {
        Err(pressroom_search::SearchError::SchemaMismatch { .. }) => {
            tracing::warn!(index = %dir.display(), "the search index has another layout: starting it anew");
            SearchIndex::recreate(dir)
        }
        other => other,
    }
    .context("cannot open the search index")?;
    Ok(Arc::new(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_lives_beside_a_sqlite_database_unless_named() {
        assert_eq!(
            index_dir("sqlite://data/p.db", None),
            PathBuf::from("data/p.db.index")
        );
        assert_eq!(
            index_dir("sqlite:p.db?mode=rwc", None),
            PathBuf::from("p.db.index")
        );
        assert_eq!(
            index_dir("postgres://h/db", None),
            PathBuf::from("pressroom.index")
        );
        assert_eq!(
            index_dir("sqlite://p.db", Some(Path::new("/x"))),
            PathBuf::from("/x")
        );
    }
}
