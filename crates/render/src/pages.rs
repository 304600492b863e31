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

/// What a revision did to one paragraph (or the title): added it, removed
/// it, or changed words in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Added,
    Removed,
    Changed,
}

/// A run of words in a changed paragraph: kept, added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffPiece {
    pub text: String,
    pub added: bool,
    pub removed: bool,
}

/// One paragraph (or the title) a revision touched, as plain text (the
/// template escapes it like any other text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: DiffKind,
    /// "Title", or "Paragraph 3" (numbered in the revision it belongs to:
    /// the new one, or the old one for a removal).
    pub place: String,
    pub pieces: Vec<DiffPiece>,
}

impl DiffLine {
    pub fn label(&self) -> &'static str {
        match self.kind {
            DiffKind::Added => "added",
            DiffKind::Removed => "removed",
            DiffKind::Changed => "changed",
        }
    }

    fn whole(kind: DiffKind, place: String, text: &str) -> Self {
        Self {
            kind,
            place,
            pieces: vec![DiffPiece {
                text: text.to_owned(),
                added: kind == DiffKind::Added,
                removed: kind == DiffKind::Removed,
            }],
        }
    }
}

/// Below this share of words in common, a changed paragraph reads better
/// as the old one removed and the new one added than as a word diff.
const WORD_DIFF_MIN_RATIO: f32 = 0.5;

fn place(index: usize) -> String {
    if index == 0 {
        "Title".to_owned()
    } else {
        format!("Paragraph {index}")
    }
}

/// What changed between two revisions, title first, paragraph by
/// paragraph; a paragraph replaced by a similar one shows the words that
/// changed in it. Text is compared as readers see it (Markdown reduced to
/// plain text), so a diff never shows link syntax.
pub fn revision_diff(
    old: &pressroom_domain::ReleaseContent,
    new: &pressroom_domain::ReleaseContent,
) -> Vec<DiffLine> {
    let lines = |c: &pressroom_domain::ReleaseContent| {
        std::iter::once(c.title.to_string())
            .chain(c.body.texts().map(markdown_to_text))
            .collect::<Vec<_>>()
    };
    let (a, b) = (lines(old), lines(new));
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b) {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        // Pair old and new paragraphs in order; the rest were removed or
        // added whole.
        let paired = old_range.len().min(new_range.len());
        for k in 0..paired {
            let (i, j) = (old_range.start + k, new_range.start + k);
            out.extend(changed(&a[i], &b[j], place(j)));
        }
        for i in old_range.clone().skip(paired) {
            out.push(DiffLine::whole(DiffKind::Removed, place(i), &a[i]));
        }
        for j in new_range.clone().skip(paired) {
            out.push(DiffLine::whole(DiffKind::Added, place(j), &b[j]));
        }
    }
    out
}

/// One paragraph against its replacement: the words that changed, or the
/// old removed and the new added when they have little in common.
fn changed(old: &str, new: &str, place: String) -> Vec<DiffLine> {
    let diff = similar::TextDiff::from_words(old, new);
    if diff.ratio() < WORD_DIFF_MIN_RATIO {
        return vec![
            DiffLine::whole(DiffKind::Removed, place.clone(), old),
            DiffLine::whole(DiffKind::Added, place, new),
        ];
    }
    let mut pieces: Vec<DiffPiece> = Vec::new();
    for change in diff.iter_all_changes() {
        let (added, removed) = match change.tag() {
            similar::ChangeTag::Equal => (false, false),
            similar::ChangeTag::Insert => (true, false),
            similar::ChangeTag::Delete => (false, true),
        };
        match pieces.last_mut() {
            Some(last) if last.added == added && last.removed == removed => {
                last.text.push_str(change.value());
            }
            _ => pieces.push(DiffPiece {
                text: change.value().to_owned(),
                added,
                removed,
            }),
        }
    }
    vec![DiffLine {
        kind: DiffKind::Changed,
        place,
        pieces,
    }]
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

/// What marks an embargoed release's page as one journalist's preview: the
/// name is printed on the page itself (banner, closing line and a
/// watermark over the text that also prints), so a copy, a screenshot or a
/// printout says whose link it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewMark {
    pub journalist: String,
    /// The lift, as a reader of this site reads it, with its zone.
    pub lift_long: String,
    pub lift_iso: String,
    /// When the link stops working, with its zone.
    pub expires_long: String,
    pub expires_iso: String,
}

impl PreviewMark {
    pub fn new(site: &SiteConfig, journalist: &str, lift: Timestamp, expires: Timestamp) -> Self {
        Self {
            journalist: journalist.to_owned(),
            lift_long: moment(site, lift),
            lift_iso: site_time(site, lift),
            expires_long: moment(site, expires),
            expires_iso: site_time(site, expires),
        }
    }

    /// The watermark's line, repeated across the page.
    pub fn watermark(&self) -> String {
        format!("EMBARGOED \u{2022} {} \u{2022} ", self.journalist)
    }
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
    /// Set when the page is an embargo preview: watermarked, `noindex`.
    pub preview: Option<PreviewMark>,
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
            preview: None,
        }
    }

    /// The page as one journalist reads it before the lift.
    pub fn as_preview(mut self, mark: PreviewMark) -> Self {
        self.preview = Some(mark);
        self
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

    fn content(title: &str, paragraphs: &[&str]) -> pressroom_domain::ReleaseContent {
        pressroom_domain::ReleaseContent {
            title: pressroom_domain::Title::parse(title).expect("title"),
            kind: None,
            issuer: None,
            dateline: None,
            date: pressroom_domain::ReleaseDate::from_date(jiff::civil::date(2026, 6, 1))
                .expect("date"),
            attribution: None,
            body: pressroom_domain::Body::from_texts(paragraphs).expect("body"),
            language: Default::default(),
        }
    }

    fn shown(d: &DiffLine) -> String {
        d.pieces
            .iter()
            .map(|p| match (p.added, p.removed) {
                (true, _) => format!("[+{}]", p.text),
                (_, true) => format!("[-{}]", p.text),
                _ => p.text.clone(),
            })
            .collect()
    }

    #[test]
    fn a_corrected_figure_shows_as_the_words_that_changed_in_its_paragraph() {
        let old = content(
            "Budget",
            &["A surplus of 4.2 billion zephyrs.", "Bread is taxed."],
        );
        let new = content(
            "Budget",
            &["A surplus of 3.9 billion zephyrs.", "Bread is taxed."],
        );
        let diff = revision_diff(&old, &new);
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert_eq!(diff[0].kind, DiffKind::Changed);
        assert_eq!(diff[0].place, "Paragraph 1");
        assert_eq!(
            shown(&diff[0]),
            "A surplus of [-4.2][+3.9] billion zephyrs."
        );
    }

    #[test]
    fn paragraphs_added_removed_or_rewritten_show_whole_and_links_as_their_text() {
        let old = content(
            "Budget",
            &["Kept.", "Dropped entirely.", "The old wording of it all."],
        );
        let new = content(
            "Budget Revised",
            &[
                "Kept.",
                "Something else, said [here](https://example.org/x).",
                "A new closing line.",
            ],
        );
        let diff: Vec<(DiffKind, String, String)> = revision_diff(&old, &new)
            .iter()
            .map(|d| (d.kind, d.place.clone(), shown(d)))
            .collect();
        assert_eq!(
            diff,
            [
                (
                    DiffKind::Changed,
                    "Title".into(),
                    "Budget[+ Revised]".into()
                ),
                (
                    DiffKind::Removed,
                    "Paragraph 2".into(),
                    "[-Dropped entirely.]".into()
                ),
                (
                    DiffKind::Added,
                    "Paragraph 2".into(),
                    "[+Something else, said here.]".into()
                ),
                (
                    DiffKind::Removed,
                    "Paragraph 3".into(),
                    "[-The old wording of it all.]".into()
                ),
                (
                    DiffKind::Added,
                    "Paragraph 3".into(),
                    "[+A new closing line.]".into()
                ),
            ]
        );
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
