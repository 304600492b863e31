//! The index's fields and text analysis, and how a release becomes a
//! document.

use pressroom_domain::{Release, Status};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The analyzer of every searchable text: words split on anything not a
/// letter or digit, lower-cased, accents folded (Søreide -> soreide), common
/// words dropped, English stems (statements -> statement).
pub(crate) const TEXT: &str = "pressroom_text";
/// Pairs of adjacent words, analyzed as [`TEXT`] but keeping the common
/// words: what an exact phrase is looked up by (see [`pairs_analyzer`]).
pub(crate) const PAIRS: &str = "pressroom_pairs";
/// Words as written, only folded: the vocabulary "did you mean" suggests
/// from, so suggestions are real words, not stems.
pub(crate) const WORDS: &str = "pressroom_words";

/// Words too common to carry meaning in a search. Kept short on purpose:
/// "united", "states" or "office" must stay searchable.
pub(crate) const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "then", "there", "these",
    "this", "to", "was", "were", "will", "with",
];

pub(crate) fn text_analyzer() -> TextAnalyzer {
    unstemmed().filter(Stemmer::new(Language::English)).build()
}

/// [`text_analyzer`] up to its stemming: shared with [`snippet_analyzer`],
/// whose matches must be the same.
fn unstemmed() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
}

/// [`text_analyzer`] for finding the words asked for in a text (the
/// snippets of a page's hits): a word is stemmed only if it starts with
/// the letter one of them starts with. English stems keep a word's first
/// letter (only endings change), so a word starting otherwise cannot stem
/// to any of them, and left as it is it cannot equal one either: the
/// matches are exactly those of [`text_analyzer`], for a fraction of the
/// stemming, which was most of a snippet's cost.
pub(crate) fn snippet_analyzer(stems: &[&str]) -> TextAnalyzer {
    let initials: Vec<char> = stems.iter().filter_map(|s| s.chars().next()).collect();
    unstemmed()
        .filter(StemInitials {
            initials: initials.into(),
        })
        .build()
}

/// See [`snippet_analyzer`].
#[derive(Clone)]
struct StemInitials {
    initials: std::sync::Arc<[char]>,
}

#[derive(Clone)]
struct StemInitialsFilter<T> {
    initials: std::sync::Arc<[char]>,
    inner: T,
}

struct StemInitialsStream<'a, T> {
    tail: T,
    initials: &'a [char],
    stemmer: rust_stemmers::Stemmer,
}

impl TokenFilter for StemInitials {
    type Tokenizer<T: Tokenizer> = StemInitialsFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> StemInitialsFilter<T> {
        StemInitialsFilter {
            initials: self.initials,
            inner,
        }
    }
}

impl<T: Tokenizer> Tokenizer for StemInitialsFilter<T> {
    type TokenStream<'a> = StemInitialsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemInitialsStream {
            tail: self.inner.token_stream(text),
            initials: &self.initials,
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
        }
    }
}

impl<T: TokenStream> TokenStream for StemInitialsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let asked = token
            .text
            .chars()
            .next()
            .is_some_and(|c| self.initials.contains(&c));
        if !asked {
            return true;
        }
        // An unchanged word comes back borrowed, whole.
        let stem = match self.stemmer.stem(&token.text) {
            std::borrow::Cow::Owned(stem) => Some(stem),
            std::borrow::Cow::Borrowed(s) => (s.len() != token.text.len()).then(|| s.to_owned()),
        };
        if let Some(stem) = stem {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Every two adjacent words of a text as one term ("human rights" ->
/// `human right`, "trafficking in persons" -> `traffick in`, `in person`),
/// at the position of the first. A phrase of two words is then one term,
/// and a longer one a phrase of pairs: positions are read only for the few
/// documents holding every pair, not for every document holding every
/// word. Common words are kept, so "trafficking in persons" no longer
/// matches "trafficking of persons"; words split as [`TEXT`] splits them,
/// so a phrase still runs across punctuation exactly as it did.
pub(crate) fn pairs_analyzer() -> TextAnalyzer {
    let words = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    TextAnalyzer::from(PairTokenizer {
        words,
        pairs: Vec::new(),
    })
}

/// See [`pairs_analyzer`].
#[derive(Clone)]
struct PairTokenizer {
    words: TextAnalyzer,
    /// Reused between texts: a rebuild analyzes millions of them.
    pairs: Vec<Token>,
}

struct PairStream<'a> {
    pairs: &'a mut [Token],
    /// One past the current pair.
    next: usize,
    /// What `token` shows before the first `advance`.
    none: Token,
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = PairStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairStream<'a> {
        self.pairs.clear();
        let mut stream = self.words.token_stream(text);
        let mut previous: Option<Token> = None;
        while stream.advance() {
            let word = stream.token();
            if let Some(p) = previous.as_mut() {
                // A word dropped between them (too long) leaves a gap: not a pair.
                if p.position + 1 == word.position {
                    let mut text = String::with_capacity(p.text.len() + 1 + word.text.len());
                    text.push_str(&p.text);
                    text.push(' ');
                    text.push_str(&word.text);
                    self.pairs.push(Token {
                        offset_from: p.offset_from,
                        offset_to: word.offset_to,
                        position: p.position,
                        text,
                        position_length: 1,
                    });
                }
                p.clone_from(word);
            } else {
                previous = Some(word.clone());
            }
        }
        PairStream {
            pairs: &mut self.pairs,
            next: 0,
            none: Token::default(),
        }
    }
}

impl TokenStream for PairStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.pairs.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1).and_then(|i| self.pairs.get(i)) {
            Some(t) => t,
            None => &self.none,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1).and_then(|i| self.pairs.get_mut(i)) {
            Some(t) => t,
            None => &mut self.none,
        }
    }
}

pub(crate) fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Every field of the index, by handle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub path: Field,
    /// Searched for its own weight in ranking, and stored.
    pub title: Field,
    /// The title's word pairs, for the weight of a phrase in the title.
    pub title_pairs: Field,
    /// Stored only: found through `all`, shown in snippets.
    pub body: Field,
    /// Every searchable text of a release (title, body, kind, issuer,
    /// dateline, attribution) in one field, so that a word is one postings
    /// list, not a union of six.
    pub all: Field,
    /// The word pairs of the same texts, with positions: phrases.
    pub pairs: Field,
    /// Searched by `kind:`, and stored.
    pub kind: Field,
    /// Searched by `issuer:`, and stored.
    pub issuer: Field,
    /// Stored only.
    pub dateline: Field,
    /// `/kind/<kind>`, `/issuer/<issuer>`, `/year/<yyyy>`.
    pub facets: Field,
    /// The release date as yyyymmdd.
    pub date: Field,
    /// When it became public, in UTC microseconds.
    pub published_at: Field,
    pub words: Field,
    pub kind_key: Field,
    pub issuer_key: Field,
}

pub(crate) const DATE_FIELD: &str = "date";
pub(crate) const PUBLISHED_AT_FIELD: &str = "published_at";
/// Kind and issuer as written, in fast columns: what facets are counted by.
pub(crate) const KIND_KEY: &str = "kind_key";
pub(crate) const ISSUER_KEY: &str = "issuer_key";
/// How much more a match in the title counts than one anywhere else.
pub(crate) const TITLE_BOOST: f32 = 2.0;

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = |tokenizer: &str, record: IndexRecordOption| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(record),
            )
        };
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let fields = Fields {
            id: b.add_i64_field("id", INDEXED | STORED | FAST),
            path: b.add_text_field("path", STORED),
            title: b.add_text_field("title", text(TEXT, positions).set_stored()),
            title_pairs: b.add_text_field("title_pairs", text(PAIRS, positions)),
            body: b.add_text_field("body", STORED),
            all: b.add_text_field("all", text(TEXT, IndexRecordOption::WithFreqs)),
            pairs: b.add_text_field("pairs", text(PAIRS, positions)),
            kind: b.add_text_field("kind", text(TEXT, positions).set_stored()),
            issuer: b.add_text_field("issuer", text(TEXT, positions).set_stored()),
            dateline: b.add_text_field("dateline", STORED),
            facets: b.add_facet_field("facets", FacetOptions::default()),
            date: b.add_i64_field(DATE_FIELD, INDEXED | STORED | FAST),
            published_at: b.add_i64_field(PUBLISHED_AT_FIELD, INDEXED | FAST),
            words: b.add_text_field(
                "words",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(WORDS)
                        .set_index_option(IndexRecordOption::Basic),
                ),
            ),
            kind_key: b.add_text_field(KIND_KEY, TextOptions::default().set_fast(None)),
            issuer_key: b.add_text_field(ISSUER_KEY, TextOptions::default().set_fast(None)),
        };
        (b.build(), fields)
    }

    /// The document for a release, or `None` if it must not be searchable:
    /// published releases, and scheduled or embargoed ones, with their
    /// publication time. Every query filters on that time, so a timed
    /// release is found from its lift instant exactly as the public gate
    /// shows it, without waiting for the scheduler's write. A withdrawn
    /// release keeps its page but leaves search; a draft is never indexed.
    pub(crate) fn document(&self, r: &Release) -> Option<TantivyDocument> {
        let published_at = r.published_at?;
        if r.status != Status::Published && !r.status.is_timed() {
            return None;
        }
        let c = &r.content;
        let mut doc = TantivyDocument::default();
        doc.add_i64(self.id, r.id.0);
        doc.add_text(self.path, r.path().to_string());
        // Each text is its own value of `all` and `pairs`: no pair (nor
        // phrase) runs from one into the next.
        let searchable = |doc: &mut TantivyDocument, text: &str| {
            doc.add_text(self.all, text);
            doc.add_text(self.pairs, text);
        };
        doc.add_text(self.title, c.title.as_str());
        doc.add_text(self.title_pairs, c.title.as_str());
        searchable(&mut doc, c.title.as_str());
        let body = c.body.texts().collect::<Vec<_>>().join("\n\n");
        doc.add_text(self.body, &body);
        searchable(&mut doc, &body);
        let mut words = format!("{}\n{}", c.title, body);
        if let Some(kind) = &c.kind {
            doc.add_text(self.kind, kind.as_str());
            doc.add_text(self.kind_key, kind.as_str());
            doc.add_facet(self.facets, Facet::from_path(["kind", kind.as_str()]));
            searchable(&mut doc, kind.as_str());
        }
        if let Some(issuer) = &c.issuer {
            doc.add_text(self.issuer, issuer.as_str());
            doc.add_text(self.issuer_key, issuer.as_str());
            doc.add_facet(self.facets, Facet::from_path(["issuer", issuer.as_str()]));
            searchable(&mut doc, issuer.as_str());
            words.push('\n');
            words.push_str(issuer.as_str());
        }
        if let Some(dateline) = &c.dateline {
            doc.add_text(self.dateline, dateline.as_str());
            searchable(&mut doc, dateline.as_str());
        }
        if let Some(attribution) = &c.attribution {
            searchable(&mut doc, attribution.as_str());
        }
        let date = c.date.date();
        doc.add_facet(
            self.facets,
            Facet::from_path(["year", &date.year().to_string()]),
        );
        doc.add_i64(self.date, date_key(date));
        doc.add_i64(self.published_at, published_at.as_microsecond());
        doc.add_text(self.words, words);
        Some(doc)
    }
}

/// A date as the number yyyymmdd, which sorts as the date does.
pub(crate) fn date_key(d: jiff::civil::Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

pub(crate) fn date_from_key(k: i64) -> Option<jiff::civil::Date> {
    let y = i16::try_from(k / 10_000).ok()?;
    let m = i8::try_from((k / 100) % 100).ok()?;
    let d = i8::try_from(k % 100).ok()?;
    jiff::civil::Date::new(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn text_is_folded_lowercased_stemmed_and_common_words_dropped() {
        let mut a = text_analyzer();
        assert_eq!(
            tokens(&mut a, "Ine Eriksen Søreide's STATEMENTS on the Sanctions"),
            ["ine", "eriksen", "soreid", "s", "statement", "sanction"]
        );
    }

    #[test]
    fn pairs_join_adjacent_words_keeping_common_ones() {
        let mut a = pairs_analyzer();
        assert_eq!(
            tokens(&mut a, "Trafficking in Persons. Søreide"),
            ["traffick in", "in person", "person soreid"]
        );
        assert!(tokens(&mut a, "alone").is_empty());
        assert!(tokens(&mut a, "").is_empty());
    }

    #[test]
    fn a_word_too_long_to_index_breaks_the_pairs_around_it() {
        let mut a = pairs_analyzer();
        let long = "x".repeat(70);
        assert_eq!(
            tokens(&mut a, &format!("visa {long} reciprocity fees")),
            ["reciproc fee"]
        );
    }

    #[test]
    fn dates_round_trip_through_their_keys() {
        let d = jiff::civil::date(2018, 12, 19);
        assert_eq!(date_key(d), 20181219);
        assert_eq!(date_from_key(20181219), Some(d));
        assert_eq!(date_from_key(20181340), None);
    }
}
