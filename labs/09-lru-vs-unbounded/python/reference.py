"""CPython reference for lab 09-lru-vs-unbounded: the tutorial's caches on one trace.

The same seeded Zipf trace as the Rust lab (splitmix64 from SEED, exponent
ZIPF_EXPONENT, key space KEYS_PER_SLOT times the capacity, capacity = ops /
OPS_PER_SLOT: the Rust lab's constants, passed by the harness), replayed
through a plain dict (never evicts), the tutorial's list-based LRU
(list.remove on every hit) and functools.lru_cache. Workloads as in Rust:
`trace` (a cold cache replays the whole trace and is kept: peak / n is
memory per operation, live is the cache left at the end), `warm` (the
second half after a warming first half) and `distinct-keys` (n keys that
never repeat, through a cache of STREAM_CAPACITY). Run through
`heaplab bench`, or alone with the Rust lab's constants:

  C=$(cargo run -q --release -p heaplab -- list --lab 09 --constants)
  python3 reference.py --constants "$C" --case trace/dict=10000 --repeats 3
  python3 reference.py --constants "$C" --print-trace 8

--print-trace COUNT prints the first COUNT keys of the trace over 2 000
keys, for comparing with the Rust lab's zipf_trace.
"""

import argparse
import bisect
import functools
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "harness" / "python"))
import heaplab_ref  # noqa: E402

LAB = "09-lru-vs-unbounded"
C = heaplab_ref.constants(
    LAB,
    OPS_PER_SLOT=int,  # trace length / capacity
    KEYS_PER_SLOT=int,  # key space / capacity
    STREAM_CAPACITY=int,  # the distinct-keys workload's fixed capacity
    ZIPF_EXPONENT=float,
    SEED=int,
    VALUE_BYTES=int,
)
# The key space of --print-trace.
PRINTED_KEY_SPACE = 2_000


def capacity(ops):
    return max(ops // C.OPS_PER_SLOT, 1)


@functools.lru_cache(maxsize=8)
def zipf_trace(ops, key_space):
    """Bit-for-bit the Rust lab's zipf_trace (a tuple; cached, since setups repeat)."""
    total = 0.0
    cumulative = []
    exponent = C.ZIPF_EXPONENT
    for rank in range(1, key_space + 1):
        total += 1.0 / float(rank) ** exponent
        cumulative.append(total)
    draws = heaplab_ref.splitmix64(C.SEED)
    keys = []
    for _ in range(ops):
        unit = (next(draws) >> 11) / float(1 << 53)
        keys.append(min(bisect.bisect_right(cumulative, unit * total), key_space - 1))
    return tuple(keys)


def compute(key):
    return bytes([key % 256]) * C.VALUE_BYTES


class DictCache:
    """The tutorial's bad cache."""

    def __init__(self, _capacity):
        self.data = {}

    def lookup(self, key):
        if key in self.data:
            return True
        self.data[key] = compute(key)
        return False


class ListLru:
    """The tutorial's good cache: a dict and an access-order list."""

    def __init__(self, capacity_):
        self.data = {}
        self.order = []
        self.capacity = capacity_

    def lookup(self, key):
        if key in self.data:
            self.order.remove(key)
            self.order.append(key)
            return True
        if len(self.data) >= self.capacity:
            oldest = self.order.pop(0)
            del self.data[oldest]
        self.data[key] = compute(key)
        self.order.append(key)
        return False


class FunctoolsLru:
    """functools.lru_cache around the computation; a miss is a call of compute."""

    def __init__(self, capacity_):
        self.misses = 0

        def counted(key):
            self.misses += 1
            return compute(key)

        self.get = functools.lru_cache(maxsize=capacity_)(counted)

    def lookup(self, key):
        before = self.misses
        self.get(key)
        return self.misses == before


def replay(cache, keys):
    return sum(1 for key in keys if cache.lookup(key))


def trace_setup(n):
    """[keys, capacity, slot for the cache]: the cache outlives the run, as in Rust."""
    return [zipf_trace(n, C.KEYS_PER_SLOT * capacity(n)), capacity(n), None]


def cold(kind):
    def run(data):
        keys, capacity_, _ = data
        cache = kind(capacity_)
        hits = replay(cache, keys)
        data[2] = cache
        return hits

    return run


def warm_setup(kind):
    def setup(n):
        keys = zipf_trace(2 * n, C.KEYS_PER_SLOT * capacity(n))  # same capacity as `trace` at n
        cache = kind(capacity(n))
        replay(cache, keys[:n])
        return cache, keys[n:]

    return setup


def warm_run(data):
    cache, keys = data
    return replay(cache, keys), data


def stream_setup(n):
    return [n, None]


def stream(kind):
    def run(data):
        cache = kind(C.STREAM_CAPACITY)
        for key in range(data[0]):
            cache.lookup(key)
        data[1] = cache
        return data[0]

    return run


KINDS = [("dict", DictCache), ("list-lru", ListLru), ("lru_cache", FunctoolsLru)]
CASES = (
    [("trace", name, trace_setup, cold(kind)) for name, kind in KINDS]
    + [("warm", name, warm_setup(kind), warm_run) for name, kind in KINDS]
    + [("distinct-keys", name, stream_setup, stream(kind)) for name, kind in KINDS]
)
# The sizes without --case, for running by hand: the Rust lab's SIZES, and
# its LIST_LRU_SIZES for the list-based LRU, which shifts its whole list on
# every hit (minutes per trace at a million operations).
_SIZES = [10_000, 100_000, 1_000_000]
_LIST_LRU_SIZES = [10_000, 100_000]
DEFAULT_SIZES = {
    "trace": _SIZES,
    "warm": _SIZES,
    "distinct-keys": _SIZES,
    "trace/list-lru": _LIST_LRU_SIZES,
    "warm/list-lru": _LIST_LRU_SIZES,
    "distinct-keys/list-lru": _LIST_LRU_SIZES,
}


def facts():
    return [
        ("sys.getsizeof(one cached value)", sys.getsizeof(compute(1)), "bytes"),
        ("ZIPF_EXPONENT", C.ZIPF_EXPONENT, ""),
    ]


def print_trace():
    """--print-trace COUNT: prints the trace's first keys and returns True; False without it."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--print-trace", type=int, metavar="COUNT")
    count = parser.parse_known_args()[0].print_trace
    if count is None:
        return False
    if count < 0:
        parser.error("--print-trace needs a count of 0 or more")
    print(list(zipf_trace(count, PRINTED_KEY_SPACE)))
    return True


if __name__ == "__main__":
    if not print_trace():
        heaplab_ref.main(LAB, CASES, facts, default_sizes=DEFAULT_SIZES)
