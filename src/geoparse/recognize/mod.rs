//! Recognition: which gazetteer names in the text are place mentions.
//!
//! Each proposed name gets an additive score of evidence (in rough log-odds units);
//! names at or above [`Options::threshold`] are kept. The weights were set by reasoning
//! about news English and checked on the development corpora as a whole, never fitted to
//! single words of them.
//!
//! - `propose`: the walk over the text that finds every capitalised gazetteer name (and
//!   notes the words that may end a street's name, for `geoparse/streets.rs`);
//! - `spellings`: each distinct spelling's candidates, worked out once per batch;
//! - `prominence`: how likely each candidate is before any context;
//! - `evidence`: the score of each mention, then the document-level rules;
//! - `cues`: the word lists the evidence reads (`in`, `president`, `said`, `River`);
//! - `user_names`: the user's own places' names, found without case and always kept.

mod abbreviations;
mod county_lists;
mod cues;
mod evidence;
mod prominence;
mod propose;
mod spellings;
mod user_names;

use std::ops::Range;

use super::Options;
use super::hits::Hit;
use super::rare_words::RareWords;
use crate::gazetteer::Gazetteer;
use evidence::score_document;
use propose::propose;

pub(crate) use prominence::BaseProminence;
pub(crate) use spellings::SpellingMemo;

/// What a word beside a name says of it, as the evidence reads it: whether it announces
/// a place (`in`, `near`) and which kind of place (`city`, `river`). For explanations
/// (`why.rs`), which must use the same word lists as the scoring.
pub(crate) fn cue_of(word: &str) -> (bool, Option<super::hits::KindCue>) {
    let c = cues::classify(word);
    (c.bits & cues::class::LOCATIVE != 0, c.kind)
}

/// True if the name ending at `end` of `text`, written in capitals, is a wire
/// service's dateline standing alone ("GENEVA (Reuters) —"), as the evidence reads it:
/// for explanations (`why.rs`).
pub(crate) fn is_wire_dateline(text: &str, end: usize) -> bool {
    text.get(end..)
        .is_some_and(|after| after.starts_with(" (") && evidence::is_dateline(after))
}

/// Finds the place mentions of `text`, and notes in `street_words` where the words
/// that may end a street's name stand (see `propose`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn recognize(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    text: &str,
    sentences: &[Range<usize>],
    options: &Options,
    memo: &mut SpellingMemo,
    street_words: &mut Vec<usize>,
    rare: &RareWords,
) -> Vec<Hit> {
    let owner = (gazetteer.id(), options.demonyms);
    // Start over between documents (never during one: hits hold indices).
    if memo.owner != Some(owner) || memo.list.len() >= SpellingMemo::CAPACITY {
        memo.surfaces.clear();
        memo.by_rule.clear();
        memo.list.clear();
        memo.key_ids.clear();
        memo.owner = Some(owner);
    }
    let mut raw = propose(
        gazetteer,
        base,
        text,
        sentences,
        options,
        memo,
        street_words,
        rare,
    );
    score_document(gazetteer, text, sentences, &memo.list, &mut raw, options);
    let mut hits: Vec<Hit> = raw
        .into_iter()
        .filter(|h| h.hit.score >= options.threshold)
        .map(|h| h.hit)
        .collect();
    if let Some(user) = gazetteer.user_names() {
        user_names::add_user_hits(
            gazetteer, base, &user, text, sentences, options, memo, &mut hits,
        );
    }
    hits
}
