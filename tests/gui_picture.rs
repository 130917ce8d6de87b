//! GUI test of "Export map as PNG": the real window driven by its labels, the picture
//! drawn on a wgpu device made for the test (lavapipe where there is no GPU) and read
//! back from the file.
#![cfg(feature = "gui")]

use std::path::Path;
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::state::MessageLevel;
use gazette::corpus::{Document, article_files};
use gazette::gazetteer::Gazetteer;

fn seeds() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    article_files(&dir)
        .expect("seeds folder")
        .files
        .into_iter()
        .map(|(path, name, _)| Document::read(&path, name).expect("seed").document)
        .collect()
}

#[test]
fn the_map_is_saved_as_a_png_at_the_scale_chosen() {
    // A device to draw on: wgpu may find no adapter at all (no Vulkan, no GL).
    let render_state = match std::panic::catch_unwind(|| {
        let setup = egui_kittest::wgpu::default_wgpu_setup();
        std::panic::AssertUnwindSafe(egui_kittest::wgpu::create_render_state(
            setup,
            Default::default(),
        ))
    }) {
        Ok(std::panic::AssertUnwindSafe(r)) => r,
        Err(_) => {
            eprintln!("skipped: the_map_is_saved_as_a_png_at_the_scale_chosen: no wgpu adapter");
            return;
        }
    };
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    let mut app = GazetteApp::new_for_test(g, seeds(), basemap);
    app.set_render_state(render_state);
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    let map = harness
        .state()
        .map_view()
        .map_rect()
        .expect("the map is shown");

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.png");
    harness.get_by_label("Export map PNG…").click();
    harness.run();
    harness.get_by_label_contains("(2×)").click();
    harness.run();
    harness.state_mut().dialogs_mut().script(Some(path.clone()));
    harness.get_by_label("Save as PNG…").click();
    harness.run();

    let message = harness.state().state().latest_message().expect("a message");
    assert_eq!(message.level, MessageLevel::Success, "{}", message.text);
    let picture = image::open(&path).expect("a PNG").to_rgba8();
    assert_eq!(picture.width(), (map.width() * 2.0).round() as u32);
    assert_eq!(picture.height(), (map.height() * 2.0).round() as u32);
    // Not blank: sea, land and markers make many colours.
    let mut colours: Vec<[u8; 4]> = picture.pixels().step_by(97).map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 20, "{} colours", colours.len());
}

#[test]
fn a_still_view_shows_the_basemap_from_its_kept_picture_as_it_would_draw_it() {
    // A device per window (the app and the harness share it, as the app and eframe do).
    let device = || {
        std::panic::catch_unwind(|| {
            std::panic::AssertUnwindSafe(egui_kittest::wgpu::create_render_state(
                egui_kittest::wgpu::default_wgpu_setup(),
                Default::default(),
            ))
        })
        .ok()
        .map(|d| d.0)
    };
    if device().is_none() {
        eprintln!("skipped: a_still_view_shows_the_basemap_from_its_kept_picture: no wgpu adapter");
        return;
    }
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    if let Some(b) = &basemap {
        b.wait_until_complete();
    }
    let mut pictures = Vec::new();
    for keep in [false, true] {
        let mut app = GazetteApp::new_for_test(g.clone(), seeds(), basemap.clone());
        let render_state = device().expect("a device, as before");
        if keep {
            app.set_render_state(render_state.clone());
        }
        let mut harness = Harness::builder()
            .with_size([1500.0, 920.0])
            .renderer(egui_kittest::wgpu::WgpuTestRenderer::from_render_state(
                render_state,
            ))
            .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
        harness.run();
        for _ in 0..3 {
            harness.step();
        }
        if keep {
            let (reused, drawn) = harness.state().map_view().still_counts();
            assert!(drawn >= 1 && reused >= 1, "{reused} reused, {drawn} drawn");
        }
        let map = harness.state().map_view().map_rect().expect("map");
        let image = harness.render().expect("rendered");
        pictures.push((harness.state().map_view().still_counts(), image, map));
    }
    assert_eq!(
        pictures[0].0,
        (0, 0),
        "without a device the basemap is a mesh every frame"
    );
    // The same pixels over the map, near enough (the picture is sampled at its own pixels).
    let (a, b, map) = (&pictures[0].1, &pictures[1].1, pictures[0].2);
    let mut total = 0u64;
    let mut count = 0u64;
    for y in map.top() as u32 + 2..map.bottom() as u32 - 2 {
        for x in map.left() as u32 + 2..map.right() as u32 - 2 {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            total += (0..3).map(|i| u64::from(p[i].abs_diff(q[i]))).sum::<u64>();
            count += 3;
        }
    }
    let mean = total as f64 / count as f64;
    if let Ok(dir) = std::env::var("GAZETTE_KEEP_FRAMES") {
        let _ = a.save(Path::new(&dir).join("frame-mesh.png"));
        let _ = b.save(Path::new(&dir).join("frame-kept.png"));
    }
    assert!(mean < 2.0, "mean difference {mean:.2} of 255");
}
