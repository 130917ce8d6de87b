//! "Export…" off the window's thread: what is shown is taken as it is when the user asks
//! (the documents are shared, so taking them copies no text) and written on a thread of
//! its own, so a big export never stops the window; the outcome comes back as a message.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::corpus::{ParsedDocument, Place};
use crate::export::{self, ExportError, Format};
use crate::gazetteer::Gazetteer;

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
}

impl ExportJob {
    /// Writes the export (atomically; see [`export::write`]).
    pub fn run(self) -> ExportOutcome {
        let result = export::write(
            &self.path,
            self.format,
            &self.gazetteer,
            &self.documents,
            &self.places,
        );
        ExportOutcome {
            path: self.path,
            places: self.places.len(),
            mentions: self.mentions,
            result,
        }
    }
}

/// Runs exports on threads of their own and collects their outcomes.
#[derive(Debug)]
pub struct Exports {
    tx: Sender<ExportOutcome>,
    rx: Receiver<ExportOutcome>,
}

impl Default for Exports {
    fn default() -> Self {
        let (tx, rx) = channel();
        Exports { tx, rx }
    }
}

impl Exports {
    /// Starts `job` on a thread; `notify` wakes the window when it is done. If no thread
    /// can be started, the export is written here and now.
    pub fn start(&mut self, job: ExportJob, notify: Arc<dyn Fn() + Send + Sync>) {
        let tx = self.tx.clone();
        let job = Arc::new(std::sync::Mutex::new(Some(job)));
        let for_thread = job.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-export".into())
            .spawn(move || {
                let job = for_thread.lock().ok().and_then(|mut j| j.take());
                if let Some(job) = job {
                    let _ = tx.send(job.run());
                }
                notify();
            });
        if spawned.is_err() {
            let job = job.lock().ok().and_then(|mut j| j.take());
            if let Some(job) = job {
                let _ = self.tx.send(job.run());
            }
        }
    }

    /// Runs `job` on this thread (tests); its outcome comes with the next poll.
    pub fn run_here(&mut self, job: ExportJob) {
        let _ = self.tx.send(job.run());
    }

    /// The outcomes of exports finished since the last call.
    pub fn poll(&mut self) -> Vec<ExportOutcome> {
        self.rx.try_iter().collect()
    }
}
