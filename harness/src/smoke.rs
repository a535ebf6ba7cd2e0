//! `heaplab smoke`: `make test`'s end-to-end check of the whole pipeline.
//!
//! 1. A smoke bench (every lab, each case at its smallest size, every
//!    family) into a temporary directory, then every promise about what it
//!    wrote: the results file loads and validates, every Rust metric is
//!    measured, each lab has CPython records, the report has a section per
//!    lab and every plot it links is an SVG document.
//! 2. The regression gate's self-test on the calibration lab
//!    ([`crate::calibration`]): an unchanged rerun passes (`compare` exits
//!    0), and each injected regression — doubled allocations, added work, a
//!    leak — fails it (exit 3) on the metric it touched.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::calibration::{ENABLE_ENV, ID, INJECT_ENV};
use crate::plan::{Mode, Plan};
use crate::report;
use crate::results::{Metric, Results, Source, metric};

/// Checks what a smoke bench wrote to `out`; returns the problems found.
pub fn check_outputs(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let results = match Results::load(&out.join("latest.json")) {
        Ok(results) => results,
        Err(why) => return vec![why.to_string()],
    };
    let expected = Plan::new(Mode::Smoke, &[])
        .map(|p| p.items().len())
        .unwrap_or_default();
    let rust: Vec<_> = results
        .cases
        .iter()
        .filter(|r| r.source == Source::Rust)
        .collect();
    if rust.len() != expected {
        problems.push(format!("{} Rust records, expected {expected}", rust.len()));
    }
    for record in &rust {
        for name in metric::ALL {
            if !matches!(
                record.metrics.get(name),
                Some(Metric::Count(_) | Metric::Estimate { .. })
            ) {
                problems.push(format!(
                    "{}/{}/{}/{}: {name} is {:?}",
                    record.lab,
                    record.workload,
                    record.strategy,
                    record.n,
                    record.metrics.get(name)
                ));
            }
        }
    }
    for lab in &results.labs {
        let python = results
            .cases
            .iter()
            .filter(|r| r.lab == lab.id && r.source == Source::Python)
            .count();
        if python == 0 {
            problems.push(format!(
                "{}: no CPython records ({:?})",
                lab.id, lab.python_not_measured
            ));
        }
    }
    match std::fs::read_to_string(out.join(report::REPORT_FILE)) {
        Err(e) => problems.push(format!("no report: {e}")),
        Ok(md) => {
            for lab in &results.labs {
                if !md.contains(&format!("## {} — ", lab.id)) {
                    problems.push(format!("report has no section for {}", lab.id));
                }
            }
            let plots: Vec<&str> = md
                .split("](plots/")
                .skip(1)
                .filter_map(|s| s.split(')').next())
                .collect();
            if plots.is_empty() {
                problems.push("report links no plot".to_owned());
            }
            for plot in plots {
                let path = out.join("plots").join(plot);
                match std::fs::read_to_string(&path) {
                    Ok(svg) if svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>") => {}
                    _ => problems.push(format!(
                        "plot {} is missing or not an SVG document",
                        path.display()
                    )),
                }
            }
        }
    }
    problems
}

/// Runs the gate's self-test in `dir` with the `heaplab` executable `exe`;
/// returns the problems found.
pub fn check_gate(exe: &Path, dir: &Path) -> Vec<String> {
    let bench = |name: &str, inject: &str| -> Result<PathBuf, String> {
        let out = dir.join(name);
        eprintln!("heaplab smoke: gate self-test, calibration run '{name}'");
        let status = Command::new(exe)
            .env(ENABLE_ENV, "1")
            .env(INJECT_ENV, inject)
            .args(["bench", "--smoke", "--lab", ID, "--skip", "python", "--out"])
            .arg(&out)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if !status.success() {
            return Err(format!("calibration run '{name}' failed ({status})"));
        }
        Ok(out.join("latest.json"))
    };
    let compare = |old: &Path, new: &Path| -> Result<(Option<i32>, String), String> {
        let out = Command::new(exe)
            .arg("compare")
            .args([old, new])
            .arg("--summary")
            .arg(dir.join("summary.md"))
            .output()
            .map_err(|e| format!("cannot run compare: {e}"))?;
        Ok((
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ))
    };
    let run = || -> Result<Vec<String>, String> {
        let mut problems = Vec::new();
        let base = bench("base", "")?;
        let again = bench("unchanged", "")?;
        let (code, table) = compare(&base, &again)?;
        if code != Some(0) {
            problems.push(format!(
                "unchanged code: compare exited {code:?}, expected 0:\n{table}"
            ));
        }
        for (knob, flagged) in [
            ("allocs", metric::ALLOCS),
            ("work", metric::INSTRUCTIONS),
            ("leak", metric::LIVE_BYTES),
        ] {
            let injected = bench(knob, knob)?;
            let (code, table) = compare(&base, &injected)?;
            let caught = table
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(flagged) && l.contains("REGRESSION"));
            if code != Some(3) || !caught {
                problems.push(format!("injected '{knob}': compare exited {code:?} (expected 3), {flagged} flagged: {caught}:\n{table}"));
            }
        }
        Ok(problems)
    };
    run().unwrap_or_else(|why| vec![why])
}
