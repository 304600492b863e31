//! Finding release headers. The date line is the one header line every layout
//! has and nothing else looks like, so it is the anchor: from it the header is
//! read upwards in the order pages print it (title, kind, issuer, venue,
//! dateline, date), and each field is optional except the title.

use std::borrow::Cow;

use pressroom_domain::{Attribution, Issuer, IssuerType, Kind};

use crate::body::{is_footer_line, is_mirror_banner};
use crate::clean::{Line, normalize_words, strip_emphasis};
use crate::date::{DateLine, DateOrder, is_date_without_year, parse_date_line, parse_date_line_in};
use crate::error::LineProblem;
use crate::report::ReportKind;

/// Where one release's header lines are, as indexes into the file's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The first line that belongs to this release (its title, or the
    /// repeated copy of the title above it).
    pub(crate) region_start: usize,
    pub(crate) repeated_title: Option<usize>,
    /// One to three lines: a title may be hard-wrapped. Empty when the page
    /// prints none.
    pub(crate) title: Vec<usize>,
    pub(crate) kind: Option<usize>,
    pub(crate) issuer: Option<IssuerLines>,
    pub(crate) dateline: Option<usize>,
    pub(crate) date_line: usize,
    pub(crate) date: DateLine,
    /// Header lines that have no field (a venue, a mirror's source line).
    pub(crate) not_kept: Vec<usize>,
    pub(crate) attribution: Option<usize>,
    /// The first line after the header; the body runs from here to the next
    /// release's `region_start`.
    pub(crate) body_start: usize,
}

/// The lines an issuer was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IssuerLines {
    /// One line naming an office, or "Name, Title".
    Line(usize),
    /// A byline printed on two lines: the name, then the title.
    Person { name: usize, role: usize },
    /// "By Office of the Spokesperson": the text after "By".
    By(usize, String),
}

impl IssuerLines {
    pub(crate) fn first_line(&self) -> usize {
        match self {
            IssuerLines::Line(i) | IssuerLines::By(i, _) => *i,
            IssuerLines::Person { name, .. } => *name,
        }
    }
}

/// Finds every release header in the file, in order.
pub(crate) fn find_headers(lines: &[Line], order: DateOrder) -> Result<Vec<Header>, LineProblem> {
    let mut headers = Vec::new();
    let mut floor = 0;
    let mut i = 0;
    while i < lines.len() {
        let date = parse_date_line_in(&lines[i].text, order).or_else(|| {
            // A day and month without a year is a header line only standing
            // alone between blank lines: "... from\nJuly 28." is a
            // hard-wrapped sentence of a body.
            let alone =
                i > 0 && lines[i - 1].is_blank() && lines.get(i + 1).is_none_or(Line::is_blank);
            (alone && is_date_without_year(&lines[i].text))
                .then(|| DateLine::NoYear(strip_emphasis(&lines[i].text).to_owned()))
        });
        let header = match date {
            Some(date) => read_header(lines, floor, i, date)?,
            None => dateless_header(lines, floor, i),
        };
        if let Some(h) = header {
            floor = h.body_start;
            i = h.body_start;
            headers.push(h);
            continue;
        }
        i += 1;
    }
    Ok(headers)
}

/// A header that prints no date: a headline standing alone directly above
/// an attribution line ("The following is attributable to ...") or a
/// mirror's banner ("Washington, DC (STL.News) ... released the following
/// statement:"), line `a`. Reprints often drop the date; without this the
/// release would be read as the body of the one before it.
fn dateless_header(lines: &[Line], floor: usize, a: usize) -> Option<Header> {
    let t = strip_emphasis(&lines[a].text);
    let attribution = Attribution::looks_like(t);
    if t.is_empty() || !(attribution || is_mirror_banner(t)) {
        return None;
    }
    let p = prev_nonblank(lines, a, floor)?;
    let title = lines[p].text.as_ref();
    let apart = p == 0 || lines[p - 1].is_blank();
    let headline = title_acceptable(title)
        && !is_office(title)
        && !is_name_comma_role(title)
        && !is_kind_label(title)
        && !is_place(title);
    if !(apart && headline) {
        return None;
    }
    Some(Header {
        region_start: p,
        repeated_title: None,
        title: vec![p],
        kind: None,
        issuer: None,
        dateline: None,
        date_line: a,
        date: DateLine::Missing,
        not_kept: Vec::new(),
        attribution: attribution.then_some(a),
        // A banner is boilerplate of the body, removed and reported there.
        body_start: if attribution { a + 1 } else { a },
    })
}

/// The nearest non-blank line above `idx`, not above `floor`.
fn prev_nonblank(lines: &[Line], idx: usize, floor: usize) -> Option<usize> {
    (floor..idx).rev().find(|&j| !lines[j].is_blank())
}

fn next_nonblank(lines: &[Line], idx: usize) -> Option<usize> {
    (idx..lines.len()).find(|&j| !lines[j].is_blank())
}

/// Reads the header whose date line is `d`, or `None` when the date line is
/// not part of a header (a date standing alone in a body).
fn read_header(
    lines: &[Line],
    floor: usize,
    d: usize,
    date: DateLine,
) -> Result<Option<Header>, LineProblem> {
    let text = |i: usize| lines[i].text.as_ref();
    let prev = |i: usize| prev_nonblank(lines, i, floor);

    let mut cur = prev(d);
    let mut dateline = None;
    let mut issuer = None;
    let mut kind = None;
    let mut not_kept = Vec::new();

    if let Some(c) = cur
        && is_place(text(c))
    {
        dateline = Some(c);
        cur = prev(c);
    }
    if let Some((k, iss, extra)) = under_kind_label(lines, cur, floor) {
        // A kind label fixes the structure: whatever stands between it and
        // the dateline is the issuer, however it is worded.
        kind = Some(k);
        issuer = iss;
        not_kept.extend(extra);
        cur = prev(k);
    } else {
        if let Some(c) = cur {
            if let Some(iss) = issuer_at(lines, c, floor) {
                cur = prev(iss.first_line());
                issuer = Some(iss);
            } else if dateline.is_some()
                && is_name(text(c))
                && let Some(p) = prev(c)
                && let Some(iss) = issuer_at(lines, p, floor)
            {
                // "John Kerry / Secretary of State / Winfield House / London":
                // a venue between the byline and the dateline.
                not_kept.push(c);
                cur = prev(iss.first_line());
                issuer = Some(iss);
            }
        }
        if let Some(c) = cur
            && is_kind_line(lines, c, floor)
        {
            kind = Some(c);
            cur = prev(c);
        }
    }

    let title_end = match cur {
        Some(c) if title_acceptable(text(c)) => c,
        _ => {
            // A title printed with an office word ("... Embassy ...") was read
            // as the issuer; with nothing usable above it, it is the title.
            if kind.is_none()
                && let Some(IssuerLines::Line(i)) = issuer
                && title_acceptable(text(i))
            {
                issuer = None;
                i
            } else if kind.is_some() || (issuer.is_some() && dateline.is_some()) {
                // The fields of a header with nothing that can be its title
                // (a mobile page that starts at the kind line): a release
                // without a title, held for one rather than refused.
                usize::MAX
            } else {
                return Ok(None);
            }
        }
    };

    // A hard-wrapped title: contiguous title-like lines directly above.
    let title: Vec<usize> = if title_end == usize::MAX {
        Vec::new()
    } else {
        let mut title_start = title_end;
        while title_start > floor
            && title_end - title_start < 2
            && !lines[title_start - 1].is_blank()
            && title_acceptable(text(title_start - 1))
        {
            title_start -= 1;
        }
        (title_start..=title_end).collect()
    };
    let title_start = match title.first() {
        Some(&t) => t,
        None => kind
            .or(issuer.as_ref().map(IssuerLines::first_line))
            .or(dateline)
            .unwrap_or(d),
    };

    let mut after = d + 1;
    if issuer.is_none()
        && let Some((iss, extra, end)) = issuer_after_date(lines, d)
    {
        issuer = Some(iss);
        not_kept.extend(extra);
        after = end;
    }

    let has_fields = kind.is_some() || issuer.is_some() || dateline.is_some();
    if !has_fields {
        // Only a title above a date: accept it when both stand apart as
        // header lines do, so that a date inside a body is not a header.
        let apart_above = title_start == floor || lines[title_start - 1].is_blank();
        let apart_below = lines.get(d + 1).is_none_or(Line::is_blank);
        if !(apart_above && apart_below) {
            return Ok(None);
        }
    }

    let repeated_title = prev(title_start).filter(|&p| {
        if title.is_empty() {
            return false;
        }
        let t = normalize_words(&clean_title(&title_text(lines, &title)).0);
        !t.is_empty() && normalize_words(&clean_title(text(p)).0) == t
    });

    let mut attribution = None;
    let mut body_start = after;
    if let Some(a) = next_nonblank(lines, after)
        && Attribution::looks_like(strip_emphasis(text(a)))
    {
        attribution = Some(a);
        body_start = a + 1;
    }

    Ok(Some(Header {
        region_start: repeated_title.unwrap_or(title_start),
        repeated_title,
        title,
        kind,
        issuer,
        dateline,
        date_line: d,
        date,
        not_kept,
        attribution,
        body_start,
    }))
}

pub(crate) fn title_text(lines: &[Line], title: &[usize]) -> String {
    title
        .iter()
        .map(|&i| lines[i].text.as_ref())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A kind label at most three short header lines above `start` (the line
/// above the dateline or date). Returns the kind line, the issuer read from
/// the lines between, and the lines between that are not kept (a venue).
fn under_kind_label(
    lines: &[Line],
    start: Option<usize>,
    floor: usize,
) -> Option<(usize, Option<IssuerLines>, Vec<usize>)> {
    let text = |i: usize| lines[i].text.as_ref();
    let mut between = Vec::new();
    let mut cur = start;
    let kind = loop {
        let c = cur?;
        if is_kind_label(text(c)) {
            break c;
        }
        if between.len() == 3 || !is_field_like(text(c)) {
            return None;
        }
        between.push(c);
        cur = prev_nonblank(lines, c, floor);
    };
    between.reverse();
    let (issuer, extra) = match between.as_slice() {
        [] => (None, Vec::new()),
        [a] => (Some(IssuerLines::Line(*a)), Vec::new()),
        [a, b, rest @ ..] if is_role(text(*b)) && !is_name_comma_role(text(*a)) => (
            Some(IssuerLines::Person { name: *a, role: *b }),
            rest.to_vec(),
        ),
        [a, rest @ ..] => (Some(IssuerLines::Line(*a)), rest.to_vec()),
    };
    Some((kind, issuer, extra))
}

/// A short line that can be a header field: no sentence, date or footer.
fn is_field_like(s: &str) -> bool {
    let s = strip_emphasis(s);
    !s.is_empty()
        && s.chars().count() <= Issuer::MAX_CHARS
        && s.split_whitespace().count() <= 16
        && !ends_sentence(s)
        && !s.ends_with(',')
        && parse_date_line(s).is_none()
        && !is_footer_line(s)
        && !Attribution::looks_like(s)
}

/// An issuer ending at line `c`: a byline on two lines (name above title), a
/// "Name, Title" line, an office, or a "By ..." line.
fn issuer_at(lines: &[Line], c: usize, floor: usize) -> Option<IssuerLines> {
    let t = lines[c].text.as_ref();
    if is_role(t)
        && let Some(p) = prev_nonblank(lines, c, floor)
        && is_name(&lines[p].text)
    {
        return Some(IssuerLines::Person { name: p, role: c });
    }
    if is_name_comma_role(t) || is_office(t) {
        return Some(IssuerLines::Line(c));
    }
    by_line(t).map(|rest| IssuerLines::By(c, rest))
}

/// Issuer lines printed after the date (aggregator layouts): a block of one
/// or two issuer lines standing alone. Returns the issuer, the lines not
/// kept, and the first line after the block.
fn issuer_after_date(lines: &[Line], d: usize) -> Option<(IssuerLines, Vec<usize>, usize)> {
    let start = next_nonblank(lines, d + 1)?;
    let end = (start..lines.len())
        .find(|&j| lines[j].is_blank())
        .unwrap_or(lines.len());
    let block: Vec<usize> = (start..end).collect();
    let text = |i: usize| lines[i].text.as_ref();
    match block.as_slice() {
        [a, b] if is_name(text(*a)) && is_role(text(*b)) => {
            Some((IssuerLines::Person { name: *a, role: *b }, Vec::new(), end))
        }
        [_] | [_, _] => {
            let issuerish = |i: usize| {
                is_office(text(i)) || is_name_comma_role(text(i)) || by_line(text(i)).is_some()
            };
            if !block.iter().all(|&i| issuerish(i)) {
                return None;
            }
            // Prefer the byline ("document By Office of ...") over a source
            // line naming the whole department.
            let chosen = block
                .iter()
                .copied()
                .find(|&i| by_line(text(i)).is_some())
                .unwrap_or(block[0]);
            let iss = match by_line(text(chosen)) {
                Some(rest) => IssuerLines::By(chosen, rest),
                None => IssuerLines::Line(chosen),
            };
            let extra = block.iter().copied().filter(|&i| i != chosen).collect();
            Some((iss, extra, end))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Line shapes. Each is deliberately narrow: a false "field" would eat a title
// or a body line, which is worse than a field left unread.

const ROLE_WORDS: &str = "\
    secretary spokesperson spokesman spokeswoman ambassador envoy minister president \
    director coordinator counselor counsellor administrator advisor adviser \
    representative chief deputy assistant chargé charge consul commissioner chairman \
    chairwoman governor attorney";

/// Labels that name a kind of statement but are not among the domain's
/// known kinds; they are kept as written ([`Kind::Other`]).
const EXTRA_KIND_KEYS: &str = "\
    takenquestion takenquestions speech testimony interview briefing specialbriefing \
    backgroundbriefing pressbriefing dailypressbriefing oped announcement \
    pressrelease mediaadvisory jointpressstatement pressnote";

/// Last words of unfamiliar kind labels ("Policy Statement", "Travel
/// Advisory").
const KIND_NOUNS: &str = "\
    note statement question questions briefing advisory release notice remarks sheet \
    announcement readout testimony speech interview transcript alert guidance \
    communique declaration proclamation";

const NAME_PARTICLES: &str = "\
    bin al de da das do dos del van von der la le du";

/// Whether `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    // A substring search rules out almost every word before the lists are
    // split (these tests run on every header-like line of an archive).
    !word.is_empty() && list.contains(word) && list.split_ascii_whitespace().any(|w| w == word)
}

/// The words of `s` (runs of letters and digits), lower-cased; borrowed
/// when already lower-case ASCII.
fn lower_words(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                Cow::Borrowed(w)
            } else {
                Cow::Owned(w.to_lowercase())
            }
        })
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// Whether a line ends a sentence (". ! ? : ;", also before a closing quote
/// or parenthesis), not counting abbreviations such as "D.C." or "Jr.".
pub(crate) fn ends_sentence(s: &str) -> bool {
    let t = s
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*', '_']);
    let Some(last) = t.chars().last() else {
        return false;
    };
    match last {
        '!' | '?' | ':' | ';' | '…' => true,
        '.' => {
            let word = t.rsplit(char::is_whitespace).next().unwrap_or(t);
            !is_abbreviation(word)
        }
        _ => false,
    }
}

/// "U.S.", "D.C.", "R.", "Jr.": a full stop that does not end a sentence.
fn is_abbreviation(word: &str) -> bool {
    let core = word.trim_end_matches('.');
    let letters = core.chars().filter(|c| c.is_alphabetic()).count();
    core.contains('.')
        || (letters == 1 && core.chars().all(char::is_uppercase))
        || ["Jr", "Sr", "St", "Inc", "Ltd", "Co", "No"].contains(&core)
}

/// A kind label on a line of its own: a known kind, or a familiar label the
/// domain keeps as written.
pub(crate) fn is_kind_label(s: &str) -> bool {
    let s = strip_emphasis(s);
    // Asked of every short line of an archive: the label's key is computed
    // once and compared, with no parsing (a kind line has no control
    // characters, which `Kind::parse` would refuse).
    if s.len() > 4 * Kind::MAX_CHARS
        || s.chars().count() > Kind::MAX_CHARS
        || s.contains(':')
        || s.chars().any(char::is_control)
    {
        return false;
    }
    let k = Kind::key_of(s);
    !k.is_empty() && (Kind::known_by_key(&k).is_some() || listed(EXTRA_KIND_KEYS, &k))
}

/// A kind line at `c`: a label, or an unfamiliar one-to-three-word label
/// ending in a kind noun, standing apart below a title.
fn is_kind_line(lines: &[Line], c: usize, floor: usize) -> bool {
    let t = strip_emphasis(&lines[c].text);
    if is_kind_label(t) {
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let shaped = (1..=3).contains(&words.len())
        && t.chars().count() <= 40
        && words
            .iter()
            .all(|w| starts_upper(w) && w.chars().all(|c| c.is_alphabetic() || c == '-'))
        && words
            .last()
            .is_some_and(|w| listed(KIND_NOUNS, &w.to_lowercase()));
    shaped
        && c > floor
        && lines[c - 1].is_blank()
        && prev_nonblank(lines, c, floor).is_some_and(|p| title_acceptable(&lines[p].text))
}

/// A place printed above the date: "Washington, DC", "London, United
/// Kingdom".
pub(crate) fn is_place(s: &str) -> bool {
    let s = strip_emphasis(s);
    if s.chars().count() > 60 || has_digit(s) || s.contains(':') || ends_sentence(s) {
        return false;
    }
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            let n = p.split_whitespace().count();
            (1..=6).contains(&n) && starts_upper(p)
        })
        && !has_role_word(s)
        && !names_office(s)
        && !is_kind_label(s)
}

fn has_role_word(s: &str) -> bool {
    lower_words(s).any(|w| listed(ROLE_WORDS, &w))
}

fn names_office(s: &str) -> bool {
    Issuer::parse(s).is_ok_and(|i| i.issuer_type() == IssuerType::Office)
}

/// A person's name on a line of its own: "Rex W. Tillerson", "Yusuf bin
/// Alawi bin Abdullah".
pub(crate) fn is_name(s: &str) -> bool {
    let s = strip_emphasis(s);
    if s.chars().count() > 60 || s.contains(',') || has_digit(s) || ends_sentence(s) {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=6).contains(&words.len()) {
        return false;
    }
    let mut capitalized = 0;
    for w in &words {
        if !w
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
        {
            return false;
        }
        if starts_upper(w) {
            capitalized += 1;
        } else if !listed(NAME_PARTICLES, w) {
            return false;
        }
    }
    let ends_like_kind = words
        .last()
        .is_some_and(|w| listed(KIND_NOUNS, &w.to_lowercase()));
    capitalized >= 2
        && !ends_like_kind
        && !has_role_word(s)
        && !names_office(s)
        && !is_kind_label(s)
}

/// First words of an office's name, which make a line an office even when it
/// names a role ("Office of the Spokesperson").
const OFFICE_OPENINGS: &str = "\
    office bureau embassy consulate mission ministry secretariat directorate \
    division council";

/// A person's title on a line of its own: "Secretary of State".
pub(crate) fn is_role(s: &str) -> bool {
    let s = strip_emphasis(s);
    let opens_office = lower_words(s)
        .next()
        .is_some_and(|w| listed(OFFICE_OPENINGS, &w));
    !opens_office
        && s.chars().count() <= 100
        && s.split_whitespace().count() <= 12
        && starts_upper(s)
        && !has_digit(s)
        && !s.contains(':')
        && !ends_sentence(s)
        && has_role_word(s)
}

/// "Antony J. Blinken, Secretary of State".
pub(crate) fn is_name_comma_role(s: &str) -> bool {
    let s = strip_emphasis(s);
    s.split_once(',')
        .is_some_and(|(name, role)| is_name(name) && is_role(role.trim()))
}

/// An office on a line of its own: "Office of the Spokesperson", "Bureau of
/// Public Affairs, Office of the Spokesman".
pub(crate) fn is_office(s: &str) -> bool {
    let s = strip_emphasis(s);
    s.chars().count() <= 120
        && s.split_whitespace().count() <= 12
        && starts_upper(s)
        && !has_digit(s)
        && !s.contains(':')
        && !ends_sentence(s)
        && !is_kind_label(s)
        && names_office(s)
}

/// "By Office of the Spokesperson", "document By Office of the
/// Spokesperson": the issuer after "By".
fn by_line(s: &str) -> Option<String> {
    let s = strip_emphasis(s);
    let words: Vec<&str> = s.split_whitespace().collect();
    let pos = words
        .iter()
        .take(2)
        .position(|w| w.eq_ignore_ascii_case("by"))?;
    let rest = words[pos + 1..].join(" ");
    let ok = !rest.is_empty()
        && starts_upper(&rest)
        && rest.chars().count() <= Issuer::MAX_CHARS
        && !ends_sentence(&rest)
        && !has_digit(&rest)
        && (names_office(&rest) || is_name(&rest) || is_name_comma_role(&rest));
    ok.then_some(rest)
}

/// Whether a line can be a release's title: a headline, not a sentence, date,
/// footer or attribution.
pub(crate) fn title_acceptable(s: &str) -> bool {
    let (cleaned, _) = clean_title(s);
    let t = cleaned.as_str();
    !t.is_empty()
        && parse_date_line(t).is_none()
        && !is_footer_line(t)
        && !starts_with_ignoring_case(t, "the office of website management")
        && !Attribution::looks_like(t)
        && !ends_sentence_or_comma(t)
}

/// Section labels that pages print before a title.
const SECTION_PREFIXES: [&str; 2] = ["press releases:", "press release:"];

/// The title as the public reads it: without Markdown link or heading markup
/// and without the site's section label. Returns the repairs made.
pub(crate) fn clean_title(raw: &str) -> (String, Vec<(ReportKind, String)>) {
    let mut repairs = Vec::new();
    let mut s = raw.trim().to_owned();
    if let Some(inner) = link_text(&s) {
        repairs.push((
            ReportKind::TitleLinkMarkup,
            format!("removed link markup from {s:?}"),
        ));
        s = inner.trim().to_owned();
    }
    // "## Title" is a heading; "#MeToo ..." is a hashtag and stays.
    let hashes = s.trim_start_matches('#');
    let unheaded = if hashes.len() < s.len() && hashes.starts_with(' ') {
        hashes
    } else {
        s.as_str()
    };
    let unmarked = strip_emphasis(unheaded).to_owned();
    if unmarked != s {
        repairs.push((
            ReportKind::TitleMarkup,
            format!("removed markup from {s:?}"),
        ));
        s = unmarked;
    }
    for prefix in SECTION_PREFIXES {
        let head: String = s.chars().take(prefix.chars().count()).collect();
        if head.to_lowercase() == prefix {
            let rest = s[head.len()..].trim().to_owned();
            if !rest.is_empty() {
                repairs.push((ReportKind::SectionPrefix, format!("removed {:?}", head)));
                s = rest;
            }
            break;
        }
    }
    (s, repairs)
}

/// The text of a line that is one Markdown link, "[text](url)".
fn link_text(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('[')?.strip_suffix(')')?;
    let split = inner.rfind("](")?;
    let url = &inner[split + 2..];
    (!url.contains(char::is_whitespace)).then_some(&inner[..split])
}

/// An ASCII prefix test without case, cheaper than normalizing the line.
fn starts_with_ignoring_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn ends_sentence_or_comma(t: &str) -> bool {
    let t = t.trim_end();
    // "?" and "!" end headlines too ("Why Does X Matter?").
    (ends_sentence(t) && !t.ends_with(['?', '!'])) || t.ends_with(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_told_from_bylines_and_offices() {
        assert!(is_place("Washington, DC"));
        assert!(is_place("Washington, D.C."));
        assert!(is_place("London, United Kingdom"));
        assert!(is_place("Bogotá, Colombia"));
        assert!(!is_place("Antony J. Blinken, Secretary of State"));
        assert!(!is_place(
            "Bureau of Public Affairs, Office of the Spokesman"
        ));
        assert!(!is_place("Office of the Spokesperson"));
        assert!(!is_place("Syria, Iraq, and Iran"));
    }

    #[test]
    fn bylines_are_recognized() {
        assert!(is_name("Rex W. Tillerson"));
        assert!(is_name("Hillary Rodham Clinton"));
        assert!(!is_name("Media Note"));
        assert!(!is_name("Secretary of State"));
        assert!(is_role("Secretary of State"));
        assert!(is_role("Department Spokesperson"));
        assert!(!is_role("Office of the Spokesperson"));
        assert!(!is_name("Policy Statement"));
        assert!(is_name_comma_role("Antony J. Blinken, Secretary of State"));
        assert!(!is_name_comma_role("Washington, DC"));
    }

    #[test]
    fn offices_are_recognized_but_not_kind_labels() {
        assert!(is_office("Office of the Spokesperson"));
        assert!(is_office(
            "Bureau of Public Affairs, Office of the Spokesman"
        ));
        assert!(!is_office("Press Statement"));
        assert!(!is_office(
            "Press Releases: Office of the Spokesperson Travel"
        ));
    }

    #[test]
    fn kind_labels_include_familiar_unknown_ones() {
        assert!(is_kind_label("Media Note"));
        assert!(is_kind_label("Taken Question"));
        assert!(is_kind_label("*Readout*"));
        assert!(!is_kind_label("Sanctions Announcement on Russia"));
    }

    #[test]
    fn by_lines_give_the_issuer() {
        assert_eq!(
            by_line("document By Office of the Spokesperson").as_deref(),
            Some("Office of the Spokesperson")
        );
        assert_eq!(by_line("Stand by me tonight."), None);
    }

    #[test]
    fn sentence_ends_ignore_abbreviations() {
        assert!(ends_sentence("They met today."));
        assert!(ends_sentence("He said \"no.\""));
        assert!(ends_sentence("attributable to X:"));
        assert!(!ends_sentence("Washington, D.C."));
        assert!(!ends_sentence("cyber operations continue"));
        assert!(!ends_sentence("Michael R."));
    }

    #[test]
    fn title_markup_and_section_label_are_removed() {
        let (t, r) = clean_title("[Press Releases: Sanctions Announcement on Russia](#)");
        assert_eq!(t, "Sanctions Announcement on Russia");
        let kinds: Vec<_> = r.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [ReportKind::TitleLinkMarkup, ReportKind::SectionPrefix]
        );
        assert_eq!(clean_title("## **A: B**").0, "A: B");
        assert_eq!(clean_title("Press Releases:").0, "Press Releases:");
        assert_eq!(clean_title("[a] b").0, "[a] b");
    }

    #[test]
    fn titles_are_headlines() {
        assert!(title_acceptable("Sanctions Announcement on Russia"));
        assert!(title_acceptable("[Press Releases: A](#)"));
        assert!(title_acceptable("Why Now?"));
        assert!(!title_acceptable("They met today."));
        assert!(!title_acceptable("PRN: 2009/682"));
        assert!(!title_acceptable("December 19, 2018"));
    }
}
