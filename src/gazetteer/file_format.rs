//! The on-disk layout of `gazetteer.bin` (format 4): a header with a directory of
//! sections, fixed-size little-endian tables read in place, entries in small
//! independently decodable chunks, and the two automata. The compiler writes this layout
//! and [`super::load`] reads it, so both take their constants and types from here.
//!
//! Everything a lookup or the resolver reads for many entries is a fixed-size record
//! read where it lies in the file (mapped, so the pages are shared with every other
//! process using the file): entry kinds, [`Row`]s (coordinates, population, packed
//! codes), postings, bounding boxes and the automata. Only the entries' strings are
//! postcard-encoded, [`ENTRY_CHUNK`] entries to a chunk, and a chunk is decoded the first
//! time one of its entries is asked for. Start-up decodes nothing but a few hundred
//! rows of small tables ([`Small`]).
//!
//! ```text
//! offset  size  field
//!      0     8  magic "GAZETTE\0"
//!      8     4  format version (u32)
//!     12     4  CRC-32 of every byte from offset 16 to the end of the file
//!     16     4  entry count (u32)
//!     20     4  section count (u32, SECTION_COUNT)
//!     24   144  directory: per section in `Section` order, offset and length (u64 each)
//!    168        the sections, in directory order, 8-byte aligned except the person-name
//!               automaton, which follows the name automaton directly and ends the file
//! ```
//!
//! All integers and floats are little-endian; records have alignment 1 in memory (the
//! `zerocopy` byte-order types), so a table is usable wherever it starts.

use serde::{Deserialize, Serialize};
use zerocopy::little_endian::{F64, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{Candidate, Entry, EntryIndex, Kind, NameMatch, pack_code};

// Postings pack an entry index with how the name matched, so one u32 per candidate.
pub(super) const POSTING_INDEX_MASK: u32 = 0x00FF_FFFF;
pub(super) const POSTING_ALTERNATE: u32 = 1 << 24;
pub(super) const POSTING_ABBREVIATION: u32 = 1 << 25;
/// Set on every posting of a name that is also a lower-case English word.
pub(super) const POSTING_COMMON_WORD: u32 = 1 << 26;
/// The most entries a file may hold: postings keep an entry index in 24 bits.
pub(super) const MAX_ENTRIES: usize = POSTING_INDEX_MASK as usize + 1;

pub(super) fn decode_posting(p: u32) -> Candidate {
    let name_match = if p & POSTING_ABBREVIATION != 0 {
        NameMatch::Abbreviation
    } else if p & POSTING_ALTERNATE != 0 {
        NameMatch::Alternate
    } else {
        NameMatch::Primary
    };
    Candidate {
        entry: p & POSTING_INDEX_MASK,
        name_match,
    }
}

// fst values pack where a name's postings start and how many there are.
pub(super) const VALUE_COUNT_BITS: u64 = 20;

pub(super) fn decode_value(v: u64) -> (usize, usize) {
    (
        (v >> VALUE_COUNT_BITS) as usize,
        (v & ((1 << VALUE_COUNT_BITS) - 1)) as usize,
    )
}

/// Value bits of the person-name fst.
pub(super) const PERSON_GIVEN: u64 = 1;
/// See [`PERSON_GIVEN`].
pub(super) const PERSON_SURNAME: u64 = 2;

pub(super) const MAGIC: &[u8; 8] = b"GAZETTE\0";
pub(super) const FORMAT_VERSION: u32 = 4;
/// Where the CRC-32 is stored, and where the bytes it covers start.
pub(super) const CRC_AT: usize = 12;
pub(super) const CRC_FROM: usize = 16;
const ENTRY_COUNT_AT: usize = 16;
const SECTION_COUNT_AT: usize = 20;
const DIRECTORY_AT: usize = 24;
/// Header and directory, in bytes.
pub(super) const HEADER_LEN: usize = DIRECTORY_AT + SECTION_COUNT * 16;
/// Entries per independently decodable chunk: small, so that looking at a few entries
/// (a one-article run prints a handful) decodes a few kilobytes, not megabytes.
pub(super) const ENTRY_CHUNK: usize = 64;
/// Sections are written at offsets that are multiples of this (the records need no
/// alignment; aligned ones do not straddle cache lines needlessly).
const SECTION_ALIGN: usize = 8;

/// The sections of a file, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    /// One byte per entry: its [`Kind`] as an index into [`Kind::ALL`].
    Kinds,
    /// One [`Row`] per entry.
    Rows,
    /// Postings (u32 each): what the values of the name automaton point into.
    Postings,
    /// Per entry chunk, the offset in [`Section::Chunks`] where it ends (u32 each).
    ChunkEnds,
    /// The entry chunks: postcard `Vec<StoredEntry>`, back to back.
    Chunks,
    /// [`BoxRow`]s, by increasing entry: the entries that have a bounding box.
    Boxes,
    /// The postcard [`Small`] tables.
    Small,
    /// The name automaton (fst map: folded name → postings).
    Names,
    /// The person-name automaton (fst map: folded name → [`PERSON_GIVEN`] bits).
    PersonNames,
}

pub(super) const SECTION_COUNT: usize = 9;

impl Section {
    pub(super) const ALL: [Section; SECTION_COUNT] = [
        Section::Kinds,
        Section::Rows,
        Section::Postings,
        Section::ChunkEnds,
        Section::Chunks,
        Section::Boxes,
        Section::Small,
        Section::Names,
        Section::PersonNames,
    ];

    fn name(self) -> &'static str {
        match self {
            Section::Kinds => "kinds",
            Section::Rows => "rows",
            Section::Postings => "postings",
            Section::ChunkEnds => "chunk offsets",
            Section::Chunks => "entry chunks",
            Section::Boxes => "bounding boxes",
            Section::Small => "small tables",
            Section::Names => "name index",
            Section::PersonNames => "person-name index",
        }
    }
}

/// The fixed-size facts of one entry, read in place: what resolution and prominence
/// compare, without decoding the entry's strings. 48 bytes.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub(super) struct Row {
    /// Latitude, degrees north (checked at load: -90 to 90).
    pub(super) lat: F64,
    /// Longitude, degrees east (checked at load: -180 to 180).
    pub(super) lon: F64,
    pub(super) population: U64,
    /// [`pack_code`] of the ISO country code; 0 for none.
    pub(super) country: U64,
    /// [`pack_code`] of the admin-1 code; 0 for none.
    pub(super) admin1: U64,
    /// [`pack_code`] of the feature code.
    pub(super) feature: U64,
}

/// An entry's bounding box (`[west, south, east, north]`, degrees), in place.
#[derive(Debug, Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub(super) struct BoxRow {
    pub(super) entry: U32,
    /// Written as 0, not read: keeps the boxes 8-byte aligned.
    reserved: U32,
    pub(super) bbox: [F64; 4],
}

/// What an entry stores besides its [`Row`], its kind, its box and where it refers to:
/// its strings.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoredEntry {
    pub(super) id: String,
    pub(super) name: String,
    /// `None` when it is the same as `name` (three entries in four).
    pub(super) ascii_name: Option<String>,
    pub(super) alt_names: String,
    pub(super) abbreviations: String,
    /// The codes that [`pack_code`] cannot pack exactly (longer than 7 bytes), which
    /// the row therefore cannot give back; `None` when there are none.
    pub(super) long_codes: Option<LongCodes>,
    pub(super) members: Vec<String>,
}

/// See [`StoredEntry::long_codes`]: each code as written if it is long, else empty.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct LongCodes {
    pub(super) country: String,
    pub(super) admin1: String,
    pub(super) feature: String,
}

/// The tables small enough to decode at load (a few hundred rows each).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Small {
    /// Provenance line written by the compiler (sources, date of the TSV).
    pub(super) provenance: String,
    /// Country entries by ISO alpha-2 code.
    pub(super) countries: Vec<(String, EntryIndex)>,
    /// `(demonym, entry it refers to)`, by increasing demonym.
    pub(super) refers_to: Vec<(EntryIndex, EntryIndex)>,
    /// [`pack_code`]s of the members of multi-country regions, by region.
    pub(super) member_codes: Vec<(EntryIndex, Vec<u64>)>,
}

/// Where each section of a file lies, checked against the file's length (not yet
/// against its contents).
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// Number of entries.
    pub(super) entries: usize,
    sections: [std::ops::Range<usize>; SECTION_COUNT],
}

/// Why a file's header does not describe a file of its length.
#[derive(Debug)]
pub(super) enum LayoutError {
    BadMagic,
    Version(u32),
    Truncated(String),
    Corrupt(String),
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

impl Layout {
    /// Reads the header at the start of `head` (at least [`HEADER_LEN`] bytes of it if
    /// the file has them) of a file of `file_len` bytes.
    pub(super) fn parse(head: &[u8], file_len: u64) -> Result<Layout, LayoutError> {
        if head.len() < MAGIC.len() || &head[..MAGIC.len()] != MAGIC {
            return Err(LayoutError::BadMagic);
        }
        if head.len() < HEADER_LEN {
            return Err(LayoutError::Truncated(format!(
                "{file_len} bytes, shorter than the header"
            )));
        }
        let version = u32_at(head, 8);
        if version != FORMAT_VERSION {
            return Err(LayoutError::Version(version));
        }
        let entries = u32_at(head, ENTRY_COUNT_AT) as usize;
        if entries > MAX_ENTRIES {
            return Err(LayoutError::Corrupt(format!(
                "{entries} entries, more than the {MAX_ENTRIES} a file may hold"
            )));
        }
        let count = u32_at(head, SECTION_COUNT_AT);
        if count as usize != SECTION_COUNT {
            return Err(LayoutError::Corrupt(format!(
                "{count} sections, this build reads {SECTION_COUNT}"
            )));
        }
        let mut sections: [std::ops::Range<usize>; SECTION_COUNT] = Default::default();
        let mut previous_end = HEADER_LEN as u64;
        for (i, section) in Section::ALL.into_iter().enumerate() {
            let offset = u64_at(head, DIRECTORY_AT + 16 * i);
            let len = u64_at(head, DIRECTORY_AT + 16 * i + 8);
            let end = offset.checked_add(len).ok_or_else(|| {
                LayoutError::Corrupt(format!("the {} section's length overflows", section.name()))
            })?;
            if offset < previous_end {
                return Err(LayoutError::Corrupt(format!(
                    "the {} section starts at byte {offset}, inside what comes before it",
                    section.name()
                )));
            }
            if end > file_len {
                return Err(LayoutError::Truncated(format!(
                    "the {} section ends at byte {end}, the file has {file_len}",
                    section.name()
                )));
            }
            // Within the file, which was read or mapped: fits a usize.
            sections[i] = usize::try_from(offset).unwrap_or(usize::MAX)
                ..usize::try_from(end).unwrap_or(usize::MAX);
            previous_end = end;
        }
        let layout = Layout { entries, sections };
        // The automata end the file, back to back, so each can be mapped on its own.
        let names = layout.range(Section::Names);
        let person = layout.range(Section::PersonNames);
        if names.end != person.start || person.end as u64 != file_len {
            return Err(LayoutError::Corrupt(format!(
                "the automata ({}..{} and {}..{}) do not end the file of {file_len} bytes",
                names.start, names.end, person.start, person.end
            )));
        }
        let expect = |section: Section, len: Option<usize>| match len {
            Some(len) if layout.range(section).len() == len => Ok(()),
            _ => Err(LayoutError::Corrupt(format!(
                "the {} section has {} bytes, not what {entries} entries take",
                section.name(),
                layout.range(section).len()
            ))),
        };
        expect(Section::Kinds, Some(entries))?;
        expect(Section::Rows, entries.checked_mul(size_of::<Row>()))?;
        expect(Section::ChunkEnds, Some(entries.div_ceil(ENTRY_CHUNK) * 4))?;
        for (section, record) in [
            (Section::Postings, 4),
            (Section::Boxes, size_of::<BoxRow>()),
        ] {
            let len = layout.range(section).len();
            if !len.is_multiple_of(record) {
                return Err(LayoutError::Corrupt(format!(
                    "the {} section has {len} bytes, not a whole number of records",
                    section.name()
                )));
            }
        }
        Ok(layout)
    }

    /// Where `section` lies in the file.
    pub(super) fn range(&self, section: Section) -> std::ops::Range<usize> {
        self.sections[section as usize].clone()
    }

    /// Number of entry chunks.
    pub(super) fn chunk_count(&self) -> usize {
        self.entries.div_ceil(ENTRY_CHUNK)
    }
}

/// The index of `kind` in [`Kind::ALL`], as the kinds table stores it.
pub(super) fn kind_byte(kind: Kind) -> u8 {
    kind as u8
}

/// The kind a kinds-table byte stands for, if any.
pub(super) fn kind_of_byte(b: u8) -> Option<Kind> {
    Kind::ALL.get(usize::from(b)).copied()
}

/// The code [`pack_code`] packed exactly (7 bytes or fewer; `""` for 0), or `None` for
/// a hashed code or a value `pack_code` never gives.
pub(super) fn unpack_code(packed: u64) -> Option<String> {
    let b = packed.to_le_bytes();
    let len = usize::from(b[7]);
    if len > 7 || b[len..7].iter().any(|&x| x != 0) {
        return None;
    }
    String::from_utf8(b[..len].to_vec()).ok()
}

/// The file's parts, as [`to_bytes`] takes them.
pub(super) struct Parts<'a> {
    pub(super) entries: &'a [Entry],
    pub(super) postings: &'a [u32],
    pub(super) names_fst: &'a [u8],
    pub(super) person_names: &'a [u8],
    pub(super) provenance: String,
}

/// Serializes tables and indexes into the file format (used by [`super::compile`]); the
/// error says what does not fit it.
pub(super) fn to_bytes(parts: Parts<'_>) -> Result<Vec<u8>, String> {
    let entries = parts.entries;
    if entries.len() > MAX_ENTRIES {
        return Err(format!(
            "{} entries, more than the {MAX_ENTRIES} a file may hold",
            entries.len()
        ));
    }
    let encode_error = |e: postcard::Error| format!("encoding the tables failed: {e}");
    let kinds: Vec<u8> = entries.iter().map(|e| kind_byte(e.kind)).collect();
    let mut rows = Vec::with_capacity(entries.len() * size_of::<Row>());
    let mut boxes = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let row = Row {
            lat: F64::new(e.lat),
            lon: F64::new(e.lon),
            population: U64::new(e.population),
            country: U64::new(e.country_code.as_deref().map_or(0, pack_code)),
            admin1: U64::new(e.admin1_code.as_deref().map_or(0, pack_code)),
            feature: U64::new(pack_code(&e.feature_code)),
        };
        rows.extend_from_slice(row.as_bytes());
        if let Some(bbox) = e.bbox {
            let b = BoxRow {
                entry: U32::new(i as u32),
                reserved: U32::new(0),
                bbox: bbox.map(F64::new),
            };
            boxes.extend_from_slice(b.as_bytes());
        }
    }
    let postings: Vec<u8> = parts
        .postings
        .iter()
        .flat_map(|p| p.to_le_bytes())
        .collect();
    let mut chunk_ends = Vec::new();
    let mut chunks = Vec::new();
    for chunk in entries.chunks(ENTRY_CHUNK) {
        let stored: Vec<StoredEntry> = chunk.iter().map(stored_entry).collect();
        chunks.extend_from_slice(&postcard::to_stdvec(&stored).map_err(encode_error)?);
        let end = u32::try_from(chunks.len())
            .map_err(|_| "the entries take more than 4 GiB".to_string())?;
        chunk_ends.extend_from_slice(&end.to_le_bytes());
    }
    let mut countries = std::collections::BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let (Kind::Country, Some(cc)) = (e.kind, &e.country_code) {
            // A later entry with the same code wins, as a map built in order would have it.
            countries.insert(cc.clone(), i as EntryIndex);
        }
    }
    let small = Small {
        provenance: parts.provenance,
        countries: countries.into_iter().collect(),
        refers_to: entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i as EntryIndex, e.refers_to?)))
            .collect(),
        member_codes: entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.country_code.is_none() && !e.members.is_empty())
            .map(|(i, e)| {
                (
                    i as EntryIndex,
                    e.members.iter().map(|m| pack_code(m)).collect(),
                )
            })
            .collect(),
    };
    let small = postcard::to_stdvec(&small).map_err(encode_error)?;
    let bodies: [&[u8]; SECTION_COUNT] = [
        &kinds,
        &rows,
        &postings,
        &chunk_ends,
        &chunks,
        &boxes,
        &small,
        parts.names_fst,
        parts.person_names,
    ];
    let mut out = vec![0u8; HEADER_LEN];
    out[..MAGIC.len()].copy_from_slice(MAGIC);
    out[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    out[ENTRY_COUNT_AT..ENTRY_COUNT_AT + 4].copy_from_slice(&(entries.len() as u32).to_le_bytes());
    out[SECTION_COUNT_AT..SECTION_COUNT_AT + 4]
        .copy_from_slice(&(SECTION_COUNT as u32).to_le_bytes());
    for (i, (section, body)) in Section::ALL.into_iter().zip(bodies).enumerate() {
        if section != Section::PersonNames {
            out.resize(out.len().next_multiple_of(SECTION_ALIGN), 0);
        }
        let at = DIRECTORY_AT + 16 * i;
        let offset = out.len() as u64;
        out[at..at + 8].copy_from_slice(&offset.to_le_bytes());
        out[at + 8..at + 16].copy_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(body);
    }
    let crc = crc32fast::hash(&out[CRC_FROM..]);
    out[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// The strings of `e`, as a chunk stores them.
fn stored_entry(e: &Entry) -> StoredEntry {
    let long = |code: Option<&str>| {
        code.filter(|c| c.len() > 7)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let long_codes = LongCodes {
        country: long(e.country_code.as_deref()),
        admin1: long(e.admin1_code.as_deref()),
        feature: long(Some(&e.feature_code)),
    };
    let any_long = [&long_codes.country, &long_codes.admin1, &long_codes.feature]
        .iter()
        .any(|c| !c.is_empty());
    StoredEntry {
        id: e.id.clone(),
        name: e.name.clone(),
        ascii_name: (e.ascii_name != e.name).then(|| e.ascii_name.clone()),
        alt_names: e.alt_names.clone(),
        abbreviations: e.abbreviations.clone(),
        long_codes: any_long.then_some(long_codes),
        members: e.members.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_have_the_sizes_the_format_says() {
        assert_eq!(size_of::<Row>(), 48);
        assert_eq!(size_of::<BoxRow>(), 40);
        assert_eq!(HEADER_LEN, 168);
        assert_eq!(Kind::ALL.map(kind_byte), [0, 1, 2, 3, 4, 5, 6]);
        for k in Kind::ALL {
            assert_eq!(kind_of_byte(kind_byte(k)), Some(k));
        }
        assert_eq!(kind_of_byte(7), None);
    }

    #[test]
    fn short_codes_unpack_to_themselves_and_long_ones_do_not() {
        for code in ["", "NE", "08", "PPLA2", "1234567", "a\0"] {
            assert_eq!(
                unpack_code(pack_code(code)).as_deref(),
                Some(code),
                "{code:?}"
            );
        }
        for code in ["12345678", "10096138"] {
            assert_eq!(unpack_code(pack_code(code)), None, "{code:?}");
        }
        // Values pack_code never gives: a length over 7, bytes past the length.
        assert_eq!(unpack_code(8 << 56), None);
        assert_eq!(unpack_code(1 << 56 | 0x4100), None);
    }
}
