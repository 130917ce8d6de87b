//! Background loading: the gazetteer at start-up, and reading and parsing documents, each
//! on its own thread, reporting through a channel so the window never waits. The reading
//! and parsing is the library's ([`crate::corpus::load`]); this module only gives it a
//! thread, a job number and a channel.
//!
//! Every job has a number; [`Worker::cancel_all`] raises the jobs' cancel flags and
//! makes their later events stale, so "Reset to samples" during a long load is instant.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::corpus::{self, DocumentError, DocumentSource, LoadEvent, ParsedDocument};
use crate::gazetteer::Gazetteer;
use crate::geoparse::Geoparser;

pub use crate::corpus::Input;

/// Number of a background job.
pub type JobId = u64;

/// What a background job reports.
// Most events are documents, the largest variant: boxing it would add an allocation per
// document and save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event {
    /// The gazetteer finished loading (or failed, with the message to show).
    Gazetteer(Result<Arc<Gazetteer>, String>),
    /// A parse job knows how many documents it will read.
    Started {
        /// The job.
        job: JobId,
        /// Documents to read.
        total: usize,
    },
    /// One document was read and parsed.
    Document {
        /// The job.
        job: JobId,
        /// The result.
        parsed: ParsedDocument,
        /// Where it came from.
        source: DocumentSource,
        /// A note on how it was decoded (not UTF-8), if any.
        warning: Option<String>,
    },
    /// A file that holds many documents holds this many more than counted.
    More {
        /// The job.
        job: JobId,
        /// Documents to add to the total.
        documents: usize,
    },
    /// A dataset export whose text field was not found: the user chooses its fields.
    ChooseFields {
        /// The job.
        job: JobId,
        /// The file.
        path: PathBuf,
        /// Its field names.
        names: Vec<String>,
    },
    /// Something to tell the user that skipped nothing (files of unknown kinds).
    Note {
        /// The job.
        job: JobId,
        /// The message.
        message: String,
    },
    /// A file or folder was skipped (unreadable, binary, too large): the message to show.
    Skipped {
        /// The job.
        job: JobId,
        /// Why.
        message: String,
    },
    /// A project opened: its corrections and filter, before its documents.
    ProjectOpened {
        /// The job.
        job: JobId,
        /// The project file.
        path: PathBuf,
        /// True if the file cannot be written (changes stay in the window).
        read_only: bool,
        /// Its corrections.
        corrections: crate::corpus::Corrections,
        /// Its filter.
        filter: crate::corpus::Filter,
        /// Its user places (already in the gazetteer).
        places: Vec<crate::gazetteer::UserPlace>,
    },
    /// A project too large to hold in the window, opened as an archive (see
    /// [`super::archive`]): its places from its layer, instead of its documents.
    ProjectArchive {
        /// The job.
        job: JobId,
        /// What the window shows of it.
        view: super::archive::ArchiveView,
    },
    /// A project could not be opened or read (the message names the file); documents
    /// already read stay.
    ProjectFailed {
        /// The job.
        job: JobId,
        /// Why.
        message: String,
    },
    /// Documents parsed again after the user's places changed (see
    /// [`run_reparse_job`]): `(document index, its name, new mentions)` of each whose
    /// text holds a changed name.
    Reparsed {
        /// The job.
        job: JobId,
        /// The new mentions.
        updates: Vec<(usize, String, Vec<crate::geoparse::Mention>)>,
    },
    /// The job is done.
    Finished {
        /// The job.
        job: JobId,
        /// Documents parsed.
        loaded: usize,
        /// Inputs skipped.
        skipped: usize,
    },
}

/// Starts background jobs and collects their events.
pub struct Worker {
    tx: Sender<Event>,
    rx: Receiver<Event>,
    next_job: JobId,
    /// Jobs numbered below this are cancelled: their events are dropped.
    first_live_job: JobId,
    cancel_flags: Vec<Arc<AtomicBool>>,
    notify: Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("next_job", &self.next_job)
            .field("first_live_job", &self.first_live_job)
            .finish()
    }
}

impl Worker {
    /// A worker; `notify` is called after every event is sent (the app passes a
    /// repaint request, so the window wakes up to show it).
    pub fn new(notify: Arc<dyn Fn() + Send + Sync>) -> Worker {
        let (tx, rx) = channel();
        Worker {
            tx,
            rx,
            next_job: 1,
            first_live_job: 1,
            cancel_flags: Vec::new(),
            notify,
        }
    }

    /// Loads the gazetteer (`path`, or the bundled one) on a background thread.
    pub fn load_gazetteer(&self, path: Option<PathBuf>) {
        let tx = self.tx.clone();
        let notify = self.notify.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-gazetteer".into())
            .spawn(move || {
                let result = match &path {
                    Some(p) => Gazetteer::load(p),
                    None => Gazetteer::load_bundled(),
                };
                let _ = tx.send(Event::Gazetteer(
                    result.map(Arc::new).map_err(|e| e.to_string()),
                ));
                notify();
            });
        if let Err(e) = spawned {
            let _ = self.tx.send(Event::Gazetteer(Err(format!(
                "cannot start the loading thread: {e}"
            ))));
        }
    }

    /// Reads and parses `inputs` on a background thread. Returns the job number.
    pub fn parse(&mut self, gazetteer: Arc<Gazetteer>, inputs: Vec<Input>) -> JobId {
        let (job, cancel) = self.new_job();
        let tx = self.tx.clone();
        let notify = self.notify.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-parse".into())
            .spawn(move || {
                run_parse_job(job, &gazetteer, inputs, &cancel, &mut |event| {
                    let _ = tx.send(event);
                    notify();
                });
            });
        if let Err(e) = spawned {
            self.thread_failed(job, e);
        }
        job
    }

    /// Reads the project at `path` on a background thread (see
    /// [`super::project_link::read_project`]). Returns the job number.
    /// Reads the project at `path` (see [`super::project_link::read_project`]; one of
    /// more than `hold_up_to` documents opens as an archive).
    pub fn open_project(
        &mut self,
        gazetteer: Arc<Gazetteer>,
        path: PathBuf,
        hold_up_to: usize,
    ) -> JobId {
        let (job, cancel) = self.new_job();
        let tx = self.tx.clone();
        let notify = self.notify.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-project-read".into())
            .spawn(move || {
                let mut emit = |event| {
                    let _ = tx.send(event);
                    notify();
                };
                super::project_link::read_project(
                    job, &gazetteer, &path, hold_up_to, &cancel, &mut emit,
                );
            });
        if let Err(e) = spawned {
            self.thread_failed(job, e);
        }
        job
    }

    /// Parses again, on a background thread, those of `documents` (all open, with
    /// their indices) whose text holds one of `names` (see [`run_reparse_job`]).
    /// Returns the job number.
    pub fn reparse(
        &mut self,
        gazetteer: Arc<Gazetteer>,
        documents: Vec<Arc<ParsedDocument>>,
        names: Vec<String>,
    ) -> JobId {
        let (job, cancel) = self.new_job();
        let tx = self.tx.clone();
        let notify = self.notify.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-reparse".into())
            .spawn(move || {
                let event = run_reparse_job(job, &gazetteer, &documents, &names, &cancel);
                let _ = tx.send(event);
                notify();
            });
        if let Err(e) = spawned {
            let _ = self.tx.send(Event::Note {
                job,
                message: format!("Your places could not be looked for again: {e}"),
            });
            let _ = self.tx.send(Event::Reparsed {
                job,
                updates: Vec::new(),
            });
        }
        job
    }

    /// A new job's number and cancel flag.
    fn new_job(&mut self) -> (JobId, Arc<AtomicBool>) {
        let job = self.next_job;
        self.next_job += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel_flags.push(cancel.clone());
        (job, cancel)
    }

    /// Reports that the thread of `job` could not start, and ends the job.
    fn thread_failed(&self, job: JobId, e: std::io::Error) {
        let _ = self.tx.send(Event::Skipped {
            job,
            message: format!("cannot start a background thread: {e}"),
        });
        let _ = self.tx.send(Event::Finished {
            job,
            loaded: 0,
            skipped: 0,
        });
    }

    /// Cancels every running job; their remaining events are dropped by [`Worker::poll`].
    pub fn cancel_all(&mut self) {
        for flag in self.cancel_flags.drain(..) {
            flag.store(true, Ordering::Relaxed);
        }
        self.first_live_job = self.next_job;
    }

    /// True if a job numbered `job` was not cancelled.
    pub fn is_live(&self, job: JobId) -> bool {
        job >= self.first_live_job
    }

    /// The events that arrived since the last call (never blocks), stale ones removed.
    pub fn poll(&mut self) -> Vec<Event> {
        let events: Vec<Event> = self.rx.try_iter().collect();
        events
            .into_iter()
            .filter(|e| match e {
                Event::Gazetteer(_) => true,
                Event::Started { job, .. }
                | Event::Document { job, .. }
                | Event::Skipped { job, .. }
                | Event::More { job, .. }
                | Event::ChooseFields { job, .. }
                | Event::Note { job, .. }
                | Event::ProjectOpened { job, .. }
                | Event::ProjectArchive { job, .. }
                | Event::ProjectFailed { job, .. }
                | Event::Reparsed { job, .. }
                | Event::Finished { job, .. } => self.is_live(*job),
            })
            .collect()
    }
}

/// Reads and parses `inputs` (see [`corpus::load`]), calling `emit` with each event
/// tagged with `job`, on the calling thread; stops early when `cancel` is raised. Used by
/// the background worker and, synchronously, by tests.
pub fn run_parse_job(
    job: JobId,
    gazetteer: &Gazetteer,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    emit: &mut dyn FnMut(Event),
) {
    let parser = Geoparser::new(gazetteer);
    corpus::load(&parser, inputs, cancel, &mut |event| {
        // A dataset without a known text field: its field names, for the user to choose
        // from (read here, off the UI thread), besides the message.
        if let LoadEvent::Skipped(DocumentError::Format { path, source, .. }) = &event
            && source.is_missing_text_field()
            && let Some(format) = corpus::Format::of(path)
            && let Ok(names) = corpus::formats::dataset::field_names(path, format)
        {
            emit(Event::ChooseFields {
                job,
                path: path.clone(),
                names,
            });
        }
        emit(match event {
            LoadEvent::Started { total } => Event::Started { job, total },
            LoadEvent::Document {
                parsed,
                source,
                warning,
            } => Event::Document {
                job,
                parsed,
                source,
                warning,
            },
            LoadEvent::Skipped(e) => Event::Skipped {
                job,
                message: skip_message(&e),
            },
            LoadEvent::More { documents } => Event::More { job, documents },
            LoadEvent::Note(message) => Event::Note { job, message },
            LoadEvent::Finished { loaded, skipped } => Event::Finished {
                job,
                loaded,
                skipped,
            },
            // Only `load_then` given what to make of sections gives sections; the window
            // holds each document whole.
            LoadEvent::Section { .. } => return,
        })
    });
}

/// The message a skipped input shows in the log: the error, saying it was skipped.
fn skip_message(error: &DocumentError) -> String {
    if error.is_read_failure() {
        format!("{error}; skipped")
    } else {
        error.to_string()
    }
}

/// The bundled sample articles (`seeds/`; see [`crate::bundled`] for where it is looked for).
pub fn seeds_dir() -> Option<PathBuf> {
    crate::bundled::find(std::path::Path::new("seeds")).filter(|p| p.is_dir())
}

/// Parses again those of `documents` whose text holds one of `names` (see
/// [`corpus::reparse::reparse_naming`]), on the calling thread and every core: the
/// [`Event::Reparsed`] to send. Used by the background worker and, synchronously, by
/// tests.
pub fn run_reparse_job(
    job: JobId,
    gazetteer: &Gazetteer,
    documents: &[Arc<ParsedDocument>],
    names: &[String],
    cancel: &AtomicBool,
) -> Event {
    let parser = Geoparser::new(gazetteer);
    let updates = corpus::reparse::reparse_naming(&parser, documents, names, cancel)
        .into_iter()
        .filter_map(|(i, mentions)| {
            let name = documents.get(i)?.document.name.clone();
            Some((i, name, mentions))
        })
        .collect();
    Event::Reparsed { job, updates }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_binary_and_missing_files_and_keeps_the_rest() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("good.txt");
        std::fs::write(&good, "Soldiers left Niamey for Agadez.").expect("write");
        let binary = dir.path().join("image.txt");
        std::fs::write(&binary, b"\x89PNG\0\0\0binary").expect("write");
        let missing = dir.path().join("missing.txt");
        let mut events = Vec::new();
        run_parse_job(
            7,
            &g,
            vec![
                Input::Path(good),
                Input::Path(binary),
                Input::Path(missing),
                Input::Text {
                    name: "Pasted".into(),
                    text: "Talks in Paris.".into(),
                },
            ],
            &AtomicBool::new(false),
            &mut |e| events.push(e),
        );
        let names: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Document { parsed, .. } => Some(parsed.document.name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["good.txt", "Pasted"]);
        let skipped: Vec<&String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Skipped { message, .. } => Some(message),
                _ => None,
            })
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped.iter().any(|m| m.contains("binary")));
        assert!(matches!(
            events.last(),
            Some(Event::Finished {
                job: 7,
                loaded: 2,
                skipped: 2
            })
        ));
    }

    #[test]
    fn cancelled_jobs_are_dropped() {
        let mut w = Worker::new(Arc::new(|| {}));
        let g = Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer"));
        let job = w.parse(
            g,
            vec![Input::Text {
                name: "a".into(),
                text: "Niamey".into(),
            }],
        );
        w.cancel_all();
        assert!(!w.is_live(job));
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(w.poll().is_empty());
    }
}
