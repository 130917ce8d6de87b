//! No input of any content makes the parser panic, every mention it reports is a valid
//! byte span of the input, and each one's "why" is said without a panic.

use std::sync::OnceLock;

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;
use gazette::geoparse::why::{WhyContext, explain};
use proptest::prelude::*;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::load_bundled().expect("bundled gazetteer loads"))
}

fn check(text: &str) {
    let parser = Geoparser::new(gazetteer());
    let mentions = parser.parse(text);
    // Each mention's "why" is worked out from the same text without a panic.
    let context = WhyContext::new(gazetteer(), &mentions);
    for i in 0..mentions.len() {
        let why = explain(gazetteer(), text, &mentions, i, &context);
        assert!(
            why.starts_with("A place") || why.starts_with("A demonym"),
            "{why}"
        );
    }
    for m in mentions {
        assert!(m.start < m.end && m.end <= text.len());
        assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()));
        assert!(text.get(m.passage.clone()).is_some());
        assert!(m.passage.start <= m.start && m.end <= m.passage.end);
        assert!((0.0..=1.0).contains(&m.resolution.confidence));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn place_like_text_never_panics(
        words in proptest::collection::vec(
            prop_oneof![
                Just("Niger".to_string()), Just("N’Djamena".to_string()), Just("U.S.".to_string()),
                Just("'s".to_string()), Just("-".to_string()), Just(",".to_string()), Just("\n".to_string()),
                Just("Ségou".to_string()), Just("Lake".to_string()), Just("in".to_string()),
                Just("\u{a0}".to_string()), Just("end.".to_string()),
                "[A-Z][a-zé’'.-]{0,8}", "\\PC{0,3}",
            ],
            0..40,
        )
    ) {
        check(&words.join(" "));
        check(&words.concat());
        same_matches_with_memo(&words.join(" "));
    }

    #[test]
    fn memo_walk_agrees_on_arbitrary_strings(text in any::<String>()) {
        same_matches_with_memo(&text);
    }
}

/// The per-text memo of walked words never changes what matches.
fn same_matches_with_memo(text: &str) {
    let g = gazetteer();
    let mut memo = gazette::gazetteer::WordMemo::new();
    for (i, _) in text.char_indices() {
        assert_eq!(
            g.longest_match_memo(text, i, &mut memo),
            g.longest_match_at(text, i),
            "at byte {i} of {text:?}"
        );
    }
}

/// Found by the fuzzer: a word before a name that starts with a trimmed period and a
/// combining mark made a byte offset land inside a character.
#[test]
fn regression_trimmed_previous_word_offsets() {
    check("U.S. in .\u{1dee} Niger Niger , \n N’Djamena");
}

/// Found in review: a no-break space before a word ending in a period put a byte offset
/// inside the space character.
#[test]
fn regression_multibyte_space_before_a_period() {
    check("It killed 12\u{a0}people. Then troops left Niamey\u{3000}today. Next");
}
