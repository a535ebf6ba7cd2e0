//! The reference solutions, checked and recorded: `exercises.json` beside
//! a run's `latest.json`, which the report's "Exercises" sections quote.
//!
//! `heaplab bench` (full and quick) writes it after measuring, and
//! `heaplab exercise reference` on its own. Every figure comes from a real
//! check of the solution file, with the run's provenance beside it.

use std::path::Path;

use heaplab_core::HeapFigures;
use heaplab_core::exercise::Bound;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exercise::compile::{self, Built, Target};
use crate::exercise::grade::RunLimits;
use crate::exercise::{Language, Source, catalogue, check};
use crate::results::files;
use crate::results::provenance::Provenance;

/// The file's name beside `latest.json`.
pub const FILE: &str = "exercises.json";
/// This file format's version.
pub const SCHEMA_VERSION: u32 = 1;
/// Largest file read.
const MAX_BYTES: u64 = 16 << 20;

/// One heap check of a solution at one size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowRecord {
    /// The check's name.
    pub check: String,
    /// The size.
    pub n: usize,
    /// The solution's figures.
    pub figures: HeapFigures,
    /// The budgets at this size.
    pub budgets: Vec<Bound>,
    /// The floors at this size.
    pub floors: Vec<Bound>,
}

/// One exercise's reference solution, as checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseRecord {
    /// `04-1`.
    pub id: String,
    /// Rust or the Python twin.
    pub language: String,
    /// The lab's id.
    pub lab: String,
    /// The exercise's title.
    pub title: String,
    /// The file the student edits.
    pub exercise_file: String,
    /// The solution checked.
    pub solution_file: String,
    /// The tier it reached, or why it did not pass (a bug).
    pub verdict: String,
    /// Its heap figures.
    pub rows: Vec<RowRecord>,
}

/// Every reference solution, checked, with the run's provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseRun {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Where and how it was made.
    pub provenance: Provenance,
    /// The exercises, in catalogue order.
    pub exercises: Vec<ExerciseRecord>,
}

/// Checks every reference solution (the Rust ones built in one cargo run
/// first) and collects their figures.
///
/// # Errors
///
/// When a check cannot be run or a reference does not pass its own check.
pub fn measure(root: &Path, mode: &str) -> Result<ExerciseRun, Error> {
    let all = catalogue();
    let targets: Vec<Target> = all
        .iter()
        .filter(|e| e.language == Language::Rust)
        .map(|e| Target {
            entry: *e,
            source: Source::Solution,
        })
        .collect();
    if let Built::DoesNotCompile(errors) = compile::build(root, &targets)? {
        return Err(Error::run(format!(
            "the reference solutions do not compile; this is a bug in heaplab:\n{errors}"
        )));
    }
    let python = crate::exercise::python::usable();
    let mut exercises = Vec::new();
    for (i, entry) in all.iter().enumerate() {
        eprintln!(
            "heaplab: [{}/{}] reference solution of {entry}",
            i + 1,
            all.len()
        );
        let record = |verdict: String, rows: Vec<RowRecord>| ExerciseRecord {
            id: entry.id(),
            language: format!("{:?}", entry.language).to_lowercase(),
            lab: entry.lab.id.to_owned(),
            title: entry.exercise.title.to_owned(),
            exercise_file: entry.exercise_path().display().to_string(),
            solution_file: entry.solution_path().display().to_string(),
            verdict,
            rows,
        };
        if let (Language::Python, Err(why)) = (entry.language, &python) {
            exercises.push(record(format!("not measured: {why}"), Vec::new()));
            continue;
        }
        let verdict = check(root, entry, &Source::Solution, RunLimits::default())?;
        let rows = verdict
            .rows
            .iter()
            .filter_map(|r| {
                Some(RowRecord {
                    check: r.check.clone(),
                    n: r.n,
                    figures: r.yours.clone().ok()?,
                    budgets: r.budgets.clone(),
                    floors: r.floors.clone(),
                })
            })
            .collect();
        let verdict = match &verdict.result {
            Ok(tier) => tier.label().to_owned(),
            Err(failures) => format!("not passed: {}", failures[0].kind()),
        };
        exercises.push(record(verdict, rows));
    }
    let python = crate::measure::python::interpreter();
    Ok(ExerciseRun {
        schema_version: SCHEMA_VERSION,
        provenance: Provenance::collect(root, mode, &python),
        exercises,
    })
}

impl ExerciseRun {
    /// Writes the record atomically.
    ///
    /// # Errors
    ///
    /// When it cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self).expect("the record serializes");
        text.push('\n');
        files::write_atomic(path, text.as_bytes())
    }

    /// Reads the record at `path`; `Ok(None)` when there is none.
    ///
    /// # Errors
    ///
    /// An input error when the file exists but is not a record of this version.
    pub fn load(path: &Path) -> Result<Option<Self>, Error> {
        if !path.exists() {
            return Ok(None);
        }
        let bytes = files::read_limited(path, MAX_BYTES)?;
        let run: ExerciseRun = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(format!(
                "{} is not a heaplab exercises record ({e}); regenerate it with `heaplab exercise reference`",
                path.display()
            ))
        })?;
        if run.schema_version != SCHEMA_VERSION {
            return Err(Error::input(format!(
                "{} has schema version {}, this heaplab reads {SCHEMA_VERSION}; regenerate it with `heaplab exercise reference`",
                path.display(),
                run.schema_version
            )));
        }
        Ok(Some(run))
    }
}
