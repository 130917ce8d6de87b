//! The window's project: opening one ("Open project…", a `.gpkg` dropped or named on the
//! command line, the last one at start), "Save project as…", closing it, and keeping it
//! up to date: every document added, correction made and filter changed is sent to the
//! [`ProjectLink`]'s thread as it happens.

use std::path::{Path, PathBuf};

use crate::gazetteer::EntryIndex;
use crate::project::Project;

use super::project_link::{Change, LinkEvent, LinkState, NewDocument, ProjectLink};
use super::state::{MessageLevel, ProjectStatus};
use super::{GazetteApp, Loader, plural};

/// The extension of project files.
pub const PROJECT_EXTENSION: &str = "gpkg";

/// True if `path` names a project file (by its extension).
pub fn is_project_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(PROJECT_EXTENSION))
}

impl GazetteApp {
    /// Closes what is open (the project and its documents, or the loose documents) and
    /// reads the project at `path` into the window on a background thread; its changes
    /// are saved to it from then on.
    pub(super) fn open_project(&mut self, path: PathBuf) {
        let Some(g) = self.state.gazetteer_arc() else {
            self.waiting_project = Some(path);
            return;
        };
        // Recognised before anything is closed (a look at its header and tables, the same
        // for any size): a file that is not a project leaves the window as it was.
        if let Err(e) = Project::open_read_only(&path) {
            self.project_failed(e.to_string());
            return;
        }
        self.close_everything();
        self.project = Some(ProjectLink::reading(path.clone()));
        self.loading_since = Some(std::time::Instant::now());
        self.map.forget_moves();
        match &mut self.loader {
            Loader::Background(worker) => {
                let job = worker.open_project(g, path, self.hold_up_to);
                self.jobs.insert(job, (0, 0));
                self.project_job = Some(job);
                self.update_progress();
            }
            Loader::Synchronous => {
                let mut events = Vec::new();
                super::project_link::read_project(
                    0,
                    &g,
                    &path,
                    self.hold_up_to,
                    &std::sync::atomic::AtomicBool::new(false),
                    &mut |e| events.push(e),
                );
                self.jobs.insert(0, (0, 0));
                self.project_job = Some(0);
                for e in events {
                    self.handle_event(e);
                }
                self.state.refresh();
            }
        }
        self.show_project_status();
    }

    /// Writes the open documents, corrections and filter as a new project at `path` (on
    /// the project's thread) and saves to it from then on. The project linked before
    /// keeps what it had.
    pub(super) fn save_project_as(&mut self, path: PathBuf) {
        let path = if path.extension().is_none() {
            path.with_extension(PROJECT_EXTENSION)
        } else {
            path
        };
        if self.project.as_ref().is_some_and(|p| p.path() == path) {
            self.state.push_message(
                MessageLevel::Info,
                format!(
                    "{} is the open project: every change is already saved in it",
                    path.display()
                ),
            );
            return;
        }
        let Some(g) = self.state.gazetteer_arc() else {
            self.state.push_message(
                MessageLevel::Error,
                "Cannot save a project: the gazetteer did not load.",
            );
            return;
        };
        if !self.jobs.is_empty() {
            self.state.push_message(
                MessageLevel::Info,
                "Wait for the documents being opened (or cancel them), then save the project",
            );
            return;
        }
        // Whatever was linked keeps its changes (dropping the link waits for them).
        self.project = None;
        let documents: Vec<NewDocument> = self
            .state
            .documents()
            .iter()
            .cloned()
            .zip(
                self.state
                    .sources()
                    .iter()
                    .map(|s| s.record().map(str::to_string)),
            )
            .collect();
        let n = documents.len();
        self.project = Some(ProjectLink::save_as(
            path.clone(),
            g,
            documents,
            self.state.corrections().clone(),
            self.state.filter().clone(),
            self.state.user_places().to_vec(),
            self.repaint.clone(),
        ));
        self.sent_versions = self.state.saved_versions();
        self.state.push_message(
            MessageLevel::Info,
            format!("Saving {n} document{} as {}…", plural(n), path.display()),
        );
        self.show_project_status();
    }

    /// Closes the project and its documents (every change is in it); the window is left
    /// empty.
    pub(super) fn close_project(&mut self) {
        let Some(link) = &self.project else {
            return;
        };
        let name = link.path().display().to_string();
        self.close_everything();
        self.state
            .push_message(MessageLevel::Info, format!("Closed the project {name}"));
    }

    /// Stops the loads, lets the project's thread write what it has (and closes it), and
    /// closes every document, corrections and filter.
    pub(super) fn close_everything(&mut self) {
        if let Loader::Background(worker) = &mut self.loader {
            worker.cancel_all();
        }
        self.jobs.clear();
        self.project_job = None;
        self.restoring = None;
        self.review = None;
        self.waiting_inputs.clear();
        // A project's places leave with it (a session's stay, as on "Reset to samples").
        if self.project.take().is_some() {
            let _ = self.state.set_user_places(Vec::new());
        }
        self.reparse = None;
        self.passage_reader = None;
        self.archive_counter = None;
        self.archive_reviewer = None;
        self.state.clear_documents();
        self.state.reset_corrections_and_filter();
        self.update_progress();
        self.show_project_status();
        self.map.request_fit();
    }

    /// A project too large to hold is open: shown from its layer, its passages read
    /// when a place is selected.
    pub(super) fn open_archive(&mut self, view: super::archive::ArchiveView) {
        let readers = self.state.gazetteer_arc().map(|g| {
            let passages =
                super::archive::PassageReader::new(&view.path, g.clone(), self.repaint.clone())?;
            let counter =
                super::archive::PassageReader::counter(&view.path, g, self.repaint.clone())?;
            Ok::<_, std::io::Error>((passages, counter))
        });
        match readers {
            Some(Ok((passages, mut counter))) => {
                // The timeline: mentions per day, counted at once (a pass over the
                // mentions, on the counter's thread).
                counter.ask_timeline();
                self.passage_reader = Some(passages);
                self.archive_counter = Some(counter);
                // Started for this project when its review is first asked for.
                self.archive_reviewer = None;
            }
            Some(Err(e)) => self.state.push_message(
                MessageLevel::Error,
                format!("Cannot start the threads that read the project: {e}"),
            ),
            None => {}
        }
        let mut text = format!(
            "{} holds {} documents: too many to hold in the window, so it is shown from its \
             places layer ({} places), and a place's passages and documents are read from it \
             when you open them; corrections of single mentions are saved to it as you make \
             them, as are rules and corrections of a whole place; its timeline and the places \
             of a range of dates are counted from it, and the review reads the least certain \
             mentions from it; exports stream from it as `gazette export` does. Filters by \
             confidence need the documents in the window; use `gazette export \
             --min-confidence` on it for those.",
            view.path.display(),
            crate::geoparse::why::thousands(view.documents as u64),
            crate::geoparse::why::thousands(view.places.len() as u64),
        );
        if view.places_left_out > 0 {
            text.push_str(&format!(
                " {} of its places are not in this gazetteer and are left out.",
                view.places_left_out
            ));
        }
        self.state.push_message(MessageLevel::Info, text);
        self.state.set_archive(view);
        self.map.request_fit();
    }

    /// A document was added to the window: the project gets it too (unless it came from
    /// the project).
    pub(super) fn document_added(&mut self, job: super::worker::JobId) {
        if self.project_job == Some(job) {
            return;
        }
        let (Some(link), Some(parsed), Some(source)) = (
            &mut self.project,
            self.state.documents().last(),
            self.state.sources().last(),
        ) else {
            return;
        };
        link.send(Change::Documents(vec![(
            parsed.clone(),
            source.record().map(str::to_string),
        )]));
    }

    /// The project is read: its corrections and filter came first; now changes go to it.
    pub(super) fn project_read(&mut self) {
        self.project_job = None;
        let Some(g) = self.state.gazetteer_arc() else {
            return;
        };
        if let Some(link) = &mut self.project {
            link.start(g, self.repaint.clone());
            if link.state() == LinkState::ReadOnly {
                self.state.push_message(
                    MessageLevel::Warning,
                    format!(
                        "{} is read-only: changes are kept in the window but not saved; use \
                         \"Save project as…\" to keep them",
                        link.path().display()
                    ),
                );
            }
        }
        self.show_project_status();
        // The session names the project from now on: saved at once, so that even a
        // window killed rather than closed reopens it.
        self.save_session();
    }

    /// Sends the corrections, the filter and the rules to the project when they changed, and takes
    /// what its thread reported. Called every frame; costs nothing when nothing changed.
    pub(super) fn sync_project(&mut self) {
        // While the archive is exported its filter waits: the export's read of the
        // project would make the write fail (other changes are refused meanwhile, see
        // `Action::changes_an_archive`).
        let exporting = self.archive_exporting_now();
        let Some(link) = &mut self.project else {
            return;
        };
        let versions = self.state.saved_versions();
        let (corrected, ruled) = (
            versions.0 != self.sent_versions.0,
            versions.2 != self.sent_versions.2,
        );
        // An archive's corrections are sent one change at a time as they are made
        // (`Change::Correct`, `Change::CorrectPlace`): the whole list, as many as the
        // mentions of the places corrected, is not copied at each.
        if corrected && self.state.archive().is_none() {
            link.send(Change::Corrections(self.state.corrections().clone()));
        }
        let filtered = versions.1 != self.sent_versions.1 && !exporting;
        if filtered {
            link.send(Change::Filter(self.state.filter().clone()));
        }
        if ruled {
            link.send(Change::Rules(self.state.rules().clone()));
        }
        if (corrected || ruled) && self.state.archive().is_some() {
            // The window shows the layer: read it back once the changes are in.
            if link.state() == LinkState::ReadOnly {
                self.state.archive_counted();
            } else {
                link.send(Change::ReadPlaces);
                self.state.archive_counting();
            }
        }
        self.sent_versions = (
            versions.0,
            if filtered {
                versions.1
            } else {
                self.sent_versions.1
            },
            versions.2,
        );
        let mut progress = None;
        let mut taken_back = Vec::new();
        let mut saved_as = false;
        for event in link.poll() {
            match event {
                LinkEvent::Progress { done, total } => progress = Some((done, total)),
                LinkEvent::SavedAs { documents } => {
                    saved_as = true;
                    self.state.push_message(
                        MessageLevel::Success,
                        format!(
                            "Saved {documents} document{} as the project {}; changes are saved \
                         in it as you make them",
                            plural(documents),
                            link.path().display()
                        ),
                    );
                }
                LinkEvent::Saved => {}
                LinkEvent::Places(Ok(summaries)) => {
                    if let Some(g) = self.state.gazetteer_arc() {
                        let (places, left_out) = super::archive::layer_places(&g, &summaries);
                        self.state.set_archive_places(places, left_out);
                        // The selected place's passages changed with it, and the places of
                        // a date range: read and counted again.
                        if let Some(reader) = &mut self.passage_reader {
                            reader.forget();
                        }
                        if let Some(counter) = &mut self.archive_counter {
                            counter.forget_range();
                            // The bars too (a pass over the mentions, the newest
                            // request answered).
                            counter.ask_timeline();
                            self.state.archive_days_counting();
                        }
                    }
                }
                LinkEvent::PlaceCorrected {
                    changes,
                    error,
                    batch,
                } => {
                    if let Some(message) = &error {
                        let written = changes.len();
                        self.state.push_message(
                            MessageLevel::Error,
                            if written == 0 {
                                format!("The place could not be corrected: {message}")
                            } else {
                                format!(
                                    "The place could not be corrected whole: {message}. The \
                                     {} mention{} corrected before stay corrected in the \
                                     project (\"Undo all\" undoes them)",
                                    crate::geoparse::why::thousands(written as u64),
                                    plural(written)
                                )
                            },
                        );
                    }
                    if error.is_some() && changes.is_empty() {
                        self.state.archive_place_failed();
                    } else {
                        // Taken into the window's corrections a slice per frame
                        // (`take_archive_work`), which then says how many: those in
                        // the file, even when it failed part-way.
                        self.state.archive_place_corrected(changes, batch);
                    }
                }
                LinkEvent::ChangesUndone(Ok(_)) => {}
                LinkEvent::ChangesUndone(Err(failed)) => {
                    let left = failed.left.len();
                    self.state.push_message(
                        MessageLevel::Error,
                        format!(
                            "\"{}\" could not be undone whole: {}. {} mention{} keep the \
                             place's correction (\"Undo all\" is offered again for them)",
                            failed.label,
                            failed.message,
                            crate::geoparse::why::thousands(left as u64),
                            plural(left)
                        ),
                    );
                    // The window shows again what the file holds, and offers the rest.
                    self.state
                        .archive_undo_failed(failed.label, failed.left, failed.batch);
                    // From the project: not to be sent back to it.
                    self.sent_versions.0 = self.state.saved_versions().0;
                }
                LinkEvent::Places(Err(message)) => {
                    self.state.archive_counted();
                    self.state.push_message(
                        MessageLevel::Error,
                        format!("The project's places could not be read again: {message}"),
                    );
                }
                LinkEvent::Failed(message) => self.state.push_message(
                    MessageLevel::Error,
                    format!("The project could not be saved: {message}"),
                ),
                LinkEvent::CorrectFailed {
                    document,
                    start,
                    end,
                    seq,
                    stored,
                    message,
                } => {
                    let key = (document, start, end);
                    // A later correction of the mention is on its way: it decides.
                    let latest = self.correct_sent.get(&key) == Some(&seq);
                    if latest {
                        self.correct_sent.remove(&key);
                    }
                    taken_back.push((key, stored, message, latest));
                }
            }
        }
        for ((document, start, end), stored, message, latest) in taken_back {
            if latest {
                // The window shows what the project holds (the layer is read back
                // after, as after any correction).
                self.state.correct_named(&document, start, end, stored);
            }
            let what = if latest {
                "so it is taken back in the window"
            } else {
                "a later correction of the mention is being saved"
            };
            self.state.push_message(
                MessageLevel::Error,
                format!(
                    "A correction in {document} could not be saved to the project ({what}): \
                     {message}"
                ),
            );
        }
        let state = link.state();
        if progress.is_some() || self.state.project().map(|p| p.state) != Some(state) {
            self.show_project_status_with(progress);
        }
        if saved_as {
            // The session names the project once it is there.
            self.save_session();
        }
    }

    /// Corrects every mention of `place` shown in the archive (`to`: reassigned to it
    /// where they could denote it; `None`: not a place) on the project's thread, which
    /// then reads the layer back; "Counting…" meanwhile.
    pub(super) fn correct_archive_place(&mut self, place: EntryIndex, to: Option<EntryIndex>) {
        let Some(g) = self.state.gazetteer_arc() else {
            return;
        };
        let writable = self
            .project
            .as_ref()
            .is_some_and(|l| !matches!(l.state(), LinkState::ReadOnly | LinkState::Reading));
        if !writable || self.state.archive_place_busy() {
            self.state.push_message(
                MessageLevel::Warning,
                if writable {
                    "A place is being corrected already: wait for its counts".to_string()
                } else {
                    "The project cannot be written: a whole place is corrected in the \
                     project itself"
                        .to_string()
                },
            );
            return;
        }
        // As the project keeps the batch.
        let label = crate::project::place_batch_label(
            &g,
            &g.entry(place).id,
            to.map(|t| g.entry(t).id.as_str()),
        );
        let dates = Some(self.state.filter().dates).filter(|d| !d.is_everything());
        if let Some(link) = &mut self.project {
            link.send(Change::CorrectPlace {
                place: g.entry(place).id.clone(),
                to: to.map(|t| g.entry(t).id.clone()),
                dates,
                chunk: self.place_chunk,
            });
            link.send(Change::ReadPlaces);
        }
        self.state.archive_place_correcting(label.clone());
        self.state
            .select(to.map(|t| crate::geoparse::located_entry(&g, t)));
        self.state
            .push_message(MessageLevel::Info, format!("Correcting {label}…"));
    }

    /// Does a slice of the work a whole place left on the window's corrections (see
    /// [`AppState::archive_work`]), and says when its corrections are all taken. Every
    /// frame; nothing when there is none.
    pub(super) fn take_archive_work(&mut self, ctx: &egui::Context) {
        if self.state.archive().is_none_or(|v| v.work.is_none()) {
            return;
        }
        let taken = self
            .state
            .archive_work(super::archive::WINDOW_WORK_PER_FRAME);
        // From the project: not to be sent back to it.
        self.sent_versions.0 = self.state.saved_versions().0;
        if let Some(n) = taken {
            self.state.push_message(
                MessageLevel::Info,
                format!("{n} mention{} corrected in the project", plural(n)),
            );
        }
        if self.state.archive().is_some_and(|v| v.work.is_some()) {
            ctx.request_repaint();
        }
    }

    /// Undoes a whole place corrected in the archive: in the window a slice per frame,
    /// in the project on its thread, which then reads the layer back.
    pub(super) fn undo_archive_place(&mut self, index: usize) {
        let Some(batch) = self.state.undo_archive_batch(index) else {
            self.state.push_message(
                MessageLevel::Warning,
                "A place is being corrected or undone: wait for its counts",
            );
            return;
        };
        match &mut self.project {
            Some(link) if link.state() != LinkState::ReadOnly => {
                link.send(Change::UndoChanges(batch.clone()));
                link.send(Change::ReadPlaces);
            }
            _ => self.state.archive_counted(),
        }
        self.state
            .push_message(MessageLevel::Info, format!("Undone: {}", batch.label));
    }

    /// A project that could not be opened or read: it is left as it is, and the window
    /// no longer saves to it.
    pub(super) fn project_failed(&mut self, message: String) {
        if self.project.as_ref().is_some_and(|p| p.is_reading()) {
            self.project = None;
        }
        self.project_job = None;
        self.state.push_message(
            MessageLevel::Error,
            format!("The project could not be opened: {message}"),
        );
        self.show_project_status();
    }

    fn show_project_status(&mut self) {
        self.show_project_status_with(None);
    }

    fn show_project_status_with(&mut self, progress: Option<(usize, usize)>) {
        let status = self.project.as_ref().map(|link| ProjectStatus {
            path: link.path().to_path_buf(),
            state: link.state(),
            progress: progress.filter(|_| link.state() == LinkState::SavingAs),
        });
        self.state.set_project(status);
    }

    /// Waits until every change sent to the project is written (tests; closing).
    pub fn flush_project(&mut self) {
        if let Some(link) = &mut self.project {
            link.flush();
        }
        self.sync_project();
    }
}
