//! Zip archives of articles: each file entry is handed over, in archive order, with its
//! bytes, for the caller to read in the format its name says. Nothing is ever written to
//! disk: an entry's name is only shown (as the document's `ARCHIVE#PATH` name), never
//! used as a path, so a name like `../../etc/passwd` can do no harm.
//!
//! An archive is a classic way to make a small file that expands to a huge one (a "zip
//! bomb"), and its headers may lie about sizes. Whatever they say, every entry is read
//! through a cap of [`MAX_ENTRY_BYTES`] + 1 bytes, the bytes read across the archive are
//! capped at [`MAX_TOTAL_BYTES`], and at most [`MAX_ENTRIES`] files are read.
//!
//! Read: entries stored or compressed with Deflate (what every common zip tool writes).
//! Not read, each reported as a [`RecordError`] while the rest are read: encrypted
//! entries, other compression methods (Deflate64, bzip2, LZMA, zstd…), symbolic links,
//! damaged data. Skipped silently: folders, and the clutter macOS adds (`__MACOSX/…`,
//! `.DS_Store`).

use std::io::{Read, Seek};
use std::ops::ControlFlow;

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::{FormatError, RecordError};

/// Most files read from one archive. The rest are skipped with one [`RecordError`] that
/// says how many: an archive of millions of tiny entries is more likely a mistake or an
/// attack than a news collection, and each entry costs a document in the corpus.
pub const MAX_ENTRIES: usize = 100_000;

/// Largest entry read (uncompressed bytes): an article's limit, as for a file on disk.
/// A larger entry is a [`RecordError`] for that entry, found by reading at most one byte
/// past the limit (the size its header declares is not trusted).
pub const MAX_ENTRY_BYTES: u64 = crate::corpus::read::MAX_DOCUMENT_BYTES;

/// Most uncompressed bytes read from one archive, all entries together (4 GiB), counting
/// the part of an over-large entry read before it was refused. Past it the rest of the
/// archive is skipped with one [`RecordError`]: a thousand entries that each expand to
/// just under [`MAX_ENTRY_BYTES`] would otherwise take minutes of decompression.
pub const MAX_TOTAL_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Longest entry name kept for display (bytes); a longer one is cut and marked with `…`.
const MAX_NAME_BYTES: usize = 1000;

/// One file inside an archive.
#[derive(Debug)]
pub struct Entry {
    /// Its path inside the archive, `/`-separated, made safe to show (see
    /// [`display_name`]): for messages and the document's name, never a path on disk.
    pub path: String,
    /// Its bytes (at most [`MAX_ENTRY_BYTES`]).
    pub bytes: Vec<u8>,
}

/// Calls `f` with each file of a zip archive, in archive order, until it breaks: an
/// [`Entry`] with its bytes, or a [`RecordError`] (keyed by the entry's path) for an
/// entry that cannot be read, after which the next is read. Fails only if `file` is not
/// a zip archive (or its central directory, the list of entries at its end, is damaged
/// or cut off).
pub fn for_each_entry(
    file: std::fs::File,
    f: &mut dyn FnMut(Result<Entry, RecordError>) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    read_entries(std::io::BufReader::new(file), &LIMITS, f)
}

/// The caps an archive is read with (smaller ones in tests).
struct Limits {
    entries: usize,
    entry_bytes: u64,
    total_bytes: u64,
}

const LIMITS: Limits = Limits {
    entries: MAX_ENTRIES,
    entry_bytes: MAX_ENTRY_BYTES,
    total_bytes: MAX_TOTAL_BYTES,
};

/// What [`for_each_entry`] does, on any seekable reader and with the given caps.
fn read_entries<R: Read + Seek>(
    reader: R,
    limits: &Limits,
    f: &mut dyn FnMut(Result<Entry, RecordError>) -> ControlFlow<()>,
) -> Result<(), FormatError> {
    let mut archive = ZipArchive::new(reader).map_err(|e| not_a_zip(&e))?;
    let mut files = 0usize;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let Some(path) = file_entry_name(&archive, index) else {
            continue;
        };
        if files == limits.entries {
            let more = (index..archive.len())
                .filter(|&i| file_entry_name(&archive, i).is_some())
                .count();
            let _ = f(Err(RecordError {
                key: path,
                message: format!(
                    "this and the {} files after it are not read: at most {} files of an \
                     archive are read",
                    more - 1,
                    limits.entries
                ),
            }));
            return Ok(());
        }
        files += 1;
        let remaining = limits.total_bytes.saturating_sub(total);
        let cap = limits.entry_bytes.min(remaining);
        let (result, read) = read_entry(&mut archive, index, path, cap);
        total = total.saturating_add(read);
        let result = match result {
            Err(Refused::Record(error)) => Err(error),
            Err(Refused::OverCap(path)) if cap == limits.entry_bytes => Err(RecordError {
                key: path,
                message: format!(
                    "larger than {} uncompressed; skipped",
                    in_words(limits.entry_bytes)
                ),
            }),
            Err(Refused::OverCap(path)) => {
                let _ = f(Err(RecordError {
                    key: path,
                    message: format!(
                        "the archive's files hold more than {} uncompressed in all; this \
                         file and the rest of the archive are not read",
                        in_words(limits.total_bytes)
                    ),
                }));
                return Ok(());
            }
            Ok(entry) => Ok(entry),
        };
        if f(result).is_break() {
            return Ok(());
        }
    }
    Ok(())
}

/// Why an entry gave no bytes.
enum Refused {
    /// Not readable (encrypted, unsupported, damaged): the error to hand over.
    Record(RecordError),
    /// More bytes than the cap it was read with (the entry's path).
    OverCap(String),
}

/// The display name of entry `index` if it is a file to hand over; `None` for folders,
/// macOS clutter, and entries whose header cannot be found.
fn file_entry_name<R: Read + Seek>(archive: &ZipArchive<R>, index: usize) -> Option<String> {
    let entry = archive.by_index_data(index).ok()?;
    let raw = entry.name_raw();
    if entry.is_dir() || raw.ends_with(b"/") || raw.ends_with(b"\\") {
        return None;
    }
    let name = match entry.name() {
        Ok(name) => name.into_owned(),
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    };
    let path = display_name(&name);
    let base = path.rsplit('/').next().unwrap_or(&path);
    if path.starts_with("__MACOSX/") || base == ".DS_Store" {
        return None;
    }
    Some(path)
}

/// An entry's bytes, read through a cap of `cap` + 1 bytes whatever its header declares,
/// and how many uncompressed bytes were read (to count against the archive's total).
fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    path: String,
    cap: u64,
) -> (Result<Entry, Refused>, u64) {
    let refused =
        |path: String, message: String| Err(Refused::Record(RecordError { key: path, message }));
    let (encrypted, symlink, method) = match archive.by_index_data(index) {
        Ok(entry) => (entry.encrypted(), entry.is_symlink(), entry.compression()),
        Err(e) => return (refused(path, format!("cannot be read ({e})")), 0),
    };
    if encrypted {
        return (refused(path, "encrypted; skipped".into()), 0);
    }
    if symlink {
        return (refused(path, "a symbolic link; skipped".into()), 0);
    }
    if !matches!(
        method,
        CompressionMethod::Stored | CompressionMethod::Deflated
    ) {
        return (
            refused(
                path,
                format!(
                    "compressed with {method}, which Gazette does not read (only stored and \
                     Deflate entries); skipped"
                ),
            ),
            0,
        );
    }
    let mut file = match archive.by_index(index) {
        Ok(file) => file,
        Err(e) => return (refused(path, format!("cannot be read ({e}); skipped")), 0),
    };
    // The declared size only sizes the first allocation, and never beyond 1 MiB.
    let mut bytes =
        Vec::with_capacity(usize::try_from(file.size().min(cap).min(1 << 20)).unwrap_or(0));
    let result = (&mut file)
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes);
    let read = bytes.len() as u64;
    let result = match result {
        Err(e) => refused(path, format!("cannot be read ({e}); skipped")),
        Ok(_) if read > cap => Err(Refused::OverCap(path)),
        Ok(_) => Ok(Entry { path, bytes }),
    };
    (result, read)
}

/// An entry's name as it is shown: `\` made `/` (Windows tools write either), leading
/// `/` and `./` removed, control characters (which could move a terminal's cursor)
/// replaced by `�`, and cut to 1,000 bytes. For display only: it is never a path on disk.
pub fn display_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(MAX_NAME_BYTES));
    let name = name.trim_start_matches(['/', '\\']);
    let name = name.strip_prefix("./").unwrap_or(name);
    for c in name.chars() {
        if out.len() + c.len_utf8() > MAX_NAME_BYTES {
            out.push('…');
            break;
        }
        out.push(match c {
            '\\' => '/',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        });
    }
    if out.is_empty() {
        out.push_str("(unnamed)");
    }
    out
}

/// A size in bytes for a message: `64 MiB`, `4 GiB`, or bytes when not a whole MiB.
fn in_words(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes {
        b if b >= 1024 * MIB && b % (1024 * MIB) == 0 => format!("{} GiB", b / (1024 * MIB)),
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b => format!("{b} bytes"),
    }
}

/// The message for bytes the zip reader refuses as a whole.
fn not_a_zip(error: &ZipError) -> FormatError {
    FormatError::new(format!(
        "not a zip archive, or a damaged or incomplete one ({error})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    fn deflated() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
    }

    /// A zip archive of `files` (name, bytes), Deflate-compressed.
    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in files {
            writer.start_file(*name, deflated()).expect("start");
            writer.write_all(bytes).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    /// Everything `for_each_entry` hands over for `bytes` (through a real file).
    fn entries_of(bytes: &[u8]) -> (Vec<Result<Entry, RecordError>>, Result<(), FormatError>) {
        let mut file = tempfile::tempfile().expect("tempfile");
        file.write_all(bytes).expect("write");
        file.rewind().expect("rewind");
        let mut out = Vec::new();
        let result = for_each_entry(file, &mut |r| {
            out.push(r);
            ControlFlow::Continue(())
        });
        (out, result)
    }

    fn with_limits(
        bytes: Vec<u8>,
        limits: &Limits,
    ) -> (Vec<Result<Entry, RecordError>>, Result<(), FormatError>) {
        let mut out = Vec::new();
        let result = read_entries(Cursor::new(bytes), limits, &mut |r| {
            out.push(r);
            ControlFlow::Continue(())
        });
        (out, result)
    }

    #[test]
    fn hands_over_every_file_in_archive_order() {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer.add_directory("news/", deflated()).expect("dir");
        for (name, text) in [
            ("news/sahel/niamey.txt", "Floods hit Niamey."),
            ("news/agadez.txt", "Rain in Agadez."),
            ("index.csv", "text\nTalks in Gao.\n"),
            ("__MACOSX/news/._agadez.txt", "\0\0resource fork"),
            ("news/.DS_Store", "\0\0\0\x01Bud1"),
        ] {
            writer.start_file(name, deflated()).expect("start");
            writer.write_all(text.as_bytes()).expect("write");
        }
        // A directory written as a file entry whose name ends in `/`.
        writer
            .start_file("empty/", SimpleFileOptions::default())
            .expect("start");
        let bytes = writer.finish().expect("finish").into_inner();
        let (entries, result) = entries_of(&bytes);
        assert!(result.is_ok(), "{result:?}");
        let got: Vec<(String, String)> = entries
            .into_iter()
            .map(|e| {
                let e = e.expect("entry");
                (e.path, String::from_utf8(e.bytes).expect("utf8"))
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "news/sahel/niamey.txt".to_string(),
                    "Floods hit Niamey.".to_string()
                ),
                ("news/agadez.txt".into(), "Rain in Agadez.".into()),
                ("index.csv".into(), "text\nTalks in Gao.\n".into()),
            ]
        );
    }

    #[test]
    fn stops_when_the_caller_breaks() {
        let bytes = zip_of(&[("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c")]);
        let mut file = tempfile::tempfile().expect("tempfile");
        file.write_all(&bytes).expect("write");
        file.rewind().expect("rewind");
        let mut seen = 0;
        let result = for_each_entry(file, &mut |_| {
            seen += 1;
            ControlFlow::Break(())
        });
        assert!(result.is_ok());
        assert_eq!(seen, 1);
    }

    #[test]
    fn a_bomb_entry_is_refused_after_the_limit_and_the_next_is_read() {
        // 200 MiB of zeros, which Deflate packs into some 200 KB.
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .start_file("bomb.txt", deflated().large_file(true))
            .expect("start");
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..200 {
            writer.write_all(&zeros).expect("write");
        }
        writer.start_file("after.txt", deflated()).expect("start");
        writer.write_all(b"Floods hit Niamey.").expect("write");
        let bytes = writer.finish().expect("finish").into_inner();
        assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
        let (entries, result) = entries_of(&bytes);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(entries.len(), 2);
        let bomb = entries[0].as_ref().expect_err("too large");
        assert_eq!(bomb.key, "bomb.txt");
        assert!(bomb.message.contains("larger than"), "{bomb}");
        let after = entries[1].as_ref().expect("read");
        assert_eq!(after.bytes, b"Floods hit Niamey.");
    }

    #[test]
    fn the_total_and_entry_count_caps_stop_the_archive_with_one_error() {
        let files: Vec<(String, Vec<u8>)> = (1..=5)
            .map(|i| (format!("{i}.txt"), vec![b'x'; 100]))
            .collect();
        let files: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let bytes = zip_of(&files);
        // 250 bytes in all: two files, then the third is cut off.
        let limits = Limits {
            entries: 100,
            entry_bytes: 1000,
            total_bytes: 250,
        };
        let (entries, result) = with_limits(bytes.clone(), &limits);
        assert!(result.is_ok());
        assert_eq!(entries.len(), 3);
        assert!(entries[0].is_ok() && entries[1].is_ok());
        let stop = entries[2].as_ref().expect_err("total");
        assert_eq!(stop.key, "3.txt");
        assert!(stop.message.contains("in all"), "{stop}");
        // An entry exactly at the cap is read.
        let limits = Limits {
            entries: 100,
            entry_bytes: 100,
            total_bytes: 500,
        };
        let (entries, _) = with_limits(bytes.clone(), &limits);
        assert_eq!(entries.iter().filter(|e| e.is_ok()).count(), 5);
        // Two files, then one error counting the three not read.
        let limits = Limits {
            entries: 2,
            entry_bytes: 1000,
            total_bytes: 10_000,
        };
        let (entries, _) = with_limits(bytes, &limits);
        assert_eq!(entries.len(), 3);
        let stop = entries[2].as_ref().expect_err("count");
        assert_eq!(stop.key, "3.txt");
        assert!(stop.message.contains("the 2 files after it"), "{stop}");
    }

    #[test]
    fn encrypted_entries_are_skipped_and_the_rest_read() {
        use zip::unstable::write::FileOptionsExt;
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let locked = SimpleFileOptions::default()
            .with_deprecated_encryption(b"secret")
            .expect("options");
        writer.start_file("locked.txt", locked).expect("start");
        writer.write_all(b"Secret talks in Gao.").expect("write");
        writer.start_file("open.txt", deflated()).expect("start");
        writer.write_all(b"Open talks in Gao.").expect("write");
        let bytes = writer.finish().expect("finish").into_inner();
        let (entries, result) = entries_of(&bytes);
        assert!(result.is_ok());
        let locked = entries[0].as_ref().expect_err("encrypted");
        assert_eq!(locked.to_string(), "locked.txt: encrypted; skipped");
        assert_eq!(
            entries[1].as_ref().expect("open").bytes,
            b"Open talks in Gao."
        );
    }

    #[test]
    fn unsupported_compression_and_damaged_data_are_errors_for_that_entry() {
        let mut bytes = zip_of(&[("a.txt", b"Rain in Agadez."), ("b.txt", b"Rain in Gao.")]);
        // Method 12 (bzip2) in a.txt's local and central headers.
        let set_method = |bytes: &mut Vec<u8>, signature: &[u8], offset: usize| {
            let at = bytes
                .windows(4)
                .position(|w| w == signature)
                .expect("header");
            bytes[at + offset] = 12;
        };
        set_method(&mut bytes, b"PK\x03\x04", 8);
        set_method(&mut bytes, b"PK\x01\x02", 10);
        let (entries, _) = entries_of(&bytes);
        let a = entries[0].as_ref().expect_err("bzip2");
        assert!(a.message.contains("compressed with"), "{a}");
        assert!(entries[1].is_ok());

        // A flipped byte in b.txt's data: its checksum no longer matches.
        let mut bytes = zip_of(&[("a.txt", b"Rain in Agadez."), ("b.txt", b"Rain in Gao.")]);
        let central = bytes
            .windows(4)
            .position(|w| w == b"PK\x01\x02")
            .expect("central directory");
        let b_local = bytes[..central]
            .windows(4)
            .rposition(|w| w == b"PK\x03\x04")
            .expect("b's header");
        let data = b_local + 30 + "b.txt".len();
        bytes[data + 2] ^= 0x55;
        let (entries, result) = entries_of(&bytes);
        assert!(result.is_ok());
        assert!(entries[0].is_ok());
        let b = entries[1].as_ref().expect_err("damaged");
        assert!(b.message.contains("cannot be read"), "{b}");
    }

    #[test]
    fn not_a_zip_and_a_cut_off_zip_are_format_errors() {
        let (entries, result) = entries_of(b"Floods hit Niamey and Agadez.");
        assert!(entries.is_empty());
        let message = result.expect_err("not a zip").to_string();
        assert!(message.starts_with("not a zip archive"), "{message}");
        let bytes = zip_of(&[("a.txt", b"Rain in Agadez."), ("b.txt", b"Rain in Gao.")]);
        let (entries, result) = entries_of(&bytes[..bytes.len() - 30]);
        assert!(entries.is_empty());
        assert!(result.is_err());
        let (entries, result) = entries_of(b"");
        assert!(entries.is_empty() && result.is_err());
    }

    #[test]
    fn names_are_made_safe_to_show() {
        assert_eq!(display_name("news\\sahel\\a.txt"), "news/sahel/a.txt");
        assert_eq!(display_name("/abs/a.txt"), "abs/a.txt");
        assert_eq!(display_name("./a.txt"), "a.txt");
        assert_eq!(display_name("a\x1b[2Jb.txt"), "a\u{FFFD}[2Jb.txt");
        assert_eq!(display_name("../../etc/passwd"), "../../etc/passwd");
        assert_eq!(display_name(""), "(unnamed)");
        let long = display_name(&"é".repeat(2000));
        assert!(long.len() <= MAX_NAME_BYTES + '…'.len_utf8() && long.ends_with('…'));
    }
}
