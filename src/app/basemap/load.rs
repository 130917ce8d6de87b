//! Loading a basemap: [`Basemap::load`] and [`Basemap::load_bundled`], and the places the
//! bundled file is looked for. The byte format and its errors are in `asset.rs`.

use std::path::{Path, PathBuf};

use super::Basemap;
use super::asset::{BASEMAP_FILE_NAME, BasemapError, check_header, parse_body};
use super::sources::Sources;

impl Basemap {
    /// Reads and preprocesses the basemap file at `path` (format: `assets/build.py`).
    ///
    /// Errors name the file: [`BasemapError::Missing`], [`BasemapError::Unreadable`],
    /// [`BasemapError::Truncated`] (shorter than its header says) or
    /// [`BasemapError::Corrupt`] (bad magic, version or checksum, or inconsistent data).
    pub fn load(path: &Path) -> Result<Basemap, BasemapError> {
        let bytes = std::fs::read(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                BasemapError::Missing {
                    path: path.to_path_buf(),
                }
            } else {
                BasemapError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::from_bytes(&bytes, path)
    }

    /// Finds and loads the bundled `assets/basemap.bin` where [`crate::bundled`] looks
    /// for every shipped file (beside the executable or up to two folders above it, then
    /// the source tree). The first file that exists is loaded, and its error returned if it is broken; if none exists the error
    /// is [`BasemapError::NotFound`] with every path tried.
    pub fn load_bundled() -> Result<Basemap, BasemapError> {
        let searched = bundled_candidates();
        match searched.iter().find(|p| p.is_file()) {
            Some(path) => Self::load(path),
            None => Err(BasemapError::NotFound { searched }),
        }
    }

    fn from_bytes(bytes: &[u8], path: &Path) -> Result<Basemap, BasemapError> {
        let body = check_header(bytes, path)?;
        let corrupt = |reason: String| BasemapError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let raw = parse_body(body).map_err(corrupt)?;
        let sources = Sources::from_raw(raw).map_err(corrupt)?;
        Ok(Self::start(sources))
    }
}

/// Places [`Basemap::load_bundled`] looks, in order.
fn bundled_candidates() -> Vec<PathBuf> {
    crate::bundled::candidates(&Path::new("assets").join(BASEMAP_FILE_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::basemap::asset::{FORMAT_VERSION, MAGIC};
    use crate::app::basemap::tests::asset_path;

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nothing-here.bin");
        let err = Basemap::load(&missing).expect_err("missing");
        assert!(matches!(err, BasemapError::Missing { .. }), "{err}");
        assert!(err.to_string().contains("nothing-here.bin"), "{err}");

        let bytes = std::fs::read(asset_path()).expect("read asset");
        let truncated = dir.path().join("truncated.bin");
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
        let err = Basemap::load(&truncated).expect_err("truncated");
        assert!(matches!(err, BasemapError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("truncated.bin"), "{err}");

        let header_only = dir.path().join("header.bin");
        std::fs::write(&header_only, &bytes[..10]).expect("write");
        let err = Basemap::load(&header_only).expect_err("short header");
        assert!(matches!(err, BasemapError::Truncated { .. }), "{err}");

        let flipped = dir.path().join("flipped.bin");
        let mut damaged = bytes.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x55;
        std::fs::write(&flipped, &damaged).expect("write");
        let err = Basemap::load(&flipped).expect_err("corrupt");
        assert!(matches!(err, BasemapError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("flipped.bin"), "{err}");
        assert!(err.to_string().contains("checksum"), "{err}");

        let garbage = dir.path().join("garbage.bin");
        std::fs::write(&garbage, b"{\"type\": \"Topology\"}").expect("write");
        let err = Basemap::load(&garbage).expect_err("not a basemap");
        assert!(matches!(err, BasemapError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("garbage.bin"), "{err}");

        // A well-formed header over a body that does not parse.
        let inconsistent = dir.path().join("inconsistent.bin");
        let body = [0xffu8; 16];
        let mut file = MAGIC.to_vec();
        file.extend(FORMAT_VERSION.to_le_bytes());
        file.extend(crc32fast::hash(&body).to_le_bytes());
        file.extend((body.len() as u64).to_le_bytes());
        file.extend(body);
        std::fs::write(&inconsistent, &file).expect("write");
        let err = Basemap::load(&inconsistent).expect_err("inconsistent");
        assert!(matches!(err, BasemapError::Corrupt { .. }), "{err}");
    }
}
