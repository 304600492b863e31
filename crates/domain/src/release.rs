use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{
    Attribution, Body, Dateline, FieldError, Issuer, Kind, Language, ReleaseDate, Slug, Status,
    Title,
};

/// The store's identifier of a release. Never shown in public URLs, which use
/// [`ReleasePath`], so that ids reveal nothing about unpublished releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReleaseId(pub i64);

impl std::fmt::Display for ReleaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What one revision of a release says: everything a correction may change.
/// Kind and issuer are optional because legacy archives do not always print
/// them; the newsroom requires them for new releases.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReleaseContent {
    pub title: Title,
    pub kind: Option<Kind>,
    pub issuer: Option<Issuer>,
    pub dateline: Option<Dateline>,
    pub date: ReleaseDate,
    pub attribution: Option<Attribution>,
    pub body: Body,
    #[serde(default)]
    pub language: Language,
}

/// A stored release: its identity, where it stands, and its current content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub id: ReleaseId,
    pub slug: Slug,
    pub status: Status,
    /// The number of the current revision, from 1.
    pub revision: u32,
    /// When it became (or becomes) public; `None` while unpublished.
    pub published_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub content: ReleaseContent,
}

impl Release {
    /// The public path of this release.
    pub fn path(&self) -> ReleasePath {
        ReleasePath {
            date: self.content.date.date(),
            slug: self.slug.clone(),
        }
    }
}

/// The public address of a release: `/releases/YYYY/MM/DD/slug`. Together
/// the date and slug are unique.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleasePath {
    pub date: Date,
    pub slug: Slug,
}

impl ReleasePath {
    /// Parses the path segments of a request; any malformed part is an error,
    /// which the web layer answers with a plain 404.
    pub fn from_segments(
        year: &str,
        month: &str,
        day: &str,
        slug: &str,
    ) -> Result<Self, FieldError> {
        let bad = || FieldError::Invalid {
            field: "release path",
            reason: format!("{year}/{month}/{day} is not a date"),
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
            return Err(bad());
        }
        let y: i16 = year.parse().map_err(|_| bad())?;
        let m: i8 = month.parse().map_err(|_| bad())?;
        let d: i8 = day.parse().map_err(|_| bad())?;
        let date = Date::new(y, m, d).map_err(|_| bad())?;
        Ok(Self {
            date,
            slug: Slug::parse(slug)?,
        })
    }
}

impl std::fmt::Display for ReleasePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "/releases/{:04}/{:02}/{:02}/{}",
            self.date.year(),
            self.date.month(),
            self.date.day(),
            self.slug
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_path_prints_with_zero_padded_date() {
        let p = ReleasePath {
            date: date(2018, 2, 9),
            slug: Slug::parse("media-note").unwrap(),
        };
        assert_eq!(p.to_string(), "/releases/2018/02/09/media-note");
    }

    #[test]
    fn a_path_round_trips_through_its_segments() {
        let p = ReleasePath::from_segments("2018", "12", "19", "sanctions-on-russia").unwrap();
        assert_eq!(p.to_string(), "/releases/2018/12/19/sanctions-on-russia");
    }

    #[test]
    fn malformed_segments_are_rejected() {
        assert!(ReleasePath::from_segments("2018", "13", "01", "a").is_err());
        assert!(ReleasePath::from_segments("2018", "2", "01", "a").is_err());
        assert!(ReleasePath::from_segments("2018", "02", "30", "a").is_err());
        assert!(ReleasePath::from_segments("+201", "02", "01", "a").is_err());
        assert!(ReleasePath::from_segments("2018", "02", "01", "A B").is_err());
    }
}
