//! Small towns abroad that nothing else in the story stands beside, dropped after
//! resolution. When a story names three or more places in one country and a name is
//! read as a town of under [`STRAY_POPULATION`] people in a country the story names
//! nowhere else, the gazetteer had no reading of the name in the story's own country: a
//! London station read as a Sydney suburb, a person's or a company's name read as a
//! village abroad, a British river read as a Maryland town. On the development corpora
//! none of these readings was within 161 km of the gold point (LGL: 25 false mentions,
//! 10 gold ones far off or without a point; GeoWebNews: 6 and 2), and a wrong dot is
//! what a reader notices first. A user's own place is never dropped, nor an airport.

use rustc_hash::FxHashMap;

use super::Mention;
use crate::gazetteer::{Gazetteer, Kind};

/// Towns of at least this many people stay wherever they are: a city abroad is often
/// named once ("a student from Lyon"). 50,000 rather than session 19's 20,000 dropped
/// 9 more false mentions on the corpora and no right one; 100,000 dropped a right one.
const STRAY_POPULATION: u64 = 50_000;

/// Mentions the story's main country must have before a stray is dropped.
const MAIN_COUNTRY_MENTIONS: u32 = 3;

/// Removes from `mentions` the small towns abroad described in the module docs.
pub(super) fn drop_strays(gazetteer: &Gazetteer, mentions: &mut Vec<Mention>) {
    if mentions.len() < MAIN_COUNTRY_MENTIONS as usize + 1 {
        return;
    }
    let country = |m: &Mention| gazetteer.facts(m.resolution.entry).country();
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    for m in mentions.iter() {
        if let Some(c) = country(m) {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    let Some((&main, &n)) = counts.iter().max_by_key(|&(&c, &n)| (n, c)) else {
        return;
    };
    if n < MAIN_COUNTRY_MENTIONS {
        return;
    }
    let bundled = gazetteer.len();
    mentions.retain(|m| {
        let entry = m.resolution.entry;
        let stray = (entry as usize) < bundled
            && gazetteer.kind(entry) == Kind::Place
            && gazetteer.population(entry) < STRAY_POPULATION
            // An airport has no population, and its name is its own: a story about
            // British airports may name one abroad once ("a connection through
            // Schiphol").
            && !gazetteer.is_airport(entry)
            && country(m).is_some_and(|c| c != main && counts.get(&c) == Some(&1));
        !stray
    });
}
