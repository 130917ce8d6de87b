//! Why a project could not be opened, read or written. Every message names the file, and
//! says when nothing was changed: project files come from others, and a user must be able
//! to tell a damaged file from one made elsewhere or by a newer Gazette.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::schema::FORMAT_VERSION;
use crate::corpus::display_path;

/// Why a project could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// [`Project::open`](super::Project::open) on a path where there is nothing.
    #[error("{}: no such project file", display_path(path))]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// Something other than a regular file is at the path (a folder, a device, a pipe).
    /// It is not opened: SQLite would block on a pipe.
    #[error(
        "{}: is {kind}, not a project file; nothing was changed",
        display_path(path)
    )]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is, with an article ("a folder", "a character device").
        kind: &'static str,
    },
    /// The file is not a Gazette project: not SQLite at all, or a SQLite database or
    /// GeoPackage made by something else. It was opened read-only and is left as it was.
    #[error(
        "{}: is not a Gazette project ({reason}); nothing was changed",
        display_path(path)
    )]
    NotAProject {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// The project was written by a newer Gazette, whose tables this version may
    /// misread; it is not read or changed.
    #[error(
        "{}: was made by a newer version of Gazette (project format {found}; this version \
         reads up to {FORMAT_VERSION}); nothing was changed: update Gazette to open it",
        display_path(path)
    )]
    Newer {
        /// The path.
        path: PathBuf,
        /// The format version found in it.
        found: i64,
    },
    /// The file is a Gazette project but is damaged: truncated, corrupt pages, missing
    /// tables, or values no Gazette writes (a span outside its text).
    #[error("{}: is damaged ({detail}); nothing was changed", display_path(path))]
    Damaged {
        /// The path.
        path: PathBuf,
        /// What is wrong, in words.
        detail: String,
    },
    /// A change to the file was interrupted (a crash, `kill -9`): its rollback journal
    /// (`FILE-journal`) is beside it, and it must be rolled back before it can be read,
    /// which a read-only open cannot do.
    #[error(
        "{}: a change to it was interrupted and must be rolled back first (its -journal \
         file is beside it); open it for writing once to recover it",
        display_path(path)
    )]
    Interrupted {
        /// The path.
        path: PathBuf,
    },
    /// The project is read-only (file permissions or media) and was opened to write.
    #[error(
        "{}: is read-only, so it cannot be changed; open it read-only to look at it or \
         export from it",
        display_path(path)
    )]
    ReadOnly {
        /// The path.
        path: PathBuf,
    },
    /// [`Project::create`](super::Project::create) on a path where a non-empty file is.
    #[error("{}: already exists; nothing was changed", display_path(path))]
    Exists {
        /// The path.
        path: PathBuf,
    },
    /// The file system refused (permissions, a missing folder, a full disk).
    #[error("{}: {source}", display_path(path))]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// SQLite failed for another reason (the disk is full, the file is locked by another
    /// program for longer than the wait).
    #[error("{}: {source}", display_path(path))]
    Sqlite {
        /// The path.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

impl ProjectError {
    /// The project file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ProjectError::NotFound { path }
            | ProjectError::NotAFile { path, .. }
            | ProjectError::NotAProject { path, .. }
            | ProjectError::Newer { path, .. }
            | ProjectError::Damaged { path, .. }
            | ProjectError::Interrupted { path }
            | ProjectError::ReadOnly { path }
            | ProjectError::Exists { path }
            | ProjectError::Io { path, .. }
            | ProjectError::Sqlite { path, .. } => path,
        }
    }

    /// A SQLite error on `path` in words a user can act on: "not a database" and "corrupt"
    /// become [`ProjectError::NotAProject`] and [`ProjectError::Damaged`], a write to a
    /// read-only file [`ProjectError::ReadOnly`].
    pub(super) fn sqlite(path: &Path, source: rusqlite::Error) -> ProjectError {
        let path = path.to_path_buf();
        if source
            .sqlite_error()
            .is_some_and(|e| e.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK)
        {
            return ProjectError::Interrupted { path };
        }
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => ProjectError::NotAProject {
                path,
                reason: "not a SQLite database".into(),
            },
            Some(ErrorCode::DatabaseCorrupt) => ProjectError::Damaged {
                path,
                detail: source.to_string(),
            },
            Some(ErrorCode::ReadOnly) => ProjectError::ReadOnly { path },
            _ => match source {
                // A value of the wrong type or range in one of Gazette's own tables:
                // nothing Gazette writes.
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::Utf8Error(..) => ProjectError::Damaged {
                    path,
                    detail: format!("a value has the wrong type: {source}"),
                },
                source => ProjectError::Sqlite { path, source },
            },
        }
    }

    /// [`ProjectError::Damaged`] with `detail`.
    pub(super) fn damaged(path: &Path, detail: impl Into<String>) -> ProjectError {
        ProjectError::Damaged {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }
}
