//! Releases an import read whole but for what their text does not give (a
//! title, a full date). A public address needs both and a guess would
//! publish what the source never said, so they are not releases yet; they
//! are kept in the database, with every place they were found, for an
//! editor to complete. Nothing an archive holds is left only in a report.

use jiff::Timestamp;
use serde::Serialize;

use crate::Source;

/// A held release to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldImport {
    /// Identifies copies of one held release across files and runs: a
    /// fingerprint already held gains only the new sources.
    pub fingerprint: String,
    /// What is missing, in words an editor can act on.
    pub reason: String,
    /// Its fields under `pressroom export`'s keys, `null` where the text
    /// says nothing (JSON object).
    pub fields: serde_json::Value,
    /// Every place a copy was found, the kept copy first.
    pub sources: Vec<Source>,
}

/// A held release as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldEntry {
    pub id: i64,
    pub fingerprint: String,
    pub reason: String,
    pub fields: serde_json::Value,
    /// As "file:line", in the order they were recorded.
    pub sources: Vec<String>,
    pub held_at: Timestamp,
}

/// One `held_imports` row as a backend reads it: id, fingerprint, reason,
/// fields (JSON text), held_at (unix microseconds).
pub type HeldRow = (i64, String, String, String, i64);

/// Builds the entries from the rows of `held_imports` and
/// `held_import_sources` (held id, path, line), both in id order: one place
/// for both backends to decode them.
pub fn held_entries(
    rows: Vec<HeldRow>,
    sources: Vec<(i64, String, i64)>,
) -> crate::StoreResult<Vec<HeldEntry>> {
    let mut places: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for (id, path, line) in sources {
        places.entry(id).or_default().push(format!("{path}:{line}"));
    }
    rows.into_iter()
        .map(|(id, fingerprint, reason, fields, held_at)| {
            Ok(HeldEntry {
                id,
                fingerprint,
                reason,
                fields: serde_json::from_str(&fields).map_err(|e| {
                    crate::StoreError::Backend(format!("held release {id}: bad fields: {e}"))
                })?,
                sources: places.remove(&id).unwrap_or_default(),
                held_at: crate::row::from_micros(held_at)?,
            })
        })
        .collect()
}
