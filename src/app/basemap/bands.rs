//! Zoom bands: which detail and simplification each range of zooms draws, the slots the
//! built levels go in, and the background thread that builds every band but the first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::Basemap;
use super::countries::country_table;
use super::division_areas::{DivisionFills, build_division_fills, division_area_table};
use super::divisions::division_table;
use super::geometry::mercator_arcs;
use super::level::{Level, build_level};
use super::projection::TILE_SIZE;
use super::sources::{MercatorAdmin, Sources};

/// Bands from this zoom on carry the borders between first-level divisions (they are
/// drawn from zoom 4, `render.rs`).
const DIVISION_BORDERS_MIN_BAND: f64 = 3.0;

/// Bands from this zoom on carry the borders between US counties (drawn from zoom 7).
const COUNTY_BORDERS_MIN_BAND: f64 = 7.0;

/// Which admin topology a zoom band draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detail {
    /// Natural Earth 1:50m (`admin-50m`).
    Medium,
    /// Natural Earth 1:10m (`admin-10m`), optional in the file.
    Fine,
}

/// A zoom band: from `min_zoom` on, draw `detail` simplified to `tolerance_points` screen
/// points at zoom `tolerance_zoom` (the band's deepest), or not at all when 0.
pub(super) struct Band {
    pub(super) min_zoom: f64,
    pub(super) detail: Detail,
    tolerance_zoom: f64,
    tolerance_points: f64,
}

impl Band {
    /// The simplification tolerance in Mercator units.
    pub(super) fn epsilon(&self) -> f64 {
        self.tolerance_points / (TILE_SIZE * self.tolerance_zoom.exp2())
    }
}

/// Zoom < 3 and 3–5: 1:50m simplified below a point; 5–7: 1:50m as is; 7 and up: 1:10m
/// as is (its 0.0036° quantisation is about a point at zoom 10). Without 1:10m in the
/// file the 5–7 band serves every deeper zoom.
pub(super) const BANDS: [Band; 4] = [
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

/// A zoom band's level, once built.
pub(super) struct LevelSlot {
    /// Used from this walkers zoom up to the next slot's.
    pub(super) min_zoom: f64,
    pub(super) level: OnceLock<Level>,
    /// The band's division polygons, triangulated after every band's level (only the
    /// division view draws them); never set for a file without divisions.
    pub(super) division_fills: OnceLock<DivisionFills>,
}

impl Basemap {
    /// Builds the country table and the coarsest band now, and starts the thread that
    /// builds the others.
    pub(super) fn start(sources: Sources) -> Basemap {
        let Sources {
            provenance,
            medium,
            fine,
            physical,
            divisions: division_source,
            counties,
        } = sources;
        let divisions = division_source
            .as_ref()
            .map(|d| division_table(&d.divisions))
            .unwrap_or_default();
        let division_areas = division_source
            .as_ref()
            .map(|d| division_area_table(&d.areas))
            .unwrap_or_default();
        let medium_arcs = mercator_arcs(&medium.arcs);
        let (countries, bounds_by_iso) = country_table(&medium_arcs, &medium.countries);
        let lake_count = physical.lakes.len();
        let river_count = physical.rivers.len();

        let levels: Arc<[LevelSlot]> = bands_of(fine.is_some())
            .map(|b| LevelSlot {
                min_zoom: b.min_zoom,
                level: OnceLock::new(),
                division_fills: OnceLock::new(),
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
                .set(build_level(band.epsilon(), &medium, &physical, None, None));
        }

        let abandoned = Arc::new(AtomicBool::new(false));
        let work = {
            let levels = Arc::clone(&levels);
            let abandoned = Arc::clone(&abandoned);
            let mut fine = fine;
            let has_fine = fine.is_some();
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
                        // Division borders are drawn from zoom 4 only: none below 3.
                        let borders = division_source
                            .as_ref()
                            .filter(|_| band.min_zoom >= DIVISION_BORDERS_MIN_BAND);
                        // County borders are drawn from zoom 7 only: the deepest band.
                        let county_borders = counties
                            .as_ref()
                            .filter(|_| band.min_zoom >= COUNTY_BORDERS_MIN_BAND);
                        let _ = slot.level.set(build_level(
                            band.epsilon(),
                            admin,
                            &physical,
                            borders,
                            county_borders,
                        ));
                    }
                }
                // Then the division polygons of every band, coarsest first: the map is
                // complete without them, and only the division view waits for them.
                if let Some(source) = &division_source {
                    for (slot, band) in levels.iter().zip(bands_of(has_fine)) {
                        if abandoned.load(Ordering::Relaxed) {
                            return;
                        }
                        let _ = slot
                            .division_fills
                            .set(build_division_fills(band.epsilon(), source));
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
            divisions,
            division_areas,
            levels,
            worker: Mutex::new(worker),
            abandoned,
            provenance,
            lake_count,
            river_count,
        }
    }

    /// The band for `zoom`, or the nearest coarser one already built.
    pub(super) fn level_for_zoom(&self, zoom: f64) -> Option<&Level> {
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
}
