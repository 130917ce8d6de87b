//! Projects through the binary, as a user runs them: `gazette parse … --project` then
//! `gazette export`, which must give the bytes `gazette parse` gives; a second parse that
//! parses nothing again; corrections in the export; GDAL reading the GeoPackage without a
//! warning; and files that are not projects refused unchanged.

mod prerequisites;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gazette::corpus::{Correction, CorrectionAction};
use gazette::gazetteer::Gazetteer;
use gazette::project::Project;

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

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A project of the seeds made by `gazette parse --project`.
fn seeds_project(dir: &Path) -> PathBuf {
    let project = dir.join("seeds.gpkg");
    let o = gazette(&["parse", &seeds(), "--project", text(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing on standard output");
    assert!(
        stderr(&o).contains("2 document(s) added, 0 already in it"),
        "{}",
        stderr(&o)
    );
    project
}

/// `gazette parse INPUT --format FORMAT EXTRA…` and `gazette export PROJECT` with the
/// same options, both run successfully: what each wrote to standard output.
fn parse_and_export(input: &str, project: &Path, format: &str, extra: &[&str]) -> (Output, Output) {
    let mut args = vec!["parse", input, "--format", format];
    args.extend(extra);
    let direct = gazette(&args);
    assert!(direct.status.success(), "{}", stderr(&direct));
    let mut args = vec!["export", text(project), "--format", format];
    args.extend(extra);
    let exported = gazette(&args);
    assert!(exported.status.success(), "{}", stderr(&exported));
    (direct, exported)
}

#[test]
fn export_from_a_project_is_what_parse_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = seeds_project(dir.path());
    let seeds_dir = seeds();
    for format in ["geojson", "jsonl", "csv"] {
        for extra in [
            &[][..],
            &["--demonyms", "--min-confidence", "0.4"][..],
            &["--why"][..],
        ] {
            let (direct, exported) = parse_and_export(&seeds_dir, &project, format, extra);
            assert!(!direct.stdout.is_empty());
            assert!(
                direct.stdout == exported.stdout,
                "{format} {extra:?}: the export differs from the direct parse"
            );
        }
    }
    // To a file, atomically, as parse -o writes.
    let out = dir.path().join("seeds.csv");
    let o = gazette(&[
        "export",
        text(&project),
        "--format",
        "csv",
        "-o",
        text(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let direct = gazette(&["parse", &seeds(), "--format", "csv"]);
    assert_eq!(std::fs::read(&out).expect("written"), direct.stdout);
}

/// A text longer than a section (1 MiB) is written by `gazette parse` a section at a
/// time as it is parsed; a project holds it whole, and its export renders it whole. The
/// bytes must be the same, between shorter documents, in every format and detail.
#[test]
fn a_long_text_written_as_it_is_parsed_is_what_its_whole_export_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    let seeds: Vec<String> = std::fs::read_dir(seeds())
        .expect("seeds")
        .filter_map(|e| std::fs::read_to_string(e.expect("entry").path()).ok())
        .collect();
    let article = seeds.join("\n\n");
    std::fs::write(input.join("a.txt"), &article).expect("write");
    let long = format!("{article}\n\n").repeat((3 << 20) / (article.len() + 2) + 1);
    assert!(long.len() > 3 << 20, "three sections and more");
    std::fs::write(input.join("b.txt"), &long).expect("write");
    std::fs::write(input.join("c.txt"), "Rain in Niamey, then Agadez.").expect("write");
    let project = dir.path().join("long.gpkg");
    let o = gazette(&["parse", text(&input), "--project", text(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    for format in ["jsonl", "csv", "geojson"] {
        for extra in [&[][..], &["--alternates", "8"][..], &["--why"][..]] {
            let (direct, exported) = parse_and_export(text(&input), &project, format, extra);
            // GeoJSON lists a few mentions a place; the rows formats every mention.
            let least = if format == "geojson" { 10_000 } else { 1 << 20 };
            assert!(
                direct.stdout.len() > least,
                "{format}: the long text's rows"
            );
            assert!(
                direct.stdout == exported.stdout,
                "{format} {extra:?}: the streamed long text differs from its whole export"
            );
        }
    }
}

#[test]
fn a_second_parse_into_the_project_parses_nothing_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = seeds_project(dir.path());
    let before = gazette(&["export", text(&project), "--format", "jsonl"]);
    let o = gazette(&["parse", &seeds(), "--project", text(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 document(s) added, 2 already in it (not parsed again)"),
        "{}",
        stderr(&o)
    );
    let after = gazette(&["export", text(&project), "--format", "jsonl"]);
    assert_eq!(before.stdout, after.stdout);
    // A new article is added beside them; with -o the whole project is exported.
    let more = dir.path().join("more");
    std::fs::create_dir(&more).expect("mkdir");
    std::fs::write(more.join("c.txt"), "Flooding hit Zinder and Maradi.").expect("write");
    let out = dir.path().join("all.jsonl");
    let o = gazette(&[
        "parse",
        text(&more),
        "--project",
        text(&project),
        "--format",
        "jsonl",
        "-o",
        text(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 document(s) added"), "{}", stderr(&o));
    let all = std::fs::read_to_string(&out).expect("written");
    assert!(
        all.contains("\"Zinder\"") && all.contains("\"Niamey\""),
        "{all}"
    );
}

#[test]
fn corrections_in_the_project_are_in_its_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project_path = seeds_project(dir.path());
    let before = gazette(&["export", text(&project_path), "--format", "csv"]);
    let before = String::from_utf8(before.stdout).expect("utf8");
    let niamey = before
        .lines()
        .find(|l| l.contains(",Niamey,gn:2440485,"))
        .expect("a Niamey row")
        .to_string();
    let fields: Vec<&str> = niamey.split(',').collect();
    let (document, start, end) = (
        fields[0].to_string(),
        fields[1].parse().expect("start"),
        fields[2].parse().expect("end"),
    );
    let g = Gazetteer::load_bundled().expect("gazetteer");
    let mut project = Project::open(&project_path).expect("open");
    project
        .set_correction(
            &g,
            Correction {
                document,
                start,
                end,
                action: CorrectionAction::NotAPlace,
            },
        )
        .expect("correct");
    drop(project);
    let after = gazette(&["export", text(&project_path), "--format", "csv"]);
    let after = String::from_utf8(after.stdout).expect("utf8");
    assert!(!after.contains(&niamey), "the corrected mention is gone");
    assert_eq!(after.lines().count() + 1, before.lines().count());
}

#[test]
fn ogrinfo_lists_the_places_layer_without_warnings() {
    let name = "ogrinfo_lists_the_places_layer_without_warnings";
    // ogrinfo is in Debian's gdal-bin.
    if !prerequisites::tool_or_skip(name, "ogrinfo") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let project = seeds_project(dir.path());
    let g = Gazetteer::load_bundled().expect("gazetteer");
    let places = Project::open_read_only(&project)
        .expect("open")
        .place_summaries()
        .expect("places")
        .len();
    let info = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(&project)
        .output()
        .expect("ogrinfo runs");
    let err = String::from_utf8_lossy(&info.stderr);
    let out = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "ogrinfo failed: {err}");
    assert!(
        !err.contains("Warning") && !err.contains("ERROR"),
        "ogrinfo complained: {err}"
    );
    assert!(out.contains("using driver `GPKG'"), "{out}");
    assert!(out.contains("Layer name: places"), "{out}");
    assert!(out.contains("Geometry: Point"), "{out}");
    assert!(out.contains(&format!("Feature Count: {places}")), "{out}");
    for column in [
        "name: String",
        "gazetteer_id: String",
        "feature_type: String",
        "country_code: String",
        "mention_count: Integer64",
        "document_count: Integer64",
    ] {
        assert!(out.contains(column), "{column}: {out}");
    }
    assert!(out.contains("ID[\"EPSG\",4326]"), "{out}");
    // Only the layer and the documents; not the mentions or the texts.
    assert!(out.contains("Layer name: gazette_documents"), "{out}");
    assert!(!out.contains("gazette_mentions"), "{out}");
    // The features themselves: Niamey where the gazetteer has it.
    let niamey = g.entry(g.index_of_id("gn:2440485").expect("Niamey"));
    let features = Command::new("ogrinfo")
        .args(["-ro", "-q", "-where", "gazetteer_id = 'gn:2440485'"])
        .arg(&project)
        .arg("places")
        .output()
        .expect("ogrinfo runs");
    let out = String::from_utf8_lossy(&features.stdout);
    assert!(
        out.contains(&format!("POINT ({} {})", niamey.lon, niamey.lat)),
        "{out}"
    );
}

#[test]
fn a_file_that_is_not_a_project_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let notes = dir.path().join("notes.gpkg");
    std::fs::write(&notes, "not a project\n").expect("write");
    for args in [
        vec!["parse", &seeds(), "--project", text(&notes)],
        vec!["export", text(&notes)],
    ] {
        let o = gazette(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("notes.gpkg") && err.contains("not a Gazette project"),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
    assert_eq!(
        std::fs::read_to_string(&notes).expect("read"),
        "not a project\n"
    );
    let missing = dir.path().join("none.gpkg");
    let o = gazette(&["export", text(&missing)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such project file"),
        "{}",
        stderr(&o)
    );
    assert!(!missing.exists(), "export does not create a project");
}

#[test]
fn an_export_never_replaces_the_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = seeds_project(dir.path());
    let before = std::fs::read(&project).expect("read");
    let o = gazette(&["export", text(&project), "-o", text(&project)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is the project file"), "{}", stderr(&o));
    let o = gazette(&[
        "parse",
        &seeds(),
        "--project",
        text(&project),
        "-o",
        text(&project),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&project).expect("read"), before);
}
