use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Html;
use pressroom_domain::ReleasePath;
use pressroom_ledger::SiteKeys;
use pressroom_render::{SiteConfig, VerifyPage, VerifyRelease};
use pressroom_store::PublicView;

use super::head;
use crate::AppError;

/// `/verify` (optionally `?release=/releases/YYYY/MM/DD/slug`): the check
/// explained, with the command to run for that release.
pub(crate) async fn page(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    State(keys): State<Arc<SiteKeys>>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, AppError> {
    let asked = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "release")
        .map(|(_, v)| v.into_owned());
    let release = match asked {
        None => None,
        Some(p) => {
            // A path or the whole release address.
            let from = p.find("/releases/").map_or(p.as_str(), |i| &p[i..]);
            let segments: Vec<&str> = from.trim_matches('/').split('/').collect();
            let path = match segments.as_slice() {
                ["releases", y, m, d, slug] => ReleasePath::from_segments(y, m, d, slug).ok(),
                _ => None,
            }
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "{p:?} is not a release address: give one like /releases/2024/01/31/title."
                ))
            })?;
            let release = public.release(&path).await?.ok_or(AppError::NotFound)?;
            let entry = public
                .ledger_entries_of(&release)
                .await?
                .pop()
                .ok_or(AppError::NotFound)?;
            Some(VerifyRelease {
                title: release.content.title.as_str().to_owned(),
                path: path.to_string(),
                url: format!("{}{}", site.base_url, path),
                revision: entry.revision,
                log_index: entry.index,
            })
        }
    };
    let head = head(&public, &keys, |_| Vec::new()).await?;
    let page = VerifyPage {
        site: &site,
        log: keys.current.name().to_owned(),
        current_key: keys.current.verifier().to_string(),
        retired_keys: keys.retired.iter().map(ToString::to_string).collect(),
        size: head.size,
        root: head.root.to_string(),
        release,
    };
    Ok(Html(page.to_html()?))
}
