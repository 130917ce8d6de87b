//! Each distinct spelling of a name, worked out once per batch: its candidates and
//! prominence ([`Surface`]) and what recognition reads of it for every mention
//! ([`SurfaceHead`]), kept in the [`SpellingMemo`].

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use super::county_lists::county_candidates;
use super::cues::{class, classify};
use super::prominence::{BaseProminence, prominence, strongest_namesakes};
use crate::fold::fold_name;
use crate::gazetteer::{Candidate, Gazetteer, Kind, NameHit, NameMatch, WordMemo, is_all_caps};
use crate::geoparse::Options;
use crate::geoparse::hits::Surface;
use crate::short_key::ShortKeyMap;

/// What recognition reads of a spelling for every mention, kept in the memo's table
/// itself: the lookup that finds a spelling brings it along, and the [`Surface`] proper
/// is read only for the names that reach resolution.
#[derive(Debug, Clone, Copy)]
pub(super) struct SurfaceHead {
    /// Index of the surface in the memo.
    pub(super) index: u32,
    /// Prominence of the most prominent candidate.
    pub(super) best_prior: f32,
    /// Letters in the name (saturating).
    pub(super) letters: u16,
    /// Kind of the most prominent candidate.
    pub(super) best_kind: Kind,
    /// What kind of word it is, as bits (the constants below).
    pub(super) flags: u8,
}

impl SurfaceHead {
    /// The name is also a lower-case English word.
    pub(super) const COMMON_WORD: u8 = 1;
    /// Written in capitals only.
    pub(super) const ALL_CAPS: u8 = 2;
    /// More than one word.
    pub(super) const MULTI_WORD: u8 = 4;
    /// Some candidate matched it as a capital-only abbreviation.
    pub(super) const ABBREVIATION: u8 = 8;
    /// A month, weekday or holiday.
    pub(super) const CALENDAR: u8 = 16;

    pub(super) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Recognition's part of the [`ParseMemo`](crate::geoparse::ParseMemo): the automaton
/// walks and word facts of the gazetteer ([`WordMemo`]) and each spelling's [`Surface`].
/// Memory stays bounded: past [`SpellingMemo::CAPACITY`] spellings it starts over.
#[derive(Debug, Default, Clone)]
pub(crate) struct SpellingMemo {
    pub(super) words: WordMemo,
    /// Each spelling's head, with the index of its surface in `list` (`None`: the
    /// name has no candidate).
    pub(super) surfaces: ShortKeyMap<Option<SurfaceHead>>,
    /// The same for names read by a rule of where they stand, apart: news
    /// abbreviations (`abbreviations.rs`; "SA" after "Perth," is South Australia and
    /// elsewhere whatever the gazetteer says), names in a list of counties
    /// (`county_lists.rs`; "Love" in "Cooke and Love counties") and after a party label
    /// ("D-Harwich": US places only). One key for both readings would let an earlier
    /// document decide a later one.
    pub(super) by_rule: ShortKeyMap<Option<SurfaceHead>>,
    /// The surfaces, in the order first seen. Indices, not shared pointers: a hit
    /// reads its surface without touching a reference count.
    pub(super) list: Vec<Surface>,
    /// Numbers of the folded forms (see [`Surface::key_id`]).
    pub(super) key_ids: FxHashMap<String, u32>,
    /// The gazetteer (by [`Gazetteer::id`]) and demonym option the surfaces are for.
    pub(super) owner: Option<(u64, bool)>,
}

impl SpellingMemo {
    /// Spellings kept at most.
    pub(crate) const CAPACITY: usize = 50_000;

    /// All surfaces, indexed by [`Hit::surface`](crate::geoparse::hits::Hit::surface).
    pub(crate) fn list(&self) -> &[Surface] {
        &self.list
    }

    /// An empty memo sized for a batch of documents: a few thousand distinct words
    /// and names, so its tables do not grow (and copy themselves) while it fills.
    pub(crate) fn for_batch() -> Self {
        SpellingMemo {
            words: WordMemo::with_capacity(16384),
            surfaces: ShortKeyMap::with_capacity(8192),
            by_rule: ShortKeyMap::default(),
            list: Vec::with_capacity(8192),
            key_ids: FxHashMap::with_capacity_and_hasher(8192, Default::default()),
            owner: None,
        }
    }
}

/// The [`Surface`] of the name `hit` found, from the memo or made now; `None` if the
/// name has no candidate under the options.
pub(super) fn surface_of(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    text: &str,
    hit: &NameHit,
    options: &Options,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    let written = &text[hit.start..hit.end];
    if let Some(s) = memo.surfaces.get(written) {
        return *s;
    }
    let candidates: Vec<Candidate> = gazetteer
        .hit_candidates(hit, written)
        .into_iter()
        .filter(|c| options.demonyms || gazetteer.kind(c.entry) != Kind::Demonym)
        .collect();
    let common_word = gazetteer.is_common_word(hit);
    let surface = new_surface(
        gazetteer,
        base,
        written,
        written,
        candidates,
        common_word,
        memo,
    );
    memo.surfaces
        .insert_bounded(written, surface, SpellingMemo::CAPACITY);
    surface
}

/// The [`Surface`] a rule of where a name stands reads `written` as, remembered under
/// `key` in [`SpellingMemo::by_rule`] and numbered by the folded `name`; `candidates`
/// are found only the first time a key is read.
fn rule_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    key: &str,
    written: &str,
    name: &str,
    candidates: impl FnOnce() -> Vec<Candidate>,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    if let Some(s) = memo.by_rule.get(key) {
        return *s;
    }
    let surface = new_surface(gazetteer, base, written, name, candidates(), false, memo);
    memo.by_rule
        .insert_bounded(key, surface, SpellingMemo::CAPACITY);
    surface
}

/// The [`Surface`] of an abbreviation read at `written` (see `abbreviations.rs`), its
/// `candidates` found there; from the memo if the same form was read as an
/// abbreviation before (its candidates depend on the form alone).
pub(super) fn abbreviation_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    written: &str,
    candidates: Vec<Candidate>,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    rule_surface(
        gazetteer,
        base,
        written,
        written,
        written,
        || candidates,
        memo,
    )
}

/// The [`Surface`] of a name written in a list of counties (see `county_lists.rs`):
/// the counties it can be, from the memo if read so before. Its folded form is the
/// county's full name (`Oconee County`), so the resolver takes it and a mention of
/// `Oconee County` for one name, and never pools it with the name read alone.
pub(super) fn county_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    written: &str,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    // A byte no text has before a name keeps these keys apart from abbreviations'.
    let key = format!("\u{1}{written}");
    let full = format!("{written} County");
    let candidates = || county_candidates(gazetteer, written);
    rule_surface(gazetteer, base, &key, written, &full, candidates, memo)
}

/// The [`Surface`] of a name before a lower-case "airport" ("Heathrow airport",
/// "Gatwick airport", as British news writes them): the entries named `NAME Airport`,
/// so the name is read as its airport, not as a town of the name (Heathrow, Florida).
/// The span stays the name's: "airport" is a common noun there, for gold standards
/// and readers alike. `None` when the gazetteer has no such airport.
pub(super) fn airport_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    written: &str,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    let key = format!("\u{3}{written}");
    let full = format!("{written} Airport");
    let candidates = || gazetteer.candidates(&full);
    rule_surface(gazetteer, base, &key, written, &full, candidates, memo)
}

/// The [`Surface`] of a name after a US party label ("Sen. Jane Roe, D-Harwich",
/// "Del. Ann Kerr, D-Doddridge"): a legislator's home town or county, so the name's
/// US towns and counties (`hit`, the gazetteer's name there, if any), else the US
/// counties named so without the word, nothing abroad; from the memo if read so
/// before. `None` when there is none.
pub(super) fn party_label_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    written: &str,
    hit: Option<&NameHit>,
    options: &Options,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    let key = format!("\u{2}{written}");
    let candidates = || {
        let us = crate::gazetteer::pack_code("US");
        let towns: Vec<Candidate> = hit
            .map(|h| gazetteer.hit_candidates(h, written))
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                let f = gazetteer.facts(c.entry);
                f.country() == Some(us)
                    && (options.demonyms || f.kind != Kind::Demonym)
                    && f.kind != Kind::Admin1
            })
            .collect();
        if !towns.is_empty() {
            return towns;
        }
        // Most legislatures' labels name a home town; a county where no US town is so
        // named (West Virginia's delegates: "D-Doddridge").
        county_candidates(gazetteer, written)
            .into_iter()
            .filter(|c| gazetteer.facts(c.entry).country() == Some(us))
            .collect()
    };
    rule_surface(gazetteer, base, &key, written, written, candidates, memo)
}

/// Makes the [`Surface`] (kept in the memo's list) and [`SurfaceHead`] of `written`,
/// numbered by the folded `name` it stands for (`written` itself but for a rule's
/// reading); the caller remembers the head under its own key.
fn new_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    written: &str,
    name: &str,
    candidates: Vec<Candidate>,
    common_word: bool,
    memo: &mut SpellingMemo,
) -> Option<SurfaceHead> {
    (!candidates.is_empty()).then(|| {
        let index = memo.list.len() as u32;
        let priors: Vec<f32> = candidates
            .iter()
            .map(|c| prominence(base, gazetteer, c))
            .collect();
        let best_index = priors
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
            .unwrap_or(0);
        let (strongest_broad, strongest_city) =
            strongest_namesakes(gazetteer, &candidates, &priors);
        let key = fold_name(name);
        let calendar_word = classify(key.trim_end_matches('.')).bits & class::CALENDAR != 0;
        let next_id = memo.key_ids.len() as u32;
        let key_id = *memo.key_ids.entry(key).or_insert(next_id);
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        let head = SurfaceHead {
            index,
            best_prior: priors.get(best_index).copied().unwrap_or(f32::MIN),
            letters: u16::try_from(written.chars().filter(|c| c.is_alphabetic()).count())
                .unwrap_or(u16::MAX),
            best_kind: candidates
                .get(best_index)
                .map(|c| gazetteer.kind(c.entry))
                .unwrap_or(Kind::Place),
            flags: flag(common_word, SurfaceHead::COMMON_WORD)
                | flag(is_all_caps(written), SurfaceHead::ALL_CAPS)
                | flag(written.contains([' ', '-']), SurfaceHead::MULTI_WORD)
                | flag(
                    candidates
                        .iter()
                        .any(|c| c.name_match == NameMatch::Abbreviation),
                    SurfaceHead::ABBREVIATION,
                )
                | flag(calendar_word, SurfaceHead::CALENDAR),
        };
        memo.list.push(Surface {
            key_id,
            person: OnceLock::new(),
            strongest_broad,
            strongest_city,
            candidates,
            priors,
            facts: OnceLock::new(),
        });
        head
    })
}
