//! [`FacetShift`]: what one change did to a release's place in the public
//! counts, recorded with the change in the outbox so that a node's
//! [`crate::CountMemo`] can shift its kept counts by it instead of taking
//! every count again (at a million releases the issuer counts alone are a
//! sum over tens of thousands of tally rows).

use jiff::Timestamp;
use jiff::civil::Date;
use pressroom_domain::{Release, ReleaseContent, Status};
use serde::{Deserialize, Serialize};

use crate::{Facet, ImportRecord, ReleaseFilter, Visibility};

/// The fields of a release that decide where, and whether, it is counted:
/// the columns the tally and the facet queries read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedAs {
    pub status: Status,
    /// The kind's label, as stored and filtered on.
    pub kind: Option<String>,
    /// The issuer as printed.
    pub issuer: Option<String>,
    /// The release's own date (year and month facets).
    pub date: Date,
    pub published_at: Option<Timestamp>,
}

impl CountedAs {
    pub fn of(release: &Release) -> Self {
        Self::stored(release.status, &release.content, release.published_at)
    }

    /// The columns a release with this content is stored under.
    fn stored(status: Status, c: &ReleaseContent, published_at: Option<Timestamp>) -> Self {
        Self {
            status,
            kind: c.kind.as_ref().map(|k| k.as_str().to_owned()),
            issuer: c.issuer.as_ref().map(|i| i.as_str().to_owned()),
            date: c.date.date(),
            published_at,
        }
    }

    /// [`Visibility::admits`] for these fields.
    pub fn admitted(&self, visibility: Visibility) -> bool {
        match visibility {
            Visibility::Everything => true,
            Visibility::PublicAt(now) => {
                self.status.is_public_when_due() && self.published_at.is_some_and(|at| at <= now)
            }
            Visibility::ListedAt(now) => {
                self.status != Status::Withdrawn && self.admitted(Visibility::PublicAt(now))
            }
        }
    }

    /// Whether `filter` selects it, as the backends' conditions do.
    pub fn selected_by(&self, filter: &ReleaseFilter) -> bool {
        let year = self.date.year();
        filter
            .kind
            .as_deref()
            .is_none_or(|k| self.kind.as_deref() == Some(k))
            && filter
                .issuer
                .as_deref()
                .is_none_or(|i| self.issuer.as_deref() == Some(i))
            && filter.year.is_none_or(|y| y == year)
            // A month counts only with its year (`ReleaseFilter::date_range`).
            && (filter.year.is_none()
                || filter
                    .month
                    .filter(|m| (1..=12).contains(m))
                    .is_none_or(|m| m == self.date.month()))
    }

    /// The value it is counted under for `facet`; `None` for no kind or no
    /// issuer, which the counts leave out.
    pub fn value(&self, facet: Facet) -> Option<String> {
        match facet {
            Facet::Kind => self.kind.clone().filter(|k| !k.is_empty()),
            Facet::Issuer => self.issuer.clone().filter(|i| !i.is_empty()),
            Facet::Year => Some(format!("{:04}", self.date.year())),
            Facet::Month => Some(format!("{:04}-{:02}", self.date.year(), self.date.month())),
        }
    }
}

/// A release's place in the counts before and after one change; `None` on
/// a side means it was not stored (before an import or a creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetShift {
    pub before: Option<CountedAs>,
    pub after: Option<CountedAs>,
}

impl FacetShift {
    /// A release that did not exist before.
    pub fn created(release: &Release) -> Self {
        Self {
            before: None,
            after: Some(CountedAs::of(release)),
        }
    }

    /// A release an import stored: public imports are published at the
    /// import's instant, as both backends store them.
    pub fn imported(record: &ImportRecord, now: Timestamp) -> Self {
        Self {
            before: None,
            after: Some(CountedAs::stored(
                record.status,
                &record.content,
                record.status.is_public().then_some(now),
            )),
        }
    }

    /// A release that was `before` and is now `after`.
    pub fn changed(before: &Release, after: &Release) -> Self {
        Self {
            before: Some(CountedAs::of(before)),
            after: Some(CountedAs::of(after)),
        }
    }

    /// As stored in the outbox's `facets` column.
    pub fn to_json(&self) -> String {
        // Plain strings, numbers and dates: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The stored column; `None` (count again) for a missing or unreadable
    /// one, such as a change written before the column existed.
    pub fn from_json(stored: Option<&str>) -> Option<Self> {
        serde_json::from_str(stored?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(status: Status, date: &str, published_at: Option<&str>) -> CountedAs {
        CountedAs {
            status,
            kind: Some("Readout".into()),
            issuer: Some("Office of the Spokesperson".into()),
            date: date.parse().expect("date"),
            published_at: published_at.map(|t| t.parse().expect("timestamp")),
        }
    }

    #[test]
    fn a_shift_reads_back_what_was_stored() {
        let shift = FacetShift {
            before: None,
            after: Some(counted(
                Status::Published,
                "2025-03-01",
                Some("2025-03-01T10:00:00Z"),
            )),
        };
        assert_eq!(
            FacetShift::from_json(Some(&shift.to_json())),
            Some(shift.clone())
        );
    }

    #[test]
    fn a_missing_or_garbled_shift_reads_as_unknown() {
        assert_eq!(FacetShift::from_json(None), None);
        assert_eq!(FacetShift::from_json(Some("{\"before\":")), None);
    }

    #[test]
    fn withdrawn_releases_are_public_but_not_listed() {
        let at: Timestamp = "2025-03-02T00:00:00Z".parse().expect("now");
        let w = counted(
            Status::Withdrawn,
            "2025-03-01",
            Some("2025-03-01T10:00:00Z"),
        );
        assert!(w.admitted(Visibility::PublicAt(at)));
        assert!(!w.admitted(Visibility::ListedAt(at)));
        let early: Timestamp = "2025-03-01T09:00:00Z".parse().expect("early");
        assert!(!w.admitted(Visibility::PublicAt(early)));
        let draft = counted(Status::Draft, "2025-03-01", None);
        assert!(!draft.admitted(Visibility::PublicAt(at)));
    }

    #[test]
    fn a_month_selects_only_with_its_year() {
        let r = counted(Status::Published, "2025-03-01", None);
        let by = |year, month| ReleaseFilter {
            year,
            month,
            ..ReleaseFilter::default()
        };
        assert!(r.selected_by(&by(Some(2025), Some(3))));
        assert!(!r.selected_by(&by(Some(2025), Some(4))));
        assert!(!r.selected_by(&by(Some(2024), None)));
        assert!(r.selected_by(&by(None, Some(4))));
        assert_eq!(r.value(Facet::Month).as_deref(), Some("2025-03"));
        assert_eq!(r.value(Facet::Year).as_deref(), Some("2025"));
    }
}
