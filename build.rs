//! Records the BLAKE3 hash and length of the bundled gazetteer (`gazetteer/gazetteer.bin`)
//! for the library (`GAZETTE_BUNDLED_BLAKE3`, `GAZETTE_BUNDLED_LEN`): a gazetteer file
//! byte for byte the one this binary was built with is the file its tests checked, and
//! loads without the structural checks a file from elsewhere gets (see
//! `src/gazetteer/load.rs`). Without the file at build time both are empty and every file
//! is checked. Reads one local file; fetches nothing.

use std::path::Path;

fn main() {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let path = Path::new(&manifest).join("gazetteer").join("gazetteer.bin");
    println!("cargo:rerun-if-changed=gazetteer/gazetteer.bin");
    println!("cargo:rerun-if-changed=build.rs");
    let (hash, len) = match std::fs::read(&path) {
        Ok(bytes) => (
            blake3::hash(&bytes).to_hex().to_string(),
            bytes.len().to_string(),
        ),
        Err(_) => (String::new(), String::new()),
    };
    println!("cargo:rustc-env=GAZETTE_BUNDLED_BLAKE3={hash}");
    println!("cargo:rustc-env=GAZETTE_BUNDLED_LEN={len}");
}
