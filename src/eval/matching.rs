//! Matching one article's predictions to its gold spans (exact, then overlapping) and
//! measuring each resolved toponym's error: the per-article step [`super::evaluate`] merges.

use std::time::Duration;

use super::{
    CategoryRecall, FlaggedDemonyms, GoldArticle, GoldCategory, GoldToponym, Prediction,
    RecognitionScores, ResolutionError,
};

use crate::geodesy::{EARTH_RADIUS_KM, haversine_km};

/// Error in km charged to a prediction whose coordinates are not finite numbers: half the
/// Earth's circumference, the largest possible great-circle distance.
pub(super) const WORST_ERROR_KM: f64 = std::f64::consts::PI * EARTH_RADIUS_KM;

/// What scoring one article produced; merged in article order.
#[derive(Default)]
pub(super) struct ArticleOutcome {
    pub(super) predict_time: Duration,
    pub(super) predictions: usize,
    pub(super) invalid_spans: usize,
    pub(super) exact: RecognitionScores,
    pub(super) overlap: RecognitionScores,
    pub(super) categories: [CategoryRecall; 3],
    pub(super) kinds: Vec<(String, GoldCategory, bool, bool)>,
    pub(super) flagged: FlaggedDemonyms,
    pub(super) false_positives: Vec<String>,
    pub(super) false_negatives: Vec<String>,
    pub(super) resolutions: Vec<ResolutionError>,
    pub(super) gold_with_coords: usize,
    pub(super) invalid_coordinates: usize,
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

pub(super) fn score_article(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_error_is_half_the_circumference() {
        let half = haversine_km((0.0, 0.0), (0.0, 180.0));
        assert!((half - WORST_ERROR_KM).abs() < 1e-6);
    }
}
