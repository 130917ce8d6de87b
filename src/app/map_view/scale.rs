//! The map's scale bar: a round distance (1, 2 or 5 times a power of ten, in metres or
//! kilometres) drawn at the length it has at the centre of the view.

use egui::{Align2, Color32, FontId, Painter, Pos2, Stroke, pos2};

use crate::geoparse::why::thousands;

/// Metres one screen point covers at latitude `lat` (degrees) and zoom `zoom`, on the
/// Web Mercator map of 256-point tiles: the equator's length over the world's width in
/// points, shrunk by the cosine of the latitude.
pub fn metres_per_point(lat: f64, zoom: f64) -> f64 {
    const EQUATOR_M: f64 = 40_075_016.686;
    EQUATOR_M * lat.to_radians().cos().abs() / (super::TILE_PX * 2f64.powf(zoom))
}

/// The longest round distance that fits in `max_points` at `metres_per_point`: its
/// length in points and its label (`500 km`, `200 m`). `None` when the scale means
/// nothing (a degenerate view).
pub fn scale_bar(metres_per_point: f64, max_points: f32) -> Option<(f32, String)> {
    if !(metres_per_point.is_finite() && metres_per_point > 0.0 && max_points > 0.0) {
        return None;
    }
    let max_m = metres_per_point * f64::from(max_points);
    let power = 10f64.powf(max_m.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|f| f * power)
        .find(|&m| m <= max_m)?;
    let label = if metres >= 1000.0 {
        format!("{} km", thousands((metres / 1000.0).round() as u64))
    } else {
        format!("{} m", metres.round())
    };
    Some(((metres / metres_per_point) as f32, label))
}

/// Draws the bar with its right end at `right_bottom`.
pub fn paint(painter: &Painter, right_bottom: Pos2, length: f32, label: &str, dark: bool) {
    let (ink, halo) = if dark {
        (Color32::from_gray(230), Color32::from_black_alpha(160))
    } else {
        (Color32::from_gray(30), Color32::from_white_alpha(190))
    };
    let y = right_bottom.y;
    let (x0, x1) = (right_bottom.x - length, right_bottom.x);
    // A plate under it, like the attribution's, so that markers and names beneath do
    // not run into it.
    let plate = if dark {
        Color32::from_black_alpha(170)
    } else {
        Color32::from_white_alpha(210)
    };
    painter.rect_filled(
        egui::Rect::from_min_max(pos2(x0 - 8.0, y - 20.0), pos2(x1 + 8.0, y + 5.0)),
        3.0,
        plate,
    );
    for (stroke, width) in [(halo, 4.0), (ink, 1.5)] {
        let s = Stroke::new(width, stroke);
        painter.line_segment([pos2(x0, y), pos2(x1, y)], s);
        painter.line_segment([pos2(x0, y - 5.0), pos2(x0, y)], s);
        painter.line_segment([pos2(x1, y - 5.0), pos2(x1, y)], s);
    }
    let font = FontId::proportional(11.0);
    let at = pos2((x0 + x1) / 2.0, y - 4.0);
    painter.text(
        at + egui::vec2(1.0, 1.0),
        Align2::CENTER_BOTTOM,
        label,
        font.clone(),
        halo,
    );
    painter.text(at, Align2::CENTER_BOTTOM, label, font, ink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_is_a_round_distance_that_fits() {
        // Zoom 0 at the equator: 156.5 km a point; 120 points = 18,783 km → 10,000 km.
        let m = metres_per_point(0.0, 0.0);
        assert!((m - 156_543.0).abs() < 1.0);
        let (len, label) = scale_bar(m, 120.0).expect("bar");
        assert_eq!(label, "10,000 km");
        assert!((len - 63.9).abs() < 0.1, "{len}");
        // At 60° a point covers half as much.
        assert!((metres_per_point(60.0, 3.0) - m / 16.0).abs() < 1.0);
        let (_, label) = scale_bar(3.0, 120.0).expect("bar");
        assert_eq!(label, "200 m");
        let (len, label) = scale_bar(1.0, 120.0).expect("bar");
        assert_eq!((len, label.as_str()), (100.0, "100 m"));
        assert_eq!(scale_bar(0.0, 120.0), None);
        assert_eq!(scale_bar(f64::NAN, 120.0), None);
    }
}
