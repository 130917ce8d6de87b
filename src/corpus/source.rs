//! Where documents come from: what a user asks to open (a file, a folder, pasted text)
//! and the article files a folder holds. New input formats are listed here.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::document::DocumentSource;
use super::formats::{Fields, Format};
use super::read::DocumentError;

/// Something to read and parse, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or a folder (every file below it in a format Gazette reads; see
    /// [`Format::of`]). A file named directly whose extension is not a known format is
    /// read as text.
    Path(PathBuf),
    /// [`Input::Path`], with the fields its dataset exports are read with.
    PathWith {
        /// The file or folder.
        path: PathBuf,
        /// The fields named by the user.
        fields: Fields,
    },
    /// A file (or one record of it) with the document name it had in a saved session.
    File {
        /// The file.
        path: PathBuf,
        /// Its document name.
        name: String,
        /// The record within the file, for a file that holds many documents.
        record: Option<String>,
        /// The fields it was read with.
        fields: Fields,
    },
    /// Text already in memory (pasted).
    Text {
        /// Document name.
        name: String,
        /// The text.
        text: String,
    },
}

impl From<DocumentSource> for Input {
    fn from(source: DocumentSource) -> Input {
        match source {
            DocumentSource::File {
                path,
                name,
                record,
                fields,
            } => Input::File {
                path,
                name,
                record,
                fields,
            },
            DocumentSource::Pasted { name, text } => Input::Text { name, text },
        }
    }
}

/// The article files a path stands for, and the subfolders that could not be read.
#[derive(Debug, Default)]
pub struct ArticleFiles {
    /// Each file with its name relative to the folder given (or its file name), its
    /// format, and whether its folder's listing gave it as a regular file (its entry's
    /// own type: false for a link, or for the path given itself), which reading need
    /// not ask again before opening it (see [`crate::regular_file::read_listed`]).
    pub files: Vec<(PathBuf, String, Format, bool)>,
    /// Subfolders that could not be listed; the files of the others are still returned.
    pub unreadable: Vec<DocumentError>,
    /// Files in a folder whose extension is not a format Gazette reads: how many, and
    /// their extensions (the first few, for the message).
    pub unknown: usize,
    /// Up to eight of the unknown files' extensions (`.md`, `.png`, or `no extension`).
    pub unknown_kinds: Vec<String>,
}

/// The article files a path stands for: the file itself (in the format its extension
/// names, text when it names none Gazette knows), or every file in a known format
/// below a folder (recursively, sorted by path so runs are reproducible), each with its
/// name relative to that folder (see [`document_name`]). Only an unreadable `path`
/// itself is an error; an unreadable subfolder is reported in
/// [`ArticleFiles::unreadable`] and the rest is still listed; other files are counted in
/// [`ArticleFiles::unknown`], for one message.
///
/// Nothing is opened here: entries are told apart by their type as listed, without
/// following symbolic links (so a link to a folder is not walked into). An entry with a
/// known extension that is not a regular file (a named pipe, a device, a link to one)
/// is still listed, so that reading refuses it with a message naming it, from its
/// metadata and without opening it.
pub fn article_files(path: &Path) -> Result<ArticleFiles, DocumentError> {
    let meta = std::fs::metadata(path).map_err(|source| DocumentError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        let name = document_name(path.file_name().unwrap_or(path.as_os_str()));
        let format = Format::of(path).unwrap_or(Format::Text);
        return Ok(ArticleFiles {
            files: vec![(path.to_path_buf(), name, format, false)],
            ..ArticleFiles::default()
        });
    }
    let mut out = ArticleFiles::default();
    walk_folder(path, &mut |found| match found {
        Found::File {
            path: p,
            format,
            regular,
            ..
        } => {
            let name = name_of_encoded(relative(&p, path));
            out.files.push((p, name, format, regular));
        }
        Found::Other(p) => {
            out.unknown += 1;
            let kind = p.extension().map_or_else(
                || "no extension".to_string(),
                |e| format!(".{}", e.to_string_lossy().to_lowercase()),
            );
            if out.unknown_kinds.len() < 8 && !out.unknown_kinds.contains(&kind) {
                out.unknown_kinds.push(kind);
            }
        }
        Found::Unreadable(e) => out.unreadable.push(e),
    })?;
    sort_by_path(&mut out.files);
    Ok(out)
}

/// The article files [`article_files`] lists for `path` (in no particular order), each
/// with the number of the inode its folder's listing gave it when that entry is a
/// regular file (not for a link, nor for the path given itself; never off Unix): what a
/// search for one particular file among them needs
/// ([`crate::output_file::find_same_listed`]), without their names or a sort, and
/// without examining each file. Subfolders that cannot be listed are left out, as
/// their files are by the load.
pub fn article_file_inodes(path: &Path) -> Result<Vec<(PathBuf, Option<u64>)>, DocumentError> {
    let meta = std::fs::metadata(path).map_err(|source| DocumentError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok(vec![(path.to_path_buf(), None)]);
    }
    let mut out = Vec::new();
    walk_folder(path, &mut |found| {
        if let Found::File {
            path,
            entry,
            regular,
            ..
        } = found
        {
            out.push((path, regular.then(|| inode_of(entry)).flatten()));
        }
    })?;
    Ok(out)
}

/// The inode number a folder's listing gave `entry` (none off Unix).
fn inode_of(entry: &std::fs::DirEntry) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirEntryExt;
        Some(entry.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = entry;
        None
    }
}

/// What [`walk_folder`] finds below a folder.
enum Found<'e> {
    /// An entry whose extension names a format Gazette reads, with its listing entry
    /// and whether that listed it as a regular file.
    File {
        path: PathBuf,
        format: Format,
        entry: &'e std::fs::DirEntry,
        regular: bool,
    },
    /// An entry in no format Gazette reads.
    Other(PathBuf),
    /// A subfolder that could not be listed.
    Unreadable(DocumentError),
}

/// Walks the folder `root` recursively as [`article_files`] describes (entries told
/// apart by their listed type, links not followed), telling `found` of each entry that
/// is not a folder and of each subfolder that cannot be listed. Only an unreadable
/// `root` itself is an error. The load's listing and the check that the output is not
/// one of the inputs both walk with it, so both see the same files.
fn walk_folder(root: &Path, found: &mut dyn FnMut(Found<'_>)) -> Result<(), DocumentError> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(source) if dir == root => {
                return Err(DocumentError::Io { path: dir, source });
            }
            Err(source) => {
                found(Found::Unreadable(DocumentError::Io { path: dir, source }));
                continue;
            }
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let file_type = entry.file_type().ok();
            if file_type.is_some_and(|t| t.is_dir()) {
                stack.push(p);
            } else if let Some(format) = Format::of_name(&entry.file_name()) {
                found(Found::File {
                    path: p,
                    format,
                    entry: &entry,
                    regular: file_type.is_some_and(|t| t.is_file()),
                });
            } else {
                found(Found::Other(p));
            }
        }
    }
    Ok(())
}

/// `p`, a path listed below `root`, relative to `root`: the bytes after `root`'s and a
/// separator, as `p` was made by joining names to `root`; else (not expected) by
/// [`Path::strip_prefix`], which compares component by component, a few hundred
/// instructions a file.
fn relative<'p>(p: &'p Path, root: &Path) -> &'p [u8] {
    let separator = std::path::MAIN_SEPARATOR_STR.as_bytes();
    let after_root = p
        .as_os_str()
        .as_encoded_bytes()
        .strip_prefix(root.as_os_str().as_encoded_bytes())
        .map(|rest| rest.strip_prefix(separator).unwrap_or(rest));
    match after_root {
        Some(rest) if !rest.is_empty() && !rest.starts_with(separator) => rest,
        _ => p
            .strip_prefix(root)
            .unwrap_or(p)
            .as_os_str()
            .as_encoded_bytes(),
    }
}

/// Sorts listed files in [`Path`]'s order (component by component), which compares
/// slowly; on Unix, by the path's bytes with each separator made the lowest byte, which
/// is the same order for paths listed below one folder (one prefix, then names joined by
/// single separators; a name holds neither a separator nor a zero byte), compared as
/// plain bytes.
fn sort_by_path(files: &mut [(PathBuf, String, Format, bool)]) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        files.sort_by_cached_key(|(p, ..)| {
            let mut key = p.as_os_str().as_bytes().to_vec();
            for b in &mut key {
                if *b == b'/' {
                    *b = 0;
                }
            }
            key
        });
    }
    #[cfg(not(unix))]
    files.sort_by(|a, b| a.0.cmp(&b.0));
}

/// A file's document name from its (relative) path, distinct for distinct paths: a path
/// that is valid UTF-8 and has no `%` is its own name; otherwise each byte that is not
/// part of valid UTF-8 is written `%XX` (two upper-case hex digits) and each `%` is
/// written `%25`, so `caf\xE9.txt` is `caf%E9.txt`, `caf\xFF.txt` is `caf%FF.txt` and a
/// file really named `caf%E9.txt` is `caf%25E9.txt`. (Replacing bad bytes with U+FFFD,
/// as a lossy conversion does, would give all three the same name.) The bytes are the
/// path's own on Unix; on Windows, the WTF-8 form the standard library gives, in which
/// an unpaired surrogate is an invalid sequence.
pub fn document_name(path: &OsStr) -> String {
    name_of_encoded(path.as_encoded_bytes())
}

/// [`document_name`] of a path's encoded bytes ([`OsStr::as_encoded_bytes`]).
fn name_of_encoded(bytes: &[u8]) -> String {
    if let Ok(name) = std::str::from_utf8(bytes)
        && !name.contains('%')
    {
        return name.to_string();
    }
    let mut name = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for part in chunk.valid().split_inclusive('%') {
            match part.strip_suffix('%') {
                Some(before) => {
                    name.push_str(before);
                    name.push_str("%25");
                }
                None => name.push_str(part),
            }
        }
        for byte in chunk.invalid() {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_files_sort_in_path_order() {
        let names = [
            "a/b", "a-b", "a.b", "a b", "ab/c", "a/b/c", "a/b-c", "a/b/c-d", "Z", "é/x", "e/x",
            "a0", "a/a", "b", "a/b c/d",
        ];
        for root in ["/tmp/in", "rel/in/", "x"] {
            let mut files: Vec<_> = names
                .iter()
                .map(|n| (Path::new(root).join(n), n.to_string(), Format::Text, true))
                .collect();
            let mut by_path = files.clone();
            by_path.sort();
            sort_by_path(&mut files);
            assert_eq!(files, by_path, "below {root}");
        }
    }

    #[test]
    fn relative_paths_are_what_strip_prefix_gives() {
        for root in ["/tmp/in", "rel/in/", "x", "./x", "x/./y", "x/.", "/", "."] {
            for name in ["a.txt", "sub/a.txt", "é/%.txt"] {
                let p = Path::new(root).join(name);
                let expected = p.strip_prefix(root).expect("below root").as_os_str();
                assert_eq!(
                    relative(&p, Path::new(root)),
                    expected.as_encoded_bytes(),
                    "{root} {name}"
                );
            }
        }
    }

    #[test]
    fn reads_folders_recursively_and_names_relative() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("b.txt"), "B").expect("w");
        std::fs::write(dir.path().join("sub").join("a.txt"), "A").expect("w");
        std::fs::write(dir.path().join("page.HTML"), "P").expect("w");
        std::fs::write(dir.path().join("notes.md"), "M").expect("w");
        std::fs::write(dir.path().join("picture.png"), "I").expect("w");
        std::fs::write(dir.path().join("README"), "R").expect("w");
        let listed = article_files(dir.path()).expect("list");
        assert!(listed.unreadable.is_empty());
        let names: Vec<(&str, Format)> = listed
            .files
            .iter()
            .map(|(_, n, f, _)| (n.as_str(), *f))
            .collect();
        assert_eq!(
            names,
            vec![
                ("b.txt", Format::Text),
                ("page.HTML", Format::Html),
                ("sub/a.txt", Format::Text)
            ]
        );
        assert_eq!(listed.unknown, 3);
        let mut kinds = listed.unknown_kinds.clone();
        kinds.sort();
        assert_eq!(kinds, [".md", ".png", "no extension"]);
        let err = article_files(&dir.path().join("nope")).expect_err("missing");
        assert!(err.to_string().contains("nope"));
    }

    #[test]
    fn document_names_escape_what_is_not_utf8_and_stay_distinct() {
        // On Unix a name is any bytes; elsewhere the cases that are not UTF-8 do not apply.
        #[cfg(unix)]
        let os = |bytes: &[u8]| -> std::ffi::OsString {
            use std::os::unix::ffi::OsStrExt;
            OsStr::from_bytes(bytes).to_os_string()
        };
        #[cfg(not(unix))]
        let os = |bytes: &[u8]| -> std::ffi::OsString {
            String::from_utf8_lossy(bytes).into_owned().into()
        };
        let cases: &[(&[u8], &str)] = &[
            (b"a.txt", "a.txt"),
            ("sub/Ségou.txt".as_bytes(), "sub/Ségou.txt"),
            (b"50%.txt", "50%25.txt"),
            (b"caf%E9.txt", "caf%25E9.txt"),
            (b"%%", "%25%25"),
            (b"", ""),
            #[cfg(unix)]
            (b"caf\xE9.txt", "caf%E9.txt"),
            #[cfg(unix)]
            (b"caf\xFF.txt", "caf%FF.txt"),
            #[cfg(unix)]
            (b"d\xE9j\xE0/%\xC3.txt", "d%E9j%E0/%25%C3.txt"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(document_name(&os(bytes)), *expected, "{bytes:?}");
        }
        let names: std::collections::HashSet<String> =
            cases.iter().map(|(b, _)| document_name(&os(b))).collect();
        assert_eq!(names.len(), cases.len(), "distinct paths, distinct names");
    }
}
