//! The table of countries and each ISO code's largest part, computed once at load from
//! the unsimplified 1:50m rings, for the country list and for fitting the map to a country.

use std::collections::HashMap;

use super::Basemap;
use super::asset::RawFeature;
use super::geometry::{lon_lat_extent, polygon_pieces};
use super::level::polygons_of;

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

impl Basemap {
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
}

type CountryTable = (Vec<BasemapCountry>, HashMap<String, (f64, [f64; 4])>);

/// The country table and each code's largest part, from the unsimplified rings.
pub(super) fn country_table(arcs: &[Vec<[f64; 2]>], features: &[RawFeature]) -> CountryTable {
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
