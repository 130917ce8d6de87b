//! The document's geographic context: which countries its readings vote for, which
//! first-level divisions it names, and where its towns lie (a grid for long documents),
//! indexed so one candidate's context costs the same in any document, and kept up to
//! date one reading at a time ([`Context::replace`]) as the resolver changes them.

use rustc_hash::FxHashMap as HashMap;

use super::SurfaceId;
use crate::gazetteer::{Candidate, EntryFacts, EntryIndex, Gazetteer, Kind, NameMatch};
use crate::geoparse::kinds::{box_holds, settlement_level};

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

/// The document as the resolver sees it: each hit's current reading.
/// Indexed so that one candidate's context costs the same in a long document as in a
/// short one (a 1.6 MB text used to take 250 ms here, quadratic in its names), and
/// so that changing one reading costs a few table updates, not a rebuild: every table
/// is a count (or a sum) that a reading adds to and takes back from exactly.
#[derive(Debug, Default, Clone)]
pub(super) struct Context {
    /// Total country weight of all readings, in tenths ([`country_tenths`]), sorted by
    /// country: each surface's [`others_of`] is a walk over them, not a sort (a
    /// long document asks it for hundreds of surfaces). Integers, so that taking a
    /// reading back leaves exactly what was there before it, in any order.
    sorted_totals: Vec<(u64, u32)>,
    /// Each surface's own share of those totals, so a name does not vote for its own
    /// reading: the first of its (country, tenths, next) nodes in `own_nodes`.
    /// Linked lists in one vector: a name has one or two countries, and the tables
    /// are reused from document to document.
    own_countries: HashMap<SurfaceId, u32>,
    own_nodes: Vec<(u64, u32, u32)>,
    /// First-level divisions read in the document, by (country, admin-1 code): how
    /// many readings, and how many of them are each surface's own.
    admin1: HashMap<(u64, u64), u32>,
    own_admin1: HashMap<(SurfaceId, u64, u64), u32>,
    /// How many distinct first-level divisions of each country are read (those with a
    /// count in `admin1`): a national story names many, a local one one or two.
    admin1_distinct: HashMap<u64, u32>,
    /// The same over all countries: while it is two or less, no country's count is
    /// looked up (most stories name one or two divisions).
    admin1_distinct_total: u32,
    /// Points of settlement-level readings, one per (surface, entry) ever read in the
    /// document; those no longer read are kept, not live, and come back to life if
    /// read again (so the grid never loses an index).
    points: Vec<Point>,
    /// Where each (surface, entry) pair's point is in `points`, and how many readings
    /// it stands for (0: not live).
    seen_points: HashMap<(SurfaceId, EntryIndex), (u32, u32)>,
    /// The same points by grid cell ([`grid_cell`]), built for long documents only.
    grid: Grid,
    /// Live settlement-level points (one per surface and entry) by the first-level
    /// division they lie in, (country, admin-1 code): how many, and how many of them
    /// are each surface's own (`own_states`).
    states: HashMap<(u64, u64), u32>,
    own_states: HashMap<(SurfaceId, u64, u64), u32>,
    /// All of `states` added up, and each surface's own share of it.
    states_total: u32,
    own_states_total: HashMap<SurfaceId, u32>,
    /// How many keys of `states` have a live point: the number of first-level
    /// divisions the document's towns lie in, its spread.
    states_spread: u32,
    /// Candidate readings of one name that pair with a candidate of another name as a
    /// town and the second-level division holding it ([`Context::pair_counties`]).
    county_pairs: rustc_hash::FxHashSet<(SurfaceId, EntryIndex)>,
    /// Second-level division candidates by (country, admin-1 code): `pair_counties`'
    /// buffer.
    counties: HashMap<(u64, u64), Vec<CountyCandidate>>,
    /// Town candidates that lie within [`TOWN_PAIR_KM`] of a town candidate of another
    /// name ([`Context::in_town_pair`]).
    town_pairs: rustc_hash::FxHashSet<(SurfaceId, EntryIndex)>,
    /// Town candidates, and their indices sorted by half-degree cell ([`town_cell`]):
    /// `pair_towns`' buffers.
    towns: Vec<TownCandidate>,
    town_cells: Vec<(u64, u32)>,
}

/// Two towns of two names within this distance pair up (see [`Context::in_town_pair`]).
const TOWN_PAIR_KM: f64 = 25.0;
/// [`cos_of_km`] of [`TOWN_PAIR_KM`].
static TOWN_PAIR_COS: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| cos_of_km(TOWN_PAIR_KM));

/// A second-level division one name of the document may read: the name, the entry and
/// its bounding box (west, south, east, north, degrees).
type CountyCandidate = (SurfaceId, EntryIndex, [f64; 4]);

/// A town one name of the document may read: the name, the entry, its unit vector, and
/// whether the mark is for it (see [`Context::pair_towns`]).
type TownCandidate = (SurfaceId, EntryIndex, [f64; 3], bool);

/// The half-degree cell (latitude, longitude) of a point, packed so that the cells of
/// one latitude row sort by longitude, neighbours next to each other.
fn town_cell(e: &EntryFacts) -> u64 {
    // Not `f64::floor`: without SSE4.1 it is a library call, and this runs for every
    // town candidate of a document.
    let floor = |x: f64| {
        let t = x as i64;
        t - i64::from((t as f64) > x)
    };
    let row = (floor(e.lat * 2.0) + 1024) as u64;
    let column = (floor(e.lon * 2.0) + 1024) as u64;
    (row << 32) | column
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
    /// Read by some mention now (see [`Context::points`]).
    live: bool,
}

/// Grid cell size in degrees: a cell is wider than [`NEAR_KM`] in latitude.
const GRID_DEG: f64 = 3.0;
/// Grid cells around the globe in longitude.
const LON_CELLS: i32 = 120;
/// Below this many points a candidate is compared with all of them; above, only with
/// those in nearby grid cells.
const GRID_FROM: usize = 64;

/// The half-width in longitude (degrees, with a margin for rounding) of the bounding
/// box of the circle of radius [`NEAR_KM`] around a point whose latitude is in
/// `k..k + 1` degrees north or south, for each whole degree `k`: taken at the degree's
/// poleward edge, where it is widest, so a box never misses a column the exact width
/// would take. Worked out once: [`Context::closest`] needs it for every candidate of
/// a long document, and the three trigonometric calls each time showed in profiles.
/// Columns beyond the exact box only hold points farther than [`NEAR_KM`], which
/// cannot change what the caller decides.
static COLUMN_HALF_WIDTHS: std::sync::LazyLock<[f64; 90]> = std::sync::LazyLock::new(|| {
    let delta = crate::geodesy::central_angle(NEAR_KM);
    std::array::from_fn(|k| {
        let poleward = (k + 1) as f64;
        (delta.sin() / poleward.to_radians().cos())
            .asin()
            .to_degrees()
            * 1.01
            + 0.01
    })
});

/// Rows of the [`Grid`]: latitudes are checked at load (-90 to 90), so a point's row
/// is from -30 to 30, and the rows a candidate looks at one beyond.
const GRID_ROWS: i32 = 64;

/// The points by grid cell ([`grid_cell`]), as a table of every cell: a candidate
/// looks at a dozen cells, and a table index costs less than a hash lookup.
#[derive(Debug, Default, Clone)]
struct Grid {
    /// In use for the current document (it holds points).
    built: bool,
    /// Each cell's points, row by row ([`GRID_ROWS`] rows of [`LON_CELLS`]): the index
    /// and a copy of the unit vector, so that the scan of a cell computes its dot
    /// products from the cell alone and looks up only a point that may count. Kept, with
    /// their memory, from one long document to the next.
    cells: Vec<Vec<(usize, [f64; 3])>>,
}

impl Grid {
    /// Where cell (`row`, `col`) is in `cells`; `None` for a row beyond the table.
    fn index((row, col): (i32, i32)) -> Option<usize> {
        let row = row + GRID_ROWS / 2;
        ((0..GRID_ROWS).contains(&row) && (0..LON_CELLS).contains(&col))
            .then(|| (row * LON_CELLS + col) as usize)
    }

    fn is_empty(&self) -> bool {
        !self.built
    }

    /// Empties every cell (only if the grid was in use: most documents never use it).
    fn clear(&mut self) {
        if self.built {
            self.cells.iter_mut().for_each(Vec::clear);
            self.built = false;
        }
    }

    /// Adds point `i`, whose unit vector is `v`, to its cell.
    fn push(&mut self, cell: (i32, i32), i: usize, v: [f64; 3]) {
        if self.cells.is_empty() {
            self.cells
                .resize((GRID_ROWS * LON_CELLS) as usize, Vec::new());
        }
        self.built = true;
        if let Some(list) = Self::index(cell).and_then(|k| self.cells.get_mut(k)) {
            list.push((i, v));
        }
    }

    /// The points of cell (`row`, `col`).
    fn get(&self, cell: (i32, i32)) -> &[(usize, [f64; 3])] {
        Self::index(cell)
            .and_then(|k| self.cells.get(k))
            .map_or(&[], Vec::as_slice)
    }
}

fn grid_cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / GRID_DEG).floor() as i32,
        (((lon + 180.0) / GRID_DEG).floor() as i32).rem_euclid(LON_CELLS),
    )
}

/// How much a reading of this kind votes for its country, in tenths.
fn country_tenths(kind: Kind) -> u32 {
    match kind {
        Kind::Country => 10,
        Kind::Admin1 => 8,
        Kind::Admin2 => 7,
        Kind::Demonym => 6,
        Kind::Place => 5,
        Kind::Region | Kind::Physical => 3,
    }
}

/// Adds one to a count, or takes one back.
fn step(count: &mut u32, add: bool) {
    *count = if add {
        *count + 1
    } else {
        count.saturating_sub(1)
    };
}

impl Context {
    /// The context of `readings`, each hit's (surface, current reading). Reuses the
    /// tables' memory.
    pub(super) fn rebuild<'a>(
        &mut self,
        readings: impl Iterator<Item = (SurfaceId, &'a EntryFacts, bool)>,
    ) {
        self.sorted_totals.clear();
        self.own_countries.clear();
        self.own_nodes.clear();
        self.admin1.clear();
        self.own_admin1.clear();
        self.admin1_distinct.clear();
        self.admin1_distinct_total = 0;
        self.points.clear();
        self.seen_points.clear();
        self.grid.clear();
        self.states.clear();
        self.own_states.clear();
        self.states_total = 0;
        self.own_states_total.clear();
        self.states_spread = 0;
        for (surface, e, boundary) in readings {
            self.apply(surface, e, true, boundary);
        }
    }

    /// Finds, among every name's candidates (`names`: each name with its candidates'
    /// facts), the towns that a second-level division named elsewhere in the document
    /// holds, and those divisions ([`Context::in_county_pair`]); a division only when
    /// its name is no town's. A story that names a county and a town means the town in
    /// that county: "Walker County" and "Huntsville" are both in Texas, although
    /// Alabama has a Walker County and a bigger Huntsville (in another county).
    /// Candidates, not current readings: the pair must be found even when both names
    /// start as their other namesakes, each holding the other there.
    pub(super) fn pair_counties<'a>(
        &mut self,
        gazetteer: &Gazetteer,
        names: impl Iterator<Item = (SurfaceId, &'a [EntryFacts])> + Clone,
    ) {
        self.county_pairs.clear();
        // Cleared, not emptied list by list: a long batch would otherwise walk every
        // division any earlier document named, for each new document.
        self.counties.clear();
        for (surface, facts) in names.clone() {
            // A name that is also a town's ("Durham", "Warren") is not taken for its
            // county here: the story says "County Durham" or "Warren County" when it
            // means the county, and a kind word beside it reads it so anyway.
            if facts.iter().any(|e| e.kind == Kind::Place) {
                continue;
            }
            for e in facts.iter().filter(|e| e.kind == Kind::Admin2) {
                if let (Some(cc), Some(a1), Some(bbox)) =
                    (e.country(), e.admin1(), gazetteer.bbox_of(e.entry))
                {
                    self.counties
                        .entry((cc, a1))
                        .or_default()
                        .push((surface, e.entry, bbox));
                }
            }
        }
        if self.counties.is_empty() {
            return;
        }
        for (surface, facts) in names {
            for e in facts.iter().filter(|e| e.kind == Kind::Place) {
                let (Some(cc), Some(a1)) = (e.country(), e.admin1()) else {
                    continue;
                };
                let Some(list) = self.counties.get(&(cc, a1)) else {
                    continue;
                };
                // Same country and division by the key: the box says which county.
                for &(county_surface, county, bbox) in list {
                    if county_surface != surface && box_holds(bbox, e) {
                        self.county_pairs.insert((surface, e.entry));
                        self.county_pairs.insert((county_surface, county));
                    }
                }
            }
        }
    }

    /// Finds, among every name's candidates (`names`: each name with its candidates and
    /// their facts), the towns that lie within [`TOWN_PAIR_KM`] of a town another name
    /// may be ([`Context::in_town_pair`]). Local news names neighbouring towns ("Florence"
    /// and "Sheffield" in Alabama), each of which has a more prominent namesake
    /// elsewhere; read one at a time from the prominent readings, neither moves. Only a
    /// name with a choice gets the mark, and only for a town of its primary name: a town
    /// read under an old name of it ("Kaliningrad" is also Korolev's) is not placed by
    /// its neighbours.
    pub(super) fn pair_towns<'a>(
        &mut self,
        names: impl Iterator<Item = (SurfaceId, &'a [EntryFacts], &'a [Candidate])>,
    ) {
        self.town_pairs.clear();
        self.towns.clear();
        self.town_cells.clear();
        for (surface, facts, candidates) in names {
            let choice = facts.len() > 1;
            for (e, c) in facts
                .iter()
                .zip(candidates)
                .filter(|(e, _)| e.kind == Kind::Place)
            {
                let marked = choice && c.name_match == NameMatch::Primary;
                self.town_cells
                    .push((town_cell(e), self.towns.len() as u32));
                self.towns.push((surface, e.entry, e.point, marked));
            }
        }
        if self.towns.len() < 2 {
            return;
        }
        self.town_cells.sort_unstable();
        // One sweep over the sorted cells: each town is compared with the towns of its
        // own and the next cell in its row, and of the three cells above it in the
        // next row (a pointer into that row only moves forward); the other neighbours
        // compare with it from their side.
        let cells = &self.town_cells;
        let towns = &self.towns;
        let pairs = &mut self.town_pairs;
        let mut compare = |a: u32, b: u32| {
            let (sa, ea, va, ma) = towns[a as usize];
            let (sb, eb, vb, mb) = towns[b as usize];
            // Another name for the same entry ("Hanover" and "Hanover Town") is no
            // second place.
            if (ma || mb)
                && sa != sb
                && ea != eb
                && va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2] > *TOWN_PAIR_COS
            {
                if ma {
                    pairs.insert((sa, ea));
                }
                if mb {
                    pairs.insert((sb, eb));
                }
            }
        };
        let mut above = 0;
        for (i, &(cell, a)) in cells.iter().enumerate() {
            for &(_, b) in cells[i + 1..].iter().take_while(|t| t.0 <= cell + 1) {
                compare(a, b);
            }
            let (low, high) = (cell + (1 << 32) - 1, cell + (1 << 32) + 1);
            while above < cells.len() && cells[above].0 < low {
                above += 1;
            }
            for &(_, b) in cells[above..].iter().take_while(|t| t.0 <= high) {
                compare(a, b);
            }
        }
    }

    /// True if reading `surface` as `entry` pairs it with another name of the document
    /// as a town and the county holding it (see [`Context::pair_counties`]).
    pub(super) fn in_county_pair(&self, surface: SurfaceId, entry: EntryIndex) -> bool {
        !self.county_pairs.is_empty() && self.county_pairs.contains(&(surface, entry))
    }

    /// True if reading `surface` as the town `entry` puts it within [`TOWN_PAIR_KM`] of a
    /// town another name of the document may be.
    pub(super) fn in_town_pair(&self, surface: SurfaceId, entry: EntryIndex) -> bool {
        !self.town_pairs.is_empty() && self.town_pairs.contains(&(surface, entry))
    }

    /// One hit of `surface` now reads `new` where it read `old`: the context is then
    /// what [`Context::rebuild`] would make of the readings (the same counts and sums;
    /// the points in another order, which no query depends on). `boundary`: the hit
    /// names a border ([`super::names_a_border`]).
    pub(super) fn replace(
        &mut self,
        surface: SurfaceId,
        old: &EntryFacts,
        new: &EntryFacts,
        boundary: bool,
    ) {
        if old.entry != new.entry {
            self.apply(surface, old, false, boundary);
            self.apply(surface, new, true, boundary);
        }
    }

    /// Adds one reading of `surface` as `e` (`add`), or takes one back. A first-level
    /// division read where the hit names its border (`boundary`: "near the North
    /// Carolina line") is not counted as named: the story is on the other side.
    fn apply(&mut self, surface: SurfaceId, e: &EntryFacts, add: bool, boundary: bool) {
        if let Some(cc) = e.country() {
            let w = country_tenths(e.kind);
            match self.sorted_totals.binary_search_by_key(&cc, |&(c, _)| c) {
                Ok(k) => {
                    let total = &mut self.sorted_totals[k].1;
                    *total = if add {
                        *total + w
                    } else {
                        total.saturating_sub(w)
                    };
                }
                Err(k) if add => self.sorted_totals.insert(k, (cc, w)),
                Err(_) => {}
            }
            let head = self.own_countries.entry(surface).or_insert(NO_NODE);
            let mut n = *head;
            while n != NO_NODE && self.own_nodes[n as usize].0 != cc {
                n = self.own_nodes[n as usize].2;
            }
            if n == NO_NODE {
                if add {
                    self.own_nodes.push((cc, w, *head));
                    *head = self.own_nodes.len() as u32 - 1;
                }
            } else {
                let own = &mut self.own_nodes[n as usize].1;
                *own = if add { *own + w } else { own.saturating_sub(w) };
            }
        }
        if e.kind == Kind::Admin1
            && !boundary
            && let (Some(cc), Some(a1)) = (e.country(), e.admin1())
        {
            let count = self.admin1.entry((cc, a1)).or_default();
            let was_read = *count > 0;
            step(count, add);
            let is_read = *count > 0;
            if was_read != is_read {
                step(self.admin1_distinct.entry(cc).or_default(), is_read);
                step(&mut self.admin1_distinct_total, is_read);
            }
            step(self.own_admin1.entry((surface, cc, a1)).or_default(), add);
        }
        // A place named many times is one point per surface: long documents repeat
        // their towns.
        if !settlement_level(e.kind) {
            return;
        }
        let (count, at) = match self.seen_points.entry((surface, e.entry)) {
            std::collections::hash_map::Entry::Occupied(seen) => seen.into_mut(),
            std::collections::hash_map::Entry::Vacant(seen) => {
                if !add {
                    return;
                }
                self.points.push(Point {
                    surface,
                    lat: e.lat,
                    lon: e.lon,
                    v: e.point,
                    minor: e.minor,
                    live: false,
                });
                let at = self.points.len() - 1;
                if !self.grid.is_empty() {
                    self.grid.push(grid_cell(e.lat, e.lon), at, e.point);
                } else if self.points.len() > GRID_FROM {
                    for (i, p) in self.points.iter().enumerate() {
                        self.grid.push(grid_cell(p.lat, p.lon), i, p.v);
                    }
                }
                seen.insert((0, at as u32))
            }
        };
        let was_live = *count > 0;
        step(count, add);
        let live = *count > 0;
        let at = *at as usize;
        if was_live == live {
            return;
        }
        self.points[at].live = live;
        if let (Some(cc), Some(a1)) = (e.country(), e.admin1()) {
            let count = self.states.entry((cc, a1)).or_default();
            let was_spread = *count > 0;
            step(count, live);
            if was_spread != (*count > 0) {
                step(&mut self.states_spread, live);
            }
            step(self.own_states.entry((surface, cc, a1)).or_default(), live);
            step(&mut self.states_total, live);
            step(self.own_states_total.entry(surface).or_default(), live);
        }
    }
}

/// The end of a list of `Context::own_nodes`.
const NO_NODE: u32 = u32::MAX;

/// The context of some readings (see [`Context::rebuild`]), in new tables.
#[cfg(test)]
fn build_context<'a>(readings: impl Iterator<Item = (SurfaceId, &'a EntryFacts)>) -> Context {
    let mut ctx = Context::default();
    ctx.rebuild(readings.map(|(s, e)| (s, e, false)));
    ctx
}

impl Context {
    /// The share of the document's other settlement-level readings (those of other
    /// surfaces than `surface`, each place once) that lie in the first-level division
    /// (`cc`, `a1`), and how many such readings there are.
    #[cfg(test)]
    pub(super) fn state_share(&self, cc: u64, a1: u64, surface: SurfaceId) -> (f32, u32) {
        others_of(self, surface).state_share(cc, a1)
    }

    /// Settlement-level readings with a first-level division of surfaces other than
    /// `surface` (each place once).
    fn states_of_others(&self, surface: SurfaceId) -> u32 {
        let own_total = self.own_states_total.get(&surface).copied().unwrap_or(0);
        self.states_total - own_total
    }

    /// In how many first-level divisions the document's towns and counties lie.
    pub(super) fn spread(&self) -> u32 {
        self.states_spread
    }

    /// How much a division of country `cc` named in the document says of its towns:
    /// 1 while the document reads two of the country's divisions or fewer, 2/n when it
    /// reads n (a national story names many; a local one, one or two).
    pub(super) fn division_named_weight(&self, cc: u64) -> f32 {
        // No country has more than all of them: most stories need no lookup.
        if self.admin1_distinct_total <= 2 {
            return 1.0;
        }
        let n = self.admin1_distinct.get(&cc).copied().unwrap_or(0).max(1);
        (2.0 / n as f32).min(1.0)
    }

    /// True if a first-level division (`cc`, `a1`) is read by a surface other than
    /// `surface`.
    pub(super) fn admin1_read_elsewhere(&self, cc: u64, a1: u64, surface: SurfaceId) -> bool {
        let all = self.admin1.get(&(cc, a1)).copied().unwrap_or(0);
        // Most candidates' divisions are read nowhere: no own reading to look up.
        if all == 0 {
            return false;
        }
        let own = self
            .own_admin1
            .get(&(surface, cc, a1))
            .copied()
            .unwrap_or(0);
        all > own
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
        // Past the nearer threshold nothing else can change the caller's decision.
        let decided = *VERY_NEAR_COS;
        let mut closest = -1.0f64;
        // A point that does not count is skipped (its -1 never raised the maximum,
        // which starts at -1), and the maximum is a plain comparison, not `f64::max`,
        // whose NaN rules cost a few instructions per point (both pass a NaN over).
        // Whether a point counts is asked only of one that would raise the maximum:
        // most do not, and the product alone is the cheaper test.
        let dot = |w: &[f64; 3]| v[0] * w[0] + v[1] * w[1] + v[2] * w[2];
        let counts = |p: &Point| p.live && p.surface != surface && (p.minor || !minor_only);
        if self.grid.is_empty() {
            for p in &self.points {
                let d = dot(&p.v);
                if d > closest && counts(p) {
                    closest = d;
                    if closest > decided {
                        break;
                    }
                }
            }
            return closest;
        }
        // The bounding box of the circle of radius NEAR_KM (angle `delta`) around the
        // point, with a margin for rounding.
        let delta = crate::geodesy::central_angle(NEAR_KM);
        let delta_deg = delta.to_degrees() * 1.01 + 0.01;
        let (row_lo, _) = grid_cell(lat - delta_deg, lon);
        let (row_hi, _) = grid_cell(lat + delta_deg, lon);
        // The columns, as a range of cell numbers that may run past either end and
        // wrap round (no list made: this runs for every candidate of a long document).
        let all_columns = (0, LON_CELLS - 1);
        // Below 89 degrees (the box then reaches no pole), the latitude's whole degree
        // is in the table.
        let half_width = (lat.abs() + delta_deg < 89.0)
            .then(|| COLUMN_HALF_WIDTHS.get(lat.abs() as usize))
            .flatten()
            .filter(|dlon| dlon.is_finite());
        let (col_lo, col_hi) = match half_width {
            None => all_columns,
            Some(&dlon) => {
                let lo = ((lon - dlon + 180.0) / GRID_DEG).floor() as i32;
                let hi = ((lon + dlon + 180.0) / GRID_DEG).floor() as i32;
                if hi - lo + 1 >= LON_CELLS {
                    all_columns
                } else {
                    (lo, hi)
                }
            }
        };
        for row in row_lo..=row_hi {
            for col in (col_lo..=col_hi).map(|k| k.rem_euclid(LON_CELLS)) {
                for (i, w) in self.grid.get((row, col)) {
                    let d = dot(w);
                    if d > closest && self.points.get(*i).is_some_and(counts) {
                        closest = d;
                        if closest > decided {
                            return closest;
                        }
                    }
                }
            }
        }
        closest
    }
}

/// What the document's other surfaces say, as one surface's candidates ask it
/// ([`others_of`]): their country votes (the document's totals less that surface's
/// own, normalised so the strongest is 1) and how many of their settlement-level
/// readings lie in each first-level division. A view into the context rather than a
/// list made for each name: a long document has a hundred countries and asks this of
/// every name in each pass, while a name's candidates look up a country or two each;
/// and what is the same for all of a name's candidates is found once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Others<'a> {
    ctx: &'a Context,
    /// The surface the others are other than.
    own: SurfaceId,
    /// The surface's first node in `Context::own_nodes`.
    first: u32,
    /// The strongest of the others' country totals (0 if they vote for no country).
    max: u32,
    /// The others' settlement-level readings with a division
    /// ([`Context::states_of_others`]).
    states: u32,
}

impl Others<'_> {
    /// The surface's own votes for country `cc`.
    fn mine(&self, cc: u64) -> u32 {
        let mut n = self.first;
        while n != NO_NODE {
            let (c, w, next) = self.ctx.own_nodes[n as usize];
            if c == cc {
                return w;
            }
            n = next;
        }
        0
    }

    /// The normalised weight of the others' votes for a country's total, if any.
    fn weigh(&self, cc: u64, total: u32) -> Option<f32> {
        // What is left is the other surfaces' votes; a vote makes `max` positive.
        let w = total.saturating_sub(self.mine(cc));
        (w > 0).then(|| w as f32 / self.max as f32)
    }

    /// The weight of country `cc`, if another surface's reading votes for it.
    pub(super) fn weight_of(&self, cc: u64) -> Option<f32> {
        let totals = &self.ctx.sorted_totals;
        let k = totals.binary_search_by_key(&cc, |&(c, _)| c).ok()?;
        self.weigh(cc, totals[k].1)
    }

    /// The share of the others' settlement-level readings (each place once) that lie in
    /// the first-level division (`cc`, `a1`), and how many such readings there are.
    pub(super) fn state_share(&self, cc: u64, a1: u64) -> (f32, u32) {
        let others = self.states;
        if others == 0 {
            return (0.0, 0);
        }
        let ctx = self.ctx;
        // Most candidates' divisions hold no place of the document: then none of the
        // surface's own either, and its table is not asked.
        let all = ctx.states.get(&(cc, a1)).copied().unwrap_or(0);
        let here = if all == 0 {
            0
        } else {
            let own = ctx.own_states.get(&(self.own, cc, a1)).copied();
            all - own.unwrap_or(0)
        };
        (here as f32 / others as f32, others)
    }

    /// Every country the other surfaces vote for, with its weight, by country.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, f32)> + '_ {
        self.ctx
            .sorted_totals
            .iter()
            .filter_map(|&(cc, total)| Some((cc, self.weigh(cc, total)?)))
    }
}

/// What every surface but `own` says (see [`Others`]).
pub(super) fn others_of(ctx: &Context, own: SurfaceId) -> Others<'_> {
    let mut view = Others {
        ctx,
        own,
        first: ctx.own_countries.get(&own).copied().unwrap_or(NO_NODE),
        max: 0,
        states: ctx.states_of_others(own),
    };
    // The strongest, in whole tenths (whose conversion to `f32` keeps their order): a
    // country's own share is looked up only where its total could raise the maximum.
    let mut max = 0;
    for &(cc, total) in &ctx.sorted_totals {
        if total > max {
            max = max.max(total.saturating_sub(view.mine(cc)));
        }
    }
    view.max = max;
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gazetteer::pack_code;
    use crate::geodesy::unit_vector;

    fn place(entry: EntryIndex, lat: f64, lon: f64) -> EntryFacts {
        EntryFacts::new(entry, Kind::Place, None, None, lat, lon, 1000)
    }

    /// Towns of two names within the pairing distance pair up, across cell borders
    /// (the equator and the prime meridian, where the floor of a negative coordinate
    /// matters), and only those of a name with a choice and of its primary name are
    /// marked; a town of the same name, or another name of the same entry, does not pair.
    #[test]
    fn towns_pair_with_near_towns_of_other_names() {
        use crate::gazetteer::{Candidate, NameMatch};
        let c = |entry, name_match| Candidate { entry, name_match };
        let primary = NameMatch::Primary;
        // Name 0: towns 1 (0.05 S, 0.05 W) and 2 (far away); name 1: town 3 (0.05 N,
        // 0.05 E, 15 km from town 1) and 4; name 2: town 5, 10 km from town 2, but only
        // as an alternate name; name 3: town 2 again under another name.
        let facts0 = [place(1, -0.05, -0.05), place(2, 40.0, 10.0)];
        let facts1 = [place(3, 0.05, 0.05), place(4, 60.0, 60.0)];
        let facts2 = [place(5, 40.05, 10.05), place(6, -30.0, 20.0)];
        let facts3 = [place(2, 40.0, 10.0), place(7, 10.0, 10.0)];
        let cands0 = [c(1, primary), c(2, primary)];
        let cands1 = [c(3, primary), c(4, primary)];
        let cands2 = [c(5, NameMatch::Alternate), c(6, primary)];
        let cands3 = [c(2, primary), c(7, primary)];
        let names = [
            (0, &facts0[..], &cands0[..]),
            (1, &facts1[..], &cands1[..]),
            (2, &facts2[..], &cands2[..]),
            (3, &facts3[..], &cands3[..]),
        ];
        let mut ctx = Context::default();
        ctx.pair_towns(names.iter().copied());
        assert!(ctx.in_town_pair(0, 1) && ctx.in_town_pair(1, 3));
        // Town 2 pairs with name 2's town 5 (only 2 is marked: 5 is an alternate).
        assert!(ctx.in_town_pair(0, 2) && !ctx.in_town_pair(2, 5));
        assert!(ctx.in_town_pair(3, 2), "name 3's town 2 is near town 5 too");
        assert!(!ctx.in_town_pair(1, 4) && !ctx.in_town_pair(2, 6) && !ctx.in_town_pair(3, 7));
        // Without name 2, names 0 and 3 share town 2 only: no pair.
        ctx.pair_towns([names[0], names[3]].into_iter());
        assert!(!ctx.in_town_pair(0, 2) && !ctx.in_town_pair(3, 2));
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
        let out = others_of(&ctx, 0);
        // Only surfaces 1 and 2 vote: Niger 0.5, Mali 0.5; nothing left for Nigeria.
        assert_eq!(out.iter().count(), 2, "{out:?}");
        assert_eq!(out.weight_of(ne), Some(1.0));
        assert_eq!(out.weight_of(ml), Some(1.0));
        assert_eq!(out.weight_of(ng), None);
        let out = others_of(&ctx, 1);
        // Surface 0's votes count for surface 1: Niger 2.0 is the strongest.
        assert_eq!(out.weight_of(ne), Some(1.0));
        assert_eq!(out.weight_of(ng), Some(0.4));
        assert_eq!(out.weight_of(ml), Some(0.25));
    }

    #[test]
    fn replacing_readings_gives_what_a_rebuild_would() {
        let at = |entry, kind, cc, a1, lat| {
            EntryFacts::new(entry, kind, Some(cc), Some(a1), lat, 0.0, 1000)
        };
        // Surface 0 read as a Canadian town, then moved to a British one; surface 1 a
        // British county; surface 2 a state, moved to another country's division.
        let ca_town = at(1, Kind::Place, "CA", "ON", 45.0);
        let gb_town = at(2, Kind::Place, "GB", "ENG", 50.3);
        let gb_county = at(3, Kind::Admin2, "GB", "ENG", 50.5);
        let us_state = at(4, Kind::Admin1, "US", "TX", 31.0);
        let ca_province = at(5, Kind::Admin1, "CA", "ON", 50.0);
        let before = [
            (0, &ca_town),
            (0, &ca_town),
            (1, &gb_county),
            (2, &us_state),
        ];
        let after = [
            (0, &gb_town),
            (0, &gb_town),
            (1, &gb_county),
            (2, &ca_province),
        ];
        let mut ctx = build_context(before.iter().copied());
        ctx.replace(0, &ca_town, &gb_town, false);
        ctx.replace(2, &us_state, &ca_province, false);
        ctx.replace(0, &ca_town, &gb_town, false);
        let fresh = build_context(after.iter().copied());
        for surface in 0..3 {
            let a: Vec<_> = others_of(&ctx, surface).iter().collect();
            let b: Vec<_> = others_of(&fresh, surface).iter().collect();
            assert_eq!(a, b, "surface {surface}");
            for (cc, a1) in [("CA", "ON"), ("GB", "ENG"), ("US", "TX")] {
                let (cc, a1) = (pack_code(cc), pack_code(a1));
                assert_eq!(
                    ctx.state_share(cc, a1, surface),
                    fresh.state_share(cc, a1, surface)
                );
                assert_eq!(
                    ctx.admin1_read_elsewhere(cc, a1, surface),
                    fresh.admin1_read_elsewhere(cc, a1, surface)
                );
                assert_eq!(
                    ctx.division_named_weight(cc),
                    fresh.division_named_weight(cc)
                );
                assert_eq!(ctx.spread(), fresh.spread());
            }
            for lat in [45.0, 50.3, 50.5] {
                let v = unit_vector(lat, 0.0);
                let near = |c: &Context| c.closest(&v, lat, 0.0, surface, false) > *NEAR_COS;
                assert_eq!(near(&ctx), near(&fresh), "surface {surface} at {lat}");
            }
        }
        // The Canadian town is no longer read: nothing is near it.
        let v = unit_vector(45.0, 0.0);
        assert!(ctx.closest(&v, 45.0, 0.0, 1, false) < *NEAR_COS);
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
