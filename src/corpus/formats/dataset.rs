//! Dataset exports, one article per record: JSON Lines, a JSON array of objects, and
//! CSV/TSV with a header row. Records are read one at a time from the file (a 1 GB CSV
//! or JSON Lines file is never in memory whole; a JSON array is read element by
//! element), each bounded to [`MAX_RECORD_BYTES`].
//!
//! Fields are found by name, case-insensitive and ignoring `_`, `-` and spaces
//! (`Article Text` = `article_text`), unless [`Fields`] names them:
//! - text: `text`, `body`, `content`, `article`, `maintext`, `article_text`,
//!   `full_text`, `story`, `body_text`, `text_content`, `description`, `summary`;
//! - title: `title`, `headline`, `heading`, `name`;
//! - date: `date`, `published`, `publish_date`, `published_at`, `pubdate`,
//!   `date_publish`, `datePublished`, `publication_date`, `pub_date`, `datetime`,
//!   `timestamp`, `created_at`, `seendate`;
//! - URL: `url`, `link`, `uri`, `source_url`, `article_url`, `permalink`, `href`;
//! - source: `source`, `site`, `site_name`, `publisher`, `outlet`, `source_name`,
//!   `domain`, `media` (an object's `name`, as NewsAPI writes `source`, is taken too).
//!
//! The first name of each list that a record has wins. A record with no text (or an
//! empty one) is skipped with a message naming its line; a date that cannot be read
//! keeps the record, undated, with a warning.

use std::io::{BufRead, Read};
use std::ops::ControlFlow;

use serde_json::{Map, Value};

use super::{Extracted, Fields, FormatError, Record, RecordError};
use crate::corpus::metadata::{Metadata, Published, unreadable_date};

/// Largest record read (bytes): an article's limit, as for a text file.
pub const MAX_RECORD_BYTES: u64 = crate::corpus::read::MAX_DOCUMENT_BYTES;

const TEXT: &[&str] = &[
    "text",
    "body",
    "content",
    "article",
    "maintext",
    "articletext",
    "fulltext",
    "story",
    "bodytext",
    "textcontent",
    "description",
    "summary",
];
const TITLE: &[&str] = &["title", "headline", "heading", "name"];
const DATE: &[&str] = &[
    "date",
    "published",
    "publishdate",
    "publishedat",
    "pubdate",
    "datepublish",
    "datepublished",
    "publicationdate",
    "datetime",
    "timestamp",
    "createdat",
    "seendate",
];
const URL: &[&str] = &[
    "url",
    "link",
    "uri",
    "sourceurl",
    "articleurl",
    "permalink",
    "href",
];
const SOURCE: &[&str] = &[
    "source",
    "site",
    "sitename",
    "publisher",
    "outlet",
    "sourcename",
    "domain",
    "media",
];

/// A field name as compared: lower case, without `_`, `-`, `.` and spaces.
fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column or key holds each field.
#[derive(Debug, Clone, Default)]
struct Chosen {
    text: Option<usize>,
    title: Option<usize>,
    date: Option<usize>,
    url: Option<usize>,
    source: Option<usize>,
}

/// For each field, the index in `names` of the column to read: the one [`Fields`] names
/// (an error if absent), else the first of the usual names present.
fn choose(names: &[String], fields: &Fields) -> Result<Chosen, String> {
    let folded_names: Vec<String> = names.iter().map(|n| folded(n)).collect();
    let find = |given: &Option<String>, usual: &[&str]| -> Result<Option<usize>, String> {
        match given {
            Some(name) => names
                .iter()
                .position(|n| n == name)
                .or_else(|| folded_names.iter().position(|n| *n == folded(name)))
                .map(Some)
                .ok_or_else(|| format!("has no field named {name:?}")),
            None => Ok(usual
                .iter()
                .find_map(|u| folded_names.iter().position(|n| n == u))),
        }
    };
    Ok(Chosen {
        text: find(&fields.text, TEXT)?,
        title: find(&fields.title, TITLE)?,
        date: find(&fields.date, DATE)?,
        url: find(&fields.url, URL)?,
        source: find(&None, SOURCE)?,
    })
}

/// How the message for a file or record without a text field starts (see
/// [`FormatError::is_missing_text_field`]).
pub const NO_TEXT_FIELD: &str = "no text field found";

/// The message for a file or record without a text field.
fn no_text(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(30).map(String::as_str).collect();
    format!(
        "{NO_TEXT_FIELD} (looked for {}); its fields are: {}{} — name one with \
         --text-field",
        TEXT[..6].join(", "),
        shown.join(", "),
        if names.len() > shown.len() {
            ", …"
        } else {
            ""
        }
    )
}

/// A record's fields made into an [`Extracted`], or why it has no text.
fn extracted(
    text: Option<String>,
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
    source: Option<String>,
) -> Result<Extracted, String> {
    let text = text
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| "its text is empty".to_string())?;
    let mut warning = None;
    let published = match date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            let parsed = Published::parse(raw);
            if parsed.is_none() {
                warning = Some(unreadable_date(raw));
            }
            parsed
        }
    };
    Ok(Extracted {
        text,
        meta: Metadata {
            title,
            published,
            url,
            source,
        }
        .cleaned(),
        warning,
    })
}

/// A JSON value as a field's text: a string as it is, a number as written (a Unix
/// timestamp stays digits, which the date reader refuses rather than misreads), an
/// object's `name` (NewsAPI's `source`), anything else `None`.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(map) => map.get("name").and_then(value_text),
        _ => None,
    }
}

/// One JSON object as a record keyed `key`.
fn object_record(key: String, value: Value, fields: &Fields) -> Result<Record, RecordError> {
    let error = |message: String| RecordError {
        key: key.clone(),
        message,
    };
    let Value::Object(map) = value else {
        return Err(error(format!(
            "is {}, not an object",
            match value {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            }
        )));
    };
    let names: Vec<String> = map.keys().cloned().collect();
    let chosen = choose(&names, fields).map_err(error)?;
    let get = |i: Option<usize>| i.and_then(|i| field(&map, &names[i]));
    if chosen.text.is_none() {
        return Err(error(no_text(&names)));
    }
    let extracted = extracted(
        get(chosen.text),
        get(chosen.title),
        get(chosen.date),
        get(chosen.url),
        get(chosen.source),
    )
    .map_err(error)?;
    Ok(Record { key, extracted })
}

fn field(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name).and_then(value_text)
}

/// The field names of a dataset export in `format` at `path`, for a user to choose the
/// text field from: a CSV/TSV file's header, or the keys of the first object of a JSON
/// Lines file or JSON array (at most [`MAX_RECORD_BYTES`] read).
pub fn field_names(
    path: &std::path::Path,
    format: super::Format,
) -> Result<Vec<String>, FormatError> {
    use super::Format;
    let (file, _) =
        crate::regular_file::open(path, u64::MAX).map_err(|e| FormatError::new(e.to_string()))?;
    let mut names = None;
    let bounded = BomSkipped::new(file.take(MAX_RECORD_BYTES));
    match format {
        Format::Delimited { delimiter } => {
            let mut csv = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_reader(bounded);
            let header = csv
                .byte_headers()
                .map_err(|e| FormatError::new(format!("cannot read the header row ({e})")))?;
            names = Some(
                header
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).trim().to_string())
                    .collect(),
            );
        }
        Format::JsonLines => {
            let mut reader = std::io::BufReader::new(bounded);
            let mut line = Vec::new();
            while reader
                .read_until(b'\n', &mut line)
                .map_err(|e| FormatError::new(e.to_string()))?
                > 0
            {
                if !line.trim_ascii().is_empty() {
                    if let Ok(Value::Object(map)) = serde_json::from_slice(line.trim_ascii()) {
                        names = Some(map.keys().cloned().collect());
                    }
                    break;
                }
                line.clear();
            }
        }
        Format::JsonArray => {
            let mut first = None;
            let _ = json_array_values(bounded, &mut |value| {
                first = Some(value);
                ControlFlow::Break(())
            });
            if let Some(Value::Object(map)) = first {
                names = Some(map.keys().cloned().collect());
            }
        }
        _ => {}
    }
    names.ok_or_else(|| FormatError::new("no fields found"))
}

/// Calls `f` with each line of a JSON Lines stream as a record (`line N`), blank lines
/// skipped, until `f` breaks. A line that is not a JSON object, or is longer than
/// [`MAX_RECORD_BYTES`], is an error for that line only. Fails only if the stream
/// cannot be read.
pub fn json_lines(
    mut reader: impl BufRead,
    fields: &Fields,
    f: &mut dyn FnMut(Result<Record, RecordError>) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let read = (&mut reader)
            .take(MAX_RECORD_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| FormatError::new(format!("cannot read line {number}: {e}")))?;
        if read == 0 {
            return Ok(());
        }
        let key = format!("line {number}");
        let result = if line.len() as u64 > MAX_RECORD_BYTES {
            // Skip the rest of the over-long line.
            skip_line(&mut reader)
                .map_err(|e| FormatError::new(format!("cannot read line {number}: {e}")))?;
            Err(RecordError {
                key,
                message: format!("longer than {MAX_RECORD_BYTES} bytes; skipped"),
            })
        } else {
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            let trimmed = trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed);
            match serde_json::from_slice::<Value>(trimmed) {
                Ok(value) => object_record(key, value, fields),
                Err(e) => Err(RecordError {
                    key,
                    message: format!("not valid JSON ({e})"),
                }),
            }
        };
        if f(result).is_break() {
            return Ok(());
        }
    }
}

/// Reads up to and including the next line break.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(i) = memchr::memchr(b'\n', buf) {
            reader.consume(i + 1);
            return Ok(());
        }
        let n = buf.len();
        reader.consume(n);
    }
}

/// Calls `f` with each element of a JSON array as a record (`item N`, from 1), read
/// one element at a time, until `f` breaks. A file that is not an array is an error; an
/// element that is not an object (or lacks a text) is an error for that element only.
pub fn json_array(
    reader: impl Read,
    fields: &Fields,
    f: &mut dyn FnMut(Result<Record, RecordError>) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    let mut n = 0u64;
    json_array_values(reader, &mut |value| {
        n += 1;
        f(object_record(format!("item {n}"), value, fields))
    })
}

/// Calls `f` with each element of a JSON array, read one at a time, until it breaks.
fn json_array_values(
    reader: impl Read,
    f: &mut dyn FnMut(Value) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    use serde::de::{Deserializer, SeqAccess, Visitor};

    struct Elements<'a> {
        f: &'a mut dyn FnMut(Value) -> ControlFlow<()>,
    }
    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();
        fn expecting(&self, out: &mut std::fmt::Formatter) -> std::fmt::Result {
            out.write_str("an array of objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(value) = seq.next_element::<Value>()? {
                if (self.f)(value).is_break() {
                    // The rest is not read: serde_json would report the unread elements
                    // as an error, which the caller does not want to see.
                    return Err(serde::de::Error::custom(Stopped));
                }
            }
            Ok(())
        }
    }

    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::new(BomSkipped::new(reader)));
    match de.deserialize_seq(Elements { f }) {
        Ok(()) => de
            .end()
            .map_err(|e| FormatError::new(format!("not valid JSON after the array ({e})"))),
        Err(e) if e.to_string().starts_with(STOPPED) => Ok(()),
        Err(e) => Err(FormatError::new(format!(
            "not a JSON array of objects ({e})"
        ))),
    }
}

const STOPPED: &str = "gazette: stopped reading";

/// The error a visitor returns to stop reading early.
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(STOPPED)
    }
}

/// A reader with a leading UTF-8 byte-order mark removed (serde_json refuses one).
struct BomSkipped<R> {
    inner: R,
    start: Vec<u8>,
    checked: bool,
}

impl<R: Read> BomSkipped<R> {
    fn new(inner: R) -> Self {
        BomSkipped {
            inner,
            start: Vec::new(),
            checked: false,
        }
    }
}

impl<R: Read> Read for BomSkipped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut head = [0u8; 3];
            let mut got = 0;
            while got < 3 {
                let n = self.inner.read(&mut head[got..])?;
                if n == 0 {
                    break;
                }
                got += n;
            }
            if head[..got] != [0xEF, 0xBB, 0xBF] {
                self.start = head[..got].to_vec();
            }
        }
        if !self.start.is_empty() {
            let n = self.start.len().min(buf.len());
            buf[..n].copy_from_slice(&self.start[..n]);
            self.start.drain(..n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

/// Calls `f` with each record of a CSV or TSV stream (header row first) as a record
/// (`line N`, the line it starts on), until `f` breaks. A header without a text column
/// (nor the one [`Fields`] names) is an error for the file, naming its columns. Rows
/// with fewer fields than the text column are errors for that row; extra fields are
/// ignored; fields that are not UTF-8 are decoded as [`decode`](crate::corpus::decode)
/// does, with a warning.
pub fn delimited(
    reader: impl Read,
    delimiter: u8,
    fields: &Fields,
    f: &mut dyn FnMut(Result<Record, RecordError>) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    let limit = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let bounded = Bounded {
        inner: BomSkipped::new(reader),
        read: 0,
        record_start: limit.clone(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(bounded);
    let header: Vec<String> = csv
        .byte_headers()
        .map_err(|e| FormatError::new(format!("cannot read the header row ({e})")))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let chosen = choose(&header, fields).map_err(FormatError::new)?;
    let Some(text_column) = chosen.text else {
        return Err(FormatError::new(no_text(&header)));
    };
    let mut row = csv::ByteRecord::new();
    loop {
        limit.set(csv.position().byte());
        let line = csv.position().line();
        let key = format!("line {line}");
        match csv.read_byte_record(&mut row) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                // An I/O error (the record bound among them) ends the file; a UTF-8 error
                // cannot happen with byte records.
                return Err(FormatError::new(format!("{key}: {e}")));
            }
        }
        let mut warning = None;
        let mut get = |i: Option<usize>| -> Option<String> {
            let bytes = row.get(i?)?;
            match std::str::from_utf8(bytes) {
                Ok(s) => Some(s.to_string()),
                Err(_) => {
                    let (text, _) = crate::corpus::decode(bytes)?;
                    warning = Some(
                        "some fields are not UTF-8; decoded as the file's text would be"
                            .to_string(),
                    );
                    Some(text)
                }
            }
        };
        let result = if row.len() <= text_column {
            Err(RecordError {
                key: key.clone(),
                message: format!(
                    "has {} fields, fewer than the header's {}; skipped",
                    row.len(),
                    header.len()
                ),
            })
        } else {
            let text = get(chosen.text);
            let (title, date, url, source) = (
                get(chosen.title),
                get(chosen.date),
                get(chosen.url),
                get(chosen.source),
            );
            extracted(text, title, date, url, source)
                .map(|mut extracted| {
                    if extracted.warning.is_none() {
                        extracted.warning = warning;
                    }
                    Record {
                        key: key.clone(),
                        extracted,
                    }
                })
                .map_err(|message| RecordError {
                    key: key.clone(),
                    message,
                })
        };
        if f(result).is_break() {
            return Ok(());
        }
    }
}

/// A reader that fails once more than [`MAX_RECORD_BYTES`] have been read since the
/// current record started (`record_start`, set by the caller before each record): the
/// `csv` crate grows its buffer to hold any field, so an unclosed quote at the start of
/// a 1 GB file would otherwise be read into memory whole.
struct Bounded<R> {
    inner: R,
    read: u64,
    record_start: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read.saturating_sub(self.record_start.get()) > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(format!(
                "a record longer than {MAX_RECORD_BYTES} bytes (an unclosed quote?); the \
                 rest of the file is not read"
            )));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(
        read: impl FnOnce(
            &mut dyn FnMut(Result<Record, RecordError>) -> ControlFlow<()>,
        ) -> Result<(), FormatError>,
    ) -> (Vec<Result<Record, RecordError>>, Result<(), FormatError>) {
        let mut out = Vec::new();
        let result = read(&mut |r| {
            out.push(r);
            ControlFlow::Continue(())
        });
        (out, result)
    }

    #[test]
    fn json_lines_finds_the_usual_fields_and_names_bad_lines() {
        let input = concat!(
            "{\"headline\":\"Rain\",\"maintext\":\"Rain in Agadez.\",\"date_publish\":\"2021-03-04 10:00:00\",\"url\":\"https://e.org/a\",\"source\":{\"id\":\"x\",\"name\":\"Wire\"}}\n",
            "\n",
            "[1,2]\n",
            "{\"text\":\"\"}\n",
            "not json\n",
            "{\"body\":\"Talks in Niamey.\",\"published\":\"someday\"}\n",
            "{\"title\":\"no text\"}\n",
        );
        let (records, result) = all(|f| json_lines(input.as_bytes(), &Fields::default(), f));
        assert!(result.is_ok());
        assert_eq!(records.len(), 6);
        let first = records[0].as_ref().expect("first record");
        assert_eq!(first.key, "line 1");
        assert_eq!(first.extracted.text, "Rain in Agadez.");
        assert_eq!(first.extracted.meta.title.as_deref(), Some("Rain"));
        assert_eq!(
            first
                .extracted
                .meta
                .published
                .map(|p| p.to_string())
                .as_deref(),
            Some("2021-03-04T10:00:00")
        );
        assert_eq!(first.extracted.meta.source.as_deref(), Some("Wire"));
        let errors: Vec<String> = records
            .iter()
            .filter_map(|r| r.as_ref().err().map(|e| e.to_string()))
            .collect();
        assert!(errors[0].starts_with("line 3: is an array"), "{errors:?}");
        assert!(
            errors[1].starts_with("line 4: its text is empty"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("line 5: not valid JSON"),
            "{errors:?}"
        );
        assert!(
            errors[3].starts_with("line 7: no text field found"),
            "{errors:?}"
        );
        let undated = records[4].as_ref().expect("kept undated");
        assert_eq!(undated.extracted.meta.published, None);
        assert!(
            undated
                .extracted
                .warning
                .as_deref()
                .unwrap_or("")
                .contains("someday")
        );
    }

    #[test]
    fn named_fields_win_and_a_missing_one_is_an_error() {
        let input = "{\"text\":\"summary\",\"Full Story\":\"Troops left Gao.\"}\n";
        let fields = Fields {
            text: Some("full_story".into()),
            ..Fields::default()
        };
        let (records, _) = all(|f| json_lines(input.as_bytes(), &fields, f));
        assert_eq!(
            records[0].as_ref().expect("record").extracted.text,
            "Troops left Gao."
        );
        let fields = Fields {
            date: Some("when".into()),
            ..Fields::default()
        };
        let (records, _) = all(|f| json_lines(input.as_bytes(), &fields, f));
        let err = records[0].as_ref().expect_err("no such field");
        assert!(err.message.contains("\"when\""), "{err}");
    }

    #[test]
    fn csv_reads_quoted_multiline_fields_and_reports_ragged_rows() {
        let input = b"id,Title,Body,Date,Link\n\
                     1,Rain,\"Rain in Agadez.\n\nMore rain in Niamey.\",2021-03-04,https://e.org/1\n\
                     2,Short\n\
                     3,Talks,\"Talks in \"\"Gao\"\".\",04/03/2021,https://e.org/3\n\
                     4,Bytes,caf\xE9 in Dakar,2021-03-05,\n";
        let (records, result) = all(|f| delimited(&input[..], b',', &Fields::default(), f));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(records.len(), 4);
        let first = records[0].as_ref().expect("record");
        assert_eq!(first.key, "line 2");
        assert_eq!(
            first.extracted.text,
            "Rain in Agadez.\n\nMore rain in Niamey."
        );
        assert_eq!(first.extracted.meta.url.as_deref(), Some("https://e.org/1"));
        let ragged = records[1].as_ref().expect_err("ragged");
        assert_eq!(ragged.key, "line 5");
        let third = records[2].as_ref().expect("record");
        assert_eq!(third.extracted.text, "Talks in \"Gao\".");
        assert!(
            third
                .extracted
                .warning
                .as_deref()
                .unwrap_or("")
                .contains("04/03/2021")
        );
        let fourth = records[3].as_ref().expect("record");
        assert_eq!(fourth.extracted.text, "café in Dakar");
        assert!(fourth.extracted.warning.is_some());
        assert_eq!(fourth.extracted.meta.url, None);
    }

    #[test]
    fn tsv_and_a_header_without_text_say_what_to_do() {
        let tsv = "headline\tcontent\nRain\tRain in Agadez.\n";
        let (records, _) = all(|f| delimited(tsv.as_bytes(), b'\t', &Fields::default(), f));
        assert_eq!(records.len(), 1);
        let (records, result) =
            all(|f| delimited("a,b\n1,2\n".as_bytes(), b',', &Fields::default(), f));
        assert!(records.is_empty());
        let message = result.expect_err("no text column").to_string();
        assert!(
            message.contains("a, b") && message.contains("--text-field"),
            "{message}"
        );
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_record_bound() {
        // Not 64 MiB in a unit test: the bound is checked with a smaller reader below.
        let mut reader = Bounded {
            inner: std::io::repeat(b'x'),
            read: 0,
            record_start: std::rc::Rc::new(std::cell::Cell::new(0)),
        };
        let mut sink = std::io::sink();
        let err = std::io::copy(&mut reader, &mut sink).expect_err("bounded");
        assert!(err.to_string().contains("unclosed quote"));
    }

    #[test]
    fn field_names_come_from_the_header_or_the_first_object() {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = dir.path().join("a.csv");
        std::fs::write(&csv, "ref,story_html,when\n1,x,y\n").expect("write");
        let names = field_names(&csv, super::super::Format::Delimited { delimiter: b',' });
        assert_eq!(names.expect("names"), ["ref", "story_html", "when"]);
        let jsonl = dir.path().join("a.jsonl");
        std::fs::write(&jsonl, "\n{\"b\":1,\"a\":2}\n{\"c\":3}\n").expect("write");
        let names = field_names(&jsonl, super::super::Format::JsonLines).expect("names");
        assert_eq!(names.len(), 2);
        let json = dir.path().join("a.json");
        std::fs::write(&json, "[{\"story\":\"x\"},{\"other\":1}]").expect("write");
        let names = field_names(&json, super::super::Format::JsonArray).expect("names");
        assert_eq!(names, ["story"]);
        std::fs::write(&json, "{}").expect("write");
        assert!(field_names(&json, super::super::Format::JsonArray).is_err());
    }

    #[test]
    fn json_arrays_stream_elements_and_refuse_other_shapes() {
        let input = "\u{FEFF}[{\"content\":\"Rain in Agadez.\",\"pubDate\":\"Thu, 04 Mar 2021 10:00:00 GMT\"}, 3, {\"article\":\"Gao.\"}]";
        let (records, result) = all(|f| json_array(input.as_bytes(), &Fields::default(), f));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].as_ref().expect("r").key, "item 1");
        assert!(records[1].is_err());
        assert_eq!(records[2].as_ref().expect("r").extracted.text, "Gao.");
        let (_, result) = all(|f| json_array("{\"text\":1}".as_bytes(), &Fields::default(), f));
        assert!(result.is_err());
        let (_, result) =
            all(|f| json_array("[{\"text\":\"a\"}".as_bytes(), &Fields::default(), f));
        assert!(result.is_err());
        // Stopping early is not an error.
        let mut n = 0;
        let result = json_array(
            "[{\"text\":\"a\"},{\"text\":\"b\"},{\"text\":\"c\"}]".as_bytes(),
            &Fields::default(),
            &mut |_| {
                n += 1;
                if n == 2 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert!(result.is_ok() && n == 2);
    }
}
