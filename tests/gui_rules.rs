//! GUI tests of the user's rules and of the "why" line: "Never a place" and "Always …"
//! from a mention's menu, the rules listed with an Undo each, exported and added from a
//! file, saved to an open project; and each passage's mention explained under it. The
//! real window driven by its labels with `egui_kittest`, no GPU and no network.
#![cfg(feature = "gui")]

mod gui_common;

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gazette::app::GazetteApp;
use gazette::app::state::MessageLevel;
use gazette::corpus::{RuleAction, Rules};
use gazette::project::Project;
use gui_common::{gazetteer, seeds};

/// The app with the sample articles, in a 1500×920 window, after its first frames.
fn harness() -> Harness<'static, GazetteApp> {
    let app = GazetteApp::new_for_test(gazetteer(), seeds(), None);
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness
}

fn select(harness: &mut Harness<'_, GazetteApp>, place: &str) {
    harness.get_by_role_and_label(Role::ListItem, place).click();
    harness.run();
}

/// Opens the first mention's "Correct…" menu.
fn open_first_menu(harness: &mut Harness<'_, GazetteApp>) {
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("a mention's menu")
        .click();
    harness.run();
}

fn mentions_of(harness: &Harness<'_, GazetteApp>, place: &str) -> usize {
    harness
        .state()
        .state()
        .place_named(place)
        .map_or(0, |p| p.mentions.len())
}

#[test]
fn never_a_place_from_a_mention_applies_everywhere_and_is_undone_from_the_rules() {
    let mut harness = harness();
    assert_eq!(mentions_of(&harness, "Niamey"), 3, "in both samples");
    select(&mut harness, "Niamey");
    open_first_menu(&mut harness);
    harness
        .get_by_label("Never a place: Niamey (every document)")
        .click();
    harness.run();
    let state = harness.state().state();
    assert_eq!(mentions_of(&harness, "Niamey"), 0, "no document shows it");
    assert_eq!(state.rules().len(), 1);
    assert!(state.corrections().is_empty(), "a rule, not corrections");
    // The rules are listed with the overview, each with an Undo.
    harness.get_by_label("Your rules (1)");
    harness.get_by_label("“Niamey”");
    harness.get_by_label("is never a place");
    harness.get_by_label("Undo").click();
    harness.run();
    assert!(harness.state().state().rules().is_empty());
    assert_eq!(mentions_of(&harness, "Niamey"), 3);
}

#[test]
fn always_this_place_from_a_mention_reassigns_every_mention_of_the_name() {
    let mut harness = harness();
    select(&mut harness, "Niamey");
    // First one mention to the region, by a correction…
    open_first_menu(&mut harness);
    harness
        .get_all_by_label_contains("Niamey (State / province, NE)")
        .find(|n| n.accesskit_node().role() == Role::RadioButton)
        .expect("the region in the mention's menu")
        .click();
    harness.run();
    let region = harness.state().state().selected().expect("the region");
    // …then, from that mention, the region for the name everywhere.
    open_first_menu(&mut harness);
    harness
        .get_by_label_contains("Always Niamey (State / province, NE) for Niamey")
        .click();
    harness.run();
    let state = harness.state().state();
    let place = state.place(region).expect("the region is shown");
    assert_eq!(place.mentions.len(), 3, "every mention of the name");
    assert!(place.mentions.iter().all(|m| m.corrected));
    let rule = state.rules().get("niamey").expect("the rule");
    assert!(matches!(&rule.action, RuleAction::Always { id } if !id.is_empty()));
    // A correction wins over a rule: undoing it leaves the rule in charge.
    assert_eq!(state.corrections().len(), 1);
}

#[test]
fn each_mention_says_why_under_its_passage() {
    let mut harness = harness();
    select(&mut harness, "Niamey");
    let whys: Vec<String> = harness
        .get_all_by_label_contains("A place:")
        .map(|n| {
            let node = n.accesskit_node();
            node.label()
                .or(node.value())
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(whys.len(), 3, "one per mention: {whys:?}");
    assert!(
        whys.iter()
            .any(|w| w.contains("“capital” before it") && w.contains("the capital of Niger")),
        "{whys:?}"
    );
    assert!(
        whys.iter().all(|w| w.contains("Read as Niamey")),
        "{whys:?}"
    );
    // A person's decision is said first.
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("menu")
        .click();
    harness.run();
    harness
        .get_by_label("Always Niamey (City / place, NE) for Niamey")
        .click();
    harness.run();
    assert_eq!(
        harness
            .get_all_by_label_contains(
                "Your rule: always Niamey for “Niamey”. The parser's evidence: A place"
            )
            .count(),
        3
    );
    assert_eq!(harness.get_all_by_label("by your rule").count(), 3);
}

#[test]
fn rules_are_exported_added_from_a_file_and_a_bad_file_is_named() {
    let mut harness = harness();
    let dir = tempfile::tempdir().expect("tempdir");
    select(&mut harness, "Niamey");
    open_first_menu(&mut harness);
    harness
        .get_by_label("Never a place: Niamey (every document)")
        .click();
    harness.run();

    // Export: the file reads back as the rules.
    let out = dir.path().join("team.rules");
    harness.state_mut().dialogs_mut().script(Some(out.clone()));
    harness.get_by_label("Export rules…").click();
    harness.run();
    let read = Rules::read(&out).expect("the exported rules read back");
    assert_eq!(&read, harness.state().state().rules());
    let message = harness.state().state().latest_message().expect("a message");
    assert_eq!(message.level, MessageLevel::Success);

    // Add a colleague's file.
    let theirs = dir.path().join("theirs.rules");
    std::fs::write(&theirs, "# from a colleague\nnever: Agadez\n").expect("write");
    assert!(mentions_of(&harness, "Agadez") > 0);
    harness.state_mut().dialogs_mut().script(Some(theirs));
    harness.get_by_label("Add rules…").click();
    harness.run();
    assert_eq!(mentions_of(&harness, "Agadez"), 0);
    assert_eq!(harness.state().state().rules().len(), 2);

    // A bad line: nothing added, the message names the file and the line.
    let bad = dir.path().join("bad.rules");
    std::fs::write(&bad, "never: Sahel\nmaybe: Niger\n").expect("write");
    harness.state_mut().dialogs_mut().script(Some(bad));
    harness.get_by_label("Add rules…").click();
    harness.run();
    let state = harness.state().state();
    let message = state.latest_message().expect("a message");
    assert_eq!(message.level, MessageLevel::Error);
    assert!(
        message.text.contains("bad.rules, line 2"),
        "{}",
        message.text
    );
    assert_eq!(state.rules().len(), 2);
}

#[test]
fn rules_are_saved_in_the_session_and_in_an_open_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("news.gpkg");
    let mut harness = harness();
    harness.state_mut().dialogs_mut().script(Some(path.clone()));
    harness.get_by_label("Project").click();
    harness.run();
    harness.get_by_label("Save project as…").click();
    harness.run();
    harness.state_mut().flush_project();
    harness.run();

    select(&mut harness, "Niamey");
    open_first_menu(&mut harness);
    harness
        .get_by_label("Never a place: Niamey (every document)")
        .click();
    harness.run();
    harness.state_mut().flush_project();
    harness.run();
    let project = Project::open_read_only(&path).expect("the project");
    assert!(project.corrections().rules().get("Niamey").is_some());
    let session = harness.state().state().session();
    assert_eq!(session.rules.len(), 1);
    // The session file form keeps them beside the corrections.
    let json = serde_json::to_string(&session).expect("session JSON");
    assert!(
        json.contains(r#""rules":{"items":[{"name":"Niamey""#),
        "{json}"
    );
    // The project's places layer follows the rule.
    assert!(
        project
            .place_summaries()
            .expect("layer")
            .iter()
            .all(|p| p.name != "Niamey")
    );
    drop(project);
    drop(harness);

    // Another window opens the project: the rule comes back with it and applies.
    let app = GazetteApp::new_for_test(gazetteer(), Vec::new(), None);
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness.state_mut().dialogs_mut().script(Some(path));
    harness.get_by_label("Project").click();
    harness.run();
    harness.get_by_label("Open project…").click();
    harness.run();
    harness.state_mut().flush_project();
    harness.run();
    let state = harness.state().state();
    assert_eq!(state.documents().len(), 2);
    assert!(state.rules().get("niamey").is_some(), "the project's rule");
    assert_eq!(mentions_of(&harness, "Niamey"), 0);
    assert!(mentions_of(&harness, "Niger") > 0);
}

#[test]
fn rules_come_back_with_the_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let start = |path: &Path| {
        let app =
            GazetteApp::new_for_test_with_session(gazetteer(), None, path.to_path_buf(), None);
        let mut harness =
            gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
        gui_common::settle(&mut harness);
        harness
    };
    let mut harness = start(&path);
    select(&mut harness, "Niamey");
    open_first_menu(&mut harness);
    harness
        .get_by_label("Never a place: Niamey (every document)")
        .click();
    harness.run();
    assert!(harness.state_mut().save_session());
    drop(harness);

    let harness = start(&path);
    let state = harness.state().state();
    assert!(state.rules().get("Niamey").is_some(), "restored");
    assert_eq!(mentions_of(&harness, "Niamey"), 0);
    assert!(mentions_of(&harness, "Niger") > 0);
}
