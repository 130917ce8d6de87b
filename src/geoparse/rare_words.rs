//! The lower-case words a few rules start from, found in one pass over a document:
//! " airport" (an airport named before it, `propose.rs`), "counties" and "parishes"
//! (lists of counties, `county_lists.rs`) and the plural street words ("Larkspur and
//! Heron streets", `streets.rs`). One Aho-Corasick search, which runs its vectorised
//! searcher for a handful of short words, instead of a `memmem` pass per word: the six
//! passes over every document were 3% of a parse, and the words are rare.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::streets::PLURAL_STREET_WORDS;

/// The words before the plural street words ([`PLURAL_STREET_WORDS`]), in the order
/// of their ids. The county plurals leave out their first letter, which may be a
/// capital ("Counties"); the others keep the space before them (a word of its own, not
/// the end of one).
const WORDS: [&str; 3] = [" airport", "ounties", "arishes"];

/// The ids in [`WORDS`] of the county plurals, with the first letter each leaves out.
const COUNTY_PLURALS: [(usize, u8); 2] = [(1, b'c'), (2, b'p')];

/// Where the words stand in one document (byte offsets of the matches, in text order).
#[derive(Debug, Default)]
pub(crate) struct RareWords {
    /// " airport" stands somewhere in the text.
    pub(crate) airport: bool,
    /// Each "ounties" or "arishes": where it starts, its length and the first letter of
    /// the word it should end ('c' or 'p', in either case).
    pub(crate) county_plurals: Vec<(usize, usize, u8)>,
    /// Each " streets", " avenues" or " roads": where it starts (at the space) and its
    /// length.
    pub(crate) street_plurals: Vec<(usize, usize)>,
}

impl RareWords {
    /// The words of `text`.
    pub(crate) fn find(text: &str) -> RareWords {
        // Built once: a batch asks this of every document, and a searcher costs more to
        // build than a news article takes to search.
        static SEARCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
            // Leftmost-first: only then does the crate use its vectorised searcher
            // (the words never overlap, so the kind of match changes nothing else).
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(WORDS.iter().chain(PLURAL_STREET_WORDS))
                .ok()
        });
        let mut found = RareWords::default();
        let Some(searcher) = SEARCHER.as_ref() else {
            // Not reached (the words are fixed and few); without a searcher, the
            // rules that start from them find nothing.
            return found;
        };
        for m in searcher.find_iter(text) {
            let id = m.pattern().as_usize();
            let at = (m.start(), m.len());
            if id == 0 {
                found.airport = true;
            } else if let Some(&(_, initial)) = COUNTY_PLURALS.iter().find(|(i, _)| *i == id) {
                found.county_plurals.push((at.0, at.1, initial));
            } else if id >= WORDS.len() {
                found.street_plurals.push(at);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_is_found_where_it_stands_and_only_there() {
        let text = "Counties near the airport: Becker and Clay counties, Ouachita Parishes, \
                    Larkspur and Heron streets, two avenues, the roads.";
        let found = RareWords::find(text);
        assert!(found.airport);
        let counties: Vec<(&str, u8)> = found
            .county_plurals
            .iter()
            .map(|&(at, len, initial)| (&text[at..at + len], initial))
            .collect();
        assert_eq!(
            counties,
            [("ounties", b'c'), ("ounties", b'c'), ("arishes", b'p')]
        );
        let streets: Vec<&str> = found
            .street_plurals
            .iter()
            .map(|&(at, len)| &text[at..at + len])
            .collect();
        assert_eq!(streets, [" streets", " avenues", " roads"]);
        assert!(!RareWords::find("An airfield; no such words.").airport);
    }
}
