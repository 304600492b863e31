//! Saved HTML pages of a press-release site. The fields come from the
//! page's markup (the headline, and elements whose class names say kind,
//! issuer, dateline or date), never from the page's chrome (navigation,
//! site header and footer, sidebars, scripts). The page is rewritten in the
//! seed layout and read by the text parser, so every repair applies to
//! pages too.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use crate::date::parse_date_line;
use crate::error::ParseError;
use crate::parse::{ParseOptions, ParsedFile, parse_text_with};

/// Elements that are never release text.
const NEVER_TEXT: [&str; 13] = [
    "script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg", "button",
    "select", "head", "dialog",
];

/// Elements that are page chrome when they are not inside the release's
/// own container.
const CHROME: [&str; 2] = ["header", "footer"];

/// Elements that end a line of text.
const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "figure",
    "hr",
];

/// Class-name fragments that mark a header field, in the order tried.
const KIND_CLASSES: [&str; 5] = [
    "content-type",
    "release-type",
    "kind",
    "doctype",
    "category",
];
const ISSUER_CLASSES: [&str; 4] = ["author", "issuer", "bureau", "byline"];
const DATELINE_CLASSES: [&str; 2] = ["dateline", "location"];
const DATE_CLASSES: [&str; 3] = ["publish-date", "pubdate", "date"];
const BODY_CLASSES: [&str; 6] = [
    "entry-content",
    "article-body",
    "body-text",
    "release-body",
    "post-content",
    "content-body",
];

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

/// Parses a saved page.
pub(crate) fn parse_html(
    source: &str,
    text: &str,
    options: &ParseOptions,
) -> Result<ParsedFile, ParseError> {
    let doc = Html::parse_document(text);
    let as_text = page_text(&doc);
    parse_text_with(source, &as_text, options)
}

/// The page in the seed layout: title, kind, issuer, dateline, date, then
/// body paragraphs; or, when the markup names no fields, the text of the
/// release's container block by block for the text parser to read.
fn page_text(doc: &Html) -> String {
    let root = release_root(doc);
    let first = |sel: &str| selector(sel).and_then(|s| root.select(&s).next());
    let title = first("h1")
        .or_else(|| selector("h1").and_then(|s| doc.select(&s).next()))
        .map(|e| inline_text(e));
    let kind = by_class(root, &KIND_CLASSES);
    let issuer = by_class(root, &ISSUER_CLASSES);
    let dateline = by_class(root, &DATELINE_CLASSES);
    let date = date_of(root);
    let body = BODY_CLASSES
        .iter()
        .find_map(|c| first(&format!("[class*=\"{c}\"]")))
        .or_else(|| first("[itemprop=\"articleBody\"]"));

    let (Some(title), Some(date)) = (title, date.clone()) else {
        return blocks(root, &[]).join("\n\n");
    };
    let mut out = vec![title, String::new()];
    for (_, field) in [&kind, &issuer, &dateline].into_iter().flatten() {
        out.push(field.clone());
    }
    out.push(date.1.clone());
    out.push(String::new());
    let used: Vec<ElementRef<'_>> = [kind, issuer, dateline, Some(date)]
        .into_iter()
        .flatten()
        .map(|(e, _)| e)
        .chain(first("h1"))
        .collect();
    let body_blocks = match body {
        Some(b) => blocks(b, &[]),
        None => blocks(root, &used),
    };
    out.push(body_blocks.join("\n\n"));
    out.join("\n")
}

/// The release's own container: `<article>`, `<main>` or the element
/// marked as main content; the whole body when the page has none.
fn release_root(doc: &Html) -> ElementRef<'_> {
    ["article", "main", "[role=\"main\"]", "#content", "body"]
        .iter()
        .filter_map(|css| selector(css))
        .find_map(|s| doc.select(&s).next())
        .unwrap_or_else(|| doc.root_element())
}

fn class_has(e: ElementRef<'_>, fragment: &str) -> bool {
    e.value()
        .attr("class")
        .is_some_and(|c| c.to_ascii_lowercase().contains(fragment))
}

/// The first element under `root` whose class names one of `classes`, with
/// its text.
fn by_class<'a>(root: ElementRef<'a>, classes: &[&str]) -> Option<(ElementRef<'a>, String)> {
    classes.iter().find_map(|c| {
        root.descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| class_has(*e, c) && !class_has(*e, "update"))
            .map(|e| (e, inline_text(e)))
            .find(|(_, t)| !t.is_empty() && t.chars().count() <= 200)
    })
}

/// The publication date: a date element's printed text, or the
/// `datetime` of a `<time>` when the printed text is not a date.
fn date_of(root: ElementRef<'_>) -> Option<(ElementRef<'_>, String)> {
    let printed = by_class(root, &DATE_CLASSES).filter(|(_, t)| parse_date_line(t).is_some());
    printed.or_else(|| {
        let time = selector("time")?;
        root.select(&time).find_map(|e| {
            let t = inline_text(e);
            if parse_date_line(&t).is_some() {
                return Some((e, t));
            }
            let iso: String = e.value().attr("datetime")?.chars().take(10).collect();
            parse_date_line(&iso).is_some().then_some((e, iso))
        })
    })
}

/// An element's text on one line, whitespace collapsed.
fn inline_text(e: ElementRef<'_>) -> String {
    let mut out = String::new();
    for t in e.text() {
        push_words(&mut out, t);
    }
    out.trim().to_owned()
}

fn push_words(out: &mut String, t: &str) {
    if t.starts_with(char::is_whitespace) && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    let mut words = t.split_whitespace().peekable();
    while let Some(w) = words.next() {
        out.push_str(w);
        if words.peek().is_some() {
            out.push(' ');
        }
    }
    if t.ends_with(char::is_whitespace) && !t.trim().is_empty() {
        out.push(' ');
    }
}

/// The text under `root` block by block, leaving out what is never text,
/// page chrome outside the container, and the elements in `skip`. A `<br>`
/// is a line break inside a block; list items keep a bullet.
fn blocks(root: ElementRef<'_>, skip: &[ElementRef<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut skipping: Option<NodeRef<'_, Node>> = None;
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let t = cur
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !t.is_empty() {
            out.push(t);
        }
        cur.clear();
    };
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => push_words(&mut cur, t),
                    Node::Element(el) => {
                        let name = el.name();
                        let skip_this = NEVER_TEXT.contains(&name)
                            || (CHROME.contains(&name)
                                && node.id() != root.id()
                                && is_top(root, node))
                            || skip.iter().any(|s| s.id() == node.id());
                        if skip_this {
                            skipping = Some(node);
                        } else if name == "br" {
                            cur.push('\n');
                        } else if BLOCKS.contains(&name) {
                            flush(&mut cur, &mut out);
                            if name == "li" {
                                cur.push_str("• ");
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(s) = skipping {
                    if s.id() == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value()
                    && BLOCKS.contains(&el.name())
                {
                    flush(&mut cur, &mut out);
                }
            }
        }
    }
    flush(&mut cur, &mut out);
    out.retain(|b| b != "•");
    out
}

/// Whether `node` is page chrome: a header or footer that is not inside an
/// `<article>` below `root`.
fn is_top(root: ElementRef<'_>, node: NodeRef<'_, Node>) -> bool {
    let root_is_article = matches!(root.value().name(), "article" | "main");
    !root_is_article
        && !node
            .ancestors()
            .take_while(|a| a.id() != root.id())
            .any(|a| matches!(a.value(), Node::Element(e) if e.name() == "article"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Site | Release</title>
<script>var x = "December 1, 2018";</script></head><body>
<header><nav><a href="/">Home</a> <a href="/press">Press Releases</a></nav>
<p class="site-date">Today is December 1, 2020</p></header>
<article>
  <h1 class="featured-content__headline">Secretary Pompeo&rsquo;s Meeting With Omani Minister</h1>
  <p class="article-meta__content-type">Readout</p>
  <p class="article-meta__author-bureau">Office of the Spokesperson</p>
  <p class="article-meta__publish-date">December 19, 2018</p>
  <div class="entry-content">
    <p>The below is attributable to Deputy Spokesperson Robert Palladino:</p>
    <p>Secretary Pompeo met today with <em>Omani</em> Minister
       Yusuf bin Alawi bin Abdullah.</p>
    <ul><li>First point;</li><li>Second point.</li></ul>
  </div>
</article>
<footer><p>The Office of Website Management manages this site.</p></footer>
</body></html>"#;

    #[test]
    fn fields_come_from_the_markup_not_the_chrome() {
        let f = parse_html("page.html", PAGE, &ParseOptions::default()).unwrap();
        assert_eq!(f.releases.len(), 1, "{f:?}");
        let c = &f.releases[0].content;
        assert_eq!(
            c.title.as_str(),
            "Secretary Pompeo’s Meeting With Omani Minister"
        );
        assert_eq!(c.kind.as_ref().map(|k| k.as_str()), Some("Readout"));
        assert_eq!(
            c.issuer.as_ref().map(|i| i.as_str()),
            Some("Office of the Spokesperson")
        );
        assert_eq!(c.date.to_string(), "2018-12-19");
        assert_eq!(
            c.attribution.as_ref().map(|a| a.as_str()),
            Some("The below is attributable to Deputy Spokesperson Robert Palladino:")
        );
        assert_eq!(
            c.body.texts().collect::<Vec<_>>(),
            [
                "Secretary Pompeo met today with Omani Minister Yusuf bin Alawi bin Abdullah.",
                "• First point;",
                "• Second point."
            ]
        );
    }

    #[test]
    fn a_page_without_field_markup_is_read_as_text() {
        let page = "<html><body><nav>Menu</nav><main><p>Sanctions on Russia</p>\
            <p>Media Note<br>Office of the Spokesperson<br>Washington, DC<br>December 19, 2018</p>\
            <p>Today, the Departments acted.</p></main><footer>Contact us</footer></body></html>";
        let f = parse_html("p.html", page, &ParseOptions::default()).unwrap();
        let c = &f.releases[0].content;
        assert_eq!(c.title.as_str(), "Sanctions on Russia");
        assert_eq!(
            c.dateline.as_ref().map(|d| d.as_str()),
            Some("Washington, DC")
        );
        assert_eq!(
            c.body.texts().collect::<Vec<_>>(),
            ["Today, the Departments acted."]
        );
    }

    #[test]
    fn a_page_with_no_release_is_an_error() {
        let e = parse_html(
            "p.html",
            "<html><body><p>Hello</p></body></html>",
            &ParseOptions::default(),
        )
        .unwrap_err();
        assert!(e.reason.starts_with("no release found"), "{e}");
    }
}
