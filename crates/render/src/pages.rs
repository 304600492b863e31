use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use pressroom_domain::{Release, Status};
use thiserror::Error;

use crate::{
    BarChart, LinkPolicy, ListingQuery, SiteConfig, body_to_html, markdown_to_text, rfc3339,
};

/// A template failed to render; this is a bug in a template, never bad input.
#[derive(Debug, Error)]
#[error("rendering failed: {0}")]
pub struct RenderError(#[from] askama::Error);

/// "November" for 11; an out-of-range month prints as its number.
pub fn month_name(month: i8) -> String {
    jiff::civil::Date::new(2000, month, 1)
        .map_or_else(|_| month.to_string(), |d| d.strftime("%B").to_string())
}

/// One release in a listing: what a reader scans to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingItem {
    pub title: String,
    pub path: String,
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub dateline: Option<String>,
    pub date_iso: String,
    pub date_long: String,
}

impl From<&Release> for ListingItem {
    fn from(r: &Release) -> Self {
        let c = &r.content;
        Self {
            title: c.title.to_string(),
            path: r.path().to_string(),
            kind: c.kind.as_ref().map(ToString::to_string),
            issuer: c.issuer.as_ref().map(ToString::to_string),
            dateline: c.dateline.as_ref().map(ToString::to_string),
            date_iso: c.date.date().to_string(),
            date_long: c.date.long_form(),
        }
    }
}

/// Where a listing page stands among its pages, with the links around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub page: u32,
    pub page_count: u32,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

impl Pagination {
    /// `url_for(n)` gives the address of page n (keeping any filters).
    pub fn new(page: u32, page_count: u32, url_for: impl Fn(u32) -> String) -> Self {
        Self {
            page,
            page_count,
            prev_url: (page > 1).then(|| url_for(page - 1)),
            next_url: (page < page_count).then(|| url_for(page + 1)),
        }
    }
}

/// One filter dimension of the listing (kind, issuer, year, month) with its
/// values and how many releases each would show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetGroup {
    /// "Kind"; also the heading of the group.
    pub name: String,
    /// A stable id for the heading ("facet-kind").
    pub id: String,
    pub options: Vec<FacetOption>,
    /// Shown when the list was cut short: how many values are not listed.
    pub hidden: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetOption {
    pub label: String,
    pub count: u64,
    /// Choosing this value (or, when selected, removing it).
    pub url: String,
    pub selected: bool,
}

/// A filter in force, with the address of the listing without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveFilter {
    /// "Kind"
    pub name: String,
    /// "Readout"
    pub value: String,
    pub remove_url: String,
}

#[derive(Debug, Template)]
#[template(path = "listing.html")]
pub struct ListingPage<'a> {
    pub site: &'a SiteConfig,
    pub heading: String,
    /// The filters in words, for the page title: "Readout, November 2026".
    pub filter_summary: Option<String>,
    pub items: Vec<ListingItem>,
    pub total: u64,
    pub pagination: Pagination,
    pub canonical: String,
    pub facets: Vec<FacetGroup>,
    pub active: Vec<ActiveFilter>,
    /// The feeds of this view: `?kind=Readout` (or empty) after `/feed.atom`.
    pub feed_query: String,
    /// "Press Releases: Readout", the title feed readers show.
    pub feed_title: String,
}

/// A year in the archive's year list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveYear {
    pub year: String,
    pub count: u64,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Template)]
#[template(path = "archive.html")]
pub struct ArchivePage<'a> {
    pub site: &'a SiteConfig,
    pub heading: String,
    /// The year shown, or `None` for the archive's front page (all years).
    pub year: Option<String>,
    pub intro: String,
    pub chart: BarChart,
    pub years: Vec<ArchiveYear>,
    pub total: u64,
    pub canonical: String,
}

/// A link to a neighbouring release of the same kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourLink {
    pub title: String,
    pub path: String,
    pub date_iso: String,
    pub date_long: String,
}

impl From<&Release> for NeighbourLink {
    fn from(r: &Release) -> Self {
        Self {
            title: r.content.title.to_string(),
            path: r.path().to_string(),
            date_iso: r.content.date.date().to_string(),
            date_long: r.content.date.long_form(),
        }
    }
}

/// One line of a release's public history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub what: String,
    pub when_iso: String,
    pub when_long: String,
    /// The public change note (a correction's, a withdrawal's reason).
    pub note: Option<String>,
    /// What changed from the revision before, paragraph by paragraph.
    pub changes: Vec<DiffLine>,
}

/// One paragraph (or the title) removed or added by a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub added: bool,
    pub text: String,
}

/// One public revision of a release, as its page's history shows it.
#[derive(Debug, Clone, Copy)]
pub struct PublicRevision<'r> {
    pub number: u32,
    /// import, publish, correct or withdraw.
    pub event: &'r str,
    pub note: Option<&'r str>,
    pub at: Timestamp,
    pub content: &'r pressroom_domain::ReleaseContent,
}

/// The paragraphs (title first) removed and added between two revisions.
pub fn revision_diff(
    old: &pressroom_domain::ReleaseContent,
    new: &pressroom_domain::ReleaseContent,
) -> Vec<DiffLine> {
    let lines = |c: &pressroom_domain::ReleaseContent| {
        std::iter::once(c.title.to_string())
            .chain(c.body.texts().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let (a, b) = (lines(old), lines(new));
    similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b)
        .iter()
        .flat_map(|op| op.iter_changes(&a, &b))
        .filter_map(|c| match c.tag() {
            similar::ChangeTag::Equal => None,
            tag => Some(DiffLine {
                added: tag == similar::ChangeTag::Insert,
                text: c.value().clone(),
            }),
        })
        .collect()
}

/// A withdrawn release's notice: the public reason and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalNotice {
    pub reason: String,
    pub when_iso: String,
    pub when_long: String,
}

#[derive(Debug, Template)]
#[template(path = "release.html")]
pub struct ReleasePage<'a> {
    pub site: &'a SiteConfig,
    pub title: String,
    pub lang: String,
    pub kind: Option<String>,
    pub kind_url: Option<String>,
    pub issuer: Option<String>,
    pub issuer_url: Option<String>,
    pub dateline: Option<String>,
    /// `datetime` value: the date, or the date and time with its offset.
    pub date_machine: String,
    pub date_long: String,
    pub time: Option<String>,
    pub attribution: Option<String>,
    pub body_html: String,
    pub canonical: String,
    pub withdrawn: bool,
    pub older: Option<NeighbourLink>,
    pub newer: Option<NeighbourLink>,
    pub history: Vec<HistoryEntry>,
    /// "Updated <date>": the latest correction, if any.
    pub updated: Option<(String, String)>,
    /// The reason and date of the withdrawal, when withdrawn.
    pub withdrawal: Option<WithdrawalNotice>,
    /// The first paragraph shortened, for `description` and Open Graph.
    pub description: String,
    /// `article:published_time` (the release's date, with its time when it
    /// has one) and `article:modified_time` (RFC 3339).
    pub published_iso: String,
    pub modified_iso: String,
    /// schema.org `NewsArticle` as JSON-LD, safe inside `<script>` (every
    /// `<` is escaped, so no text can close the element).
    pub json_ld: String,
}

impl<'a> ReleasePage<'a> {
    /// The page of `r`, with the same-kind releases around it.
    /// The public history from the stored revisions: each correction with
    /// its note and what it changed, the withdrawal with its reason. A
    /// release never corrected or withdrawn keeps the one-line history.
    pub fn with_revisions(mut self, revisions: &[PublicRevision<'_>]) -> Self {
        let site = self.site;
        if !revisions
            .iter()
            .any(|r| matches!(r.event, "correct" | "withdraw"))
        {
            return self;
        }
        let when = |at: Timestamp| {
            (
                at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                moment(site, at),
            )
        };
        self.history = revisions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (when_iso, when_long) = when(r.at);
                HistoryEntry {
                    what: match r.event {
                        "correct" => format!("Corrected (revision {})", r.number),
                        "withdraw" => "Withdrawn".to_owned(),
                        _ => "Published on this site".to_owned(),
                    },
                    when_iso,
                    when_long,
                    note: r.note.map(str::to_owned),
                    changes: match i.checked_sub(1).map(|p| &revisions[p]) {
                        Some(prev) => revision_diff(prev.content, r.content),
                        None => Vec::new(),
                    },
                }
            })
            .collect();
        self.updated = revisions
            .iter()
            .rev()
            .find(|r| r.event == "correct")
            .map(|r| when(r.at));
        self.withdrawal = revisions
            .iter()
            .rev()
            .find(|r| r.event == "withdraw")
            .map(|r| {
                let (when_iso, when_long) = when(r.at);
                WithdrawalNotice {
                    reason: r.note.unwrap_or_default().to_owned(),
                    when_iso,
                    when_long,
                }
            });
        self
    }

    pub fn new(
        site: &'a SiteConfig,
        r: &Release,
        older: Option<&Release>,
        newer: Option<&Release>,
    ) -> Self {
        let c = &r.content;
        let kind = c.kind.as_ref().map(ToString::to_string);
        let issuer = c.issuer.as_ref().map(ToString::to_string);
        let date_machine = issued_at(&c.date).unwrap_or_else(|| c.date.date().to_string());
        let description = shorten(
            &markdown_to_text(c.body.texts().next().unwrap_or_default()),
            200,
        );
        let canonical = site.absolute(&r.path().to_string());
        let mut article = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": c.title.to_string(),
            "url": canonical,
            "mainEntityOfPage": canonical,
            // The statement's own date: an archive imported years later was
            // still issued on it.
            "datePublished": date_machine,
            "dateModified": rfc3339(r.updated_at),
            "inLanguage": c.language.to_string(),
            "description": description,
            "author": {
                "@type": "Organization",
                "name": issuer.clone().unwrap_or_else(|| site.operator.clone()),
            },
            "publisher": { "@type": "Organization", "name": site.operator, "url": site.absolute("/") },
        });
        if let Some(k) = &kind {
            article["articleSection"] = k.clone().into();
        }
        if let Some(d) = &c.dateline {
            article["dateline"] = d.to_string().into();
        }
        let json_ld = article
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        let history = r
            .published_at
            .map(|at| HistoryEntry {
                what: if r.revision > 1 {
                    format!("Revision {} published on this site", r.revision)
                } else {
                    "Published on this site".to_owned()
                },
                when_iso: at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                when_long: moment(site, at),
                note: None,
                changes: Vec::new(),
            })
            .into_iter()
            .collect();
        Self {
            site,
            title: c.title.to_string(),
            lang: c.language.to_string(),
            kind_url: kind.as_ref().map(|k| ListingQuery::kind(k).to_url()),
            kind,
            issuer_url: issuer.as_ref().map(|i| ListingQuery::issuer(i).to_url()),
            issuer,
            dateline: c.dateline.as_ref().map(ToString::to_string),
            date_machine: date_machine.clone(),
            date_long: c.date.long_form(),
            time: c.date.time_form(),
            attribution: c.attribution.as_ref().map(ToString::to_string),
            body_html: body_to_html(&c.body.to_markdown(), &LinkPolicy::new(site)),
            canonical,
            withdrawn: r.status == Status::Withdrawn,
            older: older.map(NeighbourLink::from),
            newer: newer.map(NeighbourLink::from),
            history,
            updated: None,
            withdrawal: None,
            description,
            published_iso: date_machine,
            modified_iso: rfc3339(r.updated_at),
            json_ld,
        }
    }
}

/// When a release with a time of day was issued, in RFC 3339 with the
/// offset of its own zone; `None` for a release dated by day only.
pub fn issued_at(date: &pressroom_domain::ReleaseDate) -> Option<String> {
    let t = date.time()?;
    let tz = TimeZone::get(&t.zone).ok()?;
    let z = date.date().to_datetime(t.time).to_zoned(tz).ok()?;
    Some(z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// An instant in RFC 3339 with the numeric offset of the site's zone.
pub fn site_time(site: &SiteConfig, at: Timestamp) -> String {
    let tz = TimeZone::get(&site.time_zone).unwrap_or(TimeZone::UTC);
    at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// At most `max` characters of `text`, cut at a word with an ellipsis.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// An instant as a reader of this site reads it: in the site's time zone,
/// with the zone named ("November 12, 2026, 2:30 PM CET").
pub fn moment(site: &SiteConfig, at: Timestamp) -> String {
    let tz = TimeZone::get(&site.time_zone).unwrap_or(TimeZone::UTC);
    at.to_zoned(tz)
        .strftime("%B %-d, %Y, %-I:%M %p %Z")
        .to_string()
}

/// The page between a release and an outside site.
#[derive(Debug, Template)]
#[template(path = "exit.html")]
pub struct ExitPage<'a> {
    pub site: &'a SiteConfig,
    /// The outside address, exactly as the release links to it.
    pub target: String,
    pub host: String,
    /// The release that carries the link, to go back to.
    pub from_title: String,
    pub from_path: String,
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub site: &'a SiteConfig,
    pub status: u16,
    pub heading: String,
    pub message: String,
}

/// Renders any page of this crate.
pub fn render<T: Template>(page: &T) -> Result<String, RenderError> {
    Ok(page.render()?)
}

macro_rules! to_html {
    ($($page:ident),*) => {$(
        impl $page<'_> {
            pub fn to_html(&self) -> Result<String, RenderError> {
                render(self)
            }
        }
    )*};
}

to_html!(ListingPage, ArchivePage, ReleasePage, ExitPage, ErrorPage);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 12), "one two…");
    }

    #[test]
    fn months_are_named_and_nonsense_is_kept_as_a_number() {
        assert_eq!(month_name(1), "January");
        assert_eq!(month_name(12), "December");
        assert_eq!(month_name(13), "13");
        assert_eq!(month_name(0), "0");
    }

    #[test]
    fn a_moment_is_shown_in_the_site_zone_with_its_name() {
        let site = SiteConfig {
            time_zone: "Europe/Oslo".into(),
            ..Default::default()
        };
        let at: Timestamp = "2026-11-12T13:30:00Z".parse().expect("ts");
        assert_eq!(moment(&site, at), "November 12, 2026, 2:30 PM CET");
    }
}
