//! News as it comes, through the command line as a user runs it: dataset exports (JSON
//! Lines, JSON arrays, CSV/TSV), saved web pages, feeds and zip archives, with their
//! titles, dates and links in the exports, the date range, and bad records named by line.
//! The fixtures are in `tests/fixtures/formats/`, written for these tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn gazette(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .output()
        .expect("gazette runs")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON Lines rows `gazette parse ARGS --format jsonl` writes.
fn parse_rows(args: &[&str]) -> (Vec<Value>, Output) {
    let mut all = vec!["parse", "--format", "jsonl"];
    all.extend_from_slice(args);
    let o = gazette(&all);
    let rows = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
    (rows, o)
}

fn names(rows: &[Value], field: &str) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .filter_map(|r| r[field].as_str().map(str::to_string))
        .collect();
    out.dedup();
    out
}

#[test]
fn a_json_lines_export_is_one_document_per_line_with_its_metadata() {
    let path = fixture("export.jsonl");
    let (rows, o) = parse_rows(&[path.to_str().expect("utf8")]);
    // Line 4 is not an object: named, skipped, the rest written (exit 1).
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("export.jsonl, line 4"),
        "{}",
        stderr(&o)
    );
    let documents = names(&rows, "document");
    assert_eq!(
        documents,
        [
            "export.jsonl#line 1",
            "export.jsonl#line 2",
            "export.jsonl#line 3"
        ]
    );
    let agadez = rows
        .iter()
        .find(|r| r["name"] == "Agadez")
        .expect("Agadez found");
    assert_eq!(agadez["title"], "Floods reach Agadez");
    assert_eq!(agadez["date"], "2024-08-12T09:30:00Z");
    assert_eq!(agadez["url"], "https://news.example.org/floods-agadez");
    // Column names and URLs are not text: nothing is found in them.
    assert!(rows.iter().all(|r| r["text"] != "example"));
}

#[test]
fn csv_and_tsv_exports_find_the_text_column_or_take_the_one_named() {
    let csv = fixture("export.csv");
    let (rows, o) = parse_rows(&[csv.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cities = names(&rows, "name");
    assert!(cities.contains(&"Timbuktu".to_string()), "{cities:?}");
    assert!(rows.iter().any(|r| r["date"] == "2024-03-05"));
    // A CSV whose text column has an unusual name: refused with the columns listed,
    // then read with --text-field.
    let odd = fixture("odd-columns.csv");
    let o = gazette(&["parse", odd.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("story_html, when"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--text-field"), "{}", stderr(&o));
    let (rows, o) = parse_rows(&[
        odd.to_str().expect("utf8"),
        "--text-field",
        "story_html",
        "--date-field",
        "when",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        rows.iter()
            .any(|r| r["name"] == "Mombasa" && r["date"] == "2023-11-02")
    );
    let tsv = fixture("export.tsv");
    let (rows, o) = parse_rows(&[tsv.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(rows.iter().any(|r| r["name"] == "Gao"));
}

#[test]
fn the_date_range_keeps_the_days_asked_for() {
    let path = fixture("export.jsonl");
    let p = path.to_str().expect("utf8");
    let (rows, _) = parse_rows(&[p, "--from", "2024-08-01", "--to", "2024-08-31"]);
    assert_eq!(names(&rows, "document"), ["export.jsonl#line 1"]);
    // Undated documents come back with --undated.
    let (rows, _) = parse_rows(&[p, "--from", "2024-08-01", "--undated"]);
    assert_eq!(
        names(&rows, "document"),
        ["export.jsonl#line 1", "export.jsonl#line 3"]
    );
    let o = gazette(&["parse", p, "--from", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a date"), "{}", stderr(&o));
}

#[test]
fn a_folder_of_mixed_files_reads_each_format_and_counts_the_others_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["export.jsonl", "export.csv"] {
        std::fs::copy(fixture(name), dir.path().join(name)).expect("copy");
    }
    std::fs::write(dir.path().join("a.txt"), "Troops left Niamey.").expect("write");
    for i in 0..5 {
        std::fs::write(dir.path().join(format!("picture{i}.png")), "P").expect("write");
    }
    std::fs::write(dir.path().join("notes.md"), "Niamey").expect("write");
    let (rows, o) = parse_rows(&[dir.path().to_str().expect("utf8")]);
    let err = stderr(&o);
    assert_eq!(
        err.matches("of other kinds skipped").count(),
        1,
        "one message for the unknown files: {err}"
    );
    assert!(err.contains("6 files of other kinds skipped"), "{err}");
    let documents = names(&rows, "document");
    assert!(documents.contains(&"a.txt".to_string()));
    assert!(documents.iter().any(|d| d.starts_with("export.csv#")));
    assert!(documents.iter().any(|d| d.starts_with("export.jsonl#")));
}

#[test]
fn csv_export_rows_carry_title_date_and_url_columns() {
    let path = fixture("export.jsonl");
    let o = gazette(&["parse", "--format", "csv", path.to_str().expect("utf8")]);
    let text = String::from_utf8_lossy(&o.stdout);
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(
        header.ends_with(",document_path,title,date,url"),
        "{header}"
    );
    assert!(
        text.contains(
            ",Floods reach Agadez,2024-08-12T09:30:00Z,https://news.example.org/floods-agadez"
        ),
        "{text}"
    );
}

#[test]
fn word_pdf_and_zip_archives_are_read_with_their_dates() {
    let docx = fixture("floods.docx");
    let (rows, o) = parse_rows(&[docx.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(rows.iter().any(|r| r["name"] == "Niamey"));
    assert!(rows.iter().all(|r| r["date"] == "2021-03-04T10:15:00Z"));
    let pdf = fixture("floods.pdf");
    let (rows, o) = parse_rows(&[pdf.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(rows.iter().any(|r| r["name"] == "Niamey"));
    // A zip of mixed files: each read in its format, named inside the archive; a zip
    // inside and a file of another kind are named and skipped (exit 1).
    let zip = fixture("news.zip");
    let (rows, o) = parse_rows(&[zip.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let documents = names(&rows, "document");
    for expected in [
        "news.zip/2024/a.txt",
        "news.zip/2024/b.jsonl#line 1",
        "news.zip/2024/b.jsonl#line 2",
        "news.zip/docs/floods.docx",
        "news.zip/docs/floods.pdf",
    ] {
        assert!(
            documents.iter().any(|d| d == expected),
            "{expected}: {documents:?}"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r["name"] == "Mombasa" && r["title"] == "Port reopens")
    );
    let err = stderr(&o);
    assert!(
        err.contains("inner.zip") && err.contains("notes.md"),
        "{err}"
    );
}

#[test]
fn a_saved_page_gives_its_article_not_its_menus_and_feeds_give_their_items() {
    let page = fixture("article.html");
    let (rows, o) = parse_rows(&[page.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let found = names(&rows, "text");
    assert!(found.iter().any(|t| t == "Agadez"), "{found:?}");
    // The page's menus, "most read" box, related stories and footer name these; the
    // article does not.
    for boilerplate in [
        "London", "Tokyo", "Berlin", "Lagos", "Paris", "Cairo", "Nairobi",
    ] {
        assert!(
            rows.iter().all(|r| r["text"] != boilerplate),
            "{boilerplate} came from the page's boilerplate"
        );
    }
    assert_eq!(rows[0]["title"], "Floods in Niger leave thousands homeless");
    assert_eq!(rows[0]["date"], "2024-08-27T09:30:00Z");
    let rss = fixture("feed-rss2.xml");
    let atom = fixture("feed-atom.xml");
    let (rows, o) = parse_rows(&[rss.to_str().expect("utf8"), atom.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let documents = names(&rows, "document");
    assert!(
        documents.iter().any(|d| d == "feed-rss2.xml#item 1"),
        "{documents:?}"
    );
    assert!(
        documents
            .iter()
            .any(|d| d.starts_with("feed-atom.xml#item ")),
        "{documents:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r["document"] == "feed-rss2.xml#item 1" && r["date"].is_string()),
        "items carry their dates"
    );
    // A feed cut off mid-way: named, skipped, nothing written (exit 2).
    let cut = fixture("feed-truncated.xml");
    let o = gazette(&["parse", cut.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("feed-truncated.xml"), "{}", stderr(&o));
}
