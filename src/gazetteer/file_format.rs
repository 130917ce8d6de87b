//! The on-disk layout of `gazetteer.bin`: header, postcard tables, the packing of
//! postings and name values, and the writer. The compiler writes this layout and
//! [`super::load`] reads it, so both take their constants from here.

use serde::{Deserialize, Serialize};

use super::{Candidate, Entry, Gazetteer, NameMatch};

// Postings pack an entry index with how the name matched, so one u32 per candidate.
pub(super) const POSTING_INDEX_MASK: u32 = 0x00FF_FFFF;
pub(super) const POSTING_ALTERNATE: u32 = 1 << 24;
pub(super) const POSTING_ABBREVIATION: u32 = 1 << 25;
/// Set on every posting of a name that is also a lower-case English word.
pub(super) const POSTING_COMMON_WORD: u32 = 1 << 26;

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

/// The tables stored in the file besides the name automaton.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Tables<'a> {
    /// Entries in id order, postcard-encoded in chunks of [`ENTRY_CHUNK`] so loading can
    /// decode them on all cores (decoding ~200,000 entries is most of the load time).
    /// Borrowed from the file bytes: no copy.
    #[serde(borrow)]
    pub(super) entry_chunks: Vec<&'a [u8]>,
    pub(super) postings: Vec<u32>,
    /// Provenance line written by the compiler (sources, date of the TSV).
    pub(super) provenance: String,
    /// Person names (folded) as an fst: value bit 1 = common given name, bit 2 = common
    /// surname. Person names are the main thing place names are confused with.
    pub(super) person_names: &'a [u8],
}

/// Value bits of the person-name fst.
pub(super) const PERSON_GIVEN: u64 = 1;
/// See [`PERSON_GIVEN`].
pub(super) const PERSON_SURNAME: u64 = 2;

/// File layout: magic, version, tables length, fst length, CRC-32 of the rest, then the
/// postcard tables and the fst bytes.
pub(super) const MAGIC: &[u8; 8] = b"GAZETTE\0";
pub(super) const FORMAT_VERSION: u32 = 3;
/// Entries per independently decodable chunk.
pub(super) const ENTRY_CHUNK: usize = 4096;
pub(super) const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 4;

impl Gazetteer {
    /// Serializes tables and index into the file format (used by [`compile`]).
    pub(super) fn to_bytes(
        entries: Vec<Entry>,
        postings: Vec<u32>,
        names_fst: Vec<u8>,
        person_names: Vec<u8>,
        provenance: String,
    ) -> Result<Vec<u8>, postcard::Error> {
        let entry_chunks = entries
            .chunks(ENTRY_CHUNK)
            .map(postcard::to_stdvec)
            .collect::<Result<Vec<_>, _>>()?;
        let tables = Tables {
            entry_chunks: entry_chunks.iter().map(Vec::as_slice).collect(),
            postings,
            provenance,
            person_names: &person_names,
        };
        let table_bytes = postcard::to_stdvec(&tables)?;
        let mut body = table_bytes.clone();
        body.extend_from_slice(&names_fst);
        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(table_bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(&(names_fst.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }
}
