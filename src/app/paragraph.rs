//! One paragraph of a document drawn as a label with its mentions highlighted, and the
//! mention under a point of it: the document view and the archive's document view both
//! draw their text this way.

use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Galley, Pos2, Response, Sense, Ui};

/// A paragraph as laid out and painted by [`paragraph_ui`].
pub struct PaintedParagraph {
    /// The label's response (clicks, hover, context menu).
    pub response: Response,
    galley: Arc<Galley>,
    pos: Pos2,
}

/// Lays out and paints `job`, the paragraph `text` with its mentions formatted; it takes
/// clicks when `clickable` (it has mentions), else only hovers.
pub fn paragraph_ui(ui: &mut Ui, job: LayoutJob, text: &str, clickable: bool) -> PaintedParagraph {
    let sense = if clickable {
        Sense::click()
    } else {
        Sense::hover()
    };
    let (pos, galley, response) = egui::Label::new(job).sense(sense).layout_in_ui(ui);
    // Painted by hand below, so tell accessibility (and tests) what it says.
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
    if ui.is_rect_visible(response.rect) {
        ui.painter()
            .galley(pos, galley.clone(), ui.visuals().text_color());
    }
    PaintedParagraph {
        response,
        galley,
        pos,
    }
}

impl PaintedParagraph {
    /// The mention under the screen point `p`, of `mentions` (start and end as byte
    /// offsets in the paragraph's `text`, then the mention's index).
    pub fn mention_under(
        &self,
        p: Pos2,
        text: &str,
        mentions: &[(usize, usize, usize)],
    ) -> Option<usize> {
        let cursor = self.galley.cursor_from_pos(p - self.pos);
        let byte = text
            .char_indices()
            .nth(cursor.index.0)
            .map_or(text.len(), |(b, _)| b);
        mentions
            .iter()
            .find(|(s, e, _)| *s <= byte && byte < *e)
            .map(|m| m.2)
    }
}
