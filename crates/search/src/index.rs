use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Instant;

use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseId};
use tantivy::collector::Collector;
use tantivy::collector::TopDocs;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK};
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, Searcher,
    SegmentOrdinal, SegmentReader, TERMINATED, TantivyError, Term, Warmer,
};

use crate::SearchError;
use crate::directory::{self, LazySync, ReadSide};
use crate::facets::{FacetCodes, FacetTally, Tally};
use crate::query::{Clause, Notice, ParsedQuery, parse};
use crate::results::{Hit, SearchRequest, SearchResults, SnippetPart, Sort, Suggestion};
use crate::schema::{
    self, DATE_FIELD, Fields, PUBLISHED_AT_FIELD, TITLE_BOOST, date_from_key, date_key,
};

/// A clause's query, and the bare term that matches the same releases when
/// there is one (see `SearchIndex::anywhere_query`).
type ClauseQuery = (Box<dyn Query>, Option<Term>);

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
    pairs: TextAnalyzer,
    words: TextAnalyzer,
    /// Per-segment facet codes, kept by the reader's warmer (which holds
    /// them weakly: they live as long as this index).
    codes: Arc<FacetCodes>,
    /// The folder, whose syncs a serving node defers (none in memory).
    files: Option<LazySync>,
    /// The writer a serving node keeps ([`SearchIndex::hold_writer`]).
    writer: Arc<WriterSlot>,
}

/// The writer a serving node keeps, lent to one [`IndexUpdater`] at a time.
#[derive(Default)]
struct WriterSlot {
    state: Mutex<Slot>,
    returned: Condvar,
}

#[derive(Default)]
struct Slot {
    /// Whether updaters lend the kept writer ([`SearchIndex::hold_writer`]).
    held: bool,
    /// Whether an updater has it now.
    lent: bool,
    writer: Option<IndexWriter>,
}

impl WriterSlot {
    /// The slot once no updater has the writer.
    fn returned(&self) -> MutexGuard<'_, Slot> {
        let mut slot = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while slot.lent {
            slot = self
                .returned
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
        slot
    }
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
        if directory::recover(dir).map_err(|e| open_err(&e))? {
            tracing::warn!(
                index = %dir.display(),
                "the search index's last writer stopped before its latest commits were on disk: \
                 back to its last durable commit, the change feed replays the rest"
            );
        }
        let (schema, _) = Fields::schema();
        let directory = LazySync::open(dir).map_err(|e| open_err(&e))?;
        let files = directory.clone();
        let mut index = if Index::exists(&directory).map_err(|e| open_err(&e))? {
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
        // The kept writer's setting is saved in `meta.json` with its
        // commits; every other writer (a rebuild's threads) compresses
        // beside its indexing, as tantivy does by default.
        index.settings_mut().docstore_compress_dedicated_thread = true;
        // Searches read the folder through their own opening of it, which
        // reads stored releases and postings without mapping them (see
        // `directory::ReadSide`); writers and their merges map everything.
        let reading = Index::open(ReadSide::open(dir).map_err(|e| open_err(&e))?)
            .map_err(|e| open_err(&e))?;
        Self::from_index(index, reading, Some(files)).map_err(|e| open_err(&e))
    }

    /// Empties `dir` of an index of another layout (a schema an older build
    /// wrote) and creates a new, empty one. Only tantivy's own files are
    /// removed: anything else in the folder stays.
    pub fn recreate(dir: &Path) -> Result<Self, SearchError> {
        const EXTENSIONS: [&str; 7] = directory::EXTENSIONS;
        const NAMES: [&str; 3] = ["meta.json", ".managed.json", directory::DURABLE_META];
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_file() && (NAMES.contains(&name) || EXTENSIONS.contains(&ext)) {
                std::fs::remove_file(&path)?;
            }
        }
        Self::open_or_create(dir)
    }

    /// An index in memory, for tests and one-off runs.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, _) = Fields::schema();
        let index = Index::create_in_ram(schema);
        Ok(Self::from_index(index.clone(), index, None)?)
    }

    /// `index` for writing, `reading` (the same index, perhaps opened
    /// differently) for the reader.
    fn from_index(
        index: Index,
        mut reading: Index,
        files: Option<LazySync>,
    ) -> tantivy::Result<Self> {
        let text = schema::text_analyzer();
        let pairs = schema::pairs_analyzer();
        let words = schema::words_analyzer();
        for index in [&index, &reading] {
            index.tokenizers().register(schema::TEXT, text.clone());
            index.tokenizers().register(schema::PAIRS, pairs.clone());
            index.tokenizers().register(schema::WORDS, words.clone());
        }
        // A query's segments are searched in parallel, one thread per core:
        // at a million releases the index has a dozen segments or so, and a
        // single query's latency is what a reader waits for. Not in
        // memory: tests make hundreds of those, a pool of threads each.
        if files.is_some() {
            reading.set_default_multithread_executor()?;
        }
        let (_, fields) = Fields::schema();
        let codes = Arc::new(FacetCodes::default());
        let warmer: Weak<dyn Warmer> = Arc::downgrade(&codes) as Weak<dyn Warmer>;
        let reader = reading
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .warmers(vec![warmer])
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            text,
            pairs,
            words,
            codes,
            files,
            writer: Arc::default(),
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

    /// The kept counts of lone terms (tests reach in to keep them all).
    #[cfg(test)]
    pub(crate) fn term_counts(&self) -> &crate::facets::TermCounts {
        &self.codes.terms
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

    /// A writer with `bytes` of indexing memory, for rebuilding. While
    /// this process holds the writer ([`SearchIndex::hold_writer`]) it is
    /// that one, once the updater before has given it back, whatever
    /// `bytes`.
    pub fn updater_with_memory(&self, bytes: usize) -> Result<IndexUpdater, SearchError> {
        {
            let mut slot = self.writer.returned();
            if slot.held {
                let writer = match slot.writer.take() {
                    Some(writer) => writer,
                    None => self.kept_writer()?,
                };
                slot.lent = true;
                return Ok(IndexUpdater {
                    writer: Some(writer),
                    reader: self.reader.clone(),
                    fields: self.fields,
                    home: Some(self.writer.clone()),
                    committed: true,
                });
            }
        }
        let writer = self.index.writer(bytes).map_err(busy)?;
        Ok(IndexUpdater {
            writer: Some(writer),
            reader: self.reader.clone(),
            fields: self.fields,
            home: None,
            committed: true,
        })
    }

    /// The writer a serving node keeps: one indexing thread (a commit
    /// joins and starts each of them again), and the small memory. Its
    /// segments' documents are compressed on that thread: a commit is
    /// mostly one release, a single block of the doc store, and a thread
    /// started and joined for it (tantivy's default) is two more hand-offs
    /// a publication waits for on a busy machine.
    fn kept_writer(&self) -> Result<IndexWriter, SearchError> {
        let mut index = self.index.clone();
        index.settings_mut().docstore_compress_dedicated_thread = false;
        index
            .writer_with_num_threads(1, SMALL_WRITER_BYTES)
            .map_err(busy)
    }

    /// Keeps one writer for as long as this process serves: every
    /// [`SearchIndex::updater`] lends it in turn instead of making one per
    /// change (threads started, the segment list read, merges begun and
    /// abandoned), and commits are not synced to disk one by one but by
    /// [`SearchIndex::make_durable`], which the caller runs every few
    /// seconds, and [`SearchIndex::release_writer`] at a clean stop (see
    /// `directory.rs`: after a crash the index goes back to its last
    /// durable commit and the change feed replays the rest). Until then
    /// every other process gets [`SearchError::Busy`].
    pub fn hold_writer(&self) -> Result<(), SearchError> {
        let mut slot = self.writer.returned();
        if slot.writer.is_none() {
            slot.writer = Some(self.kept_writer()?);
        }
        if let Some(files) = &self.files
            && let Err(e) = files.defer()
        {
            // Not held: the next updater must be able to take the lock.
            slot.writer = None;
            return Err(e.into());
        }
        slot.held = true;
        Ok(())
    }

    /// Makes every commit so far durable, when [`SearchIndex::hold_writer`]
    /// deferred them; nothing otherwise, or when nothing changed.
    pub fn make_durable(&self) -> Result<(), SearchError> {
        if let Some(files) = &self.files {
            let started = Instant::now();
            files.make_durable()?;
            tracing::trace!(
                ms = started.elapsed().as_secs_f64() * 1e3,
                "search index durable"
            );
        }
        Ok(())
    }

    /// Stops holding the writer: waits for the updater that has it, makes
    /// every commit durable and lets other processes write again.
    pub fn release_writer(&self) -> Result<(), SearchError> {
        let writer = {
            let mut slot = self.writer.returned();
            slot.held = false;
            slot.writer.take()
        };
        let Some(writer) = writer else {
            return Ok(());
        };
        // Dropped first, so that no merge of its own commits after the last
        // durable point; the folder stays locked until that point.
        drop(writer);
        if let Some(files) = &self.files {
            let _lock = files.acquire_lock(&INDEX_WRITER_LOCK);
            files.close()?;
        }
        Ok(())
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
        // The bare term a lone word or two-word phrase is counted by.
        let mut counted: Option<Term> = None;
        for (clauses, out) in [
            (&parsed.include, &mut must),
            (&parsed.exclude, &mut must_not),
        ] {
            for c in clauses {
                match self.clause_query(c) {
                    Some((q, term)) => {
                        out.push(q);
                        counted = term;
                    }
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
        // One word (or a two-word phrase: one pair) and nothing else is a
        // union of term queries at the top, the shape tantivy ranks with
        // block-max WAND, and the same releases as one bare term.
        let lone_term = match counted {
            Some(term) if must.len() == 1 && filters.is_empty() && must_not.is_empty() => {
                Some(term)
            }
            _ => None,
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.extend(must.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(must_not.into_iter().map(|q| (Occur::MustNot, q)));
        let searcher = self.reader.searcher();
        // The visibility gate inside the index: nothing published after now.
        // Only a clause when some segment holds such a release (the column's
        // maximum says so at no cost), which is rare: a clause matching
        // nearly everything would cost a scan of the column per query.
        let gated = holds_later_than(&searcher, now.as_microsecond());
        // A lone word ranked by relevance is gated per segment instead (see
        // `SearchIndex::gated_per_segment`): only the segments holding a
        // later release pay for the clause, and the others keep block-max
        // WAND and their kept counts.
        let lone_ranked = lone_term.is_some() && req.sort == Sort::Relevance;
        if gated && !lone_ranked {
            clauses.push((Occur::Must, Box::new(self.published_by(now))));
        }
        // A lone required clause is searched as itself: wrapped, it would
        // hide its union of terms from block-max WAND.
        let query: Box<dyn Query> = match clauses.as_slice() {
            [(Occur::Must, _)] => match clauses.pop() {
                Some((_, q)) => q,
                None => Box::new(BooleanQuery::new(clauses)),
            },
            _ => Box::new(BooleanQuery::new(clauses)),
        };

        let per_page = req.per_page.clamp(1, SearchRequest::MAX_PER_PAGE) as usize;
        let page = req.page.clamp(1, SearchRequest::MAX_PAGE) as usize;
        let top = TopDocs::with_limit(per_page).and_offset((page - 1) * per_page);
        // Every match must be visited once for the count and the facets.
        // A single word ranked by relevance takes two passes: the page by
        // block-max WAND, which skips most of the matches, then the tally
        // unscored. Anything else (a phrase, filters, date order) is one pass
        // that ranks and tallies together, so that positions are read once.
        let tally = FacetTally {
            dictionary: self.codes.dictionary(&searcher)?,
        };
        let (docs, tally): (Vec<(Option<f32>, DocAddress)>, Tally) = match req.sort {
            Sort::Relevance if lone_ranked => {
                let gate = gated.then(|| self.gated_per_segment(now));
                let docs = match &gate {
                    Some(gate) => self.top_gated(&searcher, query.as_ref(), &top, gate)?,
                    None => searcher.search(query.as_ref(), &top)?,
                };
                let tally = match &lone_term {
                    Some(term) => self
                        .codes
                        .terms
                        .count(&searcher, term, &tally, gate.as_ref())?,
                    None => searcher.search(query.as_ref(), &tally)?,
                };
                (docs.into_iter().map(|(s, a)| (Some(s), a)).collect(), tally)
            }
            Sort::Relevance => {
                let (docs, tally) = searcher.search(query.as_ref(), &(top, tally))?;
                (docs.into_iter().map(|(s, a)| (Some(s), a)).collect(), tally)
            }
            Sort::Newest | Sort::Oldest => {
                let order = if req.sort == Sort::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let by_date = top.order_by_fast_field::<i64>(DATE_FIELD, order);
                let (docs, tally) = searcher.search(query.as_ref(), &(by_date, tally))?;
                (docs.into_iter().map(|(_, a)| (None, a)).collect(), tally)
            }
        };
        let total = tally.total;

        let snippets = self.snippets(&searcher, &parsed)?;
        let mut hits = Vec::with_capacity(docs.len());
        for (score, address) in docs {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(hit) = self.hit(&doc, score, &snippets) {
                hits.push(hit);
            }
        }

        let facets = tally.facets(TOP_ISSUERS);

        let suggestion = if text_query_count > 0 {
            self.suggest(&searcher, &req.q, &parsed, now)?
        } else {
            None
        };
        Ok(SearchResults {
            total,
            hits,
            facets,
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
    /// (only very common words, or only punctuation); with it, for a word
    /// or phrase that is one term, the bare term query that matches the
    /// same releases.
    fn clause_query(&self, clause: &Clause) -> Option<ClauseQuery> {
        match clause {
            Clause::Word(t) | Clause::Phrase(t) => self.anywhere_query(t),
            Clause::Kind(t) => Some((self.field_query(t, self.fields.kind)?, None)),
            Clause::Issuer(t) => Some((self.field_query(t, self.fields.issuer)?, None)),
        }
    }

    /// `text` in one field: one word as a term, several as a phrase.
    fn field_query(&self, text: &str, field: Field) -> Option<Box<dyn Query>> {
        let tokens = self.tokens(&self.text, text);
        let first = tokens.first()?.0;
        Some(if tokens.len() == 1 {
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
        })
    }

    /// A word or a phrase anywhere in a release, a match in the title
    /// weighing more. A word is a term of `all`; a phrase is its pairs of
    /// adjacent words in `pairs`: one term for two words, a phrase of pairs
    /// for more. Common words at either end are left out (as they are from
    /// a lone word); inside they must be there ("trafficking in persons").
    /// Every title word and pair is also in `all` and `pairs`, so the title
    /// clause never adds a match: when the match is one term, that term is
    /// returned too, to count the matches without scoring the union.
    fn anywhere_query(&self, text: &str) -> Option<ClauseQuery> {
        let words = self.tokens(&self.text, text);
        let (first, last) = (words.first()?.0, words.last()?.0);
        let term = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        let ranked = |anywhere: Box<dyn Query>, title: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, anywhere),
                (Occur::Should, Box::new(BoostQuery::new(title, TITLE_BOOST))),
            ]))
        };
        if let [(_, word)] = words.as_slice() {
            return Some((
                ranked(term(self.fields.all, word), term(self.fields.title, word)),
                Some(Term::from_field_text(self.fields.all, word)),
            ));
        }
        let pairs: Vec<(usize, String)> = self
            .tokens(&self.pairs, text)
            .into_iter()
            .filter(|(pos, _)| (first..last).contains(pos))
            .collect();
        let phrase = |field: Field| -> Option<Box<dyn Query>> {
            match pairs.as_slice() {
                [] => None,
                [(_, pair)] => Some(term(field, pair)),
                [(start, _), ..] => Some(Box::new(PhraseQuery::new_with_offset(
                    pairs
                        .iter()
                        .map(|(pos, t)| (pos - start, Term::from_field_text(field, t)))
                        .collect(),
                ))),
            }
        };
        match (phrase(self.fields.pairs), phrase(self.fields.title_pairs)) {
            (Some(anywhere), Some(title)) => {
                let counted = (pairs.len() == 1)
                    .then(|| Term::from_field_text(self.fields.pairs, &pairs[0].1));
                Some((ranked(anywhere, title), counted))
            }
            // No two kept words are adjacent (a word too long to index
            // between them): all of them, anywhere.
            _ => Some((
                Box::new(BooleanQuery::new(
                    words
                        .iter()
                        .map(|(_, w)| (Occur::Must, term(self.fields.all, w)))
                        .collect(),
                )),
                None,
            )),
        }
    }

    /// The snippet maker for the words and phrases asked for, in the body:
    /// the rarer a word, the more a passage holding it is worth.
    fn snippets(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
    ) -> Result<SnippetGenerator, SearchError> {
        let mut terms = BTreeMap::new();
        for clause in &parsed.include {
            let (Clause::Word(t) | Clause::Phrase(t)) = clause else {
                continue;
            };
            for (_, word) in self.tokens(&self.text, t) {
                if terms.contains_key(&word) {
                    continue;
                }
                let freq = searcher.doc_freq(&Term::from_field_text(self.fields.all, &word))?;
                if freq > 0 {
                    terms.insert(word, 1.0 / (1.0 + freq as f32));
                }
            }
        }
        let stems: Vec<&str> = terms.keys().map(String::as_str).collect();
        let analyzer = schema::snippet_analyzer(&stems);
        Ok(SnippetGenerator::new(
            terms,
            analyzer,
            self.fields.body,
            SNIPPET_CHARS,
        ))
    }

    /// The gate for the segments that need it: [`Self::published_by`],
    /// scoring nothing, so that a release's score is the same whichever
    /// segment it is in.
    fn gated_per_segment(&self, now: Timestamp) -> Gate {
        Gate {
            query: Box::new(BoostQuery::new(Box::new(self.published_by(now)), 0.0)),
            now_us: now.as_microsecond(),
        }
    }

    /// The page of `query` with the gate applied only in the segments
    /// that hold a release published after now: the others are ranked
    /// by `query` alone (block-max WAND for a lone word).
    fn top_gated(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        top: &TopDocs,
        gate: &Gate,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let plain = query.weight(scoring)?;
        let gated = gate.around(query.box_clone()).weight(scoring)?;
        let fruits = searcher.index().search_executor().map(
            |(ord, reader): (usize, &SegmentReader)| {
                let weight = if gate.applies_to(reader) {
                    &gated
                } else {
                    &plain
                };
                top.collect_segment(weight.as_ref(), ord as SegmentOrdinal, reader)
            },
            searcher.segment_readers().iter().enumerate(),
        )?;
        top.merge_fruits(fruits)
    }

    /// Releases public at `now`: the index also holds scheduled and
    /// embargoed releases before their time.
    fn published_by(&self, now: Timestamp) -> RangeQuery {
        RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_i64(
                self.fields.published_at,
                now.as_microsecond(),
            )),
        )
    }

    /// Whether any release public at `now` holds `term`. Suggestions ask
    /// through the gate, never the raw term dictionary, so that no word of
    /// an embargoed release (nor of a withdrawn one) shows through a "did
    /// you mean". Walks the term's postings only up to the first public
    /// release: a known word answers at its first document instead of
    /// costing a count of every release that holds it.
    fn held_publicly(
        &self,
        searcher: &Searcher,
        term: &Term,
        now: Timestamp,
    ) -> Result<bool, SearchError> {
        let now_us = now.as_microsecond();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(term.field())?;
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            let published = segment.fast_fields().i64(PUBLISHED_AT_FIELD)?;
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                let is_alive = alive.is_none_or(|a| a.is_alive(doc));
                if is_alive && published.first(doc).is_some_and(|at| at <= now_us) {
                    return Ok(true);
                }
                doc = postings.advance();
            }
        }
        Ok(false)
    }

    /// "Did you mean": each plain word that matches nothing is replaced by
    /// the closest word of the index (by edit distance, then frequency).
    fn suggest(
        &self,
        searcher: &Searcher,
        q: &str,
        parsed: &ParsedQuery,
        now: Timestamp,
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
            let known =
                self.held_publicly(searcher, &Term::from_field_text(self.fields.all, stem), now)?;
            if known {
                continue;
            }
            let surface = self.tokens(&self.words, word);
            let [(_, surface)] = surface.as_slice() else {
                continue;
            };
            if let Some(better) = self.closest_word(searcher, surface, now)? {
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
    fn closest_word(
        &self,
        searcher: &Searcher,
        word: &str,
        now: Timestamp,
    ) -> Result<Option<String>, SearchError> {
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
        let mut ranked: Vec<_> = found.into_iter().collect();
        ranked.sort_by(|a, b| {
            a.1.0
                .cmp(&b.1.0)
                .then(b.1.1.cmp(&a.1.1))
                .then(a.0.cmp(&b.0))
        });
        // The dictionary's counts include releases not yet (or no longer)
        // public: the first candidate that public releases hold wins.
        for (candidate, _) in ranked {
            let term = Term::from_field_text(self.fields.words, &candidate);
            if self.held_publicly(searcher, &term, now)? {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }
}

/// A refused writer: [`SearchError::Busy`] when another holds the lock.
fn busy(e: TantivyError) -> SearchError {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Busy,
        other => SearchError::Index(other),
    }
}

/// Applies changes to the index. Changes become visible to searches at
/// [`IndexUpdater::commit`], all together.
pub struct IndexUpdater {
    /// Always there until the updater is dropped (given back or closed).
    writer: Option<IndexWriter>,
    reader: IndexReader,
    fields: Fields,
    /// Where a held writer goes back when the updater is dropped; `None`
    /// for a writer of its own.
    home: Option<Arc<WriterSlot>>,
    /// Whether every change is committed: a held writer with changes not
    /// committed (a failure) is dropped, not given back, so that the next
    /// updater does not commit them.
    committed: bool,
}

impl Drop for IndexUpdater {
    fn drop(&mut self) {
        let Some(home) = &self.home else { return };
        let writer = self.writer.take();
        let mut slot = home.state.lock().unwrap_or_else(PoisonError::into_inner);
        slot.lent = false;
        let dropped = if self.committed && slot.held {
            slot.writer = writer;
            None
        } else {
            writer
        };
        drop(slot);
        home.returned.notify_all();
        // A writer joins its threads when dropped: not under the lock.
        drop(dropped);
    }
}

impl IndexUpdater {
    fn writer(&mut self) -> Result<&mut IndexWriter, SearchError> {
        self.committed = false;
        self.writer.as_mut().ok_or_else(|| {
            SearchError::Index(TantivyError::InternalError(
                "the index writer was given back".to_owned(),
            ))
        })
    }

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
            self.writer()?.add_document(doc)?;
        }
        Ok(())
    }

    /// Takes a release out of search.
    pub fn remove(&mut self, id: ReleaseId) {
        let term = Term::from_field_i64(self.fields.id, id.0);
        if let Ok(writer) = self.writer() {
            writer.delete_term(term);
        }
    }

    /// Empties the index (visible at commit, so readers never see it empty
    /// during a rebuild).
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change so far visible, durably.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer()?.commit()?;
        self.committed = true;
        self.reader.reload()?;
        Ok(())
    }

    /// Commits like [`IndexUpdater::commit`], recording that the index now
    /// reflects every change of the store's feed up to `cursor`, so that a
    /// server starting later knows where to catch up from.
    pub fn commit_at(&mut self, cursor: i64) -> Result<(), SearchError> {
        let started = Instant::now();
        let mut prepared = self.writer()?.prepare_commit()?;
        prepared.set_payload(&format!("{CURSOR_PAYLOAD}{cursor}"));
        prepared.commit()?;
        self.committed = true;
        let committed = Instant::now();
        self.reader.reload()?;
        tracing::debug!(
            commit_ms = (committed - started).as_secs_f64() * 1e3,
            reload_ms = committed.elapsed().as_secs_f64() * 1e3,
            cursor,
            "search index committed"
        );
        Ok(())
    }

    /// Commits and waits for background merges, leaving a compact index
    /// (a held writer is given back instead: its merges go on).
    pub fn finish(mut self) -> Result<(), SearchError> {
        self.commit()?;
        self.wait_merges()
    }

    /// [`IndexUpdater::finish`] with the change-feed position of
    /// [`IndexUpdater::commit_at`].
    pub fn finish_at(mut self, cursor: i64) -> Result<(), SearchError> {
        self.commit_at(cursor)?;
        self.wait_merges()
    }

    fn wait_merges(mut self) -> Result<(), SearchError> {
        if self.home.is_some() {
            return Ok(());
        }
        if let Some(writer) = self.writer.take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }
}

fn clause_text(c: &Clause) -> &str {
    match c {
        Clause::Word(t) | Clause::Phrase(t) | Clause::Kind(t) | Clause::Issuer(t) => t,
    }
}

/// Whether any segment may hold a release published after `now_us` (a
/// deleted document's value may linger in its column, which only costs the
/// gate clause).
fn holds_later_than(searcher: &Searcher, now_us: i64) -> bool {
    searcher
        .segment_readers()
        .iter()
        .any(|segment| segment_holds_later_than(segment, now_us))
}

fn segment_holds_later_than(segment: &SegmentReader, now_us: i64) -> bool {
    segment
        .fast_fields()
        .i64(PUBLISHED_AT_FIELD)
        .map_or(true, |column| column.max_value() > now_us)
}

/// The visibility gate as a clause for the segments that hold a release
/// published after now (see [`SearchIndex::top_gated`]).
pub(crate) struct Gate {
    pub query: Box<dyn Query>,
    now_us: i64,
}

impl Gate {
    /// Whether `segment` needs the clause.
    pub(crate) fn applies_to(&self, segment: &SegmentReader) -> bool {
        segment_holds_later_than(segment, self.now_us)
    }

    /// `query` restricted to the releases public at the gate's instant.
    pub(crate) fn around(&self, query: Box<dyn Query>) -> BooleanQuery {
        BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, self.query.box_clone()),
        ])
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
