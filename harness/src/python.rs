//! The CPython column: runs each lab's `python/reference.py`.
//!
//! The scripts use the standard library only and share
//! `harness/python/heaplab_ref.py`, which measures with tracemalloc and
//! `perf_counter_ns` and prints the same metric names as the Rust side.
//! The interpreter is `python3`, or `$PYTHON` when set. A missing
//! interpreter or script is a reason ("not measured: ..."), not an error.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use crate::results::{CaseRecord, FactRecord, Metric, Source};

/// Environment variable naming the Python interpreter.
pub const PYTHON_ENV: &str = "PYTHON";

/// The interpreter to run: `$PYTHON`, else `python3`.
pub fn interpreter() -> String {
    std::env::var(PYTHON_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

/// What one reference script measured.
#[derive(Debug, Default)]
pub struct PythonRun {
    /// One record per case and size, source `python`.
    pub cases: Vec<CaseRecord>,
    /// The script's facts, source `python`.
    pub facts: Vec<FactRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    lab: String,
    #[allow(dead_code)]
    python: String,
    cases: Vec<DocCase>,
    facts: Vec<DocFact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocCase {
    workload: String,
    strategy: String,
    n: u64,
    metrics: std::collections::BTreeMap<String, Metric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocFact {
    name: String,
    value: f64,
    unit: String,
}

/// Runs `root/labs/<lab>/python/reference.py`, each workload at its own
/// sizes (`workload`, sizes); workloads not listed are not run.
///
/// # Errors
///
/// The reason to show as "not measured": interpreter or script missing,
/// the script failed (its last line of error output), or printed JSON of
/// the wrong shape.
pub fn run(
    root: &Path,
    lab: &str,
    sizes: &[(&str, Vec<usize>)],
    repeats: usize,
) -> Result<PythonRun, String> {
    let python = interpreter();
    let script = root
        .join("labs")
        .join(lab)
        .join("python")
        .join("reference.py");
    if !script.is_file() {
        return Err(format!("no reference script at {}", script.display()));
    }
    let mut cmd = Command::new(&python);
    cmd.arg(&script);
    for (workload, ns) in sizes {
        let ns: Vec<String> = ns.iter().map(usize::to_string).collect();
        cmd.arg("--sizes")
            .arg(format!("{workload}={}", ns.join(",")));
    }
    let out = cmd
        .arg("--repeats")
        .arg(repeats.to_string())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("{python} not found (set {PYTHON_ENV}= to choose another interpreter)")
            }
            _ => format!("cannot start {python}: {e}"),
        })?;
    if !out.status.success() {
        return Err(format!(
            "{} failed ({})",
            script.display(),
            crate::bench::failure(&out)
        ));
    }
    let doc: Document = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{} printed unreadable JSON: {e}", script.display()))?;
    if doc.lab != lab {
        return Err(format!(
            "{} reports lab '{}', expected '{lab}'",
            script.display(),
            doc.lab
        ));
    }
    Ok(PythonRun {
        cases: doc
            .cases
            .into_iter()
            .map(|c| CaseRecord {
                lab: lab.to_owned(),
                workload: c.workload,
                strategy: c.strategy,
                n: c.n,
                source: Source::Python,
                metrics: c.metrics,
            })
            .collect(),
        facts: doc
            .facts
            .into_iter()
            .map(|f| FactRecord {
                name: f.name,
                value: f.value,
                unit: f.unit,
                source: Source::Python,
            })
            .collect(),
    })
}
