//! Student exercises: list, check, hint, reset, watch.
//!
//! Each lab lists its exercises in its crate (`Lab::exercise`: title, file,
//! hints, and the spec that grades them, see [`heaplab_core::exercise`]).
//! What the student edits is `labs/NN-topic/exercises/<file>`; the
//! reference solution is the same path under `solutions/`. A Python twin,
//! where there is one, sits beside it as a `.py` file.
//!
//! | module | what it does |
//! | --- | --- |
//! | [`compile`] | writes the check crate under `target/exercises/` and builds one check binary per file |
//! | [`grade`] | runs a check binary (or the Python grader) in a child process and turns what it printed, and how it ended, into a [`grade::Verdict`] |
//! | [`sites`] | reads dhat's per-site data: which lines of the file allocated what |
//! | [`show`] | prints a verdict: tests, the table yours · budget · reference · floor, where the bytes went |
//! | [`python`] | the Python twins: tracemalloc in a child process, the same verdict |
//! | [`reference`] | the reference solutions checked and recorded (`exercises.json`), for the report |
//! | [`state`] | what the student has done: passed, failing, hints seen |
//! | [`watch`] | re-checks on every save and moves on when an exercise passes |

pub mod compile;
pub mod grade;
pub mod python;
pub mod reference;
pub mod show;
pub mod state;
pub mod watch;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use heaplab_core::Lab;
use heaplab_core::exercise::Exercise;
use serde::Serialize;

use crate::error::Error;
use crate::exercise::grade::Verdict;
use crate::registry;

/// The language an exercise is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// A Rust file, graded with dhat.
    Rust,
    /// A Python twin, graded with tracemalloc.
    Python,
}

/// One gradable file: a lab's exercise, in Rust or as its Python twin.
#[derive(Clone, Copy)]
pub struct Entry {
    /// The lab it belongs to.
    pub lab: &'static Lab,
    /// Its metadata.
    pub exercise: &'static Exercise,
    /// Which file of the exercise this is.
    pub language: Language,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Entry({})", self.key())
    }
}

impl fmt::Display for Entry {
    /// `04-1`, or `04-1 (python)` for a twin.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())?;
        if self.language == Language::Python {
            f.write_str(" (python)")?;
        }
        Ok(())
    }
}

impl Entry {
    /// The id, `<lab number>-<k>` (the Python twin shares it).
    pub fn id(&self) -> String {
        format!("{}-{}", self.lab.number(), self.exercise.number)
    }

    /// The key in the state file: the id, with `.py` for a twin.
    pub fn key(&self) -> String {
        match self.language {
            Language::Rust => self.id(),
            Language::Python => format!("{}.py", self.id()),
        }
    }

    /// The file's name, relative to `exercises/` and `solutions/`.
    pub fn file(&self) -> &'static str {
        match self.language {
            Language::Rust => self.exercise.file,
            Language::Python => self.exercise.python.unwrap_or(self.exercise.file),
        }
    }

    /// The file the student edits, relative to the workspace root.
    pub fn exercise_path(&self) -> PathBuf {
        Path::new("labs")
            .join(self.lab.id)
            .join("exercises")
            .join(self.file())
    }

    /// The reference solution, relative to the workspace root.
    pub fn solution_path(&self) -> PathBuf {
        Path::new("labs")
            .join(self.lab.id)
            .join("solutions")
            .join(self.file())
    }
}

/// Every exercise of every registered lab, in lab then number order, each
/// Rust file followed by its Python twin.
///
/// ```
/// let all = heaplab::exercise::catalogue();
/// assert!(all.len() >= 12);
/// let root = heaplab::measure::workspace_root();
/// assert!(all.iter().all(|e| root.join(e.exercise_path()).exists() && root.join(e.solution_path()).exists()));
/// ```
pub fn catalogue() -> Vec<Entry> {
    let mut all = Vec::new();
    for lab in registry::labs() {
        for exercise in &lab.exercises {
            all.push(Entry {
                lab,
                exercise,
                language: Language::Rust,
            });
            if exercise.python.is_some() {
                all.push(Entry {
                    lab,
                    exercise,
                    language: Language::Python,
                });
            }
        }
    }
    all
}

/// The exercise `id` (`04-1`; `04-1.py` or `python` set for its twin).
///
/// # Errors
///
/// A usage error (exit code 2) naming the known ids when there is no such
/// exercise, or it has no Python twin.
///
/// ```
/// use heaplab::exercise::{find, Language};
/// assert_eq!(find("04-1", false).unwrap().id(), "04-1");
/// assert_eq!(find("04-1.py", false).unwrap().language, Language::Python);
/// assert_eq!(find("99-1", false).unwrap_err().code, 2);
/// ```
pub fn find(id: &str, python: bool) -> Result<Entry, Error> {
    let (id, python) = match id.strip_suffix(".py") {
        Some(stem) => (stem, true),
        None => (id, python),
    };
    let language = if python {
        Language::Python
    } else {
        Language::Rust
    };
    let all = catalogue();
    all.iter()
        .find(|e| e.id() == id && e.language == language)
        .copied()
        .ok_or_else(|| {
            let known: Vec<String> = all.iter().map(Entry::key).collect();
            let what = if python && all.iter().any(|e| e.id() == id) {
                format!("exercise {id} has no Python twin")
            } else {
                format!("no exercise {id}")
            };
            Error::input(format!(
                "{what}; the exercises are: {} (see `heaplab exercise list`)",
                known.join(", ")
            ))
        })
}

/// What to check: the student's file (the default), the reference, or
/// another file, each against the exercise's spec.
pub use compile::Source;

/// The file `source` names for `entry`, absolute.
fn source_file(root: &Path, entry: &Entry, source: &Source) -> PathBuf {
    compile::Target {
        entry: *entry,
        source: source.clone(),
    }
    .file(root)
}

/// `path` relative to `root` when it is inside it.
fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Runs one file's check (its build included) and the reference's, and
/// judges the first against the second.
fn run_pair(
    root: &Path,
    entry: &Entry,
    source: &Source,
    limits: grade::RunLimits,
) -> Result<Verdict, Error> {
    let file = source_file(root, entry, source);
    let reference_file = source_file(root, entry, &Source::Solution);
    if !file.is_file() {
        return Err(Error::input(format!(
            "{} does not exist or is not a file; `heaplab exercise reset {}` restores the starting file",
            file.display(),
            entry.key()
        )));
    }
    // Per-site files live as long as this check: concurrent checks of one
    // exercise never share a folder.
    let sites = root.join("target/exercises/sites");
    std::fs::create_dir_all(&sites)
        .map_err(|e| Error::run(format!("cannot create {}: {e}", sites.display())))?;
    let scratch = |name: &str| {
        tempfile::Builder::new()
            .prefix(&format!("{name}-"))
            .tempdir_in(&sites)
            .map_err(|e| {
                Error::run(format!(
                    "cannot create a folder in {}: {e}",
                    sites.display()
                ))
            })
    };
    let (answer_cmd, reference_cmd, answer_name) = match entry.language {
        Language::Python => {
            python::usable().map_err(|why| Error::run(format!("cannot check {entry}: {why}")))?;
            (
                python::command(root, entry, &file),
                python::command(root, entry, &reference_file),
                format!("{}.py", entry.id()),
            )
        }
        Language::Rust => {
            let target = |source: Source| compile::Target {
                entry: *entry,
                source,
            };
            let reference = match compile::build(root, &[target(Source::Solution)])? {
                compile::Built::Binaries(bins) => bins[0].clone(),
                compile::Built::DoesNotCompile(errors) => {
                    return Err(Error::run(format!(
                        "the reference solution of {entry} does not compile; this is a bug in heaplab:\n{errors}"
                    )));
                }
            };
            let answer = target(source.clone());
            let bin = answer.bin(root);
            let answer = match compile::build(root, &[answer])? {
                compile::Built::Binaries(bins) => bins[0].clone(),
                compile::Built::DoesNotCompile(errors) => {
                    return Ok(Verdict::does_not_compile(
                        *entry,
                        shown(root, &file),
                        errors,
                    ));
                }
            };
            (Command::new(answer), Command::new(reference), bin)
        }
    };
    let (reference_sites, answer_sites) = (
        scratch(&format!("{}-reference", entry.key()))?,
        scratch(&answer_name)?,
    );
    // Both at once: heap figures do not depend on load, and time is not graded.
    let (reference_report, report) = std::thread::scope(|s| {
        let reference = s.spawn(|| {
            grade::run(
                reference_cmd,
                reference_sites.path(),
                grade::RunLimits::default(),
            )
        });
        let answer = grade::run(answer_cmd, answer_sites.path(), limits);
        let reference = reference
            .join()
            .unwrap_or_else(|_| Err(Error::run("the reference's check thread panicked")));
        (reference, answer)
    });
    let (reference_report, report) = (reference_report?, report?);
    grade::judge(
        *entry,
        shown(root, &file),
        &file,
        &report,
        &reference_report,
        &reference_file,
    )
}

/// Checks `source` of `entry` under `limits`: builds it (Rust), runs it and
/// the reference solution, and returns the verdict. A check of the
/// student's own file is recorded in the state (see [`state`]).
///
/// # Errors
///
/// When heaplab itself cannot build or run the check (cargo or the
/// interpreter missing, the reference broken); never for what the
/// student's code does, which is the verdict's business.
pub fn check(
    root: &Path,
    entry: &Entry,
    source: &Source,
    limits: grade::RunLimits,
) -> Result<Verdict, Error> {
    let hash = state::file_hash(&source_file(root, entry, source));
    let verdict = run_pair(root, entry, source, limits)?;
    if *source == Source::Exercise {
        let mut state = state::State::load(root)?;
        state.checked(entry, hash, verdict.passed());
        state.save(root)?;
    }
    Ok(verdict)
}
