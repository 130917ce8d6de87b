//! From inputs to parsed documents: the one path every front end takes. Files are listed,
//! read and decoded, and parsed in parallel (rayon), with progress reported as events in
//! input order and a cancel flag checked between documents.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::document::{Document, DocumentSource};
use super::formats::{Fields, Format, FormatError, Record, RecordError, archive, dataset, feed};
use super::read::{DocumentError, MAX_DOCUMENT_BYTES, display_path};
use super::source::{Input, article_files};
use crate::geoparse::{Geoparser, MemoPool, Mention};

/// A document with the mentions the parser found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedDocument {
    /// The document.
    pub document: Document,
    /// Its mentions, in text order.
    pub mentions: Vec<Mention>,
}

/// A parsed document borrowed, or one section of a long text ([`SECTION_BYTES`]): the
/// whole document and that section's mentions, offsets into the whole text. What shown
/// mentions and export rows are read from, so that a long text's rows can be made
/// section by section as it is parsed, its mentions never all held.
#[derive(Debug, Clone, Copy)]
pub struct ParsedView<'a> {
    /// The document, its text whole.
    pub document: &'a Document,
    /// Mentions of it, in text order.
    pub mentions: &'a [Mention],
}

impl ParsedDocument {
    /// The document and all its mentions, borrowed.
    pub fn view(&self) -> ParsedView<'_> {
        ParsedView {
            document: &self.document,
            mentions: &self.mentions,
        }
    }
}

impl<'a> From<&'a ParsedDocument> for ParsedView<'a> {
    fn from(parsed: &'a ParsedDocument) -> Self {
        parsed.view()
    }
}

/// Parses documents already in memory in parallel (one rayon task per document), the
/// threads sharing a [`MemoPool`] so names are looked up once per thread, not once per
/// document.
pub fn parse_documents(parser: &Geoparser<'_>, documents: Vec<Document>) -> Vec<ParsedDocument> {
    let memos = MemoPool::new();
    documents
        .into_par_iter()
        .map(|document| {
            let mentions = parse_text(parser, &memos, &document.text);
            ParsedDocument { document, mentions }
        })
        .collect()
}

/// A text longer than this (bytes) is parsed as sections of at most about this size,
/// cut at paragraph breaks, on all cores. 1 MiB is a book-length report; a news article
/// is a few kilobytes, so news is parsed whole. Each section is its own context for
/// resolution (the countries and places it names), which for a text this long is
/// nearer to what a reader means than the whole; and one 40 MB file (an archive dump)
/// is parsed at the speed of many small ones instead of on one core.
pub const SECTION_BYTES: usize = 1 << 20;

/// The mentions of `text`: parsed whole, or by [`SECTION_BYTES`] sections in parallel,
/// their offsets then made offsets into `text`.
pub fn parse_text(parser: &Geoparser<'_>, memos: &MemoPool, text: &str) -> Vec<Mention> {
    if text.len() <= SECTION_BYTES {
        return memos.with(|memo| parser.parse_with(text, memo));
    }
    let sections: Vec<Vec<Mention>> = sections(text, SECTION_BYTES)
        .into_par_iter()
        // One task a section: rayon would otherwise run a quarter of them as one
        // task, and the last core to finish would parse several sections alone.
        .with_max_len(1)
        .map(|range| parse_section(parser, memos, text, range))
        .collect();
    // Moved, not cloned as `concat` would: a 40 MB text has ~400,000 mentions.
    let mut all = Vec::with_capacity(sections.iter().map(Vec::len).sum());
    for section in sections {
        all.extend(section);
    }
    all
}

/// The mentions of `text[range]`, their offsets made offsets into `text`.
fn parse_section(
    parser: &Geoparser<'_>,
    memos: &MemoPool,
    text: &str,
    range: std::ops::Range<usize>,
) -> Vec<Mention> {
    let offset = range.start;
    let mut mentions = memos.with(|memo| parser.parse_with(&text[range], memo));
    for m in &mut mentions {
        m.start += offset;
        m.end += offset;
        m.passage = m.passage.start + offset..m.passage.end + offset;
    }
    mentions
}

/// `text` cut into consecutive ranges of at most `max` bytes (more only where no cut
/// below is possible), each ending after a paragraph break (a blank line) where there
/// is one in the range's second half, else after a line break, else after a sentence's
/// full stop and space, else at a character boundary: so a sentence, and so a
/// mention or its passage, is never cut unless it is longer than half a section.
fn sections(text: &str, max: usize) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let limit = start + max;
        let half = start + max / 2;
        let window = &bytes[half..limit];
        let cut = memchr::memmem::rfind(window, b"\n\n")
            .map(|i| half + i + 2)
            .or_else(|| memchr::memrchr(b'\n', window).map(|i| half + i + 1))
            .or_else(|| memchr::memmem::rfind(window, b". ").map(|i| half + i + 2))
            .unwrap_or_else(|| text.floor_char_boundary(limit));
        // A character longer than the whole limit cannot happen (max ≥ 4 in practice);
        // guard anyway so the loop always moves.
        let cut = if cut <= start {
            text.ceil_char_boundary(start + 1)
        } else {
            cut
        };
        out.push(start..cut);
        start = cut;
    }
    out.push(start..text.len());
    out
}

/// What [`load`] reports, in this order: `Started` once, then one `Document` or
/// `Skipped` per input document (in input order; listing problems come first), then
/// `Finished` — unless the load was cancelled, which ends it without `Finished`. From
/// [`load_then`] given what to make of sections, a long text's `Document` comes after
/// its other sections' `Section` events.
///
/// `D` is what a parsed document becomes: the [`ParsedDocument`] itself from [`load`],
/// whatever the caller's `then` makes of it from [`load_then`].
#[derive(Debug)]
pub enum LoadEvent<D = ParsedDocument> {
    /// The inputs were listed: this many documents will be read.
    Started {
        /// Documents to read.
        total: usize,
    },
    /// A section of a long text, not the last, from [`load_then`] given what to make of
    /// sections: the sections of one text come one after the other, in text order, and
    /// its last comes as the `Document`.
    Section {
        /// What the section became.
        parsed: D,
    },
    /// One document was read and parsed (or, from [`load_then`] given what to make of
    /// sections, the last section of a long text).
    Document {
        /// The result.
        parsed: D,
        /// Where it came from.
        source: DocumentSource,
        /// A note on how it was decoded (not UTF-8), if any.
        warning: Option<String>,
    },
    /// A file that holds many documents (a feed, a dataset export, a zip archive) was
    /// found to hold this many more than the one `Started` counted it as: the total
    /// grows as such files are read.
    More {
        /// Documents to add to the total.
        documents: usize,
    },
    /// Something the user should know that skipped no input: files of unknown kinds in
    /// a folder, or how many more of a file's records had warnings than were listed.
    Note(String),
    /// An input, a folder below one, a file or one record of a file was skipped.
    Skipped(DocumentError),
    /// Every input was handled.
    Finished {
        /// Documents parsed.
        loaded: usize,
        /// Inputs, folders and files skipped.
        skipped: usize,
    },
}

/// One document to read: where from, and its name.
enum Item {
    /// A file holding one document, read on a parsing thread.
    File {
        path: PathBuf,
        name: String,
        format: Format,
        /// Listed as a regular file by its folder (see [`super::ArticleFiles::files`]).
        listed_regular: bool,
    },
    /// A file holding many, read on the thread that hands out the work (in order, one
    /// record at a time); `only` keeps the records a saved session named.
    Container {
        path: PathBuf,
        name: String,
        format: Format,
        fields: Fields,
        only: Option<HashSet<String>>,
    },
    /// Text in memory.
    Text { name: String, text: String },
    /// One document of a container, in its format's bytes (a zip entry), extracted on a
    /// parsing thread.
    Bytes {
        bytes: Vec<u8>,
        format: Format,
        path: PathBuf,
        source: DocumentSource,
    },
    /// One document of a container, read.
    Read {
        document: Document,
        source: DocumentSource,
        warning: Option<String>,
    },
    /// What could not be read, reported in its place.
    Failed(DocumentError),
    /// A note, reported in its place.
    Note(String),
}

/// Lists, reads and parses `inputs` with `parser`, calling `emit` on the calling thread
/// for each event (see [`LoadEvent`]). Stops early, without `Finished`, once `cancel` is
/// raised. See [`load_then`] for how the work is spread.
pub fn load(
    parser: &Geoparser<'_>,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    emit: &mut dyn FnMut(LoadEvent),
) {
    load_with(
        parser,
        inputs,
        cancel,
        None,
        (&|parsed| parsed, None),
        emit,
        &mut |_| {},
    );
}

/// Tells whether a document just read is one the caller already holds parsed (a
/// project's [`KnownDocuments`](crate::project::KnownDocuments)). Called on the parsing
/// threads, before the document is parsed.
pub type IsKnown<'a> = &'a (dyn Fn(&Document) -> bool + Sync);

/// [`load`], except that a document for which `is_known` returns true once read is not
/// parsed: it is passed to `on_known`, in input order with the other events, instead of
/// being emitted as a [`LoadEvent::Document`]. `Started` counts it; `Finished::loaded`
/// does not. So a project given a folder again parses only what it lacks.
pub fn load_unless_known(
    parser: &Geoparser<'_>,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    is_known: IsKnown<'_>,
    emit: &mut dyn FnMut(LoadEvent),
    on_known: &mut dyn FnMut(DocumentSource),
) {
    load_with(
        parser,
        inputs,
        cancel,
        Some(is_known),
        (&|parsed| parsed, None),
        emit,
        on_known,
    );
}

/// [`load`], with `then` applied to each parsed document on the thread that parsed it:
/// the command line renders a document's export rows there, so that work is spread
/// over the cores too and the document's text is dropped before it reaches `emit`.
///
/// Given `sections`, a text longer than [`SECTION_BYTES`] is not given to `then`:
/// `sections` makes what each of its sections becomes, on the thread that parsed it
/// (given the whole document, the section's mentions and whether it is the first), and
/// these are emitted in text order as `Section` events, the last as the `Document`,
/// while the later sections are parsed. So the command line writes a 40 MB text's rows
/// as it parses it, renders each section's rows while its text is in the caches, and
/// never holds the text's mentions or rows whole.
///
/// A thread of its own hands the documents to the rayon pool a chunk at a time while
/// the calling thread emits the previous chunk's events, so parsing never waits for
/// `emit` (writing the output, updating a window) and memory holds at most three
/// chunks of documents (of about 4 MiB of text, or a few long texts) beyond what `emit`
/// keeps, whatever the number of inputs.
pub fn load_then<D: Send>(
    parser: &Geoparser<'_>,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    then: &(dyn Fn(ParsedDocument) -> D + Sync),
    sections: Option<SectionThen<'_, D>>,
    emit: &mut dyn FnMut(LoadEvent<D>),
) {
    load_with(
        parser,
        inputs,
        cancel,
        None,
        (then, sections),
        emit,
        &mut |_| {},
    );
}

/// What [`load_then`] makes of each section of a long text: given the whole document
/// and the section's mentions ([`ParsedView`]), and whether it is the text's first.
pub type SectionThen<'a, D> = &'a (dyn Fn(ParsedView<'_>, bool) -> D + Sync);

/// [`load_then`] and [`load_unless_known`] in one.
fn load_with<D: Send>(
    parser: &Geoparser<'_>,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    is_known: Option<IsKnown<'_>>,
    (then, sections): (
        &(dyn Fn(ParsedDocument) -> D + Sync),
        Option<SectionThen<'_, D>>,
    ),
    emit: &mut dyn FnMut(LoadEvent<D>),
    on_known: &mut dyn FnMut(DocumentSource),
) {
    let (items, mut skipped) = list(inputs, &mut |e| emit(LoadEvent::Skipped(e)));
    let total = items
        .iter()
        .filter(|item| !matches!(item, Item::Note(_)))
        .count();
    emit(LoadEvent::Started { total });
    let memos = MemoPool::new();
    let threads = rayon::current_num_threads().max(1);
    let mut loaded = 0;
    let check_names = reads_much(&items);
    let finished = std::thread::scope(|scope| {
        if check_names {
            // While the first texts are read.
            scope.spawn(|| parser.gazetteer().check_names());
        }
        // One chunk in the channel, one being parsed, one being emitted.
        let (chunks, parsed) = std::sync::mpsc::sync_channel::<Vec<Option<Outcome<D>>>>(1);
        let memos = &memos;
        scope.spawn(move || {
            let mut batch = Batch {
                items: Vec::new(),
                more: 0,
                // The first chunk has four documents a thread; then about CHUNK_BYTES.
                size: threads * 4,
            };
            // Parses the batch and hands its results on; false once the load is over.
            let flush = |batch: &mut Batch| -> bool {
                if cancel.load(Ordering::Relaxed) {
                    return false;
                }
                let items = std::mem::take(&mut batch.items);
                let documents = items.len();
                let read = std::sync::atomic::AtomicUsize::new(0);
                let mut results: Vec<Option<Step<D>>> = Vec::with_capacity(documents + 1);
                if batch.more > 0 {
                    results.push(Some(Step::Ready(Outcome::Event(LoadEvent::More {
                        documents: std::mem::take(&mut batch.more),
                    }))));
                }
                // One task a document (see `parse_text`): the chunk ends when its
                // last document is parsed, so no core is left parsing a run alone.
                let reading = Reading {
                    is_known,
                    sectioned: sections.is_some(),
                    read: &read,
                    cancel,
                };
                results.par_extend(items.into_par_iter().with_max_len(1).map(|item| {
                    let event = read_and_parse(parser, memos, item, &reading)?;
                    Some(Step::Ready(match event {
                        Parsed::Document {
                            parsed,
                            source,
                            warning,
                        } => Outcome::Event(LoadEvent::Document {
                            parsed: then(parsed),
                            source,
                            warning,
                        }),
                        Parsed::Long(long) => return Some(Step::Long(long)),
                        Parsed::Skipped(e) => Outcome::Event(LoadEvent::Skipped(e)),
                        Parsed::Note(note) => Outcome::Event(LoadEvent::Note(note)),
                        Parsed::Known(source) => Outcome::Known(source),
                    }))
                }));
                let average = read.load(Ordering::Relaxed) / documents.max(1);
                batch.size = (CHUNK_BYTES / average.max(1)).clamp(threads, threads * 64);
                // The results up to a long text go at once; the long text's sections
                // then go one by one as they are parsed. The receiver hangs up when the
                // load was cancelled.
                let mut ready = Vec::with_capacity(results.len());
                for step in results {
                    let long = match step {
                        Some(Step::Long(long)) => long,
                        Some(Step::Ready(outcome)) => {
                            ready.push(Some(outcome));
                            continue;
                        }
                        None => {
                            ready.push(None);
                            continue;
                        }
                    };
                    let Some(each) = sections else {
                        // Only asked for with `sections`; parsed whole otherwise.
                        ready.push(Some(Outcome::Event(long.parse_whole(parser, memos, then))));
                        continue;
                    };
                    if chunks.send(std::mem::take(&mut ready)).is_err()
                        || !by_sections(parser, memos, long, each, threads, cancel, &chunks)
                    {
                        return false;
                    }
                }
                chunks.send(ready).is_ok()
            };
            let push = |batch: &mut Batch, item: Item| -> ControlFlow<()> {
                batch.items.push(item);
                if batch.items.len() >= batch.size && !flush(batch) {
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            };
            for item in items {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                match item {
                    Item::Container {
                        path,
                        name,
                        format,
                        fields,
                        only,
                    } => {
                        // The container was counted as one document; each item after
                        // its first adds one to the total.
                        let mut first = true;
                        let finished =
                            expand(&path, &name, format, &fields, only.as_ref(), &mut |item| {
                                if !matches!(item, Item::Note(_)) {
                                    if first {
                                        first = false;
                                    } else {
                                        batch.more += 1;
                                    }
                                }
                                push(&mut batch, item)
                            });
                        if !finished {
                            return;
                        }
                    }
                    item => {
                        if push(&mut batch, item).is_break() {
                            return;
                        }
                    }
                }
            }
            if !batch.items.is_empty() || batch.more > 0 {
                flush(&mut batch);
            }
        });
        for results in parsed {
            for event in results {
                match event {
                    Some(Outcome::Event(event @ LoadEvent::Document { .. })) => {
                        loaded += 1;
                        emit(event);
                    }
                    Some(Outcome::Event(event @ LoadEvent::Skipped(_))) => {
                        skipped += 1;
                        emit(event);
                    }
                    Some(Outcome::Event(event)) => emit(event),
                    Some(Outcome::Known(source)) => on_known(source),
                    None => return false,
                }
            }
        }
        !cancel.load(Ordering::Relaxed)
    });
    if finished {
        emit(LoadEvent::Finished { loaded, skipped });
    }
}

/// The documents the producer has gathered for the next chunk.
struct Batch {
    items: Vec<Item>,
    /// Documents found in containers since the last chunk, beyond the one each was
    /// counted as.
    more: usize,
    /// Documents to gather before parsing them.
    size: usize,
}

/// About how many bytes of text [`load`] reads and parses as one chunk.
const CHUNK_BYTES: usize = 4 << 20;

/// Whether a load of `items` reads enough text (a few hundred articles, or a MB) to
/// enter nearly every part of the gazetteer's name index, which is then checked whole
/// at once ([`Gazetteer::check_names`](crate::gazetteer::Gazetteer::check_names)), not a
/// part at a time: one pass of about 10 ms where the parts cost several times that.
/// A one-article run keeps checking only the few parts it enters.
fn reads_much(items: &[Item]) -> bool {
    const DOCUMENTS: usize = 256;
    const BYTES: u64 = 1 << 20;
    if items.len() >= DOCUMENTS {
        return true;
    }
    let size = |item: &Item| match item {
        Item::File { path, .. } | Item::Container { path, .. } => {
            std::fs::metadata(path).map_or(0, |m| m.len())
        }
        Item::Text { text, .. } => text.len() as u64,
        _ => 0,
    };
    items.iter().map(size).sum::<u64>() >= BYTES
}

/// The documents `inputs` stand for, in order, and how many inputs or folders below
/// them could not be listed (each reported through `skip`). A folder's files of unknown
/// kinds are counted in one note.
fn list(inputs: Vec<Input>, skip: &mut dyn FnMut(DocumentError)) -> (Vec<Item>, usize) {
    let mut items: Vec<Item> = Vec::new();
    let mut skipped = 0;
    for input in inputs {
        let (path, fields) = match input {
            Input::Path(path) => (path, Fields::default()),
            Input::PathWith { path, fields } => (path, fields),
            Input::File {
                path,
                name,
                record,
                fields,
            } => {
                let format = Format::of(&path).unwrap_or(Format::Text);
                match record {
                    // Records of one file saved together are read in one pass.
                    Some(record) if format.is_container() => {
                        let base = container_name(&name, &record);
                        if let Some(Item::Container {
                            path: last,
                            only: Some(only),
                            ..
                        }) = items.last_mut()
                            && *last == path
                        {
                            only.insert(record);
                        } else {
                            items.push(Item::Container {
                                path,
                                name: base,
                                format,
                                fields,
                                only: Some(HashSet::from([record])),
                            });
                        }
                    }
                    _ => items.push(Item::File {
                        path,
                        name,
                        format,
                        listed_regular: false,
                    }),
                }
                continue;
            }
            Input::Text { name, text } => {
                items.push(Item::Text { name, text });
                continue;
            }
        };
        match article_files(&path) {
            Ok(listed) if listed.files.is_empty() && listed.unreadable.is_empty() => {
                skipped += 1;
                skip(DocumentError::NoArticles {
                    path,
                    unknown: listed.unknown,
                });
            }
            Ok(listed) => {
                for e in listed.unreadable {
                    skipped += 1;
                    skip(e);
                }
                if listed.unknown > 0 {
                    items.push(Item::Note(format!(
                        "{}: {} {} of other kinds skipped ({})",
                        display_path(&path),
                        listed.unknown,
                        if listed.unknown == 1 { "file" } else { "files" },
                        listed.unknown_kinds.join(", ")
                    )));
                }
                items.extend(
                    listed
                        .files
                        .into_iter()
                        .map(|(path, name, format, regular)| {
                            if format.is_container() {
                                Item::Container {
                                    path,
                                    name,
                                    format,
                                    fields: fields.clone(),
                                    only: None,
                                }
                            } else {
                                Item::File {
                                    path,
                                    name,
                                    format,
                                    listed_regular: regular,
                                }
                            }
                        }),
                );
            }
            Err(e) => {
                skipped += 1;
                skip(e);
            }
        }
    }
    (items, skipped)
}

/// The name of the file a record named `name` came from: `name` without `#record` (or
/// `/record` in a zip archive).
fn container_name(name: &str, record: &str) -> String {
    name.strip_suffix(record)
        .and_then(|n| n.strip_suffix('#').or_else(|| n.strip_suffix('/')))
        .unwrap_or(name)
        .to_string()
}

/// How many of one file's record problems and warnings are listed one by one; the rest
/// are counted in one note, so a dataset with a bad date column does not print a line
/// per record.
const LISTED_PER_FILE: usize = 20;

/// Reads the records of a file that holds many documents, calling `each` with an item
/// per record (read, to extract, or failed) in file order, until it breaks. A record's
/// document is named `NAME#KEY`; a zip entry's `NAME/ENTRY`, and a record of a file
/// inside a zip archive `NAME/ENTRY#KEY`. Returns false if `each` broke.
fn expand(
    path: &Path,
    name: &str,
    format: Format,
    fields: &Fields,
    only: Option<&HashSet<String>>,
    each: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> bool {
    use std::cell::{Cell, RefCell};
    let listed = Cell::new(0usize);
    let unlisted = Cell::new(0usize);
    let found = Cell::new(0usize);
    let broke = Cell::new(false);
    let each = RefCell::new(each);
    let wanted = |key: &str| only.is_none_or(|only| only.contains(key));
    // Whether a problem is listed, or only counted.
    let list_one = || {
        if listed.get() < LISTED_PER_FILE {
            listed.set(listed.get() + 1);
            true
        } else {
            unlisted.set(unlisted.get() + 1);
            false
        }
    };
    let send = |item: Item| {
        found.set(found.get() + 1);
        let flow = (each.borrow_mut())(item);
        broke.set(flow.is_break());
        flow
    };
    let mut record = |result: Result<Record, RecordError>| match result {
        Ok(Record { key, extracted }) if wanted(&key) => {
            let warning = extracted.warning.filter(|_| list_one());
            // Inside a zip archive the key is the entry's path (and its record's).
            let record_name = if format == Format::Zip {
                format!("{name}/{key}")
            } else {
                format!("{name}#{key}")
            };
            send(Item::Read {
                document: Document {
                    name: record_name.clone(),
                    path: Some(path.to_path_buf()),
                    text: extracted.text,
                    meta: extracted.meta,
                },
                source: DocumentSource::File {
                    path: path.to_path_buf(),
                    name: record_name,
                    record: Some(key.clone()),
                    fields: fields.clone(),
                },
                warning: warning.map(|w| format!("{}, {key}: {w}", display_path(path))),
            })
        }
        Err(source) if wanted(&source.key) => {
            if list_one() {
                send(Item::Failed(DocumentError::Record {
                    path: path.to_path_buf(),
                    source,
                }))
            } else {
                ControlFlow::Continue(())
            }
        }
        _ => ControlFlow::Continue(()),
    };
    let mut entry = |item: Item| match &item {
        Item::Bytes { source, .. } if !source.record().is_some_and(wanted) => {
            ControlFlow::Continue(())
        }
        _ => send(item),
    };
    let result = read_container(path, name, format, fields, &mut record, &mut entry);
    if broke.get() {
        return false;
    }
    let each = each.into_inner();
    if unlisted.get() > 0 {
        let _ = each(Item::Note(format!(
            "{}: {} more records were skipped or had warnings (the first {LISTED_PER_FILE} \
             are listed above)",
            display_path(path),
            unlisted.get()
        )));
    }
    let failed = |message: FormatError| {
        Item::Failed(DocumentError::Format {
            path: path.to_path_buf(),
            format: format.name(),
            source: message,
        })
    };
    match result {
        Err(source) => each(failed(source)).is_continue(),
        Ok(()) if found.get() == 0 && only.is_none() => {
            each(failed(FormatError::new("holds no documents"))).is_continue()
        }
        Ok(()) => true,
    }
}

/// The records of a container, from the file at `path`. A zip archive's entries that
/// hold one document go to `items` as bytes to extract; its entries that hold many are
/// read here, their records going to `records` like the file's own.
fn read_container(
    path: &Path,
    name: &str,
    format: Format,
    fields: &Fields,
    records: &mut dyn FnMut(Result<Record, RecordError>) -> ControlFlow<()>,
    items: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    let open =
        |max| crate::regular_file::open(path, max).map_err(|e| FormatError::new(e.to_string()));
    match format {
        Format::Feed => {
            let bytes = crate::regular_file::read(path, MAX_DOCUMENT_BYTES)
                .map_err(|e| FormatError::new(e.to_string()))?;
            for_each(feed::records(&bytes)?, records);
            Ok(())
        }
        Format::JsonLines => {
            let (file, _) = open(u64::MAX)?;
            dataset::json_lines(
                std::io::BufReader::with_capacity(1 << 16, file),
                fields,
                records,
            )
        }
        Format::JsonArray => {
            let (file, _) = open(u64::MAX)?;
            dataset::json_array(file, fields, records)
        }
        Format::Delimited { delimiter } => {
            let (file, _) = open(u64::MAX)?;
            dataset::delimited(file, delimiter, fields, records)
        }
        Format::Zip => {
            let (file, _) = open(u64::MAX)?;
            archive::for_each_entry(file, &mut |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => return records(Err(e)),
                };
                let entry_name = format!("{name}/{}", entry.path);
                match Format::of(Path::new(&entry.path)) {
                    None => records(Err(RecordError {
                        key: entry.path,
                        message: "not a format Gazette reads".into(),
                    })),
                    Some(Format::Zip) => records(Err(RecordError {
                        key: entry.path,
                        message: "a zip archive inside a zip archive is not opened".into(),
                    })),
                    Some(inner) if inner.is_container() => {
                        // The entry's records, keyed `ENTRY#KEY` within the archive.
                        let prefix = entry.path.clone();
                        let mut keyed = |r: Result<Record, RecordError>| {
                            records(match r {
                                Ok(mut r) => {
                                    r.key = format!("{prefix}#{}", r.key);
                                    Ok(r)
                                }
                                Err(mut e) => {
                                    e.key = format!("{prefix}#{}", e.key);
                                    Err(e)
                                }
                            })
                        };
                        let read = match inner {
                            Format::Feed => feed::records(&entry.bytes).map(|rs| {
                                for_each(rs, &mut keyed);
                            }),
                            Format::JsonLines => {
                                dataset::json_lines(&entry.bytes[..], fields, &mut keyed)
                            }
                            Format::JsonArray => {
                                dataset::json_array(&entry.bytes[..], fields, &mut keyed)
                            }
                            Format::Delimited { delimiter } => {
                                dataset::delimited(&entry.bytes[..], delimiter, fields, &mut keyed)
                            }
                            _ => Ok(()),
                        };
                        match read {
                            Ok(()) => ControlFlow::Continue(()),
                            Err(e) => records(Err(RecordError {
                                key: entry.path,
                                message: e.to_string(),
                            })),
                        }
                    }
                    Some(inner) => items(Item::Bytes {
                        bytes: entry.bytes,
                        format: inner,
                        path: path.to_path_buf(),
                        source: DocumentSource::File {
                            path: path.to_path_buf(),
                            name: entry_name,
                            record: Some(entry.path),
                            fields: fields.clone(),
                        },
                    }),
                }
            })
        }
        Format::Text | Format::Html | Format::Docx | Format::Pdf => {
            Err(FormatError::new("holds one document, not many"))
        }
    }
}

/// Feeds `records` to `f` until it breaks.
fn for_each(
    records: Vec<Record>,
    f: &mut dyn FnMut(Result<Record, RecordError>) -> ControlFlow<()>,
) {
    for r in records {
        if f(Ok(r)).is_break() {
            return;
        }
    }
}

/// What became of one document: an event, or a known document left unparsed.
enum Outcome<D> {
    Event(LoadEvent<D>),
    Known(DocumentSource),
}

/// What a chunk's task gave: an outcome, or a long text read, for its sections to be
/// parsed after the documents before it are handed on ([`by_sections`]).
enum Step<D> {
    Ready(Outcome<D>),
    Long(LongText),
}

/// A text longer than [`SECTION_BYTES`], read, not yet parsed.
struct LongText {
    document: Document,
    source: DocumentSource,
    warning: Option<String>,
}

impl LongText {
    /// Its `Document` event, parsed whole ([`parse_text`]) and given to `then`.
    fn parse_whole<D>(
        self,
        parser: &Geoparser<'_>,
        memos: &MemoPool,
        then: &(dyn Fn(ParsedDocument) -> D + Sync),
    ) -> LoadEvent<D> {
        let mentions = parse_text(parser, memos, &self.document.text);
        LoadEvent::Document {
            parsed: then(ParsedDocument {
                document: self.document,
                mentions,
            }),
            source: self.source,
            warning: self.warning,
        }
    }
}

/// Sections of a long text parsed at once, per thread: enough that no thread waits for
/// the next while the one before is handed on, few enough that their rows stay a few MB.
const SECTIONS_PER_THREAD: usize = 2;

/// Parses `long` a section at a time on the pool ([`SECTIONS_PER_THREAD`] a thread in
/// flight), makes each with `each` on the thread that parsed it, and sends them through
/// `chunks` in text order as they are ready: `Section` events, the last as the
/// `Document`. False once the load is cancelled or the receiver hangs up.
///
/// The sections are spawned from this thread (not one of the pool's) into a scope, each
/// sending what it made on a channel this thread reads and puts in order: no pool
/// thread ever waits for this one, and each section starts as soon as a thread is free
/// (a round of sections in a parallel iterator would wait for its slowest).
fn by_sections<D: Send>(
    parser: &Geoparser<'_>,
    memos: &MemoPool,
    long: LongText,
    each: SectionThen<'_, D>,
    threads: usize,
    cancel: &AtomicBool,
    chunks: &std::sync::mpsc::SyncSender<Vec<Option<Outcome<D>>>>,
) -> bool {
    let LongText {
        document,
        source,
        warning,
    } = long;
    let ranges = sections(&document.text, SECTION_BYTES);
    let last = ranges.len() - 1;
    let (done, made) = std::sync::mpsc::channel::<(usize, std::thread::Result<D>)>();
    let document = &document;
    rayon::in_place_scope(|scope| {
        let spawn = |i: usize| {
            let done = done.clone();
            let range = ranges[i].clone();
            scope.spawn(move |_| {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mentions = parse_section(parser, memos, &document.text, range);
                    let section = ParsedView {
                        document,
                        mentions: &mentions,
                    };
                    each(section, i == 0)
                }));
                // Cannot fail: the receiver outlives the scope, which waits for this.
                let _ = done.send((i, result));
            });
        };
        let mut spawned = 0;
        while spawned < ranges.len().min(threads * SECTIONS_PER_THREAD) {
            spawn(spawned);
            spawned += 1;
        }
        // Sections made before the one to send next.
        let mut early: FxHashMap<usize, D> = FxHashMap::default();
        let mut section = |i: usize| -> Option<D> {
            loop {
                if let Some(d) = early.remove(&i) {
                    return Some(d);
                }
                // `done` is held here, so the channel cannot close.
                let (j, result) = made.recv().ok()?;
                match result {
                    Ok(d) => {
                        early.insert(j, d);
                    }
                    // A panic is the parser's bug: raised here as it would have been
                    // from a parallel iterator, once the other sections have ended.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        };
        for i in 0..last {
            let Some(parsed) = section(i) else {
                return false;
            };
            let event = LoadEvent::Section { parsed };
            if chunks.send(vec![Some(Outcome::Event(event))]).is_err()
                || cancel.load(Ordering::Relaxed)
            {
                return false;
            }
            if spawned < ranges.len() {
                spawn(spawned);
                spawned += 1;
            }
        }
        let Some(parsed) = section(last) else {
            return false;
        };
        let event = LoadEvent::Document {
            parsed,
            source,
            warning,
        };
        chunks.send(vec![Some(Outcome::Event(event))]).is_ok()
    })
}

/// What reading and parsing one item gave.
// Nearly every item is a document, the largest variant (see `app::worker::Event`).
#[allow(clippy::large_enum_variant)]
enum Parsed {
    /// The caller holds it already ([`IsKnown`]): not parsed.
    Known(DocumentSource),
    Document {
        parsed: ParsedDocument,
        source: DocumentSource,
        warning: Option<String>,
    },
    /// A long text, read but left to be parsed by sections ([`Reading::sectioned`]).
    Long(LongText),
    Skipped(DocumentError),
    Note(String),
}

/// How a chunk's tasks read: what they tell the chunk, and what they leave unparsed.
struct Reading<'a> {
    /// Documents the caller holds already, not to be parsed.
    is_known: Option<IsKnown<'a>>,
    /// Whether a text longer than [`SECTION_BYTES`] is left to [`by_sections`].
    sectioned: bool,
    /// Bytes of text read, for the next chunk's size.
    read: &'a std::sync::atomic::AtomicUsize,
    cancel: &'a AtomicBool,
}

/// Reads and parses one item, or `None` if cancelled.
fn read_and_parse(
    parser: &Geoparser<'_>,
    memos: &MemoPool,
    item: Item,
    reading: &Reading<'_>,
) -> Option<Parsed> {
    if reading.cancel.load(Ordering::Relaxed) {
        return None;
    }
    let (document, source, warning) = match item {
        Item::File {
            path,
            name,
            format,
            listed_regular,
        } => match Document::read_listed(&path, name.clone(), format, listed_regular) {
            Ok(loaded) => (
                loaded.document,
                DocumentSource::File {
                    path,
                    name,
                    record: None,
                    fields: Fields::default(),
                },
                loaded.warning,
            ),
            Err(e) => return Some(Parsed::Skipped(e)),
        },
        Item::Bytes {
            bytes,
            format,
            path,
            source,
        } => match Document::from_bytes(&bytes, &path, source.name().to_string(), format) {
            Ok(loaded) => (loaded.document, source, loaded.warning),
            Err(e) => return Some(Parsed::Skipped(e)),
        },
        Item::Text { name, text } => (
            Document::from_text(name.clone(), text.clone()),
            DocumentSource::Pasted { name, text },
            None,
        ),
        Item::Read {
            document,
            source,
            warning,
        } => (document, source, warning),
        Item::Failed(e) => return Some(Parsed::Skipped(e)),
        Item::Note(note) => return Some(Parsed::Note(note)),
        // Expanded before parsing; never reaches here.
        Item::Container { path, format, .. } => {
            return Some(Parsed::Skipped(DocumentError::Format {
                path,
                format: format.name(),
                source: FormatError::new("holds many documents"),
            }));
        }
    };
    reading
        .read
        .fetch_add(document.text.len(), Ordering::Relaxed);
    if reading.is_known.is_some_and(|known| known(&document)) {
        return Some(Parsed::Known(source));
    }
    if reading.sectioned && document.text.len() > SECTION_BYTES {
        return Some(Parsed::Long(LongText {
            document,
            source,
            warning,
        }));
    }
    let mentions = parse_text(parser, memos, &document.text);
    Some(Parsed::Document {
        parsed: ParsedDocument { document, mentions },
        source,
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    fn events(parser: &Geoparser<'_>, inputs: Vec<Input>, cancel: bool) -> Vec<LoadEvent> {
        let mut out = Vec::new();
        load(parser, inputs, &AtomicBool::new(cancel), &mut |e| {
            out.push(e)
        });
        out
    }

    #[test]
    fn load_reports_in_input_order_and_counts_skips() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let parser = Geoparser::new(&g);
        let dir = tempfile::tempdir().expect("tempdir");
        let articles = dir.path().join("articles");
        std::fs::create_dir(&articles).expect("mkdir");
        std::fs::write(articles.join("b.txt"), "Troops left Niamey.").expect("write");
        std::fs::write(articles.join("a.txt"), "Talks in Paris.").expect("write");
        std::fs::write(articles.join("c.txt"), b"\x00binary").expect("write");
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).expect("mkdir");
        let events = events(
            &parser,
            vec![
                Input::Path(empty.clone()),
                Input::Path(articles),
                Input::Text {
                    name: "Pasted".into(),
                    text: "Rain in Agadez.".into(),
                },
            ],
            false,
        );
        assert!(matches!(
            &events[0],
            LoadEvent::Skipped(DocumentError::NoArticles { path, .. }) if *path == empty
        ));
        assert!(matches!(events[1], LoadEvent::Started { total: 4 }));
        let names: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                LoadEvent::Document { parsed, .. } => Some(parsed.document.name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["a.txt", "b.txt", "Pasted"]);
        assert!(matches!(
            events.last(),
            Some(LoadEvent::Finished {
                loaded: 3,
                skipped: 2
            })
        ));
        // The parse is the parser's own, whatever the path it came by.
        let direct = parse_documents(&parser, vec![Document::from_text("x", "Rain in Agadez.")]);
        let pasted = events.iter().find_map(|e| match e {
            LoadEvent::Document { parsed, .. } if parsed.document.name == "Pasted" => {
                Some(&parsed.mentions)
            }
            _ => None,
        });
        assert_eq!(pasted, Some(&direct[0].mentions));
    }

    #[test]
    fn a_dataset_becomes_a_document_per_record_and_a_session_reads_back_its_records() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let parser = Geoparser::new(&g);
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = dir.path().join("x.csv");
        std::fs::write(
            &csv,
            "title,text,date\nA,Rain in Niamey.,2024-01-02\nB,,2024-01-03\nC,Talks in Gao.,someday\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("a.txt"), "Floods in Agadez.").expect("write");
        let first = events(&parser, vec![Input::Path(dir.path().to_path_buf())], false);
        assert!(matches!(first[0], LoadEvent::Started { total: 2 }));
        let more: usize = first
            .iter()
            .map(|e| match e {
                LoadEvent::More { documents } => *documents,
                _ => 0,
            })
            .sum();
        assert_eq!(more, 2, "three records where one document was counted");
        let mut sources = Vec::new();
        let mut order = Vec::new();
        for e in &first {
            match e {
                LoadEvent::Document {
                    parsed,
                    source,
                    warning,
                } => {
                    order.push(parsed.document.name.clone());
                    if parsed.document.name == "x.csv#line 4" {
                        assert!(warning.as_deref().unwrap_or("").contains("someday"));
                        assert_eq!(parsed.document.meta.published, None);
                    }
                    sources.push(source.clone());
                }
                LoadEvent::Skipped(e) => order.push(format!("skipped {e}")),
                _ => {}
            }
        }
        assert_eq!(order[0], "a.txt");
        assert_eq!(order[1], "x.csv#line 2");
        assert!(
            order[2].starts_with("skipped ") && order[2].contains("line 3"),
            "{order:?}"
        );
        assert_eq!(order[3], "x.csv#line 4");
        assert!(matches!(
            first.last(),
            Some(LoadEvent::Finished {
                loaded: 3,
                skipped: 1
            })
        ));
        // A session saved the second record only: it alone is read back.
        let saved: Vec<Input> = sources
            .into_iter()
            .filter(|s| s.record() == Some("line 4"))
            .map(Input::from)
            .collect();
        let again = events(&parser, saved, false);
        let names: Vec<&str> = again
            .iter()
            .filter_map(|e| match e {
                LoadEvent::Document { parsed, .. } => Some(parsed.document.name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["x.csv#line 4"]);
    }

    #[test]
    fn sections_cut_at_paragraphs_and_cover_the_text() {
        let text = "One para.\n\nTwo é para. Still two.\nThree line.\n\nFour.".repeat(7);
        for max in [8, 16, 25, 40, 100, 1000] {
            let ranges = sections(&text, max);
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(text.len()));
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "consecutive");
            }
            for r in &ranges {
                assert!(text.get(r.clone()).is_some(), "char boundaries");
                assert!(r.len() <= max.max(4), "{max}: {r:?}");
            }
        }
        // A cut falls after a line break where the range's second half has one, and
        // after a paragraph break where it has one of those.
        let cuts = |text: &str, max| {
            let ranges = sections(text, max);
            ranges[..ranges.len() - 1]
                .iter()
                .map(|r| r.end)
                .collect::<Vec<_>>()
        };
        assert!(cuts(&text, 40).iter().all(|&c| text[..c].ends_with('\n')));
        let paragraphs = "A sentence.\nIts line.\n\n".repeat(20);
        let at = cuts(&paragraphs, 60);
        assert!(!at.is_empty() && at.iter().all(|&c| paragraphs[..c].ends_with("\n\n")));
        let prose = "Words and more words. ".repeat(20);
        assert!(cuts(&prose, 50).iter().all(|&c| prose[..c].ends_with(". ")));
    }

    #[test]
    fn a_long_text_is_parsed_by_sections_with_offsets_into_the_whole() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let parser = Geoparser::new(&g);
        let article = "Troops left Niamey for Agadez, in Niger.\n\nTalks went on in Paris.\n\n";
        let text = article.repeat(SECTION_BYTES / article.len() + 1000);
        assert!(text.len() > SECTION_BYTES);
        let mentions = parse_text(&parser, &MemoPool::new(), &text);
        let ranges = sections(&text, SECTION_BYTES);
        assert!(ranges.len() > 1);
        let each: usize = ranges
            .iter()
            .map(|r| parser.parse(&text[r.clone()]).len())
            .sum();
        assert_eq!(mentions.len(), each);
        assert!(mentions.len() >= 3 * (text.len() / article.len()));
        for m in &mentions {
            assert_eq!(&text[m.start..m.end], m.text);
            assert!(m.passage.start <= m.start && m.end <= m.passage.end);
        }
        assert!(mentions.windows(2).all(|w| w[0].start < w[1].start));
    }

    /// With `sections`, a long text comes as its sections in text order (the first
    /// marked, the last as the `Document` with its source), between the documents around
    /// it, each section's mentions those the whole text's parse gives there; shorter
    /// texts come whole through `then`.
    #[test]
    fn a_long_text_comes_section_by_section_between_the_others() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let parser = Geoparser::new(&g);
        let article = "Troops left Niamey for Agadez, in Niger.\n\nTalks went on in Paris.\n\n";
        let long = article.repeat(3 * SECTION_BYTES / article.len());
        let inputs = [
            ("a", "Rain in Lyon."),
            ("long", long.as_str()),
            ("c", "Gao."),
        ]
        .into_iter()
        .map(|(name, text)| Input::Text {
            name: name.into(),
            text: text.into(),
        })
        .collect();
        // What each event carried: (document, first section?, mentions).
        type Made = (String, Option<bool>, Vec<Mention>);
        let then =
            |parsed: ParsedDocument| -> Made { (parsed.document.name, None, parsed.mentions) };
        let section = |view: ParsedView<'_>, first: bool| -> Made {
            (
                view.document.name.clone(),
                Some(first),
                view.mentions.to_vec(),
            )
        };
        let mut events = Vec::new();
        load_then(
            &parser,
            inputs,
            &AtomicBool::new(false),
            &then,
            Some(&section),
            &mut |e| match e {
                LoadEvent::Section { parsed } => events.push(("section", parsed)),
                LoadEvent::Document { parsed, source, .. } => {
                    assert_eq!(source.name(), parsed.0);
                    events.push(("document", parsed));
                }
                LoadEvent::Finished { loaded, skipped } => assert_eq!((loaded, skipped), (3, 0)),
                _ => {}
            },
        );
        let ranges = sections(&long, SECTION_BYTES);
        assert!(ranges.len() >= 3);
        assert_eq!(events.len(), 2 + ranges.len());
        assert_eq!(events[0].1.0, "a");
        assert_eq!(events[0].1.1, None, "a short text whole");
        assert_eq!(events.last().map(|e| e.1.0.as_str()), Some("c"));
        let long_events = &events[1..=ranges.len()];
        for (i, (kind, (name, first, _))) in long_events.iter().enumerate() {
            assert_eq!(name, "long");
            assert_eq!(*first, Some(i == 0));
            let last = i + 1 == ranges.len();
            assert_eq!(*kind, if last { "document" } else { "section" });
        }
        let streamed: Vec<Mention> = long_events
            .iter()
            .flat_map(|(_, (_, _, mentions))| mentions.iter().cloned())
            .collect();
        assert_eq!(streamed, parse_text(&parser, &MemoPool::new(), &long));
        for ((_, (_, _, mentions)), range) in long_events.iter().zip(&ranges) {
            assert!(!mentions.is_empty());
            assert!(mentions.iter().all(|m| range.contains(&m.start)));
        }
    }

    #[test]
    fn known_documents_are_not_parsed_but_reported_in_order() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let parser = Geoparser::new(&g);
        let inputs = ["a", "b", "c"]
            .into_iter()
            .map(|name| Input::Text {
                name: name.into(),
                text: format!("{name} in Niamey"),
            })
            .collect();
        // Both callbacks write to it, one at a time.
        let order = std::cell::RefCell::new(Vec::new());
        let mut finished = None;
        load_unless_known(
            &parser,
            inputs,
            &AtomicBool::new(false),
            &|doc: &Document| doc.name == "b",
            &mut |e| match e {
                LoadEvent::Document { parsed, .. } => order
                    .borrow_mut()
                    .push(format!("parsed {}", parsed.document.name)),
                LoadEvent::Finished { loaded, skipped } => finished = Some((loaded, skipped)),
                _ => {}
            },
            &mut |source| order.borrow_mut().push(format!("known {}", source.name())),
        );
        assert_eq!(order.into_inner(), ["parsed a", "known b", "parsed c"]);
        assert_eq!(finished, Some((2, 0)));
    }

    #[test]
    fn a_cancelled_load_stops_without_finishing() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let parser = Geoparser::new(&g);
        let inputs = (0..20)
            .map(|i| Input::Text {
                name: format!("{i}"),
                text: "Niamey".into(),
            })
            .collect();
        let events = events(&parser, inputs, true);
        assert!(matches!(events[..], [LoadEvent::Started { total: 20 }]));
    }
}
