use super::compile::{COLUMNS, build_bytes, parse_tsv};
use super::file_format::HEADER_LEN;
use super::*;

fn row(fields: &[&str]) -> String {
    assert_eq!(fields.len(), COLUMNS.len());
    fields.join("\t")
}

/// A tiny gazetteer with the namesakes the real one must separate.
pub(crate) fn tiny_tsv() -> String {
    let rows = [
        row(&[
            "gn:2440476",
            "country",
            "Niger",
            "Niger",
            "Republic of Niger",
            "",
            "17.6",
            "8.1",
            "PCLI",
            "NE",
            "",
            "22000000",
            "0.1,11.7,16.0,23.5",
            "",
            "",
        ]),
        row(&[
            "gn:2328925",
            "admin1",
            "Niger",
            "Niger",
            "Niger State",
            "",
            "10.0",
            "6.0",
            "ADM1",
            "NG",
            "31",
            "3950000",
            "",
            "",
            "",
        ]),
        row(&[
            "gz:niger-river",
            "physical",
            "Niger River",
            "Niger River",
            "River Niger|Niger",
            "",
            "16.7",
            "-3.0",
            "STM",
            "",
            "",
            "0",
            "",
            "ML,NE,NG",
            "",
        ]),
        row(&[
            "gn:2440485",
            "place",
            "Niamey",
            "Niamey",
            "",
            "",
            "13.51366",
            "2.1098",
            "PPLC",
            "NE",
            "08",
            "774235",
            "",
            "",
            "",
        ]),
        row(&[
            "gn:6252001",
            "country",
            "United States",
            "United States",
            "America|United States of America",
            "US|U.S.|USA",
            "39.76",
            "-98.5",
            "PCLI",
            "US",
            "",
            "327000000",
            "",
            "",
            "",
        ]),
        row(&[
            "dem:gn:2440476",
            "demonym",
            "Nigerien",
            "Nigerien",
            "Nigeriens",
            "",
            "17.6",
            "8.1",
            "DEM",
            "NE",
            "",
            "0",
            "",
            "",
            "gn:2440476",
        ]),
        row(&[
            "gn:2219",
            "place",
            "Burkina Faso Town",
            "",
            "",
            "",
            "12.0",
            "-1.0",
            "PPL",
            "BF",
            "",
            "10",
            "",
            "",
            "",
        ]),
        row(&[
            "gn:1",
            "place",
            "N’Djamena",
            "",
            "Ndjamena",
            "",
            "12.1",
            "15.0",
            "PPLC",
            "TD",
            "",
            "721000",
            "",
            "",
            "",
        ]),
    ];
    format!("{}\n{}\n", COLUMNS.join("\t"), rows.join("\n"))
}

fn tiny_bytes() -> Vec<u8> {
    let entries = parse_tsv(&tiny_tsv(), Path::new("tiny.tsv")).expect("tiny tsv parses");
    tiny_bytes_of(entries)
}

/// The tiny gazetteer's file with `entries` in place of its own.
fn tiny_bytes_of(entries: Vec<Entry>) -> Vec<u8> {
    let lexicon = super::compile::Lexicon {
        common_words: ["march".to_string()].into_iter().collect(),
        given_names: ["kurt".to_string(), "georgia".to_string()]
            .into_iter()
            .collect(),
        surnames: ["campbell".to_string()].into_iter().collect(),
    };
    build_bytes(entries, "test".into(), &lexicon)
        .expect("builds")
        .0
}

pub(crate) fn tiny() -> Gazetteer {
    Gazetteer::from_bytes(tiny_bytes(), Path::new("tiny.bin")).expect("loads")
}

fn kinds(g: &Gazetteer, surface: &str) -> Vec<Kind> {
    let mut k: Vec<Kind> = g
        .candidates(surface)
        .iter()
        .map(|c| g.entry(c.entry).kind)
        .collect();
    k.sort();
    k
}

#[test]
fn namesakes_are_all_candidates() {
    let g = tiny();
    assert_eq!(
        kinds(&g, "Niger"),
        vec![Kind::Country, Kind::Admin1, Kind::Physical]
    );
    assert_eq!(kinds(&g, "NIGER"), kinds(&g, "niger"));
    assert_eq!(kinds(&g, "Niger State"), vec![Kind::Admin1]);
    assert!(g.candidates("Nigeria").is_empty());
}

#[test]
fn abbreviations_need_capitals() {
    let g = tiny();
    for s in ["US", "U.S.", "U.S", "USA"] {
        assert_eq!(kinds(&g, s), vec![Kind::Country], "{s}");
    }
    assert!(g.candidates("us").is_empty());
    assert!(g.candidates("Us").is_empty());
    assert_eq!(kinds(&g, "America"), vec![Kind::Country]);
}

#[test]
fn demonym_refers_to_its_country() {
    let g = tiny();
    let c = g.candidates("Nigeriens");
    assert_eq!(c.len(), 1);
    let dem = g.entry(c[0].entry);
    assert_eq!(dem.kind, Kind::Demonym);
    let country = g.entry(dem.refers_to.expect("refers"));
    assert_eq!(country.name, "Niger");
}

#[test]
fn index_of_id_finds_entries() {
    let g = tiny();
    let i = g.index_of_id("gn:2440485").expect("niamey");
    assert_eq!(g.entry(i).name, "Niamey");
    assert!(g.index_of_id("gn:0").is_none());
}

fn spans<'t>(g: &Gazetteer, text: &'t str, start: usize) -> Option<&'t str> {
    g.longest_match_at(text, start)
        .map(|h| &text[h.start..h.end])
}

#[test]
fn longest_match_is_whole_word_and_longest() {
    let g = tiny();
    let t = "in Niger's capital Niamey.";
    assert_eq!(spans(&g, t, 3), Some("Niger"));
    assert_eq!(spans(&g, t, 19), Some("Niamey"));
    let t = "the Niger State governor";
    assert_eq!(spans(&g, t, 4), Some("Niger State"));
    let t = "the River Niger.";
    assert_eq!(spans(&g, t, 4), Some("River Niger"));
    // Not a whole word.
    assert_eq!(spans(&g, "Nigerians", 0), None);
    // No match across a line break.
    assert_eq!(spans(&g, "Niger\nState", 0), Some("Niger"));
    // Abbreviation with and without its final period.
    assert_eq!(spans(&g, "the U.S. military", 4), Some("U.S."));
    assert_eq!(spans(&g, "the U.S department", 4), Some("U.S"));
    // Curly apostrophes fold to straight ones.
    assert_eq!(spans(&g, "N’Djamena, Chad", 0), Some("N’Djamena"));
    assert_eq!(spans(&g, "N'Djamena", 0), Some("N'Djamena"));
    // A start inside a multi-byte char or past the end is simply no match.
    assert_eq!(g.longest_match_at("Niger", 99), None);
}

#[test]
fn memo_walk_matches_plain_walk() {
    // The memo keeps the state after each word; a remembered word followed by
    // something else ("Niger State" after "Niger's") must still match correctly.
    let g = tiny();
    let text = "Niger's capital Niamey. Niger State, Niger\nState, the U.S. and U.S \
                N’Djamena Nigerians Niger";
    let mut memo = WordMemo::new();
    let mut compared = 0;
    for (i, _) in text.char_indices() {
        let plain = g.longest_match_at(text, i);
        assert_eq!(g.longest_match_memo(text, i, &mut memo), plain, "at {i}");
        compared += usize::from(plain.is_some());
    }
    assert!(compared >= 8, "only {compared} matches compared");
}

#[test]
fn rejects_bad_magic() {
    let err = Gazetteer::from_bytes(
        b"hello world, not a gazetteer file".to_vec(),
        Path::new("x.bin"),
    )
    .expect_err("bad magic");
    assert!(matches!(err, GazetteerError::BadMagic { .. }), "{err}");
    assert!(err.to_string().contains("x.bin"));
}

#[test]
fn rejects_truncated_file() {
    let bytes = tiny_bytes();
    for cut in [4, HEADER_LEN - 1, HEADER_LEN + 3, bytes.len() - 1] {
        let err = Gazetteer::from_bytes(bytes[..cut].to_vec(), Path::new("cut.bin"))
            .expect_err("truncated");
        assert!(
            matches!(
                err,
                GazetteerError::Truncated { .. } | GazetteerError::BadMagic { .. }
            ),
            "cut at {cut}: {err}"
        );
        assert!(err.to_string().contains("cut.bin"));
    }
}

#[test]
fn rejects_corrupt_bytes() {
    let mut bytes = tiny_bytes();
    let mid = HEADER_LEN + (bytes.len() - HEADER_LEN) / 2;
    bytes[mid] ^= 0x55;
    let err = Gazetteer::from_bytes(bytes, Path::new("bad.bin")).expect_err("corrupt");
    assert!(matches!(err, GazetteerError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("bad.bin"));
}

#[test]
fn rejects_other_version_and_missing_file() {
    let mut bytes = tiny_bytes();
    bytes[8] = 99;
    let err = Gazetteer::from_bytes(bytes, Path::new("v.bin")).expect_err("version");
    assert!(
        matches!(err, GazetteerError::Version { found: 99, .. }),
        "{err}"
    );
    let err = Gazetteer::load(Path::new("/nonexistent/gazetteer.bin")).expect_err("missing");
    assert!(matches!(err, GazetteerError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/gazetteer.bin"));
}

#[test]
fn compiling_twice_gives_identical_bytes() {
    assert_eq!(tiny_bytes(), tiny_bytes());
}

#[test]
fn tsv_errors_name_the_line() {
    let bad = format!("{}\ngn:1\tplace\tX\n", COLUMNS.join("\t"));
    let err = parse_tsv(&bad, Path::new("e.tsv")).expect_err("short row");
    assert!(err.to_string().starts_with("e.tsv:2:"), "{err}");
    let bad = tiny_tsv().replace("\t17.6\t8.1\tPCLI", "\t917.6\t8.1\tPCLI");
    let err = parse_tsv(&bad, Path::new("e.tsv")).expect_err("range");
    assert!(err.to_string().contains("out of range"), "{err}");
}

#[test]
fn person_names_are_flagged() {
    let g = tiny();
    assert_eq!(
        g.person_name("Kurt"),
        PersonName {
            given: true,
            surname: false
        }
    );
    assert_eq!(
        g.person_name("CAMPBELL"),
        PersonName {
            given: false,
            surname: true
        }
    );
    assert_eq!(g.person_name("Niamey"), PersonName::default());
}

#[test]
fn entries_that_point_or_lie_out_of_range_are_refused_at_load() {
    let entries = || parse_tsv(&tiny_tsv(), Path::new("tiny.tsv")).expect("tiny tsv parses");
    let n = entries().len() as EntryIndex;
    type Damage = fn(&mut Entry, EntryIndex);
    let cases: [(&str, Damage); 4] = [
        ("refers past", |e, n| e.refers_to = Some(n)),
        ("coordinates", |e, _| e.lat = f64::NAN),
        ("coordinates", |e, _| e.lon = 181.0),
        ("coordinates", |e, _| {
            e.bbox = Some([0.0, 0.0, f64::INFINITY, 1.0])
        }),
    ];
    for (expected, damage) in cases {
        let mut e = entries();
        damage(&mut e[0], n);
        let err =
            Gazetteer::from_bytes(tiny_bytes_of(e), Path::new("bad.bin")).expect_err(expected);
        assert!(matches!(err, GazetteerError::Corrupt { .. }), "{err}");
        assert!(
            err.to_string().contains("bad.bin") && err.to_string().contains(expected),
            "{err}"
        );
    }
}

#[test]
fn damaged_outputs_wrap_instead_of_overflowing() {
    // Values near the top of u64: raising any output byte makes a sum overflow, which
    // `fst`'s own lookup reports as a panic in a debug build. The automaton's structure
    // is intact, so the load-time check lets these through; lookups must not panic.
    let mut b = fst::MapBuilder::memory();
    for (k, v) in [("ab", u64::MAX - 1), ("ac", u64::MAX), ("b", u64::MAX / 2)] {
        b.insert(k, v).expect("sorted");
    }
    let good = b.into_inner().expect("built");
    let mut fst_panics = 0;
    for at in 16..good.len() - 20 {
        let mut bytes = good.clone();
        bytes[at] = 0xff;
        if super::fst_check::check(&bytes).is_err() {
            continue;
        }
        let map = fst::Map::new(bytes).expect("fst agrees with the check");
        for key in ["ab", "ac", "b", "a", "abc"] {
            let _ = super::walk::value_of(&map, key.as_bytes());
            let theirs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| map.get(key)));
            fst_panics += usize::from(theirs.is_err());
        }
    }
    if cfg!(debug_assertions) {
        assert!(
            fst_panics > 0,
            "no damage overflowed: the test tests nothing"
        );
    }
}

/// Writes the checksum of damaged bytes back into the header, so the damage passes it
/// (as a file made to fool the loader would).
fn reseal(bytes: &mut [u8]) {
    use super::file_format::{CRC_AT, CRC_FROM};
    let crc = crc32fast::hash(&bytes[CRC_FROM..]);
    bytes[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn entries_read_back_as_written_and_agree_with_their_facts() {
    let written = parse_tsv(&tiny_tsv(), Path::new("tiny.tsv")).expect("tiny tsv parses");
    let g = tiny();
    assert_eq!(g.len(), written.len());
    assert_eq!(g.entries().len(), written.len());
    for (i, (read, written)) in g.entries().zip(&written).enumerate() {
        let i = i as EntryIndex;
        assert_eq!(read, written);
        assert_eq!(*g.facts(i), EntryFacts::of(i, written), "{}", written.id);
        assert_eq!(g.kind(i), written.kind);
        assert_eq!(g.population(i), written.population);
        assert_eq!(g.feature_code_packed(i), pack_code(&written.feature_code));
    }
    let counts: usize = g.counts_by_kind().iter().map(|(_, n)| n).sum();
    assert_eq!(counts, written.len());
}

#[test]
fn long_codes_and_boxes_survive_the_file() {
    // Codes of more than 7 bytes are hashed in the rows and spelled out in the chunks.
    let mut entries = parse_tsv(&tiny_tsv(), Path::new("tiny.tsv")).expect("parses");
    entries[0].admin1_code = Some("10096138".into());
    entries[1].feature_code = "LONGFEATURE".into();
    entries[2].country_code = Some("ABCDEFGHIJ".into());
    entries[3].bbox = Some([-1.5, 2.0, 3.25, 4.0]);
    let g = Gazetteer::from_bytes(tiny_bytes_of(entries.clone()), Path::new("long.bin"))
        .expect("loads");
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(g.entry(i as EntryIndex), e);
    }
}

#[test]
fn a_chunk_that_does_not_decode_gives_placeholders_not_a_panic() {
    use super::file_format::{Layout, Section};
    let good = tiny_bytes();
    let layout = Layout::parse(&good, good.len() as u64).expect("layout");
    let chunks = layout.range(Section::Chunks);
    let middle = chunks.start + chunks.len() / 2;
    // (where, byte, whether the chunk surely no longer decodes to its 8 entries)
    let cases = [
        (chunks.clone(), 0xff, true),
        (chunks.start..chunks.start + 1, 7, true),
        (middle..middle + 4, 0x00, false),
        (middle..middle + 4, 0xff, false),
    ];
    for (range, byte, surely) in cases {
        let mut bytes = good.clone();
        bytes[range].fill(byte);
        reseal(&mut bytes);
        // The chunk is not decoded at load: the file loads.
        let g = Gazetteer::from_bytes(bytes, Path::new("chunk.bin")).expect("loads");
        let damaged = g.entries().filter(|e| e.name == DAMAGED_NAME).count();
        assert!(damaged == 0 || damaged == g.len(), "one chunk, all or none");
        assert!(damaged > 0 || !surely);
        for i in 0..g.len() as EntryIndex {
            let e = g.entry(i);
            // What the checked tables hold survives, so facts and entries agree.
            assert_eq!(e.kind, g.kind(i));
            assert_eq!((e.lat, e.lon), (g.facts(i).lat, g.facts(i).lon));
            if e.name == DAMAGED_NAME {
                assert_eq!(e.id, format!("damaged:{i}"));
            }
        }
        // Lookups still answer; an id search over placeholders finds nothing or anything.
        assert!(!g.candidates("Niger").is_empty());
        let _ = g.index_of_id("gn:2440485");
        let _ = crate::geoparse::Geoparser::new(&g).parse("Niamey, Niger, and the Nigeriens.");
    }
}

#[test]
fn a_mapped_file_loads_like_one_read_and_a_damaged_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tiny.bin");
    std::fs::write(&path, tiny_bytes()).expect("write");
    let mapped = Gazetteer::load_mapped(&path).expect("maps");
    let read = Gazetteer::load(&path).expect("reads");
    assert!(mapped.entries().eq(read.entries()));
    assert_eq!(mapped.candidates("Niger"), read.candidates("Niger"));
    assert_eq!(mapped.name_count(), read.name_count());
    let mut bad = tiny_bytes();
    let last = bad.len() - 1;
    bad[last] ^= 0x55;
    std::fs::write(&path, &bad).expect("write");
    let err = Gazetteer::load_mapped(&path).expect_err("corrupt");
    assert!(matches!(err, GazetteerError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("tiny.bin"), "{err}");
    std::fs::write(&path, &bad[..bad.len() / 2]).expect("write");
    let err = Gazetteer::load_mapped(&path).expect_err("truncated");
    assert!(matches!(err, GazetteerError::Truncated { .. }), "{err}");
    std::fs::write(&path, b"").expect("write");
    let err = Gazetteer::load_mapped(&path).expect_err("empty");
    assert!(matches!(err, GazetteerError::BadMagic { .. }), "{err}");
}

#[test]
fn packed_long_codes_are_part_of_the_format() {
    // The file stores packed codes: the hash of a long code must never change.
    assert_eq!(pack_code("10096138"), 0xf08d_8298_031c_276d);
}
