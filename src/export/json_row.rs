//! A JSON Lines row written by hand, byte for byte as serde_json writes
//! [`MentionRowJson`] (its derived `Serialize` stays the reference, and a test compares
//! the two).
//!
//! Why by hand: serde_json looks at every byte of every string through a table before
//! writing it, and a row carries the passage, the why and eight alternates; that was
//! the largest cost of `gazette parse --format jsonl` after parsing itself (callgrind).
//! Here a string is checked for the bytes JSON escapes (`"`, `\`, controls) by a loop
//! the compiler vectorises, and written whole when it has none, which is nearly always;
//! one that has some goes through serde_json. Numbers go through serde_json (floats) or
//! `itoa` (integers, as serde_json does), so they are the same digits.

use std::io::Write;

use super::{AlternateJson, MentionRowJson};

impl MentionRowJson<'_> {
    /// Writes the row as serde_json would (no newline).
    pub(super) fn write_to<W: Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"{\"alternates\":[")?;
        for (i, a) in self.alternates.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write_alternate(out, a)?;
        }
        out.write_all(b"],\"confidence\":")?;
        write_float(out, self.confidence)?;
        out.write_all(b",\"corrected\":")?;
        write_bool(out, self.corrected)?;
        out.write_all(b",\"country_code\":")?;
        write_optional(out, self.country_code)?;
        out.write_all(b",\"date\":")?;
        write_optional(out, self.date)?;
        out.write_all(b",\"demonym\":")?;
        write_bool(out, self.demonym)?;
        out.write_all(b",\"document\":")?;
        write_string(out, self.document)?;
        out.write_all(b",\"document_path\":")?;
        write_optional(out, self.document_path)?;
        out.write_all(b",\"end\":")?;
        write_integer(out, self.end)?;
        out.write_all(b",\"feature_type\":\"")?;
        out.write_all(self.feature_type.as_str().as_bytes())?;
        out.write_all(b"\",\"gazetteer_id\":")?;
        write_string(out, self.gazetteer_id)?;
        out.write_all(b",\"lat\":")?;
        write_float(out, self.lat)?;
        out.write_all(b",\"lon\":")?;
        write_float(out, self.lon)?;
        out.write_all(b",\"name\":")?;
        write_string(out, self.name)?;
        out.write_all(b",\"passage\":")?;
        write_string(out, self.passage)?;
        out.write_all(b",\"passage_start\":")?;
        write_integer(out, self.passage_start)?;
        out.write_all(b",\"start\":")?;
        write_integer(out, self.start)?;
        out.write_all(b",\"text\":")?;
        write_string(out, self.text)?;
        out.write_all(b",\"title\":")?;
        write_optional(out, self.title)?;
        out.write_all(b",\"url\":")?;
        write_optional(out, self.url)?;
        if let Some(why) = &self.why {
            out.write_all(b",\"why\":")?;
            write_string(out, why)?;
        }
        out.write_all(b"}")
    }
}

fn write_alternate<W: Write + ?Sized>(out: &mut W, a: &AlternateJson<'_>) -> std::io::Result<()> {
    out.write_all(b"{\"country_code\":")?;
    write_optional(out, a.country_code)?;
    out.write_all(b",\"feature_type\":\"")?;
    out.write_all(a.feature_type.as_str().as_bytes())?;
    out.write_all(b"\",\"gazetteer_id\":")?;
    write_string(out, a.gazetteer_id)?;
    out.write_all(b",\"name\":")?;
    write_string(out, a.name)?;
    out.write_all(b",\"probability\":")?;
    write_float(out, a.probability)?;
    out.write_all(b"}")
}

/// `s` as a JSON string, escaped as serde_json escapes it.
pub(super) fn write_string<W: Write + ?Sized>(out: &mut W, s: &str) -> std::io::Result<()> {
    let bytes = s.as_bytes();
    // No early exit, so that the loop is vectorised: one pass over the bytes.
    let plain = !bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.write_all(b"\"")?;
        out.write_all(bytes)?;
        out.write_all(b"\"")
    } else {
        serde_json::to_writer(out, s).map_err(std::io::Error::from)
    }
}

fn write_optional<W: Write + ?Sized>(out: &mut W, s: Option<&str>) -> std::io::Result<()> {
    match s {
        Some(s) => write_string(out, s),
        None => out.write_all(b"null"),
    }
}

fn write_bool<W: Write + ?Sized>(out: &mut W, b: bool) -> std::io::Result<()> {
    out.write_all(if b { b"true" } else { b"false" })
}

fn write_integer<W: Write + ?Sized>(out: &mut W, n: usize) -> std::io::Result<()> {
    out.write_all(itoa::Buffer::new().format(n).as_bytes())
}

fn write_float<W: Write + ?Sized>(out: &mut W, x: f64) -> std::io::Result<()> {
    serde_json::to_writer(out, &x).map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Kind;
    use proptest::prelude::*;

    fn row<'a>(
        strings: &'a [String; 8],
        numbers: (f64, f64, usize),
        why: bool,
    ) -> MentionRowJson<'a> {
        let alternate = |i: usize| AlternateJson {
            country_code: i.is_multiple_of(2).then_some(strings[i % 8].as_str()),
            feature_type: Kind::ALL[i % Kind::ALL.len()],
            gazetteer_id: &strings[(i + 1) % 8],
            name: &strings[(i + 2) % 8],
            probability: numbers.0 / (i as f64 + 1.0),
        };
        MentionRowJson {
            alternates: (0..numbers.2 % 4).map(alternate).collect(),
            confidence: numbers.0,
            corrected: numbers.2.is_multiple_of(2),
            country_code: Some(&strings[0]),
            date: numbers.2.is_multiple_of(3).then_some(strings[1].as_str()),
            demonym: numbers.2.is_multiple_of(5),
            document: &strings[2],
            document_path: (!numbers.2.is_multiple_of(2)).then_some(strings[3].as_str()),
            end: numbers.2 + 7,
            feature_type: Kind::ALL[numbers.2 % Kind::ALL.len()],
            gazetteer_id: &strings[4],
            lat: numbers.0,
            lon: numbers.1,
            name: &strings[5],
            passage: &strings[6],
            passage_start: numbers.2 / 2,
            start: numbers.2,
            text: &strings[7],
            title: None,
            url: Some(&strings[3]),
            why: why.then(|| strings[6].repeat(2)),
        }
    }

    fn by_hand(json: &MentionRowJson<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        json.write_to(&mut out).expect("write to a Vec");
        out
    }

    #[test]
    fn rows_at_the_edges_as_serde_json_writes_them() {
        let strings = [
            "US",
            "2021-03-04",
            "a \"quoted\" name",
            "dir\\file.txt",
            "gn:123",
            "Niamey",
            "line\nbreak\ttab\u{1}\u{7f} é 中 \u{2028}",
            "",
        ]
        .map(String::from);
        for numbers in [
            (0.556, -92.44514, 0),
            (f64::NAN, f64::INFINITY, 1),
            (-0.0, 1e-7, 2),
            (1e300, -1e-300, 3),
            (0.1, 13.51366, 8),
        ] {
            for why in [true, false] {
                let json = row(&strings, numbers, why);
                assert_eq!(
                    String::from_utf8_lossy(&by_hand(&json)),
                    String::from_utf8_lossy(&serde_json::to_vec(&json).expect("serde_json")),
                );
            }
        }
    }

    proptest! {
        #[test]
        fn rows_as_serde_json_writes_them(
            strings in proptest::array::uniform8(any::<String>()),
            lat in any::<f64>(),
            lon in -180.0f64..180.0,
            n in 0usize..1_000_000,
            why in any::<bool>(),
        ) {
            let json = row(&strings, (lat, lon, n), why);
            prop_assert_eq!(by_hand(&json), serde_json::to_vec(&json).expect("serde_json"));
        }

        #[test]
        fn strings_as_serde_json_writes_them(s in any::<String>()) {
            let mut out = Vec::new();
            write_string(&mut out, &s).expect("write to a Vec");
            prop_assert_eq!(out, serde_json::to_vec(&s).expect("serde_json"));
        }
    }
}
