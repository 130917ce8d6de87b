//! Streets, roads and small features no gazetteer entry names: "Larkspur Boulevard",
//! "North Tenth Street", "Heron Lake". Found by the word that ends their name (which
//! the proposal walk notes as it passes: [`street_word_len`]), after resolution, and
//! placed at the town the story is about.
//!
//! Local news names its town's streets far more often than any gazetteer lists them,
//! and readers (and both gold standards) take them for places. A gazetteer name before
//! a feature word is already read with it ("Wichita Drive", `recognize/evidence.rs`);
//! this step finds the rest. It runs after resolution because only then is it known
//! which town the story is about: the town or county it names most (of those named as
//! often, the most populous). A story that names no town gets no streets: there is nowhere
//! to put them.
//!
//! Left out on purpose, each measured on the development corpora: numbered roads
//! ("Highway 9", "Route 12"), which the gold standards mark one time and not the
//! next; rivers and creeks, which run far from the story's town (gazetteers put a
//! river at its mouth); and buildings ("Memorial Hospital", "State University"), which
//! one gold standard marks as places and the other never does.

use std::ops::Range;

use super::kinds::most_read_town;
use super::text::passage;
use super::{MAX_PASSAGE_BYTES, Mention, Resolution};
use crate::gazetteer::Gazetteer;

/// Words that end a street's name, as news writes them. A compass word may follow
/// ("Larkspur Avenue West").
const STREET_WORDS: &[&str] = &[
    "Street",
    "St.",
    "Avenue",
    "Ave.",
    "Road",
    "Rd.",
    "Boulevard",
    "Blvd.",
    "Lane",
    "Drive",
    "Parkway",
    "Trail",
    "Terrace",
    "Bypass",
];

/// Words that end the name of a small feature near a town: lakes, islands, wilderness
/// areas. Nothing follows them.
const FEATURE_WORDS: &[&str] = &["Lake", "Island", "Islands", "Wilderness"];

/// At most this many words make the name before the street word ("Martin Luther
/// King", "North Cedar Hill"): longer runs of capitals are headlines or lists.
const MAX_NAME_WORDS: usize = 3;

/// Compass words that may open a street's name ("North Main Street", "W. Elm St.").
const COMPASS_BEFORE: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
    "N.",
    "S.",
    "E.",
    "W.",
];

/// Compass words that may close a street's name ("Larkspur Avenue West", "Elm St. N").
const COMPASS_AFTER: &[&str] = &[
    "North", "South", "East", "West", "N", "S", "E", "W", "N.", "S.", "E.", "W.",
];

/// Capitalised words that are no part of a street's name: words that open a sentence
/// ("The Street", "In Lane"), and authorities whose roads are numbered ("County Road
/// 12") or that name no street ("Public Square", "National Trail").
const NOT_NAME_WORDS: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "Of", "And", "But", "For", "To", "From", "By", "With",
    "This", "That", "He", "She", "It", "They", "We", "I", "Mr", "Mrs", "Ms", "Dr", "When", "While",
    "After", "Before", "As", "If", "Its", "His", "Her", "Their", "Our", "Your", "County", "Public",
    "National", "Federal", "One", "United",
];

/// Street and feature words that are also common surnames ("Diane Lane", "Ricki Lake").
const SURNAME_ENDINGS: &[&str] = &["Lane", "Lake"];

/// Words before a street that say it is one ("on Elm Lane", "the 400 block of Elm
/// Lane", "between Elm Lane and …"): what a given name and a surname-like ending need.
/// Not "to": news gives to people as often ("the award went to …").
const STREET_CUES: &[&str] = &[
    "on", "at", "along", "of", "near", "from", "off", "onto", "via", "into", "between", "in",
    "down", "up", "across",
];

/// How sure a street's recognition is: its name pattern rarely misleads, but the
/// mention is only placed at its town. Multiplies the town's confidence.
const STREET_RECOGNITION: f32 = 0.8;

/// The length of the street or feature word ([`STREET_WORDS`], [`FEATURE_WORDS`])
/// that starts at byte `i` of `text` as a word of its own ("Lake", not "Lakewood";
/// "Islands" before "Island"), if one does. The proposal walk asks this of every
/// capitalised word, so its first two letters are looked at before anything else.
#[inline]
pub(crate) fn street_word_len(text: &str, i: usize) -> Option<usize> {
    // The first two letters turn away nearly every other word at once ("The", "New").
    let bytes = text.as_bytes();
    let pair = (*bytes.get(i)?, *bytes.get(i + 1)?);
    let may_be = matches!(
        pair,
        (b'S', b't')
            | (b'A', b'v')
            | (b'R', b'o' | b'd')
            | (b'B', b'o' | b'l' | b'y')
            | (b'L', b'a')
            | (b'D', b'r')
            | (b'P', b'a')
            | (b'T', b'r' | b'e')
            | (b'I', b's')
            | (b'W', b'i')
    );
    if may_be {
        whole_street_word(text, i)
    } else {
        None
    }
}

/// [`street_word_len`] past its first test.
fn whole_street_word(text: &str, i: usize) -> Option<usize> {
    let rest = text.as_bytes().get(i..)?;
    let words: &[&str] = match rest.first()? {
        b'S' => &["Street", "St."],
        b'A' => &["Avenue", "Ave."],
        b'R' => &["Road", "Rd."],
        b'B' => &["Boulevard", "Blvd.", "Bypass"],
        b'L' => &["Lane", "Lake"],
        b'D' => &["Drive"],
        b'P' => &["Parkway"],
        b'T' => &["Trail", "Terrace"],
        b'I' => &["Islands", "Island"],
        b'W' => &["Wilderness"],
        _ => return None,
    };
    let word = words.iter().find(|w| rest.starts_with(w.as_bytes()))?;
    // A period ends the word; otherwise no letter, digit, hyphen or apostrophe may
    // follow ("Streets", "Lake-side", "Lake's", "Lake’s"). The words are ASCII, so
    // their end is a character boundary.
    let whole = word.ends_with('.')
        || text[i + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')));
    whole.then_some(word.len())
}

/// The byte ranges of the street and small-feature names in `text`, in text order,
/// from the street and feature words at `word_starts` (byte offsets in text order, as
/// the proposal walk notes them): one to three capitalised name words (or ordinals,
/// "42nd"), possibly after a compass word, then a street or feature word; a compass word
/// after a street word is taken in; and "Lake" before a lake's name ("Lake Harriet").
/// A name that runs on into a capitalised word ("Maple Street Bank") or a number
/// ("County Road 12") is no street's.
pub(crate) fn street_names(text: &str, word_starts: &[usize]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for &word_start in word_starts {
        let Some(len) = street_word_len(text, word_start) else {
            continue;
        };
        let word_end = word_start + len;
        let ending = &text[word_start..word_end];
        let before = word_start.checked_sub(1).map(|k| bytes[k]);
        // After a space, the word ends a name ("Heron Lake").
        let name = (before == Some(b' '))
            .then(|| {
                let street = STREET_WORDS.contains(&ending);
                let end = name_end(text, word_end, street)?;
                Some(name_start(text, word_start)?..end)
            })
            .flatten()
            // "Lake Harriet": the lake's name after the word.
            .or_else(|| {
                let opens = matches!(before, None | Some(b' ' | b'\n' | b'(' | b'"'));
                (ending == "Lake" && opens)
                    .then(|| lake_name_end(text, word_end).map(|end| word_start..end))
                    .flatten()
            });
        if let Some(name) = name
            && out
                .last()
                .is_none_or(|r: &Range<usize>| r.end <= name.start)
        {
            out.push(name);
        }
    }
    out
}

/// Plural street words after two names: "at Larkspur and Heron streets" names two
/// streets, each a mention. Found with the document's other rare words
/// ([`RareWords`](super::rare_words::RareWords)).
pub(super) const PLURAL_STREET_WORDS: &[&str] = &[" streets", " avenues", " roads"];

/// The byte ranges of the two names in each "X and Y streets" ("Larkspur and Heron
/// streets", "Fourth and Seventh avenues"), in text order: one or two name words each.
/// `plurals` are where the plural street words stand, lower-case so the proposal walk
/// (which stops at capitals) does not note them ([`RareWords::street_plurals`]).
///
/// [`RareWords::street_plurals`]: super::rare_words::RareWords::street_plurals
fn street_pairs(text: &str, plurals: &[(usize, usize)]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for &(at, plural_len) in plurals {
        let after = at + plural_len;
        // A word of its own ("streets", not "streetscape").
        if text[after..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '-')
        {
            continue;
        }
        let Some(second) = words_before(text, at, 2) else {
            continue;
        };
        let Some(and) = second.checked_sub(" and ".len()) else {
            continue;
        };
        if text.get(and..second) != Some(" and ") {
            continue;
        }
        let Some(first) = words_before(text, and, 2) else {
            continue;
        };
        out.push(first..and);
        out.push(second..at);
    }
    out.sort_unstable_by_key(|r| r.start);
    out
}

/// The start of the one to `most` name words ([`is_name_word`]) that end at byte `end`,
/// one space between each two, if there is at least one.
fn words_before(text: &str, end: usize, most: usize) -> Option<usize> {
    let mut start = end;
    let mut taken = 0;
    while taken < most {
        // The word ends right at `end`, or one space before the word taken last.
        let cut = if taken == 0 {
            start
        } else {
            match start.checked_sub(1) {
                Some(k) if text.as_bytes()[k] == b' ' => k,
                _ => break,
            }
        };
        let Some(from) = word_start_before(text, cut, false) else {
            break;
        };
        if !is_name_word(&text[from..cut]) {
            break;
        }
        start = from;
        taken += 1;
    }
    (taken > 0).then_some(start)
}

/// Words that make "Lake …" a division's or a street's name, not a lake's ("Lake
/// County", "Lake Shore Drive"), when they close it.
const NOT_LAKE_NAMES: &[&str] = &[
    "County", "City", "Town", "Township", "District", "Area", "Region", "Shore", "Shores",
];

/// Where "Lake" and the lake's name after it end ("Lake Harriet", "Lake Blue Heron"):
/// after one or two name words, with no capitalised word or number after them (that is
/// a longer name: "Lake Harriet Band Shell"). `word_end` is where "Lake" ends.
fn lake_name_end(text: &str, word_end: usize) -> Option<usize> {
    let mut end = word_end;
    let mut last = "";
    for _ in 0..2 {
        let Some(rest) = text[end..].strip_prefix(' ') else {
            break;
        };
        let word = word_after(rest);
        if !is_name_word(word) || word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            break;
        }
        end += 1 + word.len();
        last = word;
    }
    if last.is_empty()
        || STREET_WORDS.contains(&last)
        || FEATURE_WORDS.contains(&last)
        || NOT_LAKE_NAMES.contains(&last)
    {
        return None;
    }
    // A possessive or a run-on name is not taken ("Lake Harriet's", "Lake Harriet Band").
    let after = &text[end..];
    let runs_on = after.starts_with(['\'', '’'])
        || after.strip_prefix(' ').is_some_and(|r| {
            r.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        });
    (!runs_on).then_some(end)
}

/// Where the name whose street or feature word ends at `word_end` ends: there, or after
/// a compass word that follows a street word. `None` when a capitalised word or a
/// number follows instead: the words are part of a longer name or a numbered road.
fn name_end(text: &str, word_end: usize, street: bool) -> Option<usize> {
    let Some(rest) = text[word_end..].strip_prefix(' ') else {
        return Some(word_end);
    };
    let next_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '\'' || c == '’'))
        .unwrap_or(rest.len());
    let next = &rest[..next_len];
    let first = next.chars().next();
    if first.is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    if !first.is_some_and(char::is_uppercase) {
        return Some(word_end);
    }
    // "Elm St. N." ends a sentence with the compass word's period; "Elm St. North" not.
    let compass = next.strip_suffix('.').unwrap_or(next);
    if street && COMPASS_AFTER.contains(&compass) {
        let len = if COMPASS_AFTER.contains(&next) {
            next.len()
        } else {
            compass.len()
        };
        Some(word_end + 1 + len)
    } else {
        None
    }
}

/// Where the name whose street or feature word starts at `word_start` starts: the
/// first of the name words before it. `None` if there are none, or only compass words
/// ("North Street" is a street, but found as a gazetteer's name if anywhere).
fn name_start(text: &str, word_start: usize) -> Option<usize> {
    let mut start = word_start;
    let mut words = 0;
    let mut named = false;
    while words < MAX_NAME_WORDS {
        let Some(before) = start.checked_sub(1).filter(|&k| text.as_bytes()[k] == b' ') else {
            break;
        };
        let Some(word_from) = word_start_before(text, before, true) else {
            break;
        };
        let word = &text[word_from..before];
        let compass = COMPASS_BEFORE.contains(&word);
        if !compass && !is_name_word(word) {
            break;
        }
        named |= !compass;
        start = word_from;
        words += 1;
    }
    named.then_some(start)
}

/// The start of the word that ends at byte `end` of `text`: letters and digits with
/// apostrophes and hyphens (and periods, where `periods`: the compass word "N."), if
/// there is one.
fn word_start_before(text: &str, end: usize, periods: bool) -> Option<usize> {
    text[..end]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| {
            c.is_alphanumeric() || matches!(c, '\'' | '’' | '-') || (periods && c == '.')
        })
        .last()
        .map(|(k, _)| k)
}

/// The word that opens `rest`: letters and digits with apostrophes and hyphens (empty
/// if `rest` opens with anything else).
fn word_after(rest: &str) -> &str {
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '-')))
        .unwrap_or(rest.len());
    &rest[..len]
}

/// True if `word` may be one of a street's name words: capitalised, with a lower-case
/// letter, of letters with apostrophes or hyphens inside ("O'Neil", "Hyland-Croy",
/// "McKinley"), not a possessive ("Jackson's Maple Street" is Jackson's), not a word
/// that opens sentences; or an ordinal in digits ("42nd", "11th").
fn is_name_word(word: &str) -> bool {
    let ordinal = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    if ordinal {
        return true;
    }
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    let letters = word
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'));
    let possessive = word.ends_with("'s") || word.ends_with("’s") || word.ends_with('\'');
    capital
        && letters
        && word.chars().any(char::is_lowercase)
        && !possessive
        && !word.ends_with('-')
        && !NOT_NAME_WORDS.contains(&word)
}

/// The street or feature word that ends `written`, a mention's text, before a compass
/// word if one closes it ("Avenue" of "Larkspur Avenue West"): if there is one, the
/// mention names a street or feature of a town.
pub(crate) fn ending_word(written: &str) -> Option<&str> {
    let mut words = written.rsplit(' ');
    let last = words.next()?;
    let ending = if COMPASS_AFTER.contains(&last) {
        words.next().filter(|w| STREET_WORDS.contains(w))?
    } else {
        last
    };
    // A name word before it: "Lake" alone is no feature's name.
    words.next()?;
    (STREET_WORDS.contains(&ending) || FEATURE_WORDS.contains(&ending)).then_some(ending)
}

/// The street or feature word that makes the mention at `span` of `text` a street's:
/// its own last word ([`ending_word`]), or the plural after it or after the name paired
/// with it ("streets" in "Larkspur and Quarry streets", for either name).
pub(crate) fn street_word_of(text: &str, span: Range<usize>) -> Option<&str> {
    if let Some(ending) = text.get(span.clone()).and_then(ending_word) {
        return Some(ending);
    }
    let after = text.get(span.end..)?;
    let plural_after = |rest: &str| {
        PLURAL_STREET_WORDS
            .iter()
            .find(|p| rest.starts_with(*p))
            .map(|p| p.trim_start())
    };
    if let Some(plural) = plural_after(after) {
        return Some(plural);
    }
    // "Larkspur and Quarry streets": the plural after the second name's one or two words.
    let rest = after.strip_prefix(" and ")?;
    let mut pos = 0;
    for _ in 0..2 {
        let word = word_after(&rest[pos..]);
        if !is_name_word(word) {
            return None;
        }
        pos += word.len();
        if let Some(plural) = plural_after(&rest[pos..]) {
            return Some(plural);
        }
        pos += 1;
        if rest.get(pos - 1..pos).is_none_or(|gap| gap != " ") {
            return None;
        }
    }
    None
}

/// Adds to `mentions` (the parsed mentions of `text`, in text order) the street and
/// feature names ([`street_names`] of the words at `word_starts`) that no mention
/// overlaps, each placed at the town the story is about. Keeps `mentions` in text order.
pub(crate) fn add_streets(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    word_starts: &[usize],
    street_plurals: &[(usize, usize)],
    mentions: &mut Vec<Mention>,
) {
    let mut names = street_names(text, word_starts);
    let pairs = street_pairs(text, street_plurals);
    if !pairs.is_empty() {
        // In text order, the first of two that overlap kept.
        names.extend(pairs);
        names.sort_unstable_by_key(|r| (r.start, r.end));
        let mut end = 0;
        names.retain(|r| {
            let keep = r.start >= end;
            if keep {
                end = r.end;
            }
            keep
        });
    }
    if names.is_empty() {
        return;
    }
    let readings = mentions.iter().map(|m| m.resolution.entry).enumerate();
    let Some(town) = most_read_town(gazetteer, readings) else {
        return;
    };
    let town = mentions[town].resolution.clone();
    let mut added = Vec::new();
    for name in names {
        if person_like(gazetteer, text, &name) {
            continue;
        }
        let after = mentions.partition_point(|m| m.start < name.end);
        let overlaps = after
            .checked_sub(1)
            .is_some_and(|k| mentions[k].end > name.start);
        if overlaps {
            continue;
        }
        let sentence = sentences
            .get(sentences.partition_point(|s| s.end <= name.start))
            .cloned()
            .unwrap_or(name.clone());
        added.push(Mention {
            start: name.start,
            end: name.end,
            text: text[name.clone()].to_string(),
            passage: passage(text, sentence, name.clone(), MAX_PASSAGE_BYTES),
            resolution: Resolution {
                entry: town.entry,
                confidence: (town.confidence * STREET_RECOGNITION).clamp(0.0, 1.0),
                probability: town.probability,
                alternates: Vec::new(),
            },
        });
    }
    if !added.is_empty() {
        // Both lists are in text order and no two mentions overlap: merged, not sorted,
        // so each mention moves once.
        let parsed = std::mem::take(mentions);
        mentions.reserve(parsed.len() + added.len());
        let mut added = added.into_iter().peekable();
        for m in parsed {
            while let Some(street) = added.next_if(|s| s.start < m.start) {
                mentions.push(street);
            }
            mentions.push(m);
        }
        mentions.extend(added);
    }
}

/// True if the name at `name` may be a person's: a given name and a surname-like
/// ending ("Robin Lake", "Diane Lane") with no word before it that tells a street (a
/// cue such as "on" or "block of", or a house number).
fn person_like(gazetteer: &Gazetteer, text: &str, name: &Range<usize>) -> bool {
    let written = &text[name.clone()];
    let Some((given, ending)) = written.split_once(' ') else {
        return false;
    };
    if !SURNAME_ENDINGS.contains(&ending) || !gazetteer.person_name(given).given {
        return false;
    }
    let told = super::text::previous_word(text, name.start).is_some_and(|(_, w)| {
        w.bytes().all(|b| b.is_ascii_digit())
            || STREET_CUES.iter().any(|c| c.eq_ignore_ascii_case(w))
    });
    !told
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geoparse::rare_words::RareWords;

    /// The names found from every word start, as the proposal walk would note them
    /// (it notes the capitalised ones: the others are no street words).
    fn found(text: &str) -> Vec<&str> {
        let starts: Vec<usize> = text
            .char_indices()
            .filter(|&(i, c)| {
                c.is_alphanumeric()
                    && !text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
            })
            .map(|(i, _)| i)
            .collect();
        street_names(text, &starts)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn street_words_are_told_by_their_first_letter_as_listed() {
        for word in STREET_WORDS.iter().chain(FEATURE_WORDS) {
            let text = format!("{word} x");
            assert_eq!(street_word_len(&text, 0), Some(word.len()), "{word}");
        }
        for text in [
            "Streets",
            "Lakewood",
            "Lake-side",
            "Lake's",
            "Lake’s",
            "Laneé",
            "Roads",
        ] {
            assert_eq!(street_word_len(text, 0), None, "{text}");
        }
        assert_eq!(street_word_len("Islands", 0), Some(7));
        assert_eq!(street_word_len("St.Louis", 0), Some(3));
        assert_eq!(street_word_len("on Lake", 3), Some(4));
        assert_eq!(street_word_len("on Lake", 9), None);
    }

    #[test]
    fn streets_with_compass_words_and_ordinals() {
        assert_eq!(
            found("A crash on North Tenth Street and at 42nd Ave. closed Larkspur Avenue West."),
            ["North Tenth Street", "42nd Ave.", "Larkspur Avenue West"]
        );
        assert_eq!(
            found("They moved to W. Elm St. N. last year"),
            ["W. Elm St. N."]
        );
        assert_eq!(
            found("Boats on Heron Lake, near Gull Islands"),
            ["Heron Lake", "Gull Islands"]
        );
    }

    #[test]
    fn names_that_run_on_or_are_numbered_are_no_streets() {
        assert!(
            found("Maple Street Bank said County Road 12 and Route 9 Road 4 were shut").is_empty()
        );
        assert!(found("the Larkspur Avenue Association met").is_empty());
    }

    #[test]
    fn words_before_the_name_are_left_out() {
        assert_eq!(found("The Maple Street fire"), ["Maple Street"]);
        assert_eq!(found("Jackson's Maple Street home"), ["Maple Street"]);
        assert_eq!(found("He said. Maple Street is shut"), ["Maple Street"]);
        // Only compass words, or none: nothing.
        assert!(found("on North Street and the Street").is_empty());
        assert!(found("Public Square and One Lane").is_empty());
    }

    #[test]
    fn parts_of_longer_words_are_not_street_words() {
        assert!(found("Lakewood, Streetsboro and Roadrunner Blake").is_empty());
        assert!(found("Maple Streets").is_empty());
    }

    #[test]
    fn lakes_named_after_the_word() {
        assert_eq!(
            found("Swimmers in Lake Harriet and Lake Blue Heron."),
            ["Lake Harriet", "Lake Blue Heron"]
        );
        assert_eq!(found("Lake Harriet froze"), ["Lake Harriet"]);
        // A division, a street, a possessive, a longer name: no lake.
        assert!(found("in Lake County on Lake Shore and Lake Harriet's shore").is_empty());
        assert!(found("the Lake Harriet Band Shell").is_empty());
        assert_eq!(found("on Crystal Lake Road"), ["Crystal Lake Road"]);
    }

    #[test]
    fn two_streets_before_a_plural_street_word() {
        let text = "at the corner of Larkspur and Heron streets, near Fourth and Seventh \
                    avenues and Elm and Oak streetscapes";
        let pairs: Vec<&str> = street_pairs(text, &RareWords::find(text).street_plurals)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(pairs, ["Larkspur", "Heron", "Fourth", "Seventh"]);
        // Words that open sentences are no names: "The" is left out.
        let text = "The Martin Luther and Heron roads";
        let pairs: Vec<&str> = street_pairs(text, &RareWords::find(text).street_plurals)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(pairs, ["Martin Luther", "Heron"]);
        let text = "police closed and Heron streets";
        assert!(street_pairs(text, &RareWords::find(text).street_plurals).is_empty());
    }

    #[test]
    fn at_most_three_name_words() {
        assert_eq!(
            found("Martin Luther King Boulevard"),
            ["Martin Luther King Boulevard"]
        );
        assert_eq!(found("Big Red Barn Hill Road"), ["Red Barn Hill Road"]);
    }

    #[test]
    fn a_pair_of_streets_is_told_by_the_plural_after_it() {
        let text = "at Larkspur and Quarry Hill streets, and Elm Avenue";
        let span = |name: &str| {
            let at = text.find(name).unwrap_or(0);
            at..at + name.len()
        };
        assert_eq!(street_word_of(text, span("Larkspur")), Some("streets"));
        assert_eq!(street_word_of(text, span("Quarry Hill")), Some("streets"));
        assert_eq!(street_word_of(text, span("Elm Avenue")), Some("Avenue"));
        assert_eq!(street_word_of(text, span("Elm")), None);
        assert_eq!(street_word_of(text, 0..2), None);
    }

    #[test]
    fn a_mention_is_told_for_a_street_by_its_last_words() {
        assert_eq!(ending_word("Larkspur Avenue West"), Some("Avenue"));
        assert_eq!(ending_word("Heron Lake"), Some("Lake"));
        assert_eq!(ending_word("Lake"), None);
        assert_eq!(ending_word("Heron West"), None);
        assert_eq!(ending_word("Springfield"), None);
    }
}
