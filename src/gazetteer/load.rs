//! Loading a gazetteer file into a [`Gazetteer`]: finding the bundled file, mapping it
//! (or reading at most [`Gazetteer::MAX_FILE_BYTES`] of a file a user names), and
//! checking it: header and section lengths, checksum, automata (`fst_check`), and every
//! fixed-size table (kinds, coordinates, postings, chunk offsets, boxes, small tables).
//! The file this binary was built with, recognised by its BLAKE3 hash (`is_built_with`),
//! skips the checksum and the automata's checks, which its tests ran.
//! Nothing is decoded here but a few hundred rows of small tables: entries are decoded
//! a chunk at a time when first asked for (see `lazy.rs`). Kept apart so the start-up
//! path can be read (and timed) in one place.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use zerocopy::FromBytes;
use zerocopy::little_endian::U32;

use super::file_format::{
    BoxRow, CRC_AT, CRC_FROM, Layout, LayoutError, POSTING_INDEX_MASK, Row, Section, Small,
    kind_of_byte,
};
use super::lazy::FACTS_CHUNK;
use super::walk::SecondStep;
use super::{EntryIndex, Gazetteer, Kind, fst_check};
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
    /// The path names something other than a regular file (a device such as
    /// `/dev/zero`, a named pipe, a folder), or a link to one: refused before it is read,
    /// since it may never end.
    #[error("{path} is {what}, not a regular file: give the path of a gazetteer file")]
    NotAFile {
        /// The path as given.
        path: PathBuf,
        /// What it is instead (`a character device`).
        what: &'static str,
    },
    /// The file is larger than any gazetteer may be ([`Gazetteer::MAX_FILE_BYTES`]).
    #[error("{path} is larger than {limit} bytes, the most a gazetteer file may be")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
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

impl Gazetteer {
    /// The default file name inside the `gazetteer/` folder.
    pub const FILE_NAME: &'static str = "gazetteer.bin";

    /// Where [`Gazetteer::load_bundled`] looks, in order: `$GAZETTE_GAZETTEER`, a
    /// `gazetteer/` folder beside the executable or two levels up (a cargo `target/`
    /// build), then the source checkout this binary was built from.
    pub fn bundled_paths() -> Vec<PathBuf> {
        bundled_file_candidates()
    }

    /// Loads the gazetteer that ships with Gazette (see [`Gazetteer::bundled_paths`]),
    /// mapped ([`Gazetteer::load_mapped`]): start-up takes milliseconds, and every
    /// process running Gazette shares the file's pages.
    pub fn load_bundled() -> Result<Gazetteer, GazetteerError> {
        if let Some(p) = std::env::var_os("GAZETTE_GAZETTEER") {
            // The one place to look: its own error (missing, not a file) says why not.
            return Self::load_mapped(Path::new(&p));
        }
        let paths = Self::bundled_paths();
        for p in &paths {
            if p.is_file() {
                return Self::load_mapped(p);
            }
        }
        Err(GazetteerError::NotFound {
            tried: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The most bytes a gazetteer file may have: 256 MiB, about ten times the bundled
    /// file. A path to something endless (`/dev/zero`) or huge is an error, not a read
    /// until memory runs out.
    pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

    /// Loads a gazetteer file by reading it into memory: for a file a user names
    /// (`--gazetteer`, the app's file dialog), which another program might rewrite
    /// while Gazette runs (see [`Gazetteer::load_mapped`] for why that matters to a
    /// mapping). Anything but a regular file (a device, a pipe, a folder, or a link to
    /// one) is refused before it is opened, and at most [`Gazetteer::MAX_FILE_BYTES`]
    /// are read, whatever size the file reports. The tables are then used where they
    /// lie in the buffer, as in a mapped file: nothing is decoded up front.
    pub fn load(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let bytes = read_capped(path)?;
        Self::from_bytes(bytes, path)
    }

    /// Loads a gazetteer file by mapping it into memory: its tables are read where they
    /// lie in the file, the operating system reads only the pages used, and processes
    /// share them through the page cache. The checks are those of [`Gazetteer::load`];
    /// a file that cannot be mapped (some network or FUSE file systems) is read instead.
    ///
    /// The caveat of every mapped file: the checks hold for the bytes as they were at
    /// load. A file *rewritten in place* by another program while it is mapped can
    /// change under them, and one *truncated* in place makes the next read of a page
    /// past its new end kill the process (`SIGBUS`). Replacing the file by renaming a
    /// new one over it (as `compile-gazetteer` and package managers do) is safe: the
    /// mapping keeps the old file. Files named by a user are therefore read instead
    /// ([`Gazetteer::load`]).
    pub fn load_mapped(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let (file, len) = open_capped(path)?;
        let mut head = Vec::with_capacity(super::file_format::HEADER_LEN);
        (&file)
            .take(super::file_format::HEADER_LEN as u64)
            .read_to_end(&mut head)
            .map_err(|source| GazetteerError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        let layout = Layout::parse(&head, len).map_err(|e| layout_error(e, path))?;
        let names = layout.range(Section::Names);
        let person = layout.range(Section::PersonNames);
        let map = |range: std::ops::Range<usize>| {
            // SAFETY: `Mmap` hands out the file's bytes as a `&[u8]`, which Rust assumes
            // do not change while borrowed: true unless another process writes the file
            // in place while it is mapped, the caveat documented above, which every
            // reader of a mapped file accepts (ripgrep, databases). Nothing here relies
            // on it for soundness: the mapping is read-only and every byte is checked
            // before it is trusted, as in a buffer.
            unsafe {
                memmap2::MmapOptions::new()
                    .offset(range.start as u64)
                    .len(range.len())
                    .map(&file)
            }
            .map(Bytes::Mapped)
        };
        match (map(0..names.start), map(names), map(person)) {
            (Ok(tables), Ok(names), Ok(person_names)) => Self::from_parts(
                layout,
                FileParts {
                    tables,
                    names,
                    person_names,
                },
                path,
                Checks::UnlessBuiltWith,
            ),
            _ => Self::load(path),
        }
    }

    /// Loads a gazetteer from the bytes of a file; `path` is only used in errors.
    pub fn from_bytes(bytes: Vec<u8>, path: &Path) -> Result<Gazetteer, GazetteerError> {
        Self::from_bytes_with(bytes, path, Checks::UnlessBuiltWith)
    }

    /// [`Gazetteer::from_bytes`] with every check, even of the file this binary was built
    /// with (the bundled file, recognised by its length and BLAKE3 hash recorded at build
    /// time), which otherwise skips them: the tests show with it that this file passes
    /// them, which is what lets it skip them.
    pub fn from_bytes_with_all_checks(
        bytes: Vec<u8>,
        path: &Path,
    ) -> Result<Gazetteer, GazetteerError> {
        Self::from_bytes_with(bytes, path, Checks::All)
    }

    fn from_bytes_with(
        bytes: Vec<u8>,
        path: &Path,
        checks: Checks,
    ) -> Result<Gazetteer, GazetteerError> {
        let layout =
            Layout::parse(&bytes, bytes.len() as u64).map_err(|e| layout_error(e, path))?;
        // The automata end the file (checked by `Layout::parse`): split them off.
        let mut tables = bytes;
        let person_names = tables.split_off(layout.range(Section::PersonNames).start);
        let names = tables.split_off(layout.range(Section::Names).start);
        let parts = FileParts {
            tables: Bytes::Owned(tables),
            names: Bytes::Owned(names),
            person_names: Bytes::Owned(person_names),
        };
        Self::from_parts(layout, parts, path, checks)
    }

    /// Checks a file's parts and makes the gazetteer (see the module docs).
    fn from_parts(
        layout: Layout,
        parts: FileParts,
        path: &Path,
        checks: Checks,
    ) -> Result<Gazetteer, GazetteerError> {
        let path_buf = path.to_path_buf();
        let corrupt = |detail: String| GazetteerError::Corrupt {
            path: path_buf.clone(),
            detail,
        };
        let FileParts {
            tables,
            names,
            person_names,
        } = parts;
        // The file this binary was built with was checked by its tests: its checksum and
        // automata need no checking again. Any other file is checked.
        let built_with =
            checks == Checks::UnlessBuiltWith && is_built_with(&[&tables, &names, &person_names]);
        if !built_with {
            let mut crc_bytes = [0u8; 4];
            crc_bytes.copy_from_slice(&tables[CRC_AT..CRC_AT + 4]);
            let crc = u32::from_le_bytes(crc_bytes);
            let actual_crc = checksum(&[&tables[CRC_FROM..], &names, &person_names]);
            if actual_crc != crc {
                return Err(corrupt(format!(
                    "checksum mismatch (stored {crc:08x}, computed {actual_crc:08x})"
                )));
            }
            // The `fst` crate would panic on a damaged node (see `fst_check`). The small
            // person-name index is checked whole; of the name index, the nodes decoded
            // here (the root and those one step from it, for the walk's lookup tables),
            // the rest as walks reach it (`Gazetteer::second_step`).
            fst_check::check(&person_names)
                .map_err(|e| corrupt(format!("person-name index is damaged: {e}")))?;
        }
        let names_damaged = |e: String| corrupt(format!("name index is damaged: {e}"));
        let frame = fst_check::frame(&names).map_err(names_damaged)?;
        fst_check::check_node(&names, frame.version, frame.root).map_err(names_damaged)?;
        let names = fst::Map::new(names)
            .map_err(|e| corrupt(format!("name index does not decode: {e}")))?;
        let person_names = fst::Map::new(person_names)
            .map_err(|e| corrupt(format!("person-name index does not decode: {e}")))?;
        let checked = check_tables(&layout, &tables).map_err(corrupt)?;
        let steps = Steps::of(&names, frame.version).map_err(names_damaged)?;
        let n = layout.entries;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Gazetteer {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            kinds: checked.kinds,
            entry_chunks: (0..layout.chunk_count()).map(|_| OnceLock::new()).collect(),
            facts: (0..n.div_ceil(FACTS_CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
            member_codes: checked.member_codes,
            refers_to: checked.refers_to,
            root_steps: steps.root,
            first_rows: steps.first_rows,
            second_steps: steps.second,
            subtree_checked: (0..steps.subtrees).map(|_| OnceLock::new()).collect(),
            names_checked: if built_with {
                fst_check::Reachable::whole(frame.version)
            } else {
                fst_check::Reachable::new(frame.version)
            },
            admin1_table: OnceLock::new(),
            user: super::user_places::Overlay::new(n),
            tables,
            layout,
            names,
            person_names,
            provenance: checked.provenance,
            path: path_buf,
            countries: checked.countries,
        })
    }
}

/// Which checks a file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// All of them, unless it is the file this binary was built with ([`is_built_with`]).
    UnlessBuiltWith,
    /// All of them.
    All,
}

/// Whether `parts`, one after the other, are the bundled gazetteer this binary was built
/// with: its length and BLAKE3 hash as `build.rs` recorded them. That file passed every
/// check in the tests (`tests/hostile_gazetteer.rs`), so it loads without the checksum
/// and the automata's checks, which were most of a one-article run's CPU time (9 ms for
/// the checksum, 7.5 ms checking the parts of the name index one walk entered, of
/// 18 ms); the hash takes 2.5 ms on two cores, and is computed only for a file of the
/// right length. A file that differs in one byte is checked as any other: BLAKE3, unlike
/// the file's CRC-32, cannot be matched on purpose.
fn is_built_with(parts: &[&[u8]]) -> bool {
    let (Ok(len), Ok(expected)) = (
        env!("GAZETTE_BUNDLED_LEN").parse::<usize>(),
        blake3::Hash::from_hex(env!("GAZETTE_BUNDLED_BLAKE3")),
    ) else {
        return false;
    };
    if parts.iter().map(|part| part.len()).sum::<usize>() != len {
        return false;
    }
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update_rayon(part);
    }
    hasher.finalize() == expected
}

/// Bytes of the file checksummed by one task of [`checksum`].
const CHECKSUM_PIECE: usize = 2 << 20;

/// The CRC-32 of `parts` one after the other, computed a piece of [`CHECKSUM_PIECE`]
/// bytes at a time on every core (rayon) and the pieces' checksums combined: on one
/// thread the 29 MB file's checksum (and the page faults that map it in) was about half
/// of a one-article run's CPU time, 9 ms, all of it before the first text is read.
fn checksum(parts: &[&[u8]]) -> u32 {
    use rayon::prelude::*;
    let pieces: Vec<&[u8]> = parts
        .iter()
        .flat_map(|part| part.chunks(CHECKSUM_PIECE))
        .collect();
    let hashed: Vec<crc32fast::Hasher> = pieces
        .par_iter()
        .with_max_len(1)
        .map(|piece| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(piece);
            hasher
        })
        .collect();
    let mut all = crc32fast::Hasher::new();
    for piece in &hashed {
        all.combine(piece);
    }
    all.finalize()
}

/// The walk's lookup tables for the first two steps through the name automaton (see
/// [`Gazetteer`]'s fields of the same names).
struct Steps {
    root: Box<[Option<fst::raw::Transition>; 256]>,
    first_rows: Box<[u16; 256]>,
    second: Box<[SecondStep]>,
    /// Number of distinct nodes two steps from the root.
    subtrees: usize,
}

impl Steps {
    /// The tables of `names`, whose root has been checked; the nodes one step from the
    /// root are checked here, before they are decoded.
    fn of(names: &fst::Map<Bytes>, version: u64) -> Result<Steps, String> {
        let fst = names.as_fst();
        let mut root: Box<[Option<fst::raw::Transition>; 256]> = Box::new([None; 256]);
        let mut first_rows = Box::new([0u16; 256]);
        let mut second = Vec::new();
        let mut subtrees: rustc_hash::FxHashMap<fst::raw::CompiledAddr, u32> =
            rustc_hash::FxHashMap::default();
        for t in fst.root().transitions() {
            root[t.inp as usize] = Some(t);
            fst_check::check_node(fst.as_bytes(), version, t.addr)?;
            let row = second.len() / 256;
            first_rows[t.inp as usize] = row as u16 + 1;
            second.resize(second.len() + 256, SecondStep::NONE);
            for t2 in fst.node(t.addr).transitions() {
                let next = subtrees.len() as u32;
                second[row << 8 | t2.inp as usize] = SecondStep {
                    out: t2.out.value(),
                    addr: u32::try_from(t2.addr)
                        .map_err(|_| "an automaton of more than 4 GiB".to_string())?,
                    subtree: *subtrees.entry(t2.addr).or_insert(next),
                };
            }
        }
        Ok(Steps {
            root,
            first_rows,
            second: second.into_boxed_slice(),
            subtrees: subtrees.len(),
        })
    }
}

/// The bytes of one part of a gazetteer file: mapped from the file, or owned (a file
/// read into memory, or made in memory).
#[derive(Debug)]
pub(super) enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// A file in three parts, each mapped or held on its own: the header and tables, then
/// the two automata, which the `fst` crate wants each in a buffer of its own.
struct FileParts {
    tables: Bytes,
    names: Bytes,
    person_names: Bytes,
}

/// What [`check_tables`] decoded on the way.
struct CheckedTables {
    kinds: Box<[Kind]>,
    provenance: String,
    countries: std::collections::HashMap<String, EntryIndex>,
    refers_to: Box<[(EntryIndex, EntryIndex)]>,
    member_codes: rustc_hash::FxHashMap<EntryIndex, Box<[u64]>>,
}

/// Checks everything the tables point at is there, so lookups can index entries
/// without a bounds failure, and that coordinates are coordinates; decodes the kinds
/// and the small tables on the way. A scan of a few megabytes, about a millisecond for
/// the bundled file. The automaton's values are not checked (that would walk every
/// name): a value past the postings finds none (`Gazetteer::postings_of`). The entry
/// chunks are checked when decoded (`lazy.rs`).
fn check_tables(layout: &Layout, tables: &[u8]) -> Result<CheckedTables, String> {
    let n = layout.entries;
    let section = |s: Section| &tables[layout.range(s)];
    // Lengths are those `Layout::parse` checked: the casts cannot fail.
    let cast_failed = |s: Section| format!("the {s:?} section is not a whole number of records");
    let kinds = section(Section::Kinds)
        .iter()
        .enumerate()
        .map(|(i, &b)| kind_of_byte(b).ok_or_else(|| format!("entry {i} has unknown kind {b}")))
        .collect::<Result<Box<[Kind]>, String>>()?;
    let rows =
        <[Row]>::ref_from_bytes(section(Section::Rows)).map_err(|_| cast_failed(Section::Rows))?;
    if let Some(i) = rows.iter().position(|r| {
        !(-90.0..=90.0).contains(&r.lat.get()) || !(-180.0..=180.0).contains(&r.lon.get())
    }) {
        return Err(format!("entry {i} has coordinates out of range"));
    }
    let postings = <[U32]>::ref_from_bytes(section(Section::Postings))
        .map_err(|_| cast_failed(Section::Postings))?;
    if let Some(p) = postings
        .iter()
        .map(|p| p.get())
        .find(|p| (p & POSTING_INDEX_MASK) as usize >= n)
    {
        return Err(format!("posting {p:#x} points past {n} entries"));
    }
    let ends = <[U32]>::ref_from_bytes(section(Section::ChunkEnds))
        .map_err(|_| cast_failed(Section::ChunkEnds))?;
    let chunks_len = layout.range(Section::Chunks).len();
    let mut previous = 0;
    for (c, end) in ends.iter().enumerate() {
        let end = end.get() as usize;
        if end < previous || end > chunks_len {
            return Err(format!(
                "entry chunk {c} ends at byte {end}, out of order or past the {chunks_len} bytes of entries"
            ));
        }
        previous = end;
    }
    if previous != chunks_len {
        return Err(format!(
            "the entry chunks end at byte {previous} of the {chunks_len} bytes of entries"
        ));
    }
    let boxes = <[BoxRow]>::ref_from_bytes(section(Section::Boxes))
        .map_err(|_| cast_failed(Section::Boxes))?;
    let mut previous: Option<u32> = None;
    for b in boxes {
        let e = b.entry.get();
        if e as usize >= n || previous.is_some_and(|p| e <= p) {
            return Err(format!(
                "the bounding box of entry {e} is out of order or past the entries"
            ));
        }
        if !b.bbox.iter().all(|v| v.get().is_finite()) {
            return Err(format!(
                "entry {e} has bounding box coordinates out of range"
            ));
        }
        previous = Some(e);
    }
    let small: Small = postcard::from_bytes(section(Section::Small))
        .map_err(|e| format!("the small tables do not decode: {e}"))?;
    let past = |e: EntryIndex| e as usize >= n;
    if let Some((cc, _)) = small.countries.iter().find(|(_, e)| past(*e)) {
        return Err(format!("country {cc:?} points past the entry table"));
    }
    let mut previous: Option<EntryIndex> = None;
    for &(e, target) in &small.refers_to {
        if past(e) || past(target) || previous.is_some_and(|p| e <= p) {
            return Err(format!(
                "entry {e} refers past the entry table, or out of order"
            ));
        }
        previous = Some(e);
    }
    if let Some((e, _)) = small.member_codes.iter().find(|(e, _)| past(*e)) {
        return Err(format!("the members of entry {e} are past the entry table"));
    }
    Ok(CheckedTables {
        kinds,
        provenance: small.provenance,
        countries: small.countries.into_iter().collect(),
        refers_to: small.refers_to.into_boxed_slice(),
        member_codes: small
            .member_codes
            .into_iter()
            .map(|(e, codes)| (e, codes.into_boxed_slice()))
            .collect(),
    })
}

/// The error for a header that does not describe the file at `path`.
fn layout_error(e: LayoutError, path: &Path) -> GazetteerError {
    let path = path.to_path_buf();
    match e {
        LayoutError::BadMagic => GazetteerError::BadMagic { path },
        LayoutError::Version(found) => GazetteerError::Version {
            path,
            found,
            expected: super::file_format::FORMAT_VERSION,
        },
        LayoutError::Truncated(detail) => GazetteerError::Truncated { path, detail },
        LayoutError::Corrupt(detail) => GazetteerError::Corrupt { path, detail },
    }
}

/// Reads at most [`Gazetteer::MAX_FILE_BYTES`] of the regular file at `path` (see
/// [`Gazetteer::load`] and [`crate::regular_file::read`]).
fn read_capped(path: &Path) -> Result<Vec<u8>, GazetteerError> {
    crate::regular_file::read(path, Gazetteer::MAX_FILE_BYTES).map_err(|e| read_error(e, path))
}

/// Opens the regular file at `path` if it has at most [`Gazetteer::MAX_FILE_BYTES`]
/// (see [`crate::regular_file::open`]); returns it and its size in bytes.
fn open_capped(path: &Path) -> Result<(std::fs::File, u64), GazetteerError> {
    crate::regular_file::open(path, Gazetteer::MAX_FILE_BYTES).map_err(|e| read_error(e, path))
}

fn read_error(e: crate::regular_file::ReadError, path: &Path) -> GazetteerError {
    use crate::regular_file::ReadError;
    match e {
        ReadError::Io(source) => GazetteerError::Io {
            path: path.to_path_buf(),
            source,
        },
        ReadError::NotRegular(what) => GazetteerError::NotAFile {
            path: path.to_path_buf(),
            what,
        },
        ReadError::TooLarge(_) => GazetteerError::TooLarge {
            path: path.to_path_buf(),
            limit: Gazetteer::MAX_FILE_BYTES,
        },
    }
}

/// The candidate places of the bundled gazetteer file, in order (documented at
/// [`Gazetteer::bundled_paths`]): `$GAZETTE_GAZETTEER` alone if set, else the places
/// [`crate::bundled`] searches for every shipped file.
fn bundled_file_candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("GAZETTE_GAZETTEER") {
        return vec![PathBuf::from(p)];
    }
    crate::bundled::candidates(&Path::new("gazetteer").join(Gazetteer::FILE_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled file is recognised as the one this binary was built with, in parts as
    /// the loader hashes it; a byte changed or one missing is not. It loads the same with
    /// every check as without, and passes every check (the whole name index included).
    #[test]
    fn the_file_this_binary_was_built_with_is_recognised_and_no_other() {
        if env!("GAZETTE_BUNDLED_LEN").is_empty() {
            eprintln!("skipped: no gazetteer/gazetteer.bin when this was built");
            return;
        }
        let path = bundled_file_candidates()
            .into_iter()
            .find(|p| p.is_file())
            .expect("bundled gazetteer");
        let bytes = std::fs::read(&path).expect("read");
        let third = bytes.len() / 3;
        assert!(is_built_with(&[&bytes]));
        assert!(is_built_with(&[
            &bytes[..third],
            &bytes[third..2 * third],
            &bytes[2 * third..]
        ]));
        let mut changed = bytes.clone();
        changed[third] ^= 1;
        assert!(!is_built_with(&[&changed]));
        assert!(!is_built_with(&[&bytes[..bytes.len() - 1]]));
        let trusted = Gazetteer::from_bytes(bytes.clone(), &path).expect("loads");
        let checked = Gazetteer::from_bytes_with_all_checks(bytes, &path).expect("passes");
        assert!(
            checked.check_names(),
            "the whole name index passes the check"
        );
        assert_eq!(trusted.len(), checked.len());
        for name in ["Niamey", "Paris", "Springfield", "New York", "Xq"] {
            assert_eq!(trusted.candidates(name), checked.candidates(name), "{name}");
        }
    }

    /// The pieces' checksums combined are the checksum of the parts joined, whatever
    /// the sizes (empty parts, a piece's size, one byte more or less).
    #[test]
    fn the_checksum_in_pieces_is_the_checksum_of_the_whole() {
        let bytes: Vec<u8> = (0..3 * CHECKSUM_PIECE + 5)
            .map(|i| (i * 7 % 256) as u8)
            .collect();
        let sizes = [
            0,
            1,
            CHECKSUM_PIECE - 1,
            CHECKSUM_PIECE,
            CHECKSUM_PIECE + 1,
            2 * CHECKSUM_PIECE + 3,
        ];
        for a in sizes {
            for b in sizes {
                let (first, rest) = bytes.split_at(a);
                let (second, third) = rest.split_at(b.min(rest.len()));
                assert_eq!(
                    checksum(&[first, second, third]),
                    crc32fast::hash(&bytes),
                    "{a} {b}"
                );
            }
        }
        assert_eq!(checksum(&[]), crc32fast::hash(&[]));
    }
}
