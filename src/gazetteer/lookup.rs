//! Looking entries up by name, id or country code: the queries that take a whole
//! name (the walk over running text is in [`super::walk`]).

use super::file_format::{
    PERSON_GIVEN, PERSON_SURNAME, POSTING_COMMON_WORD, decode_posting, decode_value,
};
use super::walk::value_of;
use super::{Candidate, EntryIndex, Gazetteer, NameHit, NameMatch};
use crate::fold::fold_name;
use zerocopy::little_endian::U32;

/// What a word is known as, as a person's name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonName {
    /// A common given name (`Michael`, `Georgia`).
    pub given: bool,
    /// A common surname (`Jones`, `Campbell`).
    pub surname: bool,
}

impl Gazetteer {
    /// The country entry with ISO 3166-1 alpha-2 code `code` (`NE`).
    pub fn country(&self, code: &str) -> Option<EntryIndex> {
        self.countries.get(code).copied()
    }

    /// Finds an entry by its stable id (entries are stored sorted by id): a binary
    /// search, which decodes the chunks of the ~18 entries it looks at.
    /// User places (`user:…`) are found among them.
    pub fn index_of_id(&self, id: &str) -> Option<EntryIndex> {
        if id.starts_with(super::user_places::USER_ID_PREFIX) {
            return self.user.index_of_id(id);
        }
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.entry(mid as EntryIndex).id.as_str().cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid as EntryIndex),
            }
        }
        None
    }

    /// Every entry a surface form can denote, folded for case and accents, in no
    /// particular order. Capital-only abbreviations are included only when `surface`
    /// is written in capitals.
    pub fn candidates(&self, surface: &str) -> Vec<Candidate> {
        let key = fold_name(surface);
        let Some(v) = self.name_value(key.as_bytes()) else {
            return Vec::new();
        };
        let all_caps = is_all_caps(surface);
        self.postings_of(v)
            .iter()
            .map(|p| decode_posting(p.get()))
            .filter(|c| c.name_match != NameMatch::Abbreviation || all_caps)
            .collect()
    }

    /// True if the name of `hit` is also an ordinary lower-case English word
    /// (`March`, `Reading`, `Mobile`, `Chad`).
    pub fn is_common_word(&self, hit: &NameHit) -> bool {
        self.postings_of(hit.value)
            .first()
            .is_some_and(|p| p.get() & POSTING_COMMON_WORD != 0)
    }

    /// True if `name` (folded) is a gazetteer name at all, abbreviations included.
    /// Cheaper than [`Gazetteer::candidates`]: no allocation.
    pub fn has_name(&self, name: &str) -> bool {
        self.name_value(fold_name(name).as_bytes()).is_some()
    }

    /// What `word` is as a person's name (from the census name lists the gazetteer was
    /// compiled with).
    pub fn person_name(&self, word: &str) -> PersonName {
        let key = fold_name(word);
        let v = value_of(&self.person_names, key.as_bytes()).unwrap_or(0);
        PersonName {
            given: v & PERSON_GIVEN != 0,
            surname: v & PERSON_SURNAME != 0,
        }
    }

    /// True if `surface` (folded) is a name flagged as a common English word.
    pub fn is_common_word_name(&self, surface: &str) -> bool {
        let key = fold_name(surface);
        self.name_value(key.as_bytes())
            .and_then(|v| self.postings_of(v).first().map(|p| p.get()))
            .is_some_and(|p| p & POSTING_COMMON_WORD != 0)
    }

    /// The postings a name value points at. Values are not checked at load (walking all
    /// names would cost tens of milliseconds), so an out-of-range value from a damaged
    /// file yields no postings instead of a panic; the entries postings point at are
    /// checked at load.
    pub(super) fn postings_of(&self, value: u64) -> &[U32] {
        let (start, len) = decode_value(value);
        self.postings()
            .get(start..start.saturating_add(len))
            .unwrap_or(&[])
    }

    /// The candidates behind a [`NameHit`], abbreviations kept only if `surface` (the
    /// hit's text) is in capitals.
    pub fn hit_candidates(&self, hit: &NameHit, surface: &str) -> Vec<Candidate> {
        let all_caps = is_all_caps(surface);
        self.postings_of(hit.value)
            .iter()
            .map(|p| decode_posting(p.get()))
            .filter(|c| c.name_match != NameMatch::Abbreviation || all_caps)
            .collect()
    }
}

/// True if every letter of `s` is upper-case and it has at least one letter.
pub fn is_all_caps(s: &str) -> bool {
    let mut any = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            any = true;
        }
    }
    any
}
