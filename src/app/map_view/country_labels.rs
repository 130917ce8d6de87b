//! Country names on the offline basemap: at each zoom, the biggest countries first, each
//! named only where its name fits inside its largest part and clears the names already
//! placed and the markers (names never cover a marker). Painted under the markers.

use egui::{Color32, FontId, Pos2, Rect, Shape, vec2};

use super::label_room::LabelRoom;
use crate::app::basemap::Basemap;

/// A country that can be named: its name, the centre of its largest part (degrees) and
/// that part's extent, biggest first.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CountryName {
    name: String,
    /// Centre of the largest part's bounds: longitude, latitude.
    lon: f64,
    lat: f64,
    /// `[west, south, east, north]` of the largest part, degrees.
    bounds: [f64; 4],
}

/// The basemap's countries as names to place, biggest part first (by the extent of the
/// largest part, a fair proxy for area at the zooms where it matters).
pub(super) fn country_names(basemap: &Basemap) -> Vec<CountryName> {
    let mut names: Vec<(f64, CountryName)> = basemap
        .countries()
        .iter()
        .filter(|c| !c.name.is_empty())
        .map(|c| {
            let [w, s, e, n] = c.largest_part_bounds;
            let lat = (s + n) / 2.0;
            let size = (e - w) * (n - s) * lat.to_radians().cos().abs().max(0.05);
            (
                size,
                CountryName {
                    name: c.name.clone(),
                    lon: (w + e) / 2.0,
                    lat,
                    bounds: c.largest_part_bounds,
                },
            )
        })
        .collect();
    names.sort_by(|a, b| b.0.total_cmp(&a.0));
    names.into_iter().map(|(_, n)| n).collect()
}

/// The names to draw: for each country in order, its name at its centre if the text
/// fits inside the projected width of its largest part, lies inside the view, and
/// overlaps nothing taken in `room` (markers, their labels, names placed before), which
/// it then takes. `project` maps (longitude, latitude) to screen points; `text_size`
/// gives a name's size on screen.
pub(super) fn place_names<'a>(
    names: &'a [CountryName],
    project: impl Fn(f64, f64) -> Pos2,
    text_size: impl Fn(&str) -> egui::Vec2,
    room: &mut LabelRoom,
) -> Vec<(Pos2, &'a str)> {
    let mut out = Vec::new();
    for n in names {
        let centre = project(n.lon, n.lat);
        if !room.contains(centre) {
            continue;
        }
        let [w, s, e, north] = n.bounds;
        let width = (project(e, s).x - project(w, north).x).abs();
        let size = text_size(&n.name);
        if size.x > width * 0.9 {
            continue;
        }
        let rect = Rect::from_center_size(centre, size + vec2(6.0, 2.0));
        if !room.is_free(rect) {
            continue;
        }
        room.take(rect);
        out.push((centre, n.name.as_str()));
    }
    out
}

/// The colour of country names in the theme.
pub(super) fn name_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(225, 225, 235, 150)
    } else {
        Color32::from_rgba_unmultiplied(40, 40, 55, 170)
    }
}

/// The shapes of the names placed, laid out by `painter`.
pub(super) fn name_shapes(
    painter: &egui::Painter,
    placed: &[(Pos2, &str)],
    dark: bool,
) -> Vec<Shape> {
    let color = name_color(dark);
    placed
        .iter()
        .map(|(at, name)| {
            let galley =
                painter.layout_no_wrap(name.to_uppercase(), FontId::proportional(NAME_SIZE), color);
            let min = *at - galley.size() / 2.0;
            Shape::galley(min, galley, color)
        })
        .collect()
}

/// Font size of country names (points).
pub(super) const NAME_SIZE: f32 = 11.0;

#[cfg(test)]
mod tests {
    use super::*;

    fn name(name: &str, bounds: [f64; 4]) -> CountryName {
        CountryName {
            name: name.into(),
            lon: (bounds[0] + bounds[2]) / 2.0,
            lat: (bounds[1] + bounds[3]) / 2.0,
            bounds,
        }
    }

    #[test]
    fn names_fit_their_country_and_never_overlap_or_cover_markers() {
        // Four points per degree: a 16°-wide country fits a 30-point name, a 2° one not.
        let project =
            |lon: f64, lat: f64| Pos2::new(lon as f32 * 4.0 + 200.0, 200.0 - lat as f32 * 4.0);
        let size = |text: &str| vec2(text.len() as f32 * 6.0, 10.0);
        let view = Rect::from_min_size(Pos2::ZERO, vec2(400.0, 400.0));
        let names = vec![
            name("Niger", [0.0, 11.0, 16.0, 24.0]),
            name("Tiny", [5.0, 15.0, 7.0, 17.0]),
            name("Nigeria", [2.0, 14.0, 20.0, 20.0]),
            name("Far", [300.0, 0.0, 340.0, 10.0]),
            name("Covered", [-60.0, -20.0, -20.0, 0.0]),
        ];
        let marker = Rect::from_center_size(project(-40.0, -10.0), vec2(10.0, 10.0));
        let mut room = LabelRoom::new(view);
        room.take(marker);
        let placed = place_names(&names, project, size, &mut room);
        let shown: Vec<&str> = placed.iter().map(|(_, n)| *n).collect();
        // Tiny does not fit; Nigeria overlaps Niger's name; Far is off the view; Covered
        // would cover a marker.
        assert_eq!(shown, ["Niger"]);
    }
}
