//! Reading one article file from disk into UTF-8 text, whatever its encoding.
//!
//! News files arrive as UTF-8, UTF-16 with a byte-order mark, or Windows-1252 from older
//! systems. Each is decoded (with a warning when it was not UTF-8); files with NUL bytes
//! are binary and skipped; nothing here panics on any input.

use std::path::{Path, PathBuf};

use super::document::Document;

/// Largest file Gazette reads as one article (64 MiB). Bigger files are almost
/// certainly not articles, and reading them whole would stall the app.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file was not read as a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file has NUL bytes: not text.
    #[error("{path} looks like a binary file (it contains NUL bytes); skipped")]
    Binary {
        /// The path.
        path: PathBuf,
    },
    /// A folder (or the path given) holds no article files.
    #[error("{path}: no .txt files found")]
    NoArticles {
        /// The folder.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("{path} is {size} bytes, larger than the {max} byte limit for one article; skipped")]
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
}

impl DocumentError {
    /// True if an input could not be read at all (an I/O error), as opposed to being
    /// read and found not to be an article (binary, too large, no article files). The
    /// command line exits 1 for the first kind only.
    pub fn is_read_failure(&self) -> bool {
        matches!(self, DocumentError::Io { .. })
    }
}

/// How a file's bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Valid UTF-8 (a BOM, if any, removed).
    Utf8,
    /// UTF-16 little- or big-endian, from its byte-order mark.
    Utf16,
    /// Not valid UTF-8: decoded as Windows-1252.
    Windows1252,
}

/// Decodes file bytes to text. Returns `None` for binary data (NUL bytes outside a
/// UTF-16 file).
pub fn decode(bytes: &[u8]) -> Option<(String, Encoding)> {
    let mut bytes = bytes;
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
            return Some((text.into_owned(), Encoding::Utf16));
        }
        // A UTF-8 BOM: drop it and check the rest like any other file.
        bytes = &bytes[bom_len..];
    }
    if memchr::memchr(0, bytes).is_some() {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some((s.to_string(), Encoding::Utf8)),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Some((text.into_owned(), Encoding::Windows1252))
        }
    }
}

/// A document read from disk, with a warning if its encoding was guessed.
#[derive(Debug, Clone)]
pub struct LoadedDocument {
    /// The document.
    pub document: Document,
    /// Set when the file was not UTF-8 and had to be decoded otherwise.
    pub warning: Option<String>,
}

impl Document {
    /// Reads one file as a document named `name`.
    pub fn read(path: &Path, name: String) -> Result<LoadedDocument, DocumentError> {
        let io = |source| DocumentError::Io {
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_DOCUMENT_BYTES {
            return Err(DocumentError::TooLarge {
                path: path.to_path_buf(),
                size,
                max: MAX_DOCUMENT_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let (text, encoding) = decode(&bytes).ok_or_else(|| DocumentError::Binary {
            path: path.to_path_buf(),
        })?;
        let warning = match encoding {
            Encoding::Utf8 => None,
            Encoding::Utf16 => Some(format!(
                "{}: decoded as UTF-16 (byte-order mark)",
                path.display()
            )),
            Encoding::Windows1252 => Some(format!(
                "{}: not valid UTF-8, decoded as Windows-1252",
                path.display()
            )),
        };
        Ok(LoadedDocument {
            document: Document {
                name,
                path: Some(path.to_path_buf()),
                text,
            },
            warning,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_utf16_and_1252() {
        assert_eq!(decode(b"Niamey").map(|d| d.1), Some(Encoding::Utf8));
        let (t, e) = decode(b"\xEF\xBB\xBFNiamey").expect("bom");
        assert_eq!((t.as_str(), e), ("Niamey", Encoding::Utf8));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Ségou".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let (t, e) = decode(&utf16).expect("utf16");
        assert_eq!((t.as_str(), e), ("Ségou", Encoding::Utf16));
        let (t, e) = decode(b"S\xE9gou \x93quoted\x94").expect("1252");
        assert_eq!((t.as_str(), e), ("Ségou “quoted”", Encoding::Windows1252));
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"PK\x03\x04\x00\x00binary").is_none());
        // A UTF-8 BOM does not exempt a file from the checks.
        assert!(decode(b"\xEF\xBB\xBFbin\x00ary").is_none());
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xE9").map(|d| d.1),
            Some(Encoding::Windows1252)
        );
    }

    #[test]
    fn read_reports_binary_and_warns_on_1252() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("x.txt");
        std::fs::write(&bin, b"\x00\x01\x02").expect("w");
        assert!(matches!(
            Document::read(&bin, "x.txt".into()),
            Err(DocumentError::Binary { .. })
        ));
        let latin = dir.path().join("l.txt");
        std::fs::write(&latin, b"caf\xE9").expect("w");
        let loaded = Document::read(&latin, "l.txt".into()).expect("reads");
        assert_eq!(loaded.document.text, "café");
        assert!(loaded.warning.expect("warns").contains("Windows-1252"));
    }
}
