//! What an evaluation reports: the [`EvalReport`] and its parts (serialized to JSON for
//! tools) and their plain-text table (`Display`). The numbers are computed in `score`.

use std::fmt;

use serde::Serialize;

use super::{ACCURACY_THRESHOLD_KM, CorpusFormat, GoldCategory, SpanMismatch};

/// How many entries the report's lists (false positives, false negatives, worst resolution
/// errors, span-mismatch examples) keep: enough to see the categories of mistakes.
pub const TOP_N: usize = 25;

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

/// Everything [`evaluate`](super::evaluate) measured on one corpus. Serializes to JSON for
/// tools; `Display` prints a plain-text table followed by the lists of mistakes.
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
