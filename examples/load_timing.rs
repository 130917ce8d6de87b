//! Prints how long each stage of start-up takes: mapping and checking the bundled
//! gazetteer, making a parser, parsing one sentence and decoding the entries it found,
//! and, for comparison, loading the same file by reading it into memory (release build:
//! `cargo run --release --example load_timing`).

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;

fn main() {
    let paths = Gazetteer::bundled_paths();
    let path = paths
        .iter()
        .find(|p| p.is_file())
        .expect("bundled gazetteer present");
    let t = Instant::now();
    let g = Gazetteer::load_mapped(path).expect("loads");
    let load = t.elapsed();
    let t = Instant::now();
    let parser = Geoparser::new(&g);
    let make_parser = t.elapsed();
    let t = Instant::now();
    let mentions = parser.parse("Troops left Niamey for Agadez.");
    let names: Vec<&str> = mentions
        .iter()
        .map(|m| g.entry(m.resolution.entry).name.as_str())
        .collect();
    let parse = t.elapsed();
    let t = Instant::now();
    let read = Gazetteer::load(path).expect("loads");
    let read_load = t.elapsed();
    println!(
        "map + check {load:?}, parser {make_parser:?}, parse one sentence + its entries {parse:?} \
         ({names:?}); read + check {read_load:?}; {} entries",
        read.len()
    );
}
