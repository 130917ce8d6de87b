//! A batch keeps one [`ParseMemo`] per thread for thousands of documents: what it
//! remembers from earlier documents must never change a later one's result. With the
//! bundled gazetteer, whose names and news abbreviations (`SA`, `WA`, `B.C.`) share
//! spellings, so a spelling remembered in one reading is asked for in another.

use std::sync::OnceLock;

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, ParseMemo};
use proptest::prelude::*;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::load_bundled().expect("bundled gazetteer loads"))
}

fn parser() -> &'static Geoparser<'static> {
    static P: OnceLock<Geoparser<'static>> = OnceLock::new();
    P.get_or_init(|| Geoparser::new(gazetteer()))
}

/// Parses `texts` in order with one memo and checks each against a fresh parse.
fn same_with_a_shared_memo(texts: &[String]) {
    let p = parser();
    let mut memo = ParseMemo::for_batch();
    for (i, text) in texts.iter().enumerate() {
        assert_eq!(
            p.parse_with(text, &mut memo),
            p.parse(text),
            "document {i} of {texts:?} read differently after the ones before it"
        );
    }
}

/// Abbreviations that are read only after a town and a comma, and are other words
/// (or nothing) elsewhere: each used first where it is no abbreviation, then where it
/// is, and the other way round.
#[test]
fn an_abbreviation_read_after_a_town_is_not_the_same_spelling_elsewhere() {
    for form in [
        "SA", "WA", "NT", "ACT", "Vic", "ON", "QC", "NS", "Bucks", "N.S.",
    ] {
        let elsewhere = format!("Officials from {form} said on Monday the talks went well.");
        let qualifier = format!("The council in Perth, {form} met on Monday.");
        same_with_a_shared_memo(&[elsewhere.clone(), qualifier.clone(), elsewhere.clone()]);
        same_with_a_shared_memo(&[qualifier.clone(), elsewhere, qualifier]);
    }
}

/// Words that make names, qualifiers and abbreviations in many combinations.
const WORDS: &[&str] = &[
    "Perth",
    "Paris",
    "Texas",
    "SA",
    "WA",
    "NT",
    "ACT",
    "Vic",
    "B.C.",
    "BC",
    "Ont.",
    "Georgia",
    "Washington",
    "Victoria",
    "London",
    "Ontario",
    "Herts",
    "Lancs",
    ",",
    ",",
    "in",
    "near",
    "from",
    "and",
    "the",
    "said",
    "Mr",
    "Jordan",
    "Niger",
    "State",
    "City",
    ".",
    "Kansas",
    "New",
    "York",
    "South",
    "Wales",
    "Halifax",
    "Truro",
    "Nov",
    "Sept",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..24).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_shared_memo_never_changes_a_later_document(texts in prop::collection::vec(text(), 2..6)) {
        same_with_a_shared_memo(&texts);
    }
}
