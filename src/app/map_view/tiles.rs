//! Online OpenStreetMap tiles: where they come from and are cached, the reachability
//! probe, and the plugin that paints the offline basemap underneath them.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use egui::{Color32, Response, Ui};
use walkers::{HttpTiles, MapMemory, Plugin, Projector};

use crate::app::basemap::{Basemap, ScreenFromMercator, background_mesh};

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

pub(super) struct OnlineTiles {
    pub(super) tiles: HttpTiles,
    pub(super) status: NetworkStatus,
    probe: Option<Receiver<Result<(), String>>>,
    last_probe: Instant,
}

impl OnlineTiles {
    pub(super) fn new(ctx: &egui::Context) -> OnlineTiles {
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
    pub(super) fn poll(&mut self, ctx: &egui::Context) {
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
pub(super) struct BasemapUnderTiles<'a> {
    pub(super) slot: egui::layers::ShapeIdx,
    pub(super) basemap: Option<&'a Basemap>,
    pub(super) tint: &'a HashMap<String, Color32>,
    pub(super) division_tint: &'a [Option<Color32>],
    pub(super) dark: bool,
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
        let mesh = background_mesh(
            self.basemap,
            &transform,
            viewport,
            self.tint,
            self.division_tint,
            self.dark,
            pixels_per_point,
        );
        ui.painter().set(self.slot, egui::Shape::mesh(mesh));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
