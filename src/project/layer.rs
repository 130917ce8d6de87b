//! The `places` feature layer: one point per place with its mention and document counts,
//! kept up to date as documents are added and corrections change, so a GIS program
//! opening the file sees the project as it is without Gazette.
//!
//! What it counts: every mention after the user's corrections and rules (a correction
//! winning, see [`Corrections::decision`](crate::corpus::Corrections::decision)),
//! grouped by the entry it
//! is shown at (as [`corpus::places`](crate::corpus::places()) groups them), with mentions
//! marked "not a place" and demonyms (`Nigerien`) left out, as the app and the exports
//! leave them out by default. The user's filter is not applied: it is a way of looking,
//! and a GIS program has its own.
//!
//! Counts are changed by differences (a batch of documents adds its counts, a correction
//! moves one mention), never recounted from every mention, so a correction costs the same
//! in a project of a million articles as in one of ten.
//! [`count_from_mentions`] recounts from scratch, to check the differences.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use rustc_hash::FxHashMap;

use super::entries::EntryRef;
use super::geometry;
use super::schema::LAYER;
use crate::corpus::CorrectionAction;
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};
use crate::geoparse::located_entry;

/// Where a mention counts after corrections: the entry it is shown at (a demonym's
/// country) and whether it is a demonym; `None` if it was marked not a place.
/// `correction` is what decides the mention besides the parser: its correction, or its
/// name's rule put as one.
pub fn effective_place(
    gazetteer: &Gazetteer,
    correction: Option<&CorrectionAction>,
    parsed: EntryIndex,
) -> Option<(EntryIndex, bool)> {
    let entry = match correction {
        Some(CorrectionAction::NotAPlace) => return None,
        // A reassignment to an id this gazetteer lacks keeps the parser's choice, as
        // `Corrections::apply` does.
        Some(CorrectionAction::Reassign { id }) => gazetteer.index_of_id(id).unwrap_or(parsed),
        None => parsed,
    };
    Some((
        located_entry(gazetteer, entry),
        gazetteer.kind(entry) == Kind::Demonym,
    ))
}

/// Changes to the layer's counts, by place, not yet written.
#[derive(Debug, Default)]
pub struct LayerChanges {
    by_place: FxHashMap<EntryRef, Change>,
}

/// Change to one place's counts.
#[derive(Debug, Default, Clone, Copy)]
struct Change {
    mentions: i64,
    documents: i64,
}

impl LayerChanges {
    /// Adds `mentions` mentions and `documents` documents to `place` (negative to take away).
    pub fn add(&mut self, place: EntryRef, mentions: i64, documents: i64) {
        let c = self.by_place.entry(place).or_default();
        c.mentions += mentions;
        c.documents += documents;
    }

    /// True if nothing changes.
    pub fn is_empty(&self) -> bool {
        self.by_place
            .values()
            .all(|c| c.mentions == 0 && c.documents == 0)
    }

    /// Writes the changes to the layer (inside the caller's transaction): counts of
    /// existing places change, new places get a row with their point, places left with
    /// no mention are removed; then the layer's extent and time of change in
    /// `gpkg_contents`.
    pub fn write(self, conn: &Connection) -> rusqlite::Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        let mut update = conn.prepare_cached(
            "UPDATE places SET mention_count = mention_count + ?2, \
             document_count = document_count + ?3 WHERE fid = ?1",
        )?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO places (fid, geom, name, gazetteer_id, feature_type, country_code, \
             mention_count, document_count) \
             SELECT ref, ?2, name, gazetteer_id, kind, country_code, ?3, ?4 \
             FROM gazette_entries WHERE ref = ?1",
        )?;
        let mut coordinates =
            conn.prepare_cached("SELECT lon, lat FROM gazette_entries WHERE ref = ?1")?;
        let mut remove =
            conn.prepare_cached("DELETE FROM places WHERE fid = ?1 AND mention_count <= 0")?;
        let mut places: Vec<(EntryRef, Change)> = self.by_place.into_iter().collect();
        places.sort_by_key(|(r, _)| *r);
        for (place, change) in places {
            if change.mentions == 0 && change.documents == 0 {
                continue;
            }
            if update.execute((place, change.mentions, change.documents))? == 0 {
                let point: Option<(f64, f64)> = coordinates
                    .query_row([place], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((lon, lat)) = point {
                    let geom = geometry::point(lon, lat);
                    insert.execute((place, &geom[..], change.mentions, change.documents))?;
                }
            }
            if change.mentions < 0 {
                remove.execute([place])?;
            }
        }
        conn.prepare_cached(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'), \
             (min_x, min_y, max_x, max_y) = \
             (SELECT min(lon), min(lat), max(lon), max(lat) FROM gazette_entries \
              WHERE ref IN (SELECT fid FROM places)) \
             WHERE table_name = ?1",
        )?
        .execute([LAYER])?;
        Ok(())
    }
}

/// One place of the layer: its gazetteer id and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceSummary {
    /// The entry's stable id (`gn:2440485`).
    pub gazetteer_id: String,
    /// Its name, as the gazetteer that wrote it gave it.
    pub name: String,
    /// Mentions that count for it (see the [module](self) documentation).
    pub mention_count: u64,
    /// Documents with at least one of them.
    pub document_count: u64,
}

/// The layer's places, most mentioned first (then by name, then id), read from the layer.
pub fn summaries(conn: &Connection, path: &Path) -> Result<Vec<PlaceSummary>, super::ProjectError> {
    read_summaries(
        conn,
        path,
        "SELECT gazetteer_id, name, mention_count, document_count FROM places",
    )
}

/// The layer's places recounted from every mention in SQL, in the same order as
/// [`summaries`]: slower (it reads every mention), for checking the layer.
pub fn count_from_mentions(
    conn: &Connection,
    path: &Path,
) -> Result<Vec<PlaceSummary>, super::ProjectError> {
    read_summaries(
        conn,
        path,
        "SELECT e.gazetteer_id, e.name, c.mentions, c.documents FROM \
         (SELECT place, count(*) AS mentions, count(DISTINCT document_id) AS documents \
          FROM gazette_mentions WHERE place IS NOT NULL AND demonym = 0 GROUP BY place) AS c \
         JOIN gazette_entries AS e ON e.ref = c.place",
    )
}

/// The query of [`count_in_dates`] (its plan is tested).
pub(super) const COUNT_IN_DATES: &str = "SELECT e.gazetteer_id, e.name, c.mentions, c.documents FROM \
         (SELECT m.place, count(*) AS mentions, count(DISTINCT m.document_id) AS documents \
          FROM gazette_documents AS d CROSS JOIN gazette_mentions AS m \
          ON m.document_id = d.id \
          WHERE m.place IS NOT NULL AND m.demonym = 0 \
          AND (substr(d.published, 1, 10) BETWEEN ?1 AND ?2 \
               OR (?3 AND d.published IS NULL)) \
          AND d.id BETWEEN ?4 AND ?5 \
          GROUP BY m.place) AS c \
         JOIN gazette_entries AS e ON e.ref = c.place";

/// The places as [`count_from_mentions`] counts them, of the documents published from
/// day `from` to day `to` (`YYYY-MM-DD`, both included, compared with the first ten
/// characters of the date as written), and of the undated ones when `undated`, among the
/// documents of ids `first` to `last` (the caller sums ranges). A pass
/// over the documents, then the mentions of those in range by their key (`CROSS JOIN`
/// keeps that order: walking the place index instead and looking up each mention's
/// document was 20 times slower on 200,000 articles): for a range of a timeline, on a
/// thread of its own.
pub fn count_in_dates(
    conn: &Connection,
    path: &Path,
    (from, to, undated): (&str, &str, bool),
    (first, last): (i64, i64),
) -> Result<Vec<PlaceSummary>, super::ProjectError> {
    read_summaries_with(conn, path, COUNT_IN_DATES, (from, to, undated, first, last))
}

fn read_summaries(
    conn: &Connection,
    path: &Path,
    select: &str,
) -> Result<Vec<PlaceSummary>, super::ProjectError> {
    read_summaries_with(conn, path, select, [])
}

fn read_summaries_with(
    conn: &Connection,
    path: &Path,
    select: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<PlaceSummary>, super::ProjectError> {
    let sqlite = |e| super::ProjectError::sqlite(path, e);
    let sql = format!("{select} ORDER BY 3 DESC, 2, 1");
    let mut stmt = conn.prepare(&sql).map_err(sqlite)?;
    let rows = stmt
        .query_map(params, |r| {
            Ok(PlaceSummary {
                gazetteer_id: r.get(0)?,
                name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                mention_count: r.get(2)?,
                document_count: r.get(3)?,
            })
        })
        .map_err(sqlite)?;
    rows.collect::<Result<_, _>>().map_err(sqlite)
}
