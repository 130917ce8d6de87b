//! Tests on an entry's kind that several rules of the parser ask: each defined once
//! here, so recognition and resolution agree on which kinds are broad, settlement-level,
//! or a town or county, and which county holds a town.

use rustc_hash::FxHashMap;

use crate::gazetteer::{EntryFacts, EntryIndex, Gazetteer, Kind};

/// Kinds of reading that cover a wide area: a town named like one of them is read as
/// the town only on strong evidence (see `resolve::score::score_candidate`).
pub(super) fn is_broad(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Country | Kind::Demonym | Kind::Region | Kind::Physical | Kind::Admin1
    )
}

/// Towns and divisions: the kinds whose distance to the document's other places counts.
pub(super) fn settlement_level(kind: Kind) -> bool {
    matches!(kind, Kind::Place | Kind::Admin1 | Kind::Admin2)
}

/// Towns and counties (second-level divisions): the readings that a first-level
/// division named elsewhere supports, and the only ones the small-town cap applies to
/// (see `resolve::score::Support::capped`).
pub(super) fn town_or_county(kind: Kind) -> bool {
    matches!(kind, Kind::Place | Kind::Admin2)
}

/// The town the story is about, where its streets go: of a document's readings
/// `(index, entry)`, the index of the first reading of the town or county read most
/// often (of those read as often, the most populous, then the first read). Asked by
/// `streets.rs` of the mentions and by the resolver of a town's named streets ("Wichita
/// Drive"), so both put a story's streets in the same town.
pub(super) fn most_read_town(
    gazetteer: &Gazetteer,
    readings: impl IntoIterator<Item = (usize, EntryIndex)>,
) -> Option<usize> {
    let mut counts: FxHashMap<EntryIndex, (u32, usize)> = FxHashMap::default();
    for (i, entry) in readings {
        if town_or_county(gazetteer.kind(entry)) {
            counts.entry(entry).or_insert((0, i)).0 += 1;
        }
    }
    // Among towns read as often, the most populous: a city's streets are more often
    // named than a suburb's, and a namesake read wrongly is usually a small one.
    counts
        .into_iter()
        .map(|(entry, (n, first))| (n, gazetteer.population(entry), first))
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)))
        .map(|(_, _, first)| first)
}

/// True if the second-level division `division` holds `place`: its point lies in the
/// division's bounding box, the gazetteer keeping no second-level codes for places.
pub(super) fn county_holds(
    gazetteer: &Gazetteer,
    division: &EntryFacts,
    place: &EntryFacts,
) -> bool {
    division.country() == place.country()
        && gazetteer
            .bbox_of(division.entry)
            .is_some_and(|bbox| box_holds(bbox, place))
}

/// True if `place`'s point lies in `bbox` (west, south, east, north, degrees; a
/// county's box does not cross the antimeridian).
pub(super) fn box_holds([west, south, east, north]: [f64; 4], place: &EntryFacts) -> bool {
    (south..=north).contains(&place.lat) && (west..=east).contains(&place.lon)
}
