//! Why a mention reads as it does, in words a user understands: what made it a place (a
//! cue word before it, a capital letter mid-sentence, the name again elsewhere), which
//! entry it was read as (kind, country, population), what chose that entry (a qualifier
//! such as `Paris, Texas`, the country the document is about, a place it names nearby),
//! and why the best alternates lost.
//!
//! Worked out on demand from the mention, its document and the gazetteer, not carried
//! by the parser: the parser stays as fast, and an explanation costs something only
//! where one is shown or exported. It reads the same cue words as the evidence
//! (`recognize::cue_of`) and the same kinds of fact as the resolver's scores, so it
//! names what counted; it does not replay the scores, so it says what weighed, not by
//! how much.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::hits::KindCue;
use super::text::{is_capitalized, is_possessive_gap, is_sentence_start, next_word, previous_word};
use super::{Mention, located_entry};
use crate::fold::fold_name;
use crate::gazetteer::{Entry, EntryIndex, Gazetteer, Kind, is_all_caps, pack_code};

/// A place named within this many km of the entry is "nearby" in an explanation (the
/// resolver's own "near" is of the same order).
const NEARBY_KM: f64 = 150.0;

/// The distinct places of a document an explanation compares a mention with (the most
/// mentioned first): bounds its cost in a document naming thousands.
const PLACES_COMPARED: usize = 64;

/// Alternates an explanation says something about: the best, and the next when its
/// probability is at least [`SECOND_ALTERNATE_MIN`] (below, it only lengthens the line).
const ALTERNATES_EXPLAINED: usize = 2;

/// See [`ALTERNATES_EXPLAINED`].
const SECOND_ALTERNATE_MIN: f32 = 0.05;

/// What a document says as a whole, gathered once per document and read by every
/// explanation of its mentions.
#[derive(Debug, Clone, Default)]
pub struct WhyContext {
    /// Mentions per country code, [`pack_code`]d (the chosen entries' countries; a
    /// country's own): counted from the entries' compact facts, not from the entries.
    countries: FxHashMap<u64, usize>,
    /// The document's distinct places (located entries), most mentioned first, at most
    /// [`PLACES_COMPARED`], less those [`nearest`] never names (countries, regions,
    /// demonyms): what it reads of each, copied once per document, so that each
    /// explanation compares its mention with them without a look at their entries.
    places: Vec<NearbyCandidate>,
    /// The document's distinct folded names, each with its mentions.
    names: Vec<(String, usize)>,
    /// Each mention's folded name (its place in `names`), in the order of the mentions:
    /// an explanation reads its mention's instead of folding it again, and a document's
    /// mentions add four bytes each (a 40 MB text has ~400,000).
    name_of: Vec<u32>,
    /// [`WhyContext::main_country`], worked out once for all the mentions.
    main: Option<(u64, usize)>,
}

/// A place of the document that [`nearest`] may name, as it reads it.
#[derive(Debug, Clone, Copy)]
struct NearbyCandidate {
    entry: EntryIndex,
    /// The place's first mention's folded name (its place in [`WhyContext::names`]).
    name: u32,
    lat: f64,
    lon: f64,
}

/// A mention's folded name: kept in the context ([`WhyContext::names`]), or folded now
/// for a mention the context was not made of.
enum FoldedName {
    Kept(u32),
    Folded(String),
}

impl WhyContext {
    /// The context of a document whose mentions (as parsed) are `mentions`.
    pub fn new(gazetteer: &Gazetteer, mentions: &[Mention]) -> WhyContext {
        // Maps sized for a news article's mentions at once, not grown from empty (three
        // allocations and rehashes each for ten mentions; the batch makes a context per
        // article).
        let room = mentions.len().min(PLACES_COMPARED);
        // Each distinct folded name's place in `names`.
        let mut ids: FxHashMap<String, u32> =
            FxHashMap::with_capacity_and_hasher(room, Default::default());
        let mut names: Vec<(String, usize)> = Vec::new();
        // Each chosen entry's mentions, and its first mention (its place in `mentions`)
        // and that mention's folded name (its place in `names`): the entries' kinds and
        // countries are then read once an entry, not once a mention (after the parse,
        // each read is a cache miss).
        let mut chosen: FxHashMap<EntryIndex, (usize, usize, u32)> =
            FxHashMap::with_capacity_and_hasher(room, Default::default());
        let mut name_of = Vec::with_capacity(mentions.len());
        // Each name as written, once folded: a long text names the same places again
        // and again, and folding every mention was most of a 40 MB text's context.
        let mut written: FxHashMap<&str, u32> =
            FxHashMap::with_capacity_and_hasher(room, Default::default());
        for (i, m) in mentions.iter().enumerate() {
            let id = match written.get(m.text.as_str()) {
                Some(&id) => id,
                None => {
                    let name = fold_name(&m.text);
                    let id = match ids.get(&name) {
                        Some(&id) => id,
                        None => {
                            let id = names.len() as u32;
                            names.push((name.clone(), 0));
                            ids.insert(name, id);
                            id
                        }
                    };
                    written.insert(&m.text, id);
                    id
                }
            };
            names[id as usize].1 += 1;
            name_of.push(id);
            chosen.entry(m.resolution.entry).or_insert((0, i, id)).0 += 1;
        }
        let mut countries: FxHashMap<u64, usize> = FxHashMap::default();
        // Each place (located entry) as `chosen` has it: a demonym's country adds the
        // demonym's mentions, and its first mention is the first of either.
        let mut places: FxHashMap<EntryIndex, (usize, usize, u32)> =
            FxHashMap::with_capacity_and_hasher(room, Default::default());
        for (entry, (n, first, id)) in chosen {
            let entry = located(gazetteer, entry);
            if let Some(cc) = country_of(gazetteer, entry) {
                *countries.entry(cc).or_default() += n;
            }
            let place = places.entry(entry).or_insert((0, first, id));
            place.0 += n;
            if first < place.1 {
                (place.1, place.2) = (first, id);
            }
        }
        let mut places: Vec<(EntryIndex, usize, u32)> =
            places.into_iter().map(|(e, (n, _, s))| (e, n, s)).collect();
        places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        places.truncate(PLACES_COMPARED);
        let places = places
            .into_iter()
            .filter_map(|(entry, _, name)| {
                // The compact facts row: the entry's kind and point, in one cache line.
                let e = gazetteer.facts(entry);
                let named = !matches!(e.kind, Kind::Country | Kind::Region | Kind::Demonym);
                named.then_some(NearbyCandidate {
                    entry,
                    name,
                    lat: e.lat,
                    lon: e.lon,
                })
            })
            .collect();
        let mut context = WhyContext {
            countries,
            places,
            names,
            name_of,
            main: None,
        };
        context.main = context.main_country();
        context
    }

    /// The folded name of mention `index` of `mentions`, and how many mentions have it
    /// (1 if none does: the context is of other mentions): kept if this context was made
    /// of `mentions`, else folded and looked for now.
    fn folded_name(&self, mentions: &[Mention], index: usize) -> (FoldedName, usize) {
        if self.name_of.len() == mentions.len()
            && let Some(&id) = self.name_of.get(index)
            && let Some((_, n)) = self.names.get(id as usize)
        {
            return (FoldedName::Kept(id), *n);
        }
        let name = fold_name(&mentions[index].text);
        let n = self.names.iter().find(|(other, _)| *other == name);
        let times = n.map_or(1, |&(_, n)| n);
        (FoldedName::Folded(name), times)
    }

    /// Whether the name kept as `id` in `names` is `name`.
    fn is_name(&self, id: u32, name: &FoldedName) -> bool {
        match name {
            // Names are kept once each: equal ids, equal names.
            FoldedName::Kept(kept) => *kept == id,
            FoldedName::Folded(name) => self.names.get(id as usize).is_some_and(|(n, _)| n == name),
        }
    }

    /// The country most mentioned ([`pack_code`]d), if one is mentioned more than any
    /// other, with its count.
    fn main_country(&self) -> Option<(u64, usize)> {
        let mut best: Option<(u64, usize)> = None;
        let mut tie = false;
        for (&cc, &n) in &self.countries {
            match best {
                Some((_, b)) if n < b => {}
                Some((_, b)) if n == b => tie = true,
                _ => {
                    best = Some((cc, n));
                    tie = false;
                }
            }
        }
        best.filter(|_| !tie)
    }
}

/// Why mention `index` of `mentions` (the parsed mentions of `text`) reads as it does:
/// a few short sentences (see the [module](self) documentation). `context` is
/// [`WhyContext::new`] of the same mentions. A mention that is not there, or whose span
/// does not fit the text, gets an empty string.
pub fn explain(
    gazetteer: &Gazetteer,
    text: &str,
    mentions: &[Mention],
    index: usize,
    context: &WhyContext,
) -> String {
    let mut out = String::new();
    explain_into(&mut out, gazetteer, text, mentions, index, context);
    out
}

/// A list written as it is found: `first` before its first item, `sep` before each
/// other (the sentence's pieces go straight into one buffer, no list of strings).
struct Items {
    count: usize,
    first: &'static str,
    sep: &'static str,
}

impl Items {
    fn new(first: &'static str, sep: &'static str) -> Items {
        Items {
            count: 0,
            first,
            sep,
        }
    }

    /// Starts the next item in `out`.
    fn next<'o>(&mut self, out: &'o mut String) -> &'o mut String {
        out.push_str(if self.count == 0 {
            self.first
        } else {
            self.sep
        });
        self.count += 1;
        out
    }
}

/// [`explain`], appended to `out` (the JSON Lines export writes a row's `why` into a
/// buffer it keeps): the same text, written piece by piece without the intermediate
/// strings and `format!` calls that were most of an export's cost of explaining.
pub fn explain_into(
    out: &mut String,
    gazetteer: &Gazetteer,
    text: &str,
    mentions: &[Mention],
    index: usize,
    context: &WhyContext,
) {
    let Some(m) = mentions.get(index) else {
        return;
    };
    let fits = m.start <= m.end
        && m.end <= text.len()
        && text.is_char_boundary(m.start)
        && text.is_char_boundary(m.end);
    if !fits {
        return;
    }
    let chosen = words(gazetteer, m.resolution.entry);
    // A street or small feature of a town ("Larkspur Boulevard", "Larkspur" in
    // "Larkspur and Quarry streets"): no entry of its own, so it is placed at the
    // story's town (`streets.rs`, and "Wichita Drive" in the evidence). A mention read
    // as one of its own name's places ("Heron Lake", "Virgin Islands") is not one.
    if let Some(ending) = super::streets::street_word_of(text, m.start..m.end)
        && !gazetteer
            .candidates(&m.text)
            .iter()
            .any(|c| c.entry == m.resolution.entry)
    {
        push_all(
            out,
            &[
                "A place: a street or local feature (“",
                ending,
                "” ends its name).",
            ],
        );
        out.push_str(" Placed at the town the story is about: ");
        out.push_str(chosen.described());
        out.push('.');
        return;
    }
    let (name, times) = context.folded_name(mentions, index);

    // What made it a place; and the word beside it that says which kind (`city`,
    // `river`), which also tells namesakes apart.
    if chosen.kind == Kind::Demonym {
        out.push_str("A demonym");
    } else {
        out.push_str("A place");
    }
    let mut signs = Items::new(": ", ", ");
    if gazetteer.is_user_entry(m.resolution.entry) {
        // Found as the user named it, whatever the evidence (`recognize/user_names.rs`).
        signs.next(out).push_str("one of your places");
    }
    let mut kind_cue: Option<(&str, KindCue)> = None;
    if let Some((before_start, before)) = previous_word(text, m.start) {
        let (locative, kind) = super::recognize::cue_of(before);
        if locative || kind.is_some() {
            push_all(signs.next(out), &["“", before, "” before it"]);
        }
        kind_cue = kind.map(|k| (before, k));
        if before.eq_ignore_ascii_case("of")
            && let Some((_, two_before)) = previous_word(text, before_start)
            && let Some(k) = super::recognize::cue_of(two_before).1
        {
            push_all(signs.next(out), &["“", two_before, " of”"]);
            kind_cue = Some((two_before, k));
        }
    }
    if let Some((s, after)) = next_word(text, m.end)
        && text
            .get(m.end..s)
            .is_some_and(|gap| !gap.is_empty() && gap.chars().all(|c| c == ' '))
        && let Some(k) = super::recognize::cue_of(after).1
    {
        push_all(signs.next(out), &["“", after, "” after it"]);
        kind_cue = kind_cue.or(Some((after, k)));
    }
    // "GENEVA (Reuters) —": a wire service writes a city alone only where it is the
    // best-known of its name (the resolver reads it so).
    let wire_dateline = is_all_caps(&m.text) && super::recognize::is_wire_dateline(text, m.end);
    if wire_dateline {
        signs.next(out).push_str("a wire service's dateline");
    } else if is_capitalized(&m.text) && !is_sentence_start(text, m.start) {
        signs.next(out).push_str("a capital letter mid-sentence");
    }
    match times {
        0 | 1 => {}
        2 => signs.next(out).push_str("named twice in the document"),
        n => push_all(
            signs.next(out),
            &[
                "named ",
                itoa::Buffer::new().format(n),
                " times in the document",
            ],
        ),
    }
    if signs.count == 0 {
        out.push_str(": a known place name.");
    } else {
        out.push('.');
    }

    // What it was read as, and what chose it.
    out.push_str(" Read as ");
    out.push_str(chosen.described());
    let mut reasons = Items::new(": ", "; ");
    if let Some(q) = qualifier(gazetteer, text, mentions, index) {
        push_all(reasons.next(out), &["qualified by “", q, "”"]);
    }
    if wire_dateline && chosen.kind == Kind::Place {
        reasons
            .next(out)
            .push_str("a dateline with no state or country names the best-known city");
    }
    if let Some(cc) = chosen.country_code()
        && chosen.kind != Kind::Country
    {
        // Counts include this mention: more than one means another names the country.
        let cc = pack_code(cc);
        let in_country = context.countries.get(&cc).copied().unwrap_or(0);
        let country = chosen.country_name();
        match context.main {
            Some((main, n)) if main == cc && n > 1 => {
                let mut digits = itoa::Buffer::new();
                let n = digits.format(n);
                let items = ["the document is about ", country, " (", n, " mentions)"];
                push_all(reasons.next(out), &items);
            }
            _ if in_country > 1 => {
                push_all(
                    reasons.next(out),
                    &["the document names ", country, " or places in it"],
                );
            }
            _ => {}
        }
    }
    if let Some((other, km)) = nearest(context, &chosen, &name) {
        let out = reasons.next(out);
        push_all(out, &[words(gazetteer, other).name(), " is named "]);
        push_whole(out, km);
        out.push_str(" km away");
    }
    out.push('.');

    // Why the best alternates lost: the best always, the next only if it had a real
    // chance.
    let explained = m
        .resolution
        .alternates
        .iter()
        .take(ALTERNATES_EXPLAINED)
        .enumerate()
        .filter(|(i, a)| *i == 0 || a.probability >= SECOND_ALTERNATE_MIN);
    for (_, a) in explained {
        let e = words(gazetteer, a.entry);
        out.push_str(" Not ");
        out.push_str(e.label());
        let percent = f64::from(a.probability) * 100.0;
        if percent < 0.5 {
            out.push_str(" (under 1%)");
        } else {
            out.push_str(" (");
            push_whole(out, percent);
            out.push_str("%)");
        }
        let mut lost = Items::new(": ", "; ");
        if let Some((word, cue)) = kind_cue
            && cue_fits(cue, chosen.kind)
            && !cue_fits(cue, e.kind)
        {
            push_all(lost.next(out), &["“", word, "” says ", cue_says(cue)]);
        }
        if e.population < chosen.population && chosen.kind == e.kind {
            lost.next(out).push_str("smaller");
        } else if kind_rank(e.kind) > kind_rank(chosen.kind) {
            let kind = e.kind_word;
            push_all(lost.next(out), &[article(kind), kind, ", less prominent"]);
        }
        if let Some(cc) = e.country_code()
            && Some(cc) != chosen.country_code()
            && !context.countries.contains_key(&pack_code(cc))
        {
            push_all(
                lost.next(out),
                &["nothing in ", e.country_name(), " is named"],
            );
        }
        out.push('.');
    }
}

/// `x` rounded to a whole number, the digits `format!("{x:.0}")` writes (the exact value
/// rounded half to even), by integers for the distances and percentages explanations
/// write (core::fmt's exact float formatting was a tenth of an explanation's cost).
fn push_whole(out: &mut String, x: f64) {
    // Below 2^52 the floor and the fraction are exact (NaN fails the comparison).
    if x.is_sign_positive() && x < 4e15 {
        let floor = x.floor();
        let fraction = x - floor;
        // Exact below 2^52; an integer's parity, not `fmod` (a library call).
        let odd = !(floor as u64).is_multiple_of(2);
        let whole = if fraction > 0.5 || (fraction == 0.5 && odd) {
            floor + 1.0
        } else {
            floor
        };
        out.push_str(itoa::Buffer::new().format(whole as u64));
    } else {
        // Writing to a String cannot fail.
        let _ = write!(out, "{x:.0}");
    }
}

/// Appends each of `pieces` to `out`.
fn push_all(out: &mut String, pieces: &[&str]) {
    for piece in pieces {
        out.push_str(piece);
    }
}

/// Whether a kind cue word points to entries of `kind` (as the resolver's bonus does).
fn cue_fits(cue: KindCue, kind: Kind) -> bool {
    matches!(
        (cue, kind),
        (KindCue::Settlement, Kind::Place)
            | (
                KindCue::Division,
                Kind::Admin1 | Kind::Admin2 | Kind::Region
            )
            | (KindCue::Feature, Kind::Physical)
            | (KindCue::Country, Kind::Country)
    )
}

/// What a kind cue says, in words.
fn cue_says(cue: KindCue) -> &'static str {
    match cue {
        KindCue::Settlement => "a city or town",
        KindCue::Division => "a state, region or district",
        KindCue::Feature => "a physical feature",
        KindCue::Country => "a country",
    }
}

/// `the capital of Niger (pop. 1,026,848)`, `a country`, `a state of United States`,
/// appended to `out`.
fn describe_into(out: &mut String, gazetteer: &Gazetteer, e: &Entry, index: EntryIndex) {
    let country = e
        .country_code
        .as_deref()
        .map(|cc| country_name(gazetteer, cc));
    match (e.kind, country) {
        (Kind::Demonym, _) => {
            let of = located_entry(gazetteer, index);
            push_all(out, &["a word for ", &gazetteer.entry(of).name]);
        }
        (Kind::Country, _) => push_all(out, &[&e.name, ", a country"]),
        (Kind::Place, Some(c)) if e.feature_code == "PPLC" => {
            push_all(out, &[&e.name, ", the capital of ", c]);
        }
        (_, Some(c)) => {
            let kind = kind_word(e);
            push_all(out, &[&e.name, ", ", article(kind), kind, " in ", c]);
        }
        (_, None) => {
            let kind = kind_word(e);
            push_all(out, &[&e.name, ", ", article(kind), kind]);
        }
    }
    if e.population > 0 && e.kind != Kind::Demonym {
        out.push_str(" (pop. ");
        thousands_into(out, e.population);
        out.push(')');
    }
}

/// `an ` before a kind word that starts with a vowel (`airport`), `a ` before others.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an "
    } else {
        "a "
    }
}

/// The kind of an entry in a word (`town`, `state or province`).
fn kind_word(e: &Entry) -> &'static str {
    match e.kind {
        Kind::Country => "country",
        Kind::Admin1 => "state or province",
        Kind::Admin2 => "county or district",
        Kind::Place if e.feature_code == "AIRP" => "airport",
        Kind::Place if e.population >= 100_000 => "city",
        Kind::Place => "town",
        Kind::Region => "region",
        Kind::Physical => "physical feature",
        Kind::Demonym => "demonym",
    }
}

/// Broad kinds first: a country outranks a town of its name unless something says
/// otherwise.
fn kind_rank(kind: Kind) -> u8 {
    match kind {
        Kind::Country | Kind::Region | Kind::Demonym => 0,
        Kind::Admin1 | Kind::Physical => 1,
        Kind::Admin2 => 2,
        Kind::Place => 3,
    }
}

/// `Paris, United States (town, pop. 25,171)`, appended to `out`.
fn short_label_into(out: &mut String, gazetteer: &Gazetteer, e: &Entry) {
    out.push_str(&e.name);
    if let Some(cc) = e.country_code.as_deref()
        && e.kind != Kind::Country
    {
        out.push_str(", ");
        out.push_str(country_name(gazetteer, cc));
    }
    out.push_str(", ");
    out.push_str(kind_word(e));
    if e.population > 0 && e.kind != Kind::Demonym {
        out.push_str(", pop. ");
        thousands_into(out, e.population);
    }
}

/// The words right after the mention that name its entry's country or state
/// (`Paris, Texas`): the next mention, after a comma, when it was read as that country
/// or state.
fn qualifier<'t>(
    gazetteer: &Gazetteer,
    text: &'t str,
    mentions: &[Mention],
    index: usize,
) -> Option<&'t str> {
    let m = &mentions[index];
    // "Paris, Texas"; or "Chile's capital Santiago" (a possessive before it, with at
    // most a few lower-case words between, as the resolver reads it).
    let after = mentions.get(index + 1).filter(|next| {
        text.get(m.end..next.start)
            .is_some_and(|gap| gap.trim() == ",")
    });
    let before = || {
        let prev = mentions.get(index.checked_sub(1)?)?;
        let gap = text.get(prev.end..m.start)?;
        is_possessive_gap(gap).then_some(prev)
    };
    let next = after.or_else(before)?;
    let chosen = gazetteer.entry(m.resolution.entry);
    let q = gazetteer.entry(next.resolution.entry);
    let names_it = chosen.kind != Kind::Country
        && q.country_code.is_some()
        && q.country_code == chosen.country_code
        && match q.kind {
            Kind::Country => true,
            Kind::Admin1 => q.admin1_code == chosen.admin1_code,
            _ => false,
        };
    names_it.then(|| text.get(next.start..next.end)).flatten()
}

/// The nearest other place the document names (another name), within [`NEARBY_KM`] of
/// a town, county or feature: its entry and distance in km.
fn nearest(context: &WhyContext, chosen: &Words, name: &FoldedName) -> Option<(EntryIndex, f64)> {
    if matches!(chosen.kind, Kind::Country | Kind::Region | Kind::Demonym) {
        return None;
    }
    // No great circle is shorter than the meridian arc between the two latitudes: places
    // farther north or south than that are passed over without a haversine (margin of
    // 1 km for rounding), and only the nearest one's name is copied. The places are
    // read from the context's copy (countries, regions and demonyms already left out),
    // not from their entries: touching up to 64 entries per mention was most of an
    // explanation's time in a large export.
    let band = crate::geodesy::central_angle(NEARBY_KM + 1.0).to_degrees();
    context
        .places
        .iter()
        .filter(|p| !context.is_name(p.name, name))
        .filter(|p| (p.lat - chosen.lat).abs() <= band)
        .map(|p| {
            let km = crate::geodesy::haversine_km((chosen.lat, chosen.lon), (p.lat, p.lon));
            (p.entry, km)
        })
        .filter(|(_, km)| *km <= NEARBY_KM)
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Entries whose [`Words`] a thread keeps, at most; then it starts again (each is ~100
/// bytes and its text, so a few MB).
const MAX_KEPT_WORDS: usize = 1 << 14;

thread_local! {
    /// The [`Words`] of the entries this thread's explanations last read.
    static KEPT_WORDS: RefCell<KeptWords> = RefCell::default();
}

/// [`Words`] by entry, for one gazetteer and generation of its user places (an entry
/// index means another place in another gazetteer, and a user place's index another
/// place once they change).
#[derive(Default)]
struct KeptWords {
    /// [`Gazetteer::id`] and [`Gazetteer::user_generation`] of what is kept.
    of: (u64, u64),
    entries: FxHashMap<EntryIndex, Rc<Words>>,
}

/// What an explanation reads of an entry, put together once per thread: a batch
/// explains the same few thousand places again and again, and reading each time the
/// entry, its country's entry and the names they point to (cache misses, one string
/// after another) was most of an explanation's cost in a large export.
struct Words {
    kind: Kind,
    population: u64,
    /// Degrees.
    lat: f64,
    lon: f64,
    /// [`kind_word`] of the entry.
    kind_word: &'static str,
    /// The entry's [`short_label_into`] (which starts with its name), its [`describe_into`], and
    /// if it has a country code, the country's name ([`country_name`]) and the code; each
    /// ending where [`Words::ends`] says.
    text: Box<str>,
    /// Byte offsets in `text` where the name, the label, the description and the
    /// country's name end.
    ends: [usize; 4],
    has_country: bool,
}

impl Words {
    fn new(gazetteer: &Gazetteer, index: EntryIndex) -> Words {
        let e = gazetteer.entry(index);
        let mut text = String::with_capacity(160);
        // The label starts with the name.
        short_label_into(&mut text, gazetteer, e);
        let name = e.name.len();
        let label = text.len();
        describe_into(&mut text, gazetteer, e, index);
        let described = text.len();
        if let Some(cc) = e.country_code.as_deref() {
            text.push_str(country_name(gazetteer, cc));
        }
        let country = text.len();
        if let Some(cc) = e.country_code.as_deref() {
            text.push_str(cc);
        }
        Words {
            kind: e.kind,
            population: e.population,
            lat: e.lat,
            lon: e.lon,
            kind_word: kind_word(e),
            text: text.into_boxed_str(),
            ends: [name, label, described, country],
            has_country: e.country_code.is_some(),
        }
    }

    fn name(&self) -> &str {
        &self.text[..self.ends[0]]
    }

    /// [`short_label_into`] of the entry.
    fn label(&self) -> &str {
        &self.text[..self.ends[1]]
    }

    /// [`describe_into`] of the entry.
    fn described(&self) -> &str {
        &self.text[self.ends[1]..self.ends[2]]
    }

    /// [`country_name`] of the entry's country code (empty if it has none).
    fn country_name(&self) -> &str {
        &self.text[self.ends[2]..self.ends[3]]
    }

    fn country_code(&self) -> Option<&str> {
        self.has_country.then(|| &self.text[self.ends[3]..])
    }
}

/// The [`Words`] of the entry at `index`, kept by this thread or put together now.
fn words(gazetteer: &Gazetteer, index: EntryIndex) -> Rc<Words> {
    KEPT_WORDS.with_borrow_mut(|kept| {
        let of = (gazetteer.id(), gazetteer.user_generation());
        if kept.of != of || kept.entries.len() >= MAX_KEPT_WORDS {
            kept.of = of;
            kept.entries.clear();
        }
        Rc::clone(
            kept.entries
                .entry(index)
                .or_insert_with(|| Rc::new(Words::new(gazetteer, index))),
        )
    })
}

/// [`located_entry`] of `index`, read from the compact table of kinds for all but
/// demonyms (nearly every mention): an entry read for each mention of each document was
/// a cache miss each.
fn located(gazetteer: &Gazetteer, index: EntryIndex) -> EntryIndex {
    if gazetteer.kind(index) == Kind::Demonym {
        located_entry(gazetteer, index)
    } else {
        index
    }
}

/// [`pack_code`] of the country code of entry `index`, from its compact facts (which
/// the resolver has just read), or from the entry for a user place (whose code may be
/// empty, which its facts count as none).
fn country_of(gazetteer: &Gazetteer, index: EntryIndex) -> Option<u64> {
    if gazetteer.is_user_entry(index) {
        gazetteer
            .entry(index)
            .country_code
            .as_deref()
            .map(pack_code)
    } else {
        gazetteer.facts(index).country()
    }
}

/// The name of a country by its code (`NE` → `Niger`), the code if the gazetteer lacks it.
fn country_name<'a>(gazetteer: &'a Gazetteer, cc: &'a str) -> &'a str {
    gazetteer
        .country(cc)
        .map(|i| gazetteer.entry(i).name.as_str())
        .unwrap_or(cc)
}

/// `n` with thousands separated by commas (`1,026,848`), as the why sentence and the
/// app write populations and counts.
pub fn thousands(n: u64) -> String {
    let mut out = String::new();
    thousands_into(&mut out, n);
    out
}

/// [`thousands`], appended to `out`: the digits and commas are put together in a
/// buffer of their own and appended at once (a `push` per character was a tenth of an
/// explanation's cost; every population is written this way).
fn thousands_into(out: &mut String, n: u64) {
    let mut digits = itoa::Buffer::new();
    let s = digits.format(n).as_bytes();
    // At most 20 digits and 6 commas.
    let mut grouped = [0u8; 26];
    let mut len = 0;
    for (i, &b) in s.iter().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            grouped[len] = b',';
            len += 1;
        }
        grouped[len] = b;
        len += 1;
    }
    // Digits and commas only: always UTF-8.
    out.push_str(std::str::from_utf8(&grouped[..len]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geoparse::Geoparser;

    fn why_of(g: &Gazetteer, text: &str, written: &str) -> String {
        let mentions = Geoparser::new(g).parse(text);
        let context = WhyContext::new(g, &mentions);
        let i = mentions
            .iter()
            .position(|m| m.text == written)
            .unwrap_or_else(|| panic!("{written} not found in {mentions:?}"));
        explain(g, text, &mentions, i, &context)
    }

    #[test]
    fn the_evidence_is_said_in_words() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let why = why_of(
            &g,
            "Soldiers arrived in Agadez on Monday. Officials in Niamey said Niger would help.",
            "Agadez",
        );
        assert!(why.starts_with("A place: “in” before it"), "{why}");
        assert!(why.contains("a capital letter mid-sentence"), "{why}");
        assert!(why.contains("Read as Agadez"), "{why}");
        assert!(why.contains("Niger"), "{why}");
        let why = why_of(
            &g,
            "The show opened in Paris, Texas, on Friday. Paris, Texas is small.",
            "Paris",
        );
        assert!(why.contains("qualified by “Texas”"), "{why}");
        assert!(why.contains("named twice"), "{why}");
        assert!(why.contains(" Not Paris, France"), "{why}");
    }

    #[test]
    fn a_street_is_explained_by_its_ending_and_its_town() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let text = "Firefighters from Tulsa were called to a house on Larkspur Avenue West \
                    on Sunday. Tulsa police said nobody was hurt.";
        let why = why_of(&g, text, "Larkspur Avenue West");
        assert!(
            why.starts_with(
                "A place: a street or local feature (“Avenue” ends its name). Placed at the \
                 town the story is about: Tulsa"
            ),
            "{why}"
        );
        // The town itself is explained as a town, and so is a name the gazetteer holds.
        assert!(why_of(&g, text, "Tulsa").starts_with("A place"));
        let text = "Storms hit Grand Island, Nebraska, and the Virgin Islands.";
        for place in ["Grand Island", "Virgin Islands"] {
            let why = why_of(&g, text, place);
            assert!(
                why.starts_with("A place") && !why.contains("street"),
                "{why}"
            );
        }
        // Two streets named before one plural street word.
        let text = "Police closed Larkspur and Quarry streets in Tulsa, Oklahoma.";
        for street in ["Larkspur", "Quarry"] {
            let why = why_of(&g, text, street);
            assert!(why.contains("(“streets” ends its name)"), "{why}");
        }
    }

    #[test]
    fn whole_numbers_are_written_as_format_writes_them() {
        let mut values = vec![0.0, -0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 4e15, 1e300];
        values.extend([f64::NAN, f64::INFINITY, -1.5, 149.99999, 12.5000001]);
        for i in 0..20_000 {
            values.push(f64::from(i) / 8.0);
            values.push(f64::from(i as f32 / 2000.0) * 100.0);
            values.push(f64::from(i) * 0.0173);
        }
        for x in values {
            let mut out = String::new();
            push_whole(&mut out, x);
            assert_eq!(out, format!("{x:.0}"), "{x:?}");
        }
    }

    /// [`nearest`] as it was written before the context kept the places' points: from
    /// the entries, with the places' folded names as strings.
    fn nearest_from_entries<'g>(
        g: &'g Gazetteer,
        mentions: &[Mention],
        chosen: &Entry,
        name: &str,
    ) -> Option<(&'g str, f64)> {
        if matches!(chosen.kind, Kind::Country | Kind::Region | Kind::Demonym) {
            return None;
        }
        let mut places: FxHashMap<EntryIndex, (usize, String)> = FxHashMap::default();
        for m in mentions {
            let e = located_entry(g, m.resolution.entry);
            places.entry(e).or_insert_with(|| (0, fold_name(&m.text))).0 += 1;
        }
        let mut places: Vec<_> = places.into_iter().map(|(e, (n, s))| (e, n, s)).collect();
        places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        places.truncate(PLACES_COMPARED);
        let band = crate::geodesy::central_angle(NEARBY_KM + 1.0).to_degrees();
        places
            .iter()
            .filter(|(_, _, other)| other != name)
            .map(|&(e, ..)| g.entry(e))
            .filter(|e| !matches!(e.kind, Kind::Country | Kind::Region | Kind::Demonym))
            .filter(|e| (e.lat - chosen.lat).abs() <= band)
            .map(|e| {
                (
                    e,
                    crate::geodesy::haversine_km((chosen.lat, chosen.lon), (e.lat, e.lon)),
                )
            })
            .filter(|(_, km)| *km <= NEARBY_KM)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(e, km)| (e.name.as_str(), km))
    }

    #[test]
    fn the_nearest_place_is_the_one_the_entries_give() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let text = "Rain fell on Niamey, Dosso and Tillaberi in Niger. In Agadez and Arlit the \
                    wind blew; Zinder, Maradi and Tahoua stayed dry. Paris, Texas and Dallas \
                    and Fort Worth and Denton and Sherman saw storms, and Niamey again. \
                    Nigerien officials said so.";
        let mentions = Geoparser::new(&g).parse(text);
        assert!(mentions.len() > 10, "{mentions:?}");
        let context = WhyContext::new(&g, &mentions);
        // The countries counted mention by mention, from the entries.
        let mut countries: FxHashMap<u64, usize> = FxHashMap::default();
        for m in &mentions {
            let e = g.entry(located_entry(&g, m.resolution.entry));
            if let Some(cc) = e.country_code.as_deref() {
                *countries.entry(pack_code(cc)).or_default() += 1;
            }
        }
        assert_eq!(context.countries, countries);
        let niger = pack_code("NE");
        assert_eq!(context.main, Some((niger, countries[&niger])));
        assert!(
            mentions
                .iter()
                .any(|m| g.kind(m.resolution.entry) == Kind::Demonym),
            "a demonym counts for its country: {mentions:?}"
        );
        let mut named = 0;
        for i in 0..mentions.len() {
            let chosen = g.entry(mentions[i].resolution.entry);
            let folded = fold_name(&mentions[i].text);
            let expected = nearest_from_entries(&g, &mentions, chosen, &folded);
            let (kept, _) = context.folded_name(&mentions, i);
            assert!(matches!(kept, FoldedName::Kept(_)));
            let words = words(&g, mentions[i].resolution.entry);
            let name_of = |found: Option<(EntryIndex, f64)>| {
                found.map(|(e, km)| (g.entry(e).name.as_str(), km))
            };
            assert_eq!(name_of(nearest(&context, &words, &kept)), expected, "{i}");
            // A name folded now, as for a mention the context was not made of.
            let now = FoldedName::Folded(folded.clone());
            assert_eq!(name_of(nearest(&context, &words, &now)), expected, "{i}");
            named += usize::from(expected.is_some());
        }
        assert!(
            named > 5,
            "{named} of {} have a place named nearby",
            mentions.len()
        );
    }

    /// What [`Words`] keeps of an entry is what the entry gives, for entries of every
    /// kind, with and without a country.
    #[test]
    fn kept_words_are_the_entries_words() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let text = "Nigerien troops left Niamey for Agadez, Niger, and the Sahara. Paris, Texas \
                    and Lagos State saw rain; Europe and the Nile too.";
        let mentions = Geoparser::new(&g).parse(text);
        let entries = mentions.iter().flat_map(|m| {
            std::iter::once(m.resolution.entry)
                .chain(m.resolution.alternates.iter().map(|a| a.entry))
        });
        let mut kinds = std::collections::BTreeSet::new();
        for index in entries {
            let e = g.entry(index);
            let w = words(&g, index);
            let mut label = String::new();
            short_label_into(&mut label, &g, e);
            let mut described = String::new();
            describe_into(&mut described, &g, e, index);
            assert_eq!(w.name(), e.name);
            assert_eq!(w.label(), label);
            assert_eq!(w.described(), described);
            assert_eq!(w.country_code(), e.country_code.as_deref());
            let country = e.country_code.as_deref().map(|cc| country_name(&g, cc));
            assert_eq!(w.country_code().map(|_| w.country_name()), country);
            assert_eq!(
                (w.kind, w.population, w.kind_word),
                (e.kind, e.population, kind_word(e))
            );
            assert_eq!((w.lat, w.lon), (e.lat, e.lon));
            assert_eq!(located(&g, index), located_entry(&g, index));
            let cc = e.country_code.as_deref().map(pack_code);
            assert_eq!(country_of(&g, index), cc);
            kinds.insert(e.kind);
        }
        assert!(kinds.len() >= 4, "{kinds:?}");
    }

    #[test]
    fn kinds_take_their_article() {
        assert_eq!(article("airport"), "an ");
        assert_eq!(article("town"), "a ");
        assert_eq!(article("state or province"), "a ");
    }

    #[test]
    fn thousands_are_grouped_by_threes() {
        // Against the grouping written character by character.
        let by_chars = |n: u64| {
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        let mut values = vec![0, 1, 999, 1_000, 1_026_848, u64::MAX, u64::MAX - 1];
        for digits in 1..20 {
            let p = 10u64.pow(digits);
            values.extend([p - 1, p, p + 1]);
            // 3 × 10^19 is past u64::MAX (a debug build checks the overflow)
            values.extend(p.checked_mul(3).and_then(|x| x.checked_add(7)));
        }
        for n in values {
            assert_eq!(thousands(n), by_chars(n), "{n}");
        }
        assert_eq!(thousands(1_026_848), "1,026,848");
        let mut out = String::from("pop. ");
        thousands_into(&mut out, 25_171);
        assert_eq!(out, "pop. 25,171");
    }

    #[test]
    fn a_mention_that_does_not_fit_gets_nothing() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut mentions = Geoparser::new(&g).parse("Rain in Niamey.");
        let context = WhyContext::new(&g, &mentions);
        assert_eq!(explain(&g, "Rain", &mentions, 0, &context), "");
        assert_eq!(explain(&g, "Rain in Niamey.", &mentions, 9, &context), "");
        mentions[0].start = 100;
        assert_eq!(explain(&g, "Rain in Niamey.", &mentions, 0, &context), "");
    }
}
