//! Which releases a cached page can show, told from its address alone, and
//! which pages a change to some releases touches. The rules follow what
//! each handler reads: a release page reads the release and its neighbours
//! of the same kind; the listing reads its filter and, for each facet, the
//! filter without that facet; a feed or the API list reads its filter; a
//! numbered sitemap file, its span of ids, and the sitemap index, the files
//! it names (their handlers say which). Anything
//! else that shows releases (search, a one-file sitemap, the archive, whose
//! every year page counts every year, proofs and the log, the exit notice)
//! is touched by every change. Being wrong here serves a stale page, so every
//! rule errs on the side of touching: filters compare without case, an
//! address that does not parse is touched by everything.

use std::collections::HashSet;
use std::ops::RangeInclusive;

use pressroom_domain::{ReleaseContent, ReleasePath};

/// What a cached page depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    /// Shows no release: stylesheets, robots.txt, the API description, the
    /// log's keys. Only a full invalidation drops it.
    Fixed,
    /// A release's own page (or its API record), by canonical path: the
    /// release and its neighbours of the same kind.
    Release(String),
    /// The HTML listing under a filter, each facet counted under the others.
    Listing(Filter),
    /// The newest releases matching a filter and nothing else: the feeds
    /// without a search, the API list.
    Entries(Filter),
    /// Lists the public releases with these ids and nothing else: a
    /// numbered sitemap file (told by its handler, not by the address).
    Ids(RangeInclusive<i64>),
    /// Names the numbered sitemap files of `span` ids that hold a public
    /// release (the sitemap index; its handler says which). A file starts
    /// or stops holding one only by a change to a release outside the
    /// named files, or to the first public release of one of them (the
    /// others leave it non-empty whatever they become).
    Files {
        span: u64,
        firsts: std::collections::BTreeMap<u64, i64>,
    },
    /// Any change may alter it.
    Any,
}

/// A listing filter as the address gives it; text compared lowercased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Filter {
    kind: Option<String>,
    issuer: Option<String>,
    year: Option<i16>,
    /// Only with `year`, as the listing reads it.
    month: Option<i8>,
}

/// The filterable fields of one state of a release (its current content or
/// an earlier revision's).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Facets {
    kind: Option<String>,
    issuer: Option<String>,
    year: i16,
    month: i8,
}

impl Facets {
    pub(super) fn of(content: &ReleaseContent) -> Self {
        let date = content.date.date();
        Self {
            kind: content.kind.as_ref().map(|k| k.as_str().to_lowercase()),
            issuer: content.issuer.as_ref().map(|i| i.as_str().to_lowercase()),
            year: date.year(),
            month: date.month(),
        }
    }
}

/// What a batch of changes touches: the paths of the release pages whose
/// content or neighbours changed, and every state (before and after) of the
/// changed releases.
#[derive(Debug, Default)]
pub(super) struct Touched {
    pub(super) paths: HashSet<String>,
    pub(super) states: HashSet<Facets>,
    /// The changed releases' ids.
    pub(super) ids: HashSet<i64>,
}

impl Touched {
    pub(super) fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.states.is_empty() && self.ids.is_empty()
    }
}

impl Filter {
    /// The filter of a query string; `None` when a value does not parse
    /// (the handler answers 400, but nothing is assumed about it).
    fn parse(query: Option<&str>) -> Option<Self> {
        let mut f = Filter::default();
        let mut month = None;
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "kind" => f.kind = Some(value.to_lowercase()),
                "issuer" => f.issuer = Some(value.to_lowercase()),
                "year" => f.year = Some(value.parse().ok()?),
                "month" => month = Some(value.parse().ok()?),
                _ => {}
            }
        }
        f.month = f.year.and(month);
        Some(f)
    }

    /// Which of the filter's parts `s` fails: kind, issuer, year-or-month.
    fn misses(&self, s: &Facets) -> [bool; 3] {
        let differs = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_some_and(|w| have.as_ref() != Some(w))
        };
        [
            differs(&self.kind, &s.kind),
            differs(&self.issuer, &s.issuer),
            self.year.is_some_and(|y| y != s.year) || self.month.is_some_and(|m| m != s.month),
        ]
    }
}

/// Whether a query string asks for a search (`q=` with text).
fn has_search(query: Option<&str>) -> bool {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .any(|(k, v)| k == "q" && !v.trim().is_empty())
}

impl Scope {
    /// The scope of the page at `path?query`.
    pub(super) fn of(path: &str, query: Option<&str>) -> Self {
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let release = |s: &[&str]| match s {
            [y, m, d, slug] => ReleasePath::from_segments(y, m, d, slug)
                .map(|p| Scope::Release(p.to_string()))
                .unwrap_or(Scope::Any),
            _ => Scope::Any,
        };
        let filtered = |make: fn(Filter) -> Scope| Filter::parse(query).map_or(Scope::Any, make);
        match segments.as_slice() {
            ["static", _] | ["favicon.svg"] | ["robots.txt"] => Scope::Fixed,
            ["api", "openapi.json"] | [".well-known", "pressroom", "keys"] => Scope::Fixed,
            ["releases", rest @ ..] if rest.len() == 4 => release(rest),
            ["api", "releases", rest @ ..] if rest.len() == 4 => release(rest),
            [""] => filtered(Scope::Listing),
            ["feed.atom" | "feed.rss" | "feed.json"] if !has_search(query) => {
                filtered(Scope::Entries)
            }
            ["api", "releases"] => filtered(Scope::Entries),
            _ => Scope::Any,
        }
    }

    /// Whether a page of this scope may have changed by `touched`.
    pub(super) fn touched_by(&self, touched: &Touched) -> bool {
        let any_state = |f: &dyn Fn(&Facets) -> bool| touched.states.iter().any(f);
        match self {
            Scope::Fixed => false,
            Scope::Release(path) => touched.paths.contains(path),
            // The list itself and each facet's counts, which ignore that
            // facet: a release failing one part of the filter still
            // changes the count beside another value of that part.
            Scope::Listing(f) => any_state(&|s| f.misses(s).iter().filter(|m| **m).count() <= 1),
            Scope::Entries(f) => any_state(&|s| f.misses(s).iter().all(|m| !m)),
            Scope::Ids(ids) => touched.ids.iter().any(|id| ids.contains(id)),
            Scope::Files { span, firsts } => touched.ids.iter().any(|&id| {
                firsts
                    .get(&pressroom_render::sitemap_file_of(id, *span))
                    .is_none_or(|&first| first == id)
            }),
            Scope::Any => !touched.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(kind: &str, issuer: &str, year: i16, month: i8) -> Facets {
        Facets {
            kind: Some(kind.to_lowercase()),
            issuer: Some(issuer.to_lowercase()),
            year,
            month,
        }
    }

    fn touched(s: Facets) -> Touched {
        Touched {
            states: HashSet::from([s]),
            ..Touched::default()
        }
    }

    #[test]
    fn addresses_get_the_scope_of_what_their_handler_reads() {
        assert_eq!(Scope::of("/static/style.css", None), Scope::Fixed);
        assert_eq!(
            Scope::of("/releases/2026/06/01/a-slug", None),
            Scope::Release("/releases/2026/06/01/a-slug".to_owned())
        );
        assert_eq!(
            Scope::of("/api/releases/2026/06/01/a-slug", None),
            Scope::Release("/releases/2026/06/01/a-slug".to_owned())
        );
        assert_eq!(
            Scope::of("/releases/2026/06/01/a-slug/proof", None),
            Scope::Any
        );
        assert_eq!(Scope::of("/releases/2026/13/01/a-slug", None), Scope::Any);
        assert_eq!(Scope::of("/archive/2024", None), Scope::Any);
        assert_eq!(Scope::of("/feed.atom", Some("q=visa")), Scope::Any);
        assert_eq!(Scope::of("/", Some("year=abc")), Scope::Any);
        assert_eq!(Scope::of("/search", Some("q=visa")), Scope::Any);
        assert_eq!(Scope::of("/sitemap.xml", None), Scope::Any);
    }

    #[test]
    fn a_listing_is_touched_unless_a_release_fails_two_parts_of_its_filter() {
        let page = Scope::of("/", Some("kind=Readout&issuer=Office+A&year=2024&month=6"));
        assert!(page.touched_by(&touched(state("readout", "office a", 2024, 6))));
        // Counted beside another kind, issuer, or year.
        assert!(page.touched_by(&touched(state("Statement", "Office A", 2024, 6))));
        assert!(page.touched_by(&touched(state("Readout", "Office B", 2024, 6))));
        assert!(page.touched_by(&touched(state("Readout", "Office A", 2023, 1))));
        assert!(!page.touched_by(&touched(state("Statement", "Office B", 2024, 6))));
        assert!(!page.touched_by(&touched(state("Statement", "Office A", 2023, 6))));
    }

    #[test]
    fn a_feed_is_touched_only_by_releases_matching_its_whole_filter() {
        let feed = Scope::of("/feed.atom", Some("kind=Readout"));
        assert!(feed.touched_by(&touched(state("Readout", "x", 2024, 6))));
        assert!(!feed.touched_by(&touched(state("Statement", "x", 2024, 6))));
        assert!(Scope::of("/feed.atom", None).touched_by(&touched(state("a", "b", 2000, 1))));
        assert!(!Scope::Any.touched_by(&Touched::default()));
    }

    #[test]
    fn a_sitemap_file_is_touched_only_by_a_change_to_a_release_in_its_span() {
        let file = Scope::Ids(5_001..=10_000);
        let change = |id| Touched {
            ids: HashSet::from([id]),
            ..Touched::default()
        };
        assert!(file.touched_by(&change(5_001)));
        assert!(file.touched_by(&change(10_000)));
        assert!(!file.touched_by(&change(5_000)));
        assert!(!file.touched_by(&change(10_001)));
        assert!(Scope::Any.touched_by(&change(1)));
    }

    #[test]
    fn the_sitemap_index_is_touched_only_where_a_file_may_open_or_empty() {
        let index = Scope::Files {
            span: 3,
            firsts: [(1, 2), (2, 4)].into_iter().collect(),
        };
        let ids = |ids: &[i64]| Touched {
            ids: ids.iter().copied().collect(),
            ..Touched::default()
        };
        // Another release of a named file leaves it holding its first.
        assert!(!index.touched_by(&ids(&[3])));
        assert!(!index.touched_by(&ids(&[5, 6])));
        assert!(
            !index.touched_by(&ids(&[1])),
            "before the first: still named"
        );
        // The first public release of a file may leave it empty.
        assert!(index.touched_by(&ids(&[4])));
        // A release in a file the index does not name may open it.
        assert!(index.touched_by(&ids(&[7])));
        assert!(!index.touched_by(&Touched::default()));
    }
}
