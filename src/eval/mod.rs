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
//! report types and prints them. Distances come from [`crate::geodesy`].

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
