use jiff::SignedDuration;
use pressroom_domain::{ReleaseId, Status};
use pressroom_search::{SearchError, Sort};

use crate::{ask, index_of, now, release, titles};

fn corpus() -> Vec<pressroom_domain::Release> {
    vec![
        release(
            1,
            "Sanctions on Russia",
            "Media Note",
            "2018-12-19",
            "The Department imposes sanctions today.",
        ),
        release(
            2,
            "Meeting With Minister Søreide",
            "Readout",
            "2018-12-19",
            "The Secretary met Minister Søreide of Norway.",
        ),
        release(
            3,
            "Statement on Norway",
            "Press Statement",
            "2017-05-01",
            "Russia and Norway discussed sanctioned vessels.",
        ),
    ]
}

#[test]
fn a_title_match_ranks_above_a_body_match() {
    let index = index_of(&corpus());

    assert_eq!(
        titles(&index, &ask("russia")),
        ["Sanctions on Russia", "Statement on Norway"]
    );
}

#[test]
fn an_upsert_replaces_and_a_withdrawal_removes() {
    let mut docs = corpus();
    let index = index_of(&docs);
    docs[0].content.title =
        pressroom_domain::Title::parse("Corrected Sanctions Notice").expect("title");
    docs[1].status = Status::Withdrawn;
    let mut w = index.updater().expect("writer");
    w.upsert(&docs[0]).expect("upsert");
    w.upsert(&docs[1]).expect("upsert");
    w.remove(ReleaseId(3));
    w.commit().expect("commit");

    assert_eq!(index.num_docs(), 1);
    assert_eq!(
        titles(&index, &ask("sanctions")),
        ["Corrected Sanctions Notice"]
    );
    assert!(titles(&index, &ask("soreide")).is_empty());
}

#[test]
fn a_release_published_after_now_is_not_found_until_then() {
    let mut late = release(9, "Future Sanctions", "Media Note", "2026-06-02", "Later.");
    late.published_at = Some(now() + SignedDuration::from_hours(2));
    let index = index_of(&[late]);

    let before = index.search(&ask("future"), now()).expect("search");
    let after = index
        .search(&ask("future"), now() + SignedDuration::from_hours(3))
        .expect("search");

    assert_eq!(before.total, 0);
    assert_eq!(after.total, 1);
}

#[test]
fn facets_count_the_matches_by_kind_issuer_and_year() {
    let index = index_of(&corpus());

    let r = index.search(&ask("norway"), now()).expect("search");

    let kinds: Vec<_> = r
        .facets
        .kind
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    let years: Vec<_> = r
        .facets
        .year
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(kinds, [("Press Statement", 1), ("Readout", 1)]);
    assert_eq!(years, [("2018", 1), ("2017", 1)]);
    assert_eq!(r.facets.issuer[0].count, 2);
}

#[test]
fn a_facet_value_and_a_year_filter_the_results() {
    let index = index_of(&corpus());
    let mut req = ask("norway");
    req.kind = Some("Readout".into());
    let mut by_year = ask("russia");
    by_year.year = Some(2017);

    assert_eq!(titles(&index, &req), ["Meeting With Minister Søreide"]);
    assert_eq!(titles(&index, &by_year), ["Statement on Norway"]);
}

#[test]
fn date_sorting_orders_by_release_date() {
    let index = index_of(&corpus());
    let mut req = ask("norway");
    req.sort = Sort::Oldest;

    assert_eq!(
        titles(&index, &req),
        ["Statement on Norway", "Meeting With Minister Søreide"]
    );
}

#[test]
fn a_second_writer_is_told_the_index_is_busy() {
    let index = index_of(&corpus());
    let _first = index.updater().expect("writer");

    assert!(matches!(index.updater(), Err(SearchError::Busy)));
}

#[test]
fn an_index_folder_reopens_with_its_documents() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let index = pressroom_search::SearchIndex::open_or_create(dir.path()).expect("open");
        let mut w = index.updater().expect("writer");
        for r in corpus() {
            w.upsert(&r).expect("upsert");
        }
        w.commit().expect("commit");
    }
    let index = pressroom_search::SearchIndex::open_or_create(dir.path()).expect("reopen");

    assert_eq!(index.num_docs(), 3);
}
