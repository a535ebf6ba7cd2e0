//! Running a check and judging it: the verdict.
//!
//! A check binary (or the Python grader) runs in a child process under a
//! time limit and a memory cap ([`RunLimits`]); what it prints are
//! [`Event`]s, and how it ends is read by the child-process module. The
//! verdict puts the two together, in this order: it did not compile; the
//! process did not end on its own (timed out, out of memory, killed by a
//! signal, exited before reporting every test); a test found a wrong
//! answer or a panic (`todo!()` is "not done yet"); a heap figure is over
//! its budget (`live_bytes` over budget is "leaked"). Otherwise it passed,
//! at one of three [`Tier`]s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use heaplab_core::HeapFigures;
use heaplab_core::exercise::{Bound, Event, HeapMetric, Measured, Outcome, SITES_DIR_ENV};

use crate::error::Error;
use crate::exercise::{Entry, show};
use crate::measure::child::{self, Limits, Stream, Verdict as Ending};
use crate::measure::sites::{self, Credit, Site};
use crate::render::number::number;

/// The default time limit of one check's run (not its build).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default memory cap of one check's run, in bytes (1 GiB).
pub const DEFAULT_MEMORY: u64 = 1 << 30;
/// Most bytes of a check's output read (its events are a few kilobytes).
const MAX_OUTPUT: usize = 4 << 20;

/// How long and how large a checked run may get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLimits {
    /// Wall-clock limit.
    pub timeout: Duration,
    /// Address-space cap in bytes.
    pub memory: u64,
}

impl Default for RunLimits {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            memory: DEFAULT_MEMORY,
        }
    }
}

/// What one run of a check reported, and how it ended.
#[derive(Debug, Clone)]
pub struct Report {
    /// The tests announced, in order.
    pub planned: Vec<String>,
    /// The heap checks announced: name and sizes.
    pub planned_heap: Vec<(String, Vec<usize>)>,
    /// Each test that reported, by name.
    pub tests: BTreeMap<String, Outcome>,
    /// Each heap measurement, in order.
    pub heap: Vec<Measured>,
    /// Whether it reported [`Event::Done`].
    pub done: bool,
    /// Why the file could not be loaded, if it could not.
    pub unloadable: Option<String>,
    /// How the process ended.
    pub ending: Ending,
    /// How long it ran.
    pub elapsed: Duration,
}

/// Runs `command` (a check binary, or the Python grader) under `limits`,
/// with dhat's per-site files going to `sites_dir`.
///
/// # Errors
///
/// When the process cannot be started.
pub fn run(mut command: Command, sites_dir: &Path, limits: RunLimits) -> Result<Report, Error> {
    std::fs::create_dir_all(sites_dir)
        .map_err(|e| Error::run(format!("cannot create {}: {e}", sites_dir.display())))?;
    command.env(SITES_DIR_ENV, sites_dir);
    let mut events = Vec::new();
    let limits = Limits {
        wall: Some(limits.timeout),
        stall: None,
        memory: Some(limits.memory),
        keep_stdout: Some(MAX_OUTPUT),
        contain: true,
    };
    let finished = child::run(&mut command, &limits, None, |stream, line| {
        if stream == Stream::Out
            && let Some(event) = Event::parse(line)
        {
            events.push(event);
        }
        false
    })
    .map_err(|e| {
        Error::run(format!(
            "cannot run {}: {e}",
            command.get_program().to_string_lossy()
        ))
    })?;
    let mut report = Report {
        planned: Vec::new(),
        planned_heap: Vec::new(),
        tests: BTreeMap::new(),
        heap: Vec::new(),
        done: false,
        unloadable: None,
        ending: finished.verdict(),
        elapsed: finished.elapsed,
    };
    for event in events {
        match event {
            Event::Plan { tests, heap } => {
                report.planned = tests;
                report.planned_heap = heap;
            }
            Event::Test { name, outcome } => {
                report.tests.insert(name, outcome);
            }
            Event::Heap(measured) => report.heap.push(measured),
            Event::Done => report.done = true,
            Event::Unloadable(error) => report.unloadable = Some(error),
        }
    }
    Ok(report)
}

/// How far a passing check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Within every budget.
    Budget,
    /// No figure above the reference solution's.
    Reference,
    /// Every floor reached: nothing left to save.
    Floor,
}

impl Tier {
    /// The words the verdict uses.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Budget => "passed: within budget",
            Tier::Reference => "passed: matches the reference solution",
            Tier::Floor => "passed: reaches the floor",
        }
    }
}

/// Why a check did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// rustc's (or Python's) errors, trimmed.
    DoesNotCompile(String),
    /// A `todo!()` was reached: where.
    NotDone(String),
    /// A test got a wrong answer: which, expected vs got.
    WrongAnswer(String),
    /// The code panicked (or raised): where and why.
    Panicked(String),
    /// A heap figure is over its budget: which.
    OverBudget(String),
    /// Bytes stay live after the output was dropped, over the budget.
    Leaked(String),
    /// Killed at the time limit.
    TimedOut(Duration),
    /// An allocation failed under the memory cap (`None`: a `MemoryError`
    /// the Python grader caught, the cap unknown to it).
    OutOfMemory(Option<u64>),
    /// The process ended before reporting every test and measurement.
    ExitedEarly(String),
    /// Killed by a signal it did not get from heaplab.
    Killed(String),
}

impl Failure {
    /// A short name for the kind of failure (`"over budget"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::DoesNotCompile(_) => "does not compile",
            Failure::NotDone(_) => "not done yet",
            Failure::WrongAnswer(_) => "wrong answer",
            Failure::Panicked(_) => "panicked",
            Failure::OverBudget(_) => "over budget",
            Failure::Leaked(_) => "leaked",
            Failure::TimedOut(_) => "timed out",
            Failure::OutOfMemory(_) => "out of memory",
            Failure::ExitedEarly(_) => "exited early",
            Failure::Killed(_) => "killed by a signal",
        }
    }

    /// Which failure the verdict leads with: how the process ended, then
    /// unfinished work, wrong behaviour, a leak, and last a budget.
    fn rank(&self) -> u8 {
        match self {
            Failure::DoesNotCompile(_) => 0,
            Failure::TimedOut(_)
            | Failure::OutOfMemory(_)
            | Failure::ExitedEarly(_)
            | Failure::Killed(_) => 1,
            Failure::NotDone(_) => 2,
            Failure::Panicked(_) => 3,
            Failure::WrongAnswer(_) => 4,
            Failure::Leaked(_) => 5,
            Failure::OverBudget(_) => 6,
        }
    }

    /// The detail that goes after the kind.
    pub fn detail(&self) -> String {
        match self {
            Failure::DoesNotCompile(text)
            | Failure::NotDone(text)
            | Failure::WrongAnswer(text)
            | Failure::Panicked(text)
            | Failure::OverBudget(text)
            | Failure::Leaked(text)
            | Failure::ExitedEarly(text)
            | Failure::Killed(text) => text.clone(),
            Failure::TimedOut(limit) => format!(
                "still running after {} s (an endless loop? `--timeout` changes the limit)",
                limit.as_secs_f64()
            ),
            Failure::OutOfMemory(Some(cap)) => format!(
                "an allocation failed under the cap of {} (`--memory-limit` changes it)",
                child::bytes(*cap)
            ),
            Failure::OutOfMemory(None) => {
                "an allocation failed (MemoryError; `--memory-limit` changes the cap)".to_owned()
            }
        }
    }
}

/// One heap check at one size: the student's figures beside the rest.
#[derive(Debug, Clone)]
pub struct Row {
    /// The check's name.
    pub check: String,
    /// The size.
    pub n: usize,
    /// The student's figures (or the panic that stopped the run).
    pub yours: Result<HeapFigures, String>,
    /// The reference solution's figures.
    pub reference: Option<HeapFigures>,
    /// The budgets at this size.
    pub budgets: Vec<Bound>,
    /// The floors at this size.
    pub floors: Vec<Bound>,
    /// Where the student's run allocated (from dhat's per-site data).
    pub sites: Vec<Site>,
    /// Where the reference allocated.
    pub reference_sites: Vec<Site>,
}

impl Row {
    /// The budget for `metric`, if any.
    pub fn budget(&self, metric: HeapMetric) -> Option<&Bound> {
        self.budgets.iter().find(|b| b.metric == metric)
    }

    /// The floor for `metric`, if any.
    pub fn floor(&self, metric: HeapMetric) -> Option<&Bound> {
        self.floors.iter().find(|b| b.metric == metric)
    }

    /// The metrics shown: those with a budget or a floor.
    pub fn metrics(&self) -> Vec<HeapMetric> {
        HeapMetric::ALL
            .into_iter()
            .filter(|&m| self.budget(m).is_some() || self.floor(m).is_some())
            .collect()
    }
}

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The exercise.
    pub entry: Entry,
    /// The file checked, relative to the workspace root where possible.
    pub file: PathBuf,
    /// Passed at a tier, or the reasons it did not.
    pub result: Result<Tier, Vec<Failure>>,
    /// Every planned test and its outcome (`None`: never reported).
    pub tests: Vec<(String, Option<Outcome>)>,
    /// The heap table.
    pub rows: Vec<Row>,
    /// How long the checked run took.
    pub elapsed: Duration,
}

impl Verdict {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.result.is_ok()
    }

    /// A verdict for a file that did not compile.
    pub fn does_not_compile(entry: Entry, file: PathBuf, errors: String) -> Self {
        Self {
            entry,
            file,
            result: Err(vec![Failure::DoesNotCompile(errors)]),
            tests: Vec::new(),
            rows: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }
}

/// Judges the student's `report` against the reference's.
///
/// `file` is the checked file as shown; `answer_file` the name the
/// per-site data knows it by.
///
/// # Errors
///
/// When the reference itself did not run to the end with every test
/// passed: a bug in heaplab, not in the student's code.
pub fn judge(
    entry: Entry,
    file: PathBuf,
    answer_file: &Path,
    report: &Report,
    reference: &Report,
    reference_file: &Path,
) -> Result<Verdict, Error> {
    let over_budget = |m: &Measured| match &m.figures {
        Ok(figures) => m.budgets.iter().any(|b| b.metric.of(figures) > b.value),
        Err(_) => true,
    };
    let reference_ok = reference.done
        && reference.ending == Ending::Success
        && reference
            .planned
            .iter()
            .all(|t| reference.tests.get(t) == Some(&Outcome::Passed))
        && !reference.heap.iter().any(over_budget);
    if !reference_ok {
        return Err(Error::run(format!(
            "the reference solution of exercise {entry} did not pass its own check (it {}; tests {:?}; heap {:?}); this is a bug in heaplab, please report it",
            reference.ending, reference.tests, reference.heap
        )));
    }
    if let Some(error) = &report.unloadable {
        return Ok(Verdict::does_not_compile(entry, file, error.clone()));
    }
    let absolute = answer_file.display().to_string();
    let shown = file.display().to_string();
    let mut failures = Vec::new();
    match &report.ending {
        Ending::Success => {}
        Ending::TimedOut(limit) | Ending::Stalled(limit) => {
            failures.push(Failure::TimedOut(*limit));
        }
        Ending::OutOfMemory(cap) => failures.push(Failure::OutOfMemory(*cap)),
        Ending::Killed(signal) => {
            failures.push(Failure::Killed(Ending::Killed(*signal).to_string()))
        }
        Ending::Panicked(message) => failures.push(Failure::Panicked(message.clone())),
        Ending::Failed(code, last) => failures.push(Failure::ExitedEarly(format!(
            "the program exited with code {code} before reporting everything ({last})"
        ))),
    }
    if failures.is_empty() && !report.done {
        let exit = match entry.language {
            crate::exercise::Language::Rust => "`std::process::exit`",
            crate::exercise::Language::Python => "`sys.exit` or `os._exit`",
        };
        failures.push(Failure::ExitedEarly(format!(
            "the program exited (code 0) before every test and measurement reported: does your code call {exit}?"
        )));
    }
    // A plan is the grader's, not the student's: the reference's is the truth.
    let tests: Vec<(String, Option<Outcome>)> = reference
        .planned
        .iter()
        .map(|name| (name.clone(), report.tests.get(name).cloned()))
        .collect();
    for (name, outcome) in &tests {
        match outcome {
            Some(Outcome::Failed(wrong)) => {
                failures.push(Failure::WrongAnswer(format!("test `{name}`: {wrong}")));
            }
            Some(Outcome::Panicked(message)) => {
                let message = message.replace(&absolute, &shown);
                failures.push(match not_done(&message) {
                    Some(what) => Failure::NotDone(format!("in test `{name}`: {what}")),
                    None if message.starts_with("MemoryError") => Failure::OutOfMemory(None),
                    None => Failure::Panicked(format!("in test `{name}`: {message}")),
                });
            }
            // Only a run that ended early leaves a test unreported, and that
            // run already has its failure; this catches one that claimed to be done.
            None if failures.is_empty() => failures.push(Failure::ExitedEarly(format!(
                "test `{name}` never reported a result"
            ))),
            Some(Outcome::Passed) | None => {}
        }
    }
    let mut rows = Vec::new();
    for expected in &reference.heap {
        let yours = report
            .heap
            .iter()
            .find(|m| m.check == expected.check && m.n == expected.n);
        let Some(yours) = yours else {
            if failures.is_empty() {
                failures.push(Failure::ExitedEarly(format!(
                    "`{}` at n = {} was never measured",
                    expected.check, expected.n
                )));
            }
            continue;
        };
        let row = Row {
            check: expected.check.clone(),
            n: expected.n,
            yours: yours.figures.clone(),
            reference: expected.figures.clone().ok(),
            budgets: expected.budgets.clone(),
            floors: expected.floors.clone(),
            sites: yours
                .sites
                .as_deref()
                .and_then(|p| sites::read(p, Credit::File(answer_file)).ok())
                .unwrap_or_default(),
            reference_sites: expected
                .sites
                .as_deref()
                .and_then(|p| sites::read(p, Credit::File(reference_file)).ok())
                .unwrap_or_default(),
        };
        match &row.yours {
            Err(message) => {
                let message = message.replace(&absolute, &shown);
                let place = format!("while measuring `{}` at n = {}", row.check, row.n);
                failures.push(match not_done(&message) {
                    Some(what) => Failure::NotDone(format!("{place}: {what}")),
                    None if message.starts_with("MemoryError") => Failure::OutOfMemory(None),
                    None => Failure::Panicked(format!("{place}: {message}")),
                });
            }
            Ok(figures) => {
                for bound in &row.budgets {
                    let value = bound.metric.of(figures);
                    if value > bound.value {
                        failures.push(over(&entry, &row, bound, value, &rows));
                    }
                }
            }
        }
        rows.push(row);
    }
    let result = if failures.is_empty() {
        Ok(tier(&rows))
    } else {
        dedup_not_done(&mut failures);
        failures.sort_by_key(Failure::rank);
        Err(failures)
    };
    Ok(Verdict {
        entry,
        file,
        result,
        tests,
        rows,
        elapsed: report.elapsed,
    })
}

/// The part still to write, when a panic is a `todo!()` (Rust) or a
/// `NotImplementedError` (Python): what it says, or `None` for a real panic.
fn not_done(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("not yet implemented")
        .or_else(|| message.strip_prefix("NotImplementedError"))?;
    let rest = rest.trim_start_matches(':').trim();
    Some(if rest.is_empty() {
        "a `todo!()` is still there".to_owned()
    } else {
        format!("still to do: {rest}")
    })
}

/// One "not done yet" (or "out of memory") is enough: every test hits the
/// same `todo!()`.
fn dedup_not_done(failures: &mut Vec<Failure>) {
    let mut seen = Vec::new();
    failures.retain(|f| {
        if matches!(f, Failure::NotDone(_) | Failure::OutOfMemory(_)) {
            let first = !seen.contains(&f.kind());
            seen.push(f.kind());
            first
        } else {
            true
        }
    });
}

/// The failure for `value` over `bound` in `row`; `earlier` rows of the
/// same check say whether the figure grew where the budget did not.
fn over(entry: &Entry, row: &Row, bound: &Bound, value: u64, earlier: &[Row]) -> Failure {
    let name = show::label(bound.metric, entry.language);
    let count = |v: u64| number(v as f64);
    let mut text = format!(
        "{name} at n = {}: {} > budget {} ({})",
        count(row.n as u64),
        count(value),
        count(bound.value),
        bound.formula
    );
    let smaller = earlier
        .iter()
        .rev()
        .find(|r| r.check == row.check && r.n < row.n);
    if let Some(before) = smaller
        && let (Ok(figures), Some(old)) = (&before.yours, before.budget(bound.metric))
        && old.value == bound.value
    {
        let was = bound.metric.of(figures);
        if value > was {
            text.push_str(&format!(
                "; it grows with n ({} at n = {}), the budget does not",
                count(was),
                count(before.n as u64)
            ));
        }
    }
    if bound.metric == HeapMetric::LiveBytes {
        Failure::Leaked(text)
    } else {
        Failure::OverBudget(text)
    }
}

/// The tier of a passing check.
fn tier(rows: &[Row]) -> Tier {
    let all = |f: &dyn Fn(&Row, &HeapFigures) -> bool| {
        rows.iter()
            .all(|r| r.yours.as_ref().is_ok_and(|figures| f(r, figures)))
    };
    let floors = rows.iter().any(|r| !r.floors.is_empty())
        && all(&|r, figures| r.floors.iter().all(|b| b.metric.of(figures) <= b.value));
    if floors {
        return Tier::Floor;
    }
    let reference = all(&|r, figures| {
        r.reference.as_ref().is_some_and(|reference| {
            r.metrics()
                .into_iter()
                .all(|m| m.of(figures) <= m.of(reference))
        })
    });
    if reference {
        Tier::Reference
    } else {
        Tier::Budget
    }
}
