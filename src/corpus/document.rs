//! A document (one article's name and text) and where it came from: the two things every
//! reader produces and every view, export and session refers to.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::formats::Fields;
use super::metadata::Metadata;

/// One article: its display name and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Name shown to the user and written to exports: the file name as given, or the
    /// path relative to the folder it was found in.
    pub name: String,
    /// Where it came from, if it came from a file.
    pub path: Option<PathBuf>,
    /// The text, UTF-8: for a file, its bytes as [`decode`](super::decode) decoded them,
    /// without a byte-order mark. Mention offsets (`start`, `end`) everywhere, exports
    /// included, are byte offsets into this text, not into the file on disk (see
    /// [`read`](super::read#offsets)).
    pub text: String,
    /// Title, publication date, URL and source, when the file gave them.
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub meta: Metadata,
}

impl Document {
    /// What a list shows for it: its title, or its name when it has none.
    pub fn title(&self) -> &str {
        self.meta.title.as_deref().unwrap_or(&self.name)
    }

    /// A document from text already in memory (pasted text, tests).
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            name: name.into(),
            path: None,
            text: text.into(),
            meta: Metadata::default(),
        }
    }
}

/// Where a document came from, as saved with a session so it can be loaded again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentSource {
    /// A file on disk, with the name it is shown and exported under (its file name, or
    /// its path relative to the folder it was opened from).
    File {
        /// The file.
        path: PathBuf,
        /// The document name.
        name: String,
        /// For a file that holds many documents (a feed, a dataset export, a zip
        /// archive), which one: its [`Record::key`](super::formats::Record::key).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<String>,
        /// The fields the user named to read a dataset export with, if any.
        #[serde(default, skip_serializing_if = "Fields::is_default")]
        fields: Fields,
    },
    /// Text pasted into the app; kept whole in the session.
    Pasted {
        /// The document name.
        name: String,
        /// The text.
        text: String,
    },
}

impl DocumentSource {
    /// A file that holds one document, named `name`.
    pub fn file(path: impl Into<PathBuf>, name: impl Into<String>) -> DocumentSource {
        DocumentSource::File {
            path: path.into(),
            name: name.into(),
            record: None,
            fields: Fields::default(),
        }
    }

    /// The document name.
    pub fn name(&self) -> &str {
        match self {
            DocumentSource::File { name, .. } | DocumentSource::Pasted { name, .. } => name,
        }
    }

    /// The record within its file, for a document that is one of many in a file.
    pub fn record(&self) -> Option<&str> {
        match self {
            DocumentSource::File { record, .. } => record.as_deref(),
            DocumentSource::Pasted { .. } => None,
        }
    }

    /// The file, for a document read from disk.
    pub fn path(&self) -> Option<&Path> {
        match self {
            DocumentSource::File { path, .. } => Some(path),
            DocumentSource::Pasted { .. } => None,
        }
    }
}
