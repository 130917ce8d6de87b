//! The per-thread memo of words already looked up ([`WordMemo`]): automaton states
//! after a word, packed to one cache line each, and the word facts asked around every
//! candidate name. Its own file because what it stores and when it forgets is its own rule.

use fst::raw::Output;

use super::file_format::POSTING_COMMON_WORD;
use super::walk::{WalkState, first_word_len};
use super::{Gazetteer, PersonName};
use crate::fold::fold_name;
use crate::short_key::{ShortKey, ShortKeyMap};

impl Gazetteer {
    /// [`Gazetteer::has_name`] and [`Gazetteer::is_common_word_name`] of `word` at
    /// once, remembered in `memo`. A word of letters and digits is answered from the
    /// automaton state after it, which the memo often has already.
    pub fn word_facts(&self, word: &str, memo: &mut WordMemo) -> WordFacts {
        let memo = memo.serve(self);
        if let Some(f) = memo.facts.get(word) {
            return *f;
        }
        let value = if !word.is_empty() && first_word_len(word) == word.len() {
            self.memo_state(word, memo)
                .filter(|s| s.depth > 0)
                .and_then(|s| s.final_value)
        } else {
            self.name_value(fold_name(word).as_bytes())
        };
        let facts = WordFacts {
            is_name: value.is_some(),
            common_word: value
                .and_then(|v| self.postings_of(v).first().map(|p| p.get()))
                .is_some_and(|p| p & POSTING_COMMON_WORD != 0),
        };
        memo.facts.insert_bounded(word, facts, WordMemo::CAPACITY);
        facts
    }

    /// [`Gazetteer::person_name`], remembered in `memo`.
    pub fn person_name_memo(&self, word: &str, memo: &mut WordMemo) -> PersonName {
        let memo = memo.serve(self);
        if let Some(p) = memo.persons.get(word) {
            return *p;
        }
        let person = self.person_name(word);
        memo.persons
            .insert_bounded(word, person, WordMemo::CAPACITY);
        person
    }

    /// The automaton state after `word` (letters and digits only), from the memo or
    /// walked now and remembered.
    pub(super) fn memo_state(&self, word: &str, memo: &mut WordMemo) -> Option<WalkState> {
        if let Some(packed) = memo.states.get(word) {
            return packed.unpack();
        }
        let state = self.walk_word(word);
        if let Some(packed) = Packed::pack(state.as_ref()) {
            memo.states.insert_bounded(word, packed, WordMemo::CAPACITY);
        }
        state
    }
}

/// The automaton states reached after words already walked, so each distinct word is
/// walked once (see [`Gazetteer::longest_match_memo`]). Keep one per thread across a
/// batch of documents: the capitalised words of news are few and repeat (`The`, `U.S.`,
/// `Trump`), within a story and across stories.
#[derive(Debug, Default, Clone)]
pub struct WordMemo {
    /// [`Gazetteer::id`] of the gazetteer the memo was filled from.
    owner: u64,
    states: ShortKeyMap<Packed>,
    /// From a node, a space and a word ("New" → "New York"): where that leads, relative
    /// to the node (outputs add up along a path, and a node is reached by many paths).
    /// Keyed by node and word in one table: one probe per step, not two. The states
    /// are relative (see [`Gazetteer::continuation`]).
    pub(super) continuations: rustc_hash::FxHashMap<(u32, ShortKey), Packed>,
    facts: ShortKeyMap<WordFacts>,
    persons: ShortKeyMap<PersonName>,
}

/// What the gazetteer knows of one word as written: the recogniser asks this of the
/// words around every candidate name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordFacts {
    /// The word (folded) is a gazetteer name, abbreviations included.
    pub is_name: bool,
    /// It is a name flagged as a common lower-case English word.
    pub common_word: bool,
}

impl WordMemo {
    /// Words kept at most (per table); past this a table starts over, so memory stays
    /// bounded (under 20 MB) on any corpus.
    pub(super) const CAPACITY: usize = 100_000;

    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty memo with room for `words` distinct words.
    pub fn with_capacity(words: usize) -> Self {
        WordMemo {
            owner: 0,
            states: ShortKeyMap::with_capacity(words),
            continuations: rustc_hash::FxHashMap::with_capacity_and_hasher(
                words / 2,
                Default::default(),
            ),
            facts: ShortKeyMap::with_capacity(words / 2),
            persons: ShortKeyMap::with_capacity(words / 4),
        }
    }

    /// Forgets everything if the memo was filled from another gazetteer: its automaton
    /// states would be meaningless here. Inlined: every walk and word fact asks it.
    #[inline]
    pub(super) fn serve(&mut self, gazetteer: &Gazetteer) -> &mut Self {
        if self.owner != gazetteer.id {
            self.states.clear();
            self.facts.clear();
            self.persons.clear();
            self.continuations.clear();
            self.owner = gazetteer.id;
        }
        self
    }

    /// Number of words remembered.
    pub fn len(&self) -> usize {
        self.states.len() + self.facts.len() + self.persons.len() + self.continuations.len()
    }

    /// True if no word is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`WalkState`] (or its absence) packed into 48 bytes, as the memos store it: with
/// its 16-byte key a memo entry fills one cache line, and memo probes are the
/// geoparser's most frequent trips to memory. Bytes 0x20..0x60 of the transition bits
/// are kept (the punctuation that follows words); the others read as "maybe", which
/// only costs a node decode. The default is the packed absence of a state.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Packed {
    addr: u32,
    space_addr: u32,
    out: u64,
    final_value: u64,
    space_out: u64,
    inputs: u64,
    space_letters: u32,
    depth: u16,
    first_byte: u8,
    flags: u8,
}

impl Packed {
    const SOME: u8 = 1;
    const HAS_FINAL: u8 = 2;
    const HAS_SPACE: u8 = 4;
    const DEAD_END: u8 = 8;
    /// First byte whose transition bit is kept.
    const INPUTS_FROM: u8 = 0x20;

    /// `None` if the state does not fit (an automaton over 4 GiB, a name over 65,535
    /// bytes): it is then simply not remembered.
    pub(super) fn pack(state: Option<&WalkState>) -> Option<Packed> {
        let Some(s) = state else {
            return Some(Packed::default());
        };
        let mut flags = Packed::SOME;
        if s.final_value.is_some() {
            flags |= Packed::HAS_FINAL;
        }
        if s.space_step.is_some() {
            flags |= Packed::HAS_SPACE;
        }
        if s.dead_end {
            flags |= Packed::DEAD_END;
        }
        Some(Packed {
            addr: u32::try_from(s.addr).ok()?,
            space_addr: match s.space_step {
                Some(t) => u32::try_from(t.addr).ok()?,
                None => 0,
            },
            out: s.out,
            final_value: s.final_value.unwrap_or(0),
            space_out: s.space_step.map_or(0, |t| t.out.value()),
            inputs: (s.ascii_inputs >> Packed::INPUTS_FROM) as u64,
            space_letters: s.space_letters,
            depth: u16::try_from(s.depth).ok()?,
            first_byte: s.first_byte,
            flags,
        })
    }

    pub(super) fn unpack(&self) -> Option<WalkState> {
        if self.flags & Packed::SOME == 0 {
            return None;
        }
        // Bits outside the kept range read as "some name may continue".
        let kept = (u64::MAX as u128) << Packed::INPUTS_FROM;
        let inputs = (!kept) | ((self.inputs as u128) << Packed::INPUTS_FROM);
        Some(WalkState {
            addr: self.addr as fst::raw::CompiledAddr,
            out: self.out,
            depth: self.depth as usize,
            first_byte: self.first_byte,
            final_value: (self.flags & Packed::HAS_FINAL != 0).then_some(self.final_value),
            space_step: (self.flags & Packed::HAS_SPACE != 0).then(|| fst::raw::Transition {
                inp: b' ',
                out: Output::new(self.space_out),
                addr: self.space_addr as fst::raw::CompiledAddr,
            }),
            ascii_inputs: inputs,
            space_letters: self.space_letters,
            dead_end: self.flags & Packed::DEAD_END != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::tiny;
    use super::*;

    #[test]
    fn a_memo_moved_to_another_gazetteer_starts_over() {
        // Automaton states are addresses into one gazetteer's automaton: used with
        // another, they would point anywhere.
        let (a, b) = (tiny(), tiny());
        assert_ne!(a.id(), b.id());
        let mut memo = WordMemo::new();
        a.longest_match_memo("Niger Niamey", 0, &mut memo);
        a.longest_match_memo("Niger Niamey", 6, &mut memo);
        assert_eq!(memo.states.len(), 2);
        assert!(b.longest_match_memo("Niamey", 0, &mut memo).is_some());
        assert_eq!(memo.owner, b.id());
        assert_eq!(
            memo.states.len(),
            1,
            "words walked with the first are forgotten"
        );
    }
}
