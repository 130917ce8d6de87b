//! The gazetteer loader (`Gazetteer::from_bytes`) over damaged files: it returns a
//! gazetteer or an error, never panics, and a gazetteer it returns can be queried and
//! parsed with.
//!
//! The last input byte is not part of the file but says how to repair its header, so
//! mutations reach past the header checks: bit 0 recomputes the checksum, bit 1 sets the
//! last section's length to what the file holds. The seeds are a tiny valid gazetteer
//! built by `cargo run --example gazetteer_seed` (in `fuzz/`) with each mode byte.
#![no_main]

use std::path::Path;

use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;
use libfuzzer_sys::fuzz_target;

// The header (src/gazetteer/file_format.rs): magic (8 bytes), format version (u32),
// CRC-32 of the bytes from offset 16 on (u32), entry count (u32), section count (u32),
// then per section its offset and length (u64 each, little-endian); the last section
// ends the file.
const CRC_AT: usize = 12;
const CRC_FROM: usize = 16;
const SECTIONS: usize = 9;
const DIRECTORY_AT: usize = 24;
const HEADER_LEN: usize = DIRECTORY_AT + 16 * SECTIONS;

fn repair(file: &mut [u8], mode: u8) {
    if file.len() < HEADER_LEN {
        return;
    }
    if mode & 2 != 0 {
        let last = DIRECTORY_AT + 16 * (SECTIONS - 1);
        let mut offset = [0u8; 8];
        offset.copy_from_slice(&file[last..last + 8]);
        let offset = u64::from_le_bytes(offset);
        if let Some(len) = (file.len() as u64).checked_sub(offset) {
            file[last + 8..last + 16].copy_from_slice(&len.to_le_bytes());
        }
    }
    if mode & 1 != 0 {
        let crc = crc32fast::hash(&file[CRC_FROM..]);
        file[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, file)) = data.split_last() else {
        return;
    };
    let mut file = file.to_vec();
    repair(&mut file, mode);
    let Ok(g) = Gazetteer::from_bytes(file, Path::new("fuzz.bin")) else {
        return;
    };
    // Whatever loaded must answer queries without panicking.
    let _ = g.len();
    let _ = g.provenance();
    let _ = g.counts_by_kind();
    let mut names: Vec<String> = ["Paris", "Niger", "U.S.", "Niamey", "Texas"]
        .map(String::from)
        .to_vec();
    names.extend(g.entries().take(16).map(|e| e.name.clone()));
    for name in &names {
        for c in g.candidates(name) {
            assert!(
                (c.entry as usize) < g.len(),
                "candidate {} past {} entries",
                c.entry,
                g.len()
            );
            let _ = g.entry(c.entry);
            let _ = g.facts(c.entry);
        }
        let _ = g.person_name(name);
        let _ = g.is_common_word_name(name);
    }
    let text = format!(
        "Fighting near Niamey, Niger, and in Paris, Texas, in the U.S.; Nigeriens said {}.",
        names.join(", in ")
    );
    for m in Geoparser::new(&g).parse(&text) {
        assert!(m.start < m.end && m.end <= text.len());
        assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()));
        assert!((m.resolution.entry as usize) < g.len());
    }
});
