//! `heaplab`: measure the labs, write results and the report.
//!
//! Exit codes (DESIGN.md): 0 ok · 1 the run itself failed (a case
//! panicked, a bench crashed, a smoke check failed) · 2 bad input (usage,
//! unreadable or incompatible results file) · 3 regression found.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use heaplab::compare::Thresholds;
use heaplab::gate::{self, GateError};
use heaplab::plan::{Mode, Plan};
use heaplab::results::Results;
use heaplab::run::{self, Family, Options};
use heaplab::{heap, registry, report};

// dhat counts every allocation while a profiler runs (only inside
// `heap-case`); with none running it forwards to the system allocator.
// Time and instructions are measured in other binaries with the system
// allocator, never here.
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[derive(Parser)]
#[command(
    name = "heaplab",
    version,
    about = "Measures Rust answers to a Python memory-management tutorial: heap, time, instructions, beside CPython",
    long_about = "Measures every registered lab three ways — heap figures with dhat (exact allocations, \
bytes, peak, bytes left live = leaked), wall time with criterion, instructions with iai-callgrind — \
beside the lab's CPython reference script, then writes results/latest.json and results/REPORT.md with plots.\n\n\
Exit codes: 0 ok, 1 the run itself failed, 2 bad input, 3 regression found.",
    after_help = "Examples:\n  heaplab list\n  heaplab bench --quick --lab 04 --out results/quick\n  heaplab bench                      (full run; see README for its duration)\n  heaplab report --results results/latest.json\n  heaplab baseline save && heaplab regress\n  heaplab compare old.json new.json\n  heaplab export --format bmf > bmf.json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the labs, their cases and sizes.
    List {
        /// Only this lab (id or number, e.g. 04).
        #[arg(long)]
        lab: Vec<String>,
    },
    /// Measure labs and write latest.json, runs/<id>/ and REPORT.md.
    Bench {
        /// Sizes up to 10 000 and short timings: for students (about a minute after the build).
        #[arg(long, conflicts_with = "smoke")]
        quick: bool,
        /// Smallest size of each case, minimal timings: checks the pipeline, not a measurement.
        #[arg(long)]
        smoke: bool,
        /// Only these labs (repeatable; id or number, e.g. --lab 02 --lab 04).
        #[arg(long)]
        lab: Vec<String>,
        /// Output directory.
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Do not measure this family (repeatable); its cells say "not measured: skipped".
        #[arg(long, value_enum)]
        skip: Vec<Family>,
        /// Never install valgrind or iai-callgrind-runner; report instructions as not measured instead.
        #[arg(long)]
        no_install: bool,
    },
    /// Regenerate REPORT.md and plots from a results file (no measuring).
    Report {
        /// The results file to read.
        #[arg(long, default_value = "results/latest.json")]
        results: PathBuf,
        /// Where REPORT.md and plots/ go (default: beside the results file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Save the regression baseline (results/baseline.json) from a measured run.
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// Measure (quick by default) and compare with the baseline: exit 3 on a regression.
    #[command(
        long_about = "Measures (quick sizes by default, --full for all) and compares every Rust case \
with the baseline. Heap figures are exact: any increase in allocs or bytes (tolerances below) is a \
regression, and live_bytes going from 0 to anything is always one (a new leak). Instructions: a rise \
beyond --instructions-pct. Time: only when the confidence intervals do not overlap and the median rose \
more than --time-noise-pct; a warning unless --fail-on-time. Improvements are reported, never fail.\n\n\
Exit codes: 0 no regression, 3 regression, 2 baseline missing/unreadable/other schema, 1 the run failed."
    )]
    Regress {
        /// Measure every size instead of the quick ones (the baseline should be saved the same way).
        #[arg(long)]
        full: bool,
        /// Only these labs (repeatable).
        #[arg(long)]
        lab: Vec<String>,
        /// The baseline to compare with.
        #[arg(long, default_value = heaplab::gate::BASELINE)]
        baseline: PathBuf,
        /// Where to write the Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set).
        #[arg(long, default_value = "target/heaplab/regress-summary.md")]
        summary: PathBuf,
        #[command(flatten)]
        thresholds: Thresholds,
        /// Never install valgrind or iai-callgrind-runner.
        #[arg(long)]
        no_install: bool,
    },
    /// Compare two results files without measuring: the same table and exit codes as `regress`.
    Compare {
        /// The older results (the baseline).
        old: PathBuf,
        /// The newer results.
        new: PathBuf,
        /// Where to write the Markdown summary.
        #[arg(long, default_value = "target/heaplab/compare-summary.md")]
        summary: PathBuf,
        #[command(flatten)]
        thresholds: Thresholds,
    },
    /// Export a results file for other tools (Bencher Metric Format).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "bmf")]
        format: ExportFormat,
        /// The results file to export.
        #[arg(long, default_value = "results/latest.json")]
        results: PathBuf,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// End-to-end check used by `make test`: a smoke bench, its outputs, and the gate's self-test.
    Smoke,
    /// Internal: measure one case's heap figures in this process and print them as JSON.
    #[command(hide = true)]
    HeapCase {
        lab: String,
        workload: String,
        strategy: String,
        n: usize,
    },
}

#[derive(Subcommand)]
enum BaselineAction {
    /// Measure (quick sizes unless --full) and write the baseline; or copy an existing results file.
    Save {
        /// Measure every size (use `regress --full` with it).
        #[arg(long, conflicts_with = "from")]
        full: bool,
        /// Take this results file instead of measuring.
        #[arg(long)]
        from: Option<PathBuf>,
        /// Where to write.
        #[arg(long, default_value = heaplab::gate::BASELINE)]
        to: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// Bencher Metric Format (JSON).
    Bmf,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::List { lab } => list(&lab),
        Command::Bench {
            quick,
            smoke,
            lab,
            out,
            skip,
            no_install,
        } => {
            let mode = if smoke {
                Mode::Smoke
            } else if quick {
                Mode::Quick
            } else {
                Mode::Full
            };
            bench(mode, &lab, out, skip, !no_install)
                .map_or_else(|code| code, |_| ExitCode::SUCCESS)
        }
        Command::Report { results, out } => regenerate(&results, out),
        Command::Baseline {
            action: BaselineAction::Save { full, from, to },
        } => {
            let mode = if full { Mode::Full } else { Mode::Quick };
            gated(Plan::new(mode, &[]).map_err(usage).and_then(|plan| {
                let root = run::workspace_root();
                let path = gate::save_baseline(&root, plan, from.as_deref(), &to, true)?;
                eprintln!("heaplab: baseline written to {}", path.display());
                Ok(0)
            }))
        }
        Command::Regress {
            full,
            lab,
            baseline,
            summary,
            thresholds,
            no_install,
        } => {
            let mode = if full { Mode::Full } else { Mode::Quick };
            gated(Plan::new(mode, &lab).map_err(usage).and_then(|plan| {
                let root = run::workspace_root();
                let comparison = gate::regress(&root, plan, &baseline, &thresholds, !no_install)?;
                gate::report(&comparison, &baseline.display().to_string(), &summary)
            }))
        }
        Command::Compare {
            old,
            new,
            summary,
            thresholds,
        } => gated(
            gate::compare_files(&old, &new, &thresholds)
                .and_then(|c| gate::report(&c, &old.display().to_string(), &summary)),
        ),
        Command::Export {
            format: ExportFormat::Bmf,
            results,
            out,
        } => export(&results, out.as_deref()),
        Command::Smoke => smoke(),
        Command::HeapCase {
            lab,
            workload,
            strategy,
            n,
        } => heap_case(&lab, &workload, &strategy, n),
    }
}

fn usage(message: String) -> GateError {
    GateError { code: 2, message }
}

/// The exit code of a gate command, printing its error.
fn gated(result: Result<u8, GateError>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => fail(e.code, &e.message),
    }
}

fn export(results: &Path, out: Option<&Path>) -> ExitCode {
    let loaded = match Results::load(results) {
        Ok(loaded) => loaded,
        Err(why) => return fail(2, &why.to_string()),
    };
    let mut text = serde_json::to_string_pretty(&heaplab::export::bmf(&loaded))
        .expect("JSON value serializes");
    text.push('\n');
    match out {
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Some(path) => match heaplab::results::write_atomic(path, text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(why) => fail(1, &why),
        },
    }
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("heaplab: {message}");
    ExitCode::from(code)
}

fn list(labs: &[String]) -> ExitCode {
    let plan = match Plan::new(Mode::Full, labs) {
        Ok(plan) => plan,
        Err(why) => return fail(2, &why),
    };
    let mut text = String::new();
    for lab in plan.selected_labs() {
        let _ = writeln!(
            text,
            "{}  {}  (tutorial: {})",
            lab.id, lab.title, lab.section
        );
        for case in &lab.cases {
            let python = case
                .python
                .map(|p| format!("  [CPython: {p}]"))
                .unwrap_or_default();
            let sizes = format!("{:?}", case.sizes);
            let _ = writeln!(
                text,
                "    {:<24} {:<18} n = {sizes:<28} {}{python}",
                case.workload, case.strategy, case.about
            );
        }
    }
    // A closed pipe (`heaplab list | head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn bench(
    mode: Mode,
    labs: &[String],
    out: PathBuf,
    skip: Vec<Family>,
    install_tools: bool,
) -> Result<PathBuf, ExitCode> {
    let plan = Plan::new(mode, labs).map_err(|why| fail(2, &why))?;
    let root = run::workspace_root();
    let options = Options {
        plan,
        out,
        skip,
        install_tools,
    };
    let summary = run::bench(&root, &options).map_err(|why| fail(1, &why))?;
    if summary.failures.is_empty() {
        Ok(summary.results)
    } else {
        for failure in &summary.failures {
            eprintln!("heaplab: failed: {failure}");
        }
        Err(fail(
            1,
            "the run finished with failures (above); the results record them as not measured",
        ))
    }
}

fn regenerate(results: &Path, out: Option<PathBuf>) -> ExitCode {
    let loaded = match Results::load(results) {
        Ok(loaded) => loaded,
        Err(why) => return fail(2, &why.to_string()),
    };
    let out = out.unwrap_or_else(|| results.parent().unwrap_or(Path::new(".")).to_path_buf());
    let name = results
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    match report::write(&loaded, &out, &name) {
        Ok(()) => {
            eprintln!("heaplab: wrote {}", out.join(report::REPORT_FILE).display());
            ExitCode::SUCCESS
        }
        Err(why) => fail(1, &why),
    }
}

fn heap_case(lab: &str, workload: &str, strategy: &str, n: usize) -> ExitCode {
    let Some(case) = registry::find(lab).and_then(|l| l.find(workload, strategy)) else {
        return fail(
            2,
            &format!("no case {lab}/{workload}/{strategy}; see `heaplab list`"),
        );
    };
    let figures = heap::measure_here(case, n);
    println!(
        "{}",
        serde_json::to_string(&figures).expect("figures serialize")
    );
    ExitCode::SUCCESS
}

/// `make test`'s end-to-end check (see `heaplab::smoke`).
fn smoke() -> ExitCode {
    let out = std::env::temp_dir().join(format!("heaplab-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    if let Err(code) = bench(Mode::Smoke, &[], out.clone(), Vec::new(), true) {
        return code;
    }
    let mut problems = heaplab::smoke::check_outputs(&out);
    match std::env::current_exe() {
        Ok(exe) => problems.extend(heaplab::smoke::check_gate(&exe, &out.join("gate"))),
        Err(e) => problems.push(format!("cannot find the heaplab executable: {e}")),
    }
    if problems.is_empty() {
        let _ = std::fs::remove_dir_all(&out);
        eprintln!(
            "heaplab smoke: ok (results, report and plots valid; the gate passes unchanged code and catches 3 injected regressions)"
        );
        ExitCode::SUCCESS
    } else {
        for problem in &problems {
            eprintln!("heaplab smoke: {problem}");
        }
        fail(
            1,
            &format!("smoke check failed; output kept in {}", out.display()),
        )
    }
}
