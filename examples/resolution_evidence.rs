//! Dumps the resolver's evidence for every candidate of every mention the parser found
//! with the gold span, labelled right (within 161 km of the gold point) or not, as JSON
//! Lines: what `tools/fit_resolution.py` fits the resolver's weights on. Not part of
//! the app.
//!
//! `cargo run --release --no-default-features --example resolution_evidence -- \
//!     ../shared/corpora/lgl.xml ../shared/corpora/GWN.xml > evidence.jsonl`
//!
//! A first line names the features, the context ones and the cap on them; then one
//! line per mention: `corpus`, `article` (its id), `text`, `features` (one list per
//! candidate, in the order of `gazette::geoparse::FEATURE_NAMES`), `capped` (per
//! candidate), `right` (per candidate). Mentions whose span no gold toponym with a point
//! has, or with one candidate only, are left out: there is nothing to learn from them.

use std::process::ExitCode;

use gazette::eval::Corpus;
use gazette::gazetteer::Gazetteer;
use gazette::geodesy::haversine_km;
use gazette::geoparse::{
    CAPPED_CONTEXT, CONTEXT_FEATURES, FEATURE_NAMES, Geoparser, located_entry,
};
use serde_json::json;

/// The agreed accuracy radius (the corpora's README): 100 miles.
const RIGHT_KM: f64 = 161.0;

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: resolution_evidence CORPUS.xml…");
        return ExitCode::FAILURE;
    }
    let g = match Gazetteer::load_bundled() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let parser = Geoparser::new(&g);
    // What the fit must model as the resolver does: which features the cap bounds, and
    // the bound.
    println!(
        "{}",
        json!({ "features": FEATURE_NAMES,
                "context": &FEATURE_NAMES[CONTEXT_FEATURES],
                "capped_context": CAPPED_CONTEXT })
    );
    for path in &paths {
        let corpus = match Corpus::load(std::path::Path::new(path)) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let name = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for article in &corpus.articles {
            for m in parser.resolution_evidence(&article.text) {
                let Some(truth) = article
                    .toponyms
                    .iter()
                    .find(|t| t.start == m.start && t.end == m.end)
                    .and_then(|t| t.coords)
                else {
                    continue;
                };
                let right: Vec<bool> = m
                    .candidates
                    .iter()
                    .map(|&(entry, ..)| {
                        let e = g.entry(located_entry(&g, entry));
                        haversine_km((e.lat, e.lon), truth) <= RIGHT_KM
                    })
                    .collect();
                let features: Vec<&[f32]> =
                    m.candidates.iter().map(|(_, ev, _)| &ev.0[..]).collect();
                let capped: Vec<bool> = m.candidates.iter().map(|&(_, _, c)| c).collect();
                println!(
                    "{}",
                    json!({"corpus": name, "article": article.id,
                           "text": article.text.get(m.start..m.end),
                           "features": features, "capped": capped, "right": right})
                );
            }
        }
    }
    ExitCode::SUCCESS
}
