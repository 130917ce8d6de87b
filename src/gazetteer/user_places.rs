//! The user's own places ("base 201", a camp, a neighbourhood the bundled data lacks),
//! held by the [`Gazetteer`](super::Gazetteer) beside its bundled entries as an overlay.
//!
//! **Indices.** A user place is an entry like any other: its [`EntryIndex`] is at or
//! above the bundled [`Gazetteer::len`](super::Gazetteer::len), so mentions, corrections, summaries, exports and
//! the map use it unchanged. Slots are only ever added: a place deleted or edited keeps
//! its old slot (no longer matched in text), so an index handed out earlier never
//! points at another place, even while a document parsed before the change is still
//! shown. At most [`MAX_USER_ENTRIES`] slots per gazetteer (edits included).
//!
//! **Ids.** A user place's stable id is `user:SLUG`, the slug being its folded name with
//! every run of other characters than ASCII letters and digits made one `-`
//! (`Base 201` is `user:base-201`). Names are unique among the user's places (folded),
//! so the id is too, and it survives sessions, projects and exports.
//!
//! **Names.** A user name is found in text without regard to ASCII case (see
//! `geoparse/recognize/user_names.rs`), so a name that would match nearly everywhere is
//! refused ([`check_name`]): fewer than two letters or digits, a common English word
//! such as `the` or `may`, only digits.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde::{Deserialize, Serialize};

use super::{Entry, EntryFacts, EntryIndex, Kind};
use crate::fold::fold_name;

/// The most user entries (slots) one gazetteer holds, edits and deletions included.
pub const MAX_USER_ENTRIES: usize = 64 * SLOT_CHUNK;

/// Slots allocated at once.
const SLOT_CHUNK: usize = 1024;

/// The most bytes of a user place's name or of one alternate name.
pub const MAX_NAME_BYTES: usize = 200;

/// The most alternate names of one user place.
pub const MAX_ALTERNATE_NAMES: usize = 50;

/// Up to this many name patterns, user names are found with a DFA (see `UserNames::new`).
const DFA_MAX_PATTERNS: usize = 4000;

/// The id prefix of user places (`user:base-201`).
pub const USER_ID_PREFIX: &str = "user:";

/// One place the user added. Coordinates are WGS 84 degrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPlace {
    /// Its name, as the user wrote it.
    pub name: String,
    /// Latitude, degrees north, in [-90, 90].
    pub lat: f64,
    /// Longitude, degrees east, in [-180, 180].
    pub lon: f64,
    /// What it is ([`Kind::Demonym`] is refused).
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 code of its country (upper case), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Other names it goes by, each found in text like the name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternate_names: Vec<String>,
}

/// Why a user place cannot be added: said so that a user can fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UserPlaceError {
    /// A name that would match too much, or is not a name at all.
    #[error("the name “{name}” is refused: {reason}")]
    Name {
        /// The name as given.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// Coordinates out of range or not numbers.
    #[error(
        "the coordinates ({lat}, {lon}) are not a point on Earth (latitude -90 to 90, longitude -180 to 180)"
    )]
    Coordinates {
        /// Latitude as given.
        lat: f64,
        /// Longitude as given.
        lon: f64,
    },
    /// A kind a user place cannot have.
    #[error("a place cannot be of kind “demonym”")]
    Kind,
    /// A country code that is not two letters.
    #[error("the country “{0}” is not a two-letter ISO code (such as NE or US)")]
    Country(String),
    /// Too many alternate names.
    #[error("more than {MAX_ALTERNATE_NAMES} alternate names")]
    TooManyNames,
    /// The gazetteer holds [`MAX_USER_ENTRIES`] user entries already.
    #[error("too many places added in this session (at most {MAX_USER_ENTRIES}); restart Gazette")]
    Full,
}

/// English words that are not place names but would be matched everywhere if a user
/// named a place so (user names match without case). Not exhaustive: the common ones.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "before", "but", "by", "can", "could", "day", "did", "do", "for", "from", "had", "has",
    "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "just", "last", "like", "man", "march", "may", "me", "more", "most", "my", "new", "no", "not",
    "now", "of", "on", "one", "only", "or", "other", "our", "out", "over", "said", "says", "she",
    "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "time", "to", "two", "up", "us", "was", "we", "were", "what", "when", "where",
    "which", "who", "will", "with", "would", "year", "years", "you", "your",
];

/// Checks that `name` can be a user place's name: at least two letters or digits, not
/// only digits, not one of about a hundred common English words (`the`, `may`), at most
/// [`MAX_NAME_BYTES`], no `|` (the alternate-name separator) or control character.
pub fn check_name(name: &str) -> Result<(), UserPlaceError> {
    let refuse = |reason| {
        Err(UserPlaceError::Name {
            name: name.to_string(),
            reason,
        })
    };
    let folded = fold_name(name);
    let alphanumerics = folded.chars().filter(|c| c.is_alphanumeric()).count();
    if name.len() > MAX_NAME_BYTES {
        return refuse("it is longer than 200 bytes");
    }
    if name.contains('|') || name.chars().any(char::is_control) {
        return refuse("it holds a `|` or a control character");
    }
    if alphanumerics < 2 {
        return refuse(
            "it has fewer than two letters or digits, so it would match almost anywhere",
        );
    }
    if folded
        .chars()
        .all(|c| c.is_ascii_digit() || !c.is_alphanumeric())
    {
        return refuse("it is only a number, so it would match every such number");
    }
    if STOP_WORDS.binary_search(&folded.as_str()).is_ok() {
        return refuse("it is a common English word, so it would match in almost every text");
    }
    Ok(())
}

impl UserPlace {
    /// Checks every field (see [`UserPlaceError`]) and tidies the place: names and
    /// country trimmed, the country upper case, empty and repeated alternate names
    /// dropped.
    pub fn checked(mut self) -> Result<UserPlace, UserPlaceError> {
        self.name = self.name.trim().to_string();
        check_name(&self.name)?;
        if !(-90.0..=90.0).contains(&self.lat) || !(-180.0..=180.0).contains(&self.lon) {
            return Err(UserPlaceError::Coordinates {
                lat: self.lat,
                lon: self.lon,
            });
        }
        if self.kind == Kind::Demonym {
            return Err(UserPlaceError::Kind);
        }
        self.country_code = match self.country_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) if c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some(c.to_ascii_uppercase())
            }
            Some(c) => return Err(UserPlaceError::Country(c.to_string())),
        };
        let mut seen = vec![fold_name(&self.name)];
        let mut alternates = Vec::new();
        for alt in std::mem::take(&mut self.alternate_names) {
            let alt = alt.trim().to_string();
            if alt.is_empty() || seen.contains(&fold_name(&alt)) {
                continue;
            }
            check_name(&alt)?;
            seen.push(fold_name(&alt));
            alternates.push(alt);
        }
        if alternates.len() > MAX_ALTERNATE_NAMES {
            return Err(UserPlaceError::TooManyNames);
        }
        self.alternate_names = alternates;
        Ok(self)
    }

    /// The stable id: `user:` and the slug of the name (see the module docs).
    pub fn id(&self) -> String {
        user_id(&self.name)
    }

    /// The name and the alternate names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.alternate_names.iter().map(String::as_str))
    }

    /// The gazetteer entry it becomes (feature code `USER`, population 0).
    fn to_entry(&self) -> Entry {
        Entry {
            id: self.id(),
            kind: self.kind,
            name: self.name.clone(),
            ascii_name: crate::fold::ascii_name(&self.name),
            alt_names: self.alternate_names.join("|"),
            abbreviations: String::new(),
            lat: self.lat,
            lon: self.lon,
            feature_code: USER_FEATURE_CODE.to_string(),
            country_code: self.country_code.clone(),
            admin1_code: None,
            population: 0,
            bbox: None,
            members: Vec::new(),
            refers_to: None,
        }
    }
}

/// The feature code of user entries.
pub const USER_FEATURE_CODE: &str = "USER";

/// The id of a user place named `name` (see the module docs).
pub fn user_id(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in fold_name(name).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    format!(
        "{USER_ID_PREFIX}{}",
        if slug.is_empty() { "place" } else { slug }
    )
}

/// The user places in effect, as recognition reads them: each distinct folded name
/// with the entries it denotes, and an automaton that finds them all in one pass. Made
/// anew by [`Gazetteer::set_user_places`](super::Gazetteer::set_user_places); shared by
/// the documents parsed while it is in effect.
#[derive(Debug, Default)]
pub struct UserNames {
    /// The entries in effect, in the places' order.
    pub entries: Vec<EntryIndex>,
    /// The entry in effect of each id.
    pub by_id: std::collections::HashMap<String, EntryIndex>,
    /// Changes with every [`Gazetteer::set_user_places`](super::Gazetteer::set_user_places).
    pub generation: u64,
    /// `(folded name, entries it denotes)`: a group per distinct folded name (a place's
    /// alternate name may be another's name).
    pub groups: Vec<(String, Vec<EntryIndex>)>,
    /// The group of each pattern of `matcher`.
    pub pattern_groups: Vec<u32>,
    /// Every name as given and folded (`Zürich` and `zurich`), ASCII case ignored,
    /// leftmost-longest; `None` with no names (or if it could not be built, which only
    /// absurd sizes cause).
    pub matcher: Option<aho_corasick::AhoCorasick>,
}

impl UserNames {
    /// The names of `places` (their entries `entries`), `generation` set.
    fn new(places: &[UserPlace], entries: Vec<EntryIndex>, generation: u64) -> UserNames {
        use std::collections::{HashMap, HashSet};
        let mut groups: Vec<(String, Vec<EntryIndex>)> = Vec::new();
        let mut group_of: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_groups = Vec::new();
        // Patterns as the automaton compares them (ASCII case ignored), to add each once.
        let mut seen: HashSet<String> = HashSet::new();
        for (place, &entry) in places.iter().zip(&entries) {
            for name in place.names() {
                let folded = fold_name(name);
                let group = match group_of.get(&folded) {
                    Some(&g) => {
                        if !groups[g].1.contains(&entry) {
                            groups[g].1.push(entry);
                        }
                        g
                    }
                    None => {
                        group_of.insert(folded.clone(), groups.len());
                        groups.push((folded.clone(), vec![entry]));
                        groups.len() - 1
                    }
                };
                for form in [name.to_string(), folded] {
                    if seen.insert(form.to_ascii_lowercase()) {
                        patterns.push(form);
                        pattern_groups.push(group as u32);
                    }
                }
            }
        }
        let by_id = places
            .iter()
            .zip(&entries)
            .map(|(p, &e)| (p.id(), e))
            .collect();
        let matcher = (!patterns.is_empty())
            .then(|| {
                // A DFA searches fastest (one table lookup a byte); past a few thousand
                // names its tables grow large, and the crate chooses.
                let kind = (patterns.len() <= DFA_MAX_PATTERNS)
                    .then_some(aho_corasick::AhoCorasickKind::DFA);
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .kind(kind)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        UserNames {
            entries,
            by_id,
            generation,
            groups,
            pattern_groups,
            matcher,
        }
    }
}

/// [`SLOT_CHUNK`] slots, allocated on first use.
type SlotChunk = OnceLock<Box<[OnceLock<Slot>]>>;

/// The slots handed out, under [`Overlay::taken`]'s lock.
#[derive(Debug, Default)]
struct Taken {
    count: usize,
    /// Each id's entries, oldest first: a place put in effect again finds its slot
    /// without a look at every slot (an import of 50,000 places).
    by_id: std::collections::HashMap<String, Vec<EntryIndex>>,
}

/// One slot: the entry and its facts.
#[derive(Debug)]
struct Slot {
    place: UserPlace,
    entry: Entry,
    facts: EntryFacts,
}

/// The user entries of one gazetteer (see the module docs). Interior mutability: the
/// gazetteer is shared (`Arc`) by the window and its background threads, and the user's
/// places join it at once.
#[derive(Debug)]
pub(super) struct Overlay {
    /// The bundled entry count: slot `i` is entry `base + i`.
    base: usize,
    /// [`SLOT_CHUNK`] slots a chunk, each chunk allocated on first use, each slot set once.
    chunks: Box<[SlotChunk]>,
    /// Slots taken, and each id's slots (oldest first); guards appending.
    taken: Mutex<Taken>,
    /// Whether any place is in effect: checked for every document parsed, so that with
    /// no user places recognition costs one atomic load more.
    any: AtomicBool,
    current: RwLock<Arc<UserNames>>,
    generation: AtomicU64,
}

impl Overlay {
    /// An empty overlay over `base` bundled entries.
    pub(super) fn new(base: usize) -> Overlay {
        Overlay {
            base,
            chunks: (0..MAX_USER_ENTRIES / SLOT_CHUNK)
                .map(|_| OnceLock::new())
                .collect(),
            taken: Mutex::new(Taken::default()),
            any: AtomicBool::new(false),
            current: RwLock::new(Arc::new(UserNames::default())),
            generation: AtomicU64::new(0),
        }
    }

    fn slot(&self, index: EntryIndex) -> Option<&Slot> {
        let i = (index as usize).checked_sub(self.base)?;
        self.chunks
            .get(i / SLOT_CHUNK)?
            .get()?
            .get(i % SLOT_CHUNK)?
            .get()
    }

    /// The entry at `index` (at or above the bundled length), if a user place has it.
    pub(super) fn entry(&self, index: EntryIndex) -> Option<&Entry> {
        self.slot(index).map(|s| &s.entry)
    }

    /// Its facts.
    pub(super) fn facts(&self, index: EntryIndex) -> Option<&EntryFacts> {
        self.slot(index).map(|s| &s.facts)
    }

    /// The place behind a user entry.
    pub(super) fn place(&self, index: EntryIndex) -> Option<&UserPlace> {
        self.slot(index).map(|s| &s.place)
    }

    /// The names in effect, or `None` when there are none (cheap: one atomic load).
    pub(super) fn names(&self) -> Option<Arc<UserNames>> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        Some(current.clone())
    }

    /// Changes with every [`Overlay::set`].
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The entry of the place in effect with id `id`, else of the latest slot with it.
    pub(super) fn index_of_id(&self, id: &str) -> Option<EntryIndex> {
        let current = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(&e) = current.by_id.get(id) {
            return Some(e);
        }
        let taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        taken.by_id.get(id).and_then(|slots| slots.last().copied())
    }

    /// Puts `places` in effect (each already [`UserPlace::checked`]), replacing those in
    /// effect. A place equal to one that has a slot keeps its index; any other takes a
    /// new slot. Returns each place's entry, in order.
    pub(super) fn set(&self, places: &[UserPlace]) -> Result<Vec<EntryIndex>, UserPlaceError> {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        let mut entries = Vec::with_capacity(places.len());
        for place in places {
            let id = place.id();
            let existing = taken.by_id.get(&id).and_then(|slots| {
                slots
                    .iter()
                    .copied()
                    .find(|&e| self.place(e) == Some(place))
            });
            let index = match existing {
                Some(e) => e,
                None => {
                    let i = taken.count;
                    if i >= MAX_USER_ENTRIES {
                        return Err(UserPlaceError::Full);
                    }
                    let index =
                        EntryIndex::try_from(self.base + i).map_err(|_| UserPlaceError::Full)?;
                    let chunk = self.chunks[i / SLOT_CHUNK]
                        .get_or_init(|| (0..SLOT_CHUNK).map(|_| OnceLock::new()).collect());
                    let entry = place.to_entry();
                    let facts = EntryFacts::of(index, &entry);
                    // Each slot is set once, under the lock, so this cannot fail.
                    let _ = chunk[i % SLOT_CHUNK].set(Slot {
                        place: place.clone(),
                        entry,
                        facts,
                    });
                    taken.count += 1;
                    taken.by_id.entry(id).or_default().push(index);
                    index
                }
            };
            entries.push(index);
        }
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        let user_names = Arc::new(UserNames::new(places, entries.clone(), generation));
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = user_names;
        self.any.store(!places.is_empty(), Ordering::Release);
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str) -> UserPlace {
        UserPlace {
            name: name.into(),
            lat: 13.0,
            lon: 8.0,
            kind: Kind::Place,
            country_code: Some("ne".into()),
            alternate_names: vec![" Base Two Zero One ".into(), "".into()],
        }
    }

    #[test]
    fn stop_words_are_sorted_for_the_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn names_that_would_match_everywhere_are_refused_with_a_reason() {
        for bad in ["A", "x", "the", "The", "MAY", "12", "  ", "a|b", "-!-"] {
            let e = check_name(bad).expect_err(bad);
            assert!(e.to_string().contains("refused"), "{bad}: {e}");
        }
        for good in ["Base 201", "Agadez-Nord", "Zürich Ost", "NY"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn checked_tidies_and_refuses() {
        let p = place(" Base 201 ").checked().expect("valid");
        assert_eq!(p.name, "Base 201");
        assert_eq!(p.country_code.as_deref(), Some("NE"));
        assert_eq!(p.alternate_names, ["Base Two Zero One"]);
        let mut far = place("Base 201");
        far.lat = 91.0;
        assert!(matches!(
            far.checked(),
            Err(UserPlaceError::Coordinates { .. })
        ));
        let mut dem = place("Base 201");
        dem.kind = Kind::Demonym;
        assert_eq!(dem.checked(), Err(UserPlaceError::Kind));
        let mut cc = place("Base 201");
        cc.country_code = Some("Niger".into());
        assert!(matches!(cc.checked(), Err(UserPlaceError::Country(_))));
    }

    #[test]
    fn ids_are_slugs_of_the_folded_name() {
        assert_eq!(user_id("Base 201"), "user:base-201");
        assert_eq!(user_id("  Zürich — Ost! "), "user:zurich-ost");
        assert_eq!(user_id("!!!"), "user:place");
    }

    #[test]
    fn an_unchanged_place_keeps_its_index_and_an_edited_one_takes_a_new_slot() {
        let overlay = Overlay::new(100);
        assert!(overlay.names().is_none());
        let a = place("Base 201").checked().expect("valid");
        let b = place("Camp Delta").checked().expect("valid");
        let first = overlay.set(&[a.clone(), b.clone()]).expect("room");
        assert_eq!(first, [100, 101]);
        let mut moved = b.clone();
        moved.lat = 14.0;
        let second = overlay.set(&[a.clone(), moved]).expect("room");
        assert_eq!(second, [100, 102]);
        // The old slot still reads as the old place.
        assert_eq!(overlay.entry(101).map(|e| e.lat), Some(13.0));
        assert_eq!(overlay.index_of_id("user:camp-delta"), Some(102));
        let names = overlay.names().expect("in effect");
        assert_eq!(names.entries, [100, 102]);
        // The alternate name both share is one group of two entries; a folded form
        // that differs from the name only in case is not a pattern of its own.
        assert_eq!(names.groups.len(), 3);
        assert_eq!(
            names.groups[1],
            ("base two zero one".to_string(), vec![100, 102])
        );
        assert_eq!(names.pattern_groups, [0, 1, 2]);
        overlay.set(&[]).expect("room");
        assert!(overlay.names().is_none());
        assert_eq!(overlay.entry(99), None);
        assert_eq!(overlay.entry(103), None);
    }

    #[test]
    fn thousands_of_places_are_put_in_effect_and_found_by_id() {
        // Each step is by hash, not a search of every slot: quadratic work on 20,000
        // places would take minutes here.
        let overlay = Overlay::new(10);
        let places: Vec<UserPlace> = (0..20_000)
            .map(|i| {
                let mut p = place(&format!("Camp Sector {i}"));
                p.alternate_names.clear();
                p
            })
            .collect();
        let entries = overlay.set(&places).expect("room");
        assert_eq!(entries.len(), 20_000);
        assert_eq!(
            overlay.set(&places).expect("room"),
            entries,
            "unchanged: same slots"
        );
        assert_eq!(
            overlay.index_of_id("user:camp-sector-19999"),
            Some(10 + 19_999)
        );
        let names = overlay.names().expect("in effect");
        assert_eq!(names.groups.len(), 20_000);
    }
}
