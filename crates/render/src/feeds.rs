//! Syndication feeds of a listing: [`Feed`] holds what every format needs,
//! and prints itself as Atom 1.0 ([`Feed::to_atom`]), RSS 2.0
//! ([`Feed::to_rss`]) and JSON Feed 1.1 ([`Feed::to_json`]). The XML is
//! written by hand: the formats are small, and every text goes through
//! [`xml_escape`] (an entry's HTML through [`cdata`]), so a title with `<`
//! or `&` cannot break a reader.
//!
//! A feed document is one page of its feed (RFC 5005, "Paged Feeds"):
//! the newest entries, then older pages reached by `rel="next"`
//! ([`FeedPaging`]), so a document stays small (readers poll it often,
//! and it is served as often as the front page) while a reader catching
//! up can still walk back to every release. Each Atom entry carries its
//! full content once: no `<summary>`, which RFC 4287 (4.1.1.1) leaves out
//! when the content is inline and which repeated the first paragraph
//! (readers show the content; feedparser fills `summary` from it). The
//! HTML goes in a CDATA section rather than escaped, which spares six
//! bytes a tag and a `&quot;` per attribute quote.

use std::collections::HashMap;

use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseId, Status};
use serde_json::json;

use crate::{LinkPolicy, SiteConfig, body_to_html, markdown_to_text};

/// The media types of the three feed formats.
pub const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";
pub const RSS_TYPE: &str = "application/rss+xml; charset=utf-8";
pub const JSON_FEED_TYPE: &str = "application/feed+json; charset=utf-8";

/// Said at the top of a withdrawn release's entry, so that a subscriber who
/// already read it learns that it no longer stands.
pub const WITHDRAWAL_NOTICE: &str =
    "This release has been withdrawn. It is kept on the site for the record.";

/// The latest public change to a release, as its feed entry announces it:
/// a correction's change note, or a withdrawal's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryChange {
    pub withdrawal: bool,
    /// The public note, as the release page's history shows it.
    pub note: String,
    pub at: Timestamp,
}

impl EntryChange {
    /// "Corrected June 1, 2026, 2:00 PM UTC: the note" (or "Withdrawn ..."),
    /// the time in the site's zone, named.
    pub fn sentence(&self, site: &SiteConfig) -> String {
        let what = if self.withdrawal {
            "Withdrawn"
        } else {
            "Corrected"
        };
        format!("{what} {}: {}", crate::moment(site, self.at), self.note)
    }
}

/// One release as a feed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// The permalink: stable for the life of the release, so it is also the
    /// entry's id.
    pub url: String,
    pub title: String,
    /// When the release went public (its publication time).
    pub published: Timestamp,
    /// When its public record last changed: a correction or a withdrawal
    /// moves this, so readers see the entry again.
    pub updated: Timestamp,
    /// The first paragraph, as plain text: the JSON Feed's `summary` (the
    /// Atom entry leaves it out, its content being whole and inline).
    pub summary: String,
    /// The sanitized body, with every link absolute (feed readers have no
    /// base URL), led by the withdrawal notice when withdrawn.
    pub content_html: String,
    /// The issuer, or the site's operator when the release names none.
    pub author: String,
    pub kind: Option<String>,
    pub withdrawn: bool,
    pub language: String,
    /// The latest correction or withdrawal, which the summary and content
    /// open with.
    pub change: Option<EntryChange>,
}

impl FeedEntry {
    /// The entry of `r`; `change` is its latest public change, if any.
    pub fn new(site: &SiteConfig, r: &Release, change: Option<&EntryChange>) -> Self {
        let c = &r.content;
        let withdrawn = r.status == Status::Withdrawn;
        let body = absolute_links(
            &body_to_html(&c.body.to_markdown(), &LinkPolicy::new(site)),
            site,
        );
        // What changed comes first: a subscriber who read the release
        // before reads the news at the top.
        let mut lead = String::new();
        let mut summary_lead = String::new();
        if withdrawn {
            lead.push_str(&format!("<p><strong>{WITHDRAWAL_NOTICE}</strong></p>\n"));
            summary_lead.push_str(WITHDRAWAL_NOTICE);
            summary_lead.push(' ');
        }
        if let Some(change) = change {
            let sentence = change.sentence(site);
            lead.push_str(&format!(
                "<p class=\"change-note\"><strong>{}</strong></p>\n",
                xml_escape(&sentence)
            ));
            summary_lead.push_str(&sentence);
            summary_lead.push(' ');
        }
        let content_html = format!("{lead}{body}");
        let first = markdown_to_text(c.body.texts().next().unwrap_or_default());
        Self {
            url: site.absolute(&r.path().to_string()),
            title: if withdrawn {
                format!("Withdrawn: {}", c.title)
            } else {
                c.title.to_string()
            },
            published: r.published_at.unwrap_or(r.created_at),
            updated: r.updated_at,
            summary: format!("{summary_lead}{first}"),
            content_html,
            author: c
                .issuer
                .as_ref()
                .map_or_else(|| site.operator.clone(), ToString::to_string),
            kind: c.kind.as_ref().map(ToString::to_string),
            withdrawn,
            language: c.language.to_string(),
            change: change.cloned(),
        }
    }
}

/// A feed of one listing view (all releases, or one filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// "Press Releases" or "Press Releases: Readout".
    pub title: String,
    pub description: String,
    /// The listing page this feed follows, absolute.
    pub html_url: String,
    /// The feed's own address per format, absolute: its first page, which
    /// also names the feed (the Atom `id`, the JSON Feed `feed_url`).
    pub atom_url: String,
    pub rss_url: String,
    pub json_url: String,
    /// Where this document sits among the feed's pages.
    pub paging: FeedPaging,
    pub entries: Vec<FeedEntry>,
    /// The site's address, which the pages' queries are appended to.
    origin: String,
}

/// Where a feed document sits among the pages of its feed (RFC 5005,
/// section 3): each page is named by a query string (`?kind=Readout&
/// cursor=...`) that follows `/feed.atom`, `/feed.rss` or `/feed.json`
/// alike. The first page is the feed's own address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedPaging {
    /// This document's query; `None` for the first page.
    pub this: Option<String>,
    /// The page of newer entries, when it is known.
    pub previous: Option<String>,
    /// The page of older entries; `None` on the last page.
    pub next: Option<String>,
}

/// A feed format, as its address ends.
#[derive(Debug, Clone, Copy)]
enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    fn path(self) -> &'static str {
        match self {
            Format::Atom => "/feed.atom",
            Format::Rss => "/feed.rss",
            Format::Json => "/feed.json",
        }
    }
}

impl Feed {
    /// The feed `title`d of `releases` (newest first), for the listing at
    /// `listing_path` (`/?kind=Readout`); `changes` holds the latest
    /// correction or withdrawal of those that had one.
    pub fn new(
        site: &SiteConfig,
        listing_path: &str,
        title: String,
        releases: &[Release],
        changes: &HashMap<ReleaseId, EntryChange>,
    ) -> Self {
        let query = listing_path.strip_prefix('/').unwrap_or(listing_path);
        Self {
            description: format!("The latest official statements of {}.", site.operator),
            title,
            html_url: site.absolute(listing_path),
            atom_url: site.absolute(&format!("/feed.atom{query}")),
            rss_url: site.absolute(&format!("/feed.rss{query}")),
            json_url: site.absolute(&format!("/feed.json{query}")),
            paging: FeedPaging::default(),
            entries: releases
                .iter()
                .map(|r| FeedEntry::new(site, r, changes.get(&r.id)))
                .collect(),
            origin: site.absolute(""),
        }
    }

    /// The same feed as the page `paging` says.
    pub fn paged(self, paging: FeedPaging) -> Self {
        Self { paging, ..self }
    }

    /// The first page's address in `format`.
    fn first_url(&self, format: Format) -> &str {
        match format {
            Format::Atom => &self.atom_url,
            Format::Rss => &self.rss_url,
            Format::Json => &self.json_url,
        }
    }

    fn page_url(&self, format: Format, query: &str) -> String {
        format!("{}{}{query}", self.origin, format.path())
    }

    /// This document's own address in `format`.
    fn self_url(&self, format: Format) -> String {
        match &self.paging.this {
            Some(q) => self.page_url(format, q),
            None => self.first_url(format).to_owned(),
        }
    }

    /// The RFC 5005 links between pages, each as `(rel, absolute URL)`:
    /// `first` always, `previous` and `next` where there are such pages.
    fn page_links(&self, format: Format) -> Vec<(&'static str, String)> {
        let mut links = vec![("first", self.first_url(format).to_owned())];
        if let Some(q) = &self.paging.previous {
            links.push(("previous", self.page_url(format, q)));
        }
        if let Some(q) = &self.paging.next {
            links.push(("next", self.page_url(format, q)));
        }
        links
    }

    /// The latest change among the entries; an empty feed says the Unix
    /// epoch, which is stable (a feed must not change when nothing did).
    pub fn updated(&self) -> Timestamp {
        self.entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// Atom 1.0 (RFC 4287).
    pub fn to_atom(&self) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.push_str(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" \
             xmlns:at=\"http://purl.org/atompub/tombstones/1.0\">\n",
        );
        push_el(&mut x, 1, "title", &self.title);
        push_el(&mut x, 1, "subtitle", &self.description);
        push_el(&mut x, 1, "id", &self.atom_url);
        x.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            xml_escape(&self.self_url(Format::Atom))
        ));
        for (rel, href) in self.page_links(Format::Atom) {
            x.push_str(&format!(
                "  <link rel=\"{rel}\" type=\"application/atom+xml\" href=\"{}\"/>\n",
                xml_escape(&href)
            ));
        }
        x.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&self.html_url)
        ));
        push_el(&mut x, 1, "updated", &rfc3339(self.updated()));
        for e in &self.entries {
            x.push_str("  <entry>\n");
            push_el(&mut x, 2, "id", &e.url);
            push_el(&mut x, 2, "title", &e.title);
            x.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                xml_escape(&e.url)
            ));
            push_el(&mut x, 2, "published", &rfc3339(e.published));
            push_el(&mut x, 2, "updated", &rfc3339(e.updated));
            x.push_str("    <author>\n");
            push_el(&mut x, 3, "name", &e.author);
            x.push_str("    </author>\n");
            if let Some(k) = &e.kind {
                x.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(k)));
            }
            // The content once, whole: no summary repeating its opening.
            x.push_str(&format!(
                "    <content type=\"html\" xml:lang=\"{}\">{}</content>\n",
                xml_escape(&e.language),
                cdata(&e.content_html)
            ));
            x.push_str("  </entry>\n");
        }
        // RFC 6721: a withdrawn release is also announced as a deleted
        // entry, for processors that mirror entries and must drop its text.
        // Its page stays, so the entry stays too, carrying the notice;
        // both are dated by the withdrawal.
        for e in &self.entries {
            let Some(change) = e.change.as_ref().filter(|c| e.withdrawn && c.withdrawal) else {
                continue;
            };
            x.push_str(&format!(
                "  <at:deleted-entry ref=\"{}\" when=\"{}\">\n",
                xml_escape(&e.url),
                rfc3339(change.at)
            ));
            x.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                xml_escape(&e.url)
            ));
            push_el(&mut x, 2, "at:comment", &change.note);
            x.push_str("  </at:deleted-entry>\n");
        }
        x.push_str("</feed>\n");
        x
    }

    /// RSS 2.0, with `atom:link rel="self"` as the RSS Advisory Board
    /// recommends.
    pub fn to_rss(&self) -> String {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.push_str(
            "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n",
        );
        push_el(&mut x, 1, "title", &self.title);
        push_el(&mut x, 1, "link", &self.html_url);
        push_el(&mut x, 1, "description", &self.description);
        x.push_str(&format!(
            "  <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"{}\"/>\n",
            xml_escape(&self.self_url(Format::Rss))
        ));
        // RFC 5005 names these links for RSS too, through Atom's element.
        for (rel, href) in self.page_links(Format::Rss) {
            x.push_str(&format!(
                "  <atom:link rel=\"{rel}\" type=\"application/rss+xml\" href=\"{}\"/>\n",
                xml_escape(&href)
            ));
        }
        push_el(&mut x, 1, "lastBuildDate", &rfc2822(self.updated()));
        for e in &self.entries {
            x.push_str("  <item>\n");
            push_el(&mut x, 2, "title", &e.title);
            push_el(&mut x, 2, "link", &e.url);
            x.push_str(&format!(
                "    <guid isPermaLink=\"true\">{}</guid>\n",
                xml_escape(&e.url)
            ));
            push_el(&mut x, 2, "pubDate", &rfc2822(e.published));
            // RSS has no updated date; Dublin Core's is what readers know.
            push_el(&mut x, 2, "dc:date", &rfc3339(e.updated));
            push_el(&mut x, 2, "dc:creator", &e.author);
            if let Some(k) = &e.kind {
                push_el(&mut x, 2, "category", k);
            }
            x.push_str(&format!(
                "    <description>{}</description>\n",
                cdata(&e.content_html)
            ));
            x.push_str("  </item>\n");
        }
        x.push_str("</channel>\n</rss>\n");
        x
    }

    /// JSON Feed 1.1.
    pub fn to_json(&self) -> String {
        let items: Vec<_> = self
            .entries
            .iter()
            .map(|e| {
                let mut item = json!({
                    "id": e.url,
                    "url": e.url,
                    "title": e.title,
                    "summary": e.summary,
                    "content_html": e.content_html,
                    "date_published": rfc3339(e.published),
                    "date_modified": rfc3339(e.updated),
                    "authors": [{ "name": e.author }],
                    "tags": e.kind.iter().collect::<Vec<_>>(),
                    "language": e.language,
                });
                // JSON Feed extensions start with an underscore (1.1, "Extensions").
                if e.withdrawn || e.change.is_some() {
                    let mut ext = json!({ "withdrawn": e.withdrawn });
                    if let Some(c) = &e.change {
                        ext["change_note"] = c.note.clone().into();
                        ext["changed_at"] = rfc3339(c.at).into();
                    }
                    item["_pressroom"] = ext;
                }
                item
            })
            .collect();
        let mut feed = json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.title,
            "description": self.description,
            "home_page_url": self.html_url,
            "feed_url": self.json_url,
            "items": items,
        });
        // JSON Feed 1.1 has one paging link: the older items.
        if let Some(q) = &self.paging.next {
            feed["next_url"] = self.page_url(Format::Json, q).into();
        }
        let mut s = serde_json::to_string_pretty(&feed).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Escapes text for XML content and attribute values, and drops the control
/// characters XML 1.0 cannot carry at all.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if forbidden_in_xml(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Text (an entry's HTML) as CDATA: kept as it is, so markup costs no
/// escaping. The characters XML 1.0 cannot carry are dropped, as
/// [`xml_escape`] drops them, and a `]]>` inside is split across two
/// sections, the one sequence a section cannot hold.
pub fn cdata(s: &str) -> String {
    // Dropped first, so that no `]]>` forms where a character went.
    let text: String = s.chars().filter(|c| !forbidden_in_xml(*c)).collect();
    let mut out = String::with_capacity(text.len() + 12);
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
    out
}

fn forbidden_in_xml(c: char) -> bool {
    ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

fn push_el(x: &mut String, depth: usize, name: &str, text: &str) {
    x.push_str(&"  ".repeat(depth));
    x.push_str(&format!("<{name}>{}</{name}>\n", xml_escape(text)));
}

/// `2026-06-01T12:00:00Z`
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `Mon, 01 Jun 2026 12:00:00 +0000`, as RSS wants.
pub fn rfc2822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// Site-relative links (`href="/..."`, the exit notice's among them) made
/// absolute, for readers that show the HTML away from the site.
pub fn absolute_links(html: &str, site: &SiteConfig) -> String {
    html.replace(
        "href=\"/",
        &format!("href=\"{}/", site.base_url.trim_end_matches('/')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_cannot_break_the_xml() {
        assert_eq!(
            xml_escape("A & B <c> \"d\" 'e'\u{1}"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }

    #[test]
    fn html_goes_into_cdata_whole_and_a_closing_sequence_inside_is_split() {
        assert_eq!(
            cdata("<p class=\"a\">A & B</p>\u{1}"),
            "<![CDATA[<p class=\"a\">A & B</p>]]>"
        );
        let split = cdata("x]]>y]]\u{2}>z");
        assert_eq!(
            split, "<![CDATA[x]]]]><![CDATA[>y]]]]><![CDATA[>z]]>",
            "a character dropped between ]] and > cannot close the section"
        );
    }

    #[test]
    fn a_later_page_names_itself_the_first_page_and_the_older_one_in_every_format() {
        let site = SiteConfig::default();
        let feed = Feed::new(
            &site,
            "/?kind=Readout",
            "Press Releases: Readout".into(),
            &[],
            &HashMap::new(),
        )
        .paged(FeedPaging {
            this: Some("?kind=Readout&cursor=2026-06-01~b".into()),
            previous: None,
            next: Some("?kind=Readout&cursor=2026-05-01~a".into()),
        });
        let base = "http://127.0.0.1:8080";
        let atom = feed.to_atom();
        for (rel, query) in [
            ("self", "?kind=Readout&amp;cursor=2026-06-01~b"),
            ("first", "?kind=Readout"),
            ("next", "?kind=Readout&amp;cursor=2026-05-01~a"),
        ] {
            let link = format!(
                "<link rel=\"{rel}\" type=\"application/atom+xml\" href=\"{base}/feed.atom{query}\"/>"
            );
            assert!(atom.contains(&link), "{link} in {atom}");
        }
        assert!(!atom.contains("rel=\"previous\""));
        assert!(atom.contains(&format!("<id>{base}/feed.atom?kind=Readout</id>")));
        let rss = feed.to_rss();
        assert!(rss.contains(&format!(
            "<atom:link rel=\"next\" type=\"application/rss+xml\" href=\"{base}/feed.rss?kind=Readout&amp;cursor=2026-05-01~a\"/>"
        )));
        let json: serde_json::Value = serde_json::from_str(&feed.to_json()).expect("json");
        assert_eq!(
            json["next_url"],
            format!("{base}/feed.json?kind=Readout&cursor=2026-05-01~a")
        );
        assert_eq!(json["feed_url"], format!("{base}/feed.json?kind=Readout"));
    }

    #[test]
    fn the_last_page_has_no_next_link() {
        let site = SiteConfig::default();
        let feed = Feed::new(&site, "/", "Press Releases".into(), &[], &HashMap::new());
        let atom = feed.to_atom();
        assert!(atom.contains("rel=\"first\""));
        assert!(!atom.contains("rel=\"next\""));
        let json: serde_json::Value = serde_json::from_str(&feed.to_json()).expect("json");
        assert!(json.get("next_url").is_none());
    }

    #[test]
    fn times_print_in_the_forms_each_format_wants() {
        let t: Timestamp = "2026-06-01T12:00:00Z".parse().expect("ts");
        assert_eq!(rfc3339(t), "2026-06-01T12:00:00Z");
        assert_eq!(rfc2822(t), "Mon, 01 Jun 2026 12:00:00 +0000");
    }

    #[test]
    fn relative_links_become_absolute_and_outside_ones_stay() {
        let site = SiteConfig {
            base_url: "https://press.example/".into(),
            ..Default::default()
        };
        assert_eq!(
            absolute_links(
                "<a href=\"/leaving?to=x\">a</a><a href=\"https://o.example/\">b</a>",
                &site
            ),
            "<a href=\"https://press.example/leaving?to=x\">a</a><a href=\"https://o.example/\">b</a>"
        );
    }

    #[test]
    fn an_empty_feed_is_still_a_whole_document_of_each_format() {
        let site = SiteConfig::default();
        let feed = Feed::new(
            &site,
            "/?kind=Readout",
            "Press Releases: Readout".into(),
            &[],
            &HashMap::new(),
        );
        assert_eq!(
            feed.atom_url,
            "http://127.0.0.1:8080/feed.atom?kind=Readout"
        );
        assert!(feed.to_atom().ends_with("</feed>\n"));
        assert!(feed.to_rss().ends_with("</rss>\n"));
        let json: serde_json::Value = serde_json::from_str(&feed.to_json()).expect("json");
        assert_eq!(json["title"], "Press Releases: Readout");
        assert_eq!(json["items"].as_array().map(Vec::len), Some(0));
    }
}
