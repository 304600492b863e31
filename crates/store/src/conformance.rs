//! The behaviour every [`Store`] backend must show, written once. A backend
//! runs it with [`store_conformance_tests!`](crate::store_conformance_tests),
//! giving an expression that makes a fresh, empty store per test.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::{date, time};
use pressroom_domain::{
    Attribution, Body, Dateline, FixedClock, Issuer, Kind, Language, ReleaseContent, ReleaseDate,
    ReleaseId, Status, Title,
};

use crate::{
    ChangeFeed, Facet, ImportOutcome, ImportRecord, ListPosition, ListQuery, PageRequest,
    PublicView, ReleaseFilter, Source, Store, Visibility,
};

/// Generates one `#[tokio::test]` per conformance case. `$make` is an async
/// expression evaluating to `(Arc<dyn Store>, guard)`: a store that is empty
/// and private to the test, and whatever must live as long as it (a
/// temporary directory, a database to drop).
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::store_conformance_tests!(@cases $make;
            import_then_read_back_keeps_every_field,
            reimporting_a_release_stores_it_once_and_records_both_sources,
            two_releases_with_one_title_on_one_day_get_distinct_paths,
            releases_with_one_very_long_title_on_one_day_get_distinct_paths,
            listing_is_newest_first_and_paginated,
            a_known_total_is_not_counted_again_and_the_page_is_read_as_usual,
            a_memoized_view_counts_again_after_a_write_is_reported,
            deep_pages_placed_by_their_years_counts_hold_the_same_releases,
            unpublished_releases_are_invisible_to_public_reads,
            filters_combine_and_facets_count,
            batch_after_walks_every_release_once,
            list_after_walks_the_listing_order_by_keyset_under_filters,
            paths_after_walks_public_paths_only_in_id_order,
            first_ids_of_spans_name_the_first_public_id_of_every_span_that_holds_one,
            listed_paths_of_some_ids_name_only_the_public_ones_in_one_read,
            a_batch_with_a_repeated_release_stores_it_once,
            files_imported_together_are_each_stored_as_if_imported_alone,
            month_facets_count_per_month_newest_first,
            neighbours_are_the_adjacent_public_releases_of_the_same_kind,
            containing_text_finds_exact_text_in_public_bodies_only,
            every_new_release_enters_the_change_feed_once_in_commit_order,
            a_change_feed_follower_wakes_when_a_write_commits,
            a_lease_has_one_holder_until_it_expires_or_is_released,
            contending_holders_never_share_a_lease,
            a_dump_restores_every_release_with_its_history_and_sources,
            every_public_import_appends_one_log_leaf_with_a_dense_index,
            the_stored_tree_gives_the_same_heads_and_proofs_as_the_leaves,
            concurrent_imports_get_dense_log_indexes_in_commit_order,
            a_held_release_is_kept_once_with_every_place_it_was_found_and_never_listed_publicly,
            a_draft_goes_through_clearance_to_publication_with_one_public_revision,
            a_transition_from_a_status_the_release_has_left_writes_nothing,
            concurrent_publications_of_one_release_succeed_exactly_once,
            an_embargoed_release_is_public_from_its_lift_time_exactly,
            a_correction_adds_a_revision_and_a_withdrawal_leaves_listings_but_not_the_address,
            publication_correction_and_withdrawal_each_append_one_log_leaf_in_their_transaction,
            workflow_settings_default_to_clearance_and_keep_what_an_admin_sets,
            a_preview_link_opens_only_its_embargoed_release_until_it_expires_logging_each_access,
            the_desk_reads_releases_by_status_and_author_newest_first_in_bounded_pages,
            a_preview_link_opens_nothing_once_revoked_or_once_its_release_is_public,
            releases_corrected_or_withdrawn_since_an_instant_are_found_latest_change_first,
            public_counts_follow_every_write_and_the_clock,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let (store, _guard): (::std::sync::Arc<dyn $crate::Store>, _) = $make.await;
                $crate::conformance::$case(store).await;
            }
        )*
    };
}

mod workflow;
pub use workflow::*;

fn now() -> Timestamp {
    Timestamp::from_second(1_700_000_000).expect("valid timestamp")
}

/// A release with the given title and day, every optional field set.
pub fn content(title: &str, y: i16, m: i8, d: i8) -> ReleaseContent {
    ReleaseContent {
        title: Title::parse(title).expect("valid title"),
        kind: Some(Kind::MediaNote),
        issuer: Some(Issuer::parse("Office of the Spokesperson").expect("valid issuer")),
        dateline: Some(Dateline::parse("Washington, DC").expect("valid dateline")),
        date: ReleaseDate::from_date(date(y, m, d)).expect("valid date"),
        attribution: None,
        body: Body::from_texts(&[format!("Body of {title}.")]).expect("valid body"),
        language: Language::default(),
    }
}

pub(crate) fn record(content: ReleaseContent, fingerprint: &str, path: &str) -> ImportRecord {
    ImportRecord {
        content,
        fingerprint: fingerprint.to_owned(),
        source: Source {
            path: path.to_owned(),
            line: 1,
        },
        status: Status::Published,
    }
}

fn public(store: &Arc<dyn Store>) -> PublicView {
    PublicView::new(store.clone(), Arc::new(FixedClock::new(now())))
}

pub(crate) async fn import(
    store: &Arc<dyn Store>,
    records: Vec<ImportRecord>,
) -> Vec<ImportOutcome> {
    store.import(records, now()).await.expect("import succeeds")
}

pub async fn import_then_read_back_keeps_every_field(store: Arc<dyn Store>) {
    let mut c = content("Søreide and Çavuşoğlu Meet in Bogotá", 2018, 12, 19);
    c.kind = Some(Kind::parse("Taken Question").expect("kind"));
    c.issuer = Some(Issuer::person("Ine Søreide", "Foreign Minister").expect("issuer"));
    c.attribution = Some(
        Attribution::parse("The below is attributable to Deputy Spokesperson Robert Palladino:")
            .expect("attribution"),
    );
    c.date = c
        .date
        .with_time(time(14, 30, 0, 0), "Europe/Oslo")
        .expect("zone");
    c.body = Body::from_texts(&[
        "First *paragraph* — “quoted”.",
        "Second, with a [link](https://example.org).",
    ])
    .expect("body");
    c.language = Language::parse("nb").expect("language");

    let out = import(&store, vec![record(c.clone(), "fp-1", "a.txt")]).await;
    let ImportOutcome::Inserted { id, path } = &out[0] else {
        panic!("expected an insert, got {out:?}");
    };
    assert_eq!(
        path.to_string(),
        "/releases/2018/12/19/soreide-and-cavusoglu-meet-in-bogota"
    );
    let got = store.get(*id).await.expect("get").expect("stored");
    assert_eq!(got.content, c);
    assert_eq!(got.status, Status::Published);
    assert_eq!(got.revision, 1);
    assert_eq!(got.published_at, Some(now()));
    let by_path = public(&store)
        .release(path)
        .await
        .expect("read")
        .expect("public");
    assert_eq!(by_path.id, *id);
}

pub async fn reimporting_a_release_stores_it_once_and_records_both_sources(store: Arc<dyn Store>) {
    let c = content("Joint Statement", 2018, 12, 20);
    let first = import(&store, vec![record(c.clone(), "same", "one.txt")]).await;
    let second = import(&store, vec![record(c.clone(), "same", "two.txt")]).await;
    let again = import(&store, vec![record(c, "same", "two.txt")]).await;
    let (ImportOutcome::Inserted { id, .. }, ImportOutcome::Duplicate { id: dup, .. }) =
        (&first[0], &second[0])
    else {
        panic!("expected insert then duplicate: {first:?} {second:?}");
    };
    assert_eq!(id, dup);
    assert!(matches!(again[0], ImportOutcome::Duplicate { .. }));
    let sources = store.sources(*id).await.expect("sources");
    let paths: Vec<_> = sources.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["one.txt", "two.txt"]);
    let page = public(&store)
        .list(ReleaseFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert_eq!(page.total, 1);
}

pub async fn files_imported_together_are_each_stored_as_if_imported_alone(store: Arc<dyn Store>) {
    let before = import(
        &store,
        vec![record(content("Earlier", 2020, 5, 1), "e", "old")],
    )
    .await;
    let files = vec![
        vec![
            record(content("Readout", 2021, 3, 4), "r1", "a.txt"),
            record(content("Earlier", 2020, 5, 1), "e", "a.txt"),
        ],
        Vec::new(),
        // The same title on the same day, but another release; and a copy
        // of the first file's release.
        vec![
            record(content("Readout", 2021, 3, 4), "r2", "b.txt"),
            record(content("Readout", 2021, 3, 4), "r1", "b.txt"),
        ],
    ];
    let results = store
        .import_files(files, now())
        .await
        .expect("import files");
    let [a, empty, b] = results.as_slice() else {
        panic!("one result per file: {results:?}");
    };
    let (a, b) = (a.as_ref().expect("a stored"), b.as_ref().expect("b stored"));
    assert!(empty.as_ref().expect("empty file").is_empty());
    let first = inserted_id(&a[0]);
    let ImportOutcome::Duplicate { id: earlier, .. } = &a[1] else {
        panic!("a release stored earlier is a duplicate: {a:?}");
    };
    assert_eq!(*earlier, inserted_id(&before[0]));
    let ImportOutcome::Inserted { path: other, .. } = &b[0] else {
        panic!("another release with the same title is new: {b:?}");
    };
    assert_eq!(other.to_string(), "/releases/2021/03/04/readout-2");
    let ImportOutcome::Duplicate { id: copy, .. } = &b[1] else {
        panic!("a copy of a release from an earlier file of the call: {b:?}");
    };
    assert_eq!(*copy, first);
    let paths: Vec<_> = store
        .sources(first)
        .await
        .expect("sources")
        .into_iter()
        .map(|s| s.path)
        .collect();
    assert_eq!(paths, ["a.txt", "b.txt"]);
    let changes = store.changes_after(0, 100).await.expect("changes");
    assert_eq!(changes.len(), 3, "one change per new release: {changes:?}");
}

pub async fn two_releases_with_one_title_on_one_day_get_distinct_paths(store: Arc<dyn Store>) {
    let out = import(
        &store,
        vec![
            record(content("Readout", 2020, 1, 2), "a", "f"),
            record(content("Readout", 2020, 1, 2), "b", "f"),
            record(content("Readout", 2020, 1, 3), "c", "f"),
        ],
    )
    .await;
    let paths: Vec<String> = out
        .iter()
        .map(|o| match o {
            ImportOutcome::Inserted { path, .. } => path.to_string(),
            other => panic!("expected inserts, got {other:?}"),
        })
        .collect();
    assert_eq!(
        paths,
        [
            "/releases/2020/01/02/readout",
            "/releases/2020/01/02/readout-2",
            "/releases/2020/01/03/readout"
        ]
    );
}

pub async fn releases_with_one_very_long_title_on_one_day_get_distinct_paths(
    store: Arc<dyn Store>,
) {
    // The slug is cut at its maximum length, so each suffix shortens it.
    let title = "Joint Statement of the Foreign Ministers on the Consultations Regarding Maritime Boundaries";
    let records = (0..4)
        .map(|n| record(content(title, 2020, 1, 2), &format!("long{n}"), "f"))
        .collect();
    let out = import(&store, records).await;
    let mut paths: Vec<String> = out
        .iter()
        .map(|o| match o {
            ImportOutcome::Inserted { path, .. } => path.to_string(),
            other => panic!("expected inserts, got {other:?}"),
        })
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 4, "{paths:?}");
    let more = import(
        &store,
        vec![record(content(title, 2020, 1, 2), "long4", "g")],
    )
    .await;
    assert!(
        matches!(more[0], ImportOutcome::Inserted { .. }),
        "{more:?}"
    );
}

pub async fn listing_is_newest_first_and_paginated(store: Arc<dyn Store>) {
    let records = (1..=25)
        .map(|d| {
            record(
                content(&format!("Release {d}"), 2021, 3, d),
                &format!("fp{d}"),
                "f",
            )
        })
        .collect();
    import(&store, records).await;
    let view = public(&store);
    let p1 = view
        .list(ReleaseFilter::default(), PageRequest::new(1, 20))
        .await
        .expect("page 1");
    assert_eq!(p1.total, 25);
    assert_eq!(p1.page_count(), 2);
    assert_eq!(p1.items.len(), 20);
    assert_eq!(p1.items[0].content.title.as_str(), "Release 25");
    assert_eq!(p1.items[19].content.title.as_str(), "Release 6");
    let p2 = view
        .list(ReleaseFilter::default(), PageRequest::new(2, 20))
        .await
        .expect("page 2");
    let titles: Vec<_> = p2.items.iter().map(|r| r.content.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Release 5",
            "Release 4",
            "Release 3",
            "Release 2",
            "Release 1"
        ]
    );
    let beyond = view
        .list(ReleaseFilter::default(), PageRequest::new(9, 20))
        .await
        .expect("page 9");
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 25);
}

pub async fn a_known_total_is_not_counted_again_and_the_page_is_read_as_usual(
    store: Arc<dyn Store>,
) {
    let records = (1..=5)
        .map(|d| {
            record(
                content(&format!("Known {d}"), 2021, 4, d),
                &format!("k{d}"),
                "f",
            )
        })
        .collect();
    import(&store, records).await;
    let page = store
        .list(&ListQuery {
            visibility: Visibility::ListedAt(now()),
            filter: ReleaseFilter::default(),
            page: PageRequest::new(1, 2),
            // Not the true count (5): what the caller said is what is used.
            known_total: Some(42),
            start: None,
        })
        .await
        .expect("list");
    assert_eq!(page.total, 42);
    let titles: Vec<_> = page
        .items
        .iter()
        .map(|r| r.content.title.as_str())
        .collect();
    assert_eq!(titles, ["Known 5", "Known 4"]);
}

pub async fn a_memoized_view_counts_again_after_a_write_is_reported(store: Arc<dyn Store>) {
    import(
        &store,
        vec![record(content("Counted", 2021, 5, 1), "m1", "f")],
    )
    .await;
    let memo = Arc::new(crate::CountMemo::new());
    let view = public(&store).with_counts(memo.clone());
    let read = |view: PublicView| async move {
        let page = view
            .list(ReleaseFilter::default(), PageRequest::default())
            .await
            .expect("list");
        let kinds = view
            .facet_counts(Facet::Kind, &ReleaseFilter::default())
            .await
            .expect("facets");
        (
            page.total,
            kinds.iter().map(|k| k.count).sum::<u64>(),
            page.items.len(),
        )
    };
    assert_eq!(read(view.clone()).await, (1, 1, 1));
    assert!(!memo.is_empty());
    import(
        &store,
        vec![record(content("Counted later", 2021, 5, 2), "m2", "f")],
    )
    .await;
    // Until the change feed's report the kept counts stand (the page's
    // rows are read afresh: only counts are kept).
    assert_eq!(read(view.clone()).await, (1, 1, 2));
    memo.forget();
    assert_eq!(read(view).await, (2, 2, 2));
}

pub async fn deep_pages_placed_by_their_years_counts_hold_the_same_releases(store: Arc<dyn Store>) {
    // Three years, several releases a day (ties are broken by id), and
    // pages that straddle the turn of a year.
    let mut records = Vec::new();
    for (y, days) in [(2019, 4), (2020, 9), (2021, 5)] {
        for d in 1..=days {
            for k in 0..2 {
                let mut c = content(&format!("Deep {y} {d} {k}"), y, 2, d);
                if k == 1 {
                    c.kind = Some(Kind::Readout);
                }
                records.push(record(c, &format!("deep-{y}-{d}-{k}"), "f"));
            }
        }
    }
    import(&store, records).await;
    let plain = public(&store);
    let placed = public(&store)
        .with_counts(Arc::new(crate::CountMemo::new()))
        .with_deep_pages_from(0);
    for filter in [
        ReleaseFilter::default(),
        ReleaseFilter {
            kind: Some("Readout".into()),
            ..ReleaseFilter::default()
        },
    ] {
        for per_page in [3, 7] {
            for page in 1..=12 {
                let request = PageRequest::new(page, per_page);
                let want = plain.list(filter.clone(), request).await.expect("plain");
                let got = placed.list(filter.clone(), request).await.expect("placed");
                let ids = |p: &crate::ListPage| p.items.iter().map(|r| r.id).collect::<Vec<_>>();
                assert_eq!(
                    ids(&got),
                    ids(&want),
                    "page {page} of {per_page} under {filter:?}"
                );
                assert_eq!(got.total, want.total);
            }
        }
    }
}

pub async fn unpublished_releases_are_invisible_to_public_reads(store: Arc<dyn Store>) {
    let mut draft = record(content("Embargoed Statement", 2022, 5, 5), "d", "f");
    draft.status = Status::Draft;
    let out = import(
        &store,
        vec![draft, record(content("Public", 2022, 5, 5), "p", "f")],
    )
    .await;
    let ImportOutcome::Inserted { id, path } = &out[0] else {
        panic!("expected insert");
    };
    let view = public(&store);
    assert!(view.release(path).await.expect("read").is_none());
    let page = view
        .list(ReleaseFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].content.title.as_str(), "Public");
    let kinds = view
        .facet_counts(Facet::Kind, &ReleaseFilter::default())
        .await
        .expect("facets");
    assert_eq!(kinds[0].count, 1);
    // The newsroom still sees it.
    let all = store
        .list(&ListQuery {
            visibility: Visibility::Everything,
            filter: ReleaseFilter::default(),
            page: PageRequest::default(),
            known_total: None,
            start: None,
        })
        .await
        .expect("list all");
    assert_eq!(all.total, 2);
    assert!(store.get(*id).await.expect("get").is_some());
    // Before its publication time even a published release is not public.
    let early = PublicView::new(
        store.clone(),
        Arc::new(FixedClock::new(
            Timestamp::from_second(1_600_000_000).expect("ts"),
        )),
    );
    let page = early
        .list(ReleaseFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert_eq!(page.total, 0);
}

pub async fn filters_combine_and_facets_count(store: Arc<dyn Store>) {
    let mut readout = content("Meeting", 2019, 4, 10);
    readout.kind = Some(Kind::Readout);
    let mut remarks = content("Remarks at a Dinner", 2019, 5, 1);
    remarks.kind = Some(Kind::Remarks);
    remarks.issuer = Some(Issuer::parse("John Kerry, Secretary of State").expect("issuer"));
    let note = content("Note", 2020, 4, 1);
    import(
        &store,
        vec![
            record(readout, "1", "f"),
            record(remarks, "2", "f"),
            record(note, "3", "f"),
        ],
    )
    .await;
    let view = public(&store);
    let by = |kind: Option<&str>, year: Option<i16>, month: Option<i8>| ReleaseFilter {
        kind: kind.map(str::to_owned),
        issuer: None,
        year,
        month,
    };
    let count = |f: ReleaseFilter| {
        let view = view.clone();
        async move {
            view.list(f, PageRequest::default())
                .await
                .expect("list")
                .total
        }
    };
    assert_eq!(count(by(Some("Readout"), None, None)).await, 1);
    assert_eq!(count(by(None, Some(2019), None)).await, 2);
    assert_eq!(count(by(None, Some(2019), Some(4))).await, 1);
    assert_eq!(count(by(Some("Media Note"), Some(2019), None)).await, 0);
    let issuer = ReleaseFilter {
        issuer: Some("John Kerry, Secretary of State".into()),
        ..Default::default()
    };
    assert_eq!(count(issuer).await, 1);

    let years = view
        .facet_counts(Facet::Year, &ReleaseFilter::default())
        .await
        .expect("years");
    let years: Vec<_> = years.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(years, [("2020", 1), ("2019", 2)]);
    let kinds = view
        .facet_counts(Facet::Kind, &by(None, Some(2019), None))
        .await
        .expect("kinds");
    let mut kinds: Vec<_> = kinds.iter().map(|f| (f.value.as_str(), f.count)).collect();
    kinds.sort();
    assert_eq!(kinds, [("Readout", 1), ("Remarks", 1)]);
    let issuers = view
        .facet_counts(Facet::Issuer, &ReleaseFilter::default())
        .await
        .expect("issuers");
    assert_eq!(issuers[0].value, "Office of the Spokesperson");
    assert_eq!(issuers[0].count, 2);
}

pub async fn batch_after_walks_every_release_once(store: Arc<dyn Store>) {
    let records = (1..=7)
        .map(|d| record(content(&format!("R{d}"), 2021, 1, d), &format!("{d}"), "f"))
        .collect();
    import(&store, records).await;
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let batch = store.batch_after(after, 3).await.expect("batch");
        if batch.is_empty() {
            break;
        }
        after = batch.last().map(|r| r.id);
        seen.extend(batch.into_iter().map(|r| r.content.title.to_string()));
    }
    assert_eq!(seen, ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]);
}

pub async fn list_after_walks_the_listing_order_by_keyset_under_filters(store: Arc<dyn Store>) {
    // Two on one day, so the id breaks the tie; one draft and one of another
    // kind that the walk must pass over.
    let mut records: Vec<_> = [(1, "A"), (3, "B"), (3, "C"), (7, "D"), (9, "E")]
        .into_iter()
        .map(|(d, t)| record(content(t, 2020, 6, d), t, "f"))
        .collect();
    let mut draft = record(content("Draft", 2020, 6, 5), "draft", "f");
    draft.status = Status::Draft;
    records.push(draft);
    let mut other = record(content("Other Kind", 2020, 6, 4), "other", "f");
    other.content.kind = Some(Kind::parse("Remarks").expect("kind"));
    records.push(other);
    import(&store, records).await;

    let view = public(&store);
    let everything = view
        .list(ReleaseFilter::default(), PageRequest::new(1, 100))
        .await
        .expect("list");
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let batch = view
            .list_after(ReleaseFilter::default(), after, 2)
            .await
            .expect("list_after");
        if batch.is_empty() {
            break;
        }
        after = batch.last().map(ListPosition::after);
        walked.extend(batch);
    }
    assert_eq!(
        walked.iter().map(|r| r.id).collect::<Vec<_>>(),
        everything.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        "the keyset walk gives exactly the listing, in its order"
    );
    assert!(!walked.iter().any(|r| r.content.title.as_str() == "Draft"));

    let readouts = ReleaseFilter {
        kind: Some("Media Note".to_owned()),
        ..ReleaseFilter::default()
    };
    let first = view
        .list_after(readouts.clone(), None, 3)
        .await
        .expect("first");
    let rest = view
        .list_after(readouts, first.last().map(ListPosition::after), 10)
        .await
        .expect("rest");
    let titles: Vec<_> = first
        .iter()
        .chain(&rest)
        .map(|r| r.content.title.to_string())
        .collect();
    // Same day: the later id first, as the listing orders them.
    assert_eq!(titles, ["E", "D", "C", "B", "A"]);
}

pub async fn paths_after_walks_public_paths_only_in_id_order(store: Arc<dyn Store>) {
    let mut records: Vec<_> = (1..=5)
        .map(|d| record(content(&format!("P{d}"), 2019, 3, d), &format!("p{d}"), "f"))
        .collect();
    records[2].status = Status::Draft;
    import(&store, records).await;
    let view = public(&store);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let batch = view.paths_after(after, 2).await.expect("paths");
        if batch.is_empty() {
            break;
        }
        after = batch.last().map(|e| e.id);
        seen.extend(batch);
    }
    let ids: Vec<_> = seen.iter().map(|e| e.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "in id order");
    let days: Vec<_> = seen.iter().map(|e| e.path.date.day()).collect();
    assert_eq!(days, [1, 2, 4, 5], "the draft of the 3rd is not public");
    for e in &seen {
        let full = view.release(&e.path).await.expect("read").expect("public");
        assert_eq!(full.id, e.id);
        assert_eq!(full.updated_at, e.updated_at);
    }
}

pub async fn first_ids_of_spans_name_the_first_public_id_of_every_span_that_holds_one(
    store: Arc<dyn Store>,
) {
    let mut records: Vec<_> = (1..=11)
        .map(|d| record(content(&format!("S{d}"), 2019, 5, d), &format!("s{d}"), "f"))
        .collect();
    // Drafts at a span's start, in its middle, and filling a span whole
    // (with spans of 3, the 4th to 6th stored in a new store).
    for draft in [0, 3, 4, 5, 7] {
        records[draft].status = Status::Draft;
    }
    import(&store, records).await;
    let view = public(&store);
    let public_ids: Vec<i64> = view
        .paths_after(None, 100)
        .await
        .expect("paths")
        .iter()
        .map(|e| e.id.0)
        .collect();
    assert_eq!(public_ids.len(), 6);

    for span in [1, 2, 3, 4, 50_000] {
        let want: Vec<i64> = public_ids
            .iter()
            .enumerate()
            .filter(|&(i, id)| i == 0 || (id - 1) / span != (public_ids[i - 1] - 1) / span)
            .map(|(_, id)| *id)
            .collect();
        let span_ids =
            std::num::NonZeroU32::new(u32::try_from(span).expect("small")).expect("not 0");

        let got: Vec<i64> = view
            .first_ids_of_spans(span_ids)
            .await
            .expect("firsts")
            .iter()
            .map(|id| id.0)
            .collect();

        assert_eq!(got, want, "spans of {span} ids");
    }
}

pub async fn listed_paths_of_some_ids_name_only_the_public_ones_in_one_read(store: Arc<dyn Store>) {
    let mut records: Vec<_> = (1..=4)
        .map(|d| record(content(&format!("Q{d}"), 2019, 4, d), &format!("q{d}"), "f"))
        .collect();
    records[1].status = Status::Draft;
    let out = import(&store, records).await;
    let ids: Vec<ReleaseId> = out
        .iter()
        .map(|o| match o {
            ImportOutcome::Inserted { id, .. } => *id,
            other => panic!("expected insert, got {other:?}"),
        })
        .collect();
    let view = public(&store);
    // Asked in any order, with an id that names nothing: the public ones
    // come back in id order, each with the path its page has.
    let asked = [ids[3], ReleaseId(999_999), ids[1], ids[0]];
    let found = view.listed_paths(&asked).await.expect("paths");
    let got: Vec<_> = found.iter().map(|e| (e.id, e.path.to_string())).collect();
    let mut want = Vec::new();
    for id in [ids[0], ids[3]] {
        let page = store.get(id).await.expect("get").expect("stored");
        want.push((id, page.path().to_string()));
    }
    assert_eq!(got, want, "the draft and the unknown id are left out");
    assert!(view.listed_paths(&[]).await.expect("none").is_empty());
    let early = PublicView::new(
        store.clone(),
        Arc::new(FixedClock::new(
            Timestamp::from_second(1_600_000_000).expect("ts"),
        )),
    );
    assert!(
        early.listed_paths(&ids).await.expect("paths").is_empty(),
        "nothing is public before its publication time"
    );
}

pub async fn a_batch_with_a_repeated_release_stores_it_once(store: Arc<dyn Store>) {
    let c = content("Twice in One File", 2018, 12, 20);
    let out = import(
        &store,
        vec![record(c.clone(), "x", "f.txt"), record(c, "x", "f.txt")],
    )
    .await;
    assert!(matches!(out[0], ImportOutcome::Inserted { .. }));
    assert!(matches!(out[1], ImportOutcome::Duplicate { .. }));
    let page = store
        .list(&ListQuery {
            visibility: Visibility::Everything,
            filter: ReleaseFilter::default(),
            page: PageRequest::default(),
            known_total: None,
            start: None,
        })
        .await
        .expect("list");
    assert_eq!(page.total, 1);
}

pub async fn month_facets_count_per_month_newest_first(store: Arc<dyn Store>) {
    import(
        &store,
        vec![
            record(content("A", 2019, 4, 10), "1", "f"),
            record(content("B", 2019, 4, 30), "2", "f"),
            record(content("C", 2019, 11, 1), "3", "f"),
            record(content("D", 2020, 1, 1), "4", "f"),
        ],
    )
    .await;
    let view = public(&store);
    let all = view
        .facet_counts(Facet::Month, &ReleaseFilter::default())
        .await
        .expect("months");
    let all: Vec<_> = all.iter().map(|f| (f.value.as_str(), f.count)).collect();
    assert_eq!(all, [("2020-01", 1), ("2019-11", 1), ("2019-04", 2)]);
    let in_2019 = view
        .facet_counts(
            Facet::Month,
            &ReleaseFilter {
                year: Some(2019),
                ..Default::default()
            },
        )
        .await
        .expect("months of 2019");
    let in_2019: Vec<_> = in_2019.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(in_2019, ["2019-11", "2019-04"]);
}

pub async fn neighbours_are_the_adjacent_public_releases_of_the_same_kind(store: Arc<dyn Store>) {
    let with_kind = |title: &str, d: i8, kind: Option<Kind>| {
        let mut c = content(title, 2021, 6, d);
        c.kind = kind;
        c
    };
    let mut draft = record(with_kind("Draft note", 3, Some(Kind::MediaNote)), "d", "f");
    draft.status = Status::Draft;
    let out = import(
        &store,
        vec![
            record(with_kind("Note 1", 1, Some(Kind::MediaNote)), "1", "f"),
            record(with_kind("Readout 2", 2, Some(Kind::Readout)), "2", "f"),
            draft,
            // Two on one day: the id breaks the tie, as in listings.
            record(with_kind("Note 4a", 4, Some(Kind::MediaNote)), "4a", "f"),
            record(with_kind("Note 4b", 4, Some(Kind::MediaNote)), "4b", "f"),
            record(with_kind("Untyped 5", 5, None), "5", "f"),
            record(with_kind("Untyped 6", 6, None), "6", "f"),
        ],
    )
    .await;
    let ids: Vec<_> = out
        .iter()
        .map(|o| match o {
            ImportOutcome::Inserted { id, .. } => *id,
            other => panic!("expected inserts, got {other:?}"),
        })
        .collect();
    let view = public(&store);
    let around = |i: usize| {
        let view = view.clone();
        let store = store.clone();
        let id = ids[i];
        async move {
            let r = store.get(id).await.expect("get").expect("stored");
            let n = view.neighbours(&r).await.expect("neighbours");
            let title =
                |r: Option<pressroom_domain::Release>| r.map(|r| r.content.title.to_string());
            (title(n.older), title(n.newer))
        }
    };
    assert_eq!(
        around(0).await,
        (None, Some("Note 4a".into())),
        "the draft is skipped"
    );
    assert_eq!(
        around(3).await,
        (Some("Note 1".into()), Some("Note 4b".into()))
    );
    assert_eq!(around(4).await, (Some("Note 4a".into()), None));
    assert_eq!(around(1).await, (None, None), "the only readout");
    assert_eq!(around(5).await, (None, Some("Untyped 6".into())));
}

pub async fn containing_text_finds_exact_text_in_public_bodies_only(store: Arc<dyn Store>) {
    let with_body = |title: &str, d: i8, text: &str| {
        let mut c = content(title, 2022, 2, d);
        c.body = Body::from_texts(&[text]).expect("body");
        c
    };
    let mut draft = record(
        with_body(
            "Draft",
            3,
            "See [the plan](https://secret.example/plan \"Plan\").",
        ),
        "d",
        "f",
    );
    draft.status = Status::Draft;
    import(
        &store,
        vec![
            record(
                with_body(
                    "Older",
                    1,
                    "See [the site](https://www.example.org/a?b=1&c=2).",
                ),
                "1",
                "f",
            ),
            record(
                with_body(
                    "Newer",
                    2,
                    "Also at <https://www.example.org/a?b=1&c=2> and “quotes”.",
                ),
                "2",
                "f",
            ),
            draft,
        ],
    )
    .await;
    let view = public(&store);
    let titles = |found: Vec<pressroom_domain::Release>| {
        found
            .into_iter()
            .map(|r| r.content.title.to_string())
            .collect::<Vec<_>>()
    };
    let url = "https://www.example.org/a?b=1&c=2";
    assert_eq!(
        titles(view.containing_text(url, 10).await.expect("find")),
        ["Newer", "Older"]
    );
    assert_eq!(
        titles(view.containing_text(url, 1).await.expect("find")),
        ["Newer"]
    );
    assert!(
        view.containing_text("HTTPS://WWW.EXAMPLE.ORG", 10)
            .await
            .expect("find")
            .is_empty()
    );
    assert_eq!(
        titles(view.containing_text("“quotes”", 10).await.expect("find")),
        ["Newer"]
    );
    assert!(
        view.containing_text("https://secret.example/plan", 10)
            .await
            .expect("find")
            .is_empty(),
        "a draft's links are not public"
    );
    assert!(view.containing_text("", 10).await.expect("find").is_empty());
    let everything = store
        .containing_text("https://secret.example/plan", Visibility::Everything, 10)
        .await
        .expect("find");
    assert_eq!(titles(everything), ["Draft"]);
}

fn inserted_id(outcome: &ImportOutcome) -> pressroom_domain::ReleaseId {
    match outcome {
        ImportOutcome::Inserted { id, .. } => *id,
        other => panic!("expected an insert, got {other:?}"),
    }
}

pub async fn every_new_release_enters_the_change_feed_once_in_commit_order(store: Arc<dyn Store>) {
    assert_eq!(store.last_change().await.expect("last"), 0);
    let first = import(
        &store,
        vec![
            record(content("One", 2021, 1, 1), "1", "f"),
            record(content("Two", 2021, 1, 2), "2", "f"),
        ],
    )
    .await;
    // A duplicate changes no page, so it is not a change.
    import(&store, vec![record(content("One", 2021, 1, 1), "1", "g")]).await;
    let third = import(&store, vec![record(content("Three", 2021, 1, 3), "3", "f")]).await;

    let changes = store.changes_after(0, 100).await.expect("changes");
    let ids: Vec<_> = changes.iter().map(|c| c.release_id).collect();
    assert_eq!(
        ids,
        [
            inserted_id(&first[0]),
            inserted_id(&first[1]),
            inserted_id(&third[0])
        ]
    );
    assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(changes.iter().all(|c| c.event == "import" && c.at == now()));
    let after_first = store
        .changes_after(changes[0].seq, 1)
        .await
        .expect("changes");
    assert_eq!(after_first, [changes[1].clone()]);
    assert_eq!(store.last_change().await.expect("last"), changes[2].seq);
    assert!(
        store
            .changes_after(changes[2].seq, 10)
            .await
            .expect("changes")
            .is_empty()
    );
}

pub async fn a_change_feed_follower_wakes_when_a_write_commits(store: Arc<dyn Store>) {
    import(
        &store,
        vec![record(content("Before", 2021, 1, 1), "0", "f")],
    )
    .await;
    // A poll interval far beyond the timeout: only the signal can wake it.
    let mut feed = ChangeFeed::from_now(store.clone())
        .await
        .expect("feed")
        .with_poll_interval(Duration::from_secs(600));
    let writer = store.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        import(
            &writer,
            vec![record(content("After", 2021, 1, 2), "1", "f")],
        )
        .await;
    });
    let changes = tokio::time::timeout(Duration::from_secs(10), feed.next())
        .await
        .expect("woken within 10 s")
        .expect("changes");
    assert_eq!(changes.len(), 1, "only the change after the cursor");
    let release = store
        .get(changes[0].release_id)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(release.content.title.as_str(), "After");
    assert_eq!(feed.cursor(), changes[0].seq);
}

pub async fn a_lease_has_one_holder_until_it_expires_or_is_released(store: Arc<dyn Store>) {
    let ttl = Duration::from_secs(30);
    let at = |s: i64| Timestamp::from_second(1_700_000_000 + s).expect("ts");
    let lease = |holder: &'static str, s: i64| {
        let store = store.clone();
        async move {
            store
                .try_lease("scheduler", holder, ttl, at(s))
                .await
                .expect("lease")
        }
    };
    let a = lease("a", 0).await.expect("a free lease is taken");
    assert_eq!((a.holder.as_str(), a.until), ("a", at(30)));
    assert!(lease("b", 1).await.is_none(), "held by a");
    let renewed = lease("a", 10).await.expect("a renews");
    assert_eq!((renewed.token, renewed.until), (a.token, at(40)));
    assert!(lease("b", 35).await.is_none(), "the renewal holds until 40");
    let b = lease("b", 41).await.expect("an expired lease passes on");
    assert_eq!(b.token, a.token + 1, "a new holder gets a new token");
    assert!(lease("a", 42).await.is_none());
    // Another lease is independent.
    assert!(
        store
            .try_lease("digest", "a", ttl, at(42))
            .await
            .expect("lease")
            .is_some()
    );
    store
        .release_lease("scheduler", "a")
        .await
        .expect("release");
    assert!(lease("a", 43).await.is_none(), "a cannot release b's lease");
    store
        .release_lease("scheduler", "b")
        .await
        .expect("release");
    let again = lease("a", 43).await.expect("a released lease is free");
    assert_eq!(again.token, b.token + 1);
}

pub async fn contending_holders_never_share_a_lease(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .try_lease(
                        "scheduler",
                        &format!("node-{n}"),
                        Duration::from_secs(30),
                        now(),
                    )
                    .await
                    .expect("lease")
            })
        })
        .collect();
    let mut holders = Vec::new();
    for t in tasks {
        if let Some(lease) = t.await.expect("task") {
            holders.push(lease.holder);
        }
    }
    assert_eq!(holders.len(), 1, "exactly one winner: {holders:?}");
}

pub async fn a_dump_restores_every_release_with_its_history_and_sources(store: Arc<dyn Store>) {
    let mut timed = content("Timed", 2019, 4, 10);
    timed.date = timed
        .date
        .with_time(time(9, 15, 0, 0), "America/New_York")
        .expect("zone");
    let mut draft = record(content("Draft", 2019, 4, 11), "d", "a.txt");
    draft.status = Status::Draft;
    import(&store, vec![record(timed, "t", "a.txt"), draft]).await;
    import(
        &store,
        vec![record(content("Timed", 2019, 4, 10), "t", "b.txt")],
    )
    .await;

    let dumps = store.dump_after(None, 10).await.expect("dump");
    assert_eq!(dumps.len(), 2);
    assert_eq!(dumps[0].revisions.len(), 1);
    assert_eq!(dumps[0].revisions[0].content, dumps[0].release.content);
    let paths: Vec<_> = dumps[0].sources.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["a.txt", "b.txt"]);
    assert!(
        store
            .dump_after(Some(dumps[1].release.id), 10)
            .await
            .expect("dump")
            .is_empty()
    );

    // Restoring the same releases again collides and writes nothing.
    let err = store
        .restore(dumps.clone())
        .await
        .expect_err("ids and paths are taken");
    assert!(matches!(err, crate::StoreError::Conflict(_)), "{err}");

    // Moved to new ids and days, they read back field for field.
    let moved: Vec<_> = dumps
        .iter()
        .cloned()
        .map(|mut d| {
            d.release.id = pressroom_domain::ReleaseId(d.release.id.0 + 1000);
            d.release.content.date = ReleaseDate::from_date(date(2001, 1, 1)).expect("date");
            d
        })
        .collect();
    store.restore(moved.clone()).await.expect("restore");
    let back = store
        .dump_after(Some(dumps[1].release.id), 10)
        .await
        .expect("dump");
    assert_eq!(back, moved);
    // Imports after a restore still get fresh ids.
    let next = import(
        &store,
        vec![record(content("Later", 2022, 1, 1), "l", "c.txt")],
    )
    .await;
    assert!(inserted_id(&next[0]).0 > 1000 + dumps[1].release.id.0);
}

// The transparency log (pressroom-ledger).

/// The tree head and the proofs computed from the store's stored hashes,
/// two-pass as the web does it.
async fn stored_root(store: &Arc<dyn Store>, size: u64) -> pressroom_ledger::Hash {
    use pressroom_ledger::tree::{Need, needs, tree_hash};
    let src = store
        .ledger_hashes(&needs(Need::TreeHash { size }).expect("needs"))
        .await
        .expect("hashes");
    tree_hash(size, &src).expect("tree hash")
}

/// Every leaf in index order, read back one by one.
async fn all_leaves(store: &Arc<dyn Store>) -> Vec<crate::LedgerEntry> {
    let size = store.ledger_size().await.expect("size");
    let mut out = Vec::new();
    for i in 0..size {
        out.push(store.ledger_entry(i).await.expect("entry").expect("dense"));
    }
    assert!(store.ledger_entry(size).await.expect("entry").is_none());
    out
}

pub async fn every_public_import_appends_one_log_leaf_with_a_dense_index(store: Arc<dyn Store>) {
    assert_eq!(store.ledger_size().await.expect("size"), 0);
    let mut draft = record(content("Draft", 2022, 3, 1), "d", "f");
    draft.status = Status::Draft;
    let first = import(
        &store,
        vec![
            record(content("One", 2022, 3, 1), "1", "f"),
            draft,
            record(content("Two", 2022, 3, 2), "2", "f"),
        ],
    )
    .await;
    // A duplicate is no new revision, so no new leaf.
    import(&store, vec![record(content("One", 2022, 3, 1), "1", "g")]).await;
    assert_eq!(store.ledger_size().await.expect("size"), 2);

    let leaves = all_leaves(&store).await;
    assert_eq!(
        leaves
            .iter()
            .map(|l| (l.index, l.release_id, l.revision))
            .collect::<Vec<_>>(),
        [
            (0, inserted_id(&first[0]), 1),
            (1, inserted_id(&first[2]), 1)
        ]
    );
    let leaf = pressroom_ledger::Leaf::from_bytes(&leaves[1].leaf).expect("canonical leaf");
    assert_eq!(leaf.path, "/releases/2022/03/02/two");
    assert_eq!(leaf.event, pressroom_ledger::LeafEvent::Import);
    assert_eq!(leaf.at, now());
    assert_eq!(leaf.content, content("Two", 2022, 3, 2));
    let of_two = store
        .ledger_entries_of(inserted_id(&first[2]))
        .await
        .expect("entries");
    assert_eq!(of_two, [leaves[1].clone()]);
    // The draft is in no public log.
    assert!(
        store
            .ledger_entries_of(inserted_id(&first[1]))
            .await
            .expect("entries")
            .is_empty()
    );
}

pub async fn the_stored_tree_gives_the_same_heads_and_proofs_as_the_leaves(store: Arc<dyn Store>) {
    use pressroom_ledger::tree::{
        Appender, HashSource, Need, check_consistency, check_inclusion, leaf_hash, needs,
        prove_consistency, prove_inclusion,
    };
    let mut roots = vec![stored_root(&store, 0).await];
    for batch in 0..7u32 {
        let records = (0..batch + 1)
            .map(|i| {
                let n = batch * 10 + i;
                record(
                    content(&format!("Entry {n}"), 2023, 1, 1 + (n % 28) as i8),
                    &n.to_string(),
                    "f",
                )
            })
            .collect();
        import(&store, records).await;
        let size = store.ledger_size().await.expect("size");
        roots.push(stored_root(&store, size).await);
    }
    let leaves = all_leaves(&store).await;
    let size = leaves.len() as u64;
    assert_eq!(size, 28);
    // The same leaves hashed in memory give the same head.
    let mut a = Appender::new(0, HashSource::new());
    for l in &leaves {
        a.append(&l.leaf).expect("append");
    }
    assert_eq!(a.root().expect("root"), roots[7]);
    // Inclusion of every leaf, and consistency with every earlier head.
    for l in &leaves {
        let src = store
            .ledger_hashes(
                &needs(Need::Inclusion {
                    size,
                    index: l.index,
                })
                .expect("needs"),
            )
            .await
            .expect("hashes");
        let proof = prove_inclusion(size, l.index, &src).expect("proof");
        check_inclusion(&proof, size, roots[7], l.index, leaf_hash(&l.leaf)).expect("included");
    }
    let mut old = 0u64;
    for (batch, root) in roots.iter().enumerate().skip(1) {
        old += batch as u64;
        let src = store
            .ledger_hashes(&needs(Need::Consistency { size, old }).expect("needs"))
            .await
            .expect("hashes");
        let proof = prove_consistency(size, old, &src).expect("proof");
        check_consistency(&proof, size, roots[7], old, *root).expect("consistent");
    }
}

pub async fn concurrent_imports_get_dense_log_indexes_in_commit_order(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for writer in 0..6u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for batch in 0..4u32 {
                let records = (0..3u32)
                    .map(|i| {
                        let n = writer * 100 + batch * 10 + i;
                        record(
                            content(
                                &format!("Writer {writer} batch {batch} item {i}"),
                                2024,
                                2,
                                1 + (n % 28) as i8,
                            ),
                            &format!("w{n}"),
                            "f",
                        )
                    })
                    .collect();
                store.import(records, now()).await.expect("import");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let leaves = all_leaves(&store).await;
    assert_eq!(leaves.len(), 72);
    // Each batch's three leaves are consecutive: one transaction, one run
    // of indexes, never interleaved with another writer's.
    for chunk in leaves.chunks(3) {
        let titles: Vec<String> = chunk
            .iter()
            .map(|l| {
                let leaf = pressroom_ledger::Leaf::from_bytes(&l.leaf).expect("leaf");
                leaf.content
                    .title
                    .as_str()
                    .rsplit_once(" item ")
                    .expect("title")
                    .0
                    .to_owned()
            })
            .collect();
        assert!(titles.iter().all(|t| *t == titles[0]), "{titles:?}");
    }
    let mut a = pressroom_ledger::Appender::new(0, pressroom_ledger::HashSource::new());
    for l in &leaves {
        a.append(&l.leaf).expect("append");
    }
    assert_eq!(a.root().expect("root"), stored_root(&store, 72).await);
}

pub async fn a_held_release_is_kept_once_with_every_place_it_was_found_and_never_listed_publicly(
    store: Arc<dyn Store>,
) {
    let held = |path: &str, line: u32| crate::HeldImport {
        fingerprint: "held-1".into(),
        reason: "\"3 Sep\" has no year".into(),
        fields: serde_json::json!({"title": "Call with the Minister", "date": null,
            "date_without_year": "3 Sep", "body": ["They spoke."]}),
        sources: vec![Source {
            path: path.into(),
            line,
        }],
    };
    let other = crate::HeldImport {
        fingerprint: "held-2".into(),
        reason: "no title".into(),
        fields: serde_json::json!({"title": null, "body": ["Text."]}),
        sources: vec![Source {
            path: "b.txt".into(),
            line: 3,
        }],
    };
    let first = store
        .hold_imports(vec![held("a.txt", 10), other], now())
        .await
        .expect("hold");
    assert_eq!(first, [true, true]);
    let again = store
        .hold_imports(vec![held("a.txt", 10), held("c.txt", 1)], now())
        .await
        .expect("hold again");
    assert_eq!(again, [false, false], "a held fingerprint is kept once");
    let entries = store.held_imports().await.expect("held");
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].fingerprint, "held-1");
    assert_eq!(entries[0].sources, ["a.txt:10", "c.txt:1"]);
    assert_eq!(entries[0].reason, "\"3 Sep\" has no year");
    assert_eq!(entries[0].fields["date_without_year"], "3 Sep");
    assert_eq!(entries[0].held_at, now());
    assert_eq!(entries[1].sources, ["b.txt:3"]);
    let page = public(&store)
        .list(ReleaseFilter::default(), PageRequest::default())
        .await
        .expect("list");
    assert_eq!(page.total, 0, "a held release is not a release");
}
