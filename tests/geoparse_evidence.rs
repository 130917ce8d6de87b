//! The resolver's evidence as `examples/resolution_evidence.rs` dumps it for
//! `tools/fit_resolution.py`: one record per mention with more than one candidate, the
//! features where the resolver's rules put them, and the parse unchanged by asking.

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{FEATURE_NAMES, FEATURES, Feature, Geoparser};

#[test]
fn a_qualified_town_has_the_qualifier_feature_on_its_own_reading_only() {
    let g = Gazetteer::load_bundled().expect("bundled gazetteer loads");
    let parser = Geoparser::new(&g);
    let text = "The fire in Paris, Texas spread to two farms near Paris.";
    let mentions = parser.parse(text);
    let evidence = parser.resolution_evidence(text);
    assert_eq!(
        parser.parse(text),
        mentions,
        "asking for the evidence changes no parse"
    );
    let first = evidence
        .iter()
        .find(|m| &text[m.start..m.end] == "Paris" && m.start == 12)
        .expect("the first Paris has namesakes, so it has evidence");
    let qualified: Vec<_> = first
        .candidates
        .iter()
        .filter(|(_, e, _)| e.0[Feature::Qualified as usize] == 1.0)
        .map(|&(entry, ..)| g.entry(entry))
        .collect();
    assert!(!qualified.is_empty(), "a Texas Paris is qualified");
    assert!(
        qualified
            .iter()
            .all(|e| e.country_code.as_deref() == Some("US")
                && e.admin1_code.as_deref() == Some("TX")),
        "only Texas namesakes are qualified: {qualified:?}"
    );
    let read = mentions
        .iter()
        .find(|m| m.start == 12)
        .expect("Paris is found");
    let read = g.entry(read.resolution.entry);
    assert_eq!(
        (read.country_code.as_deref(), read.admin1_code.as_deref()),
        (Some("US"), Some("TX"))
    );
    for m in &evidence {
        assert!(
            m.candidates.len() > 1,
            "one candidate leaves nothing to weigh"
        );
        for (_, e, _) in &m.candidates {
            assert!(e.0.iter().all(|v| v.is_finite()), "finite evidence: {e:?}");
        }
    }
    assert_eq!(FEATURE_NAMES.len(), FEATURES);
}
