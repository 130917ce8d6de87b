//! GUI tests of the map's corpus views: the density surface and the countries coloured by
//! mentions, switched beside the markers, and a click on a country filtering to it. The
//! real window driven by its labels with `egui_kittest`.
#![cfg(feature = "gui")]

mod gui_common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::map_view::{MapMode, MarkerTarget};

fn window() -> Harness<'static, GazetteApp> {
    gui_common::window(GazetteApp::new_for_test(
        gui_common::gazetteer(),
        gui_common::seeds(),
        gui_common::basemap(),
    ))
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
