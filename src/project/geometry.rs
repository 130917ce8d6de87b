//! The places layer's geometry: a point in GeoPackage binary (OGC GeoPackage 1.3,
//! §2.1.3), which GDAL, QGIS and any GeoPackage reader decode without an extension.
//!
//! The blob is the `GP` header (magic, version 0, flags, SRS id) followed by a
//! little-endian WKB Point. Points carry no envelope: the envelope of a point is the
//! point, and the specification makes it optional.

/// The SRS of every geometry Gazette writes: WGS 84 longitude/latitude (EPSG:4326).
pub const SRS_ID: i32 = 4326;

/// Header flags: bit 0 set = little-endian header values; envelope indicator (bits 1–3)
/// 0 = none; bit 4 clear = not empty; bit 5 clear = a standard GeoPackage binary.
const FLAGS: u8 = 0b0000_0001;

/// WKB geometry type of a 2D point.
const WKB_POINT: u32 = 1;

/// Length of a point blob: 8 header bytes, 21 WKB bytes.
pub const POINT_BYTES: usize = 8 + 21;

/// The GeoPackage binary of the point (`lon`, `lat`) in [`SRS_ID`].
pub fn point(lon: f64, lat: f64) -> [u8; POINT_BYTES] {
    let mut out = [0u8; POINT_BYTES];
    out[0] = b'G';
    out[1] = b'P';
    out[2] = 0; // version 1 of the binary format, written 0
    out[3] = FLAGS;
    out[4..8].copy_from_slice(&SRS_ID.to_le_bytes());
    out[8] = 1; // WKB little-endian
    out[9..13].copy_from_slice(&WKB_POINT.to_le_bytes());
    out[13..21].copy_from_slice(&lon.to_le_bytes());
    out[21..29].copy_from_slice(&lat.to_le_bytes());
    out
}

/// The (`lon`, `lat`) of a point blob as [`point`] writes it, or `None` for anything else
/// (another layout, another SRS, another geometry type). For checks and tests: Gazette
/// never reads its geometry back to work with it.
pub fn decode_point(blob: &[u8]) -> Option<(f64, f64)> {
    if blob.len() != POINT_BYTES || &blob[..2] != b"GP" || blob[2] != 0 || blob[3] != FLAGS {
        return None;
    }
    let srs = i32::from_le_bytes(blob[4..8].try_into().ok()?);
    let kind = u32::from_le_bytes(blob[9..13].try_into().ok()?);
    if srs != SRS_ID || blob[8] != 1 || kind != WKB_POINT {
        return None;
    }
    let lon = f64::from_le_bytes(blob[13..21].try_into().ok()?);
    let lat = f64::from_le_bytes(blob[21..29].try_into().ok()?);
    Some((lon, lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_the_gp_header_and_little_endian_wkb() {
        let blob = point(2.1098, 13.5137);
        // Header: magic, version 0, flags (little-endian, no envelope), SRS 4326 (0x10E6).
        assert_eq!(&blob[..8], &[b'G', b'P', 0, 1, 0xE6, 0x10, 0, 0]);
        // WKB: little-endian marker, type 1 (Point).
        assert_eq!(&blob[8..13], &[1, 1, 0, 0, 0]);
        assert_eq!(decode_point(&blob), Some((2.1098, 13.5137)));
        let mut other = blob;
        other[4] = 0; // another SRS
        assert_eq!(decode_point(&other), None);
        assert_eq!(decode_point(&blob[..20]), None);
    }
}
