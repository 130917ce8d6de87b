//! The app's state as plain data: the documents and their parse results, the user's
//! corrections and filter, the selection, the open document, status messages and
//! loading progress, and the lists derived from them.
//!
//! Nothing here knows about egui: the panels draw an [`AppState`] and return what the
//! user did; [`crate::app::GazetteApp`] applies it through the methods below. The
//! derived lists ([`AppState::places`], [`AppState::country_counts`]…) are kept in a
//! [`Summary`]: a new document is counted as it arrives, at the cost of its own mentions;
//! a change of the filter or the corrections recounts them all; nothing is recomputed per
//! frame. [`AppState::revision`] tells caches built from them (the map's cluster index)
//! when to rebuild.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::app::archive::{
    ArchiveDocument, ArchivePassages, ArchiveView, DocumentText, PASSAGES_PER_PAGE,
};
use crate::app::export_job::ExportJob;
use crate::app::recount::Recounter;
use crate::corpus::timeline::Timeline;
pub use crate::corpus::{
    CandidateChoice, CountryCount, DocumentSource, KindCount, MentionKey, PlaceStats,
};
use crate::corpus::{
    Corpus, CorrectionAction, Corrections, DateRange, Filter, MentionRef, ParsedDocument, Place,
    Rule, Rules, Summary,
};
use crate::export::{ExportError, Format};
use crate::gazetteer::{EntryIndex, Gazetteer, Kind, UserPlace, UserPlaceError};

/// What is saved between runs (eframe persistence). Every field defaults, so a session
/// saved by an older or newer version still loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// The documents, in the order they were opened.
    pub sources: Vec<DocumentSource>,
    /// The user's corrections.
    pub corrections: Corrections,
    /// The user's rules by name (`never: Reuters`), for every document.
    #[serde(skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
    /// The filter.
    pub filter: Filter,
    /// The selected place, by stable gazetteer id (`gn:2440485`).
    pub selected: Option<String>,
    /// Whether online OpenStreetMap tiles were switched on.
    pub online_tiles: bool,
    /// The project the window was linked to: reopened at start (its documents,
    /// corrections and filter are in it; `sources` is then empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<std::path::PathBuf>,
    /// The user's own places ("My places"), put in the gazetteer before the documents
    /// are parsed back.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<UserPlace>,
}

/// The project the window saves to, as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectStatus {
    /// The project file.
    pub path: std::path::PathBuf,
    /// Whether changes reach it.
    pub state: crate::app::project_link::LinkState,
    /// "Save project as…" progress: documents written, of how many.
    pub progress: Option<(usize, usize)>,
}

/// How serious a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLevel {
    /// Progress and plain information.
    Info,
    /// Something the user asked for succeeded (an export was written).
    Success,
    /// Something was skipped or guessed, the rest went on.
    Warning,
    /// Something the user asked for failed.
    Error,
}

/// A status message shown in the status bar and the message log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// How serious it is.
    pub level: MessageLevel,
    /// What to tell the user.
    pub text: String,
    /// Increases by one with each message, so a view can tell a new message from an old one.
    pub sequence: u64,
}

/// Progress of a background load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// What is being done (`Loading the gazetteer`, `Parsing 12 files`).
    pub label: String,
    /// Items done.
    pub done: usize,
    /// Items in all; 0 when not known yet.
    pub total: usize,
    /// True if the user can stop it (parsing documents; not the gazetteer's load).
    pub cancellable: bool,
}

/// The document shown in the document view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDocument {
    /// Index into [`AppState::documents`].
    pub document: usize,
    /// The mention to show: scrolled to and outlined. Index into the document's mentions.
    pub focus_mention: Option<usize>,
    /// Set when the view should scroll to `focus_mention` on its next frame; the view
    /// clears it with [`AppState::scrolled`].
    pub scroll_pending: bool,
}

/// What the passages panel shows of the selected place, kept so that a frame does not go
/// over its mentions (a country can have 100,000 in a big archive).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelectionDetails {
    /// The documents that mention it, in order: (document index, range of its mentions
    /// in [`Place::mentions`]).
    pub documents: Vec<(usize, Range<usize>)>,
    /// What else its mentions could denote, most likely first (at most
    /// [`SELECTION_CANDIDATES`]).
    pub candidates: Vec<CandidateChoice>,
}

/// Candidates kept in [`SelectionDetails::candidates`].
pub const SELECTION_CANDIDATES: usize = 16;

/// The whole state of the app, without any GUI types. See the module documentation.
#[derive(Debug, Default)]
pub struct AppState {
    gazetteer: Option<Arc<Gazetteer>>,
    corpus: Corpus,
    selected: Option<EntryIndex>,
    open_document: Option<OpenDocument>,
    messages: Vec<Message>,
    next_message: u64,
    progress: Option<Progress>,
    online_tiles: bool,
    project: Option<ProjectStatus>,
    /// Counts the places on another thread after a filter or correction change, when the
    /// corpus has at least `.1` mentions (none: always here).
    recounter: Option<(Recounter, usize)>,
    // Derived from the inputs above by `recompute` and `refresh`.
    summary: Summary,
    corrected: Vec<MentionKey>,
    selection: Option<SelectionDetails>,
    /// Mentions over time, from the summary (its size is the number of distinct days).
    timeline: Option<Timeline>,
    /// How the document list is ordered, and its order (document indexes) when not as
    /// added: sorted again when documents were added, at the next refresh.
    document_order: DocumentOrder,
    sorted_documents: Vec<usize>,
    revision: u64,
    dirty: bool,
    /// A project too large to hold, shown from its layer (see [`crate::app::archive`]);
    /// the corpus is then empty.
    archive: Option<ArchiveView>,
    /// Passages of the selected place to read from an archive project.
    archive_limit: usize,
    /// The archive's export being written: documents written and in all.
    export_progress: Option<(usize, usize)>,
    /// The user's own places, in the order added (see [`AppState::set_user_places`]).
    user_places: Vec<UserPlace>,
}

/// The order of the document list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocumentOrder {
    /// As opened.
    #[default]
    Added,
    /// By title (the name when there is none), A to Z.
    Title,
    /// By publication date, newest first; undated last.
    Date,
}

/// At most this many messages are kept in the log.
const MAX_MESSAGES: usize = 500;

impl AppState {
    /// An empty state with no gazetteer yet (it loads in the background).
    pub fn new() -> AppState {
        AppState::default()
    }

    /// A state with a loaded gazetteer.
    pub fn with_gazetteer(gazetteer: Arc<Gazetteer>) -> AppState {
        let mut state = AppState::new();
        state.set_gazetteer(gazetteer);
        state
    }

    /// A state with one mention of each of the `n` most populous places, in documents of
    /// 500 lines: synthetic data for benchmarks and tests of large results, made without
    /// running the parser.
    pub fn with_most_populous_places(gazetteer: Arc<Gazetteer>, n: usize) -> AppState {
        use crate::corpus::Document;
        use crate::geoparse::{Mention, Resolution};
        let mut entries: Vec<EntryIndex> = (0..gazetteer.len() as EntryIndex)
            .filter(|&e| gazetteer.entry(e).kind == Kind::Place)
            .collect();
        entries.sort_by_key(|&e| std::cmp::Reverse(gazetteer.entry(e).population));
        entries.truncate(n);
        let mut state = AppState::with_gazetteer(gazetteer.clone());
        for (d, chunk) in entries.chunks(500).enumerate() {
            let mut text = String::new();
            let mut mentions = Vec::new();
            for &e in chunk {
                let name = &gazetteer.entry(e).name;
                let start = text.len();
                text.push_str(name);
                let end = text.len();
                text.push_str(".\n");
                mentions.push(Mention {
                    start,
                    end,
                    text: name.clone(),
                    passage: start..end + 1,
                    resolution: Resolution {
                        entry: e,
                        confidence: 0.9,
                        probability: 1.0,
                        alternates: Vec::new(),
                    },
                });
            }
            let name = format!("big-{d}.txt");
            let document = Document::from_text(name.clone(), text.clone());
            state.add_document(
                ParsedDocument { document, mentions },
                DocumentSource::Pasted { name, text },
            );
        }
        state.refresh();
        state
    }

    // ----------------------------------------------------------------------------------
    // Inputs

    /// Sets the gazetteer. Parse results made with another gazetteer are dropped, since
    /// their entry indexes would point at the wrong entries.
    pub fn set_gazetteer(&mut self, gazetteer: Arc<Gazetteer>) {
        if !self.corpus.documents().is_empty() {
            self.corpus.clear_documents();
            self.open_document = None;
        }
        self.gazetteer = Some(gazetteer);
        self.selected = None;
        self.recompute();
    }

    /// The gazetteer, once loaded.
    pub fn gazetteer(&self) -> Option<&Gazetteer> {
        self.gazetteer.as_deref()
    }

    /// The gazetteer as a shared handle (for background parsing).
    pub fn gazetteer_arc(&self) -> Option<Arc<Gazetteer>> {
        self.gazetteer.clone()
    }

    /// The documents, their sources, corrections and filter.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// The parsed documents, in the order they were added.
    pub fn documents(&self) -> &[Arc<ParsedDocument>] {
        self.corpus.documents()
    }

    /// Where each document came from (same order as [`AppState::documents`]).
    pub fn sources(&self) -> &[DocumentSource] {
        self.corpus.sources()
    }

    /// True if a document from this file is already loaded.
    pub fn has_file(&self, path: &Path) -> bool {
        self.corpus.has_file(path)
    }

    /// A document name not used yet: `name`, or `name (2)`, `name (3)`…
    pub fn unique_name(&self, name: &str) -> String {
        self.corpus.unique_name(name)
    }

    /// Adds a parsed document and counts its mentions (at their cost alone: the
    /// documents already open are not visited). The places' order, the filter panels'
    /// counts and [`AppState::revision`] follow at the next [`AppState::refresh`].
    ///
    /// Returns `false` and adds nothing if the same file is already loaded.
    pub fn add_document(&mut self, parsed: ParsedDocument, source: DocumentSource) -> bool {
        let added = self.corpus.add_document(parsed, source);
        if added && let Some(g) = &self.gazetteer {
            self.summary.add_new_documents(g, &self.corpus);
        }
        self.dirty |= added;
        added
    }

    /// Removes every document (corrections and the filter stay), and the archive shown.
    pub fn clear_documents(&mut self) {
        self.corpus.clear_documents();
        self.archive = None;
        self.open_document = None;
        self.selected = None;
        self.recompute();
    }

    /// Shows a project too large to hold from its layer, in place of any documents.
    pub fn set_archive(&mut self, view: ArchiveView) {
        self.corpus.clear_documents();
        self.open_document = None;
        self.archive = Some(view);
        self.archive_limit = PASSAGES_PER_PAGE;
        self.recompute();
    }

    /// The project shown from its layer, if one is (see [`crate::app::archive`]).
    pub fn archive(&self) -> Option<&ArchiveView> {
        self.archive.as_ref()
    }

    /// How many passages of the selected place to read from the archive project.
    pub fn archive_passage_limit(&self) -> usize {
        self.archive_limit.max(PASSAGES_PER_PAGE)
    }

    /// Asks for another page of the selected place's passages from the archive project.
    pub fn more_archive_passages(&mut self) {
        self.archive_limit = self.archive_passage_limit() + PASSAGES_PER_PAGE;
    }

    /// Passages read from the archive project; kept if they are the selected place's.
    pub fn set_archive_passages(&mut self, passages: ArchivePassages) {
        if let Some(view) = &mut self.archive
            && Some(passages.entry) == self.selected
        {
            view.passages = Some(passages);
        }
    }

    /// Opens a document of the archive project in the document view (its text is read
    /// on the archive's thread: [`AppState::set_archive_document_text`]).
    pub fn open_archive_document(&mut self, document: ArchiveDocument) {
        if let Some(view) = &mut self.archive {
            self.open_document = None;
            view.document = Some(document);
        }
    }

    /// The text and mentions read for the archive's open document; kept if it is still
    /// the one open.
    pub fn set_archive_document_text(
        &mut self,
        id: crate::project::DocumentId,
        read: Result<DocumentText, String>,
    ) {
        if let Some(document) = self.archive.as_mut().and_then(|v| v.document.as_mut())
            && document.id == id
        {
            document.read = Some(read);
        }
    }

    /// The document view scrolled to the archive document's mention.
    pub fn archive_scrolled(&mut self) {
        if let Some(document) = self.archive.as_mut().and_then(|v| v.document.as_mut()) {
            document.scroll_pending = false;
        }
    }

    /// Sets (`Some`) or removes (`None`) the correction of the mention at `start..end`
    /// of the document named `document`: for a project opened as an archive, whose
    /// documents are not held. Its counts change when the project's places are read
    /// back after the correction is written ([`AppState::set_archive_places`]); until
    /// then the archive says it is counting. Returns whether anything changed.
    pub fn correct_named(
        &mut self,
        document: &str,
        start: usize,
        end: usize,
        action: Option<CorrectionAction>,
    ) -> bool {
        let changed = self.corpus.correct_named(document, start, end, action);
        if changed {
            self.revision += 1;
            if let Some(view) = &mut self.archive {
                view.counting = true;
                if view.correcting.is_some() || view.work.is_some() {
                    // Written after the whole place being corrected (or undone): it
                    // wins there.
                    view.corrected_meanwhile
                        .insert((document.to_string(), start, end));
                }
            }
        }
        changed
    }

    /// The archive's export being written: documents written and in all (`None`: none).
    pub fn set_export_progress(&mut self, progress: Option<(usize, usize)>) {
        self.export_progress = progress;
    }

    /// See [`AppState::set_export_progress`].
    pub fn export_progress(&self) -> Option<(usize, usize)> {
        self.export_progress
    }

    /// A whole place of the archive is being corrected on the project's thread
    /// (`label` says what): the counts shown are the last until it is read back.
    pub fn archive_place_correcting(&mut self, label: String) {
        if let Some(view) = &mut self.archive {
            view.correcting = Some(label);
            view.counting = true;
        }
    }

    /// The corrections the project's thread wrote for the whole place being corrected
    /// (one per mention, each with the one it replaced; of the ranges it committed, if
    /// it failed part-way): the window takes them as its own, a slice per frame
    /// ([`AppState::archive_work`]), and keeps them together to be undone at once.
    /// `id` is the batch as the project keeps it.
    pub fn archive_place_corrected(
        &mut self,
        changes: Vec<crate::corpus::CorrectionChange>,
        id: Option<i64>,
    ) {
        let Some(view) = &mut self.archive else {
            return;
        };
        let label = view.correcting.clone().unwrap_or_default();
        view.work = Some(super::archive::WindowWork::Take {
            label,
            changes: changes.into(),
            taken: Vec::new(),
            id,
        });
    }

    /// The whole place the project's thread was correcting could not be.
    pub fn archive_place_failed(&mut self) {
        if let Some(view) = &mut self.archive {
            view.correcting = None;
            view.corrected_meanwhile.clear();
        }
    }

    /// True while a whole place is being corrected or undone (on the project's thread,
    /// or in the window's corrections): another waits.
    pub fn archive_place_busy(&self) -> bool {
        self.archive
            .as_ref()
            .is_some_and(|v| v.correcting.is_some() || v.work.is_some())
    }

    /// Undoes the archive's whole-place correction `index`: its corrections are cleared
    /// from the window's a slice per frame ([`AppState::archive_work`]); returns its
    /// mentions for the project's thread to clear (the counts are read back after).
    /// `None` while another whole place is being corrected or undone.
    pub fn undo_archive_batch(&mut self, index: usize) -> Option<super::archive::ArchiveBatch> {
        if self.archive_place_busy() {
            return None;
        }
        let view = self.archive.as_mut()?;
        if index >= view.batches.len() {
            return None;
        }
        let batch = view.batches.remove(index);
        view.counting = true;
        view.work = Some(super::archive::WindowWork::Undo {
            changes: batch.changes.clone(),
            left: batch.changes.len(),
        });
        Some(batch)
    }

    /// The undo of whole place `label` failed part-way in the project: `left` are its
    /// changes the file still holds as the place left them. The window shows them again
    /// where it shows what its undo put back (a mention corrected since keeps that
    /// correction, which the project's thread writes after), and keeps them as a batch
    /// to undo. Its own undo of the place is finished first (a failure is rare; the
    /// rest of it is a few frames' work).
    pub fn archive_undo_failed(
        &mut self,
        label: String,
        left: Vec<crate::corpus::CorrectionChange>,
        id: Option<i64>,
    ) {
        if self
            .archive
            .as_ref()
            .is_some_and(|v| matches!(v.work, Some(super::archive::WindowWork::Undo { .. })))
        {
            self.archive_work(usize::MAX);
        }
        let mut again = Vec::with_capacity(left.len());
        for change in left {
            let shown = self
                .corpus
                .corrections()
                .get(&change.document, change.start, change.end);
            if shown == change.before.as_ref() {
                self.corpus.correct_named(
                    &change.document,
                    change.start,
                    change.end,
                    change.after.clone(),
                );
                again.push(change);
            }
        }
        self.revision += 1;
        if let Some(view) = &mut self.archive
            && !again.is_empty()
        {
            view.batches.push(super::archive::ArchiveBatch {
                label,
                changes: std::sync::Arc::new(again),
                id,
            });
        }
    }

    /// Does up to `budget` of the work on the window's corrections a whole place left
    /// (taking its corrections, or undoing them). Returns how many corrections the place
    /// had once they are all taken; a correction the user made meanwhile (it reached the
    /// project after the place's) is kept, and left out of the place's. An undo puts
    /// back what stood before each correction, where the place's still stands (a
    /// correction made since is kept), as the project's thread does in the file.
    pub fn archive_work(&mut self, budget: usize) -> Option<usize> {
        use super::archive::WindowWork;
        let view = self.archive.as_mut()?;
        let work = view.work.as_mut()?;
        let meanwhile = &view.corrected_meanwhile;
        let done = match work {
            WindowWork::Take { changes, taken, .. } => {
                for change in changes.drain(..budget.min(changes.len())) {
                    if !made_meanwhile(meanwhile, &change) {
                        self.corpus.correct_named(
                            &change.document,
                            change.start,
                            change.end,
                            change.after.clone(),
                        );
                        taken.push(change);
                    }
                }
                changes.is_empty()
            }
            WindowWork::Undo { changes, left } => {
                let from = left.saturating_sub(budget);
                // Newest first, as the project's thread undoes them.
                for change in changes.get(from..*left).unwrap_or_default().iter().rev() {
                    if !made_meanwhile(meanwhile, change) {
                        self.corpus.undo_change(change);
                    }
                }
                *left = from;
                from == 0
            }
        };
        self.revision += 1;
        if !done {
            return None;
        }
        let finished = view.work.take();
        view.correcting = None;
        view.corrected_meanwhile.clear();
        match finished {
            Some(WindowWork::Take {
                label, taken, id, ..
            }) => {
                let n = taken.len();
                if n > 0 {
                    view.batches.push(super::archive::ArchiveBatch {
                        label,
                        changes: std::sync::Arc::new(taken),
                        id,
                    });
                }
                Some(n)
            }
            _ => None,
        }
    }

    /// The archive's places as read back from its layer after corrections: the counts
    /// shown follow (a pass over the layer's places, not over the mentions).
    pub fn set_archive_places(&mut self, places: Vec<crate::corpus::LayerPlace>, left_out: usize) {
        if let Some(view) = &mut self.archive {
            view.places = places;
            view.places_left_out = left_out;
            view.counting = false;
            // The range's places changed with them: counted again.
            view.in_dates_current = false;
            self.recompute();
        }
    }

    /// The archive's mentions per day and of undated documents, counted on a thread: its
    /// timeline.
    pub fn set_archive_days(&mut self, days: BTreeMap<i32, usize>, undated: usize) {
        if let Some(view) = &mut self.archive {
            view.days = Some((days, undated));
            view.days_counting = false;
            self.revision += 1;
            self.update_derived();
        }
    }

    /// The archive's places in the documents of `dates`, counted on a thread: shown if
    /// that is still the filter's range.
    pub fn set_archive_in_dates(
        &mut self,
        dates: DateRange,
        places: Vec<crate::corpus::LayerPlace>,
    ) {
        if let Some(view) = &mut self.archive {
            view.in_dates = Some((dates, places));
            view.in_dates_current = true;
            if self.corpus.filter().dates == dates {
                self.recompute();
            }
        }
    }

    /// The date range whose places the archive still has to count: the filter's, unless
    /// it shows every date or its places are counted.
    pub fn archive_range_to_count(&self) -> Option<DateRange> {
        let view = self.archive.as_ref()?;
        let dates = self.corpus.filter().dates;
        let counted =
            view.in_dates_current && view.in_dates.as_ref().is_some_and(|(d, _)| *d == dates);
        (!dates.is_everything() && !counted).then_some(dates)
    }

    /// True while the archive's counts shown are not yet those of the corrections or the
    /// date range (they are being counted on a thread).
    pub fn archive_is_counting(&self) -> bool {
        self.archive
            .as_ref()
            .is_some_and(|v| v.counting || v.days_counting)
            || self.archive_range_to_count().is_some()
    }

    /// The archive's mentions per day are being counted again after corrections
    /// ([`AppState::set_archive_days`] ends it); the bars shown are the last.
    pub fn archive_days_counting(&mut self) {
        if let Some(view) = &mut self.archive {
            view.days_counting = true;
        }
    }

    /// The archive's counts are being read back after a change of its corrections or
    /// rules ([`AppState::set_archive_places`] ends it).
    pub fn archive_counting(&mut self) {
        if let Some(view) = &mut self.archive {
            view.counting = true;
        }
    }

    /// The archive's counts will not change (the project is read-only, or could not be
    /// read): it stops saying it is counting.
    pub fn archive_counted(&mut self) {
        if let Some(view) = &mut self.archive {
            view.counting = false;
        }
    }

    /// Brings the derived lists up to date if documents were added since the last call:
    /// puts the places in order and updates the counts (a sort of the places, not a pass
    /// over the documents).
    pub fn refresh(&mut self) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        self.revision += 1;
        if let Some(g) = &self.gazetteer {
            self.summary.settle(g);
        }
        self.update_derived();
    }

    /// The corrections.
    pub fn corrections(&self) -> &Corrections {
        self.corpus.corrections()
    }

    /// The filter.
    pub fn filter(&self) -> &Filter {
        self.corpus.filter()
    }

    /// Replaces the filter.
    pub fn set_filter(&mut self, filter: Filter) {
        if self.corpus.set_filter(filter) {
            self.recompute();
        }
    }

    /// Shows or hides the places of one country (`""`: multi-country regions).
    pub fn set_country_visible(&mut self, key: &str, visible: bool) {
        let mut filter = self.corpus.filter().clone();
        if visible {
            filter.hidden_countries.remove(key);
        } else {
            filter.hidden_countries.insert(key.to_string());
        }
        self.set_filter(filter);
    }

    /// Shows every country.
    pub fn show_all_countries(&mut self) {
        let mut filter = self.corpus.filter().clone();
        filter.hidden_countries.clear();
        self.set_filter(filter);
    }

    /// Hides every country listed in [`AppState::country_counts`].
    pub fn hide_all_countries(&mut self) {
        let mut filter = self.corpus.filter().clone();
        filter.hidden_countries = self
            .summary
            .country_counts()
            .iter()
            .map(|c| c.key.clone())
            .collect();
        self.set_filter(filter);
    }

    /// Shows only the given country.
    pub fn show_only_country(&mut self, key: &str) {
        let mut filter = self.corpus.filter().clone();
        filter.hidden_countries = self
            .summary
            .country_counts()
            .iter()
            .map(|c| c.key.clone())
            .filter(|k| k != key)
            .collect();
        self.set_filter(filter);
    }

    /// Shows or hides one feature type.
    pub fn set_kind_visible(&mut self, kind: Kind, visible: bool) {
        let mut filter = self.corpus.filter().clone();
        if visible {
            filter.hidden_kinds.remove(&kind);
        } else {
            filter.hidden_kinds.insert(kind);
        }
        self.set_filter(filter);
    }

    /// Shows or hides the mentions of one document (by name).
    pub fn set_document_visible(&mut self, name: &str, visible: bool) {
        let mut filter = self.corpus.filter().clone();
        if visible {
            filter.hidden_documents.remove(name);
        } else {
            filter.hidden_documents.insert(name.to_string());
        }
        self.set_filter(filter);
    }

    /// Counts demonyms (`Nigerien`) as mentions of their country, or not.
    pub fn set_show_demonyms(&mut self, show: bool) {
        let mut filter = self.corpus.filter().clone();
        filter.show_demonyms = show;
        self.set_filter(filter);
    }

    /// Sets the place-name search (case- and accent-insensitive substring).
    pub fn set_search(&mut self, search: &str) {
        let mut filter = self.corpus.filter().clone();
        filter.search = search.to_string();
        self.set_filter(filter);
    }

    /// Orders the document list.
    pub fn sort_documents(&mut self, order: DocumentOrder) {
        self.document_order = order;
        self.sort_now();
    }

    /// How the document list is ordered.
    pub fn document_order(&self) -> DocumentOrder {
        self.document_order
    }

    /// The document shown at `row` of the document list.
    pub fn document_at_row(&self, row: usize) -> usize {
        self.sorted_documents.get(row).copied().unwrap_or(row)
    }

    /// Sorts the document list (once per change of order, or per refresh after
    /// documents were added while it is sorted).
    fn sort_now(&mut self) {
        let documents = self.corpus.documents();
        self.sorted_documents = match self.document_order {
            DocumentOrder::Added => Vec::new(),
            DocumentOrder::Title => {
                let mut keys: Vec<(String, usize)> = documents
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (d.document.title().to_lowercase(), i))
                    .collect();
                keys.sort();
                keys.into_iter().map(|(_, i)| i).collect()
            }
            DocumentOrder::Date => {
                let mut order: Vec<usize> = (0..documents.len()).collect();
                order.sort_by_key(|&i| {
                    let published = documents[i].document.meta.published;
                    (
                        published.is_none(),
                        std::cmp::Reverse(published.map(|p| (p.date, p.time))),
                        i,
                    )
                });
                order
            }
        };
    }

    /// Shows only documents published in `range` (and undated ones unless it hides them).
    pub fn set_date_range(&mut self, range: DateRange) {
        let mut filter = self.corpus.filter().clone();
        filter.dates = range;
        self.set_filter(filter);
    }

    /// Mentions over time for what the filter shows (its date range aside), or `None`
    /// when no shown mention is dated.
    pub fn timeline(&self) -> Option<&Timeline> {
        self.timeline.as_ref()
    }

    /// Mentions the filter shows in undated documents (its date range aside).
    pub fn undated_mentions(&self) -> usize {
        match &self.archive {
            Some(view) => view.days.as_ref().map_or(0, |(_, undated)| *undated),
            None => self.summary.undated_mentions(),
        }
    }

    /// Hides mentions below this confidence (0 to 1).
    pub fn set_min_confidence(&mut self, min_confidence: f32) {
        let mut filter = self.corpus.filter().clone();
        filter.min_confidence = min_confidence.clamp(0.0, 1.0);
        self.set_filter(filter);
    }

    // ----------------------------------------------------------------------------------
    // Derived lists

    /// Recounts every mention (the filter or the corrections changed).
    fn recompute(&mut self) {
        if let (Some((recounter, from)), Some(g)) = (&mut self.recounter, &self.gazetteer) {
            if self.corpus.mention_total() >= *from
                && recounter.request(g.clone(), self.corpus.parts())
            {
                // The counts shown stay until the new ones come (`poll_recount`).
                return;
            }
            recounter.forget();
        }
        self.dirty = false;
        self.revision += 1;
        self.summary = match (&self.gazetteer, &self.archive) {
            (Some(g), Some(view)) => Summary::of_layer(
                g,
                self.corpus.filter(),
                archive_places(view, self.corpus.filter()),
            ),
            (Some(g), None) => Summary::of(g, &self.corpus),
            (None, _) => Summary::default(),
        };
        self.update_derived();
    }

    /// Counts the places on another thread after a change of the filter or the
    /// corrections when the corpus has `from` mentions or more; the window calls
    /// [`AppState::poll_recount`] every frame.
    pub fn count_in_background(&mut self, recounter: Recounter, from: usize) {
        self.recounter = Some((recounter, from));
    }

    /// True while the places are being counted again on another thread.
    pub fn is_recounting(&self) -> bool {
        self.recounter.as_ref().is_some_and(|(r, _)| r.is_busy())
    }

    /// Takes the new counts if they are ready (with `wait`, waits for them: tests).
    /// Documents added since they were asked for are counted on top.
    pub fn poll_recount(&mut self, wait: bool) {
        let Some((recounter, _)) = &mut self.recounter else {
            return;
        };
        let summary = if wait {
            recounter.wait()
        } else {
            recounter.take()
        };
        let (Some(mut summary), Some(g)) = (summary, &self.gazetteer) else {
            return;
        };
        summary.add_new_documents(g, &self.corpus);
        summary.settle(g);
        self.summary = summary;
        self.dirty = false;
        self.revision += 1;
        self.update_derived();
    }

    /// The lists kept besides the summary: the corrected mentions and the selection's
    /// details (costs the corrections and the selected place's mentions).
    fn update_derived(&mut self) {
        self.timeline = match &self.archive {
            Some(view) => view.days.as_ref().and_then(|(days, _)| Timeline::of(days)),
            None => Timeline::of(self.summary.timeline()),
        };
        if self.document_order != DocumentOrder::Added
            && self.sorted_documents.len() != self.corpus.documents().len()
        {
            self.sort_now();
        }
        self.corrected = self.corpus.corrected_mentions();
        self.update_selection();
    }

    fn update_selection(&mut self) {
        self.selection = self.selected_place().map(|place| {
            let mut documents: Vec<(usize, Range<usize>)> = Vec::new();
            for (i, m) in place.mentions.iter().enumerate() {
                match documents.last_mut() {
                    Some((d, range)) if *d == m.document => range.end = i + 1,
                    _ => documents.push((m.document, i..i + 1)),
                }
            }
            SelectionDetails {
                documents,
                candidates: self.place_candidates(place, SELECTION_CANDIDATES),
            }
        });
    }

    /// The places shown: after corrections and the filter, most-mentioned first.
    pub fn places(&self) -> &[Place] {
        self.summary.places()
    }

    /// Every country (key `""`: multi-country regions) with its places and mentions,
    /// counted before the country filter, most mentions first.
    pub fn country_counts(&self) -> &[CountryCount] {
        self.summary.country_counts()
    }

    /// Every feature type that can be filtered, with its places and mentions counted
    /// before the type filter, in display order.
    pub fn kind_counts(&self) -> &[KindCount] {
        self.summary.kind_counts()
    }

    /// Mentions shown per document (same order as [`AppState::documents`]).
    pub fn document_mentions(&self) -> &[usize] {
        self.summary.document_mentions()
    }

    /// Total mentions shown.
    pub fn mention_count(&self) -> usize {
        self.summary.mention_count()
    }

    /// Increases whenever the derived lists change.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The shown place of an entry.
    pub fn place(&self, entry: EntryIndex) -> Option<&Place> {
        self.summary.place(entry)
    }

    /// The figures of a shown place (documents, confidence, corrections), kept as its
    /// mentions are counted.
    pub fn place_stats(&self, entry: EntryIndex) -> Option<PlaceStats> {
        self.summary.place_stats(entry)
    }

    /// Mentions and places the summary visited since it was last recounted (tests of the
    /// cost of adding documents).
    pub fn summary_work(&self) -> u64 {
        self.summary.work()
    }

    /// The first shown place whose name is exactly `name` (tests, scripting).
    pub fn place_named(&self, name: &str) -> Option<&Place> {
        let g = self.gazetteer()?;
        self.places().iter().find(|p| g.entry(p.entry).name == name)
    }

    // ----------------------------------------------------------------------------------
    // Selection and the open document

    /// Selects a place (by its located entry), or clears the selection.
    pub fn select(&mut self, entry: Option<EntryIndex>) {
        if self.selected != entry {
            self.selected = entry;
            if let Some(view) = &mut self.archive {
                view.passages = None;
                self.archive_limit = PASSAGES_PER_PAGE;
            }
            self.update_selection();
        }
    }

    /// What the passages panel shows of the selected place, if the filter shows it.
    pub fn selection_details(&self) -> Option<&SelectionDetails> {
        self.selection.as_ref()
    }

    /// The selected place's entry, whether or not the filter shows it.
    pub fn selected(&self) -> Option<EntryIndex> {
        self.selected
    }

    /// The selected place, if the filter shows it.
    pub fn selected_place(&self) -> Option<&Place> {
        self.selected.and_then(|e| self.place(e))
    }

    /// The mentions of a place grouped by document: `(document index, mentions)`, in
    /// document then text order.
    pub fn passages_by_document(place: &Place) -> Vec<(usize, Vec<MentionRef>)> {
        let mut out: Vec<(usize, Vec<MentionRef>)> = Vec::new();
        for m in &place.mentions {
            match out.last_mut() {
                Some((d, list)) if *d == m.document => list.push(*m),
                _ => out.push((m.document, vec![*m])),
            }
        }
        out
    }

    /// Opens a document in the document view, scrolled to one of its mentions.
    pub fn open_document(&mut self, document: usize, focus_mention: Option<usize>) {
        if document >= self.corpus.documents().len() {
            return;
        }
        self.open_document = Some(OpenDocument {
            document,
            focus_mention,
            scroll_pending: focus_mention.is_some(),
        });
    }

    /// Closes the document view.
    pub fn close_document(&mut self) {
        self.open_document = None;
        if let Some(view) = &mut self.archive {
            view.document = None;
        }
    }

    /// The document shown in the document view.
    pub fn open_document_state(&self) -> Option<&OpenDocument> {
        self.open_document.as_ref()
    }

    /// Tells the state that the document view scrolled to its focus mention.
    pub fn scrolled(&mut self) {
        if let Some(open) = &mut self.open_document {
            open.scroll_pending = false;
        }
    }

    /// The located entry a mention denotes after corrections, or `None` if the user
    /// marked it "not a place".
    pub fn effective_entry(&self, key: MentionKey) -> Option<EntryIndex> {
        self.corpus.effective_entry(self.gazetteer()?, key)
    }

    /// The mentions of document `document` to step through in the document view, in
    /// text order: those the map shows (not marked "not a place", not hidden by the
    /// filter), as the document view's "shown" count counts them. Indices into its
    /// mentions.
    pub fn places_to_step(&self, document: usize) -> Vec<usize> {
        let (Some(g), Some(doc)) = (self.gazetteer(), self.documents().get(document)) else {
            return Vec::new();
        };
        crate::corpus::Shown::new(g, self.corpus.corrections(), self.corpus.filter())
            .mentions(document, doc.view())
            .map(|(_, m)| m.mention)
            .collect()
    }

    /// The correction of a mention, if the user made one.
    pub fn correction_of(&self, key: MentionKey) -> Option<&CorrectionAction> {
        self.corpus.correction_of(key)
    }

    // ----------------------------------------------------------------------------------
    // Corrections

    /// The ways a mention can be resolved: the parser's choice, its alternates, then other
    /// entries of the same name (at most `limit` in all), the current one marked.
    pub fn candidates(&self, key: MentionKey, limit: usize) -> Vec<CandidateChoice> {
        match self.gazetteer() {
            Some(g) => self.corpus.candidates(g, key, limit),
            None => Vec::new(),
        }
    }

    /// The candidates of a whole place: every entry any of its mentions could denote
    /// instead (the best probability each was given), most likely first.
    pub fn place_candidates(&self, place: &Place, limit: usize) -> Vec<CandidateChoice> {
        match self.gazetteer() {
            Some(g) => self.corpus.place_candidates(g, place, limit),
            None => Vec::new(),
        }
    }

    /// The mentions the user corrected that are in the open documents, oldest correction
    /// first.
    pub fn corrected_mentions(&self) -> &[MentionKey] {
        &self.corrected
    }

    /// The shown places with the lowest mean confidence, least sure first: the ones to
    /// check.
    pub fn least_certain_places(&self, n: usize) -> Vec<(EntryIndex, f32)> {
        self.summary.least_certain_places(n)
    }

    /// Corrects one mention: it denotes `action`'s entry, or is not a place.
    pub fn correct(&mut self, key: MentionKey, action: CorrectionAction) {
        if self.corpus.correct(key, action) {
            self.recompute();
        }
    }

    /// Reassigns one mention to a gazetteer entry.
    pub fn reassign(&mut self, key: MentionKey, entry: EntryIndex) {
        let Some(id) = self.gazetteer().map(|g| g.entry(entry).id.clone()) else {
            return;
        };
        self.correct(key, CorrectionAction::Reassign { id });
    }

    /// Removes the correction of a mention, restoring the parser's choice.
    pub fn undo_correction(&mut self, key: MentionKey) {
        if self.corpus.undo_correction(key) {
            self.recompute();
        }
    }

    /// Corrects every shown mention of a place. With `Some(entry)`, the mentions that
    /// could denote `entry` (it is their parser's choice or an alternate, or has their
    /// name) are reassigned to it and it becomes the selection; with `None` all are marked
    /// "not a place". Returns how many mentions changed.
    pub fn correct_place(&mut self, place_entry: EntryIndex, to: Option<EntryIndex>) -> usize {
        let Some(g) = self.gazetteer.clone() else {
            return 0;
        };
        let Some(place) = self.place(place_entry).cloned() else {
            return 0;
        };
        let changed = self.corpus.correct_place(&g, &place, to);
        if let Some(target) = to
            && changed > 0
        {
            self.selected = Some(crate::geoparse::located_entry(&g, target));
        }
        self.recompute();
        changed
    }

    /// The user's rules by name.
    pub fn rules(&self) -> &Rules {
        self.corpus.rules()
    }

    /// Adds a rule (replacing the one for the same name) and recounts.
    pub fn add_rule(&mut self, rule: Rule) {
        if self.corpus.add_rule(rule) {
            self.recompute();
        }
    }

    /// Removes the rule for a name and recounts.
    pub fn remove_rule(&mut self, name: &str) {
        if self.corpus.remove_rule(name) {
            self.recompute();
        }
    }

    /// Replaces the rules (rules read from a file) and recounts.
    pub fn set_rules(&mut self, rules: Rules) {
        let version = self.corpus.rules_version();
        self.corpus.set_rules(rules);
        if self.corpus.rules_version() != version {
            self.recompute();
        }
    }

    /// Why a mention reads as it does, in a few short sentences: the user's decision if
    /// they made one (a correction or a rule), then the parser's evidence
    /// ([`crate::geoparse::why`]). Costs a pass over the document's mentions: for the
    /// few passages on screen, not for every mention.
    pub fn why(&self, key: MentionKey) -> String {
        let (Some(g), Some(doc)) = (self.gazetteer(), self.corpus.documents().get(key.0)) else {
            return String::new();
        };
        let Some(mention) = doc.mentions.get(key.1) else {
            return String::new();
        };
        let context = crate::geoparse::why::WhyContext::new(g, &doc.mentions);
        let parsed =
            crate::geoparse::why::explain(g, &doc.document.text, &doc.mentions, key.1, &context);
        let chosen = |entry: Option<EntryIndex>| {
            entry.map_or_else(|| "not a place".to_string(), |e| g.entry(e).name.clone())
        };
        let decided = match self.correction_of(key) {
            Some(CorrectionAction::NotAPlace) => Some("You marked it not a place.".to_string()),
            Some(CorrectionAction::Reassign { .. }) => {
                Some(format!("You chose {}.", chosen(self.effective_entry(key))))
            }
            None => self
                .rules()
                .get(&mention.text)
                .map(|rule| match &rule.action {
                    crate::corpus::RuleAction::NeverAPlace => {
                        format!("Your rule: “{}” is never a place.", rule.name)
                    }
                    crate::corpus::RuleAction::Always { .. } => format!(
                        "Your rule: always {} for “{}”.",
                        chosen(self.effective_entry(key)),
                        rule.name
                    ),
                }),
        };
        match decided {
            Some(d) => format!("{d} The parser's evidence: {parsed}"),
            None => parsed,
        }
    }

    // ----------------------------------------------------------------------------------
    // Export

    /// What is shown (the places after corrections and the filter), taken to be written
    /// to `path` on another thread: the documents are shared, not copied.
    pub fn export_job(&self, path: &Path, format: Format) -> Result<ExportJob, ExportError> {
        let Some(g) = self.gazetteer_arc() else {
            return Err(ExportError::Serialize(
                "the gazetteer is still loading; nothing to export yet".to_string(),
            ));
        };
        if let Some(view) = &self.archive {
            // Its mentions are in the project, not here: the window exports it as the
            // command line does (`GazetteApp::export_archive`), not through this.
            return Err(ExportError::Serialize(format!(
                "{} is open as an archive (its documents are not held in the window); \
                 export it with `gazette export {} --format {} -o {}`",
                view.path.display(),
                view.path.display(),
                clap::ValueEnum::to_possible_value(&format)
                    .map_or_else(String::new, |v| v.get_name().to_string()),
                path.display()
            )));
        }
        Ok(ExportJob {
            path: path.to_path_buf(),
            format,
            gazetteer: g,
            documents: self.corpus.documents().to_vec(),
            places: self.summary.places().to_vec(),
            mentions: self.mention_count(),
        })
    }

    /// Writes what is shown to `path`, atomically, on this thread.
    pub fn export(&self, path: &Path, format: Format) -> Result<(), ExportError> {
        self.export_job(path, format)?.run().result
    }

    // ----------------------------------------------------------------------------------
    // Messages and progress

    /// Adds a status message.
    pub fn push_message(&mut self, level: MessageLevel, text: impl Into<String>) {
        self.next_message += 1;
        self.messages.push(Message {
            level,
            text: text.into(),
            sequence: self.next_message,
        });
        if self.messages.len() > MAX_MESSAGES {
            let excess = self.messages.len() - MAX_MESSAGES;
            self.messages.drain(..excess);
        }
    }

    /// Every message kept, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The newest message.
    pub fn latest_message(&self) -> Option<&Message> {
        self.messages.last()
    }

    /// Forgets every message.
    pub fn clear_messages(&mut self) {
        self.messages.clear();
    }

    /// Sets or clears the loading progress.
    pub fn set_progress(&mut self, progress: Option<Progress>) {
        self.progress = progress;
    }

    /// The loading progress, while something loads.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// Whether online tiles are on (saved with the session).
    pub fn online_tiles(&self) -> bool {
        self.online_tiles
    }

    /// Switches online tiles on or off.
    pub fn set_online_tiles(&mut self, on: bool) {
        self.online_tiles = on;
    }

    // ----------------------------------------------------------------------------------
    // Session

    /// What to save between runs.
    pub fn session(&self) -> Session {
        Session {
            sources: self.corpus.sources().to_vec(),
            corrections: self.corpus.corrections().clone(),
            ..self.session_of_a_project()
        }
    }

    /// [`AppState::session`] without the documents and corrections, which a linked
    /// project holds: the session is compared and saved every 30 seconds on the window's
    /// thread, and a project's documents and corrections (hundreds of thousands after a
    /// whole place is corrected in an archive) need not be copied each time.
    pub fn session_of_a_project(&self) -> Session {
        Session {
            sources: Vec::new(),
            corrections: Corrections::default(),
            rules: self.corpus.rules().clone(),
            filter: self.corpus.filter().clone(),
            selected: self
                .selected
                .and_then(|e| self.gazetteer().map(|g| g.entry(e).id.clone())),
            online_tiles: self.online_tiles,
            project: None,
            places: self.user_places.clone(),
        }
    }

    /// Restores the corrections, filter, selection and tile choice of a saved session.
    /// The documents are not loaded here: the caller reads `session.sources` (in the
    /// background) and adds them.
    pub fn restore(&mut self, session: &Session) {
        let mut corrections = session.corrections.clone();
        corrections.set_rules(session.rules.clone());
        self.corpus.set_corrections(corrections);
        self.corpus.set_filter(session.filter.clone());
        self.online_tiles = session.online_tiles;
        if let Err(e) = self.set_user_places(session.places.clone()) {
            self.push_message(
                MessageLevel::Error,
                format!("Your places could not be restored: {e}"),
            );
        }
        self.selected = session
            .selected
            .as_deref()
            .and_then(|id| self.gazetteer().and_then(|g| g.index_of_id(id)));
        self.recompute();
    }

    /// Takes the corrections (with the rules they carry) and filter of a project being
    /// opened.
    pub fn set_corrections_and_filter(&mut self, corrections: Corrections, filter: Filter) {
        self.corpus.set_corrections(corrections);
        self.corpus.set_filter(filter);
        self.recompute();
    }

    /// A number that changes whenever the corrections do.
    pub fn corrections_version(&self) -> u64 {
        self.corpus.corrections_version()
    }

    /// The versions of what a project keeps besides its documents: the corrections, the
    /// filter and the rules (each changes when that does).
    pub fn saved_versions(&self) -> (u64, u64, u64) {
        (
            self.corrections_version(),
            self.filter_version(),
            self.rules_version(),
        )
    }

    /// A number that changes whenever the filter does.
    pub fn filter_version(&self) -> u64 {
        self.corpus.filter_version()
    }

    /// A number that changes whenever the rules do.
    pub fn rules_version(&self) -> u64 {
        self.corpus.rules_version()
    }

    /// The project the window saves to, as the status bar shows it.
    pub fn project(&self) -> Option<&ProjectStatus> {
        self.project.as_ref()
    }

    /// Sets what the status bar shows of the project.
    pub fn set_project(&mut self, project: Option<ProjectStatus>) {
        self.project = project;
    }

    /// The user's own places ("My places"), in the order added.
    pub fn user_places(&self) -> &[UserPlace] {
        &self.user_places
    }

    /// Replaces the user's places and puts them in the gazetteer (if it is loaded; a
    /// session's places wait for it in the session). Returns the names (and alternate names) of every place added,
    /// removed or changed, old and new: the open documents that hold one must be parsed
    /// again ([`AppState::replace_mentions`]). Nothing changes on an error.
    pub fn set_user_places(
        &mut self,
        places: Vec<UserPlace>,
    ) -> Result<Vec<String>, UserPlaceError> {
        if let Some(g) = &self.gazetteer {
            g.set_user_places(&places)?;
        }
        // By id (names are unique among them): a search of the other list for each would
        // be quadratic in an import of thousands.
        let by_id = |list: &[UserPlace]| -> std::collections::HashMap<String, usize> {
            list.iter().enumerate().map(|(i, p)| (p.id(), i)).collect()
        };
        let (old_ids, new_ids) = (by_id(&self.user_places), by_id(&places));
        let mut changed: Vec<String> = Vec::new();
        for (list, other, other_ids) in [
            (&self.user_places, &places, &new_ids),
            (&places, &self.user_places, &old_ids),
        ] {
            for p in list {
                if other_ids.get(&p.id()).map(|&i| &other[i]) != Some(p) {
                    changed.extend(p.names().map(str::to_string));
                }
            }
        }
        changed.sort();
        changed.dedup();
        self.user_places = places;
        Ok(changed)
    }

    /// Puts in the documents' new mentions, `(document index, its name, mentions)`, made
    /// after the user's places changed, and recounts once. A document no longer at that
    /// index under that name (closed meanwhile) is left alone. Returns the indices of
    /// those whose mentions changed.
    pub fn replace_mentions(
        &mut self,
        updates: Vec<(usize, String, Vec<crate::geoparse::Mention>)>,
    ) -> Vec<usize> {
        let mut changed = Vec::new();
        for (index, name, mentions) in updates {
            let same = self
                .corpus
                .documents()
                .get(index)
                .is_some_and(|d| d.document.name == name);
            if !same || self.corpus.documents()[index].mentions == mentions {
                continue;
            }
            if let Some(open) = &mut self.open_document
                && open.document == index
            {
                open.focus_mention = None;
            }
            if self.corpus.replace_mentions(index, mentions) {
                changed.push(index);
            }
        }
        if !changed.is_empty() {
            self.recompute();
        }
        changed
    }

    /// Forgets the corrections and the rules and resets the filter (for "Reset to
    /// samples", and closing a project, which keeps its own).
    pub fn reset_corrections_and_filter(&mut self) {
        self.corpus.set_corrections(Corrections::default());
        self.corpus.set_filter(Filter::default());
        self.selected = None;
        self.recompute();
    }
}

/// The places an archive shows under `filter`: those counted for its date range when
/// it has one (the last counted while a new range is counted), else its layer's.
fn archive_places<'v>(view: &'v ArchiveView, filter: &Filter) -> &'v [crate::corpus::LayerPlace] {
    match &view.in_dates {
        Some((_, places)) if !filter.dates.is_everything() => places,
        _ => &view.places,
    }
}

/// The passage of a mention: its [`Mention::passage`](crate::geoparse::Mention::passage)
/// (its sentence, or a window of the sentence around it), held to
/// [`MAX_PASSAGE_BYTES`](crate::geoparse::MAX_PASSAGE_BYTES) whoever made the mention,
/// and narrowed to the mention itself if the range does not fit the text.
pub fn passage_range(doc: &ParsedDocument, mention: usize) -> Range<usize> {
    let m = &doc.mentions[mention];
    let text = &doc.document.text;
    let r = m.passage.clone();
    let on_chars = [r.start, r.end, m.start, m.end]
        .iter()
        .all(|&i| text.is_char_boundary(i));
    if r.start <= m.start && m.start <= m.end && m.end <= r.end && on_chars {
        crate::geoparse::text::passage(text, r, m.start..m.end, crate::geoparse::MAX_PASSAGE_BYTES)
    } else {
        let len = text.len();
        m.start.min(len)..m.end.min(len)
    }
}

/// Whether the user corrected `change`'s mention while a whole place was written or
/// undone (see [`super::archive::ArchiveView::corrected_meanwhile`]): that correction
/// reached the project after the place's, and wins. No key is built when there are none
/// (the usual case, some 67,000 changes for a large place).
fn made_meanwhile(
    meanwhile: &std::collections::HashSet<(String, usize, usize)>,
    change: &crate::corpus::CorrectionChange,
) -> bool {
    !meanwhile.is_empty()
        && meanwhile.contains(&(change.document.clone(), change.start, change.end))
}

#[cfg(test)]
mod tests;
