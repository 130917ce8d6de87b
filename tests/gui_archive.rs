//! GUI test of a project too large to hold in the window, opened as an archive: its
//! places come from the project's layer and a place's passages are read from the project
//! when it is selected. The window is told to treat a project of more than one document
//! as large (`set_hold_up_to`), so the samples stand in for a million articles; the
//! numbers shown are checked against the library's own reader of the project.
#![cfg(feature = "gui")]

mod gui_common;

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::project::Project;
use gui_common::{gazetteer, seeds, window};

fn project_menu(harness: &mut Harness<'_, GazetteApp>, item: &str, answer: Option<PathBuf>) {
    if answer.is_some() {
        harness.state_mut().dialogs_mut().script(answer);
    }
    harness.get_by_label("Project").click();
    harness.run();
    harness.get_by_label(item).click();
    harness.run();
}

/// The samples saved as a project at `path` by the window.
fn sample_project(path: &Path) {
    let mut harness = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    project_menu(&mut harness, "Save project as…", Some(path.to_path_buf()));
    harness.state_mut().flush_project();
}

#[test]
fn a_large_project_shows_its_places_from_the_layer_and_reads_passages_when_selected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let layer = Project::open_read_only(&path)
        .expect("project")
        .place_summaries()
        .expect("layer");
    let niamey = layer
        .iter()
        .find(|p| p.name == "Niamey")
        .expect("Niamey in the layer")
        .clone();

    let mut app = GazetteApp::new_for_test(gazetteer(), Vec::new(), None);
    app.set_hold_up_to(1);
    let mut harness = window(app);
    project_menu(&mut harness, "Open project…", Some(path.clone()));
    harness.run();
    {
        let state = harness.state().state();
        let view = state.archive().expect("opened as an archive");
        assert_eq!(view.documents, 2);
        assert_eq!(view.places.len(), layer.len());
        assert!(state.documents().is_empty(), "no document held");
        assert_eq!(state.places().len(), layer.len());
        let shown: u64 = state.places().iter().map(|p| p.mention_count as u64).sum();
        assert_eq!(shown, layer.iter().map(|p| p.mention_count).sum::<u64>());
    }
    assert!(
        harness
            .state()
            .state()
            .messages()
            .iter()
            .any(|m| m.text.contains("too many to hold in the window")),
        "the window says how the project is shown"
    );
    harness.get_by_label("Documents (2)");

    // Selecting a place reads its passages from the project.
    harness
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    // A few frames only: the panel shows a spinner until the passages are read.
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_passages();
    harness.run();
    let n = niamey.mention_count as usize;
    harness.get_by_label(&format!(
        "{n} mention{} in {} document{}",
        if n == 1 { "" } else { "s" },
        niamey.document_count,
        if niamey.document_count == 1 { "" } else { "s" },
    ));
    harness.get_by_label(&format!("{n} passage{}", if n == 1 { "" } else { "s" }));
    let passages = harness
        .state()
        .state()
        .archive()
        .and_then(|v| v.passages.clone())
        .expect("passages read")
        .result
        .expect("readable");
    assert_eq!(passages.len(), n);
    for p in &passages {
        let mention = &p.text[p.mention.start - p.passage.start..p.mention.end - p.passage.start];
        assert_eq!(mention, "Niamey");
        assert!(harness.get_all_by_label(&p.text).count() >= 1, "{}", p.text);
    }

    // Hiding its country hides it, counted from the layer.
    harness
        .get_by_role_and_label(Role::CheckBox, "Niger")
        .click();
    harness.run();
    assert!(harness.state().state().place_named("Niamey").is_none());
    harness.get_by_label("The current filter hides this place.");

    // Documents are not added to an archive; the message says how.
    harness.get_by_label("Paste text…").click();
    harness.run();
    harness.get_by_role(Role::MultilineTextInput).click();
    harness.run();
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text("Talks in Lagos.");
    harness.run();
    harness.get_by_label("Add document").click();
    harness.run();
    assert!(harness.state().state().documents().is_empty());
    assert!(
        harness
            .state()
            .state()
            .messages()
            .iter()
            .any(|m| m.text.contains("is open as an archive")),
    );

    // Closing it empties the window.
    project_menu(&mut harness, "Close project", None);
    assert!(harness.state().state().archive().is_none());
    assert!(harness.state().state().places().is_empty());
}
