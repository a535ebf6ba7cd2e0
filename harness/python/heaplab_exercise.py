"""Grades the Python twin of a heaplab exercise: the tutorial's own language.

Standard library only; runs on CPython 3.8 and newer (tracing starts after
setup, so no tracemalloc.reset_peak is needed). `heaplab exercise check
NN-k --python` runs it in a child process under a time limit and a memory
cap, and reads what it prints: the same event lines as the Rust check
binaries (prefix "heaplab-exercise ", one JSON object each), so the verdict
looks the same in both languages.

A lab's python/exercises.py holds the specs: CHECKS maps an exercise id to
a function taking the student's module and returning a Check.

Heap figures, from tracemalloc, counting only blocks allocated after the
setup (like dhat on the Rust side):

* allocs, bytes: the blocks and bytes still held when the run returned,
  its result alive (tracemalloc sees live blocks only, not totals);
* peak_bytes: the most bytes live at once during the run;
* live_bytes: what is still held after the result was dropped and
  gc.collect() ran.

Per-site data goes to $HEAPLAB_SITES_DIR in dhat's file format, so the
harness reads both languages' sites the same way.
"""

import argparse
import gc
import importlib.util
import json
import os
import sys
import traceback
import tracemalloc

PREFIX = "heaplab-exercise "
# Frames kept per traced block: enough to reach the student's line.
FRAMES = 4
# Bytes CPython may keep after a result is dropped without anything leaking:
# freed lists, dicts and floats go to free lists, which tracemalloc still
# counts as allocated (a few KiB at most, whatever the size).
LIVE_ALLOWANCE = 4096
LIVE_FORMULA = "4 KiB: nothing stays live once the result is dropped, but CPython's free lists"


class Check:
    """Behaviour tests and heap checks of one exercise."""

    def __init__(self):
        self.tests = []
        self.heap = []

    def test(self, name, run):
        """Adds a test: run() returns None when right, else what was wrong."""
        self.tests.append((name, run))
        return self

    def measure(self, heap_check):
        """Adds a HeapCheck."""
        self.heap.append(heap_check)
        return self


class HeapCheck:
    """setup(n) builds the input (not traced); run(value) is measured."""

    def __init__(self, name, sizes, setup, run):
        self.name = name
        self.sizes = sizes
        self.setup = setup
        self.run = run
        # Until a spec says otherwise, nothing may stay live once the result is
        # dropped, but for what CPython keeps in its free lists and caches.
        self.budgets = [("live_bytes", LIVE_FORMULA, lambda n: LIVE_ALLOWANCE)]
        self.floors = []

    def budget(self, metric, formula, value):
        """The most `metric` may be at n: value(n), computed, with its formula in words."""
        self.budgets = [b for b in self.budgets if b[0] != metric]
        self.budgets.append((metric, formula, value))
        return self

    def floor(self, metric, formula, value):
        """The least `metric` can physically be at n."""
        self.floors.append((metric, formula, value))
        return self


def expect_eq(got, expected):
    """None when equal, else 'expected ..., got ...'."""
    return None if got == expected else f"expected {expected!r}, got {got!r}"


def emit(event):
    print(PREFIX + json.dumps(event), flush=True)


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def describe(error):
    """An exception as one line: type, message, and the innermost place."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{place}"


def trimmed(path):
    return "/".join(os.path.abspath(path).split(os.sep)[-3:])


def by_site(traces, sites, total):
    """Adds `traces` ((size, frames) pairs) to `sites` (frames -> tb/tbk/eb/ebk)."""
    for size, frames in traces:
        site = sites.setdefault(frames, {"tb": 0, "tbk": 0, "eb": 0, "ebk": 0})
        if total:
            site["tb"] += size
            site["tbk"] += 1
        else:
            site["eb"] += size
            site["ebk"] += 1


def write_sites(path, sites):
    """The sites in dhat's file format: the harness reads both languages alike."""
    frames = {}
    ftbl = ["[root]"]
    pps = []
    for key, site in sites.items():
        fs = []
        # Most recent call first, as dhat lists frames.
        for filename, lineno in key:
            text = f"0x0: {os.path.basename(filename)}:{lineno} ({trimmed(filename)}:{lineno}:0)"
            if text not in frames:
                frames[text] = len(ftbl)
                ftbl.append(text)
            fs.append(frames[text])
        pps.append(dict(site, fs=fs))
    with open(path, "w") as out:
        json.dump({"pps": pps, "ftbl": ftbl}, out)


def snapshot():
    """The traced blocks, raw: (domain, size, frames[, total frames]) tuples,
    frames most recent first as (filename, lineno). Tracemalloc's public Trace
    objects cost seconds for 60 000 blocks, these milliseconds."""
    taken = tracemalloc.take_snapshot()
    raw = getattr(taken.traces, "_traces", None)
    if raw is None:
        raw = [(0, t.size, tuple((f.filename, f.lineno) for f in reversed(t.traceback))) for t in taken.traces]
    return raw


def theirs(raw):
    """The blocks as (size, frames) pairs without the grader's own: blocks
    made on this file's lines, and anything made inside tracemalloc (the
    first snapshot, still alive when the second is taken)."""
    ours = tracemalloc.__file__
    return [(t[1], t[2]) for t in raw if t[2] and t[2][0][0] != __file__ and all(frame[0] != ours for frame in t[2])]


def measure(heap_check, n, sites_path):
    """The figures of one run at n. Only the run and the two snapshots happen
    while tracing: the traces are sorted out after tracemalloc.stop(), since a
    block made while tracing costs a line lookup per kept frame."""
    # A first small run, untraced, fills the caches a first call creates.
    heap_check.run(heap_check.setup(1))
    value = heap_check.setup(n)
    gc.collect()
    tracemalloc.start(FRAMES)
    result = heap_check.run(value)
    _, peak = tracemalloc.get_traced_memory()
    held = snapshot()
    del result
    gc.collect()
    live = snapshot()
    tracemalloc.stop()
    held, live = theirs(held), theirs(live)
    sites = {}
    by_site(held, sites, True)
    by_site(live, sites, False)
    if sites_path:
        write_sites(sites_path, sites)
    return {
        "allocs": len(held),
        "bytes": sum(t[0] for t in held),
        "peak_bytes": peak,
        "live_bytes": sum(t[0] for t in live),
    }


def bounds(limits, n):
    return [{"metric": m, "value": int(value(n)), "formula": formula} for m, formula, value in limits]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="the lab's python/exercises.py")
    parser.add_argument("--answer", required=True, help="the student's file")
    parser.add_argument("--id", required=True, help="the exercise id, e.g. 04-1")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    spec = load(args.spec, "heaplab_exercise_spec")
    try:
        answer = load(args.answer, "answer")
    except Exception as error:  # noqa: BLE001 - any error in the student's file is reported, not raised
        emit({"unloadable": "".join(traceback.format_exception_only(type(error), error)).strip()})
        return
    check = spec.CHECKS[args.id](answer)
    emit({"plan": {"tests": [name for name, _ in check.tests], "heap": [[h.name, h.sizes] for h in check.heap]}})
    for name, run in check.tests:
        try:
            wrong = run()
            outcome = "passed" if wrong is None else {"failed": wrong}
        except Exception as error:  # noqa: BLE001
            outcome = {"panicked": describe(error)}
        emit({"test": {"name": name, "outcome": outcome}})
    sites_dir = os.environ.get("HEAPLAB_SITES_DIR")
    for index, heap_check in enumerate(check.heap):
        for n in heap_check.sizes:
            sites = os.path.join(sites_dir, f"{index}-{n}.json") if sites_dir else None
            emit_heap(heap_check, n, sites)
    emit("done")


def emit_heap(heap_check, n, sites):
    """Measures one heap check at one size and prints it.

    Kept apart from main(), and short: tracemalloc looks up the line of every
    frame it keeps for each traced block, and CPython finds a frame's line by
    walking its function's line table from the start, so a traced block made
    while a long function is on the kept frames costs microseconds (seconds for
    100 000 blocks).
    """
    try:
        figures = {"Ok": measure(heap_check, n, sites)}
    except Exception as error:  # noqa: BLE001
        tracemalloc.stop()
        figures = {"Err": describe(error)}
    emit(
        {
            "heap": {
                "check": heap_check.name,
                "n": n,
                "figures": figures,
                "budgets": bounds(heap_check.budgets, n),
                "floors": bounds(heap_check.floors, n),
                "sites": sites if sites and os.path.exists(sites) else None,
            }
        }
    )


if __name__ == "__main__":
    main()
