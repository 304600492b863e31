//! The reader's query language, parsed tolerantly: every string is a valid
//! query. What cannot be used (an unclosed quote, a date that is not a date,
//! text beyond the length limit) becomes a [`Notice`] the page shows, never
//! an error.

use jiff::civil::Date;
use serde::Serialize;

/// Longest query read, in characters; the rest is dropped with a notice.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words, phrases and filters used from one query.
pub const MAX_CLAUSES: usize = 24;

/// One thing a result must (or must not) match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word, matched stemmed and without case or accents in any field.
    Word(String),
    /// Words that must appear together, in this order.
    Phrase(String),
    /// `kind:` — words of the kind ("kind:readout", `kind:"media note"`).
    Kind(String),
    /// `issuer:` — words of the issuer.
    Issuer(String),
}

/// Something about the query the reader should know; shown above results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// The query was longer than [`MAX_QUERY_CHARS`]; the rest was ignored.
    Shortened { kept_chars: usize },
    /// More than [`MAX_CLAUSES`] terms; the rest were ignored.
    TooManyTerms { kept: usize },
    /// A quote was opened and never closed; the phrase runs to the end.
    UnclosedQuote,
    /// A date filter whose value is not a date.
    BadDate { field: String, value: String },
    /// A filter with nothing after the colon.
    EmptyFilter { field: String },
    /// A date range cannot be excluded; it was applied as a filter.
    NegatedDate { field: String },
    /// Words too common to search for (the, of, and ...) were left out.
    CommonWordsIgnored { words: Vec<String> },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Shortened { kept_chars } => write!(
                f,
                "Your search was too long; only its first {kept_chars} characters were used."
            ),
            Notice::TooManyTerms { kept } => write!(
                f,
                "Your search had too many words; only the first {kept} were used."
            ),
            Notice::UnclosedQuote => f.write_str(
                "A quotation mark was not closed, so the phrase was read to the end of the search.",
            ),
            Notice::BadDate { field, value } => write!(
                f,
                "\"{field}:{value}\" is not a date we can read, so it was ignored. Write dates as \
                 2018, 2018-12 or 2018-12-19, and ranges as date:2018-01-01..2018-06-30."
            ),
            Notice::EmptyFilter { field } => write!(
                f,
                "\"{field}:\" has nothing after the colon, so it was ignored."
            ),
            Notice::NegatedDate { field } => write!(
                f,
                "A date cannot be excluded, so \"-{field}:\" was used as a filter instead."
            ),
            Notice::CommonWordsIgnored { words } => write!(
                f,
                "Very common words were left out of the search: {}.",
                words.join(", ")
            ),
        }
    }
}

/// A query as the index needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub include: Vec<Clause>,
    pub exclude: Vec<Clause>,
    /// First day included, if any.
    pub from: Option<Date>,
    /// Last day included, if any.
    pub to: Option<Date>,
    pub notices: Vec<Notice>,
}

impl ParsedQuery {
    /// Whether nothing at all was asked for.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty()
            && self.exclude.is_empty()
            && self.from.is_none()
            && self.to.is_none()
    }
}

/// The filters written as `name:value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldName {
    Kind,
    Issuer,
    Date,
    From,
    To,
}

impl FieldName {
    fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "kind" | "type" => Some(Self::Kind),
            "issuer" | "by" => Some(Self::Issuer),
            "date" | "year" => Some(Self::Date),
            "from" | "after" | "since" => Some(Self::From),
            "to" | "until" | "before" => Some(Self::To),
            _ => None,
        }
    }
}

/// Reads any string as a query. Control characters count as spaces.
pub fn parse(input: &str) -> ParsedQuery {
    let mut out = ParsedQuery::default();
    let mut chars: Vec<char> = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if chars.len() > MAX_QUERY_CHARS {
        chars.truncate(MAX_QUERY_CHARS);
        out.notices.push(Notice::Shortened {
            kept_chars: MAX_QUERY_CHARS,
        });
    }
    let mut i = 0;
    let mut clauses = 0usize;
    let mut dropped = false;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let negated = chars[i] == '-'
            && chars
                .get(i + 1)
                .is_some_and(|c| !c.is_whitespace() && *c != '-');
        if negated {
            i += 1;
        }
        let (clause, date) = if chars[i] == '"' {
            let (text, next) = quoted(&chars, i, &mut out.notices);
            i = next;
            (Some(Clause::Phrase(text)), None)
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match word
                .split_once(':')
                .and_then(|(n, v)| Some((FieldName::parse(n)?, n, v)))
            {
                Some((field, name, value)) => {
                    let value = if value.is_empty() && chars.get(i) == Some(&'"') {
                        let (text, next) = quoted(&chars, i, &mut out.notices);
                        i = next;
                        text
                    } else {
                        value.to_owned()
                    };
                    let name = name.to_ascii_lowercase();
                    if value.trim().is_empty() {
                        out.notices.push(Notice::EmptyFilter { field: name });
                        (None, None)
                    } else {
                        match field {
                            FieldName::Kind => (Some(Clause::Kind(value)), None),
                            FieldName::Issuer => (Some(Clause::Issuer(value)), None),
                            FieldName::Date | FieldName::From | FieldName::To => {
                                (None, Some((field, name, value)))
                            }
                        }
                    }
                }
                None => (Some(Clause::Word(word)), None),
            }
        };
        if clause.is_none() && date.is_none() {
            continue;
        }
        if clauses >= MAX_CLAUSES {
            dropped = true;
            continue;
        }
        clauses += 1;
        if let Some(clause) = clause {
            if clause_is_blank(&clause) {
                continue;
            }
            if negated {
                out.exclude.push(clause);
            } else {
                out.include.push(clause);
            }
        }
        if let Some((field, name, value)) = date {
            if negated {
                out.notices.push(Notice::NegatedDate {
                    field: name.clone(),
                });
            }
            apply_date(&mut out, field, &name, &value);
        }
    }
    if dropped {
        out.notices.push(Notice::TooManyTerms { kept: MAX_CLAUSES });
    }
    out
}

fn clause_is_blank(clause: &Clause) -> bool {
    match clause {
        Clause::Word(s) | Clause::Phrase(s) | Clause::Kind(s) | Clause::Issuer(s) => {
            s.trim().is_empty()
        }
    }
}

/// Reads a quoted text starting at the quote at `start`; returns it and the
/// index after the closing quote (or the end, with a notice).
fn quoted(chars: &[char], start: usize, notices: &mut Vec<Notice>) -> (String, usize) {
    let from = start + 1;
    match chars[from..].iter().position(|c| *c == '"') {
        Some(len) => (chars[from..from + len].iter().collect(), from + len + 1),
        None => {
            if !notices.contains(&Notice::UnclosedQuote) {
                notices.push(Notice::UnclosedQuote);
            }
            (chars[from..].iter().collect(), chars.len())
        }
    }
}

fn apply_date(out: &mut ParsedQuery, field: FieldName, name: &str, value: &str) {
    let bad = || Notice::BadDate {
        field: name.to_owned(),
        value: value.to_owned(),
    };
    let (lo, hi) = match field {
        FieldName::Date => match value.split_once("..") {
            Some((a, b)) => {
                let lo = if a.is_empty() {
                    None
                } else {
                    partial_date(a).map(|r| r.0)
                };
                let hi = if b.is_empty() {
                    None
                } else {
                    partial_date(b).map(|r| r.1)
                };
                if (!a.is_empty() && lo.is_none()) || (!b.is_empty() && hi.is_none()) {
                    out.notices.push(bad());
                    return;
                }
                (lo, hi)
            }
            None => match partial_date(value) {
                Some((a, b)) => (Some(a), Some(b)),
                None => {
                    out.notices.push(bad());
                    return;
                }
            },
        },
        FieldName::From => match partial_date(value) {
            Some((a, _)) => (Some(a), None),
            None => {
                out.notices.push(bad());
                return;
            }
        },
        FieldName::To => match partial_date(value) {
            Some((_, b)) => (None, Some(b)),
            None => {
                out.notices.push(bad());
                return;
            }
        },
        FieldName::Kind | FieldName::Issuer => return,
    };
    // Several date filters narrow each other.
    if let Some(lo) = lo {
        out.from = Some(out.from.map_or(lo, |f| f.max(lo)));
    }
    if let Some(hi) = hi {
        out.to = Some(out.to.map_or(hi, |t| t.min(hi)));
    }
}

/// `2018` -> the whole year, `2018-12` -> the month, `2018-12-19` -> the day:
/// the first and last day it covers.
pub(crate) fn partial_date(s: &str) -> Option<(Date, Date)> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<i32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = i16::try_from(num(parts.first()?, 4)?).ok()?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    match parts.len() {
        1 => Some((Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?)),
        2 => {
            let month = i8::try_from(num(parts[1], 2)?).ok()?;
            let first = Date::new(year, month, 1).ok()?;
            Some((first, first.last_of_month()))
        }
        3 => {
            let month = i8::try_from(num(parts[1], 2)?).ok()?;
            let day = i8::try_from(num(parts[2], 2)?).ok()?;
            let d = Date::new(year, month, day).ok()?;
            Some((d, d))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn words(v: &[&str]) -> Vec<Clause> {
        v.iter().map(|w| Clause::Word((*w).to_owned())).collect()
    }

    #[test]
    fn words_phrases_and_exclusions_are_read() {
        let q = parse(r#"sanctions "visa reciprocity" -Russia -"press statement""#);
        assert_eq!(
            q.include,
            vec![
                Clause::Word("sanctions".into()),
                Clause::Phrase("visa reciprocity".into())
            ]
        );
        assert_eq!(
            q.exclude,
            vec![
                Clause::Word("Russia".into()),
                Clause::Phrase("press statement".into())
            ]
        );
        assert!(q.notices.is_empty());
    }

    #[test]
    fn field_filters_take_bare_or_quoted_values() {
        let q = parse(r#"kind:readout issuer:"Office of the Spokesperson" Oman"#);
        assert_eq!(
            q.include,
            vec![
                Clause::Kind("readout".into()),
                Clause::Issuer("Office of the Spokesperson".into()),
                Clause::Word("Oman".into())
            ]
        );
    }

    #[test]
    fn date_filters_accept_years_months_days_and_ranges() {
        let q = parse("date:2018");
        assert_eq!(
            (q.from, q.to),
            (Some(date(2018, 1, 1)), Some(date(2018, 12, 31)))
        );
        let q = parse("date:2018-02");
        assert_eq!(
            (q.from, q.to),
            (Some(date(2018, 2, 1)), Some(date(2018, 2, 28)))
        );
        let q = parse("date:2018-01-01..2018-06");
        assert_eq!(
            (q.from, q.to),
            (Some(date(2018, 1, 1)), Some(date(2018, 6, 30)))
        );
        let q = parse("from:2017 to:2018-03-04");
        assert_eq!(
            (q.from, q.to),
            (Some(date(2017, 1, 1)), Some(date(2018, 3, 4)))
        );
        let q = parse("date:..2010");
        assert_eq!((q.from, q.to), (None, Some(date(2010, 12, 31))));
    }

    #[test]
    fn a_bad_date_is_ignored_with_a_notice_that_names_it() {
        let q = parse("Oman date:2018-13-01");
        assert_eq!(q.include, words(&["Oman"]));
        assert_eq!((q.from, q.to), (None, None));
        let Some(Notice::BadDate { value, .. }) = q.notices.first() else {
            panic!("expected a bad date notice, got {:?}", q.notices)
        };
        assert_eq!(value, "2018-13-01");
        assert!(q.notices[0].to_string().contains("2018-13-01"));
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_with_a_notice() {
        let q = parse(r#"Oman "visa reciprocity"#);
        assert_eq!(
            q.include,
            vec![
                Clause::Word("Oman".into()),
                Clause::Phrase("visa reciprocity".into())
            ]
        );
        assert_eq!(q.notices, vec![Notice::UnclosedQuote]);
    }

    #[test]
    fn unknown_fields_and_lone_symbols_are_plain_words() {
        let q = parse("http://example.org - -- :");
        assert_eq!(q.include, words(&["http://example.org", "-", "--", ":"]));
    }

    #[test]
    fn a_long_query_is_shortened_and_says_so() {
        let q = parse(&"visa ".repeat(2000));
        assert!(q.notices.contains(&Notice::Shortened {
            kept_chars: MAX_QUERY_CHARS
        }));
        assert!(
            q.notices
                .contains(&Notice::TooManyTerms { kept: MAX_CLAUSES })
        );
        assert_eq!(q.include.len(), MAX_CLAUSES);
    }

    #[test]
    fn control_characters_separate_words() {
        let q = parse("visa\u{0}reciprocity\u{7}\t");
        assert_eq!(q.include, words(&["visa", "reciprocity"]));
    }

    proptest! {
        #[test]
        fn any_text_parses_within_the_limits(s in "\\PC{0,600}|[-\":a-z .0-9\u{0}]{0,80}") {
            let q = parse(&s);
            prop_assert!(q.include.len() + q.exclude.len() <= MAX_CLAUSES);
            if let (Some(a), Some(b)) = (q.from, q.to) {
                // An empty range is allowed (it finds nothing) but both ends are real dates.
                prop_assert!(a.year() >= 1000 && b.year() <= 9999);
            }
        }
    }
}
