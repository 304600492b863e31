use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pressroom_ledger::tree::{self, Need};
use pressroom_ledger::{ConsistencyProof, SiteKeys};
use pressroom_store::PublicView;
use serde::Serialize;

use super::{head, ledger_failure};
use crate::AppError;

/// `/.well-known/pressroom/checkpoint`: the signed tree head, a C2SP
/// tlog-checkpoint in a C2SP signed note.
pub(crate) async fn checkpoint(
    State(public): State<PublicView>,
    State(keys): State<Arc<SiteKeys>>,
) -> Result<Response, AppError> {
    let head = head(&public, &keys, |_| Vec::new()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        head.checkpoint,
    )
        .into_response())
}

#[derive(Debug, Serialize)]
struct Keys {
    log: String,
    /// The key that signs checkpoints now.
    current: String,
    /// Keys that signed before a rotation.
    retired: Vec<String>,
}

/// `/.well-known/pressroom/keys`: the public keys, current and retired, in
/// the signed-note text form (`name+id+key`).
pub(crate) async fn keys(State(keys): State<Arc<SiteKeys>>) -> Json<impl Serialize> {
    Json(Keys {
        log: keys.current.name().to_owned(),
        current: keys.current.verifier().to_string(),
        retired: keys.retired.iter().map(ToString::to_string).collect(),
    })
}

fn index_param(s: &str) -> Result<u64, AppError> {
    s.parse::<u64>().map_err(|_| {
        AppError::BadRequest(format!(
            "{s:?} is not a log index: use a whole number from 0."
        ))
    })
}

/// `/.well-known/pressroom/log/entries/{index}`: one leaf's canonical bytes.
pub(crate) async fn entry(
    State(public): State<PublicView>,
    Path(index): Path<String>,
) -> Result<Response, AppError> {
    let index = index_param(&index)?;
    let entry = public
        .ledger_entry(index)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], entry.leaf).into_response())
}

/// `/.well-known/pressroom/log/consistency/{old}/{new}`: the proof that the
/// tree of `new` leaves extends that of `old`.
pub(crate) async fn consistency(
    State(public): State<PublicView>,
    State(keys): State<Arc<SiteKeys>>,
    Path((old, new)): Path<(String, String)>,
) -> Result<Json<ConsistencyProof>, AppError> {
    let (old, new) = (index_param(&old)?, index_param(&new)?);
    let size = public.ledger_size().await?;
    if old > new || new > size {
        return Err(AppError::BadRequest(format!(
            "No consistency proof from {old} to {new}: the log has {size} entries; \
             ask for 0 <= old <= new <= {size}."
        )));
    }
    let proof = if old == 0 || old == new {
        Vec::new()
    } else {
        let hashes = public
            .ledger_hashes(
                &tree::needs(Need::Consistency { size: new, old }).map_err(ledger_failure)?,
            )
            .await?;
        tree::prove_consistency(new, old, &hashes).map_err(ledger_failure)?
    };
    Ok(Json(ConsistencyProof::new(
        keys.current.name(),
        old,
        new,
        &proof,
    )))
}
