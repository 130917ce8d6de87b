//! The user's rules and the `why` of each mention on the command line, run as a user
//! runs them: `gazette parse … --rules FILE`, `gazette export PROJECT --rules FILE`,
//! `parse --project … --rules FILE` keeping them in the project, the `why` field of JSON
//! Lines and GeoJSON, and rules files that cannot be used.

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

fn rows(o: &Output) -> Vec<serde_json::Value> {
    assert!(o.status.success(), "{}", stderr(o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The id of the first-level division named `name` (`gazette lookup`).
fn division_id(name: &str) -> String {
    let o = gazette(&["lookup", name]);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .find(|v| v["kind"] == "admin1")
        .and_then(|v| v["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no division named {name}"))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn parse_applies_the_rules_file_to_every_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let region = division_id("Agadez");
    let rules = dir.path().join("team.rules");
    std::fs::write(
        &rules,
        format!("# ours\nnever: NIAMEY\nalways: Agadez = {region}\n"),
    )
    .expect("write");
    let before = rows(&gazette(&["parse", &seeds(), "--format", "jsonl", "--why"]));
    let after = rows(&gazette(&[
        "parse",
        &seeds(),
        "--format",
        "jsonl",
        "--why",
        "--rules",
        path_str(&rules),
    ]));
    assert!(before.iter().any(|r| r["text"] == "Niamey"));
    assert!(after.iter().all(|r| r["text"] != "Niamey"), "never a place");
    let agadez: Vec<_> = after.iter().filter(|r| r["text"] == "Agadez").collect();
    assert!(!agadez.is_empty());
    for r in agadez {
        assert_eq!(r["gazetteer_id"], region.as_str());
        assert_eq!(r["corrected"], true);
        assert_eq!(r["confidence"], 1.0);
        assert!(
            r["why"]
                .as_str()
                .expect("why")
                .starts_with("A person chose")
        );
    }
    // The other rows are untouched.
    let others = |rows: &[serde_json::Value]| {
        rows.iter()
            .filter(|r| r["text"] != "Niamey" && r["text"] != "Agadez")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(others(&before), others(&after));
}

#[test]
fn every_mention_says_why_in_json_lines_and_geojson_and_csv_is_unchanged() {
    let lines = rows(&gazette(&["parse", &seeds(), "--format", "jsonl", "--why"]));
    assert!(!lines.is_empty());
    for r in &lines {
        let why = r["why"].as_str().expect("a why");
        assert!(
            why.starts_with("A place") || why.starts_with("A demonym"),
            "{why}"
        );
        assert!(why.contains("Read as"), "{why}");
    }
    let niamey = lines
        .iter()
        .find(|r| r["text"] == "Niamey")
        .expect("Niamey");
    let why = niamey["why"].as_str().expect("why");
    assert!(why.contains("the capital of Niger"), "{why}");

    let o = gazette(&["parse", &seeds(), "--why"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("GeoJSON");
    for f in v["features"].as_array().expect("features") {
        for m in f["properties"]["mentions"].as_array().expect("mentions") {
            assert!(m["why"].as_str().is_some_and(|w| !w.is_empty()), "{m}");
        }
    }

    let o = gazette(&["parse", &seeds(), "--format", "csv"]);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        csv.lines().next(),
        Some(
            "document,start,end,text,gazetteer_id,name,feature_type,country_code,lat,lon,\
             confidence,corrected,passage,document_path,title,date,url"
        )
    );
}

#[test]
fn a_rules_file_that_cannot_be_used_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.jsonl");
    std::fs::write(&out, "kept\n").expect("write");
    let bad = dir.path().join("bad.rules");
    std::fs::write(&bad, "never: Reuters\n\nsometimes: Paris\n").expect("write");
    let missing = dir.path().join("missing.rules");
    let unknown = dir.path().join("unknown.rules");
    std::fs::write(&unknown, "always: Niamey = gn:999999999999\n").expect("write");
    let big = dir.path().join("big.rules");
    std::fs::write(&big, vec![b'#'; 2 * 1024 * 1024]).expect("write");
    for (rules, says) in [
        (&bad, "bad.rules, line 3: unknown rule `sometimes`"),
        (&missing, "missing.rules"),
        (
            &unknown,
            "unknown.rules: the rule `always: Niamey = gn:999999999999`",
        ),
        (&big, "too large for a rules file"),
    ] {
        let o = gazette(&[
            "parse",
            &seeds(),
            "--format",
            "jsonl",
            "-o",
            path_str(&out),
            "--rules",
            path_str(rules),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
        assert_eq!(std::fs::read_to_string(&out).expect("kept"), "kept\n");
    }
    // The same for a project's export.
    let o = gazette(&["export", "no.gpkg", "--rules", path_str(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.rules, line 3"), "{}", stderr(&o));
}

#[test]
fn a_project_keeps_the_rules_given_with_parse_and_export_adds_more() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("news.gpkg");
    let never_niamey = dir.path().join("a.rules");
    std::fs::write(&never_niamey, "never: Niamey\n").expect("write");
    let never_agadez = dir.path().join("b.rules");
    std::fs::write(&never_agadez, "never: Agadez\n").expect("write");

    let o = gazette(&[
        "parse",
        &seeds(),
        "--project",
        path_str(&project),
        "--rules",
        path_str(&never_niamey),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let texts = |o: &Output| {
        rows(o)
            .into_iter()
            .map(|r| r["text"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let kept = texts(&gazette(&[
        "export",
        path_str(&project),
        "--format",
        "jsonl",
    ]));
    assert!(!kept.iter().any(|t| t == "Niamey"), "the project's rule");
    assert!(kept.iter().any(|t| t == "Agadez"));
    let more = texts(&gazette(&[
        "export",
        path_str(&project),
        "--format",
        "jsonl",
        "--rules",
        path_str(&never_agadez),
    ]));
    assert!(!more.iter().any(|t| t == "Niamey" || t == "Agadez"));
    // The export's rules did not change the project.
    let again = texts(&gazette(&[
        "export",
        path_str(&project),
        "--format",
        "jsonl",
    ]));
    assert_eq!(again, kept);
}
