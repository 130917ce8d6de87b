//! "Export…" off the window's thread: what is shown is taken as it is when the user asks
//! (the documents are shared, so taking them copies no text) and written on a thread of
//! its own, so a big export never stops the window; the outcome comes back as a message.
//! Closing the window stops the exports still running and waits for them to give up (a
//! document, or a buffer, at most), so that none leaves its temporary file beside its
//! target.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::corpus::{ParsedDocument, Place};
use crate::export::project::ProjectExported;
use crate::export::{self, ExportError, Format};
use crate::gazetteer::Gazetteer;
use crate::project::Project;

/// An export to write: what was shown when it was asked for.
#[derive(Debug)]
pub struct ExportJob {
    /// Where to write.
    pub path: PathBuf,
    /// In what format.
    pub format: Format,
    /// The gazetteer the places refer to.
    pub gazetteer: Arc<Gazetteer>,
    /// The documents, as the places' mentions index them.
    pub documents: Vec<Arc<ParsedDocument>>,
    /// The places shown.
    pub places: Vec<Place>,
    /// The mentions shown.
    pub mentions: usize,
}

/// How an export went.
#[derive(Debug)]
pub struct ExportOutcome {
    /// Where it was written.
    pub path: PathBuf,
    /// Places written.
    pub places: usize,
    /// Mentions written.
    pub mentions: usize,
    /// Whether it was.
    pub result: Result<(), ExportError>,
    /// What it left out and why, to tell (an archive's mentions whose entry the
    /// gazetteer lacks), as `gazette export` warns.
    pub warning: Option<String>,
}

impl ExportJob {
    /// Writes the export (atomically; see [`export::write`]).
    pub fn run(self) -> ExportOutcome {
        self.run_unless(&AtomicBool::new(false))
    }

    /// Writes the export, given up once `stop` is set (see
    /// [`export::write_unless_stopped`]).
    pub fn run_unless(self, stop: &AtomicBool) -> ExportOutcome {
        let result = export::write_unless_stopped(
            &self.path,
            self.format,
            &self.gazetteer,
            &self.documents,
            &self.places,
            stop,
        );
        ExportOutcome {
            path: self.path,
            places: self.places.len(),
            mentions: self.mentions,
            result,
            warning: None,
        }
    }
}

/// An export of a project opened as an archive: streamed from the project file on a
/// thread of its own ([`export::project::write_project`], as `gazette export` writes it,
/// with the project's filter, corrections and rules as saved), a document at a time, so
/// memory does not grow with the project. The window reads its progress (two numbers)
/// and may stop it; a stopped export leaves no file.
#[derive(Debug)]
pub struct ArchiveExport {
    /// Where it is written.
    pub path: PathBuf,
    /// Documents written so far.
    pub done: Arc<AtomicUsize>,
    /// Documents in the project.
    pub total: usize,
    /// Set to stop it.
    pub stop: Arc<AtomicBool>,
}

/// How long a paused export sleeps between two looks at its pause.
const PAUSED_SLEEP: std::time::Duration = std::time::Duration::from_millis(5);

/// Documents between two wakes of the window (for its progress).
const PROGRESS_EVERY: usize = 2_000;

/// Writes the project at `project` in `format` to `path` (atomically), counting the
/// documents written in `done` and stopping when `stop` is set; while `pause` is set it
/// waits after the document it wrote, its read of the project left open (tests hold an
/// export running with it). What
/// `gazette export PROJECT --format FORMAT -o PATH` writes, with the warning it prints
/// (mentions left out).
#[allow(clippy::too_many_arguments)]
pub fn export_archive(
    gazetteer: &Gazetteer,
    project: &Path,
    path: &Path,
    format: Format,
    done: &AtomicUsize,
    stop: &AtomicBool,
    pause: &AtomicBool,
    notify: &dyn Fn(),
) -> Result<ProjectExported, ExportError> {
    let failed = |source: std::io::Error| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if path == project || crate::output_file::find_same_file(path, [project]).is_some() {
        return Err(ExportError::WouldOverwriteProject {
            path: path.to_path_buf(),
        });
    }
    let opened = Project::open_read_only(project)
        .map_err(|e| failed(std::io::Error::other(e.to_string())))?;
    // Not onto one of its documents' own files (a file there is compared with each, a
    // document at a time, as `gazette export` does).
    if path.exists() {
        let mut onto = None;
        opened
            .for_each_document_summary(&mut |summary| match summary.path {
                Some(p) if crate::output_file::find_same_file(path, [p.as_path()]).is_some() => {
                    onto = Some(summary.name);
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            })
            .map_err(|e| failed(std::io::Error::other(e.to_string())))?;
        if let Some(document) = onto {
            return Err(ExportError::WouldOverwriteDocument {
                path: path.to_path_buf(),
                document,
            });
        }
    }
    let filter = opened
        .filter()
        .map_err(|e| failed(std::io::Error::other(e.to_string())))?;
    let mut written = ProjectExported::default();
    crate::output_file::write_atomically(path, |out| {
        let exported = export::project::write_project(
            gazetteer,
            &opened,
            export::project::Settings {
                format,
                filter: &filter,
                rules: &crate::corpus::Rules::default(),
                detail: export::Detail::FULL,
            },
            out,
            &mut || {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of(PROGRESS_EVERY) {
                    notify();
                }
                while pause.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(PAUSED_SLEEP);
                }
                if stop.load(Ordering::Relaxed) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )?;
        written = exported;
        Ok(())
    })
    .map_err(|e| match e.kind() {
        std::io::ErrorKind::Interrupted => ExportError::Stopped {
            path: path.to_path_buf(),
        },
        _ => failed(e),
    })?;
    Ok(written)
}

/// Runs exports on threads of their own and collects their outcomes.
#[derive(Debug)]
pub struct Exports {
    tx: Sender<ExportOutcome>,
    rx: Receiver<ExportOutcome>,
    /// While set, archive exports wait after the document they wrote (tests).
    pause: Arc<AtomicBool>,
    /// The export threads started, each with what stops it: stopped and waited for when
    /// the window closes ([`Exports::stop_all`]).
    threads: Vec<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl Default for Exports {
    fn default() -> Self {
        let (tx, rx) = channel();
        Exports {
            tx,
            rx,
            pause: Arc::new(AtomicBool::new(false)),
            threads: Vec::new(),
        }
    }
}

impl Exports {
    /// Holds the archive exports running (`true`: each waits after the document it
    /// wrote, its read of the project open) or lets them go on (tests).
    pub fn pause(&self, paused: bool) {
        self.pause.store(paused, Ordering::Relaxed);
    }

    /// Starts `job` on a thread; `notify` wakes the window when it is done. If no thread
    /// can be started, the export is written here and now.
    pub fn start(&mut self, job: ExportJob, notify: Arc<dyn Fn() + Send + Sync>) {
        let tx = self.tx.clone();
        let job = Arc::new(std::sync::Mutex::new(Some(job)));
        let for_thread = job.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stop_t = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-export".into())
            .spawn(move || {
                let job = for_thread.lock().ok().and_then(|mut j| j.take());
                if let Some(job) = job {
                    let _ = tx.send(job.run_unless(&stop_t));
                }
                notify();
            });
        match spawned {
            Ok(thread) => self.keep(stop, thread),
            Err(_) => {
                let job = job.lock().ok().and_then(|mut j| j.take());
                if let Some(job) = job {
                    let _ = self.tx.send(job.run());
                }
            }
        }
    }

    /// Keeps a thread started, forgetting those that ended.
    fn keep(&mut self, stop: Arc<AtomicBool>, thread: JoinHandle<()>) {
        self.threads.retain(|(_, t)| !t.is_finished());
        self.threads.push((stop, thread));
    }

    /// Stops every export still running and waits for each to give up (after the
    /// document, or the buffer, it is writing): none is left half-written, and no
    /// temporary file is left beside its target. Their outcomes are dropped.
    pub fn stop_all(&mut self) {
        for (stop, _) in &self.threads {
            stop.store(true, Ordering::Relaxed);
        }
        for (_, thread) in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    /// Starts the export of the archive project at `project` to `path` on a thread;
    /// `notify` wakes the window as it goes and when it is done; it waits while
    /// [`Exports::pause`] says so. `None` if no thread can be started.
    pub fn start_archive(
        &mut self,
        gazetteer: Arc<Gazetteer>,
        project: PathBuf,
        path: PathBuf,
        format: Format,
        total: usize,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) -> Option<ArchiveExport> {
        let tx = self.tx.clone();
        let done = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (done_t, stop_t, path_t) = (done.clone(), stop.clone(), path.clone());
        let pause = self.pause.clone();
        let thread = std::thread::Builder::new()
            .name("gazette-export".into())
            .spawn(move || {
                let result = export_archive(
                    &gazetteer,
                    &project,
                    &path_t,
                    format,
                    &done_t,
                    &stop_t,
                    &pause,
                    &|| notify(),
                );
                let (written, result) = match result {
                    Ok(written) => (written, Ok(())),
                    Err(e) => (ProjectExported::default(), Err(e)),
                };
                let _ = tx.send(ExportOutcome {
                    path: path_t,
                    places: written.counts.places,
                    mentions: written.counts.mentions,
                    result,
                    warning: written.warning,
                });
                notify();
            })
            .ok()?;
        self.keep(stop.clone(), thread);
        Some(ArchiveExport {
            path,
            done,
            total,
            stop,
        })
    }

    /// Runs `job` on this thread (tests); its outcome comes with the next poll.
    pub fn run_here(&mut self, job: ExportJob) {
        let _ = self.tx.send(job.run());
    }

    /// Waits for the next export to finish (tests).
    pub fn wait(&mut self) -> ExportOutcome {
        match self.rx.recv() {
            Ok(outcome) => outcome,
            // Cannot happen: `self` holds a sender.
            Err(_) => ExportOutcome {
                path: PathBuf::new(),
                places: 0,
                mentions: 0,
                result: Err(ExportError::Serialize("no export is running".into())),
                warning: None,
            },
        }
    }

    /// The outcomes of exports finished since the last call.
    pub fn poll(&mut self) -> Vec<ExportOutcome> {
        self.rx.try_iter().collect()
    }
}

impl Drop for Exports {
    /// The window is closing (or its state dropped): see [`Exports::stop_all`].
    fn drop(&mut self) {
        self.stop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Document, parse_documents};
    use crate::geoparse::Geoparser;

    #[test]
    fn an_archive_export_counts_its_documents_and_when_stopped_leaves_no_file() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let dir = tempfile::tempdir().expect("tempdir");
        let project = dir.path().join("p.gpkg");
        let docs = parse_documents(
            &Geoparser::new(&g),
            vec![
                Document::from_text("a.txt", "Troops left Niamey for Agadez."),
                Document::from_text("b.txt", "Rain fell on Lake Chad and in Niamey."),
            ],
        );
        let mut p = Project::create(&project).expect("create");
        p.add_documents(&g, &docs).expect("add");
        drop(p);
        let out = dir.path().join("out.csv");
        let (done, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
        let go = AtomicBool::new(false);
        let counts = export_archive(&g, &project, &out, Format::Csv, &done, &stop, &go, &|| {})
            .expect("export")
            .counts;
        assert_eq!(done.load(Ordering::Relaxed), 2);
        assert_eq!(counts.documents, 2);
        assert!(out.exists());

        // Stopped: an error, and the file there is as it was.
        let before = std::fs::read(&out).expect("read");
        let (done, stop) = (AtomicUsize::new(0), AtomicBool::new(true));
        let stopped = export_archive(
            &g,
            &project,
            &out,
            Format::JsonLines,
            &done,
            &stop,
            &go,
            &|| {},
        );
        assert!(
            matches!(stopped, Err(ExportError::Stopped { .. })),
            "{stopped:?}"
        );
        assert_eq!(done.load(Ordering::Relaxed), 1, "stopped after the first");
        assert_eq!(std::fs::read(&out).expect("read"), before);
        // Not onto the project itself.
        let onto = export_archive(
            &g,
            &project,
            &project,
            Format::Csv,
            &done,
            &stop,
            &go,
            &|| {},
        );
        assert!(
            matches!(onto, Err(ExportError::WouldOverwriteProject { .. })),
            "{onto:?}"
        );
    }
}
