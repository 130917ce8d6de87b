//! Desktop app performance, measured (not asserted in tests):
//! - `first_frame_seeds`: from nothing to the first drawn frame on the samples — load
//!   the gazetteer and the basemap, parse the seeds, lay out and draw one frame.
//! - `frame_10k_places/*`: one frame with 10,000 places on the map (clustered at the
//!   world view; zoomed on Tokyo), UI and tessellation on the CPU.
//! - `render_10k_places_wgpu`: the same frame rendered to pixels by wgpu, which on a
//!   machine without a GPU is Mesa's lavapipe software renderer, as the window renders
//!   it: eframe's renderer options (not egui_kittest's `PREDICTABLE` ones, which filter
//!   textures in the shader) and the basemap by its own pipeline (`app::basemap::gpu`).
//! - `pointer_moving_10k_places_wgpu`: the same, the pointer moving over the map (the
//!   map's and the panels' pictures are then kept between frames, `app::content_cache`).
//!
//! Run: `cargo bench --bench app_frame`.

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui_wgpu::RenderState;
use egui_kittest::Harness;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::state::AppState;
use gazette::gazetteer::Gazetteer;

#[path = "common/window.rs"]
mod window;
use window::{WINDOW_SIZE, seeds, window_harness, window_renderer_options};

/// A wgpu device set up as the window's (eframe's renderer options), or None where wgpu
/// finds no adapter.
fn window_render_state() -> Option<RenderState> {
    std::panic::catch_unwind(|| {
        std::panic::AssertUnwindSafe(egui_kittest::wgpu::create_render_state(
            egui_kittest::wgpu::default_wgpu_setup(),
            window_renderer_options(),
        ))
    })
    .ok()
    .map(|r| r.0)
}

/// The window of 10,000 places rendered by wgpu as the app renders it.
fn rendered_window(
    g: &Arc<Gazetteer>,
    basemap: Option<Arc<Basemap>>,
) -> Option<Harness<'static, GazetteApp>> {
    let Some(render_state) = window_render_state() else {
        eprintln!("skipping the wgpu render benches: no wgpu adapter");
        return None;
    };
    let mut app = GazetteApp::with_state(ten_thousand_places(g), basemap);
    app.draw_basemap_with(&render_state);
    Some(window_harness(app, render_state))
}

fn ten_thousand_places(g: &Arc<Gazetteer>) -> AppState {
    AppState::with_most_populous_places(g.clone(), 10_000)
}

fn first_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("app");
    group.sample_size(10);
    group.bench_function("first_frame_seeds", |b| {
        b.iter(|| {
            let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
            let basemap = Basemap::load_bundled().ok().map(Arc::new);
            let app = GazetteApp::new_for_test(g, seeds(), basemap);
            let mut harness = Harness::builder()
                .with_size(WINDOW_SIZE)
                .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
            harness.step();
            harness
        })
    });
    group.finish();
}

fn frames_with_10k_places(c: &mut Criterion) {
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    if let Some(b) = &basemap {
        b.wait_until_complete();
    }
    let app = GazetteApp::with_state(ten_thousand_places(&g), basemap.clone());
    let mut harness = Harness::builder()
        .with_size(WINDOW_SIZE)
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    let mut group = c.benchmark_group("frame_10k_places");
    group.sample_size(20);
    group.bench_function("world_view", |b| b.iter(|| harness.step()));
    let tokyo = harness
        .state()
        .state()
        .place_named("Tokyo")
        .expect("Tokyo")
        .entry;
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, gazette::app::Action::SelectAndFocus(tokyo));
    harness.run();
    group.bench_function("zoomed_on_tokyo", |b| b.iter(|| harness.step()));
    group.finish();

    // Rendering to pixels needs a wgpu adapter (lavapipe here); skip if there is none.
    let Some(mut harness) = rendered_window(&g, basemap.clone()) else {
        return;
    };
    match harness.render() {
        Ok(_) => {
            let mut group = c.benchmark_group("render_10k_places_wgpu");
            group.sample_size(10);
            group.bench_function("world_view", |b| {
                b.iter(|| {
                    harness.step();
                    harness.render().expect("render")
                })
            });
            group.finish();
        }
        Err(e) => {
            eprintln!("skipping the wgpu render bench: {e}");
            return;
        }
    }

    // What moving the pointer over the map costs: the view stays, only the pointer moves
    // between two points of open sea, and the window is drawn again.
    let Some(mut harness) = rendered_window(&g, basemap) else {
        return;
    };
    let Some(rect) = harness.state().map_view().map_rect() else {
        return;
    };
    let points = [
        rect.left_bottom() + egui::vec2(rect.width() * 0.40, -rect.height() * 0.2),
        rect.left_bottom() + egui::vec2(rect.width() * 0.05, -rect.height() * 0.2),
    ];
    let mut i = 0;
    let mut group = c.benchmark_group("pointer_moving_10k_places_wgpu");
    group.sample_size(10);
    group.bench_function("world_view", |b| {
        b.iter(|| {
            i += 1;
            harness.hover_at(points[i % 2]);
            harness.step();
            harness.render().expect("render")
        })
    });
    group.finish();
}

criterion_group!(benches, first_frame, frames_with_10k_places);
criterion_main!(benches);
