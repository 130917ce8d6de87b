//! The right panel: the selected place, how sure the parser was and what else it could
//! be (with the corrections the user can make), and every passage that mentions it,
//! grouped by document, the mention highlighted, each mention with why it reads so.
//! With nothing selected: the places to check, the user's rules (`rules_view.rs`) and
//! corrections.
//!
//! A frame costs the same whatever the place's mentions: its figures and documents are
//! kept by the state ([`AppState::place_stats`], [`AppState::selection_details`]), and
//! its passages are shown a page of documents at a time.

use super::plural;
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, RichText, Sense, Ui};

use crate::app::Action;
use crate::app::palette;
use crate::app::state::{AppState, CandidateChoice, MentionKey, passage_range};
use crate::corpus::{CorrectionAction, MentionRef};
use crate::gazetteer::{Gazetteer, Kind};
use crate::geoparse::text::{is_sentence_end, is_sentence_start};
use crate::geoparse::why::thousands;

/// Candidates offered per mention in its correction menu.
const MENTION_CANDIDATES: usize = 12;
/// Candidates offered for a whole place.
const PLACE_CANDIDATES: usize = 8;
/// Corrections of an archive listed, the newest.
const ARCHIVE_CORRECTIONS_LISTED: usize = 1_000;
/// Documents whose passages are shown at a time.
const DOCUMENTS_PER_PAGE: usize = 25;

/// Draws the passages panel and returns what the user did.
pub fn passages_panel_ui(ui: &mut Ui, state: &AppState) -> Option<Action> {
    let mut action = None;
    let Some(g) = state.gazetteer() else {
        ui.weak("Loading the gazetteer…");
        return None;
    };
    let Some(selected) = state.selected() else {
        return overview_ui(ui, state, g);
    };
    let e = g.entry(selected);
    let dark = ui.visuals().dark_mode;

    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new("•")
                .color(palette::kind_color(e.kind, dark))
                .size(26.0),
        );
        ui.heading(&e.name);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("×")
                .on_hover_text("Clear the selection")
                .clicked()
            {
                action = Some(Action::Select(None));
            }
        });
    });
    let country = e
        .country_code
        .as_deref()
        .map(|cc| crate::corpus::country_name(g, cc));
    let mut description = palette::kind_label(e.kind).to_string();
    if let Some(c) = &country
        && e.kind != Kind::Country
    {
        description.push_str(", ");
        description.push_str(c);
    }
    ui.label(description);
    ui.weak(format!(
        "{} · {:.4}°, {:.4}°{}",
        e.id,
        e.lat,
        e.lon,
        if e.population > 0 {
            format!(" · pop. {}", thousands(e.population))
        } else {
            String::new()
        }
    ));

    if let Some(view) = state.archive() {
        let read = super::archive_panel::archive_passages_ui(ui, state, g, view, selected);
        return read.or(action);
    }

    let (Some(place), Some(stats), Some(details)) = (
        state.selected_place(),
        state.place_stats(selected),
        state.selection_details(),
    ) else {
        ui.add_space(8.0);
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "The current filter hides this place.",
        );
        return action;
    };

    // Confidence and corrections.
    let n = place.mention_count;
    let (mean, low) = (stats.mean_confidence, stats.lowest_confidence);
    let (corrected, demonyms) = (stats.corrected, stats.demonyms);
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{n} mention{}", plural(n)));
        ui.label("·");
        confidence_label(ui, mean, "mean confidence").on_hover_text(format!("Lowest: {low:.2}"));
        if corrected > 0 {
            ui.label("·");
            ui.label(format!("{corrected} corrected by you"));
        }
        if demonyms > 0 {
            ui.label("·");
            ui.label(format!("{demonyms} demonym{}", plural(demonyms)));
        }
    });

    egui::CollapsingHeader::new("Resolution")
        .id_salt("place-resolution")
        .default_open(true)
        .show(ui, |ui| {
            let candidates = &details.candidates;
            if candidates.is_empty() {
                ui.weak("The parser had no other candidate for these mentions.");
            } else {
                ui.weak("Other candidates for these mentions — choose one to reassign them all:");
                let shown = &candidates[..candidates.len().min(PLACE_CANDIDATES)];
                for (c, label) in shown.iter().zip(candidate_labels(g, shown)) {
                    if ui
                        .button(label)
                        .on_hover_text("Reassign every mention that could denote it")
                        .clicked()
                    {
                        action = Some(Action::ReassignPlace {
                            place: place.entry,
                            to: c.entry,
                        });
                    }
                }
            }
            ui.add_space(2.0);
            if ui
                .button(format!("Not a place ({n} mention{})", plural(n)))
                .on_hover_text("Mark every mention shown here as not a place name")
                .clicked()
            {
                action = Some(Action::PlaceNotAPlace(place.entry));
            }
        });

    ui.separator();
    let groups = &details.documents;
    let pages = groups.len().div_ceil(DOCUMENTS_PER_PAGE).max(1);
    let page_id = ui.scope_id().with(("passages-page", selected));
    let mut page = ui
        .data(|d| d.get_temp::<usize>(page_id))
        .unwrap_or(0)
        .min(pages - 1);
    ui.strong(format!(
        "Passages in {} document{}",
        thousands(groups.len() as u64),
        plural(groups.len())
    ));
    if pages > 1 {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(page > 0, egui::Button::new("‹").small())
                .on_hover_text("Previous documents")
                .clicked()
            {
                page -= 1;
            }
            let first = page * DOCUMENTS_PER_PAGE;
            let last = (first + DOCUMENTS_PER_PAGE).min(groups.len());
            ui.weak(format!("{}–{}", first + 1, last));
            if ui
                .add_enabled(page + 1 < pages, egui::Button::new("›").small())
                .on_hover_text("Next documents")
                .clicked()
            {
                page += 1;
            }
        });
    }
    ui.data_mut(|d| d.insert_temp(page_id, page));
    let shown = groups
        .iter()
        .skip(page * DOCUMENTS_PER_PAGE)
        .take(DOCUMENTS_PER_PAGE);
    egui::ScrollArea::vertical()
        .id_salt(("passages", page))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (document, range) in shown {
                let Some(mentions) = place.mentions.get(range.clone()) else {
                    continue;
                };
                let doc = &state.documents()[*document].document;
                egui::CollapsingHeader::new(
                    RichText::new(format!("{} ({})", doc.title(), mentions.len())).strong(),
                )
                .id_salt(("passages-doc", *document))
                .default_open(true)
                .show(ui, |ui| {
                    if let Some(a) = document_meta_ui(ui, doc) {
                        action = Some(a);
                    }
                    for passage in group_by_passage(state, *document, mentions) {
                        if let Some(a) = passage_ui(ui, state, g, *document, &passage, dark) {
                            action = Some(a);
                        }
                        ui.add_space(4.0);
                    }
                });
            }
        });
    action
}

/// With nothing selected: how to start, the places to check first, and the user's
/// corrections (each can be undone, including mentions marked "not a place", which no
/// list shows any more).
fn overview_ui(ui: &mut Ui, state: &AppState, g: &Gazetteer) -> Option<Action> {
    let mut action = None;
    let dark = ui.visuals().dark_mode;
    ui.add_space(6.0);
    ui.weak("Select a place on the map or in the list to see every passage that mentions it.");
    ui.add_space(6.0);
    let check = state.least_certain_places(8);
    if state.archive().is_some() {
        // Its mentions' confidences are in the project: the review reads the least
        // certain from it.
        ui.strong("Least certain mentions");
        ui.weak("Read from the project, the least certain first; each decision is saved at once.");
        if ui
            .button("Review the least certain mentions…")
            .on_hover_text(
                "Go through the least certain mentions one at a time: Enter accepts, 1–9 \
                 chooses another candidate, N marks not a place, the right arrow skips",
            )
            .clicked()
        {
            action = Some(Action::StartReview);
        }
        ui.add_space(8.0);
    } else if !check.is_empty() {
        ui.strong("Least certain places");
        ui.weak("The parser was least sure of these; worth a look.");
        if ui
            .button("Review the least certain mentions…")
            .on_hover_text(
                "Go through the least certain mentions one at a time: Enter accepts, 1–9 \
                 chooses another candidate, N marks not a place, the right arrow skips",
            )
            .clicked()
        {
            action = Some(Action::StartReview);
        }
        for (entry, confidence) in check {
            let e = g.entry(entry);
            ui.horizontal(|ui| {
                ui.label(RichText::new("•").color(palette::kind_color(e.kind, dark)));
                if ui
                    .add(egui::Button::new(&e.name).frame(false))
                    .on_hover_text(e.label())
                    .clicked()
                {
                    action = Some(Action::SelectAndFocus(entry));
                }
                if let Some(cc) = &e.country_code
                    && e.kind != Kind::Country
                {
                    ui.weak(cc);
                }
                confidence_label(ui, confidence, "mean confidence");
            });
        }
        ui.add_space(8.0);
    }
    ui.horizontal(|ui| {
        ui.strong(format!("Your places ({})", state.user_places().len()));
        if ui
            .small_button("My places…")
            .on_hover_text("Your own places: edit, delete, import a list, export (right-click the map to add one)")
            .clicked()
        {
            action = Some(Action::ShowMyPlaces);
        }
    });
    if state.user_places().is_empty() {
        ui.weak("None yet. Right-click the map and choose \"Add a place here\", or import a list in My places.");
    }
    ui.add_space(8.0);
    if let Some(a) = super::rules_view::rules_ui(ui, state, g) {
        action = Some(a);
    }
    ui.add_space(8.0);
    if state.archive().is_some() {
        if let Some(a) = archive_corrections_ui(ui, state, g) {
            action = Some(a);
        }
        return action;
    }
    let corrected = state.corrected_mentions();
    ui.strong(format!("Your corrections ({})", state.corrections().len()));
    if corrected.is_empty() {
        ui.weak(
            "None yet. Use \"Correct…\" under a passage, or right-click a mention in a document.",
        );
    }
    // One line each, only the visible ones drawn: "not a place" on a whole country can
    // make thousands.
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical()
        .id_salt("corrections")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, corrected.len(), |ui, rows| {
            for &key in &corrected[rows] {
                let doc = &state.documents()[key.0];
                let mention = &doc.mentions[key.1];
                let target = match state.correction_of(key) {
                    Some(CorrectionAction::NotAPlace) => "not a place".to_string(),
                    _ => state
                        .effective_entry(key)
                        .map(|e| g.entry(e).label())
                        .unwrap_or_default(),
                };
                ui.horizontal(|ui| {
                    if ui.small_button("Undo").clicked() {
                        action = Some(Action::UndoCorrection(key));
                    }
                    if ui
                        .add(egui::Button::new(format!("“{}”", mention.text)).frame(false))
                        .on_hover_text(format!("Open {} at this mention", doc.document.name))
                        .clicked()
                    {
                        action = Some(Action::OpenPassage {
                            document: key.0,
                            mention: key.1,
                        });
                    }
                    ui.label(format!("as {target}"));
                    ui.add(egui::Label::new(RichText::new(&doc.document.name).weak()).truncate());
                });
            }
        });
    action
}

/// The corrections of a project opened as an archive, newest first, each with its undo:
/// its documents are not held, so a correction is named by its document and span.
fn archive_corrections_ui(ui: &mut Ui, state: &AppState, g: &Gazetteer) -> Option<Action> {
    let mut action = None;
    let corrections = state.corrections();
    if let Some(view) = state.archive()
        && !view.batches.is_empty()
    {
        ui.strong("Whole places corrected");
        for (i, batch) in view.batches.iter().enumerate().rev() {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        !view.counting && !state.archive_place_busy(),
                        egui::Button::new("Undo all").small(),
                    )
                    .on_hover_text("Undo the correction of every one of these mentions")
                    .clicked()
                {
                    action = Some(Action::UndoArchivePlace(i));
                }
                // Truncated: a long name must not widen the panel.
                ui.add(
                    egui::Label::new(format!(
                        "{} ({} mention{})",
                        batch.label,
                        thousands(batch.changes.len() as u64),
                        plural(batch.changes.len())
                    ))
                    .truncate(),
                );
            });
        }
        ui.add_space(4.0);
    }
    ui.strong(format!(
        "Your corrections ({})",
        thousands(corrections.len() as u64)
    ));
    if corrections.is_empty() {
        ui.weak("None yet. Use \"Correct…\" under a passage of a place.");
    }
    // The newest only: a row is found by walking the list from its end, so a frame
    // walks at most this many whatever the scroll (a whole place makes as many
    // corrections as it has mentions; "Undo all" undoes those).
    let listed = corrections.len().min(ARCHIVE_CORRECTIONS_LISTED);
    if listed < corrections.len() {
        ui.weak(format!(
            "The newest {} are listed.",
            thousands(listed as u64)
        ));
    }
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical()
        .id_salt("archive-corrections")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, listed, |ui, rows| {
            // Those on screen, newest first: a walk to them, not a copy of the list.
            let shown = rows.len();
            for c in corrections.iter_newest().skip(rows.start).take(shown) {
                let target = match &c.action {
                    CorrectionAction::NotAPlace => "not a place".to_string(),
                    CorrectionAction::Reassign { id } => g
                        .index_of_id(id)
                        .map_or_else(|| id.clone(), |e| g.entry(e).label()),
                };
                ui.horizontal(|ui| {
                    if ui
                        .small_button("Undo")
                        .on_hover_text("Undo this correction (saved to the project at once)")
                        .clicked()
                    {
                        action = Some(Action::CorrectArchiveMention {
                            document: c.document.clone(),
                            start: c.start,
                            end: c.end,
                            action: None,
                        });
                    }
                    ui.label(format!("as {target}"));
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{} @{}–{}", c.document, c.start, c.end)).weak(),
                        )
                        .truncate(),
                    );
                });
            }
        });
    action
}

/// Mentions of one document that stand in the same passage.
fn group_by_passage(
    state: &AppState,
    document: usize,
    mentions: &[MentionRef],
) -> Vec<Vec<MentionRef>> {
    let doc = &state.documents()[document];
    let mut out: Vec<Vec<MentionRef>> = Vec::new();
    for m in mentions {
        let range = passage_range(doc, m.mention);
        match out.last_mut() {
            Some(group) if passage_range(doc, group[0].mention) == range => group.push(*m),
            _ => out.push(vec![*m]),
        }
    }
    out
}

/// A document's date, source and link, under its title: the link opens in the browser.
pub fn document_meta_ui(ui: &mut Ui, doc: &crate::corpus::Document) -> Option<Action> {
    let meta = &doc.meta;
    if meta.published.is_none()
        && meta.url.is_none()
        && meta.source.is_none()
        && meta.title.is_none()
    {
        return None;
    }
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        if let Some(p) = meta.published {
            ui.weak(p.date.format("%Y-%m-%d").to_string());
        }
        if let Some(source) = &meta.source {
            ui.weak(source);
        }
        if meta.title.is_some() {
            ui.weak(&doc.name);
        }
        if let Some(url) = &meta.url
            && ui
                .link("Open link")
                .on_hover_text(format!("Open {url} in the browser"))
                .clicked()
        {
            action = Some(Action::OpenUrl(url.clone()));
        }
    });
    action
}

/// One passage: its text with the mentions highlighted (click to open the document
/// there), then each mention's confidence and correction menu.
fn passage_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    document: usize,
    mentions: &[MentionRef],
    dark: bool,
) -> Option<Action> {
    let mut action = None;
    let doc = &state.documents()[document];
    let text = &doc.document.text;
    // A bounded passage: its sentence, or a window cut inside a long one ("…" there).
    let range = passage_range(doc, mentions[0].mention);
    let (start, end) = (range.start, range.end);
    let body = egui::TextStyle::Body.resolve(ui.style());
    let normal = TextFormat {
        font_id: body.clone(),
        color: palette::reading_text_color(dark),
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    if !is_sentence_start(text, start) {
        job.append("… ", 0.0, normal.clone());
    }
    let mut cursor = start;
    let mut spans: Vec<(usize, usize, Kind)> = mentions
        .iter()
        .map(|m| {
            let mention = &doc.mentions[m.mention];
            (mention.start, mention.end, g.entry(m.entry).kind)
        })
        .collect();
    spans.sort_by_key(|s| s.0);
    for (s, e, kind) in spans {
        if s < cursor || e > end {
            continue;
        }
        job.append(text.get(cursor..s).unwrap_or(""), 0.0, normal.clone());
        job.append(
            text.get(s..e).unwrap_or(""),
            0.0,
            TextFormat {
                background: palette::kind_highlight(kind, dark),
                color: ui.visuals().strong_text_color(),
                ..normal.clone()
            },
        );
        cursor = e;
    }
    job.append(text.get(cursor..end).unwrap_or(""), 0.0, normal.clone());
    if !is_sentence_end(text, end) {
        job.append(" …", 0.0, normal);
    }
    job.wrap.max_width = ui.available_width();

    let frame = egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(6))
        .fill(ui.visuals().faint_bg_color);
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        let response = ui
            .add(egui::Label::new(job).sense(Sense::click()))
            .on_hover_text("Open the document at this passage");
        if response.hovered() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
        }
        if response.clicked() {
            action = Some(Action::OpenPassage {
                document,
                mention: mentions[0].mention,
            });
        }
        for m in mentions {
            let key = (document, m.mention);
            let mention = &doc.mentions[m.mention];
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 6.0;
                ui.weak(format!("“{}”", mention.text));
                confidence_label(ui, m.confidence, "confidence");
                if m.corrected {
                    // A correction of this mention, else a rule for its name.
                    let by = if state.correction_of(key).is_some() {
                        "corrected"
                    } else {
                        "by your rule"
                    };
                    ui.label(RichText::new(by).italics());
                }
                if m.demonym {
                    ui.weak("demonym");
                }
                if let Some(a) = mention_menu_ui(ui, state, g, key) {
                    action = Some(a);
                }
            });
            why_ui(ui, state, key);
        }
    });
    action
}

/// Why a mention reads as it does ([`AppState::why`]), small and weak under it. Kept in
/// egui's memory until the state's revision changes: working it out reads the whole
/// document's mentions, which a frame should not redo.
fn why_ui(ui: &mut Ui, state: &AppState, key: MentionKey) {
    let id = ui.scope_id().with(("mention-why", key));
    let revision = state.revision();
    let why = match ui.data(|d| d.get_temp::<(u64, String)>(id)) {
        Some((r, why)) if r == revision => why,
        _ => {
            let why = state.why(key);
            ui.data_mut(|d| d.insert_temp(id, (revision, why.clone())));
            why
        }
    };
    if !why.is_empty() {
        ui.add(egui::Label::new(RichText::new(why).small().weak()).wrap());
    }
}

/// The "Correct…" menu button of one mention.
fn mention_menu_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    key: MentionKey,
) -> Option<Action> {
    let mut action = None;
    ui.menu_button("Correct…", |ui| {
        action = correction_menu_ui(ui, state, g, key);
    });
    action
}

/// The contents of a mention's correction menu: its candidates, "Not a place", and undo.
/// Also the document view's right-click menu.
pub fn correction_menu_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    key: MentionKey,
) -> Option<Action> {
    let mut action = None;
    ui.set_min_width(260.0);
    if let Some(m) = state
        .documents()
        .get(key.0)
        .and_then(|d| d.mentions.get(key.1))
    {
        ui.weak(format!("“{}” denotes:", m.text));
    }
    let candidates = state.candidates(key, MENTION_CANDIDATES);
    for (c, label) in candidates.iter().zip(candidate_labels(g, &candidates)) {
        if ui.radio(c.is_current, label).clicked() {
            if !c.is_current {
                action = Some(Action::Reassign {
                    mention: key,
                    entry: c.entry,
                });
            }
            ui.close();
        }
    }
    ui.separator();
    let is_not_a_place = matches!(state.correction_of(key), Some(CorrectionAction::NotAPlace));
    if ui.radio(is_not_a_place, "Not a place").clicked() {
        if !is_not_a_place {
            action = Some(Action::NotAPlace(key));
        }
        ui.close();
    }
    if let Some(a) = super::rules_view::rule_items_ui(ui, state, g, key, &candidates) {
        action = Some(a);
    }
    if state.correction_of(key).is_some() {
        ui.separator();
        if ui.button("Undo my correction").clicked() {
            action = Some(Action::UndoCorrection(key));
            ui.close();
        }
    }
    action
}

/// The labels of `candidates` (`candidate_label`); those that would otherwise read
/// alike (the nine Washington Counties of a US story) say their first-level division,
/// or where there is none, their coordinates.
pub fn candidate_labels(g: &Gazetteer, candidates: &[CandidateChoice]) -> Vec<String> {
    let plain: Vec<String> = candidates.iter().map(|c| candidate_label(g, c)).collect();
    let base = |c: &CandidateChoice| g.entry(c.entry).label();
    candidates
        .iter()
        .zip(&plain)
        .map(|(c, label)| {
            let twins = candidates.iter().filter(|o| base(o) == base(c)).count();
            if twins > 1 {
                let e = g.entry(c.entry);
                if let Some(division) = g.admin1_of(c.entry) {
                    return format!("{label}  in {}", g.entry(division).name);
                }
                format!(
                    "{label}  {:.2}°{} {:.2}°{}",
                    e.lat.abs(),
                    if e.lat >= 0.0 { "N" } else { "S" },
                    e.lon.abs(),
                    if e.lon >= 0.0 { "E" } else { "W" }
                )
            } else {
                label.clone()
            }
        })
        .collect()
}

/// `Niamey (place, NE) 0.92`.
pub(super) fn candidate_label(g: &Gazetteer, c: &CandidateChoice) -> String {
    let e = g.entry(c.entry);
    let mut label = match &e.country_code {
        Some(cc) => format!("{} ({}, {})", e.name, palette::kind_label(e.kind), cc),
        None => format!("{} ({})", e.name, palette::kind_label(e.kind)),
    };
    if let Some(p) = c.probability {
        label.push_str(&format!("  p={p:.2}"));
    }
    label
}

/// A confidence value coloured from red (low) to green (high).
fn confidence_label(ui: &mut Ui, confidence: f32, what: &str) -> egui::Response {
    let dark = ui.visuals().dark_mode;
    let color = if confidence >= 0.8 {
        if dark {
            Color32::from_rgb(0x6f, 0xd0, 0x8c)
        } else {
            Color32::from_rgb(0x1e, 0x7b, 0x3a)
        }
    } else if confidence >= 0.5 {
        if dark {
            Color32::from_rgb(0xe8, 0xc3, 0x4f)
        } else {
            Color32::from_rgb(0x9a, 0x6a, 0x00)
        }
    } else if dark {
        Color32::from_rgb(0xff, 0x80, 0x70)
    } else {
        Color32::from_rgb(0xb0, 0x2a, 0x1a)
    };
    ui.label(
        RichText::new(format!("{confidence:.2}"))
            .color(color)
            .strong(),
    )
    .on_hover_text(format!("{what}: {confidence:.3}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_026_848), "1,026,848");
    }
}
