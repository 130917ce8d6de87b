//! The document view: one document's full text with every mention highlighted in its
//! feature type's colour, scrolled to the passage the user clicked. Clicking a mention
//! selects its place (and the map pans to it); "Next place" and "Previous place" (keys
//! `]` and `[`) step through its places in text order, the map following.

use egui::text::{LayoutJob, TextFormat};
use egui::{Align, RichText, Stroke, Ui};

use crate::app::Action;
use crate::app::palette;
use crate::app::paragraph::paragraph_ui;
use crate::app::state::AppState;
use crate::corpus::CorrectionAction;

/// Draws the document view and returns what the user did.
pub fn document_view_ui(ui: &mut Ui, state: &AppState) -> Option<Action> {
    let mut action = None;
    let (Some(open), Some(g)) = (state.open_document_state(), state.gazetteer()) else {
        return None;
    };
    let Some(doc) = state.documents().get(open.document) else {
        return Some(Action::CloseDocument);
    };
    let dark = ui.visuals().dark_mode;
    let selected = state.selected();

    ui.horizontal(|ui| {
        ui.strong(doc.document.title());
        let shown = state
            .document_mentions()
            .get(open.document)
            .copied()
            .unwrap_or(0);
        ui.weak(format!(
            "{} mentions found · {} shown · {} bytes",
            doc.mentions.len(),
            shown,
            doc.document.text.len()
        ));
        if let Some(path) = &doc.document.path {
            ui.weak(path.display().to_string());
        }
        ui.with_layout(egui::Layout::right_to_left(Align::Center), |ui| {
            if ui
                .button("Close ×")
                .on_hover_text("Close the document")
                .clicked()
            {
                action = Some(Action::CloseDocument);
            }
            let n = state.documents().len();
            if ui
                .add_enabled(open.document + 1 < n, egui::Button::new("Next ›"))
                .on_hover_text("Next document")
                .clicked()
            {
                action = Some(Action::OpenDocument(open.document + 1));
            }
            if ui
                .add_enabled(open.document > 0, egui::Button::new("‹ Prev"))
                .on_hover_text("Previous document")
                .clicked()
            {
                action = Some(Action::OpenDocument(open.document - 1));
            }
        });
    });
    if let Some(a) = step_places_ui(ui, state, open) {
        action = Some(a);
    }
    if let Some(a) = super::passages_panel::document_meta_ui(ui, &doc.document) {
        action = Some(a);
    }
    ui.separator();

    let text = &doc.document.text;
    let body = egui::TextStyle::Body.resolve(ui.style());
    let normal = TextFormat {
        font_id: body.clone(),
        color: palette::reading_text_color(dark),
        ..Default::default()
    };
    // Each mention's look: its entry's colour, struck out if marked "not a place",
    // underlined if it belongs to the selected place, outlined if it is the focus.
    struct Span {
        start: usize,
        end: usize,
        mention: usize,
        format: TextFormat,
    }
    let spans: Vec<Span> = doc
        .mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let key = (open.document, i);
            let mut format = normal.clone();
            match state.effective_entry(key) {
                Some(entry) => {
                    let kind = g.entry(entry).kind;
                    format.background = palette::kind_highlight(kind, dark);
                    format.color = ui.visuals().strong_text_color();
                    if Some(entry) == selected {
                        format.underline = Stroke::new(2.0, palette::kind_color(kind, dark));
                    }
                }
                None => {
                    format.strikethrough = Stroke::new(1.0, ui.visuals().weak_text_color());
                    format.color = ui.visuals().weak_text_color();
                }
            }
            if open.focus_mention == Some(i) {
                format.underline = Stroke::new(3.0, palette::selection_color(dark));
            }
            Span {
                start: m.start,
                end: m.end,
                mention: i,
                format,
            }
        })
        .collect();

    egui::ScrollArea::vertical()
        .id_salt(("document-text", open.document))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let wrap_width = ui.available_width();
            let mut span_index = 0;
            let mut paragraph_start = 0;
            for paragraph in text.split_inclusive('\n') {
                let paragraph_end = paragraph_start + paragraph.len();
                let content_end = paragraph_start + paragraph.trim_end_matches(['\n', '\r']).len();
                // The mentions inside this paragraph, in text order.
                while span_index < spans.len() && spans[span_index].end <= paragraph_start {
                    span_index += 1;
                }
                let mut job = LayoutJob::default();
                let mut cursor = paragraph_start;
                let mut mention_at: Vec<(usize, usize, usize)> = Vec::new();
                let mut contains_focus = false;
                let mut i = span_index;
                while i < spans.len() && spans[i].start < content_end {
                    let s = &spans[i];
                    if s.start >= cursor && s.end <= content_end {
                        job.append(text.get(cursor..s.start).unwrap_or(""), 0.0, normal.clone());
                        job.append(text.get(s.start..s.end).unwrap_or(""), 0.0, s.format.clone());
                        mention_at.push((s.start - paragraph_start, s.end - paragraph_start, s.mention));
                        contains_focus |= open.focus_mention == Some(s.mention);
                        cursor = s.end;
                    }
                    i += 1;
                }
                job.append(text.get(cursor..content_end).unwrap_or(""), 0.0, normal.clone());
                job.wrap.max_width = wrap_width;
                let paragraph_text = text.get(paragraph_start..content_end).unwrap_or("");
                if paragraph_text.trim().is_empty() {
                    ui.add_space(6.0);
                    paragraph_start = paragraph_end;
                    continue;
                }
                let painted = paragraph_ui(ui, job, paragraph_text, !mention_at.is_empty());
                let response = painted.response.clone();
                let mention_under =
                    |p: egui::Pos2| painted.mention_under(p, paragraph_text, &mention_at);
                if contains_focus && open.scroll_pending {
                    response.scroll_to_me(Some(Align::Center));
                    action = Some(Action::Scrolled);
                }
                if let Some(hover) = response.hover_pos()
                    && let Some(m) = mention_under(hover)
                {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                    let key = (open.document, m);
                    let mention = &doc.mentions[m];
                    let tip = match (state.effective_entry(key), state.correction_of(key)) {
                        (_, Some(CorrectionAction::NotAPlace)) | (None, _) => {
                            format!("“{}”: marked not a place (right-click to change)", mention.text)
                        }
                        (Some(entry), correction) => format!(
                            "“{}”: {} — confidence {:.2}{}\nClick to select it; right-click to correct it",
                            mention.text,
                            g.entry(entry).label(),
                            mention.resolution.confidence,
                            if correction.is_some() { " (corrected by you)" } else { "" }
                        ),
                    };
                    egui::Tooltip::always_open(
                        ui.ctx().clone(),
                        ui.layer_id(),
                        response.id.with("mention-tip"),
                        egui::PopupAnchor::Pointer,
                    )
                    .show(|ui| {
                        ui.set_max_width(420.0);
                        ui.label(RichText::new(tip));
                        // Why it reads so: worked out while the pointer rests on it.
                        let why = state.why(key);
                        if !why.is_empty() {
                            ui.label(RichText::new(why).small().weak());
                        }
                    });
                }
                // Right-click: the mention's correction menu (also for mentions marked
                // "not a place", which no list shows any more).
                let menu_id = response.id.with("menu-mention");
                if response.secondary_clicked()
                    && let Some(p) = response.interact_pointer_pos()
                {
                    let m = mention_under(p);
                    ui.ctx().data_mut(|d| d.insert_temp(menu_id, m));
                }
                response.context_menu(|ui| {
                    match ui.ctx().data(|d| d.get_temp::<Option<usize>>(menu_id)).flatten() {
                        Some(m) => {
                            if let Some(a) = crate::app::passages_panel::correction_menu_ui(
                                ui,
                                state,
                                g,
                                (open.document, m),
                            ) {
                                action = Some(a);
                            }
                        }
                        None => {
                            ui.close();
                        }
                    }
                });
                if response.clicked()
                    && let Some(p) = response.interact_pointer_pos()
                    && let Some(m) = mention_under(p)
                {
                    action = Some(Action::ClickMention {
                        document: open.document,
                        mention: m,
                    });
                }
                paragraph_start = paragraph_end;
            }
        });
    action
}

/// "Previous place", "Next place" (keys `[` and `]`, unless a text field has them) and
/// where the focus is among the document's places ([`AppState::places_to_step`]).
fn step_places_ui(
    ui: &mut Ui,
    state: &AppState,
    open: &crate::app::state::OpenDocument,
) -> Option<Action> {
    let mut action = None;
    let places = state.places_to_step(open.document);
    let at = open
        .focus_mention
        .and_then(|f| places.iter().position(|&m| m == f));
    let has_next = match open.focus_mention {
        None => !places.is_empty(),
        Some(f) => places.last().is_some_and(|&m| m > f),
    };
    let has_previous = match open.focus_mention {
        None => !places.is_empty(),
        Some(f) => places.first().is_some_and(|&m| m < f),
    };
    ui.horizontal(|ui| {
        if ui
            .add_enabled(has_previous, egui::Button::new("Previous place"))
            .on_hover_text("The previous place this document names, shown on the map (key: [)")
            .clicked()
        {
            action = Some(Action::StepPlace(-1));
        }
        if ui
            .add_enabled(has_next, egui::Button::new("Next place"))
            .on_hover_text("The next place this document names, shown on the map (key: ])")
            .clicked()
        {
            action = Some(Action::StepPlace(1));
        }
        ui.weak(match at {
            Some(i) => format!("Place {} of {} · keys [ and ]", i + 1, places.len()),
            None => format!(
                "{} places shown · keys [ and ] step through them",
                places.len()
            ),
        });
    });
    if ui.memory(|m| m.focused().is_none()) {
        let (next, previous) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::CloseBracket),
                i.key_pressed(egui::Key::OpenBracket),
            )
        });
        if next && has_next {
            action = Some(Action::StepPlace(1));
        } else if previous && has_previous {
            action = Some(Action::StepPlace(-1));
        }
    }
    action
}
