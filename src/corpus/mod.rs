//! The corpus: the one way in from a user's inputs to parsed documents, and the parsed
//! set with the user's corrections and filter. The command line and the app both go
//! through here; new input formats are added here and nowhere else.
//!
//! The path a document takes, one file each:
//! - [`source`]: what the user opens (files, folders, pasted text) and the article files
//!   a folder holds;
//! - [`read`]: reading one file and decoding it to UTF-8, with its limits;
//! - [`parse`]: parallel parsing with progress events and cancellation ([`load`]);
//! - [`corrections`], [`rules`] and [`filter`]: what the user changed (one mention at a
//!   time, or a name in every document) and chose to see;
//! - [`places`](mod@places): the places that result, which the map, lists and exports show,
//!   and [`divisions`]: their mentions by first-level division;
//! - [`set`]: the parsed set a user works on ([`Corpus`]: documents, sources,
//!   corrections, filter) and [`summary`]: what it shows, computed once per change.

pub mod corrections;
pub mod divisions;
pub mod document;
pub mod filter;
pub mod formats;
pub mod metadata;
pub mod parse;
pub mod places;
pub mod read;
pub mod reparse;
pub mod rules;
pub mod set;
pub mod source;
pub mod summary;
pub mod timeline;

pub use corrections::{Correction, CorrectionAction, CorrectionChange, Corrections};
pub use divisions::{DivisionCount, division_counts, division_of};
pub use document::{Document, DocumentSource};
pub use filter::{DateRange, Filter, country_key, country_name};
pub use formats::{Fields, Format};
pub use metadata::{Metadata, Published};
pub use parse::{
    IsKnown, LoadEvent, ParsedDocument, ParsedView, SectionThen, load, load_then,
    load_unless_known, parse_documents,
};
pub use places::{MentionRef, Place, Shown, country_counts, effective_mentions, places};
pub use read::{DocumentError, Encoding, LoadedDocument, MAX_DOCUMENT_BYTES, decode, display_path};
pub use rules::{Rule, RuleAction, Rules, RulesError};
pub use set::{CandidateChoice, Corpus, CorpusParts, MentionKey, mention_candidates};
pub use source::{ArticleFiles, Input, article_file_inodes, article_files, document_name};
pub use summary::{CountryCount, KindCount, LayerPlace, PlaceStats, Summary};
