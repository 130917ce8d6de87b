//! The desktop app: a map of the places the open articles mention, the places list and
//! filters on the left, the selected place's passages on the right, the document view
//! below the map.
//!
//! [`state::AppState`] holds everything as plain data; each panel module draws it and
//! returns an [`Action`]; [`GazetteApp`] applies the actions (`action.rs`), runs the
//! background work ([`worker`]) and the file dialogs ([`dialogs`]), and saves the session
//! to a file of its own ([`session_file`]).
//! The toolbar, the status bar and each window (path prompt, paste dialog, reset
//! question, messages, toast, drop hint) have a file of their own, named after them.

pub mod about;
mod action;
pub mod archive;
mod archive_panel;
pub mod basemap;
mod content_cache;
pub mod dialogs;
pub mod document_view;
mod drop_hint;
pub mod export_job;
mod field_dialog;
mod fonts;
pub mod map_picture;
pub mod map_view;
mod messages_window;
mod my_places;
pub mod palette;
mod paragraph;
pub mod passages_panel;
mod paste_dialog;
mod path_prompt;
mod picture_dialog;
mod place_dialog;
pub mod places_panel;
pub mod project_link;
mod projects;
pub mod recount;
mod reset_dialog;
pub mod review;
mod rules_view;
pub mod session_file;
pub mod state;
mod status_bar;
mod texture_quad;
mod timeline;
mod toast;
mod toolbar;
pub mod worker;

pub use action::Action;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use egui::Ui;

use crate::corpus::Document;
use crate::gazetteer::Gazetteer;

use basemap::Basemap;
use dialogs::{DialogOutcome, Dialogs};
use map_view::MapView;
use paste_dialog::PasteDraft;
use path_prompt::PathPrompt;
use session_file::{Loaded, SessionFile};
use state::{AppState, DocumentSource, MessageLevel, Progress, Session};
use worker::{Event, Input, JobId, Worker};

/// How documents are parsed: on background threads (the app), or on the calling thread
/// (tests, so that they are deterministic).
enum Loader {
    Background(Worker),
    Synchronous,
}

/// The Gazette window.
pub struct GazetteApp {
    state: AppState,
    map: MapView,
    basemap: Option<Arc<Basemap>>,
    basemap_rx: Option<std::sync::mpsc::Receiver<Result<Basemap, String>>>,
    loader: Loader,
    dialogs: Dialogs,
    /// Inputs waiting for the gazetteer to load.
    waiting_inputs: Vec<Input>,
    /// A saved session waiting for the gazetteer to load.
    waiting_session: Option<Session>,
    /// The saved session's documents while the job that loads them back runs: saved as
    /// they are until then, so that a save during the load does not drop those not yet
    /// parsed.
    restoring: Option<(JobId, Vec<DocumentSource>)>,
    /// Where the session is saved; `None` when it is not saved this run (no data
    /// folder, or an unreadable session file that could not be moved aside).
    session_file: Option<SessionFile>,
    /// The session last written to (or read from) the file: only a change is written.
    saved_session: Option<Session>,
    /// The last save failure reported, so that the autosave reports a failure once.
    save_error: Option<String>,
    /// eframe's storage holds a session under [`SESSION_KEY`] (written by earlier
    /// versions): removed once the session file is written.
    forget_eframe_session: bool,
    /// Progress of each running job: (done, total).
    jobs: HashMap<JobId, (usize, usize)>,
    paste: Option<PasteDraft>,
    /// A dataset export waiting for the user to choose its fields.
    field_choice: Option<field_dialog::FieldChoice>,
    path_prompt: Option<PathPrompt>,
    confirm_reset: bool,
    about_open: bool,
    /// While the timeline plays: when it last stepped (seconds of egui's clock).
    playing: Option<f64>,
    /// A URL to open in the browser on the next frame.
    open_url: Option<String>,
    messages_open: bool,
    /// The message shown as a toast, and when it appeared (egui time, seconds).
    toast: Option<(u64, f64)>,
    last_toast_sequence: u64,
    /// Tile choice to apply on the next frame (needs the egui context).
    online_wanted: Option<bool>,
    gazetteer_failed: bool,
    /// Frames still to draw after an action, whatever the input.
    repaint_frames: u8,
    /// When the derived lists were last brought up to date while documents load.
    last_refresh: Option<std::time::Instant>,
    /// When the running jobs began (the first of them), to say how long a load took.
    loading_since: Option<std::time::Instant>,
    /// The project the window saves to, if any (see `projects.rs`).
    project: Option<project_link::ProjectLink>,
    /// The job reading the project into the window, while it runs.
    project_job: Option<JobId>,
    /// A project to open once the gazetteer is loaded.
    waiting_project: Option<PathBuf>,
    /// The corrections', filter's and rules' versions last sent to the project.
    sent_versions: (u64, u64, u64),
    /// Wakes the window (threads that report to it call this).
    repaint: Arc<dyn Fn() + Send + Sync>,
    /// Exports being written.
    exports: export_job::Exports,
    /// The export of the archive project being written, if one is.
    archive_export: Option<export_job::ArchiveExport>,
    /// The number of the last correction of an archive's mention sent to the project.
    correct_seq: u64,
    /// Each archive mention's (document, start, end) last correction sent: a failed
    /// one is taken back only if none came after it (see `sync_project`).
    correct_sent: std::collections::HashMap<(String, usize, usize), u64>,
    /// The window's wgpu device, to draw pictures of the map off screen.
    render_state: Option<eframe::egui_wgpu::RenderState>,
    /// The panels' pictures kept between frames, one a [`KeptPanel`] (empty until a
    /// renderer is given, see [`GazetteApp::draw_basemap_with`]).
    panel_pictures: Vec<content_cache::ContentCache>,
    /// The "Export map as PNG" dialog, while open.
    picture: Option<picture_dialog::PictureDraft>,
    /// The picture scale chosen last (pixels per point).
    picture_scale: f32,
    /// The review of the least certain mentions, while it runs.
    review: Option<review::Review>,
    /// Projects of more documents than this open as an archive (see `archive.rs`).
    hold_up_to: usize,
    /// Documents per transaction of a whole place corrected in an archive.
    place_chunk: i64,
    /// Reads the selected place's passages from a project opened as an archive.
    passage_reader: Option<archive::PassageReader>,
    /// Counts an archive project's mentions per day and the places of a date range (a
    /// reader of its own: an aggregate over millions of mentions takes seconds, which
    /// passages should not wait for).
    archive_counter: Option<archive::PassageReader>,
    /// Reads an archive project's least certain mentions for a review: a reader of its
    /// own, started when a review is first asked for, so that selecting a place never
    /// waits behind a review.
    archive_reviewer: Option<archive::PassageReader>,
    /// While set, the reviewer holds the review it was asked for (tests).
    hold_archive_reviews: Arc<std::sync::atomic::AtomicBool>,
    /// Whether the "My places" window is open.
    my_places_open: bool,
    /// The "Add a place" / "Edit place" dialog, while open.
    place_draft: Option<place_dialog::PlaceDraft>,
    /// The job parsing documents again for changed user places, and the names it looks
    /// for: a change while it runs starts one for its names and these (the older job's
    /// results are then dropped).
    reparse: Option<(JobId, Vec<String>)>,
}

impl std::fmt::Debug for GazetteApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GazetteApp")
            .field("documents", &self.state.documents().len())
            .field("places", &self.state.places().len())
            .field("map", &self.map)
            .finish()
    }
}

/// How often the places are put in order while documents load (see [`GazetteApp::poll`]).
const LOADING_REFRESH: std::time::Duration = std::time::Duration::from_millis(500);

/// Longest wait for a frame after the worker reports: progress moves 4 times a second
/// while documents load (input is answered at once). With a software renderer a frame of
/// the window costs about 0.1 s of processor: at 25 a second, drawing took more of it than
/// the parser (measured on 100,000 articles, llvmpipe).
const LOADING_FRAME: std::time::Duration = std::time::Duration::from_millis(250);

/// From how many mentions the places are counted again on another thread after a
/// filter or correction change (below, counting takes a few milliseconds).
const BACKGROUND_RECOUNT_FROM: usize = 50_000;

/// The eframe storage key under which earlier versions saved the session (read once, to
/// move it to the session file; no longer written).
const SESSION_KEY: &str = "gazette-session";

/// The app id: the window's, and the name of the app's data folder.
const APP_ID: &str = "gazette";

impl GazetteApp {
    /// The app as the window starts it: the gazetteer and the basemap load in the
    /// background; then `open` (files or folders), or else the saved session, or else the
    /// sample articles, are parsed in the background. The session is read from
    /// `session.json` in the app's data folder ([`SessionFile::in_data_folder`]), or once
    /// from eframe's `storage` where earlier versions kept it.
    pub fn new(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        gazetteer: Option<PathBuf>,
        open: Vec<PathBuf>,
    ) -> GazetteApp {
        let repaint_ctx = ctx.clone();
        let notify: Arc<dyn Fn() + Send + Sync> = Arc::new(move || repaint_ctx.request_repaint());
        // A big folder sends thousands of documents a second. A frame for each would take
        // the processor from the parser, and even a wake-up for each (every repaint request
        // is an event for the window's loop) starved the window of frames: the worker
        // wakes it at most once per LOADING_FRAME, and while anything loads the window
        // looks again every LOADING_FRAME by itself (`show`), so no event is left unseen.
        let worker_ctx = ctx.clone();
        let last_wake = std::sync::Mutex::new(None::<std::time::Instant>);
        let worker = Worker::new(Arc::new(move || {
            let now = std::time::Instant::now();
            let Ok(mut last) = last_wake.lock() else {
                return;
            };
            if last.is_none_or(|t| now.duration_since(t) >= LOADING_FRAME) {
                *last = Some(now);
                worker_ctx.request_repaint_after(LOADING_FRAME);
            }
        }));
        worker.load_gazetteer(gazetteer);

        let (tx, rx) = std::sync::mpsc::channel();
        let basemap_notify = notify.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-basemap".into())
            .spawn(move || {
                let _ = tx.send(Basemap::load_bundled().map_err(|e| e.to_string()));
                basemap_notify();
            });

        let mut app =
            GazetteApp::with_parts(Loader::Background(worker), Dialogs::native(notify.clone()));
        app.repaint = notify.clone();
        app.state
            .count_in_background(recount::Recounter::new(notify), BACKGROUND_RECOUNT_FROM);
        match spawned {
            Ok(_) => app.basemap_rx = Some(rx),
            Err(e) => {
                app.map.basemap_failed = true;
                app.state.push_message(
                    MessageLevel::Warning,
                    format!("The offline basemap could not be loaded ({e})"),
                )
            }
        }
        app.state.set_progress(Some(Progress {
            label: "Loading the gazetteer".into(),
            done: 0,
            total: 0,
            cancellable: false,
        }));
        let session = app.open_session(SessionFile::in_data_folder(APP_ID), storage);
        app.begin(session, open);
        app
    }

    /// An app for tests started as [`GazetteApp::new`] starts it, but with its session in
    /// `session_file` and everything loaded before it returns: the saved session (if its
    /// file reads; `storage`, like eframe's, may hold one from an earlier version), or
    /// else the sample articles. Dialogs scripted; a session with online tiles on turns
    /// them on.
    pub fn new_for_test_with_session(
        gazetteer: Arc<Gazetteer>,
        basemap: Option<Arc<Basemap>>,
        session_file: PathBuf,
        storage: Option<&dyn eframe::Storage>,
    ) -> GazetteApp {
        let mut app = GazetteApp::with_state(AppState::with_gazetteer(gazetteer), basemap);
        let session = app.open_session(Some(SessionFile::at(session_file)), storage);
        app.begin(session, Vec::new());
        app.gazetteer_ready();
        app
    }

    /// Reads the saved session from `file` (or, if there is none, from eframe's storage
    /// where earlier versions kept it) and decides where the session is saved. A file that
    /// cannot be read is moved aside and the user told; if it cannot be moved, nothing is
    /// saved this run, so that it is never written over.
    fn open_session(
        &mut self,
        file: Option<SessionFile>,
        storage: Option<&dyn eframe::Storage>,
    ) -> Option<Session> {
        let Some(file) = file else {
            self.state.push_message(
                MessageLevel::Warning,
                "No folder for the app's data was found (no home folder): this session will \
                 not be saved",
            );
            return None;
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let stored = storage.and_then(|s| s.get_string(SESSION_KEY));
        self.forget_eframe_session = stored.is_some();
        let session = match file.load(now) {
            Loaded::Missing => match (storage, stored) {
                (Some(storage), Some(raw)) => {
                    self.migrate_eframe_session(&file, storage, &raw, now)
                }
                _ => None,
            },
            Loaded::Restored(s) => {
                self.saved_session = Some((*s).clone());
                Some(*s)
            }
            Loaded::MovedAside { problem, aside } => {
                self.state.push_message(
                    MessageLevel::Warning,
                    format!(
                        "Your last session could not be restored: {problem}. The file was kept \
                         as {}; the sample articles are shown, and the session is saved to {} \
                         from now on.",
                        aside.display(),
                        file.path().display()
                    ),
                );
                self.messages_open = true;
                None
            }
            Loaded::Stuck {
                problem,
                move_error,
            } => {
                self.state.push_message(
                    MessageLevel::Error,
                    format!(
                        "Your last session could not be restored: {problem}. It could not be \
                         moved aside either ({move_error}), so it is left as it is and this \
                         session will not be saved. Move the file away and restart Gazette to \
                         save sessions again."
                    ),
                );
                self.messages_open = true;
                return None;
            }
        };
        self.session_file = Some(file);
        session
    }

    /// The session an earlier version kept in eframe's storage (`raw`, RON), moved to the
    /// session file at the next save. If it does not decode, its text is kept in an aside
    /// file next to `file` and the user told.
    fn migrate_eframe_session(
        &mut self,
        file: &SessionFile,
        storage: &dyn eframe::Storage,
        raw: &str,
        now: u64,
    ) -> Option<Session> {
        if let Some(session) = eframe::get_value::<Session>(storage, SESSION_KEY) {
            return Some(session);
        }
        match file.keep_aside(raw.as_bytes(), now, "ron") {
            Ok(aside) => self.state.push_message(
                MessageLevel::Warning,
                format!(
                    "Your last session (saved by an earlier version of Gazette) could not be \
                     restored; its text was kept as {}. The sample articles are shown, and the \
                     session is saved to {} from now on.",
                    aside.display(),
                    file.path().display()
                ),
            ),
            Err(e) => {
                // Keep it where it is.
                self.forget_eframe_session = false;
                self.state.push_message(
                    MessageLevel::Warning,
                    format!(
                        "Your last session (saved by an earlier version of Gazette) could not be \
                         restored, and could not be copied aside ({e}); it is left in eframe's \
                         app.ron. The sample articles are shown."
                    ),
                );
            }
        }
        self.messages_open = true;
        None
    }

    /// Queues what to show once the gazetteer is loaded: `open` (files or folders; the
    /// session's corrections and filter still apply), or else the session's documents, or
    /// else the samples.
    fn begin(&mut self, session: Option<Session>, open: Vec<PathBuf>) {
        let (projects, open): (Vec<PathBuf>, Vec<PathBuf>) =
            open.into_iter().partition(|p| projects::is_project_path(p));
        if let Some(project) = projects.into_iter().next() {
            // A project named on the command line: it holds its own corrections and
            // filter; the session's tile choice still applies.
            self.waiting_session = session.map(|s| Session {
                sources: Vec::new(),
                corrections: Default::default(),
                rules: Default::default(),
                filter: Default::default(),
                project: None,
                ..s
            });
            self.waiting_project = Some(project);
            self.waiting_inputs = open.into_iter().map(Input::Path).collect();
        } else if !open.is_empty() {
            // Files on the command line replace the saved documents; corrections and the
            // filter of the session still apply (they name documents, not files).
            let session = session.map(|s| Session {
                sources: Vec::new(),
                project: None,
                ..s
            });
            self.waiting_session = session;
            self.waiting_inputs = open.into_iter().map(Input::Path).collect();
        } else {
            match session {
                Some(s) if s.project.is_some() => {
                    self.waiting_project = s.project.clone();
                    self.waiting_session = Some(s);
                }
                Some(s) if !s.sources.is_empty() => {
                    self.waiting_inputs = s.sources.iter().cloned().map(Input::from).collect();
                    self.waiting_session = Some(s);
                }
                _ => self.waiting_inputs = sample_inputs(&mut self.state),
            }
        }
        if self
            .waiting_session
            .as_ref()
            .is_some_and(|s| s.online_tiles)
        {
            self.online_wanted = Some(true);
        }
    }

    /// An app for tests: everything loaded and parsed before it returns, dialogs
    /// scripted ([`GazetteApp::dialogs_mut`]), no network.
    pub fn new_for_test(
        gazetteer: Arc<Gazetteer>,
        documents: Vec<Document>,
        basemap: Option<Arc<Basemap>>,
    ) -> GazetteApp {
        let mut app = GazetteApp::with_state(AppState::with_gazetteer(gazetteer), basemap);
        let inputs = documents
            .into_iter()
            .map(|d| Input::Text {
                name: d.name,
                text: d.text,
            })
            .collect();
        app.start_parse(inputs);
        app
    }

    /// An app showing a state built by the caller (tests, benchmarks): parsing is
    /// synchronous, dialogs scripted, no network.
    pub fn with_state(mut state: AppState, basemap: Option<Arc<Basemap>>) -> GazetteApp {
        let mut app = GazetteApp::with_parts(Loader::Synchronous, Dialogs::scripted());
        state.refresh();
        app.state = state;
        app.basemap = basemap;
        app
    }

    fn with_parts(loader: Loader, dialogs: Dialogs) -> GazetteApp {
        GazetteApp {
            state: AppState::new(),
            map: MapView::new(),
            basemap: None,
            basemap_rx: None,
            loader,
            dialogs,
            waiting_inputs: Vec::new(),
            waiting_session: None,
            restoring: None,
            session_file: None,
            saved_session: None,
            save_error: None,
            forget_eframe_session: false,
            jobs: HashMap::new(),
            paste: None,
            field_choice: None,
            path_prompt: None,
            confirm_reset: false,
            about_open: false,
            playing: None,
            open_url: None,
            messages_open: false,
            toast: None,
            last_toast_sequence: 0,
            online_wanted: None,
            gazetteer_failed: false,
            repaint_frames: 0,
            last_refresh: None,
            loading_since: None,
            project: None,
            project_job: None,
            waiting_project: None,
            sent_versions: (0, 0, 0),
            repaint: Arc::new(|| {}),
            exports: export_job::Exports::default(),
            archive_export: None,
            correct_seq: 0,
            correct_sent: std::collections::HashMap::new(),
            render_state: None,
            panel_pictures: Vec::new(),
            picture: None,
            picture_scale: 2.0,
            review: None,
            hold_up_to: archive::HOLD_UP_TO,
            place_chunk: crate::project::read::AGGREGATE_CHUNK,
            passage_reader: None,
            archive_counter: None,
            archive_reviewer: None,
            hold_archive_reviews: Arc::default(),
            my_places_open: false,
            place_draft: None,
            reparse: None,
        }
    }

    /// The state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Holds the archive's exports running, their read of the project open (`true`), or
    /// lets them go on (tests).
    pub fn pause_archive_exports(&mut self, paused: bool) {
        self.exports.pause(paused);
    }

    /// Whether the archive's export is being written.
    pub fn archive_exporting(&self) -> bool {
        self.archive_export.is_some()
    }

    /// Waits for the archive's export being written, and takes its outcome (tests).
    pub fn wait_for_archive_export(&mut self) {
        while let Some(export) = &self.archive_export {
            let path = export.path.clone();
            let outcome = self.exports.wait();
            if outcome.path == path {
                self.archive_export = None;
            }
            self.export_done(outcome);
        }
        self.state.set_export_progress(None);
    }

    /// The review in progress, if any (tests).
    pub fn review(&self) -> Option<&review::Review> {
        self.review.as_ref()
    }

    /// The state, to change it directly (tests).
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    /// The map's view state (zoom, markers drawn in the last frame).
    pub fn map_view(&self) -> &MapView {
        &self.map
    }

    /// Gives the app a wgpu device to draw pictures of the map with (tests; the window
    /// takes eframe's).
    pub fn set_render_state(&mut self, render_state: eframe::egui_wgpu::RenderState) {
        self.render_state = Some(render_state);
    }

    /// Opens projects of more than `documents` documents as an archive (tests; the
    /// window uses [`archive::HOLD_UP_TO`]).
    pub fn set_hold_up_to(&mut self, documents: usize) {
        self.hold_up_to = documents;
    }

    /// Writes a whole place corrected in an archive a transaction per `documents`
    /// (tests, to see one fail after some ranges are written; the window uses
    /// [`crate::project::read::AGGREGATE_CHUNK`]).
    pub fn set_place_chunk(&mut self, documents: i64) {
        self.place_chunk = documents.max(1);
    }

    /// Draws the basemap with a pipeline of its own in `render_state`'s renderer (the
    /// window's), cheaper per pixel than egui's on a software rasteriser (see
    /// [`basemap::gpu`]), and keeps the map's and the panels' pictures between frames in
    /// textures, so that a frame in which only the pointer moved draws neither again
    /// (see [`MapView::keep_picture_with`] and `content_cache.rs`). The window calls it
    /// once it has a renderer; benches and tests that render with wgpu call it with
    /// theirs.
    pub fn draw_basemap_with(&mut self, render_state: &eframe::egui_wgpu::RenderState) {
        basemap::gpu::FlatMeshPipeline::register(render_state);
        self.map.gpu_basemap = true;
        self.map.keep_picture_with(render_state);
        self.panel_pictures = (0..KeptPanel::COUNT)
            .map(|_| content_cache::ContentCache::new(render_state.clone()))
            .collect();
    }

    /// Turns keeping the map's picture between frames on or off (on once
    /// [`GazetteApp::draw_basemap_with`] was called); tests compare the two.
    pub fn keep_map_picture(&mut self, on: bool) {
        self.map.set_keep_picture(on);
    }

    /// Turns keeping the panels' pictures between frames on or off (on once
    /// [`GazetteApp::draw_basemap_with`] was called); tests and measurements compare
    /// the two.
    pub fn keep_panel_pictures(&mut self, on: bool) {
        for cache in &mut self.panel_pictures {
            cache.set_enabled(on);
        }
    }

    /// Panels shown from their kept pictures, summed over the frames (tests,
    /// measurements): a frame keeping the toolbar and both side panels counts three.
    pub fn kept_panel_frames(&self) -> u64 {
        self.panel_pictures.iter().map(|c| c.hits()).sum()
    }

    /// Waits for the passages the archive project's reader was asked for, and shows them
    /// (tests).
    pub fn wait_for_archive_passages(&mut self) {
        self.ask_archive_passages();
        if let Some(answers) = self.passage_reader.as_mut().map(|r| r.wait()) {
            self.take_archive_answers(answers);
        }
    }

    /// Waits for the mentions to review read from the archive project, and starts the
    /// review (tests).
    pub fn wait_for_archive_review(&mut self) {
        if let Some(answers) = self.archive_reviewer.as_mut().map(|r| r.wait()) {
            self.take_archive_answers(answers);
        }
    }

    /// Holds the reads of an archive's review (`true`: the reviewer waits before it
    /// reads the review asked for), or lets them go on (tests).
    pub fn hold_archive_reviews(&mut self, held: bool) {
        self.hold_archive_reviews
            .store(held, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether the mentions to review are being read from the archive project.
    pub fn reading_archive_review(&self) -> bool {
        self.archive_reviewer
            .as_ref()
            .is_some_and(|r| r.is_reading_review())
    }

    /// Waits for the archive project's counts asked for (its timeline, the places of a
    /// date range), and shows them (tests).
    pub fn wait_for_archive_counts(&mut self) {
        self.ask_archive_range();
        if let Some(answers) = self.archive_counter.as_mut().map(|r| r.wait()) {
            self.take_archive_answers(answers);
        }
    }

    /// Asks the archive's counter for the places of the filter's date range when it
    /// changed.
    fn ask_archive_range(&mut self) {
        if let (Some(counter), Some(dates)) = (
            &mut self.archive_counter,
            self.state.archive_range_to_count(),
        ) {
            counter.ask_range(dates);
        }
    }

    /// Shows what the archive project's reader read: the selected place's passages, the
    /// open document.
    fn take_archive_answers(&mut self, answers: archive::Answers) {
        if let Some(passages) = answers.passages {
            self.state.set_archive_passages(passages);
        }
        if let Some((id, read)) = answers.document {
            self.state.set_archive_document_text(id, read);
        }
        if let Some(read) = answers.review {
            self.archive_review_read(read);
        }
        match answers.timeline {
            Some(Ok((days, undated))) => self.state.set_archive_days(days, undated),
            Some(Err(e)) => {
                // No timeline then (an empty count shows none).
                self.state.set_archive_days(Default::default(), 0);
                self.state.push_message(
                    MessageLevel::Error,
                    format!("The project's timeline could not be counted: {e}"),
                );
            }
            None => {}
        }
        match (answers.counted, self.state.gazetteer_arc()) {
            (Some((dates, Ok(summaries))), Some(g)) => {
                let (places, _) = archive::layer_places(&g, &summaries);
                self.state.set_archive_in_dates(dates, places);
            }
            (Some((_, Err(e))), _) => self.state.push_message(
                MessageLevel::Error,
                format!("The places of these dates could not be counted: {e}"),
            ),
            _ => {}
        }
    }

    /// The file dialogs (to script answers in tests).
    pub fn dialogs_mut(&mut self) -> &mut Dialogs {
        &mut self.dialogs
    }

    /// True while the gazetteer loads or documents are parsed.
    pub fn is_loading(&self) -> bool {
        !self.jobs.is_empty() || (self.state.gazetteer().is_none() && !self.gazetteer_failed)
    }

    // ----------------------------------------------------------------------------------
    // Loading

    /// Parses `inputs` (in the background, or now); returns the job, if one started.
    fn start_parse(&mut self, inputs: Vec<Input>) -> Option<JobId> {
        if inputs.is_empty() {
            return None;
        }
        if let Some(view) = self.state.archive() {
            self.state.push_message(
                MessageLevel::Warning,
                format!(
                    "{} is open as an archive of {} documents: add documents to it with \
                     `gazette parse FILES --project {}`, or close it first (Project > Close \
                     project)",
                    view.path.display(),
                    crate::geoparse::why::thousands(view.documents as u64),
                    view.path.display()
                ),
            );
            return None;
        }
        let Some(g) = self.state.gazetteer_arc() else {
            if self.gazetteer_failed {
                self.state.push_message(
                    MessageLevel::Error,
                    "Cannot parse documents: the gazetteer did not load.",
                );
            } else {
                self.waiting_inputs.extend(inputs);
            }
            return None;
        };
        if self.jobs.is_empty() {
            self.loading_since = Some(std::time::Instant::now());
            self.map.forget_moves();
        }
        match &mut self.loader {
            Loader::Background(worker) => {
                let job = worker.parse(g, inputs);
                self.jobs.insert(job, (0, 0));
                self.update_progress();
                Some(job)
            }
            Loader::Synchronous => {
                let mut events = Vec::new();
                worker::run_parse_job(
                    0,
                    &g,
                    inputs,
                    &std::sync::atomic::AtomicBool::new(false),
                    &mut |e| events.push(e),
                );
                self.jobs.insert(0, (0, 0));
                for e in events {
                    self.handle_event(e);
                }
                self.state.refresh();
                Some(0)
            }
        }
    }

    /// Parses again, in the background, the open documents that hold one of `names`
    /// (of user places added, changed or deleted), with the names a job still running
    /// was looking for.
    fn reparse_for_places(&mut self, mut names: Vec<String>) {
        if names.is_empty() {
            return;
        }
        if let Some((_, running)) = self.reparse.take() {
            names.extend(running);
            names.sort();
            names.dedup();
        }
        let Some(g) = self.state.gazetteer_arc() else {
            return;
        };
        let documents = self.state.documents().to_vec();
        if documents.is_empty() {
            return;
        }
        match &mut self.loader {
            Loader::Background(worker) => {
                let job = worker.reparse(g, documents, names.clone());
                self.reparse = Some((job, names));
            }
            Loader::Synchronous => {
                let cancel = std::sync::atomic::AtomicBool::new(false);
                let event = worker::run_reparse_job(0, &g, &documents, &names, &cancel);
                self.reparse = Some((0, names));
                self.handle_event(event);
            }
        }
    }

    /// With the gazetteer loaded: restores the waiting session and parses what waits.
    fn gazetteer_ready(&mut self) {
        let session = self.waiting_session.take();
        if let Some(session) = &session {
            self.state.restore(session);
        }
        if let Some(project) = self.waiting_project.take() {
            let inputs = std::mem::take(&mut self.waiting_inputs);
            self.open_project(project);
            // Files named beside it are added to it.
            self.start_parse(inputs);
            return;
        }
        let inputs = std::mem::take(&mut self.waiting_inputs);
        let job = self.start_parse(inputs);
        // The session's documents are parsed back (when files from the command line
        // replace them, its sources are empty).
        if let (Some(job), Some(session)) = (job, session)
            && !session.sources.is_empty()
            && self.jobs.contains_key(&job)
        {
            self.restoring = Some((job, session.sources));
        }
    }

    fn handle_event(&mut self, event: Event) {
        match event {
            Event::Gazetteer(Ok(g)) => {
                self.state.set_gazetteer(g);
                self.state.set_progress(None);
                self.gazetteer_ready();
            }
            Event::Gazetteer(Err(e)) => {
                self.gazetteer_failed = true;
                self.state.set_progress(None);
                self.state.push_message(
                    MessageLevel::Error,
                    format!("The gazetteer could not be loaded: {e}"),
                );
            }
            Event::Started { job, total } => {
                self.jobs.insert(job, (0, total));
                self.update_progress();
            }
            Event::Document {
                job,
                parsed,
                source,
                warning,
            } => {
                if let Some(w) = warning {
                    self.state.push_message(MessageLevel::Warning, w);
                }
                let name = source.name().to_string();
                if self.state.add_document(parsed, source) {
                    self.document_added(job);
                } else {
                    self.state.push_message(
                        MessageLevel::Info,
                        format!("{name} is already open; skipped"),
                    );
                }
                if let Some(p) = self.jobs.get_mut(&job) {
                    p.0 += 1;
                }
                self.update_progress();
            }
            Event::More { job, documents } => {
                if let Some(p) = self.jobs.get_mut(&job) {
                    p.1 += documents;
                }
                self.update_progress();
            }
            Event::ChooseFields { path, names, .. } => {
                // One at a time: a second file waits for the next open.
                if self.field_choice.is_none() {
                    self.field_choice = Some(field_dialog::FieldChoice {
                        path,
                        names,
                        fields: crate::corpus::Fields::default(),
                    });
                }
            }
            Event::Note { message, .. } => {
                self.state.push_message(MessageLevel::Info, message);
            }
            Event::ProjectOpened {
                path,
                read_only,
                corrections,
                filter,
                places,
                ..
            } => {
                if let Some(link) = &mut self.project {
                    link.set_read_only(read_only);
                    // What the window sent before is not the project's: its own follow.
                    link.forget_waiting_settings();
                }
                self.state.set_corrections_and_filter(corrections, filter);
                // The project's places replace the window's (its documents come next).
                if let Err(e) = self.state.set_user_places(places) {
                    self.state.push_message(
                        MessageLevel::Error,
                        format!("The project's places could not be used: {e}"),
                    );
                }
                self.sent_versions = self.state.saved_versions();
                self.state.push_message(
                    MessageLevel::Info,
                    format!("Opening the project {}", path.display()),
                );
            }
            Event::ProjectArchive { view, .. } => self.open_archive(view),
            Event::ProjectFailed { message, .. } => self.project_failed(message),
            Event::Reparsed { job, updates } => {
                // Only the latest job's: it looked for the names of every change.
                if self.reparse.as_ref().is_some_and(|(j, _)| *j == job) {
                    self.reparse = None;
                    let replaced = self.state.replace_mentions(updates);
                    let n = replaced.len();
                    self.state.refresh();
                    if let Some(link) = &mut self.project
                        && n > 0
                    {
                        let documents = self.state.documents();
                        let changed = replaced
                            .iter()
                            .filter_map(|&i| documents.get(i).cloned())
                            .collect();
                        link.send(project_link::Change::Reparsed(changed));
                    }
                    if n > 0 {
                        self.state.push_message(
                            MessageLevel::Info,
                            format!("{n} document{} parsed again for your places", plural(n)),
                        );
                    }
                }
            }
            Event::Skipped { job, message } => {
                self.state.push_message(MessageLevel::Warning, message);
                if let Some(p) = self.jobs.get_mut(&job) {
                    p.0 += 1;
                }
                self.update_progress();
            }
            Event::Finished {
                job,
                loaded,
                skipped,
            } => {
                self.jobs.remove(&job);
                if self.project_job == Some(job) {
                    self.project_read();
                }
                if self.restoring.as_ref().is_some_and(|(j, _)| *j == job) {
                    self.restoring = None;
                }
                self.update_progress();
                self.state.refresh();
                // How long a load took, once it is long enough to wonder.
                let took = match self.loading_since {
                    Some(t) if self.jobs.is_empty() => {
                        self.loading_since = None;
                        Some(t.elapsed()).filter(|d| d.as_secs_f64() >= 1.0)
                    }
                    _ => None,
                }
                .map(|d| format!(" in {:.1} s", d.as_secs_f64()))
                .unwrap_or_default();
                let text = match (loaded, skipped) {
                    (0, 0) if self.state.archive().is_some() => {
                        format!("Opened the project's places{took}")
                    }
                    (0, 0) => "Nothing to open".to_string(),
                    (l, 0) => format!("Opened {l} document{}{took}", plural(l)),
                    (l, s) => format!(
                        "Opened {l} document{}{took}; {s} skipped (see Messages)",
                        plural(l)
                    ),
                };
                let level = if skipped > 0 {
                    MessageLevel::Warning
                } else {
                    MessageLevel::Info
                };
                self.state.push_message(level, text);
                if loaded > 0 {
                    self.map.request_fit_unless_moved();
                }
            }
        }
    }

    fn update_progress(&mut self) {
        if self.jobs.is_empty() {
            if self.state.gazetteer().is_some() || self.gazetteer_failed {
                self.state.set_progress(None);
            }
            return;
        }
        let (done, total) = self
            .jobs
            .values()
            .fold((0, 0), |(d, t), (d2, t2)| (d + d2, t + t2));
        self.state.set_progress(Some(Progress {
            label: if total == 0 {
                "Finding documents".to_string()
            } else {
                match self.project_job {
                    Some(job) if self.jobs.len() == 1 && self.jobs.contains_key(&job) => {
                        format!("Reading the project ({done} of {total})")
                    }
                    _ => format!("Parsing documents ({done} of {total})"),
                }
            },
            done,
            total,
            cancellable: true,
        }));
    }

    /// Stops the documents being parsed; those already parsed stay open.
    fn cancel_loading(&mut self) {
        if self.jobs.is_empty() {
            return;
        }
        if let Loader::Background(worker) = &mut self.loader {
            worker.cancel_all();
        }
        let (done, total) = self
            .jobs
            .values()
            .fold((0, 0), |(d, t), (d2, t2)| (d + d2, t + t2));
        self.jobs.clear();
        // The documents of the session not parsed back are dropped from it, as asked.
        self.restoring = None;
        // A project read in part: the rest stays in the file, changes go to it.
        if self.project_job.is_some() {
            self.project_read();
        }
        self.loading_since = None;
        self.update_progress();
        self.state.refresh();
        self.state.push_message(
            MessageLevel::Info,
            format!(
                "Loading cancelled after {done} of {total} document{}; {} open",
                plural(total),
                self.state.documents().len()
            ),
        );
        self.map.request_fit_unless_moved();
    }

    /// Asks the archive project's reader for the selected place's passages when the
    /// selection (or the number wanted) changed: a comparison per frame.
    fn ask_archive_passages(&mut self) {
        let (Some(reader), Some(g)) = (&mut self.passage_reader, self.state.gazetteer()) else {
            return;
        };
        match self.state.selected() {
            Some(entry) if self.state.place(entry).is_some() => {
                let limit = self.state.archive_passage_limit();
                let dates = Some(self.state.filter().dates).filter(|d| !d.is_everything());
                reader.ask(entry, &g.entry(entry).id, limit, dates);
            }
            _ => reader.forget(),
        }
    }

    /// Takes what the background threads and dialogs reported, and dropped files.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Loader::Background(worker) = &mut self.loader {
            for e in worker.poll() {
                self.handle_event(e);
            }
        }
        self.sync_project();
        self.take_archive_work(ctx);
        self.state.poll_recount(false);
        self.ask_archive_passages();
        if let Some(answers) = self.passage_reader.as_mut().map(|r| r.take()) {
            self.take_archive_answers(answers);
        }
        self.ask_archive_range();
        if let Some(answers) = self.archive_counter.as_mut().map(|r| r.take()) {
            self.take_archive_answers(answers);
        }
        if let Some(answers) = self.archive_reviewer.as_mut().map(|r| r.take()) {
            self.take_archive_answers(answers);
        }
        for outcome in self.exports.poll() {
            if self
                .archive_export
                .as_ref()
                .is_some_and(|e| e.path == outcome.path)
            {
                self.archive_export = None;
            }
            self.export_done(outcome);
        }
        // Its progress: two numbers read.
        let progress = self
            .archive_export
            .as_ref()
            .map(|e| (e.done.load(std::sync::atomic::Ordering::Relaxed), e.total));
        self.state.set_export_progress(progress);
        if let Some(rx) = &self.basemap_rx
            && let Ok(result) = rx.try_recv()
        {
            self.basemap_rx = None;
            match result {
                Ok(b) => self.basemap = Some(Arc::new(b)),
                Err(e) => {
                    self.map.basemap_failed = true;
                    self.state.push_message(
                        MessageLevel::Warning,
                        format!("The offline basemap could not be loaded ({e}); markers are shown on a plain background"),
                    )
                }
            }
        }
        for outcome in self.dialogs.poll() {
            match outcome {
                DialogOutcome::Open(paths) => self.apply(ctx, Action::OpenPaths(paths)),
                DialogOutcome::Export(path, format) => {
                    self.apply(ctx, Action::ExportTo(path, format));
                }
                DialogOutcome::ExportPicture(path) => {
                    self.apply(ctx, Action::ExportPictureTo(path));
                }
                DialogOutcome::OpenProject(path) => self.apply(ctx, Action::OpenProject(path)),
                DialogOutcome::SaveProject(path) => self.apply(ctx, Action::SaveProjectAs(path)),
                DialogOutcome::ExportRules(path) => self.apply(ctx, Action::ExportRulesTo(path)),
                DialogOutcome::OpenRules(path) => self.apply(ctx, Action::OpenRulesFrom(path)),
                DialogOutcome::ExportPlaces(path) => self.apply(ctx, Action::ExportPlacesTo(path)),
                DialogOutcome::OpenPlaces(path) => self.apply(ctx, Action::ImportPlacesFrom(path)),
                DialogOutcome::Cancelled => {}
                DialogOutcome::Failed { request, details } => {
                    self.state
                        .push_message(MessageLevel::Info, format!("File dialog error: {details}"));
                    self.state.push_message(
                        MessageLevel::Error,
                        "No file dialog is available (no desktop portal, no zenity): type a path, \
                         or drop files on the window",
                    );
                    self.path_prompt = Some(PathPrompt {
                        request,
                        path: String::new(),
                        focus_pending: true,
                    });
                }
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.apply(ctx, Action::OpenPaths(dropped));
        }
        if let Some(on) = self.online_wanted.take() {
            self.state.set_online_tiles(on);
            self.map.set_online(on, ctx);
        }
        // Bringing the places up to date costs time in proportion to the documents open,
        // so while a load adds documents it is done at most every LOADING_REFRESH, not on
        // every frame (a frame per document made opening a big folder quadratic); when
        // the load finishes, the last event refreshes at once.
        let now = std::time::Instant::now();
        let due = self.jobs.is_empty()
            || self
                .last_refresh
                .is_none_or(|t| now.duration_since(t) >= LOADING_REFRESH);
        if due {
            self.state.refresh();
            self.last_refresh = Some(now);
        }
    }

    // ----------------------------------------------------------------------------------
    // Drawing

    /// Draws the whole window and applies what the user did. Called by
    /// [`eframe::App::ui`], and by tests through `egui_kittest`.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        fonts::add_fallback(&ctx);
        self.poll(&ctx);
        if self.is_loading() {
            ctx.request_repaint_after(LOADING_FRAME);
        }
        let mut actions: Vec<Action> = Vec::new();

        // The panels' pictures are kept between frames while their shapes do not change
        // (`content_cache.rs`), all but the status bar's, which shows the cursor's
        // coordinates.
        let pictures = &mut self.panel_pictures;
        kept_panel(
            pictures,
            KeptPanel::Toolbar,
            ui,
            egui::Panel::top("toolbar").frame(unfilled_panel(ui)),
            |ui| {
                actions.extend(toolbar::toolbar_ui(ui, &self.state, self.map.is_online()));
            },
        );
        egui::Panel::bottom("status")
            .frame(unfilled_panel(ui))
            .show(ui, |ui| {
                actions.extend(status_bar::status_bar_ui(
                    ui,
                    &self.state,
                    self.map.network_status(),
                    self.map.cursor(),
                ));
            });
        kept_panel(
            pictures,
            KeptPanel::Places,
            ui,
            egui::Panel::left("places")
                .frame(unfilled_panel(ui))
                .resizable(true)
                .default_size(300.0)
                .size_range(220.0..=520.0),
            |ui| {
                actions.extend(places_panel::places_panel_ui(ui, &self.state));
            },
        );
        kept_panel(
            pictures,
            KeptPanel::Passages,
            ui,
            egui::Panel::right("passages")
                .frame(unfilled_panel(ui))
                .resizable(true)
                .default_size(380.0)
                .size_range(260.0..=640.0),
            |ui| {
                actions.extend(passages_panel::passages_panel_ui(ui, &self.state));
            },
        );
        let archive_document = self.state.archive().and_then(|v| v.document.as_ref());
        if self.state.open_document_state().is_some() || archive_document.is_some() {
            kept_panel(
                pictures,
                KeptPanel::Document,
                ui,
                egui::Panel::bottom("document")
                    .frame(unfilled_panel(ui))
                    .resizable(true)
                    .default_size(280.0)
                    .size_range(120.0..=800.0),
                |ui| match archive_document {
                    Some(document) => actions.extend(archive_panel::archive_document_ui(
                        ui,
                        &self.state,
                        document,
                    )),
                    None => actions.extend(document_view::document_view_ui(ui, &self.state)),
                },
            );
        }
        if self.state.timeline().is_some() {
            kept_panel(
                pictures,
                KeptPanel::Timeline,
                ui,
                egui::Panel::bottom("timeline")
                    .frame(unfilled_panel(ui))
                    .resizable(false),
                |ui| {
                    actions.extend(timeline::timeline_ui(
                        ui,
                        &self.state,
                        self.playing.is_some(),
                    ));
                },
            );
        }
        if let Some(last) = self.playing {
            let now = ctx.input(|i| i.time);
            if now - last >= timeline::PLAY_STEP_SECONDS {
                let next = self
                    .state
                    .timeline()
                    .and_then(|t| timeline::next_play_range(t, &self.state.filter().dates));
                match next {
                    Some(range) => {
                        self.state.set_date_range(range);
                        self.playing = Some(now);
                    }
                    None => self.playing = None,
                }
            }
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                timeline::PLAY_STEP_SECONDS / 4.0,
            ));
        }
        if let Some(url) = self.open_url.take() {
            ctx.open_url(egui::OpenUrl::new_tab(url));
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                actions.extend(map_view::map_ui(
                    ui,
                    &mut self.map,
                    &self.state,
                    self.basemap.as_deref(),
                ));
            });

        about::about_ui(
            &ctx,
            &mut self.about_open,
            &self.state,
            self.map.is_online(),
        );
        actions.extend(paste_dialog::paste_dialog_ui(&ctx, &mut self.paste));
        actions.extend(field_dialog::field_dialog_ui(&ctx, &mut self.field_choice));
        actions.extend(picture_dialog::picture_dialog_ui(&ctx, &mut self.picture));
        if let Some(review) = &self.review {
            actions.extend(review::review_ui(&ctx, &self.state, review));
        }
        actions.extend(my_places::my_places_ui(
            &ctx,
            &mut self.my_places_open,
            &self.state,
        ));
        actions.extend(place_dialog::place_dialog_ui(&ctx, &mut self.place_draft));
        actions.extend(reset_dialog::reset_dialog_ui(
            &ctx,
            &mut self.confirm_reset,
            &self.state,
        ));
        actions.extend(path_prompt::path_prompt_ui(&ctx, &mut self.path_prompt));
        if messages_window::messages_window_ui(&ctx, &mut self.messages_open, &self.state) {
            self.state.clear_messages();
        }
        toast::toast_ui(
            &ctx,
            &mut self.toast,
            &mut self.last_toast_sequence,
            &self.state,
        );
        drop_hint::drop_hint_ui(&ctx);

        // Escape closes the document, then clears the selection (popups and dialogs
        // handle their own Escape).
        let no_dialog = self.paste.is_none()
            && self.path_prompt.is_none()
            && self.field_choice.is_none()
            && self.place_draft.is_none()
            && !self.confirm_reset;
        if actions.is_empty()
            && no_dialog
            && !egui::Popup::is_any_open(&ctx)
            && ctx.input(|i| i.key_pressed(egui::Key::Escape))
        {
            if self.state.open_document_state().is_some()
                || self.state.archive().is_some_and(|v| v.document.is_some())
            {
                actions.push(Action::CloseDocument);
            } else if self.state.selected().is_some() {
                actions.push(Action::Select(None));
            }
        }

        // What the actions change is drawn on the next frames: ask for them now, or the
        // window would wait for the next input event. Two, because some drivers present
        // a frame late (software rendering under X11).
        if !actions.is_empty() {
            self.repaint_frames = 2;
        }
        if self.repaint_frames > 0 {
            self.repaint_frames -= 1;
            ctx.request_repaint();
        }
        for action in actions {
            self.apply(&ctx, action);
        }
        // A correction or filter change just made goes to the project now.
        self.sync_project();
    }
}

/// The panels whose pictures are kept between frames (an index in
/// `GazetteApp::panel_pictures`).
#[derive(Clone, Copy)]
enum KeptPanel {
    Toolbar,
    Places,
    Passages,
    Document,
    Timeline,
}

impl KeptPanel {
    const COUNT: usize = 5;
}

/// Shows `panel` with `add_contents` in `ui`, its picture kept between frames in
/// `pictures[which]` when there is one (see `content_cache.rs`): its shapes are those
/// painted in `ui`'s layer while it shows (its separator line too), inside its rectangle,
/// over the window's clear colour (the panels' colour, see `unfilled_panel`).
fn kept_panel<R>(
    pictures: &mut [content_cache::ContentCache],
    which: KeptPanel,
    ui: &mut Ui,
    panel: egui::Panel,
    add_contents: impl FnOnce(&mut Ui) -> R,
) -> R {
    let ctx = ui.ctx().clone();
    let layer = ui.layer_id();
    let start = content_cache::ContentCache::begin(&ctx, layer);
    let shown = panel.show(ui, add_contents);
    if let Some(cache) = pictures.get_mut(which as usize) {
        let beneath = ctx.global_style().visuals.panel_fill;
        cache.end(&ctx, layer, start, shown.response.rect, beneath);
    }
    shown.inner
}

/// The frame of the window's panels, without the fill: the window is cleared to the
/// panels' colour instead ([`eframe::App::clear_color`]). Why: on a software rasteriser
/// (lavapipe) each pixel egui fills costs far more than a cleared one (a window-sized
/// fill ~125 ms at 1500×920, see `examples/frame_layers.rs`), and the panels' fills
/// cover the window once.
fn unfilled_panel(ui: &Ui) -> egui::Frame {
    egui::Frame::side_top_panel(ui.style()).fill(egui::Color32::TRANSPARENT)
}

impl eframe::App for GazetteApp {
    /// The panels' colour: they draw no fill of their own (see `unfilled_panel`).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        if self.render_state.is_none()
            && let Some(render_state) = frame.wgpu_render_state()
        {
            self.draw_basemap_with(render_state);
            self.render_state = Some(render_state.clone());
        }
        self.show(ui);
    }

    /// Called by eframe once on quitting, after `save`: the exports still running are
    /// stopped and waited for (a document or a buffer each), so that none leaves its
    /// temporary file beside its target.
    fn on_exit(&mut self) {
        self.exports.stop_all();
    }

    /// Called by eframe every 30 s and on exit: writes the session file, and once it is
    /// written, forgets the session earlier versions kept in eframe's storage.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.save_session() && self.forget_eframe_session {
            storage.remove_string(SESSION_KEY);
            self.forget_eframe_session = false;
        }
    }
}

impl GazetteApp {
    /// Writes the session to its file (atomically) if it changed since the last write.
    /// Returns true if the file now holds the current session. A failure is reported in
    /// the messages (once, until it changes or a save succeeds) and retried at the next
    /// save.
    pub fn save_session(&mut self) -> bool {
        let Some(file) = &self.session_file else {
            return false;
        };
        let session = self.session_to_save();
        if self.saved_session.as_ref() == Some(&session) {
            return true;
        }
        match file.save(&session) {
            Ok(()) => {
                self.saved_session = Some(session);
                if self.save_error.take().is_some() {
                    self.state.push_message(
                        MessageLevel::Info,
                        format!("The session is saved again to {}", file.path().display()),
                    );
                }
                true
            }
            Err(e) => {
                let text = format!("The session could not be saved: {e}");
                if self.save_error.as_deref() != Some(text.as_str()) {
                    self.state.push_message(MessageLevel::Error, text.clone());
                    self.save_error = Some(text);
                }
                false
            }
        }
    }

    /// The session as it should be saved now. While the gazetteer loads, that is the
    /// session waiting for it; while its documents are parsed back, their list as saved
    /// (with any document opened meanwhile).
    fn session_to_save(&self) -> Session {
        if let Some(s) = &self.waiting_session
            && self.state.gazetteer().is_none()
        {
            let mut s = s.clone();
            if s.sources.is_empty() {
                s.sources = self.state.session().sources;
            }
            if self.waiting_project.is_some() {
                s.project = self.waiting_project.clone();
            }
            return s;
        }
        if let Some(link) = &self.project {
            // The project holds the documents, corrections and filter.
            let mut session = self.state.session_of_a_project();
            session.project = Some(link.path().to_path_buf());
            return session;
        }
        let mut session = self.state.session();
        if let Some((job, sources)) = &self.restoring
            && self.jobs.contains_key(job)
        {
            session.sources = merge_sources(sources, session.sources);
        }
        session
    }
}

/// The documents of a session being loaded back: those it had (`saved`, in their order),
/// then the others `loaded` so far (opened meanwhile).
fn merge_sources(saved: &[DocumentSource], loaded: Vec<DocumentSource>) -> Vec<DocumentSource> {
    let same = |a: &DocumentSource, b: &DocumentSource| match (a, b) {
        (DocumentSource::File { path: p, .. }, DocumentSource::File { path: q, .. }) => p == q,
        (a @ DocumentSource::Pasted { .. }, b @ DocumentSource::Pasted { .. }) => a == b,
        _ => false,
    };
    // By file (pasted texts are few): a search of `saved` per loaded source made each
    // save quadratic in the documents of a big session.
    let files: std::collections::HashSet<&std::path::Path> =
        saved.iter().filter_map(DocumentSource::path).collect();
    let mut merged = saved.to_vec();
    for source in loaded {
        let known = match source.path() {
            Some(path) => files.contains(path),
            None => saved.iter().any(|s| same(s, &source)),
        };
        if !known {
            merged.push(source);
        }
    }
    merged
}

/// The plural ending for a count: `""` for 1, `"s"` otherwise (shared by the panels).
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The sample articles as inputs, or none (with a message) if the folder is missing.
fn sample_inputs(state: &mut AppState) -> Vec<Input> {
    match worker::seeds_dir() {
        Some(dir) => vec![Input::Path(dir)],
        None => {
            state.push_message(
                MessageLevel::Warning,
                "The sample articles (seeds/) were not found; open files to begin",
            );
            Vec::new()
        }
    }
}

/// Opens the Gazette window: `gazetteer` instead of the bundled one if given, and the
/// files or folders in `open` (else the last session, else the sample articles).
pub fn run(gazetteer: Option<PathBuf>, open: Vec<PathBuf>) -> anyhow::Result<()> {
    dialogs::install_logger();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Gazette")
            .with_app_id(APP_ID)
            .with_inner_size([1500.0, 920.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Gazette",
        options,
        Box::new(move |cc| {
            Ok(Box::new(GazetteApp::new(
                &cc.egui_ctx,
                cc.storage,
                gazetteer,
                open,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_while_the_session_loads_back_keeps_its_documents() {
        let file = |p: &str, name: &str| DocumentSource::file(p, name);
        let pasted = |name: &str, text: &str| DocumentSource::Pasted {
            name: name.into(),
            text: text.into(),
        };
        let saved = vec![
            file("/a/x.txt", "x.txt"),
            pasted("Pasted text", "one"),
            file("/b/x.txt", "b/x.txt"),
        ];
        // Nothing parsed yet: the saved list as it was.
        assert_eq!(merge_sources(&saved, Vec::new()), saved);
        // Part parsed back (a file under another name), and a document opened meanwhile.
        let loaded = vec![
            file("/a/x.txt", "x (2).txt"),
            pasted("Pasted text", "one"),
            pasted("Pasted text (2)", "two"),
        ];
        let mut expected = saved.clone();
        expected.push(pasted("Pasted text (2)", "two"));
        assert_eq!(merge_sources(&saved, loaded), expected);
    }
}
