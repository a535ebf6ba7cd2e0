//! Time family: criterion, through the generic `benches/time.rs` target.
//!
//! The harness runs `cargo bench -p heaplab-benches --bench time` with the
//! plan in the environment and a fresh `CRITERION_HOME`, then reads
//! criterion's own JSON (`new/benchmark.json` and `new/estimates.json`)
//! from there. A fresh home per run means a stale estimate from an earlier
//! run can never be reported as this run's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::bench::{self, Line, Outcome};
use crate::plan::{Plan, case_key};
use crate::results::Metric;

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Times every item of `plan`. Returns the estimates by case key, and the
/// reason the bench failed, if it did (estimates made before the failure
/// are kept).
pub fn measure(root: &Path, plan: &Plan, work: &Path, on_line: impl FnMut(Line<'_>)) -> Outcome {
    let home = work.join("criterion");
    let _ = std::fs::remove_dir_all(&home);
    let failure = bench::run(
        root,
        "time",
        plan,
        &[("CRITERION_HOME", home.as_os_str())],
        &[],
        &work.join("time.log"),
        on_line,
    )
    .err();
    let mut metrics = BTreeMap::new();
    for file in benchmark_files(&home) {
        if let Some((key, metric)) = read_estimate(&file) {
            metrics.insert(key, metric);
        }
    }
    let crashed = failure.is_some();
    Outcome {
        metrics,
        failure,
        crashed,
    }
}

/// Every `new/benchmark.json` under criterion's home.
fn benchmark_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(benchmark_files(&path));
        } else if path.ends_with("new/benchmark.json") {
            found.push(path);
        }
    }
    found
}

fn read_estimate(benchmark_json: &Path) -> Option<(String, Metric)> {
    let id: BenchmarkJson =
        serde_json::from_str(&std::fs::read_to_string(benchmark_json).ok()?).ok()?;
    let estimates_path = benchmark_json.with_file_name("estimates.json");
    let estimates: Estimates =
        serde_json::from_str(&std::fs::read_to_string(estimates_path).ok()?).ok()?;
    let (lab, workload) = id.group_id.split_once('/')?;
    let n: usize = id.value_str?.parse().ok()?;
    let key = case_key(lab, workload, &id.function_id?, n);
    let median = estimates.median;
    Some((
        key,
        Metric::Estimate {
            median: median.point_estimate,
            ci_low: median
                .confidence_interval
                .lower_bound
                .min(median.point_estimate),
            ci_high: median
                .confidence_interval
                .upper_bound
                .max(median.point_estimate),
        },
    ))
}
