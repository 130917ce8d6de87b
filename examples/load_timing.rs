//! Prints how long each stage of loading the bundled gazetteer takes (release build:
//! `cargo run --release --example load_timing`).

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let t = std::time::Instant::now();
    let paths = gazette::gazetteer::Gazetteer::bundled_paths();
    let path = paths
        .iter()
        .find(|p| p.is_file())
        .expect("bundled gazetteer present");
    let bytes = std::fs::read(path).expect("read");
    let read = t.elapsed();
    let g = gazette::gazetteer::Gazetteer::from_bytes(bytes, path).expect("decode");
    let total = t.elapsed();
    println!(
        "read {:?}, decode+validate {:?}, total {:?}, {} entries",
        read,
        total - read,
        total,
        g.len()
    );
}
