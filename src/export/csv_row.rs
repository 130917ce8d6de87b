//! One CSV row of a mention, written field by field.
//!
//! Written by hand rather than through `write!` (or the `csv` crate's serializer): the
//! row is most of what a CSV batch does besides parsing, and `core::fmt`'s machinery
//! with exact float formatting took a fifth of `gazette parse --format csv`'s
//! instructions (callgrind). The bytes are the same as `format!`'s: integers by `itoa`,
//! decimals rounded from the value's bits in integers (see [`write_fixed`]).

use std::io::Write;

use crate::corpus::{MentionRef, ParsedDocument};
use crate::gazetteer::{EntryIndex, Gazetteer};

use super::{date, document_path, mention_of};

/// One CSV row (see the module doc and [`super::CSV_HEADER`] for the columns): mention
/// `m` of `doc`, shown at the place `place`.
pub(super) fn write_csv_row(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    doc: &ParsedDocument,
    m: &MentionRef,
    place: EntryIndex,
) -> std::io::Result<()> {
    let (mention, passage) = mention_of(doc, m);
    let e = gazetteer.entry(place);
    let meta = &doc.document.meta;
    let mut numbers = itoa::Buffer::new();
    write_field(out, &doc.document.name)?;
    out.write_all(b",")?;
    out.write_all(numbers.format(mention.start).as_bytes())?;
    out.write_all(b",")?;
    out.write_all(numbers.format(mention.end).as_bytes())?;
    out.write_all(b",")?;
    write_field(out, &mention.text)?;
    out.write_all(b",")?;
    write_field(out, &e.id)?;
    out.write_all(b",")?;
    write_field(out, &e.name)?;
    out.write_all(b",")?;
    out.write_all(e.kind.as_str().as_bytes())?;
    out.write_all(b",")?;
    out.write_all(e.country_code.as_deref().unwrap_or_default().as_bytes())?;
    out.write_all(b",")?;
    write_fixed(out, e.lat, 6)?;
    out.write_all(b",")?;
    write_fixed(out, e.lon, 6)?;
    out.write_all(b",")?;
    write_fixed_f32(out, m.confidence, 3)?;
    out.write_all(if m.corrected { b",true," } else { b",false," })?;
    write_field(out, passage)?;
    out.write_all(b",")?;
    write_field(out, &document_path(&doc.document).unwrap_or_default())?;
    out.write_all(b",")?;
    write_field(out, meta.title.as_deref().unwrap_or_default())?;
    out.write_all(b",")?;
    out.write_all(date(doc).unwrap_or_default().as_bytes())?;
    out.write_all(b",")?;
    write_field(out, meta.url.as_deref().unwrap_or_default())?;
    out.write_all(b"\n")
}

/// RFC 4180 quoting: a field holding a comma, a quote or a line break is quoted, its
/// quotes doubled; any other field is written as it is.
pub(super) fn write_field(out: &mut dyn Write, s: &str) -> std::io::Result<()> {
    let bytes = s.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        return out.write_all(bytes);
    }
    out.write_all(b"\"")?;
    let mut rest = bytes;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.write_all(&rest[..=i])?;
        out.write_all(b"\"")?;
        rest = &rest[i + 1..];
    }
    out.write_all(rest)?;
    out.write_all(b"\"")
}

/// `x` with `decimals` digits after the point: the bytes `format!("{x:.decimals$}")`
/// gives (the exact binary value rounded half to even), computed in integers from the
/// value's bits. Values too large for that (≥ 10¹⁵), not finite, or more than 6 decimals
/// go through `format!`.
pub(super) fn write_fixed(out: &mut dyn Write, x: f64, decimals: u32) -> std::io::Result<()> {
    let Some((negative, whole, fraction)) = fixed_digits(x, decimals) else {
        let decimals = decimals as usize;
        return write!(out, "{x:.decimals$}");
    };
    if negative {
        out.write_all(b"-")?;
    }
    out.write_all(itoa::Buffer::new().format(whole).as_bytes())?;
    if decimals > 0 {
        let mut digits = [b'0'; 7];
        digits[0] = b'.';
        let mut rest = fraction;
        for d in digits[1..=decimals as usize].iter_mut().rev() {
            *d = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out.write_all(&digits[..=decimals as usize])?;
    }
    Ok(())
}

/// [`write_fixed`] for an `f32` (widened exactly, so the digits are the same).
pub(super) fn write_fixed_f32(out: &mut dyn Write, x: f32, decimals: u32) -> std::io::Result<()> {
    write_fixed(out, f64::from(x), decimals)
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
        write_fixed(&mut out, x, decimals).expect("write to a Vec");
        String::from_utf8(out).expect("ASCII")
    }

    fn fixed_f32(x: f32, decimals: u32) -> String {
        let mut out = Vec::new();
        write_fixed_f32(&mut out, x, decimals).expect("write to a Vec");
        String::from_utf8(out).expect("ASCII")
    }

    fn field(s: &str) -> String {
        let mut out = Vec::new();
        write_field(&mut out, s).expect("write to a Vec");
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
            write_field(&mut row, &s).expect("write to a Vec");
            row.extend_from_slice(b",y\n");
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(row.as_slice());
            let record = reader.records().next().expect("one record").expect("valid CSV");
            prop_assert_eq!(record.get(1), Some(s.as_str()));
        }
    }
}
