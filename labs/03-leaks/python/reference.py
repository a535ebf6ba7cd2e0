"""CPython reference for lab 03-leaks: what keeps memory alive, and how to find it.

Cases, each a leak beside its fix, with the long-lived holder built by setup
so that live_bytes is what it still holds after the run:

* class-cache: a cache kept on a class (it lives as long as the program)
  that never forgets a key, against one bounded at CACHE_CAPACITY results;
* closure: callbacks kept in a registry list, each capturing its buffer,
  or only the buffer's length, or (the tutorial's "bad" closure) naming
  nothing at all;
* channel: a queue.Queue whose consumer takes one message in CONSUME_EVERY,
  against a Queue(maxsize=CHANNEL_BOUND) that refuses when full.

Facts: the tutorial's method of finding a leak (example 7), a tracemalloc
snapshot before and after a class-level cache is filled, compared by line;
the closures' sizes and cells; open file descriptors (/proc/self/fd) with
and without `with`. Run through `heaplab bench`, or alone with the Rust
lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 03 --constants)
  python3 reference.py --constants "$C" --case class-cache/grows=1000 --repeats 3
"""

import gc
import os
import pathlib
import queue
import sys
import tempfile
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "03-leaks"
C = heaplab_ref.constants(
    LAB,
    ENTRY_BYTES=int,
    CACHE_CAPACITY=int,
    BUFFER_BYTES=int,
    MESSAGE_BYTES=int,
    CONSUME_EVERY=int,
    CHANNEL_BOUND=int,
)

# The snapshot diff's objects: a list of this many zeros each (about 8 KB),
# as in the tutorial's example 7; filled 200 and 1 000 times.
PAGE_WORDS = 1_000
SNAPSHOT_COUNTS = (200, 1_000)
# Files the descriptor facts open.
FACT_FILES = 10


def filled(byte, size):
    """size bytes, all equal to byte: one new bytes object."""
    return bytes([byte % 256]) * size


# class-cache


def cache_class(capacity=None):
    """A fresh class whose cache lives on the class itself (None: unbounded)."""

    class Renderer:
        cache = {}

        @classmethod
        def get(cls, key):
            found = cls.cache.get(key)
            if found is None:
                if capacity is not None and len(cls.cache) >= capacity:
                    # The oldest key goes first: dicts keep insertion order.
                    del cls.cache[next(iter(cls.cache))]
                found = cls.cache[key] = filled(key, C.ENTRY_BYTES)
            return found

    return Renderer


def requests(data):
    renderer, n = data
    return sum(renderer.get(key)[0] for key in range(n))


# closure


def capturing_buffer(seed):
    buffer = filled(seed, C.BUFFER_BYTES)

    def callback():
        return len(buffer)

    return callback


def capturing_len(seed):
    buffer = filled(seed, C.BUFFER_BYTES)
    size = len(buffer)

    def callback():
        return size

    return callback


def naming_nothing(seed):
    """The tutorial's "bad" closure: it makes a buffer and never names it."""
    buffer = filled(seed, C.BUFFER_BYTES)
    assert len(buffer) == C.BUFFER_BYTES

    def callback():
        return "processed"

    return callback


def register(make):
    def run(data):
        registry, n = data
        registry.extend(make(i) for i in range(n))
        return len(registry)

    return run


# channel


def produce_consume(data):
    channel, n = data
    consumed = refused = 0
    for i in range(n):
        try:
            channel.put_nowait(filled(i, C.MESSAGE_BYTES))
        except queue.Full:
            refused += 1
        if (i + 1) % C.CONSUME_EVERY == 0:
            try:
                channel.get_nowait()
                consumed += 1
            except queue.Empty:
                pass
    return consumed, refused


CASES = [
    ("class-cache", "grows", lambda n: (cache_class(), n), requests),
    ("class-cache", "bounded", lambda n: (cache_class(C.CACHE_CAPACITY), n), requests),
    ("closure", "captures-buffer", lambda n: ([], n), register(capturing_buffer)),
    ("closure", "captures-len", lambda n: ([], n), register(capturing_len)),
    ("closure", "names-nothing", lambda n: ([], n), register(naming_nothing)),
    ("channel", "queue", lambda n: (queue.Queue(), n), produce_consume),
    ("channel", "bounded-queue", lambda n: (queue.Queue(maxsize=C.CHANNEL_BOUND), n), produce_consume),
]


# The tutorial's method (example 7): a snapshot diff by line.


class Document:
    opened = []

    def __init__(self, words):
        self.words = words
        Document.opened.append(self)


def fill(count):
    documents = [Document([0] * PAGE_WORDS) for _ in range(count)]
    del documents


def _line_of(text):
    """The number of the line of this file that reads exactly `text`."""
    lines = pathlib.Path(__file__).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == text)


CACHE_LINE = _line_of("Document.opened.append(self)")
DATA_LINE = _line_of("documents = [Document([0] * PAGE_WORDS) for _ in range(count)]")


def snapshot_diff(count):
    """(top line's size_diff, its count_diff, its line, the cache line's size_diff)
    between snapshots before and after `count` documents were opened."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    fill(count)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    Document.opened.clear()
    here = fill.__code__.co_filename
    stats = after.compare_to(before, "lineno")
    top = stats[0]
    cache = [s.size_diff for s in stats if (s.traceback[0].filename, s.traceback[0].lineno) == (here, CACHE_LINE)]
    line = top.traceback[0].lineno if top.traceback[0].filename == here else -1
    return top.size_diff, top.count_diff, line, sum(cache)


def snapshot_facts():
    small, large = (snapshot_diff(count) for count in SNAPSHOT_COUNTS)
    return [
        ("snapshot diff, 200 objects: top line's size_diff", small[0], "bytes"),
        ("snapshot diff, 1 000 objects: top line's size_diff", large[0], "bytes"),
        ("snapshot diff, 1 000 objects: top line's count_diff", large[1], "count"),
        ("snapshot diff: the top line is the cache's append line", large[2] == CACHE_LINE, "bool"),
        ("snapshot diff: the top line is where the cached data is made", large[2] == DATA_LINE, "bool"),
        ("snapshot diff, 1 000 objects: the cache's append line's size_diff", large[3], "bytes"),
    ]


# Open files


def open_descriptors():
    """Descriptors this process has open, or None where /proc/self/fd is missing."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def descriptors_added(act):
    before = open_descriptors()
    kept = act()
    after = open_descriptors()
    del kept
    return None if before is None or after is None else after - before


def descriptor_facts():
    handle, path = tempfile.mkstemp(prefix="heaplab-lab03-")
    os.close(handle)
    try:

        def kept():
            return [open(path) for _ in range(FACT_FILES)]  # noqa: SIM115 - kept open on purpose

        def with_blocks():
            for _ in range(FACT_FILES):
                with open(path) as file:
                    file.read(1)

        def unclosed():
            for _ in range(FACT_FILES):
                open(path).read(1)  # noqa: SIM115 - never closed on purpose

        counts = [
            ("descriptors added by 10 files kept in a list", descriptors_added(kept)),
            ("descriptors left open by 10 files read in a with block", descriptors_added(with_blocks)),
            ("descriptors left open by 10 files opened, read and never closed", descriptors_added(unclosed)),
        ]
    finally:
        os.remove(path)
    return [(name, count, "count") for name, count in counts if count is not None]


def facts():
    bad, good, used = naming_nothing(0), capturing_len(0), capturing_buffer(0)
    return [
        *snapshot_facts(),
        ("sys.getsizeof of the tutorial's bad closure", sys.getsizeof(bad), "bytes"),
        ("sys.getsizeof of the tutorial's good closure", sys.getsizeof(good), "bytes"),
        ("cells captured by a closure that names nothing", len(bad.__closure__ or ()), "count"),
        ("cells captured by a closure that uses its buffer", len(used.__closure__ or ()), "count"),
        ("sys.getsizeof of one cached result", sys.getsizeof(filled(0, C.ENTRY_BYTES)), "bytes"),
        *descriptor_facts(),
    ]


if __name__ == "__main__":
    heaplab_ref.main(
        LAB,
        CASES,
        facts,
        default_sizes={
            "class-cache": [1_000, 10_000, 100_000],
            "closure": [1_000, 10_000],
            "channel": [1_000, 10_000, 100_000],
        },
    )
