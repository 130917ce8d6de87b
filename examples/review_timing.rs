//! Times an archive's review (`Project::least_certain_passages`, the 500 least certain
//! mentions no correction decides) on a project made with `gazette parse … --project`:
//! `cargo run --release --no-default-features --example review_timing -- FILE.gpkg`.
//! Opened read-only, a project made before the review's index is scanned (as before the
//! index); with `--write` the file is first opened to write, which adds the index (timed),
//! then walked. Each review is timed three times: of every date, of 30 days, of one day
//! (the date ranges only where the documents have dates), then the first 100 passages of
//! the most mentioned place.

use std::time::Instant;

use gazette::corpus::{DateRange, Published};
use gazette::project::Project;

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: review_timing FILE.gpkg [--write]")?;
    if std::env::args().nth(2).as_deref() == Some("--write") {
        let t = Instant::now();
        drop(Project::open(&path)?);
        println!(
            "opened to write (the index added if missing): {:?}",
            t.elapsed()
        );
    }
    let project = Project::open_read_only(&path)?;
    let indexed =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?
            .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = ?1)",
            [gazette::project::schema::CONFIDENCE_INDEX],
            |r| r.get::<_, bool>(0),
        )?;
    println!(
        "the review's index: {}",
        if indexed { "present" } else { "absent" }
    );
    let first = Published::parse("2024-03-01").map(|p| p.day_number());
    let mut ranges = vec![("every date", None)];
    if let Some(first) = first {
        ranges.push((
            "30 days",
            Some(DateRange {
                from: Some(first),
                to: Some(first + 29),
                hide_undated: true,
            }),
        ));
        ranges.push((
            "one day",
            Some(DateRange {
                from: Some(first),
                to: Some(first),
                hide_undated: true,
            }),
        ));
    }
    for (label, dates) in ranges {
        for _ in 0..3 {
            let t = Instant::now();
            let review = project.least_certain_passages(500, dates)?;
            println!(
                "review of 500, {label}: {:?} ({} passages)",
                t.elapsed(),
                review.len()
            );
        }
    }
    if let Some(top) = project.place_summaries()?.first() {
        let t = Instant::now();
        let passages = project.passages(&top.gazetteer_id, false, 100)?;
        println!(
            "first {} passages of {}: {:?}",
            passages.len(),
            top.name,
            t.elapsed()
        );
    }
    Ok(())
}
