//! The walk of the name automaton over running text: [`Gazetteer::longest_match_at`]
//! and its memoised twin, the walk state, and the word-boundary rules that decide
//! where a name may end. The geoparser's inner loop, so it has a file of its own.

use fst::raw::{Fst, Output};

use super::Gazetteer;
use super::file_format::decode_value;
use super::load::Bytes;
use super::memo::{Packed, WordMemo};
use crate::fold::{Folded, fold_char};
use crate::short_key::{LANES_HIGH, ShortKey};

/// A name found in text by [`Gazetteer::longest_match_at`]: byte span, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameHit {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The name's fst value: where its postings start and how many there are.
    pub(super) value: u64,
}

impl NameHit {
    /// Number of entries the name can denote (before the capitals check).
    pub fn candidate_count(&self) -> usize {
        decode_value(self.value).1
    }
}

impl Gazetteer {
    /// Walks the name automaton over `text` from byte `start` (which must be a char
    /// boundary), folding as it goes, and returns the longest gazetteer name that
    /// starts there and ends on a word boundary. Names may span words separated by one
    /// space or hyphen, never a line break.
    ///
    /// This is the geoparser's inner loop: it allocates nothing and stops at the first
    /// byte no name continues with, so most calls end after one or two characters.
    pub fn longest_match_at(&self, text: &str, start: usize) -> Option<NameHit> {
        let rest = text.get(start..)?;
        let word_len = first_word_len(rest);
        let state = self.walk_word(&rest[..word_len]);
        self.finish_walk(text, start, word_len, state, None)
    }

    /// [`Gazetteer::longest_match_at`] with a memo of the words already walked. The walk
    /// through a word's letters is most of the cost of a match (each letter is a
    /// dependent read of an automaton node), and capitalised words repeat: a third of
    /// them within a story, four in five across a batch of stories. Same result.
    pub fn longest_match_memo(
        &self,
        text: &str,
        start: usize,
        memo: &mut WordMemo,
    ) -> Option<NameHit> {
        let rest = text.get(start..)?;
        let word_len = first_word_len(rest);
        let word = &rest[..word_len];
        let memo = memo.serve(self);
        let state = self.memo_state(word, memo);
        self.finish_walk(text, start, word_len, state, Some(memo))
    }

    /// The automaton's state after the folded letters of `word` (letters and digits
    /// only), or `None` if no name starts with them.
    pub(super) fn walk_word(&self, word: &str) -> Option<WalkState> {
        let fst: &Fst<Bytes> = self.names.as_fst();
        let mut state = WalkState::root(fst.root().addr());
        let mut out = Output::zero();
        for c in word.chars() {
            for &b in fold_char(c).as_bytes() {
                let step = self.step(fst, &state, b)?;
                if state.depth == 0 {
                    state.first_byte = b;
                }
                state.depth += 1;
                out = cat(out, step.out);
                state.addr = step.addr;
            }
        }
        if state.depth == 0 {
            return Some(state);
        }
        Some(self.state_at(fst, state.addr, out, state.depth, state.first_byte))
    }

    /// Where a space and `word` lead from `state` (deeper than the lookup tables), as a
    /// walk state relative to it: its output and depth count from `state` (outputs add
    /// up along a path, and a node is reached by many paths). Remembered in `memo`.
    fn continuation(
        &self,
        state: &WalkState,
        word: &str,
        memo: &mut WordMemo,
    ) -> Option<WalkState> {
        let key = ShortKey::new(word).and_then(|w| Some((u32::try_from(state.addr).ok()?, w)));
        if let Some(c) = key.and_then(|k| memo.continuations.get(&k)) {
            return c.unpack();
        }
        let fst: &Fst<Bytes> = self.names.as_fst();
        let space = state.space_step?;
        let walk = || {
            let (mut addr, mut out) = (space.addr, space.out);
            // ASCII letters and digits fold to their lower case.
            for b in word.bytes().map(|b| b.to_ascii_lowercase()) {
                let n = fst.node(addr);
                let t = n.transition(n.find_input(b)?);
                out = cat(out, t.out);
                addr = t.addr;
            }
            Some(self.state_at(fst, addr, out, 1 + word.len(), 0))
        };
        let c = walk();
        if let Some(key) = key
            && let Some(packed) = Packed::pack(c.as_ref())
        {
            if memo.continuations.len() >= WordMemo::CAPACITY {
                memo.continuations.clear();
            }
            memo.continuations.insert(key, packed);
        }
        c
    }

    /// One automaton step on byte `b`; the first two come from the lookup tables.
    /// Always inlined: a call per letter walked cost more than the step's own work.
    #[inline(always)]
    fn step(&self, fst: &Fst<Bytes>, state: &WalkState, b: u8) -> Option<fst::raw::Transition> {
        match state.depth {
            0 => self.root_steps[b as usize],
            1 => self.second_step(state.first_byte, b),
            _ => {
                let n = fst.node(state.addr);
                n.find_input(b).map(|i| n.transition(i))
            }
        }
    }

    /// The rest of a walk after its first word (`word_len` bytes from `start`, already
    /// walked into `state`): punctuation, possessives and further words of the name.
    fn finish_walk(
        &self,
        text: &str,
        start: usize,
        word_len: usize,
        state: Option<WalkState>,
        mut memo: Option<&mut WordMemo>,
    ) -> Option<NameHit> {
        let mut state = state?;
        let fst: &Fst<Bytes> = self.names.as_fst();
        let rest = &text[start..];
        let mut best: Option<(usize, u64)> = None;
        // Word by word while the memo knows the way; `word_len` is where the last word
        // walked ends.
        let mut word_len = word_len;
        loop {
            if state.depth > 0
                && let Some(v) = state.final_value
            {
                // A word ends where a letter or digit does not follow.
                let at_boundary = match rest[word_len..].chars().next() {
                    None => true,
                    Some('\'' | '’') => is_possessive_or_end(&rest[word_len..]),
                    Some(next) => !next.is_alphanumeric(),
                };
                if at_boundary {
                    best = Some((start + word_len, v));
                }
            }
            if state.dead_end {
                return best.map(|(end, v)| self.hit(start, end, v));
            }
            // The common case, memoised: one space, then an ASCII word that may
            // continue a name ("New York", "Gulf of Guinea"). Anything else takes the
            // character-by-character walk below, which gives the same result.
            let after = &rest.as_bytes()[word_len..];
            if let Some(memo) = memo.as_deref_mut()
                && state.depth > 1
                && after.first() == Some(&b' ')
                && after.get(1).is_some_and(u8::is_ascii_alphanumeric)
            {
                // No name goes on with a word of this first letter, or the word cannot
                // continue a name ("the Sahel region"): the match is what was found so
                // far, as the walk below would also conclude, one step later. The
                // cheap bit test first.
                if !state.may_continue_with(after[1].to_ascii_lowercase())
                    || !continues_name(&rest[word_len + 1..])
                {
                    return best.map(|(end, v)| self.hit(start, end, v));
                }
                let next_len = after[1..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(after.len() - 1);
                let word = &rest[word_len + 1..word_len + 1 + next_len];
                let Some(c) = self.continuation(&state, word, memo) else {
                    return best.map(|(end, v)| self.hit(start, end, v));
                };
                state = WalkState {
                    out: state.out.wrapping_add(c.out),
                    depth: state.depth + c.depth,
                    first_byte: state.first_byte,
                    final_value: c.final_value.map(|f| state.out.wrapping_add(f)),
                    ..c
                };
                word_len += 1 + next_len;
                continue;
            }
            break;
        }
        let mut out = Output::new(state.out);
        let mut node: Option<fst::raw::Node<'_>> = None;
        // The step on a space right after the first word is known already.
        let mut first_step = state.depth > 1;
        let mut chars = rest[word_len..]
            .char_indices()
            .map(|(o, c)| (o + word_len, c))
            .peekable();
        let mut prev_space = false;
        while let Some((offset, c)) = chars.next() {
            if c == '\n' || c == '\r' {
                break;
            }
            let folded = fold_char(c);
            if folded == Folded::Space {
                if prev_space {
                    break;
                }
                prev_space = true;
            } else if folded != Folded::Skip {
                if prev_space && !continues_name(&rest[offset..]) {
                    // "the Sahel region": a lower-case word does not continue a name.
                    break;
                }
                prev_space = false;
            }
            for &b in folded.as_bytes() {
                let step = match state.depth {
                    _ if first_step && b == b' ' => state.space_step,
                    _ if first_step && b < 128 && state.ascii_inputs & (1u128 << b) == 0 => None,
                    0 | 1 => self.step(fst, &state, b),
                    _ => {
                        // Nodes are decoded only when a step needs them.
                        let n = *node.get_or_insert_with(|| fst.node(state.addr));
                        n.find_input(b).map(|i| n.transition(i))
                    }
                };
                if state.depth == 0 {
                    state.first_byte = b;
                }
                state.depth += 1;
                first_step = false;
                match step {
                    Some(t) => {
                        out = cat(out, t.out);
                        state.addr = t.addr;
                        node = None;
                    }
                    None => return best.map(|(end, v)| self.hit(start, end, v)),
                }
            }
            if !prev_space && state.depth > 0 {
                let at_boundary = match chars.peek() {
                    None => true,
                    Some(&(o, '\'' | '’')) => is_possessive_or_end(&rest[o..]),
                    Some(&(_, next)) => !next.is_alphanumeric(),
                };
                if at_boundary {
                    let n = *node.get_or_insert_with(|| fst.node(state.addr));
                    if n.is_final() {
                        let end = start + offset + c.len_utf8();
                        best = Some((end, cat(out, n.final_output()).value()));
                    }
                }
            }
        }
        best.map(|(end, v)| self.hit(start, end, v))
    }

    fn hit(&self, start: usize, end: usize, value: u64) -> NameHit {
        NameHit { start, end, value }
    }

    /// The step on `second` from the node one step from the root on `first`, from the
    /// lookup table, if the part of the automaton it leads to is whole: checked the
    /// first time a walk takes the step (a few hundred nodes, usually), then
    /// remembered. A walk never decodes a node two or more steps from the root that it
    /// did not reach through this, so no walk decodes an unchecked node. A damaged part
    /// reads as missing: the names under that two-letter prefix are not found.
    #[inline]
    pub(super) fn second_step(&self, first: u8, second: u8) -> Option<fst::raw::Transition> {
        let row = usize::from(self.first_rows[first as usize]).checked_sub(1)?;
        let step = *self.second_steps.get(row << 8 | second as usize)?;
        if step.addr == SecondStep::NONE.addr {
            return None;
        }
        let checked = self.subtree_checked.get(step.subtree as usize)?;
        let whole = *checked.get_or_init(|| {
            self.names_checked
                .check_from(self.names.as_fst().as_bytes(), step.addr as usize)
        });
        whole.then(|| fst::raw::Transition {
            inp: second,
            out: Output::new(step.out),
            addr: step.addr as fst::raw::CompiledAddr,
        })
    }

    /// Checks the whole name index in one pass (about 10 ms), where walks would check
    /// it a part at a time as they first enter each two-letter prefix: for a run about
    /// to parse megabytes, which enters nearly every part and checking them one by one
    /// costs several times that. Can run on another thread while the first texts are
    /// read. True if the index is whole; if not, the parts are checked one by one as
    /// before and only the damaged ones read as missing.
    pub fn check_names(&self) -> bool {
        self.names_checked
            .check_whole(self.names.as_fst().as_bytes())
    }

    /// The value of the folded name `key` in the name automaton, like [`value_of`] but
    /// taking its second step only into a checked part ([`Gazetteer::second_step`]).
    pub(super) fn name_value(&self, key: &[u8]) -> Option<u64> {
        let fst = self.names.as_fst();
        let mut node = fst.root();
        let mut out = Output::zero();
        for (depth, &b) in key.iter().enumerate() {
            let t = match depth {
                1 => self.second_step(key[0], b)?,
                _ => node.transition(node.find_input(b)?),
            };
            out = cat(out, t.out);
            node = fst.node(t.addr);
        }
        node.is_final()
            .then(|| cat(out, node.final_output()).value())
    }

    /// The walk state at node `addr`, reached with output `out` after `depth` bytes (the
    /// first of them `first_byte`), with what the node says about how names go on. A
    /// step on a space from a node one step from the root is a second step, and taken
    /// only into a checked part ([`Gazetteer::second_step`]).
    fn state_at(
        &self,
        fst: &Fst<Bytes>,
        addr: fst::raw::CompiledAddr,
        out: Output,
        depth: usize,
        first_byte: u8,
    ) -> WalkState {
        let n = fst.node(addr);
        let space_step = match depth {
            1 => self.second_step(first_byte, b' '),
            _ => n.find_input(b' ').map(|i| n.transition(i)),
        };
        WalkState {
            addr,
            out: out.value(),
            depth,
            first_byte,
            final_value: n.is_final().then(|| cat(out, n.final_output()).value()),
            space_step,
            ascii_inputs: ascii_inputs(&n),
            space_letters: space_step.map_or(0, |t| letter_bits(&fst.node(t.addr))),
            dead_end: n.is_empty(),
        }
    }
}

/// Output `a` followed by `b`: their sum, wrapping. [`Output::cat`] adds with overflow
/// checks in debug builds, and the outputs of a damaged file are not bounded at load
/// (see `fst_check`): a wrapped value is just a value past the postings, which finds none.
#[inline]
fn cat(a: Output, b: Output) -> Output {
    Output::new(a.value().wrapping_add(b.value()))
}

/// The value of `key` in `map`, like [`fst::Map::get`] but adding outputs with [`cat`],
/// so a damaged file's values cannot overflow.
pub(super) fn value_of<D: AsRef<[u8]>>(map: &fst::Map<D>, key: &[u8]) -> Option<u64> {
    let fst = map.as_fst();
    let mut node = fst.root();
    let mut out = Output::zero();
    for &b in key {
        let t = node.transition(node.find_input(b)?);
        out = cat(out, t.out);
        node = fst.node(t.addr);
    }
    node.is_final()
        .then(|| cat(out, node.final_output()).value())
}

/// A step from a node one step from the root, as [`Gazetteer`]'s lookup table keeps it:
/// 16 bytes instead of an `Option<Transition>`'s 32, so the table of the bundled file
/// (40 first bytes, 256 second bytes each) takes 160 KB.
#[derive(Debug, Clone, Copy)]
pub(super) struct SecondStep {
    /// The transition's output.
    pub(super) out: u64,
    /// The node it leads to; [`SecondStep::NONE`]'s for no transition.
    pub(super) addr: u32,
    /// The index of that node in `Gazetteer::subtree_checked`.
    pub(super) subtree: u32,
}

impl SecondStep {
    /// No transition on this byte.
    pub(super) const NONE: SecondStep = SecondStep {
        out: 0,
        addr: u32::MAX,
        subtree: u32::MAX,
    };
}

/// Where a walk of the name automaton stands: after the first word of a match, this is
/// what [`WordMemo`] keeps.
#[derive(Debug, Clone, Copy)]
pub(super) struct WalkState {
    /// The node reached.
    pub(super) addr: fst::raw::CompiledAddr,
    /// Output accumulated on the way.
    pub(super) out: u64,
    /// Bytes consumed (the first two steps use lookup tables).
    pub(super) depth: usize,
    /// The first byte consumed, to index the second-step table.
    pub(super) first_byte: u8,
    /// The name's value if the bytes so far spell a whole name.
    pub(super) final_value: Option<u64>,
    /// The step on a space from here, read with the node: a space is what most often
    /// follows a word, and decoding the node again for it cost a tenth of a parse.
    pub(super) space_step: Option<fst::raw::Transition>,
    /// The ASCII bytes any name continues with from here, as bits: after a word, most
    /// walks end on a comma or a period that no name continues with.
    pub(super) ascii_inputs: u128,
    /// The first letters a next word may have after the space ([`letter_bits`]):
    /// "The" starts a few names ("The Hague"), not one per capitalised word after it.
    pub(super) space_letters: u32,
    /// No name continues from here.
    pub(super) dead_end: bool,
}

impl WalkState {
    /// At the root, nothing walked: nothing known about what follows.
    fn root(addr: fst::raw::CompiledAddr) -> Self {
        WalkState {
            addr,
            out: 0,
            depth: 0,
            first_byte: 0,
            final_value: None,
            space_step: None,
            ascii_inputs: u128::MAX,
            space_letters: u32::MAX,
            dead_end: false,
        }
    }
}

/// Bit `i` < 26 for a transition on `b'a' + i` out of node `n`, bit 26 for any other.
fn letter_bits(n: &fst::raw::Node<'_>) -> u32 {
    let mut bits = 0u32;
    // See `ascii_inputs` for why a loop over `Node::transition`.
    for i in 0..n.len() {
        let b = n.transition(i).inp;
        bits |= if b.is_ascii_lowercase() {
            1 << (b - b'a')
        } else {
            1 << 26
        };
    }
    bits
}

impl WalkState {
    /// False if no name continues with a space then byte `b` from here.
    fn may_continue_with(&self, b: u8) -> bool {
        let bit = if b.is_ascii_lowercase() {
            1 << (b - b'a')
        } else {
            1 << 26
        };
        self.space_letters & bit != 0
    }
}

/// The ASCII bytes that have a transition out of node `n`, as bits.
///
/// Each transition is decoded by `Node::transition`, which `fst` always inlines, in a
/// plain loop: through fst's `Transitions` iterator (or a closure over it) each was a
/// call, and a walk state reads every transition of two nodes, dozens near the root.
fn ascii_inputs(n: &fst::raw::Node<'_>) -> u128 {
    let mut bits = 0u128;
    for i in 0..n.len() {
        let b = n.transition(i).inp;
        if b < 128 {
            bits |= 1u128 << b;
        }
    }
    bits
}

/// Length in bytes of the run of letters and digits that starts `text`.
pub(crate) fn first_word_len(text: &str) -> usize {
    // ASCII first: most words of English news are. Eight bytes at a time, which takes
    // most words in one step (this runs for every capitalised word and every word
    // beside a name; byte by byte it was a few percent of a parse).
    let bytes = text.as_bytes();
    let mut ascii = 0;
    while let Some(chunk) = bytes.get(ascii..ascii + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let stops = not_alphanumeric_lanes(word);
        if stops != 0 {
            ascii += (stops.trailing_zeros() / 8) as usize;
            break;
        }
        ascii += 8;
    }
    if bytes.len() - ascii < 8 {
        // The last few bytes of the text, byte by byte.
        ascii += bytes[ascii..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - ascii);
    }
    if text.as_bytes().get(ascii).is_none_or(|b| b.is_ascii()) {
        return ascii;
    }
    ascii + word_len_beyond_ascii(&text[ascii..])
}

/// [`first_word_len`] of a text that starts with a character beyond ASCII. Apart, so
/// that the ASCII path stays a small function.
#[cold]
#[inline(never)]
fn word_len_beyond_ascii(rest: &str) -> usize {
    rest.char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i)
}

/// Of the eight bytes packed in `word`, those that are not an ASCII letter or digit, as
/// the top bit of their lane (SWAR: each byte tested in its own lane, no carry between
/// lanes).
fn not_alphanumeric_lanes(word: u64) -> u64 {
    let low = word & !LANES_HIGH;
    // In each lane, bit 7 of `x + (0x80 - b)` is set iff the byte is at least `b`.
    let at_least = |x: u64, b: u8| x.wrapping_add(u64::from_le_bytes([0x80 - b; 8])) & LANES_HIGH;
    let digit = at_least(low, b'0') & !at_least(low, b'9' + 1);
    // With bit 5 set, a capital reads as its small letter, and no other ASCII byte
    // lands among the small letters: one range test for both cases.
    let folded = low | 0x2020_2020_2020_2020;
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    // Not ASCII, or neither range.
    (word & LANES_HIGH) | (!(digit | letter) & LANES_HIGH)
}

/// True for a lower-case word that may stand inside a multi-word name ("Gulf of
/// Guinea", "Bosnia and Herzegovina", "Rio de Janeiro", "Ras al Khaimah"). A `match`
/// rather than a search of a list: this runs after every word followed by a space, and
/// the compiler makes it a test of the length and a comparison or two.
#[rustfmt::skip]
fn is_name_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "the" | "and" | "de" | "del" | "della" | "di" | "da" | "do" | "dos" | "das"
            | "du" | "des" | "la" | "le" | "les" | "el" | "al" | "an" | "am" | "im" | "en"
            | "sur" | "upon" | "on" | "y" | "e" | "van" | "von" | "der" | "den" | "ter"
            | "aan" | "bin" | "ibn" | "ad" | "as" | "ar" | "at" | "st"
    )
}

/// True if the word starting `rest` may continue a name: capitalised, a number, or a
/// connector word.
fn continues_name(rest: &str) -> bool {
    let Some(first) = rest.chars().next() else {
        return false;
    };
    if first.is_uppercase() || first.is_numeric() || !first.is_alphabetic() {
        return true;
    }
    // Connectors are short ASCII words: most lower-case words are ruled out by length
    // before any comparison (this runs after every word followed by a space).
    let word_len = first_word_len(rest);
    word_len <= 5 && is_name_connector(&rest[..word_len])
}

/// At an apostrophe after a name: true for a possessive (`Niger's`, `Agadez’`) or the
/// end of a quotation, false inside a word (`Jama’at`, `N'Djamena`).
fn is_possessive_or_end(at_apostrophe: &str) -> bool {
    let mut after = at_apostrophe.chars().skip(1);
    match after.next() {
        None => true,
        Some('s' | 'S') => !after.next().is_some_and(char::is_alphanumeric),
        Some(c) => !c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swar_word_test_agrees_with_the_byte_test_in_every_lane() {
        for b in 0u8..=255 {
            for lane in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[(lane + 3) % 8] = b'Z';
                bytes[(lane + 5) % 8] = b'0';
                bytes[lane] = b;
                let lanes = not_alphanumeric_lanes(u64::from_le_bytes(bytes));
                let expected = !b.is_ascii_alphanumeric();
                assert_eq!(
                    lanes,
                    if expected { 0x80 << (8 * lane) } else { 0 },
                    "byte {b:#x} in lane {lane}"
                );
            }
        }
    }

    #[test]
    fn first_word_len_at_every_length_and_stop() {
        let letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for len in 0..=letters.len() {
            for stop in [" x", ",", "’s", "é", ""] {
                let text = format!("{}{stop}", &letters[..len]);
                let expected = if stop == "é" { len + 2 } else { len };
                assert_eq!(first_word_len(&text), expected, "{text:?}");
            }
        }
    }
}
