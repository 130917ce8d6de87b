//! The basemap drawn by its own pipeline (`app::basemap::gpu`, what the window uses on
//! wgpu) draws the same pixels as the basemap given to egui as a mesh: both windows on
//! the samples are rendered by wgpu (lavapipe where there is no GPU) and compared pixel
//! by pixel.
#![cfg(feature = "gui")]

mod gui_common;

use std::sync::Arc;

use eframe::egui_wgpu::{RenderState, RendererOptions};
use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::gazetteer::Gazetteer;
use gui_common::seeds;

/// A wgpu device to draw on, or None where wgpu finds no adapter at all.
fn render_state() -> Option<RenderState> {
    std::panic::catch_unwind(|| {
        std::panic::AssertUnwindSafe(egui_kittest::wgpu::create_render_state(
            egui_kittest::wgpu::default_wgpu_setup(),
            RendererOptions::PREDICTABLE,
        ))
    })
    .ok()
    .map(|r| r.0)
}

/// The window on the samples, rendered with `render_state`; its basemap by the
/// pipeline when `pipeline`.
fn rendered(
    g: &Arc<Gazetteer>,
    basemap: &Option<Arc<Basemap>>,
    render_state: RenderState,
    pipeline: bool,
) -> image::RgbaImage {
    let mut app = GazetteApp::new_for_test(g.clone(), seeds(), basemap.clone());
    if pipeline {
        app.draw_basemap_with(&render_state);
    }
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .renderer(WgpuTestRenderer::from_render_state(render_state))
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run_steps(4);
    harness.render().expect("rendered")
}

#[test]
fn the_basemaps_pipeline_draws_what_egui_draws() {
    let (Some(a), Some(b)) = (render_state(), render_state()) else {
        eprintln!("skipped: the_basemaps_pipeline_draws_what_egui_draws: no wgpu adapter");
        return;
    };
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    assert!(basemap.is_some(), "the bundled basemap loads");
    let by_egui = rendered(&g, &basemap, a, false);
    let by_pipeline = rendered(&g, &basemap, b, true);
    assert_eq!(by_egui.dimensions(), by_pipeline.dimensions());
    let differing = by_egui
        .pixels()
        .zip(by_pipeline.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > 8))
        .count();
    let total = by_egui.width() as usize * by_egui.height() as usize;
    // Rasterisers may place a triangle's edge a pixel apart; anything more is a bug
    // (a missing basemap differs in most of the map's ~800,000 pixels).
    assert!(
        differing < total / 200,
        "{differing} of {total} pixels differ between the two basemaps"
    );
    // And the map is not blank: the sea and the land are both there.
    let colours: std::collections::HashSet<[u8; 4]> = by_pipeline.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 50, "only {} colours", colours.len());
}
