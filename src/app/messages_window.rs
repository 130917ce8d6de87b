//! The message log window, and the colour of a message by its level (the status bar and
//! the toast use it too).

use egui::{Color32, RichText, Ui};

use crate::app::state::{AppState, MessageLevel};

/// The message log: draws it while `open`, clears `open` when the user closes it, and
/// returns true if the user asked to clear the log.
pub(super) fn messages_window_ui(ctx: &egui::Context, open: &mut bool, state: &AppState) -> bool {
    let mut window_open = *open;
    let mut clear = false;
    egui::Window::new("Messages")
        .open(&mut window_open)
        .default_width(560.0)
        .default_height(300.0)
        .show(ctx, |ui| {
            if ui.button("Clear").clicked() {
                clear = true;
            }
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for m in state.messages() {
                        ui.label(RichText::new(&m.text).color(message_color(ui, m.level)));
                    }
                });
        });
    *open = window_open;
    clear
}

/// The colour a message of this level is drawn in.
pub(super) fn message_color(ui: &Ui, level: MessageLevel) -> Color32 {
    match level {
        MessageLevel::Info => ui.visuals().text_color(),
        MessageLevel::Success => {
            if ui.visuals().dark_mode {
                Color32::from_rgb(0x6f, 0xd0, 0x8c)
            } else {
                Color32::from_rgb(0x1e, 0x7b, 0x3a)
            }
        }
        MessageLevel::Warning => ui.visuals().warn_fg_color,
        MessageLevel::Error => ui.visuals().error_fg_color,
    }
}
