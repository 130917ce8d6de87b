//! Where documents come from: what a user asks to open (a file, a folder, pasted text)
//! and the article files a folder holds. New input formats are listed here.

use std::path::{Path, PathBuf};

use super::document::DocumentSource;
use super::read::DocumentError;

/// Something to read and parse, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file (read whatever its extension) or a folder (every `.txt` file below it).
    Path(PathBuf),
    /// A file with the document name it had in a saved session.
    File {
        /// The file.
        path: PathBuf,
        /// Its document name.
        name: String,
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
            DocumentSource::File { path, name } => Input::File { path, name },
            DocumentSource::Pasted { name, text } => Input::Text { name, text },
        }
    }
}

/// The article files a path stands for, and the subfolders that could not be read.
#[derive(Debug, Default)]
pub struct ArticleFiles {
    /// Each file with its name relative to the folder given (or its file name).
    pub files: Vec<(PathBuf, String)>,
    /// Subfolders that could not be listed; the files of the others are still returned.
    pub unreadable: Vec<DocumentError>,
}

/// The article files a path stands for: the file itself, or every `.txt` file below a
/// folder (recursively, sorted by path so runs are reproducible), each with its name
/// relative to that folder. Only an unreadable `path` itself is an error; an unreadable
/// subfolder is reported in [`ArticleFiles::unreadable`] and the rest is still listed.
pub fn article_files(path: &Path) -> Result<ArticleFiles, DocumentError> {
    let meta = std::fs::metadata(path).map_err(|source| DocumentError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        return Ok(ArticleFiles {
            files: vec![(path.to_path_buf(), name)],
            unreadable: Vec::new(),
        });
    }
    let mut out = ArticleFiles::default();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(source) if dir == path => {
                return Err(DocumentError::Io { path: dir, source });
            }
            Err(source) => {
                out.unreadable.push(DocumentError::Io { path: dir, source });
                continue;
            }
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
                let name = p
                    .strip_prefix(path)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .into_owned();
                out.files.push((p, name));
            }
        }
    }
    out.files.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_folders_recursively_and_names_relative() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("b.txt"), "B").expect("w");
        std::fs::write(dir.path().join("sub").join("a.txt"), "A").expect("w");
        std::fs::write(dir.path().join("skip.pdf"), "P").expect("w");
        let listed = article_files(dir.path()).expect("list");
        assert!(listed.unreadable.is_empty());
        let names: Vec<&str> = listed.files.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, vec!["b.txt", "sub/a.txt"]);
        let err = article_files(&dir.path().join("nope")).expect_err("missing");
        assert!(err.to_string().contains("nope"));
    }
}
