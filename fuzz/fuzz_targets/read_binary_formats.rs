//! The binary-format readers over arbitrary bytes: a Word document
//! (`formats::docx::extract`), a PDF (`formats::pdf::extract`) and a zip archive
//! (`formats::archive::for_each_entry`, through a file). Each gives an error or its
//! result, never a panic (a panic inside the PDF parser, which `pdf::extract` catches,
//! still fails the run: libfuzzer-sys aborts on any panic), and keeps to its bounds: text
//! and entries no larger than the caps, entry names without control characters.
#![no_main]

use std::fs::File;
use std::io::{Seek, Write};
use std::ops::ControlFlow;
use std::sync::OnceLock;

use gazette::corpus::formats::{archive, docx, pdf};
use libfuzzer_sys::fuzz_target;

/// One scratch file for the archive reader, which takes a `File`: created once, removed
/// from its folder at once (the open handle keeps it), rewritten for each input.
fn scratch() -> &'static File {
    static FILE: OnceLock<File> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!(
            "gazette-fuzz-read-binary-formats-{}.zip",
            std::process::id()
        ));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .expect("scratch file");
        let _ = std::fs::remove_file(&path);
        file
    })
}

fuzz_target!(|data: &[u8]| {
    for extracted in [docx::extract(data), pdf::extract(data)]
        .into_iter()
        .flatten()
    {
        assert!(
            !extracted.text.trim().is_empty(),
            "an empty text is an error"
        );
        assert!(extracted.text.len() <= pdf::MAX_TEXT_BYTES + 16);
        if let Some(title) = &extracted.meta.title {
            assert!(title.len() <= 1000 + 4 && !title.contains('\n'));
        }
    }

    let mut file = scratch();
    file.set_len(0).expect("truncate");
    file.rewind().expect("rewind");
    file.write_all(data).expect("write");
    file.rewind().expect("rewind");
    let handle = file.try_clone().expect("clone");
    let mut seen = 0usize;
    let _ = archive::for_each_entry(handle, &mut |entry| {
        seen += 1;
        assert!(seen <= archive::MAX_ENTRIES + 1);
        match entry {
            Ok(entry) => {
                assert!(entry.bytes.len() as u64 <= archive::MAX_ENTRY_BYTES);
                assert!(!entry.path.contains(char::is_control), "{:?}", entry.path);
            }
            Err(error) => assert!(!error.key.contains(char::is_control), "{:?}", error.key),
        }
        ControlFlow::Continue(())
    });
});
