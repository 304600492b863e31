use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

/// Renders release Markdown to HTML that is safe to embed: whatever a
/// release body holds (raw HTML, `javascript:` links, event handlers), only a
/// fixed set of text elements and http(s)/mailto links survive.
pub fn markdown_to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, parser);
    sanitizer().clean(&unsafe_html).to_string()
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
