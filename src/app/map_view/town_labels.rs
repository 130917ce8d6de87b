//! City and town names from the bundled gazetteer on the offline basemap: capitals
//! first, then by population, as many as fit at each zoom without overlapping each
//! other, the country and division names, the markers or the markers' labels. Painted
//! under the markers as a small dot and a muted name.
//!
//! Cheap per frame: [`TownIndex`] is built once per gazetteer, off the UI thread. It
//! keeps, for each integer zoom level, the towns that are the first (capital, then most
//! populous) in their cell of a [`CELL_POINTS`] grid at that zoom and have the level's
//! [`MIN_POPULATION`]; a town first in its cell at one zoom is first in its smaller cell
//! at every deeper zoom, so each town is stored once, in an R-tree for the level where it
//! first appears. A frame queries the trees up to its level for the view: at most one
//! candidate per cell, a few hundred whatever the gazetteer's size.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Color32, FontId, Pos2, Rect, Shape, Vec2, vec2};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use super::TILE_PX;
use super::label_room::LabelRoom;
use crate::app::basemap::mercator_from_lon_lat;
use crate::app::palette;
use crate::gazetteer::{DAMAGED_NAME, EntryIndex, Gazetteer, Kind, pack_code};

/// Side of the grid cell (screen points at the cell's zoom) that holds at most one town:
/// wide enough that a dense region (Ohio at zoom 8) keeps room between its names.
const CELL_POINTS: f64 = 72.0;

/// The coarsest zoom level with town names: below it the map names countries only.
pub(super) const FIRST_LEVEL: u8 = 3;

/// The finest zoom level with its own selection; deeper zooms use it (its cells are a
/// couple of kilometres, and every town of the gazetteer is in it unless it shares one).
const LAST_LEVEL: u8 = 12;

/// Least population of a town (not a capital) named at each level from [`FIRST_LEVEL`]:
/// world cities at zoom 3–4, regional towns at 6–7, and from zoom 9 every place of the
/// gazetteer (at least 1,000 people, or an administrative seat), so that a rural region
/// (Agadez at zoom 8–10) still has its small towns named.
const MIN_POPULATION: [u64; (LAST_LEVEL - FIRST_LEVEL + 1) as usize] = [
    3_000_000, // 3 (capitals are named whatever their size)
    1_000_000, // 4
    250_000,   // 5
    60_000,    // 6
    15_000,    // 7
    4_000,     // 8
    0,         // 9
    0,         // 10
    0,         // 11
    0,         // 12
];

/// Least population of a capital named at each level from [`FIRST_LEVEL`]: the world
/// view names the capitals of countries, not of the smallest territories (Flying Fish
/// Cove, Jamestown), which come at zoom 5.
const CAPITAL_MIN_POPULATION: [u64; (LAST_LEVEL - FIRST_LEVEL + 1) as usize] =
    [200_000, 50_000, 0, 0, 0, 0, 0, 0, 0, 0];

/// Towns of at least this many people are named before the divisions (with capitals);
/// smaller ones after, where room is left.
const MAJOR_POPULATION: u64 = 500_000;

/// Whether `town` is named before the division names: a capital or a big city. Candidates
/// come capitals first then by population, so the major ones are a prefix.
pub(super) fn is_major(town: &Town) -> bool {
    town.capital || town.population >= MAJOR_POPULATION
}

/// Most candidates looked at in one frame (the grid keeps far fewer in any view).
const MAX_CANDIDATES: usize = 3_000;

/// Most town names placed in one frame.
const MAX_TOWNS: usize = 250;

/// Font size of town names, and of capitals' (points).
pub(super) const NAME_SIZE: f32 = 11.0;
pub(super) const CAPITAL_SIZE: f32 = 12.0;

/// A populated place of the gazetteer, as the index keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Town {
    pub(super) entry: EntryIndex,
    /// Web-Mercator normalised `[x, y]`.
    pub(super) pos_in_mercator: [f64; 2],
    /// A national capital (GeoNames `PPLC`).
    pub(super) capital: bool,
    /// People (0 when unknown).
    pub(super) population: u64,
}

type Point = GeomWithData<[f64; 2], u32>;

/// The towns that can be named, capitals first then by population, with one R-tree per
/// zoom level from [`FIRST_LEVEL`] (see the module docs).
pub(super) struct TownIndex {
    /// The gazetteer the entries belong to ([`Gazetteer::id`]).
    gazetteer_id: u64,
    /// In priority order: an R-tree point's data is its index here.
    towns: Vec<Town>,
    /// `trees[i]`: the towns that first appear at level `FIRST_LEVEL + i`.
    trees: Vec<RTree<Point>>,
}

impl TownIndex {
    /// Every populated place of `g` (read from its in-place rows: kind, feature code,
    /// population, coordinates; no entry is decoded).
    pub(super) fn from_gazetteer(g: &Gazetteer) -> TownIndex {
        let capital = pack_code("PPLC");
        let towns = (0..g.len() as EntryIndex)
            .filter(|&e| g.kind(e) == Kind::Place)
            .map(|e| {
                let facts = g.facts(e);
                Town {
                    entry: e,
                    pos_in_mercator: mercator_from_lon_lat(facts.lon, facts.lat),
                    capital: g.feature_code_packed(e) == capital,
                    population: g.population(e),
                }
            })
            .collect();
        Self::from_towns(g.id(), towns)
    }

    /// The index of `towns` (any order).
    pub(super) fn from_towns(gazetteer_id: u64, mut towns: Vec<Town>) -> TownIndex {
        towns.retain(|t| t.pos_in_mercator.iter().all(|v| v.is_finite()));
        towns.sort_by(|a, b| {
            b.capital
                .cmp(&a.capital)
                .then(b.population.cmp(&a.population))
                .then(a.entry.cmp(&b.entry))
        });
        let mut first_level = vec![u8::MAX; towns.len()];
        let mut selected: Vec<u32> = (0..towns.len() as u32).collect();
        let mut cells: HashSet<(i64, i64)> = HashSet::new();
        for level in (FIRST_LEVEL..=LAST_LEVEL).rev() {
            let cell = CELL_POINTS / (TILE_PX * f64::from(level).exp2());
            let min_population = MIN_POPULATION[usize::from(level - FIRST_LEVEL)];
            let capital_min_population = CAPITAL_MIN_POPULATION[usize::from(level - FIRST_LEVEL)];
            cells.clear();
            selected.retain(|&t| {
                let town = &towns[t as usize];
                let [x, y] = town.pos_in_mercator;
                let least = if town.capital {
                    capital_min_population
                } else {
                    min_population
                };
                town.population >= least
                    && cells.insert(((x / cell).floor() as i64, (y / cell).floor() as i64))
            });
            for &t in &selected {
                first_level[t as usize] = level;
            }
        }
        let trees = (FIRST_LEVEL..=LAST_LEVEL)
            .map(|level| {
                RTree::bulk_load(
                    first_level
                        .iter()
                        .enumerate()
                        .filter(|&(_, &l)| l == level)
                        .map(|(t, _)| Point::new(towns[t].pos_in_mercator, t as u32))
                        .collect(),
                )
            })
            .collect();
        TownIndex {
            gazetteer_id,
            towns,
            trees,
        }
    }

    /// The towns that can be named at `zoom` inside the Mercator box `[min_x, min_y,
    /// max_x, max_y]`, capitals first then by population (at most [`MAX_CANDIDATES`]).
    pub(super) fn candidates(&self, zoom: f64, visible: [f64; 4]) -> Vec<&Town> {
        let level = (zoom + 0.5).floor();
        if !level.is_finite() || level < f64::from(FIRST_LEVEL) {
            return Vec::new();
        }
        let levels = (level.min(f64::from(LAST_LEVEL)) as u8 - FIRST_LEVEL) as usize + 1;
        let envelope = AABB::from_corners([visible[0], visible[1]], [visible[2], visible[3]]);
        let mut found: Vec<u32> = Vec::new();
        for tree in self.trees.iter().take(levels) {
            found.extend(
                tree.locate_in_envelope(&envelope)
                    .take(MAX_CANDIDATES.saturating_sub(found.len()))
                    .map(|p| p.data),
            );
        }
        found.sort_unstable();
        found
            .into_iter()
            .filter_map(|t| self.towns.get(t as usize))
            .collect()
    }

    /// Number of towns kept (named at some zoom).
    #[cfg(test)]
    fn kept(&self) -> usize {
        self.trees.iter().map(|t| t.size()).sum()
    }
}

/// The town index of the gazetteer in use: built on a background thread the first time a
/// gazetteer is there (a fraction of a second over 170,000 places), then kept.
#[derive(Default)]
pub(super) struct TownLabels {
    /// Shared with the copies a picture of the map is drawn with.
    index: Option<Arc<TownIndex>>,
    building: Option<(u64, Receiver<TownIndex>)>,
}

impl TownLabels {
    /// The same index, for a copy of the map (a picture of it).
    pub(super) fn share(&self) -> TownLabels {
        TownLabels {
            index: self.index.clone(),
            building: None,
        }
    }

    /// True once an index is built (for tests, which wait for the background thread).
    pub(super) fn is_ready(&self) -> bool {
        self.index.is_some()
    }

    /// The index for `gazetteer`, if built; starts building it if it is not. Asks for a
    /// repaint while building, so that the names appear when it is done.
    pub(super) fn index(
        &mut self,
        gazetteer: Option<Arc<Gazetteer>>,
        ctx: &egui::Context,
    ) -> Option<&TownIndex> {
        let g = gazetteer?;
        if self
            .index
            .as_ref()
            .is_some_and(|i| i.gazetteer_id == g.id())
        {
            return self.index.as_deref();
        }
        match &self.building {
            Some((id, receiver)) if *id == g.id() => match receiver.try_recv() {
                Ok(index) => {
                    self.building = None;
                    self.index = Some(Arc::new(index));
                    return self.index.as_deref();
                }
                Err(TryRecvError::Empty) => {}
                // The thread died: the map goes without town names.
                Err(TryRecvError::Disconnected) => return None,
            },
            _ => {
                let (sender, receiver) = std::sync::mpsc::channel();
                let id = g.id();
                let spawned = std::thread::Builder::new()
                    .name("town-labels".into())
                    .spawn(move || {
                        let _ = sender.send(TownIndex::from_gazetteer(&g));
                    });
                if spawned.is_err() {
                    return None; // No thread to be had: no town names.
                }
                self.building = Some((id, receiver));
            }
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
        None
    }
}

/// A town name placed on the map.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlacedTown<'a> {
    /// The town's dot (screen points).
    pub(super) dot: Pos2,
    /// The name's top-left corner.
    pub(super) text_min: Pos2,
    pub(super) name: &'a str,
    pub(super) capital: bool,
}

/// Radius of a town's dot, and of a capital's (points).
const DOT_RADIUS: f32 = 2.0;
const CAPITAL_DOT_RADIUS: f32 = 3.0;

/// Places the names of `candidates` in order: a town is named if its dot and its name,
/// to the right of the dot or else to its left, lie inside the view and overlap nothing
/// taken in `room` (markers, their labels, names placed before), which they then take.
/// `project` maps Mercator to screen points, `name_of` gives an entry's name (`None` to
/// skip it), `text_size` a name's size (capitals are larger).
pub(super) fn place_towns<'a>(
    candidates: &[&Town],
    project: impl Fn([f64; 2]) -> Pos2,
    name_of: impl Fn(EntryIndex) -> Option<&'a str>,
    text_size: impl Fn(&str, bool) -> Vec2,
    room: &mut LabelRoom,
) -> Vec<PlacedTown<'a>> {
    let mut out = Vec::new();
    for town in candidates {
        if out.len() >= MAX_TOWNS {
            break;
        }
        let dot = project(town.pos_in_mercator);
        let radius = if town.capital {
            CAPITAL_DOT_RADIUS
        } else {
            DOT_RADIUS
        };
        let dot_rect = Rect::from_center_size(dot, Vec2::splat(2.0 * radius + 2.0));
        if !room.is_free(dot_rect) {
            continue;
        }
        let Some(name) = name_of(town.entry) else {
            continue;
        };
        let size = text_size(name, town.capital);
        let gap = radius + 3.0;
        let right = Rect::from_min_size(Pos2::new(dot.x + gap, dot.y - size.y / 2.0), size);
        let left = Rect::from_min_size(Pos2::new(dot.x - gap - size.x, dot.y - size.y / 2.0), size);
        // A little air around each name, so that neighbours read as separate words.
        let padded = |r: Rect| r.expand2(vec2(4.0, 1.0));
        let Some(text) = [right, left].into_iter().find(|r| room.is_free(padded(*r))) else {
            continue;
        };
        room.take(dot_rect);
        room.take(padded(text));
        out.push(PlacedTown {
            dot,
            text_min: text.min,
            name,
            capital: town.capital,
        });
    }
    out
}

/// The name of `entry` in `g`, unless its entry is damaged.
pub(super) fn town_name(g: &Gazetteer, entry: EntryIndex) -> Option<&str> {
    let name = g.entry(entry).name.as_str();
    (!name.is_empty() && name != DAMAGED_NAME).then_some(name)
}

/// The font of a town's name.
pub(super) fn name_font(capital: bool) -> FontId {
    FontId::proportional(if capital { CAPITAL_SIZE } else { NAME_SIZE })
}

/// The shapes of the towns placed: a dot (a ringed one for capitals) and the name.
pub(super) fn town_shapes(
    painter: &egui::Painter,
    placed: &[PlacedTown],
    dark: bool,
) -> Vec<Shape> {
    let text = palette::town_name_color(dark);
    let dot = palette::town_dot_color(dark);
    let mut shapes = Vec::with_capacity(placed.len() * 2);
    for t in placed {
        if t.capital {
            shapes.push(Shape::circle_filled(
                t.dot,
                CAPITAL_DOT_RADIUS,
                Color32::TRANSPARENT,
            ));
            shapes.push(Shape::circle_stroke(
                t.dot,
                CAPITAL_DOT_RADIUS,
                egui::Stroke::new(1.2, dot),
            ));
            shapes.push(Shape::circle_filled(t.dot, 1.2, dot));
        } else {
            shapes.push(Shape::circle_filled(t.dot, DOT_RADIUS, dot));
        }
        let galley = painter.layout_no_wrap(t.name.to_string(), name_font(t.capital), text);
        shapes.push(Shape::galley(t.text_min, galley, text));
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(entry: EntryIndex, lon: f64, lat: f64, population: u64, capital: bool) -> Town {
        Town {
            entry,
            pos_in_mercator: mercator_from_lon_lat(lon, lat),
            capital,
            population,
        }
    }

    /// Agadez and its neighbours, and a capital with fewer people than a nearby city.
    fn towns() -> Vec<Town> {
        vec![
            town(1, 7.99, 16.97, 124_000, false),  // Agadez
            town(2, 7.35, 18.74, 103_000, false),  // Arlit
            town(3, 8.75, 16.78, 25_000, false),   // Tchirozerine
            town(4, 6.49, 16.79, 4_000, false),    // In-Gall
            town(5, 7.0, 16.0, 1_200, false),      // a village
            town(6, 2.11, 13.51, 1_000_000, true), // Niamey (capital)
            town(7, 2.2, 13.6, 2_000_000, false),  // a bigger city beside it
            town(8, 105.68, -10.42, 1_500, true),  // Flying Fish Cove (capital)
        ]
    }

    fn at(zoom: f64, lon_lat: [f64; 2]) -> impl Fn([f64; 2]) -> Pos2 {
        let points = TILE_PX * zoom.exp2();
        let centre = mercator_from_lon_lat(lon_lat[0], lon_lat[1]);
        move |m: [f64; 2]| {
            Pos2::new(
                (400.0 + (m[0] - centre[0]) * points) as f32,
                (300.0 + (m[1] - centre[1]) * points) as f32,
            )
        }
    }

    fn visible(zoom: f64, lon_lat: [f64; 2]) -> [f64; 4] {
        let points = TILE_PX * zoom.exp2();
        let c = mercator_from_lon_lat(lon_lat[0], lon_lat[1]);
        [
            c[0] - 400.0 / points,
            c[1] - 300.0 / points,
            c[0] + 400.0 / points,
            c[1] + 300.0 / points,
        ]
    }

    const NAMES: [&str; 9] = [
        "",
        "Agadez",
        "Arlit",
        "Tchirozerine",
        "In-Gall",
        "Village",
        "Niamey",
        "Big City",
        "Flying Fish Cove",
    ];

    fn size(name: &str, _capital: bool) -> Vec2 {
        vec2(name.len() as f32 * 6.0, 12.0)
    }

    #[test]
    fn capitals_come_first_then_population() {
        let index = TownIndex::from_towns(0, towns());
        assert_eq!(index.kept(), 8);
        let order: Vec<EntryIndex> = index
            .candidates(12.0, [0.0, 0.0, 1.0, 1.0])
            .iter()
            .map(|t| t.entry)
            .collect();
        assert_eq!(order, [6, 8, 7, 1, 2, 3, 4, 5]);
        // Zoomed out, Niamey and its bigger neighbour share a cell: the capital wins; a
        // capital of 1,500 people waits for zoom 5.
        let shown: Vec<EntryIndex> = index
            .candidates(4.0, [0.0, 0.0, 1.0, 1.0])
            .iter()
            .map(|t| t.entry)
            .collect();
        assert_eq!(shown, [6]);
        let shown: Vec<EntryIndex> = index
            .candidates(5.0, [0.0, 0.0, 1.0, 1.0])
            .iter()
            .map(|t| t.entry)
            .collect();
        assert_eq!(shown, [6, 8]);
        // Below the first level, nothing.
        assert!(index.candidates(2.0, [0.0, 0.0, 1.0, 1.0]).is_empty());
    }

    #[test]
    fn zoomed_on_agadez_the_nearby_towns_are_named() {
        let index = TownIndex::from_towns(0, towns());
        let view = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        let agadez = [8.0, 17.5];
        let zoom = 8.0;
        let candidates = index.candidates(zoom, visible(zoom, agadez));
        let mut room = LabelRoom::new(view);
        let placed = place_towns(
            &candidates,
            at(zoom, agadez),
            |e| NAMES.get(e as usize).copied(),
            size,
            &mut room,
        );
        let names: Vec<&str> = placed.iter().map(|t| t.name).collect();
        assert_eq!(names, ["Agadez", "Arlit", "Tchirozerine", "In-Gall"]);
        let zoom = 10.0;
        let candidates = index.candidates(zoom, visible(zoom, [7.0, 16.0]));
        let mut room = LabelRoom::new(view);
        let placed = place_towns(
            &candidates,
            at(zoom, [7.0, 16.0]),
            |e| NAMES.get(e as usize).copied(),
            size,
            &mut room,
        );
        assert_eq!(
            placed.iter().map(|t| t.name).collect::<Vec<_>>(),
            ["Village"]
        );
    }

    #[test]
    fn names_never_overlap_each_other_or_what_is_taken() {
        // A dense grid of towns, and a marker with its label in the middle of the view.
        let mut many = Vec::new();
        for i in 0..40 {
            for j in 0..40 {
                let population = 1_000 + ((i * 7919 + j * 104_729) % 200_000) as u64;
                many.push(town(
                    (i * 40 + j) as EntryIndex,
                    5.0 + f64::from(i) * 0.05,
                    15.0 + f64::from(j) * 0.05,
                    population,
                    false,
                ));
            }
        }
        let index = TownIndex::from_towns(0, many);
        let view = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        let centre = [6.0, 16.0];
        for zoom in [6.0, 8.0, 10.0] {
            let mut room = LabelRoom::new(view);
            let marker = Rect::from_center_size(Pos2::new(400.0, 300.0), vec2(20.0, 20.0));
            let label = Rect::from_min_size(Pos2::new(412.0, 292.0), vec2(80.0, 16.0));
            room.take(marker);
            room.take(label);
            let candidates = index.candidates(zoom, visible(zoom, centre));
            let placed = place_towns(
                &candidates,
                at(zoom, centre),
                |_| Some("Townname"),
                size,
                &mut room,
            );
            assert!(!placed.is_empty(), "zoom {zoom}");
            let rects: Vec<Rect> = placed
                .iter()
                .flat_map(|t| {
                    [
                        Rect::from_center_size(t.dot, Vec2::splat(2.0 * DOT_RADIUS)),
                        Rect::from_min_size(t.text_min, size(t.name, false)),
                    ]
                })
                .collect();
            for (i, a) in rects.iter().enumerate() {
                assert!(view.contains_rect(*a));
                assert!(!a.intersects(marker) && !a.intersects(label), "zoom {zoom}");
                for b in &rects[i + 1..] {
                    assert!(!a.intersects(*b), "zoom {zoom}: {a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn the_bundled_gazetteer_names_the_towns_around_agadez_and_stays_bounded() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let started = std::time::Instant::now();
        let index = TownIndex::from_gazetteer(&g);
        let built = started.elapsed();
        let view = Rect::from_min_size(Pos2::ZERO, vec2(1100.0, 800.0));
        let box_of = |zoom: f64, lon_lat: [f64; 2]| {
            let points = TILE_PX * zoom.exp2();
            let c = mercator_from_lon_lat(lon_lat[0], lon_lat[1]);
            [
                c[0] - 550.0 / points,
                c[1] - 400.0 / points,
                c[0] + 550.0 / points,
                c[1] + 400.0 / points,
            ]
        };
        let project = |zoom: f64, lon_lat: [f64; 2]| {
            let points = TILE_PX * zoom.exp2();
            let c = mercator_from_lon_lat(lon_lat[0], lon_lat[1]);
            move |m: [f64; 2]| {
                Pos2::new(
                    (550.0 + (m[0] - c[0]) * points) as f32,
                    (400.0 + (m[1] - c[1]) * points) as f32,
                )
            }
        };
        let views = [
            ("world", 3.0, [10.0, 20.0]),
            ("Agadez", 8.0, [8.0, 17.5]),
            ("Ohio", 9.0, [-82.9, 40.2]),
            ("Europe", 6.0, [8.0, 49.0]),
        ];
        for (what, zoom, centre) in views {
            // Twice: the first frame decodes the names' gazetteer chunks, later ones not.
            let mut times = Vec::new();
            let (mut candidates, mut placed) = (Vec::new(), Vec::new());
            for _ in 0..2 {
                let started = std::time::Instant::now();
                candidates = index.candidates(zoom, box_of(zoom, centre));
                let mut room = LabelRoom::new(view);
                placed = place_towns(
                    &candidates,
                    project(zoom, centre),
                    |e| town_name(&g, e),
                    |name, _| vec2(name.chars().count() as f32 * 6.0, 13.0),
                    &mut room,
                );
                times.push(started.elapsed());
            }
            eprintln!(
                "{what} at zoom {zoom}: {} candidates, {} named, first {:?} then {:?}",
                candidates.len(),
                placed.len(),
                times[0],
                times[1]
            );
            // At most about one candidate per grid cell in view, whatever the gazetteer.
            assert!(candidates.len() < 1_000, "{what}: {}", candidates.len());
            assert!(!placed.is_empty(), "{what}");
            if what == "Agadez" {
                let names: Vec<&str> = placed.iter().map(|t| t.name).collect();
                for town in ["Agadez", "Arlit", "Tchirozérine"] {
                    assert!(names.contains(&town), "{town} not in {names:?}");
                }
            }
            if what == "world" {
                // Capitals and a few world cities, not every town.
                assert!(placed.iter().filter(|t| t.capital).count() > 20);
                assert!(placed.len() < 120, "{}", placed.len());
            }
        }
        eprintln!(
            "town index: {} towns kept, built in {built:?}",
            index.kept()
        );
    }
}
