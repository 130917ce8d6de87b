//! What the decoded file must hold: the admin topologies (1:50m, optional 1:10m) and the
//! physical one (lakes, rivers), each with the layers the bands are built from.

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

/// Everything the file holds, checked: the layers each topology needs are present.
pub(super) struct Sources {
    pub(super) provenance: String,
    pub(super) medium: AdminSource,
    pub(super) fine: Option<AdminSource>,
    pub(super) physical: PhysicalSource,
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
    pub(super) fn from_raw(raw: RawBasemap) -> Result<Sources, String> {
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

/// An admin-0 topology with its arcs in Mercator.
pub(super) struct MercatorAdmin {
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    pub(super) countries: Vec<RawFeature>,
    pub(super) land: Vec<RawFeature>,
}
