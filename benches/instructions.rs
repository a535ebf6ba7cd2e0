//! Instructions of every registered case, by iai-callgrind (callgrind).
//!
//! iai-callgrind 0.16's attribute macros list benchmarks at compile time;
//! heaplab's cases live in a runtime registry, so this bench uses the
//! low-level binary-benchmark API: one generic loop adds one benchmark per
//! case and size, each running `heaplab-run-case` with callgrind collecting
//! only inside its `heaplab_measured_region` (setup is not counted). Which
//! cases come from `HEAPLAB_MODE` / `HEAPLAB_LAB`, and `HEAPLAB_ITEMS` picks
//! items of that plan (`k..` to resume after a case that failed, `i,j,...`
//! for one job's share of a parallel run). Run it through `heaplab bench`, which builds it, runs it under
//! a per-case time limit and reads the JSON summaries it prints.

// The group macros generate undocumented public items.
#![allow(missing_docs)]

use heaplab::plan::Plan;
use iai_callgrind::{
    Bench, BinaryBenchmark, BinaryBenchmarkConfig, BinaryBenchmarkGroup, Callgrind, Command,
    EntryPoint, binary_benchmark_group, main,
};

/// Callgrind's `--toggle-collect` pattern for the function `heaplab-run-case`
/// wraps the measured half of a case in (`heaplab_run_case::heaplab_measured_region`).
const ENTRY_POINT: &str = "*::heaplab_measured_region";

fn cases(group: &mut BinaryBenchmarkGroup) {
    // If heaplab dies, the runner and valgrind this binary starts must die too.
    if let Err(e) = heaplab::measure::child::take_group_down_with_parent() {
        eprintln!("instructions bench: warning: {e}");
    }
    let items = Plan::from_env().map(|plan| plan.items());
    let (items, selected) = items
        .and_then(|items| {
            let selected = heaplab::plan::items_from_env(items.len())?;
            Ok((items, selected))
        })
        .unwrap_or_else(|why| {
            eprintln!("instructions bench: {why}");
            std::process::exit(2);
        });
    for item in selected.into_iter().map(|k| items[k]) {
        // iai-callgrind clears the environment of the command it measures;
        // heaplab's own variables (the plan, the calibration knobs) go through.
        let heaplab_env = std::env::vars().filter(|(k, _)| k.starts_with("HEAPLAB_"));
        let command = Command::new(env!("CARGO_BIN_EXE_heaplab-run-case"))
            .args([item.lab.id, item.case.workload, item.case.strategy])
            .arg(item.n.to_string())
            .envs(heaplab_env)
            .build();
        group.binary_benchmark(
            BinaryBenchmark::new(item.id().ident()).bench(Bench::new("case").command(command)),
        );
    }
}

binary_benchmark_group!(
    name = registry;
    config = BinaryBenchmarkConfig::default()
        .tool(Callgrind::default().entry_point(EntryPoint::Custom(ENTRY_POINT.to_owned())));
    benchmarks = |group: &mut BinaryBenchmarkGroup| cases(group)
);

main!(binary_benchmark_groups = registry);
