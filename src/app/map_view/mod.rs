//! The map in the centre: the offline basemap (or online OpenStreetMap tiles over it), one
//! marker per place sized by its mentions and coloured by its feature type, labels with a
//! halo, clusters at low zoom, hover tooltips and click selection.
//!
//! walkers markers have no click callback, so the map hit-tests itself: a click (not the
//! end of a drag, and not a frame in which the map moved) selects the nearest marker
//! within its radius. Markers are grouped into clusters per integer zoom level with an
//! R-tree built when the places change (`MarkerIndex`), never per frame, so tens of
//! thousands of places stay interactive.
//!
//! # Files
//! * `mod.rs`: [`MapView`] (the view kept between frames) and [`map_ui`], which draws the
//!   map and returns the user's action.
//! * `clusters.rs`: the marker index and its clusters; `markers.rs`: drawing, hit-testing
//!   and tooltips of markers; `labels.rs`: place names; `overlay.rs`: buttons, legend,
//!   attribution; `tiles.rs`: online tiles and the basemap under them.

pub mod choropleth;
mod clusters;
mod country_labels;
pub mod density;
mod division_labels;
mod label_room;
mod labels;
mod markers;
mod overlay;
mod scale;
mod tiles;
mod town_labels;

use std::collections::HashMap;

use egui::{Color32, Pos2, Rect, Ui, UiBuilder, Vec2};
use rstar::AABB;
use walkers::{MapMemory, Position, Tiles, lon_lat};

use crate::app::Action;
use crate::app::basemap::gpu::BasemapShapeMemo;
use crate::app::basemap::{
    Basemap, BasemapPlugin, ScreenFromMercator, lon_lat_from_mercator, mercator_from_lon_lat,
};
use crate::app::palette;
use crate::app::state::AppState;
use crate::gazetteer::{EntryIndex, Kind};

pub use markers::{DrawnMarker, MarkerTarget, marker_radius};
pub use tiles::{NetworkStatus, tile_cache_dir, tile_url_template};

use crate::app::content_cache::ContentCache;
use clusters::{CLUSTER_MAX_LEVEL, MarkerIndex};
use labels::{draw_labels, label_candidates};
use markers::{MarkerData, marker_at, marker_tooltip, paint_cluster, paint_selected_place};
use overlay::overlay_ui;
use tiles::{BasemapUnderTiles, OnlineTiles};

/// Tile size the zoom levels are defined with (walkers' Web Mercator).
pub(super) const TILE_PX: f64 = 256.0;

/// Zoom levels the map is kept within.
pub(super) const MIN_ZOOM: f64 = 0.5;
pub(super) const MAX_ZOOM: f64 = 18.0;

/// What the map shows of the places.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MapMode {
    /// A marker per place (clustered at low zoom), sized by its mentions.
    #[default]
    Markers,
    /// A heat surface of the mentions: where the news is about.
    Density,
    /// Countries coloured by their mentions; a click shows only that country.
    Countries,
    /// First-level divisions (states, provinces, regions) coloured by the mentions of the
    /// places resolved inside them; a click shows a division's name and count.
    Divisions,
}

/// Everything the map keeps between frames: the view, the marker index, what was drawn
/// last (for hit-testing and tests), online tiles.
pub struct MapView {
    /// Set when the offline basemap failed to load, so the map says why it is bare.
    pub basemap_failed: bool,
    /// The basemap is drawn by its own pipeline, registered in the window's wgpu
    /// renderer (see [`crate::app::basemap::gpu`]); false draws it through egui.
    pub gpu_basemap: bool,
    /// The basemap's shape of the last frame (with [`MapView::gpu_basemap`]).
    basemap_memo: BasemapShapeMemo,
    /// The map's picture kept between frames, once the window's renderer is known
    /// (see `content_cache.rs`).
    content_cache: Option<ContentCache>,
    memory: MapMemory,
    index: Option<MarkerIndex>,
    drawn: Vec<DrawnMarker>,
    map_rect: Option<Rect>,
    fit_pending: bool,
    online: Option<OnlineTiles>,
    tint: HashMap<String, Color32>,
    /// The division view's fill per [`Basemap::division_areas`] entry (empty in the
    /// other views).
    division_tint: Vec<Option<Color32>>,
    /// The division view's mentions and places per (country, admin-1 code), as last
    /// counted (for the note a click shows).
    division_counts: HashMap<(String, String), (usize, usize)>,
    /// What a click on a division says, and where: screen point, text.
    division_note: Option<(Pos2, String)>,
    tint_key: Option<(u64, bool, Option<EntryIndex>, MapMode, bool)>,
    cluster_list: Option<(Pos2, Vec<EntryIndex>)>,
    /// True once the user moved the view (drag, zoom, a place brought into view) since
    /// the last fit: a load that ends then leaves the view where the user put it.
    moved_by_user: bool,
    /// The view (zoom, centre) the last fit made.
    fitted: Option<(f64, Option<Position>)>,
    /// Where the pointer is on the map: (latitude, longitude) in degrees.
    cursor: Option<(f64, f64)>,
    /// The basemap's country names, biggest first, made once the basemap is there.
    country_names: Option<Vec<country_labels::CountryName>>,
    /// A copy drawn for a picture ([`MapView::picture_copy`]): no controls.
    picture: bool,
    /// What the map shows of the places.
    mode: MapMode,
    /// The density view's surface, kept while the view does not change.
    density: density::DensityCache,
    /// The country view's classes of mention counts, as last coloured (for the legend).
    classes: Vec<(usize, usize)>,
    /// The gazetteer's towns that the basemap names, indexed once per gazetteer.
    towns: town_labels::TownLabels,
    /// What the basemap's names took at the last frame (see
    /// [`MapView::basemap_name_rects`]).
    basemap_name_rects: Vec<Rect>,
    /// Where the map was right-clicked, for its menu ("Add a place here"): (latitude,
    /// longitude) in degrees and the basemap's country there (ISO alpha-2).
    context_point: Option<(f64, f64, Option<String>)>,
}

impl MapView {
    /// Where the pointer was on the map at the last frame: (latitude, longitude) in
    /// degrees, for the status bar.
    pub fn cursor(&self) -> Option<(f64, f64)> {
        self.cursor
    }

    /// Where the map was drawn at the last frame (screen points).
    pub fn map_rect(&self) -> Option<Rect> {
        self.map_rect
    }

    /// Where the basemap's names (countries, divisions, towns and their dots) were
    /// placed at the last frame, screen points, with the little margin each keeps.
    pub fn basemap_name_rects(&self) -> &[Rect] {
        &self.basemap_name_rects
    }

    /// True once the gazetteer's towns are indexed for naming (built on a background
    /// thread after the gazetteer arrives).
    pub fn towns_indexed(&self) -> bool {
        self.towns.is_ready()
    }
}

impl std::fmt::Debug for MapView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapView")
            .field("zoom", &self.memory.zoom())
            .field("drawn", &self.drawn.len())
            .field("online", &self.online.is_some())
            .finish()
    }
}

impl Default for MapView {
    fn default() -> Self {
        MapView::new()
    }
}

impl MapView {
    /// A view of Africa and Europe that fits the places once they arrive.
    pub fn new() -> MapView {
        let mut memory = MapMemory::default();
        memory.center_at(lon_lat(10.0, 20.0));
        let _ = memory.set_zoom(2.5);
        MapView {
            basemap_failed: false,
            gpu_basemap: false,
            basemap_memo: BasemapShapeMemo::default(),
            content_cache: None,
            memory,
            index: None,
            drawn: Vec::new(),
            map_rect: None,
            fit_pending: true,
            online: None,
            tint: HashMap::new(),
            division_tint: Vec::new(),
            division_counts: HashMap::new(),
            division_note: None,
            tint_key: None,
            cluster_list: None,
            moved_by_user: false,
            fitted: None,
            cursor: None,
            country_names: None,
            picture: false,
            mode: MapMode::Markers,
            density: density::DensityCache::default(),
            classes: Vec::new(),
            towns: town_labels::TownLabels::default(),
            basemap_name_rects: Vec::new(),
            context_point: None,
        }
    }

    /// Keeps the map's picture between frames in a texture drawn by `render_state`'s
    /// renderer (the window's, in which the basemap's pipeline is registered), so that a
    /// frame in which only the pointer moved does not draw the map again (see
    /// `content_cache.rs`).
    pub fn keep_picture_with(&mut self, render_state: &eframe::egui_wgpu::RenderState) {
        self.content_cache = Some(ContentCache::new(render_state.clone()));
    }

    /// Turns keeping the map's picture on or off, once [`MapView::keep_picture_with`]
    /// gave it a renderer (off: drawn every frame, for tests comparing the two).
    pub fn set_keep_picture(&mut self, on: bool) {
        if let Some(cache) = &mut self.content_cache {
            cache.set_enabled(on);
        }
    }

    /// Frames whose map was shown from the kept picture (tests, measurements).
    pub fn kept_picture_frames(&self) -> u64 {
        self.content_cache.as_ref().map_or(0, ContentCache::hits)
    }

    /// What the map shows of the places.
    pub fn mode(&self) -> MapMode {
        self.mode
    }

    /// Shows the places as markers, a density surface or countries coloured by mentions.
    pub fn set_mode(&mut self, mode: MapMode) {
        self.mode = mode;
        self.tint_key = None;
        self.division_note = None;
    }

    /// The division view's classes of mention counts, as last coloured (the legend's);
    /// also the country view's.
    pub fn classes(&self) -> &[(usize, usize)] {
        &self.classes
    }

    /// What the last click on a division said (the division view), while it is shown.
    pub fn division_note(&self) -> Option<&str> {
        self.division_note.as_ref().map(|(_, text)| text.as_str())
    }

    /// A copy of the view to draw a picture of it (see `app::map_picture`): the same
    /// centre and zoom, the basemap only (no online tiles), no controls.
    pub fn picture_copy(&self) -> MapView {
        MapView {
            basemap_failed: self.basemap_failed,
            memory: self.memory.clone(),
            fit_pending: false,
            country_names: self.country_names.clone(),
            picture: true,
            mode: self.mode,
            towns: self.towns.share(),
            ..MapView::new()
        }
    }

    /// The zoom level (walkers' Web Mercator: 0 shows the world in 256 points).
    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    /// The geographical centre of the view.
    pub fn center(&self) -> Option<Position> {
        self.memory.detached()
    }

    /// The markers drawn in the last frame.
    pub fn drawn_markers(&self) -> &[DrawnMarker] {
        &self.drawn
    }

    /// Where a place's own marker was drawn in the last frame (not part of a cluster).
    pub fn marker_screen_pos(&self, entry: EntryIndex) -> Option<Pos2> {
        self.drawn
            .iter()
            .find(|d| d.target == MarkerTarget::Place(entry))
            .map(|d| d.center)
    }

    /// Fits every place into view on the next frame.
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Fits every place into view on the next frame, unless the user moved the view since
    /// the last fit or [`MapView::forget_moves`] (the end of a load they looked around in).
    pub fn request_fit_unless_moved(&mut self) {
        if !self.moved_by_user {
            self.fit_pending = true;
        }
    }

    /// True if the user moved the view since the last fit (or [`MapView::forget_moves`]).
    pub fn moved_by_user(&self) -> bool {
        self.moved_by_user
    }

    /// Forgets that the user moved the view (a new load begins).
    pub fn forget_moves(&mut self) {
        self.moved_by_user = false;
    }

    /// Switches online tiles on or off (they start downloading on the next frame).
    pub fn set_online(&mut self, on: bool, ctx: &egui::Context) {
        if on && self.online.is_none() {
            self.online = Some(OnlineTiles::new(ctx));
        } else if !on {
            self.online = None;
        }
    }

    /// True if online tiles are on.
    pub fn is_online(&self) -> bool {
        self.online.is_some()
    }

    /// Whether the tile server is reachable, while online tiles are on.
    pub fn network_status(&self) -> Option<&NetworkStatus> {
        self.online.as_ref().map(|o| &o.status)
    }

    /// Sets the view to show a box `[west, south, east, north]` (degrees), at most at
    /// `max_zoom`. A box crossing the antimeridian (`west > east`) is centred on its middle.
    fn fit_bounds(&mut self, bounds: [f64; 4], max_zoom: f64, size: Vec2) {
        let [west, south, mut east, north] = bounds;
        if west > east {
            // Crosses the antimeridian: unwrap it eastwards (Mercator x then runs past 1).
            east += 360.0;
        }
        let min = mercator_from_lon_lat(west, north);
        let max = mercator_from_lon_lat(east, south);
        let dx = (max[0] - min[0]).max(1e-9);
        let dy = (max[1] - min[1]).max(1e-9);
        let pad = 48.0;
        let w = (f64::from(size.x) - 2.0 * pad).max(64.0);
        let h = (f64::from(size.y) - 2.0 * pad).max(64.0);
        let zoom = (w / (dx * TILE_PX))
            .min(h / (dy * TILE_PX))
            .log2()
            .clamp(MIN_ZOOM, max_zoom);
        let [mut lon, lat] =
            lon_lat_from_mercator([(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0]);
        if lon > 180.0 {
            lon -= 360.0;
        }
        self.memory.center_at(lon_lat(lon, lat));
        let _ = self.memory.set_zoom(zoom);
    }

    fn fit_all(&mut self, size: Vec2) {
        self.moved_by_user = false;
        let Some(index) = &self.index else {
            return;
        };
        if index.markers.is_empty() {
            return;
        }
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for m in &index.markers {
            b[0] = b[0].min(m.lon);
            b[1] = b[1].min(m.lat);
            b[2] = b[2].max(m.lon);
            b[3] = b[3].max(m.lat);
        }
        self.fit_bounds(b, 7.0, size);
        self.fitted = Some((self.memory.zoom(), self.memory.detached()));
    }

    /// Brings a place into view: a country, division or region fitted to its extent, a
    /// city centred at zoom 6 or closer.
    pub fn focus(&mut self, state: &AppState, basemap: Option<&Basemap>, entry: EntryIndex) {
        let Some(g) = state.gazetteer() else {
            return;
        };
        self.moved_by_user = true;
        let e = g.entry(entry);
        let size = self
            .map_rect
            .map(|r| r.size())
            .unwrap_or(Vec2::new(800.0, 600.0));
        let bounds = match e.kind {
            Kind::Country => e.bbox.or_else(|| {
                e.country_code
                    .as_deref()
                    .and_then(|cc| basemap.and_then(|b| b.country_bounds(cc)))
            }),
            Kind::Admin1 | Kind::Admin2 | Kind::Region | Kind::Physical => e.bbox,
            Kind::Place | Kind::Demonym => None,
        };
        match bounds {
            Some(b) if b.iter().all(|v| v.is_finite()) => self.fit_bounds(b, 9.0, size),
            _ => {
                self.memory.center_at(lon_lat(e.lon, e.lat));
                if self.memory.zoom() < 6.0 {
                    let _ = self.memory.set_zoom(6.0);
                }
            }
        }
    }

    fn update_tint(&mut self, state: &AppState, basemap: Option<&Basemap>, dark: bool) {
        let key = (
            state.revision(),
            dark,
            state.selected(),
            self.mode,
            basemap.is_some(),
        );
        if self.tint_key == Some(key) {
            return;
        }
        self.tint_key = Some(key);
        self.tint.clear();
        self.division_tint.clear();
        self.division_counts.clear();
        self.classes.clear();
        let Some(g) = state.gazetteer() else {
            return;
        };
        if self.mode == MapMode::Density {
            // The land stays plain under the heat.
            return;
        }
        if self.mode == MapMode::Countries {
            // Every mention counts for its place's country, hidden countries left out.
            let counts: Vec<(&str, usize)> = state
                .country_counts()
                .iter()
                .filter(|c| {
                    !c.key.is_empty()
                        && c.mentions > 0
                        && !state.filter().hidden_countries.contains(&c.key)
                })
                .map(|c| (c.key.as_str(), c.mentions))
                .collect();
            let mentions: Vec<usize> = counts.iter().map(|c| c.1).collect();
            let (classes, fills) = choropleth::classify(&mentions, dark);
            self.classes = classes;
            for ((cc, _), fill) in counts.iter().zip(fills) {
                if let Some(fill) = fill {
                    self.tint.insert(cc.to_string(), fill);
                }
            }
            return;
        }
        if self.mode == MapMode::Divisions {
            // Every mention of a place inside a division counts for it (the places
            // shown already follow every filter and the timeline).
            self.division_counts = crate::corpus::division_counts(g, state.places())
                .into_iter()
                .map(|c| ((c.country, c.admin1), (c.mentions, c.places)))
                .collect();
            let Some(basemap) = basemap else {
                return;
            };
            let mentions: Vec<usize> = basemap
                .division_areas()
                .iter()
                .map(|a| {
                    self.division_counts
                        .get(&(a.iso_a2.clone(), a.admin1_code.clone()))
                        .map_or(0, |c| c.0)
                })
                .collect();
            let (classes, fills) = choropleth::classify(&mentions, dark);
            self.classes = classes;
            self.division_tint = fills;
            return;
        }
        let countries: Vec<(&str, usize, bool)> = state
            .places()
            .iter()
            .filter_map(|p| {
                let e = g.entry(p.entry);
                (e.kind == Kind::Country)
                    .then_some(())
                    .and(e.country_code.as_deref())
                    .map(|cc| (cc, p.mention_count, state.selected() == Some(p.entry)))
            })
            .collect();
        let most = countries.iter().map(|c| c.1).max().unwrap_or(1).max(1) as f32;
        for (cc, mentions, selected) in countries {
            let share = (mentions as f32).sqrt() / most.sqrt();
            self.tint
                .insert(cc.to_string(), palette::country_tint(share, selected, dark));
        }
    }
}

/// Draws the map and returns what the user did on it.
pub fn map_ui(
    ui: &mut Ui,
    view: &mut MapView,
    state: &AppState,
    basemap: Option<&Basemap>,
) -> Option<Action> {
    let dark = ui.visuals().dark_mode;
    let ctx = ui.ctx().clone();
    if view
        .index
        .as_ref()
        .is_none_or(|i| i.revision != state.revision())
    {
        view.index = Some(MarkerIndex::build(state));
        view.cluster_list = None;
    }
    view.update_tint(state, basemap, dark);
    if let Some(online) = &mut view.online {
        online.poll(&ctx);
    }

    let rect = ui.available_rect_before_wrap();
    view.map_rect = Some(rect);
    if view.fit_pending && view.index.as_ref().is_some_and(|i| !i.markers.is_empty()) {
        view.fit_pending = false;
        view.fit_all(rect.size());
    }

    let mut action = None;
    let mut map_ui = ui.new_child(UiBuilder::new().max_rect(rect));
    // The map's content is what is painted in its layer from here to the end of
    // `Map::show`; the overlay, drawn after, stays egui's every frame.
    let content_layer = map_ui.layer_id();
    let content_start = ContentCache::begin(&ctx, content_layer);
    // With online tiles, the basemap goes in a slot painted before the tiles.
    let basemap_slot = view
        .online
        .as_ref()
        .map(|_| map_ui.painter_at(rect).add(egui::Shape::Noop));

    if view.country_names.is_none()
        && let Some(basemap) = basemap
    {
        view.country_names = Some(country_labels::country_names(basemap));
    }
    let towns = view.towns.index(state.gazetteer_arc(), &ctx);
    let MapView {
        memory,
        index,
        drawn,
        online,
        tint,
        division_tint,
        division_counts,
        division_note,
        cluster_list,
        cursor,
        country_names,
        mode,
        density,
        basemap_name_rects,
        context_point,
        picture,
        gpu_basemap,
        basemap_memo,
        ..
    } = view;
    let picture = *picture;
    let mode = *mode;
    let selected = state.selected();
    let tiles: Option<&mut dyn Tiles> = online.as_mut().map(|o| &mut o.tiles as &mut dyn Tiles);
    let mut cluster_zoom: Option<[f64; 4]> = None;
    let map = walkers::Map::new(tiles, memory, lon_lat(10.0, 20.0))
        .zoom_with_ctrl(false)
        .double_click_to_zoom(true)
        .double_click_to_zoom_out(true);
    let map = match basemap_slot {
        Some(slot) => map.with_plugin(BasemapUnderTiles {
            slot,
            basemap,
            tint,
            division_tint,
            dark,
        }),
        None => map.with_plugin(BasemapPlugin {
            basemap,
            tint,
            division_tint,
            dark,
            gpu: (*gpu_basemap && !picture).then_some(basemap_memo),
        }),
    };
    map.show(&mut map_ui, |ui, response, projector, _memory| {
        *cursor = response.hover_pos().map(|p| {
            let at = projector.unproject(p.to_vec2());
            (at.y(), at.x())
        });
        let Some(index) = index.as_mut() else {
            return;
        };
        drawn.clear();
        let zoom = projector.zoom();
        let level = zoom.floor().clamp(0.0, f64::from(CLUSTER_MAX_LEVEL)) as u8;
        // The view in Mercator space, widened by the largest marker radius.
        let world_px = TILE_PX * 2f64.powf(zoom);
        let corner_a = projector.unproject(rect.min.to_vec2());
        let corner_b = projector.unproject(rect.max.to_vec2());
        let a = mercator_from_lon_lat(corner_a.x(), corner_a.y());
        let b = mercator_from_lon_lat(corner_b.x(), corner_b.y());
        let margin = 40.0 / world_px;
        let envelope = AABB::from_corners(
            [a[0].min(b[0]) - margin, a[1].min(b[1]) - margin],
            [a[0].max(b[0]) + margin, a[1].max(b[1]) + margin],
        );
        let (markers, level_data, by_entry) = index.level(level);
        let find = |e: EntryIndex| by_entry.get(&e).map(|&i| &markers[i]);
        let mut visible: Vec<usize> = level_data
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|p| p.data)
            .collect();
        // Draw the biggest first, so that small markers stay on top and clickable.
        visible.sort_by_key(|&c| std::cmp::Reverse(level_data.clusters[c].mentions));

        let painter = ui.painter().with_clip_rect(rect);
        if mode != MapMode::Markers {
            visible.clear();
        }
        if mode == MapMode::Density {
            let c = projector.unproject(rect.center().to_vec2());
            let key = (
                state.revision(),
                [zoom.to_bits(), c.x().to_bits(), c.y().to_bits()],
                [rect.min.x, rect.min.y, rect.max.x, rect.max.y].map(f32::to_bits),
                dark,
            );
            let mesh = density.get(key, || {
                let points = state.places().iter().filter_map(|p| {
                    let m = find(p.entry)?;
                    let at = projector.project(lon_lat(m.lon, m.lat)).to_pos2();
                    Some((at, p.mention_count as f32))
                });
                density::density_mesh(points, rect, dark)
            });
            painter.add(egui::Shape::Mesh(mesh));
        }
        // The basemap's names (countries, divisions, towns) go under the markers: a slot
        // now, filled once the markers and their labels are placed (names keep clear of
        // them).
        let names_slot = painter.add(egui::Shape::Noop);
        for &c in &visible {
            let cluster = &level_data.clusters[c];
            let lead = &markers[cluster.members[0]];
            let center = projector.project(lon_lat(lead.lon, lead.lat)).to_pos2();
            drawn.push(paint_cluster(
                &painter,
                center,
                (&cluster.members, cluster.mentions),
                markers,
                selected,
                dark,
            ));
        }

        // The selection is always drawn as itself, on top, even inside a cluster.
        if let Some(sel) = selected
            && mode == MapMode::Markers
            && !drawn.iter().any(|d| d.target == MarkerTarget::Place(sel))
            && let Some(m) = find(sel)
        {
            let center = projector.project(lon_lat(m.lon, m.lat)).to_pos2();
            if rect.expand(20.0).contains(center) {
                drawn.push(paint_selected_place(&painter, center, m, dark));
            }
        }

        let labels = label_candidates(drawn, &find, selected);
        let label_rects = draw_labels(&painter, drawn, labels, dark);
        // The basemap's names keep clear of the markers and their labels, then of each
        // other: countries, then divisions, then towns.
        let mut room = label_room::LabelRoom::new(rect);
        for d in drawn.iter() {
            let r = d.radius + 2.0;
            room.take(Rect::from_center_size(
                d.center,
                egui::vec2(2.0 * r, 2.0 * r),
            ));
        }
        for r in label_rects {
            room.take(r.expand(2.0));
        }
        for r in overlay_rects(rect) {
            room.take(r);
        }
        let first_name = room.taken().len();
        let mut names = Vec::new();
        if let Some(countries) = country_names.as_deref() {
            let font = egui::FontId::proportional(country_labels::NAME_SIZE);
            let placed = country_labels::place_names(
                countries,
                |lon, lat| projector.project(lon_lat(lon, lat)).to_pos2(),
                |name| {
                    painter
                        .layout_no_wrap(name.to_uppercase(), font.clone(), Color32::WHITE)
                        .size()
                },
                &mut room,
            );
            names.extend(country_labels::name_shapes(&painter, &placed, dark));
        }
        // Capitals and big cities, then division names, then the other towns: a
        // division's name never takes a capital's place, and small towns fill in around.
        let transform = ScreenFromMercator::from_projector(projector);
        let candidates = match towns {
            Some(towns) if state.gazetteer().is_some() => {
                towns.candidates(zoom, transform.mercator_bounds(rect))
            }
            _ => Vec::new(),
        };
        let major = candidates.partition_point(|t| town_labels::is_major(t));
        let (major_towns, other_towns) = candidates.split_at(major);
        let place_towns = |towns: &[&town_labels::Town], room: &mut label_room::LabelRoom| {
            let Some(g) = state.gazetteer() else {
                return Vec::new();
            };
            let placed = town_labels::place_towns(
                towns,
                |m| transform.screen_from_mercator(m),
                |entry| town_labels::town_name(g, entry),
                |name, capital| {
                    painter
                        .layout_no_wrap(
                            name.to_string(),
                            town_labels::name_font(capital),
                            Color32::WHITE,
                        )
                        .size()
                },
                room,
            );
            town_labels::town_shapes(&painter, &placed, dark)
        };
        names.extend(place_towns(major_towns, &mut room));
        if let Some(basemap) = basemap
            && zoom >= division_labels::DIVISIONS_MIN_ZOOM
        {
            let font = egui::FontId::proportional(division_labels::NAME_SIZE);
            let placed = division_labels::place_division_names(
                basemap.divisions(),
                |lon, lat| projector.project(lon_lat(lon, lat)).to_pos2(),
                |name| {
                    painter
                        .layout_no_wrap(name.to_string(), font.clone(), Color32::WHITE)
                        .size()
                },
                &mut room,
            );
            let on_fills = mode == MapMode::Divisions;
            names.extend(division_labels::name_shapes(
                &painter, &placed, dark, on_fills,
            ));
        }
        names.extend(place_towns(other_towns, &mut room));
        painter.set(names_slot, egui::Shape::Vec(names));
        basemap_name_rects.clear();
        basemap_name_rects.extend_from_slice(room.taken().get(first_name..).unwrap_or(&[]));
        // The scale bar, bottom right above the attribution, at the view's centre; over
        // the markers, so that it is never hidden.
        let centre = projector.unproject(rect.center().to_vec2());
        if let Some((length, label)) =
            scale::scale_bar(scale::metres_per_point(centre.y(), projector.zoom()), 120.0)
        {
            scale::paint(
                &ui.painter().with_clip_rect(rect),
                rect.right_bottom() + egui::vec2(-12.0, -36.0),
                length,
                &label,
                dark,
            );
        }

        // Right-click: a menu for the point under the pointer (not in a picture).
        if !picture {
            if response.secondary_clicked()
                && let Some(p) = response.interact_pointer_pos()
            {
                let ll = projector.unproject(p.to_vec2());
                let country = basemap
                    .and_then(|b| b.country_at(mercator_from_lon_lat(ll.x(), ll.y()), zoom))
                    .map(str::to_string);
                *context_point = Some((ll.y(), ll.x(), country));
            }
            response.context_menu(|ui| {
                let Some((lat, lon, country)) = context_point.clone() else {
                    ui.close();
                    return;
                };
                ui.weak(format!("{lat:.4}, {lon:.4}"));
                if ui
                    .button("Add a place here")
                    .on_hover_text("Add a place of your own at this point: its name is then found in every document")
                    .clicked()
                {
                    action = Some(Action::NewPlaceAt { lat, lon, country });
                    ui.close();
                }
                if ui
                    .button("My places…")
                    .on_hover_text("Your own places: edit, delete, import a list, export")
                    .clicked()
                {
                    action = Some(Action::ShowMyPlaces);
                    ui.close();
                }
            });
        }

        if response.dragged() {
            *division_note = None;
        }
        // Hover and click: the nearest marker within its radius.
        let hit = |pos: Pos2| marker_at(drawn, pos);
        let hovered = response.hover_pos().and_then(hit);
        if let Some(marker) = hovered {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            if !response.dragged() {
                marker_tooltip(ui, response, marker, &find, state);
            }
        }
        // A click, not the end of a drag: egui reports no click after the pointer moved,
        // and `changed` is set when the map moved this frame.
        if response.clicked_by(egui::PointerButton::Primary) && !response.changed() {
            let target = response
                .interact_pointer_pos()
                .and_then(|p| hit(p).cloned());
            match target {
                Some(DrawnMarker {
                    target: MarkerTarget::Place(entry),
                    ..
                }) => {
                    *cluster_list = None;
                    action = Some(Action::Select(Some(entry)));
                }
                Some(DrawnMarker {
                    center,
                    target: MarkerTarget::Cluster(entries),
                    ..
                }) => {
                    // Zoom into it, or list its places if they cannot be told apart.
                    let members: Vec<&MarkerData> =
                        entries.iter().filter_map(|e| find(*e)).collect();
                    let mut bounds = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
                    for m in &members {
                        bounds[0] = bounds[0].min(m.lon);
                        bounds[1] = bounds[1].min(m.lat);
                        bounds[2] = bounds[2].max(m.lon);
                        bounds[3] = bounds[3].max(m.lat);
                    }
                    let span = (bounds[2] - bounds[0]).max(bounds[3] - bounds[1]);
                    if span < 1e-4 || zoom >= f64::from(CLUSTER_MAX_LEVEL) - 1.0 {
                        *cluster_list = Some((center, entries));
                    } else {
                        *cluster_list = None;
                        cluster_zoom = Some(bounds);
                    }
                }
                None if mode == MapMode::Countries => {
                    // The country under the click: show only it, or all again.
                    let at = response.interact_pointer_pos().map(|p| {
                        let ll = projector.unproject(p.to_vec2());
                        mercator_from_lon_lat(ll.x(), ll.y())
                    });
                    if let Some(cc) = at.and_then(|m| basemap.and_then(|b| b.country_at(m, zoom))) {
                        let only = state.filter().hidden_countries.len() + 1
                            == state.country_counts().len()
                            && !state.filter().hidden_countries.contains(cc);
                        action = Some(if only {
                            Action::ShowAllCountries
                        } else {
                            Action::ShowOnlyCountry(cc.to_string())
                        });
                    }
                }
                None if mode == MapMode::Divisions => {
                    // The division under the click: its name and count (the filter
                    // cannot show only a division).
                    *division_note = response.interact_pointer_pos().and_then(|p| {
                        let ll = projector.unproject(p.to_vec2());
                        let m = mercator_from_lon_lat(ll.x(), ll.y());
                        let basemap = basemap?;
                        let area = basemap.division_areas().get(basemap.division_at(m, zoom)?)?;
                        Some((p, division_note_text(state, area, division_counts)))
                    });
                }
                None => {
                    if cluster_list.take().is_none() {
                        action = Some(Action::Select(None));
                    }
                }
            }
        }
    });

    // Online tiles keep being drawn by egui: they arrive one by one and walkers fades
    // them in, and their textures are walkers' to change.
    if view.online.is_none()
        && !view.picture
        && let Some(cache) = &mut view.content_cache
    {
        let beneath = ctx.global_style().visuals.panel_fill;
        cache.end(&ctx, content_layer, content_start, rect, beneath);
    }

    if let Some(bounds) = cluster_zoom {
        view.fit_bounds(bounds, f64::from(CLUSTER_MAX_LEVEL), rect.size());
    }

    let divisions_ready = basemap.is_some_and(Basemap::division_areas_ready);
    if let Some(a) = overlay_ui(&mut map_ui, view, state, rect, dark, divisions_ready) {
        action = Some(a);
    }
    if view
        .fitted
        .is_some_and(|v| v != (view.memory.zoom(), view.memory.detached()))
    {
        view.moved_by_user = true;
    }
    action
}

/// What a click on a division says: its name (and its GeoNames division's, when that
/// is a larger unit, as a French department's region), its country, and the mentions
/// and places counted in it.
fn division_note_text(
    state: &AppState,
    area: &crate::app::basemap::BasemapDivisionArea,
    counts: &HashMap<(String, String), (usize, usize)>,
) -> String {
    let g = state.gazetteer();
    let country = g
        .map(|g| crate::corpus::country_name(g, &area.iso_a2))
        .unwrap_or_else(|| area.iso_a2.clone());
    if area.admin1_code.is_empty() {
        return format!(
            "{}, {country}: not matched to a GeoNames division",
            area.name
        );
    }
    let division = g
        .and_then(|g| g.admin1_entry(&area.iso_a2, &area.admin1_code))
        .and_then(|i| g.map(|g| g.entry(i).name.clone()));
    let name = match division {
        Some(d) if crate::fold::fold_name(&d) != crate::fold::fold_name(&area.name) => {
            format!("{} ({d})", area.name)
        }
        _ => area.name.clone(),
    };
    let (mentions, places) = counts
        .get(&(area.iso_a2.clone(), area.admin1_code.clone()))
        .copied()
        .unwrap_or((0, 0));
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if mentions == 0 {
        format!("{name}, {country}: no mentions")
    } else {
        format!(
            "{name}, {country}: {} in {}",
            plural(mentions, "mention"),
            plural(places, "place")
        )
    }
}

/// Where the overlay (`overlay.rs`, `scale.rs`) covers the map, roughly: the buttons top
/// left, the legend along the bottom, the scale bar and attribution bottom right. The
/// basemap's names keep clear of them, so that none is half hidden.
fn overlay_rects(map: Rect) -> [Rect; 3] {
    [
        Rect::from_min_size(map.min, Vec2::new(280.0, 44.0)),
        Rect::from_min_max(Pos2::new(map.min.x, map.max.y - 40.0), map.max),
        Rect::from_min_max(Pos2::new(map.max.x - 190.0, map.max.y - 72.0), map.max),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_bounds_centres_and_zooms() {
        let mut view = MapView::new();
        view.fit_bounds([0.0, 10.0, 20.0, 20.0], 10.0, Vec2::new(800.0, 600.0));
        let center = view.center().expect("detached");
        assert!((center.x() - 10.0).abs() < 1e-6);
        assert!(center.y() > 10.0 && center.y() < 20.0);
        // 20° of longitude in ~700 points: 256·2^z·20/360 ≈ 700 → z ≈ 5.6.
        assert!((5.0..6.0).contains(&view.zoom()), "{}", view.zoom());
        // A box over the antimeridian (Fiji-like) is centred on it, not on Greenwich.
        view.fit_bounds([177.0, -20.0, -178.0, -15.0], 10.0, Vec2::new(800.0, 600.0));
        let center = view.center().expect("detached");
        assert!(center.x().abs() > 179.0, "{}", center.x());
        assert!(view.zoom() > 5.0);
        // A point: the zoom is capped.
        view.fit_bounds([2.1, 13.5, 2.1, 13.5], 7.0, Vec2::new(800.0, 600.0));
        assert_eq!(view.zoom(), 7.0);
    }
}
