//! What a corpus shows: the places after corrections and the filter, and the counts the
//! filter panels list. Front ends keep a [`Summary`] and never recompute it per frame.
//!
//! It is kept up to date as documents are added, at the cost of the new document's
//! mentions ([`Summary::add_new_documents`]): opening a folder of 100,000 articles must
//! not redo the work of the documents already open at each one that arrives. Putting the
//! places in order ([`Summary::settle`]) costs a sort of the places (a few thousand at
//! most, whatever the number of documents). A change of the filter or of the corrections
//! recounts every mention ([`Summary::of`]): once per user action, never per document.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::corrections::Corrections;
use super::filter::{Filter, country_key, country_name};
use super::parse::ParsedDocument;
use super::places::{Place, document_mentions};
use super::set::{Corpus, CorpusParts};
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};
use crate::geoparse::located_entry;

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

/// Figures of one place kept as its mentions are counted, so that a panel shows them
/// without a pass over the mentions (a country can have 100,000).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceStats {
    /// Documents that mention it.
    pub documents: usize,
    /// Mean confidence of its mentions.
    pub mean_confidence: f32,
    /// Lowest confidence of its mentions.
    pub lowest_confidence: f32,
    /// Mentions a person corrected.
    pub corrected: usize,
    /// Mentions that are demonyms.
    pub demonyms: usize,
}

/// A place of a project's `places` layer, resolved to an entry of the gazetteer open
/// (the entry shown: a demonym's country), with the layer's counts: what
/// [`Summary::of_layer`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerPlace {
    /// The entry.
    pub entry: EntryIndex,
    /// Mentions that count for it.
    pub mentions: usize,
    /// Documents with at least one of them.
    pub documents: usize,
}

/// A place's figures while they are counted.
#[derive(Debug, Clone, Default)]
struct Tally {
    documents: usize,
    confidence_sum: f64,
    lowest: f32,
    corrected: usize,
    demonyms: usize,
}

/// What the summary knows of a place besides its mentions.
#[derive(Debug, Clone)]
struct Slot {
    tally: Tally,
    /// Row of its country in `Summary::countries`.
    country: usize,
    /// Row of its kind in `Summary::kinds` (position in [`Kind::ALL`]).
    kind: usize,
    /// The filter's kind, country and search tests (the mention tests came before).
    kind_shown: bool,
    country_shown: bool,
    search_shown: bool,
}

impl Slot {
    fn shown(&self) -> bool {
        self.kind_shown && self.country_shown && self.search_shown
    }
}

/// A country's row while it is counted.
#[derive(Debug, Clone)]
struct CountryRow {
    key: String,
    name: String,
    places: usize,
    mentions: usize,
}

/// The places a corpus shows and the counts of the filter panels. See the module
/// documentation.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every place with a mention that passes the mention tests: those the filter shows
    /// first (`..shown`), most mentioned first as of the last [`Summary::settle`], then the
    /// others (hidden by the kind, country or search filter, or new since).
    places: Vec<Place>,
    /// Same order as `places`.
    slots: Vec<Slot>,
    shown: usize,
    slot_of: FxHashMap<EntryIndex, usize>,
    /// Over the places the kind filter and the search show.
    countries: Vec<CountryRow>,
    country_of: HashMap<String, usize>,
    /// Over the places the country filter and the search show, by position in
    /// [`Kind::ALL`]: (places, mentions).
    kinds: [(usize, usize); Kind::ALL.len()],
    /// Mentions shown per document counted so far.
    document_mentions: Vec<usize>,
    /// Mentions of shown places, counted as they come.
    shown_mentions: usize,
    /// The filter the counts are made with, and its search folded.
    filter: Filter,
    search: String,
    // As of the last settle:
    country_counts: Vec<CountryCount>,
    kind_counts: Vec<KindCount>,
    mention_count: usize,
    least_certain: Vec<(EntryIndex, f32)>,
    /// Mentions and places visited since the summary was made (see [`Summary::work`]).
    work: u64,
    /// Shown mentions per publication day (days since 1970-01-01), counted with every
    /// part of the filter but its date range, so the timeline shows what lies outside
    /// the range chosen too.
    timeline: BTreeMap<i32, usize>,
    /// Shown mentions of undated documents, counted the same way.
    undated: usize,
}

impl PartialEq for Summary {
    /// Equal if they show the same: the work spent getting there does not count.
    fn eq(&self, other: &Self) -> bool {
        self.places() == other.places()
            && self.country_counts == other.country_counts
            && self.kind_counts == other.kind_counts
            && self.document_mentions == other.document_mentions
            && self.timeline == other.timeline
            && self.undated == other.undated
    }
}

impl Summary {
    /// Counts every document of `corpus` and settles: what it shows.
    pub fn of(g: &Gazetteer, corpus: &Corpus) -> Summary {
        Summary::of_parts(g, &corpus.parts())
    }

    /// Counts every document of a corpus taken apart (see [`Corpus::parts`], which a
    /// thread other than the owner's can hold) and settles.
    pub fn of_parts(g: &Gazetteer, parts: &CorpusParts) -> Summary {
        let mut summary = Summary {
            filter: parts.filter.clone(),
            search: crate::fold::fold_name(&parts.filter.search),
            ..Summary::default()
        };
        summary.count_new(g, &parts.documents, &parts.corrections);
        summary.settle(g);
        summary
    }

    /// What a project too large to hold in memory shows, from its `places` layer (see
    /// [`crate::project`]): each place with its counts as the layer keeps them (the
    /// corrections applied, demonyms not counted). The filter's kind, country and search
    /// apply, as they are decided place by place; its parts decided mention by mention
    /// or document by document (confidence, demonyms, hidden documents, dates) cannot be
    /// from the layer and are not applied ([`Summary::layer_ignores`] says which are
    /// set). The places hold no mentions ([`Place::mention_count`] has their number), and
    /// there are no confidences, per-document counts or timeline. Costs a pass over the
    /// places: a few thousand, whatever the number of documents.
    pub fn of_layer(g: &Gazetteer, filter: &Filter, places: &[LayerPlace]) -> Summary {
        let mut summary = Summary {
            filter: filter.clone(),
            search: crate::fold::fold_name(&filter.search),
            ..Summary::default()
        };
        for p in places {
            let s = summary.slot(g, p.entry);
            let (place, slot) = (&mut summary.places[s], &mut summary.slots[s]);
            let new_place = usize::from(place.mention_count == 0);
            place.mention_count += p.mentions;
            slot.tally.documents += p.documents;
            slot.tally.confidence_sum = f64::NAN;
            slot.tally.lowest = f32::NAN;
            if slot.kind_shown && slot.search_shown {
                let row = &mut summary.countries[slot.country];
                row.places += new_place;
                row.mentions += p.mentions;
            }
            if slot.country_shown && slot.search_shown {
                let row = &mut summary.kinds[slot.kind];
                row.0 += new_place;
                row.1 += p.mentions;
            }
            if slot.shown() {
                summary.shown_mentions += p.mentions;
            }
        }
        summary.settle(g);
        // No confidences to rank by.
        summary.least_certain.clear();
        summary
    }

    /// The parts of `filter` [`Summary::of_layer`] cannot apply that are set, in words
    /// (`"minimum confidence"`, `"dates"`…): empty when the layer shows what the filter
    /// asks for.
    pub fn layer_ignores(filter: &Filter) -> Vec<&'static str> {
        let mut out = Vec::new();
        if filter.min_confidence > 0.0 {
            out.push("minimum confidence");
        }
        if filter.show_demonyms {
            out.push("demonyms");
        }
        if !filter.hidden_documents.is_empty() {
            out.push("hidden documents");
        }
        if !filter.dates.is_everything() {
            out.push("dates");
        }
        out
    }

    /// Counts the documents added to `corpus` since the last call (or since
    /// [`Summary::of`]), at the cost of their mentions alone. The corpus's filter and
    /// corrections must be those the summary was made with: when they change, make a new
    /// one with [`Summary::of`]. The places' mentions and figures grow at once; their order
    /// and the filter panels' counts follow at the next [`Summary::settle`].
    pub fn add_new_documents(&mut self, g: &Gazetteer, corpus: &Corpus) {
        if corpus.documents().len() < self.document_mentions.len() {
            // Documents were removed: only a recount can tell what is left.
            *self = Summary::of(g, corpus);
            return;
        }
        self.count_new(g, corpus.documents(), corpus.corrections());
    }

    /// Counts `documents` from the first not counted yet.
    fn count_new(
        &mut self,
        g: &Gazetteer,
        documents: &[Arc<ParsedDocument>],
        corrections: &Corrections,
    ) {
        let counted = self.document_mentions.len();
        for (d, doc) in documents.iter().enumerate().skip(counted) {
            self.count_document(g, corrections, d, doc);
        }
    }

    fn count_document(
        &mut self,
        g: &Gazetteer,
        corrections: &Corrections,
        d: usize,
        doc: &ParsedDocument,
    ) {
        self.document_mentions.push(0);
        let name = &doc.document.name;
        if self.filter.hidden_documents.contains(name) {
            return;
        }
        self.work += doc.mentions.len() as u64;
        let day = doc.document.meta.published.map(|p| p.day_number());
        if !self.filter.dates.shows(day) {
            // Outside the date range: counted on the timeline only.
            let mut shown = 0;
            for mention in document_mentions(g, corrections, d, doc) {
                if self
                    .filter
                    .shows_mention(mention.demonym, mention.confidence)
                    && self.place_shown(g, located_entry(g, mention.entry))
                {
                    shown += 1;
                }
            }
            self.count_on_timeline(day, shown);
            return;
        }
        let before = self.document_mentions[d];
        for mention in document_mentions(g, corrections, d, doc) {
            let (confidence, demonym) = (mention.confidence, mention.demonym);
            if !self.filter.shows_mention(demonym, confidence) {
                continue;
            }
            let s = self.slot(g, located_entry(g, mention.entry));
            let (place, slot) = (&mut self.places[s], &mut self.slots[s]);
            let first = place.mentions.is_empty();
            let t = &mut slot.tally;
            if place.mentions.last().is_none_or(|last| last.document != d) {
                t.documents += 1;
            }
            t.confidence_sum += f64::from(confidence);
            t.lowest = if first {
                confidence
            } else {
                t.lowest.min(confidence)
            };
            t.corrected += usize::from(mention.corrected);
            t.demonyms += usize::from(demonym);
            place.mentions.push(mention);
            place.mention_count += 1;
            let new_place = usize::from(first);
            if slot.kind_shown && slot.search_shown {
                let row = &mut self.countries[slot.country];
                row.places += new_place;
                row.mentions += 1;
            }
            if slot.country_shown && slot.search_shown {
                let row = &mut self.kinds[slot.kind];
                row.0 += new_place;
                row.1 += 1;
            }
            if slot.shown() {
                self.shown_mentions += 1;
                self.document_mentions[d] += 1;
            }
        }
        let shown = self.document_mentions[d] - before;
        self.count_on_timeline(day, shown);
    }

    /// Adds `mentions` of a document published on `day` to the timeline.
    fn count_on_timeline(&mut self, day: Option<i32>, mentions: usize) {
        if mentions == 0 {
            return;
        }
        match day {
            Some(day) => *self.timeline.entry(day).or_default() += mentions,
            None => self.undated += mentions,
        }
    }

    /// Whether the place at `entry` passes the filter's kind, country and search tests,
    /// without making it a slot.
    fn place_shown(&self, g: &Gazetteer, entry: EntryIndex) -> bool {
        if let Some(&s) = self.slot_of.get(&entry) {
            return self.slots[s].shown();
        }
        let e = g.entry(entry);
        !self.filter.hidden_kinds.contains(&e.kind)
            && !self
                .filter
                .hidden_countries
                .contains(e.country_code.as_deref().unwrap_or_default())
            && (self.search.is_empty() || crate::fold::fold_name(&e.name).contains(&self.search))
    }

    /// Mentions the filter shows per publication day (days since 1970-01-01, see
    /// [`Published::day_number`](super::Published::day_number)), counted with every part
    /// of the filter except its date range: the timeline, with the range drawn over it.
    pub fn timeline(&self) -> &BTreeMap<i32, usize> {
        &self.timeline
    }

    /// Mentions the filter shows in undated documents, counted like
    /// [`Summary::timeline`].
    pub fn undated_mentions(&self) -> usize {
        self.undated
    }

    /// The slot of a located entry, made (with the filter's verdicts on it) if new.
    fn slot(&mut self, g: &Gazetteer, entry: EntryIndex) -> usize {
        if let Some(&s) = self.slot_of.get(&entry) {
            return s;
        }
        let e = g.entry(entry);
        let key = country_key(g, entry);
        let country = match self.country_of.get(&key) {
            Some(&row) => row,
            None => {
                self.countries.push(CountryRow {
                    name: country_name(g, &key),
                    key: key.clone(),
                    places: 0,
                    mentions: 0,
                });
                self.country_of
                    .insert(key.clone(), self.countries.len() - 1);
                self.countries.len() - 1
            }
        };
        let slot = Slot {
            tally: Tally::default(),
            country,
            kind: Kind::ALL.iter().position(|k| *k == e.kind).unwrap_or(0),
            kind_shown: !self.filter.hidden_kinds.contains(&e.kind),
            country_shown: !self.filter.hidden_countries.contains(&key),
            search_shown: self.search.is_empty()
                || crate::fold::fold_name(&e.name).contains(&self.search),
        };
        self.places.push(Place::new(entry, Vec::new()));
        self.slots.push(slot);
        let s = self.places.len() - 1;
        self.slot_of.insert(entry, s);
        s
    }

    /// Puts the places in order (shown first, most mentioned first, then by name) and
    /// brings the filter panels' counts up to date. Costs a sort of the places, not a pass
    /// over the mentions.
    pub fn settle(&mut self, g: &Gazetteer) {
        self.work += self.places.len() as u64;
        let mut pairs: Vec<(Place, Slot)> = std::mem::take(&mut self.places)
            .into_iter()
            .zip(std::mem::take(&mut self.slots))
            .collect();
        pairs.sort_by(|(a, sa), (b, sb)| {
            sb.shown()
                .cmp(&sa.shown())
                .then_with(|| b.mention_count.cmp(&a.mention_count))
                .then_with(|| g.entry(a.entry).name.cmp(&g.entry(b.entry).name))
                .then_with(|| a.entry.cmp(&b.entry))
        });
        (self.places, self.slots) = pairs.into_iter().unzip();
        self.shown = self.slots.iter().take_while(|s| s.shown()).count();
        self.slot_of = self
            .places
            .iter()
            .enumerate()
            .map(|(s, p)| (p.entry, s))
            .collect();
        self.mention_count = self.shown_mentions;

        let mut countries: Vec<CountryCount> = self
            .countries
            .iter()
            .filter(|c| c.places > 0)
            .map(|c| CountryCount {
                key: c.key.clone(),
                name: c.name.clone(),
                places: c.places,
                mentions: c.mentions,
            })
            .collect();
        countries.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.key.cmp(&b.key)));
        // Countries the user hid that have no places still get a row, so they can be
        // shown again.
        for key in &self.filter.hidden_countries {
            if !countries.iter().any(|c| &c.key == key) {
                countries.push(CountryCount {
                    name: country_name(g, key),
                    key: key.clone(),
                    places: 0,
                    mentions: 0,
                });
            }
        }
        self.country_counts = countries;
        self.kind_counts = Kind::ALL
            .iter()
            .zip(self.kinds)
            .filter(|(k, _)| **k != Kind::Demonym)
            .map(|(&kind, (places, mentions))| KindCount {
                kind,
                places,
                mentions,
            })
            .collect();
        let mut least_certain: Vec<(EntryIndex, f32)> = self.places[..self.shown]
            .iter()
            .zip(&self.slots)
            .map(|(p, s)| (p.entry, mean(&s.tally, p.mention_count)))
            .collect();
        least_certain.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        self.least_certain = least_certain;
    }

    /// The places shown: after corrections and the filter, most-mentioned first (as of
    /// the last [`Summary::settle`]; a place's mentions grow as documents are added).
    pub fn places(&self) -> &[Place] {
        &self.places[..self.shown]
    }

    /// Every country (key `""`: multi-country regions) with its places and mentions,
    /// counted before the country filter, most mentions first; hidden countries that no
    /// longer have places keep a row so they can be shown again.
    pub fn country_counts(&self) -> &[CountryCount] {
        &self.country_counts
    }

    /// Every feature type that can be filtered, with its places and mentions counted
    /// before the type filter, in display order.
    pub fn kind_counts(&self) -> &[KindCount] {
        &self.kind_counts
    }

    /// Mentions shown per document (same order as [`Corpus::documents`]).
    pub fn document_mentions(&self) -> &[usize] {
        &self.document_mentions
    }

    /// Total mentions shown (as of the last [`Summary::settle`]).
    pub fn mention_count(&self) -> usize {
        self.mention_count
    }

    /// The shown place of an entry.
    pub fn place(&self, entry: EntryIndex) -> Option<&Place> {
        let &s = self.slot_of.get(&entry)?;
        self.places[..self.shown].get(s)
    }

    /// The figures of a shown place.
    pub fn place_stats(&self, entry: EntryIndex) -> Option<PlaceStats> {
        let &s = self.slot_of.get(&entry)?;
        let (place, slot) = (self.places[..self.shown].get(s)?, &self.slots[s]);
        let t = &slot.tally;
        Some(PlaceStats {
            documents: t.documents,
            mean_confidence: mean(t, place.mention_count),
            lowest_confidence: t.lowest,
            corrected: t.corrected,
            demonyms: t.demonyms,
        })
    }

    /// The shown places with the lowest mean confidence, least sure first: the ones to
    /// check.
    pub fn least_certain_places(&self, n: usize) -> Vec<(EntryIndex, f32)> {
        self.least_certain.iter().take(n).copied().collect()
    }

    /// Mentions and places visited since the summary was made: what adding documents and
    /// settling cost, for tests that check the cost of a document does not grow with the
    /// number already counted.
    pub fn work(&self) -> u64 {
        self.work
    }
}

/// Mean confidence of a place's `n` mentions.
fn mean(t: &Tally, n: usize) -> f32 {
    (t.confidence_sum / n.max(1) as f64) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::places::{country_counts, places};
    use crate::corpus::{CorrectionAction, Document, DocumentSource};
    use crate::geoparse::Geoparser;
    use std::collections::BTreeSet;

    const TEXTS: [&str; 4] = [
        "Soldiers in Niamey and Agadez met officials from Niger on Monday. \
         The convoy later left Niamey for the border with Nigeria. Nigerien troops followed.",
        "Ministers met in Paris, the capital of France, on Tuesday. Paris has hosted such \
         talks before; French officials said Lyon would be next.",
        "Flooding hit Maiduguri in northeastern Nigeria and spread along the Niger River \
         towards Mali and the Sahel.",
        "Talks in Washington and Ottawa; Texas and Ohio sent delegates to London.",
    ];

    fn corpus(g: &Gazetteer, copies: usize) -> Corpus {
        let parser = Geoparser::new(g);
        let mut corpus = Corpus::default();
        for i in 0..copies {
            for (t, text) in TEXTS.iter().enumerate() {
                let name = format!("{i}-{t}.txt");
                corpus.add_document(
                    ParsedDocument {
                        document: Document::from_text(name.clone(), *text),
                        mentions: parser.parse(text),
                    },
                    DocumentSource::Pasted {
                        name,
                        text: text.to_string(),
                    },
                );
            }
        }
        corpus
    }

    /// The summary as the functions of `places.rs` compute it from scratch.
    fn reference(g: &Gazetteer, corpus: &Corpus) -> (Vec<Place>, Vec<(String, usize, usize)>) {
        let (d, c, f) = (corpus.documents(), corpus.corrections(), corpus.filter());
        (places(g, d, c, f), country_counts(g, d, c, f))
    }

    fn check(g: &Gazetteer, corpus: &Corpus, summary: &Summary) {
        let (places, countries) = reference(g, corpus);
        assert_eq!(summary.places(), places.as_slice());
        let counted: Vec<(String, usize, usize)> = summary
            .country_counts()
            .iter()
            .filter(|c| c.places > 0)
            .map(|c| (c.key.clone(), c.places, c.mentions))
            .collect();
        assert_eq!(counted, countries);
        let total: usize = places.iter().map(|p| p.mentions.len()).sum();
        assert_eq!(summary.mention_count(), total);
        assert_eq!(summary.document_mentions().iter().sum::<usize>(), total);
        for p in &places {
            let stats = summary.place_stats(p.entry).expect("stats");
            let docs: BTreeSet<usize> = p.mentions.iter().map(|m| m.document).collect();
            assert_eq!(stats.documents, docs.len());
            assert_eq!(
                stats.corrected,
                p.mentions.iter().filter(|m| m.corrected).count()
            );
        }
    }

    #[test]
    fn counted_a_document_at_a_time_it_shows_what_a_recount_shows() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut corpus = corpus(&g, 2);
        let mut filter = Filter {
            show_demonyms: true,
            min_confidence: 0.3,
            ..Filter::default()
        };
        filter.hidden_documents.insert("0-1.txt".into());
        filter.hidden_kinds.insert(Kind::Admin1);
        filter.hidden_countries.insert("US".into());
        filter.hidden_countries.insert("ZZ".into());
        corpus.set_filter(filter);
        assert!(corpus.correct((0, 0), CorrectionAction::NotAPlace));
        // The first mention of Paris in the second copy, reassigned to Agadez.
        let agadez = corpus.documents()[0].mentions[1].resolution.entry;
        let id = g.entry(agadez).id.clone();
        assert!(corpus.correct((5, 0), CorrectionAction::Reassign { id }));
        let all = corpus.clone();

        // From empty, one document at a time, settling now and then.
        corpus.clear_documents();
        let mut summary = Summary::of(&g, &corpus);
        for (i, (doc, source)) in all.documents().iter().zip(all.sources()).enumerate() {
            corpus.add_document(ParsedDocument::clone(doc), source.clone());
            summary.add_new_documents(&g, &corpus);
            if i % 3 == 0 {
                summary.settle(&g);
            }
        }
        summary.settle(&g);
        check(&g, &corpus, &summary);
        assert_eq!(summary, Summary::of(&g, &corpus));
        let corrected = summary.place_stats(agadez).expect("Agadez").corrected;
        assert_eq!(corrected, 1);
        // The hidden country with no places keeps a row.
        assert!(summary.country_counts().iter().any(|c| c.key == "ZZ"));
        assert!(
            !summary
                .kind_counts()
                .iter()
                .any(|k| k.kind == Kind::Demonym)
        );

        // Other filters, recounted.
        for search in ["nia", "PARIS", ""] {
            corpus.set_filter(Filter {
                search: search.into(),
                ..Filter::default()
            });
            check(&g, &corpus, &Summary::of(&g, &corpus));
        }
    }

    #[test]
    fn the_cost_of_a_document_does_not_grow_with_the_documents_counted() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let all = corpus(&g, 40);
        let per_document = |open: usize| -> (u64, u64) {
            let mut corpus = Corpus::default();
            let docs = all.documents().iter().zip(all.sources());
            for (doc, source) in docs.clone().take(open) {
                corpus.add_document(ParsedDocument::clone(doc), source.clone());
            }
            let mut summary = Summary::of(&g, &corpus);
            let before = summary.work();
            // The next four documents (one of each text), then a settle.
            for (doc, source) in docs.skip(open).take(TEXTS.len()) {
                corpus.add_document(ParsedDocument::clone(doc), source.clone());
                summary.add_new_documents(&g, &corpus);
            }
            let added = summary.work() - before;
            summary.settle(&g);
            (added, summary.work() - before - added)
        };
        let (small, large) = (per_document(8), per_document(32 * TEXTS.len()));
        // Adding visits the new documents' mentions alone; settling visits the places,
        // which are the same few however many copies of the texts are open.
        assert_eq!(small, large);
        let mentions: usize = all.documents()[..TEXTS.len()]
            .iter()
            .map(|d| d.mentions.len())
            .sum();
        assert_eq!(small.0, mentions as u64);
    }

    #[test]
    fn a_projects_layer_shows_what_its_documents_show() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut corpus = corpus(&g, 3);
        // The layer: each place counted over every document, as a project keeps it.
        let all = Summary::of(&g, &corpus);
        let layer: Vec<LayerPlace> = all
            .places()
            .iter()
            .map(|p| LayerPlace {
                entry: p.entry,
                mentions: p.mention_count,
                documents: all.place_stats(p.entry).expect("stats").documents,
            })
            .collect();
        let mut filters = vec![Filter::default()];
        let mut f = Filter::default();
        f.hidden_kinds.insert(Kind::Admin1);
        f.hidden_countries.insert("US".into());
        filters.push(f);
        filters.push(Filter {
            search: "NI".into(),
            ..Filter::default()
        });
        for filter in filters {
            assert!(Summary::layer_ignores(&filter).is_empty());
            corpus.set_filter(filter.clone());
            let counted = Summary::of(&g, &corpus);
            let from_layer = Summary::of_layer(&g, &filter, &layer);
            let shown = |s: &Summary| -> Vec<(EntryIndex, usize, usize)> {
                s.places()
                    .iter()
                    .map(|p| {
                        let stats = s.place_stats(p.entry).expect("stats");
                        (p.entry, p.mention_count, stats.documents)
                    })
                    .collect()
            };
            assert_eq!(shown(&from_layer), shown(&counted), "{filter:?}");
            assert!(from_layer.places().iter().all(|p| p.mentions.is_empty()));
            assert_eq!(from_layer.country_counts(), counted.country_counts());
            assert_eq!(from_layer.kind_counts(), counted.kind_counts());
            assert_eq!(from_layer.mention_count(), counted.mention_count());
            assert!(from_layer.least_certain_places(5).is_empty());
        }
        let dated = Filter {
            min_confidence: 0.5,
            ..Filter::default()
        };
        assert_eq!(Summary::layer_ignores(&dated), ["minimum confidence"]);
    }
}
