//! The user's own names ([`Gazetteer::set_user_places`]) in the text: found without
//! regard to ASCII case ("base 201" as well as "Base 201"), as whole words, by one
//! automaton pass, and kept as places whatever the evidence says, since the user said
//! so. Each one's candidates are its user places first, with a prominence above any
//! bundled entry's, then the bundled namesakes: a qualifier ("Paris, Texas") or the
//! document's context can still choose one of those.
//!
//! With no user places this is never called (see `recognize`).

use std::ops::Range;

use super::prominence::{BaseProminence, prominence, strongest_namesakes};
use super::spellings::SpellingMemo;
use crate::gazetteer::{Candidate, Gazetteer, Kind, NameMatch, UserNames};
use crate::geoparse::Options;
use crate::geoparse::hits::{Hit, Surface};

/// The prominence of a user place as a reading of its name: above a country's (5.0), so
/// that it wins over bundled namesakes unless the text qualifies the name otherwise.
const USER_PRIOR: f32 = 6.0;

/// The recognition score of a user name: far above the threshold (the user said it is
/// a place), so its confidence is its resolution's probability.
const USER_SCORE: f32 = 8.0;

/// Adds the user's names found in `text` to `hits` (sorted by start, without overlaps),
/// keeping them sorted: a user name replaces the hits it overlaps, except one that holds
/// it and is longer (`New York` keeps its hit over a user place `York`). The arguments
/// are those of `recognize`, which it completes.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_user_hits(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    user: &UserNames,
    text: &str,
    sentences: &[Range<usize>],
    options: &Options,
    memo: &mut SpellingMemo,
    hits: &mut Vec<Hit>,
) {
    let Some(matcher) = &user.matcher else {
        return;
    };
    // The surface made for each group in this document.
    let mut surfaces: Vec<Option<u32>> = vec![None; user.groups.len()];
    let mut found = Vec::new();
    for m in matcher.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        if !is_whole_word(text, start, end) {
            continue;
        }
        // Hits are in text order without overlaps: only the last one to start at or
        // before the name can hold it.
        let before = hits.partition_point(|h| h.start <= start);
        if before > 0
            && let Some(h) = hits.get(before - 1)
            && end <= h.end
            && h.end - h.start > end - start
        {
            continue;
        }
        let Some(&group) = user.pattern_groups.get(m.pattern().as_usize()) else {
            continue;
        };
        let surface = match surfaces.get(group as usize).copied().flatten() {
            Some(s) => s,
            None => {
                let s = user_surface(
                    gazetteer,
                    base,
                    user,
                    group,
                    &text[start..end],
                    options,
                    memo,
                );
                if let Some(slot) = surfaces.get_mut(group as usize) {
                    *slot = Some(s);
                }
                s
            }
        };
        let sentence = sentences.partition_point(|r| r.end <= start);
        found.push(Hit {
            start,
            end,
            surface,
            score: USER_SCORE,
            sentence: sentence.min(sentences.len().saturating_sub(1)),
            kind_cue: None,
            feature: false,
            wire_dateline: false,
        });
    }
    if found.is_empty() {
        return;
    }
    hits.retain(|h| !found.iter().any(|u| h.start < u.end && u.start < h.end));
    hits.extend(found);
    hits.sort_by_key(|h| h.start);
}

/// True if `start..end` of `text` is not inside a longer word.
fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The surface of user group `group` (its user entries, then the bundled namesakes of
/// `written`), pushed onto the memo's list; returns its index there.
fn user_surface(
    gazetteer: &Gazetteer,
    base: &BaseProminence,
    user: &UserNames,
    group: u32,
    written: &str,
    options: &Options,
    memo: &mut SpellingMemo,
) -> u32 {
    let (folded, entries) = &user.groups[group as usize];
    let mut candidates: Vec<Candidate> = entries
        .iter()
        .map(|&entry| Candidate {
            entry,
            name_match: NameMatch::Primary,
        })
        .collect();
    let mut priors = vec![USER_PRIOR; candidates.len()];
    for c in gazetteer.candidates(written) {
        if options.demonyms || gazetteer.kind(c.entry) != Kind::Demonym {
            priors.push(prominence(base, gazetteer, &c));
            candidates.push(c);
        }
    }
    let (strongest_broad, strongest_city) = strongest_namesakes(gazetteer, &candidates, &priors);
    // A key no bundled spelling folds to, so that the document-level rules keep the
    // user's name apart from the same word proposed by the automaton.
    let key = format!("\u{1}user\u{1}{folded}");
    let next_id = memo.key_ids.len() as u32;
    let key_id = *memo.key_ids.entry(key).or_insert(next_id);
    let index = memo.list.len() as u32;
    memo.list.push(Surface {
        key_id,
        candidates,
        priors,
        person: Default::default(),
        strongest_broad,
        strongest_city,
        facts: Default::default(),
    });
    index
}

#[cfg(test)]
mod tests {
    use crate::gazetteer::tests::tiny;
    use crate::gazetteer::{Kind, UserPlace};
    use crate::geoparse::Geoparser;

    fn place(name: &str, alternates: &[&str]) -> UserPlace {
        UserPlace {
            name: name.into(),
            lat: 16.97,
            lon: 7.99,
            kind: Kind::Place,
            country_code: Some("NE".into()),
            alternate_names: alternates.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// `(text, id)` of each mention of `text`.
    fn parsed(g: &crate::gazetteer::Gazetteer, text: &str) -> Vec<(String, String)> {
        Geoparser::new(g)
            .parse(text)
            .into_iter()
            .map(|m| (m.text.clone(), g.entry(m.resolution.entry).id.clone()))
            .collect()
    }

    #[test]
    fn a_user_name_is_found_without_capitals_and_as_a_whole_word_only() {
        let g = tiny();
        g.set_user_places(&[place("Base 201", &["B201"])])
            .expect("valid");
        let got = parsed(
            &g,
            "Drones flew from base 201 near Niamey. BASE 201 grew; b201 too. Base 2010 did not.",
        );
        assert_eq!(
            got,
            [
                ("base 201".to_string(), "user:base-201".to_string()),
                ("Niamey".to_string(), "gn:2440485".to_string()),
                ("BASE 201".to_string(), "user:base-201".to_string()),
                ("b201".to_string(), "user:base-201".to_string()),
            ]
        );
    }

    #[test]
    fn a_user_place_wins_over_bundled_namesakes_and_goes_when_removed() {
        let g = tiny();
        let text = "Fighting near Niamey again.";
        assert_eq!(parsed(&g, text)[0].1, "gn:2440485");
        let entries = g.set_user_places(&[place("Niamey", &[])]).expect("valid");
        assert!(g.is_user_entry(entries[0]));
        let mentions = Geoparser::new(&g).parse(text);
        assert_eq!(g.entry(mentions[0].resolution.entry).id, "user:niamey");
        // The bundled namesake stays an alternate.
        assert_eq!(
            g.entry(mentions[0].resolution.alternates[0].entry).id,
            "gn:2440485"
        );
        g.set_user_places(&[]).expect("valid");
        assert_eq!(parsed(&g, text)[0].1, "gn:2440485");
        // The old index still reads as the user place.
        assert_eq!(g.entry(entries[0]).id, "user:niamey");
        assert_eq!(g.index_of_id("user:niamey"), Some(entries[0]));
    }

    #[test]
    fn a_user_name_inside_a_longer_bundled_name_is_left_to_it() {
        let g = tiny();
        g.set_user_places(&[place("Niger", &[])]).expect("valid");
        let got = parsed(&g, "The Niger River rose. Niger voted.");
        assert_eq!(
            got[0],
            ("Niger River".to_string(), "gz:niger-river".to_string())
        );
        assert_eq!(got[1], ("Niger".to_string(), "user:niger".to_string()));
    }
}
