//! The score of one candidate reading of one mention: what the rest of the document says
//! for it ([`context_support`]) and what stands beside the mention ([`score_candidate`]).

use super::SurfaceId;
use super::context::{Context, NEAR_COS, Others, VERY_NEAR_COS};
use super::evidence::{CAPPED_CONTEXT, Feature, Weigh, WeightedSum};
use crate::gazetteer::{EntryFacts, Gazetteer, Kind};
use crate::geoparse::hits::{Hit, KindCue, Surface};
use crate::geoparse::kinds::{county_holds, settlement_level, town_or_county};

/// What the rest of the document says for reading a name as one candidate (see
/// [`context_support`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Support {
    /// The weighted sum of the context features, in score units.
    pub(super) score: f32,
    /// Local evidence: another place of the document lies within `VERY_NEAR_KM`,
    /// and either the candidate's first-level division is named too or that place is
    /// of local note ([`EntryFacts::minor`]). A capital or a big city nearby is not
    /// enough: national news names them, and they have small namesakes of countries
    /// around them.
    pub(super) local: bool,
    /// Local evidence of the stricter kind a world city's namesake needs: a town or
    /// county of local note named nearby, or a county pair; its state named (even
    /// nearby) is not enough ("the University of California" does not make London a
    /// Californian town).
    pub(super) neighbour: bool,
    /// The candidate is a small town named like a far more prominent country, region
    /// or state of the name and the story is not local to it, or named like a world
    /// city and no neighbour of its own is named: the document's support counts for
    /// little (the rule is where `resolve` sets it).
    pub(super) capped: bool,
}

/// The number of first-level divisions a story's towns may lie in before a place
/// nearby counts for less ([`Context::spread`]).
const NEAR_SPREAD: f32 = 8.0;

/// What the rest of the document says for reading a name (`surface`) as `e`: its
/// country among the document's, its division named elsewhere, a place of the document
/// nearby. The same for every mention of the name in one pass, so computed once per
/// name and pass (a long document names its towns hundreds of times).
///
/// Never inlined, nor is [`score_candidate`]: inlined into the resolver's loop (as the
/// compiler did or did not, by how unrelated code was split) the two cost about a
/// percent of a parse more.
#[inline(never)]
pub(super) fn context_support(
    gazetteer: &Gazetteer,
    e: &EntryFacts,
    surface: SurfaceId,
    ctx: &Context,
    others: &Others<'_>,
    ask_neighbour: bool,
) -> Support {
    let mut sum = WeightedSum::default();
    let (local, neighbour) =
        context_evidence(gazetteer, e, surface, ctx, others, ask_neighbour, &mut sum);
    Support {
        score: sum.context,
        local,
        neighbour,
        capped: false,
    }
}

/// The context features of reading `surface` as `e` (see [`context_support`]), given
/// to `evidence`; whether the reading is local ([`Support::local`]) and whether a
/// neighbour makes it so ([`Support::neighbour`]: looked for when the division named
/// does not already make it local only if `ask_neighbour`, since the second look at
/// the document's points is not free).
pub(super) fn context_evidence(
    gazetteer: &Gazetteer,
    e: &EntryFacts,
    surface: SurfaceId,
    ctx: &Context,
    others: &Others<'_>,
    ask_neighbour: bool,
    evidence: &mut impl Weigh,
) -> (bool, bool) {
    let mut division_named = false;
    match e.country() {
        None => {
            // A multi-country region or feature fits a document about its member
            // countries ("the Sahel region" in a story about Niger); one listed without
            // members (an ocean) fits the countries that lie within its extent, so "the
            // tropical Atlantic" in an American story is not the American town.
            let members = gazetteer.member_codes(e.entry);
            let fit = if !members.is_empty() {
                members
                    .iter()
                    .filter_map(|&m| others.weight_of(m))
                    .fold(0.0f32, f32::max)
            } else {
                extent_fit(gazetteer, e.entry, others)
            };
            evidence.add(Feature::MembersFit, fit);
        }
        Some(cc) => {
            if let Some(w) = others.weight_of(cc) {
                evidence.add(Feature::CountryInDocument, 1.0);
                evidence.add(Feature::CountryWeight, w);
            }
            if town_or_county(e.kind)
                && let Some(a1) = e.admin1()
            {
                if ctx.admin1_read_elsewhere(cc, a1, surface) {
                    // Worth less in a national story that names many of the country's
                    // divisions ("Atlanta" in a story naming Texas among four others
                    // is not the Texan town) than in a local one naming one or two.
                    evidence.add(Feature::DivisionNamed, ctx.division_named_weight(cc));
                    division_named = true;
                }
                // The document's dominant state: a town in the division where most of
                // its other places lie, even when the division is not named (local
                // news names its towns, rarely its state).
                let (share, readings) = others.state_share(cc, a1);
                if readings >= 2 {
                    evidence.add(Feature::StateShare, share);
                }
            }
        }
    }
    let (mut local, mut neighbour) = (false, false);
    if town_or_county(e.kind) && ctx.in_county_pair(surface, e.entry) {
        evidence.add(Feature::CountyPair, 1.0);
        (local, neighbour) = (true, true);
    }
    if e.kind == Kind::Place && ctx.in_town_pair(surface, e.entry) {
        evidence.add(Feature::TownPair, 1.0);
    }
    if settlement_level(e.kind) {
        let closest = ctx.closest(&e.point, e.lat, e.lon, surface, false);
        // A place nearby says less in a story whose towns lie all over the country
        // (any candidate is near one of thirty places by chance) than in a local one.
        let spread = ctx.spread().max(1) as f32;
        let chance = (NEAR_SPREAD / spread).min(1.0);
        if closest > *VERY_NEAR_COS {
            evidence.add(Feature::VeryNear, chance);
            // Local news: a town or county of local note is named nearby. Only towns
            // and counties can be capped ([`Support::capped`]): the second look is
            // spent on them alone.
            neighbour |= town_or_county(e.kind)
                && (ask_neighbour || !division_named)
                && ctx.closest(&e.point, e.lat, e.lon, surface, true) > *VERY_NEAR_COS;
            local |= division_named || neighbour;
        } else if closest > *NEAR_COS {
            evidence.add(Feature::Near, chance);
        }
    }
    (local, neighbour)
}

/// The strongest weight among `others`' country votes (by packed code) of a country
/// whose extent meets that of the entry at `entry` (an ocean's: the countries on its
/// shores and a little more; extents are rough boxes, so a country's point can lie
/// just outside an ocean's box it borders); 0 without an extent.
fn extent_fit(
    gazetteer: &Gazetteer,
    entry: crate::gazetteer::EntryIndex,
    others: &Others<'_>,
) -> f32 {
    let Some(extent) = gazetteer.entry(entry).bbox else {
        return 0.0;
    };
    others
        .iter()
        .filter(|&(cc, _)| {
            country_of_code(gazetteer, cc).is_some_and(|c| {
                let country = gazetteer.entry(c);
                let own =
                    country
                        .bbox
                        .unwrap_or([country.lon, country.lat, country.lon, country.lat]);
                boxes_meet(own, extent)
            })
        })
        .map(|(_, w)| w)
        .fold(0.0f32, f32::max)
}

/// True if two boxes (west, south, east, north, degrees; west above east crosses the
/// antimeridian) share a point.
fn boxes_meet(a: [f64; 4], b: [f64; 4]) -> bool {
    // A box's longitudes as one or two intervals.
    let spans = |[west, _, east, _]: [f64; 4]| {
        if west <= east {
            [(west, east), (f64::NAN, f64::NAN)]
        } else {
            [(west, 180.0), (-180.0, east)]
        }
    };
    let lat_meets = a[1] <= b[3] && b[1] <= a[3];
    lat_meets
        && spans(a)
            .iter()
            .any(|&(w1, e1)| spans(b).iter().any(|&(w2, e2)| w1 <= e2 && w2 <= e1))
}

/// The country entry of a code packed by [`crate::gazetteer::pack_code`] (codes of up to
/// seven bytes are packed as their bytes, the length in the top byte).
fn country_of_code(gazetteer: &Gazetteer, cc: u64) -> Option<crate::gazetteer::EntryIndex> {
    let bytes = cc.to_le_bytes();
    let len = usize::from(bytes[7]);
    let code = std::str::from_utf8(bytes.get(..len).filter(|_| cc >> 63 == 0)?).ok()?;
    gazetteer.country(code)
}

/// The score of reading one mention (`hit`) as `e`: its prominence (`prior`), the
/// document's support for it ([`context_support`]), and what stands right beside the
/// mention (see [`own_evidence`]); the support capped for a small town named like a
/// prominent place ([`Support::capped`]) unless a qualifier names it.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(super) fn score_candidate(
    gazetteer: &Gazetteer,
    e: &EntryFacts,
    prior: f32,
    support: &Support,
    hit: &Hit,
    qualifier: Option<&Surface>,
    dateline_city: bool,
    town: Option<&EntryFacts>,
    siblings: [f32; 3],
) -> f32 {
    let mut sum = WeightedSum::default();
    let qualified = own_evidence(
        gazetteer,
        e,
        prior,
        hit,
        qualifier,
        dateline_city,
        town,
        siblings,
        &mut sum,
    );
    let context = if support.capped && !qualified {
        support.score.min(CAPPED_CONTEXT)
    } else {
        support.score
    };
    sum.own + context
}

/// The features of reading `hit` as `e` that are not the document's support, given to
/// `evidence`: its prominence (`prior`), a qualifier (`qualifier`: "Paris, Texas"), the
/// town it is the state of (`town`: "Tacoma, Washington"), a kind cue, the kinds its
/// list's other names are read as (`siblings`: shares read as town, state, country),
/// and its own kind. True if the qualifier names it, or if it is the city a wire
/// service's dateline standing alone names (`dateline_city`: "GENEVA (Reuters) —" says
/// which Geneva as surely as "Geneva, Switzerland").
#[allow(clippy::too_many_arguments)]
pub(super) fn own_evidence(
    gazetteer: &Gazetteer,
    e: &EntryFacts,
    prior: f32,
    hit: &Hit,
    qualifier: Option<&Surface>,
    dateline_city: bool,
    town: Option<&EntryFacts>,
    siblings: [f32; 3],
    evidence: &mut impl Weigh,
) -> bool {
    let qualified = dateline_city || qualifier.is_some_and(|q| qualifier_names(gazetteer, q, e));
    evidence.add(Feature::Prior, prior);
    if qualified {
        evidence.add(Feature::Qualified, 1.0);
    }
    // "Tacoma, Washington", "Florida's Miami-Dade County": the division that holds a
    // town or county it qualifies is the state, not the capital of the same name (nor a
    // namesake abroad). Only a town or county read as one, not a state.
    if e.kind == Kind::Admin1
        && let (Some(cc), Some(a1)) = (e.country(), e.admin1())
        && town.is_some_and(|te| {
            town_or_county(te.kind) && te.country() == Some(cc) && te.admin1() == Some(a1)
        })
    {
        evidence.add(Feature::StateOfTown, 1.0);
    }
    // A list's names are of one kind: the share of its other names read as towns,
    // states or countries pulls a name to its namesake of that kind.
    match e.kind {
        Kind::Place => evidence.add(Feature::ListTown, siblings[0]),
        Kind::Admin1 => evidence.add(Feature::ListState, siblings[1]),
        Kind::Country => evidence.add(Feature::ListCountry, siblings[2]),
        _ => {}
    }
    let cue = match (hit.kind_cue, e.kind) {
        (Some(KindCue::Settlement), Kind::Place) => Some(Feature::CueSettlement),
        (Some(KindCue::Division), Kind::Admin1 | Kind::Admin2 | Kind::Region) => {
            Some(Feature::CueDivision)
        }
        (Some(KindCue::Feature), Kind::Physical) => Some(Feature::CueFeature),
        (Some(KindCue::Country), Kind::Country) => Some(Feature::CueCountry),
        _ => None,
    };
    if let Some(cue) = cue {
        evidence.add(cue, 1.0);
    }
    let kind = match e.kind {
        Kind::Admin1 => Some(Feature::KindAdmin1),
        Kind::Admin2 => Some(Feature::KindAdmin2),
        Kind::Country => Some(Feature::KindCountry),
        Kind::Region => Some(Feature::KindRegion),
        Kind::Physical => Some(Feature::KindPhysical),
        Kind::Place | Kind::Demonym => None,
    };
    if let Some(kind) = kind {
        evidence.add(kind, 1.0);
    }
    if e.kind == Kind::Place {
        evidence.add(Feature::PriorOfTown, prior);
    }
    qualified
}

/// True if a qualifier ("Paris, Texas", "Chile's capital Santiago") may name `e`'s
/// country or division: one of its candidates is that country, first-level division,
/// or a county holding the town ("Thruxton, Hampshire").
pub(super) fn qualifier_names(gazetteer: &Gazetteer, qualifier: &Surface, e: &EntryFacts) -> bool {
    e.kind != Kind::Country
        && e.country().is_some_and(|cc| {
            qualifier.facts(gazetteer).iter().any(|qe| {
                qe.country() == Some(cc)
                    && match qe.kind {
                        Kind::Country => true,
                        Kind::Admin1 => qe.admin1() == e.admin1(),
                        Kind::Admin2 => e.kind == Kind::Place && county_holds(gazetteer, qe, e),
                        _ => false,
                    }
            })
        })
}

#[cfg(test)]
mod tests {
    use super::boxes_meet;

    #[test]
    fn boxes_meet_across_the_antimeridian_and_not_apart() {
        let atlantic = [-98.0, -60.0, 20.0, 70.0];
        let pacific = [99.0, -60.0, -67.0, 66.5];
        let united_states = [-179.2, 18.9, 179.8, 71.4];
        let russia = [19.6, 41.2, -169.7, 81.9];
        let japan = [122.9, 24.2, 153.9, 45.5];
        let niger = [0.2, 11.7, 16.0, 23.5];
        assert!(boxes_meet(united_states, atlantic));
        assert!(boxes_meet(japan, pacific));
        assert!(boxes_meet(pacific, japan));
        assert!(boxes_meet(russia, pacific), "across the antimeridian, both");
        assert!(!boxes_meet(japan, atlantic));
        assert!(!boxes_meet(niger, pacific));
        assert!(
            !boxes_meet(niger, [0.0, 30.0, 20.0, 40.0]),
            "apart in latitude"
        );
    }
}
