//! The session file: what the app saves between runs ([`Session`]: the documents,
//! pasted texts, corrections, filter), as JSON in a file of its own, written atomically.
//!
//! The file holds `{"format_version": 1, "session": {…}}`. A file that cannot be used
//! (truncated, garbage, wrong types, a newer format, not a regular file, too large) is
//! never written over: [`SessionFile::load`] renames it aside to
//! `session.unreadable-<unix seconds>.json` (never over an existing file) and says why,
//! and only then may the app save to the normal path again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::regular_file::ReadError;

use serde::{Deserialize, Serialize};

use super::state::Session;

/// The session format this version writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The session file's name in the app's data folder.
pub const FILE_NAME: &str = "session.json";

/// The largest session file read (pasted texts are kept whole in it); a larger one is
/// treated as unreadable, and a larger session is not written.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Why a session file cannot be read, written or moved aside. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum SessionFileError {
    /// Reading failed.
    #[error("{}: cannot be read: {source}", path.display())]
    Read {
        /// The session file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Something other than a regular file (a folder, a pipe, a device) is at the path.
    #[error("{}: is not a regular file", path.display())]
    NotAFile {
        /// The session file.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_BYTES`].
    #[error("{}: is larger than {limit} bytes", path.display())]
    TooLarge {
        /// The session file.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// The file is not a session this version can decode (truncated, garbage, wrong types).
    #[error("{}: cannot be decoded ({source})", path.display())]
    Decode {
        /// The session file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// The file was written by a newer version of Gazette.
    #[error(
        "{}: was written by a newer version of Gazette (session format {found}; this version reads up to {FORMAT_VERSION})",
        path.display()
    )]
    Newer {
        /// The session file.
        path: PathBuf,
        /// The format version found in it.
        found: u64,
    },
    /// The session could not be encoded.
    #[error("{}: the session cannot be encoded ({source})", path.display())]
    Encode {
        /// The session file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// Writing failed; an existing file is left as it was.
    #[error("{}: cannot be written: {source}", path.display())]
    Write {
        /// The session file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Moving an unreadable file aside failed.
    #[error("{} could not be moved aside to {}: {source}", path.display(), aside.display())]
    MoveAside {
        /// The session file.
        path: PathBuf,
        /// Where it was to go.
        aside: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

/// What [`SessionFile::load`] found.
#[derive(Debug)]
pub enum Loaded {
    /// No session file: start on the samples.
    Missing,
    /// The saved session.
    Restored(Box<Session>),
    /// The file could not be used and was renamed to `aside`; the normal path is free,
    /// so saving may go on.
    MovedAside {
        /// Why it could not be used.
        problem: SessionFileError,
        /// Where the file is now.
        aside: PathBuf,
    },
    /// The file could not be used and could not be moved aside either: it is still at
    /// the normal path, which must not be written this run.
    Stuck {
        /// Why it could not be used.
        problem: SessionFileError,
        /// Why it could not be moved.
        move_error: SessionFileError,
    },
}

/// The session file at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFile {
    path: PathBuf,
}

/// The file's contents, as written.
#[derive(Serialize)]
struct ContentsRef<'a> {
    format_version: u32,
    session: &'a Session,
}

/// The file's contents, as read (after the version was checked).
#[derive(Deserialize)]
struct Contents {
    session: Session,
}

/// The version alone, read first so that a newer file is reported as such even if its
/// session no longer decodes here.
#[derive(Deserialize)]
struct Header {
    format_version: u64,
}

impl SessionFile {
    /// The session file at `path` (tests, or a chosen location).
    pub fn at(path: impl Into<PathBuf>) -> SessionFile {
        SessionFile { path: path.into() }
    }

    /// `session.json` in the folder where eframe keeps the app's data for `app_id`
    /// (`~/.local/share/gazette/` on Linux, `~/Library/Application Support/gazette/` on
    /// macOS, `%APPDATA%\gazette\data\` on Windows); `None` if the system has none
    /// (no home folder).
    pub fn in_data_folder(app_id: &str) -> Option<SessionFile> {
        eframe::storage_dir(app_id).map(|dir| SessionFile::at(dir.join(FILE_NAME)))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the session: `Ok(None)` if there is no file.
    pub fn read(&self) -> Result<Option<Session>, SessionFileError> {
        self.read_limited(MAX_BYTES)
    }

    fn read_limited(&self, limit: u64) -> Result<Option<Session>, SessionFileError> {
        let path = || self.path.clone();
        let read_error = |source| SessionFileError::Read {
            path: path(),
            source,
        };
        // One reader of outside files for the whole program: regular files only (a
        // pipe at the path cannot block), at most `limit` bytes whatever the size says.
        let bytes = match crate::regular_file::read(&self.path, limit) {
            Ok(bytes) => bytes,
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(ReadError::Io(e)) => return Err(read_error(e)),
            Err(ReadError::NotRegular(_)) => {
                return Err(SessionFileError::NotAFile { path: path() });
            }
            Err(ReadError::TooLarge(_)) => {
                return Err(SessionFileError::TooLarge {
                    path: path(),
                    limit,
                });
            }
        };
        decode(&self.path, &bytes).map(Some)
    }

    /// Reads the session; if the file is there but cannot be used, renames it aside
    /// (named with `unix_seconds`, the time now) so that nothing is saved over it.
    pub fn load(&self, unix_seconds: u64) -> Loaded {
        match self.read() {
            Ok(None) => Loaded::Missing,
            Ok(Some(session)) => Loaded::Restored(Box::new(session)),
            Err(problem) => match self.move_aside(unix_seconds) {
                Ok(aside) => Loaded::MovedAside { problem, aside },
                Err(move_error) => Loaded::Stuck {
                    problem,
                    move_error,
                },
            },
        }
    }

    /// Writes the session atomically (a failure leaves an existing file as it was),
    /// creating the folder if needed.
    pub fn save(&self, session: &Session) -> Result<(), SessionFileError> {
        let bytes = encode(session).map_err(|source| SessionFileError::Encode {
            path: self.path.clone(),
            source,
        })?;
        let write_error = |source| SessionFileError::Write {
            path: self.path.clone(),
            source,
        };
        if bytes.len() as u64 > MAX_BYTES {
            return Err(write_error(io::Error::other(format!(
                "the session is larger than {MAX_BYTES} bytes (pasted texts are kept whole \
                 in it); open large texts as files instead"
            ))));
        }
        if let Some(dir) = self.path.parent()
            && !dir.as_os_str().is_empty()
        {
            fs::create_dir_all(dir).map_err(write_error)?;
        }
        crate::atomic_write(&self.path, &bytes).map_err(write_error)
    }

    /// Renames the file to `<stem>.unreadable-<unix_seconds>.<ext>` in its folder, or
    /// `…-<unix_seconds>-<n>.<ext>` if that name is taken: an existing file is never
    /// replaced. Returns the new path.
    pub fn move_aside(&self, unix_seconds: u64) -> Result<PathBuf, SessionFileError> {
        let ext = self.extension();
        self.first_free_aside(unix_seconds, &ext, |aside| {
            rename_no_clobber(&self.path, aside)
        })
    }

    /// Writes `bytes` to a new aside file named as by [`SessionFile::move_aside`] with the
    /// extension `ext` (never over an existing file): keeps a session that was stored
    /// elsewhere and could not be read. Returns its path.
    pub fn keep_aside(
        &self,
        bytes: &[u8],
        unix_seconds: u64,
        ext: &str,
    ) -> Result<PathBuf, SessionFileError> {
        self.first_free_aside(unix_seconds, ext, |aside| {
            use std::io::Write;
            if let Some(dir) = aside.parent() {
                fs::create_dir_all(dir)?;
            }
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(aside)?;
            let written = f.write_all(bytes).and_then(|()| f.sync_all());
            if written.is_err() {
                let _ = fs::remove_file(aside);
            }
            written
        })
    }

    /// Tries `put` on each aside name in turn until one is free.
    fn first_free_aside(
        &self,
        unix_seconds: u64,
        ext: &str,
        mut put: impl FnMut(&Path) -> io::Result<()>,
    ) -> Result<PathBuf, SessionFileError> {
        const TRIES: u32 = 1000;
        let mut last = self.aside_path(unix_seconds, 0, ext);
        for n in 0..TRIES {
            last = self.aside_path(unix_seconds, n, ext);
            match put(&last) {
                Ok(()) => return Ok(last),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(source) => {
                    return Err(SessionFileError::MoveAside {
                        path: self.path.clone(),
                        aside: last,
                        source,
                    });
                }
            }
        }
        Err(SessionFileError::MoveAside {
            path: self.path.clone(),
            aside: last,
            source: io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{TRIES} aside names are taken"),
            ),
        })
    }

    fn extension(&self) -> String {
        self.path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_else(|| "json".into())
    }

    fn aside_path(&self, unix_seconds: u64, n: u32, ext: &str) -> PathBuf {
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "session".into());
        let name = if n == 0 {
            format!("{stem}.unreadable-{unix_seconds}.{ext}")
        } else {
            format!("{stem}.unreadable-{unix_seconds}-{n}.{ext}")
        };
        self.path.with_file_name(name)
    }
}

/// The session as the file's bytes.
fn encode(session: &Session) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(&ContentsRef {
        format_version: FORMAT_VERSION,
        session,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The session in the file's bytes.
fn decode(path: &Path, bytes: &[u8]) -> Result<Session, SessionFileError> {
    let decode_error = |source| SessionFileError::Decode {
        path: path.to_path_buf(),
        source,
    };
    let header: Header = serde_json::from_slice(bytes).map_err(decode_error)?;
    if header.format_version > u64::from(FORMAT_VERSION) {
        return Err(SessionFileError::Newer {
            path: path.to_path_buf(),
            found: header.format_version,
        });
    }
    let contents: Contents = serde_json::from_slice(bytes).map_err(decode_error)?;
    Ok(contents.session)
}

/// Renames `from` to `to` unless `to` exists (then fails with `AlreadyExists`). A hard
/// link makes the check and the new name one step; where links are not supported, the
/// check and the rename are two.
fn rename_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => fs::remove_file(from).inspect_err(|_| {
            let _ = fs::remove_file(to);
        }),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if fs::symlink_metadata(to).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists", to.display()),
                ));
            }
            fs::rename(from, to)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Correction, CorrectionAction, DocumentSource};

    fn session() -> Session {
        let mut s = Session {
            sources: vec![
                DocumentSource::file("/news/a.txt", "a.txt"),
                DocumentSource::File {
                    path: PathBuf::from("/news/export.csv"),
                    name: "export.csv#line 3".into(),
                    record: Some("line 3".into()),
                    fields: crate::corpus::Fields {
                        text: Some("story".into()),
                        ..Default::default()
                    },
                },
                DocumentSource::Pasted {
                    name: "Pasted text".into(),
                    text: "Floods in Niamey, \"Niger\" — ñ 🌍\n".into(),
                },
            ],
            selected: Some("gn:2440485".into()),
            online_tiles: true,
            ..Session::default()
        };
        s.corrections.set(Correction {
            document: "Pasted text".into(),
            start: 10,
            end: 16,
            action: CorrectionAction::NotAPlace,
        });
        s.filter.show_demonyms = true;
        s
    }

    #[test]
    fn round_trip_and_missing_folder_is_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SessionFile::at(dir.path().join("new").join(FILE_NAME));
        assert!(matches!(file.read(), Ok(None)), "no file yet");
        assert!(matches!(file.load(1), Loaded::Missing));
        file.save(&session()).expect("save");
        assert_eq!(file.read().expect("read"), Some(session()));
        let text = fs::read_to_string(file.path()).expect("text");
        assert!(text.contains("\"format_version\": 1"), "{text}");
        // Saved again over itself; no temporary file is left.
        let mut changed = session();
        changed.online_tiles = false;
        file.save(&changed).expect("save again");
        assert!(matches!(file.load(1), Loaded::Restored(s) if *s == changed));
        let names: Vec<_> = fs::read_dir(dir.path().join("new"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![FILE_NAME]);
    }

    #[test]
    fn an_older_format_with_missing_fields_still_loads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SessionFile::at(dir.path().join(FILE_NAME));
        fs::write(
            file.path(),
            r#"{"format_version": 1, "session": {"filter": {"show_demonyms": true}, "x": 1}}"#,
        )
        .expect("write");
        let s = file.read().expect("read").expect("session");
        assert!(s.filter.show_demonyms && s.sources.is_empty());
    }

    /// Each unreadable file is reported with the right reason, renamed aside unchanged,
    /// and the normal path is then free.
    #[test]
    fn unreadable_files_are_moved_aside_unchanged() {
        let mut good = Vec::new();
        good.extend(encode(&session()).expect("encode"));
        let truncated = good[..good.len() / 2].to_vec();
        type Check = fn(&SessionFileError) -> bool;
        let cases: Vec<(&str, Vec<u8>, Check)> = vec![
            ("truncated", truncated, |e| {
                matches!(e, SessionFileError::Decode { .. })
            }),
            ("empty", Vec::new(), |e| {
                matches!(e, SessionFileError::Decode { .. })
            }),
            (
                "garbage",
                b"\x89PNG\r\n\x1a\n\0\0garbage\xff\xfe".to_vec(),
                |e| matches!(e, SessionFileError::Decode { .. }),
            ),
            (
                "newer version",
                br#"{"format_version": 2, "session": {"sources": "a new shape"}}"#.to_vec(),
                |e| matches!(e, SessionFileError::Newer { found: 2, .. }),
            ),
            (
                "wrong types",
                br#"{"format_version": 1, "session": {"sources": 5}}"#.to_vec(),
                |e| matches!(e, SessionFileError::Decode { .. }),
            ),
            ("no version", br#"{"session": {}}"#.to_vec(), |e| {
                matches!(e, SessionFileError::Decode { .. })
            }),
            ("no session", br#"{"format_version": 1}"#.to_vec(), |e| {
                matches!(e, SessionFileError::Decode { .. })
            }),
            (
                "eframe's RON",
                br#"(sources: [], online_tiles: false)"#.to_vec(),
                |e| matches!(e, SessionFileError::Decode { .. }),
            ),
            ("deep nesting", "[".repeat(100_000).into_bytes(), |e| {
                matches!(e, SessionFileError::Decode { .. })
            }),
        ];
        for (what, bytes, check) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = SessionFile::at(dir.path().join(FILE_NAME));
            fs::write(file.path(), &bytes).expect("write");
            let err = file.read().expect_err(what);
            assert!(check(&err), "{what}: {err}");
            assert!(err.to_string().contains(FILE_NAME), "{what}: {err}");
            match file.load(1_700_000_000) {
                Loaded::MovedAside { problem, aside } => {
                    assert!(check(&problem), "{what}: {problem}");
                    assert_eq!(
                        aside,
                        dir.path().join("session.unreadable-1700000000.json"),
                        "{what}"
                    );
                    assert_eq!(fs::read(&aside).expect("aside"), bytes, "{what}");
                }
                other => panic!("{what}: {other:?}"),
            }
            assert!(!file.path().exists(), "{what}: the path is free");
            file.save(&session()).expect("save");
            assert_eq!(file.read().expect("read"), Some(session()), "{what}");
        }
    }

    #[test]
    fn a_file_over_the_size_limit_is_unreadable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SessionFile::at(dir.path().join(FILE_NAME));
        file.save(&session()).expect("save");
        let size = fs::metadata(file.path()).expect("meta").len();
        assert!(file.read_limited(size).expect("at the limit").is_some());
        let err = file.read_limited(size - 1).expect_err("over the limit");
        assert!(matches!(err, SessionFileError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn a_folder_at_the_path_is_not_a_file_and_is_moved_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SessionFile::at(dir.path().join(FILE_NAME));
        fs::create_dir(file.path()).expect("mkdir");
        fs::write(file.path().join("inside"), "kept").expect("write");
        let err = file.read().expect_err("a folder");
        assert!(matches!(err, SessionFileError::NotAFile { .. }), "{err}");
        let Loaded::MovedAside { aside, .. } = file.load(5) else {
            panic!("moved aside");
        };
        assert_eq!(
            fs::read_to_string(aside.join("inside")).expect("kept"),
            "kept"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_at_the_path_does_not_hang() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SessionFile::at(dir.path().join(FILE_NAME));
        let made = std::process::Command::new("mkfifo")
            .arg(file.path())
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: a_pipe_at_the_path_does_not_hang: mkfifo is not available");
            return;
        }
        let err = file.read().expect_err("a pipe");
        assert!(matches!(err, SessionFileError::NotAFile { .. }), "{err}");
    }

    #[test]
    fn an_aside_name_in_use_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SessionFile::at(dir.path().join(FILE_NAME));
        let taken = [
            dir.path().join("session.unreadable-42.json"),
            dir.path().join("session.unreadable-42-1.json"),
        ];
        for (i, t) in taken.iter().enumerate() {
            fs::write(t, format!("precious {i}")).expect("write");
        }
        fs::write(file.path(), "garbage 1").expect("write");
        let Loaded::MovedAside { aside, .. } = file.load(42) else {
            panic!("moved aside");
        };
        assert_eq!(aside, dir.path().join("session.unreadable-42-2.json"));
        assert_eq!(fs::read_to_string(&aside).expect("aside"), "garbage 1");
        for (i, t) in taken.iter().enumerate() {
            assert_eq!(
                fs::read_to_string(t).expect("taken"),
                format!("precious {i}")
            );
        }
        // Text kept from elsewhere gets a name of its own too.
        let kept = file.keep_aside(b"(ron)", 42, "ron").expect("keep");
        assert_eq!(kept, dir.path().join("session.unreadable-42.ron"));
        let again = file.keep_aside(b"(ron 2)", 42, "ron").expect("keep");
        assert_eq!(again, dir.path().join("session.unreadable-42-1.ron"));
        assert_eq!(fs::read(&kept).expect("kept"), b"(ron)");
    }

    #[test]
    fn an_unwritable_place_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The folder is a file: nothing can be created under it, even as root.
        let blocker = dir.path().join("blocker");
        fs::write(&blocker, "a file").expect("write");
        let file = SessionFile::at(blocker.join(FILE_NAME));
        let err = file.save(&session()).expect_err("cannot write");
        assert!(matches!(err, SessionFileError::Write { .. }), "{err}");
        assert!(err.to_string().contains("blocker"), "{err}");
        assert_eq!(fs::read_to_string(&blocker).expect("read"), "a file");
        assert!(matches!(file.read(), Err(SessionFileError::Read { .. })));
        // What cannot be read there cannot be moved aside either: it stays as it is.
        assert!(matches!(
            file.load(1),
            Loaded::Stuck {
                problem: SessionFileError::Read { .. },
                move_error: SessionFileError::MoveAside { .. },
            }
        ));
        // A path that is a folder: the write fails and the folder is untouched.
        let folder = SessionFile::at(dir.path());
        assert!(folder.save(&session()).is_err());
        assert!(dir.path().join("blocker").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_keeps_the_unreadable_file_in_place() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("ro");
        fs::create_dir(&folder).expect("mkdir");
        let file = SessionFile::at(folder.join(FILE_NAME));
        fs::write(file.path(), "garbage").expect("write");
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).expect("chmod");
        let probe = folder.join("probe");
        if fs::write(&probe, "x").is_ok() {
            let _ = fs::remove_file(&probe);
            let _ = fs::set_permissions(&folder, fs::Permissions::from_mode(0o755));
            eprintln!(
                "skipped: a_read_only_folder_keeps_the_unreadable_file_in_place: \
                 permissions are not enforced (running as root)"
            );
            return;
        }
        let loaded = file.load(7);
        let save = file.save(&session());
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).expect("chmod back");
        match loaded {
            Loaded::Stuck {
                problem,
                move_error,
            } => {
                assert!(matches!(problem, SessionFileError::Decode { .. }));
                assert!(matches!(move_error, SessionFileError::MoveAside { .. }));
            }
            other => panic!("{other:?}"),
        }
        assert!(save.is_err());
        assert_eq!(fs::read_to_string(file.path()).expect("kept"), "garbage");
    }
}
