//! The "Add a place" / "Edit place" dialog: a place of the user's own, with its name,
//! alternate names, type, country and coordinates. Opened from the map's menu ("Add a
//! place here", the point and the country under it filled in) or from "My places".

use crate::app::Action;
use crate::gazetteer::{Kind, UserPlace};

/// A place being typed into the dialog.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlaceDraft {
    /// The name of the place being edited; `None` for a new place.
    pub(super) editing: Option<String>,
    pub(super) name: String,
    /// Alternate names, separated by `|` (as in a places file).
    pub(super) alternate_names: String,
    pub(super) kind: Kind,
    /// ISO alpha-2 code, or empty.
    pub(super) country: String,
    /// Degrees north, as typed.
    pub(super) lat: String,
    /// Degrees east, as typed.
    pub(super) lon: String,
    /// Why the last "Add place" was refused, shown in the dialog.
    pub(super) error: Option<String>,
    /// The name field takes the keyboard on the dialog's first frame.
    pub(super) focus_pending: bool,
}

impl PlaceDraft {
    /// A new place at (`lat`, `lon`), degrees, in `country`.
    pub(super) fn new_at(lat: f64, lon: f64, country: Option<String>) -> PlaceDraft {
        PlaceDraft {
            editing: None,
            name: String::new(),
            alternate_names: String::new(),
            kind: Kind::Place,
            country: country.unwrap_or_default(),
            lat: format!("{lat:.5}"),
            lon: format!("{lon:.5}"),
            error: None,
            focus_pending: true,
        }
    }

    /// The draft of an existing place.
    pub(super) fn editing(place: &UserPlace) -> PlaceDraft {
        PlaceDraft {
            editing: Some(place.name.clone()),
            name: place.name.clone(),
            alternate_names: place.alternate_names.join("|"),
            kind: place.kind,
            country: place.country_code.clone().unwrap_or_default(),
            lat: place.lat.to_string(),
            lon: place.lon.to_string(),
            error: None,
            focus_pending: true,
        }
    }

    /// The place typed, or why it is not one yet (coordinates that are not numbers; the
    /// rest is checked when it is added, [`UserPlace::checked`]).
    fn place(&self) -> Result<UserPlace, String> {
        let number = |text: &str, what: &str| {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("The {what} “{}” is not a number of degrees", text.trim()))
        };
        Ok(UserPlace {
            name: self.name.trim().to_string(),
            lat: number(&self.lat, "latitude")?,
            lon: number(&self.lon, "longitude")?,
            kind: self.kind,
            country_code: Some(self.country.trim().to_string()).filter(|c| !c.is_empty()),
            alternate_names: self
                .alternate_names
                .split('|')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
        })
    }
}

/// The kinds a user place may have, with their names in the dialog.
const KINDS: [(Kind, &str); 6] = [
    (Kind::Place, "Populated place"),
    (Kind::Physical, "Physical feature"),
    (Kind::Admin2, "Second-level division"),
    (Kind::Admin1, "First-level division"),
    (Kind::Region, "Region"),
    (Kind::Country, "Country"),
];

/// Draws the dialog while `draft` is `Some`; sets it to `None` when cancelled. Returns
/// the place to save (the app closes the dialog once it is saved, or shows why not).
pub(super) fn place_dialog_ui(
    ctx: &egui::Context,
    draft: &mut Option<PlaceDraft>,
) -> Option<Action> {
    let d = draft.as_mut()?;
    let mut action = None;
    let mut close = false;
    let title = if d.editing.is_some() {
        "Edit place"
    } else {
        "Add a place"
    };
    let response = egui::Modal::new(egui::Id::unique("place-dialog")).show(ctx, |ui| {
        ui.set_width(460.0);
        ui.heading(title);
        ui.weak("Its name and alternate names are found in every document, with or without capitals, and win over the gazetteer's places of the same name unless the text says otherwise (\"Paris, Texas\").");
        egui::Grid::new("place-fields")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let field = |ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str| {
                    let label = ui.label(label);
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(text)
                                .hint_text(hint)
                                .desired_width(300.0),
                        )
                        .labelled_by(label.id);
                    ui.end_row();
                    edit
                };
                let name = field(ui, "Name", &mut d.name, "as the news writes it");
                if std::mem::take(&mut d.focus_pending) {
                    name.request_focus();
                }
                field(
                    ui,
                    "Alternate names",
                    &mut d.alternate_names,
                    "other names, separated by |",
                );
                let label = ui.label("Type");
                egui::ComboBox::from_id_salt("place-kind")
                    .selected_text(
                        KINDS
                            .iter()
                            .find(|(k, _)| *k == d.kind)
                            .map_or("Populated place", |(_, n)| n),
                    )
                    .show_ui(ui, |ui| {
                        for (kind, name) in KINDS {
                            ui.selectable_value(&mut d.kind, kind, name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                field(ui, "Country", &mut d.country, "NE (ISO code)");
                field(ui, "Latitude", &mut d.lat, "degrees north");
                field(ui, "Longitude", &mut d.lon, "degrees east");
            });
        if let Some(error) = &d.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            let save = if d.editing.is_some() {
                "Save place"
            } else {
                "Add place"
            };
            let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui
                .add_enabled(!d.name.trim().is_empty(), egui::Button::new(save))
                .clicked()
                || (enter && !d.name.trim().is_empty())
            {
                match d.place() {
                    Ok(place) => {
                        action = Some(Action::SavePlace {
                            replacing: d.editing.clone(),
                            place,
                        });
                    }
                    Err(e) => d.error = Some(e),
                }
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || response.should_close() {
        *draft = None;
    }
    action
}
