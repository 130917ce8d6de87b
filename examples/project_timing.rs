//! Times what an app opening a project does, on a project made with `gazette parse …
//! --project` (release build: `cargo run --release --no-default-features --example
//! project_timing -- FILE.gpkg`): open, the places' counts, the first passages of the
//! most mentioned place, every document's summary (no texts or mentions), every
//! document's outline (mentions, no texts), one document's text and mentions, an
//! archive's timeline (mentions per day, the places of 30 days), and every document with
//! its text (left out with `--counts-only` after the file name). With `--correction`
//! instead, it times a correction written and undone (opening the file to write).

use std::ops::ControlFlow;
use std::time::Instant;

use gazette::gazetteer::Gazetteer;
use gazette::project::Project;

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: project_timing FILE.gpkg")?;
    let g = Gazetteer::load_bundled()?;
    let t = Instant::now();
    let project = Project::open_read_only(&path)?;
    println!("open: {:?}", t.elapsed());
    let t = Instant::now();
    let places = project.place_summaries()?;
    println!(
        "place summaries: {:?} ({} places)",
        t.elapsed(),
        places.len()
    );
    if let Some(top) = places.first() {
        let t = Instant::now();
        let passages = project.passages(&top.gazetteer_id, false, 50)?;
        println!(
            "first {} passages of {} ({} mentions): {:?}",
            passages.len(),
            top.name,
            top.mention_count,
            t.elapsed()
        );
    }
    // What the app's reader does for a place selected in an archive: its first 100
    // passages, each with its mention (for its correction menu). The reader loads the
    // project's entry table when it starts; here the first round pays for it.
    for round in ["first", "second"] {
        let Some(top) = places.first() else {
            break;
        };
        print!("{round} time: ");
        let t = Instant::now();
        let passages = project.passages(&top.gazetteer_id, false, 100)?;
        let mut found = 0;
        for p in &passages {
            found += usize::from(
                project
                    .mention_at(&g, p.document_id, p.mention.start, p.mention.end)?
                    .is_some(),
            );
        }
        println!(
            "first {} passages of {} with their {found} mentions: {:?}",
            passages.len(),
            top.name,
            t.elapsed()
        );
    }
    // What an archive's timeline costs: mentions per day, then the places of the first
    // 30 days (an SQL aggregate each, on the app's counter thread).
    let t = Instant::now();
    let (days, undated) = project.mentions_per_day()?;
    println!(
        "mentions per day: {:?} ({} days, {undated} undated mentions)",
        t.elapsed(),
        days.len()
    );
    if let Some(&first) = days.keys().next() {
        let t = Instant::now();
        let places = project.count_places_in_dates(Some(first), Some(first + 29), false)?;
        println!(
            "places of the first 30 days: {:?} ({} places)",
            t.elapsed(),
            places.len()
        );
    }
    if std::env::args().nth(2).as_deref() == Some("--correction") {
        // What a correction in an archive costs on the project's thread: written (one
        // transaction, the layer moved), then the layer read back for the window; then
        // undone the same way, leaving the project as it was.
        drop(project);
        let mut project = Project::open(&path)?;
        let top = project
            .place_summaries()?
            .into_iter()
            .next()
            .ok_or("no place")?;
        let passage = project
            .passages(&top.gazetteer_id, false, 1)?
            .into_iter()
            .next()
            .ok_or("no passage")?;
        let correction = gazette::corpus::Correction {
            document: passage.document.clone(),
            start: passage.mention.start,
            end: passage.mention.end,
            action: gazette::corpus::CorrectionAction::NotAPlace,
        };
        let t = Instant::now();
        project.set_correction(&g, correction)?;
        let written = t.elapsed();
        let after = project.place_summaries()?;
        println!(
            "a correction of {} written: {written:?}, with the layer read back: {:?} ({} -> {} mentions)",
            top.name,
            t.elapsed(),
            top.mention_count,
            after
                .iter()
                .find(|p| p.gazetteer_id == top.gazetteer_id)
                .map_or(0, |p| p.mention_count)
        );
        let t = Instant::now();
        project.clear_correction(
            &g,
            &passage.document,
            passage.mention.start,
            passage.mention.end,
        )?;
        project.place_summaries()?;
        println!("undone, with the layer read back: {:?}", t.elapsed());
        return Ok(());
    }
    if std::env::args().nth(2).as_deref() == Some("--counts-only") {
        return Ok(());
    }
    let t = Instant::now();
    let mut listed = 0;
    project.for_each_document_summary(&mut |_| {
        listed += 1;
        ControlFlow::Continue(())
    })?;
    println!("document summaries: {:?} ({listed} documents)", t.elapsed());
    let t = Instant::now();
    let mut documents = 0;
    let mut mentions = 0;
    let mut first = None;
    project.for_each_outline(&g, &mut |outline| {
        documents += 1;
        mentions += outline.mentions.len();
        first.get_or_insert(outline.id);
        ControlFlow::Continue(())
    })?;
    println!(
        "outlines: {:?} ({documents} documents, {mentions} mentions)",
        t.elapsed()
    );
    if let Some(id) = first {
        let t = Instant::now();
        let text = project.text(id)?;
        let (mentions, _) = project.mentions(&g, id)?;
        println!(
            "one document's text and mentions: {:?} ({} bytes, {} mentions)",
            t.elapsed(),
            text.len(),
            mentions.len()
        );
    }
    let t = Instant::now();
    let mut bytes = 0;
    project.for_each_document(&g, &mut |d| {
        bytes += d.document.text.len();
        ControlFlow::Continue(())
    })?;
    println!("documents with texts: {:?} ({bytes} bytes)", t.elapsed());
    Ok(())
}
