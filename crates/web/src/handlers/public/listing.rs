use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use pressroom_render::{ListingItem, ListingPage, Pagination, SiteConfig};
use pressroom_store::{PageRequest, PublicView, ReleaseFilter};
use serde::Deserialize;

use crate::AppError;

/// Releases per listing page.
pub(crate) const PER_PAGE: u32 = 20;

#[derive(Debug, Deserialize)]
pub(crate) struct ListingParams {
    page: Option<String>,
}

/// Parses `?page=`; anything but a whole number from 1 is the reader's
/// mistake, told plainly.
fn page_number(raw: Option<&str>) -> Result<u32, AppError> {
    match raw {
        None | Some("") => Ok(1),
        Some(s) => s.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            AppError::BadRequest(format!(
                "The page number {s:?} is not valid: use a whole number from 1."
            ))
        }),
    }
}

/// The "Press Releases" listing, newest first.
pub(crate) async fn index(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    Query(params): Query<ListingParams>,
) -> Result<Html<String>, AppError> {
    let page = page_number(params.page.as_deref())?;
    let result = public
        .list(ReleaseFilter::default(), PageRequest::new(page, PER_PAGE))
        .await?;
    let page_count = result.page_count();
    if page > page_count {
        return Err(AppError::NotFound);
    }
    let url_for = |n: u32| {
        if n == 1 {
            "/".to_owned()
        } else {
            format!("/?page={n}")
        }
    };
    let view = ListingPage {
        site: &site,
        heading: "Press Releases".to_owned(),
        items: result.items.iter().map(ListingItem::from).collect(),
        total: result.total,
        canonical: site.absolute(&url_for(page)),
        pagination: Pagination::new(page, page_count, url_for),
    };
    Ok(Html(view.to_html()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_parse_or_say_what_is_wrong() {
        assert_eq!(page_number(None).ok(), Some(1));
        assert_eq!(page_number(Some("3")).ok(), Some(3));
        for bad in ["0", "-1", "abc", "1.5", "99999999999"] {
            assert!(
                matches!(page_number(Some(bad)), Err(AppError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
