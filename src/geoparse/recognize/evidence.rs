//! Evidence that a proposed name is a place: the additive score of one mention from its
//! spelling and the words around it ([`evidence`]), then the document-level rules
//! ([`score_document`]). All of recognition's weights but prominence are here.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use super::cues::{
    class, classify, in_ethnic_american, is_seat_of_power, is_title_abbreviation, plural_cue,
};
use super::spellings::SurfaceHead;
use crate::gazetteer::{Gazetteer, Kind, NameMatch, WordMemo};
use crate::geoparse::Options;
use crate::geoparse::hits::{Hit, KindCue, Surface};
use crate::geoparse::kinds::{county_holds, is_broad};
use crate::geoparse::text::{
    capitalized_and_adjacent, capitalized_word_after, is_capitalized, is_list_joint, next_word,
    previous_word,
};

/// A proposed name with its score so far, and what the document-level rules
/// ([`score_document`]) read of its surroundings.
pub(super) struct Proposed {
    pub(super) hit: Hit,
    /// The name sits in a person-name context (title before it, capitalised name around).
    person_context: bool,
    /// More precisely, it ends a person's name: a title, a given name or a middle
    /// initial stands before it ("President Obama", "Andrew Trapani", "Matthew D.
    /// Flores"). Said alone later in the story, it is that person.
    surname: bool,
    /// A word before it announces a place.
    locative_cue: bool,
    /// That word is "in", "near" or "at", which a person's name seldom follows ("of"
    /// and "to" often do: "of Bautista's homer", "a testament to Trapani").
    in_near_at: bool,
    /// A capitalised word follows it ("Penistone Grammar"): see [`in_capital_run`].
    capital_after: bool,
}

impl Proposed {
    /// A name in a list of counties: the list says it is a county, which no person or
    /// organisation context around one of its names outweighs.
    pub(super) fn read_as_county(&mut self, threshold: f32) {
        self.hit.score = self.hit.score.max(threshold + 1.5);
        self.hit.kind_cue = Some(KindCue::Division);
        self.hit.feature = false;
        self.person_context = false;
        self.surname = false;
        self.locative_cue = true;
        self.in_near_at = true;
    }
}

/// Whether the sentence last asked about shouts (is mostly capitals, as a headline is):
/// every all-capitals name in a sentence asks, and counting its letters once per
/// sentence rather than once per name keeps a long sentence of such names linear.
#[derive(Debug, Default)]
pub(super) struct ShoutingMemo(Option<(usize, bool)>);

impl ShoutingMemo {
    /// Whether sentence number `sentence`, whose text is `text`, shouts.
    fn get(&mut self, sentence: usize, text: &str) -> bool {
        match self.0 {
            Some((s, answer)) if s == sentence => answer,
            _ => {
                let answer = shouts(text);
                self.0 = Some((sentence, answer));
                answer
            }
        }
    }
}

/// True if fewer than a quarter of the letters of `text` are lower-case.
fn shouts(text: &str) -> bool {
    // One pass, ASCII letters told without the Unicode tables (they agree there).
    let (mut lower, mut letters) = (0usize, 0usize);
    for c in text.chars() {
        let (is_lower, is_letter) = if c.is_ascii() {
            (c.is_ascii_lowercase(), c.is_ascii_alphabetic())
        } else {
            (c.is_lowercase(), c.is_alphabetic())
        };
        lower += usize::from(is_lower);
        letters += usize::from(is_letter);
    }
    lower * 4 < letters
}

/// The least prominence (as [`SurfaceHead::best_prior`] gives it) of a town whose name
/// and a colon opening the text read as a dateline: a big city's.
const COLON_DATELINE_PRIOR: f32 = 3.5;

/// Words before a pair of capitalised words that make the pair more often a club's or
/// a company's named after a town than a person's ("the Braintree Rotary", "at Kobe
/// Steel"): the person-name rules for such pairs do not fire after them.
const ARTICLE_OR_PREPOSITION: u32 = class::LOCATIVE | class::THE | class::DETERMINER | class::OF;

/// The score of one proposed name, `text[start..end]` (spelled as `head` says), from
/// its spelling and the words around it, with what it noted of a person or a place cue.
#[allow(clippy::too_many_arguments)]
pub(super) fn evidence(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    sentence: usize,
    start: usize,
    end: usize,
    head: SurfaceHead,
    surfaces: &[Surface],
    memo: &mut WordMemo,
    shouting: &mut ShoutingMemo,
) -> Proposed {
    let surface = &text[start..end];
    let best_kind = head.best_kind;
    let broad = is_broad(best_kind);
    let mut score = head.best_prior;
    let letters = usize::from(head.letters);
    if letters < 2 {
        score -= 10.0; // "X", "A": never places on their own
    }
    if head.has(SurfaceHead::CALENDAR) {
        score -= 6.0;
    }
    if is_title_abbreviation(surface, &text[end..]) {
        score -= 6.0; // "U.S. Sens. Byrd and Rockefeller"
    }
    if in_ethnic_american(text, start, end) {
        score -= 6.0; // "African Americans", "Native American artifacts"
    }
    let sentence_start = sentences.get(sentence).map(|r| r.start).unwrap_or(0);
    let at_sentence_start = no_word_between(text, sentence_start, start);
    // The words right before and after the name and what the cue lists say of them,
    // found once: the rules below read them again and again.
    let prev = previous_word(text, start);
    let next = next_word(text, end);
    let prev_class = prev.map(|(_, w)| classify(w)).unwrap_or_default();
    let next_class = next.map(|(_, w)| classify(w)).unwrap_or_default();
    // The name runs on into a capitalised word ("Columbus Police", "Watson Pulliam").
    let capital_after = capitalized_and_adjacent(text, end, next).is_some();
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
        let cap_before = prev.is_some_and(|(_, w)| is_capitalized(w));
        if !at_sentence_start && (cap_before || capital_after) && !mild {
            score -= 1.0;
        }
        // "Western countries", "Central bank": an ordinary word used as an adjective
        // before a lower-case noun (not before a preposition: "Reading in the final").
        let lower_after = next.is_some_and(|(s, w)| {
            text[end..s].chars().all(|c| c == ' ')
                && w.chars().next().is_some_and(char::is_lowercase)
                && next_class.kind.is_none()
                && next_class.bits & class::PREPOSITION == 0
        });
        if lower_after && best_kind != Kind::Country {
            score -= 1.0;
        }
    } else if at_sentence_start {
        score -= 0.4;
    }
    // "The White House said": the government in the building, not the town of the
    // name. Only "in" or the like ("in White House") or a qualifier ("White House,
    // Tenn.") makes it the town, and never after "the" (nor after "State", which
    // makes "the State Duma" whole).
    if is_seat_of_power(surface) {
        let the = prev.is_some_and(|(_, w)| w.eq_ignore_ascii_case("the") || w == "State");
        let qualified = text[end..]
            .strip_prefix(", ")
            .is_some_and(|rest| rest.chars().next().is_some_and(char::is_uppercase));
        if the || !(prev_class.bits & class::LOCATIVE != 0 || qualified) {
            score -= 4.0;
        }
    }
    let multi_word = head.has(SurfaceHead::MULTI_WORD);
    let person = |memo: &mut WordMemo| {
        *surfaces[head.index as usize].person.get_or_init(|| {
            if multi_word {
                crate::gazetteer::PersonName::default()
            } else {
                gazetteer.person_name_memo(surface, memo)
            }
        })
    };
    // "Henry County", "Neches River": the name's own last word says it is a place.
    let ends_in_suffix = multi_word
        && surface
            .rsplit([' ', '-'])
            .next()
            .is_some_and(|w| is_capitalized(w) && classify(w).bits & class::PLACE_SUFFIX != 0);
    if ends_in_suffix {
        score += 0.6;
    }
    // A dateline: the name opens a line or sentence and a dash follows it, after at
    // most a short qualifier ("XENIA —", "CHARLESTON, W.Va. --", "Goose Creek –").
    // A wire service's credit makes a dateline of a name in capitals wherever it stands:
    // a byline on the same line may come first ("By Ann Roe, Associated Press TOKYO
    // (AP) —").
    let credit_after = head.has(SurfaceHead::ALL_CAPS) && text[end..].starts_with(" (");
    // "Muscat: The festival opened…": a big city's name and a colon opening the text
    // is the dateline of papers that write it so (a person's name there is a quote's
    // speaker: "Assad: Syria still believes…").
    let colon_dateline = || {
        best_kind == Kind::Place
            && head.best_prior >= COLON_DATELINE_PRIOR
            && no_word_between(text, 0, start)
            && text[end..]
                .strip_prefix(": ")
                .is_some_and(|rest| rest.chars().next().is_some_and(char::is_uppercase))
    };
    let dateline = (at_sentence_start || credit_after) && is_dateline(&text[end..])
        || at_sentence_start && colon_dateline() && {
            let p = person(memo);
            !p.given && !p.surname
        };
    // No qualifier between the name and the credit: a city wire services write alone.
    let wire_dateline = dateline && credit_after;
    if dateline
        && (head.has(SurfaceHead::ALL_CAPS)
            || text[end..].starts_with(',')
            || multi_word
            || !person(memo).given)
    {
        score += 3.0;
    }

    // Acronyms: a capitalised-only word matched as an ordinary name ("ISIL", "JNIM") is
    // an organisation, unless the whole sentence shouts (a headline).
    // Dotted capitals (U.S., D.C., S.C.) abbreviate names; only undotted ones are
    // taken for acronyms.
    if letters >= 2
        && head.has(SurfaceHead::ALL_CAPS)
        && !head.has(SurfaceHead::ABBREVIATION)
        && !multi_word
        && !surface.contains('.')
    {
        let shouts = match sentences.get(sentence) {
            Some(r) => shouting.get(sentence, &text[r.clone()]),
            None => shouts(surface),
        };
        if !shouts && !dateline {
            // Short capitals are acronyms (ISIL, JNIM, NATO); long ones are mostly
            // datelines ("CHARLESTON, W.Va.").
            score -= if letters <= 5 { 3.0 } else { 0.3 };
        }
    }

    let mut person_context = false;
    let mut surname = false;
    let mut locative_cue = false;
    // A dateline names a town ("NEW YORK (AP) —" is the city, not the state).
    let mut kind_cue = dateline.then_some(KindCue::Settlement);
    // "Barges on the Mississippi at Rock Island", "the Ohio near Cincinnati": a state's
    // or town's name after "the" and before no noun is its river (or other feature),
    // when the name has one. Not a country's ("the Congo", "the Gambia" are countries
    // as often).
    if !multi_word
        && prev.is_some_and(|(_, w)| w == "the")
        && the_feature(text, end, next, next_class)
    {
        let kinds = surfaces[head.index as usize]
            .candidates
            .iter()
            .map(|c| gazetteer.kind(c.entry));
        let (mut feature, mut country) = (false, false);
        for k in kinds {
            feature |= k == Kind::Physical;
            country |= k == Kind::Country;
        }
        if feature && !country {
            kind_cue = Some(KindCue::Feature);
        }
    }

    // The word before.
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
        // "Sen. Jane Roe, D-Harwich": a US legislator's party and home town; Minnesota's
        // Democrats are the DFL ("Rep. Ann Doe, DFL-Winona").
        let party = {
            let b = &text.as_bytes()[..start - 1];
            let label = if b.ends_with(b"DFL") {
                3
            } else if matches!(b.last(), Some(b'D' | b'R' | b'I')) {
                1
            } else {
                0
            };
            label > 0
                && b.len()
                    .checked_sub(label + 1)
                    .is_none_or(|k| !b[k].is_ascii_alphanumeric())
        };
        if party {
            score += 2.5;
            locative_cue = true;
        } else if glued_word && !broad {
            score -= 1.5;
        }
    }
    // Whether the word before is "in", "near" or "at".
    let mut in_near_at = false;
    // "Kerala's Wayanad district", "Tamil Nadu's Nilgiris": a place's possessive before
    // the name holds it, as "in" does; it is no capitalised stranger opening a
    // person's or company's name (the rules below).
    let place_possessive = prev.is_some_and(|(prev_start, word)| {
        text[prev_start + word.len()..start] == *" "
            && possessive_of_place(gazetteer, text, prev_start, word, memo)
    });
    if place_possessive {
        score += 1.0;
        locative_cue = true;
    }
    if let Some((prev_start, word)) = prev.filter(|_| !place_possessive) {
        let prev_at_start = no_word_between(text, sentence_start.min(prev_start), prev_start);
        let is_of = prev_class.bits & class::OF != 0;
        if prev_class.bits & class::LOCATIVE != 0 {
            score += if is_of { 0.8 } else { 1.3 };
            locative_cue = true;
            in_near_at = ["in", "near", "at"]
                .iter()
                .any(|w| word.eq_ignore_ascii_case(w));
        }
        if let Some(k) = prev_class.kind {
            kind_cue = kind_cue.or(Some(k));
        } else if is_of && let Some((_, before_of)) = previous_word(text, prev_start) {
            // "the city of Agadez", "the state of Niger".
            kind_cue = classify(before_of).kind;
            // A lower-case word of a kind of place (`KIND_CUES`: a noun of a place or
            // its office) before "of" says more than "of" alone ("the small town of
            // X", "the province of Y", "the mayor of Z"); a capitalised one opens an
            // institution's name ("Department of Justice", "City of Houston").
            if kind_cue.is_some() && before_of.bytes().all(|b| b.is_ascii_lowercase()) {
                score += 1.0;
            }
        }
        let glued = text[prev_start + word.len()..start]
            .chars()
            .all(|c| c == ' ');
        // A given name that is no ordinary word and no place's name ("Andrew", not
        // "Star" or "Victoria"): what follows it is a surname, even a country's name.
        let mut plain_given = false;
        if prev_class.bits & class::PERSON_CUE != 0 {
            score -= 2.5;
            person_context = true;
            surname = true;
        } else if glued
            && is_capitalized(word)
            && prev_class.bits
                & (class::PLACE_PREFIX | class::LOCATIVE | class::DETERMINER | class::THE)
                == 0
            // Nor a preposition, capitalised where it opens a sentence, before a name
            // that ends there ("After Paris, London is next", "By NAIROBI, Kenya"; not
            // "For Jones Library").
            && !(prev_class.bits & class::PREPOSITION != 0 && prev_at_start && !capital_after)
            && {
                // A name ending in a place word ("County", "River", "District") is no
                // person's ("Only Tompkins County, with nine", "the Leadership Cortland
                // County class").
                !ends_in_suffix && {
                    let facts = gazetteer.word_facts(word, memo);
                    let given = gazetteer.person_name_memo(word, memo).given;
                    // "Miss" is in the census's given names too, and before a
                    // country's name it is a pageant's title ("Miss America").
                    plain_given = given
                        && !facts.common_word
                        && !facts.is_name
                        && !word.eq_ignore_ascii_case("miss");
                    (!facts.is_name || given) && !(prev_at_start && facts.common_word)
                }
            }
        {
            // "Kurt Campbell", "Minister Ali": a capitalised non-place word (or a given
            // name) right before. A country's name after a capitalised word is often
            // still the country ("Team Canada", "Radio France"), but not after a plain
            // given name ("Andrew Jordan", "Kevin Israel"). So is a state's or
            // province's ending an organisation's name ("Small Business BC", "Education
            // Minnesota"), when it names one country's division only: not a common
            // surname ("Lin-Manuel Miranda"), nor an ordinary word that several
            // countries name divisions by ("Community Centre", "Central").
            let division_in_name = best_kind == Kind::Admin1
                && !head.has(SurfaceHead::COMMON_WORD)
                && one_country_division(gazetteer, &surfaces[head.index as usize])
                && !person(memo).surname;
            score -= match best_kind {
                // A country's prominence is 5: only this much refuses it.
                Kind::Country if plain_given => 4.0,
                Kind::Country | Kind::Demonym if !plain_given => 1.0,
                Kind::Admin1 if division_in_name && !plain_given => 1.0,
                _ => 2.5,
            };
            person_context = true;
            // Only after a given name is it surely a surname: any capitalised word
            // before ("Ideally, Orange County") would make too many.
            surname = prev_class.bits & class::CALENDAR == 0
                && gazetteer.person_name_memo(word, memo).given;
        } else if text[prev_start + word.len()..start] == *" "
            && !multi_word
            && !broad
            && is_capitalized(word)
            && !word.bytes().all(|b| b.is_ascii_uppercase())
            && prev_class.bits & (class::PLACE_PREFIX | class::CALENDAR | class::PERSON_CUE) == 0
            && prev_class.kind.is_none()
            && capitalized_word_after(text, end).is_none()
            && (prev_at_start
                || previous_word(text, prev_start).is_none_or(|(_, w)| {
                    !is_capitalized(w) && classify(w).bits & ARTICLE_OR_PREPOSITION == 0
                }))
            && person(memo).surname
            && {
                let facts = gazetteer.word_facts(word, memo);
                facts.is_name && !facts.common_word
            }
        {
            // "Kobe Bryant": a common census surname after a town's name, the two alone
            // and after no preposition or article, closes the person's name the town's
            // name opened (the rule for the word after a name, below, refuses "Kobe").
            score -= 2.0;
            person_context = true;
            surname = true;
        }
        // "Matthew D. Flores": a middle initial between a capitalised word and the
        // name. Then "Flores" alone is a person too (see `score_document`).
        let middle_initial = word.len() == 1
            && word.bytes().all(|b| b.is_ascii_uppercase())
            && &text[prev_start + 1..start] == ". "
            && previous_word(text, prev_start).is_some_and(|(s, w)| {
                is_capitalized(w)
                    && w.len() > 1
                    && text[s + w.len()..prev_start].chars().all(|c| c == ' ')
            });
        if middle_initial && !person_context {
            // A state's or country's name too ("Matthew D. Flores", the Flores
            // department), but only the document-level rule weighs it then.
            surname = true;
            if !broad {
                score -= 2.5;
                person_context = true;
            }
        }
        if prev_class.bits & class::THE != 0 && broad {
            score += 0.3;
        }
        // "according to Taylor": a source quoted, not a destination.
        // A single word only, not the start of a longer name ("according to Essex
        // Police").
        if word.eq_ignore_ascii_case("to")
            && !multi_word
            && !broad
            && previous_word(text, prev_start)
                .is_some_and(|(_, w)| w.eq_ignore_ascii_case("according"))
            && !capital_after
        {
            score -= 2.5;
            person_context = true;
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
    let gap = next.map(|(s, _)| &text[end..s]).unwrap_or("");
    // The word after's classes, kept for the feature-word test below.
    let mut next_bits = 0u32;
    if let Some((_, word)) = next
        && gap.chars().all(|c| c == ' ')
        && !gap.is_empty()
    {
        next_bits = next_class.bits;
        if let Some(k) = next_class.kind {
            kind_cue = kind_cue.or(Some(k));
        }
        let capitalized = is_capitalized(word);
        if capitalized && next_class.bits & class::TOWN_HEAD != 0 {
            // "The Washington Post", "New York Police Department".
            kind_cue = kind_cue.or(Some(KindCue::Settlement));
        }
        if !capitalized && next_class.bits & class::OFFICE != 0 && !broad && !multi_word {
            // "the Obama administration": a leader's term, named after the leader. A
            // country's or state's stays its own ("the US administration").
            score -= 3.0;
            person_context = true;
        }
        if !capitalized
            && !multi_word
            && next_class.bits & class::PLACE_NOUN != 0
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && !head.has(SurfaceHead::COMMON_WORD)
            && !text[end + gap.len() + word.len()..].starts_with(" of ")
            && !surfaces[head.index as usize]
                .candidates
                .iter()
                .any(|c| gazetteer.kind(c.entry) == Kind::Demonym)
        {
            // "the Akhalgori district", "Zabul province"; not an adjective ("a Northern
            // state", "the English county of Kent").
            score += 1.0;
            locative_cue = true;
        }
        if !capitalized && next_class.bits & class::DENIZEN != 0 {
            // "a Gainesville man", "Leeds police".
            score += 1.5;
            locative_cue = true;
        }
        // Only where the name starts the capitalised run: in "Clarke County Superior
        // Court" the run began before it.
        // A capitalised word that opens the sentence ("The", "Eight") or a date
        // ("Sunday") does not start the run.
        let run_before = || {
            prev.is_some_and(|(s, w)| {
                is_capitalized(w)
                    && text[s + w.len()..start].chars().all(|c| c == ' ')
                    && !no_word_between(text, sentence_start.min(s), s)
                    && prev_class.bits & (class::CALENDAR | class::THE) == 0
            })
        };
        let institution = capitalized
            && next_class.bits & class::INSTITUTION != 0
            && !surface.starts_with("The ")
            && !run_before()
            && !(at_sentence_start && head.has(SurfaceHead::COMMON_WORD));
        if institution {
            // "Columbus Police", "Florida Highway Patrol": the place inside the name
            // of one of its public bodies. Undoes the doubt a capitalised neighbour
            // casts on an ordinary word.
            score += if head.has(SurfaceHead::COMMON_WORD) {
                1.8
            } else {
                1.0
            };
        }
        // "the Dallas Mavericks", "the Houston Rockets": after "the", a town's name
        // that is also a given name, before a capitalised plural, opens a team's name,
        // not a person's, unless that plural is a common surname ("the Jordan
        // Williams trial").
        if capitalized
            && !institution
            && next_class.bits & class::PLACE_SUFFIX == 0
            && !multi_word
            && person(memo).given
            && !(prev_class.bits & class::THE != 0
                && word.len() >= 4
                && word.ends_with('s')
                && !word.ends_with("ss")
                && !gazetteer.person_name_memo(word, memo).surname)
        {
            // "Michael Jones", "Georgia Smith": a given name starting a name. A
            // country's name only when a common surname follows ("Jordan Henderson",
            // not "Jordan Valley" or "Georgia Tech"): as much as a plain given name
            // before a country costs it.
            let mut surname_after = || {
                next_class.bits & (class::FEATURE | class::TOWN_HEAD | class::INSTITUTION) == 0
                    && next_class.kind.is_none()
                    && gazetteer.person_name_memo(word, memo).surname
            };
            score -= match best_kind {
                Kind::Country if surname_after() => 4.0,
                Kind::Country => 1.0,
                _ => 3.0,
            };
            person_context = true;
        } else if capitalized
            && !institution
            && !person_context
            && !multi_word
            && !broad
            && gap == " "
            && word.len() >= 3
            && !word.bytes().all(|b| b.is_ascii_uppercase())
            && next_class.bits
                & (class::PLACE_SUFFIX
                    | class::FEATURE
                    | class::CALENDAR
                    | class::TOWN_HEAD
                    | class::PERSON_CUE
                    | class::VEHICLE_MAKE)
                == 0
            && next_class.kind.is_none()
            && prev_class.bits & ARTICLE_OR_PREPOSITION == 0
            && capitalized_word_after(text, end + gap.len() + word.len()).is_none()
            && (!gazetteer.word_facts(word, memo).is_name
                || gazetteer.person_name_memo(word, memo).surname)
        {
            // "Vladimir Putin", "Fatih Terim": a town's name before a capitalised word
            // that names no place or is a common surname ("Kobe Bryant"), the two alone
            // and after no preposition or article, are a person's name (a given name
            // the census does not list). After "the", "at" or "of", or with more
            // capitalised words, they are more often a company's or a club's, named
            // after the town ("the Braintree Rotary Club").
            score -= 2.0;
        }
        // A first-level division "said" is a surname far more often than a state
        // speaking ("Nelson said"); countries and regions do speak in news.
        // A name of two words or more ("Andhra Pradesh said", "New Jersey said") is no
        // surname.
        if next_class.bits & class::SPEECH_VERB != 0
            && (!broad || (best_kind == Kind::Admin1 && !multi_word))
        {
            score -= 1.5;
            person_context = true;
        }
    }

    // "Kupiansk and other towns", "cities such as Mashhad": a plural noun of places says
    // the name is one, and of which kind.
    if !person_context && let Some(k) = plural_cue(&text[..start], &text[end..]) {
        score += 1.3;
        locative_cue = true;
        kind_cue = kind_cue.or(Some(k));
    }

    // First names: "his wife, Julia,", "their son, David" (a kinship noun and a comma
    // before a given name), and "David and Jodi Mahler" (a given name, "and", another
    // given name and a surname).
    if !person_context && !multi_word && person(memo).given {
        let kin = text[..start].ends_with(", ")
            && previous_word(text, start - 2)
                .is_some_and(|(_, w)| classify(w).bits & class::KIN != 0);
        // Not after "of" or "in" ("Mages of Lindsay and Dennis Lopez of Thackerville"),
        // nor before a place ("Paris and Henry County").
        let couple = prev_class.bits & class::LOCATIVE == 0
            && text[end..].starts_with(" and ")
            && next_word(text, end + 5).is_some_and(|(s, given)| {
                s == end + 5
                    && is_capitalized(given)
                    && gazetteer.person_name_memo(given, memo).given
                    && next_word(text, s + given.len()).is_some_and(|(t, surname)| {
                        t == s + given.len() + 1
                            && text[s + given.len()..t] == *" "
                            && is_capitalized(surname)
                            && classify(surname).bits
                                & (class::CALENDAR | class::PLACE_SUFFIX | class::FEATURE)
                                == 0
                    })
            });
        if kin || couple {
            score -= 3.0;
            person_context = true;
        }
    }
    // "in Oxford", "near Reading": right after "in", "near" or "at", mid-sentence and on
    // its own, a town that is also a word is the town.
    if head.has(SurfaceHead::COMMON_WORD)
        && in_near_at
        && !at_sentence_start
        && !person_context
        && best_kind == Kind::Place
        && !capital_after
    {
        score += 1.0;
    }
    // Cars: "a 2007 Toyota Corolla", "his Dodge Durango". A make before a capitalised
    // model or after a model year, and a model right after a make, name no place.
    let spaced = |from: usize, to: usize| text[from..to].chars().all(|c| c == ' ');
    let model_year = |w: &str| {
        w.len() == 4
            && (w.starts_with("19") || w.starts_with("20"))
            && w.bytes().all(|b| b.is_ascii_digit())
    };
    // The cheap tests of the words around first: most names stand before no capital.
    let is_make_here = (next.is_some_and(|(s, w)| {
        spaced(end, s)
            && is_capitalized(w)
            && next_bits & (class::PLACE_SUFFIX | class::FEATURE | class::INSTITUTION) == 0
            && next_class.kind.is_none()
    }) || prev
        .is_some_and(|(ps, w)| model_year(w) && spaced(ps + w.len(), start)))
        && !multi_word
        && classify(surface).bits & class::VEHICLE_MAKE != 0;
    let is_model_here = prev_class.bits & class::VEHICLE_MAKE != 0
        && prev.is_some_and(|(ps, w)| is_capitalized(w) && spaced(ps + w.len(), start));
    if is_make_here || is_model_here {
        score -= 3.0;
    }
    // "Wichita Drive", "Hopkins Park": the name and a feature word after it are one
    // place, a street, park or river of the story's town.
    // A compass word before the name is part of the street's name ("North Nokomis
    // Street").
    let mut start = start;
    let mut end = end;
    let mut feature = false;
    if let Some((s, w)) = next
        && gap.len() == 1
        && gap == " "
        && is_capitalized(w)
        && next_bits & class::FEATURE != 0
        && !head.has(SurfaceHead::ALL_CAPS)
        && !person_context
    {
        end = s + w.len();
        feature = true;
        score += 1.0;
        if let Some((ps, pw)) = prev
            && text[ps + pw.len()..start].chars().all(|c| c == ' ')
            && matches!(
                pw,
                "North" | "South" | "East" | "West" | "N" | "S" | "E" | "W" | "Upper" | "Lower"
            )
        {
            start = ps;
        }
    }
    // "Miss Butler County": a title's holder named by a county is no surname.
    let surname = surname && !ends_in_suffix;
    Proposed {
        hit: Hit {
            start,
            end,
            surface: head.index,
            score,
            sentence,
            kind_cue,
            feature,
            wire_dateline,
        },
        person_context,
        surname,
        locative_cue,
        in_near_at,
        capital_after,
    }
}

/// Whether the first-level divisions among `surface`'s readings are all in one country
/// (and there is one).
fn one_country_division(gazetteer: &Gazetteer, surface: &Surface) -> bool {
    let mut countries = surface
        .candidates
        .iter()
        .filter(|c| gazetteer.kind(c.entry) == Kind::Admin1)
        .map(|c| gazetteer.facts(c.entry).country());
    match countries.next() {
        Some(first) => first.is_some() && countries.all(|c| c == first),
        None => false,
    }
}

/// Document-level evidence: a word used as a person's name anywhere in the story is a
/// person elsewhere too ("Kurt Campbell" … "Campbell said"), and a name confidently
/// used as a place lends weight to its other, less clear, mentions.
pub(super) fn score_document(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    surfaces: &[Surface],
    proposed: &mut [Proposed],
    options: &Options,
) {
    qualified_pairs(gazetteer, text, surfaces, proposed);
    // Lists: a name joined by a comma or "and" to a clear place is one too ("Becker,
    // Clay and Wilkin counties", "between Leeds and Otley"), and so are the two ends of
    // a range ("from Buffalo to Albany"). From the scores of the single mentions, so the
    // order of the list does not matter.
    let clear: Vec<bool> = proposed
        .iter()
        .map(|p| !p.person_context && p.hit.score >= options.threshold + 0.5)
        .collect();
    // Not a name that runs on into another capitalised word ("Watson Pulliam").
    let runs_on = |p: &Proposed| capitalized_word_after(text, p.hit.end).is_some();
    let joined = |proposed: &[Proposed], a: usize, b: usize| {
        text.get(proposed[a].hit.end..proposed[b].hit.start)
            .is_some_and(|gap| {
                is_list_joint(gap)
                    || gap == " to "
                        && previous_word(text, proposed[a].hit.start)
                            .is_some_and(|(_, w)| w.eq_ignore_ascii_case("from"))
            })
    };
    for i in 0..proposed.len() {
        if proposed[i].person_context || proposed[i].hit.score >= options.threshold {
            continue;
        }
        let before = i > 0 && clear[i - 1] && joined(proposed, i - 1, i);
        let after = i + 1 < proposed.len() && clear[i + 1] && joined(proposed, i, i + 1);
        if (before || after) && !runs_on(&proposed[i]) {
            proposed[i].hit.score += 1.0;
        }
    }
    // A longer list ("in Valentine, Holdrege, Chadron and Wayne") is one of places once
    // two of its names read as places, the lifts above counted: the names between
    // them that are only just short are lifted too, though no clear place is next to
    // them.
    let accepted = |p: &Proposed| !p.person_context && p.hit.score >= options.threshold;
    let mut first = 0;
    while first < proposed.len() {
        let mut last = first;
        while last + 1 < proposed.len() && joined(proposed, last, last + 1) {
            last += 1;
        }
        let members = &mut proposed[first..=last];
        first = last + 1;
        if members.len() < 3 || members.iter().filter(|p| accepted(p)).count() < 2 {
            continue;
        }
        for p in members {
            if !p.person_context && p.hit.score < options.threshold && !runs_on(p) {
                p.hit.score += 1.0;
            }
        }
    }
    let key = |p: &Proposed| surfaces[p.hit.surface as usize].key_id;
    // Surnames: the last word of a capitalised run that follows a title or a first name.
    let person_keys: HashSet<u32> = proposed
        .iter()
        .filter(|p| p.person_context)
        .map(key)
        .collect();
    // Names that end a person's name somewhere in the story ("Andrew Trapani"): alone
    // they are that person ("Trapani said"), even where a division has the name (the
    // Flores department), and one mention after "to" or "in" ("a testament to
    // Trapani's") does not make the others confident.
    let surname_keys: HashSet<u32> = proposed.iter().filter(|p| p.surname).map(key).collect();
    // Names a company's possessive follows somewhere in the story ("the retailer
    // Mondo's stores"): a business there, and where else the story names it.
    let company_keys: HashSet<u32> = proposed
        .iter()
        .filter(|p| company_possessive(text, p.hit.end))
        .map(key)
        .collect();
    // Sized at once: every document makes this table, and growing it showed.
    let mut best_score: HashMap<u32, f32> =
        HashMap::with_capacity_and_hasher(proposed.len(), Default::default());
    for p in proposed.iter() {
        let s = best_score.entry(key(p)).or_insert(f32::MIN);
        *s = s.max(p.hit.score);
    }
    // A name used confidently as a place somewhere in the story.
    let confident = |k: u32| {
        best_score
            .get(&k)
            .is_some_and(|&s| s >= options.threshold + 1.0)
    };
    for p in proposed.iter_mut() {
        let surface = &surfaces[p.hit.surface as usize];
        let surname = surname_keys.contains(&surface.key_id);
        if (surname || person_keys.contains(&surface.key_id))
            && !p.person_context
            && !(if surname {
                p.in_near_at
            } else {
                p.locative_cue
            })
        {
            // A first-level division keeps its name after a given name ("Georgia
            // Smith" … "in Georgia"), not after a surname's.
            let broad = surface
                .candidates
                .iter()
                .any(|c| match gazetteer.kind(c.entry) {
                    Kind::Country | Kind::Region => true,
                    Kind::Admin1 => !surname,
                    _ => false,
                });
            if !broad {
                p.hit.score -= 2.0;
            }
        }
        // A town's name only: a country's or state's possessive holds companies too
        // ("Germany's carmakers").
        if company_keys.contains(&surface.key_id)
            && (!p.locative_cue || company_possessive(text, p.hit.end))
            && !surface
                .candidates
                .iter()
                .any(|c| is_broad(gazetteer.kind(c.entry)))
        {
            p.hit.score -= 2.0;
        }
        if confident(surface.key_id)
            && !p.person_context
            && (p.locative_cue || !surname)
            && p.hit.score < options.threshold
        {
            p.hit.score += 1.5;
        }
    }
    near_clear_places(gazetteer, text, sentences, surfaces, proposed, options);
}

/// Words that, after a name's possessive, make the name a company's: its stores,
/// shares, chief executive. A town has shops and a mayor, seldom these.
const COMPANY_NOUNS: &[&str] = &[
    "brand",
    "brands",
    "ceo",
    "chief",
    "customers",
    "founder",
    "headquarters",
    "products",
    "shareholders",
    "shares",
    "stock",
    "stores",
];

/// Whether a company's possessive follows the name ending at byte `end`: "'s" (or
/// "’s") and one of [`COMPANY_NOUNS`] ("Mondo's stores", "Mondo's chief executive").
fn company_possessive(text: &str, end: usize) -> bool {
    let Some(rest) = text.get(end..) else {
        return false;
    };
    let Some(after) = rest
        .strip_prefix("'s")
        .or_else(|| rest.strip_prefix("\u{2019}s"))
    else {
        return false;
    };
    if !after.starts_with(' ') {
        return false;
    }
    next_word(after, 0).is_some_and(|(_, word)| {
        COMPANY_NOUNS
            .iter()
            .any(|noun| word.eq_ignore_ascii_case(noun))
    })
}

/// True if the proposed name stands in a run of capitalised words, part of a longer
/// name ("Penistone Grammar School", "Chamber of Commerce"): a capitalised word right
/// after it, or right before it (not the sentence's first word, nor "The"), or "of"
/// after one. Asked of few names, so not worked out for every one.
fn in_capital_run(text: &str, sentences: &[Range<usize>], p: &Proposed) -> bool {
    if p.capital_after {
        return true;
    }
    let start = p.hit.start;
    let sentence_start = sentences.get(p.hit.sentence).map_or(0, |r| r.start);
    previous_word(text, start).is_some_and(|(s, w)| {
        let cue = classify(w);
        let spaced = text[s + w.len()..start].chars().all(|c| c == ' ');
        let opens_a_name = is_capitalized(w)
            && !no_word_between(text, sentence_start.min(s), s)
            && cue.bits & class::THE == 0;
        let of_after_a_name = || {
            cue.bits & class::OF != 0
                && previous_word(text, s).is_some_and(|(_, w)| is_capitalized(w))
        };
        spaced && (opens_a_name || of_after_a_name())
    })
}

/// How far below the threshold a name may score and still be lifted by a clear place
/// near one of its towns ([`near_clear_places`]), and by how much it is lifted.
const NEAR_CLEAR: f32 = 1.0;
/// How near (km) that clear place must be.
const NEAR_CLEAR_KM: f64 = 50.0;
/// [`crate::geodesy::central_angle`]'s cosine of [`NEAR_CLEAR_KM`]: two unit vectors
/// are that near when their dot product is above it.
static NEAR_CLEAR_COS: std::sync::LazyLock<f64> =
    std::sync::LazyLock::new(|| crate::geodesy::central_angle(NEAR_CLEAR_KM).cos());

/// A name the evidence left just short of a place ("Yasynuvata is surrounded", "a
/// Castleisland farmer") is one when one of its towns or counties, by its own name,
/// lies within [`NEAR_CLEAR_KM`] of a town or county the story names clearly: a reader
/// of a story about Donetsk and Horlivka takes Yasynuvata for the town. The clear
/// places are the names half a point above the threshold (a point, until a city whose
/// name is also a word, read after "in", fell short and lifted none of its small towns
/// nearby: one more false mention on the corpora), each at its most prominent town or
/// county; a name is not near itself. Nothing is lifted in a person's context, nor
/// inside a run of capitalised words: a local school, hotel or club is named after the
/// town too ("the Listowel Arms hotel", "Penistone Grammar School").
fn near_clear_places(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    surfaces: &[Surface],
    proposed: &mut [Proposed],
    options: &Options,
) {
    let undecided: Vec<usize> = (0..proposed.len())
        .filter(|&i| {
            let p = &proposed[i];
            !p.person_context
                && p.hit.score < options.threshold
                && p.hit.score >= options.threshold - NEAR_CLEAR
                && !in_capital_run(text, sentences, p)
        })
        .collect();
    // Most documents have no such name: then nothing below is looked up.
    if undecided.is_empty() {
        return;
    }
    let local = |k: Kind| matches!(k, Kind::Place | Kind::Admin2);
    // Each clear name once (a story repeats its places), at its most prominent town or
    // county: (its folded form's number, latitude, unit vector).
    let mut clear: Vec<(u32, f64, [f64; 3])> = proposed
        .iter()
        .filter(|p| !p.person_context && p.hit.score >= options.threshold + 0.5)
        .map(|p| &surfaces[p.hit.surface as usize])
        .filter_map(|surface| {
            let facts = surface.facts(gazetteer);
            let best = facts
                .iter()
                .zip(&surface.priors)
                .filter(|(f, _)| local(f.kind))
                .max_by(|a, b| a.1.total_cmp(b.1))?;
            Some((surface.key_id, best.0.lat, best.0.point))
        })
        .collect();
    clear.sort_unstable_by_key(|c| c.0);
    clear.dedup_by_key(|c| c.0);
    // The band of latitudes they span, widened by the distance: a name's many namesakes
    // elsewhere in the world are left out by one comparison each.
    let Some((south, north)) = clear.iter().map(|c| c.1).fold(None, |band, lat| {
        let (s, n) = band.unwrap_or((lat, lat));
        Some((s.min(lat), n.max(lat)))
    }) else {
        return;
    };
    let margin = NEAR_CLEAR_KM / 111.0;
    let (south, north) = (south - margin, north + margin);
    let cos = *NEAR_CLEAR_COS;
    for i in undecided {
        let p = &mut proposed[i];
        let surface = &surfaces[p.hit.surface as usize];
        let near = surface
            .facts(gazetteer)
            .iter()
            .zip(&surface.candidates)
            .filter(|(f, c)| {
                (south..=north).contains(&f.lat)
                    && local(f.kind)
                    && c.name_match == NameMatch::Primary
            })
            .any(|(f, _)| {
                clear.iter().any(|(key, _, point)| {
                    point[0] * f.point[0] + point[1] * f.point[1] + point[2] * f.point[2] > cos
                        && *key != surface.key_id
                })
            });
        if near {
            p.hit.score += NEAR_CLEAR;
        }
    }
}

/// What a town and the division or country after it that holds it ("Croft,
/// Yorkshire") add to each one's score.
const QUALIFIED_PAIR: f32 = 1.5;

/// "Reading, Pennsylvania", "Thruxton, Hampshire", "Nelson, B.C.": a name, a comma,
/// and a first- or second-level division or a country that holds one of the name's
/// namesakes. Each says the other is a place: the town is no word or person here, and
/// the division no surname ("Pennsylvania said"). Not after a person's name ("Ashley
/// Evans, Georgia's …"), nor before a capitalised word. A second-level division holds
/// a namesake whose point lies in its bounding box (see [`county_holds`]).
fn qualified_pairs(
    gazetteer: &Gazetteer,
    text: &str,
    surfaces: &[Surface],
    proposed: &mut [Proposed],
) {
    for i in 1..proposed.len() {
        let (town, division) = (&proposed[i - 1], &proposed[i]);
        // A capitalised word after the division makes it the start of a title or a
        // body's name ("Freeland, U.S. Trade Representative"): an apposition. "The"
        // and the like start a sentence whose full stop is missing instead.
        let titled = || {
            capitalized_word_after(text, division.hit.end)
                .is_some_and(|w| classify(w).bits & (class::THE | class::DETERMINER) == 0)
        };
        if town.person_context
            || text
                .get(town.hit.end..division.hit.start)
                .is_none_or(|gap| gap != ", ")
            || titled()
        {
            continue;
        }
        let towns = surfaces[town.hit.surface as usize].facts(gazetteer);
        let divisions = surfaces[division.hit.surface as usize].facts(gazetteer);
        let holds = |d: &crate::gazetteer::EntryFacts| {
            towns.iter().any(|t| {
                t.entry != d.entry
                    && t.country().is_some()
                    && t.country() == d.country()
                    && match d.kind {
                        Kind::Country => t.kind != Kind::Country,
                        Kind::Admin1 => {
                            matches!(t.kind, Kind::Place | Kind::Admin2) && t.admin1() == d.admin1()
                        }
                        Kind::Admin2 => t.kind == Kind::Place && county_holds(gazetteer, d, t),
                        _ => false,
                    }
            })
        };
        if divisions.iter().any(holds) {
            proposed[i - 1].hit.score += QUALIFIED_PAIR;
            proposed[i].hit.score += QUALIFIED_PAIR;
            proposed[i].person_context = false;
        }
    }
}

/// True if what follows a name after "the" (`next` at its classes `next_class`) leaves it
/// a noun on its own, as a river's is ("the Ohio near Cincinnati", "the Missouri."): a
/// stop, a comma or a preposition, not a noun it would qualify ("the Ohio governor").
fn the_feature(
    text: &str,
    end: usize,
    next: Option<(usize, &str)>,
    next_class: super::cues::WordClass,
) -> bool {
    let rest = &text[end..];
    rest.starts_with(['.', ',', ';', ':', ')'])
        || rest.starts_with(' ')
            && next.is_some_and(|(s, _)| s == end + 1)
            && next_class.bits & (class::LOCATIVE | class::PREPOSITION) != 0
}

/// True if `word` (at `word_start`) is a possessive of a place's name: "Kerala's",
/// "Somalia's", or a two-word name's ("Tamil Nadu's"), the name no ordinary word.
fn possessive_of_place(
    gazetteer: &Gazetteer,
    text: &str,
    word_start: usize,
    word: &str,
    memo: &mut WordMemo,
) -> bool {
    let Some(stem) = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .filter(|s| is_capitalized(s))
    else {
        return false;
    };
    let place = |name: &str, memo: &mut WordMemo| {
        let facts = gazetteer.word_facts(name, memo);
        facts.is_name && !facts.common_word
    };
    if place(stem, memo) {
        return true;
    }
    // The word before, joined by one space: the whole name's.
    previous_word(text, word_start).is_some_and(|(first_start, first)| {
        is_capitalized(first)
            && text[first_start + first.len()..word_start] == *" "
            && place(&text[first_start..word_start + stem.len()], memo)
    })
}

/// True if `after` (the text right after a name) is a dateline's rest: up to two short
/// qualifiers after commas on the same line ("`, W.Va.`"), the last of which may be a
/// wire service's date ("`, Dec 6`", "`, April 5, 2018`"), an optional credit
/// ("`(Reuters)`"), then a dash; or a colon, after a date or a credit
/// ("SOUTH WAZIRISTAN, April 5 (APP):").
pub(super) fn is_dateline(after: &str) -> bool {
    let mut rest = after;
    let mut dated = false;
    for _ in 0..2 {
        let Some(r) = rest.strip_prefix(',') else {
            break;
        };
        // The qualifier: at most 20 bytes of letters, periods and spaces.
        let q = r
            .char_indices()
            .find(|(_, c)| !(c.is_alphabetic() || *c == '.' || *c == ' '))
            .map_or(r.len(), |(i, _)| i);
        if q > 20 {
            return false;
        }
        let (qualifier, after_qualifier) = r.split_at(q);
        rest = after_qualifier;
        // "Dec 6": a month, then a day of one or two digits, then perhaps the year.
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let month = qualifier
            .split_whitespace()
            .last()
            .is_some_and(|w| classify(w.trim_end_matches('.')).bits & class::CALENDAR != 0);
        if month && (1..=2).contains(&digits) {
            rest = &rest[digits..];
            dated = true;
            if let Some(year) = rest.strip_prefix(", ")
                && year.len() >= 4
                && year.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            {
                rest = &year[4..];
            }
            break;
        }
    }
    let mut rest = rest.trim_start_matches([' ', '\u{a0}']);
    // A wire service's credit: "NEW YORK (AP) —".
    let mut credited = false;
    if let Some(inner) = rest.strip_prefix('(')
        && let Some(close) = inner.get(..inner.len().min(16)).and_then(|w| w.find(')'))
    {
        rest = inner[close + 1..].trim_start_matches([' ', '\u{a0}']);
        credited = true;
    }
    rest.starts_with('—')
        || rest.starts_with('–')
        || rest.starts_with("--")
        || rest.starts_with("- ")
        || rest.starts_with('\u{97}')
        || ((dated || credited) && rest.starts_with(':'))
}

/// True if no letter or digit stands in `text[from..to]`: looked for from the end, so
/// the answer comes after a character or two, however long the sentence.
fn no_word_between(text: &str, from: usize, to: usize) -> bool {
    let between = &text[from..to];
    let bytes = between.as_bytes();
    // Bytes from the end while they are ASCII (the gap between two words nearly always
    // is); from the last byte beyond ASCII on, which ends a character, the characters.
    match bytes
        .iter()
        .rposition(|b| !b.is_ascii() || b.is_ascii_alphanumeric())
    {
        None => true,
        Some(k) if bytes[k].is_ascii() => false,
        Some(k) => !between[..=k].chars().rev().any(char::is_alphanumeric),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_dateline, no_word_between, shouts};

    #[test]
    fn no_word_between_agrees_with_the_char_test() {
        let text = "a, — b\u{a0}(«é» 3) ’ x";
        for (from, _) in text.char_indices() {
            for (to, _) in text.char_indices().chain([(text.len(), ' ')]) {
                if from <= to {
                    let by_chars = !text[from..to].chars().rev().any(char::is_alphanumeric);
                    assert_eq!(no_word_between(text, from, to), by_chars, "{from}..{to}");
                }
            }
        }
    }

    #[test]
    fn shouting_is_told_as_the_unicode_tables_tell_it() {
        let by_tables = |text: &str| {
            text.chars().filter(|c| c.is_lowercase()).count() * 4
                < text.chars().filter(|c| c.is_alphabetic()).count()
        };
        for text in [
            "",
            "CRASH ON I-95 NEAR TRENTON",
            "Crash on I-95 near Trenton",
            "ÉMEUTES À PARIS, ÇA CONTINUE",
            "Émeutes à Paris",
            "ΑΘΗΝΑ σήμερα",
            "ABC def",
            "ABCD e 12345 ’—",
        ] {
            assert_eq!(shouts(text), by_tables(text), "{text:?}");
        }
    }

    #[test]
    fn datelines_with_qualifiers_dates_and_credits() {
        for rest in [
            " — Police said",
            ", W.Va. -- The council",
            " (AP) — Subway service",
            ", Dec 6 (Reuters) - Italy said",
            ", April 5 (AP) — Peru said",
            ", Sept. 12, 2018 — The",
            ", W.Va., Dec 6 (AP) — The",
            ", April 5 (APP):Chief of Army Staff",
        ] {
            assert!(is_dateline(rest), "{rest:?}");
        }
    }

    #[test]
    fn sentences_that_only_look_like_datelines() {
        for rest in [
            ", Texas, is home to",
            ": the city said",
            ", Dec 6 was a Friday",
            ", 12 people died - police",
            ", a town of about twenty thousand people - ",
            " said on Friday",
        ] {
            assert!(!is_dateline(rest), "{rest:?}");
        }
    }
}
