//! What is at a project path, told before SQLite opens it: nothing, an empty file, or a
//! regular file that starts like a whole SQLite database. SQLite itself would block on a
//! named pipe, read a device forever, and only notice a truncated file when a query
//! reaches a missing page; these checks read 100 bytes instead.

use std::path::Path;

use super::error::ProjectError;
use crate::regular_file::{self, ReadError};

/// The first bytes of every SQLite 3 database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Length of the SQLite file header.
const HEADER_BYTES: usize = 100;

/// What is at a project path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Nothing: a project may be created there.
    Missing,
    /// An empty regular file (as a save dialog or `touch` leaves): a project may be
    /// created in it, nothing is lost.
    Empty,
    /// A regular file that starts with a SQLite header and is as long as it says.
    Sqlite,
}

/// Looks at the file at `path` without changing it; an error if it is not a regular
/// file, not SQLite, or shorter than its header says (truncated).
pub fn check(path: &Path) -> Result<FileState, ProjectError> {
    let (header, len) = match regular_file::read_start(path, HEADER_BYTES) {
        Ok(read) => read,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(FileState::Missing);
        }
        Err(ReadError::Io(source)) => {
            return Err(ProjectError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
        Err(ReadError::NotRegular(kind)) => {
            return Err(ProjectError::NotAFile {
                path: path.to_path_buf(),
                kind,
            });
        }
        // `read_start` reads a prefix, never the whole file, so it does not report this.
        Err(e @ ReadError::TooLarge(_)) => {
            return Err(ProjectError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            });
        }
    };
    if len == 0 && header.is_empty() {
        return Ok(FileState::Empty);
    }
    if !header.starts_with(MAGIC) {
        return Err(ProjectError::NotAProject {
            path: path.to_path_buf(),
            reason: "not a SQLite database".into(),
        });
    }
    if header.len() < HEADER_BYTES {
        return Err(ProjectError::damaged(
            path,
            format!("truncated: {len} bytes, shorter than a SQLite header"),
        ));
    }
    let be16 = |at: usize| u16::from_be_bytes([header[at], header[at + 1]]);
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size: u64 = match be16(16) {
        1 => 65536,
        n if (512..=32768).contains(&n) && n.is_power_of_two() => u64::from(n),
        n => {
            return Err(ProjectError::damaged(
                path,
                format!("its header gives an impossible page size ({n})"),
            ));
        }
    };
    // The page count at offset 28 is valid only when the change counter (24) equals the
    // "version valid for" number (92); a rollback journal or write-ahead log beside the
    // file means a transaction was interrupted and SQLite will finish it on opening, so
    // the file may legitimately differ from its header until then.
    let pages = u64::from(be32(28));
    let beside = |suffix: &str| {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        std::fs::metadata(name).is_ok_and(|m| m.len() > 0)
    };
    if be32(24) == be32(92)
        && pages > 0
        && len < pages * page_size
        && !beside("-journal")
        && !beside("-wal")
    {
        return Err(ProjectError::damaged(
            path,
            format!(
                "truncated: {len} bytes, where its header says {} bytes",
                pages * page_size
            ),
        ));
    }
    Ok(FileState::Sqlite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_missing_empty_foreign_and_truncated_files_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("p.gpkg");
        assert_eq!(check(&p).expect("missing"), FileState::Missing);
        std::fs::write(&p, b"").expect("write");
        assert_eq!(check(&p).expect("empty"), FileState::Empty);
        std::fs::write(&p, b"PK\x03\x04 a zip file").expect("write");
        assert!(matches!(check(&p), Err(ProjectError::NotAProject { .. })));
        std::fs::write(&p, b"SQLite format 3\0short").expect("write");
        let err = check(&p).expect_err("short header");
        assert!(err.to_string().contains("truncated"), "{err}");
        assert!(matches!(
            check(dir.path()),
            Err(ProjectError::NotAFile {
                kind: "a folder",
                ..
            })
        ));
        #[cfg(unix)]
        assert!(matches!(
            check(Path::new("/dev/null")),
            Err(ProjectError::NotAFile {
                kind: "a character device",
                ..
            })
        ));
    }
}
