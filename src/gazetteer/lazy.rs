//! Entries and their facts, made from the file the first time they are asked for: an
//! entry's strings are decoded [`ENTRY_CHUNK`] entries at a time, its [`EntryFacts`]
//! made from the in-place rows [`FACTS_CHUNK`] at a time, each kept for the life of the
//! gazetteer. A one-article run decodes a few dozen kilobytes of the 10 MB of entries.
//!
//! A chunk that does not decode, or decodes to fields that disagree with the rows
//! (wrong count, a code that is not the packed one), gives placeholder entries instead
//! ([`DAMAGED_NAME`]), never a panic. Only a file made to fool the loader gets there: the
//! compiler checks that every chunk it writes decodes back to its entries, and the
//! checksum checked at load covers every chunk, so a file damaged by accident is refused
//! at load. Deciding at load would mean decoding every chunk, the cost this module
//! exists to avoid. A placeholder keeps everything the checked tables hold (kind,
//! coordinates, population, packed codes, box, demonym target), so it agrees with
//! [`Gazetteer::facts`] and [`Gazetteer::kind`], and it names itself as damaged.

use zerocopy::FromBytes;
use zerocopy::little_endian::U32;

use super::file_format::{BoxRow, ENTRY_CHUNK, Row, Section, StoredEntry, unpack_code};
use super::{Entry, EntryFacts, EntryIndex, Gazetteer, pack_code};

/// Entries whose [`EntryFacts`] are made at once: under a microsecond of work (each
/// takes a sine and a cosine) for the first look at any of them. Few, because the
/// candidates a batch looks at are scattered over the whole table: with 256 a run over
/// the development corpora made the facts of nearly every entry. The table of chunks
/// takes 24 bytes per chunk at load.
pub(super) const FACTS_CHUNK: usize = 32;

/// The name of an entry whose chunk in the file does not decode (see the module docs).
pub const DAMAGED_NAME: &str = "(damaged gazetteer entry)";

impl Gazetteer {
    /// The entry at `index`, decoded from the file with its chunk on first access (see
    /// the module docs). Panics on an index not from this gazetteer (a programming
    /// error, never user input).
    pub fn entry(&self, index: EntryIndex) -> &Entry {
        let i = index as usize;
        if i >= self.len() {
            return self.user_entry(index);
        }
        let chunk = self.entry_chunks[i / ENTRY_CHUNK].get_or_init(|| self.decode_chunk(i));
        &chunk[i % ENTRY_CHUNK]
    }

    /// What resolution compares of the entry at `index` ([`EntryFacts`]), from the
    /// file's rows (its strings are not decoded). Panics like [`Gazetteer::entry`].
    pub fn facts(&self, index: EntryIndex) -> &EntryFacts {
        let i = index as usize;
        if i >= self.len() {
            return match self.user.facts(index) {
                Some(f) => f,
                None => panic!("entry index {index} is not in this gazetteer"),
            };
        }
        let chunk = self.facts[i / FACTS_CHUNK].get_or_init(|| {
            let first = i - i % FACTS_CHUNK;
            let rows = self.rows();
            (first..self.len().min(first + FACTS_CHUNK))
                .zip(&rows[first..])
                .map(|(e, row)| {
                    let codes = [row.country.get(), row.admin1.get()];
                    let (lat, lon) = (row.lat.get(), row.lon.get());
                    let kind = self.kinds[e];
                    EntryFacts::from_packed(
                        e as EntryIndex,
                        kind,
                        codes,
                        lat,
                        lon,
                        row.population.get(),
                    )
                })
                .collect()
        });
        &chunk[i % FACTS_CHUNK]
    }

    /// The population of the entry at `index` (0 when unknown), read from the file
    /// without decoding the entry. Panics like [`Gazetteer::entry`].
    pub fn population(&self, index: EntryIndex) -> u64 {
        match self.rows().get(index as usize) {
            Some(row) => row.population.get(),
            None => self.user_entry(index).population,
        }
    }

    /// The bounding box of the entry at `index` (west, south, east, north, degrees),
    /// read from the file without decoding the entry: the resolver asks it of every
    /// county a story may name. Panics like [`Gazetteer::entry`].
    pub fn bbox_of(&self, index: EntryIndex) -> Option<[f64; 4]> {
        if (index as usize) < self.rows().len() {
            self.bbox(index as usize)
        } else {
            self.user_entry(index).bbox
        }
    }

    /// [`pack_code`] of the GeoNames feature code of the entry at `index` (`PPLC`…),
    /// read from the file without decoding the entry. Panics like [`Gazetteer::entry`].
    pub fn feature_code_packed(&self, index: EntryIndex) -> u64 {
        match self.rows().get(index as usize) {
            Some(row) => row.feature.get(),
            None => pack_code(&self.user_entry(index).feature_code),
        }
    }

    /// True if the entry is an airport (feature code `AIRP`): a place with no
    /// population whose names are its own, which the parser weighs apart from towns.
    pub fn is_airport(&self, index: EntryIndex) -> bool {
        self.feature_code_packed(index) == pack_code("AIRP")
    }

    /// The section `s` of the file.
    fn section(&self, s: Section) -> &[u8] {
        &self.tables[self.layout.range(s)]
    }

    /// One [`Row`] per entry. (The section's length was checked at load, so the cast
    /// cannot fail; if it did, the slice would be empty and indexing it would panic
    /// like an index out of range.)
    fn rows(&self) -> &[Row] {
        <[Row]>::ref_from_bytes(self.section(Section::Rows)).unwrap_or(&[])
    }

    /// The postings, in place (see [`Gazetteer::rows`] for the cast).
    pub(super) fn postings(&self) -> &[U32] {
        <[U32]>::ref_from_bytes(self.section(Section::Postings)).unwrap_or(&[])
    }

    /// The bounding box of entry `i`, from the in-place table.
    fn bbox(&self, i: usize) -> Option<[f64; 4]> {
        let boxes = <[BoxRow]>::ref_from_bytes(self.section(Section::Boxes)).unwrap_or(&[]);
        let at = boxes.partition_point(|b| (b.entry.get() as usize) < i);
        boxes
            .get(at)
            .filter(|b| b.entry.get() as usize == i)
            .map(|b| b.bbox.map(|v| v.get()))
    }

    /// The entry demonym `i` refers to.
    fn refers_to(&self, i: usize) -> Option<EntryIndex> {
        let at = self
            .refers_to
            .binary_search_by_key(&i, |&(e, _)| e as usize)
            .ok()?;
        Some(self.refers_to[at].1)
    }

    /// The chunk holding entry `i`: decoded, or placeholders if it does not decode.
    fn decode_chunk(&self, i: usize) -> Box<[Entry]> {
        let c = i / ENTRY_CHUNK;
        let first = c * ENTRY_CHUNK;
        let entries = first..self.len().min(first + ENTRY_CHUNK);
        self.try_decode_chunk(c, entries.clone())
            .unwrap_or_else(|| entries.map(|e| self.damaged_entry(e)).collect())
    }

    /// Chunk `c`, holding `entries`, or `None` if its bytes do not give them.
    fn try_decode_chunk(&self, c: usize, entries: std::ops::Range<usize>) -> Option<Box<[Entry]>> {
        let ends = <[U32]>::ref_from_bytes(self.section(Section::ChunkEnds)).ok()?;
        let start = match c {
            0 => 0,
            _ => ends.get(c - 1)?.get() as usize,
        };
        let end = ends.get(c)?.get() as usize;
        let bytes = self.section(Section::Chunks).get(start..end)?;
        let stored: Vec<StoredEntry> = postcard::from_bytes(bytes).ok()?;
        if stored.len() != entries.len() {
            return None;
        }
        let rows = self.rows();
        stored
            .into_iter()
            .zip(entries)
            .map(|(s, i)| {
                let row = rows.get(i)?;
                let long = s.long_codes.unwrap_or_default();
                Some(Entry {
                    id: s.id,
                    kind: self.kinds[i],
                    ascii_name: s.ascii_name.unwrap_or_else(|| s.name.clone()),
                    name: s.name,
                    alt_names: s.alt_names,
                    abbreviations: s.abbreviations,
                    lat: row.lat.get(),
                    lon: row.lon.get(),
                    feature_code: code(long.feature, row.feature.get())?.unwrap_or_default(),
                    country_code: code(long.country, row.country.get())?,
                    admin1_code: code(long.admin1, row.admin1.get())?,
                    population: row.population.get(),
                    bbox: self.bbox(i),
                    members: s.members,
                    refers_to: self.refers_to(i),
                })
            })
            .collect()
    }

    /// The placeholder for entry `i` of a chunk that does not decode: what the checked
    /// tables know of it, and [`DAMAGED_NAME`].
    fn damaged_entry(&self, i: usize) -> Entry {
        let row = &self.rows()[i];
        let unpacked = |packed: u64| unpack_code(packed).filter(|c| !c.is_empty());
        Entry {
            id: format!("damaged:{i}"),
            kind: self.kinds[i],
            name: DAMAGED_NAME.to_string(),
            ascii_name: DAMAGED_NAME.to_string(),
            alt_names: String::new(),
            abbreviations: String::new(),
            lat: row.lat.get(),
            lon: row.lon.get(),
            feature_code: unpacked(row.feature.get()).unwrap_or_default(),
            country_code: unpacked(row.country.get()),
            admin1_code: unpacked(row.admin1.get()),
            population: row.population.get(),
            bbox: self.bbox(i),
            members: Vec::new(),
            refers_to: self.refers_to(i),
        }
    }
}

/// A code as an entry holds it, from its packed form in the row and its spelling in
/// the chunk if it is too long to pack (`long`, else empty): `Some(None)` for no code,
/// `None` if the two disagree or the packed form is not one [`pack_code`] gives.
fn code(long: String, packed: u64) -> Option<Option<String>> {
    if !long.is_empty() {
        return (pack_code(&long) == packed).then_some(Some(long));
    }
    let code = unpack_code(packed)?;
    Some((!code.is_empty()).then_some(code))
}
