//! The byte format of `assets/basemap.bin` (written by `assets/build.py`): the header
//! (magic, version, length, CRC-32) and the body of TopoJSON-like topologies, decoded into
//! `Raw*` values in degrees, and the errors that name a file that cannot be used. Nothing
//! here knows about zoom bands or drawing.

use std::path::{Path, PathBuf};

/// File name of the basemap asset, looked up by
/// [`Basemap::load_bundled`](super::Basemap::load_bundled).
pub const BASEMAP_FILE_NAME: &str = "basemap.bin";

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
    /// [`Basemap::load_bundled`](super::Basemap::load_bundled) found no basemap file in
    /// any of the places it looks.
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

pub(super) const MAGIC: &[u8; 8] = b"GZBASEMP";

/// Version 2 added the `labels` layer kind and the optional `admin1-10m` topology;
/// version 3 the `areas` layer kind (polygons with a GeoNames admin-1 code), which
/// `admin1-10m` must have.
pub(super) const FORMAT_VERSION: u32 = 3;

pub(super) const HEADER_LEN: usize = 24;

const KIND_POLYGONS: u8 = 0;

const KIND_LINES: u8 = 1;

const KIND_LABELS: u8 = 2;

const KIND_AREAS: u8 = 3;

/// Checks magic, version, length and checksum; returns the body.
pub(super) fn check_header<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a [u8], BasemapError> {
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
pub(super) struct RawTopology {
    pub(super) name: String,
    /// `[lon, lat]` degrees per point.
    pub(super) arcs: Vec<Vec<[f64; 2]>>,
    pub(super) layers: Vec<RawLayer>,
}

pub(super) struct RawLayer {
    pub(super) name: String,
    pub(super) features: Vec<RawFeature>,
}

pub(super) struct RawFeature {
    pub(super) iso_a2: String,
    pub(super) name: String,
    /// GeoNames admin-1 code (`OH` of `US.OH`) of an `areas` feature; empty for the other
    /// kinds, and for a division the build could not join.
    pub(super) admin1_code: String,
    pub(super) geometry: RawGeometry,
}

/// TopoJSON arc references: `i >= 0` is arc `i` forwards, `i < 0` arc `!i` reversed.
pub(super) enum RawGeometry {
    /// Polygons; per polygon its rings (outer first); per ring its arc references.
    Polygons(Vec<Vec<Vec<i32>>>),
    /// Lines; per line its arc references.
    Lines(Vec<Vec<i32>>),
    /// Where to write a feature's name: a point inside its largest part, `[lon, lat]`
    /// degrees, and that part's extent `[west, south, east, north]` degrees
    /// (`west <= east`, `south <= north`).
    Label {
        /// `[lon, lat]` degrees.
        point: [f64; 2],
        /// `[west, south, east, north]` degrees.
        extent: [f64; 4],
    },
}

pub(super) struct RawBasemap {
    pub(super) provenance: String,
    pub(super) topologies: Vec<RawTopology>,
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

pub(super) fn parse_body(body: &[u8]) -> Result<RawBasemap, String> {
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
        if ![KIND_POLYGONS, KIND_LINES, KIND_LABELS, KIND_AREAS].contains(&kind) {
            return Err(format!("{name}/{layer_name}: unknown layer kind {kind}"));
        }
        let n_features = r.count("features")?;
        let mut features = Vec::with_capacity(n_features);
        for _ in 0..n_features {
            let iso_a2 = r.string("ISO code")?;
            let feature_name = r.string("feature name")?;
            let admin1_code = if kind == KIND_AREAS {
                r.string("admin-1 code")?
            } else {
                String::new()
            };
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
            if kind == KIND_LABELS {
                let mut q = [0i64; 6];
                for v in &mut q {
                    *v = r.zigzag("label")?;
                }
                let degrees = |qx: i64, qy: i64| -> Result<[f64; 2], String> {
                    let (lon, lat) = (qx as f64 * sx + tx, qy as f64 * sy + ty);
                    if !(-180.001..=180.001).contains(&lon) || !(-90.001..=90.001).contains(&lat) {
                        return Err(format!(
                            "{name}/{layer_name}: label coordinate out of range ({lon}, {lat})"
                        ));
                    }
                    Ok([lon, lat])
                };
                let point = degrees(q[0], q[1])?;
                let [west, south] = degrees(q[2], q[3])?;
                let [east, north] = degrees(q[4], q[5])?;
                if west > east || south > north {
                    return Err(format!(
                        "{name}/{layer_name}: label extent of {feature_name:?} is inverted"
                    ));
                }
                features.push(RawFeature {
                    iso_a2,
                    name: feature_name,
                    admin1_code,
                    geometry: RawGeometry::Label {
                        point,
                        extent: [west, south, east, north],
                    },
                });
                continue;
            }
            let n_parts = r.count("parts")?;
            let geometry = if kind == KIND_POLYGONS || kind == KIND_AREAS {
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
                admin1_code,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn zigzag(out: &mut Vec<u8>, v: i64) {
        varint(out, ((v << 1) ^ (v >> 63)) as u64);
    }

    fn string(out: &mut Vec<u8>, s: &str) {
        varint(out, s.len() as u64);
        out.extend(s.as_bytes());
    }

    /// A body with one `admin1-10m` topology: one border line of two points, one
    /// division label whose six quantised values are `label`, and one division area (a
    /// triangle: the border arc, then a second arc back) whose ring refers to arcs
    /// `area_arcs`.
    fn admin1_body_with(label: [i64; 6], area_arcs: [i64; 2]) -> Vec<u8> {
        let mut t = Vec::new();
        for v in [0.001f64, 0.001, 0.0, 0.0] {
            t.extend(v.to_le_bytes());
        }
        varint(&mut t, 2); // arcs
        varint(&mut t, 2);
        for v in [8_000, 17_000, 100, 50] {
            zigzag(&mut t, v);
        }
        varint(&mut t, 3);
        for v in [8_100, 17_050, -100, 100, 0, -150] {
            zigzag(&mut t, v);
        }
        varint(&mut t, 3); // layers
        string(&mut t, "borders");
        t.push(KIND_LINES);
        varint(&mut t, 1);
        string(&mut t, "NE");
        string(&mut t, "");
        varint(&mut t, 1); // lines
        varint(&mut t, 1); // refs
        zigzag(&mut t, 0);
        string(&mut t, "divisions");
        t.push(KIND_LABELS);
        varint(&mut t, 1);
        string(&mut t, "NE");
        string(&mut t, "Agadez");
        for v in label {
            zigzag(&mut t, v);
        }
        string(&mut t, "areas");
        t.push(KIND_AREAS);
        varint(&mut t, 1);
        string(&mut t, "NE");
        string(&mut t, "Agadez");
        string(&mut t, "01");
        varint(&mut t, 1); // polygons
        varint(&mut t, 1); // rings
        varint(&mut t, 2); // refs
        for v in area_arcs {
            zigzag(&mut t, v);
        }
        let mut body = Vec::new();
        string(&mut body, "test");
        varint(&mut body, 1);
        string(&mut body, "admin1-10m");
        varint(&mut body, t.len() as u64);
        body.extend(t);
        body
    }

    fn admin1_body(label: [i64; 6]) -> Vec<u8> {
        admin1_body_with(label, [0, 1])
    }

    #[test]
    fn reads_division_areas_with_their_codes() {
        let raw = parse_body(&admin1_body([8_000, 17_000, 4_000, 15_000, 16_000, 23_000]))
            .expect("parse");
        let layer = &raw.topologies[0].layers[2];
        assert_eq!(layer.name, "areas");
        let area = &layer.features[0];
        assert_eq!((area.iso_a2.as_str(), area.name.as_str()), ("NE", "Agadez"));
        assert_eq!(area.admin1_code, "01");
        let RawGeometry::Polygons(polygons) = &area.geometry else {
            panic!("not polygons");
        };
        assert_eq!(polygons, &[vec![vec![0, 1]]]);
        // The other kinds carry no code.
        assert!(
            raw.topologies[0].layers[1].features[0]
                .admin1_code
                .is_empty()
        );
        // An area referring to an arc the topology does not have (2 of 2; !2 is -3).
        for bad in [[0, 2], [-3, 1]] {
            let body = admin1_body_with([8_000, 17_000, 4_000, 15_000, 16_000, 23_000], bad);
            let err = parse_body(&body).err().expect("arc out of range");
            assert!(err.contains("arc 2 of 2"), "{err}");
        }
    }

    #[test]
    fn reads_division_labels() {
        let raw = parse_body(&admin1_body([8_000, 17_000, 4_000, 15_000, 16_000, 23_000]))
            .expect("parse");
        let layer = &raw.topologies[0].layers[1];
        assert_eq!(layer.name, "divisions");
        let RawGeometry::Label { point, extent } = layer.features[0].geometry else {
            panic!("not a label");
        };
        assert!((point[0] - 8.0).abs() < 1e-9 && (point[1] - 17.0).abs() < 1e-9);
        assert!((extent[2] - 16.0).abs() < 1e-9 && (extent[3] - 23.0).abs() < 1e-9);
    }

    #[test]
    fn rejects_truncated_or_corrupt_division_data() {
        let good = admin1_body([8_000, 17_000, 4_000, 15_000, 16_000, 23_000]);
        // Cut anywhere inside: never a panic, always an error.
        for cut in 0..good.len() {
            assert!(parse_body(&good[..cut]).is_err(), "cut at {cut}");
        }
        let inverted = admin1_body([8_000, 17_000, 16_000, 15_000, 4_000, 23_000]);
        let err = parse_body(&inverted).err().expect("inverted extent");
        assert!(err.contains("inverted"), "{err}");
        let far = admin1_body([800_000, 17_000, 4_000, 15_000, 16_000, 23_000]);
        let err = parse_body(&far).err().expect("out of range");
        assert!(err.contains("out of range"), "{err}");
        // An unknown layer kind, in place of the labels' or the areas' (the next kind
        // up, 4, is unknown too).
        for (layer, kind) in [
            (&b"divisions"[..], KIND_LABELS),
            (&b"areas"[..], KIND_AREAS),
        ] {
            for replacement in [KIND_AREAS + 1, 7, 0xff] {
                let mut unknown = good.clone();
                let at = unknown
                    .windows(layer.len())
                    .position(|w| w == layer)
                    .expect("layer")
                    + layer.len();
                assert_eq!(unknown[at], kind);
                unknown[at] = replacement;
                let err = parse_body(&unknown).err().expect("unknown kind");
                assert!(err.contains("unknown layer kind"), "{err}");
            }
        }
    }
}
