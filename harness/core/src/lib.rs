//! The vocabulary every heaplab lab is written in.
//!
//! A lab *describes* an experiment once: which tutorial section it mirrors,
//! which claims it tests, and a list of [`Case`]s. A case is one strategy on
//! one workload, runnable at several input sizes `n`. The harness (package
//! `heaplab`) then measures every case three ways — heap (dhat), time
//! (criterion) and instructions (iai-callgrind) — without the lab containing
//! a timing loop, an allocator or a line of report code.
//!
//! A lab is a crate `labs/NN-topic` whose `pub fn lab() -> Lab` builds the
//! lab with [`Lab::new`], its claims, facts and shared constants, and
//! registers its cases with [`Lab::cases`], once per workload. The harness
//! finds it through one line in `harness/Cargo.toml` (see the harness's
//! `registry` module).
//!
//! Every case is split in two halves:
//!
//! * **setup** builds the input for size `n`. It is never measured.
//! * **run** consumes the input and returns an output. This is what is
//!   measured. Dropping the output is measured by the heap family only
//!   (that is where a leak shows), never by the time or instruction family.
//!
//! ```
//! use heaplab_core::{Case, Lab};
//!
//! /// Sizes for this example: small enough for a doctest.
//! const SIZES: &[usize] = &[10, 100];
//!
//! let lab = Lab::new("00-example", "Boxes", "Reference Counting")
//!     .cases([Case::new("create", "box", SIZES, |n| n, |n: usize| {
//!         (0..n).map(|i| Box::new(i as u64)).collect::<Vec<_>>()
//!     })]);
//!
//! let case = lab.find("create", "box").unwrap();
//! let mut prepared = case.prepare(10);
//! prepared.run();
//! assert_eq!(case.sizes, &[10, 100]);
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::hint::black_box;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub mod claim;
pub mod exercise;

use claim::Claim;
use exercise::Exercise;

/// A hasher builder with fixed keys, for every hash map a lab measures.
///
/// `std`'s `RandomState` seeds SipHash randomly per process, so the number
/// of instructions a hash map executes changes from run to run and
/// callgrind's counts stop being repeatable. `FixedState` is the same
/// SipHash-1-3 with zero keys: identical cost per hash, identical every run.
/// Labs only measure; nothing here faces untrusted input, so HashDoS
/// resistance is not needed.
///
/// ```
/// use std::hash::BuildHasher;
/// use heaplab_core::FixedState;
///
/// let a = FixedState::default().hash_one("Point");
/// let b = FixedState::default().hash_one("Point");
/// assert_eq!(a, b);
/// ```
pub type FixedState = BuildHasherDefault<DefaultHasher>;

/// splitmix64: a tiny, well-mixed seeded generator, the one the labs draw
/// their traces and positions from; `heaplab_ref.splitmix64` is the same
/// rule in Python, so a lab and its CPython reference replay the same
/// sequence. Advances `state` and returns the next value.
///
/// ```
/// let mut state = 0;
/// // The first value from seed 0, as published with the algorithm.
/// assert_eq!(heaplab_core::splitmix64(&mut state), 0xE220_A839_7B1D_CDAF);
/// ```
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A `HashMap` with the [`FixedState`] hasher: the only map labs should use.
///
/// ```
/// let mut map = heaplab_core::FixedMap::default();
/// map.insert("x", 1);
/// assert_eq!(map["x"], 1);
/// ```
pub type FixedMap<K, V> = HashMap<K, V, FixedState>;

/// One measured experiment: a tutorial section turned into cases.
///
/// Build it with [`Lab::new`] and the chaining methods; register it in the
/// harness's registry. The id is the lab's folder name under `labs/`
/// (for example `04-slots-vs-dict`), which is also where the harness looks
/// for `python/reference.py`.
pub struct Lab {
    /// Folder name under `labs/`, e.g. `"04-slots-vs-dict"`. Unique.
    pub id: &'static str,
    /// Human title, e.g. `"__slots__ vs __dict__"`.
    pub title: &'static str,
    /// The tutorial section this lab mirrors, as the tutorial names it.
    pub section: &'static str,
    /// The tutorial's claims this lab measures (see [`claim`]).
    pub claims: Vec<Claim>,
    /// Every case, in the order the report shows them.
    pub cases: Vec<Case>,
    /// Static facts about the Rust side (sizes of types, counts), computed
    /// when asked, shown in the report beside the measured tables.
    pub facts: fn() -> Vec<Fact>,
    /// Workloads whose output holds what was built (e.g. `n` objects), so
    /// peak bytes per op is memory per object. In the other workloads each
    /// operation frees what it allocated, so the report plots bytes
    /// allocated per op instead.
    pub keeps_output: Vec<&'static str>,
    /// Constants the lab's CPython reference needs too (a seed, a
    /// capacity ratio), by the Rust `const`'s name: the harness passes them
    /// to the script, so they are typed once.
    pub constants: Vec<(&'static str, Constant)>,
    /// The student exercises on this lab, by number (see [`exercise`]).
    pub exercises: Vec<Exercise>,
    /// Plots drawn from the lab's facts, Rust's and CPython's (see
    /// [`FactPlot`]).
    pub fact_plots: Vec<FactPlot>,
    /// Pairs of live-sites cases that are two snapshots of one program
    /// (see [`Lab::snapshot_diff`]), in the order the report shows them.
    pub snapshot_diffs: Vec<SnapshotDiff>,
}

/// A figure drawn from facts rather than from measured cases: e.g. a
/// container's bytes after each growth step, Rust's beside CPython's. The
/// report draws it as `plots/<lab>-<name>.svg`, panels side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct FactPlot {
    /// The file's name within the lab, e.g. `"growth"`.
    pub name: &'static str,
    /// What the x axis counts, e.g. `"length"`.
    pub x_label: &'static str,
    /// The panels, left to right.
    pub panels: Vec<FactPanel>,
}

/// One panel of a [`FactPlot`].
#[derive(Debug, Clone, PartialEq)]
pub struct FactPanel {
    /// Its title.
    pub title: &'static str,
    /// What the y axis shows, with its unit.
    pub y_label: &'static str,
    /// Its lines.
    pub curves: Vec<FactCurve>,
}

/// One line of a [`FactPanel`]: the facts of one source whose names are
/// `prefix` followed by a number (the x) are its points (the value, y).
#[derive(Debug, Clone, PartialEq)]
pub struct FactCurve {
    /// Legend label.
    pub label: &'static str,
    /// CPython's facts (drawn dashed) or Rust's.
    pub python: bool,
    /// The name the facts start with, e.g. `"Vec<i64> heap bytes after push #"`.
    pub prefix: &'static str,
}

impl FactCurve {
    /// The curve's points among `facts` (name, value), ascending x.
    ///
    /// ```
    /// use heaplab_core::FactCurve;
    /// let curve = FactCurve { label: "Vec", python: false, prefix: "bytes after push #" };
    /// let facts = [("bytes after push #5", 64.0), ("bytes after push #1", 32.0), ("other", 1.0)];
    /// assert_eq!(curve.points(facts), [(1.0, 32.0), (5.0, 64.0)]);
    /// ```
    pub fn points<'a>(&self, facts: impl IntoIterator<Item = (&'a str, f64)>) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = facts
            .into_iter()
            .filter_map(|(name, value)| {
                let x: f64 = name.strip_prefix(self.prefix)?.trim().parse().ok()?;
                Some((x, value))
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    }
}

/// The value of a lab constant shared with its CPython reference.
///
/// ```
/// use heaplab_core::Constant;
/// assert_eq!(Constant::from(256_usize), Constant::Int(256));
/// assert_eq!(Constant::from(1.0), Constant::Float(1.0));
/// assert_eq!(Constant::from("utf-8"), Constant::Text("utf-8"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Constant {
    /// A whole number.
    Int(u64),
    /// A real number.
    Float(f64),
    /// Text.
    Text(&'static str),
}

impl From<u64> for Constant {
    fn from(v: u64) -> Self {
        Constant::Int(v)
    }
}

impl From<usize> for Constant {
    fn from(v: usize) -> Self {
        Constant::Int(v as u64)
    }
}

impl From<f64> for Constant {
    fn from(v: f64) -> Self {
        Constant::Float(v)
    }
}

impl From<&'static str> for Constant {
    fn from(v: &'static str) -> Self {
        Constant::Text(v)
    }
}

impl Lab {
    /// A lab with no claims, no cases and no facts yet.
    ///
    /// ```
    /// let lab = heaplab_core::Lab::new("02-refcount", "Reference counting", "Reference Counting");
    /// assert!(lab.cases.is_empty());
    /// assert!((lab.facts)().is_empty());
    /// ```
    pub fn new(id: &'static str, title: &'static str, section: &'static str) -> Self {
        Self {
            id,
            title,
            section,
            claims: Vec::new(),
            cases: Vec::new(),
            facts: Vec::new,
            keeps_output: Vec::new(),
            constants: Vec::new(),
            exercises: Vec::new(),
            fact_plots: Vec::new(),
            snapshot_diffs: Vec::new(),
        }
    }

    /// Adds a plot of facts (see [`FactPlot`]).
    pub fn fact_plot(mut self, plot: FactPlot) -> Self {
        self.fact_plots.push(plot);
        self
    }

    /// Adds a student exercise (see [`exercise`]).
    ///
    /// # Panics
    ///
    /// Panics if its number is not the next one (exercises are numbered
    /// 1, 2, … in the order they are added).
    ///
    /// ```
    /// use heaplab_core::{Lab, exercise::Exercise};
    /// let lab = Lab::new("00-x", "x", "x")
    ///     .exercise(Exercise::new(1, "First", "first.rs", "exercises::first::check(answer::f)"));
    /// assert_eq!(lab.exercises[0].title, "First");
    /// ```
    pub fn exercise(mut self, exercise: Exercise) -> Self {
        assert_eq!(
            exercise.number as usize,
            self.exercises.len() + 1,
            "lab {}: exercises are numbered 1, 2, … in order",
            self.id
        );
        self.exercises.push(exercise);
        self
    }

    /// The lab's number, the digits before its first `-` (`"04"`).
    ///
    /// ```
    /// assert_eq!(heaplab_core::Lab::new("04-slots-vs-dict", "x", "x").number(), "04");
    /// ```
    pub fn number(&self) -> &'static str {
        self.id.split('-').next().unwrap_or(self.id)
    }

    /// Shares the constant `name` with the CPython reference (see
    /// [`Lab::constants`](struct@Lab#structfield.constants)).
    ///
    /// ```
    /// /// The seed both implementations draw from.
    /// const SEED: u64 = 7;
    /// let lab = heaplab_core::Lab::new("00-x", "x", "x").constant("SEED", SEED);
    /// assert_eq!(lab.constants, [("SEED", heaplab_core::Constant::Int(7))]);
    /// ```
    pub fn constant(mut self, name: &'static str, value: impl Into<Constant>) -> Self {
        self.constants.push((name, value.into()));
        self
    }

    /// Marks `workload` as one whose output keeps what it built (see
    /// [`Lab::keeps_output`](struct@Lab#structfield.keeps_output)).
    pub fn keeps(mut self, workload: &'static str) -> Self {
        self.keeps_output.push(workload);
        self
    }

    /// Adds one of the tutorial's claims that this lab measures.
    pub fn claim(mut self, claim: Claim) -> Self {
        self.claims.push(claim);
        self
    }

    /// Adds several claims (see [`Lab::claim`]).
    pub fn claims(self, claims: impl IntoIterator<Item = Claim>) -> Self {
        claims.into_iter().fold(self, Lab::claim)
    }

    fn case(mut self, case: Case) -> Self {
        assert!(
            self.find(case.workload, case.strategy).is_none(),
            "lab {}: case {}/{} registered twice",
            self.id,
            case.workload,
            case.strategy
        );
        self.cases.push(case);
        self
    }

    /// Registers cases: the one way to add them. Call it once per
    /// workload, with that workload's strategies in the order the report
    /// shows them.
    ///
    /// # Panics
    ///
    /// Panics if a case with the same workload and strategy is already
    /// registered: results are keyed by that pair, so a duplicate would
    /// silently overwrite the other's numbers.
    ///
    /// ```should_panic
    /// use heaplab_core::{Case, Lab};
    /// let twice = || Case::new("w", "s", &[1], |n| n, |n: usize| n);
    /// Lab::new("00-x", "x", "x").cases([twice(), twice()]);
    /// ```
    pub fn cases(self, cases: impl IntoIterator<Item = Case>) -> Self {
        cases.into_iter().fold(self, Lab::case)
    }

    /// Sets the function that computes this lab's [`Fact`]s.
    pub fn facts(mut self, facts: fn() -> Vec<Fact>) -> Self {
        self.facts = facts;
        self
    }

    /// Declares that two cases of `workload` are two snapshots of one
    /// program, heaplab's answer to tracemalloc's `compare_to`: `after`
    /// runs the same first phase as `before` (through the same functions,
    /// so the same lines allocate), then a second one. Both record their
    /// live sites ([`Case::show_live_sites`]); the harness subtracts the
    /// first snapshot's live bytes per line from the second's and reports
    /// the lines that grew.
    ///
    /// # Panics
    ///
    /// Panics unless both cases are already registered (call it after
    /// [`Lab::cases`]) and both show their live sites: without them there
    /// is nothing to subtract.
    ///
    /// ```
    /// use heaplab_core::{Case, Lab};
    /// /// Sizes for this example.
    /// const SIZES: &[usize] = &[10];
    /// let lab = Lab::new("00-x", "x", "x")
    ///     .cases([
    ///         Case::new("phases", "first", SIZES, |n| n, |n: usize| vec![0u8; n]).show_live_sites(),
    ///         Case::new("phases", "both", SIZES, |n| n, |n: usize| (vec![0u8; n], vec![1u8; n])).show_live_sites(),
    ///     ])
    ///     .snapshot_diff("phases", "first", "both");
    /// assert_eq!(lab.snapshot_diffs[0].after, "both");
    /// ```
    ///
    /// ```should_panic
    /// use heaplab_core::{Case, Lab};
    /// // The second case does not record its live sites.
    /// Lab::new("00-x", "x", "x")
    ///     .cases([
    ///         Case::new("phases", "first", &[10], |n| n, |n: usize| n).show_live_sites(),
    ///         Case::new("phases", "both", &[10], |n| n, |n: usize| n),
    ///     ])
    ///     .snapshot_diff("phases", "first", "both");
    /// ```
    pub fn snapshot_diff(
        mut self,
        workload: &'static str,
        before: &'static str,
        after: &'static str,
    ) -> Self {
        let diff = SnapshotDiff {
            workload,
            before,
            after,
        };
        if let Err(why) = diff.check(&self) {
            panic!("lab {}: {why}", self.id);
        }
        self.snapshot_diffs.push(diff);
        self
    }

    /// The case for `workload` and `strategy`, if registered.
    ///
    /// ```
    /// use heaplab_core::{Case, Lab};
    /// let lab = Lab::new("00-x", "x", "x").cases([Case::new("w", "s", &[1], |n| n, |n: usize| n)]);
    /// assert!(lab.find("w", "s").is_some());
    /// assert!(lab.find("w", "other").is_none());
    /// ```
    pub fn find(&self, workload: &str, strategy: &str) -> Option<&Case> {
        self.cases
            .iter()
            .find(|c| c.workload == workload && c.strategy == strategy)
    }

    /// The distinct workloads of this lab, in registration order.
    ///
    /// ```
    /// use heaplab_core::{Case, Lab};
    /// let lab = Lab::new("00-x", "x", "x")
    ///     .cases([
    ///         Case::new("create", "a", &[1], |n| n, |n: usize| n),
    ///         Case::new("read", "a", &[1], |n| n, |n: usize| n),
    ///         Case::new("create", "b", &[1], |n| n, |n: usize| n),
    ///     ]);
    /// assert_eq!(lab.workloads(), ["create", "read"]);
    /// ```
    pub fn workloads(&self) -> Vec<&'static str> {
        let mut seen = Vec::new();
        for case in &self.cases {
            if !seen.contains(&case.workload) {
                seen.push(case.workload);
            }
        }
        seen
    }
}

/// Two live-sites cases of one workload declared as two snapshots of one
/// program (see [`Lab::snapshot_diff`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotDiff {
    /// The workload both cases belong to.
    pub workload: &'static str,
    /// The strategy of the first snapshot: the first phase alone.
    pub before: &'static str,
    /// The strategy of the second snapshot: the first phase, then a second.
    pub after: &'static str,
}

impl SnapshotDiff {
    /// Why this pair cannot be diffed in `lab`: a case missing, a case that
    /// does not record its live sites, their sizes differing (the sites are
    /// taken at each case's largest size), or the same case twice.
    ///
    /// # Errors
    ///
    /// The first problem found, as a sentence.
    ///
    /// ```
    /// use heaplab_core::{Case, Lab, SnapshotDiff};
    /// let lab = Lab::new("00-x", "x", "x")
    ///     .cases([Case::new("phases", "first", &[10], |n| n, |n: usize| n).show_live_sites()]);
    /// let diff = SnapshotDiff { workload: "phases", before: "first", after: "both" };
    /// assert_eq!(diff.check(&lab).unwrap_err(), "snapshot diff phases/first → phases/both: no case phases/both");
    /// ```
    pub fn check(&self, lab: &Lab) -> Result<(), String> {
        let pair = format!(
            "snapshot diff {w}/{} → {w}/{}",
            self.before,
            self.after,
            w = self.workload
        );
        if self.before == self.after {
            return Err(format!("{pair}: a snapshot diffed with itself"));
        }
        let mut sizes = Vec::new();
        for strategy in [self.before, self.after] {
            let case = lab
                .find(self.workload, strategy)
                .ok_or_else(|| format!("{pair}: no case {}/{strategy}", self.workload))?;
            if !case.live_sites {
                return Err(format!(
                    "{pair}: case {}/{strategy} does not show its live sites (Case::show_live_sites)",
                    self.workload
                ));
            }
            sizes.push(case.sizes);
        }
        if sizes[0] != sizes[1] {
            return Err(format!(
                "{pair}: the two cases have different sizes, so their live sites are not taken at the same n"
            ));
        }
        Ok(())
    }
}

/// One strategy on one workload, runnable at each of its sizes.
///
/// The setup and run halves are ordinary closures; [`Case::prepare`] erases
/// their types so the harness can drive every case through one generic path.
pub struct Case {
    /// What is done, e.g. `"create"`, `"clone-drop"`. Shared by the cases
    /// that compete on the same job.
    pub workload: &'static str,
    /// How it is done, e.g. `"rc"`, `"struct"`.
    pub strategy: &'static str,
    /// Input sizes `n`, ascending. Metrics are reported in total and per
    /// unit of `n` ("per object" or "per operation").
    pub sizes: &'static [usize],
    /// The strategy names of its CPython counterparts in the lab's
    /// `python/reference.py` (none, one, or several ways CPython does the
    /// same job). The harness measures each at this case's sizes.
    pub python: Vec<&'static str>,
    /// One line on what the case does, for `heaplab list` and the report.
    pub about: &'static str,
    /// The largest size the instruction family counts, and why no larger
    /// one (see [`Case::count_instructions_up_to`]); `None`: every size.
    pub count_up_to: Option<(usize, &'static str)>,
    /// The largest size its CPython counterparts are measured at, and why
    /// no larger one (see [`Case::measure_python_up_to`]); `None`: every size.
    pub python_up_to: Option<(usize, &'static str)>,
    /// Whether the heap family records, at this case's largest size, the
    /// allocation sites still live at the end (see [`Case::show_live_sites`]).
    pub live_sites: bool,
    /// Whether the heap family profiles this case at its largest size (see
    /// [`Case::profile`]).
    pub profiled: bool,
    // Invariant: `prepare(n)` performs setup for `n` and nothing else; the
    // returned value performs the measured half exactly once.
    experiment: Box<dyn Experiment>,
}

impl Case {
    /// A case from its two halves: `setup(n)` builds the input (never
    /// measured) and `run(input)` is the measured work, consuming the input.
    ///
    /// # Traps
    ///
    /// - The input is dropped inside the run (it is consumed). The time
    ///   and instruction families measure that drop; the heap family does
    ///   not count the free of a block made in setup (dhat only knows
    ///   blocks made while it profiles), so a run that frees its input is
    ///   timed but not heap-counted for that free.
    /// - A block made in setup that the run grows (`push` past capacity,
    ///   `reserve`) is reallocated: dhat counts a `realloc` of a block it
    ///   did not see made as a *new* allocation of the full new size, so
    ///   `bytes` and `peak_bytes` include the whole grown block. Size the
    ///   input in setup for what the run adds, or accept that figure.
    ///
    /// # Panics
    ///
    /// Panics if `sizes` is empty or not strictly ascending.
    ///
    /// ```
    /// use heaplab_core::Case;
    /// /// Two sizes a decade apart.
    /// const SIZES: &[usize] = &[100, 1000];
    /// let case = Case::new("sum", "iterator", SIZES, |n| n as u64, |n: u64| (0..n).sum::<u64>());
    /// assert_eq!(case.workload, "sum");
    /// assert!(case.python.is_empty());
    /// ```
    pub fn new<I, O, S, R>(
        workload: &'static str,
        strategy: &'static str,
        sizes: &'static [usize],
        setup: S,
        run: R,
    ) -> Self
    where
        I: 'static,
        O: 'static,
        S: Fn(usize) -> I + Send + Sync + 'static,
        R: Fn(I) -> O + Send + Sync + 'static,
    {
        Self::in_env(
            workload,
            strategy,
            sizes,
            move |n| Some(setup(n)),
            move |input: &mut Option<I>| run(input.take().expect("a prepared case runs once")),
        )
    }

    /// A case that runs *inside* a long-lived environment: `setup(n)`
    /// builds the environment (say, an event subject or a cache, never
    /// measured) and `run(&mut env)` is the measured work. The environment
    /// outlives the run: the heap family reads `live_bytes` after the
    /// output is dropped but while the environment still exists, so what
    /// the environment keeps holding — listeners nobody uses, entries
    /// nobody evicts — shows as retained. Whether that is a leak depends
    /// on the case: a bounded cache retains its entries by design.
    ///
    /// # Traps
    ///
    /// - An environment the run grows past its capacity is reallocated,
    ///   and dhat counts the `realloc` of a block made in setup as a new
    ///   allocation of the *full* new size (it never saw the old block
    ///   made). Give the environment the capacity the run needs, as below,
    ///   or read `bytes` and `peak_bytes` as including the whole grown
    ///   block; `harness/tests/heap_exact.rs` pins this behaviour.
    /// - Blocks the run frees that setup made are not counted as freed
    ///   (same reason), so `live_bytes` is what the run made and the
    ///   environment still holds, not the environment's net growth.
    ///
    /// # Panics
    ///
    /// Panics if `sizes` is empty or not strictly ascending.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use heaplab_core::Case;
    /// static SETUPS: AtomicUsize = AtomicUsize::new(0);
    /// static RUNS: AtomicUsize = AtomicUsize::new(0);
    /// // The environment: a log that the run appends to and keeps.
    /// let case = Case::in_env("append", "vec", &[4], |n| {
    ///     SETUPS.fetch_add(1, Ordering::SeqCst);
    ///     Vec::with_capacity(n)
    /// }, |log: &mut Vec<u64>| {
    ///     RUNS.fetch_add(1, Ordering::SeqCst);
    ///     log.extend(0..4);
    ///     log.len()
    /// });
    /// let mut prepared = case.prepare(4);
    /// assert_eq!((SETUPS.load(Ordering::SeqCst), RUNS.load(Ordering::SeqCst)), (1, 0));
    /// prepared.run();
    /// assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    /// prepared.drop_output();
    /// // The run happens once per preparation.
    /// let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prepared.run()));
    /// assert!(again.is_err());
    /// ```
    pub fn in_env<I, O, S, R>(
        workload: &'static str,
        strategy: &'static str,
        sizes: &'static [usize],
        setup: S,
        run: R,
    ) -> Self
    where
        I: 'static,
        O: 'static,
        S: Fn(usize) -> I + Send + Sync + 'static,
        R: Fn(&mut I) -> O + Send + Sync + 'static,
    {
        assert!(
            !sizes.is_empty() && sizes.windows(2).all(|w| w[0] < w[1]),
            "case {workload}/{strategy}: sizes must be non-empty and strictly ascending"
        );
        Self {
            workload,
            strategy,
            sizes,
            python: Vec::new(),
            about: "",
            count_up_to: None,
            python_up_to: None,
            live_sites: false,
            profiled: false,
            experiment: Box::new(Halves { setup, run }),
        }
    }

    /// Names a CPython counterpart strategy (see [`Case::python`]);
    /// repeatable.
    ///
    /// ```
    /// use heaplab_core::Case;
    /// let case = Case::new("create", "map", &[1], |n| n, |n: usize| n)
    ///     .with_python("dict")
    ///     .with_python("plain-dict");
    /// assert_eq!(case.python, ["dict", "plain-dict"]);
    /// ```
    pub fn with_python(mut self, strategy: &'static str) -> Self {
        self.python.push(strategy);
        self
    }

    /// Sets the one-line description.
    pub fn about(mut self, about: &'static str) -> Self {
        self.about = about;
        self
    }

    /// Counts instructions only at sizes up to `n`; `why` says what the
    /// larger sizes would cost and why the smaller ones suffice (shown as
    /// "not measured: ..." for the others). For a case whose run is so slow
    /// under callgrind at its largest size that counting it would cost
    /// minutes of a run that its time and heap figures already cover.
    ///
    /// ```
    /// use heaplab_core::Case;
    /// let case = Case::new("scan", "list", &[10, 100], |n| n, |n: usize| n)
    ///     .count_instructions_up_to(10, "quadratic: 100 takes minutes under callgrind");
    /// assert_eq!(case.count_up_to.map(|(n, _)| n), Some(10));
    /// ```
    pub fn count_instructions_up_to(mut self, n: usize, why: &'static str) -> Self {
        self.count_up_to = Some((n, why));
        self
    }

    /// Measures its CPython counterparts only at sizes up to `n`; `why`
    /// says what a larger one would cost (shown as "not measured: ..." for
    /// the CPython records at the larger sizes). For a counterpart whose
    /// one run at the largest size takes seconds (a quadratic algorithm,
    /// which the smaller sizes already show), where the repeats of the time
    /// pass and the heap pass's traced run would cost a minute of a run.
    ///
    /// ```
    /// use heaplab_core::Case;
    /// let case = Case::new("scan", "list", &[10, 100], |n| n, |n: usize| n)
    ///     .with_python("list")
    ///     .measure_python_up_to(10, "quadratic: one run at 100 takes seconds in CPython");
    /// assert_eq!(case.python_up_to.map(|(n, _)| n), Some(10));
    /// assert!(case.python_measured_at(10) && !case.python_measured_at(100));
    /// ```
    pub fn measure_python_up_to(mut self, n: usize, why: &'static str) -> Self {
        self.python_up_to = Some((n, why));
        self
    }

    /// Whether its CPython counterparts are measured at size `n` (see
    /// [`Case::measure_python_up_to`]).
    pub fn python_measured_at(&self, n: usize) -> bool {
        self.python_up_to.is_none_or(|(largest, _)| n <= largest)
    }

    /// Asks the heap family for the allocation sites whose blocks are
    /// still live when this case ends (its output dropped), at its largest
    /// size: each site's line in the lab's crate, bytes and blocks. For a
    /// case that leaks or retains, so the report shows *where* the live
    /// bytes were allocated, as tracemalloc's snapshot diff does.
    ///
    /// ```
    /// use heaplab_core::Case;
    /// let case = Case::new("keep", "vec", &[10], |n| n, |n: usize| n).show_live_sites();
    /// assert!(case.live_sites);
    /// ```
    pub fn show_live_sites(mut self) -> Self {
        self.live_sites = true;
        self
    }

    /// Asks the heap family for a profile of this case at its largest
    /// size, heaplab's answer to tracemalloc's `display_top`: its top
    /// allocation sites by the lab's lines (bytes in all and at the heap's
    /// peak, share of the total), an allocation flame graph (bytes by call
    /// stack), and dhat's own file of the run, which opens in dhat's viewer.
    ///
    /// ```
    /// use heaplab_core::Case;
    /// let case = Case::new("build", "vec", &[10], |n| n, |n: usize| vec![0u8; n]).profile();
    /// assert!(case.profiled);
    /// ```
    pub fn profile(mut self) -> Self {
        self.profiled = true;
        self
    }

    /// Runs the setup for size `n` and returns the measured half, ready to
    /// run once.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use heaplab_core::Case;
    /// static SUM: AtomicU64 = AtomicU64::new(0);
    /// let case = Case::new("sum", "vec", &[3], |n| vec![1u64; n], |v: Vec<u64>| {
    ///     SUM.store(v.iter().sum::<u64>(), Ordering::SeqCst);
    /// });
    /// let mut prepared = case.prepare(3);
    /// assert_eq!(SUM.load(Ordering::SeqCst), 0, "prepare runs the setup only");
    /// prepared.run();
    /// assert_eq!(SUM.load(Ordering::SeqCst), 3);
    /// ```
    pub fn prepare(&self, n: usize) -> Box<dyn Prepared + '_> {
        self.experiment.prepare(n)
    }
}

/// The measured half of a case, after setup. Run it once, then drop it.
///
/// The heap family measures [`Prepared::run`] and [`Prepared::drop_output`]
/// (bytes still live afterwards are a leak, or what the environment still
/// holds); the time and instruction families measure `run` only.
pub trait Prepared {
    /// Performs the measured work, keeping its output alive until
    /// [`Prepared::drop_output`] or until `self` is dropped. The input and
    /// output pass through [`black_box`](std::hint::black_box), so the
    /// optimizer cannot delete the work.
    ///
    /// # Panics
    ///
    /// Panics when called a second time.
    fn run(&mut self);

    /// Drops the run's output, keeping the environment (see [`Case::in_env`]).
    fn drop_output(&mut self);
}

/// The type-erased pair of halves behind a [`Case`].
trait Experiment: Send + Sync {
    fn prepare(&self, n: usize) -> Box<dyn Prepared + '_>;
}

struct Halves<S, R> {
    setup: S,
    run: R,
}

impl<I, O, S, R> Experiment for Halves<S, R>
where
    I: 'static,
    O: 'static,
    S: Fn(usize) -> I + Send + Sync,
    R: Fn(&mut I) -> O + Send + Sync,
{
    fn prepare(&self, n: usize) -> Box<dyn Prepared + '_> {
        Box::new(Staged {
            env: (self.setup)(n),
            output: None,
            ran: false,
            run: &self.run,
        })
    }
}

struct Staged<'a, I, O, R> {
    // What setup built; lives until `self` is dropped.
    env: I,
    // `None` until `run` stores the result, and again after `drop_output`.
    output: Option<O>,
    // Whether `run` was called; it may be called once.
    ran: bool,
    run: &'a R,
}

impl<I, O, R: Fn(&mut I) -> O> Prepared for Staged<'_, I, O, R> {
    fn run(&mut self) {
        assert!(!self.ran, "a prepared case runs once");
        self.ran = true;
        self.output = Some(black_box((self.run)(black_box(&mut self.env))));
    }

    fn drop_output(&mut self) {
        self.output = None;
    }
}

/// What dhat saw while one case ran and its output was dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeapFigures {
    /// Blocks allocated (count).
    pub allocs: u64,
    /// Bytes requested by those blocks, in total (bytes).
    pub bytes: u64,
    /// Most bytes live at once (bytes).
    pub peak_bytes: u64,
    /// Bytes still live after the output was dropped (bytes): retained by
    /// the case's environment, or leaked where nothing should be held.
    pub live_bytes: u64,
}

/// Measures `case` at size `n` in this process, the one way heaplab takes
/// heap figures (the heap family and the exercise grader both call it).
///
/// Prepares the case (setup is not profiled), starts a dhat profiler, runs
/// the case, drops its output and reads the figures — while the case's
/// environment (see [`Case::in_env`]) still exists, so what it keeps
/// holding counts as live. With `sites`, dhat also writes its per-site
/// data there (a `dhat-heap.json` for dhat's viewer); otherwise it runs in
/// testing mode and writes nothing.
///
/// Only meaningful in a binary whose global allocator is `dhat::Alloc` and
/// where no other dhat profiler is running; elsewhere every figure is 0.
///
/// Trap (as dhat's own docs warn): release builds may optimize an
/// allocation away entirely. Cases pass inputs and outputs through
/// `black_box`, so what is measured is what the code asks for.
pub fn measure_heap(case: &Case, n: usize, sites: Option<&Path>) -> HeapFigures {
    /// Frames kept per allocation site: deep enough to reach the caller
    /// through `HashMap` or `Vec` growth.
    const FRAMES: usize = 48;
    let start = || {
        let builder = dhat::Profiler::builder();
        match sites {
            Some(path) => builder.file_name(path).trim_backtraces(Some(FRAMES)),
            None => builder.testing(),
        }
        .build()
    };
    // Blocks made by setup are unknown to the profiler: freeing them in
    // the run is not counted, so only the run's own blocks show as live.
    let stats = measured_run(case, n, start, |profiler| {
        let stats = dhat::HeapStats::get();
        drop(profiler);
        stats
    });
    HeapFigures {
        allocs: stats.total_blocks,
        bytes: stats.total_bytes,
        peak_bytes: stats.max_bytes as u64,
        live_bytes: stats.curr_bytes as u64,
    }
}

/// Runs `case` at size `n` the one way every heap measurement does:
/// prepare it (setup, not measured), `start` the measurement, run the case,
/// drop its output, `stop` the measurement, and only then drop the case's
/// environment (see [`Case::in_env`]), unmeasured.
///
/// ```
/// use std::cell::Cell;
/// let case = heaplab_core::Case::new("w", "s", &[1], |n| n, |n| vec![0_u8; n]);
/// let order = Cell::new(Vec::new());
/// let log = |what: &'static str| { let mut v = order.take(); v.push(what); order.set(v) };
/// let got = heaplab_core::measured_run(&case, 4, || log("start"), |()| { log("stop"); 7 });
/// assert_eq!((got, order.take()), (7, vec!["start", "stop"]));
/// ```
pub fn measured_run<M, T>(
    case: &Case,
    n: usize,
    start: impl FnOnce() -> M,
    stop: impl FnOnce(M) -> T,
) -> T {
    let mut prepared = case.prepare(n);
    let measuring = start();
    prepared.run();
    prepared.drop_output();
    let measured = stop(measuring);
    drop(prepared);
    measured
}

/// A static fact about a lab's types or behaviour, e.g. `size_of::<Point3>()`.
///
/// ```
/// let fact = heaplab_core::Fact::new("size_of::<u64>()", std::mem::size_of::<u64>(), "bytes");
/// assert_eq!(fact.value, 8.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// What is stated, e.g. `"size_of::<Rc<u64>>()"`.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Its unit, e.g. `"bytes"`, `"count"`.
    pub unit: &'static str,
}

impl Fact {
    /// A fact from any number that converts losslessly enough to `f64`.
    pub fn new(name: impl Into<String>, value: usize, unit: &'static str) -> Self {
        Self {
            name: name.into(),
            value: value as f64,
            unit,
        }
    }
}

/// A figure for a table: three significant figures (whole numbers in
/// full), thousands grouped with commas, and small per-op figures shown
/// to three significant digits (one allocation in 10 000 is `0.000100`,
/// never `0.000`).
///
/// ```
/// use heaplab_core::number;
/// assert_eq!(number(1_234_567.0), "1,234,567");
/// assert_eq!(number(12.345), "12.3");
/// assert_eq!(number(0.12345), "0.123");
/// assert_eq!(number(0.0001), "0.000100");
/// assert_eq!(number(0.000_123_4), "0.000123");
/// assert_eq!(number(0.0), "0");
/// assert_eq!(number(8.0), "8");
/// assert_eq!(number(-1234.0), "-1,234");
/// ```
pub fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 {
            "0".to_owned()
        } else {
            v.to_string()
        };
    }
    let a = v.abs();
    let decimals = if a >= 100.0 || v.fract() == 0.0 {
        0
    } else {
        // Three significant digits: 12.3, 1.23, 0.123, 0.0123, ...
        let magnitude = a.log10().floor() as i32;
        (2 - magnitude).clamp(1, 12) as usize
    };
    let text = format!("{v:.decimals$}");
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0
            && (int.len() - i) % 3 == 0
            && c.is_ascii_digit()
            && int.as_bytes()[i - 1].is_ascii_digit()
        {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}
