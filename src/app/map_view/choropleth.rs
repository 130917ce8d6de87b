//! The country and division views: choropleths of the mentions by country (after the
//! filters and the timeline, before the country filter's own choice) or by first-level
//! division (after every filter: `corpus::divisions`), in a few classes whose bounds are
//! round numbers on a logarithmic scale, since news attention is heavy-tailed (one
//! country often gets a hundred times the mentions of the next ten). A click on a
//! country shows only it, a second click shows all again; a click on a division shows
//! its name and count (the filter has no division to show only).

use egui::Color32;

/// At most this many classes.
const MAX_CLASSES: usize = 6;

/// The classes of counts from 1 to `max`: inclusive `(low, high)` ranges, lowest first,
/// with round bounds (1, 2, 5, 10, 20, 50…, or powers of ten when those make too many).
pub fn classes(max: usize) -> Vec<(usize, usize)> {
    if max == 0 {
        return Vec::new();
    }
    // Bounds on the 1-2-5 series, else powers of ten, else every second or third
    // power of ten…, the first that makes few enough classes.
    let mut powers: Vec<usize> = vec![1];
    while let Some(next) = powers.last().and_then(|p| p.checked_mul(10)) {
        if next > max {
            break;
        }
        powers.push(next);
    }
    let one_two_five: Vec<usize> = powers
        .iter()
        .flat_map(|&p| [p, p.saturating_mul(2), p.saturating_mul(5)])
        .filter(|&v| v <= max)
        .collect();
    let starts = if one_two_five.len() <= MAX_CLASSES {
        one_two_five
    } else {
        let stride = powers.len().div_ceil(MAX_CLASSES);
        powers.iter().copied().step_by(stride).collect()
    };
    starts
        .iter()
        .enumerate()
        .map(|(i, &low)| {
            let high = starts.get(i + 1).map_or(max, |next| next - 1);
            (low, high)
        })
        .collect()
}

/// The classes for `counts` and each count's fill (`None` for 0): what both views
/// colour their areas with and show in their legend.
pub fn classify(counts: &[usize], dark: bool) -> (Vec<(usize, usize)>, Vec<Option<Color32>>) {
    let classes = classes(counts.iter().copied().max().unwrap_or(0));
    let fills = counts
        .iter()
        .map(|&n| class_of(&classes, n).map(|c| class_color(c, classes.len(), dark)))
        .collect();
    (classes, fills)
}

/// The class of `count` among `classes` (`None` for 0 or beyond the last).
pub fn class_of(classes: &[(usize, usize)], count: usize) -> Option<usize> {
    classes
        .iter()
        .position(|&(low, high)| (low..=high).contains(&count))
}

/// The fill of class `i` of `n`: a sequential ramp, light to strong, readable over the
/// basemap of either theme.
pub fn class_color(i: usize, n: usize, dark: bool) -> Color32 {
    // Yellow-orange-red (ColorBrewer YlOrRd, six classes).
    const RAMP: [[u8; 3]; 6] = [
        [255, 255, 178],
        [254, 217, 118],
        [254, 178, 76],
        [253, 141, 60],
        [240, 59, 32],
        [189, 0, 38],
    ];
    let at = if n <= 1 {
        RAMP.len() - 1
    } else {
        // Spread fewer classes over the whole ramp.
        (i * (RAMP.len() - 1) + (n - 1) / 2) / (n - 1)
    };
    let [r, g, b] = RAMP[at.min(RAMP.len() - 1)];
    let alpha = if dark { 200 } else { 220 };
    Color32::from_rgba_unmultiplied(r, g, b, alpha)
}

/// How a class reads in the legend: `1`, `2–4`, `50–123`.
pub fn class_label((low, high): (usize, usize)) -> String {
    if low == high {
        low.to_string()
    } else {
        format!("{low}–{high}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_count_once_with_round_bounds() {
        for max in [1, 2, 3, 7, 10, 99, 1000, 42_037, 471_678] {
            let c = classes(max);
            assert!(!c.is_empty() && c.len() <= MAX_CLASSES, "{max}: {c:?}");
            assert_eq!(c[0].0, 1);
            assert_eq!(c.last().map(|l| l.1), Some(max));
            for pair in c.windows(2) {
                assert_eq!(pair[0].1 + 1, pair[1].0, "{c:?}");
            }
            for n in 1..=max.min(5000) {
                assert!(class_of(&c, n).is_some(), "{max}: {n}");
            }
        }
        assert!(classes(0).is_empty());
        assert_eq!(classes(471_678)[1].0, 10);
        assert_eq!(classes(30), [(1, 1), (2, 4), (5, 9), (10, 19), (20, 30)]);
    }

    #[test]
    fn classify_colours_every_count_but_zero() {
        let (classes, fills) = classify(&[0, 1, 30, 7], false);
        assert_eq!(classes, [(1, 1), (2, 4), (5, 9), (10, 19), (20, 30)]);
        assert_eq!(fills[0], None);
        assert_eq!(fills[1], Some(class_color(0, 5, false)));
        assert_eq!(fills[2], Some(class_color(4, 5, false)));
        assert_eq!(fills[3], Some(class_color(2, 5, false)));
        assert_eq!(classify(&[], true), (Vec::new(), Vec::new()));
    }

    #[test]
    fn labels_read_as_ranges() {
        assert_eq!(class_label((1, 1)), "1");
        assert_eq!(class_label((10, 99)), "10–99");
    }
}
