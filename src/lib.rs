//! Gazette's core: the offline gazetteer, the geoparser that finds and resolves the
//! places news text mentions, the corpus (documents in, parsed and corrected), and
//! GeoJSON/JSONL/CSV export.
//!
//! Nothing here depends on a GUI: the command-line mode, the tests and the desktop
//! app all use this library.
#![warn(missing_docs)]

#[cfg(feature = "gui")]
pub mod app;
pub mod bundled;
pub mod corpus;
pub mod eval;
pub mod export;
pub mod fold;
pub mod gazetteer;
pub mod geodesy;
pub mod geoparse;
pub mod regular_file;
mod short_key;

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, synced,
/// then renamed over the target. A failure at any step leaves an existing file intact.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "path has no file name")
    })?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_keeps_old_on_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out.json");
        atomic_write(&p, b"one").expect("write");
        atomic_write(&p, b"two").expect("overwrite");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        // A folder that does not exist: error, nothing written.
        let bad = dir.path().join("missing").join("out.json");
        assert!(atomic_write(&bad, b"x").is_err());
        // Writing onto a directory fails and leaves no temp file behind.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        assert!(atomic_write(&sub, b"x").is_err());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
    }
}
