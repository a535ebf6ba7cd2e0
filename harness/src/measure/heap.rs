//! Heap family: exact allocation figures from dhat, one case per process.
//!
//! The `heaplab` binary's global allocator is dhat's (wrapped in
//! [`crate::measure::reserved::Reserving`], which only forwards unless
//! asked to count). For
//! each case and size the harness starts a fresh `heaplab heap-case` process
//! ([`measure`]), which prepares the case (setup is not profiled), starts a
//! dhat profiler in testing mode, runs the case, drops its output, and
//! prints the figures ([`measure_here`]) — while the case's environment
//! (`Case::in_env`) still exists, so what it keeps holding counts as live. A fresh process per case means no
//! allocation of the harness, of another case, or of the test runner can
//! leak into the figures, and a panicking case costs only its own numbers.
//! A second fresh process, `heap-case --reserved`, counts the bytes the
//! allocator reserved for the same run (`reserved_bytes`).
//!
//! Trap (as dhat's own docs warn): release builds may optimize an
//! allocation away entirely. Cases pass inputs and outputs through
//! `black_box`, so what is measured is what the code asks for.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::measure::child::{self, Limits};
use crate::measure::sites::{self, Credit, Profile, Site};
use crate::plan::Item;
use crate::results::{Metric, metric};
use heaplab_core::Case;

pub use heaplab_core::HeapFigures;

/// What one `heap-case` process prints: the figures, and the allocation
/// sites still live at the end when they were asked for (largest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    /// The case's heap figures.
    #[serde(flatten)]
    pub figures: HeapFigures,
    /// Sites with live bytes at the end (`Case::show_live_sites`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<Site>,
    /// Why the sites were asked for and could not be read (then `sites`
    /// is empty and means nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites_not_measured: Option<String>,
    /// The case's profile (`Case::profile`), or why there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Result<Profile, String>>,
    /// The most bytes the allocator reserved at once (see
    /// [`crate::measure::reserved`]), or why they were not measured: filled
    /// by [`measure`] from a process of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved: Option<Result<u64, String>>,
}

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

/// [`measure_here`], also writing dhat's per-site file at `path` (removed
/// once read) to keep the sites with bytes still live at the end, credited
/// to the crate of lab `lab`.
pub fn measure_sites_here(case: &Case, n: usize, lab: &str, path: &Path) -> Measured {
    let figures = heaplab_core::measure_heap(case, n, Some(path));
    let read = sites::read(path, Credit::Lab(lab)).and_then(|all| {
        let mut live: Vec<Site> = all.into_iter().filter(|site| site.live_bytes > 0).collect();
        live.sort_by(|a, b| b.live_bytes.cmp(&a.live_bytes).then(a.place.cmp(&b.place)));
        let sum: u64 = live.iter().map(|site| site.live_bytes).sum();
        if sum == figures.live_bytes {
            Ok(live)
        } else {
            Err(format!(
                "the live sites add up to {sum} bytes, the case's live bytes are {}",
                figures.live_bytes
            ))
        }
    });
    // A profiled case keeps dhat's file (the run saves it beside its
    // results); otherwise it is a means, not an output: it can be large.
    let profile = case
        .profiled
        .then(|| sites::profile(path, Credit::Lab(lab)));
    if !case.profiled {
        let _ = std::fs::remove_file(path);
    }
    let (sites, sites_not_measured) = match read {
        Ok(sites) => (sites, None),
        Err(why) => (Vec::new(), Some(why)),
    };
    Measured {
        figures,
        sites,
        sites_not_measured,
        profile,
        reserved: None,
    }
}

/// Measures one item in a fresh `exe heap-case` process, under `limits`.
///
/// # Errors
///
/// A one-line reason when the process could not start, failed (a panic in
/// the case: its message), was killed or timed out, or printed no figures.
pub fn measure(
    exe: &Path,
    item: &Item,
    limits: &Limits,
    sites: Option<&Path>,
) -> Result<Measured, String> {
    let mut cmd = Command::new(exe);
    cmd.args([
        "heap-case",
        item.lab.id,
        item.case.workload,
        item.case.strategy,
    ])
    .arg(item.n.to_string());
    if let Some(path) = sites {
        cmd.arg("--sites").arg(path);
    }
    let done = child::run(&mut cmd, limits, None, |_, _| false)?;
    if !done.success() {
        return Err(format!("the case {}", done.verdict()));
    }
    let mut measured: Measured = serde_json::from_slice(&done.stdout).map_err(|e| {
        format!("the case exited without its heap figures ({e}); did it call `std::process::exit`?")
    })?;
    measured.reserved = Some(reserved(exe, item, limits));
    Ok(measured)
}

/// The case's `reserved_bytes`, from a `heap-case --reserved` process of
/// its own, or why there are none (dhat's figures stand either way).
fn reserved(exe: &Path, item: &Item, limits: &Limits) -> Result<u64, String> {
    let mut cmd = Command::new(exe);
    cmd.args([
        "heap-case",
        item.lab.id,
        item.case.workload,
        item.case.strategy,
    ])
    .arg(item.n.to_string())
    .arg("--reserved");
    let done = child::run(&mut cmd, limits, None, |_, _| false)?;
    if !done.success() {
        return Err(format!("the reserved-bytes run {}", done.verdict()));
    }
    serde_json::from_slice::<Result<u64, String>>(&done.stdout).map_err(|e| {
        format!("the reserved-bytes run printed no figure ({e}); did it call `std::process::exit`?")
    })?
}
