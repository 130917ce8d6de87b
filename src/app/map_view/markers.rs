//! The markers: one place, or a cluster of them, drawn as a circle sized by its mentions;
//! what a drawn marker stands for, how it is hit-tested, and its tooltip.

use egui::{Align2, Color32, FontId, Painter, Pos2, Response, Stroke, Ui};

use crate::app::palette;
use crate::app::state::AppState;
use crate::gazetteer::{EntryIndex, Kind};

/// Hit radius added to a marker's radius, in points.
pub(super) const HIT_SLOP: f32 = 4.0;

/// One place as the map draws it.
#[derive(Debug, Clone)]
pub(super) struct MarkerData {
    pub(super) entry: EntryIndex,
    pub(super) name: String,
    pub(super) country: String,
    pub(super) kind: Kind,
    pub(super) mentions: usize,
    pub(super) lon: f64,
    pub(super) lat: f64,
    pub(super) pos_in_mercator: [f64; 2],
}

/// What a drawn marker stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkerTarget {
    /// One place.
    Place(EntryIndex),
    /// Several places drawn as one circle (most mentioned first).
    Cluster(Vec<EntryIndex>),
}

/// A marker as drawn in the last frame, in screen points.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnMarker {
    /// Its centre.
    pub center: Pos2,
    /// Its radius.
    pub radius: f32,
    /// What it stands for.
    pub target: MarkerTarget,
}

/// Marker radius in points for a number of mentions: the area grows with the count.
pub fn marker_radius(mentions: usize) -> f32 {
    (3.5 + 2.2 * (mentions as f32).sqrt()).min(20.0)
}

pub(super) fn cluster_radius(mentions: usize, members: usize) -> f32 {
    (9.0 + 1.6 * (mentions as f32).sqrt() + (members as f32).log2()).min(26.0)
}

pub(super) fn marker_tooltip<'m>(
    ui: &Ui,
    response: &Response,
    marker: &DrawnMarker,
    find: &dyn Fn(EntryIndex) -> Option<&'m MarkerData>,
    state: &AppState,
) {
    let tooltip = egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        response.id.with("marker-tooltip"),
        egui::PopupAnchor::Pointer,
    );
    tooltip.show(|ui| match &marker.target {
        MarkerTarget::Place(entry) => {
            if let Some(m) = find(*entry) {
                ui.strong(&m.name);
                let kind = palette::kind_label(m.kind);
                if m.kind == Kind::Country || m.country.is_empty() {
                    ui.label(kind);
                } else {
                    ui.label(format!("{kind}, {}", m.country));
                }
                ui.label(mentions_text(m.mentions));
                if let Some(stats) = state.place_stats(*entry) {
                    let docs = stats.documents;
                    if docs > 1 {
                        ui.weak(format!("in {docs} documents"));
                    }
                }
                ui.weak("Click to show its passages");
            }
        }
        MarkerTarget::Cluster(entries) => {
            let total: usize = entries
                .iter()
                .filter_map(|e| find(*e))
                .map(|m| m.mentions)
                .sum();
            ui.strong(format!(
                "{} places, {}",
                entries.len(),
                mentions_text(total)
            ));
            for e in entries.iter().take(8) {
                if let Some(m) = find(*e) {
                    ui.label(format!("{} ({})", m.name, m.mentions));
                }
            }
            if entries.len() > 8 {
                ui.weak(format!("and {} more", entries.len() - 8));
            }
            ui.weak("Click to zoom in");
        }
    });
}

fn mentions_text(n: usize) -> String {
    if n == 1 {
        "1 mention".to_string()
    } else {
        format!("{n} mentions")
    }
}

/// Paints a cluster at `center` (the position of its most mentioned marker): one place as
/// a circle in its feature type's colour, several as a circle with their count, either
/// ringed when it holds the `selected` place. `members` index `markers`, most mentioned
/// first; `mentions` is their total. Returns it as drawn.
pub(super) fn paint_cluster(
    painter: &Painter,
    center: Pos2,
    (members, mentions): (&[usize], usize),
    markers: &[MarkerData],
    selected: Option<EntryIndex>,
    dark: bool,
) -> DrawnMarker {
    let halo = palette::halo_color(dark);
    let lead = &markers[members[0]];
    if members.len() == 1 {
        let r = marker_radius(lead.mentions);
        let is_selected = selected == Some(lead.entry);
        painter.circle(
            center,
            r,
            palette::kind_color(lead.kind, dark),
            Stroke::new(1.5, halo),
        );
        if is_selected {
            painter.circle_stroke(
                center,
                r + 3.5,
                Stroke::new(3.0, palette::selection_color(dark)),
            );
        }
        DrawnMarker {
            center,
            radius: r,
            target: MarkerTarget::Place(lead.entry),
        }
    } else {
        let r = cluster_radius(mentions, members.len());
        let contains_selected = members.iter().any(|&i| selected == Some(markers[i].entry));
        painter.circle(
            center,
            r + 3.0,
            palette::cluster_color(dark).gamma_multiply(0.35),
            Stroke::NONE,
        );
        painter.circle(
            center,
            r,
            palette::cluster_color(dark),
            Stroke::new(2.0, palette::kind_color(lead.kind, dark)),
        );
        if contains_selected {
            painter.circle_stroke(
                center,
                r + 4.0,
                Stroke::new(3.0, palette::selection_color(dark)),
            );
        }
        painter.text(
            center,
            Align2::CENTER_CENTER,
            members.len().to_string(),
            FontId::proportional(12.0),
            Color32::WHITE,
        );
        DrawnMarker {
            center,
            radius: r,
            target: MarkerTarget::Cluster(members.iter().map(|&i| markers[i].entry).collect()),
        }
    }
}

/// Paints the selected place `m` at `center` as itself, ringed, when its own marker was
/// not drawn (it is inside a cluster). Returns it as drawn.
pub(super) fn paint_selected_place(
    painter: &Painter,
    center: Pos2,
    m: &MarkerData,
    dark: bool,
) -> DrawnMarker {
    let halo = palette::halo_color(dark);
    let r = marker_radius(m.mentions);
    painter.circle(
        center,
        r,
        palette::kind_color(m.kind, dark),
        Stroke::new(1.5, halo),
    );
    painter.circle_stroke(
        center,
        r + 3.5,
        Stroke::new(3.0, palette::selection_color(dark)),
    );
    DrawnMarker {
        center,
        radius: r,
        target: MarkerTarget::Place(m.entry),
    }
}

/// The drawn marker under `pos`: the nearest (relative to its radius) of those within
/// their radius plus [`HIT_SLOP`].
pub(super) fn marker_at(drawn: &[DrawnMarker], pos: Pos2) -> Option<&DrawnMarker> {
    drawn
        .iter()
        .filter(|d| d.center.distance(pos) <= d.radius.max(6.0) + HIT_SLOP)
        .min_by(|x, y| {
            (x.center.distance(pos) / x.radius.max(6.0))
                .total_cmp(&(y.center.distance(pos) / y.radius.max(6.0)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_area_grows_with_mentions() {
        assert!(marker_radius(1) < marker_radius(4));
        assert!(marker_radius(4) < marker_radius(16));
        assert!(marker_radius(100_000) <= 20.0);
    }
}
