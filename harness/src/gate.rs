//! The maintainer's commands: `baseline save`, `regress`, `compare`.
//!
//! Exit codes follow DESIGN.md: 0 no regression, 3 regression, 2 a baseline
//! or results file missing, unreadable or of another schema version (the
//! message names the file and says how to fix it), 1 the run itself failed.
//! Nothing here writes the baseline but [`save_baseline`], and every write
//! is atomic; a bad baseline is never touched.

use std::path::{Path, PathBuf};

use crate::compare::{self, Comparison, Thresholds};
use crate::plan::Plan;
use crate::results::{LoadError, Results, write_atomic};
use crate::run::{self, Family, Options};

/// The default baseline path.
pub const BASELINE: &str = "results/baseline.json";

/// A failure with its exit code.
#[derive(Debug)]
pub struct GateError {
    /// 1 (run failed) or 2 (bad input).
    pub code: u8,
    /// What went wrong and what to do.
    pub message: String,
}

impl GateError {
    fn input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    fn run(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

fn load(path: &Path, what: &str) -> Result<Results, GateError> {
    Results::load(path).map_err(|e| {
        let fix = match (&e, what) {
            (LoadError::Unreadable(..), "baseline") => {
                "; create one with `make baseline` (heaplab baseline save)".to_owned()
            }
            (_, "baseline") => {
                "; if it is damaged or outdated, save a new one with `make baseline`".to_owned()
            }
            _ => String::new(),
        };
        GateError::input(format!("{what}: {e}{fix}"))
    })
}

/// Measures `plan` into `work` (a scratch directory under `target/`) and
/// returns the loaded results.
fn measure(
    root: &Path,
    plan: Plan,
    work: &Path,
    install_tools: bool,
) -> Result<Results, GateError> {
    let options = Options {
        plan,
        out: work.to_path_buf(),
        skip: Vec::<Family>::new(),
        install_tools,
    };
    let summary = run::bench(root, &options).map_err(GateError::run)?;
    if !summary.failures.is_empty() {
        return Err(GateError::run(format!(
            "the run failed: {}",
            summary.failures.join("; ")
        )));
    }
    load(&summary.results, "this run")
}

/// `heaplab baseline save`: measures `plan` (or takes `from`) and writes
/// the baseline atomically. Returns the path written.
///
/// # Errors
///
/// Exit 2 when `from` is not a valid results file, 1 when measuring fails.
pub fn save_baseline(
    root: &Path,
    plan: Plan,
    from: Option<&Path>,
    to: &Path,
    install: bool,
) -> Result<PathBuf, GateError> {
    let results = match from {
        Some(path) => load(path, "results")?,
        None => measure(
            root,
            plan,
            &root.join("target/heaplab/baseline-run"),
            install,
        )?,
    };
    results.save(to).map_err(GateError::run)?;
    Ok(to.to_path_buf())
}

/// `heaplab compare`: two results files, no measuring.
///
/// # Errors
///
/// Exit 2 when either file is missing, unreadable or of another schema.
pub fn compare_files(
    old: &Path,
    new: &Path,
    thresholds: &Thresholds,
) -> Result<Comparison, GateError> {
    let old = load(old, "baseline")?;
    let new = load(new, "results")?;
    Ok(compare::compare(&old, &new, thresholds))
}

/// `heaplab regress`: checks the baseline first (so a bad one costs no
/// measuring), measures, compares.
///
/// # Errors
///
/// Exit 2 for a bad baseline, 1 when measuring fails.
pub fn regress(
    root: &Path,
    plan: Plan,
    baseline: &Path,
    thresholds: &Thresholds,
    install: bool,
) -> Result<Comparison, GateError> {
    let old = load(baseline, "baseline")?;
    let new = measure(
        root,
        plan,
        &root.join("target/heaplab/regress-run"),
        install,
    )?;
    Ok(compare::compare(&old, &new, thresholds))
}

/// Prints the table, writes the Markdown summary to `summary` and, when
/// `$GITHUB_STEP_SUMMARY` is set, appends it there too. Returns the exit
/// code: 3 on a regression, else 0.
///
/// # Errors
///
/// Exit 1 when the summary cannot be written.
pub fn report(
    comparison: &Comparison,
    baseline_name: &str,
    summary: &Path,
) -> Result<u8, GateError> {
    print!("{}", compare::table(comparison));
    let md = compare::markdown(comparison, baseline_name);
    write_atomic(summary, md.as_bytes()).map_err(GateError::run)?;
    eprintln!("heaplab: summary written to {}", summary.display());
    if let Some(step_summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        use std::io::Write as _;
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&step_summary)
            .and_then(|mut f| f.write_all(md.as_bytes()));
        if let Err(e) = appended {
            eprintln!("heaplab: warning: cannot append to $GITHUB_STEP_SUMMARY: {e}");
        }
    }
    Ok(if comparison.regressed() { 3 } else { 0 })
}
