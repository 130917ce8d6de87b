//! Prominence: how likely an entry is, before any context, to be what a name means. Used
//! by recognition (a name's best candidate) and stored with each spelling for resolution.

use crate::gazetteer::{Candidate, Entry, Gazetteer, Kind, NameMatch};

/// How prominent an entry is, in score units: countries and regions first, then
/// first-level divisions, then towns by log population. Computed once per entry when a
/// [`Geoparser`](crate::geoparse::Geoparser) is made (a logarithm per candidate per
/// mention was a visible share of the parse time).
pub(crate) fn entry_prominence(e: &Entry) -> f32 {
    match e.kind {
        Kind::Country => 5.0,
        Kind::Demonym => 3.5,
        Kind::Region => 3.0,
        // Divisions weigh by their (estimated) population: Texas far above a parish of
        // the Isle of Man.
        Kind::Admin1 => 1.2 + 0.25 * (e.population as f32).max(10.0).log10(),
        Kind::Admin2 => 1.8,
        Kind::Physical => 2.2,
        Kind::Place => {
            let pop = (e.population as f32).max(10.0);
            let capital = match e.feature_code.as_str() {
                "PPLC" => 1.2,
                "PPLA" => 0.5,
                "PPLA2" => 0.2,
                _ => 0.0,
            };
            0.55 * pop.log10() - 0.7 + capital
        }
    }
}

/// How prominent a candidate is as a reading of a name: its entry's prominence
/// (`base`, indexed by entry) adjusted for how the name matched.
pub(super) fn prominence(base: &[f32], gazetteer: &Gazetteer, c: &Candidate) -> f32 {
    let kind = gazetteer.kind(c.entry);
    // Alternate names of towns are mostly other languages' spellings; those of
    // countries, states and regions are mostly English variants ("Britain", "Ga.").
    let how = match (c.name_match, kind) {
        (NameMatch::Primary | NameMatch::Abbreviation, _) => 0.0,
        (NameMatch::Alternate, Kind::Place | Kind::Admin2) => -1.2,
        (NameMatch::Alternate, _) => -0.6,
    };
    base.get(c.entry as usize).copied().unwrap_or(0.0) + how
}
