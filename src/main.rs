//! The `gazette` binary: the desktop app (no arguments) and the command-line mode.
//!
//! Exit codes follow ripgrep's habit: 0 success, 1 a partial failure (some inputs
//! skipped, the rest written), 2 an error that stopped the command or nothing usable
//! (every input skipped: nothing is written, an existing `-o` file is untouched).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: loading the gazetteer makes ~1.5 million
/// small allocations, and with glibc malloc each fresh page costs a fault (50,000 faults,
/// most of a 250 ms load on this VM); mimalloc's segments bring that to a few hundred and
/// the load under 100 ms (`cargo run --release --example load_timing`). The allocator is
/// the binary's choice (and the benches' that time it), not the library's: a program that
/// links the library keeps its own. Built without transparent huge pages (`no_thp`, see
/// `Cargo.toml`): with them a one-article run is resident at ~85 MB instead of ~42 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use gazette::corpus::{
    self, Corrections, Filter, Input, LoadEvent, ParsedDocument, ParsedView, RuleAction, Rules,
    Shown,
};
use gazette::export::{Detail, DocumentExport, ExportCounts, ExportStream, Format};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::{Geoparser, MAX_ALTERNATES};
use gazette::output_file;

mod progress;
mod project_commands;

#[derive(Parser)]
#[command(
    name = "gazette",
    version,
    about = "Find the places news articles mention and map them, offline."
)]
struct Cli {
    /// Gazetteer file to use instead of the bundled one.
    #[arg(long, global = true, value_name = "FILE")]
    gazetteer: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
    /// Files or folders to open in the app (default: the bundled sample articles).
    #[arg(value_name = "PATH")]
    open: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Find and resolve the places in article files and export them.
    Parse {
        /// Files, or folders (searched recursively for the formats Gazette reads: text,
        /// web pages, RSS/Atom feeds, JSON Lines, JSON, CSV/TSV, Word, PDF, zip).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        dates: DateArgs,
        /// Output format.
        #[arg(long, value_enum, default_value = "geojson")]
        format: Format,
        /// Write to this file (atomically: it is replaced only once the export is complete)
        /// instead of standard output. Must not be a device, a pipe or an input file.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Count demonyms ("Nigerien", "Turkish") as mentions of their country.
        #[arg(long)]
        demonyms: bool,
        /// Leave out mentions below this confidence (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        min_confidence: f32,
        /// Add the documents to this project (a GeoPackage file, created if missing)
        /// instead of exporting them. Documents already in it with the same name and text
        /// are not parsed again. Nothing is written to standard output; with -o, the whole
        /// project is then exported to that file as `gazette export` would (--format,
        /// --demonyms and a --min-confidence above 0 applying).
        #[arg(long, value_name = "FILE.gpkg")]
        project: Option<PathBuf>,
        /// Apply the rules in this file to every document: `never: NAME` drops the
        /// mentions of a name, `always: NAME = ID` makes them denote one gazetteer entry
        /// (one rule a line; see the README). With --project, they are added to the
        /// project's rules.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Add your own places from this file to the gazetteer: CSV with a header row
        /// (`name,lat,lon` and optionally `kind,country,alternate_names`, alternate names
        /// separated by `|`) or GeoJSON points with those properties. Their names are found
        /// without regard to case and win over bundled namesakes unless the text qualifies
        /// them. A bad row is reported by line and skipped (exit code 1); the others load.
        #[arg(long, value_name = "FILE", conflicts_with = "project")]
        places: Option<PathBuf>,
        /// Add each mention's `why` (JSON Lines, GeoJSON): a sentence saying why it was
        /// read as a place and as that place. Left out by default: it is a fifth of a
        /// JSON Lines row's bytes and of a batch's time. Not with --project (export the
        /// project with `gazette export --why`).
        #[arg(long, conflicts_with = "project")]
        why: bool,
        /// The default since `--why` was added; still accepted, so scripts that pass it
        /// keep working.
        #[arg(long, hide = true, conflicts_with = "why")]
        no_why: bool,
        #[command(flatten)]
        alternates: AlternateArgs,
    },
    /// Export a project (see `parse --project`) as GeoJSON, KML, JSON Lines or CSV, with
    /// its corrections and saved filter applied: for a project made by `gazette parse`,
    /// the same bytes `gazette parse` writes for the same articles.
    Export {
        /// The project file.
        #[arg(value_name = "FILE.gpkg")]
        project: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "geojson")]
        format: Format,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Count demonyms ("Nigerien", "Turkish") as mentions of their country, whatever
        /// the project's filter says.
        #[arg(long)]
        demonyms: bool,
        /// Leave out mentions below this confidence (0 to 1) instead of the project's
        /// filter's threshold.
        #[arg(long, value_name = "X")]
        min_confidence: Option<f32>,
        #[command(flatten)]
        dates: DateArgs,
        /// Apply the rules in this file too (over the project's own rules, a rule here
        /// replacing the project's for the same name); the project is not changed.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Add each mention's `why` (JSON Lines, GeoJSON), as `parse --why` does.
        #[arg(long)]
        why: bool,
        /// The default; still accepted (see `parse`).
        #[arg(long, hide = true, conflicts_with = "why")]
        no_why: bool,
        #[command(flatten)]
        alternates: AlternateArgs,
    },
    /// Score the geoparser on gold-standard corpora (LGL / GeoWebNews XML) and print a
    /// table: recognition precision/recall/F1, accuracy@161 km, errors, throughput.
    Eval {
        /// Corpus files or folders (default: ../shared/corpora).
        #[arg(value_name = "CORPUS")]
        corpora: Vec<PathBuf>,
        /// Print the reports as JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Print every gazetteer entry a name can denote, one JSON object per line.
    Lookup {
        /// The name to look up (case and accents do not matter).
        name: String,
    },
    /// Compile the gazetteer TSV (from gazetteer/build.py) into the binary file.
    CompileGazetteer {
        /// entries.tsv
        tsv: PathBuf,
        /// Output file, e.g. gazetteer/gazetteer.bin
        out: PathBuf,
        /// Word list whose lower-case words flag place names that are also ordinary
        /// words (e.g. /usr/share/dict/words from Debian's wamerican).
        #[arg(long, value_name = "FILE")]
        common_words: Option<PathBuf>,
        /// US Census given-name lists (dist.male.first, dist.female.first).
        #[arg(long, value_name = "FILE")]
        given_names: Vec<PathBuf>,
        /// US Census surname list (dist.all.last).
        #[arg(long, value_name = "FILE")]
        surnames: Option<PathBuf>,
    },
}

/// The fields of dataset exports (JSON Lines, JSON, CSV/TSV), when the usual names do
/// not find them.
#[derive(clap::Args)]
struct FieldArgs {
    /// The field (column or key) holding the article text.
    #[arg(long, value_name = "NAME")]
    text_field: Option<String>,
    /// The field holding the title.
    #[arg(long, value_name = "NAME")]
    title_field: Option<String>,
    /// The field holding the publication date.
    #[arg(long, value_name = "NAME")]
    date_field: Option<String>,
    /// The field holding the article's URL.
    #[arg(long, value_name = "NAME")]
    url_field: Option<String>,
}

impl FieldArgs {
    fn fields(&self) -> corpus::Fields {
        corpus::Fields {
            text: self.text_field.clone(),
            title: self.title_field.clone(),
            date: self.date_field.clone(),
            url: self.url_field.clone(),
        }
    }
}

/// Which publication dates to keep.
#[derive(clap::Args)]
struct DateArgs {
    /// Only documents published on or after this day (YYYY-MM-DD, or any date form
    /// Gazette reads). Undated documents are left out unless --undated is given.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    from: Option<i32>,
    /// Only documents published on or before this day.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    to: Option<i32>,
    /// With --from or --to, keep undated documents too.
    #[arg(long)]
    undated: bool,
}

impl DateArgs {
    fn range(&self) -> corpus::DateRange {
        let limited = self.from.is_some() || self.to.is_some();
        corpus::DateRange {
            from: self.from,
            to: self.to,
            hide_undated: limited && !self.undated,
        }
    }
}

/// How many alternates a mention lists (`parse`, `export`).
#[derive(clap::Args)]
struct AlternateArgs {
    /// Alternates written per mention in JSON Lines and GeoJSON, most likely first:
    /// 0 to 8 (the parser keeps eight). Three by default: past the third they carry
    /// little of a mention's probability and a sixth of a JSON Lines row's bytes.
    #[arg(long, value_name = "N", default_value_t = Detail::BATCH_ALTERNATES as u8,
          value_parser = clap::value_parser!(u8).range(0..=MAX_ALTERNATES as i64))]
    alternates: u8,
}

impl AlternateArgs {
    /// What an export writes of each mention: these alternates, and its `why` if asked.
    fn detail(&self, why: bool) -> Detail {
        Detail {
            why,
            alternates: usize::from(self.alternates),
        }
    }
}

/// A day given on the command line, as days since 1970-01-01.
fn parse_day(text: &str) -> Result<i32, String> {
    corpus::Published::parse(text)
        .map(|p| p.day_number())
        .ok_or_else(|| format!("not a date: {text:?} (write it YYYY-MM-DD)"))
}

/// The rules of `--rules FILE`, read before the gazetteer loads so that a bad line fails
/// fast (the error names the file and the line).
fn read_rules(path: Option<&PathBuf>) -> Result<Rules> {
    match path {
        Some(p) => Ok(Rules::read(p)?),
        None => Ok(Rules::default()),
    }
}

/// The places of `--places FILE`, read before the gazetteer loads; each bad row is
/// reported on standard error (`FILE, line N: reason`) and left out. A file that cannot
/// be used at all is an error.
fn read_places(
    path: Option<&PathBuf>,
) -> Result<Option<gazette::gazetteer::places_file::PlacesRead>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let read = gazette::gazetteer::places_file::read_places(path)?;
    for problem in &read.problems {
        eprintln!("gazette: {problem}");
    }
    if read.bad_rows > read.problems.len() {
        eprintln!(
            "gazette: {}: {} more bad row(s)",
            path.display(),
            read.bad_rows - read.problems.len()
        );
    }
    Ok(Some(read))
}

/// Refuses rules that name an entry this gazetteer lacks: applying them would silently
/// keep the parser's reading.
fn check_rules(rules: &Rules, path: Option<&PathBuf>, gazetteer: &Gazetteer) -> Result<()> {
    for rule in rules.iter() {
        if let RuleAction::Always { id } = &rule.action
            && gazetteer.index_of_id(id).is_none()
        {
            anyhow::bail!(
                "{}: the rule `always: {} = {id}` names an entry the gazetteer does not have \
                 (`gazette lookup NAME` lists the ids of a name)",
                path.map(|p| p.display().to_string()).unwrap_or_default(),
                rule.name
            );
        }
    }
    Ok(())
}

/// The gazetteer for a command, kept until the process exits: freeing its tables one by
/// one at the end of a run took longer than many small runs' parsing (~50 million
/// instructions under callgrind), and the system takes the memory back at once.
fn load_gazetteer(path: Option<&PathBuf>) -> Result<&'static Gazetteer> {
    let g = match path {
        Some(p) => Gazetteer::load(p)?,
        None => Gazetteer::load_bundled()?,
    };
    Ok(Box::leak(Box::new(g)))
}

fn lookup(gazetteer: &Gazetteer, name: &str) -> Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut candidates = gazetteer.candidates(name);
    // Most prominent first, so `| head -1` gives the obvious reading.
    candidates.sort_by_key(|c| {
        let e = gazetteer.entry(c.entry);
        (e.kind, std::cmp::Reverse(e.population), e.id.clone())
    });
    for c in candidates {
        let e = gazetteer.entry(c.entry);
        let refers_to = e.refers_to.map(|r| gazetteer.entry(r).id.clone());
        let line = serde_json::json!({
            "id": e.id,
            "name": e.name,
            "kind": e.kind,
            "feature_code": e.feature_code,
            "country_code": e.country_code,
            "admin1_code": e.admin1_code,
            "lat": e.lat,
            "lon": e.lon,
            "population": e.population,
            "bbox": e.bbox,
            "members": e.members,
            "refers_to": refers_to,
            "matched_as": format!("{:?}", c.name_match).to_lowercase(),
        });
        writeln!(out, "{line}").context("writing to stdout")?;
    }
    Ok(())
}

/// Refuses, before any work, an output path that cannot be written: something other
/// than a regular file (a device, a pipe, a folder). Whether it is one of the inputs is
/// [`input_at_output`]'s question.
fn check_output(output: &Path) -> Result<()> {
    if let Err(e) = output_file::resolve_target(output) {
        let hint = if e
            .get_ref()
            .is_some_and(|inner| inner.is::<output_file::NotRegularFile>())
        {
            "; to write to a device or a pipe, leave out -o and redirect standard output \
             (`gazette parse … > /dev/…`)"
        } else {
            ""
        };
        anyhow::bail!("cannot write {}: {e}{hint}", output.display());
    }
    Ok(())
}

/// The output names one of the input files (given, or found in a folder given), which
/// the export would overwrite.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is one of the input files ({}); it would be overwritten, so nothing was written: \
     choose another output file",
    output.display(),
    input.display()
)]
struct InputAtOutput {
    output: PathBuf,
    input: PathBuf,
}

/// Whether `output` is one of the inputs under `paths` (links followed). Only a file
/// that exists can be: for a new output nothing is listed.
fn input_at_output(output: &Path, paths: &[PathBuf]) -> Result<(), InputAtOutput> {
    if std::fs::metadata(output).is_err() {
        return Ok(());
    }
    let mut inputs = Vec::new();
    for p in paths {
        if p.is_dir() {
            // A folder that cannot be listed is reported by the load, which then reads
            // none of its files. Its files come with their entries' inode numbers, so
            // only those that may be the output are examined.
            if let Ok(listed) = corpus::article_file_inodes(p) {
                inputs.extend(listed);
            }
        } else {
            inputs.push((p.clone(), None));
        }
    }
    let listed = inputs.iter().map(|(path, ino)| (path.as_path(), *ino));
    match output_file::find_same_listed(output, listed) {
        Some(input) => Err(InputAtOutput {
            output: output.to_path_buf(),
            input: input.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// [`input_at_output`] on a thread of its own, beside the load: listing a large
/// archive again (its files' entries say which may be the output, so few or none are
/// examined) then costs no time of its own where there are cores to spare. Nothing is
/// renamed into place before [`InputCheck::finish`] says the output is not an input.
struct InputCheck(Option<std::thread::JoinHandle<Result<(), InputAtOutput>>>);

impl InputCheck {
    /// Starts checking `output` (nothing to check for standard output).
    fn start(output: Option<&PathBuf>, paths: &[PathBuf]) -> InputCheck {
        InputCheck(output.map(|out| {
            let (out, paths) = (out.clone(), paths.to_vec());
            std::thread::spawn(move || input_at_output(&out, &paths))
        }))
    }

    /// The check's answer if it has one yet (to stop a load early).
    fn answer_if_done(&mut self) -> Result<(), InputAtOutput> {
        match &self.0 {
            Some(handle) if handle.is_finished() => self.finish(),
            _ => Ok(()),
        }
    }

    /// Waits for the check's answer.
    fn finish(&mut self) -> Result<(), InputAtOutput> {
        match self.0.take() {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => Ok(()),
        }
    }
}

/// Writes an export: to `output` atomically (see [`output_file::write_atomically`]), or
/// to standard output through a buffer.
fn write_export(
    output: Option<&PathBuf>,
    export: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match output {
        Some(path) => output_file::write_atomically(path, export)
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            export(&mut out).context("writing to standard output")
        }
    }
}

/// Says on standard error what an export written to `path` holds.
fn report_written(counts: &ExportCounts, path: &Path) {
    eprintln!(
        "gazette: {} documents, {} places, {} mentions written to {}",
        counts.documents,
        counts.places,
        counts.mentions,
        path.display()
    );
}

/// Every input was skipped: nothing is written (an existing output file is kept).
#[derive(Debug, thiserror::Error)]
#[error("none of the inputs could be read")]
struct NothingRead;

/// Where and how `gazette parse` writes its export.
struct ExportTarget<'a> {
    format: Format,
    /// The file, or standard output.
    output: Option<&'a PathBuf>,
    /// How much of each mention is written: its `why`, how many alternates.
    detail: Detail,
    /// Whether the file is one of the inputs, answered beside the load.
    input_check: InputCheck,
}

/// Reads, parses and exports every article under `paths` as a stream, through the
/// library's one way in ([`corpus::load_then`]): each document's rows are rendered on
/// the thread that parsed it and written in input order as soon as the documents
/// before it are, so memory holds a few chunks of documents (and, for GeoJSON, each
/// place's first mentions), never the corpus. Skipped inputs and decoding warnings
/// are printed as they come.
fn parse_command(
    gazetteer: &Gazetteer,
    paths: &[PathBuf],
    fields: &corpus::Fields,
    target: ExportTarget<'_>,
    filter: &Filter,
    rules: Rules,
) -> Result<ExitCode> {
    let ExportTarget {
        format,
        output,
        detail,
        mut input_check,
    } = target;
    let parser = Geoparser::new(gazetteer);
    let mut corrections = Corrections::default();
    corrections.set_rules(rules);
    let shown = Shown::new(gazetteer, &corrections, filter);
    let mut skipped = 0;
    let mut counts = ExportCounts::default();
    let export = |out: &mut dyn Write| -> std::io::Result<()> {
        let inputs = inputs(paths, fields);
        let render =
            |parsed: ParsedDocument| DocumentExport::render_with(format, &shown, parsed, detail);
        // A long text's rows are made and written section by section as it is parsed,
        // unless each row's why is asked for: it reads the whole text's mentions.
        let section = |section: ParsedView<'_>, first: bool| {
            DocumentExport::render_section(format, &shown, section, first, detail.alternates)
        };
        let sections = (!detail.why).then_some(&section as corpus::SectionThen<'_, _>);
        // Raised when writing fails, so the parse stops too.
        let stop = AtomicBool::new(false);
        let mut stream = ExportStream::new(out, format, &shown).with_detail(detail);
        let mut failure = None;
        let mut push = |part: std::io::Result<DocumentExport>| {
            let pushed = part.and_then(|part| stream.push(part));
            let checked = input_check.answer_if_done().map_err(std::io::Error::other);
            if let Err(e) = pushed.and(checked) {
                failure.get_or_insert(e);
                stop.store(true, Ordering::Relaxed);
            }
        };
        let mut progress = progress::Progress::on_stderr();
        corpus::load_then(
            &parser,
            inputs,
            &stop,
            &render,
            sections,
            &mut |event| match event {
                LoadEvent::Document {
                    parsed, warning, ..
                } => {
                    if let Some(w) = warning {
                        progress.message(&format!("gazette: warning: {w}"));
                    }
                    push(parsed);
                    progress.document();
                }
                LoadEvent::Section { parsed } => push(parsed),
                LoadEvent::Skipped(e) => {
                    progress.message(&format!("gazette: {e}"));
                    progress.document();
                    skipped += 1;
                }
                LoadEvent::Note(note) => progress.message(&format!("gazette: {note}")),
                LoadEvent::Started { total } => progress.started(total),
                LoadEvent::More { documents } => progress.more(documents),
                LoadEvent::Finished { .. } => {}
            },
        );
        progress.clear();
        input_check.finish().map_err(std::io::Error::other)?;
        if let Some(e) = failure {
            return Err(e);
        }
        if stream.documents() == 0 {
            return Err(std::io::Error::other(NothingRead));
        }
        counts = stream.finish()?;
        Ok(())
    };
    let written = write_export(output, export);
    if let Err(e) = &written
        && e.chain().any(|cause| {
            cause.is::<NothingRead>()
                || cause
                    .downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .is_some_and(|inner| inner.is::<NothingRead>())
        })
    {
        // Nothing usable: an empty export would replace a good file with nothing.
        eprintln!(
            "gazette: none of the inputs could be read ({skipped} skipped); nothing was written"
        );
        return Ok(ExitCode::from(2));
    }
    written?;
    if let Some(path) = output {
        report_written(&counts, path);
    }
    Ok(if skipped > 0 {
        eprintln!("gazette: {skipped} input(s) skipped; the others were written");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The inputs `paths` stand for, read with `fields`.
fn inputs(paths: &[PathBuf], fields: &corpus::Fields) -> Vec<Input> {
    paths
        .iter()
        .map(|path| Input::PathWith {
            path: path.clone(),
            fields: fields.clone(),
        })
        .collect()
}

/// The corpus files `paths` stand for (`.xml` files in folders), or the shared corpora.
fn corpus_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let paths = if paths.is_empty() {
        let default = PathBuf::from("../shared/corpora");
        let beside_source =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
        if default.is_dir() {
            vec![default]
        } else if beside_source.is_dir() {
            vec![beside_source]
        } else {
            anyhow::bail!("no corpus given and ../shared/corpora not found; pass corpus XML files")
        }
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut xml: Vec<PathBuf> = std::fs::read_dir(&p)
                .with_context(|| format!("reading {}", p.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|e| e == "xml"))
                .collect();
            xml.sort();
            files.extend(xml);
        } else if p.exists() {
            files.push(p);
        } else {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
    }
    Ok(files)
}

fn eval_command(gazetteer: &Gazetteer, corpora: &[PathBuf], json: bool) -> Result<ExitCode> {
    let parser = Geoparser::new(gazetteer);
    for file in corpus_files(corpora)? {
        let corpus = gazette::eval::Corpus::load(&file)?;
        let report = gazette::eval::evaluate(&corpus, |text| {
            gazette::eval::geoparser_predictions(&parser, text)
        });
        if json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            println!("{report}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Command::Eval { corpora, json }) => {
            let g = load_gazetteer(cli.gazetteer.as_ref())?;
            eval_command(g, &corpora, json)
        }
        Some(Command::Parse {
            paths,
            fields,
            dates,
            format,
            output,
            demonyms,
            min_confidence,
            project,
            rules: rules_file,
            places,
            why,
            no_why: _,
            alternates,
        }) => {
            let detail = alternates.detail(why);
            // Check the inputs before the (slower) gazetteer load, so a typo fails fast.
            for p in &paths {
                if !p.exists() {
                    anyhow::bail!("{}: no such file or folder", p.display());
                }
            }
            if let Some(out) = &output {
                check_output(out)?;
            }
            let mut input_check = InputCheck::start(output.as_ref(), &paths);
            let rules = read_rules(rules_file.as_ref())?;
            let places = read_places(places.as_ref())?;
            let g = load_gazetteer(cli.gazetteer.as_ref())?;
            if let Some(read) = &places {
                g.set_user_places(&read.places)?;
            }
            check_rules(&rules, rules_file.as_ref(), g)?;
            if let Some(project) = &project {
                // The project is written as documents come: the answer is needed first.
                input_check.finish()?;
                if !rules.is_empty() {
                    project_commands::add_rules(g, project, rules)?;
                }
                let overrides = project_commands::FilterOverrides {
                    demonyms,
                    min_confidence: (min_confidence > 0.0).then_some(min_confidence),
                    dates: dates.range(),
                };
                return project_commands::parse_into_project(
                    g,
                    &paths,
                    &fields.fields(),
                    project,
                    output.as_ref(),
                    project_commands::ExportOptions {
                        format,
                        overrides,
                        // No `why` here: `--why` is refused with `--project`.
                        detail,
                    },
                );
            }
            let filter = Filter {
                show_demonyms: demonyms,
                min_confidence,
                dates: dates.range(),
                ..Filter::default()
            };
            let code = parse_command(
                g,
                &paths,
                &fields.fields(),
                ExportTarget {
                    format,
                    output: output.as_ref(),
                    detail,
                    input_check,
                },
                &filter,
                rules,
            )?;
            // Bad rows of the places file count as skipped inputs (exit code 1), unless
            // something worse happened.
            let bad_rows = places.as_ref().map_or(0, |p| p.bad_rows);
            Ok(if bad_rows > 0 && code == ExitCode::SUCCESS {
                eprintln!(
                    "gazette: {bad_rows} row(s) of the places file skipped; the others were used"
                );
                ExitCode::from(1)
            } else {
                code
            })
        }
        Some(Command::Export {
            project,
            format,
            output,
            demonyms,
            min_confidence,
            dates,
            rules: rules_file,
            why,
            no_why: _,
            alternates,
        }) => {
            let detail = alternates.detail(why);
            let rules = read_rules(rules_file.as_ref())?;
            let g = load_gazetteer(cli.gazetteer.as_ref())?;
            check_rules(&rules, rules_file.as_ref(), g)?;
            let overrides = project_commands::FilterOverrides {
                demonyms,
                min_confidence,
                dates: dates.range(),
            };
            project_commands::export_project(
                g,
                &project,
                output.as_ref(),
                project_commands::ExportOptions {
                    format,
                    overrides,
                    detail,
                },
                &rules,
            )
        }
        Some(Command::Lookup { name }) => {
            let g = load_gazetteer(cli.gazetteer.as_ref())?;
            lookup(g, &name)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::CompileGazetteer {
            tsv,
            out,
            common_words,
            given_names,
            surnames,
        }) => {
            use gazette::gazetteer::compile::{self, Lexicon};
            let mut lexicon = Lexicon::default();
            if let Some(p) = &common_words {
                lexicon.common_words = compile::read_common_words(p)?;
            }
            // Given names covering 90% of people; the 5,000 or so most frequent surnames.
            for p in &given_names {
                lexicon
                    .given_names
                    .extend(compile::read_census_names(p, 90.0)?);
            }
            if let Some(p) = &surnames {
                lexicon.surnames = compile::read_census_names(p, 75.0)?;
            }
            let stats = compile::compile_file(&tsv, &out, &lexicon)?;
            for (kind, n) in &stats.counts {
                eprintln!("{kind:>9}: {n}");
            }
            eprintln!(
                "{} names, {} postings, {} bytes written to {}",
                stats.names,
                stats.postings,
                stats.bytes,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => run_app(cli.gazetteer, cli.open),
    }
}

#[cfg(feature = "gui")]
fn run_app(gazetteer: Option<PathBuf>, open: Vec<PathBuf>) -> Result<ExitCode> {
    gazette::app::run(gazetteer, open)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn run_app(_gazetteer: Option<PathBuf>, _open: Vec<PathBuf>) -> Result<ExitCode> {
    anyhow::bail!(
        "this build has no desktop app (built without the `gui` feature); see `gazette --help`"
    )
}

/// The error and its causes, `: `-separated, leaving out a cause whose text is already
/// said (the library's errors name their cause in their own message too).
fn describe(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let said = cause.to_string();
        if text.is_empty() {
            text = said;
        } else if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
    }
    text
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("gazette: {}", describe(&err));
            ExitCode::from(2)
        }
    }
}
