"""CPython reference for lab 06-profiling: top allocation lines, shallow and deep sizes.

Cases, named as in the Rust lab:

* profile: the tutorial's memory-heavy function for n integers (a list of
  n ints, a dict of n / DICT_EVERY keys to their digits repeated
  TEXT_REPEAT times, n / ROW_LEN rows of ROW_LEN ints), returning the three
  structures (whole-kept: peak is their bytes) or only their lengths as the
  tutorial writes it (whole-returns-lengths), and each structure alone
  (int-list, str-dict, nested);
* scratch: n records rendered into a fresh LINE_CAPACITY-byte buffer each
  (fresh-line), or into one buffer reused (reused-line);
* snapshot: one program in two phases, kept: the list of n ints alone
  (first-phase), then that list grown by n more ints, the dict and the
  rows (both-phases), through the same functions as the profile cases;
* deep-size: the tutorial's {i: i * 2} (pairs-map) and [(i, i * 2)]
  (pairs-vec), kept.

Facts: the tutorial's display_top on the function keeping its data, as the
share of the traced bytes on its three top lines; what the tutorial's
snapshot sees after the function has returned; tracemalloc's own
compare_to between the program's two phases (how many lines grew, by how
much, the growth on each phase-two line, named by what it allocates);
sys.getsizeof against the
tutorial's recursive get_size against tracemalloc for the deep-size values
at n = DEEP_N. Run through `heaplab bench`, or alone with the Rust lab's
constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 06 --constants)
  python3 reference.py --constants "$C" --case profile/whole-kept=10000 --repeats 3
"""

import dis
import pathlib
import sys
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "06-profiling"
C = heaplab_ref.constants(
    LAB,
    DICT_EVERY=int,
    TEXT_REPEAT=int,
    ROW_LEN=int,
    LINE_CAPACITY=int,
    DEEP_N=int,
)
# The size the top-lines facts profile at (the share, the snapshot, the peak):
# the Rust lab's largest size.
PROFILE_N = 100_000
# Lines of display_top the share is read from: the three structures.
TOP_LINES = 3
THIS_FILE = str(pathlib.Path(__file__).resolve())


# profile


def int_list(n):
    return [i for i in range(n)]


def str_dict(n):
    return {i: str(i) * C.TEXT_REPEAT for i in range(n // C.DICT_EVERY)}


def nested(n):
    return [[j for j in range(C.ROW_LEN)] for _ in range(n // C.ROW_LEN)]


def whole_kept(n):
    return int_list(n), str_dict(n), nested(n)


def whole_returns_lengths(n):
    ints, texts, rows = whole_kept(n)
    return len(ints), len(texts), len(rows)


# snapshot


def first_phase(n):
    return int_list(n), {}, []


def grow_list(ints, more):
    ints.extend(range(len(ints), len(ints) + more))


def second_phase(program, n):
    ints, _, _ = program
    grow_list(ints, n)
    return ints, str_dict(n), nested(n)


def both_phases(n):
    return second_phase(first_phase(n), n)


# scratch


def render(line, i):
    """Record i's text written into the buffer `line`; returns its length."""
    text = f"record {i:>8}: status=ok bytes={i * 7 % 65536:>6}".encode()
    line[: len(text)] = text
    return len(text)


def fresh_line(n):
    return sum(render(bytearray(C.LINE_CAPACITY), i) for i in range(n))


def reused_line(n):
    line = bytearray(C.LINE_CAPACITY)
    return sum(render(line, i) for i in range(n))


# deep-size


def pairs_map(n):
    return {i: i * 2 for i in range(n)}


def pairs_vec(n):
    return [(i, i * 2) for i in range(n)]


def get_size(obj, seen=None):
    """A recursive deep size, by the tutorial's rule (example 17), in our own words."""
    if seen is None:
        seen = set()
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(get_size(k, seen) + get_size(v, seen) for k, v in obj.items())
    elif hasattr(obj, "__dict__"):
        size += get_size(obj.__dict__, seen)
    elif hasattr(obj, "__iter__") and not isinstance(obj, (str, bytes, bytearray)):
        size += sum(get_size(item, seen) for item in obj)
    return size


def identity(n):
    return n


CASES = [
    ("profile", "whole-kept", identity, whole_kept),
    ("profile", "whole-returns-lengths", identity, whole_returns_lengths),
    ("profile", "int-list", identity, int_list),
    ("profile", "str-dict", identity, str_dict),
    ("profile", "nested", identity, nested),
    ("scratch", "fresh-line", identity, fresh_line),
    ("scratch", "reused-line", identity, reused_line),
    ("snapshot", "first-phase", identity, first_phase),
    ("snapshot", "both-phases", identity, both_phases),
    ("deep-size", "pairs-map", identity, pairs_map),
    ("deep-size", "pairs-vec", identity, pairs_vec),
]
# The sizes without --case, for running by hand: the Rust lab's SIZES and DEEP_SIZES.
DEFAULT_SIZES = {
    "profile": [1_000, 10_000, 100_000],
    "scratch": [1_000, 10_000, 100_000],
    "snapshot": [1_000, 10_000, 100_000],
    "deep-size": [1_000, 10_000],
}


# facts


class Traced:
    """tracemalloc on for a block (with 1 frame), restored afterwards."""

    def __enter__(self):
        self.was_tracing = tracemalloc.is_tracing()
        if not self.was_tracing:
            tracemalloc.start()
        return self

    def __exit__(self, *exc):
        if not self.was_tracing:
            tracemalloc.stop()


def this_file_stats(after, before):
    """compare_to by line, this file's lines only, largest growth first."""
    only_here = (tracemalloc.Filter(True, THIS_FILE),)
    stats = after.filter_traces(only_here).compare_to(before.filter_traces(only_here), "lineno")
    return [stat for stat in stats if stat.size_diff > 0]


def top_lines_share(n=PROFILE_N):
    """Share of the traced growth on the top TOP_LINES lines while the structures are kept."""
    with Traced():
        before = tracemalloc.take_snapshot()
        kept = whole_kept(n)
        after = tracemalloc.take_snapshot()
        del kept
    stats = this_file_stats(after, before)
    total = sum(stat.size_diff for stat in stats)
    return sum(stat.size_diff for stat in stats[:TOP_LINES]) / total if total else 0.0


def tutorial_snapshot(n=PROFILE_N):
    """(bytes on this file's lines in a snapshot after the function returned, the peak while it ran)."""
    with Traced():
        before = tracemalloc.take_snapshot()
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        lengths = whole_returns_lengths(n)
        peak = tracemalloc.get_traced_memory()[1] - start
        after = tracemalloc.take_snapshot()
        del lengths
    return sum(stat.size_diff for stat in this_file_stats(after, before)), peak


# What each phase-two line allocates, by the function it is in: a fact
# names a line by this, never by its number (which moves when the script is
# edited). Each of these functions allocates on one line.
PHASE_TWO_LINES = {
    "grow_list": "the line that grows the list",
    "str_dict": "the dict's line",
    "nested": "the rows' line",
}
# The two-phase program's functions: compare_to's lines are counted on these
# only, not on the lines that take the snapshots.
PROGRAM = ("first_phase", "second_phase", "int_list", *PHASE_TWO_LINES)


def line_owner(filename, lineno):
    """The PROGRAM function whose code holds this line of this file, or None."""
    if filename != THIS_FILE:
        return None
    for name in PROGRAM:
        code = globals()[name].__code__
        if lineno in {line for _, line in dis.findlinestarts(code) if line}:
            return name
    return None


def compare_phases(n=PROFILE_N):
    """tracemalloc's compare_to between the program's two snapshots, by line,
    on the program's lines: (lines that grew, lines that shrank, the growth
    on each phase-two line, the top line's growth, size_diff over the
    program's lines, traced memory's growth)."""
    with Traced():
        program = first_phase(n)
        first_traced = tracemalloc.get_traced_memory()[0]
        first = tracemalloc.take_snapshot()
        program = second_phase(program, n)
        second_traced = tracemalloc.get_traced_memory()[0]
        second = tracemalloc.take_snapshot()
        del program
    only_here = (tracemalloc.Filter(True, THIS_FILE),)
    stats = [
        (line_owner(stat.traceback[0].filename, stat.traceback[0].lineno), stat.size_diff)
        for stat in second.filter_traces(only_here).compare_to(first.filter_traces(only_here), "lineno")
    ]
    stats = [(owner, diff) for owner, diff in stats if owner is not None]
    by_owner = dict.fromkeys(PHASE_TWO_LINES, 0)
    for owner, diff in stats:
        if owner in by_owner:
            by_owner[owner] += diff
    return (
        sum(1 for _, diff in stats if diff > 0),
        sum(1 for _, diff in stats if diff < 0),
        by_owner,
        max((diff for _, diff in stats), default=0),
        sum(diff for _, diff in stats),
        second_traced - first_traced,
    )


def traced_bytes(build, n):
    """tracemalloc's bytes of the value build(n), kept."""
    with Traced():
        before = tracemalloc.get_traced_memory()[0]
        value = build(n)
        size = tracemalloc.get_traced_memory()[0] - before
        del value
    return size


def facts():
    n = C.DEEP_N
    pairs, tuples = pairs_map(n), pairs_vec(n)
    seen_after, peak = tutorial_snapshot()
    grew, shrank, by_owner, top, total, traced_growth = compare_phases()
    return [
        (
            f"tracemalloc: share of the {TOP_LINES} top lines in the kept structures' bytes",
            top_lines_share(),
            "fraction",
        ),
        (
            "tracemalloc: bytes on the function's lines in a snapshot after it returns",
            seen_after,
            "bytes",
        ),
        ("tracemalloc: peak while the function runs", peak, "bytes"),
        ("compare_to: lines that grew between the two phases", grew, "count"),
        ("compare_to: lines that shrank between the two phases", shrank, "count"),
        ("compare_to: top line's growth", top, "bytes"),
        *((f"compare_to: growth on {label}", by_owner[name], "bytes") for name, label in PHASE_TWO_LINES.items()),
        ("compare_to: size_diff over the program's lines", total, "bytes"),
        ("tracemalloc: traced memory's growth between the two phases", traced_growth, "bytes"),
        ("sys.getsizeof(pairs dict), n = DEEP_N", sys.getsizeof(pairs), "bytes"),
        ("get_size(pairs dict) (recursive), n = DEEP_N", get_size(pairs), "bytes"),
        ("tracemalloc: bytes of the pairs dict, n = DEEP_N", traced_bytes(pairs_map, n), "bytes"),
        ("sys.getsizeof(pairs list), n = DEEP_N", sys.getsizeof(tuples), "bytes"),
        ("get_size(pairs list) (recursive), n = DEEP_N", get_size(tuples), "bytes"),
        ("tracemalloc: bytes of the pairs list, n = DEEP_N", traced_bytes(pairs_vec, n), "bytes"),
    ]


if __name__ == "__main__":
    heaplab_ref.main(LAB, CASES, facts, default_sizes=DEFAULT_SIZES)
