//! The geoparser over arbitrary text, with the bundled gazetteer and a memo kept across
//! inputs, as a batch parse keeps one per thread.
//!
//! The input is cut at 0xFF bytes (never part of UTF-8) into up to 8 texts, each decoded
//! lossily. Every text is parsed three ways: with a fresh memo (the reference), with a
//! memo shared by the texts of this input (so a memo bug reproduces from the input
//! alone), and with the memo shared by every input of the run. All three must agree, and
//! every mention must be a valid span of its text inside a valid passage.
#![no_main]

use std::cell::RefCell;
use std::sync::OnceLock;

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, MAX_ALTERNATES, Mention, ParseMemo};
use libfuzzer_sys::fuzz_target;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| match Gazetteer::load_bundled() {
        Ok(g) => g,
        Err(e) => panic!("parse_shared_memo needs the bundled gazetteer: {e}"),
    })
}

/// One parser for the run: making one weighs every entry of the gazetteer.
fn parser() -> &'static Geoparser<'static> {
    static P: OnceLock<Geoparser<'static>> = OnceLock::new();
    P.get_or_init(|| Geoparser::new(gazetteer()))
}

thread_local! {
    /// The memo every input of the run shares.
    static RUN_MEMO: RefCell<ParseMemo> = RefCell::new(ParseMemo::for_batch());
}

fn on_char_boundary(text: &str, at: usize) -> bool {
    text.is_char_boundary(at)
}

fn check(text: &str, mentions: &[Mention]) {
    let g = gazetteer();
    let mut previous_end = 0;
    for m in mentions {
        assert!(
            m.start < m.end && m.end <= text.len(),
            "span {}..{} outside a text of {} bytes",
            m.start,
            m.end,
            text.len()
        );
        assert!(
            on_char_boundary(text, m.start) && on_char_boundary(text, m.end),
            "span {}..{} not on char boundaries",
            m.start,
            m.end
        );
        assert_eq!(
            text.get(m.start..m.end),
            Some(m.text.as_str()),
            "mention text"
        );
        let p = &m.passage;
        assert!(
            p.start <= m.start && m.end <= p.end && p.end <= text.len(),
            "passage {p:?} does not hold span {}..{} in {} bytes",
            m.start,
            m.end,
            text.len()
        );
        assert!(
            on_char_boundary(text, p.start) && on_char_boundary(text, p.end),
            "passage {p:?} not on char boundaries"
        );
        assert!(
            m.start >= previous_end,
            "mentions overlap or are out of text order at {}",
            m.start
        );
        previous_end = m.end;
        let r = &m.resolution;
        assert!(
            (r.entry as usize) < g.len(),
            "entry {} out of range",
            r.entry
        );
        assert!(
            (0.0..=1.0).contains(&r.confidence),
            "confidence {}",
            r.confidence
        );
        assert!(
            (0.0..=1.0).contains(&r.probability),
            "probability {}",
            r.probability
        );
        assert!(r.alternates.len() <= MAX_ALTERNATES);
        for a in &r.alternates {
            assert!(
                (a.entry as usize) < g.len(),
                "alternate {} out of range",
                a.entry
            );
            assert!(
                (0.0..=1.0).contains(&a.probability),
                "alternate probability {}",
                a.probability
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let parser = parser();
    let mut input_memo = ParseMemo::new();
    for piece in data.split(|&b| b == 0xFF).take(8) {
        let text = String::from_utf8_lossy(piece);
        let fresh = parser.parse(&text);
        check(&text, &fresh);
        let with_input_memo = parser.parse_with(&text, &mut input_memo);
        assert_eq!(
            with_input_memo, fresh,
            "a memo shared by the texts of this input changed the result for {text:?}"
        );
        let with_run_memo = RUN_MEMO.with(|m| parser.parse_with(&text, &mut m.borrow_mut()));
        assert_eq!(
            with_run_memo, fresh,
            "the memo shared by the whole run changed the result for {text:?} \
             (depends on earlier inputs: rerun the corpus, not this input alone)"
        );
    }
});
