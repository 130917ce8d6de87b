//! The saved session, through the real app driven with `egui_kittest`: restored on the
//! next start; a session file that cannot be read is moved aside (never written over)
//! and the user told; a session kept by earlier versions in eframe's storage is moved to
//! the session file once.
#![cfg(feature = "gui")]

mod gui_common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::app::session_file::SessionFile;
use gazette::app::state::{DocumentSource, MessageLevel, Session};
use gui_common::{basemap, gazetteer};

/// eframe's key-value storage, in memory.
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// The key earlier versions kept the session under.
const OLD_KEY: &str = "gazette-session";

/// The app started with its session in `path`, in a window, after its first frames.
fn start(path: &Path, storage: Option<&MemoryStorage>) -> Harness<'static, GazetteApp> {
    let storage = storage.map(|s| s as &dyn eframe::Storage);
    let app =
        GazetteApp::new_for_test_with_session(gazetteer(), basemap(), path.to_path_buf(), storage);
    let mut harness =
        gui_common::builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    gui_common::settle(&mut harness);
    harness
}

fn document_names(harness: &Harness<'_, GazetteApp>) -> Vec<String> {
    harness
        .state()
        .state()
        .documents()
        .iter()
        .map(|d| d.document.name.clone())
        .collect()
}

fn warnings(harness: &Harness<'_, GazetteApp>) -> Vec<String> {
    harness
        .state()
        .state()
        .messages()
        .iter()
        .filter(|m| matches!(m.level, MessageLevel::Warning | MessageLevel::Error))
        .map(|m| m.text.clone())
        .collect()
}

/// The files in a folder, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The names of the sample articles, as the app shows them.
fn samples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let files = gazette::corpus::article_files(&dir)
        .expect("seeds folder")
        .files;
    assert!(!files.is_empty());
    files.into_iter().map(|(_, name, ..)| name).collect()
}

#[test]
fn without_a_session_file_the_app_starts_on_the_samples() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let mut harness = start(&path, None);
    assert_eq!(document_names(&harness), samples());
    assert!(warnings(&harness).is_empty(), "{:?}", warnings(&harness));
    assert!(!path.exists(), "nothing written before a save");
    assert!(harness.state_mut().save_session());
    let saved = SessionFile::at(&path).read().expect("read").expect("saved");
    assert_eq!(saved.sources.len(), samples().len());
}

/// Pasted text and corrections survive a restart.
#[test]
fn a_saved_session_is_restored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let mut harness = start(&path, None);
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
        .get_by_role_and_label(Role::ListItem, "Niamey")
        .click();
    harness.run();
    harness.get_by_label("Not a place (3 mentions)").click();
    harness.run();
    assert_eq!(harness.state().state().corrections().len(), 3);
    assert!(harness.state_mut().save_session());
    let before = harness.state().state().session();
    drop(harness);

    let harness = start(&path, None);
    let app = harness.state();
    let mut expected = samples();
    expected.push("Pasted text".into());
    assert_eq!(document_names(&harness), expected);
    assert!(app.state().place_named("Timbuktu").is_some());
    assert_eq!(app.state().corrections().len(), 3);
    assert!(
        app.state().place_named("Niamey").is_none(),
        "still corrected"
    );
    assert_eq!(app.state().session(), before);
    assert!(warnings(&harness).is_empty(), "{:?}", warnings(&harness));
}

/// A session file that cannot be read is moved aside unchanged, the user is told (in the
/// messages, which open, naming both files), the samples are shown, and the next save
/// goes to the normal path without touching the kept file.
#[test]
fn an_unreadable_session_is_kept_aside_and_reported() {
    let garbage: &[u8] =
        b"{\"format_version\": 1, \"session\": {\"sources\": [{\"Pasted\": {\"na\x00\xff";
    let newer = br#"{"format_version": 99, "session": {"documents": "a new shape"}}"#;
    for (what, bytes, reason) in [
        ("garbage", garbage, "cannot be decoded"),
        ("newer", &newer[..], "newer version of Gazette"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("session.json");
        std::fs::write(&path, bytes).expect("write");
        let mut harness = start(&path, None);

        assert_eq!(document_names(&harness), samples(), "{what}");
        let files = files_in(dir.path());
        assert_eq!(files.len(), 1, "{what}: {files:?}");
        let aside = dir.path().join(&files[0]);
        assert!(
            files[0].starts_with("session.unreadable-") && files[0].ends_with(".json"),
            "{what}: {files:?}"
        );
        assert_eq!(std::fs::read(&aside).expect("aside"), bytes, "{what}");

        let warnings = warnings(&harness);
        assert_eq!(warnings.len(), 1, "{what}: {warnings:?}");
        let warning = &warnings[0];
        assert!(warning.contains(reason), "{what}: {warning}");
        assert!(
            warning.contains(&aside.display().to_string()),
            "{what}: {warning}"
        );
        assert!(
            warning.contains(&path.display().to_string()),
            "{what}: {warning}"
        );
        // The message log is open and shows it.
        assert!(
            harness
                .query_all_by_label_contains("Your last session could not be restored")
                .next()
                .is_some(),
            "{what}: the warning is on screen"
        );

        // The autosave writes the samples' session to the normal path; the kept file is
        // as it was.
        assert!(harness.state_mut().save_session(), "{what}");
        let saved = SessionFile::at(&path).read().expect("read").expect("saved");
        assert_eq!(saved.sources.len(), samples().len(), "{what}");
        assert_eq!(std::fs::read(&aside).expect("aside"), bytes, "{what}");
        assert_eq!(files_in(dir.path()).len(), 2, "{what}");
    }
}

/// Where the unreadable file cannot be moved aside, nothing is saved over it.
#[test]
fn an_unreadable_session_that_cannot_be_moved_is_never_written_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A file where the data folder should be: the session path can be neither read nor
    // renamed nor written, even as root.
    let blocker = dir.path().join("data");
    std::fs::write(&blocker, "not a folder").expect("write");
    let path = blocker.join("session.json");
    let mut harness = start(&path, None);
    assert_eq!(document_names(&harness), samples());
    let messages = harness.state().state().messages();
    assert!(
        messages.iter().any(|m| m.level == MessageLevel::Error
            && m.text.contains("will not be saved")
            && m.text.contains(&path.display().to_string())),
        "{messages:?}"
    );
    assert!(!harness.state_mut().save_session());
    assert_eq!(
        std::fs::read_to_string(&blocker).expect("read"),
        "not a folder"
    );
}

/// A session kept by an earlier version in eframe's storage is restored, written to the
/// session file at the next save, and then removed from eframe's storage.
#[test]
fn a_session_in_eframe_storage_is_moved_to_the_session_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let old = Session {
        sources: vec![DocumentSource::Pasted {
            name: "Old note".into(),
            text: "Protesters gathered in Bamako on Friday.".into(),
        }],
        ..Session::default()
    };
    let mut storage = MemoryStorage::default();
    eframe::set_value(&mut storage, OLD_KEY, &old);
    let mut harness = start(&path, Some(&storage));
    assert_eq!(document_names(&harness), ["Old note"]);
    assert!(harness.state().state().place_named("Bamako").is_some());
    assert!(warnings(&harness).is_empty(), "{:?}", warnings(&harness));

    eframe::App::save(harness.state_mut(), &mut storage);
    let saved = SessionFile::at(&path).read().expect("read").expect("saved");
    assert_eq!(saved.sources, old.sources);
    assert_eq!(storage.0.get(OLD_KEY), None, "the old key is gone");

    // With a session file, a stale key is not read again.
    eframe::set_value(&mut storage, OLD_KEY, &Session::default());
    let harness = start(&path, Some(&storage));
    assert_eq!(document_names(&harness), ["Old note"]);
}

/// A session in eframe's storage that does not decode: its text is kept aside as a file.
#[test]
fn an_unreadable_session_in_eframe_storage_is_kept_as_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let mut storage = MemoryStorage::default();
    let raw = "(sources: [Pasted(name: \"A\", text: ";
    storage.0.insert(OLD_KEY.into(), raw.into());
    let mut harness = start(&path, Some(&storage));
    assert_eq!(document_names(&harness), samples());
    let files = files_in(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(".ron"), "{files:?}");
    let aside: PathBuf = dir.path().join(&files[0]);
    assert_eq!(std::fs::read_to_string(&aside).expect("aside"), raw);
    let warnings = warnings(&harness);
    assert!(
        warnings.len() == 1 && warnings[0].contains(&aside.display().to_string()),
        "{warnings:?}"
    );
    eframe::App::save(harness.state_mut(), &mut storage);
    assert!(path.exists());
    assert_eq!(storage.0.get(OLD_KEY), None);
}

/// The session the fuzzer found (`fuzz/regressions/session_decode`): a minimum confidence
/// of `1e39` read from JSON must not become infinity, which JSON writes back as `null` and
/// the next start could not read. It is clamped, saved, and read back.
#[test]
fn a_minimum_confidence_out_of_range_survives_a_save_and_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("session.json");
    let regression = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions/session_decode/min-confidence-overflow.json");
    let mut session: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&regression).expect("regression file"))
            .expect("json");
    // A session with a document, so that it is restored rather than the samples shown.
    session["sources"] = serde_json::json!([
        {"Pasted": {"name": "Pasted text", "text": "Heavy rain in Niamey."}}
    ]);
    let file = serde_json::json!({"format_version": 1, "session": session});
    std::fs::write(&path, file.to_string()).expect("write");
    let mut harness = start(&path, None);
    assert!(warnings(&harness).is_empty(), "{:?}", warnings(&harness));
    assert_eq!(harness.state().state().filter().min_confidence, 1.0);
    assert!(harness.state_mut().save_session());
    drop(harness);
    let saved = SessionFile::at(&path).read().expect("read").expect("saved");
    assert_eq!(saved.filter.min_confidence, 1.0);
    let harness = start(&path, None);
    assert!(warnings(&harness).is_empty(), "{:?}", warnings(&harness));
}
