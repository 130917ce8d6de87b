//! The "Reset to samples?" question, asked before every document, correction and the
//! filter are dropped.

use super::plural;
use crate::app::Action;
use crate::app::state::AppState;

/// Asks before closing everything and opening the sample articles: draws the question
/// while `open`, clears `open` when it closes, and returns [`Action::ResetToSamples`] if
/// the user agreed.
pub(super) fn reset_dialog_ui(
    ctx: &egui::Context,
    open: &mut bool,
    state: &AppState,
) -> Option<Action> {
    if !*open {
        return None;
    }
    let mut action = None;
    let mut close = false;
    let response = egui::Modal::new(egui::Id::unique("confirm-reset")).show(ctx, |ui| {
        ui.set_width(400.0);
        ui.heading("Reset to samples?");
        let rules = state.rules().len();
        ui.label(format!(
            "This closes {} document{}, forgets {} correction{}, {rules} rule{} and the filter, \
             and opens the sample articles.",
            state.documents().len(),
            plural(state.documents().len()),
            state.corrections().len(),
            plural(state.corrections().len()),
            plural(rules)
        ));
        ui.horizontal(|ui| {
            if ui.button("Reset").clicked() {
                action = Some(Action::ResetToSamples);
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || response.should_close() {
        *open = false;
    }
    action
}
