//! The fastest of many back-to-back parses of the shared corpora, one core: a steadier
//! figure than a mean on a machine whose speed drifts from minute to minute (criterion's
//! `cargo bench --bench geoparse` measures the same work with statistics).
//!
//! `taskset -c 1 cargo run --release --no-default-features --example parse_timing [ROUNDS]`
//!
//! Prints, for the LGL and GeoWebNews articles (1.6 MB, 788 articles): a batch with a
//! fresh memo (`news_corpus_one_core`), the same batch with a memo that has seen it
//! (steady state of a long batch), and all articles joined into one document.

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;
use std::time::Instant;

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, ParseMemo};

/// Why the corpora's texts could not be had.
enum NoCorpus {
    /// The file is not there (a clone without the shared corpora): nothing to time.
    Absent(String),
    /// The file is there but cannot be read or parsed: an error.
    Unreadable(String),
}

/// The article texts of one corpus file, or why they cannot be read.
fn corpus_texts(file: &str) -> Result<Vec<String>, NoCorpus> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(file);
    let xml = std::fs::read_to_string(&path).map_err(|e| {
        let why = format!("{}: {e}", path.display());
        if e.kind() == std::io::ErrorKind::NotFound {
            NoCorpus::Absent(why)
        } else {
            NoCorpus::Unreadable(why)
        }
    })?;
    let doc = roxmltree::Document::parse(&xml)
        .map_err(|e| NoCorpus::Unreadable(format!("{}: {e}", path.display())))?;
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect())
}

fn main() -> ExitCode {
    let rounds: usize = match std::env::args().nth(1).map(|s| s.parse()) {
        None => 25,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: parse_timing [ROUNDS]");
            return ExitCode::from(2);
        }
    };
    let texts = match (corpus_texts("lgl.xml"), corpus_texts("GWN.xml")) {
        (Ok(mut lgl), Ok(gwn)) => {
            lgl.extend(gwn);
            lgl
        }
        (Err(NoCorpus::Unreadable(e)), _) | (_, Err(NoCorpus::Unreadable(e))) => {
            eprintln!("parse_timing: {e}");
            return ExitCode::FAILURE;
        }
        (Err(NoCorpus::Absent(e)), _) | (_, Err(NoCorpus::Absent(e))) => {
            eprintln!("parse_timing needs the shared corpora, which are not here: {e}");
            return ExitCode::SUCCESS;
        }
    };
    let gazetteer = match Gazetteer::load_bundled() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let parser = Geoparser::new(&gazetteer);
    let megabytes = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let joined = texts.join("\n\n");
    let mut warm = ParseMemo::for_batch();
    for t in &texts {
        parser.parse_with(t, &mut warm);
    }
    let mut best = [f64::MAX; 3];
    // Runs `parse`, keeping its time in `best` if it is the fastest yet.
    let timed = |best: &mut f64, parse: &mut dyn FnMut() -> usize| {
        let start = Instant::now();
        let mentions = parse();
        *best = best.min(start.elapsed().as_secs_f64());
        mentions
    };
    for _ in 0..rounds {
        let fresh = timed(&mut best[0], &mut || {
            let mut memo = ParseMemo::for_batch();
            texts
                .iter()
                .map(|t| parser.parse_with(t, &mut memo).len())
                .sum()
        });
        let seen = timed(&mut best[1], &mut || {
            texts
                .iter()
                .map(|t| parser.parse_with(t, &mut warm).len())
                .sum()
        });
        timed(&mut best[2], &mut || {
            std::hint::black_box(parser.parse(&joined)).len()
        });
        if fresh != seen {
            eprintln!("a memo changed the results: {fresh} mentions against {seen}");
            return ExitCode::FAILURE;
        }
    }
    println!("fastest of {rounds} rounds, {megabytes:.2} MB:");
    for (what, secs) in [
        ("batch, fresh memo", best[0]),
        ("batch, memo that has seen it", best[1]),
        ("all joined into one document", best[2]),
    ] {
        println!(
            "  {what:<30} {:7.2} ms  {:5.1} MB/s",
            secs * 1e3,
            megabytes / secs
        );
    }
    ExitCode::SUCCESS
}
