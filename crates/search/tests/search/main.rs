//! The index on its own: what it holds, what a query finds, and that no
//! query text can make it fail. The seed-release acceptance tests run over
//! HTTP in `crates/web/tests/public/search.rs`.

mod folder;
mod held;
mod index;
mod robustness;

use jiff::Timestamp;
use pressroom_domain::{
    Body, Dateline, Issuer, Kind, Language, Release, ReleaseContent, ReleaseDate, ReleaseId, Slug,
    Status, Title,
};
use pressroom_search::{SearchIndex, SearchRequest};

pub const NOW: &str = "2026-06-01T12:00:00Z";

pub fn now() -> Timestamp {
    NOW.parse().expect("time")
}

/// A published release with these fields.
pub fn release(id: i64, title: &str, kind: &str, date: &str, body: &str) -> Release {
    let date = ReleaseDate::parse_iso(date).expect("date");
    Release {
        id: ReleaseId(id),
        slug: Slug::from_title(title),
        status: Status::Published,
        revision: 1,
        published_at: Some(now() - jiff::SignedDuration::from_hours(1)),
        created_at: now(),
        updated_at: now(),
        content: ReleaseContent {
            title: Title::parse(title).expect("title"),
            kind: Some(Kind::parse(kind).expect("kind")),
            issuer: Some(Issuer::parse("Office of the Spokesperson").expect("issuer")),
            dateline: Some(Dateline::parse("Washington, DC").expect("dateline")),
            date,
            attribution: None,
            body: Body::from_texts(&[body]).expect("body"),
            language: Language::default(),
        },
    }
}

pub fn index_of(releases: &[Release]) -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let mut w = index.updater().expect("writer");
    for r in releases {
        w.upsert(r).expect("upsert");
    }
    w.commit().expect("commit");
    index
}

pub fn ask(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.to_owned(),
        page: 1,
        per_page: 10,
        ..SearchRequest::default()
    }
}

pub fn titles(index: &SearchIndex, req: &SearchRequest) -> Vec<String> {
    index
        .search(req, now())
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.title)
        .collect()
}
