//! News-style abbreviations of states, provinces and counties outside the gazetteer's
//! own AP forms (`Calif.`, `W.Va.`): Canadian and Australian provinces and states
//! (`B.C.`, `Ont.`, `N.S.W.`, `Qld`), British counties (`Herts`, `Lancs`), a few
//! city forms (`L.A.`) and countries' short forms (`T&T`, `NZ`). Data, with the rule of
//! where each may be read.
//!
//! Each form names its division by full name and country; the division's entries are
//! looked up by that name, so the table holds no entry numbers and survives a rebuild.
//! Forms that are also ordinary words or other things' initials (`WA` is Washington's
//! postal code, `SA` South Africa, `Vic` a name, `ACT` a word) are read only where
//! nothing else fits: right after a town and a comma ("Perth, WA") or in a dateline.

use crate::gazetteer::{Candidate, Gazetteer, Kind, NameMatch};

/// Where a form may be read as the division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// Wherever it stands in capitals as written: nothing else is spelled so.
    Anywhere,
    /// Only as a qualifier, after a capitalised word and a comma.
    AfterTown,
    /// Wherever it stands, in a text that names the place in full too ("South Africa"
    /// … "in SA"); else as the form after it in the table reads it.
    NamedInText,
}

/// Whether the text being read names in full each place of a [`Reading::NamedInText`]
/// form: searched once per document and form, not at each of the form's mentions (a
/// text of many "SA"s would otherwise be searched once for each).
#[derive(Debug, Default)]
pub(super) struct NamedInFull(Vec<(usize, bool)>);

impl NamedInFull {
    fn named(&mut self, text: &str, form: usize, name: &str) -> bool {
        if let Some(&(_, named)) = self.0.iter().find(|(f, _)| *f == form) {
            return named;
        }
        let named = memchr::memmem::find(text.as_bytes(), name.as_bytes()).is_some();
        self.0.push((form, named));
        named
    }
}

/// One abbreviation: as written, the full name it stands for, the country (ISO alpha-2)
/// and where it may be read.
type Form = (&'static str, &'static str, &'static str, Reading);

use Reading::{AfterTown, Anywhere, NamedInText};

/// The forms, longest first where one is a prefix of another (`N.S.W.` before `N.S.`).
const FORMS: &[Form] = &[
    // Australia.
    ("N.S.W.", "New South Wales", "AU", Anywhere),
    ("NSW", "New South Wales", "AU", Anywhere),
    ("Qld.", "Queensland", "AU", Anywhere),
    ("Qld", "Queensland", "AU", Anywhere),
    ("Vic.", "Victoria", "AU", AfterTown),
    ("Vic", "Victoria", "AU", AfterTown),
    ("Tas.", "Tasmania", "AU", AfterTown),
    ("Tas", "Tasmania", "AU", AfterTown),
    ("WA", "Western Australia", "AU", AfterTown),
    ("SA", "South Africa", "ZA", NamedInText),
    ("SA", "South Australia", "AU", AfterTown),
    ("NT", "Northern Territory", "AU", AfterTown),
    ("ACT", "Australian Capital Territory", "AU", AfterTown),
    // Canada: The Canadian Press style and the postal codes news uses.
    ("B.C.", "British Columbia", "CA", Anywhere),
    ("BC", "British Columbia", "CA", Anywhere),
    ("Alta.", "Alberta", "CA", Anywhere),
    ("Sask.", "Saskatchewan", "CA", Anywhere),
    ("Man.", "Manitoba", "CA", AfterTown),
    ("Ont.", "Ontario", "CA", Anywhere),
    ("Que.", "Quebec", "CA", Anywhere),
    ("Qué.", "Quebec", "CA", Anywhere),
    ("N.B.", "New Brunswick", "CA", AfterTown),
    ("N.S.", "Nova Scotia", "CA", AfterTown),
    ("P.E.I.", "Prince Edward Island", "CA", Anywhere),
    ("PEI", "Prince Edward Island", "CA", Anywhere),
    ("Nfld.", "Newfoundland and Labrador", "CA", Anywhere),
    ("N.L.", "Newfoundland and Labrador", "CA", AfterTown),
    ("N.W.T.", "Northwest Territories", "CA", Anywhere),
    ("NWT", "Northwest Territories", "CA", Anywhere),
    ("ON", "Ontario", "CA", AfterTown),
    ("QC", "Quebec", "CA", AfterTown),
    ("AB", "Alberta", "CA", AfterTown),
    ("SK", "Saskatchewan", "CA", AfterTown),
    ("MB", "Manitoba", "CA", AfterTown),
    ("NS", "Nova Scotia", "CA", AfterTown),
    ("NB", "New Brunswick", "CA", AfterTown),
    // United States: AP forms written with a space, and city forms.
    ("W. Va.", "West Virginia", "US", Anywhere),
    ("N. Y.", "New York", "US", Anywhere),
    ("L.A.", "Los Angeles", "US", Anywhere),
    ("Phila.", "Philadelphia", "US", Anywhere),
    // Countries: short forms news uses that the gazetteer's country names lack.
    ("T&T", "Trinidad and Tobago", "TT", Anywhere),
    ("NZ", "New Zealand", "NZ", Anywhere),
    ("KSA", "Saudi Arabia", "SA", Anywhere),
    ("BiH", "Bosnia and Herzegovina", "BA", Anywhere),
    // Britain: the counties' short forms.
    ("Herts", "Hertfordshire", "GB", Anywhere),
    ("Lancs", "Lancashire", "GB", Anywhere),
    ("Hants", "Hampshire", "GB", Anywhere),
    ("Northants", "Northamptonshire", "GB", Anywhere),
    ("Notts", "Nottinghamshire", "GB", Anywhere),
    ("Leics", "Leicestershire", "GB", Anywhere),
    ("Lincs", "Lincolnshire", "GB", Anywhere),
    ("Glos", "Gloucestershire", "GB", Anywhere),
    ("Cambs", "Cambridgeshire", "GB", Anywhere),
    ("Staffs", "Staffordshire", "GB", Anywhere),
    ("Wilts", "Wiltshire", "GB", Anywhere),
    ("Worcs", "Worcestershire", "GB", Anywhere),
    ("Oxon", "Oxfordshire", "GB", Anywhere),
    ("Bucks", "Buckinghamshire", "GB", AfterTown),
    ("Beds", "Bedfordshire", "GB", AfterTown),
    ("Berks", "Berkshire", "GB", AfterTown),
];

/// The abbreviation that starts at byte `start` of `text` and ends on a word boundary,
/// if any may be read there, with its candidates: the divisions (or, for city forms,
/// the towns) of its full name in its country. `None` when the form stands elsewhere
/// than its [`Reading`] allows or the gazetteer lacks the name.
pub(super) fn abbreviation_at(
    gazetteer: &Gazetteer,
    text: &str,
    start: usize,
    named_in_full: &mut NamedInFull,
) -> Option<(usize, Vec<Candidate>)> {
    let rest = text.get(start..)?;
    // Every form starts with an ASCII capital and one of few second bytes: most
    // capitalised words fail on a table look-up (this runs at every one of them).
    let (&first, &second) = (rest.as_bytes().first()?, rest.as_bytes().get(1)?);
    if !first.is_ascii_uppercase() || !second.is_ascii() {
        return None;
    }
    let index = usize::from(first - b'A') * 128 + usize::from(second);
    let candidates = starts().get(index)?;
    let written = |(form, ..): &Form| {
        rest.starts_with(form) && {
            let mut after = rest[form.len()..].chars();
            // A dotted form ends on its period; an undotted one before a non-letter, or
            // a period that ends the sentence ("in post-apartheid SA."), not one that
            // goes on ("S.A.B.").
            form.ends_with('.')
                || match after.next() {
                    None => true,
                    Some('.') => after.next().is_none_or(char::is_whitespace),
                    Some(c) => !c.is_alphanumeric(),
                }
        }
    };
    // The first form written here whose reading holds here; a form that only a text
    // naming its place in full reads ("SA" as South Africa) gives way to the next.
    let (form, name, country, reading) = candidates
        .iter()
        .map(|&k| (k, &FORMS[k]))
        .filter(|(_, f)| written(f))
        .find(|&(k, (_, name, _, reading))| {
            *reading != NamedInText || named_in_full.named(text, k, name)
        })
        .map(|(_, f)| f)?;
    if *reading == AfterTown && !after_town(text, start) {
        return None;
    }
    // "500 BC", "100 B.C.": a number before the form makes it no place.
    if previous_is_number(text, start) {
        return None;
    }
    let city = matches!(*form, "L.A." | "Phila.");
    let candidates: Vec<Candidate> = gazetteer
        .candidates(name)
        .into_iter()
        .filter(|c| {
            let f = gazetteer.facts(c.entry);
            let right_kind = if city {
                f.kind == Kind::Place
            } else {
                matches!(f.kind, Kind::Country | Kind::Admin1 | Kind::Admin2)
            };
            right_kind
                && f.country() == Some(crate::gazetteer::pack_code(country))
                && c.name_match != NameMatch::Abbreviation
        })
        .map(|c| Candidate {
            entry: c.entry,
            name_match: NameMatch::Abbreviation,
        })
        .collect();
    // The most prominent reading only: a country or a province, not its namesake
    // county.
    let best = candidates.iter().copied().max_by_key(|c| {
        let f = gazetteer.facts(c.entry);
        (
            f.kind == Kind::Country,
            f.kind == Kind::Admin1 || city,
            gazetteer.population(c.entry),
        )
    })?;
    Some((start + form.len(), vec![best]))
}

/// True if some form may start at byte `i` of `bytes`: the quick test the walk over
/// the text makes at every capitalised word before [`abbreviation_at`].
#[inline]
pub(super) fn may_start_abbreviation(bytes: &[u8], i: usize) -> bool {
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(&f), Some(&s)) if f.is_ascii_uppercase() && s.is_ascii() => starts()
            .get(usize::from(f - b'A') * 128 + usize::from(s))
            .is_some_and(|forms| !forms.is_empty()),
        _ => false,
    }
}

/// The forms (indices into [`FORMS`], in order) that start with each (first byte,
/// second byte) pair, at `(first - 'A') * 128 + second`.
fn starts() -> &'static [Vec<usize>] {
    static STARTS: std::sync::OnceLock<Vec<Vec<usize>>> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        let mut t = vec![Vec::new(); 26 * 128];
        for (k, (form, ..)) in FORMS.iter().enumerate() {
            let b = form.as_bytes();
            if let (Some(&f), Some(&s)) = (b.first(), b.get(1))
                && f.is_ascii_uppercase()
                && s.is_ascii()
            {
                t[usize::from(f - b'A') * 128 + usize::from(s)].push(k);
            }
        }
        t
    })
}

/// True if a capitalised word and a comma stand right before `start` ("Perth, WA").
fn after_town(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches(' ');
    let Some(before) = before.strip_suffix(',') else {
        return false;
    };
    before
        .trim_end_matches([' ', '.'])
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .next()
        .is_some_and(crate::geoparse::text::is_capitalized)
}

/// True if the word before `start` is a number.
fn previous_is_number(text: &str, start: usize) -> bool {
    text[..start]
        .trim_end()
        .rsplit(' ')
        .next()
        .is_some_and(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == ','))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_unique_and_longest_first() {
        for (i, (a, ..)) in FORMS.iter().enumerate() {
            for (b, ..) in &FORMS[i + 1..] {
                // The same form twice only where the first is read in some texts only.
                assert!(a != b || FORMS[i].3 == NamedInText, "{a} twice");
                // A later form must not be a longer form starting like an earlier one.
                assert!(!(b.starts_with(a) && b.len() > a.len()), "{b} after {a}");
            }
        }
    }

    #[test]
    fn after_a_town_only_where_a_town_and_comma_stand() {
        assert!(after_town("in Perth, WA", 10));
        assert!(!after_town("the WA", 4));
        assert!(!after_town("and, WA", 5));
        assert!(previous_is_number("in 500 BC", 7));
        assert!(!previous_is_number("in Victoria BC", 12));
    }
}
