//! The user's own places on the command line, run as a user runs them:
//! `gazette parse … --places FILE` with a CSV and a GeoJSON file, a name found without
//! capitals, and a file with bad rows (reported by line, the others used, exit code 1)
//! or none usable at all (exit code 2).

use std::path::Path;
use std::process::{Command, Output};

fn gazette(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .output()
        .expect("gazette runs")
}

fn seed(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name)
        .display()
        .to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn rows(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The seed that says "The base 201 as it’s known located at Agadez".
const BASE_STORY: &str = "003_ecd463612c929bee.txt";

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn base_201_rows(o: &Output) -> Vec<serde_json::Value> {
    rows(o)
        .into_iter()
        .filter(|r| r["gazetteer_id"] == "user:base-201")
        .collect()
}

#[test]
fn parse_finds_the_places_of_a_csv_file_without_capitals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let places = dir.path().join("places.csv");
    std::fs::write(
        &places,
        "name,lat,lon,kind,country,alternate_names\nBase 201,16.97,7.99,place,NE,Air Base 201\n",
    )
    .expect("write");
    let without = gazette(&["parse", &seed(BASE_STORY), "--format", "jsonl"]);
    assert!(without.status.success(), "{}", stderr(&without));
    assert!(base_201_rows(&without).is_empty());
    let with = gazette(&[
        "parse",
        &seed(BASE_STORY),
        "--format",
        "jsonl",
        "--places",
        path_str(&places),
    ]);
    assert!(with.status.success(), "{}", stderr(&with));
    let found = base_201_rows(&with);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["text"], "base 201");
    assert_eq!(found[0]["name"], "Base 201");
    assert_eq!(found[0]["lat"], 16.97);
    assert_eq!(found[0]["country_code"], "NE");
    // Every other mention is as it was.
    let others = rows(&with).len() - 1;
    assert_eq!(others, rows(&without).len());
}

#[test]
fn parse_reads_geojson_places_and_exports_them_as_geojson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let places = dir.path().join("places.geojson");
    std::fs::write(
        &places,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "geometry":{"type":"Point","coordinates":[7.99,16.97]},
            "properties":{"name":"Base 201","kind":"place","country":"NE"}}]}"#,
    )
    .expect("write");
    let o = gazette(&["parse", &seed(BASE_STORY), "--places", path_str(&places)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let geojson: serde_json::Value = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l.trim_end_matches(',')).ok())
        .find(|f| f["properties"]["gazetteer_id"] == "user:base-201")
        .expect("a feature for the user place");
    assert_eq!(
        geojson["geometry"]["coordinates"],
        serde_json::json!([7.99, 16.97])
    );
}

#[test]
fn bad_rows_are_reported_by_line_and_the_good_ones_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let places = dir.path().join("places.csv");
    let mut bytes = b"name,lat,lon,kind\nBase 201,16.97,7.99,place\nNo Latitude,,7\nNorth Of Everything,91,7\nOdd,10,7,castle\nThe,1,1\n".to_vec();
    bytes.extend_from_slice(b"Caf\xE9,1,1\n");
    std::fs::write(&places, bytes).expect("write");
    let o = gazette(&[
        "parse",
        &seed(BASE_STORY),
        "--format",
        "jsonl",
        "--places",
        path_str(&places),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let shown = places.display().to_string();
    for expected in [
        format!("{shown}, line 3: the latitude is missing"),
        format!("{shown}, line 4: the latitude 91 is out of range"),
        format!("{shown}, line 5: unknown kind “castle”"),
        format!("{shown}, line 6: the name “The” is refused"),
        format!("{shown}, line 7: the name is not UTF-8 text"),
    ] {
        assert!(err.contains(&expected), "{expected} not in {err}");
    }
    assert!(err.contains("5 row(s) of the places file skipped"), "{err}");
    assert_eq!(base_201_rows(&o).len(), 1);
}

#[test]
fn a_places_file_without_the_columns_stops_the_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let places = dir.path().join("places.csv");
    std::fs::write(&places, "where,when\nhere,now\n").expect("write");
    let o = gazette(&["parse", &seed(BASE_STORY), "--places", path_str(&places)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("name, lat, lon"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn a_user_place_wins_over_its_namesakes_unless_the_text_qualifies_the_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let places = dir.path().join("places.csv");
    std::fs::write(
        &places,
        "name,lat,lon,kind,country\nParis,13.5,2.1,place,NE\n",
    )
    .expect("write");
    let story = dir.path().join("story.txt");
    std::fs::write(
        &story,
        "Officials met in Paris, Texas, on Monday. Later they flew back to Paris for talks.",
    )
    .expect("write");
    let o = gazette(&[
        "parse",
        path_str(&story),
        "--format",
        "jsonl",
        "--places",
        path_str(&places),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let paris: Vec<(String, String)> = rows(&o)
        .into_iter()
        .filter(|r| r["text"] == "Paris")
        .map(|r| {
            (
                r["gazetteer_id"].as_str().unwrap_or_default().to_string(),
                r["country_code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(paris.len(), 2, "{paris:?}");
    assert_eq!(paris[0].1, "US", "qualified by Texas: {paris:?}");
    assert_eq!(paris[1].0, "user:paris", "{paris:?}");
}

#[test]
fn a_projects_places_are_found_in_documents_added_to_it_and_exported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("news.gpkg");
    let o = gazette(&["parse", &seed(BASE_STORY), "--project", path_str(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The app saves its places in the project; here the library does.
    gazette::project::Project::open(&project)
        .expect("project")
        .set_user_places(&[gazette::gazetteer::UserPlace {
            name: "Base 201".into(),
            lat: 16.97,
            lon: 7.99,
            kind: gazette::gazetteer::Kind::Place,
            country_code: Some("NE".into()),
            alternate_names: Vec::new(),
        }])
        .expect("places saved");
    let story = dir.path().join("later.txt");
    std::fs::write(&story, "A convoy left base 201 for Agadez at dawn.").expect("write");
    let o = gazette(&["parse", path_str(&story), "--project", path_str(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = gazette(&["export", path_str(&project), "--format", "jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let found = base_201_rows(&o);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["document"], "later.txt");
}
