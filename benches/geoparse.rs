//! Geoparser throughput on real news text, one core: recognition + resolution.
//! Uses the shared corpora's article texts when `../shared/corpora/` is present, else
//! the bundled seeds repeated. Run: `cargo bench --bench geoparse`.
//!
//! `news_corpus_one_core` parses the articles one after another as a batch does
//! (`analysis::parse_documents`: one word memo per thread), with a fresh memo on every
//! run, so nothing carries over from the previous run. `news_corpus_each_alone` parses
//! each article as if it were the only one (`Geoparser::parse`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, ParseMemo};

/// Article texts from the corpora (the <text> elements), or the seeds.
fn news_texts() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let mut texts = Vec::new();
    for file in ["lgl.xml", "GWN.xml"] {
        let Ok(xml) = std::fs::read_to_string(dir.join(file)) else {
            continue;
        };
        let Ok(doc) = roxmltree::Document::parse(&xml) else {
            continue;
        };
        for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
            if let Some(t) = node.text() {
                texts.push(t.to_string());
            }
        }
    }
    if texts.is_empty() {
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
            let mut memo = ParseMemo::new();
            texts
                .iter()
                .map(|t| parser.parse_with(t, &mut memo).len())
                .sum::<usize>()
        })
    });
    group.bench_function("news_corpus_each_alone", |b| {
        b.iter(|| texts.iter().map(|t| parser.parse(t).len()).sum::<usize>())
    });
    group.finish();

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
