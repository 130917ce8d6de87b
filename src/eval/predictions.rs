//! What the scorer is given: a [`Prediction`] per place found, and the adapter that turns
//! the project's geoparser into predictions. Apart so the scoring never depends on the parser.

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
