//! Mentions by first-level division (state, province, region), for the map's division
//! view: the places shown (after the filters and the timeline) counted in the GeoNames
//! first-level division they lie in, by their country and admin-1 codes.
//!
//! A town, a county (second-level division) or the division itself counts for the
//! division; a country, a multi-country region, a physical feature or a demonym counts
//! for none, since where in the country it is meant is not known.

use std::collections::HashMap;

use super::places::Place;
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};

/// The places and mentions of one first-level division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionCount {
    /// ISO 3166-1 alpha-2 code of its country (`US`).
    pub country: String,
    /// GeoNames admin-1 code (`OH` of `US.OH`).
    pub admin1: String,
    /// Places shown inside it (the division itself included, if it is mentioned).
    pub places: usize,
    /// Their mentions.
    pub mentions: usize,
}

/// The division a mention resolved to `entry` counts for: its (country, admin-1 code),
/// or `None` for a country-level or wider place, or one without both codes.
pub fn division_of(gazetteer: &Gazetteer, entry: EntryIndex) -> Option<(&str, &str)> {
    let e = gazetteer.entry(entry);
    if !matches!(e.kind, Kind::Place | Kind::Admin2 | Kind::Admin1) {
        return None;
    }
    let country = e.country_code.as_deref().filter(|c| !c.is_empty())?;
    let admin1 = e.admin1_code.as_deref().filter(|c| !c.is_empty())?;
    Some((country, admin1))
}

/// Places and mentions per first-level division over `places` (the places shown), most
/// mentioned first, then by country and code. A cheap pass over the places, not over the
/// mentions: compute it when the places change, not per frame.
pub fn division_counts(gazetteer: &Gazetteer, places: &[Place]) -> Vec<DivisionCount> {
    let mut counts: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for place in places {
        if let Some(key) = division_of(gazetteer, place.entry) {
            let c = counts.entry(key).or_default();
            c.0 += 1;
            c.1 += place.mention_count;
        }
    }
    let mut out: Vec<DivisionCount> = counts
        .into_iter()
        .map(|((country, admin1), (places, mentions))| DivisionCount {
            country: country.to_string(),
            admin1: admin1.to_string(),
            places,
            mentions,
        })
        .collect();
    out.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.country.cmp(&b.country))
            .then_with(|| a.admin1.cmp(&b.admin1))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(g: &Gazetteer, name: &str, kind: Kind, country: &str) -> EntryIndex {
        g.candidates(name)
            .iter()
            .map(|c| c.entry)
            .find(|&e| {
                let e = g.entry(e);
                e.kind == kind && e.country_code.as_deref() == Some(country)
            })
            .unwrap_or_else(|| panic!("{name} ({kind:?}, {country})"))
    }

    fn place(entry: EntryIndex, mentions: usize) -> Place {
        Place {
            entry,
            mentions: Vec::new(),
            mention_count: mentions,
        }
    }

    #[test]
    fn towns_counties_and_divisions_count_for_their_division_countries_do_not() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let columbus = entry(&g, "Columbus", Kind::Place, "US");
        let ohio = entry(&g, "Ohio", Kind::Admin1, "US");
        let franklin = g
            .candidates("Franklin County")
            .iter()
            .map(|c| c.entry)
            .find(|&e| g.entry(e).admin1_code.as_deref() == Some("OH"))
            .expect("Franklin County, Ohio");
        let united_states = entry(&g, "United States", Kind::Country, "US");
        let agadez = entry(&g, "Agadez", Kind::Place, "NE");
        let niger = entry(&g, "Niger", Kind::Country, "NE");
        assert_eq!(division_of(&g, united_states), None);
        assert_eq!(division_of(&g, niger), None);
        assert_eq!(division_of(&g, ohio), Some(("US", "OH")));
        let columbus_division = division_of(&g, columbus).expect("Columbus has codes");
        let counts = division_counts(
            &g,
            &[
                place(columbus, 5),
                place(ohio, 2),
                place(franklin, 1),
                place(united_states, 100),
                place(agadez, 3),
                place(niger, 50),
            ],
        );
        let of = |country: &str, admin1: &str| {
            counts
                .iter()
                .find(|c| c.country == country && c.admin1 == admin1)
                .map(|c| (c.places, c.mentions))
        };
        // Whichever Columbus the gazetteer lists first, it counts in its own division.
        if columbus_division == ("US", "OH") {
            assert_eq!(of("US", "OH"), Some((3, 8)));
        } else {
            assert_eq!(of("US", "OH"), Some((2, 3)));
            assert_eq!(of(columbus_division.0, columbus_division.1), Some((1, 5)));
        }
        let agadez_division = division_of(&g, agadez).expect("Agadez has codes");
        assert_eq!(of(agadez_division.0, agadez_division.1), Some((1, 3)));
        // The countries' 150 mentions count nowhere.
        assert_eq!(counts.iter().map(|c| c.mentions).sum::<usize>(), 11);
        assert!(counts.windows(2).all(|w| w[0].mentions >= w[1].mentions));
        assert!(division_counts(&g, &[]).is_empty());
    }
}
