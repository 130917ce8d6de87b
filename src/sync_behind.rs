//! Starting a large output file's writeback while it is still being written, so that
//! the sync before its rename ([`crate::output_file::write_atomically`]) waits for the
//! last few megabytes only. Nothing else starts it early: Linux writes dirty pages back
//! in the background only past a share of memory (gigabytes here) or after 30 s, so the
//! final sync of the 100k archive's 977 MB of JSON Lines waited 0.48 s with every core
//! idle, a fourteenth of the batch.
//!
//! [`SyncBehind`] passes writes through to the file's writer (its `BufWriter`) and, every
//! [`SYNC_EVERY`] bytes, asks a thread of its own to sync the data written so far
//! (`fdatasync`, through a handle of its own on the file), which it does while the
//! writer goes on. A file under that size never starts the thread. The first error a
//! sync meets is returned by [`SyncBehind::finish`]: a failed writeback may not be
//! reported by the next sync. It wraps the `BufWriter` rather than the file so that
//! vectored writes still reach the file whole (`BufWriter` passes them on only to a
//! writer that says it takes them, which only the standard library's own can say).

use std::fs::File;
use std::io::{self, IoSlice, Write};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

/// Bytes written between two requests to sync.
pub const SYNC_EVERY: usize = 32 << 20;

/// A writer to a file that syncs what it has written behind the writes (see the
/// [module](self) docs). Call [`SyncBehind::finish`] once the writes are done.
pub struct SyncBehind<W: Write> {
    inner: W,
    /// A handle on the file for the syncing thread, until it is started.
    file: Option<File>,
    every: usize,
    /// Bytes written since the last request to sync.
    unsynced: usize,
    /// The syncing thread and how to ask it, once started.
    syncing: Option<(SyncSender<()>, JoinHandle<io::Result<usize>>)>,
}

impl<W: Write> SyncBehind<W> {
    /// Writes to `inner`, a writer to `file` (another handle on it), asking for a sync
    /// every [`SYNC_EVERY`] bytes.
    pub fn new(inner: W, file: File) -> Self {
        Self::every(inner, file, SYNC_EVERY)
    }

    /// Writes to `inner`, a writer to `file`, asking for a sync every `every` bytes.
    pub fn every(inner: W, file: File, every: usize) -> Self {
        SyncBehind {
            inner,
            file: Some(file),
            every: every.max(1),
            unsynced: 0,
            syncing: None,
        }
    }

    /// Counts `n` bytes written, and asks for a sync once enough are. A request made
    /// while a sync is under way is dropped: that sync, or the next, covers its bytes.
    fn wrote(&mut self, n: usize) -> io::Result<()> {
        self.unsynced += n;
        if self.unsynced < self.every {
            return Ok(());
        }
        self.unsynced = 0;
        if self.syncing.is_none()
            && let Some(file) = self.file.take()
        {
            let (ask, asked) = sync_channel::<()>(1);
            let thread = std::thread::Builder::new()
                .name("sync-behind".into())
                .spawn(move || {
                    let mut syncs = 0;
                    // Until the writer hangs up; the first error ends the thread.
                    while asked.recv().is_ok() {
                        file.sync_data()?;
                        syncs += 1;
                    }
                    Ok(syncs)
                })?;
            self.syncing = Some((ask, thread));
        }
        if let Some((ask, _)) = &self.syncing {
            match ask.try_send(()) {
                // Busy: the sync under way or the one asked for next covers these bytes.
                Ok(()) | Err(TrySendError::Full(())) => {}
                // The thread stopped on an error: `finish` reports it.
                Err(TrySendError::Disconnected(())) => {}
            }
        }
        Ok(())
    }

    /// Flushes the writer, waits for the syncs asked for, and says how many were made,
    /// or the first error one met. The caller still syncs the file itself: its last
    /// bytes, and its metadata, are not synced here.
    pub fn finish(mut self) -> io::Result<usize> {
        self.inner.flush()?;
        match self.syncing.take() {
            None => Ok(0),
            Some((ask, thread)) => {
                drop(ask);
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
        }
    }
}

impl<W: Write> Write for SyncBehind<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.wrote(n)?;
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let n = self.inner.write_vectored(bufs)?;
        self.wrote(n)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for SyncBehind<W> {
    /// On an early return (a failed write), lets the syncing thread end after the sync
    /// under way; nothing waits for it.
    fn drop(&mut self) {
        self.syncing.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_pass_through_and_are_synced_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.bin");
        let mut file = File::create(&path).expect("create");
        let handle = file.try_clone().expect("clone");
        let mut expected = Vec::new();
        let syncs = {
            let buffered = std::io::BufWriter::with_capacity(64, &mut file);
            let mut out = SyncBehind::every(buffered, handle, 1000);
            for i in 0..200u32 {
                let part: Vec<u8> = (0..i % 97).map(|k| (i + k) as u8).collect();
                let halves = [
                    IoSlice::new(&part[..part.len() / 2]),
                    IoSlice::new(&part[part.len() / 2..]),
                ];
                if i % 2 == 0 {
                    out.write_all(&part).expect("write");
                } else {
                    let mut halves = halves;
                    let mut left = &mut halves[..];
                    while !left.is_empty() {
                        let n = out.write_vectored(left).expect("write");
                        IoSlice::advance_slices(&mut left, n);
                    }
                }
                expected.extend_from_slice(&part);
            }
            out.flush().expect("flush");
            out.finish().expect("synced")
        };
        assert!(
            syncs >= 1,
            "{} bytes, a sync asked for every 1000",
            expected.len()
        );
        assert_eq!(std::fs::read(&path).expect("read"), expected);
    }

    #[test]
    fn a_small_file_starts_no_thread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut file = File::create(dir.path().join("small")).expect("create");
        let handle = file.try_clone().expect("clone");
        let mut out = SyncBehind::new(&mut file, handle);
        out.write_all(b"a few bytes").expect("write");
        assert!(out.syncing.is_none());
        assert_eq!(out.finish().expect("finish"), 0);
    }
}
