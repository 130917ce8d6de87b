//! What a corpus shows, computed once per change: the places after corrections and the
//! filter, and the counts the filter panels list. Front ends keep a [`Summary`] and
//! recompute it when the corpus changes, never per frame.

use std::collections::{BTreeMap, BTreeSet};

use super::filter::{Filter, country_name};
use super::places::{Place, country_counts, places as places_of};
use super::set::Corpus;
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};

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

/// The places a corpus shows and the counts of the filter panels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The places shown: after corrections and the filter, most-mentioned first.
    pub places: Vec<Place>,
    /// Every country (key `""`: multi-country regions) with its places and mentions,
    /// counted before the country filter, most mentions first; hidden countries that no
    /// longer have places keep a row so they can be shown again.
    pub country_counts: Vec<CountryCount>,
    /// Every feature type that can be filtered, with its places and mentions counted
    /// before the type filter, in display order.
    pub kind_counts: Vec<KindCount>,
    /// Mentions shown per document (same order as [`Corpus::documents`]).
    pub document_mentions: Vec<usize>,
}

impl Summary {
    /// Computes what `corpus` shows.
    pub fn of(g: &Gazetteer, corpus: &Corpus) -> Summary {
        let (documents, corrections, filter) =
            (corpus.documents(), corpus.corrections(), corpus.filter());
        let places = places_of(g, documents, corrections, filter);
        let mut country_counts: Vec<CountryCount> =
            country_counts(g, documents, corrections, filter)
                .into_iter()
                .map(|(key, places, mentions)| CountryCount {
                    name: country_name(g, &key),
                    key,
                    places,
                    mentions,
                })
                .collect();
        // Countries the user hid that no longer have places still get a row, so they
        // can be shown again.
        for key in &filter.hidden_countries {
            if !country_counts.iter().any(|c| &c.key == key) {
                country_counts.push(CountryCount {
                    name: country_name(g, key),
                    key: key.clone(),
                    places: 0,
                    mentions: 0,
                });
            }
        }
        // Kinds: counted over everything but the kind filter, like the countries.
        let unfiltered_kinds = Filter {
            hidden_kinds: BTreeSet::new(),
            ..filter.clone()
        };
        let mut kinds: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
        for p in places_of(g, documents, corrections, &unfiltered_kinds) {
            let c = kinds.entry(g.entry(p.entry).kind).or_default();
            c.0 += 1;
            c.1 += p.mentions.len();
        }
        let kind_counts = Kind::ALL
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
        let mut document_mentions = vec![0; documents.len()];
        for p in &places {
            for m in &p.mentions {
                document_mentions[m.document] += 1;
            }
        }
        Summary {
            places,
            country_counts,
            kind_counts,
            document_mentions,
        }
    }

    /// Total mentions shown.
    pub fn mention_count(&self) -> usize {
        self.places.iter().map(|p| p.mentions.len()).sum()
    }

    /// The shown place of an entry.
    pub fn place(&self, entry: EntryIndex) -> Option<&Place> {
        self.places.iter().find(|p| p.entry == entry)
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
}
