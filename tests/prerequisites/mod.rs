//! What an integration test may need from the machine (the shared corpora, a tool on PATH,
//! a user other than root) and what it does without: outside CI it says
//! `skipped: <test>: <reason>` and returns; in CI (`CI=true`), which provides them, it fails.
// Each test file compiles this module on its own and uses only some of it, so the rest
// would warn as unused in that file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether the tests run in CI: `CI=true` (`.ci/run` exports it; so do most CI services).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Says on stderr that a test did not run, and why. The caller then returns.
pub fn skip(test_name: &str, reason: &str) {
    eprintln!("skipped: {test_name}: {reason}");
}

/// Something a test needs that this machine lacks, and what the test does about it.
#[derive(Debug, PartialEq)]
pub enum Missing {
    /// Not in CI: the test is reported as skipped.
    Skip(String),
    /// In CI, which provides it: the test fails with this message.
    Fail(String),
}

impl Missing {
    fn new(test_name: &str, reason: String, ci: bool) -> Missing {
        if ci {
            Missing::Fail(format!(
                "{test_name}: {reason}; in CI (CI=true) that is a failure, not a skip"
            ))
        } else {
            Missing::Skip(reason)
        }
    }

    /// Prints the skip, or panics with the failure (at the test's line).
    #[track_caller]
    fn report(self, test_name: &str) {
        match self {
            Missing::Skip(reason) => skip(test_name, &reason),
            Missing::Fail(message) => panic!("{message}"),
        }
    }
}

/// Whether `.ci/run` found no shared corpora on this machine and said so in its log
/// (`GAZETTE_CORPORA_ABSENT=1`): then a missing corpus is skipped even in CI, where it
/// would otherwise fail. Only the CI script sets it, after checking.
pub fn corpora_declared_absent() -> bool {
    std::env::var("GAZETTE_CORPORA_ABSENT").is_ok_and(|v| v == "1")
}

/// The shared gold-standard corpora, beside the repository (not in it).
pub fn shared_corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

/// The folder `dir` if it holds every one of `files`, else why not.
pub fn check_corpus(
    test_name: &str,
    dir: &Path,
    files: &[&str],
    ci: bool,
) -> Result<PathBuf, Missing> {
    if !dir.is_dir() {
        let reason = format!(
            "{} not found (the gold corpora are not in the repository)",
            dir.display()
        );
        return Err(Missing::new(test_name, reason, ci));
    }
    for file in files {
        let path = dir.join(file);
        if !path.is_file() {
            let reason = format!("{} not found", path.display());
            return Err(Missing::new(test_name, reason, ci));
        }
    }
    Ok(dir.to_path_buf())
}

/// The shared corpora folder if it holds every one of `files`; else `None` after
/// reporting the test as skipped (outside CI) or failing it (in CI).
#[track_caller]
pub fn corpus_dir_or_skip(test_name: &str, files: &[&str]) -> Option<PathBuf> {
    match check_corpus(
        test_name,
        &shared_corpora(),
        files,
        in_ci() && !corpora_declared_absent(),
    ) {
        Ok(dir) => Some(dir),
        Err(missing) => {
            missing.report(test_name);
            None
        }
    }
}

/// Whether `tool --version` can be started, else why not.
pub fn check_tool(test_name: &str, tool: &str, ci: bool) -> Result<(), Missing> {
    match Command::new(tool).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(e) => {
            let reason = format!("`{tool}` cannot be run ({e}); .ci/run installs it");
            Err(Missing::new(test_name, reason, ci))
        }
    }
}

/// Whether `tool` can be run; if not, reports the test as skipped (outside CI) or fails
/// it (in CI) and returns false.
#[track_caller]
pub fn tool_or_skip(test_name: &str, tool: &str) -> bool {
    match check_tool(test_name, tool, in_ci()) {
        Ok(()) => true,
        Err(missing) => {
            missing.report(test_name);
            false
        }
    }
}

/// Whether the tests run as root (effective uid 0), for whom permissions deny nothing.
pub fn is_root() -> bool {
    // Linux: the second field of the `Uid:` line is the effective uid.
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("Uid:"))
        && let Some(euid) = line.split_whitespace().nth(2)
    {
        return euid == "0";
    }
    // Elsewhere: the owner of a file this process creates.
    use std::os::unix::fs::MetadataExt;
    tempfile::tempfile()
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_corpus_folder_is_a_skip_here_and_a_failure_in_ci() {
        let dir = tempfile::tempdir().expect("tempdir");
        let absent = dir.path().join("no-corpora");
        match check_corpus("t", &absent, &[], false) {
            Err(Missing::Skip(reason)) => assert!(reason.contains("no-corpora"), "{reason}"),
            other => panic!("{other:?}"),
        }
        match check_corpus("t", &absent, &[], true) {
            Err(Missing::Fail(message)) => {
                assert!(message.starts_with("t: "), "{message}");
                assert!(message.contains("no-corpora"), "{message}");
                assert!(message.contains("CI=true"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_corpus_file_is_a_skip_here_and_a_failure_in_ci() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.xml"), "<a/>").expect("write");
        assert_eq!(
            check_corpus("t", dir.path(), &["a.xml"], true),
            Ok(dir.path().to_path_buf())
        );
        for ci in [false, true] {
            match check_corpus("t", dir.path(), &["a.xml", "b.xml"], ci) {
                Err(Missing::Skip(reason)) if !ci => assert!(reason.contains("b.xml"), "{reason}"),
                Err(Missing::Fail(message)) if ci => {
                    assert!(message.contains("b.xml"), "{message}")
                }
                other => panic!("ci {ci}: {other:?}"),
            }
        }
    }

    #[test]
    #[should_panic(expected = "CI=true")]
    fn a_failure_in_ci_panics() {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Err(missing) = check_corpus("t", &dir.path().join("absent"), &[], true) {
            missing.report("t");
        }
    }

    #[test]
    fn a_tool_that_starts_is_there() {
        assert_eq!(check_tool("t", env!("CARGO"), true), Ok(()));
    }

    #[test]
    fn a_missing_tool_is_a_skip_here_and_a_failure_in_ci() {
        let tool = "gazette-test-no-such-tool";
        match check_tool("t", tool, false) {
            Err(Missing::Skip(reason)) => assert!(reason.contains(tool), "{reason}"),
            other => panic!("{other:?}"),
        }
        match check_tool("t", tool, true) {
            Err(Missing::Fail(message)) => assert!(message.contains(tool), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn is_root_agrees_with_the_owner_of_a_new_file() {
        use std::os::unix::fs::MetadataExt;
        let uid = tempfile::tempfile()
            .and_then(|f| f.metadata())
            .expect("a temporary file")
            .uid();
        assert_eq!(is_root(), uid == 0);
    }
}
