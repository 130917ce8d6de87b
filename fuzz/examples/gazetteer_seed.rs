//! Writes the seeds of the `gazetteer_from_bytes` target: a tiny valid gazetteer (a few
//! namesakes, a demonym, abbreviations, person names) followed by each mode byte (see
//! that target). Run from `fuzz/`: `cargo run --example gazetteer_seed`.

use std::path::Path;

use gazette::gazetteer::compile::{COLUMNS, Lexicon, build_bytes, parse_tsv};

const ROWS: &[[&str; 15]] = &[
    [
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
    ],
    [
        "gn:2328925",
        "admin1",
        "Niger",
        "",
        "Niger State",
        "",
        "10.0",
        "6.0",
        "ADM1",
        "NG",
        "31",
        "0",
        "",
        "",
        "",
    ],
    [
        "gn:2440485",
        "place",
        "Niamey",
        "",
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
    ],
    [
        "gn:2988507",
        "place",
        "Paris",
        "",
        "Lutetia",
        "",
        "48.85",
        "2.35",
        "PPLC",
        "FR",
        "11",
        "2138551",
        "",
        "",
        "",
    ],
    [
        "gn:4717560",
        "place",
        "Paris",
        "",
        "",
        "",
        "33.66",
        "-95.55",
        "PPLA2",
        "US",
        "TX",
        "24171",
        "",
        "",
        "",
    ],
    [
        "gn:4736286",
        "admin1",
        "Texas",
        "",
        "Lone Star State",
        "TX|Tex.",
        "31.25",
        "-99.25",
        "ADM1",
        "US",
        "TX",
        "0",
        "",
        "",
        "",
    ],
    [
        "gn:6252001",
        "country",
        "United States",
        "",
        "America",
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
    ],
    [
        "gz:sahel",
        "region",
        "Sahel",
        "",
        "",
        "",
        "15.0",
        "5.0",
        "RGN",
        "",
        "",
        "0",
        "-17.0,10.0,39.0,20.0",
        "ML,NE,TD",
        "",
    ],
    [
        "dem:gn:2440476",
        "demonym",
        "Nigerien",
        "",
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
    ],
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut tsv = COLUMNS.join("\t");
    for row in ROWS {
        tsv.push('\n');
        tsv.push_str(&row.join("\t"));
    }
    tsv.push('\n');
    let entries = parse_tsv(&tsv, Path::new("seed.tsv"))?;
    let lexicon = Lexicon {
        common_words: ["march", "reading"].map(String::from).into_iter().collect(),
        given_names: ["kurt", "paris"].map(String::from).into_iter().collect(),
        surnames: ["campbell"].map(String::from).into_iter().collect(),
    };
    let (bytes, _) = build_bytes(entries, "fuzz seed".into(), &lexicon)?;
    let dir = Path::new("corpus/gazetteer_from_bytes");
    std::fs::create_dir_all(dir)?;
    for mode in 0u8..4 {
        let mut seed = bytes.clone();
        seed.push(mode);
        std::fs::write(dir.join(format!("tiny-mode{mode}.bin")), &seed)?;
    }
    println!("{} bytes, 4 seeds in {}", bytes.len(), dir.display());
    Ok(())
}
