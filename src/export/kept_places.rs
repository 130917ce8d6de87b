//! What a thread has rendered of each place, kept for the next rows: a batch writes the
//! same few thousand places again and again, and their decimals, quoting and lookups
//! were most of a row's cost after its passage (callgrind). CSV keeps a place's columns
//! (`csv_row.rs`), JSON Lines its fields and its part of an alternate (`json_row.rs`).

use rustc_hash::FxHashMap;

use crate::gazetteer::{EntryIndex, Gazetteer};

/// Places a thread keeps, at most; then it starts again (a few MB).
const MAX_KEPT_PLACES: usize = 1 << 16;

/// `T`, made of a place, by entry, for one gazetteer and generation of its user places
/// (an entry index means another place in another gazetteer, and a user place's index
/// another place once they change).
pub(super) struct KeptPlaces<T> {
    /// [`Gazetteer::id`] and [`Gazetteer::user_generation`] of what is kept.
    of: (u64, u64),
    places: FxHashMap<EntryIndex, T>,
}

impl<T> Default for KeptPlaces<T> {
    fn default() -> Self {
        KeptPlaces {
            of: (0, 0),
            places: FxHashMap::default(),
        }
    }
}

impl<T> KeptPlaces<T> {
    /// What is kept of the place at `entry` in `gazetteer`, or made now by `make` (and
    /// kept). Everything kept is forgotten first if the gazetteer is another or too
    /// many places are kept.
    pub(super) fn get(
        &mut self,
        gazetteer: &Gazetteer,
        entry: EntryIndex,
        make: impl FnOnce() -> T,
    ) -> &T {
        let of = (gazetteer.id(), gazetteer.user_generation());
        if self.of != of || self.places.len() >= MAX_KEPT_PLACES {
            self.of = of;
            self.places.clear();
        }
        self.places.entry(entry).or_insert_with(make)
    }
}
