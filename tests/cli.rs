//! The command-line mode, run as a user runs it: `gazette parse`, `lookup`, exit codes,
//! bad input, atomic output, and GeoJSON that GDAL reads without a warning.

mod prerequisites;

use std::path::Path;
use std::process::{Command, Output};

fn gazette(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .output()
        .expect("gazette runs")
}

fn seeds() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .display()
        .to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn parse_seeds_to_geojson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("seeds.geojson");
    let o = gazette(&["parse", &seeds(), "-o", out.to_str().expect("utf8 path")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().expect("features");
    let niamey = features
        .iter()
        .find(|f| f["properties"]["name"] == "Niamey")
        .expect("Niamey feature");
    let coords = niamey["geometry"]["coordinates"].as_array().expect("point");
    // RFC 7946: [lon, lat].
    assert!((coords[0].as_f64().expect("lon") - 2.11).abs() < 0.1);
    assert!((coords[1].as_f64().expect("lat") - 13.51).abs() < 0.1);
    assert_eq!(niamey["id"], niamey["properties"]["gazetteer_id"]);
    assert_eq!(niamey["properties"]["feature_type"], "place");
    assert_eq!(niamey["properties"]["country_code"], "NE");
    let mentions = niamey["properties"]["mentions"]
        .as_array()
        .expect("mentions");
    assert_eq!(niamey["properties"]["mention_count"], mentions.len());
    let m = &mentions[0];
    for key in ["document", "start", "end", "text", "passage", "confidence"] {
        assert!(m.get(key).is_some(), "mention lacks {key}");
    }
    assert_eq!(m["text"], "Niamey");
    assert!(m["document"].as_str().expect("doc").ends_with(".txt"));
    // Offsets are bytes into the file.
    let doc = Path::new(&seeds()).join(m["document"].as_str().expect("doc"));
    let body = std::fs::read_to_string(doc).expect("seed");
    let (s, e) = (
        m["start"].as_u64().expect("start") as usize,
        m["end"].as_u64().expect("end") as usize,
    );
    assert_eq!(&body[s..e], "Niamey");
    // A multi-country region has a null country code.
    let sahel = features
        .iter()
        .find(|f| f["properties"]["name"] == "Sahel")
        .expect("Sahel");
    assert!(sahel["properties"]["country_code"].is_null());
    // Demonyms are left out unless asked for.
    assert!(!text.contains("\"Nigeriens\""));
}

#[test]
fn geojson_passes_ogrinfo_without_warnings() {
    // ogrinfo is in Debian's gdal-bin.
    if !prerequisites::tool_or_skip("geojson_passes_ogrinfo_without_warnings", "ogrinfo") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("seeds.geojson");
    let o = gazette(&[
        "parse",
        &seeds(),
        "--demonyms",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let info = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(&out)
        .output()
        .expect("ogrinfo runs");
    let err = String::from_utf8_lossy(&info.stderr);
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "ogrinfo failed: {err}");
    assert!(
        !err.contains("Warning") && !err.contains("ERROR"),
        "ogrinfo complained: {err}"
    );
    assert!(stdout.contains("Geometry: Point"), "{stdout}");
    assert!(stdout.contains("mention_count"), "{stdout}");
}

#[test]
fn jsonl_has_one_object_per_mention() {
    let o = gazette(&["parse", &seeds(), "--format", "jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).expect("utf8");
    let rows: Vec<serde_json::Value> = text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert!(rows.len() > 40, "{} mentions", rows.len());
    for key in [
        "document",
        "start",
        "end",
        "text",
        "passage",
        "gazetteer_id",
        "name",
        "feature_type",
        "country_code",
        "lat",
        "lon",
        "confidence",
    ] {
        assert!(
            rows.iter().all(|r| r.get(key).is_some()),
            "a row lacks {key}"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r["text"] == "Agadez" && r["country_code"] == "NE")
    );
}

#[test]
fn alternates_are_three_by_default_and_as_many_as_asked() {
    // A name with many namesakes, so that a mention has more than three alternates.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("springfield.txt");
    std::fs::write(&text, "Officials in Springfield met on Monday.\n").expect("write");
    let text = text.to_str().expect("utf8 path");
    let rows = |args: &[&str]| -> Vec<serde_json::Value> {
        let o = gazette(&[&["parse", text, "--format", "jsonl"], args].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON row"))
            .collect()
    };
    let counts = |rows: &[serde_json::Value]| -> Vec<usize> {
        rows.iter()
            .map(|r| r["alternates"].as_array().expect("alternates").len())
            .collect()
    };
    let (default, all, none) = (
        rows(&[]),
        rows(&["--alternates", "8"]),
        rows(&["--alternates", "0"]),
    );
    assert_eq!(counts(&default), [3], "{default:?}");
    assert!(counts(&all)[0] > 3 && counts(&all)[0] <= 8, "{all:?}");
    assert_eq!(counts(&none), [0]);
    // The first three are the same three, and nothing else in the row changes.
    let first_three = |row: &serde_json::Value| {
        let mut row = row.clone();
        row["alternates"].as_array_mut().expect("list").truncate(3);
        row
    };
    assert_eq!(first_three(&all[0]), default[0]);
    // GeoJSON mentions list as many; more than the parser keeps is refused, by name.
    let geojson = gazette(&["parse", text, "--alternates", "1"]);
    let v: serde_json::Value = serde_json::from_slice(&geojson.stdout).expect("GeoJSON");
    let mention = &v["features"][0]["properties"]["mentions"][0];
    assert_eq!(mention["alternates"].as_array().map(Vec::len), Some(1));
    let refused = gazette(&["parse", text, "--alternates", "9"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--alternates"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn lookup_prints_candidates_and_nothing_for_unknown_names() {
    let o = gazette(&["lookup", "Niger"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).expect("utf8");
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["kind"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for k in ["country", "admin1", "physical"] {
        assert!(kinds.iter().any(|x| x == k), "Niger lacks a {k}: {kinds:?}");
    }
    let o = gazette(&["lookup", "Qwzxvbnm"]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_input_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("good.txt"),
        "Troops left Niamey for Agadez.",
    )
    .expect("w");
    std::fs::write(dir.path().join("binary.txt"), b"\x00\x01\x02\x03PK").expect("w");
    std::fs::write(dir.path().join("empty.txt"), b"").expect("w");
    std::fs::write(
        dir.path().join("latin1.txt"),
        b"Caf\xe9 owners in Niamey protested.",
    )
    .expect("w");
    let o = gazette(&[
        "parse",
        dir.path().to_str().expect("utf8"),
        "--format",
        "jsonl",
    ]);
    // A skipped input is a partial failure: the rest is written, exit 1.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("binary.txt") && err.contains("binary"),
        "{err}"
    );
    assert!(
        err.contains("latin1.txt") && err.contains("Windows-1252"),
        "{err}"
    );
    let out = String::from_utf8(o.stdout).expect("utf8");
    assert!(out.contains("\"good.txt\"") && out.contains("\"latin1.txt\""));
    assert!(!out.contains("binary.txt"));
}

#[test]
fn missing_path_exits_2() {
    let o = gazette(&["parse", "/nonexistent/articles"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/articles"));
}

#[test]
fn corrupt_gazetteer_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("gazetteer.bin");
    std::fs::write(&bad, b"GAZETTE\0 truncated").expect("w");
    let o = gazette(&[
        "--gazetteer",
        bad.to_str().expect("utf8"),
        "lookup",
        "Niger",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("gazetteer.bin") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn unwritable_output_keeps_the_old_file() {
    // Root ignores directory permissions: the write would legitimately succeed.
    if prerequisites::is_root() {
        prerequisites::skip(
            "unwritable_output_keeps_the_old_file",
            "running as root, for whom a read-only folder is writable",
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.geojson");
    std::fs::write(&out, "OLD").expect("w");
    let readonly = dir.path().join("ro");
    std::fs::create_dir(&readonly).expect("mkdir");
    let target = readonly.join("x.geojson");
    std::fs::write(&target, "OLD").expect("w");
    let mut perms = std::fs::metadata(&readonly).expect("meta").permissions();
    use std::os::unix::fs::PermissionsExt;
    perms.set_mode(0o555);
    std::fs::set_permissions(&readonly, perms).expect("chmod");
    let o = gazette(&["parse", &seeds(), "-o", target.to_str().expect("utf8")]);
    let mut perms = std::fs::metadata(&readonly).expect("meta").permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(&readonly, perms).expect("chmod back");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("x.geojson"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&target).expect("old kept"), "OLD");
}

#[test]
fn output_into_missing_folder_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("no").join("such").join("out.geojson");
    let o = gazette(&["parse", &seeds(), "-o", target.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("out.geojson"), "{}", stderr(&o));
    assert!(!target.exists());
}

#[test]
fn why_is_added_on_request_and_changes_nothing_else() {
    let with = gazette(&["parse", &seeds(), "--format", "jsonl", "--why"]);
    let without = gazette(&["parse", &seeds(), "--format", "jsonl"]);
    // `--no-why`, the default now, is still taken.
    let old_flag = gazette(&["parse", &seeds(), "--format", "jsonl", "--no-why"]);
    assert!(with.status.success() && without.status.success());
    assert_eq!(old_flag.stdout, without.stdout, "{}", stderr(&old_flag));
    let rows = |o: &Output| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON row"))
            .collect()
    };
    let (mut with, without) = (rows(&with), rows(&without));
    assert!(!with.is_empty());
    for row in &mut with {
        let why = row
            .as_object_mut()
            .and_then(|o| o.remove("why"))
            .expect("a why");
        assert!(why.as_str().is_some_and(|w| !w.is_empty()));
    }
    assert_eq!(with, without, "the rest of every row is the same");
    // GeoJSON too; not with --project (it has no rows of its own to add it to), and
    // not both flags at once.
    let geojson = gazette(&["parse", &seeds()]);
    assert!(!String::from_utf8_lossy(&geojson.stdout).contains("\"why\""));
    let geojson = gazette(&["parse", &seeds(), "--why"]);
    assert!(String::from_utf8_lossy(&geojson.stdout).contains("\"why\""));
    for refused in [
        gazette(&["parse", &seeds(), "--why", "--project", "x.gpkg"]),
        gazette(&["parse", &seeds(), "--why", "--no-why"]),
    ] {
        assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    }
    assert!(!Path::new("x.gpkg").exists());
}
