//! Projects: a corpus saved as one GeoPackage file (`.gpkg`, OGC GeoPackage 1.3, which is
//! SQLite) that holds the documents and their texts, every mention with its resolution,
//! the user's corrections, filter and settings, and a `places` point layer that QGIS or
//! any GIS program opens as it is. A project can be handed to a colleague, reopened
//! without parsing again, and grown by adding documents.
//!
//! One file per concern:
//! - [`schema`]: the tables, and how a file is recognised as a project this version reads;
//! - `file_header.rs`: what is at a path, told from its first 100 bytes before SQLite
//!   opens it (not a file, not SQLite, truncated);
//! - [`write`](mod@write): adding parsed documents in batches ([`ProjectWriter`]);
//! - `correct.rs`: corrections, the filter and settings, each change its own transaction;
//! - [`read`]: documents streamed back, passages of a place, place summaries;
//! - [`layer`]: the `places` layer's counts; [`geometry`]: its points;
//! - `entries.rs`: gazetteer ids ↔ the project's entry rows; [`content_hash`]: SHA-256
//!   of a document's text; [`error`]: [`ProjectError`].
//!
//! # Durability
//!
//! A project uses SQLite's rollback journal (`journal_mode=DELETE`, the default) with
//! `synchronous=FULL`. Each batch of documents and each correction is one transaction,
//! so a crash or `kill -9` loses at most the change in flight; the next open rolls an
//! interrupted one back. Not WAL: a write-ahead log keeps recent changes in `-wal` and
//! `-shm` files beside the project until a checkpoint, so a project copied or mailed
//! while open would miss them, and a WAL file cannot be opened from read-only media.
//! FULL rather than NORMAL because in rollback mode NORMAL may corrupt the file on a
//! power loss; its cost is a few syncs per transaction, and documents are written a
//! batch (up to 1,000 documents or one second) per transaction.
//!
//! # Untrusted files
//!
//! A project may come from anyone. Before SQLite opens a file it is checked to be a
//! regular file (never a pipe or device) starting with a whole SQLite header; it is then
//! opened read-only and recognised ([`schema::identify`]) before anything may write to
//! it, so a GeoPackage from elsewhere, or one from a newer Gazette, is refused unchanged.
//! Connections run in SQLite's defensive mode with `trusted_schema=OFF` (triggers and
//! views in the file cannot call functions with side effects), no extension loading, no
//! attached databases, cell size checks, and a cap on any value's length
//! ([`MAX_VALUE_BYTES`]). Values no Gazette writes (a span outside its text, a NaN
//! confidence) are reported as damage, never trusted; nothing in a project is executed
//! or fetched.
//!
//! # Concurrency
//!
//! One program should write a project at a time: a [`Project`] keeps the corrections in
//! memory. Readers may share it (SQLite locks the file; a writer waits up to 5 s).

pub mod content_hash;
mod correct;
mod entries;
pub mod error;
mod file_header;
pub mod geometry;
pub mod layer;
pub mod read;
pub mod schema;
pub mod write;

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags};

use crate::corpus::{Correction, CorrectionAction, Corrections};
use crate::gazetteer::Gazetteer;
use entries::EntryTable;
use file_header::FileState;
use schema::Identity;

pub use content_hash::ContentHash;
pub use correct::{BatchError, BatchOutcome, StoredBatch, place_batch_label};
pub use error::ProjectError;
pub use layer::PlaceSummary;
pub use read::{DocumentId, DocumentOutline, DocumentSummary, KnownDocuments, Passage, ReadReport};
pub use write::{Added, BatchPolicy, ProjectWriter, WriteSummary};

/// The longest value (a document's text, a name) SQLite reads from or writes to a
/// project: twice the largest document Gazette reads. A file holding a longer one is
/// refused when that value is read, rather than read into memory.
pub const MAX_VALUE_BYTES: i32 = 2 * crate::corpus::MAX_DOCUMENT_BYTES as i32;

/// The page size of a new project. News texts are a few kilobytes: with SQLite's default
/// 4 KiB pages a text longer than a page spills into overflow pages whose unused ends are
/// lost; 16 KiB pages hold most texts whole, several to a page.
const PAGE_SIZE: i64 = 16384;

/// How long a write waits for another program that holds the file locked.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open project file. See the [module](self) documentation.
pub struct Project {
    path: PathBuf,
    conn: Connection,
    read_only: bool,
    /// The corrections, as in `gazette_corrections`.
    corrections: Corrections,
    /// The names of documents with a correction, so that adding a document consults the
    /// corrections only when it has one.
    corrected_documents: HashSet<String>,
    /// The project's entries resolved against the gazetteer last used, kept so that
    /// reading one document's mentions costs no table read; dropped when a transaction
    /// that may have added entries is rolled back, and read again when the table changed.
    /// In a `RefCell` so that reads (`&self`) can fill it; handed out as an `Rc` so that
    /// no borrow is held while a caller's callback runs.
    entries: RefCell<Option<Rc<EntryTable>>>,
    /// Which of [`schema::METADATA_COLUMNS`] `gazette_documents` has (a project made
    /// before them, opened read-only, may lack some: its documents read without them).
    metadata: [bool; 5],
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .field("corrections", &self.corrections.len())
            .finish()
    }
}

/// How a project is to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A new project; the path must be free (or an empty file).
    Create,
    /// An existing project, to change.
    Open,
    /// An existing project if there is one, else a new one.
    CreateOrOpen,
    /// An existing project, only to read; nothing can change it.
    ReadOnly,
}

impl Project {
    /// Creates a new project at `path`. Refuses ([`ProjectError::Exists`]) if a non-empty
    /// file is there; an empty file (left by a save dialog) is used.
    pub fn create(path: impl AsRef<Path>) -> Result<Project, ProjectError> {
        Project::open_as(path.as_ref(), Mode::Create)
    }

    /// Opens an existing project to read and change it.
    pub fn open(path: impl AsRef<Path>) -> Result<Project, ProjectError> {
        Project::open_as(path.as_ref(), Mode::Open)
    }

    /// Opens the project at `path`, or creates one if nothing (or an empty file) is
    /// there. Any other file is refused unchanged, as [`Project::open`] refuses it.
    pub fn create_or_open(path: impl AsRef<Path>) -> Result<Project, ProjectError> {
        Project::open_as(path.as_ref(), Mode::CreateOrOpen)
    }

    /// Opens an existing project only to read it (export, look): works on a read-only
    /// file, and nothing done through it changes the file.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Project, ProjectError> {
        Project::open_as(path.as_ref(), Mode::ReadOnly)
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True if opened with [`Project::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn open_as(path: &Path, mode: Mode) -> Result<Project, ProjectError> {
        let state = file_header::check(path)?;
        match (state, mode) {
            (FileState::Missing | FileState::Empty, Mode::Create | Mode::CreateOrOpen) => {
                Project::create_at(path, state)
            }
            (FileState::Missing, _) => Err(ProjectError::NotFound {
                path: path.to_path_buf(),
            }),
            (FileState::Empty, _) => Err(ProjectError::NotAProject {
                path: path.to_path_buf(),
                reason: "an empty file".into(),
            }),
            (FileState::Sqlite, Mode::Create) => Err(ProjectError::Exists {
                path: path.to_path_buf(),
            }),
            (FileState::Sqlite, Mode::ReadOnly) => Project::open_existing(path, true),
            (FileState::Sqlite, Mode::Open | Mode::CreateOrOpen) => {
                Project::open_existing(path, false)
            }
        }
    }

    /// Opens a SQLite file that is there: read-only first, to recognise it without any
    /// chance of changing it; then, to write, again read-write. A file whose last change
    /// was interrupted is rolled back by that second open (as any SQLite program opening
    /// it to write would), then recognised.
    /// True if the project at `path` was made before the review's index
    /// ([`schema::add_confidence_index`]) and so builds it when next opened to write: a
    /// sort of its mentions, seconds on a million articles, worth saying beforehand.
    /// False for a file that is no project, cannot be read, or has the index.
    pub fn builds_review_index_on_open(path: &Path) -> bool {
        connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()
            .filter(|conn| matches!(schema::identify(conn, path), Ok(Identity::Project)))
            .and_then(|conn| schema::has_confidence_index(&conn).ok())
            .is_some_and(|has| !has)
    }

    fn open_existing(path: &Path, read_only: bool) -> Result<Project, ProjectError> {
        let sqlite = |e| ProjectError::sqlite(path, e);
        let recognised =
            connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY).and_then(
                |conn| match schema::identify(&conn, path)? {
                    Identity::Project => Ok(conn),
                    Identity::Empty => Err(ProjectError::NotAProject {
                        path: path.to_path_buf(),
                        reason: "an empty SQLite database".into(),
                    }),
                },
            );
        let conn = match (recognised, read_only) {
            (Ok(conn), true) => {
                conn.pragma_update(None, "query_only", true)
                    .map_err(sqlite)?;
                conn
            }
            (Ok(_) | Err(ProjectError::Interrupted { .. }), false) => {
                let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
                if conn.is_readonly("main").map_err(sqlite)? {
                    return Err(ProjectError::ReadOnly {
                        path: path.to_path_buf(),
                    });
                }
                if schema::identify(&conn, path)? != Identity::Project {
                    return Err(ProjectError::NotAProject {
                        path: path.to_path_buf(),
                        reason: "an empty SQLite database".into(),
                    });
                }
                conn.pragma_update(None, "synchronous", "FULL")
                    .map_err(sqlite)?;
                schema::add_metadata_columns(&conn).map_err(sqlite)?;
                schema::add_batch_tables(&conn).map_err(sqlite)?;
                // Only a review's speed depends on it: a project that cannot take it
                // (a full disk) opens all the same, and its review scans the mentions.
                let _ = schema::add_confidence_index(&conn);
                conn
            }
            (Err(e), _) => return Err(e),
        };
        let corrections = correct::read_corrections(&conn, path)?;
        Ok(Project::new(path, conn, read_only, corrections))
    }

    /// Creates the project's tables in a new (or empty) file, in one transaction; if that
    /// fails, a file this call made is removed.
    fn create_at(path: &Path, state: FileState) -> Result<Project, ProjectError> {
        let made = state == FileState::Missing;
        let result = (|| {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
            let conn = connect(path, flags)?;
            let sqlite = |e| ProjectError::sqlite(path, e);
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(sqlite)?;
            // Set before the first table; see PAGE_SIZE.
            conn.pragma_update(None, "page_size", PAGE_SIZE)
                .map_err(sqlite)?;
            conn.execute_batch("BEGIN IMMEDIATE").map_err(sqlite)?;
            schema::create(&conn)
                .and_then(|()| conn.execute_batch("COMMIT"))
                .map_err(sqlite)?;
            Ok(conn)
        })();
        match result {
            Ok(conn) => Ok(Project::new(path, conn, false, Corrections::default())),
            Err(e) => {
                if made {
                    let _ = std::fs::remove_file(path);
                }
                Err(e)
            }
        }
    }

    fn new(path: &Path, conn: Connection, read_only: bool, corrections: Corrections) -> Project {
        let corrected_documents = corrections.iter().map(|c| c.document.clone()).collect();
        let metadata = schema::metadata_columns(&conn).unwrap_or_default();
        Project {
            metadata,
            path: path.to_path_buf(),
            conn,
            read_only,
            corrections,
            corrected_documents,
            entries: RefCell::new(None),
        }
    }

    /// An error unless the project was opened to write.
    fn check_writable(&self) -> Result<(), ProjectError> {
        if self.read_only {
            Err(ProjectError::ReadOnly {
                path: self.path.clone(),
            })
        } else {
            Ok(())
        }
    }

    /// The user's corrections, oldest first.
    pub fn corrections(&self) -> &Corrections {
        &self.corrections
    }

    /// Records a correction in its own transaction (replacing any earlier one for the same
    /// mention) and moves the mentions it concerns in the places layer.
    pub fn set_correction(
        &mut self,
        gazetteer: &Gazetteer,
        correction: Correction,
    ) -> Result<(), ProjectError> {
        correct::change_correction(self, gazetteer, correction, true)
    }

    /// Corrects every mention counted for the place with stable id `place_id` (as the
    /// layer counts it: demonyms left out) in the documents of `dates` (`None`: every
    /// date): with `to`, those that could denote it (it is their parser's choice or an
    /// alternate, or has their name) are reassigned to it; without, all are marked not a
    /// place. A correction per mention, as the window makes them, so that an export or
    /// the project reopened has them; written a transaction per
    /// [`AGGREGATE_CHUNK`](read::AGGREGATE_CHUNK) documents (a walk of the place's index
    /// in each), so that another writer waits for one range at most. Each correction is
    /// listed with the one it replaced, for [`Project::undo_changes`]. A range that fails
    /// is rolled back; those before it stay written (each is whole) and the error holds
    /// them ([`correct::BatchError::done`]). `stop` is asked before each range: when it
    /// says so, the ranges left are not corrected (closing the window does not wait for
    /// the whole place).
    pub fn correct_place(
        &mut self,
        gazetteer: &Gazetteer,
        place_id: &str,
        to: Option<&str>,
        dates: Option<crate::corpus::DateRange>,
        stop: &dyn Fn() -> bool,
    ) -> Result<correct::BatchOutcome, correct::BatchError> {
        self.correct_place_in_ranges(gazetteer, place_id, to, dates, read::AGGREGATE_CHUNK, stop)
    }

    /// [`Project::correct_place`] a transaction per `chunk` documents instead of
    /// [`AGGREGATE_CHUNK`](read::AGGREGATE_CHUNK) (tests: a failure after some ranges).
    pub fn correct_place_in_ranges(
        &mut self,
        gazetteer: &Gazetteer,
        place_id: &str,
        to: Option<&str>,
        dates: Option<crate::corpus::DateRange>,
        chunk: i64,
        stop: &dyn Fn() -> bool,
    ) -> Result<correct::BatchOutcome, correct::BatchError> {
        correct::correct_place_by(self, gazetteer, place_id, to, dates, chunk, stop)
    }

    /// Undoes a batch's changes ([`Project::correct_place`]'s): each mention whose
    /// correction is still the one the batch left gets back the one it replaced (the
    /// user's hand correction, or none: the parser's choice or the name's rule), and is
    /// moved back in the places layer; a mention corrected again since keeps that
    /// correction. Newest first, a transaction per
    /// [`AGGREGATE_CHUNK`](read::AGGREGATE_CHUNK) changes, `stop` asked before each; on
    /// a failure the error holds those undone before it. `batch` (the batch as the
    /// project keeps it) is forgotten once every change is undone.
    pub fn undo_changes(
        &mut self,
        gazetteer: &Gazetteer,
        batch: Option<i64>,
        changes: &[crate::corpus::CorrectionChange],
        stop: &dyn Fn() -> bool,
    ) -> Result<correct::BatchOutcome, correct::BatchError> {
        let chunk = usize::try_from(read::AGGREGATE_CHUNK).unwrap_or(20_000);
        correct::undo_changes_by(self, gazetteer, batch, changes, chunk, stop)
    }

    /// The whole places corrected and not undone, as the project keeps them
    /// ([`BatchOutcome::batch`](correct::BatchOutcome::batch)), oldest first: each
    /// with the changes whose correction still stands, to undo with
    /// [`Project::undo_changes`] after reopening. Reads every change kept (some 70,000
    /// rows for London in a million articles).
    pub fn whole_place_batches(&self) -> Result<Vec<correct::StoredBatch>, ProjectError> {
        correct::read_batches(self)
    }

    /// Removes the correction of a mention in its own transaction, restoring the parser's
    /// choice in the places layer.
    pub fn clear_correction(
        &mut self,
        gazetteer: &Gazetteer,
        document: &str,
        start: usize,
        end: usize,
    ) -> Result<(), ProjectError> {
        let correction = Correction {
            document: document.to_string(),
            start,
            end,
            action: CorrectionAction::NotAPlace,
        };
        correct::change_correction(self, gazetteer, correction, false)
    }
}

/// The project's entries resolved against `gazetteer`, to add to (inside a write
/// transaction): from `slot` if they were resolved against it and are current, else read
/// from `conn` into `slot`.
fn resolve_entries<'a>(
    slot: &'a mut Option<Rc<EntryTable>>,
    conn: &Connection,
    path: &Path,
    gazetteer: &Gazetteer,
) -> Result<&'a mut EntryTable, ProjectError> {
    let usable = match slot.as_mut() {
        Some(table) if table.is_for(gazetteer) => {
            Rc::get_mut(table).is_some()
                && table
                    .is_current(conn)
                    .map_err(|e| ProjectError::sqlite(path, e))?
        }
        _ => false,
    };
    if !usable {
        *slot = Some(Rc::new(EntryTable::load(conn, path, gazetteer)?));
    }
    slot.as_mut()
        .and_then(Rc::get_mut)
        .ok_or_else(|| ProjectError::damaged(path, "its entries cannot be read"))
}

impl Project {
    /// The project's entries resolved against `gazetteer`, to read with: the kept table
    /// if it is for this gazetteer and current, else read again (and kept).
    fn entries(&self, gazetteer: &Gazetteer) -> Result<Rc<EntryTable>, ProjectError> {
        let kept = self.entries.borrow().clone();
        if let Some(table) = kept
            && table.is_for(gazetteer)
            && table
                .is_current(&self.conn)
                .map_err(|e| ProjectError::sqlite(&self.path, e))?
        {
            return Ok(table);
        }
        let table = Rc::new(EntryTable::load(&self.conn, &self.path, gazetteer)?);
        *self.entries.borrow_mut() = Some(Rc::clone(&table));
        Ok(table)
    }
}

/// Opens a connection to `path` and hardens it for a file from anyone (see the module
/// documentation).
fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    let flags = flags | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_EXRESCODE;
    let conn = Connection::open_with_flags(path, flags).map_err(sqlite)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(sqlite)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(sqlite)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, false)
        .map_err(sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        .map_err(sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, 1 << 20)
        .map_err(sqlite)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)
        .map_err(sqlite)?;
    conn.pragma_update(None, "cell_size_check", true)
        .map_err(sqlite)?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(sqlite)?;
    // 16 MiB of page cache (SQLite's default is 2 MiB): the mention index is written in no
    // particular order. Measured on 100,000 articles, 64 MiB was no faster and took 200 MB
    // more memory.
    conn.pragma_update(None, "cache_size", -16384)
        .map_err(sqlite)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    Ok(conn)
}

#[cfg(test)]
mod tests;
