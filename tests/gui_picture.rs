//! GUI test of "Export map as PNG": the real window driven by its labels, the picture
//! drawn on a wgpu device made for the test (lavapipe where there is no GPU) and read
//! back from the file.
#![cfg(feature = "gui")]

mod gui_common;

use std::sync::Arc;

use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::state::MessageLevel;
use gazette::gazetteer::Gazetteer;
use gui_common::seeds;

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
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
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
