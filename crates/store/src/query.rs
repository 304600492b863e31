use jiff::Timestamp;
use pressroom_domain::{ReleaseContent, ReleaseId, ReleasePath, Status};

/// Which releases a read may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// What the public may see at this instant: published or withdrawn, or
    /// scheduled or embargoed (public from their time, whether or not the
    /// scheduler has marked them published yet), with a publication time
    /// not after it. Only [`crate::PublicView`] builds it
    /// for public surfaces.
    PublicAt(Timestamp),
    /// What public listings show at this instant: as [`Visibility::PublicAt`]
    /// without withdrawn releases, whose pages stay at their address but
    /// leave listings, filters and neighbours.
    ListedAt(Timestamp),
    /// Everything, whatever its status (newsroom, export).
    Everything,
}

impl Visibility {
    /// Whether a release may be seen: the rule the backends apply in their
    /// queries, for reads that walk the store in id order.
    pub fn admits(&self, r: &pressroom_domain::Release) -> bool {
        match self {
            Visibility::Everything => true,
            Visibility::PublicAt(now) => {
                r.status.is_public_when_due() && r.published_at.is_some_and(|at| at <= *now)
            }
            Visibility::ListedAt(now) => {
                r.status != pressroom_domain::Status::Withdrawn
                    && Visibility::PublicAt(*now).admits(r)
            }
        }
    }
}

/// Filters a listing; every part is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ReleaseFilter {
    /// Kind label as displayed ("Media Note").
    pub kind: Option<String>,
    /// Issuer as printed.
    pub issuer: Option<String>,
    pub year: Option<i16>,
    /// 1-12; only meaningful with `year`.
    pub month: Option<i8>,
}

impl ReleaseFilter {
    /// The `[from, to)` days (`YYYY-MM-DD`) that `year` and `month` select,
    /// for a range condition that can use the date index.
    pub fn date_range(&self) -> Option<(String, String)> {
        let year = self.year?;
        Some(match self.month {
            Some(m) if (1..=12).contains(&m) => (
                format!("{year:04}-{m:02}-01"),
                if m == 12 {
                    format!("{:04}-01-01", year + 1)
                } else {
                    format!("{year:04}-{:02}-01", m + 1)
                },
            ),
            _ => (format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1)),
        })
    }
}

/// A page of a listing, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 100;

    /// Clamps to sane values: page at least 1, per_page 1..=100.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(1, 20)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub visibility: Visibility,
    pub filter: ReleaseFilter,
    pub page: PageRequest,
    /// The total, when the caller already knows it (a node keeps it
    /// between writes: [`crate::CountMemo`]): the backend then reads only
    /// the page and skips counting every matching row.
    pub known_total: Option<u64>,
    /// Where the page starts, when the caller can place it better than by
    /// its offset from the top: [`ListStart`].
    pub start: Option<ListStart>,
}

/// A page's start given as "skip `offset` releases dated before
/// `older_than`": the listing order is by date, so the releases of later
/// days are passed by one seek instead of being counted off one by one
/// (half-way down a million releases, half a million index entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListStart {
    pub older_than: jiff::civil::Date,
    pub offset: u64,
}

/// A page of releases, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub items: Vec<pressroom_domain::Release>,
    /// How many releases match the filter in all.
    pub total: u64,
    pub page: PageRequest,
}

impl ListPage {
    pub fn page_count(&self) -> u32 {
        let per = u64::from(self.page.per_page);
        u32::try_from(self.total.div_ceil(per))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// A dimension a listing can be filtered on, with counts beside each value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Kind,
    Issuer,
    Year,
    /// Values are `YYYY-MM`, newest first; with a year in the filter, the
    /// months of that year.
    Month,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// The releases of the same kind just before and just after one release,
/// in listing order (release date, then id). Releases without a kind are
/// neighbours of each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbours {
    /// The next older release of the same kind.
    pub older: Option<pressroom_domain::Release>,
    /// The next newer release of the same kind.
    pub newer: Option<pressroom_domain::Release>,
}

/// Where an imported release came from: the file and the line its header
/// starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: String,
    pub line: u32,
}

/// One release read from an archive, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub content: ReleaseContent,
    /// Identifies the release across formatting differences; equal
    /// fingerprints are the same release.
    pub fingerprint: String,
    pub source: Source,
    /// Imported releases are normally published at once.
    pub status: Status,
}

/// What became of one [`ImportRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Stored as a new release at this path.
    Inserted { id: ReleaseId, path: ReleasePath },
    /// The same release was already stored; this source was added to it.
    Duplicate { id: ReleaseId, path: ReleasePath },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_filter_spans_the_year_and_a_month_filter_its_month() {
        let year = ReleaseFilter {
            year: Some(2019),
            ..Default::default()
        };
        assert_eq!(
            year.date_range(),
            Some(("2019-01-01".into(), "2020-01-01".into()))
        );
        let december = ReleaseFilter {
            year: Some(2019),
            month: Some(12),
            ..Default::default()
        };
        assert_eq!(
            december.date_range(),
            Some(("2019-12-01".into(), "2020-01-01".into()))
        );
        assert_eq!(ReleaseFilter::default().date_range(), None);
    }
}

/// Where a newest-first walk of a listing stands: the last release it gave,
/// by day and id (the listing's order). Reading after a position instead of
/// at an offset costs the same on the last page as on the first, and a
/// release published meanwhile shifts nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPosition {
    pub date: jiff::civil::Date,
    pub id: ReleaseId,
}

impl ListPosition {
    /// The position just after `release` in the listing's order.
    pub fn after(release: &pressroom_domain::Release) -> Self {
        Self {
            date: release.content.date.date(),
            id: release.id,
        }
    }
}

/// A release's public address and when it last changed, without its content:
/// what a sitemap needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathEntry {
    pub id: ReleaseId,
    pub path: ReleasePath,
    pub updated_at: Timestamp,
}
