//! Reading one article file from disk into UTF-8 text, whatever its encoding.
//!
//! News files arrive as UTF-8, UTF-16 or UTF-32 with a byte-order mark, or Windows-1252
//! from older systems. Each is decoded (with a warning when it was not plain UTF-8; see
//! [`decode`] for the rule); files with NUL bytes are binary and skipped; nothing here
//! panics on any input.
//!
//! Only regular files are read. A named pipe, device or socket is refused from its
//! metadata (its folder's listing, or its own) before it is opened (opening a pipe would
//! wait for a writer forever, and a device such as `/dev/zero` never ends), the file is
//! opened non-blocking where the platform allows and checked again once open, and at
//! most [`MAX_DOCUMENT_BYTES`] are read whatever size the file reports.
//!
//! # Offsets
//!
//! A document's text is the *decoded* text: UTF-8, with any byte-order mark removed and
//! any replaced or re-encoded bytes as [`decode`] left them. Every offset Gazette gives
//! (a mention's `start` and `end`, in the library, the app and every export) is a byte
//! offset into that UTF-8 text, so `&document.text[start..end]` is the mention. It
//! slices the file on disk only when the file was valid UTF-8 without a BOM
//! ([`Encoding::Utf8`]); otherwise the offsets are shifted by the BOM's length (3 bytes)
//! or refer to text that was re-encoded.

use std::path::{Path, PathBuf};

use super::document::Document;
use super::formats::{self, Format};
use crate::regular_file::{self, ReadError};

/// Largest file Gazette reads as one article (64 MiB). Bigger files are almost
/// certainly not articles, and reading them whole would stall the app. The limit is on
/// the bytes actually read, not only the size the file reports.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file was not read as a document. Each message names the path as [`display_path`]
/// writes it.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file or folder could not be read.
    #[error("cannot read {}: {source}", display_path(path))]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file has NUL bytes: not text.
    #[error(
        "{} looks like a binary file (it contains NUL bytes); skipped",
        display_path(path)
    )]
    Binary {
        /// The path.
        path: PathBuf,
    },
    /// A folder (or the path given) holds no article files.
    #[error(
        "{}: no files Gazette reads found (.txt, .html, .rss/.atom/.xml feeds, .jsonl, \
         .json, .csv, .tsv, .docx, .pdf, .zip){}",
        display_path(path),
        match unknown {
            0 => String::new(),
            n => format!("; {n} other {} skipped", if *n == 1 { "file" } else { "files" }),
        }
    )]
    NoArticles {
        /// The folder.
        path: PathBuf,
        /// Files of other kinds in it, skipped.
        unknown: usize,
    },
    /// The file is not what its extension says, or holds no document (a page without
    /// article text, a PDF without a text layer, a CSV without a text column…).
    #[error("{} ({format}): {source}; skipped", display_path(path))]
    Format {
        /// The path.
        path: PathBuf,
        /// The format it was read as.
        format: &'static str,
        /// What was wrong.
        source: super::formats::FormatError,
    },
    /// One record of a file that holds many (a line of a JSON Lines or CSV file, a feed
    /// item, a zip entry) could not be read; the others were.
    #[error("{}, {}: {}; skipped", display_path(path), source.key, source.message)]
    Record {
        /// The file.
        path: PathBuf,
        /// The record and what was wrong.
        source: super::formats::RecordError,
    },
    /// The file holds more than [`MAX_DOCUMENT_BYTES`].
    #[error(
        "{} holds at least {size} bytes, more than the {max} byte limit for one article; \
         skipped",
        display_path(path)
    )]
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size as the file system reports it or, for a file that holds more than it
        /// reports (one still growing), the bytes read before stopping: at least this many.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The path (or what a symbolic link there points to) is not a regular file: a named
    /// pipe, a device, a socket or a folder. It is not opened: reading a pipe waits for a
    /// writer forever and a device like `/dev/zero` never ends.
    #[error("{} is not a regular file ({kind}); skipped", display_path(path))]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead, in words ("a named pipe", "a character device", …).
        kind: &'static str,
    },
}

impl DocumentError {
    /// True if an input could not be read at all because the system refused (an I/O
    /// error: missing, no permission, a disk error), as opposed to Gazette declining it
    /// (binary, too large, not a regular file, no article files). The app words the two
    /// differently. Either way the input was skipped, and a caller that reports partial
    /// failure (the command line exits 1 when any input was skipped) counts every
    /// [`LoadEvent::Skipped`](super::LoadEvent::Skipped), not only these.
    pub fn is_read_failure(&self) -> bool {
        matches!(self, DocumentError::Io { .. })
    }
}

/// How a file's bytes were turned into text (see [`decode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Valid UTF-8 (a BOM, if any, removed).
    Utf8,
    /// Mostly UTF-8: decoded as UTF-8, with each invalid sequence replaced by U+FFFD.
    Utf8Lossy {
        /// Bytes that were not valid UTF-8.
        replaced_bytes: usize,
        /// U+FFFD characters written for them (one per invalid sequence).
        replacements: usize,
    },
    /// UTF-16 little- or big-endian, from its byte-order mark.
    Utf16,
    /// UTF-32 little- or big-endian, from its byte-order mark.
    Utf32,
    /// Not mostly UTF-8: decoded as Windows-1252.
    Windows1252,
}

/// Decodes file bytes to text. Returns `None` for binary data. The first rule that
/// applies decides:
///
/// 1. A UTF-32 byte-order mark (`FF FE 00 00` little-endian, `00 00 FE FF` big-endian):
///    UTF-32. Tested before UTF-16's, since `FF FE` starts both. A unit that is not a
///    Unicode scalar value, and a trailing partial unit, becomes U+FFFD.
/// 2. A UTF-16 byte-order mark (`FF FE`, `FE FF`): UTF-16; unpaired surrogates and a
///    trailing odd byte become U+FFFD.
/// 3. A UTF-8 byte-order mark (`EF BB BF`) is removed, and the rest goes on to rules 4–7
///    like a file without one.
/// 4. A NUL byte: binary (`None`).
/// 5. Valid UTF-8: the text as it is ([`Encoding::Utf8`]).
/// 6. Mostly UTF-8: it has at least one invalid sequence, and at least as many valid
///    multi-byte sequences (non-ASCII characters) as invalid sequences. That is a UTF-8
///    file with stray bytes or a cut-off last character: decoded as UTF-8, each invalid
///    sequence replaced by one U+FFFD as [`String::from_utf8_lossy`] does
///    ([`Encoding::Utf8Lossy`]), so Ségou or Zürich elsewhere in it keep their accents.
///    An invalid sequence is what that function replaces by one U+FFFD (1 to 3 bytes).
/// 7. Otherwise (invalid sequences outnumber the valid multi-byte ones, which in a
///    Windows-1252 file are rare: its accented letters are single bytes, mostly
///    followed by ASCII): Windows-1252, which gives every byte a character
///    ([`Encoding::Windows1252`]).
///
/// The output is always a valid `String`; for valid UTF-8 input without NUL bytes it is
/// the input without its BOM.
pub fn decode(bytes: &[u8]) -> Option<(String, Encoding)> {
    if let Some(units) = bytes.strip_prefix(&[0xFF, 0xFE, 0x00, 0x00]) {
        return Some((decode_utf32(units, u32::from_le_bytes), Encoding::Utf32));
    }
    if let Some(units) = bytes.strip_prefix(&[0x00, 0x00, 0xFE, 0xFF]) {
        return Some((decode_utf32(units, u32::from_be_bytes), Encoding::Utf32));
    }
    let mut bytes = bytes;
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        if enc != encoding_rs::UTF_8 {
            let (text, _) = enc.decode_without_bom_handling(rest);
            return Some((text.into_owned(), Encoding::Utf16));
        }
        // A UTF-8 BOM: drop it and check the rest like any other file.
        bytes = rest;
    }
    if memchr::memchr(0, bytes).is_some() {
        return None;
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((s.to_string(), Encoding::Utf8));
    }
    let (mut multibyte, mut invalid, mut replaced_bytes) = (0usize, 0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        // Each non-ASCII character starts with a byte 0xC0 or above.
        multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
            replaced_bytes += chunk.invalid().len();
        }
    }
    if multibyte >= invalid {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let encoding = Encoding::Utf8Lossy {
            replaced_bytes,
            replacements: invalid,
        };
        return Some((text, encoding));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Some((text.into_owned(), Encoding::Windows1252))
}

/// `bytes` as the text [`decode`] gives, without a copy, when they are plain UTF-8: no
/// byte-order mark and no NUL byte, the usual case. Otherwise the bytes back, for
/// [`decode`]. A 40 MB text is then never held twice, nor copied (~25 ms).
pub fn plain_utf8(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if encoding_rs::Encoding::for_bom(&bytes).is_some() || memchr::memchr(0, &bytes).is_some() {
        return Err(bytes);
    }
    String::from_utf8(bytes).map_err(std::string::FromUtf8Error::into_bytes)
}

/// UTF-32 in the byte order `unit` reads. `encoding_rs` has no UTF-32 (the WHATWG
/// Encoding Standard it implements leaves it out), so this is the whole decoder: each
/// 4-byte unit is a code point; one that is not a Unicode scalar value (a surrogate, or
/// above U+10FFFF) and a trailing partial unit become U+FFFD.
fn decode_utf32(bytes: &[u8], unit: fn([u8; 4]) -> u32) -> String {
    let units = bytes.chunks_exact(4);
    let partial = !units.remainder().is_empty();
    let mut text = String::with_capacity(bytes.len());
    for chunk in units {
        let code = <[u8; 4]>::try_from(chunk).map_or(u32::MAX, unit);
        text.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    if partial {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// A document read from disk, with a warning if its encoding was guessed.
#[derive(Debug, Clone)]
pub struct LoadedDocument {
    /// The document.
    pub document: Document,
    /// Set when the file was not plain UTF-8: how it was decoded, and for a mostly UTF-8
    /// file how many bytes were replaced.
    pub warning: Option<String>,
}

impl Document {
    /// Reads one text file as a document named `name`: a regular file (or a symbolic
    /// link to one) of at most [`MAX_DOCUMENT_BYTES`], decoded by [`decode`].
    pub fn read(path: &Path, name: String) -> Result<LoadedDocument, DocumentError> {
        Document::read_as(path, name, Format::Text)
    }

    /// Reads one file holding one document in `format` (text, a web page, a Word
    /// document, a PDF) as a document named `name`, with the limits of [`Document::read`].
    pub fn read_as(
        path: &Path,
        name: String,
        format: Format,
    ) -> Result<LoadedDocument, DocumentError> {
        Document::read_listed(path, name, format, false)
    }

    /// [`Document::read_as`]; `listed_regular` when a folder's listing has just given
    /// `path` as a regular file, whose type is then checked only once it is open (see
    /// [`regular_file::read_listed`]).
    pub(crate) fn read_listed(
        path: &Path,
        name: String,
        format: Format,
        listed_regular: bool,
    ) -> Result<LoadedDocument, DocumentError> {
        let max = match format {
            Format::Pdf => formats::pdf::MAX_PDF_BYTES,
            _ => MAX_DOCUMENT_BYTES,
        };
        let bytes = read_regular_file(path, max, listed_regular)?;
        if format != Format::Text {
            return Document::from_bytes(&bytes, path, name, format);
        }
        match plain_utf8(bytes) {
            Ok(text) => Ok(LoadedDocument {
                document: Document {
                    name,
                    path: Some(path.to_path_buf()),
                    text,
                    meta: Default::default(),
                },
                warning: None,
            }),
            Err(bytes) => Document::from_bytes(&bytes, path, name, format),
        }
    }

    /// [`Document::read_as`] on bytes already read (a zip entry), for messages named
    /// `path`.
    pub fn from_bytes(
        bytes: &[u8],
        path: &Path,
        name: String,
        format: Format,
    ) -> Result<LoadedDocument, DocumentError> {
        if format == Format::Pdf && bytes.len() as u64 > formats::pdf::MAX_PDF_BYTES {
            return Err(DocumentError::TooLarge {
                path: path.to_path_buf(),
                size: bytes.len() as u64,
                max: formats::pdf::MAX_PDF_BYTES,
            });
        }
        let extracted = formats::extract(format, bytes).map_err(|source| {
            if format == Format::Text {
                DocumentError::Binary {
                    path: path.to_path_buf(),
                }
            } else {
                DocumentError::Format {
                    path: path.to_path_buf(),
                    format: format.name(),
                    source,
                }
            }
        })?;
        let warning = extracted
            .warning
            .map(|w| format!("{}: {w}", display_path(path)));
        Ok(LoadedDocument {
            document: Document {
                name,
                path: Some(path.to_path_buf()),
                text: extracted.text,
                meta: extracted.meta,
            },
            warning,
        })
    }
}

/// A path as messages name it: as it is when it is valid UTF-8; otherwise escaped like a
/// document name ([`document_name`](super::document_name): `%XX` for each byte that is
/// not UTF-8, `%25` for `%`), so that two such files are told apart in messages, and a
/// message names the file the way its document name does.
pub fn display_path(path: &Path) -> String {
    match path.to_str() {
        Some(text) => text.to_string(),
        None => super::source::document_name(path.as_os_str()),
    }
}

/// The bytes of the regular file at `path`, at most `max` of them (see
/// [`crate::regular_file::read`]), with the errors of a document.
fn read_regular_file(
    path: &Path,
    max: u64,
    listed_regular: bool,
) -> Result<Vec<u8>, DocumentError> {
    let read = if listed_regular {
        regular_file::read_listed(path, max)
    } else {
        regular_file::read(path, max)
    };
    read.map_err(|e| match e {
        ReadError::Io(source) => DocumentError::Io {
            path: path.to_path_buf(),
            source,
        },
        ReadError::NotRegular(kind) => DocumentError::NotRegular {
            path: path.to_path_buf(),
            kind,
        },
        ReadError::TooLarge(size) => DocumentError::TooLarge {
            path: path.to_path_buf(),
            size,
            max,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LOSSY_1: Encoding = Encoding::Utf8Lossy {
        replaced_bytes: 1,
        replacements: 1,
    };

    fn utf16(bom: [u8; 2], text: &str, unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
        bom.into_iter()
            .chain(text.encode_utf16().flat_map(unit))
            .collect()
    }

    fn utf32(bom: [u8; 4], codes: &[u32], unit: fn(u32) -> [u8; 4]) -> Vec<u8> {
        bom.into_iter()
            .chain(codes.iter().flat_map(|&c| unit(c)))
            .collect()
    }

    fn codes(text: &str) -> Vec<u32> {
        text.chars().map(u32::from).collect()
    }

    #[test]
    fn decodes_each_encoding_by_its_rule() {
        use Encoding::*;
        const LE32: [u8; 4] = [0xFF, 0xFE, 0, 0];
        const BE32: [u8; 4] = [0, 0, 0xFE, 0xFF];
        let mut cut_utf32 = utf32(LE32, &codes("Niamey"), u32::to_le_bytes);
        cut_utf32.extend([b'!', 0]);
        let invalid_utf32 = [0x4E, 0xD800, 0x11_0000, 0xFFFF_FFFF, 0x69];
        /// A case: its name, the bytes, and the text and encoding expected.
        type Case = (&'static str, Vec<u8>, Option<(&'static str, Encoding)>);
        let cases: Vec<Case> = vec![
            ("empty", b"".to_vec(), Some(("", Utf8))),
            ("ASCII", b"Niamey".to_vec(), Some(("Niamey", Utf8))),
            ("UTF-8", "Ségou".into(), Some(("Ségou", Utf8))),
            (
                "UTF-8 BOM",
                b"\xEF\xBB\xBFNiamey".to_vec(),
                Some(("Niamey", Utf8)),
            ),
            (
                "UTF-8 BOM alone",
                b"\xEF\xBB\xBF".to_vec(),
                Some(("", Utf8)),
            ),
            // Rule 6: accents survive a stray byte.
            (
                "Ségou, stray FF",
                b"S\xC3\xA9gou \xFF".to_vec(),
                Some(("Ségou \u{FFFD}", LOSSY_1)),
            ),
            (
                "São Paulo, stray FF",
                b"S\xC3\xA3o \xFFPaulo".to_vec(),
                Some(("São \u{FFFD}Paulo", LOSSY_1)),
            ),
            (
                "Zürich, stray FF",
                b"\xFFZ\xC3\xBCrich".to_vec(),
                Some(("\u{FFFD}Zürich", LOSSY_1)),
            ),
            (
                "all three, one stray byte",
                [
                    "Ségou, São Paulo".as_bytes(),
                    b"\xFF",
                    " and Zürich".as_bytes(),
                ]
                .concat(),
                Some(("Ségou, São Paulo\u{FFFD} and Zürich", LOSSY_1)),
            ),
            (
                "UTF-8 cut in its last character",
                b"Z\xC3\xBCrich \xE2\x80".to_vec(),
                Some((
                    "Zürich \u{FFFD}",
                    Utf8Lossy {
                        replaced_bytes: 2,
                        replacements: 1,
                    },
                )),
            ),
            (
                "UTF-8 BOM, stray byte",
                b"\xEF\xBB\xBFS\xC3\xA9gou\xFF".to_vec(),
                Some(("Ségou\u{FFFD}", LOSSY_1)),
            ),
            // Rule 7: not mostly UTF-8.
            (
                "Windows-1252",
                b"S\xE9gou \x93quoted\x94".to_vec(),
                Some(("Ségou “quoted”", Windows1252)),
            ),
            (
                "Windows-1252 names",
                b"Z\xFCrich, S\xE3o Paulo".to_vec(),
                Some(("Zürich, São Paulo", Windows1252)),
            ),
            (
                // DF 93 happens to be valid UTF-8; three invalid sequences outvote it.
                "Windows-1252 with an accidental UTF-8 pair",
                b"STRA\xDF\x93E\x94 caf\xE9 na\xEFve".to_vec(),
                Some(("STRAß“E” café naïve", Windows1252)),
            ),
            (
                "ASCII with one Windows-1252 dash",
                b"Paris \x96 Texas".to_vec(),
                Some(("Paris – Texas", Windows1252)),
            ),
            (
                "UTF-8 BOM, Windows-1252 after it",
                b"\xEF\xBB\xBFcaf\xE9".to_vec(),
                Some(("café", Windows1252)),
            ),
            // Byte-order marks.
            (
                "UTF-16 LE",
                utf16([0xFF, 0xFE], "Ségou", u16::to_le_bytes),
                Some(("Ségou", Utf16)),
            ),
            (
                "UTF-16 BE",
                utf16([0xFE, 0xFF], "Zürich", u16::to_be_bytes),
                Some(("Zürich", Utf16)),
            ),
            (
                "UTF-32 LE",
                utf32(LE32, &codes("São Paulo 🌍"), u32::to_le_bytes),
                Some(("São Paulo 🌍", Utf32)),
            ),
            (
                "UTF-32 BE",
                utf32(BE32, &codes("Ségou"), u32::to_be_bytes),
                Some(("Ségou", Utf32)),
            ),
            ("UTF-32 BOM alone", LE32.to_vec(), Some(("", Utf32))),
            (
                "UTF-32, invalid code points",
                utf32(LE32, &invalid_utf32, u32::to_le_bytes),
                Some(("N\u{FFFD}\u{FFFD}\u{FFFD}i", Utf32)),
            ),
            (
                "UTF-32, trailing partial unit",
                cut_utf32,
                Some(("Niamey\u{FFFD}", Utf32)),
            ),
            // Rule 4.
            ("binary", b"PK\x03\x04\x00\x00binary".to_vec(), None),
            (
                "binary after a UTF-8 BOM",
                b"\xEF\xBB\xBFbin\x00ary".to_vec(),
                None,
            ),
        ];
        for (name, bytes, expected) in cases {
            let got = decode(&bytes);
            let got = got.as_ref().map(|(t, e)| (t.as_str(), *e));
            assert_eq!(got, expected, "{name}");
        }
    }

    proptest! {
        #[test]
        fn decode_never_panics_on_any_bytes(
            bom in prop_oneof![
                Just(&b""[..]),
                Just(&b"\xEF\xBB\xBF"[..]),
                Just(&b"\xFF\xFE"[..]),
                Just(&b"\xFE\xFF"[..]),
                Just(&b"\xFF\xFE\x00\x00"[..]),
                Just(&b"\x00\x00\xFE\xFF"[..]),
            ],
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let input = [bom, &bytes].concat();
            if let Some((text, _)) = decode(&input) {
                prop_assert!(std::str::from_utf8(text.as_bytes()).is_ok());
            }
        }

        #[test]
        fn valid_utf8_is_the_input_without_its_bom(text in any::<String>(), bom in any::<bool>()) {
            let input = if bom { format!("\u{FEFF}{text}") } else { text.clone() };
            let without_bom = input.strip_prefix('\u{FEFF}').unwrap_or(&input);
            let expected = if without_bom.contains('\0') {
                None
            } else {
                Some((without_bom.to_string(), Encoding::Utf8))
            };
            prop_assert_eq!(decode(input.as_bytes()), expected);
        }

        /// The copy-free path gives what `decode` gives, or leaves the bytes to it.
        #[test]
        fn plain_utf8_is_decode_without_a_copy(
            bom in prop_oneof![
                Just(&b""[..]),
                Just(&b"\xEF\xBB\xBF"[..]),
                Just(&b"\xFF\xFE"[..]),
                Just(&b"\x00\x00\xFE\xFF"[..]),
            ],
            text in any::<String>(),
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            raw in any::<bool>(),
        ) {
            let body = if raw { bytes } else { text.into_bytes() };
            let input = [bom, &body].concat();
            match plain_utf8(input.clone()) {
                Ok(text) => prop_assert_eq!(decode(&input), Some((text, Encoding::Utf8))),
                Err(back) => {
                    prop_assert_eq!(&back, &input);
                    prop_assert!(!bom.is_empty() || input.contains(&0) || std::str::from_utf8(&input).is_err());
                }
            }
        }

        #[test]
        fn one_stray_byte_in_accented_text_is_replaced_alone(
            rest in "\\PC*",
            at in any::<proptest::sample::Index>(),
        ) {
            let text = format!("é{rest}");
            let boundaries: Vec<usize> =
                text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let i = boundaries[at.index(boundaries.len())];
            let mut bytes = text.as_bytes().to_vec();
            bytes.insert(i, 0xFF);
            let expected = format!("{}\u{FFFD}{}", &text[..i], &text[i..]);
            prop_assert_eq!(decode(&bytes), Some((expected, LOSSY_1)));
        }
    }

    #[test]
    fn read_reports_binary_and_folders_and_warns_on_other_encodings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("x.txt");
        std::fs::write(&bin, b"\x00\x01\x02").expect("w");
        assert!(matches!(
            Document::read(&bin, "x.txt".into()),
            Err(DocumentError::Binary { .. })
        ));
        let err = Document::read(dir.path(), "d".into()).expect_err("a folder");
        assert!(
            matches!(
                err,
                DocumentError::NotRegular {
                    kind: "a folder",
                    ..
                }
            ),
            "{err}"
        );
        assert!(!err.is_read_failure());
        let latin = dir.path().join("l.txt");
        std::fs::write(&latin, b"caf\xE9").expect("w");
        let loaded = Document::read(&latin, "l.txt".into()).expect("reads");
        assert_eq!(loaded.document.text, "café");
        let warning = loaded.warning.expect("warns");
        assert!(
            warning.contains("l.txt") && warning.contains("Windows-1252"),
            "{warning}"
        );
        let stray = dir.path().join("s.txt");
        std::fs::write(&stray, b"S\xC3\xA9gou Z\xC3\xBCrich \xFE\xFF").expect("w");
        let loaded = Document::read(&stray, "s.txt".into()).expect("reads");
        assert_eq!(loaded.document.text, "Ségou Zürich \u{FFFD}\u{FFFD}");
        let warning = loaded.warning.expect("warns");
        assert!(
            warning.contains("s.txt")
                && warning.contains("2 bytes are not valid UTF-8")
                && warning.contains("in 2 places"),
            "{warning}"
        );
        let plain = dir.path().join("p.txt");
        std::fs::write(&plain, "Ségou").expect("w");
        let loaded = Document::read(&plain, "p.txt".into()).expect("reads");
        assert_eq!(loaded.warning, None);
    }
}
