//! GUI tests of the user's own places and of stepping through a document's places: a
//! place added from the map's menu (the country under the point filled in), a name
//! refused with its reason, a list imported (a bad row reported by line), shown in "My
//! places", exported and deleted, the documents parsed again each time; "Next place"
//! and the `]` `[` keys in the document view, the map following. The real window
//! driven with `egui_kittest`.
#![cfg(feature = "gui")]

mod gui_common;

use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::gazetteer::Gazetteer;

/// The app on the samples, with a gazetteer of its own: user places are put in the
/// gazetteer, and tests run in parallel must not see each other's.
fn window() -> Harness<'static, GazetteApp> {
    let gazetteer = Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer"));
    window_on(GazetteApp::new_for_test(
        gazetteer,
        gui_common::seeds(),
        gui_common::basemap(),
    ))
}

/// `app` in a 1500×920 window, after its first frames. A gazetteer of its own indexes
/// its towns for the map on another thread, which asks for frames until it is done: a
/// few more than `gui_common::window` allows.
fn window_on(app: GazetteApp) -> Harness<'static, GazetteApp> {
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness
}

fn click(harness: &mut Harness<'_, GazetteApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

fn type_into(harness: &mut Harness<'_, GazetteApp>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
}

/// A right-click at a screen position.
fn right_click_at(harness: &mut Harness<'_, GazetteApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
}

fn messages(harness: &Harness<'_, GazetteApp>) -> Vec<String> {
    harness
        .state()
        .state()
        .messages()
        .iter()
        .map(|m| m.text.clone())
        .collect()
}

#[test]
fn a_place_added_on_the_map_is_found_in_the_documents() {
    let mut harness = window();
    assert!(harness.state().state().place_named("Base 201").is_none());
    // Bring Niamey into view, then right-click a little east of it, in Niger.
    harness
        .get_by_role_and_label(egui::accesskit::Role::ListItem, "Niamey")
        .click();
    harness.run();
    let niamey = harness
        .state()
        .state()
        .place_named("Niamey")
        .expect("Niamey")
        .entry;
    let at = harness
        .state()
        .map_view()
        .marker_screen_pos(niamey)
        .expect("Niamey's marker");
    right_click_at(&mut harness, at + egui::vec2(60.0, -20.0));
    click(&mut harness, "Add a place here");
    harness.get_by_label("Add a place");

    // A name that would match everywhere is refused, with the reason.
    type_into(&mut harness, "Name", "The");
    click(&mut harness, "Add place");
    assert!(
        harness
            .query_by_label_contains("common English word")
            .is_some(),
        "the reason is shown"
    );
    assert!(harness.state().state().user_places().is_empty());

    // Select the name typed and type another over it.
    harness.get_by_label("Name").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness.get_by_label("Name").type_text("Base 201");
    harness.run();
    type_into(&mut harness, "Alternate names", "Air Base 201");
    click(&mut harness, "Add place");
    assert!(
        harness.query_by_label("Add a place").is_none(),
        "dialog closed"
    );

    let state = harness.state().state();
    let places = state.user_places();
    assert_eq!(places.len(), 1, "{:?}", messages(&harness));
    assert_eq!(places[0].name, "Base 201");
    assert_eq!(places[0].alternate_names, ["Air Base 201"]);
    assert_eq!(
        places[0].country_code.as_deref(),
        Some("NE"),
        "prefilled from the point"
    );
    assert!((11.0..24.0).contains(&places[0].lat) && (0.0..16.0).contains(&places[0].lon));
    // The seed that says "The base 201 as it’s known" was parsed again: the place is on
    // the map, its mention in lower case.
    let base = state.place_named("Base 201").expect("Base 201 is shown");
    let g = state.gazetteer().expect("gazetteer");
    assert_eq!(g.entry(base.entry).id, "user:base-201");
    let (d, m) = (base.mentions[0].document, base.mentions[0].mention);
    assert_eq!(state.documents()[d].mentions[m].text, "base 201");
    assert!(
        messages(&harness)
            .iter()
            .any(|t| t.contains("parsed again"))
    );
}

#[test]
fn a_list_is_imported_shown_exported_and_deleted() {
    let mut harness = window();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("places.csv");
    std::fs::write(
        &file,
        "name,lat,lon,kind,country,alternate_names\n\
         Base 201,16.97,7.99,place,NE,Air Base 201\n\
         Nowhere,95,7,place,,\n",
    )
    .expect("write");
    click(&mut harness, "My places…");
    harness.state_mut().dialogs_mut().script(Some(file.clone()));
    click(&mut harness, "Import places…");
    let state = harness.state().state();
    assert_eq!(state.user_places().len(), 1);
    assert!(
        state.place_named("Base 201").is_some(),
        "found in the samples"
    );
    let shown = file.display().to_string();
    assert!(
        messages(&harness)
            .iter()
            .any(|t| t.starts_with(&format!("{shown}, line 3: the latitude 95 is out of range"))),
        "{:?}",
        messages(&harness)
    );
    // Listed in My places.
    harness.get_by_label_contains("place · NE · 16.9700, 7.9900");

    // Exported as the importer reads it.
    let out = dir.path().join("mine.csv");
    harness.state_mut().dialogs_mut().script(Some(out.clone()));
    click(&mut harness, "Export places…");
    let written = std::fs::read_to_string(&out).expect("exported");
    let again = gazette::gazetteer::places_file::read_places(&out).expect("reads back");
    assert_eq!(
        again.places,
        harness.state().state().user_places(),
        "{written}"
    );

    // Edited: moved, its id kept, still found in the samples.
    click(&mut harness, "Edit");
    harness.get_by_label("Edit place");
    harness.get_by_label("Latitude").click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness.get_by_label("Latitude").type_text("17.25");
    harness.run();
    click(&mut harness, "Save place");
    let state = harness.state().state();
    assert_eq!(
        state.user_places()[0].lat,
        17.25,
        "{:?}",
        messages(&harness)
    );
    let base = state.place_named("Base 201").expect("still found");
    let g = state.gazetteer().expect("gazetteer");
    assert_eq!(
        (g.entry(base.entry).id.as_str(), g.entry(base.entry).lat),
        ("user:base-201", 17.25)
    );

    // Deleted: gone from the list, the gazetteer's reading and the map.
    click(&mut harness, "Delete");
    let state = harness.state().state();
    assert!(state.user_places().is_empty());
    assert!(state.place_named("Base 201").is_none());
    assert!(harness.query_by_label_contains("16.9700").is_none());
}

#[test]
fn a_documents_places_are_stepped_through_in_text_order() {
    let mut harness = window();
    harness.state_mut().state_mut().open_document(0, None);
    harness.run();
    let doc = harness.state().state().documents()[0].clone();
    let steps = harness.state().state().places_to_step(0);
    assert!(steps.len() >= 3, "{steps:?}");
    // "Turkish", a demonym, is not shown by default: passed over.
    assert_eq!(doc.mentions[0].text, "Turkish");
    assert!(!steps.contains(&0));
    let first = steps[0];
    click(&mut harness, "Next place");
    let focus = |h: &Harness<'_, GazetteApp>| {
        h.state()
            .state()
            .open_document_state()
            .and_then(|o| o.focus_mention)
    };
    assert_eq!(focus(&harness), Some(first));
    assert_eq!(
        harness.state().state().selected(),
        harness.state().state().effective_entry((0, first)),
        "the map follows"
    );
    assert!(harness.query_by_label_contains("Place 1 of").is_some());

    harness.key_press(egui::Key::CloseBracket);
    harness.run();
    let second = focus(&harness).expect("a focus");
    assert_eq!(second, steps[1]);
    assert!(
        doc.mentions[second].start > doc.mentions[first].start,
        "text order"
    );
    assert!(harness.query_by_label_contains("Place 2 of").is_some());

    harness.key_press(egui::Key::OpenBracket);
    harness.run();
    assert_eq!(focus(&harness), Some(first));
    click(&mut harness, "Previous place");
    assert_eq!(focus(&harness), Some(first), "stays at the first");
}

#[test]
fn your_places_come_back_with_the_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let start = || {
        let gazetteer = Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer"));
        window_on(GazetteApp::new_for_test_with_session(
            gazetteer,
            None,
            path.clone(),
            None,
        ))
    };
    let session = gazette::app::state::Session {
        sources: vec![gazette::corpus::DocumentSource::Pasted {
            name: "Note".into(),
            text: "Supplies reached camp delta near Agadez.".into(),
        }],
        ..Default::default()
    };
    gazette::app::session_file::SessionFile::at(&path)
        .save(&session)
        .expect("session written");
    let mut harness = start();
    assert!(harness.state().state().place_named("Camp Delta").is_none());
    click(&mut harness, "My places…");
    let file = dir.path().join("places.csv");
    std::fs::write(&file, "name,lat,lon\nCamp Delta,17.1,8.2\n").expect("write");
    harness.state_mut().dialogs_mut().script(Some(file));
    click(&mut harness, "Import places…");
    assert!(harness.state().state().place_named("Camp Delta").is_some());
    assert!(harness.state_mut().save_session());
    drop(harness);

    let harness = start();
    let state = harness.state().state();
    assert_eq!(state.user_places().len(), 1);
    assert_eq!(state.user_places()[0].name, "Camp Delta");
    let camp = state
        .place_named("Camp Delta")
        .expect("found when parsed back");
    let g = state.gazetteer().expect("gazetteer");
    assert_eq!(g.entry(camp.entry).id, "user:camp-delta");
}

#[test]
fn a_project_keeps_your_places_and_their_mentions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("news.gpkg");
    let mut harness = window();
    let save_as = |harness: &mut Harness<'_, GazetteApp>, item: &str, path: &std::path::Path| {
        harness
            .state_mut()
            .dialogs_mut()
            .script(Some(path.to_path_buf()));
        click(harness, "Project");
        click(harness, item);
        harness.state_mut().flush_project();
        harness.run();
    };
    save_as(&mut harness, "Save project as…", &project);
    // A place imported while the project is open goes into it, with the mentions of the
    // document parsed again.
    let file = dir.path().join("places.csv");
    std::fs::write(
        &file,
        "name,lat,lon,kind,country\nBase 201,16.97,7.99,place,NE\n",
    )
    .expect("write");
    click(&mut harness, "My places…");
    harness.state_mut().dialogs_mut().script(Some(file));
    click(&mut harness, "Import places…");
    harness.state_mut().flush_project();
    harness.run();
    let stored = gazette::project::Project::open_read_only(&project).expect("project");
    assert_eq!(stored.user_places().expect("places").len(), 1);
    let layer: Vec<String> = stored
        .place_summaries()
        .expect("layer")
        .into_iter()
        .map(|p| p.gazetteer_id)
        .collect();
    assert!(layer.contains(&"user:base-201".to_string()), "{layer:?}");
    drop(stored);
    drop(harness);

    // Another window (a gazetteer of its own, without the place) opens the project:
    // the place comes with it.
    let mut harness = window_without_documents();
    save_as(&mut harness, "Open project…", &project);
    let state = harness.state().state();
    assert_eq!(state.user_places().len(), 1);
    assert!(
        state.place_named("Base 201").is_some(),
        "{:?}",
        messages(&harness)
    );
}

/// An empty window with a gazetteer of its own.
fn window_without_documents() -> Harness<'static, GazetteApp> {
    let gazetteer = Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer"));
    window_on(GazetteApp::new_for_test(gazetteer, Vec::new(), None))
}
