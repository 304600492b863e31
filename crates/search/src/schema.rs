//! The index's fields and text analysis, and how a release becomes a
//! document.

use pressroom_domain::{Release, Status};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema, TantivyDocument,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// The analyzer of every searchable text: words split on anything not a
/// letter or digit, lower-cased, accents folded (Søreide -> soreide), common
/// words dropped, English stems (statements -> statement).
pub(crate) const TEXT: &str = "pressroom_text";
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
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
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
    pub title: Field,
    pub body: Field,
    pub kind: Field,
    pub issuer: Field,
    pub dateline: Field,
    pub attribution: Field,
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

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let o = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TEXT)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored { o.set_stored() } else { o }
        };
        let fields = Fields {
            id: b.add_i64_field("id", INDEXED | STORED | FAST),
            path: b.add_text_field("path", STORED),
            title: b.add_text_field("title", text(true)),
            body: b.add_text_field("body", text(true)),
            kind: b.add_text_field("kind", text(true)),
            issuer: b.add_text_field("issuer", text(true)),
            dateline: b.add_text_field("dateline", text(true)),
            attribution: b.add_text_field("attribution", text(false)),
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

    /// Fields a word or phrase is looked for in, with the weight of a match
    /// there: a word in the title says more than the same word in the body.
    pub(crate) fn weighted(&self) -> [(Field, f32); 6] {
        [
            (self.title, 3.0),
            (self.body, 1.0),
            (self.kind, 1.0),
            (self.issuer, 1.5),
            (self.dateline, 1.0),
            (self.attribution, 1.0),
        ]
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
        doc.add_text(self.title, c.title.as_str());
        let body = c.body.texts().collect::<Vec<_>>().join("\n\n");
        doc.add_text(self.body, &body);
        let mut words = format!("{}\n{}", c.title, body);
        if let Some(kind) = &c.kind {
            doc.add_text(self.kind, kind.as_str());
            doc.add_text(self.kind_key, kind.as_str());
            doc.add_facet(self.facets, Facet::from_path(["kind", kind.as_str()]));
        }
        if let Some(issuer) = &c.issuer {
            doc.add_text(self.issuer, issuer.as_str());
            doc.add_text(self.issuer_key, issuer.as_str());
            doc.add_facet(self.facets, Facet::from_path(["issuer", issuer.as_str()]));
            words.push('\n');
            words.push_str(issuer.as_str());
        }
        if let Some(dateline) = &c.dateline {
            doc.add_text(self.dateline, dateline.as_str());
        }
        if let Some(attribution) = &c.attribution {
            doc.add_text(self.attribution, attribution.as_str());
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
    fn dates_round_trip_through_their_keys() {
        let d = jiff::civil::date(2018, 12, 19);
        assert_eq!(date_key(d), 20181219);
        assert_eq!(date_from_key(20181219), Some(d));
        assert_eq!(date_from_key(20181340), None);
    }
}
