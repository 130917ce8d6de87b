//! Lists of counties named without the word: "Clarke, Madison, Oconee and Oglethorpe
//! counties", "Otter Tail, Swift and Wilkin counties", "Pointe Coupee and Avoyelles
//! parishes". US local news writes its counties so, and each name is a county there,
//! whatever else it could be alone (`Love`, `Swift`, `Clay` are words or names; `Madison`
//! is also a town). The gazetteer knows such a county only by its full name
//! (`Oconee County`), so the names are read here: a capitalised name of one to three
//! words before `counties` or `parishes`, and every name joined to it by a comma,
//! `and`, `or` or `&`; two names at least, since one name before the plural is the
//! counties of a place ("metro Atlanta counties").

use std::ops::Range;

use crate::gazetteer::{Candidate, Gazetteer, Kind};

/// Names in one list at most: a region's counties ("Becker, Clay, Douglas, Grant,
/// Mahnomen, Otter Tail, Swift and Wilkin counties") rarely pass a dozen.
const MAX_ITEMS: usize = 40;

/// Words in one county's name at most (`Prince George's`, `St. Louis`, `Otter Tail`).
const MAX_WORDS: usize = 3;

/// The byte ranges of the names of every county list in `text`, in text order, from
/// where its county plurals stand (`plurals`, [`RareWords::county_plurals`]).
///
/// [`RareWords::county_plurals`]: crate::geoparse::rare_words::RareWords::county_plurals
pub(super) fn county_list_items(text: &str, plurals: &[(usize, usize, u8)]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut items = Vec::new();
    for &(found, needle_len, initial) in plurals {
        // " counties" or " Counties" as a whole word ("countiesque" is not).
        let Some(at) = found.checked_sub(2) else {
            continue;
        };
        let end_of_word = found + needle_len;
        if bytes[at] != b' '
            || bytes[at + 1].to_ascii_lowercase() != initial
            || text[end_of_word..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let first = items.len();
        let mut end = at;
        while items.len() - first < MAX_ITEMS {
            let Some(start) = name_before(text, end) else {
                break;
            };
            items.push(start..end);
            match joint_before(text, start) {
                Some(joint_start) => end = joint_start,
                None => break,
            }
        }
        // One name before a plural is the counties of or around a place ("metro
        // Atlanta counties", "Texas counties"), not a county's name.
        if items.len() - first < 2 {
            items.truncate(first);
            continue;
        }
        items[first..].reverse();
    }
    items.sort_by_key(|r| r.start);
    items.dedup();
    items
}

/// The start of a name of one to [`MAX_WORDS`] capitalised words that ends at byte
/// `end`, words joined by single spaces.
fn name_before(text: &str, end: usize) -> Option<usize> {
    let mut start = None;
    let mut at = end;
    for _ in 0..MAX_WORDS {
        let head = &text[..at];
        let Some((word_start, _)) = head
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '.' | '\'' | '’' | '-'))
            .last()
        else {
            break;
        };
        let word = &head[word_start..];
        if !word.chars().next().is_some_and(char::is_uppercase)
            || !word.chars().any(char::is_lowercase)
        {
            break;
        }
        start = Some(word_start);
        match head[..word_start].strip_suffix(' ') {
            Some(before) if !before.ends_with(' ') => at = before.len(),
            _ => break,
        }
    }
    start
}

/// The start of the joint (", ", " and ", ", and ", " or ", " & ") that ends at byte
/// `end`, before the name that follows it.
fn joint_before(text: &str, end: usize) -> Option<usize> {
    let head = &text[..end];
    [", and ", ", or ", ", & ", " and ", " or ", " & ", ", "]
        .iter()
        .find(|j| head.ends_with(*j))
        .map(|j| end - j.len())
}

/// The counties (or parishes) a name written in such a list can be: second-level
/// divisions named `NAME County`, `NAME Parish` or `NAME`. Empty for a US state's name
/// ("Texas counties" are the counties of Texas) and where the gazetteer has none.
pub(super) fn county_candidates(gazetteer: &Gazetteer, written: &str) -> Vec<Candidate> {
    let us = crate::gazetteer::pack_code("US");
    let is_state = gazetteer.candidates(written).iter().any(|c| {
        let f = gazetteer.facts(c.entry);
        f.kind == Kind::Admin1 && f.country() == Some(us)
    });
    if is_state {
        return Vec::new();
    }
    let mut out: Vec<Candidate> = Vec::new();
    for name in [
        format!("{written} County"),
        format!("{written} Parish"),
        written.to_string(),
    ] {
        for c in gazetteer.candidates(&name) {
            if gazetteer.kind(c.entry) == Kind::Admin2 && out.iter().all(|o| o.entry != c.entry) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geoparse::rare_words::RareWords;

    fn items(text: &str) -> Vec<&str> {
        county_list_items(text, &RareWords::find(text).county_plurals)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn every_name_of_the_list_and_only_those() {
        assert_eq!(
            items("in Becker, Clay, Otter Tail, Swift and Wilkin counties: a watch"),
            ["Becker", "Clay", "Otter Tail", "Swift", "Wilkin"]
        );
        assert_eq!(
            items("The rate for the area - Clarke, Madison, Oconee and Oglethorpe counties"),
            ["Clarke", "Madison", "Oconee", "Oglethorpe"]
        );
        assert_eq!(
            items("Pointe Coupee and Avoyelles parishes."),
            ["Pointe Coupee", "Avoyelles"]
        );
        assert_eq!(
            items("Butler, Clark, or Warren counties"),
            ["Butler", "Clark", "Warren"]
        );
        assert_eq!(
            items("between Walton and Oconee counties."),
            ["Walton", "Oconee"]
        );
    }

    #[test]
    fn nothing_without_a_capitalised_name_right_before() {
        assert!(items("both counties agreed").is_empty());
        assert!(items("the two counties").is_empty());
        assert!(items("counties").is_empty());
        assert!(items("the four metro Atlanta counties").is_empty());
        assert!(items("from Abilene to Taylor counties").is_empty());
        assert!(items("In the countiesque style").is_empty());
        assert_eq!(
            items("in Prince George's and Montgomery counties"),
            ["Prince George's", "Montgomery"]
        );
    }

    #[test]
    fn bounded_on_any_text() {
        let long = "Aa, ".repeat(10_000) + "Bb counties";
        assert_eq!(items(&long).len(), MAX_ITEMS);
        for text in [
            "ü counties",
            " counties",
            "É\u{301} counties",
            "A  counties",
        ] {
            let _ = items(text);
        }
    }
}
