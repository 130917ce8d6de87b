//! Resolution: which of a name's namesakes the document means.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use super::recognize::{Hit, KindCue, Surface};
use super::{Alternate, MAX_ALTERNATES, Mention, Resolution};
use crate::gazetteer::{EntryFacts, EntryIndex, Gazetteer, Kind};

/// Beyond this distance another place of the document lends a candidate no support.
const NEAR_KM: f64 = 300.0;
/// Within this distance it lends the most.
const VERY_NEAR_KM: f64 = 100.0;

/// cos(d / R) for a distance d in km: two unit vectors are within d when their dot
/// product is above this.
fn cos_of_km(km: f64) -> f64 {
    (km / 6371.0088).cos()
}

/// [`cos_of_km`] of [`VERY_NEAR_KM`] and [`NEAR_KM`], computed once.
static VERY_NEAR_COS: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| cos_of_km(VERY_NEAR_KM));
static NEAR_COS: std::sync::LazyLock<f64> = std::sync::LazyLock::new(|| cos_of_km(NEAR_KM));

/// Towns and divisions: the kinds whose distance to the document's other places counts.
fn settlement_level(kind: Kind) -> bool {
    matches!(kind, Kind::Place | Kind::Admin1 | Kind::Admin2)
}

/// A name's folded form, numbered (`Surface::key_id`): the resolver compares these
/// numbers, not strings, in its inner loops.
type SurfaceId = u32;

/// The document as the resolver sees it in one pass: each hit's current reading.
/// Indexed so that one candidate's context costs the same in a long document as in a
/// short one (a 1.6 MB text used to take 250 ms here, quadratic in its names).
struct Context {
    /// Total country weight of all readings, by country.
    country_totals: HashMap<u64, f32>,
    /// Each surface's own share of those totals, so a name does not vote for its own
    /// reading.
    own_countries: HashMap<SurfaceId, Vec<(u64, f32)>>,
    /// First-level divisions read in the document, by (country, admin-1 code): one
    /// surface reading it, and whether another surface does too.
    admin1: HashMap<(u64, u64), (SurfaceId, bool)>,
    /// Points of settlement-level readings.
    points: Vec<Point>,
    /// The same points by grid cell ([`grid_cell`]), built for long documents only.
    grid: HashMap<(i32, i32), Vec<usize>>,
}

/// Where a settlement-level reading of the document lies.
#[derive(Debug, Clone, Copy)]
struct Point {
    /// The name read there.
    surface: SurfaceId,
    lat: f64,
    lon: f64,
    /// [`unit_vector`](crate::gazetteer::unit_vector) of the coordinates.
    v: [f64; 3],
    /// [`EntryFacts::minor`] of the reading.
    minor: bool,
}

/// Grid cell size in degrees: a cell is wider than [`NEAR_KM`] in latitude.
const GRID_DEG: f64 = 3.0;
/// Grid cells around the globe in longitude.
const LON_CELLS: i32 = 120;
/// Below this many points a candidate is compared with all of them; above, only with
/// those in nearby grid cells.
const GRID_FROM: usize = 64;

fn grid_cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / GRID_DEG).floor() as i32,
        (((lon + 180.0) / GRID_DEG).floor() as i32).rem_euclid(LON_CELLS),
    )
}

fn country_weight(kind: Kind) -> f32 {
    match kind {
        Kind::Country => 1.0,
        Kind::Admin1 => 0.8,
        Kind::Admin2 => 0.7,
        Kind::Demonym => 0.6,
        Kind::Place => 0.5,
        Kind::Region | Kind::Physical => 0.3,
    }
}

fn build_context<'a>(readings: impl Iterator<Item = (SurfaceId, &'a EntryFacts)>) -> Context {
    let mut ctx = Context {
        country_totals: HashMap::default(),
        own_countries: HashMap::default(),
        admin1: HashMap::default(),
        points: Vec::new(),
        grid: HashMap::default(),
    };
    let mut seen_points: rustc_hash::FxHashSet<(SurfaceId, EntryIndex)> = Default::default();
    for (surface, e) in readings {
        if let Some(cc) = e.country() {
            let w = country_weight(e.kind);
            *ctx.country_totals.entry(cc).or_default() += w;
            let own = ctx.own_countries.entry(surface).or_default();
            match own.iter_mut().find(|(c, _)| *c == cc) {
                Some((_, total)) => *total += w,
                None => own.push((cc, w)),
            }
        }
        if e.kind == Kind::Admin1
            && let (Some(cc), Some(a1)) = (e.country(), e.admin1())
        {
            let seen = ctx.admin1.entry((cc, a1)).or_insert((surface, false));
            if seen.0 != surface {
                seen.1 = true;
            }
        }
        // A place named many times is one point per surface: long documents repeat
        // their towns.
        if settlement_level(e.kind) && seen_points.insert((surface, e.entry)) {
            ctx.points.push(Point {
                surface,
                lat: e.lat,
                lon: e.lon,
                v: e.point,
                minor: e.minor,
            });
        }
    }
    if ctx.points.len() > GRID_FROM {
        for (i, p) in ctx.points.iter().enumerate() {
            ctx.grid.entry(grid_cell(p.lat, p.lon)).or_default().push(i);
        }
    }
    ctx
}

impl Context {
    /// True if a first-level division (`cc`, `a1`) is read by a surface other than
    /// `surface`.
    fn admin1_read_elsewhere(&self, cc: u64, a1: u64, surface: SurfaceId) -> bool {
        self.admin1
            .get(&(cc, a1))
            .is_some_and(|&(first, several)| first != surface || several)
    }

    /// The largest dot product between `v` (at `lat`, `lon`) and the points of other
    /// surfaces (only [`Point::minor`] ones if `minor_only`) that may lie within
    /// [`NEAR_KM`]; -1 if none. Points farther away may or may not be looked at: they
    /// cannot change what the caller decides.
    fn closest(
        &self,
        v: &[f64; 3],
        lat: f64,
        lon: f64,
        surface: SurfaceId,
        minor_only: bool,
    ) -> f64 {
        let dot = |i: usize| {
            let p = &self.points[i];
            if p.surface == surface || (minor_only && !p.minor) {
                -1.0
            } else {
                v[0] * p.v[0] + v[1] * p.v[1] + v[2] * p.v[2]
            }
        };
        if self.grid.is_empty() {
            return (0..self.points.len()).map(dot).fold(-1.0f64, f64::max);
        }
        // The bounding box of the circle of radius NEAR_KM (angle `delta`) around the
        // point, with a margin for rounding.
        let delta = NEAR_KM / 6371.0088;
        let delta_deg = delta.to_degrees() * 1.01 + 0.01;
        let (row_lo, _) = grid_cell(lat - delta_deg, lon);
        let (row_hi, _) = grid_cell(lat + delta_deg, lon);
        let columns: Vec<i32> = if lat.abs() + delta_deg >= 89.0 {
            (0..LON_CELLS).collect()
        } else {
            let dlon = (delta.sin() / lat.to_radians().cos()).asin().to_degrees() * 1.01 + 0.01;
            let lo = ((lon - dlon + 180.0) / GRID_DEG).floor() as i32;
            let hi = ((lon + dlon + 180.0) / GRID_DEG).floor() as i32;
            if hi - lo + 1 >= LON_CELLS {
                (0..LON_CELLS).collect()
            } else {
                (lo..=hi).map(|k| k.rem_euclid(LON_CELLS)).collect()
            }
        };
        let mut closest = -1.0f64;
        // Past the nearer threshold nothing else can change the caller's decision.
        let decided = *VERY_NEAR_COS;
        for row in row_lo..=row_hi {
            for &col in &columns {
                for &i in self.grid.get(&(row, col)).into_iter().flatten() {
                    closest = closest.max(dot(i));
                    if closest > decided {
                        return closest;
                    }
                }
            }
        }
        closest
    }
}

/// Country weights from every surface but `own`, normalised so the strongest is 1,
/// sorted by country for [`weight_of`].
fn others_countries(ctx: &Context, own: SurfaceId) -> Vec<(u64, f32)> {
    let own = ctx.own_countries.get(&own);
    let mut sum: Vec<(u64, f32)> = ctx
        .country_totals
        .iter()
        .map(|(&cc, &total)| {
            let mine = own
                .and_then(|o| o.iter().find(|(c, _)| *c == cc))
                .map_or(0.0, |(_, w)| *w);
            (cc, total - mine)
        })
        // Weights are positive: what is left is the other surfaces' votes.
        .filter(|(_, w)| *w > 1e-4)
        .collect();
    sum.sort_by_key(|(cc, _)| *cc);
    let max = sum.iter().map(|(_, w)| *w).fold(0.0f32, f32::max);
    if max > 0.0 {
        for (_, w) in &mut sum {
            *w /= max;
        }
    }
    sum
}

fn weight_of(countries: &[(u64, f32)], cc: u64) -> Option<f32> {
    countries
        .binary_search_by_key(&cc, |(c, _)| *c)
        .ok()
        .map(|i| countries[i].1)
}

/// The entry a qualifier after a hit names ("Paris, Texas"): the next hit, right after a
/// comma, if it can be a country or first-level division.
fn qualifier<'a>(text: &str, hits: &'a [Hit], i: usize) -> Option<&'a Hit> {
    let hit = &hits[i];
    let next = hits.get(i + 1)?;
    let gap = text.get(hit.end..next.start)?;
    (gap.trim() == "," && gap.len() <= 3).then_some(next)
}

/// What the rest of the document says for reading a name as one candidate (see
/// [`context_support`]).
#[derive(Debug, Clone, Copy)]
struct Support {
    /// In score units.
    score: f32,
    /// Local evidence: another place of the document lies within [`VERY_NEAR_KM`],
    /// and either the candidate's first-level division is named too or that place is
    /// of local note ([`EntryFacts::minor`]). A capital or a big city nearby is not
    /// enough: national news names them, and they have small namesakes of countries
    /// around them.
    local: bool,
    /// The candidate is a small town named like a far more prominent country, region
    /// or state of the name ("China", Texas): the document's support for it counts for
    /// little unless it is local news about the town (see [`score_candidate`]).
    capped: bool,
}

/// What the rest of the document says for reading a name (`surface`) as `e`: its
/// country among the document's, its division named elsewhere, a place of the document
/// nearby. The same for every mention of the name in one pass, so computed once per
/// name and pass (a long document names its towns hundreds of times).
fn context_support(
    gazetteer: &Gazetteer,
    e: &EntryFacts,
    surface: SurfaceId,
    ctx: &Context,
    countries: &[(u64, f32)],
) -> Support {
    let mut context = 0.0f32;
    let mut division_named = false;
    match e.country() {
        None => {
            // A multi-country region or feature fits a document about its member
            // countries ("the Sahel region" in a story about Niger).
            let members = gazetteer.member_codes(e.entry);
            if !members.is_empty() {
                let fit = members
                    .iter()
                    .filter_map(|&m| weight_of(countries, m))
                    .fold(0.0f32, f32::max);
                context += 2.0 * fit;
            }
        }
        Some(cc) => {
            if let Some(w) = weight_of(countries, cc) {
                context += 0.3 + 1.7 * w;
            }
            if matches!(e.kind, Kind::Place | Kind::Admin2)
                && let Some(a1) = e.admin1()
                && ctx.admin1_read_elsewhere(cc, a1, surface)
            {
                context += 2.0;
                division_named = true;
            }
        }
    }
    let mut local = false;
    if settlement_level(e.kind) {
        let closest = ctx.closest(&e.point, e.lat, e.lon, surface, false);
        if closest > *VERY_NEAR_COS {
            context += 1.8;
            // Local news: a town or county of local note is named nearby.
            local = division_named
                || ctx.closest(&e.point, e.lat, e.lon, surface, true) > *VERY_NEAR_COS;
        } else if closest > *NEAR_COS {
            context += 0.9;
        }
    }
    Support {
        score: context,
        local,
        capped: false,
    }
}

/// Kinds of reading that cover a wide area: a town named like one of them is read as
/// the town only on strong evidence (see [`score_candidate`]).
pub(crate) fn is_broad(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Country | Kind::Demonym | Kind::Region | Kind::Physical | Kind::Admin1
    )
}

/// The score of reading one mention (`hit`) as `e`: its prominence (`prior`), the
/// document's support for it ([`context_support`]), and what stands right beside the
/// mention (a qualifier, a kind cue).
fn score_candidate(
    gazetteer: &Gazetteer,
    e: &EntryFacts,
    prior: f32,
    support: Support,
    hit: &Hit,
    qualifier: Option<&Surface>,
) -> f32 {
    // "Paris, Texas": the qualifier names the candidate's country or division.
    let qualified = e.kind != Kind::Country
        && e.country().is_some_and(|cc| {
            qualifier.is_some_and(|q| {
                q.candidates.iter().any(|qc| {
                    let qe = gazetteer.facts(qc.entry);
                    qe.country() == Some(cc)
                        && match qe.kind {
                            Kind::Country => true,
                            Kind::Admin1 => qe.admin1() == e.admin1(),
                            _ => false,
                        }
                })
            })
        });
    let mut context = support.score;
    // A small town named like a country, region or state is only that town when the
    // text says so ("China, Texas") or the story is local to it ([`Support::capped`]).
    if support.capped && !qualified {
        context = context.min(1.0);
    }
    let mut s = prior + context;
    if qualified {
        s += 4.0;
    }
    s += match (hit.kind_cue, e.kind) {
        (Some(KindCue::Settlement), Kind::Place) => 1.5,
        (Some(KindCue::Division), Kind::Admin1 | Kind::Admin2 | Kind::Region) => 1.5,
        (Some(KindCue::Feature), Kind::Physical) => 2.5,
        (Some(KindCue::Country), Kind::Country) => 1.0,
        _ => 0.0,
    };
    s
}

/// Turns scores into probabilities, in place.
fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::MIN, f32::max);
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
    }
    let sum: f32 = scores.iter().sum();
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

/// Resolves recognised hits into mentions.
pub(crate) fn resolve(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    hits: Vec<Hit>,
    spellings: &[Surface],
) -> Vec<Mention> {
    // Every hit has candidates (recognition drops those without); keep it so here.
    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| !spellings[h.surface as usize].candidates.is_empty())
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    let info: Vec<&Surface> = hits
        .iter()
        .map(|h| &spellings[h.surface as usize])
        .collect();
    // The memo numbers folded forms already: spellings that fold alike share one.
    let surfaces: Vec<SurfaceId> = info.iter().map(|s| s.key_id).collect();
    // Pass 0: the most prominent reading of each name (an index into its candidates).
    let mut readings: Vec<usize> = info
        .iter()
        .map(|h| {
            h.priors
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i)
                .unwrap_or(0)
        })
        .collect();
    let mut probabilities: Vec<Vec<(EntryIndex, f32)>> = Vec::with_capacity(hits.len());
    let mut scores: Vec<f32> = Vec::new();
    let mut support: Vec<Support> = Vec::new();
    // Two passes in context: countries and divisions settle first, towns follow them.
    // The first pass only moves each name's reading; the last also ranks every
    // candidate.
    for pass in 0..2 {
        let last = pass == 1;
        let ctx = build_context(
            surfaces
                .iter()
                .zip(&readings)
                .enumerate()
                .map(|(i, (&surface, &r))| (surface, gazetteer.facts(info[i].candidates[r].entry))),
        );
        // Each name's context support ([`context_support`]) in this pass, by spelling:
        // a range of `support`.
        let mut support_of: HashMap<u32, Range<usize>> = HashMap::default();
        support.clear();
        for (i, hit) in hits.iter().enumerate() {
            let surface = surfaces[i];
            if info[i].candidates.len() == 1 {
                // Nothing to choose: skip the scoring.
                if last {
                    probabilities.push(vec![(info[i].candidates[0].entry, 1.0)]);
                }
                continue;
            }
            let candidates = &info[i].candidates;
            let range = support_of
                .entry(hit.surface)
                .or_insert_with(|| {
                    let countries = others_countries(&ctx, surface);
                    let start = support.len();
                    let mut broad_supported = false;
                    for c in candidates {
                        let e = gazetteer.facts(c.entry);
                        let s = context_support(gazetteer, e, surface, &ctx, &countries);
                        broad_supported |= is_broad(e.kind) && s.score > 0.0;
                        support.push(s);
                    }
                    // A small town named like a country, region or state ("China",
                    // Texas; "Middle East", Baltimore) is only that town when the text
                    // says so ("China, Texas"), or when the story is local to it (a
                    // neighbour named) and nothing in it supports the prominent
                    // namesake ("a Palestine man" in a story about Anderson County,
                    // Texas). Context alone may not outvote it otherwise.
                    let strongest_broad = info[i].strongest_broad;
                    for ((c, &prior), s) in candidates
                        .iter()
                        .zip(&info[i].priors)
                        .zip(&mut support[start..])
                    {
                        s.capped = matches!(gazetteer.kind(c.entry), Kind::Place | Kind::Admin2)
                            && strongest_broad.is_some_and(|b| prior < b - 1.5)
                            && (broad_supported || !s.local);
                    }
                    start..support.len()
                })
                .clone();
            let q = qualifier(text, &hits, i).map(|q| &spellings[q.surface as usize]);
            scores.clear();
            scores.extend(
                candidates
                    .iter()
                    .zip(&info[i].priors)
                    .zip(&support[range])
                    .map(|((c, &prior), &s)| {
                        score_candidate(gazetteer, gazetteer.facts(c.entry), prior, s, hit, q)
                    }),
            );
            softmax(&mut scores);
            let entry_of = |c: usize| candidates[c].entry;
            // Most probable first; equal probabilities by entry index.
            let rank = |a: &(usize, f32), b: &(usize, f32)| {
                b.1.total_cmp(&a.1).then(entry_of(a.0).cmp(&entry_of(b.0)))
            };
            if last {
                let mut ranked: Vec<(usize, f32)> = scores.iter().copied().enumerate().collect();
                ranked.sort_by(rank);
                readings[i] = ranked[0].0;
                probabilities.push(ranked.iter().map(|&(c, p)| (entry_of(c), p)).collect());
            } else if let Some((best, _)) = scores.iter().copied().enumerate().min_by(rank) {
                readings[i] = best;
            }
        }
    }
    // One sense per document: unqualified mentions of the same name take the reading
    // with the most probability mass over all its mentions.
    let mut mass: HashMap<SurfaceId, HashMap<EntryIndex, f32>> = HashMap::default();
    for (i, ranked) in probabilities.iter().enumerate() {
        if qualifier(text, &hits, i).is_some() {
            continue;
        }
        let m = mass.entry(surfaces[i]).or_default();
        for (e, p) in ranked {
            *m.entry(*e).or_default() += p;
        }
    }
    // Each name's shared reading, ranked once (not once per mention).
    let senses: HashMap<SurfaceId, Vec<(EntryIndex, f32)>> = mass
        .into_iter()
        .map(|(key, m)| {
            let total: f32 = m.values().sum();
            let mut ranked: Vec<(EntryIndex, f32)> =
                m.iter().map(|(e, p)| (*e, p / total)).collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(1 + MAX_ALTERNATES);
            (key, ranked)
        })
        .collect();
    hits.iter()
        .enumerate()
        .map(|(i, hit)| {
            let ranked: &[(EntryIndex, f32)] = match senses.get(&surfaces[i]) {
                Some(shared) if qualifier(text, &hits, i).is_none() => shared,
                _ => &probabilities[i],
            };
            let (entry, p) = ranked[0];
            let recognition = 1.0 / (1.0 + (-(hit.score - 0.5)).exp());
            let passage = sentences
                .get(hit.sentence)
                .filter(|r| r.start <= hit.start && hit.end <= r.end)
                .cloned()
                .unwrap_or(hit.start..hit.end);
            Mention {
                start: hit.start,
                end: hit.end,
                text: text[hit.start..hit.end].to_string(),
                passage,
                resolution: Resolution {
                    entry,
                    confidence: (p * recognition).clamp(0.0, 1.0),
                    probability: p.clamp(0.0, 1.0),
                    alternates: ranked
                        .iter()
                        .skip(1)
                        .take(MAX_ALTERNATES)
                        .map(|&(entry, probability)| Alternate { entry, probability })
                        .collect(),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gazetteer::unit_vector;

    fn place(entry: EntryIndex, lat: f64, lon: f64) -> EntryFacts {
        EntryFacts::new(entry, Kind::Place, None, None, lat, lon, 1000)
    }

    #[test]
    fn the_grid_finds_every_place_within_range() {
        // A deterministic scatter over the globe, with clusters near a pole and on both
        // sides of the antimeridian, where grid cells wrap.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut facts = Vec::new();
        for i in 0..600u32 {
            let (lat, lon) = match i % 3 {
                0 => (next() * 170.0 - 85.0, next() * 360.0 - 180.0),
                1 => (84.0 + next() * 5.9, next() * 360.0 - 180.0),
                _ => (
                    next() * 20.0 - 10.0,
                    if next() < 0.5 { 179.0 } else { -179.0 } + next(),
                ),
            };
            facts.push(place(i, lat, lon));
        }
        let ctx = build_context(facts.iter().map(|f| (f.entry % 5, f)));
        assert!(!ctx.grid.is_empty(), "a long document uses the grid");
        let brute = |v: &[f64; 3], surface: SurfaceId| {
            ctx.points
                .iter()
                .filter(|p| p.surface != surface)
                .map(|p| v[0] * p.v[0] + v[1] * p.v[1] + v[2] * p.v[2])
                .fold(-1.0f64, f64::max)
        };
        let mut near = 0;
        for (i, f) in facts.iter().enumerate() {
            // Probes up to about 400 km from a point, so both thresholds are crossed.
            let lat = (f.lat + (next() - 0.5) * 7.0).clamp(-89.9, 89.9);
            let lon = (f.lon + (next() - 0.5) * 7.0 + 540.0).rem_euclid(360.0) - 180.0;
            let v = unit_vector(lat, lon);
            let surface = (i % 5) as SurfaceId;
            let (grid, all) = (
                ctx.closest(&v, lat, lon, surface, false),
                brute(&v, surface),
            );
            for km in [100.0, NEAR_KM] {
                assert_eq!(
                    grid > cos_of_km(km),
                    all > cos_of_km(km),
                    "{lat},{lon} {km} km"
                );
            }
            near += usize::from(all > cos_of_km(NEAR_KM));
        }
        assert!(near > 100, "only {near} probes had a place in range");
    }
}
