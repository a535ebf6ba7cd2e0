//! Heap family: exact allocation figures from dhat, one case per process.
//!
//! The `heaplab` binary installs `dhat::Alloc` as its global allocator. For
//! each case and size the harness starts a fresh `heaplab heap-case` process
//! ([`measure`]), which prepares the case (setup is not profiled), starts a
//! dhat profiler in testing mode, runs the case, drops its output, and
//! prints the figures ([`measure_here`]) — while the case's environment
//! (`Case::in_env`) still exists, so what it keeps holding counts as live. A fresh process per case means no
//! allocation of the harness, of another case, or of the test runner can
//! leak into the figures, and a panicking case costs only its own numbers.
//!
//! Trap (as dhat's own docs warn): release builds may optimize an
//! allocation away entirely. Cases pass inputs and outputs through
//! `black_box`, so what is measured is what the code asks for.

use std::path::Path;
use std::process::Command;

use crate::measure::child::{self, Limits};
use crate::plan::Item;
use crate::results::{Metric, metric};
use heaplab_core::Case;

pub use heaplab_core::HeapFigures;

/// The figure of the heap metric `name` (see the metric table).
///
/// ```
/// use heaplab::measure::heap::{HeapFigures, metric_of};
/// use heaplab::results::Metric;
/// let figures = HeapFigures { allocs: 1, bytes: 8, peak_bytes: 8, live_bytes: 0 };
/// assert_eq!(metric_of(&figures, "bytes"), Metric::Count(8));
/// assert!(metric_of(&figures, "time_ns").value().is_none());
/// ```
pub fn metric_of(figures: &HeapFigures, name: &str) -> Metric {
    match name {
        metric::ALLOCS => Metric::Count(figures.allocs),
        metric::BYTES => Metric::Count(figures.bytes),
        metric::PEAK_BYTES => Metric::Count(figures.peak_bytes),
        metric::LIVE_BYTES => Metric::Count(figures.live_bytes),
        other => Metric::missing(format!("the heap family does not measure {other}")),
    }
}

/// Measures `case` at size `n` in this process.
///
/// Only meaningful in a binary whose global allocator is `dhat::Alloc` and
/// where no other dhat profiler is running; elsewhere every figure is 0.
/// The `heaplab heap-case` subcommand is such a binary: use [`measure`].
pub fn measure_here(case: &Case, n: usize) -> HeapFigures {
    heaplab_core::measure_heap(case, n, None)
}

/// Measures one item in a fresh `exe heap-case` process, under `limits`.
///
/// # Errors
///
/// A one-line reason when the process could not start, failed (a panic in
/// the case: its message), was killed or timed out, or printed no figures.
pub fn measure(exe: &Path, item: &Item, limits: &Limits) -> Result<HeapFigures, String> {
    let mut cmd = Command::new(exe);
    cmd.args([
        "heap-case",
        item.lab.id,
        item.case.workload,
        item.case.strategy,
    ])
    .arg(item.n.to_string());
    let done = child::run(&mut cmd, limits, None, |_, _| false)?;
    if !done.success() {
        return Err(format!("the case {}", done.verdict()));
    }
    serde_json::from_slice(&done.stdout).map_err(|e| {
        format!("the case exited without its heap figures ({e}); did it call `std::process::exit`?")
    })
}
