//! Loading a gazetteer file into a [`Gazetteer`]: finding the bundled file, reading at
//! most [`Gazetteer::MAX_FILE_BYTES`] of a regular file, checking the header, checksum
//! and structure (the automata in `fst_check`, what the tables point at here), decoding
//! the entries, and building the in-memory lookup tables. Kept apart so the start-up
//! path can be read (and timed) in one place.

use std::path::{Path, PathBuf};

use super::file_format::{FORMAT_VERSION, HEADER_LEN, MAGIC, POSTING_INDEX_MASK, Tables};
use super::{Entry, EntryFacts, EntryIndex, Gazetteer, Kind, fst_check, pack_code};

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

    /// Loads the gazetteer that ships with Gazette (see [`Gazetteer::bundled_paths`]).
    pub fn load_bundled() -> Result<Gazetteer, GazetteerError> {
        if let Some(p) = std::env::var_os("GAZETTE_GAZETTEER") {
            // The one place to look: its own error (missing, not a file) says why not.
            return Self::load(Path::new(&p));
        }
        let paths = Self::bundled_paths();
        for p in &paths {
            if p.is_file() {
                return Self::load(p);
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

    /// The most bytes [`Gazetteer::load`] reads: 256 MiB, ten times the bundled file.
    /// A path to something endless (`/dev/zero`) or huge is an error, not a read until
    /// memory runs out.
    pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

    /// Loads a gazetteer file. Anything but a regular file (a device, a pipe, a folder,
    /// or a link to one) is refused before it is opened, and at most
    /// [`Gazetteer::MAX_FILE_BYTES`] are read, whatever size the file reports.
    pub fn load(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let bytes = read_capped(path)?;
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
        let corrupt = |detail: String| GazetteerError::Corrupt {
            path: path_buf.clone(),
            detail,
        };
        let tables: Tables = postcard::from_bytes(&body[..tables_len])
            .map_err(|e| corrupt(format!("entry tables do not decode: {e}")))?;
        // The automata first: checking them is cheap next to decoding the entries, and
        // the `fst` crate would panic on a damaged node (see `fst_check`).
        let fst_bytes = &body[tables_len..];
        fst_check::check(fst_bytes).map_err(|e| corrupt(format!("name index is damaged: {e}")))?;
        fst_check::check(tables.person_names)
            .map_err(|e| corrupt(format!("person-name index is damaged: {e}")))?;
        let names = fst::Map::new(fst_bytes.to_vec())
            .map_err(|e| corrupt(format!("name index does not decode: {e}")))?;
        let person_names = fst::Map::new(tables.person_names.to_vec())
            .map_err(|e| corrupt(format!("person-name index does not decode: {e}")))?;
        let chunks: Vec<Result<Vec<Entry>, postcard::Error>> = {
            use rayon::prelude::*;
            tables
                .entry_chunks
                .par_iter()
                .map(|c| postcard::from_bytes::<Vec<Entry>>(c))
                .collect()
        };
        // Sized from what was decoded, not from the chunk count: a file of a million
        // empty chunks must not reserve room for four billion entries.
        let decoded: usize = chunks.iter().flatten().map(Vec::len).sum();
        let mut entries = Vec::with_capacity(decoded);
        for chunk in chunks {
            entries.extend(chunk.map_err(|e| corrupt(format!("entries do not decode: {e}")))?);
        }
        check_tables(&entries, &tables.postings).map_err(corrupt)?;
        let countries = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == Kind::Country)
            .filter_map(|(i, e)| e.country_code.clone().map(|cc| (cc, i as EntryIndex)))
            .collect();
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
        Ok(Gazetteer {
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
        })
    }
}

/// Reads at most [`Gazetteer::MAX_FILE_BYTES`] of the regular file at `path` (see
/// [`Gazetteer::load`] and [`crate::regular_file::read`]).
fn read_capped(path: &Path) -> Result<Vec<u8>, GazetteerError> {
    use crate::regular_file::{self, ReadError};
    regular_file::read(path, Gazetteer::MAX_FILE_BYTES).map_err(|e| match e {
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
    })
}

/// Checks that everything the tables point at is there, so lookups can index entries
/// without a bounds failure, and that coordinates are coordinates. The automaton's
/// values are not checked (that would walk every name): a value past the postings
/// finds none (`Gazetteer::postings_of`).
fn check_tables(entries: &[Entry], postings: &[u32]) -> Result<(), String> {
    let n = entries.len() as u64;
    if let Some(p) = postings
        .iter()
        .find(|p| u64::from(*p & POSTING_INDEX_MASK) >= n)
    {
        return Err(format!("posting {p:#x} points past {n} entries"));
    }
    for e in entries {
        if e.refers_to.is_some_and(|r| u64::from(r) >= n) {
            return Err(format!("{} refers past the entry table", e.id));
        }
        let bbox_ok = e.bbox.is_none_or(|b| b.iter().all(|v| v.is_finite()));
        if !(-90.0..=90.0).contains(&e.lat) || !(-180.0..=180.0).contains(&e.lon) || !bbox_ok {
            return Err(format!("{} has coordinates out of range", e.id));
        }
    }
    Ok(())
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
