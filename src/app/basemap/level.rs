//! One zoom band's geometry ([`Level`]) and how it is built: fills triangulated with
//! earcut, coasts, borders, lake shores and rivers as polylines, all in Mercator.

use geo::{Coord, LineString, Polygon, TriangulateEarcut};

use super::asset::{RawFeature, RawGeometry};
use super::geometry::{assemble, polygon_pieces, simplify_arcs, split_line};
use super::sources::{CountySource, DivisionSource, MercatorAdmin, PhysicalSource};

/// One zoom band's geometry. Fill vertices and line points are Mercator `[x, y]` as `f32`
/// (a 6e-8 unit step: under a point up to zoom 14).
pub(super) struct Level {
    pub(super) fill_vertices: Vec<[f32; 2]>,
    /// Triangle corners, relative to their part's `vertex_start`.
    pub(super) fill_indices: Vec<u32>,
    /// Country polygons; together they are the land (Natural Earth's land is the union
    /// of its countries), so they are drawn in the land colour unless tinted.
    pub(super) countries: Vec<FillPart>,
    /// ISO alpha-2 per country feature of this level's admin layer (`FillPart::feature`).
    pub(super) country_iso: Vec<String>,
    pub(super) lakes: Vec<FillPart>,
    pub(super) line_points: Vec<[f32; 2]>,
    pub(super) coasts: Vec<LinePart>,
    pub(super) borders: Vec<LinePart>,
    pub(super) lake_shores: Vec<LinePart>,
    pub(super) rivers: Vec<LinePart>,
    /// Borders between first-level divisions of one country (none in bands below
    /// zoom 3, nor when the file has no divisions).
    pub(super) division_borders: Vec<LinePart>,
    /// Borders between US counties of one state (only in the 1:10m band).
    pub(super) county_borders: Vec<LinePart>,
}

/// A triangulated polygon (one antimeridian piece of one part).
#[derive(Debug, Clone, Copy)]
pub(super) struct FillPart {
    /// Mercator `[min_x, min_y, max_x, max_y]`.
    pub(super) bbox: [f32; 4],
    pub(super) vertex_start: u32,
    pub(super) vertex_count: u32,
    pub(super) index_start: u32,
    pub(super) index_count: u32,
    /// Index of the feature in its layer (for countries, into `Level::country_iso`).
    pub(super) feature: u32,
}

/// An open polyline.
#[derive(Debug, Clone, Copy)]
pub(super) struct LinePart {
    /// Mercator `[min_x, min_y, max_x, max_y]`.
    pub(super) bbox: [f32; 4],
    pub(super) start: u32,
    pub(super) len: u32,
}

struct LevelBuilder {
    level: Level,
}

/// Triangulates one polygon piece (open rings in Mercator, outer first) with earcut into
/// `vertices` and `indices` (relative to the part's first vertex); `None` if nothing is
/// left of it.
pub(super) fn triangulate(
    vertices: &mut Vec<[f32; 2]>,
    indices: &mut Vec<u32>,
    rings: &[Vec<[f64; 2]>],
    feature: u32,
) -> Option<FillPart> {
    let (exterior, holes) = rings.split_first()?;
    let ring_string = |r: &Vec<[f64; 2]>| {
        r.iter()
            .map(|&[x, y]| Coord { x, y })
            .collect::<LineString>()
    };
    let polygon = Polygon::new(
        ring_string(exterior),
        holes
            .iter()
            .filter(|h| h.len() >= 3)
            .map(ring_string)
            .collect(),
    );
    let raw = polygon.earcut_triangles_raw();
    if raw.triangle_indices.is_empty() {
        return None;
    }
    let vertex_start = vertices.len() as u32;
    let mut bbox = [
        f32::INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    ];
    for xy in raw.vertices.chunks_exact(2) {
        let v = [xy[0] as f32, xy[1] as f32];
        bbox = [
            bbox[0].min(v[0]),
            bbox[1].min(v[1]),
            bbox[2].max(v[0]),
            bbox[3].max(v[1]),
        ];
        vertices.push(v);
    }
    let index_start = indices.len() as u32;
    indices.extend(raw.triangle_indices.iter().map(|&i| i as u32));
    Some(FillPart {
        bbox,
        vertex_start,
        vertex_count: vertices.len() as u32 - vertex_start,
        index_start,
        index_count: indices.len() as u32 - index_start,
        feature,
    })
}

impl LevelBuilder {
    /// Triangulates one polygon piece (open rings, outer first) and records it.
    fn add_fill(&mut self, rings: &[Vec<[f64; 2]>], feature: u32, to: FillLayer) {
        let level = &mut self.level;
        let Some(part) = triangulate(
            &mut level.fill_vertices,
            &mut level.fill_indices,
            rings,
            feature,
        ) else {
            return;
        };
        match to {
            FillLayer::Countries => level.countries.push(part),
            FillLayer::Lakes => level.lakes.push(part),
        }
    }

    /// Records a polyline (split at the antimeridian).
    fn add_line(&mut self, points: &[[f64; 2]], to: LineLayer) {
        for piece in split_line(points) {
            let level = &mut self.level;
            let start = level.line_points.len() as u32;
            let mut bbox = [
                f32::INFINITY,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::NEG_INFINITY,
            ];
            for p in &piece {
                let v = [p[0] as f32, p[1] as f32];
                bbox = [
                    bbox[0].min(v[0]),
                    bbox[1].min(v[1]),
                    bbox[2].max(v[0]),
                    bbox[3].max(v[1]),
                ];
                level.line_points.push(v);
            }
            let part = LinePart {
                bbox,
                start,
                len: level.line_points.len() as u32 - start,
            };
            match to {
                LineLayer::Coasts => level.coasts.push(part),
                LineLayer::Borders => level.borders.push(part),
                LineLayer::LakeShores => level.lake_shores.push(part),
                LineLayer::Rivers => level.rivers.push(part),
                LineLayer::DivisionBorders => level.division_borders.push(part),
                LineLayer::CountyBorders => level.county_borders.push(part),
            }
        }
    }
}

#[derive(Clone, Copy)]
enum FillLayer {
    Countries,
    Lakes,
}

#[derive(Clone, Copy)]
enum LineLayer {
    Coasts,
    Borders,
    LakeShores,
    Rivers,
    DivisionBorders,
    CountyBorders,
}

pub(super) fn polygons_of(feature: &RawFeature) -> &[Vec<Vec<i32>>] {
    match &feature.geometry {
        RawGeometry::Polygons(p) => p,
        RawGeometry::Lines(_) | RawGeometry::Label { .. } => &[],
    }
}

pub(super) fn build_level(
    epsilon: f64,
    admin: &MercatorAdmin,
    physical: &PhysicalSource,
    divisions: Option<&DivisionSource>,
    counties: Option<&CountySource>,
) -> Level {
    let admin_arcs = simplify_arcs(&admin.arcs, epsilon);
    let physical_arcs = simplify_arcs(&physical.arcs, epsilon);

    let mut b = LevelBuilder {
        level: Level {
            fill_vertices: Vec::new(),
            fill_indices: Vec::new(),
            countries: Vec::new(),
            country_iso: admin
                .countries
                .iter()
                .map(|f| f.iso_a2.to_ascii_uppercase())
                .collect(),
            lakes: Vec::new(),
            line_points: Vec::new(),
            coasts: Vec::new(),
            borders: Vec::new(),
            lake_shores: Vec::new(),
            rivers: Vec::new(),
            division_borders: Vec::new(),
            county_borders: Vec::new(),
        },
    };

    // Fills: countries (which make up the land) and lakes.
    for (i, feature) in admin.countries.iter().enumerate() {
        for polygon in polygons_of(feature) {
            for piece in polygon_pieces(&admin_arcs, polygon) {
                b.add_fill(&piece, i as u32, FillLayer::Countries);
            }
        }
    }
    for (i, feature) in physical.lakes.iter().enumerate() {
        for polygon in polygons_of(feature) {
            for piece in polygon_pieces(&physical_arcs, polygon) {
                b.add_fill(&piece, i as u32, FillLayer::Lakes);
            }
            for refs in polygon {
                b.add_line(&assemble(&physical_arcs, refs), LineLayer::LakeShores);
            }
        }
    }

    // Lines: an arc of the land outline is coast; any other arc of a country is a border.
    let mut is_coast = vec![false; admin_arcs.len()];
    let mut is_border = vec![false; admin_arcs.len()];
    let index = |r: i32| if r >= 0 { r as usize } else { (!r) as usize };
    for feature in &admin.land {
        for &r in polygons_of(feature).iter().flatten().flatten() {
            if let Some(c) = is_coast.get_mut(index(r)) {
                *c = true;
            }
        }
    }
    for feature in &admin.countries {
        for &r in polygons_of(feature).iter().flatten().flatten() {
            let i = index(r);
            if !is_coast.get(i).copied().unwrap_or(true)
                && let Some(border) = is_border.get_mut(i)
            {
                *border = true;
            }
        }
    }
    for ((arc, coast), border) in admin_arcs.iter().zip(is_coast).zip(is_border) {
        if coast {
            b.add_line(arc, LineLayer::Coasts);
        } else if border {
            b.add_line(arc, LineLayer::Borders);
        }
    }
    for feature in &physical.rivers {
        if let RawGeometry::Lines(lines) = &feature.geometry {
            for refs in lines {
                b.add_line(&assemble(&physical_arcs, refs), LineLayer::Rivers);
            }
        }
    }
    if let Some(divisions) = divisions {
        let arcs = simplify_arcs(&divisions.arcs, epsilon);
        for feature in &divisions.borders {
            if let RawGeometry::Lines(lines) = &feature.geometry {
                for refs in lines {
                    b.add_line(&assemble(&arcs, refs), LineLayer::DivisionBorders);
                }
            }
        }
    }
    if let Some(counties) = counties {
        let arcs = simplify_arcs(&counties.arcs, epsilon);
        for feature in &counties.borders {
            if let RawGeometry::Lines(lines) = &feature.geometry {
                for refs in lines {
                    b.add_line(&assemble(&arcs, refs), LineLayer::CountyBorders);
                }
            }
        }
    }
    b.level
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::basemap::asset::{HEADER_LEN, parse_body};
    use crate::app::basemap::bands::{BANDS, Detail};
    use crate::app::basemap::geometry::{mercator_arcs, ring_area};
    use crate::app::basemap::sources::Sources;
    use crate::app::basemap::tests::{asset_path, basemap};

    #[test]
    fn triangulation_covers_the_polygons() {
        let map = basemap();
        let sources = Sources::from_raw(
            parse_body(&std::fs::read(asset_path()).expect("read asset")[HEADER_LEN..])
                .expect("parse"),
        )
        .expect("sources");
        let medium = mercator_arcs(&sources.medium.arcs);
        let fine = mercator_arcs(&sources.fine.as_ref().expect("1:10m").arcs);
        for (band, slot) in BANDS.iter().zip(map.levels.iter()) {
            let level = slot.level.get().expect("built");
            let (arcs, admin) = match band.detail {
                Detail::Medium => (&medium, &sources.medium),
                Detail::Fine => (&fine, sources.fine.as_ref().expect("1:10m")),
            };
            let arcs = simplify_arcs(arcs, band.epsilon());
            for iso in ["NE", "ML", "US", "FR", "RU", "IT", "CA", "ID", "AQ", "NZ"] {
                let Some(feature) = level.country_iso.iter().position(|c| c == iso) else {
                    panic!("{iso} missing at zoom {}", band.min_zoom);
                };
                let mut triangles = 0.0f64;
                for part in level
                    .countries
                    .iter()
                    .filter(|p| p.feature == feature as u32)
                {
                    let vs = &level.fill_vertices[part.vertex_start as usize..]
                        [..part.vertex_count as usize];
                    let is = &level.fill_indices[part.index_start as usize..]
                        [..part.index_count as usize];
                    for t in is.chunks_exact(3) {
                        let [a, b, c] = [t[0], t[1], t[2]].map(|i| {
                            let v = vs[i as usize];
                            [f64::from(v[0]), f64::from(v[1])]
                        });
                        triangles +=
                            ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs()
                                / 2.0;
                    }
                }
                // The same country's polygon area, from the rings before triangulation.
                let polygons: f64 = admin
                    .countries
                    .iter()
                    .filter(|f| f.iso_a2 == iso)
                    .flat_map(|f| polygons_of(f).iter())
                    .flat_map(|p| polygon_pieces(&arcs, p))
                    .map(|piece| {
                        let (outer, holes) = piece.split_first().expect("outer ring");
                        ring_area(outer).abs()
                            - holes.iter().map(|h| ring_area(h).abs()).sum::<f64>()
                    })
                    .sum();
                let ratio = triangles / polygons;
                assert!(
                    (0.99..=1.01).contains(&ratio),
                    "{iso} at zoom {}: triangles {triangles}, polygons {polygons}",
                    band.min_zoom
                );
            }
        }
    }

    #[test]
    fn county_borders_only_in_the_deepest_band_and_division_borders_from_zoom_3() {
        let map = basemap();
        let levels: Vec<&Level> = map.levels.iter().filter_map(|s| s.level.get()).collect();
        assert_eq!(levels.len(), 4);
        assert!(levels[0].division_borders.is_empty());
        assert!(levels[1..].iter().all(|l| !l.division_borders.is_empty()));
        assert!(levels[..3].iter().all(|l| l.county_borders.is_empty()));
        // Franklin County, Ohio, (83.0° W, 40.0° N) has county borders around it.
        let [x, y] = crate::app::basemap::mercator_from_lon_lat(-83.0, 40.0).map(|v| v as f32);
        let near = levels[3]
            .county_borders
            .iter()
            .filter(|p| p.bbox[0] < x + 0.002 && p.bbox[2] > x - 0.002)
            .filter(|p| p.bbox[1] < y + 0.002 && p.bbox[3] > y - 0.002)
            .count();
        assert!(near >= 4, "{near} county border lines near Columbus");
    }
}
