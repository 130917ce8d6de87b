//! The document decoder (`gazette::corpus::decode`) over arbitrary file bytes: it never
//! panics, its output grows at most linearly with its input, and a UTF-8 file (with or
//! without a BOM) comes back exactly as written.
#![no_main]

use gazette::corpus::{Encoding, decode};
use libfuzzer_sys::fuzz_target;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fuzz_target!(|data: &[u8]| {
    let decoded = decode(data);
    assert_eq!(decode(data), decoded, "decoding is deterministic");
    let without_bom = data.strip_prefix(UTF8_BOM).unwrap_or(data);
    if !without_bom.contains(&0)
        && let Ok(text) = std::str::from_utf8(without_bom)
    {
        // Plain UTF-8 text: exactly the text, called UTF-8.
        assert_eq!(
            decoded,
            Some((text.to_string(), Encoding::Utf8)),
            "a valid UTF-8 file is not returned as written"
        );
    }
    if let Some((text, _)) = decoded {
        // Every input byte yields at most one replacement or one legacy character
        // (3 bytes of UTF-8); UTF-16 and UTF-32 yield less.
        assert!(
            text.len() <= 3 * data.len(),
            "{} bytes decoded to {} bytes of text",
            data.len(),
            text.len()
        );
    }
});
