//! Dumps, for each article of a gold corpus, the gold toponyms and the parser's mentions
//! with their readings, as JSON Lines: the raw material for counting errors by kind
//! (`gazetteer/../tools` scripts read it). Not part of the app.
//!
//! `cargo run --release --example eval_dump -- ../shared/corpora/lgl.xml > lgl.jsonl`

use std::process::ExitCode;

use gazette::eval::Corpus;
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, located_entry};
use serde_json::json;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: eval_dump CORPUS.xml");
        return ExitCode::FAILURE;
    };
    let g = match Gazetteer::load_bundled() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let corpus = match Corpus::load(std::path::Path::new(&path)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let parser = Geoparser::new(&g);
    // Everything proposed, with its recognition score: what the threshold refused.
    let all = Geoparser::with_options(
        &g,
        gazette::geoparse::Options {
            threshold: -100.0,
            ..Default::default()
        },
    );
    let describe = |i| {
        let e = g.entry(i);
        json!({"id": e.id, "kind": e.kind.as_str(), "name": e.name, "cc": e.country_code,
               "a1": e.admin1_code, "fc": e.feature_code, "pop": e.population,
               "lat": e.lat, "lon": e.lon})
    };
    for a in &corpus.articles {
        let mentions = parser.parse(&a.text);
        let preds: Vec<_> = mentions
            .iter()
            .map(|m| {
                let loc = located_entry(&g, m.resolution.entry);
                json!({"start": m.start, "end": m.end, "text": m.text,
                       "conf": m.resolution.confidence,
                       "entry": describe(loc),
                       "alts": m.resolution.alternates.iter().take(4)
                           .map(|x| describe(located_entry(&g, x.entry))).collect::<Vec<_>>()})
            })
            .collect();
        let proposed: Vec<_> = all
            .parse(&a.text)
            .iter()
            .map(|m| {
                let r = (m.resolution.confidence / m.resolution.probability.max(1e-9))
                    .clamp(1e-7, 1.0 - 1e-7);
                json!({"start": m.start, "end": m.end, "text": m.text,
                       "score": 0.5 + (r / (1.0 - r)).ln(),
                       "entry": describe(located_entry(&g, m.resolution.entry))})
            })
            .collect();
        let gold: Vec<_> = a
            .toponyms
            .iter()
            .map(|t| {
                let cands = g.candidates(&t.text);
                json!({"start": t.start, "end": t.end, "text": t.text, "coords": t.coords,
                       "cat": format!("{:?}", t.category), "kind": t.kind,
                       "ncand": cands.len(),
                       "cands": cands.iter().take(6).map(|c| describe(c.entry)).collect::<Vec<_>>()})
            })
            .collect();
        println!(
            "{}",
            json!({"id": a.id, "text": a.text, "gold": gold, "pred": preds, "proposed": proposed})
        );
    }
    ExitCode::SUCCESS
}
