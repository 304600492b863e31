use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pressroom_domain::ReleasePath;
use pressroom_ledger::tree::{self, Need};
use pressroom_ledger::{ProofBundle, SiteKeys};
use pressroom_store::PublicView;

use super::{head, ledger_failure};
use crate::AppError;

/// `/releases/YYYY/MM/DD/slug/proof`: the proof bundle of the release's
/// newest log entry, against a checkpoint signed now. What `pressroom
/// verify` fetches and what a reader saves.
pub(crate) async fn show(
    State(public): State<PublicView>,
    State(keys): State<Arc<SiteKeys>>,
    Path((year, month, day, slug)): Path<(String, String, String, String)>,
) -> Result<Response, AppError> {
    let path =
        ReleasePath::from_segments(&year, &month, &day, &slug).map_err(|_| AppError::NotFound)?;
    let release = public.release(&path).await?.ok_or(AppError::NotFound)?;
    let entry = public
        .ledger_entries_of(&release)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let head = head(&public, &keys, |size| {
        vec![Need::Inclusion {
            size,
            index: entry.index,
        }]
    })
    .await?;
    let proof =
        tree::prove_inclusion(head.size, entry.index, &head.hashes).map_err(ledger_failure)?;
    let bundle = ProofBundle::new(
        keys.current.name(),
        entry.index,
        &entry.leaf,
        &proof,
        &head.checkpoint,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bundle.to_json(),
    )
        .into_response())
}
