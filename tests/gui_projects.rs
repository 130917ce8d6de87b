//! GUI tests of projects in the window: "Save project as…", changes saved as they are
//! made, "Open project…", the last project reopened at start, and files that are not
//! projects. The real window driven by its labels with `egui_kittest`; the project file
//! is checked with the library's own reader.
#![cfg(feature = "gui")]

mod gui_common;

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::state::MessageLevel;
use gazette::project::Project;
use gui_common::{gazetteer, seeds, window};

/// Chooses an item of the toolbar's Project menu, the file dialog answering `answer`.
fn project_menu(harness: &mut Harness<'_, GazetteApp>, item: &str, answer: Option<PathBuf>) {
    if answer.is_some() {
        harness.state_mut().dialogs_mut().script(answer);
    }
    harness.get_by_label("Project").click();
    harness.run();
    harness.get_by_label(item).click();
    harness.run();
}

/// Lets the project's thread write everything sent to it, then draws again.
fn settle(harness: &mut Harness<'_, GazetteApp>) {
    harness.state_mut().flush_project();
    harness.run();
}

fn stored_names(path: &Path) -> Vec<String> {
    let project = Project::open_read_only(path).expect("a project");
    let mut names = Vec::new();
    project
        .for_each_document_summary(&mut |d| {
            names.push(d.name);
            std::ops::ControlFlow::Continue(())
        })
        .expect("documents");
    names
}

#[test]
fn a_project_saved_from_the_window_keeps_every_change_and_opens_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("news.gpkg");
    let mut harness = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    project_menu(&mut harness, "Save project as…", Some(path.clone()));
    settle(&mut harness);
    assert_eq!(stored_names(&path).len(), 2);
    assert!(
        harness
            .get_all_by_label_contains("Project news.gpkg: saved")
            .count()
            >= 1
    );

    // A correction is saved as it is made.
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    harness.get_by_label("Not a place (3 mentions)").click();
    harness.run();
    settle(&mut harness);
    let corrections = Project::open_read_only(&path)
        .expect("project")
        .corrections()
        .len();
    assert_eq!(corrections, 3);

    // So is a document added, and the filter.
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
    harness
        .get_by_role_and_label(Role::CheckBox, "United States")
        .click();
    harness.run();
    settle(&mut harness);
    assert_eq!(stored_names(&path).len(), 3);
    let filter = Project::open_read_only(&path)
        .expect("project")
        .filter()
        .expect("filter");
    assert!(filter.hidden_countries.contains("US"), "{filter:?}");
    drop(harness);

    // Another window opens it: the documents, corrections and filter come back, with
    // nothing parsed again.
    let mut harness = window(GazetteApp::new_for_test(gazetteer(), Vec::new(), None));
    project_menu(&mut harness, "Open project…", Some(path.clone()));
    settle(&mut harness);
    let app = harness.state().state();
    assert_eq!(app.documents().len(), 3);
    assert_eq!(app.corrections().len(), 3);
    assert!(app.place_named("Timbuktu").is_some());
    assert!(app.place_named("Niamey").is_none(), "marked not a place");
    assert!(app.filter().hidden_countries.contains("US"));
    assert!(
        harness
            .get_all_by_label_contains("Project news.gpkg: saved")
            .count()
            >= 1
    );

    // Close it: the window is empty, the project keeps everything.
    project_menu(&mut harness, "Close project", None);
    assert!(harness.state().state().documents().is_empty());
    assert_eq!(stored_names(&path).len(), 3);
}

#[test]
fn the_last_project_opens_again_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("desk.gpkg");
    let session = dir.path().join("session.json");
    let mut app = GazetteApp::new_for_test_with_session(gazetteer(), None, session.clone(), None);
    let mut harness = {
        // The samples open when there is no session.
        assert_eq!(app.state().documents().len(), 2);
        app.state_mut().clear_messages();
        window(app)
    };
    project_menu(&mut harness, "Save project as…", Some(path.clone()));
    settle(&mut harness);
    assert!(harness.state_mut().save_session());
    drop(harness);

    app = GazetteApp::new_for_test_with_session(gazetteer(), None, session, None);
    let mut harness = window(app);
    settle(&mut harness);
    let state = harness.state().state();
    assert_eq!(state.documents().len(), 2);
    assert_eq!(
        state.project().map(|p| p.path.clone()),
        Some(path.clone()),
        "linked again"
    );
}

#[test]
fn a_file_that_is_not_a_project_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    for (name, bytes) in [
        ("notes.gpkg", b"just some notes, not SQLite".to_vec()),
        ("cut.gpkg", b"SQLite format 3\0".to_vec()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write");
        project_menu(&mut harness, "Open project…", Some(path.clone()));
        let app = harness.state().state();
        let message = app.latest_message().expect("a message");
        assert_eq!(message.level, MessageLevel::Error, "{}", message.text);
        assert!(message.text.contains(name), "{}", message.text);
        assert_eq!(std::fs::read(&path).expect("still there"), bytes);
        assert_eq!(app.documents().len(), 2, "what was open stays open");
        assert!(app.project().is_none());
    }
}

#[test]
fn saving_over_a_file_replaces_it_only_once_the_project_is_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.gpkg");
    std::fs::write(&path, b"an older file the user chose to replace").expect("write");
    let mut harness = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    project_menu(&mut harness, "Save project as…", Some(path.clone()));
    settle(&mut harness);
    assert_eq!(stored_names(&path).len(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Into a folder that does not exist: an error naming it, nothing else changed.
    let bad = dir.path().join("missing").join("p.gpkg");
    project_menu(&mut harness, "Save project as…", Some(bad));
    settle(&mut harness);
    let message = harness
        .state()
        .state()
        .messages()
        .iter()
        .rev()
        .find(|m| m.level == MessageLevel::Error)
        .expect("an error")
        .text
        .clone();
    assert!(message.contains("p.gpkg"), "{message}");
    assert_eq!(
        stored_names(&path).len(),
        2,
        "the earlier project keeps its documents"
    );
}
