//! The resolver's evidence for one candidate reading, as numbers, and the weights that
//! turn it into a score.
//!
//! A candidate's score is the dot product of its [`Evidence`] with [`WEIGHTS`], except
//! that the document's support (the features marked [`Feature::is_context`]) is capped
//! for a small town named like a prominent place (see `score::Support::capped`). The
//! weights are data: `weights.rs` is written by `tools/fit_resolution.py`, which fits
//! them on the development corpora, article by article cross-validated, from what
//! `examples/resolution_evidence.rs` dumps.

use super::weights::WEIGHTS;

/// One kind of evidence. The order is that of [`Evidence`]'s values and of
/// [`FEATURE_NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Feature {
    /// How prominent the entry is before any context (kind, population, capital; see
    /// `recognize::prominence`).
    Prior,
    /// 1 if the entry's country is one of the document's (its other names').
    CountryInDocument,
    /// The share of the document's weight its country has (0–1).
    CountryWeight,
    /// For a region or feature without a country: the weight of the document's
    /// countries among its members or within its extent (0–1).
    MembersFit,
    /// 1 if a town or county's first-level division is named elsewhere in the document.
    DivisionNamed,
    /// For a town or county: the share of the document's other places that lie in its
    /// first-level division, when there are two at least (0–1).
    StateShare,
    /// 1 if another place of the document lies very near (see `context::VERY_NEAR_KM`).
    VeryNear,
    /// 1 if the nearest other place lies near, but not very near.
    Near,
    /// 1 if the entry is a town that a second-level division named elsewhere in the
    /// document holds, or such a division ("Walker County" ... "Huntsville").
    CountyPair,
    /// 1 if the entry is a town within a short distance of a town another name of the
    /// document may be.
    TownPair,
    /// 1 if a qualifier after the name names the entry's country or division
    /// ("Paris, Texas").
    Qualified,
    /// 1 if the entry is the first-level division of the town right before it
    /// ("Tacoma, Washington").
    StateOfTown,
    /// The share of the name's list that is read as towns, if the entry is a town.
    ListTown,
    /// The same for first-level divisions.
    ListState,
    /// The same for countries.
    ListCountry,
    /// 1 if a settlement word stands beside the name ("the city of") and the entry is a
    /// town.
    CueSettlement,
    /// 1 if a division word stands beside the name ("county", "state") and the entry is
    /// a division or region.
    CueDivision,
    /// 1 if a feature word stands beside it ("river") and the entry is a feature.
    CueFeature,
    /// 1 if a country word stands beside it and the entry is a country.
    CueCountry,
    /// 1 if the entry is a first-level division (a town is the baseline of the kinds).
    KindAdmin1,
    /// 1 if the entry is a second-level division.
    KindAdmin2,
    /// 1 if the entry is a country.
    KindCountry,
    /// 1 if the entry is a region.
    KindRegion,
    /// 1 if the entry is a physical feature.
    KindPhysical,
    /// The prior again for a town, so a town's population can weigh differently from
    /// the other kinds' prominence.
    PriorOfTown,
}

/// How many kinds of evidence there are.
pub const FEATURES: usize = Feature::PriorOfTown as usize + 1;

/// The names of the features, in order: the keys of the fitting script's data.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "prior",
    "country_in_document",
    "country_weight",
    "members_fit",
    "division_named",
    "state_share",
    "very_near",
    "near",
    "county_pair",
    "town_pair",
    "qualified",
    "state_of_town",
    "list_town",
    "list_state",
    "list_country",
    "cue_settlement",
    "cue_division",
    "cue_feature",
    "cue_country",
    "kind_admin1",
    "kind_admin2",
    "kind_country",
    "kind_region",
    "kind_physical",
    "prior_of_town",
];

/// The indices of the context features: what the rest of the document says, the part
/// a small town's cap bounds ([`CAPPED_CONTEXT`]). The others are the entry's own
/// prominence and the words beside the name.
pub const CONTEXT_FEATURES: std::ops::Range<usize> =
    Feature::CountryInDocument as usize..Feature::TownPair as usize + 1;

/// The most the document's support counts for a capped candidate (see
/// `score::Support::capped`) that no qualifier names: a small town named like a country,
/// region or state is only that town when the text says so ("China, Texas") or the
/// story is local to it.
pub const CAPPED_CONTEXT: f32 = 1.0;

impl Feature {
    /// True for a context feature ([`CONTEXT_FEATURES`]).
    pub const fn is_context(self) -> bool {
        let i = self as usize;
        i >= CONTEXT_FEATURES.start && i < CONTEXT_FEATURES.end
    }
}

/// The evidence for one candidate reading of one mention, a value per [`Feature`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence(pub [f32; FEATURES]);

impl Default for Evidence {
    fn default() -> Self {
        Evidence([0.0; FEATURES])
    }
}

/// One mention's candidate readings with their evidence, as the resolver's last pass
/// scored them (see
/// [`Geoparser::resolution_evidence`](crate::geoparse::Geoparser::resolution_evidence)):
/// the material the weights are fitted on.
#[derive(Debug, Clone)]
pub struct MentionEvidence {
    /// The mention's span, byte offsets into the text.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// Each candidate: its entry, its evidence, and whether its context is capped (a
    /// small town named like a prominent place: its context counts for at most 1
    /// unless a qualifier names it).
    pub candidates: Vec<(crate::gazetteer::EntryIndex, Evidence, bool)>,
}

/// Where the resolver's rules put each feature's value: summed into a score
/// ([`WeightedSum`], every parse) or kept as values ([`Evidence`], to fit the weights).
/// Both go through the same rules, so the fitted values are those the scores weigh.
pub(super) trait Weigh {
    /// Takes one feature's value (each feature once per candidate).
    fn add(&mut self, feature: Feature, value: f32);
}

impl Weigh for Evidence {
    fn add(&mut self, feature: Feature, value: f32) {
        self.0[feature as usize] += value;
    }
}

/// A candidate's weighted evidence, its context part ([`Feature::is_context`]) apart.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WeightedSum {
    /// The document's support.
    pub(super) context: f32,
    /// The entry's prominence and the words beside the name.
    pub(super) own: f32,
}

impl Weigh for WeightedSum {
    #[inline]
    fn add(&mut self, feature: Feature, value: f32) {
        let weighted = WEIGHTS[feature as usize] * value;
        if feature.is_context() {
            self.context += weighted;
        } else {
            self.own += weighted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sum_keeps_context_and_own_parts_apart() {
        let mut sum = WeightedSum::default();
        let mut evidence = Evidence::default();
        for w in [&mut sum as &mut dyn Weigh, &mut evidence] {
            w.add(Feature::Prior, 2.0);
            w.add(Feature::VeryNear, 1.0);
            w.add(Feature::DivisionNamed, 1.0);
        }
        let own = 2.0 * WEIGHTS[Feature::Prior as usize];
        let context =
            WEIGHTS[Feature::VeryNear as usize] + WEIGHTS[Feature::DivisionNamed as usize];
        assert!((sum.own - own).abs() < 1e-5 && (sum.context - context).abs() < 1e-5);
        assert_eq!(evidence.0[Feature::Prior as usize], 2.0);
        assert_eq!(evidence.0[Feature::VeryNear as usize], 1.0);
        assert_eq!(evidence.0.iter().filter(|&&v| v != 0.0).count(), 3);
    }

    #[test]
    fn names_follow_the_order_of_the_features() {
        assert_eq!(FEATURE_NAMES[Feature::Prior as usize], "prior");
        assert_eq!(FEATURE_NAMES[Feature::Qualified as usize], "qualified");
        assert_eq!(
            FEATURE_NAMES[Feature::PriorOfTown as usize],
            "prior_of_town"
        );
        assert_eq!(
            FEATURE_NAMES[Feature::KindPhysical as usize],
            "kind_physical"
        );
        assert!(Feature::CountryInDocument.is_context() && Feature::CountyPair.is_context());
        assert!(!Feature::Prior.is_context() && !Feature::Qualified.is_context());
    }
}
