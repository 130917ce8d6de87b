//! A project's export, streamed: one document at a time is read from the project and its
//! rows written, so memory does not grow with the project (GeoJSON keeps each place's
//! first mentions). What `gazette export` writes, and the window's export of a project
//! too large to hold (on a thread of its own, with progress and a way to stop it).

use std::io::{self, Write};
use std::ops::ControlFlow;

use super::{Detail, DocumentExport, ExportCounts, ExportStream, Format};
use crate::corpus::{Filter, Rules, Shown};
use crate::gazetteer::Gazetteer;
use crate::project::Project;

/// How a project's export ended, besides its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectExported {
    /// What was written.
    pub counts: ExportCounts,
    /// What reading the project left out (entries the gazetteer lacks), to tell.
    pub warning: Option<String>,
}

/// What a project's export is written with.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// The format.
    pub format: Format,
    /// The filter of what is shown.
    pub filter: &'a Filter,
    /// Rules over the project's own.
    pub rules: &'a Rules,
    /// How much of each mention is written: its `why`, how many alternates.
    pub detail: Detail,
}

/// Writes `project`'s documents with its corrections and rules (and `settings.rules`
/// over them), through its filter, in its format to `out`, one document at a time. `each` is told
/// after every document and may stop the export ([`ControlFlow::Break`]): the export then
/// fails with [`io::ErrorKind::Interrupted`], so that an atomic writer keeps no partial
/// file. The project's own places must be in `gazetteer` already
/// ([`Gazetteer::set_user_places`]) for their mentions to resolve.
pub fn write_project(
    gazetteer: &Gazetteer,
    project: &Project,
    settings: Settings<'_>,
    out: &mut dyn Write,
    each: &mut dyn FnMut() -> ControlFlow<()>,
) -> io::Result<ProjectExported> {
    let Settings {
        format,
        filter,
        rules,
        detail,
    } = settings;
    let mut corrections = project.corrections().clone();
    corrections.rules_mut().extend(rules.clone());
    let shown = Shown::new(gazetteer, &corrections, filter);
    let mut stream = ExportStream::new(out, format, &shown).with_detail(detail);
    let mut failure = None;
    let report = project
        .for_each_document(gazetteer, &mut |doc| {
            let pushed = DocumentExport::render_with(format, &shown, doc, detail)
                .and_then(|p| stream.push(p));
            if let Err(e) = pushed {
                failure = Some(e);
                return ControlFlow::Break(());
            }
            if each().is_break() {
                failure = Some(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "the export was stopped",
                ));
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        })
        .map_err(io::Error::other)?;
    if let Some(e) = failure {
        return Err(e);
    }
    let counts = stream.finish()?;
    Ok(ProjectExported {
        counts,
        warning: report.warning(),
    })
}
