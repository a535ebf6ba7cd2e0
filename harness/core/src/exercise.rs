//! Exercises: a student's file, graded on behaviour and on what it does to
//! the heap.
//!
//! A lab lists its exercises with [`Lab::exercise`](crate::Lab::exercise)
//! (title, file, hints: the metadata) and, for each, a *spec*: a function
//! of the lab crate that takes the student's items and returns a [`Check`].
//! The harness compiles the student's file as the module `answer` of a
//! small binary whose global allocator is dhat's, calls the spec, and hands
//! the [`Check`] to [`run`], which prints what it finds as [`Event`] lines.
//! The same binary built from the lab's `solutions/` file gives the
//! reference figures.
//!
//! A check has two halves:
//!
//! * **tests** ([`Check::test`]): behaviour on given inputs, edge cases
//!   included; each returns `Ok` or a message saying what was expected and
//!   what came back (see [`expect_eq`]). A panic is caught and reported with
//!   its message and location.
//! * **heap checks** ([`HeapCheck`]): a [`Case`] whose run calls the
//!   student's code, measured by dhat at each of the case's sizes, with
//!   budgets and floors computed from `n` and `size_of` — never pasted
//!   numbers. Measuring at `n` and `10 n` grades growth: a constant budget
//!   stays constant, so code tuned to one size fails at the other.
//!
//! ```
//! use heaplab_core::Case;
//! use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};
//!
//! /// Sizes: a decade apart, so growth shows.
//! const SIZES: &[usize] = &[10, 100];
//! fn squares(n: usize) -> Vec<u64> { (0..n as u64).map(|i| i * i).collect() }
//!
//! let check = Check::new()
//!     .test("n = 3", || expect_eq(squares(3), vec![0, 1, 4]))
//!     .heap(
//!         HeapCheck::new(Case::new("n squares", "answer", SIZES, |n| n, squares))
//!             .budget(HeapMetric::Allocs, "1 (one Vec)", |_| 1)
//!             .budget(HeapMetric::Bytes, "n × size_of::<u64>()", |n| (n * 8) as u64),
//!     );
//! assert_eq!(check.test_names(), ["n = 3"]);
//! assert_eq!(expect_eq(1, 2), Err("expected 2, got 1".to_owned()));
//! ```

use std::fmt::Debug;
use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::{Case, HeapFigures};

/// One exercise of a lab: the metadata the harness lists, builds and hints
/// from. The student's code is the file; the grading is the lab crate's
/// spec function named by [`Exercise::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// `k` in the id `<lab number>-<k>`, from 1.
    pub number: u32,
    /// One line: what the student builds.
    pub title: &'static str,
    /// The Rust file the student edits, relative to the lab's `exercises/`
    /// folder; the reference is the same path under `solutions/`.
    pub file: &'static str,
    /// A Rust expression, relative to the lab crate's root, that builds the
    /// [`Check`] from the student's items, which are in scope as the module
    /// `answer`: e.g. `"exercises::points::check(answer::make_points)"`.
    pub check: &'static str,
    /// Hints, from gentle to nearly the answer; `heaplab exercise hint`
    /// shows the next one each time.
    pub hints: Vec<&'static str>,
    /// The Python twin's file under `exercises/` (and `solutions/`), if
    /// the exercise has one; its spec is `python/exercises.py`.
    pub python: Option<&'static str>,
}

impl Exercise {
    /// An exercise with no hints and no Python twin yet.
    ///
    /// ```
    /// let e = heaplab_core::exercise::Exercise::new(1, "One Vec", "vec.rs", "exercises::vec::check(answer::make)")
    ///     .hint("Count the allocations")
    ///     .python_twin("vec.py");
    /// assert_eq!((e.number, e.hints.len(), e.python), (1, 1, Some("vec.py")));
    /// ```
    pub fn new(number: u32, title: &'static str, file: &'static str, check: &'static str) -> Self {
        Self {
            number,
            title,
            file,
            check,
            hints: Vec::new(),
            python: None,
        }
    }

    /// Adds the next hint.
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hints.push(hint);
        self
    }

    /// Names the Python twin's file (see [`Exercise::python`]).
    pub fn python_twin(mut self, file: &'static str) -> Self {
        self.python = Some(file);
        self
    }
}

/// A heap metric an exercise can budget, as dhat measures it for the
/// measured run (setup excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeapMetric {
    /// Blocks allocated.
    Allocs,
    /// Bytes allocated, in total.
    Bytes,
    /// Most bytes live at once.
    PeakBytes,
    /// Bytes still live after the output was dropped (what the environment
    /// keeps, or a leak).
    LiveBytes,
}

impl HeapMetric {
    /// Every metric, in the order verdicts show them.
    pub const ALL: [HeapMetric; 4] = [
        HeapMetric::Allocs,
        HeapMetric::Bytes,
        HeapMetric::PeakBytes,
        HeapMetric::LiveBytes,
    ];

    /// The metric's name in results and verdicts.
    ///
    /// ```
    /// assert_eq!(heaplab_core::exercise::HeapMetric::PeakBytes.name(), "peak_bytes");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            HeapMetric::Allocs => "allocs",
            HeapMetric::Bytes => "bytes",
            HeapMetric::PeakBytes => "peak_bytes",
            HeapMetric::LiveBytes => "live_bytes",
        }
    }

    /// This metric's figure.
    ///
    /// ```
    /// use heaplab_core::{HeapFigures, exercise::HeapMetric};
    /// let f = HeapFigures { allocs: 1, bytes: 8, peak_bytes: 8, live_bytes: 0 };
    /// assert_eq!(HeapMetric::Bytes.of(&f), 8);
    /// ```
    pub fn of(self, figures: &HeapFigures) -> u64 {
        match self {
            HeapMetric::Allocs => figures.allocs,
            HeapMetric::Bytes => figures.bytes,
            HeapMetric::PeakBytes => figures.peak_bytes,
            HeapMetric::LiveBytes => figures.live_bytes,
        }
    }
}

/// A limit on one metric as a function of `n`, with the formula in words
/// (`"n × size_of::<Point3>()"`) that the verdict prints beside its value.
struct Limit {
    metric: HeapMetric,
    formula: &'static str,
    value: Box<dyn Fn(usize) -> u64>,
}

impl Limit {
    fn at(&self, n: usize) -> Bound {
        Bound {
            metric: self.metric,
            value: (self.value)(n),
            formula: self.formula.to_owned(),
        }
    }
}

/// A behaviour test: a name and a function that returns what went wrong.
type TestFn = Box<dyn Fn() -> Result<(), String>>;

/// What a check binary runs: behaviour tests, then heap checks.
#[derive(Default)]
pub struct Check {
    tests: Vec<(String, TestFn)>,
    heap: Vec<HeapCheck>,
}

impl Check {
    /// A check with nothing in it yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a behaviour test. Name it by its input (`"n = 0"`), so a failure
    /// says which case broke.
    pub fn test(
        mut self,
        name: impl Into<String>,
        run: impl Fn() -> Result<(), String> + 'static,
    ) -> Self {
        self.tests.push((name.into(), Box::new(run)));
        self
    }

    /// Adds a heap check.
    pub fn heap(mut self, check: HeapCheck) -> Self {
        self.heap.push(check);
        self
    }

    /// The tests' names, in order.
    pub fn test_names(&self) -> Vec<&str> {
        self.tests.iter().map(|(name, _)| name.as_str()).collect()
    }
}

/// One measured workload of an exercise: a [`Case`] (setup unmeasured, run
/// measured, output dropped: see [`Case::in_env`] for what stays live)
/// with budgets that grade it and floors that say what is physically least.
pub struct HeapCheck {
    case: Case,
    budgets: Vec<Limit>,
    floors: Vec<Limit>,
}

impl HeapCheck {
    /// A heap check of `case` at each of its sizes. The case's workload
    /// names the check in verdicts (`"make n points"`).
    ///
    /// Until a budget on [`HeapMetric::LiveBytes`] is given, nothing may
    /// stay live once the output is dropped: a budget of 0, so a leak is
    /// always caught. A case whose environment keeps what the run made
    /// (see [`Case::in_env`]) states its own.
    pub fn new(case: Case) -> Self {
        Self {
            case,
            budgets: vec![Limit {
                metric: HeapMetric::LiveBytes,
                formula: "0: nothing stays live once the result is dropped",
                value: Box::new(|_| 0),
            }],
            floors: Vec::new(),
        }
    }

    /// The most `metric` may be at size `n` for a pass: `value(n)`,
    /// computed from `n` and `size_of`, described by `formula`.
    pub fn budget(
        mut self,
        metric: HeapMetric,
        formula: &'static str,
        value: impl Fn(usize) -> u64 + 'static,
    ) -> Self {
        self.budgets.retain(|b| b.metric != metric);
        self.budgets.push(Limit {
            metric,
            formula,
            value: Box::new(value),
        });
        self
    }

    /// The least `metric` can physically be at size `n` (the data's own
    /// bytes, say): reaching it is the top tier.
    pub fn floor(
        mut self,
        metric: HeapMetric,
        formula: &'static str,
        value: impl Fn(usize) -> u64 + 'static,
    ) -> Self {
        self.floors.push(Limit {
            metric,
            formula,
            value: Box::new(value),
        });
        self
    }
}

/// The prefix of every line a check binary prints for the harness.
pub const EVENT_PREFIX: &str = "heaplab-exercise ";

/// Where a check binary writes dhat's per-site data (`<dir>/<check>-<n>.json`):
/// the environment variable the harness sets.
pub const SITES_DIR_ENV: &str = "HEAPLAB_SITES_DIR";

/// A budget or floor at one size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    /// The metric limited.
    pub metric: HeapMetric,
    /// Its value at this size.
    pub value: u64,
    /// How it is computed, in words and units.
    pub formula: String,
}

/// How one behaviour test ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It passed.
    Passed,
    /// A wrong answer: what was expected and what came back.
    Failed(String),
    /// The student's code panicked: the message and where.
    Panicked(String),
}

/// One heap check at one size, as measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measured {
    /// The check's name (its case's workload).
    pub check: String,
    /// The size.
    pub n: usize,
    /// dhat's figures, or the panic that stopped the run.
    pub figures: Result<HeapFigures, String>,
    /// The budgets at this size.
    pub budgets: Vec<Bound>,
    /// The floors at this size.
    pub floors: Vec<Bound>,
    /// dhat's per-site file for this run, if one was written.
    pub sites: Option<PathBuf>,
}

/// A line a check binary prints (after [`EVENT_PREFIX`]), one JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// First: every test and heap check that will report, so a run that
    /// stops early is known to be incomplete.
    Plan {
        /// The tests' names.
        tests: Vec<String>,
        /// Each heap check's name and sizes.
        heap: Vec<(String, Vec<usize>)>,
    },
    /// One test's outcome.
    Test {
        /// The test's name.
        name: String,
        /// How it ended.
        outcome: Outcome,
    },
    /// One heap check at one size.
    Heap(Measured),
    /// The file could not be loaded at all (a Python twin with a syntax
    /// error): the interpreter's message.
    Unloadable(String),
    /// Last: everything planned has reported.
    Done,
}

impl Event {
    /// Parses one output line; `None` for a line that is not an event
    /// (the student's own prints).
    ///
    /// ```
    /// use heaplab_core::exercise::Event;
    /// assert_eq!(Event::parse("heaplab-exercise \"done\""), Some(Event::Done));
    /// assert_eq!(Event::parse("hello"), None);
    /// ```
    pub fn parse(line: &str) -> Option<Event> {
        serde_json::from_str(line.strip_prefix(EVENT_PREFIX)?).ok()
    }

    fn emit(&self) {
        let json = serde_json::to_string(self).expect("events serialize");
        let mut out = std::io::stdout().lock();
        // A closed pipe means the harness is gone: nothing left to tell.
        let _ = writeln!(out, "{EVENT_PREFIX}{json}");
        let _ = out.flush();
    }
}

/// Checks `got` against `expected`: `Err("expected …, got …")` when they differ.
///
/// ```
/// assert!(heaplab_core::exercise::expect_eq(vec![1], vec![1]).is_ok());
/// ```
pub fn expect_eq<T: PartialEq + Debug>(got: T, expected: T) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {got:?}"))
    }
}

/// Checks `condition`, with `message` (what should have held) when false.
///
/// ```
/// assert_eq!(heaplab_core::exercise::ensure(false, "len ≤ 3"), Err("len ≤ 3".to_owned()));
/// ```
pub fn ensure(condition: bool, message: impl Into<String>) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message.into())
    }
}

/// The last panic's message and location, set by the hook [`run`] installs.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        LAST_PANIC
            .lock()
            .map(|mut p| p.take())
            .ok()
            .flatten()
            .unwrap_or_else(|| "panicked".to_owned())
    })
}

/// Runs `check` and reports every outcome on standard output: the `main`
/// of a check binary (only meaningful where dhat's allocator is global).
///
/// Panics in the student's code are caught one test (or one size) at a
/// time and reported with their message and location; everything else —
/// a loop, an abort, `process::exit` — is for the harness to see: the run
/// then lacks its [`Event::Done`].
pub fn run(check: Check) -> ExitCode {
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let place = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message}{place}"));
        }
    }));
    Event::Plan {
        tests: check.tests.iter().map(|(name, _)| name.clone()).collect(),
        heap: check
            .heap
            .iter()
            .map(|h| (h.case.workload.to_owned(), h.case.sizes.to_vec()))
            .collect(),
    }
    .emit();
    for (name, test) in &check.tests {
        let outcome = match caught(test) {
            Ok(Ok(())) => Outcome::Passed,
            Ok(Err(wrong)) => Outcome::Failed(wrong),
            Err(panic) => Outcome::Panicked(panic),
        };
        Event::Test {
            name: name.clone(),
            outcome,
        }
        .emit();
    }
    let dir = std::env::var_os(SITES_DIR_ENV).map(PathBuf::from);
    for (index, heap) in check.heap.iter().enumerate() {
        for &n in heap.case.sizes {
            let sites = dir.as_ref().map(|d| d.join(format!("{index}-{n}.json")));
            let figures = caught(|| crate::measure_heap(&heap.case, n, sites.as_deref()));
            Event::Heap(Measured {
                check: heap.case.workload.to_owned(),
                n,
                figures,
                budgets: heap.budgets.iter().map(|b| b.at(n)).collect(),
                floors: heap.floors.iter().map(|b| b.at(n)).collect(),
                sites: sites.filter(|p| Path::exists(p)),
            })
            .emit();
        }
    }
    Event::Done.emit();
    ExitCode::SUCCESS
}
