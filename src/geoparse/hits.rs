//! What recognition hands to resolution: each recognised name ([`Hit`]), what the name
//! as written can denote ([`Surface`]) and the kind cue beside it ([`KindCue`]). Both
//! stages read these, so they live apart from either.

use std::sync::OnceLock;

use crate::gazetteer::{Candidate, EntryFacts, Gazetteer};

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
    /// [`SpellingMemo`](super::recognize::SpellingMemo)), shared by every mention
    /// written alike.
    pub surface: u32,
    /// Recognition score (see module docs).
    pub score: f32,
    /// Index of the sentence it stands in.
    pub sentence: usize,
    pub kind_cue: Option<KindCue>,
    /// The name is a town's followed by a feature word ("Wichita Drive", "Hopkins
    /// Park"): the span covers both, and the mention is placed where the story's own
    /// town is, not at the namesake the first word names.
    pub feature: bool,
    /// The name is a wire service's dateline standing alone, in capitals and with no
    /// state or country after it ("GENEVA (Reuters) —"): wire services write a city
    /// alone only where it is the best-known place of its name, so its namesakes get
    /// little from the rest of the story (see `resolve`).
    pub wire_dateline: bool,
}

/// What resolution needs of a name as written, whatever it stands beside: its
/// candidates and their prominence. Computed once per distinct spelling per batch (see
/// [`ParseMemo`](super::ParseMemo)): news repeats its names. What recognition reads is
/// in `SurfaceHead`.
#[derive(Debug, Clone)]
pub(crate) struct Surface {
    /// Number of the folded form within the memo: spellings that fold alike share it,
    /// and the document-level rules compare these numbers, not strings.
    pub key_id: u32,
    /// Candidate entries (abbreviations only if written in capitals; demonyms only if
    /// the options report them).
    pub candidates: Vec<Candidate>,
    /// Prominence of each candidate (`recognize::prominence`).
    pub priors: Vec<f32>,
    /// What the name is as a person's name (single words only), looked up when a rule
    /// first needs it.
    pub(super) person: OnceLock<crate::gazetteer::PersonName>,
    /// Prominence of the strongest country, demonym, region, physical feature or
    /// first-level division ([`is_broad`](super::kinds::is_broad)) among the candidates.
    pub strongest_broad: Option<f32>,
    /// Prominence of the strongest world city among the candidates (a town of at least
    /// `recognize::WORLD_CITY_PRIOR`: a large capital, or a city of millions).
    pub strongest_city: Option<f32>,
    /// Its candidates' rows of the gazetteer's [`EntryFacts`] table, copied together
    /// when the name is first resolved: the table is large and the resolver reads a
    /// name's rows in every pass over every document that names it, so one copy,
    /// whose reads overlap, costs less than scattered reads each time.
    pub(super) facts: OnceLock<Box<[EntryFacts]>>,
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
