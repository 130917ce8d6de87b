//! The `gazette` binary's project commands (part of the binary, not the library):
//! `gazette parse PATH… --project FILE.gpkg`, which streams parsed documents into a
//! project, and `gazette export FILE.gpkg`, which exports one.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use anyhow::Result;

use gazette::corpus::{self, DocumentError, Filter, Input, LoadEvent, ParsedDocument, Rules};
use gazette::export::{Detail, ExportCounts, Format};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;
use gazette::output_file;
use gazette::project::{Added, Project};

/// What the loading thread hands the writing thread.
enum Incoming {
    /// A document read and parsed, its record key in its file (if it is one of many),
    /// and a decoding warning if any.
    Parsed(Box<ParsedDocument>, Option<String>, Option<String>),
    /// A document the project already holds, not parsed.
    Known,
    /// An input that could not be read.
    Skipped(DocumentError),
    /// A note on the inputs (files of other kinds skipped).
    Note(String),
    /// Documents to read ([`LoadEvent::Started`]), and more found in files that hold
    /// many ([`LoadEvent::More`]): for the progress line.
    Started(usize),
    More(usize),
}

/// Changes to a project's saved filter for one export, from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterOverrides {
    /// Count demonyms as mentions of their country.
    pub demonyms: bool,
    /// Leave out mentions below this confidence.
    pub min_confidence: Option<f32>,
    /// Only documents published in this range (when it limits anything).
    pub dates: corpus::DateRange,
}

/// How a project is exported: the format, the filter's changes, how much of each
/// mention.
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions {
    /// The format written.
    pub format: Format,
    /// Changes to the project's saved filter.
    pub overrides: FilterOverrides,
    /// Each mention's `why`, and how many alternates.
    pub detail: Detail,
}

impl FilterOverrides {
    fn apply(self, mut filter: Filter) -> Filter {
        if self.demonyms {
            filter.show_demonyms = true;
        }
        if let Some(min) = self.min_confidence {
            filter.min_confidence = min;
        }
        if !self.dates.is_everything() {
            filter.dates = self.dates;
        }
        filter
    }
}

/// `gazette parse PATH… --project FILE`: creates the project or opens it, then reads,
/// parses and adds the documents as they come (a loading thread parses while this one
/// writes, a transaction per batch), never holding the corpus in memory. Documents the
/// project holds with the same name and text are not parsed again. With `output`, the
/// whole project is then exported there as [`export_project`] would, with `options`.
pub fn parse_into_project(
    gazetteer: &Gazetteer,
    paths: &[PathBuf],
    fields: &corpus::Fields,
    project_path: &Path,
    output: Option<&PathBuf>,
    options: ExportOptions,
) -> Result<ExitCode> {
    if let Some(out) = output {
        refuse_output_onto_project(out, project_path)?;
    }
    let mut project = Project::create_or_open(project_path)?;
    // The project's own places (saved by the app) are found in what is added to it.
    gazetteer.set_user_places(&project.user_places()?)?;
    let known = project.known_documents()?;
    let parser = Geoparser::new(gazetteer);
    let inputs: Vec<Input> = paths
        .iter()
        .map(|path| Input::PathWith {
            path: path.clone(),
            fields: fields.clone(),
        })
        .collect();
    let cancel = AtomicBool::new(false);
    let (send, receive) = sync_channel::<Incoming>(256);
    let mut skipped = 0;
    let mut already = 0;
    let written = std::thread::scope(|scope| {
        let (parser, known, cancel) = (&parser, &known, &cancel);
        scope.spawn(move || {
            // A failed send means the writer stopped (an error): stop reading too.
            let hand_on = |item: Incoming| {
                if send.send(item).is_err() {
                    cancel.store(true, Ordering::Relaxed);
                }
            };
            corpus::load_unless_known(
                parser,
                inputs,
                cancel,
                &|document| known.contains_document(document),
                &mut |event| match event {
                    LoadEvent::Document {
                        parsed,
                        source,
                        warning,
                    } => hand_on(Incoming::Parsed(
                        Box::new(parsed),
                        source.record().map(str::to_string),
                        warning,
                    )),
                    LoadEvent::Skipped(e) => hand_on(Incoming::Skipped(e)),
                    LoadEvent::Note(note) => hand_on(Incoming::Note(note)),
                    LoadEvent::Started { total } => hand_on(Incoming::Started(total)),
                    LoadEvent::More { documents } => hand_on(Incoming::More(documents)),
                    // No sections: a project holds each document whole.
                    LoadEvent::Section { .. } | LoadEvent::Finished { .. } => {}
                },
                &mut |_| hand_on(Incoming::Known),
            );
        });
        let mut writer = project.writer(gazetteer)?;
        let mut progress = crate::progress::Progress::on_stderr();
        for item in receive {
            match item {
                Incoming::Parsed(parsed, record, warning) => {
                    if let Some(w) = warning {
                        progress.message(&format!("gazette: warning: {w}"));
                    }
                    if let Added::AlreadyPresent(_) =
                        writer.add_record(&parsed, record.as_deref())?
                    {
                        already += 1;
                    }
                    progress.document();
                }
                Incoming::Known => {
                    already += 1;
                    progress.document();
                }
                Incoming::Skipped(e) => {
                    progress.message(&format!("gazette: {e}"));
                    progress.document();
                    skipped += 1;
                }
                Incoming::Note(note) => progress.message(&format!("gazette: {note}")),
                Incoming::Started(total) => progress.started(total),
                Incoming::More(documents) => progress.more(documents),
            }
        }
        progress.clear();
        anyhow::Ok(writer.finish()?)
    })?;
    let documents = project.document_count()?;
    let layer = project.place_summaries()?.len();
    eprintln!(
        "gazette: {}: {} document(s) added, {already} already in it (not parsed again), \
         {skipped} input(s) skipped; it holds {documents} document(s), {layer} place(s)",
        project_path.display(),
        written.added,
    );
    drop(project);
    if written.added == 0 && already == 0 && skipped > 0 {
        eprintln!("gazette: none of the inputs could be read; the project is unchanged");
        return Ok(ExitCode::from(2));
    }
    if let Some(out) = output {
        export_project(
            gazetteer,
            project_path,
            Some(out),
            options,
            &Rules::default(),
        )?;
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `gazette parse … --project FILE --rules RULES`: adds the rules to the project's (a
/// rule of the file replacing the project's for the same name), creating the project if
/// needed.
pub fn add_rules(gazetteer: &Gazetteer, project_path: &Path, rules: Rules) -> Result<()> {
    let mut project = Project::create_or_open(project_path)?;
    let mut all = project.corrections().rules().clone();
    all.extend(rules);
    project.set_rules(gazetteer, &all)?;
    Ok(())
}

/// `gazette export FILE.gpkg`: the project's documents with its corrections and rules
/// (and `rules` over them), through its saved filter changed by `options`' overrides, in
/// its format to `output` or standard output.
/// Opens the project read-only and streams: one document at a time is read from the
/// project and its rows written ([`gazette::export::project::write_project`]), so memory does not grow with the
/// project (GeoJSON keeps each place's first mentions, as `gazette parse` does).
pub fn export_project(
    gazetteer: &Gazetteer,
    project_path: &Path,
    output: Option<&PathBuf>,
    options: ExportOptions,
    rules: &Rules,
) -> Result<ExitCode> {
    let ExportOptions {
        format,
        overrides,
        detail,
    } = options;
    if let Some(out) = output {
        refuse_output_onto_project(out, project_path)?;
    }
    let project = Project::open_read_only(project_path)?;
    if let Some(out) = output {
        refuse_output_onto_documents(out, &project)?;
    }
    // The project's own places, so that their mentions' ids (`user:…`) resolve.
    gazetteer.set_user_places(&project.user_places()?)?;
    let filter = overrides.apply(project.filter()?);
    let mut counts = ExportCounts::default();
    let export = |out: &mut dyn Write| -> std::io::Result<()> {
        let exported = gazette::export::project::write_project(
            gazetteer,
            &project,
            gazette::export::project::Settings {
                format,
                filter: &filter,
                rules,
                detail,
            },
            out,
            &mut || ControlFlow::Continue(()),
        )?;
        if let Some(warning) = exported.warning {
            eprintln!("gazette: warning: {}: {warning}", project_path.display());
        }
        counts = exported.counts;
        Ok(())
    };
    crate::write_export(output, export)?;
    if let Some(path) = output {
        crate::report_written(&counts, path);
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses an export onto one of the project's documents' own files (by any path), which
/// it would replace.
fn refuse_output_onto_documents(output: &Path, project: &Project) -> Result<()> {
    let mut paths = Vec::new();
    project.for_each_document_summary(&mut |summary| {
        paths.extend(summary.path);
        ControlFlow::Continue(())
    })?;
    if let Some(file) = output_file::find_same_file(output, paths.iter().map(PathBuf::as_path)) {
        anyhow::bail!(
            "{} is the document {}; it would be overwritten, so nothing was written: \
             choose another output file",
            output.display(),
            file.display()
        );
    }
    Ok(())
}

/// Refuses an export onto the project file itself, or onto something that is not a
/// regular file.
fn refuse_output_onto_project(output: &Path, project: &Path) -> Result<()> {
    if let Err(e) = output_file::resolve_target(output) {
        anyhow::bail!("cannot write {}: {e}", output.display());
    }
    if output == project || output_file::find_same_file(output, [project]).is_some() {
        anyhow::bail!(
            "{} is the project file; it would be overwritten, so nothing was written: \
             choose another output file",
            output.display()
        );
    }
    Ok(())
}
