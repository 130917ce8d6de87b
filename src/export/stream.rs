//! Exporting documents as they are parsed, never holding the corpus: the command line's
//! batch mode. Each document is rendered on the thread that parsed it
//! ([`DocumentExport::render`]; a long text section by section as it is parsed,
//! [`DocumentExport::render_section`]), so serializing runs on every core; the
//! [`ExportStream`] then only copies bytes, in input order, as documents finish.
//!
//! JSON Lines and CSV rows go out at once. GeoJSON has one feature per place, and KML one
//! Placemark, so these are written at the end: the stream keeps, per place, the mention
//! and document counts and the first [`MAX_MENTIONS_PER_FEATURE`] mentions already
//! rendered (never the texts), so its memory grows with the places shown, not with the
//! documents.
//!
//! The bytes are the same as [`super::write_to`] gives for the whole set with the same
//! corrections and filter (tested), so a batch and the app export the same files.

use std::io::Write;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::csv_row::CsvDocument;
use super::gather::{Gathered, spare_buffer};
use super::kml::{self, KML_TAIL};
use super::{
    CSV_HEADER, Detail, Format, GEOJSON_HEAD, GEOJSON_TAIL, JsonDocument, MAX_MENTIONS_PER_FEATURE,
    write_csv_row, write_feature, write_json_row, write_mention_json,
};
use crate::corpus::places::Shown;
use crate::corpus::{MentionRef, ParsedDocument, ParsedView};
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::why::WhyContext;

/// One document's part of an export: its JSON Lines or CSV rows, or for GeoJSON (KML)
/// each shown mention's JSON (description item) under its place, rendered on the thread
/// that parsed it; the same for one section of a long text; or, for a document with very
/// many mentions parsed whole, the document itself, rendered in parallel pieces by
/// [`ExportStream::push`] so its rows are never all in memory at once.
#[derive(Debug)]
pub struct DocumentExport(Part);

#[derive(Debug)]
enum Part {
    Rendered(Rendered),
    Large(ParsedDocument),
    /// A section of a long text ([`DocumentExport::render_section`]).
    Section {
        pieces: Vec<Rendered>,
        first: bool,
    },
}

/// Rendered mentions of a document (or of a piece of one).
#[derive(Debug, Default)]
struct Rendered {
    /// JSON Lines or CSV rows, ready to write.
    rows: Vec<u8>,
    /// The place each shown mention is counted under, in text order.
    places: Vec<EntryIndex>,
    /// For GeoJSON and KML, each shown mention as a feature or Placemark lists it
    /// (parallel to `places`).
    mentions: Vec<Vec<u8>>,
}

/// A document with more mentions than this is rendered by [`ExportStream::push`] a
/// piece of [`PIECE_MENTIONS`] per core at a time (a 40 MB text has ~400,000 mentions
/// and ~120 MB of JSON Lines rows).
const LARGE_MENTIONS: usize = 4096;

/// Mentions in a piece of a large document: its rows (~1.1 KB a JSON Lines row) stay
/// under [`super::gather`]'s largest kept buffer (1 MB), so a piece is rendered into
/// memory just written out and still in the caches. Pieces of 4,096 mentions (4.5 MB of
/// rows) each took new memory, which the kernel then copied from and the allocator gave
/// back: a fifth of a 40 MB text's time on one core was the write.
const PIECE_MENTIONS: usize = 768;

impl DocumentExport {
    /// Renders what `shown` shows of `doc` in `format`, each mention with its `why` and
    /// all its alternates in the formats that carry them ([`Detail::FULL`]). Runs on
    /// any thread.
    pub fn render(
        format: Format,
        shown: &Shown<'_>,
        doc: ParsedDocument,
    ) -> std::io::Result<DocumentExport> {
        DocumentExport::render_with(format, shown, doc, Detail::FULL)
    }

    /// As [`DocumentExport::render`], with as much of each mention as `detail` says
    /// (`gazette parse` leaves out the `why` and writes three alternates unless told
    /// otherwise: each costs bytes and time on every row of a batch).
    pub fn render_with(
        format: Format,
        shown: &Shown<'_>,
        doc: ParsedDocument,
        detail: Detail,
    ) -> std::io::Result<DocumentExport> {
        if doc.mentions.len() > LARGE_MENTIONS {
            return Ok(DocumentExport(Part::Large(doc)));
        }
        let mentions: Vec<_> = shown.mentions(0, &doc).collect();
        let g = shown.gazetteer();
        let context = why_context(format, g, doc.view(), detail.why);
        render(
            format,
            g,
            doc.view(),
            &mentions,
            (context.as_ref(), detail.alternates),
        )
        .map(|r| DocumentExport(Part::Rendered(r)))
    }

    /// One section of a long text, as [`crate::corpus::load_then`] hands them out while
    /// the text is parsed: what `shown` shows of the section's mentions, each with at
    /// most `alternates` alternates and no `why` (a mention's why reads the whole text's
    /// mentions, so a batch asked for it parses long texts whole). `first` marks the
    /// text's first section, which the stream counts as the document. Rendered in pieces
    /// of 768 mentions, as [`ExportStream::push`] renders a long text parsed whole,
    /// so that each piece's buffer is one just written.
    pub fn render_section(
        format: Format,
        shown: &Shown<'_>,
        section: ParsedView<'_>,
        first: bool,
        alternates: usize,
    ) -> std::io::Result<DocumentExport> {
        let g = shown.gazetteer();
        let mentions: Vec<_> = shown.mentions(0, section).collect();
        let pieces = mentions
            .chunks(PIECE_MENTIONS)
            .map(|piece| render(format, g, section, piece, (None, alternates)))
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(DocumentExport(Part::Section { pieces, first }))
    }
}

/// What the `why` of `doc`'s mentions reads, for the formats that carry one when `why`
/// is asked for (`None` otherwise).
fn why_context(
    format: Format,
    gazetteer: &Gazetteer,
    doc: ParsedView<'_>,
    why: bool,
) -> Option<WhyContext> {
    match format {
        Format::JsonLines | Format::GeoJson if why => {
            Some(WhyContext::new(gazetteer, doc.mentions))
        }
        _ => None,
    }
}

/// Renders `mentions` (shown mentions of `doc`, with their places) in `format`, each with
/// its `why` if the context is given and at most the count of alternates (the formats
/// that carry them).
fn render(
    format: Format,
    gazetteer: &Gazetteer,
    doc: ParsedView<'_>,
    mentions: &[(EntryIndex, MentionRef)],
    detail: (Option<&WhyContext>, usize),
) -> std::io::Result<Rendered> {
    let (context, alternates) = detail;
    let mut part = Rendered {
        rows: spare_buffer(rows_size(
            format,
            doc,
            mentions,
            context.is_some(),
            alternates,
        )),
        ..Rendered::default()
    };
    part.places.reserve(mentions.len());
    let mut csv = None;
    let mut json = None;
    for (place, m) in mentions {
        part.places.push(*place);
        match format {
            Format::JsonLines => {
                let fields = json.get_or_insert_with(|| JsonDocument::of(doc));
                write_json_row(&mut part.rows, gazetteer, doc, fields, m, *place, detail);
            }
            Format::Csv => {
                let fields = csv.get_or_insert_with(|| CsvDocument::of(doc));
                write_csv_row(&mut part.rows, gazetteer, doc, fields, m, *place);
            }
            Format::GeoJson => {
                let mut bytes = Vec::new();
                write_mention_json(&mut bytes, gazetteer, doc, m, context, alternates)?;
                part.mentions.push(bytes);
            }
            Format::Kml => {
                let mut bytes = Vec::new();
                kml::write_mention_item(&mut bytes, doc, m)?;
                part.mentions.push(bytes);
            }
        }
    }
    Ok(part)
}

/// About the bytes of `mentions`' rows in `format` (their passages, and a typical row's
/// other fields: a little more than the rows of this corpus's news articles take), so
/// that a document's rows are written into one allocation instead of one copied each
/// time it grows. GeoJSON and KML have no rows. A JSON Lines row grows with its
/// alternates written (each ~110-125 bytes; nine in ten rows of the development archive
/// fit these figures): one flat figure per row left documents whose names have many
/// namesakes short, and each such document's rows were copied as they grew.
fn rows_size(
    format: Format,
    doc: ParsedView<'_>,
    mentions: &[(EntryIndex, MentionRef)],
    why: bool,
    alternates: usize,
) -> usize {
    let (per_row, per_alternate) = match format {
        Format::Csv => (160, 0),
        Format::JsonLines if why => (620, 125),
        Format::JsonLines => (400, 115),
        Format::GeoJson | Format::Kml => return 0,
    };
    mentions
        .iter()
        .map(|(_, m)| {
            let mention = &doc.mentions[m.mention];
            let passage = &mention.passage;
            per_row
                + per_alternate * mention.resolution.alternates.len().min(alternates)
                + passage.end.saturating_sub(passage.start)
        })
        .sum()
}

/// What an export held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    /// Documents pushed.
    pub documents: usize,
    /// Distinct places shown.
    pub places: usize,
    /// Mentions shown.
    pub mentions: usize,
}

/// A place's mentions, as far as a GeoJSON feature or a KML Placemark needs them.
#[derive(Debug, Default)]
struct PlaceMentions {
    count: usize,
    /// Distinct documents they are in (documents come in order).
    documents: usize,
    /// The number of the last document counted (1 for the first pushed; 0: none yet).
    last_document: usize,
    listed: Vec<Vec<u8>>,
}

/// An export written as documents come: [`push`](Self::push) each document's
/// [`DocumentExport`] in order, then [`finish`](Self::finish). The writer should be
/// buffered (a `BufWriter`, or [`crate::output_file::write_atomically`]'s).
pub struct ExportStream<'s, W: Write> {
    out: W,
    format: Format,
    shown: &'s Shown<'s>,
    started: bool,
    places: FxHashMap<EntryIndex, PlaceMentions>,
    counts: ExportCounts,
    /// How much of each mention is written (see [`DocumentExport::render_with`]).
    detail: Detail,
    /// Rows not yet written: written together, straight from the buffers they were
    /// rendered into.
    rows: Gathered,
}

impl<'s, W: Write> ExportStream<'s, W> {
    /// A stream writing in `format` to `out` what `shown` shows of the documents pushed.
    /// Nothing is written before the first push or [`finish`](Self::finish).
    pub fn new(out: W, format: Format, shown: &'s Shown<'s>) -> Self {
        ExportStream {
            out,
            format,
            shown,
            started: false,
            places: FxHashMap::default(),
            counts: ExportCounts::default(),
            detail: Detail::FULL,
            rows: Gathered::default(),
        }
    }

    /// Writes as much of each mention as `detail` says (all of it by default): pair it
    /// with [`DocumentExport::render_with`] given the same `detail`.
    pub fn with_detail(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }

    /// Documents pushed so far.
    pub fn documents(&self) -> usize {
        self.counts.documents
    }

    fn start(&mut self) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            match self.format {
                Format::Csv => self.out.write_all(CSV_HEADER.as_bytes())?,
                Format::GeoJson => self.out.write_all(GEOJSON_HEAD)?,
                Format::Kml => kml::write_head(&mut self.out)?,
                Format::JsonLines => {}
            }
        }
        Ok(())
    }

    /// Adds the next document: its rows are written now (JSON Lines, CSV) or its
    /// mentions kept for its places' features or Placemarks (GeoJSON, KML: at most
    /// [`MAX_MENTIONS_PER_FEATURE`] a place).
    ///
    /// A long text's sections ([`DocumentExport::render_section`]) are pushed one after
    /// the other, in text order, as one document.
    pub fn push(&mut self, part: DocumentExport) -> std::io::Result<()> {
        self.start()?;
        match part.0 {
            Part::Rendered(rendered) => {
                self.counts.documents += 1;
                self.write(rendered)
            }
            Part::Large(doc) => {
                self.counts.documents += 1;
                self.push_large(doc.view())
            }
            Part::Section { pieces, first } => {
                self.counts.documents += usize::from(first);
                pieces.into_iter().try_for_each(|piece| self.write(piece))
            }
        }
    }

    /// Writes a document with very many mentions, rendered a round of pieces at a time
    /// ([`PIECE_MENTIONS`] each, one a core): while this thread writes one round, the
    /// pool renders the next, so no core waits for the writes (194 MB of rows for a
    /// 40 MB text). At most two rounds are held: the one written and the one rendered.
    fn push_large(&mut self, doc: ParsedView<'_>) -> std::io::Result<()> {
        let shown = self.shown;
        let (format, g) = (self.format, shown.gazetteer());
        let context = why_context(format, g, doc, self.detail.why);
        let detail = (context.as_ref(), self.detail.alternates);
        let per_round = PIECE_MENTIONS * rayon::current_num_threads();
        let mut mentions = shown.mentions(0, doc);
        let mut to_write: Vec<std::io::Result<Rendered>> = Vec::new();
        loop {
            let round: Vec<_> = mentions.by_ref().take(per_round).collect();
            if round.is_empty() && to_write.is_empty() {
                return Ok(());
            }
            let render_round = || -> Vec<std::io::Result<Rendered>> {
                round
                    .par_chunks(PIECE_MENTIONS)
                    .map(|piece| render(format, g, doc, piece, detail))
                    .collect()
            };
            let (wrote, rendered) = std::thread::scope(|scope| {
                let rendering = scope.spawn(render_round);
                let wrote = to_write.drain(..).try_for_each(|piece| self.write(piece?));
                (wrote, rendering.join())
            });
            wrote?;
            to_write = rendered.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    }

    fn write(&mut self, part: Rendered) -> std::io::Result<()> {
        self.rows.push(&mut self.out, part.rows)?;
        self.counts.mentions += part.places.len();
        let mut rendered = part.mentions.into_iter();
        let document = self.counts.documents;
        for place in part.places {
            let kept = self.places.entry(place).or_default();
            kept.count += 1;
            if kept.last_document != document {
                kept.last_document = document;
                kept.documents += 1;
            }
            if let Some(bytes) = rendered.next()
                && kept.listed.len() < MAX_MENTIONS_PER_FEATURE
            {
                kept.listed.push(bytes);
            }
        }
        Ok(())
    }

    /// Writes what remains (GeoJSON's features or KML's Placemarks, most mentioned place
    /// first as in [`places()`](crate::corpus::places())), flushes, and says what the
    /// export held.
    pub fn finish(mut self) -> std::io::Result<ExportCounts> {
        self.start()?;
        self.rows.write_to(&mut self.out)?;
        self.counts.places = self.places.len();
        if matches!(self.format, Format::GeoJson | Format::Kml) {
            let g = self.shown.gazetteer();
            let mut places: Vec<(EntryIndex, PlaceMentions)> = self.places.drain().collect();
            places.sort_by(|(a, pa), (b, pb)| {
                pb.count
                    .cmp(&pa.count)
                    .then_with(|| g.entry(*a).name.cmp(&g.entry(*b).name))
                    .then(a.cmp(b))
            });
            for (i, (entry, kept)) in places.into_iter().enumerate() {
                let mut listed = kept.listed.into_iter().map(Ok);
                if self.format == Format::Kml {
                    let (count, documents) = (kept.count, kept.documents);
                    kml::write_placemark(&mut self.out, g, entry, count, documents, &mut listed)?;
                } else {
                    self.out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                    write_feature(&mut self.out, g, entry, kept.count, &mut listed)?;
                }
            }
            self.out.write_all(if self.format == Format::Kml {
                KML_TAIL
            } else {
                GEOJSON_TAIL
            })?;
        }
        self.out.flush()?;
        Ok(self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{
        Correction, CorrectionAction, Corrections, Document, Filter, parse_documents, places,
    };
    use crate::geoparse::Geoparser;

    /// A long text pushed as sections ([`DocumentExport::render_section`]) is written as
    /// the same text pushed whole: the same bytes and counts, in every format, whatever
    /// the filter, between other documents.
    #[test]
    fn a_text_pushed_in_sections_is_the_text_pushed_whole() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let long = "Rain in Niamey, then Paris. Floods in Agadez, Niger. "
            .repeat(LARGE_MENTIONS / 2 + PIECE_MENTIONS * 3);
        let docs = vec![
            Document::from_text("a.txt", "Talks in Paris and Lyon."),
            Document::from_text("long.txt", long),
            Document::from_text("c.txt", "Rain in Niamey."),
        ];
        let parsed = parse_documents(&Geoparser::new(&g), docs);
        let n = parsed[1].mentions.len();
        // Uneven sections, one of them without mentions.
        let cuts = [0, 7, 7, n / 2, n];
        let corrections = Corrections::default();
        for filter in [
            Filter::default(),
            Filter {
                hidden_countries: ["FR".to_string()].into(),
                ..Filter::default()
            },
        ] {
            let shown = Shown::new(&g, &corrections, &filter);
            for format in [Format::GeoJson, Format::Kml, Format::JsonLines, Format::Csv] {
                let write = |sectioned: bool| {
                    let mut out = Vec::new();
                    let mut stream =
                        ExportStream::new(&mut out, format, &shown).with_detail(Detail::BATCH);
                    for (i, doc) in parsed.iter().enumerate() {
                        if i == 1 && sectioned {
                            for (k, pair) in cuts.windows(2).enumerate() {
                                let section = ParsedView {
                                    document: &doc.document,
                                    mentions: &doc.mentions[pair[0]..pair[1]],
                                };
                                let part = DocumentExport::render_section(
                                    format,
                                    &shown,
                                    section,
                                    k == 0,
                                    Detail::BATCH.alternates,
                                );
                                stream.push(part.expect("render")).expect("push");
                            }
                        } else {
                            let part = DocumentExport::render_with(
                                format,
                                &shown,
                                doc.clone(),
                                Detail::BATCH,
                            );
                            stream.push(part.expect("render")).expect("push");
                        }
                    }
                    let counts = stream.finish().expect("finish");
                    (String::from_utf8_lossy(&out).into_owned(), counts)
                };
                let (whole, whole_counts) = write(false);
                let (sectioned, sectioned_counts) = write(true);
                assert!(whole.len() > 1000, "{format:?}");
                assert_eq!(sectioned, whole, "{format:?} {filter:?}");
                assert_eq!(sectioned_counts, whole_counts);
                assert_eq!(sectioned_counts.documents, 3);
            }
        }
    }

    /// The stream writes the bytes the whole-set export writes, whatever the filter and
    /// corrections, in every format.
    #[test]
    fn streamed_exports_are_the_whole_set_exports() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let texts = [
            "Troops left Niamey for Agadez, Niger. Nigerien officials in Niamey said so.",
            "",
            "Talks in Paris and Lyon. Paris again, then Berlin.",
            &"Rain in Niamey. ".repeat(MAX_MENTIONS_PER_FEATURE + 3),
            // Rendered in pieces by the stream, over at least two rounds and a part.
            &"Rain in Niamey, then Paris. ".repeat(
                LARGE_MENTIONS / 2
                    + PIECE_MENTIONS * rayon::current_num_threads()
                    + PIECE_MENTIONS / 2,
            ),
            "A quote \"in Kano, Nigeria\", and a comma, in Lagos.",
        ];
        let docs: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut d = Document::from_text(format!("d{i}.txt"), *t);
                d.path = (i % 2 == 0).then(|| format!("in/d{i}.txt").into());
                d
            })
            .collect();
        let parsed = parse_documents(&Geoparser::new(&g), docs);
        let paris = parsed[2].mentions[0].clone();
        let mut corrections = Corrections::default();
        corrections.set(Correction {
            document: "d2.txt".into(),
            start: paris.start,
            end: paris.end,
            action: CorrectionAction::NotAPlace,
        });
        let filters = [
            Filter::default(),
            Filter {
                show_demonyms: true,
                min_confidence: 0.5,
                ..Filter::default()
            },
            Filter {
                search: "nia".into(),
                ..Filter::default()
            },
            Filter {
                hidden_countries: ["FR".to_string()].into(),
                hidden_documents: ["d0.txt".to_string()].into(),
                ..Filter::default()
            },
        ];
        for filter in &filters {
            let shown = Shown::new(&g, &corrections, filter);
            let whole = places(&g, &parsed, &corrections, filter);
            for format in [Format::GeoJson, Format::Kml, Format::JsonLines, Format::Csv] {
                let mut streamed = Vec::new();
                let mut stream = ExportStream::new(&mut streamed, format, &shown);
                for doc in &parsed {
                    let part = DocumentExport::render(format, &shown, doc.clone()).expect("render");
                    stream.push(part).expect("push");
                }
                let counts = stream.finish().expect("finish");
                let expected = super::super::render(format, &g, &parsed, &whole).expect("render");
                assert_eq!(
                    String::from_utf8_lossy(&streamed),
                    expected,
                    "{format:?} {filter:?}"
                );
                assert_eq!(counts.places, whole.len());
                assert_eq!(
                    counts.mentions,
                    whole.iter().map(|p| p.mentions.len()).sum::<usize>()
                );
                assert_eq!(counts.documents, parsed.len());
            }
        }
    }
}
