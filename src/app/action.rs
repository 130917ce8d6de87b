//! [`Action`]: everything the user can do, as plain data, which the panels and windows
//! return; and [`GazetteApp::apply`], the one place that carries it out.

use std::path::PathBuf;

use super::export_job::ExportOutcome;
use super::paste_dialog::PasteDraft;
use super::place_dialog::PlaceDraft;
use super::worker::Input;
use super::{GazetteApp, Loader, plural, sample_inputs};
use crate::app::dialogs::DialogRequest;
use crate::app::state::{MentionKey, MessageLevel};
use crate::corpus::{CorrectionAction, Rule, RuleAction, Rules};
use crate::export::Format;
use crate::gazetteer::{EntryIndex, Kind};

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
    /// Show only documents published in this range.
    SetDateRange(crate::corpus::DateRange),
    /// Start or stop stepping the date range through time.
    TogglePlay,
    /// Order the document list.
    SortDocuments(super::state::DocumentOrder),
    /// Open a URL in the system's browser (a document's link).
    OpenUrl(String),
    /// Open a dataset export with the fields the user chose.
    OpenWithFields {
        /// The file.
        path: PathBuf,
        /// Its fields.
        fields: crate::corpus::Fields,
    },
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
    /// Make a rule: this name (as written) is never a place, in every document.
    NeverAPlaceRule(String),
    /// Make a rule: this name (as written) always denotes this entry.
    AlwaysRule {
        /// The name as written.
        name: String,
        /// The entry it denotes.
        entry: EntryIndex,
    },
    /// Remove the rule for a name.
    RemoveRule(String),
    /// Ask where to write the rules, then write them.
    ExportRulesDialog,
    /// Write the rules to a file (atomically).
    ExportRulesTo(PathBuf),
    /// Ask for a rules file, then add its rules.
    OpenRulesDialog,
    /// Add the rules of a file (a rule there replacing one for the same name).
    OpenRulesFrom(PathBuf),
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
    /// Stop the export of the archive project being written (no file is left).
    StopExport,
    /// Ask before closing everything and opening the sample articles.
    ConfirmReset,
    /// Close every document, forget corrections and the filter, open the samples.
    ResetToSamples,
    /// Switch OpenStreetMap tiles on or off.
    SetOnlineTiles(bool),
    /// Stop parsing the documents being opened (those parsed stay).
    CancelLoading,
    /// Show the "Export map as PNG" dialog.
    PictureDialog,
    /// Ask where to save the map as a PNG picture at this scale (pixels per point).
    ExportPictureDialog(f32),
    /// Save the map as a PNG picture there (at the scale chosen last).
    ExportPictureTo(PathBuf),
    /// Read the next page of the selected place's passages from the archive project.
    MoreArchivePassages,
    /// Open a document of the archive project at a mention (its text is read from the
    /// project on the archive's thread).
    OpenArchivePassage {
        /// The document's id in the project.
        document: crate::project::DocumentId,
        /// Its name.
        name: String,
        /// Its title, if it has one.
        title: Option<String>,
        /// Its date, as written.
        published: Option<String>,
        /// The mention's byte span in its text.
        mention: std::ops::Range<usize>,
    },
    /// The document view scrolled to the archive document's mention.
    ArchiveScrolled,
    /// Correct a mention of the archive project (`None`: undo its correction); written
    /// to the project at once, its counts read back after.
    CorrectArchiveMention {
        /// The document's name.
        document: String,
        /// The mention's byte span.
        start: usize,
        /// See `start`.
        end: usize,
        /// The correction, or `None` to undo it.
        action: Option<CorrectionAction>,
    },
    /// Undo a whole place corrected in the archive project (by its index in
    /// [`super::archive::ArchiveView::batches`]): cleared on the project's thread.
    UndoArchivePlace(usize),
    /// Start reviewing the least certain mentions shown, one at a time.
    StartReview,
    /// Step through the review by this many mentions (negative: back).
    ReviewStep(i32),
    /// Confirm the parser's reading of the mention under review, and go on.
    ReviewAccept,
    /// The mention under review denotes this entry; go on.
    ReviewChoose(EntryIndex),
    /// The mention under review is not a place; go on.
    ReviewNotAPlace,
    /// Stop reviewing.
    CloseReview,
    /// Ask which project to open.
    OpenProjectDialog,
    /// Open a project (closing what is open).
    OpenProject(PathBuf),
    /// Ask where to save the open documents as a project.
    SaveProjectAsDialog,
    /// Save the open documents as a project there, and save changes to it.
    SaveProjectAs(PathBuf),
    /// Close the project and its documents.
    CloseProject,
    /// Show the About window.
    ShowAbout,
    /// Show the message log.
    ShowMessages,
    /// Open the "Add a place" dialog for a point: (latitude, longitude) in degrees, and
    /// the country there (ISO alpha-2), if any.
    NewPlaceAt {
        /// Degrees north.
        lat: f64,
        /// Degrees east.
        lon: f64,
        /// The country under the point.
        country: Option<String>,
    },
    /// Add a place of the user's own, or replace the one named `replacing`.
    SavePlace {
        /// The name of the place edited; `None` for a new one.
        replacing: Option<String>,
        /// The place.
        place: crate::gazetteer::UserPlace,
    },
    /// Open the dialog to edit the user's place of this name.
    EditPlace(String),
    /// Delete the user's place of this name.
    DeletePlace(String),
    /// Show the "My places" window.
    ShowMyPlaces,
    /// Ask for a places file, then import it.
    ImportPlacesDialog,
    /// Import the places of a file (CSV or GeoJSON).
    ImportPlacesFrom(PathBuf),
    /// Ask where to write the user's places, then write them.
    ExportPlacesDialog,
    /// Write the user's places to a file (CSV, atomically).
    ExportPlacesTo(PathBuf),
    /// In the document view, go to the next (or, negative, previous) place mentioned,
    /// in text order: the map follows and the mention is outlined and scrolled to.
    StepPlace(i32),
}

/// Said when a change to an archive project is asked for while it is exported.
pub const EXPORTING_ARCHIVE: &str = "The project is being exported: it cannot be \
    changed meanwhile (the export reads it, and a change would fail to be saved); wait for \
    the export to finish, or stop it";

impl Action {
    /// Whether it writes to the project when the window shows an archive: a correction
    /// (of a mention, or a whole place), its undo, a rule, a review's decision, the
    /// user's places. Refused while the archive is exported: the export's read of the
    /// project (one transaction, see `Project::stream`) makes the
    /// project's writer wait its busy timeout and fail, and a failed write would leave
    /// the window showing what the project does not hold. (The filter, a setting, is
    /// sent once the export is done instead: see `sync_project`.)
    pub fn changes_an_archive(&self) -> bool {
        matches!(
            self,
            Action::Reassign { .. }
                | Action::NotAPlace(_)
                | Action::UndoCorrection(_)
                | Action::ReassignPlace { .. }
                | Action::PlaceNotAPlace(_)
                | Action::UndoArchivePlace(_)
                | Action::NeverAPlaceRule(_)
                | Action::AlwaysRule { .. }
                | Action::RemoveRule(_)
                | Action::OpenRulesFrom(_)
                | Action::CorrectArchiveMention { .. }
                | Action::ReviewAccept
                | Action::ReviewChoose(_)
                | Action::ReviewNotAPlace
                | Action::SavePlace { .. }
                | Action::DeletePlace(_)
                | Action::ImportPlacesFrom(_)
        )
    }
}

impl GazetteApp {
    /// Whether the archive open is being exported (its changes are refused meanwhile,
    /// see [`Action::changes_an_archive`]).
    pub(super) fn archive_exporting_now(&self) -> bool {
        self.archive_export.is_some() && self.state.archive().is_some()
    }

    /// Applies what the user did.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
        if action.changes_an_archive() && self.archive_exporting_now() {
            self.state
                .push_message(MessageLevel::Warning, EXPORTING_ARCHIVE);
            return;
        }
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
            Action::CloseDocument => {
                self.state.close_document();
                if let Some(reader) = &mut self.passage_reader {
                    reader.forget_document();
                }
            }
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
            Action::SetDateRange(range) => {
                self.playing = None;
                self.state.set_date_range(range);
            }
            Action::TogglePlay => {
                self.playing = match self.playing {
                    Some(_) => None,
                    // The first step comes at once.
                    None => Some(f64::NEG_INFINITY),
                };
            }
            Action::SortDocuments(order) => self.state.sort_documents(order),
            Action::OpenUrl(url) => self.open_url = Some(url),
            Action::OpenWithFields { path, fields } => {
                self.start_parse(vec![Input::PathWith { path, fields }]);
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
            Action::ReassignPlace { place, to } if self.state.archive().is_some() => {
                self.correct_archive_place(place, Some(to));
            }
            Action::PlaceNotAPlace(place) if self.state.archive().is_some() => {
                self.correct_archive_place(place, None);
            }
            Action::UndoArchivePlace(index) => self.undo_archive_place(index),
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
            Action::NeverAPlaceRule(name) => {
                let name = name.trim().to_string();
                self.state.add_rule(Rule {
                    name: name.clone(),
                    action: RuleAction::NeverAPlace,
                });
                self.state.select(None);
                self.rule_note(format!(
                    "Rule: “{name}” is never a place, in every document"
                ));
            }
            Action::AlwaysRule { name, entry } => {
                let Some((id, place)) = self
                    .state
                    .gazetteer()
                    .map(|g| (g.entry(entry).id.clone(), g.entry(entry).name.clone()))
                else {
                    return;
                };
                let name = name.trim().to_string();
                self.state.add_rule(Rule {
                    name: name.clone(),
                    action: RuleAction::Always { id },
                });
                if let Some(g) = self.state.gazetteer() {
                    let located = crate::geoparse::located_entry(g, entry);
                    self.state.select(Some(located));
                }
                self.rule_note(format!("Rule: “{name}” is always {place}"));
            }
            Action::RemoveRule(name) => {
                self.state.remove_rule(&name);
                self.rule_note(format!("Rule for “{name}” removed"));
            }
            Action::ExportRulesDialog => self.request_dialog(DialogRequest::ExportRules),
            Action::ExportRulesTo(path) => {
                let text = self.state.rules().to_text();
                match crate::output_file::atomic_write(&path, text.as_bytes()) {
                    Ok(()) => {
                        let n = self.state.rules().len();
                        self.state.push_message(
                            MessageLevel::Success,
                            format!("Exported {n} rule{} to {}", plural(n), path.display()),
                        );
                    }
                    Err(e) => self.state.push_message(
                        MessageLevel::Error,
                        format!("Cannot write the rules to {}: {e}", path.display()),
                    ),
                }
            }
            Action::OpenRulesDialog => self.request_dialog(DialogRequest::OpenRules),
            Action::OpenRulesFrom(path) => match Rules::read(&path) {
                Ok(read) => {
                    let n = read.len();
                    let mut rules = self.state.rules().clone();
                    rules.extend(read);
                    self.state.set_rules(rules);
                    self.state.push_message(
                        MessageLevel::Success,
                        format!("Added {n} rule{} from {}", plural(n), path.display()),
                    );
                }
                Err(e) => self.state.push_message(MessageLevel::Error, e.to_string()),
            },
            Action::OpenFilesDialog => self.request_dialog(DialogRequest::OpenFiles),
            Action::OpenFolderDialog => self.request_dialog(DialogRequest::OpenFolder),
            Action::OpenPaths(paths) => {
                let (projects, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
                    .into_iter()
                    .partition(|p| super::projects::is_project_path(p));
                if let Some(project) = projects.into_iter().next() {
                    self.open_project(project);
                }
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
            Action::ExportTo(path, format) if self.state.archive().is_some() => {
                self.export_archive(path, format);
            }
            Action::StopExport => {
                if let Some(export) = &self.archive_export {
                    export
                        .stop
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Action::ExportTo(path, format) => match self.state.export_job(&path, format) {
                Ok(job) => match self.loader {
                    Loader::Background(_) => self.exports.start(job, self.repaint.clone()),
                    Loader::Synchronous => {
                        self.exports.run_here(job);
                        for outcome in self.exports.poll() {
                            self.export_done(outcome);
                        }
                    }
                },
                Err(e) => self
                    .state
                    .push_message(MessageLevel::Error, format!("Export failed: {e}")),
            },
            Action::ConfirmReset => self.confirm_reset = true,
            Action::ResetToSamples => {
                self.confirm_reset = false;
                // A project keeps what it holds; the window no longer saves to it.
                self.close_everything();
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
            Action::CancelLoading => self.cancel_loading(),
            Action::PictureDialog => match self.map.map_rect() {
                Some(rect) => {
                    self.picture = Some(super::picture_dialog::PictureDraft {
                        scale: self.picture_scale,
                        size: rect.size(),
                    });
                }
                None => self
                    .state
                    .push_message(MessageLevel::Info, "The map is not shown yet"),
            },
            Action::ExportPictureDialog(scale) => {
                self.picture_scale = scale;
                self.request_dialog(DialogRequest::ExportPicture);
            }
            Action::ExportPictureTo(path) => self.export_picture(ctx, &path),
            Action::MoreArchivePassages => self.state.more_archive_passages(),
            Action::OpenArchivePassage {
                document,
                name,
                title,
                published,
                mention,
            } => {
                // The same document, read already: only the focus moves.
                let read = self
                    .state
                    .archive()
                    .and_then(|v| v.document.as_ref())
                    .filter(|d| d.id == document)
                    .and_then(|d| d.read.clone())
                    .filter(|r| r.is_ok());
                if read.is_none()
                    && let Some(reader) = &mut self.passage_reader
                {
                    reader.forget_document();
                    reader.ask_document(document);
                }
                self.state
                    .open_archive_document(super::archive::ArchiveDocument {
                        id: document,
                        name,
                        title,
                        published,
                        focus: Some(mention),
                        scroll_pending: true,
                        read,
                    });
            }
            Action::ArchiveScrolled => self.state.archive_scrolled(),
            Action::CorrectArchiveMention {
                document,
                start,
                end,
                action,
            } => {
                if self.correct_archive_mention(document, start, end, action) {
                    self.correction_note();
                }
            }
            Action::StartReview if self.state.archive().is_some() => self.ask_archive_review(),
            Action::StartReview => {
                let queue = super::review::review_queue(&self.state, super::review::REVIEW_LENGTH);
                if queue.is_empty() {
                    self.state.push_message(
                        MessageLevel::Info,
                        "Nothing to review: every mention shown has been decided by you",
                    );
                } else {
                    self.review = Some(super::review::Review {
                        queue,
                        items: Vec::new(),
                        at: 0,
                    });
                    self.review_focus();
                }
            }
            Action::ReviewStep(by) => self.review_step(by),
            Action::ReviewAccept if self.archive_review_current().is_some() => {
                let entry = self.archive_review_effective();
                self.archive_review_reassign(entry);
            }
            Action::ReviewChoose(entry) if self.archive_review_current().is_some() => {
                self.archive_review_reassign(Some(entry));
            }
            Action::ReviewNotAPlace if self.archive_review_current().is_some() => {
                if let Some((document, start, end)) = self.archive_review_current() {
                    self.correct_archive_mention(
                        document,
                        start,
                        end,
                        Some(CorrectionAction::NotAPlace),
                    );
                }
                self.review_step(1);
            }
            Action::ReviewAccept => {
                if let Some(key) = self.review_current()
                    && let Some(entry) = self.state.effective_entry(key)
                {
                    self.state.reassign(key, entry);
                }
                self.review_step(1);
            }
            Action::ReviewChoose(entry) => {
                if let Some(key) = self.review_current() {
                    self.state.reassign(key, entry);
                }
                self.review_step(1);
            }
            Action::ReviewNotAPlace => {
                if let Some(key) = self.review_current() {
                    self.state.correct(key, CorrectionAction::NotAPlace);
                }
                self.review_step(1);
            }
            Action::CloseReview => self.review = None,
            Action::OpenProjectDialog => self.request_dialog(DialogRequest::OpenProject),
            Action::OpenProject(path) => self.open_project(path),
            Action::SaveProjectAsDialog => self.request_dialog(DialogRequest::SaveProject),
            Action::SaveProjectAs(path) => self.save_project_as(path),
            Action::CloseProject => self.close_project(),
            Action::ShowAbout => self.about_open = true,
            Action::ShowMessages => self.messages_open = true,
            Action::NewPlaceAt { lat, lon, country } => {
                self.place_draft = Some(PlaceDraft::new_at(lat, lon, country));
            }
            Action::SavePlace { replacing, place } => self.save_place(replacing, place),
            Action::EditPlace(name) => {
                if let Some(place) = self.state.user_places().iter().find(|p| p.name == name) {
                    self.place_draft = Some(PlaceDraft::editing(place));
                }
            }
            Action::DeletePlace(name) => {
                // Its place is no longer shown once the documents are parsed again.
                let selected_it = self.state.selected().is_some_and(|e| {
                    self.state
                        .gazetteer()
                        .and_then(|g| g.user_place(e))
                        .is_some_and(|p| p.name == name)
                });
                if selected_it {
                    self.state.select(None);
                }
                let mut places = self.state.user_places().to_vec();
                places.retain(|p| p.name != name);
                if self.set_places(places) {
                    self.state
                        .push_message(MessageLevel::Info, format!("Deleted your place {name}"));
                }
            }
            Action::ShowMyPlaces => self.my_places_open = true,
            Action::ImportPlacesDialog => self.request_dialog(DialogRequest::OpenPlaces),
            Action::ImportPlacesFrom(path) => self.import_places(&path),
            Action::ExportPlacesDialog => self.request_dialog(DialogRequest::ExportPlaces),
            Action::ExportPlacesTo(path) => {
                let places = self.state.user_places();
                let text = crate::gazetteer::places_file::to_csv(places);
                let n = places.len();
                match crate::output_file::atomic_write(&path, text.as_bytes()) {
                    Ok(()) => self.state.push_message(
                        MessageLevel::Success,
                        format!("Exported {n} place{} to {}", plural(n), path.display()),
                    ),
                    Err(e) => self.state.push_message(
                        MessageLevel::Error,
                        format!("Cannot write your places to {}: {e}", path.display()),
                    ),
                }
            }
            Action::StepPlace(by) => self.step_place(by),
        }
    }

    /// Adds the place (or replaces the one named `replacing`) if it can be added; else
    /// the dialog stays open and says why.
    fn save_place(&mut self, replacing: Option<String>, place: crate::gazetteer::UserPlace) {
        let place = match place.checked() {
            Ok(p) => p,
            Err(e) => {
                if let Some(d) = &mut self.place_draft {
                    d.error = Some(capitalised(&e.to_string()));
                }
                return;
            }
        };
        let key = crate::fold::fold_name(&place.name);
        let mut places = self.state.user_places().to_vec();
        let clash = places
            .iter()
            .any(|p| crate::fold::fold_name(&p.name) == key && Some(&p.name) != replacing.as_ref());
        if clash {
            if let Some(d) = &mut self.place_draft {
                d.error = Some(format!(
                    "You have a place named “{}” already: edit it in My places",
                    place.name
                ));
            }
            return;
        }
        let name = place.name.clone();
        match replacing
            .as_ref()
            .and_then(|old| places.iter().position(|p| &p.name == old))
        {
            Some(i) => places[i] = place,
            None => places.push(place),
        }
        if self.set_places(places) {
            self.place_draft = None;
            let verb = if replacing.is_some() {
                "Saved"
            } else {
                "Added"
            };
            self.state.push_message(
                MessageLevel::Success,
                format!("{verb} your place {name}: its name is now found in every document"),
            );
        }
    }

    /// Imports a places file: its good rows join (or replace, by name) the user's places;
    /// each bad row is reported with its line.
    fn import_places(&mut self, path: &std::path::Path) {
        let read = match crate::gazetteer::places_file::read_places(path) {
            Ok(read) => read,
            Err(e) => {
                self.state.push_message(MessageLevel::Error, e.to_string());
                return;
            }
        };
        for problem in &read.problems {
            self.state
                .push_message(MessageLevel::Warning, problem.clone());
        }
        let mut places = self.state.user_places().to_vec();
        let mut row_of: std::collections::HashMap<String, usize> = places
            .iter()
            .enumerate()
            .map(|(i, p)| (crate::fold::fold_name(&p.name), i))
            .collect();
        let n = read.places.len();
        for place in read.places {
            let key = crate::fold::fold_name(&place.name);
            match row_of.get(&key) {
                Some(&i) => places[i] = place,
                None => {
                    row_of.insert(key, places.len());
                    places.push(place);
                }
            }
        }
        if self.set_places(places) {
            let skipped = match read.bad_rows {
                0 => String::new(),
                b => format!("; {b} bad row{} skipped (see Messages)", plural(b)),
            };
            let level = if read.bad_rows > 0 {
                MessageLevel::Warning
            } else {
                MessageLevel::Success
            };
            self.state.push_message(
                level,
                format!(
                    "Imported {n} place{} from {}{skipped}",
                    plural(n),
                    path.display()
                ),
            );
            self.my_places_open = true;
        }
    }

    /// Puts `places` in effect and parses again the open documents that name one that
    /// changed. Returns false (with a message) if they could not be put in effect.
    pub(super) fn set_places(&mut self, places: Vec<crate::gazetteer::UserPlace>) -> bool {
        match self.state.set_user_places(places) {
            Ok(changed) => {
                if let Some(link) = &mut self.project {
                    link.send(super::project_link::Change::Places(
                        self.state.user_places().to_vec(),
                    ));
                }
                if let Some(view) = self.state.archive() {
                    // An archive's documents are not in the window to parse again.
                    let text = format!(
                        "Your places are kept in {}, but its documents are not parsed again \
                         while it is open as an archive: `gazette parse FILES --project {}` \
                         finds them in the documents it adds",
                        view.path.display(),
                        view.path.display()
                    );
                    self.state.push_message(MessageLevel::Info, text);
                }
                self.reparse_for_places(changed);
                true
            }
            Err(e) => {
                let text = capitalised(&e.to_string());
                match &mut self.place_draft {
                    Some(d) => d.error = Some(text),
                    None => self.state.push_message(MessageLevel::Error, text),
                }
                false
            }
        }
    }

    /// In the document view, moves to the next (`by` > 0) or previous place mentioned
    /// (mentions marked "not a place" are passed over), selects it and brings it into
    /// view; past either end it stays.
    fn step_place(&mut self, by: i32) {
        let Some(open) = self.state.open_document_state().cloned() else {
            return;
        };
        let places = self.state.places_to_step(open.document);
        let next = match open.focus_mention {
            None if by > 0 => places.first(),
            None => places.last(),
            Some(at) if by > 0 => places.iter().find(|&&m| m > at),
            Some(at) => places.iter().rev().find(|&&m| m < at),
        };
        let Some(&mention) = next else {
            return;
        };
        self.state.open_document(open.document, Some(mention));
        if let Some(entry) = self.state.effective_entry((open.document, mention)) {
            self.state.select(Some(entry));
            self.map.focus(&self.state, self.basemap.as_deref(), entry);
        }
    }

    fn correction_note(&mut self) {
        let n = self.state.corrections().len();
        self.state.push_message(
            MessageLevel::Info,
            format!("{n} correction{} in this session", plural(n)),
        );
    }

    /// Reports how an export went.
    pub(super) fn export_done(&mut self, outcome: ExportOutcome) {
        match outcome.result {
            Ok(()) => {
                let done = format!(
                    "Exported {} place{} ({} mentions) to {}",
                    outcome.places,
                    plural(outcome.places),
                    outcome.mentions,
                    outcome.path.display()
                );
                // What it left out, as `gazette export` warns: said with the outcome, so
                // the status bar shows both.
                match (outcome.warning, self.state.archive()) {
                    (Some(warning), Some(view)) => self.state.push_message(
                        MessageLevel::Warning,
                        format!("{done}; but {}: {warning}", view.path.display()),
                    ),
                    (Some(warning), None) => self
                        .state
                        .push_message(MessageLevel::Warning, format!("{done}; but {warning}")),
                    (None, _) => self.state.push_message(MessageLevel::Success, done),
                }
            }
            // Stopped by the user: said, not an error.
            Err(e @ crate::export::ExportError::Stopped { .. }) => self
                .state
                .push_message(MessageLevel::Info, capitalised(&e.to_string())),
            Err(e) => self
                .state
                .push_message(MessageLevel::Error, format!("Export failed: {e}")),
        }
    }

    /// Exports the archive project to `path` on a thread of its own, streamed from the
    /// project as `gazette export` streams it (with its filter, corrections and rules as
    /// saved: changes still being written are waited for first).
    fn export_archive(&mut self, path: PathBuf, format: Format) {
        let (Some(g), Some(view)) = (self.state.gazetteer_arc(), self.state.archive()) else {
            return;
        };
        let (project, total) = (view.path.clone(), view.documents);
        let busy = self.archive_export.is_some();
        // Corrections being written (not the timeline's counts, which the export
        // does not read).
        let saving = view.counting
            || view.correcting.is_some()
            || self
                .project
                .as_ref()
                .is_some_and(|l| matches!(l.state(), super::project_link::LinkState::Saving));
        if busy || saving {
            self.state.push_message(
                MessageLevel::Warning,
                if busy {
                    "An export is being written already: wait for it, or stop it"
                } else {
                    "Changes are being saved to the project: export once they are (the \
                     export reads the project as saved)"
                },
            );
            return;
        }
        match self
            .exports
            .start_archive(g, project, path, format, total, self.repaint.clone())
        {
            Some(export) => {
                self.state.push_message(
                    MessageLevel::Info,
                    format!(
                        "Exporting to {} from the project, a document at a time…",
                        export.path.display()
                    ),
                );
                self.archive_export = Some(export);
            }
            None => self.state.push_message(
                MessageLevel::Error,
                "Export failed: no thread could be started for it",
            ),
        }
    }

    /// Draws the map at the scale chosen and saves it as a PNG picture.
    fn export_picture(&mut self, ctx: &egui::Context, path: &std::path::Path) {
        let path = if path.extension().is_none() {
            path.with_extension("png")
        } else {
            path.to_path_buf()
        };
        let result = match (&self.render_state, self.map.map_rect()) {
            (Some(render_state), Some(rect)) => super::map_picture::draw_map_picture(
                render_state,
                &self.map,
                &self.state,
                self.basemap.as_deref(),
                rect.size(),
                self.picture_scale,
                &ctx.global_style().visuals,
            ),
            _ => Err(super::map_picture::PictureError::NoRenderer),
        };
        match result.and_then(|picture| picture.write_png(&path).map(|()| picture)) {
            Ok(picture) => self.state.push_message(
                MessageLevel::Success,
                format!(
                    "Saved the map ({} × {} pixels) to {}",
                    picture.width,
                    picture.height,
                    path.display()
                ),
            ),
            Err(e) => self.state.push_message(
                MessageLevel::Error,
                format!("The map could not be saved: {e}"),
            ),
        }
    }

    /// The mention under review.
    fn review_current(&self) -> Option<MentionKey> {
        let review = self.review.as_ref()?;
        review.queue.get(review.at).copied()
    }

    /// The archive's mention under review: its document's name and span.
    fn archive_review_current(&self) -> Option<(String, usize, usize)> {
        let review = self.review.as_ref()?;
        let p = &review.items.get(review.at)?.passage;
        Some((p.document.clone(), p.mention.start, p.mention.end))
    }

    /// The located entry the archive's mention under review denotes now.
    fn archive_review_effective(&self) -> Option<crate::gazetteer::EntryIndex> {
        let review = self.review.as_ref()?;
        let item = review.items.get(review.at)?;
        super::review::archive_effective(&self.state, self.state.gazetteer()?, item)
    }

    /// Corrects a mention of the archive project (`None`: undoes its correction): in the
    /// window, and sent as it is to the project's thread (not the whole list, see
    /// `sync_project`), which reads the counts back after. Returns whether it changed.
    fn correct_archive_mention(
        &mut self,
        document: String,
        start: usize,
        end: usize,
        action: Option<CorrectionAction>,
    ) -> bool {
        if !self
            .state
            .correct_named(&document, start, end, action.clone())
        {
            return false;
        }
        if let Some(link) = &mut self.project {
            self.correct_seq += 1;
            let seq = self.correct_seq;
            self.correct_sent
                .insert((document.clone(), start, end), seq);
            link.send(super::project_link::Change::Correct {
                document,
                start,
                end,
                action,
                seq,
            });
        }
        true
    }

    /// Asks the archive's reviewer (started now if it is not yet) for the mentions to
    /// review, of the filter's dates; the review starts when they come
    /// (`GazetteApp::archive_review_read`).
    fn ask_archive_review(&mut self) {
        let (Some(g), Some(view)) = (self.state.gazetteer_arc(), self.state.archive()) else {
            return;
        };
        if self.archive_reviewer.is_none() {
            match super::archive::PassageReader::reviewer(
                &view.path,
                g,
                self.repaint.clone(),
                self.hold_archive_reviews.clone(),
            ) {
                Ok(reviewer) => self.archive_reviewer = Some(reviewer),
                Err(e) => {
                    self.state.push_message(
                        MessageLevel::Error,
                        format!("Cannot start the thread that reads the review: {e}"),
                    );
                    return;
                }
            }
        }
        let dates = Some(self.state.filter().dates).filter(|d| !d.is_everything());
        if let Some(reviewer) = &mut self.archive_reviewer {
            reviewer.ask_review(super::review::REVIEW_LENGTH, dates);
            self.state.push_message(
                MessageLevel::Info,
                "Reading the least certain mentions from the project…",
            );
        }
    }

    /// The least certain mentions read from the archive project: the review starts with
    /// those the user has not decided (by a correction or a rule) and the filter shows.
    pub(super) fn archive_review_read(
        &mut self,
        read: Result<Vec<super::archive::ReviewItem>, String>,
    ) {
        let items = match read {
            Ok(items) => items,
            Err(e) => {
                self.state.push_message(
                    MessageLevel::Error,
                    format!("The mentions to review could not be read: {e}"),
                );
                return;
            }
        };
        let Some(g) = self.state.gazetteer_arc() else {
            return;
        };
        let items: Vec<_> = items
            .into_iter()
            .filter(|item| {
                let p = &item.passage;
                let decided = self
                    .state
                    .corrections()
                    .decision(
                        &p.document,
                        p.mention.start,
                        p.mention.end,
                        &item.mention.text,
                    )
                    .is_some();
                !decided
                    && super::review::archive_effective(&self.state, &g, item)
                        .is_some_and(|e| self.state.place(e).is_some())
            })
            .collect();
        if items.is_empty() {
            self.state.push_message(
                MessageLevel::Info,
                "Nothing to review: every mention shown has been decided by you",
            );
            return;
        }
        let n = items.len();
        self.state.push_message(
            MessageLevel::Info,
            format!(
                "{n} mention{} to review, the least certain first",
                plural(n)
            ),
        );
        self.review = Some(super::review::Review {
            queue: Vec::new(),
            items,
            at: 0,
        });
        self.review_focus();
    }

    /// The archive review's current mention reassigned to `entry` (none: left as it
    /// is), then the next mention.
    fn archive_review_reassign(&mut self, entry: Option<EntryIndex>) {
        if let Some((document, start, end)) = self.archive_review_current()
            && let Some(entry) = entry
            && let Some(id) = self.state.gazetteer().map(|g| g.entry(entry).id.clone())
        {
            self.correct_archive_mention(
                document,
                start,
                end,
                Some(CorrectionAction::Reassign { id }),
            );
        }
        self.review_step(1);
    }

    /// Moves through the review; past its end it closes, saying so.
    fn review_step(&mut self, by: i32) {
        let Some(review) = &mut self.review else {
            return;
        };
        let at = review.at as i64 + i64::from(by);
        if at >= review.len() as i64 {
            let n = review.len();
            self.review = None;
            self.state.push_message(
                MessageLevel::Success,
                format!("Reviewed {n} mention{}", plural(n)),
            );
            return;
        }
        review.at = at.max(0) as usize;
        self.review_focus();
    }

    /// Selects the place of the mention under review and brings it into view.
    fn review_focus(&mut self) {
        let entry = match self.review_current() {
            Some(key) => self.state.effective_entry(key),
            None => self.archive_review_effective(),
        };
        if let Some(entry) = entry {
            self.state.select(Some(entry));
            self.map.focus(&self.state, self.basemap.as_deref(), entry);
        }
    }

    fn rule_note(&mut self, what: String) {
        let n = self.state.rules().len();
        self.state.push_message(
            MessageLevel::Info,
            format!("{what} ({n} rule{} in all)", plural(n)),
        );
    }

    fn request_dialog(&mut self, request: DialogRequest) {
        if !self.dialogs.request(request) {
            self.state
                .push_message(MessageLevel::Info, "A file dialog is already open");
        }
    }
}

/// `text` with its first letter upper case (library errors start lower case, to follow
/// a file name; a message alone starts a sentence).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
