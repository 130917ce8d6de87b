//! The first-level divisions as areas, for the map's division view: each division's
//! polygons (Natural Earth 1:10m admin-1, made of the same arcs as the borders between
//! divisions, so fills and dashed borders meet) with the GeoNames admin-1 code the build
//! joined it to. They are triangulated once per zoom band, on the background thread
//! after the bands themselves, never per frame; a frame only transforms the vertices of
//! the parts in view (`render.rs`).

use super::Basemap;
use super::asset::RawFeature;
use super::geometry::{polygon_pieces, simplify_arcs};
use super::hit::feature_at;
use super::level::{FillPart, polygons_of, triangulate};
use super::sources::DivisionSource;

/// One first-level division as the division view colours it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasemapDivisionArea {
    /// ISO 3166-1 alpha-2 code of its country, upper case; empty when Natural Earth has
    /// none.
    pub iso_a2: String,
    /// Natural Earth's name ("Ohio", "Gironde", "Tillabéri").
    pub name: String,
    /// The GeoNames admin-1 code it was joined to (`OH` of `US.OH`, the code places
    /// carry in the gazetteer); empty when the build could not join it. Several areas
    /// may share one: Natural Earth's French departments share their region's code, as
    /// GeoNames' first level in France is the region.
    pub admin1_code: String,
}

/// One zoom band's division polygons, triangulated in Mercator.
pub(super) struct DivisionFills {
    pub(super) vertices: Vec<[f32; 2]>,
    /// Triangle corners, relative to their part's `vertex_start`.
    pub(super) indices: Vec<u32>,
    /// `FillPart::feature` is the index in [`Basemap::division_areas`].
    pub(super) parts: Vec<FillPart>,
}

/// The areas of the `areas` layer, in the file's order.
pub(super) fn division_area_table(features: &[RawFeature]) -> Vec<BasemapDivisionArea> {
    features
        .iter()
        .map(|f| BasemapDivisionArea {
            iso_a2: f.iso_a2.to_ascii_uppercase(),
            name: f.name.clone(),
            admin1_code: f.admin1_code.clone(),
        })
        .collect()
}

/// Every division's polygons simplified to `epsilon` (Mercator units, as the band's
/// other lines), cut at the antimeridian and triangulated.
pub(super) fn build_division_fills(epsilon: f64, source: &DivisionSource) -> DivisionFills {
    let arcs = simplify_arcs(&source.arcs, epsilon);
    let mut fills = DivisionFills {
        vertices: Vec::new(),
        indices: Vec::new(),
        parts: Vec::new(),
    };
    for (i, feature) in source.areas.iter().enumerate() {
        for polygon in polygons_of(feature) {
            for piece in polygon_pieces(&arcs, polygon) {
                if let Some(part) =
                    triangulate(&mut fills.vertices, &mut fills.indices, &piece, i as u32)
                {
                    fills.parts.push(part);
                }
            }
        }
    }
    fills
}

impl Basemap {
    /// The first-level divisions as areas, in the file's order; empty for a file built
    /// without them (`build.py --no-admin1`). Indices into this slice are what
    /// [`Basemap::division_at`] returns and what a division tint is indexed by.
    pub fn division_areas(&self) -> &[BasemapDivisionArea] {
        &self.division_areas
    }

    /// The index in [`Basemap::division_areas`] of the division at `mercator` (see the
    /// [module](super) documentation for the coordinates), in the polygons drawn at
    /// `zoom`; `None` over the sea, outside every division, or while the divisions are
    /// still being triangulated.
    pub fn division_at(&self, mercator: [f64; 2], zoom: f64) -> Option<usize> {
        let fills = self.division_fills_for_zoom(zoom)?;
        feature_at(&fills.vertices, &fills.indices, &fills.parts, mercator).map(|f| f as usize)
    }

    /// The division polygons for `zoom`, or the nearest coarser ones already built.
    pub(super) fn division_fills_for_zoom(&self, zoom: f64) -> Option<&DivisionFills> {
        let wanted = self
            .levels
            .iter()
            .rposition(|s| s.min_zoom <= zoom)
            .unwrap_or(0);
        let coarser = self.levels.iter().take(wanted + 1).rev();
        coarser
            .chain(self.levels.iter().skip(wanted + 1))
            .find_map(|s| s.division_fills.get())
    }
}

#[cfg(test)]
mod tests {
    use super::super::mercator_from_lon_lat;
    use super::super::tests::basemap;

    #[test]
    fn divisions_are_joined_to_geonames_codes() {
        let map = basemap();
        let areas = map.division_areas();
        assert_eq!(areas.len(), 4556);
        let joined = areas.iter().filter(|a| !a.admin1_code.is_empty()).count();
        assert!(joined >= 4300, "{joined} joined");
        let code_of = |iso: &str, name: &str| {
            areas
                .iter()
                .find(|a| a.iso_a2 == iso && a.name == name)
                .map(|a| a.admin1_code.as_str())
        };
        // By fips and name, by name, and by the places inside (a department of a region,
        // a province of an Italian region, an English council of England).
        assert_eq!(code_of("NE", "Agadez"), Some("01"));
        assert_eq!(code_of("US", "Ohio"), Some("OH"));
        assert_eq!(code_of("FR", "Gironde"), Some("75"));
        assert_eq!(code_of("IT", "Firenze"), Some("16"));
        assert_eq!(code_of("GB", "Kent"), Some("ENG"));
    }

    #[test]
    fn a_point_finds_the_division_it_is_in_at_every_zoom() {
        let map = basemap();
        for zoom in [2.0, 4.0, 6.0, 9.0] {
            let at = |lon, lat| {
                map.division_at(mercator_from_lon_lat(lon, lat), zoom)
                    .map(|i| &map.division_areas()[i])
                    .map(|a| (a.iso_a2.as_str(), a.name.as_str()))
            };
            assert_eq!(
                at(-82.99, 39.96),
                Some(("US", "Ohio")),
                "Columbus at {zoom}"
            );
            assert_eq!(at(7.99, 16.97), Some(("NE", "Agadez")), "Agadez at {zoom}");
            assert_eq!(at(-30.0, 30.0), None, "the Atlantic at {zoom}");
        }
    }
}
