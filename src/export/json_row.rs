//! A JSON Lines row written by hand, byte for byte as serde_json writes
//! [`MentionRowJson`] (its derived `Serialize` stays the reference, and tests compare
//! the two).
//!
//! Why by hand: serde_json looks at every byte of every string through a table before
//! writing it, and a row carries the passage, the why and up to eight alternates; that was
//! the largest cost of `gazette parse --format jsonl` after parsing itself (callgrind).
//! Here a string is checked for the bytes JSON escapes (`"`, `\`, controls) by a loop
//! the compiler vectorises, and written whole when it has none, which is nearly always;
//! one that has some goes through serde_json. As CSV rows do (`csv_row.rs`), a row goes
//! into its document's `Vec` without `io::Write` calls, what every row of a document
//! repeats is rendered once per document ([`JsonDocument`]), and what every mention of
//! a place repeats (its fields, and its part of an alternate) once per place and thread
//! ([`PlaceJson`]): a batch writes the same few thousand places again and again.
//! Numbers: confidences and probabilities, rounded to thousandths, by integers
//! ([`write_thousandths`], the digits serde_json gives, tested for every value);
//! other floats through serde_json, integers by `itoa` (as serde_json does).

use std::cell::RefCell;

use super::kept_places::KeptPlaces;
use super::{date, document_path, mention_of, round3, round6};
use crate::corpus::{MentionRef, ParsedView};
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::why::WhyContext;

/// What every JSON Lines row of one document repeats, rendered once for all of them,
/// and the buffer its mentions' `why` is written in.
pub(super) struct JsonDocument {
    /// `,"date":…,"demonym":`
    date: Vec<u8>,
    /// `,"document":…,"document_path":…,"end":`
    document: Vec<u8>,
    /// `,"title":…,"url":…`
    tail: Vec<u8>,
    /// The last mention's `why`, its allocation kept for the next.
    why: String,
}

impl JsonDocument {
    /// The repeated fields of `doc`'s rows.
    pub(super) fn of(doc: ParsedView<'_>) -> JsonDocument {
        let meta = &doc.document.meta;
        let mut date_field = b",\"date\":".to_vec();
        push_optional(&mut date_field, date(doc).as_deref());
        date_field.extend_from_slice(b",\"demonym\":");
        let mut document = b",\"document\":".to_vec();
        push_string(&mut document, &doc.document.name);
        document.extend_from_slice(b",\"document_path\":");
        push_optional(&mut document, document_path(doc.document).as_deref());
        document.extend_from_slice(b",\"end\":");
        let mut tail = b",\"title\":".to_vec();
        push_optional(&mut tail, meta.title.as_deref());
        tail.extend_from_slice(b",\"url\":");
        push_optional(&mut tail, meta.url.as_deref());
        JsonDocument {
            date: date_field,
            document,
            tail,
            why: String::with_capacity(384),
        }
    }
}

/// One JSON Lines row and its newline: mention `m` of `doc`, shown at the place
/// `place`, with its `why` when `detail`'s context (the [`WhyContext`] of `doc`) is
/// given and at most `detail`'s count of alternates; `fields` is [`JsonDocument::of`]
/// `doc`.
pub(super) fn write_json_row(
    out: &mut Vec<u8>,
    gazetteer: &Gazetteer,
    doc: ParsedView<'_>,
    fields: &mut JsonDocument,
    m: &MentionRef,
    place: EntryIndex,
    (context, alternates): (Option<&WhyContext>, usize),
) {
    let (mention, passage) = mention_of(doc, m);
    let mut numbers = itoa::Buffer::new();
    // No `reserve` here: the batch reserves a document's rows at once (`rows_size`), and
    // a row's reserve near the end of that would double it.
    PLACE_JSON.with_borrow_mut(|kept| {
        out.extend_from_slice(b"{\"alternates\":[");
        for (i, a) in mention
            .resolution
            .alternates
            .iter()
            .take(alternates)
            .enumerate()
        {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(PlaceJson::kept(kept, gazetteer, a.entry).alternate());
            write_thousandths(out, a.probability);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"confidence\":");
        write_thousandths(out, m.confidence);
        out.extend_from_slice(if m.corrected {
            b",\"corrected\":true,\"country_code\":"
        } else {
            b",\"corrected\":false,\"country_code\":"
        });
        let shown = PlaceJson::kept(kept, gazetteer, place);
        out.extend_from_slice(shown.country_code());
        out.extend_from_slice(&fields.date);
        out.extend_from_slice(if m.demonym { b"true" } else { b"false" });
        out.extend_from_slice(&fields.document);
        out.extend_from_slice(numbers.format(mention.end).as_bytes());
        out.extend_from_slice(shown.fields());
    });
    out.extend_from_slice(b",\"passage\":");
    push_string(out, passage);
    out.extend_from_slice(b",\"passage_start\":");
    out.extend_from_slice(numbers.format(mention.passage.start).as_bytes());
    out.extend_from_slice(b",\"start\":");
    out.extend_from_slice(numbers.format(mention.start).as_bytes());
    out.extend_from_slice(b",\"text\":");
    push_string(out, &mention.text);
    out.extend_from_slice(&fields.tail);
    if let Some(context) = context {
        fields.why.clear();
        super::why_into(&mut fields.why, gazetteer, doc, m, context);
        out.extend_from_slice(b",\"why\":");
        push_string(out, &fields.why);
    }
    out.extend_from_slice(b"}\n");
}

thread_local! {
    /// Places' JSON ([`PlaceJson`]) as this thread last wrote it.
    static PLACE_JSON: RefCell<KeptPlaces<PlaceJson>> = RefCell::default();
}

/// A place's parts of a row, in one buffer: as an alternate, up to its probability
/// (`{"country_code":…,"feature_type":…,"gazetteer_id":…,"name":…,"probability":`);
/// its country code as the row's `country_code` (`"US"` or `null`); and the row's run
/// of its fields (`,"feature_type":…,"gazetteer_id":…,"lat":…,"lon":…,"name":…`).
struct PlaceJson {
    bytes: Box<[u8]>,
    /// Where the country code and the fields start in `bytes`.
    country_code: usize,
    fields: usize,
}

impl PlaceJson {
    /// The place's JSON from `kept`, made now if it is not kept.
    fn kept<'k>(
        kept: &'k mut KeptPlaces<PlaceJson>,
        gazetteer: &Gazetteer,
        entry: EntryIndex,
    ) -> &'k PlaceJson {
        kept.get(gazetteer, entry, || PlaceJson::new(gazetteer, entry))
    }

    fn new(gazetteer: &Gazetteer, entry: EntryIndex) -> PlaceJson {
        let e = gazetteer.entry(entry);
        let mut bytes = Vec::with_capacity(192);
        bytes.extend_from_slice(b"{\"country_code\":");
        push_optional(&mut bytes, e.country_code.as_deref());
        bytes.extend_from_slice(b",\"feature_type\":\"");
        bytes.extend_from_slice(e.kind.as_str().as_bytes());
        bytes.extend_from_slice(b"\",\"gazetteer_id\":");
        push_string(&mut bytes, &e.id);
        bytes.extend_from_slice(b",\"name\":");
        push_string(&mut bytes, &e.name);
        bytes.extend_from_slice(b",\"probability\":");
        let country_code = bytes.len();
        push_optional(&mut bytes, e.country_code.as_deref());
        let fields = bytes.len();
        bytes.extend_from_slice(b",\"feature_type\":\"");
        bytes.extend_from_slice(e.kind.as_str().as_bytes());
        bytes.extend_from_slice(b"\",\"gazetteer_id\":");
        push_string(&mut bytes, &e.id);
        bytes.extend_from_slice(b",\"lat\":");
        push_float(&mut bytes, round6(e.lat));
        bytes.extend_from_slice(b",\"lon\":");
        push_float(&mut bytes, round6(e.lon));
        bytes.extend_from_slice(b",\"name\":");
        push_string(&mut bytes, &e.name);
        PlaceJson {
            bytes: bytes.into_boxed_slice(),
            country_code,
            fields,
        }
    }

    fn alternate(&self) -> &[u8] {
        &self.bytes[..self.country_code]
    }

    fn country_code(&self) -> &[u8] {
        &self.bytes[self.country_code..self.fields]
    }

    fn fields(&self) -> &[u8] {
        &self.bytes[self.fields..]
    }
}

/// `s` as a JSON string, escaped as serde_json escapes it.
fn push_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // No early exit, so that the loop is vectorised: one pass over the bytes.
    let plain = !bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    } else {
        // Serializing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(out, s);
    }
}

fn push_optional(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_float(out: &mut Vec<u8>, x: f64) {
    // Serializing a number into a Vec cannot fail.
    let _ = serde_json::to_writer(out, &x);
}

/// `round3(x)` as serde_json writes it: for a value from 0 to 1 (every confidence and
/// probability) the thousandths' digits without trailing zeros (`0.05`, `1.0`), which
/// is the shortest decimal that reads back as that `f64`; anything else through
/// serde_json.
fn write_thousandths(out: &mut Vec<u8>, x: f32) {
    // Exact: an f32 has 24 significant bits, a thousand 10. Rounded to thousandths is in
    // 0..=1000 exactly when this is in 0..1000.5 and not negative (-0.0 rounds to -0.0,
    // which serde_json writes with its sign).
    let thousandths = f64::from(x) * 1000.0;
    if thousandths.is_sign_negative() || thousandths.is_nan() || thousandths >= 1000.5 {
        push_float(out, round3(x));
        return;
    }
    // `round` (half away from zero) as `floor(t + 0.5)` by a truncating cast, with no
    // call to the library's `round`: for t below 1000.5 with at most 34 significant
    // bits, `t + 0.5` is exact wherever it could reach the next whole number.
    let k = (thousandths + 0.5) as u32;
    let (whole, fraction) = (k / 1000, k % 1000);
    out.push(b'0' + whole as u8);
    out.push(b'.');
    if fraction == 0 {
        out.push(b'0');
        return;
    }
    let digits = [
        b'0' + (fraction / 100) as u8,
        b'0' + (fraction / 10 % 10) as u8,
        b'0' + (fraction % 10) as u8,
    ];
    let used = if fraction % 100 == 0 {
        1
    } else if fraction % 10 == 0 {
        2
    } else {
        3
    };
    // Byte by byte: a slice of variable length is copied by a call to `memmove`, which
    // showed in profiles for one to three bytes.
    for &d in &digits[..used] {
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corrections, Document, Filter, Published, parse_documents, places};
    use crate::export::{AlternateJson, MentionRowJson, WhyContexts, alternates};
    use crate::geoparse::{Geoparser, MAX_ALTERNATES};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn gazetteer() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::load_bundled().expect("bundled gazetteer"))
    }

    /// The row as serde_json writes the reference type, built as rows were before
    /// they were written by hand.
    fn reference(
        g: &Gazetteer,
        doc: ParsedView<'_>,
        m: &MentionRef,
        place: EntryIndex,
        why: Option<&WhyContext>,
        n: usize,
    ) -> Vec<u8> {
        let (mention, passage) = mention_of(doc, m);
        let e = g.entry(place);
        let (date, path) = (date(doc), document_path(doc.document));
        let alternates: Vec<AlternateJson<'_>> = alternates(g, mention, n);
        let json = MentionRowJson {
            alternates,
            confidence: round3(m.confidence),
            corrected: m.corrected,
            country_code: e.country_code.as_deref(),
            date: date.as_deref(),
            demonym: m.demonym,
            document: &doc.document.name,
            document_path: path.as_deref(),
            end: mention.end,
            feature_type: e.kind,
            gazetteer_id: &e.id,
            lat: round6(e.lat),
            lon: round6(e.lon),
            name: &e.name,
            passage,
            passage_start: mention.passage.start,
            start: mention.start,
            text: &mention.text,
            title: doc.document.meta.title.as_deref(),
            url: doc.document.meta.url.as_deref(),
            why: why.map(|c| super::super::why(g, doc, m, c)),
        };
        let mut out = serde_json::to_vec(&json).expect("serde_json");
        out.push(b'\n');
        out
    }

    /// Every row of `doc` by hand and by the reference, with and without `why`, with
    /// none, some and all of its alternates, and with each mention marked corrected too.
    fn assert_rows_match(doc: Document) {
        let g = gazetteer();
        let parsed = parse_documents(&Geoparser::new(g), vec![doc]);
        let shown = places(g, &parsed, &Corrections::default(), &Filter::default());
        let mut contexts = WhyContexts::default();
        let doc = &parsed[0];
        let mut fields = JsonDocument::of(doc.view());
        let mut rows = 0;
        for place in &shown {
            for m in &place.mentions {
                let mut corrected = *m;
                corrected.corrected = !m.corrected;
                for m in [m, &corrected] {
                    for (why, n) in [
                        (None, MAX_ALTERNATES),
                        (Some(contexts.of(g, 0, doc.view())), MAX_ALTERNATES),
                        (None, 0),
                        (None, 1),
                        (None, 3),
                    ] {
                        let mut row = Vec::new();
                        let detail = (why, n);
                        write_json_row(
                            &mut row,
                            g,
                            doc.view(),
                            &mut fields,
                            m,
                            place.entry,
                            detail,
                        );
                        assert_eq!(
                            String::from_utf8_lossy(&row),
                            String::from_utf8_lossy(&reference(
                                g,
                                doc.view(),
                                m,
                                place.entry,
                                why,
                                n
                            )),
                        );
                        rows += 1;
                    }
                }
            }
        }
        assert!(rows > 0, "the text names no place: nothing compared");
    }

    fn document(name: &str, around: &str, title: Option<&str>, url: Option<&str>) -> Document {
        let text = format!(
            "{around} Flooding hit Paris, Texas, and Niamey. {around}\n\nThe Nigerien army left \
             Agadez for {around} Zinder."
        );
        let mut doc = Document::from_text(name, text);
        doc.path = Some(std::path::PathBuf::from(format!("/news/{name}")));
        doc.meta.title = title.map(String::from);
        doc.meta.url = url.map(String::from);
        doc.meta.published = Published::parse("2021-03-04T10:20:00+01:00");
        doc
    }

    #[test]
    fn rows_as_serde_json_writes_them() {
        assert_rows_match(document("plain.txt", "Today", Some("News"), None));
        assert_rows_match(document(
            "a \"quoted\"\\name\t.txt",
            "line\u{1}\u{7f} é 中 \u{2028} \"q\" back\\slash",
            Some("a \"title\""),
            Some("https://example.com/?a=\"b\""),
        ));
        let mut undated = document("undated.txt", "", None, None);
        undated.meta.published = None;
        undated.path = None;
        assert_rows_match(undated);
    }

    fn thousandths(x: f32) -> String {
        let mut out = Vec::new();
        write_thousandths(&mut out, x);
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn every_thousandth_as_serde_json_writes_it() {
        for k in 0..=1000u32 {
            // The halfway points and the floats either side of them test the rounding.
            let half = (k as f32 + 0.5) / 1000.0;
            for x in [
                k as f32 / 1000.0,
                (k as f32 + 0.4) / 1000.0,
                (k as f32 - 0.4) / 1000.0,
                half,
                f32::from_bits(half.to_bits() + 1),
                f32::from_bits(half.to_bits() - 1),
            ] {
                assert_eq!(
                    thousandths(x),
                    serde_json::to_string(&round3(x)).expect("json")
                );
            }
        }
        for x in [
            -0.0,
            -0.0004,
            -0.001,
            -1.0,
            1.0004,
            1.2,
            1e9,
            f32::NAN,
            f32::INFINITY,
        ] {
            assert_eq!(
                thousandths(x),
                serde_json::to_string(&round3(x)).expect("json"),
                "{x}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_confidence_as_serde_json_writes_it(x in any::<f32>()) {
            prop_assert_eq!(thousandths(x), serde_json::to_string(&round3(x)).expect("json"));
        }

        #[test]
        fn rows_with_any_strings_as_serde_json_writes_them(
            name in any::<String>(),
            around in any::<String>(),
            title in proptest::option::of(any::<String>()),
            url in proptest::option::of(any::<String>()),
        ) {
            assert_rows_match(document(&name, &around, title.as_deref(), url.as_deref()));
        }

        #[test]
        fn strings_as_serde_json_writes_them(s in any::<String>()) {
            let mut out = Vec::new();
            push_string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_vec(&s).expect("serde_json"));
        }
    }
}
