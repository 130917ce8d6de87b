//! Proposing names: the walk over the text that asks the gazetteer's name automaton for
//! every capitalised name, skipping eight bytes at a time where no name can start.

use std::ops::Range;

use super::abbreviations::{NamedInFull, abbreviation_at, may_start_abbreviation};
use super::county_lists::county_list_items;
use super::evidence::{Proposed, ShoutingMemo, evidence};
use super::prominence::BaseProminence;
use super::spellings::{
    SpellingMemo, SurfaceHead, abbreviation_surface, airport_surface, county_surface,
    party_label_surface, surface_of,
};
use crate::gazetteer::Gazetteer;
use crate::geoparse::Options;
use crate::geoparse::rare_words::RareWords;
use crate::geoparse::streets::street_word_len;
use crate::short_key::LANES_HIGH;

/// Walks the text and proposes every whole-word gazetteer name that starts with a
/// capital letter, leftmost-longest. On the way it notes in `street_words` each word
/// that may end a street's name ([`street_word_len`]), where it starts a word or ends a
/// proposal ("Wichita Drive", whose proposal may yet be refused): the streets step
/// reads them, so the text is walked once.
#[allow(clippy::too_many_arguments)]
pub(super) fn propose(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    text: &str,
    sentences: &[Range<usize>],
    options: &Options,
    memo: &mut SpellingMemo,
    street_words: &mut Vec<usize>,
    rare: &RareWords,
) -> Vec<Proposed> {
    let bytes = text.as_bytes();
    // Room for a proposal every 64 bytes, more than news has (one in 90): growing the
    // list a few times per story, each a copy, cost more than the unused room.
    let mut out = Vec::with_capacity(text.len() / 64);
    let mut i = 0usize;
    let mut sentence = 0usize;
    let mut prev_is_word = false;
    let mut shouting = ShoutingMemo::default();
    // The names of county lists, in text order, and the first not yet passed.
    let county_items = county_list_items(text, &rare.county_plurals);
    let mut next_county = 0usize;
    // Whether a lower-case "airport" follows any word ("Gatwick airport"): asked once,
    // so the capitalised words that are no name pay nothing when none does.
    let airport_in_text = rare.airport;
    let mut named_in_full = NamedInFull::default();
    while i < bytes.len() {
        // Past the bytes that hold no capital and no non-ASCII byte: only a capital can
        // start a name, and most of the text is neither. First sixteen bytes a step
        // while neither half may hold one, then eight at a time, then straight to the
        // first byte that may start one. The byte before the stop says whether the
        // word there is new, asked once at the stop.
        let from = i;
        while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
            let (low, high) = chunk.split_at(8);
            let low = u64::from_le_bytes(low.try_into().unwrap_or([0x80; 8]));
            let high = u64::from_le_bytes(high.try_into().unwrap_or([0x80; 8]));
            if may_start_names(low, high) != 0 || chunk[15] == b'\'' {
                break;
            }
            i += 16;
        }
        while let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
            // The byte before decides whether a byte starts a word, except an
            // apostrophe, which joins to what came before it: walk that one bytewise.
            let first = (name_start_lanes(word).trailing_zeros() / 8) as usize;
            if first > 0 && chunk[first - 1] != b'\'' {
                i += first;
            }
            if first < 8 || chunk[7] == b'\'' {
                break;
            }
        }
        if i > from {
            prev_is_word = bytes[i - 1].is_ascii_alphanumeric();
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
        // Quotes and dashes (General Punctuation), news's most common characters beyond
        // ASCII, are neither letters nor digits: told without the Unicode tables.
        let is_word = !GENERAL_PUNCTUATION.contains(&c) && c.is_alphanumeric();
        // An apostrophe inside a word ("O'Brien") keeps us inside the word.
        let joined = (c == '\'' || c == '’') && prev_is_word;
        if is_word && !prev_is_word && c.is_uppercase() {
            if street_word_len(text, i).is_some() {
                street_words.push(i);
            }
            while sentence + 1 < sentences.len() && sentences[sentence].end <= i {
                sentence += 1;
            }
            // What the name here is read as, by the first rule that reads it: where it
            // ends, its surface, and whether it is a name in a list of counties.
            while county_items.get(next_county).is_some_and(|r| r.start < i) {
                next_county += 1;
            }
            let reading = if let Some(item) = county_items.get(next_county).filter(|r| r.start == i)
                && let Some(head) = county_surface(gazetteer, base, &text[item.clone()], memo)
            {
                // "Cooke, Grayson and Love counties": the counties it can be, whatever
                // the gazetteer says of the name alone.
                Some((item.end, head, true))
            } else {
                let hit = gazetteer
                    .longest_match_memo(text, i, &mut memo.words)
                    .map(|hit| trim_city_or_state(gazetteer, text, hit, memo))
                    .filter(|hit| !the_longer_after(gazetteer, text, i, hit.end, memo));
                // "Sen. Jane Roe, D-Harwich", "Del. Ann Kerr, D-Doddridge": a
                // legislator's home town or county, in the US whatever namesakes it has
                // abroad.
                let party = if after_party_label(bytes, i)
                    && let Some(end) = hit
                        .as_ref()
                        .map(|h| h.end)
                        .or_else(|| capitalised_word_end(text, i))
                {
                    let written = &text[i..end];
                    party_label_surface(gazetteer, base, written, hit.as_ref(), options, memo)
                        .map(|head| (end, head))
                } else {
                    None
                };
                party
                    .or_else(|| {
                        // A news abbreviation of a province or state ("B.C.", "Perth,
                        // WA") as long as the gazetteer's name or longer.
                        if !may_start_abbreviation(bytes, i) {
                            return None;
                        }
                        let (end, candidates) =
                            abbreviation_at(gazetteer, text, i, &mut named_in_full)?;
                        if hit.as_ref().is_some_and(|h| h.end > end) {
                            return None;
                        }
                        abbreviation_surface(gazetteer, base, &text[i..end], candidates, memo)
                            .map(|head| (end, head))
                    })
                    .or_else(|| {
                        // "Heathrow airport", "Gatwick airport": the airport, where the
                        // gazetteer has one so named (the name alone may be a town's,
                        // or nothing's). Without a name here, one ASCII word
                        // ("Gatwick").
                        if !airport_in_text {
                            return None;
                        }
                        let end = hit.as_ref().map(|h| h.end).or_else(|| {
                            let n = bytes[i..]
                                .iter()
                                .take_while(|b| b.is_ascii_alphabetic())
                                .count();
                            (n > 1).then_some(i + n)
                        })?;
                        let after = text[end..].strip_prefix(" airport")?;
                        if after.chars().next().is_some_and(char::is_alphanumeric) {
                            return None;
                        }
                        airport_surface(gazetteer, base, &text[i..end], memo)
                            .map(|head| (end, head))
                    })
                    .or_else(|| {
                        let hit = hit.as_ref()?;
                        surface_of(gazetteer, base, text, hit, options, memo)
                            .map(|head| (hit.end, head))
                    })
                    .map(|(end, head)| (end, head, false))
            };
            if let Some((end, head, county)) = reading {
                let multi_word = head.has(SurfaceHead::MULTI_WORD);
                let mut p = evidence(
                    gazetteer,
                    text,
                    sentences,
                    sentence,
                    i,
                    end,
                    head,
                    &memo.list,
                    &mut memo.words,
                    &mut shouting,
                );
                if county {
                    p.read_as_county(options.threshold);
                }
                // A street word that ends the proposal, which the walk then skips: a
                // feature word the evidence took in ("Wichita Drive") or the end of a
                // gazetteer name ("Mountain Road"). Either may yet be refused.
                if (multi_word || p.hit.feature)
                    && let Some(last) = text[i..p.hit.end].rfind(' ').map(|k| i + k + 1)
                    && street_word_len(text, last).is_some()
                {
                    street_words.push(last);
                }
                i = p.hit.end;
                out.push(p);
                prev_is_word = true;
                continue;
            }
        }
        prev_is_word = is_word || joined;
        i += len;
    }
    out
}

/// "The Green Bay Packers won": a name that begins with "The" ("The Green") where the
/// name starting at the next word runs further ("Green Bay"). The article then opens
/// the sentence, not the name: the name is read from the next word.
fn the_longer_after(
    gazetteer: &Gazetteer,
    text: &str,
    start: usize,
    end: usize,
    memo: &mut SpellingMemo,
) -> bool {
    let next = start + "The ".len();
    text.get(start..next)
        .is_some_and(|w| w == "The " || w == "THE ")
        && gazetteer
            .longest_match_memo(text, next, &mut memo.words)
            .is_some_and(|longer| longer.end > end)
}

/// The Unicode block of quotes, dashes and spaces: no letter or digit in it.
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206F}';

/// True if the word at byte `i` follows a US party label after a comma or in
/// parentheses ("Sen. Jane Roe, D-Harwich", "(R-Ritchie)"; not "on D-Day").
fn after_party_label(bytes: &[u8], i: usize) -> bool {
    let Some(label) = i
        .checked_sub(2)
        .and_then(|k| bytes.get(..k).zip(bytes.get(k..i)))
    else {
        return false;
    };
    matches!(label.1, [b'D' | b'R' | b'I', b'-'])
        && (label.0.ends_with(b", ") || label.0.ends_with(b"("))
}

/// The end of the capitalised word of letters that starts at byte `start`.
fn capitalised_word_end(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    let len = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic())
        .map_or(rest.len(), |(k, _)| k);
    (len > 1 && rest.chars().next().is_some_and(char::is_uppercase)).then_some(start + len)
}

/// "Dublin City Council", "Ohio State University", "Mississippi State": news writes a
/// town's or state's institutions and teams as the place and `City` or `State`, and
/// the place is the name (the gold standards mark `Dublin`, `Ohio`). A name ending in
/// ` City` that is no town's own name is cut back to the shorter name when that is a
/// name too and a capitalised word follows; one ending in ` State` when the shorter
/// name is a US state, whose `State` is never part of its name. `Kansas City` and
/// `Benue State` stay.
fn trim_city_or_state(
    gazetteer: &Gazetteer,
    text: &str,
    hit: crate::gazetteer::NameHit,
    memo: &mut SpellingMemo,
) -> crate::gazetteer::NameHit {
    let written = &text[hit.start..hit.end];
    let (prefix_len, state) = if let Some(p) = written.strip_suffix(" City") {
        (p.len(), false)
    } else if let Some(p) = written.strip_suffix(" State") {
        (p.len(), true)
    } else {
        return hit;
    };
    let cut = hit.start + prefix_len;
    let Some(short) = gazetteer.longest_match_memo(&text[..cut], hit.start, &mut memo.words) else {
        return hit;
    };
    // "Boulder City", "Kansas City": a town's own name ("Dublin City" and
    // "Alexandria city" are also the names of the councils' areas: not towns).
    if short.end != cut
        || gazetteer.hit_candidates(&hit, written).iter().any(|c| {
            c.name_match == crate::gazetteer::NameMatch::Primary
                && gazetteer.kind(c.entry) == crate::gazetteer::Kind::Place
        })
    {
        return hit;
    }
    let capital_next = crate::geoparse::text::capitalized_word_after(text, hit.end).is_some();
    let us_state = state && {
        let us = crate::gazetteer::pack_code("US");
        gazetteer
            .hit_candidates(&short, &text[short.start..short.end])
            .iter()
            .any(|c| {
                let f = gazetteer.facts(c.entry);
                f.kind == crate::gazetteer::Kind::Admin1 && f.country() == Some(us)
            })
    };
    if (capital_next && !state) || us_state {
        short
    } else {
        hit
    }
}

/// Of the eight bytes packed in `word`, those that are an ASCII capital or not ASCII,
/// as the top bit of their lane (SWAR: each byte tested in its own lane, no carry
/// between lanes).
fn name_start_lanes(word: u64) -> u64 {
    let non_ascii = word & LANES_HIGH;
    let low = word & !LANES_HIGH;
    // In each lane, bit 7 of `low + k` is set iff the byte is at least 0x80 - k.
    let at_least_a = low.wrapping_add(0x3F3F_3F3F_3F3F_3F3F) & LANES_HIGH; // >= b'A'
    let above_z = low.wrapping_add(0x2525_2525_2525_2525) & LANES_HIGH; // > b'Z'
    non_ascii | (at_least_a & !above_z)
}

/// Whether any of the sixteen bytes packed in `low` and `high` may be an ASCII capital
/// or is not ASCII, as top bits of lanes (SWAR): a superset of [`name_start_lanes`]
/// that also takes `@`, `[`, `\`, `]`, `^` and `_` (rare in news, and told apart by
/// the exact test after it), in fewer steps than the exact test of both words.
fn may_start_names(low: u64, high: u64) -> u64 {
    // Bit 6 set and bit 5 clear, 0x40..=0x5F, moved up to the lane's top bit.
    let upper_quarter = |w: u64| w & !(w << 1);
    ((upper_quarter(low) | upper_quarter(high)) << 1 | low | high) & LANES_HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_punctuation_has_no_letters_or_digits() {
        let mut block = GENERAL_PUNCTUATION;
        assert!(block.all(|c| !c.is_alphanumeric()));
    }

    #[test]
    fn the_sixteen_byte_test_takes_every_byte_the_exact_test_takes() {
        for b in 0u8..=255 {
            for lane in 0..16 {
                let mut bytes = [b'a'; 16];
                bytes[(lane + 3) % 16] = b' ';
                bytes[(lane + 5) % 16] = b'{';
                bytes[lane] = b;
                let word = |k: usize| {
                    u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().unwrap_or([0; 8]))
                };
                let (low, high) = (word(0), word(1));
                let exact = name_start_lanes(low) | name_start_lanes(high);
                let superset = may_start_names(low, high);
                assert_eq!(exact != 0, b.is_ascii_uppercase() || !b.is_ascii());
                assert!(exact == 0 || superset != 0, "byte {b:#x} in lane {lane}");
                // Only the six punctuation marks beside the capitals are taken besides.
                assert_eq!(superset != 0, exact != 0 || (0x40..=0x5F).contains(&b));
            }
        }
    }

    #[test]
    fn swar_capital_test_agrees_with_the_byte_test_in_every_lane() {
        for b in 0u8..=255 {
            for lane in 0..8 {
                // Fill the other lanes with a lower-case letter, a space and a 'Z' + 1.
                let mut bytes = [b'a'; 8];
                bytes[(lane + 3) % 8] = b' ';
                bytes[(lane + 5) % 8] = b'[';
                bytes[lane] = b;
                let expected = b.is_ascii_uppercase() || !b.is_ascii();
                let lanes = name_start_lanes(u64::from_le_bytes(bytes));
                assert_eq!(
                    lanes,
                    if expected { 0x80 << (8 * lane) } else { 0 },
                    "byte {b:#x} in lane {lane}"
                );
            }
        }
    }
}
