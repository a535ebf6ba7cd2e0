"""Shared measuring code for every lab's python/reference.py.

Standard library only. Each reference script describes its cases as
(workload, strategy, setup, run) and calls `main`; this module measures them
and prints JSON Lines on standard output, one line per measurement as soon
as it is taken, then a closing line (so a harness that stops a stuck case
keeps what came before it). Metric names are the Rust side's:

* peak_bytes, live_bytes: from tracemalloc, counting only blocks allocated
  after setup, like dhat does on the Rust side, minus what an empty run
  measures. live_bytes is what is still allocated after the run's output
  was dropped (no gc.collect(): a cycle that only the collector would free
  shows as live, which is the point). When the run measures less than the
  empty run, the metric is "not measured", with both numbers.
* time_ns: perf_counter_ns around each run, tracemalloc off, every run on a
  fresh setup that is not timed. A calibration pass (also the warm-up)
  picks the runs per repeat on timeit's 1-2-5 steps; as many repeats as fit
  the wall-time budget (setups included) follow, at least 3; a single run
  longer than the budget is its own warm-up and first repeat. The median of
  the per-run times of the repeats is reported, with the fastest and
  slowest repeat as the interval. The garbage collector stays enabled, as in real
  programs; gc.collect() runs before each repeat.
* allocs, bytes, instructions, reserved_bytes: not measured (tracemalloc
  reports live and peak bytes of the requests only; CPython is not run
  under callgrind), with that reason.

Values shared with the Rust lab (sizes of things, seeds, texts) are not
typed twice: the harness passes the Rust lab's constants as a JSON object
(--constants), and a script reads the ones it needs with `constants`.
"""

import sys

# Ruff's target is 3.9, so it calls this check outdated; it is for the
# interpreters that are not.
if sys.version_info < (3, 9):  # noqa: UP036
    sys.exit(
        f"heaplab: CPython {sys.version_info[0]}.{sys.version_info[1]} is too old: "
        "the references need 3.9 or newer (they use tracemalloc.reset_peak)"
    )

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import types  # noqa: E402

NOT_TOTALS = "tracemalloc reports live and peak bytes, not allocation totals"
NOT_INSTRUCTIONS = "CPython is not run under callgrind"
NOT_RESERVED = "tracemalloc counts the bytes requested; what pymalloc and malloc reserve for them is not measured"
IN_HEAP_PASS = "taken by the heap pass (--only heap), not this one"
IN_TIME_PASS = "taken by the time pass (--only time), not this one"

DEFAULT_REPEATS = 7
DEFAULT_MIN_TIME_MS = 20
DEFAULT_BUDGET_MS = 1000
# Never fewer timed repeats than this (or than --repeats, when smaller).
FEWEST_REPEATS = 3


_MASK64 = (1 << 64) - 1


def splitmix64(seed):
    """The values of splitmix64 from `seed`, forever: heaplab_core::splitmix64's rule,
    so a reference replays its Rust lab's trace bit for bit."""
    state = seed & _MASK64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        yield z ^ (z >> 31)


def not_measured(reason):
    """A metric that was not measured, with its reason."""
    return {"not_measured": reason}


# Command line


def _case_option(text):
    """'trace/dict=10,20' -> ('trace', 'dict', [10, 20])."""
    name, equals, numbers = text.rpartition("=")
    workload, slash, strategy = name.rpartition("/")
    if not equals or not slash or not workload or not strategy:
        raise argparse.ArgumentTypeError(f"expected WORKLOAD/STRATEGY=N1,N2,..., got {text!r}")
    if not numbers:
        raise argparse.ArgumentTypeError(f"give at least one size, as in {name}=1000,10000")
    try:
        sizes = [int(part) for part in numbers.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be whole numbers separated by commas, got {numbers!r} in {text!r}"
        ) from None
    if min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"sizes must be positive, got {text!r}")
    if len(set(sizes)) != len(sizes):
        raise argparse.ArgumentTypeError(f"a size is given twice in {text!r}")
    return workload, strategy, sizes


def _json_object(text):
    try:
        value = json.loads(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not valid JSON ({e})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("expected a JSON object of NAME: value")
    return value


def _parser(lab):
    parser = argparse.ArgumentParser(
        description=f"CPython reference for heaplab lab {lab}: prints JSON Lines metrics to stdout, "
        "progress to stderr.",
    )
    parser.add_argument(
        "--case",
        type=_case_option,
        action="append",
        metavar="WORKLOAD/STRATEGY=N1,N2,...",
        help="measure this case at exactly these sizes (repeatable; in the order given). "
        "Without --case: every case at the script's default sizes",
    )
    parser.add_argument(
        "--constants",
        type=_json_object,
        metavar="JSON",
        help="the Rust lab's constants, a JSON object (heaplab passes them; "
        f'by hand: --constants "$({_constants_command(lab)})")',
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=DEFAULT_REPEATS,
        help=f"most timed repeats per measurement (default {DEFAULT_REPEATS}); the median is reported",
    )
    parser.add_argument(
        "--min-time-ms",
        type=float,
        default=DEFAULT_MIN_TIME_MS,
        metavar="T",
        help=f"least duration of one repeat, in ms (default {DEFAULT_MIN_TIME_MS}): "
        "runs per repeat are chosen to reach it",
    )
    parser.add_argument(
        "--budget-ms",
        type=float,
        default=DEFAULT_BUDGET_MS,
        metavar="B",
        help=f"wall time for the repeats of one measurement, setups included, in ms (default {DEFAULT_BUDGET_MS}); "
        f"at least min({FEWEST_REPEATS}, REPEATS) repeats run whatever it says",
    )
    parser.add_argument(
        "--only",
        choices=("heap", "time"),
        help="take only the heap figures (tracemalloc) or only the times; heaplab runs the heap pass "
        "beside other deterministic work and the time pass alone. Without it: both",
    )
    parser.add_argument("--skip", type=int, default=0, help="skip the first SKIP measurements (to resume)")
    parser.add_argument(
        "--list", action="store_true", help="print the script's cases as a JSON list of WORKLOAD/STRATEGY and exit"
    )
    return parser


def _constants_command(lab):
    number = lab.split("-", 1)[0]
    return f"cargo run -q --release -p heaplab -- list --lab {number} --constants"


# Constants shared with the Rust lab


def _convert(name, value, kind):
    """value as kind (int, float or str), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if kind is int:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None
    if kind is float:
        return float(value) if isinstance(value, (int, float)) else None
    if kind is str:
        return value if isinstance(value, str) else None
    raise TypeError(f"constants: {name} must be declared as int, float or str, not {kind!r}")


def constants(lab, **wanted):
    """The Rust lab's constants this script needs, from --constants.

    wanted: NAME=kind for each, kind being int, float or str, NAME exactly
    the Rust `const`'s name. Returns a types.SimpleNamespace of those names.
    Reads sys.argv at once (the rest of the command line is left to
    `main`), so module-level code can use the values. Exits with a message
    when --constants is missing, or lacks a name, or has a value of the
    wrong kind.
    """
    # --help is left to `main`, whose help lists the cases; without
    # constants, the script never gets there, so it is shown here.
    asks_help = any(arg in ("-h", "--help") for arg in sys.argv[1:])
    args, _ = _parser(lab).parse_known_args([arg for arg in sys.argv[1:] if arg not in ("-h", "--help")])
    given = args.constants
    script = sys.argv[0]
    if given is None and asks_help:
        parser = _parser(lab)
        parser.epilog = "The cases are listed here when --constants is given too."
        parser.print_help()
        sys.exit(0)
    if given is None:
        sys.exit(
            f"heaplab: {script} needs constants of the Rust lab {lab} ({', '.join(sorted(wanted))}); "
            "they come from the Rust lab: run the script through `heaplab bench`, or pass "
            f'--constants "$({_constants_command(lab)})"'
        )
    missing = sorted(name for name in wanted if name not in given)
    if missing:
        sys.exit(
            f"heaplab: {script}: --constants lacks {', '.join(missing)}, "
            f"which the script needs (the Rust lab {lab} should define them as constants)"
        )
    values = {}
    for name, kind in wanted.items():
        value = _convert(name, given[name], kind)
        if value is None:
            sys.exit(
                f"heaplab: {script}: the constant {name} should be {kind.__name__}, "
                f"--constants gives {json.dumps(given[name])}"
            )
        values[name] = value
    return types.SimpleNamespace(**values)


# Measuring


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


def _difference(measured, empty):
    """measured - empty in bytes, or why there is no figure when negative."""
    if measured >= empty:
        return measured - empty
    return not_measured(f"below tracemalloc's resolution here: the run measured {measured} bytes, an empty run {empty}")


def _loop_counts():
    """1, 2, 5, 10, 20, 50, ...: timeit's autorange steps."""
    power = 1
    while True:
        for step in (1, 2, 5):
            yield step * power
        power *= 10


def _repeat(setup, run, n, loops):
    """(ns of `loops` runs, each on a fresh setup timed alone; ns of the whole repeat, setups included)."""
    total = 0
    began = time.perf_counter_ns()
    for _ in range(loops):
        data = setup(n)
        start = time.perf_counter_ns()
        out = run(data)
        total += time.perf_counter_ns() - start
        del out, data
    return total, time.perf_counter_ns() - began


def _time(setup, run, n, timing):
    """time_ns of one case at size n (see the module's docstring)."""
    repeats, min_ns, budget_ns = timing
    # Calibration, also the warm-up: its times are not reported. One run
    # tells how many make a repeat of at least min_ns (the next step of
    # timeit's 1, 2, 5, 10, ... series); a repeat of that many confirms it
    # (and is timed again with more runs if the first run was an outlier).
    gc.collect()
    took, wall = _repeat(setup, run, n, 1)
    loops = 1
    while took < min_ns:
        # At most a thousandfold step: a run below the timer's resolution
        # cannot ask for millions of runs at once.
        wanted = min(min_ns * loops / max(took, 1), loops * 1000)
        loops = next(step for step in _loop_counts() if step >= wanted)
        gc.collect()
        took, wall = _repeat(setup, run, n, loops)
    # The budget is wall time, setups included: a case whose setup is slow
    # gets fewer repeats, never a longer run.
    fewest = min(FEWEST_REPEATS, repeats)
    count = max(fewest, min(repeats, int(budget_ns // max(wall, 1))))
    per_run = []
    if loops == 1 and wall > budget_ns:
        # One run outlasts the whole budget (seconds of work): it is warm
        # already, and another run would cost more than all the repeats of
        # a fast case; the calibration run counts as the first repeat.
        per_run.append(took)
        count -= 1
    for _ in range(count):
        gc.collect()
        per_run.append(_repeat(setup, run, n, loops)[0] / loops)
    return {
        "median": float(statistics.median(per_run)),
        "low": float(min(per_run)),
        "high": float(max(per_run)),
        "interval": "range",
    }


def measure(setup, run, n, timing, only=None):
    """Heap and time metrics for one case at size n.

    timing: (most repeats, least ns per repeat, ns budget for the repeats).
    only: "heap" or "time" to take only those (the other pass's metrics
    say which pass takes them), None for both.
    The measuring code itself leaves a few small objects behind (the
    integers it reads from tracemalloc); the same measurement of an empty
    run is subtracted, so an empty run measures 0.
    """
    metrics = {
        "allocs": not_measured(NOT_TOTALS),
        "bytes": not_measured(NOT_TOTALS),
        "instructions": not_measured(NOT_INSTRUCTIONS),
        "reserved_bytes": not_measured(NOT_RESERVED),
    }
    if only == "time":
        metrics["peak_bytes"] = metrics["live_bytes"] = not_measured(IN_HEAP_PASS)
    else:
        peak, live = _heap(setup, run, n)
        empty_peak, empty_live = _heap(setup, _nothing, n)
        metrics["peak_bytes"] = _difference(peak, empty_peak)
        metrics["live_bytes"] = _difference(live, empty_live)
    if only == "heap":
        metrics["time_ns"] = not_measured(IN_TIME_PASS)
    else:
        metrics["time_ns"] = _time(setup, run, n, timing)
    return metrics


def _collector():
    if not gc.isenabled():
        return "garbage collector disabled"
    thresholds = ", ".join(str(t) for t in gc.get_threshold())
    return f"garbage collector enabled (thresholds {thresholds})"


def _timing_text(args):
    return (
        f"median of up to {args.repeats} repeats of L runs, each run on a fresh untimed setup "
        f"(L chosen like timeit's autorange so that a repeat lasts >= {args.min_time_ms:g} ms, "
        f"as many repeats as fit in a {args.budget_ms:g} ms budget, setups included, but at least "
        f"{min(FEWEST_REPEATS, args.repeats)}), after an untimed calibration pass as warm-up "
        "(a single run longer than the budget is its own calibration and first repeat); "
        f"{_collector()}, gc.collect() before each repeat; interval = fastest to slowest repeat, per run"
    )


def _sizes_of(default_sizes, workload, strategy):
    if not isinstance(default_sizes, dict):
        return list(default_sizes)
    for key in (f"{workload}/{strategy}", workload):
        if key in default_sizes:
            return list(default_sizes[key])
    raise KeyError(f"default_sizes names no sizes for {workload}/{strategy}")


def main(lab, cases, facts, default_sizes):
    """Measures the cases asked for and prints JSON Lines.

    cases: list of (workload, strategy, setup, run); setup(n) builds the
    input (not measured), run(input) is the measured work.
    facts: function returning a list of (name, value, unit).
    default_sizes: the sizes used without --case, either one list for every
    case or a dict from "WORKLOAD/STRATEGY" or "WORKLOAD" to a list.

    With --case WORKLOAD/STRATEGY=N1,N2,... (repeatable) exactly those cases
    at exactly those sizes, in the order given. Output, one JSON object per
    line: {"index": k, "record": {...}} per measurement (k counts from 0),
    then {"end": {"lab", "python", "facts", "records", "timing"}}. Standard
    error gets the harness's event line as each measurement starts,
    'heaplab-event {"index": k, "total": N, "case": "LAB/WORKLOAD/STRATEGY/n"}';
    --skip K starts at measurement K + 1. --list prints the known cases.

    """
    known = {}
    for workload, strategy, setup, run in cases:
        key = f"{workload}/{strategy}"
        if key in known:
            raise ValueError(f"{lab}: the case {key} is listed twice")
        known[key] = (workload, strategy, setup, run)

    parser = _parser(lab)
    parser.epilog = "cases: " + ", ".join(known)
    args = parser.parse_args()
    if args.list:
        print(json.dumps(list(known)))
        return
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.min_time_ms < 0 or args.budget_ms < 0:
        parser.error("--min-time-ms and --budget-ms must not be negative")
    if args.skip < 0:
        parser.error("--skip must not be negative")

    planned = []
    if args.case is None:
        for workload, strategy, setup, run in known.values():
            for n in _sizes_of(default_sizes, workload, strategy):
                planned.append((workload, strategy, setup, run, n))
    else:
        asked = set()
        for workload, strategy, sizes in args.case:
            key = f"{workload}/{strategy}"
            if key not in known:
                parser.error(f"--case {key}: no such case in lab {lab}; the known ones are {', '.join(known)}")
            if key in asked:
                parser.error(f"--case {key} is given twice")
            asked.add(key)
            setup, run = known[key][2:]
            planned += [(workload, strategy, setup, run, n) for n in sizes]

    timing = (args.repeats, args.min_time_ms * 1e6, args.budget_ms * 1e6)
    for index, (workload, strategy, setup, run, n) in enumerate(planned):
        if index < args.skip:
            continue
        started = {"index": index, "total": len(planned), "case": f"{lab}/{workload}/{strategy}/{n}"}
        print("heaplab-event " + json.dumps(started, separators=(",", ":")), file=sys.stderr, flush=True)
        metrics = measure(setup, run, n, timing, args.only)
        record = {"workload": workload, "strategy": strategy, "n": n, "metrics": metrics}
        print(json.dumps({"index": index, "record": record}), flush=True)
    end = {
        "lab": lab,
        "python": sys.version.split()[0],
        "facts": [{"name": name, "value": float(value), "unit": unit} for name, value, unit in facts()],
        "records": len(planned),
        "timing": "no times: heap pass (--only heap)" if args.only == "heap" else _timing_text(args),
    }
    print(json.dumps({"end": end}), flush=True)
