//! Adding parsed documents to a project, in batches: one transaction per batch (up to
//! [`BatchPolicy::documents`] documents or [`BatchPolicy::interval`]), so a large folder
//! streams in with a sync per batch rather than per document, and an interruption loses
//! only the batch in flight.
//!
//! A document is known by its name and content ([`ContentHash`]): given again with the
//! same name and the same text, it is not added again ([`Added::AlreadyPresent`]). A
//! document whose name is in the project with another text is a different document and is
//! added beside it, as `gazette parse` would export both.

use std::time::{Duration, Instant};

use rusqlite::OptionalExtension;
use rusqlite::types::Value;

use super::Project;
use super::content_hash::ContentHash;
use super::entries::{EntryRef, EntryTable};
use super::error::ProjectError;
use super::layer::{LayerChanges, effective_place};
use super::read::DocumentId;
use crate::corpus::{Corrections, ParsedDocument};
use crate::gazetteer::Gazetteer;

/// When a [`ProjectWriter`] commits the batch it has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPolicy {
    /// Commit once this many documents were added in the batch.
    pub documents: usize,
    /// Commit once the batch has been open this long (checked as documents are added).
    pub interval: Duration,
}

impl Default for BatchPolicy {
    /// 1,000 documents or one second, whichever comes first: a sync per second at most,
    /// and a crash loses at most a second of parsing.
    fn default() -> Self {
        BatchPolicy {
            documents: 1000,
            interval: Duration::from_secs(1),
        }
    }
}

impl BatchPolicy {
    /// One transaction for everything, committed by [`ProjectWriter::finish`].
    pub fn single_transaction() -> BatchPolicy {
        BatchPolicy {
            documents: usize::MAX,
            interval: Duration::MAX,
        }
    }
}

/// What [`ProjectWriter::add`] did with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// It was added under this id.
    Added(DocumentId),
    /// A document with the same name and text was already in the project (this id); it
    /// was not added again.
    AlreadyPresent(DocumentId),
}

/// Totals of a [`ProjectWriter`]'s work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// Documents added.
    pub added: usize,
    /// Documents given that the project already held (same name and text).
    pub already_present: usize,
    /// Mentions added.
    pub mentions: usize,
    /// Transactions committed.
    pub batches: usize,
}

/// Adds parsed documents to a project in batched transactions; see the
/// [module](self) documentation. Call [`ProjectWriter::finish`] to commit the last batch:
/// dropped without it, the writer rolls back the open batch (earlier batches stay).
pub struct ProjectWriter<'p, 'g> {
    project: &'p mut Project,
    gazetteer: &'g Gazetteer,
    policy: BatchPolicy,
    /// The open transaction: when it began and how many documents it added.
    open: Option<(Instant, usize)>,
    layer: LayerChanges,
    summary: WriteSummary,
}

impl Project {
    /// A writer adding documents parsed with `gazetteer`, committing a batch per
    /// [`BatchPolicy::default`].
    pub fn writer<'p, 'g>(
        &'p mut self,
        gazetteer: &'g Gazetteer,
    ) -> Result<ProjectWriter<'p, 'g>, ProjectError> {
        self.writer_with(gazetteer, BatchPolicy::default())
    }

    /// A writer with its own batch policy.
    pub fn writer_with<'p, 'g>(
        &'p mut self,
        gazetteer: &'g Gazetteer,
        policy: BatchPolicy,
    ) -> Result<ProjectWriter<'p, 'g>, ProjectError> {
        self.check_writable()?;
        Ok(ProjectWriter {
            project: self,
            gazetteer,
            policy,
            open: None,
            layer: LayerChanges::default(),
            summary: WriteSummary::default(),
        })
    }

    /// Adds `documents` (parsed with `gazetteer`) in one transaction: all or none.
    pub fn add_documents(
        &mut self,
        gazetteer: &Gazetteer,
        documents: &[ParsedDocument],
    ) -> Result<Vec<Added>, ProjectError> {
        let mut writer = self.writer_with(gazetteer, BatchPolicy::single_transaction())?;
        let added = documents
            .iter()
            .map(|d| writer.add(d))
            .collect::<Result<Vec<_>, _>>()?;
        writer.finish()?;
        Ok(added)
    }
}

impl ProjectWriter<'_, '_> {
    /// Adds one document, unless the project holds one of the same name and text; commits
    /// the batch when the policy says so.
    pub fn add(&mut self, parsed: &ParsedDocument) -> Result<Added, ProjectError> {
        self.add_record(parsed, None)
    }

    /// Adds one document as [`ProjectWriter::add`] does, noting that it is the record
    /// `record` of its file (a feed item, a dataset row, a zip entry).
    pub fn add_record(
        &mut self,
        parsed: &ParsedDocument,
        record: Option<&str>,
    ) -> Result<Added, ProjectError> {
        let path = self.project.path.clone();
        let sqlite = |e| ProjectError::sqlite(&path, e);
        if self.open.is_none() {
            self.project
                .conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(sqlite)?;
            self.open = Some((Instant::now(), 0));
        }
        let project = &mut *self.project;
        let entries = super::resolve_entries(
            project.entries.get_mut(),
            &project.conn,
            &path,
            self.gazetteer,
        )?;
        // The corrections are consulted only for a document that has one, or when
        // there are rules (which concern every document).
        let corrections = (project.corrected_documents.contains(&parsed.document.name)
            || !project.corrections.rules().is_empty())
        .then_some(&project.corrections);
        let added = insert(
            &project.conn,
            entries,
            corrections,
            self.gazetteer,
            &mut self.layer,
            parsed,
            record,
        )
        .map_err(sqlite)?;
        match added {
            Added::Added(_) => {
                self.summary.added += 1;
                self.summary.mentions += parsed.mentions.len();
            }
            Added::AlreadyPresent(_) => self.summary.already_present += 1,
        }
        if let Some((began, documents)) = &mut self.open {
            *documents += 1;
            if *documents >= self.policy.documents || began.elapsed() >= self.policy.interval {
                self.commit()?;
            }
        }
        Ok(added)
    }

    /// Commits the open batch now (nothing if none is open).
    pub fn commit(&mut self) -> Result<(), ProjectError> {
        if self.open.is_none() {
            return Ok(());
        }
        let conn = &self.project.conn;
        let result = std::mem::take(&mut self.layer)
            .write(conn)
            .and_then(|()| {
                conn.prepare_cached(
                    "UPDATE gpkg_contents SET last_change = \
                     strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?1",
                )?
                .execute([super::schema::DOCUMENTS])
            })
            .and_then(|_| conn.execute_batch("COMMIT"));
        match result {
            Ok(()) => {
                self.open = None;
                self.summary.batches += 1;
                Ok(())
            }
            Err(e) => {
                self.rollback();
                Err(ProjectError::sqlite(&self.project.path, e))
            }
        }
    }

    /// Commits the last batch and says what was done.
    pub fn finish(mut self) -> Result<WriteSummary, ProjectError> {
        self.commit()?;
        // A new project's review index, made once its first documents are in (see
        // `schema::add_confidence_index` for why not as they go in). Only a review's
        // speed depends on it: if it cannot be made (a full disk), the documents written
        // stay written and a review scans the mentions instead.
        let _ = super::schema::add_confidence_index(&self.project.conn);
        Ok(self.summary)
    }

    /// What was done so far.
    pub fn summary(&self) -> WriteSummary {
        self.summary
    }

    fn rollback(&mut self) {
        if self.open.take().is_some() {
            // If even the rollback fails, SQLite rolls the journal back at the next open.
            let _ = self.project.conn.execute_batch("ROLLBACK");
            *self.project.entries.get_mut() = None;
            self.layer = LayerChanges::default();
        }
    }
}

impl Drop for ProjectWriter<'_, '_> {
    /// Rolls back the open batch: a writer dropped without [`ProjectWriter::finish`] (an
    /// error, a panic, a cancel) leaves the project as of its last commit.
    fn drop(&mut self) {
        self.rollback();
    }
}

/// Inserts the document, its text and its mentions, and notes their counts for the
/// layer (inside the open transaction). `corrections` (with their rules) are consulted
/// when they may concern the document.
fn insert(
    conn: &rusqlite::Connection,
    entries: &mut EntryTable,
    corrections: Option<&Corrections>,
    gazetteer: &Gazetteer,
    layer: &mut LayerChanges,
    parsed: &ParsedDocument,
    record: Option<&str>,
) -> rusqlite::Result<Added> {
    let document = &parsed.document;
    let hash = ContentHash::of(&document.text);
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM gazette_documents WHERE name = ?1 AND content_sha256 = ?2")?
        .query_row((&document.name, &hash.as_bytes()[..]), |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(Added::AlreadyPresent(DocumentId(id)));
    }
    conn.prepare_cached(
        "INSERT INTO gazette_documents (name, path, content_sha256, byte_size, \
         mention_count, title, published, url, source, record) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute((
        &document.name,
        document.path.as_deref().map(path_value),
        &hash.as_bytes()[..],
        document.text.len(),
        parsed.mentions.len(),
        document.meta.title.as_deref(),
        document.meta.published.map(|p| p.to_string()),
        document.meta.url.as_deref(),
        document.meta.source.as_deref(),
        record,
    ))?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO gazette_texts (document_id, text) VALUES (?1, ?2)")?
        .execute((id, &document.text))?;
    insert_mentions(conn, entries, corrections, gazetteer, layer, id, parsed)?;
    Ok(Added::Added(DocumentId(id)))
}

/// Inserts the mentions of `parsed`, the document of row `id`, and notes their counts
/// for the layer (inside the open transaction).
fn insert_mentions(
    conn: &rusqlite::Connection,
    entries: &mut EntryTable,
    corrections: Option<&Corrections>,
    gazetteer: &Gazetteer,
    layer: &mut LayerChanges,
    id: i64,
    parsed: &ParsedDocument,
) -> rusqlite::Result<()> {
    let document = &parsed.document;
    let mut insert = conn.prepare_cached(
        "INSERT INTO gazette_mentions (document_id, ordinal, start_byte, end_byte, text, \
         passage_start, passage_end, entry, confidence, probability, alternates, place, \
         demonym) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut places: Vec<EntryRef> = Vec::new();
    for (ordinal, m) in parsed.mentions.iter().enumerate() {
        let r = &m.resolution;
        let entry = entries.ref_of(conn, gazetteer, r.entry)?;
        let alternates = entries.pack_alternates(conn, gazetteer, &r.alternates)?;
        let decision =
            corrections.and_then(|c| c.decision(&document.name, m.start, m.end, &m.text));
        let (place, demonym) = match effective_place(gazetteer, decision.as_ref(), r.entry) {
            Some((located, demonym)) => (Some(entries.ref_of(conn, gazetteer, located)?), demonym),
            None => (None, false),
        };
        if let (Some(place), false) = (place, demonym) {
            places.push(place);
        }
        insert.execute(rusqlite::params![
            id,
            ordinal,
            m.start,
            m.end,
            &m.text,
            m.passage.start,
            m.passage.end,
            entry,
            f64::from(r.confidence),
            f64::from(r.probability),
            alternates,
            place,
            demonym,
        ])?;
    }
    places.sort_unstable();
    for group in places.chunk_by(|a, b| a == b) {
        layer.add(group[0], group.len() as i64, 1);
    }
    Ok(())
}

/// Replaces the mentions of the document of row `id` with those of `parsed` (inside the
/// open transaction), moving the layer's counts.
fn replace_document_mentions(
    conn: &rusqlite::Connection,
    entries: &mut EntryTable,
    corrections: Option<&Corrections>,
    gazetteer: &Gazetteer,
    layer: &mut LayerChanges,
    id: i64,
    parsed: &ParsedDocument,
) -> rusqlite::Result<()> {
    {
        let mut counted = conn.prepare_cached(
            "SELECT place, count(*) FROM gazette_mentions \
             WHERE document_id = ?1 AND place IS NOT NULL AND demonym = 0 GROUP BY place",
        )?;
        let old = counted.query_map([id], |r| {
            Ok((r.get::<_, EntryRef>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in old {
            let (place, mentions) = row?;
            layer.add(place, -mentions, -1);
        }
    }
    conn.prepare_cached("DELETE FROM gazette_mentions WHERE document_id = ?1")?
        .execute([id])?;
    conn.prepare_cached("UPDATE gazette_documents SET mention_count = ?2 WHERE id = ?1")?
        .execute((id, parsed.mentions.len()))?;
    insert_mentions(conn, entries, corrections, gazetteer, layer, id, parsed)
}

/// Brings the project's rows of user places (`user:…`), in `gazette_entries` and in the
/// layer, up to the places in effect in `gazetteer`: a place edited (moved, renamed)
/// keeps its id and its rows, which still held it as it was.
fn refresh_user_places(conn: &rusqlite::Connection, gazetteer: &Gazetteer) -> rusqlite::Result<()> {
    let mut select = conn.prepare_cached(
        "SELECT ref, gazetteer_id FROM gazette_entries WHERE gazetteer_id LIKE 'user:%'",
    )?;
    let rows = select
        .query_map([], |r| {
            Ok((r.get::<_, EntryRef>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut entry_row = conn.prepare_cached(
        "UPDATE gazette_entries SET name = ?2, kind = ?3, country_code = ?4, lon = ?5, \
         lat = ?6 WHERE ref = ?1",
    )?;
    let mut layer_row = conn.prepare_cached(
        "UPDATE places SET geom = ?2, name = ?3, feature_type = ?4, country_code = ?5 \
         WHERE fid = ?1",
    )?;
    for (r, id) in rows {
        let Some(index) = gazetteer.index_of_id(&id) else {
            continue;
        };
        let e = gazetteer.entry(index);
        let kind = e.kind.as_str();
        entry_row.execute((r, &e.name, kind, &e.country_code, e.lon, e.lat))?;
        let geom = super::geometry::point(e.lon, e.lat);
        layer_row.execute((r, &geom[..], &e.name, kind, &e.country_code))?;
    }
    Ok(())
}

impl Project {
    /// Replaces the mentions of those of `documents` the project holds (the same name
    /// and text), parsed again because the user's places changed, in one transaction:
    /// the layer's counts move with them. A document the project does not hold is
    /// passed over. Returns how many were replaced.
    pub fn replace_mentions(
        &mut self,
        gazetteer: &Gazetteer,
        documents: &[&ParsedDocument],
    ) -> Result<usize, ProjectError> {
        self.check_writable()?;
        let path = self.path.clone();
        let sqlite = |e| ProjectError::sqlite(&path, e);
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(sqlite)?;
        let result = (|| -> Result<usize, ProjectError> {
            let project = &mut *self;
            let entries =
                super::resolve_entries(project.entries.get_mut(), &project.conn, &path, gazetteer)?;
            let conn = &project.conn;
            let mut layer = LayerChanges::default();
            let mut replaced = 0;
            for parsed in documents {
                let document = &parsed.document;
                let hash = ContentHash::of(&document.text);
                let id: Option<i64> = conn
                    .prepare_cached(
                        "SELECT id FROM gazette_documents WHERE name = ?1 AND content_sha256 = ?2",
                    )
                    .and_then(|mut s| {
                        s.query_row((&document.name, &hash.as_bytes()[..]), |r| r.get(0))
                            .optional()
                    })
                    .map_err(sqlite)?;
                let Some(id) = id else {
                    continue;
                };
                let corrections = (project.corrected_documents.contains(&document.name)
                    || !project.corrections.rules().is_empty())
                .then_some(&project.corrections);
                replace_document_mentions(
                    conn,
                    entries,
                    corrections,
                    gazetteer,
                    &mut layer,
                    id,
                    parsed,
                )
                .map_err(sqlite)?;
                replaced += 1;
            }
            layer.write(conn).map_err(sqlite)?;
            refresh_user_places(conn, gazetteer).map_err(sqlite)?;
            Ok(replaced)
        })();
        match result.and_then(|n| {
            self.conn
                .execute_batch("COMMIT")
                .map(|()| n)
                .map_err(sqlite)
        }) {
            Ok(n) => Ok(n),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                *self.entries.get_mut() = None;
                Err(e)
            }
        }
    }
}

/// A document's path as stored: text when it is UTF-8, else (on Unix) its bytes as a
/// blob, so that every path comes back as it was.
fn path_value(path: &std::path::Path) -> Value {
    if let Some(text) = path.to_str() {
        return Value::Text(text.to_string());
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Value::Blob(path.as_os_str().as_bytes().to_vec())
    }
    #[cfg(not(unix))]
    {
        Value::Text(path.to_string_lossy().into_owned())
    }
}
