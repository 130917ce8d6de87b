//! Projects: what goes in comes back, the layer's counts follow corrections, and a file
//! that is not a good project is refused with a message and left as it was.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;

use super::*;
use crate::corpus::{
    Correction, CorrectionAction, Corrections, Document, Filter, ParsedDocument, parse_documents,
    places,
};
use crate::gazetteer::Gazetteer;
use crate::geoparse::Geoparser;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::load_bundled().expect("bundled gazetteer"))
}

fn seeds() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            let mut doc = Document::from_text(name, std::fs::read_to_string(&p).expect("seed"));
            doc.path = Some(p);
            doc
        })
        .collect()
}

/// The seeds, three small articles, and a pasted one: demonyms, a region, a repeat.
fn corpus() -> Vec<ParsedDocument> {
    static CORPUS: OnceLock<Vec<ParsedDocument>> = OnceLock::new();
    CORPUS.get_or_init(parse_corpus).clone()
}

fn parse_corpus() -> Vec<ParsedDocument> {
    let mut docs = seeds();
    docs.push(Document::from_text(
        "a.txt",
        "Troops left Niamey for Agadez. Niamey was calm.",
    ));
    docs.push(Document::from_text(
        "b.txt",
        "Nigerien officials met in Paris, Texas, and later in Paris.",
    ));
    docs.push(Document::from_text(
        "pasted",
        "Rain fell on Lake Chad and the Sahel.",
    ));
    parse_documents(&Geoparser::new(gazetteer()), docs)
}

fn project_with(dir: &Path, docs: &[ParsedDocument]) -> (PathBuf, Project) {
    let path = dir.join("p.gpkg");
    let mut project = Project::create(&path).expect("create");
    project.add_documents(gazetteer(), docs).expect("add");
    (path, project)
}

/// The layer's counts as `corpus::places` gives them: demonyms left out, no filter.
fn expected_counts(docs: &[ParsedDocument], corrections: &Corrections) -> Vec<(String, u64, u64)> {
    let g = gazetteer();
    let mut out: Vec<(String, u64, u64)> = places(g, docs, corrections, &Filter::default())
        .into_iter()
        .map(|p| {
            let mut documents: Vec<usize> = p.mentions.iter().map(|m| m.document).collect();
            documents.dedup();
            (
                g.entry(p.entry).id.clone(),
                p.mentions.len() as u64,
                documents.len() as u64,
            )
        })
        .collect();
    out.sort();
    out
}

fn layer_counts(project: &Project) -> Vec<(String, u64, u64)> {
    let summaries = project.place_summaries().expect("summaries");
    let recounted = project.count_places_from_mentions().expect("recount");
    assert_eq!(summaries, recounted, "the layer's counts are the mentions'");
    let mut out: Vec<(String, u64, u64)> = summaries
        .into_iter()
        .map(|s| (s.gazetteer_id, s.mention_count, s.document_count))
        .collect();
    out.sort();
    out
}

#[test]
fn documents_come_back_as_they_went_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    let project = Project::open_read_only(&path).expect("open");
    let (back, report) = project.documents(gazetteer()).expect("read");
    assert_eq!(back, docs);
    assert_eq!(report.documents, docs.len());
    assert_eq!(report.warning(), None);
    assert_eq!(project.document_count().expect("count"), docs.len());
    // Outlines: the same without texts; texts on demand.
    let mut outlines = Vec::new();
    project
        .for_each_outline(gazetteer(), &mut |o| {
            outlines.push(o);
            ControlFlow::Continue(())
        })
        .expect("outlines");
    for (o, d) in outlines.iter().zip(&docs) {
        assert_eq!(o.name, d.document.name);
        assert_eq!(o.path, d.document.path);
        assert_eq!(o.mentions, d.mentions);
        assert_eq!(o.byte_size, d.document.text.len());
        assert_eq!(o.content_hash, ContentHash::of(&d.document.text));
        assert_eq!(project.text(o.id).expect("text"), d.document.text);
    }
    // Summaries and mentions one document at a time: the same again.
    let mut summaries = Vec::new();
    project
        .for_each_document_summary(&mut |s| {
            summaries.push(s);
            ControlFlow::Continue(())
        })
        .expect("summaries");
    assert_eq!(summaries.len(), docs.len());
    for (s, d) in summaries.iter().zip(&docs) {
        assert_eq!(s.name, d.document.name);
        assert_eq!(s.path, d.document.path);
        assert_eq!(s.byte_size, d.document.text.len());
        assert_eq!(s.mention_count, d.mentions.len());
        let (mentions, report) = project.mentions(gazetteer(), s.id).expect("mentions");
        assert_eq!(mentions, d.mentions);
        assert_eq!(report.warning(), None);
    }
    // Streaming stops when asked.
    let mut seen = 0;
    project
        .for_each_document(gazetteer(), &mut |_| {
            seen += 1;
            ControlFlow::Break(())
        })
        .expect("stream");
    assert_eq!(seen, 1);
}

#[test]
fn the_same_document_is_not_added_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (_, mut project) = project_with(dir.path(), &docs);
    let known = project.known_documents().expect("known");
    assert_eq!(known.len(), docs.len());
    assert!(known.contains_document(&docs[0].document));
    let hash = ContentHash::of(&docs[0].document.text);
    assert!(
        project
            .contains(&docs[0].document.name, &hash)
            .expect("contains")
    );
    assert!(!project.contains("other.txt", &hash).expect("contains"));
    let again = project.add_documents(gazetteer(), &docs).expect("again");
    assert!(again.iter().all(|a| matches!(a, Added::AlreadyPresent(_))));
    // Same name, other text: another document, as a direct export would list both.
    let changed = parse_documents(
        &Geoparser::new(gazetteer()),
        vec![Document::from_text("a.txt", "Troops left Niamey.")],
    );
    let added = project.add_documents(gazetteer(), &changed).expect("add");
    assert!(matches!(added[0], Added::Added(_)));
    assert_eq!(project.document_count().expect("count"), docs.len() + 1);
    let mut all = docs.clone();
    all.extend(changed);
    assert_eq!(
        layer_counts(&project),
        expected_counts(&all, &Corrections::default())
    );
}

#[test]
fn the_layer_counts_places_and_follows_corrections() {
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, mut project) = project_with(dir.path(), &docs);
    let mut corrections = Corrections::default();
    assert_eq!(layer_counts(&project), expected_counts(&docs, &corrections));
    // Each change is checked against corpus::places with the same corrections.
    let by_name = |name: &str| {
        docs.iter()
            .find(|d| d.document.name == name)
            .expect("document")
    };
    let niamey = by_name("a.txt")
        .mentions
        .iter()
        .find(|m| m.text == "Niamey")
        .expect("Niamey");
    let paris = by_name("b.txt")
        .mentions
        .iter()
        .find(|m| m.text == "Paris")
        .expect("Paris");
    let nigerien = by_name("b.txt")
        .mentions
        .iter()
        .find(|m| m.text == "Nigerien");
    let changes = vec![
        Correction {
            document: "a.txt".into(),
            start: niamey.start,
            end: niamey.end,
            action: CorrectionAction::NotAPlace,
        },
        Correction {
            document: "b.txt".into(),
            start: paris.start,
            end: paris.end,
            action: CorrectionAction::Reassign {
                id: "gn:2440485".into(), // Niamey
            },
        },
        Correction {
            document: "a.txt".into(),
            start: niamey.start,
            end: niamey.end,
            action: CorrectionAction::Reassign {
                id: "gn:2988507".into(), // Paris, France
            },
        },
        Correction {
            document: "b.txt".into(),
            start: paris.start,
            end: paris.end,
            action: CorrectionAction::Reassign {
                id: "gn:0".into(), // no such entry: the parser's choice stays
            },
        },
    ];
    for c in changes {
        project.set_correction(g, c.clone()).expect("correct");
        corrections.set(c);
        assert_eq!(layer_counts(&project), expected_counts(&docs, &corrections));
    }
    if let Some(m) = nigerien {
        // A demonym reassigned to a place starts counting.
        let c = Correction {
            document: "b.txt".into(),
            start: m.start,
            end: m.end,
            action: CorrectionAction::Reassign {
                id: "gn:2440485".into(),
            },
        };
        project.set_correction(g, c.clone()).expect("correct");
        corrections.set(c);
        assert_eq!(layer_counts(&project), expected_counts(&docs, &corrections));
    }
    project
        .clear_correction(g, "a.txt", niamey.start, niamey.end)
        .expect("clear");
    corrections.clear("a.txt", niamey.start, niamey.end);
    assert_eq!(layer_counts(&project), expected_counts(&docs, &corrections));
    assert_eq!(project.corrections(), &corrections);
    // Documents added after a correction take it into account.
    let more = parse_documents(
        &Geoparser::new(g),
        vec![Document::from_text(
            "b.txt",
            "Nigerien officials met in Paris, Texas, and later in Paris. Again.",
        )],
    );
    project.add_documents(g, &more).expect("add");
    let mut all = docs.clone();
    all.extend(more);
    assert_eq!(layer_counts(&project), expected_counts(&all, &corrections));
    // Everything is still there after reopening.
    let filter = Filter {
        show_demonyms: true,
        min_confidence: 0.25,
        ..Filter::default()
    };
    project.set_filter(&filter).expect("filter");
    project
        .set_setting("selected", "gn:2440485")
        .expect("setting");
    drop(project);
    let project = Project::open(&path).expect("reopen");
    assert_eq!(project.corrections(), &corrections);
    assert_eq!(project.filter().expect("filter"), filter);
    assert_eq!(
        project.setting("selected").expect("setting").as_deref(),
        Some("gn:2440485")
    );
    assert_eq!(project.setting("other").expect("setting"), None);
    assert_eq!(layer_counts(&project), expected_counts(&all, &corrections));
}

#[test]
fn the_layer_follows_rules_a_correction_winning() {
    use crate::corpus::{Rule, RuleAction, Rules};
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, mut project) = project_with(dir.path(), &docs[..2]);
    // A correction of one Niamey mention, then rules for the name and for Paris.
    let a = docs
        .iter()
        .find(|d| d.document.name == "a.txt")
        .expect("a.txt");
    let niamey = a
        .mentions
        .iter()
        .find(|m| m.text == "Niamey")
        .expect("Niamey");
    project
        .set_correction(
            g,
            Correction {
                document: "a.txt".into(),
                start: niamey.start,
                end: niamey.end,
                action: CorrectionAction::Reassign {
                    id: "gn:2988507".into(), // Paris, France
                },
            },
        )
        .expect("correct");
    let mut rules = Rules::default();
    rules.set(Rule {
        name: "niamey".into(),
        action: RuleAction::NeverAPlace,
    });
    rules.set(Rule {
        name: "PARIS".into(),
        action: RuleAction::Always {
            id: "gn:2440485".into(), // Niamey
        },
    });
    project.set_rules(g, &rules).expect("rules");
    // Documents added after the rules follow them too.
    project.add_documents(g, &docs[2..]).expect("add");
    let expected = |project: &Project| expected_counts(&docs, project.corrections());
    assert_eq!(layer_counts(&project), expected(&project));
    let counted = |project: &Project, id: &str| {
        layer_counts(project)
            .into_iter()
            .find(|(i, ..)| i == id)
            .map_or(0, |(_, n, _)| n)
    };
    // Every Niamey is gone but the corrected one (now Paris, France); every Paris
    // counts for Niamey.
    let paris_mentions = docs
        .iter()
        .flat_map(|d| &d.mentions)
        .filter(|m| m.text == "Paris")
        .count() as u64;
    assert_eq!(counted(&project, "gn:2440485"), paris_mentions);
    assert_eq!(counted(&project, "gn:2988507"), 1);
    // The rules come back with the project; removing one moves its mentions back.
    drop(project);
    let mut project = Project::open(&path).expect("open");
    assert_eq!(project.corrections().rules(), &rules);
    rules.remove("Paris");
    project.set_rules(g, &rules).expect("rules");
    assert_eq!(layer_counts(&project), expected(&project));
    assert_eq!(
        counted(&project, "gn:2440485"),
        0,
        "Niamey is never a place"
    );
    project.set_rules(g, &Rules::default()).expect("no rules");
    let none = Corrections::default();
    assert_ne!(
        layer_counts(&project),
        expected_counts(&docs, &none),
        "a correction stays"
    );
    assert_eq!(layer_counts(&project), expected(&project));
}

#[test]
fn it_is_a_geopackage_with_one_point_layer() {
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (_, project) = project_with(dir.path(), &docs);
    let conn = &project.conn;
    let pragma = |name: &str| -> i64 {
        conn.pragma_query_value(None, name, |r| r.get(0))
            .expect("pragma")
    };
    assert_eq!(pragma("application_id"), 0x4750_4B47);
    assert_eq!(pragma("user_version"), 10300);
    let contents: Vec<(String, String, Option<i64>)> = conn
        .prepare("SELECT table_name, data_type, srs_id FROM gpkg_contents ORDER BY 1")
        .expect("contents")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("contents")
        .collect::<Result<_, _>>()
        .expect("contents");
    assert_eq!(
        contents,
        [
            ("gazette_documents".into(), "attributes".into(), None),
            ("places".into(), "features".into(), Some(4326))
        ]
    );
    let srs: i64 = conn
        .query_row(
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326)",
            [],
            |r| r.get(0),
        )
        .expect("srs");
    assert_eq!(srs, 3);
    let mut stmt = conn
        .prepare("SELECT gazetteer_id, geom FROM places")
        .expect("layer");
    let rows: Vec<(String, Vec<u8>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!rows.is_empty());
    for (id, geom) in rows {
        let e = g.entry(g.index_of_id(&id).expect("entry"));
        assert_eq!(geometry::decode_point(&geom), Some((e.lon, e.lat)), "{id}");
    }
    let check: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .expect("fk")
        .query_map([], |r| r.get(0))
        .expect("fk")
        .collect::<Result<_, _>>()
        .expect("fk");
    assert!(check.is_empty(), "{check:?}");
    project.check_integrity().expect("integrity");
}

#[test]
fn passages_of_a_place_come_first_in_document_order_from_the_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (_, project) = project_with(dir.path(), &docs);
    let passages = project
        .passages("gn:2440485", false, 100)
        .expect("passages");
    let mut expected = Vec::new();
    for d in &docs {
        for m in d.mentions.iter().filter(|m| {
            crate::geoparse::located_entry(gazetteer(), m.resolution.entry)
                == gazetteer().index_of_id("gn:2440485").expect("Niamey")
                && gazetteer().kind(m.resolution.entry) != crate::gazetteer::Kind::Demonym
        }) {
            expected.push((
                d.document.name.clone(),
                m.start..m.end,
                &d.document.text[m.passage.clone()],
            ));
        }
    }
    assert!(expected.len() >= 3, "{expected:?}");
    let got: Vec<(String, std::ops::Range<usize>, &str)> = passages
        .iter()
        .map(|p| (p.document.clone(), p.mention.clone(), p.text.as_str()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        project.passages("gn:2440485", false, 2).expect("two").len(),
        2
    );
    assert!(project.passages("gn:0", true, 10).expect("none").is_empty());
    // The query reads the place's rows of the index, not every mention.
    let plan: Vec<String> = project
        .conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT document_id FROM gazette_mentions WHERE place = 1 \
             AND demonym = 0 ORDER BY document_id, start_byte LIMIT 5",
        )
        .expect("plan")
        .query_map([], |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan");
    let plan = plan.join("\n");
    assert!(plan.contains("gazette_mentions_by_place"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
}

#[test]
fn batches_commit_as_they_fill_and_a_dropped_writer_keeps_the_committed_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let path = dir.path().join("p.gpkg");
    let mut project = Project::create(&path).expect("create");
    let policy = BatchPolicy {
        documents: 2,
        interval: std::time::Duration::MAX,
    };
    {
        let mut writer = project.writer_with(gazetteer(), policy).expect("writer");
        for d in &docs[..5] {
            writer.add(d).expect("add");
        }
        assert_eq!(writer.summary().batches, 2);
        // Dropped with the fifth document uncommitted.
    }
    assert_eq!(project.document_count().expect("count"), 4);
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs[..4], &Corrections::default())
    );
    let mut writer = project.writer(gazetteer()).expect("writer");
    for d in &docs {
        writer.add(d).expect("add");
    }
    let summary = writer.finish().expect("finish");
    assert_eq!(
        (summary.added, summary.already_present),
        (docs.len() - 4, 4)
    );
    let (back, _) = project.documents(gazetteer()).expect("read");
    assert_eq!(back, docs);
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_comes_back_as_it_was() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut doc = Document::from_text("caf%E9.txt", "Rain in Niamey.");
    doc.path = Some(PathBuf::from(std::ffi::OsStr::from_bytes(
        b"/news/caf\xe9.txt",
    )));
    let docs = parse_documents(&Geoparser::new(gazetteer()), vec![doc]);
    let (_, project) = project_with(dir.path(), &docs);
    assert_eq!(project.documents(gazetteer()).expect("read").0, docs);
}

// --- Files that are not good projects -------------------------------------------------

/// The file's bytes, to show that a refused file was left as it was.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

/// Each way of opening refuses `path` without changing it; returns the errors.
fn refused_unchanged(path: &Path) -> Vec<ProjectError> {
    let before = bytes(path);
    let errors = vec![
        Project::open(path).expect_err("open refuses"),
        Project::open_read_only(path).expect_err("read-only open refuses"),
        Project::create_or_open(path).expect_err("create_or_open refuses"),
        Project::create(path).expect_err("create refuses"),
    ];
    assert_eq!(bytes(path), before, "{} was changed", path.display());
    for e in &errors {
        assert_eq!(e.path(), path);
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }
    errors
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.gpkg");
    std::fs::write(&path, "Niamey, Agadez, Zinder\n".repeat(100)).expect("write");
    let errors = refused_unchanged(&path);
    assert!(
        matches!(errors[0], ProjectError::NotAProject { .. }),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].to_string().contains("not a SQLite database"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_sqlite_database_or_geopackage_from_elsewhere_is_refused_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).expect("sqlite");
    conn.execute_batch("CREATE TABLE birds (name TEXT); INSERT INTO birds VALUES ('heron');")
        .expect("table");
    drop(conn);
    let errors = refused_unchanged(&other);
    assert!(
        errors[0]
            .to_string()
            .contains("SQLite database made by another program"),
        "{}",
        errors[0]
    );
    // A GeoPackage another program made: the GeoPackage tables without Gazette's.
    let gpkg = dir.path().join("rivers.gpkg");
    let conn = rusqlite::Connection::open(&gpkg).expect("sqlite");
    conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
        .expect("pragma");
    conn.execute_batch(
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT); \
         CREATE TABLE rivers (fid INTEGER PRIMARY KEY, geom BLOB);",
    )
    .expect("tables");
    drop(conn);
    let errors = refused_unchanged(&gpkg);
    assert!(
        errors[0]
            .to_string()
            .contains("GeoPackage made by another program"),
        "{}",
        errors[0]
    );
    assert!(matches!(errors[3], ProjectError::Exists { .. }));
}

#[test]
fn a_project_from_a_newer_gazette_is_refused_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, project) = project_with(dir.path(), &corpus()[..1]);
    project
        .conn
        .execute(
            "UPDATE gazette_meta SET value = '2' WHERE key = 'format_version'",
            [],
        )
        .expect("update");
    drop(project);
    let errors = refused_unchanged(&path);
    assert!(
        matches!(errors[0], ProjectError::Newer { found: 2, .. }),
        "{}",
        errors[0]
    );
    assert!(errors[0].to_string().contains("newer version of Gazette"));
}

#[test]
fn a_truncated_project_is_refused_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, project) = project_with(dir.path(), &corpus());
    drop(project);
    let whole = bytes(&path);
    for len in [50, 100, 4096, whole.len() / 2, whole.len() - 1] {
        let cut = dir.path().join(format!("cut{len}.gpkg"));
        std::fs::write(&cut, &whole[..len]).expect("write");
        let errors = refused_unchanged(&cut);
        assert!(
            errors[0].to_string().contains("truncated"),
            "{len}: {}",
            errors[0]
        );
    }
}

#[test]
fn folders_and_devices_are_refused_without_being_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Project::open(dir.path()).expect_err("folder");
    assert!(
        matches!(
            err,
            ProjectError::NotAFile {
                kind: "a folder",
                ..
            }
        ),
        "{err}"
    );
    let err = Project::create_or_open(dir.path()).expect_err("folder");
    assert!(err.to_string().contains("is a folder"), "{err}");
    #[cfg(unix)]
    {
        let err = Project::open_read_only("/dev/zero").expect_err("device");
        assert!(err.to_string().contains("character device"), "{err}");
    }
    let missing = dir.path().join("none.gpkg");
    assert!(matches!(
        Project::open(&missing),
        Err(ProjectError::NotFound { .. })
    ));
    assert!(!missing.exists(), "open does not create");
    // Creating into a folder that does not exist fails and leaves nothing behind.
    let nowhere = dir.path().join("no").join("p.gpkg");
    let err = Project::create(&nowhere).expect_err("no folder");
    assert!(err.to_string().contains("p.gpkg"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_read_only_project_opens_only_to_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    if std::fs::OpenOptions::new().write(true).open(&path).is_ok() {
        eprintln!(
            "skipped: a_read_only_project_opens_only_to_read: permissions deny nothing here (root)"
        );
        return;
    }
    let before = bytes(&path);
    let err = Project::open(&path).expect_err("read-only");
    assert!(matches!(err, ProjectError::ReadOnly { .. }), "{err}");
    let err = Project::create_or_open(&path).expect_err("read-only");
    assert!(err.to_string().contains("read-only"), "{err}");
    let project = Project::open_read_only(&path).expect("opens to read");
    assert_eq!(project.documents(gazetteer()).expect("read").0, docs);
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_project_opened_read_only_cannot_be_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    let before = bytes(&path);
    let mut project = Project::open_read_only(&path).expect("open");
    assert!(project.is_read_only());
    assert!(matches!(
        project.add_documents(gazetteer(), &docs),
        Err(ProjectError::ReadOnly { .. })
    ));
    assert!(matches!(
        project.set_filter(&Filter::default()),
        Err(ProjectError::ReadOnly { .. })
    ));
    let c = Correction {
        document: "a.txt".into(),
        start: 0,
        end: 1,
        action: CorrectionAction::NotAPlace,
    };
    assert!(project.set_correction(gazetteer(), c).is_err());
    assert_eq!(bytes(&path), before);
}

/// Runs `sql` on a copy of a good project through a plain connection, as someone
/// editing a shared file might, and returns the copy.
fn tampered(dir: &Path, sql: &str) -> PathBuf {
    let (path, project) = project_with(dir, &corpus());
    drop(project);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(sql).expect("tamper");
    drop(conn);
    path
}

#[test]
fn values_no_gazette_writes_are_damage_not_a_panic() {
    for sql in [
        "UPDATE gazette_mentions SET end_byte = 100000 WHERE ordinal = 0",
        "UPDATE gazette_mentions SET start_byte = end_byte + 1 WHERE ordinal = 0",
        "UPDATE gazette_mentions SET start_byte = -5 WHERE ordinal = 0",
        "UPDATE gazette_mentions SET confidence = 7.5 WHERE ordinal = 0",
        "UPDATE gazette_mentions SET alternates = x'0102' WHERE ordinal = 0",
        "UPDATE gazette_mentions SET alternates = x'FFFFFF0000000000' WHERE ordinal = 0",
        "UPDATE gazette_texts SET text = 'short'",
        "UPDATE gazette_documents SET content_sha256 = x'00'",
        "UPDATE gazette_mentions SET text = x'FF' WHERE ordinal = 0",
        "PRAGMA foreign_keys = OFF; DELETE FROM gazette_texts",
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = tampered(dir.path(), sql);
        let project = Project::open_read_only(&path).expect("opens");
        let err = project.documents(gazetteer()).expect_err(sql);
        assert!(matches!(err, ProjectError::Damaged { .. }), "{sql}: {err}");
        assert!(err.to_string().contains("p.gpkg"), "{err}");
    }
    // A passage outside its text.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = tampered(
        dir.path(),
        "UPDATE gazette_mentions SET passage_end = passage_end + 100000",
    );
    let project = Project::open_read_only(&path).expect("opens");
    let err = project
        .passages("gn:2440485", true, 5)
        .expect_err("passage");
    assert!(matches!(err, ProjectError::Damaged { .. }), "{err}");
    // A saved filter that is not one.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = tampered(
        dir.path(),
        "INSERT INTO gazette_settings VALUES ('filter', '{\"min_confidence\": \"high\"}')",
    );
    let project = Project::open(&path).expect("opens");
    assert!(matches!(
        project.filter(),
        Err(ProjectError::Damaged { .. })
    ));
}

#[test]
fn entries_the_gazetteer_lacks_are_reported_and_left_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = tampered(
        dir.path(),
        "UPDATE gazette_entries SET gazetteer_id = 'gn:999999999' WHERE gazetteer_id = 'gn:2440485'",
    );
    let project = Project::open_read_only(&path).expect("opens");
    assert_eq!(
        project.missing_entries(gazetteer()).expect("missing"),
        ["gn:999999999"]
    );
    let (docs, report) = project.documents(gazetteer()).expect("read");
    assert!(report.mentions_left_out >= 3, "{report:?}");
    let warning = report.warning().expect("a warning");
    assert!(warning.contains("gn:999999999"), "{warning}");
    assert!(
        docs.iter()
            .all(|d| d.mentions.iter().all(|m| m.text != "Niamey"))
    );
}

#[test]
fn an_interrupted_transaction_is_rolled_back_on_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, mut project) = project_with(dir.path(), &docs[..2]);
    // A copy of the file and its journal taken mid-transaction is what a kill -9 leaves.
    // A one-page cache makes SQLite write the transaction's pages to the file before the
    // commit, as it does with any large one.
    project
        .conn
        .pragma_update(None, "cache_size", 1)
        .expect("pragma");
    let crashed = dir.path().join("crashed.gpkg");
    let journal = |p: &Path| {
        let mut name = p.as_os_str().to_os_string();
        name.push("-journal");
        PathBuf::from(name)
    };
    {
        let mut writer = project
            .writer_with(gazetteer(), BatchPolicy::single_transaction())
            .expect("writer");
        for d in &docs[2..] {
            writer.add(d).expect("add");
        }
        assert!(
            journal(&path).exists(),
            "a transaction under way has a journal"
        );
        std::fs::copy(&path, &crashed).expect("copy");
        std::fs::copy(journal(&path), journal(&crashed)).expect("copy journal");
    }
    let err = Project::open_read_only(&crashed).expect_err("needs a rollback");
    assert!(matches!(err, ProjectError::Interrupted { .. }), "{err}");
    let recovered = Project::open(&crashed).expect("recovers");
    assert_eq!(recovered.documents(gazetteer()).expect("read").0, docs[..2]);
    recovered.check_integrity().expect("whole");
    assert!(!journal(&crashed).exists(), "rolled back");
}

#[test]
fn create_refuses_an_existing_project_and_create_or_open_reopens_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    let before = bytes(&path);
    assert!(matches!(
        Project::create(&path),
        Err(ProjectError::Exists { .. })
    ));
    assert_eq!(bytes(&path), before);
    let project = Project::create_or_open(&path).expect("reopens");
    assert_eq!(project.document_count().expect("count"), docs.len());
    // An empty file (a save dialog's) becomes a project.
    let empty = dir.path().join("empty.gpkg");
    std::fs::write(&empty, b"").expect("write");
    assert!(matches!(
        Project::open(&empty),
        Err(ProjectError::NotAProject { .. })
    ));
    Project::create_or_open(&empty).expect("created in the empty file");
    Project::open(&empty).expect("a project now");
}

/// A small real project, made once.
fn real_project() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, project) = project_with(dir.path(), &corpus());
        drop(project);
        bytes(&path)
    })
}

/// Opens `bytes` as a project every way and reads all of it: any outcome but a panic.
fn open_and_read_everything(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.gpkg");
    std::fs::write(&path, bytes).expect("write");
    if let Ok(project) = Project::open_read_only(&path) {
        let _ = project.documents(gazetteer());
        let _ = project.place_summaries();
        let _ = project.passages("gn:2440485", true, 10);
        let _ = project.filter();
        let _ = project.known_documents();
    }
    if let Ok(mut project) = Project::open(&path) {
        let docs = &corpus()[..1];
        let _ = project.add_documents(gazetteer(), docs);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_refused_not_a_panic(
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        sqlite_magic in any::<bool>(),
    ) {
        let mut bytes = Vec::new();
        if sqlite_magic {
            bytes.extend_from_slice(b"SQLite format 3\0");
        }
        bytes.extend(body);
        open_and_read_everything(&bytes);
    }

    #[test]
    fn a_damaged_real_project_is_refused_or_read_not_a_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = real_project().to_vec();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        open_and_read_everything(&bytes);
    }
}

#[test]
fn a_reader_sees_what_a_writer_added_since() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (path, mut writer) = project_with(dir.path(), &docs[..1]);
    let reader = Project::open_read_only(&path).expect("reader");
    let first = reader.documents(gazetteer()).expect("read").0;
    assert_eq!(first, docs[..1]);
    // New documents bring entries the reader's kept table lacks.
    writer.add_documents(gazetteer(), &docs[1..]).expect("add");
    let mut ids = Vec::new();
    reader
        .for_each_document_summary(&mut |s| {
            ids.push(s.id);
            ControlFlow::Continue(())
        })
        .expect("summaries");
    assert_eq!(ids.len(), docs.len());
    for (id, d) in ids.iter().zip(&docs) {
        assert_eq!(
            reader.mentions(gazetteer(), *id).expect("mentions").0,
            d.mentions
        );
    }
    assert_eq!(reader.documents(gazetteer()).expect("read").0, docs);
}

#[test]
fn metadata_comes_back_and_older_projects_gain_its_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut doc = Document::from_text("x.csv#line 2", "Rain in Niamey.");
    doc.meta = crate::corpus::Metadata {
        title: Some("Rain".into()),
        published: crate::corpus::Published::parse("2024-03-04T10:00:00+01:00"),
        url: Some("https://example.org/rain".into()),
        source: Some("Sahel Wire".into()),
    };
    let parsed = parse_documents(&Geoparser::new(gazetteer()), vec![doc.clone()]);
    let (path, project) = project_with(dir.path(), &parsed);
    let mut back = Vec::new();
    project
        .for_each_document(gazetteer(), &mut |d| {
            back.push(d.document.meta);
            ControlFlow::Continue(())
        })
        .expect("read");
    assert_eq!(back, [doc.meta.clone()]);
    drop(project);
    // A project written before the columns existed: read-only, its documents have no
    // metadata; opened to write, the columns are added and it takes new documents' own.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    for column in ["title", "published", "url", "source"] {
        conn.execute_batch(&format!(
            "ALTER TABLE gazette_documents DROP COLUMN {column}"
        ))
        .expect("drop column");
    }
    drop(conn);
    let old = Project::open_read_only(&path).expect("older project");
    let mut metas = Vec::new();
    old.for_each_document(gazetteer(), &mut |d| {
        metas.push(d.document.meta);
        ControlFlow::Continue(())
    })
    .expect("read");
    assert_eq!(metas, [crate::corpus::Metadata::default()]);
    drop(old);
    let mut project = Project::open(&path).expect("opened to write");
    let mut other = doc;
    other.name = "y.csv#line 2".into();
    let parsed = parse_documents(&Geoparser::new(gazetteer()), vec![other.clone()]);
    let mut writer = project.writer(gazetteer()).expect("writer");
    writer.add(&parsed[0]).expect("added");
    writer.finish().expect("finished");
    let mut metas = Vec::new();
    project
        .for_each_document(gazetteer(), &mut |d| {
            metas.push(d.document.meta);
            ControlFlow::Continue(())
        })
        .expect("read");
    assert_eq!(metas, [crate::corpus::Metadata::default(), other.meta]);
}

#[test]
fn a_records_key_comes_back_as_its_source_and_older_projects_keep_their_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut doc = Document::from_text("feed.xml#item 3", "Rain in Niamey.");
    doc.path = Some(dir.path().join("feed.xml"));
    doc.meta.title = Some("Rain".into());
    let pasted = Document::from_text("Pasted text", "Talks in Agadez.");
    let parsed = parse_documents(&Geoparser::new(gazetteer()), vec![doc.clone(), pasted]);
    let path = dir.path().join("p.gpkg");
    let mut project = Project::create(&path).expect("create");
    let mut writer = project.writer(gazetteer()).expect("writer");
    writer
        .add_record(&parsed[0], Some("item 3"))
        .expect("added");
    writer.add(&parsed[1]).expect("added");
    writer.finish().expect("finished");
    let mut sources = Vec::new();
    project
        .for_each_document_with_source(gazetteer(), &mut |d, source| {
            sources.push((d, source));
            ControlFlow::Continue(())
        })
        .expect("read");
    assert_eq!(sources[0].0, parsed[0]);
    assert_eq!(
        sources[0].1,
        crate::corpus::DocumentSource::File {
            path: dir.path().join("feed.xml"),
            name: "feed.xml#item 3".into(),
            record: Some("item 3".into()),
            fields: Default::default(),
        }
    );
    assert_eq!(
        sources[1].1,
        crate::corpus::DocumentSource::Pasted {
            name: "Pasted text".into(),
            text: "Talks in Agadez.".into(),
        }
    );
    drop(project);
    // A project made before the record column: read-only, the other metadata still
    // comes back.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("ALTER TABLE gazette_documents DROP COLUMN record")
        .expect("drop column");
    drop(conn);
    let old = Project::open_read_only(&path).expect("older project");
    let mut titles = Vec::new();
    old.for_each_document_with_source(gazetteer(), &mut |d, source| {
        titles.push((d.document.meta.title, source.record().map(str::to_string)));
        ControlFlow::Continue(())
    })
    .expect("read");
    assert_eq!(titles, [(Some("Rain".to_string()), None), (None, None)]);
}

#[test]
fn user_places_and_their_mentions_are_saved_and_come_back() {
    use crate::gazetteer::{Kind, UserPlace};
    // A gazetteer of its own: the user places put in it must not reach other tests.
    let g = Gazetteer::load_bundled().expect("bundled gazetteer");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.gpkg");
    let document = Document::from_text("base.txt", "Drones flew from base 201 near Agadez.");
    let parse = |g: &Gazetteer| ParsedDocument {
        document: document.clone(),
        mentions: Geoparser::new(g).parse(&document.text),
    };
    let mut project = Project::create(&path).expect("create");
    project.add_documents(&g, &[parse(&g)]).expect("add");
    let ids = |project: &Project| -> Vec<String> {
        layer_counts(project)
            .into_iter()
            .map(|(id, _, _)| id)
            .collect()
    };
    assert!(!ids(&project).contains(&"user:base-201".to_string()));

    let mut place = UserPlace {
        name: "Base 201".into(),
        lat: 16.97,
        lon: 7.99,
        kind: Kind::Place,
        country_code: Some("NE".into()),
        alternate_names: Vec::new(),
    };
    g.set_user_places(std::slice::from_ref(&place))
        .expect("valid");
    project
        .set_user_places(std::slice::from_ref(&place))
        .expect("saved");
    let again = parse(&g);
    assert_eq!(
        project.replace_mentions(&g, &[&again]).expect("replaced"),
        1
    );
    assert!(ids(&project).contains(&"user:base-201".to_string()));
    // Moved: the same id under a new index updates its row, never adds a second one.
    place.lat = 17.05;
    g.set_user_places(std::slice::from_ref(&place))
        .expect("valid");
    project
        .set_user_places(std::slice::from_ref(&place))
        .expect("saved");
    let moved = parse(&g);
    assert_eq!(
        project.replace_mentions(&g, &[&moved]).expect("replaced"),
        1
    );
    let counts = layer_counts(&project);
    assert_eq!(
        counts
            .iter()
            .filter(|(id, _, _)| id == "user:base-201")
            .count(),
        1
    );
    // The layer draws it where it is now.
    let geom: Vec<u8> = project
        .conn
        .query_row(
            "SELECT geom FROM places WHERE gazetteer_id = 'user:base-201'",
            [],
            |r| r.get(0),
        )
        .expect("its row");
    assert_eq!(geometry::decode_point(&geom), Some((7.99, 17.05)));
    drop(project);

    // Reopened with another gazetteer: the places come back, and their mentions resolve
    // once they are in effect.
    let fresh = Gazetteer::load_bundled().expect("bundled gazetteer");
    let project = Project::open(&path).expect("reopen");
    let places = project.user_places().expect("places");
    assert_eq!(places, [place]);
    fresh.set_user_places(&places).expect("valid");
    let mut read = Vec::new();
    project
        .for_each_document(&fresh, &mut |d| {
            read.push(d);
            ControlFlow::Continue(())
        })
        .expect("read");
    let base = read[0]
        .mentions
        .iter()
        .find(|m| m.text == "base 201")
        .expect("the user place's mention");
    let entry = fresh.entry(base.resolution.entry);
    assert_eq!((entry.id.as_str(), entry.lat), ("user:base-201", 17.05));
}

#[test]
fn the_mention_of_a_passage_comes_back_with_its_alternates_from_its_document_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = corpus();
    let (_, project) = project_with(dir.path(), &docs);
    let passages = project
        .passages("gn:2440485", false, 100)
        .expect("passages");
    assert!(!passages.is_empty());
    for p in &passages {
        let m = project
            .mention_at(gazetteer(), p.document_id, p.mention.start, p.mention.end)
            .expect("read")
            .expect("a mention there");
        let parsed = docs
            .iter()
            .find(|d| d.document.name == p.document)
            .and_then(|d| {
                d.mentions
                    .iter()
                    .find(|x| x.start == p.mention.start && x.end == p.mention.end)
            })
            .expect("parsed");
        assert_eq!(&m, parsed);
    }
    let first = &passages[0];
    assert_eq!(
        project
            .mention_at(
                gazetteer(),
                first.document_id,
                first.mention.start,
                first.mention.end + 1
            )
            .expect("read"),
        None,
        "no mention at another span"
    );
    assert_eq!(
        project
            .mention_at(gazetteer(), DocumentId(i64::MAX), 0, 1)
            .expect("read"),
        None,
        "no such document"
    );
    // A range of the document's key, not a scan of the mentions.
    let plan: Vec<String> = project
        .conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT ordinal FROM gazette_mentions WHERE document_id = 1 \
             AND start_byte = 0 AND end_byte = 1",
        )
        .expect("plan")
        .query_map([], |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan");
    let plan = plan.join("\n");
    assert!(plan.contains("document_id=?"), "{plan}");
}

#[test]
fn mentions_per_day_and_the_places_of_a_date_range_are_counted_as_in_memory() {
    use crate::corpus::{DateRange, Published};
    let g = gazetteer();
    let mut docs = corpus();
    // Three of the documents dated (two on one day), the rest undated.
    let dates = ["2024-03-02", "2024-03-02T10:00:00Z", "2024-03-20"];
    for (d, date) in docs.iter_mut().zip(dates) {
        d.document.meta.published = Published::parse(date);
        assert!(d.document.meta.published.is_some(), "{date}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, project) = project_with(dir.path(), &docs);

    // Per day: what the summary of the documents held in memory counts.
    let mut corpus = crate::corpus::Corpus::default();
    for d in &docs {
        corpus.add_document(
            d.clone(),
            crate::corpus::DocumentSource::Pasted {
                name: d.document.name.clone(),
                text: d.document.text.clone(),
            },
        );
    }
    let summary = crate::corpus::Summary::of(g, &corpus);
    let (days, undated) = project.mentions_per_day().expect("days");
    assert_eq!(&days, summary.timeline());
    assert_eq!(undated, summary.undated_mentions());
    assert_eq!(days.len(), 2);
    // Counted a few documents per statement (as a million are), the same.
    for chunk in [1, 2, 3] {
        assert_eq!(
            project.mentions_per_day_by(chunk).expect("days"),
            (days.clone(), undated)
        );
    }

    // A range: what `corpus::places` shows under that filter.
    let first = *days.keys().next().expect("a day");
    for range in [
        DateRange {
            from: Some(first),
            to: Some(first),
            hide_undated: true,
        },
        DateRange {
            from: Some(first + 1),
            to: None,
            hide_undated: false,
        },
    ] {
        let filter = Filter {
            dates: range,
            ..Filter::default()
        };
        let mut expected: Vec<(String, u64, u64)> =
            places(g, &docs, &Corrections::default(), &filter)
                .into_iter()
                .map(|p| {
                    let mut documents: Vec<usize> = p.mentions.iter().map(|m| m.document).collect();
                    documents.dedup();
                    (
                        g.entry(p.entry).id.clone(),
                        p.mentions.len() as u64,
                        documents.len() as u64,
                    )
                })
                .collect();
        expected.sort();
        let mut got: Vec<(String, u64, u64)> = project
            .count_places_in_dates(range.from, range.to, !range.hide_undated)
            .expect("count")
            .into_iter()
            .map(|s| (s.gazetteer_id, s.mention_count, s.document_count))
            .collect();
        got.sort();
        assert!(!got.is_empty());
        assert_eq!(got, expected, "{range:?}");
        for chunk in [1, 2, 3] {
            assert_eq!(
                project
                    .count_places_in_dates_by(range.from, range.to, !range.hide_undated, chunk)
                    .expect("count"),
                project
                    .count_places_in_dates(range.from, range.to, !range.hide_undated)
                    .expect("count"),
                "{chunk} documents a statement"
            );
        }
    }

    // Niamey's passages of the first day alone: those of the documents dated so.
    let niamey = "gn:2440485";
    let all = project.passages(niamey, false, 100).expect("passages");
    let first_day = project
        .passages_in_dates(niamey, false, 100, Some((Some(first), Some(first), false)))
        .expect("passages");
    let dated: Vec<&str> = docs
        .iter()
        .filter(|d| {
            d.document
                .meta
                .published
                .is_some_and(|p| p.day_number() == first)
        })
        .map(|d| d.document.name.as_str())
        .collect();
    let expected: Vec<&crate::project::Passage> = all
        .iter()
        .filter(|p| dated.contains(&p.document.as_str()))
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < all.len(),
        "{dated:?}"
    );
    assert_eq!(first_day.iter().collect::<Vec<_>>(), expected);
    // Every date, undated included: all of them.
    assert_eq!(
        project
            .passages_in_dates(niamey, false, 100, Some((None, None, true)))
            .expect("passages"),
        all
    );
}

#[test]
fn the_places_of_a_date_range_are_counted_from_the_documents_then_their_mentions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, project) = project_with(dir.path(), &corpus());
    let plan: Vec<String> = project
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", layer::COUNT_IN_DATES))
        .expect("plan")
        .query_map(("2024-01-01", "2024-01-31", false, 1, 20_000), |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan");
    let plan = plan.join("\n");
    let documents = plan
        .find("SEARCH d USING INTEGER PRIMARY KEY")
        .or_else(|| plan.find("SCAN d"))
        .expect("the documents walked");
    let mentions = plan
        .find("SEARCH m USING PRIMARY KEY")
        .expect("their mentions by key");
    assert!(documents < mentions, "{plan}");
    assert!(!plan.contains("gazette_mentions_by_place"), "{plan}");
}

/// The corrections a batch left.
fn written(outcome: &correct::BatchOutcome) -> Vec<Correction> {
    outcome
        .changes
        .iter()
        .filter_map(|c| c.correction_after())
        .collect()
}

/// The corrections as sorted tuples, to compare sets.
fn correction_set<'c>(
    corrections: impl Iterator<Item = &'c Correction>,
) -> Vec<(String, usize, usize, CorrectionAction)> {
    let mut out: Vec<_> = corrections
        .map(|c| (c.document.clone(), c.start, c.end, c.action.clone()))
        .collect();
    out.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    out
}

#[test]
fn a_whole_place_is_corrected_in_ranges_of_documents_as_in_memory_and_undone() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut project) = project_with(dir.path(), &docs);
    let mut memory = crate::corpus::Corpus::default();
    for d in &docs {
        let source = crate::corpus::DocumentSource::Pasted {
            name: d.document.name.clone(),
            text: d.document.text.clone(),
        };
        assert!(memory.add_document(d.clone(), source));
    }
    let place_named = |corpus: &crate::corpus::Corpus, name: &str| {
        places(
            g,
            corpus.documents(),
            corpus.corrections(),
            &Filter::default(),
        )
        .into_iter()
        .find(|p| g.entry(p.entry).name == name)
        .unwrap_or_else(|| panic!("{name} is a place"))
    };
    let documents = project.document_count().expect("count");
    assert!(documents > 2);

    // Niamey is in several documents: not a place, one document per transaction.
    let niamey = place_named(&memory, "Niamey");
    let n = memory.correct_place(g, &niamey, None);
    assert!(n >= 3, "{n}");
    let niamey_outcome = correct::correct_place_by(
        &mut project,
        g,
        &g.entry(niamey.entry).id,
        None,
        None,
        1,
        &|| false,
    )
    .expect("corrected");
    assert_eq!(niamey_outcome.changes.len(), n);
    assert_eq!(
        niamey_outcome.transactions, documents,
        "a transaction per document"
    );
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(memory.corrections().iter())
    );
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, memory.corrections())
    );

    // Paris reassigned to a candidate the parser offered: only the mentions that could
    // denote it, as in the window.
    let paris = place_named(&memory, "Paris");
    let to = memory.place_candidates(g, &paris, 10);
    let to = to.first().expect("another Paris").entry;
    let n = memory.correct_place(g, &paris, Some(to));
    assert!(n >= 1);
    let paris_outcome = correct::correct_place_by(
        &mut project,
        g,
        &g.entry(paris.entry).id,
        Some(&g.entry(to).id),
        None,
        2,
        &|| false,
    )
    .expect("reassigned");
    assert_eq!(paris_outcome.changes.len(), n);
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(memory.corrections().iter())
    );
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, memory.corrections())
    );

    // Reopened, the project has them.
    drop(project);
    let mut project = Project::open(&path).expect("reopen");
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(memory.corrections().iter())
    );

    // Undone, newest first, a few corrections per transaction: the parser's reading
    // again (no correction stood before).
    for outcome in [paris_outcome, niamey_outcome] {
        let undone =
            correct::undo_changes_by(&mut project, g, outcome.batch, &outcome.changes, 2, &|| {
                false
            })
            .expect("undone");
        assert_eq!(undone.changes.len(), outcome.changes.len());
        assert_eq!(undone.transactions, outcome.changes.len().div_ceil(2));
    }
    assert!(project.corrections().is_empty());
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, &Corrections::default())
    );
}

#[test]
fn sparse_and_huge_document_ids_make_few_ranges_and_the_same_counts() {
    use crate::corpus::Published;
    // A file shared by someone else, its documents' ids far apart (crafted or damaged):
    // the ranges an aggregate reads by follow the documents, not the ids between them.
    let g = gazetteer();
    let mut docs = corpus();
    for (d, date) in docs
        .iter_mut()
        .zip(["2024-03-02", "2024-03-02", "2024-03-20"])
    {
        d.document.meta.published = Published::parse(date);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    let dense_path = dir.path().join("dense.gpkg");
    std::fs::copy(&path, &dense_path).expect("copy");
    // Renumber the documents, in the same order, as a crafted file could have them.
    let ids: Vec<i64> = {
        let conn = rusqlite::Connection::open(&path).expect("open");
        // The documents and what refers to them renumbered one table at a time.
        conn.pragma_update(None, "foreign_keys", false)
            .expect("pragma");
        let old: Vec<i64> = conn
            .prepare("SELECT id FROM gazette_documents ORDER BY id")
            .expect("ids")
            .query_map([], |r| r.get(0))
            .expect("ids")
            .collect::<Result<_, _>>()
            .expect("ids");
        let n = old.len();
        assert!(n >= 4, "{n}");
        let new: Vec<i64> = (0..n)
            .map(|i| match i {
                0 => 1,
                i if i == n - 1 => i64::MAX,
                i if i == n - 2 => i64::MAX - 1,
                i => (1 << 62) + i as i64,
            })
            .collect();
        // Last first: no new id is an old one still to move.
        for (&from, &to) in old.iter().zip(&new).rev() {
            for table in [
                "UPDATE gazette_documents SET id = ?2 WHERE id = ?1",
                "UPDATE gazette_texts SET document_id = ?2 WHERE document_id = ?1",
                "UPDATE gazette_mentions SET document_id = ?2 WHERE document_id = ?1",
            ] {
                conn.execute(table, (from, to)).expect("renumber");
            }
        }
        new
    };
    let sparse = Project::open(&path).expect("open");
    let dense = Project::open(&dense_path).expect("open");

    // Few ranges, one per `chunk` documents, covering the first id to the last, each once.
    assert_eq!(
        sparse
            .document_chunks(read::AGGREGATE_CHUNK)
            .expect("chunks"),
        vec![(1, i64::MAX)]
    );
    for chunk in [1, 2, 3] {
        let ranges = sparse.document_chunks(chunk).expect("chunks");
        assert_eq!(
            ranges.len(),
            ids.len().div_ceil(chunk as usize),
            "{ranges:?}"
        );
        assert_eq!(ranges.first().map(|r| r.0), Some(1));
        assert_eq!(ranges.last().map(|r| r.1), Some(i64::MAX));
        for pair in ranges.windows(2) {
            assert_eq!(pair[1].0, pair[0].1 + 1, "{ranges:?}");
        }
        for &(lo, hi) in &ranges {
            assert!(lo <= hi, "{ranges:?}");
            let inside = ids.iter().filter(|&&id| (lo..=hi).contains(&id)).count();
            assert!((1..=chunk as usize).contains(&inside), "{ranges:?}");
        }
        for id in &ids {
            let holding = ranges.iter().filter(|r| (r.0..=r.1).contains(id)).count();
            assert_eq!(holding, 1, "{id} in {ranges:?}");
        }
    }

    // What uses them counts as the same documents numbered 1 to n do, read whole.
    let (days, undated) = dense.mentions_per_day().expect("days");
    assert_eq!(days.len(), 2);
    let first = *days.keys().next().expect("a day");
    let passages = |project: &Project, chunk: i64| {
        project
            .least_certain_passages_by(1000, None, chunk, 0)
            .expect("read")
            .into_iter()
            .map(|p| (p.document, p.mention.start, p.mention.end))
            .collect::<Vec<_>>()
    };
    let review = passages(&dense, read::AGGREGATE_CHUNK);
    assert!(!review.is_empty());
    for chunk in [1, 2, 3, read::AGGREGATE_CHUNK] {
        assert_eq!(
            sparse.mentions_per_day_by(chunk).expect("days"),
            (days.clone(), undated),
            "{chunk}"
        );
        for (from, to, undated) in [
            (None, None, true),
            (Some(first), Some(first), false),
            (Some(first + 1), None, true),
        ] {
            let expected = dense
                .count_places_in_dates(from, to, undated)
                .expect("count");
            assert!(!expected.is_empty());
            assert_eq!(
                sparse
                    .count_places_in_dates_by(from, to, undated, chunk)
                    .expect("count"),
                expected,
                "{chunk} {from:?} {to:?} {undated}"
            );
        }
        assert_eq!(passages(&sparse, chunk), review, "{chunk}");
        assert_eq!(
            sparse
                .least_certain_walked(1000, None, read::REVIEW_WALK_ROWS)
                .expect("walked")
                .map(|keys| keys.len()),
            Some(review.len()),
            "walked by the index"
        );
    }

    // A whole place corrected: the same corrections, in one transaction as for n ids.
    let (mut sparse, mut dense) = (sparse, dense);
    let niamey = "gn:2440485";
    let expected = dense
        .correct_place(g, niamey, None, None, &|| false)
        .expect("correct");
    assert!(!expected.changes.is_empty());
    assert_eq!(
        sparse
            .correct_place(g, niamey, None, None, &|| false)
            .expect("correct"),
        expected
    );
    assert_eq!(
        sparse.place_summaries().expect("places"),
        dense.place_summaries().expect("places")
    );
}

#[test]
fn the_least_certain_mentions_come_from_ranges_of_documents_as_in_memory() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, mut project) = project_with(dir.path(), &docs);
    // What the window holding the documents reviews: the mentions shown no one has
    // decided, least certain first, ties in document then text order.
    let in_memory = |corrections: &Corrections, n: usize| {
        let mut all: Vec<(f32, usize, usize)> = places(g, &docs, corrections, &Filter::default())
            .iter()
            .flat_map(|p| p.mentions.iter())
            .filter(|m| !m.corrected)
            .map(|m| (m.confidence, m.document, m.mention))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        all.into_iter()
            .take(n)
            .map(|(_, d, m)| {
                let mention = &docs[d].mentions[m];
                (docs[d].document.name.clone(), mention.start, mention.end)
            })
            .collect::<Vec<_>>()
    };
    // Scanned a range of `chunk` documents at a time; walked by the index, the same.
    let read = |project: &Project, n: usize, chunk: i64| {
        let spans = |walk_rows| {
            project
                .least_certain_passages_by(n, None, chunk, walk_rows)
                .expect("read")
                .into_iter()
                .map(|p| (p.document, p.mention.start, p.mention.end))
                .collect::<Vec<_>>()
        };
        let scanned = spans(0);
        assert_eq!(spans(read::REVIEW_WALK_ROWS), scanned, "walked");
        scanned
    };
    let total = in_memory(&Corrections::default(), usize::MAX).len();
    assert!(total > 6, "{total}");
    for chunk in [1, 2, 1000] {
        assert_eq!(
            read(&project, 5, chunk),
            in_memory(&Corrections::default(), 5)
        );
        assert_eq!(read(&project, total + 3, chunk).len(), total);
    }
    // A mention decided is no longer among them.
    let (document, start, end) = read(&project, 1, 1000).remove(0);
    let correction = Correction {
        document,
        start,
        end,
        action: CorrectionAction::NotAPlace,
    };
    project.set_correction(g, correction).expect("correct");
    let corrections = project.corrections().clone();
    assert_eq!(read(&project, 5, 2), in_memory(&corrections, 5));
    // The passages hold their mentions.
    for p in project.least_certain_passages(5, None).expect("read") {
        let at = p.mention.start - p.passage.start..p.mention.end - p.passage.start;
        assert!(p.text.get(at).is_some_and(|t| !t.is_empty()));
    }
}

/// A small deterministic generator (xorshift64) for the random projects below.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The least certain mentions' keys, walked by the index at most `walk_rows` rows
/// (`None`: it gave way), and scanned a range of `chunk` documents at a time.
fn walked_and_scanned(
    project: &Project,
    n: usize,
    dates: Option<crate::corpus::DateRange>,
    walk_rows: usize,
    chunk: i64,
) -> (Option<Vec<read::ReviewKey>>, Vec<read::ReviewKey>) {
    (
        project
            .least_certain_walked(n, dates, walk_rows)
            .expect("walked"),
        project
            .least_certain_scanned(n, dates, chunk)
            .expect("scanned"),
    )
}

#[test]
fn the_index_walk_finds_the_least_certain_mentions_the_scan_finds_on_random_projects() {
    use crate::corpus::{DateRange, Published};
    let g = gazetteer();
    // The corpus four times over (other names), each document given one of five days
    // or none; confidences rounded so that ties are many.
    let mut docs = Vec::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for copy in 0..4 {
        for d in corpus() {
            let mut d = d.clone();
            d.document.name = format!("{}#{copy}", d.document.name);
            d.document.meta.published = match rng.below(6) {
                0 => None,
                day => Published::parse(&format!("2024-03-0{day}")),
            };
            docs.push(d);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("UPDATE gazette_mentions SET confidence = round(confidence, 1)")
        .expect("ties");
    let mentions: Vec<(String, i64, i64)> = conn
        .prepare(
            "SELECT d.name, m.start_byte, m.end_byte FROM gazette_mentions AS m \
             JOIN gazette_documents AS d ON d.id = m.document_id",
        )
        .expect("mentions")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("mentions")
        .collect::<Result<_, _>>()
        .expect("mentions");
    drop(conn);
    assert!(mentions.len() > 100, "{}", mentions.len());
    let first_day = Published::parse("2024-03-01").expect("a day").day_number();
    let mut project = Project::open(&path).expect("open");
    let mut decided = std::collections::HashSet::new();
    for round in 0..12 {
        // Some mentions decided, more each round: a few through the project (which moves
        // them out of the layer, and of the index), most as corrections keeping their
        // place ("accepted").
        for _ in 0..round * 4 {
            let (document, start, end) = mentions[rng.below(mentions.len())].clone();
            if !decided.insert((document.clone(), start, end)) {
                continue;
            }
            if rng.below(4) == 0 {
                let correction = Correction {
                    document,
                    start: start as usize,
                    end: end as usize,
                    action: CorrectionAction::NotAPlace,
                };
                project.set_correction(g, correction).expect("correct");
            } else {
                project
                    .conn
                    .execute(
                        "INSERT INTO gazette_corrections (document, start_byte, end_byte, \
                         action) VALUES (?1, ?2, ?3, 'not_a_place')",
                        (document, start, end),
                    )
                    .expect("decided");
            }
        }
        for _ in 0..8 {
            let from = rng.below(7);
            let to = from + rng.below(4);
            let dates = match rng.below(4) {
                0 => None,
                _ => Some(DateRange {
                    from: (from > 0).then(|| first_day + from as i32 - 1),
                    to: (to < 6).then(|| first_day + to as i32),
                    hide_undated: rng.below(2) == 0,
                }),
            };
            let n = [1, 2, 5, 17, 80, 10_000][rng.below(6)];
            let chunk = [1, 3, 1000][rng.below(3)];
            let (walked, scanned) =
                walked_and_scanned(&project, n, dates, read::REVIEW_WALK_ROWS, chunk);
            assert_eq!(walked.as_ref(), Some(&scanned), "{round} {n} {dates:?}");
            // Stopped early, the walk gives way (and the scan answers) or finds the same.
            let walk_rows = rng.below(40);
            let (short, _) = walked_and_scanned(&project, n, dates, walk_rows, chunk);
            if let Some(short) = short {
                assert_eq!(short, scanned, "{round} {n} {dates:?} {walk_rows}");
            }
            let passages = |walk_rows| {
                project
                    .least_certain_passages_by(n, dates, chunk, walk_rows)
                    .expect("passages")
                    .into_iter()
                    .map(|p| (p.document, p.mention))
                    .collect::<Vec<_>>()
            };
            let expected = passages(0);
            assert_eq!(expected.len(), scanned.len());
            assert_eq!(passages(walk_rows), expected);
            assert_eq!(passages(read::REVIEW_WALK_ROWS), expected);
        }
    }
}

#[test]
fn a_project_without_the_confidence_index_reviews_by_a_scan_and_gains_it_to_write() {
    use rusqlite::OptionalExtension;
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    // Made once the first documents are written, not with the tables (kept up to date
    // mention by mention it would cost a long parse dearly).
    let fresh = Project::create(dir.path().join("fresh.gpkg")).expect("create");
    assert!(!schema::has_confidence_index(&fresh.conn).expect("schema"));
    drop(fresh);
    let (path, project) = project_with(dir.path(), &docs);
    assert!(schema::has_confidence_index(&project.conn).expect("schema"));
    let spans = |project: &Project| {
        project
            .least_certain_passages(20, None)
            .expect("read")
            .into_iter()
            .map(|p| (p.document, p.mention))
            .collect::<Vec<_>>()
    };
    let expected = spans(&project);
    assert!(expected.len() > 6, "{expected:?}");
    // The walk reads the index alone, in its order: no sort, no row of the mentions.
    let plan: Vec<String> = project
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", project.walk_sql()))
        .expect("plan")
        .query_map(("", "", true), |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan");
    let plan = plan.join("\n");
    assert!(
        plan.contains("SCAN m USING COVERING INDEX gazette_mentions_by_confidence"),
        "{plan}"
    );
    assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
    drop(project);
    let index_sql = |path: &Path| -> Option<String> {
        rusqlite::Connection::open(path)
            .expect("sqlite")
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'gazette_mentions_by_confidence'",
                [],
                |r| r.get(0),
            )
            .optional()
            .expect("schema")
    };
    // Made by an earlier version: no index. Read-only, it is reviewed by the scan, and
    // left as it was.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("DROP INDEX gazette_mentions_by_confidence")
        .expect("drop");
    drop(conn);
    assert!(Project::builds_review_index_on_open(&path));
    let old = Project::open_read_only(&path).expect("older project");
    assert_eq!(
        old.least_certain_walked(20, None, 1000).expect("walk"),
        None
    );
    assert_eq!(spans(&old), expected);
    drop(old);
    assert_eq!(index_sql(&path), None, "read-only: unchanged");
    // Opened to write, it gains the index, and walks it.
    let project = Project::open(&path).expect("opened to write");
    assert!(index_sql(&path).is_some());
    assert!(!Project::builds_review_index_on_open(&path));
    assert!(
        project
            .least_certain_walked(20, None, 1000)
            .expect("walk")
            .is_some()
    );
    assert_eq!(spans(&project), expected);
    drop(project);
    // An index of that name made otherwise (crafted) is neither used nor replaced.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch(
        "DROP INDEX gazette_mentions_by_confidence; \
         CREATE INDEX gazette_mentions_by_confidence ON gazette_mentions(text)",
    )
    .expect("crafted");
    drop(conn);
    let crafted = index_sql(&path);
    let project = Project::open(&path).expect("opened to write");
    assert_eq!(
        project.least_certain_walked(20, None, 1000).expect("walk"),
        None
    );
    assert_eq!(spans(&project), expected);
    drop(project);
    assert_eq!(index_sql(&path), crafted);
}

#[test]
fn a_whole_place_is_corrected_in_the_documents_of_a_date_range_only() {
    use crate::corpus::{DateRange, Published};
    let g = gazetteer();
    let mut docs = corpus();
    let dates = ["2024-03-02", "2024-03-02T10:00:00Z", "2024-03-20"];
    for (d, date) in docs.iter_mut().zip(dates) {
        d.document.meta.published = Published::parse(date);
    }
    let day = |d: &ParsedDocument| d.document.meta.published.as_ref().map(|p| p.day_number());
    let first = docs.iter().find_map(day).expect("a dated document");
    let range = DateRange {
        from: Some(first),
        to: Some(first),
        hide_undated: true,
    };
    let filter = Filter {
        dates: range,
        ..Filter::default()
    };
    // A place with mentions both in the range and out of it.
    let all = places(g, &docs, &Corrections::default(), &Filter::default());
    let shown = places(g, &docs, &Corrections::default(), &filter);
    let place = shown
        .iter()
        .find(|p| {
            all.iter()
                .any(|a| a.entry == p.entry && a.mentions.len() > p.mentions.len())
        })
        .expect("a place in and out of the range")
        .clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, mut project) = project_with(dir.path(), &docs);
    let mut memory = crate::corpus::Corpus::default();
    for d in &docs {
        let source = crate::corpus::DocumentSource::Pasted {
            name: d.document.name.clone(),
            text: d.document.text.clone(),
        };
        assert!(memory.add_document(d.clone(), source));
    }
    let n = memory.correct_place(g, &place, None);
    assert_eq!(n, place.mentions.len());
    let outcome = correct::correct_place_by(
        &mut project,
        g,
        &g.entry(place.entry).id,
        None,
        Some(range),
        1,
        &|| false,
    )
    .expect("corrected");
    assert_eq!(outcome.changes.len(), n, "those of the range only");
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(memory.corrections().iter())
    );
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, memory.corrections())
    );
}

#[test]
fn a_whole_place_stopped_between_ranges_keeps_the_ranges_written_whole() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut project) = project_with(dir.path(), &docs);
    let niamey = places(g, &docs, &Corrections::default(), &Filter::default())
        .into_iter()
        .find(|p| g.entry(p.entry).name == "Niamey")
        .expect("Niamey");
    // Stopped after the first range of one document.
    let asked = std::cell::Cell::new(0);
    let stop = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let outcome = correct::correct_place_by(
        &mut project,
        g,
        &g.entry(niamey.entry).id,
        None,
        None,
        1,
        &stop,
    )
    .expect("stopped");
    assert!(outcome.stopped);
    assert_eq!(outcome.transactions, 1);
    let first = niamey
        .mentions
        .iter()
        .filter(|m| m.document == niamey.mentions[0].document);
    assert_eq!(outcome.changes.len(), first.count(), "the first document's");
    // The layer is the mentions' (each range whole), in the file as in memory.
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, project.corrections())
    );
    drop(project);
    let project = Project::open_read_only(&path).expect("reopen");
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(written(&outcome).iter())
    );
}

#[test]
fn a_whole_place_in_two_documents_of_one_name_moves_each_mention_once() {
    let g = gazetteer();
    let dir = tempfile::tempdir().expect("tempdir");
    // Two documents of one name (a feed's item read twice, its text changed): their
    // corrections are shared, and both mention Niamey at the same bytes.
    let first = parse_documents(
        &Geoparser::new(g),
        vec![Document::from_text(
            "feed.xml#item 3",
            "Niamey: troops left on Monday.",
        )],
    );
    let second = parse_documents(
        &Geoparser::new(g),
        vec![Document::from_text(
            "feed.xml#item 3",
            "Niamey: troops came back on Friday.",
        )],
    );
    let (_, mut project) = project_with(dir.path(), &first);
    project.add_documents(g, &second).expect("add");
    assert_eq!(project.document_count().expect("count"), 2);
    let niamey = g
        .candidates("Niamey")
        .iter()
        .find(|c| g.kind(c.entry) == crate::gazetteer::Kind::Place)
        .map(|c| g.entry(c.entry).id.clone())
        .expect("Niamey");
    assert!(
        layer_counts(&project)
            .iter()
            .any(|(id, m, d)| *id == niamey && *m == 2 && *d == 2)
    );

    // One range holds both documents.
    let outcome =
        correct::correct_place_by(&mut project, g, &niamey, None, None, 20_000, &|| false)
            .expect("corrected");
    assert_eq!(outcome.changes.len(), 1, "one correction, shared by both");
    // The layer still equals a count from the mentions (checked by `layer_counts`), and
    // Niamey is gone from it.
    let counts = layer_counts(&project);
    assert!(counts.iter().all(|(id, _, _)| *id != niamey), "{counts:?}");
}

/// The span of each mention of `place` (as `corpus::places` counts it) in `docs`, in
/// document then text order.
fn mentions_of(
    docs: &[ParsedDocument],
    corrections: &Corrections,
    name: &str,
) -> Vec<(String, usize, usize)> {
    let g = gazetteer();
    let place = places(g, docs, corrections, &Filter::default())
        .into_iter()
        .find(|p| g.entry(p.entry).name == name)
        .unwrap_or_else(|| panic!("{name} is a place"));
    place
        .mentions
        .iter()
        .map(|m| {
            let d = &docs[m.document];
            let mention = &d.mentions[m.mention];
            (d.document.name.clone(), mention.start, mention.end)
        })
        .collect()
}

/// A correction of the mention at `span`.
fn correction_at(span: &(String, usize, usize), action: CorrectionAction) -> Correction {
    Correction {
        document: span.0.clone(),
        start: span.1,
        end: span.2,
        action,
    }
}

#[test]
fn undoing_a_whole_place_puts_back_the_hand_corrections_it_replaced() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut project) = project_with(dir.path(), &docs);
    let niamey_id = g
        .candidates("Niamey")
        .iter()
        .find(|c| g.kind(c.entry) == crate::gazetteer::Kind::Place)
        .map(|c| g.entry(c.entry).id.clone())
        .expect("Niamey");
    let to_niamey = CorrectionAction::Reassign {
        id: niamey_id.clone(),
    };
    // By hand, before the whole place: another place's mention (Agadez) said to be
    // Niamey, and one of Niamey's confirmed as the user's choice (the review's Enter).
    let agadez = mentions_of(&docs, &Corrections::default(), "Agadez").remove(0);
    let confirmed = mentions_of(&docs, &Corrections::default(), "Niamey").remove(0);
    let hand = [
        correction_at(&agadez, to_niamey.clone()),
        correction_at(&confirmed, to_niamey.clone()),
    ];
    for c in &hand {
        project.set_correction(g, c.clone()).expect("by hand");
    }
    let counts_before = layer_counts(&project);
    let hand_set = correction_set(hand.iter());
    assert_eq!(correction_set(project.corrections().iter()), hand_set);
    let niamey_mentions = mentions_of(&docs, project.corrections(), "Niamey");
    assert!(niamey_mentions.contains(&agadez));

    // Not a place, a transaction per document: each correction lists the one it
    // replaced.
    let outcome = correct::correct_place_by(&mut project, g, &niamey_id, None, None, 1, &|| false)
        .expect("corrected");
    assert_eq!(outcome.changes.len(), niamey_mentions.len());
    for change in &outcome.changes {
        let span = (change.document.clone(), change.start, change.end);
        let expected = hand
            .iter()
            .find(|c| (c.document.clone(), c.start, c.end) == span)
            .map(|c| c.action.clone());
        assert_eq!(change.before, expected, "{span:?}");
        assert_eq!(change.after, Some(CorrectionAction::NotAPlace));
    }
    assert!(
        layer_counts(&project)
            .iter()
            .all(|(id, _, _)| *id != niamey_id)
    );

    // The project keeps the batch: reopened, it is there to undo, as written.
    drop(project);
    let mut project = Project::open(&path).expect("reopen");
    let kept = project.whole_place_batches().expect("batches");
    assert_eq!(kept.len(), 1);
    assert_eq!(Some(kept[0].id), outcome.batch);
    assert_eq!(kept[0].label, "Niamey: not a place");
    assert_eq!(kept[0].changes, outcome.changes);

    // Undo all: the hand corrections are back (not the parser's reading), and the
    // layer's counts are those before the whole place, Niamey's included.
    let undone = correct::undo_changes_by(
        &mut project,
        g,
        Some(kept[0].id),
        &kept[0].changes,
        2,
        &|| false,
    )
    .expect("undone");
    assert_eq!(undone.changes.len(), outcome.changes.len());
    assert_eq!(correction_set(project.corrections().iter()), hand_set);
    assert_eq!(layer_counts(&project), counts_before);
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, project.corrections())
    );
    drop(project);
    let project = Project::open_read_only(&path).expect("reopen");
    assert_eq!(correction_set(project.corrections().iter()), hand_set);
    assert!(
        project.whole_place_batches().expect("batches").is_empty(),
        "forgotten once undone"
    );
}

#[test]
fn undoing_a_whole_place_keeps_a_mention_corrected_by_hand_after_it() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, mut project) = project_with(dir.path(), &docs);
    let counts_before = layer_counts(&project);
    let niamey = mentions_of(&docs, &Corrections::default(), "Niamey");
    assert!(niamey.len() >= 3, "{niamey:?}");
    let niamey_id = {
        let place = places(g, &docs, &Corrections::default(), &Filter::default())
            .into_iter()
            .find(|p| g.entry(p.entry).name == "Niamey")
            .expect("Niamey");
        g.entry(place.entry).id.clone()
    };
    let outcome = project
        .correct_place(g, &niamey_id, None, None, &|| false)
        .expect("corrected");
    assert_eq!(outcome.changes.len(), niamey.len());

    // After it, by hand: one of its mentions is Niamey after all, another's correction
    // is undone on its own (the parser's reading).
    let kept = correction_at(
        &niamey[0],
        CorrectionAction::Reassign {
            id: niamey_id.clone(),
        },
    );
    project.set_correction(g, kept.clone()).expect("by hand");
    project
        .clear_correction(g, &niamey[1].0, niamey[1].1, niamey[1].2)
        .expect("by hand");

    // Kept in the project with the changes that still stand only.
    let stored = project.whole_place_batches().expect("batches");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].changes.len(), niamey.len() - 2);

    // Undo all: those two stay as the user left them, the others are undone.
    let undone = project
        .undo_changes(g, outcome.batch, &outcome.changes, &|| false)
        .expect("undone");
    assert_eq!(undone.changes.len(), niamey.len() - 2);
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(std::iter::once(&kept))
    );
    let mut expected = Corrections::default();
    expected.set(kept);
    assert_eq!(layer_counts(&project), expected_counts(&docs, &expected));
    // Niamey counts what it counted before the whole place.
    let niamey_count = |counts: &[(String, u64, u64)]| {
        counts
            .iter()
            .find(|(id, _, _)| *id == niamey_id)
            .cloned()
            .expect("Niamey counted")
    };
    assert_eq!(
        niamey_count(&layer_counts(&project)),
        niamey_count(&counts_before)
    );
}

#[test]
fn a_whole_place_that_fails_part_way_reports_the_ranges_it_wrote() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, mut project) = project_with(dir.path(), &docs);
    let counts_before = layer_counts(&project);
    let niamey = mentions_of(&docs, &Corrections::default(), "Niamey");
    let last = niamey.last().expect("a mention").0.clone();
    let before_last: Vec<_> = niamey.iter().filter(|s| s.0 != last).cloned().collect();
    assert!(!before_last.is_empty(), "Niamey in two documents at least");
    let niamey_id = {
        let place = places(g, &docs, &Corrections::default(), &Filter::default())
            .into_iter()
            .find(|p| g.entry(p.entry).name == "Niamey")
            .expect("Niamey");
        g.entry(place.entry).id.clone()
    };
    // The write of the last document's correction fails (a full disk, say), in a
    // range after others were committed.
    project
        .conn
        .execute_batch(&format!(
            "CREATE TEMP TRIGGER fail BEFORE INSERT ON gazette_corrections \
             WHEN NEW.document = '{last}' BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END"
        ))
        .expect("trigger");
    let failed = correct::correct_place_by(&mut project, g, &niamey_id, None, None, 1, &|| false)
        .expect_err("fails");
    assert!(
        failed.to_string().contains("injected: disk full"),
        "{failed}"
    );
    // The ranges written before it are reported, as the file has them.
    assert!(failed.done.transactions >= 1);
    let written_spans: Vec<_> = failed
        .done
        .changes
        .iter()
        .map(|c| (c.document.clone(), c.start, c.end))
        .collect();
    assert_eq!(written_spans, before_last);
    assert_eq!(
        correction_set(project.corrections().iter()),
        correction_set(written(&failed.done).iter())
    );
    assert_eq!(
        layer_counts(&project),
        expected_counts(&docs, project.corrections())
    );
    {
        let reopened = Project::open_read_only(&path).expect("reopen");
        assert_eq!(
            correction_set(reopened.corrections().iter()),
            correction_set(written(&failed.done).iter())
        );
        // The part written is kept as a batch, to undo after reopening.
        let kept = reopened.whole_place_batches().expect("batches");
        assert_eq!(kept.len(), 1);
        assert_eq!(Some(kept[0].id), failed.done.batch);
        assert_eq!(kept[0].changes, failed.done.changes);
    }

    // Those are undone as any batch: the counts of before.
    project
        .conn
        .execute_batch("DROP TRIGGER fail")
        .expect("trigger");
    project
        .undo_changes(g, failed.done.batch, &failed.done.changes, &|| false)
        .expect("undone");
    assert!(project.corrections().is_empty());
    assert_eq!(layer_counts(&project), counts_before);
    assert!(project.whole_place_batches().expect("batches").is_empty());
}

#[test]
fn a_project_from_before_the_batch_tables_reads_without_them_and_gains_them_to_write() {
    let g = gazetteer();
    let docs = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, project) = project_with(dir.path(), &docs);
    drop(project);
    // As a Gazette before them wrote it.
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("DROP TABLE gazette_batch_changes; DROP TABLE gazette_batches")
            .expect("drop");
    }
    let bytes = std::fs::read(&path).expect("read");
    let read_only = Project::open_read_only(&path).expect("opens read-only");
    assert!(read_only.whole_place_batches().expect("none").is_empty());
    drop(read_only);
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "left as it was");

    // Opened to write, it gains them: a whole place is kept, then forgotten once undone.
    let mut project = Project::open(&path).expect("opens to write");
    let niamey = g
        .candidates("Niamey")
        .iter()
        .find(|c| g.kind(c.entry) == crate::gazetteer::Kind::Place)
        .map(|c| g.entry(c.entry).id.clone())
        .expect("Niamey");
    let outcome = project
        .correct_place(g, &niamey, None, None, &|| false)
        .expect("corrected");
    let kept = project.whole_place_batches().expect("batches");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].changes, outcome.changes);
    project
        .undo_changes(g, outcome.batch, &outcome.changes, &|| false)
        .expect("undone");
    assert!(project.whole_place_batches().expect("batches").is_empty());
    assert!(project.corrections().is_empty());
}
