//! The dialog that asks which fields of a dataset export (CSV, TSV, JSON Lines, JSON)
//! hold the text, title, date and URL, when Gazette could not find the text by the
//! usual names: the app's counterpart of `--text-field` and its siblings.

use std::path::PathBuf;

use crate::app::Action;
use crate::corpus::Fields;

/// A file waiting for the user to choose its fields.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FieldChoice {
    /// The file.
    pub(super) path: PathBuf,
    /// Its field names, in file order.
    pub(super) names: Vec<String>,
    /// What is chosen so far.
    pub(super) fields: Fields,
}

/// Draws the dialog while `choice` is `Some`; returns the file to open with the fields
/// chosen, and closes.
pub(super) fn field_dialog_ui(
    ctx: &egui::Context,
    choice: &mut Option<FieldChoice>,
) -> Option<Action> {
    let draft = choice.as_mut()?;
    let mut action = None;
    let mut close = false;
    let file = draft
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let response = egui::Modal::new(egui::Id::unique("choose-fields")).show(ctx, |ui| {
        ui.set_width(460.0);
        ui.heading(format!("Which fields of {file}?"));
        ui.label(
            "Gazette did not find the article text by its usual names. Choose the field \
             that holds it, and the others if the file has them.",
        );
        ui.add_space(6.0);
        let names = &draft.names;
        field_row(ui, "Text", names, &mut draft.fields.text, false);
        field_row(ui, "Title", names, &mut draft.fields.title, true);
        field_row(ui, "Date", names, &mut draft.fields.date, true);
        field_row(ui, "URL", names, &mut draft.fields.url, true);
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let ok = draft.fields.text.is_some();
            if ui.add_enabled(ok, egui::Button::new("Open")).clicked() {
                action = Some(Action::OpenWithFields {
                    path: draft.path.clone(),
                    fields: draft.fields.clone(),
                });
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || response.should_close() {
        *choice = None;
    }
    action
}

/// One field's row: a list of the file's fields (and "none" when optional), labelled.
fn field_row(
    ui: &mut egui::Ui,
    label: &str,
    names: &[String],
    value: &mut Option<String>,
    optional: bool,
) {
    let shown = value.clone().unwrap_or_else(|| "(none)".to_string());
    egui::ComboBox::from_label(label)
        .selected_text(shown)
        .width(260.0)
        .show_ui(ui, |ui| {
            if optional {
                ui.selectable_value(value, None, "(none)");
            }
            for name in names {
                ui.selectable_value(value, Some(name.clone()), name);
            }
        });
}
