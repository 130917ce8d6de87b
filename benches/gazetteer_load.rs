//! How long loading the bundled gazetteer takes, and what the first look-ups after it
//! cost (issue 14: a one-article run under 20 ms). Run: `cargo bench --bench
//! gazetteer_load`.
//!
//! `load_bundled` maps the file and checks it (checksum, automata, tables); nothing is
//! decoded until used, so `load_bundled + first sentence` adds what a one-article run
//! does next: a parser, a parse, and the first decoding of the entries it found.
//! `load (read into memory)` is the path for a file a user names (`--gazetteer`).

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("gazetteer");
    group.sample_size(20);
    group.bench_function("load_bundled", |b| {
        b.iter(|| Gazetteer::load_bundled().expect("bundled gazetteer loads"))
    });
    group.bench_function("load_bundled + first sentence", |b| {
        b.iter(|| {
            let g = Gazetteer::load_bundled().expect("bundled gazetteer loads");
            let mentions = Geoparser::new(&g).parse("Troops left Niamey for Agadez.");
            let found: usize = mentions
                .iter()
                .map(|m| g.entry(m.resolution.entry).name.len())
                .sum();
            (g, found)
        })
    });
    let path = Gazetteer::bundled_paths()
        .into_iter()
        .find(|p| p.is_file())
        .expect("bundled gazetteer present");
    group.bench_function("load (read into memory)", |b| {
        b.iter(|| Gazetteer::load(&path).expect("bundled gazetteer loads"))
    });
    group.bench_function("load_bundled + every entry decoded", |b| {
        b.iter(|| {
            let g = Gazetteer::load_bundled().expect("bundled gazetteer loads");
            g.entries().map(|e| e.name.len()).sum::<usize>()
        })
    });
    let g = Gazetteer::load_bundled().expect("bundled gazetteer loads");
    group.bench_function("candidates(Niger)", |b| b.iter(|| g.candidates("Niger")));
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
