//! The offline basemap: Natural Earth countries, land, lakes, rivers and first-level
//! divisions (their borders inside each country, and their names), and US county
//! borders, from the bundled
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
//! ready the next coarser one is drawn, so the first frame never waits for detail. The
//! same thread then triangulates the first-level divisions' polygons for every band
//! (only the map's division view draws them: [`Basemap::build_mesh_tinted`]).
//!
//! # Files
//! * `load.rs`: [`Basemap::load`], [`Basemap::load_bundled`], [`BasemapError`]; `asset.rs`:
//!   the byte format; `sources.rs`: the topologies and layers the file must hold.
//! * `projection.rs`: Mercator and [`ScreenFromMercator`]; `geometry.rs`: arcs, rings and
//!   the antimeridian cut; `level.rs`: one band's triangulated geometry; `bands.rs`: the
//!   zoom bands and the thread that builds them; `countries.rs`: the country table;
//!   `divisions.rs`: the first-level divisions' names and label points;
//!   `division_areas.rs`: their polygons and GeoNames codes, for the division view.
//! * `render.rs`: the frame's mesh and [`BasemapPalette`]; `plugin.rs`: [`BasemapPlugin`].

mod asset;
mod bands;
mod countries;
mod division_areas;
mod divisions;
mod geometry;
pub mod gpu;
mod hit;
mod level;
mod load;
mod plugin;
mod projection;
mod render;
mod sources;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub use asset::{BASEMAP_FILE_NAME, BasemapError};
pub use countries::BasemapCountry;
pub use division_areas::BasemapDivisionArea;
pub use divisions::BasemapDivision;
pub use plugin::BasemapPlugin;
pub use projection::{
    MAX_MERCATOR_LAT, ScreenFromMercator, lon_lat_from_mercator, mercator_from_lon_lat,
};
pub use render::{BasemapPalette, background_mesh, fallback_mesh};

use bands::LevelSlot;

/// Counts describing a loaded basemap, for logs, tests and the about box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasemapStats {
    /// Countries and territories in the 1:50m layer.
    pub countries: usize,
    /// Lake polygons.
    pub lakes: usize,
    /// River lines (features; one may have several parts).
    pub rivers: usize,
    /// First-level divisions with a name (0 when the file has none).
    pub divisions: usize,
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
    /// First-level divisions with a name, biggest first.
    divisions: Vec<BasemapDivision>,
    /// First-level divisions as areas with their GeoNames admin-1 codes, in the file's
    /// order (their polygons are in each band's `LevelSlot::division_fills`).
    division_areas: Vec<BasemapDivisionArea>,
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

impl Basemap {
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
            divisions: self.divisions.len(),
            levels: self.levels.len(),
            levels_ready: ready().count(),
            triangles: ready().map(|l| l.fill_indices.len() / 3).sum(),
        }
    }

    /// Whether every zoom band has been built, and its division polygons when the file
    /// has divisions. Until then deep zooms draw a coarser band (and the division view
    /// coarser polygons, or none).
    pub fn is_complete(&self) -> bool {
        let divisions = !self.division_areas.is_empty();
        self.levels
            .iter()
            .all(|s| s.level.get().is_some() && (!divisions || s.division_fills.get().is_some()))
    }

    /// Whether the division view's polygons are ready for at least the coarsest band.
    pub fn division_areas_ready(&self) -> bool {
        self.levels.iter().any(|s| s.division_fills.get().is_some())
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    pub(super) fn asset_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(BASEMAP_FILE_NAME)
    }

    /// The real asset, every zoom band built.
    pub(super) fn basemap() -> &'static Basemap {
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
        assert!(
            (4000..=4600).contains(&stats.divisions),
            "{} divisions",
            stats.divisions
        );
        for (iso, name) in [("NE", "Agadez"), ("US", "Ohio"), ("NG", "Lagos")] {
            let d = map
                .divisions()
                .iter()
                .find(|d| d.iso_a2 == iso && d.name == name)
                .unwrap_or_else(|| panic!("{name} missing"));
            let [w, s, e, n] = d.extent;
            let [lon, lat] = d.label;
            assert!(w <= lon && lon <= e && s <= lat && lat <= n, "{d:?}");
        }
        let agadez = map.divisions().iter().position(|d| d.name == "Agadez");
        let niamey = map.divisions().iter().position(|d| d.name == "Niamey");
        assert!(agadez < niamey, "biggest first");
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
        assert!(map.provenance().contains("qgis-common 3.22.16+dfsg-1"));
        assert!(map.provenance().contains("us-atlas@3.0.1"));
    }

    #[test]
    fn basemap_can_be_loaded_on_a_worker_and_shared() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Basemap>();
        // Dropping a basemap whose bands are still being built is fine.
        drop(Basemap::load(&asset_path()).expect("load"));
    }
}
