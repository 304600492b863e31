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
//! Tallying a match is then one load and three increments; strings are
//! looked up only for the values that occurred, once per segment.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SearcherGeneration, SegmentOrdinal, SegmentReader, Warmer};

use crate::schema::{DATE_FIELD, ISSUER_KEY, KIND_KEY};

/// Counts of the matches: in all, and per kind, issuer and year.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub total: u64,
    pub kind: HashMap<String, u64>,
    pub issuer: HashMap<String, u64>,
    pub year: HashMap<i64, u64>,
}

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

/// The codes of every segment the reader has shown, by segment; the
/// reader's warmer fills it after each commit and drops the segments no
/// searcher uses any more.
#[derive(Default)]
pub(crate) struct FacetCodes {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentCodes>>>,
}

impl FacetCodes {
    /// The codes of a segment, built now if the warmer has not yet (a
    /// search racing a commit).
    pub(crate) fn of(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentCodes>> {
        let id = reader.segment_id();
        if let Some(codes) = self.lock().get(&id) {
            return Ok(codes.clone());
        }
        // Built outside the lock: searches of other segments go on.
        let codes = Arc::new(SegmentCodes::build(reader)?);
        Ok(self.lock().entry(id).or_insert(codes).clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentCodes>>> {
        // The map is only ever inserted into or pruned whole: a panic
        // elsewhere cannot leave it half-changed.
        self.segments.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Warmer for FacetCodes {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            self.of(segment)?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let alive: HashSet<SegmentId> = live
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        self.lock().retain(|id, _| alive.contains(id));
    }
}

/// The collector; see the module documentation.
pub(crate) struct FacetTally {
    pub codes: Arc<FacetCodes>,
}

pub(crate) struct SegmentTally {
    segment: Arc<SegmentCodes>,
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
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let segment = self.codes.of(reader)?;
        Ok(SegmentTally {
            total: 0,
            kind: vec![0; segment.kinds.len() + 1],
            issuer: vec![0; segment.issuers.len() + 1],
            year: vec![0; segment.years + 1],
            segment,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for t in fruits {
            all.total += t.total;
            for (k, n) in t.kind {
                *all.kind.entry(k).or_insert(0) += n;
            }
            for (k, n) in t.issuer {
                *all.issuer.entry(k).or_insert(0) += n;
            }
            for (k, n) in t.year {
                *all.year.entry(k).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentTally {
    #[inline]
    fn add(&mut self, doc: DocId) {
        let Some(&code) = self.segment.codes.get(doc as usize) else {
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
    type Fruit = Tally;

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

    fn harvest(self) -> Tally {
        let mut out = Tally {
            total: self.total,
            ..Tally::default()
        };
        // Slot 0 is "no value": not a facet entry.
        let named = |counts: &[u32], names: &[String], into: &mut HashMap<String, u64>| {
            for (name, &n) in names.iter().zip(counts.iter().skip(1)) {
                if n > 0 {
                    *into.entry(name.clone()).or_insert(0) += u64::from(n);
                }
            }
        };
        named(&self.kind, &self.segment.kinds, &mut out.kind);
        named(&self.issuer, &self.segment.issuers, &mut out.issuer);
        for (offset, &n) in self.year.iter().skip(1).enumerate() {
            if n > 0 {
                out.year
                    .insert(self.segment.first_year + offset as i64, u64::from(n));
            }
        }
        out
    }
}
