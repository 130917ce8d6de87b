//! The user's corrections of the parser: kept by document name and byte span, so they
//! survive re-parsing, restarts and a newer gazetteer.

use serde::{Deserialize, Serialize};

use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::Mention;

/// A user's correction of one mention, identified by document name and byte span so it
/// survives re-parsing and restarts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Correction {
    /// Document name.
    pub document: String,
    /// Mention start byte.
    pub start: usize,
    /// Mention end byte.
    pub end: usize,
    /// What the user decided.
    pub action: CorrectionAction,
}

/// What a correction does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CorrectionAction {
    /// The mention denotes this gazetteer entry (by stable id).
    Reassign {
        /// Gazetteer id (`gn:2440476`).
        id: String,
    },
    /// The words are not a place mention.
    NotAPlace,
}

/// The corrections of a session, by (document, start, end).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Corrections {
    items: Vec<Correction>,
}

impl Corrections {
    /// All corrections, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Correction> {
        self.items.iter()
    }

    /// Number of corrections.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Records a correction, replacing any earlier one for the same mention.
    pub fn set(&mut self, correction: Correction) {
        self.items.retain(|c| {
            !(c.document == correction.document
                && c.start == correction.start
                && c.end == correction.end)
        });
        self.items.push(correction);
    }

    /// Removes the correction of a mention, restoring the parser's choice.
    pub fn clear(&mut self, document: &str, start: usize, end: usize) {
        self.items
            .retain(|c| !(c.document == document && c.start == start && c.end == end));
    }

    /// What a mention of document `document` denotes after corrections: its entry, its
    /// confidence (1.0 when a person chose the entry) and whether it was corrected;
    /// `None` if it was marked "not a place". A reassignment to an id this gazetteer
    /// lacks (another gazetteer version) keeps the parser's choice.
    pub fn apply(
        &self,
        gazetteer: &Gazetteer,
        document: &str,
        mention: &Mention,
    ) -> Option<(EntryIndex, f32, bool)> {
        let parsed = (
            mention.resolution.entry,
            mention.resolution.confidence,
            false,
        );
        match self.get(document, mention.start, mention.end) {
            Some(CorrectionAction::NotAPlace) => None,
            Some(CorrectionAction::Reassign { id }) => {
                Some(gazetteer.index_of_id(id).map_or(parsed, |e| (e, 1.0, true)))
            }
            None => Some(parsed),
        }
    }

    /// The correction of a mention, if any.
    pub fn get(&self, document: &str, start: usize, end: usize) -> Option<&CorrectionAction> {
        self.items
            .iter()
            .rev()
            .find(|c| c.document == document && c.start == start && c.end == end)
            .map(|c| &c.action)
    }
}
