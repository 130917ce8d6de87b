//! The toast: an export or an error shown for a few seconds in the corner of the map.

use egui::RichText;

use super::messages_window::message_color;
use crate::app::state::{AppState, MessageLevel};

/// Exports and errors also show for a few seconds in the corner of the map. `toast`: the
/// message shown and when it appeared (egui time, seconds); `last_sequence`: the newest
/// message already considered for a toast.
pub(super) fn toast_ui(
    ctx: &egui::Context,
    toast: &mut Option<(u64, f64)>,
    last_sequence: &mut u64,
    state: &AppState,
) {
    const TOAST_SECONDS: f64 = 6.0;
    let now = ctx.input(|i| i.time);
    if let Some(m) = state.latest_message()
        && m.sequence > *last_sequence
    {
        *last_sequence = m.sequence;
        if matches!(m.level, MessageLevel::Success | MessageLevel::Error) {
            *toast = Some((m.sequence, now));
        }
    }
    let Some((sequence, since)) = *toast else {
        return;
    };
    if now - since > TOAST_SECONDS {
        *toast = None;
        return;
    }
    ctx.request_repaint_after(std::time::Duration::from_secs_f64(
        (TOAST_SECONDS - (now - since)).max(0.1),
    ));
    let Some(m) = state.messages().iter().find(|m| m.sequence == sequence) else {
        return;
    };
    let (level, text) = (m.level, m.text.clone());
    let mut dismiss = false;
    egui::Area::new(egui::Id::unique("toast"))
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .order(egui::Order::Foreground)
        .interactable(true)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style())
                .stroke(egui::Stroke::new(1.5, message_color(ui, level)))
                .show(ui, |ui| {
                    ui.set_max_width(380.0);
                    ui.horizontal_top(|ui| {
                        if ui.small_button("×").on_hover_text("Dismiss").clicked() {
                            dismiss = true;
                        }
                        ui.add(
                            egui::Label::new(RichText::new(text).color(message_color(ui, level)))
                                .wrap(),
                        );
                    });
                });
        });
    if dismiss {
        *toast = None;
    }
}
