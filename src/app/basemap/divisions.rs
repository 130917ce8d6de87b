//! The first-level divisions (states, provinces, regions) of Natural Earth's 1:10m
//! admin-1 layer as the map names them: a name, the point to write it at and the extent
//! of the division's largest part, biggest first. Their borders are drawn with the
//! zoom bands (`level.rs`).

use super::Basemap;
use super::asset::{RawFeature, RawGeometry};

/// One first-level division that the map can name.
#[derive(Debug, Clone, PartialEq)]
pub struct BasemapDivision {
    /// ISO 3166-1 alpha-2 code of its country, upper case; empty when Natural Earth has
    /// none.
    pub iso_a2: String,
    /// Natural Earth's name ("Agadez", "Ohio", "Tillabéri").
    pub name: String,
    /// Where to write the name, `[lon, lat]` degrees: inside the largest part.
    pub label: [f64; 2],
    /// `[west, south, east, north]` degrees of the largest part; `west <= east`.
    pub extent: [f64; 4],
}

impl Basemap {
    /// The first-level divisions with a name, biggest first (by the area of the largest
    /// part); empty for a file built without them (`build.py --no-admin1`).
    pub fn divisions(&self) -> &[BasemapDivision] {
        &self.divisions
    }
}

/// The divisions of the `divisions` layer, in the file's order (biggest first).
pub(super) fn division_table(features: &[RawFeature]) -> Vec<BasemapDivision> {
    features
        .iter()
        .filter_map(|f| match f.geometry {
            RawGeometry::Label { point, extent } if !f.name.is_empty() => Some(BasemapDivision {
                iso_a2: f.iso_a2.to_ascii_uppercase(),
                name: f.name.clone(),
                label: point,
                extent,
            }),
            _ => None,
        })
        .collect()
}
