//! A release row as every SQL backend stores it, in plain column values, and
//! its one way back into the domain model. Backends only copy columns into a
//! [`ReleaseRow`]; every value then goes through the domain's parsers, so a
//! row altered outside pressroom surfaces as [`StoreError::Corrupt`] rather
//! than as an invalid value.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use pressroom_domain::{
    Attribution, Body, Dateline, Issuer, IssuerType, Kind, Language, Release, ReleaseContent,
    ReleaseDate, ReleaseId, ReleasePath, Slug, Status, Title,
};

use crate::{StoreError, StoreResult};

/// The columns of the `releases` table in SQL order, identical in every
/// backend so that one list serves every SELECT.
pub const RELEASE_COLUMNS: &str = "id, slug, release_date, release_time, release_zone, \
    status, revision, title, kind, issuer, issuer_type, dateline, attribution, body, language, \
    published_at, created_at, updated_at";

/// One `releases` row: dates as `YYYY-MM-DD` / `HH:MM:SS` text, timestamps
/// as UTC microseconds, the body as a JSON array of paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    pub id: i64,
    pub slug: String,
    pub release_date: String,
    pub release_time: Option<String>,
    pub release_zone: Option<String>,
    pub status: String,
    pub revision: i64,
    pub title: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub issuer_type: Option<String>,
    pub dateline: Option<String>,
    pub attribution: Option<String>,
    pub body: String,
    pub language: String,
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn corrupt(what: &'static str) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::Corrupt { what, reason }
}

/// A stored UTC-microsecond timestamp.
pub fn from_micros(us: i64) -> StoreResult<Timestamp> {
    Timestamp::from_microsecond(us).map_err(|e| corrupt("timestamp")(e.to_string()))
}

fn opt<T, E: std::fmt::Display>(
    what: &'static str,
    v: Option<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    v.map(|s| parse(&s).map_err(|e| corrupt(what)(e.to_string())))
        .transpose()
}

/// A public path from its stored day and slug.
pub fn path_from_columns(date: &str, slug: &str) -> StoreResult<ReleasePath> {
    Ok(ReleasePath {
        date: date
            .parse::<Date>()
            .map_err(|e| corrupt("release date")(e.to_string()))?,
        slug: Slug::parse(slug).map_err(|e| corrupt("slug")(e.to_string()))?,
    })
}

impl ReleaseRow {
    /// Parses every column back into a [`Release`].
    pub fn into_release(self) -> StoreResult<Release> {
        let path = path_from_columns(&self.release_date, &self.slug)?;
        let mut date =
            ReleaseDate::from_date(path.date).map_err(|e| corrupt("date")(e.to_string()))?;
        if let (Some(time), Some(zone)) = (self.release_time, self.release_zone) {
            let t: Time = time
                .parse()
                .map_err(|e: jiff::Error| corrupt("release time")(e.to_string()))?;
            date = date
                .with_time(t, &zone)
                .map_err(|e| corrupt("release time zone")(e.to_string()))?;
        }
        let issuer_type = self
            .issuer_type
            .as_deref()
            .and_then(IssuerType::parse)
            .unwrap_or(IssuerType::Office);
        let body: Body =
            serde_json::from_str(&self.body).map_err(|e| corrupt("body")(e.to_string()))?;
        Ok(Release {
            id: ReleaseId(self.id),
            slug: path.slug,
            status: Status::parse(&self.status).map_err(|e| corrupt("status")(e.to_string()))?,
            revision: u32::try_from(self.revision)
                .map_err(|e| corrupt("revision")(e.to_string()))?,
            published_at: self.published_at.map(from_micros).transpose()?,
            created_at: from_micros(self.created_at)?,
            updated_at: from_micros(self.updated_at)?,
            content: ReleaseContent {
                title: Title::parse(&self.title).map_err(|e| corrupt("title")(e.to_string()))?,
                kind: opt("kind", self.kind, Kind::parse)?,
                issuer: opt("issuer", self.issuer, |s| Issuer::with_type(s, issuer_type))?,
                dateline: opt("dateline", self.dateline, Dateline::parse)?,
                date,
                attribution: opt("attribution", self.attribution, Attribution::parse)?,
                body,
                language: Language::parse(&self.language)
                    .map_err(|e| corrupt("language")(e.to_string()))?,
            },
        })
    }
}

/// The first slug not in `taken` for a day: the title's own, then `-2`,
/// `-3`, ... `taken` holds the day's slugs that start with `base`.
pub fn first_free_slug(base: &Slug, taken: &[String]) -> StoreResult<Slug> {
    if !taken.iter().any(|s| s == base.as_str()) {
        return Ok(base.clone());
    }
    (2..)
        .map(|n| base.with_suffix(n))
        .find(|s| !taken.iter().any(|t| t == s.as_str()))
        .ok_or_else(|| StoreError::Conflict(format!("no free slug for {base}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ReleaseRow {
        ReleaseRow {
            id: 7,
            slug: "a-title".into(),
            release_date: "2020-01-02".into(),
            release_time: Some("14:30:00".into()),
            release_zone: Some("Europe/Oslo".into()),
            status: "published".into(),
            revision: 1,
            title: "A Title".into(),
            kind: Some("Readout".into()),
            issuer: Some("Office of the Spokesperson".into()),
            issuer_type: Some("office".into()),
            dateline: None,
            attribution: None,
            body: r#"["One."]"#.into(),
            language: "en".into(),
            published_at: Some(1_700_000_000_000_000),
            created_at: 1_700_000_000_000_000,
            updated_at: 1_700_000_000_000_000,
        }
    }

    #[test]
    fn a_well_formed_row_reads_back_as_a_release() {
        let r = row().into_release().expect("valid row");
        assert_eq!(r.id, ReleaseId(7));
        assert_eq!(r.content.title.as_str(), "A Title");
        assert!(r.content.date.time().is_some());
    }

    #[test]
    fn a_row_altered_outside_pressroom_is_reported_as_corrupt_naming_the_column() {
        let mut bad = row();
        bad.status = "shredded".into();
        let err = bad.into_release().expect_err("bad status");
        assert!(
            err.to_string().contains("stored status is invalid"),
            "{err}"
        );
        let mut bad = row();
        bad.body = "not json".into();
        assert!(
            bad.into_release()
                .expect_err("bad body")
                .to_string()
                .contains("body")
        );
    }

    #[test]
    fn the_first_free_slug_counts_up_from_two() {
        let base = Slug::parse("readout").expect("slug");
        assert_eq!(
            first_free_slug(&base, &[]).expect("free").as_str(),
            "readout"
        );
        let taken = vec!["readout".to_owned(), "readout-2".to_owned()];
        assert_eq!(
            first_free_slug(&base, &taken).expect("free").as_str(),
            "readout-3"
        );
    }
}

/// A public count `release_tally` can answer (SQLite migration 0012,
/// PostgreSQL 0011): the rule both backends' `tally.rs` follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyRead {
    /// The instant read at, in the stored microseconds.
    pub now: i64,
    /// The statuses the tally is summed over: `published`, and `withdrawn`
    /// too unless the read is a listing's.
    pub statuses: &'static str,
}

impl TallyRead {
    /// `None` for a read of every status, and for a month's filter: the
    /// tally is by year, and a month's releases are few enough to count.
    pub fn of(visibility: crate::Visibility, filter: &crate::ReleaseFilter) -> Option<Self> {
        if filter.year.is_some() && filter.month.is_some() {
            return None;
        }
        match visibility {
            crate::Visibility::ListedAt(now) => Some(Self {
                now: now.as_microsecond(),
                statuses: "('published')",
            }),
            crate::Visibility::PublicAt(now) => Some(Self {
                now: now.as_microsecond(),
                statuses: "('published', 'withdrawn')",
            }),
            crate::Visibility::Everything => None,
        }
    }
}
