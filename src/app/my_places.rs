//! The "My places" window: the user's own places, each with Edit and Delete, and their
//! file: import a list (CSV or GeoJSON), export them (CSV, the form the import reads).

use crate::app::Action;
use crate::app::state::AppState;

/// Draws the window while `open` is true. Returns what the user did.
pub(super) fn my_places_ui(
    ctx: &egui::Context,
    open: &mut bool,
    state: &AppState,
) -> Option<Action> {
    let mut action = None;
    let places = state.user_places();
    egui::Window::new("My places")
        .open(open)
        .default_width(420.0)
        .default_pos([560.0, 140.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui
                    .button("Import places…")
                    .on_hover_text("Add the places of a CSV (name, lat, lon; optionally kind, country, alternate_names) or GeoJSON file; a place there replaces yours of the same name")
                    .clicked()
                {
                    action = Some(Action::ImportPlacesDialog);
                }
                if ui
                    .add_enabled(!places.is_empty(), egui::Button::new("Export places…"))
                    .on_hover_text("Write your places to a CSV file that Gazette (or `gazette parse --places`) reads back")
                    .clicked()
                {
                    action = Some(Action::ExportPlacesDialog);
                }
            });
            ui.separator();
            if places.is_empty() {
                ui.weak("None yet. Right-click the map and choose \"Add a place here\", or import a list.");
            }
            egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                egui::Grid::new("my-places")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        for place in places {
                            ui.label(&place.name).on_hover_text(format!(
                                "{}{}",
                                place.id(),
                                if place.alternate_names.is_empty() {
                                    String::new()
                                } else {
                                    format!("; also {}", place.alternate_names.join(", "))
                                }
                            ));
                            ui.weak(format!(
                                "{} · {} · {:.4}, {:.4}",
                                place.kind,
                                place.country_code.as_deref().unwrap_or("no country"),
                                place.lat,
                                place.lon
                            ));
                            if ui
                                .small_button("Edit")
                                .on_hover_text(format!("Edit {}", place.name))
                                .clicked()
                            {
                                action = Some(Action::EditPlace(place.name.clone()));
                            }
                            if ui
                                .small_button("Delete")
                                .on_hover_text(format!("Delete {}", place.name))
                                .clicked()
                            {
                                action = Some(Action::DeletePlace(place.name.clone()));
                            }
                            ui.end_row();
                        }
                    });
            });
        });
    action
}
