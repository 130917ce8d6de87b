//! The review queue: the least certain mentions shown, one at a time, for a person to
//! confirm, correct or dismiss with the keyboard while the map follows. Enter accepts the
//! parser's reading (recorded as the person's choice, so it counts as checked), 1–9
//! chooses another candidate, N marks "not a place", → and ← step without changing
//! anything, Esc closes.
//!
//! The queue is made once when the review starts ([`review_queue`]: one pass over the
//! mentions shown), never per frame.

use egui::{Key, RichText, Ui};

use super::Action;
use super::passages_panel::candidate_labels;
use super::state::{AppState, MentionKey, passage_range};

/// At most this many mentions in a review.
pub const REVIEW_LENGTH: usize = 500;

/// Candidates offered, one per digit key.
const REVIEW_CANDIDATES: usize = 9;

/// A review in progress: the mentions to go through, least certain first, and where the
/// person is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The mentions, least certain first.
    pub queue: Vec<MentionKey>,
    /// The one shown.
    pub at: usize,
}

/// The `n` least certain mentions the filter shows that no person has decided yet,
/// least certain first (ties in document order).
pub fn review_queue(state: &AppState, n: usize) -> Vec<MentionKey> {
    let mut all: Vec<(f32, MentionKey)> = state
        .places()
        .iter()
        .flat_map(|p| p.mentions.iter())
        .filter(|m| !m.corrected)
        .map(|m| (m.confidence, (m.document, m.mention)))
        .collect();
    let by_confidence =
        |a: &(f32, MentionKey), b: &(f32, MentionKey)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if all.len() > n && n > 0 {
        all.select_nth_unstable_by(n - 1, by_confidence);
        all.truncate(n);
    }
    all.sort_unstable_by(by_confidence);
    all.into_iter().map(|(_, key)| key).collect()
}

/// Draws the review window while `review` is `Some` and returns what the person did
/// (keys or buttons).
pub fn review_ui(ctx: &egui::Context, state: &AppState, review: &Review) -> Option<Action> {
    let g = state.gazetteer()?;
    let key = *review.queue.get(review.at)?;
    let doc = state.documents().get(key.0)?;
    let mention = doc.mentions.get(key.1)?;
    let candidates = state.candidates(key, REVIEW_CANDIDATES);
    let mut action = None;
    // Keys, unless a text field has the keyboard.
    if !ctx.egui_wants_keyboard_input() {
        ctx.input(|i| {
            if i.key_pressed(Key::Escape) {
                action = Some(Action::CloseReview);
            } else if i.key_pressed(Key::Enter) || i.key_pressed(Key::A) {
                action = Some(Action::ReviewAccept);
            } else if i.key_pressed(Key::N) {
                action = Some(Action::ReviewNotAPlace);
            } else if i.key_pressed(Key::ArrowRight) || i.key_pressed(Key::Space) {
                action = Some(Action::ReviewStep(1));
            } else if i.key_pressed(Key::ArrowLeft) {
                action = Some(Action::ReviewStep(-1));
            } else {
                const DIGITS: [Key; 9] = [
                    Key::Num1,
                    Key::Num2,
                    Key::Num3,
                    Key::Num4,
                    Key::Num5,
                    Key::Num6,
                    Key::Num7,
                    Key::Num8,
                    Key::Num9,
                ];
                for (d, digit) in DIGITS.iter().enumerate() {
                    if i.key_pressed(*digit)
                        && let Some(c) = candidates.get(d)
                    {
                        action = Some(Action::ReviewChoose(c.entry));
                    }
                }
            }
        });
    }
    egui::Window::new("Review")
        .default_width(420.0)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -40.0))
        .collapsible(false)
        .show(ctx, |ui: &mut Ui| {
            ui.horizontal(|ui| {
                ui.strong(format!(
                    "Mention {} of {}",
                    review.at + 1,
                    review.queue.len()
                ));
                ui.weak(format!("· confidence {:.2}", mention.resolution.confidence));
            });
            ui.weak(doc.document.title());
            let range = passage_range(doc, key.1);
            let text = &doc.document.text;
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.label(text.get(range.start..mention.start).unwrap_or(""));
                ui.label(
                    RichText::new(text.get(mention.start..mention.end).unwrap_or(""))
                        .strong()
                        .background_color(ui.visuals().selection.bg_fill),
                );
                ui.label(text.get(mention.end..range.end).unwrap_or(""));
            });
            ui.separator();
            let labels = candidate_labels(g, &candidates);
            for (d, (c, label)) in candidates.iter().zip(labels).enumerate() {
                let label = format!(
                    "{}  {label}{}",
                    d + 1,
                    if c.is_current { "  (now)" } else { "" }
                );
                if ui.selectable_label(c.is_current, label).clicked() {
                    action = Some(Action::ReviewChoose(c.entry));
                }
            }
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                if ui.button("Accept (Enter)").clicked() {
                    action = Some(Action::ReviewAccept);
                }
                if ui.button("Not a place (N)").clicked() {
                    action = Some(Action::ReviewNotAPlace);
                }
                if ui.button("Back (Left)").clicked() {
                    action = Some(Action::ReviewStep(-1));
                }
                if ui.button("Next (Right)").clicked() {
                    action = Some(Action::ReviewStep(1));
                }
                if ui.button("Close (Esc)").clicked() {
                    action = Some(Action::CloseReview);
                }
            });
        });
    action
}
