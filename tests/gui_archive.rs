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
use egui_kittest::kittest::{NodeT, Queryable};
use gazette::app::{Action, GazetteApp};
use gazette::corpus::{CorrectionAction, Corrections};
use gazette::project::{Passage, Project};
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

/// The project at `path` opened as an archive in a new window.
fn open_archive(path: &Path) -> Harness<'static, GazetteApp> {
    let mut app = GazetteApp::new_for_test(gazetteer(), Vec::new(), None);
    app.set_hold_up_to(1);
    let mut harness = window(app);
    project_menu(&mut harness, "Open project…", Some(path.to_path_buf()));
    harness.run();
    assert!(harness.state().state().archive().is_some(), "an archive");
    harness
}

/// Selects the place named `name` in the list and waits for its passages.
fn select_and_read(harness: &mut Harness<'_, GazetteApp>, name: &str) -> Vec<Passage> {
    harness.get_by_role_and_label(Role::ListItem, name).click();
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_passages();
    harness.run();
    harness
        .state()
        .state()
        .archive()
        .and_then(|v| v.passages.clone())
        .expect("passages read")
        .result
        .expect("readable")
}

/// The layer's count of mentions of `name` in the project at `path`, checked against a
/// recount from every mention.
fn layer_count(path: &Path, name: &str) -> u64 {
    let project = Project::open_read_only(path).expect("project");
    let layer = project.place_summaries().expect("layer");
    assert_eq!(
        layer,
        project.count_places_from_mentions().expect("recount"),
        "the layer counts what the mentions say"
    );
    layer
        .iter()
        .find(|p| p.name == name)
        .map_or(0, |p| p.mention_count)
}

/// The count the window shows for `name` (0 when it is not shown).
fn shown_count(harness: &Harness<'_, GazetteApp>, name: &str) -> u64 {
    harness
        .state()
        .state()
        .place_named(name)
        .map_or(0, |p| p.mention_count as u64)
}

#[test]
fn in_an_archive_a_passage_opens_its_document_and_corrections_are_saved_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let n = layer_count(&path, "Niamey");
    assert!(n >= 1);

    let mut harness = open_archive(&path);
    let passages = select_and_read(&mut harness, "Niamey");
    let first = passages[0].clone();

    // Clicking a passage opens its document, read from the project on the reader's
    // thread: its whole text, its mentions as the library reads them.
    harness
        .get_all_by_label(&first.text)
        .next()
        .expect("the passage")
        .click();
    // A few frames only: the document view shows a spinner until the text is read.
    harness.run_steps(2);
    {
        let document = harness
            .state()
            .state()
            .archive()
            .and_then(|v| v.document.clone())
            .expect("a document open");
        assert_eq!(document.id, first.document_id);
        assert_eq!(document.focus, Some(first.mention.clone()));
    }
    harness.state_mut().wait_for_archive_passages();
    harness.run();
    let project = Project::open_read_only(&path).expect("project");
    let text = project.text(first.document_id).expect("text");
    let (mentions, _) = project
        .mentions(&gazetteer(), first.document_id)
        .expect("mentions");
    drop(project);
    let read = harness
        .state()
        .state()
        .archive()
        .and_then(|v| v.document.clone())
        .and_then(|d| d.read)
        .expect("read")
        .expect("readable");
    assert_eq!(read.text, text);
    assert_eq!(read.mentions, mentions);
    // The paragraph of the passage is shown in the document view.
    let paragraph_start = text[..first.mention.start].rfind('\n').map_or(0, |i| i + 1);
    let paragraph_end = text[first.mention.start..]
        .find('\n')
        .map_or(text.len(), |i| first.mention.start + i);
    let paragraph = text[paragraph_start..paragraph_end].trim_end_matches('\r');
    assert!(
        harness.get_all_by_label(paragraph).count() >= 1,
        "{paragraph}"
    );

    // "Not a place" on the first passage: saved to the project, its layer and the
    // window's counts follow, and the passages are read again without it.
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("a correction menu")
        .click();
    harness.run();
    harness.get_by_label("Not a place").click();
    // A few frames: the status bar says "Counting…" (a spinner) until the places are
    // read back.
    harness.run_steps(2);
    {
        let corrections: Vec<_> = harness
            .state()
            .state()
            .corrections()
            .iter()
            .cloned()
            .collect();
        assert_eq!(corrections.len(), 1);
        let c = &corrections[0];
        assert_eq!(
            (c.document.as_str(), c.start, c.end),
            (
                first.document.as_str(),
                first.mention.start,
                first.mention.end
            )
        );
    }
    harness.state_mut().flush_project();
    harness.run();
    assert!(!harness.state().state().archive().expect("archive").counting);
    assert_eq!(layer_count(&path, "Niamey"), n - 1);
    assert_eq!(shown_count(&harness, "Niamey"), n - 1);
    if n > 1 {
        harness.state_mut().wait_for_archive_passages();
        harness.run();
        let again = harness
            .state()
            .state()
            .archive()
            .and_then(|v| v.passages.clone())
            .expect("passages read again")
            .result
            .expect("readable");
        assert_eq!(again.len() as u64, n - 1);
        assert!(
            !again
                .iter()
                .any(|p| p.document_id == first.document_id && p.mention == first.mention)
        );
    }

    // Reopened, the project has the correction and its counts.
    project_menu(&mut harness, "Close project", None);
    drop(harness);
    let mut harness = open_archive(&path);
    assert_eq!(harness.state().state().corrections().len(), 1);
    assert_eq!(shown_count(&harness, "Niamey"), n - 1);

    // Undone from the list of corrections: the count comes back, in the file too.
    harness.get_by_label("Undo").click();
    harness.run_steps(2);
    assert!(harness.state().state().corrections().is_empty());
    harness.state_mut().flush_project();
    harness.run();
    assert_eq!(layer_count(&path, "Niamey"), n);
    assert_eq!(shown_count(&harness, "Niamey"), n);

    // A rule from a passage's menu: every mention written so, in every document, is
    // moved in the project by its thread, and the window's counts follow.
    select_and_read(&mut harness, "Niamey");
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("a correction menu")
        .click();
    harness.run();
    harness
        .get_by_label("Never a place: Niamey (every document)")
        .click();
    harness.run_steps(2);
    harness.state_mut().flush_project();
    harness.run_steps(2);
    assert_eq!(layer_count(&path, "Niamey"), 0);
    assert_eq!(shown_count(&harness, "Niamey"), 0);
    // The timeline's bars are counted again after it, on the counter's thread.
    harness.state_mut().wait_for_archive_counts();
    harness.run_steps(2);
    assert!(!harness.state().state().archive_is_counting());
}

/// A project at `path` of the samples (undated) and two dated articles.
fn dated_project(path: &Path) {
    use gazette::corpus::parse_documents;
    use gazette::geoparse::Geoparser;
    let g = gazetteer();
    let parsed = parse_documents(&Geoparser::new(&g), dated_documents());
    let mut project = Project::create(path).expect("create");
    project.add_documents(&g, &parsed).expect("add");
}

/// The samples (undated) and two dated articles.
fn dated_documents() -> Vec<gazette::corpus::Document> {
    use gazette::corpus::{Document, Published};
    let mut documents = seeds();
    for (name, text, date) in [
        ("floods", "Flooding hit Maiduguri in Nigeria.", "2024-03-02"),
        (
            "talks",
            "Talks were held in Ouagadougou, Burkina Faso.",
            "2024-03-20",
        ),
    ] {
        let mut d = Document::from_text(name, text);
        d.meta.published = Published::parse(date);
        assert!(d.meta.published.is_some());
        documents.push(d);
    }
    documents
}

#[test]
fn an_archive_has_a_timeline_counted_from_the_project_and_a_range_recounts_its_places() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("dated.gpkg");
    dated_project(&path);
    let project = Project::open_read_only(&path).expect("project");
    let (days, undated) = project.mentions_per_day().expect("days");
    assert_eq!(days.len(), 2, "{days:?}");

    let mut harness = open_archive(&path);
    harness.state_mut().wait_for_archive_counts();
    harness.run();
    assert!(
        harness.query_by_label("Counting the timeline…").is_none(),
        "counted"
    );
    harness.get_by_label("Play");
    harness.get_by_label(&format!("Undated ({undated} mentions)"));
    assert!(harness.state().state().timeline().is_some());
    let all = harness.state().state().places().len();
    assert!(harness.state().state().place_named("Ouagadougou").is_some());

    // Play: the first day alone. Until its places are counted on the counter's thread,
    // the window keeps the counts it had and says it is counting.
    harness.get_by_label("Play").click();
    // One frame takes the click, the next steps the range (its places are asked for at
    // the start of the frame after).
    harness.run_steps(2);
    let dates = harness.state().state().filter().dates;
    assert!(dates.from.is_some(), "{dates:?}");
    assert!(harness.state().state().archive_is_counting());
    assert_eq!(
        harness.state().state().places().len(),
        all,
        "the last counts kept"
    );
    harness.get_by_label("Pause").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_counts();
    harness.run_steps(2);
    let dates = harness.state().state().filter().dates;
    assert!(!harness.state().state().archive_is_counting());
    // What the window shows is the library's count of those dates.
    let expected = project
        .count_places_in_dates(dates.from, dates.to, !dates.hide_undated)
        .expect("count");
    let shown: Vec<(String, usize)> = harness
        .state()
        .state()
        .places()
        .iter()
        .map(|p| (gazetteer().entry(p.entry).id.clone(), p.mention_count))
        .collect();
    let mut expected: Vec<(String, usize)> = expected
        .iter()
        .map(|p| (p.gazetteer_id.clone(), p.mention_count as usize))
        .collect();
    let mut shown_sorted = shown.clone();
    shown_sorted.sort();
    expected.sort();
    assert_eq!(shown_sorted, expected);
    if dates.to < Some(days.keys().last().copied().unwrap_or(0)) {
        assert!(harness.state().state().place_named("Maiduguri").is_some());
        assert!(harness.state().state().place_named("Ouagadougou").is_none());
    }

    // All dates: the layer's counts again, at once.
    harness.get_by_label("All dates").click();
    harness.run_steps(2);
    assert!(!harness.state().state().archive_is_counting());
    assert_eq!(harness.state().state().places().len(), all);
}

/// Waits for the changes sent to the project, then for the timeline's bars counted
/// again after them, and lets the window settle.
fn settle(harness: &mut Harness<'_, GazetteApp>) {
    harness.state_mut().flush_project();
    harness.state_mut().wait_for_archive_counts();
    harness.run();
}

/// Corrections as (document, start, end, action) rows, sorted: the window's and the
/// file's compare alike.
fn sorted_rows(corrections: &Corrections) -> Vec<(String, usize, usize, String)> {
    let mut out: Vec<_> = corrections
        .iter()
        .map(|c| {
            (
                c.document.clone(),
                c.start,
                c.end,
                format!("{:?}", c.action),
            )
        })
        .collect();
    out.sort();
    out
}

/// The corrections the window holds, sorted.
fn corrections_of(harness: &Harness<'_, GazetteApp>) -> Vec<(String, usize, usize, String)> {
    sorted_rows(harness.state().state().corrections())
}

/// "Not a place" on a whole place of the window (held or an archive), by its button.
fn place_not_a_place(harness: &mut Harness<'_, GazetteApp>, name: &str, n: u64) {
    if harness
        .query_by_role_and_label(Role::ListItem, name)
        .is_none()
    {
        // Further down the list: found by the search.
        harness.get_by_role(Role::TextInput).click();
        harness.run();
        harness.get_by_role(Role::TextInput).type_text(name);
        harness.run();
    }
    harness.get_by_role_and_label(Role::ListItem, name).click();
    if harness.state().state().archive().is_some() {
        // A few frames: a spinner until the passages are read.
        harness.run_steps(2);
        harness.state_mut().wait_for_archive_passages();
    }
    harness.run();
    harness
        .get_by_label(&format!(
            "Not a place ({n} mention{})",
            if n == 1 { "" } else { "s" }
        ))
        .click();
}

#[test]
fn in_an_archive_a_whole_place_is_corrected_by_the_projects_thread_and_undone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let n = layer_count(&path, "Niamey");
    assert!(n >= 2, "{n}");

    // What the window holding the documents does with the same button.
    let mut held = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    place_not_a_place(&mut held, "Niamey", n);
    held.run();
    let expected = corrections_of(&held);
    assert_eq!(expected.len() as u64, n);
    drop(held);

    let mut harness = open_archive(&path);
    place_not_a_place(&mut harness, "Niamey", n);
    // A few frames: the project's thread corrects it, the window says so and counts.
    harness.run_steps(2);
    assert!(harness.state().state().archive_is_counting());
    settle(&mut harness);
    assert!(!harness.state().state().archive_is_counting());
    assert_eq!(
        corrections_of(&harness),
        expected,
        "as the window holding them"
    );
    assert_eq!(layer_count(&path, "Niamey"), 0);
    assert_eq!(shown_count(&harness, "Niamey"), 0);
    harness.get_by_label(&format!("Niamey: not a place ({n} mentions)"));

    // Undone at once: the counts come back, in the file too.
    harness.get_by_label("Undo all").click();
    harness.run_steps(2);
    assert!(harness.state().state().corrections().is_empty());
    settle(&mut harness);
    assert_eq!(layer_count(&path, "Niamey"), n);
    assert_eq!(shown_count(&harness, "Niamey"), n);
    assert!(
        Project::open_read_only(&path)
            .expect("project")
            .corrections()
            .is_empty()
    );

    // Again, then reopened: the project has the corrections and their counts.
    place_not_a_place(&mut harness, "Niamey", n);
    harness.run_steps(2);
    settle(&mut harness);
    project_menu(&mut harness, "Close project", None);
    drop(harness);
    let mut harness = open_archive(&path);
    assert_eq!(corrections_of(&harness), expected);
    assert_eq!(shown_count(&harness, "Niamey"), 0);

    // The project kept the whole place: it is offered to undo after reopening.
    harness.get_by_label(&format!("Niamey: not a place ({n} mentions)"));
    harness.get_by_label("Undo all").click();
    harness.run_steps(2);
    settle(&mut harness);
    assert!(harness.state().state().corrections().is_empty());
    assert!(corrections_in_file(&path).is_empty());
    assert_eq!(layer_count(&path, "Niamey"), n);
    assert_eq!(shown_count(&harness, "Niamey"), n);
    project_menu(&mut harness, "Close project", None);
    drop(harness);
    let harness = open_archive(&path);
    assert!(
        harness.query_by_label("Undo all").is_none(),
        "forgotten once undone"
    );
}

/// The timeline's bars as the window shows them: (first day, mentions) of each.
fn bars(harness: &Harness<'_, GazetteApp>) -> Vec<(i32, usize)> {
    harness
        .state()
        .state()
        .timeline()
        .map(|t| t.bins.iter().map(|b| (b.start, b.mentions)).collect())
        .unwrap_or_default()
}

#[test]
fn an_archives_timeline_bars_are_counted_again_after_a_correction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("dated.gpkg");
    dated_project(&path);
    let mut harness = open_archive(&path);
    harness.state_mut().wait_for_archive_counts();
    harness.run();
    let before = bars(&harness);
    assert!(!before.is_empty());

    // Maiduguri (in a dated article) not a place: once the layer is read back the
    // bars are counted again, "Counting…" until they come.
    place_not_a_place(&mut harness, "Maiduguri", 1);
    harness.run_steps(2);
    harness.state_mut().flush_project();
    assert!(harness.state().state().archive_is_counting());
    harness.state_mut().wait_for_archive_counts();
    harness.run();
    assert!(!harness.state().state().archive_is_counting());

    // As the library counts the project's mentions per day (checked against the
    // documents held in memory by the project's tests): one mention fewer.
    let (days, _) = Project::open_read_only(&path)
        .expect("project")
        .mentions_per_day()
        .expect("days");
    let expected: Vec<(i32, usize)> = gazette::corpus::timeline::Timeline::of(&days)
        .map(|t| t.bins.iter().map(|b| (b.start, b.mentions)).collect())
        .unwrap_or_default();
    assert_eq!(bars(&harness), expected);
    let total = |b: &[(i32, usize)]| b.iter().map(|b| b.1).sum::<usize>();
    assert_eq!(total(&bars(&harness)) + 1, total(&before));
}

/// The mentions of the window's review, as (document, start, end).
fn review_spans(harness: &Harness<'_, GazetteApp>) -> Vec<(String, usize, usize)> {
    let app = harness.state();
    let Some(review) = app.review() else {
        return Vec::new();
    };
    if review.items.is_empty() {
        review
            .queue
            .iter()
            .map(|&(d, m)| {
                let doc = &app.state().documents()[d];
                let mention = &doc.mentions[m];
                (doc.document.name.clone(), mention.start, mention.end)
            })
            .collect()
    } else {
        review
            .items
            .iter()
            .map(|i| {
                let p = &i.passage;
                (p.document.clone(), p.mention.start, p.mention.end)
            })
            .collect()
    }
}

#[test]
fn an_archive_is_reviewed_from_the_project_and_its_decisions_are_corrections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);

    // The window holding the documents reviews these.
    let mut held = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    held.get_by_label("Review the least certain mentions…")
        .click();
    held.run();
    let expected = review_spans(&held);
    assert!(expected.len() > 3, "{expected:?}");
    drop(held);

    let mut harness = open_archive(&path);
    harness
        .get_by_label("Review the least certain mentions…")
        .click();
    // Read on the reviewer's thread: the review starts when they come.
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_review();
    harness.run();
    assert_eq!(
        review_spans(&harness),
        expected,
        "as the window holding them"
    );
    harness.get_by_label(&format!("Mention 1 of {}", expected.len()));

    // The first not a place, the second accepted: corrections of the archive.
    harness.get_by_label("Not a place (N)").click();
    // Until the counts are read back a spinner turns; then the window settles.
    harness.run_steps(2);
    settle(&mut harness);
    harness.get_by_label(&format!("Mention 2 of {}", expected.len()));
    harness.get_by_label("Accept (Enter)").click();
    harness.run_steps(2);
    settle(&mut harness);
    harness.get_by_label("Close (Esc)").click();
    harness.run_steps(2);
    assert!(harness.state().review().is_none());
    settle(&mut harness);
    let corrections = corrections_of(&harness);
    assert_eq!(corrections.len(), 2);
    let decided: Vec<(String, usize, usize)> = corrections
        .iter()
        .map(|c| (c.0.clone(), c.1, c.2))
        .collect();
    assert!(decided.contains(&expected[0]) && decided.contains(&expected[1]));
    let first = corrections
        .iter()
        .find(|c| (c.0.clone(), c.1, c.2) == expected[0])
        .expect("the first");
    assert_eq!(first.3, "NotAPlace");
    let saved = Project::open_read_only(&path)
        .expect("project")
        .corrections()
        .len();
    assert_eq!(saved, 2, "saved to the project");

    // Reviewed again (from the overview, nothing selected): the decided ones are left
    // out.
    harness.state_mut().state_mut().select(None);
    harness.run();
    harness
        .get_by_label("Review the least certain mentions…")
        .click();
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_review();
    harness.run();
    assert_eq!(review_spans(&harness), expected[2..].to_vec());
}

#[test]
fn an_archives_review_being_read_never_keeps_a_places_passages_waiting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let mut harness = open_archive(&path);
    // A review that takes long (held on its thread, as a scan of a million articles'
    // mentions would be).
    harness.state_mut().hold_archive_reviews(true);
    harness
        .get_by_label("Review the least certain mentions…")
        .click();
    harness.run_steps(2);
    assert!(harness.state().reading_archive_review());
    // A place selected meanwhile: its passages come (on the passages' own thread).
    let passages = select_and_read(&mut harness, "Niamey");
    assert!(!passages.is_empty());
    assert!(harness.state().reading_archive_review(), "still held");
    assert!(harness.state().review().is_none());
    // Asked again while held: the newest request is the one answered, once.
    let ctx = harness.ctx.clone();
    harness.state_mut().apply(&ctx, Action::StartReview);
    harness.state_mut().hold_archive_reviews(false);
    harness.state_mut().wait_for_archive_review();
    harness.run();
    assert!(!harness.state().reading_archive_review());
    let review = harness.state().review().expect("the review started");
    assert!(!review.items.is_empty());
}

/// What `gazette export PROJECT --format FORMAT --why --alternates 8 -o OUT` writes: the
/// window's exports say why each mention reads as it does and list all its alternates,
/// for the person who made them.
fn cli_export(project: &Path, format: &str, out: &Path) -> Vec<u8> {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("export")
        .arg(project)
        .args(["--format", format, "--why", "--alternates", "8", "-o"])
        .arg(out)
        .status()
        .expect("gazette runs");
    assert!(status.success());
    std::fs::read(out).expect("written")
}

#[test]
fn an_archive_is_exported_from_the_window_as_the_command_line_exports_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let mut harness = open_archive(&path);
    // A correction and a filter, saved to the project: the export has them.
    place_not_a_place(&mut harness, "Niamey", layer_count(&path, "Niamey"));
    harness.run_steps(2);
    settle(&mut harness);
    harness
        .get_by_role_and_label(Role::CheckBox, "Niger")
        .click();
    harness.run();
    settle(&mut harness);
    assert!(
        !Project::open_read_only(&path)
            .expect("p")
            .corrections()
            .is_empty()
    );

    for (button, format, file) in [
        ("Export GeoJSON…", "geojson", "shown.geojson"),
        ("Export KML…", "kml", "shown.kml"),
        ("Export CSV…", "csv", "shown.csv"),
    ] {
        let out = dir.path().join(file);
        harness.state_mut().dialogs_mut().script(Some(out.clone()));
        harness.get_by_label(button).click();
        // Written on a thread of its own, a document at a time.
        harness.run_steps(2);
        harness.state_mut().wait_for_archive_export();
        harness.run();
        let message = harness
            .state()
            .state()
            .latest_message()
            .expect("a message")
            .text
            .clone();
        assert!(message.starts_with("Exported"), "{message}");
        let written = std::fs::read(&out).expect("the export was written");
        let cli = cli_export(&path, format, &dir.path().join(format!("cli-{file}")));
        assert!(!written.is_empty());
        if format == "geojson" {
            // The window's filter, saved to the project, is the export's.
            let json: serde_json::Value = serde_json::from_slice(&written).expect("GeoJSON");
            let features = json["features"].as_array().expect("features");
            assert!(!features.is_empty());
            assert!(
                features
                    .iter()
                    .all(|f| f["properties"]["country_code"] != "NE")
            );
        }
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&cli),
            "{format}: as `gazette export` writes it"
        );
    }
    assert!(harness.state().state().export_progress().is_none());
}

#[test]
fn in_an_archive_a_whole_place_is_reassigned_as_in_the_window_holding_it() {
    use gazette::corpus::{Corpus, DocumentSource, Filter, parse_documents, places};
    use gazette::geoparse::Geoparser;
    let g = gazetteer();
    // A place of the samples whose mentions the parser could have read otherwise.
    let mut corpus = Corpus::default();
    for d in parse_documents(&Geoparser::new(&g), seeds()) {
        let source = DocumentSource::Pasted {
            name: d.document.name.clone(),
            text: d.document.text.clone(),
        };
        corpus.add_document(d, source);
    }
    let (place, candidate) = places(
        &g,
        corpus.documents(),
        corpus.corrections(),
        &Filter::default(),
    )
    .into_iter()
    .find_map(|p| {
        let c = corpus.place_candidates(&g, &p, 8).into_iter().next()?;
        Some((p, c))
    })
    .expect("a place with another candidate");
    let name = g.entry(place.entry).name.clone();
    let label =
        gazette::app::passages_panel::candidate_labels(&g, std::slice::from_ref(&candidate))
            .remove(0);
    let select = |harness: &mut Harness<'_, GazetteApp>| {
        harness.get_by_role_and_label(Role::ListItem, &name).click();
        harness.run_steps(2);
        if harness.state().state().archive().is_some() {
            harness.state_mut().wait_for_archive_passages();
        }
        harness.run();
    };

    let mut held = window(GazetteApp::new_for_test(gazetteer(), seeds(), None));
    select(&mut held);
    held.get_all_by_label(&label)
        .next()
        .expect("its candidate")
        .click();
    held.run();
    let expected = corrections_of(&held);
    assert!(!expected.is_empty());
    drop(held);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let mut harness = open_archive(&path);
    select(&mut harness);
    harness
        .get_all_by_label(&label)
        .next()
        .expect("its candidate")
        .click();
    harness.run_steps(2);
    settle(&mut harness);
    assert_eq!(corrections_of(&harness), expected, "{name} → {label}");
    // The layer follows (checked against the mentions), and the window shows it.
    let moved = layer_count(&path, &g.entry(candidate.entry).name);
    assert!(moved >= expected.len() as u64);
    assert_eq!(shown_count(&harness, &g.entry(candidate.entry).name), moved);
}

#[test]
fn an_archives_corrections_list_shows_the_newest_thousand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let mut harness = open_archive(&path);
    for i in 0..1_001 {
        harness.state_mut().state_mut().correct_named(
            "a.txt",
            10 * i,
            10 * i + 5,
            Some(gazette::corpus::CorrectionAction::NotAPlace),
        );
    }
    settle(&mut harness);
    harness.get_by_label("Your corrections (1,001)");
    harness.get_by_label("The newest 1,000 are listed.");
    // The newest first.
    harness.get_by_label("a.txt @10000–10005");
}

/// "Not a place" on the first passage shown (its menu opened first).
fn first_passage_not_a_place(harness: &mut Harness<'_, GazetteApp>) {
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("a correction menu")
        .click();
    harness.run();
    harness.get_by_label("Not a place").click();
    harness.run_steps(2);
}

fn latest_message(harness: &Harness<'_, GazetteApp>) -> String {
    harness
        .state()
        .state()
        .latest_message()
        .expect("a message")
        .text
        .clone()
}

#[test]
fn while_an_archive_is_exported_its_changes_are_refused_and_after_they_are_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let n = layer_count(&path, "Niamey");
    let mut harness = open_archive(&path);
    let passages = select_and_read(&mut harness, "Niamey");

    // An export held running, its read of the project open (its transaction would make
    // a write wait the busy timeout and fail).
    harness.state_mut().pause_archive_exports(true);
    let out = dir.path().join("shown.csv");
    harness.state_mut().dialogs_mut().script(Some(out.clone()));
    harness.get_by_label("Export CSV…").click();
    harness.run_steps(2);
    assert!(harness.state().archive_exporting());

    // Its correction menu says why it offers nothing, its items disabled; the whole
    // place's buttons are disabled too.
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("a correction menu")
        .click();
    harness.run();
    let note = "Not while the project is exported: wait for the export to finish, or stop it";
    harness.get_by_label(note);
    assert!(
        harness
            .get_by_label("Not a place")
            .accesskit_node()
            .is_disabled()
    );
    assert!(
        harness
            .get_by_label(&format!(
                "Not a place ({n} mention{})",
                if n == 1 { "" } else { "s" }
            ))
            .accesskit_node()
            .is_disabled()
    );
    harness.key_press(egui::Key::Escape);
    harness.run();
    // Asked for all the same (a correction of a mention, a rule, of a whole place):
    // refused, saying why; nothing changed in the window or the project.
    let first = passages[0].clone();
    let niamey = harness
        .state()
        .state()
        .place_named("Niamey")
        .expect("Niamey")
        .entry;
    let ctx = harness.ctx.clone();
    for action in [
        Action::CorrectArchiveMention {
            document: first.document.clone(),
            start: first.mention.start,
            end: first.mention.end,
            action: Some(CorrectionAction::NotAPlace),
        },
        Action::NeverAPlaceRule("Niamey".into()),
        Action::PlaceNotAPlace(niamey),
    ] {
        harness.state_mut().apply(&ctx, action);
        harness.run_steps(2);
        let refused = latest_message(&harness);
        assert!(
            refused.contains("wait for the export to finish, or stop it"),
            "{refused}"
        );
    }
    assert!(harness.state().state().corrections().is_empty());
    assert!(harness.state().state().rules().is_empty());
    assert!(!harness.state().state().archive_place_busy());
    assert_eq!(shown_count(&harness, "Niamey"), n);
    assert!(
        Project::open_read_only(&path)
            .expect("p")
            .corrections()
            .is_empty()
    );

    // The export done, corrections are saved again.
    harness.state_mut().pause_archive_exports(false);
    harness.state_mut().wait_for_archive_export();
    harness.run();
    assert!(
        latest_message(&harness).starts_with("Exported"),
        "{}",
        latest_message(&harness)
    );
    assert!(!harness.state().archive_exporting());
    select_and_read(&mut harness, "Niamey");
    first_passage_not_a_place(&mut harness);
    assert_eq!(harness.state().state().corrections().len(), 1);
    settle(&mut harness);
    assert_eq!(
        Project::open_read_only(&path)
            .expect("p")
            .corrections()
            .len(),
        1
    );
    assert_eq!(layer_count(&path, "Niamey"), n - 1);
    assert_eq!(shown_count(&harness, "Niamey"), n - 1);
}

#[test]
fn an_archives_correction_the_project_could_not_save_is_taken_back_in_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let n = layer_count(&path, "Niamey");
    let mut harness = open_archive(&path);
    select_and_read(&mut harness, "Niamey");

    // Another reader of the project (`gazette export` in another process, say) holds
    // its read open: the project's thread cannot write the correction (busy).
    let reader = rusqlite::Connection::open(&path).expect("open");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM gazette_mentions", [], |r| r.get(0))
        .expect("read");
    first_passage_not_a_place(&mut harness);
    assert_eq!(harness.state().state().corrections().len(), 1);
    // Waits the busy timeout.
    harness.state_mut().flush_project();
    harness.run();
    let said = latest_message(&harness);
    assert!(
        said.contains("could not be saved to the project") && said.contains("taken back"),
        "{said}"
    );
    assert!(
        harness.state().state().corrections().is_empty(),
        "the window does not keep what the project does not hold"
    );
    drop(reader);
    settle(&mut harness);
    assert_eq!(shown_count(&harness, "Niamey"), n);
    assert!(
        Project::open_read_only(&path)
            .expect("p")
            .corrections()
            .is_empty()
    );

    // Once the reader is gone, the same correction is saved.
    select_and_read(&mut harness, "Niamey");
    first_passage_not_a_place(&mut harness);
    settle(&mut harness);
    assert_eq!(harness.state().state().corrections().len(), 1);
    assert_eq!(
        Project::open_read_only(&path)
            .expect("p")
            .corrections()
            .len(),
        1
    );
    assert_eq!(shown_count(&harness, "Niamey"), n - 1);
}

#[test]
fn in_an_archive_undo_all_of_a_whole_place_puts_back_a_hand_correction() {
    use gazette::corpus::mention_candidates;
    use gazette::geoparse::located_entry;
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let mut harness = open_archive(&path);

    // A place whose first passage could denote another place: its menu's candidate.
    let names: Vec<String> = harness
        .state()
        .state()
        .places()
        .iter()
        .map(|p| g.entry(p.entry).name.clone())
        .collect();
    let (label, other) = names
        .iter()
        .find_map(|name| {
            harness.query_by_role_and_label(Role::ListItem, name)?;
            select_and_read(&mut harness, name);
            let view = harness.state().state().archive().cloned()?;
            let passages = view.passages?;
            let mention = passages.mentions.first()?.clone()?;
            let here = passages.entry;
            let candidates = mention_candidates(&g, &mention, Some(here), 12);
            let labels = gazette::app::passages_panel::candidate_labels(&g, &candidates);
            candidates.iter().zip(labels).find_map(|(c, label)| {
                let to = located_entry(&g, c.entry);
                let other = g.entry(to).name.clone();
                (!c.is_current && to != here && other != *name).then_some((label, other))
            })
        })
        .expect("a passage that could denote another place");

    // By hand: that mention reassigned to the other place, which counts it.
    harness
        .get_all_by_label("Correct…")
        .next()
        .expect("a correction menu")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::RadioButton, &label)
        .click();
    harness.run_steps(2);
    settle(&mut harness);
    let hand = corrections_of(&harness);
    assert_eq!(hand.len(), 1, "{hand:?}");
    let n = layer_count(&path, &other);
    assert!(n >= 1);
    assert_eq!(shown_count(&harness, &other), n);

    // The whole other place not a place, the hand-corrected mention with it.
    place_not_a_place(&mut harness, &other, n);
    harness.run_steps(2);
    settle(&mut harness);
    assert_eq!(layer_count(&path, &other), 0);
    assert_eq!(corrections_of(&harness).len() as u64, n);

    // Undo all: the hand correction is back (not the parser's reading), in the window
    // and the file, and the place counts what it counted before.
    harness.get_by_label("Undo all").click();
    harness.run_steps(2);
    settle(&mut harness);
    assert_eq!(corrections_of(&harness), hand, "the hand correction back");
    let in_file = Project::open_read_only(&path)
        .expect("project")
        .corrections()
        .iter()
        .map(|c| {
            (
                c.document.clone(),
                c.start,
                c.end,
                format!("{:?}", c.action),
            )
        })
        .collect::<Vec<_>>();
    assert_eq!(in_file, hand, "in the file too");
    assert_eq!(layer_count(&path, &other), n);
    assert_eq!(shown_count(&harness, &other), n);
}

/// The corrections the project at `path` holds, sorted as [`corrections_of`] gives them.
fn corrections_in_file(path: &Path) -> Vec<(String, usize, usize, String)> {
    sorted_rows(
        Project::open_read_only(path)
            .expect("project")
            .corrections(),
    )
}

#[test]
fn in_an_archive_a_whole_place_that_fails_part_way_keeps_and_offers_to_undo_what_it_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    // A place of both samples, its name that of no other.
    let layer = Project::open_read_only(&path)
        .expect("project")
        .place_summaries()
        .expect("layer");
    let place = layer
        .iter()
        .find(|p| p.document_count == 2 && layer.iter().filter(|o| o.name == p.name).count() == 1)
        .expect("a place of both samples")
        .clone();
    let n = place.mention_count;
    // Writing a correction of the second sample fails (a full disk, say): the whole
    // place, a transaction per document, fails in its second range.
    let second = seeds()[1].name.clone();
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch(&format!(
            "CREATE TRIGGER fail BEFORE INSERT ON gazette_corrections \
             WHEN NEW.document = '{second}' BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END"
        ))
        .expect("trigger");

    let mut app = GazetteApp::new_for_test(gazetteer(), Vec::new(), None);
    app.set_hold_up_to(1);
    app.set_place_chunk(1);
    let mut harness = window(app);
    project_menu(&mut harness, "Open project…", Some(path.clone()));
    harness.run();
    place_not_a_place(&mut harness, &place.name, n);
    harness.run_steps(2);
    settle(&mut harness);

    // The window says why, and holds what the file holds: the first sample's.
    let said = latest_message_containing(&harness, "could not be corrected whole");
    assert!(said.contains("injected: disk full"), "{said}");
    let written = corrections_in_file(&path);
    assert!(
        !written.is_empty() && (written.len() as u64) < n,
        "{written:?}"
    );
    assert!(written.iter().all(|c| c.0 != second));
    assert_eq!(corrections_of(&harness), written);
    let left = n - written.len() as u64;
    assert_eq!(layer_count(&path, &place.name), left);
    assert_eq!(shown_count(&harness, &place.name), left);
    // And offers to undo them.
    harness.get_by_label(&format!(
        "{}: not a place ({} mention{})",
        place.name,
        written.len(),
        if written.len() == 1 { "" } else { "s" }
    ));
    harness.get_by_label("Undo all").click();
    harness.run_steps(2);
    settle(&mut harness);
    assert!(harness.state().state().corrections().is_empty());
    assert!(corrections_in_file(&path).is_empty());
    assert_eq!(layer_count(&path, &place.name), n);
    assert_eq!(shown_count(&harness, &place.name), n);
}

/// The newest message of the window holding `text`.
fn latest_message_containing(harness: &Harness<'_, GazetteApp>, text: &str) -> String {
    harness
        .state()
        .state()
        .messages()
        .iter()
        .rev()
        .find(|m| m.text.contains(text))
        .unwrap_or_else(|| panic!("a message saying {text:?}"))
        .text
        .clone()
}

#[test]
fn in_an_archive_an_undo_all_that_fails_shows_the_corrections_again_and_offers_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let n = layer_count(&path, "Niamey");
    let mut harness = open_archive(&path);
    place_not_a_place(&mut harness, "Niamey", n);
    harness.run_steps(2);
    settle(&mut harness);
    let written = corrections_of(&harness);
    assert_eq!(written.len() as u64, n);

    // The file refuses the undo (a full disk, say).
    let file = rusqlite::Connection::open(&path).expect("open");
    file.execute_batch(
        "CREATE TRIGGER fail BEFORE DELETE ON gazette_corrections \
         BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END",
    )
    .expect("trigger");
    harness.get_by_label("Undo all").click();
    harness.run_steps(2);
    settle(&mut harness);
    let said = latest_message_containing(&harness, "could not be undone whole");
    assert!(said.contains("injected: disk full"), "{said}");
    // The window shows what the file holds, and offers to undo it again.
    assert_eq!(corrections_in_file(&path), written);
    assert_eq!(corrections_of(&harness), written);
    assert_eq!(layer_count(&path, "Niamey"), 0);
    assert_eq!(shown_count(&harness, "Niamey"), 0);
    harness.get_by_label(&format!("Niamey: not a place ({n} mentions)"));

    // Once the file takes it, the undo is whole.
    file.execute_batch("DROP TRIGGER fail").expect("drop");
    drop(file);
    harness.get_by_label("Undo all").click();
    harness.run_steps(2);
    settle(&mut harness);
    assert!(corrections_in_file(&path).is_empty());
    assert!(harness.state().state().corrections().is_empty());
    assert_eq!(layer_count(&path, "Niamey"), n);
    assert_eq!(shown_count(&harness, "Niamey"), n);
}

#[test]
fn an_archives_export_tells_what_it_left_out_as_the_command_line_warns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    // Made with another gazetteer: one of its entries this one lacks.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch(
        "UPDATE gazette_entries SET gazetteer_id = 'gn:999999999' \
         WHERE gazetteer_id = 'gn:2440485'",
    )
    .expect("tamper");
    drop(conn);
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("export")
        .arg(&path)
        .args(["--format", "csv", "-o"])
        .arg(dir.path().join("cli.csv"))
        .output()
        .expect("gazette runs");
    let warned = String::from_utf8_lossy(&cli.stderr).into_owned();
    assert!(warned.contains("gn:999999999"), "{warned}");

    let mut harness = open_archive(&path);
    let out = dir.path().join("shown.csv");
    harness.state_mut().dialogs_mut().script(Some(out.clone()));
    harness.get_by_label("Export CSV…").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_export();
    harness.run();
    assert!(out.exists());
    let message = harness
        .state()
        .state()
        .latest_message()
        .expect("a message")
        .clone();
    assert_eq!(message.level, gazette::app::state::MessageLevel::Warning);
    assert!(message.text.starts_with("Exported"), "{}", message.text);
    assert!(
        message.text.contains("gn:999999999") && message.text.contains("left out"),
        "{}",
        message.text
    );
}

/// The temporary files of exports in `dir` (`.NAME.gazette-partial-XXXXXX`).
fn partials(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains(".gazette-partial-"))
        .collect()
}

/// Starts an export of the archive to `out`, held after its first document: returns once
/// its temporary file is there.
fn export_held(harness: &mut Harness<'_, GazetteApp>, out: &Path) {
    harness.state_mut().pause_archive_exports(true);
    harness
        .state_mut()
        .dialogs_mut()
        .script(Some(out.to_path_buf()));
    harness.get_by_label("Export CSV…").click();
    harness.run_steps(2);
    assert!(harness.state().archive_exporting());
    let folder = out.parent().expect("a folder");
    while partials(folder).is_empty() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Its progress and "Stop" in the status bar.
    harness.run();
}

#[test]
fn an_archives_export_stopped_or_left_by_closing_the_window_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("archive.gpkg");
    sample_project(&path);
    let exports = dir.path().join("out");
    std::fs::create_dir(&exports).expect("folder");
    let out = exports.join("shown.csv");

    // Stopped from the status bar.
    let mut harness = open_archive(&path);
    export_held(&mut harness, &out);
    harness.get_by_label("Stop").click();
    harness.run_steps(2);
    harness.state_mut().wait_for_archive_export();
    harness.run();
    assert!(
        latest_message(&harness).contains("stopped"),
        "{}",
        latest_message(&harness)
    );
    assert_eq!(partials(&exports), Vec::<PathBuf>::new());
    assert!(!out.exists());

    // The window closed mid-export (its state dropped, as quitting drops it).
    export_held(&mut harness, &out);
    drop(harness);
    assert_eq!(partials(&exports), Vec::<PathBuf>::new());
    assert!(!out.exists());
}
