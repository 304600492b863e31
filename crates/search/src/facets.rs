//! [`FacetTally`]: the count of every match and of its kind, issuer and
//! year, needing no scores: alone after a ranking pass, or paired with the
//! ranking collector so that every match is visited once.
//!
//! A query's matches can be most of a million releases, so the work per
//! match must be a few instructions. [`FacetCodes`] keeps, per segment,
//! one packed word per document (its kind, issuer and year as small
//! numbers), built once when a segment first appears (by the reader's
//! warmer, after a commit, not on a query's path) from the fast columns;
//! a segment never changes after it is written, so the codes stay exact
//! for its life, and deleted documents are never handed to a collector.
//! Tallying a match is then one load and three increments.
//!
//! Segments number their values each in their own way; a [`Dictionary`],
//! built once per searcher generation (again by the warmer), lists every
//! kind and issuer of all the segments once, sorted, and maps each
//! segment's numbers to those. Merging the segments' counts is then an
//! addition per value that occurred, and names are looked up only for the
//! values shown: no string is hashed or copied per segment per query.
//! Each dictionary is built from the one before: a commit adds a segment
//! or two, so only their names are looked up; the other segments keep
//! their maps as they were, or renumbered in one pass when a name is new
//! (at a million releases, tens of thousands of issuers in each of a dozen
//! segments: sorting them all again took tens of milliseconds per commit).
//!
//! [`TermCounts`] keeps the counts of a lone term per segment (a common
//! word matches most of a segment, and its counts are the same every time
//! until the segment changes), keyed by the segment, its deletions and
//! the term.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{
    DocId, Opstamp, Score, Searcher, SearcherGeneration, SegmentOrdinal, SegmentReader, Term,
    Warmer,
};

use crate::index::Gate;
use crate::results::{FacetValue, Facets};
use crate::schema::{DATE_FIELD, ISSUER_KEY, KIND_KEY};

/// Bits of a document's code: kind in the low 16, issuer in the next 32,
/// year in the top 16. Each part is a slot: 0 for no value, else the
/// segment's ordinal of the value plus one (the year: its offset from the
/// segment's first year plus one).
const KIND_BITS: u32 = 16;
const ISSUER_BITS: u32 = 32;
const KIND_MASK: u64 = (1 << KIND_BITS) - 1;
const ISSUER_MASK: u64 = (1 << ISSUER_BITS) - 1;

/// One segment's codes and what their slots stand for.
pub(crate) struct SegmentCodes {
    codes: Vec<u64>,
    kinds: Vec<String>,
    issuers: Vec<String>,
    first_year: i64,
    years: usize,
}

impl SegmentCodes {
    fn build(reader: &SegmentReader) -> tantivy::Result<Self> {
        let max_doc = reader.max_doc();
        let fast = reader.fast_fields();
        let kind = fast.str(KIND_KEY)?;
        let issuer = fast.str(ISSUER_KEY)?;
        let date = fast.i64(DATE_FIELD).ok();
        let (first_year, years) = date.as_ref().map_or((0, 0), |d| {
            let first = d.min_value() / 10_000;
            let last = d.max_value() / 10_000;
            (first, usize::try_from(last - first + 1).unwrap_or(0))
        });
        let kinds = terms(kind.as_ref())?;
        let issuers = terms(issuer.as_ref())?;
        // Slots that do not fit their bits would corrupt their neighbours:
        // such a segment (over 65,535 kinds or years) counts none of them
        // rather than wrong ones.
        let kind_fits = kinds.len() < KIND_MASK as usize;
        let year_fits = years < (1 << (64 - KIND_BITS - ISSUER_BITS)) - 1;
        let issuer_fits = (issuers.len() as u64) < ISSUER_MASK;
        let slot = |column: Option<&StrColumn>, doc: DocId| -> u64 {
            column
                .and_then(|c| c.ords().first(doc))
                .map_or(0, |ord| ord + 1)
        };
        let mut codes = Vec::with_capacity(max_doc as usize);
        for doc in 0..max_doc {
            let k = if kind_fits {
                slot(kind.as_ref(), doc)
            } else {
                0
            };
            let i = if issuer_fits {
                slot(issuer.as_ref(), doc)
            } else {
                0
            };
            let y = match (&date, year_fits) {
                (Some(d), true) => d
                    .first(doc)
                    .and_then(|key| u64::try_from(key / 10_000 - first_year + 1).ok())
                    .unwrap_or(0),
                _ => 0,
            };
            codes.push(k | (i << KIND_BITS) | (y << (KIND_BITS + ISSUER_BITS)));
        }
        Ok(Self {
            codes,
            kinds,
            issuers,
            first_year,
            years,
        })
    }
}

/// Every term of a string column, by ordinal.
fn terms(column: Option<&StrColumn>) -> tantivy::Result<Vec<String>> {
    let Some(column) = column else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(column.num_terms());
    let mut text = String::new();
    for ord in 0..column.num_terms() as u64 {
        text.clear();
        column.ord_to_str(ord, &mut text)?;
        out.push(text.clone());
    }
    Ok(out)
}

/// The values of one searcher generation: every kind and issuer of its
/// segments once, sorted by name (so that ordering by number is ordering
/// by name), the span of its years, and per segment (by its ordinal in the
/// searcher) its codes and where each of its slots goes.
pub(crate) struct Dictionary {
    /// Every name of the segments (and of segments of earlier generations
    /// whose names no segment holds any more: they count nothing).
    kinds: Arc<Vec<String>>,
    issuers: Arc<Vec<String>>,
    first_year: i64,
    years: usize,
    segments: Vec<SegmentMap>,
}

struct SegmentMap {
    id: SegmentId,
    codes: Arc<SegmentCodes>,
    /// Slot (from 1) - 1 -> number in [`Dictionary::kinds`].
    kind: Arc<[u32]>,
    /// Slot (from 1) - 1 -> number in [`Dictionary::issuers`].
    issuer: Arc<[u32]>,
    /// Added to a year slot (from 1) - 1 to index the dictionary's years.
    year_shift: usize,
}

/// `before`'s names with `new` ones added, sorted, and where each of
/// `before`'s numbers went (`None`: nowhere else, no name was added).
fn extend<'a>(
    before: &Arc<Vec<String>>,
    new: impl Iterator<Item = &'a String>,
) -> (Arc<Vec<String>>, Option<Vec<u32>>) {
    let mut added: Vec<&str> = new
        .filter(|n| before.binary_search(*n).is_err())
        .map(String::as_str)
        .collect();
    if added.is_empty() {
        return (before.clone(), None);
    }
    added.sort_unstable();
    added.dedup();
    let mut all = Vec::with_capacity(before.len() + added.len());
    let mut moves = Vec::with_capacity(before.len());
    let mut added = added.into_iter().peekable();
    for name in before.iter() {
        while let Some(a) = added.next_if(|a| *a < name.as_str()) {
            all.push(a.to_owned());
        }
        moves.push(all.len() as u32);
        all.push(name.clone());
    }
    all.extend(added.map(str::to_owned));
    (Arc::new(all), Some(moves))
}

/// A map of `before`'s numbers renumbered by `moves`.
fn moved(map: &Arc<[u32]>, moves: Option<&[u32]>) -> Arc<[u32]> {
    match moves {
        None => map.clone(),
        Some(moves) => map
            .iter()
            .map(|&g| moves.get(g as usize).copied().unwrap_or(u32::MAX))
            .collect(),
    }
}

impl Dictionary {
    /// The dictionary of `searcher`'s segments, from `before` (the last
    /// one built, of any generation) when there is one.
    fn build(
        searcher: &Searcher,
        codes: &FacetCodes,
        before: Option<&Dictionary>,
    ) -> tantivy::Result<Self> {
        let segments: Vec<(SegmentId, Arc<SegmentCodes>)> = searcher
            .segment_readers()
            .iter()
            .map(|r| Ok((r.segment_id(), codes.of(r)?)))
            .collect::<tantivy::Result<_>>()?;
        let known: HashMap<SegmentId, &SegmentMap> = before
            .map(|b| b.segments.iter().map(|m| (m.id, m)).collect())
            .unwrap_or_default();
        let fresh = || segments.iter().filter(|(id, _)| !known.contains_key(id));
        let none = Arc::default();
        let (kinds, kind_moves) = extend(
            before.map_or(&none, |b| &b.kinds),
            fresh().flat_map(|(_, c)| c.kinds.iter()),
        );
        let (issuers, issuer_moves) = extend(
            before.map_or(&none, |b| &b.issuers),
            fresh().flat_map(|(_, c)| c.issuers.iter()),
        );
        let spans = segments.iter().filter(|(_, c)| c.years > 0);
        let first_year = spans.clone().map(|(_, c)| c.first_year).min().unwrap_or(0);
        let last_year = spans
            .map(|(_, c)| c.first_year + c.years as i64 - 1)
            .max()
            .unwrap_or(first_year - 1);
        let years = usize::try_from(last_year - first_year + 1).unwrap_or(0);
        // Every name of a segment is in the union: the lookups always find.
        let place = |names: &[String], all: &[String]| -> Arc<[u32]> {
            names
                .iter()
                .map(|n| all.binary_search(n).map_or(u32::MAX, |i| i as u32))
                .collect()
        };
        let segments = segments
            .into_iter()
            .map(|(id, c)| {
                let (kind, issuer) = match known.get(&id) {
                    Some(m) => (
                        moved(&m.kind, kind_moves.as_deref()),
                        moved(&m.issuer, issuer_moves.as_deref()),
                    ),
                    None => (place(&c.kinds, &kinds), place(&c.issuers, &issuers)),
                };
                SegmentMap {
                    id,
                    kind,
                    issuer,
                    year_shift: usize::try_from(c.first_year - first_year).unwrap_or(0),
                    codes: c,
                }
            })
            .collect();
        Ok(Self {
            kinds,
            issuers,
            first_year,
            years,
            segments,
        })
    }

    fn segment(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<&SegmentMap> {
        self.segments
            .get(ord as usize)
            .filter(|m| m.id == reader.segment_id())
            .ok_or_else(|| {
                tantivy::TantivyError::InternalError(
                    "facet dictionary of another searcher".to_owned(),
                )
            })
    }
}

/// The codes of every segment the reader has shown, by segment, and the
/// dictionary of every searcher generation still in use; the reader's
/// warmer fills both after each commit and drops what no searcher uses
/// any more.
#[derive(Default)]
pub(crate) struct FacetCodes {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentCodes>>>,
    generations: Mutex<HashMap<u64, Arc<Dictionary>>>,
    /// The last dictionary built, the next one's start.
    latest: Mutex<Option<Arc<Dictionary>>>,
    /// Lone terms' counts, per segment.
    pub terms: TermCounts,
}

/// The map is only ever inserted into or pruned whole: a panic elsewhere
/// cannot leave it half-changed.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FacetCodes {
    /// The codes of a segment, built now if the warmer has not yet (a
    /// search racing a commit).
    pub(crate) fn of(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentCodes>> {
        let id = reader.segment_id();
        if let Some(codes) = lock(&self.segments).get(&id) {
            return Ok(codes.clone());
        }
        // Built outside the lock: searches of other segments go on.
        let codes = Arc::new(SegmentCodes::build(reader)?);
        Ok(lock(&self.segments).entry(id).or_insert(codes).clone())
    }

    /// The dictionary of a searcher's generation, built now if the warmer
    /// has not yet.
    pub(crate) fn dictionary(&self, searcher: &Searcher) -> tantivy::Result<Arc<Dictionary>> {
        let generation = searcher.generation().generation_id();
        if let Some(d) = lock(&self.generations).get(&generation) {
            return Ok(d.clone());
        }
        let before = lock(&self.latest).clone();
        let built = Arc::new(Dictionary::build(searcher, self, before.as_deref())?);
        *lock(&self.latest) = Some(built.clone());
        Ok(lock(&self.generations)
            .entry(generation)
            .or_insert(built)
            .clone())
    }
}

impl Warmer for FacetCodes {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        self.dictionary(searcher).map(|_| ())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let alive: HashSet<SegmentId> = live
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        lock(&self.segments).retain(|id, _| alive.contains(id));
        let generations: HashSet<u64> = live.iter().map(|g| g.generation_id()).collect();
        lock(&self.generations).retain(|g, _| generations.contains(g));
        self.terms.retain(|id| alive.contains(id));
    }
}

/// Counts of the matches: in all, and per kind, issuer and year, by the
/// numbers of a [`Dictionary`].
pub(crate) struct Tally {
    pub total: u64,
    kind: Vec<u64>,
    issuer: Vec<u64>,
    year: Vec<u64>,
    dictionary: Arc<Dictionary>,
}

impl Tally {
    /// The facets as a page shows them: every kind, most frequent first;
    /// the `top_issuers` most frequent issuers; every year, latest first.
    /// Ties go by name.
    pub(crate) fn facets(&self, top_issuers: usize) -> Facets {
        // Numbers order as names do: (count down, number up) is (count
        // down, name up) without comparing a string.
        let ranked = |counts: &[u64], names: &[String], keep: usize| -> Vec<FacetValue> {
            // The best `keep` so far, best first: at a million releases
            // tens of thousands of issuers occur, and most are never
            // better than the last kept one, so they cost one comparison.
            let by_count = |a: &(u64, usize), b: &(u64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            let mut v: Vec<(u64, usize)> = Vec::new();
            let occurred = counts.iter().enumerate().filter(|(_, n)| **n > 0);
            if keep >= counts.len() {
                v.extend(occurred.map(|(i, n)| (*n, i)));
                v.sort_unstable_by(by_count);
            } else {
                for (i, &n) in occurred {
                    let entry = (n, i);
                    if v.len() == keep {
                        match v.last() {
                            Some(last) if by_count(&entry, last).is_lt() => {
                                v.pop();
                            }
                            _ => continue,
                        }
                    }
                    let at = v.partition_point(|kept| by_count(kept, &entry).is_lt());
                    v.insert(at, entry);
                }
            }
            v.into_iter()
                .filter_map(|(count, i)| {
                    Some(FacetValue {
                        value: names.get(i)?.clone(),
                        count,
                    })
                })
                .collect()
        };
        let d = &self.dictionary;
        let year = self
            .year
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, n)| **n > 0)
            .map(|(offset, &count)| FacetValue {
                value: (d.first_year + offset as i64).to_string(),
                count,
            })
            .collect();
        Facets {
            kind: ranked(&self.kind, &d.kinds, usize::MAX),
            issuer: ranked(&self.issuer, &d.issuers, top_issuers),
            year,
        }
    }
}

/// One segment's counts by its own slots (slot 0, "no value", left out);
/// issuers, which are many, only those that occurred.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SegmentCounts {
    total: u64,
    kind: Vec<u32>,
    issuer: Vec<(u32, u32)>,
    year: Vec<u32>,
}

/// A segment's counts and which segment of the searcher they are of.
pub(crate) struct SegmentFruit {
    ord: SegmentOrdinal,
    counts: Arc<SegmentCounts>,
}

/// The collector; see the module documentation.
pub(crate) struct FacetTally {
    pub dictionary: Arc<Dictionary>,
}

pub(crate) struct SegmentTally {
    ord: SegmentOrdinal,
    codes: Arc<SegmentCodes>,
    total: u64,
    kind: Vec<u32>,
    issuer: Vec<u32>,
    year: Vec<u32>,
}

impl Collector for FacetTally {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let codes = self.dictionary.segment(ord, reader)?.codes.clone();
        Ok(SegmentTally {
            ord,
            total: 0,
            kind: vec![0; codes.kinds.len() + 1],
            issuer: vec![0; codes.issuers.len() + 1],
            year: vec![0; codes.years + 1],
            codes,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Tally> {
        let d = &self.dictionary;
        let mut all = Tally {
            total: 0,
            kind: vec![0; d.kinds.len()],
            issuer: vec![0; d.issuers.len()],
            year: vec![0; d.years],
            dictionary: d.clone(),
        };
        for fruit in fruits {
            let Some(map) = d.segments.get(fruit.ord as usize) else {
                continue;
            };
            let c = &fruit.counts;
            all.total += c.total;
            // Every number of a map is within the dictionary (see build).
            for (slot, &n) in c.kind.iter().enumerate() {
                if let Some(total) = map
                    .kind
                    .get(slot)
                    .and_then(|&g| all.kind.get_mut(g as usize))
                {
                    *total += u64::from(n);
                }
            }
            for &(slot, n) in &c.issuer {
                let global = map.issuer.get(slot as usize);
                if let Some(total) = global.and_then(|&g| all.issuer.get_mut(g as usize)) {
                    *total += u64::from(n);
                }
            }
            for (offset, &n) in c.year.iter().enumerate() {
                if let Some(total) = all.year.get_mut(offset + map.year_shift) {
                    *total += u64::from(n);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentTally {
    #[inline]
    fn add(&mut self, doc: DocId) {
        let Some(&code) = self.codes.codes.get(doc as usize) else {
            return;
        };
        let k = (code & KIND_MASK) as usize;
        let i = ((code >> KIND_BITS) & ISSUER_MASK) as usize;
        let y = (code >> (KIND_BITS + ISSUER_BITS)) as usize;
        // Slots come from this segment's own columns: always in range.
        if let Some(n) = self.kind.get_mut(k) {
            *n += 1;
        }
        if let Some(n) = self.issuer.get_mut(i) {
            *n += 1;
        }
        if let Some(n) = self.year.get_mut(y) {
            *n += 1;
        }
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.total += 1;
        self.add(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.total += docs.len() as u64;
        for &doc in docs {
            self.add(doc);
        }
    }

    fn harvest(mut self) -> SegmentFruit {
        // Slot 0 is "no value": not a facet entry.
        self.kind.remove(0);
        self.year.remove(0);
        let issuer = self
            .issuer
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, n)| **n > 0)
            .map(|(slot, &n)| (slot as u32 - 1, n))
            .collect();
        SegmentFruit {
            ord: self.ord,
            counts: Arc::new(SegmentCounts {
                total: self.total,
                kind: self.kind,
                issuer,
                year: self.year,
            }),
        }
    }
}

/// Kept counts of a lone term, per segment; see the module documentation.
/// Bounded: the oldest entries leave first.
pub(crate) struct TermCounts {
    entries: Mutex<Kept>,
    /// [`KEPT_FROM_MATCHES`], or 0 in tests (every count kept).
    kept_from: AtomicU64,
}

/// A segment, the state of its deletions and a term.
type CountKey = (SegmentId, Option<Opstamp>, Term);

/// The kept counts, and their keys oldest first.
type Kept = (HashMap<CountKey, Arc<SegmentCounts>>, VecDeque<CountKey>);

/// Entries kept (one per segment and term); a few hundred bytes each for
/// most words, tens of kilobytes for a word in every release of a large
/// segment (its issuers).
const KEPT_COUNTS: usize = 4_096;
/// Matches below which a segment's count is not kept: cheaper to redo
/// than to remember.
const KEPT_FROM_MATCHES: u64 = 2_048;

impl Default for TermCounts {
    fn default() -> Self {
        Self {
            entries: Mutex::new((HashMap::new(), VecDeque::new())),
            kept_from: AtomicU64::new(KEPT_FROM_MATCHES),
        }
    }
}

impl TermCounts {
    /// The tally of the releases holding `term`, from the kept counts for
    /// the segments that have them.
    /// A segment `gate` applies to is counted through it, and its counts
    /// are not kept (they change as time passes).
    pub(crate) fn count(
        &self,
        searcher: &Searcher,
        term: &Term,
        tally: &FacetTally,
        gate: Option<&Gate>,
    ) -> tantivy::Result<Tally> {
        use tantivy::query::{EnableScoring, Query, TermQuery};
        let query = TermQuery::new(term.clone(), tantivy::schema::IndexRecordOption::Basic);
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let weight = query.weight(unscored)?;
        let gated = match gate {
            Some(gate) => Some(gate.around(Box::new(query.clone())).weight(unscored)?),
            None => None,
        };
        let fruits = searcher.index().search_executor().map(
            |(ord, reader): (usize, &SegmentReader)| {
                let ord = ord as SegmentOrdinal;
                if let (Some(gate), Some(gated)) = (gate, &gated)
                    && gate.applies_to(reader)
                {
                    return tally.collect_segment(gated.as_ref(), ord, reader);
                }
                let key = (reader.segment_id(), reader.delete_opstamp(), term.clone());
                if let Some(counts) = lock(&self.entries).0.get(&key) {
                    return Ok(SegmentFruit {
                        ord,
                        counts: counts.clone(),
                    });
                }
                let fruit = tally.collect_segment(weight.as_ref(), ord, reader)?;
                if fruit.counts.total >= self.kept_from.load(Ordering::Relaxed) {
                    self.keep(key, fruit.counts.clone());
                }
                Ok(fruit)
            },
            searcher.segment_readers().iter().enumerate(),
        )?;
        tally.merge_fruits(fruits)
    }

    /// Keeps every count, however small: tests, whose segments are small.
    #[cfg(test)]
    pub(crate) fn keep_all(&self) {
        self.kept_from.store(0, Ordering::Relaxed);
    }

    /// How many segment counts are kept.
    #[cfg(test)]
    pub(crate) fn kept(&self) -> usize {
        lock(&self.entries).0.len()
    }

    /// Drops the counts of the segments `alive` says no searcher uses.
    fn retain(&self, alive: impl Fn(&SegmentId) -> bool) {
        let mut guard = lock(&self.entries);
        let (map, order) = &mut *guard;
        map.retain(|(id, _, _), _| alive(id));
        order.retain(|(id, _, _)| alive(id));
    }

    fn keep(&self, key: CountKey, counts: Arc<SegmentCounts>) {
        let mut guard = lock(&self.entries);
        let (map, order) = &mut *guard;
        if map.insert(key.clone(), counts).is_none() {
            order.push_back(key);
        }
        while order.len() > KEPT_COUNTS {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn new_names_are_merged_in_order_and_old_numbers_follow_their_names() {
        let before = Arc::new(names(&["b", "d"]));
        let new = names(&["e", "a", "d", "c", "a"]);

        let (all, moves) = extend(&before, new.iter());

        assert_eq!(*all, names(&["a", "b", "c", "d", "e"]));
        assert_eq!(moves, Some(vec![1, 3]));
    }

    #[test]
    fn known_names_keep_the_list_and_its_numbers() {
        let before = Arc::new(names(&["b", "d"]));
        let new = names(&["d", "b"]);

        let (all, moves) = extend(&before, new.iter());

        assert!(Arc::ptr_eq(&all, &before));
        assert_eq!(moves, None);
    }
}
