//! A project too large to hold in the window: more than [`HOLD_UP_TO`] documents (a
//! million articles are some 9 million mentions and 2 GB of text). Its places, their
//! counts and the filter panels come from the project's `places` layer
//! ([`Summary::of_layer`](crate::corpus::Summary::of_layer)): opening it reads a few
//! thousand rows, whatever the number of documents. The passages of the selected place
//! are read from the project when it is selected, a page at a time, by a thread of its
//! own ([`PassageReader`]), so the window never waits on the disk.
//!
//! What needs every mention in memory (corrections, the review queue, the timeline,
//! filters by confidence or date, exports from the window) is not offered on such a
//! project; the panels say so and the command line does those (`gazette export`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::corpus::LayerPlace;
use crate::gazetteer::EntryIndex;
use crate::project::{Passage, Project};

/// Projects with more documents than this are opened as an archive (see the module
/// documentation); smaller ones are read into the window whole, where every view and
/// correction works. 150,000 documents take some 1.4 GB in the window.
pub const HOLD_UP_TO: usize = 150_000;

/// Passages read at a time: the first page, and each "Show more".
pub const PASSAGES_PER_PAGE: usize = 100;

/// What the window shows of a project opened as an archive. Plain data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchiveView {
    /// The project file.
    pub path: PathBuf,
    /// Its documents.
    pub documents: usize,
    /// Its places with their counts, from its layer.
    pub places: Vec<LayerPlace>,
    /// Places of the layer this gazetteer lacks (the project was made with another).
    pub places_left_out: usize,
    /// The passages read for the selected place, if any.
    pub passages: Option<ArchivePassages>,
}

/// The passages read from the project for one place.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivePassages {
    /// The place.
    pub entry: EntryIndex,
    /// How many were asked for.
    pub limit: usize,
    /// The passages, in document then text order (at most `limit`), or why they could
    /// not be read (naming the file).
    pub result: Result<Vec<Passage>, String>,
}

impl ArchivePassages {
    /// True when every passage of the place is read (fewer came than were asked for).
    pub fn is_complete(&self) -> bool {
        self.result.as_ref().map_or(true, |p| p.len() < self.limit)
    }
}

/// A request to the reader: the place, its stable id, how many passages.
type Request = (EntryIndex, String, usize);

/// The thread that reads passages from an archive project. Only the newest request is
/// answered: clicking through places while one is read costs one query, not one per
/// click.
pub struct PassageReader {
    requests: Option<Sender<Request>>,
    answers: Receiver<ArchivePassages>,
    thread: Option<JoinHandle<()>>,
    /// The request last sent, so the window asks again only when the selection changes.
    asked: Option<(EntryIndex, usize)>,
    /// True until the answer to `asked` is taken.
    pending: bool,
}

impl std::fmt::Debug for PassageReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassageReader")
            .field("asked", &self.asked)
            .finish()
    }
}

impl PassageReader {
    /// A reader of the project at `path` (opened read-only on its thread, beside the
    /// connection that saves changes); `notify` wakes the window when passages are read.
    pub fn new(path: &Path, notify: Arc<dyn Fn() + Send + Sync>) -> std::io::Result<Self> {
        let (requests, rx) = channel::<Request>();
        let (answers_tx, answers) = channel();
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("gazette-passages".into())
            .spawn(move || {
                let mut project: Option<Project> = None;
                while let Ok(mut request) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        request = newer;
                    }
                    let (entry, id, limit) = request;
                    let result = read(&path, &mut project, &id, limit);
                    let answer = ArchivePassages {
                        entry,
                        limit,
                        result,
                    };
                    if answers_tx.send(answer).is_err() {
                        return;
                    }
                    notify();
                }
            })?;
        Ok(PassageReader {
            requests: Some(requests),
            answers,
            thread: Some(thread),
            asked: None,
            pending: false,
        })
    }

    /// Asks for the first `limit` passages of `entry` (stable id `id`) unless that was
    /// the last request. Returns true if a request was sent.
    pub fn ask(&mut self, entry: EntryIndex, id: &str, limit: usize) -> bool {
        if self.asked == Some((entry, limit)) {
            return false;
        }
        self.asked = Some((entry, limit));
        self.pending = self
            .requests
            .as_ref()
            .is_some_and(|tx| tx.send((entry, id.to_string(), limit)).is_ok());
        self.pending
    }

    /// Forgets the last request (the selection was cleared), so selecting the same place
    /// again reads it again.
    pub fn forget(&mut self) {
        self.asked = None;
        self.pending = false;
    }

    /// The answer to the newest request, if it came; older answers are dropped.
    pub fn take(&mut self) -> Option<ArchivePassages> {
        let newest = self.answers.try_iter().last()?;
        let current = Some((newest.entry, newest.limit)) == self.asked;
        self.pending &= !current;
        current.then_some(newest)
    }

    /// Waits for the answer to the newest request unless it was taken already (tests).
    pub fn wait(&mut self) -> Option<ArchivePassages> {
        while self.pending {
            let answer = self.answers.recv().ok()?;
            if Some((answer.entry, answer.limit)) == self.asked {
                self.pending = false;
                return Some(answer);
            }
        }
        None
    }
}

impl Drop for PassageReader {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the query in flight.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads the passages of the place with stable id `id`, opening the project on first
/// use.
fn read(
    path: &Path,
    project: &mut Option<Project>,
    id: &str,
    limit: usize,
) -> Result<Vec<Passage>, String> {
    if project.is_none() {
        *project = Some(Project::open_read_only(path).map_err(|e| e.to_string())?);
    }
    let Some(project) = project else {
        return Err(format!("{}: the project is not open", path.display()));
    };
    project
        .passages(id, false, limit)
        .map_err(|e| e.to_string())
}
