use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

use pulldown_cmark::{Options, Parser, html};

use crate::LinkPolicy;

/// Renders release Markdown to HTML that is safe to embed: whatever a
/// release body holds (raw HTML, `javascript:` links, event handlers), only a
/// fixed set of text elements and http(s)/mailto links survive.
pub fn markdown_to_html(markdown: &str) -> String {
    sanitizer().clean(&unsafe_html(markdown)).to_string()
}

/// [`markdown_to_html`], with every link that leaves for a domain the
/// operator has not allowed pointed at the exit notice instead. Links written
/// as raw HTML are caught too: the rewrite runs on the sanitized tree.
pub fn body_to_html(markdown: &str, links: &LinkPolicy) -> String {
    let links = links.clone();
    let mut b = base_sanitizer();
    b.attribute_filter(move |element, attribute, value| {
        if element == "a" && attribute == "href" {
            Some(Cow::Owned(links.href_for(value)))
        } else {
            Some(Cow::Borrowed(value))
        }
    });
    b.clean(&unsafe_html(markdown)).to_string()
}

/// The words of a piece of Markdown as plain text, for descriptions and
/// feed summaries: markup and raw HTML dropped, link texts kept, their
/// targets not.
pub fn markdown_to_text(markdown: &str) -> String {
    use pulldown_cmark::Event;
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every link target that the sanitized body carries, in order: exactly the
/// addresses a reader of the release can follow.
pub fn links_in(markdown: &str) -> Vec<String> {
    let found = Arc::new(Mutex::new(Vec::new()));
    let sink = found.clone();
    let mut b = base_sanitizer();
    b.attribute_filter(move |element, attribute, value| {
        if element == "a"
            && attribute == "href"
            && let Ok(mut v) = sink.lock()
        {
            v.push(value.to_owned());
        }
        Some(Cow::Borrowed(value))
    });
    let _ = b.clean(&unsafe_html(markdown));
    let mut guard = match found.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    std::mem::take(&mut *guard)
}

fn unsafe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut out = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut out, parser);
    out
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(base_sanitizer)
}

fn base_sanitizer() -> ammonia::Builder<'static> {
    {
        let mut b = ammonia::Builder::empty();
        b.add_tags([
            "p",
            "a",
            "em",
            "strong",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "br",
            "h2",
            "h3",
            "h4",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "hr",
        ])
        .add_tag_attributes("a", ["href", "title"])
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer"));
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_the_words_and_drops_markup_and_link_targets() {
        assert_eq!(
            markdown_to_text(
                "Hello *there* <img src=x onerror=alert(3)> [site](javascript:x)\nnext"
            ),
            "Hello there site next"
        );
    }
    use crate::SiteConfig;

    fn policy() -> LinkPolicy {
        LinkPolicy::new(&SiteConfig {
            base_url: "https://press.norvia.example".into(),
            allowed_domains: vec!["gov".into()],
            ..Default::default()
        })
    }

    #[test]
    fn outside_links_in_a_body_point_at_the_exit_notice() {
        let html = body_to_html(
            "[a](https://other.example/x?y=1&z=2), [b](https://www.state.gov/), \
             <a href=\"https://raw.example/\">raw</a>, [c](/releases/x)",
            &policy(),
        );
        assert!(
            html.contains("href=\"/leaving?to=https%3A%2F%2Fother.example%2Fx%3Fy%3D1%26z%3D2\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://www.state.gov/\""), "{html}");
        assert!(
            html.contains("href=\"/leaving?to=https%3A%2F%2Fraw.example%2F\""),
            "{html}"
        );
        assert!(html.contains("href=\"/releases/x\""), "{html}");
    }

    #[test]
    fn the_links_of_a_body_are_listed_as_a_reader_can_follow_them() {
        assert_eq!(
            links_in(
                "[a](https://x.example/a?b=1&c=2) <a href=\"https://y.example/\">y</a> [j](javascript:alert(1))"
            ),
            ["https://x.example/a?b=1&c=2", "https://y.example/"]
        );
    }

    #[test]
    fn paragraphs_and_emphasis_render() {
        assert_eq!(
            markdown_to_html("One *two*.\n\nThree **four**."),
            "<p>One <em>two</em>.</p>\n<p>Three <strong>four</strong>.</p>\n"
        );
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let html = markdown_to_html("Hi <script>alert(1)</script><img src=x onerror=alert(2)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn javascript_links_lose_their_href() {
        let html = markdown_to_html("[click](javascript:alert(1))");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn links_keep_their_target_and_get_a_safe_rel() {
        let html = markdown_to_html("[site](https://example.org/a?b=1&c=2)");
        assert_eq!(
            html,
            "<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">site</a></p>\n"
        );
    }
}
