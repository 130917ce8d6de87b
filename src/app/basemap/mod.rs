//! The offline basemap: Natural Earth countries, land, lakes and rivers from the bundled
//! `assets/basemap.bin` (built by `assets/build.py`), drawn under the map by
//! [`BasemapPlugin`], so the map is complete with no network and no tiles.
//!
//! # Coordinates
//! * `lon`/`lat` are WGS84 degrees; arrays are always `[lon, lat]`.
//! * "Mercator" means Web-Mercator *normalised* coordinates, `[x, y]`: `x` grows east
//!   from 0 at 180° W to 1 at 180° E, `y` grows south from 0 at 85.0511° N to 1 at
//!   85.0511° S ([`mercator_from_lon_lat`]). At walkers zoom `z` one Mercator unit is
//!   `256 · 2^z` screen points, so the screen is an affine image of this space
//!   ([`ScreenFromMercator`]).
//!
//! # What [`Basemap::load`] precomputes
//! The asset keeps Natural Earth's topology (arcs shared between neighbours). Loading
//! decodes the arcs into Mercator, simplifies each arc once per zoom band
//! (Ramer–Douglas–Peucker, `geo::Simplify`, with a tolerance under a pixel at the band's
//! deepest zoom), so neighbours stay watertight, builds rings from the arcs, cuts the few
//! rings that cross the antimeridian (Russia, Fiji; Antarctica is closed along the
//! Mercator limit), and triangulates every polygon with earcut (`geo::TriangulateEarcut`).
//! Each frame then only transforms the vertices of the parts whose bounding box meets the
//! viewport into one [`egui::Mesh`] (see [`Basemap::build_mesh`]).
//!
//! Only the coarsest band (zoom < 3) is built inside [`Basemap::load`]; a background
//! thread builds the finer ones (the 1:10m band takes the longest), and until a band is
//! ready the next coarser one is drawn, so the first frame never waits for detail.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use egui::epaint::tessellator::Path as StrokePath;
use egui::epaint::{PathStroke, Vertex, WHITE_UV};
use egui::{Color32, Mesh, Pos2, Rect, Response, Shape, Ui, pos2};
use geo::{Coord, LineString, Polygon, Simplify, TriangulateEarcut};
use walkers::{MapMemory, Plugin, Projector};

/// File name of the basemap asset, looked up by [`Basemap::load_bundled`].
pub const BASEMAP_FILE_NAME: &str = "basemap.bin";

/// Highest latitude Web-Mercator shows, in degrees; latitudes beyond are clamped to it.
pub const MAX_MERCATOR_LAT: f64 = 85.051_128_779_806_59;

/// Walkers' tile size: at zoom `z` the world is `256 · 2^z` points wide.
const TILE_SIZE: f64 = 256.0;
const MAGIC: &[u8; 8] = b"GZBASEMP";
const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 24;
const KIND_POLYGONS: u8 = 0;
const KIND_LINES: u8 = 1;

/// Rivers are drawn from this zoom on; below it they are clutter.
const RIVERS_MIN_ZOOM: f64 = 4.0;

/// Why a basemap file could not be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    /// The file does not exist.
    #[error("basemap file {} is missing", .path.display())]
    Missing {
        /// The path that was tried.
        path: PathBuf,
    },
    /// The file exists but could not be read.
    #[error("cannot read basemap file {}: {source}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is shorter than its header says (an interrupted copy or download).
    #[error(
        "basemap file {} is truncated: {found} bytes, expected {expected}",
        .path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Length in bytes the header promises (or the header's own length).
        expected: u64,
        /// Length in bytes found.
        found: u64,
    },
    /// The file is not a basemap this build can read, fails its checksum, or its
    /// contents are inconsistent.
    #[error("basemap file {} is corrupt: {reason}", .path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, for the log and the warning shown to the user.
        reason: String,
    },
    /// [`Basemap::load_bundled`] found no basemap file in any of the places it looks.
    #[error("basemap file {BASEMAP_FILE_NAME} not found; looked at {}", list_paths(.searched))]
    NotFound {
        /// Every path tried, in order.
        searched: Vec<PathBuf>,
    },
}

fn list_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One country (or territory) of the Natural Earth 1:50m admin-0 layer.
#[derive(Debug, Clone, PartialEq)]
pub struct BasemapCountry {
    /// ISO 3166-1 alpha-2 code, upper case; empty for territories without one
    /// (Somaliland, N. Cyprus, Siachen Glacier, Indian Ocean Ter.).
    pub iso_a2: String,
    /// English short name (world-countries' common name when the code is known, else
    /// Natural Earth's label).
    pub name: String,
    /// `[west, south, east, north]` in degrees of the largest part (by area on the
    /// sphere), e.g. the contiguous United States, metropolitan France, Russia west of
    /// the antimeridian. `west <= east` always.
    pub largest_part_bounds: [f64; 4],
}

/// Counts describing a loaded basemap, for logs, tests and the about box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasemapStats {
    /// Countries and territories in the 1:50m layer.
    pub countries: usize,
    /// Lake polygons.
    pub lakes: usize,
    /// River lines (features; one may have several parts).
    pub rivers: usize,
    /// Zoom bands, each with its own simplification.
    pub levels: usize,
    /// Zoom bands built so far (all of them once [`Basemap::is_complete`]).
    pub levels_ready: usize,
    /// Fill triangles over the bands built so far.
    pub triangles: usize,
}

/// The preprocessed basemap: every zoom band's triangulated fills and lines in Mercator
/// coordinates, plus a table of countries. Build it once with [`Basemap::load`] (or
/// [`Basemap::load_bundled`]) and share it (it is `Send + Sync`); it never changes
/// except that the finer zoom bands arrive from the background thread.
pub struct Basemap {
    countries: Vec<BasemapCountry>,
    /// Largest-part bounds per ISO code (codes shared by several features, such as
    /// Australia and Ashmore and Cartier Is., keep the largest part of all).
    bounds_by_iso: HashMap<String, (f64, [f64; 4])>,
    /// One slot per zoom band, sorted by `min_zoom`, the first at zoom 0 and always
    /// filled; the others are filled by `worker`.
    levels: Arc<[LevelSlot]>,
    worker: Mutex<Option<JoinHandle<()>>>,
    /// Set when the basemap is dropped, so that the worker stops after its current band.
    abandoned: Arc<AtomicBool>,
    provenance: String,
    lake_count: usize,
    river_count: usize,
}

/// A zoom band's level, once built.
struct LevelSlot {
    /// Used from this walkers zoom up to the next slot's.
    min_zoom: f64,
    level: OnceLock<Level>,
}

impl Drop for Basemap {
    fn drop(&mut self) {
        self.abandoned.store(true, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Basemap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Basemap")
            .field("stats", &self.stats())
            .field("provenance", &self.provenance)
            .finish_non_exhaustive()
    }
}

/// One zoom band's geometry. Fill vertices and line points are Mercator `[x, y]` as `f32`
/// (a 6e-8 unit step: under a point up to zoom 14).
struct Level {
    fill_vertices: Vec<[f32; 2]>,
    /// Triangle corners, relative to their part's `vertex_start`.
    fill_indices: Vec<u32>,
    /// Country polygons; together they are the land (Natural Earth's land is the union
    /// of its countries), so they are drawn in the land colour unless tinted.
    countries: Vec<FillPart>,
    /// ISO alpha-2 per country feature of this level's admin layer (`FillPart::feature`).
    country_iso: Vec<String>,
    lakes: Vec<FillPart>,
    line_points: Vec<[f32; 2]>,
    coasts: Vec<LinePart>,
    borders: Vec<LinePart>,
    lake_shores: Vec<LinePart>,
    rivers: Vec<LinePart>,
}

/// A triangulated polygon (one antimeridian piece of one part).
#[derive(Debug, Clone, Copy)]
struct FillPart {
    /// Mercator `[min_x, min_y, max_x, max_y]`.
    bbox: [f32; 4],
    vertex_start: u32,
    vertex_count: u32,
    index_start: u32,
    index_count: u32,
    /// Index of the feature in its layer (for countries, into `Level::country_iso`).
    feature: u32,
}

/// An open polyline.
#[derive(Debug, Clone, Copy)]
struct LinePart {
    /// Mercator `[min_x, min_y, max_x, max_y]`.
    bbox: [f32; 4],
    start: u32,
    len: u32,
}

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
                river: Color32::from_rgb(0x2d, 0x47, 0x5f),
                graticule: Color32::from_rgba_unmultiplied(0xff, 0xff, 0xff, 0x22),
            }
        } else {
            Self {
                water: Color32::from_rgb(0xb4, 0xcb, 0xda),
                land: Color32::from_rgb(0xf1, 0xee, 0xe6),
                coast: Color32::from_rgb(0x85, 0xa3, 0xb8),
                border: Color32::from_rgb(0x9a, 0x90, 0x96),
                river: Color32::from_rgb(0x8f, 0xb4, 0xcf),
                graticule: Color32::from_rgba_unmultiplied(0xff, 0xff, 0xff, 0x80),
            }
        }
    }
}

/// Web-Mercator normalised `[x, y]` of a `lon`/`lat` in degrees (see the module docs);
/// latitudes beyond [`MAX_MERCATOR_LAT`] are clamped. Longitudes outside ±180 map
/// linearly outside `0..=1`.
pub fn mercator_from_lon_lat(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT);
    mercator_from_lon_lat_unclamped(lon, lat)
}

fn mercator_from_lon_lat_unclamped(lon: f64, lat: f64) -> [f64; 2] {
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// `[lon, lat]` in degrees of a Web-Mercator normalised `[x, y]`.
pub fn lon_lat_from_mercator(mercator: [f64; 2]) -> [f64; 2] {
    let lon = mercator[0] * 360.0 - 180.0;
    let lat = ((1.0 - 2.0 * mercator[1]) * std::f64::consts::PI)
        .sinh()
        .atan()
        .to_degrees();
    [lon, lat]
}

/// The affine map from Mercator normalised coordinates to screen points that a walkers
/// map shows at one moment: `screen = screen_center + (mercator - mercator_center) ·
/// points_per_unit`. Computed in `f64`, so it stays exact at any zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenFromMercator {
    /// Mercator `[x, y]` shown at `screen_center`.
    pub mercator_center: [f64; 2],
    /// Screen position (points) of `mercator_center`.
    pub screen_center: Pos2,
    /// Screen points per Mercator unit: `256 · 2^zoom`.
    pub points_per_unit: f64,
}

impl ScreenFromMercator {
    /// The transform that shows `[lon, lat]` (degrees) at `screen_center` at walkers
    /// `zoom`.
    pub fn new(center_lon_lat: [f64; 2], zoom: f64, screen_center: Pos2) -> Self {
        Self {
            mercator_center: mercator_from_lon_lat_unclamped(center_lon_lat[0], center_lon_lat[1]),
            screen_center,
            points_per_unit: TILE_SIZE * zoom.exp2(),
        }
    }

    /// The transform walkers' `projector` uses this frame (Web-Mercator projection, the
    /// walkers default): the map centre comes from `unproject`, in `f64`.
    pub fn from_projector(projector: &Projector) -> Self {
        let screen_center = projector.clip_rect().center();
        let center = projector.unproject(screen_center.to_vec2());
        Self::new([center.x(), center.y()], projector.zoom(), screen_center)
    }

    /// The walkers zoom level this transform corresponds to.
    pub fn zoom(&self) -> f64 {
        (self.points_per_unit / TILE_SIZE).log2()
    }

    /// Screen position of a Mercator `[x, y]`.
    #[inline]
    pub fn screen_from_mercator(&self, mercator: [f64; 2]) -> Pos2 {
        pos2(
            (f64::from(self.screen_center.x)
                + (mercator[0] - self.mercator_center[0]) * self.points_per_unit)
                as f32,
            (f64::from(self.screen_center.y)
                + (mercator[1] - self.mercator_center[1]) * self.points_per_unit)
                as f32,
        )
    }

    /// Mercator `[x, y]` under a screen position.
    pub fn mercator_from_screen(&self, screen: Pos2) -> [f64; 2] {
        [
            self.mercator_center[0]
                + (f64::from(screen.x) - f64::from(self.screen_center.x)) / self.points_per_unit,
            self.mercator_center[1]
                + (f64::from(screen.y) - f64::from(self.screen_center.y)) / self.points_per_unit,
        ]
    }

    /// Screen position of a `[lon, lat]` in degrees (clamped to the Mercator limit).
    pub fn screen_from_lon_lat(&self, lon_lat: [f64; 2]) -> Pos2 {
        self.screen_from_mercator(mercator_from_lon_lat(lon_lat[0], lon_lat[1]))
    }

    /// Mercator `[min_x, min_y, max_x, max_y]` that the screen rectangle `rect` shows.
    pub fn mercator_bounds(&self, rect: Rect) -> [f64; 4] {
        let a = self.mercator_from_screen(rect.min);
        let b = self.mercator_from_screen(rect.max);
        [a[0], a[1], b[0], b[1]]
    }
}

impl Basemap {
    /// Reads and preprocesses the basemap file at `path` (format: `assets/build.py`).
    ///
    /// Errors name the file: [`BasemapError::Missing`], [`BasemapError::Unreadable`],
    /// [`BasemapError::Truncated`] (shorter than its header says) or
    /// [`BasemapError::Corrupt`] (bad magic, version or checksum, or inconsistent data).
    pub fn load(path: &Path) -> Result<Basemap, BasemapError> {
        let bytes = std::fs::read(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                BasemapError::Missing {
                    path: path.to_path_buf(),
                }
            } else {
                BasemapError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::from_bytes(&bytes, path)
    }

    /// Finds and loads the bundled `basemap.bin`: in `assets/` beside the executable, or
    /// one or two folders up from it (`target/debug/..`), or directly beside it; then in
    /// this crate's source tree (`CARGO_MANIFEST_DIR/assets/`). The first file that
    /// exists is loaded, and its error returned if it is broken; if none exists the error
    /// is [`BasemapError::NotFound`] with every path tried.
    pub fn load_bundled() -> Result<Basemap, BasemapError> {
        let searched = bundled_candidates();
        match searched.iter().find(|p| p.is_file()) {
            Some(path) => Self::load(path),
            None => Err(BasemapError::NotFound { searched }),
        }
    }

    /// `[west, south, east, north]` in degrees of the largest part of the country with
    /// ISO 3166-1 alpha-2 code `iso_a2` (case-insensitive), for fitting the map to it;
    /// `None` for a code the basemap does not have. For Russia that is the part west of
    /// the antimeridian (east edge 180).
    pub fn country_bounds(&self, iso_a2: &str) -> Option<[f64; 4]> {
        self.bounds_by_iso
            .get(&iso_a2.to_ascii_uppercase())
            .map(|&(_, bounds)| bounds)
    }

    /// The countries and territories of the 1:50m layer, in the asset's order.
    pub fn countries(&self) -> &[BasemapCountry] {
        &self.countries
    }

    /// Where the data comes from (package names and versions), for an about box.
    pub fn provenance(&self) -> &str {
        &self.provenance
    }

    /// Counts of what was loaded.
    pub fn stats(&self) -> BasemapStats {
        let ready = || self.levels.iter().filter_map(|s| s.level.get());
        BasemapStats {
            countries: self.countries.len(),
            lakes: self.lake_count,
            rivers: self.river_count,
            levels: self.levels.len(),
            levels_ready: ready().count(),
            triangles: ready().map(|l| l.fill_indices.len() / 3).sum(),
        }
    }

    /// Whether every zoom band has been built. Until then deep zooms draw a coarser band.
    pub fn is_complete(&self) -> bool {
        self.levels.iter().all(|s| s.level.get().is_some())
    }

    /// Blocks until the background thread has built every zoom band (for tests,
    /// benchmarks, and callers already off the UI thread). Returns at once if it has.
    pub fn wait_until_complete(&self) {
        let handle = match self.worker.lock() {
            Ok(mut worker) => worker.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(handle) = handle {
            // A panic there leaves its bands unbuilt; coarser ones are drawn instead.
            let _ = handle.join();
        }
    }

    /// Builds the whole basemap for one frame as a single mesh: the water over
    /// `viewport`, the land (every country, in the land colour, or in its `tint` when
    /// its upper-case ISO alpha-2 code is a key there; a translucent tint is blended
    /// over the land colour), lakes, rivers (zoom ≥ 4), coastlines and borders. Only
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
        append_fills(
            &mut mesh,
            level,
            &level.countries,
            transform,
            &visible,
            |f| colors.get(f as usize).copied(),
        );
        append_fills(&mut mesh, level, &level.lakes, transform, &visible, |_| {
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

    /// The band for `zoom`, or the nearest coarser one already built.
    fn level_for_zoom(&self, zoom: f64) -> Option<&Level> {
        let wanted = self
            .levels
            .iter()
            .rposition(|s| s.min_zoom <= zoom)
            .unwrap_or(0);
        self.levels
            .iter()
            .take(wanted + 1)
            .rev()
            .find_map(|s| s.level.get())
    }

    fn from_bytes(bytes: &[u8], path: &Path) -> Result<Basemap, BasemapError> {
        let body = check_header(bytes, path)?;
        let corrupt = |reason: String| BasemapError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let raw = parse_body(body).map_err(corrupt)?;
        let sources = Sources::from_raw(raw).map_err(corrupt)?;
        Ok(Self::start(sources))
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

/// Places [`Basemap::load_bundled`] looks, in order.
fn bundled_candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        let mut d = Some(dir.as_path());
        for _ in 0..3 {
            if let Some(dir) = d {
                out.push(dir.join("assets").join(BASEMAP_FILE_NAME));
                d = dir.parent();
            }
        }
        out.push(dir.join(BASEMAP_FILE_NAME));
    }
    out.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(BASEMAP_FILE_NAME),
    );
    out
}

// ---------------------------------------------------------------------------------------
// The walkers plugin
// ---------------------------------------------------------------------------------------

/// Draws the basemap under everything else on a walkers map. Add it first with
/// `Map::with_plugin`, so markers and other plugins paint over it.
///
/// With `basemap: None` (the asset is missing or broken) it paints the water colour and a
/// faint graticule, so the map is never blank; showing the error is the app's job.
pub struct BasemapPlugin<'a> {
    /// The loaded basemap, if any.
    pub basemap: Option<&'a Basemap>,
    /// Fill colour per ISO 3166-1 alpha-2 code (upper case) for countries to highlight.
    pub tint: &'a HashMap<String, Color32>,
    /// Dark-mode palette (e.g. `ui.visuals().dark_mode`).
    pub dark: bool,
}

impl Plugin for BasemapPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _map_memory: &MapMemory,
    ) {
        let map_rect = response.rect;
        let viewport = map_rect.intersect(ui.clip_rect());
        if !viewport.is_positive() {
            return;
        }
        let transform = ScreenFromMercator::from_projector(projector);
        let pixels_per_point = ui.ctx().pixels_per_point();
        if self.basemap.is_some_and(|b| !b.is_complete()) {
            // Finer zoom bands are still being built: look again shortly.
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
        let mesh = match self.basemap {
            Some(basemap) => {
                basemap.build_mesh(&transform, viewport, self.tint, self.dark, pixels_per_point)
            }
            None => fallback_mesh(&transform, viewport, self.dark, pixels_per_point),
        };
        ui.painter_at(map_rect).add(Shape::mesh(mesh));
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

fn append_fills(
    mesh: &mut Mesh,
    level: &Level,
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
            level.fill_vertices.get(vs..vs + part.vertex_count as usize),
            level.fill_indices.get(is..is + part.index_count as usize),
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
}

impl LineStroker {
    fn new(pixels_per_point: f32, clip: Rect) -> Self {
        Self {
            feathering: 1.0 / pixels_per_point.max(0.1),
            clip,
            path: StrokePath::default(),
            points: Vec::new(),
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
                        // Skip points closer than a fifth of a point: invisible detail.
                        if let Some(last) = self.points.last()
                            && (q - *last).length_sq() < 0.04
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
            self.path.clear();
            self.path.add_open_points(&self.points);
            self.path.stroke_open(self.feathering, stroke, mesh);
        }
        self.points.clear();
    }
}

// ---------------------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------------------

/// Checks magic, version, length and checksum; returns the body.
fn check_header<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a [u8], BasemapError> {
    let corrupt = |reason: String| BasemapError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(corrupt("not a Gazette basemap (bad magic bytes)".into()));
    }
    if bytes.len() < HEADER_LEN {
        return Err(BasemapError::Truncated {
            path: path.to_path_buf(),
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    let u32_at = |at: usize| {
        let mut b = [0u8; 4];
        b.copy_from_slice(&bytes[at..at + 4]);
        u32::from_le_bytes(b)
    };
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(corrupt(format!(
            "format version {version}, this build reads version {FORMAT_VERSION}; rebuild it \
             with assets/build.py"
        )));
    }
    let crc = u32_at(12);
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[16..24]);
    let body_len = u64::from_le_bytes(len);
    let found = (bytes.len() - HEADER_LEN) as u64;
    if found < body_len {
        return Err(BasemapError::Truncated {
            path: path.to_path_buf(),
            expected: HEADER_LEN as u64 + body_len,
            found: bytes.len() as u64,
        });
    }
    if found > body_len {
        return Err(corrupt(format!(
            "{} bytes after the end of the data",
            found - body_len
        )));
    }
    let body = &bytes[HEADER_LEN..];
    let actual = crc32fast::hash(body);
    if actual != crc {
        return Err(corrupt(format!(
            "checksum mismatch (CRC-32 {actual:08x}, header says {crc:08x})"
        )));
    }
    Ok(body)
}

/// A topology as stored: arcs in degrees, layers referencing them.
struct RawTopology {
    name: String,
    /// `[lon, lat]` degrees per point.
    arcs: Vec<Vec<[f64; 2]>>,
    layers: Vec<RawLayer>,
}

struct RawLayer {
    name: String,
    features: Vec<RawFeature>,
}

struct RawFeature {
    iso_a2: String,
    name: String,
    geometry: RawGeometry,
}

/// TopoJSON arc references: `i >= 0` is arc `i` forwards, `i < 0` arc `!i` reversed.
enum RawGeometry {
    /// Polygons; per polygon its rings (outer first); per ring its arc references.
    Polygons(Vec<Vec<Vec<i32>>>),
    /// Lines; per line its arc references.
    Lines(Vec<Vec<i32>>),
}

struct RawBasemap {
    provenance: String,
    topologies: Vec<RawTopology>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.remaining() < n {
            return Err(format!("data ends inside {what} at byte {}", self.pos));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn varint(&mut self, what: &str) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8(what)?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("overlong number in {what} at byte {}", self.pos))
    }

    fn zigzag(&mut self, what: &str) -> Result<i64, String> {
        let v = self.varint(what)?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A count of items that each take at least one byte: bounded by what is left.
    fn count(&mut self, what: &str) -> Result<usize, String> {
        let n = self.varint(what)?;
        if n > self.remaining() as u64 {
            return Err(format!(
                "{what} count {n} exceeds the remaining {} bytes",
                self.remaining()
            ));
        }
        Ok(n as usize)
    }

    fn f64(&mut self, what: &str) -> Result<f64, String> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8, what)?);
        Ok(f64::from_le_bytes(b))
    }

    fn string(&mut self, what: &str) -> Result<String, String> {
        let n = self.count(what)?;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| format!("{what} is not UTF-8"))
    }
}

fn parse_body(body: &[u8]) -> Result<RawBasemap, String> {
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    let provenance = r.string("provenance")?;
    let n_topologies = r.count("topologies")?;
    let mut topologies = Vec::with_capacity(n_topologies);
    for _ in 0..n_topologies {
        topologies.push(parse_topology(&mut r)?);
    }
    if r.remaining() != 0 {
        return Err(format!("{} unread bytes at the end", r.remaining()));
    }
    Ok(RawBasemap {
        provenance,
        topologies,
    })
}

fn parse_topology(outer: &mut Reader) -> Result<RawTopology, String> {
    let name = outer.string("topology name")?;
    let len = outer.count("topology length")?;
    let mut reader = Reader {
        bytes: outer.take(len, "topology")?,
        pos: 0,
    };
    let r = &mut reader;
    let mut transform = [0.0; 4];
    for t in &mut transform {
        *t = r.f64("transform")?;
    }
    if transform.iter().any(|t| !t.is_finite()) || transform[0] <= 0.0 || transform[1] <= 0.0 {
        return Err(format!("{name}: invalid transform {transform:?}"));
    }
    let [sx, sy, tx, ty] = transform;
    let n_arcs = r.count("arcs")?;
    let mut arcs = Vec::with_capacity(n_arcs);
    for _ in 0..n_arcs {
        let n = r.count("arc points")?;
        if n < 2 {
            return Err(format!("{name}: an arc with {n} point(s)"));
        }
        let mut arc = Vec::with_capacity(n);
        let (mut qx, mut qy) = (0i64, 0i64);
        for _ in 0..n {
            qx = qx
                .checked_add(r.zigzag("arc point")?)
                .ok_or("arc coordinate overflow")?;
            qy = qy
                .checked_add(r.zigzag("arc point")?)
                .ok_or("arc coordinate overflow")?;
            let lon = qx as f64 * sx + tx;
            let lat = qy as f64 * sy + ty;
            if !(-180.001..=180.001).contains(&lon) || !(-90.001..=90.001).contains(&lat) {
                return Err(format!("{name}: coordinate out of range ({lon}, {lat})"));
            }
            arc.push([lon, lat]);
        }
        arcs.push(arc);
    }
    let n_layers = r.count("layers")?;
    let mut layers = Vec::with_capacity(n_layers);
    for _ in 0..n_layers {
        let layer_name = r.string("layer name")?;
        let kind = r.u8("layer kind")?;
        if kind != KIND_POLYGONS && kind != KIND_LINES {
            return Err(format!("{name}/{layer_name}: unknown layer kind {kind}"));
        }
        let n_features = r.count("features")?;
        let mut features = Vec::with_capacity(n_features);
        for _ in 0..n_features {
            let iso_a2 = r.string("ISO code")?;
            let feature_name = r.string("feature name")?;
            let arc_ref = |r: &mut Reader| -> Result<i32, String> {
                let v = r.zigzag("arc reference")?;
                let index = if v >= 0 { v } else { !v };
                if index >= n_arcs as i64 {
                    return Err(format!(
                        "{name}/{layer_name}: arc {index} of {n_arcs} referenced"
                    ));
                }
                Ok(v as i32)
            };
            let n_parts = r.count("parts")?;
            let geometry = if kind == KIND_POLYGONS {
                let mut polygons = Vec::with_capacity(n_parts);
                for _ in 0..n_parts {
                    let n_rings = r.count("rings")?;
                    let mut rings = Vec::with_capacity(n_rings);
                    for _ in 0..n_rings {
                        let n_refs = r.count("ring arcs")?;
                        let mut refs = Vec::with_capacity(n_refs);
                        for _ in 0..n_refs {
                            refs.push(arc_ref(r)?);
                        }
                        rings.push(refs);
                    }
                    polygons.push(rings);
                }
                RawGeometry::Polygons(polygons)
            } else {
                let mut lines = Vec::with_capacity(n_parts);
                for _ in 0..n_parts {
                    let n_refs = r.count("line arcs")?;
                    let mut refs = Vec::with_capacity(n_refs);
                    for _ in 0..n_refs {
                        refs.push(arc_ref(r)?);
                    }
                    lines.push(refs);
                }
                RawGeometry::Lines(lines)
            };
            features.push(RawFeature {
                iso_a2,
                name: feature_name,
                geometry,
            });
        }
        layers.push(RawLayer {
            name: layer_name,
            features,
        });
    }
    if r.remaining() != 0 {
        return Err(format!("{name}: {} unread bytes", r.remaining()));
    }
    Ok(RawTopology { name, arcs, layers })
}

// ---------------------------------------------------------------------------------------
// Preprocessing
// ---------------------------------------------------------------------------------------

/// Which admin topology a zoom band draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Natural Earth 1:50m (`admin-50m`).
    Medium,
    /// Natural Earth 1:10m (`admin-10m`), optional in the file.
    Fine,
}

/// A zoom band: from `min_zoom` on, draw `detail` simplified to `tolerance_points` screen
/// points at zoom `tolerance_zoom` (the band's deepest), or not at all when 0.
struct Band {
    min_zoom: f64,
    detail: Detail,
    tolerance_zoom: f64,
    tolerance_points: f64,
}

impl Band {
    /// The simplification tolerance in Mercator units.
    fn epsilon(&self) -> f64 {
        self.tolerance_points / (TILE_SIZE * self.tolerance_zoom.exp2())
    }
}

/// Zoom < 3 and 3–5: 1:50m simplified below a point; 5–7: 1:50m as is; 7 and up: 1:10m
/// as is (its 0.0036° quantisation is about a point at zoom 10). Without 1:10m in the
/// file the 5–7 band serves every deeper zoom.
const BANDS: [Band; 4] = [
    Band {
        min_zoom: 0.0,
        detail: Detail::Medium,
        tolerance_zoom: 3.0,
        tolerance_points: 0.6,
    },
    Band {
        min_zoom: 3.0,
        detail: Detail::Medium,
        tolerance_zoom: 5.0,
        tolerance_points: 0.6,
    },
    Band {
        min_zoom: 5.0,
        detail: Detail::Medium,
        tolerance_zoom: 7.0,
        tolerance_points: 0.0,
    },
    Band {
        min_zoom: 7.0,
        detail: Detail::Fine,
        tolerance_zoom: 11.0,
        tolerance_points: 0.0,
    },
];

/// The bands in use: all, or without the 1:10m one when the file has no `admin-10m`.
fn bands_of(has_fine: bool) -> impl Iterator<Item = &'static Band> {
    BANDS
        .iter()
        .filter(move |b| b.detail == Detail::Medium || has_fine)
}

/// An admin-0 topology: countries, and the land they make up.
struct AdminSource {
    /// `[lon, lat]` degrees per point.
    arcs: Vec<Vec<[f64; 2]>>,
    countries: Vec<RawFeature>,
    land: Vec<RawFeature>,
}

/// Lakes and rivers, arcs already in Mercator.
struct PhysicalSource {
    arcs: Vec<Vec<[f64; 2]>>,
    lakes: Vec<RawFeature>,
    rivers: Vec<RawFeature>,
}

/// Everything the file holds, checked: the layers each topology needs are present.
struct Sources {
    provenance: String,
    medium: AdminSource,
    fine: Option<AdminSource>,
    physical: PhysicalSource,
}

fn take_layer(
    t: &mut RawTopology,
    name: &str,
    kind_is_polygons: bool,
) -> Result<Vec<RawFeature>, String> {
    let index = t
        .layers
        .iter()
        .position(|l| l.name == name)
        .ok_or_else(|| format!("topology {} has no layer {name}", t.name))?;
    let layer = t.layers.swap_remove(index);
    let right_kind = layer.features.iter().all(|f| {
        matches!(
            (&f.geometry, kind_is_polygons),
            (RawGeometry::Polygons(_), true) | (RawGeometry::Lines(_), false)
        )
    });
    if !right_kind {
        return Err(format!(
            "layer {name} of {} has the wrong geometry kind",
            t.name
        ));
    }
    Ok(layer.features)
}

impl Sources {
    fn from_raw(raw: RawBasemap) -> Result<Sources, String> {
        let mut medium = None;
        let mut fine = None;
        let mut physical = None;
        for mut t in raw.topologies {
            match t.name.as_str() {
                "admin-50m" | "admin-10m" => {
                    let source = AdminSource {
                        countries: take_layer(&mut t, "countries", true)?,
                        land: take_layer(&mut t, "land", true)?,
                        arcs: t.arcs,
                    };
                    if t.name == "admin-50m" {
                        medium = Some(source);
                    } else {
                        fine = Some(source);
                    }
                }
                "physical-50m" => {
                    physical = Some(PhysicalSource {
                        lakes: take_layer(&mut t, "lakes", true)?,
                        rivers: take_layer(&mut t, "rivers", false)?,
                        arcs: mercator_arcs(&t.arcs),
                    });
                }
                _ => {} // A topology a later format adds: ignore it.
            }
        }
        let medium = medium.ok_or("no admin-50m topology")?;
        if medium.countries.is_empty() {
            return Err("admin-50m has no countries".into());
        }
        Ok(Sources {
            provenance: raw.provenance,
            medium,
            fine,
            physical: physical.ok_or("no physical-50m topology")?,
        })
    }
}

impl Basemap {
    /// Builds the country table and the coarsest band now, and starts the thread that
    /// builds the others.
    fn start(sources: Sources) -> Basemap {
        let Sources {
            provenance,
            medium,
            fine,
            physical,
        } = sources;
        let medium_arcs = mercator_arcs(&medium.arcs);
        let (countries, bounds_by_iso) = country_table(&medium_arcs, &medium.countries);
        let lake_count = physical.lakes.len();
        let river_count = physical.rivers.len();

        let levels: Arc<[LevelSlot]> = bands_of(fine.is_some())
            .map(|b| LevelSlot {
                min_zoom: b.min_zoom,
                level: OnceLock::new(),
            })
            .collect();
        let medium = MercatorAdmin {
            arcs: medium_arcs,
            countries: medium.countries,
            land: medium.land,
        };
        if let (Some(slot), Some(band)) = (levels.first(), BANDS.first()) {
            let _ = slot
                .level
                .set(build_level(band.epsilon(), &medium, &physical));
        }

        let abandoned = Arc::new(AtomicBool::new(false));
        let work = {
            let levels = Arc::clone(&levels);
            let abandoned = Arc::clone(&abandoned);
            let mut fine = fine;
            move || {
                let mut fine_mercator: Option<MercatorAdmin> = None;
                for (i, band) in bands_of(fine.is_some()).enumerate().skip(1) {
                    if abandoned.load(Ordering::Relaxed) {
                        return;
                    }
                    if band.detail == Detail::Fine
                        && fine_mercator.is_none()
                        && let Some(source) = fine.take()
                    {
                        fine_mercator = Some(MercatorAdmin {
                            arcs: mercator_arcs(&source.arcs),
                            countries: source.countries,
                            land: source.land,
                        });
                    }
                    let admin = match band.detail {
                        Detail::Medium => &medium,
                        Detail::Fine => match &fine_mercator {
                            Some(admin) => admin,
                            None => continue,
                        },
                    };
                    if let Some(slot) = levels.get(i) {
                        let _ = slot
                            .level
                            .set(build_level(band.epsilon(), admin, &physical));
                    }
                }
            }
        };
        // Without a thread to be had (the OS refused one), the coarsest band, built
        // above, draws every zoom: a cruder map rather than none.
        let worker = std::thread::Builder::new()
            .name("basemap-levels".into())
            .spawn(work)
            .ok();
        Basemap {
            countries,
            bounds_by_iso,
            levels,
            worker: Mutex::new(worker),
            abandoned,
            provenance,
            lake_count,
            river_count,
        }
    }
}

/// An admin-0 topology with its arcs in Mercator.
struct MercatorAdmin {
    arcs: Vec<Vec<[f64; 2]>>,
    countries: Vec<RawFeature>,
    land: Vec<RawFeature>,
}

type CountryTable = (Vec<BasemapCountry>, HashMap<String, (f64, [f64; 4])>);

/// The country table and each code's largest part, from the unsimplified rings.
fn country_table(arcs: &[Vec<[f64; 2]>], features: &[RawFeature]) -> CountryTable {
    let mut countries = Vec::with_capacity(features.len());
    let mut bounds_by_iso: HashMap<String, (f64, [f64; 4])> = HashMap::new();
    for feature in features {
        let mut best: Option<(f64, [f64; 4])> = None;
        for polygon in polygons_of(feature) {
            for piece in polygon_pieces(arcs, polygon) {
                if let Some(exterior) = piece.first()
                    && let Some((area, bounds)) = lon_lat_extent(exterior)
                    && best.is_none_or(|(a, _)| area > a)
                {
                    best = Some((area, bounds));
                }
            }
        }
        let Some((area, bounds)) = best else {
            continue; // No polygon left: nothing to fit the map to.
        };
        if !feature.iso_a2.is_empty() {
            let entry = bounds_by_iso
                .entry(feature.iso_a2.to_ascii_uppercase())
                .or_insert((area, bounds));
            if area > entry.0 {
                *entry = (area, bounds);
            }
        }
        countries.push(BasemapCountry {
            iso_a2: feature.iso_a2.clone(),
            name: feature.name.clone(),
            largest_part_bounds: bounds,
        });
    }
    (countries, bounds_by_iso)
}

/// Each arc in Mercator, its longitudes unwrapped so that it never jumps across the
/// antimeridian (an arc may then run past `x = 1` or below `x = 0`).
fn mercator_arcs(arcs: &[Vec<[f64; 2]>]) -> Vec<Vec<[f64; 2]>> {
    arcs.iter()
        .map(|arc| {
            let mut offset = 0.0;
            let mut previous: Option<f64> = None;
            arc.iter()
                .map(|&[lon, lat]| {
                    if let Some(prev) = previous {
                        let d = lon + offset - prev;
                        if d > 180.0 {
                            offset -= 360.0;
                        } else if d < -180.0 {
                            offset += 360.0;
                        }
                    }
                    previous = Some(lon + offset);
                    mercator_from_lon_lat(lon + offset, lat)
                })
                .collect()
        })
        .collect()
}

fn simplify_arcs(arcs: &[Vec<[f64; 2]>], epsilon: f64) -> Vec<Vec<[f64; 2]>> {
    if epsilon <= 0.0 {
        return arcs.to_vec();
    }
    arcs.iter()
        .map(|arc| {
            let line: LineString<f64> = arc.iter().map(|&[x, y]| Coord { x, y }).collect();
            line.simplify(epsilon)
                .0
                .into_iter()
                .map(|c| [c.x, c.y])
                .collect()
        })
        .collect()
}

/// Joins arcs into one continuous path, shifting each by whole world widths so that it
/// starts where the previous one ended.
fn assemble(arcs: &[Vec<[f64; 2]>], refs: &[i32]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::new();
    for &r in refs {
        let (index, reversed) = if r >= 0 {
            (r as usize, false)
        } else {
            ((!r) as usize, true)
        };
        let Some(arc) = arcs.get(index) else {
            continue;
        };
        let first = if reversed { arc.last() } else { arc.first() };
        let Some(&first) = first else { continue };
        let shift = out.last().map_or(0.0, |last| (last[0] - first[0]).round());
        let skip = usize::from(!out.is_empty());
        let shifted = |p: &[f64; 2]| [p[0] + shift, p[1]];
        if reversed {
            out.extend(arc.iter().rev().skip(skip).map(shifted));
        } else {
            out.extend(arc.iter().skip(skip).map(shifted));
        }
    }
    out
}

/// A polygon's rings (outer first) as open rings in Mercator, cut at the antimeridian
/// into pieces that each lie within `0 <= x <= 1`. A ring that goes round a pole
/// (Antarctica) is closed along the Mercator limit first.
fn polygon_pieces(arcs: &[Vec<[f64; 2]>], polygon: &[Vec<i32>]) -> Vec<Vec<Vec<[f64; 2]>>> {
    let mut rings: Vec<Vec<[f64; 2]>> = Vec::with_capacity(polygon.len());
    for refs in polygon {
        let mut ring = assemble(arcs, refs);
        let (Some(&first), Some(&last)) = (ring.first(), ring.last()) else {
            continue;
        };
        let turns = (last[0] - first[0]).round();
        if turns != 0.0 {
            // Goes round a pole: close it along the edge of the Mercator square.
            let mean_y = ring.iter().map(|p| p[1]).sum::<f64>() / ring.len() as f64;
            let pole_y = if mean_y > 0.5 { 1.0 } else { 0.0 };
            ring.push([last[0], pole_y]);
            ring.push([first[0], pole_y]);
        } else if ring.len() > 1 && (last[0] - first[0]).abs() < 1e-12 && last[1] == first[1] {
            ring.pop();
        }
        if ring.len() < 3 {
            if rings.is_empty() {
                return Vec::new(); // The outer ring vanished at this simplification.
            }
            continue;
        }
        rings.push(ring);
    }
    if rings.is_empty() {
        return Vec::new();
    }
    let (mut min_x, mut max_x) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in rings.iter().flatten() {
        min_x = min_x.min(p[0]);
        max_x = max_x.max(p[0]);
    }
    let first_world = (min_x + 1e-9).floor();
    let last_world = (max_x - 1e-9).ceil() - 1.0;
    if first_world == last_world {
        if first_world != 0.0 {
            for p in rings.iter_mut().flatten() {
                p[0] -= first_world;
            }
        }
        return vec![rings];
    }
    let mut pieces = Vec::new();
    let mut k = first_world;
    while k <= last_world {
        let mut piece = Vec::new();
        for (i, ring) in rings.iter().enumerate() {
            let mut clipped = clip_ring_to_strip(ring, k, k + 1.0);
            for p in &mut clipped {
                p[0] -= k;
            }
            if clipped.len() >= 3 && ring_area(&clipped).abs() > 1e-16 {
                piece.push(clipped);
            } else if i == 0 {
                break;
            }
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
        k += 1.0;
    }
    pieces
}

/// Sutherland–Hodgman clip of a closed ring to `lo <= x <= hi`.
fn clip_ring_to_strip(ring: &[[f64; 2]], lo: f64, hi: f64) -> Vec<[f64; 2]> {
    let left = clip_ring_half(ring, lo, true);
    clip_ring_half(&left, hi, false)
}

fn clip_ring_half(ring: &[[f64; 2]], edge: f64, keep_greater: bool) -> Vec<[f64; 2]> {
    let inside = |p: &[f64; 2]| {
        if keep_greater {
            p[0] >= edge
        } else {
            p[0] <= edge
        }
    };
    let mut out = Vec::with_capacity(ring.len() + 4);
    let Some(&last) = ring.last() else {
        return out;
    };
    let mut prev = last;
    for &cur in ring {
        let (a, b) = (inside(&prev), inside(&cur));
        if a != b {
            let t = (edge - prev[0]) / (cur[0] - prev[0]);
            out.push([edge, prev[1] + t * (cur[1] - prev[1])]);
        }
        if b {
            out.push(cur);
        }
        prev = cur;
    }
    out
}

/// Splits a polyline at the antimeridian so that every piece lies within `0 <= x <= 1`.
fn split_line(points: &[[f64; 2]]) -> Vec<Vec<[f64; 2]>> {
    let mut pieces = Vec::new();
    let Some(&first) = points.first() else {
        return pieces;
    };
    let mut k = first[0].floor();
    if first[0] == k && points.get(1).is_some_and(|p| p[0] < first[0]) {
        k -= 1.0;
    }
    let mut current = vec![[first[0] - k, first[1]]];
    let mut prev = first;
    for &p in &points[1..] {
        while p[0] > k + 1.0 || p[0] < k {
            let edge = if p[0] > k + 1.0 { k + 1.0 } else { k };
            let t = (edge - prev[0]) / (p[0] - prev[0]);
            let y = prev[1] + t * (p[1] - prev[1]);
            current.push([edge - k, y]);
            pieces.push(std::mem::take(&mut current));
            k = if p[0] > k + 1.0 { k + 1.0 } else { k - 1.0 };
            current.push([edge - k, y]);
        }
        current.push([p[0] - k, p[1]]);
        prev = p;
    }
    pieces.push(current);
    pieces.retain(|piece| piece.len() >= 2);
    pieces
}

/// Shoelace area of an open ring (Mercator units², sign by orientation).
fn ring_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    let mut sum = 0.0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        sum += a[0] * b[1] - b[0] * a[1];
    }
    sum / 2.0
}

/// Approximate area on the sphere (degrees², for ranking only) and `[w, s, e, n]` of a
/// Mercator ring.
fn lon_lat_extent(ring: &[[f64; 2]]) -> Option<(f64, [f64; 4])> {
    if ring.len() < 3 {
        return None;
    }
    let lon_lat: Vec<[f64; 2]> = ring.iter().map(|&p| lon_lat_from_mercator(p)).collect();
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in &lon_lat {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    let mid_lat = ((b[1] + b[3]) / 2.0).to_radians();
    Some((ring_area(&lon_lat).abs() * mid_lat.cos(), b))
}

struct LevelBuilder {
    level: Level,
}

impl LevelBuilder {
    /// Triangulates one polygon piece (open rings, outer first) and records it.
    fn add_fill(&mut self, rings: &[Vec<[f64; 2]>], feature: u32, to: FillLayer) {
        let Some((exterior, holes)) = rings.split_first() else {
            return;
        };
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
            return;
        }
        let level = &mut self.level;
        let vertex_start = level.fill_vertices.len() as u32;
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
            level.fill_vertices.push(v);
        }
        let index_start = level.fill_indices.len() as u32;
        level
            .fill_indices
            .extend(raw.triangle_indices.iter().map(|&i| i as u32));
        let part = FillPart {
            bbox,
            vertex_start,
            vertex_count: level.fill_vertices.len() as u32 - vertex_start,
            index_start,
            index_count: level.fill_indices.len() as u32 - index_start,
            feature,
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
}

fn polygons_of(feature: &RawFeature) -> &[Vec<Vec<i32>>] {
    match &feature.geometry {
        RawGeometry::Polygons(p) => p,
        RawGeometry::Lines(_) => &[],
    }
}

fn build_level(epsilon: f64, admin: &MercatorAdmin, physical: &PhysicalSource) -> Level {
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
    b.level
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn asset_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(BASEMAP_FILE_NAME)
    }

    /// The real asset, every zoom band built.
    fn basemap() -> &'static Basemap {
        static BASEMAP: OnceLock<Basemap> = OnceLock::new();
        BASEMAP.get_or_init(|| {
            let map = Basemap::load(&asset_path()).expect("load the bundled basemap");
            map.wait_until_complete();
            map
        })
    }

    #[test]
    fn loads_the_real_asset_with_its_countries() {
        let map = basemap();
        let stats = map.stats();
        assert!(
            (235..=250).contains(&stats.countries),
            "{} countries",
            stats.countries
        );
        assert_eq!(stats.lakes, 275);
        assert_eq!(stats.rivers, 461);
        assert_eq!(stats.levels, 4, "the asset has the 1:10m band");
        assert_eq!(stats.levels_ready, 4);
        assert!(map.is_complete());
        for iso in ["NE", "ML", "US", "FR", "RU", "FJ", "AQ", "XK"] {
            assert!(
                map.countries().iter().any(|c| c.iso_a2 == iso),
                "{iso} missing"
            );
        }
        let close = |got: [f64; 4], want: [f64; 4], tol: f64| {
            got.iter().zip(want).all(|(g, w)| (g - w).abs() <= tol)
        };
        let ne = map.country_bounds("NE").expect("Niger");
        assert!(close(ne, [0.16, 11.7, 15.99, 23.52], 0.3), "{ne:?}");
        let ml = map.country_bounds("ml").expect("Mali");
        assert!(close(ml, [-12.24, 10.15, 4.27, 25.0], 0.3), "{ml:?}");
        let us = map.country_bounds("US").expect("United States");
        assert!(close(us, [-124.7, 25.1, -66.95, 49.38], 0.3), "{us:?}");
        let fr = map.country_bounds("FR").expect("France");
        assert!(close(fr, [-4.8, 42.3, 8.2, 51.1], 0.5), "{fr:?}");
        let ru = map.country_bounds("RU").expect("Russia");
        assert!(ru[0] > 19.0 && ru[0] < 40.0 && ru[2] == 180.0, "{ru:?}");
        assert!(map.country_bounds("ZZ").is_none());
        assert!(map.provenance().contains("world-atlas@2.0.2"));
    }

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
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nothing-here.bin");
        let err = Basemap::load(&missing).expect_err("missing");
        assert!(matches!(err, BasemapError::Missing { .. }), "{err}");
        assert!(err.to_string().contains("nothing-here.bin"), "{err}");

        let bytes = std::fs::read(asset_path()).expect("read asset");
        let truncated = dir.path().join("truncated.bin");
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
        let err = Basemap::load(&truncated).expect_err("truncated");
        assert!(matches!(err, BasemapError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("truncated.bin"), "{err}");

        let header_only = dir.path().join("header.bin");
        std::fs::write(&header_only, &bytes[..10]).expect("write");
        let err = Basemap::load(&header_only).expect_err("short header");
        assert!(matches!(err, BasemapError::Truncated { .. }), "{err}");

        let flipped = dir.path().join("flipped.bin");
        let mut damaged = bytes.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x55;
        std::fs::write(&flipped, &damaged).expect("write");
        let err = Basemap::load(&flipped).expect_err("corrupt");
        assert!(matches!(err, BasemapError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("flipped.bin"), "{err}");
        assert!(err.to_string().contains("checksum"), "{err}");

        let garbage = dir.path().join("garbage.bin");
        std::fs::write(&garbage, b"{\"type\": \"Topology\"}").expect("write");
        let err = Basemap::load(&garbage).expect_err("not a basemap");
        assert!(matches!(err, BasemapError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("garbage.bin"), "{err}");

        // A well-formed header over a body that does not parse.
        let inconsistent = dir.path().join("inconsistent.bin");
        let body = [0xffu8; 16];
        let mut file = MAGIC.to_vec();
        file.extend(FORMAT_VERSION.to_le_bytes());
        file.extend(crc32fast::hash(&body).to_le_bytes());
        file.extend((body.len() as u64).to_le_bytes());
        file.extend(body);
        std::fs::write(&inconsistent, &file).expect("write");
        let err = Basemap::load(&inconsistent).expect_err("inconsistent");
        assert!(matches!(err, BasemapError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn transform_matches_walkers_projector() {
        let mut memory = MapMemory::default();
        memory.set_zoom(6.3).expect("zoom");
        memory.center_at(walkers::lon_lat(8.5, 13.5));
        let clip = Rect::from_min_size(pos2(40.0, 30.0), egui::vec2(900.0, 600.0));
        let projection = walkers::MercatorProjection;
        let projector = Projector::new(clip, &projection, &memory, walkers::lon_lat(0.0, 0.0));
        let transform = ScreenFromMercator::from_projector(&projector);
        assert!((transform.zoom() - 6.3).abs() < 1e-9);
        for (lon, lat) in [(8.5, 13.5), (2.1, 13.5), (15.0, 20.0), (-3.0, 5.0)] {
            let walkers = projector.project(walkers::lon_lat(lon, lat));
            let ours = transform.screen_from_lon_lat([lon, lat]);
            assert!(
                (walkers.x - ours.x).abs() < 0.01 && (walkers.y - ours.y).abs() < 0.01,
                "({lon}, {lat}): walkers {walkers:?}, ours {ours:?}"
            );
        }
    }

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
    fn split_line_cuts_at_the_antimeridian() {
        let pieces = split_line(&[[0.9, 0.1], [1.1, 0.3], [1.2, 0.3]]);
        assert_eq!(pieces.len(), 2);
        let end = pieces[0][pieces[0].len() - 1];
        assert!(end[0] == 1.0 && (end[1] - 0.2).abs() < 1e-12, "{end:?}");
        let start = pieces[1][0];
        assert!(
            start[0] == 0.0 && (start[1] - 0.2).abs() < 1e-12,
            "{start:?}"
        );
        assert!(pieces.iter().flatten().all(|p| (0.0..=1.0).contains(&p[0])));
    }

    #[test]
    fn basemap_can_be_loaded_on_a_worker_and_shared() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Basemap>();
        // Dropping a basemap whose bands are still being built is fine.
        drop(Basemap::load(&asset_path()).expect("load"));
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
}
