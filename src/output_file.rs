//! Writing an output file so that nothing already there is lost: the new content goes to
//! a temporary file beside the target, created exclusively under a random name, and is
//! renamed over the target only once it is complete and synced.
//!
//! What is at the target decides what happens:
//! - nothing: a new file is made (mode 0666 less the umask, like any new file);
//! - a regular file: it is replaced, keeping its permission bits (0600 stays 0600);
//! - a symbolic link: the write goes *through* it, so the link stays a link and the file
//!   it points to is replaced (atomically, in that file's own folder);
//! - anything else (a device, a FIFO, a socket, a folder): refused with
//!   [`NotRegularFile`] before anything is created or touched.
//!
//! The temporary file is named `.NAME.gazette-partial-XXXXXX` so that one left behind
//! (the process was killed mid-write) says what it is; the next write to the same target
//! removes such leftovers once they are [`STALE_AFTER`] old (see
//! [`remove_stale_partials`] for why that is safe).

use std::ffi::{OsStr, OsString};
use std::fs::{self, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::sync_behind::SyncBehind;

/// What follows the target's name in a temporary file's name, before the random part.
pub const PARTIAL_MARKER: &str = ".gazette-partial-";

/// How many random characters end a temporary file's name.
const RANDOM_CHARS: usize = 6;

/// Longest part of the target's name (in bytes) kept in a temporary file's name, so the
/// whole name stays under the usual 255-byte limit.
const MAX_NAME_IN_PREFIX: usize = 200;

/// How many symbolic links are followed before giving up (Linux's own limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// A temporary file of ours not modified for this long belongs to a write that died: no
/// live write leaves its file untouched that long while writing it (it is written through
/// a buffer and renamed as soon as it is complete).
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// The target exists and is not a regular file (or a link to one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("it is {kind}, not a regular file; nothing was written")]
pub struct NotRegularFile {
    /// What it is, with an article ("a folder", "a character device", …).
    pub kind: &'static str,
}

/// Where a write to a path lands: the path itself, or the file its symbolic links lead
/// to; and what is there now.
#[derive(Debug)]
pub struct Target {
    /// The file that will be replaced or created (symbolic links followed).
    pub path: PathBuf,
    /// Its metadata if it exists (always a regular file).
    pub existing: Option<Metadata>,
}

/// The folder holding `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Where a write to `path` would land, following symbolic links; an error
/// ([`NotRegularFile`] inside an [`io::ErrorKind::InvalidInput`]) if something other than
/// a regular file is there. Touches nothing.
pub fn resolve_target(path: &Path) -> io::Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = if link.is_absolute() {
                    link
                } else {
                    folder_of(&current).join(link)
                };
            }
            Ok(meta) if meta.is_file() => {
                return Ok(Target {
                    path: current,
                    existing: Some(meta),
                });
            }
            Ok(meta) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    NotRegularFile {
                        kind: crate::regular_file::kind_of(meta.file_type()),
                    },
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Target {
                    path: current,
                    existing: None,
                });
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("more than {MAX_SYMLINK_HOPS} symbolic links to follow"),
    ))
}

/// The start of the temporary files' names for a target named `file_name`:
/// `.NAME.gazette-partial-`.
fn partial_prefix(file_name: &OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = file_name.as_bytes();
        let kept = &bytes[..bytes.len().min(MAX_NAME_IN_PREFIX)];
        prefix.push(OsStr::from_bytes(kept));
    }
    #[cfg(not(unix))]
    {
        let name = file_name.to_string_lossy();
        let mut end = name.len().min(MAX_NAME_IN_PREFIX);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        prefix.push(&name[..end]);
    }
    prefix.push(PARTIAL_MARKER);
    prefix
}

/// Whether `name` is `prefix` followed by exactly the random part tempfile adds.
fn is_partial_name(name: &OsStr, prefix: &OsStr) -> bool {
    let (Some(name), Some(prefix)) = (name.to_str(), prefix.to_str()) else {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            return name
                .as_bytes()
                .strip_prefix(prefix.as_bytes())
                .is_some_and(|rest| {
                    rest.len() == RANDOM_CHARS && rest.iter().all(u8::is_ascii_alphanumeric)
                });
        }
        #[cfg(not(unix))]
        return false;
    };
    name.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == RANDOM_CHARS && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Removes, from `folder`, temporary files of earlier writes to the same target (names
/// `prefix` + the random part) that are regular files owned by `owner` (on unix) and were
/// last modified at least [`STALE_AFTER`] ago. Returns how many were removed.
///
/// Removal is safe: the exact prefix names only our own temporary files for this target,
/// a symbolic link or anything not a regular file is left alone (and removing a link
/// would not touch what it points to anyway), and a live write modifies its file
/// continually until it renames it. At worst a write stalled for ten minutes loses its
/// temporary file: its rename then fails and the target keeps its old content — nothing
/// anyone had is lost. Errors are ignored: leftovers are a nuisance, not a failure.
pub fn remove_stale_partials(folder: &Path, prefix: &OsStr, owner: Option<u32>) -> usize {
    let Ok(entries) = fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        if !is_partial_name(&entry.file_name(), prefix) {
            continue;
        }
        // DirEntry::metadata does not follow symbolic links.
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if owner.is_some_and(|uid| uid != meta.uid()) {
                continue;
            }
        }
        #[cfg(not(unix))]
        let _ = owner;
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if old && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Writes to `path` atomically what `write` writes (through a buffer): into a temporary
/// file created exclusively beside the target (see the module docs for links, modes and
/// what is refused), synced, then renamed over the target. On any failure, including one
/// returned by `write`, the target is as it was and the temporary file is removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve_target(path)?;
    let file_name = target
        .path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let folder = folder_of(&target.path);
    let prefix = partial_prefix(file_name);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(RANDOM_CHARS);
    #[cfg(unix)]
    if target.existing.is_none() {
        // A new file gets the mode any new file gets (0666 less the umask), not
        // tempfile's 0600. An existing file's own mode is set below, before the rename.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    // Exclusive creation (O_EXCL) under a random name: a planted file or link at any
    // name is never opened.
    let mut tmp = builder.tempfile_in(folder)?;

    #[cfg(unix)]
    let owner = {
        use std::os::unix::fs::MetadataExt;
        tmp.as_file().metadata().ok().map(|m| m.uid())
    };
    #[cfg(not(unix))]
    let owner = None;
    remove_stale_partials(folder, &prefix, owner);

    {
        // Synced behind the writes, so that the sync below waits for the last bytes only.
        let handle = tmp.as_file().try_clone()?;
        let buffered = BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        let mut out = SyncBehind::new(buffered, handle);
        write(&mut out)?;
        out.finish()?;
    }
    if let Some(old) = &target.existing {
        keep_mode_and_owner(tmp.as_file(), old)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&target.path).map_err(|e| e.error)?;
    sync_folder(folder);
    Ok(())
}

/// Gives the new file the replaced file's permission bits (setuid, setgid and sticky
/// bits are not carried over) and, where allowed, its owner and group.
fn keep_mode_and_owner(file: &fs::File, old: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // Only root may give a file away, and a user only to a group they belong to; when
        // that fails the new file is the writer's, as any file they create. The mode is
        // what matters for who can read it, and that is always kept.
        if let Ok(new) = file.metadata()
            && (new.uid(), new.gid()) != (old.uid(), old.gid())
        {
            let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
        }
        file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o777))
    }
    #[cfg(not(unix))]
    {
        file.set_permissions(old.permissions())
    }
}

/// Makes the rename durable (best effort: not every platform can sync a folder).
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// Writes `bytes` to `path` atomically; see [`write_atomically`].
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically(path, |out| out.write_all(bytes))
}

/// Whether two metadata describe the same file (same device and inode on unix).
#[cfg(unix)]
pub fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// The first of `files` that is the same file as `output` (links followed), if `output`
/// exists. Files that cannot be examined are not the output.
pub fn find_same_file<'a>(
    output: &Path,
    files: impl IntoIterator<Item = &'a Path>,
) -> Option<&'a Path> {
    find_same_listed(output, files.into_iter().map(|f| (f, None)))
}

/// [`find_same_file`] for files listed with the inode number of their folder entry, if
/// that entry is a regular file ([`crate::corpus::article_file_inodes`]): such a file is
/// examined only if that number is the output's, so a folder of 100,076 articles is not
/// examined file by file (~0.2 s of system time, a twentieth of the batch on one core).
/// The others (links, files listed without a number) are examined one by one. The same
/// answer as examining every file, except for a file mounted over an entry (a bind
/// mount), whose entry's number is the covered file's; renaming onto such a path fails
/// anyway, so nothing is lost there either. Off Unix the numbers are not used.
pub fn find_same_listed<'a>(
    output: &Path,
    files: impl IntoIterator<Item = (&'a Path, Option<u64>)>,
) -> Option<&'a Path> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let out = fs::metadata(output).ok()?;
        files
            .into_iter()
            .filter(|&(_, ino)| ino.is_none_or(|ino| ino == out.ino()))
            .map(|(f, _)| f)
            .find(|f| fs::metadata(f).is_ok_and(|m| same_file(&out, &m)))
    }
    #[cfg(not(unix))]
    {
        let out = fs::canonicalize(output).ok()?;
        files
            .into_iter()
            .map(|(f, _)| f)
            .find(|f| fs::canonicalize(f).is_ok_and(|c| c == out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .expect("ls")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(PARTIAL_MARKER))
            .collect()
    }

    #[test]
    fn replaces_and_keeps_old_on_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out.json");
        atomic_write(&p, b"one").expect("write");
        atomic_write(&p, b"two").expect("overwrite");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        // A folder that does not exist: error, nothing written.
        let bad = dir.path().join("missing").join("out.json");
        assert!(atomic_write(&bad, b"x").is_err());
        // A failing writer leaves the old file and no temporary file.
        let err = write_atomically(&p, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("interrupted"))
        })
        .expect_err("fails");
        assert_eq!(err.to_string(), "interrupted");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).expect("mkdir");
        let err = atomic_write(&sub, b"x").expect_err("a folder");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("a folder"), "{err}");
        assert!(sub.is_dir());
        assert!(leftovers(dir.path()).is_empty());
        #[cfg(unix)]
        {
            let err = atomic_write(Path::new("/dev/null"), b"x").expect_err("a device");
            assert!(err.to_string().contains("character device"), "{err}");
            let inner = err
                .get_ref()
                .and_then(|e| e.downcast_ref::<NotRegularFile>());
            assert!(inner.is_some());
        }
    }

    #[test]
    fn partial_names_are_recognised_exactly() {
        let prefix = partial_prefix(OsStr::new("out.csv"));
        assert_eq!(prefix, ".out.csv.gazette-partial-");
        for (name, ours) in [
            (".out.csv.gazette-partial-a1B2c3", true),
            (".out.csv.gazette-partial-a1B2c", false),
            (".out.csv.gazette-partial-a1B2c3d", false),
            (".out.csv.gazette-partial-a1B2-3", false),
            (".out.csv.x.gazette-partial-a1B2c3", false),
            (".out.csv.tmp-1234", false),
            ("out.csv", false),
        ] {
            assert_eq!(is_partial_name(OsStr::new(name), &prefix), ours, "{name}");
        }
        let long = "n".repeat(300);
        assert!(partial_prefix(OsStr::new(&long)).len() < 255 - RANDOM_CHARS);
    }

    #[test]
    fn stale_partials_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out.csv");
        let stale = dir.path().join(".out.csv.gazette-partial-OLD123");
        let fresh = dir.path().join(".out.csv.gazette-partial-NEW123");
        let other = dir.path().join(".other.csv.gazette-partial-OLD123");
        for f in [&stale, &fresh, &other] {
            fs::write(f, "partial").expect("w");
        }
        let long_ago = std::time::SystemTime::now() - STALE_AFTER - Duration::from_secs(60);
        for f in [&stale, &other] {
            fs::File::options()
                .write(true)
                .open(f)
                .and_then(|f| f.set_modified(long_ago))
                .expect("age");
        }
        atomic_write(&p, b"new").expect("write");
        assert!(!stale.exists(), "a stale partial of this target is removed");
        assert!(fresh.exists(), "a recent one may be a live write: kept");
        assert!(other.exists(), "another target's partial is not ours");
        assert_eq!(fs::read(&p).expect("read"), b"new");
    }

    #[test]
    fn finds_the_output_among_the_inputs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        fs::write(&a, "A").expect("w");
        fs::write(&b, "B").expect("w");
        let files = [a.as_path(), b.as_path()];
        assert_eq!(find_same_file(&b, files), Some(b.as_path()));
        let absent = dir.path().join("c.txt");
        assert_eq!(find_same_file(&absent, files), None);
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&a, &link).expect("ln");
            assert_eq!(find_same_file(&link, files), Some(a.as_path()));
        }
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_and_writes_through_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).expect("mkdir");
        let real = real_dir.join("data.json");
        fs::write(&real, "old").expect("w");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real/data.json", &link).expect("ln");
        atomic_write(&link, b"new").expect("write");
        assert!(fs::symlink_metadata(&link).expect("meta").is_symlink());
        assert_eq!(fs::read(&real).expect("read"), b"new");
        let mode = fs::metadata(&real).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(leftovers(dir.path()).is_empty() && leftovers(&real_dir).is_empty());
        // A link to a link to nothing: the file is made where the chain ends.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("real/fresh.json", &dangling).expect("ln");
        atomic_write(&dangling, b"fresh").expect("write");
        assert_eq!(
            fs::read(real_dir.join("fresh.json")).expect("read"),
            b"fresh"
        );
        // A loop of links is an error, not a hang.
        let (x, y) = (dir.path().join("x"), dir.path().join("y"));
        std::os::unix::fs::symlink(&y, &x).expect("ln");
        std::os::unix::fs::symlink(&x, &y).expect("ln");
        assert!(atomic_write(&x, b"loop").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_listed_file_is_found_as_examining_each_file_finds_it() {
        // The output outside the folder, then reached from inside it by a hard link
        // (same inode number) and by a symbolic link (examined as a link).
        let dir = tempfile::tempdir().expect("tempdir");
        let articles = dir.path().join("articles");
        fs::create_dir_all(articles.join("sub")).expect("mkdir");
        for name in ["a.txt", "b.txt", "sub/c.txt"] {
            fs::write(articles.join(name), name).expect("w");
        }
        let output = dir.path().join("out.txt");
        fs::write(&output, "out").expect("w");
        let same_by_both = |expected: Option<&str>| {
            let listed = crate::corpus::article_file_inodes(&articles).expect("list");
            let found = find_same_listed(&output, listed.iter().map(|(p, i)| (p.as_path(), *i)));
            let examined = find_same_file(&output, listed.iter().map(|(p, _)| p.as_path()));
            assert_eq!(found, examined);
            assert_eq!(
                found.map(|p| p.to_path_buf()),
                expected.map(|n| articles.join(n))
            );
            // Regular entries come with their inode number, links without.
            for (p, ino) in &listed {
                let entry = fs::symlink_metadata(p).expect("meta");
                assert_eq!(ino.is_some(), entry.is_file(), "{}", p.display());
            }
        };
        same_by_both(None);
        fs::hard_link(&output, articles.join("sub/hard.txt")).expect("ln");
        same_by_both(Some("sub/hard.txt"));
        fs::remove_file(articles.join("sub/hard.txt")).expect("rm");
        std::os::unix::fs::symlink(&output, articles.join("soft.txt")).expect("ln");
        same_by_both(Some("soft.txt"));
        // A file named directly is examined.
        let named = [(output.as_path(), None)];
        assert_eq!(find_same_listed(&output, named), Some(output.as_path()));
    }
}
