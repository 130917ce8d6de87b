//! Rows gathered before they are written, then written with one vectored write
//! (`writev`) instead of being copied into a `BufWriter`'s buffer first: a batch writes
//! each document's rows once, straight from the buffer they were rendered into (977 MB of
//! JSON Lines for the 100,076-article archive, all of it copied once more before).

use std::io::{self, IoSlice, Write};
use std::sync::Mutex;

/// Rows gathered up to this many bytes are written at once: at least a `BufWriter`'s
/// buffer (64 KiB in [`crate::output_file::write_atomically`]), which then passes them
/// to the file without copying, and few enough that memory holds a handful of documents.
const GATHERED_BYTES: usize = 1 << 18;

/// Written buffers kept for the next documents' rows, at most this many bytes of
/// capacity in all (a few documents' rows).
const SPARE_BYTES: usize = 4 << 20;

/// A written buffer larger than this is dropped, not kept (a piece of a very long
/// text's rows is several MB).
const SPARE_BUFFER_MAX: usize = 1 << 20;

/// Buffers written out, emptied, for [`spare_buffer`] to hand out again, the last
/// written on top; and their capacity in all, in bytes.
///
/// A document's rows used to go into a new allocation each time, and the allocator
/// handed out memory no cache held (the buffers written before were freed on the
/// writing thread, away from the rendering one): a cache miss for every 64 bytes of
/// rows rendered, about as many as the rendering's own. A buffer just written is still
/// in the caches (the kernel has just copied it).
static SPARE: Mutex<(Vec<Vec<u8>>, usize)> = Mutex::new((Vec::new(), 0));

/// An empty buffer with room for at least `capacity` bytes: one written before if one
/// is kept (see [`SPARE`]), else a new one.
pub(super) fn spare_buffer(capacity: usize) -> Vec<u8> {
    if capacity == 0 {
        return Vec::new();
    }
    let spare = match SPARE.lock() {
        Ok(mut spare) => spare.0.pop().inspect(|b| spare.1 -= b.capacity()),
        // A panic elsewhere while the lock was held: new buffers serve as well.
        Err(_) => None,
    };
    let mut buffer = spare.unwrap_or_default();
    buffer.reserve(capacity);
    buffer
}

/// Keeps the written `buffers` for [`spare_buffer`], as many as [`SPARE_BYTES`] allows;
/// the others are dropped.
fn keep_spare(buffers: &mut Vec<Vec<u8>>) {
    let Ok(mut spare) = SPARE.lock() else {
        buffers.clear();
        return;
    };
    for mut buffer in buffers.drain(..) {
        let size = buffer.capacity();
        if size <= SPARE_BUFFER_MAX && spare.1 + size <= SPARE_BYTES {
            buffer.clear();
            spare.1 += size;
            spare.0.push(buffer);
        }
    }
}

/// Byte buffers waiting to be written in order (see the [module](self) docs).
#[derive(Debug, Default)]
pub(super) struct Gathered {
    parts: Vec<Vec<u8>>,
    bytes: usize,
}

impl Gathered {
    /// Adds `part` after those gathered, writing all of them to `out` once they reach
    /// [`GATHERED_BYTES`].
    pub(super) fn push(&mut self, out: &mut impl Write, part: Vec<u8>) -> io::Result<()> {
        if part.is_empty() {
            return Ok(());
        }
        self.bytes += part.len();
        self.parts.push(part);
        if self.bytes >= GATHERED_BYTES {
            self.write_to(out)?;
        }
        Ok(())
    }

    /// Writes everything gathered to `out`, in order, and forgets it.
    pub(super) fn write_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        let mut slices: Vec<IoSlice<'_>> = self.parts.iter().map(|p| IoSlice::new(p)).collect();
        let mut left = &mut slices[..];
        // `write_all_vectored`, which is not stable: a write may take part of the slices.
        while !left.is_empty() {
            match out.write_vectored(left) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut left, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        keep_spare(&mut self.parts);
        self.bytes = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes at most `limit` bytes a call, from as many slices as reach
    /// them, and is interrupted every third call.
    struct Stingy {
        written: Vec<u8>,
        limit: usize,
        calls: usize,
    }

    impl Write for Stingy {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(3) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.limit - n);
                self.written.extend_from_slice(&b[..take]);
                n += take;
                if n == self.limit {
                    break;
                }
            }
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn gathered_parts_are_written_whole_and_in_order() {
        for limit in [1, 2, 7, 1000, usize::MAX / 2] {
            let mut out = Stingy {
                written: Vec::new(),
                limit,
                calls: 0,
            };
            let mut gathered = Gathered::default();
            let mut expected = Vec::new();
            for i in 0..40usize {
                let part: Vec<u8> = (0..i * 37 % 23).map(|k| (i + k) as u8).collect();
                expected.extend_from_slice(&part);
                gathered.push(&mut out, part).expect("push");
            }
            // A part large enough to write everything gathered at once.
            let large = vec![b'x'; GATHERED_BYTES];
            expected.extend_from_slice(&large);
            gathered.push(&mut out, large).expect("push");
            assert!(gathered.parts.is_empty(), "written once past the threshold");
            gathered.push(&mut out, b"tail".to_vec()).expect("push");
            expected.extend_from_slice(b"tail");
            gathered.write_to(&mut out).expect("write");
            assert_eq!(out.written, expected, "limit {limit}");
        }
    }

    #[test]
    fn written_buffers_are_handed_out_again_empty() {
        let mut gathered = Gathered::default();
        let mut out = Vec::new();
        let mut part = spare_buffer(100);
        assert!(part.is_empty() && part.capacity() >= 100);
        part.extend_from_slice(b"rows");
        gathered.push(&mut out, part).expect("push");
        gathered.write_to(&mut out).expect("write");
        assert_eq!(out, b"rows");
        // Other tests may take it first: whatever comes is empty and large enough.
        for capacity in [0, 10, 5000] {
            let b = spare_buffer(capacity);
            assert!(b.is_empty() && b.capacity() >= capacity);
        }
        let spare = SPARE.lock().expect("lock");
        assert!(spare.1 <= SPARE_BYTES);
        assert_eq!(spare.1, spare.0.iter().map(Vec::capacity).sum::<usize>());
    }

    #[test]
    fn a_writer_that_takes_nothing_is_an_error() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Ok(0)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut gathered = Gathered::default();
        gathered
            .push(&mut Full, b"row".to_vec())
            .expect("gathered, not written");
        let e = gathered.write_to(&mut Full).expect_err("nothing taken");
        assert_eq!(e.kind(), io::ErrorKind::WriteZero);
    }
}
