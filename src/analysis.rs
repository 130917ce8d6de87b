//! A parsed set of documents, the user's corrections, the filter, and the places that
//! result: what the map, the lists and the exports all show.
//!
//! Plain data with no GUI types, so the command-line mode, the tests and the app share
//! one definition of "what is shown".

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};
use crate::geoparse::{Geoparser, MemoPool, Mention, located_entry};

/// A document with the mentions the parser found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedDocument {
    /// The document.
    pub document: Document,
    /// Its mentions, in text order.
    pub mentions: Vec<Mention>,
}

/// Parses documents in parallel (one rayon task per document), the threads sharing a
/// [`MemoPool`] so names are looked up once per thread, not once per document.
pub fn parse_documents(parser: &Geoparser<'_>, documents: Vec<Document>) -> Vec<ParsedDocument> {
    let memos = MemoPool::new();
    documents
        .into_par_iter()
        .map(|document| {
            let mentions = memos.with(|memo| parser.parse_with(&document.text, memo));
            ParsedDocument { document, mentions }
        })
        .collect()
}

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

/// A mention as shown after corrections: where it is and which entry it now denotes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MentionRef {
    /// Index of the document in the analysis.
    pub document: usize,
    /// Index of the mention in the document.
    pub mention: usize,
    /// The entry it denotes after corrections (a demonym's own entry, not its country).
    pub entry: EntryIndex,
    /// Confidence after corrections (1.0 when a person chose the entry).
    pub confidence: f32,
    /// True if a person corrected it.
    pub corrected: bool,
    /// True if the mention is a demonym (`Nigerien`), counted under its country.
    pub demonym: bool,
}

/// A place on the map: an entry and the mentions that denote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The entry shown (for demonyms, the country or region they refer to).
    pub entry: EntryIndex,
    /// Its mentions, in document then text order.
    pub mentions: Vec<MentionRef>,
}

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

/// The country key a place is filtered by: its ISO code, or `""` for multi-country.
pub fn country_key(gazetteer: &Gazetteer, entry: EntryIndex) -> String {
    gazetteer
        .entry(entry)
        .country_code
        .clone()
        .unwrap_or_default()
}

/// Every mention after corrections, before filtering.
pub fn effective_mentions(
    gazetteer: &Gazetteer,
    documents: &[ParsedDocument],
    corrections: &Corrections,
) -> Vec<MentionRef> {
    let mut out = Vec::new();
    for (d, doc) in documents.iter().enumerate() {
        for (m, mention) in doc.mentions.iter().enumerate() {
            let Some((entry, confidence, corrected)) =
                corrections.apply(gazetteer, &doc.document.name, mention)
            else {
                continue;
            };
            let demonym = gazetteer.entry(entry).kind == Kind::Demonym;
            out.push(MentionRef {
                document: d,
                mention: m,
                entry,
                confidence,
                corrected,
                demonym,
            });
        }
    }
    out
}

/// The places to show: effective mentions grouped by located entry, then filtered.
/// Sorted by mention count (most first), then name.
pub fn places(
    gazetteer: &Gazetteer,
    documents: &[ParsedDocument],
    corrections: &Corrections,
    filter: &Filter,
) -> Vec<Place> {
    let search = crate::fold::fold_name(&filter.search);
    let mut by_entry: BTreeMap<EntryIndex, Vec<MentionRef>> = BTreeMap::new();
    for m in effective_mentions(gazetteer, documents, corrections) {
        if m.demonym && !filter.show_demonyms {
            continue;
        }
        if m.confidence < filter.min_confidence {
            continue;
        }
        if filter
            .hidden_documents
            .contains(&documents[m.document].document.name)
        {
            continue;
        }
        let located = located_entry(gazetteer, m.entry);
        by_entry.entry(located).or_default().push(m);
    }
    let mut out: Vec<Place> = by_entry
        .into_iter()
        .filter(|(entry, _)| {
            let e = gazetteer.entry(*entry);
            !filter.hidden_kinds.contains(&e.kind)
                && !filter
                    .hidden_countries
                    .contains(&country_key(gazetteer, *entry))
                && (search.is_empty() || crate::fold::fold_name(&e.name).contains(&search))
        })
        .map(|(entry, mentions)| Place { entry, mentions })
        .collect();
    out.sort_by(|a, b| {
        b.mentions.len().cmp(&a.mentions.len()).then_with(|| {
            gazetteer
                .entry(a.entry)
                .name
                .cmp(&gazetteer.entry(b.entry).name)
        })
    });
    out
}

/// Per-country counts for the country filter: (country key, places, mentions), over
/// everything but the country filter itself, so hidden countries still show their counts.
pub fn country_counts(
    gazetteer: &Gazetteer,
    documents: &[ParsedDocument],
    corrections: &Corrections,
    filter: &Filter,
) -> Vec<(String, usize, usize)> {
    let unfiltered = Filter {
        hidden_countries: BTreeSet::new(),
        ..filter.clone()
    };
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for p in places(gazetteer, documents, corrections, &unfiltered) {
        let c = counts.entry(country_key(gazetteer, p.entry)).or_default();
        c.0 += 1;
        c.1 += p.mentions.len();
    }
    let mut out: Vec<(String, usize, usize)> =
        counts.into_iter().map(|(k, (p, m))| (k, p, m)).collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    out
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
