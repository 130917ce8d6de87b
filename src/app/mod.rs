//! The desktop app: a map of the places the open articles mention, the places list and
//! filters on the left, the selected place's passages on the right, the document view
//! below the map.
//!
//! [`state::AppState`] holds everything as plain data; each panel module draws it and
//! returns an [`Action`]; [`GazetteApp`] applies the actions, runs the background work
//! ([`worker`]) and the file dialogs ([`dialogs`]), and saves the session.

pub mod about;
pub mod basemap;
pub mod dialogs;
pub mod document_view;
pub mod map_view;
pub mod palette;
pub mod passages_panel;
pub mod places_panel;
pub mod state;
pub mod worker;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use crate::corpus::CorrectionAction;
use crate::corpus::Document;
use crate::export::Format;
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};

use basemap::Basemap;
use dialogs::{DialogOutcome, DialogRequest, Dialogs};
use map_view::{MapView, NetworkStatus};
use state::{AppState, MentionKey, MessageLevel, Progress, Session};
use worker::{Event, Input, JobId, Worker};

/// What the user did, returned by the `*_ui` functions and applied by
/// [`GazetteApp::apply`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Select a place (by located entry), or clear the selection.
    Select(Option<EntryIndex>),
    /// Select a place and bring it into view on the map.
    SelectAndFocus(EntryIndex),
    /// Bring a place into view without changing the selection.
    FocusMap(EntryIndex),
    /// Open a document in the document view, scrolled to one of its mentions.
    OpenPassage {
        /// Document index.
        document: usize,
        /// Mention index in the document.
        mention: usize,
    },
    /// Open a document at its start.
    OpenDocument(usize),
    /// Close the document view.
    CloseDocument,
    /// The document view scrolled to its focus mention.
    Scrolled,
    /// A mention was clicked in the document view: select its place and pan to it.
    ClickMention {
        /// Document index.
        document: usize,
        /// Mention index in the document.
        mention: usize,
    },
    /// Show or hide a country (`""`: multi-country regions).
    SetCountryVisible(String, bool),
    /// Show every country.
    ShowAllCountries,
    /// Hide every country.
    HideAllCountries,
    /// Show only this country.
    ShowOnlyCountry(String),
    /// Show or hide a feature type.
    SetKindVisible(Kind, bool),
    /// Show or hide a document's mentions.
    SetDocumentVisible(String, bool),
    /// Count demonyms as mentions of their country, or not.
    SetShowDemonyms(bool),
    /// Set the place-name search.
    SetSearch(String),
    /// Hide mentions below this confidence.
    SetMinConfidence(f32),
    /// Reassign one mention to a gazetteer entry.
    Reassign {
        /// The mention.
        mention: MentionKey,
        /// The entry it denotes.
        entry: EntryIndex,
    },
    /// Mark one mention as not a place.
    NotAPlace(MentionKey),
    /// Remove the correction of one mention.
    UndoCorrection(MentionKey),
    /// Reassign every mention of a place that could denote `to`.
    ReassignPlace {
        /// The place (located entry).
        place: EntryIndex,
        /// The entry they denote instead.
        to: EntryIndex,
    },
    /// Mark every mention of a place as not a place.
    PlaceNotAPlace(EntryIndex),
    /// Show the "Open files" dialog.
    OpenFilesDialog,
    /// Show the "Open folder" dialog.
    OpenFolderDialog,
    /// Open files or folders.
    OpenPaths(Vec<PathBuf>),
    /// Show the "Paste text" dialog.
    PasteTextDialog,
    /// Add pasted text as a new document.
    AddPastedText {
        /// Document name.
        name: String,
        /// The text.
        text: String,
    },
    /// Ask where to export, then export what is shown.
    ExportDialog(Format),
    /// Export what is shown to a file.
    ExportTo(PathBuf, Format),
    /// Ask before closing everything and opening the sample articles.
    ConfirmReset,
    /// Close every document, forget corrections and the filter, open the samples.
    ResetToSamples,
    /// Switch OpenStreetMap tiles on or off.
    SetOnlineTiles(bool),
    /// Show the About window.
    ShowAbout,
    /// Show the message log.
    ShowMessages,
}

/// How documents are parsed: on background threads (the app), or on the calling thread
/// (tests, so that they are deterministic).
enum Loader {
    Background(Worker),
    Synchronous,
}

/// A path being typed because no file dialog could be shown.
#[derive(Debug, Clone)]
struct PathPrompt {
    request: DialogRequest,
    path: String,
    /// The text field takes the keyboard focus when the prompt opens.
    focus_pending: bool,
}

/// Text being typed into the "Paste text" dialog.
#[derive(Debug, Default, Clone)]
struct PasteDraft {
    name: String,
    text: String,
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
    /// Progress of each running job: (done, total).
    jobs: HashMap<JobId, (usize, usize)>,
    paste: Option<PasteDraft>,
    path_prompt: Option<PathPrompt>,
    confirm_reset: bool,
    about_open: bool,
    messages_open: bool,
    /// The message shown as a toast, and when it appeared (egui time, seconds).
    toast: Option<(u64, f64)>,
    last_toast_sequence: u64,
    /// Tile choice to apply on the next frame (needs the egui context).
    online_wanted: Option<bool>,
    gazetteer_failed: bool,
    /// Frames still to draw after an action, whatever the input.
    repaint_frames: u8,
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

/// The eframe storage key of the session.
const SESSION_KEY: &str = "gazette-session";

impl GazetteApp {
    /// The app as the window starts it: the gazetteer and the basemap load in the
    /// background; then `open` (files or folders), or else the saved session, or else the
    /// sample articles, are parsed in the background.
    pub fn new(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        gazetteer: Option<PathBuf>,
        open: Vec<PathBuf>,
    ) -> GazetteApp {
        let repaint_ctx = ctx.clone();
        let notify: Arc<dyn Fn() + Send + Sync> = Arc::new(move || repaint_ctx.request_repaint());
        let worker = Worker::new(notify.clone());
        worker.load_gazetteer(gazetteer);

        let (tx, rx) = std::sync::mpsc::channel();
        let basemap_notify = notify.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-basemap".into())
            .spawn(move || {
                let _ = tx.send(Basemap::load_bundled().map_err(|e| e.to_string()));
                basemap_notify();
            });

        let mut app = GazetteApp::with_parts(Loader::Background(worker), Dialogs::native(notify));
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
        }));
        let session: Option<Session> =
            storage.and_then(|s| eframe::get_value::<Session>(s, SESSION_KEY));
        if !open.is_empty() {
            // Files on the command line replace the saved documents; corrections and the
            // filter of the session still apply (they name documents, not files).
            let session = session.map(|s| Session {
                sources: Vec::new(),
                ..s
            });
            app.waiting_session = session;
            app.waiting_inputs = open.into_iter().map(Input::Path).collect();
        } else {
            match session {
                Some(s) if !s.sources.is_empty() => {
                    app.waiting_inputs = s.sources.iter().cloned().map(Input::from).collect();
                    app.waiting_session = Some(s);
                }
                _ => app.waiting_inputs = sample_inputs(&mut app.state),
            }
        }
        if app.waiting_session.as_ref().is_some_and(|s| s.online_tiles) {
            app.online_wanted = Some(true);
        }
        app
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
            jobs: HashMap::new(),
            paste: None,
            path_prompt: None,
            confirm_reset: false,
            about_open: false,
            messages_open: false,
            toast: None,
            last_toast_sequence: 0,
            online_wanted: None,
            gazetteer_failed: false,
            repaint_frames: 0,
        }
    }

    /// The state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The state, to change it directly (tests).
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    /// The map's view state (zoom, markers drawn in the last frame).
    pub fn map_view(&self) -> &MapView {
        &self.map
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

    fn start_parse(&mut self, inputs: Vec<Input>) {
        if inputs.is_empty() {
            return;
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
            return;
        };
        match &mut self.loader {
            Loader::Background(worker) => {
                let job = worker.parse(g, inputs);
                self.jobs.insert(job, (0, 0));
                self.update_progress();
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
            }
        }
    }

    fn handle_event(&mut self, event: Event) {
        match event {
            Event::Gazetteer(Ok(g)) => {
                self.state.set_gazetteer(g);
                self.state.set_progress(None);
                if let Some(session) = self.waiting_session.take() {
                    self.state.restore(&session);
                }
                let inputs = std::mem::take(&mut self.waiting_inputs);
                self.start_parse(inputs);
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
                if !self.state.add_document(parsed, source) {
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
                self.update_progress();
                self.state.refresh();
                let text = match (loaded, skipped) {
                    (0, 0) => "Nothing to open".to_string(),
                    (l, 0) => format!("Opened {l} document{}", plural(l)),
                    (l, s) => format!(
                        "Opened {l} document{}; {s} skipped (see Messages)",
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
                    self.map.request_fit();
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
                format!("Parsing documents ({done} of {total})")
            },
            done,
            total,
        }));
    }

    /// Takes what the background threads and dialogs reported, and dropped files.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Loader::Background(worker) = &mut self.loader {
            for e in worker.poll() {
                self.handle_event(e);
            }
        }
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
        self.state.refresh();
    }

    // ----------------------------------------------------------------------------------
    // Actions

    /// Applies what the user did.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Select(entry) => self.state.select(entry),
            Action::SelectAndFocus(entry) => {
                self.state.select(Some(entry));
                self.map.focus(&self.state, self.basemap.as_deref(), entry);
            }
            Action::FocusMap(entry) => self.map.focus(&self.state, self.basemap.as_deref(), entry),
            Action::OpenPassage { document, mention } => {
                self.state.open_document(document, Some(mention));
            }
            Action::OpenDocument(document) => self.state.open_document(document, None),
            Action::CloseDocument => self.state.close_document(),
            Action::Scrolled => self.state.scrolled(),
            Action::ClickMention { document, mention } => {
                match self.state.effective_entry((document, mention)) {
                    Some(entry) => {
                        self.state.select(Some(entry));
                        self.map.focus(&self.state, self.basemap.as_deref(), entry);
                        if self.state.place(entry).is_none() {
                            self.state.push_message(
                                MessageLevel::Info,
                                "That place is hidden by the current filter",
                            );
                        }
                    }
                    None => self.state.push_message(
                        MessageLevel::Info,
                        "That mention is marked \"not a place\" (right-click it to change)",
                    ),
                }
                if let Some(open) = self.state.open_document_state()
                    && open.document == document
                {
                    self.state.open_document(document, Some(mention));
                    self.state.scrolled();
                }
            }
            Action::SetCountryVisible(key, visible) => {
                self.state.set_country_visible(&key, visible);
            }
            Action::ShowAllCountries => self.state.show_all_countries(),
            Action::HideAllCountries => self.state.hide_all_countries(),
            Action::ShowOnlyCountry(key) => self.state.show_only_country(&key),
            Action::SetKindVisible(kind, visible) => self.state.set_kind_visible(kind, visible),
            Action::SetDocumentVisible(name, visible) => {
                self.state.set_document_visible(&name, visible);
            }
            Action::SetShowDemonyms(show) => self.state.set_show_demonyms(show),
            Action::SetSearch(search) => self.state.set_search(&search),
            Action::SetMinConfidence(c) => self.state.set_min_confidence(c),
            Action::Reassign { mention, entry } => {
                self.state.reassign(mention, entry);
                if let Some(e) = self.state.effective_entry(mention) {
                    self.state.select(Some(e));
                }
                self.correction_note();
            }
            Action::NotAPlace(mention) => {
                self.state.correct(mention, CorrectionAction::NotAPlace);
                self.correction_note();
            }
            Action::UndoCorrection(mention) => {
                self.state.undo_correction(mention);
                self.correction_note();
            }
            Action::ReassignPlace { place, to } => {
                let n = self.state.correct_place(place, Some(to));
                let name = self
                    .state
                    .gazetteer()
                    .map(|g| g.entry(to).name.clone())
                    .unwrap_or_default();
                self.state.push_message(
                    MessageLevel::Info,
                    format!("{n} mention{} reassigned to {name}", plural(n)),
                );
            }
            Action::PlaceNotAPlace(place) => {
                let n = self.state.correct_place(place, None);
                self.state.select(None);
                self.state.push_message(
                    MessageLevel::Info,
                    format!("{n} mention{} marked \"not a place\"", plural(n)),
                );
            }
            Action::OpenFilesDialog => self.request_dialog(DialogRequest::OpenFiles),
            Action::OpenFolderDialog => self.request_dialog(DialogRequest::OpenFolder),
            Action::OpenPaths(paths) => {
                let mut inputs = Vec::new();
                for p in paths {
                    if self.state.has_file(&p) {
                        self.state.push_message(
                            MessageLevel::Info,
                            format!("{} is already open", p.display()),
                        );
                    } else {
                        inputs.push(Input::Path(p));
                    }
                }
                self.start_parse(inputs);
            }
            Action::PasteTextDialog => {
                self.paste = Some(PasteDraft {
                    name: self.state.unique_name("Pasted text"),
                    text: String::new(),
                });
            }
            Action::AddPastedText { name, text } => {
                let name = if name.trim().is_empty() {
                    "Pasted text".to_string()
                } else {
                    name.trim().to_string()
                };
                self.start_parse(vec![Input::Text { name, text }]);
            }
            Action::ExportDialog(format) => self.request_dialog(DialogRequest::Export(format)),
            Action::ExportTo(path, format) => match self.state.export(&path, format) {
                Ok(()) => {
                    let n = self.state.places().len();
                    self.state.push_message(
                        MessageLevel::Success,
                        format!(
                            "Exported {n} place{} ({} mentions) to {}",
                            plural(n),
                            self.state.mention_count(),
                            path.display()
                        ),
                    );
                }
                Err(e) => self
                    .state
                    .push_message(MessageLevel::Error, format!("Export failed: {e}")),
            },
            Action::ConfirmReset => self.confirm_reset = true,
            Action::ResetToSamples => {
                self.confirm_reset = false;
                if let Loader::Background(worker) = &mut self.loader {
                    worker.cancel_all();
                }
                self.jobs.clear();
                self.waiting_inputs.clear();
                self.state.clear_documents();
                self.state.reset_corrections_and_filter();
                self.update_progress();
                let inputs = sample_inputs(&mut self.state);
                self.start_parse(inputs);
                self.map.request_fit();
            }
            Action::SetOnlineTiles(on) => {
                self.state.set_online_tiles(on);
                self.map.set_online(on, ctx);
                if on {
                    self.state.push_message(
                        MessageLevel::Info,
                        "OpenStreetMap tiles on: downloading from tile.openstreetmap.org (offline basemap underneath)",
                    );
                }
            }
            Action::ShowAbout => self.about_open = true,
            Action::ShowMessages => self.messages_open = true,
        }
    }

    fn correction_note(&mut self) {
        let n = self.state.corrections().len();
        self.state.push_message(
            MessageLevel::Info,
            format!("{n} correction{} in this session", plural(n)),
        );
    }

    fn request_dialog(&mut self, request: DialogRequest) {
        if !self.dialogs.request(request) {
            self.state
                .push_message(MessageLevel::Info, "A file dialog is already open");
        }
    }

    // ----------------------------------------------------------------------------------
    // Drawing

    /// Draws the whole window and applies what the user did. Called by
    /// [`eframe::App::ui`], and by tests through `egui_kittest`.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        let mut actions: Vec<Action> = Vec::new();

        egui::Panel::top("toolbar").show(ui, |ui| {
            actions.extend(self.toolbar_ui(ui));
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            actions.extend(self.status_bar_ui(ui));
        });
        egui::Panel::left("places")
            .resizable(true)
            .default_size(300.0)
            .size_range(220.0..=520.0)
            .show(ui, |ui| {
                actions.extend(places_panel::places_panel_ui(ui, &self.state));
            });
        egui::Panel::right("passages")
            .resizable(true)
            .default_size(380.0)
            .size_range(260.0..=640.0)
            .show(ui, |ui| {
                actions.extend(passages_panel::passages_panel_ui(ui, &self.state));
            });
        if self.state.open_document_state().is_some() {
            egui::Panel::bottom("document")
                .resizable(true)
                .default_size(280.0)
                .size_range(120.0..=800.0)
                .show(ui, |ui| {
                    actions.extend(document_view::document_view_ui(ui, &self.state));
                });
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
        actions.extend(self.paste_dialog_ui(&ctx));
        actions.extend(self.reset_dialog_ui(&ctx));
        actions.extend(self.path_prompt_ui(&ctx));
        self.messages_window_ui(&ctx);
        self.toast_ui(&ctx);
        self.drop_hint_ui(&ctx);

        // Escape closes the document, then clears the selection (popups and dialogs
        // handle their own Escape).
        let no_dialog = self.paste.is_none() && self.path_prompt.is_none() && !self.confirm_reset;
        if actions.is_empty()
            && no_dialog
            && !egui::Popup::is_any_open(&ctx)
            && ctx.input(|i| i.key_pressed(egui::Key::Escape))
        {
            if self.state.open_document_state().is_some() {
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
    }

    fn toolbar_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.add_space(2.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Gazette").strong().size(16.0));
            ui.separator();
            if ui
                .button("Open files…")
                .on_hover_text("Open article files (.txt); you can also drop files on the window")
                .clicked()
            {
                actions.push(Action::OpenFilesDialog);
            }
            if ui
                .button("Open folder…")
                .on_hover_text("Open every .txt file in a folder and its subfolders")
                .clicked()
            {
                actions.push(Action::OpenFolderDialog);
            }
            if ui
                .button("Paste text…")
                .on_hover_text("Add text from the clipboard as a new document")
                .clicked()
            {
                actions.push(Action::PasteTextDialog);
            }
            ui.separator();
            let has_places = !self.state.places().is_empty();
            if ui
                .add_enabled(has_places, egui::Button::new("Export GeoJSON…"))
                .on_hover_text("Save the places shown (after filter and corrections) as GeoJSON")
                .clicked()
            {
                actions.push(Action::ExportDialog(Format::GeoJson));
            }
            if ui
                .add_enabled(has_places, egui::Button::new("Export CSV…"))
                .on_hover_text("Save the mentions shown (after filter and corrections) as CSV")
                .clicked()
            {
                actions.push(Action::ExportDialog(Format::Csv));
            }
            ui.separator();
            let mut online = self.map.is_online();
            if ui
                .checkbox(&mut online, "OpenStreetMap tiles (online)")
                .on_hover_text(
                    "Download map tiles from openstreetmap.org (cached on disk). \
                     Off: the offline basemap only.",
                )
                .changed()
            {
                actions.push(Action::SetOnlineTiles(online));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("About").clicked() {
                    actions.push(Action::ShowAbout);
                }
                let dark = ui.visuals().dark_mode;
                if ui
                    .button(if dark { "Light theme" } else { "Dark theme" })
                    .on_hover_text("Switch between the dark and the light theme")
                    .clicked()
                {
                    ui.ctx().set_theme(if dark {
                        egui::Theme::Light
                    } else {
                        egui::Theme::Dark
                    });
                }
                if ui
                    .button("Reset to samples")
                    .on_hover_text("Close every document, forget corrections and filters, and open the sample articles")
                    .clicked()
                {
                    actions.push(Action::ConfirmReset);
                }
            });
        });
        ui.add_space(2.0);
        actions
    }

    fn status_bar_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        // Right to left: the counts and the network state keep their room, the latest
        // message gets what is left, truncated.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let n = self.state.messages().len();
            if ui
                .small_button(format!("Messages ({n})"))
                .on_hover_text("Every message of this session")
                .clicked()
            {
                actions.push(Action::ShowMessages);
            }
            ui.label(format!(
                "{} document{} · {} places · {} mentions · {} correction{}",
                self.state.documents().len(),
                plural(self.state.documents().len()),
                self.state.places().len(),
                self.state.mention_count(),
                self.state.corrections().len(),
                plural(self.state.corrections().len())
            ));
            match self.map.network_status() {
                Some(NetworkStatus::Unreachable(e)) => {
                    ui.separator();
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "No network: OpenStreetMap tiles unavailable, offline basemap shown",
                    )
                    .on_hover_text(e);
                }
                Some(NetworkStatus::Checking) => {
                    ui.separator();
                    ui.weak("Checking the tile server…");
                }
                Some(NetworkStatus::Reachable) => {
                    ui.separator();
                    ui.weak("Online tiles: © OpenStreetMap contributors");
                }
                None => {}
            }
            ui.separator();
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                if let Some(p) = self.state.progress() {
                    let fraction = if p.total > 0 {
                        p.done as f32 / p.total as f32
                    } else {
                        0.0
                    };
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(140.0)
                            .show_percentage()
                            .animate(true),
                    );
                    ui.label(&p.label);
                    ui.separator();
                }
                if let Some(m) = self.state.latest_message() {
                    let color = message_color(ui, m.level);
                    let text = RichText::new(&m.text).color(color);
                    if ui
                        .add(
                            egui::Label::new(text)
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                        .on_hover_text("Click to see every message")
                        .clicked()
                    {
                        actions.push(Action::ShowMessages);
                    }
                }
            });
        });
        actions
    }

    /// Where to open or export when no file dialog could be shown: a path typed in.
    fn path_prompt_ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let prompt = self.path_prompt.as_mut()?;
        let mut action = None;
        let mut close = false;
        let response = egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_width(520.0);
            let title = match prompt.request {
                DialogRequest::OpenFiles | DialogRequest::OpenFolder => "Open a file or folder",
                DialogRequest::Export(_) => "Export to a file",
            };
            ui.heading(title);
            ui.label("No file dialog is available here; type a path instead.");
            let label = ui.label("Path");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut prompt.path)
                        .hint_text("/home/me/articles")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut prompt.focus_pending) {
                edit.request_focus();
            }
            let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                let ok = !prompt.path.trim().is_empty();
                let go = ui.add_enabled(ok, egui::Button::new("OK")).clicked();
                if ok && (go || entered) {
                    let path = PathBuf::from(prompt.path.trim());
                    action = Some(match prompt.request {
                        DialogRequest::Export(format) => Action::ExportTo(path, format),
                        _ => Action::OpenPaths(vec![path]),
                    });
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close || response.should_close() {
            self.path_prompt = None;
        }
        action
    }

    fn paste_dialog_ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let draft = self.paste.as_mut()?;
        let mut action = None;
        let mut close = false;
        let response = egui::Modal::new(egui::Id::unique("paste-text")).show(ctx, |ui| {
            ui.set_width(560.0);
            ui.heading("Paste text");
            ui.horizontal(|ui| {
                let label = ui.label("Name");
                ui.add(egui::TextEdit::singleline(&mut draft.name).desired_width(300.0))
                    .labelled_by(label.id);
            });
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut draft.text)
                            .hint_text("Paste or type an article here")
                            .desired_rows(14)
                            .desired_width(f32::INFINITY),
                    );
                });
            ui.horizontal(|ui| {
                let ok = !draft.text.trim().is_empty();
                if ui
                    .add_enabled(ok, egui::Button::new("Add document"))
                    .clicked()
                {
                    action = Some(Action::AddPastedText {
                        name: draft.name.clone(),
                        text: draft.text.clone(),
                    });
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
                ui.weak(format!("{} characters", draft.text.chars().count()));
            });
        });
        if close || response.should_close() {
            self.paste = None;
        }
        action
    }

    fn reset_dialog_ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        if !self.confirm_reset {
            return None;
        }
        let mut action = None;
        let mut close = false;
        let response = egui::Modal::new(egui::Id::unique("confirm-reset")).show(ctx, |ui| {
            ui.set_width(400.0);
            ui.heading("Reset to samples?");
            ui.label(format!(
                "This closes {} document{}, forgets {} correction{} and the filter, and opens the sample articles.",
                self.state.documents().len(),
                plural(self.state.documents().len()),
                self.state.corrections().len(),
                plural(self.state.corrections().len())
            ));
            ui.horizontal(|ui| {
                if ui.button("Reset").clicked() {
                    action = Some(Action::ResetToSamples);
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close || response.should_close() {
            self.confirm_reset = false;
        }
        action
    }

    fn messages_window_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.messages_open;
        let mut clear = false;
        egui::Window::new("Messages")
            .open(&mut open)
            .default_width(560.0)
            .default_height(300.0)
            .show(ctx, |ui| {
                if ui.button("Clear").clicked() {
                    clear = true;
                }
                egui::ScrollArea::vertical()
                    .stick_to_bottom(true)
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        for m in self.state.messages() {
                            ui.label(RichText::new(&m.text).color(message_color(ui, m.level)));
                        }
                    });
            });
        if clear {
            self.state.clear_messages();
        }
        self.messages_open = open;
    }

    /// Exports and errors also show for a few seconds in the corner of the map.
    fn toast_ui(&mut self, ctx: &egui::Context) {
        const TOAST_SECONDS: f64 = 6.0;
        let now = ctx.input(|i| i.time);
        if let Some(m) = self.state.latest_message()
            && m.sequence > self.last_toast_sequence
        {
            self.last_toast_sequence = m.sequence;
            if matches!(m.level, MessageLevel::Success | MessageLevel::Error) {
                self.toast = Some((m.sequence, now));
            }
        }
        let Some((sequence, since)) = self.toast else {
            return;
        };
        if now - since > TOAST_SECONDS {
            self.toast = None;
            return;
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(
            (TOAST_SECONDS - (now - since)).max(0.1),
        ));
        let Some(m) = self
            .state
            .messages()
            .iter()
            .find(|m| m.sequence == sequence)
        else {
            return;
        };
        let (level, text) = (m.level, m.text.clone());
        let mut dismiss = false;
        egui::Area::new(egui::Id::unique("toast"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
            .order(egui::Order::Foreground)
            .interactable(true)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style())
                    .stroke(egui::Stroke::new(1.5, message_color(ui, level)))
                    .show(ui, |ui| {
                        ui.set_max_width(380.0);
                        ui.horizontal_top(|ui| {
                            if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                                dismiss = true;
                            }
                            ui.add(
                                egui::Label::new(
                                    RichText::new(text).color(message_color(ui, level)),
                                )
                                .wrap(),
                            );
                        });
                    });
            });
        if dismiss {
            self.toast = None;
        }
    }

    fn drop_hint_ui(&self, ctx: &egui::Context) {
        let hovering = ctx.input(|i| i.raw.hovered_files.len());
        if hovering == 0 {
            return;
        }
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop-hint"),
        ));
        let rect = ctx.content_rect();
        painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            format!("Drop to open {hovering} file{}", plural(hovering)),
            egui::FontId::proportional(24.0),
            Color32::WHITE,
        );
    }
}

impl eframe::App for GazetteApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // While the gazetteer is still loading, keep the session that is waiting for it.
        let session = match &self.waiting_session {
            Some(s) if self.state.gazetteer().is_none() => {
                let mut s = s.clone();
                if s.sources.is_empty() {
                    s.sources = self.state.session().sources;
                }
                s
            }
            _ => self.state.session(),
        };
        eframe::set_value(storage, SESSION_KEY, &session);
    }
}

fn message_color(ui: &Ui, level: MessageLevel) -> Color32 {
    match level {
        MessageLevel::Info => ui.visuals().text_color(),
        MessageLevel::Success => {
            if ui.visuals().dark_mode {
                Color32::from_rgb(0x6f, 0xd0, 0x8c)
            } else {
                Color32::from_rgb(0x1e, 0x7b, 0x3a)
            }
        }
        MessageLevel::Warning => ui.visuals().warn_fg_color,
        MessageLevel::Error => ui.visuals().error_fg_color,
    }
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
            .with_app_id("gazette")
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
