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

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

/// Mean Earth radius in km (IUGG mean radius R1), used for all great-circle distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Error threshold in km under which a resolution counts as accurate: 161 km is 100 miles,
/// the convention of the geoparsing literature, so results compare with published ones.
pub const ACCURACY_THRESHOLD_KM: f64 = 161.0;

/// How many entries the report's lists (false positives, false negatives, worst resolution
/// errors, span-mismatch examples) keep: enough to see the categories of mistakes.
pub const TOP_N: usize = 25;

/// Error in km charged to a prediction whose coordinates are not finite numbers: half the
/// Earth's circumference, the largest possible great-circle distance.
const WORST_ERROR_KM: f64 = std::f64::consts::PI * EARTH_RADIUS_KM;

// ---------------------------------------------------------------------------------------
// Gold data
// ---------------------------------------------------------------------------------------

/// Which gold-standard file layout a corpus came from; decides how annotations map to
/// [`GoldCategory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CorpusFormat {
    /// LGL: `<article docid>` … `<toponym><start/><end/><phrase/><gaztag><lat/><lon/>`.
    Lgl,
    /// GeoWebNews: `<article file>` … `<toponym><extractedName/><type/><start/><end/>
    /// <latitude/><longitude/>`.
    GeoWebNews,
}

impl fmt::Display for CorpusFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorpusFormat::Lgl => "LGL",
            CorpusFormat::GeoWebNews => "GeoWebNews",
        })
    }
}

/// How a gold annotation is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum GoldCategory {
    /// A place name: counted for recognition (a miss is a false negative) and, when it has
    /// coordinates, for resolution. All of LGL; GeoWebNews annotations with coordinates.
    Toponym,
    /// A GeoWebNews `Demonym` ("Nigerien"): neutral for recognition, recall reported apart.
    Demonym,
    /// A GeoWebNews `*_Expression` type (`Literal_Expression`, `Non_Lit_Expression`: common
    /// nouns like "the city"): neutral for recognition, counts reported apart.
    Expression,
    /// A GeoWebNews annotation without latitude/longitude (`Non_Toponym`, `Homonym`,
    /// `Language`, …): neutral for recognition, counts reported apart.
    NoCoordinates,
}

impl GoldCategory {
    fn label(self) -> &'static str {
        match self {
            GoldCategory::Toponym => "toponym",
            GoldCategory::Demonym => "demonym",
            GoldCategory::Expression => "expression",
            GoldCategory::NoCoordinates => "no coordinates",
        }
    }
}

/// One gold annotation, located in its article's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldToponym {
    /// Byte offset of the first byte in [`GoldArticle::text`] (converted from the corpus'
    /// code-point offset so it indexes a Rust `&str` directly).
    pub start: usize,
    /// Byte offset one past the last byte (exclusive), in [`GoldArticle::text`].
    pub end: usize,
    /// The surface string as annotated (`<phrase>` / `<extractedName>`). Equals
    /// `text[start..end]` unless the corpus' span is wrong (see [`Corpus::span_mismatches`]).
    pub text: String,
    /// True coordinates as (latitude, longitude) in decimal degrees, when annotated.
    pub coords: Option<(f64, f64)>,
    /// How the annotation is scored.
    pub category: GoldCategory,
    /// The corpus' own annotation type (GeoWebNews `type`: "Literal", "Metonymic",
    /// "Demonym", …), kept to break recall down by type; empty for LGL, which has none.
    pub kind: String,
}

/// One gold article: its text and annotations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldArticle {
    /// The article's identifier in the file (LGL `docid`, GeoWebNews `file`), or its
    /// 0-based position when the attribute is missing.
    pub id: String,
    /// The article text that offsets refer to (the `<text>` element, not the title).
    pub text: String,
    /// Annotations whose span lies inside `text`, in file order.
    pub toponyms: Vec<GoldToponym>,
}

/// A gold annotation whose span does not select its annotated string, kept so the report
/// can say how trustworthy the corpus' offsets are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanMismatch {
    /// Identifier of the article ([`GoldArticle::id`]).
    pub article_id: String,
    /// Start as written in the file, in code points (may be negative in the wild).
    pub start: i64,
    /// End as written in the file, in code points, exclusive.
    pub end: i64,
    /// The annotated surface string.
    pub expected: String,
    /// What the span selects in the text; `None` when it lies outside the text, in which
    /// case the annotation was left out of [`GoldArticle::toponyms`].
    pub found: Option<String>,
    /// The category the annotation has (or would have had).
    pub category: GoldCategory,
}

/// A gold-standard corpus loaded into memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corpus {
    /// Short name for reports (the file stem for [`Corpus::load`]).
    pub name: String,
    /// The layout the file had.
    pub format: CorpusFormat,
    /// All articles, in file order.
    pub articles: Vec<GoldArticle>,
    /// Annotations whose span does not select their annotated string. Those with a span
    /// inside the text are kept as gold (scored with the file's span); those outside are
    /// dropped.
    pub span_mismatches: Vec<SpanMismatch>,
}

/// Why a corpus could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read corpus {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not well-formed XML.
    #[error("corpus {file} is not well-formed XML: {source}")]
    Xml {
        /// The file (or name given to [`Corpus::from_xml_str`]).
        file: String,
        /// The parser's error, with its position.
        source: roxmltree::Error,
    },
    /// The XML is neither LGL nor GeoWebNews.
    #[error("corpus {file} is in no known format: {detail}")]
    UnknownFormat {
        /// The file (or name given to [`Corpus::from_xml_str`]).
        file: String,
        /// What was expected and not found.
        detail: String,
    },
    /// An annotation has a missing or unreadable field.
    #[error("corpus {file}, article {article}: {detail}")]
    Malformed {
        /// The file (or name given to [`Corpus::from_xml_str`]).
        file: String,
        /// The article's identifier.
        article: String,
        /// What is wrong.
        detail: String,
    },
}

type XmlNode<'a, 'i> = roxmltree::Node<'a, 'i>;

fn child<'a, 'i>(node: XmlNode<'a, 'i>, name: &str) -> Option<XmlNode<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// All text inside an element (CDATA sections included), concatenated.
fn all_text(node: XmlNode<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The trimmed text of a child element; `None` when absent or empty.
fn child_value(node: XmlNode<'_, '_>, name: &str) -> Option<String> {
    let text = all_text(child(node, name)?);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.to_string())
    }
}

fn detect_format(root: XmlNode<'_, '_>) -> Option<CorpusFormat> {
    let articles = || {
        root.children()
            .filter(|n| n.is_element() && n.tag_name().name() == "article")
    };
    // Annotation elements are the surest sign; article attributes are a fallback for
    // files whose first articles have no annotations.
    for article in articles() {
        if let Some(toponyms) = child(article, "toponyms") {
            for t in toponyms.children().filter(|n| n.is_element()) {
                if child(t, "extractedName").is_some() {
                    return Some(CorpusFormat::GeoWebNews);
                }
                if child(t, "phrase").is_some() {
                    return Some(CorpusFormat::Lgl);
                }
            }
        }
    }
    let first = articles().next()?;
    if first.has_attribute("docid") {
        Some(CorpusFormat::Lgl)
    } else if first.has_attribute("file") {
        Some(CorpusFormat::GeoWebNews)
    } else {
        None
    }
}

/// Byte offset of every code point in `text`, plus `text.len()` at the end, so that
/// `table[cp]` converts a code-point offset (start or exclusive end) to a byte offset.
fn code_point_table(text: &str) -> Vec<usize> {
    let mut table: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    table.push(text.len());
    table
}

impl Corpus {
    /// Reads and parses a corpus file, detecting LGL or GeoWebNews from its elements.
    /// The corpus is named after the file stem ("lgl", "GWN"); errors name the full path.
    pub fn load(path: &Path) -> Result<Corpus, EvalError> {
        let xml = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mut corpus = Self::parse(&xml, &path.display().to_string())?;
        corpus.name = name;
        Ok(corpus)
    }

    /// Parses a corpus from XML text. `name` names the corpus in reports and errors.
    pub fn from_xml_str(xml: &str, name: &str) -> Result<Corpus, EvalError> {
        Self::parse(xml, name)
    }

    fn parse(xml: &str, file: &str) -> Result<Corpus, EvalError> {
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|source| {
            EvalError::Xml {
                file: file.to_string(),
                source,
            }
        })?;
        let root = doc.root_element();
        if root.tag_name().name() != "articles" {
            return Err(EvalError::UnknownFormat {
                file: file.to_string(),
                detail: format!(
                    "root element is <{}>, expected <articles>",
                    root.tag_name().name()
                ),
            });
        }
        let format = detect_format(root).ok_or_else(|| EvalError::UnknownFormat {
            file: file.to_string(),
            detail: "no <article> with LGL (<phrase>, docid) or GeoWebNews \
                     (<extractedName>, file) markers"
                .to_string(),
        })?;

        let mut articles = Vec::new();
        let mut span_mismatches = Vec::new();
        for (index, article) in root
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "article")
            .enumerate()
        {
            let id = article
                .attribute(match format {
                    CorpusFormat::Lgl => "docid",
                    CorpusFormat::GeoWebNews => "file",
                })
                .map(str::to_string)
                .unwrap_or_else(|| index.to_string());
            let malformed = |detail: String| EvalError::Malformed {
                file: file.to_string(),
                article: id.clone(),
                detail,
            };
            let text = child(article, "text")
                .map(all_text)
                .ok_or_else(|| malformed("no <text> element".to_string()))?;
            let table = code_point_table(&text);
            let mut toponyms = Vec::new();
            let annotations = child(article, "toponyms")
                .into_iter()
                .flat_map(|t| t.children())
                .filter(|n| n.is_element() && n.tag_name().name() == "toponym");
            for (k, t) in annotations.enumerate() {
                let int = |name: &str| -> Result<i64, EvalError> {
                    let v = child_value(t, name)
                        .ok_or_else(|| malformed(format!("annotation {k} has no <{name}>")))?;
                    v.parse::<i64>().map_err(|_| {
                        malformed(format!("annotation {k}: <{name}> is not an integer: {v:?}"))
                    })
                };
                let coord = |parent: Option<XmlNode<'_, '_>>,
                             name: &str,
                             limit: f64|
                 -> Result<Option<f64>, EvalError> {
                    let Some(v) = parent.and_then(|p| child_value(p, name)) else {
                        return Ok(None);
                    };
                    match v.parse::<f64>() {
                        Ok(x) if x.is_finite() && x.abs() <= limit => Ok(Some(x)),
                        _ => Err(malformed(format!(
                            "annotation {k}: <{name}> is not a coordinate: {v:?}"
                        ))),
                    }
                };
                let start = int("start")?;
                let end = int("end")?;
                let (surface, lat, lon, category, kind) = match format {
                    CorpusFormat::Lgl => {
                        let gaztag = child(t, "gaztag");
                        (
                            child_value(t, "phrase").unwrap_or_default(),
                            coord(gaztag, "lat", 90.0)?,
                            coord(gaztag, "lon", 180.0)?,
                            GoldCategory::Toponym,
                            String::new(),
                        )
                    }
                    CorpusFormat::GeoWebNews => {
                        let kind = child_value(t, "type").unwrap_or_default();
                        let lat = coord(Some(t), "latitude", 90.0)?;
                        let lon = coord(Some(t), "longitude", 180.0)?;
                        let category = if kind == "Demonym" {
                            GoldCategory::Demonym
                        } else if kind.ends_with("_Expression") {
                            GoldCategory::Expression
                        } else if lat.is_some() && lon.is_some() {
                            GoldCategory::Toponym
                        } else {
                            GoldCategory::NoCoordinates
                        };
                        // Names are not trimmed of inner text; only the element's padding.
                        let surface = child(t, "extractedName").map(all_text).unwrap_or_default();
                        (surface, lat, lon, category, kind)
                    }
                };
                let coords = match (lat, lon) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                };
                let bytes = if start >= 0 && end >= start {
                    match (table.get(start as usize), table.get(end as usize)) {
                        (Some(&s), Some(&e)) => Some((s, e)),
                        _ => None,
                    }
                } else {
                    None
                };
                let Some((s, e)) = bytes else {
                    span_mismatches.push(SpanMismatch {
                        article_id: id.clone(),
                        start,
                        end,
                        expected: surface,
                        found: None,
                        category,
                    });
                    continue;
                };
                let found = &text[s..e];
                if found != surface {
                    span_mismatches.push(SpanMismatch {
                        article_id: id.clone(),
                        start,
                        end,
                        expected: surface.clone(),
                        found: Some(found.to_string()),
                        category,
                    });
                }
                toponyms.push(GoldToponym {
                    start: s,
                    end: e,
                    text: surface,
                    coords,
                    category,
                    kind,
                });
            }
            articles.push(GoldArticle { id, text, toponyms });
        }
        Ok(Corpus {
            name: file.to_string(),
            format,
            articles,
            span_mismatches,
        })
    }

    /// Number of gold annotations of one category (after dropping unlocatable spans).
    pub fn count(&self, category: GoldCategory) -> usize {
        self.articles
            .iter()
            .flat_map(|a| &a.toponyms)
            .filter(|t| t.category == category)
            .count()
    }
}

// ---------------------------------------------------------------------------------------
// Predictions and distances
// ---------------------------------------------------------------------------------------

/// One place the geoparser found in an article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Byte offset of the first byte of the mention in the article text.
    pub start: usize,
    /// Byte offset one past the mention's last byte (exclusive).
    pub end: usize,
    /// Resolved latitude in decimal degrees (WGS84).
    pub lat: f64,
    /// Resolved longitude in decimal degrees (WGS84).
    pub lon: f64,
    /// The parser took the mention for a demonym ("Malian"). Does not change scoring; the
    /// report says how such predictions matched, to check the flag.
    pub is_demonym: bool,
}

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

/// Median of the values (mean of the two middle ones for an even count); `None` if empty.
fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

/// Recognition counts and scores for one matching rule. Ratios are fractions in [0, 1];
/// `None` where the denominator is zero (shown as "n/a").
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecognitionScores {
    /// Predictions matched one-to-one to a gold toponym.
    pub true_positives: usize,
    /// Predictions matching no gold toponym and no neutral annotation (including invalid
    /// spans and duplicates of an already matched toponym).
    pub false_positives: usize,
    /// Gold toponyms no prediction matched.
    pub false_negatives: usize,
    /// Predictions on a neutral annotation (demonym, expression, no coordinates): not scored.
    pub neutral: usize,
    /// TP / (TP + FP).
    pub precision: Option<f64>,
    /// TP / (TP + FN).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

impl RecognitionScores {
    fn finish(&mut self) {
        let tp = self.true_positives;
        self.precision = ratio(tp, tp + self.false_positives);
        self.recall = ratio(tp, tp + self.false_negatives);
        self.f1 = match (self.precision, self.recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
    }
}

/// How many gold annotations of a group some prediction found. Recalls are fractions in
/// [0, 1], `None` when there is no gold.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CategoryRecall {
    /// Gold annotations in the group.
    pub gold: usize,
    /// Of those, how many some prediction's span equals exactly.
    pub found_exact: usize,
    /// Of those, how many some prediction's span overlaps.
    pub found_overlap: usize,
    /// found_exact / gold.
    pub recall_exact: Option<f64>,
    /// found_overlap / gold.
    pub recall_overlap: Option<f64>,
}

impl CategoryRecall {
    fn add(&mut self, exact: bool, overlap: bool) {
        self.gold += 1;
        self.found_exact += usize::from(exact);
        self.found_overlap += usize::from(overlap);
    }
    fn merge(&mut self, other: &CategoryRecall) {
        self.gold += other.gold;
        self.found_exact += other.found_exact;
        self.found_overlap += other.found_overlap;
    }
    fn finish(&mut self) {
        self.recall_exact = ratio(self.found_exact, self.gold);
        self.recall_overlap = ratio(self.found_overlap, self.gold);
    }
}

/// Recall for one annotation type of the corpus (GeoWebNews `type`), to see which kinds
/// of mention the parser misses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindRecall {
    /// The corpus' type name ("Literal", "Metonymic", …).
    pub kind: String,
    /// The category annotations of this type were given.
    pub category: GoldCategory,
    /// Counts and recalls.
    pub recall: CategoryRecall,
}

/// What became of predictions the parser flagged as demonyms.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FlaggedDemonyms {
    /// Predictions with `is_demonym`.
    pub predicted: usize,
    /// Of those, exact match of a Demonym annotation.
    pub on_demonym_gold: usize,
    /// Of those, exact true positives on a gold toponym.
    pub on_toponym_gold: usize,
    /// Of those, exact match of an expression or no-coordinates annotation.
    pub on_other_neutral: usize,
    /// Of those, exact-span false positives.
    pub false_positives: usize,
}

/// Resolution quality over gold toponyms with coordinates whose exact span was predicted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResolutionScores {
    /// Gold toponyms with coordinates in the corpus (the denominator of `accuracy_161_all`).
    pub gold_with_coords: usize,
    /// Of those, how many were found with the exact span (and so resolved and measured).
    pub resolved: usize,
    /// Of the resolved, how many are within [`ACCURACY_THRESHOLD_KM`] of the truth.
    pub within_161_km: usize,
    /// within_161_km / resolved: how well found toponyms are placed (fraction).
    pub accuracy_161: Option<f64>,
    /// within_161_km / gold_with_coords: unfound toponyms count as misses (fraction).
    pub accuracy_161_all: Option<f64>,
    /// Median great-circle error of the resolved, km.
    pub median_km: Option<f64>,
    /// Mean great-circle error of the resolved, km (dominated by gross errors).
    pub mean_km: Option<f64>,
    /// Resolved predictions with non-finite coordinates, charged the maximum error
    /// (half the Earth's circumference).
    pub invalid_coordinates: usize,
}

/// Speed of the prediction function.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Throughput {
    /// Total UTF-8 bytes of article text given to the prediction function.
    pub text_bytes: usize,
    /// Sum over articles of the time spent inside the prediction function, seconds: the
    /// cost on one core whatever the number of threads.
    pub predict_seconds: f64,
    /// Wall-clock time of the whole evaluation (parallel prediction plus scoring), seconds.
    pub wall_seconds: f64,
    /// text_bytes / 10^6 / predict_seconds: MB per second on one core.
    pub mb_per_s_per_core: Option<f64>,
    /// text_bytes / 10^6 / wall_seconds: MB per second with all threads.
    pub mb_per_s_wall: Option<f64>,
    /// Threads in the rayon pool that ran the articles.
    pub threads: usize,
}

/// A surface string and how often it occurred in a list of mistakes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurfaceCount {
    /// The text of the span, on one line.
    pub surface: String,
    /// Occurrences across the corpus.
    pub count: usize,
}

/// One resolved toponym and how far off it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolutionError {
    /// Identifier of the article.
    pub article_id: String,
    /// Byte offset of the mention in the article text.
    pub start: usize,
    /// The gold surface string.
    pub surface: String,
    /// Predicted (latitude, longitude), degrees.
    pub predicted: (f64, f64),
    /// Gold (latitude, longitude), degrees.
    pub gold: (f64, f64),
    /// Great-circle error, km.
    pub km: f64,
}

/// Everything [`evaluate`] measured on one corpus. Serializes to JSON for tools; `Display`
/// prints a plain-text table followed by the lists of mistakes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// The corpus' name.
    pub corpus: String,
    /// The corpus' format.
    pub format: CorpusFormat,
    /// Articles scored.
    pub articles: usize,
    /// Gold toponyms (recognition denominator, exact-span FN + TP).
    pub gold_toponyms: usize,
    /// Gold annotations whose span does not select the annotated string.
    pub span_mismatches: usize,
    /// Of those, how many lie outside the text and were left out of the gold.
    pub unlocatable_gold: usize,
    /// Up to [`TOP_N`] of the span mismatches, to judge them.
    pub span_mismatch_examples: Vec<SpanMismatch>,
    /// Predictions returned over all articles.
    pub predictions: usize,
    /// Predictions whose span is empty, out of the text or not on character boundaries
    /// (counted as false positives).
    pub invalid_prediction_spans: usize,
    /// Recognition with exact spans (the primary metric).
    pub exact: RecognitionScores,
    /// Recognition where an overlapping span counts (each gold and prediction used once).
    pub overlap: RecognitionScores,
    /// GeoWebNews demonyms found.
    pub demonyms: CategoryRecall,
    /// GeoWebNews `*_Expression` annotations found.
    pub expressions: CategoryRecall,
    /// GeoWebNews annotations without coordinates found.
    pub no_coordinates: CategoryRecall,
    /// Recall by corpus annotation type (empty for LGL), most frequent types first.
    pub by_kind: Vec<KindRecall>,
    /// What became of predictions flagged as demonyms.
    pub flagged_demonyms: FlaggedDemonyms,
    /// Resolution quality.
    pub resolution: ResolutionScores,
    /// Speed.
    pub throughput: Throughput,
    /// Most frequent exact-span false positives (up to [`TOP_N`]).
    pub top_false_positives: Vec<SurfaceCount>,
    /// Most frequent exact-span false negatives (up to [`TOP_N`]).
    pub top_false_negatives: Vec<SurfaceCount>,
    /// Largest resolution errors (up to [`TOP_N`]), worst first.
    pub worst_resolutions: Vec<ResolutionError>,
}

// ---------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------

/// What scoring one article produced; merged in article order.
#[derive(Default)]
struct ArticleOutcome {
    predict_time: Duration,
    predictions: usize,
    invalid_spans: usize,
    exact: RecognitionScores,
    overlap: RecognitionScores,
    categories: [CategoryRecall; 3],
    kinds: Vec<(String, GoldCategory, bool, bool)>,
    flagged: FlaggedDemonyms,
    false_positives: Vec<String>,
    false_negatives: Vec<String>,
    resolutions: Vec<ResolutionError>,
    gold_with_coords: usize,
    invalid_coordinates: usize,
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn overlap_len(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

fn score_article(
    article: &GoldArticle,
    preds: &[Prediction],
    predict_time: Duration,
) -> ArticleOutcome {
    let text = article.text.as_str();
    let gold = &article.toponyms;
    let mut out = ArticleOutcome {
        predict_time,
        predictions: preds.len(),
        ..ArticleOutcome::default()
    };
    let valid: Vec<bool> = preds
        .iter()
        .map(|p| {
            p.start < p.end
                && p.end <= text.len()
                && text.is_char_boundary(p.start)
                && text.is_char_boundary(p.end)
        })
        .collect();
    out.invalid_spans = valid.iter().filter(|v| !**v).count();
    let span = |p: &Prediction| (p.start, p.end);
    let gspan = |g: &GoldToponym| (g.start, g.end);
    let is_topo = |g: &GoldToponym| g.category == GoldCategory::Toponym;

    // Exact matching: each prediction takes an unmatched gold toponym with its span; else
    // it is neutral if a neutral annotation has its span; else a false positive.
    let mut gold_exact = vec![false; gold.len()];
    let mut pred_exact: Vec<Option<usize>> = vec![None; preds.len()];
    let mut pred_neutral_exact = vec![false; preds.len()];
    for (pi, p) in preds.iter().enumerate() {
        if !valid[pi] {
            continue;
        }
        if let Some(gi) = (0..gold.len())
            .find(|&gi| is_topo(&gold[gi]) && !gold_exact[gi] && gspan(&gold[gi]) == span(p))
        {
            gold_exact[gi] = true;
            pred_exact[pi] = Some(gi);
        } else if gold.iter().any(|g| !is_topo(g) && gspan(g) == span(p)) {
            pred_neutral_exact[pi] = true;
        }
    }

    // Overlap matching: exact pairs first, then each remaining prediction (left to right)
    // takes the unmatched gold toponym it overlaps most.
    let mut gold_overlap = gold_exact.clone();
    let mut pred_overlap = pred_exact.clone();
    let mut order: Vec<usize> = (0..preds.len()).filter(|&pi| valid[pi]).collect();
    order.sort_by_key(|&pi| (preds[pi].start, preds[pi].end, pi));
    let mut pred_neutral_overlap = vec![false; preds.len()];
    for &pi in &order {
        if pred_overlap[pi].is_some() {
            continue;
        }
        let ps = span(&preds[pi]);
        let best = (0..gold.len())
            .filter(|&gi| is_topo(&gold[gi]) && !gold_overlap[gi] && overlaps(ps, gspan(&gold[gi])))
            .max_by_key(|&gi| (overlap_len(ps, gspan(&gold[gi])), std::cmp::Reverse(gi)));
        if let Some(gi) = best {
            gold_overlap[gi] = true;
            pred_overlap[pi] = Some(gi);
        } else if gold.iter().any(|g| !is_topo(g) && overlaps(ps, gspan(g))) {
            pred_neutral_overlap[pi] = true;
        }
    }

    for (pi, p) in preds.iter().enumerate() {
        // Exact.
        if pred_exact[pi].is_some() {
            out.exact.true_positives += 1;
        } else if pred_neutral_exact[pi] {
            out.exact.neutral += 1;
        } else {
            out.exact.false_positives += 1;
            let surface = if valid[pi] {
                one_line(&text[p.start..p.end])
            } else {
                format!("<invalid span {}..{}>", p.start, p.end)
            };
            out.false_positives.push(surface);
        }
        // Overlap.
        if pred_overlap[pi].is_some() {
            out.overlap.true_positives += 1;
        } else if pred_neutral_overlap[pi] {
            out.overlap.neutral += 1;
        } else {
            out.overlap.false_positives += 1;
        }
        // Demonym flag.
        if p.is_demonym {
            out.flagged.predicted += 1;
            if pred_exact[pi].is_some() {
                out.flagged.on_toponym_gold += 1;
            } else if pred_neutral_exact[pi] {
                if gold
                    .iter()
                    .any(|g| g.category == GoldCategory::Demonym && gspan(g) == span(p))
                {
                    out.flagged.on_demonym_gold += 1;
                } else {
                    out.flagged.on_other_neutral += 1;
                }
            } else {
                out.flagged.false_positives += 1;
            }
        }
        // Resolution.
        if let Some(gi) = pred_exact[pi] {
            let g = &gold[gi];
            if let Some(truth) = g.coords {
                let km = if p.lat.is_finite() && p.lon.is_finite() {
                    haversine_km((p.lat, p.lon), truth)
                } else {
                    out.invalid_coordinates += 1;
                    WORST_ERROR_KM
                };
                out.resolutions.push(ResolutionError {
                    article_id: article.id.clone(),
                    start: g.start,
                    surface: one_line(&g.text),
                    predicted: (p.lat, p.lon),
                    gold: truth,
                    km,
                });
            }
        }
    }

    for (gi, g) in gold.iter().enumerate() {
        let exact_found = valid
            .iter()
            .zip(preds)
            .any(|(&v, p)| v && span(p) == gspan(g));
        let overlap_found = valid
            .iter()
            .zip(preds)
            .any(|(&v, p)| v && overlaps(span(p), gspan(g)));
        match g.category {
            GoldCategory::Toponym => {
                if !gold_exact[gi] {
                    out.exact.false_negatives += 1;
                    out.false_negatives.push(one_line(&g.text));
                }
                if !gold_overlap[gi] {
                    out.overlap.false_negatives += 1;
                }
                if g.coords.is_some() {
                    out.gold_with_coords += 1;
                }
            }
            GoldCategory::Demonym => out.categories[0].add(exact_found, overlap_found),
            GoldCategory::Expression => out.categories[1].add(exact_found, overlap_found),
            GoldCategory::NoCoordinates => out.categories[2].add(exact_found, overlap_found),
        }
        if !g.kind.is_empty() {
            // For toponyms, "found" follows the one-to-one matching.
            let (e, o) = if is_topo(g) {
                (gold_exact[gi], gold_overlap[gi])
            } else {
                (exact_found, overlap_found)
            };
            out.kinds.push((g.kind.clone(), g.category, e, o));
        }
    }
    out
}

fn top_counts(items: impl IntoIterator<Item = String>) -> Vec<SurfaceCount> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for s in items {
        *counts.entry(s).or_insert(0) += 1;
    }
    let mut list: Vec<SurfaceCount> = counts
        .into_iter()
        .map(|(surface, count)| SurfaceCount { surface, count })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.surface.cmp(&b.surface))
    });
    list.truncate(TOP_N);
    list
}

/// Runs `predict` on every article of `corpus` (in parallel on the rayon pool) and scores
/// the predictions against the gold. `predict` receives the article text and returns byte
/// spans into it with coordinates; it must be `Sync` because several threads call it.
pub fn evaluate(corpus: &Corpus, predict: impl Fn(&str) -> Vec<Prediction> + Sync) -> EvalReport {
    let wall = Instant::now();
    let outcomes: Vec<ArticleOutcome> = corpus
        .articles
        .par_iter()
        .map(|article| {
            let t0 = Instant::now();
            let preds = predict(&article.text);
            let dt = t0.elapsed();
            score_article(article, &preds, dt)
        })
        .collect();

    let mut exact = RecognitionScores::default();
    let mut overlap = RecognitionScores::default();
    let mut categories: [CategoryRecall; 3] = Default::default();
    let mut kinds: HashMap<(String, GoldCategory), CategoryRecall> = HashMap::new();
    let mut flagged = FlaggedDemonyms::default();
    let mut fps = Vec::new();
    let mut fns = Vec::new();
    let mut resolutions = Vec::new();
    let mut resolution = ResolutionScores::default();
    let mut predict_time = Duration::ZERO;
    let mut predictions = 0;
    let mut invalid_prediction_spans = 0;
    for o in outcomes {
        predict_time += o.predict_time;
        predictions += o.predictions;
        invalid_prediction_spans += o.invalid_spans;
        for (total, part) in [(&mut exact, &o.exact), (&mut overlap, &o.overlap)] {
            total.true_positives += part.true_positives;
            total.false_positives += part.false_positives;
            total.false_negatives += part.false_negatives;
            total.neutral += part.neutral;
        }
        for (total, part) in categories.iter_mut().zip(&o.categories) {
            total.merge(part);
        }
        for (kind, category, e, ov) in o.kinds {
            kinds.entry((kind, category)).or_default().add(e, ov);
        }
        flagged.predicted += o.flagged.predicted;
        flagged.on_demonym_gold += o.flagged.on_demonym_gold;
        flagged.on_toponym_gold += o.flagged.on_toponym_gold;
        flagged.on_other_neutral += o.flagged.on_other_neutral;
        flagged.false_positives += o.flagged.false_positives;
        fps.extend(o.false_positives);
        fns.extend(o.false_negatives);
        resolutions.extend(o.resolutions);
        resolution.gold_with_coords += o.gold_with_coords;
        resolution.invalid_coordinates += o.invalid_coordinates;
    }
    let wall_seconds = wall.elapsed().as_secs_f64();
    exact.finish();
    overlap.finish();
    for c in categories.iter_mut() {
        c.finish();
    }
    let [demonyms, expressions, no_coordinates] = categories;

    let mut by_kind: Vec<KindRecall> = kinds
        .into_iter()
        .map(|((kind, category), mut recall)| {
            recall.finish();
            KindRecall {
                kind,
                category,
                recall,
            }
        })
        .collect();
    by_kind.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(b.recall.gold.cmp(&a.recall.gold))
            .then_with(|| a.kind.cmp(&b.kind))
    });

    let errors: Vec<f64> = resolutions.iter().map(|r| r.km).collect();
    resolution.resolved = errors.len();
    resolution.within_161_km = errors
        .iter()
        .filter(|&&km| km <= ACCURACY_THRESHOLD_KM)
        .count();
    resolution.accuracy_161 = ratio(resolution.within_161_km, resolution.resolved);
    resolution.accuracy_161_all = ratio(resolution.within_161_km, resolution.gold_with_coords);
    resolution.median_km = median(&errors);
    resolution.mean_km =
        (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64);
    resolutions.sort_by(|a, b| {
        b.km.total_cmp(&a.km)
            .then_with(|| a.article_id.cmp(&b.article_id))
            .then(a.start.cmp(&b.start))
    });
    resolutions.truncate(TOP_N);

    let text_bytes: usize = corpus.articles.iter().map(|a| a.text.len()).sum();
    let predict_seconds = predict_time.as_secs_f64();
    let mb = text_bytes as f64 / 1e6;
    let throughput = Throughput {
        text_bytes,
        predict_seconds,
        wall_seconds,
        mb_per_s_per_core: (predict_seconds > 0.0).then(|| mb / predict_seconds),
        mb_per_s_wall: (wall_seconds > 0.0).then(|| mb / wall_seconds),
        threads: rayon::current_num_threads(),
    };

    EvalReport {
        corpus: corpus.name.clone(),
        format: corpus.format,
        articles: corpus.articles.len(),
        gold_toponyms: corpus.count(GoldCategory::Toponym),
        span_mismatches: corpus.span_mismatches.len(),
        unlocatable_gold: corpus
            .span_mismatches
            .iter()
            .filter(|m| m.found.is_none())
            .count(),
        span_mismatch_examples: corpus.span_mismatches.iter().take(TOP_N).cloned().collect(),
        predictions,
        invalid_prediction_spans,
        exact,
        overlap,
        demonyms,
        expressions,
        no_coordinates,
        by_kind,
        flagged_demonyms: flagged,
        resolution,
        throughput,
        top_false_positives: top_counts(fps),
        top_false_negatives: top_counts(fns),
        worst_resolutions: resolutions,
    }
}

// ---------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------

fn pct(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{:.1}%", v * 100.0),
        _ => "n/a".to_string(),
    }
}

fn num(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "n/a".to_string(),
    }
}

fn truncated(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.throughput;
        writeln!(
            f,
            "Corpus {} ({}): {} articles, {:.3} MB of text",
            self.corpus,
            self.format,
            self.articles,
            t.text_bytes as f64 / 1e6
        )?;
        writeln!(
            f,
            "Gold: {} toponyms ({} with coordinates); neutral: {} demonyms, {} expressions, {} without coordinates",
            self.gold_toponyms,
            self.resolution.gold_with_coords,
            self.demonyms.gold,
            self.expressions.gold,
            self.no_coordinates.gold
        )?;
        writeln!(
            f,
            "Gold spans not selecting their string: {} ({} outside the text, left out)",
            self.span_mismatches, self.unlocatable_gold
        )?;
        writeln!(
            f,
            "Predictions: {} ({} with invalid spans)",
            self.predictions, self.invalid_prediction_spans
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<24}{:>8}{:>8}{:>8}{:>9}{:>11}{:>9}{:>9}",
            "Recognition (toponyms)", "TP", "FP", "FN", "neutral", "precision", "recall", "F1"
        )?;
        for (label, s) in [
            ("  exact span", &self.exact),
            ("  overlapping span", &self.overlap),
        ] {
            writeln!(
                f,
                "{:<24}{:>8}{:>8}{:>8}{:>9}{:>11}{:>9}{:>9}",
                label,
                s.true_positives,
                s.false_positives,
                s.false_negatives,
                s.neutral,
                pct(s.precision),
                pct(s.recall),
                pct(s.f1)
            )?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "{:<24}{:>8}{:>8}{:>9}{:>15}{:>17}",
            "Neutral gold found", "gold", "exact", "overlap", "recall exact", "recall overlap"
        )?;
        for (label, c) in [
            ("  demonyms", &self.demonyms),
            ("  expressions", &self.expressions),
            ("  without coordinates", &self.no_coordinates),
        ] {
            writeln!(
                f,
                "{:<24}{:>8}{:>8}{:>9}{:>15}{:>17}",
                label,
                c.gold,
                c.found_exact,
                c.found_overlap,
                pct(c.recall_exact),
                pct(c.recall_overlap)
            )?;
        }
        let d = &self.flagged_demonyms;
        writeln!(
            f,
            "Predictions flagged as demonyms: {} ({} on demonym gold, {} on toponym gold, {} on other neutral gold, {} false positives)",
            d.predicted,
            d.on_demonym_gold,
            d.on_toponym_gold,
            d.on_other_neutral,
            d.false_positives
        )?;
        if !self.by_kind.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "{:<24}{:>16}{:>8}{:>8}{:>9}{:>15}",
                "By annotation type", "category", "gold", "exact", "overlap", "recall exact"
            )?;
            for k in &self.by_kind {
                writeln!(
                    f,
                    "  {:<22}{:>16}{:>8}{:>8}{:>9}{:>15}",
                    truncated(&k.kind, 22),
                    k.category.label(),
                    k.recall.gold,
                    k.recall.found_exact,
                    k.recall.found_overlap,
                    pct(k.recall.recall_exact)
                )?;
            }
        }
        let r = &self.resolution;
        writeln!(f)?;
        writeln!(
            f,
            "Resolution (gold toponyms with coordinates, exact span found)"
        )?;
        writeln!(
            f,
            "  {:<34}{} of {}",
            "resolved", r.resolved, r.gold_with_coords
        )?;
        writeln!(
            f,
            "  {:<34}{} ({} within {} km)",
            "acc@161 km (resolved)",
            pct(r.accuracy_161),
            r.within_161_km,
            ACCURACY_THRESHOLD_KM
        )?;
        writeln!(
            f,
            "  {:<34}{}",
            "acc@161 km (all gold with coords)",
            pct(r.accuracy_161_all)
        )?;
        writeln!(f, "  {:<34}{} km", "median error", num(r.median_km, 1))?;
        writeln!(f, "  {:<34}{} km", "mean error", num(r.mean_km, 1))?;
        if r.invalid_coordinates > 0 {
            writeln!(
                f,
                "  {:<34}{}",
                "non-finite predicted coordinates", r.invalid_coordinates
            )?;
        }
        writeln!(f)?;
        writeln!(f, "Throughput ({} threads)", t.threads)?;
        writeln!(
            f,
            "  {:<34}{:.3} s  {} MB/s per core",
            "inside predict (sum)",
            t.predict_seconds,
            num(t.mb_per_s_per_core, 2)
        )?;
        writeln!(
            f,
            "  {:<34}{:.3} s  {} MB/s",
            "wall clock",
            t.wall_seconds,
            num(t.mb_per_s_wall, 2)
        )?;

        writeln!(f)?;
        writeln!(f, "Most frequent false positives (exact span):")?;
        if self.top_false_positives.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for s in &self.top_false_positives {
            writeln!(f, "  {:>6}  {}", s.count, s.surface)?;
        }
        writeln!(f)?;
        writeln!(f, "Most frequent false negatives (exact span):")?;
        if self.top_false_negatives.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for s in &self.top_false_negatives {
            writeln!(f, "  {:>6}  {}", s.count, s.surface)?;
        }
        writeln!(f)?;
        writeln!(f, "Worst resolution errors:")?;
        if self.worst_resolutions.is_empty() {
            writeln!(f, "  (none)")?;
        } else {
            writeln!(
                f,
                "  {:>9}  {:<28}{:>21}{:>21}  article",
                "km", "surface", "predicted", "gold"
            )?;
        }
        for e in &self.worst_resolutions {
            writeln!(
                f,
                "  {:>9.1}  {:<28}{:>21}{:>21}  {}",
                e.km,
                truncated(&e.surface, 27),
                format!("{:.4},{:.4}", e.predicted.0, e.predicted.1),
                format!("{:.4},{:.4}", e.gold.0, e.gold.1),
                e.article_id
            )?;
        }
        if !self.span_mismatch_examples.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "Gold span mismatches (code-point offsets as in the file):"
            )?;
            for m in &self.span_mismatch_examples {
                writeln!(
                    f,
                    "  article {} [{}..{}] {:?} selects {}",
                    m.article_id,
                    m.start,
                    m.end,
                    m.expected,
                    match &m.found {
                        Some(s) => format!("{s:?}"),
                        None => "nothing (outside the text)".to_string(),
                    }
                )?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

/// The geoparser's mentions of `text` as predictions, demonyms placed at the country or
/// region they refer to: what `gazette eval` and the accuracy test score.
pub fn geoparser_predictions(
    parser: &crate::geoparse::Geoparser<'_>,
    text: &str,
) -> Vec<Prediction> {
    let g = parser.gazetteer();
    parser
        .parse(text)
        .into_iter()
        .map(|m| {
            let located = g.entry(crate::geoparse::located_entry(g, m.resolution.entry));
            Prediction {
                start: m.start,
                end: m.end,
                lat: located.lat,
                lon: located.lon,
                is_demonym: parser.is_demonym(&m),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Ségou’s mayor visited Niamey and Agadez." — 'é' is 2 bytes and '’' 3 bytes, so
    /// code-point offsets after them differ from byte offsets by 1 and then 3.
    const LGL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="42">
    <feedid>1</feedid>
    <title>Ségou title</title>
    <text><![CDATA[Ségou’s mayor visited Niamey and Agadez.]]></text>
    <toponyms count="3">
      <toponym><start>0</start><end>5</end><phrase>Ségou</phrase>
        <gaztag geonameid="2451185"><name>Ségou</name><lat>13.4317</lat><lon>-6.2157</lon></gaztag>
      </toponym>
      <toponym><start>22</start><end>28</end><phrase>Niamey</phrase>
        <gaztag geonameid="2440485"><name>Niamey</name><lat>13.5137</lat><lon>2.1098</lon></gaztag>
      </toponym>
      <toponym><start>33</start><end>39</end><phrase>Agadez</phrase></toponym>
    </toponyms>
  </article>
  <article docid="43">
    <text>Nothing here.</text>
    <toponyms count="0"/>
  </article>
</articles>"#;

    /// Text (code points): "Malian troops left Gao for the city of New York City. TITLE"
    /// Malian 0..6 Demonym; Gao 19..22 Literal; city 31..35 Literal_Expression;
    /// New York City 39..52 Literal; TITLE 54..59 Non_Toponym without coordinates;
    /// a mismatched span (says "Gao" but selects "for") and a negative one.
    const GWN: &str = r#"<?xml version="1.0" ?>
<articles>
	<!--comment-->
	<article file="7">
		<title>t</title>
		<link>http://example.org</link>
		<text>Malian troops left Gao for the city of New York City. TITLE</text>
		<toponyms>
			<toponym>
				<extractedName>Malian</extractedName><normalisedName/><type>Demonym</type>
				<modifierType/><nonLocational>No</nonLocational><start>0</start><end>6</end>
			</toponym>
			<toponym>
				<extractedName>Gao</extractedName><normalisedName>Gao</normalisedName><type>Literal</type>
				<modifierType/><nonLocational>No</nonLocational><start>19</start><end>22</end>
				<geonamesID>2457163</geonamesID><latitude>16.27167</latitude><longitude>-0.04472</longitude>
			</toponym>
			<toponym>
				<extractedName>city</extractedName><normalisedName/><type>Literal_Expression</type>
				<modifierType/><nonLocational>No</nonLocational><start>31</start><end>35</end>
			</toponym>
			<toponym>
				<extractedName>New York City</extractedName><normalisedName/><type>Literal</type>
				<modifierType/><nonLocational>No</nonLocational><start>39</start><end>52</end>
				<geonamesID/><latitude>40.71427</latitude><longitude>-74.00597</longitude>
			</toponym>
			<toponym>
				<extractedName>TITLE</extractedName><normalisedName/><type>Non_Toponym</type>
				<modifierType/><nonLocational>Yes</nonLocational><start>54</start><end>59</end>
				<geonamesID/><latitude/><longitude/>
			</toponym>
			<toponym>
				<extractedName>Gao</extractedName><normalisedName/><type>Homonym</type>
				<modifierType/><nonLocational>No</nonLocational><start>23</start><end>26</end>
			</toponym>
			<toponym>
				<extractedName>US</extractedName><normalisedName/><type>Non_Literal_Modifier</type>
				<modifierType/><nonLocational>No</nonLocational><start>-239</start><end>-237</end>
				<geonamesID/><latitude>39.76</latitude><longitude>-98.5</longitude>
			</toponym>
		</toponyms>
	</article>
</articles>"#;

    fn pred(text: &str, needle: &str, lat: f64, lon: f64) -> Prediction {
        let start = text.find(needle).expect("needle in text");
        Prediction {
            start,
            end: start + needle.len(),
            lat,
            lon,
            is_demonym: false,
        }
    }

    #[test]
    fn lgl_code_points_become_bytes() {
        let c = Corpus::from_xml_str(LGL, "mini").expect("parse");
        assert_eq!(c.format, CorpusFormat::Lgl);
        assert_eq!(c.articles.len(), 2);
        let a = &c.articles[0];
        assert_eq!(a.id, "42");
        let t: Vec<(usize, usize)> = a.toponyms.iter().map(|g| (g.start, g.end)).collect();
        assert_eq!(t, vec![(0, 6), (25, 31), (36, 42)]);
        for g in &a.toponyms {
            assert_eq!(&a.text[g.start..g.end], g.text);
            assert_eq!(g.category, GoldCategory::Toponym);
        }
        assert_eq!(a.toponyms[1].coords, Some((13.5137, 2.1098)));
        assert_eq!(a.toponyms[2].coords, None);
        assert!(c.span_mismatches.is_empty());
        assert!(c.articles[1].toponyms.is_empty());
    }

    #[test]
    fn gwn_categories_and_mismatches() {
        let c = Corpus::from_xml_str(GWN, "gwn-mini").expect("parse");
        assert_eq!(c.format, CorpusFormat::GeoWebNews);
        let a = &c.articles[0];
        assert_eq!(a.id, "7");
        let cats: Vec<(&str, GoldCategory)> = a
            .toponyms
            .iter()
            .map(|g| (g.text.as_str(), g.category))
            .collect();
        assert_eq!(
            cats,
            vec![
                ("Malian", GoldCategory::Demonym),
                ("Gao", GoldCategory::Toponym),
                ("city", GoldCategory::Expression),
                ("New York City", GoldCategory::Toponym),
                ("TITLE", GoldCategory::NoCoordinates),
                ("Gao", GoldCategory::NoCoordinates),
            ]
        );
        assert_eq!(a.toponyms[3].kind, "Literal");
        assert_eq!(c.span_mismatches.len(), 2);
        assert_eq!(c.span_mismatches[0].found.as_deref(), Some("for"));
        assert_eq!(c.span_mismatches[1].found, None);
        assert_eq!(c.span_mismatches[1].start, -239);
        assert_eq!(c.count(GoldCategory::Toponym), 2);
    }

    #[test]
    fn exact_overlap_and_neutral_scoring() {
        let c = Corpus::from_xml_str(GWN, "gwn-mini").expect("parse");
        let report = evaluate(&c, |text| {
            vec![
                // Demonym exactly: neutral.
                Prediction {
                    is_demonym: true,
                    ..pred(text, "Malian", 17.0, -4.0)
                },
                // Exact toponym, resolved at the truth.
                pred(text, "Gao", 16.27167, -0.04472),
                // Expression exactly: neutral.
                pred(text, "city", 0.0, 0.0),
                // Partial "New York": exact FP, overlap TP.
                pred(text, "New York", 40.71427, -74.00597),
                // Overlaps the no-coordinates annotation only: exact FP, overlap neutral.
                pred(text, "TITL", 0.0, 0.0),
                // Plain false positive in both.
                pred(text, "troops", 0.0, 0.0),
                // Invalid span: FP in both.
                Prediction {
                    start: 50,
                    end: 500,
                    lat: 0.0,
                    lon: 0.0,
                    is_demonym: false,
                },
            ]
        });
        let e = &report.exact;
        assert_eq!(
            (
                e.true_positives,
                e.false_positives,
                e.false_negatives,
                e.neutral
            ),
            (1, 4, 1, 2)
        );
        assert_eq!(e.precision, Some(0.2));
        assert_eq!(e.recall, Some(0.5));
        let f1 = e.f1.expect("f1");
        assert!((f1 - 2.0 * 0.2 * 0.5 / 0.7).abs() < 1e-12);
        let o = &report.overlap;
        assert_eq!(
            (
                o.true_positives,
                o.false_positives,
                o.false_negatives,
                o.neutral
            ),
            (2, 2, 0, 3)
        );
        assert_eq!(o.recall, Some(1.0));
        assert_eq!(report.invalid_prediction_spans, 1);
        assert_eq!(report.predictions, 7);
        assert_eq!((report.demonyms.gold, report.demonyms.found_exact), (1, 1));
        assert_eq!(report.demonyms.recall_exact, Some(1.0));
        assert_eq!(
            (report.expressions.gold, report.expressions.found_exact),
            (1, 1)
        );
        assert_eq!(
            (
                report.no_coordinates.gold,
                report.no_coordinates.found_exact,
                report.no_coordinates.found_overlap
            ),
            (2, 0, 1)
        );
        assert_eq!(report.flagged_demonyms.predicted, 1);
        assert_eq!(report.flagged_demonyms.on_demonym_gold, 1);
        assert_eq!(
            report.top_false_negatives,
            vec![SurfaceCount {
                surface: "New York City".into(),
                count: 1
            }]
        );
        let fp: Vec<&str> = report
            .top_false_positives
            .iter()
            .map(|s| s.surface.as_str())
            .collect();
        assert_eq!(
            fp,
            vec!["<invalid span 50..500>", "New York", "TITL", "troops"]
        );
        // Resolution: only Gao (exact) counts.
        let r = &report.resolution;
        assert_eq!((r.gold_with_coords, r.resolved, r.within_161_km), (2, 1, 1));
        assert_eq!(r.accuracy_161, Some(1.0));
        assert_eq!(r.accuracy_161_all, Some(0.5));
        assert_eq!(r.median_km, Some(0.0));
        // By kind: Literal 2 gold, 1 exact, 2 overlap.
        let lit = report
            .by_kind
            .iter()
            .find(|k| k.kind == "Literal")
            .expect("Literal");
        assert_eq!(
            (
                lit.recall.gold,
                lit.recall.found_exact,
                lit.recall.found_overlap
            ),
            (2, 1, 2)
        );
        let json = serde_json::to_string(&report).expect("json");
        assert!(json.contains("\"true_positives\":1"));
    }

    #[test]
    fn each_gold_matched_once() {
        let c = Corpus::from_xml_str(GWN, "gwn-mini").expect("parse");
        let report = evaluate(&c, |text| {
            vec![
                pred(text, "Gao", 16.0, 0.0),
                pred(text, "Gao", 16.0, 0.0),
                pred(text, "New", 0.0, 0.0),
                pred(text, "York City", 0.0, 0.0),
            ]
        });
        assert_eq!(
            (
                report.exact.true_positives,
                report.exact.false_positives,
                report.exact.false_negatives
            ),
            (1, 3, 1)
        );
        assert_eq!(
            (
                report.overlap.true_positives,
                report.overlap.false_positives,
                report.overlap.false_negatives
            ),
            (2, 2, 0)
        );
        assert_eq!(
            report.top_false_positives[0],
            SurfaceCount {
                surface: "Gao".into(),
                count: 1
            }
        );
    }

    #[test]
    fn resolution_errors_and_even_median() {
        let c = Corpus::from_xml_str(LGL, "mini").expect("parse");
        let niamey = (13.5137, 2.1098);
        let agadez = (16.9733, 7.9911);
        let report = evaluate(&c, |text| {
            if !text.starts_with("Ségou") {
                return Vec::new();
            }
            vec![
                // Ségou placed at its truth: 0 km.
                pred(text, "Ségou", 13.4317, -6.2157),
                // Niamey placed at Agadez: ~739 km.
                pred(text, "Niamey", agadez.0, agadez.1),
                // Agadez has no coordinates in the gold: recognition only.
                pred(text, "Agadez", 0.0, 0.0),
            ]
        });
        let d = haversine_km(niamey, agadez);
        assert_eq!(report.exact.true_positives, 3);
        assert_eq!(report.exact.false_negatives, 0);
        let r = &report.resolution;
        assert_eq!((r.gold_with_coords, r.resolved, r.within_161_km), (2, 2, 1));
        assert_eq!(r.accuracy_161, Some(0.5));
        assert_eq!(r.accuracy_161_all, Some(0.5));
        let median = r.median_km.expect("median");
        assert!(
            (median - d / 2.0).abs() < 1e-9,
            "median {median}, expected {}",
            d / 2.0
        );
        let mean = r.mean_km.expect("mean");
        assert!((mean - d / 2.0).abs() < 1e-9);
        assert_eq!(report.worst_resolutions.len(), 2);
        assert_eq!(report.worst_resolutions[0].surface, "Niamey");
        assert_eq!(report.worst_resolutions[0].start, 25);
        assert_eq!(report.worst_resolutions[0].article_id, "42");
    }

    #[test]
    fn median_helper() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[7.0, 1.0]), Some(4.0));
        assert_eq!(median(&[]), None);
    }

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

    #[test]
    fn empty_corpus_and_empty_predictions_do_not_panic() {
        let empty = Corpus {
            name: "empty".into(),
            format: CorpusFormat::Lgl,
            articles: Vec::new(),
            span_mismatches: Vec::new(),
        };
        let report = evaluate(&empty, |_| Vec::new());
        let shown = report.to_string();
        assert!(shown.contains("n/a"));
        assert!(!shown.contains("NaN") && !shown.contains("inf"), "{shown}");
        assert_eq!(report.exact.precision, None);
        assert_eq!(report.resolution.median_km, None);

        let c = Corpus::from_xml_str(LGL, "mini").expect("parse");
        let report = evaluate(&c, |_| Vec::new());
        assert_eq!(report.exact.false_negatives, 3);
        assert_eq!(report.exact.recall, Some(0.0));
        assert_eq!(report.exact.precision, None);
        assert_eq!(report.exact.f1, None);
        assert_eq!(report.resolution.accuracy_161_all, Some(0.0));
        let shown = report.to_string();
        assert!(!shown.contains("NaN") && !shown.contains("inf"), "{shown}");
        assert!(shown.contains("Agadez"));
        let json = serde_json::to_string(&report).expect("json");
        assert!(json.contains("\"precision\":null"));
    }

    #[test]
    fn non_finite_prediction_coordinates_are_worst_case() {
        let c = Corpus::from_xml_str(LGL, "mini").expect("parse");
        let report = evaluate(&c, |text| {
            if text.starts_with("Ségou") {
                vec![pred(text, "Niamey", f64::NAN, 0.0)]
            } else {
                Vec::new()
            }
        });
        assert_eq!(report.resolution.invalid_coordinates, 1);
        assert_eq!(report.resolution.median_km, Some(WORST_ERROR_KM));
        assert!(!report.to_string().contains("NaN km"));
    }

    #[test]
    fn bad_input_is_an_error_naming_the_file() {
        let err = Corpus::from_xml_str("<articles><article>", "broken.xml").expect_err("xml");
        assert!(err.to_string().contains("broken.xml"), "{err}");
        let err = Corpus::from_xml_str("<articles/>", "none.xml").expect_err("format");
        assert!(matches!(err, EvalError::UnknownFormat { .. }));
        assert!(err.to_string().contains("none.xml"));
        let err = Corpus::from_xml_str("<docs/>", "docs.xml").expect_err("root");
        assert!(matches!(err, EvalError::UnknownFormat { .. }));
        let bad = LGL.replace("<start>22</start>", "<start>x</start>");
        let err = Corpus::from_xml_str(&bad, "bad.xml").expect_err("start");
        assert!(matches!(err, EvalError::Malformed { .. }));
        assert!(
            err.to_string().contains("bad.xml") && err.to_string().contains("42"),
            "{err}"
        );
        let err = Corpus::load(Path::new("/nonexistent/corpus.xml")).expect_err("io");
        assert!(err.to_string().contains("/nonexistent/corpus.xml"));
    }

    #[test]
    fn real_corpora_when_present() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        let lgl_path = dir.join("lgl.xml");
        let gwn_path = dir.join("GWN.xml");
        if !lgl_path.exists() || !gwn_path.exists() {
            eprintln!(
                "skipping real_corpora_when_present: no corpora in {}",
                dir.display()
            );
            return;
        }
        let lgl = Corpus::load(&lgl_path).expect("load lgl");
        assert_eq!(lgl.name, "lgl");
        assert_eq!(lgl.format, CorpusFormat::Lgl);
        assert_eq!(lgl.articles.len(), 588);
        assert_eq!(
            lgl.articles.iter().map(|a| a.toponyms.len()).sum::<usize>(),
            5088
        );
        assert_eq!(lgl.count(GoldCategory::Toponym), 5088);
        assert!(
            lgl.span_mismatches.is_empty(),
            "{:?}",
            &lgl.span_mismatches[..1]
        );
        let with_coords = lgl
            .articles
            .iter()
            .flat_map(|a| &a.toponyms)
            .filter(|t| t.coords.is_some())
            .count();
        assert_eq!(with_coords, 4462);

        let gwn = Corpus::load(&gwn_path).expect("load gwn");
        assert_eq!(gwn.format, CorpusFormat::GeoWebNews);
        assert_eq!(gwn.articles.len(), 200);
        // 6,612 annotations, 5 of which point before the text (negative offsets).
        assert_eq!(gwn.span_mismatches.len(), 5);
        assert!(gwn.span_mismatches.iter().all(|m| m.found.is_none()));
        assert_eq!(gwn.count(GoldCategory::Toponym), 2599);
        assert_eq!(gwn.count(GoldCategory::Demonym), 73);
        assert_eq!(gwn.count(GoldCategory::Expression), 3457);
        assert_eq!(gwn.count(GoldCategory::NoCoordinates), 478);

        let report = evaluate(&lgl, |_| Vec::new());
        assert_eq!(report.exact.false_negatives, 5088);
        assert_eq!(report.resolution.gold_with_coords, 4462);
        let shown = report.to_string();
        assert!(!shown.contains("NaN"));
    }
}
