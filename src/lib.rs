//! Gazette's core: the offline gazetteer, the geoparser that finds and resolves the
//! places news text mentions, the corpus (documents in, parsed and corrected),
//! GeoJSON/JSONL/CSV export, and projects saved as GeoPackage files.
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
pub mod output_file;
pub mod project;
pub mod regular_file;
mod short_key;
pub mod sync_behind;

/// Writes `bytes` to a file atomically; see [`output_file::write_atomically`].
pub use output_file::atomic_write;
