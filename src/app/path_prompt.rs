//! The path prompt: where to open or export, typed in, when no file dialog could be
//! shown (no desktop portal, no zenity).

use std::path::PathBuf;

use crate::app::Action;
use crate::app::dialogs::DialogRequest;

/// A path being typed because no file dialog could be shown.
#[derive(Debug, Clone)]
pub(super) struct PathPrompt {
    /// What the file dialog was for.
    pub(super) request: DialogRequest,
    /// The path typed so far.
    pub(super) path: String,
    /// The text field takes the keyboard focus when the prompt opens.
    pub(super) focus_pending: bool,
}

/// Where to open or export when no file dialog could be shown: a path typed in. Draws
/// the prompt while `prompt_open` is `Some`, sets it to `None` when it closes, and
/// returns what to open or where to export.
pub(super) fn path_prompt_ui(
    ctx: &egui::Context,
    prompt_open: &mut Option<PathPrompt>,
) -> Option<Action> {
    let prompt = prompt_open.as_mut()?;
    let mut action = None;
    let mut close = false;
    let response = egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
        ui.set_width(520.0);
        let title = match prompt.request {
            DialogRequest::OpenFiles | DialogRequest::OpenFolder => "Open a file or folder",
            DialogRequest::Export(_) => "Export to a file",
            DialogRequest::ExportPicture => "Export map as PNG",
            DialogRequest::OpenProject => "Open a project",
            DialogRequest::SaveProject => "Save the project as",
            DialogRequest::ExportRules => "Export the rules to a file",
            DialogRequest::OpenRules => "Add rules from a file",
            DialogRequest::ExportPlaces => "Export your places to a file",
            DialogRequest::OpenPlaces => "Import places from a file",
        };
        ui.heading(title);
        ui.label("No file dialog is available here; type a path instead.");
        let label = ui.label("Path");
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut prompt.path)
                    .hint_text(match prompt.request {
                        DialogRequest::OpenFiles | DialogRequest::OpenFolder => "/home/me/articles",
                        DialogRequest::Export(format) => match format {
                            crate::export::Format::GeoJson => "/home/me/places.geojson",
                            crate::export::Format::Kml => "/home/me/places.kml",
                            crate::export::Format::JsonLines => "/home/me/mentions.jsonl",
                            crate::export::Format::Csv => "/home/me/mentions.csv",
                        },
                        DialogRequest::ExportPicture => "/home/me/map.png",
                        DialogRequest::OpenProject | DialogRequest::SaveProject => {
                            "/home/me/news.gpkg"
                        }
                        DialogRequest::OpenRules | DialogRequest::ExportRules => {
                            "/home/me/rules.txt"
                        }
                        DialogRequest::OpenPlaces | DialogRequest::ExportPlaces => {
                            "/home/me/places.csv"
                        }
                    })
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut prompt.focus_pending) {
            edit.request_focus();
        }
        let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            let ok = !prompt.path.trim().is_empty();
            let go = ui.add_enabled(ok, egui::Button::new("OK")).clicked();
            if ok && (go || entered) {
                let path = PathBuf::from(prompt.path.trim());
                action = Some(match prompt.request {
                    DialogRequest::Export(format) => Action::ExportTo(path, format),
                    DialogRequest::ExportPicture => Action::ExportPictureTo(path),
                    DialogRequest::OpenProject => Action::OpenProject(path),
                    DialogRequest::SaveProject => Action::SaveProjectAs(path),
                    DialogRequest::ExportRules => Action::ExportRulesTo(path),
                    DialogRequest::OpenRules => Action::OpenRulesFrom(path),
                    DialogRequest::ExportPlaces => Action::ExportPlacesTo(path),
                    DialogRequest::OpenPlaces => Action::ImportPlacesFrom(path),
                    DialogRequest::OpenFiles | DialogRequest::OpenFolder => {
                        Action::OpenPaths(vec![path])
                    }
                });
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || response.should_close() {
        *prompt_open = None;
    }
    action
}
