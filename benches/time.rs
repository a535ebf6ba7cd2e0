//! Wall time of every registered case, by criterion, with the system allocator.
//!
//! One generic loop over the registry: group `<lab>/<workload>`, id
//! `<strategy>/<n>`. Setup runs outside the timed region
//! (`iter_batched`, one setup per run), and so does dropping the output.
//! Each case is probed first (one untimed setup and run, which also warms
//! it up) and gets the budget its cost calls for (`heaplab::plan::Timing`).
//! Which cases and how long to measure come from the harness through
//! `HEAPLAB_MODE` and `HEAPLAB_LAB` (see `heaplab::plan`), and
//! `HEAPLAB_ITEMS` picks items of that plan (`k..` to resume after a case
//! that failed). Run it through `heaplab bench`, which builds it, runs it
//! under a per-case time limit and reads criterion's `estimates.json` files.

use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode};
use heaplab::measure::events::Started;
use heaplab::plan::{Item, Plan};

fn main() {
    let (plan, items, selected) = Plan::from_env()
        .and_then(|plan| {
            let items = plan.items();
            let selected = heaplab::plan::items_from_env(items.len())?;
            Ok((plan, items, selected))
        })
        .unwrap_or_else(|why| {
            eprintln!("time bench: {why}");
            std::process::exit(2);
        });
    let timing = plan.mode.timing();
    let mut criterion = Criterion::default()
        .warm_up_time(timing.warm_up)
        .measurement_time(timing.measurement)
        .sample_size(timing.samples)
        .nresamples(timing.resamples)
        .without_plots()
        .configure_from_args();
    let total = items.len();
    // One criterion group per run of consecutive items of one workload.
    let mut k = 0;
    while k < selected.len() {
        let first = items[selected[k]];
        let mut group =
            criterion.benchmark_group(format!("{}/{}", first.lab.id, first.case.workload));
        while k < selected.len() && same_group(&items[selected[k]], &first) {
            let index = selected[k];
            let item = items[index];
            k += 1;
            let started = Started {
                index,
                total,
                case: item.id(),
            };
            eprintln!("{}", started.line());
            let (n, case) = (item.n, item.case);
            let (setup, run) = probe(&item);
            let (flat, warm_up, measurement, samples) = timing.settings(setup, run);
            group
                .sampling_mode(if flat {
                    SamplingMode::Flat
                } else {
                    SamplingMode::Auto
                })
                .warm_up_time(warm_up)
                .measurement_time(measurement)
                .sample_size(samples);
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

fn same_group(a: &Item, b: &Item) -> bool {
    a.lab.id == b.lab.id && a.case.workload == b.case.workload
}

/// One untimed setup and run of `item` (also its first warm-up): what each costs.
fn probe(item: &Item) -> (Duration, Duration) {
    let began = Instant::now();
    let mut prepared = item.case.prepare(item.n);
    let set_up = Instant::now();
    prepared.run();
    let ran = set_up.elapsed();
    drop(prepared);
    (began.elapsed() - ran, ran)
}
