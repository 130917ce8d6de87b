//! Reading a file that someone else made, safely: only a regular file (never a named
//! pipe, device or socket, even behind a link), opened without blocking, and never more
//! than a cap of bytes whatever size it reports. Every reader of outside files (articles,
//! the gazetteer, sessions) goes through here, so the checks exist once.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why [`read`] gave no bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The OS refused (missing file, no permission…).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The path is not a regular file: what it is instead, in words (`a named pipe`).
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    /// The file holds more than the cap: how many bytes were seen (at least cap + 1).
    #[error("at least {0} bytes")]
    TooLarge(u64),
}

/// The bytes of the regular file at `path` (following symbolic links), at most `max` of
/// them. A path that is not a regular file is refused from its metadata, before it is
/// opened; the file is opened non-blocking on Unix, so a path swapped for a named pipe in
/// between cannot block the open, and its type is checked again on the open file.
/// Whatever size it reports, at most `max + 1` bytes are read.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open(path, max)?;
    if let Some(bytes) = read_in_parts(&file, len)? {
        return Ok(bytes);
    }
    read_at_most(file, max, len)
}

/// [`read`] of a path that a folder's listing just gave as a regular file (its entry's
/// type, not a link): its type is not asked for again before it is opened, a system call
/// saved per file of a folder (the checks on the open file are the same). The listing
/// has already refused what is not a regular file without opening it; a path swapped
/// since for a named pipe or a device cannot block the open (non-blocking) and is
/// refused by the check on the open file, as in [`read`].
///
/// The bytes are read up to the size the open file reports, without a last read to find
/// the end there: a regular file holds what it reports, and one that grows meanwhile is
/// read as it was when checked. A file that reports no size is read to its end (within
/// `max`), as some system files that report 0 hold text.
pub fn read_listed(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_for_reading(path)?;
    let len = checked_len(&file, max)?;
    if len == 0 {
        return read_at_most(file, max, len);
    }
    read_reported(file, len)
}

/// The regular file at `path`, opened for reading with the checks of [`read`], and the
/// size it reports, in bytes (at most `max`). For a reader that maps the file instead of
/// reading it (the gazetteer).
pub fn open(path: &Path, max: u64) -> Result<(File, u64), ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let file = open_for_reading(path)?;
    let len = checked_len(&file, max)?;
    Ok((file, len))
}

/// The size `file` reports, once its metadata says it is a regular file of at most `max`
/// bytes.
fn checked_len(file: &File, max: u64) -> Result<u64, ReadError> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(meta.len()));
    }
    Ok(meta.len())
}

/// The first `len` bytes of `file` (fewer if it ends before): one read for a file of
/// the page cache. `read_to_end` alone always reads once more to see the end, a system
/// call per file that returns nothing; with the limit reached, `Take` answers that read
/// itself.
fn read_reported(file: File, len: u64) -> Result<Vec<u8>, ReadError> {
    if let Some(bytes) = read_in_parts(&file, len)? {
        return Ok(bytes);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file at least this large (bytes) is read by [`read_in_parts`]: far more than a
/// news article, which is read by one call.
const IN_PARTS_BYTES: u64 = 8 << 20;

/// Bytes each part of [`read_in_parts`] reads.
const PART_BYTES: usize = 4 << 20;

/// All `len` bytes of a regular `file` of at least [`IN_PARTS_BYTES`], read in parts
/// of [`PART_BYTES`] at their offsets on all cores (rayon), so that a 40 MB text's copy
/// from the page cache and the page faults on its fresh memory (~35 ms on one core)
/// are shared out instead of holding up every core until the text is read. `None` for
/// a smaller file, off Unix, or if the file no longer holds exactly `len` bytes (it
/// changed since it was measured): the caller then reads it from its start as usual
/// (the reads here do not move the file's position).
fn read_in_parts(file: &File, len: u64) -> std::io::Result<Option<Vec<u8>>> {
    #[cfg(unix)]
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt;
        if len < IN_PARTS_BYTES {
            return Ok(None);
        }
        let Ok(size) = usize::try_from(len) else {
            return Ok(None);
        };
        // Zeroed memory fresh from the system: not written twice.
        let mut bytes = vec![0u8; size];
        let read = bytes
            .par_chunks_mut(PART_BYTES)
            .enumerate()
            .try_for_each(|(i, part)| file.read_exact_at(part, (i * PART_BYTES) as u64));
        match read {
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        let mut past_end = [0u8; 1];
        if file.read_at(&mut past_end, len)? != 0 {
            return Ok(None);
        }
        Ok(Some(bytes))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, len);
        Ok(None)
    }
}

/// The first `n` bytes of the regular file at `path` (all of it if shorter) and the size
/// the open file reports, with the checks of [`read`]: for a file too large to read
/// whole, whose header says what it is (a project's SQLite header).
pub fn read_start(path: &Path, n: usize) -> Result<(Vec<u8>, u64), ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    let file = open_for_reading(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(n);
    file.take(n as u64).read_to_end(&mut bytes)?;
    Ok((bytes, meta.len()))
}

/// Everything `reader` holds if that is at most `max` bytes, else `TooLarge` with the
/// bytes read before stopping (`max + 1`). `expected` (the size reported) only sizes the
/// first allocation.
pub fn read_at_most(reader: impl Read, max: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let capacity = usize::try_from(expected.min(max).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    let read = reader.take(max.saturating_add(1)).read_to_end(&mut bytes)? as u64;
    if read > max {
        Err(ReadError::TooLarge(read))
    } else {
        Ok(bytes)
    }
}

/// Opens `path` for reading; on Unix non-blocking, so that opening a named pipe returns
/// at once instead of waiting for a writer (for a regular file the flag changes nothing).
fn open_for_reading(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// What a file that is not a regular file is, in words for a message.
pub fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_at_most_the_limit_whatever_the_reported_size() {
        // A reader that never ends (as /dev/zero) stops one byte past the limit.
        assert!(matches!(
            read_at_most(std::io::repeat(0), 1000, 0),
            Err(ReadError::TooLarge(1001))
        ));
        let exact = read_at_most(&[7u8; 1000][..], 1000, 0).expect("reads");
        assert_eq!(exact.len(), 1000);
        let empty = read_at_most(&b""[..], 1000, u64::MAX).expect("reads");
        assert!(empty.is_empty());
    }

    /// A large file is read in parts, byte for byte; one whose size is not the one
    /// given is left to the usual read.
    #[test]
    fn a_large_file_read_in_parts_is_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("large.txt");
        let size = IN_PARTS_BYTES as usize + PART_BYTES / 2 + 3;
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("write");
        assert!(read(&path, u64::MAX).expect("reads") == bytes);
        assert!(read_listed(&path, u64::MAX).expect("reads") == bytes);
        assert!(matches!(
            read(&path, size as u64 - 1),
            Err(ReadError::TooLarge(_))
        ));
        let file = File::open(&path).expect("open");
        let len = size as u64;
        let parts = read_in_parts(&file, len).expect("reads");
        #[cfg(unix)]
        assert!(parts.is_some_and(|p| p == bytes));
        #[cfg(not(unix))]
        assert!(parts.is_none());
        // Grown or shrunk since it was measured: not read here.
        assert!(read_in_parts(&file, len - 1).expect("reads").is_none());
        assert!(read_in_parts(&file, len + 1).expect("reads").is_none());
        assert!(read_in_parts(&file, 10).expect("reads").is_none(), "small");
    }

    #[test]
    fn refuses_folders_and_devices_and_reads_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            read(dir.path(), 10),
            Err(ReadError::NotRegular("a folder"))
        ));
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "Niamey").expect("write");
        assert_eq!(read(&file, 10).expect("reads"), b"Niamey");
        assert_eq!(read_start(&file, 3).expect("reads"), (b"Nia".to_vec(), 6));
        assert!(matches!(
            read_start(dir.path(), 3),
            Err(ReadError::NotRegular("a folder"))
        ));
        assert!(matches!(read(&file, 3), Err(ReadError::TooLarge(6))));
        #[cfg(unix)]
        assert!(matches!(
            read(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a character device"))
        ));
    }

    /// A path a listing gave as a regular file is checked once open all the same: a
    /// folder or a device there is refused, a file read whole, and a system file that
    /// reports no size read to its end.
    #[test]
    fn listed_files_are_checked_once_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "Niamey").expect("write");
        assert_eq!(read_listed(&file, 10).expect("reads"), b"Niamey");
        assert!(matches!(read_listed(&file, 3), Err(ReadError::TooLarge(6))));
        assert!(matches!(
            read_listed(dir.path(), 10),
            Err(ReadError::NotRegular("a folder"))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_listed(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a character device"))
        ));
        let status = Path::new("/proc/self/status");
        if std::fs::metadata(status).is_ok_and(|m| m.is_file() && m.len() == 0) {
            let bytes = read_listed(status, 1 << 20).expect("reads");
            assert!(
                bytes.starts_with(b"Name:"),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    /// Opening a named pipe returns at once instead of waiting for a writer.
    #[cfg(unix)]
    #[test]
    fn opening_a_named_pipe_does_not_wait_for_a_writer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe.txt");
        match std::process::Command::new("mkfifo").arg(&fifo).status() {
            Ok(status) if status.success() => {}
            other => {
                eprintln!(
                    "skipped: opening_a_named_pipe_does_not_wait_for_a_writer: mkfifo: {other:?}"
                );
                return;
            }
        }
        let (send, receive) = std::sync::mpsc::channel();
        let opening = fifo.clone();
        std::thread::spawn(move || {
            let opened = open_for_reading(&opening).and_then(|f| f.metadata());
            // Nor does reading one that a listing (wrongly, or before a swap) gave as a
            // regular file: it is refused once open.
            let listed = read_listed(&opening, 10);
            let _ = send.send((opened.map(|m| kind_of(m.file_type())), listed));
        });
        // Generous: the point is that it returns at all, not how fast.
        let (opened, listed) = receive
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("opening a named pipe waited for a writer");
        assert_eq!(opened.expect("opens"), "a named pipe");
        assert!(matches!(listed, Err(ReadError::NotRegular("a named pipe"))));
    }
}
