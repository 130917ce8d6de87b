//! The geoparser: finds the place names in English news text and resolves each to one
//! gazetteer entry, with a confidence and the ranked alternatives.
//!
//! Two stages, as good geoparsers do (see `GEOPARSING-NOTES.md` in the project notes):
//! recognition (`recognize/`) decides which names are places, resolution (`resolve/`)
//! which entry each one means. The folder reads as the pipeline, text → propose →
//! evidence → resolve:
//!
//! 1. **Text** (`text.rs`). The document is cut into sentences; small lexical tests
//!    (capitals, the word before and after a name) serve the steps below, and a
//!    mention's passage is its sentence or, in a long one, a window around it
//!    ([`MAX_PASSAGE_BYTES`]).
//! 2. **Propose** (`recognize/propose.rs`). The gazetteer's name automaton proposes
//!    every capitalised word sequence that is a known name
//!    ([`Gazetteer::longest_match_at`]). Each distinct spelling's candidates and their
//!    prominence are worked out once per batch (`recognize/spellings.rs`,
//!    `recognize/prominence.rs`).
//! 3. **Evidence** (`recognize/evidence.rs`). A score decides which proposals are
//!    places: the candidates' prominence, capitalisation, cue words (`in`, `near`,
//!    `city of`; the word lists are in `recognize/cues.rs`), person-name contexts
//!    (`Kurt Campbell`, `president Bazoum`), ordinary-word and calendar-word readings
//!    (`in March`), acronyms (`ISIL`), and what the rest of the document says about the
//!    same word. The names kept go to resolution as hits (`hits.rs`).
//! 4. **Resolve** (`resolve/`). Candidates are scored (`resolve/score.rs`) on kind and
//!    population, how the name matched, explicit qualifiers (`Paris, Texas`), the
//!    countries and first-level divisions the document mentions, and distance to the
//!    document's other places (`resolve/context.rs`). A small town named like a country
//!    or state wins over it only when qualified or when the story is local to the town
//!    (`a Palestine man` beside Anderson County, Texas). Scores become probabilities;
//!    the best is chosen and the others kept.
//!
//! 5. **Streets** (`streets.rs`). Streets, roads and small features no gazetteer entry
//!    names ("Larkspur Boulevard") are found by the word that ends them (noted by the
//!    proposal walk) and placed at the town the story names most.
//!
//! Beside the steps: `kinds.rs` holds the tests on an entry's kind that both stages
//! ask, `memo.rs` the [`ParseMemo`], which carries each stage's tables from one
//! document to the next, and `why.rs` a mention's evidence in words, worked out on
//! demand (never while parsing). Neither stage imports the other; this file wires them.

mod hits;
mod kinds;
mod memo;
mod rare_words;
mod recognize;
mod resolve;
mod strays;
mod streets;
pub mod text;
pub mod why;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::gazetteer::{EntryIndex, Gazetteer, Kind};
pub use memo::ParseMemo;
use rare_words::RareWords;
pub use resolve::{
    CAPPED_CONTEXT, CONTEXT_FEATURES, Evidence, FEATURE_NAMES, FEATURES, Feature, MentionEvidence,
};

/// One place mention in a document. Offsets are UTF-8 byte offsets into the
/// document's text, end exclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// First byte of the mention.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The text as written (`Niger`, `U.S.`, `Nigeriens`).
    pub text: String,
    /// Byte range of the passage shown to users: the sentence it stands in (the
    /// sentences, if the name runs over a sentence break) when that is at most
    /// [`MAX_PASSAGE_BYTES`] long, as nearly every news sentence is; else a window of at
    /// most that many bytes of the sentence around the mention, cut at white space (see
    /// [`text::passage`]). It always holds the whole mention; a mention longer than the
    /// bound is its own passage.
    pub passage: Range<usize>,
    /// The entry chosen and the alternatives.
    pub resolution: Resolution,
}

/// Which entry a mention denotes, how sure the parser is, and what else it could be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// The chosen entry.
    pub entry: EntryIndex,
    /// Confidence in [0, 1] that this is a place mention *and* this entry is right.
    pub confidence: f32,
    /// Probability in [0, 1] of this entry among the candidates, on the same scale as
    /// [`Alternate::probability`] (confidence also weighs whether it is a place at all).
    #[serde(default)]
    pub probability: f32,
    /// Other candidates, most likely first (at most [`MAX_ALTERNATES`]), each with its
    /// probability among the candidates.
    pub alternates: Vec<Alternate>,
}

/// A candidate not chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Alternate {
    /// The entry.
    pub entry: EntryIndex,
    /// Its probability among the candidates, in [0, 1].
    pub probability: f32,
}

/// How many alternates a resolution keeps.
pub const MAX_ALTERNATES: usize = 8;

/// The most bytes (UTF-8 bytes of the document text) a [`Mention::passage`] spans,
/// unless the mention itself is longer. A sentence up to this long is the passage
/// whole: 26 of the 7,033 mentions the parser finds in the two development corpora
/// (LGL, GeoWebNews) stand in longer sentences, all of them lists. Bounding passages
/// keeps every export linear in its input: without it, a long text with no sentence
/// break gave each of its mentions the whole text.
pub const MAX_PASSAGE_BYTES: usize = 600;

/// Tunable knobs of the parser. The defaults are what the evaluation was run with.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Minimum recognition score for a name to count as a place mention.
    pub threshold: f32,
    /// Report demonyms (`Nigerien`, `Turkish`) as mentions of kind `demonym`.
    pub demonyms: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 1.5,
            demonyms: true,
        }
    }
}

/// The geoparser, borrowing a loaded gazetteer. Cheap to create; `Sync`, so one parser
/// can serve many threads.
#[derive(Debug, Clone)]
pub struct Geoparser<'g> {
    gazetteer: &'g Gazetteer,
    options: Options,
    /// Each entry's prominence, by entry index (see `recognize/prominence.rs`).
    base_prominence: std::sync::Arc<recognize::BaseProminence>,
}

impl<'g> Geoparser<'g> {
    /// A parser with default options.
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Self::with_options(gazetteer, Options::default())
    }

    /// A parser with the given options.
    pub fn with_options(gazetteer: &'g Gazetteer, options: Options) -> Self {
        let base_prominence = std::sync::Arc::new(recognize::BaseProminence::new(gazetteer));
        Geoparser {
            gazetteer,
            options,
            base_prominence,
        }
    }

    /// The gazetteer it resolves against.
    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// Finds and resolves every place mention in `text`, in text order.
    pub fn parse(&self, text: &str) -> Vec<Mention> {
        self.parse_with(text, &mut ParseMemo::new())
    }

    /// [`Geoparser::parse`] with a word memo kept across calls: parsing a batch of
    /// documents, keep one memo per thread (as [`crate::corpus::parse_documents`]
    /// does) and each distinct word is looked up in the gazetteer once. Same result.
    pub fn parse_with(&self, text: &str, memo: &mut ParseMemo) -> Vec<Mention> {
        let sentences = text::sentences(text);
        let rare = RareWords::find(text);
        let (spellings, street_words) = memo.for_recognition();
        let hits = recognize::recognize(
            self.gazetteer,
            &self.base_prominence,
            text,
            &sentences,
            &self.options,
            spellings,
            street_words,
            &rare,
        );
        let (spellings, scratch) = memo.for_resolution();
        let mut mentions =
            resolve::resolve(self.gazetteer, text, &sentences, hits, spellings, scratch);
        strays::drop_strays(self.gazetteer, &mut mentions);
        streets::add_streets(
            self.gazetteer,
            text,
            &sentences,
            memo.street_words(),
            &rare.street_plurals,
            &mut mentions,
        );
        mentions
    }

    /// The resolver's evidence for the candidates of each mention of `text` that has
    /// more than one (as its last pass scored them): what `tools/fit_resolution.py`
    /// fits the resolver's weights on. Not for the app; the parse is the same.
    pub fn resolution_evidence(&self, text: &str) -> Vec<MentionEvidence> {
        let mut memo = ParseMemo::new();
        memo.for_resolution().1.trace_evidence();
        self.parse_with(text, &mut memo);
        memo.for_resolution().1.take_evidence()
    }

    /// True if the mention's chosen entry is a demonym.
    pub fn is_demonym(&self, mention: &Mention) -> bool {
        self.gazetteer.kind(mention.resolution.entry) == Kind::Demonym
    }
}

/// Memos shared by the threads of a batch: a task takes one (or makes one), parses
/// with it and gives it back, so each thread's memo serves every document it parses,
/// however the work is split. (Rayon's `map_init` would start a memo per split.)
#[derive(Debug, Default)]
pub struct MemoPool(std::sync::Mutex<Vec<ParseMemo>>);

impl MemoPool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `f` with a memo from the pool.
    pub fn with<R>(&self, f: impl FnOnce(&mut ParseMemo) -> R) -> R {
        // A poisoned lock only means another task panicked; the memos are still sound.
        let taken = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut memo = taken.unwrap_or_else(ParseMemo::for_batch);
        let result = f(&mut memo);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(memo);
        result
    }
}

/// Where a demonym mention points: the country or region it is the demonym of; any other
/// entry points at itself. Used to place demonyms on the map.
pub fn located_entry(gazetteer: &Gazetteer, entry: EntryIndex) -> EntryIndex {
    let e = gazetteer.entry(entry);
    match (e.kind, e.refers_to) {
        (Kind::Demonym, Some(target)) => target,
        _ => entry,
    }
}

#[cfg(test)]
mod tests;
