//! The whole-corpus evaluation: [`evaluate`] runs the prediction function over every
//! article, sums the per-article matches, and computes the metrics (precision, recall, F1,
//! accuracy within 161 km, median and mean error, throughput) that fill the report.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::matching::{ArticleOutcome, score_article};
use super::{
    CategoryRecall, Corpus, EvalReport, FlaggedDemonyms, GoldCategory, KindRecall, Prediction,
    RecognitionScores, ResolutionScores, SurfaceCount, TOP_N, Throughput,
};

/// Error threshold in km under which a resolution counts as accurate: 161 km is 100 miles,
/// the convention of the geoparsing literature, so results compare with published ones.
pub const ACCURACY_THRESHOLD_KM: f64 = 161.0;

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

// The report's ratios, filled once the counts of all articles are summed.
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

impl CategoryRecall {
    pub(super) fn add(&mut self, exact: bool, overlap: bool) {
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

#[cfg(test)]
mod tests {
    use super::super::CorpusFormat;
    use super::super::matching::WORST_ERROR_KM;
    use super::super::tests::{GWN, LGL, pred};
    use super::*;
    use crate::geodesy::haversine_km;

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
}
