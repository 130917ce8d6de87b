//! The passages of the selected place of a project opened as an archive (see
//! [`super::archive`]): read from the project a page at a time, grouped by document,
//! each with the mention highlighted and its correction menu; clicking one opens its
//! document in the document view ([`archive_document_ui`]), read from the project. A
//! frame draws the passages read and the one document open, never more.

use egui::text::{LayoutJob, TextFormat};
use egui::{RichText, Ui};

use super::archive::{ArchiveDocument, ArchiveView};
use super::plural;
use super::state::AppState;
use crate::app::Action;
use crate::app::palette;
use crate::app::paragraph::paragraph_ui;
use crate::corpus::{CorrectionAction, mention_candidates};
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::why::thousands;
use crate::geoparse::{Mention, located_entry};
use crate::project::Passage;

/// Candidates offered in a mention's correction menu.
const MENTION_CANDIDATES: usize = 12;

/// Candidates offered to reassign a whole place.
const PLACE_CANDIDATES: usize = 8;

/// Draws what the archive shows of the selected place, under its heading.
pub fn archive_passages_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    view: &ArchiveView,
    selected: EntryIndex,
) -> Option<Action> {
    let mut action = None;
    let Some(place) = state.place(selected) else {
        ui.add_space(8.0);
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "The current filter hides this place.",
        );
        return None;
    };
    let documents = state.place_stats(selected).map_or(0, |s| s.documents);
    ui.label(format!(
        "{} mention{} in {} document{}",
        thousands(place.mention_count as u64),
        plural(place.mention_count),
        thousands(documents as u64),
        plural(documents)
    ));
    ui.weak(
        "Click a passage to read its document; correct a mention with \"Correct…\", or \
         every mention of the place below (written to the project, a range of documents \
         at a time).",
    );
    let Some(read) = view.passages.as_ref().filter(|p| p.entry == selected) else {
        ui.separator();
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("Reading its passages from the project…");
        });
        return None;
    };
    let exporting = state.export_progress().is_some();
    if let Some(a) = whole_place_ui(
        ui,
        g,
        view,
        (selected, place.mention_count),
        read,
        exporting,
    ) {
        action = Some(a);
    }
    ui.separator();
    let passages = match &read.result {
        Ok(passages) => passages,
        Err(e) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Its passages could not be read: {e}"),
            );
            return None;
        }
    };
    if read.is_complete() {
        ui.strong(format!(
            "{} passage{}",
            thousands(passages.len() as u64),
            plural(passages.len())
        ));
    } else {
        ui.strong(format!(
            "The first {} passages",
            thousands(passages.len() as u64)
        ));
    }
    let dark = ui.visuals().dark_mode;
    let kind = g.entry(selected).kind;
    egui::ScrollArea::vertical()
        .id_salt(("archive-passages", selected))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let mut last_document = None;
            for (i, passage) in passages.iter().enumerate() {
                if last_document != Some(passage.document_id) {
                    last_document = Some(passage.document_id);
                    ui.add_space(6.0);
                    document_heading_ui(ui, passage);
                }
                let mention = read.mentions.get(i).and_then(Option::as_ref);
                if let Some(a) = passage_ui(ui, state, g, passage, mention, kind, dark) {
                    action = Some(a);
                }
            }
            if !read.is_complete() {
                ui.add_space(6.0);
                if ui
                    .button("Show more passages")
                    .on_hover_text("Read the next passages from the project")
                    .clicked()
                {
                    action = Some(Action::MoreArchivePassages);
                }
            }
        });
    action
}

/// Correcting every mention of the place at once: the other places its passages read
/// could denote (reassign those that could), and "Not a place". While one is being
/// written the buttons wait.
fn whole_place_ui(
    ui: &mut Ui,
    g: &Gazetteer,
    view: &ArchiveView,
    (selected, mentions): (EntryIndex, usize),
    read: &super::archive::ArchivePassages,
    exporting: bool,
) -> Option<Action> {
    let mut action = None;
    egui::CollapsingHeader::new("Resolution")
        .id_salt("archive-place-resolution")
        .default_open(true)
        .show(ui, |ui| {
            if let Some(label) = &view.correcting {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.weak(format!("Correcting {label} in the project…"));
                });
                return;
            }
            if exporting {
                // Refused meanwhile (see `Action::changes_an_archive`).
                ui.disable();
            }
            let candidates =
                super::archive::place_candidates(g, selected, &read.mentions, PLACE_CANDIDATES);
            if candidates.is_empty() {
                ui.weak("The parser had no other candidate for the passages read.");
            } else {
                ui.weak("Other candidates for these mentions — choose one to reassign them all:");
                let labels = super::passages_panel::candidate_labels(g, &candidates);
                for (c, label) in candidates.iter().zip(labels) {
                    if ui
                        .button(label)
                        .on_hover_text("Reassign every mention that could denote it")
                        .clicked()
                    {
                        action = Some(Action::ReassignPlace {
                            place: selected,
                            to: c.entry,
                        });
                    }
                }
            }
            ui.add_space(2.0);
            if ui
                .button(format!(
                    "Not a place ({} mention{})",
                    thousands(mentions as u64),
                    plural(mentions)
                ))
                .on_hover_text("Mark every mention shown here as not a place name")
                .clicked()
            {
                action = Some(Action::PlaceNotAPlace(selected));
            }
        });
    action
}

/// Says why the archive's corrections are not offered while it is exported.
fn exporting_note(ui: &mut Ui) {
    ui.weak("Not while the project is exported: wait for the export to finish, or stop it");
}

/// The document a run of passages is from: its title (or name) and date.
fn document_heading_ui(ui: &mut Ui, passage: &Passage) {
    let title = passage.title.as_deref().unwrap_or(&passage.document);
    ui.label(RichText::new(title).strong())
        .on_hover_text(&passage.document);
    if let Some(published) = &passage.published {
        // The day is what a reader wants; the time and offset are in the export.
        ui.weak(published.get(..10).unwrap_or(published));
    }
}

/// One passage with its mention highlighted (click: open its document there), then the
/// mention's confidence, what the user decided of it and its correction menu.
fn passage_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    passage: &Passage,
    mention: Option<&Mention>,
    kind: crate::gazetteer::Kind,
    dark: bool,
) -> Option<Action> {
    let mut action = None;
    let body = egui::TextStyle::Body.resolve(ui.style());
    let normal = TextFormat {
        font_id: body,
        color: palette::reading_text_color(dark),
        ..Default::default()
    };
    // Offsets in the passage's own text (checked against it when read).
    let start = passage.mention.start.saturating_sub(passage.passage.start);
    let end = passage.mention.end.saturating_sub(passage.passage.start);
    let text = &passage.text;
    let (start_byte, end_byte) = (passage.mention.start, passage.mention.end);
    let correction = state
        .corrections()
        .get(&passage.document, start_byte, end_byte);
    let mut job = LayoutJob::default();
    job.append(text.get(..start).unwrap_or(""), 0.0, normal.clone());
    let mut highlight = TextFormat {
        background: palette::kind_highlight(kind, dark),
        color: ui.visuals().strong_text_color(),
        ..normal.clone()
    };
    if correction.is_some() {
        // Corrected away from this place (until the passages are read again).
        highlight.background = egui::Color32::TRANSPARENT;
        highlight.strikethrough = egui::Stroke::new(1.0, ui.visuals().weak_text_color());
    }
    job.append(text.get(start..end).unwrap_or(""), 0.0, highlight);
    job.append(text.get(end..).unwrap_or(""), 0.0, normal);
    job.wrap.max_width = ui.available_width();
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(6))
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let response = ui
                .add(egui::Label::new(job).sense(egui::Sense::click()))
                .on_hover_text("Open the document at this passage");
            if response.hovered() {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            }
            if response.clicked() {
                action = Some(open_action(passage));
            }
            let Some(mention) = mention else {
                return;
            };
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 6.0;
                ui.weak(format!("“{}”", mention.text));
                ui.weak(format!("{:.2}", mention.resolution.confidence))
                    .on_hover_text("The parser's confidence");
                if let Some(c) = correction {
                    let what = match c {
                        CorrectionAction::NotAPlace => "not a place".to_string(),
                        CorrectionAction::Reassign { id } => g
                            .index_of_id(id)
                            .map_or_else(|| id.clone(), |e| g.entry(e).label()),
                    };
                    ui.label(RichText::new(format!("corrected: {what}")).italics());
                }
                ui.menu_button("Correct…", |ui| {
                    if let Some(a) = correction_menu_ui(ui, state, g, &passage.document, mention) {
                        action = Some(a);
                    }
                });
                if ui
                    .small_button("Open")
                    .on_hover_text("Open the document at this passage")
                    .clicked()
                {
                    action = Some(open_action(passage));
                }
            });
        });
    action
}

/// Opening the document of `passage` at its mention.
fn open_action(passage: &Passage) -> Action {
    Action::OpenArchivePassage {
        document: passage.document_id,
        name: passage.document.clone(),
        title: passage.title.clone(),
        published: passage.published.clone(),
        mention: passage.mention.clone(),
    }
}

/// The located entry a mention of `document` denotes after the user's corrections and
/// rules; `None` if marked not a place.
fn effective(state: &AppState, g: &Gazetteer, document: &str, m: &Mention) -> Option<EntryIndex> {
    state
        .corrections()
        .apply(g, document, m)
        .map(|(entry, _, _)| located_entry(g, entry))
}

/// The correction menu of a mention of the archive project's document `document`: its
/// candidates, "Not a place", the rules for its name, and undo. Each choice is written
/// to the project at once.
fn correction_menu_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    document: &str,
    m: &Mention,
) -> Option<Action> {
    let mut action = None;
    ui.set_min_width(260.0);
    if state.export_progress().is_some() {
        // Refused meanwhile (see `Action::changes_an_archive`).
        exporting_note(ui);
        ui.disable();
    }
    ui.weak(format!("“{}” denotes:", m.text));
    let current = effective(state, g, document, m);
    let candidates = mention_candidates(g, m, current, MENTION_CANDIDATES);
    let correct = |a: Option<CorrectionAction>| Action::CorrectArchiveMention {
        document: document.to_string(),
        start: m.start,
        end: m.end,
        action: a,
    };
    let labels = super::passages_panel::candidate_labels(g, &candidates);
    for (c, label) in candidates.iter().zip(labels) {
        if ui.radio(c.is_current, label).clicked() {
            if !c.is_current {
                action = Some(correct(Some(CorrectionAction::Reassign {
                    id: g.entry(c.entry).id.clone(),
                })));
            }
            ui.close();
        }
    }
    ui.separator();
    let corrected = state.corrections().get(document, m.start, m.end);
    let is_not_a_place = matches!(corrected, Some(CorrectionAction::NotAPlace));
    if ui.radio(is_not_a_place, "Not a place").clicked() {
        if !is_not_a_place {
            action = Some(correct(Some(CorrectionAction::NotAPlace)));
        }
        ui.close();
    }
    // Rules by name: the project's thread applies them to every mention (a pass over
    // them all, "Counting…" meanwhile).
    if let Some(a) =
        super::rules_view::rule_items_for_name_ui(ui, state, g, m.text.clone(), &candidates)
    {
        action = Some(a);
    }
    if corrected.is_some() {
        ui.separator();
        if ui.button("Undo my correction").clicked() {
            action = Some(correct(None));
            ui.close();
        }
    }
    action
}

/// The document view of a project opened as an archive: the open document's text, read
/// from the project, with its mentions highlighted after the user's corrections (click
/// one to select its place, right-click to correct it), scrolled to the passage it was
/// opened at.
pub fn archive_document_ui(
    ui: &mut Ui,
    state: &AppState,
    document: &ArchiveDocument,
) -> Option<Action> {
    let mut action = None;
    let g = state.gazetteer()?;
    let dark = ui.visuals().dark_mode;
    ui.horizontal(|ui| {
        ui.strong(document.title.as_deref().unwrap_or(&document.name));
        if let Some(published) = &document.published {
            ui.weak(published.get(..10).unwrap_or(published));
        }
        if let Some(Ok(read)) = &document.read {
            ui.weak(format!(
                "{} mentions found · {} bytes",
                read.mentions.len(),
                read.text.len()
            ));
        }
        if document.title.is_some() {
            ui.weak(&document.name);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close ×")
                .on_hover_text("Close the document")
                .clicked()
            {
                action = Some(Action::CloseDocument);
            }
        });
    });
    ui.separator();
    let read = match &document.read {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak("Reading the document from the project…");
            });
            return action;
        }
        Some(Err(e)) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("The document could not be read: {e}"),
            );
            return action;
        }
        Some(Ok(read)) => read,
    };
    let text = &read.text;
    let selected = state.selected();
    let normal = TextFormat {
        font_id: egui::TextStyle::Body.resolve(ui.style()),
        color: palette::reading_text_color(dark),
        ..Default::default()
    };
    // Each mention's look: its entry's colour, struck out if not a place, underlined if
    // it is the selected place's or the one the document was opened at.
    let formats: Vec<TextFormat> = read
        .mentions
        .iter()
        .map(|m| {
            let mut format = normal.clone();
            match effective(state, g, &document.name, m) {
                Some(entry) => {
                    let kind = g.entry(entry).kind;
                    format.background = palette::kind_highlight(kind, dark);
                    format.color = ui.visuals().strong_text_color();
                    if Some(entry) == selected {
                        format.underline = egui::Stroke::new(2.0, palette::kind_color(kind, dark));
                    }
                }
                None => {
                    format.strikethrough = egui::Stroke::new(1.0, ui.visuals().weak_text_color());
                    format.color = ui.visuals().weak_text_color();
                }
            }
            if document.focus.as_ref() == Some(&(m.start..m.end)) {
                format.underline = egui::Stroke::new(3.0, palette::selection_color(dark));
            }
            format
        })
        .collect();
    egui::ScrollArea::vertical()
        .id_salt(("archive-document", document.id))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let wrap_width = ui.available_width();
            let mut first = 0;
            let mut paragraph_start = 0;
            for paragraph in text.split_inclusive('\n') {
                let content_end = paragraph_start + paragraph.trim_end_matches(['\n', '\r']).len();
                let paragraph_text = text.get(paragraph_start..content_end).unwrap_or("");
                while first < read.mentions.len() && read.mentions[first].end <= paragraph_start {
                    first += 1;
                }
                if paragraph_text.trim().is_empty() {
                    ui.add_space(6.0);
                    paragraph_start += paragraph.len();
                    continue;
                }
                let mut job = LayoutJob::default();
                let mut cursor = paragraph_start;
                let mut spans: Vec<(usize, usize, usize)> = Vec::new();
                let mut focus_here = false;
                let mut i = first;
                while i < read.mentions.len() && read.mentions[i].start < content_end {
                    let m = &read.mentions[i];
                    if m.start >= cursor && m.end <= content_end {
                        job.append(text.get(cursor..m.start).unwrap_or(""), 0.0, normal.clone());
                        job.append(
                            text.get(m.start..m.end).unwrap_or(""),
                            0.0,
                            formats[i].clone(),
                        );
                        spans.push((m.start - paragraph_start, m.end - paragraph_start, i));
                        focus_here |= document.focus.as_ref() == Some(&(m.start..m.end));
                        cursor = m.end;
                    }
                    i += 1;
                }
                job.append(
                    text.get(cursor..content_end).unwrap_or(""),
                    0.0,
                    normal.clone(),
                );
                job.wrap.max_width = wrap_width;
                let painted = paragraph_ui(ui, job, paragraph_text, !spans.is_empty());
                let response = painted.response.clone();
                let mention_under =
                    |p: egui::Pos2| painted.mention_under(p, paragraph_text, &spans);
                if focus_here && document.scroll_pending {
                    response.scroll_to_me(Some(egui::Align::Center));
                    action = Some(Action::ArchiveScrolled);
                }
                if response.hovered() && response.hover_pos().and_then(mention_under).is_some() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                }
                let menu_id = response.id.with("archive-menu-mention");
                if response.secondary_clicked()
                    && let Some(p) = response.interact_pointer_pos()
                {
                    let m = mention_under(p);
                    ui.ctx().data_mut(|d| d.insert_temp(menu_id, m));
                }
                response.context_menu(|ui| {
                    let m = ui
                        .ctx()
                        .data(|d| d.get_temp::<Option<usize>>(menu_id))
                        .flatten();
                    match m.and_then(|m| read.mentions.get(m)) {
                        Some(m) => {
                            if let Some(a) = correction_menu_ui(ui, state, g, &document.name, m) {
                                action = Some(a);
                            }
                        }
                        None => ui.close(),
                    }
                });
                if response.clicked()
                    && let Some(p) = response.interact_pointer_pos()
                    && let Some(m) = mention_under(p).and_then(|m| read.mentions.get(m))
                    && let Some(entry) = effective(state, g, &document.name, m)
                {
                    action = Some(Action::SelectAndFocus(entry));
                }
                paragraph_start += paragraph.len();
            }
        });
    action
}
