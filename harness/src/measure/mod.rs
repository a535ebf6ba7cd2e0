//! `heaplab bench`: every family over the plan, one results file, one report.
//!
//! The run is careful with what it has measured:
//!
//! * every output path is checked before the first measurement, so a bad
//!   `--out` costs a second, not the run;
//! * every process runs under the limits of [`crate::measure::child`]: a case that
//!   hangs, panics or runs out of memory is recorded with that verdict and
//!   the run goes on with the next case;
//! * after each family the run's own record (`runs/<id>/results.json`) is
//!   written with what is measured so far, the rest marked "not measured:
//!   the run stopped before ...": a run killed late loses at most the
//!   family it was in. `latest.json` and the report are written at the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::exercise::reference;
use crate::measure::child::Limits;
use crate::measure::progress::Progress;
use crate::plan::{Item, Plan};
use crate::render::{readme, report};
use crate::results::files;
use crate::results::interpreters::{InterpreterLab, InterpreterRecord};
use crate::results::metrics::{self, METRICS, MetricSpec};
use crate::results::provenance::Provenance;
use crate::results::{
    CaseId, CaseRecord, FactRecord, LabRecord, Metric, Results, SCHEMA_VERSION, Source, metric,
};
use binaries::{Executables, Outcome};

pub mod binaries;
pub mod child;
pub mod events;
pub mod heap;
pub mod instructions;
pub mod parallel;
pub mod phases;
pub mod progress;
pub mod python;
pub mod reserved;
pub mod sites;
pub mod sizes;
pub mod time;
pub mod tools;

/// A measurement family that can be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Family {
    /// dhat heap figures.
    Heap,
    /// criterion wall time.
    Time,
    /// iai-callgrind instruction counts.
    Instructions,
    /// The CPython reference scripts.
    Python,
}

impl Family {
    /// Every family, in the order a run measures them.
    pub const ALL: [Family; 4] = [
        Family::Heap,
        Family::Time,
        Family::Instructions,
        Family::Python,
    ];

    /// The name used on the command line (`--skip heap`).
    pub fn name(self) -> &'static str {
        match self {
            Family::Heap => "heap",
            Family::Time => "time",
            Family::Instructions => "instructions",
            Family::Python => "python",
        }
    }
}

/// The per-case limit when none is given: five minutes, about five times
/// the slowest case of a full run here (CPython's list-based LRU at
/// 100 000 operations: five timed runs and two heap passes of 5.6 s each).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// What `heaplab bench` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Labs and mode.
    pub plan: Plan,
    /// Output directory (`results/` by default).
    pub out: PathBuf,
    /// Families not to measure (recorded as "not measured: skipped").
    pub skip: Vec<Family>,
    /// Install valgrind / iai-callgrind-runner when missing.
    pub install_tools: bool,
    /// The longest one case may take in any family (one heap-case process,
    /// one criterion benchmark, one callgrind run, one CPython measurement).
    pub timeout: Duration,
    /// Address-space cap of each measured process, except those under
    /// valgrind (which manages its own memory).
    pub memory: Option<u64>,
    /// Parallel jobs of the deterministic families ([`parallel`]).
    pub jobs: usize,
    /// Check the exercises' reference solutions when the run is complete
    /// (every lab, not smoke); the gate's runs do not.
    pub exercises: bool,
    /// The CPython interpreters: the first measured in full, each further
    /// one for what the claims ledger cites (see
    /// [`crate::results::interpreters`]).
    pub pythons: Vec<String>,
    /// Take CPython's times too (the gate takes its heap figures only).
    pub python_times: bool,
}

impl Options {
    /// Options for `plan` into `out` with the defaults: every family,
    /// tools installed, [`DEFAULT_TIMEOUT`], the default memory cap.
    pub fn new(plan: Plan, out: PathBuf) -> Self {
        Self {
            plan,
            out,
            skip: Vec::new(),
            install_tools: true,
            timeout: DEFAULT_TIMEOUT,
            memory: child::default_memory_cap(),
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
            exercises: true,
            pythons: vec![python::interpreter()],
            python_times: true,
        }
    }

    /// The first interpreter: `python3` when none was given.
    pub fn python(&self) -> &str {
        self.pythons.first().map_or("python3", String::as_str)
    }
}

/// One CPython interpreter of a run.
struct Interpreter {
    /// As given.
    executable: String,
    /// What `--version` said.
    version: String,
    /// 0 for the first (measured in full), 1, 2, … for the others.
    index: usize,
}

/// What a finished run wrote, and what went wrong on the way.
#[derive(Debug)]
pub struct Summary {
    /// The results, as written to `latest.json`.
    pub results: Results,
    /// `latest.json`.
    pub latest: PathBuf,
    /// The run's own copy under `runs/`.
    pub run_dir: PathBuf,
    /// `REPORT.md`.
    pub report: PathBuf,
    /// Failures that make the run exit 1 (a case panicked or timed out, a bench broke).
    pub failures: Vec<String>,
    /// Those of `failures` that come from a CPython reference (the gate,
    /// which does not gate CPython, shows them as warnings).
    pub cpython_failures: Vec<String>,
}

/// The workspace root: `$HEAPLAB_ROOT`, else where this crate was built.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("HEAPLAB_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("harness/ has a parent")
                .to_path_buf()
        })
}

/// What to tell the user if the run is interrupted: where its partial record is.
static INTERRUPT_NOTE: Mutex<Option<String>> = Mutex::new(None);

/// Says where the partial results of an interrupted run are (for
/// [`crate::measure::child::install_signal_handlers`]).
pub fn on_interrupt() {
    let note = INTERRUPT_NOTE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(note) = note.as_ref() {
        // Never panics: called while the process is being stopped.
        let _ = writeln!(std::io::stderr(), "heaplab: {note}");
    }
}

fn set_interrupt_note(note: String) {
    *INTERRUPT_NOTE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(note);
}

/// Where one family stands.
enum Stage<T> {
    /// Not asked for (`--skip`).
    Skipped,
    /// Not run yet: a record written now says the run stopped before it.
    Pending,
    /// Measured (possibly with failed cases inside).
    Done(T),
}

type HeapMap = BTreeMap<CaseId, Result<heap::HeapFigures, String>>;

/// Everything measured so far in one run.
struct State<'a> {
    items: &'a [Item],
    heap: Stage<HeapMap>,
    time: Stage<Outcome>,
    instructions: Stage<Outcome>,
    /// Per lab id: the CPython run or why there is none.
    python: BTreeMap<&'static str, Stage<Result<python::PythonRun, String>>>,
    /// The further interpreters' figures, as far as measured.
    interpreters: Vec<InterpreterRecord>,
    /// Live allocation sites of the cases that ask for them.
    sites: BTreeMap<CaseId, Vec<sites::Site>>,
    /// Profiles of the cases that ask for one.
    profiles: BTreeMap<CaseId, sites::Profile>,
    /// Bytes the allocator reserved, by case (the heap family's second pass).
    reserved: BTreeMap<CaseId, Result<u64, String>>,
}

impl State<'_> {
    fn rust_records(&self) -> Vec<CaseRecord> {
        self.items
            .iter()
            .map(|item| {
                let id = item.id();
                let metrics = METRICS
                    .iter()
                    .map(|spec| (spec.name.to_owned(), self.metric(&id, spec)))
                    .collect();
                CaseRecord {
                    id,
                    source: Source::Rust,
                    metrics,
                }
            })
            .collect()
    }

    /// The value of one metric of one case, or why there is none.
    fn metric(&self, id: &CaseId, spec: &MetricSpec) -> Metric {
        match spec.family {
            metrics::Family::Heap => match &self.heap {
                Stage::Done(map) => match map.get(id) {
                    Some(Ok(_)) if spec.name == metric::RESERVED_BYTES => {
                        match self.reserved.get(id) {
                            Some(Ok(bytes)) => Metric::Count(*bytes),
                            Some(Err(why)) => Metric::missing(why.clone()),
                            None => Metric::missing("the heap family did not report it"),
                        }
                    }
                    Some(Ok(figures)) => heap::metric_of(figures, spec.name),
                    Some(Err(why)) => Metric::missing(why.clone()),
                    None => Metric::missing("the heap family never reached this case"),
                },
                other => not_yet(other.state(), Family::Heap),
            },
            metrics::Family::Time => pick(&self.time, id, Family::Time, "criterion"),
            metrics::Family::Instructions => pick(
                &self.instructions,
                id,
                Family::Instructions,
                "iai-callgrind",
            ),
        }
    }

    fn results(&self, plan: &Plan, provenance: &Provenance) -> Results {
        let mut cases = self.rust_records();
        let mut labs = Vec::new();
        for lab in plan.selected_labs() {
            let mut facts: Vec<FactRecord> = (lab.facts)()
                .into_iter()
                .map(|f| FactRecord {
                    name: f.name,
                    value: f.value,
                    unit: f.unit.to_owned(),
                    source: Source::Rust,
                })
                .collect();
            let python_timing = match self.python.get(lab.id) {
                Some(Stage::Done(Ok(run))) => run.timing.clone(),
                _ => None,
            };
            let python_not_measured = match self.python.get(lab.id) {
                Some(Stage::Done(Ok(run))) if run.not_measured.is_some() => {
                    run.not_measured.clone()
                }
                Some(Stage::Done(Ok(run))) => {
                    cases.extend(run.cases.iter().cloned());
                    facts.extend(run.facts.iter().cloned());
                    None
                }
                Some(Stage::Done(Err(why))) => Some(why.clone()),
                Some(Stage::Skipped) => Some("skipped (--skip python)".to_owned()),
                Some(Stage::Pending) | None => {
                    Some("the run stopped before the CPython reference ran".to_owned())
                }
            };
            labs.push(LabRecord {
                id: lab.id.to_owned(),
                title: lab.title.to_owned(),
                section: lab.section.to_owned(),
                claims: lab.claims.iter().map(|c| c.id.to_owned()).collect(),
                facts,
                python_counterparts: lab
                    .cases
                    .iter()
                    .filter(|c| !c.python.is_empty())
                    .map(|c| {
                        let names = c.python.iter().map(|p| (*p).to_owned()).collect();
                        (format!("{}/{}", c.workload, c.strategy), names)
                    })
                    .collect(),
                python_not_measured,
                keeps_output: lab.keeps_output.iter().map(|w| (*w).to_owned()).collect(),
                python_timing,
                snapshot_diffs: lab
                    .snapshot_diffs
                    .iter()
                    .map(|d| crate::results::SnapshotDiffRecord {
                        workload: d.workload.to_owned(),
                        before: d.before.to_owned(),
                        after: d.after.to_owned(),
                    })
                    .collect(),
            });
        }
        let mut results = Results {
            schema_version: SCHEMA_VERSION,
            provenance: provenance.clone(),
            labs,
            cases,
            interpreters: self.interpreters.clone(),
            claims: Vec::new(),
            sites: self.sites.clone(),
            profiles: self.profiles.clone(),
        };
        results.claims = crate::claims::ledger(&results, crate::registry::labs());
        results
    }
}

impl<T> Stage<T> {
    fn new(skipped: bool) -> Self {
        if skipped {
            Stage::Skipped
        } else {
            Stage::Pending
        }
    }

    fn state(&self) -> Option<bool> {
        match self {
            Stage::Skipped => Some(true),
            Stage::Pending => Some(false),
            Stage::Done(_) => None,
        }
    }
}

/// The limits of one measured case in a process that measures many: the
/// time-out applies to each case (no progress within it).
fn per_case(options: &Options) -> Limits {
    Limits {
        stall: Some(options.timeout),
        memory: options.memory,
        contain: true,
        ..Limits::default()
    }
}

/// Locks `mutex`, whatever a panicking holder left in it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The "not measured" marker of a family that was skipped or not reached.
fn not_yet(skipped: Option<bool>, family: Family) -> Metric {
    match skipped {
        Some(true) => Metric::missing(format!("skipped (--skip {})", family.name())),
        _ => Metric::missing(format!(
            "the run stopped before the {} family",
            family.name()
        )),
    }
}

/// The family's value for `key`, or why there is none.
fn pick(stage: &Stage<Outcome>, key: &CaseId, family: Family, tool: &str) -> Metric {
    let Stage::Done(outcome) = stage else {
        return not_yet(stage.state(), family);
    };
    match (outcome.metrics.get(key), &outcome.unmeasured) {
        (Some(m), _) => m.clone(),
        (None, Some(why)) => Metric::missing(why.clone()),
        (None, None) => Metric::missing(format!(
            "{tool} reported no figure for this case: its bench exited before reaching it{}",
            outcome
                .log
                .as_ref()
                .map(|l| format!(" (log: {})", l.display()))
                .unwrap_or_default()
        )),
    }
}

/// Checks every path a run will write before measuring anything.
///
/// # Errors
///
/// Exit 2 naming the path that cannot be written.
pub fn check_outputs(out: &Path) -> Result<(), Error> {
    files::check_output_dir(out)?;
    for file in ["latest.json", report::REPORT_FILE] {
        files::check_output(&out.join(file))?;
    }
    for dir in [report::PLOTS_DIR, "runs"] {
        let path = out.join(dir);
        if let Ok(meta) = std::fs::symlink_metadata(&path)
            && !meta.is_dir()
        {
            return Err(Error::input(format!(
                "{} is in the way: heaplab writes a directory there",
                path.display()
            )));
        }
    }
    // The plots a report may replace.
    if let Ok(plots) = std::fs::read_dir(out.join(report::PLOTS_DIR)) {
        for plot in plots.flatten() {
            if plot.file_name().to_string_lossy().ends_with(".svg") {
                files::check_output(&plot.path())?;
            }
        }
    }
    Ok(())
}

/// A directory name under both `parents` that none of them has yet:
/// `id`, else `id-2`, `id-3`, ... (two runs in the same second, or two
/// heaplabs at once, never share a directory).
fn unique_dir(parents: &[PathBuf], id: &str) -> Result<String, Error> {
    for attempt in 1..1000 {
        let name = if attempt == 1 {
            id.to_owned()
        } else {
            format!("{id}-{attempt}")
        };
        if parents.iter().any(|p| p.join(&name).exists()) {
            continue;
        }
        // Claimed by creating it: a second heaplab racing for the name gets an error and moves on.
        let claimed = parents.iter().all(|p| {
            std::fs::create_dir_all(p).is_ok() && std::fs::create_dir(p.join(&name)).is_ok()
        });
        if claimed {
            return Ok(name);
        }
    }
    Err(Error::run(format!("no free run directory for {id}")))
}

/// Measures the plan, writes results and report. Never overwrites a
/// baseline; every file is written atomically.
///
/// # Errors
///
/// Exit 2 when an output path is unusable (checked before measuring);
/// exit 1 when the results cannot be written.
pub fn bench(root: &Path, options: &Options) -> Result<Summary, Error> {
    let clock = phases::Clock::start();
    let plan = &options.plan;
    check_outputs(&options.out)?;
    let items = plan.items();
    let skipped = |family| options.skip.contains(&family);
    let mut provenance = Provenance::collect(root, plan.mode.name(), options.python());
    provenance.jobs = options.jobs.max(1);
    let pythons: Vec<Interpreter> = options
        .pythons
        .iter()
        .enumerate()
        .map(|(index, executable)| Interpreter {
            executable: executable.clone(),
            version: if index == 0 {
                provenance.python.clone()
            } else {
                python::version(executable)
            },
            index,
        })
        .collect();
    for (k, later) in pythons.iter().enumerate().skip(1) {
        if let Some(earlier) = pythons[..k].iter().find(|p| p.version == later.version) {
            return Err(Error::input(format!(
                "--python {} and --python {} are the same CPython ({}): the ledger keeps one verdict per version; give each version once",
                earlier.executable, later.executable, later.version
            )));
        }
    }
    let runs = options.out.join("runs");
    let logs_root = root.join("target").join("heaplab").join("runs");
    let run_id = unique_dir(&[runs.clone(), logs_root.clone()], &provenance.run_id())?;
    let run_dir = runs.join(&run_id);
    let work = logs_root.join(&run_id);
    let checkpoint = run_dir.join("results.json");
    set_interrupt_note(format!(
        "the families measured so far are in {} (`heaplab report --results` it to read them); logs in {}",
        checkpoint.display(),
        work.display()
    ));
    eprintln!(
        "heaplab bench: {} cases x sizes in {} mode, labs: {}; {} jobs for heap and instructions; per-case limit {} s, memory cap {}",
        items.len(),
        plan.mode,
        plan.selected_labs()
            .map(|l| l.id)
            .collect::<Vec<_>>()
            .join(", "),
        provenance.jobs,
        options.timeout.as_secs_f64(),
        options
            .memory
            .map_or_else(|| "none".to_owned(), child::bytes),
    );
    let mut state = State {
        items: &items,
        heap: Stage::new(skipped(Family::Heap)),
        time: Stage::new(skipped(Family::Time)),
        instructions: Stage::new(skipped(Family::Instructions)),
        python: plan
            .selected_labs()
            .map(|lab| (lab.id, Stage::new(skipped(Family::Python))))
            .collect(),
        interpreters: Vec::new(),
        sites: BTreeMap::new(),
        profiles: BTreeMap::new(),
        reserved: BTreeMap::new(),
    };
    let save_checkpoint =
        |state: &State<'_>, provenance: &Provenance, stopped_in: &str| -> Result<(), Error> {
            let results = state.results(plan, provenance);
            results.save(&checkpoint)?;
            files::write_atomic(
                &run_dir.join("README.md"),
                run_readme(&results, &run_id, Some(stopped_in)).as_bytes(),
            )?;
            Ok(())
        };
    save_checkpoint(&state, &provenance, "before the first family")?;

    let mut run = Pipeline {
        root,
        options,
        items: &items,
        work: &work,
        failures: Vec::new(),
        cpython_failures: Vec::new(),
        binaries: None,
    };
    let lab_of = |id: &CaseId| id.lab.clone();
    // The bench binaries first: a broken build is known before anything is measured.
    if !skipped(Family::Time) || !skipped(Family::Instructions) {
        let began = Instant::now();
        let _ = run.binaries();
        phases::record(
            &mut provenance,
            phases::BUILD,
            began.elapsed().as_secs_f64(),
        );
    }
    // Heap and instructions: deterministic, in parallel; the exercises'
    // reference solutions (tests and heap figures, deterministic too) are
    // checked beside them. They belong to a complete run: every lab, not a
    // smoke check.
    let (heap, count) = (!skipped(Family::Heap), !skipped(Family::Instructions));
    let exercises_due = options.exercises
        && plan.mode != crate::plan::Mode::Smoke
        && plan.selected_labs().count() == crate::registry::labs().len();
    let python_heap = Mutex::new(BTreeMap::new());
    let exercises = Mutex::new(None);
    let mut side: Vec<parallel::Side<'_>> = Vec::new();
    if exercises_due {
        side.push(Box::new(|| {
            let began = Instant::now();
            eprintln!("heaplab bench: checking the exercises' reference solutions");
            let run = reference::measure(root, plan.mode.name());
            *lock(&exercises) = Some((run, began.elapsed().as_secs_f64()));
        }));
    }
    // CPython's heap passes (tracemalloc), one task per lab and interpreter.
    if !skipped(Family::Python) {
        for interpreter in &pythons {
            for lab in plan.selected_labs() {
                let (python_heap, work) = (&python_heap, &work);
                side.push(Box::new(move || {
                    let began = Instant::now();
                    let run =
                        python_pass(root, options, work, interpreter, lab, python::Pass::Heap);
                    lock(python_heap).insert(
                        (interpreter.index, lab.id),
                        (run, began.elapsed().as_secs_f64()),
                    );
                }));
            }
        }
    }
    // The longest first: CPython's heap passes, then the exercises.
    side.reverse();
    let began = Instant::now();
    let measured = (heap || count || !side.is_empty())
        .then(|| (run.deterministic(heap, count, side), began.elapsed()));
    let exercises = exercises
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut python_heap = python_heap
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for ((_, lab), (_, seconds)) in &python_heap {
        phases::add_work(&mut provenance, "python-heap", lab, *seconds);
    }
    if let Some((measured, elapsed)) = measured {
        phases::record(
            &mut provenance,
            phases::DETERMINISTIC,
            elapsed.as_secs_f64(),
        );
        for (id, seconds) in &measured.heap_seconds {
            phases::add_work(&mut provenance, "heap", &lab_of(id), *seconds);
        }
        for (id, seconds) in &measured.instructions.seconds {
            phases::add_work(&mut provenance, "instructions", &lab_of(id), *seconds);
        }
        if heap {
            state.sites = measured.sites;
            state.reserved = measured.reserved;
            state.profiles = keep_profiles(measured.profiles, &options.out, &run_dir)?;
            state.heap = Stage::Done(measured.heap);
        }
        if count {
            state.instructions = Stage::Done(measured.instructions);
        }
        save_checkpoint(
            &state,
            &provenance,
            "after the heap and instruction families",
        )?;
    }
    // Time: alone on the machine.
    if !skipped(Family::Time) {
        let began = Instant::now();
        let outcome = run.time();
        phases::record(&mut provenance, phases::TIME, began.elapsed().as_secs_f64());
        for (id, seconds) in &outcome.seconds {
            phases::add_work(&mut provenance, "time", &lab_of(id), *seconds);
        }
        state.time = Stage::Done(outcome);
        save_checkpoint(&state, &provenance, "after the time family")?;
    }
    if !skipped(Family::Python) {
        for interpreter in &pythons {
            let phase = phases::python(&interpreter.version);
            if interpreter.index > 0 {
                state.interpreters.push(InterpreterRecord {
                    python: interpreter.version.clone(),
                    executable: interpreter.executable.clone(),
                    labs: BTreeMap::new(),
                });
            }
            // One checkpoint per lab: CPython runs are long.
            for lab in plan.selected_labs() {
                let began = Instant::now();
                let heap = python_heap
                    .remove(&(interpreter.index, lab.id))
                    .map_or_else(|| Err("the heap pass did not run".to_owned()), |(r, _)| r);
                let measured = run.python(interpreter, lab, heap);
                match state.interpreters.last_mut() {
                    Some(record) if interpreter.index > 0 => {
                        let lab_record = match measured {
                            Ok(r) => InterpreterLab {
                                not_measured: r.not_measured,
                                facts: r.facts,
                                cases: r.cases,
                            },
                            Err(why) => InterpreterLab {
                                not_measured: Some(why),
                                ..InterpreterLab::default()
                            },
                        };
                        record.labs.insert(lab.id.to_owned(), lab_record);
                    }
                    _ => {
                        state.python.insert(lab.id, Stage::Done(measured));
                    }
                }
                let seconds = began.elapsed().as_secs_f64();
                phases::record(&mut provenance, &phase, seconds);
                phases::add_work(&mut provenance, "python", lab.id, seconds);
                save_checkpoint(
                    &state,
                    &provenance,
                    &format!(
                        "after the CPython reference of {} ({})",
                        lab.id, interpreter.version
                    ),
                )?;
            }
        }
    }

    let results = state.results(plan, &provenance);
    let mut summary = save(
        root,
        results,
        &options.out,
        &run_dir,
        &run_id,
        run.failures,
        exercises,
        &clock,
    )?;
    summary.cpython_failures = run.cpython_failures;
    // The bench homes are large and rebuilt every run; the logs stay.
    if let Ok(entries) = std::fs::read_dir(&work) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "criterion" || name.starts_with("iai") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    set_interrupt_note(format!(
        "the run was complete: {}",
        summary.latest.display()
    ));
    eprintln!(
        "heaplab bench: phases: {}",
        phases::summary(&summary.results.provenance)
    );
    eprintln!(
        "heaplab bench: done in {:.0} s: {}, {}",
        clock.seconds(),
        summary.latest.display(),
        summary.report.display()
    );
    Ok(summary)
}

/// One run's measuring: each family in its own method, with what they
/// share (the plan's items, the limits, the bench binaries, built once
/// when a family first needs them) and what went wrong so far.
struct Pipeline<'a> {
    root: &'a Path,
    options: &'a Options,
    items: &'a [Item],
    /// Logs and bench homes of this run.
    work: &'a Path,
    /// What makes the run exit 1.
    failures: Vec<String>,
    /// Those of them from a CPython reference.
    cpython_failures: Vec<String>,
    /// The bench binaries, once built (or why not).
    binaries: Option<Result<Executables, String>>,
}

impl Pipeline<'_> {
    /// The limits of one measured case in a process that measures many:
    /// the time-out applies to each case (no progress within it).
    fn per_case(&self) -> Limits {
        per_case(self.options)
    }

    /// A bench binary's run over the plan.
    fn job<'b>(&'b self, exe: &'b Path, limits: &'b Limits) -> binaries::Job<'b> {
        binaries::Job {
            root: self.root,
            exe,
            plan: &self.options.plan,
            items: self.items,
            work: self.work,
            limits,
        }
    }

    /// Heap figures and instruction counts, `jobs` at a time ([`parallel`]).
    fn deterministic<'s>(
        &mut self,
        heap: bool,
        count: bool,
        side: Vec<parallel::Side<'s>>,
    ) -> parallel::Measured {
        let heap_limits = Limits {
            wall: Some(self.options.timeout),
            memory: self.options.memory,
            keep_stdout: Some(1 << 16),
            contain: true,
            ..Limits::default()
        };
        let exe = match std::env::current_exe() {
            Ok(exe) => Some(exe),
            Err(e) => {
                self.failures
                    .push(format!("heap: cannot find the heaplab executable: {e}"));
                None
            }
        };
        let mut unmeasured = None;
        let runner = if count {
            let progress = Progress::new("instructions", 0);
            let tools = tools::ensure_instruction_tools(
                self.root,
                self.options.install_tools,
                &mut |msg| progress.message(msg),
            );
            drop(progress);
            tools
                .and_then(|runner| {
                    let exes = self.binaries()?;
                    let path = instructions::runner_path(self.work, &runner)?;
                    Ok((exes, path))
                })
                .map_err(|why| unmeasured = Some(why))
                .ok()
        } else {
            None
        };
        // Under valgrind: no address-space cap (valgrind reserves its own).
        let count_limits = Limits {
            memory: None,
            ..self.per_case()
        };
        let counting = runner.as_ref().map(|(exes, path)| parallel::Counting {
            job: self.job(&exes.instructions, &count_limits),
            path: path.clone(),
        });
        let deterministic = parallel::Deterministic {
            side,
            items: self.items,
            jobs: self.options.jobs,
            heap: if heap {
                exe.map(|exe| (exe, heap_limits))
            } else {
                None
            },
            instructions: counting,
            work: self.work,
        };
        let mut measured = deterministic.run();
        if heap && measured.heap.is_empty() {
            for item in self.items {
                measured.heap.insert(
                    item.id(),
                    Err("the heaplab executable could not be found".to_owned()),
                );
            }
        }
        if let Some(why) = unmeasured {
            Progress::new("instructions", 0).finish(&format!("not measured: {why}"));
            measured.instructions.unmeasured = Some(why);
        }
        self.failures.append(&mut measured.heap_failures);
        self.failures
            .extend(measured.instructions.failures.iter().cloned());
        measured
    }

    /// The bench binaries, built on first use (`cargo build --bench time --bench instructions`).
    fn binaries(&mut self) -> Result<Executables, String> {
        if self.binaries.is_none() {
            let mut progress = Progress::new("build", 1);
            progress.message(&format!(
                "building the bench binaries (cargo {})",
                binaries::build_args().join(" ")
            ));
            let built = binaries::build(self.root, &self.work.join("build.log"), &mut progress);
            progress.finish(match &built {
                Ok(_) => "bench binaries built",
                Err(_) => "bench binaries NOT built",
            });
            if let Err(why) = &built {
                self.failures.push(why.clone());
            }
            self.binaries = Some(built);
        }
        self.binaries
            .clone()
            .unwrap_or_else(|| Err("not built".to_owned()))
    }

    fn time(&mut self) -> Outcome {
        let exes = self.binaries();
        let limits = self.per_case();
        let outcome = bench_family(
            "time",
            "timed",
            self.items.len(),
            &exes,
            |exes, progress| time::measure(&self.job(&exes.time, &limits), progress),
        );
        self.failures.extend(outcome.failures.iter().cloned());
        outcome
    }

    /// The lab's CPython time pass, merged with its heap pass; what failed
    /// in either makes the run exit 1.
    fn python(
        &mut self,
        interpreter: &Interpreter,
        lab: &heaplab_core::Lab,
        heap: Result<python::PythonRun, String>,
    ) -> Result<python::PythonRun, String> {
        let time = if self.options.python_times {
            python_pass(
                self.root,
                self.options,
                self.work,
                interpreter,
                lab,
                python::Pass::Time,
            )
        } else {
            Err("not taken by the regression gate (CPython heap figures only)".to_owned())
        };
        let merged = python::merge(heap, time);
        if let Ok(run) = &merged {
            self.failures.extend(run.failures.iter().cloned());
            self.cpython_failures.extend(run.failures.iter().cloned());
        }
        merged
    }
}

/// One pass of the lab's CPython reference under `interpreter`: with the
/// first, each counterpart at its Rust cases' sizes; with a further one,
/// what the lab's claims cite ([`python::Counterpart::cited`]).
fn python_pass(
    root: &Path,
    options: &Options,
    work: &Path,
    interpreter: &Interpreter,
    lab: &heaplab_core::Lab,
    pass: python::Pass,
) -> Result<python::PythonRun, String> {
    let name = match pass {
        python::Pass::Heap => "python heap",
        _ => "python",
    };
    if let Err(why) = python::check_version(&interpreter.version) {
        let why = if interpreter.index == 0 {
            why
        } else {
            // Given with --python: the advice is about that option, not $PYTHON.
            let why = why.split("; set ").next().unwrap_or(&why).to_owned();
            format!(
                "{}: {why}; give --python (PYTHONS=) a CPython 3.9+ instead",
                interpreter.executable
            )
        };
        Progress::new(name, 0).finish(&format!("{}: not measured: {why}", lab.id));
        return Err(why);
    }
    let plan = &options.plan;
    let progress = Progress::new(name, 1);
    progress.message(&format!(
        "{}/python/reference.py ({})",
        lab.id, interpreter.version
    ));
    let sizes = |case: &heaplab_core::Case| python::sizes_of(case, plan.mode.sizes(case));
    let counterparts = if interpreter.index == 0 {
        python::Counterpart::of(lab, sizes)
    } else {
        python::Counterpart::cited(lab, sizes, pass == python::Pass::Time)
    };
    let counterparts = if counterparts.is_empty() && pass == python::Pass::Heap {
        // No heap figure cited: one small measurement, for the facts the
        // script prints at its end.
        python::Counterpart::of(lab, sizes)
            .into_iter()
            .take(1)
            .map(|mut c| {
                c.sizes.truncate(1);
                c
            })
            .collect()
    } else {
        counterparts
    };
    if counterparts.is_empty() && interpreter.index > 0 {
        let why = match pass {
            python::Pass::Time => "none of its claims cites a time of this lab's CPython reference",
            _ => "its CPython reference has no case to run",
        }
        .to_owned();
        progress.finish(&format!("{}: {why}", lab.id));
        return Err(why);
    }
    let limits = per_case(options);
    let suffix = match pass {
        python::Pass::Heap => "-heap",
        _ => "",
    };
    let suffix = if interpreter.index == 0 {
        suffix.to_owned()
    } else {
        format!("{suffix}-{}", interpreter.index)
    };
    let mut outcome = python::run(
        &interpreter.executable,
        root,
        lab,
        &counterparts,
        plan.mode.python_timing(),
        pass,
        &limits,
        &work.join(format!("python-{}{suffix}.log", lab.id)),
    );
    if let Ok(run) = &mut outcome
        && interpreter.index == 0
    {
        run.cases.extend(python::planned(
            lab,
            |case| plan.mode.sizes(case),
            &counterparts,
        ));
    }
    match &outcome {
        Ok(run) => {
            for failure in &run.failures {
                progress.note(failure);
            }
            progress.finish(&format!("{}: {} records", lab.id, run.cases.len()));
        }
        Err(reason) => progress.finish(&format!("{}: not measured: {reason}", lab.id)),
    }
    outcome
}

/// Runs one family of the bench binaries with its progress line ("3 of 70
/// timed"), or records why it could not run (the build failed).
fn bench_family(
    name: &'static str,
    verb: &str,
    total: usize,
    exes: &Result<Executables, String>,
    measure: impl FnOnce(&Executables, &mut Progress) -> Outcome,
) -> Outcome {
    match exes {
        Ok(exes) => {
            let mut progress = Progress::new(name, total);
            let outcome = measure(exes, &mut progress);
            progress.finish(&format!("{} of {total} {verb}", count_measured(&outcome)));
            outcome
        }
        Err(why) => Outcome {
            unmeasured: Some(why.clone()),
            ..Outcome::default()
        },
    }
}

fn count_measured(outcome: &Outcome) -> usize {
    outcome
        .metrics
        .values()
        .filter(|m| m.value().is_some())
        .count()
}

/// Moves each profile's dhat file from the run's work folder to
/// `run_dir/dhat/` (atomically, so a viewer never opens half a file) and
/// records its path relative to `out`, where the report links it.
fn keep_profiles(
    profiles: BTreeMap<CaseId, sites::Profile>,
    out: &Path,
    run_dir: &Path,
) -> Result<BTreeMap<CaseId, sites::Profile>, Error> {
    let mut kept = BTreeMap::new();
    for (id, mut profile) in profiles {
        let from = PathBuf::from(&profile.file);
        let name = format!("{}-{}-{}-{}.json", id.lab, id.workload, id.strategy, id.n);
        let to = run_dir.join("dhat").join(&name);
        let bytes = std::fs::read(&from)
            .map_err(|e| Error::run(format!("cannot read dhat's file {}: {e}", from.display())))?;
        files::write_atomic(&to, &bytes)?;
        let _ = std::fs::remove_file(&from);
        profile.file = to.strip_prefix(out).unwrap_or(&to).display().to_string();
        kept.insert(id, profile);
    }
    Ok(kept)
}

/// Writes `out/latest.json`, `run_dir/{results.json,README.md}` and the report.
#[allow(clippy::too_many_arguments)]
fn save(
    root: &Path,
    mut results: Results,
    out: &Path,
    run_dir: &Path,
    run_id: &str,
    mut failures: Vec<String>,
    exercises: Option<(Result<reference::ExerciseRun, Error>, f64)>,
    clock: &phases::Clock,
) -> Result<Summary, Error> {
    // Saved first: a run that fails past here keeps its measurements.
    results.save(&run_dir.join("results.json"))?;
    // The reference solutions, checked: the report's "Exercises" sections.
    let exercises_file = out.join(reference::FILE);
    if let Some((run, seconds)) = exercises {
        match run.and_then(|run| run.save(&exercises_file)) {
            Ok(()) => eprintln!("heaplab bench: wrote {}", exercises_file.display()),
            Err(e) => failures.push(format!("exercises: {e}")),
        }
        phases::record(&mut results.provenance, phases::EXERCISES, seconds);
    }
    let exercises = reference::ExerciseRun::load(&exercises_file).unwrap_or(None);
    let began = Instant::now();
    report::write(&results, exercises.as_ref(), out, "latest.json")?;
    phases::record(
        &mut results.provenance,
        phases::REPORT,
        began.elapsed().as_secs_f64(),
    );
    phases::record(&mut results.provenance, phases::TOTAL, clock.seconds());
    results.save(&run_dir.join("results.json"))?;
    files::write_atomic(
        &run_dir.join("README.md"),
        run_readme(&results, run_id, None).as_bytes(),
    )?;
    let latest = out.join("latest.json");
    results.save(&latest)?;
    // Again, with every phase in its provenance table (a fraction of a second).
    report::write(&results, exercises.as_ref(), out, "latest.json")?;
    // The READMEs quote the committed results: refreshed with them.
    match readme::update_if_committed(root, &latest, out, &results) {
        Ok(changed) => {
            for path in changed {
                eprintln!("heaplab bench: updated the figures in {}", path.display());
            }
        }
        Err(e) => failures.push(format!("README figures not updated: {e}")),
    }
    Ok(Summary {
        results,
        latest,
        run_dir: run_dir.to_path_buf(),
        report: out.join(report::REPORT_FILE),
        failures,
        cpython_failures: Vec::new(),
    })
}

/// The run directory's README; `partial` says where an unfinished run stands.
fn run_readme(results: &Results, run_id: &str, partial: Option<&str>) -> String {
    let p = &results.provenance;
    let mut text = String::new();
    let _ = writeln!(text, "# heaplab run {run_id}\n");
    if let Some(stage) = partial {
        let _ = writeln!(
            text,
            "**Partial**: this record was written {stage}; families not reached are marked \"not measured\". \
             If the run finished, this line is gone.\n"
        );
    }
    let _ = writeln!(text, "- command: `{}`", p.command);
    let _ = writeln!(text, "- mode: {}", p.mode);
    let _ = writeln!(text, "- date: {}", p.date);
    let _ = writeln!(
        text,
        "- git revision: `{}`{}",
        p.git_revision,
        if p.git_dirty { " (dirty)" } else { "" }
    );
    let _ = writeln!(text, "- machine: {} ({} cores), {}", p.cpu, p.cores, p.os);
    let _ = writeln!(
        text,
        "- toolchain: {}; valgrind: {}; python: {}",
        p.rustc, p.valgrind, p.python
    );
    let crates: Vec<String> = p.crates.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(text, "- crates: {}", crates.join(", "));
    let _ = writeln!(
        text,
        "\n`results.json` here is the run's full record (schema {}).",
        results.schema_version
    );
    text
}
