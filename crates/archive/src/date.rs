use jiff::civil::Date;
use pressroom_domain::ReleaseDate;

use crate::clean::strip_emphasis;

/// A line that has the shape of a date: either a date, or something that was
/// surely meant as one ("Decembr 19, 2018", "February 30, 2018") and must be
/// reported rather than read as body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateLine {
    Valid(ReleaseDate),
    Invalid(String),
    /// A day and month without a year ("3 Sep"), as printed: the release is
    /// held for a date rather than given a guessed year.
    NoYear(String),
    /// No date at all: a header found by other signs (a headline over an
    /// attribution line or a mirror's banner).
    Missing,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// How an all-numeric date such as "12/19/2018" or "05/04/2018" is read:
/// the United States print the month first, most of the world the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// "12/19/2018" is December 19 (the default: the seed archives are
    /// American).
    #[default]
    MonthFirst,
    /// "19/12/2018" is December 19.
    DayFirst,
}

impl DateOrder {
    /// Reads "mdy" / "month-first" or "dmy" / "day-first".
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "mdy" | "month-first" | "us" => Some(Self::MonthFirst),
            "dmy" | "day-first" => Some(Self::DayFirst),
            _ => None,
        }
    }
}

/// Reads a whole line as a date with the default [`DateOrder`]; used where
/// only the shape matters.
pub(crate) fn parse_date_line(line: &str) -> Option<DateLine> {
    parse_date_line_in(line, DateOrder::default())
}

/// Reads a whole line as a date: "December 19, 2018", "Dec. 19, 2018",
/// "19 December 2018", "2018-12-19", "12/19/2018" (read as `order` says).
/// Returns `None` when the line is not shaped like a date at all.
pub(crate) fn parse_date_line_in(line: &str, order: DateOrder) -> Option<DateLine> {
    let s = strip_emphasis(line);
    // Asked of every line: a long one is rejected by its byte length, before
    // counting its characters.
    if s.is_empty() || s.len() > 4 * 40 || s.chars().count() > 40 {
        return None;
    }
    if let Some(parts) = iso_parts(s) {
        return Some(from_parts(s, parts));
    }
    if let Some((a, b, year)) = numeric_parts(s) {
        let (month, day) = match order {
            DateOrder::MonthFirst => (a, b),
            DateOrder::DayFirst => (b, a),
        };
        return Some(from_parts(s, (year, month, day)));
    }
    let cleaned = s.replace(',', " ");
    let tokens: Vec<&str> = cleaned.split_whitespace().collect();
    let [a, b, c] = tokens.as_slice() else {
        return None;
    };
    let year = year_token(c)?;
    let (month_word, day_word) = if is_month_shaped(a) {
        (*a, *b)
    } else if is_month_shaped(b) {
        (*b, *a)
    } else {
        return None;
    };
    let day = day_token(day_word)?;
    let Some(month) = month_number(month_word) else {
        return Some(DateLine::Invalid(format!(
            "{month_word:?} is not the name of a month"
        )));
    };
    Some(from_parts(s, (year, month, day)))
}

/// A day and month without a year ("3 Sep", "September 30"): a date the
/// text does not fully give, which the importer will not guess.
pub(crate) fn is_date_without_year(line: &str) -> bool {
    // Asked of every line: words split at commas and white space, without
    // allocating, and only a line of exactly two words goes further.
    let mut words = strip_emphasis(line)
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let (Some(a), Some(b), None) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    (month_number(a).is_some() && day_token(b).is_some())
        || (month_number(b).is_some() && day_token(a).is_some())
}

fn from_parts(s: &str, (year, month, day): (i16, i8, i8)) -> DateLine {
    match Date::new(year, month, day) {
        Ok(date) => match ReleaseDate::from_date(date) {
            Ok(d) => DateLine::Valid(d),
            Err(e) => DateLine::Invalid(e.to_string()),
        },
        Err(_) => DateLine::Invalid(format!("{s:?} is not a day of the calendar")),
    }
}

/// "2018-12-19" (month and day may have one digit).
fn iso_parts(s: &str) -> Option<(i16, i8, i8)> {
    let mut it = s.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&m.len())
        || !(1..=2).contains(&d.len())
        || ![y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

/// "12/19/2018", "19.12.2018": two numbers of one or two digits and a
/// four-digit year, separated alike by "/" or ".".
fn numeric_parts(s: &str) -> Option<(i8, i8, i16)> {
    let sep = if s.contains('/') { '/' } else { '.' };
    let mut it = s.split(sep);
    let (a, b, y) = (it.next()?, it.next()?, it.next()?);
    let short = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if it.next().is_some() || !short(a) || !short(b) || y.len() != 4 {
        return None;
    }
    if !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

fn year_token(t: &str) -> Option<i16> {
    let t = t.strip_suffix('.').unwrap_or(t);
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// "19", "19th", "1st".
fn day_token(t: &str) -> Option<i8> {
    let digits: &str = t.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.');
    let suffix = &t[digits.len()..];
    let suffix = suffix
        .strip_suffix('.')
        .unwrap_or(suffix)
        .to_ascii_lowercase();
    if !(1..=2).contains(&digits.len())
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !["", "st", "nd", "rd", "th"].contains(&suffix.as_str())
    {
        return None;
    }
    digits.parse().ok()
}

/// A word that begins like a month name ("Dec", "Decembr"): enough to say
/// the line was meant as a date.
fn is_month_shaped(t: &str) -> bool {
    let w = t.strip_suffix('.').unwrap_or(t).to_lowercase();
    let head: String = w.chars().take(3).collect();
    (3..=10).contains(&w.chars().count())
        && w.chars().all(|c| c.is_alphabetic())
        && MONTHS.iter().any(|m| m.starts_with(&head))
}

/// The month's number for its full name, a 3-letter abbreviation (with or
/// without a full stop) or "Sept".
fn month_number(t: &str) -> Option<i8> {
    let w = t.strip_suffix('.').unwrap_or(t).to_lowercase();
    let pos = MONTHS.iter().position(|m| {
        *m == w || (w.len() == 3 && m.starts_with(&w)) || (w == "sept" && *m == "september")
    })?;
    i8::try_from(pos + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        match parse_date_line(s)? {
            DateLine::Valid(d) => Some(d.to_string()),
            DateLine::Invalid(why) => Some(format!("invalid: {why}")),
            other => panic!("a whole date or none: {other:?}"),
        }
    }

    #[test]
    fn the_printed_forms_parse() {
        for s in [
            "December 19, 2018",
            "Dec. 19, 2018",
            "Dec 19 2018",
            "19 December 2018",
            "19 Dec. 2018",
            "2018-12-19",
            "December 19th, 2018",
            "*December 19, 2018*",
        ] {
            assert_eq!(iso(s).as_deref(), Some("2018-12-19"), "{s}");
        }
        assert_eq!(iso("Sept. 5, 2018").as_deref(), Some("2018-09-05"));
        assert_eq!(iso("May 10, 2012").as_deref(), Some("2012-05-10"));
        assert_eq!(iso("2018-1-5").as_deref(), Some("2018-01-05"));
    }

    #[test]
    fn lines_that_are_not_dates_are_none() {
        for s in [
            "Washington, DC",
            "Media Note",
            "3 Sep",
            "Friday, March 14, 2014",
            "03/14/2014 07:23 AM EDT",
            "Section 23, 2018",
            "The meeting on December 19, 2018 was held.",
        ] {
            assert_eq!(iso(s), None, "{s}");
        }
    }

    #[test]
    fn numeric_dates_follow_the_configured_order() {
        let read = |s: &str, o| match parse_date_line_in(s, o) {
            Some(DateLine::Valid(d)) => Some(d.to_string()),
            Some(DateLine::Invalid(why)) => Some(format!("invalid: {why}")),
            Some(other) => panic!("a whole date or none: {other:?}"),
            None => None,
        };
        assert_eq!(
            read("12/19/2018", DateOrder::MonthFirst).as_deref(),
            Some("2018-12-19")
        );
        assert_eq!(
            read("19/12/2018", DateOrder::DayFirst).as_deref(),
            Some("2018-12-19")
        );
        assert_eq!(
            read("19.12.2018", DateOrder::DayFirst).as_deref(),
            Some("2018-12-19")
        );
        assert!(
            read("19/12/2018", DateOrder::MonthFirst)
                .unwrap()
                .starts_with("invalid")
        );
        assert_eq!(read("1/2/18", DateOrder::MonthFirst), None);
        assert_eq!(DateOrder::parse("dmy"), Some(DateOrder::DayFirst));
    }

    #[test]
    fn a_day_and_month_without_a_year_is_recognized() {
        assert!(is_date_without_year("3 Sep"));
        assert!(is_date_without_year("September 30"));
        assert!(!is_date_without_year("Media Note"));
        assert!(!is_date_without_year("December 19, 2018"));
    }

    #[test]
    fn date_shaped_mistakes_are_invalid_not_ignored() {
        assert!(iso("Decembr 19, 2018").unwrap().starts_with("invalid"));
        assert!(iso("February 30, 2018").unwrap().starts_with("invalid"));
        assert!(iso("2018-13-01").unwrap().starts_with("invalid"));
        assert!(iso("January 1, 1850").unwrap().contains("before 1900"));
    }
}
