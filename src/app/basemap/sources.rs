//! What the decoded file must hold: the admin topologies (1:50m, optional 1:10m), the
//! physical one (lakes, rivers), the optional first-level divisions (borders inside
//! countries, label points) and the optional US county borders, each with the layers the
//! bands are built from.

use super::asset::{RawBasemap, RawFeature, RawGeometry, RawTopology};
use super::geometry::mercator_arcs;

/// An admin-0 topology: countries, and the land they make up.
pub(super) struct AdminSource {
    /// `[lon, lat]` degrees per point.
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    pub(super) countries: Vec<RawFeature>,
    pub(super) land: Vec<RawFeature>,
}

/// Lakes and rivers, arcs already in Mercator.
pub(super) struct PhysicalSource {
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    pub(super) lakes: Vec<RawFeature>,
    pub(super) rivers: Vec<RawFeature>,
}

/// First-level divisions (Natural Earth 1:10m admin-1): the borders between divisions of
/// one country and every division's polygons (one set of arcs, already in Mercator), and
/// a label per division.
pub(super) struct DivisionSource {
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    /// One feature per country (its ISO code), lines only.
    pub(super) borders: Vec<RawFeature>,
    /// One feature per division, [`RawGeometry::Label`] only, biggest first.
    pub(super) divisions: Vec<RawFeature>,
    /// One feature per division, polygons with their GeoNames admin-1 code, in Natural
    /// Earth's order.
    pub(super) areas: Vec<RawFeature>,
}

/// The borders between US counties of one state (us-atlas), arcs already in Mercator.
pub(super) struct CountySource {
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    /// Lines only.
    pub(super) borders: Vec<RawFeature>,
}

/// Everything the file holds, checked: the layers each topology needs are present.
pub(super) struct Sources {
    pub(super) provenance: String,
    pub(super) medium: AdminSource,
    pub(super) fine: Option<AdminSource>,
    pub(super) physical: PhysicalSource,
    pub(super) divisions: Option<DivisionSource>,
    pub(super) counties: Option<CountySource>,
}

/// The geometry a layer must have throughout.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LayerKind {
    Polygons,
    Lines,
    Labels,
}

fn take_layer(t: &mut RawTopology, name: &str, kind: LayerKind) -> Result<Vec<RawFeature>, String> {
    let index = t
        .layers
        .iter()
        .position(|l| l.name == name)
        .ok_or_else(|| format!("topology {} has no layer {name}", t.name))?;
    let layer = t.layers.swap_remove(index);
    let right_kind = layer.features.iter().all(|f| {
        let found = match f.geometry {
            RawGeometry::Polygons(_) => LayerKind::Polygons,
            RawGeometry::Lines(_) => LayerKind::Lines,
            RawGeometry::Label { .. } => LayerKind::Labels,
        };
        found == kind
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
    pub(super) fn from_raw(raw: RawBasemap) -> Result<Sources, String> {
        let mut medium = None;
        let mut fine = None;
        let mut physical = None;
        let mut divisions = None;
        let mut counties = None;
        for mut t in raw.topologies {
            match t.name.as_str() {
                "admin-50m" | "admin-10m" => {
                    let source = AdminSource {
                        countries: take_layer(&mut t, "countries", LayerKind::Polygons)?,
                        land: take_layer(&mut t, "land", LayerKind::Polygons)?,
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
                        lakes: take_layer(&mut t, "lakes", LayerKind::Polygons)?,
                        rivers: take_layer(&mut t, "rivers", LayerKind::Lines)?,
                        arcs: mercator_arcs(&t.arcs),
                    });
                }
                "admin1-10m" => {
                    divisions = Some(DivisionSource {
                        borders: take_layer(&mut t, "borders", LayerKind::Lines)?,
                        divisions: take_layer(&mut t, "divisions", LayerKind::Labels)?,
                        areas: take_layer(&mut t, "areas", LayerKind::Polygons)?,
                        arcs: mercator_arcs(&t.arcs),
                    });
                }
                "counties-us" => {
                    counties = Some(CountySource {
                        borders: take_layer(&mut t, "borders", LayerKind::Lines)?,
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
            divisions,
            counties,
        })
    }
}

/// An admin-0 topology with its arcs in Mercator.
pub(super) struct MercatorAdmin {
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    pub(super) countries: Vec<RawFeature>,
    pub(super) land: Vec<RawFeature>,
}
