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
#[derive(Debug, Default, Clone)]
struct Context {
    /// Total country weight of all readings, by country.
    country_totals: HashMap<u64, f32>,
    /// Each surface's own share of those totals, so a name does not vote for its own
    /// reading: the first of its (country, weight, next) nodes in `own_nodes`.
    /// Linked lists in one vector: a name has one or two countries, and the tables
    /// are reused from document to document.
    own_countries: HashMap<SurfaceId, u32>,
    own_nodes: Vec<(u64, f32, u32)>,
    /// First-level divisions read in the document, by (country, admin-1 code): one
    /// surface reading it, and whether another surface does too.
    admin1: HashMap<(u64, u64), (SurfaceId, bool)>,
    /// Points of settlement-level readings.
    points: Vec<Point>,
    /// The (surface, entry) pairs already in `points`.
    seen_points: rustc_hash::FxHashSet<(SurfaceId, EntryIndex)>,
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

impl Context {
    /// The context of one pass: `readings` are each hit's (surface, current reading).
    /// Reuses the tables' memory.
    fn rebuild<'a>(&mut self, readings: impl Iterator<Item = (SurfaceId, &'a EntryFacts)>) {
        self.country_totals.clear();
        self.own_countries.clear();
        self.own_nodes.clear();
        self.admin1.clear();
        self.points.clear();
        self.seen_points.clear();
        self.grid.clear();
        for (surface, e) in readings {
            if let Some(cc) = e.country() {
                let w = country_weight(e.kind);
                *self.country_totals.entry(cc).or_default() += w;
                let head = self.own_countries.entry(surface).or_insert(NO_NODE);
                let mut n = *head;
                while n != NO_NODE && self.own_nodes[n as usize].0 != cc {
                    n = self.own_nodes[n as usize].2;
                }
                if n == NO_NODE {
                    self.own_nodes.push((cc, w, *head));
                    *head = self.own_nodes.len() as u32 - 1;
                } else {
                    self.own_nodes[n as usize].1 += w;
                }
            }
            if e.kind == Kind::Admin1
                && let (Some(cc), Some(a1)) = (e.country(), e.admin1())
            {
                let seen = self.admin1.entry((cc, a1)).or_insert((surface, false));
                if seen.0 != surface {
                    seen.1 = true;
                }
            }
            // A place named many times is one point per surface: long documents repeat
            // their towns.
            if settlement_level(e.kind) && self.seen_points.insert((surface, e.entry)) {
                self.points.push(Point {
                    surface,
                    lat: e.lat,
                    lon: e.lon,
                    v: e.point,
                    minor: e.minor,
                });
            }
        }
        if self.points.len() > GRID_FROM {
            for (i, p) in self.points.iter().enumerate() {
                self.grid
                    .entry(grid_cell(p.lat, p.lon))
                    .or_default()
                    .push(i);
            }
        }
    }
}

/// The end of a list of `Context::own_nodes`.
const NO_NODE: u32 = u32::MAX;

/// The context of one pass (see [`Context::rebuild`]), in new tables.
#[cfg(test)]
fn build_context<'a>(readings: impl Iterator<Item = (SurfaceId, &'a EntryFacts)>) -> Context {
    let mut ctx = Context::default();
    ctx.rebuild(readings);
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
/// sorted by country for [`weight_of`], into `out`.
fn others_countries(ctx: &Context, own: SurfaceId, out: &mut Vec<(u64, f32)>) {
    let first = ctx.own_countries.get(&own).copied().unwrap_or(NO_NODE);
    let mine = |cc: u64| {
        let mut n = first;
        while n != NO_NODE {
            let (c, w, next) = ctx.own_nodes[n as usize];
            if c == cc {
                return w;
            }
            n = next;
        }
        0.0
    };
    out.clear();
    out.extend(
        ctx.country_totals
            .iter()
            .map(|(&cc, &total)| (cc, total - mine(cc)))
            // Weights are positive: what is left is the other surfaces' votes.
            .filter(|(_, w)| *w > 1e-4),
    );
    out.sort_by_key(|(cc, _)| *cc);
    let max = out.iter().map(|(_, w)| *w).fold(0.0f32, f32::max);
    if max > 0.0 {
        for (_, w) in out.iter_mut() {
            *w /= max;
        }
    }
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
    /// or state of the name, and the story is not local to it: the document's support
    /// counts for little (the rule is where `resolve` sets it).
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
            // Local news: a town or county of local note is named nearby. Only towns
            // and counties can be capped ([`Support::capped`]): the second look is
            // spent on them alone.
            local = division_named
                || (matches!(e.kind, Kind::Place | Kind::Admin2)
                    && ctx.closest(&e.point, e.lat, e.lon, surface, true) > *VERY_NEAR_COS);
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
                q.facts(gazetteer).iter().any(|qe| {
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

/// Buffers the resolver reuses from one document to the next (kept in the
/// [`ParseMemo`](super::ParseMemo)): a batch resolves hundreds of documents, and making
/// and growing these tables anew for each was a fifth of the resolver's time.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scratch {
    ctx: Context,
    /// Each spelling's context support in the current pass: a range of `support`.
    support_of: HashMap<u32, Range<usize>>,
    support: Vec<Support>,
    countries: Vec<(u64, f32)>,
    scores: Vec<f32>,
    ranked: Vec<(usize, f32)>,
    /// Each hit's reading (an index into its candidates).
    readings: Vec<usize>,
    /// Every hit's ranked readings one after another; `ranges[i]` is hit `i`'s.
    probabilities: Vec<(EntryIndex, f32)>,
    ranges: Vec<Range<usize>>,
    /// (name, entry, probability) of every unqualified hit's readings.
    mass: Vec<(SurfaceId, EntryIndex, f32)>,
    /// Each name's shared reading: a range of `shared`.
    senses: HashMap<SurfaceId, Range<usize>>,
    shared: Vec<(EntryIndex, f32)>,
}

/// Resolves recognised hits into mentions.
pub(crate) fn resolve(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    hits: Vec<Hit>,
    spellings: &[Surface],
    scratch: &mut Scratch,
) -> Vec<Mention> {
    // Every hit has candidates (recognition drops those without); keep it so here.
    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| !spellings[h.surface as usize].candidates.is_empty())
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    let Scratch {
        ctx,
        support_of,
        support,
        countries,
        scores,
        ranked,
        readings,
        probabilities,
        ranges,
        mass,
        senses,
        shared,
    } = scratch;
    let info: Vec<&Surface> = hits
        .iter()
        .map(|h| &spellings[h.surface as usize])
        .collect();
    // The memo numbers folded forms already: spellings that fold alike share one.
    let surfaces: Vec<SurfaceId> = info.iter().map(|s| s.key_id).collect();
    // Pass 0: the most prominent reading of each name (an index into its candidates).
    readings.clear();
    readings.extend(info.iter().map(|h| {
        h.priors
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
            .unwrap_or(0)
    }));
    probabilities.clear();
    ranges.clear();
    // Two passes in context: countries and divisions settle first, towns follow them.
    // The first pass only moves each name's reading; the last also ranks every
    // candidate.
    for pass in 0..2 {
        let last = pass == 1;
        ctx.rebuild(
            surfaces
                .iter()
                .zip(readings.iter())
                .enumerate()
                .map(|(i, (&surface, &r))| (surface, &info[i].facts(gazetteer)[r])),
        );
        support_of.clear();
        support.clear();
        for (i, hit) in hits.iter().enumerate() {
            let surface = surfaces[i];
            if info[i].candidates.len() == 1 {
                // Nothing to choose: skip the scoring.
                if last {
                    let start = probabilities.len();
                    probabilities.push((info[i].candidates[0].entry, 1.0));
                    ranges.push(start..probabilities.len());
                }
                continue;
            }
            let candidates = &info[i].candidates;
            let facts = info[i].facts(gazetteer);
            let range = support_of
                .entry(hit.surface)
                .or_insert_with(|| {
                    others_countries(ctx, surface, countries);
                    let start = support.len();
                    let mut broad_supported = false;
                    for e in facts {
                        let s = context_support(gazetteer, e, surface, ctx, countries);
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
                    for ((e, &prior), s) in
                        facts.iter().zip(&info[i].priors).zip(&mut support[start..])
                    {
                        s.capped = matches!(e.kind, Kind::Place | Kind::Admin2)
                            && strongest_broad.is_some_and(|b| prior < b - 1.5)
                            && (broad_supported || !s.local);
                    }
                    start..support.len()
                })
                .clone();
            let q = qualifier(text, &hits, i).map(|q| &spellings[q.surface as usize]);
            scores.clear();
            scores.extend(
                facts
                    .iter()
                    .zip(&info[i].priors)
                    .zip(&support[range])
                    .map(|((e, &prior), &s)| score_candidate(gazetteer, e, prior, s, hit, q)),
            );
            softmax(scores);
            let entry_of = |c: usize| candidates[c].entry;
            // Most probable first; equal probabilities by entry index.
            let rank = |a: &(usize, f32), b: &(usize, f32)| {
                b.1.total_cmp(&a.1).then(entry_of(a.0).cmp(&entry_of(b.0)))
            };
            if last {
                ranked.clear();
                ranked.extend(scores.iter().copied().enumerate());
                ranked.sort_by(rank);
                readings[i] = ranked[0].0;
                let start = probabilities.len();
                probabilities.extend(ranked.iter().map(|&(c, p)| (entry_of(c), p)));
                ranges.push(start..probabilities.len());
            } else if let Some((best, _)) = scores.iter().copied().enumerate().min_by(rank) {
                readings[i] = best;
            }
        }
    }
    // One sense per document: unqualified mentions of the same name take the reading
    // with the most probability mass over all its mentions.
    mass.clear();
    for (i, range) in ranges.iter().enumerate() {
        if qualifier(text, &hits, i).is_none() {
            mass.extend(
                probabilities[range.clone()]
                    .iter()
                    .map(|&(e, p)| (surfaces[i], e, p)),
            );
        }
    }
    // Grouped by name and entry, each entry's mentions in text order (the sort is
    // stable), so its mass adds up as it would mention by mention. Sorted by name
    // first with the keys packed into one integer: a long document has tens of
    // thousands of readings.
    mass.sort_by_key(|&(surface, entry, _)| u64::from(surface) << 32 | u64::from(entry));
    // Each name's shared reading, ranked once (not once per mention).
    senses.clear();
    shared.clear();
    let mut k = 0;
    while k < mass.len() {
        let surface = mass[k].0;
        let start = shared.len();
        while k < mass.len() && mass[k].0 == surface {
            let entry = mass[k].1;
            let mut p = 0.0f32;
            while k < mass.len() && mass[k].0 == surface && mass[k].1 == entry {
                p += mass[k].2;
                k += 1;
            }
            shared.push((entry, p));
        }
        let total: f32 = shared[start..].iter().map(|&(_, p)| p).sum();
        for (_, p) in &mut shared[start..] {
            *p /= total;
        }
        shared[start..].sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shared.truncate((start + 1 + MAX_ALTERNATES).min(shared.len()));
        senses.insert(surface, start..shared.len());
    }
    hits.iter()
        .enumerate()
        .map(|(i, hit)| {
            let ranked: &[(EntryIndex, f32)] = match senses.get(&surfaces[i]) {
                Some(range) if qualifier(text, &hits, i).is_none() => &shared[range.clone()],
                _ => &probabilities[ranges[i].clone()],
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

    use crate::gazetteer::{pack_code, unit_vector};

    fn place(entry: EntryIndex, lat: f64, lon: f64) -> EntryFacts {
        EntryFacts::new(entry, Kind::Place, None, None, lat, lon, 1000)
    }

    #[test]
    fn a_name_does_not_vote_for_its_own_country() {
        let at = |entry, kind, cc| EntryFacts::new(entry, kind, Some(cc), None, 0.0, 0.0, 0);
        let (ne, ng, ml) = (pack_code("NE"), pack_code("NG"), pack_code("ML"));
        // Surface 0 read twice in Niger and once in Nigeria, surface 1 in Niger, 2 in Mali.
        let readings = [
            (0, at(1, Kind::Country, "NE")),
            (0, at(2, Kind::Admin1, "NG")),
            (0, at(1, Kind::Country, "NE")),
            (1, at(3, Kind::Place, "NE")),
            (2, at(4, Kind::Place, "ML")),
        ];
        let ctx = build_context(readings.iter().map(|(s, f)| (*s, f)));
        let mut out = Vec::new();
        others_countries(&ctx, 0, &mut out);
        // Only surfaces 1 and 2 vote: Niger 0.5, Mali 0.5; nothing left for Nigeria.
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(weight_of(&out, ne), Some(1.0));
        assert_eq!(weight_of(&out, ml), Some(1.0));
        assert_eq!(weight_of(&out, ng), None);
        others_countries(&ctx, 1, &mut out);
        // Surface 0's votes count for surface 1: Niger 2.0 is the strongest.
        assert_eq!(weight_of(&out, ne), Some(1.0));
        assert_eq!(weight_of(&out, ng), Some(0.4));
        assert_eq!(weight_of(&out, ml), Some(0.25));
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
