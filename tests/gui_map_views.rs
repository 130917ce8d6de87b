//! GUI tests of the map's corpus views: the density surface, and the countries and the
//! first-level divisions coloured by mentions, switched beside the markers; a click on a
//! country filtering to it, a click on a division naming it. The real window driven by
//! its labels with `egui_kittest`.
#![cfg(feature = "gui")]

mod gui_common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::basemap::mercator_from_lon_lat;
use gazette::app::map_view::{MapMode, MarkerTarget};
use gazette::corpus::division_of;

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

#[test]
fn the_division_view_colours_divisions_and_a_click_names_the_one_under_a_place() {
    let basemap = gui_common::basemap().expect("bundled basemap");
    // The division polygons are triangulated on the basemap's thread: wait for them.
    basemap.wait_until_complete();
    let mut harness = window();
    let g = gui_common::gazetteer();
    // A place resolved inside a division, drawn as its own marker, whose point the
    // basemap finds inside a division of the same GeoNames code.
    let zoom = harness.state().map_view().zoom();
    let (at, area, mentions) = harness
        .state()
        .map_view()
        .drawn_markers()
        .iter()
        .filter_map(|d| match d.target {
            MarkerTarget::Place(entry) => Some((entry, d.center)),
            MarkerTarget::Cluster(_) => None,
        })
        .filter_map(|(entry, center)| {
            let (country, admin1) = division_of(&g, entry)?;
            let e = g.entry(entry);
            let index = basemap.division_at(mercator_from_lon_lat(e.lon, e.lat), zoom)?;
            let area = basemap.division_areas()[index].clone();
            (area.iso_a2 == country && area.admin1_code == admin1).then_some((center, area))
        })
        .map(|(center, area)| {
            let state = harness.state().state();
            let mentions: usize = state
                .places()
                .iter()
                .filter(|p| {
                    division_of(&g, p.entry)
                        == Some((area.iso_a2.as_str(), area.admin1_code.as_str()))
                })
                .map(|p| p.mention_count)
                .sum();
            (center, area, mentions)
        })
        .next()
        .expect("a place inside a division is drawn");

    harness.get_by_label("Divisions").click();
    harness.run();
    assert_eq!(harness.state().map_view().mode(), MapMode::Divisions);
    assert!(harness.state().map_view().drawn_markers().is_empty());
    assert!(
        harness.query_by_label("Mentions by division").is_some(),
        "its legend"
    );
    let classes = harness.state().map_view().classes().to_vec();
    assert!(!classes.is_empty(), "classes in the legend");
    assert!(
        classes
            .iter()
            .any(|&(low, high)| (low..=high).contains(&mentions))
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
    let note = harness
        .state()
        .map_view()
        .division_note()
        .expect("a note for the division clicked")
        .to_string();
    assert!(note.starts_with(&area.name), "{note} for {area:?}");
    let count = if mentions == 1 {
        "1 mention in".to_string()
    } else {
        format!("{mentions} mentions in")
    };
    assert!(note.contains(&count), "{note}: {mentions} mentions");
    assert!(harness.query_by_label(&note).is_some(), "the note is shown");
    // The filter is untouched: every place is still shown.
    assert!(harness.state().state().filter().hidden_countries.is_empty());

    // Back to the countries: no note.
    harness.get_by_label("Countries").click();
    harness.run();
    assert!(harness.state().map_view().division_note().is_none());
}
