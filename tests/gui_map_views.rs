//! GUI tests of the map's corpus views: the density surface and the countries coloured by
//! mentions, switched beside the markers, and a click on a country filtering to it. The
//! real window driven by its labels with `egui_kittest`.
#![cfg(feature = "gui")]

use std::path::Path;
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::map_view::{MapMode, MarkerTarget};
use gazette::corpus::{Document, article_files};
use gazette::gazetteer::Gazetteer;

fn window() -> Harness<'static, GazetteApp> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let seeds = article_files(&dir)
        .expect("seeds folder")
        .files
        .into_iter()
        .map(|(path, name, _)| Document::read(&path, name).expect("seed").document)
        .collect();
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    let app = GazetteApp::new_for_test(g, seeds, basemap);
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    harness
}

#[test]
fn the_density_view_replaces_the_markers_and_comes_back() {
    let mut harness = window();
    assert!(!harness.state().map_view().drawn_markers().is_empty());
    harness.get_by_label("Density").click();
    harness.run();
    assert_eq!(harness.state().map_view().mode(), MapMode::Density);
    assert!(harness.state().map_view().drawn_markers().is_empty());
    assert!(
        harness.query_by_label("Density of mentions").is_some(),
        "its legend"
    );
    harness.get_by_label("Markers").click();
    harness.run();
    assert!(!harness.state().map_view().drawn_markers().is_empty());
}

#[test]
fn clicking_a_country_in_the_country_view_shows_only_it_and_again_all() {
    let mut harness = window();
    let niger = harness
        .state()
        .state()
        .place_named("Niger")
        .expect("Niger")
        .entry;
    // Where Niger's marker (or the cluster it leads) is: inside Niger.
    let at = harness
        .state()
        .map_view()
        .drawn_markers()
        .iter()
        .find(|d| match &d.target {
            MarkerTarget::Place(e) => *e == niger,
            MarkerTarget::Cluster(entries) => entries.first() == Some(&niger),
        })
        .expect("Niger is drawn")
        .center;
    harness.get_by_label("Countries").click();
    harness.run();
    assert!(
        harness.query_by_label("Mentions by country").is_some(),
        "its legend"
    );

    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
    let state = harness.state().state();
    assert!(state.places().iter().all(|p| {
        let g = state.gazetteer().expect("gazetteer");
        g.entry(p.entry).country_code.as_deref() == Some("NE")
    }));
    assert!(state.place(niger).is_some());

    // Again: every country.
    harness.hover_at(at);
    harness.run();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
    assert!(harness.state().state().filter().hidden_countries.is_empty());
}
