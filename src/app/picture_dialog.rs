//! The "Export map as PNG" dialog: the picture's size, as a scale of the map shown (the
//! same view, sharper), before the file dialog asks where to save it.

use crate::app::Action;
use crate::app::map_picture::MAX_PICTURE_SIDE;

/// The scales offered: the map's size on screen, and two, three and four times it.
pub const PICTURE_SCALES: [f32; 4] = [1.0, 2.0, 3.0, 4.0];

/// The dialog while it is open: the scale chosen and the map's size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PictureDraft {
    /// Pixels per point of the picture.
    pub(super) scale: f32,
    /// The map's size on screen, in points.
    pub(super) size: egui::Vec2,
}

/// Draws the dialog while `draft` is `Some`, clears it when it closes, and returns
/// [`Action::ExportPictureDialog`] with the scale chosen.
pub(super) fn picture_dialog_ui(
    ctx: &egui::Context,
    draft: &mut Option<PictureDraft>,
) -> Option<Action> {
    let d = draft.as_mut()?;
    let mut action = None;
    let mut close = false;
    let response = egui::Modal::new(egui::Id::unique("export-picture")).show(ctx, |ui| {
        ui.set_width(380.0);
        ui.heading("Export map as PNG");
        ui.label(
            "The map as shown, with its legend, scale bar and attribution, at a size for a \
             report:",
        );
        for scale in PICTURE_SCALES {
            let (w, h) = (
                (d.size.x * scale).round() as u32,
                (d.size.y * scale).round() as u32,
            );
            let fits = w <= MAX_PICTURE_SIDE && h <= MAX_PICTURE_SIDE;
            let label = format!("{w} × {h} pixels ({scale}×)");
            ui.add_enabled_ui(fits, |ui| {
                ui.radio_value(&mut d.scale, scale, label);
            });
        }
        ui.horizontal(|ui| {
            if ui.button("Save as PNG…").clicked() {
                action = Some(Action::ExportPictureDialog(d.scale));
                close = true;
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
