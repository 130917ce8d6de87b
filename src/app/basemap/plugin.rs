//! The walkers [`Plugin`] that paints the basemap under everything else on the map, or
//! the fallback graticule when there is no basemap.

use std::collections::HashMap;
use std::time::Duration;

use egui::{Color32, Response, Shape, Ui};
use walkers::{MapMemory, Plugin, Projector};

use super::Basemap;
use super::projection::ScreenFromMercator;
use super::render::fallback_mesh;
use super::still_cache::{StillCache, StillKey};

/// Draws the basemap under everything else on a walkers map. Add it first with
/// `Map::with_plugin`, so markers and other plugins paint over it.
///
/// With `basemap: None` (the asset is missing or broken) it paints the water colour and a
/// faint graticule, so the map is never blank; showing the error is the app's job.
pub struct BasemapPlugin<'a> {
    /// The loaded basemap, if any.
    pub basemap: Option<&'a Basemap>,
    /// Fill colour per ISO 3166-1 alpha-2 code (upper case) for countries to highlight.
    pub tint: &'a HashMap<String, Color32>,
    /// Dark-mode palette (e.g. `ui.visuals().dark_mode`).
    pub dark: bool,
    /// Where the basemap's picture is kept while the view stands still, and the device it
    /// is drawn on (`None`: drawn as a mesh every frame).
    pub still: Option<(&'a mut StillCache, &'a eframe::egui_wgpu::RenderState)>,
}

impl Plugin for BasemapPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _map_memory: &MapMemory,
    ) {
        let map_rect = response.rect;
        let viewport = map_rect.intersect(ui.clip_rect());
        if !viewport.is_positive() {
            return;
        }
        let transform = ScreenFromMercator::from_projector(projector);
        let pixels_per_point = ui.ctx().pixels_per_point();
        if self.basemap.is_some_and(|b| !b.is_complete()) {
            // Finer zoom bands are still being built: look again shortly.
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
        let build = || match self.basemap {
            Some(basemap) => {
                basemap.build_mesh(&transform, viewport, self.tint, self.dark, pixels_per_point)
            }
            None => fallback_mesh(&transform, viewport, self.dark, pixels_per_point),
        };
        if let Some((cache, render_state)) = self.still {
            let key = StillKey::new(
                [
                    transform.points_per_unit,
                    transform.mercator_center[0],
                    transform.mercator_center[1],
                ],
                viewport,
                pixels_per_point,
                self.dark,
                self.tint,
                self.basemap.map_or(0, |b| b.stats().levels_ready),
            );
            if let Some(id) = cache.texture(render_state, key, viewport, pixels_per_point, build) {
                let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
                ui.painter_at(map_rect)
                    .image(id, viewport, uv, Color32::WHITE);
                return;
            }
        }
        ui.painter_at(map_rect).add(Shape::mesh(build()));
    }
}
