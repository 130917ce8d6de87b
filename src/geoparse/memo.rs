//! What a parser keeps from one document to the next: recognition's memo of spellings
//! and the resolver's buffers, in one [`ParseMemo`]. Its own file because it holds a part
//! of each stage, and neither stage should reach into the other.

use super::hits::Surface;
use super::recognize::SpellingMemo;
use super::resolve::Scratch;

/// What a parser remembers across the documents of a batch: the automaton walks and
/// word facts of the gazetteer ([`WordMemo`](crate::gazetteer::WordMemo)) and each
/// spelling's `Surface`. Keep one per thread ([`crate::corpus::parse_documents`]
/// does); results are the same as without it. Memory stays bounded: past
/// [`ParseMemo::CAPACITY`] spellings it starts over.
#[derive(Debug, Default, Clone)]
pub struct ParseMemo {
    /// Recognition's memo: word facts, and each spelling's surface.
    spellings: SpellingMemo,
    /// The resolver's buffers, reused from one document to the next.
    resolver: Scratch,
    /// Where the words that may end a street's name stand in the document being parsed
    /// (byte offsets, in text order): noted by recognition's walk, read by the streets
    /// step (`streets.rs`), so the text is walked once.
    street_words: Vec<usize>,
}

impl ParseMemo {
    /// Spellings kept at most.
    pub const CAPACITY: usize = SpellingMemo::CAPACITY;

    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// Recognition's part of the memo, and the list of street words it notes (emptied
    /// here: it is the current document's).
    pub(crate) fn for_recognition(&mut self) -> (&mut SpellingMemo, &mut Vec<usize>) {
        self.street_words.clear();
        (&mut self.spellings, &mut self.street_words)
    }

    /// The street words recognition noted in the current document.
    pub(crate) fn street_words(&self) -> &[usize] {
        &self.street_words
    }

    /// All surfaces, indexed by [`Hit::surface`](super::hits::Hit::surface), and the
    /// resolver's buffers.
    pub(crate) fn for_resolution(&mut self) -> (&[Surface], &mut Scratch) {
        (self.spellings.list(), &mut self.resolver)
    }

    /// An empty memo sized for a batch of documents: a few thousand distinct words
    /// and names, so its tables do not grow (and copy themselves) while it fills.
    pub fn for_batch() -> Self {
        ParseMemo {
            spellings: SpellingMemo::for_batch(),
            resolver: Default::default(),
            street_words: Vec::new(),
        }
    }
}
