//! The readers of saved pages, feeds and dataset exports (`gazette::corpus::formats`) over
//! arbitrary file bytes: each gives an error or documents, never a panic, and what it
//! extracts is valid UTF-8, not empty, and at most three bytes of text per input byte
//! (a Windows-1252 byte becomes up to three; markup only shrinks).
#![no_main]

use std::ops::ControlFlow;

use gazette::corpus::formats::{Extracted, Fields, Record, RecordError, dataset, feed, html};
use libfuzzer_sys::fuzz_target;

fn check(extracted: &Extracted, input: usize) {
    let text = &extracted.text;
    assert!(std::str::from_utf8(text.as_bytes()).is_ok());
    assert!(!text.trim().is_empty(), "a document without text");
    assert!(
        text.len() <= 3 * input,
        "{input} bytes gave {} bytes of text",
        text.len()
    );
    let meta = &extracted.meta;
    for field in [&meta.title, &meta.url, &meta.source].into_iter().flatten() {
        assert!(std::str::from_utf8(field.as_bytes()).is_ok());
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = html::extract(data) {
        check(&page, data.len());
    }
    if let Ok(items) = feed::records(data) {
        for item in &items {
            check(&item.extracted, data.len());
        }
    }
    let fields = Fields::default();
    let mut each = |record: Result<Record, RecordError>| {
        if let Ok(record) = record {
            check(&record.extracted, data.len());
        }
        ControlFlow::Continue(())
    };
    let _ = dataset::json_lines(data, &fields, &mut each);
    let _ = dataset::json_array(data, &fields, &mut each);
    let _ = dataset::delimited(data, b',', &fields, &mut each);
    let _ = dataset::delimited(data, b'\t', &fields, &mut each);
});
