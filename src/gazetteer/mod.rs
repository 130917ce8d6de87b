//! The bundled offline gazetteer: every populated place of GeoNames' ≥1000 set, all
//! countries with their demonyms, first-level divisions, and curated regions and
//! physical features, behind a folded-name automaton.
//!
//! The data ships as one binary file (`gazetteer/gazetteer.bin`), compiled from the
//! TSV that `gazetteer/build.py` writes (see [`compile`]). Loading it is a read, a
//! checksum and a `postcard` decode; the name index is an [`fst::Map`] used in place,
//! so nothing is rebuilt at start-up.

pub mod compile;
mod facts;

pub use facts::{EntryFacts, pack_code, unit_vector};

use std::path::{Path, PathBuf};

use fst::raw::{Fst, Output};
use serde::{Deserialize, Serialize};

use crate::fold::{Folded, fold_char, fold_name};
use crate::short_key::{ShortKey, ShortKeyMap};

/// What kind of thing a gazetteer entry is. The geoparser prefers kinds in roughly this
/// order when nothing else decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A sovereign country or dependent territory (ISO 3166-1).
    Country,
    /// A first-level administrative division (state, region, province).
    Admin1,
    /// A second-level administrative division (county, parish, district).
    Admin2,
    /// A populated place (city, town, village).
    Place,
    /// A continent or multi-country region (West Africa, the Sahel, the Middle East).
    Region,
    /// A physical feature (river, lake, desert, sea, mountain range).
    Physical,
    /// An adjective or demonym of a country or region (`Nigerien`, `Turkish`).
    Demonym,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 7] = [
        Kind::Country,
        Kind::Admin1,
        Kind::Admin2,
        Kind::Place,
        Kind::Region,
        Kind::Physical,
        Kind::Demonym,
    ];

    /// The lower-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Admin1 => "admin1",
            Kind::Admin2 => "admin2",
            Kind::Place => "place",
            Kind::Region => "region",
            Kind::Physical => "physical",
            Kind::Demonym => "demonym",
        }
    }

    /// Parses [`Kind::as_str`] back.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of an entry in the gazetteer (stable for one gazetteer file only; use
/// [`Entry::id`] to refer to an entry across files and sessions).
pub type EntryIndex = u32;

/// One gazetteer entry. Coordinates are WGS 84 degrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id: `gn:<GeoNames id>`, `gz:<slug>` for curated rows, `dem:<id>` for demonyms.
    pub id: String,
    /// What the entry is.
    pub kind: Kind,
    /// Main English name.
    pub name: String,
    /// The name with accents folded to ASCII.
    pub ascii_name: String,
    /// Alternate names, `|`-separated (one allocation instead of many keeps loading fast).
    alt_names: String,
    /// Forms that only count when written in capitals (`US`, `U.S.`, `UK`), `|`-separated.
    abbreviations: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// GeoNames feature code (`PPLC`, `PPLA`, `PCLI`, `ADM1`, `RGN`, `STM`, `DEM`…).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 code; `None` for a multi-country region.
    pub country_code: Option<String>,
    /// GeoNames admin-1 code within the country (`01`), if any.
    pub admin1_code: Option<String>,
    /// Population (0 when unknown).
    pub population: u64,
    /// Footprint `[west, south, east, north]` in degrees, where the source has one.
    pub bbox: Option<[f64; 4]>,
    /// Member countries (ISO alpha-2) of a multi-country region.
    pub members: Vec<String>,
    /// For a demonym: the entry it is the demonym of.
    pub refers_to: Option<EntryIndex>,
}

impl Entry {
    /// Alternate names, without the main name.
    pub fn alt_names(&self) -> impl Iterator<Item = &str> {
        self.alt_names.split('|').filter(|s| !s.is_empty())
    }

    /// Capital-only abbreviations.
    pub fn abbreviations(&self) -> impl Iterator<Item = &str> {
        self.abbreviations.split('|').filter(|s| !s.is_empty())
    }

    /// A short human description: `Agadez (place, NE)`.
    pub fn label(&self) -> String {
        match &self.country_code {
            Some(cc) => format!("{} ({}, {})", self.name, self.kind, cc),
            None => format!("{} ({})", self.name, self.kind),
        }
    }
}

/// How a surface form matched an entry: the geoparser trusts a main name more than an
/// obscure alternate spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameMatch {
    /// The entry's main or ASCII name.
    Primary,
    /// One of its alternate names.
    Alternate,
    /// A capital-only abbreviation (`US`); valid only if the text is in capitals.
    Abbreviation,
}

/// A gazetteer entry that a surface form can denote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The entry.
    pub entry: EntryIndex,
    /// How the form matched it.
    pub name_match: NameMatch,
}

// Postings pack an entry index with how the name matched, so one u32 per candidate.
const POSTING_INDEX_MASK: u32 = 0x00FF_FFFF;
const POSTING_ALTERNATE: u32 = 1 << 24;
const POSTING_ABBREVIATION: u32 = 1 << 25;
/// Set on every posting of a name that is also a lower-case English word.
const POSTING_COMMON_WORD: u32 = 1 << 26;

fn decode_posting(p: u32) -> Candidate {
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
const VALUE_COUNT_BITS: u64 = 20;

fn decode_value(v: u64) -> (usize, usize) {
    (
        (v >> VALUE_COUNT_BITS) as usize,
        (v & ((1 << VALUE_COUNT_BITS) - 1)) as usize,
    )
}

/// The tables stored in the file besides the name automaton.
#[derive(Debug, Serialize, Deserialize)]
struct Tables<'a> {
    /// Entries in id order, postcard-encoded in chunks of [`ENTRY_CHUNK`] so loading can
    /// decode them on all cores (decoding ~200,000 entries is most of the load time).
    /// Borrowed from the file bytes: no copy.
    #[serde(borrow)]
    entry_chunks: Vec<&'a [u8]>,
    postings: Vec<u32>,
    /// Provenance line written by the compiler (sources, date of the TSV).
    provenance: String,
    /// Person names (folded) as an fst: value bit 1 = common given name, bit 2 = common
    /// surname. Person names are the main thing place names are confused with.
    person_names: &'a [u8],
}

/// What a word is known as, as a person's name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonName {
    /// A common given name (`Michael`, `Georgia`).
    pub given: bool,
    /// A common surname (`Jones`, `Campbell`).
    pub surname: bool,
}

/// Value bits of the person-name fst.
pub(crate) const PERSON_GIVEN: u64 = 1;
/// See [`PERSON_GIVEN`].
pub(crate) const PERSON_SURNAME: u64 = 2;

/// Why a gazetteer file could not be loaded. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    /// The file could not be read at all.
    #[error("cannot read gazetteer file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// No bundled gazetteer was found in any of the usual places.
    #[error(
        "gazetteer file not found; looked in: {tried}. Set GAZETTE_GAZETTEER to its path, or rebuild it with gazetteer/build.sh"
    )]
    NotFound {
        /// The paths tried, comma-separated.
        tried: String,
    },
    /// The file does not start with the Gazette magic bytes.
    #[error("{path} is not a Gazette gazetteer file (bad magic bytes)")]
    BadMagic {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by another format version.
    #[error("{path} has format version {found}, this build reads version {expected}; rebuild it")]
    Version {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file is shorter than its header says: cut off while copying or downloading.
    #[error("{path} is truncated: {detail}")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What was expected.
        detail: String,
    },
    /// The checksum or the contents do not match: the file is damaged.
    #[error("{path} is corrupt: {detail}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// File layout: magic, version, tables length, fst length, CRC-32 of the rest, then the
/// postcard tables and the fst bytes.
const MAGIC: &[u8; 8] = b"GAZETTE\0";
const FORMAT_VERSION: u32 = 3;
/// Entries per independently decodable chunk.
const ENTRY_CHUNK: usize = 4096;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 4;

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

/// A name found in text by [`Gazetteer::longest_match_at`]: byte span, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameHit {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The name's fst value: where its postings start and how many there are.
    value: u64,
}

impl NameHit {
    /// Number of entries the name can denote (before the capitals check).
    pub fn candidate_count(&self) -> usize {
        decode_value(self.value).1
    }
}

impl Gazetteer {
    /// The default file name inside the `gazetteer/` folder.
    pub const FILE_NAME: &'static str = "gazetteer.bin";

    /// Where [`Gazetteer::load_bundled`] looks, in order: `$GAZETTE_GAZETTEER`, a
    /// `gazetteer/` folder beside the executable or two levels up (a cargo `target/`
    /// build), then the source checkout this binary was built from.
    pub fn bundled_paths() -> Vec<PathBuf> {
        let mut paths = Vec::new();
        if let Some(p) = std::env::var_os("GAZETTE_GAZETTEER") {
            paths.push(PathBuf::from(p));
            return paths;
        }
        if let Ok(exe) = std::env::current_exe() {
            for dir in exe.ancestors().skip(1).take(3) {
                paths.push(dir.join("gazetteer").join(Self::FILE_NAME));
            }
        }
        paths.push(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("gazetteer")
                .join(Self::FILE_NAME),
        );
        paths
    }

    /// Loads the gazetteer that ships with Gazette (see [`Gazetteer::bundled_paths`]).
    pub fn load_bundled() -> Result<Gazetteer, GazetteerError> {
        let paths = Self::bundled_paths();
        for p in &paths {
            if p.is_file() {
                return Self::load(p);
            }
        }
        if let Some(p) = std::env::var_os("GAZETTE_GAZETTEER") {
            return Err(GazetteerError::Io {
                path: PathBuf::from(p),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        Err(GazetteerError::NotFound {
            tried: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// Loads a gazetteer file.
    pub fn load(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let bytes = std::fs::read(path).map_err(|source| GazetteerError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(bytes, path)
    }

    /// Decodes a gazetteer from the bytes of a file; `path` is only used in errors.
    pub fn from_bytes(bytes: Vec<u8>, path: &Path) -> Result<Gazetteer, GazetteerError> {
        let path_buf = path.to_path_buf();
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(GazetteerError::BadMagic { path: path_buf });
        }
        if bytes.len() < HEADER_LEN {
            return Err(GazetteerError::Truncated {
                path: path_buf,
                detail: format!("{} bytes, shorter than the header", bytes.len()),
            });
        }
        let u32_at =
            |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let u64_at = |o: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[o..o + 8]);
            u64::from_le_bytes(b)
        };
        let version = u32_at(8);
        if version != FORMAT_VERSION {
            return Err(GazetteerError::Version {
                path: path_buf,
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let tables_len = u64_at(12) as usize;
        let fst_len = u64_at(20) as usize;
        let crc = u32_at(28);
        let expected_len = HEADER_LEN
            .checked_add(tables_len)
            .and_then(|n| n.checked_add(fst_len));
        match expected_len {
            Some(n) if n == bytes.len() => {}
            Some(n) if n > bytes.len() => {
                return Err(GazetteerError::Truncated {
                    path: path_buf,
                    detail: format!("header says {n} bytes, file has {}", bytes.len()),
                });
            }
            _ => {
                return Err(GazetteerError::Corrupt {
                    path: path_buf,
                    detail: format!(
                        "section lengths ({tables_len} + {fst_len}) do not match the file size {}",
                        bytes.len()
                    ),
                });
            }
        }
        let body = &bytes[HEADER_LEN..];
        let actual_crc = crc32fast::hash(body);
        if actual_crc != crc {
            return Err(GazetteerError::Corrupt {
                path: path_buf,
                detail: format!("checksum mismatch (stored {crc:08x}, computed {actual_crc:08x})"),
            });
        }
        let tables: Tables =
            postcard::from_bytes(&body[..tables_len]).map_err(|e| GazetteerError::Corrupt {
                path: path_buf.clone(),
                detail: format!("entry tables do not decode: {e}"),
            })?;
        let chunks: Vec<Result<Vec<Entry>, postcard::Error>> = {
            use rayon::prelude::*;
            tables
                .entry_chunks
                .par_iter()
                .map(|c| postcard::from_bytes::<Vec<Entry>>(c))
                .collect()
        };
        let mut entries = Vec::with_capacity(chunks.len() * ENTRY_CHUNK);
        for chunk in chunks {
            entries.extend(chunk.map_err(|e| GazetteerError::Corrupt {
                path: path_buf.clone(),
                detail: format!("entries do not decode: {e}"),
            })?);
        }
        let fst_bytes = body[tables_len..].to_vec();
        let names = fst::Map::new(fst_bytes).map_err(|e| GazetteerError::Corrupt {
            path: path_buf.clone(),
            detail: format!("name index does not decode: {e}"),
        })?;
        let countries = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == Kind::Country)
            .filter_map(|(i, e)| e.country_code.clone().map(|cc| (cc, i as EntryIndex)))
            .collect();
        let person_names =
            fst::Map::new(tables.person_names.to_vec()).map_err(|e| GazetteerError::Corrupt {
                path: path_buf.clone(),
                detail: format!("person-name index does not decode: {e}"),
            })?;
        let mut root_steps: Box<[Option<fst::raw::Transition>; 256]> = Box::new([None; 256]);
        let mut second_steps: Box<[Option<fst::raw::Transition>]> =
            vec![None; 1 << 16].into_boxed_slice();
        for t in names.as_fst().root().transitions() {
            root_steps[t.inp as usize] = Some(t);
            for t2 in names.as_fst().node(t.addr).transitions() {
                second_steps[(t.inp as usize) << 8 | t2.inp as usize] = Some(t2);
            }
        }
        let kinds = entries.iter().map(|e| e.kind).collect();
        let facts = {
            use rayon::prelude::*;
            entries
                .par_iter()
                .enumerate()
                .map(|(i, e)| EntryFacts::of(i as EntryIndex, e))
                .collect()
        };
        let member_codes = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.country_code.is_none() && !e.members.is_empty())
            .map(|(i, e)| {
                let codes = e.members.iter().map(|m| pack_code(m)).collect();
                (i as EntryIndex, codes)
            })
            .collect();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let gazetteer = Gazetteer {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            kinds,
            facts,
            member_codes,
            root_steps,
            second_steps,
            entries,
            postings: tables.postings,
            names,
            person_names,
            provenance: tables.provenance,
            path: path_buf,
            countries,
        };
        gazetteer.validate()?;
        Ok(gazetteer)
    }

    /// Cheap structural checks so later indexing can never go out of bounds.
    fn validate(&self) -> Result<(), GazetteerError> {
        let n = self.entries.len() as u32;
        let corrupt = |detail: String| GazetteerError::Corrupt {
            path: self.path.clone(),
            detail,
        };
        if let Some(p) = self
            .postings
            .iter()
            .find(|p| (*p & POSTING_INDEX_MASK) >= n)
        {
            return Err(corrupt(format!("posting {p:#x} points past {n} entries")));
        }
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.refers_to.is_some_and(|r| r >= n))
        {
            return Err(corrupt(format!("{} refers past the entry table", e.id)));
        }
        Ok(())
    }

    /// Serializes tables and index into the file format (used by [`compile`]).
    fn to_bytes(
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

    /// The country entry with ISO 3166-1 alpha-2 code `code` (`NE`).
    pub fn country(&self, code: &str) -> Option<EntryIndex> {
        self.countries.get(code).copied()
    }

    /// Finds an entry by its stable id (entries are stored sorted by id).
    pub fn index_of_id(&self, id: &str) -> Option<EntryIndex> {
        self.entries
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|i| i as EntryIndex)
    }

    /// Every entry a surface form can denote, folded for case and accents, in no
    /// particular order. Capital-only abbreviations are included only when `surface`
    /// is written in capitals.
    pub fn candidates(&self, surface: &str) -> Vec<Candidate> {
        let key = fold_name(surface);
        let Some(v) = self.names.get(key.as_bytes()) else {
            return Vec::new();
        };
        let all_caps = is_all_caps(surface);
        self.postings_of(v)
            .iter()
            .map(|&p| decode_posting(p))
            .filter(|c| c.name_match != NameMatch::Abbreviation || all_caps)
            .collect()
    }

    /// True if the name of `hit` is also an ordinary lower-case English word
    /// (`March`, `Reading`, `Mobile`, `Chad`).
    pub fn is_common_word(&self, hit: &NameHit) -> bool {
        self.postings_of(hit.value)
            .first()
            .is_some_and(|p| p & POSTING_COMMON_WORD != 0)
    }

    /// True if `name` (folded) is a gazetteer name at all, abbreviations included.
    /// Cheaper than [`Gazetteer::candidates`]: no allocation.
    pub fn has_name(&self, name: &str) -> bool {
        self.names.contains_key(fold_name(name).as_bytes())
    }

    /// What `word` is as a person's name (from the census name lists the gazetteer was
    /// compiled with).
    pub fn person_name(&self, word: &str) -> PersonName {
        let key = fold_name(word);
        let v = self.person_names.get(key.as_bytes()).unwrap_or(0);
        PersonName {
            given: v & PERSON_GIVEN != 0,
            surname: v & PERSON_SURNAME != 0,
        }
    }

    /// [`Gazetteer::has_name`] and [`Gazetteer::is_common_word_name`] of `word` at
    /// once, remembered in `memo`. A word of letters and digits is answered from the
    /// automaton state after it, which the memo often has already.
    pub fn word_facts(&self, word: &str, memo: &mut WordMemo) -> WordFacts {
        let memo = memo.serve(self);
        if let Some(f) = memo.facts.get(word) {
            return *f;
        }
        let value = if !word.is_empty() && first_word_len(word) == word.len() {
            self.memo_state(word, memo)
                .filter(|s| s.depth > 0)
                .and_then(|s| s.final_value)
        } else {
            self.names.get(fold_name(word).as_bytes())
        };
        let facts = WordFacts {
            is_name: value.is_some(),
            common_word: value
                .and_then(|v| self.postings_of(v).first().copied())
                .is_some_and(|p| p & POSTING_COMMON_WORD != 0),
        };
        memo.facts.insert_bounded(word, facts, WordMemo::CAPACITY);
        facts
    }

    /// [`Gazetteer::person_name`], remembered in `memo`.
    pub fn person_name_memo(&self, word: &str, memo: &mut WordMemo) -> PersonName {
        let memo = memo.serve(self);
        if let Some(p) = memo.persons.get(word) {
            return *p;
        }
        let person = self.person_name(word);
        memo.persons
            .insert_bounded(word, person, WordMemo::CAPACITY);
        person
    }

    /// The automaton state after `word` (letters and digits only), from the memo or
    /// walked now and remembered.
    fn memo_state(&self, word: &str, memo: &mut WordMemo) -> Option<WalkState> {
        if let Some(packed) = memo.states.get(word) {
            return packed.unpack();
        }
        let state = self.walk_word(word);
        if let Some(packed) = Packed::pack(state.as_ref()) {
            memo.states.insert_bounded(word, packed, WordMemo::CAPACITY);
        }
        state
    }

    /// True if `surface` (folded) is a name flagged as a common English word.
    pub fn is_common_word_name(&self, surface: &str) -> bool {
        let key = fold_name(surface);
        self.names
            .get(key.as_bytes())
            .and_then(|v| self.postings_of(v).first().copied())
            .is_some_and(|p| p & POSTING_COMMON_WORD != 0)
    }

    /// The postings a name value points at. Values are not checked at load (walking all
    /// names would cost tens of milliseconds), so an out-of-range value from a damaged
    /// file yields no postings instead of a panic.
    fn postings_of(&self, value: u64) -> &[u32] {
        let (start, len) = decode_value(value);
        self.postings
            .get(start..start.saturating_add(len))
            .unwrap_or(&[])
    }

    /// The candidates behind a [`NameHit`], abbreviations kept only if `surface` (the
    /// hit's text) is in capitals.
    pub fn hit_candidates(&self, hit: &NameHit, surface: &str) -> Vec<Candidate> {
        let all_caps = is_all_caps(surface);
        self.postings_of(hit.value)
            .iter()
            .map(|&p| decode_posting(p))
            .filter(|c| c.name_match != NameMatch::Abbreviation || all_caps)
            .collect()
    }

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
    fn walk_word(&self, word: &str) -> Option<WalkState> {
        let fst: &Fst<Vec<u8>> = self.names.as_fst();
        let mut state = WalkState::root(fst.root().addr());
        let mut out = Output::zero();
        for c in word.chars() {
            for &b in fold_char(c).as_bytes() {
                let step = self.step(fst, &state, b)?;
                if state.depth == 0 {
                    state.first_byte = b;
                }
                state.depth += 1;
                out = out.cat(step.out);
                state.addr = step.addr;
            }
        }
        if state.depth == 0 {
            return Some(state);
        }
        Some(state_at(
            fst,
            state.addr,
            out,
            state.depth,
            state.first_byte,
        ))
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
        let fst: &Fst<Vec<u8>> = self.names.as_fst();
        let space = state.space_step?;
        let walk = || {
            let (mut addr, mut out) = (space.addr, space.out);
            // ASCII letters and digits fold to their lower case.
            for b in word.bytes().map(|b| b.to_ascii_lowercase()) {
                let n = fst.node(addr);
                let t = n.transition(n.find_input(b)?);
                out = out.cat(t.out);
                addr = t.addr;
            }
            Some(state_at(fst, addr, out, 1 + word.len(), 0))
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
    #[inline]
    fn step(&self, fst: &Fst<Vec<u8>>, state: &WalkState, b: u8) -> Option<fst::raw::Transition> {
        match state.depth {
            0 => self.root_steps[b as usize],
            1 => self.second_steps[(state.first_byte as usize) << 8 | b as usize],
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
        let fst: &Fst<Vec<u8>> = self.names.as_fst();
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
                && continues_name(&rest[word_len + 1..])
            {
                let next_len = after[1..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(after.len() - 1);
                let word = &rest[word_len + 1..word_len + 1 + next_len];
                if !state.may_continue_with(after[1].to_ascii_lowercase()) {
                    return best.map(|(end, v)| self.hit(start, end, v));
                }
                let Some(c) = self.continuation(&state, word, memo) else {
                    return best.map(|(end, v)| self.hit(start, end, v));
                };
                state = WalkState {
                    out: state.out + c.out,
                    depth: state.depth + c.depth,
                    first_byte: state.first_byte,
                    final_value: c.final_value.map(|f| state.out + f),
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
                        out = out.cat(t.out);
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
                        best = Some((end, out.cat(n.final_output()).value()));
                    }
                }
            }
        }
        best.map(|(end, v)| self.hit(start, end, v))
    }

    fn hit(&self, start: usize, end: usize, value: u64) -> NameHit {
        NameHit { start, end, value }
    }

    /// Counts of entries by kind.
    pub fn counts_by_kind(&self) -> Vec<(Kind, usize)> {
        Kind::ALL
            .into_iter()
            .map(|k| (k, self.entries.iter().filter(|e| e.kind == k).count()))
            .collect()
    }
}

/// Where a walk of the name automaton stands: after the first word of a match, this is
/// what [`WordMemo`] keeps.
#[derive(Debug, Clone, Copy)]
struct WalkState {
    /// The node reached.
    addr: fst::raw::CompiledAddr,
    /// Output accumulated on the way.
    out: u64,
    /// Bytes consumed (the first two steps use lookup tables).
    depth: usize,
    /// The first byte consumed, to index the second-step table.
    first_byte: u8,
    /// The name's value if the bytes so far spell a whole name.
    final_value: Option<u64>,
    /// The step on a space from here, read with the node: a space is what most often
    /// follows a word, and decoding the node again for it cost a tenth of a parse.
    space_step: Option<fst::raw::Transition>,
    /// The ASCII bytes any name continues with from here, as bits: after a word, most
    /// walks end on a comma or a period that no name continues with.
    ascii_inputs: u128,
    /// The first letters a next word may have after the space ([`letter_bits`]):
    /// "The" starts a few names ("The Hague"), not one per capitalised word after it.
    space_letters: u32,
    /// No name continues from here.
    dead_end: bool,
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

/// The walk state at node `addr`, reached with output `out` after `depth` bytes (the
/// first of them `first_byte`), with what the node says about how names go on.
fn state_at(
    fst: &Fst<Vec<u8>>,
    addr: fst::raw::CompiledAddr,
    out: Output,
    depth: usize,
    first_byte: u8,
) -> WalkState {
    let n = fst.node(addr);
    let space_step = n.find_input(b' ').map(|i| n.transition(i));
    WalkState {
        addr,
        out: out.value(),
        depth,
        first_byte,
        final_value: n.is_final().then(|| out.cat(n.final_output()).value()),
        space_step,
        ascii_inputs: ascii_inputs(&n),
        space_letters: space_step.map_or(0, |t| letter_bits(&fst.node(t.addr))),
        dead_end: n.is_empty(),
    }
}

/// Bit `i` < 26 for a transition on `b'a' + i` out of node `n`, bit 26 for any other.
fn letter_bits(n: &fst::raw::Node<'_>) -> u32 {
    n.transitions().fold(0u32, |bits, t| {
        bits | if t.inp.is_ascii_lowercase() {
            1 << (t.inp - b'a')
        } else {
            1 << 26
        }
    })
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
fn ascii_inputs(n: &fst::raw::Node<'_>) -> u128 {
    n.transitions()
        .filter(|t| t.inp < 128)
        .fold(0u128, |bits, t| bits | 1u128 << t.inp)
}

/// The automaton states reached after words already walked, so each distinct word is
/// walked once (see [`Gazetteer::longest_match_memo`]). Keep one per thread across a
/// batch of documents: the capitalised words of news are few and repeat (`The`, `U.S.`,
/// `Trump`), within a story and across stories.
#[derive(Debug, Default, Clone)]
pub struct WordMemo {
    /// [`Gazetteer::id`] of the gazetteer the memo was filled from.
    owner: u64,
    states: ShortKeyMap<Packed>,
    /// From a node, a space and a word ("New" → "New York"): where that leads, relative
    /// to the node (outputs add up along a path, and a node is reached by many paths).
    /// Keyed by node and word in one table: one probe per step, not two. The states
    /// are relative (see [`Gazetteer::continuation`]).
    continuations: rustc_hash::FxHashMap<(u32, ShortKey), Packed>,
    facts: ShortKeyMap<WordFacts>,
    persons: ShortKeyMap<PersonName>,
}

/// What the gazetteer knows of one word as written: the recogniser asks this of the
/// words around every candidate name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordFacts {
    /// The word (folded) is a gazetteer name, abbreviations included.
    pub is_name: bool,
    /// It is a name flagged as a common lower-case English word.
    pub common_word: bool,
}

impl WordMemo {
    /// Words kept at most (per table); past this a table starts over, so memory stays
    /// bounded (under 20 MB) on any corpus.
    const CAPACITY: usize = 100_000;

    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty memo with room for `words` distinct words.
    pub fn with_capacity(words: usize) -> Self {
        WordMemo {
            owner: 0,
            states: ShortKeyMap::with_capacity(words),
            continuations: rustc_hash::FxHashMap::with_capacity_and_hasher(
                words / 2,
                Default::default(),
            ),
            facts: ShortKeyMap::with_capacity(words / 2),
            persons: ShortKeyMap::with_capacity(words / 4),
        }
    }

    /// Forgets everything if the memo was filled from another gazetteer: its automaton
    /// states would be meaningless here.
    fn serve(&mut self, gazetteer: &Gazetteer) -> &mut Self {
        if self.owner != gazetteer.id {
            self.states.clear();
            self.facts.clear();
            self.persons.clear();
            self.continuations.clear();
            self.owner = gazetteer.id;
        }
        self
    }

    /// Number of words remembered.
    pub fn len(&self) -> usize {
        self.states.len() + self.facts.len() + self.persons.len() + self.continuations.len()
    }

    /// True if no word is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`WalkState`] (or its absence) packed into 48 bytes, as the memos store it: with
/// its 16-byte key a memo entry fills one cache line, and memo probes are the
/// geoparser's most frequent trips to memory. Bytes 0x20..0x60 of the transition bits
/// are kept (the punctuation that follows words); the others read as "maybe", which
/// only costs a node decode. The default is the packed absence of a state.
#[derive(Debug, Clone, Copy, Default)]
struct Packed {
    addr: u32,
    space_addr: u32,
    out: u64,
    final_value: u64,
    space_out: u64,
    inputs: u64,
    space_letters: u32,
    depth: u16,
    first_byte: u8,
    flags: u8,
}

impl Packed {
    const SOME: u8 = 1;
    const HAS_FINAL: u8 = 2;
    const HAS_SPACE: u8 = 4;
    const DEAD_END: u8 = 8;
    /// First byte whose transition bit is kept.
    const INPUTS_FROM: u8 = 0x20;

    /// `None` if the state does not fit (an automaton over 4 GiB, a name over 65,535
    /// bytes): it is then simply not remembered.
    fn pack(state: Option<&WalkState>) -> Option<Packed> {
        let Some(s) = state else {
            return Some(Packed::default());
        };
        let mut flags = Packed::SOME;
        if s.final_value.is_some() {
            flags |= Packed::HAS_FINAL;
        }
        if s.space_step.is_some() {
            flags |= Packed::HAS_SPACE;
        }
        if s.dead_end {
            flags |= Packed::DEAD_END;
        }
        Some(Packed {
            addr: u32::try_from(s.addr).ok()?,
            space_addr: match s.space_step {
                Some(t) => u32::try_from(t.addr).ok()?,
                None => 0,
            },
            out: s.out,
            final_value: s.final_value.unwrap_or(0),
            space_out: s.space_step.map_or(0, |t| t.out.value()),
            inputs: (s.ascii_inputs >> Packed::INPUTS_FROM) as u64,
            space_letters: s.space_letters,
            depth: u16::try_from(s.depth).ok()?,
            first_byte: s.first_byte,
            flags,
        })
    }

    fn unpack(&self) -> Option<WalkState> {
        if self.flags & Packed::SOME == 0 {
            return None;
        }
        // Bits outside the kept range read as "some name may continue".
        let kept = (u64::MAX as u128) << Packed::INPUTS_FROM;
        let inputs = (!kept) | ((self.inputs as u128) << Packed::INPUTS_FROM);
        Some(WalkState {
            addr: self.addr as fst::raw::CompiledAddr,
            out: self.out,
            depth: self.depth as usize,
            first_byte: self.first_byte,
            final_value: (self.flags & Packed::HAS_FINAL != 0).then_some(self.final_value),
            space_step: (self.flags & Packed::HAS_SPACE != 0).then(|| fst::raw::Transition {
                inp: b' ',
                out: Output::new(self.space_out),
                addr: self.space_addr as fst::raw::CompiledAddr,
            }),
            ascii_inputs: inputs,
            space_letters: self.space_letters,
            dead_end: self.flags & Packed::DEAD_END != 0,
        })
    }
}

/// Length in bytes of the run of letters and digits that starts `text`.
fn first_word_len(text: &str) -> usize {
    // ASCII first: most words of English news are.
    let ascii = text
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(text.len());
    if text.as_bytes().get(ascii).is_none_or(|b| b.is_ascii()) {
        return ascii;
    }
    let rest = &text[ascii..];
    ascii
        + rest
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(rest.len(), |(i, _)| i)
}

/// Lower-case words that may stand inside a multi-word name ("Gulf of Guinea",
/// "Bosnia and Herzegovina", "Rio de Janeiro", "Ras al Khaimah").
const NAME_CONNECTORS: &[&str] = &[
    "of", "the", "and", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la",
    "le", "les", "el", "al", "an", "am", "im", "en", "sur", "upon", "on", "y", "e", "van", "von",
    "der", "den", "ter", "aan", "bin", "ibn", "ad", "as", "ar", "at", "st",
];

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
    word_len <= 5 && NAME_CONNECTORS.contains(&&rest[..word_len])
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

#[cfg(test)]
pub(crate) mod tests;
