//! The passages of the selected place of a project opened as an archive (see
//! [`super::archive`]): read from the project a page at a time, grouped by document,
//! each with the mention highlighted. A frame draws the passages read, never more.

use egui::text::{LayoutJob, TextFormat};
use egui::{RichText, Ui};

use super::archive::ArchiveView;
use super::plural;
use super::state::AppState;
use crate::app::Action;
use crate::app::palette;
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::why::thousands;
use crate::project::Passage;

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
    ui.separator();
    let Some(read) = view.passages.as_ref().filter(|p| p.entry == selected) else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak("Reading its passages from the project…");
        });
        return None;
    };
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
            for passage in passages {
                if last_document != Some(passage.document_id) {
                    last_document = Some(passage.document_id);
                    ui.add_space(6.0);
                    document_heading_ui(ui, passage);
                }
                passage_ui(ui, passage, kind, dark);
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

/// One passage with its mention highlighted.
fn passage_ui(ui: &mut Ui, passage: &Passage, kind: crate::gazetteer::Kind, dark: bool) {
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
    let mut job = LayoutJob::default();
    job.append(text.get(..start).unwrap_or(""), 0.0, normal.clone());
    job.append(
        text.get(start..end).unwrap_or(""),
        0.0,
        TextFormat {
            background: palette::kind_highlight(kind, dark),
            color: ui.visuals().strong_text_color(),
            ..normal.clone()
        },
    );
    job.append(text.get(end..).unwrap_or(""), 0.0, normal);
    job.wrap.max_width = ui.available_width();
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(6))
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(job);
        });
}
