//! How long loading the bundled gazetteer takes (issue: under 150 ms in release).
//! Run: `cargo bench --bench gazetteer_load`.

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use gazette::gazetteer::Gazetteer;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("gazetteer");
    group.sample_size(20);
    group.bench_function("load_bundled", |b| {
        b.iter(|| Gazetteer::load_bundled().expect("bundled gazetteer loads"))
    });
    let g = Gazetteer::load_bundled().expect("bundled gazetteer loads");
    group.bench_function("candidates(Niger)", |b| b.iter(|| g.candidates("Niger")));
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
