use std::path::PathBuf;

/// Why the search index could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index folder could not be created or opened.
    #[error("cannot open the search index at {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    /// The folder holds an index of another layout (an older version);
    /// `pressroom reindex` rebuilds it.
    #[error(
        "the search index at {path} was built by another version of pressroom; \
         rebuild it with `pressroom reindex`"
    )]
    SchemaMismatch { path: PathBuf },
    /// Another process is writing the index (one writer at a time): a
    /// running `pressroom serve` holds it for as long as it serves.
    #[error(
        "the search index is held by another process: a running `pressroom serve` keeps it \
         while it serves (stop it first; it also rebuilds an empty index when it starts), \
         or a `pressroom reindex` is writing it; try again when that has finished"
    )]
    Busy,
    /// Reading the index's files failed.
    #[error("search index read error: {0}")]
    Io(#[from] std::io::Error),
    /// tantivy failed while reading or writing.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
}
