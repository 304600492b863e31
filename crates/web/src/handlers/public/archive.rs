use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use pressroom_render::{
    ArchivePage, ArchiveYear, Bar, BarChart, ListingQuery, SiteConfig, month_name,
};
use pressroom_store::{Facet, FacetCount, PublicView, ReleaseFilter};

use super::listing::parse_year;
use crate::AppError;

fn years_list(years: &[FacetCount], current: Option<&str>) -> Vec<ArchiveYear> {
    years
        .iter()
        .map(|y| ArchiveYear {
            year: y.value.clone(),
            count: y.count,
            url: format!("/archive/{}", y.value),
            current: current == Some(y.value.as_str()),
        })
        .collect()
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "release" } else { "releases" }
}

/// `/archive`: every year with its count, as a chart and a list.
pub(crate) async fn index(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
) -> Result<Html<String>, AppError> {
    let years = public
        .facet_counts(Facet::Year, &ReleaseFilter::default())
        .await?;
    let total: u64 = years.iter().map(|y| y.count).sum();
    let intro = match (years.last(), years.first()) {
        (Some(first), Some(last)) if first.value != last.value => format!(
            "{total} {} from {} to {}. Choose a year to see its releases month by month.",
            plural(total),
            first.value,
            last.value
        ),
        (Some(only), _) => format!(
            "{total} {} from {}. Choose the year to see its releases month by month.",
            plural(total),
            only.value
        ),
        _ => "There are no releases yet.".to_owned(),
    };
    let bars = years
        .iter()
        .map(|y| Bar {
            label: y.value.clone(),
            long_label: y.value.clone(),
            count: y.count,
            url: Some(format!("/archive/{}", y.value)),
        })
        .collect();
    let view = ArchivePage {
        site: &site,
        heading: "Archive".to_owned(),
        year: None,
        intro,
        chart: BarChart::new("Releases per year", bars),
        years: years_list(&years, None),
        total,
        canonical: site.absolute("/archive"),
    };
    Ok(Html(view.to_html()?))
}

/// `/archive/{year}`: the year's releases per month, each bar a link to the
/// listing of that month. A year without public releases is not found.
pub(crate) async fn year(
    State(public): State<PublicView>,
    State(site): State<Arc<SiteConfig>>,
    Path(year): Path<String>,
) -> Result<Html<String>, AppError> {
    let y = parse_year(&year).map_err(|_| AppError::NotFound)?;
    let filter = ReleaseFilter {
        year: Some(y),
        ..ReleaseFilter::default()
    };
    let all = ReleaseFilter::default();
    let (years, months) = tokio::try_join!(
        public.facet_counts(Facet::Year, &all),
        public.facet_counts(Facet::Month, &filter),
    )?;
    let total: u64 = months.iter().map(|m| m.count).sum();
    if total == 0 {
        return Err(AppError::NotFound);
    }
    let bars = (1..=12i8)
        .map(|m| {
            let name = month_name(m);
            let key = format!("{y:04}-{m:02}");
            let count = months
                .iter()
                .find(|c| c.value == key)
                .map_or(0, |c| c.count);
            Bar {
                label: name.clone(),
                long_label: format!("{name} {y}"),
                count,
                url: (count > 0).then(|| ListingQuery::month(y, m).to_url()),
            }
        })
        .collect();
    let view = ArchivePage {
        site: &site,
        heading: format!("Archive: {y}"),
        year: Some(y.to_string()),
        intro: format!(
            "{total} {} in {y}. Choose a month to read its releases.",
            plural(total)
        ),
        chart: BarChart::new(format!("Releases per month in {y}"), bars),
        years: years_list(&years, Some(&y.to_string())),
        total,
        canonical: site.absolute(&format!("/archive/{y}")),
    };
    Ok(Html(view.to_html()?))
}
