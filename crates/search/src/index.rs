use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;

use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseId};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyError, Term,
};

use crate::SearchError;
use crate::query::{Clause, Notice, ParsedQuery, parse};
use crate::results::{
    FacetValue, Facets, Hit, SearchRequest, SearchResults, SnippetPart, Sort, Suggestion,
};
use crate::schema::{self, DATE_FIELD, Fields, date_from_key, date_key};

/// Snippet length, in characters.
const SNIPPET_CHARS: usize = 240;
/// Issuers listed in the facet: the most frequent ones.
const TOP_ISSUERS: usize = 15;
/// How the change-feed position is written in a commit's payload.
const CURSOR_PAYLOAD: &str = "change-feed:";
/// Memory for a writer that takes a few releases at a time.
const SMALL_WRITER_BYTES: usize = 50_000_000;

/// The search index: a tantivy index in a folder (or in memory), a reader
/// that follows its commits, and the analyzers. Cheap to share behind an
/// `Arc`; searches run concurrently.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    text: TextAnalyzer,
    words: TextAnalyzer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.num_docs())
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the folder and an empty index if
    /// there is none. Its reader picks up commits made by other processes
    /// (an import from the command line) within a second or so.
    pub fn open_or_create(dir: &Path) -> Result<Self, SearchError> {
        let open_err = |e: &dyn std::fmt::Display| SearchError::Open {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        let (schema, _) = Fields::schema();
        let directory = tantivy::directory::MmapDirectory::open(dir).map_err(|e| open_err(&e))?;
        let index = if Index::exists(&directory).map_err(|e| open_err(&e))? {
            let index = Index::open(directory).map_err(|e| open_err(&e))?;
            if index.schema() != schema {
                return Err(SearchError::SchemaMismatch {
                    path: dir.to_path_buf(),
                });
            }
            index
        } else {
            Index::create(directory, schema, tantivy::IndexSettings::default())
                .map_err(|e| open_err(&e))?
        };
        Self::from_index(index).map_err(|e| open_err(&e))
    }

    /// An index in memory, for tests and one-off runs.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, _) = Fields::schema();
        Ok(Self::from_index(Index::create_in_ram(schema))?)
    }

    fn from_index(index: Index) -> tantivy::Result<Self> {
        let text = schema::text_analyzer();
        let words = schema::words_analyzer();
        index.tokenizers().register(schema::TEXT, text.clone());
        index.tokenizers().register(schema::WORDS, words.clone());
        let (_, fields) = Fields::schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            text,
            words,
        })
    }

    /// The change-feed position the index was last brought up to
    /// ([`IndexUpdater::commit_at`]), or `None` for an index never committed
    /// that way (new, or written by an older build): then only a rebuild
    /// knows what it holds.
    pub fn change_cursor(&self) -> Result<Option<i64>, SearchError> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.strip_prefix(CURSOR_PAYLOAD))
            .and_then(|n| n.parse().ok()))
    }

    /// How many releases the index holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// A writer for a few changes (an import, a publication). Only one
    /// writer may exist at a time, across processes; a second gets
    /// [`SearchError::Busy`].
    pub fn updater(&self) -> Result<IndexUpdater, SearchError> {
        self.updater_with_memory(SMALL_WRITER_BYTES)
    }

    /// A writer with `bytes` of indexing memory, for rebuilding.
    pub fn updater_with_memory(&self, bytes: usize) -> Result<IndexUpdater, SearchError> {
        let writer = self.index.writer(bytes).map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Busy,
            other => SearchError::Index(other),
        })?;
        Ok(IndexUpdater {
            writer,
            reader: self.reader.clone(),
            fields: self.fields,
        })
    }

    /// Runs a search over what is public at `now`.
    pub fn search(
        &self,
        req: &SearchRequest,
        now: Timestamp,
    ) -> Result<SearchResults, SearchError> {
        let parsed = parse(&req.q);
        let mut notices = parsed.notices.clone();
        let mut must: Vec<Box<dyn Query>> = Vec::new();
        let mut must_not: Vec<Box<dyn Query>> = Vec::new();
        let mut ignored = Vec::new();
        for (clauses, out) in [
            (&parsed.include, &mut must),
            (&parsed.exclude, &mut must_not),
        ] {
            for c in clauses {
                match self.clause_query(c) {
                    Some(q) => out.push(q),
                    None => ignored.push(clause_text(c).to_owned()),
                }
            }
        }
        if !ignored.is_empty() {
            notices.push(Notice::CommonWordsIgnored { words: ignored });
        }
        let filters = self.filters(req, &parsed);
        if must.is_empty() && filters.is_empty() {
            return Ok(SearchResults {
                notices,
                ..SearchResults::default()
            });
        }
        let text_query_count = must.len();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.extend(must.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(must_not.into_iter().map(|q| (Occur::MustNot, q)));
        // The visibility gate inside the index: nothing published after now.
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(
                    self.fields.published_at,
                    now.as_microsecond(),
                )),
            )),
        ));
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        let per_page = req.per_page.clamp(1, SearchRequest::MAX_PER_PAGE) as usize;
        let page = req.page.clamp(1, SearchRequest::MAX_PAGE) as usize;
        let top = TopDocs::with_limit(per_page).and_offset((page - 1) * per_page);
        let mut facet_collector = FacetCollector::for_field("facets");
        for root in ["/kind", "/issuer", "/year"] {
            facet_collector.add_facet(Facet::from(root));
        }
        let (docs, total, facet_counts): (Vec<(Option<f32>, DocAddress)>, usize, _) = match req.sort
        {
            Sort::Relevance => {
                let (top, total, facets) =
                    searcher.search(&query, &(top, Count, facet_collector))?;
                (
                    top.into_iter().map(|(s, a)| (Some(s), a)).collect(),
                    total,
                    facets,
                )
            }
            Sort::Newest | Sort::Oldest => {
                let order = if req.sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let top = top.order_by_fast_field::<i64>(DATE_FIELD, order);
                let (top, total, facets) =
                    searcher.search(&query, &(top, Count, facet_collector))?;
                (
                    top.into_iter().map(|(_, a)| (None, a)).collect(),
                    total,
                    facets,
                )
            }
        };

        let mut snippets = SnippetGenerator::create(&searcher, &query, self.fields.body)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(docs.len());
        for (score, address) in docs {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(hit) = self.hit(&doc, score, &snippets) {
                hits.push(hit);
            }
        }

        let facet_values = |root: &str| -> Vec<FacetValue> {
            facet_counts
                .get(root)
                .filter_map(|(facet, count)| {
                    Some(FacetValue {
                        value: facet.to_path().last()?.to_string(),
                        count,
                    })
                })
                .collect()
        };
        let mut kind = facet_values("/kind");
        kind.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        let mut issuer = facet_values("/issuer");
        issuer.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        issuer.truncate(TOP_ISSUERS);
        let mut year = facet_values("/year");
        year.sort_by(|a, b| b.value.cmp(&a.value));

        let suggestion = if text_query_count > 0 {
            self.suggest(&searcher, &req.q, &parsed)?
        } else {
            None
        };
        Ok(SearchResults {
            total: total as u64,
            hits,
            facets: Facets { kind, issuer, year },
            suggestion,
            notices,
            searched: true,
        })
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        score: Option<f32>,
        snippets: &SnippetGenerator,
    ) -> Option<Hit> {
        let f = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_owned))
        };
        let snippet = snippets.snippet_from_doc(doc);
        let snippet = if snippet.fragment().is_empty() {
            let body = doc.get_first(f.body).and_then(|v| v.as_str()).unwrap_or("");
            vec![SnippetPart {
                text: opening(body, SNIPPET_CHARS),
                mark: false,
            }]
        } else {
            snippet_parts(snippet.fragment(), snippet.highlighted())
        };
        Some(Hit {
            id: doc.get_first(f.id)?.as_i64()?,
            path: text(f.path)?,
            title: text(f.title)?,
            kind: text(f.kind),
            issuer: text(f.issuer),
            dateline: text(f.dateline),
            date: date_from_key(doc.get_first(f.date)?.as_i64()?)?,
            score,
            snippet,
        })
    }

    /// The filters: facet values chosen on the page and the date range.
    fn filters(&self, req: &SearchRequest, parsed: &ParsedQuery) -> Vec<Box<dyn Query>> {
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let facet = |root: &str, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(self.fields.facets, &Facet::from_path([root, value])),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(kind) = &req.kind {
            out.push(facet("kind", kind));
        }
        if let Some(issuer) = &req.issuer {
            out.push(facet("issuer", issuer));
        }
        if let Some(year) = req.year {
            out.push(facet("year", &year.to_string()));
        }
        if parsed.from.is_some() || parsed.to.is_some() {
            let bound = |d: Option<jiff::civil::Date>| match d {
                Some(d) => Bound::Included(Term::from_field_i64(self.fields.date, date_key(d))),
                None => Bound::Unbounded,
            };
            out.push(Box::new(RangeQuery::new(
                bound(parsed.from),
                bound(parsed.to),
            )));
        }
        out
    }

    /// The analyzed tokens of `text` with their positions.
    fn tokens(&self, analyzer: &TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut analyzer = analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.position, t.text.clone()));
        }
        out
    }

    /// The query for one clause, or `None` if nothing of it is searchable
    /// (only very common words, or only punctuation).
    fn clause_query(&self, clause: &Clause) -> Option<Box<dyn Query>> {
        match clause {
            Clause::Word(t) | Clause::Phrase(t) => self.text_query(t, &self.fields.weighted()),
            Clause::Kind(t) => self.text_query(t, &[(self.fields.kind, 1.0)]),
            Clause::Issuer(t) => self.text_query(t, &[(self.fields.issuer, 1.0)]),
        }
    }

    /// `text` in any of `fields`: one word as a term, several as a phrase.
    fn text_query(&self, text: &str, fields: &[(Field, f32)]) -> Option<Box<dyn Query>> {
        let tokens = self.tokens(&self.text, text);
        let first = tokens.first()?.0;
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(field, weight) in fields {
            let q: Box<dyn Query> = if tokens.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &tokens[0].1),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new_with_offset(
                    tokens
                        .iter()
                        .map(|(pos, t)| (pos - first, Term::from_field_text(field, t)))
                        .collect(),
                ))
            };
            let q: Box<dyn Query> = if (weight - 1.0).abs() > f32::EPSILON {
                Box::new(BoostQuery::new(q, weight))
            } else {
                q
            };
            per_field.push((Occur::Should, q));
        }
        if per_field.len() == 1 {
            per_field.pop().map(|(_, q)| q)
        } else {
            Some(Box::new(BooleanQuery::new(per_field)))
        }
    }

    /// "Did you mean": each plain word that matches nothing is replaced by
    /// the closest word of the index (by edit distance, then frequency).
    fn suggest(
        &self,
        searcher: &Searcher,
        q: &str,
        parsed: &ParsedQuery,
    ) -> Result<Option<Suggestion>, SearchError> {
        let mut suggested = q.to_owned();
        let mut corrected = Vec::new();
        for clause in &parsed.include {
            let Clause::Word(word) = clause else { continue };
            let stems = self.tokens(&self.text, word);
            let [(_, stem)] = stems.as_slice() else {
                continue;
            };
            if stem.chars().count() < 3 || stem.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let known = searcher.doc_freq(&Term::from_field_text(self.fields.title, stem))?
                + searcher.doc_freq(&Term::from_field_text(self.fields.body, stem))?;
            if known > 0 {
                continue;
            }
            let surface = self.tokens(&self.words, word);
            let [(_, surface)] = surface.as_slice() else {
                continue;
            };
            if let Some(better) = self.closest_word(searcher, surface)? {
                suggested = suggested.replacen(word.as_str(), &better, 1);
                corrected.push(better);
            }
        }
        Ok((!corrected.is_empty()).then_some(Suggestion {
            q: suggested,
            corrected,
        }))
    }

    /// The indexed word nearest to `word` that starts with the same letter
    /// (misspellings rarely change the first letter, and it bounds the scan).
    fn closest_word(&self, searcher: &Searcher, word: &str) -> Result<Option<String>, SearchError> {
        let len = word.chars().count();
        let max = if len <= 4 { 1 } else { 2 };
        let Some(first) = word.chars().next() else {
            return Ok(None);
        };
        let prefix = first.to_string();
        let mut found: HashMap<String, (usize, u64)> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.words)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
            while stream.advance() {
                let key = stream.key();
                if !key.starts_with(prefix.as_bytes()) {
                    break;
                }
                let Ok(candidate) = std::str::from_utf8(key) else {
                    continue;
                };
                if candidate.chars().count().abs_diff(len) > max {
                    continue;
                }
                let d = edit_distance(candidate, word);
                if d == 0 || d > max {
                    continue;
                }
                let e = found.entry(candidate.to_owned()).or_insert((d, 0));
                e.1 += u64::from(stream.value().doc_freq);
            }
        }
        Ok(found
            .into_iter()
            .min_by(|a, b| {
                a.1.0
                    .cmp(&b.1.0)
                    .then(b.1.1.cmp(&a.1.1))
                    .then(a.0.cmp(&b.0))
            })
            .map(|(w, _)| w))
    }
}

/// Applies changes to the index. Changes become visible to searches at
/// [`IndexUpdater::commit`], all together.
pub struct IndexUpdater {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
}

impl IndexUpdater {
    /// Adds a release or replaces its document: a publication or a
    /// correction. A release that is not published (or was withdrawn) is
    /// removed instead.
    pub fn upsert(&mut self, release: &Release) -> Result<(), SearchError> {
        self.remove(release.id);
        self.add_new(release)
    }

    /// Adds a release known not to be in the index (a rebuild after
    /// [`IndexUpdater::clear`]); skips it if it is not published.
    pub fn add_new(&mut self, release: &Release) -> Result<(), SearchError> {
        if let Some(doc) = self.fields.document(release) {
            self.writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Takes a release out of search.
    pub fn remove(&mut self, id: ReleaseId) {
        self.writer
            .delete_term(Term::from_field_i64(self.fields.id, id.0));
    }

    /// Empties the index (visible at commit, so readers never see it empty
    /// during a rebuild).
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change so far visible, durably.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Commits like [`IndexUpdater::commit`], recording that the index now
    /// reflects every change of the store's feed up to `cursor`, so that a
    /// server starting later knows where to catch up from.
    pub fn commit_at(&mut self, cursor: i64) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&format!("{CURSOR_PAYLOAD}{cursor}"));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Commits and waits for background merges, leaving a compact index.
    pub fn finish(mut self) -> Result<(), SearchError> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    /// [`IndexUpdater::finish`] with the change-feed position of
    /// [`IndexUpdater::commit_at`].
    pub fn finish_at(mut self, cursor: i64) -> Result<(), SearchError> {
        self.commit_at(cursor)?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

fn clause_text(c: &Clause) -> &str {
    match c {
        Clause::Word(t) | Clause::Phrase(t) | Clause::Kind(t) | Clause::Issuer(t) => t,
    }
}

/// Splits a snippet into plain and marked parts; ranges are byte ranges of
/// `fragment` from tantivy, sorted and not overlapping.
fn snippet_parts(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<SnippetPart> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in highlighted {
        let (Some(before), Some(marked)) = (fragment.get(at..r.start), fragment.get(r.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            out.push(SnippetPart {
                text: before.to_owned(),
                mark: false,
            });
        }
        out.push(SnippetPart {
            text: marked.to_owned(),
            mark: true,
        });
        at = r.end;
    }
    if let Some(rest) = fragment.get(at..).filter(|r| !r.is_empty()) {
        out.push(SnippetPart {
            text: rest.to_owned(),
            mark: false,
        });
    }
    out
}

/// The start of a text, cut at a word boundary, with an ellipsis if cut.
fn opening(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) => &cut[..i],
        None => &cut,
    };
    format!("{}…", cut.trim_end())
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("hizbollah", "hizballah"), 1);
        assert_eq!(edit_distance("visa", "visa"), 0);
        assert_eq!(edit_distance("reciprocty", "reciprocity"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn snippets_split_into_marked_parts() {
        let parts = snippet_parts("the visa reciprocity fees", &[4..8, 9..20]);
        let shown: Vec<(&str, bool)> = parts.iter().map(|p| (p.text.as_str(), p.mark)).collect();
        assert_eq!(
            shown,
            [
                ("the ", false),
                ("visa", true),
                (" ", false),
                ("reciprocity", true),
                (" fees", false)
            ]
        );
    }

    #[test]
    fn an_opening_is_cut_at_a_word() {
        assert_eq!(opening("one two three", 9), "one two…");
        assert_eq!(opening("short", 9), "short");
    }
}
