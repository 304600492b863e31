use proptest::prelude::*;

use crate::{ask, index_of, now, release};

fn small_index() -> pressroom_search::SearchIndex {
    index_of(&[
        release(
            1,
            "Visa Reciprocity With Oman",
            "Readout",
            "2018-12-19",
            "The elimination of B-1 visa reciprocity fees.",
        ),
        release(
            2,
            "Hizballah Financing",
            "Media Note",
            "2018-12-19",
            "Countering Hizballah's terrorist activities.",
        ),
    ])
}

#[test]
fn a_misspelled_word_suggests_the_indexed_one() {
    let index = small_index();

    let r = index
        .search(&ask("hizbolah financing"), now())
        .expect("search");

    assert_eq!(r.total, 0);
    let s = r.suggestion.expect("a suggestion");
    assert_eq!(s.q, "hizballah financing");
}

#[test]
fn only_common_words_run_no_search_and_say_why() {
    let index = small_index();

    let r = index.search(&ask("the of and"), now()).expect("search");

    assert!(!r.searched);
    assert_eq!(r.notices.len(), 1);
    assert!(r.notices[0].to_string().contains("the, of, and"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_query_text_makes_a_search_fail(q in "\\PC{0,200}|[-\"a-z:. 0-9]{0,60}|(kind|issuer|date|from|to):[-\".0-9a-z]{0,12}") {
        let index = small_index();
        let r = index.search(&ask(&q), now());
        prop_assert!(r.is_ok(), "{q:?}: {r:?}");
    }
}

#[test]
fn an_embargoed_release_is_found_from_its_lift_and_its_words_never_show_through_a_suggestion() {
    let lift = now() + jiff::SignedDuration::from_hours(2);
    let mut embargoed = release(
        3,
        "Zephyrine Surplus",
        "Press Statement",
        "2018-12-20",
        "Taxes on bread will be abolished.",
    );
    embargoed.status = pressroom_domain::Status::Embargoed;
    embargoed.published_at = Some(lift);
    let mut index_releases = vec![embargoed];
    index_releases.extend(
        ["Visa Reciprocity With Oman", "Hizballah Financing"]
            .iter()
            .enumerate()
            .map(|(i, t)| release(i as i64 + 1, t, "Readout", "2018-12-19", "Public text.")),
    );
    let index = index_of(&index_releases);

    for q in [
        "zephyrine",
        "zephyrin",
        "zepyrine surplus",
        "abolishd bread",
    ] {
        let r = index.search(&ask(q), now()).expect("search");
        assert_eq!(r.total, 0, "{q}");
        assert!(r.suggestion.is_none(), "{q} suggests {:?}", r.suggestion);
        assert!(r.facets.kind.is_empty(), "{q}: no facet counts it");
    }
    let r = index.search(&ask("zephyrine"), lift).expect("search");
    assert_eq!(r.total, 1, "found at the lift instant");
    let r = index.search(&ask("zepyrine"), lift).expect("search");
    assert_eq!(
        r.suggestion.map(|s| s.q).as_deref(),
        Some("zephyrine"),
        "once public its words may be suggested"
    );
}
