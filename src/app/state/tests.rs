//! Unit tests of [`AppState`]: selection, filters, corrections, export, session.

use std::sync::{Arc, OnceLock};

use super::*;
use crate::corpus::Document;
use crate::geoparse::Geoparser;

fn gazetteer() -> Arc<Gazetteer> {
    static G: OnceLock<Arc<Gazetteer>> = OnceLock::new();
    G.get_or_init(|| Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer")))
        .clone()
}

const NIGER: &str = "Soldiers in Niamey and Agadez met officials from Niger on Monday. \
                     The convoy later left Niamey for the border with Nigeria.";
const FRANCE: &str = "Ministers met in Paris, the capital of France, on Tuesday. \
                      Paris has hosted such talks before.";

fn parse(g: &Gazetteer, name: &str, text: &str) -> ParsedDocument {
    let document = Document::from_text(name, text);
    let mentions = Geoparser::new(g).parse(&document.text);
    ParsedDocument { document, mentions }
}

fn pasted(name: &str, text: &str) -> DocumentSource {
    DocumentSource::Pasted {
        name: name.into(),
        text: text.into(),
    }
}

/// A state with the two test documents.
fn state() -> AppState {
    let g = gazetteer();
    let mut s = AppState::with_gazetteer(g.clone());
    assert!(s.add_document(parse(&g, "niger.txt", NIGER), pasted("niger.txt", NIGER)));
    assert!(s.add_document(
        parse(&g, "france.txt", FRANCE),
        pasted("france.txt", FRANCE)
    ));
    s.refresh();
    s
}

fn entry_named(s: &AppState, name: &str) -> EntryIndex {
    s.place_named(name)
        .unwrap_or_else(|| panic!("{name} not among {:?}", names(s)))
        .entry
}

fn names(s: &AppState) -> Vec<String> {
    let g = s.gazetteer().expect("gazetteer");
    s.places()
        .iter()
        .map(|p| g.entry(p.entry).name.clone())
        .collect()
}

#[test]
fn places_are_sorted_by_mentions_and_counted() {
    let s = state();
    let niamey = s.place_named("Niamey").expect("Niamey");
    assert_eq!(niamey.mentions.len(), 2);
    let counts: Vec<usize> = s.places().iter().map(|p| p.mentions.len()).collect();
    let mut sorted = counts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted);
    assert_eq!(s.mention_count(), counts.iter().sum::<usize>());
    assert_eq!(
        s.document_mentions().iter().sum::<usize>(),
        s.mention_count()
    );
    let ne = s
        .country_counts()
        .iter()
        .find(|c| c.key == "NE")
        .expect("Niger in the country counts");
    assert_eq!(ne.name, "Niger");
    assert!(ne.places >= 3, "{ne:?}");
}

#[test]
fn select_and_passages() {
    let mut s = state();
    let niamey = entry_named(&s, "Niamey");
    s.select(Some(niamey));
    assert_eq!(s.selected(), Some(niamey));
    let place = s.selected_place().expect("selected place shown");
    let groups = AppState::passages_by_document(place);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].0, 0);
    assert_eq!(groups[0].1.len(), 2);
    let doc = &s.documents()[0];
    let passage = passage_range(doc, groups[0].1[1].mention);
    assert!(doc.document.text[passage].contains("left Niamey"));
    s.open_document(0, Some(groups[0].1[1].mention));
    let open = s.open_document_state().expect("open");
    assert!(open.scroll_pending);
    s.scrolled();
    assert!(!s.open_document_state().expect("open").scroll_pending);
    s.open_document(99, None);
    assert_eq!(s.open_document_state().map(|o| o.document), Some(0));
    s.select(None);
    assert!(s.selected_place().is_none());
}

#[test]
fn country_filter_hides_and_shows_places() {
    let mut s = state();
    let before = s.places().len();
    let revision = s.revision();
    s.set_country_visible("FR", false);
    assert!(s.revision() > revision);
    assert!(s.place_named("Paris").is_none());
    assert!(s.place_named("France").is_none());
    assert!(s.place_named("Niamey").is_some());
    // Hidden countries keep their counts, so they can be shown again.
    let fr = s
        .country_counts()
        .iter()
        .find(|c| c.key == "FR")
        .expect("FR row");
    assert!(fr.mentions >= 3);
    s.show_only_country("FR");
    assert!(s.place_named("Niamey").is_none());
    assert!(s.place_named("Paris").is_some());
    s.hide_all_countries();
    assert!(s.places().is_empty());
    s.show_all_countries();
    assert_eq!(s.places().len(), before);
}

#[test]
fn other_filters() {
    let mut s = state();
    s.set_kind_visible(Kind::Place, false);
    assert!(s.place_named("Niamey").is_none());
    assert!(s.place_named("Niger").is_some());
    let place_row = s
        .kind_counts()
        .iter()
        .find(|k| k.kind == Kind::Place)
        .expect("place row");
    assert!(place_row.places >= 3, "counted before the kind filter");
    s.set_kind_visible(Kind::Place, true);
    s.set_document_visible("france.txt", false);
    assert!(s.place_named("Paris").is_none());
    assert_eq!(s.document_mentions()[1], 0);
    s.set_document_visible("france.txt", true);
    s.set_search("nia");
    assert_eq!(names(&s), ["Niamey"]);
    s.set_search("");
    s.set_min_confidence(2.0);
    assert_eq!(s.filter().min_confidence, 1.0);
}

#[test]
fn reassign_not_a_place_and_undo() {
    let mut s = state();
    let niamey = entry_named(&s, "Niamey");
    let first = s.place(niamey).expect("Niamey").mentions[0];
    let key = (first.document, first.mention);
    // An alternate candidate: the Niamey admin-1 region, or any other entry of the name.
    let other = s
        .candidates(key, 20)
        .into_iter()
        .find(|c| !c.is_current)
        .expect("another candidate for Niamey");
    s.reassign(key, other.entry);
    assert_eq!(s.place(niamey).expect("Niamey").mentions.len(), 1);
    let moved = s
        .place(other.entry)
        .expect("the chosen entry is now a place");
    assert!(moved.mentions[0].corrected);
    assert_eq!(moved.mentions[0].confidence, 1.0);
    assert!(
        s.candidates(key, 20)
            .iter()
            .any(|c| c.entry == other.entry && c.is_current)
    );

    s.correct(key, CorrectionAction::NotAPlace);
    assert_eq!(s.effective_entry(key), None);
    assert!(s.place(other.entry).is_none());
    assert_eq!(s.corrections().len(), 1, "one correction per mention");

    assert_eq!(s.corrected_mentions(), vec![key]);
    s.undo_correction(key);
    assert!(s.corrections().is_empty());
    assert!(s.corrected_mentions().is_empty());
    assert_eq!(s.place(niamey).expect("Niamey").mentions.len(), 2);
}

#[test]
fn correct_a_whole_place() {
    let mut s = state();
    let paris = entry_named(&s, "Paris");
    let n = s.place(paris).expect("Paris").mentions.len();
    assert_eq!(s.correct_place(paris, None), n);
    assert!(s.place_named("Paris").is_none());
    for c in s.corrections().iter() {
        assert_eq!(c.action, CorrectionAction::NotAPlace);
        assert_eq!(c.document, "france.txt");
    }
    s.corpus.set_corrections(Corrections::default());
    s.recompute();
    // Reassign every Niamey mention to another entry of that name.
    let niamey = entry_named(&s, "Niamey");
    let other = s
        .candidates(
            (0, s.place(niamey).expect("Niamey").mentions[0].mention),
            20,
        )
        .into_iter()
        .find(|c| !c.is_current)
        .expect("another Niamey");
    assert_eq!(s.correct_place(niamey, Some(other.entry)), 2);
    assert_eq!(s.selected(), Some(other.entry), "the selection follows");
    assert_eq!(s.place(other.entry).expect("moved").mentions.len(), 2);
}

#[test]
fn export_writes_what_is_shown() {
    let mut s = state();
    s.set_country_visible("FR", false);
    let niamey = s.place_named("Niamey").expect("Niamey").entry;
    s.correct_place(niamey, None);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.geojson");
    s.export(&path, Format::GeoJson).expect("export");
    let text = std::fs::read_to_string(&path).expect("read back");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let features = json["features"].as_array().expect("features");
    assert_eq!(features.len(), s.places().len());
    let exported: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["name"].as_str().expect("name"))
        .collect();
    assert!(exported.contains(&"Agadez"));
    assert!(!exported.contains(&"Paris"), "hidden by the country filter");
    assert!(!exported.contains(&"Niamey"), "marked not a place");

    let csv = dir.path().join("out.csv");
    s.export(&csv, Format::Csv).expect("csv");
    let rows = std::fs::read_to_string(&csv).expect("read");
    assert_eq!(rows.lines().count(), 1 + s.mention_count());

    let bad = dir.path().join("missing").join("out.geojson");
    assert!(s.export(&bad, Format::GeoJson).is_err());
}

#[test]
fn session_round_trip() {
    let mut s = state();
    let agadez = entry_named(&s, "Agadez");
    s.select(Some(agadez));
    s.set_country_visible("FR", false);
    let first = s.place(agadez).expect("Agadez").mentions[0];
    s.correct((first.document, first.mention), CorrectionAction::NotAPlace);
    s.set_online_tiles(true);
    let session = s.session();
    assert_eq!(session.sources.len(), 2);
    let text = serde_json::to_string(&session).expect("serialize");
    let back: Session = serde_json::from_str(&text).expect("deserialize");
    assert_eq!(back, session);
    // Unknown and missing fields are fine.
    let old: Session = serde_json::from_str(r#"{"filter":{"show_demonyms":true},"x":1}"#)
        .expect("partial session");
    assert!(old.filter.show_demonyms && old.sources.is_empty());

    let g = gazetteer();
    let mut restored = AppState::with_gazetteer(g.clone());
    restored.restore(&back);
    for source in &back.sources {
        let DocumentSource::Pasted { name, text } = source else {
            panic!("pasted sources");
        };
        restored.add_document(parse(&g, name, text), source.clone());
    }
    restored.refresh();
    assert_eq!(restored.selected(), Some(agadez));
    assert_eq!(restored.places(), s.places());
    assert!(restored.online_tiles());
}

#[test]
fn documents_get_unique_names_and_files_load_once() {
    let g = gazetteer();
    let mut s = AppState::with_gazetteer(g.clone());
    let file = |name: &str| DocumentSource::file(format!("/articles/{name}"), "a.txt");
    assert!(s.add_document(parse(&g, "a.txt", NIGER), file("x/a.txt")));
    assert!(s.add_document(parse(&g, "a.txt", FRANCE), file("y/a.txt")));
    assert!(!s.add_document(parse(&g, "a.txt", NIGER), file("x/a.txt")));
    s.refresh();
    let names: Vec<&str> = s
        .documents()
        .iter()
        .map(|d| d.document.name.as_str())
        .collect();
    assert_eq!(names, ["a.txt", "a.txt (2)"]);
    assert_eq!(s.sources()[1].name(), "a.txt (2)");
    assert!(s.has_file(Path::new("/articles/y/a.txt")));
    s.clear_documents();
    assert!(s.places().is_empty() && s.documents().is_empty());
}

#[test]
fn messages_are_numbered_and_bounded() {
    let mut s = AppState::new();
    assert!(s.places().is_empty(), "no gazetteer: nothing to show");
    for i in 0..(MAX_MESSAGES + 10) {
        s.push_message(MessageLevel::Info, format!("m{i}"));
    }
    assert_eq!(s.messages().len(), MAX_MESSAGES);
    let last = s.latest_message().expect("a message");
    assert_eq!(last.text, format!("m{}", MAX_MESSAGES + 9));
    assert_eq!(last.sequence, (MAX_MESSAGES + 10) as u64);
    assert!(
        s.export(Path::new("/tmp/never.geojson"), Format::GeoJson)
            .is_err()
    );
}

#[test]
fn least_certain_places_come_first() {
    let s = state();
    let list = s.least_certain_places(3);
    assert_eq!(list.len(), 3);
    assert!(list.windows(2).all(|w| w[0].1 <= w[1].1));
    let lowest = s
        .places()
        .iter()
        .map(|p| p.mentions.iter().map(|m| m.confidence).sum::<f32>() / p.mentions.len() as f32)
        .fold(f32::MAX, f32::min);
    assert_eq!(list[0].1, lowest);
}

/// Opening a document costs the same with 4,000 open as with 1,000: the work of the
/// summary (mentions and places visited, counted, not timed) for 200 more documents,
/// settled every 100 as the app does while a folder loads, is the same at both sizes.
#[test]
fn the_cost_of_opening_a_document_does_not_grow_with_the_documents_open() {
    let g = gazetteer();
    let texts = [parse(&g, "n", NIGER), parse(&g, "f", FRANCE)];
    let mut s = AppState::with_gazetteer(g.clone());
    let add = |s: &mut AppState, n: usize| -> u64 {
        let before = s.summary_work();
        for i in 0..n {
            let name = format!("{}.txt", s.documents().len());
            let mut doc = texts[i % 2].clone();
            doc.document.name = name.clone();
            assert!(s.add_document(doc, pasted(&name, "")));
            if s.documents().len().is_multiple_of(100) {
                s.refresh();
            }
        }
        s.refresh();
        s.summary_work() - before
    };
    add(&mut s, 1000);
    let at_1000 = add(&mut s, 200);
    add(&mut s, 2800);
    let at_4000 = add(&mut s, 200);
    assert_eq!(at_1000, at_4000);
    let mentions: usize = texts.iter().map(|t| t.mentions.len()).sum();
    let places = s.places().len() as u64;
    assert_eq!(at_1000, 100 * mentions as u64 + 2 * places);
    // And what is shown is right: Niamey twice in each of the 2,100 Niger documents.
    assert_eq!(s.documents().len(), 4200);
    let niamey = s.place_named("Niamey").expect("Niamey");
    assert_eq!(niamey.mentions.len(), 2 * 2100);
    assert_eq!(s.place_stats(niamey.entry).expect("stats").documents, 2100);
    assert_eq!(
        s.document_mentions().iter().sum::<usize>(),
        s.mention_count()
    );
}

#[test]
fn the_selection_keeps_its_documents_and_candidates() {
    let mut s = state();
    let niamey = entry_named(&s, "Niamey");
    assert!(s.selection_details().is_none());
    s.select(Some(niamey));
    let details = s.selection_details().expect("details").clone();
    let place = s.place(niamey).expect("Niamey");
    let groups = AppState::passages_by_document(place);
    assert_eq!(details.documents.len(), groups.len());
    for ((d, range), (d2, mentions)) in details.documents.iter().zip(&groups) {
        assert_eq!(d, d2);
        assert_eq!(&place.mentions[range.clone()], mentions.as_slice());
    }
    assert_eq!(
        details.candidates,
        s.place_candidates(place, SELECTION_CANDIDATES)
    );
    // Hidden by the filter: no details.
    s.set_country_visible("NE", false);
    assert!(s.selection_details().is_none());
    s.set_country_visible("NE", true);
    assert!(s.selection_details().is_some());
}

#[test]
fn a_big_corpus_is_counted_again_on_another_thread_with_the_same_result() {
    let g = gazetteer();
    let mut background = state();
    background.count_in_background(Recounter::new(Arc::new(|| {})), 0);
    let mut here = state();
    let mut filter = background.filter().clone();
    filter.hidden_countries.insert("NE".into());

    background.set_filter(filter.clone());
    here.set_filter(filter);
    assert!(background.is_recounting());
    // The counts shown stay those of the last filter until the new ones come.
    assert!(background.place_named("Niamey").is_some());
    background.poll_recount(true);
    assert!(!background.is_recounting());
    assert_eq!(names(&background), names(&here));
    assert!(background.place_named("Niamey").is_none());

    // A correction too; a document added meanwhile is counted on top.
    let paris = entry_named(&background, "Paris");
    let key = background.place(paris).expect("Paris").mentions[0];
    let key = (key.document, key.mention);
    background.correct(key, CorrectionAction::NotAPlace);
    here.correct(key, CorrectionAction::NotAPlace);
    let text = "Rain in Lyon and Paris.";
    for s in [&mut background, &mut here] {
        assert!(s.add_document(parse(&g, "lyon.txt", text), pasted("lyon.txt", text)));
    }
    background.poll_recount(true);
    background.refresh();
    here.refresh();
    assert_eq!(names(&background), names(&here));
    assert_eq!(background.mention_count(), here.mention_count());
    assert_eq!(
        background.place(paris).map(|p| p.mentions.len()),
        here.place(paris).map(|p| p.mentions.len())
    );
}

#[test]
fn a_correction_in_an_archive_is_kept_and_its_counts_follow_the_layer_read_back() {
    use crate::corpus::LayerPlace;
    let g = gazetteer();
    let niamey = g.index_of_id("gn:2440485").expect("Niamey");
    let agadez = g.index_of_id("gn:2448085").expect("Agadez");
    let mut state = AppState::with_gazetteer(g.clone());
    let layer = |niamey_mentions: usize| {
        vec![
            LayerPlace {
                entry: niamey,
                mentions: niamey_mentions,
                documents: niamey_mentions,
            },
            LayerPlace {
                entry: agadez,
                mentions: 1,
                documents: 1,
            },
        ]
    };
    state.set_archive(ArchiveView {
        documents: 500_000,
        places: layer(3),
        ..Default::default()
    });
    assert_eq!(state.place(niamey).map(|p| p.mention_count), Some(3));
    let version = state.corrections_version();

    // Kept by name and span (no document is held), and sent to the project.
    assert!(state.correct_named("a.txt", 12, 18, Some(CorrectionAction::NotAPlace)));
    assert!(!state.correct_named("a.txt", 12, 18, Some(CorrectionAction::NotAPlace)));
    assert_ne!(state.corrections_version(), version);
    assert_eq!(
        state.corrections().get("a.txt", 12, 18),
        Some(&CorrectionAction::NotAPlace)
    );
    // The counts stay until the layer is read back; the archive says it is counting.
    assert!(state.archive().expect("archive").counting);
    assert_eq!(state.place(niamey).map(|p| p.mention_count), Some(3));
    state.set_archive_places(layer(2), 0);
    assert!(!state.archive().expect("archive").counting);
    assert_eq!(state.place(niamey).map(|p| p.mention_count), Some(2));
    assert_eq!(state.mention_count(), 3);

    // Undone.
    assert!(state.correct_named("a.txt", 12, 18, None));
    assert!(state.corrections().is_empty());
    assert!(
        !state.correct_named("a.txt", 12, 18, None),
        "nothing to undo"
    );
}

#[test]
fn a_whole_place_of_an_archive_is_taken_a_slice_at_a_time_and_later_corrections_win() {
    let mut state = AppState::with_gazetteer(gazetteer());
    state.set_archive(ArchiveView {
        documents: 500_000,
        ..Default::default()
    });
    let not_a_place = |document: &str, start| crate::corpus::CorrectionChange {
        document: document.into(),
        start,
        end: start + 6,
        before: None,
        after: Some(CorrectionAction::NotAPlace),
    };
    let paris = CorrectionAction::Reassign {
        id: "gn:2988507".into(),
    };
    state.archive_place_correcting("Niamey: not a place".into());
    assert!(state.archive_is_counting());
    assert!(state.archive_place_busy());
    // Made after the place was sent: the project writes it after the place's.
    assert!(state.correct_named("b.txt", 7, 13, Some(paris.clone())));
    state.archive_place_corrected(
        vec![
            not_a_place("a.txt", 1),
            not_a_place("b.txt", 7),
            not_a_place("c.txt", 3),
        ],
        None,
    );
    // One correction a frame: the first taken, the place not done yet.
    assert_eq!(state.archive_work(1), None);
    assert_eq!(
        state.corrections().get("a.txt", 1, 7),
        Some(&CorrectionAction::NotAPlace)
    );
    assert!(state.corrections().get("c.txt", 3, 9).is_none());
    // Made while the window takes them: it wins too.
    assert!(state.correct_named("c.txt", 3, 9, Some(paris.clone())));
    assert_eq!(state.archive_work(1), None);
    assert_eq!(state.archive_work(1), Some(1), "one of the place's taken");
    assert_eq!(
        state.corrections().get("b.txt", 7, 13),
        Some(&paris),
        "the later one"
    );
    assert_eq!(
        state.corrections().get("c.txt", 3, 9),
        Some(&paris),
        "the later one"
    );
    let view = state.archive().expect("archive");
    assert_eq!(view.batches.len(), 1);
    assert_eq!(*view.batches[0].changes, vec![not_a_place("a.txt", 1)]);
    assert!(view.correcting.is_none() && view.work.is_none());
    assert!(!state.archive_place_busy());
    assert_eq!(state.archive_work(1), None, "nothing left");

    // Undone together, a slice at a time: the later corrections stay.
    let batch = state.undo_archive_batch(0).expect("undone");
    assert_eq!(batch.changes.len(), 1);
    assert!(state.undo_archive_batch(0).is_none(), "no other");
    assert_eq!(state.archive_work(1), None);
    assert!(state.corrections().get("a.txt", 1, 7).is_none());
    assert_eq!(state.corrections().get("b.txt", 7, 13), Some(&paris));
    assert!(state.archive().expect("archive").batches.is_empty());
    assert!(!state.archive_place_busy());
}

#[test]
fn undoing_an_archives_whole_place_puts_back_what_stood_and_keeps_later_corrections() {
    let mut state = AppState::with_gazetteer(gazetteer());
    state.set_archive(ArchiveView {
        documents: 500_000,
        ..Default::default()
    });
    let paris = CorrectionAction::Reassign {
        id: "gn:2988507".into(),
    };
    let change =
        |document: &str, start, before: Option<CorrectionAction>| crate::corpus::CorrectionChange {
            document: document.into(),
            start,
            end: start + 6,
            before,
            after: Some(CorrectionAction::NotAPlace),
        };
    // By hand before the whole place: a.txt's mention is Paris.
    assert!(state.correct_named("a.txt", 1, 7, Some(paris.clone())));
    state.archive_place_correcting("Paris: not a place".into());
    // As the project's thread reports them: each with the correction it replaced.
    state.archive_place_corrected(
        vec![
            change("a.txt", 1, Some(paris.clone())),
            change("b.txt", 7, None),
            change("c.txt", 3, None),
        ],
        None,
    );
    assert_eq!(state.archive_work(2), None);
    assert_eq!(state.archive_work(2), Some(3));
    assert_eq!(
        state.corrections().get("a.txt", 1, 7),
        Some(&CorrectionAction::NotAPlace)
    );
    // By hand after it: c.txt's mention is Paris after all.
    assert!(state.correct_named("c.txt", 3, 9, Some(paris.clone())));

    // Undo all, a slice at a time: a.txt's hand correction back, b.txt's parser
    // reading, c.txt's later correction kept.
    let batch = state.undo_archive_batch(0).expect("undone");
    assert_eq!(batch.changes.len(), 3);
    assert_eq!(state.archive_work(1), None);
    assert_eq!(state.archive_work(1), None);
    assert_eq!(state.archive_work(1), None);
    assert!(!state.archive_place_busy());
    assert_eq!(state.corrections().get("a.txt", 1, 7), Some(&paris));
    assert_eq!(state.corrections().get("b.txt", 7, 13), None);
    assert_eq!(state.corrections().get("c.txt", 3, 9), Some(&paris));
    assert_eq!(state.corrections().len(), 2);
}
