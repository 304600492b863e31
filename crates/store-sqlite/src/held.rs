//! `Store::hold_imports` and `Store::held_imports` for SQLite.

use pressroom_store::{HeldEntry, HeldImport, HeldRow, StoreError, StoreResult, held_entries};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::rows::backend;

pub(crate) async fn hold(
    tx: &mut Transaction<'_, Sqlite>,
    held: &[HeldImport],
    now_us: i64,
) -> StoreResult<Vec<bool>> {
    let mut new = Vec::with_capacity(held.len());
    for h in held {
        let fields =
            serde_json::to_string(&h.fields).map_err(|e| StoreError::Backend(e.to_string()))?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO held_imports (fingerprint, reason, fields, held_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
        )
        .bind(&h.fingerprint)
        .bind(&h.reason)
        .bind(fields)
        .bind(now_us)
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend)?;
        let id = match inserted {
            Some(id) => id,
            None => sqlx::query_scalar("SELECT id FROM held_imports WHERE fingerprint = ?")
                .bind(&h.fingerprint)
                .fetch_one(&mut **tx)
                .await
                .map_err(backend)?,
        };
        for s in &h.sources {
            sqlx::query(
                "INSERT INTO held_import_sources (held_id, path, line) VALUES (?, ?, ?) \
                 ON CONFLICT (held_id, path, line) DO NOTHING",
            )
            .bind(id)
            .bind(&s.path)
            .bind(i64::from(s.line))
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        }
        new.push(inserted.is_some());
    }
    Ok(new)
}

pub(crate) async fn list(pool: &SqlitePool) -> StoreResult<Vec<HeldEntry>> {
    let rows: Vec<HeldRow> = sqlx::query_as(
        "SELECT id, fingerprint, reason, fields, held_at FROM held_imports ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    let sources: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT held_id, path, line FROM held_import_sources ORDER BY id")
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    held_entries(rows, sources)
}
