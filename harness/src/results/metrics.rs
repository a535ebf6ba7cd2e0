//! The metric table: every metric heaplab records, and everything the rest
//! of the harness needs to know about it. The results' validation, the
//! report's columns, the gate's rules, the export's names and the smoke
//! check all loop over [`METRICS`]; adding a metric is one row here plus
//! the family that measures it.

/// Metric names, for code that asks for one metric by name.
pub mod name {
    /// See [`super::METRICS`].
    pub const ALLOCS: &str = "allocs";
    /// See [`super::METRICS`].
    pub const BYTES: &str = "bytes";
    /// See [`super::METRICS`].
    pub const PEAK_BYTES: &str = "peak_bytes";
    /// See [`super::METRICS`].
    pub const LIVE_BYTES: &str = "live_bytes";
    /// See [`super::METRICS`].
    pub const RESERVED_BYTES: &str = "reserved_bytes";
    /// See [`super::METRICS`].
    pub const TIME_NS: &str = "time_ns";
    /// See [`super::METRICS`].
    pub const INSTRUCTIONS: &str = "instructions";
}

/// The measurement family a metric comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// dhat, one case per process: exact and deterministic.
    Heap,
    /// criterion (Rust) or the reference's own timer (CPython): noisy.
    Time,
    /// callgrind through iai-callgrind: repeatable.
    Instructions,
}

impl Family {
    /// The family's name, as `--skip` and `--allow-missing` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Heap => "heap",
            Family::Time => "time",
            Family::Instructions => "instructions",
        }
    }
}

/// How a figure is shown in tables and plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Divided by `n`: per object created, per loop iteration, per lookup.
    PerOp,
    /// As recorded, for the whole case at size `n`.
    Total,
}

/// How the regression gate judges a change (thresholds in
/// `gate::rules::Thresholds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// An exact count: any rise beyond the count tolerance regresses.
    Count,
    /// Bytes: a rise beyond the bytes tolerance (percent) regresses.
    Bytes,
    /// Bytes retained after the output is dropped: as [`Rule::Bytes`], and
    /// going from 0 to anything always regresses (a new leak).
    Retained,
    /// Bytes the allocator reserved: a rise beyond the reserved tolerance
    /// (percent) and [`RESERVED_SLACK`] bytes regresses. Usable sizes
    /// depend a little on what the process freed before the run (a block
    /// may land in a larger free chunk), not only on the code measured.
    Reserved,
    /// Instructions: a rise beyond the instructions tolerance (percent).
    Instructions,
    /// Wall time: disjoint intervals and a rise beyond the noise threshold;
    /// a warning unless time is made to fail.
    Time,
    /// A series of points: any difference regresses (series are heap
    /// figures such as growth steps, deterministic like counts).
    Series,
}

/// Bytes of reserved-size difference the gate always tolerates: a few of
/// glibc's 16-byte steps, where an earlier free left a larger chunk for a
/// block to land in.
pub const RESERVED_SLACK: f64 = 256.0;

/// The shape of a metric's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One number (a count or an estimate).
    Scalar,
    /// A list of `(x, y)` points, e.g. capacity after each growth step.
    Series,
}

/// One row of the metric table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    /// The key in results files, e.g. `peak_bytes`.
    pub name: &'static str,
    /// The unit of a recorded (total) value.
    pub unit: &'static str,
    /// Which family measures it.
    pub family: Family,
    /// Per op or total in tables and plots, for Rust and CPython alike.
    pub shown: Shown,
    /// How the gate judges it.
    pub rule: Rule,
    /// Scalar or series.
    pub kind: Kind,
    /// Its measure slug in Bencher Metric Format.
    pub export: &'static str,
    /// Its column label in tables, as shown by default, unit included.
    pub label: &'static str,
    /// Its column label for the whole case's total, e.g. `peak B`.
    pub total_label: &'static str,
    /// One line for the report's legend.
    pub about: &'static str,
}

/// Every metric, in the report's column order.
///
/// ```
/// use heaplab::results::metrics::{METRICS, spec};
/// assert_eq!(METRICS.len(), 7);
/// assert_eq!(spec("peak_bytes").unwrap().label, "peak B/op");
/// assert!(spec("speed").is_none());
/// ```
pub const METRICS: [MetricSpec; 7] = [
    MetricSpec {
        name: name::TIME_NS,
        unit: "ns",
        family: Family::Time,
        shown: Shown::PerOp,
        rule: Rule::Time,
        kind: Kind::Scalar,
        export: "latency",
        label: "ns/op",
        total_label: "ns",
        about: "wall time of the run: the median, with its interval (criterion's 95% confidence interval of the median for Rust; the fastest and slowest repeat for CPython)",
    },
    MetricSpec {
        name: name::ALLOCS,
        unit: "blocks",
        family: Family::Heap,
        shown: Shown::PerOp,
        rule: Rule::Count,
        kind: Kind::Scalar,
        export: "allocations",
        label: "allocs/op",
        total_label: "allocs",
        about: "heap blocks allocated by the run and the drop of its output (dhat, exact)",
    },
    MetricSpec {
        name: name::BYTES,
        unit: "bytes",
        family: Family::Heap,
        shown: Shown::PerOp,
        rule: Rule::Bytes,
        kind: Kind::Scalar,
        export: "bytes",
        label: "bytes/op",
        total_label: "bytes",
        about: "bytes those blocks requested, in total (dhat, exact)",
    },
    MetricSpec {
        name: name::PEAK_BYTES,
        unit: "bytes",
        family: Family::Heap,
        shown: Shown::PerOp,
        rule: Rule::Bytes,
        kind: Kind::Scalar,
        export: "peak-bytes",
        label: "peak B/op",
        total_label: "peak B",
        about: "most bytes live at once during the run (dhat; tracemalloc for CPython); where the output keeps what was built, this is memory per object",
    },
    MetricSpec {
        name: name::RESERVED_BYTES,
        unit: "bytes",
        family: Family::Heap,
        shown: Shown::PerOp,
        rule: Rule::Reserved,
        kind: Kind::Scalar,
        export: "reserved-bytes",
        label: "reserved B/op",
        total_label: "reserved B",
        about: "most bytes the allocator reserved for the run's blocks at once: glibc's usable size of each block (a request rounded up to 16-byte steps, 24 at least), summed in a process of its own with no profiler running; at least peak B, and not measured for CPython (tracemalloc counts requests)",
    },
    MetricSpec {
        name: name::LIVE_BYTES,
        unit: "bytes",
        family: Family::Heap,
        shown: Shown::Total,
        rule: Rule::Retained,
        kind: Kind::Scalar,
        export: "live-bytes",
        label: "retained B",
        total_label: "retained B",
        about: "bytes still allocated after the output was dropped: a leak where nothing should be held, by design where an environment keeps them (a bounded cache's entries)",
    },
    MetricSpec {
        name: name::INSTRUCTIONS,
        unit: "instructions",
        family: Family::Instructions,
        shown: Shown::PerOp,
        rule: Rule::Instructions,
        kind: Kind::Scalar,
        export: "instructions",
        label: "Ir/op",
        total_label: "Ir",
        about: "instructions executed by the run under callgrind, setup excluded",
    },
];

impl MetricSpec {
    /// The column label of the figure shown per op or in total.
    ///
    /// ```
    /// use heaplab::results::metrics::{Shown, spec};
    /// let peak = spec("peak_bytes").unwrap();
    /// assert_eq!(peak.label_for(Shown::PerOp), "peak B/op");
    /// assert_eq!(peak.label_for(Shown::Total), "peak B");
    /// assert_eq!(spec("live_bytes").unwrap().label_for(Shown::PerOp), "retained B/op");
    /// ```
    pub fn label_for(&self, shown: Shown) -> String {
        match (shown, self.shown) {
            (Shown::Total, _) => self.total_label.to_owned(),
            (Shown::PerOp, Shown::PerOp) => self.label.to_owned(),
            (Shown::PerOp, Shown::Total) => format!("{}/op", self.total_label),
        }
    }
}

/// The row of `name`, if it is a metric.
pub fn spec(name: &str) -> Option<&'static MetricSpec> {
    METRICS.iter().find(|m| m.name == name)
}

/// Every metric name, in table order.
pub fn names() -> impl Iterator<Item = &'static str> {
    METRICS.iter().map(|m| m.name)
}
