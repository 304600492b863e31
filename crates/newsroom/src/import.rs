use pressroom_archive::{ParseError, ReportEntry, parse_text};
use pressroom_domain::{Clock, ReleasePath, Status};
use pressroom_store::{ImportOutcome, ImportRecord, Source, Store, StoreError};
use thiserror::Error;

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImport {
    pub source: String,
    /// Releases stored for the first time.
    pub inserted: Vec<ReleasePath>,
    /// Releases that were already stored (from another file or an earlier
    /// run); this file was recorded as one more source of each.
    pub duplicates: Vec<ReleasePath>,
    /// What the importer repaired or could not place.
    pub report: Vec<ReportEntry>,
}

/// Why a file was not imported. In every case nothing from it was stored.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The text is not a release in a format the importer reads.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The store refused the file's releases.
    #[error("{source}: could not store its releases: {error}")]
    Store {
        source: String,
        #[source]
        error: StoreError,
    },
}

/// Imports the releases in one file's text as published releases, all or
/// nothing: the file's releases are stored in one transaction.
pub async fn import_text(
    store: &dyn Store,
    clock: &dyn Clock,
    source: &str,
    text: &str,
) -> Result<FileImport, ImportError> {
    let parsed = parse_text(source, text)?;
    let records = parsed
        .releases
        .into_iter()
        .map(|r| ImportRecord {
            content: r.content,
            fingerprint: r.fingerprint,
            source: Source {
                path: source.to_owned(),
                line: r.line,
            },
            status: Status::Published,
        })
        .collect();
    let outcomes =
        store
            .import(records, clock.now())
            .await
            .map_err(|error| ImportError::Store {
                source: source.to_owned(),
                error,
            })?;
    let mut result = FileImport {
        source: source.to_owned(),
        inserted: Vec::new(),
        duplicates: Vec::new(),
        report: parsed.report,
    };
    for outcome in outcomes {
        match outcome {
            ImportOutcome::Inserted { path, .. } => result.inserted.push(path),
            ImportOutcome::Duplicate { path, .. } => result.duplicates.push(path),
        }
    }
    Ok(result)
}
