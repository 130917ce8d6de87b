//! The app's window as the frame measurements render it, shared by `benches/app_frame.rs`
//! and `examples/frame_layers.rs` (each includes this file), so the two measure the same
//! thing.

use eframe::egui_wgpu::{RenderState, RendererOptions};
use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use gazette::app::GazetteApp;
use gazette::corpus::Document;

/// The window's size in the measurements, in points.
pub const WINDOW_SIZE: [f32; 2] = [1500.0, 920.0];

/// eframe's renderer options for the app's window (not egui_kittest's `PREDICTABLE`,
/// which filters textures in the shader).
pub fn window_renderer_options() -> RendererOptions {
    RendererOptions {
        msaa_samples: 0,
        depth_stencil_format: None,
        dithering: true,
        predictable_texture_filtering: false,
    }
}

/// A harness showing `app` at [`WINDOW_SIZE`] on the device of `state`, as the window
/// draws it (see [`no_harness_backdrop`]), after a first frame. Set the app up for
/// `state` (`GazetteApp::draw_basemap_with`) before.
pub fn window_harness(app: GazetteApp, state: RenderState) -> Harness<'static, GazetteApp> {
    let mut harness = Harness::builder()
        .with_size(WINDOW_SIZE)
        .with_context_setup(no_harness_backdrop)
        .renderer(WgpuTestRenderer::from_render_state(state))
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    harness
}

/// egui_kittest draws the closure it is given inside `Frame::central_panel`, whose fill
/// (the panels' colour) covers the whole window: a window-sized egui rectangle, ~87 ms
/// a frame on lavapipe, that the app's window does not draw (eframe clears the window to
/// that colour instead, see `GazetteApp::clear_color`). The app itself draws nothing
/// with the panels' colour, so making it transparent leaves what the window draws.
pub fn no_harness_backdrop(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| style.visuals.panel_fill = egui::Color32::TRANSPARENT);
}

/// The two sample articles (`seeds/`).
pub fn seeds() -> Vec<Document> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut docs: Vec<Document> = std::fs::read_dir(dir)
        .expect("seeds folder")
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            Document::from_text(name, std::fs::read_to_string(e.path()).expect("seed"))
        })
        .collect();
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    docs
}
