//! GUI tests: the real window, driven by labels with `egui_kittest`, with no GPU and no
//! network. The app is built synchronously (gazetteer, sample articles and basemap loaded
//! before the first frame; file dialogs scripted); assertions are on its state.
#![cfg(feature = "gui")]

mod gui_common;

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gazette::app::GazetteApp;
use gazette::app::map_view::MarkerTarget;
use gazette::app::state::MessageLevel;
use gazette::corpus::Document;
use gazette::gazetteer::EntryIndex;
use gui_common::{basemap, gazetteer, seeds};

/// The app with the sample articles, in a 1500×920 window, after its first frames.
fn harness() -> Harness<'static, GazetteApp> {
    let app = GazetteApp::new_for_test(gazetteer(), seeds(), basemap());
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness
}

fn entry(harness: &Harness<'_, GazetteApp>, name: &str) -> EntryIndex {
    harness
        .state()
        .state()
        .place_named(name)
        .unwrap_or_else(|| panic!("{name} is not shown"))
        .entry
}

/// A primary click at a screen position (press and release without moving).
fn click_at(harness: &mut Harness<'_, GazetteApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
}

#[test]
fn the_window_shows_the_samples() {
    let harness = harness();
    let app = harness.state();
    assert_eq!(app.state().documents().len(), 2);
    assert!(app.state().places().len() > 5);
    assert!(!app.is_loading());
    // The map drew markers (places or clusters) for what is shown.
    assert!(!app.map_view().drawn_markers().is_empty());
    harness.get_by_label("Fit all");
    harness.get_by_label("Export GeoJSON…");
    harness.get_by_label("Export KML…");
    harness.get_by_role_and_label(Role::CheckBox, "Niger");
}

#[test]
fn clicking_a_list_row_selects_and_shows_passages() {
    let mut harness = harness();
    let niamey = entry(&harness, "Niamey");
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.state().selected(), Some(niamey));
    // The map zoomed in to it and drew its own marker.
    assert!(app.map_view().zoom() >= 6.0);
    assert!(app.map_view().marker_screen_pos(niamey).is_some());
    // Its passages are listed, grouped by document.
    harness.get_by_label_contains("Niger's capital Niamey");
    harness.get_by_label("Not a place (3 mentions)");
}

#[test]
fn clicking_a_marker_selects_its_place_and_a_drag_does_not() {
    let mut harness = harness();
    // A place drawn with its own marker (not in a cluster) at the fitted zoom.
    let (entry, pos) = harness
        .state()
        .map_view()
        .drawn_markers()
        .iter()
        .find_map(|d| match d.target {
            MarkerTarget::Place(e) => Some((e, d.center)),
            MarkerTarget::Cluster(_) => None,
        })
        .expect("a single marker");

    // Grabbing the map on the marker to pan it is a drag, not a click, although the
    // button goes up over the marker (which moved along with the map).
    let end = pos + egui::vec2(120.0, -60.0);
    harness.hover_at(pos);
    harness.run();
    harness.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
    for i in 1..=6 {
        // Step, not run: while the button is held the map keeps repainting.
        harness.hover_at(pos + (end - pos) * (i as f32 / 6.0));
        harness.run_steps(2);
    }
    let moved = harness
        .state()
        .map_view()
        .marker_screen_pos(entry)
        .expect("still drawn");
    assert!(moved.distance(end) < 2.0, "the marker follows the drag");
    harness.event(egui::Event::PointerButton {
        pos: end,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
    assert_eq!(harness.state().state().selected(), None, "a drag selected");
    // Let the map's inertia run out.
    harness.run_steps(60);
    harness.run();

    // The map moved with the drag; click the marker where it is now.
    let pos = harness
        .state()
        .map_view()
        .marker_screen_pos(entry)
        .expect("still drawn");
    click_at(&mut harness, pos);
    assert_eq!(harness.state().state().selected(), Some(entry));

    // A click on empty map clears the selection.
    let rect_corner = pos + egui::vec2(0.0, 200.0);
    let far = harness
        .state()
        .map_view()
        .drawn_markers()
        .iter()
        .all(|d| d.center.distance(rect_corner) > 40.0);
    if far {
        click_at(&mut harness, rect_corner);
        assert_eq!(harness.state().state().selected(), None);
    }
}

#[test]
fn clicking_a_cluster_zooms_into_it() {
    let mut harness = harness();
    let (members, pos) = harness
        .state()
        .map_view()
        .drawn_markers()
        .iter()
        .find_map(|d| match &d.target {
            MarkerTarget::Cluster(m) => Some((m.clone(), d.center)),
            MarkerTarget::Place(_) => None,
        })
        .expect("the samples cluster at the fitted zoom (West Africa)");
    let zoom = harness.state().map_view().zoom();
    click_at(&mut harness, pos);
    let app = harness.state();
    assert!(app.map_view().zoom() > zoom, "zoomed in");
    assert_eq!(app.state().selected(), None);
    // Each member is now drawn on its own or in a smaller cluster.
    let separated = members
        .iter()
        .filter(|e| app.map_view().marker_screen_pos(**e).is_some());
    assert!(separated.count() >= 2);
}

#[test]
fn the_country_filter_changes_the_map_and_the_lists() {
    let mut harness = harness();
    let france = entry(&harness, "France");
    harness
        .get_by_role_and_label(Role::ListItem, "France")
        .click();
    harness.run();
    assert!(
        harness
            .state()
            .map_view()
            .marker_screen_pos(france)
            .is_some()
    );

    harness
        .get_by_role_and_label(Role::CheckBox, "France")
        .click();
    harness.run();
    let app = harness.state();
    assert!(app.state().filter().hidden_countries.contains("FR"));
    assert!(app.state().place(france).is_none());
    assert!(
        app.map_view().marker_screen_pos(france).is_none(),
        "marker gone"
    );
    assert!(
        app.map_view()
            .drawn_markers()
            .iter()
            .all(|d| !matches!(&d.target, MarkerTarget::Cluster(m) if m.contains(&france)))
    );
    assert!(
        harness
            .query_by_role_and_label(Role::ListItem, "France")
            .is_none()
    );
    harness.get_by_label("The current filter hides this place.");

    // "None" hides everything; "All" brings it back.
    harness.get_by_label("None").click();
    harness.run();
    assert!(harness.state().state().places().is_empty());
    assert!(harness.state().map_view().drawn_markers().is_empty());
    harness.get_by_label("No place matches the filter.");
    harness.get_by_label("All").click();
    harness.run();
    assert!(harness.state().state().place(france).is_some());
    harness.get_by_role_and_label(Role::ListItem, "France");
}

#[test]
fn a_place_can_be_marked_not_a_place_and_a_mention_reassigned() {
    let mut harness = harness();
    let niamey = entry(&harness, "Niamey");
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();

    // Reassign the first Niamey mention to another candidate from its menu.
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("menu")
        .click();
    harness.run();
    harness
        .get_all_by_label_contains("Niamey (State / province, NE)")
        .find(|n| n.accesskit_node().role() == Role::RadioButton)
        .expect("the region in the mention's menu")
        .click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.state().corrections().len(), 1);
    assert_eq!(app.state().place(niamey).map(|p| p.mentions.len()), Some(2));
    let region = app.state().selected().expect("the new entry is selected");
    assert_ne!(region, niamey);
    assert!(app.state().place(region).expect("shown").mentions[0].corrected);

    // The whole city: not a place.
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    harness.get_by_label("Not a place (2 mentions)").click();
    harness.run();
    let app = harness.state();
    assert!(app.state().place(niamey).is_none());
    assert!(
        app.state().place_named("Niamey").is_some(),
        "the region stays"
    );
    assert_eq!(app.state().corrections().len(), 3);
}

#[test]
fn export_writes_what_is_shown_and_reports_it() {
    let mut harness = harness();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shown.geojson");
    harness
        .get_by_role_and_label(Role::CheckBox, "United States")
        .click();
    harness.run();
    harness.state_mut().dialogs_mut().script(Some(path.clone()));
    harness.get_by_label("Export GeoJSON…").click();
    harness.run();

    let text = std::fs::read_to_string(&path).expect("the export was written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("GeoJSON");
    let features = json["features"].as_array().expect("features");
    let app = harness.state();
    assert_eq!(features.len(), app.state().places().len());
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["country_code"] != "US")
    );
    let mentions: usize = features
        .iter()
        .map(|f| {
            f["properties"]["mentions"]
                .as_array()
                .expect("mentions")
                .len()
        })
        .sum();
    assert_eq!(mentions, app.state().mention_count());
    let message = app.state().latest_message().expect("a message");
    assert_eq!(message.level, MessageLevel::Success);
    assert!(message.text.contains("shown.geojson"), "{}", message.text);
    assert!(harness.get_all_by_label_contains("Exported").count() >= 1);

    // KML: a Placemark per place shown.
    let kml = dir.path().join("shown.kml");
    harness.state_mut().dialogs_mut().script(Some(kml.clone()));
    harness.get_by_label("Export KML…").click();
    harness.run();
    let text = std::fs::read_to_string(&kml).expect("the KML export was written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed KML");
    let placemarks = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Placemark")
        .count();
    assert_eq!(placemarks, harness.state().state().places().len());

    // A failed export says so.
    let bad = dir.path().join("no-such-folder").join("x.csv");
    harness.state_mut().dialogs_mut().script(Some(bad));
    harness.get_by_label("Export CSV…").click();
    harness.run();
    let message = harness.state().state().latest_message().expect("a message");
    assert_eq!(message.level, MessageLevel::Error);
    assert!(
        message.text.starts_with("Export failed"),
        "{}",
        message.text
    );
}

#[test]
fn opening_a_folder_skips_binary_files_and_keeps_the_rest() {
    let mut harness = harness();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("good.txt"),
        "Talks were held in Ouagadougou, Burkina Faso, on Friday.",
    )
    .expect("write");
    std::fs::write(dir.path().join("bad.txt"), b"\x89PNG\r\n\x1a\n\0\0\0binary").expect("write");
    harness
        .state_mut()
        .dialogs_mut()
        .script(Some(PathBuf::from(dir.path())));
    harness.get_by_label("Open folder…").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.state().documents().len(), 3);
    assert!(app.state().place_named("Ouagadougou").is_some());
    assert!(
        app.state()
            .messages()
            .iter()
            .any(|m| m.level == MessageLevel::Warning && m.text.contains("binary"))
    );
    // A cancelled dialog does nothing.
    harness.get_by_label("Open files…").click();
    harness.run();
    assert_eq!(harness.state().state().documents().len(), 3);
}

#[test]
fn pasted_text_becomes_a_document() {
    let mut harness = harness();
    harness.get_by_label("Paste text…").click();
    harness.run();
    harness.get_by_role(Role::MultilineTextInput).click();
    harness.run();
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text("Heavy rain flooded parts of Timbuktu in Mali this week.");
    harness.run();
    harness.get_by_label("Add document").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.state().documents().len(), 3);
    assert_eq!(app.state().documents()[2].document.name, "Pasted text");
    assert!(app.state().place_named("Timbuktu").is_some());
    assert!(
        harness.query_by_label("Add document").is_none(),
        "dialog closed"
    );
}

#[test]
fn a_passage_opens_the_document_view() {
    let mut harness = harness();
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    harness
        .get_by_label_contains("Niger's capital Niamey")
        .click();
    harness.run();
    let app = harness.state();
    let open = app.state().open_document_state().expect("document open");
    let doc = &app.state().documents()[open.document];
    let mention = &doc.mentions[open.focus_mention.expect("focus")];
    assert_eq!(mention.text, "Niamey");
    assert!(!open.scroll_pending, "scrolled to it");
    harness.get_by_label("Close ×").click();
    harness.run();
    assert!(harness.state().state().open_document_state().is_none());
    // Escape clears the selection.
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(harness.state().state().selected(), None);
}

#[test]
fn the_basemap_names_towns_around_agadez_and_never_covers_a_marker() {
    let mut harness = harness();
    let agadez = entry(&harness, "Agadez");
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, gazette::app::Action::SelectAndFocus(agadez));
    harness.run();
    for _ in 0..2 {
        harness.get_by_label("+").click();
        harness.run();
    }
    assert!(harness.state().map_view().zoom() >= 7.5);
    // The towns are indexed on a background thread: wait for it (a second or two).
    for _ in 0..400 {
        if harness.state().map_view().towns_indexed() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
        harness.step();
    }
    assert!(harness.state().map_view().towns_indexed());
    harness.run();
    let view = harness.state().map_view();
    let names = view.basemap_name_rects();
    // Agadez's neighbours (Arlit, Tchirozérine, I-n-Gall, Aderbissinat…), each a dot and
    // a name, and the country's name.
    assert!(names.len() >= 7, "{} names", names.len());
    let map = view.map_rect().expect("map drawn");
    for name in names {
        assert!(map.contains_rect(*name), "{name:?} outside the map");
        for marker in view.drawn_markers() {
            assert!(
                name.distance_to_pos(marker.center) >= marker.radius,
                "{name:?} covers the marker at {:?}",
                marker.center
            );
        }
    }
}

#[test]
fn about_lists_the_licences() {
    let mut harness = harness();
    harness.get_by_label("About").click();
    harness.run();
    harness.get_by_label("GeoNames");
    harness.get_by_label_contains("CC BY 4.0 — contains data from GeoNames");
    harness.get_by_label_contains("ODbL 1.0 — the gazetteer");
    // Natural Earth and the US Census (county borders).
    harness.get_by_label("US Census Bureau");
    assert_eq!(harness.get_all_by_label("public domain").count(), 2);
}

/// 10,000 places, one mention each, without running the parser.
fn ten_thousand_places() -> gazette::app::state::AppState {
    gazette::app::state::AppState::with_most_populous_places(gazetteer(), 10_000)
}

#[test]
fn ten_thousand_places_stay_interactive() {
    let state = ten_thousand_places();
    assert_eq!(state.places().len(), 10_000);
    let app = GazetteApp::with_state(state, basemap());
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    // Clustered at the fitted zoom: far fewer circles than places.
    let drawn = harness.state().map_view().drawn_markers().len();
    assert!(drawn < 400, "{drawn} markers drawn at the world view");
    // Frames at the world view, then zoomed in on a city, still work (their speed is
    // measured in `benches/app_frame.rs`, not asserted here).
    for _ in 0..3 {
        harness.step();
    }
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
    // Zoomed in, Tokyo is drawn as itself, not inside a cluster.
    assert!(
        harness
            .state()
            .map_view()
            .marker_screen_pos(tokyo)
            .is_some()
    );
    let zoomed = harness.state().map_view().drawn_markers().len();
    assert!(zoomed >= 1);
}

#[test]
fn without_a_file_dialog_a_path_can_be_typed() {
    let mut harness = harness();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("typed.txt");
    std::fs::write(&file, "Flooding hit Maiduguri in northeastern Nigeria.").expect("write");
    harness
        .state_mut()
        .dialogs_mut()
        .script_failure("Failed to connect to session bus");
    harness.get_by_label("Open files…").click();
    harness.run();
    let app = harness.state();
    assert!(
        app.state()
            .messages()
            .iter()
            .any(|m| m.level == MessageLevel::Error && m.text.contains("No file dialog"))
    );
    assert!(
        app.state()
            .messages()
            .iter()
            .any(|m| m.text.contains("session bus"))
    );
    harness
        .get_by_role_and_label(Role::TextInput, "Path")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Path")
        .type_text(&file.display().to_string());
    harness.run();
    harness.get_by_label("OK").click();
    harness.run();
    assert!(harness.state().state().place_named("Maiduguri").is_some());
    assert!(harness.query_by_label("OK").is_none(), "prompt closed");
}

#[test]
fn clicking_a_mention_in_the_document_selects_its_place() {
    let mut harness = harness();
    harness.get_by_label("003_ecd463612c929bee.txt").click();
    harness.run();
    assert_eq!(
        harness
            .state()
            .state()
            .open_document_state()
            .map(|o| o.document),
        Some(1)
    );
    // The first paragraph starts with the mention "US".
    let rect = harness
        .get_by_label("US troops in Niger. Photo/courtesy.")
        .rect();
    let zoom = harness.state().map_view().zoom();
    click_at(&mut harness, egui::pos2(rect.left() + 6.0, rect.center().y));
    let app = harness.state();
    let us = app.state().place_named("United States").expect("US").entry;
    assert_eq!(app.state().selected(), Some(us));
    assert_ne!(app.map_view().zoom(), zoom, "the map moved to it");
    assert_eq!(
        app.state()
            .open_document_state()
            .and_then(|o| o.focus_mention),
        Some(0)
    );
}

#[test]
fn corrections_are_listed_and_can_be_undone() {
    let mut harness = harness();
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    harness.get_by_label("Not a place (3 mentions)").click();
    harness.run();
    assert_eq!(harness.state().state().corrections().len(), 3);
    // With nothing selected, the overview lists the corrections.
    harness.get_by_label("Your corrections (3)");
    harness
        .get_all_by_label("Undo")
        .next()
        .expect("undo")
        .click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.state().corrections().len(), 2);
    assert_eq!(
        app.state().place_named("Niamey").map(|p| p.mentions.len()),
        Some(1)
    );
}

/// 5,000 documents: the lists draw their visible rows only (the document filter, a
/// place's passages a page of documents at a time, the corrections), so a frame costs the
/// same as with a few documents.
#[test]
fn five_thousand_documents_draw_only_the_visible_rows() {
    use gazette::app::state::{AppState, DocumentSource};
    use gazette::corpus::ParsedDocument;
    use gazette::geoparse::Geoparser;
    let g = gazetteer();
    let texts = [
        "Soldiers in Niamey and Agadez met officials on Monday; the convoy left Niamey.",
        "Ministers met in Paris on Tuesday.",
    ];
    let parsed: Vec<ParsedDocument> = texts
        .iter()
        .map(|t| ParsedDocument {
            document: Document::from_text("t", *t),
            mentions: Geoparser::new(&g).parse(t),
        })
        .collect();
    let mut state = AppState::with_gazetteer(g.clone());
    for i in 0..5000 {
        let name = format!("doc-{i:04}.txt");
        let mut doc = parsed[i % 2].clone();
        doc.document.name = name.clone();
        state.add_document(
            doc,
            DocumentSource::Pasted {
                name,
                text: String::new(),
            },
        );
    }
    state.refresh();
    let app = GazetteApp::with_state(state, basemap());
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness.get_by_label("Documents (5000)").click();
    harness.run();
    harness.get_by_label("doc-0000.txt");
    let rows = harness.query_all_by_label_contains("doc-").count();
    assert!(rows < 40, "{rows} document rows drawn");
    assert!(harness.query_by_label("doc-4999.txt").is_none());

    // Niamey's passages, 25 documents a page.
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    harness.get_by_label("Passages in 2,500 documents");
    let headers = harness.query_all_by_label_contains(".txt (2)").count();
    assert_eq!(headers, 25);
    harness.get_by_label("doc-0048.txt (2)");
    harness.get_by_label("›").click();
    harness.run();
    harness.get_by_label("26–50");
    harness.get_by_label("doc-0050.txt (2)");
    assert!(harness.query_by_label("doc-0048.txt (2)").is_none());

    // 5,000 corrections at once; the overview lists them, drawing the visible ones.
    harness.get_by_label("Not a place (5000 mentions)").click();
    harness.run();
    assert_eq!(harness.state().state().corrections().len(), 5000);
    harness.get_by_label("Your corrections (5000)");
    let undo = harness.query_all_by_label("Undo").count();
    assert!((1..60).contains(&undo), "{undo} corrections drawn");
}

/// A load that ends refits the map unless the user moved it meanwhile: fits are not
/// moves, a zoom is, "Fit all" starts over.
#[test]
fn the_map_knows_when_the_user_moved_it() {
    let mut harness = harness();
    for _ in 0..3 {
        harness.step();
    }
    assert!(
        !harness.state().map_view().moved_by_user(),
        "a fit is not a move"
    );
    harness.get_by_label("+").click();
    harness.run();
    assert!(harness.state().map_view().moved_by_user());
    harness.get_by_label("Fit all").click();
    harness.run();
    assert!(!harness.state().map_view().moved_by_user());
}

/// Opens `path` through the "Open folder…" dialog, scripted.
fn open_folder(harness: &mut Harness<'_, GazetteApp>, path: &Path) {
    harness
        .state_mut()
        .dialogs_mut()
        .script(Some(path.to_path_buf()));
    harness.get_by_label("Open folder…").click();
    harness.run();
}

#[test]
fn a_dated_dataset_gets_a_timeline_whose_range_filters_the_map() {
    let mut harness = harness();
    assert!(
        harness.query_by_label("Play").is_none(),
        "the undated samples have no timeline"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("news.jsonl"),
        concat!(
            "{\"title\":\"Floods in Maiduguri\",\"text\":\"Flooding hit Maiduguri in Nigeria.\",\"date\":\"2024-03-02\",\"url\":\"https://example.org/a\"}\n",
            "{\"title\":\"Talks in Ouagadougou\",\"text\":\"Talks were held in Ouagadougou, Burkina Faso.\",\"date\":\"2024-03-20\"}\n",
        ),
    )
    .expect("write");
    open_folder(&mut harness, dir.path());
    assert!(harness.state().state().place_named("Maiduguri").is_some());
    // Titles and dates in the document list; the undated samples still counted apart.
    harness.get_by_label("Floods in Maiduguri");
    harness.get_by_label("2024-03-02");
    harness.get_by_label_contains("Undated (");
    harness.get_by_label("Play").click();
    harness.run();
    // The first step comes at once: the first day alone.
    let dates = harness.state().state().filter().dates;
    assert_eq!(dates.from, dates.to);
    assert!(harness.state().state().place_named("Maiduguri").is_some());
    assert!(harness.state().state().place_named("Ouagadougou").is_none());
    harness.get_by_label("Pause").click();
    harness.run();
    harness.get_by_label("All dates").click();
    harness.run();
    assert!(harness.state().state().place_named("Ouagadougou").is_some());
    // A drag across the right half of the bars keeps the later article only.
    let bars = harness.get_by_label("Timeline").rect();
    let (from, to) = (bars.lerp_inside(egui::vec2(0.6, 0.5)), bars.right_center());
    harness.hover_at(from);
    harness.run();
    harness.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
    for i in 1..=6 {
        harness.hover_at(from + (to - from) * (i as f32 / 6.0) - egui::vec2(1.0, 0.0));
        harness.run_steps(2);
    }
    harness.event(egui::Event::PointerButton {
        pos: to - egui::vec2(1.0, 0.0),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
    let dates = harness.state().state().filter().dates;
    assert!(dates.from.is_some() && dates.to.is_some(), "{dates:?}");
    assert!(harness.state().state().place_named("Ouagadougou").is_some());
    assert!(harness.state().state().place_named("Maiduguri").is_none());
    harness.get_by_label("All dates").click();
    harness.run();
    // Undated documents hidden: the samples' places go, the dataset's stay.
    let undated = format!(
        "Undated ({} mentions)",
        harness.state().state().undated_mentions()
    );
    harness
        .get_by_role_and_label(Role::CheckBox, &undated)
        .click();
    harness.run();
    assert!(harness.state().state().filter().dates.hide_undated);
    assert!(harness.state().state().place_named("Niamey").is_none());
    assert!(harness.state().state().place_named("Maiduguri").is_some());
    // Sorted by date, newest first: the later article heads the list.
    harness.get_by_label("date").click();
    harness.run();
    let first = harness.state().state().document_at_row(0);
    assert_eq!(
        harness.state().state().documents()[first].document.title(),
        "Talks in Ouagadougou"
    );
}

#[test]
fn a_csv_without_a_known_text_column_asks_which_field_holds_the_text() {
    let mut harness = harness();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("odd.csv"),
        "ref,story_html,when\n7,\"Ferries between Mombasa and Lamu resumed.\",2023-11-02\n",
    )
    .expect("write");
    open_folder(&mut harness, dir.path());
    assert!(harness.state().state().place_named("Mombasa").is_none());
    harness.get_by_label("Which fields of odd.csv?");
    // With no text field chosen, "Open" does nothing.
    harness.get_by_label("Open").click();
    harness.run();
    harness.get_by_label("Which fields of odd.csv?");
    harness
        .get_by_role_and_label(Role::ComboBox, "Text")
        .click();
    harness.run();
    harness.get_by_label("story_html").click();
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert!(harness.query_by_label("Which fields of odd.csv?").is_none());
    assert!(harness.state().state().place_named("Mombasa").is_some());
}

#[test]
fn the_status_bar_gives_the_pointers_position_over_the_map() {
    let mut harness = harness();
    let map = harness
        .state()
        .map_view()
        .map_rect()
        .expect("the map is drawn");
    harness.hover_at(map.center());
    harness.run();
    harness.run();
    let (lat, lon) = harness.state().map_view().cursor().expect("over the map");
    assert!((-85.0..=85.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    let ns = if lat >= 0.0 { "N" } else { "S" };
    harness.get_by_label_contains(&format!("{:.4}°{ns}", lat.abs()));
}

/// Names with letters egui's own face lacks (Latin Extended Additional, combining
/// marks) are drawn, not boxes: egui_kittest panics on a glyph nothing can draw, and the
/// document view lays out every letter of the text.
#[test]
fn letters_beyond_egui_s_face_are_drawn() {
    use gazette::app::state::{AppState, DocumentSource};
    use gazette::corpus::ParsedDocument;
    use gazette::geoparse::Geoparser;
    let text = "Envoys from Ṭarābulus and Hồ Chí Minh City met in Niamey; \
                a convoy left Ḩalab and Đà Nẵng (decomposed: Ha\u{0300} No\u{0323}\u{0302}i).";
    let g = gazetteer();
    let doc = ParsedDocument {
        mentions: Geoparser::new(&g).parse(text),
        document: Document::from_text("letters", text),
    };
    let mut state = AppState::with_gazetteer(g.clone());
    state.add_document(
        doc,
        DocumentSource::Pasted {
            name: "letters".into(),
            text: text.into(),
        },
    );
    state.refresh();
    let mut harness = gui_common::window(GazetteApp::with_state(state, basemap()));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .apply(&ctx, gazette::app::Action::OpenDocument(0));
    harness.run();
    assert!(harness.state().state().open_document_state().is_some());
}
