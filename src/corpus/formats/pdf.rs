//! PDFs: the text layer, page by page, with the title and creation date of the
//! document's information dictionary.
//!
//! A PDF's text is a program that paints glyphs at positions; there are no paragraphs.
//! Each page's text operators are read in the order they are written (the order the
//! program that made the file wrote them, nearly always reading order), strings decoded
//! through their font's encoding or Unicode map. A move to another line starts a new
//! line; a move along the same line, or a wide gap in a `TJ` array, puts a space. Text
//! inside form XObjects (reused pieces of a page) is read where the page draws them.
//! Pages are separated by a blank line.
//!
//! Text in images (a scanned page) is not text to a PDF reader: a file where no page has
//! any is refused with a message saying it needs OCR. Text in a font with no map to
//! Unicode (some CID fonts) cannot be decoded and is left out, with a warning.
//!
//! Files are parsed by `lopdf`. Every stream is decompressed through a cap
//! ([`MAX_STREAM_BYTES`]; [`MAX_OBJECT_STREAM_BYTES`] for the object streams unpacked on
//! loading, [`MAX_PACKED_OBJECT_BYTES`] for all of them together), all the page content
//! and font maps decoded for one file through another ([`MAX_DECODED_BYTES`]), and the
//! text kept through a third ([`MAX_TEXT_BYTES`]). `lopdf` is written to return errors rather than panic, but it is
//! a large parser of a hostile format, so a panic inside it is caught and reported as a
//! file that could not be read, not allowed to end the program (see [`extract`]).

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object, ObjectId};

use super::{Extracted, FormatError};
use crate::corpus::metadata::{Metadata, Published, unreadable_date};

/// Largest PDF read (16 MiB), below the article limit: the PDF library holds a file's
/// objects in memory at up to about 60 times its size on hostile input, so a 64 MiB file
/// could take gigabytes; a news article's PDF with a text layer is far smaller.
pub const MAX_PDF_BYTES: u64 = 16 * 1024 * 1024;

/// Largest size any one page content, form or font Unicode map is decompressed to: an
/// article's limit.
pub const MAX_STREAM_BYTES: usize = crate::corpus::read::MAX_DOCUMENT_BYTES as usize;

/// Most bytes of page content and font maps decoded for one file, all pages together
/// (512 MiB). A page's content can be shared by thousands of pages, and a form drawn
/// thousands of times: each use is counted, so a small file cannot make the reader
/// decompress without end. Past it the remaining pages are left out, with a warning.
pub const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// Most text kept from one file (bytes of UTF-8): an article's limit. A font's Unicode
/// map can turn one byte into a long string, so the text is bounded on its own.
pub const MAX_TEXT_BYTES: usize = crate::corpus::read::MAX_DOCUMENT_BYTES as usize;

/// Deepest nesting of form XObjects followed (a form drawing a form drawing…).
const MAX_FORM_DEPTH: usize = 8;

/// The least a form's use is charged against [`MAX_DECODED_BYTES`], however short its
/// content: a tiny form drawn millions of times is still bounded work.
const FORM_USE_BYTES: u64 = 1024;

/// Strings are decoded this many bytes at a time, so that the text bound is checked
/// between pieces (a multiple of 4: a code of 1, 2 or 4 bytes is never split).
const STRING_PIECE: usize = 4096;

/// Reads a PDF's text layer and properties:
/// - `title`: the information dictionary's `/Title`, when set;
/// - `published`: its `/CreationDate` (or, when absent, `/ModDate`). Like a Word
///   document's, it is the file's own date, set by the program that made it: for a
///   newspaper's PDF edition or a report it is usually the day it was made, but it is a
///   hint, not a publication date proper.
///
/// Not a PDF, encrypted with a password, damaged beyond reading, or without any text
/// (scanned pages) are errors.
///
/// The parser runs inside [`catch_unwind`]: a panic on some hostile file (a bug in the
/// parser, which no test suite can rule out for a format this large) is turned into an
/// error for that file, and the rest of a folder is read. This relies on panics
/// unwinding, which is Gazette's build setting.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FormatError> {
    if !bytes
        .get(..1024)
        .unwrap_or(bytes)
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        return Err(FormatError::new("not a PDF (no %PDF- header)"));
    }
    catch_unwind(AssertUnwindSafe(|| read(bytes))).unwrap_or_else(|_| {
        Err(FormatError::new(
            "could not be read as PDF (the PDF reader failed on it)",
        ))
    })
}

fn read(bytes: &[u8]) -> Result<Extracted, FormatError> {
    let packed = packed_object_bytes(bytes);
    if packed > MAX_PACKED_OBJECT_BYTES {
        return Err(FormatError::new(format!(
            "could not be read as PDF: its compressed object streams hold more than {} MiB \
             of objects, more than is read safely",
            MAX_PACKED_OBJECT_BYTES >> 20
        )));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_OBJECT_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => encrypted(),
        e => FormatError::new(format!("could not be read as PDF ({e})")),
    })?;
    // A file encrypted with an empty user password (only to restrict printing or copying)
    // opens in any viewer and is decrypted on loading; one that needs a password is not.
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(encrypted());
    }
    let (meta, date_warning) = properties(&doc);
    let mut reader = TextReader {
        doc: &doc,
        fonts: HashMap::new(),
        budget: MAX_DECODED_BYTES,
        text: String::new(),
        line: Line::default(),
        undecodable: false,
        stopped: None,
    };
    let mut pages = 0usize;
    let mut unreadable_pages = 0usize;
    for page_id in doc.page_iter() {
        pages += 1;
        let start = reader.text.len();
        if !reader.text.is_empty() {
            reader.text.push_str("\n\n");
        }
        if reader.page(page_id).is_err() {
            unreadable_pages += 1;
        }
        if reader.text[start..].trim().is_empty() {
            reader.text.truncate(start);
        }
        if reader.stopped.is_some() {
            break;
        }
    }
    let text = tidy(&reader.text);
    if text.is_empty() {
        return Err(FormatError::new(if pages == 0 {
            "has no pages".to_string()
        } else if reader.undecodable {
            "its text cannot be decoded (its fonts have no map to Unicode); run OCR on it"
                .to_string()
        } else if unreadable_pages == pages {
            "could not be read as PDF (no page's content could be read)".to_string()
        } else {
            "has no text layer (scanned pages?); run OCR on it first".to_string()
        }));
    }
    let mut warnings: Vec<String> = Vec::new();
    if let Some(why) = reader.stopped {
        warnings.push(why);
    }
    if unreadable_pages > 0 {
        warnings.push(format!(
            "{unreadable_pages} of {pages} pages could not be read and are left out"
        ));
    }
    if reader.undecodable {
        warnings.push("some text is in fonts with no map to Unicode and is left out".to_string());
    }
    warnings.extend(date_warning);
    Ok(Extracted {
        text,
        meta: meta.cleaned(),
        warning: (!warnings.is_empty()).then(|| warnings.join("; ")),
    })
}

/// Largest size one object stream (many small objects compressed together, PDF 1.5) or
/// cross-reference stream is decompressed to while the file is loaded.
pub const MAX_OBJECT_STREAM_BYTES: usize = 8 * 1024 * 1024;

/// Most bytes all of a file's object streams may decompress to (32 MiB). The parser holds
/// every object in memory, and an object takes up to some 60 times the bytes it is
/// written in (`0 ` is two bytes, a parsed number some 120): a 62 KB file whose object
/// stream inflates to 60 MiB of `0 0 0 …` took 3.7 GB. Real files hold a few MB of
/// objects, a large tagged report some tens of MB at most.
pub const MAX_PACKED_OBJECT_BYTES: u64 = 32 * 1024 * 1024;

thread_local! {
    /// What [`measure_object_streams`] has counted on this thread.
    static PACKED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many bytes the file's object streams decompress to (each counted up to
/// [`MAX_OBJECT_STREAM_BYTES`], the most the loader would take of it), found by a first
/// load that keeps no object. An encrypted file is not measured (the loader decrypts
/// before it could be, and takes no filter then): its object streams are bounded one by
/// one only. The count is per thread because the loader's filter is a plain function,
/// and loading runs on the calling thread (`lopdf`'s parallel loading is not enabled).
fn packed_object_bytes(bytes: &[u8]) -> u64 {
    if memchr::memmem::find(bytes, b"/Encrypt").is_some() {
        return 0;
    }
    PACKED.with(|p| p.set(0));
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_OBJECT_STREAM_BYTES),
        filter: Some(measure_object_streams),
        ..LoadOptions::default()
    };
    let _ = Document::load_mem_with_options(bytes, options);
    PACKED.with(|p| p.replace(0))
}

/// The first load's filter: adds each object stream's decompressed size to [`PACKED`]
/// and keeps no object (so the object streams are not unpacked).
fn measure_object_streams(_: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Ok(stream) = object.as_stream()
        && stream.dict.has_type(b"ObjStm")
    {
        let size = stream
            .decompressed_content_with_limit(MAX_OBJECT_STREAM_BYTES)
            .map_or(MAX_OBJECT_STREAM_BYTES, |c| c.len());
        PACKED.with(|p| p.set(p.get().saturating_add(size as u64)));
    }
    None
}

fn encrypted() -> FormatError {
    FormatError::new(
        "is encrypted and needs a password to open; save a copy without the password \
         (or print it to PDF) and read that",
    )
}

/// Title and date from the information dictionary, and a warning for a date that cannot
/// be read.
fn properties(doc: &Document) -> (Metadata, Option<String>) {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok());
    let Some(info) = info else {
        return (Metadata::default(), None);
    };
    let text = |key: &[u8]| {
        info.get(key)
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| lopdf::decode_text_string(o).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let title = text(b"Title");
    let raw = text(b"CreationDate").or_else(|| text(b"ModDate"));
    let published = raw.as_deref().and_then(|raw| {
        pdf_date(raw)
            .and_then(|iso| Published::parse(&iso))
            .or_else(|| Published::parse(raw))
    });
    let warning = match (&raw, published) {
        (Some(raw), None) => Some(format!("its {}", unreadable_date(raw))),
        _ => None,
    };
    (
        Metadata {
            title,
            published,
            ..Metadata::default()
        },
        warning,
    )
}

/// A PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, everything after the year optional, `O` one of
/// `+`, `-`, `Z`) as ISO 8601 ([`Published::parse`] reads it): `D:20210304101500+01'00'`
/// is `2021-03-04T10:15:00+01:00`. A date without a day is `None` (the format would have
/// it mean the 1st, which the file does not say); so is anything that does not follow the
/// format.
pub fn pdf_date(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, zone) = text.split_at(digits);
    if !matches!(digits, 8 | 10 | 12 | 14) {
        return None;
    }
    let mut iso = format!("{}-{}-{}", &number[..4], &number[4..6], &number[6..8]);
    if digits == 8 {
        return zone.is_empty().then_some(iso);
    }
    let part = |range: std::ops::Range<usize>| number.get(range).unwrap_or("00");
    iso.push_str(&format!(
        "T{}:{}:{}",
        part(8..10),
        part(10..12),
        part(12..14)
    ));
    let zone = zone.trim_end_matches('\'');
    match zone.as_bytes().first() {
        None => {}
        Some(b'Z') => iso.push('Z'),
        Some(sign @ (b'+' | b'-')) => {
            let rest: String = zone[1..]
                .chars()
                .filter(|c| *c != '\'' && *c != ':')
                .collect();
            if !rest.bytes().all(|b| b.is_ascii_digit()) || !matches!(rest.len(), 2 | 4) {
                return None;
            }
            let minutes = rest.get(2..4).unwrap_or("00");
            iso.push_str(&format!("{}{}:{minutes}", char::from(*sign), &rest[..2]));
        }
        Some(_) => return None,
    }
    Some(iso)
}

/// Where the text cursor is, as far as line breaks go.
#[derive(Default)]
struct Line {
    /// The text line matrix's vertical position and scale (`Tm`'s `f` and `d`), moved by
    /// `Td`; `None` before any positioning.
    y: Option<f32>,
    scale: f32,
    /// The font size (`Tf`).
    size: f32,
    /// Where the last text shown was, vertically.
    shown_y: Option<f32>,
    /// The cursor moved since the last text shown (a space or a line break is due).
    moved: bool,
}

/// Reads pages' text into one string, within the bounds.
struct TextReader<'a> {
    doc: &'a Document,
    /// Each font dictionary's encoding (keyed by its address: the same font object used
    /// on many pages is decoded once); `None` when its text cannot be decoded.
    fonts: HashMap<usize, Option<Encoding<'a>>>,
    /// Decoded bytes left of [`MAX_DECODED_BYTES`].
    budget: u64,
    text: String,
    line: Line,
    /// Some text was in a font that cannot be decoded.
    undecodable: bool,
    /// Why reading stopped early, when it did.
    stopped: Option<String>,
}

/// A page's or form's fonts by resource name.
type Fonts<'a> = BTreeMap<Vec<u8>, &'a Dictionary>;

impl<'a> TextReader<'a> {
    /// Appends a page's text. An error means the page's content could not be read.
    fn page(&mut self, page_id: ObjectId) -> Result<(), ()> {
        let doc = self.doc;
        let fonts = doc.get_page_fonts(page_id).unwrap_or_default();
        let resources = page_resources(doc, page_id);
        let content = doc
            .get_page_content_with_limit(page_id, MAX_STREAM_BYTES)
            .map_err(|_| ())?;
        if !self.charge(content.len() as u64) {
            return Ok(());
        }
        self.line = Line::default();
        self.run(&content, &fonts, &resources, 0)
    }

    /// Takes `bytes` from the budget; false (and reading stops) when it is spent.
    fn charge(&mut self, bytes: u64) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        match self.budget.checked_sub(bytes) {
            Some(left) => {
                self.budget = left;
                true
            }
            None => {
                self.stopped = Some(format!(
                    "only the first pages are read: their content came to more than {} MiB",
                    MAX_DECODED_BYTES >> 20
                ));
                false
            }
        }
    }

    /// Runs a content stream's text operators. `resources` are the resource
    /// dictionaries in force (for forms), nearest first.
    fn run(
        &mut self,
        content: &[u8],
        fonts: &Fonts<'a>,
        resources: &[&'a Dictionary],
        depth: usize,
    ) -> Result<(), ()> {
        let mut font: Option<usize> = None;
        let mut any = false;
        for operation in Content::decode_iter(content) {
            let Ok(operation) = operation else {
                // Damaged content: keep what was read before it.
                return if any { Ok(()) } else { Err(()) };
            };
            any = true;
            if self.stopped.is_some() {
                return Ok(());
            }
            let operands = &operation.operands;
            let number = |i: usize| operands.get(i).and_then(|o| o.as_float().ok());
            match operation.operator.as_str() {
                "BT" => self.line.moved = true,
                "Tf" => {
                    font = operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| fonts.get(name))
                        .map(|dict| self.font(dict));
                    self.line.size = number(1).unwrap_or(0.0).abs();
                }
                "Td" | "TD" => {
                    let ty = number(1).unwrap_or(0.0);
                    let scale = if self.line.scale == 0.0 {
                        1.0
                    } else {
                        self.line.scale
                    };
                    self.line.y = Some(self.line.y.unwrap_or(0.0) + ty * scale);
                    self.line.moved = true;
                }
                "Tm" => {
                    self.line.scale = number(3).unwrap_or(1.0);
                    self.line.y = number(5);
                    self.line.moved = true;
                }
                "T*" => self.new_line(),
                "Tj" => self.show(font, operands.first()),
                "'" => {
                    self.new_line();
                    self.show(font, operands.first());
                }
                "\"" => {
                    self.new_line();
                    self.show(font, operands.get(2));
                }
                "TJ" => {
                    let Some(Object::Array(parts)) = operands.first() else {
                        continue;
                    };
                    for part in parts {
                        // A gap of more than a fifth of the font's size is a space
                        // (thousandths of a text unit; negative moves right).
                        if let Object::String(..) = part {
                            self.show(font, Some(part));
                        } else if part.as_float().is_ok_and(|gap| gap < -200.0) {
                            self.space();
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(name) = operands.first().and_then(|o| o.as_name().ok()) {
                        self.form(name, fonts, resources, depth);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads the form XObject `name` where it is drawn, with its own fonts over the
    /// caller's.
    fn form(&mut self, name: &[u8], fonts: &Fonts<'a>, resources: &[&'a Dictionary], depth: usize) {
        let doc = self.doc;
        let Some(stream) = resources.iter().find_map(|r| {
            let xobjects = deref(doc, r.get(b"XObject").ok()?)?.as_dict().ok()?;
            deref(doc, xobjects.get(name).ok()?)?.as_stream().ok()
        }) else {
            return;
        };
        if !stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Form")
        {
            return;
        }
        let Ok(content) = stream
            .decompressed_content_with_limit(MAX_STREAM_BYTES)
            .or_else(|e| {
                // An unfiltered stream has nothing to decompress.
                if stream.dict.get(b"Filter").is_err() {
                    Ok(stream.content.clone())
                } else {
                    Err(e)
                }
            })
        else {
            return;
        };
        if !self.charge((content.len() as u64).max(FORM_USE_BYTES)) {
            return;
        }
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| deref(doc, r))
            .and_then(|r| r.as_dict().ok());
        let mut inner_fonts = fonts.clone();
        let mut inner_resources = Vec::with_capacity(resources.len() + 1);
        if let Some(own) = own {
            inner_resources.push(own);
            if let Some(own_fonts) = own
                .get(b"Font")
                .ok()
                .and_then(|f| deref(doc, f))
                .and_then(|f| f.as_dict().ok())
            {
                for (key, value) in own_fonts.iter() {
                    if let Some(font) = deref(doc, value).and_then(|f| f.as_dict().ok()) {
                        inner_fonts.insert(key.clone(), font);
                    }
                }
            }
        }
        inner_resources.extend_from_slice(resources);
        // A form's text state is its own; the line position carries on.
        let _ = self.run(&content, &inner_fonts, &inner_resources, depth + 1);
    }

    /// The key of `font`'s encoding, decoding it the first time it is met.
    fn font(&mut self, font: &'a Dictionary) -> usize {
        let key = std::ptr::from_ref(font) as usize;
        if !self.fonts.contains_key(&key) {
            let encoding = self.encoding(font);
            self.fonts.insert(key, encoding);
        }
        key
    }

    /// How `font`'s strings become text, or `None` when they cannot.
    fn encoding(&mut self, font: &'a Dictionary) -> Option<Encoding<'a>> {
        let doc = self.doc;
        let to_unicode = font
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok());
        if let Some(map) = to_unicode {
            // Measured before lopdf decodes it, to charge the budget with its true size.
            let size = map
                .decompressed_content_with_limit(MAX_STREAM_BYTES)
                .map_or(map.content.len(), |c| c.len());
            if !self.charge(size as u64) {
                return None;
            }
        }
        let composite = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Type0");
        // A composite font's two-byte codes mean nothing without a Unicode map; read
        // as one-byte text they would be noise.
        if composite && to_unicode.is_none() {
            return None;
        }
        font.get_font_encoding_with_limit(doc, MAX_STREAM_BYTES)
            .ok()
    }

    /// Appends a string operand's text in the current font.
    fn show(&mut self, font: Option<usize>, operand: Option<&Object>) {
        let Some(Object::String(bytes, _)) = operand else {
            return;
        };
        let Some(encoding) = font
            .and_then(|key| self.fonts.get(&key))
            .and_then(Option::as_ref)
        else {
            if !bytes.is_empty() {
                self.undecodable = true;
            }
            return;
        };
        let mut decoded = String::new();
        for piece in bytes.chunks(STRING_PIECE) {
            let _ = encoding.write_to_string(piece, &mut decoded);
            if decoded.len() > MAX_TEXT_BYTES {
                break;
            }
        }
        if decoded.is_empty() {
            return;
        }
        if self.line.moved {
            self.line.moved = false;
            let threshold = (self.line.size * self.line.scale.abs() * 0.5).max(1.0);
            match (self.line.shown_y, self.line.y) {
                (Some(before), Some(now)) if (before - now).abs() > threshold => self.new_line(),
                _ => self.space(),
            }
        }
        self.line.shown_y = self.line.y.or(self.line.shown_y);
        if self.text.len() + decoded.len() > MAX_TEXT_BYTES {
            let mut end = MAX_TEXT_BYTES
                .saturating_sub(self.text.len())
                .min(decoded.len());
            while !decoded.is_char_boundary(end) {
                end -= 1;
            }
            self.text.push_str(&decoded[..end]);
            self.stopped = Some(format!(
                "only the first {} MiB of its text are kept",
                MAX_TEXT_BYTES >> 20
            ));
            return;
        }
        self.text.push_str(&decoded);
    }

    fn space(&mut self) {
        if !self.text.ends_with(char::is_whitespace) && !self.text.is_empty() {
            self.text.push(' ');
        }
    }

    fn new_line(&mut self) {
        self.line.moved = false;
        if !self.text.ends_with('\n') && !self.text.is_empty() {
            self.text.push('\n');
        }
    }
}

/// The object `object` refers to (itself if not a reference), following a few
/// references at most.
fn deref<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

/// A page's resource dictionaries, nearest first (its own, then inherited ones).
fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let Ok((own, inherited)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    own.into_iter()
        .chain(
            inherited
                .into_iter()
                .filter_map(|id| doc.get_dictionary(id).ok()),
        )
        .collect()
}

/// The text as articles are given: control characters made spaces, runs of spaces one,
/// lines trimmed, empty lines dropped except the blank line between pages.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for page in text.split("\n\n") {
        let start = out.len();
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let mut first_line = true;
        for line in page.lines() {
            let mut cleaned = String::with_capacity(line.len());
            for word in line
                .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{FEFF}')
                .filter(|w| !w.is_empty())
            {
                if !cleaned.is_empty() {
                    cleaned.push(' ');
                }
                cleaned.push_str(word);
            }
            if cleaned.is_empty() {
                continue;
            }
            if !first_line {
                out.push('\n');
            }
            first_line = false;
            out.push_str(&cleaned);
        }
        if first_line {
            out.truncate(start);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PDF file of `objects` (numbered from 1; object 1 the catalog), with a correct
    /// cross-reference table, and `/Info 6 0 R` in the trailer when `info` is set.
    pub(crate) fn pdf_of(objects: &[String], info: Option<usize>) -> Vec<u8> {
        let objects: Vec<Option<Vec<u8>>> = objects
            .iter()
            .map(|o| Some(o.as_bytes().to_vec()))
            .collect();
        pdf_of_bytes(&objects, info)
    }

    /// [`pdf_of`] for objects of any bytes; a `None` is left out of the file and of
    /// the cross-reference table (an object kept in an object stream).
    fn pdf_of_bytes(objects: &[Option<Vec<u8>>], info: Option<usize>) -> Vec<u8> {
        let mut out = b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(body.as_ref().map(|_| out.len()));
            if let Some(body) = body {
                out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
                out.extend_from_slice(body);
                out.extend_from_slice(b"\nendobj\n");
            }
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
        let mut number = 1;
        for run in offsets.split(Option::is_none) {
            if !run.is_empty() {
                out.extend_from_slice(format!("{number} {}\n", run.len()).as_bytes());
                for offset in run.iter().flatten() {
                    out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
                }
            }
            number += run.len() + 1;
        }
        let info = info.map(|n| format!(" /Info {n} 0 R")).unwrap_or_default();
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    /// An object stream holding `objects` (number, text), Deflate-compressed.
    fn object_stream(objects: &[(usize, &str)]) -> Vec<u8> {
        let mut index = String::new();
        let mut body = String::new();
        for (number, text) in objects {
            index.push_str(&format!("{number} {} ", body.len()));
            body.push_str(text);
            body.push('\n');
        }
        let mut stream =
            lopdf::Stream::new(Dictionary::new(), format!("{index}{body}").into_bytes());
        stream.compress().expect("compresses");
        // lopdf leaves content that would not shrink uncompressed.
        let filter = if stream.dict.has(b"Filter") {
            "/Filter /FlateDecode "
        } else {
            ""
        };
        let mut out = format!(
            "<< /Type /ObjStm /N {} /First {} {filter}/Length {} >>\nstream\n",
            objects.len(),
            index.len(),
            stream.content.len()
        )
        .into_bytes();
        out.extend_from_slice(&stream.content);
        out.extend_from_slice(b"\nendstream");
        out
    }

    /// A stream object holding `data`.
    fn stream(dict: &str, data: &str) -> String {
        format!(
            "<< {dict} /Length {} >>\nstream\n{data}\nendstream",
            data.len()
        )
    }

    /// Catalog and page tree for pages that are objects 3, 4, … (`kids` of them).
    fn tree(kids: usize) -> [String; 2] {
        let refs: Vec<String> = (0..kids).map(|i| format!("{} 0 R", i + 3)).collect();
        [
            "<< /Type /Catalog /Pages 2 0 R >>".into(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {kids} >>",
                refs.join(" ")
            ),
        ]
    }

    /// One Helvetica page saying "Floods hit Niamey and Agadez.", titled and dated.
    pub(crate) fn sample_pdf() -> Vec<u8> {
        let [catalog, pages] = tree(1);
        pdf_of(
            &[
                catalog,
                pages,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
                    .into(),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                    .into(),
                stream(
                    "",
                    "BT /F1 12 Tf 72 720 Td (Floods hit Niamey and Agadez.) Tj ET",
                ),
                "<< /Title (Floods in the Sahel) /CreationDate (D:20210304101500+01'00') >>".into(),
            ],
            Some(6),
        )
    }

    #[test]
    fn reads_a_page_with_its_title_and_date() {
        let bytes = sample_pdf();
        assert!(bytes.len() < 1000, "{} bytes", bytes.len());
        let extracted = extract(&bytes).expect("reads");
        assert_eq!(extracted.text, "Floods hit Niamey and Agadez.");
        assert_eq!(extracted.meta.title.as_deref(), Some("Floods in the Sahel"));
        assert_eq!(
            extracted.meta.published.map(|p| p.to_string()).as_deref(),
            Some("2021-03-04T10:15:00+01:00")
        );
        assert_eq!(extracted.warning, None);
    }

    #[test]
    fn lines_spaces_pages_and_forms_come_out_in_order() {
        let [catalog, pages] = tree(2);
        let page = |contents: usize| {
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources \
                 << /Font << /F1 5 0 R >> /XObject << /X1 8 0 R >> >> /Contents {contents} 0 R >>"
            )
        };
        let first = "BT /F1 12 Tf 72 720 Td (Floods hit) Tj 0 -14 Td (Niamey.) Tj \
                     T* [(Rain) -250 (in) -300 (Ag) 12 (adez.)] TJ ET \
                     BT 1 0 0 1 72 600 Tm (Roads closed) Tj ET \
                     BT 1 0 0 1 160 600 Tm (near Zinder.) Tj ET";
        let second = "BT /F1 11 Tf 1 0 0 1 72 700 Tm (Talks in Gao.) Tj ET /X1 Do \
                      BT /F1 11 Tf (\\(Mali\\)) ' ET";
        let pdf = pdf_of(
            &[
                catalog,
                pages,
                page(6),
                page(7),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
                stream("", first),
                stream("", second),
                stream(
                    "/Type /XObject /Subtype /Form /BBox [0 0 612 792] \
                     /Resources << /Font << /F2 5 0 R >> >>",
                    "BT /F2 11 Tf 1 0 0 1 72 500 Tm (Form text on Kidal.) Tj ET",
                ),
            ],
            None,
        );
        let extracted = extract(&pdf).expect("reads");
        assert_eq!(
            extracted.text,
            "Floods hit\nNiamey.\nRain in Agadez.\nRoads closed near Zinder.\n\n\
             Talks in Gao.\nForm text on Kidal.\n(Mali)"
        );
        assert!(extracted.meta.is_empty());
    }

    #[test]
    fn a_page_of_images_only_has_no_text_layer() {
        let [catalog, pages] = tree(1);
        let pdf = pdf_of(
            &[
                catalog,
                pages,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
                    .into(),
                stream("", "q 612 0 0 792 0 0 cm /Im1 Do Q"),
                stream(
                    "/Type /XObject /Subtype /Image /Width 2 /Height 1 \
                     /ColorSpace /DeviceGray /BitsPerComponent 8",
                    "\u{7f}\u{7f}",
                ),
            ],
            None,
        );
        let message = extract(&pdf).expect_err("no text").to_string();
        assert_eq!(
            message,
            "has no text layer (scanned pages?); run OCR on it first"
        );
        // A blank page alike.
        let [catalog, pages] = tree(1);
        let blank = pdf_of(
            &[
                catalog,
                pages,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".into(),
            ],
            None,
        );
        let message = extract(&blank).expect_err("no text").to_string();
        assert!(message.starts_with("has no text layer"), "{message}");
    }

    #[test]
    fn a_cid_font_without_a_unicode_map_is_left_out_with_a_warning() {
        let [catalog, pages] = tree(1);
        let pdf = pdf_of(
            &[
                catalog,
                pages,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>"
                    .into(),
                stream(
                    "",
                    "BT /F2 12 Tf <002C0048> Tj /F1 12 Tf 0 -14 Td (Rain in Gao.) Tj ET",
                ),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
                "<< /Type /Font /Subtype /Type0 /BaseFont /ABC+Font /Encoding /Identity-H \
                 /DescendantFonts [] >>"
                    .into(),
            ],
            None,
        );
        let extracted = extract(&pdf).expect("reads");
        assert_eq!(extracted.text, "Rain in Gao.");
        assert!(
            extracted
                .warning
                .as_deref()
                .unwrap_or("")
                .contains("no map to Unicode"),
            "{:?}",
            extracted.warning
        );
    }

    #[test]
    fn a_unicode_map_decodes_two_byte_codes() {
        let [catalog, pages] = tree(1);
        let cmap = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
                    /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
                    1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
                    2 beginbfchar\n<0001> <004E>\n<0002> <0069>\nendbfchar\n\
                    1 beginbfrange\n<0003> <0006> <0061>\nendbfrange\n\
                    endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        let pdf = pdf_of(
            &[
                catalog,
                pages,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
                    .into(),
                stream(
                    "",
                    "BT /F1 12 Tf 72 720 Td <000100020003000400050006> Tj ET",
                ),
                "<< /Type /Font /Subtype /Type0 /BaseFont /ABC+Font /Encoding /Identity-H \
                 /DescendantFonts [] /ToUnicode 6 0 R >>"
                    .into(),
                stream("", cmap),
            ],
            None,
        );
        let extracted = extract(&pdf).expect("reads");
        assert_eq!(extracted.text, "Niabcd");
    }

    #[test]
    fn objects_in_object_streams_are_read_within_the_bound() {
        let [catalog, pages] = tree(1);
        let page = "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> \
                    /Contents 5 0 R >>";
        let content = stream("", "BT /F1 12 Tf (Rain in Gao.) Tj ET");
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
        let file = |packed: Vec<u8>, more: usize| {
            let mut objects = vec![
                Some(catalog.clone().into_bytes()),
                Some(pages.clone().into_bytes()),
                Some(page.as_bytes().to_vec()),
                None,
                Some(content.clone().into_bytes()),
                Some(packed.clone()),
            ];
            objects.extend((0..more).map(|_| Some(packed.clone())));
            pdf_of_bytes(&objects, None)
        };
        let small = file(object_stream(&[(4, font)]), 0);
        assert_eq!(extract(&small).expect("reads").text, "Rain in Gao.");
        // A 7 MiB array of zeros packs into a few KB; five of them are 35 MiB of objects.
        let zeros = format!("[{}]", "0 ".repeat(7 << 19));
        let bomb = object_stream(&[(4, font), (99, &zeros)]);
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        assert_eq!(
            extract(&file(bomb.clone(), 0)).expect("reads").text,
            "Rain in Gao."
        );
        let message = extract(&file(bomb, 4)).expect_err("too many").to_string();
        assert!(message.contains("more than 32 MiB of objects"), "{message}");
    }

    #[test]
    fn refuses_what_is_not_a_readable_pdf() {
        let message = |bytes: &[u8]| extract(bytes).expect_err("refused").to_string();
        assert_eq!(
            message(b"Floods hit Niamey."),
            "not a PDF (no %PDF- header)"
        );
        assert_eq!(message(b""), "not a PDF (no %PDF- header)");
        let m = message(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF");
        assert!(
            m.starts_with("could not be read as PDF") || m == "has no pages",
            "{m}"
        );
        let cut = sample_pdf();
        for end in [10, 100, 300, cut.len() - 40] {
            // Cut anywhere: an error or (where lopdf rebuilds what it can) the text.
            match extract(&cut[..end]) {
                Ok(extracted) => assert!(extracted.text.contains("Niamey"), "{end}"),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn an_encrypted_pdf_needs_its_password_unless_it_is_empty() {
        use lopdf::{EncryptionState, EncryptionVersion, Permissions};
        let encrypted_with = |user_password: &str| {
            let mut doc = Document::load_mem(&sample_pdf()).expect("loads");
            let id = Object::String(
                b"0123456789abcdef".to_vec(),
                lopdf::StringFormat::Hexadecimal,
            );
            doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
            let version = EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password,
                key_length: 128,
                permissions: Permissions::all(),
            };
            let state = EncryptionState::try_from(version).expect("state");
            doc.encrypt(&state).expect("encrypts");
            let mut out = Vec::new();
            doc.save_to(&mut out).expect("saves");
            out
        };
        let locked = encrypted_with("secret");
        let message = extract(&locked).expect_err("locked").to_string();
        assert!(message.starts_with("is encrypted"), "{message}");
        let open = encrypted_with("");
        let extracted = extract(&open).expect("reads");
        assert_eq!(extracted.text, "Floods hit Niamey and Agadez.");
        assert_eq!(extracted.meta.title.as_deref(), Some("Floods in the Sahel"));
    }

    #[test]
    fn pdf_dates_become_iso_8601() {
        let cases = [
            ("D:20210304101500+01'00'", Some("2021-03-04T10:15:00+01:00")),
            ("D:20210304101500+01'00", Some("2021-03-04T10:15:00+01:00")),
            ("D:20210304101500-05'30'", Some("2021-03-04T10:15:00-05:30")),
            ("D:20210304101500Z", Some("2021-03-04T10:15:00Z")),
            ("D:20210304101500Z00'00'", Some("2021-03-04T10:15:00Z")),
            ("D:20210304101500", Some("2021-03-04T10:15:00")),
            ("D:202103041015", Some("2021-03-04T10:15:00")),
            ("D:2021030410", Some("2021-03-04T10:00:00")),
            ("D:20210304", Some("2021-03-04")),
            ("20210304101500+0100", Some("2021-03-04T10:15:00+01:00")),
            ("D:202103", None),
            ("D:2021", None),
            ("D:20210304101500+1", None),
            ("D:20210304101500X", None),
            ("yesterday", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(pdf_date(text).as_deref(), expected, "{text:?}");
            if let Some(iso) = expected {
                assert!(Published::parse(iso).is_some(), "{iso}");
            }
        }
        // Through the reader: a date in another form is tried as it is; a bad one warns.
        let [catalog, pages] = tree(1);
        let with_info = |info: &str| {
            pdf_of(
                &[
                    catalog.clone(),
                    pages.clone(),
                    "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> \
                     /Contents 5 0 R >>"
                        .into(),
                    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
                    stream("", "BT /F1 12 Tf (Rain in Gao.) Tj ET"),
                    info.to_string(),
                ],
                Some(6),
            )
        };
        let extracted = extract(&with_info("<< /ModDate (2021-03-04) >>")).expect("reads");
        assert_eq!(
            extracted.meta.published.map(|p| p.to_string()).as_deref(),
            Some("2021-03-04")
        );
        let extracted = extract(&with_info(
            "<< /CreationDate (D:2021) /Title <FEFF0047006106F> >>",
        ))
        .expect("reads");
        assert_eq!(extracted.meta.published, None);
        assert!(
            extracted
                .warning
                .as_deref()
                .unwrap_or("")
                .contains("D:2021")
        );
    }

    #[test]
    fn tidy_keeps_lines_and_page_breaks_only() {
        assert_eq!(tidy("  a \t b \u{1}c\n\n\n d \n\n\n\n"), "a b c\n\nd");
        assert_eq!(tidy("a\n \nb"), "a\nb");
        assert_eq!(tidy(" \n\n "), "");
    }
}
