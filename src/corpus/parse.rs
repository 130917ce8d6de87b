//! From inputs to parsed documents: the one path every front end takes. Files are listed,
//! read and decoded, and parsed in parallel (rayon), with progress reported as events in
//! input order and a cancel flag checked between documents.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::document::{Document, DocumentSource};
use super::read::DocumentError;
use super::source::{Input, article_files};
use crate::geoparse::{Geoparser, MemoPool, Mention, ParseMemo};

/// A document with the mentions the parser found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedDocument {
    /// The document.
    pub document: Document,
    /// Its mentions, in text order.
    pub mentions: Vec<Mention>,
}

/// Parses documents already in memory in parallel (one rayon task per document), the
/// threads sharing a [`MemoPool`] so names are looked up once per thread, not once per
/// document.
pub fn parse_documents(parser: &Geoparser<'_>, documents: Vec<Document>) -> Vec<ParsedDocument> {
    let memos = MemoPool::new();
    documents
        .into_par_iter()
        .map(|document| {
            let mentions = memos.with(|memo| parser.parse_with(&document.text, memo));
            ParsedDocument { document, mentions }
        })
        .collect()
}

/// What [`load`] reports, in this order: `Started` once, then one `Document` or
/// `Skipped` per input document (in input order; listing problems come first), then
/// `Finished` — unless the load was cancelled, which ends it without `Finished`.
#[derive(Debug)]
pub enum LoadEvent {
    /// The inputs were listed: this many documents will be read.
    Started {
        /// Documents to read.
        total: usize,
    },
    /// One document was read and parsed.
    Document {
        /// The result.
        parsed: ParsedDocument,
        /// Where it came from.
        source: DocumentSource,
        /// A note on how it was decoded (not UTF-8), if any.
        warning: Option<String>,
    },
    /// An input, a folder below one, or a file was skipped.
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
    File {
        path: std::path::PathBuf,
        name: String,
    },
    Text {
        name: String,
        text: String,
    },
}

/// Lists, reads and parses `inputs` with `parser`, calling `emit` on the calling thread
/// for each event (see [`LoadEvent`]). Parsing runs on the rayon pool a chunk of
/// documents at a time, so events come steadily and memory holds one chunk of texts
/// beyond what `emit` keeps. Stops early, without `Finished`, once `cancel` is raised.
pub fn load(
    parser: &Geoparser<'_>,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    emit: &mut dyn FnMut(LoadEvent),
) {
    load_with(parser, inputs, cancel, None, emit, &mut |_| {});
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
    load_with(parser, inputs, cancel, Some(is_known), emit, on_known);
}

/// What became of one document: an event, or a known document left unparsed.
enum Outcome {
    Event(LoadEvent),
    Known(DocumentSource),
}

fn load_with(
    parser: &Geoparser<'_>,
    inputs: Vec<Input>,
    cancel: &AtomicBool,
    is_known: Option<IsKnown<'_>>,
    emit: &mut dyn FnMut(LoadEvent),
    on_known: &mut dyn FnMut(DocumentSource),
) {
    let mut items = Vec::new();
    let mut skipped = 0;
    for input in inputs {
        match input {
            Input::Path(path) => match article_files(&path) {
                Ok(listed) if listed.files.is_empty() && listed.unreadable.is_empty() => {
                    skipped += 1;
                    emit(LoadEvent::Skipped(DocumentError::NoArticles { path }));
                }
                Ok(listed) => {
                    for e in listed.unreadable {
                        skipped += 1;
                        emit(LoadEvent::Skipped(e));
                    }
                    items.extend(
                        listed
                            .files
                            .into_iter()
                            .map(|(path, name)| Item::File { path, name }),
                    );
                }
                Err(e) => {
                    skipped += 1;
                    emit(LoadEvent::Skipped(e));
                }
            },
            Input::File { path, name } => items.push(Item::File { path, name }),
            Input::Text { name, text } => items.push(Item::Text { name, text }),
        }
    }
    emit(LoadEvent::Started { total: items.len() });
    let memos = MemoPool::new();
    let chunk = (rayon::current_num_threads() * 4).max(4);
    let mut loaded = 0;
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let batch: Vec<Item> = items.by_ref().take(chunk).collect();
        let results: Vec<Option<Outcome>> = batch
            .into_par_iter()
            .map(|item| memos.with(|memo| read_and_parse(parser, memo, item, is_known, cancel)))
            .collect();
        for outcome in results {
            match outcome {
                Some(Outcome::Event(event @ LoadEvent::Document { .. })) => {
                    loaded += 1;
                    emit(event);
                }
                Some(Outcome::Event(event)) => {
                    skipped += 1;
                    emit(event);
                }
                Some(Outcome::Known(source)) => on_known(source),
                None => return,
            }
        }
    }
    emit(LoadEvent::Finished { loaded, skipped });
}

/// Reads and parses one item: a `Document` or `Skipped` event, a known document left
/// unparsed, or `None` if cancelled.
fn read_and_parse(
    parser: &Geoparser<'_>,
    memo: &mut ParseMemo,
    item: Item,
    is_known: Option<IsKnown<'_>>,
    cancel: &AtomicBool,
) -> Option<Outcome> {
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let (document, source, warning) = match item {
        Item::File { path, name } => match Document::read(&path, name.clone()) {
            Ok(loaded) => (
                loaded.document,
                DocumentSource::File { path, name },
                loaded.warning,
            ),
            Err(e) => return Some(Outcome::Event(LoadEvent::Skipped(e))),
        },
        Item::Text { name, text } => (
            Document::from_text(name.clone(), text.clone()),
            DocumentSource::Pasted { name, text },
            None,
        ),
    };
    if is_known.is_some_and(|known| known(&document)) {
        return Some(Outcome::Known(source));
    }
    let mentions = parser.parse_with(&document.text, memo);
    Some(Outcome::Event(LoadEvent::Document {
        parsed: ParsedDocument { document, mentions },
        source,
        warning,
    }))
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
            LoadEvent::Skipped(DocumentError::NoArticles { path }) if *path == empty
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
