//! Place names beside the drawn markers, with a halo, most mentioned first, skipping any
//! that would overlap a label already placed or another marker.

use egui::{FontId, Pos2, Rect, Vec2};

use super::markers::{DrawnMarker, MarkerData, MarkerTarget};
use crate::app::palette;
use crate::gazetteer::EntryIndex;

/// Most labels drawn in one frame.
const MAX_LABELS: usize = 250;

/// A label to place next to a drawn marker.
pub(super) struct LabelCandidate {
    /// Index into the drawn markers.
    drawn: usize,
    text: String,
    /// Placed in this order: the selection first, then the most mentioned.
    priority: (bool, std::cmp::Reverse<usize>),
}

/// Clusters with more members than this get no name label (the count says enough).
pub(super) const MAX_NAMED_CLUSTER: usize = 25;

/// Labels with a halo, most mentioned first, skipping any that would overlap one already
/// placed or a marker. Returns where they were drawn (screen points), for the names of
/// the basemap to keep clear of.
pub(super) fn draw_labels(
    painter: &egui::Painter,
    drawn: &[DrawnMarker],
    mut labels: Vec<LabelCandidate>,
    dark: bool,
) -> Vec<Rect> {
    let font = FontId::proportional(13.0);
    let text_color = palette::label_color(dark);
    let halo = palette::halo_color(dark);
    labels.sort_by_key(|l| l.priority);
    let mut placed: Vec<Rect> = Vec::new();
    let clip = painter.clip_rect();
    for label in labels.into_iter().take(MAX_LABELS * 2) {
        if placed.len() >= MAX_LABELS {
            break;
        }
        let Some(d) = drawn.get(label.drawn) else {
            continue;
        };
        let text = label.text;
        let galley = painter.layout_no_wrap(text.clone(), font.clone(), text_color);
        let size = galley.size();
        let right = Rect::from_min_size(
            Pos2::new(d.center.x + d.radius + 4.0, d.center.y - size.y / 2.0),
            size,
        );
        let left = Rect::from_min_size(
            Pos2::new(
                d.center.x - d.radius - 4.0 - size.x,
                d.center.y - size.y / 2.0,
            ),
            size,
        );
        let below = Rect::from_min_size(
            Pos2::new(d.center.x - size.x / 2.0, d.center.y + d.radius + 2.0),
            size,
        );
        let blocked = |r: &Rect| {
            placed.iter().any(|p| p.intersects(r.expand(1.0)))
                || drawn
                    .iter()
                    .any(|o| o.center != d.center && r.distance_to_pos(o.center) < o.radius * 0.8)
                || !clip.contains_rect(*r)
        };
        let Some(spot) = [right, left, below].into_iter().find(|r| !blocked(r)) else {
            continue;
        };
        let halo_galley = painter.layout_no_wrap(text, font.clone(), halo);
        for (dx, dy) in [
            (-1.0, -1.0),
            (0.0, -1.5),
            (1.0, -1.0),
            (-1.5, 0.0),
            (1.5, 0.0),
            (-1.0, 1.0),
            (0.0, 1.5),
            (1.0, 1.0),
        ] {
            painter.galley(spot.min + Vec2::new(dx, dy), halo_galley.clone(), halo);
        }
        painter.galley(spot.min, galley, text_color);
        placed.push(spot);
    }
    placed
}

/// A label for each drawn marker: a place's name, or a small cluster's lead name and how
/// many more it holds; clusters over [`MAX_NAMED_CLUSTER`] get none.
pub(super) fn label_candidates<'m>(
    drawn: &[DrawnMarker],
    find: &dyn Fn(EntryIndex) -> Option<&'m MarkerData>,
    selected: Option<EntryIndex>,
) -> Vec<LabelCandidate> {
    let mut labels: Vec<LabelCandidate> = Vec::with_capacity(drawn.len());
    for (i, d) in drawn.iter().enumerate() {
        let (text, mentions, has_selected) = match &d.target {
            MarkerTarget::Place(e) => {
                let Some(m) = find(*e) else {
                    continue;
                };
                (m.name.clone(), m.mentions, selected == Some(*e))
            }
            MarkerTarget::Cluster(members) => {
                if members.len() > MAX_NAMED_CLUSTER {
                    continue;
                }
                let Some(lead) = find(members[0]) else {
                    continue;
                };
                (
                    format!("{} +{}", lead.name, members.len() - 1),
                    lead.mentions,
                    false,
                )
            }
        };
        labels.push(LabelCandidate {
            drawn: i,
            text,
            priority: (!has_selected, std::cmp::Reverse(mentions)),
        });
    }
    labels
}
