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

fn phrases_corpus() -> Vec<pressroom_domain::Release> {
    vec![
        release(
            1,
            "Report on Trafficking in Persons",
            "Media Note",
            "2019-06-20",
            "The annual report is released today.",
        ),
        release(
            2,
            "Remarks on Labor",
            "Remarks",
            "2019-06-21",
            "Trafficking of persons for labor is a crime.",
        ),
        release(
            3,
            "Human Rights Day",
            "Press Statement",
            "2019-12-10",
            "We honor human rights. Maritime security matters too.",
        ),
        release(
            4,
            "Rights of the Sea",
            "Readout",
            "2019-12-11",
            "Human beings have rights at sea; security of the maritime domain.",
        ),
        release(
            5,
            "Meeting With Minister Søreide",
            "Readout",
            "2018-12-19",
            "Minister Søreide spoke of visa reciprocity.",
        ),
    ]
}

#[test]
fn a_phrase_across_a_common_word_needs_that_word() {
    let index = index_of(&phrases_corpus());

    assert_eq!(
        titles(&index, &ask("\"trafficking in persons\"")),
        ["Report on Trafficking in Persons"]
    );
    assert_eq!(
        titles(&index, &ask("\"trafficking of persons\"")),
        ["Remarks on Labor"]
    );
}

#[test]
fn a_phrase_needs_its_words_adjacent_and_in_order() {
    let index = index_of(&phrases_corpus());

    assert_eq!(
        titles(&index, &ask("\"human rights\"")),
        ["Human Rights Day"]
    );
    assert!(titles(&index, &ask("\"rights human\"")).is_empty());
    assert!(titles(&index, &ask("\"maritime domain security\"")).is_empty());
}

#[test]
fn a_phrase_reads_across_punctuation_as_before() {
    // Words are split on punctuation and numbered in order, so a phrase
    // running over a full stop matched before pairs existed, and still does.
    let index = index_of(&phrases_corpus());

    assert_eq!(
        titles(&index, &ask("\"rights maritime security\"")),
        ["Human Rights Day"]
    );
}

#[test]
fn a_phrase_never_runs_from_the_title_into_the_body() {
    let index = index_of(&phrases_corpus());

    // Title "... Trafficking in Persons", body "The annual report ...".
    assert!(titles(&index, &ask("\"persons the annual\"")).is_empty());
    assert_eq!(
        titles(&index, &ask("\"the annual report\"")),
        ["Report on Trafficking in Persons"]
    );
}

#[test]
fn a_phrase_of_three_words_or_more_is_matched_whole() {
    let index = index_of(&phrases_corpus());

    assert_eq!(
        titles(&index, &ask("\"we honor human rights\"")),
        ["Human Rights Day"]
    );
    assert!(titles(&index, &ask("\"we honor human beings\"")).is_empty());
}

#[test]
fn a_phrase_is_matched_without_case_or_accents_and_stemmed() {
    let index = index_of(&phrases_corpus());

    assert_eq!(
        titles(&index, &ask("\"minister soreide\"")),
        ["Meeting With Minister Søreide"]
    );
    assert_eq!(
        titles(&index, &ask("\"VISA RECIPROCITIES\"")),
        ["Meeting With Minister Søreide"]
    );
}

#[test]
fn common_words_at_the_ends_of_a_phrase_are_left_out() {
    let index = index_of(&phrases_corpus());

    assert_eq!(
        titles(&index, &ask("\"the human rights of\"")),
        ["Human Rights Day"]
    );
}

#[test]
fn a_phrase_in_the_title_ranks_above_one_in_the_body() {
    let mut docs = phrases_corpus();
    docs.push(release(
        6,
        "Statement on Vessels",
        "Press Statement",
        "2020-01-01",
        "Maritime security is discussed.",
    ));
    docs.push(release(
        7,
        "Maritime Security Initiative",
        "Media Note",
        "2020-01-02",
        "An initiative.",
    ));
    let index = index_of(&docs);

    let found = titles(&index, &ask("\"maritime security\""));
    assert_eq!(
        found.first().map(String::as_str),
        Some("Maritime Security Initiative")
    );
    assert_eq!(found.len(), 3);
}

#[test]
fn a_lone_word_and_phrase_count_their_facets_like_any_query() {
    let index = index_of(&phrases_corpus());

    for q in ["rights", "\"human rights\""] {
        let lone = index.search(&ask(q), now()).expect("search");
        let mut by_date = ask(q);
        by_date.sort = Sort::Newest;
        let dated = index.search(&by_date, now()).expect("search");
        assert_eq!(lone.total, dated.total, "{q}");
        assert_eq!(lone.facets, dated.facets, "{q}");
    }
}
