//! Counting what is shown again, on a thread of its own: after a change of the filter or
//! the corrections, the places and the filter panels' counts are made anew from every
//! mention ([`Summary::of_parts`]), which takes time in proportion to the corpus. For a
//! big corpus the window hands that to this thread and keeps showing the last counts
//! until the new ones come, so a click on a filter never waits for 100,000 articles.
//!
//! Only the latest request matters: requests that pile up while one is counted are
//! skipped, so dragging the confidence slider costs one count at a time, not one per
//! step.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::corpus::{CorpusParts, Summary};
use crate::gazetteer::Gazetteer;

/// A request: its number, and what to count.
type Request = (u64, Arc<Gazetteer>, CorpusParts);

/// The counting thread and the request whose answer the window waits for.
pub struct Recounter {
    requests: Option<Sender<Request>>,
    answers: Receiver<(u64, Summary)>,
    answers_tx: Sender<(u64, Summary)>,
    notify: Arc<dyn Fn() + Send + Sync>,
    /// The request awaited; earlier answers are stale.
    awaited: Option<u64>,
    next: u64,
}

impl std::fmt::Debug for Recounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recounter")
            .field("awaited", &self.awaited)
            .finish()
    }
}

impl Recounter {
    /// A recounter whose thread starts with the first request; `notify` wakes the window
    /// when an answer is ready.
    pub fn new(notify: Arc<dyn Fn() + Send + Sync>) -> Recounter {
        let (answers_tx, answers) = channel();
        Recounter {
            requests: None,
            answers,
            answers_tx,
            notify,
            awaited: None,
            next: 0,
        }
    }

    /// Asks for `parts` to be counted; any earlier request's answer becomes stale.
    /// Returns `false` (and counts nothing) if no thread could be started: the caller
    /// counts on its own thread.
    pub fn request(&mut self, gazetteer: Arc<Gazetteer>, parts: CorpusParts) -> bool {
        if self.requests.is_none() {
            let (tx, rx) = channel::<Request>();
            let answers = self.answers_tx.clone();
            let notify = self.notify.clone();
            let spawned = std::thread::Builder::new()
                .name("gazette-recount".into())
                .spawn(move || {
                    while let Ok(mut request) = rx.recv() {
                        // Only the newest of those waiting is worth counting.
                        while let Ok(newer) = rx.try_recv() {
                            request = newer;
                        }
                        let (id, g, parts) = request;
                        let summary = Summary::of_parts(&g, &parts);
                        if answers.send((id, summary)).is_err() {
                            return;
                        }
                        notify();
                    }
                });
            if spawned.is_err() {
                return false;
            }
            self.requests = Some(tx);
        }
        self.next += 1;
        let sent = self
            .requests
            .as_ref()
            .is_some_and(|tx| tx.send((self.next, gazetteer, parts)).is_ok());
        if sent {
            self.awaited = Some(self.next);
        } else {
            self.requests = None;
        }
        sent
    }

    /// Forgets the request awaited (the caller counted on its own thread since).
    pub fn forget(&mut self) {
        self.awaited = None;
    }

    /// True while an answer is awaited.
    pub fn is_busy(&self) -> bool {
        self.awaited.is_some()
    }

    /// The awaited answer, once it is ready.
    pub fn take(&mut self) -> Option<Summary> {
        let awaited = self.awaited?;
        let mut found = None;
        for (id, summary) in self.answers.try_iter() {
            if id == awaited {
                found = Some(summary);
            }
        }
        if found.is_some() {
            self.awaited = None;
        }
        found
    }

    /// Waits for the awaited answer (tests).
    pub fn wait(&mut self) -> Option<Summary> {
        let awaited = self.awaited?;
        while let Ok((id, summary)) = self.answers.recv() {
            if id == awaited {
                self.awaited = None;
                return Some(summary);
            }
        }
        None
    }
}
