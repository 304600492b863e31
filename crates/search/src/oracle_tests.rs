//! The facet counts against an oracle: every match listed page by page
//! (by date, through the one-pass collector), its kind, issuer and year
//! read from the releases themselves, and counted here, for words,
//! phrases and random filters over a synthetic corpus in several
//! segments, before and after deletions and corrections; every lone word
//! asked twice, the second time answered from the kept counts.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use pressroom_domain::{Kind, Release, ReleaseId, Slug, Status};
use pressroom_synth::Generator;

use crate::{FacetValue, Facets, SearchIndex, SearchRequest, Sort};

const RELEASES: i64 = 1_500;
const TOP_ISSUERS: usize = 15;

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().expect("time")
}

fn corpus() -> Vec<Release> {
    let mut generator = Generator::new(7);
    (1..=RELEASES)
        .map(|id| {
            let content = generator.next_release();
            Release {
                id: ReleaseId(id),
                slug: Slug::from_title(content.title.as_str()),
                status: Status::Published,
                revision: 1,
                published_at: Some(now() - jiff::SignedDuration::from_hours(1)),
                created_at: now(),
                updated_at: now(),
                content,
            }
        })
        .collect()
}

/// Every release `req` matches, by id, from its pages in date order.
fn all_matches(index: &SearchIndex, req: &SearchRequest) -> Vec<i64> {
    let mut ids = Vec::new();
    for page in 1..=SearchRequest::MAX_PAGE {
        let r = index
            .search(
                &SearchRequest {
                    sort: Sort::Newest,
                    page,
                    per_page: SearchRequest::MAX_PER_PAGE,
                    ..req.clone()
                },
                now(),
            )
            .expect("search");
        let n = r.hits.len();
        ids.extend(r.hits.into_iter().map(|h| h.id));
        if n < SearchRequest::MAX_PER_PAGE as usize {
            break;
        }
    }
    ids
}

/// The facets of these releases, ranked as the page ranks them.
fn facets_of(releases: &[&Release]) -> Facets {
    let mut kind: HashMap<String, u64> = HashMap::new();
    let mut issuer: HashMap<String, u64> = HashMap::new();
    let mut year: BTreeMap<i16, u64> = BTreeMap::new();
    for r in releases {
        let c = &r.content;
        if let Some(k) = &c.kind {
            *kind.entry(k.as_str().to_owned()).or_default() += 1;
        }
        if let Some(i) = &c.issuer {
            *issuer.entry(i.as_str().to_owned()).or_default() += 1;
        }
        *year.entry(c.date.date().year()).or_default() += 1;
    }
    let ranked = |m: HashMap<String, u64>| {
        let mut v: Vec<FacetValue> = m
            .into_iter()
            .map(|(value, count)| FacetValue { value, count })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        v
    };
    let mut issuer = ranked(issuer);
    issuer.truncate(TOP_ISSUERS);
    Facets {
        kind: ranked(kind),
        issuer,
        year: year
            .into_iter()
            .rev()
            .map(|(y, count)| FacetValue {
                value: y.to_string(),
                count,
            })
            .collect(),
    }
}

/// A small deterministic generator for the random filters.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn check(index: &SearchIndex, live: &HashMap<i64, &Release>, req: &SearchRequest) {
    let ids = all_matches(index, req);
    let matched: Vec<&Release> = ids.iter().map(|id| live[id]).collect();
    let expected = facets_of(&matched);
    // Twice: the second answer of a lone word comes from the kept counts.
    for round in 0..2 {
        let r = index.search(req, now()).expect("search");
        for hit in &r.hits {
            assert!(
                live.contains_key(&hit.id),
                "{req:?}: {} is not public",
                hit.id
            );
        }
        assert_eq!(r.total, ids.len() as u64, "{req:?} round {round}");
        assert_eq!(r.facets, expected, "{req:?} round {round}");
    }
}

const WORDS: [&str; 10] = [
    "fentanyl",
    "cybersecurity",
    "polio",
    "maritime",
    "Angola",
    "pandemic",
    "sanctions",
    "humanitarian",
    "Ukraine",
    "secretary",
];
const PHRASES: [&str; 4] = [
    "\"human rights\"",
    "\"maritime security\"",
    "\"weapons of mass destruction\"",
    "\"trafficking in persons\"",
];

fn check_all(index: &SearchIndex, live: &HashMap<i64, &Release>, draw: &mut Draw) {
    let kinds: Vec<String> = live
        .values()
        .filter_map(|r| r.content.kind.as_ref().map(|k| k.as_str().to_owned()))
        .collect();
    let issuers: Vec<String> = live
        .values()
        .filter_map(|r| r.content.issuer.as_ref().map(|i| i.as_str().to_owned()))
        .collect();
    for q in WORDS.iter().chain(PHRASES.iter()) {
        let ask = SearchRequest {
            q: (*q).to_owned(),
            page: 1,
            per_page: 10,
            ..SearchRequest::default()
        };
        check(index, live, &ask);
        // The same words with random filters (a value, another, none).
        for _ in 0..3 {
            let mut filtered = ask.clone();
            match draw.below(4) {
                0 => filtered.kind = Some(kinds[draw.below(kinds.len())].clone()),
                1 => filtered.issuer = Some(issuers[draw.below(issuers.len())].clone()),
                2 => filtered.year = Some(2006 + draw.below(20) as i16),
                _ => {
                    filtered.kind = Some(kinds[draw.below(kinds.len())].clone());
                    filtered.year = Some(2006 + draw.below(20) as i16);
                }
            }
            check(index, live, &filtered);
        }
    }
}

#[test]
fn facet_counts_equal_counting_every_match() {
    let mut releases = corpus();
    let index = SearchIndex::in_memory().expect("index");
    index.term_counts().keep_all();
    // Several commits: several segments, each numbering its values its own way.
    let mut w = index.updater().expect("writer");
    for batch in releases.chunks(400) {
        for r in batch {
            w.add_new(r).expect("add");
        }
        w.commit().expect("commit");
    }
    let mut draw = Draw(11);
    let live: HashMap<i64, &Release> = releases.iter().map(|r| (r.id.0, r)).collect();
    check_all(&index, &live, &mut draw);
    assert!(
        index.term_counts().kept() > 0,
        "lone words' counts were kept"
    );

    // Withdraw every seventh release and correct every eleventh's kind: the
    // kept counts of the segments they were in no longer hold.
    for r in releases.iter_mut() {
        if r.id.0 % 11 == 0 {
            r.content.kind = Some(Kind::parse("Media Note").expect("kind"));
            r.revision += 1;
        }
    }
    for r in &releases {
        if r.id.0 % 7 == 0 {
            w.remove(r.id);
        } else if r.id.0 % 11 == 0 {
            w.upsert(r).expect("upsert");
        }
    }
    w.commit().expect("commit");
    let live: HashMap<i64, &Release> = releases
        .iter()
        .filter(|r| r.id.0 % 7 != 0)
        .map(|r| (r.id.0, r))
        .collect();
    check_all(&index, &live, &mut draw);

    // Embargoed releases (public tomorrow) in a segment of their own: that
    // segment is counted and ranked through the gate, the others not.
    let mut generator = Generator::new(8);
    let embargoed: Vec<Release> = (RELEASES + 1..=RELEASES + 200)
        .map(|id| Release {
            id: ReleaseId(id),
            slug: Slug::from_title("embargoed"),
            status: Status::Embargoed,
            revision: 1,
            published_at: Some(now() + jiff::SignedDuration::from_hours(24)),
            created_at: now(),
            updated_at: now(),
            content: generator.next_release(),
        })
        .collect();
    for r in &embargoed {
        w.upsert(r).expect("upsert");
    }
    w.commit().expect("commit");
    check_all(&index, &live, &mut draw);
}

#[test]
fn facet_counts_hold_as_each_commit_builds_its_dictionary_from_the_last() {
    let releases = corpus();
    let index = SearchIndex::in_memory().expect("index");
    let mut w = index.updater().expect("writer");
    let mut live: HashMap<i64, &Release> = HashMap::new();
    let mut draw = Draw(5);
    // Small commits, searched after each: every dictionary starts from the
    // one before, most commits bring issuers it has not seen, and merges
    // replace segments meanwhile.
    for batch in releases.chunks(100) {
        for r in batch {
            w.add_new(r).expect("add");
            live.insert(r.id.0, r);
        }
        w.commit().expect("commit");
        let issuers: Vec<String> = live
            .values()
            .filter_map(|r| r.content.issuer.as_ref().map(|i| i.as_str().to_owned()))
            .collect();
        for q in ["sanctions", "\"human rights\"", "secretary"] {
            let mut ask = SearchRequest {
                q: q.to_owned(),
                page: 1,
                per_page: 10,
                ..SearchRequest::default()
            };
            check(&index, &live, &ask);
            ask.issuer = Some(issuers[draw.below(issuers.len())].clone());
            check(&index, &live, &ask);
        }
    }
}

/// The snippet analyzer stems only words that start as an asked word
/// does: on every text of the corpus it must mark exactly what the full
/// analyzer marks, and every word's stem must keep its first letter.
#[test]
fn snippets_stemming_only_likely_words_mark_the_same_words() {
    use tantivy::tokenizer::TextAnalyzer;

    use crate::schema::{snippet_analyzer, text_analyzer};

    fn marks(analyzer: &mut TextAnalyzer, text: &str, stems: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if stems.contains(&t.text.as_str()) {
                out.push((t.offset_from, t.offset_to));
            }
        }
        out
    }
    let mut full = text_analyzer();
    let mut stemmer = text_analyzer();
    let asked: Vec<Vec<String>> = WORDS
        .iter()
        .chain(PHRASES.iter())
        .chain(["States", "reiterated", "cooperation", "ies", "y", "dying"].iter())
        .map(|q| {
            let mut stream = stemmer.token_stream(q);
            let mut stems = Vec::new();
            while stream.advance() {
                stems.push(stream.token().text.clone());
            }
            stems
        })
        .collect();
    let plain = crate::schema::words_analyzer();
    for r in corpus().iter().take(300) {
        let c = &r.content;
        let body = c.body.texts().collect::<Vec<_>>().join("\n\n");
        for text in [c.title.as_str(), body.as_str()] {
            for stems in &asked {
                let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
                let mut selective = snippet_analyzer(&stems);
                assert_eq!(
                    marks(&mut selective, text, &stems),
                    marks(&mut full, text, &stems),
                    "{stems:?} in {text}"
                );
            }
            // Each word, stemmed on its own, keeps its first letter.
            let mut words = plain.clone();
            let mut stream = words.token_stream(text);
            while stream.advance() {
                let word = &stream.token().text;
                let mut one = text_analyzer();
                let mut s = one.token_stream(word);
                while s.advance() {
                    assert_eq!(s.token().text.chars().next(), word.chars().next(), "{word}");
                }
            }
        }
    }
}
