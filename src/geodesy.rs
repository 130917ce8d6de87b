//! Distances on the Earth, one definition for the whole program: the resolver's "nearby"
//! tests, the evaluation's accuracy@161 km and the gazetteer's compact facts all use the
//! same sphere. Coordinates are (latitude, longitude) in decimal degrees; distances in km.

/// Mean Earth radius in km (IUGG mean radius R1), used for all great-circle distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two (latitude, longitude) points in decimal degrees,
/// by the haversine formula on a sphere of radius [`EARTH_RADIUS_KM`] (error under 0.5%
/// against the ellipsoid, far below the 161 km threshold of the evaluation).
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

/// The angle in radians at the Earth's centre that a great-circle distance of `km` spans.
pub fn central_angle(km: f64) -> f64 {
    km / EARTH_RADIUS_KM
}

/// The point on the unit sphere for (lat, lon) in degrees: two places are within a
/// distance when the dot product of their points is above the cosine of its
/// [`central_angle`].
pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_known_distances() {
        let d = haversine_km((13.5137, 2.1098), (16.9733, 7.9911));
        // Reference computed independently with the same formula and radius: 738.870 km.
        assert!((d - 738.870).abs() < 0.01, "Niamey–Agadez {d}");
        assert!((haversine_km((16.9733, 7.9911), (13.5137, 2.1098)) - d).abs() < 1e-9);
        assert_eq!(haversine_km((10.0, 20.0), (10.0, 20.0)), 0.0);
        let half = haversine_km((0.0, 0.0), (0.0, 180.0));
        assert!((half - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
        // One degree of latitude: 2πR/360 = 111.195 km.
        assert!((haversine_km((0.0, 0.0), (1.0, 0.0)) - 111.195).abs() < 0.001);
    }

    #[test]
    fn unit_vectors_agree_with_haversine() {
        let (a, b) = ((13.5137, 2.1098), (16.9733, 7.9911));
        let (u, v) = (unit_vector(a.0, a.1), unit_vector(b.0, b.1));
        let dot: f64 = u.iter().zip(&v).map(|(x, y)| x * y).sum();
        let km = haversine_km(a, b);
        assert!((dot - central_angle(km).cos()).abs() < 1e-9);
        let norm: f64 = u.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-12);
    }
}
