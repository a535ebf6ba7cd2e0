"""Shared measuring code for every lab's python/reference.py.

Standard library only. Each reference script describes its cases as
(workload, strategy, setup, run) and calls `main`; this module measures them
the way the Rust harness does and prints JSON Lines on standard output, one
line per record as soon as it is measured, then a closing line with the
facts (so a harness that stops a stuck case keeps what came before it).
Metric names are the Rust side's (see harness/src/results.rs):

* peak_bytes, live_bytes: from tracemalloc, counting only blocks allocated
  after setup, like dhat does on the Rust side. live_bytes is what is still
  allocated after the run's output was dropped (no gc.collect(): a cycle
  that only the collector would free shows as live, which is the point).
* time_ns: perf_counter_ns around the run, tracemalloc off; the median of
  the repeats, with the fastest and slowest as the interval.
* allocs, bytes, instructions: not measured (tracemalloc reports live and
  peak bytes only; CPython is not run under callgrind), with that reason.
"""

import sys

if sys.version_info < (3, 9):
    sys.exit(
        "heaplab: CPython %d.%d is too old: the references need 3.9 or newer "
        "(they use tracemalloc.reset_peak)" % sys.version_info[:2]
    )

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

NOT_TOTALS = "tracemalloc reports live and peak bytes, not allocation totals"
NOT_INSTRUCTIONS = "CPython is not run under callgrind"


def not_measured(reason):
    """A metric that was not measured, with its reason."""
    return {"not_measured": reason}


def _heap(setup, run, n):
    """(peak, live) bytes traced while run(setup(n)) runs and its output is dropped."""
    gc.collect()
    data = setup(n)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    out = run(data)
    peak = tracemalloc.get_traced_memory()[1] - base
    del out
    live = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return peak, live


def _nothing(data):
    return None


def measure(setup, run, n, repeats):
    """Heap and time metrics for one case at size n.

    The measuring code itself leaves a few small objects behind (the
    integers it reads from tracemalloc); the same measurement of an empty
    run is subtracted, so an empty run measures 0.
    """
    peak, live = _heap(setup, run, n)
    empty_peak, empty_live = _heap(setup, _nothing, n)

    times = []
    for _ in range(repeats):
        data = setup(n)
        gc.collect()
        start = time.perf_counter_ns()
        out = run(data)
        times.append(time.perf_counter_ns() - start)
        del out, data
    return {
        "allocs": not_measured(NOT_TOTALS),
        "bytes": not_measured(NOT_TOTALS),
        "peak_bytes": max(peak - empty_peak, 0),
        "live_bytes": max(live - empty_live, 0),
        "time_ns": {
            "median": float(statistics.median(times)),
            "ci_low": float(min(times)),
            "ci_high": float(max(times)),
        },
        "instructions": not_measured(NOT_INSTRUCTIONS),
    }


def parse_sizes(text):
    """'1000,10000' -> (None, [1000, 10000]); 'read-lines=10,20' -> ('read-lines', [10, 20])."""
    workload, _, numbers = text.rpartition("=")
    try:
        sizes = [int(part) for part in numbers.split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers separated by commas, got {text!r}")
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("give at least one positive size")
    return (workload or None, sizes)


def main(lab, cases, facts, default_sizes):
    """Measures every case at every size and prints JSON Lines.

    cases: list of (workload, strategy, setup, run) or (..., max_n);
    setup(n) builds the input (not measured), run(input) is the measured
    work; a case with max_n is skipped at sizes above it.
    facts: function returning a list of (name, value, unit).

    Output, one JSON object per line: {"index": k, "record": {...}} for
    each case and size, in order (k counts from 0), then {"end": {"lab", "python", "facts", "records"}}.
    Standard error gets "[k/N] python LAB WORKLOAD/STRATEGY/n" as each
    measurement starts; --skip K starts at measurement K + 1.
    """
    parser = argparse.ArgumentParser(
        description=f"CPython reference for heaplab lab {lab}: prints JSON Lines metrics to stdout."
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        action="append",
        help="comma-separated sizes n for every workload, or WORKLOAD=n,n,... for one (repeatable)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per case (median reported)")
    parser.add_argument("--skip", type=int, default=0, help="skip the first SKIP measurements (to resume)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.skip < 0:
        parser.error("--skip must not be negative")

    every = [sizes for workload, sizes in args.sizes or [] if workload is None]
    per_workload = {workload: sizes for workload, sizes in args.sizes or [] if workload is not None}
    fallback = every[-1] if every else (None if per_workload else default_sizes)

    planned = []
    for workload, strategy, setup, run, *limit in cases:
        for n in per_workload.get(workload, fallback) or []:
            if limit and limit[0] is not None and n > limit[0]:
                continue
            planned.append((workload, strategy, setup, run, n))
    for index, (workload, strategy, setup, run, n) in enumerate(planned):
        if index < args.skip:
            continue
        print(f"[{index + 1}/{len(planned)}] python {lab} {workload}/{strategy}/{n}", file=sys.stderr, flush=True)
        record = {"workload": workload, "strategy": strategy, "n": n, "metrics": measure(setup, run, n, args.repeats)}
        print(json.dumps({"index": index, "record": record}), flush=True)
    end = {
        "lab": lab,
        "python": sys.version.split()[0],
        "facts": [{"name": name, "value": float(value), "unit": unit} for name, value, unit in facts()],
        "records": len(planned),
    }
    print(json.dumps({"end": end}), flush=True)
