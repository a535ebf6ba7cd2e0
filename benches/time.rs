//! Wall time of every registered case, by criterion, with the system allocator.
//!
//! One generic loop over the registry: group `<lab>/<workload>`, id
//! `<strategy>/<n>`. Setup runs outside the timed region
//! (`iter_batched`, one setup per run), and so does dropping the output. Which cases and how
//! long to measure come from the harness through `HEAPLAB_MODE` and
//! `HEAPLAB_LAB` (see `heaplab::plan`), and `HEAPLAB_ITEMS=k..` starts at
//! item `k` (the harness resumes there after a case that failed). Run it
//! through `heaplab bench`, which builds it, runs it under a per-case time
//! limit and reads criterion's `estimates.json` files.

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode};
use heaplab::measure::events::Started;
use heaplab::plan::Plan;

/// From this size on a single run takes long enough (milliseconds) that
/// criterion's flat sampling — a fixed number of runs per sample — gives
/// stable medians without linear sampling's many-iteration samples.
const FLAT_SAMPLING_FROM_N: usize = 100_000;

fn main() {
    let (plan, start) = Plan::from_env()
        .and_then(|plan| Ok((plan, heaplab::plan::start_from_env()?)))
        .unwrap_or_else(|why| {
            eprintln!("time bench: {why}");
            std::process::exit(2);
        });
    let (warm_up, measurement, samples) = plan.mode.timing();
    let mut criterion = Criterion::default()
        .warm_up_time(warm_up)
        .measurement_time(measurement)
        .sample_size(samples)
        .without_plots()
        .configure_from_args();
    let items = plan.items();
    let total = items.len();
    for (lab, workload) in groups(&items[start.min(total)..]) {
        let mut group = criterion.benchmark_group(format!("{}/{workload}", lab.id));
        for (index, item) in items.iter().enumerate() {
            if index < start || item.lab.id != lab.id || item.case.workload != workload {
                continue;
            }
            let started = Started {
                index,
                total,
                case: item.id(),
            };
            eprintln!("{}", started.line());
            let (n, case) = (item.n, item.case);
            let sampling = if n >= FLAT_SAMPLING_FROM_N {
                SamplingMode::Flat
            } else {
                SamplingMode::Auto
            };
            group.sampling_mode(sampling);
            group.bench_function(BenchmarkId::new(case.strategy, n), |b| {
                b.iter_batched(
                    || case.prepare(n),
                    |mut prepared| {
                        prepared.run();
                        prepared
                    },
                    // One setup per timed run, output dropped right after it, at every
                    // size: the allocator sees the same steady state whatever n is.
                    // (Batching small inputs instead keeps many outputs alive, so
                    // small n would run on cold memory and large n on warm: a
                    // different experiment per size.) Timer overhead (~25 ns) is
                    // inside every run: negligible for the µs–ms runs of most
                    // cases, dominant for the few that stop early (lab 08's
                    // lazy "first ten", ~26 ns in all), where instructions are
                    // the figure to read.
                    BatchSize::PerIteration,
                );
            });
        }
        group.finish();
    }
    criterion.final_summary();
}

/// The distinct (lab, workload) pairs, in plan order.
fn groups(items: &[heaplab::plan::Item]) -> Vec<(&'static heaplab_core::Lab, &'static str)> {
    let mut groups: Vec<(&'static heaplab_core::Lab, &'static str)> = Vec::new();
    for item in items {
        if !groups
            .iter()
            .any(|(l, w)| l.id == item.lab.id && *w == item.case.workload)
        {
            groups.push((item.lab, item.case.workload));
        }
    }
    groups
}
