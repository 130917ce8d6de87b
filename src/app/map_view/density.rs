//! The density view: where the news is about, as a heat surface of mentions instead of
//! markers. Each place shown adds its mentions to a grid of screen cells through a smooth
//! kernel (so a city with 500 mentions glows and a hamlet with one barely shows); the grid
//! is coloured along a ramp from transparent to hot.
//!
//! The surface is made once per view (places, zoom, centre, size) and kept: moving the
//! pointer costs nothing, and a pan or zoom costs one pass over the visible places.

use std::sync::Arc;

use egui::{Color32, Mesh, Pos2, Rect};

/// Side of a grid cell, in points.
const CELL: f32 = 6.0;

/// Radius of a place's kernel, in points.
const RADIUS: f32 = 28.0;

/// What the surface was made for: the summary's revision, the view, its rectangle and
/// the theme.
pub(super) type DensityKey = (u64, [u64; 3], [u32; 4], bool);

/// The surface kept between frames.
#[derive(Default)]
pub(super) struct DensityCache {
    made: Option<(DensityKey, Arc<Mesh>)>,
}

impl DensityCache {
    /// The surface for `key`, made by `make` if the one kept is for another.
    pub(super) fn get(&mut self, key: DensityKey, make: impl FnOnce() -> Mesh) -> Arc<Mesh> {
        match &self.made {
            Some((k, mesh)) if *k == key => mesh.clone(),
            _ => {
                let mesh = Arc::new(make());
                self.made = Some((key, mesh.clone()));
                mesh
            }
        }
    }
}

/// The heat surface over `rect` of `points` (screen position, mentions): a grid whose
/// corners carry the heat, drawn as quads whose colours the renderer blends between
/// corners, so the surface is smooth rather than blocky.
pub(super) fn density_mesh(
    points: impl Iterator<Item = (Pos2, f32)>,
    rect: Rect,
    dark: bool,
) -> Mesh {
    let cols = (rect.width() / CELL).ceil().max(1.0) as usize + 1;
    let rows = (rect.height() / CELL).ceil().max(1.0) as usize + 1;
    let corner =
        |x: usize, y: usize| Pos2::new(rect.left() + x as f32 * CELL, rect.top() + y as f32 * CELL);
    let mut grid = vec![0f32; cols * rows];
    let reach = (RADIUS / CELL).ceil() as isize;
    for (pos, weight) in points {
        if !rect.expand(RADIUS).contains(pos) || weight <= 0.0 {
            continue;
        }
        // Square root: a place with 100 times the mentions is ten times as hot, so one
        // capital does not wash out the rest.
        let weight = weight.sqrt();
        let cx = ((pos.x - rect.left()) / CELL).round() as isize;
        let cy = ((pos.y - rect.top()) / CELL).round() as isize;
        for dy in -reach..=reach {
            let y = cy + dy;
            if y < 0 || y >= rows as isize {
                continue;
            }
            for dx in -reach..=reach {
                let x = cx + dx;
                if x < 0 || x >= cols as isize {
                    continue;
                }
                let d2 = (corner(x as usize, y as usize) - pos).length_sq() / (RADIUS * RADIUS);
                if d2 < 1.0 {
                    // Quartic (biweight) kernel: smooth, and exactly zero at the radius.
                    let k = (1.0 - d2) * (1.0 - d2);
                    grid[y as usize * cols + x as usize] += weight * k;
                }
            }
        }
    }
    let top = grid.iter().copied().fold(0.0f32, f32::max);
    let mut mesh = Mesh::default();
    if top <= 0.0 {
        return mesh;
    }
    let value = |x: usize, y: usize| grid[y * cols + x] / top;
    for y in 0..rows - 1 {
        for x in 0..cols - 1 {
            let corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)];
            if corners.iter().all(|&(cx, cy)| value(cx, cy) < 0.02) {
                continue;
            }
            let base = mesh.vertices.len() as u32;
            for (cx, cy) in corners {
                mesh.colored_vertex(corner(cx, cy), heat_color(value(cx, cy), dark));
            }
            mesh.add_triangle(base, base + 1, base + 2);
            mesh.add_triangle(base, base + 2, base + 3);
        }
    }
    mesh
}

/// The ramp: 0 is transparent, then blue, yellow, orange, red at 1 (premultiplied).
pub fn heat_color(v: f32, dark: bool) -> Color32 {
    let v = v.clamp(0.0, 1.0);
    const STOPS: [(f32, [u8; 3]); 4] = [
        (0.0, [49, 130, 189]),
        (0.35, [255, 237, 111]),
        (0.7, [253, 141, 60]),
        (1.0, [215, 25, 28]),
    ];
    let mut rgb = STOPS[STOPS.len() - 1].1;
    for pair in STOPS.windows(2) {
        let ((a, ca), (b, cb)) = (pair[0], pair[1]);
        if v <= b {
            let t = (v - a) / (b - a);
            rgb = [0, 1, 2].map(|i| {
                (f32::from(ca[i]) + t * (f32::from(cb[i]) - f32::from(ca[i]))).round() as u8
            });
            break;
        }
    }
    // Nothing where nothing is said, then faint, then nearly opaque.
    let alpha = if v < 0.02 {
        0.0
    } else {
        (0.25 + 0.6 * v.sqrt()) * if dark { 1.0 } else { 0.9 }
    };
    Color32::from_rgba_unmultiplied(rgb[0], rgb[1], rgb[2], (alpha * 255.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_is_hottest_at_the_busiest_place_and_empty_far_away() {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(300.0, 200.0));
        let points = [
            (Pos2::new(50.0, 50.0), 100.0),
            (Pos2::new(250.0, 150.0), 1.0),
        ];
        let mesh = density_mesh(points.into_iter(), rect, true);
        assert!(!mesh.vertices.is_empty());
        // Every cell drawn lies within a kernel's reach of a place.
        for v in &mesh.vertices {
            let near = points
                .iter()
                .any(|(p, _)| (v.pos - *p).length() <= RADIUS + 2.0 * CELL);
            assert!(near, "{:?}", v.pos);
        }
        let empty = density_mesh(std::iter::empty(), rect, true);
        assert!(empty.vertices.is_empty());
    }

    #[test]
    fn the_ramp_grows_more_opaque() {
        assert!(heat_color(1.0, true).a() > heat_color(0.1, true).a());
    }
}
