//! What `gazette parse` writes, tried as a careful adversary would (issue 13, items 2, 5–11
//! and 14): exit codes when inputs are skipped, `-o` onto devices, pipes, folders, links
//! and the inputs themselves, planted links at the old temporary names, leftovers of a
//! killed write, permissions, large GeoJSON, and a document path in every export.

mod prerequisites;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gazette<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .output()
        .expect("gazette runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ARTICLE: &str = "Troops left Niamey for Agadez on Monday.";

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).expect("mkdir");
    }
    fs::write(path, bytes).expect("write");
}

/// `parse INPUTS -o OUT --format jsonl`.
fn parse_to(inputs: &[PathBuf], out: &Path) -> Output {
    let mut args: Vec<&OsStr> = vec![OsStr::new("parse")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend([
        OsStr::new("--format"),
        OsStr::new("jsonl"),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    gazette(args)
}

// ---------------------------------------------------------------------------------------
// Item 11: exit codes.

struct ExitCase {
    name: &'static str,
    /// Makes the inputs in the folder given; returns them, or None if the case cannot
    /// run here (with the reason printed).
    setup: fn(&Path) -> Option<Vec<PathBuf>>,
    code: i32,
}

fn good(dir: &Path) -> PathBuf {
    let p = dir.join("articles").join("good.txt");
    write(&p, ARTICLE);
    p
}

fn binary(dir: &Path) -> PathBuf {
    let p = dir.join("articles").join("binary.txt");
    write(&p, b"\x00\x01\x02\x03PK");
    p
}

fn too_large(dir: &Path) -> PathBuf {
    let p = dir.join("large").join("huge.txt");
    write(&p, "");
    let f = fs::File::options().write(true).open(&p).expect("open");
    // Sparse: one byte over the 64 MiB limit, no disk used.
    f.set_len(gazette::corpus::MAX_DOCUMENT_BYTES + 1)
        .expect("set_len");
    p
}

fn no_txt_folder(dir: &Path) -> PathBuf {
    let p = dir.join("empty");
    write(&p.join("notes.pdf"), "not an article");
    p
}

fn socket(dir: &Path) -> PathBuf {
    let p = dir.join("articles").join("socket.txt");
    fs::create_dir_all(dir.join("articles")).expect("mkdir");
    let listener = std::os::unix::net::UnixListener::bind(&p).expect("bind");
    // The socket file stays after the listener is dropped.
    drop(listener);
    p
}

/// A named pipe `pipe.txt` beside the articles, or `None` (skipped) without `mkfifo`.
fn fifo(dir: &Path) -> Option<PathBuf> {
    let p = dir.join("articles").join("pipe.txt");
    fs::create_dir_all(dir.join("articles")).expect("mkdir");
    match std::process::Command::new("mkfifo").arg(&p).status() {
        Ok(status) if status.success() => Some(p),
        other => {
            prerequisites::skip("exit_codes: a named pipe", &format!("mkfifo: {other:?}"));
            None
        }
    }
}

const EXIT_CASES: &[ExitCase] = &[
    ExitCase {
        name: "all fine",
        setup: |d| Some(vec![good(d)]),
        code: 0,
    },
    ExitCase {
        name: "a binary file beside a good one",
        setup: |d| {
            good(d);
            binary(d);
            Some(vec![d.join("articles")])
        },
        code: 1,
    },
    ExitCase {
        name: "a file over the size limit and a good one",
        setup: |d| Some(vec![good(d), too_large(d)]),
        code: 1,
    },
    ExitCase {
        name: "a folder with no .txt file and a good file",
        setup: |d| Some(vec![good(d), no_txt_folder(d)]),
        code: 1,
    },
    ExitCase {
        name: "a named pipe named .txt in the folder beside a good file",
        setup: |d| {
            good(d);
            fifo(d)?;
            Some(vec![d.join("articles")])
        },
        code: 1,
    },
    ExitCase {
        name: "only a named pipe, given directly",
        setup: |d| Some(vec![fifo(d)?]),
        code: 2,
    },
    ExitCase {
        name: "a socket named .txt beside a good file",
        setup: |d| {
            good(d);
            socket(d);
            Some(vec![d.join("articles")])
        },
        code: 1,
    },
    ExitCase {
        name: "an unreadable file beside a good one",
        setup: |d| {
            if prerequisites::is_root() {
                prerequisites::skip(
                    "exit_codes: an unreadable file beside a good one",
                    "running as root, who can read a file with mode 000",
                );
                return None;
            }
            let locked = d.join("articles").join("locked.txt");
            write(&locked, ARTICLE);
            fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
            Some(vec![good(d), locked])
        },
        code: 1,
    },
    ExitCase {
        name: "only a binary file",
        setup: |d| Some(vec![binary(d)]),
        code: 2,
    },
    ExitCase {
        name: "only a file over the size limit",
        setup: |d| Some(vec![too_large(d)]),
        code: 2,
    },
    ExitCase {
        name: "only a folder with no .txt file",
        setup: |d| Some(vec![no_txt_folder(d)]),
        code: 2,
    },
];

#[test]
fn exit_codes_say_what_was_skipped_and_nothing_usable_keeps_the_old_output() {
    for case in EXIT_CASES {
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(inputs) = (case.setup)(dir.path()) else {
            continue;
        };
        // To a file that exists.
        let out = dir.path().join("out.jsonl");
        write(&out, "OLD");
        let o = parse_to(&inputs, &out);
        assert_eq!(
            o.status.code(),
            Some(case.code),
            "{}: {}",
            case.name,
            stderr(&o)
        );
        let written = fs::read_to_string(&out).expect("read");
        if case.code == 2 {
            assert_eq!(written, "OLD", "{}: the old output is kept", case.name);
            assert!(stderr(&o).contains("nothing was written"), "{}", case.name);
        } else {
            assert!(written.contains("\"good.txt\""), "{}: {written}", case.name);
        }
        // To standard output: nothing at all when nothing is usable.
        let mut args: Vec<&OsStr> = vec![OsStr::new("parse")];
        args.extend(inputs.iter().map(|p| p.as_os_str()));
        let o = gazette(args);
        assert_eq!(
            o.status.code(),
            Some(case.code),
            "{}: {}",
            case.name,
            stderr(&o)
        );
        assert_eq!(o.stdout.is_empty(), case.code == 2, "{}", case.name);
    }
}

// ---------------------------------------------------------------------------------------
// Item 6: -o onto what is not a regular file.

struct NotFileCase {
    name: &'static str,
    /// Makes the thing at `path`.
    make: fn(&Path),
    /// Whether it is still what it was.
    intact: fn(&Path) -> bool,
}

fn is_fifo(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_fifo())
}

const NOT_FILE_CASES: &[NotFileCase] = &[
    NotFileCase {
        name: "a folder",
        make: |p| fs::create_dir(p).expect("mkdir"),
        intact: |p| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()),
    },
    NotFileCase {
        name: "a named pipe",
        make: |p| {
            let status = Command::new("mkfifo").arg(p).status().expect("mkfifo runs");
            assert!(status.success());
        },
        intact: is_fifo,
    },
    NotFileCase {
        name: "a socket",
        make: |p| drop(std::os::unix::net::UnixListener::bind(p).expect("bind")),
        intact: |p| {
            use std::os::unix::fs::FileTypeExt;
            fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_socket())
        },
    },
    NotFileCase {
        // A link to the device rather than the device itself: a broken build would
        // replace the link, not /dev/null.
        name: "a link to a device",
        make: |p| std::os::unix::fs::symlink("/dev/null", p).expect("ln"),
        intact: |p| {
            use std::os::unix::fs::FileTypeExt;
            fs::read_link(p).is_ok_and(|t| t == Path::new("/dev/null"))
                && fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device())
        },
    },
];

#[test]
fn output_onto_a_device_pipe_socket_or_folder_is_refused() {
    for case in NOT_FILE_CASES {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = good(dir.path());
        let target = dir.path().join("target");
        (case.make)(&target);
        let o = parse_to(std::slice::from_ref(&input), &target);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", case.name);
        assert!((case.intact)(&target), "{}: replaced", case.name);
        assert!(err.contains("not a regular file"), "{}: {err}", case.name);
        assert!(err.contains("standard output"), "{}: {err}", case.name);
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "{}: nothing new beside: {names:?}",
            case.name
        );
    }
}

// ---------------------------------------------------------------------------------------
// Item 7: links planted at the old predictable temporary names.

#[test]
fn links_planted_at_the_old_temporary_names_are_not_followed() {
    let test = "links_planted_at_the_old_temporary_names_are_not_followed";
    let pids: std::ops::RangeInclusive<u32> =
        match fs::read_to_string("/proc/sys/kernel/pid_max").map(|s| s.trim().parse::<u32>()) {
            Ok(Ok(max)) if max <= 100_000 => 1..=max,
            _ => match fs::read_to_string("/proc/sys/kernel/ns_last_pid")
                .map(|s| s.trim().parse::<u32>())
            {
                // Far more than the processes this test binary and the machine start
                // before gazette does.
                Ok(Ok(last)) => last..=last + 20_000,
                _ => {
                    prerequisites::skip(test, "cannot tell which process ids come next");
                    return;
                }
            },
        };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = good(dir.path());
    let victim = dir.path().join("victim.txt");
    write(&victim, "precious");
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).expect("mkdir");
    let out = out_dir.join("out.jsonl");
    for pid in pids.clone() {
        std::os::unix::fs::symlink(&victim, out_dir.join(format!(".out.jsonl.tmp-{pid}")))
            .expect("plant");
    }
    let o = parse_to(&[input], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&victim).expect("victim"), "precious");
    assert!(fs::read_to_string(&out).expect("out").contains("Niamey"));
    // The planted links are not ours to remove.
    let links = fs::read_dir(&out_dir).expect("ls").count();
    assert_eq!(links, pids.count() + 1);
}

// ---------------------------------------------------------------------------------------
// Item 8: -o naming an input.

#[test]
fn output_naming_an_input_is_refused_and_the_article_kept() {
    type Case = (&'static str, fn(&Path) -> (Vec<PathBuf>, PathBuf));
    let cases: &[Case] = &[
        ("the file given", |d| {
            let a = good(d);
            (vec![a.clone()], a)
        }),
        ("a file found in the folder given", |d| {
            let a = good(d);
            (vec![d.join("articles")], a)
        }),
        ("a link to the input", |d| {
            let a = good(d);
            let link = d.join("link.txt");
            std::os::unix::fs::symlink(&a, &link).expect("ln");
            (vec![a], link)
        }),
        ("another spelling of the input's path", |d| {
            let a = good(d);
            (vec![a], d.join("articles").join(".").join("good.txt"))
        }),
        ("an input given among several", |d| {
            good(d);
            let other = d.join("other.txt");
            write(&other, "Fighting near Agadez.");
            (
                vec![other, d.join("articles")],
                d.join("articles/../articles/good.txt"),
            )
        }),
    ];
    for (name, setup) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let (inputs, out) = setup(dir.path());
        let o = parse_to(&inputs, &out);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("input"), "{name}: {err}");
        let article = dir.path().join("articles").join("good.txt");
        assert_eq!(
            fs::read_to_string(&article).expect("article"),
            ARTICLE,
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Items 9 and 10: leftovers of a killed write, permissions, links.

fn set_age(path: &Path, age: std::time::Duration) {
    let when = std::time::SystemTime::now() - age;
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .expect("set mtime");
}

#[test]
fn stale_leftovers_of_a_killed_write_are_removed_and_recent_ones_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = good(dir.path());
    let out = dir.path().join("out.jsonl");
    let stale = dir.path().join(".out.jsonl.gazette-partial-Ab12Cd");
    let recent = dir.path().join(".out.jsonl.gazette-partial-Ef34Gh");
    let other_target = dir.path().join(".other.jsonl.gazette-partial-Ij56Kl");
    for f in [&stale, &recent, &other_target] {
        write(f, "70 MB of a killed write");
    }
    set_age(&stale, std::time::Duration::from_secs(3600));
    set_age(&other_target, std::time::Duration::from_secs(3600));
    let o = parse_to(&[input], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !stale.exists(),
        "an hour-old leftover of this target is removed"
    );
    assert!(recent.exists(), "a recent one may be another write's: kept");
    assert!(other_target.exists(), "another target's is left alone");
    // And this write left nothing of its own.
    let partials = fs::read_dir(dir.path())
        .expect("ls")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().contains("gazette-partial"))
        })
        .count();
    assert_eq!(partials, 2);
}

#[test]
fn the_old_mode_is_kept_and_links_are_written_through() {
    for mode in [0o600, 0o640, 0o604] {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = good(dir.path());
        let real = dir.path().join("keep").join("real.jsonl");
        write(&real, "OLD");
        fs::set_permissions(&real, fs::Permissions::from_mode(mode)).expect("chmod");
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink("keep/real.jsonl", &link).expect("ln");
        for target in [&real, &link] {
            write(&real, "OLD");
            let o = parse_to(std::slice::from_ref(&input), target);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert!(fs::read_to_string(&real).expect("read").contains("Niamey"));
            let now = fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
            assert_eq!(now, mode, "writing to {}", target.display());
            assert!(fs::symlink_metadata(&link).expect("meta").is_symlink());
            assert_eq!(
                fs::read_link(&link).expect("link"),
                Path::new("keep/real.jsonl")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Items 2 and 5: streamed output, large GeoJSON.

#[test]
fn standard_output_and_a_file_get_the_same_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = good(dir.path());
    for format in ["geojson", "jsonl", "csv"] {
        let out = dir.path().join(format!("out.{format}"));
        let to_file = gazette([
            OsStr::new("parse"),
            input.as_os_str(),
            OsStr::new("--format"),
            OsStr::new(format),
            OsStr::new("-o"),
            out.as_os_str(),
        ]);
        assert_eq!(to_file.status.code(), Some(0), "{}", stderr(&to_file));
        let to_stdout = gazette([
            OsStr::new("parse"),
            input.as_os_str(),
            OsStr::new("--format"),
            OsStr::new(format),
        ]);
        assert_eq!(to_stdout.status.code(), Some(0), "{}", stderr(&to_stdout));
        assert_eq!(fs::read(&out).expect("read"), to_stdout.stdout, "{format}");
    }
}

#[test]
fn a_place_named_ten_thousand_times_stays_a_small_readable_feature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("dense.txt");
    write(&input, "Niamey. ".repeat(10_000));
    let geojson = dir.path().join("dense.geojson");
    let o = gazette([
        OsStr::new("parse"),
        input.as_os_str(),
        OsStr::new("-o"),
        geojson.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = fs::read_to_string(&geojson).expect("read");
    assert!(!text.contains("\n  "), "compact, not pretty-printed");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().expect("features");
    let niamey = features
        .iter()
        .find(|f| f["properties"]["name"] == "Niamey")
        .expect("Niamey");
    let props = &niamey["properties"];
    assert_eq!(props["mention_count"], 10_000);
    assert_eq!(props["mentions_truncated"], true);
    let listed = props["mentions"].as_array().expect("mentions").len();
    assert_eq!(listed, gazette::export::MAX_MENTIONS_PER_FEATURE);
    assert!(text.len() < 200_000, "{} bytes", text.len());
    // The full list is in JSON Lines.
    let o = gazette([
        OsStr::new("parse"),
        input.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("jsonl"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = String::from_utf8(o.stdout).expect("utf8");
    assert_eq!(
        lines.lines().filter(|l| l.contains("\"Niamey\"")).count(),
        10_000
    );

    let test = "a_place_named_ten_thousand_times_stays_a_small_readable_feature";
    if !prerequisites::tool_or_skip(test, "ogrinfo") {
        return;
    }
    let info = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(&geojson)
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
    assert!(stdout.contains("mentions_truncated"), "{stdout}");
}

// ---------------------------------------------------------------------------------------
// Item 14: a document path in every export.

#[test]
fn same_named_files_in_different_folders_are_told_apart_in_every_format() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    write(&a.join("x.txt"), ARTICLE);
    write(&b.join("x.txt"), "Fighting near Agadez.");
    // Two names that are not UTF-8 and read the same once made readable.
    let c = dir.path().join("c");
    write(&c.join(OsStr::from_bytes(b"caf\xe9.txt")), ARTICLE);
    write(&c.join(OsStr::from_bytes(b"caf\xef.txt")), ARTICLE);
    let root = dir.path().to_str().expect("utf8 temp dir");
    let expected = [
        format!("{root}/a/x.txt"),
        format!("{root}/b/x.txt"),
        format!("{root}/c/caf%E9.txt"),
        format!("{root}/c/caf%EF.txt"),
    ];
    for format in ["jsonl", "csv", "geojson"] {
        let o = gazette([
            OsStr::new("parse"),
            a.as_os_str(),
            b.as_os_str(),
            c.as_os_str(),
            OsStr::new("--format"),
            OsStr::new(format),
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let text = String::from_utf8(o.stdout).expect("utf8");
        let mut paths: Vec<String> = match format {
            "jsonl" => text
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).expect("json");
                    v["document_path"].as_str().expect("path").to_string()
                })
                .collect(),
            "csv" => {
                let header = text.lines().next().expect("header");
                assert!(
                    header.ends_with(",passage,document_path,title,date,url"),
                    "{header}"
                );
                text.lines()
                    .skip(1)
                    // document_path, before the (empty) title, date and url.
                    .map(|l| l.rsplit(',').nth(3).expect("field").to_string())
                    .collect()
            }
            _ => {
                let v: serde_json::Value = serde_json::from_str(&text).expect("json");
                v["features"]
                    .as_array()
                    .expect("features")
                    .iter()
                    .flat_map(|f| f["properties"]["mentions"].as_array().expect("m").clone())
                    .map(|m| m["document_path"].as_str().expect("path").to_string())
                    .collect()
            }
        };
        paths.sort();
        paths.dedup();
        assert_eq!(paths, expected, "{format}");
    }
}
