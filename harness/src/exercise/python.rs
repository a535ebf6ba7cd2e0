//! The Python twins: the tutorial's own language, graded the same way.
//!
//! `harness/python/heaplab_exercise.py` loads the lab's spec
//! (`labs/NN-topic/python/exercises.py`) and the student's file, and prints
//! the same events as a Rust check binary, with tracemalloc's figures (see
//! that script for what each metric means in CPython). It needs only the
//! standard library, and runs on CPython 3.8 and newer.

use std::path::Path;
use std::process::Command;

use crate::exercise::Entry;
use crate::measure::python;

/// The grader script, relative to the workspace root.
pub const GRADER: &str = "harness/python/heaplab_exercise.py";

/// The lab's Python specs, relative to the workspace root.
pub fn spec_path(entry: &Entry) -> std::path::PathBuf {
    Path::new("labs")
        .join(entry.lab.id)
        .join("python/exercises.py")
}

/// The oldest CPython the grader runs on: tracing starts after setup, so
/// it needs no `tracemalloc.reset_peak` (3.9+).
pub const OLDEST: (u32, u32) = (3, 8);

/// Whether the interpreter (`$PYTHON`, else `python3`) can grade: `Err`
/// with the reason (not found, hangs, too old) otherwise.
///
/// # Errors
///
/// The reason, and what to set.
pub fn usable() -> Result<(), String> {
    let version =
        crate::measure::child::query(Command::new(python::interpreter()).arg("--version"))
            .unwrap_or_else(|| "not found".to_owned());
    python::version_at_least(&version, OLDEST, "the exercise grader")
}

/// The command that grades `file` (absolute) as `entry`'s Python twin.
pub fn command(root: &Path, entry: &Entry, file: &Path) -> Command {
    let mut cmd = Command::new(python::interpreter());
    cmd.arg(root.join(GRADER))
        .arg("--spec")
        .arg(root.join(spec_path(entry)))
        .arg("--answer")
        .arg(file)
        .arg("--id")
        .arg(entry.id())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(root);
    cmd
}
