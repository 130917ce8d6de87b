//! The map in the centre: the offline basemap (or online OpenStreetMap tiles over it), one
//! marker per place sized by its mentions and coloured by its feature type, labels with a
//! halo, clusters at low zoom, hover tooltips and click selection.
//!
//! walkers markers have no click callback, so the map hit-tests itself: a click (not the
//! end of a drag, and not a frame in which the map moved) selects the nearest marker
//! within its radius. Markers are grouped into clusters per integer zoom level with an
//! R-tree built when the places change (`MarkerIndex`), never per frame, so tens of
//! thousands of places stay interactive.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use egui::{Align2, Color32, FontId, Pos2, Rect, Response, Sense, Stroke, Ui, UiBuilder, Vec2};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use walkers::{HttpTiles, MapMemory, Plugin, Position, Projector, Tiles, lon_lat};

use crate::app::Action;
use crate::app::basemap::{
    Basemap, BasemapPlugin, ScreenFromMercator, fallback_mesh, lon_lat_from_mercator,
    mercator_from_lon_lat,
};
use crate::app::palette;
use crate::app::state::AppState;
use crate::gazetteer::{EntryIndex, Kind};

/// Pixels between marker centres below which markers merge into a cluster.
const CLUSTER_RADIUS_PX: f64 = 44.0;
/// From this integer zoom level on, every place has its own marker.
const CLUSTER_MAX_LEVEL: u8 = 13;
/// Tile size the zoom levels are defined with (walkers' Web Mercator).
const TILE_PX: f64 = 256.0;
/// Most labels drawn in one frame.
const MAX_LABELS: usize = 250;
/// Hit radius added to a marker's radius, in points.
const HIT_SLOP: f32 = 4.0;
/// Zoom levels the map is kept within.
const MIN_ZOOM: f64 = 0.5;
const MAX_ZOOM: f64 = 18.0;

/// One place as the map draws it.
#[derive(Debug, Clone)]
struct MarkerData {
    entry: EntryIndex,
    name: String,
    country: String,
    kind: Kind,
    mentions: usize,
    lon: f64,
    lat: f64,
    pos_in_mercator: [f64; 2],
}

/// A group of markers drawn as one circle at one zoom level; a single marker is a cluster
/// of one.
#[derive(Debug, Clone)]
struct Cluster {
    /// Indexes into [`MarkerIndex::markers`]; the first is the most mentioned, and the
    /// cluster is drawn at its position.
    members: Vec<usize>,
    mentions: usize,
}

type Point = GeomWithData<[f64; 2], usize>;

#[derive(Debug)]
struct ClusterLevel {
    clusters: Vec<Cluster>,
    tree: RTree<Point>,
}

/// The places of one [`AppState::revision`], with an R-tree over them and the clusters of
/// each zoom level (built on first use of the level).
#[derive(Debug)]
struct MarkerIndex {
    revision: u64,
    /// Sorted by mentions, most first (as [`AppState::places`]).
    markers: Vec<MarkerData>,
    tree: RTree<Point>,
    /// Marker index of each entry.
    by_entry: HashMap<EntryIndex, usize>,
    levels: HashMap<u8, ClusterLevel>,
}

impl MarkerIndex {
    fn build(state: &AppState) -> MarkerIndex {
        let mut markers = Vec::with_capacity(state.places().len());
        if let Some(g) = state.gazetteer() {
            for p in state.places() {
                let e = g.entry(p.entry);
                if !(e.lat.is_finite() && e.lon.is_finite()) {
                    continue;
                }
                markers.push(MarkerData {
                    entry: p.entry,
                    name: e.name.clone(),
                    country: crate::analysis::country_name(
                        g,
                        e.country_code.as_deref().unwrap_or(""),
                    ),
                    kind: e.kind,
                    mentions: p.mentions.len(),
                    lon: e.lon,
                    lat: e.lat,
                    pos_in_mercator: mercator_from_lon_lat(e.lon, e.lat),
                });
            }
        }
        let tree = RTree::bulk_load(
            markers
                .iter()
                .enumerate()
                .map(|(i, m)| Point::new(m.pos_in_mercator, i))
                .collect(),
        );
        let by_entry = markers
            .iter()
            .enumerate()
            .map(|(i, m)| (m.entry, i))
            .collect();
        MarkerIndex {
            revision: state.revision(),
            markers,
            tree,
            by_entry,
            levels: HashMap::new(),
        }
    }

    /// The clusters at integer zoom `level`, built greedily: the most mentioned marker not
    /// yet taken gathers every free marker within [`CLUSTER_RADIUS_PX`].
    #[allow(clippy::type_complexity)]
    fn level(&mut self, level: u8) -> (&[MarkerData], &ClusterLevel, &HashMap<EntryIndex, usize>) {
        let level = level.min(CLUSTER_MAX_LEVEL);
        let markers = &self.markers;
        let tree = &self.tree;
        let built = self.levels.entry(level).or_insert_with(|| {
            let mut clusters = Vec::new();
            if level >= CLUSTER_MAX_LEVEL {
                clusters = (0..markers.len())
                    .map(|i| Cluster {
                        members: vec![i],
                        mentions: markers[i].mentions,
                    })
                    .collect();
            } else {
                let radius = CLUSTER_RADIUS_PX / (TILE_PX * f64::from(1u32 << level));
                let mut taken = vec![false; markers.len()];
                for seed in 0..markers.len() {
                    if taken[seed] {
                        continue;
                    }
                    taken[seed] = true;
                    let mut members = vec![seed];
                    for p in
                        tree.locate_within_distance(markers[seed].pos_in_mercator, radius * radius)
                    {
                        if !taken[p.data] {
                            taken[p.data] = true;
                            members.push(p.data);
                        }
                    }
                    members[1..].sort_by_key(|&i| std::cmp::Reverse(markers[i].mentions));
                    let mentions = members.iter().map(|&i| markers[i].mentions).sum();
                    clusters.push(Cluster { members, mentions });
                }
            }
            let tree = RTree::bulk_load(
                clusters
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Point::new(markers[c.members[0]].pos_in_mercator, i))
                    .collect(),
            );
            ClusterLevel { clusters, tree }
        });
        (&self.markers, built, &self.by_entry)
    }
}

/// What a drawn marker stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkerTarget {
    /// One place.
    Place(EntryIndex),
    /// Several places drawn as one circle (most mentioned first).
    Cluster(Vec<EntryIndex>),
}

/// A marker as drawn in the last frame, in screen points.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnMarker {
    /// Its centre.
    pub center: Pos2,
    /// Its radius.
    pub radius: f32,
    /// What it stands for.
    pub target: MarkerTarget,
}

/// Whether the online tile server can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkStatus {
    /// Checking.
    Checking,
    /// The server answered.
    Reachable,
    /// It could not be reached; the message says why.
    Unreachable(String),
}

/// OpenStreetMap's standard tiles.
const OSM_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// Where online tiles come from: `$GAZETTE_TILE_URL` if set (a mirror or cache of
/// OpenStreetMap's standard tiles, with `{z}`, `{x}` and `{y}` in it), else
/// `https://tile.openstreetmap.org/{z}/{x}/{y}.png`.
pub fn tile_url_template() -> String {
    std::env::var("GAZETTE_TILE_URL")
        .ok()
        .filter(|t| t.contains("{z}") && t.contains("{x}") && t.contains("{y}"))
        .unwrap_or_else(|| OSM_TILE_URL.to_string())
}

/// `host:port` of a tile URL template, for the reachability probe.
fn tile_host(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    let authority = rest.split('/').next()?;
    if authority.is_empty() {
        return None;
    }
    if authority.contains(':') {
        Some(authority.to_string())
    } else {
        let port = if scheme.eq_ignore_ascii_case("http") {
            80
        } else {
            443
        };
        Some(format!("{authority}:{port}"))
    }
}

/// OpenStreetMap's standard tiles, from [`tile_url_template`].
struct OsmTiles {
    template: String,
}

impl walkers::sources::TileSource for OsmTiles {
    fn tile_url(&self, tile_id: walkers::TileId) -> String {
        self.template
            .replace("{z}", &tile_id.zoom.to_string())
            .replace("{x}", &tile_id.x.to_string())
            .replace("{y}", &tile_id.y.to_string())
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        walkers::sources::Attribution {
            text: "OpenStreetMap contributors",
            url: "https://www.openstreetmap.org/copyright",
            logo_light: None,
            logo_dark: None,
        }
    }
}

struct OnlineTiles {
    tiles: HttpTiles,
    status: NetworkStatus,
    probe: Option<Receiver<Result<(), String>>>,
    last_probe: Instant,
}

impl OnlineTiles {
    fn new(ctx: &egui::Context) -> OnlineTiles {
        let mut online = OnlineTiles {
            tiles: http_tiles(ctx),
            status: NetworkStatus::Checking,
            probe: None,
            last_probe: Instant::now(),
        };
        online.start_probe(ctx);
        online
    }

    fn start_probe(&mut self, ctx: &egui::Context) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("gazette-network-probe".into())
            .spawn(move || {
                let _ = tx.send(probe_tile_server());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.probe = Some(rx),
            Err(e) => self.status = NetworkStatus::Unreachable(e.to_string()),
        }
        self.last_probe = Instant::now();
    }

    /// Takes the probe's answer; re-probes every 30 s while the server is unreachable, and
    /// starts the tiles afresh when it comes back (failed tiles are never retried).
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.probe
            && let Ok(result) = rx.try_recv()
        {
            self.probe = None;
            let was_unreachable = matches!(self.status, NetworkStatus::Unreachable(_));
            self.status = match result {
                Ok(()) => NetworkStatus::Reachable,
                Err(e) => NetworkStatus::Unreachable(e),
            };
            if was_unreachable && self.status == NetworkStatus::Reachable {
                self.tiles = http_tiles(ctx);
            }
        }
        if self.probe.is_none()
            && matches!(self.status, NetworkStatus::Unreachable(_))
            && self.last_probe.elapsed() > Duration::from_secs(30)
        {
            self.start_probe(ctx);
        }
        if matches!(self.status, NetworkStatus::Unreachable(_)) {
            ctx.request_repaint_after(Duration::from_secs(30));
        }
    }
}

fn probe_tile_server() -> Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let template = tile_url_template();
    let host = tile_host(&template).ok_or_else(|| format!("bad tile URL {template}"))?;
    let addrs = host
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host} ({e})"))?;
    let mut last = String::from("no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(4)) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("cannot connect to {host} ({last})"))
}

/// Where downloaded tiles are cached: the user cache folder (`$XDG_CACHE_HOME`,
/// `~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%`) `/gazette/osm-tiles`.
pub fn tile_cache_dir() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library").join("Caches"))
    } else {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
    }?;
    Some(base.join("gazette").join("osm-tiles"))
}

fn http_tiles(ctx: &egui::Context) -> HttpTiles {
    let options = walkers::HttpOptions {
        cache: tile_cache_dir(),
        user_agent: Some(walkers::HeaderValue::from_static(concat!(
            "Gazette/",
            env!("CARGO_PKG_VERSION"),
            " (desktop news geoparser; walkers)"
        ))),
        ..Default::default()
    };
    HttpTiles::with_options(
        OsmTiles {
            template: tile_url_template(),
        },
        options,
        ctx.clone(),
    )
}

/// The basemap under online tiles. walkers paints tiles before plugins, so a plugin would
/// cover them: instead, a shape slot is reserved in the map's layer before the tiles are
/// painted, and this plugin fills it with the basemap mesh (the same mesh
/// [`BasemapPlugin`] draws, tints included). Where a tile is missing (no network, not
/// downloaded yet) the basemap shows through; the map is never blank.
struct BasemapUnderTiles<'a> {
    slot: egui::layers::ShapeIdx,
    basemap: Option<&'a Basemap>,
    tint: &'a HashMap<String, Color32>,
    dark: bool,
}

impl Plugin for BasemapUnderTiles<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _map_memory: &MapMemory,
    ) {
        let viewport = response.rect.intersect(ui.clip_rect());
        if !viewport.is_positive() {
            return;
        }
        let transform = ScreenFromMercator::from_projector(projector);
        let pixels_per_point = ui.ctx().pixels_per_point();
        let mesh = match self.basemap {
            Some(b) => b.build_mesh(&transform, viewport, self.tint, self.dark, pixels_per_point),
            None => fallback_mesh(&transform, viewport, self.dark, pixels_per_point),
        };
        ui.painter().set(self.slot, egui::Shape::mesh(mesh));
    }
}

/// Everything the map keeps between frames: the view, the marker index, what was drawn
/// last (for hit-testing and tests), online tiles.
pub struct MapView {
    /// Set when the offline basemap failed to load, so the map says why it is bare.
    pub basemap_failed: bool,
    memory: MapMemory,
    index: Option<MarkerIndex>,
    drawn: Vec<DrawnMarker>,
    map_rect: Option<Rect>,
    fit_pending: bool,
    online: Option<OnlineTiles>,
    tint: HashMap<String, Color32>,
    tint_key: Option<(u64, bool, Option<EntryIndex>)>,
    cluster_list: Option<(Pos2, Vec<EntryIndex>)>,
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
            memory,
            index: None,
            drawn: Vec::new(),
            map_rect: None,
            fit_pending: true,
            online: None,
            tint: HashMap::new(),
            tint_key: None,
            cluster_list: None,
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
    }

    /// Brings a place into view: a country, division or region fitted to its extent, a
    /// city centred at zoom 6 or closer.
    pub fn focus(&mut self, state: &AppState, basemap: Option<&Basemap>, entry: EntryIndex) {
        let Some(g) = state.gazetteer() else {
            return;
        };
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

    fn update_tint(&mut self, state: &AppState, dark: bool) {
        let key = (state.revision(), dark, state.selected());
        if self.tint_key == Some(key) {
            return;
        }
        self.tint_key = Some(key);
        self.tint.clear();
        let Some(g) = state.gazetteer() else {
            return;
        };
        let countries: Vec<(&str, usize, bool)> = state
            .places()
            .iter()
            .filter_map(|p| {
                let e = g.entry(p.entry);
                (e.kind == Kind::Country)
                    .then_some(())
                    .and(e.country_code.as_deref())
                    .map(|cc| (cc, p.mentions.len(), state.selected() == Some(p.entry)))
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

/// Marker radius in points for a number of mentions: the area grows with the count.
pub fn marker_radius(mentions: usize) -> f32 {
    (3.5 + 2.2 * (mentions as f32).sqrt()).min(20.0)
}

fn cluster_radius(mentions: usize, members: usize) -> f32 {
    (9.0 + 1.6 * (mentions as f32).sqrt() + (members as f32).log2()).min(26.0)
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
    view.update_tint(state, dark);
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
    // With online tiles, the basemap goes in a slot painted before the tiles.
    let basemap_slot = view
        .online
        .as_ref()
        .map(|_| map_ui.painter_at(rect).add(egui::Shape::Noop));

    let MapView {
        memory,
        index,
        drawn,
        online,
        tint,
        cluster_list,
        ..
    } = view;
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
            dark,
        }),
        None => map.with_plugin(BasemapPlugin {
            basemap,
            tint,
            dark,
        }),
    };
    map.show(&mut map_ui, |ui, response, projector, _memory| {
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
        let halo = palette::halo_color(dark);
        for &c in &visible {
            let cluster = &level_data.clusters[c];
            let lead = &markers[cluster.members[0]];
            let center = projector.project(lon_lat(lead.lon, lead.lat)).to_pos2();
            if cluster.members.len() == 1 {
                let r = marker_radius(lead.mentions);
                let is_selected = selected == Some(lead.entry);
                painter.circle(
                    center,
                    r,
                    palette::kind_color(lead.kind, dark),
                    Stroke::new(1.5, halo),
                );
                if is_selected {
                    painter.circle_stroke(
                        center,
                        r + 3.5,
                        Stroke::new(3.0, palette::selection_color(dark)),
                    );
                }
                drawn.push(DrawnMarker {
                    center,
                    radius: r,
                    target: MarkerTarget::Place(lead.entry),
                });
            } else {
                let r = cluster_radius(cluster.mentions, cluster.members.len());
                let contains_selected = cluster
                    .members
                    .iter()
                    .any(|&i| selected == Some(markers[i].entry));
                painter.circle(
                    center,
                    r + 3.0,
                    palette::cluster_color(dark).gamma_multiply(0.35),
                    Stroke::NONE,
                );
                painter.circle(
                    center,
                    r,
                    palette::cluster_color(dark),
                    Stroke::new(2.0, palette::kind_color(lead.kind, dark)),
                );
                if contains_selected {
                    painter.circle_stroke(
                        center,
                        r + 4.0,
                        Stroke::new(3.0, palette::selection_color(dark)),
                    );
                }
                painter.text(
                    center,
                    Align2::CENTER_CENTER,
                    cluster.members.len().to_string(),
                    FontId::proportional(12.0),
                    Color32::WHITE,
                );
                drawn.push(DrawnMarker {
                    center,
                    radius: r,
                    target: MarkerTarget::Cluster(
                        cluster.members.iter().map(|&i| markers[i].entry).collect(),
                    ),
                });
            }
        }

        // The selection is always drawn as itself, on top, even inside a cluster.
        if let Some(sel) = selected
            && !drawn.iter().any(|d| d.target == MarkerTarget::Place(sel))
            && let Some(m) = find(sel)
        {
            let center = projector.project(lon_lat(m.lon, m.lat)).to_pos2();
            if rect.expand(20.0).contains(center) {
                let r = marker_radius(m.mentions);
                painter.circle(
                    center,
                    r,
                    palette::kind_color(m.kind, dark),
                    Stroke::new(1.5, halo),
                );
                painter.circle_stroke(
                    center,
                    r + 3.5,
                    Stroke::new(3.0, palette::selection_color(dark)),
                );
                drawn.push(DrawnMarker {
                    center,
                    radius: r,
                    target: MarkerTarget::Place(sel),
                });
            }
        }

        let mut labels: Vec<LabelCandidate> = Vec::with_capacity(drawn.len());
        for (i, d) in drawn.iter().enumerate() {
            let (text, mentions, has_selected) = match &d.target {
                MarkerTarget::Place(e) => {
                    let Some(m) = find(*e) else {
                        continue;
                    };
                    (m.name.clone(), m.mentions, selected == Some(*e))
                }
                MarkerTarget::Cluster(members) => {
                    if members.len() > MAX_NAMED_CLUSTER {
                        continue;
                    }
                    let Some(lead) = find(members[0]) else {
                        continue;
                    };
                    (
                        format!("{} +{}", lead.name, members.len() - 1),
                        lead.mentions,
                        false,
                    )
                }
            };
            labels.push(LabelCandidate {
                drawn: i,
                text,
                priority: (!has_selected, std::cmp::Reverse(mentions)),
            });
        }
        draw_labels(&painter, drawn, labels, dark);

        // Hover and click: the nearest marker within its radius.
        let hit = |pos: Pos2| -> Option<&DrawnMarker> {
            drawn
                .iter()
                .filter(|d| d.center.distance(pos) <= d.radius.max(6.0) + HIT_SLOP)
                .min_by(|x, y| {
                    (x.center.distance(pos) / x.radius.max(6.0))
                        .total_cmp(&(y.center.distance(pos) / y.radius.max(6.0)))
                })
        };
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
                None => {
                    if cluster_list.take().is_none() {
                        action = Some(Action::Select(None));
                    }
                }
            }
        }
    });

    if let Some(bounds) = cluster_zoom {
        view.fit_bounds(bounds, f64::from(CLUSTER_MAX_LEVEL), rect.size());
    }

    if let Some(a) = overlay_ui(&mut map_ui, view, state, rect, dark) {
        action = Some(a);
    }
    action
}

/// A label to place next to a drawn marker.
struct LabelCandidate {
    /// Index into the drawn markers.
    drawn: usize,
    text: String,
    /// Placed in this order: the selection first, then the most mentioned.
    priority: (bool, std::cmp::Reverse<usize>),
}

/// Clusters with more members than this get no name label (the count says enough).
const MAX_NAMED_CLUSTER: usize = 25;

/// Labels with a halo, most mentioned first, skipping any that would overlap one already
/// placed or a marker.
fn draw_labels(
    painter: &egui::Painter,
    drawn: &[DrawnMarker],
    mut labels: Vec<LabelCandidate>,
    dark: bool,
) {
    let font = FontId::proportional(13.0);
    let text_color = palette::label_color(dark);
    let halo = palette::halo_color(dark);
    labels.sort_by_key(|l| l.priority);
    let mut placed: Vec<Rect> = Vec::new();
    let clip = painter.clip_rect();
    for label in labels.into_iter().take(MAX_LABELS * 2) {
        if placed.len() >= MAX_LABELS {
            break;
        }
        let Some(d) = drawn.get(label.drawn) else {
            continue;
        };
        let text = label.text;
        let galley = painter.layout_no_wrap(text.clone(), font.clone(), text_color);
        let size = galley.size();
        let right = Rect::from_min_size(
            Pos2::new(d.center.x + d.radius + 4.0, d.center.y - size.y / 2.0),
            size,
        );
        let left = Rect::from_min_size(
            Pos2::new(
                d.center.x - d.radius - 4.0 - size.x,
                d.center.y - size.y / 2.0,
            ),
            size,
        );
        let below = Rect::from_min_size(
            Pos2::new(d.center.x - size.x / 2.0, d.center.y + d.radius + 2.0),
            size,
        );
        let blocked = |r: &Rect| {
            placed.iter().any(|p| p.intersects(r.expand(1.0)))
                || drawn
                    .iter()
                    .any(|o| o.center != d.center && r.distance_to_pos(o.center) < o.radius * 0.8)
                || !clip.contains_rect(*r)
        };
        let Some(spot) = [right, left, below].into_iter().find(|r| !blocked(r)) else {
            continue;
        };
        let halo_galley = painter.layout_no_wrap(text, font.clone(), halo);
        for (dx, dy) in [
            (-1.0, -1.0),
            (0.0, -1.5),
            (1.0, -1.0),
            (-1.5, 0.0),
            (1.5, 0.0),
            (-1.0, 1.0),
            (0.0, 1.5),
            (1.0, 1.0),
        ] {
            painter.galley(spot.min + Vec2::new(dx, dy), halo_galley.clone(), halo);
        }
        painter.galley(spot.min, galley, text_color);
        placed.push(spot);
    }
}

fn marker_tooltip<'m>(
    ui: &Ui,
    response: &Response,
    marker: &DrawnMarker,
    find: &dyn Fn(EntryIndex) -> Option<&'m MarkerData>,
    state: &AppState,
) {
    let tooltip = egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        response.id.with("marker-tooltip"),
        egui::PopupAnchor::Pointer,
    );
    tooltip.show(|ui| match &marker.target {
        MarkerTarget::Place(entry) => {
            if let Some(m) = find(*entry) {
                ui.strong(&m.name);
                let kind = palette::kind_label(m.kind);
                if m.kind == Kind::Country || m.country.is_empty() {
                    ui.label(kind);
                } else {
                    ui.label(format!("{kind}, {}", m.country));
                }
                ui.label(mentions_text(m.mentions));
                if let Some(p) = state.place(*entry) {
                    let docs = AppState::passages_by_document(p).len();
                    if docs > 1 {
                        ui.weak(format!("in {docs} documents"));
                    }
                }
                ui.weak("Click to show its passages");
            }
        }
        MarkerTarget::Cluster(entries) => {
            let total: usize = entries
                .iter()
                .filter_map(|e| find(*e))
                .map(|m| m.mentions)
                .sum();
            ui.strong(format!(
                "{} places, {}",
                entries.len(),
                mentions_text(total)
            ));
            for e in entries.iter().take(8) {
                if let Some(m) = find(*e) {
                    ui.label(format!("{} ({})", m.name, m.mentions));
                }
            }
            if entries.len() > 8 {
                ui.weak(format!("and {} more", entries.len() - 8));
            }
            ui.weak("Click to zoom in");
        }
    });
}

fn mentions_text(n: usize) -> String {
    if n == 1 {
        "1 mention".to_string()
    } else {
        format!("{n} mentions")
    }
}

fn legend_item(ui: &mut Ui, color: Color32, label: &str, dark: bool) {
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        let (r, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
        ui.painter().circle(
            r.center(),
            5.0,
            color,
            Stroke::new(1.0, palette::halo_color(dark)),
        );
        ui.label(egui::RichText::new(label).size(12.0));
    });
}

/// The buttons and notes drawn over the map: zoom and "Fit all" at the top left, the
/// legend at the bottom left, the attribution at the bottom right, and the list of a
/// cluster's places when one is open.
fn overlay_ui(
    ui: &mut Ui,
    view: &mut MapView,
    state: &AppState,
    rect: Rect,
    dark: bool,
) -> Option<Action> {
    let mut action = None;
    let frame = egui::Frame::popup(ui.style())
        .inner_margin(egui::Margin::symmetric(6, 4))
        .corner_radius(4.0);

    // Top left: view controls.
    let mut top = ui.new_child(
        UiBuilder::new()
            .max_rect(rect.shrink(8.0))
            .layout(egui::Layout::left_to_right(egui::Align::Min)),
    );
    frame.show(&mut top, |ui| {
        ui.horizontal(|ui| {
            if ui
                .button("Fit all")
                .on_hover_text("Zoom to show every place")
                .clicked()
            {
                view.fit_all(rect.size());
            }
            if ui.button("+").on_hover_text("Zoom in").clicked() {
                let _ = view
                    .memory
                    .set_zoom((view.memory.zoom() + 1.0).min(MAX_ZOOM));
            }
            if ui.button("−").on_hover_text("Zoom out").clicked() {
                let _ = view
                    .memory
                    .set_zoom((view.memory.zoom() - 1.0).max(MIN_ZOOM));
            }
            if let Some(entry) = state.selected()
                && state.place(entry).is_some()
                && ui
                    .button("Go to selection")
                    .on_hover_text("Centre the map on the selected place")
                    .clicked()
            {
                action = Some(Action::FocusMap(entry));
            }
        });
    });

    // Bottom left: legend of the feature types shown.
    let kinds: Vec<Kind> = state
        .kind_counts()
        .iter()
        .filter(|k| k.places > 0 && !state.filter().hidden_kinds.contains(&k.kind))
        .map(|k| k.kind)
        .collect();
    if !kinds.is_empty() {
        let mut bottom = ui.new_child(
            UiBuilder::new()
                .max_rect(Rect::from_min_max(
                    rect.min + Vec2::splat(8.0),
                    egui::pos2(rect.right() - 200.0, rect.bottom() - 8.0),
                ))
                .layout(egui::Layout::bottom_up(egui::Align::Min)),
        );
        frame.show(&mut bottom, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 10.0;
                for kind in &kinds {
                    legend_item(
                        ui,
                        palette::kind_color(*kind, dark),
                        palette::kind_label(*kind),
                        dark,
                    );
                }
                legend_item(
                    ui,
                    palette::cluster_color(dark),
                    "Cluster (click to zoom in)",
                    dark,
                );
            });
        });
    }

    // Bottom right: attribution.
    let mut corner = ui.new_child(
        UiBuilder::new()
            .max_rect(rect.shrink(4.0))
            .layout(egui::Layout::bottom_up(egui::Align::Max)),
    );
    egui::Frame::popup(corner.style())
        .inner_margin(egui::Margin::symmetric(4, 1))
        .corner_radius(2.0)
        .shadow(egui::Shadow::NONE)
        .show(&mut corner, |ui| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 3.0;
                if view.online.is_some() {
                    ui.hyperlink_to(
                        egui::RichText::new("© OpenStreetMap contributors").small(),
                        "https://www.openstreetmap.org/copyright",
                    );
                    ui.small("·");
                }
                if !view.basemap_failed {
                    ui.small("Basemap: Natural Earth");
                } else {
                    // The reason is in Messages; say here why the map is bare.
                    ui.label(
                        egui::RichText::new("Offline basemap unavailable (see Messages)")
                            .small()
                            .color(ui.visuals().warn_fg_color),
                    );
                }
            });
        });

    // A cluster's places, when it could not be zoomed apart.
    if let Some((pos, entries)) = view.cluster_list.clone() {
        let mut close = false;
        egui::Area::new(ui.scope_id().with("cluster-list"))
            .fixed_pos(pos + Vec2::new(12.0, -12.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(260.0);
                    ui.horizontal(|ui| {
                        ui.strong(format!("{} places here", entries.len()));
                        if ui.small_button("×").on_hover_text("Close").clicked() {
                            close = true;
                        }
                    });
                    egui::ScrollArea::vertical()
                        .max_height(260.0)
                        .show(ui, |ui| {
                            let Some(g) = state.gazetteer() else {
                                return;
                            };
                            for entry in &entries {
                                let n = state.place(*entry).map_or(0, |p| p.mentions.len());
                                let label = format!("{} ({n})", g.entry(*entry).name);
                                if ui
                                    .selectable_label(state.selected() == Some(*entry), label)
                                    .clicked()
                                {
                                    action = Some(Action::Select(Some(*entry)));
                                }
                            }
                        });
                });
            });
        if close {
            view.cluster_list = None;
        }
    }
    action
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

    #[test]
    fn clusters_merge_when_zoomed_out_and_split_when_zoomed_in() {
        use crate::analysis::ParsedDocument;
        use crate::app::state::DocumentSource;
        use crate::document::Document;
        use crate::gazetteer::Gazetteer;
        use crate::geoparse::Geoparser;
        let g = std::sync::Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
        let text = "Troops moved from Niamey to Agadez, then on to Paris.";
        let mut state = AppState::with_gazetteer(g.clone());
        state.add_document(
            ParsedDocument {
                document: Document::from_text("a", text),
                mentions: Geoparser::new(&g).parse(text),
            },
            DocumentSource::Pasted {
                name: "a".into(),
                text: text.into(),
            },
        );
        state.refresh();
        assert_eq!(state.places().len(), 3);
        let mut index = MarkerIndex::build(&state);
        let sizes = |index: &mut MarkerIndex, level: u8| -> Vec<usize> {
            let (_, l, _) = index.level(level);
            let mut v: Vec<usize> = l.clusters.iter().map(|c| c.members.len()).collect();
            v.sort_unstable();
            v
        };
        // Niamey and Agadez are ~750 km apart, Paris ~3,000 km from both.
        assert_eq!(sizes(&mut index, 0), [3]);
        assert_eq!(sizes(&mut index, 3), [1, 2]);
        assert_eq!(sizes(&mut index, 8), [1, 1, 1]);
        assert_eq!(sizes(&mut index, 20), [1, 1, 1]);
        // Every level holds every marker exactly once.
        for level in 0..=CLUSTER_MAX_LEVEL {
            let (_, l, _) = index.level(level);
            let mut all: Vec<usize> = l.clusters.iter().flat_map(|c| c.members.clone()).collect();
            all.sort_unstable();
            assert_eq!(all, [0, 1, 2], "level {level}");
        }
    }

    #[test]
    fn tile_hosts() {
        assert_eq!(
            tile_host(OSM_TILE_URL).as_deref(),
            Some("tile.openstreetmap.org:443")
        );
        assert_eq!(
            tile_host("http://localhost:8080/{z}/{x}/{y}.png").as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(
            tile_host("http://mirror/{z}/{x}/{y}.png").as_deref(),
            Some("mirror:80")
        );
        assert_eq!(tile_host("nonsense"), None);
    }

    #[test]
    fn marker_area_grows_with_mentions() {
        assert!(marker_radius(1) < marker_radius(4));
        assert!(marker_radius(4) < marker_radius(16));
        assert!(marker_radius(100_000) <= 20.0);
    }
}
