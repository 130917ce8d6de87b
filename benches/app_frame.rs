//! Desktop app performance, measured (not asserted in tests):
//! - `first_frame_seeds`: from nothing to the first drawn frame on the samples — load
//!   the gazetteer and the basemap, parse the seeds, lay out and draw one frame.
//! - `frame_10k_places/*`: one frame with 10,000 places on the map (clustered at the
//!   world view; zoomed on Tokyo), UI and tessellation on the CPU.
//! - `render_10k_places_wgpu`: the same frame rendered to pixels by wgpu, which on a
//!   machine without a GPU is Mesa's lavapipe software renderer.
//!
//! Run: `cargo bench --bench app_frame`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use gazette::analysis::ParsedDocument;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::app::state::{AppState, DocumentSource};
use gazette::document::Document;
use gazette::gazetteer::{EntryIndex, Gazetteer, Kind};
use gazette::geoparse::{Mention, Resolution};

fn seeds() -> Vec<Document> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut docs: Vec<Document> = std::fs::read_dir(dir)
        .expect("seeds folder")
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            Document::from_text(name, std::fs::read_to_string(e.path()).expect("seed"))
        })
        .collect();
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    docs
}

/// 10,000 places, one mention each: the most populous places of the gazetteer.
fn ten_thousand_places(g: &Arc<Gazetteer>) -> AppState {
    let mut entries: Vec<EntryIndex> = (0..g.len() as EntryIndex)
        .filter(|&e| g.entry(e).kind == Kind::Place)
        .collect();
    entries.sort_by_key(|&e| std::cmp::Reverse(g.entry(e).population));
    entries.truncate(10_000);
    let mut state = AppState::with_gazetteer(g.clone());
    for (d, chunk) in entries.chunks(500).enumerate() {
        let mut text = String::new();
        let mut mentions = Vec::new();
        for &e in chunk {
            let name = &g.entry(e).name;
            let start = text.len();
            text.push_str(name);
            let end = text.len();
            text.push_str(".\n");
            mentions.push(Mention {
                start,
                end,
                text: name.clone(),
                passage: start..end + 1,
                resolution: Resolution {
                    entry: e,
                    confidence: 0.9,
                    alternates: Vec::new(),
                },
            });
        }
        let name = format!("big-{d}.txt");
        let document = Document::from_text(name.clone(), text.clone());
        state.add_document(
            ParsedDocument { document, mentions },
            DocumentSource::Pasted { name, text },
        );
    }
    state.refresh();
    state
}

fn first_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("app");
    group.sample_size(10);
    group.bench_function("first_frame_seeds", |b| {
        b.iter(|| {
            let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
            let basemap = Basemap::load_bundled().ok().map(Arc::new);
            let app = GazetteApp::new_for_test(g, seeds(), basemap);
            let mut harness = Harness::builder()
                .with_size([1500.0, 920.0])
                .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
            harness.step();
            harness
        })
    });
    group.finish();
}

fn frames_with_10k_places(c: &mut Criterion) {
    let g = Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
    let basemap = Basemap::load_bundled().ok().map(Arc::new);
    if let Some(b) = &basemap {
        b.wait_until_complete();
    }
    let app = GazetteApp::with_state(ten_thousand_places(&g), basemap.clone());
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    let mut group = c.benchmark_group("frame_10k_places");
    group.sample_size(20);
    group.bench_function("world_view", |b| b.iter(|| harness.step()));
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
    group.bench_function("zoomed_on_tokyo", |b| b.iter(|| harness.step()));
    group.finish();

    // Rendering to pixels needs a wgpu adapter (lavapipe here); skip if there is none.
    let app = GazetteApp::with_state(ten_thousand_places(&g), basemap);
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .wgpu()
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    match harness.render() {
        Ok(_) => {
            let mut group = c.benchmark_group("render_10k_places_wgpu");
            group.sample_size(10);
            group.bench_function("world_view", |b| {
                b.iter(|| {
                    harness.step();
                    harness.render().expect("render")
                })
            });
            group.finish();
        }
        Err(e) => eprintln!("skipping the wgpu render bench: {e}"),
    }
}

criterion_group!(benches, first_frame, frames_with_10k_places);
criterion_main!(benches);
