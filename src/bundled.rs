//! Where the files that ship with Gazette are found (the gazetteer, the basemap, the
//! sample articles): one search order for all of them, so an installed copy, a cargo
//! build and the test suite find the same files.

use std::path::{Path, PathBuf};

/// The places a bundled file or folder `relative` (a path inside the repository, such as
/// `gazetteer/gazetteer.bin` or `seeds`) is looked for, in order: the executable's folder
/// and the two above it (an installed copy, or a cargo `target/release/` build), then the
/// source checkout this binary was built from.
pub fn candidates(relative: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(3) {
            out.push(dir.join(relative));
        }
    }
    out.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative));
    out
}

/// The first of [`candidates`] that exists (a file or a folder), if any.
pub fn find(relative: &Path) -> Option<PathBuf> {
    candidates(relative).into_iter().find(|p| p.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_checkout_files_last() {
        let all = candidates(Path::new("seeds"));
        assert_eq!(
            all.last(),
            Some(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"))
        );
        assert!(find(Path::new("seeds")).is_some_and(|p| p.is_dir()));
        assert!(find(Path::new("no-such-bundled-file.bin")).is_none());
    }
}
