//! Reading and writing files without destroying anything.
//!
//! * [`write_atomic`] writes through a temporary file in the target's
//!   directory (the `tempfile` crate), flushed, then renamed over the
//!   target: a reader sees the old file or the new one, never half of one.
//!   It **refuses** to replace anything but a regular file: a symlink, a
//!   FIFO, a device or a directory at the target is left alone and the
//!   write fails with an input error (exit 2) (exit 2), because renaming
//!   over it would silently turn `/dev/full` or a user's symlink into a
//!   regular file. Temporary files a killed heaplab left behind
//!   (`.NAME.PID.*.tmp`, PID no longer running) are removed on the next
//!   write to the same directory.
//! * [`read_limited`] reads only regular files, at most a given size, so a
//!   FIFO cannot block heaplab and `/dev/zero` cannot exhaust its memory.
//! * [`check_output`] and [`check_output_dir`] run the same checks before
//!   a long measurement, so a bad `--out` is refused in a second, not after
//!   ten minutes; [`same_file`] catches an output that would overwrite an input.

use crate::error::Error;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What kind of thing is at `path`, in words, when it is not a regular file.
fn not_regular(meta: &fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_symlink() {
        Some("a symbolic link")
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// Checks that `path` may be written by [`write_atomic`]: absent, or a
/// regular file (not a symlink to one), with a directory (or a place for
/// one) above it.
///
/// # Errors
///
/// an input error (exit 2) saying what is in the way.
///
/// ```
/// use heaplab::results::files::check_output;
/// assert!(check_output(std::path::Path::new("/dev/null")).is_err());
/// assert!(check_output(&std::env::temp_dir().join("heaplab-absent/x.json")).is_ok());
/// ```
pub fn check_output(path: &Path) -> Result<(), Error> {
    if path.file_name().is_none() || path.as_os_str().is_empty() {
        return Err(Error::input(format!(
            "{} is not a file path",
            path.display()
        )));
    }
    if let Ok(meta) = fs::symlink_metadata(path)
        && let Some(kind) = not_regular(&meta)
    {
        return Err(Error::input(format!(
            "refusing to replace {}: it is {kind}; heaplab only replaces regular files (give another path)",
            path.display()
        )));
    }
    let mut ancestor = path.parent();
    while let Some(dir) = ancestor.filter(|d| !d.as_os_str().is_empty()) {
        match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => return Ok(()),
            Ok(_) => {
                return Err(Error::input(format!(
                    "cannot write {}: {} is not a directory",
                    path.display(),
                    dir.display()
                )));
            }
            Err(_) => ancestor = dir.parent(),
        }
    }
    Ok(())
}

/// Checks that `dir` can hold heaplab's output: it is a directory (or can
/// be created) and a file can be written in it. Creates it when missing.
///
/// # Errors
///
/// an input error (exit 2) naming the path and why.
pub fn check_output_dir(dir: &Path) -> Result<(), Error> {
    if let Ok(meta) = fs::metadata(dir)
        && !meta.is_dir()
    {
        return Err(Error::input(format!(
            "--out {} is not a directory",
            dir.display()
        )));
    }
    fs::create_dir_all(dir)
        .map_err(|e| Error::input(format!("cannot create {}: {e}", dir.display())))?;
    tempfile::Builder::new()
        .prefix(".heaplab-probe.")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| Error::input(format!("cannot write in {}: {e}", dir.display())))
}

/// Whether `a` and `b` name the same file (the same inode when both exist,
/// else the same absolute path).
///
/// ```
/// use std::path::Path;
/// use heaplab::results::files::same_file;
/// assert!(same_file(Path::new("/etc/hostname"), Path::new("/etc/../etc/hostname")));
/// assert!(!same_file(Path::new("/etc/hostname"), Path::new("/etc/hosts")));
/// ```
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => absolute(a) == absolute(b),
    }
}

fn absolute(path: &Path) -> PathBuf {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    parent.join(path.file_name().unwrap_or_default())
}

/// Reads a regular file of at most `limit` bytes.
///
/// # Errors
///
/// an input error (exit 2) for a FIFO, a device, a directory or a file over
/// the limit; a run error (exit 1) when it cannot be read.
///
/// ```
/// use heaplab::{error::Error, results::files::read_limited};
/// assert!(matches!(read_limited(std::path::Path::new("/dev/zero"), 1024), Err(Error { code: 2, .. })));
/// ```
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let io = |e: std::io::Error| Error::run(format!("cannot read {}: {e}", path.display()));
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = fs::metadata(path).map_err(io)?;
    if let Some(kind) = not_regular(&meta) {
        return Err(Error::input(format!(
            "cannot read {}: it is {kind}, not a regular file",
            path.display()
        )));
    }
    if meta.len() > limit {
        return Err(Error::input(format!(
            "{} is {} bytes, over heaplab's limit of {limit} for this kind of file",
            path.display(),
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .map_err(io)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(Error::input(format!(
            "{} grew over heaplab's limit of {limit} bytes while being read",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` atomically (see the module docs). Creates
/// missing parent directories.
///
/// # Errors
///
/// an input error (exit 2) when something other than a regular file is at
/// `path`; a run error (exit 1) naming the path otherwise. The temporary file
/// is removed on failure and the target is left as it was.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("heaplab-doc-{}", std::process::id()));
/// let path = dir.join("a.json");
/// heaplab::results::files::write_atomic(&path, b"{}").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}");
/// std::os::unix::fs::symlink(&path, dir.join("link.json")).unwrap();
/// assert!(heaplab::results::files::write_atomic(&dir.join("link.json"), b"[]").is_err());
/// assert_eq!(std::fs::read(&path).unwrap(), b"{}");
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    check_output(path)?;
    let io = |e: std::io::Error| Error::run(format!("cannot write {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)
        .map_err(|e| Error::run(format!("cannot create {}: {e}", dir.display())))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    sweep(dir, &name);
    // A replaced file keeps its mode; a new one gets 0666 less the umask,
    // as `File::create` would give it (tempfile's own default is 0600).
    let kept_mode = fs::metadata(path)
        .ok()
        .filter(fs::Metadata::is_file)
        .map(|m| m.permissions().mode() & 0o7777);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.{}.", std::process::id()))
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(io)?;
    if let Some(mode) = kept_mode {
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // Checked again just before the rename, for what appeared meanwhile.
    check_output(path)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    // The rename itself reaches the disk when the directory is synced.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes `.NAME.PID.*.tmp` files in `dir` whose PID is not running: what
/// a heaplab killed mid-write left behind.
fn sweep(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .filter(|f| f.ends_with(".tmp"))
        else {
            continue;
        };
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && !Path::new("/proc").join(pid.to_string()).exists()
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("heaplab-files-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_stale_temporary_file_of_a_dead_process_is_swept() {
        let dir = scratch("sweep");
        // PID 0x7fff_fff0 is never a running process here.
        let stale = dir.join(".latest.json.2147483632.abc123.tmp");
        let live = dir.join(format!(".latest.json.{}.xyz.tmp", std::process::id()));
        fs::write(&stale, b"half").unwrap();
        fs::write(&live, b"in use").unwrap();
        write_atomic(&dir.join("latest.json"), b"{}").unwrap();
        assert!(!stale.exists());
        assert!(live.exists(), "a live process's temporary file is kept");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn non_regular_targets_are_refused_and_left_alone() {
        let dir = scratch("refuse");
        let target = dir.join("t.txt");
        fs::write(&target, b"keep").unwrap();
        std::os::unix::fs::symlink(&target, dir.join("l.json")).unwrap();
        let err = write_atomic(&dir.join("l.json"), b"x").unwrap_err();
        assert_eq!(err.code, 2);
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(
            fs::symlink_metadata(dir.join("l.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        fs::create_dir(dir.join("d")).unwrap();
        assert!(write_atomic(&dir.join("d"), b"x").is_err());
        assert!(dir.join("d").is_dir());
        let fifo = dir.join("f.json");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        assert!(matches!(
            write_atomic(&fifo, b"x"),
            Err(Error { code: 2, .. })
        ));
        assert!(matches!(
            read_limited(&fifo, 10),
            Err(Error { code: 2, .. })
        ));
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        let leftovers = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn modes_are_those_of_an_ordinary_write() {
        let dir = scratch("modes");
        let ordinary = dir.join("ordinary");
        fs::File::create(&ordinary).unwrap();
        let fresh = dir.join("fresh.json");
        write_atomic(&fresh, b"{}").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&fresh), mode(&ordinary), "umask applied, not 0600");
        fs::set_permissions(&fresh, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&fresh, b"[]").unwrap();
        assert_eq!(mode(&fresh), 0o640, "a replaced file keeps its mode");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reading_is_bounded() {
        let dir = scratch("bounded");
        let big = dir.join("big.json");
        fs::write(&big, vec![b' '; 2048]).unwrap();
        assert!(matches!(
            read_limited(&big, 1024),
            Err(Error { code: 2, .. })
        ));
        assert_eq!(read_limited(&big, 4096).unwrap().len(), 2048);
        fs::remove_dir_all(&dir).unwrap();
    }
}
