//! What the user chose to see, and the country key places are filtered and counted by.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::document::Document;
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};

/// What the user chose to see. The default shows everything but demonyms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Countries (ISO alpha-2) hidden; `""` stands for places with no single country.
    pub hidden_countries: BTreeSet<String>,
    /// Document names hidden.
    pub hidden_documents: BTreeSet<String>,
    /// Kinds hidden.
    pub hidden_kinds: BTreeSet<Kind>,
    /// Count demonyms (`Nigerien`) as mentions of their country.
    pub show_demonyms: bool,
    /// Mentions below this confidence are hidden.
    pub min_confidence: f32,
    /// Only places whose name contains this text (case- and accent-insensitive).
    pub search: String,
    /// Only documents published in this range of days (see [`DateRange`]).
    pub dates: DateRange,
}

/// A range of publication days, both ends included, and whether undated documents are
/// shown with it. The default shows everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DateRange {
    /// First day shown, if any (days since 1970-01-01, [`Published::day_number`](super::Published::day_number)).
    pub from: Option<i32>,
    /// Last day shown, if any.
    pub to: Option<i32>,
    /// Hide documents without a date.
    pub hide_undated: bool,
}

impl DateRange {
    /// True when it hides nothing.
    pub fn is_everything(&self) -> bool {
        *self == DateRange::default()
    }

    /// Whether a document published on `day` (`None`: undated) is shown.
    pub fn shows(&self, day: Option<i32>) -> bool {
        match day {
            None => !self.hide_undated,
            Some(day) => self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t),
        }
    }
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            hidden_countries: BTreeSet::new(),
            hidden_documents: BTreeSet::new(),
            hidden_kinds: BTreeSet::new(),
            show_demonyms: false,
            min_confidence: 0.0,
            search: String::new(),
            dates: DateRange::default(),
        }
    }
}

impl Filter {
    /// Whether the document-level parts of the filter (hidden documents, the date
    /// range) show `document`.
    pub fn shows_document(&self, document: &Document) -> bool {
        self.dates
            .shows(document.meta.published.map(|p| p.day_number()))
            && !self.hidden_documents.contains(&document.name)
    }

    /// Whether a mention (after corrections) passes the demonym and confidence parts of
    /// the filter, which are decided mention by mention.
    pub fn shows_mention(&self, demonym: bool, confidence: f32) -> bool {
        let below = confidence < self.min_confidence;
        (!demonym || self.show_demonyms) && !below
    }
}

/// The country key a place is filtered by: its ISO code, or `""` for multi-country.
pub fn country_key(gazetteer: &Gazetteer, entry: EntryIndex) -> String {
    gazetteer
        .entry(entry)
        .country_code
        .clone()
        .unwrap_or_default()
}

/// The display name of a country key (`NE` → `Niger`; `""` → `Multi-country`).
pub fn country_name(gazetteer: &Gazetteer, key: &str) -> String {
    if key.is_empty() {
        return "Multi-country regions".to_string();
    }
    gazetteer
        .country(key)
        .map(|i| gazetteer.entry(i).name.clone())
        .unwrap_or_else(|| key.to_string())
}
