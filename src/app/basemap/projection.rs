//! Web-Mercator: degrees to the normalised Mercator square and back, and the affine map
//! from that square to the screen that a walkers map shows. Pure arithmetic, shared by
//! loading (arcs are stored in Mercator) and painting.

use egui::{Pos2, Rect, pos2};
use walkers::Projector;

/// Highest latitude Web-Mercator shows, in degrees; latitudes beyond are clamped to it.
pub const MAX_MERCATOR_LAT: f64 = 85.051_128_779_806_59;

/// Walkers' tile size: at zoom `z` the world is `256 · 2^z` points wide.
pub(super) const TILE_SIZE: f64 = 256.0;

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

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Rect;
    use walkers::MapMemory;

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
}
