//! The weights of the resolver's evidence, in the order of
//! [`Feature`](super::evidence::Feature). Written by `tools/fit_resolution.py`; do not
//! edit by hand.
//!
//! Source: the hand weights of sessions 1–12.

/// One weight per feature, in score units per unit of the feature.
pub(super) const WEIGHTS: [f32; super::evidence::FEATURES] = [
    1.0, // prior
    0.3, // country_in_document
    1.7, // country_weight
    2.0, // members_fit
    2.0, // division_named
    0.8, // state_share
    1.8, // very_near
    0.9, // near
    2.0, // county_pair
    1.0, // town_pair
    4.0, // qualified
    3.0, // state_of_town
    3.0, // list_town
    3.0, // list_state
    3.0, // list_country
    1.5, // cue_settlement
    1.5, // cue_division
    2.5, // cue_feature
    1.0, // cue_country
    0.0, // kind_admin1
    0.0, // kind_admin2
    0.0, // kind_country
    0.0, // kind_region
    0.0, // kind_physical
    0.0, // prior_of_town
];
