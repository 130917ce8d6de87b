//! The gazetteer entries a project refers to. A project names an entry by its stable id
//! (`gn:2440485`), stored once in `gazette_entries`; its other tables hold that row's
//! number (`ref`). A gazetteer's entry indexes hold for one gazetteer file only, so
//! refs are mapped to the indexes of the gazetteer at hand when a project is read, and
//! an id that gazetteer lacks is reported, never guessed.

use std::path::Path;

use rusqlite::Connection;
use rustc_hash::FxHashMap;

use super::error::ProjectError;
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::{Alternate, MAX_ALTERNATES};

/// A row of `gazette_entries`.
pub type EntryRef = i64;

/// Bytes per packed alternate: the entry ref (u32) and the probability (f32).
const ALTERNATE_BYTES: usize = 8;

/// The project's entries resolved against one gazetteer.
#[derive(Debug)]
pub struct EntryTable {
    /// [`Gazetteer::id`] of the gazetteer they were resolved against, and its
    /// [`Gazetteer::user_generation`]: user places' ids resolve only while in effect.
    gazetteer: (u64, u64),
    /// Each ref's index in that gazetteer; `None` if the gazetteer lacks its id.
    by_ref: FxHashMap<EntryRef, Option<EntryIndex>>,
    /// The ref of each entry the project holds and the gazetteer has.
    by_index: FxHashMap<EntryIndex, EntryRef>,
    /// The ids the gazetteer lacks, sorted.
    missing: Vec<String>,
    /// The largest ref it knows: rows are only ever added, so a table whose largest ref
    /// differs has changed since (another program added entries, or a transaction that
    /// added some was rolled back).
    max_ref: EntryRef,
}

impl EntryTable {
    /// Reads `gazette_entries` and resolves every id with `gazetteer`.
    pub fn load(
        conn: &Connection,
        path: &Path,
        gazetteer: &Gazetteer,
    ) -> Result<EntryTable, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(path, e);
        let mut table = EntryTable {
            gazetteer: (gazetteer.id(), gazetteer.user_generation()),
            by_ref: FxHashMap::default(),
            by_index: FxHashMap::default(),
            missing: Vec::new(),
            max_ref: 0,
        };
        let mut stmt = conn
            .prepare("SELECT ref, gazetteer_id FROM gazette_entries")
            .map_err(sqlite)?;
        let mut rows = stmt.query([]).map_err(sqlite)?;
        while let Some(row) = rows.next().map_err(sqlite)? {
            let r: EntryRef = row.get(0).map_err(sqlite)?;
            let id: String = row.get(1).map_err(sqlite)?;
            let index = gazetteer.index_of_id(&id);
            match index {
                Some(i) => {
                    table.by_index.insert(i, r);
                }
                None => table.missing.push(id),
            }
            table.by_ref.insert(r, index);
            table.max_ref = table.max_ref.max(r);
        }
        table.missing.sort();
        Ok(table)
    }

    /// True if it was resolved against `gazetteer` (the same loaded gazetteer, with the
    /// same user places in effect).
    pub fn is_for(&self, gazetteer: &Gazetteer) -> bool {
        self.gazetteer == (gazetteer.id(), gazetteer.user_generation())
    }

    /// True if `gazette_entries` still holds what it held when this was read (see
    /// `max_ref`); a lookup of the largest key.
    pub fn is_current(&self, conn: &Connection) -> rusqlite::Result<bool> {
        let max: EntryRef = conn
            .prepare_cached("SELECT coalesce(max(ref), 0) FROM gazette_entries")?
            .query_row([], |r| r.get(0))?;
        Ok(max == self.max_ref)
    }

    /// The gazetteer index of `r`: `Ok(None)` if the gazetteer lacks its id, an error if
    /// no such row exists (a damaged file).
    pub fn index_of(&self, path: &Path, r: EntryRef) -> Result<Option<EntryIndex>, ProjectError> {
        self.by_ref
            .get(&r)
            .copied()
            .ok_or_else(|| ProjectError::damaged(path, format!("entry ref {r} does not exist")))
    }

    /// The ids of the project's entries that the gazetteer lacks, sorted.
    pub fn missing(&self) -> &[String] {
        &self.missing
    }

    /// The ref of `index`, adding its row (id, name, kind, country, coordinates) if the
    /// project has none yet. Inside the caller's transaction: on rollback the caller
    /// drops this table.
    ///
    /// A user place edited in the window keeps its id (`user:…`) under a new index: its
    /// row is then updated to the place as it is now, never added twice (ids are
    /// unique in the table).
    pub fn ref_of(
        &mut self,
        conn: &Connection,
        gazetteer: &Gazetteer,
        index: EntryIndex,
    ) -> rusqlite::Result<EntryRef> {
        if let Some(&r) = self.by_index.get(&index) {
            return Ok(r);
        }
        let e = gazetteer.entry(index);
        let r: EntryRef = conn
            .prepare_cached(
                "INSERT INTO gazette_entries (gazetteer_id, name, kind, country_code, lon, lat) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (gazetteer_id) DO UPDATE SET name = excluded.name, \
                 kind = excluded.kind, country_code = excluded.country_code, \
                 lon = excluded.lon, lat = excluded.lat \
                 RETURNING ref",
            )?
            .query_row(
                (
                    &e.id,
                    &e.name,
                    e.kind.as_str(),
                    &e.country_code,
                    e.lon,
                    e.lat,
                ),
                |row| row.get(0),
            )?;
        self.max_ref = self.max_ref.max(r);
        self.by_index.insert(index, r);
        self.by_ref.insert(r, Some(index));
        Ok(r)
    }

    /// Packs `alternates` as stored in `gazette_mentions.alternates`.
    pub fn pack_alternates(
        &mut self,
        conn: &Connection,
        gazetteer: &Gazetteer,
        alternates: &[Alternate],
    ) -> rusqlite::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(alternates.len() * ALTERNATE_BYTES);
        for a in alternates {
            let r = self.ref_of(conn, gazetteer, a.entry)?;
            let r = u32::try_from(r).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(0, r))?;
            out.extend_from_slice(&r.to_le_bytes());
            out.extend_from_slice(&a.probability.to_le_bytes());
        }
        Ok(out)
    }

    /// Unpacks stored alternates, leaving out those whose entry the gazetteer lacks;
    /// returns them and how many were left out. An error if the blob is not whole
    /// alternates, holds more than [`MAX_ALTERNATES`], or names a ref that does not exist.
    pub fn unpack_alternates(
        &self,
        path: &Path,
        blob: &[u8],
    ) -> Result<(Vec<Alternate>, usize), ProjectError> {
        if !blob.len().is_multiple_of(ALTERNATE_BYTES)
            || blob.len() / ALTERNATE_BYTES > MAX_ALTERNATES
        {
            return Err(ProjectError::damaged(
                path,
                format!("a mention's alternates are {} bytes", blob.len()),
            ));
        }
        let mut out = Vec::with_capacity(blob.len() / ALTERNATE_BYTES);
        let mut left_out = 0;
        for chunk in blob.chunks_exact(ALTERNATE_BYTES) {
            let r = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            let probability = f32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
            check_probability(path, probability)?;
            match self.index_of(path, EntryRef::from(r))? {
                Some(entry) => out.push(Alternate { entry, probability }),
                None => left_out += 1,
            }
        }
        Ok((out, left_out))
    }
}

/// An error unless `p` is a probability (finite, in [0, 1]): a NaN read from a shared
/// file would otherwise reach sorting and comparisons.
pub fn check_probability(path: &Path, p: f32) -> Result<(), ProjectError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(ProjectError::damaged(
            path,
            format!("{p} is not a probability"),
        ))
    }
}
