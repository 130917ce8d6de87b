//! A damaged gazetteer file is an error or a working gazetteer, never a panic (issue 13,
//! item 16), and a gazetteer path that is not a regular file is refused before it is
//! read (item 4).
//!
//! The damage keeps the file's checksum valid (it is recomputed after each change), as
//! a careful adversary or a bad rewrite would: the checksum then says nothing, and only
//! the structure checks at load stand between the bytes and the name automaton.
//!
//! Every damaged file must either fail to load with an error naming the file, or load
//! and then answer lookups and parse text without panicking. `catch_unwind` is used here
//! only to tell a panic from a failed assertion and to list every panic site at once.
//!
//! The fixed cases run on the bundled file; the seeded sweep of 200 runs on a gazetteer
//! compiled from part of it, of the same structure and a tenth of the size, so the whole
//! file runs in seconds in a debug build.

mod prerequisites;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gazette::gazetteer::{Gazetteer, GazetteerError, Kind, WordMemo, compile};
use gazette::geoparse::{Geoparser, located_entry};

/// The file name errors must name.
const DAMAGED: &str = "damaged-gazetteer.bin";

// The header (see src/gazetteer/file_format.rs): magic (8), version (u32), CRC-32 of
// every byte from offset 16 on (u32), entry count (u32), section count (u32), then per
// section its offset and length (u64 each).
const HEADER_LEN: usize = 24 + SECTIONS * 16;
const CRC_AT: usize = 12;
const CRC_FROM: usize = 16;
const ENTRY_COUNT_AT: usize = 16;
const SECTION_COUNT_AT: usize = 20;
const DIRECTORY_AT: usize = 24;
const SECTIONS: usize = 9;

fn bundled_bytes() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteer/gazetteer.bin");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Where each part of a gazetteer file lies, as byte ranges of the whole file, from its
/// directory.
#[derive(Debug, Clone)]
struct Layout {
    /// Everything before the automata: header, directory and tables.
    tables: std::ops::Range<usize>,
    /// One byte per entry.
    kinds: std::ops::Range<usize>,
    /// 48 bytes per entry: coordinates, population, packed codes.
    rows: std::ops::Range<usize>,
    /// The postings, u32 each.
    postings: std::ops::Range<usize>,
    /// Where each entry chunk ends, u32 each.
    chunk_ends: std::ops::Range<usize>,
    /// The postcard-encoded entry chunks.
    entry_chunks: std::ops::Range<usize>,
    /// Bounding boxes, 40 bytes each.
    boxes: std::ops::Range<usize>,
    /// Postcard: provenance, countries, demonym targets, region members.
    small: std::ops::Range<usize>,
    /// The name automaton.
    names_fst: std::ops::Range<usize>,
    /// The person-name automaton (the file's last section).
    person_fst: std::ops::Range<usize>,
}

/// The sections' ranges, in directory order.
fn sections(b: &[u8]) -> Vec<std::ops::Range<usize>> {
    (0..SECTIONS)
        .map(|i| {
            let offset = u64_at(b, DIRECTORY_AT + 16 * i) as usize;
            let len = u64_at(b, DIRECTORY_AT + 16 * i + 8) as usize;
            offset..offset + len
        })
        .collect()
}

fn layout(b: &[u8]) -> Layout {
    let s = sections(b);
    assert_eq!(s[8].end, b.len(), "the person-name automaton ends the file");
    assert_eq!(s[7].end, s[8].start, "the automata are back to back");
    Layout {
        tables: 0..s[7].start,
        kinds: s[0].clone(),
        rows: s[1].clone(),
        postings: s[2].clone(),
        chunk_ends: s[3].clone(),
        entry_chunks: s[4].clone(),
        boxes: s[5].clone(),
        small: s[6].clone(),
        names_fst: s[7].clone(),
        person_fst: s[8].clone(),
    }
}

/// Writes the CRC-32 of the body into the header, so the damage passes the checksum.
fn reseal(b: &mut [u8]) {
    let crc = crc32fast::hash(&b[CRC_FROM..]);
    b[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
}

/// Replaces `range` of the file with `with`, fixing the directory (the section that
/// holds the range grows or shrinks, the sections after it move) and the checksum. The
/// range must lie inside one section or between two; one that ends where a section
/// starts (an insertion there) belongs to the section before, if it touches one.
fn splice(b: &[u8], range: std::ops::Range<usize>, with: &[u8]) -> Vec<u8> {
    let grow = with.len() as i64 - range.len() as i64;
    let mut out = Vec::with_capacity(b.len() + with.len());
    out.extend_from_slice(&b[..range.start]);
    out.extend_from_slice(with);
    out.extend_from_slice(&b[range.end..]);
    let holder = sections(b)
        .iter()
        .position(|s| s.start <= range.start && range.end <= s.end);
    for (i, s) in sections(b).iter().enumerate() {
        if Some(i) == holder {
            put_u64(
                &mut out,
                DIRECTORY_AT + 16 * i + 8,
                (s.len() as i64 + grow) as u64,
            );
        } else if s.start >= range.end && holder.is_none_or(|h| i > h) {
            put_u64(
                &mut out,
                DIRECTORY_AT + 16 * i,
                (s.start as i64 + grow) as u64,
            );
        }
    }
    reseal(&mut out);
    out
}

/// One kind of damage.
#[derive(Debug, Clone)]
enum Damage {
    /// Sets the byte at the offset.
    Set(usize, u8),
    /// XORs the byte at the offset.
    Xor(usize, u8),
    /// Writes a little-endian u64 at the offset.
    Word(usize, u64),
    /// Fills a range with one byte.
    Fill(std::ops::Range<usize>, u8),
    /// Copies `len` bytes from the first offset over the second.
    Copy(usize, usize, usize),
    /// Removes a range (the header's section length follows).
    Cut(std::ops::Range<usize>),
    /// Inserts bytes at the offset (the header's section length follows).
    Insert(usize, Vec<u8>),
    /// Replaces a range with other bytes (the header's section length follows).
    Replace(std::ops::Range<usize>, Vec<u8>),
}

impl Damage {
    fn apply(&self, original: &[u8]) -> Vec<u8> {
        let mut b = original.to_vec();
        match self {
            Damage::Set(at, v) => b[*at] = *v,
            Damage::Xor(at, v) => b[*at] ^= *v,
            Damage::Word(at, v) => put_u64(&mut b, *at, *v),
            Damage::Fill(r, v) => b[r.clone()].fill(*v),
            Damage::Copy(from, to, len) => b.copy_within(*from..*from + *len, *to),
            Damage::Cut(r) => return splice(original, r.clone(), &[]),
            Damage::Insert(at, bytes) => return splice(original, *at..*at, bytes),
            Damage::Replace(r, bytes) => return splice(original, r.clone(), bytes),
        }
        reseal(&mut b);
        b
    }
}

/// Text put through every gazetteer that loads: `parse` by the geoparser, `walk` also
/// walked from every character (names that start mid-word, after odd punctuation).
struct Texts {
    parse: Vec<String>,
    walk: String,
}

/// How much of each seed is walked from every character (the walk is the slow part in
/// a debug build).
const WALK_BYTES: usize = 1500;

fn texts() -> Texts {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut parse: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed text"))
        .collect();
    let hostile = "Paris, Texas and Paris, France. The U.S. and the UK met in New York, Rio de \
                   Janeiro and the Gulf of Guinea. Niger's capital Niamey; N'Djamena. São Paulo, \
                   Zürich, Ségou. West Africa, the Sahel, the Middle East. Michael Jordan visited \
                   Georgia. ÅÄÖ 北京 Ras al Khaimah, Bosnia and Herzegovina, Nigerian and \
                   Turkish officials. St. Louis, Mobile, Reading, March, Chad."
        .to_string();
    let mut walk = hostile.clone();
    for seed in &parse {
        let mut cut = WALK_BYTES.min(seed.len());
        while !seed.is_char_boundary(cut) {
            cut -= 1;
        }
        walk.push('\n');
        walk.push_str(&seed[..cut]);
    }
    parse.push(hostile);
    Texts { parse, walk }
}

const NAMES: &[&str] = &[
    "Paris",
    "paris",
    "PARIS",
    "Niger",
    "US",
    "U.S.",
    "New York",
    "Gulf of Guinea",
    "São Paulo",
    "Zürich",
    "",
    "a",
    "zzzz",
    "Nigerian",
    "Michael",
    "Jordan",
];

/// Everything a loaded gazetteer is asked by the app and the CLI, on a damaged file.
fn exercise(g: &Gazetteer, texts: &Texts) {
    let entry = |i| {
        let e = g.entry(i);
        let _ = (g.kind(i), g.facts(i), g.member_codes(i), e.label());
        if let Some(r) = e.refers_to {
            let _ = g.entry(r).label();
        }
    };
    for name in NAMES {
        for c in g.candidates(name) {
            entry(c.entry);
        }
        let _ = (
            g.has_name(name),
            g.person_name(name),
            g.is_common_word_name(name),
        );
    }
    let _ = (
        g.index_of_id("gn:2988507"),
        g.country("NE"),
        g.country("FR"),
    );
    let _ = (g.counts_by_kind(), g.name_count(), g.provenance().len());
    let mut memo = WordMemo::new();
    let text = &texts.walk;
    for (start, _) in text.char_indices() {
        if let Some(hit) = g.longest_match_at(text, start) {
            let surface = &text[hit.start..hit.end];
            for c in g.hit_candidates(&hit, surface) {
                entry(c.entry);
            }
            let _ = (g.is_common_word(&hit), hit.candidate_count());
        }
        let _ = g.longest_match_memo(text, start, &mut memo);
    }
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let _ = (g.word_facts(w, &mut memo), g.person_name_memo(w, &mut memo));
    }
    let parser = Geoparser::new(g);
    for text in &texts.parse {
        for m in parser.parse(text) {
            let _ = parser.is_demonym(&m);
            entry(located_entry(g, m.resolution.entry));
        }
    }
}

/// What became of one damaged file.
#[derive(Debug)]
enum Outcome {
    Refused,
    Loaded,
    /// A panic, with its message: the bug this test is for.
    Panicked(String),
    /// An error that does not name the file.
    Unnamed(String),
}

thread_local! {
    /// Set while a damaged file is tried: its panics are collected, not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that stays quiet while [`QUIET`] is set on the
/// panicking thread and otherwise does what the default hook does, so a failing
/// assertion elsewhere still prints.
fn quiet_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(non-string panic)".to_string())
}

fn try_file(bytes: Vec<u8>, texts: &Texts) -> Outcome {
    quiet_expected_panics();
    QUIET.with(|q| q.set(true));
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        Gazetteer::from_bytes(bytes, Path::new(DAMAGED))
    }));
    let outcome = match loaded {
        Err(p) => Outcome::Panicked(format!("at load: {}", panic_message(&*p))),
        Ok(Err(e)) => {
            let message = e.to_string();
            if message.contains(DAMAGED) {
                Outcome::Refused
            } else {
                Outcome::Unnamed(message)
            }
        }
        Ok(Ok(g)) => match catch_unwind(AssertUnwindSafe(|| exercise(&g, texts))) {
            Ok(()) => Outcome::Loaded,
            Err(p) => Outcome::Panicked(format!("in use: {}", panic_message(&*p))),
        },
    };
    QUIET.with(|q| q.set(false));
    outcome
}

/// A small deterministic generator (xorshift64*), so the sweep is the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn in_range(&mut self, r: &std::ops::Range<usize>) -> usize {
        r.start + self.below(r.len())
    }
}

/// The fixed cases: the places a structure check must cover, named.
fn fixed_cases(l: &Layout) -> Vec<(String, Damage)> {
    let fst = &l.names_fst;
    let person = &l.person_fst;
    // In an fst, the root node is the last one written, just before the 20-byte footer
    // (key count, root address, checksum); nodes start after a 16-byte header.
    let root = fst.end - 21;
    let footer_root = fst.end - 12;
    let footer_len = fst.end - 20;
    let mid = fst.start + fst.len() / 2;
    let person_mid = person.start + person.len() / 2;
    let postings_mid = l.postings.start + l.postings.len() / 2;
    let chunks_mid = l.entry_chunks.start + l.entry_chunks.len() / 2;
    let chunk_ends_mid = l.chunk_ends.start + l.chunk_ends.len() / 8 * 4;
    let kinds_mid = l.kinds.start + l.kinds.len() / 2;
    let rows_mid = l.rows.start + l.rows.len() / 96 * 48;
    let boxes_mid = l.boxes.start + l.boxes.len() / 80 * 40;
    let small_mid = l.small.start + l.small.len() / 2;
    let d = |name: &str, damage: Damage| (name.to_string(), damage);
    let mut cases = vec![
        d("fst root state byte", Damage::Xor(root, 0xff)),
        d("fst root byte zeroed", Damage::Set(root, 0)),
        d("fst root pack sizes", Damage::Set(root - 2, 0xff)),
        d(
            "fst root address past end",
            Damage::Word(footer_root, u64::MAX / 2),
        ),
        d("fst root address 1", Damage::Word(footer_root, 1)),
        d("fst root address 0", Damage::Word(footer_root, 0)),
        d("fst root address in header", Damage::Word(footer_root, 9)),
        d("fst key count huge", Damage::Word(footer_len, u64::MAX)),
        d("fst version 2", Damage::Word(fst.start, 2)),
        d("fst version 1", Damage::Word(fst.start, 1)),
        d(
            "fst first nodes",
            Damage::Fill(fst.start + 16..fst.start + 48, 0xff),
        ),
        d("fst middle 0xff", Damage::Fill(mid..mid + 64, 0xff)),
        d("fst middle 0x00", Damage::Fill(mid..mid + 64, 0x00)),
        d("fst middle 0x7f", Damage::Fill(mid..mid + 64, 0x7f)),
        d("fst middle 0xbf", Damage::Fill(mid..mid + 64, 0xbf)),
        d("fst nodes shifted", Damage::Copy(mid, mid + 1, 4096)),
        d("fst tail cut", Damage::Cut(fst.end - 30..fst.end)),
        d(
            "fst cut to its footer",
            Damage::Cut(fst.start + 16..fst.end - 20),
        ),
        d("fst cut to 35 bytes", Damage::Cut(fst.start + 35..fst.end)),
        d("fst removed", Damage::Cut(fst.clone())),
        d("fst middle byte cut", Damage::Cut(mid..mid + 1)),
        d(
            "fst grown in the middle",
            Damage::Insert(mid, vec![0xc1; 7]),
        ),
        d("fst grown at the end", Damage::Insert(fst.end, vec![0; 64])),
        d("person fst root", Damage::Xor(person.end - 21, 0xff)),
        d(
            "person fst root address",
            Damage::Word(person.end - 12, u64::MAX / 4),
        ),
        d(
            "person fst middle",
            Damage::Fill(person_mid..person_mid + 32, 0xff),
        ),
        d(
            "postings start 0xff",
            Damage::Fill(l.postings.start..l.postings.start + 256, 0xff),
        ),
        d(
            "postings middle",
            Damage::Fill(postings_mid..postings_mid + 16, 0x85),
        ),
        d(
            "entry chunk middle",
            Damage::Fill(chunks_mid..chunks_mid + 24, 0xff),
        ),
        d(
            "entry chunk start zeroed",
            Damage::Fill(l.entry_chunks.start..l.entry_chunks.start + 64, 0),
        ),
        d(
            "entry chunk middle byte cut",
            Damage::Cut(chunks_mid..chunks_mid + 1),
        ),
        d(
            "entry chunks grown",
            Damage::Insert(chunks_mid, vec![0x05; 9]),
        ),
        // The first chunk's end moved to the second's: one chunk of two chunks' entries
        // and one of none, neither of which decodes to 64 entries.
        d(
            "entry chunk offsets shifted",
            Damage::Copy(l.chunk_ends.start + 4, l.chunk_ends.start, 4),
        ),
        d(
            "entry chunk offsets out of order",
            Damage::Fill(chunk_ends_mid..chunk_ends_mid + 4, 0xff),
        ),
        d(
            "entry chunk offsets zeroed",
            Damage::Fill(l.chunk_ends.clone(), 0),
        ),
        d("unknown kind", Damage::Set(l.kinds.start, 0xff)),
        d("kind 7", Damage::Set(kinds_mid, 7)),
        d("another kind", Damage::Set(kinds_mid, 6)),
        d("kinds all demonyms", Damage::Fill(l.kinds.clone(), 6)),
        d(
            "latitude NaN",
            Damage::Word(l.rows.start, f64::NAN.to_bits()),
        ),
        d(
            "longitude 1e300",
            Damage::Word(rows_mid + 8, 1e300f64.to_bits()),
        ),
        d("population huge", Damage::Word(rows_mid + 16, u64::MAX)),
        // Codes no packing gives, and a country packed as a long (hashed) code the
        // chunk does not spell out: the entries of that row's chunk do not decode.
        d(
            "codes 0xff",
            Damage::Fill(rows_mid + 24..rows_mid + 48, 0xff),
        ),
        d(
            "code of length 9",
            Damage::Word(rows_mid + 24, 9 << 56 | 0x4e4e),
        ),
        d(
            "codes of another entry",
            Damage::Copy(l.rows.start + 24, rows_mid + 24, 24),
        ),
        d(
            "bounding box infinite",
            Damage::Word(l.boxes.start + 16, f64::INFINITY.to_bits()),
        ),
        d(
            "bounding boxes out of order",
            Damage::Copy(l.boxes.start, boxes_mid, 40),
        ),
        d(
            "bounding box of entry 2^24",
            Damage::Set(l.boxes.start + 3, 1),
        ),
        d("small tables 0xff", Damage::Fill(l.small.clone(), 0xff)),
        d(
            "small tables middle",
            Damage::Fill(small_mid..small_mid + 8, 0x01),
        ),
        d(
            "small tables cut",
            Damage::Cut(l.small.end - 10..l.small.end),
        ),
        d(
            "small tables grown",
            Damage::Insert(l.small.end, vec![0; 16]),
        ),
        d("small tables removed", Damage::Cut(l.small.clone())),
        d("postings removed", Damage::Cut(l.postings.clone())),
        d("kinds cut", Damage::Cut(l.kinds.start..l.kinds.start + 1)),
        d("entry count + 1", Damage::Xor(ENTRY_COUNT_AT, 1)),
        d("entry count 2^24", Damage::Set(ENTRY_COUNT_AT + 3, 1)),
        d("entry count huge", Damage::Set(ENTRY_COUNT_AT + 3, 0xff)),
        d("section count", Damage::Set(SECTION_COUNT_AT, 8)),
        d(
            "section past the end",
            Damage::Word(DIRECTORY_AT + 16 * 4 + 8, u64::MAX / 2),
        ),
        d(
            "section length overflows",
            Damage::Word(DIRECTORY_AT + 16 * 4, u64::MAX - 4),
        ),
        d(
            "sections overlap",
            Damage::Word(DIRECTORY_AT + 16 * 2, l.rows.start as u64),
        ),
        d("section inside the header", Damage::Word(DIRECTORY_AT, 8)),
        d(
            "automata apart",
            Damage::Word(DIRECTORY_AT + 16 * 8, l.person_fst.start as u64 + 1),
        ),
        d(
            "directory zeroed",
            Damage::Fill(DIRECTORY_AT..HEADER_LEN, 0),
        ),
    ];
    // A million entry chunks, where the file has a few thousand: the loader must not
    // size anything by a count it is told.
    cases.push(d(
        "a million entry chunk offsets",
        Damage::Replace(l.chunk_ends.clone(), vec![0; 4_000_000]),
    ));
    // Outputs: a name's value (start << 20 | count) is spread over the outputs of the
    // nodes on its path; large ones make values past the postings, or overflow a sum.
    for k in 0..4 {
        let at = fst.start + 16 + (fst.len() - 36) * k / 4;
        cases.push((
            format!("fst bytes at {k}/4 set to 0xfe"),
            Damage::Fill(at..at + 8, 0xfe),
        ));
    }
    cases
}

/// A seeded sweep: single bytes, words and runs anywhere in the sections, and cuts and
/// insertions, weighted to the automata (the parts the loader cannot decode safely
/// without checking) and the postings.
fn swept_cases(l: &Layout, count: usize, seed: u64) -> Vec<(String, Damage)> {
    let mut rng = Rng(seed);
    let regions = [
        ("names fst", l.names_fst.clone()),
        ("names fst", l.names_fst.clone()),
        (
            "names fst tail",
            l.names_fst.end.saturating_sub(4096).max(l.names_fst.start)..l.names_fst.end,
        ),
        ("person fst", l.person_fst.clone()),
        ("postings", l.postings.clone()),
        ("header", 0..HEADER_LEN),
        ("kinds", l.kinds.clone()),
        ("rows", l.rows.clone()),
        ("chunk offsets", l.chunk_ends.clone()),
        ("entry chunks", l.entry_chunks.clone()),
        ("bounding boxes", l.boxes.clone()),
        ("small tables", l.small.clone()),
        ("tables", l.tables.clone()),
    ];
    (0..count)
        .map(|i| {
            let (name, region) = &regions[rng.below(regions.len())];
            let at = rng.in_range(region);
            let room = region.end - at;
            let damage = match rng.below(7) {
                0 => Damage::Set(at, rng.next() as u8),
                1 => Damage::Xor(at, 1 << rng.below(8)),
                2 if room >= 8 => Damage::Word(at, rng.next()),
                3 => {
                    let len = 1 + rng.below(room.min(64));
                    Damage::Fill(at..at + len, rng.next() as u8)
                }
                4 => {
                    let len = 1 + rng.below(room.min(256));
                    let from = rng.in_range(&(region.start..region.end - len + 1));
                    Damage::Copy(from, at, len)
                }
                5 => Damage::Cut(at..at + 1 + rng.below(room.min(32))),
                _ => {
                    let len = 1 + rng.below(16);
                    Damage::Insert(at, (0..len).map(|_| rng.next() as u8).collect())
                }
            };
            (format!("#{i} {name}"), damage)
        })
        .collect()
}

/// Tries every case (on all cores); returns the counts refused and loaded, and a line
/// for each case that misbehaved.
fn run_cases(original: &[u8], cases: Vec<(String, Damage)>) -> (usize, usize, Vec<String>) {
    use rayon::prelude::*;
    let texts = texts();
    let outcomes: Vec<(String, Damage, Outcome)> = cases
        .into_par_iter()
        .map(|(name, damage)| {
            let outcome = try_file(damage.apply(original), &texts);
            (name, damage, outcome)
        })
        .collect();
    let (mut refused, mut loaded, mut bad) = (0, 0, Vec::new());
    for (name, damage, outcome) in outcomes {
        let mut damage = format!("{damage:?}");
        if damage.len() > 120 {
            damage.truncate(damage.floor_char_boundary(120));
            damage.push('…');
        }
        match outcome {
            Outcome::Refused => refused += 1,
            Outcome::Loaded => loaded += 1,
            Outcome::Panicked(m) => bad.push(format!("{name} ({damage}): panicked {m}")),
            Outcome::Unnamed(m) => bad.push(format!("{name}: error does not name the file: {m}")),
        }
    }
    (refused, loaded, bad)
}

fn check_cases(what: &str, original: &[u8], cases: Vec<(String, Damage)>) {
    let total = cases.len();
    let (refused, loaded, bad) = run_cases(original, cases);
    eprintln!("{what}: {total} damaged files, {refused} refused, {loaded} loaded and worked");
    assert!(
        bad.is_empty(),
        "{what}: {} of {total} damaged files misbehaved:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert!(refused > 0, "{what}: some damage must be detected");
}

/// A gazetteer compiled from part of the bundled one: every entry the test texts and
/// names find, all countries, regions, physical features and demonyms, and one in 64 of
/// the rest. Its file has the bundled one's structure (wide nodes with indexes at the
/// root, long names, multi-word names) at a tenth of its size, so a sweep of hundreds
/// of damaged copies loads in seconds in a debug build.
fn compiled_subset(g: &Gazetteer) -> Vec<u8> {
    let texts = texts();
    let mut keep: Vec<bool> = g
        .entries()
        .enumerate()
        .map(|(i, e)| {
            i % 64 == 0
                || matches!(
                    e.kind,
                    Kind::Country | Kind::Region | Kind::Physical | Kind::Demonym
                )
        })
        .collect();
    for text in texts.parse.iter().chain([&texts.walk]) {
        for (start, _) in text.char_indices() {
            if let Some(hit) = g.longest_match_at(text, start) {
                for c in g.hit_candidates(&hit, &text[hit.start..hit.end]) {
                    keep[c.entry as usize] = true;
                }
            }
        }
    }
    for name in NAMES {
        for c in g.candidates(name) {
            keep[c.entry as usize] = true;
        }
    }
    for i in 0..keep.len() {
        if keep[i]
            && let Some(r) = g.entry(i as u32).refers_to
        {
            keep[r as usize] = true;
        }
    }
    let mut tsv = compile::COLUMNS.join("\t");
    for (e, _) in g.entries().zip(&keep).filter(|(_, k)| **k) {
        let list = |v: Vec<&str>, sep: &str| v.join(sep);
        let fields = [
            e.id.clone(),
            e.kind.as_str().to_string(),
            e.name.clone(),
            e.ascii_name.clone(),
            list(e.alt_names().collect(), "|"),
            list(e.abbreviations().collect(), "|"),
            e.lat.to_string(),
            e.lon.to_string(),
            e.feature_code.clone(),
            e.country_code.clone().unwrap_or_default(),
            e.admin1_code.clone().unwrap_or_default(),
            e.population.to_string(),
            e.bbox
                .map(|b| b.map(|v| v.to_string()).join(","))
                .unwrap_or_default(),
            e.members.join(","),
            e.refers_to
                .map(|r| g.entry(r).id.clone())
                .unwrap_or_default(),
        ];
        assert!(
            fields.iter().all(|f| !f.contains(['\t', '\n', '\r'])),
            "{} has a tab or line break",
            e.id
        );
        tsv.push('\n');
        tsv.push_str(&fields.join("\t"));
    }
    let entries = compile::parse_tsv(&tsv, Path::new("subset.tsv")).expect("subset parses");
    fn words<C: FromIterator<String>>(w: &[&str]) -> C {
        w.iter().map(|s| s.to_string()).collect()
    }
    let lexicon = compile::Lexicon {
        common_words: words(&["reading", "mobile", "march", "chad", "paris"]),
        given_names: words(&["michael", "georgia", "paris", "jordan"]),
        surnames: words(&["jordan", "jones", "campbell", "paris"]),
    };
    let (bytes, _) =
        compile::build_bytes(entries, "subset of the bundled gazetteer".into(), &lexicon)
            .expect("subset compiles");
    bytes
}

#[test]
fn bundled_gazetteer_damaged_at_fixed_places_is_an_error_or_works_never_a_panic() {
    let original = bundled_bytes();
    let cases = fixed_cases(&layout(&original));
    check_cases("bundled gazetteer", &original, cases);
}

#[test]
fn damaged_gazetteers_with_a_valid_checksum_are_an_error_or_work_never_a_panic() {
    let bundled = Gazetteer::from_bytes(bundled_bytes(), Path::new("bundled"))
        .expect("bundled gazetteer loads");
    let original = compiled_subset(&bundled);
    drop(bundled);
    let l = layout(&original);
    let mut cases = fixed_cases(&l);
    cases.extend(swept_cases(&l, 200, 0x1357_9bdf_2468_ace0));
    check_cases("compiled subset", &original, cases);
}

#[test]
fn the_undamaged_files_pass_the_same_checks() {
    // The harness itself: the files load and work, and resealing changes nothing.
    let texts = texts();
    let original = bundled_bytes();
    let mut copy = original.clone();
    reseal(&mut copy);
    assert_eq!(copy, original);
    let g = Gazetteer::from_bytes(original.clone(), Path::new("bundled")).expect("loads");
    let subset = compiled_subset(&g);
    drop(g);
    // The bundled file skips the checks when it is the one the binary was built with:
    // it must pass every one of them, the whole name index included.
    let checked = Gazetteer::from_bytes_with_all_checks(original.clone(), Path::new("bundled"))
        .expect("the bundled file passes every check");
    assert!(checked.check_names(), "the whole name index passes");
    drop(checked);
    for bytes in [original, subset] {
        let l = layout(&bytes);
        assert!(l.postings.len() > 100 && l.person_fst.len() > 36 && l.names_fst.len() > 36);
        let outcome = try_file(bytes, &texts);
        assert!(matches!(outcome, Outcome::Loaded), "{outcome:?}");
    }
}

/// Runs the gazette binary with `args`; returns (success, stderr).
fn gazette(args: &[&str], env: Option<(&str, &Path)>) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazette"));
    cmd.args(args).stdin(Stdio::null());
    cmd.env_remove("GAZETTE_GAZETTEER");
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("gazette runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_cli_reports_a_damaged_gazetteer_without_panicking() {
    let original = bundled_bytes();
    let l = layout(&original);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DAMAGED);
    // Damage the automaton's root: before, this panicked inside the fst crate at load.
    std::fs::write(
        &path,
        Damage::Xor(l.names_fst.end - 21, 0xff).apply(&original),
    )
    .expect("write");
    let p = path.to_str().expect("utf-8 path");
    for (args, env) in [
        (vec!["--gazetteer", p, "lookup", "Paris"], None),
        (
            vec!["lookup", "Paris"],
            Some(("GAZETTE_GAZETTEER", path.as_path())),
        ),
    ] {
        let (ok, stderr) = gazette(&args, env);
        assert!(!ok, "{args:?} succeeded");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains(DAMAGED) && stderr.contains("damaged"),
            "{args:?}: {stderr}"
        );
    }
}

/// Item 4: a gazetteer path to a device, a link to one, a pipe or a folder is refused
/// at once, before anything is read; a file over the limit is refused by its size.
#[test]
fn a_gazetteer_that_is_not_a_regular_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cases: Vec<(PathBuf, &str)> = vec![(dir.path().to_path_buf(), "a folder")];
    if Path::new("/dev/zero").exists() {
        cases.push((PathBuf::from("/dev/zero"), "a character device"));
        let link = dir.path().join("gazetteer.bin");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        cases.push((link, "a character device"));
    } else {
        prerequisites::skip("/dev/zero cases", "no /dev/zero on this machine");
    }
    for (path, what) in &cases {
        let err = Gazetteer::load(path).expect_err("refused");
        let message = err.to_string();
        assert!(
            matches!(err, GazetteerError::NotAFile { .. }),
            "{}: {message}",
            path.display()
        );
        assert!(
            message.contains(&path.display().to_string()) && message.contains(what),
            "{message}"
        );
    }
    // The CLI, given the device by option or by environment, says so and fails.
    for (args, env) in [
        (vec!["--gazetteer", "/dev/zero", "lookup", "Paris"], None),
        (
            vec!["lookup", "Paris"],
            Some(("GAZETTE_GAZETTEER", Path::new("/dev/zero"))),
        ),
    ] {
        if !Path::new("/dev/zero").exists() {
            break;
        }
        let (ok, stderr) = gazette(&args, env);
        assert!(!ok, "{args:?} succeeded");
        assert!(
            stderr.contains("/dev/zero is a character device"),
            "{args:?}: {stderr}"
        );
    }
    // Larger than the limit by its size: refused without reading (the file is sparse).
    let big = dir.path().join("big.bin");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(Gazetteer::MAX_FILE_BYTES + 1).expect("set_len");
    let err = Gazetteer::load(&big).expect_err("refused");
    assert!(matches!(err, GazetteerError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("big.bin"), "{err}");
}

/// A named pipe is refused without being opened: opening one waits for a writer, so a
/// loader that opened it would hang. The writer thread here makes such a loader fail
/// (it reads an empty file) instead of hanging the test.
#[test]
fn a_gazetteer_that_is_a_named_pipe_is_refused_without_waiting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("gazetteer.fifo");
    match Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        _ => {
            prerequisites::skip(
                "a_gazetteer_that_is_a_named_pipe_is_refused_without_waiting",
                "mkfifo is not available",
            );
            return;
        }
    }
    let writer = {
        let fifo = fifo.clone();
        // Blocks until someone opens the pipe for reading, then closes it at once.
        std::thread::spawn(move || drop(std::fs::OpenOptions::new().write(true).open(fifo)))
    };
    let result = Gazetteer::load(&fifo);
    // Release the writer if the loader did not open the pipe (what it should do).
    if !writer.is_finished() {
        drop(std::fs::File::open(&fifo));
    }
    writer.join().expect("writer thread");
    let err = result.expect_err("refused");
    assert!(
        matches!(
            err,
            GazetteerError::NotAFile {
                what: "a named pipe",
                ..
            }
        ),
        "{err}"
    );
}

/// The inputs the fuzzer found (`fuzz/regressions/gazetteer_from_bytes`), replayed in
/// every `cargo test`: the last byte of each says how the fuzz target repairs the header
/// (bit 0: recompute the checksum; bit 1: set the last section's length to what the
/// file holds), so the damage reaches past the header checks, as it did in the fuzzer.
/// The inputs were found on format 3 (the files of before the gazetteer was mapped);
/// each is also replayed with its version field set to the current format's, so its
/// bytes go through today's header, directory and table checks.
#[test]
fn fuzzer_regressions_load_or_fail_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/gazetteer_from_bytes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("regressions folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let current_version: [u8; 4] = bundled_bytes()[8..12].try_into().expect("4 bytes");
    for file in files {
        let data = std::fs::read(&file).expect("read");
        let Some((&mode, bytes)) = data.split_last() else {
            continue;
        };
        let mut as_found = bytes.to_vec();
        repair(&mut as_found, mode);
        let mut as_current = bytes.to_vec();
        if as_current.len() >= 12 {
            as_current[8..12].copy_from_slice(&current_version);
        }
        repair(&mut as_current, mode);
        for bytes in [as_found, as_current] {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                if let Ok(g) = Gazetteer::from_bytes(bytes, &file) {
                    for name in ["Paris", "Niger", "Niamey", "Texas"] {
                        for c in g.candidates(name) {
                            let _ = (g.entry(c.entry), g.facts(c.entry));
                        }
                        let _ = g.person_name(name);
                    }
                    let _ = Geoparser::new(&g)
                        .parse("Fighting near Niamey, Niger, and in Paris, Texas.");
                }
            }));
            assert!(outcome.is_ok(), "{} panicked", file.display());
        }
    }
}

/// What the fuzz target does to an input before loading it (see
/// `fuzz/fuzz_targets/gazetteer_from_bytes.rs`, which this mirrors).
fn repair(file: &mut [u8], mode: u8) {
    if file.len() < HEADER_LEN {
        return;
    }
    if mode & 2 != 0 {
        let last = DIRECTORY_AT + 16 * (SECTIONS - 1);
        let offset = u64_at(file, last);
        if let Some(len) = (file.len() as u64).checked_sub(offset) {
            put_u64(file, last + 8, len);
        }
    }
    if mode & 1 != 0 {
        reseal(file);
    }
}
