"""CPython reference for lab 08-generators-vs-lists: the tutorial's generator examples.

Sum of squares and the first ten even squares, with a generator chain and
with a list at every step, and a text file read line by line against read
whole (the same generated file as the Rust lab: 42-byte lines in the temp
directory). FIRST is the Rust lab's constant. Run through `heaplab bench`,
or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 08 --constants)
  python3 reference.py --constants "$C" --case sum-squares/list=100000 --repeats 3
"""

import itertools
import os
import pathlib
import sys
import tempfile
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "08-generators-vs-lists"
# C.FIRST: how many even squares the first-10-even-squares workload wants.
C = heaplab_ref.constants(LAB, FIRST=int)


def line(i):
    """Line i of the generated file: the Rust lab's `line(i)`, 42 bytes."""
    return f"event {i:010} status=ok latency_us=042\n"


def lines_file(n):
    """The Rust lab's `lines_file(n)`: same name, same bytes; written once, atomically."""
    path = pathlib.Path(tempfile.gettempdir()) / f"heaplab-lab08-{n}-lines.txt"
    if path.exists() and path.stat().st_size == n * len(line(0)):
        return path
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "w") as out:
        for i in range(n):
            out.write(line(i))
    os.replace(tmp, path)
    return path


def sum_squares_generator(n):
    return sum(i * i for i in range(n))


def sum_squares_list(n):
    data = [i for i in range(n)]
    squares = [x * x for x in data]
    return sum(squares)


def first_generator(n):
    evens = (x for x in range(n) if x % 2 == 0)
    squares = (x * x for x in evens)
    return sum(itertools.islice(squares, C.FIRST))


def first_list(n):
    data = list(range(n))
    evens = [x for x in data if x % 2 == 0]
    squares = [x * x for x in evens]
    return sum(squares[: C.FIRST])


def line_by_line(path):
    total = 0
    with open(path) as f:
        for text in f:
            total += len(text) - 1
    return total


def readlines(path):
    with open(path) as f:
        lines = f.read().splitlines()
    return sum(len(text) for text in lines)


def same(n):
    return n


CASES = [
    ("sum-squares", "generator", same, sum_squares_generator),
    ("sum-squares", "list", same, sum_squares_list),
    ("first-10-even-squares", "generator", same, first_generator),
    ("first-10-even-squares", "list", same, first_list),
    ("read-lines", "line-by-line", lines_file, line_by_line),
    ("read-lines", "readlines", lines_file, readlines),
]


# Example 20's own size for its snapshot diffs.
TUTORIAL_N = 1_000_000


def snapshot_diff(approach, n):
    """Example 20's own method: the sum of a tracemalloc snapshot diff taken
    before the call and after it returned (its result still held)."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    before = tracemalloc.take_snapshot()
    result = approach(n)
    after = tracemalloc.take_snapshot()
    diff = sum(stat.size_diff for stat in after.compare_to(before, "lineno"))
    del result
    if not tracing:
        tracemalloc.stop()
    return diff


def closed_after_error():
    """Whether a file opened by `with` is closed when its body raises."""
    path = lines_file(10)
    handle = None
    try:
        with open(path) as f:
            handle = f
            raise ValueError("stop in the middle")
    except ValueError:
        pass
    return handle.closed


def facts():
    return [
        (
            "example 20's snapshot diff, intermediate lists (n = 1 000 000)",
            snapshot_diff(first_list, TUTORIAL_N),
            "bytes",
        ),
        (
            "example 20's snapshot diff, generator chain (n = 1 000 000)",
            snapshot_diff(first_generator, TUTORIAL_N),
            "bytes",
        ),
        ("a file opened by with is closed after an exception", closed_after_error(), "bool"),
        ("sys.getsizeof(a generator object)", sys.getsizeof(i for i in range(10)), "bytes"),
        ("sys.getsizeof(list(range(1000)))", sys.getsizeof(list(range(1000))), "bytes"),
        ("bytes per generated line", len(line(0)), "bytes"),
    ]


if __name__ == "__main__":
    heaplab_ref.main(
        LAB,
        CASES,
        facts,
        # The Rust lab's RANGE_SIZES and LINE_SIZES, for running by hand.
        default_sizes={
            "sum-squares": [1_000, 100_000, 10_000_000],
            "first-10-even-squares": [1_000, 100_000, 10_000_000],
            "read-lines": [10_000, 100_000, 1_000_000],
        },
    )
