//! [`FacetTally`]: the count of every match and of its kind, issuer and
//! year, needing no scores: alone after a ranking pass, or paired with the
//! ranking collector so that every match is visited once. Kind and issuer
//! are read as term ordinals from their fast string columns and counted in
//! a vector per segment (ordinals are dense), the year from the release
//! date's fast column; strings are looked up only for the values that
//! occurred, once per segment. Collected in blocks of documents where
//! tantivy allows.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{DATE_FIELD, ISSUER_KEY, KIND_KEY};

/// Counts of the matches: in all, and per kind, issuer and year.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub total: u64,
    pub kind: HashMap<String, u64>,
    pub issuer: HashMap<String, u64>,
    pub year: HashMap<i64, u64>,
}

/// The collector; see the module documentation.
pub(crate) struct FacetTally;

/// One fast string column and its counts by term ordinal.
struct OrdCounts {
    column: StrColumn,
    counts: Vec<u64>,
}

impl OrdCounts {
    fn open(reader: &SegmentReader, field: &str) -> tantivy::Result<Option<Self>> {
        Ok(reader.fast_fields().str(field)?.map(|column| {
            let counts = vec![0; column.num_terms()];
            Self { column, counts }
        }))
    }

    fn add(&mut self, ord: Option<u64>) {
        if let Some(slot) = ord.and_then(|o| self.counts.get_mut(o as usize)) {
            *slot += 1;
        }
    }

    fn into_map(self, out: &mut HashMap<String, u64>) {
        let mut text = String::new();
        for (ord, &n) in self.counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            text.clear();
            if matches!(self.column.ord_to_str(ord as u64, &mut text), Ok(true)) {
                *out.entry(text.clone()).or_insert(0) += n;
            }
        }
    }
}

pub(crate) struct SegmentTally {
    total: u64,
    kind: Option<OrdCounts>,
    issuer: Option<OrdCounts>,
    date: Option<Column<i64>>,
    /// Counts by year, from the segment's first year on (the column knows
    /// its smallest and largest date).
    first_year: i64,
    years: Vec<u64>,
    ords: Vec<Option<u64>>,
    dates: Vec<Option<i64>>,
}

impl Collector for FacetTally {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let date = reader.fast_fields().i64(DATE_FIELD).ok();
        let (first_year, span) = date.as_ref().map_or((0, 0), |d| {
            let first = d.min_value() / 10_000;
            let last = d.max_value() / 10_000;
            (first, usize::try_from(last - first + 1).unwrap_or(0))
        });
        Ok(SegmentTally {
            total: 0,
            kind: OrdCounts::open(reader, KIND_KEY)?,
            issuer: OrdCounts::open(reader, ISSUER_KEY)?,
            date,
            first_year,
            years: vec![0; span],
            ords: Vec::new(),
            dates: Vec::new(),
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
    fn add_year(&mut self, date_key: i64) {
        let at = usize::try_from(date_key / 10_000 - self.first_year).ok();
        if let Some(slot) = at.and_then(|i| self.years.get_mut(i)) {
            *slot += 1;
        }
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.total += 1;
        for counts in [&mut self.kind, &mut self.issuer].into_iter().flatten() {
            let ord = counts.column.ords().first(doc);
            counts.add(ord);
        }
        if let Some(key) = self.date.as_ref().and_then(|d| d.first(doc)) {
            self.add_year(key);
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.total += docs.len() as u64;
        self.ords.resize(docs.len(), None);
        for counts in [&mut self.kind, &mut self.issuer].into_iter().flatten() {
            self.ords.fill(None);
            counts.column.ords().first_vals(docs, &mut self.ords);
            for &ord in &self.ords {
                counts.add(ord);
            }
        }
        if let Some(date) = &self.date {
            self.dates.clear();
            self.dates.resize(docs.len(), None);
            date.first_vals(docs, &mut self.dates);
            for i in 0..self.dates.len() {
                if let Some(key) = self.dates[i] {
                    self.add_year(key);
                }
            }
        }
    }

    fn harvest(self) -> Tally {
        let mut out = Tally {
            total: self.total,
            ..Tally::default()
        };
        for (i, &n) in self.years.iter().enumerate() {
            if n > 0 {
                out.year.insert(self.first_year + i as i64, n);
            }
        }
        if let Some(k) = self.kind {
            k.into_map(&mut out.kind);
        }
        if let Some(i) = self.issuer {
            i.into_map(&mut out.issuer);
        }
        out
    }
}
