//! Names of first-level divisions (states, provinces, regions) on the offline basemap at
//! middle zoom: biggest first, each only where its name fits inside its largest part and
//! clears the markers, their labels and the country names. Painted under the markers,
//! lighter and smaller than country names.

use egui::{Color32, FontId, Pos2, Shape, vec2};

use super::label_room::LabelRoom;
use crate::app::basemap::BasemapDivision;
use crate::app::palette;

/// Division names are placed from this zoom on (with the borders, `basemap/render.rs`).
pub(super) const DIVISIONS_MIN_ZOOM: f64 = 4.0;

/// Font size of division names (points).
pub(super) const NAME_SIZE: f32 = 10.0;

/// Most division names placed in one frame.
const MAX_NAMES: usize = 120;

/// The names to draw: for each division in order (biggest first), its name at its label
/// point if the text fits inside the projected extent of its largest part, lies inside
/// the view and overlaps nothing taken in `room`, which it then takes. `project` maps
/// (longitude, latitude) to screen points; `text_size` gives a name's size on screen.
pub(super) fn place_division_names<'a>(
    divisions: &'a [BasemapDivision],
    project: impl Fn(f64, f64) -> Pos2,
    text_size: impl Fn(&str) -> egui::Vec2,
    room: &mut LabelRoom,
) -> Vec<(Pos2, &'a str)> {
    let mut out = Vec::new();
    for d in divisions {
        if out.len() >= MAX_NAMES {
            break;
        }
        let centre = project(d.label[0], d.label[1]);
        if !room.contains(centre) {
            continue;
        }
        let [w, s, e, n] = d.extent;
        let north_west = project(w, n);
        let south_east = project(e, s);
        let (width, height) = (south_east.x - north_west.x, south_east.y - north_west.y);
        // A cheap first look (half a font size per character) before laying the name out.
        let guess = d.name.chars().count() as f32 * NAME_SIZE * 0.45;
        if guess > width * 0.8 || height < NAME_SIZE {
            continue;
        }
        let size = text_size(&d.name);
        if size.x > width * 0.8 || size.y > height * 0.8 {
            continue;
        }
        let rect = egui::Rect::from_center_size(centre, size + vec2(4.0, 2.0));
        if !room.is_free(rect) {
            continue;
        }
        room.take(rect);
        out.push((centre, d.name.as_str()));
    }
    out
}

/// The colour of division names in the theme: lighter than country names.
pub(super) fn name_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(205, 205, 220, 140)
    } else {
        Color32::from_rgba_unmultiplied(70, 60, 80, 140)
    }
}

/// The shapes of the names placed, laid out by `painter`. `on_fills`: the division view,
/// where a name may lie on any class colour, from pale yellow to dark red: the names are
/// then opaque and haloed in the theme's halo colour, so they read on every class (the
/// faint names of the plain map vanish on the darker ones).
pub(super) fn name_shapes(
    painter: &egui::Painter,
    placed: &[(Pos2, &str)],
    dark: bool,
    on_fills: bool,
) -> Vec<Shape> {
    let color = if on_fills {
        name_color(dark).to_opaque()
    } else {
        name_color(dark)
    };
    let halo = palette::halo_color(dark).gamma_multiply(0.75);
    let mut shapes = Vec::with_capacity(placed.len() * if on_fills { 5 } else { 1 });
    for (at, name) in placed {
        let galley =
            painter.layout_no_wrap(name.to_string(), FontId::proportional(NAME_SIZE), color);
        let min = *at - galley.size() / 2.0;
        if on_fills {
            for offset in [
                vec2(-1.0, 0.0),
                vec2(1.0, 0.0),
                vec2(0.0, -1.0),
                vec2(0.0, 1.0),
            ] {
                shapes.push(Shape::galley_with_override_text_color(
                    min + offset,
                    galley.clone(),
                    halo,
                ));
            }
        }
        shapes.push(Shape::galley(min, galley, color));
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Rect;

    fn division(name: &str, extent: [f64; 4]) -> BasemapDivision {
        BasemapDivision {
            iso_a2: "NE".into(),
            name: name.into(),
            label: [(extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0],
            extent,
        }
    }

    #[test]
    fn names_fit_their_division_and_avoid_what_is_taken() {
        // Ten points per degree.
        let project =
            |lon: f64, lat: f64| Pos2::new(lon as f32 * 10.0 + 200.0, 200.0 - lat as f32 * 10.0);
        let size = |text: &str| vec2(text.len() as f32 * 5.0, 10.0);
        let view = Rect::from_min_size(Pos2::ZERO, vec2(400.0, 400.0));
        let divisions = vec![
            division("Agadez", [4.0, 15.0, 16.0, 23.0]),
            division("Narrow", [0.0, 0.0, 0.5, 10.0]),
            division("Covered", [-15.0, -15.0, -5.0, -5.0]),
            division("Over Agadez", [6.0, 17.0, 14.0, 21.0]),
            division("Zinder", [8.0, 11.0, 14.0, 15.0]),
        ];
        let mut room = LabelRoom::new(view);
        // A country name already placed over "Covered"'s label point.
        room.take(Rect::from_center_size(
            project(-10.0, -10.0),
            vec2(40.0, 12.0),
        ));
        let placed = place_division_names(&divisions, project, size, &mut room);
        let shown: Vec<&str> = placed.iter().map(|(_, n)| *n).collect();
        assert_eq!(shown, ["Agadez", "Zinder"]);
        // What was placed is taken: nothing overlaps.
        let rects: Vec<Rect> = placed
            .iter()
            .map(|(at, n)| Rect::from_center_size(*at, size(n) + vec2(4.0, 2.0)))
            .collect();
        assert!(!rects[0].intersects(rects[1]));
    }
}
