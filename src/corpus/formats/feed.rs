//! News feeds: RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom, one record per item or entry.
//!
//! Each record's text is the entry's full content (`content:encoded`, Atom `<content>`)
//! or else its description or summary, converted from HTML to text (feeds carry HTML in
//! these fields, escaped or in CDATA sections, sometimes as raw elements) by the page
//! reader's `html_to_text`; an entry with a title but no text is read as its title.
//! Its title, date (published, else updated), link and source (the feed's title) are
//! its metadata.
//!
//! Read with `quick-xml` as a stream of events, not with `feed-rs`, for three reasons:
//! feed-rs converts every date to UTC, which moves an article published at 01:00 +02:00
//! on 5 March to 4 March (Gazette keeps the publisher's calendar day, see [`Published`]);
//! it drops dates it cannot read without saying so; and it panics on some input (an
//! `<itunes:duration>` too large for a `u64`: it unwraps the parse). Nor with
//! `roxmltree`, which refuses a whole feed for one undeclared HTML entity (`&nbsp;`), a
//! common fault of feeds in the wild. Here undeclared entities are read as HTML's,
//! stray `&`s as text, and HTML elements left unescaped in a description are kept as
//! HTML; an end tag closes the nearest open element of its name (and what was left open
//! inside it, as in HTML), and one that closes nothing is ignored. A feed that is not
//! XML, or is cut off before its root element ends, is an error.
//!
//! Namespaces are told by the URI a prefix is declared with (any declaration in the
//! file, without scoping, which feeds never need), else by the usual prefix.

use std::borrow::Cow;

use quick_xml::errors::SyntaxError;
use quick_xml::events::{BytesStart, Event};
use rustc_hash::FxHashMap;

use super::html::html_to_text;
use super::{Extracted, FormatError, Record};
use crate::corpus::metadata::{Metadata, Published, unreadable_date};

/// Most items read from one feed; the rest are left, with a warning on the last.
pub const MAX_ITEMS: usize = 100_000;

/// Most attributes looked at per element (for namespace declarations and the few
/// attributes read): feeds have a handful.
const MAX_ATTRIBUTES: usize = 64;

/// Reads every item of an RSS or Atom feed, in order (`item 1`, `item 2`…: the item's
/// position in the file, counting items skipped for having neither title nor text).
pub fn records(bytes: &[u8]) -> Result<Vec<Record>, FormatError> {
    let (text, encoding_warning) = decode(bytes);
    let mut reader = quick_xml::Reader::from_str(&text);
    {
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        config.expand_empty_elements = false;
    }
    let mut feed = Feed::default();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = reader.error_position();
                // A comment, CDATA section, tag… left open at the end: cut off.
                let unclosed = matches!(
                    e,
                    quick_xml::Error::Syntax(ref s) if !matches!(s, SyntaxError::InvalidBangMarkup)
                );
                return Err(FormatError::new(match feed.kind {
                    None => format!("not an RSS or Atom feed (not XML: {e} at byte {at})"),
                    Some(_) if unclosed => feed.cut_off(),
                    Some(_) => format!("the feed is not well-formed XML ({e} at byte {at})"),
                }));
            }
        };
        match event {
            Event::Eof => break,
            event => {
                if feed.event(event)?.is_break() {
                    break;
                }
            }
        }
    }
    feed.finish(encoding_warning)
}

// ---------------------------------------------------------------------------------------
// Decoding

/// The feed as text, and a warning about how it was decoded: the encoding of a
/// byte-order mark, else the XML declaration's, else UTF-8, else as
/// [`decode`](crate::corpus::decode) guesses. A file declaring a legacy encoding but
/// valid UTF-8 with non-ASCII characters was re-encoded when saved: it is read as UTF-8.
fn decode(bytes: &[u8]) -> (String, Option<String>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        return (
            encoding.decode_without_bom_handling(rest).0.into_owned(),
            None,
        );
    }
    let declared = declared_encoding(bytes).filter(|e| *e != encoding_rs::UTF_8);
    let utf8 = std::str::from_utf8(bytes).ok();
    match (declared, utf8) {
        (Some(encoding), Some(text)) if !text.is_ascii() => (
            text.to_string(),
            Some(format!(
                "the feed declares {} but is valid UTF-8; read as UTF-8",
                encoding.name()
            )),
        ),
        (Some(encoding), _) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            let warning = had_errors.then(|| {
                format!(
                    "some bytes of the feed are not valid {}, its declared encoding; \
                     replaced by U+FFFD",
                    encoding.name()
                )
            });
            (text.into_owned(), warning)
        }
        (None, Some(text)) => (text.to_string(), None),
        (None, None) => match crate::corpus::decode(bytes) {
            Some((text, crate::corpus::Encoding::Windows1252)) => (
                text,
                Some("the feed is not valid UTF-8; decoded as Windows-1252".into()),
            ),
            Some((text, _)) => (
                text,
                Some("the feed is not valid UTF-8; invalid bytes replaced by U+FFFD".into()),
            ),
            None => (
                encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
                Some("the feed is not valid UTF-8; decoded as Windows-1252".into()),
            ),
        },
    }
}

/// The `encoding` of an XML declaration at the start of `bytes`.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..200).unwrap_or(bytes);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = head.get(start..)?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = head.get(..end)?;
    let at = memchr::memmem::find(decl, b"encoding")?;
    let rest = decl.get(at + 8..)?;
    let rest: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace() || *b == b'=')
        .collect();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let label: Vec<u8> = rest
        .iter()
        .skip(1)
        .take_while(|b| **b != quote)
        .copied()
        .collect();
    encoding_rs::Encoding::for_label(&label)
}

// ---------------------------------------------------------------------------------------
// Reading

/// The kind of feed, from its root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<rss>` (0.9x, 2.0).
    Rss,
    /// `<rdf:RDF>` (RSS 1.0).
    Rdf,
    /// `<feed>` (Atom 1.0, 0.3).
    Atom,
}

/// The vocabularies read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    /// The feed's own (unprefixed) elements.
    Own,
    Content,
    Dc,
    DcTerms,
    Atom,
    Rdf,
    Other,
}

/// A namespace URI's vocabulary.
fn namespace(uri: &str) -> Ns {
    match uri.trim() {
        "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
        "http://purl.org/dc/elements/1.1/" => Ns::Dc,
        "http://purl.org/dc/terms/" => Ns::DcTerms,
        "http://www.w3.org/2005/Atom" | "http://purl.org/atom/ns#" => Ns::Atom,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
        "http://purl.org/rss/1.0/" | "http://backend.userland.com/rss2" => Ns::Own,
        _ => Ns::Other,
    }
}

/// What a field of an item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Title,
    Link,
    Guid,
    Content,
    Summary,
    Published,
    Updated,
}

/// How a field's text is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Plain text.
    Text,
    /// HTML, escaped or in CDATA.
    Html,
    /// XHTML elements (Atom `type="xhtml"`).
    Xhtml,
    /// Not text (an Atom content of another media type, or out of line): skipped.
    None,
}

/// A field being read.
#[derive(Debug)]
struct Capture {
    /// Where it goes: an item's field, or the feed's title (`None`).
    slot: Option<Slot>,
    markup: Markup,
    /// The text, references resolved.
    text: String,
    /// The content as markup (elements and references kept), for HTML elements left
    /// unescaped and for XHTML.
    raw: String,
    /// Elements were found inside.
    elements: bool,
}

/// A field's value: its text and how to read it.
#[derive(Debug, Clone)]
struct Value {
    text: String,
    markup: Markup,
}

impl Value {
    /// The value as plain text: HTML converted, white space collapsed within
    /// paragraphs.
    fn to_text(&self) -> String {
        match self.markup {
            Markup::Html | Markup::Xhtml => html_to_text(&self.text),
            Markup::Text => paragraphs(&self.text),
            Markup::None => String::new(),
        }
    }
}

/// One item's fields, the first of each kind kept.
#[derive(Debug, Default)]
struct Item {
    title: Option<Value>,
    link: Option<String>,
    /// A link from `<guid isPermaLink>`, `rdf:about` or `<atom:link>`, used if there is
    /// no `<link>`.
    other_link: Option<String>,
    content: Option<Value>,
    summary: Option<Value>,
    published: Option<String>,
    updated: Option<String>,
}

#[derive(Debug, Default)]
struct Feed {
    kind: Option<Kind>,
    /// The open elements' qualified names, the root first.
    stack: Vec<Vec<u8>>,
    /// For each name, its positions in `stack`, lowest first: an end tag closes the
    /// nearest open element of its name (and what was left open inside it) in constant
    /// time; one that closes nothing is ignored.
    open: FxHashMap<Vec<u8>, Vec<usize>>,
    prefixes: FxHashMap<Vec<u8>, Ns>,
    title: Option<Value>,
    /// The item being read and its element's position in `stack`.
    item: Option<(Item, usize)>,
    /// Items met so far (skipped ones too).
    items: usize,
    records: Vec<Record>,
    /// The field being read and its element's position in `stack`.
    capture: Option<(Capture, usize)>,
    /// More than [`MAX_ITEMS`] items: the rest were not read.
    truncated: bool,
}

type Flow = std::ops::ControlFlow<()>;

impl Feed {
    fn event(&mut self, event: Event<'_>) -> Result<Flow, FormatError> {
        match event {
            Event::Start(e) => self.start(&e, false),
            Event::Empty(e) => self.start(&e, true),
            Event::End(e) => {
                self.end(e.name().as_ref());
                Ok(Flow::Continue(()))
            }
            Event::Text(t) => {
                if self.kind.is_none() && !t.iter().all(|b| b.is_ascii_whitespace()) {
                    return Err(FormatError::new(
                        "not an RSS or Atom feed (it does not start with an XML element)",
                    ));
                }
                if let Some((c, _)) = &mut self.capture {
                    let text = t.xml10_content().unwrap_or(Cow::Borrowed(""));
                    c.text.push_str(&text);
                    push_escaped(&mut c.raw, &text);
                }
                Ok(Flow::Continue(()))
            }
            Event::CData(t) => {
                if let Some((c, _)) = &mut self.capture {
                    let text = t.xml10_content().unwrap_or(Cow::Borrowed(""));
                    c.text.push_str(&text);
                    // CDATA in a feed holds HTML: kept as markup.
                    c.raw.push_str(&text);
                }
                Ok(Flow::Continue(()))
            }
            Event::GeneralRef(r) => {
                if let Some((c, _)) = &mut self.capture {
                    let name = String::from_utf8_lossy(&r);
                    c.raw.push('&');
                    c.raw.push_str(&name);
                    c.raw.push(';');
                    match r.resolve_char_ref() {
                        Ok(Some(ch)) => c.text.push(ch),
                        _ => push_entity(&mut c.text, &name),
                    }
                }
                Ok(Flow::Continue(()))
            }
            _ => Ok(Flow::Continue(())),
        }
    }

    /// An element's start (`empty`: `<x/>`, no end event follows).
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<Flow, FormatError> {
        let at = self.stack.len();
        let name = e.name().as_ref().to_vec();
        let local = local_name(&name).to_vec();
        let attributes = self.attributes(e);
        let under_channel = at == 2
            && self
                .stack
                .get(1)
                .is_some_and(|p| local_name(p) == b"channel");
        if !empty {
            self.open.entry(name.clone()).or_default().push(at);
            self.stack.push(name);
        }
        if let Some((c, _)) = &mut self.capture {
            // Inside a field: its markup.
            c.elements = true;
            c.raw.push('<');
            c.raw.push_str(&String::from_utf8_lossy(e));
            c.raw.push_str(if empty { "/>" } else { ">" });
            return Ok(Flow::Continue(()));
        }
        let ns = self.namespace_of(e);
        let Some(kind) = self.kind else {
            // The root.
            self.kind = Some(match local.as_slice() {
                b"rss" => Kind::Rss,
                b"RDF" => Kind::Rdf,
                b"feed" => Kind::Atom,
                other => {
                    let shown: String = String::from_utf8_lossy(other).chars().take(40).collect();
                    return Err(FormatError::new(format!(
                        "not an RSS or Atom feed (its root element is <{shown}>)"
                    )));
                }
            });
            return Ok(Flow::Continue(()));
        };
        let own = ns == Ns::Own || (kind == Kind::Atom && ns == Ns::Atom);
        // An item: under the channel, or under the root (RSS 1.0, RSS 0.9, Atom).
        let item_name: &[u8] = if kind == Kind::Atom {
            b"entry"
        } else {
            b"item"
        };
        if self.item.is_none() && own && local == item_name && (at == 1 || under_channel) {
            if self.items >= MAX_ITEMS {
                self.truncated = true;
                return Ok(Flow::Break(()));
            }
            self.items += 1;
            let mut item = Item::default();
            if let Some(about) = attribute(&attributes, b"about") {
                item.other_link = Some(about.to_string());
            }
            if empty {
                self.push(item);
            } else {
                self.item = Some((item, at));
            }
            return Ok(Flow::Continue(()));
        }
        // The feed's title: the channel's or the Atom feed's.
        if self.item.is_none() && own && local == b"title" {
            let feed_level = match kind {
                Kind::Atom => at == 1,
                Kind::Rss | Kind::Rdf => under_channel,
            };
            if feed_level && self.title.is_none() {
                let markup = markup_of(kind, Slot::Title, &attributes);
                self.begin(Capture::new(None, markup), at, empty);
            }
            return Ok(Flow::Continue(()));
        }
        // A field of the item.
        let Some((item, item_at)) = &mut self.item else {
            return Ok(Flow::Continue(()));
        };
        if at != *item_at + 1 {
            return Ok(Flow::Continue(()));
        }
        let slot = match (ns, local.as_slice()) {
            (Ns::Own, b"title") | (Ns::Dc, b"title") => Some(Slot::Title),
            (Ns::Own, b"link") if kind != Kind::Atom => Some(Slot::Link),
            (Ns::Own, b"guid") if kind == Kind::Rss => Some(Slot::Guid),
            (Ns::Own, b"description") | (Ns::Dc, b"description") if kind != Kind::Atom => {
                Some(Slot::Summary)
            }
            (Ns::Content, b"encoded") => Some(Slot::Content),
            (Ns::Own, b"pubDate") | (Ns::Dc, b"date") | (Ns::DcTerms, b"issued" | b"created") => {
                Some(Slot::Published)
            }
            (Ns::DcTerms, b"modified") => Some(Slot::Updated),
            (Ns::Atom, b"title") if kind == Kind::Atom => Some(Slot::Title),
            (Ns::Own | Ns::Atom, b"content") if kind == Kind::Atom => Some(Slot::Content),
            (Ns::Own | Ns::Atom, b"summary") if kind == Kind::Atom => Some(Slot::Summary),
            (Ns::Own | Ns::Atom, b"published" | b"issued") if kind == Kind::Atom => {
                Some(Slot::Published)
            }
            (Ns::Atom, b"published") => Some(Slot::Published),
            (Ns::Own | Ns::Atom, b"updated" | b"modified") if kind == Kind::Atom => {
                Some(Slot::Updated)
            }
            (Ns::Atom, b"updated") => Some(Slot::Updated),
            (Ns::Own | Ns::Atom, b"link") if kind == Kind::Atom || ns == Ns::Atom => {
                // Atom's link (also `<atom:link>` in RSS): the alternate one's href.
                let rel = attribute(&attributes, b"rel").unwrap_or("alternate");
                if rel.trim().eq_ignore_ascii_case("alternate")
                    && let Some(href) = attribute(&attributes, b"href")
                {
                    let href = href.trim().to_string();
                    if kind == Kind::Atom {
                        item.link.get_or_insert(href);
                    } else {
                        item.other_link.get_or_insert(href);
                    }
                }
                None
            }
            _ => None,
        };
        let Some(slot) = slot else {
            return Ok(Flow::Continue(()));
        };
        if slot == Slot::Guid
            && attribute(&attributes, b"isPermaLink")
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("false"))
        {
            return Ok(Flow::Continue(()));
        }
        let markup = if slot == Slot::Content && attribute(&attributes, b"src").is_some() {
            Markup::None
        } else {
            markup_of(kind, slot, &attributes)
        };
        self.begin(Capture::new(Some(slot), markup), at, empty);
        Ok(Flow::Continue(()))
    }

    /// Starts reading a field whose element is at `at` (an empty one is read at once).
    fn begin(&mut self, capture: Capture, at: usize, empty: bool) {
        if empty {
            self.store(capture);
        } else {
            self.capture = Some((capture, at));
        }
    }

    /// An end tag: closes the nearest open element of its name, and all opened since;
    /// ignored if none is open.
    fn end(&mut self, name: &[u8]) {
        let Some(at) = self.open.get(name).and_then(|p| p.last()).copied() else {
            if let Some((c, _)) = &mut self.capture {
                push_end_tag(&mut c.raw, name);
            }
            return;
        };
        while self.stack.len() > at {
            if let Some(closed) = self.stack.pop()
                && let Some(positions) = self.open.get_mut(&closed)
            {
                positions.pop();
            }
        }
        match self.capture.take() {
            Some((c, c_at)) if c_at >= at => self.store(c),
            Some((mut c, c_at)) => {
                push_end_tag(&mut c.raw, name);
                self.capture = Some((c, c_at));
            }
            None => {}
        }
        if let Some((item, item_at)) = self.item.take() {
            if item_at >= at {
                self.push(item);
            } else {
                self.item = Some((item, item_at));
            }
        }
    }

    /// Keeps a field read.
    fn store(&mut self, c: Capture) {
        // Elements inside (XHTML, or HTML left unescaped): the markup is the value.
        let markup_kept = c.markup == Markup::Xhtml || (c.elements && c.markup != Markup::None);
        let value = if markup_kept {
            Value {
                text: c.raw,
                markup: Markup::Html,
            }
        } else {
            Value {
                text: c.text,
                markup: c.markup,
            }
        };
        let Some(slot) = c.slot else {
            self.title.get_or_insert(value);
            return;
        };
        let Some((item, _)) = &mut self.item else {
            return;
        };
        let plain = || value.text.trim().to_string();
        match slot {
            Slot::Title => set(&mut item.title, value.clone()),
            Slot::Content => set(&mut item.content, value.clone()),
            Slot::Summary => set(&mut item.summary, value.clone()),
            Slot::Link => set(&mut item.link, plain()),
            Slot::Guid => {
                let guid = plain();
                let lower = guid.to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    item.other_link.get_or_insert(guid);
                }
            }
            Slot::Published => set(&mut item.published, plain()),
            Slot::Updated => set(&mut item.updated, plain()),
        }
    }

    /// An item read: a record, unless it has neither title nor text.
    fn push(&mut self, item: Item) {
        let title = item
            .title
            .as_ref()
            .map(Value::to_text)
            .filter(|t| !t.trim().is_empty());
        let text = [&item.content, &item.summary]
            .into_iter()
            .flatten()
            .map(Value::to_text)
            .find(|t| !t.trim().is_empty())
            .or_else(|| title.clone());
        let Some(text) = text else {
            return;
        };
        let dates: Vec<&str> = [&item.published, &item.updated]
            .into_iter()
            .flatten()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
            .collect();
        let published = dates.iter().find_map(|d| Published::parse(d));
        let warning = match (published, dates.first()) {
            (None, Some(raw)) => Some(unreadable_date(raw)),
            _ => None,
        };
        self.records.push(Record {
            key: format!("item {}", self.items),
            extracted: Extracted {
                text,
                meta: Metadata {
                    title,
                    published,
                    url: item.link.filter(|l| !l.is_empty()).or(item.other_link),
                    source: None,
                },
                warning,
            },
        });
    }

    /// The records, each with the feed's title as its source.
    fn finish(mut self, encoding_warning: Option<String>) -> Result<Vec<Record>, FormatError> {
        if self.kind.is_none() {
            return Err(FormatError::new(
                "not an RSS or Atom feed (no XML element found)",
            ));
        }
        if !self.truncated && !self.stack.is_empty() {
            return Err(FormatError::new(self.cut_off()));
        }
        let source = self
            .title
            .as_ref()
            .map(Value::to_text)
            .filter(|t| !t.trim().is_empty());
        let count = self.records.len();
        for (i, record) in self.records.iter_mut().enumerate() {
            let e = &mut record.extracted;
            e.meta.source.clone_from(&source);
            e.meta = std::mem::take(&mut e.meta).cleaned();
            let mut warnings: Vec<String> = encoding_warning
                .iter()
                .cloned()
                .chain(e.warning.take())
                .collect();
            if self.truncated && i + 1 == count {
                warnings.push(format!(
                    "the feed has more than {MAX_ITEMS} items; the rest were not read"
                ));
            }
            e.warning = (!warnings.is_empty()).then(|| warnings.join("; "));
        }
        Ok(self.records)
    }

    /// The message for a feed that ends before its root element does.
    fn cut_off(&self) -> String {
        format!(
            "the feed ends before its last element is closed (cut off?) after {} {}",
            self.items,
            if self.items == 1 { "item" } else { "items" }
        )
    }

    /// The first [`MAX_ATTRIBUTES`] attributes of `e` (local name, value with
    /// references resolved), recording namespace declarations.
    fn attributes(&mut self, e: &BytesStart<'_>) -> Vec<(Vec<u8>, String)> {
        let mut out = Vec::new();
        let mut attributes = e.attributes();
        attributes.with_checks(false);
        for attribute in attributes.take(MAX_ATTRIBUTES).flatten() {
            let key = attribute.key.as_ref();
            let value = unescape(&String::from_utf8_lossy(&attribute.value));
            if let Some(prefix) = key.strip_prefix(b"xmlns:") {
                self.prefixes.insert(prefix.to_vec(), namespace(&value));
            } else if key != b"xmlns" {
                out.push((local_name(key).to_vec(), value));
            }
        }
        out
    }

    /// The vocabulary of an element, by its prefix.
    fn namespace_of(&self, e: &BytesStart<'_>) -> Ns {
        let name = e.name();
        let Some(prefix) = name.prefix() else {
            return Ns::Own;
        };
        let prefix = prefix.as_ref();
        if let Some(ns) = self.prefixes.get(prefix) {
            return *ns;
        }
        match prefix {
            b"content" => Ns::Content,
            b"dc" => Ns::Dc,
            b"dcterms" => Ns::DcTerms,
            b"atom" => Ns::Atom,
            b"rdf" => Ns::Rdf,
            _ => Ns::Other,
        }
    }
}

fn push_end_tag(raw: &mut String, name: &[u8]) {
    raw.push_str("</");
    raw.push_str(&String::from_utf8_lossy(name));
    raw.push('>');
}

impl Capture {
    fn new(slot: Option<Slot>, markup: Markup) -> Capture {
        Capture {
            slot,
            markup,
            text: String::new(),
            raw: String::new(),
            elements: false,
        }
    }
}

/// How a field is to be read: RSS titles, descriptions and content are HTML (titles
/// carry entities and the odd `<b>`); Atom says so in its `type` attribute (plain text
/// by default).
fn markup_of(kind: Kind, slot: Slot, attributes: &[(Vec<u8>, String)]) -> Markup {
    if kind == Kind::Atom
        && matches!(slot, Slot::Title | Slot::Content | Slot::Summary)
        && let Some(t) = attribute(attributes, b"type")
    {
        let t = t.trim().to_ascii_lowercase();
        return match t.as_str() {
            "text" | "text/plain" => Markup::Text,
            "html" | "text/html" => Markup::Html,
            "xhtml" | "application/xhtml+xml" => Markup::Xhtml,
            t if t.starts_with("text/") => Markup::Text,
            _ => Markup::None,
        };
    }
    match slot {
        Slot::Content | Slot::Summary if kind != Kind::Atom => Markup::Html,
        Slot::Title if kind != Kind::Atom => Markup::Html,
        _ => Markup::Text,
    }
}

fn attribute<'a>(attributes: &'a [(Vec<u8>, String)], name: &[u8]) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn local_name(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

fn set<T>(field: &mut Option<T>, value: T) {
    if field.is_none() {
        *field = Some(value);
    }
}

/// Appends the text of an entity reference `&name;`: XML's five, else HTML's (feeds use
/// `&nbsp;` and the like without declaring them), else the reference as written.
fn push_entity(out: &mut String, name: &str) {
    if let Some(text) = quick_xml::escape::resolve_predefined_entity(name) {
        out.push_str(text);
        return;
    }
    let key = format!("{name};");
    match html5ever::data::NAMED_ENTITIES.get(key.as_str()) {
        Some(&(first, second)) if first != 0 => {
            out.extend(char::from_u32(first));
            if second != 0 {
                out.extend(char::from_u32(second));
            }
        }
        _ => {
            out.push('&');
            out.push_str(name);
            out.push(';');
        }
    }
}

/// `raw` with character and entity references resolved (for attribute values).
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .find(';')
            .filter(|&e| e <= 32 && !after[..e].contains(['&', ' ', '<']));
        let Some(end) = end else {
            out.push('&');
            rest = after;
            continue;
        };
        let name = &after[..end];
        let numeric = name.strip_prefix('#').and_then(|n| {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse::<u32>().ok(),
            };
            code.and_then(char::from_u32)
        });
        match numeric {
            Some(c) => out.push(c),
            None => push_entity(&mut out, name),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Appends text escaped for HTML (`&`, `<`, `>`), to keep it text in markup.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// Plain text as paragraphs: blank lines separate them, white space within each is
/// collapsed.
fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph = String::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !paragraph.is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&paragraph);
                paragraph.clear();
            }
            continue;
        }
        for word in line.split_whitespace() {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/formats/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn date(r: &Record) -> Option<String> {
        r.extracted.meta.published.map(|p| p.to_string())
    }

    #[test]
    fn an_rss_feed_gives_one_record_per_item() {
        let records = records(&fixture("feed-rss2.xml")).expect("feed");
        assert_eq!(records.len(), 3);
        let keys: Vec<&str> = records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["item 1", "item 2", "item 3"]);

        // content:encoded wins over the description, and its HTML becomes text.
        let first = &records[0].extracted;
        assert_eq!(
            first.text,
            "Floodwaters have swept through Niamey, forcing 12,000 people from their \
             homes.\n\nIn Agadez, flash floods destroyed hundreds of homes & the road to \
             Arlit."
        );
        assert_eq!(
            first.meta.title.as_deref(),
            Some("Floods in Niger leave thousands homeless")
        );
        assert_eq!(
            first.meta.url.as_deref(),
            Some("https://www.sahel-times.example/world/africa/niger-floods-2024")
        );
        assert_eq!(
            first.meta.source.as_deref(),
            Some("The Sahel Times – Africa")
        );
        // The publisher's day and offset, not UTC's.
        assert_eq!(
            date(&records[0]).as_deref(),
            Some("2024-08-27T01:30:00+02:00")
        );
        assert_eq!(first.warning, None);

        // A description only (in CDATA, with an undeclared entity).
        let second = &records[1].extracted;
        assert_eq!(
            second.text,
            "Talks between Mali and Niger resumed in Niamey on Monday — officials said."
        );
        assert_eq!(date(&records[1]).as_deref(), Some("2024-08-26T16:00:00Z"));
        assert_eq!(
            second.meta.url.as_deref(),
            Some("https://www.sahel-times.example/guid/talks")
        );

        // A title only: the title is the text; an unreadable date is a warning.
        let third = &records[2].extracted;
        assert_eq!(third.text, "Drought warning for Tahoua & Zinder");
        assert_eq!(third.meta.published, None);
        assert_eq!(
            third.warning.as_deref(),
            Some("date \"sometime last week\" could not be read; kept undated")
        );
    }

    #[test]
    fn an_atom_feed_gives_one_record_per_entry() {
        let records = records(&fixture("feed-atom.xml")).expect("feed");
        assert_eq!(records.len(), 2);
        let first = &records[0].extracted;
        assert_eq!(records[0].key, "item 1");
        assert_eq!(
            first.text,
            "Water levels fell in Mopti on Thursday.\n\nTraders returned to Sévaré."
        );
        assert_eq!(
            first.meta.title.as_deref(),
            Some("Water levels fall in Mopti")
        );
        assert_eq!(
            first.meta.url.as_deref(),
            Some("https://rivernews.example/2023/09/mopti")
        );
        assert_eq!(first.meta.source.as_deref(), Some("River News"));
        assert_eq!(
            date(&records[0]).as_deref(),
            Some("2023-09-14T18:05:00+01:00")
        );
        // A summary in plain text; no published date, so the updated one.
        let second = &records[1].extracted;
        assert_eq!(
            second.text,
            "Boats <and> barges are back on the river at Gao.\n\nMore to follow."
        );
        assert_eq!(
            second.meta.title.as_deref(),
            Some("Boats return to Gao & Timbuktu")
        );
        assert_eq!(date(&records[1]).as_deref(), Some("2023-09-15T07:00:00Z"));
        assert_eq!(
            second.meta.url.as_deref(),
            Some("https://rivernews.example/2023/09/gao")
        );
    }

    #[test]
    fn a_cut_off_feed_is_an_error() {
        let err = records(&fixture("feed-truncated.xml")).expect_err("cut off");
        assert!(err.to_string().contains("cut off"), "{err}");
        // Every prefix of a feed is an error or a full read, never a panic.
        let feed = fixture("feed-rss2.xml");
        for end in 0..feed.len() {
            let _ = records(&feed[..end]);
        }
        let err = records(b"<rss version=\"2.0\"><channel><item><title>a</title></item>")
            .expect_err("cut off");
        assert!(err.to_string().contains("after 1 item"), "{err}");
        let err = records(b"<rss><channel><item><!x></item></channel></rss>").expect_err("broken");
        assert!(
            err.to_string()
                .starts_with("the feed is not well-formed XML"),
            "{err}"
        );
    }

    #[test]
    fn other_files_are_not_feeds() {
        let err = records(&fixture("not-a-feed.xml")).expect_err("not a feed");
        assert_eq!(
            err.to_string(),
            "not an RSS or Atom feed (its root element is <kml>)"
        );
        for (input, message) in [
            (&b""[..], "no XML element found"),
            (b"  \n", "no XML element found"),
            (b"{\"items\": []}", "does not start with an XML element"),
            (
                b"<!DOCTYPE html><html><body>x</body></html>",
                "root element is <html>",
            ),
            (
                b"<?xml version=\"1.0\"?><!-- c --><svg/>",
                "root element is <svg>",
            ),
        ] {
            let err = records(input).expect_err("not a feed").to_string();
            assert!(err.starts_with("not an RSS or Atom feed ("), "{err}");
            assert!(err.contains(message), "{err}");
        }
    }

    #[test]
    fn feeds_in_the_wild_are_read_leniently() {
        // RSS 1.0, a declared legacy encoding, an undeclared entity, a stray `&`,
        // unescaped HTML with unclosed elements in a description, an item without
        // title or text (skipped, but counted), a permalink guid and rdf:about.
        let mut feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\
            <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
              xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
            <channel rdf:about=\"x\"><title>Le Fleuve</title></channel>\
            <item rdf:about=\"https://fleuve.example/1\"><title>Crue &agrave; Niamey</title>\
              <description><p>Pluie &nbsp;sur S\xE9gou & Mopti<br>encore</description>\
              <dc:date>2021-03-04</dc:date></item>\
            <item><link>https://fleuve.example/2</link></item>\
            <item><description>Calme \xE0 Gao.</description></item>\
            </rdf:RDF>"
            .to_vec();
        feed.extend_from_slice(b"\n");
        let got = records(&feed).expect("feed");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].key, "item 1");
        assert_eq!(got[0].extracted.text, "Pluie sur Ségou & Mopti\nencore");
        assert_eq!(
            got[0].extracted.meta.title.as_deref(),
            Some("Crue à Niamey")
        );
        assert_eq!(
            got[0].extracted.meta.url.as_deref(),
            Some("https://fleuve.example/1")
        );
        assert_eq!(got[0].extracted.meta.source.as_deref(), Some("Le Fleuve"));
        assert_eq!(date(&got[0]).as_deref(), Some("2021-03-04"));
        assert_eq!(got[1].key, "item 3");
        assert_eq!(got[1].extracted.text, "Calme à Gao.");
        assert_eq!(got[1].extracted.meta.title, None);
    }

    #[test]
    fn items_past_the_cap_are_left_with_a_warning() {
        let mut feed = String::from("<rss version=\"2.0\"><channel>");
        for i in 0..MAX_ITEMS + 3 {
            feed.push_str(&format!("<item><title>t{i}</title></item>"));
        }
        feed.push_str("</channel></rss>");
        let got = records(feed.as_bytes()).expect("feed");
        assert_eq!(got.len(), MAX_ITEMS);
        let last = &got[MAX_ITEMS - 1].extracted;
        assert!(
            last.warning
                .as_deref()
                .unwrap_or("")
                .contains("more than 100000 items"),
            "{:?}",
            last.warning
        );
        assert_eq!(got[0].extracted.warning, None);
    }

    #[test]
    fn deep_and_wide_markup_is_bounded() {
        let n = 100_000;
        let feed = format!(
            "<rss><channel><item><description>{}x{}</description></item>{}</channel></rss>",
            "<div>".repeat(n),
            "</div>".repeat(n),
            "<a:b xmlns:a=\"u\">".repeat(n) + &"</a:b>".repeat(n)
        );
        let start = std::time::Instant::now();
        let got = records(feed.as_bytes()).expect("feed");
        assert_eq!(got[0].extracted.text, "x");
        assert!(start.elapsed().as_secs() < 30);
        let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
        let feed =
            format!("<rss><channel{attrs}><item{attrs}><title>t</title></item></channel></rss>");
        assert_eq!(records(feed.as_bytes()).expect("feed").len(), 1);
    }

    #[test]
    fn references_in_attributes_are_resolved() {
        assert_eq!(
            unescape("a&amp;b &#233;&#xE9; &eacute; &bogus; & x &"),
            "a&b éé é &bogus; & x &"
        );
        assert_eq!(paragraphs("  a \n b\n\n\n c  "), "a b\n\nc");
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = records(text.as_bytes());
        }

        #[test]
        fn arbitrary_feeds_never_panic(parts in prop::collection::vec(prop_oneof![
            Just("<rss version=\"2.0\">".to_string()), Just("<feed xmlns=\"http://www.w3.org/2005/Atom\">".to_string()),
            Just("<channel>".to_string()), Just("<item>".to_string()), Just("</item>".to_string()),
            Just("<entry>".to_string()), Just("</entry>".to_string()), Just("<title>".to_string()),
            Just("</title>".to_string()), Just("<description><![CDATA[<p>".to_string()), Just("]]></description>".to_string()),
            Just("<content type=\"xhtml\"><div>".to_string()), Just("</div></content>".to_string()),
            Just("<link href=\"h\"/>".to_string()), Just("&nbsp;".to_string()), Just("&".to_string()),
            Just("<pubDate>Thu, 04 Mar 2021 10:00:00 +0000</pubDate>".to_string()),
            Just("</channel></rss>".to_string()), Just("</feed>".to_string()),
            "\\PC{0,20}",
        ], 0..40)) {
            let feed = parts.concat();
            if let Ok(got) = records(feed.as_bytes()) {
                for r in got {
                    prop_assert!(!r.extracted.text.trim().is_empty());
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = records(&bytes);
        }
    }
}
