//! The review queue: the least certain mentions shown, one at a time, for a person to
//! confirm, correct or dismiss with the keyboard while the map follows. Enter accepts the
//! parser's reading (recorded as the person's choice, so it counts as checked), 1–9
//! chooses another candidate, N marks "not a place", → and ← step without changing
//! anything, Esc closes.
//!
//! The queue is made once when the review starts ([`review_queue`]: one pass over the
//! mentions shown), never per frame. In a project opened as an archive it is read from
//! the project on the reader's thread instead
//! ([`crate::project::Project::least_certain_passages`]: the least certain mentions no
//! correction decides, a range of documents at a time, never every mention in memory),
//! and each decision is a correction of the archive, written as it is made.

use egui::{Key, RichText, Ui};

use super::Action;
use super::archive::ReviewItem;
use super::passages_panel::candidate_labels;
use super::state::{AppState, CandidateChoice, MentionKey, passage_range};
use crate::corpus::mention_candidates;
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::located_entry;

/// At most this many mentions in a review.
pub const REVIEW_LENGTH: usize = 500;

/// Candidates offered, one per digit key.
const REVIEW_CANDIDATES: usize = 9;

/// A review in progress: the mentions to go through, least certain first, and where the
/// person is.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// The mentions, least certain first (of the documents held).
    pub queue: Vec<MentionKey>,
    /// Of a project opened as an archive, the mentions read from it instead, least
    /// certain first (`queue` is then empty).
    pub items: Vec<ReviewItem>,
    /// The one shown.
    pub at: usize,
}

impl Review {
    /// How many mentions the review has.
    pub fn len(&self) -> usize {
        self.queue.len().max(self.items.len())
    }

    /// True if it has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The mention a review shows, however it was read.
struct Shown<'a> {
    title: &'a str,
    /// The passage's text before the mention, the mention, and after.
    before: &'a str,
    mention: &'a str,
    after: &'a str,
    confidence: f32,
    candidates: Vec<CandidateChoice>,
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
    if !review.items.is_empty() {
        return archive_review_ui(ctx, state, g, review);
    }
    let key = *review.queue.get(review.at)?;
    let doc = state.documents().get(key.0)?;
    let mention = doc.mentions.get(key.1)?;
    let range = passage_range(doc, key.1);
    let text = &doc.document.text;
    let shown = Shown {
        title: doc.document.title(),
        before: text.get(range.start..mention.start).unwrap_or(""),
        mention: text.get(mention.start..mention.end).unwrap_or(""),
        after: text.get(mention.end..range.end).unwrap_or(""),
        confidence: mention.resolution.confidence,
        candidates: state.candidates(key, REVIEW_CANDIDATES),
    };
    review_window_ui(ctx, g, review, &shown)
}

/// The review of a project opened as an archive: the passage read with the mention, its
/// candidates after the user's corrections.
fn archive_review_ui(
    ctx: &egui::Context,
    state: &AppState,
    g: &Gazetteer,
    review: &Review,
) -> Option<Action> {
    let item = review.items.get(review.at)?;
    let (p, m) = (&item.passage, &item.mention);
    let start = p.mention.start.saturating_sub(p.passage.start);
    let end = p.mention.end.saturating_sub(p.passage.start);
    let current = archive_effective(state, g, item);
    let shown = Shown {
        title: p.title.as_deref().unwrap_or(&p.document),
        before: p.text.get(..start).unwrap_or(""),
        mention: p.text.get(start..end).unwrap_or(""),
        after: p.text.get(end..).unwrap_or(""),
        confidence: m.resolution.confidence,
        candidates: mention_candidates(g, m, current, REVIEW_CANDIDATES),
    };
    review_window_ui(ctx, g, review, &shown)
}

/// The located entry an archive's mention under review denotes after the user's
/// corrections and rules; `None` if not a place.
pub fn archive_effective(state: &AppState, g: &Gazetteer, item: &ReviewItem) -> Option<EntryIndex> {
    state
        .corrections()
        .apply(g, &item.passage.document, &item.mention)
        .map(|(entry, _, _)| located_entry(g, entry))
}

/// The review window: keys, the passage, the candidates and the buttons.
fn review_window_ui(
    ctx: &egui::Context,
    g: &Gazetteer,
    review: &Review,
    shown: &Shown<'_>,
) -> Option<Action> {
    let candidates = &shown.candidates;
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
                ui.strong(format!("Mention {} of {}", review.at + 1, review.len()));
                ui.weak(format!("· confidence {:.2}", shown.confidence));
            });
            ui.weak(shown.title);
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.label(shown.before);
                ui.label(
                    RichText::new(shown.mention)
                        .strong()
                        .background_color(ui.visuals().selection.bg_fill),
                );
                ui.label(shown.after);
            });
            ui.separator();
            let labels = candidate_labels(g, candidates);
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
