//! What the student has done, kept in `target/heaplab/exercises/state.json`:
//! per exercise, the file's hash at its last check, whether that check
//! passed, and how many hints were shown. Nothing here is graded work:
//! deleting the file only forgets progress.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exercise::Entry;
use crate::results::files;

/// Largest state file read (it holds a few lines per exercise).
const MAX_STATE: u64 = 1 << 20;

/// Where an exercise stands, as `heaplab exercise list` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Never checked.
    NotStarted,
    /// Its last check did not pass, or the file changed since it passed.
    Failing,
    /// Its last check passed, and the file is unchanged since.
    Passed,
}

impl Progress {
    /// The words `list` prints.
    pub fn label(self) -> &'static str {
        match self {
            Progress::NotStarted => "not started",
            Progress::Failing => "failing",
            Progress::Passed => "passed",
        }
    }
}

/// One exercise's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Hash of the file's content at the last check.
    pub hash: Option<String>,
    /// Whether the last check passed.
    pub passed: bool,
    /// How many hints were shown.
    pub hints: usize,
}

/// Every exercise's record, by [`Entry::key`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The records.
    pub exercises: BTreeMap<String, Record>,
}

/// The state file under the workspace `root`.
pub fn path(root: &Path) -> PathBuf {
    root.join("target/heaplab/exercises/state.json")
}

/// A short hash of a file's content (`None` when it cannot be read).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("heaplab-hash-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.rs"), "fn main() {}").unwrap();
/// let one = heaplab::exercise::state::file_hash(&dir.join("a.rs"));
/// assert_eq!(one, heaplab::exercise::state::file_hash(&dir.join("a.rs")));
/// assert_eq!(heaplab::exercise::state::file_hash(&dir.join("missing.rs")), None);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn file_hash(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(&bytes);
    Some(format!("{hash:016x}"))
}

impl State {
    /// Reads the state under `root`; a missing file is a fresh start.
    ///
    /// # Errors
    ///
    /// An input error (exit 2) when the file exists but cannot be read or
    /// parsed, saying that deleting it forgets progress only.
    pub fn load(root: &Path) -> Result<State, Error> {
        let path = path(root);
        if !path.exists() {
            return Ok(State::default());
        }
        let bytes = files::read_limited(&path, MAX_STATE)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(format!(
                "{} is not a heaplab exercise state file ({e}); delete it to start over (it holds progress only, no work)",
                path.display()
            ))
        })
    }

    /// Writes the state under `root`, atomically.
    ///
    /// # Errors
    ///
    /// When the file cannot be written.
    pub fn save(&self, root: &Path) -> Result<(), Error> {
        let json = serde_json::to_vec_pretty(self).expect("state serializes");
        files::write_atomic(&path(root), &json)
    }

    /// The record of `entry` (empty if never touched).
    pub fn record(&self, entry: &Entry) -> Record {
        self.exercises
            .get(&entry.key())
            .cloned()
            .unwrap_or_default()
    }

    /// Where `entry` stands, given its file's current content under `root`.
    pub fn progress(&self, root: &Path, entry: &Entry) -> Progress {
        let record = self.record(entry);
        match &record.hash {
            None => Progress::NotStarted,
            Some(hash)
                if record.passed
                    && Some(hash) == file_hash(&root.join(entry.exercise_path())).as_ref() =>
            {
                Progress::Passed
            }
            Some(_) => Progress::Failing,
        }
    }

    /// Records a check of `entry`'s file (with content hash `hash`).
    pub fn checked(&mut self, entry: &Entry, hash: Option<String>, passed: bool) {
        let record = self.exercises.entry(entry.key()).or_default();
        record.hash = hash.or_else(|| Some(String::new()));
        record.passed = passed;
    }

    /// Counts one more hint shown for `entry`; returns the index of the
    /// hint to show (the last one again once all were seen).
    pub fn next_hint(&mut self, entry: &Entry) -> usize {
        let count = entry.exercise.hints.len();
        let record = self.exercises.entry(entry.key()).or_default();
        let index = record.hints.min(count.saturating_sub(1));
        record.hints = (record.hints + 1).min(count);
        index
    }

    /// Forgets `entry`'s check and hints (after a reset).
    pub fn forget(&mut self, entry: &Entry) {
        self.exercises.remove(&entry.key());
    }
}
