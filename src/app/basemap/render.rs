//! Painting: the basemap of one frame as a single [`egui::Mesh`] (water, land with tints,
//! lakes, rivers, coasts, borders), the fallback graticule, and the palette they use.

use std::collections::HashMap;

use egui::epaint::tessellator::Path as StrokePath;
use egui::epaint::{PathStroke, Vertex, WHITE_UV};
use egui::{Color32, Mesh, Pos2, Rect};

use super::Basemap;
use super::level::{FillPart, Level, LinePart};
use super::projection::{MAX_MERCATOR_LAT, ScreenFromMercator, lon_lat_from_mercator};

/// Rivers are drawn from this zoom on; below it they are clutter.
const RIVERS_MIN_ZOOM: f64 = 4.0;

/// Borders between first-level divisions are drawn from this zoom on (a whole continent
/// in view); below it they would hatch the countries.
pub(super) const DIVISION_BORDERS_MIN_ZOOM: f64 = 4.0;

/// In the division view, the borders between divisions are drawn from this zoom on (the
/// first band that has them), solid.
const DIVISION_VIEW_BORDERS_MIN_ZOOM: f64 = 3.0;

/// Borders between US counties are drawn from this zoom on (a state or two in view).
pub(super) const COUNTY_BORDERS_MIN_ZOOM: f64 = 7.0;

/// Dots of county borders: drawn, then skipped, in screen points.
const COUNTY_DASH: (f32, f32) = (1.5, 2.5);

/// Dashes of division borders: drawn, then skipped, in screen points.
const DIVISION_DASH: (f32, f32) = (4.0, 3.0);

/// Division borders keep a point every this many screen points at most, and skip lines
/// under [`DIVISION_MIN_EXTENT`] points both ways.
const DIVISION_MIN_STEP: f32 = 1.5;
const DIVISION_MIN_EXTENT: f32 = 6.0;

/// Colours of the basemap for one theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasemapPalette {
    /// Sea, and lakes.
    pub water: Color32,
    /// Land not tinted by the app.
    pub land: Color32,
    /// Coastlines and lake shores.
    pub coast: Color32,
    /// International borders.
    pub border: Color32,
    /// Borders between first-level divisions of a country (dashed).
    pub division_border: Color32,
    /// Rivers.
    pub river: Color32,
    /// Graticule drawn when there is no basemap.
    pub graticule: Color32,
}

impl BasemapPalette {
    /// The palette for light (`dark == false`) or dark mode: muted land, blue-grey water,
    /// darker borders.
    pub fn for_theme(dark: bool) -> Self {
        if dark {
            Self {
                water: Color32::from_rgb(0x1b, 0x25, 0x30),
                land: Color32::from_rgb(0x33, 0x36, 0x3b),
                coast: Color32::from_rgb(0x4c, 0x62, 0x77),
                border: Color32::from_rgb(0x72, 0x74, 0x7b),
                division_border: Color32::from_rgb(0x80, 0x83, 0x8c),
                river: Color32::from_rgb(0x2d, 0x47, 0x5f),
                graticule: Color32::from_rgba_unmultiplied(0xff, 0xff, 0xff, 0x22),
            }
        } else {
            Self {
                water: Color32::from_rgb(0xb4, 0xcb, 0xda),
                land: Color32::from_rgb(0xf1, 0xee, 0xe6),
                coast: Color32::from_rgb(0x85, 0xa3, 0xb8),
                border: Color32::from_rgb(0x9a, 0x90, 0x96),
                division_border: Color32::from_rgb(0xa4, 0x9a, 0xa2),
                river: Color32::from_rgb(0x8f, 0xb4, 0xcf),
                graticule: Color32::from_rgba_unmultiplied(0xff, 0xff, 0xff, 0x80),
            }
        }
    }
}

impl Basemap {
    /// Builds the whole basemap for one frame as a single mesh: the water over
    /// `viewport`, the land (every country, in the land colour, or in its `tint` when
    /// its upper-case ISO alpha-2 code is a key there; a translucent tint is blended
    /// over the land colour), lakes, rivers (zoom ≥ 4), borders between US counties
    /// (zoom ≥ 7, dotted) and first-level divisions (zoom ≥ 4, dashed), coastlines and
    /// borders. Only
    /// parts whose bounding box meets `viewport` (screen points) are included.
    /// `pixels_per_point` sets the lines' anti-aliasing width.
    ///
    /// No triangle spans the antimeridian: parts that cross it are cut at load.
    pub fn build_mesh(
        &self,
        transform: &ScreenFromMercator,
        viewport: Rect,
        tint: &HashMap<String, Color32>,
        dark: bool,
        pixels_per_point: f32,
    ) -> Mesh {
        self.build_mesh_tinted(transform, viewport, tint, &[], dark, pixels_per_point)
    }

    /// [`Basemap::build_mesh`], with first-level divisions coloured over the land:
    /// `division_tint[i]` is the fill of [`Basemap::division_areas`]`[i]` (a translucent
    /// one blended over the land colour), `None` or beyond the slice for none. Division
    /// fills go over the countries and under lakes and every line, so borders and coasts
    /// stay crisp on them; with any division tinted, the borders between divisions are
    /// drawn solid and thin from zoom 3 (dark water colour, or white in the light theme)
    /// instead of dashed from zoom 4.
    pub fn build_mesh_tinted(
        &self,
        transform: &ScreenFromMercator,
        viewport: Rect,
        tint: &HashMap<String, Color32>,
        division_tint: &[Option<Color32>],
        dark: bool,
        pixels_per_point: f32,
    ) -> Mesh {
        let palette = BasemapPalette::for_theme(dark);
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(viewport, palette.water);
        let zoom = transform.zoom();
        let Some(level) = self.level_for_zoom(zoom) else {
            return mesh;
        };
        // A small margin, so that line joins just outside the viewport still draw.
        let visible = transform.mercator_bounds(viewport.expand(4.0));
        let visible = visible.map(|v| v as f32);

        let colors: Vec<Color32> = level
            .country_iso
            .iter()
            .map(|iso| match tint.get(iso) {
                Some(&t) if !iso.is_empty() => over(t, palette.land),
                _ => palette.land,
            })
            .collect();
        let fills = (&level.fill_vertices[..], &level.fill_indices[..]);
        append_fills(
            &mut mesh,
            fills,
            &level.countries,
            transform,
            &visible,
            |f| colors.get(f as usize).copied(),
        );
        if division_tint.iter().any(Option::is_some)
            && let Some(divisions) = self.division_fills_for_zoom(zoom)
        {
            append_fills(
                &mut mesh,
                (&divisions.vertices, &divisions.indices),
                &divisions.parts,
                transform,
                &visible,
                |f| {
                    division_tint
                        .get(f as usize)
                        .copied()
                        .flatten()
                        .map(|t| over(t, palette.land))
                },
            );
        }
        append_fills(&mut mesh, fills, &level.lakes, transform, &visible, |_| {
            Some(palette.water)
        });

        let mut lines = LineStroker::new(pixels_per_point, viewport.expand(4.0));
        let thin = if zoom < 3.0 { 0.5 } else { 0.7 };
        let lake_shore = PathStroke::new(thin * 0.8, palette.coast);
        if zoom >= RIVERS_MIN_ZOOM {
            let river = PathStroke::new(if zoom < 6.0 { 0.7 } else { 1.0 }, palette.river);
            lines.stroke_all(&mut mesh, level, &level.rivers, transform, &visible, &river);
        }
        lines.stroke_all(
            &mut mesh,
            level,
            &level.lake_shores,
            transform,
            &visible,
            &lake_shore,
        );
        if zoom >= COUNTY_BORDERS_MIN_ZOOM && !level.county_borders.is_empty() {
            let county = PathStroke::new(0.8, palette.border);
            lines.dash = Some(COUNTY_DASH);
            lines.stroke_all(
                &mut mesh,
                level,
                &level.county_borders,
                transform,
                &visible,
                &county,
            );
            lines.dash = None;
        }
        let division_view = division_tint.iter().any(Option::is_some);
        if division_view && zoom >= DIVISION_VIEW_BORDERS_MIN_ZOOM {
            // The division view: solid, thin separators between the coloured divisions
            // (dashes over a choropleth would hatch it), from the first band that has
            // them, so that neighbours of one class do not merge into one blob.
            let separator = if dark { palette.water } else { Color32::WHITE };
            let division = PathStroke::new(if zoom < 5.0 { 0.5 } else { 0.8 }, separator);
            lines.min_step_sq = DIVISION_MIN_STEP * DIVISION_MIN_STEP;
            lines.stroke_all(
                &mut mesh,
                level,
                &level.division_borders,
                transform,
                &visible,
                &division,
            );
            lines.min_step_sq = MIN_STEP_SQ;
        } else if zoom >= DIVISION_BORDERS_MIN_ZOOM {
            let width = if zoom < 6.0 { 0.6 } else { 0.8 };
            let division = PathStroke::new(width, palette.division_border);
            // Dashed, and coarser than the other lines: a point of detail is enough for
            // a light dashed line, and the many small divisions of Europe would
            // otherwise triple the mesh at zoom 4–5.
            lines.dash = Some(DIVISION_DASH);
            lines.min_step_sq = DIVISION_MIN_STEP * DIVISION_MIN_STEP;
            lines.min_extent = DIVISION_MIN_EXTENT;
            lines.stroke_all(
                &mut mesh,
                level,
                &level.division_borders,
                transform,
                &visible,
                &division,
            );
            lines.dash = None;
            lines.min_step_sq = MIN_STEP_SQ;
            lines.min_extent = 0.0;
        }
        let coast = PathStroke::new(thin, palette.coast);
        lines.stroke_all(&mut mesh, level, &level.coasts, transform, &visible, &coast);
        let border = PathStroke::new(if zoom < 5.0 { thin } else { 1.0 }, palette.border);
        lines.stroke_all(
            &mut mesh,
            level,
            &level.borders,
            transform,
            &visible,
            &border,
        );
        mesh
    }
}

/// `top` (premultiplied, possibly translucent) painted over the opaque `bottom`.
fn over(top: Color32, bottom: Color32) -> Color32 {
    let keep = 1.0 - f32::from(top.a()) / 255.0;
    let mix = |t: u8, b: u8| (f32::from(t) + f32::from(b) * keep).round().min(255.0) as u8;
    Color32::from_rgb(
        mix(top.r(), bottom.r()),
        mix(top.g(), bottom.g()),
        mix(top.b(), bottom.b()),
    )
}

/// The map's background for one frame: `basemap`'s mesh (see
/// [`Basemap::build_mesh_tinted`]), or the [`fallback_mesh`] when there is none. Both
/// plugins that draw under the map (with and without online tiles) take it from here.
pub fn background_mesh(
    basemap: Option<&Basemap>,
    transform: &ScreenFromMercator,
    viewport: Rect,
    tint: &HashMap<String, Color32>,
    division_tint: &[Option<Color32>],
    dark: bool,
    pixels_per_point: f32,
) -> Mesh {
    match basemap {
        Some(b) => b.build_mesh_tinted(
            transform,
            viewport,
            tint,
            division_tint,
            dark,
            pixels_per_point,
        ),
        None => fallback_mesh(transform, viewport, dark, pixels_per_point),
    }
}

/// What the map shows without a basemap: the water colour over `viewport` and a faint
/// graticule (every 30°, 10°, 5°… so lines stay 60–200 points apart) over the world.
pub fn fallback_mesh(
    transform: &ScreenFromMercator,
    viewport: Rect,
    dark: bool,
    pixels_per_point: f32,
) -> Mesh {
    let palette = BasemapPalette::for_theme(dark);
    let mut mesh = Mesh::default();
    mesh.add_colored_rect(viewport, palette.water);
    let points_per_degree = transform.points_per_unit / 360.0;
    let step = [30.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.1]
        .into_iter()
        .find(|s| s * points_per_degree < 200.0)
        .unwrap_or(0.1);
    let step = if step * points_per_degree < 60.0 && step < 30.0 {
        step * 2.0
    } else {
        step
    };
    let [w, n] = lon_lat_from_mercator(transform.mercator_from_screen(viewport.min));
    let [e, s] = lon_lat_from_mercator(transform.mercator_from_screen(viewport.max));
    let (w, e) = (w.max(-180.0), e.min(180.0));
    let (s, n) = (s.max(-MAX_MERCATOR_LAT), n.min(MAX_MERCATOR_LAT));
    let mut lines = LineStroker::new(pixels_per_point, viewport.expand(4.0));
    let stroke = PathStroke::new(0.7, palette.graticule);
    let mut lon = (w / step).ceil() * step;
    while lon <= e {
        let a = transform.screen_from_lon_lat([lon, n]);
        let b = transform.screen_from_lon_lat([lon, s]);
        lines.stroke_points(&mut mesh, &[a, b], &stroke);
        lon += step;
    }
    let mut lat = (s / step).ceil() * step;
    while lat <= n {
        let a = transform.screen_from_lon_lat([w, lat]);
        let b = transform.screen_from_lon_lat([e, lat]);
        lines.stroke_points(&mut mesh, &[a, b], &stroke);
        lat += step;
    }
    mesh
}

fn bbox_meets(a: &[f32; 4], b: &[f32; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// Appends the `parts` that meet `visible`, triangulated into `(vertices, indices)`, in
/// the colour of their feature (none: not drawn).
fn append_fills(
    mesh: &mut Mesh,
    (fill_vertices, fill_indices): (&[[f32; 2]], &[u32]),
    parts: &[FillPart],
    transform: &ScreenFromMercator,
    visible: &[f32; 4],
    color_of_feature: impl Fn(u32) -> Option<Color32>,
) {
    for part in parts {
        if !bbox_meets(&part.bbox, visible) {
            continue;
        }
        let Some(color) = color_of_feature(part.feature) else {
            continue;
        };
        let vs = part.vertex_start as usize;
        let is = part.index_start as usize;
        let (Some(vertices), Some(indices)) = (
            fill_vertices.get(vs..vs + part.vertex_count as usize),
            fill_indices.get(is..is + part.index_count as usize),
        ) else {
            continue;
        };
        let base = mesh.vertices.len() as u32;
        mesh.vertices.extend(vertices.iter().map(|v| Vertex {
            pos: transform.screen_from_mercator([f64::from(v[0]), f64::from(v[1])]),
            uv: WHITE_UV,
            color,
        }));
        mesh.indices.extend(indices.iter().map(|i| base + i));
    }
}

/// Strokes polylines into a mesh with egui's anti-aliased path tessellation, keeping only
/// the runs of segments that meet the viewport.
struct LineStroker {
    feathering: f32,
    clip: Rect,
    path: StrokePath,
    points: Vec<Pos2>,
    /// Lengths drawn and skipped (points) for a dashed line; `None` for a solid one.
    dash: Option<(f32, f32)>,
    dash_points: Vec<Pos2>,
    /// Points closer than this to the last one kept are skipped (squared, points²).
    min_step_sq: f32,
    /// Parts whose extent on screen is under this in both directions are skipped
    /// (points): a scribble, not a line.
    min_extent: f32,
}

/// What [`LineStroker`] keeps by default: every step over a fifth of a point, every part.
const MIN_STEP_SQ: f32 = 0.04;

impl LineStroker {
    fn new(pixels_per_point: f32, clip: Rect) -> Self {
        Self {
            feathering: 1.0 / pixels_per_point.max(0.1),
            clip,
            path: StrokePath::default(),
            points: Vec::new(),
            dash: None,
            dash_points: Vec::new(),
            min_step_sq: MIN_STEP_SQ,
            min_extent: 0.0,
        }
    }

    fn stroke_all(
        &mut self,
        mesh: &mut Mesh,
        level: &Level,
        parts: &[LinePart],
        transform: &ScreenFromMercator,
        visible: &[f32; 4],
        stroke: &PathStroke,
    ) {
        for part in parts {
            if !bbox_meets(&part.bbox, visible) {
                continue;
            }
            if self.min_extent > 0.0 {
                let points_per_unit = transform.points_per_unit as f32;
                let width = (part.bbox[2] - part.bbox[0]) * points_per_unit;
                let height = (part.bbox[3] - part.bbox[1]) * points_per_unit;
                if width < self.min_extent && height < self.min_extent {
                    continue;
                }
            }
            let start = part.start as usize;
            let Some(points) = level.line_points.get(start..start + part.len as usize) else {
                continue;
            };
            self.points.clear();
            let mut previous: Option<Pos2> = None;
            for p in points {
                let q = transform.screen_from_mercator([f64::from(p[0]), f64::from(p[1])]);
                if let Some(prev) = previous {
                    let segment = Rect::from_two_pos(prev, q);
                    if segment.intersects(self.clip) {
                        if self.points.is_empty() {
                            self.points.push(prev);
                        }
                        // Skip points closer than a fifth of a point (by default):
                        // invisible detail.
                        if let Some(last) = self.points.last()
                            && (q - *last).length_sq() < self.min_step_sq
                        {
                            previous = Some(q);
                            continue;
                        }
                        self.points.push(q);
                    } else {
                        self.flush(mesh, stroke);
                    }
                }
                previous = Some(q);
            }
            self.flush(mesh, stroke);
        }
    }

    fn stroke_points(&mut self, mesh: &mut Mesh, points: &[Pos2], stroke: &PathStroke) {
        self.points.clear();
        self.points.extend_from_slice(points);
        self.flush(mesh, stroke);
    }

    fn flush(&mut self, mesh: &mut Mesh, stroke: &PathStroke) {
        if self.points.len() >= 2 {
            match self.dash {
                None => {
                    self.path.clear();
                    self.path.add_open_points(&self.points);
                    self.path.stroke_open(self.feathering, stroke, mesh);
                }
                Some(dash) => self.flush_dashed(mesh, stroke, dash),
            }
        }
        self.points.clear();
    }

    /// Strokes `self.points` as dashes of `on` points with gaps of `off`, the first dash
    /// starting at the first point.
    fn flush_dashed(&mut self, mesh: &mut Mesh, stroke: &PathStroke, (on, off): (f32, f32)) {
        let mut dash = std::mem::take(&mut self.dash_points);
        let points = std::mem::take(&mut self.points);
        dash.clear();
        let mut phase = 0.0f32;
        if let Some(&first) = points.first() {
            dash.push(first);
        }
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            let length = (b - a).length();
            if length <= 0.0 {
                continue;
            }
            let mut t = 0.0;
            while t < length {
                let drawing = phase < on;
                let boundary = if drawing { on } else { on + off };
                let step = (boundary - phase).min(length - t);
                t += step;
                phase += step;
                let p = a + (b - a) * (t / length);
                if drawing {
                    dash.push(p);
                }
                if phase >= boundary - 1e-4 {
                    if drawing {
                        self.stroke_dash(mesh, stroke, &dash);
                        dash.clear();
                    } else {
                        phase = 0.0;
                        dash.push(p);
                    }
                }
            }
        }
        self.stroke_dash(mesh, stroke, &dash);
        dash.clear();
        self.dash_points = dash;
        self.points = points;
    }

    fn stroke_dash(&mut self, mesh: &mut Mesh, stroke: &PathStroke, dash: &[Pos2]) {
        if dash.len() >= 2 {
            self.path.clear();
            self.path.add_open_points(dash);
            self.path.stroke_open(self.feathering, stroke, mesh);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::basemap::tests::basemap;

    fn tinted(codes: &[(&str, Color32)]) -> HashMap<String, Color32> {
        codes.iter().map(|(c, col)| (c.to_string(), *col)).collect()
    }

    fn triangles_of(mesh: &Mesh, color: Color32) -> Vec<[Pos2; 3]> {
        mesh.indices
            .chunks_exact(3)
            .filter(|t| mesh.vertices[t[0] as usize].color == color)
            .map(|t| [t[0], t[1], t[2]].map(|i| mesh.vertices[i as usize].pos))
            .collect()
    }

    #[test]
    fn mesh_culls_countries_outside_the_viewport() {
        let map = basemap();
        let brazil = Color32::from_rgb(1, 2, 3);
        let niger = Color32::from_rgb(4, 5, 6);
        let japan = Color32::from_rgb(7, 8, 9);
        let tint = tinted(&[("BR", brazil), ("NE", niger), ("JP", japan)]);
        let viewport = Rect::from_min_size(Pos2::ZERO, egui::vec2(1280.0, 800.0));
        // Zoom 3 over Niger shows 225° of longitude (104° W to 120° E): Brazil, not Japan.
        let transform = ScreenFromMercator::new([8.0, 16.0], 3.0, viewport.center());
        let mesh = map.build_mesh(&transform, viewport, &tint, false, 1.0);
        assert!(!triangles_of(&mesh, brazil).is_empty());
        assert!(triangles_of(&mesh, japan).is_empty());
        for zoom in [5.0, 8.0] {
            let transform = ScreenFromMercator::new([8.0, 16.0], zoom, viewport.center());
            let mesh = map.build_mesh(&transform, viewport, &tint, false, 1.0);
            assert!(mesh.is_valid());
            assert!(
                triangles_of(&mesh, brazil).is_empty(),
                "Brazil at zoom {zoom}"
            );
            assert!(
                !triangles_of(&mesh, niger).is_empty(),
                "Niger at zoom {zoom}"
            );
        }
        // The whole world at zoom 2 has both, and far fewer vertices than the full data.
        let transform = ScreenFromMercator::new([0.0, 0.0], 2.0, viewport.center());
        let mesh = map.build_mesh(&transform, viewport, &tint, true, 1.0);
        assert!(!triangles_of(&mesh, brazil).is_empty());
        assert!(mesh.vertices.len() < 400_000, "{}", mesh.vertices.len());
    }

    #[test]
    fn no_triangle_spans_the_antimeridian() {
        let map = basemap();
        let russia = Color32::from_rgb(7, 8, 9);
        let fiji = Color32::from_rgb(10, 11, 12);
        let tint = tinted(&[("RU", russia), ("FJ", fiji)]);
        let viewport = Rect::from_min_size(Pos2::ZERO, egui::vec2(1600.0, 1000.0));
        let views = [
            ([0.0, 0.0], 2.0),
            ([170.0, 30.0], 3.0),
            ([180.0, 66.0], 5.0),
            ([179.0, -17.0], 7.0),
            ([-179.5, -16.5], 8.0),
        ];
        for (center, zoom) in views {
            let transform = ScreenFromMercator::new(center, zoom, viewport.center());
            let world_width = transform.points_per_unit as f32;
            let mesh = map.build_mesh(&transform, viewport, &tint, false, 1.0);
            for color in [russia, fiji] {
                let triangles = triangles_of(&mesh, color);
                let expected = if center[1] < 0.0 { fiji } else { russia };
                assert!(
                    color != expected || !triangles.is_empty(),
                    "{center:?} zoom {zoom}"
                );
                for [a, b, c] in triangles {
                    let width = a.x.max(b.x).max(c.x) - a.x.min(b.x).min(c.x);
                    // A triangle across the antimeridian would span most of the world.
                    // Russia's own triangles may outgrow a viewport once it is zoomed in
                    // past the whole country; Fiji's never do at these zooms.
                    let limit = if color == fiji || zoom <= 3.0 {
                        viewport.width().min(world_width * 0.5)
                    } else {
                        world_width * 0.5
                    };
                    assert!(
                        width < limit,
                        "a triangle {width} wide at {center:?} zoom {zoom}: {a:?} {b:?} {c:?}"
                    );
                }
            }
        }
        // Russia reaches the antimeridian from both ends of the (unwrapped) world: walkers
        // shows one copy of the world, so the east and west edges each show their side.
        let sides = |lon: f64| {
            let transform = ScreenFromMercator::new([lon, 66.0], 4.0, viewport.center());
            let mesh = map.build_mesh(&transform, viewport, &tint, false, 1.0);
            let edge = viewport.center().x;
            let tris = triangles_of(&mesh, russia);
            (
                tris.iter().any(|t| t.iter().all(|p| p.x <= edge + 0.01)),
                tris.iter().any(|t| t.iter().all(|p| p.x >= edge - 0.01)),
            )
        };
        assert_eq!(sides(180.0), (true, false));
        assert_eq!(sides(-180.0), (false, true));
    }

    fn covered(triangles: &[[Pos2; 3]], p: Pos2) -> bool {
        triangles.iter().any(|&[a, b, c]| {
            let side = |u: Pos2, v: Pos2| (v - u).x * (p - u).y - (v - u).y * (p - u).x;
            let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
            let has_neg = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
            let has_pos = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
            !(has_neg && has_pos)
        })
    }

    #[test]
    fn antarctica_is_filled_down_to_the_mercator_limit() {
        let map = basemap();
        let antarctica = Color32::from_rgb(13, 14, 15);
        let tint = tinted(&[("AQ", antarctica)]);
        let viewport = Rect::from_min_size(Pos2::ZERO, egui::vec2(1100.0, 1100.0));
        // Natural Earth's admin-0 Antarctica ends at the grounding line (no ice shelves):
        // at 180° it reaches 84.35° S, elsewhere the coast is at 65–75° S. Points south of
        // the coast, down to the Mercator limit, must be land on both sides of the
        // antimeridian and in every zoom band.
        let inside = [
            (0.0, -75.0),
            (0.0, -85.0),
            (90.0, -70.0),
            (90.0, -85.0),
            (-120.0, -80.0),
            (-179.9, -85.0),
            (179.9, -85.0),
            (-60.0, -85.0),
        ];
        for zoom in [2.0, 4.0, 6.0, 8.0] {
            for (lon, lat) in inside {
                let transform = ScreenFromMercator::new([lon, lat], zoom, viewport.center());
                let mesh = map.build_mesh(&transform, viewport, &tint, false, 1.0);
                let triangles = triangles_of(&mesh, antarctica);
                let p = transform.screen_from_lon_lat([lon, lat]);
                assert!(covered(&triangles, p), "({lon}, {lat}) at zoom {zoom}");
            }
            // The Ross Ice Shelf is sea in this data.
            let transform = ScreenFromMercator::new([-179.0, -82.0], zoom, viewport.center());
            let mesh = map.build_mesh(&transform, viewport, &tint, false, 1.0);
            let p = transform.screen_from_lon_lat([-179.0, -82.0]);
            assert!(
                !covered(&triangles_of(&mesh, antarctica), p),
                "Ross Sea at {zoom}"
            );
        }
    }

    #[test]
    fn divisions_are_tinted_over_the_land_and_only_the_tinted_ones() {
        let map = basemap();
        let ohio = map
            .division_areas()
            .iter()
            .position(|a| a.iso_a2 == "US" && a.name == "Ohio")
            .expect("Ohio");
        let mut division_tint = vec![None; map.division_areas().len()];
        let red = Color32::from_rgb(200, 0, 0);
        division_tint[ohio] = Some(red);
        let viewport = Rect::from_min_size(Pos2::ZERO, egui::vec2(1200.0, 800.0));
        for zoom in [2.0, 5.0, 8.0] {
            let transform = ScreenFromMercator::new([-83.0, 40.0], zoom, viewport.center());
            let mesh = map.build_mesh_tinted(
                &transform,
                viewport,
                &HashMap::new(),
                &division_tint,
                false,
                1.0,
            );
            assert!(mesh.is_valid());
            let triangles = triangles_of(&mesh, red);
            let columbus = transform.screen_from_lon_lat([-82.99, 39.96]);
            let chicago = transform.screen_from_lon_lat([-87.63, 41.88]);
            assert!(covered(&triangles, columbus), "Columbus at zoom {zoom}");
            assert!(!covered(&triangles, chicago), "Chicago at zoom {zoom}");
        }
        // No division tint: no division fill at all.
        let transform = ScreenFromMercator::new([-83.0, 40.0], 5.0, viewport.center());
        let plain = map.build_mesh(&transform, viewport, &HashMap::new(), false, 1.0);
        assert!(triangles_of(&plain, red).is_empty());
    }

    #[test]
    fn fallback_draws_water_and_graticule() {
        let viewport = Rect::from_min_size(Pos2::ZERO, egui::vec2(800.0, 600.0));
        let transform = ScreenFromMercator::new([10.0, 10.0], 3.0, viewport.center());
        let mesh = fallback_mesh(&transform, viewport, true, 1.0);
        assert!(mesh.is_valid());
        // The water rectangle plus lines.
        assert!(mesh.vertices.len() > 4 + 8 * 4, "{}", mesh.vertices.len());
        let water = BasemapPalette::for_theme(true).water;
        assert_eq!(mesh.vertices[0].color, water);
    }

    #[test]
    fn dashed_lines_leave_gaps() {
        let clip = Rect::from_min_size(Pos2::ZERO, egui::vec2(200.0, 100.0));
        let mut lines = LineStroker::new(1.0, clip);
        lines.dash = Some((4.0, 3.0));
        let mut mesh = Mesh::default();
        let stroke = PathStroke::new(2.0, Color32::RED);
        // A bend inside the second dash: dashes run on across a line's points.
        let points = [
            Pos2::new(10.0, 50.0),
            Pos2::new(15.0, 50.0),
            Pos2::new(80.0, 50.0),
        ];
        lines.stroke_points(&mut mesh, &points, &stroke);
        assert!(mesh.is_valid());
        let triangles = triangles_of(&mesh, Color32::RED);
        // Dashes at 10–14, 17–21, 24–28…; gaps at 14–17, 21–24…
        for x in [12.0, 19.0, 26.0, 75.0] {
            assert!(covered(&triangles, Pos2::new(x, 50.0)), "dash at {x}");
        }
        for x in [15.5, 22.5, 29.5] {
            assert!(!covered(&triangles, Pos2::new(x, 50.0)), "gap at {x}");
        }
    }
}
