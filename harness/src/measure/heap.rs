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

use heaplab_core::Case;
use serde::{Deserialize, Serialize};

use crate::measure::child::{self, Limits};
use crate::plan::Item;
use crate::results::{Metric, metric};

/// What dhat saw while one case ran and its output was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

impl HeapFigures {
    /// The figure of the heap metric `name` (see the metric table).
    ///
    /// ```
    /// use heaplab::measure::heap::HeapFigures;
    /// use heaplab::results::Metric;
    /// let figures = HeapFigures { allocs: 1, bytes: 8, peak_bytes: 8, live_bytes: 0 };
    /// assert_eq!(figures.metric("bytes"), Metric::Count(8));
    /// assert!(figures.metric("time_ns").value().is_none());
    /// ```
    pub fn metric(&self, name: &str) -> Metric {
        match name {
            metric::ALLOCS => Metric::Count(self.allocs),
            metric::BYTES => Metric::Count(self.bytes),
            metric::PEAK_BYTES => Metric::Count(self.peak_bytes),
            metric::LIVE_BYTES => Metric::Count(self.live_bytes),
            other => Metric::missing(format!("the heap family does not measure {other}")),
        }
    }
}

/// Measures `case` at size `n` in this process.
///
/// Only meaningful in a binary whose global allocator is `dhat::Alloc` and
/// where no other dhat profiler is running; elsewhere every figure is 0.
/// The `heaplab heap-case` subcommand is such a binary: use [`measure`].
pub fn measure_here(case: &Case, n: usize) -> HeapFigures {
    let mut prepared = case.prepare(n);
    let profiler = dhat::Profiler::builder().testing().build();
    prepared.run();
    // Blocks made by setup are unknown to the profiler: freeing them here
    // is not counted, so only the run's own blocks show as live.
    prepared.drop_output();
    let stats = dhat::HeapStats::get();
    drop(profiler);
    // The environment (see `Case::in_env`) goes last, unmeasured.
    drop(prepared);
    HeapFigures {
        allocs: stats.total_blocks,
        bytes: stats.total_bytes,
        peak_bytes: stats.max_bytes as u64,
        live_bytes: stats.curr_bytes as u64,
    }
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
