//! The audit log, for admins: the newest entries, and the whole log as
//! JSON Lines.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::{AuditPage, AuditView};

use super::SignedIn;
use crate::{AppError, NewsroomState};

/// Entries the page shows; the export has them all.
const SHOWN: u32 = 500;

/// `GET /newsroom/audit`
pub(crate) async fn index(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
) -> Result<Html<String>, AppError> {
    let records = newsroom.accounts.audit_latest(&me.actor, SHOWN).await?;
    let page = AuditPage {
        site: &site,
        who: Some(me.who()),
        records: records
            .into_iter()
            .map(|r| AuditView {
                seq: r.seq,
                at: r.event.at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                who: r.event.actor_label,
                action: r.event.action,
                subject: r.event.subject,
                address: r.event.address,
            })
            .collect(),
    };
    Ok(Html(page.to_html()?))
}

/// `GET /newsroom/audit.jsonl`: one JSON object per line, oldest first.
pub(crate) async fn export(
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    let body = newsroom
        .accounts
        .audit_export(&me.actor, &me.address)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/jsonl; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.jsonl\"",
            ),
        ],
        body,
    )
        .into_response())
}
