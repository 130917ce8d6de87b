//! Which country (or first-level division, `division_areas.rs`) is under a point, found
//! in the basemap's own triangles, so that a click on the country view selects the
//! country the user sees there.

use super::Basemap;
use super::level::FillPart;

impl Basemap {
    /// The ISO 3166-1 alpha-2 code of the country at `mercator` (see the
    /// [module](super) documentation for the coordinates), in the zoom band drawn at
    /// `zoom`; `None` over the sea, a lake's neighbour country aside, or a territory
    /// without a code.
    pub fn country_at(&self, mercator: [f64; 2], zoom: f64) -> Option<&str> {
        let level = self.level_for_zoom(zoom)?;
        let feature = feature_at(
            &level.fill_vertices,
            &level.fill_indices,
            &level.countries,
            mercator,
        )?;
        level
            .country_iso
            .get(feature as usize)
            .map(String::as_str)
            .filter(|iso| !iso.is_empty())
    }
}

/// The feature of the first of `parts` (triangulated into `vertices` and `indices`)
/// that holds the Mercator point `mercator`.
pub(super) fn feature_at(
    vertices: &[[f32; 2]],
    indices: &[u32],
    parts: &[FillPart],
    mercator: [f64; 2],
) -> Option<u32> {
    let p = [mercator[0] as f32, mercator[1] as f32];
    for part in parts {
        let b = part.bbox;
        if p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3] {
            continue;
        }
        let start = part.index_start as usize;
        let end = start + part.index_count as usize;
        let Some(triangles) = indices.get(start..end) else {
            continue;
        };
        let vertex = |i: u32| vertices.get((part.vertex_start + i) as usize).copied();
        for t in triangles.chunks_exact(3) {
            let (Some(a), Some(b), Some(c)) = (vertex(t[0]), vertex(t[1]), vertex(t[2])) else {
                continue;
            };
            if in_triangle(p, a, b, c) {
                return Some(part.feature);
            }
        }
    }
    None
}

/// True if `p` is inside the triangle `a b c` (either winding) or on its edge.
fn in_triangle(p: [f32; 2], a: [f32; 2], b: [f32; 2], c: [f32; 2]) -> bool {
    let side =
        |u: [f32; 2], v: [f32; 2]| (v[0] - u[0]) * (p[1] - u[1]) - (v[1] - u[1]) * (p[0] - u[0]);
    let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
    let negative = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let positive = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(negative && positive)
}

#[cfg(test)]
mod tests {
    use super::super::mercator_from_lon_lat;
    use super::*;

    #[test]
    fn a_point_finds_the_country_it_is_in() {
        let basemap = Basemap::load_bundled().expect("bundled basemap");
        let at = |lon, lat| basemap.country_at(mercator_from_lon_lat(lon, lat), 2.0);
        assert_eq!(at(7.99, 16.97), Some("NE"), "Agadez");
        assert_eq!(at(2.35, 48.86), Some("FR"), "Paris");
        assert_eq!(at(-82.99, 39.96), Some("US"), "Columbus, Ohio");
        assert_eq!(at(-30.0, 30.0), None, "the Atlantic");
    }

    #[test]
    fn the_edge_of_a_triangle_is_inside() {
        let (a, b, c) = ([0.0, 0.0], [1.0, 0.0], [0.0, 1.0]);
        assert!(in_triangle([0.25, 0.25], a, b, c));
        assert!(in_triangle([0.5, 0.0], a, b, c));
        assert!(!in_triangle([0.75, 0.75], a, b, c));
        assert!(in_triangle([0.25, 0.25], a, c, b), "either winding");
    }
}
