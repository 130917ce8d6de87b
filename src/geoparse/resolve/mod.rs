//! Resolution: which of a name's namesakes the document means.
//!
//! [`resolve`] reads the document in two passes (countries and divisions settle first,
//! towns follow them), then gives every unqualified mention of a name the same reading.
//! `context` indexes what the document's current readings say (countries, divisions,
//! where its towns lie), and `score` turns that and the words beside a mention into
//! each candidate's score.
//!
//! Within a pass the names are read one after another, in the order of their first
//! mention, and each new reading enters the context before the next name is read
//! (Gauss–Seidel, not Jacobi). Read all at once from the same context, two names whose
//! namesakes pair up in two places swap into a crossed pair: "Police in Cornwall said
//! the A30 was closed near Truro" starts from the most prominent readings (Cornwall,
//! Ontario; Truro, England), and Cornwall then moves to England (near Truro) while
//! Truro moves to Nova Scotia (in Cornwall's Canada), and back again in the next pass
//! (a two-cycle). Read in turn, Truro sees Cornwall already in England and stays. A
//! change costs a few table updates ([`Context::replace`]), so a pass stays linear in
//! the document's mentions.

mod context;
mod evidence;
mod score;
mod weights;

pub use evidence::{
    CAPPED_CONTEXT, CONTEXT_FEATURES, Evidence, FEATURE_NAMES, FEATURES, Feature, MentionEvidence,
};

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use super::hits::{Hit, Surface};
use super::kinds::{is_broad, most_read_town, town_or_county};
use super::text::{is_list_joint, is_possessive_gap, passage};
use super::{Alternate, MAX_ALTERNATES, MAX_PASSAGE_BYTES, Mention, Resolution};
use crate::gazetteer::{EntryFacts, EntryIndex, Gazetteer};
use context::{Context, others_of};
use score::{
    Support, context_evidence, context_support, own_evidence, qualifier_names, score_candidate,
};

/// A name's folded form, numbered (`Surface::key_id`): the resolver compares these
/// numbers, not strings, in its inner loops.
type SurfaceId = u32;

/// Whether the name ending at byte `end` names a border: "line", "state line",
/// "border" or "state border" follows it ("near the North Carolina line", "the Texas
/// border"). Local news names the state next door that way, seldom its own.
fn names_a_border(text: &str, end: usize) -> bool {
    let Some(after) = text.get(end..) else {
        return false;
    };
    let after = after.strip_prefix(" state").unwrap_or(after);
    [" line", " border"].iter().any(|w| {
        after
            .strip_prefix(w)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// The entry a qualifier names: the next hit, when the comma between them is a
/// qualifier's ("Paris, Texas": `qualifying`, see [`qualifying_commas`]); else the hit
/// before, when it is a possessive one ("Chile's capital Santiago": `possessed`, see
/// [`possessive_qualifiers`]).
fn qualifier<'a>(
    hits: &'a [Hit],
    qualifying: &[bool],
    possessed: &[bool],
    i: usize,
) -> Option<&'a Hit> {
    let after = qualifying
        .get(i)
        .copied()
        .unwrap_or(false)
        .then(|| hits.get(i + 1))
        .flatten();
    after.or_else(|| {
        let before = possessed.get(i).copied().unwrap_or(false);
        before.then(|| hits.get(i.checked_sub(1)?)).flatten()
    })
}

/// For each hit, true if the hit before it is a possessive that qualifies it: the
/// name, `'s`, at most a few lower-case words ([`is_possessive_gap`]) and this name
/// ("Chile's capital Santiago", "Florida's Miami-Dade County", "Kerala's Wayanad"). News writes a
/// place's country or state so as often as after a comma; the qualifier counts only
/// where its candidates hold one of this name's (see `score::own_evidence`).
fn possessive_qualifiers(text: &str, hits: &[Hit], out: &mut Vec<bool>) {
    out.clear();
    out.extend((0..hits.len()).map(|i| {
        i > 0
            && text
                .get(hits[i - 1].end..hits[i].start)
                .is_some_and(is_possessive_gap)
    }));
}

/// The town a hit qualifies ("Tacoma, Washington", "Kingston, Ont."): the hit right
/// before it, when the comma between them is a qualifier's; or the hit right after a
/// possessive one ("Florida's Miami-Dade County"). Its candidates say which division
/// or country this one is. An index into `hits`.
fn qualified_town(qualifying: &[bool], possessed: &[bool], i: usize) -> Option<usize> {
    let before = i
        .checked_sub(1)
        .filter(|&b| qualifying.get(b).copied().unwrap_or(false));
    before.or_else(|| {
        let after = i + 1;
        possessed
            .get(after)
            .copied()
            .unwrap_or(false)
            .then_some(after)
    })
}

/// For each hit, true if a comma right after it joins it to the next name as a town and
/// its qualifier (the next can then be its country or first-level division). Not so
/// when the comma joins two names of a list: in "Chicago, Houston, Phoenix, New York
/// and Dallas" Phoenix is not in New York. A comma pair is a list's when the list goes
/// on both before and after it, and the name before the pair is not itself a qualifier
/// ("Austin, Texas, Denver, Colorado, and Reno, Nevada" pairs towns with states
/// throughout).
fn qualifying_commas(
    gazetteer: &Gazetteer,
    text: &str,
    hits: &[Hit],
    info: &[&Surface],
    out: &mut Vec<bool>,
) {
    let gap = |a: usize, b: usize| text.get(hits[a].end..hits[b].start);
    let comma = |a: usize| {
        a + 1 < hits.len() && gap(a, a + 1).is_some_and(|g| g.trim() == "," && g.len() <= 3)
    };
    let joined = |a: usize| gap(a, a + 1).is_some_and(is_list_joint);
    let may_qualify = |j: usize| {
        info[j].facts(gazetteer).iter().any(|e| {
            matches!(
                e.kind,
                crate::gazetteer::Kind::Admin1 | crate::gazetteer::Kind::Country
            )
        })
    };
    let in_a_list = |i: usize| {
        i >= 1
            && i + 2 < hits.len()
            && joined(i - 1)
            && joined(i + 1)
            && !(i >= 2 && comma(i - 2) && may_qualify(i - 1))
    };
    out.clear();
    out.extend((0..hits.len()).map(|i| comma(i) && !in_a_list(i)));
}

/// The candidate (by index) that is the most prominent town of a name, if it is a
/// city a wire service would write alone in a dateline: one of
/// [`DATELINE_CITY_PRIOR`] at least. A smaller town alone before a credit
/// ("LEBANON (AP) —") is a local paper's dateline with its state cut, and the story
/// says which it is.
fn dateline_city(facts: &[EntryFacts], priors: &[f32]) -> Option<usize> {
    facts
        .iter()
        .zip(priors)
        .enumerate()
        .filter(|(_, (e, _))| e.kind == crate::gazetteer::Kind::Place)
        .max_by(|(_, (_, a)), (_, (_, b))| a.total_cmp(b))
        .filter(|(_, (_, prior))| **prior >= DATELINE_CITY_PRIOR)
        .map(|(c, _)| c)
}

/// The prominence of a city of about 100,000 people (a capital of fewer): the
/// smallest a wire service's dateline names with no state or country.
const DATELINE_CITY_PRIOR: f32 = 2.0;

/// Names in one list at most that a list's reading looks at, on each side of a name.
const LIST_SIBLINGS: usize = 8;

/// For each hit, the hits that stand in one list with it ("Los Angeles, Miami, New York
/// and Detroit"): a range of hit indices, the hit alone when it is in none. A list is
/// names joined by commas, `and`, `or`, `&` or slashes with at least one word joint: a
/// chain of commas alone is a town and its state ("Albany, New York") as often.
fn list_runs(text: &str, hits: &[Hit], out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut start = 0;
    while start < hits.len() {
        let mut end = start + 1;
        let mut worded = false;
        while end < hits.len() {
            let Some(gap) = text.get(hits[end - 1].end..hits[end].start) else {
                break;
            };
            if !is_list_joint(gap) {
                break;
            }
            worded |= gap.trim() != ",";
            end += 1;
        }
        let run = if worded { start..end } else { start..start + 1 };
        for _ in run.clone() {
            out.push(run.clone());
        }
        start = run.end;
    }
}

/// The share of a hit's list siblings (up to [`LIST_SIBLINGS`] on each side) read as a
/// town, a first-level division and a country: the kinds of a list's names agree ("Los
/// Angeles, Miami, New York and Detroit" are cities; "Georgia, Armenia and Azerbaijan"
/// countries). Nothing for a list of fewer than three names.
fn sibling_kinds(
    gazetteer: &Gazetteer,
    info: &[&Surface],
    readings: &[usize],
    run: &Range<usize>,
    i: usize,
) -> [f32; 3] {
    let from = run.start.max(i.saturating_sub(LIST_SIBLINGS));
    let to = run.end.min(i + 1 + LIST_SIBLINGS);
    let mut counts = [0u32; 3];
    let mut total = 0u32;
    for j in (from..to).filter(|&j| j != i) {
        total += 1;
        let Some(e) = info[j].facts(gazetteer).get(readings[j]) else {
            continue;
        };
        match e.kind {
            crate::gazetteer::Kind::Place => counts[0] += 1,
            crate::gazetteer::Kind::Admin1 => counts[1] += 1,
            crate::gazetteer::Kind::Country => counts[2] += 1,
            _ => {}
        }
    }
    // Two names ("Oregon and Washington") say too little: either may be the odd one.
    if total < 2 {
        return [0.0; 3];
    }
    counts.map(|c| c as f32 / total as f32)
}

/// Readings a ranking puts in order: the chosen one and its alternates. A mention
/// reports no more, and what else is read of a hit's ranking (its probability mass,
/// pooled per name) does not depend on order.
const RANKED: usize = 1 + MAX_ALTERNATES;

/// Puts the [`RANKED`] smallest of `items` by `key` first, in order, and leaves the rest
/// after them in no order: a name with hundreds of namesakes ("Washington", "Springfield")
/// is not sorted whole for the nine of them a mention reports. `key` must order totally
/// (no two items equal), so the result is what a full sort gives in the ranked part.
fn rank_top<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let first = items.len().min(RANKED);
    items[..first].sort_unstable_by_key(&key);
    if items.len() <= RANKED {
        return;
    }
    // One pass that keeps the first RANKED sorted: an item enters only if it beats the
    // last of them (few do after the first dozen), and is moved down to its place.
    // Cheaper than `select_nth_unstable` (several passes and swaps over the whole list)
    // for lists of tens to hundreds, which is what names have.
    let last = RANKED - 1;
    let mut last_key = key(&items[last]);
    for j in RANKED..items.len() {
        let k = key(&items[j]);
        if k >= last_key {
            continue;
        }
        items.swap(j, last);
        let mut at = last;
        while at > 0 && key(&items[at - 1]) > k {
            items.swap(at, at - 1);
            at -= 1;
        }
        last_key = key(&items[last]);
    }
}

/// `p` as an integer that orders as [`f32::total_cmp`] orders the floats, highest
/// first (the smallest integer): rankings sort these instead of calling `total_cmp`.
fn descending(p: f32) -> u32 {
    let bits = p.to_bits();
    // `total_cmp`: flip all but the sign bit of negatives, then compare as signed.
    let signed_order = bits ^ ((((bits as i32) >> 31) as u32) >> 1);
    // As unsigned (sign bit flipped), then reversed.
    !(signed_order ^ 0x8000_0000)
}

/// The rank of candidate `c` (entry `entry`) of probability key `p` ([`descending`]) as
/// one integer: probability, then entry, then candidate, most probable first.
fn rank_key(p: u32, entry: EntryIndex, c: usize) -> u128 {
    u128::from(p) << 64 | u128::from(entry) << 32 | c as u128
}

/// The candidate of a [`rank_key`].
fn candidate_of(key: u128) -> usize {
    (key & u128::from(u32::MAX)) as usize
}

/// Turns scores into probabilities, in place.
fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::MIN, f32::max);
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
    }
    let sum: f32 = scores.iter().sum();
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

/// Below the highest score by more than this, a candidate's probability is below the
/// highest one's however [`softmax`] rounds: `exp` of it is under 0.991, a gap that
/// float rounding (a few parts in ten million) cannot close.
const CLEAR_GAP: f32 = 0.01;

/// The candidate that [`softmax`] and then the ranking ([`rank_key`]) would put first,
/// with no exponentials when one score stands clear of all others by [`CLEAR_GAP`]
/// (most do: the first pass asks this of every name and needs nothing more). `scores`
/// are then left as they are; otherwise they become the probabilities.
fn most_probable(scores: &mut [f32], entry_of: impl Fn(usize) -> EntryIndex) -> Option<usize> {
    let max = scores.iter().copied().fold(f32::MIN, f32::max);
    if max.is_finite() {
        // A NaN score is counted close: the full way below ranks it as `total_cmp`
        // does.
        let mut close = scores
            .iter()
            .enumerate()
            .filter(|&(_, &s)| s - max >= -CLEAR_GAP || s.is_nan());
        if let (Some((c, _)), None) = (close.next(), close.next()) {
            return Some(c);
        }
    }
    softmax(scores);
    scores
        .iter()
        .enumerate()
        .map(|(c, &p)| rank_key(descending(p), entry_of(c), c))
        .min()
        .map(candidate_of)
}

/// Buffers the resolver reuses from one document to the next (kept in the
/// [`ParseMemo`](super::ParseMemo)): a batch resolves hundreds of documents, and making
/// and growing these tables anew for each was a fifth of the resolver's time.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scratch {
    ctx: Context,
    /// Each spelling's context support in the current pass: a range of `support`.
    support_of: HashMap<u32, Range<usize>>,
    support: Vec<Support>,
    scores: Vec<f32>,
    /// One hit's candidates, ranked ([`rank_key`]).
    ranked: Vec<u128>,
    /// Each hit's reading (an index into its candidates).
    readings: Vec<usize>,
    /// Every hit's ranked readings one after another; `ranges[i]` is hit `i`'s. Only
    /// the first [`RANKED`] of a hit are in order ([`rank_top`]).
    probabilities: Vec<(EntryIndex, f32)>,
    ranges: Vec<Range<usize>>,
    /// (name, entry, probability summed over its mentions) of the unqualified hits'
    /// readings, each pair once, and where each pair is in it.
    mass: Vec<(SurfaceId, EntryIndex, f32)>,
    mass_at: rustc_hash::FxHashMap<(SurfaceId, EntryIndex), usize>,
    /// The hits in the order a pass reads them: by name, names in order of first
    /// mention, and each name's hits in text order. Made without a sort: each hit's
    /// next hit of the same name (`next_same`), and each name's first hit.
    order: Vec<usize>,
    next_same: Vec<usize>,
    first_at: HashMap<SurfaceId, usize>,
    /// Each name's shared reading: a range of `shared`.
    senses: HashMap<SurfaceId, Range<usize>>,
    shared: Vec<(EntryIndex, f32)>,
    /// Each hit's list ([`list_runs`]).
    runs: Vec<Range<usize>>,
    /// Whether the comma after each hit joins a town to its qualifier
    /// ([`qualifying_commas`]).
    qualifying: Vec<bool>,
    /// Whether the hit before each is a possessive that qualifies it
    /// ([`possessive_qualifiers`]).
    possessed: Vec<bool>,
    /// The last pass's evidence for each mention's candidates, when asked for
    /// ([`Scratch::trace_evidence`]); `None` otherwise, so a parse pays nothing for it.
    trace: Option<Vec<MentionEvidence>>,
}

impl Scratch {
    /// Starts keeping the evidence of the next documents' candidates.
    pub(crate) fn trace_evidence(&mut self) {
        self.trace = Some(Vec::new());
    }

    /// The evidence kept since [`Scratch::trace_evidence`], and stops keeping it.
    pub(crate) fn take_evidence(&mut self) -> Vec<MentionEvidence> {
        self.trace.take().unwrap_or_default()
    }
}

/// Resolves recognised hits into mentions.
pub(crate) fn resolve(
    gazetteer: &Gazetteer,
    text: &str,
    sentences: &[Range<usize>],
    hits: Vec<Hit>,
    spellings: &[Surface],
    scratch: &mut Scratch,
) -> Vec<Mention> {
    // Every hit has candidates (recognition drops those without); keep it so here.
    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| !spellings[h.surface as usize].candidates.is_empty())
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    let Scratch {
        ctx,
        support_of,
        support,
        scores,
        ranked,
        readings,
        probabilities,
        ranges,
        mass,
        mass_at,
        order,
        next_same,
        first_at,
        senses,
        shared,
        runs,
        qualifying,
        possessed,
        trace,
    } = scratch;
    list_runs(text, &hits, runs);
    let info: Vec<&Surface> = hits
        .iter()
        .map(|h| &spellings[h.surface as usize])
        .collect();
    // The memo numbers folded forms already: spellings that fold alike share one.
    let surfaces: Vec<SurfaceId> = info.iter().map(|s| s.key_id).collect();
    qualifying_commas(gazetteer, text, &hits, &info, qualifying);
    possessive_qualifiers(text, &hits, possessed);
    // Pass 0: the most prominent reading of each name (an index into its candidates).
    readings.clear();
    readings.extend(info.iter().map(|h| {
        h.priors
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
            .unwrap_or(0)
    }));
    probabilities.clear();
    ranges.clear();
    ranges.resize(hits.len(), 0..0);
    // The order a pass reads the hits in (see the module's docs): a name's hits
    // together, so that the others see all of its mentions move at once.
    first_at.clear();
    next_same.clear();
    next_same.resize(hits.len(), usize::MAX);
    for (i, &surface) in surfaces.iter().enumerate().rev() {
        if let Some(next) = first_at.insert(surface, i) {
            next_same[i] = next;
        }
    }
    order.clear();
    for (i, surface) in surfaces.iter().enumerate() {
        if first_at.get(surface) == Some(&i) {
            let mut j = i;
            while let Some(&next) = next_same.get(j) {
                order.push(j);
                j = next;
            }
        }
    }
    // The context of the starting readings; each change then updates it in place.
    ctx.rebuild(
        surfaces
            .iter()
            .zip(readings.iter())
            .enumerate()
            .map(|(i, (&surface, &r))| {
                let boundary = names_a_border(text, hits[i].end);
                (surface, &info[i].facts(gazetteer)[r], boundary)
            }),
    );
    let names = first_at
        .iter()
        .map(|(&surface, &i)| (surface, info[i].facts(gazetteer), &info[i].candidates[..]));
    ctx.pair_counties(gazetteer, names.clone().map(|(s, facts, _)| (s, facts)));
    ctx.pair_towns(names);
    // Two passes in context: countries and divisions settle first, towns follow them.
    // The first pass only moves each name's reading; the last also ranks every
    // candidate.
    for pass in 0..2 {
        let last = pass == 1;
        // A name's support is computed at its first hit in the pass: the context
        // leaves the name's own readings out, and the name's hits are read together,
        // so the rest of the document has not moved in between.
        support_of.clear();
        support.clear();
        for &i in order.iter() {
            let hit = &hits[i];
            let surface = surfaces[i];
            if info[i].candidates.len() == 1 {
                // Nothing to choose: skip the scoring.
                if last {
                    let start = probabilities.len();
                    probabilities.push((info[i].candidates[0].entry, 1.0));
                    ranges[i] = start..probabilities.len();
                }
                continue;
            }
            let candidates = &info[i].candidates;
            let facts = info[i].facts(gazetteer);
            let range = support_of
                .entry(hit.surface)
                .or_insert_with(|| {
                    let others = others_of(ctx, surface);
                    let start = support.len();
                    let mut broad_supported = false;
                    // Whether a reading's neighbour is asked for: see the cap below.
                    let ask_neighbour = info[i].strongest_city.is_some();
                    for e in facts {
                        let s = context_support(gazetteer, e, surface, ctx, &others, ask_neighbour);
                        broad_supported |= is_broad(e.kind) && s.score > 0.0;
                        support.push(s);
                    }
                    // A small town named like a country, region or state ("China",
                    // Texas; "Middle East", Baltimore) is only that town when the text
                    // says so ("China, Texas"), or when the story is local to it (a
                    // neighbour named) and nothing in it supports the prominent
                    // namesake ("a Palestine man" in a story about Anderson County,
                    // Texas). Context alone may not outvote it otherwise.
                    let (strongest_broad, strongest_city) =
                        (info[i].strongest_broad, info[i].strongest_city);
                    for ((e, &prior), s) in
                        facts.iter().zip(&info[i].priors).zip(&mut support[start..])
                    {
                        let broad_namesake = strongest_broad.is_some_and(|b| prior < b - 1.5)
                            && (broad_supported || !s.local);
                        // Likewise a town far smaller than a world city of its name (a
                        // London of 2,000 people, California) needs a neighbour of its
                        // own named: its state named somewhere is not enough. Towns of
                        // real size (London, Ontario) keep their state's support.
                        let city_namesake =
                            strongest_city.is_some_and(|b| prior < b - 2.5) && !s.neighbour;
                        s.capped = town_or_county(e.kind) && (broad_namesake || city_namesake);
                    }
                    start..support.len()
                })
                .clone();
            let q =
                qualifier(&hits, qualifying, possessed, i).map(|q| &spellings[q.surface as usize]);
            // The town's current reading: in "Washington, New York and Boston" the
            // first name is read as the capital, not as a town of New York state.
            let town = qualified_town(qualifying, possessed, i)
                .and_then(|t| info[t].facts(gazetteer).get(readings[t]));
            let siblings = if runs[i].len() > 1 {
                sibling_kinds(gazetteer, &info, readings, &runs[i], i)
            } else {
                [0.0; 3]
            };
            // A wire service's dateline standing alone ("GENEVA (Reuters) —") is the
            // best-known town of its name, as if qualified: the rest of the story lends
            // its namesakes nothing (a story filed from Geneva may be all about
            // America).
            let dateline_town = hit
                .wire_dateline
                .then(|| dateline_city(facts, &info[i].priors))
                .flatten();
            let support_here = |c: usize, s: &Support| match dateline_town {
                Some(best) if best != c => Support {
                    score: s.score.min(0.0),
                    ..*s
                },
                _ => *s,
            };
            scores.clear();
            scores.extend(
                facts
                    .iter()
                    .zip(&info[i].priors)
                    .zip(&support[range.clone()])
                    .enumerate()
                    .map(|(c, ((e, &prior), s))| {
                        let s = support_here(c, s);
                        let dated = dateline_town == Some(c);
                        score_candidate(gazetteer, e, prior, &s, hit, q, dated, town, siblings)
                    }),
            );
            if let Some(trace) = trace.as_mut().filter(|_| last) {
                // The same rules again, their values kept: the context is what the
                // name's support was computed from (the name's hits are read together,
                // and moving them changes no other surface's votes).
                let others = others_of(ctx, surface);
                let traced = facts
                    .iter()
                    .zip(&info[i].priors)
                    .zip(&support[range])
                    .zip(candidates.iter())
                    .enumerate()
                    .map(|(ci, (((e, &prior), s), c))| {
                        let mut evidence = Evidence::default();
                        context_evidence(gazetteer, e, surface, ctx, &others, true, &mut evidence);
                        let dated = dateline_town == Some(ci);
                        own_evidence(
                            gazetteer,
                            e,
                            prior,
                            hit,
                            q,
                            dated,
                            town,
                            siblings,
                            &mut evidence,
                        );
                        (c.entry, evidence, s.capped)
                    })
                    .collect();
                trace.push(MentionEvidence {
                    start: hit.start,
                    end: hit.end,
                    candidates: traced,
                });
            }
            let entry_of = |c: usize| candidates[c].entry;
            // Most probable first; equal probabilities by entry index.
            // Ties broken by candidate too, so the order is total and an unstable sort
            // gives what a stable one would. The three packed into one integer key
            // ([`rank_key`]): integers sort without calls to a comparison closure.
            let key = |(c, &p): (usize, &f32)| rank_key(descending(p), entry_of(c), c);
            let best = if last {
                softmax(scores);
                ranked.clear();
                ranked.extend(scores.iter().enumerate().map(key));
                rank_top(ranked, |&k| k);
                let start = probabilities.len();
                probabilities.extend(ranked.iter().map(|&k| {
                    let c = candidate_of(k);
                    (entry_of(c), scores[c])
                }));
                ranges[i] = start..probabilities.len();
                ranked.first().map(|&k| candidate_of(k))
            } else {
                most_probable(scores, entry_of)
            };
            // The new reading enters the context before the next hit is read.
            if let Some(best) = best
                && best != readings[i]
            {
                let boundary = names_a_border(text, hits[i].end);
                ctx.replace(surface, &facts[readings[i]], &facts[best], boundary);
                readings[i] = best;
            }
        }
    }
    // One sense per document: unqualified mentions of the same name take the reading
    // with the most probability mass over all its mentions.
    // Each (name, entry) pair's mass adds up in text order, as it would mention by
    // mention; a long document has tens of thousands of readings and far fewer pairs,
    // which are then sorted by name (keys packed into one integer, each once).
    // A mention that a qualifier ("Paris, Texas") or a kind word ("The New York Times",
    // "the state of Washington") reads apart keeps its own reading; so does a town's
    // street or park. The others pool theirs.
    let pooled = |i: usize| {
        qualifier(&hits, qualifying, possessed, i).is_none()
            && !hits[i].feature
            && hits[i].kind_cue.is_none()
    };
    mass.clear();
    mass_at.clear();
    for (i, range) in ranges.iter().enumerate() {
        if pooled(i) {
            for &(e, p) in &probabilities[range.clone()] {
                match mass_at.entry((surfaces[i], e)) {
                    std::collections::hash_map::Entry::Occupied(at) => mass[*at.get()].2 += p,
                    std::collections::hash_map::Entry::Vacant(at) => {
                        at.insert(mass.len());
                        mass.push((surfaces[i], e, p));
                    }
                }
            }
        }
    }
    mass.sort_unstable_by_key(|&(surface, entry, _)| u64::from(surface) << 32 | u64::from(entry));
    // Each name's shared reading, ranked once (not once per mention).
    senses.clear();
    shared.clear();
    let mut k = 0;
    while k < mass.len() {
        let surface = mass[k].0;
        let start = shared.len();
        while k < mass.len() && mass[k].0 == surface {
            shared.push((mass[k].1, mass[k].2));
            k += 1;
        }
        let total: f32 = shared[start..].iter().map(|&(_, p)| p).sum();
        for (_, p) in &mut shared[start..] {
            *p /= total;
        }
        // Entries are unique within a name (summed above): no two compare equal.
        rank_top(&mut shared[start..], |&(e, p)| {
            u64::from(descending(p)) << 32 | u64::from(e)
        });
        shared.truncate((start + RANKED).min(shared.len()));
        senses.insert(surface, start..shared.len());
    }
    // News qualifies a place once and then writes it bare ("Paris, Texas" ... "Paris"):
    // the bare mentions of a name take the reading of its qualified ones, when a
    // qualifier names that reading and all such mentions agree on it. Not from a pair
    // a list goes on after ("in Washington, New York and Boston" may be three cities).
    // A wire dateline read as its best-known city qualifies so too ("GENEVA (Reuters)
    // —" ... "officials in Geneva").
    let list_goes_on = |k: usize| {
        hits.get(k + 1)
            .and_then(|next| text.get(hits[k].end..next.start))
            .is_some_and(is_list_joint)
    };
    let mut qualified_sense: HashMap<SurfaceId, Option<usize>> = HashMap::default();
    for i in 0..hits.len() {
        let Some(&(top, _)) = probabilities[ranges[i].clone()].first() else {
            continue;
        };
        let by_qualifier = qualifier(&hits, qualifying, possessed, i).is_some_and(|q| {
            !(q.start > hits[i].start && list_goes_on(i + 1))
                && qualifier_names(
                    gazetteer,
                    &spellings[q.surface as usize],
                    gazetteer.facts(top),
                )
        });
        let by_dateline = || {
            hits[i].wire_dateline
                && dateline_city(info[i].facts(gazetteer), &info[i].priors)
                    .is_some_and(|c| info[i].candidates[c].entry == top)
        };
        if !(by_qualifier || by_dateline()) {
            continue;
        }
        qualified_sense
            .entry(surfaces[i])
            .and_modify(|seen| {
                if seen.is_some_and(|j| probabilities[ranges[j].clone()][0].0 != top) {
                    *seen = None;
                }
            })
            .or_insert(Some(i));
    }
    // Not over one of the user's own places: a bare name is theirs unless qualified.
    let ranked_of = |i: usize| -> &[(EntryIndex, f32)] {
        let from_qualified = || qualified_sense.get(&surfaces[i]).copied().flatten();
        match senses.get(&surfaces[i]) {
            Some(range)
                if pooled(i)
                    && shared
                        .get(range.start)
                        .is_none_or(|&(e, _)| !gazetteer.is_user_entry(e))
                    && let Some(j) = from_qualified() =>
            {
                &probabilities[ranges[j].clone()]
            }
            Some(range) if pooled(i) => &shared[range.clone()],
            _ => &probabilities[ranges[i].clone()],
        }
    };
    // A town's street, park or river ("Wichita Drive") is placed at the town the story
    // is about ([`most_read_town`], as the streets no gazetteer names are); its own
    // first word's reading only when the story names none. Worked out once, and only
    // if a street needs it.
    let story_town = std::cell::OnceCell::new();
    let local_town = || {
        *story_town.get_or_init(|| {
            let readings = hits.iter().enumerate().filter(|(_, hit)| !hit.feature);
            let readings = readings.filter_map(|(j, _)| Some((j, ranked_of(j).first()?.0)));
            most_read_town(gazetteer, readings)
        })
    };
    hits.iter()
        .enumerate()
        .map(|(i, hit)| {
            let own = if hit.feature {
                local_town().unwrap_or(i)
            } else {
                i
            };
            let ranked = ranked_of(own);
            let (entry, p) = ranked[0];
            let recognition = 1.0 / (1.0 + (-(hit.score - 0.5)).exp());
            let passage = passage(
                text,
                sentences_around(sentences, hit),
                hit.start..hit.end,
                MAX_PASSAGE_BYTES,
            );
            Mention {
                start: hit.start,
                end: hit.end,
                text: text[hit.start..hit.end].to_string(),
                passage,
                resolution: Resolution {
                    entry,
                    confidence: (p * recognition).clamp(0.0, 1.0),
                    probability: p.clamp(0.0, 1.0),
                    alternates: ranked
                        .iter()
                        .skip(1)
                        .take(MAX_ALTERNATES)
                        .map(|&(entry, probability)| Alternate { entry, probability })
                        .collect(),
                },
            }
        })
        .collect()
}

/// The sentence a hit stands in, joined to the next ones when the name runs over a
/// sentence break (`Sault Ste. Marie`): the text its passage is taken from.
fn sentences_around(sentences: &[Range<usize>], hit: &Hit) -> Range<usize> {
    let Some(first) = sentences.get(hit.sentence) else {
        return hit.start..hit.end;
    };
    let last_end = if hit.end <= first.end {
        first.end
    } else {
        // The last sentence that starts before the name ends.
        let after = sentences.partition_point(|r| r.start < hit.end);
        sentences
            .get(after.wrapping_sub(1))
            .map_or(first.end, |r| r.end)
    };
    first.start.min(hit.start)..last_end.max(hit.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_before_line_or_border_names_a_border() {
        let text = "near the Ohio line, the Texas border, the Iowa state line, Utah lines, \
                    Idaho borderlands, Maine";
        let at = |name: &str| names_a_border(text, text.find(name).expect("name") + name.len());
        assert!(at("Ohio"));
        assert!(at("Texas"));
        assert!(at("Iowa"));
        assert!(!at("Utah"));
        assert!(!at("Idaho"));
        assert!(!at("Maine"));
        assert!(!names_a_border(text, text.len() + 1));
    }

    #[test]
    fn descending_keys_order_as_total_cmp_reversed() {
        let values = [
            f32::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            1e-40,
            0.25,
            1.0,
            f32::INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        for a in values {
            for b in values {
                assert_eq!(
                    descending(a).cmp(&descending(b)),
                    b.total_cmp(&a),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn most_probable_picks_what_softmax_and_the_ranking_pick() {
        let cases: [&[f32]; 9] = [
            &[],
            &[1.0],
            &[0.5, 2.0, -1.0],
            &[2.0, 2.0, 1.0],
            &[2.0, 2.0 - 1e-7, 1.0],
            &[2.0, 1.995, 0.0],
            &[2.0, 1.98, 1.99],
            &[1.0, f32::NAN, 0.0],
            &[f32::NEG_INFINITY, f32::INFINITY, 0.0],
        ];
        for scores in cases {
            // Entries in reverse candidate order, so ties go to the later candidate.
            let entry_of = |c: usize| 100 - c as EntryIndex;
            let mut full = scores.to_vec();
            softmax(&mut full);
            let expected = full
                .iter()
                .enumerate()
                .map(|(c, &p)| rank_key(descending(p), entry_of(c), c))
                .min()
                .map(candidate_of);
            let mut mine = scores.to_vec();
            assert_eq!(most_probable(&mut mine, entry_of), expected, "{scores:?}");
        }
    }

    #[test]
    fn rank_top_orders_the_first_like_a_full_sort() {
        let all: Vec<u32> = (0..40).map(|i| (i * 17 + 5) % 41).collect();
        for len in [0, 1, RANKED - 1, RANKED, RANKED + 1, all.len()] {
            let mut items = all[..len].to_vec();
            let mut expected = items.clone();
            expected.sort_unstable();
            rank_top(&mut items, |&x| x);
            let n = len.min(RANKED);
            assert_eq!(items[..n], expected[..n]);
            items.sort_unstable();
            assert_eq!(items, expected, "the rest is kept");
        }
    }
}
