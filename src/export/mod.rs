//! Exports of what is shown: GeoJSON (RFC 7946), KML 2.2 (a Placemark per place, for
//! Google Earth), JSON Lines and CSV of the mentions.
//!
//! Every export carries each mention's provenance (document name and path, byte span,
//! passage, confidence, alternates, whether a person corrected it), so a reader of the
//! file can check every point on the map against the text; JSON Lines and GeoJSON also
//! say in a sentence why the mention reads as it does (`why`, see
//! [`crate::geoparse::why`]). KML, made for looking at a
//! map, carries less: per place its counts and its first passages with their documents'
//! titles, dates and addresses.
//!
//! Exports are streamed: [`write_to`] writes one record (a JSON line, a CSV row, a
//! GeoJSON feature, a KML Placemark) at a time through a buffer, so memory holds one
//! record beyond the parsed documents whatever the size of the output. GeoJSON is compact
//! (one feature per line) and a feature, like a Placemark, lists at most
//! [`MAX_MENTIONS_PER_FEATURE`] of its place's mentions, so GDAL and other readers that
//! load a feature whole can read an export of any corpus; `mention_count` gives the full
//! number and JSON Lines or CSV every mention.

use std::borrow::Borrow;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::corpus::{Document, MentionRef, ParsedDocument, ParsedView, Place};
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};
use crate::geoparse::why::{WhyContext, explain_into};
use crate::geoparse::{MAX_ALTERNATES, Mention};

mod csv_row;
mod gather;
mod json_row;
mod kept_places;
use csv_row::{CsvDocument, write_csv_row};
use json_row::{JsonDocument, write_json_row};
mod kml;
pub mod project;
mod stream;
pub use stream::{DocumentExport, ExportCounts, ExportStream};

/// How much of each mention the JSON formats (JSON Lines, GeoJSON) write beyond its
/// reading: its `why`, and how many of its alternates. CSV and KML carry neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Each mention's `why`: a sentence saying why it was read as a place and as that
    /// place (about a fifth of a JSON Lines row's bytes and of a batch's time).
    pub why: bool,
    /// Alternates written per mention, most likely first; the parser keeps at most
    /// [`MAX_ALTERNATES`], so more means all.
    pub alternates: usize,
}

impl Detail {
    /// Everything the parser keeps: the app's exports, which are few and read closely.
    pub const FULL: Detail = Detail {
        why: true,
        alternates: MAX_ALTERNATES,
    };

    /// Alternates a batch writes unless told otherwise (`gazette parse`, `gazette
    /// export`: `--alternates N`). Three: on news, the alternates past the third carry
    /// about 2.5% of a mention's probability on average and were 18% of a JSON Lines
    /// row's bytes (the development archive); the `why` names the two best.
    pub const BATCH_ALTERNATES: usize = 3;

    /// What `gazette parse` writes unless told otherwise: no `why`, and
    /// [`Detail::BATCH_ALTERNATES`].
    pub const BATCH: Detail = Detail {
        why: false,
        alternates: Detail::BATCH_ALTERNATES,
    };
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the file failed; any file already there is untouched.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The target.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The target is one of the documents exported (the same file, by any path):
    /// writing it would replace the article. Nothing is written.
    #[error("{path} is the document {document}; choose another file for the export")]
    WouldOverwriteDocument {
        /// The target.
        path: std::path::PathBuf,
        /// The document's name.
        document: String,
    },
    /// Writing to a stream (standard output, a buffer) failed.
    #[error("cannot write the export: {0}")]
    Output(#[source] std::io::Error),
    /// Serializing failed (should not happen with finite coordinates).
    #[error("cannot serialize the export: {0}")]
    Serialize(String),
    /// The target is the project exported from. Nothing is written.
    #[error("{path} is the project file; choose another file for the export")]
    WouldOverwriteProject {
        /// The target.
        path: std::path::PathBuf,
    },
    /// The user stopped the export before it was complete: nothing was written (a file
    /// already there is untouched).
    #[error("the export to {path} was stopped; nothing was written")]
    Stopped {
        /// The target.
        path: std::path::PathBuf,
    },
}

/// At most this many mentions are listed in one GeoJSON feature's `mentions`; the
/// feature's `mention_count` is the full number and `mentions_truncated` says whether
/// the list was cut. (GDAL refuses a feature of hundreds of megabytes, which a place
/// named in every one of 100,000 articles would otherwise be.) A KML Placemark's
/// description lists as many passages.
pub const MAX_MENTIONS_PER_FEATURE: usize = 50;

/// Output formats. The command line's `--format` takes these by their value names
/// (`geojson`, `kml`, `jsonl`, `csv`), so the CLI and the app offer the same list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One RFC 7946 FeatureCollection, a Point feature per place.
    #[value(name = "geojson")]
    GeoJson,
    /// One KML 2.2 document, a styled Placemark per place listing its first passages.
    #[value(name = "kml")]
    Kml,
    /// One JSON object per mention per line.
    #[value(name = "jsonl")]
    JsonLines,
    /// One CSV row per mention, with a header.
    #[value(name = "csv")]
    Csv,
}

/// A document's path as exported (`document_path`): the path it was read from as found
/// (as given, or below the folder given), or `None` for text not read from a file.
/// Written the way document names are ([`crate::corpus::document_name`]): a path that is
/// valid UTF-8 without `%` as it is, otherwise with `%XX` for bytes that are not UTF-8
/// and `%25` for `%`, so distinct paths stay distinct and the oddity is visible.
pub fn document_path(document: &Document) -> Option<String> {
    Some(crate::corpus::document_name(
        document.path.as_ref()?.as_os_str(),
    ))
}

/// An alternate reading as exported (fields in the order they are written).
#[derive(Serialize)]
struct AlternateJson<'a> {
    country_code: Option<&'a str>,
    feature_type: Kind,
    gazetteer_id: &'a str,
    name: &'a str,
    probability: f64,
}

/// A mention as a GeoJSON feature lists it (fields in alphabetical order, as written
/// since the first version of the format).
#[derive(Serialize)]
struct MentionJson<'a> {
    alternates: Vec<AlternateJson<'a>>,
    confidence: f64,
    corrected: bool,
    date: Option<String>,
    demonym: bool,
    document: &'a str,
    document_path: Option<String>,
    end: usize,
    passage: &'a str,
    passage_start: usize,
    start: usize,
    text: &'a str,
    title: Option<&'a str>,
    url: Option<&'a str>,
    /// Only in a batch run with `--why` (and in the app's exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
}

/// A JSON Lines row: the mention with its place's fields flattened in. Rows are written
/// by hand (`json_row.rs`); this type's `Serialize` is the reference they are tested
/// against.
#[cfg(test)]
#[derive(Serialize)]
struct MentionRowJson<'a> {
    alternates: Vec<AlternateJson<'a>>,
    confidence: f64,
    corrected: bool,
    country_code: Option<&'a str>,
    date: Option<&'a str>,
    demonym: bool,
    document: &'a str,
    document_path: Option<&'a str>,
    end: usize,
    feature_type: Kind,
    gazetteer_id: &'a str,
    lat: f64,
    lon: f64,
    name: &'a str,
    passage: &'a str,
    passage_start: usize,
    start: usize,
    text: &'a str,
    title: Option<&'a str>,
    url: Option<&'a str>,
    /// Only in a batch run with `--why` (and in the app's exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
}

/// A document's publication date as exported: ISO 8601 (`2021-03-04`, with the time and
/// offset when known).
fn date(doc: ParsedView<'_>) -> Option<String> {
    doc.document.meta.published.map(|p| p.to_string())
}

/// The first `n` alternates of `mention`, as exported.
fn alternates<'g>(gazetteer: &'g Gazetteer, mention: &Mention, n: usize) -> Vec<AlternateJson<'g>> {
    mention
        .resolution
        .alternates
        .iter()
        .take(n)
        .map(|a| {
            let e = gazetteer.entry(a.entry);
            AlternateJson {
                country_code: e.country_code.as_deref(),
                feature_type: e.kind,
                gazetteer_id: &e.id,
                name: &e.name,
                probability: round3(a.probability),
            }
        })
        .collect()
}

/// Document `index` of `documents` with its mentions, as rows are rendered from it.
fn view_of(documents: &[impl Borrow<ParsedDocument>], index: usize) -> ParsedView<'_> {
    documents[index].borrow().view()
}

/// The mention `m` refers to in `doc`, and its passage.
fn mention_of<'d>(doc: ParsedView<'d>, m: &MentionRef) -> (&'d Mention, &'d str) {
    let mention = &doc.mentions[m.mention];
    let passage = doc.document.text.get(mention.passage.clone()).unwrap_or("");
    (mention, passage)
}

/// A mention's `why`: the evidence for its reading in a few short sentences
/// ([`explain`](crate::geoparse::why::explain)); for a mention a person decided (a
/// correction or a rule), what they chose first. `context` is the [`WhyContext`] of
/// `doc`'s mentions.
fn why(gazetteer: &Gazetteer, doc: ParsedView<'_>, m: &MentionRef, context: &WhyContext) -> String {
    // About the length of a why, so that it is written without growing.
    let mut out = String::with_capacity(384);
    why_into(&mut out, gazetteer, doc, m, context);
    out
}

/// [`why`], appended to `out`.
fn why_into(
    out: &mut String,
    gazetteer: &Gazetteer,
    doc: ParsedView<'_>,
    m: &MentionRef,
    context: &WhyContext,
) {
    if m.corrected {
        out.push_str("A person chose ");
        out.push_str(&gazetteer.entry(m.entry).name);
        out.push_str(" (a correction or a rule). The parser's evidence: ");
    }
    let text = &doc.document.text;
    explain_into(out, gazetteer, text, doc.mentions, m.mention, context);
}

/// The [`WhyContext`] of each document an export explains, made once per document and
/// kept for the next mentions (a GeoJSON export visits documents out of order, a place
/// at a time); at most [`WhyContexts::KEPT`] are kept.
#[derive(Default)]
struct WhyContexts(rustc_hash::FxHashMap<usize, WhyContext>);

impl WhyContexts {
    const KEPT: usize = 1024;

    fn of(&mut self, gazetteer: &Gazetteer, index: usize, doc: ParsedView<'_>) -> &WhyContext {
        if self.0.len() >= Self::KEPT && !self.0.contains_key(&index) {
            self.0.clear();
        }
        self.0
            .entry(index)
            .or_insert_with(|| WhyContext::new(gazetteer, doc.mentions))
    }
}

fn write_mention_json(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    doc: ParsedView<'_>,
    m: &MentionRef,
    context: Option<&WhyContext>,
    alternates_written: usize,
) -> std::io::Result<()> {
    let (mention, passage) = mention_of(doc, m);
    let json = MentionJson {
        alternates: alternates(gazetteer, mention, alternates_written),
        confidence: round3(m.confidence),
        corrected: m.corrected,
        date: date(doc),
        demonym: m.demonym,
        document: &doc.document.name,
        document_path: document_path(doc.document),
        end: mention.end,
        passage,
        passage_start: mention.passage.start,
        start: mention.start,
        text: &mention.text,
        title: doc.document.meta.title.as_deref(),
        url: doc.document.meta.url.as_deref(),
        why: context.map(|c| why(gazetteer, doc, m, c)),
    };
    serde_json::to_writer(out, &json).map_err(std::io::Error::from)
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// Coordinates rounded to 6 decimals (~0.1 m), as RFC 7946 recommends not to overstate
/// precision.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Writes `value` as JSON.
fn json(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(out, value).map_err(std::io::Error::from)
}

/// The GeoJSON feature of the place at `entry`, on one line: a Point, the entry's
/// fields, `mention_count`, and its first mentions from `listed`, already rendered as
/// JSON (at most [`MAX_MENTIONS_PER_FEATURE`] are taken). Written by hand around the
/// rendered mentions so they are not parsed again; the keys are in the order
/// serde_json writes a map's, as the format always had them.
fn write_feature(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    entry: EntryIndex,
    mention_count: usize,
    listed: &mut dyn Iterator<Item = std::io::Result<Vec<u8>>>,
) -> std::io::Result<()> {
    let e = gazetteer.entry(entry);
    out.write_all(b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":")?;
    json(out, &[round6(e.lon), round6(e.lat)])?;
    out.write_all(b"},\"id\":")?;
    json(out, &e.id)?;
    out.write_all(b",\"properties\":{\"country_code\":")?;
    json(out, &e.country_code)?;
    out.write_all(b",\"feature_code\":")?;
    json(out, &e.feature_code)?;
    out.write_all(b",\"feature_type\":")?;
    json(out, &e.kind)?;
    out.write_all(b",\"gazetteer_id\":")?;
    json(out, &e.id)?;
    write!(out, ",\"mention_count\":{mention_count},\"mentions\":[")?;
    for (i, mention) in listed.take(MAX_MENTIONS_PER_FEATURE).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(&mention?)?;
    }
    write!(
        out,
        "],\"mentions_truncated\":{},\"name\":",
        mention_count > MAX_MENTIONS_PER_FEATURE
    )?;
    json(out, &e.name)?;
    write!(out, ",\"population\":{}}}}}", e.population)
}

/// Every mention of `places` as (place, mention) indices, in document then text order
/// (ties in place order): the order of JSON Lines and CSV rows. A few words per mention,
/// not the rows themselves.
fn row_order(documents: &[impl Borrow<ParsedDocument>], places: &[Place]) -> Vec<(usize, usize)> {
    let mut rows: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (pi, p) in places.iter().enumerate() {
        for (mi, m) in p.mentions.iter().enumerate() {
            let start = documents[m.document].borrow().mentions[m.mention].start;
            rows.push((m.document, start, pi, mi));
        }
    }
    // Stable: mentions at the same place in the text keep place order.
    rows.sort_by_key(|r| (r.0, r.1));
    rows.into_iter().map(|(_, _, pi, mi)| (pi, mi)).collect()
}

const GEOJSON_HEAD: &[u8] = b"{\"type\":\"FeatureCollection\",\"features\":[";
const GEOJSON_TAIL: &[u8] = b"\n]}\n";

fn write_geojson(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> std::io::Result<()> {
    out.write_all(GEOJSON_HEAD)?;
    let mut contexts = WhyContexts::default();
    for (i, p) in places.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let mut listed = p.mentions.iter().map(|m| {
            let mut bytes = Vec::new();
            let doc = view_of(documents, m.document);
            let context = contexts.of(gazetteer, m.document, doc);
            write_mention_json(&mut bytes, gazetteer, doc, m, Some(context), MAX_ALTERNATES)?;
            Ok(bytes)
        });
        write_feature(out, gazetteer, p.entry, p.mentions.len(), &mut listed)?;
    }
    out.write_all(GEOJSON_TAIL)
}

fn write_json_lines(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> std::io::Result<()> {
    let mut contexts = WhyContexts::default();
    // Rows come in document order: each document's repeated fields are made once.
    let mut fields: Option<(usize, JsonDocument)> = None;
    let mut row = Vec::new();
    for (pi, mi) in row_order(documents, places) {
        let p = &places[pi];
        let m = &p.mentions[mi];
        let doc = view_of(documents, m.document);
        let context = contexts.of(gazetteer, m.document, doc);
        let fields = match &mut fields {
            Some((d, fields)) if *d == m.document => fields,
            slot => &mut slot.insert((m.document, JsonDocument::of(doc))).1,
        };
        row.clear();
        let detail = (Some(context), MAX_ALTERNATES);
        write_json_row(&mut row, gazetteer, doc, fields, m, p.entry, detail);
        out.write_all(&row)?;
    }
    Ok(())
}

/// The CSV header; `document_path`, then `title`, `date` and `url`, come last so columns
/// read by position before they were added keep their places.
const CSV_HEADER: &str = "document,start,end,text,gazetteer_id,name,feature_type,country_code,lat,lon,confidence,corrected,passage,document_path,title,date,url\n";

fn write_csv(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> std::io::Result<()> {
    out.write_all(CSV_HEADER.as_bytes())?;
    // Rows come in document order: each document's repeated fields are made once.
    let mut fields: Option<(usize, CsvDocument)> = None;
    let mut row = Vec::new();
    for (pi, mi) in row_order(documents, places) {
        let p = &places[pi];
        let m = &p.mentions[mi];
        let doc = view_of(documents, m.document);
        let fields = match &mut fields {
            Some((d, fields)) if *d == m.document => fields,
            slot => &slot.insert((m.document, CsvDocument::of(doc))).1,
        };
        row.clear();
        write_csv_row(&mut row, gazetteer, doc, fields, m, p.entry);
        out.write_all(&row)?;
    }
    Ok(())
}

/// Writes `places` in `format` to `out`, a record at a time through a buffer (see the
/// module docs): the output is never held in memory whole.
pub fn write_to(
    out: &mut dyn Write,
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> Result<(), ExportError> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    stream(&mut out, format, gazetteer, documents, places)
        .and_then(|()| out.flush())
        .map_err(ExportError::Output)
}

/// Writes `places` in `format` to `out` as it is (the caller buffers).
fn stream(
    out: &mut dyn Write,
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> std::io::Result<()> {
    match format {
        Format::GeoJson => write_geojson(out, gazetteer, documents, places),
        Format::Kml => kml::write_kml(out, gazetteer, documents, places),
        Format::JsonLines => write_json_lines(out, gazetteer, documents, places),
        Format::Csv => write_csv(out, gazetteer, documents, places),
    }
}

/// Renders `places` in `format` into a string: for tests and small exports (large ones
/// go through [`write_to`] or [`write()`]).
pub fn render(
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> Result<String, ExportError> {
    let mut bytes = Vec::new();
    stream(&mut bytes, format, gazetteer, documents, places).map_err(ExportError::Output)?;
    String::from_utf8(bytes).map_err(|e| ExportError::Serialize(e.to_string()))
}

/// One JSON object per mention (place fields flattened in), in document then text order,
/// as a string (see [`render`]).
pub fn json_lines(
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> Result<String, ExportError> {
    render(Format::JsonLines, gazetteer, documents, places)
}

/// CSV of the mentions (RFC 4180 quoting), one row per mention, as a string (see
/// [`render`]).
pub fn csv(
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> Result<String, ExportError> {
    render(Format::Csv, gazetteer, documents, places)
}

/// Streams the export to `path` atomically (see [`crate::output_file`]): on failure an
/// existing file is left as it was; something that is not a regular file is refused;
/// a symbolic link is written through and a file's permission bits are kept; one of the
/// `documents`' own files is refused, so an export never replaces an article.
pub fn write(
    path: &Path,
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> Result<(), ExportError> {
    let never = std::sync::atomic::AtomicBool::new(false);
    write_unless_stopped(path, format, gazetteer, documents, places, &never)
}

/// [`write()`], given up at its next write once `stop` is set ([`ExportError::Stopped`]:
/// the temporary file removed, what was at `path` as it was), so that a window closing
/// mid-export leaves no temporary file behind.
pub fn write_unless_stopped(
    path: &Path,
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
    stop: &std::sync::atomic::AtomicBool,
) -> Result<(), ExportError> {
    let files = documents
        .iter()
        .filter_map(|d| d.borrow().document.path.as_deref());
    if let Some(file) = crate::output_file::find_same_file(path, files)
        && let Some(doc) = documents.iter().find(|d| {
            Borrow::<ParsedDocument>::borrow(*d)
                .document
                .path
                .as_deref()
                == Some(file)
        })
    {
        return Err(ExportError::WouldOverwriteDocument {
            path: path.to_path_buf(),
            document: doc.borrow().document.name.clone(),
        });
    }
    crate::output_file::write_atomically(path, |out| {
        let mut out = UnlessStopped { out, stop };
        stream(&mut out, format, gazetteer, documents, places)
    })
    .map_err(|source| {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            ExportError::Stopped {
                path: path.to_path_buf(),
            }
        } else {
            ExportError::Write {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// A writer that fails every write once `stop` is set. Not with
/// [`std::io::ErrorKind::Interrupted`], which `write_all` would retry for ever.
struct UnlessStopped<'a> {
    out: &'a mut dyn Write,
    stop: &'a std::sync::atomic::AtomicBool,
}

impl UnlessStopped<'_> {
    fn check(&self) -> std::io::Result<()> {
        if self.stop.load(std::sync::atomic::Ordering::Relaxed) {
            Err(std::io::Error::other("the export was stopped"))
        } else {
            Ok(())
        }
    }
}

impl Write for UnlessStopped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.check()?;
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.check()?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corrections, Filter, parse_documents, places};
    use crate::geoparse::Geoparser;
    use serde_json::Value as JsonValue;

    fn parsed(g: &Gazetteer, docs: Vec<Document>) -> (Vec<ParsedDocument>, Vec<Place>) {
        let parsed = parse_documents(&Geoparser::new(g), docs);
        let places = places(g, &parsed, &Corrections::default(), &Filter::default());
        (parsed, places)
    }

    #[test]
    fn a_write_stopped_leaves_what_was_there_and_no_temporary_file() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out.csv");
        std::fs::write(&out, "before").expect("write");
        let (docs, places) = parsed(&g, vec![Document::from_text("a.txt", "Rain in Niamey.")]);
        let stop = std::sync::atomic::AtomicBool::new(true);
        let stopped = write_unless_stopped(&out, Format::Csv, &g, &docs, &places, &stop);
        assert!(
            matches!(stopped, Err(ExportError::Stopped { .. })),
            "{stopped:?}"
        );
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "before");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["out.csv"]);
        stop.store(false, std::sync::atomic::Ordering::Relaxed);
        write_unless_stopped(&out, Format::Csv, &g, &docs, &places, &stop).expect("written");
        assert!(
            std::fs::read_to_string(&out)
                .expect("read")
                .contains("Niamey")
        );
    }

    #[test]
    fn an_export_never_replaces_one_of_its_documents() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let dir = tempfile::tempdir().expect("tempdir");
        let article = dir.path().join("a.txt");
        std::fs::write(&article, "Rain in Niamey.").expect("write");
        let mut doc = Document::from_text("a.txt", "Rain in Niamey.");
        doc.path = Some(article.clone());
        let parsed = vec![ParsedDocument {
            document: doc,
            mentions: Vec::new(),
        }];
        // By its own path and through a link to it.
        let link = dir.path().join("link.csv");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&article, &link).expect("symlink");
        for target in [&article, &link] {
            if !target.exists() {
                continue;
            }
            let err = write(target, Format::Csv, &g, &parsed, &[]).expect_err("refused");
            assert!(
                matches!(err, ExportError::WouldOverwriteDocument { .. }),
                "{err}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(&article).expect("read"),
            "Rain in Niamey."
        );
        // Another file is written.
        write(&dir.path().join("out.csv"), Format::Csv, &g, &parsed, &[]).expect("writes");
    }

    #[test]
    fn document_paths_are_unique_and_visible() {
        let mut doc = Document::from_text("x.txt", "");
        assert_eq!(document_path(&doc), None, "pasted text has no path");
        doc.path = Some("a/x.txt".into());
        assert_eq!(document_path(&doc).as_deref(), Some("a/x.txt"));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let mut names = Vec::new();
            for bytes in [&b"caf\xe9.txt"[..], b"caf\xef.txt", b"caf\xc3\xa9.txt"] {
                doc.path = Some(std::ffi::OsStr::from_bytes(bytes).into());
                names.push(document_path(&doc).expect("path"));
            }
            assert_eq!(names, ["caf%E9.txt", "caf%EF.txt", "café.txt"]);
        }
    }

    #[test]
    fn streamed_exports_match_and_geojson_caps_mentions_per_feature() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let n = MAX_MENTIONS_PER_FEATURE + 7;
        let mut pasted = Document::from_text("pasted", "Niamey. ".repeat(n));
        pasted.path = None;
        let mut filed = Document::from_text("x.txt", "Fighting near Agadez, Niger.");
        filed.path = Some("a/x.txt".into());
        let (docs, places) = parsed(&g, vec![pasted, filed]);
        for format in [Format::GeoJson, Format::Kml, Format::JsonLines, Format::Csv] {
            let mut streamed = Vec::new();
            write_to(&mut streamed, format, &g, &docs, &places).expect("write_to");
            let rendered = render(format, &g, &docs, &places).expect("render");
            assert_eq!(streamed, rendered.as_bytes(), "{format:?}");
        }
        let text = render(Format::GeoJson, &g, &docs, &places).expect("geojson");
        assert!(text.starts_with("{\"type\":\"FeatureCollection\",\"features\":[\n"));
        let v: JsonValue = serde_json::from_str(&text).expect("valid JSON");
        let features = v["features"].as_array().expect("features");
        assert_eq!(features.len(), places.len());
        assert_eq!(text.lines().count(), places.len() + 2, "one feature a line");
        let niamey = features
            .iter()
            .find(|f| f["properties"]["name"] == "Niamey")
            .expect("Niamey");
        assert_eq!(niamey["properties"]["mention_count"], n);
        assert_eq!(niamey["properties"]["mentions_truncated"], true);
        let listed = niamey["properties"]["mentions"].as_array().expect("list");
        assert_eq!(listed.len(), MAX_MENTIONS_PER_FEATURE);
        assert_eq!(listed[0]["document_path"], JsonValue::Null);
        let agadez = features
            .iter()
            .find(|f| f["properties"]["name"] == "Agadez")
            .expect("Agadez");
        assert_eq!(agadez["properties"]["mentions_truncated"], false);
        assert_eq!(
            agadez["properties"]["mentions"][0]["document_path"],
            "a/x.txt"
        );
        // JSON Lines and CSV list every mention, with the path (empty when pasted).
        let lines = render(Format::JsonLines, &g, &docs, &places).expect("jsonl");
        let mentions: usize = places.iter().map(|p| p.mentions.len()).sum();
        assert_eq!(lines.lines().count(), mentions);
        let csv = render(Format::Csv, &g, &docs, &places).expect("csv");
        assert_eq!(csv.lines().count(), mentions + 1);
        assert!(
            csv.lines().nth(1).expect("row").ends_with(','),
            "pasted: empty path"
        );
        assert!(csv.lines().last().expect("row").ends_with(",a/x.txt,,,"));
    }

    #[test]
    fn an_empty_export_is_still_valid() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let text = render(Format::GeoJson, &g, &[] as &[ParsedDocument], &[]).expect("geojson");
        let v: JsonValue = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["features"].as_array().map(Vec::len), Some(0));
        assert_eq!(
            render(Format::JsonLines, &g, &[] as &[ParsedDocument], &[]).expect("jsonl"),
            ""
        );
        assert_eq!(
            render(Format::Csv, &g, &[] as &[ParsedDocument], &[]).expect("csv"),
            CSV_HEADER
        );
    }

    /// A writer that fails after `room` bytes, like a full disk.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::other("no space left"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_is_an_error_not_a_panic() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let (docs, places) = parsed(&g, vec![Document::from_text("a", "Niamey. ".repeat(2000))]);
        for format in [Format::GeoJson, Format::Kml, Format::JsonLines, Format::Csv] {
            let err = write_to(&mut Full { room: 1000 }, format, &g, &docs, &places)
                .expect_err("the disk is full");
            assert!(err.to_string().contains("no space left"), "{err}");
        }
    }
}
