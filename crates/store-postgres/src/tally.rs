//! Public counts read from `release_tally` (migration 0011, the same as
//! SQLite's 0012) instead of a
//! scan of every public release: the tally of published (and withdrawn)
//! releases per kind, issuer and year, corrected by the two small ranges of
//! `releases_public` whose visibility depends on the instant of the read.

use pressroom_store::row::TallyRead;
use pressroom_store::{Facet, FacetCount, ReleaseFilter, StoreResult, Visibility};
use sqlx::{Postgres, QueryBuilder, Row};

use crate::{PgStore, push_filter};

/// Appends the three parts whose signed `n` sum to the count: the tally,
/// minus counted releases not yet public at `now`, plus scheduled or
/// embargoed ones already public. `tally_value` and `row_value` name the
/// facet's value in each table (the same constant for a total).
fn push_parts(
    q: &mut QueryBuilder<'_, Postgres>,
    t: &TallyRead,
    filter: &ReleaseFilter,
    tally_value: &str,
    row_value: &str,
) {
    q.push(format!(
        "SELECT {tally_value} AS v, n FROM release_tally WHERE status IN {}",
        t.statuses
    ));
    if let Some(kind) = &filter.kind {
        q.push(" AND kind = ").push_bind(kind.clone());
    }
    if let Some(issuer) = &filter.issuer {
        q.push(" AND issuer = ").push_bind(issuer.clone());
    }
    if let Some(year) = filter.year {
        q.push(" AND year = ").push_bind(format!("{year:04}"));
    }
    // Both ranges lead with the status and the publication time of
    // `releases_public`: a seek, however many releases there are.
    q.push(format!(
        " UNION ALL SELECT {row_value} AS v, -1 AS n FROM releases \
         WHERE status IN {} AND published_at > ",
        t.statuses
    ))
    .push_bind(t.now);
    push_filter(q, filter);
    q.push(format!(
        " UNION ALL SELECT {row_value} AS v, 1 AS n FROM releases \
         WHERE status IN ('scheduled', 'embargoed') AND published_at <= "
    ))
    .push_bind(t.now);
    push_filter(q, filter);
}

/// Counts per value of `facet`, or `None` when the tally cannot answer
/// (months, a month's filter, or a read of every status).
pub(crate) async fn facet_counts(
    store: &PgStore,
    facet: Facet,
    filter: &ReleaseFilter,
    visibility: Visibility,
) -> StoreResult<Option<Vec<FacetCount>>> {
    let Some(t) = TallyRead::of(visibility, filter) else {
        return Ok(None);
    };
    let (tally_value, row_value, order) = match facet {
        Facet::Kind => ("kind", "coalesce(kind, '')", "n DESC, v"),
        Facet::Issuer => ("issuer", "coalesce(issuer, '')", "n DESC, v"),
        Facet::Year => ("year", "to_char(release_date, 'YYYY')", "v DESC"),
        Facet::Month => return Ok(None),
    };
    let mut q = QueryBuilder::<Postgres>::new("SELECT v, SUM(n)::BIGINT AS n FROM (");
    push_parts(&mut q, &t, filter, tally_value, row_value);
    q.push(format!(
        ") AS parts WHERE v <> '' GROUP BY v HAVING SUM(n) > 0 ORDER BY {order}"
    ));
    let rows = q
        .build()
        .fetch_all(&store.pool)
        .await
        .map_err(|e| store.error(e))?;
    rows.iter()
        .map(|r| {
            Ok(FacetCount {
                value: r.try_get("v").map_err(|e| store.error(e))?,
                count: u64::try_from(r.try_get::<i64, _>("n").map_err(|e| store.error(e))?)
                    .unwrap_or(0),
            })
        })
        .collect::<StoreResult<Vec<_>>>()
        .map(Some)
}

/// How many releases `filter` selects, or `None` when the tally cannot
/// answer.
pub(crate) async fn total(
    store: &PgStore,
    filter: &ReleaseFilter,
    visibility: Visibility,
) -> StoreResult<Option<u64>> {
    let Some(t) = TallyRead::of(visibility, filter) else {
        return Ok(None);
    };
    let mut q = QueryBuilder::<Postgres>::new("SELECT coalesce(SUM(n), 0)::BIGINT FROM (");
    push_parts(&mut q, &t, filter, "''", "''");
    q.push(") AS parts");
    let n: i64 = q
        .build_query_scalar()
        .fetch_one(&store.pool)
        .await
        .map_err(|e| store.error(e))?;
    Ok(Some(u64::try_from(n).unwrap_or(0)))
}
