//! The bundled offline gazetteer: every populated place of GeoNames' ≥1000 set, all
//! countries with their demonyms, first-level divisions, and curated regions and
//! physical features, behind a folded-name automaton.
//!
//! The data ships as one binary file (`gazetteer/gazetteer.bin`), compiled from the
//! TSV that `gazetteer/build.py` writes (see [`compile`]). The bundled file is mapped,
//! and its automata and fixed-size tables are used where they lie in it: loading is a
//! checksum, a check that the automata and tables are whole, and the decoding of a few
//! hundred rows, a few milliseconds. An entry's strings are decoded the first time it is
//! asked for ([`Gazetteer::entry`]). A damaged file is an error naming it, never a
//! panic, even when its checksum matches.
//!
//! Where things live: the entry types in `entry.rs`; the file layout and its writer in
//! `file_format.rs`; opening and checking a file in `load.rs`; entries and facts made
//! on first use in `lazy.rs`; whole-name queries in `lookup.rs`; the automaton walk over
//! text in `walk.rs`; its word memo in `memo.rs`; the check that a file's automata are
//! safe to walk, done at load, in `fst_check.rs`; the user's own places, an overlay of
//! entries after the bundled ones, in `user_places.rs`, and the files they are read from
//! and written to in `places_file.rs`.

mod admin1;
pub mod compile;
mod entry;
mod facts;
mod file_format;
mod fst_check;
mod lazy;
mod load;
mod lookup;
mod memo;
pub mod places_file;
pub mod user_places;
mod walk;

pub use entry::{Candidate, Entry, EntryIndex, Kind, NameMatch};
pub use facts::{EntryFacts, pack_code};
pub use lazy::DAMAGED_NAME;
pub use load::GazetteerError;
pub use lookup::{PersonName, is_all_caps};
pub use memo::{WordFacts, WordMemo};
pub use user_places::{UserNames, UserPlace, UserPlaceError};
pub use walk::NameHit;
pub(crate) use walk::first_word_len;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The loaded gazetteer: the file's bytes, mapped or in memory, with what was checked
/// and decoded at load, and the entries decoded so far.
pub struct Gazetteer {
    /// Distinct for every gazetteer loaded in this process, so a memo made with one is
    /// never used with another (see [`WordMemo`]).
    id: u64,
    /// The file up to the automata: header and tables, read in place.
    tables: load::Bytes,
    /// Where each section lies in `tables` (checked at load).
    layout: file_format::Layout,
    /// Each entry's kind, decoded at load (one byte each in the file): recognition asks
    /// for the kind of every candidate of every name.
    kinds: Box<[Kind]>,
    /// The entries, [`file_format::ENTRY_CHUNK`] to a chunk, decoded on first access.
    entry_chunks: Box<[OnceLock<Box<[Entry]>>]>,
    /// Each entry's [`EntryFacts`], made from the file's rows [`lazy::FACTS_CHUNK`] at a
    /// time on first access: what resolution compares, in one row.
    facts: Box<[OnceLock<Box<[EntryFacts]>>]>,
    /// [`pack_code`]s of the member countries of multi-country regions, by entry.
    member_codes: rustc_hash::FxHashMap<EntryIndex, Box<[u64]>>,
    /// `(demonym, entry it refers to)`, by increasing demonym.
    refers_to: Box<[(EntryIndex, EntryIndex)]>,
    names: fst::Map<load::Bytes>,
    person_names: fst::Map<load::Bytes>,
    provenance: String,
    path: PathBuf,
    /// Country entries by ISO alpha-2 code (~250 rows).
    countries: std::collections::HashMap<String, EntryIndex>,
    /// The automaton's first step for every byte, looked up directly: every capitalised
    /// word in the text starts a walk at the root, whose many transitions are otherwise
    /// decoded and searched each time.
    root_steps: Box<[Option<fst::raw::Transition>; 256]>,
    /// For each first byte that starts a name, 1 + its row in `second_steps`; 0 for
    /// the others.
    first_rows: Box<[u16; 256]>,
    /// The same as `root_steps` for the second byte: 256 per row, indexed by
    /// `row << 8 | second`. A step from here is taken only once
    /// [`Gazetteer::second_step`] finds the part of the automaton it leads to whole.
    second_steps: Box<[walk::SecondStep]>,
    /// Per node two steps from the root: whether every node reachable from it decodes
    /// safely, found the first time a walk gets there (see `fst_check::Reachable`).
    subtree_checked: Box<[OnceLock<bool>]>,
    /// The nodes of the name automaton checked so far.
    names_checked: fst_check::Reachable,
    /// First-level divisions by packed country and admin-1 code, made on first use
    /// (`admin1.rs`).
    admin1_table: OnceLock<std::collections::HashMap<(u64, u64), EntryIndex>>,
    /// The user's own places, entries from index `len()` on (`user_places.rs`).
    user: user_places::Overlay,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("path", &self.path)
            .field("entries", &self.len())
            .field("names", &self.names.len())
            .finish()
    }
}

impl Gazetteer {
    /// The file this gazetteer was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the data came from, as written by the compiler.
    pub fn provenance(&self) -> &str {
        &self.provenance
    }

    /// Number of bundled entries. User places ([`Gazetteer::set_user_places`]) have
    /// indices from here on and are not counted.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Number of distinct folded names in the index.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// All bundled entries, in id order (user places not included). Decodes every entry not decoded yet: for a look at
    /// all of them, not for a look-up.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        (0..self.len() as EntryIndex).map(|i| self.entry(i))
    }

    /// [`pack_code`]s of the member countries of the multi-country region at `index`;
    /// empty for any other entry.
    pub fn member_codes(&self, index: EntryIndex) -> &[u64] {
        self.member_codes.get(&index).map_or(&[], |c| c)
    }

    /// A number distinct for every gazetteer loaded in this process: memos of
    /// automaton states and names are valid only for the gazetteer that made them.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The kind of the entry at `index`, from a compact table (cheaper than
    /// `entry(index).kind` in loops over many candidates). Panics like [`Gazetteer::entry`].
    pub fn kind(&self, index: EntryIndex) -> Kind {
        match self.kinds.get(index as usize) {
            Some(&kind) => kind,
            None => self.user_entry(index).kind,
        }
    }

    /// Puts the user's places in effect (see `user_places.rs`), replacing those in
    /// effect: documents parsed from now on find their names. Each place must be
    /// [`UserPlace::checked`] (it is checked again here). Returns each place's entry
    /// index, in order; an unchanged place keeps its index.
    pub fn set_user_places(&self, places: &[UserPlace]) -> Result<Vec<EntryIndex>, UserPlaceError> {
        let checked = places
            .iter()
            .map(|p| p.clone().checked())
            .collect::<Result<Vec<_>, _>>()?;
        self.user.set(&checked)
    }

    /// The user's names in effect, for recognition; `None` when there are none (one
    /// atomic load: parsing without user places costs nothing more).
    pub fn user_names(&self) -> Option<std::sync::Arc<UserNames>> {
        self.user.names()
    }

    /// A number that changes whenever [`Gazetteer::set_user_places`] is called: tables
    /// that resolved ids with this gazetteer are stale once it changes.
    pub fn user_generation(&self) -> u64 {
        self.user.generation()
    }

    /// True if `index` is a user place's entry (in effect or not).
    pub fn is_user_entry(&self, index: EntryIndex) -> bool {
        index as usize >= self.len() && self.user.entry(index).is_some()
    }

    /// The user place behind a user entry.
    pub fn user_place(&self, index: EntryIndex) -> Option<&UserPlace> {
        self.user.place(index)
    }

    /// The user entry at `index`, which must be one this gazetteer handed out (a
    /// programming error otherwise, like an index out of range).
    fn user_entry(&self, index: EntryIndex) -> &Entry {
        match self.user.entry(index) {
            Some(e) => e,
            None => panic!("entry index {index} is not in this gazetteer"),
        }
    }

    /// Counts of entries by kind.
    pub fn counts_by_kind(&self) -> Vec<(Kind, usize)> {
        Kind::ALL
            .into_iter()
            .map(|k| (k, self.kinds.iter().filter(|&&e| e == k).count()))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;
