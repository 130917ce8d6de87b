//! The file formats news comes in, and what each gives: the text of one article with its
//! [`Metadata`] (a plain text file, a saved web page, a Word document, a PDF), or many
//! records, each one article (a feed, a dataset export as JSON Lines, a JSON array or
//! CSV/TSV, a zip archive of any of these). One file per format; the format is told by
//! the file's extension ([`Format::of`]).
//!
//! Every reader takes bytes (or a file) someone else made: each bounds what it reads
//! and never panics, and none fetches anything a file names (a page's images, scripts,
//! styles; a feed's enclosures; a document's linked parts).

pub mod archive;
pub mod dataset;
pub mod docx;
pub mod feed;
pub mod html;
pub mod pdf;

use std::path::Path;

use super::metadata::Metadata;

/// A file format Gazette reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Plain text (`.txt`), decoded as [`decode`](super::decode) says.
    Text,
    /// A web page (`.html`, `.htm`, `.xhtml`): its article body and metadata.
    Html,
    /// An RSS 2.0 or Atom feed (`.rss`, `.atom`, `.xml`): one document per item.
    Feed,
    /// JSON Lines (`.jsonl`, `.ndjson`): one document per line holding an object.
    JsonLines,
    /// A JSON array of objects (`.json`): one document per object.
    JsonArray,
    /// CSV (`.csv`) or TSV (`.tsv`, `.tab`): one document per record, with a header row.
    Delimited {
        /// The field separator: `b','` or `b'\t'`.
        delimiter: u8,
    },
    /// A Word document (`.docx`): its paragraphs, and its title and date properties.
    Docx,
    /// A PDF with a text layer (`.pdf`).
    Pdf,
    /// A zip archive (`.zip`) of files in any of these formats.
    Zip,
}

impl Format {
    /// The format a file's extension names (case-insensitive), or `None`: such files are
    /// skipped when a folder is searched.
    pub fn of(path: &Path) -> Option<Format> {
        Format::of_name(path.file_name()?)
    }

    /// [`Format::of`] a file's name, its extension found as [`Path::extension`] finds it
    /// (after the last dot, none when the only dot starts the name): a folder's listing
    /// has the name at hand, and this neither splits a path into components nor
    /// allocates (~460 instructions a file before, callgrind).
    pub fn of_name(name: &std::ffi::OsStr) -> Option<Format> {
        let name = name.as_encoded_bytes();
        let dot = memchr::memrchr(b'.', name).filter(|&dot| dot > 0)?;
        let ext = &name[dot + 1..];
        // The longest extension below has 6 letters.
        let mut lower = [0u8; 6];
        lower
            .get_mut(..ext.len())?
            .iter_mut()
            .zip(ext)
            .for_each(|(l, e)| *l = e.to_ascii_lowercase());
        let ext = std::str::from_utf8(&lower[..ext.len()]).ok()?;
        Some(match ext {
            "txt" | "text" => Format::Text,
            "html" | "htm" | "xhtml" | "shtml" => Format::Html,
            "rss" | "atom" | "xml" => Format::Feed,
            "jsonl" | "ndjson" => Format::JsonLines,
            "json" => Format::JsonArray,
            "csv" => Format::Delimited { delimiter: b',' },
            "tsv" | "tab" => Format::Delimited { delimiter: b'\t' },
            "docx" => Format::Docx,
            "pdf" => Format::Pdf,
            "zip" => Format::Zip,
            _ => return None,
        })
    }

    /// True for formats that hold many documents (each record named
    /// `FILE#KEY`, see [`Record::key`]).
    pub fn is_container(self) -> bool {
        matches!(
            self,
            Format::Feed
                | Format::JsonLines
                | Format::JsonArray
                | Format::Delimited { .. }
                | Format::Zip
        )
    }

    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "HTML",
            Format::Feed => "feed",
            Format::JsonLines => "JSON Lines",
            Format::JsonArray => "JSON",
            Format::Delimited { delimiter: b'\t' } => "TSV",
            Format::Delimited { .. } => "CSV",
            Format::Docx => "Word",
            Format::Pdf => "PDF",
            Format::Zip => "zip",
        }
    }
}

/// One article's text and what is known about it, as a single-document reader gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The article's text, UTF-8, paragraphs separated by blank lines.
    pub text: String,
    /// Title, date, URL and source, when the file gives them.
    pub meta: Metadata,
    /// Something the user should know about how it was read (an encoding guessed, a
    /// date that could not be read), without the file's name (the caller adds it).
    pub warning: Option<String>,
}

/// One record of a file that holds many documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// What tells it apart within its file, and how messages name it: `line 17` in a
    /// JSON Lines or CSV file, `item 3` in a feed or a JSON array, an entry's path in a
    /// zip archive. The document's name is `FILE#KEY` (`export.csv#line 17`).
    pub key: String,
    /// Its text and metadata.
    pub extracted: Extracted,
}

/// Why a file, or one record of it, could not be read: a message without the file's
/// name (the caller, which knows it, adds it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

impl FormatError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> FormatError {
        FormatError(message.into())
    }

    /// True if a dataset export was refused because no field holds the text: the app
    /// then lets the user choose it (see [`dataset::field_names`]).
    pub fn is_missing_text_field(&self) -> bool {
        self.0.starts_with(dataset::NO_TEXT_FIELD)
    }
}

/// A problem with one record, which is skipped while the rest of the file is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct RecordError {
    /// The record, as [`Record::key`] names it.
    pub key: String,
    /// What was wrong.
    pub message: String,
}

/// The field names a dataset export's records are read with. Each `None` is found by
/// the usual names (see [`dataset`]); a name given that a file lacks is an error for
/// that file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Fields {
    /// The article text (`--text-field`).
    pub text: Option<String>,
    /// The headline (`--title-field`).
    pub title: Option<String>,
    /// The publication date (`--date-field`).
    pub date: Option<String>,
    /// The article's URL (`--url-field`).
    pub url: Option<String>,
}

impl Fields {
    /// True when no field is named (every one found by the usual names).
    pub fn is_default(&self) -> bool {
        *self == Fields::default()
    }
}

/// Reads a single-document file's bytes in `format` (one that is not a
/// [container](Format::is_container)).
pub fn extract(format: Format, bytes: &[u8]) -> Result<Extracted, FormatError> {
    match format {
        Format::Text => text(bytes),
        Format::Html => html::extract(bytes),
        Format::Docx => docx::extract(bytes),
        Format::Pdf => pdf::extract(bytes),
        other => Err(FormatError::new(format!(
            "a {} file holds many documents, not one",
            other.name()
        ))),
    }
}

/// A text file: decoded by [`decode`](super::decode), binary refused.
pub fn text(bytes: &[u8]) -> Result<Extracted, FormatError> {
    use super::read::Encoding;
    let (text, encoding) = super::decode(bytes)
        .ok_or_else(|| FormatError::new("looks like a binary file (it contains NUL bytes)"))?;
    let warning = match encoding {
        Encoding::Utf8 => None,
        Encoding::Utf8Lossy {
            replaced_bytes,
            replacements,
        } => Some(format!(
            "{replaced_bytes} {} not valid UTF-8, replaced by U+FFFD in {replacements} {}; \
             the rest decoded as UTF-8",
            if replaced_bytes == 1 {
                "byte is"
            } else {
                "bytes are"
            },
            if replacements == 1 { "place" } else { "places" },
        )),
        Encoding::Utf16 => Some("decoded as UTF-16 (byte-order mark)".into()),
        Encoding::Utf32 => Some("decoded as UTF-32 (byte-order mark)".into()),
        Encoding::Windows1252 => Some("not valid UTF-8, decoded as Windows-1252".into()),
    };
    Ok(Extracted {
        text,
        meta: Metadata::default(),
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file name's format is its extension's, as [`Path::extension`] finds it, in any
    /// case: the same from a name as from a path.
    #[test]
    fn formats_of_names_are_those_of_their_extensions() {
        let cases = [
            ("a.txt", Some(Format::Text)),
            ("a.TXT", Some(Format::Text)),
            ("a.b.Html", Some(Format::Html)),
            ("page.xhtml", Some(Format::Html)),
            ("feed.XML", Some(Format::Feed)),
            ("d.ndjson", Some(Format::JsonLines)),
            ("d.tab", Some(Format::Delimited { delimiter: b'\t' })),
            ("Ségou.pdf", Some(Format::Pdf)),
            (".txt", None),
            ("txt", None),
            ("a.", None),
            ("..", None),
            ("a.shtmlx", None),
            ("a.tx", None),
            ("a.txt.md", None),
        ];
        for (name, format) in cases {
            assert_eq!(Format::of_name(name.as_ref()), format, "{name}");
            let path = Path::new("in").join(name);
            assert_eq!(Format::of(&path), format, "{name}");
            let by_extension = path.extension().and_then(|e| e.to_str()).is_some();
            assert!(format.is_none() || by_extension, "{name}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"caf\xE9.\xFFtxt");
            assert_eq!(Format::of_name(name), None);
        }
    }
}
