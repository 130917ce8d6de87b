//! Where a rendered frame's time goes on a machine without a GPU (Mesa's lavapipe): the
//! window of 10,000 places with the pointer moving, the same without the basemap, and
//! egui alone drawing a window of the same size (empty, or one full-window rectangle),
//! each rendered by wgpu at 1500×920 and read back as `benches/app_frame` does.
//!
//! Run: `cargo run --release --example frame_layers` (prints the mean of 20 frames).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::Instant;

use egui_kittest::Harness;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::state::AppState;
use gazette::gazetteer::Gazetteer;

const FRAMES: u32 = 20;

fn mean_ms<S>(
    harness: &mut Harness<'_, S>,
    mut before: impl FnMut(&mut Harness<'_, S>, u32),
) -> f64 {
    for i in 0..3 {
        before(harness, i);
        harness.step();
        let _ = harness.render();
    }
    let t = Instant::now();
    for i in 0..FRAMES {
        before(harness, i);
        harness.step();
        if let Err(e) = harness.render() {
            eprintln!("no wgpu renderer: {e}");
            return f64::NAN;
        }
    }
    t.elapsed().as_secs_f64() * 1000.0 / f64::from(FRAMES)
}

fn app_harness(g: &Arc<Gazetteer>, basemap: Option<Arc<Basemap>>) -> Harness<'static, GazetteApp> {
    let app = GazetteApp::with_state(
        AppState::with_most_populous_places(g.clone(), 10_000),
        basemap,
    );
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .wgpu()
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    harness
}

fn main() {
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    let moving = |h: &mut Harness<'_, GazetteApp>, i: u32| {
        if let Some(rect) = h.state().map_view().map_rect() {
            let x = if i.is_multiple_of(2) { 0.40 } else { 0.05 };
            h.hover_at(rect.left_bottom() + egui::vec2(rect.width() * x, -rect.height() * 0.2));
        }
    };
    let mut h = app_harness(&g, basemap);
    println!(
        "app, 10,000 places, basemap, pointer moving: {:.1} ms",
        mean_ms(&mut h, moving)
    );
    drop(h);
    let mut h = app_harness(&g, None);
    println!(
        "the same without the basemap:              {:.1} ms",
        mean_ms(&mut h, moving)
    );
    drop(h);

    let mut empty = Harness::builder()
        .with_size([1500.0, 920.0])
        .wgpu()
        .build_ui(|ui| {
            ui.label("empty");
        });
    println!(
        "egui, an empty window:                     {:.1} ms",
        mean_ms(&mut empty, |_, _| {})
    );
    drop(empty);
    let mut filled = Harness::builder()
        .with_size([1500.0, 920.0])
        .wgpu()
        .build_ui(|ui| {
            let rect = ui.max_rect();
            ui.painter()
                .rect_filled(rect, 0.0, egui::Color32::from_rgb(30, 40, 50));
        });
    println!(
        "egui, one full-window rectangle:           {:.1} ms",
        mean_ms(&mut filled, |_, _| {})
    );
    let mut triangles = Harness::builder()
        .with_size([1500.0, 920.0])
        .wgpu()
        .build_ui(|ui| {
            // 100,000 small triangles: what a detailed basemap's lines amount to.
            let rect = ui.max_rect();
            let mut mesh = egui::Mesh::default();
            for i in 0..100_000u32 {
                let x = rect.left() + (i % 1000) as f32 * 1.5;
                let y = rect.top() + (i / 1000) as f32 * 9.0;
                let base = mesh.vertices.len() as u32;
                for (dx, dy) in [(0.0, 0.0), (1.5, 0.0), (0.0, 1.5)] {
                    mesh.colored_vertex(egui::pos2(x + dx, y + dy), egui::Color32::WHITE);
                }
                mesh.add_triangle(base, base + 1, base + 2);
            }
            ui.painter().add(egui::Shape::mesh(mesh));
        });
    println!(
        "egui, 100,000 small triangles:             {:.1} ms",
        mean_ms(&mut triangles, |_, _| {})
    );
}
