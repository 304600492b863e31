use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The date a release carries: a calendar date, and where known a time of
/// day in a named time zone ("2018-12-19 14:30 America/New_York"). Archives
/// usually only know the day; a time without a zone would be ambiguous and is
/// not representable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReleaseDate {
    date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<ZonedTime>,
}

/// A time of day with the IANA zone it was given in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ZonedTime {
    pub time: Time,
    pub zone: String,
}

impl ReleaseDate {
    /// Dates before this are surely typing mistakes: no press release
    /// archive reaches back further.
    pub const EARLIEST_YEAR: i16 = 1900;

    pub fn from_date(date: Date) -> Result<Self, FieldError> {
        if date.year() < Self::EARLIEST_YEAR {
            return Err(FieldError::Invalid {
                field: "date",
                reason: format!("{date} is before {}", Self::EARLIEST_YEAR),
            });
        }
        Ok(Self { date, time: None })
    }

    /// Parses an ISO date, "2018-12-19".
    pub fn parse_iso(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::Empty { field: "date" });
        }
        let date: Date = s.parse().map_err(|_| FieldError::Invalid {
            field: "date",
            reason: format!("{s:?} is not a calendar date in the form YYYY-MM-DD"),
        })?;
        Self::from_date(date)
    }

    /// Adds a time of day in a named zone ("America/New_York").
    pub fn with_time(mut self, time: Time, zone: &str) -> Result<Self, FieldError> {
        TimeZone::get(zone).map_err(|_| FieldError::Invalid {
            field: "time zone",
            reason: format!("{zone:?} is not a known IANA time zone"),
        })?;
        self.time = Some(ZonedTime {
            time,
            zone: zone.to_owned(),
        });
        Ok(self)
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn time(&self) -> Option<&ZonedTime> {
        self.time.as_ref()
    }

    /// The date as printed on the page: "December 19, 2018".
    pub fn long_form(&self) -> String {
        self.date.strftime("%B %-d, %Y").to_string()
    }

    /// The time, where known, as printed on the page: "2:30 PM EST".
    pub fn time_form(&self) -> Option<String> {
        let zt = self.time.as_ref()?;
        let tz = TimeZone::get(&zt.zone).ok()?;
        let zoned = self.date.to_datetime(zt.time).to_zoned(tz).ok()?;
        Some(zoned.strftime("%-I:%M %p %Z").to_string())
    }
}

impl std::fmt::Display for ReleaseDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn an_iso_date_parses() {
        let d = ReleaseDate::parse_iso("2018-12-19").unwrap();
        assert_eq!(d.date(), date(2018, 12, 19));
        assert_eq!(d.long_form(), "December 19, 2018");
        assert_eq!(d.to_string(), "2018-12-19");
    }

    #[test]
    fn impossible_and_empty_dates_are_rejected() {
        assert!(ReleaseDate::parse_iso("2018-02-30").is_err());
        assert!(ReleaseDate::parse_iso("19/12/2018").is_err());
        assert_eq!(
            ReleaseDate::parse_iso(" "),
            Err(FieldError::Empty { field: "date" })
        );
        assert!(ReleaseDate::parse_iso("0018-12-19").is_err());
    }

    #[test]
    fn a_time_is_shown_with_its_zone() {
        let d = ReleaseDate::parse_iso("2018-12-19")
            .unwrap()
            .with_time(time(14, 30, 0, 0), "America/New_York")
            .unwrap();
        assert_eq!(d.time_form().unwrap(), "2:30 PM EST");
    }

    #[test]
    fn an_unknown_zone_is_rejected() {
        let d = ReleaseDate::parse_iso("2018-12-19").unwrap();
        assert!(d.with_time(time(9, 0, 0, 0), "Mars/Olympus").is_err());
    }
}
