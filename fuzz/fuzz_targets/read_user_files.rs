//! The readers of the analyst's own files, shared between colleagues and so untrusted:
//! places files (`gazette::gazetteer::places_file`, CSV and GeoJSON) and rules files
//! (`gazette::corpus::Rules`). Each gives an error or what it read, never a panic; a
//! place read is one the gazetteer accepts (in range, a name that does not match
//! everywhere), a bad row is counted, an export of the places read is a file the reader
//! takes, and rules written back read back the same.
#![no_main]

use gazette::corpus::Rules;
use gazette::gazetteer::places_file::{parse_places, to_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for geojson in [false, true] {
        if let Ok(read) = parse_places(data, "fuzz.csv", geojson) {
            assert!(read.problems.len() <= read.bad_rows);
            for place in &read.places {
                assert!(
                    (-90.0..=90.0).contains(&place.lat),
                    "latitude {}",
                    place.lat
                );
                assert!(
                    (-180.0..=180.0).contains(&place.lon),
                    "longitude {}",
                    place.lon
                );
            }
            // What the app exports, the importer reads back as a file (a row it
            // refuses is counted, never a failure of the whole file).
            let again = parse_places(to_csv(&read.places).as_bytes(), "again.csv", false)
                .expect("an exported places file reads back");
            assert!(again.places.len() <= read.places.len());
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(rules) = Rules::parse_text(text, "fuzz.rules")
    {
        let again = Rules::parse_text(&rules.to_text(), "again.rules").expect("rules read back");
        assert_eq!(again.len(), rules.len());
    }
});
