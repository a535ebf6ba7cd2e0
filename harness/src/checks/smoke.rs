//! `heaplab smoke`: `make test`'s end-to-end check of the whole pipeline.
//!
//! 1. A smoke bench (every lab, each case at its smallest size, every
//!    family) into a temporary directory, then every promise about what it
//!    wrote: the results file loads and validates, every Rust metric is
//!    measured, each lab has CPython records, the report has a section per
//!    lab and every plot it links is an SVG document.
//! 2. The regression gate's self-test on the calibration lab
//!    ([`crate::checks::calibration`]): an unchanged rerun passes (`compare` exits
//!    0), and each injected regression — doubled allocations, added work, a
//!    leak — fails it (exit 3) on the metric it touched.
//! 3. The limits' self-test ([`check_limits`]), on the same lab: a case
//!    that hangs, one that panics and one that allocates without end are
//!    each stopped (timed out within the limit + 2 s, panicked with its
//!    message, out of memory at the cap), recorded with that verdict in every
//!    family, the case after them is still measured, the run exits 1, and
//!    no process of the run is left behind.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::checks::calibration::{ENABLE_ENV, ID, INJECT_ENV};
use crate::plan::{Mode, Plan};
use crate::render::report;
use crate::results::metrics::METRICS;
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
        for spec in &METRICS {
            if !record
                .metrics
                .get(spec.name)
                .is_some_and(Metric::is_measured)
            {
                problems.push(format!(
                    "{}: {} is {:?}",
                    record.id,
                    spec.name,
                    record.metrics.get(spec.name)
                ));
            }
        }
    }
    for lab in &results.labs {
        let python = results
            .cases
            .iter()
            .filter(|r| r.id.lab == lab.id && r.source == Source::Python)
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
                    // plotters' plots start at `<svg`; inferno's flame graphs
                    // with an XML prolog and a doctype.
                    Ok(svg)
                        if (svg.starts_with("<svg")
                            || (svg.starts_with("<?xml") && svg.contains("<svg")))
                            && svg.trim_end().ends_with("</svg>") => {}
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

/// The per-case limit the limits' self-test runs with, in seconds.
const TEST_TIMEOUT: u64 = 3;

/// Runs the limits' self-test in `dir` with the `heaplab` executable
/// `exe`; returns the problems found.
pub fn check_limits(exe: &Path, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let calibration = |knob: &str, out: &Path| {
        let mut cmd = Command::new(exe);
        cmd.env(ENABLE_ENV, "1")
            .env(INJECT_ENV, knob)
            .args(["bench", "--smoke", "--lab", ID, "--skip", "python"])
            .args(["--timeout", &TEST_TIMEOUT.to_string(), "--out"])
            .arg(out);
        cmd
    };
    // Two clean runs at once: each gets its own run directory, logs and
    // bench homes, and both measure everything. The slower of the two is
    // what a run without a broken case takes here.
    eprintln!("heaplab smoke: limits self-test, two clean calibration runs at once");
    let started = Instant::now();
    let pair = ["clean-a", "clean-b"].map(|name| calibration("", &dir.join(name)).spawn());
    let mut run_ids = Vec::new();
    for (name, child) in ["clean-a", "clean-b"].into_iter().zip(pair) {
        let ok = child.and_then(|mut c| c.wait()).is_ok_and(|s| s.success());
        let out = dir.join(name);
        let measured = Results::load(&out.join("latest.json")).is_ok_and(|r| {
            r.cases
                .iter()
                .all(|c| METRICS.iter().all(|m| c.value(m.name).is_some()))
        });
        if !ok || !measured {
            problems.push(format!(
                "'{name}': a clean run beside another did not measure everything"
            ));
        }
        run_ids.extend(
            std::fs::read_dir(out.join("runs"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name()),
        );
    }
    let clean = started.elapsed();
    if run_ids.len() != 2 || run_ids[0] == run_ids[1] {
        problems.push(format!(
            "two runs at once should have two run directories: {run_ids:?}"
        ));
    }
    // (knob, families measured, extra flags, what each broken cell must say)
    let runs: [(&str, &[&str], &[&str], &str); 3] = [
        ("hang", &[], &[], "timed out"),
        ("panic", &[], &[], "injected panic"),
        (
            "oom",
            &["--skip", "instructions"],
            &["--memory-limit", "512"],
            "out of memory (limit 512 MiB)",
        ),
    ];
    for (knob, skip, extra, expected) in runs {
        eprintln!("heaplab smoke: limits self-test, calibration run '{knob}'");
        let out = dir.join(knob);
        let started = Instant::now();
        let status = calibration(knob, &out).args(skip).args(extra).status();
        let elapsed = started.elapsed();
        match status {
            Ok(s) if s.code() == Some(1) => {}
            other => problems.push(format!(
                "'{knob}': heaplab bench ended {other:?}, expected exit code 1"
            )),
        }
        // Each of the three families spends at most the limit + 2 s on
        // the broken case beyond what a clean run takes.
        let bound = clean + Duration::from_secs(3 * (TEST_TIMEOUT + 2));
        if elapsed > bound {
            problems.push(format!(
                "'{knob}': the run took {elapsed:?}, over {bound:?} (a clean run: {clean:?})"
            ));
        }
        let results = match Results::load(&out.join("latest.json")) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("'{knob}': {e}"));
                continue;
            }
        };
        let families: Vec<&str> = [metric::ALLOCS, metric::TIME_NS, metric::INSTRUCTIONS]
            .into_iter()
            .filter(|m| !(skip.contains(&"instructions") && *m == metric::INSTRUCTIONS))
            .collect();
        for record in results.cases.iter().filter(|r| r.source == Source::Rust) {
            for name in &families {
                let metric = record.metrics.get(*name);
                let broken = record.id.workload == "knob";
                let ok = match metric {
                    Some(Metric::NotMeasured { not_measured }) => {
                        broken && not_measured.contains(expected)
                    }
                    Some(_) => !broken,
                    None => false,
                };
                if !ok {
                    problems.push(format!(
                        "'{knob}': {} {name} is {metric:?}; expected {}",
                        record.id,
                        if broken {
                            format!("not measured: ...{expected}...")
                        } else {
                            "a measured figure".to_owned()
                        }
                    ));
                }
            }
        }
        if let Some(pid) = leftover_process() {
            problems.push(format!(
                "'{knob}': process {pid} of the run is still running"
            ));
        }
    }
    problems.extend(check_without_home(exe, &dir.join("no-home")));
    problems
}

/// With `HOME` unset, the installed iai-callgrind-runner is still found
/// (as cargo finds its home: from the password database) and nothing is
/// reinstalled: instructions are counted with `--no-install`.
fn check_without_home(exe: &Path, out: &Path) -> Vec<String> {
    eprintln!("heaplab smoke: limits self-test, a run with HOME unset");
    let status = Command::new(exe)
        .env(ENABLE_ENV, "1")
        .env_remove("HOME")
        .env_remove("CARGO_HOME")
        .env_remove(crate::measure::tools::RUNNER_ENV)
        .args(["bench", "--smoke", "--lab", ID, "--no-install"])
        .args([
            "--skip", "heap", "--skip", "time", "--skip", "python", "--out",
        ])
        .arg(out)
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        return vec![format!("HOME unset: heaplab bench ended {status:?}")];
    }
    // One size of each case in a smoke run.
    let expected: Result<usize, ()> = Ok(crate::checks::calibration::lab().cases.len());
    let counted = Results::load(&out.join("latest.json")).map(|r| {
        r.cases
            .iter()
            .filter(|c| c.value(metric::INSTRUCTIONS).is_some())
            .count()
    });
    match (counted, expected) {
        (Ok(counted), Ok(expected)) if counted == expected => Vec::new(),
        (counted, expected) => vec![format!(
            "HOME unset: instructions counted for {counted:?} cases, expected {expected:?} (runner not found?)"
        )],
    }
}

/// A process still running with the calibration lab enabled, if any.
fn leftover_process() -> Option<u32> {
    let marker = format!("{ENABLE_ENV}=1");
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != std::process::id())
        .find(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == marker.as_bytes()))
        })
}
