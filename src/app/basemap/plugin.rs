//! The walkers [`Plugin`] that paints the basemap under everything else on the map, or
//! the fallback graticule when there is no basemap.

use std::collections::HashMap;
use std::time::Duration;

use egui::{Color32, Response, Shape, Ui};
use walkers::{MapMemory, Plugin, Projector};

use super::Basemap;
use super::projection::ScreenFromMercator;
use super::render::background_mesh;

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
    /// Fill colour per first-level division, indexed like
    /// [`Basemap::division_areas`]; empty for none (every view but the division view).
    pub division_tint: &'a [Option<Color32>],
    /// Dark-mode palette (e.g. `ui.visuals().dark_mode`).
    pub dark: bool,
    /// Draw with [`super::gpu::FlatMeshPipeline`] (registered in the window's renderer)
    /// instead of giving egui the mesh, keeping the last frame's shape in this memo;
    /// None gives egui the mesh.
    pub gpu: Option<&'a mut super::gpu::BasemapShapeMemo>,
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
        let mesh = background_mesh(
            self.basemap,
            &transform,
            viewport,
            self.tint,
            self.division_tint,
            self.dark,
            pixels_per_point,
        );
        let shape = if let Some(memo) = self.gpu {
            memo.shape(map_rect, mesh)
        } else {
            Shape::mesh(mesh)
        };
        ui.painter_at(map_rect).add(shape);
    }
}
