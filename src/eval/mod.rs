//! Scoring a geoparser against gold-standard news corpora: LGL (Local-Global Lexicon) and
//! GeoWebNews, as published with "A Pragmatic Guide to Geoparsing Evaluation" (Gritta et al.).
//!
//! The module does not know the geoparser: [`evaluate`] takes a prediction function from
//! article text to [`Prediction`]s (byte spans plus coordinates), so any parser, version or
//! configuration can be measured the same way.
//!
//! What is measured, and why:
//! - Recognition over the gold toponyms ([`GoldCategory::Toponym`]): precision, recall and
//!   F1 with exact spans (the strict, agreed metric) and with overlapping spans (to separate
//!   boundary mistakes from missed places).
//! - GeoWebNews also annotates demonyms, "expressions" (`*_Expression` types: ordinary nouns
//!   such as "city") and toponyms without coordinates. They are not place names in the usual
//!   sense, so predicting them is *neutral* (neither a true nor a false positive) and missing
//!   them is not a false negative; how many were found is reported on its own.
//! - Resolution over the gold toponyms with coordinates whose exact span was found:
//!   accuracy within 161 km (100 miles, the field's convention), median and mean error.
//! - Throughput, in MB (10^6 bytes) of article text per second.
//!
//! Corpus offsets are Unicode code points; they are converted to byte offsets on load so that
//! gold and predictions share Rust's `&str` indexing.
//!
//! Where things live: `corpus` reads the gold XML; `predictions` is what the scorer is given
//! (and the adapter from the geoparser); `matching` matches one article's predictions to its
//! gold; `score` runs [`evaluate`] over a corpus and computes the metrics; `report` holds the
//! report types and prints them. The great-circle distance stays here until it moves to a
//! shared geodesy module.

mod corpus;
mod matching;
mod predictions;
mod report;
mod score;
#[cfg(test)]
mod tests;

pub use corpus::{
    Corpus, CorpusFormat, EvalError, GoldArticle, GoldCategory, GoldToponym, SpanMismatch,
};
pub use predictions::{Prediction, geoparser_predictions};
pub use report::{
    CategoryRecall, EvalReport, FlaggedDemonyms, KindRecall, RecognitionScores, ResolutionError,
    ResolutionScores, SurfaceCount, TOP_N, Throughput,
};
pub use score::{ACCURACY_THRESHOLD_KM, evaluate};

/// Mean Earth radius in km (IUGG mean radius R1), used for all great-circle distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two (latitude, longitude) points in decimal degrees,
/// by the haversine formula on a sphere of radius [`EARTH_RADIUS_KM`] (error under 0.5%
/// against the ellipsoid, far below the 161 km threshold).
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

#[cfg(test)]
mod haversine_tests {
    use super::matching::WORST_ERROR_KM;
    use super::*;

    #[test]
    fn haversine_known_distances() {
        let d = haversine_km((13.5137, 2.1098), (16.9733, 7.9911));
        // Reference computed independently with the same formula and radius: 738.870 km.
        assert!((d - 738.870).abs() < 0.01, "Niamey–Agadez {d}");
        assert!((d - 740.0).abs() < 5.0);
        assert!((haversine_km((16.9733, 7.9911), (13.5137, 2.1098)) - d).abs() < 1e-9);
        assert_eq!(haversine_km((10.0, 20.0), (10.0, 20.0)), 0.0);
        let half = haversine_km((0.0, 0.0), (0.0, 180.0));
        assert!((half - WORST_ERROR_KM).abs() < 1e-6);
        // One degree of latitude: 2πR/360 = 111.195 km.
        assert!((haversine_km((0.0, 0.0), (1.0, 0.0)) - 111.195).abs() < 0.001);
    }
}
