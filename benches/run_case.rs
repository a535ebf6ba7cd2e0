//! Runs one registered case once, for callgrind to count.
//!
//! `heaplab-run-case LAB WORKLOAD STRATEGY N`. Setup runs first and is not
//! counted: the instructions bench tells callgrind to collect only inside
//! [`measured_region`] (its `--toggle-collect` entry point). The global
//! allocator is the system's, as in the time bench, so instruction counts
//! include real allocator work and no profiler bookkeeping.

use std::process::ExitCode;

use heaplab_core::Prepared;

/// The only function whose instructions callgrind counts. Never inlined,
/// so the symbol exists for `--toggle-collect`.
#[inline(never)]
pub fn heaplab_measured_region(prepared: &mut dyn Prepared) {
    prepared.run();
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lab, workload, strategy, n] = args.as_slice() else {
        eprintln!("usage: heaplab-run-case LAB WORKLOAD STRATEGY N");
        return ExitCode::from(2);
    };
    let Some(case) = heaplab::registry::find(lab).and_then(|lab| lab.find(workload, strategy))
    else {
        eprintln!("heaplab-run-case: no case {lab}/{workload}/{strategy}; see `heaplab list`");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse() else {
        eprintln!("heaplab-run-case: N must be a whole number, got '{n}'");
        return ExitCode::from(2);
    };
    let mut prepared = case.prepare(n);
    heaplab_measured_region(prepared.as_mut());
    drop(prepared);
    ExitCode::SUCCESS
}
