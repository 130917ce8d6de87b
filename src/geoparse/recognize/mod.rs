//! Recognition: which gazetteer names in the text are place mentions.
//!
//! Each proposed name gets an additive score of evidence (in rough log-odds units);
//! names at or above [`Options::threshold`] are kept. The weights were set by reasoning
//! about news English and checked on the development corpora as a whole, never fitted to
//! single words of them.

use rustc_hash::{FxHashMap, FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use super::Options;
use super::text::{is_capitalized, next_word, previous_word};
use crate::fold::fold_name;
use crate::gazetteer::{
    Candidate, Entry, EntryFacts, Gazetteer, Kind, NameHit, NameMatch, WordMemo, is_all_caps,
};
use crate::short_key::{ShortKey, ShortKeyMap};

/// What a word right before or after a name says about which kind of place it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindCue {
    /// `city of`, `town`, `village`, `capital`.
    Settlement,
    /// `region`, `state`, `province`, `county`.
    Division,
    /// `river`, `lake`, `desert`, `mountains`.
    Feature,
    /// `country`, `nation`.
    Country,
}

/// A recognised place name, before resolution.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    /// What the name as written can denote: an index into the memo's surfaces (see
    /// [`ParseMemo::surfaces`]), shared by every mention written alike.
    pub surface: u32,
    /// Recognition score (see module docs).
    pub score: f32,
    /// Index of the sentence it stands in.
    pub sentence: usize,
    pub kind_cue: Option<KindCue>,
}

/// What resolution needs of a name as written, whatever it stands beside: its
/// candidates and their prominence. Computed once per distinct spelling per batch (see
/// [`ParseMemo`]): news repeats its names. What recognition reads is in [`SurfaceHead`].
#[derive(Debug, Clone)]
pub(crate) struct Surface {
    /// Number of the folded form within the memo: spellings that fold alike share it,
    /// and the document-level rules compare these numbers, not strings.
    pub key_id: u32,
    /// Candidate entries (abbreviations only if written in capitals; demonyms only if
    /// the options report them).
    pub candidates: Vec<Candidate>,
    /// [`prominence`] of each candidate.
    pub priors: Vec<f32>,
    /// What the name is as a person's name (single words only), looked up when a rule
    /// first needs it.
    person: OnceLock<crate::gazetteer::PersonName>,
    /// Prominence of the strongest country, demonym, region, physical feature or
    /// first-level division among the candidates.
    pub strongest_broad: Option<f32>,
    /// Its candidates' rows of the gazetteer's [`EntryFacts`] table, copied together
    /// when the name is first resolved: the table is large and the resolver reads a
    /// name's rows in every pass over every document that names it, so one copy,
    /// whose reads overlap, costs less than scattered reads each time.
    facts: OnceLock<Box<[EntryFacts]>>,
}

impl Surface {
    /// [`Gazetteer::facts`] of each candidate, in candidate order.
    pub fn facts(&self, gazetteer: &Gazetteer) -> &[EntryFacts] {
        self.facts.get_or_init(|| {
            self.candidates
                .iter()
                .map(|c| *gazetteer.facts(c.entry))
                .collect()
        })
    }
}

/// What recognition reads of a spelling for every mention, kept in the memo's table
/// itself: the lookup that finds a spelling brings it along, and the [`Surface`] proper
/// is read only for the names that reach resolution.
#[derive(Debug, Clone, Copy)]
struct SurfaceHead {
    /// Index of the surface in the memo.
    index: u32,
    /// Prominence of the most prominent candidate.
    best_prior: f32,
    /// Letters in the name (saturating).
    letters: u16,
    /// Kind of the most prominent candidate.
    best_kind: Kind,
    /// What kind of word it is, as bits (the constants below).
    flags: u8,
}

impl SurfaceHead {
    /// The name is also a lower-case English word.
    const COMMON_WORD: u8 = 1;
    /// Written in capitals only.
    const ALL_CAPS: u8 = 2;
    /// More than one word.
    const MULTI_WORD: u8 = 4;
    /// Some candidate matched it as a capital-only abbreviation.
    const ABBREVIATION: u8 = 8;
    /// A month, weekday or holiday.
    const CALENDAR: u8 = 16;

    fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// What a parser remembers across the documents of a batch: the automaton walks and
/// word facts of the gazetteer ([`WordMemo`]) and each spelling's [`Surface`]. Keep one
/// per thread ([`crate::analysis::parse_documents`] does); results are the same as
/// without it. Memory stays bounded: past [`ParseMemo::CAPACITY`] spellings it starts
/// over.
#[derive(Debug, Default, Clone)]
pub struct ParseMemo {
    pub(crate) words: WordMemo,
    /// Each spelling's head, with the index of its surface in `list` (`None`: the
    /// name has no candidate).
    surfaces: ShortKeyMap<Option<SurfaceHead>>,
    /// The surfaces, in the order first seen. Indices, not shared pointers: a hit
    /// reads its surface without touching a reference count.
    list: Vec<Surface>,
    /// Numbers of the folded forms (see [`Surface::key_id`]).
    key_ids: FxHashMap<String, u32>,
    /// The gazetteer (by [`Gazetteer::id`]) and demonym option the surfaces are for.
    owner: Option<(u64, bool)>,
    /// The resolver's buffers, reused from one document to the next.
    resolver: super::resolve::Scratch,
}

impl ParseMemo {
    /// Spellings kept at most.
    pub const CAPACITY: usize = 50_000;

    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// All surfaces, indexed by [`Hit::surface`], and the resolver's buffers.
    pub(crate) fn for_resolution(&mut self) -> (&[Surface], &mut super::resolve::Scratch) {
        (&self.list, &mut self.resolver)
    }

    /// An empty memo sized for a batch of documents: a few thousand distinct words
    /// and names, so its tables do not grow (and copy themselves) while it fills.
    pub fn for_batch() -> Self {
        ParseMemo {
            words: WordMemo::with_capacity(16384),
            surfaces: ShortKeyMap::with_capacity(8192),
            list: Vec::with_capacity(8192),
            key_ids: FxHashMap::with_capacity_and_hasher(8192, Default::default()),
            owner: None,
            resolver: Default::default(),
        }
    }
}

/// Months and weekdays: always capitalised in English, so the dictionary cannot flag
/// them as ordinary words, yet they are almost never places in news ("in March").
const CALENDAR_WORDS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
    "ramadan",
];

/// Words that, right before a name, announce a place.
const LOCATIVE_CUES: &[&str] = &[
    "in",
    "at",
    "from",
    "near",
    "to",
    "into",
    "across",
    "throughout",
    "around",
    "outside",
    "inside",
    "toward",
    "towards",
    "via",
    "through",
    "between",
    "within",
    "of",
    "visited",
    "visit",
    "visiting",
    "reached",
    "entered",
    "left",
    "leaving",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "downtown",
    "neighbouring",
    "neighboring",
    "rural",
    "suburban",
    "native",
    "borders",
    "bordering",
    "capital",
    "city",
    "town",
    "village",
    "state",
    "county",
    "province",
    "region",
    "country",
    "nation",
    "based",
    "where",
];

/// Words before a name that say it is a person's name (lower-case titles; capitalised
/// ones are caught by the capitalised-neighbour rule).
const PERSON_CUES: &[&str] = &[
    "president",
    "minister",
    "senator",
    "governor",
    "mayor",
    "general",
    "gen",
    "mr",
    "mrs",
    "ms",
    "dr",
    "secretary",
    "chief",
    "commander",
    "envoy",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "officer",
    "sheriff",
    "coach",
    "actor",
    "actress",
    "singer",
    "rapper",
    "author",
    "player",
    "striker",
    "quarterback",
    "manager",
    "director",
    "chairman",
    "ceo",
    "leader",
    "rev",
    "pastor",
    "father",
    "sister",
    "brother",
    "son",
    "daughter",
    "wife",
    "husband",
    "sgt",
    "lt",
    "col",
    "capt",
    "detective",
    "deputy",
    "trooper",
    "councilman",
    "councilwoman",
    "representative",
    "rep",
    "sen",
    "gov",
    "attorney",
    "lawyer",
    "dean",
    "professor",
];

/// Verbs after a name that say a person (or an organisation) acted.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "noted",
    "wrote",
    "asked",
    "replied",
    "stated",
    "argued",
    "insisted",
    "recalled",
    "believes",
    "thinks",
];

/// Capitalised words that begin a longer place name rather than a person's name
/// ("North Dakota", "Lake Chad", "Fort Worth"), so a capitalised word before a name is
/// not evidence of a person when it is one of these.
const PLACE_PREFIXES: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "new", "old", "upper", "lower", "greater", "downtown", "lake", "mount", "mt", "port", "fort",
    "saint", "st", "san", "santa", "los", "las", "el", "la", "le", "al", "the", "rio", "cape",
    "isle", "gulf", "bay", "river", "sea", "republic", "kingdom", "state", "city", "metro",
    "inner", "outer", "far", "near", "middle", "lakes",
];

/// Capitalised words after a name that continue a place ("Agadez Region", "Cook
/// County"), so they are not evidence of a person or organisation.
const PLACE_SUFFIXES: &[&str] = &[
    "county",
    "parish",
    "city",
    "state",
    "region",
    "province",
    "district",
    "river",
    "lake",
    "valley",
    "mountains",
    "mountain",
    "island",
    "islands",
    "bay",
    "basin",
    "delta",
    "desert",
    "coast",
    "peninsula",
    "sea",
    "ocean",
    "gulf",
    "strait",
    "township",
    "borough",
    "village",
    "town",
    "area",
    "metro",
    "airport",
    "harbor",
    "harbour",
    "port",
    "falls",
    "springs",
    "beach",
    "heights",
    "hills",
];

/// Which of the word lists above a word is on, as bits: each mention checks its
/// neighbours against several lists, so one lookup answers them all.
mod class {
    pub const CALENDAR: u8 = 1;
    pub const LOCATIVE: u8 = 2;
    pub const PERSON_CUE: u8 = 4;
    pub const SPEECH_VERB: u8 = 8;
    pub const PLACE_PREFIX: u8 = 16;
    pub const PLACE_SUFFIX: u8 = 32;
    pub const OF: u8 = 64;
    pub const THE: u8 = 128;
}

/// What the cue lists say of a word, case aside.
#[derive(Debug, Clone, Copy, Default)]
struct WordClass {
    /// [`class`] bits.
    bits: u8,
    /// The kind of place the word announces (`city`, `river`).
    kind: Option<KindCue>,
}

/// Each cue list with its [`class`] bit.
const CUE_LISTS: &[(&[&str], u8)] = &[
    (CALENDAR_WORDS, class::CALENDAR),
    (LOCATIVE_CUES, class::LOCATIVE),
    (PERSON_CUES, class::PERSON_CUE),
    (SPEECH_VERBS, class::SPEECH_VERB),
    (PLACE_PREFIXES, class::PLACE_PREFIX),
    (PLACE_SUFFIXES, class::PLACE_SUFFIX),
    (&["of"], class::OF),
    (&["the"], class::THE),
];

/// What the cue lists say of `word`, in any case.
fn classify(word: &str) -> WordClass {
    static CLASSES: std::sync::OnceLock<HashMap<ShortKey, WordClass>> = std::sync::OnceLock::new();
    let classes = CLASSES.get_or_init(|| {
        let mut m: HashMap<ShortKey, WordClass> = HashMap::default();
        for &(words, bit) in CUE_LISTS {
            for w in words {
                if let Some(k) = ShortKey::new(w) {
                    m.entry(k).or_default().bits |= bit;
                }
            }
        }
        for &(w, kind) in KIND_CUES {
            if let Some(k) = ShortKey::new(w) {
                m.entry(k).or_default().kind = Some(kind);
            }
        }
        m
    });
    let key = ShortKey::lowercase(word);
    key.and_then(|k| classes.get(&k).copied())
        .unwrap_or_default()
}

/// True if no letter or digit stands in `text[from..to]`: looked for from the end, so
/// the answer comes after a character or two, however long the sentence.
fn no_word_between(text: &str, from: usize, to: usize) -> bool {
    !text[from..to].chars().rev().any(char::is_alphanumeric)
}

/// Words before or after a name that say which kind of place it is.
const KIND_CUES: &[(&str, KindCue)] = &[
    ("city", KindCue::Settlement),
    ("town", KindCue::Settlement),
    ("village", KindCue::Settlement),
    ("capital", KindCue::Settlement),
    ("hamlet", KindCue::Settlement),
    ("township", KindCue::Settlement),
    ("suburb", KindCue::Settlement),
    ("municipality", KindCue::Settlement),
    ("region", KindCue::Division),
    ("state", KindCue::Division),
    ("province", KindCue::Division),
    ("county", KindCue::Division),
    ("parish", KindCue::Division),
    ("district", KindCue::Division),
    ("governorate", KindCue::Division),
    ("prefecture", KindCue::Division),
    ("department", KindCue::Division),
    ("river", KindCue::Feature),
    ("lake", KindCue::Feature),
    ("desert", KindCue::Feature),
    ("mountains", KindCue::Feature),
    ("mountain", KindCue::Feature),
    ("sea", KindCue::Feature),
    ("ocean", KindCue::Feature),
    ("basin", KindCue::Feature),
    ("country", KindCue::Country),
    ("nation", KindCue::Country),
    ("republic", KindCue::Country),
    ("kingdom", KindCue::Country),
];

/// How prominent an entry is, in score units: countries and regions first, then
/// first-level divisions, then towns by log population. Computed once per entry when a
/// [`super::Geoparser`] is made (a logarithm per candidate per mention was a visible
/// share of the parse time).
pub(crate) fn entry_prominence(e: &Entry) -> f32 {
    match e.kind {
        Kind::Country => 5.0,
        Kind::Demonym => 3.5,
        Kind::Region => 3.0,
        // Divisions weigh by their (estimated) population: Texas far above a parish of
        // the Isle of Man.
        Kind::Admin1 => 1.2 + 0.25 * (e.population as f32).max(10.0).log10(),
        Kind::Admin2 => 1.8,
        Kind::Physical => 2.2,
        Kind::Place => {
            let pop = (e.population as f32).max(10.0);
            let capital = match e.feature_code.as_str() {
                "PPLC" => 1.2,
                "PPLA" => 0.5,
                "PPLA2" => 0.2,
                _ => 0.0,
            };
            0.55 * pop.log10() - 0.7 + capital
        }
    }
}

/// How prominent a candidate is as a reading of a name: its entry's prominence
/// (`base`, indexed by entry) adjusted for how the name matched.
pub(crate) fn prominence(base: &[f32], gazetteer: &Gazetteer, c: &Candidate) -> f32 {
    let kind = gazetteer.kind(c.entry);
    // Alternate names of towns are mostly other languages' spellings; those of
    // countries, states and regions are mostly English variants ("Britain", "Ga.").
    let how = match (c.name_match, kind) {
        (NameMatch::Primary | NameMatch::Abbreviation, _) => 0.0,
        (NameMatch::Alternate, Kind::Place | Kind::Admin2) => -1.2,
        (NameMatch::Alternate, _) => -0.6,
    };
    base.get(c.entry as usize).copied().unwrap_or(0.0) + how
}

/// Finds the place mentions of `text`.
pub(crate) fn recognize(
    gazetteer: &Gazetteer,
    base: &[f32],
    text: &str,
    sentences: &[Range<usize>],
    options: &Options,
    memo: &mut ParseMemo,
) -> Vec<Hit> {
    let owner = (gazetteer.id(), options.demonyms);
    // Start over between documents (never during one: hits hold indices).
    if memo.owner != Some(owner) || memo.list.len() >= ParseMemo::CAPACITY {
        memo.surfaces.clear();
        memo.list.clear();
        memo.key_ids.clear();
        memo.owner = Some(owner);
    }
    let mut raw = propose(gazetteer, base, text, sentences, options, memo);
    score_document(gazetteer, &memo.list, &mut raw, options);
    raw.into_iter()
        .filter(|h| h.hit.score >= options.threshold)
        .map(|h| h.hit)
        .collect()
}

struct Proposed {
    hit: Hit,
    /// The name sits in a person-name context (title before it, capitalised name around).
    person_context: bool,
    /// A word before it announces a place.
    locative_cue: bool,
}

/// Walks the text and proposes every whole-word gazetteer name that starts with a
/// capital letter, leftmost-longest.
fn propose(
    gazetteer: &Gazetteer,
    base: &[f32],
    text: &str,
    sentences: &[Range<usize>],
    options: &Options,
    memo: &mut ParseMemo,
) -> Vec<Proposed> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut sentence = 0usize;
    let mut prev_is_word = false;
    while i < bytes.len() {
        // Eight bytes at a time while there is no capital and no non-ASCII byte: only
        // a capital can start a name, and most of the text is neither.
        while let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
            // The last byte decides whether the next byte starts a word, except an
            // apostrophe, which joins to what came before it: walk that one bytewise.
            if may_start_name(word) || chunk[7] == b'\'' {
                break;
            }
            prev_is_word = chunk[7].is_ascii_alphanumeric();
            i += 8;
        }
        let Some(&b) = bytes.get(i) else { break };
        // Lower-case letters and digits are most of the text: skip them quickly.
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            prev_is_word = true;
            i += 1;
            continue;
        }
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        let is_word = c.is_alphanumeric();
        // An apostrophe inside a word ("O'Brien") keeps us inside the word.
        let joined = (c == '\'' || c == '’') && prev_is_word;
        if is_word && !prev_is_word && c.is_uppercase() {
            while sentence + 1 < sentences.len() && sentences[sentence].end <= i {
                sentence += 1;
            }
            if let Some(hit) = gazetteer.longest_match_memo(text, i, &mut memo.words)
                && let Some(head) = surface_of(gazetteer, base, text, &hit, options, memo)
            {
                out.push(evidence(
                    gazetteer,
                    text,
                    sentences,
                    sentence,
                    hit.start,
                    hit.end,
                    head,
                    &memo.list,
                    &mut memo.words,
                ));
                i = hit.end;
                prev_is_word = true;
                continue;
            }
        }
        prev_is_word = is_word || joined;
        i += len;
    }
    out
}

/// The [`Surface`] of the name `hit` found, from the memo or made now; `None` if the
/// name has no candidate under the options.
fn surface_of(
    gazetteer: &Gazetteer,
    base: &[f32],
    text: &str,
    hit: &NameHit,
    options: &Options,
    memo: &mut ParseMemo,
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
    let surface = (!candidates.is_empty()).then(|| {
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
        let strongest_broad = candidates
            .iter()
            .zip(&priors)
            .filter(|(c, _)| super::resolve::is_broad(gazetteer.kind(c.entry)))
            .map(|(_, &p)| p)
            .reduce(f32::max);
        let key = fold_name(written);
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
            flags: flag(gazetteer.is_common_word(hit), SurfaceHead::COMMON_WORD)
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
            candidates,
            priors,
            facts: OnceLock::new(),
        });
        head
    });
    memo.surfaces
        .insert_bounded(written, surface, ParseMemo::CAPACITY);
    surface
}

/// True if any of the eight bytes packed in `word` is an ASCII capital or not ASCII
/// (SWAR: each byte tested in its own lane, no carry between lanes).
pub(crate) fn may_start_name(word: u64) -> bool {
    const LANES_HIGH: u64 = 0x8080_8080_8080_8080;
    let non_ascii = word & LANES_HIGH;
    let low = word & !LANES_HIGH;
    // In each lane, bit 7 of `low + k` is set iff the byte is at least 0x80 - k.
    let at_least_a = low.wrapping_add(0x3F3F_3F3F_3F3F_3F3F) & LANES_HIGH; // >= b'A'
    let above_z = low.wrapping_add(0x2525_2525_2525_2525) & LANES_HIGH; // > b'Z'
    (non_ascii | (at_least_a & !above_z)) != 0
}

#[allow(clippy::too_many_arguments)]
fn evidence(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    sentence: usize,
    start: usize,
    end: usize,
    head: SurfaceHead,
    surfaces: &[Surface],
    memo: &mut WordMemo,
) -> Proposed {
    let surface = &text[start..end];
    let best_kind = head.best_kind;
    let broad = matches!(
        best_kind,
        Kind::Country | Kind::Region | Kind::Demonym | Kind::Admin1 | Kind::Physical
    );
    let mut score = head.best_prior;
    let letters = usize::from(head.letters);
    if letters < 2 {
        score -= 10.0; // "X", "A": never places on their own
    }
    if head.has(SurfaceHead::CALENDAR) {
        score -= 6.0;
    }
    let sentence_start = sentences.get(sentence).map(|r| r.start).unwrap_or(0);
    let at_sentence_start = no_word_between(text, sentence_start, start);
    // A name that is also an ordinary word ("Reading", "Mobile", "Oxford") is suspect
    // where capitals say nothing (sentence start); mid-sentence its capital already
    // marks a proper noun, so the doubt is small.
    if head.has(SurfaceHead::COMMON_WORD) {
        let mild = matches!(
            best_kind,
            Kind::Country | Kind::Region | Kind::Demonym | Kind::Physical
        );
        score -= match (at_sentence_start, mild) {
            (true, true) => 1.5,
            (true, false) => 3.0,
            (false, true) => 0.3,
            (false, false) => 1.5,
        };
        // Inside a run of capitalised words ("City Council", "University of …") an
        // ordinary word is part of a name, not a place.
        let cap_before = previous_word(text, start).is_some_and(|(_, w)| is_capitalized(w));
        let cap_after = next_word(text, end)
            .is_some_and(|(s, w)| is_capitalized(w) && text[end..s].chars().all(|c| c == ' '));
        if !at_sentence_start && (cap_before || cap_after) && !mild {
            score -= 1.0;
        }
        // "Western countries", "Central bank": an ordinary word used as an adjective
        // before a lower-case noun.
        let lower_after = next_word(text, end).is_some_and(|(s, w)| {
            text[end..s].chars().all(|c| c == ' ')
                && w.chars().next().is_some_and(char::is_lowercase)
                && classify(w).kind.is_none()
        });
        if lower_after && best_kind != Kind::Country {
            score -= 1.0;
        }
    } else if at_sentence_start {
        score -= 0.4;
    }

    // Acronyms: a capitalised-only word matched as an ordinary name ("ISIL", "JNIM") is
    // an organisation, unless the whole sentence shouts (a headline).
    let multi_word = head.has(SurfaceHead::MULTI_WORD);
    // Dotted capitals (U.S., D.C., S.C.) abbreviate names; only undotted ones are
    // taken for acronyms.
    if letters >= 2
        && head.has(SurfaceHead::ALL_CAPS)
        && !head.has(SurfaceHead::ABBREVIATION)
        && !multi_word
        && !surface.contains('.')
    {
        let sentence_text = sentences
            .get(sentence)
            .map(|r| &text[r.clone()])
            .unwrap_or(surface);
        let shouting = sentence_text.chars().filter(|c| c.is_lowercase()).count() * 4
            < sentence_text.chars().filter(|c| c.is_alphabetic()).count();
        if !shouting {
            // Short capitals are acronyms (ISIL, JNIM, NATO); long ones are mostly
            // datelines ("CHARLESTON, W.Va.").
            score -= if letters <= 5 { 3.0 } else { 0.3 };
        }
    }

    let person = |memo: &mut WordMemo| {
        *surfaces[head.index as usize].person.get_or_init(|| {
            if multi_word {
                crate::gazetteer::PersonName::default()
            } else {
                gazetteer.person_name_memo(surface, memo)
            }
        })
    };
    let mut person_context = false;
    let mut locative_cue = false;
    let mut kind_cue = None;

    // The word before.
    let prev = previous_word(text, start);
    let attached_before = start > 0 && {
        let before = text[..start].chars().last();
        matches!(before, Some('-') | Some('\'') | Some('’'))
            || before.is_some_and(char::is_alphanumeric)
    };
    if attached_before && text[..start].ends_with('-') {
        // "al-Islam", "Pro-Russia": the name is glued to a word before it.
        let glued_word = text[..start - 1]
            .chars()
            .last()
            .is_some_and(char::is_alphanumeric);
        if glued_word && !broad {
            score -= 1.5;
        }
    }
    if let Some((prev_start, word)) = prev {
        let prev_at_start = no_word_between(text, sentence_start.min(prev_start), prev_start);
        let prev_class = classify(word);
        let is_of = prev_class.bits & class::OF != 0;
        if prev_class.bits & class::LOCATIVE != 0 {
            score += if is_of { 0.8 } else { 1.3 };
            locative_cue = true;
        }
        if let Some(k) = prev_class.kind {
            kind_cue = Some(k);
        } else if is_of && let Some((_, before_of)) = previous_word(text, prev_start) {
            // "the city of Agadez", "the state of Niger".
            kind_cue = classify(before_of).kind;
        }
        let glued = text[prev_start + word.len()..start]
            .chars()
            .all(|c| c == ' ');
        if prev_class.bits & class::PERSON_CUE != 0 {
            score -= 2.5;
            person_context = true;
        } else if glued
            && is_capitalized(word)
            && prev_class.bits & (class::PLACE_PREFIX | class::LOCATIVE) == 0
            && {
                let facts = gazetteer.word_facts(word, memo);
                (!facts.is_name || gazetteer.person_name_memo(word, memo).given)
                    && !(prev_at_start && facts.common_word)
            }
        {
            // "Kurt Campbell", "Minister Ali": a capitalised non-place word (or a given
            // name) right before.
            score -= if matches!(best_kind, Kind::Country | Kind::Demonym) {
                1.0
            } else {
                2.5
            };
            person_context = true;
        }
        if prev_class.bits & class::THE != 0 && broad {
            score += 0.3;
        }
    }

    // Glued by a hyphen to a capitalised non-place word after it: "Al-Qaeda".
    if text[end..].starts_with('-')
        && let Some((_, word)) = next_word(text, end + 1)
        && is_capitalized(word)
        && !broad
        && !gazetteer.word_facts(word, memo).is_name
    {
        score -= 1.5;
    }
    // The word after.
    let next = next_word(text, end);
    let gap = next.map(|(s, _)| &text[end..s]).unwrap_or("");
    if let Some((_, word)) = next
        && gap.chars().all(|c| c == ' ')
        && !gap.is_empty()
    {
        let next_class = classify(word);
        if let Some(k) = next_class.kind {
            kind_cue = kind_cue.or(Some(k));
        }
        if is_capitalized(word)
            && next_class.bits & class::PLACE_SUFFIX == 0
            && !multi_word
            && person(memo).given
        {
            // "Michael Jones", "Georgia Smith": a given name starting a name.
            score -= if best_kind == Kind::Country { 1.0 } else { 3.0 };
            person_context = true;
        }
        if next_class.bits & class::SPEECH_VERB != 0 && !broad {
            score -= 1.5;
            person_context = true;
        }
    }

    Proposed {
        hit: Hit {
            start,
            end,
            surface: head.index,
            score,
            sentence,
            kind_cue,
        },
        person_context,
        locative_cue,
    }
}

/// Document-level evidence: a word used as a person's name anywhere in the story is a
/// person elsewhere too ("Kurt Campbell" … "Campbell said"), and a name confidently
/// used as a place lends weight to its other, less clear, mentions.
fn score_document(
    gazetteer: &Gazetteer,
    surfaces: &[Surface],
    proposed: &mut [Proposed],
    options: &Options,
) {
    let key = |p: &Proposed| surfaces[p.hit.surface as usize].key_id;
    // Surnames: the last word of a capitalised run that follows a title or a first name.
    let person_keys: HashSet<u32> = proposed
        .iter()
        .filter(|p| p.person_context)
        .map(key)
        .collect();
    let mut best_score: HashMap<u32, f32> = HashMap::default();
    for p in proposed.iter() {
        let s = best_score.entry(key(p)).or_insert(f32::MIN);
        *s = s.max(p.hit.score);
    }
    let confident: HashSet<u32> = best_score
        .into_iter()
        .filter(|(_, s)| *s >= options.threshold + 1.0)
        .map(|(k, _)| k)
        .collect();
    for p in proposed.iter_mut() {
        let surface = &surfaces[p.hit.surface as usize];
        if person_keys.contains(&surface.key_id) && !p.person_context && !p.locative_cue {
            let broad = surface.candidates.iter().any(|c| {
                matches!(
                    gazetteer.kind(c.entry),
                    Kind::Country | Kind::Region | Kind::Admin1
                )
            });
            if !broad {
                p.hit.score -= 2.0;
            }
        }
        if confident.contains(&surface.key_id)
            && !p.person_context
            && p.hit.score < options.threshold
        {
            p.hit.score += 1.5;
        }
    }
}

#[cfg(test)]
mod classify_tests {
    use super::*;

    #[test]
    fn every_listed_word_is_classified_in_any_case() {
        for &(words, bit) in CUE_LISTS {
            for w in words {
                assert!(classify(w).bits & bit != 0, "{w}");
                assert!(classify(&w.to_uppercase()).bits & bit != 0, "{w}");
            }
        }
        for &(w, kind) in KIND_CUES {
            assert_eq!(classify(w).kind, Some(kind), "{w}");
        }
        assert_eq!(classify("Of").bits & class::OF, class::OF);
        assert_eq!(classify("THE").bits & class::THE, class::THE);
        let none = classify("Niamey");
        assert_eq!((none.bits, none.kind), (0, None));
        // Not ASCII, and longer than a short key: no class, no panic.
        assert_eq!(classify("Ségou").bits, 0);
        assert_eq!(classify("extraordinarily-long-word").bits, 0);
    }
}
