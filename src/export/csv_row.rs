//! One CSV row of a mention, written field by field.
//!
//! Written by hand rather than through `write!` (or the `csv` crate's serializer): the
//! row is most of what a CSV batch does besides parsing, and `core::fmt`'s machinery
//! with exact float formatting took a fifth of `gazette parse --format csv`'s
//! instructions (callgrind). The bytes are the same as `format!`'s: integers by `itoa`,
//! decimals rounded from the value's bits in integers (see [`write_fixed`]).

use std::io::Write;

use std::cell::RefCell;

use crate::corpus::{MentionRef, ParsedView};
use crate::gazetteer::{Entry, EntryIndex, Gazetteer};

use super::kept_places::KeptPlaces;
use super::{date, document_path, mention_of};

/// What every CSV row of one document repeats, rendered once for all of them: the
/// `document` column, and the last four (`document_path`, `title`, `date`, `url`) with
/// the row's end: quoted, the path escaped and the date formatted once per document
/// rather than once per mention.
pub(super) struct CsvDocument {
    /// The `document` field, quoted as needed.
    name: Vec<u8>,
    /// `,document_path,title,date,url\n`, quoted as needed.
    tail: Vec<u8>,
}

impl CsvDocument {
    /// The repeated fields of `doc`'s rows.
    pub(super) fn of(doc: ParsedView<'_>) -> CsvDocument {
        let meta = &doc.document.meta;
        let mut name = Vec::with_capacity(doc.document.name.len() + 2);
        write_field(&mut name, &doc.document.name);
        let mut tail = Vec::with_capacity(128);
        tail.push(b',');
        write_field(&mut tail, &document_path(doc.document).unwrap_or_default());
        tail.push(b',');
        write_field(&mut tail, meta.title.as_deref().unwrap_or_default());
        tail.push(b',');
        tail.extend_from_slice(date(doc).unwrap_or_default().as_bytes());
        tail.push(b',');
        write_field(&mut tail, meta.url.as_deref().unwrap_or_default());
        tail.push(b'\n');
        CsvDocument { name, tail }
    }
}

/// One CSV row (see the module doc and [`super::CSV_HEADER`] for the columns): mention
/// `m` of `doc`, shown at the place `place`, appended to `out`; `fields` is
/// [`CsvDocument::of`] `doc`. Into a `Vec` (the batch renders each document's rows into
/// one), so that no write can fail and each small piece is a copy, not a call through
/// `io::Write`.
pub(super) fn write_csv_row(
    out: &mut Vec<u8>,
    gazetteer: &Gazetteer,
    doc: ParsedView<'_>,
    fields: &CsvDocument,
    m: &MentionRef,
    place: EntryIndex,
) {
    let (mention, passage) = mention_of(doc, m);
    let mut numbers = itoa::Buffer::new();
    out.reserve(fields.name.len() + fields.tail.len() + passage.len() + 160);
    out.extend_from_slice(&fields.name);
    out.push(b',');
    out.extend_from_slice(numbers.format(mention.start).as_bytes());
    out.push(b',');
    out.extend_from_slice(numbers.format(mention.end).as_bytes());
    out.push(b',');
    write_field(out, &mention.text);
    out.push(b',');
    PLACE_COLUMNS.with_borrow_mut(|columns| {
        out.extend_from_slice(columns.get(gazetteer, place, || {
            let mut bytes = Vec::with_capacity(64);
            write_place(&mut bytes, gazetteer.entry(place));
            bytes.into_boxed_slice()
        }));
    });
    out.push(b',');
    write_fixed(out, f64::from(m.confidence), 3);
    out.extend_from_slice(if m.corrected { b",true," } else { b",false," });
    write_field(out, passage);
    out.extend_from_slice(&fields.tail);
}

/// The place's columns of a row, `gazetteer_id,name,feature_type,country_code,lat,lon`.
fn write_place(out: &mut Vec<u8>, e: &Entry) {
    write_field(out, &e.id);
    out.push(b',');
    write_field(out, &e.name);
    out.push(b',');
    out.extend_from_slice(e.kind.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(e.country_code.as_deref().unwrap_or_default().as_bytes());
    out.push(b',');
    write_fixed(out, e.lat, 6);
    out.push(b',');
    write_fixed(out, e.lon, 6);
}

thread_local! {
    /// Places' columns ([`write_place`]'s bytes) as this thread last wrote them.
    static PLACE_COLUMNS: RefCell<KeptPlaces<Box<[u8]>>> = RefCell::default();
}

/// RFC 4180 quoting: a field holding a comma, a quote or a line break is quoted, its
/// quotes doubled; any other field is written as it is.
pub(super) fn write_field(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // A long field (the passage, most of a row) by memchr's searches, which look at many
    // bytes an instruction (a fold over the bytes was not vectorised: ~11 instructions a
    // byte, the row's largest cost), and a passage with a comma stops the first early; a
    // short one (a name, an id) byte by byte, cheaper than setting a search up.
    let quoted = if bytes.len() < 32 {
        bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    } else {
        memchr::memchr3(b',', b'"', b'\n', bytes).is_some()
            || memchr::memchr(b'\r', bytes).is_some()
    };
    if !quoted {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    let mut rest = bytes;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// `x` with `decimals` digits after the point: the bytes `format!("{x:.decimals$}")`
/// gives (the exact binary value rounded half to even), computed in integers from the
/// value's bits. Values too large for that (≥ 10¹⁵), not finite, or more than 6 decimals
/// go through `format!`.
pub(super) fn write_fixed(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let Some((negative, whole, fraction)) = fixed_digits(x, decimals) else {
        let decimals = decimals as usize;
        // Writing to a Vec cannot fail.
        let _ = write!(out, "{x:.decimals$}");
        return;
    };
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
    if decimals > 0 {
        let mut digits = [b'0'; 7];
        digits[0] = b'.';
        let mut rest = fraction;
        for d in digits[1..=decimals as usize].iter_mut().rev() {
            *d = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out.extend_from_slice(&digits[..=decimals as usize]);
    }
}

/// The sign, whole part and `decimals` fraction digits of `x` rounded half to even, or
/// `None` where [`write_fixed`] leaves it to `format!`.
fn fixed_digits(x: f64, decimals: u32) -> Option<(bool, u64, u64)> {
    if !x.is_finite() || x.abs() >= 1e15 || decimals > 6 {
        return None;
    }
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let exponent_bits = ((bits >> 52) & 0x7ff) as i32;
    let fraction_bits = bits & ((1 << 52) - 1);
    // x = mantissa · 2^exponent exactly.
    let (mantissa, exponent) = if exponent_bits == 0 {
        (fraction_bits, -1074)
    } else {
        (fraction_bits | 1 << 52, exponent_bits - 1075)
    };
    let scale = 10u128.pow(decimals);
    // Below 2⁵³ · 10⁶ < 2⁷³.
    let scaled = u128::from(mantissa) * scale;
    let rounded = if exponent >= 0 {
        // |x| < 10¹⁵ < 2⁵⁰, so the shift stays below 2¹²³.
        scaled << exponent
    } else {
        let shift = exponent.unsigned_abs();
        if shift > 100 {
            // scaled < 2⁷³ is below half of 2^shift: rounds to zero.
            0
        } else {
            let quotient = scaled >> shift;
            let remainder = scaled & ((1 << shift) - 1);
            let half = 1 << (shift - 1);
            if remainder > half || (remainder == half && quotient & 1 == 1) {
                quotient + 1
            } else {
                quotient
            }
        }
    };
    // Divided as u64 when it fits (coordinates, confidences: always): a u128 division
    // is a call into the runtime, most of this function's cost.
    if let Ok(rounded) = u64::try_from(rounded) {
        let scale = 10u64.pow(decimals);
        return Some((negative, rounded / scale, rounded % scale));
    }
    Some((
        negative,
        u64::try_from(rounded / scale).ok()?,
        u64::try_from(rounded % scale).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed(x: f64, decimals: u32) -> String {
        let mut out = Vec::new();
        write_fixed(&mut out, x, decimals);
        String::from_utf8(out).expect("ASCII")
    }

    /// As a row writes a confidence: the `f32` widened exactly, so the digits are the same.
    fn fixed_f32(x: f32, decimals: u32) -> String {
        fixed(f64::from(x), decimals)
    }

    fn field(s: &str) -> String {
        let mut out = Vec::new();
        write_field(&mut out, s);
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn quotes_only_what_rfc_4180_requires() {
        for (s, written) in [
            ("plain", "plain"),
            ("a, b", "\"a, b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"\"", "\"\"\"\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\r", "\"cr\r\""),
            ("", ""),
        ] {
            assert_eq!(field(s), written, "{s:?}");
        }
    }

    #[test]
    fn decimals_as_format_writes_them_at_the_edges() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            12.5,
            0.1,
            13.51366,
            -179.999999,
            90.0,
            1e-7,
            5e-7,
            2.5e-6,
            0.0078125,
            0.25,
            0.125,
            0.375,
            -0.5,
            2.5,
            999_999.9999995,
            1e6,
            1e300,
            -1e-300,
            9.99e14,
            1e15,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(fixed(x, 6), format!("{x:.6}"), "{x:e}");
        }
        for x in [
            0.0f32,
            -0.0,
            0.85,
            0.0005,
            0.0015,
            0.9995,
            1.0,
            999.9995,
            1e3,
            1e30,
            f32::NAN,
        ] {
            assert_eq!(fixed_f32(x, 3), format!("{x:.3}"), "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn coordinates_as_format_writes_them(x in -1e7f64..1e7, decimals in 0u32..=6) {
            let d = decimals as usize;
            prop_assert_eq!(fixed(x, decimals), format!("{x:.d$}"));
        }

        #[test]
        fn any_double_as_format_writes_it(bits in any::<u64>(), decimals in 0u32..=6) {
            let x = f64::from_bits(bits);
            let d = decimals as usize;
            prop_assert_eq!(fixed(x, decimals), format!("{x:.d$}"));
        }

        #[test]
        fn five_decimal_coordinates_as_format_writes_them(n in -18_000_000i64..=18_000_000) {
            // Gazetteer coordinates have five decimals: the fast path's own case.
            let x = n as f64 / 1e5;
            prop_assert_eq!(fixed(x, 6), format!("{x:.6}"));
        }

        #[test]
        fn confidences_as_format_writes_them(bits in any::<u32>(), decimals in 0u32..=6) {
            let x = f32::from_bits(bits);
            let d = decimals as usize;
            prop_assert_eq!(fixed_f32(x, decimals), format!("{x:.d$}"));
        }

        #[test]
        fn fields_read_back_by_a_csv_reader(s in ".{0,40}") {
            // Not first in the row: a reader drops a byte order mark that starts a file.
            let mut row = b"x,".to_vec();
            write_field(&mut row, &s);
            row.extend_from_slice(b",y\n");
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(row.as_slice());
            let record = reader.records().next().expect("one record").expect("valid CSV");
            prop_assert_eq!(record.get(1), Some(s.as_str()));
        }
    }
}
