//! Geoparser throughput on real news text, one core: recognition + resolution.
//! Uses the shared corpora's article texts when `../shared/corpora/` is present, else
//! the bundled seeds repeated. Run: `cargo bench --bench geoparse`.
//!
//! `news_corpus_one_core` parses the articles one after another as a batch does
//! (`corpus::parse_documents`: one word memo per thread), with a fresh memo on every
//! run, so nothing carries over from the previous run. `news_corpus_each_alone` parses
//! each article as if it were the only one (`Geoparser::parse`).
//! `news_corpus_as_one_document` parses all the articles joined into one text, as a
//! user opening one very long file would (the resolver must stay near-linear).
//! `news_corpus_one_core_with_500_user_places` is the first with 500 user places in
//! effect (their names found by one more pass over each text; with none, that pass is
//! not made).
//! `gwn_after_lgl` is the steady state of a long batch: the memo has seen the LGL
//! articles (US local news) and the GeoWebNews articles it then parses are new to it.

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gazette::gazetteer::{Gazetteer, Kind, UserPlace};
use gazette::geoparse::{Geoparser, ParseMemo};

/// Article texts of one corpus (its <text> elements); empty, with a message, if it
/// cannot be read.
fn corpus_texts(file: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let path = dir.join(file);
    let xml = match std::fs::read_to_string(&path) {
        Ok(xml) => xml,
        Err(e) => {
            eprintln!("geoparse bench: no corpus {}: {e}", path.display());
            return Vec::new();
        }
    };
    let doc = match roxmltree::Document::parse(&xml) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("geoparse bench: corpus {} unreadable: {e}", path.display());
            return Vec::new();
        }
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// Article texts from the corpora, or the seeds.
fn news_texts() -> Vec<String> {
    let mut texts = corpus_texts("lgl.xml");
    texts.extend(corpus_texts("GWN.xml"));
    if texts.is_empty() {
        eprintln!(
            "geoparse bench: timing the bundled seeds, repeated, instead of the corpora \
             (figures not comparable with the README's)"
        );
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for e in std::fs::read_dir(seeds).expect("seeds folder").flatten() {
            texts.push(std::fs::read_to_string(e.path()).expect("seed text"));
        }
        let one = texts.clone();
        for _ in 0..200 {
            texts.extend(one.iter().cloned());
        }
    }
    texts
}

fn throughput(c: &mut Criterion) {
    let g = Gazetteer::load_bundled().expect("bundled gazetteer loads");
    let parser = Geoparser::new(&g);
    let texts = news_texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("geoparse");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("news_corpus_one_core", |b| {
        b.iter(|| {
            let mut memo = ParseMemo::for_batch();
            texts
                .iter()
                .map(|t| parser.parse_with(t, &mut memo).len())
                .sum::<usize>()
        })
    });
    group.bench_function("news_corpus_each_alone", |b| {
        b.iter(|| texts.iter().map(|t| parser.parse(t).len()).sum::<usize>())
    });
    // Another gazetteer, so that the benchmarks above run without user places.
    let with_places = Gazetteer::load_bundled().expect("bundled gazetteer loads");
    let places: Vec<UserPlace> = (0..500)
        .map(|i| UserPlace {
            name: format!("Camp Sector {i}"),
            lat: f64::from(i % 90),
            lon: f64::from(i % 180),
            kind: Kind::Place,
            country_code: None,
            alternate_names: vec![format!("Outpost {i}")],
        })
        .collect();
    with_places
        .set_user_places(&places)
        .expect("valid user places");
    let user_parser = Geoparser::new(&with_places);
    group.bench_function("news_corpus_one_core_with_500_user_places", |b| {
        b.iter(|| {
            let mut memo = ParseMemo::for_batch();
            texts
                .iter()
                .map(|t| user_parser.parse_with(t, &mut memo).len())
                .sum::<usize>()
        })
    });
    let joined = texts.join("\n\n");
    group.bench_function("news_corpus_as_one_document", |b| {
        b.iter(|| parser.parse(&joined).len())
    });
    group.finish();

    let (lgl, gwn) = (corpus_texts("lgl.xml"), corpus_texts("GWN.xml"));
    if !lgl.is_empty() && !gwn.is_empty() {
        let mut seen = ParseMemo::for_batch();
        for t in &lgl {
            parser.parse_with(t, &mut seen);
        }
        let mut group = c.benchmark_group("geoparse");
        group.sample_size(10);
        group.throughput(Throughput::Bytes(
            gwn.iter().map(String::len).sum::<usize>() as u64,
        ));
        group.bench_function("gwn_after_lgl", |b| {
            b.iter_batched_ref(
                || seen.clone(),
                |memo| {
                    gwn.iter()
                        .map(|t| parser.parse_with(t, memo).len())
                        .sum::<usize>()
                },
                BatchSize::LargeInput,
            )
        });
        group.finish();
    }

    let seeds: Vec<String> =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"))
            .expect("seeds folder")
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).expect("seed text"))
            .collect();
    c.bench_function("parse_seeds", |b| {
        b.iter(|| seeds.iter().map(|t| parser.parse(t).len()).sum::<usize>())
    });
}

criterion_group!(benches, throughput);
criterion_main!(benches);
