use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Html;
use pressroom_render::{
    ActiveFilter, FacetGroup, FacetOption, ListingItem, ListingPage, ListingQuery, Pagination,
    SiteConfig, month_name,
};
use pressroom_store::{Facet, FacetCount, PageRequest, PublicView, ReleaseFilter};

use crate::AppError;

/// Releases per listing page.
pub(crate) const PER_PAGE: u32 = 20;

/// At most this many issuers are offered as filters (the most frequent);
/// a twenty-year archive has hundreds.
const MAX_ISSUERS: usize = 15;

/// Reads the listing's parameters. Empty values (an unset form field) mean
/// "any"; anything malformed is the reader's mistake, told plainly; a
/// parameter given twice is refused rather than guessed at.
pub(crate) fn parse_query(raw: Option<&str>) -> Result<ListingQuery, AppError> {
    let mut q = ListingQuery {
        page: 1,
        ..ListingQuery::default()
    };
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if seen.iter().any(|k| *k == key) {
            return Err(AppError::BadRequest(format!(
                "The parameter {key:?} is given more than once: give each filter at most once."
            )));
        }
        seen.push(key.to_string());
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "kind" => q.kind = Some(value.to_owned()),
            "issuer" => q.issuer = Some(value.to_owned()),
            "year" => q.year = Some(parse_year(value)?),
            "month" => q.month = Some(parse_month(value)?),
            "page" => q.page = page_number(value)?,
            // Unknown parameters (tracking tags and the like) are ignored.
            _ => {}
        }
    }
    if q.month.is_some() && q.year.is_none() {
        return Err(AppError::BadRequest(
            "A month filter needs a year: add a year, for example year=2024.".to_owned(),
        ));
    }
    Ok(q)
}

/// A month number, 1 to 12.
pub(crate) fn parse_month(value: &str) -> Result<i8, AppError> {
    value
        .parse::<i8>()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "The month {value:?} is not valid: use a number from 1 to 12."
            ))
        })
}

/// A four-digit year from 1900 on, as release dates are.
pub(crate) fn parse_year(value: &str) -> Result<i16, AppError> {
    Some(value)
        .filter(|v| v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<i16>().ok())
        .filter(|y| *y >= 1900)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "The year {value:?} is not valid: use a four-digit year such as 2024."
            ))
        })
}

/// Parses `page=`; anything but a whole number from 1 is the reader's
/// mistake, told plainly.
fn page_number(s: &str) -> Result<u32, AppError> {
    s.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        AppError::BadRequest(format!(
            "The page number {s:?} is not valid: use a whole number from 1."
        ))
    })
}

pub(crate) fn store_filter(q: &ListingQuery) -> ReleaseFilter {
    ReleaseFilter {
        kind: q.kind.clone(),
        issuer: q.issuer.clone(),
        year: q.year,
        month: q.year.and(q.month),
    }
}

/// The "Press Releases" listing, newest first, filtered as the URL says,
/// with the count of releases beside each filter value.
pub(crate) async fn index(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, AppError> {
    let q = parse_query(raw.as_deref())?;
    // Each facet counts under the other filters, so that its values show
    // what choosing them would give.
    let without = |f: fn(&mut ListingQuery)| {
        let mut other = q.clone();
        f(&mut other);
        store_filter(&other)
    };
    let kind_filter = without(|o| o.kind = None);
    let issuer_filter = without(|o| o.issuer = None);
    let year_filter = without(|o| {
        o.year = None;
        o.month = None;
    });
    let month_filter = without(|o| o.month = None);
    let (result, kinds, issuers, years, months) = tokio::try_join!(
        public.list(store_filter(&q), PageRequest::new(q.page, PER_PAGE)),
        public.facet_counts(Facet::Kind, &kind_filter),
        public.facet_counts(Facet::Issuer, &issuer_filter),
        public.facet_counts(Facet::Year, &year_filter),
        async {
            match q.year {
                Some(_) => public.facet_counts(Facet::Month, &month_filter).await,
                None => Ok(Default::default()),
            }
        },
    )?;
    let page_count = result.page_count();
    if q.page > page_count {
        return Err(AppError::NotFound);
    }

    let mut facets = vec![
        group(
            "Kind",
            "kind",
            &kinds,
            usize::MAX,
            |v| q.kind.as_deref() == Some(v),
            |v| ListingQuery {
                kind: Some(v.to_owned()),
                ..q.with_page(1)
            },
            || ListingQuery {
                kind: None,
                ..q.with_page(1)
            },
            str::to_owned,
        ),
        group(
            "Issued by",
            "issuer",
            &issuers,
            MAX_ISSUERS,
            |v| q.issuer.as_deref() == Some(v),
            |v| ListingQuery {
                issuer: Some(v.to_owned()),
                ..q.with_page(1)
            },
            || ListingQuery {
                issuer: None,
                ..q.with_page(1)
            },
            str::to_owned,
        ),
        group(
            "Year",
            "year",
            &years,
            usize::MAX,
            |v| q.year.map(|y| y.to_string()).as_deref() == Some(v),
            |v| ListingQuery {
                year: v.parse().ok(),
                month: None,
                ..q.with_page(1)
            },
            || ListingQuery {
                year: None,
                month: None,
                ..q.with_page(1)
            },
            str::to_owned,
        ),
    ];
    if q.year.is_some() {
        facets.push(group(
            "Month",
            "month",
            &months,
            usize::MAX,
            |v| q.month.is_some_and(|m| month_of(v) == Some(m)),
            |v| ListingQuery {
                month: month_of(v),
                ..q.with_page(1)
            },
            || ListingQuery {
                month: None,
                ..q.with_page(1)
            },
            |v| month_of(v).map_or_else(|| v.to_owned(), month_name),
        ));
    }

    let mut active = Vec::new();
    let mut add = |name: &str, value: Option<String>, removed: ListingQuery| {
        if let Some(value) = value {
            active.push(ActiveFilter {
                name: name.to_owned(),
                value,
                remove_url: removed.with_page(1).to_url(),
            });
        }
    };
    add(
        "Kind",
        q.kind.clone(),
        ListingQuery {
            kind: None,
            ..q.clone()
        },
    );
    add(
        "Issued by",
        q.issuer.clone(),
        ListingQuery {
            issuer: None,
            ..q.clone()
        },
    );
    add(
        "Year",
        q.year.map(|y| y.to_string()),
        ListingQuery {
            year: None,
            month: None,
            ..q.clone()
        },
    );
    add(
        "Month",
        q.month.map(month_name),
        ListingQuery {
            month: None,
            ..q.clone()
        },
    );

    let view = ListingPage {
        site: &site,
        heading: "Press Releases".to_owned(),
        filter_summary: q.summary(),
        items: result.items.iter().map(ListingItem::from).collect(),
        total: result.total,
        canonical: site.absolute(&q.to_url()),
        pagination: Pagination::new(q.page, page_count, |n| q.with_page(n).to_url()),
        facets,
        active,
        feed_query: feed_query(&q),
        feed_title: feed_title(&site, &q),
    };
    Ok(Html(view.to_html()?))
}

/// The query string the feeds of this view take (`?kind=Readout`, or empty
/// for all releases): the listing's filters without its page.
pub(crate) fn feed_query(q: &ListingQuery) -> String {
    q.with_page(1).to_url().trim_start_matches('/').to_owned()
}

/// What a feed reader calls the feed of this view.
pub(crate) fn feed_title(site: &SiteConfig, q: &ListingQuery) -> String {
    match q.summary() {
        Some(s) => format!("{}: {s}", site.name),
        None => site.name.clone(),
    }
}

/// The month number of a `YYYY-MM` facet value.
fn month_of(value: &str) -> Option<i8> {
    value.get(5..7)?.parse().ok()
}

/// One facet's options: choosing a value sets it (keeping the other
/// filters), choosing the selected value removes it. The selected value is
/// always listed, even past `max`.
#[allow(clippy::too_many_arguments)]
fn group(
    name: &str,
    id: &str,
    counts: &[FacetCount],
    max: usize,
    selected: impl Fn(&str) -> bool,
    choose: impl Fn(&str) -> ListingQuery,
    remove: impl Fn() -> ListingQuery,
    label: impl Fn(&str) -> String,
) -> FacetGroup {
    let mut options = Vec::new();
    let mut hidden = 0;
    for (i, c) in counts.iter().enumerate() {
        let is_selected = selected(&c.value);
        if i >= max && !is_selected {
            hidden += 1;
            continue;
        }
        options.push(FacetOption {
            label: label(&c.value),
            count: c.count,
            url: if is_selected {
                remove().to_url()
            } else {
                choose(&c.value).to_url()
            },
            selected: is_selected,
        });
    }
    FacetGroup {
        name: name.to_owned(),
        id: format!("facet-{id}"),
        options,
        hidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(raw: &str) -> String {
        match parse_query(Some(raw)) {
            Err(AppError::BadRequest(m)) => m,
            other => panic!("{raw}: expected a bad request, got {other:?}"),
        }
    }

    #[test]
    fn filters_and_page_parse_and_empty_values_mean_any() {
        let q = parse_query(Some(
            "kind=Media+Note&issuer=&year=2026&month=11&page=3&utm=x",
        ))
        .expect("valid");
        assert_eq!(q.kind.as_deref(), Some("Media Note"));
        assert_eq!(q.issuer, None);
        assert_eq!((q.year, q.month, q.page), (Some(2026), Some(11), 3));
        assert_eq!(parse_query(None).expect("empty").page, 1);
    }

    #[test]
    fn malformed_filters_are_refused_with_what_was_wrong() {
        for p in ["0", "-1", "abc", "1.5", "99999999999"] {
            assert!(bad(&format!("page={p}")).contains("page number"), "{p}");
        }
        assert!(bad("year=20x6").contains("\"20x6\""));
        assert!(bad("year=1850").contains("four-digit year"));
        assert!(bad("year=2026&month=13").contains("from 1 to 12"));
        assert!(bad("month=3").contains("needs a year"));
        assert!(bad("kind=A&kind=B").contains("\"kind\" is given more than once"));
    }
}
