//! The bundled offline gazetteer: every populated place of GeoNames' ≥1000 set, all
//! countries with their demonyms, first-level divisions, and curated regions and
//! physical features, behind a folded-name automaton.
//!
//! The data ships as one binary file (`gazetteer/gazetteer.bin`), compiled from the
//! TSV that `gazetteer/build.py` writes (see [`compile`]). Loading it is a read, a
//! checksum, a check that its automata and tables are whole, and a `postcard` decode;
//! the name index is an [`fst::Map`] used in place, so nothing is rebuilt at start-up.
//! A damaged file is an error naming it, never a panic, even when its checksum matches.
//!
//! Where things live: the entry types in `entry.rs`; the file layout and its writer in
//! `file_format.rs`; reading a file in `load.rs`; whole-name queries in `lookup.rs`;
//! the automaton walk over text in `walk.rs`; its word memo in `memo.rs`; the check
//! that a file's automata are safe to walk, done at load, in `fst_check.rs`.

pub mod compile;
mod entry;
mod facts;
mod file_format;
mod fst_check;
mod load;
mod lookup;
mod memo;
mod walk;

pub use entry::{Candidate, Entry, EntryIndex, Kind, NameMatch};
pub use facts::{EntryFacts, pack_code};
pub use load::GazetteerError;
pub use lookup::{PersonName, is_all_caps};
pub use memo::{WordFacts, WordMemo};
pub use walk::NameHit;

use std::path::{Path, PathBuf};

/// The loaded gazetteer.
pub struct Gazetteer {
    /// Distinct for every gazetteer loaded in this process, so a memo made with one is
    /// never used with another (see [`WordMemo`]).
    id: u64,
    entries: Vec<Entry>,
    /// Each entry's kind, packed: recognition asks for the kind of every candidate of
    /// every name, and reading it from the 200-byte entries cost a cache miss each.
    kinds: Vec<Kind>,
    /// Each entry's [`EntryFacts`], by index: what resolution compares, in one row.
    facts: Vec<EntryFacts>,
    /// [`pack_code`]s of the member countries of multi-country regions, by entry.
    member_codes: rustc_hash::FxHashMap<EntryIndex, Box<[u64]>>,
    postings: Vec<u32>,
    names: fst::Map<Vec<u8>>,
    person_names: fst::Map<Vec<u8>>,
    provenance: String,
    path: PathBuf,
    /// Country entries by ISO alpha-2 code (built at load: ~250 rows).
    countries: std::collections::HashMap<String, EntryIndex>,
    /// The automaton's first step for every byte, looked up directly: every capitalised
    /// word in the text starts a walk at the root, whose many transitions are otherwise
    /// decoded and searched each time.
    root_steps: Box<[Option<fst::raw::Transition>; 256]>,
    /// The same for the second byte: indexed by `first << 8 | second`.
    second_steps: Box<[Option<fst::raw::Transition>]>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("path", &self.path)
            .field("entries", &self.entries.len())
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

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of distinct folded names in the index.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// All entries, in id order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry at `index`. Panics on an index not from this gazetteer (a programming
    /// error, never user input).
    pub fn entry(&self, index: EntryIndex) -> &Entry {
        &self.entries[index as usize]
    }

    /// What resolution compares of the entry at `index` ([`EntryFacts`]), from a
    /// compact table. Panics like [`Gazetteer::entry`].
    pub fn facts(&self, index: EntryIndex) -> &EntryFacts {
        &self.facts[index as usize]
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
        self.kinds[index as usize]
    }

    /// Counts of entries by kind.
    pub fn counts_by_kind(&self) -> Vec<(Kind, usize)> {
        Kind::ALL
            .into_iter()
            .map(|k| (k, self.entries.iter().filter(|e| e.kind == k).count()))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;
