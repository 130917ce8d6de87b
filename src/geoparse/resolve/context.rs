//! The document's geographic context in one pass: which countries its readings vote for,
//! which first-level divisions it names, and where its towns lie (a grid for long
//! documents), indexed so one candidate's context costs the same in any document.

use rustc_hash::FxHashMap as HashMap;

use super::SurfaceId;
use crate::gazetteer::{EntryFacts, EntryIndex, Kind};
use crate::geoparse::kinds::settlement_level;

/// Beyond this distance another place of the document lends a candidate no support.
const NEAR_KM: f64 = 300.0;
/// Within this distance it lends the most.
const VERY_NEAR_KM: f64 = 100.0;

/// cos(d / R) for a distance d in km: two unit vectors are within d when their dot
/// product is above this.
fn cos_of_km(km: f64) -> f64 {
    crate::geodesy::central_angle(km).cos()
}

/// [`cos_of_km`] of [`VERY_NEAR_KM`] and [`NEAR_KM`], computed once.
pub(super) static VERY_NEAR_COS: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| cos_of_km(VERY_NEAR_KM));
pub(super) static NEAR_COS: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| cos_of_km(NEAR_KM));

/// The document as the resolver sees it in one pass: each hit's current reading.
/// Indexed so that one candidate's context costs the same in a long document as in a
/// short one (a 1.6 MB text used to take 250 ms here, quadratic in its names).
#[derive(Debug, Default, Clone)]
pub(super) struct Context {
    /// Total country weight of all readings, by country.
    country_totals: HashMap<u64, f32>,
    /// The same totals sorted by country, once a pass: each surface's
    /// [`others_countries`] is then a walk over them, not a sort (a long document asks
    /// it for hundreds of surfaces).
    sorted_totals: Vec<(u64, f32)>,
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
    /// Distinct settlement-level readings (one per surface and entry) by the
    /// first-level division they lie in, (country, admin-1 code): how many, and how
    /// many of them are each surface's own (`own_states`).
    states: HashMap<(u64, u64), u32>,
    own_states: HashMap<(SurfaceId, u64, u64), u32>,
    /// All of `states` added up, and each surface's own share of it.
    states_total: u32,
    own_states_total: HashMap<SurfaceId, u32>,
}

/// Where a settlement-level reading of the document lies.
#[derive(Debug, Clone, Copy)]
struct Point {
    /// The name read there.
    surface: SurfaceId,
    lat: f64,
    lon: f64,
    /// [`unit_vector`](crate::geodesy::unit_vector) of the coordinates.
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
    pub(super) fn rebuild<'a>(
        &mut self,
        readings: impl Iterator<Item = (SurfaceId, &'a EntryFacts)>,
    ) {
        self.country_totals.clear();
        self.own_countries.clear();
        self.own_nodes.clear();
        self.admin1.clear();
        self.points.clear();
        self.seen_points.clear();
        self.grid.clear();
        self.states.clear();
        self.own_states.clear();
        self.states_total = 0;
        self.own_states_total.clear();
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
                if let (Some(cc), Some(a1)) = (e.country(), e.admin1()) {
                    *self.states.entry((cc, a1)).or_default() += 1;
                    *self.own_states.entry((surface, cc, a1)).or_default() += 1;
                    self.states_total += 1;
                    *self.own_states_total.entry(surface).or_default() += 1;
                }
            }
        }
        self.sorted_totals.clear();
        self.sorted_totals
            .extend(self.country_totals.iter().map(|(&cc, &w)| (cc, w)));
        // Country codes are unique (a map's keys): an unstable sort gives one order.
        self.sorted_totals.sort_unstable_by_key(|(cc, _)| *cc);
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
    /// The share of the document's other settlement-level readings (those of other
    /// surfaces than `surface`, each place once) that lie in the first-level division
    /// (`cc`, `a1`), and how many such readings there are.
    pub(super) fn state_share(&self, cc: u64, a1: u64, surface: SurfaceId) -> (f32, u32) {
        let own_total = self.own_states_total.get(&surface).copied().unwrap_or(0);
        let others = self.states_total - own_total;
        if others == 0 {
            return (0.0, 0);
        }
        let here = self.states.get(&(cc, a1)).copied().unwrap_or(0)
            - self
                .own_states
                .get(&(surface, cc, a1))
                .copied()
                .unwrap_or(0);
        (here as f32 / others as f32, others)
    }

    /// True if a first-level division (`cc`, `a1`) is read by a surface other than
    /// `surface`.
    pub(super) fn admin1_read_elsewhere(&self, cc: u64, a1: u64, surface: SurfaceId) -> bool {
        self.admin1
            .get(&(cc, a1))
            .is_some_and(|&(first, several)| first != surface || several)
    }

    /// The largest dot product between `v` (at `lat`, `lon`) and the points of other
    /// surfaces (only [`Point::minor`] ones if `minor_only`) that may lie within
    /// [`NEAR_KM`]; -1 if none. Points farther away may or may not be looked at: they
    /// cannot change what the caller decides.
    pub(super) fn closest(
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
        let delta = crate::geodesy::central_angle(NEAR_KM);
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
pub(super) fn others_countries(ctx: &Context, own: SurfaceId, out: &mut Vec<(u64, f32)>) {
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
    // In country order already: `sorted_totals` is.
    out.extend(
        ctx.sorted_totals
            .iter()
            .map(|&(cc, total)| (cc, total - mine(cc)))
            // Weights are positive: what is left is the other surfaces' votes.
            .filter(|(_, w)| *w > 1e-4),
    );
    let max = out.iter().map(|(_, w)| *w).fold(0.0f32, f32::max);
    if max > 0.0 {
        for (_, w) in out.iter_mut() {
            *w /= max;
        }
    }
}

pub(super) fn weight_of(countries: &[(u64, f32)], cc: u64) -> Option<f32> {
    countries
        .binary_search_by_key(&cc, |(c, _)| *c)
        .ok()
        .map(|i| countries[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gazetteer::pack_code;
    use crate::geodesy::unit_vector;

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
    fn a_state_share_leaves_out_the_name_itself() {
        let at = |entry, a1| EntryFacts::new(entry, Kind::Place, Some("US"), Some(a1), 0.0, 0.0, 0);
        let (us, tx, ga) = (pack_code("US"), pack_code("TX"), pack_code("GA"));
        // Surface 0 read in Georgia (twice, one place), 1 and 2 in Texas, 3 in Georgia.
        let readings = [
            (0, at(1, "GA")),
            (0, at(1, "GA")),
            (1, at(2, "TX")),
            (2, at(3, "TX")),
            (3, at(4, "GA")),
        ];
        let ctx = build_context(readings.iter().map(|(s, f)| (*s, f)));
        // For surface 0: three other places, two of them in Texas.
        let (share, others) = ctx.state_share(us, tx, 0);
        assert_eq!(others, 3);
        assert!((share - 2.0 / 3.0).abs() < 1e-6, "{share}");
        assert_eq!(ctx.state_share(us, ga, 0).0, 1.0 / 3.0);
        // For surface 1: Texas has only surface 2 besides it.
        assert_eq!(ctx.state_share(us, tx, 1), (1.0 / 3.0, 3));
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
