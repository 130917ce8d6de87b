//! Output grows at most linearly with input: every mention carries a passage of at most
//! [`MAX_PASSAGE_BYTES`] (a window of a long sentence, cut at white space), so no text,
//! however long its sentences, makes the export grow faster than the text.
//!
//! The inputs are what used to blow up: place names repeated with few or no sentence
//! breaks (100 KB of `Paris, Texas, ` once wrote 1.5 GB, because each mention carried
//! the whole text as its passage).

use std::sync::OnceLock;

use gazette::corpus::{Corrections, Document, Filter, ParsedDocument, parse_documents, places};
use gazette::export::{Format, render};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, MAX_PASSAGE_BYTES};
use proptest::prelude::*;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::load_bundled().expect("bundled gazetteer loads"))
}

/// What a JSON Lines row holds besides its passage, at most: the mention's fields, its
/// place's, and up to eight alternates with their names (gazetteer names are short).
const LINE_OVERHEAD: usize = 4096;

/// A mention is at least two letters and a separator: a text of `n` bytes has fewer than
/// `n / 2` of them.
const MENTIONS_PER_INPUT_BYTE: f64 = 0.5;

/// The bound asserted: output bytes ≤ `c · input bytes + constant`, with `c` fixed by the
/// two constants above (every mention ≤ `MAX_PASSAGE_BYTES + LINE_OVERHEAD` bytes).
fn linear_bound(input_bytes: usize) -> usize {
    let per_byte = MENTIONS_PER_INPUT_BYTE * (MAX_PASSAGE_BYTES + LINE_OVERHEAD) as f64;
    (per_byte * input_bytes as f64) as usize + LINE_OVERHEAD
}

/// Parses `text` as one document and renders it as the CLI's `--format jsonl` does.
fn export_jsonl(text: &str) -> (Vec<ParsedDocument>, String) {
    let g = gazetteer();
    let parser = Geoparser::new(g);
    let docs = parse_documents(&parser, vec![Document::from_text("input.txt", text)]);
    let shown = places(g, &docs, &Corrections::default(), &Filter::default());
    let out = render(Format::JsonLines, g, &docs, &shown).expect("jsonl renders");
    (docs, out)
}

/// Checks the bounds on one input: each passage, each row, the mention count and the
/// whole output. Returns the output's bytes and the mentions in it.
fn check_bounds(text: &str) -> Result<(usize, usize), TestCaseError> {
    let (docs, out) = export_jsonl(text);
    let mentions = &docs[0].mentions;
    for m in mentions {
        prop_assert!(
            m.passage.len() <= MAX_PASSAGE_BYTES.max(m.end - m.start),
            "passage of {} bytes",
            m.passage.len()
        );
        prop_assert!(m.passage.start <= m.start && m.end <= m.passage.end);
    }
    prop_assert!(
        mentions.len() as f64 <= MENTIONS_PER_INPUT_BYTE * text.len() as f64,
        "{} mentions in {} bytes",
        mentions.len(),
        text.len()
    );
    for line in out.lines() {
        prop_assert!(
            line.len() <= MAX_PASSAGE_BYTES + LINE_OVERHEAD,
            "a row of {} bytes",
            line.len()
        );
    }
    prop_assert!(
        out.len() <= linear_bound(text.len()),
        "{} bytes out for {} in (bound {})",
        out.len(),
        text.len(),
        linear_bound(text.len())
    );
    Ok((out.len(), mentions.len()))
}

/// Place-name-ish words (and a few cue words) the texts are made of: one word or several,
/// non-ASCII, dotted, all capitals.
const TOKENS: &[&str] = &[
    "Paris",
    "Texas",
    "Agadez",
    "Niger",
    "Niamey",
    "São Paulo",
    "Zürich",
    "N'Djamena",
    "New York",
    "U.S.",
    "NIGER",
    "TEXAS",
    "Sault Ste. Marie",
    "Washington",
    "Lagos",
    "in",
    "near",
    "the",
    "Springfield",
    "Georgia",
];
const SEPARATORS: &[&str] = &[" ", ", ", "; ", " - ", " and "];

/// A text of about `len` bytes: `pattern` (token, separator) repeated, with a sentence
/// break every `gap` bytes (never when `gap` is 0).
fn text_of(pattern: &[(usize, usize)], len: usize, gap: usize) -> String {
    let mut text = String::with_capacity(len + 64);
    let mut since_break = 0;
    for &(token, separator) in pattern.iter().cycle() {
        if text.len() >= len {
            break;
        }
        let before = text.len();
        text.push_str(TOKENS[token]);
        if gap > 0 && since_break >= gap {
            text.push_str(". ");
            since_break = 0;
        } else {
            text.push_str(SEPARATORS[separator]);
        }
        since_break += text.len() - before;
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Texts of n and 4n bytes made of the same repeated names: both exports stay
    /// within the same linear bound, and a mention of the longer text does not take much
    /// more output than one of the shorter (each mention carried the text once, so the
    /// output grew sixteenfold for four times the input). The mentions themselves may
    /// grow faster than the text: one sense per document reads an all-capitals name as a
    /// place once the document names it often enough.
    #[test]
    fn output_size_grows_at_most_linearly_with_input_size(
        pattern in prop::collection::vec((0..TOKENS.len(), 0..SEPARATORS.len()), 1..12),
        n in 4_000usize..8_000,
        gap in prop_oneof![Just(0usize), 2_000usize..20_000],
    ) {
        let small = text_of(&pattern, n, gap);
        let large = text_of(&pattern, 4 * n, gap);
        let (out_small, mentions_small) = check_bounds(&small)?;
        let (out_large, mentions_large) = check_bounds(&large)?;
        if mentions_small > 0 && mentions_large > 0 {
            let per_small = out_small as f64 / mentions_small as f64;
            let per_large = out_large as f64 / mentions_large as f64;
            prop_assert!(
                per_large <= 1.5 * per_small + LINE_OVERHEAD as f64,
                "{per_small:.0} bytes a mention for {} bytes in, {per_large:.0} for {}",
                small.len(),
                large.len()
            );
        }
    }
}

/// The inputs of the issue, scaled to test size: each row's passage is bounded, so the
/// whole export is.
#[test]
fn dense_mentions_without_sentence_breaks_give_linear_output() {
    // (what is repeated, input bytes)
    let cases: &[(&str, usize)] = &[
        ("Paris, Texas, ", 100_000),
        ("Agadez ", 200_000),
        ("NIGER ", 30_000),
        ("São Paulo, Zürich; ", 50_000),
    ];
    for &(unit, bytes) in cases {
        let text = unit.repeat(bytes / unit.len());
        let (docs, out) = export_jsonl(&text);
        assert!(!docs[0].mentions.is_empty(), "{unit:?}: no mentions");
        for m in &docs[0].mentions {
            assert!(
                m.passage.len() <= MAX_PASSAGE_BYTES,
                "{unit:?}: {:?}",
                m.passage
            );
            let passage = &text[m.passage.clone()];
            assert!(passage.contains(&m.text), "{unit:?}: {passage:?}");
            assert_eq!(passage, passage.trim(), "{unit:?}: cut at white space");
        }
        assert!(
            out.len() <= linear_bound(text.len()),
            "{unit:?}: {} bytes out for {} in",
            out.len(),
            text.len()
        );
    }
}

/// Ordinary sentences stay whole; a name that runs over a sentence break (the splitter
/// ends a sentence after `Ste.`) gets the sentences it spans, not just itself.
#[test]
fn a_short_sentence_is_the_whole_passage() {
    let g = gazetteer();
    let parser = Geoparser::new(g);
    // (text, mention, its passage)
    let cases: &[(&str, &str, &str)] = &[
        (
            "Troops left Niamey on Monday. Agadez was calm.",
            "Niamey",
            "Troops left Niamey on Monday.",
        ),
        (
            "Before that. His roots extend all the way to Canada - Sault Ste. Marie, Ontario, \
             to be exact.",
            "Sault Ste. Marie",
            "His roots extend all the way to Canada - Sault Ste. Marie, Ontario, to be exact.",
        ),
    ];
    for &(text, name, expected) in cases {
        let mentions = parser.parse(text);
        let m = mentions
            .iter()
            .find(|m| m.text == name)
            .unwrap_or_else(|| panic!("{name} not found in {text:?}: {mentions:?}"));
        assert_eq!(&text[m.passage.clone()], expected);
    }
    // A long sentence: a window around the mention, the rest of the sentence cut off.
    let text = format!(
        "{} Agadez {}.",
        "word ".repeat(MAX_PASSAGE_BYTES),
        "more ".repeat(MAX_PASSAGE_BYTES)
    );
    let mentions = parser.parse(&text);
    let m = mentions
        .iter()
        .find(|m| m.text == "Agadez")
        .expect("agadez");
    let passage = &text[m.passage.clone()];
    assert!(passage.len() <= MAX_PASSAGE_BYTES && passage.len() > MAX_PASSAGE_BYTES - 10);
    assert!(
        passage.starts_with("word ") && passage.ends_with(" more"),
        "{passage:?}"
    );
}

/// The app shows passages through `passage_range`, which holds any mention to the bound,
/// whoever made it.
#[cfg(feature = "gui")]
#[test]
fn the_app_shows_bounded_passages() {
    use gazette::app::state::passage_range;
    use gazette::geoparse::{Mention, Resolution};

    let text = format!("{}Agadez{}", "word ".repeat(1_000), " more".repeat(1_000));
    let start = text.find("Agadez").expect("agadez");
    let mention = |passage: std::ops::Range<usize>| Mention {
        start,
        end: start + 6,
        text: "Agadez".to_string(),
        passage,
        resolution: Resolution {
            entry: 0,
            confidence: 0.9,
            probability: 1.0,
            alternates: Vec::new(),
        },
    };
    let doc = ParsedDocument {
        document: Document::from_text("a.txt", text.clone()),
        mentions: vec![
            mention(0..text.len()),
            mention(start..start + 6),
            mention(0..text.len() + 1),
            mention(start + 1..text.len()),
        ],
    };
    // (mention, passage shown)
    let whole = passage_range(&doc, 0);
    assert!(whole.len() <= MAX_PASSAGE_BYTES && whole.start <= start && start + 6 <= whole.end);
    assert!(text[whole.clone()].starts_with("word") && text[whole].ends_with("more"));
    for i in 1..4 {
        assert_eq!(passage_range(&doc, i), start..start + 6, "mention {i}");
    }
}
