use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use pressroom_domain::ReleasePath;
use pressroom_render::{ApiRelease, ListingQuery, SiteConfig};
use pressroom_store::{ListPosition, PageRequest, PublicView};
use serde::Serialize;

use crate::AppError;
use crate::handlers::public::listing::{parse_month, parse_year, store_filter};

const DEFAULT_LIMIT: u32 = 20;

/// The longest kind or issuer a filter may name (the OpenAPI `maxLength`).
const MAX_FILTER_CHARS: usize = 200;

#[derive(Debug, Serialize)]
struct ReleaseList {
    items: Vec<ApiRelease>,
    total: u64,
    limit: u32,
    next_cursor: Option<String>,
    next: Option<String>,
}

/// The list's parameters: the listing's filters, `limit` and `cursor`.
#[derive(Debug, Default)]
struct ListParams {
    filters: ListingQuery,
    limit: u32,
    /// The last release of the previous page, which the cursor names by its
    /// public path: an internal id would show, by its gaps, how many
    /// unpublished releases lie between two public ones.
    after: Option<ReleasePath>,
}

/// The cursor that continues after `path`: its date and slug.
pub(crate) fn cursor_for(path: &ReleasePath) -> String {
    format!("{}~{}", path.date, path.slug)
}

pub(crate) fn parse_cursor(value: &str) -> Option<ReleasePath> {
    let (date, slug) = value.split_once('~')?;
    let mut parts = date.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    ReleasePath::from_segments(y, m, d, slug).ok()
}

fn bad(message: String) -> AppError {
    AppError::BadRequest(message)
}

/// Reads the list's parameters; anything malformed is refused naming the
/// parameter and what it takes. Unknown parameters are ignored.
fn parse_params(raw: Option<&str>) -> Result<ListParams, AppError> {
    let mut p = ListParams {
        limit: DEFAULT_LIMIT,
        ..ListParams::default()
    };
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if seen.iter().any(|k| *k == key) {
            return Err(bad(format!(
                "The parameter {key:?} is given more than once: give it at most once."
            )));
        }
        seen.push(key.to_string());
        let value = value.trim();
        // Unlike the listing's form, an API client sends what it means: an
        // empty number is a mistake, an empty text filter means "any".
        if value.is_empty() && matches!(key.as_ref(), "kind" | "issuer" | "cursor") {
            continue;
        }
        match key.as_ref() {
            "kind" | "issuer" if value.chars().count() > MAX_FILTER_CHARS => {
                return Err(bad(format!(
                    "{key} is too long: at most {MAX_FILTER_CHARS} characters."
                )));
            }
            "kind" => p.filters.kind = Some(value.to_owned()),
            "issuer" => p.filters.issuer = Some(value.to_owned()),
            "year" => p.filters.year = Some(parse_year(value)?),
            "month" => p.filters.month = Some(parse_month(value)?),
            "limit" => {
                p.limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=PageRequest::MAX_PER_PAGE).contains(n))
                    .ok_or_else(|| {
                        bad(format!(
                            "limit {value:?} is not valid: use a whole number from 1 to {}.",
                            PageRequest::MAX_PER_PAGE
                        ))
                    })?
            }
            "cursor" => {
                p.after = Some(parse_cursor(value).ok_or_else(|| {
                        bad(format!(
                        "cursor {value:?} is not one this API gave out: pass next_cursor from the previous page as it is."
                    ))
                })?)
            }
            _ => {}
        }
    }
    if p.filters.month.is_some() && p.filters.year.is_none() {
        return Err(bad(
            "month needs year: add a year, for example year=2024.".to_owned()
        ));
    }
    Ok(p)
}

/// `/api/releases`: public releases newest first, filtered like the
/// listing, a page at a time. The cursor is opaque to clients: follow
/// `next` (or pass `next_cursor`) until it is null. Pages are read by keyset
/// (after the previous page's last release), so the thousandth page costs
/// what the first does and a release published meanwhile neither repeats
/// nor skips an item.
pub(crate) async fn list(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let p = parse_params(raw.as_deref())?;
    let filter = store_filter(&p.filters);
    let after = match &p.after {
        None => None,
        Some(path) => Some(ListPosition::after(
            &public.release(path).await?.ok_or_else(|| {
                bad(format!(
                    "cursor {:?} names no public release: start again without a cursor.",
                    cursor_for(path)
                ))
            })?,
        )),
    };
    let total = public
        .list(filter.clone(), PageRequest::new(1, 1))
        .await?
        .total;
    // One more than asked tells whether there is a next page.
    let mut items = public.list_after(filter, after, p.limit + 1).await?;
    let more = items.len() > p.limit as usize;
    items.truncate(p.limit as usize);
    let next_cursor = more
        .then(|| items.last().map(|r| cursor_for(&r.path())))
        .flatten();
    let next = next_cursor.as_ref().map(|c| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        p.filters.append_filters(&mut q);
        q.append_pair("limit", &p.limit.to_string());
        q.append_pair("cursor", c);
        site.absolute(&format!("/api/releases?{}", q.finish()))
    });
    Ok(Json(ReleaseList {
        items: items.iter().map(|r| ApiRelease::new(&site, r)).collect(),
        total,
        limit: p.limit,
        next_cursor,
        next,
    })
    .into_response())
}

async fn one(
    public: &PublicView,
    site: &SiteConfig,
    path: ReleasePath,
) -> Result<Response, AppError> {
    let release = public.release(&path).await?.ok_or(AppError::NotFound)?;
    Ok(Json(ApiRelease::new(site, &release)).into_response())
}

/// `/api/releases/YYYY/MM/DD/slug`: one release by its id.
pub(crate) async fn show(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    Path((year, month, day, slug)): Path<(String, String, String, String)>,
) -> Result<Response, AppError> {
    let path =
        ReleasePath::from_segments(&year, &month, &day, &slug).map_err(|_| AppError::NotFound)?;
    one(&public, &site, path).await
}

/// `/api/releases/by-url?url=...`: one release by its page's address,
/// absolute (on this site) or as a path.
pub(crate) async fn by_url(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let target = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "url")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad("url is required: the address of a release page.".to_owned()))?;
    let base = site.base_url.trim_end_matches('/');
    let path = target.strip_prefix(base).unwrap_or(&target);
    if !path.starts_with('/') {
        return Err(bad(format!(
            "url {target:?} is not an address on this site: give {base}/releases/YYYY/MM/DD/slug or the path alone."
        )));
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let release_path = match parts.as_slice() {
        ["", "releases", y, m, d, slug] => ReleasePath::from_segments(y, m, d, slug).ok(),
        _ => None,
    }
    .ok_or(AppError::NotFound)?;
    one(&public, &site, release_path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(raw: &str) -> String {
        match parse_params(Some(raw)) {
            Err(AppError::BadRequest(m)) => m,
            other => panic!("{raw}: expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn list_parameters_parse_and_bad_ones_are_named() {
        let p = parse_params(Some(
            "kind=Readout&year=2018&month=12&limit=5&cursor=2018-12-19~oman",
        ))
        .expect("valid");
        assert_eq!(p.limit, 5);
        assert_eq!(
            p.after.map(|a| a.to_string()).as_deref(),
            Some("/releases/2018/12/19/oman")
        );
        assert_eq!(p.filters.kind.as_deref(), Some("Readout"));
        assert!(refused("limit=0").contains("limit \"0\""));
        assert!(refused("limit=101").contains("from 1 to 100"));
        assert!(refused("cursor=abc").contains("cursor \"abc\""));
        assert!(refused("cursor=p3").contains("cursor"));
        assert!(refused("cursor=2018-13-01~x").contains("cursor"));
        assert!(refused("cursor=2018-12-19~Not A Slug").contains("cursor"));
        assert!(refused("month=2").contains("month needs year"));
        assert!(refused("year=99").contains("four-digit year"));
        assert!(refused("limit=").contains("limit \"\""));
        assert!(refused(&format!("kind={}", "a".repeat(201))).contains("kind is too long"));
        assert!(parse_params(Some("kind=&cursor=")).is_ok());
    }
}
