//! Prominence: how likely an entry is, before any context, to be what a name means. Used
//! by recognition (a name's best candidate) and stored with each spelling for resolution.

use std::sync::OnceLock;

use crate::gazetteer::{Candidate, EntryIndex, Gazetteer, Kind, NameMatch, pack_code};

/// How prominent each entry is ([`entry_prominence`]), by entry index, computed a block
/// of [`BaseProminence::BLOCK`] entries at a time the first time one of them is asked
/// for, from the gazetteer's in-place rows (no entry is decoded), and kept for the
/// life of the [`Geoparser`](crate::geoparse::Geoparser). Computing it for every entry
/// when a parser is made cost 2 ms, a tenth of a one-article run; computing it for each
/// candidate of each mention, a logarithm each, was a visible share of the parse time.
#[derive(Debug)]
pub(crate) struct BaseProminence {
    blocks: Box<[OnceLock<Box<[f32]>>]>,
}

impl BaseProminence {
    /// Entries per block: a few microseconds to compute.
    const BLOCK: usize = 512;

    /// The (not yet computed) prominences of the entries of `gazetteer`.
    pub(crate) fn new(gazetteer: &Gazetteer) -> Self {
        let blocks = gazetteer.len().div_ceil(Self::BLOCK);
        BaseProminence {
            blocks: (0..blocks).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The prominence of `entry` of `gazetteer` (the gazetteer this was made for); 0 for
    /// an entry not in it.
    pub(crate) fn of(&self, gazetteer: &Gazetteer, entry: EntryIndex) -> f32 {
        let i = entry as usize;
        let Some(block) = self.blocks.get(i / Self::BLOCK) else {
            return 0.0;
        };
        let block = block.get_or_init(|| {
            let capitals = [
                (pack_code("PPLC"), 1.2),
                (pack_code("PPLA"), 0.5),
                (pack_code("PPLA2"), 0.2),
            ];
            let ocean = pack_code("OCN");
            let airport = pack_code("AIRP");
            let first = i - i % Self::BLOCK;
            (first..gazetteer.len().min(first + Self::BLOCK))
                .map(|e| {
                    let e = e as EntryIndex;
                    let feature = gazetteer.feature_code_packed(e);
                    let capital = capitals
                        .iter()
                        .find(|(code, _)| *code == feature)
                        .map_or(0.0, |&(_, bonus)| bonus);
                    let kind = gazetteer.kind(e);
                    // An ocean is as broad as a continent: news names "the Atlantic"
                    // far more often than its towns of a few thousand people.
                    if kind == Kind::Physical && feature == ocean {
                        return OCEAN_PROMINENCE;
                    }
                    if kind == Kind::Place && feature == airport {
                        return AIRPORT_PROMINENCE;
                    }
                    entry_prominence(kind, gazetteer.population(e), capital)
                })
                .collect()
        });
        block.get(i % Self::BLOCK).copied().unwrap_or(0.0)
    }
}

/// The prominence of an ocean (feature code `OCN`): a region's, where other physical
/// features have less.
const OCEAN_PROMINENCE: f32 = 3.0;

/// The prominence of an airport (feature code `AIRP`, no population): a physical
/// feature's. Its names are its own ("Dulles International Airport", "Gatwick Airport":
/// the gazetteer leaves out those that only repeat a town's name), so where one is
/// written it is the airport.
const AIRPORT_PROMINENCE: f32 = 2.2;

/// How prominent an entry is, in score units: countries and regions first, then
/// first-level divisions, then towns by log population. `capital` is the bonus of a
/// town's feature code (1.2 for a capital `PPLC`, 0.5 for `PPLA`, 0.2 for `PPLA2`).
fn entry_prominence(kind: Kind, population: u64, capital: f32) -> f32 {
    match kind {
        Kind::Country => 5.0,
        Kind::Demonym => 3.5,
        Kind::Region => 3.0,
        // Divisions weigh by their (estimated) population: Texas far above a parish of
        // the Isle of Man.
        Kind::Admin1 => 1.2 + 0.25 * (population as f32).max(10.0).log10(),
        Kind::Admin2 => 1.8,
        Kind::Physical => 2.2,
        Kind::Place => {
            let pop = (population as f32).max(10.0);
            0.55 * pop.log10() - 0.7 + capital
        }
    }
}

/// The prominence from which a town is a world city (London, Tokyo, New York: a
/// capital of about half a million people or more, another city of about five
/// million): its name, read alone, is that city unless the story is local to a
/// namesake.
pub(crate) const WORLD_CITY_PRIOR: f32 = 2.95;

/// The strongest prominence among `candidates` (with their `priors`) of the broad kinds
/// ([`is_broad`](crate::geoparse::kinds::is_broad)), and of world cities
/// ([`WORLD_CITY_PRIOR`]): see [`Surface`](crate::geoparse::hits::Surface).
pub(super) fn strongest_namesakes(
    gazetteer: &Gazetteer,
    candidates: &[Candidate],
    priors: &[f32],
) -> (Option<f32>, Option<f32>) {
    let (mut broad, mut city) = (None::<f32>, None::<f32>);
    for (c, &p) in candidates.iter().zip(priors) {
        let kind = gazetteer.kind(c.entry);
        if crate::geoparse::kinds::is_broad(kind) {
            broad = Some(broad.map_or(p, |b| b.max(p)));
        } else if kind == Kind::Place && p >= WORLD_CITY_PRIOR {
            city = Some(city.map_or(p, |b| b.max(p)));
        }
    }
    (broad, city)
}

/// How prominent a candidate is as a reading of a name: its entry's prominence
/// (from `base`) adjusted for how the name matched.
pub(super) fn prominence(base: &BaseProminence, gazetteer: &Gazetteer, c: &Candidate) -> f32 {
    let kind = gazetteer.kind(c.entry);
    // Alternate names of towns are mostly other languages' spellings; those of
    // countries, states and regions are mostly English variants ("Britain", "Ga."), and
    // so are an airport's ("Gatwick Airport", "Gatwick").
    let how = match (c.name_match, kind) {
        (NameMatch::Primary | NameMatch::Abbreviation, _) => 0.0,
        (NameMatch::Alternate, Kind::Place) if gazetteer.is_airport(c.entry) => -0.6,
        (NameMatch::Alternate, Kind::Place | Kind::Admin2) => -1.2,
        (NameMatch::Alternate, _) => -0.6,
    };
    base.of(gazetteer, c.entry) + how
}
