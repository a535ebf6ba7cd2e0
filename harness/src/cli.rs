//! The `heaplab` command line: its arguments (clap) and one function per
//! command. Part of the binary, not the library: everything here is
//! argument handling over the library's modules.
//!
//! Exit codes (DESIGN.md): 0 ok · 1 the run itself failed (a case
//! panicked, a bench crashed, a smoke check failed) · 2 bad input (usage,
//! unreadable or incompatible results file) · 3 regression found.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use heaplab::error::Error;
use heaplab::gate::rules::{self, Closure, Thresholds};
use heaplab::gate::{self, Baseline};
use heaplab::measure::{self, Family, Options, heap};
use heaplab::plan::{Mode, Plan};
use heaplab::registry;
use heaplab::render::{readme, report};
use heaplab::results::Results;
use heaplab::results::files;

#[derive(Parser)]
#[command(
    name = "heaplab",
    version,
    about = "Measures Rust answers to a Python memory-management tutorial: heap, time, instructions, beside CPython",
    long_about = "Measures every registered lab three ways — heap figures with dhat (exact allocations, \
bytes, peak, bytes retained after the output is dropped), wall time with criterion, instructions with iai-callgrind — \
beside the lab's CPython reference script, then writes results/latest.json and results/REPORT.md with plots.\n\n\
Every process it starts runs in its own process group under a per-case time limit and a memory cap: \
a case that hangs, panics or runs out of memory is recorded with that verdict and the run goes on.\n\n\
Exit codes: 0 ok, 1 the run itself failed (a case failed, a tool broke), 2 bad input (usage, an unusable \
file or output path, a comparison the gate refuses to judge), 3 regression found. Interrupted: 128 + signal.",
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
        /// Print the lab's constants shared with its CPython reference, as the JSON object
        /// `python/reference.py --constants` takes (exactly one --lab).
        #[arg(long)]
        constants: bool,
    },
    /// Project how long a run of every registered lab will take, per lab and family, from the
    /// work an earlier run recorded (its provenance's phase times): a lab that would push the
    /// full run over its 10-minute budget shows here before it lands.
    Plan {
        /// The quick run instead (results/quick/latest.json; budget 60 s).
        #[arg(long)]
        quick: bool,
        /// The earlier run to project from [default: results/latest.json, or results/quick/latest.json with --quick].
        #[arg(long)]
        results: Option<PathBuf>,
        /// Jobs for heap and instructions [default: one per core].
        #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: Option<u16>,
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
        /// Output directory (checked before measuring).
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Do not measure this family (repeatable); its cells say "not measured: skipped".
        #[arg(long, value_enum)]
        skip: Vec<Family>,
        #[command(flatten)]
        measuring: Measuring,
    },
    /// Regenerate REPORT.md and plots from a results file (no measuring); from the committed
    /// results/latest.json into results/, also the generated figures in the READMEs.
    #[command(
        long_about = "Regenerates REPORT.md and its plots from a results file, without measuring.\n\n\
When the results are the committed results/latest.json and the report goes beside them (the default), \
the figure blocks of README.md and labs/*/README.md (<!-- heaplab:... --> ... <!-- /heaplab -->) are \
regenerated too: every figure in those READMEs comes from the committed results, and `make test` fails \
when one differs. Edit the prose around the blocks, never inside them."
    )]
    Report {
        /// The results file to read.
        #[arg(long, default_value = "results/latest.json")]
        results: PathBuf,
        /// Where REPORT.md and plots/ go (default: beside the results file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The claims ledger: every claim of the tutorial with its figures per CPython interpreter,
    /// the Rust analogue's, and the verdict computed from them.
    #[command(
        long_about = "Prints the claims ledger of a results file: every checkable claim of the tutorial, \
the figures that test it under each CPython interpreter of the run and in Rust, and the verdict its rule \
computed from them (holds, holds with nuance, does not hold here, not measured yet). The report opens with \
the same ledger. Measure with several interpreters with `heaplab bench --python A --python B` (or \
`make bench PYTHONS=\"A B\"`).",
        after_help = "Examples:\n  heaplab claims\n  heaplab claims --json | jq '.[] | select(.id == \"slots-halve-memory\")'\n  heaplab claims --results results/quick/latest.json"
    )]
    Claims {
        /// The results file to read.
        #[arg(long, default_value = "results/latest.json")]
        results: PathBuf,
        /// Print the ledger as JSON: the schema of the results file's `claims`, judged by today's
        /// rules from the file's figures (the same as the file's own unless a rule changed since).
        #[arg(long)]
        json: bool,
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
The gate fails closed: a family measured on one side only or on neither (valgrind missing), a \
baseline case absent from the run, a different rustc, valgrind, dhat or iai-callgrind version or mode, \
or nothing to compare at all, exits 2 and says what to do (--allow-missing, --allow-mismatch). A \
different CPU only warns.\n\n\
--against REF builds and measures the git revision REF in a worktree on this machine, then the \
working tree, and compares the two: what CI should do, as it never compares across machines.\n\n\
Exit codes: 0 no regression, 3 regression, 2 bad input or a comparison the gate refuses to judge, \
1 the run failed."
    )]
    Regress {
        /// Measure every size instead of the quick ones (the baseline should be saved the same way).
        #[arg(long)]
        full: bool,
        /// Only these labs (repeatable).
        #[arg(long)]
        lab: Vec<String>,
        /// The baseline to compare with.
        #[arg(long, default_value = heaplab::gate::BASELINE, conflicts_with = "against")]
        baseline: PathBuf,
        /// Compare with this git revision, measured here first (e.g. origin/main).
        #[arg(long, value_name = "REF")]
        against: Option<String>,
        /// Where to write the Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set).
        #[arg(long, default_value = "target/heaplab/regress-summary.md")]
        summary: PathBuf,
        #[command(flatten)]
        thresholds: Thresholds,
        #[command(flatten)]
        closure: Closure,
        #[command(flatten)]
        measuring: Measuring,
    },
    /// Compare two results files without measuring: the same table and exit codes as `regress`.
    Compare {
        /// The older results (the baseline).
        old: PathBuf,
        /// The newer results.
        new: PathBuf,
        /// Where to write the Markdown summary (never one of the two inputs).
        #[arg(long, default_value = "target/heaplab/compare-summary.md")]
        summary: PathBuf,
        #[command(flatten)]
        thresholds: Thresholds,
        #[command(flatten)]
        closure: Closure,
    },
    /// Export a results file for other tools (Bencher Metric Format).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value = "bmf")]
        format: ExportFormat,
        /// The results file to export.
        #[arg(long, default_value = "results/latest.json")]
        results: PathBuf,
        /// Write here instead of standard output (never the results file itself).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Student exercises: list, check, watch, hint, reset (graded on behaviour and heap figures).
    #[command(
        long_about = "Exercises for students of the tutorial, graded on what the code does *and* on what it \
does to the heap.\n\n\
Each lab has exercises in labs/NN-topic/exercises/ (the files you edit: a doc comment states the task and \
the budget; `todo!()` or a naive version marks your part) and reference solutions in labs/NN-topic/solutions/. \
A check compiles your file into a small program, runs its tests (n = 0, n = 1 and more), then measures your \
code with dhat at one or more sizes (n and 10 n where growth matters) in a child process with a time limit \
and a memory cap. The verdict shows a table per size: metric, yours, the budget (computed from n and \
size_of), the reference solution's figure and the physical floor; and, when over budget, which lines of \
your file allocated what, beside the reference's.\n\n\
Tiers: passed (within budget), matches the reference solution, reaches the floor. Not passed: does not \
compile, not done yet (todo!()), wrong answer, panicked, over budget, leaked, timed out, out of memory, \
exited early (process::exit), killed by a signal. Time is never graded.\n\n\
Some exercises have a Python twin (the tutorial notebook's own exercises): `--python`, or the id with .py, \
graded with tracemalloc in the same format.\n\n\
Exit codes of `check`: 0 passed, 1 not passed, 2 unknown exercise.",
        after_help = "Examples:\n  heaplab exercise list\n  heaplab exercise watch\n  heaplab exercise check 04-1\n  heaplab exercise hint 04-1\n  heaplab exercise check 04-1 --python\n  heaplab exercise reset 04-1"
    )]
    Exercise {
        #[command(subcommand)]
        action: ExerciseAction,
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
        /// Also write dhat's per-site file here and print the sites still live at the end.
        #[arg(long, conflicts_with = "reserved")]
        sites: Option<PathBuf>,
        /// Instead of dhat's figures, count the bytes the allocator reserves (`reserved_bytes`).
        #[arg(long)]
        reserved: bool,
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
        /// Where to write (checked before measuring).
        #[arg(long, default_value = heaplab::gate::BASELINE)]
        to: PathBuf,
        #[command(flatten)]
        measuring: Measuring,
    },
}

#[derive(Subcommand)]
enum ExerciseAction {
    /// Every exercise with its state: not started, failing, passed.
    List {
        /// Print JSON (id, language, lab, title, exercise and solution files, state) for editors and CI.
        #[arg(long)]
        json: bool,
    },
    /// Check one exercise and print its verdict: exit 0 passed, 1 not passed, 2 unknown id.
    Check {
        /// The exercise, e.g. 04-1 (04-1.py for its Python twin).
        id: String,
        /// The Python twin.
        #[arg(long)]
        python: bool,
        /// Check this file against the exercise instead of your exercise file (progress is not recorded).
        #[arg(long, conflicts_with = "solution")]
        file: Option<PathBuf>,
        /// Check the reference solution (what passing looks like).
        #[arg(long)]
        solution: bool,
        #[command(flatten)]
        limits: ExerciseLimits,
    },
    /// Re-check on every save, rustlings-style; moves on when an exercise passes.
    Watch {
        /// Watch the Python twins instead.
        #[arg(long)]
        python: bool,
        #[command(flatten)]
        limits: ExerciseLimits,
    },
    /// Check every reference solution and record their figures (results/exercises.json, which the
    /// report quotes); `make bench` does this too.
    Reference {
        /// Where to write the record.
        #[arg(long, default_value = "results/exercises.json")]
        out: PathBuf,
    },
    /// Show the next hint for an exercise.
    Hint {
        /// The exercise, e.g. 04-1.
        id: String,
        /// The Python twin.
        #[arg(long)]
        python: bool,
    },
    /// Restore an exercise's starting file (as committed: git HEAD) and forget its progress.
    Reset {
        /// The exercise, e.g. 04-1.
        id: String,
        /// The Python twin.
        #[arg(long)]
        python: bool,
    },
}

/// Limits of a checked run.
#[derive(Args, Clone, Copy)]
struct ExerciseLimits {
    /// The longest the checked program may run, in seconds (its build not counted).
    #[arg(long, value_name = "SECONDS", default_value_t = heaplab::exercise::grade::DEFAULT_TIMEOUT.as_secs_f64(), value_parser = positive_seconds)]
    timeout: f64,
    /// Address-space cap of the checked program, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = heaplab::exercise::grade::DEFAULT_MEMORY >> 20, value_parser = clap::value_parser!(u64).range(64..))]
    memory_limit: u64,
}

impl ExerciseLimits {
    fn run_limits(self) -> heaplab::exercise::grade::RunLimits {
        heaplab::exercise::grade::RunLimits {
            timeout: Duration::from_secs_f64(self.timeout),
            memory: self.memory_limit << 20,
        }
    }
}

/// How measured processes are limited, shared by every measuring command.
#[derive(Args, Clone)]
struct Measuring {
    /// The longest one case may take in any family, in seconds: one heap-case process, one criterion
    /// benchmark, one callgrind run, one CPython measurement. A case over it is killed, recorded as
    /// "timed out", and the run goes on with the next case.
    #[arg(long, value_name = "SECONDS", default_value_t = measure::DEFAULT_TIMEOUT.as_secs_f64(), value_parser = positive_seconds)]
    timeout: f64,
    /// Address-space cap of each measured process in MiB (not under valgrind), so a case cannot
    /// exhaust the machine [default: half the machine's memory, at most 8192].
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(64..))]
    memory_limit: Option<u64>,
    /// Never install valgrind or iai-callgrind-runner; report instructions as not measured instead.
    #[arg(long)]
    no_install: bool,
    /// Jobs for the deterministic families (heap figures and instruction counts do not depend on
    /// machine load, so they run in parallel; the time family always runs alone)
    /// [default: one per core].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
    /// A CPython interpreter to run the references with (repeatable: `--python python3.11
    /// --python ~/.pyenv/versions/3.13.0/bin/python3`). The first is measured in full, each further
    /// one for what the claims ledger cites, so every claim gets a verdict per interpreter. One
    /// older than 3.9 is recorded as "not measured" with the reason [default: $PYTHON, else python3].
    #[arg(long, value_name = "PATH")]
    python: Vec<String>,
}

impl Measuring {
    fn options(self, plan: Plan, out: PathBuf, skip: Vec<Family>) -> Options {
        let mut options = Options::new(plan, out);
        options.skip = skip;
        options.install_tools = !self.no_install;
        options.timeout = Duration::from_secs_f64(self.timeout);
        if let Some(mib) = self.memory_limit {
            options.memory = Some(mib << 20);
        }
        if let Some(jobs) = self.jobs {
            options.jobs = usize::from(jobs);
        }
        if !self.python.is_empty() {
            options.pythons = self.python;
        }
        options
    }
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    let v = rules::non_negative(text)?;
    if v > 0.0 && v <= 86_400.0 {
        Ok(v)
    } else {
        Err(format!(
            "'{text}' must be more than 0 and at most 86400 seconds"
        ))
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// Bencher Metric Format (JSON).
    Bmf,
}

/// Parses the command line, runs the command, and gives its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::HeapCase { .. }) {
        if let Err(e) = measure::child::install_signal_handlers(measure::on_interrupt) {
            eprintln!(
                "heaplab: warning: cannot catch interrupts ({e}); an interrupted run may leave child processes"
            );
        }
        // Every child of this process goes through heaplab::measure::child::run.
        if let Err(e) = measure::child::adopt_orphans() {
            eprintln!("heaplab: warning: cannot adopt orphaned descendants ({e})");
        }
    }
    let result = match cli.command {
        Command::List {
            lab,
            constants: false,
        } => list(&lab),
        Command::Plan {
            quick,
            results,
            jobs,
        } => plan(quick, results, jobs),
        Command::List {
            lab,
            constants: true,
        } => list_constants(&lab),
        Command::Bench {
            quick,
            smoke,
            lab,
            out,
            skip,
            measuring,
        } => {
            let mode = if smoke {
                Mode::Smoke
            } else if quick {
                Mode::Quick
            } else {
                Mode::Full
            };
            bench(measuring, mode, &lab, out, skip).map(|_| 0)
        }
        Command::Report { results, out } => regenerate(&results, out),
        Command::Claims { results, json } => claims(&results, json),
        Command::Baseline {
            action:
                BaselineAction::Save {
                    full,
                    from,
                    to,
                    measuring,
                },
        } => {
            let mode = if full { Mode::Full } else { Mode::Quick };
            Plan::new(mode, &[]).map_err(Error::input).and_then(|plan| {
                let root = measure::workspace_root();
                let options = measuring.options(plan, PathBuf::new(), Vec::new());
                let path = gate::save_baseline(&root, options, from.as_deref(), &to)?;
                eprintln!("heaplab: baseline written to {}", path.display());
                Ok(0)
            })
        }
        Command::Regress {
            full,
            lab,
            baseline,
            against,
            summary,
            thresholds,
            closure,
            measuring,
        } => {
            let mode = if full { Mode::Full } else { Mode::Quick };
            Plan::new(mode, &lab)
                .map_err(Error::input)
                .and_then(|plan| {
                    let root = measure::workspace_root();
                    let baseline = match against {
                        Some(rev) => Baseline::Revision(rev),
                        None => Baseline::File(baseline),
                    };
                    let inputs: Vec<&Path> = match &baseline {
                        Baseline::File(path) => vec![path.as_path()],
                        Baseline::Revision(_) => Vec::new(),
                    };
                    gate::check_output_against(&summary, &inputs, "--summary")?;
                    let options = measuring.options(plan, PathBuf::new(), Vec::new());
                    let comparison =
                        gate::regress(&root, options, &baseline, &thresholds, &closure)?;
                    gate::report(&comparison, &baseline.name(), &summary, &closure)
                })
        }
        Command::Compare {
            old,
            new,
            summary,
            thresholds,
            closure,
        } => gate::check_output_against(&summary, &[&old, &new], "--summary")
            .and_then(|()| gate::compare_files(&old, &new, &thresholds))
            .and_then(|c| gate::report(&c, &old.display().to_string(), &summary, &closure)),
        Command::Export {
            format: ExportFormat::Bmf,
            results,
            out,
        } => export(&results, out.as_deref()),
        Command::Exercise { action } => exercise(action),
        Command::Smoke => smoke(),
        Command::HeapCase {
            lab,
            workload,
            strategy,
            n,
            sites,
            reserved,
        } => heap_case(&lab, &workload, &strategy, n, sites.as_deref(), reserved),
    };
    // Stopped by a signal meanwhile: the handler gives the exit code (128 + N).
    while measure::child::interrupted() {
        std::thread::park();
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => fail(&e),
    }
}

fn exercise(action: ExerciseAction) -> Result<u8, Error> {
    use heaplab::exercise::{self as ex, Source, state::State};
    let root = measure::workspace_root();
    match action {
        ExerciseAction::List { json } => {
            let state = State::load(&root)?;
            let all = ex::catalogue();
            if json {
                let rows: Vec<serde_json::Value> = all
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "id": e.id(),
                            "language": e.language,
                            "lab": e.lab.id,
                            "title": e.exercise.title,
                            "exercise_file": e.exercise_path(),
                            "solution_file": e.solution_path(),
                            "state": state.progress(&root, e),
                        })
                    })
                    .collect();
                let text = serde_json::to_string_pretty(&rows).expect("JSON");
                print_out(&format!("{text}\n"))?;
            } else {
                let passed = all
                    .iter()
                    .filter(|e| state.progress(&root, e) == ex::state::Progress::Passed)
                    .count();
                let mut text = format!("  {:<15} {:<12} title\n", "exercise", "state");
                text.push_str(&ex::watch::list_lines(&root, &all, &state));
                let _ = writeln!(
                    text,
                    "\n{passed} of {} passed. `heaplab exercise watch` starts at the first one not passed; \
`heaplab exercise check ID` checks one.",
                    all.len()
                );
                print_out(&text)?;
            }
            Ok(0)
        }
        ExerciseAction::Check {
            id,
            python,
            file,
            solution,
            limits,
        } => {
            let entry = ex::find(&id, python)?;
            let source = match (file, solution) {
                (Some(path), _) => Source::File(path),
                (None, true) => Source::Solution,
                (None, false) => Source::Exercise,
            };
            let verdict = ex::check(&root, &entry, &source, limits.run_limits())?;
            print_out(&ex::show::render(&verdict))?;
            Ok(if verdict.passed() { 0 } else { 1 })
        }
        ExerciseAction::Watch { python, limits } => {
            let language = if python {
                ex::Language::Python
            } else {
                ex::Language::Rust
            };
            ex::watch::watch(&root, language, limits.run_limits())
        }
        ExerciseAction::Reference { out } => {
            files::check_output(&out)?;
            let run = ex::reference::measure(&root, "exercises")?;
            run.save(&out)?;
            eprintln!("heaplab: wrote {}", out.display());
            Ok(0)
        }
        ExerciseAction::Hint { id, python } => {
            let entry = ex::find(&id, python)?;
            let mut state = State::load(&root)?;
            let index = state.next_hint(&entry);
            state.save(&root)?;
            let hints = &entry.exercise.hints;
            let more = if index + 1 < hints.len() {
                " (ask again for the next)"
            } else {
                " (the last one)"
            };
            print_out(&format!(
                "hint {} of {} for {entry}{more}:\n  {}\n",
                index + 1,
                hints.len(),
                hints.get(index).copied().unwrap_or("no hints for this one")
            ))?;
            Ok(0)
        }
        ExerciseAction::Reset { id, python } => {
            let entry = ex::find(&id, python)?;
            let path = entry.exercise_path();
            let mut git = std::process::Command::new("git");
            git.current_dir(&root)
                .arg("show")
                .arg(format!("HEAD:{}", path.display()));
            let limits = measure::child::Limits {
                keep_stdout: Some(1 << 20),
                ..measure::child::Limits::wall(Duration::from_secs(30))
            };
            let done = measure::child::run(&mut git, &limits, None, |_, _| false).map_err(|e| {
                Error::run(format!("cannot run git to restore {}: {e}", path.display()))
            })?;
            if !done.success() {
                return Err(Error::run(format!(
                    "cannot restore {}: `git show HEAD:{}` {}; the starting file is the committed one",
                    path.display(),
                    path.display(),
                    done.verdict()
                )));
            }
            files::write_atomic(&root.join(&path), &done.stdout)?;
            let mut state = State::load(&root)?;
            state.forget(&entry);
            state.save(&root)?;
            eprintln!(
                "heaplab: {} restored to its committed version",
                path.display()
            );
            Ok(0)
        }
    }
}

fn fail(e: &Error) -> ExitCode {
    eprintln!("heaplab: {}", e.message);
    ExitCode::from(e.code)
}

/// Writes to standard output. A reader that went away (`heaplab list |
/// head`) is not an error; any other failure (a full disk) is exit 1. (A
/// standard output closed before heaplab started, `>&-`, cannot be told
/// apart: Rust's runtime reopens it as `/dev/null` before `main`.)
fn claims(results: &Path, json: bool) -> Result<u8, Error> {
    let loaded = Results::load(results)?;
    let rows = heaplab::claims::of(&loaded);
    let text = if json {
        let mut text = serde_json::to_string_pretty(&rows)
            .map_err(|e| Error::run(format!("cannot serialize the ledger: {e}")))?;
        text.push('\n');
        text
    } else {
        heaplab::claims::render::terminal(&rows)
    };
    print_out(&text)?;
    Ok(0)
}

fn print_out(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::run(format!("cannot write to standard output: {e}"))),
    }
}

fn export(results: &Path, out: Option<&Path>) -> Result<u8, Error> {
    if let Some(out) = out {
        gate::check_output_against(out, &[results], "--out")?;
    }
    let loaded = Results::load(results).map_err(|e| Error::input(e.to_string()))?;
    let mut text = serde_json::to_string_pretty(&heaplab::render::export::bmf(&loaded))
        .map_err(|e| Error::run(format!("cannot serialize: {e}")))?;
    text.push('\n');
    match out {
        None => print_out(&text)?,
        Some(path) => files::write_atomic(path, text.as_bytes())?,
    }
    Ok(0)
}

fn list_constants(labs: &[String]) -> Result<u8, Error> {
    let [query] = labs else {
        return Err(Error::input(
            "--constants needs exactly one --lab (e.g. heaplab list --lab 09 --constants)",
        ));
    };
    let lab = registry::find(query)
        .ok_or_else(|| Error::input(format!("no lab matches '{query}'; see `heaplab list`")))?;
    print_out(&format!("{}\n", measure::python::constants(lab)))?;
    Ok(0)
}

fn list(labs: &[String]) -> Result<u8, Error> {
    let plan = Plan::new(Mode::Full, labs).map_err(Error::input)?;
    let mut text = String::new();
    for lab in plan.selected_labs() {
        let _ = writeln!(
            text,
            "{}  {}  (tutorial: {})",
            lab.id, lab.title, lab.section
        );
        for case in &lab.cases {
            let python = if case.python.is_empty() {
                String::new()
            } else {
                format!("  [CPython: {}]", case.python.join(", "))
            };
            let sizes = format!("{:?}", case.sizes);
            let _ = writeln!(
                text,
                "    {:<24} {:<18} n = {sizes:<28} {}{python}",
                case.workload, case.strategy, case.about
            );
        }
    }
    print_out(&text)?;
    Ok(0)
}

fn bench(
    measuring: Measuring,
    mode: Mode,
    labs: &[String],
    out: PathBuf,
    skip: Vec<Family>,
) -> Result<PathBuf, Error> {
    let plan = Plan::new(mode, labs).map_err(Error::input)?;
    let root = measure::workspace_root();
    let options = measuring.options(plan, out, skip);
    let summary = measure::bench(&root, &options)?;
    if summary.failures.is_empty() {
        Ok(summary.latest)
    } else {
        for failure in &summary.failures {
            eprintln!("heaplab: failed: {failure}");
        }
        Err(Error::run(format!(
            "the run finished with {} failure(s) (above); everything else was measured, and the results record these as not measured",
            summary.failures.len()
        )))
    }
}

fn regenerate(results: &Path, out: Option<PathBuf>) -> Result<u8, Error> {
    let loaded = Results::load(results).map_err(|e| Error::input(e.to_string()))?;
    let out = out.unwrap_or_else(|| results.parent().unwrap_or(Path::new(".")).to_path_buf());
    measure::check_outputs(&out)?;
    gate::check_output_against(&out.join(report::REPORT_FILE), &[results], "the report")?;
    let name = results
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let exercises = heaplab::exercise::reference::ExerciseRun::load(
        &results
            .parent()
            .unwrap_or(Path::new("."))
            .join(heaplab::exercise::reference::FILE),
    )?;
    report::write(&loaded, exercises.as_ref(), &out, &name)?;
    eprintln!("heaplab: wrote {}", out.join(report::REPORT_FILE).display());
    let root = measure::workspace_root();
    for readme in readme::update_if_committed(&root, results, &out, &loaded)? {
        eprintln!("heaplab: updated the figures in {}", readme.display());
    }
    Ok(0)
}

fn heap_case(
    lab: &str,
    workload: &str,
    strategy: &str,
    n: usize,
    sites: Option<&Path>,
    reserved: bool,
) -> Result<u8, Error> {
    let found = registry::find(lab).and_then(|l| Some((l.id, l.find(workload, strategy)?)));
    let Some((lab, case)) = found else {
        return Err(Error::input(format!(
            "no case {lab}/{workload}/{strategy}; see `heaplab list`"
        )));
    };
    // Each count is the first run of the case in its process: one-time
    // allocations (lazy statics, first use) fall in both alike.
    if reserved {
        let text = serde_json::to_string(&measure::reserved::measure_here(case, n))
            .map_err(|e| Error::run(format!("cannot serialize: {e}")))?;
        print_out(&format!("{text}\n"))?;
        return Ok(0);
    }
    let figures = match sites {
        Some(path) => heap::measure_sites_here(case, n, lab, path),
        None => heap::Measured {
            figures: heap::measure_here(case, n),
            ..heap::Measured::default()
        },
    };
    let text = serde_json::to_string(&figures)
        .map_err(|e| Error::run(format!("cannot serialize: {e}")))?;
    print_out(&format!("{text}\n"))?;
    Ok(0)
}

/// `heaplab plan`: the next run's expected time, from an earlier run's work.
fn plan(quick: bool, results: Option<PathBuf>, jobs: Option<u16>) -> Result<u8, Error> {
    let root = measure::workspace_root();
    let (mode, default, budget) = if quick {
        (Mode::Quick, "results/quick/latest.json", 60.0)
    } else {
        (Mode::Full, "results/latest.json", 600.0)
    };
    let path = results.unwrap_or_else(|| root.join(default));
    let earlier = Results::load(&path)?;
    let p = &earlier.provenance;
    if p.work.is_empty() {
        return Err(Error::input(format!(
            "{} has no phase times (it predates them): run `heaplab bench{}` once, then plan",
            path.display(),
            if quick { " --quick" } else { "" }
        )));
    }
    let plan = Plan::new(mode, &[]).map_err(Error::input)?;
    let items = plan.items();
    let labs: Vec<(&str, usize)> = plan
        .selected_labs()
        .map(|lab| (lab.id, items.iter().filter(|i| i.lab.id == lab.id).count()))
        .collect();
    let jobs = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let projection = measure::phases::Projection::new(p, &labs, jobs);
    print_out(&format!(
        "heaplab plan: a {} run of {} labs, projected from {} ({}, {}, {} jobs then; phases: {})\n\n{}\n",
        mode,
        labs.len(),
        path.display(),
        p.date,
        p.short_revision(),
        p.jobs,
        measure::phases::summary(p),
        projection.render(budget)
    ))?;
    Ok(0)
}

/// `make test`'s end-to-end check (see `heaplab::checks::smoke`).
fn smoke() -> Result<u8, Error> {
    let out = std::env::temp_dir().join(format!("heaplab-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let measuring = Measuring {
        timeout: measure::DEFAULT_TIMEOUT.as_secs_f64(),
        memory_limit: None,
        no_install: false,
        jobs: None,
        python: Vec::new(),
    };
    bench(measuring, Mode::Smoke, &[], out.clone(), Vec::new())?;
    let mut problems = heaplab::checks::smoke::check_outputs(&out);
    match std::env::current_exe() {
        Ok(exe) => {
            problems.extend(heaplab::checks::smoke::check_gate(&exe, &out.join("gate")));
            problems.extend(heaplab::checks::smoke::check_limits(
                &exe,
                &out.join("limits"),
            ));
        }
        Err(e) => problems.push(format!("cannot find the heaplab executable: {e}")),
    }
    if problems.is_empty() {
        let _ = std::fs::remove_dir_all(&out);
        eprintln!(
            "heaplab smoke: ok (results, report and plots valid; the gate passes unchanged code and catches 3 injected regressions; a hanging, a panicking and an out-of-memory case are each stopped and the run goes on)"
        );
        Ok(0)
    } else {
        for problem in &problems {
            eprintln!("heaplab smoke: {problem}");
        }
        Err(Error::run(format!(
            "smoke check failed; output kept in {}",
            out.display()
        )))
    }
}
