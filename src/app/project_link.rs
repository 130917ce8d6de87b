//! The project the app saves to: a thread of its own holds the project file open and
//! writes each change the window sends it (documents added, the corrections, the filter),
//! each in its own transaction, so the window never waits for a disk sync and a crash or
//! `kill -9` loses at most the change in flight. "Save project as…" runs on the same
//! thread: the open documents are written into a new file beside the target, which is
//! renamed into place once complete, so a failed or interrupted save leaves no half
//! project where the user asked for one, and never touches the file it would replace
//! until the new one is whole.
//!
//! Also the job that reads a project back into the window ([`read_project`]), on the
//! worker's thread like any other load.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::corpus::{Corrections, Filter, ParsedDocument, Rules};
use crate::gazetteer::Gazetteer;
use crate::project::{BatchPolicy, Project, ProjectError};

use super::worker::{Event, JobId};

/// A document to add to the project, with its record key in its file (see
/// [`crate::corpus::DocumentSource::record`]).
pub type NewDocument = (Arc<ParsedDocument>, Option<String>);

/// A change for the project.
#[derive(Debug)]
pub enum Change {
    /// Documents the window added.
    Documents(Vec<NewDocument>),
    /// The corrections as they are now: the thread writes the difference.
    Corrections(Corrections),
    /// The filter as it is now.
    Filter(Filter),
    /// The user's rules as they are now.
    Rules(Rules),
    /// The user's own places as they are now.
    Places(Vec<crate::gazetteer::UserPlace>),
    /// Documents parsed again after the user's places changed: their mentions replace
    /// the project's.
    Reparsed(Vec<Arc<ParsedDocument>>),
    /// Read the places layer's counts back (after corrections of a project opened as an
    /// archive, whose window shows the layer): answered by [`LinkEvent::Places`].
    ReadPlaces,
    /// One correction of a project opened as an archive (`None`: undo it), written as
    /// it is: its window does not send all its corrections at each change, which a
    /// whole place corrected makes as many as the place has mentions.
    Correct {
        /// The document's name.
        document: String,
        /// The mention's byte span.
        start: usize,
        /// See `start`.
        end: usize,
        /// The correction, or `None` to clear it.
        action: Option<crate::corpus::CorrectionAction>,
        /// The window's number for it, given back if it fails
        /// ([`LinkEvent::CorrectFailed`]).
        seq: u64,
    },
    /// Correct every mention of a place of a project opened as an archive
    /// ([`Project::correct_place`], a transaction per range of documents): answered by
    /// [`LinkEvent::PlaceCorrected`].
    CorrectPlace {
        /// The place's stable id.
        place: String,
        /// The stable id of the place they denote instead; `None`: not a place.
        to: Option<String>,
        /// Of the documents of these dates only (`None`: every date).
        dates: Option<crate::corpus::DateRange>,
        /// Documents per transaction: [`crate::project::read::AGGREGATE_CHUNK`], fewer
        /// in tests (to see a failure after some ranges are written).
        chunk: i64,
    },
    /// Undo these changes of a whole place of a project opened as an archive, a
    /// transaction per range of them: the undo of [`Change::CorrectPlace`] (each
    /// mention gets back the correction it had, unless corrected again since). Answered
    /// by [`LinkEvent::ChangesUndone`].
    UndoChanges(super::archive::ArchiveBatch),
    /// Answer on this channel once every change sent before is written (tests, closing).
    Flush(Sender<()>),
}

/// An undo of a whole place ([`Change::UndoChanges`]) that failed part-way: the ranges
/// before the failure are undone in the file, the rest still hold the place's
/// corrections, which the window shows again and offers to undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoFailed {
    /// The batch's label.
    pub label: String,
    /// Why (names the file).
    pub message: String,
    /// The batch's changes whose correction the project still holds as the batch left
    /// it: not undone.
    pub left: Vec<crate::corpus::CorrectionChange>,
    /// The batch as the project keeps it (whole until undone whole).
    pub batch: Option<i64>,
}

/// What the project's thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// "Save project as…" wrote this many of the documents.
    Progress {
        /// Documents written.
        done: usize,
        /// Documents to write.
        total: usize,
    },
    /// "Save project as…" is done: the project is at its path.
    SavedAs {
        /// Documents written.
        documents: usize,
    },
    /// Every change sent so far is written.
    Saved,
    /// The places layer as read after the changes sent before [`Change::ReadPlaces`]
    /// were written, or why it could not be read.
    Places(Result<Vec<crate::project::PlaceSummary>, String>),
    /// What [`Change::CorrectPlace`] did: the corrections it wrote (one per mention,
    /// each with the one it replaced), and why it stopped if it failed. On a failure
    /// `changes` are those of the ranges of documents written before it (they are in the
    /// file: the window takes them in and offers to undo them).
    PlaceCorrected {
        /// The corrections written and committed.
        changes: Vec<crate::corpus::CorrectionChange>,
        /// Why the rest could not be written (names the file); `None`: all were.
        error: Option<String>,
        /// The batch as the project keeps it (`None`: nothing written).
        batch: Option<i64>,
    },
    /// How many corrections [`Change::UndoChanges`] undid, or why it could not finish.
    ChangesUndone(Result<usize, UndoFailed>),
    /// A change could not be written (the message names the file); later changes are
    /// still tried.
    Failed(String),
    /// A [`Change::Correct`] could not be written (the project was busy, say): the
    /// mention's correction is still `stored` in the project (`None`: it has none).
    CorrectFailed {
        /// The document's name.
        document: String,
        /// The mention's byte span.
        start: usize,
        /// See `start`.
        end: usize,
        /// The change's `seq`.
        seq: u64,
        /// The mention's correction as the project holds it.
        stored: Option<crate::corpus::CorrectionAction>,
        /// Why it could not be written (names the file).
        message: String,
    },
}

/// How the project's thread starts.
#[derive(Debug)]
enum Start {
    /// An existing project (opened by [`read_project`]), to write changes to.
    Open,
    /// A new project at the link's path holding these documents, corrections and filter.
    SaveAs(Box<NewProject>),
}

/// What "Save project as…" writes.
#[derive(Debug)]
struct NewProject {
    documents: Vec<NewDocument>,
    corrections: Corrections,
    filter: Filter,
    places: Vec<crate::gazetteer::UserPlace>,
}

/// Whether the window's changes reach the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// The project is being read into the window; changes wait and are written after.
    Reading,
    /// "Save project as…" is writing it.
    SavingAs,
    /// Every change is written.
    Saved,
    /// Changes are being written.
    Saving,
    /// The file is read-only: changes are not saved.
    ReadOnly,
    /// The last change could not be written (see the messages).
    Failed,
}

/// The project the window is linked to. See the [module](self) documentation.
pub struct ProjectLink {
    path: PathBuf,
    state: LinkState,
    /// Changes made while the project is read, sent when its thread starts.
    waiting: Vec<Change>,
    thread: Option<(Sender<Change>, Receiver<LinkEvent>, JoinHandle<()>)>,
    /// The file cannot be written (said by the job that reads it).
    read_only: bool,
    /// Why the thread could not start, until [`ProjectLink::poll`] reports it.
    failure: Option<String>,
    /// Set when the link is dropped: a whole place being corrected stops after the
    /// range of documents in flight (those written stay), so closing does not wait for
    /// the rest.
    closing: Arc<AtomicBool>,
}

impl std::fmt::Debug for ProjectLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectLink")
            .field("path", &self.path)
            .field("state", &self.state)
            .finish()
    }
}

impl ProjectLink {
    /// A link to the project at `path` while the window reads it: changes are kept until
    /// [`ProjectLink::start`].
    pub fn reading(path: PathBuf) -> ProjectLink {
        ProjectLink {
            path,
            state: LinkState::Reading,
            waiting: Vec::new(),
            thread: None,
            read_only: false,
            failure: None,
            closing: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A link that writes `documents` (with the corrections and filter) as a new project
    /// at `path`, replacing whatever file is there once the new one is complete; then
    /// saves changes to it.
    pub fn save_as(
        path: PathBuf,
        gazetteer: Arc<Gazetteer>,
        documents: Vec<NewDocument>,
        corrections: Corrections,
        filter: Filter,
        places: Vec<crate::gazetteer::UserPlace>,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) -> ProjectLink {
        let mut link = ProjectLink::reading(path);
        link.state = LinkState::SavingAs;
        link.spawn(
            gazetteer,
            Start::SaveAs(Box::new(NewProject {
                documents,
                corrections,
                filter,
                places,
            })),
            notify,
        );
        link
    }

    /// Drops the corrections, filter, rules and places waiting to be written: the
    /// project's own have just come into the window (they were sent before it was read,
    /// from the window as it was, and written after would replace the project's: opening
    /// a project in the window cleared its corrections).
    pub fn forget_waiting_settings(&mut self) {
        self.waiting.retain(|change| {
            !matches!(
                change,
                Change::Corrections(_) | Change::Filter(_) | Change::Rules(_) | Change::Places(_)
            )
        });
    }

    /// Notes that the file cannot be written (changes are then kept in the window only).
    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only = read_only;
    }

    /// Starts writing to the project read into the window (unless it is read-only),
    /// sending the changes made while it was read.
    pub fn start(&mut self, gazetteer: Arc<Gazetteer>, notify: Arc<dyn Fn() + Send + Sync>) {
        if self.thread.is_some() {
            return;
        }
        if self.read_only {
            self.state = LinkState::ReadOnly;
            self.waiting.clear();
            return;
        }
        self.state = LinkState::Saved;
        self.spawn(gazetteer, Start::Open, notify);
    }

    fn spawn(
        &mut self,
        gazetteer: Arc<Gazetteer>,
        start: Start,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) {
        let (changes_tx, changes_rx) = channel();
        let (events_tx, events_rx) = channel();
        let path = self.path.clone();
        let closing = self.closing.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-project".into())
            .spawn(move || {
                let report = |event: LinkEvent| {
                    let _ = events_tx.send(event);
                    notify();
                };
                run(&path, &gazetteer, start, &changes_rx, &closing, &report);
            });
        match spawned {
            Ok(handle) => {
                for change in self.waiting.drain(..) {
                    let _ = changes_tx.send(change);
                }
                self.thread = Some((changes_tx, events_rx, handle));
            }
            Err(e) => {
                self.state = LinkState::Failed;
                self.waiting.clear();
                self.failure = Some(format!(
                    "{}: cannot start the thread that saves the project: {e}",
                    self.path.display()
                ));
            }
        }
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether changes reach the project.
    pub fn state(&self) -> LinkState {
        self.state
    }

    /// True while the project's documents are being read into the window.
    pub fn is_reading(&self) -> bool {
        self.state == LinkState::Reading
    }

    /// Sends a change to the project (kept until the thread starts while the project is
    /// read; dropped for a read-only project).
    pub fn send(&mut self, change: Change) {
        match &self.thread {
            _ if self.state == LinkState::ReadOnly => {}
            None => self.waiting.push(change),
            Some((tx, _, _)) => {
                if tx.send(change).is_ok() && self.state == LinkState::Saved {
                    self.state = LinkState::Saving;
                }
            }
        }
    }

    /// What the project's thread reported since the last call; updates [`ProjectLink::state`].
    pub fn poll(&mut self) -> Vec<LinkEvent> {
        let mut events: Vec<LinkEvent> = self
            .failure
            .take()
            .map(LinkEvent::Failed)
            .into_iter()
            .collect();
        if let Some((_, rx, _)) = &self.thread {
            events.extend(rx.try_iter());
        }
        for event in &events {
            match event {
                LinkEvent::Progress { .. }
                | LinkEvent::Places(_)
                | LinkEvent::PlaceCorrected { .. }
                | LinkEvent::ChangesUndone(_) => {}
                LinkEvent::SavedAs { .. } => self.state = LinkState::Saved,
                LinkEvent::Saved => {
                    if self.state != LinkState::SavingAs {
                        self.state = LinkState::Saved;
                    }
                }
                LinkEvent::Failed(_) | LinkEvent::CorrectFailed { .. } => {
                    self.state = LinkState::Failed;
                }
            }
        }
        events
    }

    /// Waits until every change sent so far is written (or could not be).
    pub fn flush(&mut self) {
        if let Some((tx, _, _)) = &self.thread {
            let (done_tx, done_rx) = channel();
            if tx.send(Change::Flush(done_tx)).is_ok() {
                let _ = done_rx.recv();
            }
        }
    }
}

impl Drop for ProjectLink {
    /// Waits for the changes in flight to be written: closing the project (or the
    /// window) never loses one, except the ranges of documents not yet corrected of a
    /// whole place being corrected (each range written is whole, and stays).
    fn drop(&mut self) {
        if let Some((tx, _, handle)) = self.thread.take() {
            self.closing.store(true, Ordering::Relaxed);
            drop(tx);
            let _ = handle.join();
        }
    }
}

/// The project's thread: opens (or first writes) the project, then writes each change
/// until the window drops its end of the channel.
fn run(
    path: &Path,
    gazetteer: &Gazetteer,
    start: Start,
    changes: &Receiver<Change>,
    closing: &AtomicBool,
    report: &dyn Fn(LinkEvent),
) {
    let opened = match start {
        Start::Open => Project::open(path),
        Start::SaveAs(new) => write_new(path, gazetteer, &new, report).and_then(|written| {
            report(LinkEvent::SavedAs { documents: written });
            Project::open(path)
        }),
    };
    let mut project = match opened {
        Ok(p) => p,
        Err(e) => {
            report(LinkEvent::Failed(e.to_string()));
            // Answer flushes so nobody waits for a project that is not there.
            for change in changes {
                if let Change::Flush(done) = change {
                    let _ = done.send(());
                }
            }
            return;
        }
    };
    report(LinkEvent::Saved);
    let mut next = changes.recv().ok();
    while let Some(change) = next.take() {
        let result = match change {
            Change::Documents(documents) => {
                // Documents come a few at a time while a folder opens: take those
                // already waiting into the same transaction.
                let batch = gather(documents, changes, &mut next, |batch, c| match c {
                    Change::Documents(more) => {
                        batch.extend(more);
                        None
                    }
                    other => Some(other),
                });
                add_documents(&mut project, gazetteer, &batch)
            }
            // Of several corrections, filters or rules waiting, only the latest matters.
            Change::Corrections(corrections) => {
                let latest = gather(corrections, changes, &mut next, |latest, c| match c {
                    Change::Corrections(newer) => {
                        *latest = newer;
                        None
                    }
                    other => Some(other),
                });
                write_corrections(&mut project, gazetteer, &latest)
            }
            Change::Filter(filter) => {
                let latest = gather(filter, changes, &mut next, |latest, c| match c {
                    Change::Filter(newer) => {
                        *latest = newer;
                        None
                    }
                    other => Some(other),
                });
                write_filter(&mut project, &latest)
            }
            Change::Rules(rules) => {
                let latest = gather(rules, changes, &mut next, |latest, c| match c {
                    Change::Rules(newer) => {
                        *latest = newer;
                        None
                    }
                    other => Some(other),
                });
                write_rules(&mut project, gazetteer, &latest)
            }
            Change::Places(places) => {
                let latest = gather(places, changes, &mut next, |latest, c| match c {
                    Change::Places(newer) => {
                        *latest = newer;
                        None
                    }
                    other => Some(other),
                });
                project.set_user_places(&latest)
            }
            Change::Reparsed(documents) => {
                let refs: Vec<&ParsedDocument> = documents.iter().map(|d| d.as_ref()).collect();
                project.replace_mentions(gazetteer, &refs).map(|_| ())
            }
            Change::ReadPlaces => {
                report(LinkEvent::Places(
                    project.place_summaries().map_err(|e| e.to_string()),
                ));
                Ok(())
            }
            Change::Correct {
                document,
                start,
                end,
                action,
                seq,
            } => {
                let written = match action {
                    Some(action) => project.set_correction(
                        gazetteer,
                        crate::corpus::Correction {
                            document: document.clone(),
                            start,
                            end,
                            action,
                        },
                    ),
                    None => project.clear_correction(gazetteer, &document, start, end),
                };
                if let Err(e) = written {
                    // What the project holds for it (read again after the failure),
                    // which the window then shows.
                    let stored = project.corrections().get(&document, start, end).cloned();
                    report(LinkEvent::CorrectFailed {
                        document,
                        start,
                        end,
                        seq,
                        stored,
                        message: e.to_string(),
                    });
                }
                Ok(())
            }
            Change::CorrectPlace {
                place,
                to,
                dates,
                chunk,
            } => {
                let stop = || closing.load(Ordering::Relaxed);
                let done = project.correct_place_in_ranges(
                    gazetteer,
                    &place,
                    to.as_deref(),
                    dates,
                    chunk,
                    &stop,
                );
                report(match done {
                    Ok(outcome) => LinkEvent::PlaceCorrected {
                        changes: outcome.changes,
                        error: None,
                        batch: outcome.batch,
                    },
                    // The ranges committed before the failure are in the file: the
                    // window takes them in.
                    Err(failed) => LinkEvent::PlaceCorrected {
                        changes: failed.done.changes,
                        error: Some(failed.error.to_string()),
                        batch: failed.done.batch,
                    },
                });
                Ok(())
            }
            Change::UndoChanges(batch) => {
                // Not stopped by closing, unlike a whole place: the window has already
                // shown these corrections undone, and has no batch left to undo them
                // with after reopening (a few seconds on a million articles).
                let done = project.undo_changes(gazetteer, batch.id, &batch.changes, &|| false);
                report(LinkEvent::ChangesUndone(
                    done.map(|o| o.changes.len()).map_err(|failed| {
                        // What the file still holds as the batch left it (the project's
                        // corrections are read again after the range that failed).
                        let held = project.corrections();
                        let left = batch
                            .changes
                            .iter()
                            .filter(|c| held.get(&c.document, c.start, c.end) == c.after.as_ref())
                            .cloned()
                            .collect();
                        UndoFailed {
                            label: batch.label.clone(),
                            message: failed.error.to_string(),
                            left,
                            batch: batch.id,
                        }
                    }),
                ));
                Ok(())
            }
            Change::Flush(done) => {
                let _ = done.send(());
                Ok(())
            }
        };
        if let Err(e) = result {
            report(LinkEvent::Failed(e.to_string()));
        }
        if next.is_none() {
            match changes.try_recv() {
                Ok(change) => next = Some(change),
                Err(_) => {
                    report(LinkEvent::Saved);
                    next = changes.recv().ok();
                }
            }
        }
    }
}

/// Folds into `first` the changes already waiting that `fold` takes (it gives back the
/// first one of another kind, which is left in `next` for the loop to handle).
fn gather<T>(
    mut first: T,
    changes: &Receiver<Change>,
    next: &mut Option<Change>,
    fold: impl Fn(&mut T, Change) -> Option<Change>,
) -> T {
    while let Ok(change) = changes.try_recv() {
        if let Some(other) = fold(&mut first, change) {
            *next = Some(other);
            break;
        }
    }
    first
}

/// Adds documents in one transaction.
fn add_documents(
    project: &mut Project,
    gazetteer: &Gazetteer,
    documents: &[NewDocument],
) -> Result<(), ProjectError> {
    let mut writer = project.writer_with(gazetteer, BatchPolicy::single_transaction())?;
    for (parsed, record) in documents {
        writer.add_record(parsed, record.as_deref())?;
    }
    writer.finish().map(|_| ())
}

/// Writes the difference between the project's corrections and `corrections`, a
/// transaction per correction changed (there are as many as the user made, not as many
/// as the corpus has mentions).
fn write_corrections(
    project: &mut Project,
    gazetteer: &Gazetteer,
    corrections: &Corrections,
) -> Result<(), ProjectError> {
    let stale: Vec<(String, usize, usize)> = project
        .corrections()
        .iter()
        .filter(|c| corrections.get(&c.document, c.start, c.end).is_none())
        .map(|c| (c.document.clone(), c.start, c.end))
        .collect();
    for (document, start, end) in stale {
        project.clear_correction(gazetteer, &document, start, end)?;
    }
    let changed: Vec<_> = corrections
        .iter()
        .filter(|c| project.corrections().get(&c.document, c.start, c.end) != Some(&c.action))
        .cloned()
        .collect();
    for correction in changed {
        project.set_correction(gazetteer, correction)?;
    }
    Ok(())
}

/// Saves the rules unless the project has them already.
fn write_rules(
    project: &mut Project,
    gazetteer: &Gazetteer,
    rules: &crate::corpus::Rules,
) -> Result<(), ProjectError> {
    if project.corrections().rules() == rules {
        return Ok(());
    }
    project.set_rules(gazetteer, rules)
}

/// Saves the filter unless the project has it already.
fn write_filter(project: &mut Project, filter: &Filter) -> Result<(), ProjectError> {
    if project.filter().ok().as_ref() == Some(filter) {
        return Ok(());
    }
    project.set_filter(filter)
}

/// Writes a new project at `target`: into a file created exclusively in the same folder,
/// renamed over `target` once complete. Returns the number of documents written.
fn write_new(
    target: &Path,
    gazetteer: &Gazetteer,
    new: &NewProject,
    report: &dyn Fn(LinkEvent),
) -> Result<usize, ProjectError> {
    let NewProject {
        documents,
        corrections,
        filter,
        places,
    } = new;
    let io = |source| ProjectError::Io {
        path: target.to_path_buf(),
        source,
    };
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(io)?;
    {
        let mut project = Project::create(temp.path())?;
        // Corrections and rules first, so each document's mentions are counted in the
        // places layer as corrected when it is added.
        for correction in corrections.iter() {
            project.set_correction(gazetteer, correction.clone())?;
        }
        project.set_filter(filter)?;
        if !places.is_empty() {
            project.set_user_places(places)?;
        }
        if !corrections.rules().is_empty() {
            project.set_rules(gazetteer, corrections.rules())?;
        }
        let total = documents.len();
        let mut writer = project.writer(gazetteer)?;
        for (done, (parsed, record)) in documents.iter().enumerate() {
            writer.add_record(parsed, record.as_deref())?;
            if done % 1000 == 999 {
                report(LinkEvent::Progress {
                    done: done + 1,
                    total,
                });
            }
        }
        writer.finish()?;
    }
    temp.persist(target).map_err(|e| io(e.error))?;
    Ok(documents.len())
}

/// Reads the project at `path` into the window: reports [`Event::ProjectOpened`] with its
/// corrections and filter, then each document as [`Event::Document`] (in the order they
/// were added, not parsed again), then [`Event::Finished`]; a project that cannot be
/// opened is reported as [`Event::ProjectFailed`]. Opened to write when the file allows
/// (which rolls back a change a crash interrupted), else read-only. A project of more
/// than `hold_up_to` documents is not read whole: its places layer comes as one
/// [`Event::ProjectArchive`] (see [`super::archive`]).
pub fn read_project(
    job: JobId,
    gazetteer: &Gazetteer,
    path: &Path,
    hold_up_to: usize,
    cancel: &AtomicBool,
    emit: &mut dyn FnMut(Event),
) {
    if Project::builds_review_index_on_open(path) {
        emit(Event::Note {
            job,
            message: format!(
                "{}: indexing its mentions by confidence for the review, once (seconds on \
                 a large archive)…",
                path.display()
            ),
        });
    }
    let opened = match Project::open(path) {
        Err(ProjectError::ReadOnly { .. }) => Project::open_read_only(path),
        other => other,
    };
    let result = opened.and_then(|project| {
        let total = project.document_count()?;
        // The project's own places, in the gazetteer before its mentions are read: their
        // ids (`user:…`) resolve only while they are in effect.
        let places = project.user_places()?;
        if let Err(e) = gazetteer.set_user_places(&places) {
            emit(Event::Note {
                job,
                message: format!("{}: its places cannot be used: {e}", path.display()),
            });
        }
        emit(Event::ProjectOpened {
            job,
            path: path.to_path_buf(),
            read_only: project.is_read_only(),
            corrections: project.corrections().clone(),
            filter: project.filter()?,
            places,
        });
        if total > hold_up_to {
            emit(Event::ProjectArchive {
                job,
                view: archive_view(gazetteer, &project, total)?,
            });
            return Ok(0);
        }
        emit(Event::Started { job, total });
        let mut loaded = 0;
        let report = project.for_each_document_with_source(gazetteer, &mut |parsed, source| {
            if cancel.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            loaded += 1;
            emit(Event::Document {
                job,
                parsed,
                source,
                warning: None,
            });
            ControlFlow::Continue(())
        })?;
        if let Some(w) = report.warning() {
            emit(Event::Note {
                job,
                message: format!("{}: {w}", path.display()),
            });
        }
        Ok(loaded)
    });
    match result {
        Ok(loaded) => emit(Event::Finished {
            job,
            loaded,
            skipped: 0,
        }),
        Err(e) => {
            emit(Event::ProjectFailed {
                job,
                message: e.to_string(),
            });
            emit(Event::Finished {
                job,
                loaded: 0,
                skipped: 1,
            });
        }
    }
}

/// What the window shows of a project of `documents` documents opened as an archive: the
/// places of its layer that this gazetteer has.
fn archive_view(
    gazetteer: &Gazetteer,
    project: &Project,
    documents: usize,
) -> Result<super::archive::ArchiveView, ProjectError> {
    let (places, places_left_out) =
        super::archive::layer_places(gazetteer, &project.place_summaries()?);
    // The whole places of earlier sessions, still to undo.
    let batches = project
        .whole_place_batches()?
        .into_iter()
        .map(|b| super::archive::ArchiveBatch {
            label: b.label,
            changes: Arc::new(b.changes),
            id: Some(b.id),
        })
        .collect();
    Ok(super::archive::ArchiveView {
        path: project.path().to_path_buf(),
        documents,
        places,
        places_left_out,
        batches,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Correction, CorrectionAction, Document, parse_documents};
    use crate::geoparse::Geoparser;

    /// A project at `path` holding `texts` (name, text), parsed; and the parsed documents.
    fn project_of(
        g: &Gazetteer,
        path: &Path,
        texts: &[(&str, &str)],
    ) -> (Project, Vec<ParsedDocument>) {
        let docs = parse_documents(
            &Geoparser::new(g),
            texts
                .iter()
                .map(|(name, text)| Document::from_text(*name, *text))
                .collect(),
        );
        let mut project = Project::create(path).expect("create");
        project.add_documents(g, &docs).expect("add");
        (project, docs)
    }

    #[test]
    fn settings_sent_before_the_project_is_read_do_not_replace_its_own() {
        let g = Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer"));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.gpkg");
        let (mut project, docs) =
            project_of(&g, &path, &[("a.txt", "Troops left Niamey for Agadez.")]);
        let m = &docs[0].mentions[0];
        project
            .set_correction(
                &g,
                Correction {
                    document: "a.txt".into(),
                    start: m.start,
                    end: m.end,
                    action: CorrectionAction::NotAPlace,
                },
            )
            .expect("correct");
        let filter = Filter {
            min_confidence: 0.5,
            ..Filter::default()
        };
        project.set_filter(&filter).expect("filter");
        drop(project);

        // The window, emptied to open the project, sends its (empty) settings while the
        // project is read; the project's own come with it, and those are dropped.
        let mut link = ProjectLink::reading(path.clone());
        link.send(Change::Corrections(Corrections::default()));
        link.send(Change::Filter(Filter::default()));
        link.forget_waiting_settings();
        link.start(g.clone(), Arc::new(|| {}));
        link.flush();
        drop(link);
        let project = Project::open_read_only(&path).expect("project");
        assert_eq!(
            project.corrections().len(),
            1,
            "the project's correction stays"
        );
        assert_eq!(project.filter().expect("filter"), filter);
    }

    /// Opening a project made before the review's index says first that it builds it,
    /// which takes seconds on a large archive; a project that has it says nothing.
    #[test]
    fn opening_a_project_without_the_review_index_says_it_builds_it() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.gpkg");
        let (project, _) = project_of(&g, &path, &[("a.txt", "Troops left Niamey for Agadez.")]);
        drop(project);
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch("DROP INDEX gazette_mentions_by_confidence")
            .expect("made as an earlier version made it");
        drop(conn);
        let notes = |path: &Path| {
            let mut notes = Vec::new();
            read_project(1, &g, path, 1000, &AtomicBool::new(false), &mut |e| {
                if let Event::Note { message, .. } = e {
                    notes.push(message);
                }
            });
            notes
        };
        let first = notes(&path);
        assert!(
            first.iter().any(|m| m.contains("indexing its mentions")),
            "{first:?}"
        );
        let again = notes(&path);
        assert!(
            !again.iter().any(|m| m.contains("indexing its mentions")),
            "{again:?}"
        );
    }

    #[test]
    fn an_undo_sent_just_before_closing_is_written_whole() {
        let g = Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer"));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.gpkg");
        let (mut project, docs) = project_of(
            &g,
            &path,
            &[
                ("a.txt", "Troops left Niamey for Agadez."),
                ("b.txt", "Talks in Niamey ended."),
            ],
        );
        let mut spans = Vec::new();
        for d in &docs {
            for m in &d.mentions {
                project
                    .set_correction(
                        &g,
                        Correction {
                            document: d.document.name.clone(),
                            start: m.start,
                            end: m.end,
                            action: CorrectionAction::NotAPlace,
                        },
                    )
                    .expect("correct");
                spans.push(crate::corpus::CorrectionChange {
                    document: d.document.name.clone(),
                    start: m.start,
                    end: m.end,
                    before: None,
                    after: Some(CorrectionAction::NotAPlace),
                });
            }
        }
        assert!(spans.len() >= 3);
        drop(project);

        // "Undo all", then the window closes at once: the thread is told to close
        // before it reaches the undo, which is still written, every correction of it.
        let mut link = ProjectLink::reading(path.clone());
        link.start(g.clone(), Arc::new(|| {}));
        link.send(Change::UndoChanges(crate::app::archive::ArchiveBatch {
            label: "Niamey: not a place".into(),
            changes: spans.into(),
            id: None,
        }));
        drop(link);
        let project = Project::open_read_only(&path).expect("project");
        assert_eq!(project.corrections().len(), 0, "every correction undone");
    }
}
