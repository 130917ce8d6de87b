//! End-to-end throughput of the command line's batch mode, beside the parser's own bench
//! (`benches/geoparse.rs`): list a folder, read, decode, parse, render and write JSON
//! Lines or CSV in input order, exactly the path `gazette parse` takes
//! ([`corpus::load_then`] + [`ExportStream`]), without the gazetteer load.
//!
//! Run: `cargo run --release --no-default-features --example batch_timing -- FOLDER_OR_FILE…`
//! on every core, and `RAYON_NUM_THREADS=1 taskset -c 1 cargo run …` on one (the
//! output goes to a file in the system's temporary folder, so writing is timed too).
//! With no argument it times the shared corpora's articles written out as files, or the
//! seeds.

/// The binary's allocator (see `src/main.rs`), so this measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use gazette::corpus::{self, Corrections, Filter, Input, LoadEvent, ParsedView, Shown};
use gazette::export::{Detail, DocumentExport, ExportStream, Format};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;

/// Bytes of the article files under `path` (what the throughput is counted on).
fn input_bytes(path: &Path) -> u64 {
    match corpus::article_files(path) {
        Ok(listed) => listed
            .files
            .iter()
            .filter_map(|(f, ..)| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum(),
        Err(_) => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    }
}

/// One run: seconds, documents, mentions.
fn run(parser: &Geoparser<'_>, path: &Path, format: Format, out: &Path) -> (f64, usize, usize) {
    let g = parser.gazetteer();
    let corrections = Corrections::default();
    let filter = Filter::default();
    let shown = Shown::new(g, &corrections, &filter);
    let started = Instant::now();
    let file = std::fs::File::create(out).expect("create the output file");
    let mut stream = ExportStream::new(
        std::io::BufWriter::with_capacity(1 << 16, file),
        format,
        &shown,
    )
    .with_detail(Detail::BATCH);
    let detail = Detail::BATCH;
    let render = |parsed| DocumentExport::render_with(format, &shown, parsed, detail);
    let section = |section: ParsedView<'_>, first| {
        DocumentExport::render_section(format, &shown, section, first, detail.alternates)
    };
    let never = AtomicBool::new(false);
    corpus::load_then(
        parser,
        vec![Input::Path(path.to_path_buf())],
        &never,
        &render,
        Some(&section),
        &mut |e| match e {
            LoadEvent::Document { parsed, .. } | LoadEvent::Section { parsed } => {
                stream.push(parsed.expect("render")).expect("write");
            }
            _ => {}
        },
    );
    let counts = stream.finish().expect("finish");
    (
        started.elapsed().as_secs_f64(),
        counts.documents,
        counts.mentions,
    )
}

/// The corpora's article texts written out as files (or the seeds' folder).
fn default_input() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for file in ["lgl.xml", "GWN.xml"] {
        let path = root.join("../shared/corpora").join(file);
        if let Ok(xml) = std::fs::read_to_string(&path)
            && let Ok(doc) = roxmltree::Document::parse(&xml)
        {
            texts.extend(
                doc.descendants()
                    .filter(|n| n.has_tag_name("text"))
                    .filter_map(|n| n.text().map(str::to_string)),
            );
        }
    }
    if texts.is_empty() {
        eprintln!("batch_timing: no corpora; timing the seeds (figures not comparable)");
        return root.join("seeds");
    }
    let dir = std::env::temp_dir().join("gazette-batch-timing");
    std::fs::create_dir_all(&dir).expect("temporary folder");
    for (i, t) in texts.iter().enumerate() {
        let mut f = std::fs::File::create(dir.join(format!("{i:04}.txt"))).expect("write");
        f.write_all(t.as_bytes()).expect("write");
    }
    dir
}

fn main() {
    let g = Gazetteer::load_bundled().expect("bundled gazetteer");
    let parser = Geoparser::new(&g);
    let mut inputs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if inputs.is_empty() {
        inputs.push(default_input());
    }
    let threads = rayon::current_num_threads();
    let out = std::env::temp_dir().join("gazette-batch-timing.out");
    for path in &inputs {
        let bytes = input_bytes(path) as f64;
        for format in [Format::JsonLines, Format::Csv] {
            // The first run warms the page cache and the memos; the best of three counts.
            let best = (0..4)
                .map(|_| run(&parser, path, format, &out))
                .skip(1)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .expect("runs");
            println!(
                "{}: {:?} on {threads} thread(s): {:.2} s, {:.1} MB/s ({} documents, {} mentions)",
                path.display(),
                format,
                best.0,
                bytes / best.0 / 1e6,
                best.1,
                best.2
            );
        }
    }
    let _ = std::fs::remove_file(out);
}
