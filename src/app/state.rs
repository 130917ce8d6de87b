//! The app's state as plain data: the documents and their parse results, the user's
//! corrections and filter, the selection, the open document, status messages and
//! loading progress, and the lists derived from them.
//!
//! Nothing here knows about egui: the panels draw an [`AppState`] and return what the
//! user did; [`crate::app::GazetteApp`] applies it through the methods below. The
//! derived lists ([`AppState::places`], [`AppState::country_counts`]…) are recomputed
//! when an input changes, never per frame; [`AppState::revision`] tells caches built
//! from them (the map's cluster index) when to rebuild.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::corpus::DocumentSource;
use crate::corpus::{
    self, Correction, CorrectionAction, Corrections, Filter, MentionRef, ParsedDocument, Place,
};
use crate::export::{self, ExportError, Format};
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};

/// What is saved between runs (eframe persistence). Every field defaults, so a session
/// saved by an older or newer version still loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// The documents, in the order they were opened.
    pub sources: Vec<DocumentSource>,
    /// The user's corrections.
    pub corrections: Corrections,
    /// The filter.
    pub filter: Filter,
    /// The selected place, by stable gazetteer id (`gn:2440485`).
    pub selected: Option<String>,
    /// Whether online OpenStreetMap tiles were switched on.
    pub online_tiles: bool,
}

/// How serious a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLevel {
    /// Progress and plain information.
    Info,
    /// Something the user asked for succeeded (an export was written).
    Success,
    /// Something was skipped or guessed, the rest went on.
    Warning,
    /// Something the user asked for failed.
    Error,
}

/// A status message shown in the status bar and the message log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// How serious it is.
    pub level: MessageLevel,
    /// What to tell the user.
    pub text: String,
    /// Increases by one with each message, so a view can tell a new message from an old one.
    pub sequence: u64,
}

/// Progress of a background load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// What is being done (`Loading the gazetteer`, `Parsing 12 files`).
    pub label: String,
    /// Items done.
    pub done: usize,
    /// Items in all; 0 when not known yet.
    pub total: usize,
}

/// The document shown in the document view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDocument {
    /// Index into [`AppState::documents`].
    pub document: usize,
    /// The mention to show: scrolled to and outlined. Index into the document's mentions.
    pub focus_mention: Option<usize>,
    /// Set when the view should scroll to `focus_mention` on its next frame; the view
    /// clears it with [`AppState::scrolled`].
    pub scroll_pending: bool,
}

/// Places and mentions of one country (or of the multi-country regions, key `""`), for the
/// country filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCount {
    /// ISO 3166-1 alpha-2 code; `""` for places with no single country.
    pub key: String,
    /// Display name (`Niger`, `Multi-country regions`).
    pub name: String,
    /// Number of places.
    pub places: usize,
    /// Number of mentions.
    pub mentions: usize,
}

/// Places and mentions of one feature type, for the type filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindCount {
    /// The feature type.
    pub kind: Kind,
    /// Number of places of that type.
    pub places: usize,
    /// Number of mentions.
    pub mentions: usize,
}

/// One way to resolve a mention, offered to the user when correcting it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateChoice {
    /// The gazetteer entry.
    pub entry: EntryIndex,
    /// The parser's probability for it, when the parser ranked it (its choice or an
    /// alternate); `None` for other entries of the same name.
    pub probability: Option<f32>,
    /// True if the mention denotes it now (after corrections).
    pub is_current: bool,
}

/// A mention's place in a document: `(document index, mention index)`.
pub type MentionKey = (usize, usize);

/// The whole state of the app, without any GUI types. See the module documentation.
#[derive(Debug, Default)]
pub struct AppState {
    gazetteer: Option<Arc<Gazetteer>>,
    documents: Vec<ParsedDocument>,
    sources: Vec<DocumentSource>,
    corrections: Corrections,
    filter: Filter,
    selected: Option<EntryIndex>,
    open_document: Option<OpenDocument>,
    messages: Vec<Message>,
    next_message: u64,
    progress: Option<Progress>,
    online_tiles: bool,
    // Derived from the inputs above by `recompute`.
    places: Vec<Place>,
    country_counts: Vec<CountryCount>,
    kind_counts: Vec<KindCount>,
    document_mentions: Vec<usize>,
    revision: u64,
    dirty: bool,
}

/// At most this many messages are kept in the log.
const MAX_MESSAGES: usize = 500;

impl AppState {
    /// An empty state with no gazetteer yet (it loads in the background).
    pub fn new() -> AppState {
        AppState::default()
    }

    /// A state with a loaded gazetteer.
    pub fn with_gazetteer(gazetteer: Arc<Gazetteer>) -> AppState {
        let mut state = AppState::new();
        state.set_gazetteer(gazetteer);
        state
    }

    /// A state with one mention of each of the `n` most populous places, in documents of
    /// 500 lines: synthetic data for benchmarks and tests of large results, made without
    /// running the parser.
    pub fn with_most_populous_places(gazetteer: Arc<Gazetteer>, n: usize) -> AppState {
        use crate::corpus::Document;
        use crate::geoparse::{Mention, Resolution};
        let mut entries: Vec<EntryIndex> = (0..gazetteer.len() as EntryIndex)
            .filter(|&e| gazetteer.entry(e).kind == Kind::Place)
            .collect();
        entries.sort_by_key(|&e| std::cmp::Reverse(gazetteer.entry(e).population));
        entries.truncate(n);
        let mut state = AppState::with_gazetteer(gazetteer.clone());
        for (d, chunk) in entries.chunks(500).enumerate() {
            let mut text = String::new();
            let mut mentions = Vec::new();
            for &e in chunk {
                let name = &gazetteer.entry(e).name;
                let start = text.len();
                text.push_str(name);
                let end = text.len();
                text.push_str(".\n");
                mentions.push(Mention {
                    start,
                    end,
                    text: name.clone(),
                    passage: start..end + 1,
                    resolution: Resolution {
                        entry: e,
                        confidence: 0.9,
                        probability: 1.0,
                        alternates: Vec::new(),
                    },
                });
            }
            let name = format!("big-{d}.txt");
            let document = Document::from_text(name.clone(), text.clone());
            state.add_document(
                ParsedDocument { document, mentions },
                DocumentSource::Pasted { name, text },
            );
        }
        state.refresh();
        state
    }

    // ----------------------------------------------------------------------------------
    // Inputs

    /// Sets the gazetteer. Parse results made with another gazetteer are dropped, since
    /// their entry indexes would point at the wrong entries.
    pub fn set_gazetteer(&mut self, gazetteer: Arc<Gazetteer>) {
        if !self.documents.is_empty() {
            self.documents.clear();
            self.sources.clear();
            self.open_document = None;
        }
        self.gazetteer = Some(gazetteer);
        self.selected = None;
        self.recompute();
    }

    /// The gazetteer, once loaded.
    pub fn gazetteer(&self) -> Option<&Gazetteer> {
        self.gazetteer.as_deref()
    }

    /// The gazetteer as a shared handle (for background parsing).
    pub fn gazetteer_arc(&self) -> Option<Arc<Gazetteer>> {
        self.gazetteer.clone()
    }

    /// The parsed documents, in the order they were added.
    pub fn documents(&self) -> &[ParsedDocument] {
        &self.documents
    }

    /// Where each document came from (same order as [`AppState::documents`]).
    pub fn sources(&self) -> &[DocumentSource] {
        &self.sources
    }

    /// True if a document from this file is already loaded.
    pub fn has_file(&self, path: &Path) -> bool {
        self.sources.iter().any(|s| s.path() == Some(path))
    }

    /// A document name not used yet: `name`, or `name (2)`, `name (3)`…
    pub fn unique_name(&self, name: &str) -> String {
        let taken = |n: &str| self.sources.iter().any(|s| s.name() == n);
        if !taken(name) {
            return name.to_string();
        }
        (2..)
            .map(|i| format!("{name} ({i})"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| name.to_string())
    }

    /// Adds a parsed document. The derived lists are brought up to date by the next
    /// [`AppState::refresh`] (so a batch of documents costs one recomputation).
    ///
    /// Returns `false` and adds nothing if the same file is already loaded.
    pub fn add_document(&mut self, mut parsed: ParsedDocument, source: DocumentSource) -> bool {
        if let Some(path) = source.path()
            && self.has_file(path)
        {
            return false;
        }
        let name = self.unique_name(source.name());
        let source = match source {
            DocumentSource::File { path, .. } => DocumentSource::File {
                path,
                name: name.clone(),
            },
            DocumentSource::Pasted { text, .. } => DocumentSource::Pasted {
                name: name.clone(),
                text,
            },
        };
        parsed.document.name = name;
        self.documents.push(parsed);
        self.sources.push(source);
        self.dirty = true;
        true
    }

    /// Removes every document (corrections and the filter stay).
    pub fn clear_documents(&mut self) {
        self.documents.clear();
        self.sources.clear();
        self.open_document = None;
        self.selected = None;
        self.recompute();
    }

    /// Recomputes the derived lists if documents were added since the last call.
    pub fn refresh(&mut self) {
        if self.dirty {
            self.recompute();
        }
    }

    /// The corrections.
    pub fn corrections(&self) -> &Corrections {
        &self.corrections
    }

    /// The filter.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Replaces the filter.
    pub fn set_filter(&mut self, filter: Filter) {
        if filter != self.filter {
            self.filter = filter;
            self.recompute();
        }
    }

    /// Shows or hides the places of one country (`""`: multi-country regions).
    pub fn set_country_visible(&mut self, key: &str, visible: bool) {
        let mut filter = self.filter.clone();
        if visible {
            filter.hidden_countries.remove(key);
        } else {
            filter.hidden_countries.insert(key.to_string());
        }
        self.set_filter(filter);
    }

    /// Shows every country.
    pub fn show_all_countries(&mut self) {
        let mut filter = self.filter.clone();
        filter.hidden_countries.clear();
        self.set_filter(filter);
    }

    /// Hides every country listed in [`AppState::country_counts`].
    pub fn hide_all_countries(&mut self) {
        let mut filter = self.filter.clone();
        filter.hidden_countries = self.country_counts.iter().map(|c| c.key.clone()).collect();
        self.set_filter(filter);
    }

    /// Shows only the given country.
    pub fn show_only_country(&mut self, key: &str) {
        let mut filter = self.filter.clone();
        filter.hidden_countries = self
            .country_counts
            .iter()
            .map(|c| c.key.clone())
            .filter(|k| k != key)
            .collect();
        self.set_filter(filter);
    }

    /// Shows or hides one feature type.
    pub fn set_kind_visible(&mut self, kind: Kind, visible: bool) {
        let mut filter = self.filter.clone();
        if visible {
            filter.hidden_kinds.remove(&kind);
        } else {
            filter.hidden_kinds.insert(kind);
        }
        self.set_filter(filter);
    }

    /// Shows or hides the mentions of one document (by name).
    pub fn set_document_visible(&mut self, name: &str, visible: bool) {
        let mut filter = self.filter.clone();
        if visible {
            filter.hidden_documents.remove(name);
        } else {
            filter.hidden_documents.insert(name.to_string());
        }
        self.set_filter(filter);
    }

    /// Counts demonyms (`Nigerien`) as mentions of their country, or not.
    pub fn set_show_demonyms(&mut self, show: bool) {
        let mut filter = self.filter.clone();
        filter.show_demonyms = show;
        self.set_filter(filter);
    }

    /// Sets the place-name search (case- and accent-insensitive substring).
    pub fn set_search(&mut self, search: &str) {
        let mut filter = self.filter.clone();
        filter.search = search.to_string();
        self.set_filter(filter);
    }

    /// Hides mentions below this confidence (0 to 1).
    pub fn set_min_confidence(&mut self, min_confidence: f32) {
        let mut filter = self.filter.clone();
        filter.min_confidence = min_confidence.clamp(0.0, 1.0);
        self.set_filter(filter);
    }

    // ----------------------------------------------------------------------------------
    // Derived lists

    fn recompute(&mut self) {
        self.dirty = false;
        self.revision += 1;
        let Some(g) = self.gazetteer.clone() else {
            self.places.clear();
            self.country_counts.clear();
            self.kind_counts.clear();
            self.document_mentions.clear();
            return;
        };
        let g = &*g;
        self.places = corpus::places(g, &self.documents, &self.corrections, &self.filter);
        self.country_counts =
            corpus::country_counts(g, &self.documents, &self.corrections, &self.filter)
                .into_iter()
                .map(|(key, places, mentions)| CountryCount {
                    name: corpus::country_name(g, &key),
                    key,
                    places,
                    mentions,
                })
                .collect();
        // Countries the user hid that no longer have places still get a row, so they
        // can be shown again.
        for key in &self.filter.hidden_countries {
            if !self.country_counts.iter().any(|c| &c.key == key) {
                self.country_counts.push(CountryCount {
                    name: corpus::country_name(g, key),
                    key: key.clone(),
                    places: 0,
                    mentions: 0,
                });
            }
        }
        // Kinds: counted over everything but the kind filter, like the countries.
        let unfiltered_kinds = Filter {
            hidden_kinds: BTreeSet::new(),
            ..self.filter.clone()
        };
        let mut kinds: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
        for p in corpus::places(g, &self.documents, &self.corrections, &unfiltered_kinds) {
            let c = kinds.entry(g.entry(p.entry).kind).or_default();
            c.0 += 1;
            c.1 += p.mentions.len();
        }
        self.kind_counts = Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::Demonym)
            .map(|kind| {
                let (places, mentions) = kinds.get(&kind).copied().unwrap_or_default();
                KindCount {
                    kind,
                    places,
                    mentions,
                }
            })
            .collect();
        let mut per_document = vec![0; self.documents.len()];
        for p in &self.places {
            for m in &p.mentions {
                per_document[m.document] += 1;
            }
        }
        self.document_mentions = per_document;
    }

    /// The places shown: after corrections and the filter, most-mentioned first.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// Every country (key `""`: multi-country regions) with its places and mentions,
    /// counted before the country filter, most mentions first.
    pub fn country_counts(&self) -> &[CountryCount] {
        &self.country_counts
    }

    /// Every feature type that can be filtered, with its places and mentions counted
    /// before the type filter, in display order.
    pub fn kind_counts(&self) -> &[KindCount] {
        &self.kind_counts
    }

    /// Mentions shown per document (same order as [`AppState::documents`]).
    pub fn document_mentions(&self) -> &[usize] {
        &self.document_mentions
    }

    /// Total mentions shown.
    pub fn mention_count(&self) -> usize {
        self.places.iter().map(|p| p.mentions.len()).sum()
    }

    /// Increases whenever the derived lists change.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The shown place of an entry.
    pub fn place(&self, entry: EntryIndex) -> Option<&Place> {
        self.places.iter().find(|p| p.entry == entry)
    }

    /// The first shown place whose name is exactly `name` (tests, scripting).
    pub fn place_named(&self, name: &str) -> Option<&Place> {
        let g = self.gazetteer()?;
        self.places.iter().find(|p| g.entry(p.entry).name == name)
    }

    // ----------------------------------------------------------------------------------
    // Selection and the open document

    /// Selects a place (by its located entry), or clears the selection.
    pub fn select(&mut self, entry: Option<EntryIndex>) {
        self.selected = entry;
    }

    /// The selected place's entry, whether or not the filter shows it.
    pub fn selected(&self) -> Option<EntryIndex> {
        self.selected
    }

    /// The selected place, if the filter shows it.
    pub fn selected_place(&self) -> Option<&Place> {
        self.selected.and_then(|e| self.place(e))
    }

    /// The mentions of a place grouped by document: `(document index, mentions)`, in
    /// document then text order.
    pub fn passages_by_document(place: &Place) -> Vec<(usize, Vec<MentionRef>)> {
        let mut out: Vec<(usize, Vec<MentionRef>)> = Vec::new();
        for m in &place.mentions {
            match out.last_mut() {
                Some((d, list)) if *d == m.document => list.push(*m),
                _ => out.push((m.document, vec![*m])),
            }
        }
        out
    }

    /// Opens a document in the document view, scrolled to one of its mentions.
    pub fn open_document(&mut self, document: usize, focus_mention: Option<usize>) {
        if document >= self.documents.len() {
            return;
        }
        self.open_document = Some(OpenDocument {
            document,
            focus_mention,
            scroll_pending: focus_mention.is_some(),
        });
    }

    /// Closes the document view.
    pub fn close_document(&mut self) {
        self.open_document = None;
    }

    /// The document shown in the document view.
    pub fn open_document_state(&self) -> Option<&OpenDocument> {
        self.open_document.as_ref()
    }

    /// Tells the state that the document view scrolled to its focus mention.
    pub fn scrolled(&mut self) {
        if let Some(open) = &mut self.open_document {
            open.scroll_pending = false;
        }
    }

    /// The located entry a mention denotes after corrections, or `None` if the user
    /// marked it "not a place".
    pub fn effective_entry(&self, (document, mention): MentionKey) -> Option<EntryIndex> {
        let g = self.gazetteer()?;
        let doc = self.documents.get(document)?;
        let m = doc.mentions.get(mention)?;
        let (entry, _, _) = self.corrections.apply(g, &doc.document.name, m)?;
        Some(crate::geoparse::located_entry(g, entry))
    }

    /// The correction of a mention, if the user made one.
    pub fn correction_of(&self, (document, mention): MentionKey) -> Option<&CorrectionAction> {
        let doc = self.documents.get(document)?;
        let m = doc.mentions.get(mention)?;
        self.corrections.get(&doc.document.name, m.start, m.end)
    }

    // ----------------------------------------------------------------------------------
    // Corrections

    /// The ways a mention can be resolved: the parser's choice, its alternates, then other
    /// entries of the same name (at most `limit` in all), the current one marked.
    pub fn candidates(&self, key: MentionKey, limit: usize) -> Vec<CandidateChoice> {
        let Some(g) = self.gazetteer() else {
            return Vec::new();
        };
        let Some(m) = self
            .documents
            .get(key.0)
            .and_then(|d| d.mentions.get(key.1))
        else {
            return Vec::new();
        };
        let current = self.effective_entry(key);
        let mut out: Vec<CandidateChoice> = Vec::new();
        let push = |out: &mut Vec<CandidateChoice>, entry: EntryIndex, p: Option<f32>| {
            if out.len() < limit && !out.iter().any(|c| c.entry == entry) {
                let located = crate::geoparse::located_entry(g, entry);
                out.push(CandidateChoice {
                    entry,
                    probability: p,
                    is_current: current == Some(located),
                });
            }
        };
        push(&mut out, m.resolution.entry, Some(m.resolution.probability));
        for a in &m.resolution.alternates {
            push(&mut out, a.entry, Some(a.probability));
        }
        let mut others = g.candidates(&m.text);
        others.sort_by_key(|c| {
            let e = g.entry(c.entry);
            (e.kind, std::cmp::Reverse(e.population))
        });
        for c in others {
            push(&mut out, c.entry, None);
        }
        out
    }

    /// The candidates of a whole place: every entry any of its mentions could denote
    /// instead (the best probability each was given), most likely first.
    pub fn place_candidates(&self, place: &Place, limit: usize) -> Vec<CandidateChoice> {
        let Some(g) = self.gazetteer() else {
            return Vec::new();
        };
        let mut best: HashMap<EntryIndex, f32> = HashMap::new();
        for m in &place.mentions {
            let mention = &self.documents[m.document].mentions[m.mention];
            let mut offer = |entry: EntryIndex, p: f32| {
                if crate::geoparse::located_entry(g, entry) != place.entry {
                    let slot = best.entry(entry).or_insert(p);
                    *slot = slot.max(p);
                }
            };
            offer(mention.resolution.entry, mention.resolution.probability);
            for a in &mention.resolution.alternates {
                offer(a.entry, a.probability);
            }
        }
        let mut out: Vec<CandidateChoice> = best
            .into_iter()
            .map(|(entry, p)| CandidateChoice {
                entry,
                probability: Some(p),
                is_current: false,
            })
            .collect();
        out.sort_by(|a, b| {
            b.probability
                .partial_cmp(&a.probability)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.entry.cmp(&b.entry))
        });
        out.truncate(limit);
        out
    }

    /// The mentions the user corrected that are in the open documents, oldest correction
    /// first.
    pub fn corrected_mentions(&self) -> Vec<MentionKey> {
        let mut out = Vec::new();
        for c in self.corrections.iter() {
            let Some(d) = self
                .documents
                .iter()
                .position(|d| d.document.name == c.document)
            else {
                continue;
            };
            if let Some(m) = self.documents[d]
                .mentions
                .iter()
                .position(|m| m.start == c.start && m.end == c.end)
            {
                out.push((d, m));
            }
        }
        out
    }

    /// The shown places with the lowest mean confidence, least sure first: the ones to
    /// check.
    pub fn least_certain_places(&self, n: usize) -> Vec<(EntryIndex, f32)> {
        let mut out: Vec<(EntryIndex, f32)> = self
            .places
            .iter()
            .map(|p| {
                let mean = p.mentions.iter().map(|m| m.confidence).sum::<f32>()
                    / p.mentions.len().max(1) as f32;
                (p.entry, mean)
            })
            .collect();
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        out.truncate(n);
        out
    }

    /// Corrects one mention: it denotes `action`'s entry, or is not a place.
    pub fn correct(&mut self, (document, mention): MentionKey, action: CorrectionAction) {
        let Some(doc) = self.documents.get(document) else {
            return;
        };
        let Some(m) = doc.mentions.get(mention) else {
            return;
        };
        self.corrections.set(Correction {
            document: doc.document.name.clone(),
            start: m.start,
            end: m.end,
            action,
        });
        self.recompute();
    }

    /// Reassigns one mention to a gazetteer entry.
    pub fn reassign(&mut self, key: MentionKey, entry: EntryIndex) {
        let Some(id) = self.gazetteer().map(|g| g.entry(entry).id.clone()) else {
            return;
        };
        self.correct(key, CorrectionAction::Reassign { id });
    }

    /// Removes the correction of a mention, restoring the parser's choice.
    pub fn undo_correction(&mut self, (document, mention): MentionKey) {
        let Some(doc) = self.documents.get(document) else {
            return;
        };
        let Some(m) = doc.mentions.get(mention) else {
            return;
        };
        let (name, start, end) = (doc.document.name.clone(), m.start, m.end);
        self.corrections.clear(&name, start, end);
        self.recompute();
    }

    /// Corrects every shown mention of a place. With `Some(entry)`, the mentions that
    /// could denote `entry` (it is their parser's choice or an alternate, or has their
    /// name) are reassigned to it and it becomes the selection; with `None` all are marked
    /// "not a place". Returns how many mentions changed.
    pub fn correct_place(&mut self, place_entry: EntryIndex, to: Option<EntryIndex>) -> usize {
        let Some(g) = self.gazetteer.clone() else {
            return 0;
        };
        let Some(place) = self.place(place_entry).cloned() else {
            return 0;
        };
        let mut changed = 0;
        for m in &place.mentions {
            let doc = &self.documents[m.document];
            let mention = &doc.mentions[m.mention];
            let action = match to {
                None => CorrectionAction::NotAPlace,
                Some(target) => {
                    let offered = mention.resolution.entry == target
                        || mention
                            .resolution
                            .alternates
                            .iter()
                            .any(|a| a.entry == target)
                        || g.candidates(&mention.text)
                            .iter()
                            .any(|c| c.entry == target);
                    if !offered {
                        continue;
                    }
                    CorrectionAction::Reassign {
                        id: g.entry(target).id.clone(),
                    }
                }
            };
            self.corrections.set(Correction {
                document: doc.document.name.clone(),
                start: mention.start,
                end: mention.end,
                action,
            });
            changed += 1;
        }
        if let Some(target) = to
            && changed > 0
        {
            self.selected = Some(crate::geoparse::located_entry(&g, target));
        }
        self.recompute();
        changed
    }

    // ----------------------------------------------------------------------------------
    // Export

    /// Writes what is shown (the places after corrections and the filter) to `path`,
    /// atomically.
    pub fn export(&self, path: &Path, format: Format) -> Result<(), ExportError> {
        let Some(g) = self.gazetteer() else {
            return Err(ExportError::Serialize(
                "the gazetteer is still loading; nothing to export yet".to_string(),
            ));
        };
        export::write(path, format, g, &self.documents, &self.places)
    }

    // ----------------------------------------------------------------------------------
    // Messages and progress

    /// Adds a status message.
    pub fn push_message(&mut self, level: MessageLevel, text: impl Into<String>) {
        self.next_message += 1;
        self.messages.push(Message {
            level,
            text: text.into(),
            sequence: self.next_message,
        });
        if self.messages.len() > MAX_MESSAGES {
            let excess = self.messages.len() - MAX_MESSAGES;
            self.messages.drain(..excess);
        }
    }

    /// Every message kept, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The newest message.
    pub fn latest_message(&self) -> Option<&Message> {
        self.messages.last()
    }

    /// Forgets every message.
    pub fn clear_messages(&mut self) {
        self.messages.clear();
    }

    /// Sets or clears the loading progress.
    pub fn set_progress(&mut self, progress: Option<Progress>) {
        self.progress = progress;
    }

    /// The loading progress, while something loads.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// Whether online tiles are on (saved with the session).
    pub fn online_tiles(&self) -> bool {
        self.online_tiles
    }

    /// Switches online tiles on or off.
    pub fn set_online_tiles(&mut self, on: bool) {
        self.online_tiles = on;
    }

    // ----------------------------------------------------------------------------------
    // Session

    /// What to save between runs.
    pub fn session(&self) -> Session {
        Session {
            sources: self.sources.clone(),
            corrections: self.corrections.clone(),
            filter: self.filter.clone(),
            selected: self
                .selected
                .and_then(|e| self.gazetteer().map(|g| g.entry(e).id.clone())),
            online_tiles: self.online_tiles,
        }
    }

    /// Restores the corrections, filter, selection and tile choice of a saved session.
    /// The documents are not loaded here: the caller reads `session.sources` (in the
    /// background) and adds them.
    pub fn restore(&mut self, session: &Session) {
        self.corrections = session.corrections.clone();
        self.filter = session.filter.clone();
        self.online_tiles = session.online_tiles;
        self.selected = session
            .selected
            .as_deref()
            .and_then(|id| self.gazetteer().and_then(|g| g.index_of_id(id)));
        self.recompute();
    }

    /// Forgets the corrections and resets the filter (for "Reset to samples").
    pub fn reset_corrections_and_filter(&mut self) {
        self.corrections = Corrections::default();
        self.filter = Filter::default();
        self.selected = None;
        self.recompute();
    }
}

/// The passage of a mention: its sentence's byte range in the document text, widened to
/// the mention itself if the parser's range is out of bounds.
pub fn passage_range(doc: &ParsedDocument, mention: usize) -> Range<usize> {
    let m = &doc.mentions[mention];
    let text_len = doc.document.text.len();
    let r = m.passage.clone();
    if r.start <= m.start && m.end <= r.end && r.end <= text_len {
        r
    } else {
        m.start.min(text_len)..m.end.min(text_len)
    }
}

#[cfg(test)]
mod tests;
