//! What the user chose to see, and the country key places are filtered and counted by.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

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
        }
    }
}

impl Filter {
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
