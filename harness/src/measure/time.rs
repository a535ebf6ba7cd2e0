//! Time family: criterion, through the generic `benches/time.rs` target.
//!
//! The harness runs the built bench binary (`--bench`) with the plan in the
//! environment and a fresh `CRITERION_HOME`, under a per-case time limit
//! ([`crate::measure::binaries::resumable`]), then reads criterion's own JSON
//! (`new/benchmark.json` and `new/estimates.json`) from there. A fresh home
//! per run means a stale estimate from an earlier run can never be
//! reported as this run's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

use crate::measure::binaries::{self, Event, Job, Outcome};
use crate::measure::child::Stream;
use crate::measure::events::Started;
use crate::measure::progress::Progress;
use crate::results::{self, CaseId, Metric};

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

/// Times every item of `plan` with the time bench `exe`, in `work`.
/// A case that fails or outlasts `limits.stall` is recorded as not
/// measured with its verdict; the others are timed.
pub fn measure(job: &Job<'_>, progress: &mut Progress) -> Outcome {
    let home = job.fresh_dir("criterion");
    let log = job.work.join("time.log");
    let items = job.items;
    let _ = std::fs::remove_file(&log);
    // Each case's seconds: from its start to the next start (or the end).
    let mut seconds = BTreeMap::new();
    let mut last: Option<(usize, Instant)> = None;
    let resumed = binaries::resumable(
        "time",
        &(0..items.len()).collect::<Vec<_>>(),
        job.limits,
        &log,
        |rest| {
            let mut cmd = job.command(rest, &["--bench"]);
            cmd.env("CRITERION_HOME", &home);
            cmd
        },
        |stream, line| {
            let started = Started::parse(line).filter(|_| stream == Stream::Err)?;
            progress.step(&started.case.to_string());
            let now = Instant::now();
            if let Some((k, then)) = last.replace((started.index, now)) {
                seconds.insert(k, (now - then).as_secs_f64());
            }
            Some(Event::Started(started.index))
        },
    );
    let mut metrics = BTreeMap::new();
    for file in benchmark_files(&home) {
        if let Some((key, metric)) = read_estimate(&file) {
            metrics.insert(key, metric);
        }
    }
    if let Some((k, then)) = last {
        seconds.insert(k, then.elapsed().as_secs_f64());
    }
    let mut outcome = binaries::settle("time", items, metrics, resumed, &log, progress);
    outcome.seconds = seconds
        .into_iter()
        .filter_map(|(k, s)| Some((items.get(k)?.id(), s)))
        .collect();
    outcome
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

fn read_estimate(benchmark_json: &Path) -> Option<(CaseId, Metric)> {
    let id: BenchmarkJson =
        serde_json::from_str(&std::fs::read_to_string(benchmark_json).ok()?).ok()?;
    let estimates_path = benchmark_json.with_file_name("estimates.json");
    let estimates: Estimates =
        serde_json::from_str(&std::fs::read_to_string(estimates_path).ok()?).ok()?;
    let (lab, workload) = id.group_id.split_once('/')?;
    let n: u64 = id.value_str?.parse().ok()?;
    let key = CaseId::new(lab, workload, &id.function_id?, n);
    let median = estimates.median;
    Some((
        key,
        Metric::Estimate {
            median: median.point_estimate,
            low: median
                .confidence_interval
                .lower_bound
                .min(median.point_estimate),
            high: median
                .confidence_interval
                .upper_bound
                .max(median.point_estimate),
            interval: results::Interval::Ci95,
        },
    ))
}
