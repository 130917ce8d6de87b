//! The user's corrections of the parser: kept by document name and byte span, so they
//! survive re-parsing, restarts and a newer gazetteer. The user's rules by name
//! (`rules.rs`) ride along, so that every view that applies the corrections (the
//! places, the summary, the exports, a mention's entry) applies the rules too, a
//! correction of one mention winning over a rule for its name.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::rules::{RuleAction, Rules};
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

/// One mention's correction changed by a batch (a whole place corrected, or undone):
/// what it was and what it became. Kept so that an undo puts back exactly what stood
/// before (a correction the user made by hand is not lost to the parser's reading), and
/// only where the batch's correction still stands (a correction made after it wins).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CorrectionChange {
    /// Document name.
    pub document: String,
    /// Mention start byte.
    pub start: usize,
    /// Mention end byte.
    pub end: usize,
    /// The mention's correction before (`None`: it had none; the parser's reading, or
    /// its name's rule, stood).
    pub before: Option<CorrectionAction>,
    /// Its correction after (`None`: cleared).
    pub after: Option<CorrectionAction>,
}

impl CorrectionChange {
    /// The change that undoes this one: `after` back to `before`.
    pub fn reversed(&self) -> CorrectionChange {
        CorrectionChange {
            document: self.document.clone(),
            start: self.start,
            end: self.end,
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }

    /// The correction it leaves (`None` where it clears one).
    pub fn correction_after(&self) -> Option<Correction> {
        self.after.clone().map(|action| Correction {
            document: self.document.clone(),
            start: self.start,
            end: self.end,
            action,
        })
    }
}

/// The corrections of a session, by (document, start, end), with an index so that
/// looking one up costs the same with 30,000 corrections as with one (every mention of a
/// corpus is looked up when the places are recomputed).
///
/// Saved as `{"items": [...]}`, oldest first; the rules are saved on their own (a
/// session's `rules`, a project's `rules` setting), since a team shares them apart from
/// the corrections of its documents.
#[derive(Debug, Clone, Default)]
pub struct Corrections {
    /// Oldest first; `None` where a correction was replaced or cleared (compacted once
    /// they are half the list), so that neither costs a shift of the whole list.
    items: Vec<Option<Correction>>,
    /// Where each mention's correction is in `items`: document, then (start, end).
    index: HashMap<String, HashMap<(usize, usize), usize>>,
    len: usize,
    /// The rules by name, applied where no correction of the mention is.
    rules: Rules,
}

/// How corrections are saved: the list, oldest first.
#[derive(Serialize, Deserialize)]
struct Stored {
    items: Vec<Correction>,
}

impl Serialize for Corrections {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored {
            items: self.iter().cloned().collect(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Corrections {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        let mut out = Corrections::default();
        for c in stored.items {
            out.set(c);
        }
        Ok(out)
    }
}

impl PartialEq for Corrections {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter()) && self.rules == other.rules
    }
}

impl Corrections {
    /// All corrections, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Correction> {
        self.items.iter().flatten()
    }

    /// All corrections, newest first (a list shows the newest without collecting all).
    pub fn iter_newest(&self) -> impl Iterator<Item = &Correction> {
        self.items.iter().rev().flatten()
    }

    /// Number of corrections.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True if a mention of document `document` may be changed: one of its mentions is
    /// corrected, or there are rules (lets a pass over a corpus skip the lookups of the
    /// documents with none).
    pub fn may_change_document(&self, document: &str) -> bool {
        self.index.contains_key(document) || !self.rules.is_empty()
    }

    /// The rules by name.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Replaces the rules.
    pub fn set_rules(&mut self, rules: Rules) {
        self.rules = rules;
    }

    /// The rules, to change.
    pub fn rules_mut(&mut self) -> &mut Rules {
        &mut self.rules
    }

    /// Records a correction, replacing any earlier one for the same mention.
    pub fn set(&mut self, correction: Correction) {
        self.clear(&correction.document, correction.start, correction.end);
        let position = self.items.len();
        self.index
            .entry(correction.document.clone())
            .or_default()
            .insert((correction.start, correction.end), position);
        self.items.push(Some(correction));
        self.len += 1;
    }

    /// Removes the correction of a mention, restoring the parser's choice.
    pub fn clear(&mut self, document: &str, start: usize, end: usize) {
        let Some(spans) = self.index.get_mut(document) else {
            return;
        };
        let Some(position) = spans.remove(&(start, end)) else {
            return;
        };
        if spans.is_empty() {
            self.index.remove(document);
        }
        self.items[position] = None;
        self.len -= 1;
        if self.items.len() > 2 * self.len + 16 {
            self.compact();
        }
    }

    /// Drops the replaced and cleared slots and renumbers the index.
    fn compact(&mut self) {
        self.items.retain(Option::is_some);
        for (position, c) in self.items.iter().enumerate() {
            if let Some(c) = c
                && let Some(slot) = self
                    .index
                    .get_mut(&c.document)
                    .and_then(|spans| spans.get_mut(&(c.start, c.end)))
            {
                *slot = position;
            }
        }
    }

    /// What a mention of document `document` denotes after corrections, then rules: its
    /// entry, its confidence (1.0 when a person chose the entry) and whether a person
    /// decided it (a correction or a rule); `None` if it was marked "not a place" or its
    /// name is never one. A reassignment to an id this gazetteer lacks (another
    /// gazetteer version) keeps the parser's choice.
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
            None if self.rules.is_empty() => Some(parsed),
            None => match self.rules.get(&mention.text).map(|r| &r.action) {
                Some(RuleAction::NeverAPlace) => None,
                Some(RuleAction::Always { id }) => {
                    Some(gazetteer.index_of_id(id).map_or(parsed, |e| (e, 1.0, true)))
                }
                None => Some(parsed),
            },
        }
    }

    /// What decides a mention of `document` (its span, and its text as written) besides
    /// the parser: its correction, else the rule for its name put as a correction would
    /// put it (`never` as "not a place", `always` as a reassignment); `None` where the
    /// parser's reading stands. For what keeps each mention's place (a project).
    pub fn decision(
        &self,
        document: &str,
        start: usize,
        end: usize,
        text: &str,
    ) -> Option<CorrectionAction> {
        if let Some(action) = self.get(document, start, end) {
            return Some(action.clone());
        }
        self.rules.get(text).map(|rule| match &rule.action {
            RuleAction::NeverAPlace => CorrectionAction::NotAPlace,
            RuleAction::Always { id } => CorrectionAction::Reassign { id: id.clone() },
        })
    }

    /// Undoes `change` if the mention's correction is still the one it left (a
    /// correction made since wins, and is kept): puts back what stood before it. Returns
    /// whether it was undone.
    pub fn undo(&mut self, change: &CorrectionChange) -> bool {
        if self.get(&change.document, change.start, change.end) != change.after.as_ref() {
            return false;
        }
        match change.reversed().correction_after() {
            Some(correction) => self.set(correction),
            None => self.clear(&change.document, change.start, change.end),
        }
        true
    }

    /// The correction of a mention, if any.
    pub fn get(&self, document: &str, start: usize, end: usize) -> Option<&CorrectionAction> {
        let position = *self.index.get(document)?.get(&(start, end))?;
        self.items
            .get(position)
            .and_then(Option::as_ref)
            .map(|c| &c.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_a_place(document: &str, start: usize) -> Correction {
        Correction {
            document: document.into(),
            start,
            end: start + 4,
            action: CorrectionAction::NotAPlace,
        }
    }

    #[test]
    fn a_correction_replaces_the_earlier_one_and_order_is_kept() {
        let mut c = Corrections::default();
        for i in 0..100 {
            c.set(not_a_place("a", i * 10));
        }
        c.set(Correction {
            action: CorrectionAction::Reassign { id: "gn:1".into() },
            ..not_a_place("a", 0)
        });
        assert_eq!(c.len(), 100);
        assert_eq!(
            c.get("a", 0, 4),
            Some(&CorrectionAction::Reassign { id: "gn:1".into() })
        );
        // The replaced one moved to the end (newest).
        assert_eq!(c.iter().last().map(|x| x.start), Some(0));
        // Clearing most compacts the list; what is left is still found.
        for i in 1..95 {
            c.clear("a", i * 10, i * 10 + 4);
        }
        assert_eq!(c.len(), 6);
        assert!(c.items.len() < 40, "compacted: {}", c.items.len());
        let starts: Vec<usize> = c.iter().map(|x| x.start).collect();
        assert_eq!(starts, [950, 960, 970, 980, 990, 0]);
        for s in starts {
            assert!(c.get("a", s, s + 4).is_some(), "{s}");
        }
        assert!(c.get("a", 10, 14).is_none() && !c.may_change_document("b"));
        c.clear("a", 0, 4);
        assert!(c.may_change_document("a"));
    }

    #[test]
    fn saved_as_a_list_and_read_back() {
        let mut c = Corrections::default();
        c.set(not_a_place("a", 0));
        c.set(not_a_place("b", 5));
        c.clear("a", 0, 4);
        let json = serde_json::to_string(&c).expect("serialize");
        assert_eq!(
            json,
            r#"{"items":[{"document":"b","start":5,"end":9,"action":"NotAPlace"}]}"#
        );
        let back: Corrections = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, c);
        assert!(back.get("b", 5, 9).is_some());
        // A list with the same mention twice keeps the later one.
        let twice = r#"{"items":[
            {"document":"b","start":5,"end":9,"action":"NotAPlace"},
            {"document":"b","start":5,"end":9,"action":{"Reassign":{"id":"gn:2"}}}]}"#;
        let back: Corrections = serde_json::from_str(twice).expect("deserialize");
        assert_eq!(back.len(), 1);
        assert_eq!(
            back.get("b", 5, 9),
            Some(&CorrectionAction::Reassign { id: "gn:2".into() })
        );
    }
}
