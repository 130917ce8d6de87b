//! GUI test of the review queue: the least certain mentions one at a time, decided with
//! the keyboard, the map following. The real window driven with `egui_kittest`.
#![cfg(feature = "gui")]

mod gui_common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gazette::app::GazetteApp;
use gazette::corpus::CorrectionAction;

fn window() -> Harness<'static, GazetteApp> {
    gui_common::window(GazetteApp::new_for_test(
        gui_common::gazetteer(),
        gui_common::seeds(),
        None,
    ))
}

fn press(harness: &mut Harness<'_, GazetteApp>, key: egui::Key) {
    harness.key_press(key);
    harness.run();
}

#[test]
fn the_least_certain_mentions_are_reviewed_with_the_keyboard() {
    let mut harness = window();
    let queue = gazette::app::review::review_queue(harness.state().state(), 500);
    assert!(queue.len() >= 3, "{queue:?}");
    let confidence = |h: &Harness<'_, GazetteApp>, k: (usize, usize)| {
        h.state().state().documents()[k.0].mentions[k.1]
            .resolution
            .confidence
    };
    // Least certain first.
    for pair in queue.windows(2) {
        assert!(confidence(&harness, pair[0]) <= confidence(&harness, pair[1]));
    }

    harness
        .get_by_label("Review the least certain mentions…")
        .click();
    harness.run();
    assert!(harness.query_by_label_contains("Mention 1 of").is_some());
    // The map follows: the mention's place is selected.
    let first = queue[0];
    assert_eq!(
        harness.state().state().selected(),
        harness.state().state().effective_entry(first)
    );

    // Enter accepts the reading (now the person's choice), N: not a place, →: skip.
    let accepted = harness.state().state().effective_entry(first);
    press(&mut harness, egui::Key::Enter);
    press(&mut harness, egui::Key::N);
    press(&mut harness, egui::Key::ArrowRight);
    let state = harness.state().state();
    assert_eq!(state.effective_entry(first), accepted);
    assert!(matches!(
        state.correction_of(first),
        Some(CorrectionAction::Reassign { .. })
    ));
    assert_eq!(
        state.correction_of(queue[1]),
        Some(&CorrectionAction::NotAPlace)
    );
    assert_eq!(state.correction_of(queue[2]), None, "skipped");
    assert!(harness.query_by_label_contains("Mention 4 of").is_some());

    // ← goes back; Esc closes.
    press(&mut harness, egui::Key::ArrowLeft);
    assert!(harness.query_by_label_contains("Mention 3 of").is_some());
    press(&mut harness, egui::Key::Escape);
    assert!(harness.query_by_label_contains("Mention 3 of").is_none());

    // A review started again leaves out what was decided.
    let again = gazette::app::review::review_queue(harness.state().state(), 500);
    assert!(!again.contains(&first) && !again.contains(&queue[1]));
}
