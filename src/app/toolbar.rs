//! The toolbar along the top of the window: opening, pasting, exporting, the tile
//! switch, the theme, reset and About.

use egui::{RichText, Ui};

use crate::app::Action;
use crate::app::state::AppState;
use crate::export::Format;

/// Draws the toolbar (open, paste, export, online tiles, theme, reset, About) and returns
/// what the user did; `online`: whether OpenStreetMap tiles are on.
pub(super) fn toolbar_ui(ui: &mut Ui, state: &AppState, online: bool) -> Vec<Action> {
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
        let project_open = state.project().is_some();
        ui.menu_button("Project", |ui| {
            if ui
                .button("Open project…")
                .on_hover_text("Open a project (.gpkg): its documents, corrections and filter")
                .clicked()
            {
                actions.push(Action::OpenProjectDialog);
            }
            if ui
                .add_enabled(
                    !state.documents().is_empty(),
                    egui::Button::new("Save project as…"),
                )
                .on_hover_text(
                    "Save the open documents with their corrections and filter as a project \
                     (a GeoPackage GIS programs open); changes are then saved in it as you \
                     make them",
                )
                .clicked()
            {
                actions.push(Action::SaveProjectAsDialog);
            }
            if ui
                .add_enabled(project_open, egui::Button::new("Close project"))
                .on_hover_text("Close the project and its documents (every change is in it)")
                .clicked()
            {
                actions.push(Action::CloseProject);
            }
        });
        if ui
            .button("Paste text…")
            .on_hover_text("Add text from the clipboard as a new document")
            .clicked()
        {
            actions.push(Action::PasteTextDialog);
        }
        ui.separator();
        let has_places = !state.places().is_empty();
        if ui
            .add_enabled(has_places, egui::Button::new("Export GeoJSON…"))
            .on_hover_text("Save the places shown (after filter and corrections) as GeoJSON")
            .clicked()
        {
            actions.push(Action::ExportDialog(Format::GeoJson));
        }
        if ui
            .add_enabled(has_places, egui::Button::new("Export KML…"))
            .on_hover_text(
                "Save the places shown (after filter and corrections) as KML, for Google Earth",
            )
            .clicked()
        {
            actions.push(Action::ExportDialog(Format::Kml));
        }
        if ui
            .add_enabled(has_places, egui::Button::new("Export CSV…"))
            .on_hover_text("Save the mentions shown (after filter and corrections) as CSV")
            .clicked()
        {
            actions.push(Action::ExportDialog(Format::Csv));
        }
        if ui
            .button("Export map PNG…")
            .on_hover_text("Save the map as shown, with its legend, as a PNG picture for a report")
            .clicked()
        {
            actions.push(Action::PictureDialog);
        }
        ui.separator();
        let mut online = online;
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
                .on_hover_text("Close every document, forget corrections, rules and filters, and open the sample articles")
                .clicked()
            {
                actions.push(Action::ConfirmReset);
            }
        });
    });
    ui.add_space(2.0);
    actions
}
