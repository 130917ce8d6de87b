//! Where a rendered frame's time goes on a machine without a GPU (Mesa's lavapipe): the
//! window of 10,000 places with the pointer moving, the same without the basemap, and
//! egui alone drawing a window of the same size (empty, or one full-window rectangle),
//! each rendered by wgpu at 1500×920 and read back as `benches/app_frame` does.
//!
//! Each is measured twice: with egui_kittest's default renderer options (`PREDICTABLE`:
//! texture filtering done in the shader, four texel loads a fragment, for snapshots that
//! agree across machines) and with the options the app's window uses (eframe's: the
//! sampler filters, dithering on).
//!
//! Then the window as the app's draws itself (its renderer options, the basemap by its
//! own pipeline), on 10,000 places and on the two sample articles, the pointer moving:
//! the map and the panels drawn every frame; the map's picture kept between frames, the
//! panels drawn; both kept (what the window does). The last two alternate twice in the
//! same process, so that the machine's drifting load weighs on both alike. And panning
//! (the view moves every frame, so the map is drawn every frame; the panels are kept).
//!
//! Run: `cargo run --release --example frame_layers` (prints the mean of 20 frames);
//! `-- --window` for the window's rows only (and an empty window's, the floor).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::Instant;

use eframe::egui_wgpu::{self, RendererOptions};
use eframe::wgpu;
use egui_kittest::{Harness, wgpu::WgpuTestRenderer};
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::state::AppState;
use gazette::gazetteer::Gazetteer;

#[path = "../benches/common/window.rs"]
mod window;
use window::{WINDOW_SIZE, seeds, window_harness, window_renderer_options};

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

/// A harness builder of the window's size rendering with `options`.
fn builder<S>(options: RendererOptions) -> egui_kittest::HarnessBuilder<S> {
    Harness::builder()
        .with_size(WINDOW_SIZE)
        .renderer(WgpuTestRenderer::with_render_options(options))
}

fn app_harness(
    g: &Arc<Gazetteer>,
    basemap: Option<Arc<Basemap>>,
    options: RendererOptions,
) -> Harness<'static, GazetteApp> {
    let app = GazetteApp::with_state(
        AppState::with_most_populous_places(g.clone(), 10_000),
        basemap,
    );
    let mut harness = builder(options).build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    harness
}

fn main() {
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    if let Some(b) = &basemap {
        // Every zoom band built, so that each frame draws the same basemap.
        b.wait_until_complete();
    }
    let moving = |h: &mut Harness<'_, GazetteApp>, i: u32| {
        if let Some(rect) = h.state().map_view().map_rect() {
            let x = if i.is_multiple_of(2) { 0.40 } else { 0.05 };
            h.hover_at(rect.left_bottom() + egui::vec2(rect.width() * x, -rect.height() * 0.2));
        }
    };
    let app_options = window_renderer_options();
    let window_only = std::env::args().any(|a| a == "--window");
    if window_only {
        // Without the harness's window-sized fill, as the window's rows below.
        let mut empty = builder(app_options)
            .with_context_setup(window::no_harness_backdrop)
            .build_ui(|ui| {
                ui.label("empty");
            });
        println!(
            "egui, an empty window (the window's options, no backdrop): {:.1} ms",
            mean_ms(&mut empty, |_, _| {})
        );
    }
    for (what, options) in [
        (
            "kittest's renderer options (PREDICTABLE)",
            RendererOptions::PREDICTABLE,
        ),
        ("the app window's renderer options", app_options),
    ]
    .into_iter()
    .filter(|_| !window_only)
    {
        println!("{what}:");
        let mut h = app_harness(&g, basemap.clone(), options);
        println!(
            "app, 10,000 places, basemap, pointer moving: {:.1} ms",
            mean_ms(&mut h, moving)
        );
        drop(h);
        let mut h = app_harness(&g, None, options);
        println!(
            "the same without the basemap:              {:.1} ms",
            mean_ms(&mut h, moving)
        );
        drop(h);

        let mut empty = builder(options).build_ui(|ui| {
            ui.label("empty");
        });
        println!(
            "egui, an empty window:                     {:.1} ms",
            mean_ms(&mut empty, |_, _| {})
        );
        drop(empty);
        let mut filled = builder(options).build_ui(|ui| {
            let rect = ui.max_rect();
            ui.painter()
                .rect_filled(rect, 0.0, egui::Color32::from_rgb(30, 40, 50));
        });
        println!(
            "egui, one full-window rectangle:           {:.1} ms",
            mean_ms(&mut filled, |_, _| {})
        );
        let mut triangles = builder(options).build_ui(|ui| {
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
    if !window_only {
        // The same full-window rectangle drawn by a pipeline of our own through a paint
        // callback: a flat colour, no texture, no blending (what a basemap's fills need).
        let state = egui_kittest::wgpu::create_render_state(
            egui_kittest::wgpu::default_wgpu_setup(),
            app_options,
        );
        let pipeline = flat_pipeline(&state.device, state.target_format);
        state
            .renderer
            .write()
            .callback_resources
            .insert(FlatPipeline(pipeline));
        let mut flat = Harness::builder()
            .with_size(WINDOW_SIZE)
            .renderer(WgpuTestRenderer::from_render_state(state))
            .build_ui(|ui| {
                let rect = ui.max_rect();
                ui.painter()
                    .add(egui_wgpu::Callback::new_paint_callback(rect, FlatRect));
            });
        println!(
            "a full-window rectangle, flat pipeline:      {:.1} ms",
            mean_ms(&mut flat, |_, _| {})
        );
        drop(flat);
    }

    // The window as it draws itself: the app's renderer options, the basemap by its
    // own pipeline (`app::basemap::gpu`), the map's and the panels' pictures kept
    // between frames (`app::content_cache`) or drawn every frame.
    let panning = |h: &mut Harness<'_, GazetteApp>, i: u32| {
        if let Some(rect) = h.state().map_view().map_rect() {
            let at = rect.center();
            if i == 0 {
                h.drag_at(at);
            }
            let x = if i.is_multiple_of(2) { 0.0 } else { 24.0 };
            h.hover_at(at + egui::vec2(x, 0.0));
        }
    };
    let kept = |on: bool| if on { "kept" } else { "drawn" };
    for (what, places) in [
        ("10,000 places", Places::TenThousand),
        ("the two sample articles", Places::Samples),
    ] {
        for (map, panels) in [
            (false, false),
            (true, false),
            (true, true),
            (true, false),
            (true, true),
        ] {
            let mut h = window(&g, basemap.clone(), places, app_options, map, panels);
            let ms = mean_ms(&mut h, moving);
            println!(
                "window, {what}, pointer moving, map {}, panels {}: {ms:.1} ms ({} of {} frames' maps, {} panels from their pictures)",
                kept(map),
                kept(panels),
                h.state().map_view().kept_picture_frames(),
                FRAMES + 3,
                h.state().kept_panel_frames(),
            );
            coverage(&h);
            drop(h);
        }
        let mut h = window(&g, basemap.clone(), places, app_options, true, true);
        let ms = mean_ms(&mut h, panning);
        println!(
            "window, {what}, panning (the view moves every frame), pictures kept: {ms:.1} ms ({} maps, {} panels from their pictures)",
            h.state().map_view().kept_picture_frames(),
            h.state().kept_panel_frames(),
        );
    }
}

/// What the last frame gave the renderer: egui's triangles and the pixels they cover
/// (a triangle's area, summed: what the rasteriser shades), and the largest meshes;
/// paint callbacks by the area of their clip.
fn coverage(h: &Harness<'_, GazetteApp>) {
    let ppp = h.ctx.pixels_per_point();
    let primitives = h.ctx.tessellate(h.output().shapes.clone(), ppp);
    let mut triangles = 0usize;
    let mut area = 0.0f64;
    let mut callbacks = 0.0f64;
    let mut meshes: Vec<(f64, usize, egui::Rect)> = Vec::new();
    for p in &primitives {
        match &p.primitive {
            egui::epaint::Primitive::Mesh(m) => {
                let mut a = 0.0f64;
                for t in m.indices.chunks_exact(3) {
                    let [p0, p1, p2] = [t[0], t[1], t[2]].map(|i| m.vertices[i as usize].pos);
                    a += f64::from(((p1 - p0).x * (p2 - p0).y - (p1 - p0).y * (p2 - p0).x).abs())
                        / 2.0;
                }
                a *= f64::from(ppp * ppp);
                triangles += m.indices.len() / 3;
                area += a;
                meshes.push((a, m.indices.len() / 3, p.clip_rect));
            }
            egui::epaint::Primitive::Callback(c) => {
                callbacks += f64::from(c.rect.intersect(p.clip_rect).area() * ppp * ppp);
            }
        }
    }
    println!(
        "  egui: {} primitives, {triangles} triangles covering {:.2} Mpx; callbacks over {:.2} Mpx",
        primitives.len(),
        area / 1e6,
        callbacks / 1e6
    );
    meshes.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (a, t, clip) in meshes.iter().take(8) {
        println!("    mesh {:.3} Mpx, {t} triangles, clip {clip:?}", a / 1e6);
    }
}

/// Which places the window shows.
#[derive(Clone, Copy)]
enum Places {
    TenThousand,
    Samples,
}

/// The window as the app's draws it: `options` (the window's), the basemap by its own
/// pipeline, the map's picture kept between frames when `map`, the panels' when
/// `panels`.
fn window(
    g: &Arc<Gazetteer>,
    basemap: Option<Arc<Basemap>>,
    places: Places,
    options: RendererOptions,
    map: bool,
    panels: bool,
) -> Harness<'static, GazetteApp> {
    let state =
        egui_kittest::wgpu::create_render_state(egui_kittest::wgpu::default_wgpu_setup(), options);
    let mut app = match places {
        Places::TenThousand => GazetteApp::with_state(
            AppState::with_most_populous_places(g.clone(), 10_000),
            basemap,
        ),
        Places::Samples => GazetteApp::new_for_test(g.clone(), seeds(), basemap),
    };
    app.draw_basemap_with(&state);
    app.keep_map_picture(map);
    app.keep_panel_pictures(panels);
    window_harness(app, state)
}

struct FlatPipeline(wgpu::RenderPipeline);
struct FlatRect;

impl egui_wgpu::CallbackTrait for FlatRect {
    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &egui_wgpu::CallbackResources,
    ) {
        if let Some(FlatPipeline(p)) = resources.get::<FlatPipeline>() {
            pass.set_pipeline(p);
            pass.draw(0..3, 0..1);
        }
    }
}

fn flat_pipeline(device: &wgpu::Device, format: wgpu::TextureFormat) -> wgpu::RenderPipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("flat"),
        source: wgpu::ShaderSource::Wgsl(
            "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
                 let x = f32(i32(i & 1u) * 4 - 1);
                 let y = f32(i32(i >> 1u) * 4 - 1);
                 return vec4<f32>(x, y, 0.0, 1.0);
             }
             @fragment fn fs() -> @location(0) vec4<f32> { return vec4<f32>(0.12, 0.16, 0.2, 1.0); }"
                .into(),
        ),
    });
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some("flat"),
        layout: None,
        vertex: wgpu::VertexState {
            module: &module,
            entry_point: Some("vs"),
            compilation_options: Default::default(),
            buffers: &[],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module: &module,
            entry_point: Some("fs"),
            compilation_options: Default::default(),
            targets: &[Some(wgpu::ColorTargetState {
                format,
                blend: None,
                write_mask: wgpu::ColorWrites::ALL,
            })],
        }),
        multiview_mask: None,
        cache: None,
    })
}
