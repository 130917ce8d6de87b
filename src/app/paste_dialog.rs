//! The "Paste text" dialog: a name and a text typed or pasted in, added as a new
//! document.

use crate::app::Action;

/// Text being typed into the "Paste text" dialog.
#[derive(Debug, Default, Clone)]
pub(super) struct PasteDraft {
    /// The document's name.
    pub(super) name: String,
    /// The document's text.
    pub(super) text: String,
}

/// The "Paste text" dialog: draws it while `paste` is `Some`, sets it to `None` when it
/// closes, and returns the document to add.
pub(super) fn paste_dialog_ui(
    ctx: &egui::Context,
    paste: &mut Option<PasteDraft>,
) -> Option<Action> {
    let draft = paste.as_mut()?;
    let mut action = None;
    let mut close = false;
    let response = egui::Modal::new(egui::Id::unique("paste-text")).show(ctx, |ui| {
        ui.set_width(560.0);
        ui.heading("Paste text");
        ui.horizontal(|ui| {
            let label = ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut draft.name).desired_width(300.0))
                .labelled_by(label.id);
        });
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut draft.text)
                        .hint_text("Paste or type an article here")
                        .desired_rows(14)
                        .desired_width(f32::INFINITY),
                );
            });
        ui.horizontal(|ui| {
            let ok = !draft.text.trim().is_empty();
            if ui
                .add_enabled(ok, egui::Button::new("Add document"))
                .clicked()
            {
                action = Some(Action::AddPastedText {
                    name: draft.name.clone(),
                    text: draft.text.clone(),
                });
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
            ui.weak(format!("{} characters", draft.text.chars().count()));
        });
    });
    if close || response.should_close() {
        *paste = None;
    }
    action
}
