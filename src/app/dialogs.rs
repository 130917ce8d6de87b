//! Native file dialogs (rfd), run on their own thread so the window keeps drawing while
//! one is open; tests script the answers instead.
//!
//! rfd's xdg-desktop-portal backend does not return its errors: with no portal (and no
//! `zenity` to fall back on) it logs them and answers "cancelled". [`install_logger`]
//! keeps rfd's log messages so the app can show the user why no dialog appeared.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use crate::export::Format;

/// A dialog the app asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogRequest {
    /// Pick article files.
    OpenFiles,
    /// Pick a folder of articles.
    OpenFolder,
    /// Pick where to export, in this format.
    Export(Format),
    /// Pick where to save the map as a PNG picture.
    ExportPicture,
    /// Pick a project file to open.
    OpenProject,
    /// Pick where to save a project.
    SaveProject,
    /// Pick where to write the rules.
    ExportRules,
    /// Pick a rules file to add.
    OpenRules,
    /// Pick where to write the user's places (CSV).
    ExportPlaces,
    /// Pick a places file (CSV or GeoJSON) to import.
    OpenPlaces,
}

/// What came of a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogOutcome {
    /// Files or a folder to open.
    Open(Vec<PathBuf>),
    /// Where to export, and the format.
    Export(PathBuf, Format),
    /// Where to save the map's picture.
    ExportPicture(PathBuf),
    /// A project to open.
    OpenProject(PathBuf),
    /// Where to save the project.
    SaveProject(PathBuf),
    /// Where to write the rules.
    ExportRules(PathBuf),
    /// A rules file to add.
    OpenRules(PathBuf),
    /// Where to write the user's places.
    ExportPlaces(PathBuf),
    /// A places file to import.
    OpenPlaces(PathBuf),
    /// The user cancelled.
    Cancelled,
    /// No dialog could be shown.
    Failed {
        /// The dialog that was asked for.
        request: DialogRequest,
        /// Why, as the dialog library reported it.
        details: String,
    },
}

/// rfd's warnings and errors since the last [`take_dialog_log`].
static DIALOG_LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Logger;

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        if record.target().starts_with("rfd")
            && let Ok(mut log) = DIALOG_LOG.lock()
        {
            log.push(record.args().to_string());
        }
        eprintln!(
            "gazette: {} [{}] {}",
            record.level().as_str().to_lowercase(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}

static LOGGER: Logger = Logger;

/// Installs the logger that prints warnings and errors to standard error and keeps rfd's
/// (once per process; later calls do nothing).
pub fn install_logger() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}

fn take_dialog_log() -> Vec<String> {
    DIALOG_LOG
        .lock()
        .map(|mut log| std::mem::take(&mut *log))
        .unwrap_or_default()
}

/// Shows dialogs and collects their outcomes.
pub enum Dialogs {
    /// Native dialogs on a background thread.
    Native {
        /// Outcomes from the dialog thread.
        tx: Sender<DialogOutcome>,
        /// Where they arrive.
        rx: Receiver<DialogOutcome>,
        /// True while a dialog is open (one at a time).
        busy: bool,
        /// Wakes the window when a dialog closes.
        notify: Arc<dyn Fn() + Send + Sync>,
    },
    /// Answers given in advance, in order (tests): `None` answers "cancelled".
    Scripted {
        /// Answers still to give: a path, `None` to cancel, or an error.
        answers: VecDeque<Result<Option<PathBuf>, String>>,
        /// Outcomes not yet polled.
        outcomes: Vec<DialogOutcome>,
    },
}

impl std::fmt::Debug for Dialogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dialogs::Native { busy, .. } => f.debug_struct("Native").field("busy", busy).finish(),
            Dialogs::Scripted { answers, .. } => f
                .debug_struct("Scripted")
                .field("answers", answers)
                .finish(),
        }
    }
}

impl Dialogs {
    /// Native dialogs; `notify` is called when one closes.
    pub fn native(notify: Arc<dyn Fn() + Send + Sync>) -> Dialogs {
        let (tx, rx) = channel();
        Dialogs::Native {
            tx,
            rx,
            busy: false,
            notify,
        }
    }

    /// Scripted dialogs with no answers yet.
    pub fn scripted() -> Dialogs {
        Dialogs::Scripted {
            answers: VecDeque::new(),
            outcomes: Vec::new(),
        }
    }

    /// Queues the answer of the next scripted dialog (a path, or `None` to cancel).
    /// Does nothing for native dialogs.
    pub fn script(&mut self, answer: Option<PathBuf>) {
        if let Dialogs::Scripted { answers, .. } = self {
            answers.push_back(Ok(answer));
        }
    }

    /// Makes the next scripted dialog fail, as with no desktop portal.
    pub fn script_failure(&mut self, details: impl Into<String>) {
        if let Dialogs::Scripted { answers, .. } = self {
            answers.push_back(Err(details.into()));
        }
    }

    /// True while a native dialog is open.
    pub fn is_busy(&self) -> bool {
        matches!(self, Dialogs::Native { busy: true, .. })
    }

    /// Shows a dialog. Its outcome arrives through [`Dialogs::poll`]. Returns `false` if
    /// another dialog is still open.
    pub fn request(&mut self, request: DialogRequest) -> bool {
        match self {
            Dialogs::Native {
                tx, busy, notify, ..
            } => {
                if *busy {
                    return false;
                }
                let fail_tx = tx.clone();
                let tx = tx.clone();
                let notify = notify.clone();
                let spawned = std::thread::Builder::new()
                    .name("gazette-dialog".into())
                    .spawn(move || {
                        let _ = tx.send(run_native(request));
                        notify();
                    });
                match spawned {
                    Ok(_) => *busy = true,
                    Err(e) => {
                        let _ = fail_tx.send(DialogOutcome::Failed {
                            request,
                            details: format!("cannot start the dialog thread: {e}"),
                        });
                    }
                }
                true
            }
            Dialogs::Scripted { answers, outcomes } => {
                let outcome = match (answers.pop_front().unwrap_or(Ok(None)), request) {
                    (Err(details), _) => DialogOutcome::Failed { request, details },
                    (Ok(None), _) => DialogOutcome::Cancelled,
                    (Ok(Some(p)), DialogRequest::Export(format)) => {
                        DialogOutcome::Export(p, format)
                    }
                    (Ok(Some(p)), DialogRequest::OpenProject) => DialogOutcome::OpenProject(p),
                    (Ok(Some(p)), DialogRequest::ExportPicture) => DialogOutcome::ExportPicture(p),
                    (Ok(Some(p)), DialogRequest::SaveProject) => DialogOutcome::SaveProject(p),
                    (Ok(Some(p)), DialogRequest::ExportRules) => DialogOutcome::ExportRules(p),
                    (Ok(Some(p)), DialogRequest::OpenRules) => DialogOutcome::OpenRules(p),
                    (Ok(Some(p)), DialogRequest::ExportPlaces) => DialogOutcome::ExportPlaces(p),
                    (Ok(Some(p)), DialogRequest::OpenPlaces) => DialogOutcome::OpenPlaces(p),
                    (Ok(Some(p)), _) => DialogOutcome::Open(vec![p]),
                };
                outcomes.push(outcome);
                true
            }
        }
    }

    /// The outcomes of dialogs closed since the last call.
    pub fn poll(&mut self) -> Vec<DialogOutcome> {
        match self {
            Dialogs::Native { rx, busy, .. } => {
                let out: Vec<DialogOutcome> = rx.try_iter().collect();
                if !out.is_empty() {
                    *busy = false;
                }
                out
            }
            Dialogs::Scripted { outcomes, .. } => std::mem::take(outcomes),
        }
    }
}

fn run_native(request: DialogRequest) -> DialogOutcome {
    let _ = take_dialog_log();
    let dialog = rfd::FileDialog::new();
    let picked: Option<Vec<PathBuf>> = match request {
        DialogRequest::OpenFiles => dialog
            .set_title("Open articles")
            .add_filter("Text", &["txt", "text", "md"])
            .add_filter("All files", &["*"])
            .pick_files(),
        DialogRequest::OpenFolder => dialog
            .set_title("Open a folder of articles (.txt)")
            .pick_folder()
            .map(|p| vec![p]),
        DialogRequest::Export(format) => {
            let (name, ext) = match format {
                Format::GeoJson => ("GeoJSON", "geojson"),
                Format::Kml => ("KML", "kml"),
                Format::Csv => ("CSV", "csv"),
                Format::JsonLines => ("JSON Lines", "jsonl"),
            };
            dialog
                .set_title(format!("Export {name}"))
                .set_file_name(format!("gazette-places.{ext}"))
                .add_filter(name, &[ext])
                .save_file()
                .map(|p| vec![p])
        }
        DialogRequest::ExportPicture => dialog
            .set_title("Export map as PNG")
            .set_file_name("gazette-map.png")
            .add_filter("PNG picture", &["png"])
            .save_file()
            .map(|p| vec![p]),
        DialogRequest::OpenProject => dialog
            .set_title("Open a project")
            .add_filter("Gazette project (GeoPackage)", &["gpkg"])
            .pick_file()
            .map(|p| vec![p]),
        DialogRequest::SaveProject => dialog
            .set_title("Save project as")
            .set_file_name("project.gpkg")
            .add_filter("Gazette project (GeoPackage)", &["gpkg"])
            .save_file()
            .map(|p| vec![p]),
        DialogRequest::ExportRules => dialog
            .set_title("Export rules")
            .set_file_name("gazette.rules")
            .add_filter("Gazette rules", &["rules", "txt"])
            .save_file()
            .map(|p| vec![p]),
        DialogRequest::OpenRules => dialog
            .set_title("Add rules from a file")
            .add_filter("Gazette rules", &["rules", "txt"])
            .add_filter("All files", &["*"])
            .pick_file()
            .map(|p| vec![p]),
        DialogRequest::ExportPlaces => dialog
            .set_title("Export your places")
            .set_file_name("my-places.csv")
            .add_filter("CSV", &["csv"])
            .save_file()
            .map(|p| vec![p]),
        DialogRequest::OpenPlaces => dialog
            .set_title("Import places (CSV or GeoJSON)")
            .add_filter("Places", &["csv", "geojson", "json"])
            .add_filter("All files", &["*"])
            .pick_file()
            .map(|p| vec![p]),
    };
    match picked {
        Some(paths) if !paths.is_empty() => {
            let first = || paths.first().cloned().unwrap_or_default();
            match request {
                DialogRequest::Export(format) => DialogOutcome::Export(first(), format),
                DialogRequest::ExportPicture => DialogOutcome::ExportPicture(first()),
                DialogRequest::OpenProject => DialogOutcome::OpenProject(first()),
                DialogRequest::SaveProject => DialogOutcome::SaveProject(first()),
                DialogRequest::ExportRules => DialogOutcome::ExportRules(first()),
                DialogRequest::OpenRules => DialogOutcome::OpenRules(first()),
                DialogRequest::ExportPlaces => DialogOutcome::ExportPlaces(first()),
                DialogRequest::OpenPlaces => DialogOutcome::OpenPlaces(first()),
                DialogRequest::OpenFiles | DialogRequest::OpenFolder => DialogOutcome::Open(paths),
            }
        }
        _ => {
            let log = take_dialog_log();
            if log.is_empty() {
                DialogOutcome::Cancelled
            } else {
                DialogOutcome::Failed {
                    request,
                    details: log.join("; "),
                }
            }
        }
    }
}
