use pressroom_domain::{
    Attribution, Body, Dateline, Issuer, IssuerType, Kind, Language, Paragraph, ReleaseContent,
    ReleaseDate, Status, Title,
};

use crate::body::{self, Para};
use crate::clean::{self, Line, strip_emphasis};
use crate::date::{DateLine, DateOrder};
use crate::error::{LineProblem, ParseError, Problem};
use crate::fingerprint::fingerprint;
use crate::header::{
    self, Header, IssuerLines, clean_title, is_kind_label, is_name, is_name_comma_role, is_office,
    is_place, is_role, title_acceptable, title_text,
};
use crate::report::{ReportEntry, ReportKind, Reporter};

/// The releases of one file and the report of what was repaired or left
/// unplaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub releases: Vec<ParsedRelease>,
    /// Releases the text does not give a title or a full date for.
    pub held: Vec<HeldRelease>,
    pub report: Vec<ReportEntry>,
}

/// A release read whole except for what its text does not say: its title
/// (a mobile page that starts at the kind line) or its full date ("3 Sep",
/// no year). A public address needs both, and guessing either would publish
/// something the source never said, so it is held for an editor with the
/// reason, never stored and never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRelease {
    /// The 1-based line where its header starts.
    pub line: u32,
    /// What is missing, in words an editor can act on.
    pub reason: String,
    pub title: Option<Title>,
    pub date: Option<ReleaseDate>,
    /// A date printed without its year, as printed ("3 Sep").
    pub date_without_year: Option<String>,
    pub kind: Option<Kind>,
    pub issuer: Option<Issuer>,
    pub dateline: Option<Dateline>,
    pub attribution: Option<Attribution>,
    pub body: Body,
    /// Identifies copies of one held release across files, as
    /// [`fingerprint`](crate::fingerprint()) does for releases.
    pub fingerprint: String,
}

impl HeldRelease {
    /// The fields as `pressroom export` writes them, `null` where the text
    /// says nothing, plus `date_without_year`.
    pub fn record(&self) -> serde_json::Value {
        serde_json::json!({
            "title": self.title.as_ref().map(Title::as_str),
            "kind": self.kind.as_ref().map(Kind::as_str),
            "issuer": self.issuer.as_ref().map(Issuer::as_str),
            "issuer_type": self.issuer.as_ref().map(|i| i.issuer_type().as_str()),
            "dateline": self.dateline.as_ref().map(Dateline::as_str),
            "date": self.date.as_ref().map(ToString::to_string),
            "date_without_year": self.date_without_year,
            "attribution": self.attribution.as_ref().map(Attribution::as_str),
            "body": self.body.texts().collect::<Vec<_>>(),
        })
    }

    /// Orders copies like [`ParsedRelease::cleanliness`]: the most fields.
    pub fn cleanliness(&self) -> u8 {
        let fields = [
            self.title.is_some(),
            self.date.is_some(),
            self.kind.is_some(),
            self.issuer.is_some(),
            self.dateline.is_some(),
            self.attribution.is_some(),
        ];
        u8::try_from(fields.iter().filter(|&&f| f).count()).unwrap_or(u8::MAX)
    }
}

/// What one header yields.
enum Built {
    Release(ParsedRelease),
    Held(HeldRelease),
}

/// One release read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRelease {
    pub content: ReleaseContent,
    /// See [`fingerprint`](crate::fingerprint()).
    pub fingerprint: String,
    /// The 1-based line where this release's header (its title) starts.
    pub line: u32,
    /// How many repairs this copy needed (see [`ReportKind::is_repair`]).
    pub repairs: u32,
    /// The status a record states (JSON Lines exports); `None` for scraped
    /// text, which the importer publishes.
    pub status: Option<Status>,
}

impl ParsedRelease {
    /// A release read from line `line`, with its fingerprint.
    pub(crate) fn new(content: ReleaseContent, line: u32, status: Option<Status>) -> Self {
        Self {
            fingerprint: fingerprint(&content),
            content,
            line,
            repairs: 0,
            status,
        }
    }

    /// Orders copies of one release from least to most clean: the cleanest
    /// has the most header fields and, among those, needed the fewest
    /// repairs. Dedup keeps the greatest.
    pub fn cleanliness(&self) -> (u8, std::cmp::Reverse<u32>) {
        let c = &self.content;
        let fields = [
            c.kind.is_some(),
            c.issuer.is_some(),
            c.dateline.is_some(),
            c.attribution.is_some(),
        ]
        .iter()
        .filter(|&&f| f)
        .count();
        (
            u8::try_from(fields).unwrap_or(u8::MAX),
            std::cmp::Reverse(self.repairs),
        )
    }
}

/// Parse one file's text (already read, UTF-8). `source` is the path label
/// used in errors and the report.
///
/// All or nothing: if any release in the file cannot be read, the error names
/// its line and no release of the file is returned.
pub fn parse_text(source: &str, text: &str) -> Result<ParsedFile, ParseError> {
    parse_text_with(source, text, &ParseOptions::default())
}

/// What an import can be told about its archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// How all-numeric dates ("12/19/2018") are read.
    pub date_order: DateOrder,
}

/// [`parse_text`] with options.
pub fn parse_text_with(
    source: &str,
    text: &str,
    options: &ParseOptions,
) -> Result<ParsedFile, ParseError> {
    let mut report = Reporter::new(source);
    let built = parse_lines(text, options, &mut report).map_err(|p| p.in_file(source))?;
    let mut report = report.entries;
    let (mut releases, mut held) = (Vec::new(), Vec::new());
    for b in built {
        match b {
            Built::Release(r) => releases.push(r),
            Built::Held(h) => held.push(h),
        }
    }
    // Steps report in their own order; readers want the file's order.
    report.sort_by_key(|e| e.line);
    count_repairs(&mut releases, &report);
    Ok(ParsedFile {
        releases,
        held,
        report,
    })
}

/// Credits each repair to the release whose lines it concerns.
fn count_repairs(releases: &mut [ParsedRelease], report: &[ReportEntry]) {
    let starts: Vec<u32> = releases.iter().map(|r| r.line).collect();
    for e in report.iter().filter(|e| e.kind.is_repair()) {
        // The release whose header starts at or before the entry's line; a
        // repeated title above the first header belongs to the first.
        let i = starts.partition_point(|&s| s <= e.line).saturating_sub(1);
        if let Some(r) = releases.get_mut(i) {
            r.repairs += 1;
        }
    }
}

fn parse_lines(
    text: &str,
    options: &ParseOptions,
    report: &mut Reporter<'_>,
) -> Result<Vec<Built>, LineProblem> {
    let lines = clean::lines(text, report);
    let headers = header::find_headers(&lines, options.date_order)?;
    let Some(first) = headers.first() else {
        check_no_dateless_header(&lines)?;
        if let Some(l) = lines
            .iter()
            .find(|l| crate::date::is_date_without_year(&l.text))
        {
            return Err(Problem::NoYear(l.text.to_string()).at(l.no));
        }
        let line = lines.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
        return Err(Problem::NoRelease.at(line));
    };

    let before = &lines[..first.region_start];
    check_no_dateless_header(before)?;
    for p in body::paragraphs(before) {
        report.add(p.line, ReportKind::Unplaced, p.text);
    }

    let mut releases = Vec::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let end = headers
            .get(i + 1)
            .map_or(lines.len(), |next| next.region_start);
        let body_lines = &lines[h.body_start.min(end)..end];
        check_no_dateless_header(body_lines)?;
        releases.push(build(&lines, h, body_lines, report)?);
    }
    Ok(releases)
}

/// A kind line followed by an issuer or dateline, under a title, that no date
/// line anchored: a release whose date is missing or unreadable. Reading it as
/// body text of the release before it would silently merge two releases.
fn check_no_dateless_header(lines: &[Line]) -> Result<(), LineProblem> {
    let mut nonblank = lines.iter().filter(|l| !l.is_blank());
    let (Some(mut title), Some(mut kind)) = (nonblank.next(), nonblank.next()) else {
        return Ok(());
    };
    for next in nonblank {
        // The kind label first: it is the cheap test, and almost no body
        // line passes it.
        if is_kind_label(&kind.text) {
            let n = next.text.as_ref();
            let fieldish = is_office(n) || is_name(n) || is_name_comma_role(n) || is_place(n);
            if fieldish && title_acceptable(&title.text) {
                return Err(Problem::NoDate(kind.text.to_string()).at(kind.no));
            }
        }
        (title, kind) = (kind, next);
    }
    Ok(())
}

fn build(
    lines: &[Line],
    h: &Header,
    body_lines: &[Line],
    report: &mut Reporter<'_>,
) -> Result<Built, LineProblem> {
    let line_no = |i: usize| lines[i].no;
    let text = |i: usize| strip_emphasis(&lines[i].text);
    let title_line = h
        .title
        .first()
        .map_or(line_no(h.region_start), |&i| line_no(i));

    if let Some(r) = h.repeated_title {
        report.add(
            line_no(r),
            ReportKind::RepeatedTitle,
            lines[r].text.to_string(),
        );
    }
    let (mut title_raw, repairs) = clean_title(&title_text(lines, &h.title));
    for (kind, detail) in repairs {
        report.add(title_line, kind, detail);
    }
    if let Some(IssuerLines::By(i, _)) = &h.issuer
        && is_reprint_byline(&lines[*i].text)
        && let Some((region, rest)) = region_prefix(&title_raw)
    {
        report.add(
            title_line,
            ReportKind::SectionPrefix,
            format!("removed the reprint's region label {region:?}"),
        );
        title_raw = rest.to_owned();
    }
    let title = if h.title.is_empty() {
        None
    } else {
        Some(Title::parse(&title_raw).map_err(|e| Problem::from(e).at(title_line))?)
    };

    let kind = match h.kind {
        Some(k) => Some(Kind::parse(text(k)).map_err(|e| Problem::from(e).at(line_no(k)))?),
        None => title
            .as_ref()
            .and_then(|t| kind_from_title(t.as_str()))
            .inspect(|k| {
                report.add(
                    title_line,
                    ReportKind::KindFromTitle,
                    format!("no kind line; {k:?} taken from the title"),
                );
            }),
    };

    let issuer = h
        .issuer
        .as_ref()
        .map(|iss| {
            let at = line_no(iss.first_line());
            let parsed = match iss {
                IssuerLines::Line(i) if is_name_comma_role(text(*i)) => {
                    Issuer::with_type(text(*i), IssuerType::Person)
                }
                IssuerLines::Line(i) => Issuer::parse(text(*i)),
                IssuerLines::Person { name, role } => {
                    if is_role(text(*role)) {
                        Issuer::person(text(*name), text(*role))
                    } else {
                        Issuer::with_type(text(*name), IssuerType::Person)
                    }
                }
                IssuerLines::By(_, rest) => Issuer::parse(rest),
            };
            parsed.map_err(|e| Problem::from(e).at(at))
        })
        .transpose()?;

    let dateline = h
        .dateline
        .map(|d| Dateline::parse(text(d)).map_err(|e| Problem::from(e).at(line_no(d))))
        .transpose()?;

    for &i in &h.not_kept {
        report.add(
            line_no(i),
            ReportKind::HeaderLineNotKept,
            lines[i].text.to_string(),
        );
    }

    let (date, date_without_year) = match &h.date {
        DateLine::Valid(d) => (Some(d.clone()), None),
        DateLine::NoYear(printed) => (None, Some(printed.clone())),
        DateLine::Missing => (None, None),
        DateLine::Invalid(why) => {
            return Err(Problem::BadDate {
                line: lines[h.date_line].text.to_string(),
                why: why.clone(),
            }
            .at(line_no(h.date_line)));
        }
    };

    let attribution = h
        .attribution
        .map(|a| Attribution::parse(text(a)).map_err(|e| Problem::from(e).at(line_no(a))))
        .transpose()?;

    let paras = body::repair(body::paragraphs(body_lines), report);
    let label = title.as_ref().map_or("the release", Title::as_str);
    let body = body_of(paras, label, title_line)?;

    let (Some(title), Some(date)) = (title.clone(), date.clone()) else {
        let reason = match (&title, &date_without_year) {
            (None, _) => "no title: the page prints no title line above its header".to_owned(),
            (Some(_), Some(printed)) => format!(
                "the date {printed:?} has no year, and the importer does not guess one: \
                 add the year"
            ),
            (Some(_), None) => "no date in the text: add the date".to_owned(),
        };
        let fingerprint = crate::fingerprint::fingerprint_parts(
            title.as_ref().map_or("", Title::as_str),
            date.as_ref().map(ReleaseDate::date),
            &body,
        );
        return Ok(Built::Held(HeldRelease {
            line: title_line,
            reason,
            title,
            date,
            date_without_year,
            kind,
            issuer,
            dateline,
            attribution,
            body,
            fingerprint,
        }));
    };
    let content = ReleaseContent {
        title,
        kind,
        issuer,
        dateline,
        date,
        attribution,
        body,
        language: Language::default(),
    };
    Ok(Built::Release(ParsedRelease::new(
        content, title_line, None,
    )))
}

fn body_of(paras: Vec<Para>, title: &str, title_line: u32) -> Result<Body, LineProblem> {
    if paras.is_empty() {
        return Err(Problem::NoBody(title.to_owned()).at(title_line));
    }
    let parsed = paras
        .into_iter()
        .map(|p| Paragraph::parse_owned(p.text).map_err(|e| Problem::from(e).at(p.line)))
        .collect::<Result<Vec<_>, _>>()?;
    Body::new(parsed).map_err(|e| Problem::from(e).at(title_line))
}

/// "document By Office of the Spokesperson": the byline of a news
/// aggregator's reprint (allAfrica), whose headlines always open with the
/// country or region the story is filed under.
fn is_reprint_byline(line: &str) -> bool {
    strip_emphasis(line)
        .split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("document"))
}

/// The "East Africa: " of "East Africa: Travel of ...": one to three
/// capitalized words before a colon, and a headline after it.
fn region_prefix(title: &str) -> Option<(&str, &str)> {
    let (region, rest) = title.split_once(": ")?;
    let words: Vec<&str> = region.split_whitespace().collect();
    let place_word = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
    };
    let rest = rest.trim();
    ((1..=3).contains(&words.len()) && words.iter().all(place_word) && !rest.is_empty())
        .then_some((region, rest))
}

/// Remarks pages of the 2009-2017 archive print no kind line; their titles
/// begin with the kind ("Remarks With Russian Foreign Minister ...").
fn kind_from_title(title: &str) -> Option<Kind> {
    title
        .split_whitespace()
        .next()
        .filter(|w| *w == "Remarks")
        .map(|_| Kind::Remarks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "Sanctions Announcement on Russia\n\nMedia Note\nOffice of the Spokesperson\n\n\
        Washington, DC\nDecember 19, 2018\n\nToday, the Departments acted.\n";

    #[test]
    fn a_plain_release_parses() {
        let f = parse_text("a.txt", ONE).unwrap();
        assert_eq!(f.releases.len(), 1);
        let r = &f.releases[0];
        assert_eq!(r.line, 1);
        assert_eq!(r.content.kind, Some(Kind::MediaNote));
        assert_eq!(r.content.date.to_string(), "2018-12-19");
        assert!(f.report.is_empty(), "{:?}", f.report);
    }

    #[test]
    fn text_before_the_first_header_is_reported_unplaced() {
        let text = format!("site chrome\nmore chrome\n\n{ONE}");
        let f = parse_text("a.txt", &text).unwrap();
        assert_eq!(f.releases[0].line, 4);
        assert_eq!(f.report.len(), 1);
        assert_eq!(f.report[0].kind, ReportKind::Unplaced);
        assert_eq!(f.report[0].line, 1);
        assert_eq!(f.report[0].detail, "site chrome more chrome");
    }

    #[test]
    fn a_two_line_byline_becomes_a_person() {
        let text = "Mexican Independence Day\n\nPress Statement\nHillary Rodham Clinton\n\
            Secretary of State\nWashington, DC\nSeptember 15, 2009\n\nOn behalf of all.\n";
        let f = parse_text("a.txt", text).unwrap();
        let issuer = f.releases[0].content.issuer.clone().unwrap();
        assert_eq!(
            issuer.as_str(),
            "Hillary Rodham Clinton, Secretary of State"
        );
        assert_eq!(issuer.issuer_type(), IssuerType::Person);
    }

    #[test]
    fn whatever_stands_between_kind_and_dateline_is_the_issuer() {
        let text = "Statement on Ukraine\n\nStatement\nThe White House\nWashington, DC\n\
            March 1, 2022\n\nWe stand with Ukraine.\n";
        let f = parse_text("a.txt", text).unwrap();
        let c = &f.releases[0].content;
        assert_eq!(c.title.as_str(), "Statement on Ukraine");
        assert_eq!(c.issuer.as_ref().unwrap().as_str(), "The White House");

        let text = "Title Here\n\nPress Statement\nSecretary of State\nWashington, DC\n\
            March 1, 2022\n\nText.\n";
        let f = parse_text("a.txt", text).unwrap();
        let c = &f.releases[0].content;
        assert_eq!(c.title.as_str(), "Title Here");
        assert_eq!(c.issuer.as_ref().unwrap().as_str(), "Secretary of State");
        assert_eq!(c.issuer.as_ref().unwrap().issuer_type(), IssuerType::Person);
    }

    #[test]
    fn a_reprints_region_label_is_removed_from_its_title() {
        let text = "East Africa: Travel of Special Envoy to Egypt\n\n3 May 2021\n\
            United States Department of State (Washington, DC)\n\
            document By Office of the Spokesperson\n\nThe Envoy will travel.\n";
        let f = parse_text("a.txt", text).unwrap();
        let c = &f.releases[0].content;
        assert_eq!(c.title.as_str(), "Travel of Special Envoy to Egypt");
        assert!(f.report.iter().any(|e| e.kind == ReportKind::SectionPrefix));

        // Without the reprint's byline a colon is the title's own.
        let text = "Venezuela: Statement on Elections\n\nPress Statement\n\
            Office of the Spokesperson\nMarch 1, 2022\n\nWe note.\n";
        let f = parse_text("a.txt", text).unwrap();
        assert_eq!(
            f.releases[0].content.title.as_str(),
            "Venezuela: Statement on Elections"
        );
    }

    #[test]
    fn an_unknown_kind_is_kept_as_written() {
        let text = "Graffiti at Syrian Embassy\n\nTaken Question\nOffice of the Spokesperson\n\
            Washington, DC\nMarch 20, 2012\n\nQUESTION: Was there?\n";
        let f = parse_text("a.txt", text).unwrap();
        assert_eq!(
            f.releases[0].content.kind,
            Some(Kind::Other("Taken Question".into()))
        );
    }

    #[test]
    fn a_header_without_a_date_is_an_error_not_body_text() {
        let text = format!(
            "{ONE}\nSecond Release\n\nMedia Note\nOffice of the Spokesperson\nWashington, DC\n\nBody.\n"
        );
        let e = parse_text("a.txt", &text).unwrap_err();
        assert_eq!(e.line, 13);
        assert!(e.reason.contains("no date line"), "{e}");
    }
}
