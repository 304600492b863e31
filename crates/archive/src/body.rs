//! Body paragraphs: grouping lines, removing page boilerplate, and joining
//! paragraphs that a dump broke mid-sentence.

use crate::clean::{Line, normalize_words, strip_emphasis};
use crate::header::ends_sentence;
use crate::report::{ReportKind, Reporter};

/// The footer every page of the 2017-2019 State Department site carried. It
/// belongs to the site, not to any release.
const SITE_FOOTER: &str = "The Office of Website Management, Bureau of Public Affairs, \
    manages this site as a portal for information from the U.S. State Department. \
    External links to other Internet sites should not be construed as an endorsement \
    of the views or privacy policies contained therein.";

/// The site footer's words, normalized once.
static FOOTER_WORDS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| normalize_words(SITE_FOOTER));

/// How many opening words of the site footer identify it.
const FOOTER_KEY_WORDS: usize = 5;

/// One paragraph of body text and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Para {
    pub(crate) line: u32,
    pub(crate) text: String,
    /// Whether the paragraph was printed on several (hard-wrapped) lines.
    pub(crate) wrapped: bool,
}

/// Groups lines into paragraphs: blank lines separate them, hard-wrapped
/// lines join with a space, and each list item is a paragraph of its own.
pub(crate) fn paragraphs(lines: &[Line]) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut open = false;
    for line in lines {
        if line.is_blank() {
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(p) if open && !starts_item(&p.text, &line.text) => {
                p.text.push(' ');
                p.text.push_str(&line.text);
                p.wrapped = true;
            }
            _ => out.push(Para {
                line: line.no,
                text: line.text.to_string(),
                wrapped: false,
            }),
        }
        open = true;
    }
    out
}

/// Whether `line` starts a new list item after the paragraph text `prev`. A
/// number or dash at the start of a hard-wrapped line ("... on September\n3.
/// The ...") continues the sentence above unless that sentence ended or was
/// itself an item; a bullet glyph always starts an item.
fn starts_item(prev: &str, line: &str) -> bool {
    if !is_list_item(line) {
        return false;
    }
    let unambiguous = line.starts_with(['•', '◦', '▪', '‣', '■', '●', '○']);
    unambiguous || ends_sentence(prev) || is_list_item(prev)
}

/// "• item", "- item", "1. item".
fn is_list_item(s: &str) -> bool {
    let mut chars = s.chars();
    let first = chars.next();
    let second = chars.next();
    let bullet = matches!(
        first,
        Some('•' | '◦' | '▪' | '‣' | '·' | '-' | '*' | '–' | '—' | '■' | '●' | '○')
    ) && second.is_some_and(char::is_whitespace);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = (1..=3).contains(&digits)
        && s[digits..].starts_with(['.', ')'])
        && s[digits + 1..].starts_with(' ');
    bullet || numbered
}

/// The longest line [`is_footer_line`] considers (an e-mail list footer).
const MAX_FOOTER_BYTES: usize = 400;

/// A line of mirror or archive boilerplate that ends a release: "PRN:
/// 2009/682", "ENDS", "# # #", an e-mail list footer.
pub(crate) fn is_footer_line(s: &str) -> bool {
    let s = strip_emphasis(s);
    // Footers are short; a long paragraph is text (and lower-casing every
    // paragraph of an archive would cost more than all other checks).
    if s.len() > MAX_FOOTER_BYTES {
        return false;
    }
    // Every footer opens with one of these letters: most lines are told
    // apart without lower-casing them.
    if !s.bytes().next().is_some_and(|b| {
        matches!(
            b.to_ascii_lowercase(),
            b'p' | b'e' | b'#' | b'-' | b't' | b'r'
        )
    }) {
        return false;
    }
    let lower = s.to_lowercase();
    let prn = lower.strip_prefix("prn").is_some_and(|rest| {
        let rest = rest.trim_start_matches(':').trim();
        let (y, n) = rest.split_once('/').unwrap_or(("", ""));
        y.len() == 4
            && !n.is_empty()
            && y.bytes().all(|b| b.is_ascii_digit())
            && n.bytes().all(|b| b.is_ascii_digit())
    });
    prn || matches!(lower.as_str(), "ends" | "###" | "# # #" | "-30-" | "- 30 -")
        || (lower.starts_with("this email was sent to ") && lower.contains("govdelivery"))
        || lower.starts_with("read the original article on ")
}

/// A paragraph of mirror or mailing-list boilerplate wherever it stands:
/// a mirror's banner ("Washington, DC (STL.News) ..."), e-mail subscription
/// text.
pub(crate) fn is_boilerplate(s: &str) -> bool {
    let s = strip_emphasis(s);
    // Banners and subscription text stand at the start of their paragraph.
    let end = (0..=s.len().min(120))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    let head = &s[..end];
    let banner = head.contains('(') && is_banner_opening(&head.to_lowercase());
    const OPENINGS: [&str; 6] = [
        "you are subscribed to ",
        "to unsubscribe",
        "this email was sent to ",
        "update your subscriptions",
        "powered by govdelivery",
        "sign up for e-mail updates",
    ];
    banner || OPENINGS.iter().any(|o| opens_with(head, o)) || is_footer_line(s)
}

/// Whether `s` opens with the lower-case ASCII `opening`, in any case. No
/// non-ASCII character lower-cases to the openings' letters but the Kelvin
/// sign, to "k", which none of them holds.
fn opens_with(s: &str, opening: &str) -> bool {
    s.as_bytes()
        .get(..opening.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(opening.as_bytes()))
}

/// A mirror's banner at the start of a paragraph: "Washington, DC
/// (STL.News) ...", given the paragraph's opening in lower case.
fn is_banner_opening(lower: &str) -> bool {
    lower.split('(').skip(1).any(|rest| {
        rest.split_once(')')
            .is_some_and(|(inside, _)| inside.ends_with(".news") && !inside.contains(' '))
    })
}

/// Whether a line opens with a mirror's banner (see [`is_boilerplate`]).
pub(crate) fn is_mirror_banner(s: &str) -> bool {
    let s = strip_emphasis(s);
    let end = (0..=s.len().min(120))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    // Asked of every line: no parenthesis, no banner, and nothing to
    // lower-case.
    s[..end].contains('(') && is_banner_opening(&s[..end].to_lowercase())
}

/// Removes boilerplate and joins broken paragraphs, reporting each repair.
pub(crate) fn repair(paras: Vec<Para>, report: &mut Reporter<'_>) -> Vec<Para> {
    let paras = remove_site_footer(paras, report);
    let paras = remove_trailing_footers(paras, report);
    let paras = remove_boilerplate(paras, report);
    let paras = unwrap_and_unemphasize(paras, report);
    join_broken(paras, report)
}

fn remove_boilerplate(paras: Vec<Para>, report: &mut Reporter<'_>) -> Vec<Para> {
    paras
        .into_iter()
        .filter(|p| {
            let junk = is_boilerplate(&p.text);
            if junk {
                report.add(p.line, ReportKind::RemovedFooter, p.text.clone());
            }
            !junk
        })
        .collect()
}

/// Reports hard-wrapped paragraphs (joined by [`paragraphs`]) and removes
/// emphasis wrapped around a whole paragraph.
fn unwrap_and_unemphasize(paras: Vec<Para>, report: &mut Reporter<'_>) -> Vec<Para> {
    paras
        .into_iter()
        .map(|mut p| {
            if p.wrapped {
                report.add(
                    p.line,
                    ReportKind::JoinedHardWrap,
                    format!("joined the lines of \"{}...\"", head(&p.text, 30)),
                );
            }
            if let Some(inner) = whole_emphasis(&p.text) {
                report.add(
                    p.line,
                    ReportKind::EmphasisMarkup,
                    format!("removed emphasis around \"{}...\"", head(inner, 30)),
                );
                p.text = inner.to_owned();
            }
            p
        })
        .collect()
}

/// The text inside emphasis that wraps a whole paragraph ("*Note: ...*",
/// "**...**"), when the marks open and close nothing else inside it.
fn whole_emphasis(s: &str) -> Option<&str> {
    ["**", "__", "*", "_"].iter().find_map(|mark| {
        let inner = s.strip_prefix(mark)?.strip_suffix(mark)?;
        let ok = !inner.trim().is_empty()
            && !inner.contains(mark)
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace);
        ok.then_some(inner)
    })
}

/// Removes the site footer wherever it stands, also when a dump broke it into
/// several paragraphs and wrapped parts of it in emphasis.
fn remove_site_footer(paras: Vec<Para>, report: &mut Reporter<'_>) -> Vec<Para> {
    // Most bodies hold no footer: they are returned as they are, not copied.
    if !paras.iter().any(|p| may_open_site_footer(&p.text)) {
        return paras;
    }
    let footer: Vec<&str> = FOOTER_WORDS.split(' ').collect();
    let words_of = |p: &Para| normalize_words(&p.text);
    let mut out = Vec::with_capacity(paras.len());
    let mut i = 0;
    while i < paras.len() {
        if !may_open_site_footer(&paras[i].text) {
            out.push(paras[i].clone());
            i += 1;
            continue;
        }
        let first = words_of(&paras[i]);
        let first: Vec<&str> = first.split(' ').collect();
        let starts = first.len() >= FOOTER_KEY_WORDS && footer.starts_with(&first);
        if !starts {
            out.push(paras[i].clone());
            i += 1;
            continue;
        }
        let mut covered = first.len();
        let mut j = i + 1;
        while covered < footer.len() && j < paras.len() {
            let next = words_of(&paras[j]);
            let next: Vec<&str> = next.split(' ').collect();
            if next.is_empty() || !footer[covered..].starts_with(&next) {
                break;
            }
            covered += next.len();
            j += 1;
        }
        let text: Vec<&str> = paras[i..j].iter().map(|p| p.text.as_str()).collect();
        report.add(
            paras[i].line,
            ReportKind::RemovedFooter,
            format!("site footer: {}", text.join(" / ")),
        );
        i = j;
    }
    out
}

/// A cheap test before the word-by-word comparison: the site footer's
/// paragraph names the Office of Website Management near its start.
fn may_open_site_footer(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(80)];
    head.windows(7).any(|w| w.eq_ignore_ascii_case(b"website"))
}

fn remove_trailing_footers(mut paras: Vec<Para>, report: &mut Reporter<'_>) -> Vec<Para> {
    let mut removed = Vec::new();
    while let Some(last) = paras.last() {
        if !is_footer_line(&last.text) {
            break;
        }
        removed.extend(paras.pop());
    }
    for p in removed.into_iter().rev() {
        report.add(p.line, ReportKind::RemovedFooter, p.text);
    }
    paras
}

/// Words no sentence ends on: a paragraph ending in one was cut short.
const DANGLING_WORDS: &str = "\
    a an and as at between but by for from has have her his in \
    including into is its nor of on or our than that the their these this those to was were \
    which with";

/// Whether a paragraph stops mid-sentence for sure: after a comma or a word
/// like "and" or "the".
fn dangles(s: &str) -> bool {
    let s = s.trim_end();
    s.ends_with(',')
        || s.rsplit(char::is_whitespace).next().is_some_and(|w| {
            let w = w.to_lowercase();
            DANGLING_WORDS.split_whitespace().any(|d| d == w)
        })
}

/// Joins a paragraph that does not end a sentence with the next one when the
/// next starts in lower case, or the first stops on a word like "and": a
/// blank line inserted mid-sentence by a dump. List items are never joined.
fn join_broken(paras: Vec<Para>, report: &mut Reporter<'_>) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::with_capacity(paras.len());
    for p in paras {
        if let Some(prev) = out.last_mut()
            && !ends_sentence(&prev.text)
            && !is_list_item(&p.text)
            && (p.text.chars().next().is_some_and(char::is_lowercase) || dangles(&prev.text))
        {
            report.add(
                p.line,
                ReportKind::JoinedBrokenParagraph,
                format!(
                    "joined to the paragraph of line {}: \"...{}\" + \"{}...\"",
                    prev.line,
                    tail(&prev.text, 30),
                    head(&p.text, 30)
                ),
            );
            prev.text.push(' ');
            prev.text.push_str(&p.text);
        } else {
            out.push(p);
        }
    }
    out
}

fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line<'_>> {
        text.split('\n')
            .enumerate()
            .map(|(i, t)| Line {
                no: u32::try_from(i + 1).unwrap(),
                text: t.trim().into(),
            })
            .collect()
    }

    fn repaired(text: &str) -> (Vec<String>, Vec<ReportKind>) {
        let mut r = Reporter::new("t");
        let ps = repair(paragraphs(&lines(text)), &mut r);
        (
            ps.into_iter().map(|p| p.text).collect(),
            r.entries.iter().map(|e| e.kind).collect(),
        )
    }

    #[test]
    fn a_wrapped_line_starting_with_a_number_continues_its_sentence() {
        let (ps, _) = repaired("The meeting is in Kyiv on September\n3. The next one is later.");
        assert_eq!(
            ps,
            ["The meeting is in Kyiv on September 3. The next one is later."]
        );
        let (ps, _) = repaired("Steps:\n1. first;\n2. second");
        assert_eq!(ps, ["Steps:", "1. first;", "2. second"]);
    }

    #[test]
    fn wrapped_lines_join_and_list_items_stay_apart() {
        let (ps, _) = repaired("One\ntwo.\n\nIntro:\n• a;\n• b\ncontinued\n1. first");
        assert_eq!(
            ps,
            ["One two.", "Intro:", "• a;", "• b continued", "1. first"]
        );
    }

    #[test]
    fn a_paragraph_broken_mid_sentence_is_joined() {
        let (ps, kinds) = repaired("Operations continue\n\nto seek to undermine.\n\nNext.");
        assert_eq!(ps, ["Operations continue to seek to undermine.", "Next."]);
        assert_eq!(kinds, [ReportKind::JoinedBrokenParagraph]);
    }

    #[test]
    fn a_paragraph_cut_after_and_is_joined_even_before_a_capital() {
        let (ps, _) = repaired("stops in London, U.K.; Rome, Italy; and\n\nBrussels, Belgium.");
        assert_eq!(
            ps,
            ["stops in London, U.K.; Rome, Italy; and Brussels, Belgium."]
        );
        let (ps, _) = repaired("Funds:\n• $3 million to the ICRC; and\n• $500,000 to OCHA.");
        assert_eq!(ps.len(), 3);
    }

    #[test]
    fn finished_sentences_and_capitals_are_not_joined() {
        let (ps, _) = repaired("Ends here.\n\nlower start\n\nNo stop\n\nCapital start");
        assert_eq!(
            ps,
            ["Ends here.", "lower start", "No stop", "Capital start"]
        );
    }

    #[test]
    fn the_site_footer_is_removed_even_when_split_and_italic() {
        let text = "Body.\n\nThe Office of Website Management, Bureau of Public Affairs, manages this site\n\n\
            *as a portal for information from the U.S. State Department.\nExternal links to other \
            Internet sites should not be construed as an\nendorsement of the views or privacy \
            policies contained therein.*";
        let (ps, kinds) = repaired(text);
        assert_eq!(ps, ["Body."]);
        assert_eq!(kinds, [ReportKind::RemovedFooter]);
    }

    #[test]
    fn trailing_boilerplate_is_removed() {
        let (ps, kinds) = repaired("Body.\n\nPRN: 2009/682");
        assert_eq!(ps, ["Body."]);
        assert_eq!(kinds, [ReportKind::RemovedFooter]);
        let (ps, _) = repaired("Body.\n\nENDS");
        assert_eq!(ps, ["Body."]);
        let (ps, _) = repaired("PRN: 2009/682 was cited.\n\nBody.");
        assert_eq!(ps.len(), 2);
    }
}
