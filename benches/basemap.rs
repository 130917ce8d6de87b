//! The offline basemap: loading and preprocessing `assets/basemap.bin` (until the first
//! zoom band is ready, and until all are), and building one
//! frame's mesh over Africa at zoom 3 (the 1:50m band, most of the world visible) and at
//! zoom 8 (the 1:10m band, a few countries visible).
//!
//! `cargo bench --bench basemap` (release); `cargo bench --profile dev --bench basemap` for
//! quick debug numbers.

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::HashMap;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Color32, Pos2, Rect, vec2};
use gazette::app::basemap::{BASEMAP_FILE_NAME, Basemap, ScreenFromMercator};

fn asset() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(BASEMAP_FILE_NAME)
}

fn load(c: &mut Criterion) {
    let path = asset();
    let mut group = c.benchmark_group("basemap");
    group.sample_size(10);
    // Until the coarsest band is ready: what delays the first frame.
    group.bench_function("load", |b| {
        b.iter(|| Basemap::load(black_box(&path)).expect("load the basemap"))
    });
    // Until every band, 1:10m included, is ready (the rest is built on a thread).
    group.bench_function("load_complete", |b| {
        b.iter(|| {
            let basemap = Basemap::load(black_box(&path)).expect("load the basemap");
            basemap.wait_until_complete();
            basemap
        })
    });
    group.finish();
}

fn mesh(c: &mut Criterion) {
    let basemap = Basemap::load(&asset()).expect("load the basemap");
    basemap.wait_until_complete();
    let viewport = Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0));
    // A typical news selection: a few West African countries tinted.
    let tint: HashMap<String, Color32> = ["NE", "ML", "BF", "NG", "TD"]
        .into_iter()
        .map(|iso| (iso.to_string(), Color32::from_rgb(0xe0, 0x9a, 0x8a)))
        .collect();
    let mut group = c.benchmark_group("basemap_mesh_africa");
    for zoom in [3.0, 8.0] {
        // Centred on Niamey (2.1° E, 13.5° N).
        let transform = ScreenFromMercator::new([2.1, 13.5], zoom, viewport.center());
        group.bench_function(format!("zoom_{zoom}"), |b| {
            b.iter(|| basemap.build_mesh(black_box(&transform), viewport, &tint, false, 1.0))
        });
    }
    group.finish();
    // The densest first-level division borders: Europe's departments, counties and
    // provinces at zoom 5 (Paris at the centre).
    let mut group = c.benchmark_group("basemap_mesh_europe");
    let transform = ScreenFromMercator::new([2.35, 48.85], 5.0, viewport.center());
    group.bench_function("zoom_5.0", |b| {
        b.iter(|| basemap.build_mesh(black_box(&transform), viewport, &tint, false, 1.0))
    });
    group.finish();
}

criterion_group!(benches, load, mesh);
criterion_main!(benches);
