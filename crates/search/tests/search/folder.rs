//! An index in a folder, read as a serving node reads it: stored releases,
//! postings and positions read from the files as asked, not mapped.

use pressroom_search::{SearchIndex, SearchRequest, SearchResults, Sort};

use crate::{ask, now, release};

/// Enough releases, long enough, that a search reads several blocks of
/// stored releases and postings of several lengths; few enough that every
/// question's hits fit on one page of [`SearchRequest::MAX_PER_PAGE`], so
/// that hits of equal score can be compared whatever their order.
fn releases() -> Vec<pressroom_domain::Release> {
    let kinds = ["Press Statement", "Media Note", "Readout"];
    let topics = [
        "fisheries",
        "global health security",
        "vaccines",
        "maritime law",
    ];
    let first = jiff::civil::date(2010, 1, 1);
    (1..=48)
        .map(|id| {
            let topic = topics[id as usize % topics.len()];
            let body = format!(
                "The ministry speaks of {topic} today, statement number {id}. {}",
                "The talks covered trade, energy and the protection of civilians. ".repeat(20)
            );
            // A date of its own each: sorting by date orders every hit.
            let date = first
                .checked_add(jiff::Span::new().days(id * 37))
                .expect("date");
            release(
                id,
                &format!("Statement {id} on {topic}"),
                kinds[id as usize % kinds.len()],
                &date.to_string(),
                &body,
            )
        })
        .collect()
}

fn questions() -> Vec<SearchRequest> {
    let mut questions: Vec<SearchRequest> = [
        "fisheries",
        "\"global health\"",
        "health security -vaccines",
        "civilians",
        "statement 17",
        "maritime law",
    ]
    .into_iter()
    .map(|q| SearchRequest {
        per_page: SearchRequest::MAX_PER_PAGE,
        ..ask(q)
    })
    .collect();
    // A second page, in an order that ties cannot change.
    questions.push(SearchRequest {
        kind: Some("Media Note".to_owned()),
        sort: Sort::Newest,
        page: 2,
        per_page: 5,
        ..ask("trade")
    });
    questions
}

/// `results` with hits of equal score in id order (two indexes of the same
/// releases may break ties differently: their segments differ).
fn canonical(mut results: SearchResults) -> SearchResults {
    results.hits.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.id.cmp(&b.id))
    });
    results
}

fn fill(index: &SearchIndex) {
    let mut w = index.updater().expect("writer");
    for r in releases() {
        w.upsert(&r).expect("upsert");
    }
    w.commit().expect("commit");
}

#[test]
fn a_folder_index_answers_every_question_as_the_same_index_in_memory_does() {
    let dir = tempfile::tempdir().expect("dir");
    fill(&SearchIndex::open_or_create(dir.path()).expect("open"));
    let folder = SearchIndex::open_or_create(dir.path()).expect("reopen");
    let memory = SearchIndex::in_memory().expect("memory");
    fill(&memory);

    for question in questions() {
        let from_folder = canonical(folder.search(&question, now()).expect("search folder"));
        let from_memory = canonical(memory.search(&question, now()).expect("search memory"));

        assert!(!from_memory.hits.is_empty(), "{question:?} finds something");
        assert!(from_memory.total <= u64::from(question.per_page) || question.page > 1);
        assert_eq!(from_folder, from_memory, "{question:?}");
    }
}

/// The files of `dir` the process has mapped, by extension.
fn mapped_extensions(dir: &std::path::Path) -> Vec<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("maps");
    let dir = dir.to_str().expect("utf-8 path");
    let mut found: Vec<String> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|file| file.starts_with(dir))
        .filter_map(|file| file.rsplit('.').next().map(str::to_owned))
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn searching_a_folder_index_maps_none_of_its_stored_releases_postings_or_positions() {
    let dir = tempfile::tempdir().expect("dir");
    fill(&SearchIndex::open_or_create(dir.path()).expect("open"));
    let folder = SearchIndex::open_or_create(dir.path()).expect("reopen");

    for question in questions() {
        folder.search(&question, now()).expect("search");
    }
    let mapped = mapped_extensions(dir.path());

    // The small files every query reads stay mapped: the check sees maps.
    assert!(mapped.iter().any(|e| e == "term"), "{mapped:?}");
    for large in ["store", "idx", "pos"] {
        assert!(
            !mapped.iter().any(|e| e == large),
            "{large} mapped: {mapped:?}"
        );
    }
}
