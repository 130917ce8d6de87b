//! Reading a project back: documents streamed in the order they were added (with their
//! texts, as [`ParsedDocument`]s, or without, as [`DocumentOutline`]s for a view that
//! fetches texts on demand), the documents it knows, the places' counts, and the first
//! passages of a place, which an index makes a short range scan however many documents
//! there are.
//!
//! Everything read is checked before it is handed on: offsets inside their text and on
//! character boundaries, probabilities in [0, 1]. A value no Gazette writes is reported
//! as damage ([`ProjectError::Damaged`]), so a view may slice a text with a mention's
//! offsets.

use std::collections::{BTreeMap, HashMap};
use std::ops::{ControlFlow, Range};
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, Row};

use super::Project;
use super::content_hash::ContentHash;
use super::entries::{EntryTable, check_probability};
use super::error::ProjectError;
use super::layer::{self, PlaceSummary};
use super::schema;
use crate::corpus::{DateRange, Document, DocumentSource, ParsedDocument};
use crate::gazetteer::Gazetteer;
use crate::geoparse::{Mention, Resolution};

/// Documents an aggregate over every mention reads per statement (see
/// `Project::document_chunks`).
pub const AGGREGATE_CHUNK: i64 = 20_000;

/// Rows of [`schema::CONFIDENCE_INDEX`] a review walks at most (or 4 per mention asked
/// for, if more) before it scans the mentions instead (see
/// [`Project::least_certain_passages`]). Each row costs a look-up of its document (for
/// its date and name) and of its correction: 50,000 rows take a fraction of what a scan
/// of 200,000 articles' mentions takes, and of a million articles' a few percent; so a
/// walk that gives way adds little to the scan, and one that succeeds saves the scan.
/// Enough for a review of every date with 40,000 mentions decided and still counted
/// (accepted), or of 30 days of a year.
pub const REVIEW_WALK_ROWS: usize = 50_000;

/// Rows between two estimates, in a walk of [`schema::CONFIDENCE_INDEX`], of the rows it
/// still needs at the rate of rows in the date range so far.
const WALK_ESTIMATE_EVERY: usize = 1_000;

/// A mention to review, by key: its confidence, document and ordinal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ReviewKey {
    confidence: f64,
    document_id: i64,
    ordinal: i64,
}

impl ReviewKey {
    /// Least certain first, ties in document then text order.
    fn order(a: &ReviewKey, b: &ReviewKey) -> std::cmp::Ordering {
        a.confidence
            .total_cmp(&b.confidence)
            .then((a.document_id, a.ordinal).cmp(&(b.document_id, b.ordinal)))
    }
}

/// A document's id in a project: its row, fixed for the project's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(pub(super) i64);

impl DocumentId {
    /// The row number, as in `gazette_documents.id`.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// A document without its text: what a view needs to list documents and show places,
/// fetching a text ([`Project::text`]) or passages ([`Project::passages`]) when shown.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentOutline {
    /// Its id in the project.
    pub id: DocumentId,
    /// Its name.
    pub name: String,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// Length of its text in bytes (UTF-8): every offset is below it.
    pub byte_size: usize,
    /// SHA-256 of its text.
    pub content_hash: ContentHash,
    /// Its mentions, in text order; those whose entry the gazetteer lacks are left out
    /// (counted in [`ReadReport`]).
    pub mentions: Vec<Mention>,
    /// Its title, date, URL and source, as read from its file.
    pub meta: crate::corpus::Metadata,
    /// For a document that is one record of a file holding many, its record key (see
    /// [`crate::corpus::DocumentSource::File`]).
    pub record: Option<String>,
}

/// A document as a list shows it: no text, no mentions. Listing a million of them is
/// a scan of one small table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    /// Its id in the project.
    pub id: DocumentId,
    /// Its name.
    pub name: String,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// Length of its text in bytes (UTF-8).
    pub byte_size: usize,
    /// How many mentions the parser found in it.
    pub mention_count: usize,
}

/// What reading the documents met besides the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Documents read.
    pub documents: usize,
    /// Mentions left out because the gazetteer lacks the entry they were resolved to
    /// (the project was made with another gazetteer).
    pub mentions_left_out: usize,
    /// Alternates left out for the same reason.
    pub alternates_left_out: usize,
    /// The ids the project refers to that the gazetteer lacks, sorted.
    pub missing_ids: Vec<String>,
}

impl ReadReport {
    /// A sentence for the user if something was left out, naming a few missing ids.
    pub fn warning(&self) -> Option<String> {
        if self.mentions_left_out == 0 && self.alternates_left_out == 0 {
            return None;
        }
        let shown: Vec<&str> = self
            .missing_ids
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        Some(format!(
            "this gazetteer lacks {} of the entries the project refers to ({}{}): {} \
             mention(s) and {} alternate(s) were left out; use the gazetteer the project \
             was made with",
            self.missing_ids.len(),
            shown.join(", "),
            if self.missing_ids.len() > shown.len() {
                ", …"
            } else {
                ""
            },
            self.mentions_left_out,
            self.alternates_left_out,
        ))
    }
}

/// One passage of a place: where it is and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The document's id.
    pub document_id: DocumentId,
    /// The document's name.
    pub document: String,
    /// The document's title and publication date (as written: RFC 3339 or a day), when
    /// its file had them.
    pub title: Option<String>,
    /// See `title`.
    pub published: Option<String>,
    /// The mention's byte span in the document's text.
    pub mention: Range<usize>,
    /// The passage's byte span in the document's text (it holds the mention).
    pub passage: Range<usize>,
    /// The passage's text (`passage` of the document's text).
    pub text: String,
}

/// The documents a project holds, by name and content hash, in memory: for telling,
/// on the threads that read files, which ones need not be parsed.
#[derive(Debug, Clone, Default)]
pub struct KnownDocuments {
    by_name: HashMap<String, Vec<ContentHash>>,
}

impl KnownDocuments {
    /// True if a document of this name and content is known.
    pub fn contains(&self, name: &str, hash: &ContentHash) -> bool {
        self.by_name.get(name).is_some_and(|h| h.contains(hash))
    }

    /// True if `document` (its name and text) is known. Hashes the text only when a
    /// document of that name is known.
    pub fn contains_document(&self, document: &Document) -> bool {
        self.by_name
            .get(&document.name)
            .is_some_and(|h| h.contains(&ContentHash::of(&document.text)))
    }

    /// Number of documents known.
    pub fn len(&self) -> usize {
        self.by_name.values().map(Vec::len).sum()
    }

    /// True if none is.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

impl Project {
    /// Number of documents.
    pub fn document_count(&self) -> Result<usize, ProjectError> {
        self.conn
            .query_row("SELECT count(*) FROM gazette_documents", [], |r| r.get(0))
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// True if the project holds a document of this name and content.
    pub fn contains(&self, name: &str, hash: &ContentHash) -> Result<bool, ProjectError> {
        self.conn
            .query_row(
                "SELECT 1 FROM gazette_documents WHERE name = ?1 AND content_sha256 = ?2",
                (name, &hash.as_bytes()[..]),
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// Every document's name and content hash, to skip documents before parsing them
    /// (see [`crate::corpus::load_unless_known`]).
    pub fn known_documents(&self) -> Result<KnownDocuments, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let mut stmt = self
            .conn
            .prepare("SELECT name, content_sha256 FROM gazette_documents")
            .map_err(sqlite)?;
        let mut rows = stmt.query([]).map_err(sqlite)?;
        let mut known = KnownDocuments::default();
        while let Some(row) = rows.next().map_err(sqlite)? {
            let name: String = row.get(0).map_err(sqlite)?;
            let hash = content_hash(&self.path, row, 1)?;
            known.by_name.entry(name).or_default().push(hash);
        }
        Ok(known)
    }

    /// The ids the project refers to that `gazetteer` lacks, sorted: empty when the
    /// project was made with this gazetteer (or one with every entry it uses).
    pub fn missing_entries(&self, gazetteer: &Gazetteer) -> Result<Vec<String>, ProjectError> {
        Ok(self.entries(gazetteer)?.missing().to_vec())
    }

    /// Calls `f` with each document and its text, parsed mentions resolved against
    /// `gazetteer`, in the order they were added, one at a time (memory holds one
    /// document); stops early when `f` breaks.
    pub fn for_each_document(
        &self,
        gazetteer: &Gazetteer,
        f: &mut dyn FnMut(ParsedDocument) -> ControlFlow<()>,
    ) -> Result<ReadReport, ProjectError> {
        self.stream(gazetteer, true, &mut |outline, text| {
            f(ParsedDocument {
                document: Document {
                    name: outline.name,
                    path: outline.path,
                    text: text.unwrap_or_default(),
                    meta: outline.meta,
                },
                mentions: outline.mentions,
            })
        })
    }

    /// Calls `f` with each document and its text as [`Project::for_each_document`] does,
    /// with where it came from: the source a view of the project lists it under (its
    /// file and record key, or its text for a document that had no file).
    pub fn for_each_document_with_source(
        &self,
        gazetteer: &Gazetteer,
        f: &mut dyn FnMut(ParsedDocument, DocumentSource) -> ControlFlow<()>,
    ) -> Result<ReadReport, ProjectError> {
        self.stream(gazetteer, true, &mut |outline, text| {
            let text = text.unwrap_or_default();
            let source = match &outline.path {
                Some(path) => DocumentSource::File {
                    path: path.clone(),
                    name: outline.name.clone(),
                    record: outline.record,
                    fields: Default::default(),
                },
                None => DocumentSource::Pasted {
                    name: outline.name.clone(),
                    text: text.clone(),
                },
            };
            let parsed = ParsedDocument {
                document: Document {
                    name: outline.name,
                    path: outline.path,
                    text,
                    meta: outline.meta,
                },
                mentions: outline.mentions,
            };
            f(parsed, source)
        })
    }

    /// Calls `f` with each document without its text (see [`DocumentOutline`]), in the
    /// order they were added; stops early when `f` breaks. Reads no text.
    pub fn for_each_outline(
        &self,
        gazetteer: &Gazetteer,
        f: &mut dyn FnMut(DocumentOutline) -> ControlFlow<()>,
    ) -> Result<ReadReport, ProjectError> {
        self.stream(gazetteer, false, &mut |outline, _| f(outline))
    }

    /// Calls `f` with each document's [`DocumentSummary`], in the order they were added;
    /// stops early when `f` breaks. Reads neither texts nor mentions: what an app lists at
    /// once, fetching a document's [`Project::mentions`] and [`Project::text`] when shown.
    pub fn for_each_document_summary(
        &self,
        f: &mut dyn FnMut(DocumentSummary) -> ControlFlow<()>,
    ) -> Result<(), ProjectError> {
        let path = self.path.as_path();
        let sqlite = |e| ProjectError::sqlite(path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, name, path, byte_size, mention_count FROM gazette_documents \
                 ORDER BY id",
            )
            .map_err(sqlite)?;
        let mut rows = stmt.query([]).map_err(sqlite)?;
        while let Some(row) = rows.next().map_err(sqlite)? {
            let summary = DocumentSummary {
                id: DocumentId(row.get(0).map_err(sqlite)?),
                name: row.get(1).map_err(sqlite)?,
                path: path_of(path, row.get_ref(2).map_err(sqlite)?)?,
                byte_size: row.get(3).map_err(sqlite)?,
                mention_count: row.get(4).map_err(sqlite)?,
            };
            if f(summary).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The mentions of one document, resolved against `gazetteer`, in text order; those
    /// whose entry the gazetteer lacks are left out and counted in the report.
    pub fn mentions(
        &self,
        gazetteer: &Gazetteer,
        id: DocumentId,
    ) -> Result<(Vec<Mention>, ReadReport), ProjectError> {
        let path = self.path.as_path();
        let sqlite = |e| ProjectError::sqlite(path, e);
        let entries = self.entries(gazetteer)?;
        let (name, byte_size): (String, usize) = self
            .conn
            .query_row(
                "SELECT name, byte_size FROM gazette_documents WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sqlite)?
            .ok_or_else(|| ProjectError::damaged(path, format!("no document {}", id.0)))?;
        let mut report = ReadReport {
            documents: 1,
            missing_ids: entries.missing().to_vec(),
            ..ReadReport::default()
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT document_id, start_byte, end_byte, text, passage_start, passage_end, \
                 entry, confidence, probability, alternates \
                 FROM gazette_mentions WHERE document_id = ?1 ORDER BY ordinal",
            )
            .map_err(sqlite)?;
        let mut rows = stmt.query([id.0]).map_err(sqlite)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite)? {
            match mention(path, &entries, row, (&name, byte_size, None), &mut report)? {
                Some(m) => out.push(m),
                None => report.mentions_left_out += 1,
            }
        }
        Ok((out, report))
    }

    /// The mention of document `id` at the byte span `start..end`, resolved against
    /// `gazetteer` (with its alternates, for a correction menu); `None` if the document
    /// has no mention there or the gazetteer lacks its entry. Reads that document's
    /// mentions only (its key's range), whatever the size of the project.
    pub fn mention_at(
        &self,
        gazetteer: &Gazetteer,
        id: DocumentId,
        start: usize,
        end: usize,
    ) -> Result<Option<Mention>, ProjectError> {
        let path = self.path.as_path();
        let sqlite = |e| ProjectError::sqlite(path, e);
        let entries = self.entries(gazetteer)?;
        let found: Option<(String, usize)> = self
            .conn
            .query_row(
                "SELECT name, byte_size FROM gazette_documents WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sqlite)?;
        let Some((name, byte_size)) = found else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT document_id, start_byte, end_byte, text, passage_start, passage_end, \
                 entry, confidence, probability, alternates \
                 FROM gazette_mentions WHERE document_id = ?1 AND start_byte = ?2 \
                 AND end_byte = ?3 ORDER BY ordinal LIMIT 1",
            )
            .map_err(sqlite)?;
        let (start, end) = (
            i64::try_from(start).unwrap_or(i64::MAX),
            i64::try_from(end).unwrap_or(i64::MAX),
        );
        let mut rows = stmt.query((id.0, start, end)).map_err(sqlite)?;
        let Some(row) = rows.next().map_err(sqlite)? else {
            return Ok(None);
        };
        let mut report = ReadReport::default();
        mention(path, &entries, row, (&name, byte_size, None), &mut report)
    }

    /// Every document with its text, in memory, in the order they were added: for an
    /// export, which needs them all at once (texts included: a project of 100,000
    /// articles of 2 KB needs some 200 MB for the texts).
    pub fn documents(
        &self,
        gazetteer: &Gazetteer,
    ) -> Result<(Vec<ParsedDocument>, ReadReport), ProjectError> {
        let mut documents = Vec::new();
        let report = self.for_each_document(gazetteer, &mut |d| {
            documents.push(d);
            ControlFlow::Continue(())
        })?;
        Ok((documents, report))
    }

    /// The text of a document.
    pub fn text(&self, id: DocumentId) -> Result<String, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let found: Option<(String, usize)> = self
            .conn
            .query_row(
                "SELECT t.text, d.byte_size FROM gazette_texts AS t \
                 JOIN gazette_documents AS d ON d.id = t.document_id WHERE d.id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sqlite)?;
        match found {
            Some((text, size)) if text.len() == size => Ok(text),
            Some(_) => Err(ProjectError::damaged(
                &self.path,
                format!("document {} is not as long as recorded", id.0),
            )),
            None => Err(ProjectError::damaged(
                &self.path,
                format!("document {} has no text", id.0),
            )),
        }
    }

    /// The places of the layer with their counts, most mentioned first (see
    /// [`layer`](mod@super::layer) for what is counted). Reads the layer's rows, not the
    /// mentions: instant whatever the size of the project.
    pub fn place_summaries(&self) -> Result<Vec<PlaceSummary>, ProjectError> {
        layer::summaries(&self.conn, &self.path)
    }

    /// The same summaries recounted from every mention (slower): to check the layer.
    pub fn count_places_from_mentions(&self) -> Result<Vec<PlaceSummary>, ProjectError> {
        layer::count_from_mentions(&self.conn, &self.path)
    }

    /// The first `limit` passages of the place `gazetteer_id` after corrections, in
    /// document then text order, with demonym mentions (`Nigerien` under Niger) when
    /// `include_demonyms`. A range scan of an index, so as fast in a project of a million
    /// documents as in one of ten.
    pub fn passages(
        &self,
        gazetteer_id: &str,
        include_demonyms: bool,
        limit: usize,
    ) -> Result<Vec<Passage>, ProjectError> {
        self.passages_in_dates(gazetteer_id, include_demonyms, limit, None)
    }

    /// [`Project::passages`] of the documents published from day `from` to day `to`
    /// (both included; days since 1970-01-01, `None` for no bound), and of the undated
    /// ones when `undated`, as [`Project::count_places_in_dates`] takes them; every
    /// document's with `dates` `None`. The same range scan of the place's index, which
    /// skips the rows of other dates.
    pub fn passages_in_dates(
        &self,
        gazetteer_id: &str,
        include_demonyms: bool,
        limit: usize,
        dates: Option<(Option<i32>, Option<i32>, bool)>,
    ) -> Result<Vec<Passage>, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let day = |d: i32| {
            crate::corpus::metadata::date_of_day(d)
                .format("%Y-%m-%d")
                .to_string()
        };
        let (in_dates, from, to, undated) = match dates {
            None => ("", String::new(), String::new(), true),
            // No dates kept: every document is undated.
            Some((_, _, undated)) if !self.metadata[1] => {
                if !undated {
                    return Ok(Vec::new());
                }
                ("", String::new(), String::new(), true)
            }
            Some((from, to, undated)) => (
                "AND (substr(d.published, 1, 10) BETWEEN ?3 AND ?4 \
                 OR (?5 AND d.published IS NULL))",
                from.map_or_else(|| "0000-00-00".to_string(), day),
                to.map_or_else(|| "9999-99-99".to_string(), day),
                undated,
            ),
        };
        // Title and date from projects that have the columns (older ones opened
        // read-only may not).
        let column = |i: usize| {
            if self.metadata[i] {
                format!("d.{}", schema::METADATA_COLUMNS[i])
            } else {
                "NULL".to_string()
            }
        };
        let sql = format!(
            "SELECT m.document_id, d.name, m.start_byte, m.end_byte, m.passage_start, \
             m.passage_end, substr(CAST(t.text AS BLOB), m.passage_start + 1, \
             m.passage_end - m.passage_start), {}, {} \
             FROM gazette_mentions AS m \
             JOIN gazette_documents AS d ON d.id = m.document_id \
             JOIN gazette_texts AS t ON t.document_id = m.document_id \
             WHERE m.place = (SELECT ref FROM gazette_entries WHERE gazetteer_id = ?1) {} {} \
             ORDER BY m.document_id, m.start_byte LIMIT ?2",
            column(0),
            column(1),
            if include_demonyms {
                ""
            } else {
                "AND m.demonym = 0"
            },
            in_dates,
        );
        let mut stmt = self.conn.prepare(&sql).map_err(sqlite)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = if in_dates.is_empty() {
            stmt.query((gazetteer_id, limit))
        } else {
            stmt.query((gazetteer_id, limit, from, to, undated))
        }
        .map_err(sqlite)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite)? {
            out.push(self.passage_of(row)?);
        }
        Ok(out)
    }

    /// Mentions per publication day (days since 1970-01-01, as
    /// [`Published::day_number`](crate::corpus::Published::day_number) gives them), and
    /// mentions in documents without a date: counted as the layer counts them (after
    /// corrections, demonyms left out), by an SQL aggregate over every mention. For a
    /// timeline of a project too large to hold, on a thread of its own: a pass over the
    /// mentions (seconds for millions).
    pub fn mentions_per_day(&self) -> Result<(BTreeMap<i32, usize>, usize), ProjectError> {
        self.mentions_per_day_by(AGGREGATE_CHUNK)
    }

    /// [`Project::mentions_per_day`], a statement per `chunk` documents.
    pub(super) fn mentions_per_day_by(
        &self,
        chunk: i64,
    ) -> Result<(BTreeMap<i32, usize>, usize), ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        // Projects made before dates were kept (opened read-only) have none.
        let day = if self.metadata[1] {
            "substr(d.published, 1, 10)"
        } else {
            "NULL"
        };
        let sql = format!(
            "SELECT {day} AS day, count(*) FROM gazette_mentions AS m \
             JOIN gazette_documents AS d ON d.id = m.document_id \
             WHERE m.document_id BETWEEN ?1 AND ?2 \
             AND m.place IS NOT NULL AND m.demonym = 0 GROUP BY day"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(sqlite)?;
        let (mut days, mut undated) = (BTreeMap::new(), 0usize);
        for (lo, hi) in self.document_chunks(chunk)? {
            let mut rows = stmt.query((lo, hi)).map_err(sqlite)?;
            while let Some(row) = rows.next().map_err(sqlite)? {
                let day: Option<String> = row.get(0).map_err(sqlite)?;
                let count: usize = row.get(1).map_err(sqlite)?;
                // A date this version cannot read counts as undated, as when read whole.
                match day.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
                    Some(date) => {
                        *days
                            .entry(crate::corpus::metadata::day_number(date))
                            .or_default() += count
                    }
                    None => undated += count,
                }
            }
        }
        Ok((days, undated))
    }

    /// The documents' ids in ranges of [`AGGREGATE_CHUNK`], first to last: an aggregate
    /// over every mention runs a statement per range, each its own read transaction, so
    /// the project's writer (a correction) waits for one range at most, never for the
    /// whole pass (seconds for a million articles, past the busy timeout).
    ///
    /// Each range ends at an id that exists, found by a keyset walk of the ids (the
    /// `chunk`-th from the range's start), so there are as many ranges as `chunk`s of
    /// documents whatever the ids are: a file whose ids are sparse or huge (one near
    /// 2^62, crafted or damaged) gets a few ranges, not one per `chunk` ids between the
    /// first and the last. The ranges still cover every id from the first document's to
    /// the last's, each once.
    pub(super) fn document_chunks(&self, chunk: i64) -> Result<Vec<(i64, i64)>, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let chunk = chunk.max(1);
        let (first, last): (Option<i64>, Option<i64>) = self
            .conn
            .query_row("SELECT min(id), max(id) FROM gazette_documents", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(sqlite)?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        // The range's last id: the `chunk`-th from its first (a seek of the primary key,
        // then `chunk` steps), none when fewer documents are left.
        let mut end = self
            .conn
            .prepare(
                "SELECT id FROM gazette_documents WHERE id >= ?1 ORDER BY id LIMIT 1 OFFSET ?2",
            )
            .map_err(sqlite)?;
        let mut out = Vec::new();
        let mut lo = first;
        while lo <= last {
            let hi: Option<i64> = end
                .query_row((lo, chunk - 1), |r| r.get(0))
                .optional()
                .map_err(sqlite)?;
            // Past `last` (a document added since) or none left: the last range.
            let hi = hi.map_or(last, |hi| hi.min(last));
            out.push((lo, hi));
            if hi == last {
                break;
            }
            lo = hi + 1;
        }
        Ok(out)
    }

    /// The places as the layer counts them, of the documents published from day `from` to
    /// day `to` (both included; days since 1970-01-01, `None` for no bound), and of the
    /// undated ones when `undated`, most mentioned first: an SQL `GROUP BY` over the
    /// mentions of the dated documents, for a range of a timeline (on a thread of its own;
    /// a pass over the documents and the mentions of those in range, a statement per
    /// range of [`AGGREGATE_CHUNK`] documents, whose counts are summed).
    pub fn count_places_in_dates(
        &self,
        from: Option<i32>,
        to: Option<i32>,
        undated: bool,
    ) -> Result<Vec<PlaceSummary>, ProjectError> {
        self.count_places_in_dates_by(from, to, undated, AGGREGATE_CHUNK)
    }

    /// [`Project::count_places_in_dates`], a statement per `chunk` documents.
    pub(super) fn count_places_in_dates_by(
        &self,
        from: Option<i32>,
        to: Option<i32>,
        undated: bool,
        chunk: i64,
    ) -> Result<Vec<PlaceSummary>, ProjectError> {
        let day = |d: i32| {
            crate::corpus::metadata::date_of_day(d)
                .format("%Y-%m-%d")
                .to_string()
        };
        if !self.metadata[1] {
            // No dates: only the undated documents can be in it.
            return if undated {
                self.count_places_from_mentions()
            } else {
                Ok(Vec::new())
            };
        }
        let from = from.map_or_else(|| "0000-00-00".to_string(), day);
        let to = to.map_or_else(|| "9999-99-99".to_string(), day);
        let mut by_id: HashMap<String, PlaceSummary> = HashMap::new();
        for (lo, hi) in self.document_chunks(chunk)? {
            for place in
                layer::count_in_dates(&self.conn, &self.path, (&from, &to, undated), (lo, hi))?
            {
                match by_id.get_mut(&place.gazetteer_id) {
                    Some(p) => {
                        p.mention_count += place.mention_count;
                        p.document_count += place.document_count;
                    }
                    None => {
                        by_id.insert(place.gazetteer_id.clone(), place);
                    }
                }
            }
        }
        let mut out: Vec<PlaceSummary> = by_id.into_values().collect();
        out.sort_by(|a, b| {
            b.mention_count
                .cmp(&a.mention_count)
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.gazetteer_id.cmp(&b.gazetteer_id))
        });
        Ok(out)
    }

    /// The `n` mentions the parser was least sure of (lowest confidence first, ties in
    /// document then text order) among those counted for a place as the layer counts
    /// them (demonyms left out), of the documents of `dates` (`None`: every date), that
    /// no correction decides: with their passages, for a review of a project too large
    /// to hold.
    ///
    /// Where the project has [`schema::CONFIDENCE_INDEX`] (added when it is opened to
    /// write), one ordered walk of it, stopped at the `n`-th mention that qualifies (its
    /// document's date and its correction looked up per row): a few hundred rows for a
    /// review of every date, whatever the size of the project. A walk that would pass
    /// over [`REVIEW_WALK_ROWS`] rows (or 4 per mention asked for) without finding `n` (a
    /// narrow date range, seen after a few thousand rows by the rate of rows in range;
    /// nearly every mention decided) gives way to the scan a project without the index
    /// gets: a
    /// statement per [`AGGREGATE_CHUNK`] documents, each keeping its `n` least certain
    /// (SQLite's top-`n` sort: `n` rows in memory, never every mention), merged; each
    /// range its own read transaction, so a writer waits for one range at most. Both
    /// give the same mentions in the same order. Then the `n` passages by their keys.
    pub fn least_certain_passages(
        &self,
        n: usize,
        dates: Option<DateRange>,
    ) -> Result<Vec<Passage>, ProjectError> {
        let walk_rows = REVIEW_WALK_ROWS.max(n.saturating_mul(4));
        self.least_certain_passages_by(n, dates, AGGREGATE_CHUNK, walk_rows)
    }

    /// [`Project::least_certain_passages`], a statement per `chunk` documents when it
    /// scans, the index walked for at most `walk_rows` rows (0: not walked).
    pub(super) fn least_certain_passages_by(
        &self,
        n: usize,
        dates: Option<DateRange>,
        chunk: i64,
        walk_rows: usize,
    ) -> Result<Vec<Passage>, ProjectError> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let least = match self.least_certain_walked(n, dates, walk_rows)? {
            Some(least) => least,
            None => self.least_certain_scanned(n, dates, chunk)?,
        };
        self.passages_by_key(&least)
    }

    /// The dates of a review as SQL compares them: first day, last day (`YYYY-MM-DD`),
    /// undated documents included.
    fn review_dates(dates: Option<DateRange>) -> (String, String, bool) {
        let day = |d: i32| {
            crate::corpus::metadata::date_of_day(d)
                .format("%Y-%m-%d")
                .to_string()
        };
        match dates {
            None => ("0000-00-00".to_string(), "9999-99-99".to_string(), true),
            Some(r) => (
                r.from.map_or_else(|| "0000-00-00".to_string(), day),
                r.to.map_or_else(|| "9999-99-99".to_string(), day),
                !r.hide_undated,
            ),
        }
    }

    /// The `n` least certain mentions' keys by a walk of [`schema::CONFIDENCE_INDEX`];
    /// `None` when the project lacks the index or `walk_rows` rows were walked without
    /// finding `n` (the caller scans instead).
    pub(super) fn least_certain_walked(
        &self,
        n: usize,
        dates: Option<DateRange>,
        walk_rows: usize,
    ) -> Result<Option<Vec<ReviewKey>>, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        if walk_rows == 0 || !schema::has_confidence_index(&self.conn).map_err(sqlite)? {
            return Ok(None);
        }
        let (from, to, undated) = Self::review_dates(dates);
        let mut stmt = self.conn.prepare(&self.walk_sql()).map_err(sqlite)?;
        let mut rows = stmt.query((&from, &to, undated)).map_err(sqlite)?;
        let mut least = Vec::with_capacity(n.min(10_000));
        let (mut walked, mut in_range_rows) = (0usize, 0usize);
        while let Some(row) = rows.next().map_err(sqlite)? {
            if walked == walk_rows {
                return Ok(None);
            }
            walked += 1;
            let in_range: Option<bool> = row.get(3).map_err(sqlite)?;
            let decided: bool = row.get(4).map_err(sqlite)?;
            if in_range == Some(true) {
                in_range_rows += 1;
                if !decided {
                    least.push(self.review_key(row)?);
                    if least.len() == n {
                        break;
                    }
                }
            }
            // A narrow date range is seen early (its documents are spread evenly over
            // the confidences, where decided mentions come first): at the rate of rows in
            // range so far, the rows still needed. Beyond the bound, the scan (which
            // reads only the mentions of documents in range) answers sooner.
            if walked.is_multiple_of(WALK_ESTIMATE_EVERY) {
                let left = (n - least.len()) as f64;
                let needed = left * walked as f64 / in_range_rows.max(1) as f64;
                if walked as f64 + needed > walk_rows as f64 {
                    return Ok(None);
                }
            }
        }
        // In the order the scan merges by (the index's, but for text order told by
        // ordinal rather than start byte, which agree in any project Gazette writes).
        least.sort_by(ReviewKey::order);
        Ok(Some(least))
    }

    /// The statement of [`Project::least_certain_walked`]: every mention of the index
    /// in its order (no sort), with whether its document is in the dates (`?1` to `?2`,
    /// undated ones when `?3`) and whether a correction decides it, each looked up by key
    /// (its document by id, its correction by the corrections' unique key). Rows left out
    /// are counted by the caller, so the walk's cost is bounded.
    pub(super) fn walk_sql(&self) -> String {
        let published = if self.metadata[1] {
            "d.published"
        } else {
            "NULL"
        };
        format!(
            "SELECT m.confidence, m.document_id, m.ordinal, \
             (substr({published}, 1, 10) BETWEEN ?1 AND ?2 OR (?3 AND {published} IS NULL)), \
             EXISTS (SELECT 1 FROM gazette_corrections AS c \
                  WHERE c.document = d.name AND c.start_byte = m.start_byte \
                  AND c.end_byte = m.end_byte) \
             FROM gazette_mentions AS m INDEXED BY {index} \
             CROSS JOIN gazette_documents AS d ON d.id = m.document_id \
             WHERE m.place IS NOT NULL AND m.demonym = 0 \
             ORDER BY m.confidence, m.document_id, m.start_byte",
            index = schema::CONFIDENCE_INDEX,
        )
    }

    /// The `n` least certain mentions' keys by a scan of every mention, a statement per
    /// `chunk` documents (see [`Project::least_certain_passages`]).
    pub(super) fn least_certain_scanned(
        &self,
        n: usize,
        dates: Option<DateRange>,
        chunk: i64,
    ) -> Result<Vec<ReviewKey>, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let (from, to, undated) = Self::review_dates(dates);
        let published = if self.metadata[1] {
            "d.published"
        } else {
            "NULL"
        };
        // The documents of the range first (`CROSS JOIN` keeps that order), then their
        // mentions by key, as the counts of a date range walk them.
        let sql = format!(
            "SELECT m.confidence, m.document_id, m.ordinal \
             FROM gazette_documents AS d CROSS JOIN gazette_mentions AS m \
             ON m.document_id = d.id \
             WHERE d.id BETWEEN ?1 AND ?2 AND m.place IS NOT NULL AND m.demonym = 0 \
             AND (substr({published}, 1, 10) BETWEEN ?3 AND ?4 \
                  OR (?5 AND {published} IS NULL)) \
             AND NOT EXISTS (SELECT 1 FROM gazette_corrections AS c \
                  WHERE c.document = d.name AND c.start_byte = m.start_byte \
                  AND c.end_byte = m.end_byte) \
             ORDER BY m.confidence, m.document_id, m.start_byte LIMIT ?6"
        );
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare(&sql).map_err(sqlite)?;
        // The `n` least certain so far.
        let mut least: Vec<ReviewKey> = Vec::new();
        for (lo, hi) in self.document_chunks(chunk)? {
            let mut rows = stmt
                .query((lo, hi, &from, &to, undated, limit))
                .map_err(sqlite)?;
            while let Some(row) = rows.next().map_err(sqlite)? {
                least.push(self.review_key(row)?);
            }
            least.sort_by(ReviewKey::order);
            least.truncate(n);
        }
        Ok(least)
    }

    /// The key of a mention to review in `row` (confidence, document id, ordinal),
    /// its confidence checked.
    fn review_key(&self, row: &Row<'_>) -> Result<ReviewKey, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let confidence: f64 = row.get(0).map_err(sqlite)?;
        if !confidence.is_finite() {
            return Err(ProjectError::damaged(
                &self.path,
                format!("{confidence} is not a probability"),
            ));
        }
        Ok(ReviewKey {
            confidence,
            document_id: row.get(1).map_err(sqlite)?,
            ordinal: row.get(2).map_err(sqlite)?,
        })
    }

    /// The passages of the mentions `keys`, in that order; one gone since (another
    /// program changed the project) is passed over.
    fn passages_by_key(&self, keys: &[ReviewKey]) -> Result<Vec<Passage>, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let column = |i: usize| {
            if self.metadata[i] {
                format!("d.{}", schema::METADATA_COLUMNS[i])
            } else {
                "NULL".to_string()
            }
        };
        let sql = format!(
            "SELECT m.document_id, d.name, m.start_byte, m.end_byte, m.passage_start, \
             m.passage_end, substr(CAST(t.text AS BLOB), m.passage_start + 1, \
             m.passage_end - m.passage_start), {}, {} \
             FROM gazette_mentions AS m \
             JOIN gazette_documents AS d ON d.id = m.document_id \
             JOIN gazette_texts AS t ON t.document_id = m.document_id \
             WHERE m.document_id = ?1 AND m.ordinal = ?2",
            column(0),
            column(1),
        );
        let mut stmt = self.conn.prepare(&sql).map_err(sqlite)?;
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let mut rows = stmt.query((key.document_id, key.ordinal)).map_err(sqlite)?;
            if let Some(row) = rows.next().map_err(sqlite)? {
                out.push(self.passage_of(row)?);
            }
        }
        Ok(out)
    }

    /// The passage in `row` (document id, name, mention span, passage span, passage
    /// bytes, title, date), checked.
    fn passage_of(&self, row: &Row<'_>) -> Result<Passage, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let document: String = row.get(1).map_err(sqlite)?;
        let mention = span(row, 2).map_err(sqlite)?;
        let passage = span(row, 4).map_err(sqlite)?;
        let bytes: Vec<u8> = row.get(6).map_err(sqlite)?;
        let bad = || {
            ProjectError::damaged(
                &self.path,
                format!("a passage of {document} is not within its text"),
            )
        };
        if passage.start > mention.start
            || mention.end > passage.end
            || bytes.len() != passage.len()
        {
            return Err(bad());
        }
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        Ok(Passage {
            document_id: DocumentId(row.get(0).map_err(sqlite)?),
            document,
            title: row.get(7).map_err(sqlite)?,
            published: row.get(8).map_err(sqlite)?,
            mention,
            passage,
            text,
        })
    }

    /// SQLite's own check of the whole file (`PRAGMA quick_check`): reads every page, so
    /// it takes time in proportion to the file. Opening does not run it.
    pub fn check_integrity(&self) -> Result<(), ProjectError> {
        let sqlite = |e| ProjectError::sqlite(&self.path, e);
        let mut stmt = self.conn.prepare("PRAGMA quick_check").map_err(sqlite)?;
        let problems: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .map_err(sqlite)?
            .collect::<Result<_, _>>()
            .map_err(sqlite)?;
        if problems.len() == 1 && problems[0] == "ok" {
            Ok(())
        } else {
            Err(ProjectError::damaged(&self.path, problems.join("; ")))
        }
    }

    /// Reads documents in id order with their mentions (merging two ordered scans), and
    /// their texts if `with_text`, calling `f` for each.
    fn stream(
        &self,
        gazetteer: &Gazetteer,
        with_text: bool,
        f: &mut dyn FnMut(DocumentOutline, Option<String>) -> ControlFlow<()>,
    ) -> Result<ReadReport, ProjectError> {
        let path = self.path.as_path();
        let sqlite = |e| ProjectError::sqlite(path, e);
        let entries = self.entries(gazetteer)?;
        let mut report = ReadReport {
            missing_ids: entries.missing().to_vec(),
            ..ReadReport::default()
        };
        let meta_columns = schema::METADATA_COLUMNS
            .iter()
            .zip(self.metadata)
            .map(|(column, present)| {
                if present {
                    format!("d.{column}")
                } else {
                    "NULL".to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let documents_sql = if with_text {
            format!(
                "SELECT d.id, d.name, d.path, d.byte_size, d.content_sha256, t.text, \
                 {meta_columns} FROM gazette_documents AS d \
                 LEFT JOIN gazette_texts AS t ON t.document_id = d.id ORDER BY d.id"
            )
        } else {
            format!(
                "SELECT d.id, d.name, d.path, d.byte_size, d.content_sha256, NULL, \
                 {meta_columns} FROM gazette_documents AS d ORDER BY d.id"
            )
        };
        let mut documents = self.conn.prepare(&documents_sql).map_err(sqlite)?;
        let mut documents = documents.query([]).map_err(sqlite)?;
        let mut mentions = self
            .conn
            .prepare(
                "SELECT document_id, start_byte, end_byte, text, passage_start, passage_end, \
                 entry, confidence, probability, alternates \
                 FROM gazette_mentions ORDER BY document_id, ordinal",
            )
            .map_err(sqlite)?;
        let mut mentions = mentions.query([]).map_err(sqlite)?;
        let mut next_mention = mentions.next().map_err(sqlite)?;
        while let Some(row) = documents.next().map_err(sqlite)? {
            let id: i64 = row.get(0).map_err(sqlite)?;
            let name: String = row.get(1).map_err(sqlite)?;
            let byte_size: usize = row.get(3).map_err(sqlite)?;
            let text: Option<String> = row.get(5).map_err(sqlite)?;
            if with_text && text.as_ref().map(String::len) != Some(byte_size) {
                return Err(ProjectError::damaged(
                    path,
                    format!("the text of {name} is missing or not as long as recorded"),
                ));
            }
            let mut outline = DocumentOutline {
                id: DocumentId(id),
                path: path_of(path, row.get_ref(2).map_err(sqlite)?)?,
                byte_size,
                content_hash: content_hash(path, row, 4)?,
                mentions: Vec::new(),
                meta: crate::corpus::Metadata {
                    title: row.get(6).map_err(sqlite)?,
                    // A date this version cannot read is left out, not an error.
                    published: row
                        .get::<_, Option<String>>(7)
                        .map_err(sqlite)?
                        .and_then(|d| crate::corpus::Published::parse(&d)),
                    url: row.get(8).map_err(sqlite)?,
                    source: row.get(9).map_err(sqlite)?,
                },
                record: row.get(10).map_err(sqlite)?,
                name,
            };
            while let Some(m) = next_mention {
                let document_id: i64 = m.get(0).map_err(sqlite)?;
                if document_id > id {
                    break;
                }
                if document_id < id {
                    return Err(ProjectError::damaged(
                        path,
                        format!("mentions of document {document_id}, which does not exist"),
                    ));
                }
                let document = (outline.name.as_str(), outline.byte_size, text.as_deref());
                match mention(path, &entries, m, document, &mut report)? {
                    Some(mention) => outline.mentions.push(mention),
                    None => report.mentions_left_out += 1,
                }
                next_mention = mentions.next().map_err(sqlite)?;
            }
            report.documents += 1;
            if f(outline, text).is_break() {
                break;
            }
        }
        Ok(report)
    }
}

/// The mention in `row` (columns from `start_byte` on, at 1) of the document named
/// `name`, `byte_size` long, whose text is `text` when read; checked. `None` if the
/// gazetteer lacks its entry.
fn mention(
    path: &Path,
    entries: &EntryTable,
    row: &Row<'_>,
    (name, byte_size, text): (&str, usize, Option<&str>),
    report: &mut ReadReport,
) -> Result<Option<Mention>, ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    let span_at = span(row, 1).map_err(sqlite)?;
    let passage = span(row, 4).map_err(sqlite)?;
    let within = |at: usize| at <= byte_size && text.is_none_or(|t| t.is_char_boundary(at));
    if !(passage.start <= span_at.start
        && span_at.end <= passage.end
        && [span_at.start, span_at.end, passage.start, passage.end]
            .into_iter()
            .all(within))
    {
        return Err(ProjectError::damaged(
            path,
            format!(
                "a mention of {} at {}..{} is not within its text",
                name, span_at.start, span_at.end
            ),
        ));
    }
    let confidence = probability(path, row, 7)?;
    let chosen_probability = probability(path, row, 8)?;
    let blob: Vec<u8> = row.get(9).map_err(sqlite)?;
    let (alternates, left_out) = entries.unpack_alternates(path, &blob)?;
    report.alternates_left_out += left_out;
    let Some(entry) = entries.index_of(path, row.get(6).map_err(sqlite)?)? else {
        return Ok(None);
    };
    Ok(Some(Mention {
        start: span_at.start,
        end: span_at.end,
        text: row.get(3).map_err(sqlite)?,
        passage,
        resolution: Resolution {
            entry,
            confidence,
            probability: chosen_probability,
            alternates,
        },
    }))
}

/// The byte range in columns `at` and `at + 1`; an error unless start ≤ end.
fn span(row: &Row<'_>, at: usize) -> rusqlite::Result<Range<usize>> {
    let start: usize = row.get(at)?;
    let end: usize = row.get(at + 1)?;
    if start > end {
        return Err(rusqlite::Error::IntegralValueOutOfRange(at + 1, end as i64));
    }
    Ok(start..end)
}

/// The probability in column `at`, stored as a double from an `f32`.
fn probability(path: &Path, row: &Row<'_>, at: usize) -> Result<f32, ProjectError> {
    let value: f64 = row.get(at).map_err(|e| ProjectError::sqlite(path, e))?;
    let p = value as f32;
    check_probability(path, p)?;
    Ok(p)
}

/// The content hash in column `at`.
fn content_hash(path: &Path, row: &Row<'_>, at: usize) -> Result<ContentHash, ProjectError> {
    let bytes: Vec<u8> = row.get(at).map_err(|e| ProjectError::sqlite(path, e))?;
    ContentHash::from_slice(&bytes)
        .ok_or_else(|| ProjectError::damaged(path, "a content hash is not 32 bytes"))
}

/// A stored document path (see `write.rs`): text, the bytes of a path that is not
/// UTF-8, or none.
fn path_of(path: &Path, value: ValueRef<'_>) -> Result<Option<PathBuf>, ProjectError> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .map(|s| Some(PathBuf::from(s)))
            .map_err(|_| ProjectError::damaged(path, "a document path is not UTF-8 text")),
        #[cfg(unix)]
        ValueRef::Blob(bytes) => {
            use std::os::unix::ffi::OsStrExt;
            Ok(Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes))))
        }
        _ => Err(ProjectError::damaged(
            path,
            "a document path is neither text nor bytes",
        )),
    }
}
