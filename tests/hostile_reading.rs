//! Reading what a careful adversary (or an unlucky folder) puts in front of Gazette:
//! named pipes, sockets and devices where articles should be, `/dev/zero` linked as an
//! article, files larger than the limit, UTF-8 with stray bytes, UTF-32, file names that
//! are not UTF-8, and what offsets refer to after decoding. Each must be skipped with a
//! message naming the file or decoded without losing text, and no load may hang.

mod prerequisites;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use gazette::corpus::{
    self, Document, DocumentError, Encoding, Input, LoadEvent, MAX_DOCUMENT_BYTES,
};
use gazette::gazetteer::Gazetteer;
use gazette::geoparse::Geoparser;

/// Long enough for any machine; only a load that never ends reaches it.
const HANG: Duration = Duration::from_secs(120);

fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| Gazetteer::load_bundled().expect("the bundled gazetteer"))
}

/// What a load reported, in order, in a form tests can compare.
#[derive(Debug, Default)]
struct Outcome {
    /// Documents read: name, text and decoding warning.
    documents: Vec<(String, String, Option<String>)>,
    /// Every skipped input.
    skipped: Vec<DocumentError>,
    /// `(loaded, skipped)` from `Finished`.
    finished: Option<(usize, usize)>,
    /// The parsed documents, for their mentions.
    parsed: Vec<corpus::ParsedDocument>,
}

/// Runs [`corpus::load`] on another thread and waits for it: a load that does not
/// finish within [`HANG`] fails the test (as a hang, not as slowness).
fn load(inputs: Vec<Input>) -> Outcome {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let parser = Geoparser::new(gazetteer());
        let mut outcome = Outcome::default();
        corpus::load(
            &parser,
            inputs,
            &AtomicBool::new(false),
            &mut |event| match event {
                LoadEvent::Document {
                    parsed, warning, ..
                } => {
                    let d = &parsed.document;
                    outcome
                        .documents
                        .push((d.name.clone(), d.text.clone(), warning));
                    outcome.parsed.push(parsed);
                }
                LoadEvent::Skipped(e) => outcome.skipped.push(e),
                LoadEvent::Note(_) | LoadEvent::More { .. } => {}
                LoadEvent::Finished { loaded, skipped } => {
                    outcome.finished = Some((loaded, skipped))
                }
                LoadEvent::Started { .. } => {}
                LoadEvent::Section { .. } => panic!("`load` gives documents whole"),
            },
        );
        let _ = send.send(outcome);
    });
    receive
        .recv_timeout(HANG)
        .expect("the load hung (or its thread panicked)")
}

/// Makes a named pipe with the `mkfifo` command; `None` (after saying the test was
/// skipped) where there is none.
fn mkfifo(test: &str, path: &Path) -> Option<()> {
    match std::process::Command::new("mkfifo").arg(path).status() {
        Ok(status) if status.success() => Some(()),
        other => {
            prerequisites::skip(test, &format!("mkfifo cannot make a named pipe: {other:?}"));
            None
        }
    }
}

fn skip_messages(outcome: &Outcome) -> Vec<String> {
    outcome.skipped.iter().map(|e| e.to_string()).collect()
}

/// A named pipe, a socket and `/dev/zero` linked as an article: in a folder, given as a
/// path and reopened from a session, each is skipped with a message naming it and its
/// kind, and the load finishes with the good article read.
#[cfg(unix)]
#[test]
fn special_files_are_skipped_and_the_load_finishes() {
    let test = "special_files_are_skipped_and_the_load_finishes";
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("mkdir");
    std::fs::write(articles.join("good.txt"), "Troops left Niamey.").expect("write");
    let pipe = articles.join("pipe.txt");
    let Some(()) = mkfifo(test, &pipe) else {
        return;
    };
    let socket = articles.join("socket.txt");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("a socket");
    let mut specials: Vec<(PathBuf, &str)> =
        vec![(pipe.clone(), "a named pipe"), (socket.clone(), "a socket")];
    let zero = articles.join("zero.txt");
    if Path::new("/dev/zero").exists() {
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        specials.push((zero.clone(), "a character device"));
    } else {
        prerequisites::skip(test, "no /dev/zero: that case is left out");
    }

    let mut inputs = vec![Input::Path(articles.clone())];
    for (path, _) in &specials {
        inputs.push(Input::Path(path.clone()));
        inputs.push(Input::File {
            path: path.clone(),
            name: "from a session".into(),
            record: None,
            fields: Default::default(),
        });
    }
    let outcome = load(inputs);

    let names: Vec<&str> = outcome.documents.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(names, ["good.txt"]);
    let messages = skip_messages(&outcome);
    for (path, kind) in &specials {
        let expected = format!("{} is not a regular file ({kind}); skipped", path.display());
        // Once from the folder, once given as a path, once from a session.
        let seen = messages.iter().filter(|m| **m == expected).count();
        assert_eq!(seen, 3, "{expected:?} in {messages:#?}");
    }
    assert!(
        outcome
            .skipped
            .iter()
            .all(|e| matches!(e, DocumentError::NotRegular { .. }) && !e.is_read_failure()),
        "{messages:#?}"
    );
    assert_eq!(outcome.finished, Some((1, 3 * specials.len())));
}

/// The size limit holds for the bytes a file holds, not only for what it reports:
/// `/dev/zero` given directly as `a.txt` is refused at once (it is a device), and a
/// regular file over the limit is refused from its size, both named in the message.
#[cfg(unix)]
#[test]
fn endless_and_oversized_files_are_refused() {
    let test = "endless_and_oversized_files_are_refused";
    let dir = tempfile::tempdir().expect("tempdir");
    if Path::new("/dev/zero").exists() {
        let zero = dir.path().join("a.txt");
        std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
        let outcome = load(vec![Input::Path(zero.clone())]);
        assert!(outcome.documents.is_empty());
        assert_eq!(
            skip_messages(&outcome),
            [format!(
                "{} is not a regular file (a character device); skipped",
                zero.display()
            )]
        );
    } else {
        prerequisites::skip(test, "no /dev/zero: that case is left out");
    }

    // Sparse: no disk space is used.
    let big = dir.path().join("big.txt");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(MAX_DOCUMENT_BYTES + 1).expect("set_len");
    drop(file);
    let err = Document::read(&big, "big.txt".into()).expect_err("too large");
    assert!(
        matches!(err, DocumentError::TooLarge { size, max, .. }
            if size == MAX_DOCUMENT_BYTES + 1 && max == MAX_DOCUMENT_BYTES),
        "{err}"
    );
    assert!(err.to_string().contains("big.txt"), "{err}");
    // At the limit exactly, it is read.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .expect("open");
    file.set_len(MAX_DOCUMENT_BYTES).expect("set_len");
    drop(file);
    // All NUL bytes: read in full, then refused as binary, not as too large.
    assert!(matches!(
        Document::read(&big, "big.txt".into()),
        Err(DocumentError::Binary { .. })
    ));
}

/// How each file's bytes come out as text: UTF-8 keeps its accents around a stray byte
/// (with a warning counting the bytes replaced), Windows-1252 stays Windows-1252, and
/// UTF-32 with a byte-order mark is UTF-32.
#[test]
fn files_decode_without_losing_their_accents() {
    let utf32 = |bom: [u8; 4], text: &str, unit: fn(u32) -> [u8; 4]| -> Vec<u8> {
        bom.into_iter()
            .chain(text.chars().flat_map(|c| unit(u32::from(c))))
            .collect()
    };
    let stray = [
        "Ségou, São Paulo".as_bytes(),
        b"\xFF",
        " and Zürich".as_bytes(),
    ]
    .concat();
    let cases: Vec<(&str, Vec<u8>, &str, Option<&str>)> = vec![
        (
            "stray.txt",
            stray,
            "Ségou, São Paulo\u{FFFD} and Zürich",
            Some("1 byte is not valid UTF-8, replaced by U+FFFD in 1 place"),
        ),
        (
            "latin.txt",
            b"S\xE9gou, S\xE3o Paulo and Z\xFCrich".to_vec(),
            "Ségou, São Paulo and Zürich",
            Some("not valid UTF-8, decoded as Windows-1252"),
        ),
        (
            "utf32le.txt",
            utf32([0xFF, 0xFE, 0, 0], "Ségou and Zürich", u32::to_le_bytes),
            "Ségou and Zürich",
            Some("decoded as UTF-32"),
        ),
        (
            "utf32be.txt",
            utf32([0, 0, 0xFE, 0xFF], "São Paulo", u32::to_be_bytes),
            "São Paulo",
            Some("decoded as UTF-32"),
        ),
        ("plain.txt", "Ségou".as_bytes().to_vec(), "Ségou", None),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes, _, _) in &cases {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let outcome = load(vec![Input::Path(dir.path().to_path_buf())]);
    assert!(outcome.skipped.is_empty(), "{:#?}", skip_messages(&outcome));
    for (name, _, text, warning) in cases {
        let (_, got_text, got_warning) = outcome
            .documents
            .iter()
            .find(|d| d.0 == name)
            .unwrap_or_else(|| panic!("{name} was read"));
        assert_eq!(got_text, text, "{name}");
        match (warning, got_warning) {
            (None, None) => {}
            (Some(expected), Some(got)) => assert!(
                got.contains(expected) && got.contains(name),
                "{name}: {got:?} should name the file and say {expected:?}"
            ),
            (expected, got) => panic!("{name}: warning {got:?}, expected {expected:?}"),
        }
    }
    // The encoding the library reports for the same bytes.
    let (_, encoding) = corpus::decode(b"\xFF\xFE\x00\x00").expect("text");
    assert_eq!(encoding, Encoding::Utf32);
}

/// File names that are not UTF-8 stay distinct (and visibly escaped) instead of
/// collapsing into one name with U+FFFD.
#[cfg(unix)]
#[test]
fn non_utf8_file_names_get_distinct_names() {
    use std::os::unix::ffi::OsStrExt;
    let test = "non_utf8_file_names_get_distinct_names";
    let dir = tempfile::tempdir().expect("tempdir");
    let files: [(&[u8], &str); 3] = [
        (b"caf\xE9.txt", "caf%E9.txt"),
        (b"caf\xFF.txt", "caf%FF.txt"),
        (b"caf%E9.txt", "caf%25E9.txt"),
    ];
    for (bytes, _) in files {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(bytes));
        // Windows-1252, so that each file's warning names it.
        if let Err(e) = std::fs::write(&path, b"Caf\xE9s in Agadez.") {
            prerequisites::skip(
                test,
                &format!("this file system refuses the name {bytes:?}: {e}"),
            );
            return;
        }
    }
    let outcome = load(vec![Input::Path(dir.path().to_path_buf())]);
    let mut names: Vec<&str> = outcome.documents.iter().map(|d| d.0.as_str()).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = files.iter().map(|f| f.1).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
    // Messages tell the two apart too, naming each as its document name does.
    let warnings: Vec<&str> = outcome
        .documents
        .iter()
        .filter_map(|d| d.2.as_deref())
        .collect();
    for name in ["caf%E9.txt", "caf%FF.txt"] {
        let start = format!("{}/{name}: not valid UTF-8", dir.path().display());
        assert!(
            warnings.iter().any(|w| w.starts_with(&start)),
            "{start:?} in {warnings:#?}"
        );
    }
    // Given directly, a file gets the same name.
    let direct = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xE9.txt"));
    let outcome = load(vec![Input::Path(direct)]);
    let names: Vec<&str> = outcome.documents.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(names, ["caf%E9.txt"]);
}

/// Offsets are byte offsets into the decoded UTF-8 text: after a BOM is removed and
/// after UTF-16 or Windows-1252 is re-encoded, `text[start..end]` is still the mention
/// (and is not where it stands in the file).
#[test]
fn offsets_slice_the_decoded_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sentence = "Troops left Niamey for Agadez.";
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(sentence.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let files: [(&str, Vec<u8>); 3] = [
        (
            "bom.txt",
            [&b"\xEF\xBB\xBF"[..], sentence.as_bytes()].concat(),
        ),
        ("utf16.txt", utf16),
        ("latin.txt", b"Caf\xE9s in Niamey closed.".to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let outcome = load(vec![Input::Path(dir.path().to_path_buf())]);
    assert_eq!(outcome.parsed.len(), 3);
    for parsed in &outcome.parsed {
        let text = &parsed.document.text;
        let niamey = parsed
            .mentions
            .iter()
            .find(|m| m.text == "Niamey")
            .unwrap_or_else(|| panic!("{}: Niamey found", parsed.document.name));
        assert_eq!(
            text.get(niamey.start..niamey.end),
            Some("Niamey"),
            "{}",
            parsed.document.name
        );
        let raw = std::fs::read(dir.path().join(&parsed.document.name)).expect("read");
        assert_ne!(
            raw.get(niamey.start..niamey.end),
            Some(&b"Niamey"[..]),
            "{}: the offsets are the decoded text's, not the file's",
            parsed.document.name
        );
    }
}

/// The command line, given a folder with a named pipe in it and the pipe itself,
/// finishes, names the pipe on stderr, and still writes the good article.
#[cfg(unix)]
#[test]
fn the_command_line_does_not_hang_on_a_named_pipe() {
    let test = "the_command_line_does_not_hang_on_a_named_pipe";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.txt"), "Troops left Niamey.").expect("write");
    let pipe = dir.path().join("pipe.txt");
    let Some(()) = mkfifo(test, &pipe) else {
        return;
    };
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("parse")
        .arg(dir.path())
        .arg(&pipe)
        .args(["--format", "jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("gazette runs");
    let pid = child.id();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    let output = match receive.recv_timeout(HANG) {
        Ok(output) => output.expect("gazette's output"),
        Err(_) => {
            // Only the process this test started, by its id.
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("gazette hung on a named pipe");
        }
    };
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "{} is not a regular file (a named pipe); skipped",
        pipe.display()
    );
    assert_eq!(err.matches(&expected).count(), 2, "{err}");
    assert!(out.contains("\"good.txt\""), "{out}");
}
