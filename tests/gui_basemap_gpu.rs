//! The basemap drawn by its own pipeline (`app::basemap::gpu`, what the window uses on
//! wgpu) draws the same pixels as the basemap given to egui as a mesh: both windows on
//! the samples are rendered by wgpu (lavapipe where there is no GPU) and compared pixel
//! by pixel. And the map's and the panels' pictures kept between frames
//! (`app::content_cache`) show what drawing them every frame shows, after the pointer
//! moved, the view zoomed on a selected place, a place was hovered in the list, the
//! passages scrolled and the theme changed.
#![cfg(feature = "gui")]

mod gui_common;

use std::sync::Arc;

use eframe::egui_wgpu::{RenderState, RendererOptions};
use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use gazette::app::basemap::Basemap;
use gazette::app::{Action, GazetteApp};
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
    let mut harness = gui_common::builder()
        .renderer(WgpuTestRenderer::from_render_state(render_state))
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
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

/// Pixels of `a` and `b` (the same size) differing by more than `tolerance` in a channel.
fn differing(a: &image::RgbaImage, b: &image::RgbaImage, tolerance: u8) -> usize {
    assert_eq!(a.dimensions(), b.dimensions());
    a.pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > tolerance))
        .count()
}

/// The window on the samples as the app's window draws it (the basemap's pipeline),
/// keeping the map's and the panels' pictures between frames or not.
fn window_keeping_picture(
    g: &Arc<Gazetteer>,
    basemap: &Option<Arc<Basemap>>,
    render_state: RenderState,
    keep: bool,
) -> Harness<'static, GazetteApp> {
    let mut app = GazetteApp::new_for_test(g.clone(), seeds(), basemap.clone());
    app.draw_basemap_with(&render_state);
    app.keep_map_picture(keep);
    app.keep_panel_pictures(keep);
    let mut harness = gui_common::builder()
        .renderer(WgpuTestRenderer::from_render_state(render_state))
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness
}

/// Moves the pointer over the map's open sea for `frames` frames, each rendered as the
/// window would; returns the last picture.
fn pointer_moving(harness: &mut Harness<'static, GazetteApp>, frames: usize) -> image::RgbaImage {
    let rect = harness
        .state()
        .map_view()
        .map_rect()
        .expect("the map was drawn");
    let mut last = None;
    for i in 0..frames {
        let x = if i % 2 == 0 { 0.40 } else { 0.05 };
        harness.hover_at(rect.left_bottom() + egui::vec2(rect.width() * x, -rect.height() * 0.2));
        harness.step();
        last = Some(harness.render().expect("rendered"));
    }
    last.expect("at least one frame")
}

/// The pointer at `at` (over a panel) for `frames` frames, `event` sent in the first;
/// returns the last picture.
fn pointer_at(
    harness: &mut Harness<'static, GazetteApp>,
    at: egui::Pos2,
    event: Option<egui::Event>,
    frames: usize,
) -> image::RgbaImage {
    harness.hover_at(at);
    if let Some(event) = event {
        harness.event(event);
    }
    let mut last = None;
    for _ in 0..frames {
        harness.step();
        last = Some(harness.render().expect("rendered"));
    }
    last.expect("at least one frame")
}

#[test]
fn the_kept_pictures_show_what_drawing_every_frame_shows() {
    let (Some(a), Some(b)) = (render_state(), render_state()) else {
        eprintln!(
            "skipped: the_kept_pictures_show_what_drawing_every_frame_shows: no wgpu adapter"
        );
        return;
    };
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    if let Some(b) = &basemap {
        b.wait_until_complete();
    }
    let mut drawn = window_keeping_picture(&g, &basemap, a, false);
    let mut kept = window_keeping_picture(&g, &basemap, b, true);
    // Any difference is a bug: a picture is drawn from the same primitives by the same
    // renderer, and copied pixel for pixel.
    let compare = |drawn: &image::RgbaImage, kept: &image::RgbaImage, when: &str| {
        let n = differing(drawn, kept, 0);
        assert!(
            n == 0,
            "{when}: {n} pixels differ between the window drawn and kept"
        );
    };

    let first_drawn = pointer_moving(&mut drawn, 4);
    let first_kept = pointer_moving(&mut kept, 4);
    assert_eq!(drawn.state().map_view().kept_picture_frames(), 0);
    let hits = kept.state().map_view().kept_picture_frames();
    assert!(hits >= 2, "the picture was kept in {hits} frames of 4");
    assert_eq!(drawn.state().kept_panel_frames(), 0);
    let panel_hits = kept.state().kept_panel_frames();
    // The toolbar and the two side panels, in at least two of the four frames.
    assert!(
        panel_hits >= 6,
        "panels kept {panel_hits} times in 4 frames"
    );
    compare(&first_drawn, &first_kept, "pointer moving");

    // The view zoomed on a place: drawn again, not the stale picture.
    let focus = |h: &mut Harness<'static, GazetteApp>| {
        let entry = h.state().state().places().first().expect("a place").entry;
        let ctx = h.ctx.clone();
        h.state_mut().apply(&ctx, Action::SelectAndFocus(entry));
    };
    focus(&mut drawn);
    focus(&mut kept);
    let zoomed_drawn = pointer_moving(&mut drawn, 4);
    let zoomed_kept = pointer_moving(&mut kept, 4);
    assert!(
        differing(&first_kept, &zoomed_kept, 8) > 10_000,
        "the zoomed view looks like the first one"
    );
    compare(&zoomed_drawn, &zoomed_kept, "zoomed");
    assert!(kept.state().map_view().kept_picture_frames() > hits);
    assert!(kept.state().kept_panel_frames() > panel_hits);

    // A place of the list hovered (its highlight), then the passages scrolled: the
    // panels drawn again, not their stale pictures.
    let size = kept.ctx.content_rect().size();
    let in_list = egui::pos2(120.0, 260.0);
    let hovered_drawn = pointer_at(&mut drawn, in_list, None, 4);
    let hovered_kept = pointer_at(&mut kept, in_list, None, 4);
    compare(&hovered_drawn, &hovered_kept, "a place hovered");
    let in_passages = egui::pos2(size.x - 150.0, size.y * 0.5);
    let wheel = || egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -200.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    };
    let before_scroll = pointer_at(&mut kept, in_passages, None, 4);
    let scrolled_drawn = pointer_at(&mut drawn, in_passages, Some(wheel()), 12);
    let scrolled_kept = pointer_at(&mut kept, in_passages, Some(wheel()), 12);
    assert!(
        differing(&before_scroll, &scrolled_kept, 8) > 1_000,
        "the passages did not scroll"
    );
    compare(&scrolled_drawn, &scrolled_kept, "passages scrolled");
    let panel_hits = kept.state().kept_panel_frames();
    let still_drawn = pointer_moving(&mut drawn, 4);
    let still_kept = pointer_moving(&mut kept, 4);
    compare(&still_drawn, &still_kept, "pointer moving after the scroll");
    assert!(kept.state().kept_panel_frames() > panel_hits);

    // The other theme: its colours, not the kept picture's.
    for h in [&mut drawn, &mut kept] {
        let dark = h.ctx.theme() == egui::Theme::Dark;
        h.ctx.set_theme(if dark {
            egui::Theme::Light
        } else {
            egui::Theme::Dark
        });
    }
    let themed_drawn = pointer_moving(&mut drawn, 4);
    let themed_kept = pointer_moving(&mut kept, 4);
    assert!(differing(&zoomed_kept, &themed_kept, 8) > 10_000);
    compare(&themed_drawn, &themed_kept, "other theme");
}
