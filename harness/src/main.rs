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
use heaplab::plan::{Mode, Plan};
use heaplab::results::{Metric, Results, Source};
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
    after_help = "Examples:\n  heaplab list\n  heaplab bench --quick --lab 04\n  heaplab bench            (full run, ~10 minutes)\n  heaplab report --results results/latest.json"
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
    /// Run a smoke bench into a temporary directory and check what it wrote (used by `make test`).
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
        Command::Smoke => smoke(),
        Command::HeapCase {
            lab,
            workload,
            strategy,
            n,
        } => heap_case(&lab, &workload, &strategy, n),
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

/// `make test`'s end-to-end check: a smoke bench into a temporary
/// directory, then every promise about what it wrote.
fn smoke() -> ExitCode {
    let out = std::env::temp_dir().join(format!("heaplab-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let latest = match bench(Mode::Smoke, &[], out.clone(), Vec::new(), true) {
        Ok(latest) => latest,
        Err(code) => return code,
    };
    let problems = check_smoke(&latest, &out);
    if problems.is_empty() {
        let _ = std::fs::remove_dir_all(&out);
        eprintln!("heaplab smoke: ok (results, run copy, report and plots written and valid)");
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

fn check_smoke(latest: &Path, out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let results = match Results::load(latest) {
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
        for name in heaplab::results::metric::ALL {
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
