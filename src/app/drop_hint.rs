//! The drop hint: what the window shows while files are dragged over it.

use egui::Color32;

use super::plural;

/// While files are dragged over the window, darkens it and says how many would open.
pub(super) fn drop_hint_ui(ctx: &egui::Context) {
    let hovering = ctx.input(|i| i.raw.hovered_files.len());
    if hovering == 0 {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop-hint"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        format!("Drop to open {hovering} file{}", plural(hovering)),
        egui::FontId::proportional(24.0),
        Color32::WHITE,
    );
}
