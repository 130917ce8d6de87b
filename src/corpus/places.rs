//! The corpus view: the places a parsed set shows after the user's corrections and
//! filter, what the map, the lists and the exports all show.
//!
//! Plain data with no GUI types, so the command-line mode, the tests and the app share
//! one definition of "what is shown".

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::corrections::Corrections;
use super::filter::{Filter, country_key};
use super::parse::{ParsedDocument, ParsedView};
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};
use crate::geoparse::located_entry;

/// A mention as shown after corrections: where it is and which entry it now denotes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MentionRef {
    /// Index of the document in the corpus.
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
    /// Its mentions, in document then text order. Empty for a place of a project too
    /// large to hold in memory (see [`Summary::of_layer`](super::Summary::of_layer)),
    /// whose passages are read from the project when shown.
    pub mentions: Vec<MentionRef>,
    /// How many mentions it has: `mentions.len()`, or the project layer's count when the
    /// mentions are not held. What lists, markers and sorting show.
    pub mention_count: usize,
}

impl Place {
    /// A place with its mentions in memory.
    pub fn new(entry: EntryIndex, mentions: Vec<MentionRef>) -> Place {
        let mention_count = mentions.len();
        Place {
            entry,
            mentions,
            mention_count,
        }
    }
}

/// Every mention after corrections, before filtering.
pub fn effective_mentions(
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    corrections: &Corrections,
) -> Vec<MentionRef> {
    documents
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| document_mentions(gazetteer, corrections, d, doc.borrow()))
        .collect()
}

/// The mentions of one document (at `index` in its set) after corrections, before
/// filtering, in text order: what every view of a corpus (the places, the summary, a
/// streamed export) counts from.
pub fn document_mentions<'a>(
    gazetteer: &'a Gazetteer,
    corrections: &'a Corrections,
    index: usize,
    doc: impl Into<ParsedView<'a>>,
) -> impl Iterator<Item = MentionRef> + 'a {
    let doc = doc.into();
    let name = &doc.document.name;
    // Most documents have no correction, and most sessions no rule: no lookup per
    // mention for them.
    let corrected_here = corrections.may_change_document(name);
    doc.mentions
        .iter()
        .enumerate()
        .filter_map(move |(m, mention)| {
            let r = &mention.resolution;
            let (entry, confidence, corrected) = if corrected_here {
                corrections.apply(gazetteer, name, mention)?
            } else {
                (r.entry, r.confidence, false)
            };
            Some(MentionRef {
                document: index,
                mention: m,
                entry,
                confidence,
                corrected,
                demonym: gazetteer.kind(entry) == Kind::Demonym,
            })
        })
}

/// The places to show: effective mentions grouped by located entry, then filtered.
/// Sorted by mention count (most first), then name.
pub fn places(
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    corrections: &Corrections,
    filter: &Filter,
) -> Vec<Place> {
    let shown = Shown::new(gazetteer, corrections, filter);
    let mut by_entry: BTreeMap<EntryIndex, Vec<MentionRef>> = BTreeMap::new();
    for (d, doc) in documents.iter().enumerate() {
        for (located, m) in shown.mentions(d, doc.borrow()) {
            by_entry.entry(located).or_default().push(m);
        }
    }
    let mut out: Vec<Place> = by_entry
        .into_iter()
        .map(|(entry, mentions)| Place::new(entry, mentions))
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

/// What is shown of one document at a time: the corrections applied and the filter
/// decided mention by mention, so a stream of documents (the command line's export)
/// shows exactly what [`places`] shows of the whole set, without holding the set.
#[derive(Debug)]
pub struct Shown<'a> {
    gazetteer: &'a Gazetteer,
    corrections: &'a Corrections,
    filter: &'a Filter,
    /// The filter's search text, folded once.
    search: String,
    /// Whether the filter shows every place (no kind or country hidden, no search): then
    /// [`Shown::place_shown`] need not read the place's entry, a cache miss for each
    /// mention of a batch.
    all_places: bool,
}

impl<'a> Shown<'a> {
    /// The view `filter` gives of documents under `corrections`.
    pub fn new(gazetteer: &'a Gazetteer, corrections: &'a Corrections, filter: &'a Filter) -> Self {
        let search = crate::fold::fold_name(&filter.search);
        Shown {
            gazetteer,
            corrections,
            filter,
            all_places: filter.hidden_kinds.is_empty()
                && filter.hidden_countries.is_empty()
                && search.is_empty(),
            search,
        }
    }

    /// The gazetteer the mentions' entries are in.
    pub fn gazetteer(&self) -> &'a Gazetteer {
        self.gazetteer
    }

    /// The shown mentions of `doc` (at `index` in its set), in text order, each with the
    /// entry its place is shown at ([`located_entry`]: a demonym's country).
    pub fn mentions<'d>(
        &'d self,
        index: usize,
        doc: impl Into<ParsedView<'d>>,
    ) -> impl Iterator<Item = (EntryIndex, MentionRef)> + 'd {
        let g = self.gazetteer;
        let doc = doc.into();
        let document_hidden = !self.filter.shows_document(doc.document);
        document_mentions(g, self.corrections, index, doc)
            .filter(move |m| !document_hidden && self.filter.shows_mention(m.demonym, m.confidence))
            .filter_map(move |m| {
                // Read from the compact table of kinds: only a demonym's entry is read.
                let located = if g.kind(m.entry) == Kind::Demonym {
                    located_entry(g, m.entry)
                } else {
                    m.entry
                };
                self.place_shown(located).then_some((located, m))
            })
    }

    /// Whether the place at `entry` passes the filter's kind, country and search.
    fn place_shown(&self, entry: EntryIndex) -> bool {
        if self.all_places {
            return true;
        }
        let e = self.gazetteer.entry(entry);
        !self.filter.hidden_kinds.contains(&e.kind)
            && !self
                .filter
                .hidden_countries
                .contains(e.country_code.as_deref().unwrap_or_default())
            && (self.search.is_empty() || crate::fold::fold_name(&e.name).contains(&self.search))
    }
}

/// Per-country counts for the country filter: (country key, places, mentions), over
/// everything but the country filter itself, so hidden countries still show their counts.
pub fn country_counts(
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
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
